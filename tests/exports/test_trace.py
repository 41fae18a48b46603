"""`trace`: every KPI value of the hand-built company reconciles with its contributing rows; a few
traces checked by hand (file, line, load id, checksum); a payout line computed by hand; a frozen
payroll period traced as exported after the live data changed.

Run:  .venv/bin/pytest tests/exports/test_trace.py
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from decimal import Decimal

import duckdb
import pytest

from exports.trace import (
    FROZEN_CONTRIBUTIONS,
    KpiTrace,
    TraceError,
    trace_all_values,
    trace_kpi,
    trace_payout,
    unreconciled_frozen_values,
)
from orchestration.cli import main
from tests.dbt_project.test_kpis_hand_company import ALL_CODES, LANDING_DIR

from .trace_fixtures import TracedCompany, frozen_then_changed, traced_company

__all__ = ["frozen_then_changed", "traced_company"]  # fixtures used by the tests below

D = Decimal


def _sha256(relative: str) -> str:
    return hashlib.sha256((LANDING_DIR / relative).read_bytes()).hexdigest()


def _load_id(con: duckdb.DuckDBPyConnection, file_path: str) -> int:
    (load_id,) = con.execute(
        "select max(load_id) from meta.load_manifest where file_path = ? and status = 'loaded'",
        [file_path],
    ).fetchone()
    return load_id


def _source_entity(path: str) -> tuple[str, str]:
    """crm/2026-03-01/orders.csv → (crm, orders)"""
    source, _, file_name = path.split("/")
    return source, file_name.removesuffix(".csv")


@pytest.fixture(scope="module")
def all_traces(traced_company: TracedCompany) -> dict[str, list[KpiTrace]]:
    con = traced_company.connect()
    try:
        traces = trace_all_values(con)
    finally:
        con.close()
    by_code: dict[str, list[KpiTrace]] = defaultdict(list)
    for trace in traces:
        by_code[trace.kpi_code].append(trace)
    return by_code


def test_every_catalog_code_is_traced(all_traces: dict[str, list[KpiTrace]]) -> None:
    assert sorted(all_traces) == ALL_CODES


@pytest.mark.parametrize("code", ALL_CODES)
def test_every_value_of_the_code_reconciles(
    all_traces: dict[str, list[KpiTrace]], code: str
) -> None:
    traces = all_traces[code]
    broken = [
        (t.entity_type, t.entity_id, t.role, t.period, t.numerator, t.numerator_from_rows,
         t.denominator, t.denominator_from_rows, t.value, t.value_from_rows)
        for t in traces
        if not t.reconciles
    ]  # fmt: skip
    assert broken == []
    # not vacuous: the code has values backed by rows (every code of the company has some)
    assert any(t.numerator != 0 and t.rows_of("numerator") for t in traces)
    if traces[0].is_ratio:
        assert any(t.denominator and t.rows_of("denominator") for t in traces)


def test_collection_rate_trace_by_hand(traced_company: TracedCompany) -> None:
    """DS1, 2026-Q1 (NOTES.md): receipts RC2 5650 + RC4 3390 + RC5 2000 = 11040 over the valid
    orders O104 3390 + O106 4520 + O107 6780 = 14690; 11040 / 14690 = 0.751532."""
    con = traced_company.connect()
    try:
        trace = trace_kpi(con, entity_id="DS1", period="2026-Q1", kpi_code="collection_rate")
        loads = {
            path: _load_id(con, path)
            for path in (
                "finance/2026-02-01/receipts.csv",
                "finance/2026-03-01/receipts.csv",
                "finance/2026-04-01/receipts.csv",
                "crm/2026-02-01/orders.csv",
                "crm/2026-03-01/orders.csv",
                "crm/2026-03-26/orders.csv",
            )
        }
    finally:
        con.close()
    assert (trace.numerator, trace.denominator, trace.value) == (
        D("11040"),
        D("14690"),
        D("0.751532"),
    )
    assert trace.basis.kind == "published" and trace.basis.publication_id == 1
    assert trace.definition.startswith("`collection_rate`: 回款率.")
    got = [
        (r.side, r.record_id, r.contribution, r.source_file_path, r.source_line_number,
         r.load_id, r.file_sha256, r.source, r.source_entity)
        for r in trace.rows
    ]  # fmt: skip
    expected = [
        ("numerator", "RC2", D("5650"), "finance/2026-02-01/receipts.csv", 2),
        ("numerator", "RC4", D("3390"), "finance/2026-03-01/receipts.csv", 2),
        ("numerator", "RC5", D("2000"), "finance/2026-04-01/receipts.csv", 2),
        ("denominator", "O104", D("3390"), "crm/2026-02-01/orders.csv", 3),
        ("denominator", "O106", D("4520"), "crm/2026-03-01/orders.csv", 2),
        ("denominator", "O107", D("6780"), "crm/2026-03-26/orders.csv", 2),
    ]
    assert got == [
        (side, rid, amount, path, line, loads[path], _sha256(path), *_source_entity(path))
        for side, rid, amount, path, line in expected
    ]
    assert trace.reconciles


def test_response_minutes_are_seconds_divided_by_sixty(traced_company: TracedCompany) -> None:
    con = traced_company.connect()
    try:
        trace = trace_kpi(
            con, entity_id="EC1", period="2026-Q1", kpi_code="avg_first_response_minutes"
        )
    finally:
        con.close()
    seconds = [r.contribution for r in trace.rows_of("numerator")]
    assert {r.contribution_divisor for r in trace.rows_of("numerator")} == {60}
    assert trace.numerator == sum(seconds) / 60
    assert trace.value == D("30.25") and trace.reconciles


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(entity_id="DS9", period="2026-03", kpi_code="revenue"), "unknown employee 'DS9'"),
        (dict(entity_id="DS1", period="2026-13", kpi_code="revenue"), "its months: 2026-03"),
        (dict(entity_id="DS1", period="2026-03", kpi_code="revenu"), "its KPIs: revenue"),
        (dict(entity_id="DS1", period="March", kpi_code="revenue"), "is not a month"),
        (
            dict(entity_id="DS1", period="2026-03", kpi_code="gmv"),
            "no KPI 'gmv' for employee DS1 (direct_sales)",
        ),
    ],
)
def test_bad_input_says_what_exists(
    traced_company: TracedCompany, kwargs: dict[str, str], message: str
) -> None:
    con = traced_company.connect()
    try:
        with pytest.raises(TraceError, match=message.replace("(", r"\(").replace(")", r"\)")):
            trace_kpi(con, **kwargs)
    finally:
        con.close()


def test_payout_line_by_hand(traced_company: TracedCompany) -> None:
    """DS1 2026-Q1, targets of trace_fixtures.DS1_TARGETS_CSV, plan 2026.1 (direct_sales):
    revenue 14690 / 12000 = 1.2241666667 (challenge tier) × 50 = 61.208333335
    collection 0.751532 / 0.7 = 1.0736171429 × 30 = 32.208514287
    retention 0.5 / 0.5 = 1 × 20 = 20                 → weighted score 113.416847622
    performance pay 8000 × 113.416847622 ÷ 100 = 9073.34780976 → 9073.35
    tier bonus (challenge) 10000, not gated (0.751532 ≥ 0.5) → payout 19073.35"""
    con = traced_company.connect()
    try:
        trace = trace_payout(con, employee_id="DS1", period="2026-Q1")
        by_id = trace_payout(con, payout_id=trace.payout_id)
    finally:
        con.close()
    assert trace.weighted_score == D("113.416847622")
    assert (trace.performance_pay_amount, trace.tier_bonus_amount, trace.payout_amount) == (
        D("9073.35"),
        D("10000"),
        D("19073.35"),
    )
    assert not trace.is_gated and trace.gate_kpi is not None
    assert trace.gate_kpi.value == D("0.751532") and trace.gate_kpi.reconciles
    assert [
        (line.kpi_code, line.target_id, line.target_version, line.tier, line.weighted_points)
        for line in trace.lines
    ] == [
        ("revenue", "TG-DS1-Q1-REV", 1, "challenge", D("61.208333335")),
        ("collection_rate", "TG-DS1-Q1-COL", 1, "challenge", D("32.208514287")),
        ("customer_retention_rate", "TG-DS1-Q1-RET", 1, "challenge", D("20")),
    ]
    source = trace.lines[0].target_source
    assert (source["source_file_path"], source["source_line_number"]) == (
        "plan/2026-06-01/targets.csv",
        2,
    )
    assert [line.kpi.value for line in trace.lines] == [D("14690"), D("0.751532"), D("0.5")]
    assert all(check.holds for check in trace.checks) and trace.reconciles
    assert by_id.payout_amount == D("19073.35")


def test_unknown_payout_is_a_clear_error(traced_company: TracedCompany) -> None:
    con = traced_company.connect()
    try:
        with pytest.raises(TraceError, match="no payout line for DS1 in quarter 2026-Q4"):
            trace_payout(con, employee_id="DS1", period="2026-Q4")
        with pytest.raises(TraceError, match="unknown payout 'nope'"):
            trace_payout(con, payout_id="nope")
    finally:
        con.close()


def test_freeze_stores_every_row_of_the_payout_period(frozen_then_changed: TracedCompany) -> None:
    con = frozen_then_changed.connect()
    try:
        by_period = dict(
            con.execute(
                f"select period, count(*) from {FROZEN_CONTRIBUTIONS} where batch_id = 'B-2026Q1' "
                "group by period"
            ).fetchall()
        )
        mismatches = unreconciled_frozen_values(con, batch_id="B-2026Q1")
    finally:
        con.close()
    # the quarter and its three months, nothing else
    assert sorted(by_period) == ["2026-01", "2026-02", "2026-03", "2026-Q1"]
    assert mismatches == []


def test_frozen_period_is_traced_as_exported(frozen_then_changed: TracedCompany) -> None:
    """After the export, late order O199 (1000.00, DS1, 2026-03-20) arrived in a later load:
    the trace keeps the exported 14690 with its three rows, and shows today's 15690 with O199
    as the row loaded after the batch's watermark."""
    con = frozen_then_changed.connect()
    try:
        trace = trace_kpi(con, entity_id="DS1", period="2026-Q1", kpi_code="revenue")
        live = trace_kpi(con, entity_id="DS1", period="2026-Q1", kpi_code="revenue", live_only=True)
        (watermark,) = con.execute(
            "select load_watermark from payroll.batches where batch_id = 'B-2026Q1'"
        ).fetchone()
        late_load = _load_id(con, "crm/2026-07-15/orders.csv")
    finally:
        con.close()
    assert trace.basis.kind == "frozen" and trace.basis.batch_id == "B-2026Q1"
    assert "as exported in batch B-2026Q1, publication 1" in trace.basis.describe()
    assert trace.value == D("14690") and trace.reconciles
    assert [r.record_id for r in trace.rows] == ["O104", "O106", "O107"]
    assert trace.live is not None and trace.live.value == D("15690")
    assert [(r.record_id, r.contribution, r.load_id) for r in trace.live.rows_added] == [
        ("O199", D("1000"), late_load)
    ]
    assert late_load > watermark
    assert [r.record_id for r in trace.live.loaded_after_watermark] == ["O199"]
    assert trace.live.rows_dropped == ()
    assert live.basis.kind == "published" and live.value == D("15690") and live.reconciles


