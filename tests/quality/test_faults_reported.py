"""Issue 4: the sample company generated with every fault publishes nothing wrong and reports
every injected fault with its reason.

The tiny company is generated with `faults=True`, loaded by the loader, built by `dbt run` with
the nightly defaults, validated, recorded (run `faults`) and published — what the nightly job
does, without Dagster. `_faults.json` lists what was injected; every fault must be accounted for:

- bad rows (`expected: quarantine`): in meta.quarantine with file, line and a reason naming the
  column and value, and in the run's `raw_rows_quarantined` failing examples with the same;
- broken files (`expected: reject_file`): rejected in meta.load_manifest with the reason, and in
  `raw_files_rejected`;
- loadable deviations: the check that names them (`raw_key_unique_per_drop`,
  `raw_stale_versions_resent`, `raw_files_nonstandard`); a reordered header, which the contract
  allows, is reported as non-standard and its rows must have arrived with every value in place.

And nothing a fault would corrupt reaches the published numbers: no staging row comes from a
quarantined line or a rejected file, the quarantined orders are in no order model, and the
published revenue of the quarantined CRM order's sales rep in its month is exactly that of the
orders that did load.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.contract import entity
from quality.checks import QualityConfig, run_checks
from quality.history import read_history
from quality.report import render_html
from sample_company import generate
from tests.quality.warehouses import (
    GateOutcome,
    build_warehouse,
    gate,
    marts_snapshot,
    published_snapshot,
)

RUN_ID = "faults"

# Fault kinds of sample_company/faults.py and the check that reports each of them.
QUARANTINED = ("raw_rows_quarantined", "quarantine")
REJECTED = ("raw_files_rejected", "reject_file")
REPORTED_BY: dict[str, str | None] = {
    "bad_money_decimals": "raw_rows_quarantined",
    "bad_money_thousands": "raw_rows_quarantined",
    "bad_enum": "raw_rows_quarantined",
    "bad_date": "raw_rows_quarantined",
    "bad_int": "raw_rows_quarantined",
    "bad_timestamp": "raw_rows_quarantined",
    "missing_required_column": "raw_files_rejected",
    "truncated_file": "raw_files_rejected",
    "duplicate_key_in_file": "raw_key_unique_per_drop",
    "older_version_resent": "raw_stale_versions_resent",
    "gb18030_file": "raw_files_nonstandard",
    "utf8_bom_file": "raw_files_nonstandard",
    "extra_column": "raw_files_nonstandard",
    # allowed by the contract (columns matched by name): reported, and checked as loaded
    "reordered_header": "raw_files_nonstandard",
}
# What raw_files_nonstandard says about each (its `reason`)
NONSTANDARD_REASONS = {
    "gb18030_file": "encoded gb18030",
    "utf8_bom_file": "UTF-8 with a byte order mark",
    "extra_column": "columns not in the contract (kept in _extra_columns): wechat_id",
}


@dataclass(frozen=True)
class FaultRun:
    landing: Path
    warehouse: Path
    faults: list[dict[str, Any]]
    outcome: GateOutcome
    history: dict[str, dict[str, Any]]  # check name -> history row of the run
    html: str

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def examples(self, check: str) -> list[dict[str, Any]]:
        row = self.history[check]
        assert row["failing_count"] == len(json.loads(row["failing_examples"])), (
            f"{check}: more failing rows than examples kept"
        )
        return json.loads(row["failing_examples"])

    def faults_of(self, kind: str) -> list[dict[str, Any]]:
        return [f for f in self.faults if f["kind"] == kind]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultRun]:
    home = tmp_path_factory.mktemp("faults_run")
    landing = home / "landing"
    generate(landing, scale="tiny", faults=True)
    faults = json.loads((landing / "_faults.json").read_text(encoding="utf-8"))
    built = build_warehouse(landing, home / "build")
    con = duckdb.connect(str(built.warehouse))
    try:
        outcome = gate(con, RUN_ID)
        history = {r["check_name"]: r for r in read_history(con, RUN_ID)}
        con.execute("checkpoint")
    finally:
        con.close()
    yield FaultRun(landing, built.warehouse, faults, outcome, history, render_html(outcome.report))


def _csv_row(landing: Path, rel: str, line: int) -> dict[str, str]:
    """The record starting on physical `line` of a landing file, by header name."""
    data = (landing / rel).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    start = 2
    for row in reader:
        if start == line:
            return row
        start = reader.line_num + 1
    raise AssertionError(f"{rel} has no record starting on line {line}")


def _staging(fault: dict[str, Any]) -> str:
    source, name = fault["file"].split("/")[0], Path(fault["file"]).stem
    return f"staging.stg_{source}__{name}"


# --------------------------------------------------------------------------- every fault reported


def test_the_generator_injects_exactly_the_kinds_this_test_accounts_for(run: FaultRun) -> None:
    assert sorted(f["kind"] for f in run.faults) == sorted(REPORTED_BY)


def test_the_run_passes_the_gate_and_publishes_its_marts(run: FaultRun) -> None:
    assert run.outcome.report.errors == []
    assert run.outcome.refused is None
    assert run.outcome.publication is not None
    con = duckdb.connect(str(run.warehouse), read_only=True)
    try:
        assert published_snapshot(con) == marts_snapshot(con)
    finally:
        con.close()


@pytest.mark.parametrize("kind", [k for k, c in REPORTED_BY.items() if c == QUARANTINED[0]])
def test_quarantined_row_is_reported_with_file_line_and_reason(run: FaultRun, kind: str) -> None:
    (fault,) = run.faults_of(kind)
    assert fault["expected"] == QUARANTINED[1]
    stored = run.query(
        "select reason from meta.quarantine where file_path = ? and line_number = ?",
        [fault["file"], fault["line"]],
    )
    assert len(stored) == 1
    reason = stored[0][0]
    assert reason.startswith(f"{fault['column']}: ") and fault["value"] in reason
    reported = [
        e
        for e in run.examples("raw_rows_quarantined")
        if (e["file_path"], e["line_number"]) == (fault["file"], fault["line"])
    ]
    assert [e["reason"] for e in reported] == [reason]
    history = run.history["raw_rows_quarantined"]
    assert (history["severity"], history["status"]) == ("warning", "failed")
    # nothing of it reached staging: the model has no row from that line
    assert run.query(
        f"select count(*) from {_staging(fault)} "
        "where source_file_path = ? and source_line_number = ?",
        [fault["file"], fault["line"]],
    ) == [(0,)]


@pytest.mark.parametrize("kind", [k for k, c in REPORTED_BY.items() if c == REJECTED[0]])
def test_rejected_file_is_reported_with_its_reason(run: FaultRun, kind: str) -> None:
    (fault,) = run.faults_of(kind)
    assert fault["expected"] == REJECTED[1]
    manifest = run.query(
        "select status, reason from meta.load_manifest where file_path = ?", [fault["file"]]
    )
    assert len(manifest) == 1 and manifest[0][0] == "rejected"
    reason = manifest[0][1]
    expected_start = {
        "missing_required_column": "missing required column(s): amount",
        "truncated_file": "truncated: ",
    }[kind]
    assert reason.startswith(expected_start)
    reported = [e for e in run.examples("raw_files_rejected") if e["file_path"] == fault["file"]]
    assert [e["reason"] for e in reported] == [reason]
    # nothing of the file was loaded
    raw = f"raw.{Path(fault['file']).parts[0]}__{Path(fault['file']).stem}"
    assert run.query(f"select count(*) from {raw} where _file_path = ?", [fault["file"]]) == [(0,)]
    assert run.query(
        f"select count(*) from {_staging(fault)} where source_file_path = ?", [fault["file"]]
    ) == [(0,)]


def test_duplicate_key_in_file_is_reported_with_both_lines(run: FaultRun) -> None:
    (fault,) = run.faults_of("duplicate_key_in_file")
    reported = [
        e
        for e in run.examples("raw_key_unique_per_drop")
        if (e["file_path"], e["key"]) == (fault["file"], fault["value"])
    ]
    assert len(reported) == 1
    assert reported[0]["occurrences"] == 2
    assert reported[0]["line_numbers"] == [fault["line"] - 1, fault["line"]]


def test_older_version_resent_is_reported_and_loses(run: FaultRun) -> None:
    (fault,) = run.faults_of("older_version_resent")
    order_id = _csv_row(run.landing, fault["file"], fault["line"])["order_id"]
    reported = [
        e
        for e in run.examples("raw_stale_versions_resent")
        if (e["file_path"], e["line_number"]) == (fault["file"], fault["line"])
    ]
    assert len(reported) == 1
    assert (reported[0]["entity"], reported[0]["key"]) == ("crm__orders", order_id)
    assert reported[0]["updated_at"][:19] == fault["value"][:19]
    assert fault["note"].endswith("it must lose in staging")
    assert reported[0]["newer_file_path"] in fault["note"]
    # the newer version won
    (winner,) = run.query(
        "select source_file_path, source_line_number from staging.stg_crm__orders "
        "where order_id = ?",
        [order_id],
    )
    assert winner != (fault["file"], fault["line"])


@pytest.mark.parametrize("kind", sorted(NONSTANDARD_REASONS))
def test_nonstandard_file_is_reported(run: FaultRun, kind: str) -> None:
    (fault,) = run.faults_of(kind)
    reported = [e for e in run.examples("raw_files_nonstandard") if e["file_path"] == fault["file"]]
    assert [e["reason"] for e in reported] == [NONSTANDARD_REASONS[kind]]
    status = run.query("select status from meta.load_manifest where file_path = ?", [fault["file"]])
    assert status == [("loaded",)]


def test_reordered_header_loads_every_value_by_name(run: FaultRun) -> None:
    (fault,) = run.faults_of("reordered_header")
    ent = entity(*Path(fault["file"]).parts[0:1], Path(fault["file"]).stem)
    text_columns = [c.name for c in ent.columns if c.type == "str"]
    header = (run.landing / fault["file"]).read_text(encoding="utf-8").splitlines()[0].split(",")
    reported = [e for e in run.examples("raw_files_nonstandard") if e["file_path"] == fault["file"]]
    assert [e["reason"] for e in reported] == [
        "columns in another order than the contract (matched by name): " + ",".join(header)
    ]
    assert header != [c.name for c in ent.columns]
    rows = run.query(
        f"select _line_number, {', '.join(text_columns)} from raw.{ent.qualified_name} "
        "where _file_path = ? order by _line_number",
        [fault["file"]],
    )
    assert rows, "nothing loaded from the reordered file"
    for line, *values in rows:
        expected = _csv_row(run.landing, fault["file"], line)
        assert values == [expected[c] or None for c in text_columns]


def test_every_reported_fault_is_in_the_html_report(run: FaultRun) -> None:
    for fault in run.faults:
        if REPORTED_BY[fault["kind"]] is not None:
            assert fault["file"] in run.html, fault


# --------------------------------------------------------------------------- nothing corrupt published


def test_quarantined_orders_are_in_no_order_model(run: FaultRun) -> None:
    for kind, prefix in (("bad_money_thousands", "crm"), ("bad_money_decimals", "ecommerce")):
        (fault,) = run.faults_of(kind)
        order_id = _csv_row(run.landing, fault["file"], fault["line"])["order_id"]
        other_versions = run.query(
            f"select count(*) from raw.{prefix}__orders where order_id = ?", [order_id]
        )
        assert other_versions == [(0,)], "the quarantined line was expected to be its only version"
        assert run.query(
            f"select count(*) from staging.stg_{prefix}__orders where order_id = ?", [order_id]
        ) == [(0,)]
        assert run.query(
            "select count(*) from intermediate.int_orders_unified where order_key = ?",
            [f"{prefix}:{order_id}"],
        ) == [(0,)]


def test_published_revenue_of_the_quarantined_orders_rep_excludes_it(run: FaultRun) -> None:
    (fault,) = run.faults_of("bad_money_thousands")
    row = _csv_row(run.landing, fault["file"], fault["line"])
    rep, month = row["sales_rep_id"], row["ordered_at"][:7]
    (loaded,) = run.query(
        "select coalesce(sum(revenue_amount), 0) from intermediate.int_orders_unified "
        "where employee_id = ? and strftime(order_date, '%Y-%m') = ? and is_valid_order "
        "and role is not null",
        [rep, month],
    )
    published = run.query(
        "select numerator from published.fct_kpi_values where entity_type = 'employee' "
        "and entity_id = ? and period_type = 'month' and period = ? and kpi_code = 'revenue'",
        [rep, month],
    )
    assert len(published) == 1, f"{rep} has no published revenue for {month}"
    # with the order in no order model (test above), its amount is not in the published number
    assert published[0][0] == loaded[0]


def test_faults_are_reported_until_a_publication_includes_their_loads(run: FaultRun) -> None:
    names = [
        "raw_rows_quarantined",
        "raw_files_rejected",
        "raw_files_nonstandard",
        "raw_stale_versions_resent",
    ]
    expected = {
        "raw_rows_quarantined": sum(f["expected"] == "quarantine" for f in run.faults),
        "raw_files_rejected": sum(f["expected"] == "reject_file" for f in run.faults),
        "raw_files_nonstandard": len(NONSTANDARD_REASONS) + 1,  # + the reordered header
        "raw_stale_versions_resent": 1,
    }
    assert expected["raw_rows_quarantined"] == 6 and expected["raw_files_rejected"] == 2
    assert {n: run.history[n]["failing_count"] for n in names} == expected
    con = duckdb.connect(str(run.warehouse), read_only=True)
    try:
        # the next night, with nothing new loaded: the publication covers every load
        settled = run_checks(con, names=names)
        # …unless the run is told which loads it saw (QualityConfig.min_load_id)
        replayed = run_checks(con, names=names, config=QualityConfig(min_load_id=1))
    finally:
        con.close()
    assert {r.name: r.failing_count for r in settled.results} == dict.fromkeys(names, 0)
    assert {r.status for r in settled.results} == {"passed"}
    assert {r.name: r.failing_count for r in replayed.results} == expected
