"""Incremental staging gives exactly what a full rebuild gives.

The tiny sample company (with its faults: re-sent stale versions, duplicate keys, rejected and
quarantined rows) is loaded by the real loader in two nights. After the first night every staging
model is built from scratch; the second night brings the remaining drops, a late change to an old
order and a restated file of an old night that drops one key for good, lets another fall back to
its older version and changes a third — then the staging models run incrementally. Every staging
table must equal, row for row, a `--full-refresh` build of the same warehouse; the three restated
keys are also checked by hand.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingestion.contract import ENTITIES
from ingestion.loader import load_landing
from sample_company import generate
from tests.dbt_project.conftest import invoke_dbt

SPLIT_DATE = "2026-10-20"
LATE_DROP = "crm/2026-10-31/orders.csv"
STAGING_TABLES = tuple(f"staging.stg_{e.source}__{e.name}" for e in ENTITIES)


@dataclass(frozen=True)
class Restatement:
    path: str  # the restated file (relative to the landing)
    dropped_for_good: str  # order_id only this file had: gone after the restatement
    falls_back: str  # order_id an older file also has: its older version wins again
    falls_back_to: str  # the older file
    changed: str  # order_id whose amount the restatement changes
    late_changed: str  # an old order_id changed by a row in the last drop


@dataclass(frozen=True)
class Builds:
    incremental: Path
    full: Path
    restatement: Restatement
    run_dir: Path


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _choose_restatement(landing: Path) -> Restatement:
    """An early CRM orders file with a key no other file has and a key an older file also has."""
    files = sorted(landing.glob("crm/*/orders.csv"))
    seen_in: dict[str, list[Path]] = {}
    for path in files:
        try:
            header, rows = _read(path)
        except UnicodeDecodeError:
            continue
        if header[0] != "order_id":
            continue
        for row in rows:
            seen_in.setdefault(row[0], []).append(path)
    for path in files:
        keys = [k for k, paths in seen_in.items() if path in paths]
        only_here = [k for k in keys if seen_in[k] == [path]]
        with_older = [k for k in keys if len(seen_in[k]) == 2 and seen_in[k][1] == path]
        if len(only_here) >= 2 and with_older:
            late = next(k for k, paths in seen_in.items() if len(paths) == 1 and k not in keys)
            return Restatement(
                path=path.relative_to(landing).as_posix(),
                dropped_for_good=only_here[0],
                falls_back=with_older[0],
                falls_back_to=seen_in[with_older[0]][0].relative_to(landing).as_posix(),
                changed=only_here[1],
                late_changed=late,
            )
    raise AssertionError("the tiny company has no suitable CRM orders file")


def _restate(landing: Path, restatement: Restatement) -> None:
    path = landing / restatement.path
    header, rows = _read(path)
    amount = header.index("amount_incl_tax")
    kept = []
    for row in rows:
        if row[0] in (restatement.dropped_for_good, restatement.falls_back):
            continue
        if row[0] == restatement.changed:
            row = [*row]
            row[amount] = "4321.00"
        kept.append(row)
    _write(path, header, kept)


def _late_change(landing: Path, generated: Path, restatement: Restatement) -> None:
    """Append to the last CRM orders drop a newer version of an old order."""
    old_header, old_rows = [], []
    for path in sorted(generated.glob("crm/*/orders.csv")):
        header, rows = _read(path)
        match = [r for r in rows if r[0] == restatement.late_changed]
        if match:
            old_header, old_rows = header, match
            break
    target = landing / LATE_DROP
    header, rows = _read(target)
    assert header == old_header
    late = [*old_rows[-1]]
    late[header.index("amount_incl_tax")] = "9876.00"
    late[header.index("updated_at")] = "2026-10-31 09:00:00"
    _write(target, header, [*rows, late])


def _dbt_staging(warehouse: Path, work_dir: Path, *extra: str) -> None:
    result = invoke_dbt(
        ["run", "--select", "staging", "--no-use-colors", *extra],
        warehouse=warehouse,
        work_dir=work_dir,
    )
    if result.exception is not None:
        raise result.exception
    assert result.success, [r.message for r in result.result]


def _load(warehouse: Path, landing: Path) -> None:
    con = duckdb.connect(str(warehouse))
    try:
        load_landing(con, landing)
    finally:
        con.close()


def _deliver(generated: Path, landing: Path, until: str | None = None) -> None:
    """Copy into the landing the generated extracts of the nights up to `until` (all nights when
    None) that it does not hold yet."""
    for path in sorted(generated.rglob("*.csv")):
        rel = path.relative_to(generated)
        if (until is None or rel.parts[1] <= until) and not (landing / rel).exists():
            (landing / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, landing / rel)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Builds]:
    home = tmp_path_factory.mktemp("incremental")
    generated, landing = home / "generated", home / "landing"
    generate(generated, scale="tiny", faults=True)
    warehouse = home / "incremental.duckdb"

    _deliver(generated, landing, until=SPLIT_DATE)
    _load(warehouse, landing)
    _dbt_staging(warehouse, home / "night1")

    restatement = _choose_restatement(landing)
    _deliver(generated, landing)
    _restate(landing, restatement)
    _late_change(landing, generated, restatement)
    _load(warehouse, landing)
    _dbt_staging(warehouse, home / "night2")

    full = home / "full.duckdb"
    shutil.copy2(warehouse, full)
    _dbt_staging(full, home / "full", "--full-refresh")
    yield Builds(incremental=warehouse, full=full, restatement=restatement, run_dir=home / "night2")


# When a build computed the row (macros/calculation_time.sql): differs between any two builds.
BUILD_MARKERS = ("computed_at",)


def columns_but_markers(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """`table`'s columns but the build's own marker, quoted and listed for a `select`."""
    schema, name = table.split(".")
    columns = con.execute(
        "select column_name from information_schema.columns where table_catalog = "
        "current_database() and table_schema = ? and table_name = ? order by ordinal_position",
        [schema, name],
    ).fetchall()
    return ", ".join(f'"{c}"' for (c,) in columns if c not in BUILD_MARKERS)


def _compare(incremental: Path, full: Path, table: str) -> tuple[int, list[tuple], list[tuple]]:
    """`table`'s row count in `incremental`, and its rows found only there and only in `full`
    (every column but the build's own marker, `computed_at`)."""
    con = duckdb.connect(str(incremental), read_only=True)
    try:
        con.execute(f"attach '{full}' as full_build (read_only)")
        (count,) = con.execute(f"select count(*) from {table}").fetchone()
        listed = columns_but_markers(con, table)
        only_incremental = con.execute(
            f"select {listed} from {table} except all select {listed} from full_build.{table}"
        ).fetchall()
        only_full = con.execute(
            f"select {listed} from full_build.{table} except all select {listed} from {table}"
        ).fetchall()
    finally:
        con.close()
    return count, only_incremental, only_full


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_second_night_ran_incrementally(builds: Builds) -> None:
    target = builds.run_dir / "target"
    compiled = list((target / "compiled").rglob("stg_crm__orders.sql"))
    executed = list((target / "run").rglob("stg_crm__orders.sql"))
    assert compiled and executed, "no SQL of the second night"
    assert "affected_keys" in compiled[0].read_text()
    assert "delete from" in executed[0].read_text().lower()


def test_second_night_reads_the_new_loads_by_a_number(builds: Builds) -> None:
    """`incremental_source`: the raw table is read above a watermark written into the SQL as a
    number (which the engine can prune row groups by), not as a subquery it cannot."""
    (compiled,) = (builds.run_dir / "target" / "compiled").rglob("stg_crm__orders.sql")
    source_cte = compiled.read_text().split("current_file_versions as (")[0]
    watermarks = {int(n) for n in re.findall(r"raw_rows\._load_id [<>]=? (\d+)\b", source_cte)}
    assert len(watermarks) == 1, source_cte
    (watermark,) = watermarks
    (night2_below, night1_below) = _rows(
        builds.incremental,
        "select"
        f" count(*) filter (where _extract_date > date '{SPLIT_DATE}' and _load_id <= {watermark}),"
        f" count(*) filter (where _extract_date <= date '{SPLIT_DATE}' and _load_id <= {watermark})"
        " from raw.crm__orders",
    )[0]
    # every row of night 2's extracts lies above it, and night 1's loads below it
    assert night2_below == 0 and night1_below > 0


@pytest.mark.parametrize("table", STAGING_TABLES)
def test_incremental_equals_full_rebuild(builds: Builds, table: str) -> None:
    count, only_incremental, only_full = _compare(builds.incremental, builds.full, table)
    assert only_incremental == [] and only_full == [], (table, count)


def test_restated_and_late_changed_keys(builds: Builds) -> None:
    r = builds.restatement
    rows = dict(
        (order_id, (path, amount))
        for order_id, path, amount in _rows(
            builds.incremental,
            "select order_id, source_file_path, amount_incl_tax from staging.stg_crm__orders",
        )
    )
    assert r.dropped_for_good not in rows
    assert rows[r.falls_back][0] == r.falls_back_to
    assert rows[r.changed] == (r.path, Decimal("4321.00"))
    assert rows[r.late_changed] == (LATE_DROP, Decimal("9876.00"))
    superseded = _rows(
        builds.incremental,
        "select count(*) from meta.load_manifest where status = 'loaded' and file_path = "
        f"'{r.path}'",
    )
    assert superseded == [(2,)]  # the first version and its restatement
