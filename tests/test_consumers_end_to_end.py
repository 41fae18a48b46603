"""The three consumers of the published marts on one real pipeline build: payroll, the audit trail,
anomaly alerts, and the BI exports — the README walk-through, driven through `kpiwh`.

The company is the hand-built one (tests/fixtures/hand_company) plus DS1's 2026-Q1 targets
(tests/exports/trace_fixtures.py), loaded with the real loader, built with dbt, validated with the
real quality checks and published through the real gate. Then, in order (each test is one step
and relies on the ones before it):

1. nightly steps after the publication: `kpiwh alerts detect`, `kpiwh payroll periods --refresh`;
2. `kpiwh payroll approve`; no payout anomaly holds 2026-Q1 with the shipped thresholds, so a
   quality config with `max_payout_amount: 15000` makes one: `kpiwh payroll export` is refused
   naming it until `kpiwh alerts acknowledge` accepts it;
3. `kpiwh payroll export` with the real trace freeze: the exact file and manifest; exporting
   again gives the same bytes; `kpiwh payroll close`;
4. `kpiwh trace --payout <id>` reconciles and says it is the exported batch;
5. late order O199 arrives: rebuild, validate, publish, detect, `kpiwh payroll periods --refresh`:
   the 2026-Q1 files stay byte-identical, a late-data line for DS1 lands in 2026-Q2 with its
   source row, the trace and the statement keep the frozen numbers; 2026-Q2 is then exported
   with that line;
6. `kpiwh export-bi`: no pay in BI by default, fct_kpi_values identical to the publication.
Then two seams found on the way: an export after a build that was not published is refused (the
real trace freeze does not reconcile) instead of crashing the CLI, and the latest of two anomaly
detections within one second decides what holds payroll.

Hand-computed numbers (plan 2026.1, direct_sales: pay base 8000, weights revenue 50 /
collection 30 / retention 20, challenge tier bonus 10000; tests/exports/test_trace.py):
  exported (publication 1): revenue 14690 / 12000 → points 61.208333335; collection
    11040 / 14690 = 0.751532 / 0.7 → 32.208514287; retention 0.5 / 0.5 → 20; score
    113.416847622 → performance pay 9073.35 + tier bonus 10000.00 = 19073.35
  after O199 (1000.00 incl. tax, A1, 2026-03-20): revenue 15690 / 12000 = 1.3075 (challenge) ×
    50 = 65.375; collection 11040 / 15690 = 0.703633 / 0.7 = 1.00519 × 30 = 30.1557; retention
    unchanged (A1 had already bought in the quarter) 20 → score 115.5307 → performance pay
    8000 × 1.155307 = 9242.456 → 9242.46, tier bonus 10000.00 → payout 19242.46
  late-data adjustment for 2026-Q1 = 19242.46 − 19073.35 = 169.11, paid in 2026-Q2.

Run:  .venv/bin/pytest tests/test_consumers_end_to_end.py   (about two minutes)
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from exports.publication import publish_marts
from exports.trace import FROZEN_CONTRIBUTIONS, unreconciled_frozen_values
from ingestion.warehouse import connect
from orchestration.cli import main
from quality.anomalies import AnomalyAlert, payroll_holds, record_anomalies
from quality.history import record_validation
from quality.runner import run_checks
from tests.dbt_project.test_kpis_hand_company import _load
from tests.exports.trace_fixtures import (
    DS1_TARGETS_CSV,
    LATE_ORDER_CSV,
    LATE_ORDER_DROP,
    TARGETS_DROP,
    build,
    load_drop,
)

D = Decimal
HEADER = "payroll_id,employee_id,employee_name,period,component,amount,currency,batch_id\r\n"
Q1_CSV = (
    HEADER
    + "P-DS1,DS1,张直销,2026-Q1,performance_pay,9073.35,CNY,PAY-2026-Q1\r\n"
    + "P-DS1,DS1,张直销,2026-Q1,tier_bonus,10000.00,CNY,PAY-2026-Q1\r\n"
).encode()
Q2_CSV = (
    HEADER + "P-DS1,DS1,张直销,2026-Q2,late_data_adjustment:2026-Q1,169.11,CNY,PAY-2026-Q2\r\n"
).encode()
EXPORTED_PAYOUT = D("19073.35")
RECALCULATED_PAYOUT = D("19242.46")
LATE_ADJUSTMENT = D("169.11")
# a payout anomaly the shipped thresholds do not raise: an absolute cap below DS1's payout
LOW_CAP_CONFIG = """\
anomalies:
  payout:
    max_payout_amount: 15000
