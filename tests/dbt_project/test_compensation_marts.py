"""The compensation marts end to end on the hand-made warehouse of conftest.py, and the largest-
remainder macro on the seeds' 目标分解 example and on many random splits.

The detailed rules (tiers, gate, rounding, weights, cents) are dbt unit tests beside the models
(`models/marts/compensation/_compensation__unit_tests.yml`), which `dbt build` runs here too.
"""

from __future__ import annotations

import random
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from .conftest import StagingBuild, invoke_dbt

D = Decimal
COMPENSATION_MARTS = (
    "fct_target_history",
    "fct_scorecards",
    "fct_scorecard_summaries",
    "fct_payouts",
    "fct_target_suggestions",
)


def test_compensation_models_and_unit_tests_passed(staging_build: StagingBuild) -> None:
    statuses = {r.node.unique_id: str(r.status) for r in staging_build.results}
    for name in (*COMPENSATION_MARTS, "int_targets_versioned", "int_targets_in_force"):
        assert statuses[f"model.sales_kpi_warehouse.{name}"] == "success", name
    unit_tests = {
        uid: status
        for uid, status in statuses.items()
        if uid.startswith("unit_test.sales_kpi_warehouse.fct_")
        or uid.startswith("unit_test.sales_kpi_warehouse.int_targets")
    }
    assert len(unit_tests) >= 9
    assert set(unit_tests.values()) == {"pass"}, unit_tests


def test_target_history_marks_the_version_in_force(staging_build: StagingBuild) -> None:
    rows = staging_build.query(
        "select target_id, version, period_type, period_start_date, challenge_value,"
        " approved_at, superseded_at, is_in_force, previous_version, challenge_value_change,"
        " reason from marts.fct_target_history order by target_id, version"
    )
    assert rows == [
        (
            "TG1",
            1,
            "quarter",
            date(2026, 1, 1),
            D("120000"),
            datetime(2026, 1, 4, 10),
            datetime(2026, 2, 9, 10),
            False,
            None,
            None,
            None,
        ),
        (
            "TG1",
            2,
            "quarter",
            date(2026, 1, 1),
            D("110000"),
            datetime(2026, 2, 9, 10),
            None,
            True,
            1,
            D("-10000"),
            "区域调整",
        ),
    ]
    assert staging_build.query(
        "select scope_type, scope_id, period_type, period, kpi_code, target_id, version,"
        " base_value, challenge_value, stretch_value from intermediate.int_targets_in_force"
    ) == [
        (
            "employee",
            "E1",
            "quarter",
            "2026-Q1",
            "revenue",
            "TG1",
            2,
            D("90000"),
            D("110000"),
            D("140000"),
        )
    ]


def test_scorecard_of_the_re_versioned_target(staging_build: StagingBuild) -> None:
    # E1 sold 50.00 (order O2) as direct sales in 2026-Q1; target TG1 v2 has challenge 110,000:
    # attainment 50 / 110,000 = 0.000454545… → 0.0004545455, below base → tier none,
    # points 50 × 0.0004545455 = 0.022727275; the other two KPIs have no target → 0 points.
    rows = staging_build.query(
        "select kpi_code, plan_version, actual_value, target_id, target_version, attainment,"
        " tier, weighted_points from marts.fct_scorecards"
        " where employee_id = 'E1' and role = 'direct_sales' and period = '2026-Q1'"
        " order by position"
    )
    assert rows == [
        ("revenue", "2026.1", D("50"), "TG1", 2, D("0.0004545455"), "none", D("0.022727275")),
        ("collection_rate", "2026.1", D("0"), None, None, None, None, D("0")),
        ("customer_retention_rate", "2026.1", None, None, None, None, None, D("0")),
    ]
    assert staging_build.query(
        "select weighted_score, primary_kpi_code, primary_tier, is_promotion_eligible"
        " from marts.fct_scorecard_summaries"
        " where employee_id = 'E1' and role = 'direct_sales' and period = '2026-Q1'"
    ) == [(D("0.022727275"), "revenue", "none", False)]