def test_frozen_payout_is_the_exported_one(frozen_then_changed: TracedCompany) -> None:
    con = frozen_then_changed.connect()
    try:
        frozen = trace_payout(con, employee_id="DS1", period="2026-Q1")
        today = trace_payout(con, employee_id="DS1", period="2026-Q1", live_only=True)
    finally:
        con.close()
    assert frozen.basis.kind == "frozen" and frozen.payout_amount == D("19073.35")
    assert frozen.lines[0].kpi.value == D("14690") and frozen.reconciles
    # today's line scores the late order: revenue 15690, collection 11040 / 15690 = 0.703633
    assert [line.kpi.value for line in today.lines][:2] == [D("15690"), D("0.703633")]
    assert today.payout_amount != frozen.payout_amount and today.reconciles


def test_tampered_frozen_value_is_reported(frozen_then_changed: TracedCompany) -> None:
    con = frozen_then_changed.connect(read_only=False)
    try:
        con.execute("begin transaction")
        con.execute(
            "update payroll.frozen_kpi_values set numerator = numerator + 1, value = value + 1 "
            "where batch_id = 'B-2026Q1' and entity_id = 'DS1' and period = '2026-Q1' "
            "and kpi_code = 'revenue'"
        )
        mismatches = unreconciled_frozen_values(con, batch_id="B-2026Q1")
        con.execute("rollback")
    finally:
        con.close()
    assert mismatches == [
        "employee DS1 direct_sales 2026-Q1 revenue: frozen 14691.000000/None=14691.000000, "
        "rows 14690.000000/None=14690.000000"
    ]


