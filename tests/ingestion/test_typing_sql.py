"""Typing SQL: parsing each value once (the loader's form) says exactly what parsing twice says."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from ingestion.contract import Column
from ingestion.typing_sql import column_sql, sql_literal

TZ = "Asia/Shanghai"

CASES: list[tuple[Column, list[str | None]]] = [
    (Column("n", "int", required=True), ["42", " -7 ", "+3", "4.5", "1,000", "", "  ", None]),
    (Column("amount", "dec", min_value=0), ["12.50", "-1.00", "1,200.00", "3.456", "x", ""]),
    (Column("rate", "num", max_value=1), ["0.25", "1.5", "0.1234567", "abc", None]),
    (Column("flag", "bool"), ["true", "0", "是", "否", "yes", ""]),
    (Column("day", "date", key=True), ["2026-01-31", "2026-02-30", "31/01/2026", " ", None]),
    (
        Column("at", "ts"),
        ["2026-01-31 08:00:00", "2026-01-31T00:30:00Z", "2026-01-31 08:00+08:00", "8am", ""],
    ),
    (Column("status", "str", enum=("open", "won")), ["open", "lost", " open", ""]),
    (Column("code", "str", pattern=r"[0-9A-Z]{18}"), ["91310000MA1FL8XQ3A", "short", None]),
]


def _evaluate(column: Column, values: list[str | None]) -> tuple[list[tuple], list[tuple]]:
    con = duckdb.connect()
    rows = ", ".join(
        f"({i}, {sql_literal(v) if v is not None else 'null'})" for i, v in enumerate(values)
    )
    con.execute(f"create table t as select * from (values {rows}) as v(i, c0)")
    twice = column_sql(column, "c0", TZ)
    once = column_sql(column, "c0", TZ, value_ref="_v0", typed_ref="_t0")
    direct = con.execute(f"select {twice.typed}, {twice.reason} from t order by i").fetchall()
    referenced = con.execute(
        f"with p as (select *, {once.value} as _v0, {once.typed} as _t0 from t) "
        f"select _t0, {once.reason} from p order by i"
    ).fetchall()
    return direct, referenced


@pytest.mark.parametrize(("column", "values"), CASES, ids=[c.type + ":" + c.name for c, _ in CASES])
def test_parsing_once_gives_the_same_values_and_reasons(
    column: Column, values: list[str | None]
) -> None:
    direct, referenced = _evaluate(column, values)
    assert referenced == direct


def test_hand_checked_outcomes() -> None:
    _, money = _evaluate(CASES[1][0], CASES[1][1])
    assert money == [
        (Decimal("12.50"), None),
        (Decimal("-1.00"), "amount: out of range 0..: '-1.00'"),
        (None, "amount: thousands separator in money: '1,200.00'"),
        (None, "amount: money has more than 2 decimals: '3.456'"),
        (None, "amount: not a money amount (digits, at most 2 decimals): 'x'"),
        (None, None),
    ]
    _, stamps = _evaluate(CASES[5][0], CASES[5][1])
    assert [t for t, _ in stamps] == [
        dt.datetime(2026, 1, 31, 8, 0),
        dt.datetime(2026, 1, 31, 8, 30),  # UTC midnight-thirty is 08:30 in Shanghai
        dt.datetime(2026, 1, 31, 8, 0),
        None,
        None,
    ]
    assert stamps[3][1] == "at: not a valid ISO 8601 timestamp: '8am'"
    _, counts = _evaluate(CASES[0][0], CASES[0][1])
    assert counts[0] == (42, None) and counts[1] == (-7, None) and counts[2] == (3, None)
    assert counts[3] == (None, "n: not an integer: '4.5'")
    assert counts[5] == (None, "n: required value is empty")
