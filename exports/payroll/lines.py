"""The payout lines of a payout period: what its payroll file would hold right now.

One line per employee and non-zero component: `performance_pay` and `tier_bonus` from
`published.fct_payouts`, then the period's adjustment lines (every late-data line, approved manual
lines only). Amounts are DECIMAL(18,2) from the warehouse, never recomputed here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

import duckdb

from exports.payroll.schema import SCHEMA, relation_exists

PAYOUTS = "published.fct_payouts"
ROSTER = "staging.stg_hr__employees"
COMPONENT_ORDER = {"performance_pay": 0, "tier_bonus": 1, "late_data_adjustment": 2}
CENT = Decimal("0.01")


class PayrollDataError(Exception):
    """The numbers cannot go to payroll as they are (missing payroll id, name or published data)."""


@dataclass(frozen=True)
class PayoutLine:
    payroll_id: str
    employee_id: str
    employee_name: str
    period: str
    component: str
    amount: Decimal
    currency: str
    adjustment_id: str | None = None

    def sort_key(self) -> tuple[str, int, str]:
        kind = self.component.split(":")[0]
        return (self.employee_id, COMPONENT_ORDER.get(kind, 3), self.component)

    def numbers(self) -> str:
        """What approval pins: everything but the name (a spelling fix is not a new number)."""
        return "|".join(
            (
                self.payroll_id,
                self.employee_id,
                self.period,
                self.component,
                money(self.amount),
                self.currency,
            )
        )


def money(amount: Decimal) -> str:
    """Two decimals, no separators; refuses sub-cent amounts instead of rounding them again."""
    if amount != amount.quantize(CENT):
        raise PayrollDataError(f"amount {amount} has more than two decimals")
    return f"{amount.quantize(CENT):f}"


def fingerprint(lines: list[PayoutLine]) -> str:
    text = "\n".join(line.numbers() for line in sorted(lines, key=PayoutLine.sort_key))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def control_total(lines: list[PayoutLine]) -> Decimal:
    return sum((line.amount for line in lines), Decimal("0.00")).quantize(CENT)


def employee_names(
    con: duckdb.DuckDBPyConnection, employee_ids: set[str], period_end: object | None
) -> dict[str, str]:
    """Names from the roster row in force at the period end (else the latest row)."""
    if not employee_ids:
        return {}
    if not relation_exists(con, ROSTER):
        raise PayrollDataError(f"employee names are not available: {ROSTER} is not built")
    rows = con.execute(
        f"""
        select employee_id, employee_name from (
            select employee_id, employee_name, row_number() over (
                partition by employee_id
                order by (valid_from <= coalesce(cast(? as date), valid_from)) desc, valid_from desc
            ) as rank_in_employee
            from {ROSTER}
            where employee_id in (select unnest(?::varchar[]))
        ) where rank_in_employee = 1
        """,
        [period_end, sorted(employee_ids)],
    ).fetchall()
    return {employee_id: name for employee_id, name in rows}


def period_lines(
    con: duckdb.DuckDBPyConnection, period_type: str, period: str, currency: str
) -> list[PayoutLine]:
    """The lines a payroll file of the period would hold now, in file order."""
    if not relation_exists(con, PAYOUTS):
        raise PayrollDataError(f"nothing published yet: {PAYOUTS} does not exist")
    payouts = con.execute(
        f"""
        select employee_id, payroll_id, performance_pay_amount, tier_bonus_amount, period_end_date
        from {PAYOUTS} where period_type = ? and period = ?
        """,
        [period_type, period],
    ).fetchall()
    payroll_ids = {employee_id: payroll_id for employee_id, payroll_id, *_ in payouts}
    period_end = max((row[4] for row in payouts), default=None)
    raw: list[tuple[str, str | None, str, Decimal, str | None]] = []
    for employee_id, payroll_id, performance_pay, tier_bonus, _ in payouts:
        raw.append((employee_id, payroll_id, "performance_pay", performance_pay, None))
        raw.append((employee_id, payroll_id, "tier_bonus", tier_bonus, None))
    if relation_exists(con, f"{SCHEMA}.adjustments"):
        adjustments = con.execute(
            f"""
            select employee_id, payroll_id, kind, source_period, adjustment_id, amount
            from {SCHEMA}.adjustments
            where period_type = ? and period = ?
              and (kind = 'late_data' or (kind = 'manual' and status = 'approved'))
            """,
            [period_type, period],
        ).fetchall()
        for employee_id, payroll_id, kind, source_period, adjustment_id, amount in adjustments:
            component = (
                f"late_data_adjustment:{source_period}"
                if kind == "late_data"
                else f"manual_adjustment:{adjustment_id}"
            )
            raw.append(
                (
                    employee_id,
                    payroll_ids.get(employee_id) or payroll_id,
                    component,
                    amount,
                    adjustment_id,
                )
            )
    raw = [row for row in raw if row[3] is not None and row[3] != 0]
    missing = sorted({row[0] for row in raw if not row[1]})
    if missing:
        raise PayrollDataError(f"no payroll id for employee(s) {', '.join(missing)} in {period}")
    names = employee_names(con, {row[0] for row in raw}, period_end)
    unnamed = sorted({row[0] for row in raw} - set(names))
    if unnamed:
        raise PayrollDataError(f"no roster name for employee(s) {', '.join(unnamed)}")
    lines = [
        PayoutLine(
            payroll_id=str(payroll_id),
            employee_id=employee_id,
            employee_name=names[employee_id],
            period=period,
            component=component,
            amount=Decimal(amount),
            currency=currency,
            adjustment_id=adjustment_id,
        )
        for employee_id, payroll_id, component, amount, adjustment_id in raw
    ]
    for line in lines:
        money(line.amount)
    return sorted(lines, key=PayoutLine.sort_key)
