"""Mart checks: control totals, score range, tiers, payout lines; skipped when not built."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from quality.checks import run_checks
from tests.quality.company import day, definitions_company, load, marts_company

COMPENSATION_CHECKS = (
    "weighted_score_in_range",
    "tiers_match_thresholds",
    "payout_lines_add_up",
    "payout_period_totals",
)


def test_clean_marts_pass(con):
    load(con, {**definitions_company(), **marts_company()})
    report = run_checks(con, ["marts"])
    assert report.passed
    assert {r.name: r.status for r in report.results} == {
        "kpi_revenue_reconciles": "passed",
        "kpi_receipts_reconcile": "passed",
        **dict.fromkeys(COMPENSATION_CHECKS, "passed"),
    }
    assert report.result("kpi_revenue_reconciles").observed == "0 of 3 months fail"


@pytest.mark.parametrize("name", COMPENSATION_CHECKS)
def test_compensation_checks_skip_when_their_tables_are_not_built(con, run_one, name):
    load(con, definitions_company())
    result = run_one(name)
    assert (result.status, result.success, result.failing_examples) == ("skipped", True, [])
    assert result.observed.startswith("not built: marts.fct_")


def test_weighted_score_skips_without_the_plan_config(con, run_one):
    tables = marts_company()
    del tables["config.plan_versions"]
    load(con, tables)
    result = run_one("weighted_score_in_range")
    assert (result.status, result.observed) == ("skipped", "not built: config.plan_versions")


# ----------------------------------------------------------------- control totals


def test_kpi_revenue_not_matching_credited_orders_fails(con, run_one):
    tables = definitions_company()
    tables["marts.fct_kpi_values"].row(entity_id="E1", period="2026-02", kpi_code="revenue")[
        "numerator"
    ] = D("119.99")
    orders = tables["intermediate.int_orders_unified"]
    orders.add(**{**orders.row(order_key="crm:O2"), "order_key": "crm:O9", "order_id": "O9"})
    orders.rows[-1].update(order_date=day("2026-03-09"), revenue_amount=D("10.00"))
    load(con, tables)

    result = run_one("kpi_revenue_reconciles")

    assert (result.severity, result.success) == ("error", False)
    assert result.observed == "2 of 3 months fail"
    assert result.failing_examples == [
        {
            "period": "2026-02",
            "kpi_amount": D("149.99"),
            "source_amount": D("150.00"),
            "difference": pytest.approx(-0.01),
        },
        {
            "period": "2026-03",
            "kpi_amount": D("0.00"),
            "source_amount": D("10.00"),
            "difference": pytest.approx(-10.0),
        },
    ]


def test_uncredited_and_invalid_orders_are_outside_the_control_total(con, run_one):
    tables = definitions_company()
    orders = tables["intermediate.int_orders_unified"]
    orders.row(order_key="crm:O3")["revenue_amount"] = D("999.00")  # not valid: never counted
    load(con, tables)
    assert run_one("kpi_revenue_reconciles").success


def test_kpi_receipts_not_matching_credited_receipts_fails(con, run_one):
    tables = definitions_company()
    tables["intermediate.int_receipts_credited"].row(receipt_id="R2").update(
        role=None, team_id=None
    )
    load(con, tables)

    result = run_one("kpi_receipts_reconcile")

    assert not result.success
    assert result.failing_examples == [
        {
            "period": "2026-02",
            "kpi_amount": D("40.00"),
            "source_amount": D("0.00"),
            "difference": pytest.approx(40.0),
        }
    ]


def test_reconciliation_tolerance_is_configurable(con, run_one):
    tables = definitions_company()
    tables["marts.fct_kpi_values"].row(entity_id="E1", period="2026-01", kpi_code="revenue")[
        "numerator"
    ] = D("100.004")
    load(con, tables)
    assert run_one("kpi_revenue_reconciles").success  # within the default 0.005
    strict = run_one("kpi_revenue_reconciles", reconciliation_tolerance=D("0.001"))
    assert [e["period"] for e in strict.failing_examples] == ["2026-01"]


# ----------------------------------------------------------------- weighted score range


def test_weighted_scores_outside_zero_to_hundred_times_cap_fail(con, run_one):
    tables = marts_company()
    summaries = tables["marts.fct_scorecard_summaries"]
    summaries.row(employee_id="E1", period="2026-Q2")["weighted_score"] = D("120.01")  # cap 1.2
    summaries.row(employee_id="E2")["weighted_score"] = D("-0.5")
    summaries.add(
        employee_id="E3",
        role="ecommerce",
        period_type="quarter",
        period="2026-Q1",
        plan_version="1999.1",  # unknown plan: no cap
        weighted_score=D("10"),
    )
    load(con, tables)

    result = run_one("weighted_score_in_range")

    assert not result.success
    assert result.failing_examples == [
        {
            "employee_id": "E1",
            "role": "direct_sales",
            "period_type": "quarter",
            "period": "2026-Q2",
            "plan_version": "2026.2",
            "weighted_score": D("120.01"),
            "score_cap": D("1.2"),
            "max_score": D("120.0"),
        },
        {
            "employee_id": "E2",
            "role": "direct_sales",
            "period_type": "quarter",
            "period": "2026-Q1",
            "plan_version": "2026.1",
            "weighted_score": D("-0.5"),
            "score_cap": D("1.5"),
            "max_score": D("150.0"),
        },
        {
            "employee_id": "E3",
            "role": "ecommerce",
            "period_type": "quarter",
            "period": "2026-Q1",
            "plan_version": "1999.1",
            "weighted_score": D("10"),
            "score_cap": None,
            "max_score": None,
        },
    ]


# ----------------------------------------------------------------- tiers


def test_tiers_inconsistent_with_thresholds_fail(con, run_one):
    tables = marts_company()
    cards = tables["marts.fct_scorecards"]
    cards.row(employee_id="E3", kpi_code="revenue")["tier"] = "base"  # 0.01 short of base
    cards.row(employee_id="E1", kpi_code="avg_first_response_minutes")["tier"] = "base"
    cards.row(employee_id="E5")["tier"] = "none"  # no target: tier must be null
    load(con, tables)

    result = run_one("tiers_match_thresholds")

    assert not result.success
    assert [
        (e["employee_id"], e["kpi_code"], e["tier"], e["expected_tier"])
        for e in result.failing_examples
    ] == [
        ("E1", "avg_first_response_minutes", "base", "challenge"),
        ("E3", "revenue", "base", "none"),
        ("E5", "revenue", "none", None),
    ]
    assert result.failing_examples[1] == {
        "employee_id": "E3",
        "role": "direct_sales",
        "period_type": "quarter",
        "period": "2026-Q1",
        "kpi_code": "revenue",
        "actual_value": D("799999.99"),
        "base_value": D("800000"),
        "challenge_value": D("1000000"),
        "stretch_value": D("1200000"),
        "tier": "base",
        "expected_tier": "none",
    }


def test_lower_is_better_tier_read_as_higher_is_better_fails(con, run_one):
    tables = marts_company()
    # 31 minutes > base 30: 'stretch' would be the higher-is-better reading
    tables["marts.fct_scorecards"].row(employee_id="E2", kpi_code="avg_first_response_minutes")[
        "tier"
    ] = "stretch"
    load(con, tables)
    result = run_one("tiers_match_thresholds")
    assert [(e["employee_id"], e["expected_tier"]) for e in result.failing_examples] == [
        ("E2", "none")
    ]


# ----------------------------------------------------------------- payouts


def test_payout_line_not_adding_up_fails(con, run_one):
    tables = marts_company()
    tables["marts.fct_payouts"].row(payout_id="P2")["payout_amount"] = D("0.01")
    load(con, tables)

    result = run_one("payout_lines_add_up")

    assert not result.success
    assert result.failing_examples == [
        {
            "problem": "payout is not performance pay + tier bonus + adjustments",
            "payout_id": "P2",
            "employee_id": "E2",
            "period_type": "quarter",
            "period": "2026-Q1",
            "performance_pay_amount": D("0.00"),
            "tier_bonus_amount": D("0.00"),
            "adjustments_amount": D("0.00"),
            "payout_amount": D("0.01"),
        }
    ]
    totals = run_one("payout_period_totals")
    assert totals.failing_examples == [
        {
            "period_type": "quarter",
            "period": "2026-Q1",
            "line_count": 2,
            "employee_count": 2,
            "payout_total": D("37500.01"),
            "component_total": D("37500.00"),
            "difference": pytest.approx(0.01),
        }
    ]


def test_negative_payout_fails(con, run_one):
    tables = marts_company()
    tables["marts.fct_payouts"].row(payout_id="P3").update(
        adjustments_amount=D("-5000.00"), payout_amount=D("-125.00")
    )
    load(con, tables)
    result = run_one("payout_lines_add_up")
    assert [(e["problem"], e["payout_id"]) for e in result.failing_examples] == [
        ("negative payout", "P3")
    ]
    assert run_one("payout_period_totals").success  # the line adds up; only its sign is wrong


def test_two_payout_lines_for_one_employee_and_period_fail(con, run_one):
    tables = marts_company()
    payouts = tables["marts.fct_payouts"]
    payouts.add(**{**payouts.row(payout_id="P1"), "payout_id": "P4"})
    load(con, tables)

    lines = run_one("payout_lines_add_up")
    assert [(e["problem"], e["payout_id"]) for e in lines.failing_examples] == [
        ("several payout lines for one employee and period", "P1"),
        ("several payout lines for one employee and period", "P4"),
    ]
    totals = run_one("payout_period_totals")
    assert totals.observed == "1 of 2 payout periods fail"
    assert totals.failing_examples == [
        {
            "period_type": "quarter",
            "period": "2026-Q1",
            "line_count": 3,
            "employee_count": 2,
            "payout_total": D("75000.00"),
            "component_total": D("75000.00"),
            "difference": 0.0,
        }
    ]


def test_examples_are_plain_python_values(con, run_one):
    tables = marts_company()
    tables["marts.fct_scorecards"].row(employee_id="E3", kpi_code="revenue")["tier"] = "base"
    load(con, tables)
    (example,) = run_one("tiers_match_thresholds").failing_examples
    assert isinstance(example["actual_value"], D)
    assert not isinstance(example["period"], dt.date)
