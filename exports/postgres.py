"""The published marts in PostgreSQL, replacing the previous publication atomically.

In one PostgreSQL transaction: the BI tables (same snapshot and pay policy as the files) are
created in a fresh schema `published__new` and filled with COPY, their row counts are checked, the
dbt column docs become comments and `_publication` records the publication id; then the old
`published` schema is dropped and `published__new` renamed to it. Readers see the old publication
until the commit and the new one after it; any failure rolls everything back and leaves the
previous publication exactly as it was.

The old tables are dropped without CASCADE: a view someone built on them makes the publication
fail with PostgreSQL's message naming that view, rather than silently deleting it. Roles that
could read the old schema (USAGE on it) are granted USAGE and SELECT on the new one, so BI
logins keep working across publications.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psycopg
from psycopg import sql

from exports.bi_source import (
    PUBLICATION_TABLE,
    BiTable,
    PublishedSnapshot,
    read_snapshot,
    select_sql,
)
from exports.column_docs import TableDoc

TARGET_SCHEMA = "published"
LOCK_TIMEOUT = "60s"  # how long the swap waits for BI queries holding the old tables
_CHUNK = 1 << 20

_SIMPLE_TYPES = {
    "BOOLEAN": "boolean",
    "TINYINT": "smallint",
    "SMALLINT": "smallint",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "HUGEINT": "numeric(39,0)",
    "UTINYINT": "smallint",
    "USMALLINT": "integer",
    "UINTEGER": "bigint",
    "UBIGINT": "numeric(20,0)",
    "FLOAT": "real",
    "DOUBLE": "double precision",
    "VARCHAR": "text",
    "DATE": "date",
    "TIME": "time",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP_S": "timestamp(0)",
    "TIMESTAMP_MS": "timestamp(3)",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "INTERVAL": "interval",
    "UUID": "uuid",
    "JSON": "jsonb",
}
_DECIMAL = re.compile(r"^DECIMAL\((\d+),\s*(\d+)\)$")


class PostgresPublicationError(Exception):
    """The PostgreSQL publication failed; the previous one is untouched."""


@dataclass(frozen=True)
class PostgresPublication:
    publication_id: int
    schema: str
    row_counts: dict[str, int]


def postgres_type(duckdb_type: str) -> str:
    """The PostgreSQL type that holds a DuckDB type's values exactly."""
    upper = duckdb_type.upper().strip()
    if upper in _SIMPLE_TYPES:
        return _SIMPLE_TYPES[upper]
    decimal = _DECIMAL.match(upper)
    if decimal:
        return f"numeric({decimal.group(1)},{decimal.group(2)})"
    raise PostgresPublicationError(
        f"DuckDB type {duckdb_type} has no exact PostgreSQL counterpart in the BI publication"
    )


def publish_to_postgres(
    con: duckdb.DuckDBPyConnection,
    dsn: str,
    *,
    include_pay: bool = False,
    column_docs: dict[str, TableDoc] | None = None,
    schema: str = TARGET_SCHEMA,
    work_dir: Path | None = None,
) -> PostgresPublication:
    """Replace schema `schema` in PostgreSQL by the current publication's BI tables."""
    snapshot = read_snapshot(con, include_pay=include_pay)
    return load_snapshot(
        con, dsn, snapshot, column_docs=column_docs or {}, schema=schema, work_dir=work_dir
    )


def load_snapshot(
    con: duckdb.DuckDBPyConnection,
    dsn: str,
    snapshot: PublishedSnapshot,
    *,
    column_docs: dict[str, TableDoc],
    schema: str = TARGET_SCHEMA,
    work_dir: Path | None = None,
) -> PostgresPublication:
    column_types = {
        table.name: [postgres_type(c.duckdb_type) for c in table.columns]
        for table in snapshot.tables
    }  # every type mapped before PostgreSQL is touched
    staging = f"{schema}__new"
    try:
        with (
            tempfile.TemporaryDirectory(prefix="kpiwh-pg-", dir=work_dir) as scratch,
            psycopg.connect(dsn) as pg,
            pg.transaction(),
            pg.cursor() as cur,
        ):
            # one publisher at a time per target schema
            cur.execute("select pg_advisory_xact_lock(hashtext(%s))", [f"kpiwh:{schema}"])
            cur.execute(
                sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(staging))
            )  # a leftover can only come from our own crashed attempt
            cur.execute(sql.SQL("create schema {}").format(sql.Identifier(staging)))
            row_counts: dict[str, int] = {}
            for table in snapshot.tables:
                _create_table(cur, staging, table, column_types[table.name])
                _copy_table(con, cur, staging, table, Path(scratch))
                row_counts[table.name] = _check_row_count(cur, staging, table)
                _comment(cur, staging, table, column_docs.get(table.name, TableDoc()))
            _record_publication(cur, staging, snapshot)
            readers = _readers(cur, schema)
            _drop_published(cur, schema)
            cur.execute(
                sql.SQL("alter schema {} rename to {}").format(
                    sql.Identifier(staging), sql.Identifier(schema)
                )
            )
            for role in readers:
                _grant_read(cur, schema, role)
    except psycopg.Error as error:
        raise PostgresPublicationError(
            f"PostgreSQL publication failed, previous publication kept: {error}"
        ) from error
    return PostgresPublication(snapshot.publication.publication_id, schema, row_counts)


