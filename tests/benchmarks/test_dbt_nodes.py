"""dbt's own timings in the bench: found from the dbt step's log line, summed by kind."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.dbt_nodes import describe, run_results_path, summarise
from benchmarks.report import _dbt_line


def _node(unique_id: str, seconds: float) -> dict:
    return {"unique_id": unique_id, "execution_time": seconds, "status": "success"}


def _run_results(path: Path) -> Path:
    results = {
        "elapsed_time": 12.345,
        "results": [
            _node("model.sales_kpi_warehouse.stg_crm__orders", 2.25),
            _node("model.sales_kpi_warehouse.int_orders_unified", 4.5),
            _node("test.sales_kpi_warehouse.unique_int_orders_unified_order_key.21996f007e", 0.75),
            _node("test.sales_kpi_warehouse.not_null_stg_crm__orders_order_id.0a4bc5fea3", 0.25),
            _node("model.sales_kpi_warehouse.dim_kpis", 0.125),
        ],
    }
    path.write_text(json.dumps(results), encoding="utf-8")
    return path


def test_the_run_results_path_is_the_one_the_dbt_step_logged() -> None:
    lines = [
        "2026-12-07 15:17:31 +0000 - dagster - INFO - nightly - r1 - dbt_models - dbt build: …",
        "2026-12-07 15:18:14 +0000 - dagster - INFO - nightly - r1 - dbt_models - dbt run "
        "results: /w/dbt_project/target/dbt_models-d5953aa-57f21ce/run_results.json",
    ]
    assert run_results_path(lines) == Path(
        "/w/dbt_project/target/dbt_models-d5953aa-57f21ce/run_results.json"
    )
    assert run_results_path(lines[:1]) is None  # dbt skipped: a run with nothing new
    spaced = "… - dbt_models - dbt run results: /my bench/target/dbt_models-1-2/run_results.json\n"
    assert run_results_path([spaced]) == Path("/my bench/target/dbt_models-1-2/run_results.json")


def test_models_and_tests_are_summed_apart_and_the_largest_named(tmp_path: Path) -> None:
    summary = summarise(_run_results(tmp_path / "run_results.json"), largest=3)
    assert summary == {
        "elapsed_s": 12.3,
        "nodes": 5,
        "models_s": 6.9,  # 2.25 + 4.5 + 0.125
        "tests_s": 1.0,  # 0.75 + 0.25
        "largest": [
            ["int_orders_unified", 4.5],
            ["stg_crm__orders", 2.2],  # round(2.25, 1): banker's rounding of the float
            ["unique_int_orders_unified_order_key", 0.8],
        ],
    }
    assert describe(summary, 2) == (
        "12.3 s for 5 nodes; models 6.9 s and data tests 1.0 s summed over 2 threads; largest: "
        "`int_orders_unified` 4.5 s, `stg_crm__orders` 2.2 s, "
        "`unique_int_orders_unified_order_key` 0.8 s"
    )
    assert describe(None, 2) is None


def test_the_report_gives_dbt_of_the_median_full_run_and_the_median_drop() -> None:
    def dbt(elapsed: float) -> dict:
        return {"elapsed_s": elapsed, "nodes": 358, "models_s": 90.0, "tests_s": 20.0,
                "largest": [["int_retention_kpis_computed", 9.6]]}  # fmt: skip

    runs = [
        {"pipeline": {"wall_s": 160.0, "dbt": dbt(70.0)}},
        {"pipeline": {"wall_s": 150.0, "dbt": dbt(60.0)}},
        {"pipeline": {"wall_s": 155.0, "dbt": dbt(65.0)}},  # the median run
    ]
    results = {"dbt_threads": 2, "incremental": {"incremental": {"wall_s": 63.4, "dbt": dbt(37.7)}}}
    line = _dbt_line(results, runs)
    assert line == (
        "dbt's own time (its run_results.json) in the median runs. Full run: 65.0 s for 358 "
        "nodes; models 90.0 s and data tests 20.0 s summed over 2 threads; largest: "
        "`int_retention_kpis_computed` 9.6 s. Nightly drop: 37.7 s for 358 nodes; models 90.0 s "
        "and data tests 20.0 s summed over 2 threads; largest: `int_retention_kpis_computed` 9.6 s."
    )
    assert _dbt_line({"dbt_threads": 2}, [{"pipeline": {"wall_s": 1.0, "dbt": None}}]) is None