"""


@dataclass
class Walk:
    """The warehouse, folders and what earlier steps found, shared by the steps below."""

    home: Path
    warehouse: Path
    export_dir: Path
    quality_config: Path
    monkeypatch: pytest.MonkeyPatch
    seen: dict[str, Any] = field(default_factory=dict)

    def connect(self, *, read_only: bool = True) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.warehouse), read_only=read_only)

    def rows(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        con = self.connect()
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def q1_files(self) -> tuple[Path, Path]:
        folder = self.export_dir / "payroll" / "2026-Q1"
        stem = "payouts_2026-Q1_PAY-2026-Q1"
        return folder / f"{stem}.csv", folder / f"{stem}.manifest.json"


def kpiwh(walk: Walk, *args: str) -> tuple[int, str, str]:
    """`kpiwh --home <tmp> ARGS` in process; (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["--home", str(walk.home), *args], read_dotenv=False)
    return code, out.getvalue(), err.getvalue()


def validate_and_publish(warehouse: Path, run_id: str) -> int:
    """The nightly job's `quality/validation` and `published/marts` steps: every real quality
    check recorded under the run, then the gate publishes."""
    con = connect(warehouse)
    try:
        report = run_checks(con)
        assert report.passed, [(r.name, r.observed) for r in report.errors]
        record_validation(con, report, run_id)
        return publish_marts(con, run_id=run_id).publication_id
    finally:
        con.close()


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Walk]:
    home = tmp_path_factory.mktemp("consumers")
    warehouse = home / "warehouse.duckdb"
    _load(warehouse)
    load_drop(warehouse, home / "extra_landing", TARGETS_DROP, DS1_TARGETS_CSV)
    build(warehouse, home)
    assert validate_and_publish(warehouse, "nightly-1") == 1
    quality_config = home / "quality_low_cap.yml"
    quality_config.write_text(LOW_CAP_CONFIG, encoding="utf-8")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("KPIWH_HOME", str(home))
        monkeypatch.setenv("KPIWH_DUCKDB_PATH", str(warehouse))
        monkeypatch.setenv("KPIWH_EXPORT_DIR", str(home / "exports"))
        for name in (
            "KPIWH_QUALITY_CONFIG",
            "KPIWH_POSTGRES_DSN",
            "KPIWH_BI_INCLUDE_PAY",
            "KPIWH_PAYROLL_CURRENCY",
        ):
            monkeypatch.delenv(name, raising=False)
        yield Walk(home, warehouse, home / "exports", quality_config, monkeypatch)


# --- 1. the nightly steps after the publication ----------------------------------------------


def test_nightly_registers_the_payout_periods(walk: Walk) -> None:
    code, out, _ = kpiwh(walk, "alerts", "detect")
    assert code == 0 and "alerts on publication 1" in out
    assert "payout_above_cap" not in out and "payout_jump" not in out
    code, out, _ = kpiwh(walk, "payroll", "periods", "--refresh")
    assert code == 0
    # every published payout period has ended before today's publication: calculated
    assert {line.split()[0]: line.split()[2] for line in out.splitlines() if " by " in line} == {
        "2025-Q4": "calculated",
        "2026-Q1": "calculated",
        "2026-Q2": "calculated",
    }
    code, out, _ = kpiwh(walk, "payroll", "show", "--period", "2026-Q1")
    assert code == 0
    assert [line.split() for line in out.splitlines()] == [
        ["P-DS1", "DS1", "张直销", "performance_pay", "9073.35", "CNY"],
        ["P-DS1", "DS1", "张直销", "tier_bonus", "10000.00", "CNY"],
        ["2", "lines,", "total", "19073.35"],
    ]


