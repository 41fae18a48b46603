"""Fixtures for the trace tests: the hand-built company (tests/fixtures/hand_company), built once.

On top of the fixture company's own drops, one extra plan drop gives DS1 employee targets for
2026-Q1, so DS1's 2026-Q1 payout line is not zero and can be checked by hand (test_trace.py).
Employee targets do not change any KPI value, so every number of NOTES.md still holds.

The payroll tables (`payroll.batches`, `frozen_*`) belong to the payroll export; `freeze_batch`
creates and fills them the way that export does, so the frozen-period trace is tested here
without it.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from exports.publication import publish_marts
from exports.trace import freeze_contributions
from ingestion.loader import load_landing
from ingestion.warehouse import connect
from quality.history import HISTORY_TABLE, ensure_history_table
from tests.dbt_project.conftest import invoke_dbt
from tests.dbt_project.test_kpis_hand_company import DBT_VARS, _load

DS1_TARGETS_CSV = (
    "target_id,version,scope_type,scope_id,period,kpi_code,base_value,challenge_value,"
    "stretch_value,reason,approved_by,approved_at\n"
    "TG-DS1-Q1-REV,1,employee,DS1,2026-Q1,revenue,10000,12000,20000,季度目标,M1,2026-01-05T10:00:00\n"
    "TG-DS1-Q1-COL,1,employee,DS1,2026-Q1,collection_rate,0.5,0.7,0.9,季度目标,M1,2026-01-05T10:00:00\n"
    "TG-DS1-Q1-RET,1,employee,DS1,2026-Q1,customer_retention_rate,0.3,0.5,0.8,季度目标,M1,2026-01-05T10:00:00\n"
)
TARGETS_DROP = "plan/2026-06-01/targets.csv"

# a late CRM order for DS1 in March 2026, arriving after the 2026-Q1 payroll export
LATE_ORDER_DROP = "crm/2026-07-15/orders.csv"
LATE_ORDER_CSV = (
    "order_id,account_id,distributor_id,sales_rep_id,channel,ordered_at,status,amount_incl_tax,"
    "tax_amount,gross_margin_amount,updated_at\n"
    "O199,A1,,DS1,direct,2026-03-20T10:00:00,confirmed,1000.00,115.00,200.00,2026-07-15T09:00:00\n"
)


@dataclass
class TracedCompany:
    warehouse: Path
    work_dir: Path

    def connect(self, *, read_only: bool = True) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.warehouse), read_only=read_only)


def _drop(landing: Path, relative: str, text: str) -> None:
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def load_drop(warehouse: Path, landing: Path, relative: str, text: str) -> None:
    """Load one extra file with the real loader, as a later night's drop."""
    _drop(landing, relative, text)
    con = connect(warehouse)
    try:
        report = load_landing(con, landing, business_tz="Asia/Shanghai", batch_id=relative)
    finally:
        con.close()
    assert [f.status for f in report.files] == ["loaded"], report
    assert report.rows_quarantined == 0, report


def build(warehouse: Path, work_dir: Path, command: str = "build") -> None:
    result = invoke_dbt(
        [command, "--no-send-anonymous-usage-stats", "--no-use-colors"],
        warehouse=warehouse,
        work_dir=work_dir,
        vars=DBT_VARS,
    )
    if result.exception is not None:
        raise result.exception
    failed = [r.node.name for r in result.result if str(r.status) not in ("success", "pass")]
    assert not failed, f"dbt {command} failed: {failed}"


def publish(warehouse: Path, run_id: str) -> int:
    """Publish the marts as the nightly job does after a passing quality gate."""
    con = duckdb.connect(str(warehouse))
    try:
        ensure_history_table(con)
        con.execute(
            f"insert into {HISTORY_TABLE} (run_id, check_name, layer, severity, status, success, "
            "failing_count, failing_examples, validated_at) values "
            "(?, 'gate', 'marts', 'error', 'passed', true, 0, '[]', ?)",
            [run_id, dt.datetime(2026, 7, 1, 2, 0)],
        )
        return publish_marts(con, run_id=run_id).publication_id
    finally:
        con.close()


