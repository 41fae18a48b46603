"""Dagster asset `payroll/periods`: after each publication, register the payout periods (open →
calculated once ended) and bring late-data adjustments of frozen periods up to date.

A thin wrapper around `exports.payroll` (no Dagster there). Approve, export and close are people's
decisions, made with `kpiwh payroll …`, never by the job.
"""

import dagster as dg
from dagster import AssetExecutionContext

from exports.payroll.adjustments import compute_late_data_adjustments
from exports.payroll.lifecycle import sync_periods
from orchestration.assets.quality import PUBLISHED_KEY
from orchestration.resources import WarehouseResource

PAYROLL_PERIODS_KEY = dg.AssetKey(["payroll", "periods"])


@dg.asset(
    key=PAYROLL_PERIODS_KEY,
    deps=[PUBLISHED_KEY],
    group_name="payroll",
    kinds={"duckdb"},
    description="Payout periods (payroll.periods, payroll.period_events) and late-data adjustment "
    "lines for exported periods (payroll.adjustments), refreshed from the latest publication.",
)
def payroll_periods(context: AssetExecutionContext, warehouse: WarehouseResource):
    with warehouse.connection() as con:
        transitions = sync_periods(con)
        changes = compute_late_data_adjustments(con)
    for period, before, after in transitions:
        context.log.info(f"payout period {period}: {before or 'new'} → {after}")
    for change in changes:
        context.log.info(
            f"late data for {change.source_period}, {change.employee_id}: {change.amount} "
            f"in {change.period or '(withdrawn)'} ({change.source_row_count} source rows)"
        )
    return dg.MaterializeResult(
        metadata={
            "period_transitions": len(transitions),
            "late_data_lines_changed": len(changes),
            "late_data_total": str(sum((c.amount for c in changes if c.period), 0)),
        }
    )
