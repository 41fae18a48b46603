"""A throw-away warehouse with hand-written raw rows, built once by `dbt build`.

The raw and meta tables are created the way ingestion guarantees them (from `ingestion.contract`),
so the staging layer is tested against the contract, not against whatever the loader writes today.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.contract import ENTITIES, PROVENANCE_COLUMNS, SQL_TYPES, entity
from ingestion.plan_config import load_plan_config

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
PLAN_CONFIG = DBT_PROJECT_DIR.parent / "config" / "compensation_plan.yml"

LOADED_AT = datetime(2026, 3, 10, 1, 0, 0)


@dataclass(frozen=True)
class Load:
    load_id: int
    source: str
    entity: str
    extract_date: str
    sha256: str
    status: str = "loaded"
    supersedes_load_id: int | None = None

    @property
    def file_path(self) -> str:
        return f"{self.source}/{self.extract_date}/{self.entity}.csv"


# Load order = load_id order. Load 4 restates crm/2026-03-02/orders.csv (load 2); load 6 is a
# rejected attempt to restate it again (no raw rows, must not become current).
LOADS: tuple[Load, ...] = (
    Load(1, "crm", "orders", "2026-03-01", "sha-orders-0301"),
    Load(2, "crm", "orders", "2026-03-02", "sha-orders-0302-v1"),
    Load(3, "hr", "employees", "2026-01-01", "sha-emp-0101"),
    Load(4, "crm", "orders", "2026-03-02", "sha-orders-0302-v2", supersedes_load_id=2),
    Load(5, "crm", "orders", "2026-03-03", "sha-orders-0303"),
    Load(6, "crm", "orders", "2026-03-02", "sha-orders-0302-v3", status="rejected"),
    Load(7, "hr", "employees", "2026-03-16", "sha-emp-0316"),
    Load(8, "hr", "employees", "2026-03-17", "sha-emp-0317"),
    Load(9, "plan", "targets", "2026-01-05", "sha-targets-0105"),
    Load(10, "plan", "targets", "2026-02-10", "sha-targets-0210"),
    Load(11, "ecommerce", "traffic_daily", "2026-03-01", "sha-traffic-0301"),
    Load(12, "ecommerce", "traffic_daily", "2026-03-02", "sha-traffic-0302"),
    Load(13, "crm", "opportunity_stage_history", "2026-03-01", "sha-osh-0301"),
    Load(14, "crm", "opportunity_stage_history", "2026-03-02", "sha-osh-0302"),
)
LOAD_BY_ID = {load.load_id: load for load in LOADS}


def ts(value: str) -> datetime:
    return datetime.fromisoformat(value)


def d(value: str) -> date:
    return date.fromisoformat(value)


# (load_id, line_number, {contract column: value}); unspecified columns are null.
RAW_ROWS: dict[str, list[tuple[int, int, dict[str, Any]]]] = {
    "crm__orders": [
        # 2026-03-01: O1 first version, O2
        (
            1,
            2,
            {
                "order_id": "O1",
                "account_id": "A1",
                "sales_rep_id": "E1",
                "channel": "direct",
                "ordered_at": ts("2026-03-01 09:00:00"),
                "status": "confirmed",
                "amount_incl_tax": "100.00",
                "tax_amount": "11.50",
                "gross_margin_amount": "30.00",
                "updated_at": ts("2026-03-01 09:00:00"),
            },
        ),
        (
            1,
            3,
            {
                "order_id": "O2",
                "account_id": "A2",
                "sales_rep_id": "E1",
                "channel": "direct",
                "ordered_at": ts("2026-03-01 11:00:00"),
                "status": "confirmed",
                "amount_incl_tax": "50.00",
                "updated_at": ts("2026-03-01 11:00:00"),
            },
        ),
        # 2026-03-02, first file version (superseded by load 4): O1 with the highest updated_at
        # of all, and O3 that the restatement drops
        (
            2,
            2,
            {
                "order_id": "O1",
                "account_id": "A1",
                "sales_rep_id": "E1",
                "channel": "direct",
                "ordered_at": ts("2026-03-01 09:00:00"),
                "status": "confirmed",
                "amount_incl_tax": "999.99",
                "updated_at": ts("2026-03-02 18:00:00"),
            },
        ),
        (
            2,
            3,
            {
                "order_id": "O3",
                "account_id": "A3",
                "sales_rep_id": "E2",
                "channel": "channel",
                "distributor_id": "D1",
                "ordered_at": ts("2026-03-02 08:00:00"),
                "status": "confirmed",
                "amount_incl_tax": "70.00",
                "updated_at": ts("2026-03-02 08:00:00"),
            },
        ),
        # 2026-03-02 restated (load 4): O1 cancelled
        (
            4,
            2,
            {
                "order_id": "O1",
                "account_id": "A1",
                "sales_rep_id": "E1",
                "channel": "direct",
                "ordered_at": ts("2026-03-01 09:00:00"),
                "status": "cancelled",
                "amount_incl_tax": "100.00",
                "tax_amount": "11.50",
                "gross_margin_amount": "30.00",
                "updated_at": ts("2026-03-02 10:00:00"),
            },
        ),
        # 2026-03-03: O1's first version re-sent (older updated_at: loses); O2 re-sent with the
        # same updated_at (tie: the later extract_date wins)
        (
            5,
            2,
            {
                "order_id": "O1",
                "account_id": "A1",
                "sales_rep_id": "E1",
                "channel": "direct",
                "ordered_at": ts("2026-03-01 09:00:00"),
                "status": "confirmed",
                "amount_incl_tax": "100.00",
                "updated_at": ts("2026-03-01 09:00:00"),
            },
        ),
        (
            5,
            3,
            {
                "order_id": "O2",
                "account_id": "A2",
                "sales_rep_id": "E1",
                "channel": "direct",
                "ordered_at": ts("2026-03-01 11:00:00"),
                "status": "confirmed",
                "amount_incl_tax": "50.00",
                "updated_at": ts("2026-03-01 11:00:00"),
            },
        ),
    ],
    "hr__employees": [
        (
            3,
            2,
            {
                "employee_id": "E1",
                "valid_from": d("2026-01-01"),
                "employee_name": "张三",
                "role": "direct_sales",
                "team_id": "T-EAST",
                "manager_id": "M1",
                "region": "华东",
                "payroll_id": "P001",
                "performance_pay_base": "8000.00",
                "status": "active",
                "updated_at": ts("2026-01-01 08:00:00"),
            },
        ),
        # role change on 2026-03-16: first assignment closed, second opened
        (
            7,
            2,
            {
                "employee_id": "E1",
                "valid_from": d("2026-01-01"),
                "valid_to": d("2026-03-15"),
                "employee_name": "张三",
                "role": "direct_sales",
                "team_id": "T-EAST",
                "manager_id": "M1",
                "region": "华东",
                "payroll_id": "P001",
                "performance_pay_base": "8000.00",
                "status": "active",
                "updated_at": ts("2026-03-16 08:00:00"),
            },
        ),
        (
            7,
            3,
            {
                "employee_id": "E1",
                "valid_from": d("2026-03-16"),
                "employee_name": "张三",
                "role": "key_account",
                "team_id": "T-KA",
                "manager_id": "M2",
                "region": "华东",
                "payroll_id": "P001",
                "performance_pay_base": "9000.00",
                "status": "active",
                "updated_at": ts("2026-03-16 08:00:00"),
            },
        ),
        # the original version of the first assignment re-sent a day later: loses
        (
            8,
            2,
            {
                "employee_id": "E1",
                "valid_from": d("2026-01-01"),
                "employee_name": "张三",
                "role": "direct_sales",
                "team_id": "T-EAST",
                "manager_id": "M1",
                "region": "华东",
                "payroll_id": "P001",
                "performance_pay_base": "8000.00",
                "status": "active",
                "updated_at": ts("2026-01-01 08:00:00"),
            },
        ),
    ],
    "plan__targets": [
        (
            9,
            2,
            {
                "target_id": "TG1",
                "version": 1,
                "scope_type": "employee",
                "scope_id": "E1",
                "period": "2026-Q1",
                "kpi_code": "revenue",
                "base_value": "100000",
                "challenge_value": "120000",
                "stretch_value": "150000",
                "approved_by": "M1",
                "approved_at": ts("2026-01-04 10:00:00"),
            },
        ),
        # version 1 re-sent next to version 2: one row per version, from the later drop
        (
            10,
            2,
            {
                "target_id": "TG1",
                "version": 1,
                "scope_type": "employee",
                "scope_id": "E1",
                "period": "2026-Q1",
                "kpi_code": "revenue",
                "base_value": "100000",
                "challenge_value": "120000",
                "stretch_value": "150000",
                "approved_by": "M1",
                "approved_at": ts("2026-01-04 10:00:00"),
            },
        ),
        (
            10,
            3,
            {
                "target_id": "TG1",
                "version": 2,
                "scope_type": "employee",
                "scope_id": "E1",
                "period": "2026-Q1",
                "kpi_code": "revenue",
                "base_value": "90000",
                "challenge_value": "110000",
                "stretch_value": "140000",
                "reason": "区域调整",
                "approved_by": "M1",
                "approved_at": ts("2026-02-09 10:00:00"),
            },
        ),
    ],
    "ecommerce__traffic_daily": [
        (
            11,
            2,
            {
                "store_id": "S1",
                "date": d("2026-03-01"),
                "visitors": 120,
                "updated_at": ts("2026-03-01 23:00:00"),
            },
        ),
        (
            12,
            2,
            {
                "store_id": "S1",
                "date": d("2026-03-01"),
                "visitors": 125,
                "updated_at": ts("2026-03-02 06:00:00"),
            },
        ),
        (
            12,
            3,
            {
                "store_id": "S1",
                "date": d("2026-03-02"),
                "visitors": 80,
                "updated_at": ts("2026-03-02 23:00:00"),
            },
        ),
    ],
    "crm__opportunity_stage_history": [
        (
            13,
            2,
            {"opportunity_id": "OP1", "stage": "lead", "entered_at": ts("2026-02-01 10:00:00")},
        ),
        (
            14,
            2,
            {"opportunity_id": "OP1", "stage": "lead", "entered_at": ts("2026-02-01 10:00:00")},
        ),
        (
            14,
            3,
            {
                "opportunity_id": "OP1",
                "stage": "qualified",
                "entered_at": ts("2026-03-01 10:00:00"),
            },
        ),
    ],
}


def create_warehouse(path: Path) -> None:
    """Raw and meta tables as ingestion guarantees them, filled with RAW_ROWS and LOADS, and the
    compensation plan's `config` tables (as the Dagster asset config/compensation_plan loads them)."""
    con = duckdb.connect(str(path))
    try:
        load_plan_config(con, PLAN_CONFIG)
        con.execute("create schema raw")
        con.execute("create schema meta")
        for ent in ENTITIES:
            cols = [f"{c.name} {SQL_TYPES[c.type]}" for c in ent.columns]
            cols += [f"{name} {typ}" for name, typ in PROVENANCE_COLUMNS]
            con.execute(f"create table raw.{ent.qualified_name} ({', '.join(cols)})")
        con.execute(
            """
            create table meta.load_manifest (
                load_id BIGINT, batch_id VARCHAR, source VARCHAR, entity VARCHAR,
                extract_date DATE, file_path VARCHAR, file_sha256 VARCHAR,
                file_size_bytes BIGINT, encoding VARCHAR, status VARCHAR, reason VARCHAR,
                rows_read BIGINT, rows_loaded BIGINT, rows_quarantined BIGINT,
                extra_columns VARCHAR, supersedes_load_id BIGINT, started_at TIMESTAMP,
                finished_at TIMESTAMP
            )
            """
        )
        con.execute(
            """
            create view meta.current_file_versions as
            select max(load_id) as load_id, file_path
            from meta.load_manifest
            where status = 'loaded'
            group by file_path
            """
        )
        for load in LOADS:
            n_rows = sum(
                1 for rows in RAW_ROWS.values() for load_id, _, _ in rows if load_id == load.load_id
            )
            con.execute(
                "insert into meta.load_manifest values "
                "(?, 'batch', ?, ?, ?, ?, ?, 100, 'utf-8', ?, ?, ?, ?, 0, null, ?, ?, ?)",
                [
                    load.load_id,
                    load.source,
                    load.entity,
                    d(load.extract_date),
                    load.file_path,
                    load.sha256,
                    load.status,
                    "bad row" if load.status == "rejected" else None,
                    n_rows,
                    n_rows if load.status == "loaded" else 0,
                    load.supersedes_load_id,
                    LOADED_AT,
                    LOADED_AT,
                ],
            )
        for table, rows in RAW_ROWS.items():
            ent = entity(*table.split("__", 1))
            names = [*ent.column_names, *(name for name, _ in PROVENANCE_COLUMNS)]
            for load_id, line_number, values in rows:
                unknown = set(values) - set(ent.column_names)
                assert not unknown, f"{table}: not contract columns: {unknown}"
                load = LOAD_BY_ID[load_id]
                assert (load.source, load.entity) == (ent.source, ent.name)
                provenance = [
                    ent.source,
                    ent.name,
                    d(load.extract_date),
                    load.file_path,
                    load.sha256,
                    line_number,
                    load_id,
                    loaded_at(load_id),
                    "{}",
                ]
                con.execute(
                    f"insert into raw.{table} ({', '.join(names)}) "
                    f"values ({', '.join('?' for _ in names)})",
                    [values.get(c) for c in ent.column_names] + provenance,
                )
    finally:
        con.close()


