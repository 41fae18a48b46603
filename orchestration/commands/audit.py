"""`kpiwh trace`: the audit trail of a KPI value or a payout line (exports/trace.py).

    kpiwh trace --employee DS1 --period 2026-03 --kpi revenue
    kpiwh trace --team T1 --period 2026-Q1 --kpi team_revenue
    kpiwh trace --payout <payout_id>        or   --employee DS1 --period 2026-Q1 --payout
    kpiwh trace --verify [--period 2026-Q1] every KPI value's rows add up to it (exit 1 if not)

`--json` prints the whole trace as JSON (every row, whatever `--limit`); `--limit N` shows the
first N rows of each side in text, while the totals always add up all rows. `--live` ignores a
payroll batch and traces today's published numbers.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
from decimal import Decimal
from typing import Any

from orchestration.settings import Settings


def add_commands(commands: argparse._SubParsersAction) -> None:
    trace = commands.add_parser(
        "trace",
        help="trace a KPI value or payout line to its source rows, files and loads",
        description=__doc__.split("\n\n")[0],
    )
    who = trace.add_mutually_exclusive_group()
    who.add_argument("--employee", help="employee id")
    who.add_argument("--team", help="team id")
    trace.add_argument("--period", help="2026-03, 2026-Q1 or 2026")
    trace.add_argument("--period-type", choices=["month", "quarter", "year"])
    trace.add_argument("--kpi", help="KPI code, e.g. revenue")
    trace.add_argument("--role", help="role, when the entity held several in the period")
    trace.add_argument(
        "--payout",
        nargs="?",
        const="",
        metavar="PAYOUT_ID",
        help="trace a payout line: its id, or with --employee and --period",
    )
    trace.add_argument("--verify", action="store_true", help="check every KPI value's trail")
    trace.add_argument("--live", action="store_true", help="today's numbers, not a payroll batch")
    trace.add_argument("--limit", type=int, default=50, help="rows shown per side (default 50)")
    trace.add_argument("--json", action="store_true", help="print the trace as JSON")
    trace.set_defaults(handler=_trace)


def _trace(args: argparse.Namespace, settings: Settings) -> int:
    from exports.trace import TraceError, trace_all_values, trace_kpi, trace_payout
    from ingestion.warehouse import connect

    if not settings.duckdb_path.exists():
        print(f"no warehouse yet at {settings.duckdb_path}")
        return 2
    con = connect(settings.duckdb_path, read_only=True)
    try:
        if args.verify:
            traces = trace_all_values(con, period_type=args.period_type, period=args.period)
            return _print_verification(traces, as_json=args.json)
        if args.payout is not None:
            result: Any = trace_payout(
                con,
                payout_id=args.payout or None,
                employee_id=args.employee,
                period=args.period,
                period_type=args.period_type,
                live_only=args.live,
            )
        else:
            entity_id = args.employee or args.team
            if not (entity_id and args.period and args.kpi):
                print("kpiwh trace: give --employee (or --team), --period and --kpi; or --payout")
                return 2
            result = trace_kpi(
                con,
                entity_id=entity_id,
                entity_type="team" if args.team else "employee",
                period=args.period,
                period_type=args.period_type,
                kpi_code=args.kpi,
                role=args.role,
                live_only=args.live,
            )
    except TraceError as error:
        print(f"kpiwh trace: {error}")
        return 2
    finally:
        con.close()
    if args.json:
        print(json.dumps(to_jsonable(result), ensure_ascii=False, indent=2))
    elif args.payout is not None:
        print("\n".join(payout_lines(result, limit=args.limit)))
    else:
        print("\n".join(kpi_lines(result, limit=args.limit)))
    return 0 if result.reconciles else 1


def to_jsonable(value: Any) -> Any:
    """Dataclasses to dicts; Decimals as strings (exact), dates as ISO text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for derived in (
            "reconciles",
            "numerator_from_rows",
            "denominator_from_rows",
            "value_from_rows",
            "holds",
        ):
            if hasattr(type(value), derived):
                out[derived] = to_jsonable(getattr(value, derived))
        return out
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    return value


def _num(value: Decimal | None) -> str:
    if value is None:
        return "null"
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def _row_line(row: Any) -> str:
    where = f"{row.source_file_path}:{row.source_line_number}"
    sha = (row.file_sha256 or "?")[:12]
    return (
        f"    {_num(row.contribution):>16}  {row.record_type} {row.record_id}  {row.event_date}  "
        f"{where}  load {row.load_id}  sha256 {sha}  {row.source}/{row.source_entity}"
        + (f"  — {row.note}" if row.note else "")
    )


def _side_lines(trace: Any, side: str, limit: int) -> list[str]:
    rows = trace.rows_of(side)
    divisor = rows[0].contribution_divisor if rows else 1
    total = trace.numerator_from_rows if side == "numerator" else trace.denominator_from_rows
    how = f"sum of {len(rows)} rows" + (f" ÷ {divisor}" if divisor != 1 else "")
    lines = [f"  {side} = {_num(total)}  ({how})"]
    lines += [_row_line(row) for row in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"    … {len(rows) - limit} more rows (all counted above; --limit, --json)")
    return lines


