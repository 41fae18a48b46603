"""The payout period lifecycle: `open → calculated → approved → exported → closed`.

State lives in `payroll.periods` (current status, what the approval pinned) and the append-only
`payroll.period_events` (from, to, actor, time, note). Nightly runs call `sync_periods`: periods
appear `open` and become `calculated` once a publication made after their last day includes them.
People approve, export and close. An approved period may be reopened (back to `calculated`);
exported and closed periods are frozen and never reopened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb

from exports.payroll.labels import period_type_of
from exports.payroll.lines import control_total, fingerprint, period_lines
from exports.payroll.schema import SCHEMA, ensure_payroll_schema, relation_exists
from exports.publication import blocking_failures, latest_publication
from quality.history import HISTORY_TABLE

STATUSES = ("open", "calculated", "approved", "exported", "closed")
FROZEN = ("exported", "closed")
UNLOCKED = ("open", "calculated")  # numbers still move with every nightly run
SYSTEM_ACTOR = "kpiwh-nightly"

# who may move a period where (export has its own module: it freezes and writes the file)
TRANSITIONS: dict[tuple[str, str], str] = {
    ("open", "calculated"): "the nightly run, once the period has ended",
    ("calculated", "approved"): "kpiwh payroll approve",
    ("approved", "approved"): "kpiwh payroll approve (re-approval pins the current numbers)",
    ("approved", "calculated"): "kpiwh payroll reopen",
    ("approved", "exported"): "kpiwh payroll export",
    ("exported", "closed"): "kpiwh payroll close",
}

HoldsLookup = Callable[[duckdb.DuckDBPyConnection, str, str], list[Any]]


class LifecycleError(Exception):
    """A transition the lifecycle does not allow, or a refused approval/export/close."""


@dataclass(frozen=True)
class PeriodState:
    period_type: str
    period: str
    status: str
    period_start_date: dt.date | None
    period_end_date: dt.date | None
    approved_publication_id: int | None
    approved_fingerprint: str | None
    batch_id: str | None
    updated_at: dt.datetime
    updated_by: str


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def require_actor(actor: str | None) -> str:
    actor = (actor or "").strip()
    if not actor:
        raise LifecycleError("say who you are: --by NAME is required")
    return actor


def get_period(con: duckdb.DuckDBPyConnection, period: str) -> PeriodState | None:
    if not relation_exists(con, f"{SCHEMA}.periods"):
        return None
    row = con.execute(
        f"select period_type, period, status, period_start_date, period_end_date, "
        f"approved_publication_id, approved_fingerprint, batch_id, updated_at, updated_by "
        f"from {SCHEMA}.periods where period_type = ? and period = ?",
        [period_type_of(period), period],
    ).fetchone()
    return PeriodState(*row) if row else None


def require_period(con: duckdb.DuckDBPyConnection, period: str) -> PeriodState:
    state = get_period(con, period)
    if state is None:
        raise LifecycleError(
            f"unknown payout period {period}: no published payouts for it yet "
            "(periods appear after a nightly run publishes them)"
        )
    return state


def list_periods(con: duckdb.DuckDBPyConnection) -> list[PeriodState]:
    if not relation_exists(con, f"{SCHEMA}.periods"):
        return []
    rows = con.execute(
        f"select period_type, period, status, period_start_date, period_end_date, "
        f"approved_publication_id, approved_fingerprint, batch_id, updated_at, updated_by "
        f"from {SCHEMA}.periods order by period_type, period"
    ).fetchall()
    return [PeriodState(*row) for row in rows]


def period_events(con: duckdb.DuckDBPyConnection, period: str) -> list[tuple[Any, ...]]:
    if not relation_exists(con, f"{SCHEMA}.period_events"):
        return []
    return con.execute(
        f"select event_id, from_status, to_status, actor, event_at, note, publication_id "
        f"from {SCHEMA}.period_events where period_type = ? and period = ? order by event_id",
        [period_type_of(period), period],
    ).fetchall()


def gate_failures(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Failed error-level checks of the latest validated run, or of the published run if none later.

    A later run whose gate failed did not publish, but it says the numbers are under question.
    """
    publication = latest_publication(con)
    if publication is None:
        return [("publication", "nothing has been published yet")]
    run_id = publication.run_id
    if relation_exists(con, HISTORY_TABLE):
        row = con.execute(
            f"select run_id from {HISTORY_TABLE} group by run_id "
            "order by max(validated_at) desc, run_id desc limit 1"
        ).fetchone()
        if row:
            run_id = row[0]
    failures = blocking_failures(con, run_id)
    return [(name, f"run {run_id}: {observed}") for name, observed in failures]


