"""Issue 4: one deliberately broken dataset per quality check, through the real gate.

The hand-built company (tests/fixtures/hand_company) is loaded and built by dbt once per session,
validated and published (run `baseline`). Each test copies that warehouse file, breaks exactly
the rule of one check in the table the check reads (BREAKERS: SQL with the hand-known row it
hits), then does what the nightly job does — every check, recorded under a new run id, then
`publish_marts` — and asserts:

- error checks: the check fails with the expected observed value and failing example,
  `GateFailed` is raised naming it, every published table is row for row what it was, and
  `meta.publications` is unchanged; the failure is in `meta.validation_history`;
- warning checks: the check fails and is recorded as a failed warning, and publishing proceeds
  (a new publication; `published` holds the marts of this run, including a marker row changed in
  `marts.dim_kpis`, which no check reads).

Every check is first shown to pass on the unbroken copy, so its failure is the breaker's doing.
A new check without an entry in BREAKERS fails `test_every_check_has_a_broken_dataset` and its
own parametrized case.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import duckdb
import pytest

from quality.checks import CHECKS, run_checks
from quality.history import read_history
from tests.quality.warehouses import (
    HAND_COMPANY_LANDING,
    HAND_COMPANY_VARS,
    build_warehouse,
    copy_warehouse,
    gate,
    marts_snapshot,
    publications,
    published_snapshot,
)

ERROR_CHECKS = [c.name for c in CHECKS if c.severity == "error"]
WARNING_CHECKS = [c.name for c in CHECKS if c.severity == "warning"]

# The hand company's landing folder holds 113 files (tests/fixtures/hand_company/NOTES.md §1):
# load ids 1…113. A breaker that simulates a new drop uses the next one.
HAND_COMPANY_FILES = 113
NEW_LOAD = HAND_COMPANY_FILES + 1
NEW_FILE = "crm/2026-07-01/orders.csv"


@dataclass(frozen=True)
class Breaker:
    """SQL that violates one check's rule, the observed value it must cause, and one failing
    example (a subset of its columns) that must be reported."""

    sql: tuple[str, ...]
    observed: str
    example: dict[str, Any] = field(default_factory=dict)


def _new_load(
    status: str = "loaded",
    *,
    reason: str | None = None,
    encoding: str = "utf-8",
    extra_columns: str | None = None,
    rows_quarantined: int = 0,
) -> str:
    """A manifest row for a new drop of NEW_FILE (load NEW_LOAD)."""

    def literal(value: str | None) -> str:
        return "null" if value is None else "'" + value.replace("'", "''") + "'"

    return f"""
        insert into meta.load_manifest (
            load_id, batch_id, source, entity, extract_date, file_path, file_sha256,
            file_size_bytes, encoding, status, reason, rows_read, rows_loaded, rows_quarantined,
            extra_columns, started_at, finished_at
        ) values (
            {NEW_LOAD}, 'broken', 'crm', 'orders', date '2026-07-01', '{NEW_FILE}', 'sha-broken',
            100, '{encoding}', '{status}', {literal(reason)}, 2, 2 - {rows_quarantined},
            {rows_quarantined}, {literal(extra_columns)}, timestamp '2026-07-01 01:00:00',
            timestamp '2026-07-01 01:00:01'
        )"""


# fmt: off
BREAKERS: dict[str, Breaker] = {
    # ---------------------------------------------------------------- ingestion (warnings)
    "raw_rows_quarantined": Breaker(
        (
            _new_load(rows_quarantined=1),
            f"""insert into meta.quarantine values ({NEW_LOAD}, 'crm', 'orders',
                date '2026-07-01', '{NEW_FILE}', 'sha-broken', 3, 'O901,A1,,DS1,direct,1.005',
                'amount_incl_tax: money has more than 2 decimals: ''1.005''',
                timestamp '2026-07-01 01:00:01')""",
        ),
        "1 quarantined rows",
        {"file_path": NEW_FILE, "line_number": 3, "load_id": NEW_LOAD,
         "reason": "amount_incl_tax: money has more than 2 decimals: '1.005'"},
    ),
    "raw_files_rejected": Breaker(
        (_new_load("rejected", reason="missing required column(s): amount"),),
        "1 rejected files",
        {"file_path": NEW_FILE, "reason": "missing required column(s): amount",
         "load_id": NEW_LOAD},
    ),
    "raw_files_nonstandard": Breaker(
        (_new_load(encoding="gb18030", extra_columns="wechat_id"),),
        "1 non-standard files",
        {"file_path": NEW_FILE, "encoding": "gb18030", "extra_columns": "wechat_id",
         "reason": "encoded gb18030; columns not in the contract (kept in _extra_columns): "
                   "wechat_id"},
    ),
    # O101 was delivered in crm/2026-01-01/orders.csv (load 6) with updated_at 2025-10-15
    # 10:00; the new drop re-sends it a day older.
    "raw_stale_versions_resent": Breaker(
        (
            _new_load(),
            f"""insert into raw.crm__orders
                select * replace (
                    timestamp '2025-10-14 10:00:00' as updated_at, '{NEW_FILE}' as _file_path,
                    2 as _line_number, {NEW_LOAD} as _load_id, date '2026-07-01' as _extract_date
                )
                from raw.crm__orders where order_id = 'O101'""",
        ),
        "1 stale versions re-sent",
        {"entity": "crm__orders", "file_path": NEW_FILE, "line_number": 2, "key": "O101",
         "updated_at": dt.datetime(2025, 10, 14, 10),
         "newer_updated_at": dt.datetime(2025, 10, 15, 10),
         "newer_file_path": "crm/2026-01-01/orders.csv"},
    ),
    # ---------------------------------------------------------------- raw
    # scoped to the loads since the latest publication: a new drop repeats O101 on lines 2 and 5
    "raw_key_unique_per_drop": Breaker(
        (
            _new_load(),
            *(
                f"""insert into raw.crm__orders
                    select * replace (
                        '{NEW_FILE}' as _file_path, {line} as _line_number,
                        {NEW_LOAD} as _load_id, date '2026-07-01' as _extract_date
                    )
                    from raw.crm__orders where order_id = 'O101' and _load_id < {NEW_LOAD}"""
                for line in (2, 5)
            ),
        ),
        "1 keys repeated within a file",
        {"entity": "crm__orders", "file_path": NEW_FILE, "key": "O101",
         "occurrences": 2, "line_numbers": [2, 5]},
    ),
    "money_non_negative": Breaker(
        ("update staging.stg_finance__receipts set amount = -300.00 where receipt_id = 'RC10'",),
        "1 negative amounts",
        {"model": "stg_finance__receipts", "column_name": "amount", "key": "RC10",
         "amount": D("-300.00"), "source_file_path": "finance/2026-02-01/receipts.csv",
         "source_line_number": 4},
    ),
    "tax_not_above_amount": Breaker(
        ("update staging.stg_crm__orders set tax_amount = 11300.01 where order_id = 'O101'",),
        "1 rows with tax above amount",
        {"model": "stg_crm__orders", "key": "O101", "amount": D("11300.00"),
         "tax_amount": D("11300.01"), "source_file_path": "crm/2026-01-01/orders.csv",
         "source_line_number": 2},
    ),
    # INV1 (11,300.00) has one receipt, RC1 (11,300.00): 0.02 over is beyond the 0.01 tolerance;
    # the new amount comes with a load after the publication (a nightly run sums the invoices its
    # loads touched)
    "receipts_within_invoice": Breaker(
        ("""update staging.stg_finance__receipts
            set amount = 11300.02,
                load_id = (select max(load_watermark) + 1 from meta.publications)
            where receipt_id = 'RC1'""",),
        "1 over-collected invoices",
        {"invoice_id": "INV1", "invoice_amount": D("11300.00"),
         "receipts_amount": D("11300.02"), "excess_amount": D("0.02"), "receipt_ids": ["RC1"]},
    ),
    # DS2's T1 assignment ends 2026-02-15, the T2 one starts 2026-02-16: one day of overlap
    "employee_ranges_not_overlapping": Breaker(
        ("""update staging.stg_hr__employees set valid_to = date '2026-02-16'
            where employee_id = 'DS2' and valid_from = date '2026-01-01'""",),
        "1 overlapping or inverted ranges",
        {"problem": "overlap", "employee_id": "DS2", "valid_from": dt.date(2026, 1, 1),
         "valid_to": dt.date(2026, 2, 16), "other_valid_from": dt.date(2026, 2, 16)},
    ),
    "targets_ordered": Breaker(
        ("""update staging.stg_plan__targets set base_value = 1600000
            where target_id = 'TG-T1-2026' and version = 1""",),
        "1 misordered targets",
        {"target_id": "TG-T1-2026", "version": 1, "kpi_code": "team_revenue",
         "base_value": D("1600000"), "challenge_value": D("1500000"),
         "stretch_value": D("1800000"), "source_file_path": "plan/2026-01-01/targets.csv",
         "source_line_number": 2},
    ),
    # ---------------------------------------------------------------- definitions
    "customer_new_once": Breaker(
        ("""insert into intermediate.int_customer_first_orders
            select * replace ('crm:O104' as first_order_key, date '2026-01-18' as first_order_date)
            from intermediate.int_customer_first_orders
            where customer_id = 'ucc:91310000000000001A'""",),
        "1 customers with several first orders",
        {"customer_id": "ucc:91310000000000001A", "first_order_rows": 2,
         "first_order_keys": ["crm:O101", "crm:O104"]},
    ),
    # 13 first orders, all credited, all in reported months; DS1 counted one more in 2026-04
    "new_customers_total_matches_first_orders": Breaker(
        ("""update marts.fct_kpi_values set numerator = numerator + 1
            where entity_type = 'employee' and entity_id = 'DS1' and kpi_code = 'new_customers'
            and period_type = 'month' and period = '2026-04'""",),
        "1 of 6 period-type totals fail",
        {"period_type": "month", "entity_type": "employee", "kpi_new_customers": 14,
         "first_orders": 13},
    ),
    "new_customer_first_order_is_earliest": Breaker(
        ("""update intermediate.int_customer_first_orders
            set first_order_key = 'crm:O104', first_order_date = date '2026-01-18'
            where customer_id = 'ucc:91310000000000001A'""",),
        "1 customers",
        {"problem": "an earlier valid order exists", "customer_id": "ucc:91310000000000001A",
         "first_order_key": "crm:O104", "first_order_date": dt.date(2026, 1, 18),
         "earliest_valid_order_date": dt.date(2025, 10, 15)},
    ),
    # DS1's new customer of 2026-02 (O106) moved to 2026-04: every total still agrees
    "new_customers_in_first_order_period": Breaker(
        (
            """update marts.fct_kpi_values set numerator = 0
               where entity_type = 'employee' and entity_id = 'DS1'
               and kpi_code = 'new_customers' and period_type = 'month' and period = '2026-02'""",
            """update marts.fct_kpi_values set numerator = 1
               where entity_type = 'employee' and entity_id = 'DS1'
               and kpi_code = 'new_customers' and period_type = 'month' and period = '2026-04'""",
        ),
        "2 employee periods with a wrong new_customers count",
        {"employee_id": "DS1", "role": "direct_sales", "period_type": "month",
         "period": "2026-02", "kpi_new_customers": 0, "first_orders_in_period": 1},
    ),
    "new_customer_first_order_valid": Breaker(
        ("""update intermediate.int_orders_unified set order_status = 'cancelled'
            where order_key = 'crm:O401'""",),
        "1 first orders that are not valid",
        {"problem": "CRM order not confirmed", "customer_id": "ucc:91310000000000008H",
         "first_order_key": "crm:O401", "source_system": "crm", "order_status": "cancelled"},
    ),
    # AC02 is a customer visit with notes but no next step
    "effective_visit_definition": Breaker(
        ("""update intermediate.int_activities_credited set is_effective_visit = true
            where activity_id = 'AC02'""",),
        "1 activities",
        {"problem": "counted as effective without a customer visit, notes and a next step",
         "activity_id": "AC02", "employee_id": "DS1", "activity_date": dt.date(2026, 1, 20),
         "activity_type": "customer_visit", "next_step": None},
    ),
    "orders_credited_on_order_date": Breaker(
        ("""update intermediate.int_orders_unified set role = 'key_account'
            where order_key = 'crm:O104'""",),
        "1 wrongly credited orders",
        {"problem": "credited to a role/team the employee did not hold on the order date",
         "order_key": "crm:O104", "employee_id": "DS1", "role": "key_account", "team_id": "T1",
         "order_date": dt.date(2026, 1, 18)},
    ),
    # an order by someone never on the roster, for an existing customer after its first order
    "orders_uncredited": Breaker(
        ("""insert into intermediate.int_orders_unified
            select * replace ('crm:O199' as order_key, 'O199' as order_id,
                'X9' as employee_id, null as role, null as team_id)
            from intermediate.int_orders_unified where order_key = 'crm:O110'""",),
        "1 uncredited orders",
        {"order_key": "crm:O199", "employee_id": "X9", "order_date": dt.date(2026, 5, 12),
         "is_valid_order": True},
    ),
    # ---------------------------------------------------------------- marts
    "kpi_revenue_reconciles": Breaker(
        ("""update marts.fct_kpi_values set numerator = numerator + 0.01
            where entity_type = 'employee' and entity_id = 'DS1' and kpi_code = 'revenue'
            and period_type = 'month' and period = '2026-03'""",),
        "1 of 9 months fail",
        {"period": "2026-03", "difference": 0.01},
    ),
    "kpi_receipts_reconcile": Breaker(
        ("""update marts.fct_kpi_values set numerator = numerator - 100
            where entity_type = 'employee' and entity_id = 'DS1' and kpi_code = 'collection_rate'
            and period_type = 'month' and period = '2026-03'""",),
        "1 of 9 months fail",
        {"period": "2026-03", "difference": -100.0},
    ),
    "weighted_score_in_range": Breaker(
        ("""update marts.fct_scorecard_summaries set weighted_score = -0.01
            where employee_id = 'CH1' and period_type = 'month' and period = '2026-01'""",),
        "1 scores out of range",
        {"employee_id": "CH1", "role": "channel_sales", "period": "2026-01",
         "plan_version": "2026.1", "weighted_score": D("-0.01")},
    ),
    # DS1 has no target for 2025-10 revenue: its tier must be null
    "tiers_match_thresholds": Breaker(
        ("""update marts.fct_scorecards set tier = 'stretch'
            where employee_id = 'DS1' and period = '2025-10' and kpi_code = 'revenue'""",),
        "1 lines with a wrong tier",
        {"employee_id": "DS1", "period": "2025-10", "kpi_code": "revenue", "tier": "stretch",
         "expected_tier": None},
    ),
    # every payout line is 0.00: a bonus without payout on one line and a payout without
    # components on another of the same period — the period total still adds up
    "payout_lines_add_up": Breaker(
        (
            """update marts.fct_payouts set tier_bonus_amount = 100.00
               where employee_id = 'DS1' and period = '2026-Q1'""",
            """update marts.fct_payouts set payout_amount = 100.00
               where employee_id = 'DS2' and period = '2026-Q1'""",
        ),
        "2 bad payout lines",
        {"problem": "payout is not performance pay + tier bonus + adjustments",
         "employee_id": "DS2", "period": "2026-Q1", "payout_amount": D("100.00")},
    ),
    "payout_period_totals": Breaker(
        ("""update marts.fct_payouts set payout_amount = 1.00
            where employee_id = 'CH1' and period = '2026-Q2'""",),
        "1 of 3 payout periods fail",
        {"period_type": "quarter", "period": "2026-Q2", "payout_total": D("1.00"),
         "component_total": D("0.00"), "difference": 1.0},
    ),
}
# fmt: on


def _matches(example: dict[str, Any], expected: dict[str, Any]) -> bool:
    return all(k in example and example[k] == v for k, v in expected.items())


def _matches_json(example: dict[str, Any], expected: dict[str, Any]) -> bool:
    """`_matches` on an example read back from the history's JSON (Decimals, dates as text)."""

    def same(stored: Any, value: Any) -> bool:
        if isinstance(value, D):
            return stored is not None and D(str(stored)) == value
        if isinstance(value, dt.date):  # datetime included
            return stored == value.isoformat()
        return bool(stored == value)

    return all(k in example and same(example[k], v) for k, v in expected.items())


