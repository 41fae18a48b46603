"""`kpiwh payroll …` and `kpiwh statement` on a hand-made warehouse file: the operator's walk."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from exports.payroll import payout_file
from exports.payroll.lifecycle import sync_periods
from orchestration.cli import main
from tests.exports.payroll_fixtures import EXPECTED_Q3_CSV, make_warehouse, publish


@pytest.fixture
def home(tmp_path, monkeypatch):
    for name in ("KPIWH_DUCKDB_PATH", "KPIWH_EXPORT_DIR", "KPIWH_PAYROLL_CURRENCY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KPIWH_HOME", str(tmp_path))
    monkeypatch.setattr(payout_file, "_trace_freezer", lambda: lambda con, **kwargs: None)
    # the anomaly scan has its own tests; here no alert holds the period
    monkeypatch.setattr("quality.anomalies.payroll_holds", lambda con, period_type, period: [])
    con = make_warehouse(str(tmp_path / "warehouse.duckdb"))
    publish(con, "run-1")
    sync_periods(con, now=dt.datetime(2026, 1, 15, 3, 5))
    con.close()
    return tmp_path


def kpiwh(*argv: str) -> int:
    return main(list(argv), read_dotenv=False)


def test_approve_export_close_from_the_command_line(home, capsys) -> None:
    assert kpiwh("payroll", "export", "--period", "2025-Q3", "--by", "wang") == 2
    assert "only an approved period can be exported" in capsys.readouterr().err
    assert kpiwh("payroll", "approve", "--period", "2025-Q3", "--by", "zhou") == 0
    assert "3 lines, total 43100.00 (publication 1)" in capsys.readouterr().out
    assert kpiwh("payroll", "export", "--period", "2025-Q3", "--by", "wang") == 0
    out = capsys.readouterr().out
    assert (
        f"batch PAY-2025-Q3 exported: 3 lines, total 43100.00, sha256 {hashlib.sha256(EXPECTED_Q3_CSV).hexdigest()}"
        in out
    )
    data = home / "exports/payroll/2025-Q3/payouts_2025-Q3_PAY-2025-Q3.csv"
    assert data.read_bytes() == EXPECTED_Q3_CSV
    assert kpiwh("payroll", "export", "--period", "2025-Q3", "--by", "wang") == 0
    assert "batch PAY-2025-Q3 unchanged" in capsys.readouterr().out
    assert kpiwh("payroll", "close", "--period", "2025-Q3", "--by", "zhou") == 0
    assert kpiwh("payroll", "reopen", "--period", "2025-Q3", "--by", "zhou", "--note", "x") == 2
    assert "frozen and cannot be reopened" in capsys.readouterr().err
    assert kpiwh("payroll", "history", "--period", "2025-Q3") == 0
    history = capsys.readouterr().out.splitlines()
    assert [line.split()[2:6] for line in history] == [
        ["open", "→", "calculated", "kpiwh-nightly"],
        ["calculated", "→", "approved", "zhou"],
        ["approved", "→", "exported", "wang"],
        ["exported", "→", "closed", "zhou"],
    ]


def test_manual_adjustment_and_statement_from_the_command_line(home, capsys) -> None:
    assert (
        kpiwh(
            "payroll",
            "adjust",
            "--employee",
            "E002",
            "--period",
            "2025-Q4",
            "--amount",
            "250.00",
            "--reason",
            "dispute #42",
            "--by",
            "li",
        )
        == 0
    )
    assert "manual-1 recorded (pending)" in capsys.readouterr().out
    assert kpiwh("payroll", "adjustment", "approve", "manual-1", "--by", "li") == 2
    assert "someone else must approve it" in capsys.readouterr().err
    assert kpiwh("payroll", "adjustment", "approve", "manual-1", "--by", "zhou") == 0
    capsys.readouterr()
    assert kpiwh("payroll", "show", "--period", "2025-Q4") == 0
    shown = capsys.readouterr().out
    assert "manual_adjustment:manual-1" in shown
    assert "3 lines, total 11250.00" in shown  # 5,000 + 6,000 + 250
    assert kpiwh("statement", "--employee", "E002", "--period", "2025-Q4") == 0
    statement = capsys.readouterr().out
    assert statement.startswith("# Statement 2025-Q4 — 李娜 (E002)\n")
    assert "| manual_adjustment:manual-1 | 250.00 |" in statement
    assert "| **Total** | **6,250.00** |" in statement
    assert "- manual-1: 250.00 — dispute #42" in statement
    assert kpiwh("statement", "--period", "2025-Q4", "--all") == 0
    folder = home / "exports/statements/2025-Q4"
    assert sorted(p.name for p in folder.iterdir()) == ["E001.md", "E002.md"]
    assert "**5,000.00**" in (folder / "E001.md").read_text()
