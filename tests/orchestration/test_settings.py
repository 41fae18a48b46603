"""Settings from the environment: dbt's concurrency and DuckDB's threads are separate knobs."""

from __future__ import annotations

import pytest

from orchestration.settings import Settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KPIWH_DUCKDB_THREADS", "KPIWH_DBT_THREADS", "DBT_LOG_LEVEL_FILE"):
        monkeypatch.delenv(name, raising=False)


def test_threads_default_to_two_each() -> None:
    settings = Settings.from_env()
    assert (settings.duckdb_threads, settings.dbt_threads) == (2, 2)
    env = settings.dbt_env()
    assert (env["KPIWH_DUCKDB_THREADS"], env["KPIWH_DBT_THREADS"]) == ("2", "2")


def test_dbt_threads_are_set_on_their_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPIWH_DBT_THREADS", "1")
    settings = Settings.from_env()
    assert (settings.duckdb_threads, settings.dbt_threads) == (2, 1)
    assert settings.dbt_env()["KPIWH_DBT_THREADS"] == "1"


@pytest.mark.parametrize("value", ["0", "-2", "two", "1.5"])
@pytest.mark.parametrize("name", ["KPIWH_DBT_THREADS", "KPIWH_DUCKDB_THREADS"])
def test_a_thread_count_below_one_or_not_a_number_is_refused(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=f"{name}='{value}': expected a whole number ≥ 1"):
        Settings.from_env()


def test_dbt_writes_its_log_file_at_info_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings.from_env().dbt_env()["DBT_LOG_LEVEL_FILE"] == "info"
    monkeypatch.setenv("DBT_LOG_LEVEL_FILE", "DEBUG")
    assert Settings.from_env().dbt_env()["DBT_LOG_LEVEL_FILE"] == "debug"


def test_an_unknown_dbt_log_level_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DBT_LOG_LEVEL_FILE", "verbose")
    with pytest.raises(ValueError, match="DBT_LOG_LEVEL_FILE='verbose': expected one of debug"):
        Settings.from_env()