# --- 2. approve; a payout anomaly holds the export until acknowledged --------------------------


def test_approve_then_a_payout_alert_holds_the_export(walk: Walk) -> None:
    # the shipped thresholds: DS1's 19,073.35 is under the plan maximum (pay base 8000 × score
    # cap 1.5 + stretch bonus 30000 = 42000) and 2025-Q4 paid 0 (no jump): nothing holds 2026-Q1
    code, out, _ = kpiwh(walk, "alerts", "holds", "--period", "2026-Q1")
    assert (code, out.strip()) == (0, "2026-Q1: no anomaly holds the payroll export")

    # so an operator's absolute cap of 15,000 makes one
    walk.monkeypatch.setenv("KPIWH_QUALITY_CONFIG", str(walk.quality_config))
    code, out, _ = kpiwh(walk, "alerts", "detect")
    assert code == 0 and '"payout_above_cap": 1' in out
    code, out, _ = kpiwh(walk, "alerts", "list", "--kind", "payout_above_cap", "--json")
    (alert,) = json.loads(out)
    assert (alert["period"], alert["employee_id"], alert["observed_value"]) == (
        "2026-Q1",
        "DS1",
        "19073.350000",
    )
    assert alert["is_holding"] and alert["threshold"] == "15000.000000"
    alert_id = alert["alert_id"]
    code, out, _ = kpiwh(walk, "alerts", "holds", "--period", "2026-Q1")
    assert code == 1 and f"{alert_id} payout_above_cap" in out

    code, out, _ = kpiwh(
        walk, "payroll", "approve", "--period", "2026-Q1", "--by", "finance.zhou", "--note", "ok"
    )
    assert code == 0
    assert "2026-Q1 approved by finance.zhou: 2 lines, total 19073.35 (publication 1)" in out
    assert f"hold: {alert_id} payout_above_cap DS1" in out

    code, out, err = kpiwh(walk, "payroll", "export", "--period", "2026-Q1", "--by", "payroll.wang")
    assert code == 2 and out == ""
    assert err.startswith("refused: cannot export 2026-Q1: 1 payout anomaly(ies) hold it")
    assert f"{alert_id} payout_above_cap DS1: payout 19,073.35 of DS1" in err
    data_path, manifest_path = walk.q1_files()
    assert not data_path.exists() and not manifest_path.exists()
    assert walk.rows("select status from payroll.periods where period = '2026-Q1'") == [
        ("approved",)
    ]

    code, out, _ = kpiwh(
        walk,
        "alerts",
        "acknowledge",
        alert_id,
        "--decision",
        "accepted",
        "--by",
        "finance.zhou",
        "--reason",
        "challenge tier reached, checked against the orders",
    )
    assert (code, out.strip()) == (
        0,
        f"{alert_id} accepted by finance.zhou: no longer holds payroll",
    )
    code, out, _ = kpiwh(walk, "alerts", "holds", "--period", "2026-Q1")
    assert code == 0
    # the warehouse as it is now (approved, nothing holds), for the last test
    assert not walk.warehouse.with_name(walk.warehouse.name + ".wal").exists()
    shutil.copy(walk.warehouse, walk.home / "approved_copy.duckdb")


# --- 3. export with the real trace freeze, export again, close -------------------------------


