"""Write–audit–publish: the quality gate over the freshly built marts, then the publication.

`quality/validation` runs every check (raw, definitions, marts) after dbt — the raw and definition
checks on what the night can have changed since the latest publication — records them in
`meta.validation_history` and reports each as a Dagster asset check. `published/marts` is the
explicit gate: it publishes only when the history of *this run* holds no failed error-level check,
and fails the run with the reasons otherwise (the last publication stays untouched).
`quality/anomalies` then scans what was published for anomalies (alerts, never failures).
"""

from pathlib import Path

import dagster as dg
from dagster import AssetExecutionContext

from exports.publication import GateFailed, publish_marts
from orchestration.assets.dbt import dbt_models
from orchestration.resources import QualityConfigResource, WarehouseResource
from quality.anomalies import AnomalyConfig, detect_anomalies, record_anomalies
from quality.checks import CHECKS, QualityConfig, run_checks
from quality.history import record_validation

VALIDATION_KEY = dg.AssetKey(["quality", "validation"])
PUBLISHED_KEY = dg.AssetKey(["published", "marts"])
ANOMALIES_KEY = dg.AssetKey(["quality", "anomalies"])


@dg.asset(
    key=VALIDATION_KEY,
    deps=list(dbt_models.keys),
    group_name="quality",
    kinds={"duckdb"},
    check_specs=[
        dg.AssetCheckSpec(name=check.name, asset=VALIDATION_KEY, description=check.description)
        for check in CHECKS
    ],
    description="Every quality check on the built (not yet published) warehouse; the results "
    "go to meta.validation_history and show here as asset checks.",
)
def quality_validation(context: AssetExecutionContext, warehouse: WarehouseResource):
    with warehouse.connection() as con:
        # a night re-checks the definitions on what it can have changed (quality/scope.py)
        report = run_checks(con, config=QualityConfig(changed_rows_only=True))
        record_validation(con, report, context.run_id)
    yield dg.MaterializeResult(
        metadata={
            "passed": report.passed,
            "errors": [r.name for r in report.errors],
            "warnings": [r.name for r in report.warnings],
            "skipped": [r.name for r in report.skipped],
        }
    )
    for result in report.results:
        yield dg.AssetCheckResult(
            check_name=result.name,
            passed=result.success,
            severity=(
                dg.AssetCheckSeverity.ERROR
                if result.severity == "error"
                else dg.AssetCheckSeverity.WARN
            ),
            metadata={
                "layer": result.layer,
                "severity": result.severity,
                "observed": str(result.observed),
                "failing_count": result.failing_count,
                "failing_examples": dg.MetadataValue.json(result.to_dict()["failing_examples"]),
            },
        )


@dg.asset(
    key=PUBLISHED_KEY,
    deps=[VALIDATION_KEY],
    group_name="published",
    kinds={"duckdb"},
    description="The marts BI and exports read (schema `published`): replaced atomically by the "
    "audited marts only when this run's quality gate passed.",
)
def published_marts(context: AssetExecutionContext, warehouse: WarehouseResource):
    with warehouse.connection() as con:
        try:
            publication = publish_marts(con, run_id=context.run_id)
        except GateFailed as failed:
            raise dg.Failure(description=str(failed)) from failed
    return dg.MaterializeResult(
        metadata={
            "publication_id": publication.publication_id,
            "tables": len(publication.row_counts),
            "rows": sum(publication.row_counts.values()),
        }
    )


@dg.asset(
    key=ANOMALIES_KEY,
    deps=[PUBLISHED_KEY],
    group_name="quality",
    kinds={"duckdb"},
    description="Anomaly alerts (异常预警) on the published numbers: order amounts far outside the "
    "norm, KPI swings, opportunities skipping funnel stages, payouts above cap or jumping. Stored "
    "in meta.anomaly_alerts; payout alerts hold the payroll export of their period until "
    "acknowledged (`kpiwh alerts acknowledge`). Alerts never fail the run.",
)
def anomaly_alerts(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    quality_config: QualityConfigResource,
):
    config = AnomalyConfig.load(Path(quality_config.path))
    with warehouse.connection() as con:
        alerts = detect_anomalies(con, config)
        run = record_anomalies(con, alerts, context.run_id)
        holding = sorted({(a.period_type, a.period) for a in run.payout_alerts})
    for alert in run.payout_alerts[:20]:
        context.log.warning(f"payroll hold {alert.period}: {alert.message} [{alert.alert_id}]")
    return dg.MaterializeResult(
        metadata={
            "alerts": len(run.alerts),
            "by_kind": dg.MetadataValue.json(run.counts()),
            "payout_alerts": len(run.payout_alerts),
            "periods_held": [period for _, period in holding],
            "publication_id": run.publication_id,
        }
    )
