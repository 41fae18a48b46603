"""The KPI families run incrementally by period give exactly what a full rebuild gives.

The tiny sample company is loaded by the real loader in three nights; after each night the models
up to `fct_kpi_values` run (incrementally from the second night on) and are compared row by row
with a `--full-refresh` build of a copy of the same warehouse.

- The second night brings five more days of drops and changes to old months only: a restated CRM
  orders file of the first days (one order gone for good, one falling back to its older version,
  one with a new amount) and a shop order of an old month cancelled late. The periods each family
  recomputes must be exactly the calendar periods holding a month in which one of its inputs
  has a row that is new, gone or different since the first night (retention: or one of the 12
  months after it) — worked out here from the two nights' input tables, not from the
  fingerprints — and every other period must keep its rows.
- The third night brings the remaining drops and a roster change (an input without a date): every
  period is recomputed.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from sample_company import generate
from tests.dbt_project.conftest import DBT_PROJECT_DIR, create_warehouse, invoke_dbt
from tests.dbt_project.test_incremental_crediting import _append, _dbt, _row_of
from tests.dbt_project.test_incremental_crediting import _night as _credited_night
from tests.dbt_project.test_incremental_staging import (
    Restatement,
    _choose_restatement,
    _compare,
    _deliver,
    _load,
    _read,
    _restate,
    _rows,
    columns_but_markers,
)

FIRST_NIGHT = "2026-10-15"
SECOND_NIGHT = "2026-10-25"
LAST_NIGHT = "2026-10-31"
MOVED_TEAM = "T-MOVED"
# each incremental family with its inputs and how their rows reach periods: by a date, by the
# dates a row is valid from and to, or (None) as a whole table
FAMILIES: dict[str, dict[str, str | tuple[str, str] | None]] = {
    "int_order_kpis_computed": {
        "int_orders_unified": "order_date",
        "int_customer_first_orders": "first_order_date",
        "int_receipts_credited": "receipt_date",
        "int_period_dates": None,
    },
    "int_ecommerce_kpis_computed": {
        "int_orders_unified": "order_date",
        "stg_ecommerce__traffic_daily": "traffic_date",
        "stg_ecommerce__service_tickets": "cast(opened_at as date)",
        "stg_ecommerce__campaigns": "start_date",
        "int_store_operators_dated": ("valid_from_at", "valid_to_at"),
        "int_employee_assignments": ("valid_from_date", "valid_to_date"),
        "int_period_dates": None,
    },
    "int_activity_kpis_computed": {
        "int_activities_credited": "activity_date",
        "int_period_dates": None,
    },
    "int_retention_kpis_computed": {
        "int_orders_unified": "order_date",
        "int_periods": None,
        "int_period_dates": None,
    },
}
# how many months past a changed month a family's periods can change (its 12-month look-back)
REACH_MONTHS = {"int_retention_kpis_computed": 12}
SCHEMAS = {"stg": "staging", "int": "intermediate"}
COMPARED = (*(f"intermediate.{family}" for family in FAMILIES), "marts.fct_kpi_values")


@dataclass(frozen=True)
class Night:
    before: Path  # copy of the warehouse before the night's load
    incremental: Path  # copy after the night's incremental run
    full: Path  # the same warehouse rebuilt with --full-refresh
    run_dir: Path


@dataclass(frozen=True)
class Nights:
    restatement: Restatement
    cancelled_order: str
    cancelled_month: str
    moved_from_month: str
    second: Night
    third: Night


def _first_row(
    landing: Path, pattern: str, wanted: Callable[[dict[str, str]], bool]
) -> dict[str, str]:
    """The first row, in file order, of the delivered files matching `pattern` that is `wanted`
    (files the sample company broke on purpose are skipped)."""
    for path in sorted(landing.glob(pattern)):
        try:
            header, rows = _read(path)
        except UnicodeDecodeError:
            continue
        for values in rows:
            row = dict(zip(header, values, strict=False))
            if wanted(row):
                return row
    raise AssertionError(f"no wanted row in {pattern}")


def _cancel_old_shop_order(landing: Path, night: str) -> tuple[str, str]:
    """Append to the night's shop orders a cancelled newer version of a paid order of an old month."""
    order = _first_row(
        landing,
        "ecommerce/2026-08-*/orders.csv",
        lambda row: row.get("status") == "paid" and row.get("ordered_at", "").startswith("2026-08"),
    )
    latest = _row_of(landing, "ecommerce/*/orders.csv", "order_id", order["order_id"])
    _append(
        landing / f"ecommerce/{night}/orders.csv",
        {**latest, "status": "cancelled", "updated_at": f"{night}T09:00:00"},
    )
    return order["order_id"], "2026-08"


