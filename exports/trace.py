"""Audit trail: trace a KPI value or a payout line back to the source rows, files and loads.

A KPI value is read from where its users saw it:

- a period exported to payroll (`payroll.batches`): the frozen number (`payroll.frozen_kpi_values`)
  and the rows frozen with it (`payroll.frozen_contributions`, written by `freeze_contributions`
  inside the payroll export's transaction) — "as exported in batch X, publication N, loads ≤ W";
  today's value is shown next to it, with the rows that explain any difference;
- otherwise the last publication (`published.fct_kpi_values`, `meta.publications`), or, before
  any publication, the latest build (`marts`).

Live contributing rows come from the dbt view `intermediate.int_kpi_contributions` (one row per
source row and KPI value, what it adds to the numerator or denominator), joined to
`meta.load_manifest` for the file's source, checksum and extract date. `exports.trace_rules`
adds them up the way the models round, and the trace says whether they reconcile.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import duckdb

from exports import trace_rules
from exports.publication import latest_publication
from ingestion.warehouse import relation_exists

CONTRIBUTIONS_VIEW = "intermediate.int_kpi_contributions"
FROZEN_CONTRIBUTIONS = "payroll.frozen_contributions"
GRAIN = ("entity_type", "entity_id", "role", "period_type", "period", "kpi_code")

# the columns a contributing row carries, live and frozen (frozen rows add batch_id first)
ROW_COLUMNS: tuple[tuple[str, str], ...] = (
    ("kpi_value_id", "varchar"),
    ("entity_type", "varchar"),
    ("entity_id", "varchar"),
    ("role", "varchar"),
    ("period_type", "varchar"),
    ("period", "varchar"),
    ("kpi_code", "varchar"),
    ("side", "varchar"),
    ("contribution", "decimal(38, 6)"),
    ("contribution_divisor", "integer"),
    ("record_type", "varchar"),
    ("record_id", "varchar"),
    ("event_date", "date"),
    ("note", "varchar"),
    ("source", "varchar"),
    ("source_entity", "varchar"),
    ("source_file_path", "varchar"),
    ("source_line_number", "bigint"),
    ("file_sha256", "varchar"),
    ("extract_date", "date"),
    ("load_id", "bigint"),
)
_ROW_NAMES = tuple(name for name, _ in ROW_COLUMNS)


class TraceError(Exception):
    """What was asked for cannot be traced (unknown employee, KPI, period or payout)."""


@dataclass(frozen=True)
class Basis:
    """Where the traced number comes from."""

    kind: str  # "frozen" (exported to payroll), "published", or "build" (not yet published)
    publication_id: int | None = None
    run_id: str | None = None
    load_watermark: int | None = None
    batch_id: str | None = None
    at: dt.datetime | None = None  # exported_at or published_at

    def describe(self) -> str:
        loads = f"loads ≤ {self.load_watermark}" if self.load_watermark is not None else "loads ?"
        if self.kind == "frozen":
            return (
                f"as exported in batch {self.batch_id}, publication {self.publication_id}, "
                f"{loads}, exported {self.at}"
            )
        if self.kind == "published":
            return f"as published: publication {self.publication_id} ({self.at}), {loads}"
        return "latest build (marts), not published"


@dataclass(frozen=True)
class SourceRow:
    """One source row and what it adds to one side of a KPI value."""

    side: str
    contribution: Decimal
    contribution_divisor: int
    record_type: str
    record_id: str
    event_date: dt.date | None
    note: str | None
    source: str | None
    source_entity: str | None
    source_file_path: str | None
    source_line_number: int | None
    file_sha256: str | None
    extract_date: dt.date | None
    load_id: int | None

    @property
    def identity(self) -> tuple[Any, ...]:
        """What makes two versions of the trail the same row with the same effect."""
        return (
            self.side,
            self.record_type,
            self.record_id,
            self.contribution,
            self.source_file_path,
            self.source_line_number,
            self.load_id,
        )


@dataclass(frozen=True)
class LiveComparison:
    """Today's value of a frozen KPI and the rows that explain the difference."""

    basis: Basis
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    rows_added: tuple[SourceRow, ...]  # contribute today, not in the frozen trail
    rows_dropped: tuple[SourceRow, ...]  # in the frozen trail, not today
    loaded_after_watermark: tuple[SourceRow, ...]  # today's rows from loads after the watermark

    @property
    def is_unchanged(self) -> bool:
        return not self.rows_added and not self.rows_dropped


