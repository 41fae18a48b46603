"""`kpiwh payroll …` and `kpiwh statement`: the payout period lifecycle and what payroll receives.

kpiwh payroll periods [--refresh]                    every payout period and its status
kpiwh payroll history --period 2025-Q3               who moved the period when, and why
kpiwh payroll show --period 2025-Q3                  the lines its payroll file would hold now
kpiwh payroll approve --period 2025-Q3 --by NAME [--note TEXT]
kpiwh payroll reopen  --period 2025-Q3 --by NAME --note TEXT   (approved → calculated)
kpiwh payroll export  --period 2025-Q3 --by NAME [--redeliver]
kpiwh payroll close   --period 2025-Q3 --by NAME [--note TEXT]
kpiwh payroll adjust  --employee E --period P --amount -300.50 --reason TEXT --by NAME
kpiwh payroll adjustment approve|reject ID --by NAME
kpiwh payroll adjustments [--period P] [--sources]
kpiwh statement --employee E --period P [--json] [--out FILE]
kpiwh statement --period P --all                     one file per employee under the export dir
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from orchestration.settings import Settings


def add_commands(commands: argparse._SubParsersAction) -> None:
    payroll = commands.add_parser("payroll", help="payout periods: approve, export, close, adjust")
    actions = payroll.add_subparsers(dest="payroll_command", required=True)

    periods = actions.add_parser("periods", help="every payout period and its status")
    periods.add_argument(
        "--refresh",
        action="store_true",
        help="register published periods and recompute late-data adjustments now",
    )
    periods.set_defaults(handler=_periods)

    history = actions.add_parser("history", help="a period's status changes")
    history.add_argument("--period", required=True)
    history.set_defaults(handler=_history)

    show = actions.add_parser("show", help="the lines a period's payroll file would hold now")
    show.add_argument("--period", required=True)
    show.set_defaults(handler=_show)

    for name, help_text in (
        ("approve", "approve a calculated period's numbers (pins them)"),
        ("reopen", "withdraw an approval (approved → calculated)"),
        ("export", "freeze an approved period and write its payroll file"),
        ("close", "close an exported period once its file is verified"),
    ):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("--period", required=True, help="payout period, e.g. 2025-Q3")
        action.add_argument("--by", required=True, help="who does it (recorded)")
        action.add_argument("--note", help="why (recorded)", required=name == "reopen")
        if name == "export":
            action.add_argument(
                "--redeliver",
                action="store_true",
                help="write an exported period's frozen file again even if numbers changed since",
            )
        action.set_defaults(handler=_transition, payroll_action=name)

    adjust = actions.add_parser("adjust", help="record a manual adjustment (pending approval)")
    adjust.add_argument("--employee", required=True)
    adjust.add_argument("--period", required=True, help="open payout period it is paid in")
    adjust.add_argument("--amount", required=True, help="e.g. 1200.00 or -300.50")
    adjust.add_argument("--reason", required=True)
    adjust.add_argument("--by", required=True, help="author (recorded)")
    adjust.set_defaults(handler=_adjust)

    decide = actions.add_parser("adjustment", help="approve or reject a manual adjustment")
    decide.add_argument("decision", choices=["approve", "reject"])
    decide.add_argument("adjustment_id")
    decide.add_argument("--by", required=True, help="approver, not the author (recorded)")
    decide.set_defaults(handler=_decide)

    listing = actions.add_parser("adjustments", help="adjustment lines with reasons")
    listing.add_argument("--period")
    listing.add_argument("--sources", action="store_true", help="list the causing source rows")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_adjustments)

    statement = commands.add_parser("statement", help="an employee's statement for a period")
    statement.add_argument("--period", required=True)
    statement.add_argument("--employee")
    statement.add_argument("--all", action="store_true", help="every employee, one file each")
    statement.add_argument("--json", action="store_true")
    statement.add_argument("--out", type=Path, help="file (default: print)")
    statement.set_defaults(handler=_statement)


def currency(settings: Settings) -> str:
    return settings.payroll_currency


def export_dir(settings: Settings) -> Path:
    return settings.export_dir


def _connect(settings: Settings, *, read_only: bool):
    from ingestion.warehouse import connect

    if not settings.duckdb_path.exists():
        raise SystemExit(f"no warehouse yet at {settings.duckdb_path}: run `kpiwh run` first")
    return connect(
        settings.duckdb_path,
        threads=settings.duckdb_threads,
        memory_limit=settings.duckdb_memory_limit,
        read_only=read_only,
    )


def _refused(error: Exception) -> int:
    print(f"refused: {error}", file=sys.stderr)
    return 2


def _periods(args: argparse.Namespace, settings: Settings) -> int:
    from exports.payroll.adjustments import compute_late_data_adjustments
    from exports.payroll.lifecycle import list_periods, sync_periods

    con = _connect(settings, read_only=not args.refresh)
    try:
        if args.refresh:
            for period, before, after in sync_periods(con):
                print(f"{period}: {before or 'new'} → {after}")
            for change in compute_late_data_adjustments(con):
                print(
                    f"late data {change.source_period} {change.employee_id}: "
                    f"{change.amount} in {change.period or '(withdrawn)'}"
                )
        states = list_periods(con)
    finally:
        con.close()
    if not states:
        print("no payout periods yet (they appear after a nightly run publishes payouts)")
    for s in states:
        batch = f"  batch {s.batch_id}" if s.batch_id else ""
        print(
            f"{s.period:<9} {s.period_type:<8} {s.status:<10} "
            f"{s.updated_at:%Y-%m-%d %H:%M} by {s.updated_by}{batch}"
        )
    return 0


def _history(args: argparse.Namespace, settings: Settings) -> int:
    from exports.payroll.lifecycle import period_events

    con = _connect(settings, read_only=True)
    try:
        events = period_events(con, args.period)
    finally:
        con.close()
    for _, before, after, actor, at, note, publication_id in events:
        publication = f" (publication {publication_id})" if publication_id else ""
        print(f"{at:%Y-%m-%d %H:%M}  {before or '':>10} → {after:<10} {actor}{publication}", end="")
        print(f"  {note}" if note else "")
    return 0


def _show(args: argparse.Namespace, settings: Settings) -> int:
    from exports.payroll.labels import period_type_of
    from exports.payroll.lines import PayrollDataError, control_total, money, period_lines

    con = _connect(settings, read_only=True)
    try:
        lines = period_lines(con, period_type_of(args.period), args.period, currency(settings))
    except PayrollDataError as error:
        return _refused(error)
    finally:
        con.close()
    for line in lines:
        print(
            f"{line.payroll_id:<10} {line.employee_id:<8} {line.employee_name:<10} "
            f"{line.component:<34} {money(line.amount):>14} {line.currency}"
        )
    print(f"{len(lines)} lines, total {money(control_total(lines))}")
    return 0


def _transition(args: argparse.Namespace, settings: Settings) -> int:
    from exports.payroll.lifecycle import LifecycleError, approve_period, reopen_period
    from exports.payroll.lines import PayrollDataError, money
    from exports.payroll.payout_file import ExportRefused, close_period, export_period

    con = _connect(settings, read_only=False)
    try:
        if args.payroll_action == "approve":
            approval = approve_period(
                con, args.period, actor=args.by, currency=currency(settings), note=args.note
            )
            print(
                f"{args.period} approved by {args.by}: {approval.line_count} lines, total "
                f"{money(approval.control_total)} (publication {approval.publication_id})"
            )
            for alert in approval.holds:
                print(f"  hold: {alert.alert_id} {alert.kind} {alert.employee_id}: {alert.message}")
            if approval.holds:
                print("  export stays refused until these are acknowledged (kpiwh alerts)")
        elif args.payroll_action == "reopen":
            reopen_period(con, args.period, actor=args.by, note=args.note)
            print(f"{args.period} reopened by {args.by}: calculated again")
        elif args.payroll_action == "export":
            result = export_period(
                con,
                args.period,
                actor=args.by,
                export_dir=export_dir(settings),
                currency=currency(settings),
                redeliver=args.redeliver,
            )
            print(
                f"{args.period} batch {result.batch_id} {result.outcome}: {result.row_count} "
                f"lines, total {money(result.control_total)}, sha256 {result.sha256}\n"
                f"  {result.files.data_path}\n  {result.files.manifest_path}"
            )
        else:
            close_period(
                con, args.period, actor=args.by, export_dir=export_dir(settings), note=args.note
            )
            print(f"{args.period} closed by {args.by}")
    except (LifecycleError, ExportRefused, PayrollDataError, ValueError) as error:
        return _refused(error)
    finally:
        con.close()
    return 0


def _adjust(args: argparse.Namespace, settings: Settings) -> int:
    from exports.payroll.adjustments import (
        AdjustmentError,
        create_manual_adjustment,
        parse_amount,
    )
    from exports.payroll.lifecycle import LifecycleError

    con = _connect(settings, read_only=False)
    try:
        adjustment_id = create_manual_adjustment(
            con,
            employee_id=args.employee,
            period=args.period,
            amount=parse_amount(args.amount),
            reason=args.reason,
            author=args.by,
        )
    except (AdjustmentError, LifecycleError) as error:
        return _refused(error)
    finally:
        con.close()
    print(
        f"{adjustment_id} recorded (pending): someone else approves it with "
        f"kpiwh payroll adjustment approve {adjustment_id} --by NAME"
    )
    return 0


def _decide(args: argparse.Namespace, settings: Settings) -> int:
    from exports.payroll.adjustments import AdjustmentError, decide_manual_adjustment
    from exports.payroll.lifecycle import LifecycleError

    con = _connect(settings, read_only=False)
    try:
        decide_manual_adjustment(
            con, args.adjustment_id, approver=args.by, approve=args.decision == "approve"
        )
    except (AdjustmentError, LifecycleError) as error:
        return _refused(error)
    finally:
        con.close()
    print(f"{args.adjustment_id} {args.decision}d by {args.by}")
    return 0


def _adjustments(args: argparse.Namespace, settings: Settings) -> int:
    from exports.payroll.adjustments import list_adjustments, source_rows

    con = _connect(settings, read_only=True)
    try:
        rows = list_adjustments(con, args.period)
        sources = {r["adjustment_id"]: source_rows(con, r["adjustment_id"]) for r in rows}
    finally:
        con.close()
    if args.json:
        for row in rows:
            row["source_rows"] = sources[row["adjustment_id"]] if args.sources else None
        print(json.dumps(rows, default=str, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        exported = f" exported in {row['exported_batch_id']}" if row["exported_batch_id"] else ""
        print(
            f"{row['adjustment_id']:<32} {row['period']:<8} {row['employee_id']:<8} "
            f"{row['amount']:>12} {row['status']:<10}{exported}\n    {row['reason']}"
        )
        if args.sources:
            for model, key, date, amount, path, line, load_id in sources[row["adjustment_id"]]:
                print(f"    ← {model} {key} {date} {amount} {path}:{line} (load {load_id})")
    return 0


def _statement(args: argparse.Namespace, settings: Settings) -> int:
    from exports.payroll.labels import period_type_of
    from exports.payroll.payout_file import write_atomically
    from exports.payroll.statements import StatementError, build_statement, render_markdown

    if not args.all and not args.employee:
        return _refused(ValueError("give --employee E, or --all for every employee"))
    code = currency(settings)
    con = _connect(settings, read_only=True)
    try:
        if args.all:
            employees = [
                e
                for (e,) in con.execute(
                    "select distinct employee_id from published.fct_payouts "
                    "where period_type = ? and period = ? order by 1",
                    [period_type_of(args.period), args.period],
                ).fetchall()
            ]
        else:
            employees = [args.employee]
        rendered: dict[str, str] = {}
        for employee_id in employees:
            statement = build_statement(con, employee_id, args.period, currency=code)
            rendered[employee_id] = (
                json.dumps(statement.to_dict(), default=str, ensure_ascii=False, indent=2) + "\n"
                if args.json
                else render_markdown(statement, code)
            )
    except (StatementError, ValueError) as error:
        return _refused(error)
    finally:
        con.close()
    if args.all:
        folder = args.out or export_dir(settings) / "statements" / args.period
        suffix = "json" if args.json else "md"
        for employee_id, text in rendered.items():
            write_atomically(folder / f"{employee_id}.{suffix}", text.encode("utf-8"))
        print(f"{len(rendered)} statements written to {folder}")
    elif args.out:
        write_atomically(args.out, rendered[args.employee].encode("utf-8"))
        print(f"statement written to {args.out}")
    else:
        print(rendered[args.employee], end="")
    return 0
