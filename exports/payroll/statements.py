"""Per-employee statements: a sales rep's own KPIs, targets, tiers, score and payout, readable.

A statement shows what is paid: for an exported or closed period the frozen snapshot of its batch,
otherwise the published numbers (marked provisional until approved). Amounts are the warehouse's
DECIMALs, formatted, never recomputed; the total is the sum of the employee's payroll lines.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

import duckdb

from exports.payroll.labels import period_type_of
from exports.payroll.lifecycle import FROZEN, get_period
from exports.payroll.lines import control_total, period_lines
from exports.payroll.payout_file import frozen_lines
from exports.payroll.schema import SCHEMA, relation_exists

STATUS_NOTES = {
    None: "provisional: recalculated every night",
    "open": "provisional: the period is still running; recalculated every night",
    "calculated": "provisional: recalculated every night until finance approves it",
    "approved": "approved by finance; not yet sent to payroll",
    "exported": "sent to payroll (frozen); late data is paid as adjustments in a later period",
    "closed": "paid and closed (frozen); late data is paid as adjustments in a later period",
}


class StatementError(Exception):
    """No statement can be made (unknown employee or period)."""


@dataclass
class KpiLine:
    kpi_code: str
    kpi_name: str
    unit: str
    weight_percent: Decimal | None
    actual: Decimal | None
    base: Decimal | None
    challenge: Decimal | None
    stretch: Decimal | None
    attainment: Decimal | None
    tier: str | None
    weighted_points: Decimal | None


@dataclass
class Statement:
    employee_id: str
    employee_name: str
    role: str
    period: str
    status: str | None
    status_note: str
    weighted_score: Decimal | None
    primary_kpi_code: str | None
    primary_tier: str | None
    is_promotion_eligible: bool | None
    collection_rate: Decimal | None
    collection_gate_threshold: Decimal | None
    is_gated: bool | None
    performance_pay_base: Decimal | None
    scorecard: list[KpiLine] = field(default_factory=list)
    other_kpis: list[KpiLine] = field(default_factory=list)
    pay_lines: list[tuple[str, Decimal]] = field(default_factory=list)
    adjustments: list[dict[str, Any]] = field(default_factory=list)
    total: Decimal = Decimal("0.00")
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def build_statement(
    con: duckdb.DuckDBPyConnection, employee_id: str, period: str, *, currency: str = "CNY"
) -> Statement:
    period_type = period_type_of(period)
    state = get_period(con, period)
    status = state.status if state else None
    frozen = status in FROZEN and state is not None and state.batch_id is not None
    if frozen:
        payout_sql = f"select * from {SCHEMA}.frozen_payouts where batch_id = ? and employee_id = ?"
        payout_params: list[Any] = [state.batch_id, employee_id]
    else:
        payout_sql = (
            "select * from published.fct_payouts "
            "where period_type = ? and period = ? and employee_id = ?"
        )
        payout_params = [period_type, period, employee_id]
    payouts = _rows(con, payout_sql, payout_params)
    if not payouts:
        raise StatementError(f"no payout line for employee {employee_id} in {period}")
    payout = payouts[0]
    role = payout["role"]
    if frozen:
        cards = _rows(
            con,
            f"select * from {SCHEMA}.frozen_scorecards where batch_id = ? and employee_id = ? "
            "and role = ?",
            [state.batch_id, employee_id, role],
        )
    else:
        cards = _rows(
            con,
            "select * from published.fct_scorecards where period_type = ? and period = ? "
            "and employee_id = ? and role = ?",
            [period_type, period, employee_id, role],
        )
    names = _kpi_names(con, role)
    scorecard = [
        _kpi_line(card, names)
        for card in sorted(cards, key=lambda c: (c.get("position") or 0, c["kpi_code"]))
    ]
    lines = (
        frozen_lines(con, state.batch_id)
        if frozen
        else period_lines(con, period_type, period, currency)
    )
    own = [line for line in lines if line.employee_id == employee_id]
    employee_name = own[0].employee_name if own else _name(con, employee_id)
    statement = Statement(
        employee_id=employee_id,
        employee_name=employee_name,
        role=role,
        period=period,
        status=status,
        status_note=STATUS_NOTES[status],
        weighted_score=payout.get("weighted_score"),
        primary_kpi_code=payout.get("primary_kpi_code"),
        primary_tier=payout.get("primary_tier"),
        is_promotion_eligible=payout.get("is_promotion_eligible"),
        collection_rate=payout.get("collection_rate"),
        collection_gate_threshold=payout.get("collection_gate_threshold"),
        is_gated=payout.get("is_gated"),
        performance_pay_base=payout.get("performance_pay_base_amount"),
        scorecard=scorecard,
        other_kpis=_other_kpis(con, employee_id, role, period_type, period, scorecard, names),
        pay_lines=[(line.component, line.amount) for line in own],
        adjustments=_adjustments(con, employee_id, period),
        total=control_total(own),
    )
    if frozen and relation_exists(con, "published.fct_payouts"):
        now = con.execute(
            "select payout_amount from published.fct_payouts "
            "where period_type = ? and period = ? and employee_id = ?",
            [period_type, period, employee_id],
        ).fetchone()
        paid = payout["payout_amount"]
        if now is not None and now[0] != paid:
            statement.notes.append(
                f"recalculated since it was paid: {_money(now[0])} instead of {_money(paid)}; "
                "the difference is paid as a late-data adjustment in the next open period"
            )
    return statement


def _kpi_names(con: duckdb.DuckDBPyConnection, role: str) -> dict[str, tuple[str, str]]:
    if not relation_exists(con, "published.dim_kpis"):
        return {}
    return {
        code: (name or code, unit or "")
        for code, name, unit in con.execute(
            "select kpi_code, kpi_name_zh, unit from published.dim_kpis where role = ?", [role]
        ).fetchall()
    }


def _kpi_line(card: dict[str, Any], names: dict[str, tuple[str, str]]) -> KpiLine:
    name, unit = names.get(card["kpi_code"], (card["kpi_code"], ""))
    return KpiLine(
        kpi_code=card["kpi_code"],
        kpi_name=name,
        unit=unit,
        weight_percent=card.get("weight_percent"),
        actual=card.get("actual_value"),
        base=card.get("base_value"),
        challenge=card.get("challenge_value"),
        stretch=card.get("stretch_value"),
        attainment=card.get("attainment"),
        tier=card.get("tier"),
        weighted_points=card.get("weighted_points"),
    )


def _other_kpis(
    con: duckdb.DuckDBPyConnection,
    employee_id: str,
    role: str,
    period_type: str,
    period: str,
    scorecard: list[KpiLine],
    names: dict[str, tuple[str, str]],
) -> list[KpiLine]:
    if not relation_exists(con, "published.fct_kpi_values"):
        return []
    weighted = {line.kpi_code for line in scorecard}
    rows = con.execute(
        "select kpi_code, value from published.fct_kpi_values where entity_type = 'employee' "
        "and entity_id = ? and role = ? and period_type = ? and period = ? order by kpi_code",
        [employee_id, role, period_type, period],
    ).fetchall()
    return [
        KpiLine(code, *names.get(code, (code, "")), None, value, None, None, None, None, None, None)
        for code, value in rows
        if code not in weighted
    ]


def _adjustments(con: duckdb.DuckDBPyConnection, employee_id: str, period: str) -> list[dict]:
    if not relation_exists(con, f"{SCHEMA}.adjustments"):
        return []
    return _rows(
        con,
        f"select adjustment_id, kind, amount, reason, status, source_period "
        f"from {SCHEMA}.adjustments where employee_id = ? and period = ? "
        "and status <> 'rejected' order by adjustment_id",
        [employee_id, period],
    )


def _name(con: duckdb.DuckDBPyConnection, employee_id: str) -> str:
    if relation_exists(con, "staging.stg_hr__employees"):
        row = con.execute(
            "select employee_name from staging.stg_hr__employees where employee_id = ? "
            "order by valid_from desc limit 1",
            [employee_id],
        ).fetchone()
        if row:
            return str(row[0])
    return employee_id


def _money(value: Decimal | None) -> str:
    return "–" if value is None else f"{value:,.2f}"


def _value(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "cny":
        return _money(value)
    if unit == "ratio":
        return f"{value * 100:.1f}%"
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:,.2f}"


def _pct(value: Decimal | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


COMPONENT_LABELS = {
    "performance_pay": "Performance pay 绩效工资",
    "tier_bonus": "Tier bonus 档位奖金",
}


def render_markdown(statement: Statement, currency: str = "CNY") -> str:
    s = statement
    out = [
        f"# Statement {s.period} — {s.employee_name} ({s.employee_id})",
        "",
        f"Role: {s.role}. Status: {s.status or 'not registered'} — {s.status_note}.",
        "",
        "## Scorecard",
        "",
        "| KPI | weight | actual | base | challenge | stretch | attainment | tier | points |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for k in s.scorecard:
        out.append(
            f"| {k.kpi_name} ({k.kpi_code}) | {_value(k.weight_percent, '')}% | "
            f"{_value(k.actual, k.unit)} | {_value(k.base, k.unit)} | "
            f"{_value(k.challenge, k.unit)} | {_value(k.stretch, k.unit)} | "
            f"{_pct(k.attainment)} | {k.tier or '–'} | "
            f"{'–' if k.weighted_points is None else f'{k.weighted_points:.2f}'} |"
        )
    score = "–" if s.weighted_score is None else f"{s.weighted_score:.2f}"
    out += [
        "",
        f"Weighted score: **{score}** (100 = every weighted KPI exactly at its challenge target). "
        f"Primary KPI {s.primary_kpi_code}: tier **{s.primary_tier or 'none'}**"
        + ("; eligible for promotion." if s.is_promotion_eligible else "."),
    ]
    if s.collection_gate_threshold is not None:
        gate = (
            "below the gate: performance pay and tier bonus are 0"
            if s.is_gated
            else "at or above the gate"
        )
        out.append(
            f"Collection rate {_pct(s.collection_rate)} vs gate {_pct(s.collection_gate_threshold)}:"
            f" {gate}."
        )
    if s.other_kpis:
        out += ["", "## Other KPIs (monitored, not weighted)", ""]
        out += [f"- {k.kpi_name} ({k.kpi_code}): {_value(k.actual, k.unit)}" for k in s.other_kpis]
    out += [
        "",
        f"## Pay ({currency})",
        "",
        f"Performance pay base for the period: {_money(s.performance_pay_base)}.",
        "",
        "| component | amount |",
        "|---|---:|",
    ]
    for component, amount in s.pay_lines:
        label = COMPONENT_LABELS.get(component, component)
        out.append(f"| {label} | {_money(amount)} |")
    out.append(f"| **Total** | **{_money(s.total)}** |")
    if s.adjustments:
        out += ["", "Adjustments in this period:", ""]
        for a in s.adjustments:
            paid = (
                ""
                if a["kind"] == "late_data" or a["status"] == "approved"
                else " (pending approval, not paid yet)"
            )
            out.append(f"- {a['adjustment_id']}: {_money(a['amount'])}{paid} — {a['reason']}")
    for note in s.notes:
        out += ["", f"Note: {note}."]
    return "\n".join(out) + "\n"