@dataclass(frozen=True)
class KpiTrace:
    kpi_value_id: str
    entity_type: str
    entity_id: str
    role: str
    period_type: str
    period: str
    kpi_code: str
    name_zh: str | None
    unit: str | None
    is_ratio: bool
    definition_version: str | None
    definition: str | None
    numerator: Decimal
    denominator: Decimal | None
    value: Decimal | None
    basis: Basis
    rows: tuple[SourceRow, ...]
    live: LiveComparison | None = None
    # set when a build after the publication (not published: its gate failed, or it is still
    # running) changed this value: live rows come from the latest build, so they add up to this
    unpublished_build_value: Decimal | None = None
    has_unpublished_change: bool = False

    def rows_of(self, side: str) -> tuple[SourceRow, ...]:
        return tuple(row for row in self.rows if row.side == side)

    @property
    def numerator_from_rows(self) -> Decimal:
        return _side_from_rows(self.rows_of("numerator"))

    @property
    def denominator_from_rows(self) -> Decimal | None:
        if not self.is_ratio:
            return None
        return _side_from_rows(self.rows_of("denominator"))

    @property
    def value_from_rows(self) -> Decimal | None:
        return trace_rules.kpi_value(
            self.numerator_from_rows, self.denominator_from_rows, is_ratio=self.is_ratio
        )

    @property
    def reconciles(self) -> bool:
        """The rows add up to the numerator, denominator and value reported."""
        return (
            trace_rules.same_amount(self.numerator_from_rows, self.numerator)
            and trace_rules.same_amount(self.denominator_from_rows, self.denominator)
            and trace_rules.same_amount(self.value_from_rows, self.value)
        )


@dataclass(frozen=True)
class ScorecardLine:
    kpi_code: str
    position: int
    is_primary: bool
    weight_percent: Decimal
    actual_value: Decimal | None
    target_id: str | None
    target_version: int | None
    base_value: Decimal | None
    challenge_value: Decimal | None
    stretch_value: Decimal | None
    attainment: Decimal | None
    tier: str | None
    capped_attainment: Decimal | None
    weighted_points: Decimal
    target_source: dict[str, Any] | None
    kpi: KpiTrace | None


@dataclass(frozen=True)
class Check:
    label: str
    reported: Any
    recomputed: Any

    @property
    def holds(self) -> bool:
        return trace_rules.same_amount(self.reported, self.recomputed)


@dataclass(frozen=True)
class PayoutTrace:
    payout_id: str
    employee_id: str
    payroll_id: str | None
    role: str
    period_type: str
    period: str
    plan_version: str
    performance_pay_base_amount: Decimal
    weighted_score: Decimal
    primary_kpi_code: str | None
    primary_tier: str | None
    collection_rate: Decimal | None
    collection_gate_threshold: Decimal | None
    is_gated: bool
    performance_pay_amount: Decimal
    tier_bonus_amount: Decimal
    adjustments_amount: Decimal
    payout_amount: Decimal
    basis: Basis
    lines: tuple[ScorecardLine, ...]
    gate_kpi: KpiTrace | None
    checks: tuple[Check, ...] = field(default=())

    @property
    def reconciles(self) -> bool:
        kpis_hold = all(line.kpi is None or line.kpi.reconciles for line in self.lines)
        gate_holds = self.gate_kpi is None or self.gate_kpi.reconciles
        return all(check.holds for check in self.checks) and kpis_hold and gate_holds


# ---------------------------------------------------------------------------------------------
# reading the warehouse
# ---------------------------------------------------------------------------------------------


def _side_from_rows(rows: Sequence[SourceRow]) -> Decimal:
    divisor = rows[0].contribution_divisor if rows else 1
    return trace_rules.side_total((row.contribution for row in rows), divisor)


