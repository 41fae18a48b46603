"""A hand-made warehouse for the payroll tests: a few published payout lines, a roster, late rows.

Hand-computed numbers (direct sales, quarter 2025-Q3, plan 2026.1):
  E001 张伟  pay base 20,000.00 × score 105.5 ÷ 100 = 21,100.00, tier challenge → bonus 10,000.00
  E002 李娜  pay base 15,000.00 × score 80 ÷ 100    = 12,000.00, tier base → bonus 0
  E003 王芳  gated (collection rate 0.40 < 0.5)     = 0 and 0: no line in the file
  file total 21,100.00 + 10,000.00 + 12,000.00 = 43,100.00 in 3 lines
2025-Q4: E001 5,000.00, E002 6,000.00 (no bonus).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import duckdb

from quality.history import ensure_history_table

D = Decimal
PERIODS = {
    "2025-Q3": (dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
    "2025-Q4": (dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
}
PAYROLL_IDS = {"E001": "P-001", "E002": "P-002", "E003": "P-003"}

# (employee, period) -> (performance pay, tier bonus, tier)
BASE_PAYOUTS: dict[tuple[str, str], tuple[Decimal, Decimal, str]] = {
    ("E001", "2025-Q3"): (D("21100.00"), D("10000.00"), "challenge"),
    ("E002", "2025-Q3"): (D("12000.00"), D("0.00"), "base"),
    ("E003", "2025-Q3"): (D("0.00"), D("0.00"), "base"),
    ("E001", "2025-Q4"): (D("5000.00"), D("0.00"), "base"),
    ("E002", "2025-Q4"): (D("6000.00"), D("0.00"), "base"),
}

EXPECTED_Q3_CSV = (
    "payroll_id,employee_id,employee_name,period,component,amount,currency,batch_id\r\n"
    "P-001,E001,张伟,2025-Q3,performance_pay,21100.00,CNY,PAY-2025-Q3\r\n"
    "P-001,E001,张伟,2025-Q3,tier_bonus,10000.00,CNY,PAY-2025-Q3\r\n"
    "P-002,E002,李娜,2025-Q3,performance_pay,12000.00,CNY,PAY-2025-Q3\r\n"
).encode()

PAYOUT_COLUMNS = """
    payout_id varchar, employee_id varchar, payroll_id varchar, role varchar, team_id varchar,
    period_type varchar, period varchar, period_start_date date, period_end_date date,
    plan_version varchar, performance_pay_base_amount decimal(18,2), weighted_score decimal(38,14),
    primary_kpi_code varchar, primary_tier varchar, is_promotion_eligible boolean,
    collection_rate decimal(38,6), collection_gate_threshold decimal(18,6), is_gated boolean,
    performance_pay_amount decimal(18,2), tier_bonus_amount decimal(18,2),
    adjustments_amount decimal(18,2), payout_amount decimal(18,2), calculated_at timestamp
"""


def make_warehouse(path: str = ":memory:") -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(path)
    for schema in ("meta", "published", "staging", "intermediate"):
        con.execute(f"create schema if not exists {schema}")
    ensure_history_table(con)
    con.execute(
        "create table meta.publications (publication_id bigint primary key, run_id varchar not "
        "null, published_at timestamp not null, row_counts json, load_watermark bigint)"
    )
    con.execute(
        "create table staging.stg_hr__employees (employee_id varchar, valid_from date, "
        "valid_to date, employee_name varchar, role varchar, team_id varchar, payroll_id varchar)"
    )
    con.executemany(
        "insert into staging.stg_hr__employees values (?, '2024-01-01', null, ?, "
        "'direct_sales', 'T1', ?)",
        [("E001", "张伟", "P-001"), ("E002", "李娜", "P-002"), ("E003", "王芳", "P-003")],
    )
    con.execute(
        "create table intermediate.int_orders_unified (order_key varchar, order_date date, "
        "revenue_amount decimal(18,2), employee_id varchar, source_file_path varchar, "
        "source_line_number bigint, load_id bigint)"
    )
    con.execute(
        "create table intermediate.int_receipts_credited (receipt_id varchar, receipt_date date, "
        "receipt_amount decimal(18,2), employee_id varchar, source_file_path varchar, "
        "source_line_number bigint, load_id bigint)"
    )
    return con


def publish(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    *,
    payouts: dict[tuple[str, str], tuple[Decimal, Decimal, str]] | None = None,
    published_at: dt.datetime = dt.datetime(2026, 1, 15, 3, 0),
    load_watermark: int = 10,
) -> int:
    """A nightly run whose gate passed: validation recorded, published marts replaced."""
    record_gate(con, run_id, passed=True, at=published_at)
    payouts = BASE_PAYOUTS if payouts is None else payouts
    con.execute(f"create or replace table published.fct_payouts ({PAYOUT_COLUMNS})")
    for (employee_id, period), (pay, bonus, tier) in sorted(payouts.items()):
        start, end = PERIODS[period]
        con.execute(
            "insert into published.fct_payouts values (?, ?, ?, 'direct_sales', 'T1', 'quarter', "
            "?, ?, ?, '2026.1', 20000.00, 100, 'revenue', ?, false, 0.9, 0.5, false, ?, ?, 0, ?, "
            "?)",
            [
                f"{employee_id}|{period}",
                employee_id,
                PAYROLL_IDS[employee_id],
                period,
                start,
                end,
                tier,
                pay,
                bonus,
                pay + bonus,
                published_at,
            ],
        )
    con.execute(
        "create or replace table published.fct_scorecards as select employee_id, role, "
        "period_type, period, period_start_date, period_end_date, 'revenue' as kpi_code, "
        "weighted_score as weighted_points from published.fct_payouts"
    )
    con.execute(
        "create or replace table published.fct_kpi_values as "
        "select 'employee' as entity_type, employee_id as entity_id, role, period_type, period, "
        "period_start_date, period_end_date, 'revenue' as kpi_code, "
        "cast(100 as decimal(38,6)) as value from published.fct_payouts "
        "union all select 'employee', 'E001', 'direct_sales', 'month', '2025-08', "
        "date '2025-08-01', date '2025-08-31', 'revenue', 40 "
        "union all select 'employee', 'E001', 'direct_sales', 'month', '2025-10', "
        "date '2025-10-01', date '2025-10-31', 'revenue', 7"
    )
    (publication_id,) = con.execute(
        "select coalesce(max(publication_id), 0) + 1 from meta.publications"
    ).fetchone()
    con.execute(
        "insert into meta.publications values (?, ?, ?, ?, ?)",
        [publication_id, run_id, published_at, json.dumps({}), load_watermark],
    )
    return publication_id


def record_gate(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    *,
    passed: bool,
    at: dt.datetime,
    check: str = "payout_lines_add_up",
) -> None:
    con.execute(
        "insert into meta.validation_history (run_id, check_name, layer, severity, status, "
        "success, observed, failing_count, failing_examples, validated_at) values "
        "(?, ?, 'marts', 'error', ?, ?, ?, ?, '[]', ?)",
        [
            run_id,
            check,
            "passed" if passed else "failed",
            passed,
            "0 rows" if passed else "2 payout lines do not add up",
            0 if passed else 2,
            at,
        ],
    )


def no_holds(con: duckdb.DuckDBPyConnection, period_type: str, period: str) -> list:
    return []


class Alert:
    def __init__(self, alert_id: str, kind: str, employee_id: str, message: str) -> None:
        self.alert_id, self.kind, self.employee_id, self.message = (
            alert_id,
            kind,
            employee_id,
            message,
        )
