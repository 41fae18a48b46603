"""The dbt profile: DuckDB's threads per query and dbt's concurrent nodes are separate settings."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.dbt_project.conftest import invoke_dbt


def test_duckdb_threads_reach_the_dbt_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPIWH_DUCKDB_THREADS", "1")
    result = invoke_dbt(
        ["show", "--inline", "select current_setting('threads') as duckdb_threads"],
        warehouse=tmp_path / "warehouse.duckdb",
        work_dir=tmp_path,
    )
    assert result.success, result.exception
    (node,) = result.result.results
    assert [tuple(row) for row in node.agate_table.rows] == [(1,)]


def test_memory_limit_and_insertion_order_reach_the_dbt_session(tmp_path: Path) -> None:
    """Set once when dbt connects (`config_options`), they hold on every cursor of the build
    (`invoke_dbt` sets KPIWH_DUCKDB_MEMORY_LIMIT=1GB)."""
    sql = (
        "select current_setting('memory_limit') as memory_limit,"
        " current_setting('preserve_insertion_order') as preserve_insertion_order"
    )
    result = invoke_dbt(
        ["show", "--inline", sql], warehouse=tmp_path / "warehouse.duckdb", work_dir=tmp_path
    )
    assert result.success, result.exception
    (node,) = result.result.results
    with duckdb.connect(config={"memory_limit": "1GB"}) as con:
        (one_gb,) = con.execute("select current_setting('memory_limit')").fetchone()
    assert [tuple(row) for row in node.agate_table.rows] == [(one_gb, False)]
