"""The compensation plan assets: loaded by one step, upstream of the models that read them."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ingestion.plan_config import PlanConfigError
from orchestration.assets.plan import compensation_plan
from orchestration.definitions import defs
from orchestration.resources import PlanConfigResource, WarehouseResource
from orchestration.settings import PROJECT_ROOT, Settings

PLAN_TABLES = ("plan_versions", "plan_kpi_weights", "plan_tier_bonuses", "plan_collection_gates")


def test_plan_tables_are_assets_upstream_of_the_compensation_models() -> None:
    graph = defs.resolve_asset_graph()
    for table in PLAN_TABLES:
        assert graph.get(dg.AssetKey(["config", table])).group_name == "config"

    def parents(model: str) -> set[str]:
        return {k.to_user_string() for k in graph.get(dg.AssetKey(["marts", model])).parent_keys}

    assert {"config/plan_versions", "config/plan_kpi_weights"} <= parents("fct_scorecards")
    assert {
        "config/plan_versions",
        "config/plan_tier_bonuses",
        "config/plan_collection_gates",
    } <= parents("fct_payouts")


def test_plan_config_setting_defaults_to_the_project_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KPIWH_PLAN_CONFIG", raising=False)
    assert Settings.from_env().plan_config == PROJECT_ROOT / "config" / "compensation_plan.yml"
    monkeypatch.setenv("KPIWH_PLAN_CONFIG", "elsewhere/plan.yml")
    assert Settings.from_env().plan_config == PROJECT_ROOT / "elsewhere" / "plan.yml"


def test_materializing_loads_the_plan(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    result = dg.materialize(
        [compensation_plan],
        resources={
            "warehouse": WarehouseResource(duckdb_path=str(warehouse), memory_limit="1GB"),
            "plan_config": PlanConfigResource(
                path=str(PROJECT_ROOT / "config" / "compensation_plan.yml")
            ),
        },
    )
    assert result.success
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert materialized == {f"config/{table}" for table in PLAN_TABLES}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("select count(*) from config.plan_kpi_weights").fetchone() == (21,)
    finally:
        con.close()


def test_an_invalid_plan_fails_the_step_with_the_field(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yml"
    plan.write_text("plan_versions:\n  - plan_version: x\n", encoding="utf-8")
    with pytest.raises(PlanConfigError, match=r"plan\.yml: plan_versions\[0\]\.effective_from"):
        dg.materialize(
            [compensation_plan],
            resources={
                "warehouse": WarehouseResource(duckdb_path=str(tmp_path / "w.duckdb")),
                "plan_config": PlanConfigResource(path=str(plan)),
            },
        )