def test_export_writes_the_exact_file_and_freezes_the_trail(walk: Walk) -> None:
    code, out, err = kpiwh(walk, "payroll", "export", "--period", "2026-Q1", "--by", "payroll.wang")
    assert (code, err) == (0, "")
    sha = hashlib.sha256(Q1_CSV).hexdigest()
    assert out.startswith(
        f"2026-Q1 batch PAY-2026-Q1 exported: 2 lines, total 19073.35, sha256 {sha}"
    )
    data_path, manifest_path = walk.q1_files()
    assert data_path.read_bytes() == Q1_CSV
    (watermark,) = walk.rows(
        "select load_watermark from meta.publications where publication_id = 1"
    )[0]
    assert watermark == walk.rows("select max(load_id) from meta.load_manifest")[0][0]
    assert json.loads(manifest_path.read_text(encoding="utf-8")) == {
        "schema_version": 1,
        "batch_id": "PAY-2026-Q1",
        "period_type": "quarter",
        "period": "2026-Q1",
        "file_name": "payouts_2026-Q1_PAY-2026-Q1.csv",
        "row_count": 2,
        "control_total": "19073.35",
        "currency": "CNY",
        "sha256": sha,
        "run_id": "nightly-1",
        "publication_id": 1,
        "load_watermark": watermark,
    }
    walk.seen["q1_bytes"] = (data_path.read_bytes(), manifest_path.read_bytes())
    walk.seen["watermark"] = watermark

    # the real freeze ran in the export's transaction: the quarter and its months, reconciled
    con = walk.connect()
    try:
        frozen_periods = con.execute(
            f"select period, count(*) from {FROZEN_CONTRIBUTIONS} "
            "where batch_id = 'PAY-2026-Q1' group by 1 order by 1"
        ).fetchall()
        assert unreconciled_frozen_values(con, batch_id="PAY-2026-Q1") == []
        assert con.execute(
            "select batch_id, publication_id, run_id, row_count, control_total, file_sha256, "
            "exported_by from payroll.batches"
        ).fetchall() == [
            ("PAY-2026-Q1", 1, "nightly-1", 2, EXPORTED_PAYOUT, sha, "payroll.wang"),
        ]
        assert con.execute(
            "select employee_id, payout_amount from payroll.frozen_payouts "
            "where batch_id = 'PAY-2026-Q1' and payout_amount <> 0"
        ).fetchall() == [("DS1", EXPORTED_PAYOUT)]
        (frozen_q1_rows,) = con.execute(
            "select count(*) from payroll.frozen_kpi_values where batch_id = 'PAY-2026-Q1'"
        ).fetchone()
        (published_q1_rows,) = con.execute(
            "select count(*) from published.fct_kpi_values where period in "
            "('2026-Q1', '2026-01', '2026-02', '2026-03')"
        ).fetchone()
    finally:
        con.close()
    assert [p for p, _ in frozen_periods] == ["2026-01", "2026-02", "2026-03", "2026-Q1"]
    assert all(count > 0 for _, count in frozen_periods)
    assert frozen_q1_rows == published_q1_rows

    # exporting again: nothing changed, the same bytes
    code, out, _ = kpiwh(walk, "payroll", "export", "--period", "2026-Q1", "--by", "payroll.wang")
    assert code == 0 and "batch PAY-2026-Q1 unchanged" in out
    assert (data_path.read_bytes(), manifest_path.read_bytes()) == walk.seen["q1_bytes"]

    code, out, _ = kpiwh(
        walk, "payroll", "close", "--period", "2026-Q1", "--by", "finance.zhou", "--note", "paid"
    )
    assert (code, out.strip()) == (0, "2026-Q1 closed by finance.zhou")
    code, out, _ = kpiwh(walk, "payroll", "history", "--period", "2026-Q1")
    assert code == 0 and len(out.splitlines()) == 4
    assert walk.rows(
        "select from_status, to_status, actor, publication_id from payroll.period_events "
        "where period = '2026-Q1' order by event_id"
    ) == [
        ("open", "calculated", "kpiwh-nightly", 1),
        ("calculated", "approved", "finance.zhou", 1),
        ("approved", "exported", "payroll.wang", 1),
        ("exported", "closed", "finance.zhou", None),
    ]


# --- 4. the payout line traced as exported ----------------------------------------------------


