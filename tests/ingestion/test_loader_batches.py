"""Files of one entity and header are read in one scan: per-file semantics must not change.

Every test loads the same landing twice — in batches, and one file per batch — and expects the
same raw rows, quarantine rows, manifest rows and outcomes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from ingestion import loader
from ingestion.loader import LoadReport, load_landing
from ingestion.warehouse import ensure_schema
from tests.ingestion.conftest import RECEIPTS_HEADER

GOOD = "R{n},I1,2026-03-0{d}T10:00:00,{n}.00,bank,2026-03-0{d}T10:00:00\n"


def _snapshot(con: duckdb.DuckDBPyConnection, report: LoadReport) -> tuple:
    raw = con.execute(
        "select receipt_id, invoice_id, received_at, amount, method, _extract_date, _file_path, "
        "_line_number, _load_id, _extra_columns from raw.finance__receipts "
        "order by _load_id, _line_number"
    ).fetchall()
    quarantine = con.execute(
        "select load_id, file_path, line_number, raw_text, reason from meta.quarantine "
        "order by load_id, line_number, reason"
    ).fetchall()
    manifest = con.execute(
        "select load_id, file_path, encoding, status, reason, rows_read, rows_loaded, "
        "rows_quarantined, extra_columns, supersedes_load_id from meta.load_manifest "
        "order by load_id"
    ).fetchall()
    outcomes = [
        (f.file_path, f.status, f.reason, f.load_id, f.rows_read, f.rows_loaded)
        for f in report.files
    ]
    return raw, quarantine, manifest, outcomes


def _load_both_ways(landing: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[tuple, tuple]:
    results = []
    for max_files in (loader.BATCH_MAX_FILES, 1):
        monkeypatch.setattr(loader, "BATCH_MAX_FILES", max_files)
        con = duckdb.connect()
        ensure_schema(con)
        report = load_landing(con, landing)
        results.append(_snapshot(con, report))
        con.close()
    return results[0], results[1]


def test_line_numbers_and_quarantine_stay_per_file_in_a_batch(
    drop: Callable[..., Path], landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drop("finance", "2026-03-01", "receipts", RECEIPTS_HEADER + GOOD.format(n=1, d=1) * 3)
    drop(
        "finance",
        "2026-03-02",
        "receipts",
        RECEIPTS_HEADER
        + 'R4,I1,2026-03-02T10:00:00,1.00,"multi\nline ""note""",2026-03-02T10:00:00\n'
        + "R5,I1,2026-03-02T10:00:00,1.001,bank,2026-03-02T10:00:00\n"
        + "R6,I1,2026-03-02\n"
        + GOOD.format(n=7, d=2),
    )
    drop("finance", "2026-03-03", "receipts", RECEIPTS_HEADER)
    drop(
        "finance",
        "2026-03-04",
        "receipts",
        RECEIPTS_HEADER
        + "R8,I1,x,1.00,bank,2026-03-04T10:00:00\n"
        + GOOD.format(n=9, d=4)
        + "R10,I1,2026-03-04T10:00:00,1.00,bank,2026-03-04T10:00:00,extra\n",
    )
    batched, alone = _load_both_ways(landing, monkeypatch)
    assert batched == alone
    raw, quarantine, manifest, _ = batched
    assert [(r[0], r[6].split("/")[1], r[7]) for r in raw] == [
        ("R1", "2026-03-01", 2),
        ("R1", "2026-03-01", 3),
        ("R1", "2026-03-01", 4),
        ("R4", "2026-03-02", 2),
        ("R7", "2026-03-02", 6),
        ("R9", "2026-03-04", 3),
    ]
    assert [(q[1].split("/")[1], q[2], q[4].split(":")[0]) for q in quarantine] == [
        ("2026-03-02", 4, "amount"),
        ("2026-03-02", 5, "missing columns"),
        ("2026-03-04", 2, "received_at"),
        ("2026-03-04", 4, "too many columns"),
    ]
    assert [m[3:8] for m in manifest] == [
        ("loaded", None, 3, 3, 0),
        ("loaded", None, 4, 2, 2),
        ("loaded", None, 0, 0, 0),
        ("loaded", None, 3, 1, 2),
    ]


