"""The runner and the registry: report semantics, skipping, schema mapping, failures of checks."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

from ingestion.contract import ENTITIES
from quality.checks import CHECKS, Check, QualityConfig, run_check, run_checks, select_checks
from quality.suites.raw import MONEY_COLUMNS, MONEY_COLUMNS_ALLOWED_NEGATIVE
from tests.quality.company import definitions_company, load, marts_company, raw_company

# Every error-level check and the test module holding its broken dataset.
ERROR_CHECKS_WITH_BROKEN_DATASETS = {
    "money_non_negative": "test_raw_checks",
    "tax_not_above_amount": "test_raw_checks",
    "receipts_within_invoice": "test_raw_checks",
    "employee_ranges_not_overlapping": "test_raw_checks",
    "targets_ordered": "test_raw_checks",
    "customer_new_once": "test_definition_checks",
    "new_customers_total_matches_first_orders": "test_definition_checks",
    "new_customer_first_order_is_earliest": "test_definition_checks",
    "new_customers_in_first_order_period": "test_definition_checks",
    "new_customer_first_order_valid": "test_definition_checks",
    "effective_visit_definition": "test_definition_checks",
    "orders_credited_on_order_date": "test_definition_checks",
    "kpi_revenue_reconciles": "test_mart_checks",
    "kpi_receipts_reconcile": "test_mart_checks",
    "weighted_score_in_range": "test_mart_checks",
    "tiers_match_thresholds": "test_mart_checks",
    "payout_lines_add_up": "test_mart_checks",
    "payout_period_totals": "test_mart_checks",
}


def test_every_error_check_has_a_broken_dataset_test():
    errors = {c.name for c in CHECKS if c.severity == "error"}
    assert errors == set(ERROR_CHECKS_WITH_BROKEN_DATASETS)


def test_registry_is_well_formed():
    assert len({c.name for c in CHECKS}) == len(CHECKS)
    for check in CHECKS:
        assert check.layer in ("raw", "definitions", "marts")
        assert check.severity in ("error", "warning")
        assert check.description.strip()
    assert {c.name for c in CHECKS if c.severity == "warning"} == {
        "raw_rows_quarantined",
        "raw_files_rejected",
        "raw_files_nonstandard",
        "raw_stale_versions_resent",
        "raw_key_unique_per_drop",
        "orders_uncredited",
    }


def test_money_columns_cover_every_money_column_of_the_contract():
    covered = {(m.entity, contract) for m in MONEY_COLUMNS for contract, _ in m.columns}
    allowed = set(MONEY_COLUMNS_ALLOWED_NEGATIVE)
    contract = {(e.qualified_name, c.name) for e in ENTITIES for c in e.columns if c.type == "dec"}
    assert covered | allowed == contract
    assert not covered & allowed


def test_select_checks_by_layer_and_name():
    assert {c.layer for c in select_checks(layers=["marts"])} == {"marts"}
    assert [c.name for c in select_checks(names=["targets_ordered"])] == ["targets_ordered"]
    assert select_checks(layers=["raw"], names=["tiers_match_thresholds"]) == []
    with pytest.raises(ValueError, match="unknown quality checks"):
        select_checks(names=["no_such_check"])
    with pytest.raises(ValueError, match="unknown quality layers"):
        select_checks(layers=["gold"])  # type: ignore[list-item]


def test_an_empty_warehouse_skips_everything_and_passes(con):
    report = run_checks(con)
    assert [r.name for r in report.results] == [c.name for c in CHECKS]
    assert {r.status for r in report.results} == {"skipped"}
    assert report.passed
    assert all(r.observed.startswith("not built: ") for r in report.results)


def test_fail_on_missing_turns_skips_into_failures(con):
    report = run_checks(con, ["marts"], config=QualityConfig(fail_on_missing=True))
    assert not report.passed
    assert {r.status for r in report.results} == {"failed"}


def test_report_errors_warnings_and_to_dict(con):
    tables = {**definitions_company(), **marts_company()}
    tables["marts.fct_payouts"].row(payout_id="P2")["payout_amount"] = D("-1.00")
    load(con, tables)

    report = run_checks(con, ["definitions", "marts"])

    assert not report.passed
    assert [r.name for r in report.errors] == ["payout_lines_add_up", "payout_period_totals"]
    assert [r.name for r in report.warnings] == ["orders_uncredited"]
    data = json.loads(json.dumps(report.to_dict()))
    assert data["passed"] is False
    assert data["errors"] == ["payout_lines_add_up", "payout_period_totals"]
    assert data["warnings"] == ["orders_uncredited"]
    payout = next(r for r in data["results"] if r["name"] == "payout_lines_add_up")
    assert payout["failing_examples"][0]["payout_amount"] == "-1.00"
    assert payout["severity"] == "error" and payout["status"] == "failed"
    uncredited = next(r for r in data["results"] if r["name"] == "orders_uncredited")
    assert uncredited["failing_examples"][0]["order_date"] == "2026-03-02"


def test_examples_are_capped_but_the_count_is_complete(con, run_one):
    tables = marts_company()
    payouts = tables["marts.fct_payouts"]
    for row in payouts.rows:
        row["payout_amount"] += D("1.00")
    load(con, tables)
    result = run_one("payout_lines_add_up", max_examples=2)
    assert result.failing_count == 3
    assert result.observed == "3 bad payout lines"
    assert [e["payout_id"] for e in result.failing_examples] == ["P1", "P2"]


def test_schema_mapping_validates_an_audit_area(con, run_one):
    tables = marts_company()
    renamed = {
        name.replace("marts.", "audit_marts.", 1): table
        for name, table in tables.items()
        if name.startswith("marts.")
    }
    renamed["config.plan_versions"] = tables["config.plan_versions"]
    renamed["audit_marts.fct_payouts"].row(payout_id="P1")["payout_amount"] = D("1.00")
    load(con, renamed)

    assert run_one("payout_lines_add_up").status == "skipped"  # nothing in `marts`
    mapped = run_one("payout_lines_add_up", schemas={"marts": "audit_marts"})
    assert [e["payout_id"] for e in mapped.failing_examples] == ["P1"]


def test_schema_mapping_to_an_attached_database(con, tmp_path, run_one):
    con.execute(f"attach '{tmp_path / 'audit.duckdb'}' as audit")
    con.execute("use audit")
    load(con, marts_company())
    con.execute("use memory")
    assert run_one("tiers_match_thresholds").status == "skipped"
    result = run_one("tiers_match_thresholds", schemas={"marts": "audit.marts"})
    assert result.status == "passed"


def test_a_check_whose_query_breaks_fails_with_the_reason(con):
    tables = marts_company()
    payouts = tables["marts.fct_payouts"]
    assert payouts.columns[-1][0] == "payout_amount"
    payouts.columns = payouts.columns[:-1]  # a model change dropped a column the check reads
    load(con, tables)
    check = next(c for c in CHECKS if c.name == "payout_lines_add_up")
    result = run_check(con, check)
    assert (result.success, result.status) == (False, "failed")
    assert result.observed.startswith("check query failed: ")
    assert "payout_amount" in result.observed


def test_custom_checks_can_be_run(con):
    load(con, raw_company())
    custom = Check(
        name="no_zero_orders",
        layer="raw",
        severity="warning",
        description="CRM orders have an amount.",
        sql=lambda ctx: (
            f"select order_id from {ctx.rel('staging.stg_crm__orders')} where amount_incl_tax = 0"
        ),
        requires=("staging.stg_crm__orders",),
        row_label="zero orders",
    )
    report = run_checks(con, checks=[custom])
    (result,) = report.results
    assert (result.observed, result.failing_examples) == ("1 zero orders", [{"order_id": "O2"}])
    assert report.passed