# --------------------------------------------------------------------------- the warehouse


@dataclass(frozen=True)
class Baseline:
    warehouse: Path
    report: Any  # ValidationReport of run `baseline`
    publication_id: int | None


@pytest.fixture(scope="session")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Baseline:
    """The hand company, built by dbt, validated and published once (run `baseline`)."""
    work = tmp_path_factory.mktemp("gate_baseline")
    built = build_warehouse(HAND_COMPANY_LANDING, work, dbt_vars=HAND_COMPANY_VARS)
    con = duckdb.connect(str(built.warehouse))
    try:
        outcome = gate(con, "baseline")
        con.execute("checkpoint")
    finally:
        con.close()
    publication = outcome.publication.publication_id if outcome.publication else None
    return Baseline(built.warehouse, outcome.report, publication)


@pytest.fixture
def copy_con(baseline: Baseline, tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a private copy of the published baseline warehouse."""
    connection = duckdb.connect(str(copy_warehouse(baseline.warehouse, tmp_path)))
    yield connection
    connection.close()


def _break(con: duckdb.DuckDBPyConnection, name: str) -> Breaker:
    breaker = BREAKERS.get(name)
    assert breaker is not None, f"check {name!r} has no broken dataset in BREAKERS"
    unbroken = run_checks(con, names=[name]).result(name)
    assert unbroken.status == "passed", f"{name} must pass before breaking: {unbroken.observed}"
    for statement in breaker.sql:
        con.execute(statement)
    return breaker


def _assert_reported(result: Any, breaker: Breaker, severity: str) -> None:
    assert (result.severity, result.status, result.success) == (severity, "failed", False)
    assert result.observed == breaker.observed
    assert any(_matches(e, breaker.example) for e in result.failing_examples), (
        f"{breaker.example} not among {result.failing_examples}"
    )


def _assert_in_history(
    con: duckdb.DuckDBPyConnection, run_id: str, name: str, breaker: Breaker, severity: str
) -> None:
    (row,) = [r for r in read_history(con, run_id) if r["check_name"] == name]
    assert (row["severity"], row["status"], row["success"]) == (severity, "failed", False)
    assert row["observed"] == breaker.observed
    examples = json.loads(row["failing_examples"])
    assert any(_matches_json(e, breaker.example) for e in examples), examples


# --------------------------------------------------------------------------- the tests


def test_every_check_has_a_broken_dataset() -> None:
    assert set(BREAKERS) == {c.name for c in CHECKS}


def test_baseline_passes_every_error_check_and_publishes(baseline: Baseline) -> None:
    report = baseline.report
    assert report.errors == []
    # every error check really ran on the hand company (a skipped check would prove nothing)
    assert {r.name: r.status for r in report.results if r.severity == "error"} == dict.fromkeys(
        ERROR_CHECKS, "passed"
    )
    assert baseline.publication_id == 1
    con = duckdb.connect(str(baseline.warehouse), read_only=True)
    try:
        assert published_snapshot(con) == marts_snapshot(con)
        assert con.execute("select max(load_id) from meta.load_manifest").fetchone() == (
            HAND_COMPANY_FILES,
        )
        assert [(p[0], p[1]) for p in publications(con)] == [(1, "baseline")]
        assert con.execute("select load_watermark from meta.publications").fetchone() == (
            HAND_COMPANY_FILES,
        )
    finally:
        con.close()


@pytest.mark.parametrize("name", ERROR_CHECKS)
def test_failed_error_check_blocks_publishing(
    name: str, copy_con: duckdb.DuckDBPyConnection
) -> None:
    published_before = published_snapshot(copy_con)
    publications_before = publications(copy_con)
    assert published_before, "the baseline published nothing"
    breaker = _break(copy_con, name)
    run_id = f"broken-{name}"

    outcome = gate(copy_con, run_id)

    _assert_reported(outcome.report.result(name), breaker, "error")
    assert outcome.publication is None
    assert outcome.refused is not None
    assert f"{name}: {breaker.observed}" in str(outcome.refused)
    assert str(outcome.refused).startswith("quality gate failed, nothing published")
    assert published_snapshot(copy_con) == published_before
    assert publications(copy_con) == publications_before
    _assert_in_history(copy_con, run_id, name, breaker, "error")


@pytest.mark.parametrize("name", WARNING_CHECKS)
def test_failed_warning_is_reported_and_publishing_proceeds(
    name: str, copy_con: duckdb.DuckDBPyConnection
) -> None:
    publications_before = publications(copy_con)
    breaker = _break(copy_con, name)
    # a change no check reads, to see this run's marts reach `published`
    copy_con.execute(
        "update marts.dim_kpis set kpi_name_zh = kpi_name_zh || '*' where kpi_code = 'revenue'"
    )
    run_id = f"warned-{name}"

    outcome = gate(copy_con, run_id)

    _assert_reported(outcome.report.result(name), breaker, "warning")
    assert outcome.report.errors == []
    assert outcome.refused is None
    assert outcome.publication is not None
    assert outcome.publication.publication_id == len(publications_before) + 1
    assert [(p[0], p[1]) for p in publications(copy_con)] == [
        *[(p[0], p[1]) for p in publications_before],
        (outcome.publication.publication_id, run_id),
    ]
    published = published_snapshot(copy_con)
    assert published == marts_snapshot(copy_con)
    starred = copy_con.execute(
        "select count(*) from published.dim_kpis where kpi_code = 'revenue' "
        "and kpi_name_zh like '%*'"
    ).fetchone()
    assert starred is not None and starred[0] >= 1
    _assert_in_history(copy_con, run_id, name, breaker, "warning")
