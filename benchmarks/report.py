"""Targets of issue 6, and the results block of one scale in `docs/benchmarks.md`.

The document is hand-written except for one block per scale between the markers
`<!-- bench:<scale>:begin -->` and `<!-- bench:<scale>:end -->`, which `kpiwh bench` replaces
(a new scale's block goes before `<!-- bench:insert -->`, else at the end).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchmarks.dbt_nodes import describe

GB = 10**9
INSERT_MARKER = "<!-- bench:insert -->"


@dataclass(frozen=True)
class Target:
    name: str
    limit: str
    measured: str
    met: bool | None  # None: not measured in this run

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _get(data: Mapping[str, Any] | None, *path: str) -> Any:
    for key in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _check(name: str, limit: str, value: float | None, bound: float, unit: str) -> Target:
    if value is None:
        return Target(name, limit, "not measured", None)
    return Target(name, limit, f"{value:.2f}{unit}", value <= bound)


def evaluate_targets(results: Mapping[str, Any]) -> list[Target]:
    """The issue's targets for the scale of `results` (M and L have targets; others none)."""
    scale = results.get("scale")
    median = results.get("median") or {}
    ratios = results.get("ratios") or {}
    wall = _get(median, "pipeline", "wall_s")
    peak = _get(median, "pipeline", "peak_rss_bytes")
    if scale == "M":
        pandas_ratio = ratios.get("pipeline_vs_pandas_time")
        return [
            _check("end to end", "≤ 90 s", wall, 90, " s"),
            _check("peak memory", "≤ 6 GB", peak / GB if peak else None, 6, " GB"),
            _check("pipeline ÷ floor (time)", "≤ 3×", ratios.get("pipeline_vs_floor_time"), 3, "×"),
            _check(
                "incremental nightly drop",
                "≤ 30 s",
                _get(results, "incremental", "incremental", "wall_s"),
                30,
                " s",
            ),
            _check(
                "run with nothing new",
                "≤ 20 s",
                _get(results, "incremental", "no_op", "wall_s"),
                20,
                " s",
            ),
            Target(
                "faster than pandas",
                "pipeline ÷ pandas < 1",
                "not measured" if pandas_ratio is None else f"{pandas_ratio:.2f}×",
                None if pandas_ratio is None else pandas_ratio < 1,
            ),
        ]
    if scale == "L":
        return [
            Target(
                "completes without running out of memory",
                "exit 0",
                "yes" if wall is not None else "no",
                wall is not None,
            ),
            _check(
                "pipeline ÷ floor (time)", "≤ 2.5×", ratios.get("pipeline_vs_floor_time"), 2.5, "×"
            ),
        ]
    return []


# ---------------------------------------------------------------------------- rendering


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f} s"


def _gb(value: float | None) -> str:
    return "–" if value is None else f"{value / GB:,.2f} GB"


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def _row(label: str, entry: Mapping[str, Any] | None, missing: str = "–") -> str:
    if entry is None:
        return f"| {label} | {missing} | | |"
    return (
        f"| {label} | {_s(entry.get('wall_s'))} | {_rate(entry.get('rows_per_s'))} | "
        f"{_gb(entry.get('peak_rss_bytes'))} |"
    )


def _median_note(entry: Mapping[str, Any] | None) -> str:
    """`; median of 3 (92.1 s–108.9 s)` for a case run more than once (older results: one run)."""
    walls = (entry or {}).get("walls_s") or []
    if len(walls) < 2:
        return ""
    return f"; median of {len(walls)} ({_s(min(walls))}–{_s(max(walls))})"