def _dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def period_type_of(period: str) -> str:
    """`2026-03` → month, `2026-Q1` → quarter, `2026` → year."""
    if re.fullmatch(r"\d{4}-\d{2}", period):
        return "month"
    if re.fullmatch(r"\d{4}-Q[1-4]", period):
        return "quarter"
    if re.fullmatch(r"\d{4}", period):
        return "year"
    raise TraceError(
        f"period {period!r} is not a month (2026-03), quarter (2026-Q1) or year (2026)"
    )


def _nearby(value: str, candidates: Sequence[str], *, limit: int = 8) -> str:
    close = difflib.get_close_matches(value, candidates, n=limit, cutoff=0.4)
    shown = close or list(candidates)[:limit]
    more = "" if len(candidates) <= len(shown) else f" (of {len(candidates)})"
    return ", ".join(shown) + more


def live_basis(con: duckdb.DuckDBPyConnection) -> tuple[Basis, str]:
    """The latest publication and its schema; the latest build when nothing is published."""
    if relation_exists(con, "meta.publications") and relation_exists(
        con, "published.fct_kpi_values"
    ):
        publication = latest_publication(con)
        if publication is not None:
            return Basis(
                "published",
                publication.publication_id,
                publication.run_id,
                publication.load_watermark,
                None,
                publication.published_at,
            ), "published"
    return Basis("build"), "marts"


def _frozen_batch(
    con: duckdb.DuckDBPyConnection, grain: dict[str, str]
) -> tuple[Basis, dict[str, Any]] | None:
    """The latest payroll batch that froze this KPI value, with the frozen row."""
    if not (
        relation_exists(con, "payroll.batches")
        and relation_exists(con, "payroll.frozen_kpi_values")
    ):
        return None
    where = " and ".join(f"f.{name} = ?" for name in GRAIN)
    rows = _dicts(
        con.execute(
            "select f.*, b.publication_id as batch_publication_id, b.run_id as batch_run_id, "
            "b.load_watermark as batch_load_watermark, b.exported_at as batch_exported_at "
            "from payroll.frozen_kpi_values as f "
            "inner join payroll.batches as b on f.batch_id = b.batch_id "
            f"where {where} order by b.exported_at desc, b.batch_id desc limit 1",
            [grain[name] for name in GRAIN],
        )
    )
    if not rows:
        return None
    row = rows[0]
    basis = Basis(
        "frozen",
        row["batch_publication_id"],
        row["batch_run_id"],
        row["batch_load_watermark"],
        row["batch_id"],
        row["batch_exported_at"],
    )
    return basis, row


def _read_live_rows(
    con: duckdb.DuckDBPyConnection, where: str, params: Sequence[Any]
) -> dict[str, list[SourceRow]]:
    """Contributing rows of the live trail by kpi_value_id, with their file's manifest entry."""
    cursor = con.execute(
        f"""
        select c.kpi_value_id, c.side, c.contribution, c.contribution_divisor, c.record_type,
            c.record_id, c.event_date, c.note, m.source, m.entity as source_entity,
            c.source_file_path, c.source_line_number, m.file_sha256, m.extract_date, c.load_id
        from {CONTRIBUTIONS_VIEW} as c
        left join meta.load_manifest as m on c.load_id = m.load_id
        where {where}
        order by c.side desc, c.event_date, c.record_type, c.record_id, c.source_line_number
        """,
        list(params),
    )
    by_value: dict[str, list[SourceRow]] = {}
    for row in _dicts(cursor):
        by_value.setdefault(row.pop("kpi_value_id"), []).append(SourceRow(**row))
    return by_value


def _live_rows(con: duckdb.DuckDBPyConnection, grain: dict[str, str]) -> tuple[SourceRow, ...]:
    where = " and ".join(f"c.{name} = ?" for name in GRAIN)
    by_value = _read_live_rows(con, where, [grain[name] for name in GRAIN])
    return tuple(row for rows in by_value.values() for row in rows)


