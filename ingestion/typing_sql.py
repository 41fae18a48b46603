"""SQL expressions that type one text column per the contract and say why a value is bad.

For each column the loader gets a pair: the typed value (NULL when the text is empty or bad) and a
reason (NULL when the value is fine). Both are plain DuckDB SQL evaluated over the whole file at
once: no Python row loops.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingestion.contract import SQL_TYPES, Column

DATE_RE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
TIME_RE = r"[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?"
OFFSET_RE = r"(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)"
TS_RE = f"{DATE_RE}([T ]{TIME_RE}{OFFSET_RE}?)?"
TS_WITH_OFFSET_RE = f"{DATE_RE}[T ]{TIME_RE}{OFFSET_RE}"
MONEY_RE = r"-?[0-9]{1,16}(\.[0-9]{1,2})?"
NUM_RE = r"[+-]?[0-9]{1,12}(\.[0-9]{1,6})?"
INT_RE = r"[+-]?[0-9]{1,18}"
TRUE_WORDS = ("true", "1", "是")
FALSE_WORDS = ("false", "0", "否")


def sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _in_list(values: tuple[str, ...]) -> str:
    return ", ".join(sql_literal(v) for v in values)


@dataclass(frozen=True)
class ColumnSql:
    value: str  # the text, trimmed (except `str` columns), NULL when empty
    typed: str  # typed value expression
    reason: str  # NULL when fine, else "<column>: <why>"


def column_sql(
    column: Column,
    text: str,
    business_tz: str,
    *,
    value_ref: str | None = None,
    typed_ref: str | None = None,
) -> ColumnSql:
    """Expressions over `text`, an SQL expression holding the column's raw text (NULL if empty).

    With `value_ref` and `typed_ref` (names under which the query already computed `value` and
    `typed`), the reason refers to them instead of parsing the text again, so every value is
    parsed once: a non-empty value is bad exactly when it does not type.
    """
    v = f"nullif(trim({text}), '')" if column.type != "str" else f"nullif({text}, '')"
    shown = f"'''' || {text} || ''''"
    label = sql_literal(f"{column.name}: ")
    typed, bad = _typed_and_bad(column, v, business_tz)
    value_sql, typed_sql = v, typed
    if value_ref is not None and typed_ref is not None:
        v, typed = value_ref, typed_ref
        bad = None if bad is None else f"{typed} is null"
    checks: list[tuple[str, str]] = []
    if column.not_null:
        checks.append((f"{v} is null", "'required value is empty'"))
    if bad is not None:
        checks.append((f"{v} is not null and ({bad})", _bad_message(column, v, shown)))
    if column.enum:
        checks.append(
            (
                f"{v} is not null and {v} not in ({_in_list(column.enum)})",
                f"'not one of {', '.join(column.enum)}: ' || {shown}",
            )
        )
    if column.pattern:
        checks.append(
            (
                f"{v} is not null and not regexp_full_match({v}, {sql_literal(column.pattern)})",
                f"'does not match the expected format: ' || {shown}",
            )
        )
    if column.min_value is not None or column.max_value is not None:
        low = -1e300 if column.min_value is None else column.min_value
        high = 1e300 if column.max_value is None else column.max_value
        checks.append(
            (
                f"({typed}) is not null and not (({typed}) between {low} and {high})",
                f"'out of range {column.min_value if column.min_value is not None else ''}"
                f"..{column.max_value if column.max_value is not None else ''}: ' || {shown}",
            )
        )
    if not checks:
        return ColumnSql(value_sql, typed_sql, "null")
    whens = " ".join(f"when {cond} then {label} || {msg}" for cond, msg in checks)
    return ColumnSql(value_sql, typed_sql, f"case {whens} end")


def _typed_and_bad(column: Column, v: str, business_tz: str) -> tuple[str, str | None]:
    sql_type = SQL_TYPES[column.type]
    match column.type:
        case "str":
            return v, None
        case "int":
            ok = f"regexp_full_match({v}, '{INT_RE}')"
            return f"case when {ok} then try_cast({v} as {sql_type}) end", f"not {ok}"
        case "dec":
            ok = f"regexp_full_match({v}, '{MONEY_RE}')"
            return f"case when {ok} then cast({v} as {sql_type}) end", f"not {ok}"
        case "num":
            ok = f"regexp_full_match({v}, '{NUM_RE}')"
            return f"case when {ok} then cast({v} as {sql_type}) end", f"not {ok}"
        case "bool":
            low = f"lower({v})"
            typed = (
                f"case when {low} in ({_in_list(TRUE_WORDS)}) then true "
                f"when {low} in ({_in_list(FALSE_WORDS)}) then false end"
            )
            return typed, f"{low} not in ({_in_list(TRUE_WORDS + FALSE_WORDS)})"
        case "date":
            typed = f"case when regexp_full_match({v}, '{DATE_RE}') then try_cast({v} as date) end"
            return typed, f"({typed}) is null"
        case "ts":
            with_offset = f"regexp_full_match({v}, '{TS_WITH_OFFSET_RE}')"
            typed = (
                f"case when not regexp_full_match({v}, '{TS_RE}') then null "
                f"when {with_offset} then timezone({sql_literal(business_tz)}, "
                f"try_cast({v} as timestamptz)) "
                f"else try_cast({v} as timestamp) end"
            )
            return typed, f"({typed}) is null"
    raise ValueError(f"unknown column type {column.type!r}")


def _bad_message(column: Column, v: str, shown: str) -> str:
    match column.type:
        case "int":
            return f"'not an integer: ' || {shown}"
        case "dec":
            return (
                f"case when {v} like '%,%' then 'thousands separator in money: ' "
                f"when regexp_full_match({v}, '-?[0-9]+\\.[0-9]{{3,}}') "
                f"then 'money has more than 2 decimals: ' "
                f"else 'not a money amount (digits, at most 2 decimals): ' end || {shown}"
            )
        case "num":
            return f"'not a number (at most 6 decimals): ' || {shown}"
        case "bool":
            return f"'not a boolean (true/false, 1/0, 是/否): ' || {shown}"
        case "date":
            return f"'not a valid date YYYY-MM-DD: ' || {shown}"
        case "ts":
            return f"'not a valid ISO 8601 timestamp: ' || {shown}"
    return f"'invalid value: ' || {shown}"
