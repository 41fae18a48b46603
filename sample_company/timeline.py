"""The calendar of the sample company: drop schedule and daily activity weights."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ingestion.contract import SOURCES
from sample_company.fmt import date_of, day_number
from sample_company.texts import CAMPAIGN_CALENDAR

NIGHTLY_DAYS = 14
WEEKLY_STEP = 7


@dataclass(frozen=True)
class Drop:
    """One extract night: the sources that export that night (the others send nothing)."""

    date: dt.date
    sources: tuple[str, ...]
    nightly: bool

    @property
    def day(self) -> int:
        return day_number(self.date)


def build_drops(start: dt.date, end: dt.date) -> list[Drop]:
    """Weekly drops over the history, then one drop per night for the last 14 days.

    In the nightly stretch, `hr` and `plan` export on working days only, `finance` misses one
    night (outage) and `ecommerce` another; the next export catches up. The last night always
    has every source, so nothing generated stays undelivered.
    """
    nightly_start = end - dt.timedelta(days=NIGHTLY_DAYS - 1)
    drops: list[Drop] = []
    day = start + dt.timedelta(days=WEEKLY_STEP - 1)
    while day < nightly_start:
        drops.append(Drop(day, SOURCES, nightly=False))
        day += dt.timedelta(days=WEEKLY_STEP)
    outage = {
        "finance": end - dt.timedelta(days=9),
        "ecommerce": end - dt.timedelta(days=4),
    }
    for offset in range(NIGHTLY_DAYS):
        night = nightly_start + dt.timedelta(days=offset)
        sending = []
        for source in SOURCES:
            if night == end:
                sending.append(source)
            elif (source in ("hr", "plan") and night.weekday() >= 5) or outage.get(source) == night:
                continue
            else:
                sending.append(source)
        drops.append(Drop(night, tuple(sending), nightly=True))
    return drops


def _growth(days: np.ndarray, start_day: int) -> np.ndarray:
    """15 % yearly growth (the seeds' three-year average)."""
    return 1.15 ** ((days - start_day) / 365.0)


def campaign_boost(days: np.ndarray) -> np.ndarray:
    """E-commerce order multiplier of the platform campaigns (618, 双11, ...)."""
    dates = [date_of(int(d)) for d in days]
    boost = np.ones(len(days))
    for i, date in enumerate(dates):
        for _name, month, first, last, inside, peak in CAMPAIGN_CALENDAR:
            if date.month == month and first <= date.day <= last:
                boost[i] = peak if date.day == last else inside
    return boost


def ecommerce_day_weights(days: np.ndarray, start_day: int) -> np.ndarray:
    """Relative e-commerce order volume per day: growth × campaigns × weekend × Spring Festival."""
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday → Monday = 0
    weekend = np.where(weekday >= 5, 1.15, 1.0)
    months = np.array([date_of(int(d)).month for d in days])
    dom = np.array([date_of(int(d)).day for d in days])
    festival = np.where((months == 2) & (dom <= 15), 0.6, 1.0)
    return _growth(days, start_day) * campaign_boost(days) * weekend * festival


def crm_day_weights(days: np.ndarray, start_day: int) -> np.ndarray:
    """Relative offline (CRM) order volume per day: working days, quarter-end push, December."""
    weekday = (days + 3) % 7
    working = np.where(weekday >= 5, 0.12, 1.0)
    dates = [date_of(int(d)) for d in days]
    quarter_end = np.array(
        [1.4 if d.month in (3, 6, 9, 12) and d.day >= 20 else 1.0 for d in dates]
    )
    festival = np.array([0.4 if d.month == 2 and d.day <= 15 else 1.0 for d in dates])
    december = np.array([1.2 if d.month == 12 else 1.0 for d in dates])
    return _growth(days, start_day) * working * quarter_end * festival * december


def poisson_times(
    rng: np.random.Generator,
    days: np.ndarray,
    rate: np.ndarray,
    first_hour: int = 9,
    last_hour: int = 19,
) -> np.ndarray:
    """Event times (seconds, sorted): Poisson(rate[d]) events on each day, within office hours."""
    counts = rng.poisson(np.maximum(rate, 0.0))
    on_day = np.repeat(np.asarray(days, dtype=np.int64), counts)
    seconds = rng.integers(first_hour * 3600, last_hour * 3600, size=on_day.size)
    times = on_day * 86_400 + seconds
    times.sort()
    return times
