"""The nightly dbt step: what it runs, and the memory it gives dbt's DuckDB."""

from __future__ import annotations

import os

import pytest

from orchestration.assets.dbt import NIGHTLY_BUILD_ARGS, _dbt_memory_budget, _three_quarters


def test_nightly_build_excludes_the_unit_tests() -> None:
    assert NIGHTLY_BUILD_ARGS == ["build", "--exclude", "test_type:unit"]


@pytest.mark.parametrize(
    ("limit", "expected"),
    [("6GB", "4500MB"), ("4500MB", "3375MB"), ("8GiB", "6442MB"), ("1.5gb", "1125MB")],
)
def test_dbt_gets_three_quarters_of_the_duckdb_limit(limit: str, expected: str) -> None:
    assert _three_quarters(limit) == expected


def test_a_limit_that_is_not_a_size_is_left_to_duckdb() -> None:
    assert _three_quarters("80%") is None
    assert _three_quarters("") is None


def test_the_budget_applies_while_dbt_starts_then_the_setting_is_restored(monkeypatch) -> None:
    monkeypatch.setenv("KPIWH_DUCKDB_MEMORY_LIMIT", "6GB")
    monkeypatch.delenv("KPIWH_DBT_DUCKDB_MEMORY_LIMIT", raising=False)
    with _dbt_memory_budget():
        assert os.environ["KPIWH_DUCKDB_MEMORY_LIMIT"] == "4500MB"
    assert os.environ["KPIWH_DUCKDB_MEMORY_LIMIT"] == "6GB"
    monkeypatch.setenv("KPIWH_DBT_DUCKDB_MEMORY_LIMIT", "2GB")
    with _dbt_memory_budget():
        assert os.environ["KPIWH_DUCKDB_MEMORY_LIMIT"] == "2GB"
    assert os.environ["KPIWH_DUCKDB_MEMORY_LIMIT"] == "6GB"
