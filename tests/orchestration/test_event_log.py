"""The instance kpiwh writes and its pooled SQLite event log: same files, readable by Dagster."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from sqlalchemy import text

from orchestration.event_log import MAX_OPEN_DATABASES, PooledSqliteEventLogStorage
from orchestration.instance import INSTANCE_YAML, ensure_instance_config


@dg.asset
def upstream() -> int:
    return 1


@dg.asset
def downstream(upstream: int) -> int:
    return upstream + 1


JOB = dg.define_asset_job("tiny", selection=[upstream, downstream])
DEFS = dg.Definitions(assets=[upstream, downstream], jobs=[JOB])


def test_writes_the_instance_file_once_and_never_overwrites(tmp_path: Path) -> None:
    home = tmp_path / "dagster"
    path = ensure_instance_config(home)
    assert path == home / "dagster.yaml"
    assert path.read_text(encoding="utf-8") == INSTANCE_YAML
    path.write_text("# the operator's own storage\n", encoding="utf-8")
    ensure_instance_config(home)
    assert path.read_text(encoding="utf-8") == "# the operator's own storage\n"


@pytest.fixture
def dagster_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "dagster"
    ensure_instance_config(home)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


def _run_tiny(instance: dg.DagsterInstance) -> str:
    result = DEFS.resolve_job_def("tiny").execute_in_process(instance=instance)
    assert result.success
    return result.run_id


def test_runs_store_events_dagster_default_storage_reads(dagster_home: Path) -> None:
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, PooledSqliteEventLogStorage)
        run_ids = [_run_tiny(instance) for _ in range(MAX_OPEN_DATABASES + 2)]
        # the index and the latest run databases stay open; older ones are closed
        assert len(storage._engines) == MAX_OPEN_DATABASES
        with storage.index_connection() as conn:
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"

    # Dagster's own storage, on the same directory, sees every run's events and the assets
    plain = SqliteEventLogStorage(str(dagster_home / "history" / "runs"))
    try:
        for run_id in run_ids:
            kinds = [
                e.dagster_event_type for e in plain.get_logs_for_run(run_id) if e.dagster_event
            ]
            assert kinds.count(dg.DagsterEventType.ASSET_MATERIALIZATION) == 2
            assert kinds.count(dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED) == 2
            assert kinds[-1] == dg.DagsterEventType.RUN_SUCCESS
        latest = plain.get_latest_materialization_events([dg.AssetKey("downstream")])
        assert latest[dg.AssetKey("downstream")].run_id == run_ids[-1]
    finally:
        plain.dispose()


def test_base_dir_defaults_to_dagster_home(dagster_home: Path) -> None:
    storage = PooledSqliteEventLogStorage.from_config_value(None, {})
    try:
        assert Path(storage._base_dir) == (dagster_home / "history" / "runs").resolve()
    finally:
        storage.dispose()