def test_trace_of_the_exported_payout(walk: Walk) -> None:
    ((payout_id,),) = walk.rows(
        "select payout_id from published.fct_payouts where employee_id = 'DS1' and period = '2026-Q1'"
    )
    walk.seen["payout_id"] = payout_id
    code, out, _ = kpiwh(walk, "trace", "--payout", payout_id)
    assert code == 0, out
    assert f"payout {payout_id} — DS1 (payroll P-DS1), direct_sales, quarter 2026-Q1" in out
    assert (
        f"[as exported in batch PAY-2026-Q1, publication 1, loads ≤ {walk.seen['watermark']}" in out
    )
    assert "performance pay 9073.35 = base 8000 × weighted score 113.416847622" in out
    assert "tier bonus 10000" in out and "  payout 19073.35" in out
    assert "FAIL" not in out and "DOES NOT RECONCILE" not in out

    code, out, _ = kpiwh(
        walk, "trace", "--employee", "DS1", "--period", "2026-Q1", "--payout", "--json"
    )
    assert code == 0
    trace = json.loads(out)
    assert trace["basis"]["kind"] == "frozen" and trace["basis"]["batch_id"] == "PAY-2026-Q1"
    assert (trace["payout_id"], trace["payout_amount"], trace["reconciles"]) == (
        payout_id,
        "19073.35",
        True,
    )
    assert D(trace["weighted_score"]) == D("113.416847622")
    assert all(check["holds"] for check in trace["checks"])
    assert [(line["kpi_code"], line["kpi"]["value"]) for line in trace["lines"]] == [
        ("revenue", "14690.000000"),
        ("collection_rate", "0.751532"),
        ("customer_retention_rate", "0.500000"),
    ]


# --- 5. late data for the closed period --------------------------------------------------------


def test_late_order_becomes_an_adjustment_in_the_next_open_period(walk: Walk) -> None:
    load_drop(walk.warehouse, walk.home / "late_landing", LATE_ORDER_DROP, LATE_ORDER_CSV)
    build(walk.warehouse, walk.home)
    assert validate_and_publish(walk.warehouse, "nightly-2") == 2
    # until the new publication is scanned, nothing may be exported
    code, out, _ = kpiwh(walk, "alerts", "holds", "--period", "2026-Q2")
    assert code == 1 and "publication 2 has not been scanned for anomalies" in out
    code, out, _ = kpiwh(walk, "alerts", "detect")
    assert code == 0 and "alerts on publication 2" in out
    code, out, _ = kpiwh(walk, "payroll", "periods", "--refresh")
    assert code == 0
    assert f"late data 2026-Q1 DS1: {LATE_ADJUSTMENT} in 2026-Q2" in out

    # the exported period's file and manifest are untouched
    data_path, manifest_path = walk.q1_files()
    assert (data_path.read_bytes(), manifest_path.read_bytes()) == walk.seen["q1_bytes"]
    # today's number for DS1 2026-Q1, hand-computed in the module docstring
    assert walk.rows(
        "select performance_pay_amount, tier_bonus_amount, payout_amount from "
        "published.fct_payouts where employee_id = 'DS1' and period = '2026-Q1'"
    ) == [(D("9242.46"), D("10000.00"), RECALCULATED_PAYOUT)]
    # exporting the closed period again is refused (numbers changed); redelivery is the same bytes
    code, _, err = kpiwh(walk, "payroll", "export", "--period", "2026-Q1", "--by", "payroll.wang")
    assert code == 2 and "today's total differs by 169.11" in err
    code, out, _ = kpiwh(
        walk, "payroll", "export", "--period", "2026-Q1", "--by", "payroll.wang", "--redeliver"
    )
    assert code == 0 and "unchanged" in out
    assert (data_path.read_bytes(), manifest_path.read_bytes()) == walk.seen["q1_bytes"]

    code, out, _ = kpiwh(walk, "payroll", "adjustments", "--period", "2026-Q2", "--json")
    (adjustment,) = json.loads(out)
    assert {k: adjustment[k] for k in (
        "adjustment_id", "kind", "employee_id", "payroll_id", "period", "source_period",
        "source_batch_id", "amount", "frozen_payout_amount", "recalculated_payout_amount",
        "status",
    )} == {
        "adjustment_id": "late:2026-Q1:DS1:2026-Q2",
        "kind": "late_data",
        "employee_id": "DS1",
        "payroll_id": "P-DS1",
        "period": "2026-Q2",
        "source_period": "2026-Q1",
        "source_batch_id": "PAY-2026-Q1",
        "amount": "169.11",
        "frozen_payout_amount": "19073.35",
        "recalculated_payout_amount": "19242.46",
        "status": "calculated",
    }  # fmt: skip
    assert D(adjustment["amount"]) == RECALCULATED_PAYOUT - EXPORTED_PAYOUT
    assert "source row(s) loaded after load" in adjustment["reason"]
    code, out, _ = kpiwh(walk, "payroll", "adjustments", "--period", "2026-Q2", "--sources")
    ((late_load,),) = walk.rows(
        "select load_id from meta.load_manifest where file_path = ?", [LATE_ORDER_DROP]
    )
    assert late_load > walk.seen["watermark"]
    source_lines = [line.split() for line in out.splitlines() if line.strip().startswith("←")]
    assert source_lines == [
        [
            "←",
            "intermediate.int_orders_unified",
            source_lines[0][2],
            "2026-03-20",
            "1000.00",
            f"{LATE_ORDER_DROP}:2",
            "(load",
            f"{late_load})",
        ]
    ]
    assert "O199" in source_lines[0][2]
    walk.seen["late_load"] = late_load