def kpi_lines(trace: Any, *, limit: int = 50, indent: str = "") -> list[str]:
    name = f" ({trace.name_zh})" if trace.name_zh else ""
    lines = [
        f"{trace.kpi_code}{name} — {trace.entity_type} {trace.entity_id}, {trace.role}, "
        f"{trace.period_type} {trace.period}",
        f"  number: {_num(trace.value)} {trace.unit or ''}   [{trace.basis.describe()}]",
        f"  definition v{trace.definition_version}: {trace.definition or '(no text)'}",
        f"  kpi_value_id {trace.kpi_value_id}",
    ]
    lines += _side_lines(trace, "numerator", limit)
    if trace.is_ratio:
        lines += _side_lines(trace, "denominator", limit)
        lines.append(
            f"  value = {_num(trace.numerator_from_rows)} ÷ {_num(trace.denominator_from_rows)} "
            f"= {_num(trace.value_from_rows)} (half-up, 6 decimals; null when ÷ 0)"
        )
    verdict = "reconciles" if trace.reconciles else "DOES NOT RECONCILE"
    lines.append(
        f"  {verdict}: reported {_num(trace.numerator)} / {_num(trace.denominator)} = "
        f"{_num(trace.value)}; from rows {_num(trace.numerator_from_rows)} / "
        f"{_num(trace.denominator_from_rows)} = {_num(trace.value_from_rows)}"
    )
    if trace.has_unpublished_change:
        lines.append(
            f"  note: the latest build, not published, has {_num(trace.unpublished_build_value)}; "
            "the rows above are that build's (they explain it, not the published number)"
        )
    live = trace.live
    if live is not None:
        lines.append(f"  today [{live.basis.describe()}]: {_num(live.value)}")
        if live.is_unchanged:
            lines.append("    same rows as exported")
        for label, rows in (
            ("rows contributing today, not in the export", live.rows_added),
            ("rows in the export, no longer contributing", live.rows_dropped),
            (
                f"today's rows loaded after load {trace.basis.load_watermark}",
                live.loaded_after_watermark,
            ),
        ):
            if rows:
                lines.append(f"    {label}:")
                lines += ["  " + _row_line(row) for row in rows[:limit]]
    return [indent + line for line in lines]


def payout_lines(trace: Any, *, limit: int = 50) -> list[str]:
    lines = [
        f"payout {trace.payout_id} — {trace.employee_id} (payroll {trace.payroll_id}), "
        f"{trace.role}, {trace.period_type} {trace.period}, plan {trace.plan_version}",
        f"  [{trace.basis.describe()}]",
        f"  performance pay {_num(trace.performance_pay_amount)} = base "
        f"{_num(trace.performance_pay_base_amount)} × weighted score "
        f"{_num(trace.weighted_score)} ÷ 100 (primary {trace.primary_kpi_code}: tier "
        f"{trace.primary_tier or 'none'})",
        f"  tier bonus {_num(trace.tier_bonus_amount)}; adjustments "
        f"{_num(trace.adjustments_amount)}",
        f"  collection gate: rate {_num(trace.collection_rate)} vs threshold "
        f"{_num(trace.collection_gate_threshold)} → {'GATED' if trace.is_gated else 'not gated'}",
        f"  payout {_num(trace.payout_amount)}",
        "  scorecard:",
    ]
    for line in trace.lines:
        target = (
            f"target {line.target_id} v{line.target_version} base/challenge/stretch "
            f"{_num(line.base_value)}/{_num(line.challenge_value)}/{_num(line.stretch_value)}"
            if line.target_id
            else "no target"
        )
        source = line.target_source
        where = (
            f" ({source['source_file_path']}:{source['source_line_number']} load "
            f"{source['load_id']})"
            if source
            else ""
        )
        lines.append(
            f"    {line.position}. {line.kpi_code} weight {_num(line.weight_percent)}%: actual "
            f"{_num(line.actual_value)}, {target}{where}, attainment {_num(line.attainment)}, "
            f"tier {line.tier or '-'}, points {_num(line.weighted_points)}"
        )
    lines.append("  checks:")
    for check in trace.checks:
        mark = "ok " if check.holds else "FAIL"
        reported, recomputed = (
            _num(v) if isinstance(v, Decimal) else str(v)
            for v in (check.reported, check.recomputed)
        )
        lines.append(f"    {mark} {check.label}: {reported} vs {recomputed}")
    kpis = [line.kpi for line in trace.lines if line.kpi is not None]
    if trace.gate_kpi is not None and trace.gate_kpi.kpi_code not in {k.kpi_code for k in kpis}:
        kpis.append(trace.gate_kpi)
    for kpi in kpis:
        lines.append("")
        lines += kpi_lines(kpi, limit=limit, indent="  ")
    return lines


def _print_verification(traces: list[Any], *, as_json: bool) -> int:
    broken = [t for t in traces if not t.reconciles]
    if as_json:
        print(json.dumps({"values": len(traces), "unreconciled": to_jsonable(broken)}))
    else:
        print(f"{len(traces)} KPI values traced, {len(broken)} do not reconcile")
        for t in broken[:50]:
            print(
                f"  {t.entity_type} {t.entity_id} {t.role} {t.period} {t.kpi_code}: reported "
                f"{_num(t.numerator)}/{_num(t.denominator)}={_num(t.value)}, rows "
                f"{_num(t.numerator_from_rows)}/{_num(t.denominator_from_rows)}="
                f"{_num(t.value_from_rows)}"
            )
    return 1 if broken else 0
