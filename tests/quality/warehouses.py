"""Real warehouses for the quality-gate tests: extracts loaded by the loader, models built by dbt.

    build_warehouse(landing, work_dir, dbt_vars=...)   # load + compensation plan + `dbt run`
    gate(con, run_id)                                  # run_checks, record, publish (or refuse)
    published_snapshot(con), publications(con)         # what BI and payroll would read

`dbt run` (models only) rather than `dbt build`: the dbt tests have their own suites, and the
gate under test is the quality checks, which read the built tables. Built warehouses are files,
so a test can copy one (a few milliseconds) and break its copy.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from exports.publication import GateFailed, Publication, publish_marts
from ingestion.loader import LoadReport, load_landing
from ingestion.plan_config import load_plan_config
from ingestion.warehouse import connect
from quality.checks import ValidationReport, run_checks
from quality.history import record_validation
from tests.dbt_project.conftest import invoke_dbt

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PLAN_CONFIG = PROJECT_ROOT / "config" / "compensation_plan.yml"
HAND_COMPANY_LANDING = PROJECT_ROOT / "tests" / "fixtures" / "hand_company" / "landing"
# The vars tests/dbt_project/test_kpis_hand_company.py builds the hand company with (see there).
HAND_COMPANY_VARS = {
    "as_of_date": "2026-06-30",
    "calculation_time": "2026-07-01 00:00:00",
    "history_start_date": "2025-10-01",
}


@dataclass(frozen=True)
class Built:
    warehouse: Path
    load_report: LoadReport


def build_warehouse(
    landing: Path, work_dir: Path, *, dbt_vars: dict[str, Any] | None = None
) -> Built:
    """Load `landing` into a new warehouse under `work_dir`, load the plan, `dbt run` the models."""
    work_dir.mkdir(parents=True, exist_ok=True)
    warehouse = work_dir / "warehouse.duckdb"
    con = connect(warehouse)
    try:
        report = load_landing(con, landing, business_tz="Asia/Shanghai", batch_id="quality-gate")
        load_plan_config(con, PLAN_CONFIG)
    finally:
        con.close()
    result = invoke_dbt(
        ["run", "--no-use-colors", "--quiet"], warehouse=warehouse, work_dir=work_dir, vars=dbt_vars
    )
    if result.exception is not None:
        raise result.exception
    if not result.success:
        raise RuntimeError(f"dbt run failed on {warehouse}")
    return Built(warehouse, report)


def copy_warehouse(source: Path, target_dir: Path) -> Path:
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / source.name
    shutil.copyfile(source, target)
    return target


@dataclass(frozen=True)
class GateOutcome:
    report: ValidationReport
    publication: Publication | None
    refused: GateFailed | None


def gate(con: duckdb.DuckDBPyConnection, run_id: str) -> GateOutcome:
    """What the nightly job does after dbt: every check, recorded under `run_id`, then publish."""
    report = run_checks(con)
    record_validation(con, report, run_id)
    try:
        return GateOutcome(report, publish_marts(con, run_id=run_id), None)
    except GateFailed as refused:
        return GateOutcome(report, None, refused)


def _tables(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    return [
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = ? and table_type = 'BASE TABLE' order by table_name",
            [schema],
        ).fetchall()
    ]


def table_rows(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[Any, ...]]:
    """Every row of a table, in a total order (all columns)."""
    return con.execute(f"select * from {relation} order by all").fetchall()


def published_snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    """Every published table, all rows, sorted."""
    return {t: table_rows(con, f'published."{t}"') for t in _tables(con, "published")}


def marts_snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    return {t: table_rows(con, f'marts."{t}"') for t in _tables(con, "marts")}


def publications(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute("select * from meta.publications order by publication_id").fetchall()
