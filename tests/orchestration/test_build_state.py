"""When the nightly run may skip dbt: only when the published marts were built from exactly the
inputs a new build would read (orchestration/build_state.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from orchestration import build_state
from orchestration.build_state import BuildInputs


@pytest.fixture
def con(tmp_path: Path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("create schema meta; create schema config; create schema staging")
    con.execute("create table meta.load_manifest (load_id bigint)")
    con.execute("insert into meta.load_manifest values (1), (2), (3)")
    con.execute("create table config.plan_versions (config_file_sha256 varchar)")
    con.execute("insert into config.plan_versions values ('abc'), ('abc')")
    con.execute("create table staging.stg_plan__targets (approved_at timestamp)")
    con.execute(
        "create table meta.publications (publication_id bigint, run_id varchar, "
        "published_at timestamp, row_counts json, load_watermark bigint)"
    )
    yield con
    con.close()


def _publish(con: duckdb.DuckDBPyConnection, publication_id: int, run_id: str) -> None:
    con.execute(
        "insert into meta.publications values (?, ?, now()::timestamp, '{}', null)",
        [publication_id, run_id],
    )


STARTED = dt.datetime(2026, 11, 1, 2, 0)
LATER = dt.datetime(2026, 11, 1, 3, 0)


def test_inputs_are_the_load_watermark_plan_checksum_and_project(con) -> None:
    inputs = build_state.current_inputs(con, "p1")
    assert (inputs.load_watermark, inputs.plan_sha256, inputs.project_sha256) == (3, "abc", "p1")


def test_no_skip_before_any_build_or_publication(con) -> None:
    inputs = build_state.current_inputs(con, "p1")
    assert build_state.unchanged_since_publication(con, inputs, now=LATER) is None
    build_state.record_build(con, "run-1", inputs, STARTED)
    assert build_state.unchanged_since_publication(con, inputs, now=LATER) is None  # unpublished


def test_skip_when_the_published_build_had_the_same_inputs(con) -> None:
    inputs = build_state.current_inputs(con, "p1")
    build_state.record_build(con, "run-1", inputs, STARTED)
    _publish(con, 1, "run-1")
    skip = build_state.unchanged_since_publication(con, inputs, now=LATER)
    assert skip is not None
    assert (skip.run_id, skip.publication_id) == ("run-1", 1)
    assert "nothing new since run run-1 (publication 1)" in skip.reason


@pytest.mark.parametrize(
    "change",
    [
        "insert into meta.load_manifest values (4)",  # a new (or restated, or rejected) file
        "update config.plan_versions set config_file_sha256 = 'def'",  # another plan file
    ],
)
def test_new_loads_or_plan_rebuild(con, change: str) -> None:
    inputs = build_state.current_inputs(con, "p1")
    build_state.record_build(con, "run-1", inputs, STARTED)
    _publish(con, 1, "run-1")
    con.execute(change)
    changed = build_state.current_inputs(con, "p1")
    assert build_state.unchanged_since_publication(con, changed, now=LATER) is None


def test_a_changed_dbt_project_rebuilds(con, tmp_path: Path) -> None:
    project = tmp_path / "dbt"
    (project / "models").mkdir(parents=True)
    (project / "dbt_project.yml").write_text("name: x\n")
    model = project / "models" / "m.sql"
    model.write_text("select 1 as a\n")
    before = build_state.project_fingerprint(project)
    assert build_state.project_fingerprint(project) == before
    (project / "target").mkdir()
    (project / "target" / "manifest.json").write_text("{}")  # build output: no change
    assert build_state.project_fingerprint(project) == before
    model.write_text("select 2 as a\n")
    after = build_state.project_fingerprint(project)
    assert after != before

    inputs = build_state.current_inputs(con, before)
    build_state.record_build(con, "run-1", inputs, STARTED)
    _publish(con, 1, "run-1")
    assert build_state.unchanged_since_publication(con, inputs, now=LATER) is not None
    changed = build_state.current_inputs(con, after)
    assert build_state.unchanged_since_publication(con, changed, now=LATER) is None


def test_the_business_time_zone_changes_the_fingerprint_resources_do_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "dbt"
    (project / "models").mkdir(parents=True)
    (project / "models" / "m.sql").write_text("select 1 as a\n")
    monkeypatch.setenv("KPIWH_BUSINESS_TZ", "Asia/Shanghai")
    before = build_state.project_fingerprint(project)
    for name, value in (
        ("KPIWH_DUCKDB_THREADS", "1"),
        ("KPIWH_DBT_THREADS", "1"),
        ("KPIWH_DUCKDB_MEMORY_LIMIT", "20GB"),
    ):
        monkeypatch.setenv(name, value)
        assert build_state.project_fingerprint(project) == before, name
    monkeypatch.setenv("KPIWH_BUSINESS_TZ", "Europe/Berlin")
    assert build_state.project_fingerprint(project) != before


def test_a_build_the_gate_refused_is_rebuilt(con) -> None:
    inputs = build_state.current_inputs(con, "p1")
    build_state.record_build(con, "run-1", inputs, STARTED)
    _publish(con, 1, "run-1")
    build_state.record_build(con, "run-2", inputs, LATER)  # built, not published (gate failed)
    assert build_state.unchanged_since_publication(con, inputs, now=LATER) is None


def test_a_target_approved_for_later_comes_into_force_by_a_rebuild(con) -> None:
    con.execute(
        "insert into staging.stg_plan__targets values "
        "(timestamp '2026-10-30 09:00:00'), (timestamp '2026-11-01 09:00:00')"
    )
    inputs = build_state.current_inputs(con, "p1")
    build_state.record_build(con, "run-1", inputs, STARTED)
    _publish(con, 1, "run-1")
    assert build_state.unchanged_since_publication(con, inputs, now=LATER) is not None
    at_nine = dt.datetime(2026, 11, 1, 9, 0)
    assert build_state.unchanged_since_publication(con, inputs, now=at_nine) is None


def test_force_variable_rebuilds(con, monkeypatch) -> None:
    inputs = build_state.current_inputs(con, "p1")
    build_state.record_build(con, "run-1", inputs, STARTED)
    _publish(con, 1, "run-1")
    monkeypatch.setenv("KPIWH_FORCE_DBT_BUILD", "1")
    assert build_state.unchanged_since_publication(con, inputs, now=LATER) is None


def test_inputs_fingerprint_covers_every_field() -> None:
    base = BuildInputs(3, "abc", "p1", "Asia/Shanghai")
    assert base.fingerprint == BuildInputs(3, "abc", "p1", "Asia/Shanghai").fingerprint
    for other in (
        BuildInputs(4, "abc", "p1", "Asia/Shanghai"),
        BuildInputs(3, "abd", "p1", "Asia/Shanghai"),
        BuildInputs(3, "abc", "p2", "Asia/Shanghai"),
        BuildInputs(3, "abc", "p1", "Europe/Berlin"),
    ):
        assert other.fingerprint != base.fingerprint


def test_full_refresh_until_a_build_is_recorded(con) -> None:
    inputs = build_state.current_inputs(con, "p1")
    assert build_state.full_refresh_reason(con, inputs) == "no successful build is recorded yet"
    build_state.record_build(con, "run-1", inputs, STARTED)
    assert build_state.full_refresh_reason(con, inputs) is None  # new loads: incremental
    con.execute("insert into meta.load_manifest values (4)")
    assert build_state.full_refresh_reason(con, build_state.current_inputs(con, "p1")) is None


def test_full_refresh_when_the_dbt_project_changed_since_the_latest_build(con) -> None:
    build_state.record_build(con, "run-1", build_state.current_inputs(con, "p1"), STARTED)
    build_state.record_build(con, "run-2", build_state.current_inputs(con, "p2"), LATER)
    reason = build_state.full_refresh_reason(con, build_state.current_inputs(con, "p1"))
    assert reason is not None and "run run-2" in reason and "p2 -> p1" in reason
    assert build_state.full_refresh_reason(con, build_state.current_inputs(con, "p2")) is None


def test_full_refresh_variable_rebuilds_everything(con, monkeypatch) -> None:
    inputs = build_state.current_inputs(con, "p1")
    build_state.record_build(con, "run-1", inputs, STARTED)
    _publish(con, 1, "run-1")
    monkeypatch.setenv("KPIWH_DBT_FULL_REFRESH", "1")
    assert build_state.full_refresh_reason(con, inputs) == "KPIWH_DBT_FULL_REFRESH is set"
    assert build_state.unchanged_since_publication(con, inputs, now=LATER) is None
