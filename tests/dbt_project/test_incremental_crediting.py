"""The credited intermediate models, run incrementally, give exactly what a full rebuild gives.

The tiny sample company is loaded by the real loader in three nights; after each night the models
up to `fct_kpi_values` run (incrementally from the second night on) and are compared row by row
with a `--full-refresh` build of a copy of the same warehouse. The second night brings the
remaining drops plus a change of every kind an order, receipt or activity is credited from:

- a restated CRM orders file of the first night (one order gone for good, one falling back to its
  older version, one changed);
- a roster change: a sales rep moved to another team from the start of their assignment, which
  re-credits their old orders, receipts and activities;
- a store handed to another operator from a date before the split, which re-credits the store's
  old orders (and their receipts);
- a shop customer whose phone changed, which moves their old orders to another unified customer;
- an old invoice turned void, whose receipts leave `int_receipts_credited`.

The third night restates the second night's roster file without the move: the rep's assignment
falls back to its older version, whose load is older than the models' rows, so only the
"restated input: recompute everything" rule can see it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from sample_company import generate
from tests.dbt_project.conftest import invoke_dbt
from tests.dbt_project.test_incremental_staging import (
    Restatement,
    _choose_restatement,
    _compare,
    _deliver,
    _load,
    _read,
    _restate,
    _rows,
    _write,
)

SPLIT_DATE = "2026-10-20"
LAST_NIGHT = "2026-10-31"
CHANGED_AT = f"{LAST_NIGHT}T09:00:00"
HANDED_OVER_AT = "2026-10-06T00:00:00"
MOVED_TEAM = "T-MOVED"
NEW_PHONE = "13900000001"
COMPARED = (
    "intermediate.int_orders_unified",
    "intermediate.int_customer_first_orders",
    "intermediate.int_receipts_credited",
    "intermediate.int_activities_credited",
    "marts.fct_kpi_values",
)
CREDITED = {
    "int_orders_unified": "orders_to_recompute",
    "int_receipts_credited": "receipts_to_recompute",
    "int_activities_credited": "activities_to_recompute",
    "int_customer_first_orders": "customers_to_recompute",
}


@dataclass(frozen=True)
class Changes:
    restatement: Restatement
    moved_rep: str
    original_team: str
    store: str
    new_operator: str
    customer: str
    voided_invoice: str


@dataclass(frozen=True)
class Night:
    incremental: Path  # copy of the warehouse after the night's incremental run
    full: Path  # the same warehouse rebuilt with --full-refresh
    run_dir: Path


@dataclass(frozen=True)
class Nights:
    changes: Changes
    second: Night
    third: Night


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    row = con.execute(sql).fetchone()
    assert row is not None, sql
    return row


def _append(path: Path, values: dict[str, str]) -> None:
    header, rows = _read(path)
    _write(path, header, [*rows, [values.get(column, "") for column in header]])


def _row_of(landing: Path, pattern: str, key: str, value: str) -> dict[str, str]:
    """The newest delivered row of a record (files in date order; later rows win)."""
    found: dict[str, str] | None = None
    for path in sorted(landing.glob(pattern)):
        header, rows = _read(path)
        for row in rows:
            if row[header.index(key)] == value:
                found = dict(zip(header, row, strict=True))
    assert found is not None, (pattern, value)
    return found


def _choose_changes(warehouse: Path, landing: Path, restatement: Restatement) -> Changes:
    """Records of the first night whose change moves real rows (checked in the first build)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rep, team = _one(
            con,
            """
            select orders.employee_id, orders.team_id
            from intermediate.int_orders_unified as orders
            inner join intermediate.int_receipts_credited as receipts
                on orders.order_key = receipts.order_key
            where orders.source_system = 'crm' and orders.role = 'direct_sales'
                and orders.employee_id in (
                    select employee_id from staging.stg_hr__employees
                    group by employee_id
                    having count(*) = 1
                )
            group by 1, 2
            order by count(*) desc, 1
            limit 1
            """,
        )
        store, operator = _one(
            con,
            f"""
            select orders.store_id, max(orders.employee_id)
            from intermediate.int_orders_unified as orders
            where orders.source_system = 'ecommerce'
                and orders.ordered_at >= timestamp '{HANDED_OVER_AT.replace("T", " ")}'
                and orders.store_id in (
                    select store_id from staging.stg_ecommerce__store_versions
                    group by store_id
                    having max(updated_at) < timestamp '{HANDED_OVER_AT.replace("T", " ")}'
                )
            group by 1
            order by count(*) desc, 1
            limit 1
            """,
        )
        (new_operator,) = _one(
            con,
            f"""
            select employee_id from intermediate.int_employee_assignments
            where role = 'ecommerce' and employee_id <> '{operator}'
            order by employee_id
            limit 1
            """,
        )
        (customer,) = _one(
            con,
            """
            select orders.source_customer_id
            from intermediate.int_orders_unified as orders
            inner join staging.stg_ecommerce__customers as customers
                on orders.source_customer_id = customers.customer_id
            where orders.customer_source = 'ecommerce'
                and nullif(trim(customers.unified_credit_code), '') is null
            group by 1
            order by count(*) desc, 1
            limit 1
            """,
        )
        (invoice,) = _one(
            con,
            f"""
            select receipts.invoice_id
            from intermediate.int_receipts_credited as receipts
            where receipts.employee_id <> '{rep}'
            group by 1
            order by count(*) desc, 1
            limit 1
            """,
        )
    finally:
        con.close()
    return Changes(restatement, rep, team, store, new_operator, customer, invoice)


