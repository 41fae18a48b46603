"""What the BI exports carry: the current publication's tables, minus pay unless configured.

Every BI output (DuckDB file, Parquet, CSV, PostgreSQL) reads schema `published` only, through
one `PublishedSnapshot`, so they all carry the same tables, columns and publication id.

Pay privacy: BI audiences are wider than payroll's. By default the exports leave out
`fct_payouts` entirely (payroll ids, pay bases and every pay amount live there; dropping the
table rather than a list of its columns means a pay column added later cannot leak) and, in any
other table, every column that names pay (`payroll_id`, `…pay…_amount`, `…bonus…_amount`, `payout…`). With
`KPIWH_BI_INCLUDE_PAY=true` they carry everything published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb

from exports.publication import PUBLISHED_SCHEMA, Publication, latest_publication

PAY_TABLES = frozenset({"fct_payouts"})
PAY_COLUMN = re.compile(
    r"^payroll_id$|(^|_)(pay|bonus|salary|commission)(_.*)?_amount$|(^|_)payout"
)
PUBLICATION_TABLE = "_publication"  # the publication the BI copy reflects (DuckDB file, Postgres)


class NothingPublished(Exception):
    """There is no publication yet: nothing to export."""


class ExportError(Exception):
    """The published schema is not what its publication record says; nothing was exported."""


@dataclass(frozen=True)
class Column:
    name: str
    duckdb_type: str


@dataclass(frozen=True)
class BiTable:
    name: str
    columns: tuple[Column, ...]
    row_count: int

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def partition_columns(self) -> tuple[str, ...]:
        """Parquet partitions: `period_type` / `period` when the table has a period."""
        names = self.column_names
        if "period" not in names:
            return ()
        return tuple(c for c in ("period_type", "period") if c in names)


@dataclass(frozen=True)
class PublishedSnapshot:
    publication: Publication
    tables: tuple[BiTable, ...]
    include_pay: bool
    excluded_tables: tuple[str, ...] = ()
    excluded_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def is_pay_column(name: str) -> bool:
    return PAY_COLUMN.search(name) is not None


def current_publication(con: duckdb.DuckDBPyConnection) -> Publication:
    publication = latest_publication(con)
    if publication is None:
        raise NothingPublished(
            "nothing published yet: the nightly job publishes after its quality gate passes"
        )
    return publication


def read_snapshot(con: duckdb.DuckDBPyConnection, *, include_pay: bool) -> PublishedSnapshot:
    """The current publication and the tables/columns the BI exports carry from it.

    Checks that every published table holds the row count its publication recorded, so an export
    never labels other data with a publication id.
    """
    publication = current_publication(con)
    columns: dict[str, list[Column]] = {}
    for table, column, data_type in con.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = ? order by table_name, ordinal_position",
        [PUBLISHED_SCHEMA],
    ).fetchall():
        columns.setdefault(table, []).append(Column(column, data_type))
    missing = sorted(set(publication.row_counts) - set(columns))
    if missing:
        raise ExportError(
            f"publication {publication.publication_id} lists tables missing from "
            f"{PUBLISHED_SCHEMA}: {', '.join(missing)}"
        )
    tables: list[BiTable] = []
    excluded_tables: list[str] = []
    excluded_columns: dict[str, tuple[str, ...]] = {}
    for name in sorted(publication.row_counts):
        if not include_pay and name in PAY_TABLES:
            excluded_tables.append(name)
            continue
        kept = [c for c in columns[name] if include_pay or not is_pay_column(c.name)]
        dropped = tuple(c.name for c in columns[name] if c not in kept)
        if dropped:
            excluded_columns[name] = dropped
        (rows,) = con.execute(
            f"select count(*) from {PUBLISHED_SCHEMA}.{quote_ident(name)}"
        ).fetchone()
        if rows != publication.row_counts[name]:
            raise ExportError(
                f"{PUBLISHED_SCHEMA}.{name} holds {rows} rows, publication "
                f"{publication.publication_id} recorded {publication.row_counts[name]}"
            )
        tables.append(BiTable(name, tuple(kept), rows))
    return PublishedSnapshot(
        publication,
        tuple(tables),
        include_pay,
        tuple(excluded_tables),
        excluded_columns,
    )


def select_sql(
    table: BiTable, *, column_sql: dict[str, str] | None = None, relation: str | None = None
) -> str:
    """`select <kept columns> from published.<table>` (or from `relation`, a copy of it), with
    optional per-column expressions."""
    expressions = []
    for column in table.columns:
        expression = (column_sql or {}).get(column.name)
        quoted = quote_ident(column.name)
        expressions.append(f"{expression} as {quoted}" if expression else quoted)
    source = relation or f"{PUBLISHED_SCHEMA}.{quote_ident(table.name)}"
    return f"select {', '.join(expressions)} from {source}"
