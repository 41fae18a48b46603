"""Raw/staging checks: each clean dataset passes, each broken one fails with exactly its rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from quality.checks import run_checks
from tests.quality.company import (
    Table,
    Tables,
    current_file_versions,
    day,
    load,
    raw_company,
    raw_orders,
)


def test_clean_raw_company_passes_every_raw_check(con, run_one):
    load(con, raw_company())
    report = run_checks(con, ["raw"])
    assert report.passed
    assert {r.name: r.status for r in report.results} == {
        "raw_rows_quarantined": "skipped",  # no meta.quarantine
        "raw_files_rejected": "skipped",  # no meta.load_manifest
        "raw_files_nonstandard": "skipped",
        "raw_stale_versions_resent": "passed",
        "raw_key_unique_per_drop": "passed",
        "money_non_negative": "passed",
        "tax_not_above_amount": "passed",
        "receipts_within_invoice": "passed",
        "employee_ranges_not_overlapping": "passed",
        "targets_ordered": "passed",
    }


# ----------------------------------------------------------- stale versions re-sent (warning)


NIGHTS = ("2026-10-28", "2026-10-29", "2026-10-30")


def _orders_delivered_over_three_nights() -> Table:
    """EO1 once; EO2 twice, newer each time; EO3 re-sent old on the third night; EO4 re-sent
    old on the second night, then newer again on the third."""
    table = Table(raw_orders().columns)
    deliveries = (
        [("EO1", 9), ("EO2", 9), ("EO3", 12), ("EO4", 12)],
        [("EO2", 10), ("EO4", 11)],
        [("EO3", 10), ("EO4", 13)],
    )
    for load_id, (night, versions) in enumerate(zip(NIGHTS, deliveries, strict=True), start=1):
        for line, (order_id, hour) in enumerate(versions, start=2):
            table.add(
                order_id=order_id,
                paid_amount=D("1.00"),
                updated_at=dt.datetime(2026, 10, 27, hour),
                _file_path=f"ecommerce/{night}/orders.csv",
                _line_number=line,
                _load_id=load_id,
                _extract_date=dt.date.fromisoformat(night),
            )
    return table


def _stale_company():
    tables = raw_company()
    tables["raw.ecommerce__orders"] = _orders_delivered_over_three_nights()
    tables["meta.current_file_versions"] = current_file_versions(
        *((f"ecommerce/{night}/orders.csv", n) for n, night in enumerate(NIGHTS, start=1))
    )
    return tables


def test_a_first_run_reports_every_stale_resend_in_history(con, run_one):
    load(con, _stale_company())  # no meta.publications: every load is in scope
    result = run_one("raw_stale_versions_resent")
    assert (result.severity, result.success) == ("warning", False)
    assert [
        (e["key"], e["file_path"], e["line_number"], e["newer_file_path"])
        for e in sorted(result.failing_examples, key=lambda e: e["key"])
    ] == [
        ("EO3", "ecommerce/2026-10-30/orders.csv", 2, "ecommerce/2026-10-28/orders.csv"),
        ("EO4", "ecommerce/2026-10-29/orders.csv", 3, "ecommerce/2026-10-28/orders.csv"),
    ]


def test_a_nightly_run_reports_only_the_stale_resends_of_its_own_loads(con, run_one):
    load(con, _stale_company())
    result = run_one("raw_stale_versions_resent", min_load_id=3)
    assert [(e["key"], e["newer_updated_at"]) for e in result.failing_examples] == [
        ("EO3", dt.datetime(2026, 10, 27, 12))
    ]
    assert run_one("raw_stale_versions_resent", min_load_id=4).success


# ----------------------------------------------------------------- key unique per drop (warning)


def test_duplicate_key_in_a_current_file_is_a_warning_with_file_and_lines(con, run_one):
    tables = raw_company()
    tables["raw.ecommerce__orders"].add(
        order_id="EO3",
        paid_amount=D("2.00"),
        _file_path="ecommerce/2026-10-29/orders.csv",
        _line_number=4,
        _load_id=2,
    )
    load(con, tables)

    result = run_one("raw_key_unique_per_drop")

    assert (result.severity, result.success, result.status) == ("warning", False, "failed")
    assert result.observed == "1 keys repeated within a file"
    assert result.failing_examples == [
        {
            "entity": "ecommerce__orders",
            "file_path": "ecommerce/2026-10-29/orders.csv",
            "key": "EO3",
            "occurrences": 2,
            "line_numbers": [2, 4],
        }
    ]
    report = run_checks(con, ["raw"])
    assert report.passed  # a warning never blocks
    assert [r.name for r in report.warnings] == ["raw_key_unique_per_drop"]
    assert report.errors == []


def test_duplicate_only_in_a_superseded_file_version_is_not_reported(con, run_one):
    # load 1 repeats EO2, but load 3 restated that file: only current versions count
    load(con, raw_company())
    assert run_one("raw_key_unique_per_drop").success


def test_composite_keys_and_min_load_id(con, run_one):
    lines = Table(
        (
            ("order_id", "varchar"),
            ("line_no", "bigint"),
            ("_file_path", "varchar"),
            ("_line_number", "bigint"),
            ("_load_id", "bigint"),
        )
    )
    path = "ecommerce/2026-10-29/order_lines.csv"
    for line, (order_id, line_no) in enumerate((("EO3", 1), ("EO3", 2), ("EO3", 1)), start=2):
        lines.add(
            order_id=order_id, line_no=line_no, _file_path=path, _line_number=line, _load_id=4
        )
    tables = raw_company()
    tables["raw.ecommerce__order_lines"] = lines
    tables["meta.current_file_versions"].add(file_path=path, load_id=4)
    load(con, tables)

    result = run_one("raw_key_unique_per_drop")
    assert result.failing_examples == [
        {
            "entity": "ecommerce__order_lines",
            "file_path": path,
            "key": "EO3|1",
            "occurrences": 2,
            "line_numbers": [2, 4],
        }
    ]
    assert run_one("raw_key_unique_per_drop", min_load_id=5).success


# ----------------------------------------------------------------- money non-negative (error)


def test_negative_money_fails_with_model_column_key_and_line(con, run_one):
    tables = raw_company()
    tables["staging.stg_crm__orders"].row(order_id="O2")["tax_amount"] = D("-0.01")
    employees = tables["staging.stg_hr__employees"]
    employees.row(employee_id="E1", valid_from=day("2026-04-01"))["performance_pay_base_amount"] = (
        D("-1.00")
    )
    load(con, tables)

    result = run_one("money_non_negative")

    assert (result.severity, result.success) == ("error", False)
    assert result.failing_count == 2
    assert result.failing_examples == [
        {
            "model": "stg_crm__orders",
            "column_name": "tax_amount",
            "key": "O2",
            "amount": D("-0.01"),
            "source_file_path": "crm/2026-01-10/orders.csv",
            "source_line_number": 3,
        },
        {
            "model": "stg_hr__employees",
            "column_name": "performance_pay_base_amount",
            "key": "E1|2026-04-01",
            "amount": D("-1.00"),
            "source_file_path": "hr/2026-01-01/employees.csv",
            "source_line_number": 3,
        },
    ]
    assert not run_checks(con, ["raw"]).passed


# ----------------------------------------------------------------- tax ≤ amount (error)


def test_tax_above_amount_fails_for_paid_shop_orders_and_invoices(con, run_one):
    tables = raw_company()
    tables["staging.stg_ecommerce__orders"].row(order_id="S1")["tax_amount"] = D("30.01")
    tables["staging.stg_finance__invoices"].row(invoice_id="I2")["tax_amount"] = D("50.01")
    load(con, tables)

    result = run_one("tax_not_above_amount")

    assert not result.success
    assert result.failing_examples == [
        {
            "model": "stg_ecommerce__orders",
            "key": "S1",
            "amount": D("30.00"),
            "tax_amount": D("30.01"),
            "source_file_path": "ecommerce/2026-02-15/orders.csv",
            "source_line_number": 2,
        },
        {
            "model": "stg_finance__invoices",
            "key": "I2",
            "amount": D("50.00"),
            "tax_amount": D("50.01"),
            "source_file_path": "finance/2026-02-01/invoices.csv",
            "source_line_number": 2,
        },
    ]


def test_tax_above_amount_fails_for_crm_orders(con, run_one):
    tables = raw_company()
    tables["staging.stg_crm__orders"].row(order_id="O1")["tax_amount"] = D("113.01")
    load(con, tables)
    result = run_one("tax_not_above_amount")
    assert [(e["model"], e["key"]) for e in result.failing_examples] == [("stg_crm__orders", "O1")]


# ----------------------------------------------------------------- receipts ≤ invoice (error)


def test_receipts_over_their_invoice_beyond_tolerance_fail(con, run_one):
    tables = raw_company()
    tables["staging.stg_finance__receipts"].row(receipt_id="R2")["amount"] = D("13.02")
    load(con, tables)

    result = run_one("receipts_within_invoice")

    assert not result.success
    assert result.failing_examples == [
        {
            "invoice_id": "I1",
            "invoice_amount": D("113.00"),
            "receipts_amount": D("113.02"),
            "excess_amount": D("0.02"),
            "receipt_ids": ["R1", "R2"],
        }
    ]


def test_receipt_tolerance_is_configurable(con, run_one):
    load(con, raw_company())  # I1 is over by exactly 0.01
    assert run_one("receipts_within_invoice").success
    strict = run_one("receipts_within_invoice", receipt_tolerance=D("0"))
    assert [e["invoice_id"] for e in strict.failing_examples] == ["I1"]
    assert strict.failing_examples[0]["excess_amount"] == D("0.01")


def _finance_over_two_nights(*, restated: bool = False) -> Tables:
    """I1 over-collected by 0.02 in night 1 (load 1); night 2 (load 2) brings R5, which takes I2
    0.05 over. With `restated`, night 2's receipts file restates an older one."""
    tables = raw_company()
    loaded = (("load_id", "bigint"),)
    invoices = Table((*tables["staging.stg_finance__invoices"].columns, *loaded))
    for row in tables["staging.stg_finance__invoices"].rows:
        invoices.add(**row, load_id=1)
    receipts = Table((*tables["staging.stg_finance__receipts"].columns, *loaded))
    for row in tables["staging.stg_finance__receipts"].rows:
        receipts.add(**row, load_id=1)
    receipts.row(receipt_id="R2")["amount"] = D("13.02")
    receipts.add(receipt_id="R5", invoice_id="I2", amount=D("0.05"), load_id=2)
    manifest = Table(
        (
            ("load_id", "bigint"),
            ("source", "varchar"),
            ("entity", "varchar"),
            ("supersedes_load_id", "bigint"),
        )
    )
    manifest.add(load_id=1, source="finance", entity="receipts")
    manifest.add(
        load_id=2, source="finance", entity="receipts", supersedes_load_id=1 if restated else None
    )
    tables["staging.stg_finance__invoices"] = invoices
    tables["staging.stg_finance__receipts"] = receipts
    tables["meta.load_manifest"] = manifest
    return tables


