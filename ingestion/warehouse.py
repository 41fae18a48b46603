"""Warehouse connection and the schemas ingestion owns (`raw`, `meta`).

Raw tables are created from the extract contract, so every entity has a table even before its
first file arrives (dbt sources can always be read). Everything here is idempotent.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ingestion.contract import ENTITIES, PROVENANCE_COLUMNS, SQL_TYPES, Entity


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def raw_table(entity: Entity) -> str:
    return f"raw.{quote_ident(entity.qualified_name)}"


def connect(
    path: Path | str,
    *,
    threads: int = 2,
    memory_limit: str = "6GB",
    read_only: bool = False,
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file (creating its folder), with the machine's thread and memory budget."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(
        str(path),
        read_only=read_only,
        config={"threads": threads, "memory_limit": memory_limit},
    )
    return con


MANIFEST_DDL = """
create table if not exists meta.load_manifest (
    load_id bigint primary key,
    batch_id varchar not null,
    source varchar,
    entity varchar,
    extract_date date,
    file_path varchar not null,
    file_sha256 varchar not null,
    file_size_bytes bigint not null,
    file_mtime double,
    encoding varchar,
    status varchar not null,
    reason varchar,
    rows_read bigint not null default 0,
    rows_loaded bigint not null default 0,
    rows_quarantined bigint not null default 0,
    extra_columns varchar,
    supersedes_load_id bigint,
    started_at timestamp not null,
    finished_at timestamp not null
)
"""

QUARANTINE_DDL = """
create table if not exists meta.quarantine (
    load_id bigint not null,
    source varchar not null,
    entity varchar not null,
    extract_date date not null,
    file_path varchar not null,
    file_sha256 varchar not null,
    line_number bigint not null,
    raw_text varchar,
    reason varchar not null,
    quarantined_at timestamp not null
)
"""

CURRENT_FILE_VERSIONS_DDL = """
create or replace view meta.current_file_versions as
select
    file_path,
    max(load_id) as load_id
from meta.load_manifest
where status = 'loaded'
group by file_path
"""


def raw_table_ddl(entity: Entity) -> str:
    columns = [f"{quote_ident(c.name)} {SQL_TYPES[c.type]}" for c in entity.columns]
    columns += [f"{quote_ident(name)} {type_}" for name, type_ in PROVENANCE_COLUMNS]
    body = ",\n    ".join(columns)
    return f"create table if not exists {raw_table(entity)} (\n    {body}\n)"


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the `raw` and `meta` schemas, every raw table and the manifest tables."""
    con.execute("create schema if not exists raw")
    con.execute("create schema if not exists meta")
    for entity in ENTITIES:
        con.execute(raw_table_ddl(entity))
    con.execute(MANIFEST_DDL)
    con.execute(QUARANTINE_DDL)
    con.execute(CURRENT_FILE_VERSIONS_DDL)


def relation_exists(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    """Whether `schema.name` exists as a table or view (names as stored, lower case)."""
    schema, _, name = relation.rpartition(".")
    # fetched whole: a result left open blocks the connection's next `con.sql` query
    [(count,)] = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema or "main", name],
    ).fetchall()
    return count > 0
