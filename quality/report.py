"""An on-demand HTML validation report (not part of the nightly run).

GX Data Docs need a file-backed context, stored validation results and checkpoints; our checks
validate throw-away frames in an ephemeral context, so the report is a self-contained page built
from the ValidationReport instead: every check with its layer, severity, result, observed value
and failing examples.

    kpiwh report                     # = python -m quality.report --warehouse … --out …

The page also lists the current anomaly alerts (with their decisions) and the recent nightly
validations from `meta.validation_history`.
"""

from __future__ import annotations

import argparse
import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ingestion.warehouse import relation_exists
from quality.anomalies import StoredAlert
from quality.core import CheckResult, ValidationReport, jsonable
from quality.history import HISTORY_TABLE

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
h1 { margin-bottom: 0.2rem; }
.summary { margin: 1rem 0 2rem; }
table { border-collapse: collapse; margin: 0.4rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
.status { font-weight: bold; padding: 0.1rem 0.5rem; border-radius: 0.3rem; }
.passed { background: #d9f2d9; } .failed.error { background: #f8c9c9; }
.failed.warning { background: #fbe7b5; } .skipped { background: #e4e4e4; }
section { border-top: 1px solid #ddd; padding-top: 0.5rem; }
code { background: #f6f6f6; }
"""


def _cell(value: Any) -> str:
    plain = jsonable(value)
    return "<td>" + ("<i>null</i>" if plain is None else html.escape(str(plain))) + "</td>"


def _examples_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    columns: list[str] = []
    for row in rows:
        columns.extend(c for c in row if c not in columns)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(_cell(row.get(c)) for c in columns) + "</tr>" for row in rows)
    return f'<table class="examples"><tr>{head}</tr>{body}</table>'


def _section(result: CheckResult) -> str:
    css = f"status {result.status} {result.severity}"
    more = ""
    if result.failing_count > len(result.failing_examples):
        more = (
            f"<p>Showing {len(result.failing_examples)} of {result.failing_count} failing rows.</p>"
        )
    return (
        f'<section id="{html.escape(result.name)}">'
        f"<h3><code>{html.escape(result.name)}</code> "
        f'<span class="{css}">{html.escape(result.status)}</span></h3>'
        f"<p>Layer <b>{html.escape(result.layer)}</b>, severity "
        f"<b>{html.escape(result.severity)}</b>. {html.escape(result.description)}</p>"
        f"<p>Observed: <b>{html.escape(result.observed)}</b></p>"
        f"{more}{_examples_table(result.failing_examples)}</section>"
    )


def _alerts_section(alerts: Sequence[StoredAlert]) -> str:
    if not alerts:
        return "<section><h2>Anomaly alerts</h2><p>No current alerts.</p></section>"
    rows = "".join(
        "<tr>"
        + "".join(
            _cell(v)
            for v in (
                item.alert.alert_id,
                item.alert.kind,
                item.alert.period,
                item.alert.employee_id,
                "holds payroll"
                if item.is_holding
                else ("payout" if item.alert.holds_payroll else ""),
                item.alert.message,
                f"{item.decision} by {item.decided_by}: {item.reason}" if item.decision else None,
            )
        )
        + "</tr>"
        for item in alerts
    )
    holding = sum(item.is_holding for item in alerts)
    return (
        f"<section><h2>Anomaly alerts</h2><p>{len(alerts)} current alerts, {holding} holding "
        "payroll exports until acknowledged.</p><table><tr><th>alert</th><th>kind</th>"
        "<th>period</th><th>employee</th><th>payroll</th><th>message</th><th>decision</th></tr>"
        f"{rows}</table></section>"
    )


def _runs_section(runs: Sequence[Mapping[str, Any]]) -> str:
    if not runs:
        return ""
    rows = "".join(
        "<tr>"
        + "".join(
            _cell(run[k])
            for k in ("run_id", "validated_at", "checks", "errors_failed", "warnings_failed")
        )
        + "</tr>"
        for run in runs
    )
    return (
        "<section><h2>Recent nightly validations</h2><table><tr><th>run</th><th>validated at</th>"
        "<th>checks</th><th>failed errors</th><th>failed warnings</th></tr>"
        f"{rows}</table></section>"
    )


def run_summaries(con: Any, limit: int = 20) -> list[dict[str, Any]]:
    """The latest recorded validations, newest first: failed errors and warnings per run."""
    rows = con.execute(
        f"""select run_id, max(validated_at) as validated_at, count(*) as checks,
            count(*) filter (where severity = 'error' and not success) as errors_failed,
            count(*) filter (where severity = 'warning' and not success) as warnings_failed
        from {HISTORY_TABLE} group by run_id order by validated_at desc limit ?""",
        [limit],
    ).fetchall()
    keys = ("run_id", "validated_at", "checks", "errors_failed", "warnings_failed")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def render_html(
    report: ValidationReport,
    title: str = "Data quality validation report",
    *,
    alerts: Sequence[StoredAlert] = (),
    runs: Sequence[Mapping[str, Any]] = (),
) -> str:
    verdict = "PASSED: publishing allowed" if report.passed else "FAILED: publishing blocked"
    overview = "".join(
        f'<tr><td><a href="#{html.escape(r.name)}">{html.escape(r.name)}</a></td>'
        f"<td>{html.escape(r.layer)}</td><td>{html.escape(r.severity)}</td>"
        f'<td><span class="status {r.status} {r.severity}">{html.escape(r.status)}</span></td>'
        f"<td>{html.escape(r.observed)}</td></tr>"
        for r in report.results
    )
    sections = "".join(_section(r) for r in report.results)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>{_STYLE}</style></head><body>
<h1>{html.escape(title)}</h1>
<p>Validated {html.escape(report.started_at.isoformat())} – {html.escape(report.finished_at.isoformat())} (UTC)</p>
<div class="summary"><b>{verdict}</b> — {len(report.results)} checks, {len(report.errors)} errors,
{len(report.warnings)} warnings, {len(report.skipped)} skipped.</div>
<table><tr><th>check</th><th>layer</th><th>severity</th><th>result</th><th>observed</th></tr>
{overview}</table>
{_alerts_section(alerts)}
{_runs_section(runs)}
<h2>Checks</h2>
{sections}
</body></html>
"""


def write_html_report(
    report: ValidationReport,
    path: Path | str,
    *,
    title: str = "Data quality validation report",
    alerts: Sequence[StoredAlert] = (),
    runs: Sequence[Mapping[str, Any]] = (),
) -> Path:
    """Write the report as one self-contained HTML file (parent folders created)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report, title, alerts=alerts, runs=runs), encoding="utf-8")
    return path


def build_report(
    con: Any,
    out: Path | str,
    layers: Sequence[str] | None = None,
    *,
    run_id: str | None = None,
    validate_now: bool = False,
) -> ValidationReport:
    """Write the page for a recorded run (default: the latest) or for a validation run now.

    A recorded run shows what that night saw (its quarantined rows, rejected files, …) — the checks
    of loads already published report nothing when run again. With no run recorded yet, or with
    `validate_now`, the warehouse is validated now (read-only). Either way the page also lists the
    current anomaly alerts and the recent runs.
    """
    from quality.anomalies import list_alerts
    from quality.history import latest_run_id, report_from_history
    from quality.runner import run_checks

    has_history = relation_exists(con, HISTORY_TABLE)
    run_id = run_id or (latest_run_id(con) if has_history and not validate_now else None)
    if run_id is not None and not validate_now:
        report = report_from_history(con, run_id)
        title = f"Data quality validation report — run {run_id}"
    else:
        report = run_checks(con, list(layers) if layers else None)
        title = "Data quality validation report — validated now"
    alerts = list_alerts(con) if relation_exists(con, "meta.anomaly_alerts") else []
    runs = run_summaries(con) if has_history else []
    write_html_report(report, out, title=title, alerts=alerts, runs=runs)
    return report


def main(argv: list[str] | None = None) -> int:
    """Validate a warehouse file read-only and write the HTML report; exit 1 on errors."""
    import duckdb

    parser = argparse.ArgumentParser(prog="python -m quality.report", description=main.__doc__)
    parser.add_argument("--warehouse", required=True, help="DuckDB warehouse file")
    parser.add_argument("--out", required=True, help="HTML file to write")
    parser.add_argument("--layer", action="append", choices=["raw", "definitions", "marts"])
    args = parser.parse_args(argv)
    con = duckdb.connect(args.warehouse, read_only=True)
    try:
        report = build_report(con, args.out, args.layer, validate_now=True)
    finally:
        con.close()
    print(f"{args.out}: {len(report.errors)} errors, {len(report.warnings)} warnings")
    return 0 if report.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