def trace_all_values(
    con: duckdb.DuckDBPyConnection, *, period_type: str | None = None, period: str | None = None
) -> list[KpiTrace]:
    """Every KPI value of the live basis (optionally one period) with its contributing rows:
    `[t for t in trace_all_values(con) if not t.reconciles]` is the trail's own audit."""
    basis, schema = live_basis(con)
    filters = [(name, value) for name, value in (("period_type", period_type), ("period", period))]
    filters = [(name, value) for name, value in filters if value is not None]
    values_where = " and ".join(f"{name} = ?" for name, _ in filters) or "true"
    params = [value for _, value in filters]
    definitions = trace_rules.kpi_definitions()
    rows_by_value = _read_live_rows(
        con, " and ".join(f"c.{name} = ?" for name, _ in filters) or "true", params
    )
    values = _dicts(
        con.execute(f"select * from {schema}.fct_kpi_values where {values_where}", params)
    )
    return [
        KpiTrace(
            kpi_value_id=v["kpi_value_id"],
            entity_type=v["entity_type"],
            entity_id=v["entity_id"],
            role=v["role"],
            period_type=v["period_type"],
            period=v["period"],
            kpi_code=v["kpi_code"],
            name_zh=None,
            unit=v["unit"],
            is_ratio=bool(v["is_ratio"]),
            definition_version=v["definition_version"],
            definition=definitions.get(v["kpi_code"]),
            numerator=v["numerator"],
            denominator=v["denominator"],
            value=v["value"],
            basis=basis,
            rows=tuple(rows_by_value.get(v["kpi_value_id"], ())),
        )
        for v in values
    ]


def _frozen_rows(
    con: duckdb.DuckDBPyConnection, batch_id: str, kpi_value_id: str
) -> tuple[SourceRow, ...]:
    names = [f.name for f in dataclasses.fields(SourceRow)]
    cursor = con.execute(
        f"select {', '.join(names)} from {FROZEN_CONTRIBUTIONS} "
        "where batch_id = ? and kpi_value_id = ? "
        "order by side desc, event_date, record_type, record_id",
        [batch_id, kpi_value_id],
    )
    return tuple(SourceRow(**row) for row in _dicts(cursor))


def _resolve_grain(
    con: duckdb.DuckDBPyConnection,
    schema: str,
    *,
    entity_id: str,
    period: str,
    kpi_code: str,
    period_type: str | None,
    role: str | None,
    entity_type: str,
) -> dict[str, Any]:
    """The one fct_kpi_values row asked for, or a TraceError saying what exists nearby."""
    period_type = period_type or period_type_of(period)
    table = f"{schema}.fct_kpi_values"
    entities = [
        e
        for (e,) in con.execute(
            f"select distinct entity_id from {table} where entity_type = ? order by 1",
            [entity_type],
        ).fetchall()
    ]
    if entity_id not in entities:
        raise TraceError(
            f"unknown {entity_type} {entity_id!r} in {table}; nearby: {_nearby(entity_id, entities)}"
        )
    periods = [
        p
        for (p,) in con.execute(
            f"select distinct period from {table} where entity_type = ? and entity_id = ? "
            "and period_type = ? order by 1",
            [entity_type, entity_id, period_type],
        ).fetchall()
    ]
    if period not in periods:
        raise TraceError(
            f"{entity_type} {entity_id} has no {period_type} {period!r}; "
            f"its {period_type}s: {_nearby(period, periods, limit=40)}"
        )
    rows = _dicts(
        con.execute(
            f"select * from {table} where entity_type = ? and entity_id = ? and period_type = ? "
            "and period = ? order by role, kpi_code",
            [entity_type, entity_id, period_type, period],
        )
    )
    roles = sorted({row["role"] for row in rows})
    if role is not None and role not in roles:
        raise TraceError(
            f"{entity_type} {entity_id} held no role {role!r} in {period}; roles: {', '.join(roles)}"
        )
    matches = [r for r in rows if r["kpi_code"] == kpi_code and role in (None, r["role"])]
    if not matches:
        codes = sorted({r["kpi_code"] for r in rows if role in (None, r["role"])})
        raise TraceError(
            f"no KPI {kpi_code!r} for {entity_type} {entity_id} ({', '.join(roles)}) in {period}; "
            f"its KPIs: {_nearby(kpi_code, codes, limit=40)}"
        )
    if len(matches) > 1:
        raise TraceError(
            f"{entity_type} {entity_id} has {kpi_code} in {period} for several roles "
            f"({', '.join(r['role'] for r in matches)}): say which with --role"
        )
    return matches[0]


