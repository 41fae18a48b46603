"""Employee statements: the rep's own scorecard, score, tier and pay, readable."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from exports.payroll import payout_file
from exports.payroll.lifecycle import approve_period, sync_periods
from exports.payroll.payout_file import export_period
from exports.payroll.statements import build_statement, render_markdown
from tests.exports.payroll_fixtures import BASE_PAYOUTS, make_warehouse, no_holds, publish

D = Decimal


def _scorecards(con) -> None:
    """E001, 2025-Q3: revenue 1,050,000 vs challenge 1,000,000 → 1.05 × 50 = 52.5 points;
    collection 0.90 vs 0.90 → 1.0 × 30 = 30; retention 0.575 vs 0.5 → 1.15 × 20 = 23.
    Score 105.5 → performance pay 20,000.00 × 1.055 = 21,100.00; revenue tier challenge → 10,000."""
    con.execute(
        "create or replace table published.fct_scorecards (employee_id varchar, role varchar, "
        "period_type varchar, period varchar, kpi_code varchar, position integer, "
        "weight_percent decimal(9,4), actual_value decimal(38,6), base_value decimal(38,6), "
        "challenge_value decimal(38,6), stretch_value decimal(38,6), attainment decimal(38,10), "
        "tier varchar, weighted_points decimal(38,14))"
    )
    con.execute(
        "insert into published.fct_scorecards values "
        "('E001', 'direct_sales', 'quarter', '2025-Q3', 'revenue', 1, 50, 1050000, 800000, "
        "1000000, 1200000, 1.05, 'challenge', 52.5), "
        "('E001', 'direct_sales', 'quarter', '2025-Q3', 'collection_rate', 2, 30, 0.9, 0.7, 0.9, "
        "1.0, 1.0, 'challenge', 30), "
        "('E001', 'direct_sales', 'quarter', '2025-Q3', 'customer_retention_rate', 3, 20, 0.575, "
        "0.4, 0.5, 0.55, 1.15, 'stretch', 23)"
    )
    con.execute(
        "update published.fct_payouts set weighted_score = 105.5 where employee_id = 'E001'"
    )
    con.execute(
        "create or replace table published.dim_kpis as select * from (values "
        "('direct_sales', 'revenue', '销售额', 'cny'), "
        "('direct_sales', 'collection_rate', '回款率', 'ratio'), "
        "('direct_sales', 'customer_retention_rate', '客户留存率', 'ratio'), "
        "('direct_sales', 'new_customers', '新客户数', 'count')) t(role, kpi_code, kpi_name_zh, unit)"
    )
    con.execute(
        "insert into published.fct_kpi_values values ('employee', 'E001', 'direct_sales', "
        "'quarter', '2025-Q3', date '2025-07-01', date '2025-09-30', 'new_customers', 4)"
    )


def test_a_statement_shows_scorecard_score_tier_and_pay() -> None:
    con = make_warehouse()
    publish(con, "run-1")
    _scorecards(con)
    sync_periods(con, now=dt.datetime(2026, 1, 15, 3, 5))
    statement = build_statement(con, "E001", "2025-Q3")
    assert statement.pay_lines == [
        ("performance_pay", D("21100.00")),
        ("tier_bonus", D("10000.00")),
    ]
    assert statement.total == D("31100.00")
    text = render_markdown(statement)
    assert text.splitlines()[0] == "# Statement 2025-Q3 — 张伟 (E001)"
    assert "Status: calculated — provisional" in text
    assert (
        "| 销售额 (revenue) | 50% | 1,050,000.00 | 800,000.00 | 1,000,000.00 | 1,200,000.00 "
        "| 105.0% | challenge | 52.50 |" in text
    )
    assert "| 回款率 (collection_rate) | 30% | 90.0% | 70.0% | 90.0% | 100.0% | 100.0% |" in text
    assert "Weighted score: **105.50**" in text
    assert "Primary KPI revenue: tier **challenge**." in text
    assert "Collection rate 90.0% vs gate 50.0%: at or above the gate." in text
    assert "- 新客户数 (new_customers): 4" in text
    assert "| **Total** | **31,100.00** |" in text


def test_a_statement_of_an_exported_period_shows_what_was_paid(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(payout_file, "_trace_freezer", lambda: lambda con, **kwargs: None)
    con = make_warehouse()
    publish(con, "run-1")
    _scorecards(con)
    sync_periods(con, now=dt.datetime(2026, 1, 15, 3, 5))
    approve_period(con, "2025-Q3", actor="zhou", currency="CNY", holds=no_holds)
    export_period(con, "2025-Q3", actor="wang", export_dir=tmp_path, currency="CNY", holds=no_holds)
    later = dict(BASE_PAYOUTS)
    later[("E001", "2025-Q3")] = (D("20100.00"), D("10000.00"), "challenge")
    publish(con, "run-2", payouts=later)
    text = render_markdown(build_statement(con, "E001", "2025-Q3"))
    assert "| **Total** | **31,100.00** |" in text  # the frozen batch, not today's 30,100
    assert "Status: exported — sent to payroll (frozen)" in text
    assert "recalculated since it was paid: 30,100.00 instead of 31,100.00" in text
    assert "| 销售额 (revenue) | 50% | 1,050,000.00 |" in text  # frozen scorecard
