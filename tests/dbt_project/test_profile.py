"""The dbt profile: DuckDB's threads per query and dbt's concurrent nodes are separate settings."""

from __future__ import annotations

from pathlib import Path

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
