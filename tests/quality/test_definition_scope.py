"""The nightly gate's definition checks look at what a night can have changed (quality/scope.py).

The mini company of tests/quality/company.py, with the marks a real warehouse carries: every
order and first-order row computed by the build the latest publication was made of (BUILT), the
roster and shop orders loaded in loads up to that publication's load watermark (PUBLISHED_LOAD).
A fault planted in a row of that build is outside a nightly gate's scope — the gate that
published it passed it — and inside it as soon as a later build recomputes the row, or a later
load changes what the row is checked against.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from quality.checks import QualityConfig, run_checks
from quality.core import CheckResult
from tests.quality.company import Table, Tables, definitions_company, load

BUILT = dt.datetime(2026, 12, 1, 1, 0, 0)
LATER_BUILD = dt.datetime(2026, 12, 2, 1, 0, 0)
PUBLISHED_LOAD = 10
NIGHTLY = QualityConfig(changed_rows_only=True)


def _with_column(table: Table, name: str, sql_type: str, value: object) -> Table:
    marked = Table((*table.columns, (name, sql_type)))
    for row in table.rows:
        marked.add(**row, **{name: value})
    return marked


def _published_company() -> Tables:
    tables = definitions_company()
    for relation in ("intermediate.int_orders_unified", "intermediate.int_customer_first_orders"):
        tables[relation] = _with_column(tables[relation], "computed_at", "timestamp", BUILT)
    for relation in ("staging.stg_hr__employees", "staging.stg_ecommerce__orders"):
        tables[relation] = _with_column(tables[relation], "load_id", "bigint", PUBLISHED_LOAD)
    publications = Table(
        (
            ("publication_id", "bigint"),
            ("run_id", "varchar"),
            ("load_watermark", "bigint"),
            ("computed_through", "timestamp"),
        )
    )
    publications.add(
        publication_id=1, run_id="run-1", load_watermark=PUBLISHED_LOAD, computed_through=BUILT
    )
    tables["meta.publications"] = publications
    manifest = Table(
        (
            ("load_id", "bigint"),
            ("source", "varchar"),
            ("entity", "varchar"),
            ("supersedes_load_id", "bigint"),
        )
    )
    manifest.add(load_id=PUBLISHED_LOAD, source="hr", entity="employees")
    tables["meta.load_manifest"] = manifest
    return tables


def _check(con: duckdb.DuckDBPyConnection, name: str, config: QualityConfig) -> CheckResult:
    return run_checks(con, names=[name], config=config).result(name)


def _miscredit(tables: Tables, computed_at: dt.datetime) -> None:
    """crm:O2 credited to a team E1 never held (the fault orders_credited_on_order_date finds)."""
    order = tables["intermediate.int_orders_unified"].row(order_key="crm:O2")
    order.update(team_id="T9", computed_at=computed_at)


def test_a_nightly_gate_on_an_unchanged_warehouse_passes_and_checks_the_same(con) -> None:
    load(con, _published_company())
    nightly = run_checks(con, ["definitions"], config=NIGHTLY)
    every_row = run_checks(con, ["definitions"])
    assert {r.name: r.status for r in nightly.results} == {
        r.name: r.status for r in every_row.results
    }
    assert nightly.passed


def test_a_fault_in_a_row_the_published_build_computed_is_left_to_the_gate_that_passed_it(
    con,
) -> None:
    tables = _published_company()
    _miscredit(tables, BUILT)
    load(con, tables)
    assert _check(con, "orders_credited_on_order_date", NIGHTLY).success
    # on demand, every row is checked
    assert not _check(con, "orders_credited_on_order_date", QualityConfig()).success


def test_a_row_recomputed_after_the_publication_is_checked(con) -> None:
    tables = _published_company()
    _miscredit(tables, LATER_BUILD)
    load(con, tables)
    result = _check(con, "orders_credited_on_order_date", NIGHTLY)
    assert not result.success
    assert [(r["order_key"], r["team_id"]) for r in result.failing_examples] == [("crm:O2", "T9")]


def test_old_orders_of_an_employee_whose_roster_rows_were_loaded_since_are_checked(con) -> None:
    """The roster change should have re-credited them: a row left as it was is a fault."""
    tables = _published_company()
    _miscredit(tables, BUILT)
    tables["staging.stg_hr__employees"].row(employee_id="E1", role="direct_sales")["load_id"] = (
        PUBLISHED_LOAD + 1
    )
    load(con, tables)
    result = _check(con, "orders_credited_on_order_date", NIGHTLY)
    assert [r["order_key"] for r in result.failing_examples] == ["crm:O2"]


def test_a_restated_roster_file_since_the_publication_checks_every_order(con) -> None:
    tables = _published_company()
    _miscredit(tables, BUILT)
    tables["meta.load_manifest"].add(
        load_id=PUBLISHED_LOAD + 1, source="hr", entity="employees", supersedes_load_id=3
    )
    load(con, tables)
    assert not _check(con, "orders_credited_on_order_date", NIGHTLY).success


def test_without_a_publication_that_recorded_its_build_every_row_is_checked(con) -> None:
    tables = _published_company()
    _miscredit(tables, BUILT)
    tables["meta.publications"].rows[0]["computed_through"] = None
    load(con, tables)
    assert not _check(con, "orders_credited_on_order_date", NIGHTLY).success


def test_a_first_order_that_moved_to_another_customer_is_checked_for_both(con) -> None:
    """crm:O1 (C1's first order) is recomputed for customer C2, but first orders were left as
    they were: C1's row points at another customer's order, and C2 has an earlier valid order
    than its first. Neither first-order row was recomputed; the moved order brings both in."""
    tables = _published_company()
    tables["intermediate.int_orders_unified"].row(order_key="crm:O1").update(
        customer_id="C2", computed_at=LATER_BUILD
    )
    load(con, tables)
    result = _check(con, "new_customer_first_order_is_earliest", NIGHTLY)
    assert [(r["problem"], r["customer_id"]) for r in result.failing_examples] == [
        ("an earlier valid order exists", "C2"),
        ("first order belongs to another customer", "C1"),
    ]
    assert (
        result.failing_examples
        == _check(con, "new_customer_first_order_is_earliest", QualityConfig()).failing_examples
    )


def test_a_first_order_row_written_since_is_checked(con) -> None:
    """C3's first-order row, recomputed, names its second shop order: an earlier one exists."""
    tables = _published_company()
    tables["intermediate.int_customer_first_orders"].row(customer_id="C3").update(
        first_order_key="ecommerce:S2",
        first_order_date=dt.date(2026, 3, 2),
        computed_at=LATER_BUILD,
    )
    load(con, tables)
    result = _check(con, "new_customer_first_order_is_earliest", NIGHTLY)
    assert [(r["problem"], r["customer_id"]) for r in result.failing_examples] == [
        ("an earlier valid order exists", "C3")
    ]
    assert _check(con, "customer_new_once", NIGHTLY).success


@pytest.mark.parametrize("computed_at", [BUILT, LATER_BUILD])
def test_a_second_first_order_row_is_found_when_written_since(con, computed_at) -> None:
    tables = _published_company()
    tables["intermediate.int_customer_first_orders"].add(
        customer_id="C1",
        first_order_key="crm:O2",
        first_order_date=dt.date(2026, 2, 5),
        employee_id="E1",
        role="direct_sales",
        team_id="T1",
        computed_at=computed_at,
    )
    load(con, tables)
    assert _check(con, "customer_new_once", NIGHTLY).success == (computed_at == BUILT)


def test_a_shop_order_loaded_since_puts_its_customers_first_order_in_scope(con) -> None:
    """S1 (C3's first order) is unpaid in a later load of staging; int_orders_unified still says
    valid: the model missed the change, and the gate sees it through the load."""
    tables = _published_company()
    tables["staging.stg_ecommerce__orders"].row(order_id="S1").update(
        paid_at=None, load_id=PUBLISHED_LOAD + 1
    )
    load(con, tables)
    result = _check(con, "new_customer_first_order_valid", NIGHTLY)
    assert [(r["customer_id"], r["problem"]) for r in result.failing_examples] == [
        ("C3", "shop order never paid")
    ]


def test_a_publication_made_before_builds_were_recorded_means_every_row(con) -> None:
    """An older warehouse: meta.publications has no computed_through column yet."""
    tables = _published_company()
    _miscredit(tables, BUILT)
    old = Table(tuple(c for c in tables["meta.publications"].columns if c[0] != "computed_through"))
    old.add(publication_id=1, run_id="run-1", load_watermark=PUBLISHED_LOAD)
    tables["meta.publications"] = old
    load(con, tables)
    report = run_checks(con, ["definitions"], config=NIGHTLY)
    assert [r.observed for r in report.results if r.observed.startswith("check query")] == []
    assert not report.result("orders_credited_on_order_date").success
