"""An on-demand HTML validation report (not part of the nightly run).

GX Data Docs need a file-backed context, stored validation results and checkpoints; our checks
validate throw-away frames in an ephemeral context, so the report is a self-contained page built
from the ValidationReport instead: every check with its layer, severity, result, observed value
and failing examples.

    python -m quality.report --warehouse var/warehouse.duckdb --out var/quality_report.html
"""

from __future__ import annotations

import argparse
import html
from pathlib import Path
from typing import Any

from quality.core import CheckResult, ValidationReport, jsonable

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


def render_html(report: ValidationReport, title: str = "Data quality validation report") -> str:
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
{sections}
</body></html>
"""


def write_html_report(report: ValidationReport, path: Path | str) -> Path:
    """Write the report as one self-contained HTML file (parent folders created)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """Validate a warehouse file read-only and write the HTML report; exit 1 on errors."""
    import duckdb

    from quality.runner import run_checks

    parser = argparse.ArgumentParser(prog="python -m quality.report", description=main.__doc__)
    parser.add_argument("--warehouse", required=True, help="DuckDB warehouse file")
    parser.add_argument("--out", required=True, help="HTML file to write")
    parser.add_argument("--layer", action="append", choices=["raw", "definitions", "marts"])
    args = parser.parse_args(argv)
    con = duckdb.connect(args.warehouse, read_only=True)
    try:
        report = run_checks(con, args.layer)
    finally:
        con.close()
    out = write_html_report(report, args.out)
    print(f"{out}: {len(report.errors)} errors, {len(report.warnings)} warnings")
    return 0 if report.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
