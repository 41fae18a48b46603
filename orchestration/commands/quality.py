"""`kpiwh report` and `kpiwh alerts`: the quality report on demand, and the anomaly alerts.

kpiwh report [--out FILE]                   validate now, write the HTML report
kpiwh alerts list [--period P] [--kind K]   current alerts (--all: also older ones)
kpiwh alerts holds --period 2025-Q3         what holds that period's payroll export
kpiwh alerts detect                         scan the current publication again
kpiwh alerts acknowledge ID --decision accepted --by NAME --reason TEXT
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from pathlib import Path

from orchestration.settings import Settings


def add_commands(commands: argparse._SubParsersAction) -> None:
    report = commands.add_parser(
        "report", help="the HTML quality report of the latest nightly run (--now: validate now)"
    )
    report.add_argument(
        "--out", type=Path, help="HTML file (default $KPIWH_HOME/quality_report.html)"
    )
    report.add_argument("--run-id", help="a recorded nightly run (default: the latest recorded)")
    report.add_argument(
        "--now", action="store_true", help="validate the warehouse now instead of showing a run"
    )
    report.add_argument("--layer", action="append", choices=["raw", "definitions", "marts"])
    report.set_defaults(handler=_report)

    alerts = commands.add_parser("alerts", help="anomaly alerts and the payroll holds they cause")
    actions = alerts.add_subparsers(dest="alerts_command", required=True)

    listing = actions.add_parser("list", help="current alerts with their decisions")
    listing.add_argument("--period", help="e.g. 2026-10 or 2025-Q3")
    listing.add_argument("--kind", help="order_amount_outlier, kpi_swing, funnel_stage_skip, …")
    listing.add_argument("--all", action="store_true", help="also alerts no longer detected")
    listing.add_argument("--open", action="store_true", help="only alerts not accepted")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)

    holds = actions.add_parser("holds", help="what holds a payout period's payroll export")
    holds.add_argument("--period", required=True, help="payout period, e.g. 2025-Q3")
    holds.add_argument("--period-type", default="quarter")
    holds.set_defaults(handler=_holds)

    detect = actions.add_parser("detect", help="scan the current publication for anomalies")
    detect.set_defaults(handler=_detect)

    ack = actions.add_parser("acknowledge", help="record a decision on an alert")
    ack.add_argument("alert_id")
    ack.add_argument("--decision", required=True, choices=["accepted", "disputed"])
    ack.add_argument("--by", required=True, help="who decides (recorded)")
    ack.add_argument("--reason", required=True, help="why (recorded)")
    ack.set_defaults(handler=_acknowledge)


def _connect(settings: Settings, *, read_only: bool):
    from ingestion.warehouse import connect

    if not settings.duckdb_path.exists():
        raise SystemExit(f"no warehouse yet at {settings.duckdb_path}: run `kpiwh run` first")
    return connect(settings.duckdb_path, read_only=read_only)


def _report(args: argparse.Namespace, settings: Settings) -> int:
    from quality.report import build_report

    out = (args.out or settings.home / "quality_report.html").resolve()
    con = _connect(settings, read_only=True)
    try:
        report = build_report(con, out, args.layer, run_id=args.run_id, validate_now=args.now)
    except KeyError as missing:
        print(f"error: {missing.args[0]}", file=sys.stderr)
        return 2
    finally:
        con.close()
    verdict = "passed" if report.passed else "FAILED"
    print(
        f"{out}: {verdict} — {len(report.errors)} failed errors, {len(report.warnings)} failed "
        f"warnings, {len(report.skipped)} skipped"
    )
    return 0 if report.passed else 1


def _list(args: argparse.Namespace, settings: Settings) -> int:
    from quality.anomalies import list_alerts

    con = _connect(settings, read_only=True)
    try:
        alerts = list_alerts(
            con,
            period=args.period,
            kind=args.kind,
            current_only=not args.all,
            open_only=args.open,
        )
    finally:
        con.close()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        **item.alert.to_dict(),
                        "is_holding": item.is_holding,
                        "decision": item.decision,
                        "decided_by": item.decided_by,
                        "reason": item.reason,
                    }
                    for item in alerts
                ],
                ensure_ascii=False,
                default=str,
            )
        )
        return 0
    for item in alerts:
        flag = "HOLD" if item.is_holding else ("    " if item.decision is None else "ok  ")
        decision = f"  [{item.decision} by {item.decided_by}]" if item.decision else ""
        print(f"{flag} {item.alert.alert_id} {item.alert.kind:<21} {item.alert.message}{decision}")
    print(f"{len(alerts)} alerts, {sum(a.is_holding for a in alerts)} holding payroll")
    return 0


def _holds(args: argparse.Namespace, settings: Settings) -> int:
    from quality.anomalies import payroll_holds

    con = _connect(settings, read_only=True)
    try:
        holds = payroll_holds(con, args.period_type, args.period)
    finally:
        con.close()
    if not holds:
        print(f"{args.period}: no anomaly holds the payroll export")
        return 0
    print(f"{args.period}: the payroll export is held by {len(holds)} alert(s):")
    for alert in holds:
        print(f"  {alert.alert_id} {alert.kind}: {alert.message}")
    print(
        "Acknowledge each with `kpiwh alerts acknowledge ID --decision accepted --by … --reason …`"
    )
    return 1


def _detect(args: argparse.Namespace, settings: Settings) -> int:
    from quality.anomalies import AnomalyConfig, detect_anomalies, record_anomalies

    config = AnomalyConfig.load(settings.quality_config)
    con = _connect(settings, read_only=False)
    try:
        run = record_anomalies(con, detect_anomalies(con, config), f"manual-{uuid.uuid4()}")
    finally:
        con.close()
    print(
        f"{len(run.alerts)} alerts on publication {run.publication_id}: {json.dumps(run.counts())}"
    )
    return 0


def _acknowledge(args: argparse.Namespace, settings: Settings) -> int:
    from quality.anomalies import acknowledge

    con = _connect(settings, read_only=False)
    try:
        stored = acknowledge(
            con, args.alert_id, decision=args.decision, decided_by=args.by, reason=args.reason
        )
    except (KeyError, ValueError) as problem:
        print(f"error: {problem.args[0]}", file=sys.stderr)
        return 2
    finally:
        con.close()
    state = "no longer holds payroll" if not stored.is_holding else "still holds payroll"
    print(f"{stored.alert.alert_id} {args.decision} by {args.by}: {state}")
    return 0
