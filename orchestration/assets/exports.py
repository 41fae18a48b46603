"""BI exports after each publication: `exports/bi` (files, and PostgreSQL when configured).

A thin wrapper around `exports.bi_publish.publish_bi`: it reads schema `published` read-only and
writes `<KPIWH_EXPORT_DIR>/bi` atomically; with `KPIWH_POSTGRES_DSN` it also replaces the
`published` schema in PostgreSQL. Wire it with `BiExportsResource.from_settings(settings)` under
the resource key `bi_exports`.
"""

from pathlib import Path

import dagster as dg
from dagster import AssetExecutionContext

from exports.bi_publish import publish_bi
from exports.postgres import PostgresPublicationError
from orchestration.resources import WarehouseResource
from orchestration.settings import Settings

# the key of `published/marts` (orchestration/assets/quality.py), spelled out so that loading this
# module does not load the dbt project
PUBLISHED_KEY = dg.AssetKey(["published", "marts"])
BI_EXPORTS_KEY = dg.AssetKey(["exports", "bi"])


class BiExportsResource(dg.ConfigurableResource):
    """Where BI exports go, whether they carry pay, and the optional PostgreSQL target."""

    export_dir: str
    include_pay: bool = False
    postgres_dsn: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> "BiExportsResource":
        return cls(
            export_dir=str(settings.export_dir),
            include_pay=settings.bi_include_pay,
            postgres_dsn=settings.postgres_dsn,
        )


@dg.asset(
    key=BI_EXPORTS_KEY,
    deps=[PUBLISHED_KEY],
    group_name="exports",
    kinds={"duckdb", "parquet", "csv", "postgres"},
    description="The current publication for BI: a DuckDB file, Parquet per mart (by period), "
    "CSV for Excel (formula injection neutralised), and PostgreSQL when configured. Payroll ids "
    "and pay amounts only with KPIWH_BI_INCLUDE_PAY=true.",
)
def exports_bi(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    bi_exports: BiExportsResource,
) -> dg.MaterializeResult:
    try:
        result = publish_bi(
            Path(warehouse.duckdb_path),
            Path(bi_exports.export_dir),
            include_pay=bi_exports.include_pay,
            postgres_dsn=bi_exports.postgres_dsn,
            threads=warehouse.threads,
            memory_limit=warehouse.memory_limit,
        )
    except PostgresPublicationError as failed:
        raise dg.Failure(description=f"BI files written; {failed}") from failed
    context.log.info(
        f"BI exports of publication {result.files.publication_id} in {result.files.path}"
    )
    return dg.MaterializeResult(
        metadata={
            "publication_id": result.files.publication_id,
            "path": dg.MetadataValue.path(str(result.files.path)),
            "tables": len(result.tables),
            "rows": sum(result.tables.values()),
            "excluded_tables": list(result.excluded_tables),
            "postgres": "replaced" if result.postgres else "not configured",
        }
    )