def test_trace_and_statement_keep_the_frozen_numbers(walk: Walk) -> None:
    late_load, watermark = walk.seen["late_load"], walk.seen["watermark"]
    code, out, _ = kpiwh(
        walk, "trace", "--employee", "DS1", "--period", "2026-03", "--kpi", "revenue", "--json"
    )
    assert code == 0
    trace = json.loads(out)
    assert trace["basis"]["kind"] == "frozen" and trace["basis"]["batch_id"] == "PAY-2026-Q1"
    assert (trace["value"], trace["reconciles"]) == ("6780.000000", True)
    assert [row["record_id"] for row in trace["rows"] if D(row["contribution"])] == ["O107"]
    live = trace["live"]
    assert live["value"] == "7780.000000"
    assert [
        (r["record_id"], r["contribution"], r["source_file_path"], r["source_line_number"],
         r["load_id"])
        for r in live["loaded_after_watermark"]
    ] == [("O199", "1000.000000", LATE_ORDER_DROP, 2, late_load)]  # fmt: skip
    code, out, _ = kpiwh(
        walk, "trace", "--employee", "DS1", "--period", "2026-03", "--kpi", "revenue"
    )
    assert code == 0
    assert "number: 6780" in out and "as exported in batch PAY-2026-Q1, publication 1" in out
    assert f"today's rows loaded after load {watermark}:" in out
    assert f"{LATE_ORDER_DROP}:2  load {late_load}" in out

    # the payout line: as exported by default, today's with --live; every live value reconciles
    payout_id = walk.seen["payout_id"]
    code, out, _ = kpiwh(walk, "trace", "--payout", payout_id)
    assert code == 0 and "as exported in batch PAY-2026-Q1" in out and "  payout 19073.35" in out
    code, out, _ = kpiwh(walk, "trace", "--payout", payout_id, "--live")
    assert code == 0 and "as published: publication 2" in out and "  payout 19242.46" in out
    assert "performance pay 9242.46 = base 8000 × weighted score 115.5307" in out
    code, out, _ = kpiwh(walk, "trace", "--verify")
    assert code == 0 and " KPI values traced, 0 do not reconcile" in out

    code, out, _ = kpiwh(walk, "statement", "--employee", "DS1", "--period", "2026-Q1", "--json")
    assert code == 0
    statement = json.loads(out)
    assert statement["status"] == "closed"
    assert statement["pay_lines"] == [["performance_pay", "9073.35"], ["tier_bonus", "10000.00"]]
    assert statement["total"] == "19073.35"
    assert [(k["kpi_code"], k["actual"]) for k in statement["scorecard"]] == [
        ("revenue", "14690.000000"),
        ("collection_rate", "0.751532"),
        ("customer_retention_rate", "0.500000"),
    ]
    assert statement["notes"] == [
        "recalculated since it was paid: 19,242.46 instead of 19,073.35; the difference is paid "
        "as a late-data adjustment in the next open period"
    ]
    code, out, _ = kpiwh(walk, "statement", "--employee", "DS1", "--period", "2026-Q1")
    assert (
        "| Performance pay 绩效工资 | 9,073.35 |" in out and "| **Total** | **19,073.35** |" in out
    )


