"""Adjustment lines: late data for frozen periods, and manual corrections.

Late data: once a period is exported its batch is frozen (`payroll.frozen_payouts`). When a later
publication recalculates the period differently, the difference per employee (recalculated −
exported payout, less what earlier adjustment lines already settled) becomes ONE `late_data` line
in the next payout period still open or calculated, with a reason and the source rows that came in
after the batch's load watermark (`payroll.adjustment_source_rows`). Recomputing is idempotent: the
line of an unlocked period is updated in place (or withdrawn when the difference is gone); a line
in an approved, exported or closed period is never changed — what remains goes to a new line.

Manual: a record with amount, reason, author; paid only once someone else approves it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import duckdb

from exports.payroll.labels import next_period, period_type_of
from exports.payroll.lifecycle import (
    UNLOCKED,
    ensure_open_period,
    get_period,
    require_actor,
)
from exports.payroll.lines import CENT, money
from exports.payroll.schema import SCHEMA, ensure_payroll_schema, relation_exists

LATE_SOURCES = (
    # (model, key column, date column, amount column)
    ("intermediate.int_orders_unified", "order_key", "order_date", "revenue_amount"),
    ("intermediate.int_receipts_credited", "receipt_id", "receipt_date", "receipt_amount"),
)


class AdjustmentError(Exception):
    """A manual adjustment that cannot be recorded or approved as asked."""


@dataclass(frozen=True)
class LateDataChange:
    adjustment_id: str
    employee_id: str
    source_period: str
    period: str
    amount: Decimal  # 0 when the line was withdrawn
    source_row_count: int


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def next_open_period(con: duckdb.DuckDBPyConnection, after: str, *, now: dt.datetime) -> str:
    """The first payout period after `after` still open or calculated (registered if new)."""
    candidate = next_period(after)
    while True:
        state = get_period(con, candidate)
        if state is None:
            ensure_open_period(con, candidate, now=now)
            return candidate
        if state.status in UNLOCKED:
            return candidate
        candidate = next_period(candidate)


def _status_of(con: duckdb.DuckDBPyConnection, period: str) -> str | None:
    state = get_period(con, period)
    return state.status if state else None


def compute_late_data_adjustments(
    con: duckdb.DuckDBPyConnection, *, now: dt.datetime | None = None
) -> list[LateDataChange]:
    """Bring the late-data lines of every frozen period up to date. Idempotent."""
    ensure_payroll_schema(con)
    if not relation_exists(con, f"{SCHEMA}.frozen_payouts") or not relation_exists(
        con, "published.fct_payouts"
    ):
        return []
    now = now or _now()
    changes: list[LateDataChange] = []
    batches = con.execute(
        f"select b.batch_id, b.period_type, b.period, b.load_watermark "
        f"from {SCHEMA}.batches b join {SCHEMA}.periods p using (period_type, period) "
        f"where p.status in ('exported', 'closed') order by b.period_type, b.period"
    ).fetchall()
    con.execute("begin transaction")
    try:
        for batch_id, period_type, period, watermark in batches:
            changes.extend(
                _late_data_of_batch(con, batch_id, period_type, period, watermark, now=now)
            )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return changes


def _late_data_of_batch(
    con: duckdb.DuckDBPyConnection,
    batch_id: str,
    period_type: str,
    period: str,
    watermark: int | None,
    *,
    now: dt.datetime,
) -> list[LateDataChange]:
    differences = con.execute(
        f"""
        with recalculated as (
            select employee_id, payroll_id, payout_amount, period_start_date, period_end_date
            from published.fct_payouts where period_type = ? and period = ?
        ),
        frozen as (
            select employee_id, payroll_id, payout_amount, period_start_date, period_end_date
            from {SCHEMA}.frozen_payouts where batch_id = ?
        )
        select
            coalesce(r.employee_id, f.employee_id) as employee_id,
            coalesce(r.payroll_id, f.payroll_id) as payroll_id,
            f.payout_amount as frozen_amount,
            r.payout_amount as recalculated_amount,
            coalesce(f.period_start_date, r.period_start_date) as start_date,
            coalesce(f.period_end_date, r.period_end_date) as end_date
        from recalculated r full outer join frozen f on r.employee_id = f.employee_id
        """,
        [period_type, period, batch_id],
    ).fetchall()
    existing = con.execute(
        f"""
        select a.adjustment_id, a.employee_id, a.period, a.amount, p.status
        from {SCHEMA}.adjustments a
        left join {SCHEMA}.periods p on a.period_type = p.period_type and a.period = p.period
        where a.kind = 'late_data' and a.source_batch_id = ?
        """,
        [batch_id],
    ).fetchall()
    locked: dict[str, Decimal] = {}
    unlocked: dict[str, list[str]] = {}
    for adjustment_id, employee_id, _, amount, status in existing:
        if status in UNLOCKED:
            unlocked.setdefault(employee_id, []).append(adjustment_id)
        else:
            locked[employee_id] = locked.get(employee_id, Decimal("0")) + amount
    changes: list[LateDataChange] = []
    for employee_id, payroll_id, frozen, recalculated, start, end in sorted(differences):
        frozen = frozen or Decimal("0.00")
        recalculated = recalculated or Decimal("0.00")
        settled = locked.get(employee_id, Decimal("0.00"))
        pending = (recalculated - frozen - settled).quantize(CENT)
        stale = unlocked.get(employee_id, [])
        if pending == 0:
            for adjustment_id in stale:
                _delete_adjustment(con, adjustment_id)
                changes.append(
                    LateDataChange(adjustment_id, employee_id, period, "", Decimal("0.00"), 0)
                )
            continue
        target = next_open_period(con, period, now=now)
        adjustment_id = f"late:{period}:{employee_id}:{target}"
        for other in stale:
            if other != adjustment_id:
                _delete_adjustment(con, other)
        sources = _late_source_rows(con, employee_id, start, end, watermark)
        reason = (
            f"late data for {period} (batch {batch_id}): payout recalculated "
            f"{money(recalculated)}, exported {money(frozen)}"
            + (f", earlier adjustments {money(settled)}" if settled else "")
            + (
                f"; {len(sources)} source row(s) loaded after load {watermark}"
                if sources
                else "; no late source rows: the change comes from targets, plan or roster"
            )
        )
        values = {
            "employee_id": employee_id,
            "payroll_id": payroll_id,
            "period_type": period_type_of(target),
            "period": target,
            "source_period": period,
            "source_batch_id": batch_id,
            "amount": pending,
            "frozen_payout_amount": frozen,
            "recalculated_payout_amount": recalculated,
            "earlier_adjustments_amount": settled,
            "reason": reason,
            "updated_at": now,
        }
        if adjustment_id in stale:
            sets = ", ".join(f"{column} = ?" for column in values)
            con.execute(
                f"update {SCHEMA}.adjustments set {sets} where adjustment_id = ?",
                [*values.values(), adjustment_id],
            )
            con.execute(
                f"delete from {SCHEMA}.adjustment_source_rows where adjustment_id = ?",
                [adjustment_id],
            )
        else:
            row = {
                "adjustment_id": adjustment_id,
                "kind": "late_data",
                **values,
                "status": "calculated",
                "author": "kpiwh-nightly",
                "created_at": now,
            }
            con.execute(
                f"insert into {SCHEMA}.adjustments by name select "
                + ", ".join(f"? as {column}" for column in row),
                list(row.values()),
            )
        for source in sources:
            con.execute(
                f"insert into {SCHEMA}.adjustment_source_rows values (?, ?, ?, ?, ?, ?, ?, ?)",
                [adjustment_id, *source],
            )
        changes.append(
            LateDataChange(adjustment_id, employee_id, period, target, pending, len(sources))
        )
    return changes


def _delete_adjustment(con: duckdb.DuckDBPyConnection, adjustment_id: str) -> None:
    con.execute(f"delete from {SCHEMA}.adjustments where adjustment_id = ?", [adjustment_id])
    con.execute(
        f"delete from {SCHEMA}.adjustment_source_rows where adjustment_id = ?", [adjustment_id]
    )


def _late_source_rows(
    con: duckdb.DuckDBPyConnection,
    employee_id: str,
    start: dt.date,
    end: dt.date,
    watermark: int | None,
) -> list[tuple[Any, ...]]:
    """Rows credited to the employee, dated in the frozen period, loaded after its batch."""
    rows: list[tuple[Any, ...]] = []
    for model, key, date_column, amount in LATE_SOURCES:
        if not relation_exists(con, model):
            continue
        rows += con.execute(
            f"""
            select '{model}', cast({key} as varchar), {date_column}, cast({amount} as decimal(18, 2)),
                source_file_path, source_line_number, load_id
            from {model}
            where employee_id = ? and {date_column} between ? and ? and load_id > ?
            order by load_id, source_file_path, source_line_number
            """,
            [employee_id, start, end, -1 if watermark is None else watermark],
        ).fetchall()
    return rows


def parse_amount(text: str) -> Decimal:
    try:
        amount = Decimal(text.strip())
    except InvalidOperation as bad:
        raise AdjustmentError(f"amount {text!r} is not a number like 1200.50 or -300") from bad
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise AdjustmentError(f"amount {text!r} must have at most two decimals")
    if amount == 0:
        raise AdjustmentError("amount must not be 0")
    if abs(amount) >= Decimal("1e16"):
        raise AdjustmentError(f"amount {text!r} is too large")
    return amount.quantize(CENT)


def _payroll_id(con: duckdb.DuckDBPyConnection, employee_id: str) -> str | None:
    for relation in ("published.fct_payouts", f"{SCHEMA}.frozen_payouts"):
        if relation_exists(con, relation):
            row = con.execute(
                f"select payroll_id from {relation} where employee_id = ? and payroll_id is not null "
                "order by period_end_date desc limit 1",
                [employee_id],
            ).fetchone()
            if row:
                return str(row[0])
    return None


def _require_unlocked(con: duckdb.DuckDBPyConnection, period: str, what: str) -> None:
    status = _status_of(con, period)
    if status is not None and status not in UNLOCKED:
        hint = (
            "reopen it first (kpiwh payroll reopen) or use the next open period"
            if status == "approved"
            else "it is frozen; use the next open period"
        )
        raise AdjustmentError(f"cannot {what} in {period}: the period is {status}; {hint}")


def create_manual_adjustment(
    con: duckdb.DuckDBPyConnection,
    *,
    employee_id: str,
    period: str,
    amount: Decimal,
    reason: str,
    author: str,
    now: dt.datetime | None = None,
) -> str:
    """Record a pending manual adjustment paid in `period` (open or calculated). Returns its id."""
    author = require_actor(author)
    if not reason.strip():
        raise AdjustmentError("a manual adjustment needs a reason")
    try:
        period_type = period_type_of(period)
    except ValueError as bad:
        raise AdjustmentError(str(bad)) from bad
    ensure_payroll_schema(con)
    payroll_id = _payroll_id(con, employee_id)
    if payroll_id is None:
        raise AdjustmentError(f"unknown employee {employee_id}: no payout line with a payroll id")
    _require_unlocked(con, period, "add an adjustment")
    now = now or _now()
    con.execute("begin transaction")
    try:
        ensure_open_period(con, period, now=now)
        (number,) = con.execute(
            f"select count(*) + 1 from {SCHEMA}.adjustments where kind = 'manual'"
        ).fetchone()
        adjustment_id = f"manual-{number}"
        row = {
            "adjustment_id": adjustment_id,
            "kind": "manual",
            "employee_id": employee_id,
            "payroll_id": payroll_id,
            "period_type": period_type,
            "period": period,
            "amount": amount,
            "reason": reason.strip(),
            "status": "pending",
            "author": author,
            "created_at": now,
            "updated_at": now,
        }
        con.execute(
            f"insert into {SCHEMA}.adjustments by name select "
            + ", ".join(f"? as {column}" for column in row),
            list(row.values()),
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return adjustment_id


def decide_manual_adjustment(
    con: duckdb.DuckDBPyConnection,
    adjustment_id: str,
    *,
    approver: str,
    approve: bool = True,
    now: dt.datetime | None = None,
) -> None:
    """Approve (or reject) a pending manual adjustment; the approver is not its author."""
    approver = require_actor(approver)
    ensure_payroll_schema(con)
    row = con.execute(
        f"select kind, status, author, period from {SCHEMA}.adjustments where adjustment_id = ?",
        [adjustment_id],
    ).fetchone()
    if row is None or row[0] != "manual":
        raise AdjustmentError(f"no manual adjustment {adjustment_id}")
    _, status, author, period = row
    if status != "pending":
        raise AdjustmentError(f"adjustment {adjustment_id} is already {status}")
    if approver == author:
        raise AdjustmentError(
            f"adjustment {adjustment_id} was written by {author}; someone else must approve it"
        )
    _require_unlocked(con, period, "approve an adjustment")
    now = now or _now()
    con.execute(
        f"update {SCHEMA}.adjustments set status = ?, approver = ?, approved_at = ?, "
        "updated_at = ? where adjustment_id = ?",
        ["approved" if approve else "rejected", approver, now, now, adjustment_id],
    )


def list_adjustments(
    con: duckdb.DuckDBPyConnection, period: str | None = None
) -> list[dict[str, Any]]:
    if not relation_exists(con, f"{SCHEMA}.adjustments"):
        return []
    cursor = con.execute(
        f"select a.*, (select count(*) from {SCHEMA}.adjustment_source_rows s "
        f"where s.adjustment_id = a.adjustment_id) as source_row_count "
        f"from {SCHEMA}.adjustments a where ? is null or a.period = ? "
        "order by a.period, a.employee_id, a.adjustment_id",
        [period, period],
    )
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def source_rows(con: duckdb.DuckDBPyConnection, adjustment_id: str) -> list[tuple[Any, ...]]:
    return con.execute(
        f"select source_model, source_key, event_date, amount, source_file_path, "
        f"source_line_number, load_id from {SCHEMA}.adjustment_source_rows "
        "where adjustment_id = ? order by load_id, source_file_path, source_line_number",
        [adjustment_id],
    ).fetchall()
