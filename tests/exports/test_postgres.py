"""PostgreSQL publication, against a real server (tests/exports/conftest.py starts one)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import psycopg
import pytest

from exports import postgres
from exports.column_docs import TableDoc
from exports.postgres import PostgresPublicationError, postgres_type, publish_to_postgres
from ingestion.warehouse import connect
from tests.exports.conftest import create_marts, publish


def _publish_pg(published_warehouse: Path, dsn: str, **kwargs):
    con = connect(published_warehouse, read_only=True)
    try:
        return publish_to_postgres(con, dsn, **kwargs)
    finally:
        con.close()


def _pg_rows(dsn: str, query: str, params: list | None = None) -> list[tuple]:
    with psycopg.connect(dsn) as pg:
        return pg.execute(query, params).fetchall()


def _duck_rows(published_warehouse: Path, table: str) -> list[tuple]:
    con = duckdb.connect(str(published_warehouse), read_only=True)
    try:
        return con.execute(f"select * from published.{table} order by all").fetchall()
    finally:
        con.close()


def _republish_version_2(published_warehouse: Path) -> None:
    con = duckdb.connect(str(published_warehouse))
    try:
        create_marts(con, version=2)
        assert publish(con, "run-2") == 2
    finally:
        con.close()


@pytest.mark.parametrize(
    ("duckdb_type", "expected"),
    [
        ("DECIMAL(18,2)", "numeric(18,2)"),
        ("DECIMAL(38,14)", "numeric(38,14)"),
        ("VARCHAR", "text"),
        ("BOOLEAN", "boolean"),
        ("INTEGER", "integer"),
        ("BIGINT", "bigint"),
        ("HUGEINT", "numeric(39,0)"),
        ("DOUBLE", "double precision"),
        ("DATE", "date"),
        ("TIMESTAMP", "timestamp"),
        ("TIMESTAMP WITH TIME ZONE", "timestamptz"),
    ],
)
def test_duckdb_types_map_to_exact_postgres_types(duckdb_type: str, expected: str) -> None:
    assert postgres_type(duckdb_type) == expected


def test_a_type_without_an_exact_counterpart_is_refused() -> None:
    with pytest.raises(PostgresPublicationError, match=r"INTEGER\[\] has no exact"):
        postgres_type("INTEGER[]")


def test_the_publication_arrives_with_exact_types_values_and_comments(
    published_warehouse, postgres_dsn
):
    docs = {"fct_kpi_values": TableDoc("Every KPI value.", {"note": "备注, free text"})}
    result = _publish_pg(published_warehouse, postgres_dsn, column_docs=docs)
    assert (result.publication_id, result.schema) == (1, "published")
    assert result.row_counts == {"dim_kpis": 3, "fct_kpi_values": 4}

    assert _pg_rows(
        postgres_dsn,
        "select table_name from information_schema.tables where table_schema = 'published' "
        "order by 1",
    ) == [("_publication",), ("dim_kpis",), ("fct_kpi_values",)]  # no fct_payouts by default
    types = dict(
        _pg_rows(
            postgres_dsn,
            "select column_name, format_type(atttypid, atttypmod) from information_schema.columns c "
            "join pg_attribute a on a.attrelid = 'published.fct_kpi_values'::regclass "
            "and a.attname = c.column_name "
            "where table_schema = 'published' and table_name = 'fct_kpi_values'",
        )
    )
    assert types == {
        "entity_id": "text",
        "role": "text",
        "period_type": "text",
        "period": "text",
        "kpi_code": "text",
        "numerator": "numeric(38,6)",
        "value": "numeric(38,6)",
        "note": "text",
        "is_ratio": "boolean",
        "calculated_at": "timestamp without time zone",
        "period_start_date": "date",
    }
    assert _pg_rows(
        postgres_dsn, "select * from published.fct_kpi_values order by 1, 2, 3, 4"
    ) == _duck_rows(published_warehouse, "fct_kpi_values")
    assert _pg_rows(
        postgres_dsn,
        "select numerator, note, calculated_at from published.fct_kpi_values order by numerator",
    ) == [
        (Decimal("-20.250000"), '=HYPERLINK("http://evil.example","点我")', dt.datetime(2026, 3, 1, 2)),
        (Decimal("3.000000"), None, dt.datetime(2026, 4, 1, 2)),
        (Decimal("1234.500000"), "张三 销售", dt.datetime(2026, 2, 1, 2)),
        (Decimal("99999999.990000"), 'quote " and\nnewline', None),
    ]  # fmt: skip
    assert _pg_rows(
        postgres_dsn,
        "select obj_description('published.fct_kpi_values'::regclass), "
        "col_description('published.fct_kpi_values'::regclass, 8)",
    ) == [("Every KPI value.", "备注, free text")]
    assert _pg_rows(
        postgres_dsn,
        "select publication_id, run_id, includes_pay, excluded_tables from published._publication",
    ) == [(1, "run-1", False, ["fct_payouts"])]


def test_empty_text_and_null_stay_distinct(tmp_path, postgres_dsn) -> None:
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema meta; create schema marts")
    con.execute(
        "create table marts.t as select * from (values (1, ''), (2, null), (3, ' x ')) v(k, s)"
    )
    publish(con, "run-1")
    con.close()
    _publish_pg(path, postgres_dsn)
    assert _pg_rows(postgres_dsn, "select k, s from published.t order by k") == [
        (1, ""),
        (2, None),
        (3, " x "),
    ]


def test_a_second_publication_replaces_the_first_exactly(published_warehouse, postgres_dsn) -> None:
    _publish_pg(published_warehouse, postgres_dsn)
    _republish_version_2(published_warehouse)
    result = _publish_pg(published_warehouse, postgres_dsn)
    assert result.publication_id == 2
    for table in ("fct_kpi_values", "dim_kpis"):
        assert _pg_rows(
            postgres_dsn, f"select * from published.{table} order by 1, 2, 3, 4"
        ) == _duck_rows(published_warehouse, table)
    assert _pg_rows(postgres_dsn, "select count(*) from published.fct_kpi_values") == [(3,)]
    assert _pg_rows(
        postgres_dsn,
        "select numerator from published.fct_kpi_values where period = '2026-01'",
    ) == [(Decimal("1300.000000"),)]
    assert _pg_rows(postgres_dsn, "select publication_id, run_id from published._publication") == [
        (2, "run-2")
    ]
    assert _pg_rows(
        postgres_dsn,
        "select nspname from pg_namespace where nspname like 'published%' order by 1",
    ) == [("published",)]


def test_a_failure_mid_load_leaves_the_previous_publication_intact(
    published_warehouse, postgres_dsn, monkeypatch
) -> None:
    _publish_pg(published_warehouse, postgres_dsn)
    before = _pg_rows(postgres_dsn, "select * from published.fct_kpi_values order by 1, 2, 3, 4")
    _republish_version_2(published_warehouse)

    real_copy = postgres._copy_table
    copied: list[str] = []

    def copy_then_fail(con, cur, schema, table, scratch):
        real_copy(con, cur, schema, table, scratch)
        copied.append(table.name)
        if len(copied) == 2:
            raise RuntimeError("connection lost mid-load")

    monkeypatch.setattr(postgres, "_copy_table", copy_then_fail)
    with pytest.raises(RuntimeError, match="connection lost mid-load"):
        _publish_pg(published_warehouse, postgres_dsn)
    assert copied == ["dim_kpis", "fct_kpi_values"]  # both tables were loaded before the failure

    assert (
        _pg_rows(postgres_dsn, "select * from published.fct_kpi_values order by 1, 2, 3, 4")
        == before
    )
    assert _pg_rows(postgres_dsn, "select publication_id from published._publication") == [(1,)]
    assert _pg_rows(
        postgres_dsn, "select count(*) from pg_namespace where nspname = 'published__new'"
    ) == [(0,)]


def test_pay_reaches_postgres_only_when_configured(published_warehouse, postgres_dsn) -> None:
    _publish_pg(published_warehouse, postgres_dsn, include_pay=True)
    assert _pg_rows(
        postgres_dsn, "select employee_id, payroll_id, payout_amount from published.fct_payouts"
    ) == [("E1", "P-001", Decimal("10050.00"))]
    _publish_pg(published_warehouse, postgres_dsn)
    assert _pg_rows(postgres_dsn, "select to_regclass('published.fct_payouts') is null") == [
        (True,)
    ]


def test_readers_keep_their_access_across_publications(published_warehouse, postgres_dsn) -> None:
    _publish_pg(published_warehouse, postgres_dsn)
    with psycopg.connect(postgres_dsn, autocommit=True) as pg:
        pg.execute("drop role if exists bi_reader")
        pg.execute("create role bi_reader")
        pg.execute("grant usage on schema published to bi_reader")
        pg.execute("grant select on all tables in schema published to bi_reader")
    try:
        _republish_version_2(published_warehouse)
        _publish_pg(published_warehouse, postgres_dsn)
        with psycopg.connect(postgres_dsn) as pg:
            pg.execute("set role bi_reader")
            assert pg.execute("select count(*) from published.fct_kpi_values").fetchone() == (3,)
    finally:
        with psycopg.connect(postgres_dsn, autocommit=True) as pg:
            pg.execute("drop owned by bi_reader")
            pg.execute("drop role bi_reader")


def test_a_view_on_the_published_tables_is_never_dropped_silently(
    published_warehouse, postgres_dsn
):
    _publish_pg(published_warehouse, postgres_dsn)
    with psycopg.connect(postgres_dsn, autocommit=True) as pg:
        pg.execute("create view public.revenue as select * from published.fct_kpi_values")
    _republish_version_2(published_warehouse)
    with pytest.raises(PostgresPublicationError, match="view revenue depends on table"):
        _publish_pg(published_warehouse, postgres_dsn)
    assert _pg_rows(postgres_dsn, "select count(*) from public.revenue") == [(4,)]
    assert _pg_rows(postgres_dsn, "select publication_id from published._publication") == [(1,)]


def test_missing_postgres_skips_locally_and_fails_in_ci(monkeypatch) -> None:
    from tests.exports.conftest import _unavailable

    monkeypatch.delenv("KPIWH_REQUIRE_POSTGRES", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"no PostgreSQL server .*: no initdb"):
        _unavailable("no initdb")
    monkeypatch.setenv("KPIWH_REQUIRE_POSTGRES", "1")
    with pytest.raises(pytest.fail.Exception, match=r"PostgreSQL required .* but no initdb"):
        _unavailable("no initdb")