def _move_a_rep(landing: Path) -> str:
    """Append to the last roster drop a newer version of a sales rep hired in 2025 or later, in
    another team; returns the month the rep's roster row is valid from."""
    rep = _first_row(
        landing,
        "hr/*/employees.csv",
        lambda row: row.get("role") == "direct_sales" and row.get("valid_from", "") >= "2025-01-01",
    )
    latest = _row_of(landing, "hr/*/employees.csv", "employee_id", rep["employee_id"])
    _append(
        landing / f"hr/{LAST_NIGHT}/employees.csv",
        {**latest, "team_id": MOVED_TEAM, "updated_at": f"{LAST_NIGHT}T09:00:00"},
    )
    return latest["valid_from"][:7]


def _night(warehouse: Path, landing: Path, home: Path, name: str) -> Night:
    before = home / f"{name}-before.duckdb"
    shutil.copy2(warehouse, before)
    built = _credited_night(warehouse, landing, home, name)
    return Night(
        before=before, incremental=built.incremental, full=built.full, run_dir=built.run_dir
    )


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nights]:
    home = tmp_path_factory.mktemp("kpi_families")
    generated, landing = home / "generated", home / "landing"
    generate(generated, scale="tiny", faults=True)
    warehouse = home / "warehouse.duckdb"

    _deliver(generated, landing, until=FIRST_NIGHT)
    _load(warehouse, landing)
    _dbt(warehouse, home / "night1")

    restatement = _choose_restatement(landing)
    _deliver(generated, landing, until=SECOND_NIGHT)
    _restate(landing, restatement)
    cancelled_order, cancelled_month = _cancel_old_shop_order(landing, SECOND_NIGHT)
    second = _night(warehouse, landing, home, "night2")

    _deliver(generated, landing)
    moved_from_month = _move_a_rep(landing)
    third = _night(warehouse, landing, home, "night3")
    yield Nights(restatement, cancelled_order, cancelled_month, moved_from_month, second, third)


def _reached_periods(night: Night, family: str) -> set[tuple[str, str]]:
    """The calendar periods an input row of `family` that is new, gone or different since the night
    before reaches: the periods of its date's month and of the family's reach months after it, or
    those its validity overlaps; every period when a whole-table input differs."""
    reach = REACH_MONTHS.get(family, 0)
    calendar = "intermediate.int_period_dates"
    reached: set[tuple[str, str]] = set()
    con = duckdb.connect(str(night.incremental), read_only=True)
    try:
        con.execute(f"attach '{night.before}' as before_night (read_only)")
        for name, dates in FAMILIES[family].items():
            table = f"{SCHEMAS[name.split('_')[0]]}.{name}"
            # what a row says, not when a build computed it (the fingerprints leave it out too)
            listed = columns_but_markers(con, table)
            differing = f"""(
                (select {listed} from {table} except all select {listed} from before_night.{table})
                union all
                (select {listed} from before_night.{table} except all select {listed} from {table})
            ) as differing"""
            if dates is None:
                (count,) = con.execute(f"select count(*) from {differing}").fetchone()
                condition = "true" if count else "false"
            elif isinstance(dates, str):
                condition = f"""exists (
                    select 1 from {differing} where calendar.date_day
                    between date_trunc('month', {dates})
                    and last_day(date_trunc('month', {dates}) + interval {reach} month))"""
            else:
                condition = f"""exists (
                    select 1 from {differing} where calendar.date_day
                    between cast(differing.{dates[0]} as date) and cast(differing.{dates[1]} as date))"""
            reached |= set(
                con.execute(
                    f"select distinct period_type, period from {calendar} as calendar "
                    f"where {condition}"
                ).fetchall()
            )
    finally:
        con.close()
    return reached


def _refreshed(night: Night, family: str) -> set[tuple[str, str]]:
    return set(
        _rows(
            night.incremental,
            f"select period_type, period from intermediate.{family}__periods_to_refresh",
        )
    )


