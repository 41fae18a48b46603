"""The arithmetic `trace` shows (exports/trace_rules.py), on hand-computed numbers."""

from __future__ import annotations

from decimal import Decimal

from exports.trace_rules import (
    kpi_definitions,
    kpi_value,
    performance_pay,
    same_amount,
    side_total,
)

D = Decimal


def test_side_total_sums_then_divides_once() -> None:
    # ticket seconds 930 + 2700 = 3630 → 60.5 minutes; 100 s → 1.666667 (half-up, 6 decimals)
    assert side_total([D("930"), D("2700")], 60) == D("60.500000")
    assert side_total([D("100")], 60) == D("1.666667")
    # summing rounded minutes would give 1.666667 × 3 = 5.000001, not 300 / 60 = 5
    assert side_total([D("100"), D("100"), D("100")], 60) == D("5.000000")
    assert side_total([]) == D("0")


def test_kpi_value_rounds_ratios_half_up_and_nulls_zero_denominators() -> None:
    assert kpi_value(D("11040"), D("14690"), is_ratio=True) == D("0.751532")
    assert kpi_value(D("1"), D("8"), is_ratio=True) == D("0.125000")
    assert kpi_value(D("1"), D("3"), is_ratio=True) == D("0.333333")
    assert kpi_value(D("2"), D("3"), is_ratio=True) == D("0.666667")
    assert kpi_value(D("0.0000005"), D("1"), is_ratio=True) == D("0.000001")  # tie: up
    assert kpi_value(D("5"), D("0"), is_ratio=True) is None
    assert kpi_value(D("5"), None, is_ratio=True) is None
    assert kpi_value(D("6780"), None, is_ratio=False) == D("6780")


def test_performance_pay_half_up_once_and_zero_when_gated_or_no_tier() -> None:
    assert performance_pay(
        D("8000"), D("113.416847622"), primary_tier="challenge", is_gated=False
    ) == D("9073.35")
    # 1000 × 0.5 × 0.01 = 5.00; 1000 × 0.0005 × 0.01 = 0.005 → 0.01 (half-up, not to even)
    assert performance_pay(D("1000"), D("0.5"), primary_tier="base", is_gated=False) == D("5.00")
    assert performance_pay(D("1000"), D("0.0005"), primary_tier="base", is_gated=False) == D("0.01")
    assert performance_pay(D("8000"), D("100"), primary_tier="stretch", is_gated=True) == D("0")
    assert performance_pay(D("8000"), D("100"), primary_tier="none", is_gated=False) == D("0")
    assert performance_pay(D("8000"), D("100"), primary_tier=None, is_gated=False) == D("0")


def test_same_amount_compares_numbers_not_representations() -> None:
    assert same_amount(D("1.50"), D("1.5"))
    assert same_amount(None, None)
    assert not same_amount(D("0"), None)
    assert not same_amount(D("1.000001"), D("1"))


def test_every_catalog_code_has_a_definition_text() -> None:
    from tests.dbt_project.test_kpis_hand_company import ALL_CODES

    definitions = kpi_definitions()
    assert sorted(code for code in ALL_CODES if code not in definitions) == []
    assert definitions["revenue"].startswith("`revenue`: 销售额. Sum of `amount_incl_tax`")