def record_transition(
    con: duckdb.DuckDBPyConnection,
    state: PeriodState,
    to_status: str,
    *,
    actor: str,
    at: dt.datetime,
    note: str | None = None,
    publication_id: int | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Move the period and append the event (the caller holds the transaction)."""
    if (state.status, to_status) not in TRANSITIONS:
        raise LifecycleError(_refusal(state, to_status))
    assignments = {"status": to_status, "updated_at": at, "updated_by": actor, **(extra or {})}
    sets = ", ".join(f"{column} = ?" for column in assignments)
    con.execute(
        f"update {SCHEMA}.periods set {sets} where period_type = ? and period = ?",
        [*assignments.values(), state.period_type, state.period],
    )
    (event_id,) = con.execute(
        f"select coalesce(max(event_id), 0) + 1 from {SCHEMA}.period_events"
    ).fetchone()
    con.execute(
        f"insert into {SCHEMA}.period_events values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            event_id,
            state.period_type,
            state.period,
            state.status,
            to_status,
            actor,
            at,
            note,
            publication_id,
        ],
    )


def _refusal(state: PeriodState, to_status: str) -> str:
    where = f"period {state.period} is {state.status}"
    if state.status in FROZEN and to_status in ("calculated", "approved", "open"):
        return f"{where}: exported periods are frozen and cannot be reopened; late data and corrections become adjustment lines in the next open period"
    allowed = [f"{to} ({how})" for (frm, to), how in TRANSITIONS.items() if frm == state.status]
    return f"{where}, it cannot become {to_status}; from {state.status} it can become: " + (
        ", ".join(allowed) or "nothing (final)"
    )


def sync_periods(
    con: duckdb.DuckDBPyConnection, *, now: dt.datetime | None = None
) -> list[tuple[str, str, str]]:
    """Register the published payout periods; mark `calculated` those a publication made after
    their last day includes. Returns (period, from, to) of every change. Idempotent."""
    ensure_payroll_schema(con)
    publication = latest_publication(con)
    if publication is None or not relation_exists(con, "published.fct_payouts"):
        return []
    now = now or _now()
    changes: list[tuple[str, str, str]] = []
    con.execute("begin transaction")
    try:
        published = con.execute(
            "select period_type, period, min(period_start_date), max(period_end_date) "
            "from published.fct_payouts group by period_type, period order by period_type, period"
        ).fetchall()
        for period_type, period, start, end in published:
            state = get_period(con, period)
            if state is None:
                con.execute(
                    f"insert into {SCHEMA}.periods (period_type, period, status, period_start_date,"
                    " period_end_date, updated_at, updated_by) values (?, ?, 'open', ?, ?, ?, ?)",
                    [period_type, period, start, end, now, SYSTEM_ACTOR],
                )
                changes.append((period, "", "open"))
                state = get_period(con, period)
            elif state.period_end_date is None:
                con.execute(
                    f"update {SCHEMA}.periods set period_start_date = ?, period_end_date = ? "
                    "where period_type = ? and period = ?",
                    [start, end, period_type, period],
                )
            assert state is not None
            if state.status == "open" and end < publication.published_at.date():
                record_transition(
                    con,
                    state,
                    "calculated",
                    actor=SYSTEM_ACTOR,
                    at=now,
                    note=f"publication {publication.publication_id} covers the whole period",
                    publication_id=publication.publication_id,
                )
                changes.append((period, "open", "calculated"))
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return changes


def ensure_open_period(con: duckdb.DuckDBPyConnection, period: str, *, now: dt.datetime) -> None:
    """A future payout period that adjustments are paid in, before any run has published it."""
    if get_period(con, period) is None:
        con.execute(
            f"insert into {SCHEMA}.periods (period_type, period, status, updated_at, updated_by) "
            "values (?, ?, 'open', ?, ?)",
            [period_type_of(period), period, now, SYSTEM_ACTOR],
        )


@dataclass(frozen=True)
class Approval:
    period: str
    publication_id: int
    fingerprint: str
    line_count: int
    control_total: Decimal
    holds: list[Any]


def approve_period(
    con: duckdb.DuckDBPyConnection,
    period: str,
    *,
    actor: str,
    currency: str,
    note: str | None = None,
    holds: HoldsLookup | None = None,
    now: dt.datetime | None = None,
) -> Approval:
    """Pin the period's current published numbers (and adjustments) as approved by `actor`."""
    actor = require_actor(actor)
    ensure_payroll_schema(con)
    state = require_period(con, period)
    if state.status not in ("calculated", "approved"):
        raise LifecycleError(_refusal(state, "approved"))
    failures = gate_failures(con)
    if failures:
        raise LifecycleError(
            f"cannot approve {period}: the quality gate failed: "
            + "; ".join(f"{name}: {observed}" for name, observed in failures)
        )
    publication = latest_publication(con)
    assert publication is not None
    lines = period_lines(con, state.period_type, period, currency)
    pinned = fingerprint(lines)
    open_holds = (holds or anomaly_holds)(con, state.period_type, period)
    con.execute("begin transaction")
    try:
        record_transition(
            con,
            state,
            "approved",
            actor=actor,
            at=now or _now(),
            note=note,
            publication_id=publication.publication_id,
            extra={
                "approved_publication_id": publication.publication_id,
                "approved_fingerprint": pinned,
            },
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return Approval(
        period, publication.publication_id, pinned, len(lines), control_total(lines), open_holds
    )


def reopen_period(
    con: duckdb.DuckDBPyConnection,
    period: str,
    *,
    actor: str,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Withdraw an approval (approved → calculated). Exported periods are frozen: refused."""
    actor = require_actor(actor)
    state = require_period(con, period)
    con.execute("begin transaction")
    try:
        record_transition(
            con,
            state,
            "calculated",
            actor=actor,
            at=now or _now(),
            note=note,
            extra={"approved_publication_id": None, "approved_fingerprint": None},
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def anomaly_holds(con: duckdb.DuckDBPyConnection, period_type: str, period: str) -> list[Any]:
    """Unacknowledged payout anomalies of the period (`quality.anomalies.payroll_holds`).

    Fails closed: if the anomaly module cannot answer, nothing is exported.
    """
    try:
        from quality.anomalies import payroll_holds
    except ImportError as missing:
        raise LifecycleError(
            f"cannot check anomaly holds (quality.anomalies.payroll_holds: {missing}); "
            "nothing is exported without that check"
        ) from missing
    return list(payroll_holds(con, period_type, period))