def test_a_nightly_run_sums_the_invoices_its_loads_touched(con, run_one):
    load(con, _finance_over_two_nights())
    # every load in scope (a first run): both over-collected invoices
    first = run_one("receipts_within_invoice")
    assert [(e["invoice_id"], e["excess_amount"]) for e in first.failing_examples] == [
        ("I1", D("0.02")),
        ("I2", D("0.05")),
    ]
    # night 2 only: I2, summed over all its receipts, old and new; I1 was night 1's to report
    nightly = run_one("receipts_within_invoice", min_load_id=2)
    assert nightly.failing_examples == [
        {
            "invoice_id": "I2",
            "invoice_amount": D("50.00"),
            "receipts_amount": D("50.05"),
            "excess_amount": D("0.05"),
            "receipt_ids": ["R3", "R5"],
        }
    ]
    assert run_one("receipts_within_invoice", min_load_id=3).success


def test_a_restated_finance_file_in_scope_sums_every_invoice(con, run_one):
    load(con, _finance_over_two_nights(restated=True))
    result = run_one("receipts_within_invoice", min_load_id=2)
    assert [e["invoice_id"] for e in result.failing_examples] == ["I1", "I2"]


# ----------------------------------------------------------------- roster ranges (error)


def test_overlapping_and_inverted_employee_ranges_fail(con, run_one):
    tables = raw_company()
    employees = tables["staging.stg_hr__employees"]
    employees.row(employee_id="E1", valid_from=day("2026-01-01"))["valid_to"] = day("2026-04-15")
    employees.row(employee_id="E2", status="active")["valid_to"] = day("2025-12-31")
    load(con, tables)

    result = run_one("employee_ranges_not_overlapping")

    assert not result.success
    assert result.failing_examples == [
        {
            "problem": "overlap",
            "employee_id": "E1",
            "valid_from": dt.date(2026, 1, 1),
            "valid_to": dt.date(2026, 4, 15),
            "other_valid_from": dt.date(2026, 4, 1),
            "other_valid_to": None,
            "source_file_path": "hr/2026-01-01/employees.csv",
            "source_line_number": 2,
            "other_source_line_number": 3,
        },
        {
            "problem": "valid_to before valid_from",
            "employee_id": "E2",
            "valid_from": dt.date(2026, 1, 1),
            "valid_to": dt.date(2025, 12, 31),
            "other_valid_from": None,
            "other_valid_to": None,
            "source_file_path": "hr/2026-01-01/employees.csv",
            "source_line_number": 4,
            "other_source_line_number": None,
        },
    ]


