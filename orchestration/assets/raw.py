"""One asset per raw table of the extract contract, loaded by a single subsettable step."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from ingestion.contract import ENTITIES, ENTITY_BY_NAME
from ingestion.loader import LoadReport, load_landing
from orchestration.resources import LandingResource, WarehouseResource

RAW_GROUP = "raw"


def raw_asset_key(qualified_name: str) -> dg.AssetKey:
    """["raw", "<source>__<entity>"]: the key dagster-dbt gives the dbt source of that table."""
    return dg.AssetKey(["raw", qualified_name])


RAW_SPECS = [
    dg.AssetSpec(
        key=raw_asset_key(e.qualified_name),
        group_name=RAW_GROUP,
        description=f"{e.description} Append-only: every version from every file of "
        f"`<landing>/{e.source}/<date>/{e.file_name}`, with provenance.",
        kinds={"duckdb"},
        tags={"source": e.source},
        metadata={"key_columns": ", ".join(e.key_columns)},
    )
    for e in ENTITIES
]


@dg.multi_asset(specs=RAW_SPECS, can_subset=True, name="raw_extracts")
def raw_extracts(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, landing: LandingResource
):
    """Load new and restated extract files, in extract-date order, into the raw tables."""
    selected = {key.path[-1] for key in context.selected_asset_keys}
    with warehouse.connection() as con:
        report = load_landing(
            con,
            Path(landing.landing_dir),
            entities=selected,
            business_tz=landing.business_tz,
            batch_id=context.run_id,
        )
    _log_report(context, report)
    for name in sorted(selected):
        outcomes = report.for_entity(name)
        yield dg.MaterializeResult(
            asset_key=raw_asset_key(name),
            metadata={
                "files_loaded": sum(1 for f in outcomes if f.status == "loaded"),
                "files_rejected": sum(1 for f in outcomes if f.status == "rejected"),
                "files_skipped": sum(1 for f in outcomes if f.status in ("duplicate", "unchanged")),
                "rows_loaded": sum(f.rows_loaded for f in outcomes),
                "rows_quarantined": sum(f.rows_quarantined for f in outcomes),
                "extract_dates": ", ".join(
                    sorted({str(f.extract_date) for f in outcomes if f.status == "loaded"})
                ),
                "key_columns": ", ".join(ENTITY_BY_NAME[name].key_columns),
            },
        )


def _log_report(context: dg.AssetExecutionContext, report: LoadReport) -> None:
    context.log.info(f"landing load {report.batch_id}: {report.summary()}")
    for outcome in report.with_status("rejected"):
        context.log.warning(f"rejected {outcome.file_path}: {outcome.reason}")
    for outcome in report.files:
        if outcome.rows_quarantined:
            context.log.warning(
                f"{outcome.file_path}: {outcome.rows_quarantined} row(s) quarantined "
                "(see meta.quarantine)"
            )
