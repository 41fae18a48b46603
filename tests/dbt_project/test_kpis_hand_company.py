"""The hand-built tiny company (issue 3): every KPI of every role and grain, asserted exactly.

`tests/fixtures/hand_company/landing/` holds a tiny but complete set of extract drops (two teams,
six people, one mid-quarter team move, 2025 history for retention, every edge case the KPI
dictionary names). `tests/fixtures/hand_company/NOTES.md` computes every number below by hand
from `shared/spec/kpis.md` and the readings of `docs/kpi_models.md`; each expected row points to
its section there. Nothing here was derived by running the models (NOTES.md §8 logs the one
hand slip the first comparison exposed, corrected by hand).

The fixture loads the landing folder with the real loader (no rejected file, no quarantined row),
then runs `dbt build` the way `staging_build` in conftest.py does, with these vars:
    as_of_date            2026-06-30
    calculation_time      2026-07-01 00:00:00
    history_start_date    2025-10-01   (default: the first extract date, 2026-01-01; the first
                                    drop carries 2025 history, whose periods are asserted too)
Every other var keeps its default (key_account_threshold 1,000,000, expected_lifetime_years 3,
min_order_amount 0, fiscal_year_start_month 1): `--vars` applies to the project's unit tests too,
and some of them rely on the defaults.

What is asserted about `marts.fct_kpi_values`:
  (a) every row of EXPECTED exists with exactly that numerator, denominator and value (ratios:
      value = numerator / denominator rounded half-up to 6 decimals, null when the denominator is 0);
  (b) every other row has numerator 0 and value 0 or null (nothing unexpected is non-zero);
  (c) the (entity, role, period) rows present are exactly those the roster implies, each with all
      KPI codes of its role, once;
  (d) a few `marts.fct_pipeline_funnel` rows (FUNNEL), also computed by hand.

Run:  .venv/bin/pytest tests/dbt_project/test_kpis_hand_company.py
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.loader import LoadReport, load_landing
from ingestion.warehouse import connect

from .conftest import invoke_dbt

D = Decimal
FIXTURE_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "hand_company"
LANDING_DIR = FIXTURE_DIR / "landing"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
PLAN_CONFIG = PROJECT_ROOT / "config" / "compensation_plan.yml"

DBT_VARS = {
    "as_of_date": "2026-06-30",
    "calculation_time": "2026-07-01 00:00:00",
    # The first drop (2026-01-01) carries history back to 2025-10-01 (DS1's roster row, order
    # O101); without this var the project reports periods only from the first extract date on
    # (DECISIONLOG "Reported periods") and the 2025 rows of NOTES.md §5.1/§5.3 would not exist.
    "history_start_date": "2025-10-01",
}

# ---------------------------------------------------------------------------------------------
# KPI codes per role (shared/spec/kpis.md) and which of them are ratios (means count as ratios)
# ---------------------------------------------------------------------------------------------
ORDER_CODES = (
    "revenue",
    "revenue_excl_tax",
    "new_customer_revenue",
    "existing_customer_revenue",
    "new_customers",
    "collection_rate",
)
ROLE_CODES: dict[str, frozenset[str]] = {
    "direct_sales": frozenset(
        (*ORDER_CODES, "customer_retention_rate", "effective_visits", "needs_reports")
    ),
    "channel_sales": frozenset(
        (
            *ORDER_CODES,
            "channel_revenue",
            "new_distributors",
            "distribution_coverage_rate",
            "distributor_visits",
            "channel_trainings",
        )
    ),
    "ecommerce": frozenset(
        (
            *ORDER_CODES,
            "gmv",
            "net_sales",
            "conversion_rate",
            "repurchase_rate",
            "average_order_value",
            "avg_first_response_minutes",
            "campaigns_participated",
        )
    ),
    "key_account": frozenset(
        (
            *ORDER_CODES,
            "key_account_revenue",
            "key_account_signings",
            "customer_lifetime_value",
            "research_depth",
            "milestone_achievement_rate",
        )
    ),
    "sales_manager": frozenset(
        (
            "team_revenue",
            "team_new_customers",
            "team_effective_visits",
            "team_target_attainment",
            "avg_sales_cycle_days",
            "win_rate",
            "customer_satisfaction",
            "collaboration_score",
        )
    ),
}
ALL_CODES = sorted(set().union(*ROLE_CODES.values()))
RATIO_CODES = frozenset(
    {
        "collection_rate",
        "customer_retention_rate",
        "distribution_coverage_rate",
        "conversion_rate",
        "repurchase_rate",
        "average_order_value",
        "avg_first_response_minutes",
        "milestone_achievement_rate",
        "team_target_attainment",
        "avg_sales_cycle_days",
        "win_rate",
        "customer_satisfaction",
        "collaboration_score",
    }
)
LOWER_IS_BETTER = frozenset({"avg_first_response_minutes", "avg_sales_cycle_days"})

# ---------------------------------------------------------------------------------------------
# (c) the (entity, role, period) skeleton implied by the roster (NOTES.md §2.1 and §6)
# ---------------------------------------------------------------------------------------------
P2025 = (("month", "2025-10"), ("month", "2025-11"), ("month", "2025-12"),
         ("quarter", "2025-Q4"), ("year", "2025"))  # fmt: skip
P2026 = (
    *(("month", f"2026-0{m}") for m in range(1, 7)),
    ("quarter", "2026-Q1"),
    ("quarter", "2026-Q2"),
    ("year", "2026"),
)
# T2 exists from 2026-02-16 (DS2's second roster row): no January row.
P2026_FROM_FEB = tuple(p for p in P2026 if p != ("month", "2026-01"))

EXPECTED_ENTITY_PERIODS: dict[tuple[str, str, str], tuple[tuple[str, str], ...]] = {
    ("employee", "M1", "sales_manager"): P2026,
    ("employee", "DS1", "direct_sales"): P2025 + P2026,  # roster row from 2025-10-01
    ("employee", "DS2", "direct_sales"): P2026,  # T1 until 2026-02-15, T2 from 2026-02-16
    ("employee", "CH1", "channel_sales"): P2026,
    ("employee", "EC1", "ecommerce"): P2026,
    ("employee", "KA1", "key_account"): P2026,
    ("team", "T1", "sales_manager"): P2026,
    ("team", "T1", "direct_sales"): P2025 + P2026,  # DS1 (and DS2 until 2026-02-15)
    ("team", "T1", "channel_sales"): P2026,
    ("team", "T1", "ecommerce"): P2026,
    ("team", "T1", "key_account"): P2026,
    ("team", "T2", "direct_sales"): P2026_FROM_FEB,
}

# ---------------------------------------------------------------------------------------------
# (a) the expected KPI rows, computed by hand in tests/fixtures/hand_company/NOTES.md (section
# after each row). Rows not listed here must be 0 (non-ratios) or 0/x, 0/0 ratios (see (b)).
# (entity_type, entity_id, role, period_type, period, kpi_code) -> (numerator, denominator, value)
# ---------------------------------------------------------------------------------------------
# fmt: off
EXPECTED: dict[tuple[str, str, str, str, str, str], tuple[Decimal, Decimal | None, Decimal | None]] = {
    # ---- employee DS1 / direct_sales: NOTES.md §5.1
    ("employee", "DS1", "direct_sales", "month", "2025-10", "revenue"): (D("11300"), None, D("11300")),  # §5.1 revenue
    ("employee", "DS1", "direct_sales", "month", "2025-11", "revenue"): (D("5650"), None, D("5650")),  # §5.1 revenue
    ("employee", "DS1", "direct_sales", "month", "2025-12", "revenue"): (D("2260"), None, D("2260")),  # §5.1 revenue
    ("employee", "DS1", "direct_sales", "quarter", "2025-Q4", "revenue"): (D("19210"), None, D("19210")),  # §5.1 revenue
    ("employee", "DS1", "direct_sales", "year", "2025", "revenue"): (D("19210"), None, D("19210")),  # §5.1 revenue
    ("employee", "DS1", "direct_sales", "month", "2026-01", "revenue"): (D("3390"), None, D("3390")),  # §5.1 revenue
    ("employee", "DS1", "direct_sales", "month", "2026-02", "revenue"): (D("4520"), None, D("4520")),  # §5.1 revenue
    ("employee", "DS1", "direct_sales", "month", "2026-03", "revenue"): (D("6780"), None, D("6780")),  # §5.1 revenue
    ("employee", "DS1", "direct_sales", "month", "2026-05", "revenue"): (D("2260"), None, D("2260")),  # §5.1 revenue
    ("employee", "DS1", "direct_sales", "month", "2026-06", "revenue"): (D("1130"), None, D("1130")),  # §5.1 revenue
    ("employee", "DS1", "direct_sales", "quarter", "2026-Q1", "revenue"): (D("14690"), None, D("14690")),  # §5.1 revenue
    ("employee", "DS1", "direct_sales", "quarter", "2026-Q2", "revenue"): (D("3390"), None, D("3390")),  # §5.1 revenue
    ("employee", "DS1", "direct_sales", "year", "2026", "revenue"): (D("18080"), None, D("18080")),  # §5.1 revenue
    ("employee", "DS1", "direct_sales", "month", "2025-10", "revenue_excl_tax"): (D("10000"), None, D("10000")),  # §5.1 revenue_excl_tax
    ("employee", "DS1", "direct_sales", "month", "2025-11", "revenue_excl_tax"): (D("5000"), None, D("5000")),  # §5.1 revenue_excl_tax
    ("employee", "DS1", "direct_sales", "month", "2025-12", "revenue_excl_tax"): (D("2000"), None, D("2000")),  # §5.1 revenue_excl_tax
    ("employee", "DS1", "direct_sales", "quarter", "2025-Q4", "revenue_excl_tax"): (D("17000"), None, D("17000")),  # §5.1 revenue_excl_tax
    ("employee", "DS1", "direct_sales", "year", "2025", "revenue_excl_tax"): (D("17000"), None, D("17000")),  # §5.1 revenue_excl_tax
    ("employee", "DS1", "direct_sales", "month", "2026-01", "revenue_excl_tax"): (D("3000"), None, D("3000")),  # §5.1 revenue_excl_tax
    ("employee", "DS1", "direct_sales", "month", "2026-02", "revenue_excl_tax"): (D("4000"), None, D("4000")),  # §5.1 revenue_excl_tax
    ("employee", "DS1", "direct_sales", "month", "2026-03", "revenue_excl_tax"): (D("6000"), None, D("6000")),  # §5.1 revenue_excl_tax
    ("employee", "DS1", "direct_sales", "month", "2026-05", "revenue_excl_tax"): (D("2000"), None, D("2000")),  # §5.1 revenue_excl_tax
    ("employee", "DS1", "direct_sales", "month", "2026-06", "revenue_excl_tax"): (D("1000"), None, D("1000")),  # §5.1 revenue_excl_tax
    ("employee", "DS1", "direct_sales", "quarter", "2026-Q1", "revenue_excl_tax"): (D("13000"), None, D("13000")),  # §5.1 revenue_excl_tax
    ("employee", "DS1", "direct_sales", "quarter", "2026-Q2", "revenue_excl_tax"): (D("3000"), None, D("3000")),  # §5.1 revenue_excl_tax
    ("employee", "DS1", "direct_sales", "year", "2026", "revenue_excl_tax"): (D("16000"), None, D("16000")),  # §5.1 revenue_excl_tax
    ("employee", "DS1", "direct_sales", "month", "2025-10", "new_customer_revenue"): (D("11300"), None, D("11300")),  # §5.1 new_customer_revenue
    ("employee", "DS1", "direct_sales", "month", "2025-11", "new_customer_revenue"): (D("5650"), None, D("5650")),  # §5.1 new_customer_revenue
    ("employee", "DS1", "direct_sales", "quarter", "2025-Q4", "new_customer_revenue"): (D("19210"), None, D("19210")),  # §5.1 new_customer_revenue
    ("employee", "DS1", "direct_sales", "year", "2025", "new_customer_revenue"): (D("19210"), None, D("19210")),  # §5.1 new_customer_revenue
    ("employee", "DS1", "direct_sales", "month", "2026-02", "new_customer_revenue"): (D("4520"), None, D("4520")),  # §5.1 new_customer_revenue
    ("employee", "DS1", "direct_sales", "month", "2026-03", "new_customer_revenue"): (D("6780"), None, D("6780")),  # §5.1 new_customer_revenue
    ("employee", "DS1", "direct_sales", "quarter", "2026-Q1", "new_customer_revenue"): (D("11300"), None, D("11300")),  # §5.1 new_customer_revenue
    ("employee", "DS1", "direct_sales", "year", "2026", "new_customer_revenue"): (D("12430"), None, D("12430")),  # §5.1 new_customer_revenue
    ("employee", "DS1", "direct_sales", "month", "2025-12", "existing_customer_revenue"): (D("2260"), None, D("2260")),  # §5.1 existing_customer_revenue
    ("employee", "DS1", "direct_sales", "month", "2026-01", "existing_customer_revenue"): (D("3390"), None, D("3390")),  # §5.1 existing_customer_revenue
    ("employee", "DS1", "direct_sales", "month", "2026-05", "existing_customer_revenue"): (D("2260"), None, D("2260")),  # §5.1 existing_customer_revenue
    ("employee", "DS1", "direct_sales", "month", "2026-06", "existing_customer_revenue"): (D("1130"), None, D("1130")),  # §5.1 existing_customer_revenue
    ("employee", "DS1", "direct_sales", "quarter", "2026-Q1", "existing_customer_revenue"): (D("3390"), None, D("3390")),  # §5.1 existing_customer_revenue
    ("employee", "DS1", "direct_sales", "quarter", "2026-Q2", "existing_customer_revenue"): (D("3390"), None, D("3390")),  # §5.1 existing_customer_revenue
    ("employee", "DS1", "direct_sales", "year", "2026", "existing_customer_revenue"): (D("5650"), None, D("5650")),  # §5.1 existing_customer_revenue
    ("employee", "DS1", "direct_sales", "month", "2025-10", "new_customers"): (D("1"), None, D("1")),  # §5.1 new_customers
    ("employee", "DS1", "direct_sales", "month", "2025-11", "new_customers"): (D("1"), None, D("1")),  # §5.1 new_customers
    ("employee", "DS1", "direct_sales", "quarter", "2025-Q4", "new_customers"): (D("2"), None, D("2")),  # §5.1 new_customers
    ("employee", "DS1", "direct_sales", "year", "2025", "new_customers"): (D("2"), None, D("2")),  # §5.1 new_customers
    ("employee", "DS1", "direct_sales", "month", "2026-02", "new_customers"): (D("1"), None, D("1")),  # §5.1 new_customers
    ("employee", "DS1", "direct_sales", "month", "2026-03", "new_customers"): (D("1"), None, D("1")),  # §5.1 new_customers
    ("employee", "DS1", "direct_sales", "quarter", "2026-Q1", "new_customers"): (D("2"), None, D("2")),  # §5.1 new_customers
    ("employee", "DS1", "direct_sales", "year", "2026", "new_customers"): (D("2"), None, D("2")),  # §5.1 new_customers
    ("employee", "DS1", "direct_sales", "month", "2025-10", "collection_rate"): (D("0"), D("11300"), D("0.000000")),  # §5.1 collection_rate
    ("employee", "DS1", "direct_sales", "month", "2025-11", "collection_rate"): (D("11300"), D("5650"), D("2.000000")),  # §5.1 collection_rate
    ("employee", "DS1", "direct_sales", "month", "2025-12", "collection_rate"): (D("0"), D("2260"), D("0.000000")),  # §5.1 collection_rate
    ("employee", "DS1", "direct_sales", "quarter", "2025-Q4", "collection_rate"): (D("11300"), D("19210"), D("0.588235")),  # §5.1 collection_rate
    ("employee", "DS1", "direct_sales", "year", "2025", "collection_rate"): (D("11300"), D("19210"), D("0.588235")),  # §5.1 collection_rate
    ("employee", "DS1", "direct_sales", "month", "2026-01", "collection_rate"): (D("5650"), D("3390"), D("1.666667")),  # §5.1 collection_rate
    ("employee", "DS1", "direct_sales", "month", "2026-02", "collection_rate"): (D("3390"), D("4520"), D("0.750000")),  # §5.1 collection_rate
    ("employee", "DS1", "direct_sales", "month", "2026-03", "collection_rate"): (D("2000"), D("6780"), D("0.294985")),  # §5.1 collection_rate
    ("employee", "DS1", "direct_sales", "month", "2026-04", "collection_rate"): (D("2520"), D("0"), None),  # §5.1 collection_rate
    ("employee", "DS1", "direct_sales", "month", "2026-05", "collection_rate"): (D("0"), D("2260"), D("0.000000")),  # §5.1 collection_rate
    ("employee", "DS1", "direct_sales", "month", "2026-06", "collection_rate"): (D("0"), D("1130"), D("0.000000")),  # §5.1 collection_rate
    ("employee", "DS1", "direct_sales", "quarter", "2026-Q1", "collection_rate"): (D("11040"), D("14690"), D("0.751532")),  # §5.1 collection_rate
    ("employee", "DS1", "direct_sales", "quarter", "2026-Q2", "collection_rate"): (D("2520"), D("3390"), D("0.743363")),  # §5.1 collection_rate
    ("employee", "DS1", "direct_sales", "year", "2026", "collection_rate"): (D("13560"), D("18080"), D("0.750000")),  # §5.1 collection_rate
    ("employee", "DS1", "direct_sales", "month", "2025-10", "customer_retention_rate"): (D("0"), D("0"), None),  # §5.1 customer_retention_rate
    ("employee", "DS1", "direct_sales", "month", "2025-11", "customer_retention_rate"): (D("0"), D("1"), D("0.000000")),  # §5.1 customer_retention_rate
    ("employee", "DS1", "direct_sales", "month", "2025-12", "customer_retention_rate"): (D("1"), D("2"), D("0.500000")),  # §5.1 customer_retention_rate
    ("employee", "DS1", "direct_sales", "quarter", "2025-Q4", "customer_retention_rate"): (D("0"), D("0"), None),  # §5.1 customer_retention_rate
    ("employee", "DS1", "direct_sales", "year", "2025", "customer_retention_rate"): (D("0"), D("0"), None),  # §5.1 customer_retention_rate
    ("employee", "DS1", "direct_sales", "month", "2026-01", "customer_retention_rate"): (D("1"), D("2"), D("0.500000")),  # §5.1 customer_retention_rate
    ("employee", "DS1", "direct_sales", "month", "2026-02", "customer_retention_rate"): (D("0"), D("2"), D("0.000000")),  # §5.1 customer_retention_rate
    ("employee", "DS1", "direct_sales", "month", "2026-03", "customer_retention_rate"): (D("0"), D("3"), D("0.000000")),  # §5.1 customer_retention_rate
    ("employee", "DS1", "direct_sales", "month", "2026-04", "customer_retention_rate"): (D("0"), D("4"), D("0.000000")),  # §5.1 customer_retention_rate
    ("employee", "DS1", "direct_sales", "month", "2026-05", "customer_retention_rate"): (D("1"), D("4"), D("0.250000")),  # §5.1 customer_retention_rate
    ("employee", "DS1", "direct_sales", "month", "2026-06", "customer_retention_rate"): (D("1"), D("4"), D("0.250000")),  # §5.1 customer_retention_rate
    ("employee", "DS1", "direct_sales", "quarter", "2026-Q1", "customer_retention_rate"): (D("1"), D("2"), D("0.500000")),  # §5.1 customer_retention_rate
    ("employee", "DS1", "direct_sales", "quarter", "2026-Q2", "customer_retention_rate"): (D("2"), D("4"), D("0.500000")),  # §5.1 customer_retention_rate
    ("employee", "DS1", "direct_sales", "year", "2026", "customer_retention_rate"): (D("1"), D("2"), D("0.500000")),  # §5.1 customer_retention_rate
    ("employee", "DS1", "direct_sales", "month", "2026-01", "effective_visits"): (D("1"), None, D("1")),  # §5.1 effective_visits
    ("employee", "DS1", "direct_sales", "month", "2026-03", "effective_visits"): (D("1"), None, D("1")),  # §5.1 effective_visits
    ("employee", "DS1", "direct_sales", "month", "2026-04", "effective_visits"): (D("1"), None, D("1")),  # §5.1 effective_visits
    ("employee", "DS1", "direct_sales", "quarter", "2026-Q1", "effective_visits"): (D("2"), None, D("2")),  # §5.1 effective_visits
    ("employee", "DS1", "direct_sales", "quarter", "2026-Q2", "effective_visits"): (D("1"), None, D("1")),  # §5.1 effective_visits
    ("employee", "DS1", "direct_sales", "year", "2026", "effective_visits"): (D("3"), None, D("3")),  # §5.1 effective_visits
    ("employee", "DS1", "direct_sales", "month", "2026-03", "needs_reports"): (D("1"), None, D("1")),  # §5.1 needs_reports
    ("employee", "DS1", "direct_sales", "month", "2026-06", "needs_reports"): (D("1"), None, D("1")),  # §5.1 needs_reports
    ("employee", "DS1", "direct_sales", "quarter", "2026-Q1", "needs_reports"): (D("1"), None, D("1")),  # §5.1 needs_reports
    ("employee", "DS1", "direct_sales", "quarter", "2026-Q2", "needs_reports"): (D("1"), None, D("1")),  # §5.1 needs_reports
    ("employee", "DS1", "direct_sales", "year", "2026", "needs_reports"): (D("2"), None, D("2")),  # §5.1 needs_reports
    # ---- employee DS2 / direct_sales: NOTES.md §5.2
    ("employee", "DS2", "direct_sales", "month", "2026-01", "revenue"): (D("9040"), None, D("9040")),  # §5.2 revenue
    ("employee", "DS2", "direct_sales", "month", "2026-03", "revenue"): (D("3390"), None, D("3390")),  # §5.2 revenue
    ("employee", "DS2", "direct_sales", "month", "2026-04", "revenue"): (D("2260"), None, D("2260")),  # §5.2 revenue
    ("employee", "DS2", "direct_sales", "quarter", "2026-Q1", "revenue"): (D("12430"), None, D("12430")),  # §5.2 revenue
    ("employee", "DS2", "direct_sales", "quarter", "2026-Q2", "revenue"): (D("2260"), None, D("2260")),  # §5.2 revenue
    ("employee", "DS2", "direct_sales", "year", "2026", "revenue"): (D("14690"), None, D("14690")),  # §5.2 revenue
    ("employee", "DS2", "direct_sales", "month", "2026-01", "revenue_excl_tax"): (D("8000"), None, D("8000")),  # §5.2 revenue_excl_tax
    ("employee", "DS2", "direct_sales", "month", "2026-03", "revenue_excl_tax"): (D("3000"), None, D("3000")),  # §5.2 revenue_excl_tax
    ("employee", "DS2", "direct_sales", "month", "2026-04", "revenue_excl_tax"): (D("2000"), None, D("2000")),  # §5.2 revenue_excl_tax
    ("employee", "DS2", "direct_sales", "quarter", "2026-Q1", "revenue_excl_tax"): (D("11000"), None, D("11000")),  # §5.2 revenue_excl_tax
    ("employee", "DS2", "direct_sales", "quarter", "2026-Q2", "revenue_excl_tax"): (D("2000"), None, D("2000")),  # §5.2 revenue_excl_tax
    ("employee", "DS2", "direct_sales", "year", "2026", "revenue_excl_tax"): (D("13000"), None, D("13000")),  # §5.2 revenue_excl_tax
    ("employee", "DS2", "direct_sales", "month", "2026-01", "new_customer_revenue"): (D("9040"), None, D("9040")),  # §5.2 new_customer_revenue
    ("employee", "DS2", "direct_sales", "quarter", "2026-Q1", "new_customer_revenue"): (D("12430"), None, D("12430")),  # §5.2 new_customer_revenue
    ("employee", "DS2", "direct_sales", "year", "2026", "new_customer_revenue"): (D("14690"), None, D("14690")),  # §5.2 new_customer_revenue
    ("employee", "DS2", "direct_sales", "month", "2026-03", "existing_customer_revenue"): (D("3390"), None, D("3390")),  # §5.2 existing_customer_revenue
    ("employee", "DS2", "direct_sales", "month", "2026-04", "existing_customer_revenue"): (D("2260"), None, D("2260")),  # §5.2 existing_customer_revenue
    ("employee", "DS2", "direct_sales", "quarter", "2026-Q2", "existing_customer_revenue"): (D("2260"), None, D("2260")),  # §5.2 existing_customer_revenue
    ("employee", "DS2", "direct_sales", "month", "2026-01", "new_customers"): (D("1"), None, D("1")),  # §5.2 new_customers
    ("employee", "DS2", "direct_sales", "quarter", "2026-Q1", "new_customers"): (D("1"), None, D("1")),  # §5.2 new_customers
    ("employee", "DS2", "direct_sales", "year", "2026", "new_customers"): (D("1"), None, D("1")),  # §5.2 new_customers
    ("employee", "DS2", "direct_sales", "month", "2026-01", "collection_rate"): (D("0"), D("9040"), D("0.000000")),  # §5.2 collection_rate
    ("employee", "DS2", "direct_sales", "month", "2026-02", "collection_rate"): (D("9040"), D("0"), None),  # §5.2 collection_rate
    ("employee", "DS2", "direct_sales", "month", "2026-03", "collection_rate"): (D("0"), D("3390"), D("0.000000")),  # §5.2 collection_rate
    ("employee", "DS2", "direct_sales", "month", "2026-04", "collection_rate"): (D("0"), D("2260"), D("0.000000")),  # §5.2 collection_rate
    ("employee", "DS2", "direct_sales", "month", "2026-05", "collection_rate"): (D("0"), D("0"), None),  # §5.2 collection_rate
    ("employee", "DS2", "direct_sales", "month", "2026-06", "collection_rate"): (D("0"), D("0"), None),  # §5.2 collection_rate
    ("employee", "DS2", "direct_sales", "quarter", "2026-Q1", "collection_rate"): (D("9040"), D("12430"), D("0.727273")),  # §5.2 collection_rate
    ("employee", "DS2", "direct_sales", "quarter", "2026-Q2", "collection_rate"): (D("0"), D("2260"), D("0.000000")),  # §5.2 collection_rate
    ("employee", "DS2", "direct_sales", "year", "2026", "collection_rate"): (D("9040"), D("14690"), D("0.615385")),  # §5.2 collection_rate
    ("employee", "DS2", "direct_sales", "month", "2026-01", "customer_retention_rate"): (D("0"), D("0"), None),  # §5.2 customer_retention_rate
    ("employee", "DS2", "direct_sales", "month", "2026-02", "customer_retention_rate"): (D("0"), D("1"), D("0.000000")),  # §5.2 customer_retention_rate
    ("employee", "DS2", "direct_sales", "month", "2026-03", "customer_retention_rate"): (D("1"), D("1"), D("1.000000")),  # §5.2 customer_retention_rate
    ("employee", "DS2", "direct_sales", "month", "2026-04", "customer_retention_rate"): (D("0"), D("1"), D("0.000000")),  # §5.2 customer_retention_rate
    ("employee", "DS2", "direct_sales", "month", "2026-05", "customer_retention_rate"): (D("0"), D("2"), D("0.000000")),  # §5.2 customer_retention_rate
    ("employee", "DS2", "direct_sales", "month", "2026-06", "customer_retention_rate"): (D("0"), D("2"), D("0.000000")),  # §5.2 customer_retention_rate
    ("employee", "DS2", "direct_sales", "quarter", "2026-Q1", "customer_retention_rate"): (D("0"), D("0"), None),  # §5.2 customer_retention_rate
    ("employee", "DS2", "direct_sales", "quarter", "2026-Q2", "customer_retention_rate"): (D("0"), D("1"), D("0.000000")),  # §5.2 customer_retention_rate
    ("employee", "DS2", "direct_sales", "year", "2026", "customer_retention_rate"): (D("0"), D("0"), None),  # §5.2 customer_retention_rate
    ("employee", "DS2", "direct_sales", "month", "2026-01", "effective_visits"): (D("1"), None, D("1")),  # §5.2 effective_visits
    ("employee", "DS2", "direct_sales", "month", "2026-02", "effective_visits"): (D("1"), None, D("1")),  # §5.2 effective_visits
    ("employee", "DS2", "direct_sales", "month", "2026-03", "effective_visits"): (D("1"), None, D("1")),  # §5.2 effective_visits
    ("employee", "DS2", "direct_sales", "quarter", "2026-Q1", "effective_visits"): (D("3"), None, D("3")),  # §5.2 effective_visits
    ("employee", "DS2", "direct_sales", "year", "2026", "effective_visits"): (D("3"), None, D("3")),  # §5.2 effective_visits
    ("employee", "DS2", "direct_sales", "month", "2026-02", "needs_reports"): (D("1"), None, D("1")),  # §5.2 needs_reports
    ("employee", "DS2", "direct_sales", "quarter", "2026-Q1", "needs_reports"): (D("1"), None, D("1")),  # §5.2 needs_reports
    ("employee", "DS2", "direct_sales", "year", "2026", "needs_reports"): (D("1"), None, D("1")),  # §5.2 needs_reports
    # ---- team T1 / direct_sales: NOTES.md §5.3
    ("team", "T1", "direct_sales", "month", "2025-10", "revenue"): (D("11300"), None, D("11300")),  # §5.3 revenue
    ("team", "T1", "direct_sales", "month", "2025-11", "revenue"): (D("5650"), None, D("5650")),  # §5.3 revenue
    ("team", "T1", "direct_sales", "month", "2025-12", "revenue"): (D("2260"), None, D("2260")),  # §5.3 revenue
    ("team", "T1", "direct_sales", "quarter", "2025-Q4", "revenue"): (D("19210"), None, D("19210")),  # §5.3 revenue
    ("team", "T1", "direct_sales", "year", "2025", "revenue"): (D("19210"), None, D("19210")),  # §5.3 revenue
    ("team", "T1", "direct_sales", "month", "2026-01", "revenue"): (D("12430"), None, D("12430")),  # §5.3 revenue
    ("team", "T1", "direct_sales", "month", "2026-02", "revenue"): (D("4520"), None, D("4520")),  # §5.3 revenue
    ("team", "T1", "direct_sales", "month", "2026-03", "revenue"): (D("6780"), None, D("6780")),  # §5.3 revenue
    ("team", "T1", "direct_sales", "month", "2026-05", "revenue"): (D("2260"), None, D("2260")),  # §5.3 revenue
    ("team", "T1", "direct_sales", "month", "2026-06", "revenue"): (D("1130"), None, D("1130")),  # §5.3 revenue
    ("team", "T1", "direct_sales", "quarter", "2026-Q1", "revenue"): (D("23730"), None, D("23730")),  # §5.3 revenue
    ("team", "T1", "direct_sales", "quarter", "2026-Q2", "revenue"): (D("3390"), None, D("3390")),  # §5.3 revenue
    ("team", "T1", "direct_sales", "year", "2026", "revenue"): (D("27120"), None, D("27120")),  # §5.3 revenue
    ("team", "T1", "direct_sales", "month", "2025-10", "revenue_excl_tax"): (D("10000"), None, D("10000")),  # §5.3 revenue_excl_tax
    ("team", "T1", "direct_sales", "month", "2025-11", "revenue_excl_tax"): (D("5000"), None, D("5000")),  # §5.3 revenue_excl_tax
    ("team", "T1", "direct_sales", "month", "2025-12", "revenue_excl_tax"): (D("2000"), None, D("2000")),  # §5.3 revenue_excl_tax
    ("team", "T1", "direct_sales", "quarter", "2025-Q4", "revenue_excl_tax"): (D("17000"), None, D("17000")),  # §5.3 revenue_excl_tax
    ("team", "T1", "direct_sales", "year", "2025", "revenue_excl_tax"): (D("17000"), None, D("17000")),  # §5.3 revenue_excl_tax
    ("team", "T1", "direct_sales", "month", "2026-01", "revenue_excl_tax"): (D("11000"), None, D("11000")),  # §5.3 revenue_excl_tax
    ("team", "T1", "direct_sales", "month", "2026-02", "revenue_excl_tax"): (D("4000"), None, D("4000")),  # §5.3 revenue_excl_tax
    ("team", "T1", "direct_sales", "month", "2026-03", "revenue_excl_tax"): (D("6000"), None, D("6000")),  # §5.3 revenue_excl_tax
    ("team", "T1", "direct_sales", "month", "2026-05", "revenue_excl_tax"): (D("2000"), None, D("2000")),  # §5.3 revenue_excl_tax
    ("team", "T1", "direct_sales", "month", "2026-06", "revenue_excl_tax"): (D("1000"), None, D("1000")),  # §5.3 revenue_excl_tax
    ("team", "T1", "direct_sales", "quarter", "2026-Q1", "revenue_excl_tax"): (D("21000"), None, D("21000")),  # §5.3 revenue_excl_tax
    ("team", "T1", "direct_sales", "quarter", "2026-Q2", "revenue_excl_tax"): (D("3000"), None, D("3000")),  # §5.3 revenue_excl_tax
    ("team", "T1", "direct_sales", "year", "2026", "revenue_excl_tax"): (D("24000"), None, D("24000")),  # §5.3 revenue_excl_tax
    ("team", "T1", "direct_sales", "month", "2025-10", "new_customer_revenue"): (D("11300"), None, D("11300")),  # §5.3 new_customer_revenue
    ("team", "T1", "direct_sales", "month", "2025-11", "new_customer_revenue"): (D("5650"), None, D("5650")),  # §5.3 new_customer_revenue
    ("team", "T1", "direct_sales", "quarter", "2025-Q4", "new_customer_revenue"): (D("19210"), None, D("19210")),  # §5.3 new_customer_revenue
    ("team", "T1", "direct_sales", "year", "2025", "new_customer_revenue"): (D("19210"), None, D("19210")),  # §5.3 new_customer_revenue
    ("team", "T1", "direct_sales", "month", "2026-01", "new_customer_revenue"): (D("9040"), None, D("9040")),  # §5.3 new_customer_revenue
    ("team", "T1", "direct_sales", "month", "2026-02", "new_customer_revenue"): (D("4520"), None, D("4520")),  # §5.3 new_customer_revenue
    ("team", "T1", "direct_sales", "month", "2026-03", "new_customer_revenue"): (D("6780"), None, D("6780")),  # §5.3 new_customer_revenue
    ("team", "T1", "direct_sales", "quarter", "2026-Q1", "new_customer_revenue"): (D("20340"), None, D("20340")),  # §5.3 new_customer_revenue
    ("team", "T1", "direct_sales", "year", "2026", "new_customer_revenue"): (D("21470"), None, D("21470")),  # §5.3 new_customer_revenue
    ("team", "T1", "direct_sales", "month", "2025-12", "existing_customer_revenue"): (D("2260"), None, D("2260")),  # §5.3 existing_customer_revenue
    ("team", "T1", "direct_sales", "month", "2026-01", "existing_customer_revenue"): (D("3390"), None, D("3390")),  # §5.3 existing_customer_revenue
    ("team", "T1", "direct_sales", "month", "2026-05", "existing_customer_revenue"): (D("2260"), None, D("2260")),  # §5.3 existing_customer_revenue
    ("team", "T1", "direct_sales", "month", "2026-06", "existing_customer_revenue"): (D("1130"), None, D("1130")),  # §5.3 existing_customer_revenue
    ("team", "T1", "direct_sales", "quarter", "2026-Q1", "existing_customer_revenue"): (D("3390"), None, D("3390")),  # §5.3 existing_customer_revenue
    ("team", "T1", "direct_sales", "quarter", "2026-Q2", "existing_customer_revenue"): (D("3390"), None, D("3390")),  # §5.3 existing_customer_revenue
    ("team", "T1", "direct_sales", "year", "2026", "existing_customer_revenue"): (D("5650"), None, D("5650")),  # §5.3 existing_customer_revenue
    ("team", "T1", "direct_sales", "month", "2025-10", "new_customers"): (D("1"), None, D("1")),  # §5.3 new_customers
    ("team", "T1", "direct_sales", "month", "2025-11", "new_customers"): (D("1"), None, D("1")),  # §5.3 new_customers
    ("team", "T1", "direct_sales", "quarter", "2025-Q4", "new_customers"): (D("2"), None, D("2")),  # §5.3 new_customers
    ("team", "T1", "direct_sales", "year", "2025", "new_customers"): (D("2"), None, D("2")),  # §5.3 new_customers
    ("team", "T1", "direct_sales", "month", "2026-01", "new_customers"): (D("1"), None, D("1")),  # §5.3 new_customers
    ("team", "T1", "direct_sales", "month", "2026-02", "new_customers"): (D("1"), None, D("1")),  # §5.3 new_customers
    ("team", "T1", "direct_sales", "month", "2026-03", "new_customers"): (D("1"), None, D("1")),  # §5.3 new_customers
    ("team", "T1", "direct_sales", "quarter", "2026-Q1", "new_customers"): (D("3"), None, D("3")),  # §5.3 new_customers
    ("team", "T1", "direct_sales", "year", "2026", "new_customers"): (D("3"), None, D("3")),  # §5.3 new_customers
    ("team", "T1", "direct_sales", "month", "2025-10", "collection_rate"): (D("0"), D("11300"), D("0.000000")),  # §5.3 collection_rate
    ("team", "T1", "direct_sales", "month", "2025-11", "collection_rate"): (D("11300"), D("5650"), D("2.000000")),  # §5.3 collection_rate
    ("team", "T1", "direct_sales", "month", "2025-12", "collection_rate"): (D("0"), D("2260"), D("0.000000")),  # §5.3 collection_rate
    ("team", "T1", "direct_sales", "quarter", "2025-Q4", "collection_rate"): (D("11300"), D("19210"), D("0.588235")),  # §5.3 collection_rate
    ("team", "T1", "direct_sales", "year", "2025", "collection_rate"): (D("11300"), D("19210"), D("0.588235")),  # §5.3 collection_rate
    ("team", "T1", "direct_sales", "month", "2026-01", "collection_rate"): (D("5650"), D("12430"), D("0.454545")),  # §5.3 collection_rate
    ("team", "T1", "direct_sales", "month", "2026-02", "collection_rate"): (D("3390"), D("4520"), D("0.750000")),  # §5.3 collection_rate
    ("team", "T1", "direct_sales", "month", "2026-03", "collection_rate"): (D("2000"), D("6780"), D("0.294985")),  # §5.3 collection_rate
    ("team", "T1", "direct_sales", "month", "2026-04", "collection_rate"): (D("2520"), D("0"), None),  # §5.3 collection_rate
    ("team", "T1", "direct_sales", "month", "2026-05", "collection_rate"): (D("0"), D("2260"), D("0.000000")),  # §5.3 collection_rate
    ("team", "T1", "direct_sales", "month", "2026-06", "collection_rate"): (D("0"), D("1130"), D("0.000000")),  # §5.3 collection_rate
    ("team", "T1", "direct_sales", "quarter", "2026-Q1", "collection_rate"): (D("11040"), D("23730"), D("0.465234")),  # §5.3 collection_rate
    ("team", "T1", "direct_sales", "quarter", "2026-Q2", "collection_rate"): (D("2520"), D("3390"), D("0.743363")),  # §5.3 collection_rate
    ("team", "T1", "direct_sales", "year", "2026", "collection_rate"): (D("13560"), D("27120"), D("0.500000")),  # §5.3 collection_rate
    ("team", "T1", "direct_sales", "month", "2025-10", "customer_retention_rate"): (D("0"), D("0"), None),  # §5.3 customer_retention_rate
    ("team", "T1", "direct_sales", "month", "2025-11", "customer_retention_rate"): (D("0"), D("1"), D("0.000000")),  # §5.3 customer_retention_rate
    ("team", "T1", "direct_sales", "month", "2025-12", "customer_retention_rate"): (D("1"), D("2"), D("0.500000")),  # §5.3 customer_retention_rate
    ("team", "T1", "direct_sales", "quarter", "2025-Q4", "customer_retention_rate"): (D("0"), D("0"), None),  # §5.3 customer_retention_rate
    ("team", "T1", "direct_sales", "year", "2025", "customer_retention_rate"): (D("0"), D("0"), None),  # §5.3 customer_retention_rate
    ("team", "T1", "direct_sales", "month", "2026-01", "customer_retention_rate"): (D("1"), D("2"), D("0.500000")),  # §5.3 customer_retention_rate
    ("team", "T1", "direct_sales", "month", "2026-02", "customer_retention_rate"): (D("0"), D("3"), D("0.000000")),  # §5.3 customer_retention_rate
    ("team", "T1", "direct_sales", "month", "2026-03", "customer_retention_rate"): (D("0"), D("4"), D("0.000000")),  # §5.3 customer_retention_rate
    ("team", "T1", "direct_sales", "month", "2026-04", "customer_retention_rate"): (D("0"), D("5"), D("0.000000")),  # §5.3 customer_retention_rate
    ("team", "T1", "direct_sales", "month", "2026-05", "customer_retention_rate"): (D("1"), D("5"), D("0.200000")),  # §5.3 customer_retention_rate
    ("team", "T1", "direct_sales", "month", "2026-06", "customer_retention_rate"): (D("1"), D("5"), D("0.200000")),  # §5.3 customer_retention_rate
    ("team", "T1", "direct_sales", "quarter", "2026-Q1", "customer_retention_rate"): (D("1"), D("2"), D("0.500000")),  # §5.3 customer_retention_rate
    ("team", "T1", "direct_sales", "quarter", "2026-Q2", "customer_retention_rate"): (D("2"), D("5"), D("0.400000")),  # §5.3 customer_retention_rate
    ("team", "T1", "direct_sales", "year", "2026", "customer_retention_rate"): (D("1"), D("2"), D("0.500000")),  # §5.3 customer_retention_rate
    ("team", "T1", "direct_sales", "month", "2026-01", "effective_visits"): (D("2"), None, D("2")),  # §5.3 effective_visits
    ("team", "T1", "direct_sales", "month", "2026-02", "effective_visits"): (D("1"), None, D("1")),  # §5.3 effective_visits
    ("team", "T1", "direct_sales", "month", "2026-03", "effective_visits"): (D("1"), None, D("1")),  # §5.3 effective_visits
    ("team", "T1", "direct_sales", "month", "2026-04", "effective_visits"): (D("1"), None, D("1")),  # §5.3 effective_visits
    ("team", "T1", "direct_sales", "quarter", "2026-Q1", "effective_visits"): (D("4"), None, D("4")),  # §5.3 effective_visits
    ("team", "T1", "direct_sales", "quarter", "2026-Q2", "effective_visits"): (D("1"), None, D("1")),  # §5.3 effective_visits
    ("team", "T1", "direct_sales", "year", "2026", "effective_visits"): (D("5"), None, D("5")),  # §5.3 effective_visits
    ("team", "T1", "direct_sales", "month", "2026-03", "needs_reports"): (D("1"), None, D("1")),  # §5.3 needs_reports
    ("team", "T1", "direct_sales", "month", "2026-06", "needs_reports"): (D("1"), None, D("1")),  # §5.3 needs_reports
    ("team", "T1", "direct_sales", "quarter", "2026-Q1", "needs_reports"): (D("1"), None, D("1")),  # §5.3 needs_reports
    ("team", "T1", "direct_sales", "quarter", "2026-Q2", "needs_reports"): (D("1"), None, D("1")),  # §5.3 needs_reports
    ("team", "T1", "direct_sales", "year", "2026", "needs_reports"): (D("2"), None, D("2")),  # §5.3 needs_reports
    # ---- team T2 / direct_sales: NOTES.md §5.4
    ("team", "T2", "direct_sales", "month", "2026-03", "revenue"): (D("3390"), None, D("3390")),  # §5.4 revenue
    ("team", "T2", "direct_sales", "month", "2026-04", "revenue"): (D("2260"), None, D("2260")),  # §5.4 revenue
    ("team", "T2", "direct_sales", "quarter", "2026-Q1", "revenue"): (D("3390"), None, D("3390")),  # §5.4 revenue
    ("team", "T2", "direct_sales", "quarter", "2026-Q2", "revenue"): (D("2260"), None, D("2260")),  # §5.4 revenue
    ("team", "T2", "direct_sales", "year", "2026", "revenue"): (D("5650"), None, D("5650")),  # §5.4 revenue
    ("team", "T2", "direct_sales", "month", "2026-03", "revenue_excl_tax"): (D("3000"), None, D("3000")),  # §5.4 revenue_excl_tax
    ("team", "T2", "direct_sales", "month", "2026-04", "revenue_excl_tax"): (D("2000"), None, D("2000")),  # §5.4 revenue_excl_tax
    ("team", "T2", "direct_sales", "quarter", "2026-Q1", "revenue_excl_tax"): (D("3000"), None, D("3000")),  # §5.4 revenue_excl_tax
    ("team", "T2", "direct_sales", "quarter", "2026-Q2", "revenue_excl_tax"): (D("2000"), None, D("2000")),  # §5.4 revenue_excl_tax
    ("team", "T2", "direct_sales", "year", "2026", "revenue_excl_tax"): (D("5000"), None, D("5000")),  # §5.4 revenue_excl_tax
    ("team", "T2", "direct_sales", "quarter", "2026-Q1", "new_customer_revenue"): (D("3390"), None, D("3390")),  # §5.4 new_customer_revenue
    ("team", "T2", "direct_sales", "year", "2026", "new_customer_revenue"): (D("5650"), None, D("5650")),  # §5.4 new_customer_revenue
    ("team", "T2", "direct_sales", "month", "2026-03", "existing_customer_revenue"): (D("3390"), None, D("3390")),  # §5.4 existing_customer_revenue
    ("team", "T2", "direct_sales", "month", "2026-04", "existing_customer_revenue"): (D("2260"), None, D("2260")),  # §5.4 existing_customer_revenue
    ("team", "T2", "direct_sales", "quarter", "2026-Q2", "existing_customer_revenue"): (D("2260"), None, D("2260")),  # §5.4 existing_customer_revenue
    ("team", "T2", "direct_sales", "month", "2026-02", "collection_rate"): (D("9040"), D("0"), None),  # §5.4 collection_rate
    ("team", "T2", "direct_sales", "month", "2026-03", "collection_rate"): (D("0"), D("3390"), D("0.000000")),  # §5.4 collection_rate
    ("team", "T2", "direct_sales", "month", "2026-04", "collection_rate"): (D("0"), D("2260"), D("0.000000")),  # §5.4 collection_rate
    ("team", "T2", "direct_sales", "month", "2026-05", "collection_rate"): (D("0"), D("0"), None),  # §5.4 collection_rate
    ("team", "T2", "direct_sales", "month", "2026-06", "collection_rate"): (D("0"), D("0"), None),  # §5.4 collection_rate
    ("team", "T2", "direct_sales", "quarter", "2026-Q1", "collection_rate"): (D("9040"), D("3390"), D("2.666667")),  # §5.4 collection_rate
    ("team", "T2", "direct_sales", "quarter", "2026-Q2", "collection_rate"): (D("0"), D("2260"), D("0.000000")),  # §5.4 collection_rate
    ("team", "T2", "direct_sales", "year", "2026", "collection_rate"): (D("9040"), D("5650"), D("1.600000")),  # §5.4 collection_rate
    ("team", "T2", "direct_sales", "month", "2026-02", "customer_retention_rate"): (D("0"), D("0"), None),  # §5.4 customer_retention_rate
    ("team", "T2", "direct_sales", "month", "2026-03", "customer_retention_rate"): (D("0"), D("0"), None),  # §5.4 customer_retention_rate
    ("team", "T2", "direct_sales", "month", "2026-04", "customer_retention_rate"): (D("0"), D("1"), D("0.000000")),  # §5.4 customer_retention_rate
    ("team", "T2", "direct_sales", "month", "2026-05", "customer_retention_rate"): (D("0"), D("2"), D("0.000000")),  # §5.4 customer_retention_rate
    ("team", "T2", "direct_sales", "month", "2026-06", "customer_retention_rate"): (D("0"), D("2"), D("0.000000")),  # §5.4 customer_retention_rate
    ("team", "T2", "direct_sales", "quarter", "2026-Q1", "customer_retention_rate"): (D("0"), D("0"), None),  # §5.4 customer_retention_rate
    ("team", "T2", "direct_sales", "quarter", "2026-Q2", "customer_retention_rate"): (D("0"), D("1"), D("0.000000")),  # §5.4 customer_retention_rate
    ("team", "T2", "direct_sales", "year", "2026", "customer_retention_rate"): (D("0"), D("0"), None),  # §5.4 customer_retention_rate
    ("team", "T2", "direct_sales", "month", "2026-03", "effective_visits"): (D("1"), None, D("1")),  # §5.4 effective_visits
    ("team", "T2", "direct_sales", "quarter", "2026-Q1", "effective_visits"): (D("1"), None, D("1")),  # §5.4 effective_visits
    ("team", "T2", "direct_sales", "year", "2026", "effective_visits"): (D("1"), None, D("1")),  # §5.4 effective_visits
    ("team", "T2", "direct_sales", "month", "2026-02", "needs_reports"): (D("1"), None, D("1")),  # §5.4 needs_reports
    ("team", "T2", "direct_sales", "quarter", "2026-Q1", "needs_reports"): (D("1"), None, D("1")),  # §5.4 needs_reports
    ("team", "T2", "direct_sales", "year", "2026", "needs_reports"): (D("1"), None, D("1")),  # §5.4 needs_reports
    # ---- employee CH1 / channel_sales: NOTES.md §5.5
    ("employee", "CH1", "channel_sales", "month", "2026-02", "revenue"): (D("22600"), None, D("22600")),  # §5.5 revenue
    ("employee", "CH1", "channel_sales", "month", "2026-04", "revenue"): (D("1695"), None, D("1695")),  # §5.5 revenue
    ("employee", "CH1", "channel_sales", "month", "2026-05", "revenue"): (D("11300"), None, D("11300")),  # §5.5 revenue
    ("employee", "CH1", "channel_sales", "quarter", "2026-Q1", "revenue"): (D("22600"), None, D("22600")),  # §5.5 revenue
    ("employee", "CH1", "channel_sales", "quarter", "2026-Q2", "revenue"): (D("12995"), None, D("12995")),  # §5.5 revenue
    ("employee", "CH1", "channel_sales", "year", "2026", "revenue"): (D("35595"), None, D("35595")),  # §5.5 revenue
    ("employee", "CH1", "channel_sales", "month", "2026-02", "revenue_excl_tax"): (D("20000"), None, D("20000")),  # §5.5 revenue_excl_tax
    ("employee", "CH1", "channel_sales", "month", "2026-04", "revenue_excl_tax"): (D("1500"), None, D("1500")),  # §5.5 revenue_excl_tax
    ("employee", "CH1", "channel_sales", "month", "2026-05", "revenue_excl_tax"): (D("10000"), None, D("10000")),  # §5.5 revenue_excl_tax
    ("employee", "CH1", "channel_sales", "quarter", "2026-Q1", "revenue_excl_tax"): (D("20000"), None, D("20000")),  # §5.5 revenue_excl_tax
    ("employee", "CH1", "channel_sales", "quarter", "2026-Q2", "revenue_excl_tax"): (D("11500"), None, D("11500")),  # §5.5 revenue_excl_tax
    ("employee", "CH1", "channel_sales", "year", "2026", "revenue_excl_tax"): (D("31500"), None, D("31500")),  # §5.5 revenue_excl_tax
    ("employee", "CH1", "channel_sales", "month", "2026-02", "new_customer_revenue"): (D("22600"), None, D("22600")),  # §5.5 new_customer_revenue
    ("employee", "CH1", "channel_sales", "month", "2026-04", "new_customer_revenue"): (D("1695"), None, D("1695")),  # §5.5 new_customer_revenue
    ("employee", "CH1", "channel_sales", "quarter", "2026-Q1", "new_customer_revenue"): (D("22600"), None, D("22600")),  # §5.5 new_customer_revenue
    ("employee", "CH1", "channel_sales", "quarter", "2026-Q2", "new_customer_revenue"): (D("1695"), None, D("1695")),  # §5.5 new_customer_revenue
    ("employee", "CH1", "channel_sales", "year", "2026", "new_customer_revenue"): (D("35595"), None, D("35595")),  # §5.5 new_customer_revenue
    ("employee", "CH1", "channel_sales", "month", "2026-05", "existing_customer_revenue"): (D("11300"), None, D("11300")),  # §5.5 existing_customer_revenue
    ("employee", "CH1", "channel_sales", "quarter", "2026-Q2", "existing_customer_revenue"): (D("11300"), None, D("11300")),  # §5.5 existing_customer_revenue
    ("employee", "CH1", "channel_sales", "month", "2026-02", "new_customers"): (D("1"), None, D("1")),  # §5.5 new_customers
    ("employee", "CH1", "channel_sales", "month", "2026-04", "new_customers"): (D("1"), None, D("1")),  # §5.5 new_customers
    ("employee", "CH1", "channel_sales", "quarter", "2026-Q1", "new_customers"): (D("1"), None, D("1")),  # §5.5 new_customers
    ("employee", "CH1", "channel_sales", "quarter", "2026-Q2", "new_customers"): (D("1"), None, D("1")),  # §5.5 new_customers
    ("employee", "CH1", "channel_sales", "year", "2026", "new_customers"): (D("2"), None, D("2")),  # §5.5 new_customers
    ("employee", "CH1", "channel_sales", "month", "2026-01", "collection_rate"): (D("0"), D("0"), None),  # §5.5 collection_rate
    ("employee", "CH1", "channel_sales", "month", "2026-02", "collection_rate"): (D("0"), D("22600"), D("0.000000")),  # §5.5 collection_rate
    ("employee", "CH1", "channel_sales", "month", "2026-03", "collection_rate"): (D("0"), D("0"), None),  # §5.5 collection_rate
    ("employee", "CH1", "channel_sales", "month", "2026-04", "collection_rate"): (D("22600"), D("1695"), D("13.333333")),  # §5.5 collection_rate
    ("employee", "CH1", "channel_sales", "month", "2026-05", "collection_rate"): (D("0"), D("11300"), D("0.000000")),  # §5.5 collection_rate
    ("employee", "CH1", "channel_sales", "month", "2026-06", "collection_rate"): (D("0"), D("0"), None),  # §5.5 collection_rate
    ("employee", "CH1", "channel_sales", "quarter", "2026-Q1", "collection_rate"): (D("0"), D("22600"), D("0.000000")),  # §5.5 collection_rate
    ("employee", "CH1", "channel_sales", "quarter", "2026-Q2", "collection_rate"): (D("22600"), D("12995"), D("1.739130")),  # §5.5 collection_rate
    ("employee", "CH1", "channel_sales", "year", "2026", "collection_rate"): (D("22600"), D("35595"), D("0.634921")),  # §5.5 collection_rate
    ("employee", "CH1", "channel_sales", "month", "2026-02", "channel_revenue"): (D("22600"), None, D("22600")),  # §5.5 channel_revenue
    ("employee", "CH1", "channel_sales", "month", "2026-05", "channel_revenue"): (D("11300"), None, D("11300")),  # §5.5 channel_revenue
    ("employee", "CH1", "channel_sales", "quarter", "2026-Q1", "channel_revenue"): (D("22600"), None, D("22600")),  # §5.5 channel_revenue
    ("employee", "CH1", "channel_sales", "quarter", "2026-Q2", "channel_revenue"): (D("11300"), None, D("11300")),  # §5.5 channel_revenue
    ("employee", "CH1", "channel_sales", "year", "2026", "channel_revenue"): (D("33900"), None, D("33900")),  # §5.5 channel_revenue
    ("employee", "CH1", "channel_sales", "month", "2026-02", "new_distributors"): (D("1"), None, D("1")),  # §5.5 new_distributors
    ("employee", "CH1", "channel_sales", "quarter", "2026-Q1", "new_distributors"): (D("1"), None, D("1")),  # §5.5 new_distributors
    ("employee", "CH1", "channel_sales", "year", "2026", "new_distributors"): (D("1"), None, D("1")),  # §5.5 new_distributors
    ("employee", "CH1", "channel_sales", "month", "2026-01", "distribution_coverage_rate"): (D("1"), D("3"), D("0.333333")),  # §5.5 distribution_coverage_rate
    ("employee", "CH1", "channel_sales", "month", "2026-02", "distribution_coverage_rate"): (D("1"), D("3"), D("0.333333")),  # §5.5 distribution_coverage_rate
    ("employee", "CH1", "channel_sales", "month", "2026-03", "distribution_coverage_rate"): (D("1"), D("3"), D("0.333333")),  # §5.5 distribution_coverage_rate
    ("employee", "CH1", "channel_sales", "month", "2026-04", "distribution_coverage_rate"): (D("2"), D("3"), D("0.666667")),  # §5.5 distribution_coverage_rate
    ("employee", "CH1", "channel_sales", "month", "2026-05", "distribution_coverage_rate"): (D("2"), D("3"), D("0.666667")),  # §5.5 distribution_coverage_rate
    ("employee", "CH1", "channel_sales", "month", "2026-06", "distribution_coverage_rate"): (D("2"), D("3"), D("0.666667")),  # §5.5 distribution_coverage_rate
    ("employee", "CH1", "channel_sales", "quarter", "2026-Q1", "distribution_coverage_rate"): (D("1"), D("3"), D("0.333333")),  # §5.5 distribution_coverage_rate
    ("employee", "CH1", "channel_sales", "quarter", "2026-Q2", "distribution_coverage_rate"): (D("2"), D("3"), D("0.666667")),  # §5.5 distribution_coverage_rate
    ("employee", "CH1", "channel_sales", "year", "2026", "distribution_coverage_rate"): (D("2"), D("3"), D("0.666667")),  # §5.5 distribution_coverage_rate
    ("employee", "CH1", "channel_sales", "month", "2026-01", "distributor_visits"): (D("1"), None, D("1")),  # §5.5 distributor_visits
    ("employee", "CH1", "channel_sales", "month", "2026-02", "distributor_visits"): (D("1"), None, D("1")),  # §5.5 distributor_visits
    ("employee", "CH1", "channel_sales", "month", "2026-05", "distributor_visits"): (D("1"), None, D("1")),  # §5.5 distributor_visits
    ("employee", "CH1", "channel_sales", "quarter", "2026-Q1", "distributor_visits"): (D("2"), None, D("2")),  # §5.5 distributor_visits
    ("employee", "CH1", "channel_sales", "quarter", "2026-Q2", "distributor_visits"): (D("1"), None, D("1")),  # §5.5 distributor_visits
    ("employee", "CH1", "channel_sales", "year", "2026", "distributor_visits"): (D("3"), None, D("3")),  # §5.5 distributor_visits
    ("employee", "CH1", "channel_sales", "month", "2026-04", "channel_trainings"): (D("1"), None, D("1")),  # §5.5 channel_trainings
    ("employee", "CH1", "channel_sales", "quarter", "2026-Q2", "channel_trainings"): (D("1"), None, D("1")),  # §5.5 channel_trainings
    ("employee", "CH1", "channel_sales", "year", "2026", "channel_trainings"): (D("1"), None, D("1")),  # §5.5 channel_trainings
    # ---- team T1 / channel_sales: NOTES.md §5.5
    ("team", "T1", "channel_sales", "month", "2026-02", "revenue"): (D("22600"), None, D("22600")),  # §5.5 revenue
    ("team", "T1", "channel_sales", "month", "2026-04", "revenue"): (D("1695"), None, D("1695")),  # §5.5 revenue
    ("team", "T1", "channel_sales", "month", "2026-05", "revenue"): (D("11300"), None, D("11300")),  # §5.5 revenue
    ("team", "T1", "channel_sales", "quarter", "2026-Q1", "revenue"): (D("22600"), None, D("22600")),  # §5.5 revenue
    ("team", "T1", "channel_sales", "quarter", "2026-Q2", "revenue"): (D("12995"), None, D("12995")),  # §5.5 revenue
    ("team", "T1", "channel_sales", "year", "2026", "revenue"): (D("35595"), None, D("35595")),  # §5.5 revenue
    ("team", "T1", "channel_sales", "month", "2026-02", "revenue_excl_tax"): (D("20000"), None, D("20000")),  # §5.5 revenue_excl_tax
    ("team", "T1", "channel_sales", "month", "2026-04", "revenue_excl_tax"): (D("1500"), None, D("1500")),  # §5.5 revenue_excl_tax
    ("team", "T1", "channel_sales", "month", "2026-05", "revenue_excl_tax"): (D("10000"), None, D("10000")),  # §5.5 revenue_excl_tax
    ("team", "T1", "channel_sales", "quarter", "2026-Q1", "revenue_excl_tax"): (D("20000"), None, D("20000")),  # §5.5 revenue_excl_tax
    ("team", "T1", "channel_sales", "quarter", "2026-Q2", "revenue_excl_tax"): (D("11500"), None, D("11500")),  # §5.5 revenue_excl_tax
    ("team", "T1", "channel_sales", "year", "2026", "revenue_excl_tax"): (D("31500"), None, D("31500")),  # §5.5 revenue_excl_tax
    ("team", "T1", "channel_sales", "month", "2026-02", "new_customer_revenue"): (D("22600"), None, D("22600")),  # §5.5 new_customer_revenue
    ("team", "T1", "channel_sales", "month", "2026-04", "new_customer_revenue"): (D("1695"), None, D("1695")),  # §5.5 new_customer_revenue
    ("team", "T1", "channel_sales", "quarter", "2026-Q1", "new_customer_revenue"): (D("22600"), None, D("22600")),  # §5.5 new_customer_revenue
    ("team", "T1", "channel_sales", "quarter", "2026-Q2", "new_customer_revenue"): (D("1695"), None, D("1695")),  # §5.5 new_customer_revenue
    ("team", "T1", "channel_sales", "year", "2026", "new_customer_revenue"): (D("35595"), None, D("35595")),  # §5.5 new_customer_revenue
    ("team", "T1", "channel_sales", "month", "2026-05", "existing_customer_revenue"): (D("11300"), None, D("11300")),  # §5.5 existing_customer_revenue
    ("team", "T1", "channel_sales", "quarter", "2026-Q2", "existing_customer_revenue"): (D("11300"), None, D("11300")),  # §5.5 existing_customer_revenue
    ("team", "T1", "channel_sales", "month", "2026-02", "new_customers"): (D("1"), None, D("1")),  # §5.5 new_customers
    ("team", "T1", "channel_sales", "month", "2026-04", "new_customers"): (D("1"), None, D("1")),  # §5.5 new_customers
    ("team", "T1", "channel_sales", "quarter", "2026-Q1", "new_customers"): (D("1"), None, D("1")),  # §5.5 new_customers
    ("team", "T1", "channel_sales", "quarter", "2026-Q2", "new_customers"): (D("1"), None, D("1")),  # §5.5 new_customers
    ("team", "T1", "channel_sales", "year", "2026", "new_customers"): (D("2"), None, D("2")),  # §5.5 new_customers
    ("team", "T1", "channel_sales", "month", "2026-01", "collection_rate"): (D("0"), D("0"), None),  # §5.5 collection_rate
    ("team", "T1", "channel_sales", "month", "2026-02", "collection_rate"): (D("0"), D("22600"), D("0.000000")),  # §5.5 collection_rate
    ("team", "T1", "channel_sales", "month", "2026-03", "collection_rate"): (D("0"), D("0"), None),  # §5.5 collection_rate
    ("team", "T1", "channel_sales", "month", "2026-04", "collection_rate"): (D("22600"), D("1695"), D("13.333333")),  # §5.5 collection_rate
    ("team", "T1", "channel_sales", "month", "2026-05", "collection_rate"): (D("0"), D("11300"), D("0.000000")),  # §5.5 collection_rate
    ("team", "T1", "channel_sales", "month", "2026-06", "collection_rate"): (D("0"), D("0"), None),  # §5.5 collection_rate
    ("team", "T1", "channel_sales", "quarter", "2026-Q1", "collection_rate"): (D("0"), D("22600"), D("0.000000")),  # §5.5 collection_rate
    ("team", "T1", "channel_sales", "quarter", "2026-Q2", "collection_rate"): (D("22600"), D("12995"), D("1.739130")),  # §5.5 collection_rate
    ("team", "T1", "channel_sales", "year", "2026", "collection_rate"): (D("22600"), D("35595"), D("0.634921")),  # §5.5 collection_rate
    ("team", "T1", "channel_sales", "month", "2026-02", "channel_revenue"): (D("22600"), None, D("22600")),  # §5.5 channel_revenue
    ("team", "T1", "channel_sales", "month", "2026-05", "channel_revenue"): (D("11300"), None, D("11300")),  # §5.5 channel_revenue
    ("team", "T1", "channel_sales", "quarter", "2026-Q1", "channel_revenue"): (D("22600"), None, D("22600")),  # §5.5 channel_revenue
    ("team", "T1", "channel_sales", "quarter", "2026-Q2", "channel_revenue"): (D("11300"), None, D("11300")),  # §5.5 channel_revenue
    ("team", "T1", "channel_sales", "year", "2026", "channel_revenue"): (D("33900"), None, D("33900")),  # §5.5 channel_revenue
    ("team", "T1", "channel_sales", "month", "2026-02", "new_distributors"): (D("1"), None, D("1")),  # §5.5 new_distributors
    ("team", "T1", "channel_sales", "quarter", "2026-Q1", "new_distributors"): (D("1"), None, D("1")),  # §5.5 new_distributors
    ("team", "T1", "channel_sales", "year", "2026", "new_distributors"): (D("1"), None, D("1")),  # §5.5 new_distributors
    ("team", "T1", "channel_sales", "month", "2026-01", "distribution_coverage_rate"): (D("1"), D("3"), D("0.333333")),  # §5.5 distribution_coverage_rate
    ("team", "T1", "channel_sales", "month", "2026-02", "distribution_coverage_rate"): (D("1"), D("3"), D("0.333333")),  # §5.5 distribution_coverage_rate
    ("team", "T1", "channel_sales", "month", "2026-03", "distribution_coverage_rate"): (D("1"), D("3"), D("0.333333")),  # §5.5 distribution_coverage_rate
    ("team", "T1", "channel_sales", "month", "2026-04", "distribution_coverage_rate"): (D("2"), D("3"), D("0.666667")),  # §5.5 distribution_coverage_rate
    ("team", "T1", "channel_sales", "month", "2026-05", "distribution_coverage_rate"): (D("2"), D("3"), D("0.666667")),  # §5.5 distribution_coverage_rate
    ("team", "T1", "channel_sales", "month", "2026-06", "distribution_coverage_rate"): (D("2"), D("3"), D("0.666667")),  # §5.5 distribution_coverage_rate
    ("team", "T1", "channel_sales", "quarter", "2026-Q1", "distribution_coverage_rate"): (D("1"), D("3"), D("0.333333")),  # §5.5 distribution_coverage_rate
    ("team", "T1", "channel_sales", "quarter", "2026-Q2", "distribution_coverage_rate"): (D("2"), D("3"), D("0.666667")),  # §5.5 distribution_coverage_rate
    ("team", "T1", "channel_sales", "year", "2026", "distribution_coverage_rate"): (D("2"), D("3"), D("0.666667")),  # §5.5 distribution_coverage_rate
    ("team", "T1", "channel_sales", "month", "2026-01", "distributor_visits"): (D("1"), None, D("1")),  # §5.5 distributor_visits
    ("team", "T1", "channel_sales", "month", "2026-02", "distributor_visits"): (D("1"), None, D("1")),  # §5.5 distributor_visits
    ("team", "T1", "channel_sales", "month", "2026-05", "distributor_visits"): (D("1"), None, D("1")),  # §5.5 distributor_visits
    ("team", "T1", "channel_sales", "quarter", "2026-Q1", "distributor_visits"): (D("2"), None, D("2")),  # §5.5 distributor_visits
    ("team", "T1", "channel_sales", "quarter", "2026-Q2", "distributor_visits"): (D("1"), None, D("1")),  # §5.5 distributor_visits
    ("team", "T1", "channel_sales", "year", "2026", "distributor_visits"): (D("3"), None, D("3")),  # §5.5 distributor_visits
    ("team", "T1", "channel_sales", "month", "2026-04", "channel_trainings"): (D("1"), None, D("1")),  # §5.5 channel_trainings
    ("team", "T1", "channel_sales", "quarter", "2026-Q2", "channel_trainings"): (D("1"), None, D("1")),  # §5.5 channel_trainings
    ("team", "T1", "channel_sales", "year", "2026", "channel_trainings"): (D("1"), None, D("1")),  # §5.5 channel_trainings
    # ---- employee EC1 / ecommerce: NOTES.md §5.6
    ("employee", "EC1", "ecommerce", "month", "2026-01", "revenue"): (D("500"), None, D("500")),  # §5.6 revenue
    ("employee", "EC1", "ecommerce", "month", "2026-02", "revenue"): (D("500"), None, D("500")),  # §5.6 revenue
    ("employee", "EC1", "ecommerce", "month", "2026-03", "revenue"): (D("300"), None, D("300")),  # §5.6 revenue
    ("employee", "EC1", "ecommerce", "month", "2026-04", "revenue"): (D("120"), None, D("120")),  # §5.6 revenue
    ("employee", "EC1", "ecommerce", "month", "2026-06", "revenue"): (D("400"), None, D("400")),  # §5.6 revenue
    ("employee", "EC1", "ecommerce", "quarter", "2026-Q1", "revenue"): (D("1300"), None, D("1300")),  # §5.6 revenue
    ("employee", "EC1", "ecommerce", "quarter", "2026-Q2", "revenue"): (D("520"), None, D("520")),  # §5.6 revenue
    ("employee", "EC1", "ecommerce", "year", "2026", "revenue"): (D("1820"), None, D("1820")),  # §5.6 revenue
    ("employee", "EC1", "ecommerce", "month", "2026-01", "revenue_excl_tax"): (D("450"), None, D("450")),  # §5.6 revenue_excl_tax
    ("employee", "EC1", "ecommerce", "month", "2026-02", "revenue_excl_tax"): (D("450"), None, D("450")),  # §5.6 revenue_excl_tax
    ("employee", "EC1", "ecommerce", "month", "2026-03", "revenue_excl_tax"): (D("260"), None, D("260")),  # §5.6 revenue_excl_tax
    ("employee", "EC1", "ecommerce", "month", "2026-04", "revenue_excl_tax"): (D("108"), None, D("108")),  # §5.6 revenue_excl_tax
    ("employee", "EC1", "ecommerce", "month", "2026-06", "revenue_excl_tax"): (D("360"), None, D("360")),  # §5.6 revenue_excl_tax
    ("employee", "EC1", "ecommerce", "quarter", "2026-Q1", "revenue_excl_tax"): (D("1160"), None, D("1160")),  # §5.6 revenue_excl_tax
    ("employee", "EC1", "ecommerce", "quarter", "2026-Q2", "revenue_excl_tax"): (D("468"), None, D("468")),  # §5.6 revenue_excl_tax
    ("employee", "EC1", "ecommerce", "year", "2026", "revenue_excl_tax"): (D("1628"), None, D("1628")),  # §5.6 revenue_excl_tax
    ("employee", "EC1", "ecommerce", "month", "2026-01", "new_customer_revenue"): (D("500"), None, D("500")),  # §5.6 new_customer_revenue
    ("employee", "EC1", "ecommerce", "month", "2026-02", "new_customer_revenue"): (D("500"), None, D("500")),  # §5.6 new_customer_revenue
    ("employee", "EC1", "ecommerce", "month", "2026-03", "new_customer_revenue"): (D("300"), None, D("300")),  # §5.6 new_customer_revenue
    ("employee", "EC1", "ecommerce", "month", "2026-06", "new_customer_revenue"): (D("180"), None, D("180")),  # §5.6 new_customer_revenue
    ("employee", "EC1", "ecommerce", "quarter", "2026-Q1", "new_customer_revenue"): (D("1300"), None, D("1300")),  # §5.6 new_customer_revenue
    ("employee", "EC1", "ecommerce", "quarter", "2026-Q2", "new_customer_revenue"): (D("180"), None, D("180")),  # §5.6 new_customer_revenue
    ("employee", "EC1", "ecommerce", "year", "2026", "new_customer_revenue"): (D("1820"), None, D("1820")),  # §5.6 new_customer_revenue
    ("employee", "EC1", "ecommerce", "month", "2026-04", "existing_customer_revenue"): (D("120"), None, D("120")),  # §5.6 existing_customer_revenue
    ("employee", "EC1", "ecommerce", "month", "2026-06", "existing_customer_revenue"): (D("220"), None, D("220")),  # §5.6 existing_customer_revenue
    ("employee", "EC1", "ecommerce", "quarter", "2026-Q2", "existing_customer_revenue"): (D("340"), None, D("340")),  # §5.6 existing_customer_revenue
    ("employee", "EC1", "ecommerce", "month", "2026-01", "new_customers"): (D("1"), None, D("1")),  # §5.6 new_customers
    ("employee", "EC1", "ecommerce", "month", "2026-02", "new_customers"): (D("1"), None, D("1")),  # §5.6 new_customers
    ("employee", "EC1", "ecommerce", "month", "2026-03", "new_customers"): (D("1"), None, D("1")),  # §5.6 new_customers
    ("employee", "EC1", "ecommerce", "month", "2026-06", "new_customers"): (D("1"), None, D("1")),  # §5.6 new_customers
    ("employee", "EC1", "ecommerce", "quarter", "2026-Q1", "new_customers"): (D("3"), None, D("3")),  # §5.6 new_customers
    ("employee", "EC1", "ecommerce", "quarter", "2026-Q2", "new_customers"): (D("1"), None, D("1")),  # §5.6 new_customers
    ("employee", "EC1", "ecommerce", "year", "2026", "new_customers"): (D("4"), None, D("4")),  # §5.6 new_customers
    ("employee", "EC1", "ecommerce", "month", "2026-01", "collection_rate"): (D("300"), D("500"), D("0.600000")),  # §5.6 collection_rate
    ("employee", "EC1", "ecommerce", "month", "2026-02", "collection_rate"): (D("0"), D("500"), D("0.000000")),  # §5.6 collection_rate
    ("employee", "EC1", "ecommerce", "month", "2026-03", "collection_rate"): (D("0"), D("300"), D("0.000000")),  # §5.6 collection_rate
    ("employee", "EC1", "ecommerce", "month", "2026-04", "collection_rate"): (D("0"), D("120"), D("0.000000")),  # §5.6 collection_rate
    ("employee", "EC1", "ecommerce", "month", "2026-05", "collection_rate"): (D("0"), D("0"), None),  # §5.6 collection_rate
    ("employee", "EC1", "ecommerce", "month", "2026-06", "collection_rate"): (D("0"), D("400"), D("0.000000")),  # §5.6 collection_rate
    ("employee", "EC1", "ecommerce", "quarter", "2026-Q1", "collection_rate"): (D("300"), D("1300"), D("0.230769")),  # §5.6 collection_rate
    ("employee", "EC1", "ecommerce", "quarter", "2026-Q2", "collection_rate"): (D("0"), D("520"), D("0.000000")),  # §5.6 collection_rate
    ("employee", "EC1", "ecommerce", "year", "2026", "collection_rate"): (D("300"), D("1820"), D("0.164835")),  # §5.6 collection_rate
    ("employee", "EC1", "ecommerce", "month", "2026-01", "gmv"): (D("500"), None, D("500")),  # §5.6 gmv
    ("employee", "EC1", "ecommerce", "month", "2026-02", "gmv"): (D("500"), None, D("500")),  # §5.6 gmv
    ("employee", "EC1", "ecommerce", "month", "2026-03", "gmv"): (D("550"), None, D("550")),  # §5.6 gmv
    ("employee", "EC1", "ecommerce", "month", "2026-04", "gmv"): (D("370"), None, D("370")),  # §5.6 gmv
    ("employee", "EC1", "ecommerce", "month", "2026-05", "gmv"): (D("80"), None, D("80")),  # §5.6 gmv
    ("employee", "EC1", "ecommerce", "month", "2026-06", "gmv"): (D("400"), None, D("400")),  # §5.6 gmv
    ("employee", "EC1", "ecommerce", "quarter", "2026-Q1", "gmv"): (D("1550"), None, D("1550")),  # §5.6 gmv
    ("employee", "EC1", "ecommerce", "quarter", "2026-Q2", "gmv"): (D("850"), None, D("850")),  # §5.6 gmv
    ("employee", "EC1", "ecommerce", "year", "2026", "gmv"): (D("2400"), None, D("2400")),  # §5.6 gmv
    ("employee", "EC1", "ecommerce", "month", "2026-01", "net_sales"): (D("500"), None, D("500")),  # §5.6 net_sales
    ("employee", "EC1", "ecommerce", "month", "2026-02", "net_sales"): (D("500"), None, D("500")),  # §5.6 net_sales
    ("employee", "EC1", "ecommerce", "month", "2026-03", "net_sales"): (D("300"), None, D("300")),  # §5.6 net_sales
    ("employee", "EC1", "ecommerce", "month", "2026-04", "net_sales"): (D("120"), None, D("120")),  # §5.6 net_sales
    ("employee", "EC1", "ecommerce", "month", "2026-06", "net_sales"): (D("400"), None, D("400")),  # §5.6 net_sales
    ("employee", "EC1", "ecommerce", "quarter", "2026-Q1", "net_sales"): (D("1300"), None, D("1300")),  # §5.6 net_sales
    ("employee", "EC1", "ecommerce", "quarter", "2026-Q2", "net_sales"): (D("520"), None, D("520")),  # §5.6 net_sales
    ("employee", "EC1", "ecommerce", "year", "2026", "net_sales"): (D("1820"), None, D("1820")),  # §5.6 net_sales
    ("employee", "EC1", "ecommerce", "month", "2026-01", "conversion_rate"): (D("1"), D("200"), D("0.005000")),  # §5.6 conversion_rate
    ("employee", "EC1", "ecommerce", "month", "2026-02", "conversion_rate"): (D("1"), D("0"), None),  # §5.6 conversion_rate
    ("employee", "EC1", "ecommerce", "month", "2026-03", "conversion_rate"): (D("1"), D("50"), D("0.020000")),  # §5.6 conversion_rate
    ("employee", "EC1", "ecommerce", "month", "2026-04", "conversion_rate"): (D("1"), D("200"), D("0.005000")),  # §5.6 conversion_rate
    ("employee", "EC1", "ecommerce", "month", "2026-05", "conversion_rate"): (D("0"), D("100"), D("0.000000")),  # §5.6 conversion_rate
    ("employee", "EC1", "ecommerce", "month", "2026-06", "conversion_rate"): (D("2"), D("200"), D("0.010000")),  # §5.6 conversion_rate
    ("employee", "EC1", "ecommerce", "quarter", "2026-Q1", "conversion_rate"): (D("3"), D("250"), D("0.012000")),  # §5.6 conversion_rate
    ("employee", "EC1", "ecommerce", "quarter", "2026-Q2", "conversion_rate"): (D("2"), D("500"), D("0.004000")),  # §5.6 conversion_rate
    ("employee", "EC1", "ecommerce", "year", "2026", "conversion_rate"): (D("4"), D("750"), D("0.005333")),  # §5.6 conversion_rate
    ("employee", "EC1", "ecommerce", "month", "2026-01", "repurchase_rate"): (D("1"), D("1"), D("1.000000")),  # §5.6 repurchase_rate
    ("employee", "EC1", "ecommerce", "month", "2026-02", "repurchase_rate"): (D("0"), D("1"), D("0.000000")),  # §5.6 repurchase_rate
    ("employee", "EC1", "ecommerce", "month", "2026-03", "repurchase_rate"): (D("0"), D("1"), D("0.000000")),  # §5.6 repurchase_rate
    ("employee", "EC1", "ecommerce", "month", "2026-04", "repurchase_rate"): (D("0"), D("1"), D("0.000000")),  # §5.6 repurchase_rate
    ("employee", "EC1", "ecommerce", "month", "2026-05", "repurchase_rate"): (D("0"), D("0"), None),  # §5.6 repurchase_rate
    ("employee", "EC1", "ecommerce", "month", "2026-06", "repurchase_rate"): (D("0"), D("2"), D("0.000000")),  # §5.6 repurchase_rate
    ("employee", "EC1", "ecommerce", "quarter", "2026-Q1", "repurchase_rate"): (D("1"), D("3"), D("0.333333")),  # §5.6 repurchase_rate
    ("employee", "EC1", "ecommerce", "quarter", "2026-Q2", "repurchase_rate"): (D("1"), D("2"), D("0.500000")),  # §5.6 repurchase_rate
    ("employee", "EC1", "ecommerce", "year", "2026", "repurchase_rate"): (D("1"), D("4"), D("0.250000")),  # §5.6 repurchase_rate
    ("employee", "EC1", "ecommerce", "month", "2026-01", "average_order_value"): (D("500"), D("1"), D("500.000000")),  # §5.6 average_order_value
    ("employee", "EC1", "ecommerce", "month", "2026-02", "average_order_value"): (D("500"), D("1"), D("500.000000")),  # §5.6 average_order_value
    ("employee", "EC1", "ecommerce", "month", "2026-03", "average_order_value"): (D("300"), D("1"), D("300.000000")),  # §5.6 average_order_value
    ("employee", "EC1", "ecommerce", "month", "2026-04", "average_order_value"): (D("120"), D("1"), D("120.000000")),  # §5.6 average_order_value
    ("employee", "EC1", "ecommerce", "month", "2026-05", "average_order_value"): (D("0"), D("0"), None),  # §5.6 average_order_value
    ("employee", "EC1", "ecommerce", "month", "2026-06", "average_order_value"): (D("400"), D("2"), D("200.000000")),  # §5.6 average_order_value
    ("employee", "EC1", "ecommerce", "quarter", "2026-Q1", "average_order_value"): (D("1300"), D("3"), D("433.333333")),  # §5.6 average_order_value
    ("employee", "EC1", "ecommerce", "quarter", "2026-Q2", "average_order_value"): (D("520"), D("2"), D("260.000000")),  # §5.6 average_order_value
    ("employee", "EC1", "ecommerce", "year", "2026", "average_order_value"): (D("1820"), D("4"), D("455.000000")),  # §5.6 average_order_value
    ("employee", "EC1", "ecommerce", "month", "2026-01", "avg_first_response_minutes"): (D("60.5"), D("2"), D("30.250000")),  # §5.6 avg_first_response_minutes
    ("employee", "EC1", "ecommerce", "month", "2026-02", "avg_first_response_minutes"): (D("0"), D("0"), None),  # §5.6 avg_first_response_minutes
    ("employee", "EC1", "ecommerce", "month", "2026-03", "avg_first_response_minutes"): (D("0"), D("0"), None),  # §5.6 avg_first_response_minutes
    ("employee", "EC1", "ecommerce", "month", "2026-04", "avg_first_response_minutes"): (D("20"), D("1"), D("20.000000")),  # §5.6 avg_first_response_minutes
    ("employee", "EC1", "ecommerce", "month", "2026-05", "avg_first_response_minutes"): (D("0"), D("0"), None),  # §5.6 avg_first_response_minutes
    ("employee", "EC1", "ecommerce", "month", "2026-06", "avg_first_response_minutes"): (D("60"), D("1"), D("60.000000")),  # §5.6 avg_first_response_minutes
    ("employee", "EC1", "ecommerce", "quarter", "2026-Q1", "avg_first_response_minutes"): (D("60.5"), D("2"), D("30.250000")),  # §5.6 avg_first_response_minutes
    ("employee", "EC1", "ecommerce", "quarter", "2026-Q2", "avg_first_response_minutes"): (D("80"), D("2"), D("40.000000")),  # §5.6 avg_first_response_minutes
    ("employee", "EC1", "ecommerce", "year", "2026", "avg_first_response_minutes"): (D("140.5"), D("4"), D("35.125000")),  # §5.6 avg_first_response_minutes (corrected, §8.1)
    ("employee", "EC1", "ecommerce", "month", "2026-01", "campaigns_participated"): (D("1"), None, D("1")),  # §5.6 campaigns_participated
    ("employee", "EC1", "ecommerce", "month", "2026-05", "campaigns_participated"): (D("1"), None, D("1")),  # §5.6 campaigns_participated
    ("employee", "EC1", "ecommerce", "month", "2026-06", "campaigns_participated"): (D("1"), None, D("1")),  # §5.6 campaigns_participated
    ("employee", "EC1", "ecommerce", "quarter", "2026-Q1", "campaigns_participated"): (D("1"), None, D("1")),  # §5.6 campaigns_participated
    ("employee", "EC1", "ecommerce", "quarter", "2026-Q2", "campaigns_participated"): (D("2"), None, D("2")),  # §5.6 campaigns_participated
    ("employee", "EC1", "ecommerce", "year", "2026", "campaigns_participated"): (D("3"), None, D("3")),  # §5.6 campaigns_participated
    # ---- team T1 / ecommerce: NOTES.md §5.6
    ("team", "T1", "ecommerce", "month", "2026-01", "revenue"): (D("500"), None, D("500")),  # §5.6 revenue
    ("team", "T1", "ecommerce", "month", "2026-02", "revenue"): (D("500"), None, D("500")),  # §5.6 revenue
    ("team", "T1", "ecommerce", "month", "2026-03", "revenue"): (D("300"), None, D("300")),  # §5.6 revenue
    ("team", "T1", "ecommerce", "month", "2026-04", "revenue"): (D("120"), None, D("120")),  # §5.6 revenue
    ("team", "T1", "ecommerce", "month", "2026-06", "revenue"): (D("400"), None, D("400")),  # §5.6 revenue
    ("team", "T1", "ecommerce", "quarter", "2026-Q1", "revenue"): (D("1300"), None, D("1300")),  # §5.6 revenue
    ("team", "T1", "ecommerce", "quarter", "2026-Q2", "revenue"): (D("520"), None, D("520")),  # §5.6 revenue
    ("team", "T1", "ecommerce", "year", "2026", "revenue"): (D("1820"), None, D("1820")),  # §5.6 revenue
    ("team", "T1", "ecommerce", "month", "2026-01", "revenue_excl_tax"): (D("450"), None, D("450")),  # §5.6 revenue_excl_tax
    ("team", "T1", "ecommerce", "month", "2026-02", "revenue_excl_tax"): (D("450"), None, D("450")),  # §5.6 revenue_excl_tax
    ("team", "T1", "ecommerce", "month", "2026-03", "revenue_excl_tax"): (D("260"), None, D("260")),  # §5.6 revenue_excl_tax
    ("team", "T1", "ecommerce", "month", "2026-04", "revenue_excl_tax"): (D("108"), None, D("108")),  # §5.6 revenue_excl_tax
    ("team", "T1", "ecommerce", "month", "2026-06", "revenue_excl_tax"): (D("360"), None, D("360")),  # §5.6 revenue_excl_tax
    ("team", "T1", "ecommerce", "quarter", "2026-Q1", "revenue_excl_tax"): (D("1160"), None, D("1160")),  # §5.6 revenue_excl_tax
    ("team", "T1", "ecommerce", "quarter", "2026-Q2", "revenue_excl_tax"): (D("468"), None, D("468")),  # §5.6 revenue_excl_tax
    ("team", "T1", "ecommerce", "year", "2026", "revenue_excl_tax"): (D("1628"), None, D("1628")),  # §5.6 revenue_excl_tax
    ("team", "T1", "ecommerce", "month", "2026-01", "new_customer_revenue"): (D("500"), None, D("500")),  # §5.6 new_customer_revenue
    ("team", "T1", "ecommerce", "month", "2026-02", "new_customer_revenue"): (D("500"), None, D("500")),  # §5.6 new_customer_revenue
    ("team", "T1", "ecommerce", "month", "2026-03", "new_customer_revenue"): (D("300"), None, D("300")),  # §5.6 new_customer_revenue
    ("team", "T1", "ecommerce", "month", "2026-06", "new_customer_revenue"): (D("180"), None, D("180")),  # §5.6 new_customer_revenue
    ("team", "T1", "ecommerce", "quarter", "2026-Q1", "new_customer_revenue"): (D("1300"), None, D("1300")),  # §5.6 new_customer_revenue
    ("team", "T1", "ecommerce", "quarter", "2026-Q2", "new_customer_revenue"): (D("180"), None, D("180")),  # §5.6 new_customer_revenue
    ("team", "T1", "ecommerce", "year", "2026", "new_customer_revenue"): (D("1820"), None, D("1820")),  # §5.6 new_customer_revenue
    ("team", "T1", "ecommerce", "month", "2026-04", "existing_customer_revenue"): (D("120"), None, D("120")),  # §5.6 existing_customer_revenue
    ("team", "T1", "ecommerce", "month", "2026-06", "existing_customer_revenue"): (D("220"), None, D("220")),  # §5.6 existing_customer_revenue
    ("team", "T1", "ecommerce", "quarter", "2026-Q2", "existing_customer_revenue"): (D("340"), None, D("340")),  # §5.6 existing_customer_revenue
    ("team", "T1", "ecommerce", "month", "2026-01", "new_customers"): (D("1"), None, D("1")),  # §5.6 new_customers
    ("team", "T1", "ecommerce", "month", "2026-02", "new_customers"): (D("1"), None, D("1")),  # §5.6 new_customers
    ("team", "T1", "ecommerce", "month", "2026-03", "new_customers"): (D("1"), None, D("1")),  # §5.6 new_customers
    ("team", "T1", "ecommerce", "month", "2026-06", "new_customers"): (D("1"), None, D("1")),  # §5.6 new_customers
    ("team", "T1", "ecommerce", "quarter", "2026-Q1", "new_customers"): (D("3"), None, D("3")),  # §5.6 new_customers
    ("team", "T1", "ecommerce", "quarter", "2026-Q2", "new_customers"): (D("1"), None, D("1")),  # §5.6 new_customers
    ("team", "T1", "ecommerce", "year", "2026", "new_customers"): (D("4"), None, D("4")),  # §5.6 new_customers
    ("team", "T1", "ecommerce", "month", "2026-01", "collection_rate"): (D("300"), D("500"), D("0.600000")),  # §5.6 collection_rate
    ("team", "T1", "ecommerce", "month", "2026-02", "collection_rate"): (D("0"), D("500"), D("0.000000")),  # §5.6 collection_rate
    ("team", "T1", "ecommerce", "month", "2026-03", "collection_rate"): (D("0"), D("300"), D("0.000000")),  # §5.6 collection_rate
    ("team", "T1", "ecommerce", "month", "2026-04", "collection_rate"): (D("0"), D("120"), D("0.000000")),  # §5.6 collection_rate
    ("team", "T1", "ecommerce", "month", "2026-05", "collection_rate"): (D("0"), D("0"), None),  # §5.6 collection_rate
    ("team", "T1", "ecommerce", "month", "2026-06", "collection_rate"): (D("0"), D("400"), D("0.000000")),  # §5.6 collection_rate
    ("team", "T1", "ecommerce", "quarter", "2026-Q1", "collection_rate"): (D("300"), D("1300"), D("0.230769")),  # §5.6 collection_rate
    ("team", "T1", "ecommerce", "quarter", "2026-Q2", "collection_rate"): (D("0"), D("520"), D("0.000000")),  # §5.6 collection_rate
    ("team", "T1", "ecommerce", "year", "2026", "collection_rate"): (D("300"), D("1820"), D("0.164835")),  # §5.6 collection_rate
    ("team", "T1", "ecommerce", "month", "2026-01", "gmv"): (D("500"), None, D("500")),  # §5.6 gmv
    ("team", "T1", "ecommerce", "month", "2026-02", "gmv"): (D("500"), None, D("500")),  # §5.6 gmv
    ("team", "T1", "ecommerce", "month", "2026-03", "gmv"): (D("550"), None, D("550")),  # §5.6 gmv
    ("team", "T1", "ecommerce", "month", "2026-04", "gmv"): (D("370"), None, D("370")),  # §5.6 gmv
    ("team", "T1", "ecommerce", "month", "2026-05", "gmv"): (D("80"), None, D("80")),  # §5.6 gmv
    ("team", "T1", "ecommerce", "month", "2026-06", "gmv"): (D("400"), None, D("400")),  # §5.6 gmv
    ("team", "T1", "ecommerce", "quarter", "2026-Q1", "gmv"): (D("1550"), None, D("1550")),  # §5.6 gmv
    ("team", "T1", "ecommerce", "quarter", "2026-Q2", "gmv"): (D("850"), None, D("850")),  # §5.6 gmv
    ("team", "T1", "ecommerce", "year", "2026", "gmv"): (D("2400"), None, D("2400")),  # §5.6 gmv
    ("team", "T1", "ecommerce", "month", "2026-01", "net_sales"): (D("500"), None, D("500")),  # §5.6 net_sales
    ("team", "T1", "ecommerce", "month", "2026-02", "net_sales"): (D("500"), None, D("500")),  # §5.6 net_sales
    ("team", "T1", "ecommerce", "month", "2026-03", "net_sales"): (D("300"), None, D("300")),  # §5.6 net_sales
    ("team", "T1", "ecommerce", "month", "2026-04", "net_sales"): (D("120"), None, D("120")),  # §5.6 net_sales
    ("team", "T1", "ecommerce", "month", "2026-06", "net_sales"): (D("400"), None, D("400")),  # §5.6 net_sales
    ("team", "T1", "ecommerce", "quarter", "2026-Q1", "net_sales"): (D("1300"), None, D("1300")),  # §5.6 net_sales
    ("team", "T1", "ecommerce", "quarter", "2026-Q2", "net_sales"): (D("520"), None, D("520")),  # §5.6 net_sales
    ("team", "T1", "ecommerce", "year", "2026", "net_sales"): (D("1820"), None, D("1820")),  # §5.6 net_sales
    ("team", "T1", "ecommerce", "month", "2026-01", "conversion_rate"): (D("1"), D("200"), D("0.005000")),  # §5.6 conversion_rate
    ("team", "T1", "ecommerce", "month", "2026-02", "conversion_rate"): (D("1"), D("0"), None),  # §5.6 conversion_rate
    ("team", "T1", "ecommerce", "month", "2026-03", "conversion_rate"): (D("1"), D("50"), D("0.020000")),  # §5.6 conversion_rate
    ("team", "T1", "ecommerce", "month", "2026-04", "conversion_rate"): (D("1"), D("200"), D("0.005000")),  # §5.6 conversion_rate
    ("team", "T1", "ecommerce", "month", "2026-05", "conversion_rate"): (D("0"), D("100"), D("0.000000")),  # §5.6 conversion_rate
    ("team", "T1", "ecommerce", "month", "2026-06", "conversion_rate"): (D("2"), D("200"), D("0.010000")),  # §5.6 conversion_rate
    ("team", "T1", "ecommerce", "quarter", "2026-Q1", "conversion_rate"): (D("3"), D("250"), D("0.012000")),  # §5.6 conversion_rate
    ("team", "T1", "ecommerce", "quarter", "2026-Q2", "conversion_rate"): (D("2"), D("500"), D("0.004000")),  # §5.6 conversion_rate
    ("team", "T1", "ecommerce", "year", "2026", "conversion_rate"): (D("4"), D("750"), D("0.005333")),  # §5.6 conversion_rate
    ("team", "T1", "ecommerce", "month", "2026-01", "repurchase_rate"): (D("1"), D("1"), D("1.000000")),  # §5.6 repurchase_rate
    ("team", "T1", "ecommerce", "month", "2026-02", "repurchase_rate"): (D("0"), D("1"), D("0.000000")),  # §5.6 repurchase_rate
    ("team", "T1", "ecommerce", "month", "2026-03", "repurchase_rate"): (D("0"), D("1"), D("0.000000")),  # §5.6 repurchase_rate
    ("team", "T1", "ecommerce", "month", "2026-04", "repurchase_rate"): (D("0"), D("1"), D("0.000000")),  # §5.6 repurchase_rate
    ("team", "T1", "ecommerce", "month", "2026-05", "repurchase_rate"): (D("0"), D("0"), None),  # §5.6 repurchase_rate
    ("team", "T1", "ecommerce", "month", "2026-06", "repurchase_rate"): (D("0"), D("2"), D("0.000000")),  # §5.6 repurchase_rate
    ("team", "T1", "ecommerce", "quarter", "2026-Q1", "repurchase_rate"): (D("1"), D("3"), D("0.333333")),  # §5.6 repurchase_rate
    ("team", "T1", "ecommerce", "quarter", "2026-Q2", "repurchase_rate"): (D("1"), D("2"), D("0.500000")),  # §5.6 repurchase_rate
    ("team", "T1", "ecommerce", "year", "2026", "repurchase_rate"): (D("1"), D("4"), D("0.250000")),  # §5.6 repurchase_rate
    ("team", "T1", "ecommerce", "month", "2026-01", "average_order_value"): (D("500"), D("1"), D("500.000000")),  # §5.6 average_order_value
    ("team", "T1", "ecommerce", "month", "2026-02", "average_order_value"): (D("500"), D("1"), D("500.000000")),  # §5.6 average_order_value
    ("team", "T1", "ecommerce", "month", "2026-03", "average_order_value"): (D("300"), D("1"), D("300.000000")),  # §5.6 average_order_value
    ("team", "T1", "ecommerce", "month", "2026-04", "average_order_value"): (D("120"), D("1"), D("120.000000")),  # §5.6 average_order_value
    ("team", "T1", "ecommerce", "month", "2026-05", "average_order_value"): (D("0"), D("0"), None),  # §5.6 average_order_value
    ("team", "T1", "ecommerce", "month", "2026-06", "average_order_value"): (D("400"), D("2"), D("200.000000")),  # §5.6 average_order_value
    ("team", "T1", "ecommerce", "quarter", "2026-Q1", "average_order_value"): (D("1300"), D("3"), D("433.333333")),  # §5.6 average_order_value
    ("team", "T1", "ecommerce", "quarter", "2026-Q2", "average_order_value"): (D("520"), D("2"), D("260.000000")),  # §5.6 average_order_value
    ("team", "T1", "ecommerce", "year", "2026", "average_order_value"): (D("1820"), D("4"), D("455.000000")),  # §5.6 average_order_value
    ("team", "T1", "ecommerce", "month", "2026-01", "avg_first_response_minutes"): (D("60.5"), D("2"), D("30.250000")),  # §5.6 avg_first_response_minutes
    ("team", "T1", "ecommerce", "month", "2026-02", "avg_first_response_minutes"): (D("0"), D("0"), None),  # §5.6 avg_first_response_minutes
    ("team", "T1", "ecommerce", "month", "2026-03", "avg_first_response_minutes"): (D("0"), D("0"), None),  # §5.6 avg_first_response_minutes
    ("team", "T1", "ecommerce", "month", "2026-04", "avg_first_response_minutes"): (D("20"), D("1"), D("20.000000")),  # §5.6 avg_first_response_minutes
    ("team", "T1", "ecommerce", "month", "2026-05", "avg_first_response_minutes"): (D("0"), D("0"), None),  # §5.6 avg_first_response_minutes
    ("team", "T1", "ecommerce", "month", "2026-06", "avg_first_response_minutes"): (D("60"), D("1"), D("60.000000")),  # §5.6 avg_first_response_minutes
    ("team", "T1", "ecommerce", "quarter", "2026-Q1", "avg_first_response_minutes"): (D("60.5"), D("2"), D("30.250000")),  # §5.6 avg_first_response_minutes
    ("team", "T1", "ecommerce", "quarter", "2026-Q2", "avg_first_response_minutes"): (D("80"), D("2"), D("40.000000")),  # §5.6 avg_first_response_minutes
    ("team", "T1", "ecommerce", "year", "2026", "avg_first_response_minutes"): (D("140.5"), D("4"), D("35.125000")),  # §5.6 avg_first_response_minutes (corrected, §8.1)
    ("team", "T1", "ecommerce", "month", "2026-01", "campaigns_participated"): (D("1"), None, D("1")),  # §5.6 campaigns_participated
    ("team", "T1", "ecommerce", "month", "2026-05", "campaigns_participated"): (D("1"), None, D("1")),  # §5.6 campaigns_participated
    ("team", "T1", "ecommerce", "month", "2026-06", "campaigns_participated"): (D("1"), None, D("1")),  # §5.6 campaigns_participated
    ("team", "T1", "ecommerce", "quarter", "2026-Q1", "campaigns_participated"): (D("1"), None, D("1")),  # §5.6 campaigns_participated
    ("team", "T1", "ecommerce", "quarter", "2026-Q2", "campaigns_participated"): (D("2"), None, D("2")),  # §5.6 campaigns_participated
    ("team", "T1", "ecommerce", "year", "2026", "campaigns_participated"): (D("3"), None, D("3")),  # §5.6 campaigns_participated
    # ---- employee KA1 / key_account: NOTES.md §5.7
    ("employee", "KA1", "key_account", "month", "2026-01", "revenue"): (D("56500"), None, D("56500")),  # §5.7 revenue
    ("employee", "KA1", "key_account", "month", "2026-02", "revenue"): (D("452000"), None, D("452000")),  # §5.7 revenue
    ("employee", "KA1", "key_account", "month", "2026-04", "revenue"): (D("791000"), None, D("791000")),  # §5.7 revenue
    ("employee", "KA1", "key_account", "month", "2026-05", "revenue"): (D("33900"), None, D("33900")),  # §5.7 revenue
    ("employee", "KA1", "key_account", "quarter", "2026-Q1", "revenue"): (D("508500"), None, D("508500")),  # §5.7 revenue
    ("employee", "KA1", "key_account", "quarter", "2026-Q2", "revenue"): (D("824900"), None, D("824900")),  # §5.7 revenue
    ("employee", "KA1", "key_account", "year", "2026", "revenue"): (D("1333400"), None, D("1333400")),  # §5.7 revenue
    ("employee", "KA1", "key_account", "month", "2026-01", "revenue_excl_tax"): (D("50000"), None, D("50000")),  # §5.7 revenue_excl_tax
    ("employee", "KA1", "key_account", "month", "2026-02", "revenue_excl_tax"): (D("400000"), None, D("400000")),  # §5.7 revenue_excl_tax
    ("employee", "KA1", "key_account", "month", "2026-04", "revenue_excl_tax"): (D("700000"), None, D("700000")),  # §5.7 revenue_excl_tax
    ("employee", "KA1", "key_account", "month", "2026-05", "revenue_excl_tax"): (D("30000"), None, D("30000")),  # §5.7 revenue_excl_tax
    ("employee", "KA1", "key_account", "quarter", "2026-Q1", "revenue_excl_tax"): (D("450000"), None, D("450000")),  # §5.7 revenue_excl_tax
    ("employee", "KA1", "key_account", "quarter", "2026-Q2", "revenue_excl_tax"): (D("730000"), None, D("730000")),  # §5.7 revenue_excl_tax
    ("employee", "KA1", "key_account", "year", "2026", "revenue_excl_tax"): (D("1180000"), None, D("1180000")),  # §5.7 revenue_excl_tax
    ("employee", "KA1", "key_account", "month", "2026-01", "new_customer_revenue"): (D("56500"), None, D("56500")),  # §5.7 new_customer_revenue
    ("employee", "KA1", "key_account", "month", "2026-02", "new_customer_revenue"): (D("452000"), None, D("452000")),  # §5.7 new_customer_revenue
    ("employee", "KA1", "key_account", "quarter", "2026-Q1", "new_customer_revenue"): (D("508500"), None, D("508500")),  # §5.7 new_customer_revenue
    ("employee", "KA1", "key_account", "year", "2026", "new_customer_revenue"): (D("1333400"), None, D("1333400")),  # §5.7 new_customer_revenue
    ("employee", "KA1", "key_account", "month", "2026-04", "existing_customer_revenue"): (D("791000"), None, D("791000")),  # §5.7 existing_customer_revenue
    ("employee", "KA1", "key_account", "month", "2026-05", "existing_customer_revenue"): (D("33900"), None, D("33900")),  # §5.7 existing_customer_revenue
    ("employee", "KA1", "key_account", "quarter", "2026-Q2", "existing_customer_revenue"): (D("824900"), None, D("824900")),  # §5.7 existing_customer_revenue
    ("employee", "KA1", "key_account", "month", "2026-01", "new_customers"): (D("1"), None, D("1")),  # §5.7 new_customers
    ("employee", "KA1", "key_account", "month", "2026-02", "new_customers"): (D("1"), None, D("1")),  # §5.7 new_customers
    ("employee", "KA1", "key_account", "quarter", "2026-Q1", "new_customers"): (D("2"), None, D("2")),  # §5.7 new_customers
    ("employee", "KA1", "key_account", "year", "2026", "new_customers"): (D("2"), None, D("2")),  # §5.7 new_customers
    ("employee", "KA1", "key_account", "month", "2026-01", "collection_rate"): (D("0"), D("56500"), D("0.000000")),  # §5.7 collection_rate
    ("employee", "KA1", "key_account", "month", "2026-02", "collection_rate"): (D("0"), D("452000"), D("0.000000")),  # §5.7 collection_rate
    ("employee", "KA1", "key_account", "month", "2026-03", "collection_rate"): (D("56500"), D("0"), None),  # §5.7 collection_rate
    ("employee", "KA1", "key_account", "month", "2026-04", "collection_rate"): (D("0"), D("791000"), D("0.000000")),  # §5.7 collection_rate
    ("employee", "KA1", "key_account", "month", "2026-05", "collection_rate"): (D("0"), D("33900"), D("0.000000")),  # §5.7 collection_rate
    ("employee", "KA1", "key_account", "month", "2026-06", "collection_rate"): (D("0"), D("0"), None),  # §5.7 collection_rate
    ("employee", "KA1", "key_account", "quarter", "2026-Q1", "collection_rate"): (D("56500"), D("508500"), D("0.111111")),  # §5.7 collection_rate
    ("employee", "KA1", "key_account", "quarter", "2026-Q2", "collection_rate"): (D("0"), D("824900"), D("0.000000")),  # §5.7 collection_rate
    ("employee", "KA1", "key_account", "year", "2026", "collection_rate"): (D("56500"), D("1333400"), D("0.042373")),  # §5.7 collection_rate
    ("employee", "KA1", "key_account", "month", "2026-01", "key_account_revenue"): (D("56500"), None, D("56500")),  # §5.7 key_account_revenue
    ("employee", "KA1", "key_account", "month", "2026-04", "key_account_revenue"): (D("791000"), None, D("791000")),  # §5.7 key_account_revenue
    ("employee", "KA1", "key_account", "month", "2026-05", "key_account_revenue"): (D("33900"), None, D("33900")),  # §5.7 key_account_revenue
    ("employee", "KA1", "key_account", "quarter", "2026-Q1", "key_account_revenue"): (D("56500"), None, D("56500")),  # §5.7 key_account_revenue
    ("employee", "KA1", "key_account", "quarter", "2026-Q2", "key_account_revenue"): (D("824900"), None, D("824900")),  # §5.7 key_account_revenue
    ("employee", "KA1", "key_account", "year", "2026", "key_account_revenue"): (D("1333400"), None, D("1333400")),  # §5.7 key_account_revenue
    ("employee", "KA1", "key_account", "month", "2026-01", "key_account_signings"): (D("1"), None, D("1")),  # §5.7 key_account_signings
    ("employee", "KA1", "key_account", "month", "2026-04", "key_account_signings"): (D("1"), None, D("1")),  # §5.7 key_account_signings
    ("employee", "KA1", "key_account", "quarter", "2026-Q1", "key_account_signings"): (D("1"), None, D("1")),  # §5.7 key_account_signings
    ("employee", "KA1", "key_account", "quarter", "2026-Q2", "key_account_signings"): (D("1"), None, D("1")),  # §5.7 key_account_signings
    ("employee", "KA1", "key_account", "year", "2026", "key_account_signings"): (D("2"), None, D("2")),  # §5.7 key_account_signings
    ("employee", "KA1", "key_account", "month", "2026-01", "customer_lifetime_value"): (D("45000"), None, D("45000")),  # §5.7 customer_lifetime_value
    ("employee", "KA1", "key_account", "month", "2026-02", "customer_lifetime_value"): (D("45000"), None, D("45000")),  # §5.7 customer_lifetime_value
    ("employee", "KA1", "key_account", "month", "2026-03", "customer_lifetime_value"): (D("45000"), None, D("45000")),  # §5.7 customer_lifetime_value
    ("employee", "KA1", "key_account", "month", "2026-04", "customer_lifetime_value"): (D("705000"), None, D("705000")),  # §5.7 customer_lifetime_value
    ("employee", "KA1", "key_account", "month", "2026-05", "customer_lifetime_value"): (D("732000"), None, D("732000")),  # §5.7 customer_lifetime_value
    ("employee", "KA1", "key_account", "month", "2026-06", "customer_lifetime_value"): (D("732000"), None, D("732000")),  # §5.7 customer_lifetime_value
    ("employee", "KA1", "key_account", "quarter", "2026-Q1", "customer_lifetime_value"): (D("45000"), None, D("45000")),  # §5.7 customer_lifetime_value
    ("employee", "KA1", "key_account", "quarter", "2026-Q2", "customer_lifetime_value"): (D("732000"), None, D("732000")),  # §5.7 customer_lifetime_value
    ("employee", "KA1", "key_account", "year", "2026", "customer_lifetime_value"): (D("732000"), None, D("732000")),  # §5.7 customer_lifetime_value
    ("employee", "KA1", "key_account", "month", "2026-01", "research_depth"): (D("1"), None, D("1")),  # §5.7 research_depth
    ("employee", "KA1", "key_account", "month", "2026-02", "research_depth"): (D("1"), None, D("1")),  # §5.7 research_depth
    ("employee", "KA1", "key_account", "quarter", "2026-Q1", "research_depth"): (D("2"), None, D("2")),  # §5.7 research_depth
    ("employee", "KA1", "key_account", "year", "2026", "research_depth"): (D("2"), None, D("2")),  # §5.7 research_depth
    ("employee", "KA1", "key_account", "month", "2026-01", "milestone_achievement_rate"): (D("2"), D("2"), D("1.000000")),  # §5.7 milestone_achievement_rate
    ("employee", "KA1", "key_account", "month", "2026-02", "milestone_achievement_rate"): (D("0"), D("1"), D("0.000000")),  # §5.7 milestone_achievement_rate
    ("employee", "KA1", "key_account", "month", "2026-03", "milestone_achievement_rate"): (D("1"), D("1"), D("1.000000")),  # §5.7 milestone_achievement_rate
    ("employee", "KA1", "key_account", "month", "2026-04", "milestone_achievement_rate"): (D("0"), D("1"), D("0.000000")),  # §5.7 milestone_achievement_rate
    ("employee", "KA1", "key_account", "month", "2026-05", "milestone_achievement_rate"): (D("0"), D("1"), D("0.000000")),  # §5.7 milestone_achievement_rate
    ("employee", "KA1", "key_account", "month", "2026-06", "milestone_achievement_rate"): (D("1"), D("1"), D("1.000000")),  # §5.7 milestone_achievement_rate
    ("employee", "KA1", "key_account", "quarter", "2026-Q1", "milestone_achievement_rate"): (D("3"), D("4"), D("0.750000")),  # §5.7 milestone_achievement_rate
    ("employee", "KA1", "key_account", "quarter", "2026-Q2", "milestone_achievement_rate"): (D("1"), D("3"), D("0.333333")),  # §5.7 milestone_achievement_rate
    ("employee", "KA1", "key_account", "year", "2026", "milestone_achievement_rate"): (D("4"), D("7"), D("0.571429")),  # §5.7 milestone_achievement_rate
    # ---- team T1 / key_account: NOTES.md §5.7
    ("team", "T1", "key_account", "month", "2026-01", "revenue"): (D("56500"), None, D("56500")),  # §5.7 revenue
    ("team", "T1", "key_account", "month", "2026-02", "revenue"): (D("452000"), None, D("452000")),  # §5.7 revenue
    ("team", "T1", "key_account", "month", "2026-04", "revenue"): (D("791000"), None, D("791000")),  # §5.7 revenue
    ("team", "T1", "key_account", "month", "2026-05", "revenue"): (D("33900"), None, D("33900")),  # §5.7 revenue
    ("team", "T1", "key_account", "quarter", "2026-Q1", "revenue"): (D("508500"), None, D("508500")),  # §5.7 revenue
    ("team", "T1", "key_account", "quarter", "2026-Q2", "revenue"): (D("824900"), None, D("824900")),  # §5.7 revenue
    ("team", "T1", "key_account", "year", "2026", "revenue"): (D("1333400"), None, D("1333400")),  # §5.7 revenue
    ("team", "T1", "key_account", "month", "2026-01", "revenue_excl_tax"): (D("50000"), None, D("50000")),  # §5.7 revenue_excl_tax
    ("team", "T1", "key_account", "month", "2026-02", "revenue_excl_tax"): (D("400000"), None, D("400000")),  # §5.7 revenue_excl_tax
    ("team", "T1", "key_account", "month", "2026-04", "revenue_excl_tax"): (D("700000"), None, D("700000")),  # §5.7 revenue_excl_tax
    ("team", "T1", "key_account", "month", "2026-05", "revenue_excl_tax"): (D("30000"), None, D("30000")),  # §5.7 revenue_excl_tax
    ("team", "T1", "key_account", "quarter", "2026-Q1", "revenue_excl_tax"): (D("450000"), None, D("450000")),  # §5.7 revenue_excl_tax
    ("team", "T1", "key_account", "quarter", "2026-Q2", "revenue_excl_tax"): (D("730000"), None, D("730000")),  # §5.7 revenue_excl_tax
    ("team", "T1", "key_account", "year", "2026", "revenue_excl_tax"): (D("1180000"), None, D("1180000")),  # §5.7 revenue_excl_tax
    ("team", "T1", "key_account", "month", "2026-01", "new_customer_revenue"): (D("56500"), None, D("56500")),  # §5.7 new_customer_revenue
    ("team", "T1", "key_account", "month", "2026-02", "new_customer_revenue"): (D("452000"), None, D("452000")),  # §5.7 new_customer_revenue
    ("team", "T1", "key_account", "quarter", "2026-Q1", "new_customer_revenue"): (D("508500"), None, D("508500")),  # §5.7 new_customer_revenue
    ("team", "T1", "key_account", "year", "2026", "new_customer_revenue"): (D("1333400"), None, D("1333400")),  # §5.7 new_customer_revenue
    ("team", "T1", "key_account", "month", "2026-04", "existing_customer_revenue"): (D("791000"), None, D("791000")),  # §5.7 existing_customer_revenue
    ("team", "T1", "key_account", "month", "2026-05", "existing_customer_revenue"): (D("33900"), None, D("33900")),  # §5.7 existing_customer_revenue
    ("team", "T1", "key_account", "quarter", "2026-Q2", "existing_customer_revenue"): (D("824900"), None, D("824900")),  # §5.7 existing_customer_revenue
    ("team", "T1", "key_account", "month", "2026-01", "new_customers"): (D("1"), None, D("1")),  # §5.7 new_customers
    ("team", "T1", "key_account", "month", "2026-02", "new_customers"): (D("1"), None, D("1")),  # §5.7 new_customers
    ("team", "T1", "key_account", "quarter", "2026-Q1", "new_customers"): (D("2"), None, D("2")),  # §5.7 new_customers
    ("team", "T1", "key_account", "year", "2026", "new_customers"): (D("2"), None, D("2")),  # §5.7 new_customers
    ("team", "T1", "key_account", "month", "2026-01", "collection_rate"): (D("0"), D("56500"), D("0.000000")),  # §5.7 collection_rate
    ("team", "T1", "key_account", "month", "2026-02", "collection_rate"): (D("0"), D("452000"), D("0.000000")),  # §5.7 collection_rate
    ("team", "T1", "key_account", "month", "2026-03", "collection_rate"): (D("56500"), D("0"), None),  # §5.7 collection_rate
    ("team", "T1", "key_account", "month", "2026-04", "collection_rate"): (D("0"), D("791000"), D("0.000000")),  # §5.7 collection_rate
    ("team", "T1", "key_account", "month", "2026-05", "collection_rate"): (D("0"), D("33900"), D("0.000000")),  # §5.7 collection_rate
    ("team", "T1", "key_account", "month", "2026-06", "collection_rate"): (D("0"), D("0"), None),  # §5.7 collection_rate
    ("team", "T1", "key_account", "quarter", "2026-Q1", "collection_rate"): (D("56500"), D("508500"), D("0.111111")),  # §5.7 collection_rate
    ("team", "T1", "key_account", "quarter", "2026-Q2", "collection_rate"): (D("0"), D("824900"), D("0.000000")),  # §5.7 collection_rate
    ("team", "T1", "key_account", "year", "2026", "collection_rate"): (D("56500"), D("1333400"), D("0.042373")),  # §5.7 collection_rate
    ("team", "T1", "key_account", "month", "2026-01", "key_account_revenue"): (D("56500"), None, D("56500")),  # §5.7 key_account_revenue
    ("team", "T1", "key_account", "month", "2026-04", "key_account_revenue"): (D("791000"), None, D("791000")),  # §5.7 key_account_revenue
    ("team", "T1", "key_account", "month", "2026-05", "key_account_revenue"): (D("33900"), None, D("33900")),  # §5.7 key_account_revenue
    ("team", "T1", "key_account", "quarter", "2026-Q1", "key_account_revenue"): (D("56500"), None, D("56500")),  # §5.7 key_account_revenue
    ("team", "T1", "key_account", "quarter", "2026-Q2", "key_account_revenue"): (D("824900"), None, D("824900")),  # §5.7 key_account_revenue
    ("team", "T1", "key_account", "year", "2026", "key_account_revenue"): (D("1333400"), None, D("1333400")),  # §5.7 key_account_revenue
    ("team", "T1", "key_account", "month", "2026-01", "key_account_signings"): (D("1"), None, D("1")),  # §5.7 key_account_signings
    ("team", "T1", "key_account", "month", "2026-04", "key_account_signings"): (D("1"), None, D("1")),  # §5.7 key_account_signings
    ("team", "T1", "key_account", "quarter", "2026-Q1", "key_account_signings"): (D("1"), None, D("1")),  # §5.7 key_account_signings
    ("team", "T1", "key_account", "quarter", "2026-Q2", "key_account_signings"): (D("1"), None, D("1")),  # §5.7 key_account_signings
    ("team", "T1", "key_account", "year", "2026", "key_account_signings"): (D("2"), None, D("2")),  # §5.7 key_account_signings
    ("team", "T1", "key_account", "month", "2026-01", "customer_lifetime_value"): (D("45000"), None, D("45000")),  # §5.7 customer_lifetime_value
    ("team", "T1", "key_account", "month", "2026-02", "customer_lifetime_value"): (D("45000"), None, D("45000")),  # §5.7 customer_lifetime_value
    ("team", "T1", "key_account", "month", "2026-03", "customer_lifetime_value"): (D("45000"), None, D("45000")),  # §5.7 customer_lifetime_value
    ("team", "T1", "key_account", "month", "2026-04", "customer_lifetime_value"): (D("705000"), None, D("705000")),  # §5.7 customer_lifetime_value
    ("team", "T1", "key_account", "month", "2026-05", "customer_lifetime_value"): (D("732000"), None, D("732000")),  # §5.7 customer_lifetime_value
    ("team", "T1", "key_account", "month", "2026-06", "customer_lifetime_value"): (D("732000"), None, D("732000")),  # §5.7 customer_lifetime_value
    ("team", "T1", "key_account", "quarter", "2026-Q1", "customer_lifetime_value"): (D("45000"), None, D("45000")),  # §5.7 customer_lifetime_value
    ("team", "T1", "key_account", "quarter", "2026-Q2", "customer_lifetime_value"): (D("732000"), None, D("732000")),  # §5.7 customer_lifetime_value
    ("team", "T1", "key_account", "year", "2026", "customer_lifetime_value"): (D("732000"), None, D("732000")),  # §5.7 customer_lifetime_value
    ("team", "T1", "key_account", "month", "2026-01", "research_depth"): (D("1"), None, D("1")),  # §5.7 research_depth
    ("team", "T1", "key_account", "month", "2026-02", "research_depth"): (D("1"), None, D("1")),  # §5.7 research_depth
    ("team", "T1", "key_account", "quarter", "2026-Q1", "research_depth"): (D("2"), None, D("2")),  # §5.7 research_depth
    ("team", "T1", "key_account", "year", "2026", "research_depth"): (D("2"), None, D("2")),  # §5.7 research_depth
    ("team", "T1", "key_account", "month", "2026-01", "milestone_achievement_rate"): (D("2"), D("2"), D("1.000000")),  # §5.7 milestone_achievement_rate
    ("team", "T1", "key_account", "month", "2026-02", "milestone_achievement_rate"): (D("0"), D("1"), D("0.000000")),  # §5.7 milestone_achievement_rate
    ("team", "T1", "key_account", "month", "2026-03", "milestone_achievement_rate"): (D("1"), D("1"), D("1.000000")),  # §5.7 milestone_achievement_rate
    ("team", "T1", "key_account", "month", "2026-04", "milestone_achievement_rate"): (D("0"), D("1"), D("0.000000")),  # §5.7 milestone_achievement_rate
    ("team", "T1", "key_account", "month", "2026-05", "milestone_achievement_rate"): (D("0"), D("1"), D("0.000000")),  # §5.7 milestone_achievement_rate
    ("team", "T1", "key_account", "month", "2026-06", "milestone_achievement_rate"): (D("1"), D("1"), D("1.000000")),  # §5.7 milestone_achievement_rate
    ("team", "T1", "key_account", "quarter", "2026-Q1", "milestone_achievement_rate"): (D("3"), D("4"), D("0.750000")),  # §5.7 milestone_achievement_rate
    ("team", "T1", "key_account", "quarter", "2026-Q2", "milestone_achievement_rate"): (D("1"), D("3"), D("0.333333")),  # §5.7 milestone_achievement_rate
    ("team", "T1", "key_account", "year", "2026", "milestone_achievement_rate"): (D("4"), D("7"), D("0.571429")),  # §5.7 milestone_achievement_rate
    # ---- employee M1 / sales_manager: NOTES.md §5.8
    ("employee", "M1", "sales_manager", "month", "2026-01", "team_revenue"): (D("69430"), None, D("69430")),  # §5.8 team_revenue
    ("employee", "M1", "sales_manager", "month", "2026-02", "team_revenue"): (D("479620"), None, D("479620")),  # §5.8 team_revenue
    ("employee", "M1", "sales_manager", "month", "2026-03", "team_revenue"): (D("7080"), None, D("7080")),  # §5.8 team_revenue
    ("employee", "M1", "sales_manager", "month", "2026-04", "team_revenue"): (D("792815"), None, D("792815")),  # §5.8 team_revenue
    ("employee", "M1", "sales_manager", "month", "2026-05", "team_revenue"): (D("47460"), None, D("47460")),  # §5.8 team_revenue
    ("employee", "M1", "sales_manager", "month", "2026-06", "team_revenue"): (D("1530"), None, D("1530")),  # §5.8 team_revenue
    ("employee", "M1", "sales_manager", "quarter", "2026-Q1", "team_revenue"): (D("556130"), None, D("556130")),  # §5.8 team_revenue
    ("employee", "M1", "sales_manager", "quarter", "2026-Q2", "team_revenue"): (D("841805"), None, D("841805")),  # §5.8 team_revenue
    ("employee", "M1", "sales_manager", "year", "2026", "team_revenue"): (D("1397935"), None, D("1397935")),  # §5.8 team_revenue
    ("employee", "M1", "sales_manager", "month", "2026-01", "team_new_customers"): (D("3"), None, D("3")),  # §5.8 team_new_customers
    ("employee", "M1", "sales_manager", "month", "2026-02", "team_new_customers"): (D("4"), None, D("4")),  # §5.8 team_new_customers
    ("employee", "M1", "sales_manager", "month", "2026-03", "team_new_customers"): (D("2"), None, D("2")),  # §5.8 team_new_customers
    ("employee", "M1", "sales_manager", "month", "2026-04", "team_new_customers"): (D("1"), None, D("1")),  # §5.8 team_new_customers
    ("employee", "M1", "sales_manager", "month", "2026-06", "team_new_customers"): (D("1"), None, D("1")),  # §5.8 team_new_customers
    ("employee", "M1", "sales_manager", "quarter", "2026-Q1", "team_new_customers"): (D("9"), None, D("9")),  # §5.8 team_new_customers
    ("employee", "M1", "sales_manager", "quarter", "2026-Q2", "team_new_customers"): (D("2"), None, D("2")),  # §5.8 team_new_customers
    ("employee", "M1", "sales_manager", "year", "2026", "team_new_customers"): (D("11"), None, D("11")),  # §5.8 team_new_customers
    ("employee", "M1", "sales_manager", "month", "2026-01", "team_effective_visits"): (D("2"), None, D("2")),  # §5.8 team_effective_visits
    ("employee", "M1", "sales_manager", "month", "2026-02", "team_effective_visits"): (D("1"), None, D("1")),  # §5.8 team_effective_visits
    ("employee", "M1", "sales_manager", "month", "2026-03", "team_effective_visits"): (D("2"), None, D("2")),  # §5.8 team_effective_visits
    ("employee", "M1", "sales_manager", "month", "2026-04", "team_effective_visits"): (D("1"), None, D("1")),  # §5.8 team_effective_visits
    ("employee", "M1", "sales_manager", "quarter", "2026-Q1", "team_effective_visits"): (D("5"), None, D("5")),  # §5.8 team_effective_visits
    ("employee", "M1", "sales_manager", "quarter", "2026-Q2", "team_effective_visits"): (D("1"), None, D("1")),  # §5.8 team_effective_visits
    ("employee", "M1", "sales_manager", "year", "2026", "team_effective_visits"): (D("6"), None, D("6")),  # §5.8 team_effective_visits
    ("employee", "M1", "sales_manager", "month", "2026-01", "team_target_attainment"): (D("69430"), D("200000"), D("0.347150")),  # §5.8 team_target_attainment
    ("employee", "M1", "sales_manager", "month", "2026-02", "team_target_attainment"): (D("479620"), D("200000"), D("2.398100")),  # §5.8 team_target_attainment
    ("employee", "M1", "sales_manager", "month", "2026-03", "team_target_attainment"): (D("7080"), D("200000"), D("0.035400")),  # §5.8 team_target_attainment
    ("employee", "M1", "sales_manager", "month", "2026-04", "team_target_attainment"): (D("792815"), D("300000"), D("2.642717")),  # §5.8 team_target_attainment
    ("employee", "M1", "sales_manager", "month", "2026-05", "team_target_attainment"): (D("47460"), D("300000"), D("0.158200")),  # §5.8 team_target_attainment
    ("employee", "M1", "sales_manager", "month", "2026-06", "team_target_attainment"): (D("1530"), D("300000"), D("0.005100")),  # §5.8 team_target_attainment
    ("employee", "M1", "sales_manager", "quarter", "2026-Q1", "team_target_attainment"): (D("556130"), D("600000"), D("0.926883")),  # §5.8 team_target_attainment
    ("employee", "M1", "sales_manager", "quarter", "2026-Q2", "team_target_attainment"): (D("841805"), D("800000"), D("1.052256")),  # §5.8 team_target_attainment
    ("employee", "M1", "sales_manager", "year", "2026", "team_target_attainment"): (D("1397935"), D("1500000"), D("0.931957")),  # §5.8 team_target_attainment
    ("employee", "M1", "sales_manager", "month", "2026-01", "avg_sales_cycle_days"): (D("12"), D("1"), D("12.000000")),  # §5.8 avg_sales_cycle_days
    ("employee", "M1", "sales_manager", "month", "2026-02", "avg_sales_cycle_days"): (D("0"), D("0"), None),  # §5.8 avg_sales_cycle_days
    ("employee", "M1", "sales_manager", "month", "2026-03", "avg_sales_cycle_days"): (D("42"), D("1"), D("42.000000")),  # §5.8 avg_sales_cycle_days
    ("employee", "M1", "sales_manager", "month", "2026-04", "avg_sales_cycle_days"): (D("66"), D("1"), D("66.000000")),  # §5.8 avg_sales_cycle_days
    ("employee", "M1", "sales_manager", "month", "2026-05", "avg_sales_cycle_days"): (D("0"), D("0"), None),  # §5.8 avg_sales_cycle_days
    ("employee", "M1", "sales_manager", "month", "2026-06", "avg_sales_cycle_days"): (D("40"), D("1"), D("40.000000")),  # §5.8 avg_sales_cycle_days
    ("employee", "M1", "sales_manager", "quarter", "2026-Q1", "avg_sales_cycle_days"): (D("54"), D("2"), D("27.000000")),  # §5.8 avg_sales_cycle_days
    ("employee", "M1", "sales_manager", "quarter", "2026-Q2", "avg_sales_cycle_days"): (D("106"), D("2"), D("53.000000")),  # §5.8 avg_sales_cycle_days
    ("employee", "M1", "sales_manager", "year", "2026", "avg_sales_cycle_days"): (D("160"), D("4"), D("40.000000")),  # §5.8 avg_sales_cycle_days
    ("employee", "M1", "sales_manager", "month", "2026-01", "win_rate"): (D("1"), D("1"), D("1.000000")),  # §5.8 win_rate
    ("employee", "M1", "sales_manager", "month", "2026-02", "win_rate"): (D("0"), D("1"), D("0.000000")),  # §5.8 win_rate
    ("employee", "M1", "sales_manager", "month", "2026-03", "win_rate"): (D("1"), D("1"), D("1.000000")),  # §5.8 win_rate
    ("employee", "M1", "sales_manager", "month", "2026-04", "win_rate"): (D("1"), D("1"), D("1.000000")),  # §5.8 win_rate
    ("employee", "M1", "sales_manager", "month", "2026-05", "win_rate"): (D("0"), D("0"), None),  # §5.8 win_rate
    ("employee", "M1", "sales_manager", "month", "2026-06", "win_rate"): (D("1"), D("1"), D("1.000000")),  # §5.8 win_rate
    ("employee", "M1", "sales_manager", "quarter", "2026-Q1", "win_rate"): (D("2"), D("3"), D("0.666667")),  # §5.8 win_rate
    ("employee", "M1", "sales_manager", "quarter", "2026-Q2", "win_rate"): (D("2"), D("2"), D("1.000000")),  # §5.8 win_rate
    ("employee", "M1", "sales_manager", "year", "2026", "win_rate"): (D("4"), D("5"), D("0.800000")),  # §5.8 win_rate
    ("employee", "M1", "sales_manager", "month", "2026-01", "customer_satisfaction"): (D("4"), D("1"), D("4.000000")),  # §5.8 customer_satisfaction
    ("employee", "M1", "sales_manager", "month", "2026-02", "customer_satisfaction"): (D("6"), D("2"), D("3.000000")),  # §5.8 customer_satisfaction
    ("employee", "M1", "sales_manager", "month", "2026-03", "customer_satisfaction"): (D("0"), D("0"), None),  # §5.8 customer_satisfaction
    ("employee", "M1", "sales_manager", "month", "2026-04", "customer_satisfaction"): (D("3"), D("1"), D("3.000000")),  # §5.8 customer_satisfaction
    ("employee", "M1", "sales_manager", "month", "2026-05", "customer_satisfaction"): (D("4"), D("1"), D("4.000000")),  # §5.8 customer_satisfaction
    ("employee", "M1", "sales_manager", "month", "2026-06", "customer_satisfaction"): (D("5"), D("1"), D("5.000000")),  # §5.8 customer_satisfaction
    ("employee", "M1", "sales_manager", "quarter", "2026-Q1", "customer_satisfaction"): (D("10"), D("3"), D("3.333333")),  # §5.8 customer_satisfaction
    ("employee", "M1", "sales_manager", "quarter", "2026-Q2", "customer_satisfaction"): (D("12"), D("3"), D("4.000000")),  # §5.8 customer_satisfaction
    ("employee", "M1", "sales_manager", "year", "2026", "customer_satisfaction"): (D("22"), D("6"), D("3.666667")),  # §5.8 customer_satisfaction
    ("employee", "M1", "sales_manager", "month", "2026-01", "collaboration_score"): (D("0"), D("0"), None),  # §5.8 collaboration_score
    ("employee", "M1", "sales_manager", "month", "2026-02", "collaboration_score"): (D("0"), D("0"), None),  # §5.8 collaboration_score
    ("employee", "M1", "sales_manager", "month", "2026-03", "collaboration_score"): (D("0"), D("0"), None),  # §5.8 collaboration_score
    ("employee", "M1", "sales_manager", "month", "2026-04", "collaboration_score"): (D("0"), D("0"), None),  # §5.8 collaboration_score
    ("employee", "M1", "sales_manager", "month", "2026-05", "collaboration_score"): (D("0"), D("0"), None),  # §5.8 collaboration_score
    ("employee", "M1", "sales_manager", "month", "2026-06", "collaboration_score"): (D("0"), D("0"), None),  # §5.8 collaboration_score
    ("employee", "M1", "sales_manager", "quarter", "2026-Q1", "collaboration_score"): (D("170"), D("2"), D("85.000000")),  # §5.8 collaboration_score
    ("employee", "M1", "sales_manager", "quarter", "2026-Q2", "collaboration_score"): (D("150"), D("2"), D("75.000000")),  # §5.8 collaboration_score
    ("employee", "M1", "sales_manager", "year", "2026", "collaboration_score"): (D("320"), D("4"), D("80.000000")),  # §5.8 collaboration_score
    # ---- team T1 / sales_manager: NOTES.md §5.8
    ("team", "T1", "sales_manager", "month", "2026-01", "team_revenue"): (D("69430"), None, D("69430")),  # §5.8 team_revenue
    ("team", "T1", "sales_manager", "month", "2026-02", "team_revenue"): (D("479620"), None, D("479620")),  # §5.8 team_revenue
    ("team", "T1", "sales_manager", "month", "2026-03", "team_revenue"): (D("7080"), None, D("7080")),  # §5.8 team_revenue
    ("team", "T1", "sales_manager", "month", "2026-04", "team_revenue"): (D("792815"), None, D("792815")),  # §5.8 team_revenue
    ("team", "T1", "sales_manager", "month", "2026-05", "team_revenue"): (D("47460"), None, D("47460")),  # §5.8 team_revenue
    ("team", "T1", "sales_manager", "month", "2026-06", "team_revenue"): (D("1530"), None, D("1530")),  # §5.8 team_revenue
    ("team", "T1", "sales_manager", "quarter", "2026-Q1", "team_revenue"): (D("556130"), None, D("556130")),  # §5.8 team_revenue
    ("team", "T1", "sales_manager", "quarter", "2026-Q2", "team_revenue"): (D("841805"), None, D("841805")),  # §5.8 team_revenue
    ("team", "T1", "sales_manager", "year", "2026", "team_revenue"): (D("1397935"), None, D("1397935")),  # §5.8 team_revenue
    ("team", "T1", "sales_manager", "month", "2026-01", "team_new_customers"): (D("3"), None, D("3")),  # §5.8 team_new_customers
    ("team", "T1", "sales_manager", "month", "2026-02", "team_new_customers"): (D("4"), None, D("4")),  # §5.8 team_new_customers
    ("team", "T1", "sales_manager", "month", "2026-03", "team_new_customers"): (D("2"), None, D("2")),  # §5.8 team_new_customers
    ("team", "T1", "sales_manager", "month", "2026-04", "team_new_customers"): (D("1"), None, D("1")),  # §5.8 team_new_customers
    ("team", "T1", "sales_manager", "month", "2026-06", "team_new_customers"): (D("1"), None, D("1")),  # §5.8 team_new_customers
    ("team", "T1", "sales_manager", "quarter", "2026-Q1", "team_new_customers"): (D("9"), None, D("9")),  # §5.8 team_new_customers
    ("team", "T1", "sales_manager", "quarter", "2026-Q2", "team_new_customers"): (D("2"), None, D("2")),  # §5.8 team_new_customers
    ("team", "T1", "sales_manager", "year", "2026", "team_new_customers"): (D("11"), None, D("11")),  # §5.8 team_new_customers
    ("team", "T1", "sales_manager", "month", "2026-01", "team_effective_visits"): (D("2"), None, D("2")),  # §5.8 team_effective_visits
    ("team", "T1", "sales_manager", "month", "2026-02", "team_effective_visits"): (D("1"), None, D("1")),  # §5.8 team_effective_visits
    ("team", "T1", "sales_manager", "month", "2026-03", "team_effective_visits"): (D("2"), None, D("2")),  # §5.8 team_effective_visits
    ("team", "T1", "sales_manager", "month", "2026-04", "team_effective_visits"): (D("1"), None, D("1")),  # §5.8 team_effective_visits
    ("team", "T1", "sales_manager", "quarter", "2026-Q1", "team_effective_visits"): (D("5"), None, D("5")),  # §5.8 team_effective_visits
    ("team", "T1", "sales_manager", "quarter", "2026-Q2", "team_effective_visits"): (D("1"), None, D("1")),  # §5.8 team_effective_visits
    ("team", "T1", "sales_manager", "year", "2026", "team_effective_visits"): (D("6"), None, D("6")),  # §5.8 team_effective_visits
    ("team", "T1", "sales_manager", "month", "2026-01", "team_target_attainment"): (D("69430"), D("200000"), D("0.347150")),  # §5.8 team_target_attainment
    ("team", "T1", "sales_manager", "month", "2026-02", "team_target_attainment"): (D("479620"), D("200000"), D("2.398100")),  # §5.8 team_target_attainment
    ("team", "T1", "sales_manager", "month", "2026-03", "team_target_attainment"): (D("7080"), D("200000"), D("0.035400")),  # §5.8 team_target_attainment
    ("team", "T1", "sales_manager", "month", "2026-04", "team_target_attainment"): (D("792815"), D("300000"), D("2.642717")),  # §5.8 team_target_attainment
    ("team", "T1", "sales_manager", "month", "2026-05", "team_target_attainment"): (D("47460"), D("300000"), D("0.158200")),  # §5.8 team_target_attainment
    ("team", "T1", "sales_manager", "month", "2026-06", "team_target_attainment"): (D("1530"), D("300000"), D("0.005100")),  # §5.8 team_target_attainment
    ("team", "T1", "sales_manager", "quarter", "2026-Q1", "team_target_attainment"): (D("556130"), D("600000"), D("0.926883")),  # §5.8 team_target_attainment
    ("team", "T1", "sales_manager", "quarter", "2026-Q2", "team_target_attainment"): (D("841805"), D("800000"), D("1.052256")),  # §5.8 team_target_attainment
    ("team", "T1", "sales_manager", "year", "2026", "team_target_attainment"): (D("1397935"), D("1500000"), D("0.931957")),  # §5.8 team_target_attainment
    ("team", "T1", "sales_manager", "month", "2026-01", "avg_sales_cycle_days"): (D("12"), D("1"), D("12.000000")),  # §5.8 avg_sales_cycle_days
    ("team", "T1", "sales_manager", "month", "2026-02", "avg_sales_cycle_days"): (D("0"), D("0"), None),  # §5.8 avg_sales_cycle_days
    ("team", "T1", "sales_manager", "month", "2026-03", "avg_sales_cycle_days"): (D("42"), D("1"), D("42.000000")),  # §5.8 avg_sales_cycle_days
    ("team", "T1", "sales_manager", "month", "2026-04", "avg_sales_cycle_days"): (D("66"), D("1"), D("66.000000")),  # §5.8 avg_sales_cycle_days
    ("team", "T1", "sales_manager", "month", "2026-05", "avg_sales_cycle_days"): (D("0"), D("0"), None),  # §5.8 avg_sales_cycle_days
    ("team", "T1", "sales_manager", "month", "2026-06", "avg_sales_cycle_days"): (D("40"), D("1"), D("40.000000")),  # §5.8 avg_sales_cycle_days
    ("team", "T1", "sales_manager", "quarter", "2026-Q1", "avg_sales_cycle_days"): (D("54"), D("2"), D("27.000000")),  # §5.8 avg_sales_cycle_days
    ("team", "T1", "sales_manager", "quarter", "2026-Q2", "avg_sales_cycle_days"): (D("106"), D("2"), D("53.000000")),  # §5.8 avg_sales_cycle_days
    ("team", "T1", "sales_manager", "year", "2026", "avg_sales_cycle_days"): (D("160"), D("4"), D("40.000000")),  # §5.8 avg_sales_cycle_days
    ("team", "T1", "sales_manager", "month", "2026-01", "win_rate"): (D("1"), D("1"), D("1.000000")),  # §5.8 win_rate
    ("team", "T1", "sales_manager", "month", "2026-02", "win_rate"): (D("0"), D("1"), D("0.000000")),  # §5.8 win_rate
    ("team", "T1", "sales_manager", "month", "2026-03", "win_rate"): (D("1"), D("1"), D("1.000000")),  # §5.8 win_rate
    ("team", "T1", "sales_manager", "month", "2026-04", "win_rate"): (D("1"), D("1"), D("1.000000")),  # §5.8 win_rate
    ("team", "T1", "sales_manager", "month", "2026-05", "win_rate"): (D("0"), D("0"), None),  # §5.8 win_rate
    ("team", "T1", "sales_manager", "month", "2026-06", "win_rate"): (D("1"), D("1"), D("1.000000")),  # §5.8 win_rate
    ("team", "T1", "sales_manager", "quarter", "2026-Q1", "win_rate"): (D("2"), D("3"), D("0.666667")),  # §5.8 win_rate
    ("team", "T1", "sales_manager", "quarter", "2026-Q2", "win_rate"): (D("2"), D("2"), D("1.000000")),  # §5.8 win_rate
    ("team", "T1", "sales_manager", "year", "2026", "win_rate"): (D("4"), D("5"), D("0.800000")),  # §5.8 win_rate
    ("team", "T1", "sales_manager", "month", "2026-01", "customer_satisfaction"): (D("4"), D("1"), D("4.000000")),  # §5.8 customer_satisfaction
    ("team", "T1", "sales_manager", "month", "2026-02", "customer_satisfaction"): (D("6"), D("2"), D("3.000000")),  # §5.8 customer_satisfaction
    ("team", "T1", "sales_manager", "month", "2026-03", "customer_satisfaction"): (D("0"), D("0"), None),  # §5.8 customer_satisfaction
    ("team", "T1", "sales_manager", "month", "2026-04", "customer_satisfaction"): (D("3"), D("1"), D("3.000000")),  # §5.8 customer_satisfaction
    ("team", "T1", "sales_manager", "month", "2026-05", "customer_satisfaction"): (D("4"), D("1"), D("4.000000")),  # §5.8 customer_satisfaction
    ("team", "T1", "sales_manager", "month", "2026-06", "customer_satisfaction"): (D("5"), D("1"), D("5.000000")),  # §5.8 customer_satisfaction
    ("team", "T1", "sales_manager", "quarter", "2026-Q1", "customer_satisfaction"): (D("10"), D("3"), D("3.333333")),  # §5.8 customer_satisfaction
    ("team", "T1", "sales_manager", "quarter", "2026-Q2", "customer_satisfaction"): (D("12"), D("3"), D("4.000000")),  # §5.8 customer_satisfaction
    ("team", "T1", "sales_manager", "year", "2026", "customer_satisfaction"): (D("22"), D("6"), D("3.666667")),  # §5.8 customer_satisfaction
    ("team", "T1", "sales_manager", "month", "2026-01", "collaboration_score"): (D("0"), D("0"), None),  # §5.8 collaboration_score
    ("team", "T1", "sales_manager", "month", "2026-02", "collaboration_score"): (D("0"), D("0"), None),  # §5.8 collaboration_score
    ("team", "T1", "sales_manager", "month", "2026-03", "collaboration_score"): (D("0"), D("0"), None),  # §5.8 collaboration_score
    ("team", "T1", "sales_manager", "month", "2026-04", "collaboration_score"): (D("0"), D("0"), None),  # §5.8 collaboration_score
    ("team", "T1", "sales_manager", "month", "2026-05", "collaboration_score"): (D("0"), D("0"), None),  # §5.8 collaboration_score
    ("team", "T1", "sales_manager", "month", "2026-06", "collaboration_score"): (D("0"), D("0"), None),  # §5.8 collaboration_score
    ("team", "T1", "sales_manager", "quarter", "2026-Q1", "collaboration_score"): (D("170"), D("2"), D("85.000000")),  # §5.8 collaboration_score
    ("team", "T1", "sales_manager", "quarter", "2026-Q2", "collaboration_score"): (D("150"), D("2"), D("75.000000")),  # §5.8 collaboration_score
    ("team", "T1", "sales_manager", "year", "2026", "collaboration_score"): (D("320"), D("4"), D("80.000000")),  # §5.8 collaboration_score
}
# fmt: on

# ---------------------------------------------------------------------------------------------
# (d) pipeline funnel rows, by hand (NOTES.md §7):
# (entity_type, entity_id, role, period_type, period, stage) -> (entered_count, next_stage,
# conversion_rate = entered next ÷ entered this, within the period)
# ---------------------------------------------------------------------------------------------
# fmt: off
FUNNEL: dict[tuple[str, str, str, str, str, str], tuple[int, str | None, Decimal | None]] = {
    # KA1, 2026-Q1: OP1 (all five stages in January) + OP2 (lead..negotiation; won only in April)
    ("employee", "KA1", "key_account", "quarter", "2026-Q1", "lead"): (2, "qualified", D("1")),
    ("employee", "KA1", "key_account", "quarter", "2026-Q1", "qualified"): (2, "proposal", D("1")),
    ("employee", "KA1", "key_account", "quarter", "2026-Q1", "proposal"): (2, "negotiation", D("1")),
    ("employee", "KA1", "key_account", "quarter", "2026-Q1", "negotiation"): (2, "won", D("0.5")),
    # KA1, 2026-01: OP1 only (OP2's lead is 2026-01-31T17:30Z = 2026-02-01 01:30 business time)
    ("employee", "KA1", "key_account", "month", "2026-01", "lead"): (1, "qualified", D("1")),
    ("employee", "KA1", "key_account", "month", "2026-01", "negotiation"): (1, "won", D("1")),
    # KA1, 2026-02: OP2 lead + qualified, no proposal in February
    ("employee", "KA1", "key_account", "month", "2026-02", "lead"): (1, "qualified", D("1")),
    ("employee", "KA1", "key_account", "month", "2026-02", "qualified"): (1, "proposal", D("0")),
    # KA1, 2026-Q2: OP3 lead..negotiation; won entered by OP2 (04-08) and OP3 (06-10): 2 ÷ 1
    ("employee", "KA1", "key_account", "quarter", "2026-Q2", "lead"): (1, "qualified", D("1")),
    ("employee", "KA1", "key_account", "quarter", "2026-Q2", "negotiation"): (1, "won", D("2")),
    # T1 key_account, year 2026: OP1, OP2, OP3 entered every stage within 2026
    ("team", "T1", "key_account", "year", "2026", "negotiation"): (3, "won", D("1")),
    # DS1, 2026-Q1: OP4 (lead, qualified, lost) + OP5 (lead .. won)
    ("employee", "DS1", "direct_sales", "quarter", "2026-Q1", "lead"): (2, "qualified", D("1")),
    ("employee", "DS1", "direct_sales", "quarter", "2026-Q1", "qualified"): (2, "proposal", D("0.5")),
    ("employee", "DS1", "direct_sales", "quarter", "2026-Q1", "proposal"): (1, "negotiation", D("1")),
    ("employee", "DS1", "direct_sales", "quarter", "2026-Q1", "negotiation"): (1, "won", D("1")),
    # DS1, 2026-Q2: OP7 (lead 05-05, qualified 05-20, proposal 06-01, still open)
    ("employee", "DS1", "direct_sales", "quarter", "2026-Q2", "lead"): (1, "qualified", D("1")),
    ("employee", "DS1", "direct_sales", "quarter", "2026-Q2", "proposal"): (1, "negotiation", D("0")),
    # DS2, 2026-Q1: OP6 lead (01-20, in T1) and qualified (02-20, in T2)
    ("employee", "DS2", "direct_sales", "quarter", "2026-Q1", "lead"): (1, "qualified", D("1")),
    ("employee", "DS2", "direct_sales", "quarter", "2026-Q1", "qualified"): (1, "proposal", D("0")),
    # team crediting on the entry date: OP6's lead counts for T1, its qualified for T2
    ("team", "T1", "direct_sales", "quarter", "2026-Q1", "lead"): (3, "qualified", D("0.666667")),
    ("team", "T1", "direct_sales", "quarter", "2026-Q1", "qualified"): (2, "proposal", D("0.5")),
    ("team", "T2", "direct_sales", "quarter", "2026-Q1", "qualified"): (1, "proposal", D("0")),
}
# fmt: on


# ---------------------------------------------------------------------------------------------
# the fixture: load the landing folder, dbt build, read the marts
# ---------------------------------------------------------------------------------------------
KpiKey = tuple[str, str, str, str, str, str]


@dataclass
class HandCompany:
    warehouse: Path
    load_report: LoadReport
    landed_files: int
    build_results: Any  # dbt's RunExecutionResult, or None
    build_exception: BaseException | None

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()


def _load(warehouse: Path) -> LoadReport:
    con = connect(warehouse)
    try:
        report = load_landing(
            con, LANDING_DIR, business_tz="Asia/Shanghai", batch_id="hand-company"
        )
        # The nightly job loads the compensation plan before dbt (compensation models read it);
        # KPIs do not depend on it, but without it `dbt build` reports errors on its sources.
        if PLAN_CONFIG.exists():
            try:
                from ingestion.plan_config import load_plan_config
            except ImportError:  # pragma: no cover - plan config not part of this checkout
                pass
            else:
                load_plan_config(con, PLAN_CONFIG)
    finally:
        con.close()
    return report


@pytest.fixture(scope="module")
def hand_company(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HandCompany]:
    tmp = tmp_path_factory.mktemp("hand_company")
    warehouse = tmp / "warehouse.duckdb"
    report = _load(warehouse)

    result = invoke_dbt(
        ["build", "--no-send-anonymous-usage-stats", "--no-use-colors"],
        warehouse=warehouse,
        work_dir=tmp,
        vars=DBT_VARS,
    )
    yield HandCompany(
        warehouse=warehouse,
        load_report=report,
        landed_files=sum(1 for _ in LANDING_DIR.rglob("*.csv")),
        build_results=result.result,
        build_exception=result.exception,
    )


KPI_COLUMNS = (
    "entity_type, entity_id, role, period_type, period, kpi_code, numerator, denominator, value"
)


@pytest.fixture(scope="module")
def kpi_rows(hand_company: HandCompany) -> list[tuple[Any, ...]]:
    try:
        return hand_company.query(f"select {KPI_COLUMNS} from marts.fct_kpi_values")
    except duckdb.Error as error:
        pytest.fail(f"marts.fct_kpi_values cannot be read: {error}", pytrace=False)


@pytest.fixture(scope="module")
def kpis(kpi_rows: list[tuple[Any, ...]]) -> dict[KpiKey, tuple[Any, Any, Any]]:
    return {tuple(r[:6]): (r[6], r[7], r[8]) for r in kpi_rows}  # type: ignore[misc]


@pytest.fixture(scope="module")
def funnel(hand_company: HandCompany) -> dict[tuple[str, ...], tuple[Any, Any, Any]]:
    try:
        rows = hand_company.query(
            "select entity_type, entity_id, role, period_type, period, stage, entered_count, "
            "next_stage, conversion_rate from marts.fct_pipeline_funnel"
        )
    except duckdb.Error as error:
        pytest.fail(f"marts.fct_pipeline_funnel cannot be read: {error}", pytrace=False)
    return {tuple(r[:6]): (r[6], r[7], r[8]) for r in rows}


def _ratio(numerator: Decimal, denominator: Decimal | None) -> Decimal | None:
    if denominator is None or denominator == 0:
        return None
    return (numerator / denominator).quantize(D("0.000001"), rounding=ROUND_HALF_UP)


def _key_id(key: tuple[str, ...]) -> str:
    return "-".join(key)


# ---------------------------------------------------------------------------------------------
# the harness itself
# ---------------------------------------------------------------------------------------------


def test_fixture_loads_without_rejects_or_quarantine(hand_company: HandCompany) -> None:
    report = hand_company.load_report
    not_loaded = [(f.file_path, f.status, f.reason) for f in report.files if f.status != "loaded"]
    assert not_loaded == []
    assert report.rows_quarantined == 0
    assert [f.file_path for f in report.files if f.extra_columns] == []
    assert len(report.files) == hand_company.landed_files
    assert hand_company.query("select count(*) from meta.quarantine") == [(0,)]


def test_dbt_build_succeeds(hand_company: HandCompany) -> None:
    assert hand_company.build_exception is None, hand_company.build_exception
    statuses = {r.node.unique_id: str(r.status) for r in hand_company.build_results}
    broken = {
        r.node.unique_id: (r.message or "").strip().splitlines()[:3]
        for r in hand_company.build_results
        if str(r.status) in ("error", "fail", "runtime error")
    }
    skipped = sorted(uid for uid, status in statuses.items() if status == "skipped")
    assert broken == {}, f"{len(skipped)} nodes skipped downstream"
    assert skipped == []
    assert all(status in ("success", "pass") for status in statuses.values()), statuses


def test_expected_table_is_consistent() -> None:
    """The table itself: ratio rows carry a denominator and their rounded quotient, the others
    none; every row belongs to the skeleton and to a code of its role."""
    for key, (numerator, denominator, value) in EXPECTED.items():
        entity_type, entity_id, role, period_type, period, code = key
        assert (period_type, period) in EXPECTED_ENTITY_PERIODS[(entity_type, entity_id, role)]
        assert code in ROLE_CODES[role], key
        if code in RATIO_CODES:
            assert denominator is not None and value == _ratio(numerator, denominator), key
        else:
            assert denominator is None and value == numerator != 0, key


# ---------------------------------------------------------------------------------------------
# (a) every expected row, exactly
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(EXPECTED), ids=_key_id)
def test_kpi_value(kpis: dict[KpiKey, tuple[Any, Any, Any]], key: KpiKey) -> None:
    numerator, denominator, value = EXPECTED[key]
    assert key in kpis, f"no row {key} in marts.fct_kpi_values"
    actual = kpis[key]
    assert actual == (numerator, denominator, value), (
        f"expected numerator/denominator/value {(numerator, denominator, value)}, got {actual}"
    )


# ---------------------------------------------------------------------------------------------
# (b) every other row is zero (or a null 0/0 ratio)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ALL_CODES)
def test_rows_not_listed_are_zero(kpi_rows: list[tuple[Any, ...]], code: str) -> None:
    unexpected = [
        r
        for r in kpi_rows
        if r[5] == code
        and tuple(r[:6]) not in EXPECTED
        and not (r[6] == 0 and (r[8] is None or r[8] == 0))
    ]
    assert unexpected == []


# ---------------------------------------------------------------------------------------------
# (c) the skeleton: which (entity, role, period) rows exist, each with all codes of its role
# ---------------------------------------------------------------------------------------------


def test_entity_periods_match_the_roster(kpi_rows: list[tuple[Any, ...]]) -> None:
    expected = {
        (*entity, period_type, period)
        for entity, periods in EXPECTED_ENTITY_PERIODS.items()
        for period_type, period in periods
    }
    actual = {tuple(r[:5]) for r in kpi_rows}
    assert sorted(actual - expected) == [], (
        "rows for (entity, role, period) the roster does not imply"
    )
    assert sorted(expected - actual) == [], "(entity, role, period) rows missing"


@pytest.mark.parametrize("role", sorted(ROLE_CODES))
def test_every_row_has_the_codes_of_its_role_once(
    kpi_rows: list[tuple[Any, ...]], role: str
) -> None:
    codes: dict[tuple[Any, ...], list[str]] = {}
    for r in kpi_rows:
        if r[2] == role:
            codes.setdefault(tuple(r[:5]), []).append(r[5])
    assert codes, f"no rows for role {role}"
    wrong = {k: sorted(v) for k, v in codes.items() if sorted(v) != sorted(ROLE_CODES[role])}
    assert wrong == {}


def test_non_ratio_rows_carry_value_equal_to_numerator(kpi_rows: list[tuple[Any, ...]]) -> None:
    wrong = [r for r in kpi_rows if r[5] not in RATIO_CODES and (r[7] is not None or r[8] != r[6])]
    assert wrong == []


def test_ratio_values_are_rounded_quotients(kpi_rows: list[tuple[Any, ...]]) -> None:
    wrong = [
        r for r in kpi_rows if r[5] in RATIO_CODES and (r[6] is None or r[8] != _ratio(r[6], r[7]))
    ]
    assert wrong == []


@pytest.mark.parametrize("code", ALL_CODES)
def test_catalog_flags(hand_company: HandCompany, code: str) -> None:
    try:
        rows = hand_company.query(
            "select distinct is_ratio, is_higher_better from marts.fct_kpi_values "
            f"where kpi_code = '{code}'"
        )
    except duckdb.Error as error:
        pytest.fail(f"marts.fct_kpi_values cannot be read: {error}", pytrace=False)
    assert rows == [(code in RATIO_CODES, code not in LOWER_IS_BETTER)]


# ---------------------------------------------------------------------------------------------
# (d) pipeline funnel
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(FUNNEL), ids=_key_id)
def test_pipeline_funnel(
    funnel: dict[tuple[str, ...], tuple[Any, Any, Any]], key: tuple[str, ...]
) -> None:
    assert key in funnel, f"no row {key} in marts.fct_pipeline_funnel"
    entered, next_stage, rate = funnel[key]
    expected_entered, expected_next, expected_rate = FUNNEL[key]
    assert (entered, next_stage) == (expected_entered, expected_next)
    assert rate is not None and D(str(rate)) == expected_rate