def _catalog_entry(con: duckdb.DuckDBPyConnection, schema: str, role: str, code: str) -> dict:
    table = f"{schema}.dim_kpis"
    if not relation_exists(con, table):
        return {}
    rows = _dicts(
        con.execute(f"select * from {table} where role = ? and kpi_code = ?", [role, code])
    )
    return rows[0] if rows else {}


def trace_kpi(
    con: duckdb.DuckDBPyConnection,
    *,
    entity_id: str,
    period: str,
    kpi_code: str,
    period_type: str | None = None,
    role: str | None = None,
    entity_type: str = "employee",
    live_only: bool = False,
) -> KpiTrace:
    """The number of one KPI value, its definition and every contributing source row.

    When a payroll batch froze the value (and `live_only` is false), the frozen number and rows,
    with today's value and the rows explaining the difference in `live`.
    """
    basis, schema = live_basis(con)
    row = _resolve_grain(
        con,
        schema,
        entity_id=entity_id,
        period=period,
        kpi_code=kpi_code,
        period_type=period_type,
        role=role,
        entity_type=entity_type,
    )
    grain = {name: row[name] for name in GRAIN}
    catalog = _catalog_entry(con, schema, row["role"], kpi_code)
    definition = trace_rules.kpi_definitions().get(kpi_code)
    live_rows = _live_rows(con, grain)
    frozen = None if live_only else _frozen_batch(con, grain)

    def build(source: dict[str, Any], used: Basis, rows: tuple[SourceRow, ...]) -> KpiTrace:
        return KpiTrace(
            kpi_value_id=source["kpi_value_id"],
            entity_type=grain["entity_type"],
            entity_id=grain["entity_id"],
            role=grain["role"],
            period_type=grain["period_type"],
            period=grain["period"],
            kpi_code=kpi_code,
            name_zh=catalog.get("kpi_name_zh"),
            unit=source.get("unit"),
            is_ratio=bool(source["is_ratio"]),
            definition_version=source.get("definition_version"),
            definition=definition,
            numerator=source["numerator"],
            denominator=source["denominator"],
            value=source["value"],
            basis=used,
            rows=rows,
        )

    today = build(row, basis, live_rows)
    if basis.kind == "published":
        built = con.execute(
            "select numerator, denominator, value from marts.fct_kpi_values where kpi_value_id = ?",
            [row["kpi_value_id"]],
        ).fetchone()
        if built is not None and not all(
            trace_rules.same_amount(b, p)
            for b, p in zip(
                built, (row["numerator"], row["denominator"], row["value"]), strict=True
            )
        ):
            today = dataclasses.replace(
                today, unpublished_build_value=built[2], has_unpublished_change=True
            )
    if frozen is None:
        return today
    frozen_basis, frozen_row = frozen
    frozen_rows = _frozen_rows(con, frozen_basis.batch_id or "", frozen_row["kpi_value_id"])
    frozen_ids = {r.identity for r in frozen_rows}
    live_ids = {r.identity for r in live_rows}
    watermark = frozen_basis.load_watermark
    live = LiveComparison(
        basis=basis,
        numerator=today.numerator,
        denominator=today.denominator,
        value=today.value,
        rows_added=tuple(r for r in live_rows if r.identity not in frozen_ids),
        rows_dropped=tuple(r for r in frozen_rows if r.identity not in live_ids),
        loaded_after_watermark=tuple(
            r
            for r in live_rows
            if watermark is not None and r.load_id is not None and r.load_id > watermark
        ),
    )
    return dataclasses.replace(build(frozen_row, frozen_basis, frozen_rows), live=live)


# ---------------------------------------------------------------------------------------------
# payout lines
# ---------------------------------------------------------------------------------------------


