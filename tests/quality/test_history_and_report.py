"""The validation history table and the HTML report."""

from __future__ import annotations

import datetime as dt
import html
import json
from decimal import Decimal as D

from quality.checks import CHECKS, run_checks
from quality.history import read_history, record_validation
from quality.report import main, write_html_report
from tests.quality.company import definitions_company, load, marts_company


def _broken_report(con):
    tables = {**definitions_company(), **marts_company()}
    tables["marts.fct_scorecards"].row(employee_id="E3", kpi_code="revenue")["tier"] = "<base>"
    load(con, tables)
    return run_checks(con)


def test_history_table_is_created_and_holds_one_row_per_check(con):
    report = _broken_report(con)

    written = record_validation(con, report, "run-1")

    assert written == len(CHECKS)
    rows = read_history(con, "run-1")
    assert [r["check_name"] for r in rows] == sorted(c.name for c in CHECKS)
    tiers = next(r for r in rows if r["check_name"] == "tiers_match_thresholds")
    assert tiers["layer"] == "marts"
    assert tiers["severity"] == "error"
    assert tiers["status"] == "failed"
    assert tiers["success"] is False
    assert tiers["observed"] == "1 lines with a wrong tier"
    assert tiers["failing_count"] == 1
    assert tiers["validated_at"] == report.finished_at
    examples = json.loads(tiers["failing_examples"])
    assert examples == [
        {
            "employee_id": "E3",
            "role": "direct_sales",
            "period_type": "quarter",
            "period": "2026-Q1",
            "kpi_code": "revenue",
            "actual_value": "799999.990000",
            "base_value": "800000.000000",
            "challenge_value": "1000000.000000",
            "stretch_value": "1200000.000000",
            "tier": "<base>",
            "expected_tier": "none",
        }
    ]
    skipped = next(r for r in rows if r["check_name"] == "receipts_within_invoice")
    assert (skipped["status"], skipped["success"], json.loads(skipped["failing_examples"])) == (
        "skipped",
        True,
        [],
    )


def test_recording_a_run_again_replaces_its_rows_and_keeps_other_runs(con):
    report = _broken_report(con)
    record_validation(con, report, "run-1")
    record_validation(con, report, "run-2")

    con.execute("update marts.fct_scorecards set tier = 'none' where tier = '<base>'")
    fixed = run_checks(con, names=["tiers_match_thresholds"])
    later = dt.datetime(2030, 1, 1)
    record_validation(con, fixed, "run-1", validated_at=later)

    run_1 = {r["check_name"]: r for r in read_history(con, "run-1")}
    assert len(run_1) == len(CHECKS)  # still one row per check
    assert run_1["tiers_match_thresholds"]["success"] is True
    assert run_1["tiers_match_thresholds"]["validated_at"] == later
    assert run_1["orders_uncredited"]["success"] is False  # untouched rows of the run stay
    run_2 = {r["check_name"]: r for r in read_history(con, "run-2")}
    assert run_2["tiers_match_thresholds"]["success"] is False
    assert len(read_history(con)) == 2 * len(CHECKS)


def test_html_report_lists_every_check_and_escapes_values(con, tmp_path):
    report = _broken_report(con)

    path = write_html_report(report, tmp_path / "reports" / "quality.html")

    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    for result in report.results:
        assert f'<section id="{result.name}">' in text
        assert html.escape(result.observed) in text
    assert "FAILED: publishing blocked" in text
    assert "&lt;base&gt;" in text and "<base>" not in text
    assert "799999.990000" in text
    skipped = report.result("receipts_within_invoice")
    assert skipped.status == "skipped"
    assert '<span class="status skipped error">skipped</span>' in text


def test_html_report_command_validates_a_warehouse_file(tmp_path, capsys):
    import duckdb

    warehouse = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    tables = marts_company()
    tables["marts.fct_payouts"].row(payout_id="P2")["payout_amount"] = D("5.00")
    load(con, tables)
    con.close()
    out = tmp_path / "report.html"

    code = main(["--warehouse", str(warehouse), "--out", str(out), "--layer", "marts"])

    assert code == 1
    assert "payout_lines_add_up" in out.read_text(encoding="utf-8")
    assert "2 errors" in capsys.readouterr().out


def test_report_of_a_recorded_run_shows_what_that_run_saw(tmp_path, capsys, monkeypatch):
    import duckdb

    from orchestration.cli import main as kpiwh
    from quality.history import latest_run_id, report_from_history

    warehouse = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    broken = _broken_report(con)
    record_validation(con, broken, "night-1")
    # the data is repaired afterwards: validating now passes, the recorded night did not
    tier = marts_company()["marts.fct_scorecards"].row(employee_id="E3", kpi_code="revenue")["tier"]
    con.execute("update marts.fct_scorecards set tier = ? where tier = '<base>'", [tier])
    assert latest_run_id(con) == "night-1"
    again = report_from_history(con, "night-1")
    assert [r.name for r in again.errors] == [r.name for r in broken.errors]
    assert "tiers_match_thresholds" in [r.name for r in again.errors]
    assert again.result("tiers_match_thresholds").failing_count == 1
    assert again.result("tiers_match_thresholds").failing_examples == json.loads(
        json.dumps(broken.result("tiers_match_thresholds").to_dict()["failing_examples"])
    )
    con.close()
    monkeypatch.setenv("KPIWH_DUCKDB_PATH", str(warehouse))
    out = tmp_path / "night.html"

    assert kpiwh(["--home", str(tmp_path), "report", "--out", str(out)], read_dotenv=False) == 1
    page = out.read_text(encoding="utf-8")
    assert "run night-1" in page
    assert "Recent nightly validations" in page
    assert f"FAILED — {len(broken.errors)} failed errors" in capsys.readouterr().out
    now = tmp_path / "now.html"
    kpiwh(["--home", str(tmp_path), "report", "--now", "--out", str(now)], read_dotenv=False)
    assert f"FAILED — {len(broken.errors) - 1} failed errors" in capsys.readouterr().out
    assert "validated now" in now.read_text(encoding="utf-8")
    assert kpiwh(["--home", str(tmp_path), "report", "--run-id", "nope"], read_dotenv=False) == 2
