"""Write–audit–publish: only a run whose quality gate passed replaces the published marts."""

import datetime as dt

import duckdb
import pytest

from exports.publication import GateFailed, blocking_failures, latest_publication, publish_marts
from quality.history import ensure_history_table
from quality.scope import published_computed_through


def _history(con: duckdb.DuckDBPyConnection, run_id: str, rows: list[tuple[str, str, bool]]):
    for name, severity, success in rows:
        con.execute(
            "insert into meta.validation_history (run_id, check_name, layer, severity, success, "
            "status, observed, failing_count, failing_examples, description, validated_at) "
            "values (?, ?, 'marts', ?, ?, ?, 'x', ?, '[]', '', now())",
            [
                run_id,
                name,
                severity,
                success,
                "passed" if success else "failed",
                0 if success else 1,
            ],
        )


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create schema meta; create schema marts")
    ensure_history_table(con)
    con.execute("create table marts.fct_a as select 1 as v")
    con.execute("create table marts.fct_b as select 'x' as w")
    return con


def test_a_passed_gate_publishes_every_mart_and_records_it(con) -> None:
    _history(con, "run-1", [("c1", "error", True), ("c2", "warning", False)])
    publication = publish_marts(con, run_id="run-1")
    assert publication.row_counts == {"fct_a": 1, "fct_b": 1}
    assert con.execute("select v from published.fct_a").fetchall() == [(1,)]
    assert con.execute("select run_id from meta.publications").fetchall() == [("run-1",)]


def test_a_failed_error_check_publishes_nothing_and_keeps_the_last_publication(con) -> None:
    _history(con, "run-1", [("c1", "error", True)])
    publish_marts(con, run_id="run-1")
    con.execute("create or replace table marts.fct_a as select 2 as v")
    _history(con, "run-2", [("c1", "error", False), ("c2", "warning", True)])
    assert blocking_failures(con, "run-2") == [("c1", "x")]
    with pytest.raises(GateFailed, match="c1: x"):
        publish_marts(con, run_id="run-2")
    assert con.execute("select v from published.fct_a").fetchall() == [(1,)]
    assert con.execute("select count(*) from meta.publications").fetchone() == (1,)


def test_a_run_without_validation_is_refused(con) -> None:
    with pytest.raises(GateFailed, match="no validation recorded for run run-9"):
        publish_marts(con, run_id="run-9")
    schemas = {
        s for (s,) in con.execute("select schema_name from information_schema.schemata").fetchall()
    }
    assert "published" not in schemas


def test_a_mart_dropped_from_the_project_leaves_the_publication(con) -> None:
    _history(con, "run-1", [("c1", "error", True)])
    publish_marts(con, run_id="run-1")
    con.execute("drop table marts.fct_b")
    _history(con, "run-2", [("c1", "error", True)])
    publish_marts(con, run_id="run-2")
    tables = con.execute(
        "select table_name from information_schema.tables where table_schema = 'published'"
    ).fetchall()
    assert tables == [("fct_a",)]


def test_a_publication_records_the_highest_load_it_includes(con) -> None:
    con.execute("create table meta.load_manifest (load_id bigint, status varchar)")
    con.execute(
        "insert into meta.load_manifest values (1, 'loaded'), (7, 'rejected'), (4, 'loaded')"
    )
    _history(con, "run-1", [("c1", "error", True)])
    assert publish_marts(con, run_id="run-1").load_watermark == 7
    assert con.execute("select load_watermark from meta.publications").fetchall() == [(7,)]


def test_a_publication_records_the_latest_build_of_the_rows_its_gate_passed(con) -> None:
    """The next nightly gate re-checks the rows computed after it (quality/scope.py)."""
    con.execute("create schema intermediate")
    con.execute(
        "create table intermediate.int_orders_unified as select * from (values "
        "('crm:O1', timestamp '2026-12-01 01:00:00'), ('crm:O2', timestamp '2026-12-02 01:00:00')"
        ") as t (order_key, computed_at)"
    )
    con.execute(
        "create table intermediate.int_customer_first_orders as select * from (values "
        "('C1', timestamp '2026-12-02 01:00:00.5')) as t (customer_id, computed_at)"
    )
    _history(con, "run-1", [("c1", "error", True)])
    published = publish_marts(con, run_id="run-1")
    latest = dt.datetime(2026, 12, 2, 1, 0, 0, 500000)
    assert published.computed_through == latest
    assert latest_publication(con).computed_through == latest
    assert published_computed_through(con) == latest


def test_a_publication_without_marked_models_records_no_build(con) -> None:
    _history(con, "run-1", [("c1", "error", True)])
    assert publish_marts(con, run_id="run-1").computed_through is None
    assert published_computed_through(con) is None