def _payout_row(
    con: duckdb.DuckDBPyConnection,
    *,
    payout_id: str | None,
    employee_id: str | None,
    period: str | None,
    period_type: str | None,
    live_only: bool,
) -> tuple[dict[str, Any], Basis, str]:
    """The payout line asked for: frozen when a payroll batch exported it, else published."""
    basis, schema = live_basis(con)
    conditions: dict[str, str]
    if payout_id is not None:
        conditions = {"payout_id": payout_id}
    elif employee_id is not None and period is not None:
        period_type = period_type or period_type_of(period)
        conditions = {"employee_id": employee_id, "period_type": period_type, "period": period}
    else:
        raise TraceError("give a payout id, or an employee and a period")
    params = list(conditions.values())
    where = " and ".join(f"{column} = ?" for column in conditions)
    frozen_where = " and ".join(f"f.{column} = ?" for column in conditions)
    if (
        not live_only
        and relation_exists(con, "payroll.frozen_payouts")
        and relation_exists(con, "payroll.batches")
    ):
        frozen = _dicts(
            con.execute(
                "select f.*, b.publication_id as batch_publication_id, b.run_id as batch_run_id, "
                "b.load_watermark as batch_load_watermark, b.exported_at as batch_exported_at "
                "from payroll.frozen_payouts as f "
                "inner join payroll.batches as b on f.batch_id = b.batch_id "
                f"where {frozen_where} "
                "order by b.exported_at desc, b.batch_id desc limit 1",
                params,
            )
        )
        if frozen:
            row = frozen[0]
            frozen_basis = Basis(
                "frozen",
                row["batch_publication_id"],
                row["batch_run_id"],
                row["batch_load_watermark"],
                row["batch_id"],
                row["batch_exported_at"],
            )
            return row, frozen_basis, "payroll.frozen_"
    rows = _dicts(con.execute(f"select * from {schema}.fct_payouts where {where}", params))
    if rows:
        return rows[0], basis, f"{schema}."
    if payout_id is not None:
        ids = [p for (p,) in con.execute(f"select payout_id from {schema}.fct_payouts").fetchall()]
        raise TraceError(f"unknown payout {payout_id!r}; nearby: {_nearby(payout_id, ids)}")
    lines = con.execute(
        f"select distinct employee_id, period from {schema}.fct_payouts "
        "where employee_id = ? or period = ? order by 1, 2",
        [employee_id, period],
    ).fetchall()
    known = ", ".join(f"{e} {p}" for e, p in lines) or "none"
    raise TraceError(
        f"no payout line for {employee_id} in {period_type} {period}; "
        f"lines for that employee or period: {known}"
    )


def _target_source(
    con: duckdb.DuckDBPyConnection, schema: str, target_id: str | None, version: int | None
) -> dict[str, Any] | None:
    table = f"{schema}.fct_target_history"
    if target_id is None or not relation_exists(con, table):
        return None
    rows = _dicts(
        con.execute(
            "select approved_at, approved_by, reason, source_file_path, source_file_sha256, "
            f"source_line_number, load_id from {table} where target_id = ? and version = ?",
            [target_id, version],
        )
    )
    return rows[0] if rows else None