PAYROLL_DDL = (
    "create schema if not exists payroll",
    "create table if not exists payroll.batches (batch_id varchar primary key, period_type "
    "varchar, period varchar, publication_id bigint, run_id varchar, load_watermark bigint, "
    "file_name varchar, file_sha256 varchar, row_count bigint, control_total decimal(18, 2), "
    "exported_at timestamp, exported_by varchar)",
    "create table if not exists payroll.frozen_payouts as "
    "select cast(null as varchar) as batch_id, * from published.fct_payouts limit 0",
    "create table if not exists payroll.frozen_scorecards as "
    "select cast(null as varchar) as batch_id, * from published.fct_scorecards limit 0",
    "create table if not exists payroll.frozen_kpi_values as "
    "select cast(null as varchar) as batch_id, * from published.fct_kpi_values limit 0",
)


def freeze_batch(
    con: duckdb.DuckDBPyConnection, *, batch_id: str, period_type: str, period: str
) -> int:
    """What the payroll export does for a payout period, in one transaction; returns the number
    of contributing rows frozen."""
    con.execute("begin transaction")
    try:
        for ddl in PAYROLL_DDL:
            con.execute(ddl)
        publication_id, run_id, watermark = con.execute(
            "select publication_id, run_id, load_watermark from meta.publications "
            "order by publication_id desc limit 1"
        ).fetchone()
        con.execute(
            "insert into payroll.batches values (?, ?, ?, ?, ?, ?, ?, 'sha', 0, 0, ?, 'test')",
            [
                batch_id,
                period_type,
                period,
                publication_id,
                run_id,
                watermark,
                f"{batch_id}.csv",
                dt.datetime(2026, 7, 2, 9, 0),
            ],
        )
        con.execute(
            "insert into payroll.frozen_payouts select ?, * from published.fct_payouts "
            "where period_type = ? and period = ?",
            [batch_id, period_type, period],
        )
        con.execute(
            "insert into payroll.frozen_scorecards select ?, * from published.fct_scorecards "
            "where period_type = ? and period = ?",
            [batch_id, period_type, period],
        )
        con.execute(
            "insert into payroll.frozen_kpi_values select ?, v.* from published.fct_kpi_values as v "
            "where v.period_start_date >= (select min(period_start_date) from published.fct_payouts "
            "  where period_type = ? and period = ?) "
            "and v.period_end_date <= (select max(period_end_date) from published.fct_payouts "
            "  where period_type = ? and period = ?)",
            [batch_id, period_type, period, period_type, period],
        )
        frozen = freeze_contributions(
            con, batch_id=batch_id, period_type=period_type, period=period
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return frozen


@pytest.fixture(scope="session")
def traced_company(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TracedCompany]:
    """The hand-built company plus DS1's 2026-Q1 targets, built and published once."""
    work_dir = tmp_path_factory.mktemp("traced_company")
    warehouse = work_dir / "warehouse.duckdb"
    _load(warehouse)
    load_drop(warehouse, work_dir / "extra_landing", TARGETS_DROP, DS1_TARGETS_CSV)
    build(warehouse, work_dir)
    publish(warehouse, "run-1")
    yield TracedCompany(warehouse=warehouse, work_dir=work_dir)


@pytest.fixture(scope="session")
def frozen_then_changed(
    traced_company: TracedCompany, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TracedCompany]:
    """A copy of the company whose 2026-Q1 payout period was exported (batch B-2026Q1), after
    which a late order for DS1 in March arrived, was loaded, built and published."""
    work_dir = tmp_path_factory.mktemp("frozen_then_changed")
    warehouse = work_dir / "warehouse.duckdb"
    shutil.copy(traced_company.warehouse, warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        freeze_batch(con, batch_id="B-2026Q1", period_type="quarter", period="2026-Q1")
    finally:
        con.close()
    load_drop(warehouse, work_dir / "late_landing", LATE_ORDER_DROP, LATE_ORDER_CSV)
    build(warehouse, work_dir, "run")
    publish(warehouse, "run-2")
    yield TracedCompany(warehouse=warehouse, work_dir=work_dir)
