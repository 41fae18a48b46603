"""The one Dagster entry point: `dagster dev -m orchestration.definitions`."""

from __future__ import annotations

import dagster as dg

from orchestration.assets.dbt import (
    DBT_EXECUTABLE,
    NightlyDbtCliResource,
    dbt_models,
    dbt_project,
)
from orchestration.assets.exports import BiExportsResource, exports_bi
from orchestration.assets.payroll import payroll_periods
from orchestration.assets.plan import compensation_plan
from orchestration.assets.quality import anomaly_alerts, published_marts, quality_validation
from orchestration.assets.raw import raw_extracts
from orchestration.jobs import landing_sensor, nightly_job, nightly_schedule
from orchestration.resources import (
    LandingResource,
    PlanConfigResource,
    QualityConfigResource,
    WarehouseResource,
    export_dbt_env,
)
from orchestration.settings import Settings


def build_definitions(settings: Settings | None = None) -> dg.Definitions:
    settings = settings or Settings.from_env()
    export_dbt_env(settings)
    return dg.Definitions(
        assets=[
            raw_extracts,
            compensation_plan,
            dbt_models,
            quality_validation,
            published_marts,
            anomaly_alerts,
            payroll_periods,
            exports_bi,
        ],
        jobs=[nightly_job],
        schedules=[nightly_schedule(settings.business_tz)],
        sensors=[landing_sensor(settings.landing_dir)],
        resources={
            "warehouse": WarehouseResource.from_settings(settings),
            "landing": LandingResource.from_settings(settings),
            "plan_config": PlanConfigResource.from_settings(settings),
            "quality_config": QualityConfigResource.from_settings(settings),
            "bi_exports": BiExportsResource.from_settings(settings),
            "dbt": NightlyDbtCliResource(
                project_dir=dbt_project,
                profiles_dir=str(dbt_project.profiles_dir),
                dbt_executable=DBT_EXECUTABLE,
            ),
        },
        executor=dg.in_process_executor,
    )


defs = build_definitions()