def _apply_changes(landing: Path, changes: Changes) -> None:
    _restate(landing, changes.restatement)
    rep = _row_of(landing, "hr/*/employees.csv", "employee_id", changes.moved_rep)
    _append(
        landing / f"hr/{LAST_NIGHT}/employees.csv",
        {**rep, "team_id": MOVED_TEAM, "updated_at": CHANGED_AT},
    )
    store = _row_of(landing, "ecommerce/*/stores.csv", "store_id", changes.store)
    _append(
        landing / f"ecommerce/{LAST_NIGHT}/stores.csv",
        {**store, "operator_id": changes.new_operator, "updated_at": HANDED_OVER_AT},
    )
    customer = _row_of(landing, "ecommerce/*/customers.csv", "customer_id", changes.customer)
    _append(
        landing / f"ecommerce/{LAST_NIGHT}/customers.csv",
        {**customer, "phone": NEW_PHONE, "email": "", "updated_at": CHANGED_AT},
    )
    invoice = _row_of(landing, "finance/*/invoices.csv", "invoice_id", changes.voided_invoice)
    _append(
        landing / f"finance/{LAST_NIGHT}/invoices.csv",
        {**invoice, "status": "void", "updated_at": CHANGED_AT},
    )


def _undo_move(landing: Path, changes: Changes) -> None:
    """Restate the last roster file without the rep's move."""
    path = landing / f"hr/{LAST_NIGHT}/employees.csv"
    header, rows = _read(path)
    kept = [r for r in rows if r[header.index("team_id")] != MOVED_TEAM]
    assert len(kept) == len(rows) - 1
    _write(path, header, kept)


def _dbt(warehouse: Path, work_dir: Path, *extra: str) -> None:
    result = invoke_dbt(
        ["run", "--select", "+fct_kpi_values", "--no-use-colors", *extra],
        warehouse=warehouse,
        work_dir=work_dir,
    )
    if result.exception is not None:
        raise result.exception
    assert result.success, [r.message for r in result.result if r.status != "success"]


def _night(warehouse: Path, landing: Path, home: Path, name: str) -> Night:
    _load(warehouse, landing)
    _dbt(warehouse, home / name)
    incremental = home / f"{name}-incremental.duckdb"
    full = home / f"{name}-full.duckdb"
    shutil.copy2(warehouse, incremental)
    shutil.copy2(warehouse, full)
    _dbt(full, home / f"{name}-full", "--full-refresh")
    return Night(incremental=incremental, full=full, run_dir=home / name)


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nights]:
    home = tmp_path_factory.mktemp("crediting")
    generated, landing = home / "generated", home / "landing"
    generate(generated, scale="tiny", faults=True)
    warehouse = home / "warehouse.duckdb"

    _deliver(generated, landing, until=SPLIT_DATE)
    _load(warehouse, landing)
    _dbt(warehouse, home / "night1")
    changes = _choose_changes(warehouse, landing, _choose_restatement(landing))

    _deliver(generated, landing)
    _apply_changes(landing, changes)
    second = _night(warehouse, landing, home, "night2")

    _undo_move(landing, changes)
    third = _night(warehouse, landing, home, "night3")
    yield Nights(changes=changes, second=second, third=third)