def _create_table(cur: psycopg.Cursor, schema: str, table: BiTable, types: list[str]) -> None:
    columns = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(column.name), sql.SQL(pg_type))
        for column, pg_type in zip(table.columns, types, strict=True)
    )
    cur.execute(
        sql.SQL("create table {}.{} ({})").format(
            sql.Identifier(schema), sql.Identifier(table.name), columns
        )
    )


def _copy_table(
    con: duckdb.DuckDBPyConnection,
    cur: psycopg.Cursor,
    schema: str,
    table: BiTable,
    scratch: Path,
) -> None:
    """DuckDB writes the rows as CSV (exact decimal text, "" for empty text, nothing for NULL),
    PostgreSQL reads them with COPY … (format csv), which keeps that distinction."""
    csv_path = scratch / f"{table.name}.csv"
    target = str(csv_path).replace("'", "''")
    con.execute(f"copy ({select_sql(table)} order by all) to '{target}' (format csv, header false)")
    columns = sql.SQL(", ").join(sql.Identifier(c.name) for c in table.columns)
    statement = sql.SQL("copy {}.{} ({}) from stdin (format csv)").format(
        sql.Identifier(schema), sql.Identifier(table.name), columns
    )
    with cur.copy(statement) as copy:
        for chunk in _chunks(csv_path):
            copy.write(chunk)
    csv_path.unlink()


def _chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        yield from iter(lambda: handle.read(_CHUNK), b"")


def _check_row_count(cur: psycopg.Cursor, schema: str, table: BiTable) -> int:
    cur.execute(
        sql.SQL("select count(*) from {}.{}").format(
            sql.Identifier(schema), sql.Identifier(table.name)
        )
    )
    (rows,) = cur.fetchone()
    if rows != table.row_count:
        raise PostgresPublicationError(
            f"{table.name}: {rows} rows arrived in PostgreSQL, {table.row_count} were published"
        )
    return rows


def _comment(cur: psycopg.Cursor, schema: str, table: BiTable, doc: TableDoc) -> None:
    qualified = sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(table.name))
    if doc.description:
        cur.execute(
            sql.SQL("comment on table {} is {}").format(qualified, sql.Literal(doc.description))
        )
    for column in table.columns:
        text = doc.columns.get(column.name)
        if text:
            cur.execute(
                sql.SQL("comment on column {}.{} is {}").format(
                    qualified, sql.Identifier(column.name), sql.Literal(text)
                )
            )


def _record_publication(cur: psycopg.Cursor, schema: str, snapshot: PublishedSnapshot) -> None:
    target = sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(PUBLICATION_TABLE))
    cur.execute(
        sql.SQL(
            "create table {} (publication_id bigint not null, run_id text not null, "
            "published_at timestamp not null, load_watermark bigint, includes_pay boolean "
            "not null, excluded_tables text[] not null, loaded_at timestamptz not null)"
        ).format(target)
    )
    publication = snapshot.publication
    cur.execute(
        sql.SQL("insert into {} values (%s, %s, %s, %s, %s, %s, now())").format(target),
        [
            publication.publication_id,
            publication.run_id,
            publication.published_at,
            publication.load_watermark,
            snapshot.include_pay,
            list(snapshot.excluded_tables),
        ],
    )
    cur.execute(
        sql.SQL("comment on table {} is {}").format(
            target, sql.Literal("The warehouse publication (meta.publications) these tables are.")
        )
    )


def _readers(cur: psycopg.Cursor, schema: str) -> list[str]:
    """Roles other than the owner with USAGE on the current schema ('PUBLIC' for everyone)."""
    cur.execute(
        "select distinct case when acl.grantee = 0 then 'PUBLIC' else "
        "pg_get_userbyid(acl.grantee) end from pg_namespace n, aclexplode(n.nspacl) acl "
        "where n.nspname = %s and acl.privilege_type = 'USAGE' and acl.grantee <> n.nspowner "
        "order by 1",
        [schema],
    )
    return [role for (role,) in cur.fetchall()]


def _grant_read(cur: psycopg.Cursor, schema: str, role: str) -> None:
    grantee = sql.SQL("public") if role == "PUBLIC" else sql.Identifier(role)
    cur.execute(sql.SQL("grant usage on schema {} to {}").format(sql.Identifier(schema), grantee))
    cur.execute(
        sql.SQL("grant select on all tables in schema {} to {}").format(
            sql.Identifier(schema), grantee
        )
    )


def _drop_published(cur: psycopg.Cursor, schema: str) -> None:
    """Drop the previous publication's tables and schema, without CASCADE."""
    cur.execute(sql.SQL("set local lock_timeout = {}").format(sql.Literal(LOCK_TIMEOUT)))
    cur.execute(
        "select tablename from pg_tables where schemaname = %s order by tablename", [schema]
    )
    for (name,) in cur.fetchall():
        cur.execute(
            sql.SQL("drop table {}.{}").format(sql.Identifier(schema), sql.Identifier(name))
        )
    cur.execute(sql.SQL("drop schema if exists {}").format(sql.Identifier(schema)))