def render_block(results: Mapping[str, Any]) -> str:
    scale = results["scale"]
    company = results["company"]
    spec = company["spec"]
    median = results.get("median") or {}
    ratios = results.get("ratios") or {}
    runs = results.get("runs") or []
    n = len(runs)
    order_lines = company["rows_per_entity"].get("ecommerce__order_lines", 0)
    loads = [
        float(_get(run, "pipeline", "load_average_at_start"))
        for run in runs
        if _get(run, "pipeline", "load_average_at_start") is not None
    ]
    lines = [
        f"<!-- bench:{scale}:begin -->",
        f"### Scale {scale}: {order_lines:,} order lines — {results['date'][:10]}",
        "",
        f"`{results.get('command') or 'kpiwh bench --scale ' + scale}` · median of {n} "
        f"run{'s' if n != 1 else ''} · {results['machine_description']} · DuckDB "
        f"{results['threads']} threads, dbt {_threads(results.get('dbt_threads', 2))}, memory limit "
        f"{results['memory_limit']} · load average "
        f"when the bench started {results['machine']['load_average'][0]:.1f}"
        + (f" (median at each pipeline run {statistics.median(loads):.1f})" if loads else ""),
        "",
        f"Company: seed {spec['seed']}, history to {spec['end_date']}, {company['files']:,} "
        f"extract files, {company['bytes'] / GB:.2f} GB, {company['rows']:,} rows.",
        "",
        "| measurement | wall time | rows/s | peak memory (process tree) |",
        "|---|---:|---:|---:|",
        _row(
            "generate the company (not part of the pipeline)",
            {
                "wall_s": company["generate_wall_s"],
                "peak_rss_bytes": company["generate_peak_rss_bytes"],
                "rows_per_s": company["rows"] / company["generate_wall_s"],
            },
        ),
        _row("**pipeline end to end** (`kpiwh run`, the nightly job)", median.get("pipeline")),
    ]
    step_names = _step_names(runs)
    for stage, label in (
        ("ingest", "ingest: raw load"),
        ("dbt build", "dbt build"),
        ("quality", "quality"),
        ("exports", "exports"),
        ("other", "other steps"),
    ):
        names = step_names.get(stage)
        shown = f"· {label}" + (f" (`{'`, `'.join(names)}`)" if names else "")
        lines.append(_row(shown, median.get(stage), missing="not yet built"))
    outside = [float(_get(r, "pipeline", "outside_steps_s") or 0) for r in runs]
    start_up = [float(_get(r, "pipeline", "start_up_s") or 0) for r in runs]
    if outside:
        lines.append(
            "| · start-up: interpreter, imports, job definitions (until the job starts) | "
            f"{_s(statistics.median(start_up))} | | |"
        )
        between = [o - u for o, u in zip(outside, start_up, strict=True)]
        lines.append(
            f"| · Dagster between and after the steps, exit | {_s(statistics.median(between))} | | |"
        )
    lines.append(_row("floor: DuckDB reads every file once, typed", median.get("floor")))
    pandas_missing = median.get("pandas_failed") or "not run"
    lines.append(_row("pandas baseline (4 KPIs)", median.get("pandas"), missing=pandas_missing))
    incremental = results.get("incremental")
    if incremental:
        drop = incremental["drop"]
        share = incremental["share_of_company_rows"] * 100
        lines.append(
            _row(
                f"incremental: one more nightly drop ({drop['rows']:,} rows, {share:.2f} % of "
                f"the company, {drop['files']} files){_median_note(incremental.get('incremental'))}",
                incremental.get("incremental"),
            )
        )
        lines.append(
            _row(
                f"no-op: a run with nothing new{_median_note(incremental.get('no_op'))}",
                incremental.get("no_op"),
            )
        )
    lines += [
        "",
        f"Ratios: pipeline ÷ floor {_ratio(ratios.get('pipeline_vs_floor_time'))} time, "
        f"{_ratio(ratios.get('pipeline_vs_floor_memory'))} memory (ingest alone ÷ floor "
        f"{_ratio(ratios.get('ingest_vs_floor_time'))} time); pipeline ÷ pandas "
        f"{_ratio(ratios.get('pipeline_vs_pandas_time'))} time, "
        f"{_ratio(ratios.get('pipeline_vs_pandas_memory'))} memory.",
        "",
        _equality(runs),
    ]
    dbt_line = _dbt_line(results, runs)
    if dbt_line:
        lines += ["", dbt_line]
    targets = results.get("targets") or []
    if targets:
        lines += ["", "| target | limit | measured | met |", "|---|---|---:|---|"]
        for t in targets:
            met = "–" if t["met"] is None else ("yes" if t["met"] else "**no**")
            lines.append(f"| {t['name']} | {t['limit']} | {t['measured']} | {met} |")
    lines.append(f"<!-- bench:{scale}:end -->")
    return "\n".join(lines)


def _dbt_line(results: Mapping[str, Any], runs: list[Mapping[str, Any]]) -> str | None:
    """dbt's own time in the full run of median wall time and in the median nightly drop."""
    threads = int(results.get("dbt_threads", 2))
    pipelines = [run["pipeline"] for run in runs if run.get("pipeline")]
    parts = []
    if pipelines:
        full = sorted(pipelines, key=lambda p: float(p["wall_s"]))[(len(pipelines) - 1) // 2]
        described = describe(full.get("dbt"), threads)
        if described:
            parts.append(f"Full run: {described}.")
    described = describe(_get(results, "incremental", "incremental", "dbt"), threads)
    if described:
        parts.append(f"Nightly drop: {described}.")
    if not parts:
        return None
    return " ".join(["dbt's own time (its run_results.json) in the median runs.", *parts])


def _step_names(runs: list[Mapping[str, Any]]) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for run in runs[:1]:
        for stage, total in (_get(run, "pipeline", "stages") or {}).items():
            names[stage] = list(total.get("steps", []))
    return names


def _threads(n: int) -> str:
    return f"{n} thread{'s' if n != 1 else ''}"


def _equality(runs: list[Mapping[str, Any]]) -> str:
    checked = [r["comparison"] for r in runs if "comparison" in r]
    if not checked:
        why = "did not complete" if any("pandas" in r for r in runs) else "was not run"
        return f"pandas = pipeline: not checked (the pandas baseline {why})."
    if all(c["equal"] for c in checked):
        return (
            f"pandas = pipeline: equal on all {checked[0]['rows_pipeline']:,} rows of "
            "`marts.fct_kpi_values` for revenue, new_customers, collection_rate and "
            "customer_retention_rate per employee per month (numerator, denominator, value), "
            f"checked in {len(checked)} run{'s' if len(checked) != 1 else ''}."
        )
    return "pandas = pipeline: **NOT EQUAL** — see results.json."


def update_document(path: Path, results: Mapping[str, Any]) -> None:
    """Replace (or add) the block of this scale in the results document."""
    block = render_block(results)
    scale = results["scale"]
    begin, end = f"<!-- bench:{scale}:begin -->", f"<!-- bench:{scale}:end -->"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n## Results\n\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + block + tail
    elif INSERT_MARKER in text:
        text = text.replace(INSERT_MARKER, block + "\n\n" + INSERT_MARKER, 1)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