def trace_payout(
    con: duckdb.DuckDBPyConnection,
    *,
    payout_id: str | None = None,
    employee_id: str | None = None,
    period: str | None = None,
    period_type: str | None = None,
    live_only: bool = False,
) -> PayoutTrace:
    """A payout line: its components, each scorecard line (target id and version, tier, points)
    and the trace of each KPI it scores and of the gate KPI, with the checks that they add up."""
    row, basis, prefix = _payout_row(
        con,
        payout_id=payout_id,
        employee_id=employee_id,
        period=period,
        period_type=period_type,
        live_only=live_only,
    )
    _, live_schema = live_basis(con)
    scorecards = f"{prefix}scorecards" if prefix == "payroll.frozen_" else f"{prefix}fct_scorecards"
    params: list[Any] = [row["employee_id"], row["role"], row["period_type"], row["period"]]
    where = "employee_id = ? and role = ? and period_type = ? and period = ?"
    if basis.kind == "frozen":
        where += " and batch_id = ?"
        params.append(basis.batch_id)
    score_rows = _dicts(
        con.execute(f"select * from {scorecards} where {where} order by position", params)
    )

    def kpi(code: str) -> KpiTrace:
        return trace_kpi(
            con,
            entity_id=row["employee_id"],
            period=row["period"],
            period_type=row["period_type"],
            kpi_code=code,
            role=row["role"],
            live_only=live_only,
        )

    lines = tuple(
        ScorecardLine(
            kpi_code=s["kpi_code"],
            position=s["position"],
            is_primary=s["is_primary"],
            weight_percent=s["weight_percent"],
            actual_value=s["actual_value"],
            target_id=s["target_id"],
            target_version=s["target_version"],
            base_value=s["base_value"],
            challenge_value=s["challenge_value"],
            stretch_value=s["stretch_value"],
            attainment=s["attainment"],
            tier=s["tier"],
            capped_attainment=s["capped_attainment"],
            weighted_points=s["weighted_points"],
            target_source=_target_source(con, live_schema, s["target_id"], s["target_version"]),
            kpi=kpi(s["kpi_code"]) if s["kpi_value_id"] is not None else None,
        )
        for s in score_rows
    )
    gate_kpi = kpi("collection_rate") if row.get("collection_gate_threshold") is not None else None
    checks = [
        Check(
            "weighted score = Σ weighted points",
            row["weighted_score"],
            sum((line.weighted_points for line in lines), Decimal(0)),
        ),
        Check(
            "performance pay = base × weighted score ÷ 100 (half-up to the cent; 0 if gated or "
            "no tier)",
            row["performance_pay_amount"],
            trace_rules.performance_pay(
                row["performance_pay_base_amount"],
                row["weighted_score"],
                primary_tier=row["primary_tier"],
                is_gated=row["is_gated"],
            ),
        ),
        Check(
            "payout = performance pay + tier bonus + adjustments",
            row["payout_amount"],
            row["performance_pay_amount"] + row["tier_bonus_amount"] + row["adjustments_amount"],
        ),
    ]
    for line in lines:
        if line.kpi is not None:
            checks.append(
                Check(f"{line.kpi_code}: actual = KPI value", line.actual_value, line.kpi.value)
            )
    if gate_kpi is not None:
        checks.append(Check("collection rate = KPI value", row["collection_rate"], gate_kpi.value))
        threshold = row["collection_gate_threshold"]
        rate = row["collection_rate"]
        checks.append(
            Check(
                f"gated = collection rate < {threshold}",
                row["is_gated"],
                rate is not None and rate < threshold,
            )
        )
    return PayoutTrace(
        payout_id=row["payout_id"],
        employee_id=row["employee_id"],
        payroll_id=row.get("payroll_id"),
        role=row["role"],
        period_type=row["period_type"],
        period=row["period"],
        plan_version=row["plan_version"],
        performance_pay_base_amount=row["performance_pay_base_amount"],
        weighted_score=row["weighted_score"],
        primary_kpi_code=row["primary_kpi_code"],
        primary_tier=row["primary_tier"],
        collection_rate=row["collection_rate"],
        collection_gate_threshold=row["collection_gate_threshold"],
        is_gated=row["is_gated"],
        performance_pay_amount=row["performance_pay_amount"],
        tier_bonus_amount=row["tier_bonus_amount"],
        adjustments_amount=row["adjustments_amount"],
        payout_amount=row["payout_amount"],
        basis=basis,
        lines=lines,
        gate_kpi=gate_kpi,
        checks=tuple(checks),
    )


# ---------------------------------------------------------------------------------------------
# freezing a payout period's trail (called by the payroll export, inside its transaction)
# ---------------------------------------------------------------------------------------------


def _create_frozen_contributions(con: duckdb.DuckDBPyConnection) -> None:
    columns = ", ".join(f"{name} {sql_type}" for name, sql_type in ROW_COLUMNS)
    con.execute("create schema if not exists payroll")
    con.execute(
        f"create table if not exists {FROZEN_CONTRIBUTIONS} (batch_id varchar not null, {columns})"
    )


