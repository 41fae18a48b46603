"""Spreadsheet formula injection (CSV injection), neutralised in SQL while the CSV is written.

A spreadsheet opening a CSV runs a cell that starts with `=`, `+`, `-` or `@` as a formula
(`=HYPERLINK(…)`, `=cmd|' /C calc'!A0`), also after leading blanks, and treats a leading tab or
carriage return the same way. Following OWASP's CSV-injection guidance, such a *text* cell gets a
single quote in front, which Excel and LibreOffice show as text and do not evaluate. Only text
columns are touched: numbers, dates and booleans are written as themselves, so a negative amount
stays a number (`-12.50`), not `'-12.50`.
"""

from __future__ import annotations

# A text value a spreadsheet would evaluate: after optional whitespace (\s, and Unicode spaces
# such as the ideographic space U+3000) one of = + - @, or a leading tab / carriage return.
FORMULA_TRIGGER_REGEX = r"^[\s\p{Z}]*[=+\-@]|^[\t\r]"

TEXT_TYPES = frozenset({"VARCHAR", "JSON"})


def is_text_type(duckdb_type: str) -> bool:
    return duckdb_type.upper() in TEXT_TYPES or duckdb_type.upper().startswith("ENUM")


def neutralised_text_sql(column_sql: str) -> str:
    """SQL for a text column's value as written to a CSV: prefixed with `'` when it would run."""
    value = f"cast({column_sql} as varchar)"
    return (
        f"case when regexp_matches({value}, '{FORMULA_TRIGGER_REGEX}') "
        f"then '''' || {value} else {value} end"
    )


def neutralise_text(value: str) -> str:
    """The same rule in Python, for files written cell by cell (the payroll file).

    `str.lstrip()` strips the Unicode spaces `\\p{Z}` covers (U+3000 included) besides `\\s`.
    """
    if value[:1] in ("\t", "\r") or value.lstrip()[:1] in ("=", "+", "-", "@"):
        return f"'{value}"
    return value
