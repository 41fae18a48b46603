"""Checks of the unified definitions on a hand-made mini company (tests/quality/company.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from quality.checks import run_checks
from tests.quality.company import day, definitions_company, load


def test_clean_company_passes_every_definition_check_with_one_warning(con):
    load(con, definitions_company())
    report = run_checks(con, ["definitions"])
    assert report.passed
    assert {r.name: r.status for r in report.results} == {
        "customer_new_once": "passed",
        "new_customers_total_matches_first_orders": "passed",
        "new_customer_first_order_is_earliest": "passed",
        "new_customers_in_first_order_period": "passed",
        "new_customer_first_order_valid": "passed",
        "effective_visit_definition": "passed",
        "orders_credited_on_order_date": "passed",
        "orders_uncredited": "failed",  # S2 after E2 left: a warning
    }
    assert [r.name for r in report.warnings] == ["orders_uncredited"]


# ----------------------------------------------------------------- new at most once


def test_customer_with_two_first_orders_fails(con, run_one):
    tables = definitions_company()
    tables["intermediate.int_customer_first_orders"].add(
        customer_id="C1",
        first_order_key="crm:O2",
        first_order_date=day("2026-02-05"),
        employee_id="E1",
        role="direct_sales",
        team_id="T1",
    )
    load(con, tables)

    result = run_one("customer_new_once")

    assert (result.severity, result.success) == ("error", False)
    assert result.failing_examples == [
        {"customer_id": "C1", "first_order_rows": 2, "first_order_keys": ["crm:O1", "crm:O2"]}
    ]


def test_new_customers_counted_twice_in_kpi_totals_fail(con, run_one):
    tables = definitions_company()
    kpis = tables["marts.fct_kpi_values"]
    kpis.row(entity_type="employee", entity_id="E1", period="2026-03", kpi_code="new_customers")[
        "numerator"
    ] = D("1")
    load(con, tables)

    result = run_one("new_customers_total_matches_first_orders")

    assert not result.success
    assert result.observed == "1 of 6 period-type totals fail"
    assert result.failing_examples == [
        {
            "period_type": "month",
            "entity_type": "employee",
            "kpi_new_customers": 4,
            "first_orders": 3,
        }
    ]


def test_new_customer_lost_from_team_totals_fails(con, run_one):
    tables = definitions_company()
    kpis = tables["marts.fct_kpi_values"]
    kpis.row(entity_type="team", entity_id="T2", period="2026", kpi_code="new_customers")[
        "numerator"
    ] = D("0")
    load(con, tables)
    result = run_one("new_customers_total_matches_first_orders")
    assert result.failing_examples == [
        {"period_type": "year", "entity_type": "team", "kpi_new_customers": 2, "first_orders": 3}
    ]


# ----------------------------------------------------------------- first order is the earliest


def test_an_earlier_valid_order_or_a_missing_first_order_fails(con, run_one):
    tables = definitions_company()
    orders = tables["intermediate.int_orders_unified"]
    orders.row(order_key="crm:O3").update(is_valid_order=True, order_status="confirmed")
    orders.add(
        **{
            **orders.row(order_key="crm:O2"),
            "order_key": "crm:O9",
            "order_id": "O9",
            "customer_id": "C4",
        }
    )
    load(con, tables)

    result = run_one("new_customer_first_order_is_earliest")

    assert not result.success
    assert result.failing_examples == [
        {
            "problem": "an earlier valid order exists",
            "customer_id": "C2",
            "first_order_key": "crm:O4",
            "first_order_date": dt.date(2026, 2, 10),
            "first_order_key_date": dt.date(2026, 2, 10),
            "earliest_valid_order_date": dt.date(2026, 1, 20),
        },
        {
            "problem": "customer with valid orders has no first order",
            "customer_id": "C4",
            "first_order_key": None,
            "first_order_date": None,
            "first_order_key_date": None,
            "earliest_valid_order_date": dt.date(2026, 2, 5),
        },
    ]


def test_first_order_date_not_matching_its_order_fails(con, run_one):
    tables = definitions_company()
    tables["intermediate.int_customer_first_orders"].row(customer_id="C3")["first_order_date"] = (
        day("2026-03-02")
    )
    load(con, tables)
    result = run_one("new_customer_first_order_is_earliest")
    assert [(e["problem"], e["customer_id"]) for e in result.failing_examples] == [
        ("first_order_date is not the date of the first order", "C3")
    ]


# ----------------------------------------------------------------- new in the first order's period


def test_new_customer_counted_in_the_wrong_month_fails(con, run_one):
    tables = definitions_company()
    kpis = tables["marts.fct_kpi_values"]
    kpis.row(entity_id="E1", period="2026-02", kpi_code="new_customers")["numerator"] = D("0")
    kpis.row(entity_id="E1", period="2026-03", kpi_code="new_customers")["numerator"] = D("1")
    load(con, tables)

    result = run_one("new_customers_in_first_order_period")

    assert not result.success
    assert result.failing_examples == [
        {
            "employee_id": "E1",
            "role": "direct_sales",
            "period_type": "month",
            "period": "2026-02",
            "kpi_new_customers": 0,
            "first_orders_in_period": 1,
        },
        {
            "employee_id": "E1",
            "role": "direct_sales",
            "period_type": "month",
            "period": "2026-03",
            "kpi_new_customers": 1,
            "first_orders_in_period": 0,
        },
    ]


def test_new_customer_credited_to_the_wrong_employee_fails(con, run_one):
    tables = definitions_company()
    tables["intermediate.int_customer_first_orders"].row(customer_id="C3")["employee_id"] = "E9"
    load(con, tables)
    result = run_one("new_customers_in_first_order_period")
    assert {(e["employee_id"], e["period"]) for e in result.failing_examples} == {
        (employee, period) for employee in ("E2", "E9") for period in ("2026-02", "2026-Q1", "2026")
    }


# ----------------------------------------------------------------- not new through an invalid order


def test_new_through_a_cancelled_or_unpaid_order_fails(con, run_one):
    tables = definitions_company()
    tables["intermediate.int_customer_first_orders"].row(customer_id="C2").update(
        first_order_key="crm:O3", first_order_date=day("2026-01-20")
    )
    tables["staging.stg_ecommerce__orders"].row(order_id="S1")["paid_at"] = None
    load(con, tables)

    result = run_one("new_customer_first_order_valid")

    assert not result.success
    assert result.failing_examples == [
        {
            "problem": "CRM order not confirmed",
            "customer_id": "C2",
            "first_order_key": "crm:O3",
            "source_system": "crm",
            "order_status": "cancelled",
            "paid_at": None,
        },
        {
            "problem": "shop order never paid",
            "customer_id": "C3",
            "first_order_key": "ecommerce:S1",
            "source_system": "ecommerce",
            "order_status": "paid",
            "paid_at": None,
        },
    ]


def test_new_through_a_refunded_shop_order_fails(con, run_one):
    tables = definitions_company()
    tables["intermediate.int_orders_unified"].row(order_key="ecommerce:S1")["order_status"] = (
        "refunded"
    )
    load(con, tables)
    result = run_one("new_customer_first_order_valid")
    assert [(e["problem"], e["customer_id"]) for e in result.failing_examples] == [
        ("shop order cancelled or refunded", "C3")
    ]


# ----------------------------------------------------------------- effective visits


def test_effective_visit_without_notes_or_not_counted_fails(con, run_one):
    tables = definitions_company()
    credited = tables["intermediate.int_activities_credited"]
    credited.row(activity_id="A2")["is_effective_visit"] = True  # blank notes
    credited.row(activity_id="A1")["is_effective_visit"] = False  # a real one, not counted
    load(con, tables)

    result = run_one("effective_visit_definition")

    assert not result.success
    assert result.failing_examples == [
        {
            "problem": "counted as effective without a customer visit, notes and a next step",
            "activity_id": "A2",
            "employee_id": "E1",
            "activity_date": dt.date(2026, 1, 15),
            "activity_type": "customer_visit",
            "notes": "  ",
            "next_step": "下周报价",
            "source_file_path": "crm/2026-01-15/activities.csv",
            "source_line_number": 3,
        },
        {
            "problem": "customer visit with notes and a next step not counted as effective",
            "activity_id": "A1",
            "employee_id": "E1",
            "activity_date": dt.date(2026, 1, 15),
            "activity_type": "customer_visit",
            "notes": "客户关注交期",
            "next_step": "下周报价",
            "source_file_path": "crm/2026-01-15/activities.csv",
            "source_line_number": 2,
        },
    ]


def test_demo_or_visit_without_next_step_counted_as_effective_fails(con, run_one):
    tables = definitions_company()
    credited = tables["intermediate.int_activities_credited"]
    credited.row(activity_id="A3")["is_effective_visit"] = True
    credited.row(activity_id="A4")["is_effective_visit"] = True
    load(con, tables)
    result = run_one("effective_visit_definition")
    assert [e["activity_id"] for e in result.failing_examples] == ["A3", "A4"]


# ----------------------------------------------------------------- crediting


def test_order_credited_outside_its_assignment_fails(con, run_one):
    tables = definitions_company()
    orders = tables["intermediate.int_orders_unified"]
    orders.row(order_key="crm:O2")["role"] = "key_account"  # E1 never held it
    orders.row(order_key="crm:O1").update(role=None, team_id=None)  # E1 was in force
    load(con, tables)

    result = run_one("orders_credited_on_order_date")

    assert not result.success
    assert result.failing_examples == [
        {
            "problem": "credited to a role/team the employee did not hold on the order date",
            "order_key": "crm:O2",
            "employee_id": "E1",
            "role": "key_account",
            "team_id": "T1",
            "order_date": dt.date(2026, 2, 5),
            "source_file_path": "crm/2026-02-05/orders.csv",
            "source_line_number": 3,
        },
        {
            "problem": "left uncredited although an active assignment covers the order date",
            "order_key": "crm:O1",
            "employee_id": "E1",
            "role": None,
            "team_id": None,
            "order_date": dt.date(2026, 1, 10),
            "source_file_path": "crm/2026-01-10/orders.csv",
            "source_line_number": 2,
        },
    ]


def test_order_credited_through_a_left_row_or_after_the_range_fails(con, run_one):
    tables = definitions_company()
    # S2 (2026-03-02): E2's active row ended 2026-02-28, the later row is status `left`
    tables["intermediate.int_orders_unified"].row(order_key="ecommerce:S2").update(
        role="ecommerce", team_id="T2"
    )
    load(con, tables)
    result = run_one("orders_credited_on_order_date")
    assert [e["order_key"] for e in result.failing_examples] == ["ecommerce:S2"]


def test_uncredited_orders_are_a_warning_listing_them(con, run_one):
    load(con, definitions_company())

    result = run_one("orders_uncredited")

    assert (result.severity, result.success, result.observed) == (
        "warning",
        False,
        "1 uncredited orders",
    )
    assert result.failing_examples == [
        {
            "order_key": "ecommerce:S2",
            "employee_id": "E2",
            "order_date": dt.date(2026, 3, 2),
            "order_status": "paid",
            "is_valid_order": True,
            "revenue_amount": D("20.00"),
            "source_file_path": "ecommerce/2026-03-02/orders.csv",
            "source_line_number": 7,
        }
    ]


def test_no_uncredited_orders_passes(con, run_one):
    tables = definitions_company()
    orders = tables["intermediate.int_orders_unified"]
    orders.rows.remove(orders.row(order_key="ecommerce:S2"))
    load(con, tables)
    assert run_one("orders_uncredited").status == "passed"