def freeze_contributions(
    con: duckdb.DuckDBPyConnection,
    *,
    batch_id: str,
    period_type: str,
    period: str,
    verify: bool = True,
) -> int:
    """Store the contributing rows of every KPI value of a payout period — the period and every
    period inside it (a quarter and its months) — in `payroll.frozen_contributions` under
    `batch_id`; returns the number of rows stored. Runs in the caller's transaction.

    With `verify`, every KPI value the batch froze in `payroll.frozen_kpi_values` must reconcile
    with the rows stored, or TraceError is raised (the caller's transaction then rolls back):
    payroll never exports a number its trail does not explain.
    """
    periods = con.execute(
        "select inner_periods.period_type, inner_periods.period "
        "from intermediate.int_periods as inner_periods "
        "inner join intermediate.int_periods as payout_period "
        "on inner_periods.period_start_date >= payout_period.period_start_date "
        "and inner_periods.period_end_date <= payout_period.period_end_date "
        "where payout_period.period_type = ? and payout_period.period = ?",
        [period_type, period],
    ).fetchall()
    if not periods:
        raise TraceError(f"unknown payout period {period_type} {period!r}")
    _create_frozen_contributions(con)
    con.execute(f"delete from {FROZEN_CONTRIBUTIONS} where batch_id = ?", [batch_id])
    period_filter = " or ".join("(c.period_type = ? and c.period = ?)" for _ in periods)
    selected = [
        "c.source_file_path"
        if name == "source_file_path"
        else f"m.{name}"
        if name in ("source", "file_sha256", "extract_date")
        else "m.entity"
        if name == "source_entity"
        else f"c.{name}"
        for name in _ROW_NAMES
    ]
    con.execute(
        f"insert into {FROZEN_CONTRIBUTIONS} (batch_id, {', '.join(_ROW_NAMES)}) "
        f"select ?, {', '.join(selected)} from {CONTRIBUTIONS_VIEW} as c "
        "left join meta.load_manifest as m on c.load_id = m.load_id "
        f"where {period_filter}",
        [batch_id, *(value for pair in periods for value in pair)],
    )
    (count,) = con.execute(
        f"select count(*) from {FROZEN_CONTRIBUTIONS} where batch_id = ?", [batch_id]
    ).fetchone()
    if verify:
        mismatches = unreconciled_frozen_values(con, batch_id=batch_id)
        if mismatches:
            shown = "; ".join(mismatches[:5])
            raise TraceError(
                f"batch {batch_id}: {len(mismatches)} frozen KPI values do not reconcile with "
                f"their contributing rows (was the warehouse rebuilt after the publication?): {shown}"
            )
    return int(count)


def unreconciled_frozen_values(con: duckdb.DuckDBPyConnection, *, batch_id: str) -> list[str]:
    """The frozen KPI values of a batch whose frozen rows do not add up to them (empty: all do)."""
    if not relation_exists(con, "payroll.frozen_kpi_values"):
        return []
    rows = con.execute(
        f"""
        with sides as (
            select
                kpi_value_id,
                sum(contribution) filter (where side = 'numerator') as numerator_total,
                max(contribution_divisor) filter (where side = 'numerator') as numerator_divisor,
                sum(contribution) filter (where side = 'denominator') as denominator_total
            from {FROZEN_CONTRIBUTIONS}
            where batch_id = ?
            group by kpi_value_id
        )
        select f.kpi_value_id, f.entity_type, f.entity_id, f.role, f.period, f.kpi_code,
            f.is_ratio, f.numerator, f.denominator, f.value,
            s.numerator_total, s.numerator_divisor, s.denominator_total
        from payroll.frozen_kpi_values as f
        left join sides as s on f.kpi_value_id = s.kpi_value_id
        where f.batch_id = ?
        """,
        [batch_id, batch_id],
    ).fetchall()
    mismatches = []
    for _, e_type, e_id, role, period, code, is_ratio, num, den, value, n_tot, n_div, d_tot in rows:
        numerator = trace_rules.side_total([n_tot or Decimal(0)], n_div or 1)
        denominator = trace_rules.side_total([d_tot or Decimal(0)]) if is_ratio else None
        recomputed = trace_rules.kpi_value(numerator, denominator, is_ratio=is_ratio)
        if not (
            trace_rules.same_amount(numerator, num)
            and trace_rules.same_amount(denominator, den)
            and trace_rules.same_amount(recomputed, value)
        ):
            mismatches.append(
                f"{e_type} {e_id} {role} {period} {code}: frozen {num}/{den}={value}, "
                f"rows {numerator}/{denominator}={recomputed}"
            )
    return mismatches