def test_cli_text_json_and_limit(
    traced_company: TracedCompany, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("KPIWH_DUCKDB_PATH", str(traced_company.warehouse))
    base = ["trace", "--employee", "DS1", "--period", "2026-Q1", "--kpi", "collection_rate"]
    assert main([*base, "--limit", "1"], read_dotenv=False) == 0
    text = capsys.readouterr().out
    assert "numerator = 11040  (sum of 3 rows)" in text
    assert "finance/2026-02-01/receipts.csv:2" in text
    assert "finance/2026-03-01/receipts.csv:2" not in text  # beyond --limit
    assert "… 2 more rows" in text and "reconciles: reported 11040 / 14690 = 0.751532" in text

    assert main([*base, "--json"], read_dotenv=False) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["value"], data["reconciles"], len(data["rows"])) == ("0.751532", True, 6)

    payout = ["trace", "--employee", "DS1", "--period", "2026-Q1", "--payout"]
    assert main(payout, read_dotenv=False) == 0
    assert "payout 19073.35" in capsys.readouterr().out

    unknown = ["trace", "--employee", "NOBODY", "--period", "2026-Q1", "--kpi", "revenue"]
    assert main(unknown, read_dotenv=False) == 2
    assert "unknown employee 'NOBODY'" in capsys.readouterr().out

    assert main(["trace", "--verify", "--period", "2026-Q1"], read_dotenv=False) == 0
    assert "KPI values traced, 0 do not reconcile" in capsys.readouterr().out


