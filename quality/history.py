"""The validation history: one row per run and check, in `meta.validation_history`."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import duckdb

from quality.core import CheckResult, ValidationReport, to_json

HISTORY_TABLE = "meta.validation_history"

HISTORY_DDL = f"""
create table if not exists {HISTORY_TABLE} (
    run_id varchar not null,
    check_name varchar not null,
    layer varchar not null,
    severity varchar not null,
    status varchar not null,
    success boolean not null,
    observed varchar,
    failing_count bigint not null,
    failing_examples json not null,
    description varchar,
    duration_seconds double,
    validated_at timestamp not null
)
"""

_COLUMNS = (
    "run_id",
    "check_name",
    "layer",
    "severity",
    "status",
    "success",
    "observed",
    "failing_count",
    "failing_examples",
    "description",
    "duration_seconds",
    "validated_at",
)


def ensure_history_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists meta")
    con.execute(HISTORY_DDL)


def record_validation(
    con: duckdb.DuckDBPyConnection,
    report: ValidationReport,
    run_id: str,
    *,
    validated_at: dt.datetime | None = None,
) -> int:
    """Append the report's results under `run_id`, replacing rows of the same (run, check).

    Recording the same run twice leaves one row per check (the latest). One transaction: the
    history never holds half a run. Returns the number of rows written.
    """
    stamp = validated_at or report.finished_at
    rows = [
        (
            run_id,
            r.name,
            r.layer,
            r.severity,
            r.status,
            r.success,
            r.observed,
            r.failing_count,
            to_json(r.failing_examples),
            r.description,
            r.duration_seconds,
            stamp,
        )
        for r in report.results
    ]
    ensure_history_table(con)
    con.execute("begin transaction")
    try:
        if rows:
            names = [row[1] for row in rows]
            placeholders = ", ".join("?" for _ in names)
            con.execute(
                f"delete from {HISTORY_TABLE} where run_id = ? and check_name in ({placeholders})",
                [run_id, *names],
            )
            values = ", ".join("?" for _ in _COLUMNS)
            con.executemany(
                f"insert into {HISTORY_TABLE} ({', '.join(_COLUMNS)}) values ({values})", rows
            )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return len(rows)


def read_history(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> list[dict[str, Any]]:
    """History rows (of one run, or all), oldest first, as dicts."""
    where, params = ("where run_id = ?", [run_id]) if run_id is not None else ("", [])
    cursor = con.execute(
        f"select {', '.join(_COLUMNS)} from {HISTORY_TABLE} {where} "
        "order by validated_at, run_id, check_name",
        params,
    )
    return [dict(zip(_COLUMNS, row, strict=True)) for row in cursor.fetchall()]


def latest_run_id(con: duckdb.DuckDBPyConnection) -> str | None:
    """The run whose validation was recorded last (None: no validation recorded yet)."""
    row = con.execute(
        f"select run_id from {HISTORY_TABLE} group by run_id "
        "order by max(validated_at) desc, run_id desc limit 1"
    ).fetchone()
    return row[0] if row else None


def report_from_history(con: duckdb.DuckDBPyConnection, run_id: str) -> ValidationReport:
    """The validation of a recorded run as it was then (for reports after the fact)."""
    rows = read_history(con, run_id)
    if not rows:
        raise KeyError(f"no validation recorded for run {run_id!r}")
    results = [
        CheckResult(
            name=row["check_name"],
            layer=row["layer"],
            severity=row["severity"],
            success=row["success"],
            observed=row["observed"] or "",
            failing_examples=json.loads(row["failing_examples"]),
            description=row["description"] or "",
            status=row["status"],
            failing_count=row["failing_count"],
            duration_seconds=row["duration_seconds"] or 0.0,
        )
        for row in rows
    ]
    validated_at = max(row["validated_at"] for row in rows)
    return ValidationReport(results, validated_at, validated_at)
