"""The models whose rows carry `computed_at` are named in two places that must agree: the KPI
fingerprints leave the column out (`kpi_unhashed_columns`, macros/incremental_kpis.sql) and the
nightly gate scopes its checks by it (`quality.scope.MARKED_RELATIONS`)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from quality.scope import MARKED_RELATIONS

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"


def _documented_with_computed_at() -> set[str]:
    found: set[str] = set()
    for path in (DBT_PROJECT / "models").rglob("*.yml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for model in doc.get("models") or []:
            if any(c.get("name") == "computed_at" for c in model.get("columns") or []):
                found.add(model["name"])
    return found


def _unhashed_in_fingerprints() -> set[str]:
    macros = (DBT_PROJECT / "macros" / "incremental_kpis.sql").read_text(encoding="utf-8")
    body = macros.split("macro kpi_unhashed_columns", 1)[1].split("endmacro", 1)[0]
    return set(re.findall(r"'(\w+)': \['computed_at'\]", body))


def test_the_models_with_computed_at_are_the_ones_both_lists_name() -> None:
    documented = _documented_with_computed_at()
    assert documented == {"int_orders_unified", "int_customer_first_orders"}
    assert _unhashed_in_fingerprints() == documented
    assert {relation.split(".")[1] for relation in MARKED_RELATIONS} == documented


def test_the_marked_models_stamp_computed_at() -> None:
    for name in _documented_with_computed_at():
        (sql,) = (DBT_PROJECT / "models").rglob(f"{name}.sql")
        assert "{{ computed_at() }} as computed_at" in sql.read_text(encoding="utf-8"), name
