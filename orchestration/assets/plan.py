"""The compensation plan file as assets: validated and loaded into the `config` tables."""

import dagster as dg
from dagster import AssetExecutionContext

from ingestion.plan_config import PLAN_TABLE_DDL, load_plan_config
from orchestration.resources import PlanConfigResource, WarehouseResource

PLAN_GROUP = "config"


def plan_table_key(table: str) -> dg.AssetKey:
    """["config", "<table>"]: the key the dbt source `config` maps the table to
    (models/intermediate/plan/_config__sources.yml), so the models reading the plan run after it."""
    return dg.AssetKey(["config", table])


PLAN_SPECS = [
    dg.AssetSpec(
        key=plan_table_key(table),
        group_name=PLAN_GROUP,
        description=f"config.{table}, from the versioned compensation plan file "
        "(`KPIWH_PLAN_CONFIG`, default config/compensation_plan.yml).",
        kinds={"duckdb"},
    )
    for table in PLAN_TABLE_DDL
]


@dg.multi_asset(specs=PLAN_SPECS, name="compensation_plan")
def compensation_plan(
    context: AssetExecutionContext, warehouse: WarehouseResource, plan_config: PlanConfigResource
):
    """Validate the plan file (every error names the file and the field), then replace the four
    `config` tables in one transaction."""
    with warehouse.connection() as con:
        config = load_plan_config(con, plan_config.path)
    versions = ", ".join(f"{v.plan_version} from {v.effective_from}" for v in config.versions)
    context.log.info(f"compensation plan {config.file_name} ({config.sha256[:12]}): {versions}")
    for spec in PLAN_SPECS:
        yield dg.MaterializeResult(
            asset_key=spec.key,
            metadata={
                "config_file_name": config.file_name,
                "config_file_sha256": config.sha256,
                "plan_versions": versions,
            },
        )
