"""Payroll lifecycle and payout files: approve → export → close, refusals, idempotence, crashes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pytest

from exports.payroll import payout_file
from exports.payroll.lifecycle import (
    LifecycleError,
    approve_period,
    get_period,
    period_events,
    reopen_period,
    sync_periods,
)
from exports.payroll.payout_file import (
    BatchConflict,
    ExportRefused,
    batch_files,
    close_period,
    export_period,
    read_batch,
)
from tests.exports.payroll_fixtures import (
    BASE_PAYOUTS,
    EXPECTED_Q3_CSV,
    Alert,
    make_warehouse,
    no_holds,
    publish,
    record_gate,
)

APPROVED_AT = dt.datetime(2026, 1, 16, 9, 0)


@pytest.fixture
def freezes(monkeypatch) -> list[dict]:
    """Stands in for exports.trace.freeze_contributions and records its calls."""
    calls: list[dict] = []

    def freeze(con, **kwargs):
        calls.append(kwargs)

    monkeypatch.setattr(payout_file, "_trace_freezer", lambda: freeze)
    return calls


@pytest.fixture
def con():
    con = make_warehouse()
    publish(con, "run-1")
    sync_periods(con, now=dt.datetime(2026, 1, 15, 3, 5))
    return con


def _approve(con, period="2025-Q3", by="finance.zhou"):
    return approve_period(con, period, actor=by, currency="CNY", holds=no_holds, now=APPROVED_AT)


def _export(con, export_dir: Path, period="2025-Q3", **kwargs):
    kwargs.setdefault("holds", no_holds)
    return export_period(
        con, period, actor="payroll.wang", export_dir=export_dir, currency="CNY", **kwargs
    )


def test_nightly_sync_registers_periods_and_marks_ended_ones_calculated(con) -> None:
    assert get_period(con, "2025-Q3").status == "calculated"
    assert get_period(con, "2025-Q4").status == "calculated"  # ended 12-31, published 01-15
    events = period_events(con, "2025-Q3")
    assert [(e[1], e[2], e[3]) for e in events] == [("open", "calculated", "kpiwh-nightly")]
    assert sync_periods(con) == []  # idempotent


def test_a_period_still_running_stays_open() -> None:
    con = make_warehouse()
    publish(con, "run-1", published_at=dt.datetime(2025, 12, 20))
    sync_periods(con)
    assert get_period(con, "2025-Q3").status == "calculated"
    assert get_period(con, "2025-Q4").status == "open"
    with pytest.raises(LifecycleError, match="2025-Q4 is open, it cannot become approved"):
        _approve(con, "2025-Q4")


def test_approve_export_close_writes_the_documented_file_and_manifest(
    con, tmp_path, freezes
) -> None:
    approval = _approve(con)
    assert (approval.line_count, approval.control_total) == (3, Decimal("43100.00"))
    result = _export(con, tmp_path)
    files = batch_files(tmp_path, "2025-Q3", "PAY-2025-Q3")
    assert result.files == files
    assert files.data_path == tmp_path / "payroll/2025-Q3/payouts_2025-Q3_PAY-2025-Q3.csv"
    assert files.data_path.read_bytes() == EXPECTED_Q3_CSV
    manifest = json.loads(files.manifest_path.read_text())
    assert manifest == {
        "schema_version": 1,
        "batch_id": "PAY-2025-Q3",
        "period_type": "quarter",
        "period": "2025-Q3",
        "file_name": "payouts_2025-Q3_PAY-2025-Q3.csv",
        "row_count": 3,
        "control_total": "43100.00",
        "currency": "CNY",
        "sha256": hashlib.sha256(EXPECTED_Q3_CSV).hexdigest(),
        "run_id": "run-1",
        "publication_id": 1,
        "load_watermark": 10,
    }
    assert read_batch(files) == manifest
    # frozen snapshots, the batch record and the trace freeze, all under the batch id
    assert con.execute(
        "select batch_id, publication_id, run_id, load_watermark, row_count, control_total, "
        "exported_by from payroll.batches"
    ).fetchall() == [("PAY-2025-Q3", 1, "run-1", 10, 3, Decimal("43100.00"), "payroll.wang")]
    assert con.execute(
        "select employee_id, payout_amount from payroll.frozen_payouts order by 1"
    ).fetchall() == [
        ("E001", Decimal("31100.00")),
        ("E002", Decimal("12000.00")),
        ("E003", Decimal("0.00")),
    ]
    assert con.execute("select count(*) from payroll.frozen_scorecards").fetchone() == (3,)
    # the quarter's three rows and its month 2025-08; not 2025-10 (Q4)
    assert con.execute(
        "select period, count(*) from payroll.frozen_kpi_values group by 1 order by 1"
    ).fetchall() == [("2025-08", 1), ("2025-Q3", 3)]
    assert freezes == [{"batch_id": "PAY-2025-Q3", "period_type": "quarter", "period": "2025-Q3"}]
    close_period(con, "2025-Q3", actor="finance.zhou", export_dir=tmp_path, note="paid")
    assert [(e[1], e[2], e[3]) for e in period_events(con, "2025-Q3")] == [
        ("open", "calculated", "kpiwh-nightly"),
        ("calculated", "approved", "finance.zhou"),
        ("approved", "exported", "payroll.wang"),
        ("exported", "closed", "finance.zhou"),
    ]


def test_reexporting_unchanged_numbers_gives_the_same_bytes(con, tmp_path, freezes) -> None:
    _approve(con)
    _export(con, tmp_path)
    files = batch_files(tmp_path, "2025-Q3", "PAY-2025-Q3")
    first = (files.data_path.read_bytes(), files.manifest_path.read_bytes())
    publish(con, "run-2")  # next night: the same numbers again
    assert _export(con, tmp_path).outcome == "unchanged"
    files.data_path.unlink()  # lost on the way to payroll: written again, byte for byte
    assert _export(con, tmp_path).outcome == "rewritten"
    assert (files.data_path.read_bytes(), files.manifest_path.read_bytes()) == first
    assert con.execute("select count(*) from payroll.batches").fetchone() == (1,)
    assert len(freezes) == 1


def test_different_numbers_under_an_exported_batch_are_refused(con, tmp_path, freezes) -> None:
    _approve(con)
    _export(con, tmp_path)
    files = batch_files(tmp_path, "2025-Q3", "PAY-2025-Q3")
    changed = dict(BASE_PAYOUTS)
    changed[("E002", "2025-Q3")] = (Decimal("12500.00"), Decimal("0.00"), "base")
    publish(con, "run-2", payouts=changed)
    with pytest.raises(BatchConflict, match=r"differs by 500\.00.*late-data adjustment"):
        _export(con, tmp_path)
    assert files.data_path.read_bytes() == EXPECTED_Q3_CSV
    # redelivery writes the frozen file, not today's numbers
    files.data_path.unlink()
    _export(con, tmp_path, redeliver=True)
    assert files.data_path.read_bytes() == EXPECTED_Q3_CSV


def test_a_foreign_file_under_the_batch_name_is_not_overwritten(con, tmp_path, freezes) -> None:
    _approve(con)
    files = batch_files(tmp_path, "2025-Q3", "PAY-2025-Q3")
    files.folder.mkdir(parents=True)
    files.data_path.write_bytes(b"other numbers\r\n")
    files.manifest_path.write_text(
        json.dumps({"sha256": hashlib.sha256(b"other numbers\r\n").hexdigest(), "row_count": 0})
    )
    with pytest.raises(BatchConflict, match=r"already exists .* with different numbers"):
        _export(con, tmp_path)
    assert get_period(con, "2025-Q3").status == "approved"
    assert files.data_path.read_bytes() == b"other numbers\r\n"


def test_an_unapproved_period_is_refused(con, tmp_path, freezes) -> None:
    with pytest.raises(ExportRefused, match="2025-Q3 is calculated: only an approved period"):
        _export(con, tmp_path)
    assert not (tmp_path / "payroll").exists()
    assert freezes == []


def test_a_later_failed_gate_refuses_the_export_and_names_the_check(con, tmp_path, freezes) -> None:
    _approve(con)
    record_gate(con, "run-2", passed=False, at=dt.datetime(2026, 1, 16, 3, 0))
    with pytest.raises(ExportRefused, match="payout_lines_add_up: run run-2: 2 payout lines"):
        _export(con, tmp_path)
    assert get_period(con, "2025-Q3").status == "approved"
    assert con.execute("select count(*) from payroll.batches").fetchone() == (0,)
    assert not (tmp_path / "payroll").exists()


def test_a_failed_gate_also_refuses_the_approval(con) -> None:
    record_gate(con, "run-2", passed=False, at=dt.datetime(2026, 1, 16, 3, 0))
    with pytest.raises(LifecycleError, match="quality gate failed: payout_lines_add_up"):
        _approve(con)


def test_an_anomaly_hold_refuses_the_export(con, tmp_path, freezes) -> None:
    _approve(con)

    def held(con, period_type, period):
        assert (period_type, period) == ("quarter", "2025-Q3")
        return [Alert("A-7", "payout_jump", "E001", "payout 31,100.00 is 3.1× last quarter")]

    with pytest.raises(ExportRefused, match=r"A-7 payout_jump E001: payout 31,100\.00"):
        _export(con, tmp_path, holds=held)
    assert get_period(con, "2025-Q3").status == "approved"


def test_numbers_changed_since_approval_need_a_new_approval(con, tmp_path, freezes) -> None:
    _approve(con)
    changed = dict(BASE_PAYOUTS)
    changed[("E001", "2025-Q3")] = (Decimal("21000.00"), Decimal("10000.00"), "challenge")
    publish(con, "run-2", payouts=changed)
    with pytest.raises(ExportRefused, match=r"changed since they were approved .*publication 1"):
        _export(con, tmp_path)
    _approve(con, by="finance.zhou")  # re-approval pins publication 2
    assert _export(con, tmp_path).control_total == Decimal("43000.00")


def test_unchanged_numbers_in_a_later_publication_keep_the_approval(con, tmp_path, freezes) -> None:
    _approve(con)
    publish(con, "run-2")
    result = _export(con, tmp_path)
    assert result.outcome == "exported"
    assert json.loads(result.files.manifest_path.read_text())["publication_id"] == 2


def test_exported_periods_cannot_be_reopened(con, tmp_path, freezes) -> None:
    _approve(con)
    _export(con, tmp_path)
    with pytest.raises(LifecycleError, match="frozen and cannot be reopened"):
        reopen_period(con, "2025-Q3", actor="finance.zhou")
    with pytest.raises(LifecycleError, match="2025-Q3 is exported: exported periods are frozen"):
        _approve(con)


def test_approve_needs_an_actor_and_reopen_withdraws_it(con) -> None:
    with pytest.raises(LifecycleError, match="--by NAME is required"):
        _approve(con, by=" ")
    _approve(con)
    reopen_period(con, "2025-Q3", actor="finance.zhou", note="wrong quarter")
    state = get_period(con, "2025-Q3")
    assert (state.status, state.approved_fingerprint) == ("calculated", None)


def test_close_needs_the_delivered_file(con, tmp_path, freezes) -> None:
    _approve(con)
    _export(con, tmp_path)
    batch_files(tmp_path, "2025-Q3", "PAY-2025-Q3").manifest_path.unlink()
    with pytest.raises(LifecycleError, match="missing or does not match its manifest"):
        close_period(con, "2025-Q3", actor="finance.zhou", export_dir=tmp_path)
    with pytest.raises(LifecycleError, match="2025-Q4 is calculated, it cannot become closed"):
        close_period(con, "2025-Q4", actor="finance.zhou", export_dir=tmp_path)


def test_a_crash_between_data_file_and_manifest_leaves_no_delivered_batch_then_recovers(
    con, tmp_path, freezes, monkeypatch
) -> None:
    _approve(con)

    def crash(files):
        raise OSError("disk gone")

    monkeypatch.setattr(payout_file, "_before_manifest", crash)
    with pytest.raises(OSError, match="disk gone"):
        _export(con, tmp_path)
    files = batch_files(tmp_path, "2025-Q3", "PAY-2025-Q3")
    assert read_batch(files) is None  # old state: no batch delivered
    assert not files.manifest_path.exists()
    assert files.data_path.read_bytes() == EXPECTED_Q3_CSV  # never a partial data file
    # the freeze committed first: the period is exported, and exporting again completes it
    assert get_period(con, "2025-Q3").status == "exported"
    monkeypatch.setattr(payout_file, "_before_manifest", lambda files: None)
    assert _export(con, tmp_path).outcome == "rewritten"
    assert read_batch(files)["sha256"] == hashlib.sha256(EXPECTED_Q3_CSV).hexdigest()


def test_a_crash_before_the_rename_leaves_the_old_file_and_a_temp_that_is_cleaned(
    con, tmp_path, freezes, monkeypatch
) -> None:
    _approve(con)
    _export(con, tmp_path)
    files = batch_files(tmp_path, "2025-Q3", "PAY-2025-Q3")
    old = (files.data_path.read_bytes(), files.manifest_path.read_bytes())
    files.manifest_path.unlink()  # force a rewrite of both files

    real_replace = payout_file.os.replace

    def crash_on_data(src, dst):
        if str(dst).endswith(".csv"):
            raise OSError("power cut")
        real_replace(src, dst)

    monkeypatch.setattr(payout_file.os, "replace", crash_on_data)
    with pytest.raises(OSError, match="power cut"):
        _export(con, tmp_path)
    leftovers = sorted(p.name for p in files.folder.iterdir() if p.name.startswith("."))
    assert leftovers == [f".{files.data_path.name}.tmp-{payout_file.os.getpid()}"]
    assert files.data_path.read_bytes() == old[0]
    monkeypatch.setattr(payout_file.os, "replace", real_replace)
    _export(con, tmp_path)
    assert sorted(p.name for p in files.folder.iterdir()) == sorted(
        [files.data_path.name, files.manifest_path.name]
    )
    assert (files.data_path.read_bytes(), files.manifest_path.read_bytes()) == old


def test_a_missing_trace_freeze_refuses_before_freezing(con, tmp_path, monkeypatch) -> None:
    def missing():
        raise ExportRefused("cannot freeze the period's trace (exports.trace: missing)")

    monkeypatch.setattr(payout_file, "_trace_freezer", missing)
    _approve(con)
    with pytest.raises(ExportRefused, match="cannot freeze the period's trace"):
        _export(con, tmp_path)
    assert get_period(con, "2025-Q3").status == "approved"


def test_by_default_the_anomaly_scan_is_asked_and_an_unscanned_publication_holds(
    con, tmp_path, freezes
) -> None:
    _approve(con)
    with pytest.raises(ExportRefused, match="payout anomaly"):
        export_period(con, "2025-Q3", actor="payroll.wang", export_dir=tmp_path, currency="CNY")
    assert get_period(con, "2025-Q3").status == "approved"