def test_a_broken_file_is_rejected_alone_and_its_batch_loads(
    drop: Callable[..., Path], landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drop("finance", "2026-03-01", "receipts", RECEIPTS_HEADER + GOOD.format(n=1, d=1))
    drop("finance", "2026-03-02", "receipts", RECEIPTS_HEADER + 'R2,I1,2026-03-02,"1.00,bank\n')
    drop("finance", "2026-03-03", "receipts", RECEIPTS_HEADER + GOOD.format(n=3, d=3))
    drop(
        "finance",
        "2026-03-04",
        "receipts",
        RECEIPTS_HEADER + "R4,I1,2026-03-04T10:00:00,5.00,现金,2026-03-04T10:00:00\n",
        encoding="gb18030",
    )
    drop("finance", "2026-03-05", "receipts", RECEIPTS_HEADER + "R5,I1,2026-03-0")
    batched, alone = _load_both_ways(landing, monkeypatch)
    assert batched == alone
    raw, _, manifest, outcomes = batched
    assert [r[0] for r in raw] == ["R1", "R3", "R4"]
    assert [(m[0], m[1].split("/")[1], m[2], m[3]) for m in manifest] == [
        (1, "2026-03-01", "utf-8", "loaded"),
        (2, "2026-03-02", "utf-8", "rejected"),
        (3, "2026-03-03", "utf-8", "loaded"),
        (4, "2026-03-04", "gb18030", "loaded"),
        (5, "2026-03-05", "utf-8", "rejected"),
    ]
    assert manifest[1][4].startswith("unreadable CSV at record 2")
    assert [o[3] for o in outcomes] == [1, 2, 3, 4, 5]


def test_headers_in_other_orders_load_in_batches_of_their_own(
    drop: Callable[..., Path], landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reordered = "updated_at,method,amount,received_at,invoice_id,receipt_id\n"
    drop("finance", "2026-03-01", "receipts", RECEIPTS_HEADER + GOOD.format(n=1, d=1))
    drop(
        "finance",
        "2026-03-02",
        "receipts",
        reordered + "2026-03-02T10:00:00,cash,2.00,2026-03-02T10:00:00,I1,R2\n",
    )
    drop("finance", "2026-03-03", "receipts", RECEIPTS_HEADER + GOOD.format(n=3, d=3))
    drop(
        "finance",
        "2026-03-04",
        "receipts",
        "\ufeff" + RECEIPTS_HEADER.rstrip("\n") + ",note\n" + GOOD.format(n=4, d=4)[:-1] + ",x\n",
    )
    batched, alone = _load_both_ways(landing, monkeypatch)
    assert batched == alone
    raw = batched[0]
    assert [(r[0], str(r[3]), r[4], r[9]) for r in raw] == [
        ("R1", "1.00", "bank", None),
        ("R2", "2.00", "cash", None),
        ("R3", "3.00", "bank", None),
        ("R4", "4.00", "bank", '{"note":"x"}'),
    ]


def test_batches_are_bounded_in_bytes(
    drop: Callable[..., Path], landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for day in range(1, 10):
        drop("finance", f"2026-03-0{day}", "receipts", RECEIPTS_HEADER + GOOD.format(n=day, d=day))
    scans: list[int] = []
    read = loader._read_csv_as_text

    def counting(con: duckdb.DuckDBPyConnection, paths: list[Path], columns: str) -> None:
        scans.append(len(paths))
        read(con, paths, columns)

    monkeypatch.setattr(loader, "_read_csv_as_text", counting)
    monkeypatch.setattr(loader, "BATCH_MAX_BYTES", 250)
    con = duckdb.connect()
    ensure_schema(con)
    report = load_landing(con, landing)
    assert report.summary()["loaded"] == 9
    assert len(scans) > 1 and sum(scans) == 9 and max(scans) > 1


def test_files_are_inspected_on_duckdbs_threads_with_the_serial_outcome(
    drop: Callable[..., Path], landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bytes of changed files are read on a thread pool as large as DuckDB's thread budget;
    every file gets the facts a serial inspection gives, and unchanged files are not read."""
    for d in range(1, 7):
        drop("finance", f"2026-03-0{d}", "receipts", RECEIPTS_HEADER + GOOD.format(n=d, d=d))
    inspected_on: dict[str, str] = {}
    serial = loader.inspect_file

    def recording(path: Path) -> loader.FileFacts:
        inspected_on[path.parent.name] = threading.current_thread().name
        return serial(path)

    monkeypatch.setattr(loader, "inspect_file", recording)
    con = duckdb.connect(config={"threads": 2})
    ensure_schema(con)
    first = load_landing(con, landing)
    assert [f.status for f in first.files] == ["loaded"] * 6
    assert sorted(inspected_on) == [f"2026-03-0{d}" for d in range(1, 7)]
    assert all(name.startswith("kpiwh-inspect") for name in inspected_on.values())
    recorded = con.execute(
        "select file_path, file_sha256, file_size_bytes from meta.load_manifest order by load_id"
    ).fetchall()
    expected = []
    for d in range(1, 7):
        facts = serial(landing / "finance" / f"2026-03-0{d}" / "receipts.csv")
        expected.append((f"finance/2026-03-0{d}/receipts.csv", facts.sha256, facts.size_bytes))
    assert recorded == expected

    inspected_on.clear()
    drop("finance", "2026-03-07", "receipts", RECEIPTS_HEADER + GOOD.format(n=7, d=7))
    second = load_landing(con, landing)
    assert [f.status for f in second.files] == ["unchanged"] * 6 + ["loaded"]
    assert list(inspected_on) == ["2026-03-07"]
    con.close()