@pytest.mark.parametrize("night", ["second", "third"])
@pytest.mark.parametrize("table", COMPARED)
def test_incremental_equals_full_rebuild(nights: Nights, night: str, table: str) -> None:
    built = nights.second if night == "second" else nights.third
    count, only_incremental, only_full = _compare(built.incremental, built.full, table)
    assert count > 0
    assert only_incremental == [] and only_full == [], (table, count)


@pytest.mark.parametrize("night", ["second", "third"])
@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_recomputed_the_periods_changed_rows_reach(nights: Nights, night: str, family: str) -> None:
    built = nights.second if night == "second" else nights.third
    reached = _reached_periods(built, family)
    assert ("month", "2026-10") in reached  # the new days' events
    assert _refreshed(built, family) == reached
    compiled = list((built.run_dir / "target" / "compiled").rglob(f"{family}.sql"))
    assert compiled and "periods_to_refresh" in compiled[0].read_text()


# Retention is left out: the tiny company's history starts 2025-11, the second night restates a
# CRM orders file of 2025-11, and a change reaches the 12 months after it, so every period with
# retention rows is recomputed that night (the periods test above checks it is exactly those).
@pytest.mark.parametrize("family", sorted(set(FAMILIES) - set(REACH_MONTHS)))
def test_second_night_kept_the_periods_nothing_reached(nights: Nights, family: str) -> None:
    night = nights.second
    refreshed = _refreshed(night, family)
    if family != "int_activity_kpis_computed":
        # the cancelled shop order's month and the restated CRM orders' months
        assert ("month", nights.cancelled_month) in refreshed
    with_rows = set(
        _rows(night.incremental, f"select distinct period_type, period from intermediate.{family}")
    )
    kept = with_rows - refreshed
    assert kept, "every period with rows was recomputed"
    con = duckdb.connect(str(night.incremental), read_only=True)
    try:
        con.execute(f"attach '{night.before}' as before_night (read_only)")
        periods = " or ".join(f"(period_type = '{t}' and period = '{p}')" for t, p in kept)
        differing = con.execute(
            f"""select count(*) from (
                (select * from intermediate.{family} where {periods}
                 except all select * from before_night.intermediate.{family} where {periods})
                union all
                (select * from before_night.intermediate.{family} where {periods}
                 except all select * from intermediate.{family} where {periods})
            )"""
        ).fetchone()
    finally:
        con.close()
    assert differing == (0,)


def test_second_night_moved_the_cancelled_order_out_of_its_month(nights: Nights) -> None:
    (employee, revenue) = _rows(
        nights.second.before,
        "select employee_id, revenue_amount from intermediate.int_orders_unified "
        f"where order_id = '{nights.cancelled_order}'",
    )[0]
    assert revenue > 0

    def month_revenue(warehouse: Path) -> Decimal:
        return _rows(
            warehouse,
            "select numerator from marts.fct_kpi_values where kpi_code = 'revenue' "
            f"and entity_type = 'employee' and entity_id = '{employee}' "
            f"and period_type = 'month' and period = '{nights.cancelled_month}'",
        )[0][0]

    assert month_revenue(nights.second.before) - month_revenue(nights.second.incremental) == revenue


def test_roster_change_reached_the_moved_reps_periods(nights: Nights) -> None:
    # the moved rep's roster row is valid from their start to the open end: the ecommerce family
    # (it reads the roster) recomputes the periods from that month on, not the whole calendar
    refreshed = _refreshed(nights.third, "int_ecommerce_kpis_computed")
    assert ("month", nights.moved_from_month) in refreshed
    assert ("year", "2035") in refreshed
    assert ("year", "2024") not in refreshed


def test_a_family_ref_without_a_fingerprint_fails_the_build(tmp_path: Path) -> None:
    """A family that reads a model `kpi_input_dates()` does not list could change unseen."""
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    model = project / "models/intermediate/kpis/int_activity_kpis_computed.sql"
    model.write_text(
        "-- depends_on: {{ ref('stg_crm__accounts') }}\n" + model.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    warehouse = tmp_path / "warehouse.duckdb"
    create_warehouse(warehouse)
    result = invoke_dbt(
        ["run", "--select", "int_activity_kpis_computed", "--no-use-colors"],
        warehouse=warehouse,
        work_dir=tmp_path,
        project_dir=project,
    )
    assert not result.success
    messages = [r.message for r in result.result if r.status == "error"]
    assert len(messages) == 1
    assert "int_activity_kpis_computed refs stg_crm__accounts" in messages[0]
    assert "kpi_input_dates()" in messages[0]
