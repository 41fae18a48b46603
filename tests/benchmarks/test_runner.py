"""Medians over the repeats, and how a reference that did not complete is reported."""

from __future__ import annotations

from benchmarks.runner import medians, ratios


def _entry(wall_s: float, peak_gb: float, *, ok: bool = True, killed: str | None = None) -> dict:
    return {
        "ok": ok,
        "killed": killed,
        "wall_s": wall_s,
        "peak_rss_bytes": int(peak_gb * 10**9),
        "rows_per_s": None,
    }


def test_medians_of_three_runs_and_their_ratios() -> None:
    runs = [
        {"pipeline": {**_entry(300.0, 5.0), "stages": {}}, "floor": _entry(30.0, 1.0)},
        {"pipeline": {**_entry(280.0, 5.2), "stages": {}}, "floor": _entry(33.0, 0.9)},
        {"pipeline": {**_entry(290.0, 5.1), "stages": {}}, "floor": _entry(31.0, 1.1)},
    ]
    median = medians(runs)
    assert median["pipeline"] == {
        "wall_s": 290.0, "peak_rss_bytes": 5_100_000_000, "rows_per_s": None, "runs": 3,
    }  # fmt: skip
    assert median["floor"]["wall_s"] == 31.0  # type: ignore[index]
    assert median["pandas"] is None and "pandas_failed" not in median  # not run at all
    assert ratios(median)["pipeline_vs_floor_time"] == 9.35  # 290 / 31
    assert ratios(median)["pipeline_vs_pandas_time"] is None


def test_a_reference_killed_at_the_memory_cap_says_how_far_it_got() -> None:
    killed = "memory cap: process tree exceeded 11.2 GiB"
    runs = [
        {
            "pipeline": {**_entry(3000.0, 5.6), "stages": {}},
            "floor": _entry(310.0, 1.2),
            "pandas": _entry(412.4, 12.05, ok=False, killed=killed),
        }
    ]
    median = medians(runs)
    assert median["pandas"] is None
    assert median["pandas_failed"] == (
        "killed (memory cap: process tree exceeded 11.2 GiB) after 412 s, peak 12.05 GB"
    )
    assert ratios(median)["pipeline_vs_pandas_time"] is None


def test_the_dbt_threads_reach_the_measured_run_and_its_command(tmp_path) -> None:
    from benchmarks.runner import BenchConfig, _environment

    default = BenchConfig.create(scale="M", bench_dir=tmp_path, out=None)
    assert default.as_command() == "kpiwh bench --scale M --repeat 3"
    assert _environment(default)["KPIWH_DBT_THREADS"] == "2"

    one = BenchConfig.create(scale="L", bench_dir=tmp_path, out=None, dbt_threads=1)
    assert one.as_command() == "KPIWH_DBT_THREADS=1 kpiwh bench --scale L --repeat 1"
    env = _environment(one)
    assert (env["KPIWH_DBT_THREADS"], env["KPIWH_DUCKDB_THREADS"]) == ("1", "2")


def test_the_equality_line_says_whether_pandas_ran() -> None:
    from benchmarks.report import _equality

    assert _equality([{"repeat": 1}]) == (
        "pandas = pipeline: not checked (the pandas baseline was not run)."
    )
    assert _equality([{"repeat": 1, "pandas": {"ok": False}}]) == (
        "pandas = pipeline: not checked (the pandas baseline did not complete)."
    )


def test_the_incremental_case_is_repeated_from_the_same_state(tmp_path) -> None:
    """Each repeat starts from the warehouse and Dagster storage of the last full run, with the
    drop delivered; the reported figures are those of the median run."""
    import datetime as dt

    from benchmarks.company import Company, CompanySpec, NextDrop, next_drop_dir
    from benchmarks.runner import Bench, BenchConfig

    config = BenchConfig.create(scale="M", bench_dir=tmp_path, out=None)
    assert config.repeat == 3
    landing = tmp_path / "landing"
    (next_drop_dir(landing) / "crm" / "2026-10-31").mkdir(parents=True)
    (next_drop_dir(landing) / "crm" / "2026-10-31" / "orders.csv").write_text("order_id\nO9\n")
    company = Company(
        spec=CompanySpec("M", 42, dt.date(2026, 10, 31), None),
        landing=landing,
        files=1,
        bytes=10,
        rows=1000,
        rows_per_entity={},
        next_drop=NextDrop(["crm/2026-10-31"], 1, 1, 10),
        generate_wall_s=0.0,
        generate_peak_rss_bytes=0,
        cached=True,
    )
    warehouse, dagster = tmp_path / "warehouse.duckdb", tmp_path / "dagster"
    warehouse.write_text("after the full runs")
    dagster.mkdir()
    (dagster / "runs.db").write_text("3 runs")

    seen: list[tuple[str, str, bool]] = []
    walls = iter([120.0, 8.0, 90.0, 7.0, 100.0, 9.0])

    def fake_run(label: str, rows: int | None) -> dict[str, object]:
        delivered = (landing / "crm" / "2026-10-31" / "orders.csv").is_file()
        seen.append((label, warehouse.read_text(), delivered))
        warehouse.write_text(f"after {label}")  # a run changes the warehouse...
        (dagster / "runs.db").write_text(f"after {label}")  # ...and Dagster's storage
        return {"ok": True, "wall_s": next(walls), "peak_rss_bytes": 1, "label": label}

    bench = Bench(config)
    bench.nightly_run = fake_run  # type: ignore[method-assign]
    result = bench._incremental(company)

    assert seen == [
        ("incremental1", "after the full runs", True),
        ("no-op1", "after incremental1", True),
        ("incremental2", "after the full runs", True),
        ("no-op2", "after incremental2", True),
        ("incremental3", "after the full runs", True),
        ("no-op3", "after incremental3", True),
    ]
    assert result["incremental"]["label"] == "incremental3"  # 90 < 100 < 120
    assert result["incremental"]["walls_s"] == [120.0, 90.0, 100.0]
    assert result["no_op"]["label"] == "no-op1"  # 7 < 8 < 9
    assert result["share_of_company_rows"] == 0.001
    assert not (landing / "crm" / "2026-10-31").exists()  # the drop is withdrawn again
    assert not (tmp_path / "before_next_drop").exists()  # the set-aside copy is removed


def test_the_report_says_the_incremental_case_is_a_median() -> None:
    from benchmarks.report import _median_note

    assert _median_note({"wall_s": 100.0, "walls_s": [120.0, 90.0, 100.0]}) == (
        "; median of 3 (90.0 s–120.0 s)"
    )
    assert _median_note({"wall_s": 100.0}) == ""  # results of one run
    assert _median_note(None) == ""
