"""The Dagster definitions load and describe the whole pipeline."""

from __future__ import annotations

import dagster as dg

from ingestion.contract import ENTITIES
from orchestration.definitions import defs
from orchestration.jobs import landing_fingerprint


def test_definitions_load_with_every_raw_table_and_staging_model():
    dg.Definitions.validate_loadable(defs)
    keys = {key.to_user_string() for key in defs.resolve_all_asset_keys()}
    for entity in ENTITIES:
        assert f"raw/{entity.qualified_name}" in keys
        assert f"staging/stg_{entity.qualified_name}" in keys


def test_staging_models_depend_on_their_raw_tables():
    graph = defs.resolve_asset_graph()
    for entity in ENTITIES:
        parents = graph.get(dg.AssetKey(["staging", f"stg_{entity.qualified_name}"])).parent_keys
        assert dg.AssetKey(["raw", entity.qualified_name]) in parents


def test_nightly_job_schedule_and_sensor_are_defined():
    job = defs.resolve_job_def("nightly")
    assert job.executor_def is dg.in_process_executor
    schedule = defs.resolve_schedule_def("nightly_schedule")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Asia/Shanghai"
    assert defs.resolve_sensor_def("new_drops_sensor").job_name == "nightly"


def test_sensor_requests_a_run_only_when_the_landing_folder_changes(tmp_path):
    from orchestration.jobs import landing_sensor

    sensor = landing_sensor(tmp_path)
    with dg.build_sensor_context() as context:
        assert isinstance(sensor(context), dg.SkipReason)

    drop = tmp_path / "crm" / "2026-03-02" / "orders.csv"
    drop.parent.mkdir(parents=True)
    drop.write_text("order_id\n")
    fingerprint, dates = landing_fingerprint(tmp_path)
    assert dates == ["2026-03-02"]
    with dg.build_sensor_context() as context:
        request = sensor(context)
        assert isinstance(request, dg.RunRequest)
        assert request.run_key == fingerprint
        assert request.tags["kpiwh/latest_drop"] == "2026-03-02"
    with dg.build_sensor_context(cursor=fingerprint) as context:
        assert isinstance(sensor(context), dg.SkipReason)