def test_a_row_after_an_open_ended_row_overlaps_it(con, run_one):
    tables = raw_company()
    employees = tables["staging.stg_hr__employees"]
    employees.add(**{**employees.row(employee_id="E1", valid_from=day("2026-04-01"))})
    employees.rows[-1].update(valid_from=day("2026-06-01"), source_line_number=9)
    load(con, tables)
    result = run_one("employee_ranges_not_overlapping")
    assert [
        (e["employee_id"], e["valid_from"], e["other_valid_from"]) for e in result.failing_examples
    ] == [("E1", dt.date(2026, 4, 1), dt.date(2026, 6, 1))]


# ----------------------------------------------------------------- targets ordered (error)


def test_misordered_targets_fail_in_both_directions(con, run_one):
    tables = raw_company()
    targets = tables["staging.stg_plan__targets"]
    targets.row(target_id="T-rev")["challenge_value"] = D("1300000")
    response = targets.row(target_id="T-resp")
    response.update(base_value=D("10"), challenge_value=D("20"), stretch_value=D("30"))
    load(con, tables)

    result = run_one("targets_ordered")

    assert not result.success
    assert [
        (e["target_id"], e["is_lower_better"], e["source_line_number"])
        for e in result.failing_examples
    ] == [("T-resp", True, 4), ("T-rev", False, 2)]
    assert result.failing_examples[1] == {
        "target_id": "T-rev",
        "version": 1,
        "scope_type": "employee",
        "scope_id": "E1",
        "period": "2026-Q1",
        "kpi_code": "revenue",
        "base_value": D("800000"),
        "challenge_value": D("1300000"),
        "stretch_value": D("1200000"),
        "is_lower_better": False,
        "source_file_path": "plan/2026-01-01/targets.csv",
        "source_line_number": 2,
    }
