"""Payout period labels, as the warehouse names them: `2025-Q3` (quarter), `2025-09` (month), `2025`
(year). Labels of one period type sort in time order, so the next period is label arithmetic."""

from __future__ import annotations

import re

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^(\d{4})$")


class BadPeriod(ValueError):
    """A period label that is not `YYYY-Qn`, `YYYY-MM` or `YYYY`."""


def period_type_of(period: str) -> str:
    if _QUARTER.match(period):
        return "quarter"
    if _MONTH.match(period):
        return "month"
    if _YEAR.match(period):
        return "year"
    raise BadPeriod(f"period {period!r} is not a quarter (2025-Q3), month (2025-09) or year (2025)")


def next_period(period: str) -> str:
    if match := _QUARTER.match(period):
        year, quarter = int(match[1]), int(match[2])
        return f"{year + 1}-Q1" if quarter == 4 else f"{year}-Q{quarter + 1}"
    if match := _MONTH.match(period):
        year, month = int(match[1]), int(match[2])
        return f"{year + 1}-01" if month == 12 else f"{year}-{month + 1:02d}"
    if match := _YEAR.match(period):
        return str(int(match[1]) + 1)
    raise BadPeriod(f"period {period!r} is not a quarter (2025-Q3), month (2025-09) or year (2025)")
