"""Fixtures for the BI export tests: a small hand-written publication and a real PostgreSQL.

The PostgreSQL server is a throw-away cluster (initdb into a temporary folder, one server for the
session, listening only on a unix socket there; a fresh database per test). Without PostgreSQL
binaries the tests that need it are skipped, or fail when KPIWH_REQUIRE_POSTGRES=1 (`.ci/run`).
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from exports.publication import publish_marts
from quality.history import ensure_history_table

PG_USER = "kpiwh_test"


# --- a small publication --------------------------------------------------------------------


def create_marts(con: duckdb.DuckDBPyConnection, *, version: int = 1) -> None:
    """Hand-written marts: DECIMAL money, Chinese text, NULLs, periods, formula-like text.

    `version` 2 changes values and drops a row, so a second publication differs from the first.
    """
    con.execute("create schema if not exists marts")
    con.execute(
        """
        create or replace table marts.fct_kpi_values (
            entity_id varchar, role varchar, period_type varchar, period varchar,
            kpi_code varchar, numerator decimal(38,6), value decimal(38,6), note varchar,
            is_ratio boolean, calculated_at timestamp, period_start_date date
        )
        """
    )
    rows = [
        ("E1", "direct_sales", "month", "2026-01", "revenue", "1234.50", "1234.50",
         "张三 销售", False, dt.datetime(2026, 2, 1, 2, 0, 0), dt.date(2026, 1, 1)),
        ("E1", "direct_sales", "month", "2026-02", "revenue", "-20.25", "-20.25",
         "=HYPERLINK(\"http://evil.example\",\"点我\")", False,
         dt.datetime(2026, 3, 1, 2, 0, 0), dt.date(2026, 2, 1)),
        ("E2", "direct_sales", "quarter", "2026-Q1", "win_rate", "3", None,
         None, True, dt.datetime(2026, 4, 1, 2, 0, 0), dt.date(2026, 1, 1)),
        ("T1", "sales_manager", "year", "2026", "revenue", "99999999.99", "99999999.99",
         'quote " and\nnewline', False, None, dt.date(2026, 1, 1)),
    ]  # fmt: skip
    if version == 2:
        rows = [
            (*rows[0][:5], "1300.00", "1300.00", *rows[0][7:]),
            rows[1],
            rows[3],
        ]
    con.executemany(
        "insert into marts.fct_kpi_values values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [[*r[:5], _dec(r[5]), _dec(r[6]), *r[7:]] for r in rows],
    )
    con.execute(
        """
        create or replace table marts.dim_kpis as
        select * from (values
            ('direct_sales', 'revenue', '销售额', 'CNY'),
            ('direct_sales', 'win_rate', '+cmd|'' /C calc''!A0', 'ratio'),
            ('sales_manager', 'revenue', '@SUM(A1:A2)', 'CNY')
        ) as v(role, kpi_code, kpi_name, unit)
        """
    )
    con.execute(
        """
        create or replace table marts.fct_payouts (
            employee_id varchar, payroll_id varchar, period_type varchar, period varchar,
            performance_pay_base_amount decimal(18,2), weighted_score decimal(38,14),
            performance_pay_amount decimal(18,2), tier_bonus_amount decimal(18,2),
            payout_amount decimal(18,2)
        )
        """
    )
    con.execute(
        "insert into marts.fct_payouts values "
        "('E1', 'P-001', 'quarter', '2026-Q1', 10000.00, 95.5, 9550.00, 500.00, 10050.00)"
    )


def publish(con: duckdb.DuckDBPyConnection, run_id: str) -> int:
    """Publish the marts through the real gate (a passing validation recorded for the run)."""
    ensure_history_table(con)
    con.execute(
        "insert into meta.validation_history (run_id, check_name, layer, severity, success, "
        "status, observed, failing_count, failing_examples, description, validated_at) "
        "values (?, 'c1', 'marts', 'error', true, 'passed', 'ok', 0, '[]', '', now())",
        [run_id],
    )
    return publish_marts(con, run_id=run_id).publication_id


def _dec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


@pytest.fixture
def published_warehouse(tmp_path: Path) -> Path:
    """A warehouse file with one publication of the hand-written marts."""
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema if not exists meta")
        create_marts(con)
        publish(con, "run-1")
    finally:
        con.close()
    return path


# --- a real PostgreSQL ----------------------------------------------------------------------


def _pg_bindir() -> Path | None:
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        result = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if result.returncode == 0:
            candidates.append(Path(result.stdout.strip()))
    candidates += sorted(
        (Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _unavailable(reason: str) -> None:
    if os.environ.get("KPIWH_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL required (KPIWH_REQUIRE_POSTGRES=1) but {reason}")
    pytest.skip(f"no PostgreSQL server for the publication tests: {reason}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[dict[str, str]]:
    """A PostgreSQL cluster for the session: connection keywords (host = socket folder, port)."""
    bindir = _pg_bindir()
    if bindir is None:
        _unavailable("initdb/pg_ctl not found (pg_config --bindir, /usr/lib/postgresql/*/bin)")
    as_root = os.geteuid() == 0
    prefix: list[str] = []
    if as_root:  # postgres refuses to run as root: run the server as the `postgres` user
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("running as root and there is no `postgres` user to run the server")
        # runuser lives in /usr/sbin, often not on a non-login PATH
        runuser = shutil.which("runuser") or next(
            (c for c in ("/usr/sbin/runuser", "/sbin/runuser") if Path(c).exists()), None
        )
        if runuser is None:
            _unavailable("running as root and `runuser` (util-linux) is not installed")
        prefix = [runuser, "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="kpiwh-pg-"))  # short path: unix sockets max ~100 chars
    if as_root:
        os.chown(root, owner.pw_uid, owner.pw_gid)
    data, log = root / "data", root / "server.log"
    port = _free_port()
    try:
        subprocess.run(
            [*prefix, str(bindir / "initdb"), "-D", str(data), "-U", PG_USER, "-A", "trust",
             "-E", "UTF8", "--locale=C", "--no-sync"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        options = f"-p {port} -k {root} -c listen_addresses='' -c fsync=off"
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
             "-o", options, "start"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
    except subprocess.CalledProcessError as error:
        details = log.read_text() if log.exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"could not start PostgreSQL: {error.stderr}\n{details}")
    try:
        yield {"host": str(root), "port": str(port), "user": PG_USER}
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_dsn(postgres_server: dict[str, str]) -> Iterator[str]:
    """A fresh, empty database on the session's server, dropped after the test."""
    import psycopg

    name = f"kpiwh_{uuid.uuid4().hex[:12]}"
    server = " ".join(f"{k}={v}" for k, v in postgres_server.items())
    with psycopg.connect(f"{server} dbname=postgres", autocommit=True) as admin:
        admin.execute(f'create database "{name}"')
    try:
        yield f"{server} dbname={name}"
    finally:
        with psycopg.connect(f"{server} dbname=postgres", autocommit=True) as admin:
            admin.execute(f'drop database if exists "{name}" with (force)')
