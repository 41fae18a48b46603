"""The compensation plan file: validated with clear errors, loaded into `config.*` in one go."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from ingestion import plan_config
from ingestion.plan_config import PlanConfigError, load_plan_config, read_plan_config

PROJECT_PLAN = Path(__file__).resolve().parents[2] / "config" / "compensation_plan.yml"
LOADED_AT = dt.datetime(2026, 4, 1, 2, 0, 0)
D = Decimal


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    yield connection
    connection.close()


def base_document() -> dict[str, Any]:
    return yaml.safe_load(PROJECT_PLAN.read_text(encoding="utf-8"))


def write_plan(tmp_path: Path, document: Any, name: str = "plan.yml") -> Path:
    path = tmp_path / name
    text = document if isinstance(document, str) else yaml.safe_dump(document, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall()


# ---------------------------------------------------------------------------------------------
# The project's plan file loads with exactly the values of compensation.md
# ---------------------------------------------------------------------------------------------


def test_project_plan_loads_into_config_tables(con: duckdb.DuckDBPyConnection) -> None:
    config = load_plan_config(con, PROJECT_PLAN, loaded_at=LOADED_AT)

    sha = hashlib.sha256(PROJECT_PLAN.read_bytes()).hexdigest()
    assert config.sha256 == sha
    assert rows(con, "select * from config.plan_versions") == [
        (
            "2026.1",
            dt.date(2020, 1, 1),
            "默认方案 (compensation.md default weights)",
            "quarter",
            D("1.5000"),
            "compensation_plan.yml",
            sha,
            LOADED_AT,
        )
    ]
    assert rows(
        con,
        "select role, kpi_code, weight_percent, weight_group, position, is_primary "
        "from config.plan_kpi_weights where plan_version = '2026.1' order by role, position",
    ) == [
        ("channel_sales", "channel_revenue", D("50.0000"), None, 1, True),
        ("channel_sales", "new_distributors", D("20.0000"), None, 2, False),
        ("channel_sales", "distribution_coverage_rate", D("20.0000"), None, 3, False),
        ("channel_sales", "distributor_visits", D("10.0000"), None, 4, False),
        ("direct_sales", "revenue", D("50.0000"), None, 1, True),
        ("direct_sales", "collection_rate", D("30.0000"), None, 2, False),
        ("direct_sales", "customer_retention_rate", D("20.0000"), None, 3, False),
        ("ecommerce", "net_sales", D("40.0000"), None, 1, True),
        ("ecommerce", "conversion_rate", D("20.0000"), None, 2, False),
        ("ecommerce", "repurchase_rate", D("20.0000"), None, 3, False),
        ("ecommerce", "average_order_value", D("10.0000"), None, 4, False),
        ("ecommerce", "avg_first_response_minutes", D("10.0000"), None, 5, False),
        ("key_account", "key_account_revenue", D("50.0000"), None, 1, True),
        ("key_account", "key_account_signings", D("20.0000"), None, 2, False),
        ("key_account", "milestone_achievement_rate", D("20.0000"), None, 3, False),
        ("key_account", "research_depth", D("10.0000"), None, 4, False),
        ("sales_manager", "team_revenue", D("50.0000"), "result", 1, True),
        ("sales_manager", "team_effective_visits", D("15.0000"), "process", 2, False),
        ("sales_manager", "win_rate", D("15.0000"), "process", 3, False),
        ("sales_manager", "customer_satisfaction", D("10.0000"), "capability", 4, False),
        ("sales_manager", "collaboration_score", D("10.0000"), "capability", 5, False),
    ]
    # every role: base 0, challenge 10,000, stretch 30,000
    bonuses = rows(
        con,
        "select role, tier, bonus_amount from config.plan_tier_bonuses order by role, bonus_amount",
    )
    assert bonuses == [
        (role, tier, amount)
        for role in sorted(plan_config.ROLES)
        for tier, amount in (
            ("base", D("0.00")),
            ("challenge", D("10000.00")),
            ("stretch", D("30000.00")),
        )
    ]
    assert rows(con, "select * from config.plan_collection_gates order by role") == [
        ("2026.1", "direct_sales", "collection_rate", D("0.500000")),
        ("2026.1", "key_account", "collection_rate", D("0.500000")),
    ]
    # the weights of each role sum to 100 and exactly one KPI is primary
    assert (
        rows(
            con,
            "select role, sum(weight_percent), count(*) filter (where is_primary) "
            "from config.plan_kpi_weights group by role having sum(weight_percent) <> 100 "
            "or count(*) filter (where is_primary) <> 1",
        )
        == []
    )


def test_column_types_are_the_documented_ones(con: duckdb.DuckDBPyConnection) -> None:
    load_plan_config(con, PROJECT_PLAN)
    types = dict(
        rows(
            con,
            "select table_name || '.' || column_name, data_type from information_schema.columns "
            "where table_schema = 'config'",
        )
    )
    assert types["plan_kpi_weights.weight_percent"] == "DECIMAL(9,4)"
    assert types["plan_tier_bonuses.bonus_amount"] == "DECIMAL(18,2)"
    assert types["plan_versions.effective_from"] == "DATE"
    assert types["plan_versions.config_file_sha256"] == "VARCHAR"
    assert types["plan_kpi_weights.is_primary"] == "BOOLEAN"


def test_versions_sorted_defaults_and_role_overrides(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    first = base_document()["plan_versions"][0]
    second = copy.deepcopy(first)
    second["plan_version"] = "2027.1"
    second["effective_from"] = "2027-01-01"
    del second["payout_period_type"], second["score_cap"]  # defaults: quarter, 1.5
    second["roles"]["key_account"]["tier_bonuses"] = {"challenge": 15000, "stretch": 40000}
    second["roles"]["direct_sales"]["weights"] = [
        {"kpi_code": "revenue", "weight": 62.5},
        {"kpi_code": "collection_rate", "weight": 37.5},
    ]
    path = write_plan(tmp_path, {"plan_versions": [second, first]})

    config = load_plan_config(con, path)

    assert [v.plan_version for v in config.versions] == ["2026.1", "2027.1"]
    assert rows(
        con,
        "select plan_version, effective_from, payout_period_type, score_cap "
        "from config.plan_versions order by effective_from",
    ) == [
        ("2026.1", dt.date(2020, 1, 1), "quarter", D("1.5000")),
        ("2027.1", dt.date(2027, 1, 1), "quarter", D("1.5000")),
    ]
    assert rows(
        con,
        "select role, tier, bonus_amount from config.plan_tier_bonuses "
        "where plan_version = '2027.1' and role in ('key_account', 'direct_sales') "
        "order by role, tier",
    ) == [
        ("direct_sales", "base", D("0.00")),
        ("direct_sales", "challenge", D("10000.00")),
        ("direct_sales", "stretch", D("30000.00")),
        ("key_account", "base", D("0.00")),
        ("key_account", "challenge", D("15000.00")),
        ("key_account", "stretch", D("40000.00")),
    ]
    assert rows(
        con,
        "select kpi_code, weight_percent, is_primary from config.plan_kpi_weights "
        "where plan_version = '2027.1' and role = 'direct_sales' order by position",
    ) == [("revenue", D("62.5000"), True), ("collection_rate", D("37.5000"), False)]


def test_reloading_replaces_the_tables(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    load_plan_config(con, PROJECT_PLAN)
    document = base_document()
    document["plan_versions"][0]["plan_version"] = "2026.2"
    document["plan_versions"][0]["collection_gate"]["roles"] = ["direct_sales"]
    path = write_plan(tmp_path, document)

    config = load_plan_config(con, path)

    assert rows(con, "select plan_version, config_file_sha256 from config.plan_versions") == [
        ("2026.2", config.sha256)
    ]
    assert rows(con, "select distinct plan_version from config.plan_kpi_weights") == [("2026.2",)]
    assert rows(con, "select count(*) from config.plan_tier_bonuses") == [(15,)]
    assert rows(con, "select role from config.plan_collection_gates") == [("direct_sales",)]


def test_a_collection_gate_is_optional(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    document = base_document()
    del document["plan_versions"][0]["collection_gate"]
    load_plan_config(con, write_plan(tmp_path, document))
    assert rows(con, "select count(*) from config.plan_collection_gates") == [(0,)]


def test_kpi_codes_can_be_passed_in() -> None:
    with pytest.raises(PlanConfigError, match=r"unknown KPI code 'revenue'"):
        read_plan_config(PROJECT_PLAN, kpi_codes=plan_config.KPI_CODES - {"revenue"})


# ---------------------------------------------------------------------------------------------
# Validation: every error names the file and the field
# ---------------------------------------------------------------------------------------------

V = "plan_versions[0]"
Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = document["plan_versions"][0]
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


def _delete(path: str) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = document["plan_versions"][0]
        for key in parents:
            node = node[key]
        del node[last]

    return mutate


def _second_version(**changes: Any) -> Mutation:
    def mutate(document: dict[str, Any]) -> None:
        other = copy.deepcopy(document["plan_versions"][0])
        other.update(changes)
        document["plan_versions"].append(other)

    return mutate


INVALID: list[tuple[str, Mutation, str]] = [
    (
        "weights_not_100",
        _set("roles.direct_sales.weights.2.weight", 10),
        f"{V}.roles.direct_sales.weights: weights sum to 90, must sum to 100",
    ),
    (
        "unknown_role",
        _set("roles.field_sales", {"weights": [{"kpi_code": "revenue", "weight": 100}]}),
        f"{V}.roles.field_sales: unknown field",
    ),
    (
        "missing_role",
        _delete("roles.ecommerce"),
        f"{V}.roles.ecommerce: missing: every role needs its weights",
    ),
    (
        "unknown_kpi",
        _set("roles.direct_sales.weights.0.kpi_code", "revenu"),
        f"{V}.roles.direct_sales.weights[0].kpi_code: unknown KPI code 'revenu'",
    ),
    (
        "kpi_weighted_twice",
        _set("roles.direct_sales.weights.1.kpi_code", "revenue"),
        f"{V}.roles.direct_sales.weights[1].kpi_code: 'revenue' is weighted twice",
    ),
    (
        "zero_weight",
        _set("roles.direct_sales.weights.2.weight", 0),
        f"{V}.roles.direct_sales.weights[2].weight: must be > 0, got 0",
    ),
    (
        "weight_not_a_number",
        _set("roles.direct_sales.weights.2.weight", "twenty"),
        f"{V}.roles.direct_sales.weights[2].weight: must be a number, got 'twenty'",
    ),
    (
        "weight_too_precise",
        _set("roles.direct_sales.weights.2.weight", 20.00001),
        f"{V}.roles.direct_sales.weights[2].weight: has more than 4 decimal places",
    ),
    (
        "no_weights",
        _set("roles.direct_sales.weights", []),
        f"{V}.roles.direct_sales.weights: must be a non-empty list",
    ),
    (
        "tiers_out_of_order",
        _set("tier_bonuses.challenge", 40000),
        f"{V}.tier_bonuses: tiers out of order: challenge pays 40000 > stretch 30000",
    ),
    (
        "role_override_out_of_order",
        _set("roles.key_account.tier_bonuses", {"stretch": 5000}),
        f"{V}.roles.key_account.tier_bonuses: tiers out of order: challenge pays 10000 > stretch 5000",
    ),
    (
        "tier_missing",
        _delete("tier_bonuses.base"),
        f"{V}.tier_bonuses.base: missing (every tier needs a bonus, 0 for none)",
    ),
    (
        "unknown_tier",
        _set("tier_bonuses.legend", 50000),
        f"{V}.tier_bonuses.legend: unknown field",
    ),
    (
        "negative_bonus",
        _set("tier_bonuses.base", -1),
        f"{V}.tier_bonuses.base: must be ≥ 0, got -1",
    ),
    (
        "bonus_fraction_of_a_cent",
        _set("tier_bonuses.challenge", 10000.005),
        f"{V}.tier_bonuses.challenge: has more than 2 decimal places",
    ),
    (
        "bad_date",
        _set("effective_from", "2026-02-30"),
        f"{V}.effective_from: must be a date (YYYY-MM-DD), got '2026-02-30'",
    ),
    (
        "missing_date",
        _delete("effective_from"),
        f"{V}.effective_from: must be a date (YYYY-MM-DD), got None",
    ),
    (
        "timestamp_not_date",
        _set("effective_from", dt.datetime(2026, 1, 1, 8, 0)),
        f"{V}.effective_from: must be a date (YYYY-MM-DD), got a timestamp",
    ),
    (
        "unknown_period_type",
        _set("payout_period_type", "week"),
        f"{V}.payout_period_type: must be one of month, quarter, year, got 'week'",
    ),
    (
        "zero_cap",
        _set("score_cap", 0),
        f"{V}.score_cap: must be > 0, got 0",
    ),
    (
        "gate_unknown_role",
        _set("collection_gate.roles", ["direct_sales", "intern"]),
        f"{V}.collection_gate.roles: unknown role 'intern'",
    ),
    (
        "gate_unknown_kpi",
        _set("collection_gate.kpi_code", "cash_rate"),
        f"{V}.collection_gate.kpi_code: unknown KPI code 'cash_rate'",
    ),
    (
        "gate_without_threshold",
        _delete("collection_gate.threshold"),
        f"{V}.collection_gate.threshold: must be a number, got nothing",
    ),
    (
        "unknown_version_field",
        _set("bonus_pool", 1),
        f"{V}.bonus_pool: unknown field",
    ),
    (
        "missing_plan_version",
        _delete("plan_version"),
        f"{V}.plan_version: must be a non-empty text, got nothing",
    ),
    (
        "duplicate_plan_version",
        _second_version(effective_from="2027-01-01"),
        "plan_versions.plan_version: 2026.1 appears in both '2026.1' and '2026.1'",
    ),
    (
        "duplicate_effective_from",
        _second_version(plan_version="2026.2"),
        "plan_versions.effective_from: 2020-01-01 appears in both '2026.1' and '2026.2'",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [pytest.param(mutate, message, id=name) for name, mutate, message in INVALID],
)
def test_invalid_plans_are_refused_with_file_and_field(
    tmp_path: Path, mutate: Mutation, message: str
) -> None:
    document = base_document()
    mutate(document)
    path = write_plan(tmp_path, document)
    with pytest.raises(PlanConfigError) as raised:
        read_plan_config(path)
    assert any(error.startswith(f"{path}: {message}") for error in raised.value.errors), (
        raised.value.errors
    )


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    document = base_document()
    _set("roles.direct_sales.weights.2.weight", 10)(document)
    _set("payout_period_type", "week")(document)
    _delete("roles.ecommerce")(document)
    path = write_plan(tmp_path, document)
    with pytest.raises(PlanConfigError) as raised:
        read_plan_config(path)
    assert len(raised.value.errors) == 3
    assert str(path) in str(raised.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("plan_versions: [", "not valid YAML"),
        (
            "plan_versions:\n  - plan_version: a\n    plan_version: b\n",
            "duplicate key 'plan_version'",
        ),
        ("[]", "(document): must be a mapping"),
        ("plan_versions: []", "plan_versions: must be a non-empty list of plan versions"),
        ("plans: []", "(document).plans: unknown field"),
    ],
)
def test_malformed_documents(tmp_path: Path, text: str, message: str) -> None:
    path = write_plan(tmp_path, text)
    with pytest.raises(PlanConfigError, match=r"plan\.yml: ") as raised:
        read_plan_config(path)
    assert message in str(raised.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PlanConfigError, match=r"missing\.yml: cannot read the plan file"):
        read_plan_config(tmp_path / "missing.yml")


def test_invalid_file_leaves_the_loaded_plan_alone(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    load_plan_config(con, PROJECT_PLAN)
    before = rows(con, "select * from config.plan_kpi_weights order by all")
    document = base_document()
    _set("roles.direct_sales.weights.2.weight", 10)(document)
    with pytest.raises(PlanConfigError):
        load_plan_config(con, write_plan(tmp_path, document))
    assert rows(con, "select * from config.plan_kpi_weights order by all") == before


def test_a_failed_write_rolls_back_every_table(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_plan_config(con, PROJECT_PLAN)
    before = {
        t: rows(con, f"select * from config.{t} order by all") for t in plan_config.PLAN_TABLE_DDL
    }
    real_rows = plan_config.plan_rows

    def rows_with_a_duplicate_key(*args: Any) -> dict[str, list[tuple[Any, ...]]]:
        out = real_rows(*args)
        out["plan_tier_bonuses"].append(out["plan_tier_bonuses"][0])  # violates the primary key
        return out

    monkeypatch.setattr(plan_config, "plan_rows", rows_with_a_duplicate_key)
    document = base_document()
    document["plan_versions"][0]["plan_version"] = "2099.1"
    with pytest.raises(duckdb.ConstraintException):
        load_plan_config(con, write_plan(tmp_path, document))
    after = {
        t: rows(con, f"select * from config.{t} order by all") for t in plan_config.PLAN_TABLE_DDL
    }
    assert after == before


def test_dbt_source_declares_the_loaded_tables_column_for_column(
    con: duckdb.DuckDBPyConnection,
) -> None:
    sources = PROJECT_PLAN.parents[1] / "dbt_project/models/intermediate/plan/_config__sources.yml"
    (source,) = yaml.safe_load(sources.read_text(encoding="utf-8"))["sources"]
    assert (source["name"], source["schema"]) == ("config", "config")
    declared = {
        table["name"]: [(c["name"], c["data_type"]) for c in table["columns"]]
        for table in source["tables"]
    }
    load_plan_config(con, PROJECT_PLAN)
    loaded: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows(
        con,
        "select table_name, column_name, lower(data_type) from information_schema.columns "
        "where table_schema = 'config' order by table_name, ordinal_position",
    ):
        loaded.setdefault(table, []).append((column, data_type.replace(" ", "")))
    assert declared == loaded
    for table in source["tables"]:
        assert table["config"]["meta"]["dagster"]["asset_key"] == ["config", table["name"]]