def test_team_with_several_roles_needs_a_role(traced_company: TracedCompany) -> None:
    con = traced_company.connect()
    try:
        with pytest.raises(TraceError, match=r"several roles .*: say which with --role"):
            trace_kpi(con, entity_type="team", entity_id="T1", period="2026-Q1", kpi_code="revenue")
        trace = trace_kpi(
            con,
            entity_type="team",
            entity_id="T1",
            period="2026-Q1",
            kpi_code="revenue",
            role="direct_sales",
        )
    finally:
        con.close()
    assert trace.role == "direct_sales" and trace.reconciles
    assert trace.value == sum(r.contribution for r in trace.rows)


def test_a_build_newer_than_the_publication_is_pointed_out(
    frozen_then_changed: TracedCompany,
) -> None:
    """A later build that was not published (its gate failed) changed DS1's April revenue: the
    published number no longer matches the live rows, and the trace says why."""
    con = frozen_then_changed.connect(read_only=False)
    try:
        con.execute("begin transaction")
        con.execute(
            "update marts.fct_kpi_values set numerator = 1, value = 1 where entity_id = 'DS1' "
            "and period = '2026-04' and kpi_code = 'revenue' and entity_type = 'employee'"
        )
        trace = trace_kpi(con, entity_id="DS1", period="2026-04", kpi_code="revenue")
        con.execute("rollback")
    finally:
        con.close()
    assert trace.basis.kind == "published"
    assert trace.has_unpublished_change and trace.unpublished_build_value == D("1")
