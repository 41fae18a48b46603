"""One asset per raw table of the extract contract, loaded by a single subsettable step."""

from pathlib import Path

import dagster as dg
from dagster import AssetExecutionContext

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

# Written by the same step: the manifest of every file seen, and the current version of each path.
META_SPECS = [
    dg.AssetSpec(
        key=dg.AssetKey(["meta", "load_manifest"]),
        group_name=RAW_GROUP,
        description="Every landing file seen: checksum, encoding, outcome and row counts.",
        kinds={"duckdb"},
        skippable=True,
    ),
    dg.AssetSpec(
        key=dg.AssetKey(["meta", "current_file_versions"]),
        group_name=RAW_GROUP,
        description="Per landing path, the load of its newest loaded version (restatements win).",
        kinds={"duckdb"},
        skippable=True,
    ),
]
META_KEYS = {spec.key for spec in META_SPECS}


@dg.multi_asset(specs=RAW_SPECS + META_SPECS, can_subset=True, name="raw_extracts")
def raw_extracts(
    context: AssetExecutionContext, warehouse: WarehouseResource, landing: LandingResource
):
    """Load new and restated extract files, in extract-date order, into the raw tables."""
    selected = {key.path[-1] for key in context.selected_asset_keys if key not in META_KEYS}
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
    summary = report.summary()
    for key in META_KEYS & set(context.selected_asset_keys):
        yield dg.MaterializeResult(asset_key=key, metadata={**summary, "batch_id": report.batch_id})


def _log_report(context: AssetExecutionContext, report: LoadReport) -> None:
    context.log.info(f"landing load {report.batch_id}: {report.summary()}")
    for outcome in report.with_status("rejected"):
        context.log.warning(f"rejected {outcome.file_path}: {outcome.reason}")
    for outcome in report.files:
        if outcome.rows_quarantined:
            context.log.warning(
                f"{outcome.file_path}: {outcome.rows_quarantined} row(s) quarantined "
                "(see meta.quarantine)"
            )