def _night_of(nights: Nights, name: str) -> Night:
    return nights.second if name == "second" else nights.third


@pytest.mark.parametrize("night", ["second", "third"])
@pytest.mark.parametrize("model", sorted(CREDITED))
def test_night_ran_incrementally(nights: Nights, night: str, model: str) -> None:
    target = _night_of(nights, night).run_dir / "target"
    compiled = list((target / "compiled").rglob(f"{model}.sql"))
    executed = list((target / "run").rglob(f"{model}.sql"))
    assert compiled and executed, f"no SQL of {model}"
    assert CREDITED[model] in compiled[0].read_text()
    assert "delete from" in executed[0].read_text().lower()


@pytest.mark.parametrize("night", ["second", "third"])
@pytest.mark.parametrize("table", COMPARED)
def test_incremental_equals_full_rebuild(nights: Nights, night: str, table: str) -> None:
    built = _night_of(nights, night)
    count, only_incremental, only_full = _compare(built.incremental, built.full, table)
    assert count > 0
    assert only_incremental == [] and only_full == [], (table, count)


def test_second_night_recredited_old_rows(nights: Nights) -> None:
    c, db = nights.changes, nights.second.incremental
    r = c.restatement
    orders = dict(
        _rows(
            db,
            "select order_id, source_file_path from intermediate.int_orders_unified "
            "where source_system = 'crm'",
        )
    )
    assert r.dropped_for_good not in orders
    assert orders[r.falls_back] == r.falls_back_to

    rep_teams = _rows(
        db,
        "select distinct team_id from intermediate.int_orders_unified "
        f"where employee_id = '{c.moved_rep}' and role is not null",
    )
    assert rep_teams == [(MOVED_TEAM,)]
    receipt_teams = _rows(
        db,
        "select distinct team_id from intermediate.int_receipts_credited "
        f"where employee_id = '{c.moved_rep}' and role is not null",
    )
    assert receipt_teams == [(MOVED_TEAM,)]

    operators = _rows(
        db,
        "select distinct employee_id from intermediate.int_orders_unified "
        f"where store_id = '{c.store}' and ordered_at >= timestamp "
        f"'{HANDED_OVER_AT.replace('T', ' ')}' and order_date <= date '{SPLIT_DATE}'",
    )
    assert operators == [(c.new_operator,)]

    customers = _rows(
        db,
        "select distinct customer_id from intermediate.int_orders_unified "
        f"where customer_source = 'ecommerce' and source_customer_id = '{c.customer}'",
    )
    assert customers == [(f"tel:{NEW_PHONE}",)]

    # the moved orders took the customer's first order with them (int_customer_first_orders
    # recomputed both the customer they left and the one they joined)
    first_orders = _rows(
        db,
        "select first_orders.customer_id from intermediate.int_customer_first_orders as first_orders "
        "inner join intermediate.int_orders_unified as orders "
        "on first_orders.first_order_key = orders.order_key "
        f"where orders.customer_source = 'ecommerce' and orders.source_customer_id = '{c.customer}'",
    )
    assert first_orders == [(f"tel:{NEW_PHONE}",)]

    voided = _rows(
        db,
        "select count(*) from intermediate.int_receipts_credited "
        f"where invoice_id = '{c.voided_invoice}'",
    )
    assert voided == [(0,)]


def test_third_night_undid_the_move(nights: Nights) -> None:
    c = nights.changes
    rep_teams = _rows(
        nights.third.incremental,
        "select distinct team_id from intermediate.int_orders_unified "
        f"where employee_id = '{c.moved_rep}' and role is not null",
    )
    assert rep_teams == [(c.original_team,)]