def test_next_period_pays_the_adjustment(walk: Walk) -> None:
    code, out, _ = kpiwh(walk, "payroll", "approve", "--period", "2026-Q2", "--by", "finance.zhou")
    assert code == 0 and "2026-Q2 approved by finance.zhou: 1 lines, total 169.11" in out
    code, out, err = kpiwh(walk, "payroll", "export", "--period", "2026-Q2", "--by", "payroll.wang")
    assert (code, err) == (0, ""), err
    folder = walk.export_dir / "payroll" / "2026-Q2"
    assert (folder / "payouts_2026-Q2_PAY-2026-Q2.csv").read_bytes() == Q2_CSV
    manifest = json.loads((folder / "payouts_2026-Q2_PAY-2026-Q2.manifest.json").read_text())
    assert (manifest["row_count"], manifest["control_total"], manifest["publication_id"]) == (
        1,
        "169.11",
        2,
    )
    # the next night: the adjustment was paid, nothing is pending
    code, out, _ = kpiwh(walk, "payroll", "periods", "--refresh")
    assert code == 0 and "late data" not in out
    assert walk.rows("select adjustment_id, exported_batch_id from payroll.adjustments") == [
        ("late:2026-Q1:DS1:2026-Q2", "PAY-2026-Q2")
    ]


# --- 6. BI exports of the latest publication ---------------------------------------------------


