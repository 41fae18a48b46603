"""`kpiwh bench --smoke`: the whole benchmark command on a tiny company. No timing assertions:
speed is measured by the benchmark itself, on a quiet machine (docs/benchmarks.md)."""

import json
import sys
from pathlib import Path

import pytest

from benchmarks.procmem import run_measured, tree_rss_bytes
from benchmarks.stages import stage_of
from orchestration.cli import main as kpiwh

ENV_KEYS = (
    "KPIWH_HOME",
    "KPIWH_LANDING_DIR",
    "KPIWH_DUCKDB_PATH",
    "DAGSTER_HOME",
)


@pytest.mark.e2e
def test_bench_smoke_runs_every_measurement_and_checks_pandas_equals_the_pipeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    bench_dir, document = tmp_path / "bench", tmp_path / "benchmarks.md"
    document.write_text("# Benchmarks\n\n<!-- bench:insert -->\n\nNotes.\n", encoding="utf-8")

    code = kpiwh(
        ["bench", "--smoke", "--dir", str(bench_dir), "--out", str(document)], read_dotenv=False
    )

    assert code == 0
    results = json.loads((bench_dir / "results.json").read_text(encoding="utf-8"))
    assert "failed" not in results
    (run,) = results["runs"]
    company_rows = results["company"]["rows"]
    assert run["pipeline"]["ok"] and run["floor"]["ok"] and run["pandas"]["ok"]
    assert {"ingest", "dbt build"} <= set(run["pipeline"]["stages"])
    assert run["floor"]["output"]["rows"] == company_rows
    assert run["comparison"]["equal"] and run["comparison"]["rows_pipeline"] > 0
    assert (
        run["pipeline"]["peak_rss_bytes"]
        > run["pipeline"]["stages"]["ingest"]["peak_rss_bytes"]
        > 0
    )

    incremental = results["incremental"]
    assert incremental["drop"]["rows"] > 0
    assert incremental["incremental"]["ok"] and incremental["no_op"]["ok"]
    # the held-back last night is out of the landing again: a second bench run starts the same
    assert incremental["drop"]["folders"] == results["company"]["next_drop"]["folders"]
    assert not list((bench_dir / "landing").glob("*/2026-10-31"))
    assert list((bench_dir / "next_drop").glob("*/2026-10-31"))
    # dbt's own timings: the full build and the nightly build run every model and data test,
    # the run with nothing new skips dbt
    full_dbt, nightly_dbt = run["pipeline"]["dbt"], incremental["incremental"]["dbt"]
    assert full_dbt["nodes"] == nightly_dbt["nodes"] > 300
    assert full_dbt["models_s"] > 0 and full_dbt["tests_s"] > 0 and len(full_dbt["largest"]) == 5
    assert incremental["no_op"]["dbt"] is None

    for key in ("pipeline", "floor", "pandas", "ingest", "dbt build"):
        assert results["median"][key]["wall_s"] > 0
    assert results["ratios"]["pipeline_vs_floor_time"] is not None

    text = document.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks") and text.rstrip().endswith("Notes.")
    assert "<!-- bench:tiny:begin -->" in text and "pandas = pipeline: equal" in text
    assert f"Full run: {full_dbt['elapsed_s']:.1f} s for {full_dbt['nodes']} nodes" in text


def test_memory_of_the_process_tree_includes_children() -> None:
    measured = run_measured(
        [
            sys.executable,
            "-c",
            "import subprocess, sys; subprocess.run([sys.executable, '-c', "
            "'b = bytearray(200 * 2**20); import time; time.sleep(0.5)'])",
        ],
        interval=0.05,
    )
    assert measured.ok
    assert measured.peak_rss_bytes > 200 * 2**20
    assert tree_rss_bytes(1) > 0


def test_memory_cap_kills_the_whole_tree() -> None:
    measured = run_measured(
        [sys.executable, "-c", "b = bytearray(400 * 2**20); import time; time.sleep(30)"],
        interval=0.05,
        memory_cap_bytes=100 * 2**20,
    )
    assert not measured.ok and measured.killed is not None and "memory cap" in measured.killed
    assert measured.wall_s < 30


@pytest.mark.parametrize(
    ("step", "stage"),
    [
        ("raw_extracts", "ingest"),
        ("dbt_models", "dbt build"),
        ("quality_gates", "quality"),
        ("payroll_export", "exports"),
        ("compensation_plan", "other"),
    ],
)
def test_steps_are_sorted_into_the_stages_of_the_issue(step: str, stage: str) -> None:
    assert stage_of(step) == stage
