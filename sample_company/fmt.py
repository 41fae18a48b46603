"""Cell formatting of the extract contract: money, timestamps, dates, booleans.

Money is handled as integer cents (exact) or `decimal.Decimal`, never float. Times are integer
seconds since 1970-01-01 on the business-time-zone wall clock (naive); dates are day numbers on
the same axis, so `seconds // DAY` is the business date.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

DAY = 86_400
CENT = Decimal("0.01")
VAT_RATE = Decimal("0.13")
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def day_number(value: dt.date) -> int:
    """Days since 1970-01-01."""
    return value.toordinal() - _EPOCH_ORDINAL


def date_of(day: int) -> dt.date:
    return dt.date.fromordinal(day + _EPOCH_ORDINAL)


def money(cents: int) -> str:
    """`1234` → `12.34`; exactly two decimals."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole}.{frac:02d}"


def cents_of(value: Decimal) -> int:
    """Round a Decimal amount half-up to cents."""
    return int(value.quantize(CENT, rounding=ROUND_HALF_UP) * 100)


def tax_cents(gross_cents: int) -> int:
    """VAT contained in a tax-inclusive amount: gross × 13/113, rounded half-up to cents."""
    if gross_cents < 0:
        return -tax_cents(-gross_cents)
    return (gross_cents * 26 + 113) // 226


def percent_of(cents: int, percent: Decimal) -> int:
    """`percent` % of an amount in cents, rounded half-up to the cent (e.g. a gross margin)."""
    return int((Decimal(cents) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def ts(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))


def date_str(day: int) -> str:
    return date_of(day).isoformat()


def boolean(value: bool) -> str:
    return "true" if value else "false"


# ------------------------------------------------------------------ vectorised (numpy) variants


def money_col(cents: np.ndarray) -> list[str]:
    """Integer cents → `d.dd` strings (non-negative amounts only)."""
    values = np.asarray(cents, dtype=np.int64)
    if values.size and values.min() < 0:
        raise ValueError("money_col handles non-negative amounts only")
    return [
        f"{w}.{f:02d}"
        for w, f in zip((values // 100).tolist(), (values % 100).tolist(), strict=False)
    ]


def tax_col(gross_cents: np.ndarray) -> np.ndarray:
    """Vectorised `tax_cents` for non-negative amounts."""
    return (np.asarray(gross_cents, dtype=np.int64) * 26 + 113) // 226


def ts_col(seconds: np.ndarray, present: np.ndarray | None = None) -> list[str]:
    """Seconds → ISO timestamps; where `present` is False the cell is empty (null)."""
    text = np.datetime_as_string(np.asarray(seconds, dtype=np.int64).astype("datetime64[s]"))
    if present is None:
        return text.tolist()
    return np.where(present, text, "").tolist()


def date_col(days: np.ndarray) -> list[str]:
    return np.datetime_as_string(np.asarray(days, dtype=np.int64).astype("datetime64[D]")).tolist()


def id_col(prefix: str, numbers: np.ndarray, width: int, suffix: str = "") -> list[str]:
    return [f"{prefix}{n:0{width}d}{suffix}" for n in np.asarray(numbers).tolist()]
