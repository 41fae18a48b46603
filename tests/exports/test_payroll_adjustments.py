"""Late data after close becomes adjustment lines in the next open period; manual adjustments."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest

from exports.payroll import payout_file
from exports.payroll.adjustments import (
    AdjustmentError,
    compute_late_data_adjustments,
    create_manual_adjustment,
    decide_manual_adjustment,
    list_adjustments,
    parse_amount,
    source_rows,
)
from exports.payroll.lifecycle import approve_period, get_period, sync_periods
from exports.payroll.lines import period_lines
from exports.payroll.payout_file import batch_files, close_period, export_period, read_batch
from tests.exports.payroll_fixtures import BASE_PAYOUTS, make_warehouse, no_holds, publish

D = Decimal
NOW = dt.datetime(2026, 1, 20, 3, 10)


@pytest.fixture
def closed_q3(tmp_path, monkeypatch):
    """2025-Q3 approved, exported (load watermark 10) and closed; 2025-Q4 calculated."""
    monkeypatch.setattr(payout_file, "_trace_freezer", lambda: lambda con, **kwargs: None)
    con = make_warehouse()
    con.executemany(
        "insert into intermediate.int_orders_unified values (?, ?, ?, ?, ?, ?, ?)",
        [
            # in the batch already (load 9), and late rows of other periods / employees
            ("crm:O-1", "2025-08-02", D("50000.00"), "E001", "crm/2025-08-03/orders.csv", 4, 9),
            ("crm:O-7", "2025-10-05", D("900.00"), "E001", "crm/2026-01-17/orders.csv", 2, 11),
            ("crm:O-8", "2025-09-01", D("700.00"), "E002", "crm/2026-01-17/orders.csv", 3, 11),
            # the late return that lowers E001's 2025-Q3 (revenue of a returned order is 0)
            ("crm:O-9", "2025-08-15", D("0.00"), "E001", "crm/2026-01-17/orders.csv", 5, 11),
        ],
    )
    con.execute(
        "insert into intermediate.int_receipts_credited values ('R-3', '2025-09-20', 1200.00, "
        "'E001', 'finance/2026-01-18/receipts.csv', 7, 12)"
    )
    publish(con, "run-1")
    sync_periods(con, now=dt.datetime(2026, 1, 15, 3, 5))
    approve_period(con, "2025-Q3", actor="finance.zhou", currency="CNY", holds=no_holds)
    export_period(
        con, "2025-Q3", actor="payroll.wang", export_dir=tmp_path, currency="CNY", holds=no_holds
    )
    close_period(con, "2025-Q3", actor="finance.zhou", export_dir=tmp_path)
    return con, tmp_path


def _recalculated(e001_q3_pay: str) -> dict:
    payouts = dict(BASE_PAYOUTS)
    payouts[("E001", "2025-Q3")] = (D(e001_q3_pay), D("10000.00"), "challenge")
    return payouts


def _q3_file_sha(export_dir) -> str:
    files = batch_files(export_dir, "2025-Q3", "PAY-2025-Q3")
    return hashlib.sha256(files.data_path.read_bytes()).hexdigest()


def test_late_data_after_close_becomes_one_adjustment_in_the_next_open_period(closed_q3) -> None:
    con, export_dir = closed_q3
    sha_before = _q3_file_sha(export_dir)
    # a later run recalculates E001's 2025-Q3: 21,100.00 → 20,100.00 performance pay
    publish(con, "run-2", payouts=_recalculated("20100.00"), load_watermark=12)
    changes = compute_late_data_adjustments(con, now=NOW)
    assert [(c.adjustment_id, c.amount, c.source_row_count) for c in changes] == [
        ("late:2025-Q3:E001:2025-Q4", D("-1000.00"), 2)
    ]
    [line] = list_adjustments(con, "2025-Q4")
    assert line["kind"] == "late_data"
    assert (line["frozen_payout_amount"], line["recalculated_payout_amount"]) == (
        D("31100.00"),
        D("30100.00"),
    )
    assert line["reason"] == (
        "late data for 2025-Q3 (batch PAY-2025-Q3): payout recalculated 30100.00, exported "
        "31100.00; 2 source row(s) loaded after load 10"
    )
    # only E001's rows dated in 2025-Q3 and loaded after the batch's watermark
    assert source_rows(con, "late:2025-Q3:E001:2025-Q4") == [
        (
            "intermediate.int_orders_unified",
            "crm:O-9",
            dt.date(2025, 8, 15),
            D("0.00"),
            "crm/2026-01-17/orders.csv",
            5,
            11,
        ),
        (
            "intermediate.int_receipts_credited",
            "R-3",
            dt.date(2025, 9, 20),
            D("1200.00"),
            "finance/2026-01-18/receipts.csv",
            7,
            12,
        ),
    ]
    lines = period_lines(con, "quarter", "2025-Q4", "CNY")
    assert [(x.employee_id, x.component, x.amount) for x in lines] == [
        ("E001", "performance_pay", D("5000.00")),
        ("E001", "late_data_adjustment:2025-Q3", D("-1000.00")),
        ("E002", "performance_pay", D("6000.00")),
    ]
    # the exported file of the frozen period is untouched, and its period stays closed
    assert _q3_file_sha(export_dir) == sha_before
    assert get_period(con, "2025-Q3").status == "closed"
    assert read_batch(batch_files(export_dir, "2025-Q3", "PAY-2025-Q3")) is not None


def test_recomputing_is_idempotent_and_updates_the_unexported_line(closed_q3) -> None:
    con, _ = closed_q3
    publish(con, "run-2", payouts=_recalculated("20100.00"))
    compute_late_data_adjustments(con, now=NOW)
    compute_late_data_adjustments(con, now=NOW)
    assert [(a["adjustment_id"], a["amount"]) for a in list_adjustments(con)] == [
        ("late:2025-Q3:E001:2025-Q4", D("-1000.00"))
    ]
    assert con.execute("select count(*) from payroll.adjustment_source_rows").fetchone() == (2,)
    publish(con, "run-3", payouts=_recalculated("20600.00"))  # part of it came back
    compute_late_data_adjustments(con, now=NOW)
    assert [(a["adjustment_id"], a["amount"]) for a in list_adjustments(con)] == [
        ("late:2025-Q3:E001:2025-Q4", D("-500.00"))
    ]
    publish(con, "run-4")  # back to the exported numbers: the unpaid line is withdrawn
    compute_late_data_adjustments(con, now=NOW)
    assert list_adjustments(con) == []
    assert con.execute("select count(*) from payroll.adjustment_source_rows").fetchone() == (0,)


def test_an_exported_adjustment_is_never_changed_the_rest_goes_to_the_next_period(
    closed_q3,
) -> None:
    con, export_dir = closed_q3
    publish(con, "run-2", payouts=_recalculated("20100.00"))
    compute_late_data_adjustments(con, now=NOW)
    approve_period(con, "2025-Q4", actor="finance.zhou", currency="CNY", holds=no_holds)
    q4 = export_period(
        con, "2025-Q4", actor="payroll.wang", export_dir=export_dir, currency="CNY", holds=no_holds
    )
    assert q4.control_total == D("10000.00")  # 5,000 − 1,000 + 6,000
    # more late data for 2025-Q3: 20,100.00 → 19,850.00 (−1,250 in total, −1,000 already paid)
    publish(con, "run-3", payouts=_recalculated("19850.00"))
    compute_late_data_adjustments(con, now=NOW)
    assert [
        (a["adjustment_id"], a["period"], a["amount"], a["exported_batch_id"])
        for a in list_adjustments(con)
    ] == [
        ("late:2025-Q3:E001:2025-Q4", "2025-Q4", D("-1000.00"), "PAY-2025-Q4"),
        ("late:2025-Q3:E001:2026-Q1", "2026-Q1", D("-250.00"), None),
    ]
    assert get_period(con, "2026-Q1").status == "open"  # registered to pay the adjustment in


def test_manual_adjustments_are_paid_only_once_someone_else_approves_them(closed_q3) -> None:
    con, _ = closed_q3
    adjustment_id = create_manual_adjustment(
        con,
        employee_id="E002",
        period="2025-Q4",
        amount=parse_amount("-300.50"),
        reason="dispute #42: duplicate bonus",
        author="hr.li",
        now=NOW,
    )
    assert adjustment_id == "manual-1"
    assert [x.component for x in period_lines(con, "quarter", "2025-Q4", "CNY")] == [
        "performance_pay",
        "performance_pay",
    ]
    with pytest.raises(AdjustmentError, match="someone else must approve it"):
        decide_manual_adjustment(con, adjustment_id, approver="hr.li")
    decide_manual_adjustment(con, adjustment_id, approver="finance.zhou", now=NOW)
    lines = period_lines(con, "quarter", "2025-Q4", "CNY")
    assert [(x.employee_id, x.component, x.amount) for x in lines][-1] == (
        "E002",
        "manual_adjustment:manual-1",
        D("-300.50"),
    )
    with pytest.raises(AdjustmentError, match="already approved"):
        decide_manual_adjustment(con, adjustment_id, approver="finance.zhou")


def test_manual_adjustments_are_refused_for_frozen_periods_and_bad_amounts(closed_q3) -> None:
    con, _ = closed_q3
    with pytest.raises(AdjustmentError, match="2025-Q3: the period is closed"):
        create_manual_adjustment(
            con, employee_id="E001", period="2025-Q3", amount=D("10.00"), reason="x", author="a"
        )
    with pytest.raises(AdjustmentError, match="unknown employee E999"):
        create_manual_adjustment(
            con, employee_id="E999", period="2025-Q4", amount=D("10.00"), reason="x", author="a"
        )
    with pytest.raises(AdjustmentError, match="at most two decimals"):
        parse_amount("10.005")
    with pytest.raises(AdjustmentError, match="not a number"):
        parse_amount("1,000")
    assert list_adjustments(con) == []
