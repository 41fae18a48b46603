"""Write–audit–publish: copy the audited marts into the `published` schema, atomically.

dbt builds into `marts` (the audit area). Only after the quality gate has passed are the marts
copied into `published`, in one transaction: BI and exports read `published` and see either the
previous publication or the new one, never a mix. A failed gate publishes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import duckdb

from ingestion.warehouse import relation_exists
from quality.history import HISTORY_TABLE
from quality.scope import computed_through

SOURCE_SCHEMA = "marts"
PUBLISHED_SCHEMA = "published"
PUBLICATIONS_TABLE = "meta.publications"


class GateFailed(Exception):
    """The run's quality gate did not pass: nothing is published."""


@dataclass(frozen=True)
class Publication:
    publication_id: int
    run_id: str
    published_at: dt.datetime
    row_counts: dict[str, int] = field(default_factory=dict)
    load_watermark: int | None = None
    # the latest `computed_at` of the marked models it was built from (quality/scope.py)
    computed_through: dt.datetime | None = None


def blocking_failures(con: duckdb.DuckDBPyConnection, run_id: str) -> list[tuple[str, str]]:
    """(check name, observed) of the run's failed error-level checks, from the validation history.

    A run without any recorded validation is refused too: publishing needs a positive decision.
    """
    rows = con.execute(
        f"select check_name, severity, success, observed from {HISTORY_TABLE} where run_id = ? "
        "order by check_name",
        [run_id],
    ).fetchall()
    if not rows:
        return [("quality_gate", f"no validation recorded for run {run_id}")]
    return [
        (name, str(observed))
        for name, severity, success, observed in rows
        if severity == "error" and not success
    ]


def _tables(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    return [
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = ? and table_type = 'BASE TABLE' order by table_name",
            [schema],
        ).fetchall()
    ]


def publish_marts(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    source_schema: str = SOURCE_SCHEMA,
    target_schema: str = PUBLISHED_SCHEMA,
) -> Publication:
    """Replace every table of `target_schema` by the audited marts, in one transaction.

    Raises `GateFailed` (publishing nothing) unless the run's quality gate passed.
    """
    failures = blocking_failures(con, run_id)
    if failures:
        reasons = "; ".join(f"{name}: {observed}" for name, observed in failures)
        raise GateFailed(f"quality gate failed, nothing published: {reasons}")
    tables = _tables(con, source_schema)
    published_at = dt.datetime.now().replace(microsecond=0)
    con.execute("begin transaction")
    try:
        con.execute(f"create schema if not exists {target_schema}")
        con.execute(
            f"create table if not exists {PUBLICATIONS_TABLE} (publication_id bigint primary key, "
            "run_id varchar not null, published_at timestamp not null, row_counts json)"
        )
        # the highest load the published numbers include: exports freeze it with a period, and
        # `trace` tells rows that arrived after a publication from those it was built on
        con.execute(
            f"alter table {PUBLICATIONS_TABLE} add column if not exists load_watermark bigint"
        )
        # the latest build of a row the gate passed: the next gate re-checks the rows computed
        # after it (quality/scope.py)
        con.execute(
            f"alter table {PUBLICATIONS_TABLE} add column if not exists computed_through timestamp"
        )
        load_watermark = _load_watermark(con)
        through = computed_through(con)
        for stale in sorted(set(_tables(con, target_schema)) - set(tables)):
            con.execute(f'drop table {target_schema}."{stale}"')
        row_counts: dict[str, int] = {}
        for table in tables:
            con.execute(
                f'create or replace table {target_schema}."{table}" as '
                f'select * from {source_schema}."{table}"'
            )
            row_counts[table] = con.execute(
                f'select count(*) from {target_schema}."{table}"'
            ).fetchone()[0]
        (publication_id,) = con.execute(
            f"select coalesce(max(publication_id), 0) + 1 from {PUBLICATIONS_TABLE}"
        ).fetchone()
        con.execute(
            f"insert into {PUBLICATIONS_TABLE} "
            "(publication_id, run_id, published_at, row_counts, load_watermark, computed_through) "
            "values (?, ?, ?, ?, ?, ?)",
            [publication_id, run_id, published_at, json.dumps(row_counts), load_watermark, through],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return Publication(publication_id, run_id, published_at, row_counts, load_watermark, through)


def latest_publication(con: duckdb.DuckDBPyConnection) -> Publication | None:
    """The current publication (the one BI and exports read), or None before the first.

    `select *`: publications recorded before `load_watermark` existed have no such column.
    """
    if not relation_exists(con, PUBLICATIONS_TABLE):
        return None
    cursor = con.execute(f"select * from {PUBLICATIONS_TABLE} order by publication_id desc limit 1")
    row = cursor.fetchone()
    if row is None:
        return None
    values = dict(zip([d[0] for d in cursor.description], row, strict=True))
    counts = values.get("row_counts")
    row_counts = json.loads(counts) if isinstance(counts, str) else dict(counts or {})
    return Publication(
        values["publication_id"],
        values["run_id"],
        values["published_at"],
        row_counts,
        values.get("load_watermark"),
        values.get("computed_through"),
    )


def _load_watermark(con: duckdb.DuckDBPyConnection) -> int | None:
    if not relation_exists(con, "meta.load_manifest"):
        return None
    return con.execute("select max(load_id) from meta.load_manifest").fetchone()[0]
