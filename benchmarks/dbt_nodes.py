"""dbt's own account of a measured run: its elapsed time and what its nodes cost.

The nightly job's dbt step logs where dbt wrote `run_results.json` (`dbt run results: <path>`,
orchestration/assets/dbt.py). Read right after the run (the step keeps its newest run folders
only), it tells the time dbt itself took, the models' and data tests' execution times summed
over dbt's threads, and the largest nodes: the figures each round of docs/benchmarks.md compares.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

RUN_RESULTS_LINE = re.compile(r"dbt run results: (.+run_results\.json)\s*$")  # spaces allowed


def run_results_path(lines: Iterable[str]) -> Path | None:
    """The run_results.json the job's dbt step logged, or None when dbt did not build."""
    found = None
    for line in lines:
        match = RUN_RESULTS_LINE.search(line)
        if match is not None:
            found = Path(match.group(1))
    return found


def summarise(path: Path, largest: int = 5) -> dict[str, Any]:
    """dbt's elapsed time, node count, models' and tests' summed times, the largest nodes."""
    results = json.loads(path.read_text(encoding="utf-8"))
    nodes = results["results"]

    def summed(kind: str) -> float:
        return round(sum(n["execution_time"] for n in nodes if _kind(n) == kind), 1)

    ranked = sorted(nodes, key=lambda n: n["execution_time"], reverse=True)[:largest]
    return {
        "elapsed_s": round(float(results["elapsed_time"]), 1),
        "nodes": len(nodes),
        "models_s": summed("model"),
        "tests_s": summed("test"),
        "largest": [[_name(n), round(n["execution_time"], 1)] for n in ranked],
    }


def _kind(node: dict[str, Any]) -> str:
    return str(node["unique_id"]).split(".", 1)[0]


def _name(node: dict[str, Any]) -> str:
    """A model's name; a test's name without dbt's hash suffix."""
    parts = str(node["unique_id"]).split(".")
    if parts[0] == "test" and len(parts) > 3 and re.fullmatch(r"[0-9a-f]{10}", parts[-1]):
        return parts[-2]
    return parts[-1]


def describe(summary: dict[str, Any] | None, threads: int) -> str | None:
    """'64.3 s for 358 nodes; models 95.9 s and data tests 19.9 s summed over 2 threads; largest:
    a 9.6 s, b 8.8 s' — None when there is nothing to say."""
    if not summary:
        return None
    largest = ", ".join(f"`{name}` {seconds:.1f} s" for name, seconds in summary["largest"])
    return (
        f"{summary['elapsed_s']:.1f} s for {summary['nodes']} nodes; models "
        f"{summary['models_s']:.1f} s and data tests {summary['tests_s']:.1f} s summed over "
        f"{threads} thread{'s' if threads != 1 else ''}; largest: {largest}"
    )
