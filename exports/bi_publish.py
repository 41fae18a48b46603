"""After each publication: the BI files, then PostgreSQL when configured, from one snapshot.

Used by the Dagster asset `exports/bi` and by `kpiwh export-bi`. The warehouse is opened
read-only and only for as long as the exports take, so the pipeline's file is never locked
longer than needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from exports.bi import BiExportResult, export_snapshot
from exports.bi_source import read_snapshot
from exports.column_docs import DEFAULT_MANIFEST, load_column_docs
from exports.postgres import PostgresPublication, load_snapshot
from ingestion.warehouse import connect


@dataclass(frozen=True)
class BiPublication:
    files: BiExportResult
    postgres: PostgresPublication | None
    tables: dict[str, int]  # table → rows carried
    excluded_tables: tuple[str, ...]


def publish_bi(
    warehouse_path: Path,
    export_dir: Path,
    *,
    include_pay: bool,
    postgres_dsn: str | None,
    manifest_path: Path = DEFAULT_MANIFEST,
    threads: int = 2,
    memory_limit: str = "6GB",
) -> BiPublication:
    """Write the BI files of the current publication and, with a DSN, load it into PostgreSQL.

    The files are written first; a PostgreSQL failure then raises `PostgresPublicationError`
    with the files already replaced and the previous PostgreSQL publication intact.
    """
    if not warehouse_path.exists():
        raise FileNotFoundError(f"no warehouse at {warehouse_path}: run `kpiwh run` first")
    docs = load_column_docs(manifest_path)
    con = connect(warehouse_path, read_only=True, threads=threads, memory_limit=memory_limit)
    try:
        snapshot = read_snapshot(con, include_pay=include_pay)
        files = export_snapshot(con, snapshot, export_dir, column_docs=docs)
        postgres = (
            load_snapshot(con, postgres_dsn, snapshot, column_docs=docs) if postgres_dsn else None
        )
    finally:
        con.close()
    return BiPublication(
        files,
        postgres,
        {table.name: table.row_count for table in snapshot.tables},
        snapshot.excluded_tables,
    )
