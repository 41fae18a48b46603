"""`dbt build` of the staging layer on a hand-made warehouse: the right version of each key wins,
with its provenance, and the staging column names are the ones the next layer relies on."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ingestion.contract import ENTITIES

from .conftest import StagingBuild, loaded_at

STAGING_PROVENANCE = [
    "source_system",
    "extract_date",
    "source_file_path",
    "source_file_sha256",
    "source_line_number",
    "load_id",
    "loaded_at",
]

# Contract columns renamed in staging (everything else keeps its contract name).
RENAMES: dict[str, dict[str, str]] = {
    "hr__employees": {"performance_pay_base": "performance_pay_base_amount"},
    "crm__activities": {
        "pain_points_documented": "is_pain_points_documented",
        "budget_documented": "is_budget_documented",
        "decision_process_documented": "is_decision_process_documented",
    },
    "ecommerce__order_lines": {"unit_price": "unit_price_amount", "unit_cost": "unit_cost_amount"},
    "ecommerce__traffic_daily": {"date": "traffic_date"},
    "ecommerce__campaigns": {"participated": "has_participated"},
}

ORDERS_0302 = "crm/2026-03-02/orders.csv"


def test_build_succeeded(staging_build: StagingBuild) -> None:
    statuses = {r.node.unique_id: str(r.status) for r in staging_build.results}
    failed = {k: v for k, v in statuses.items() if v not in ("success", "pass")}
    assert not failed, failed
    kinds = [uid.split(".")[0] for uid in statuses]
    staging = {u.split(".")[-1] for u in statuses if u.startswith("model.") and ".stg_" in u}
    assert {f"stg_{e.qualified_name}" for e in ENTITIES} <= staging
    assert len(ENTITIES) == 21
    assert kinds.count("unit_test") >= 6
    assert kinds.count("test") > 50


def test_staging_columns(staging_build: StagingBuild) -> None:
    for ent in ENTITIES:
        renames = RENAMES.get(ent.qualified_name, {})
        expected = [renames.get(c, c) for c in ent.column_names] + STAGING_PROVENANCE
        assert staging_build.columns(f"staging.stg_{ent.qualified_name}") == expected, ent


def test_crm_orders_latest_version_of_current_files(staging_build: StagingBuild) -> None:
    rows = staging_build.query(
        "select order_id, status, amount_incl_tax, updated_at, source_system, extract_date,"
        " source_file_path, source_file_sha256, source_line_number, load_id, loaded_at"
        " from staging.stg_crm__orders order by order_id"
    )
    assert rows == [
        # the restated 2026-03-02 file wins over the re-sent older version of 2026-03-03, and the
        # superseded first version of 2026-03-02 (higher updated_at) is ignored
        (
            "O1",
            "cancelled",
            Decimal("100.00"),
            datetime(2026, 3, 2, 10, 0),
            "crm",
            date(2026, 3, 2),
            ORDERS_0302,
            "sha-orders-0302-v2",
            2,
            4,
            loaded_at(4),
        ),
        # same updated_at in two drops: the later extract_date wins
        (
            "O2",
            "confirmed",
            Decimal("50.00"),
            datetime(2026, 3, 1, 11, 0),
            "crm",
            date(2026, 3, 3),
            "crm/2026-03-03/orders.csv",
            "sha-orders-0303",
            3,
            5,
            loaded_at(5),
        ),
        # O3 was only in the superseded file version: gone
    ]


def test_hr_employees_keeps_each_assignment(staging_build: StagingBuild) -> None:
    rows = staging_build.query(
        "select employee_id, valid_from, valid_to, role, team_id, performance_pay_base_amount,"
        " updated_at, extract_date, source_line_number, load_id"
        " from staging.stg_hr__employees order by employee_id, valid_from"
    )
    assert rows == [
        (
            "E1",
            date(2026, 1, 1),
            date(2026, 3, 15),
            "direct_sales",
            "T-EAST",
            Decimal("8000.00"),
            datetime(2026, 3, 16, 8, 0),
            date(2026, 3, 16),
            2,
            7,
        ),
        (
            "E1",
            date(2026, 3, 16),
            None,
            "key_account",
            "T-KA",
            Decimal("9000.00"),
            datetime(2026, 3, 16, 8, 0),
            date(2026, 3, 16),
            3,
            7,
        ),
    ]


def test_plan_targets_keeps_every_version(staging_build: StagingBuild) -> None:
    rows = staging_build.query(
        "select target_id, version, base_value, challenge_value, stretch_value, reason,"
        " approved_at, extract_date, source_file_path, source_line_number, load_id"
        " from staging.stg_plan__targets order by target_id, version"
    )
    assert rows == [
        (
            "TG1",
            1,
            Decimal("100000"),
            Decimal("120000"),
            Decimal("150000"),
            None,
            datetime(2026, 1, 4, 10, 0),
            date(2026, 2, 10),
            "plan/2026-02-10/targets.csv",
            2,
            10,
        ),
        (
            "TG1",
            2,
            Decimal("90000"),
            Decimal("110000"),
            Decimal("140000"),
            "区域调整",
            datetime(2026, 2, 9, 10, 0),
            date(2026, 2, 10),
            "plan/2026-02-10/targets.csv",
            3,
            10,
        ),
    ]


def test_traffic_daily_renamed_date(staging_build: StagingBuild) -> None:
    rows = staging_build.query(
        "select store_id, traffic_date, visitors, load_id"
        " from staging.stg_ecommerce__traffic_daily order by traffic_date"
    )
    assert rows == [("S1", date(2026, 3, 1), 125, 12), ("S1", date(2026, 3, 2), 80, 12)]


def test_stage_history_duplicates_collapse_to_latest_extract(staging_build: StagingBuild) -> None:
    rows = staging_build.query(
        "select opportunity_id, stage, entered_at, extract_date, load_id"
        " from staging.stg_crm__opportunity_stage_history order by entered_at"
    )
    assert rows == [
        ("OP1", "lead", datetime(2026, 2, 1, 10, 0), date(2026, 3, 2), 14),
        ("OP1", "qualified", datetime(2026, 3, 1, 10, 0), date(2026, 3, 2), 14),
    ]


def test_empty_raw_tables_give_empty_staging(staging_build: StagingBuild) -> None:
    assert staging_build.query("select count(*) from staging.stg_finance__receipts") == [(0,)]