def loaded_at(load_id: int) -> datetime:
    return LOADED_AT.replace(minute=load_id)


@dataclass
class StagingBuild:
    warehouse: Path
    results: Any  # dbt's RunExecutionResult

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def columns(self, relation: str) -> list[str]:
        schema, table = relation.split(".")
        return [
            row[0]
            for row in self.query(
                "select column_name from information_schema.columns "
                f"where table_schema = '{schema}' and table_name = '{table}' "
                "order by ordinal_position"
            )
        ]


def _release_dbt_duckdb() -> None:
    """dbt-duckdb keeps its DuckDB instance open in-process after the invocation; close it, or
    DuckDB refuses our own connection to the file (different configuration)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    # env() raises when no environment was ever created: then there is nothing to release
    with contextlib.suppress(Exception):
        DuckDBConnectionManager.env().close()
    DuckDBConnectionManager.close_all_connections()


def invoke_dbt(
    command: list[str],
    *,
    warehouse: Path,
    work_dir: Path,
    vars: dict[str, Any] | None = None,
    project_dir: Path = DBT_PROJECT_DIR,
) -> Any:
    """Run one dbt command in process on `warehouse` (target and logs under `work_dir`), then
    release dbt-duckdb's handle on the file and restore the environment. `project_dir`: a copy
    of the project a test changed."""
    import json

    from dbt.cli.main import dbtRunner

    env = {
        "KPIWH_DUCKDB_PATH": str(warehouse),
        "KPIWH_DBT_THREADS": "4",
        "KPIWH_DUCKDB_MEMORY_LIMIT": "1GB",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    args = [
        *command,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
        "--no-partial-parse",
        "--no-version-check",
    ]
    if vars:
        args += ["--vars", json.dumps(vars)]
    try:
        return dbtRunner().invoke(args)
    finally:
        _release_dbt_duckdb()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(scope="session")
def staging_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StagingBuild]:
    tmp = tmp_path_factory.mktemp("dbt_staging")
    warehouse = tmp / "warehouse.duckdb"
    create_warehouse(warehouse)
    result = invoke_dbt(
        ["build", "--no-send-anonymous-usage-stats", "--no-use-colors"],
        warehouse=warehouse,
        work_dir=tmp,
    )
    if result.exception is not None:
        raise result.exception
    yield StagingBuild(warehouse=warehouse, results=result.result)