def test_payout_uses_the_role_and_pay_base_at_the_quarter_end(staging_build: StagingBuild) -> None:
    # E1 moved from direct sales to key account on 2026-03-16 (pay base 9,000.00): the key-account
    # scorecard is paid, which has no targets → no tier, no pay.
    rows = staging_build.query(
        "select employee_id, payroll_id, role, team_id, period_type, period, plan_version,"
        " performance_pay_base_amount, primary_kpi_code, primary_tier, is_gated,"
        " performance_pay_amount, tier_bonus_amount, adjustments_amount, payout_amount"
        " from marts.fct_payouts order by employee_id, period"
    )
    assert rows == [
        (
            "E1",
            "P001",
            "key_account",
            "T-KA",
            "quarter",
            "2026-Q1",
            "2026.1",
            D("9000.00"),
            "key_account_revenue",
            None,
            False,
            D("0.00"),
            D("0.00"),
            D("0.00"),
            D("0.00"),
        )
    ]
    types = dict(
        staging_build.query(
            "select column_name, data_type from information_schema.columns"
            " where table_schema = 'marts' and table_name = 'fct_payouts'"
        )
    )
    for column in (
        "performance_pay_base_amount",
        "performance_pay_amount",
        "tier_bonus_amount",
        "adjustments_amount",
        "payout_amount",
    ):
        assert types[column] == "DECIMAL(18,2)", column


# ---------------------------------------------------------------------------------------------
# allocate_largest_remainder on the seeds' example and random splits, against exact arithmetic
# ---------------------------------------------------------------------------------------------


def reference_allocation(total: Decimal, weights: dict[str, Decimal]) -> dict[str, Decimal]:
    """Largest remainder on cents, in exact fractions: floors, then the leftover cents one each to
    the largest remainders, ties by member id."""
    units = int(total * 100)
    weight_sum = sum(Fraction(w) for w in weights.values())
    exact = {k: units * Fraction(w) / weight_sum for k, w in weights.items()}
    floors = {k: v.numerator // v.denominator for k, v in exact.items()}
    leftover = units - sum(floors.values())
    for member in sorted(weights, key=lambda k: (-(exact[k] - floors[k]), k))[:leftover]:
        floors[member] += 1
    return {k: D(v) / 100 for k, v in floors.items()}


SEEDS_WEIGHTS = {f"E{i:02d}": D("1200000") if i <= 3 else D("800000") for i in range(1, 11)}


def test_reference_allocation_of_the_seeds_example() -> None:
    allocation = reference_allocation(D("10000000.00"), SEEDS_WEIGHTS)
    assert allocation == {
        **{f"E{i:02d}": D("1304347.82") for i in (1, 2, 3)},
        **{f"E{i:02d}": D("869565.22") for i in range(4, 11)},
    }
    assert sum(allocation.values()) == D("10000000.00")


def _random_cases(seed: int, count: int) -> list[tuple[str, Decimal, dict[str, Decimal]]]:
    rng = random.Random(seed)
    cases = []
    for index in range(count):
        total = D(rng.randint(1, 10**10)) / 100
        members = rng.randint(1, 12)
        weights = {f"M{m:02d}": D(rng.randint(1, 10**8)) / 100 for m in range(members)}
        if index % 5 == 0:  # equal weights: every remainder ties
            weights = dict.fromkeys(weights, D("1"))
        cases.append((f"R{index:03d}", total, weights))
    return cases


def _show_allocation(tmp_path: Path, cases: list[tuple[str, Decimal, dict[str, Decimal]]]) -> Any:
    values = ",\n".join(
        f"('{group}', '{member}', {weight}, {total})"
        for group, total, weights in cases
        for member, weight in weights.items()
    )
    inline = f"""
with

shares as (

    select
        group_id,
        member_id,
        cast(weight as decimal(38, 6)) as weight,
        cast(total as decimal(18, 2)) as total
    from (values {values}) as input_rows (group_id, member_id, weight, total)

),

{{{{ allocate_largest_remainder('shares', group_columns=['group_id'], member_column='member_id',
    weight_column='weight', total_column='total') }}}}

select group_id, member_id, cast(allocated_amount as varchar) as amount
from allocated_shares
"""
    result = invoke_dbt(
        ["show", "--inline", inline, "--limit", "-1", "--quiet"],
        warehouse=tmp_path / "show.duckdb",
        work_dir=tmp_path,
    )
    if result.exception is not None:
        raise result.exception
    return result.result.results[0].agate_table


@pytest.fixture(scope="module")
def allocation_cases() -> list[tuple[str, Decimal, dict[str, Decimal]]]:
    return [("SEEDS", D("10000000.00"), SEEDS_WEIGHTS), *_random_cases(seed=20261, count=60)]


def test_macro_matches_exact_largest_remainder(
    tmp_path: Path, allocation_cases: list[tuple[str, Decimal, dict[str, Decimal]]]
) -> None:
    table = _show_allocation(tmp_path, allocation_cases)
    got: dict[str, dict[str, Decimal]] = {}
    for group_id, member_id, amount in table.rows:
        got.setdefault(group_id, {})[member_id] = D(amount)

    assert got["SEEDS"] == reference_allocation(D("10000000.00"), SEEDS_WEIGHTS)
    for group, total, weights in allocation_cases:
        assert sum(got[group].values()) == total, group
        assert got[group] == reference_allocation(total, weights), group