def test_bi_export_carries_no_pay_and_the_published_kpis(walk: Walk) -> None:
    code, out, err = kpiwh(walk, "export-bi", "--no-postgres")
    assert (code, err) == (0, ""), err
    assert out.startswith("BI exports of publication 2 in ")
    assert "without pay (KPIWH_BI_INCLUDE_PAY=false): fct_payouts" in out
    bi = walk.export_dir / "bi"
    manifest = json.loads((bi / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["publication_id"] == 2 and manifest["includes_pay"] is False
    assert "fct_payouts" not in manifest["tables"]
    assert not (bi / "csv" / "fct_payouts.csv").exists()
    assert not (bi / "parquet" / "fct_payouts").exists()
    for entry in manifest["files"]:
        assert hashlib.sha256((bi / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]

    # no payroll id anywhere: not in a column, not in a CSV cell
    payroll_ids = {p for (p,) in walk.rows("select distinct payroll_id from published.fct_payouts")}
    assert "P-DS1" in payroll_ids
    for path in (bi / "csv").glob("*.csv"):
        text = path.read_text(encoding="utf-8-sig")
        header = next(csv.reader(io.StringIO(text)))
        assert "payroll_id" not in header, path.name
        assert not any(p in text for p in payroll_ids), path.name

    bi_con = duckdb.connect(str(bi / "sales_kpis.duckdb"), read_only=True)
    try:
        tables = {
            t
            for (t,) in bi_con.execute(
                "select table_name from information_schema.tables"
            ).fetchall()
        }
        pay_columns = bi_con.execute(
            "select table_name, column_name from information_schema.columns "
            "where column_name = 'payroll_id' or column_name like '%payout%'"
        ).fetchall()
        bi_columns = [
            c for (c,) in bi_con.execute(
                "select column_name from information_schema.columns "
                "where table_name = 'fct_kpi_values' order by ordinal_position"
            ).fetchall()
        ]  # fmt: skip
        bi_rows = bi_con.execute("select * from fct_kpi_values order by all").fetchall()
        publication = bi_con.execute("select publication_id, run_id from _publication").fetchall()
    finally:
        bi_con.close()
    assert "fct_payouts" not in tables and "fct_kpi_values" in tables
    assert pay_columns == []
    assert publication == [(2, "nightly-2")]
    con = walk.connect()
    try:
        published_columns = [
            c for (c,) in con.execute(
                "select column_name from information_schema.columns where table_schema = "
                "'published' and table_name = 'fct_kpi_values' order by ordinal_position"
            ).fetchall()
        ]  # fmt: skip
        published_rows = con.execute(
            "select * from published.fct_kpi_values order by all"
        ).fetchall()
    finally:
        con.close()
    assert bi_columns == published_columns
    assert len(bi_rows) == len(published_rows) > 0
    assert bi_rows == published_rows


# --- the seam the payroll tests' stand-in freeze could not see --------------------------------


def test_export_is_refused_when_the_build_moved_after_the_publication(
    walk: Walk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """2026-Q1 approved on publication 1; then O199 is loaded and dbt runs, but the run stops
    before validation (nothing published). The trace freeze finds the live trail no longer
    explains the published numbers: the export is refused (not a crash), nothing is frozen or
    written, the period stays approved."""
    copy = walk.home / "approved_copy.duckdb"
    export_dir = walk.home / "exports_of_the_copy"
    load_drop(copy, walk.home / "late_landing_copy", LATE_ORDER_DROP, LATE_ORDER_CSV)
    build(copy, walk.home / "copy_build", "run")
    monkeypatch.setenv("KPIWH_DUCKDB_PATH", str(copy))
    monkeypatch.setenv("KPIWH_EXPORT_DIR", str(export_dir))
    code, out, err = kpiwh(walk, "payroll", "export", "--period", "2026-Q1", "--by", "payroll.wang")
    assert (code, out) == (2, "")
    assert err.startswith("refused: cannot export 2026-Q1: nothing exported, the trace of its")
    assert "batch PAY-2026-Q1: " in err
    assert "frozen KPI values do not reconcile with their contributing rows" in err
    assert not export_dir.exists()
    con = duckdb.connect(str(copy), read_only=True)
    try:
        assert con.execute(
            "select status from payroll.periods where period = '2026-Q1'"
        ).fetchall() == [("approved",)]
        assert con.execute("select count(*) from payroll.batches").fetchone() == (0,)
    finally:
        con.close()


def test_the_latest_detection_decides_what_holds_even_within_one_second() -> None:
    """Two detections in a row (the nightly scan, then an operator's `kpiwh alerts detect` with
    other thresholds, as in step 2): the later one says which alerts are current, whatever the
    run ids. Stamped to the second, the tie was broken by run id, at random."""
    con = duckdb.connect()
    try:
        alert = AnomalyAlert(
            kind="payout_above_cap",
            holds_payroll=True,
            period_type="quarter",
            period="2026-Q1",
            employee_id="DS1",
            subject="p1",
            observed_value=D("19073.35"),
            reference_value=D("15000"),
            threshold=D("15000"),
            message="above the configured cap",
        )
        record_anomalies(con, [], "run-a")  # sorts first: loses a same-second tie by run id
        record_anomalies(con, [alert], "run-0")
        assert [a.alert_id for a in payroll_holds(con, "quarter", "2026-Q1")] == [alert.alert_id]
        record_anomalies(con, [], "run-0b")
        assert payroll_holds(con, "quarter", "2026-Q1") == []
    finally:
        con.close()
