"""What a nightly gate re-checks: the rows computed since the build the latest publication was made of.

The incremental models stamp every row they write with `computed_at`, the start of the dbt build
that computed it (dbt_project/macros/calculation_time.sql). Rows computed no later than the build
of the latest publication passed that publication's gate; a nightly build rewrites only the rows
its drop can change. So the definition checks of a nightly gate
(`QualityConfig.changed_rows_only`) look at the rows computed after that build, plus the rows
whose inputs changed in the loads after it (they should have been recomputed), and every row when
no publication records its build (the first run, a warehouse published before this existed) or
when a build recomputed everything (a changed dbt project): then every row is newer.

Each publication records `computed_through`: the latest `computed_at` of the marked models when
it was made (exports/publication.py).
"""

from __future__ import annotations

import datetime as dt

import duckdb

# The models whose rows carry `computed_at` (their physical names: the gate maps none of them);
# the KPI fingerprints name the same ones (`kpi_unhashed_columns`, macros/incremental_kpis.sql),
# tests/dbt_project/test_computed_at.py keeps the two lists equal.
MARKED_RELATIONS: tuple[str, ...] = (
    "intermediate.int_orders_unified",
    "intermediate.int_customer_first_orders",
)
PUBLICATIONS_TABLE = "meta.publications"


# Every query here is fetched whole (`fetchall`): a result left open blocks the connection's next
# relation query (`con.sql`), which the checks run on.
def _has_column(con: duckdb.DuckDBPyConnection, relation: str, column: str | None = None) -> bool:
    """Whether `relation` exists (as a table or view) and, if given, has `column`."""
    schema, _, table = relation.partition(".")
    sql = (
        "select count(*) from information_schema.columns where table_catalog = current_database() "
        "and table_schema = ? and table_name = ?"
    )
    params = [schema, table]
    if column is not None:
        sql += " and column_name = ?"
        params.append(column)
    [(count,)] = con.execute(sql, params).fetchall()
    return bool(count)


def computed_through(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """The latest `computed_at` of any marked model's rows (None: no marked model built yet)."""
    parts = [
        f"select max(computed_at) as computed_at from {relation}"
        for relation in MARKED_RELATIONS
        if _has_column(con, relation, "computed_at")
    ]
    if not parts:
        return None
    [(latest,)] = con.execute(
        "select max(computed_at) from (" + " union all ".join(parts) + ")"
    ).fetchall()
    return latest


def published_computed_through(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """`computed_through` of the latest publication; None when there is none or it has none."""
    if not _has_column(con, PUBLICATIONS_TABLE, "computed_through"):
        return None
    rows = con.execute(
        f"select computed_through from {PUBLICATIONS_TABLE} order by publication_id desc limit 1"
    ).fetchall()
    return rows[0][0] if rows else None
