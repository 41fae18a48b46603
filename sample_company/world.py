"""Shared state of one generation run: the clock, the roster, the current export window."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sample_company.fmt import DAY
from sample_company.outbox import EventQueue, Outbox, Row
from sample_company.people import Roster


@dataclass
class World:
    """Everything the entity modules share. `outbox` is swapped at every export window."""

    seed: int
    order_lines: int
    start_day: int  # first day of the history
    end_day: int  # last day of the history (inclusive)
    roster: Roster
    queue: EventQueue = field(default_factory=EventQueue)
    outbox: Outbox = field(default_factory=Outbox)

    @property
    def scale_factor(self) -> float:
        """1.0 for the `small` company (100,000 e-commerce order lines)."""
        return self.order_lines / 100_000

    @property
    def sqrt_factor(self) -> float:
        return math.sqrt(self.scale_factor)

    @property
    def end_sec(self) -> int:
        """First second after the history: nothing at or after it is ever exported."""
        return (self.end_day + 1) * DAY

    @property
    def history_days(self) -> np.ndarray:
        return np.arange(self.start_day, self.end_day + 1)

    def rng(self, stream: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, stream])

    def at(self, t: int, fn: Callable[..., None], *args: Any) -> None:
        """Schedule `fn(t, *args)`; events after the history never happen."""
        if t < self.end_sec:
            self.queue.at(t, fn, *args)

    def put(self, entity: str, row: Row) -> None:
        self.outbox.put(entity, row)

    def emit_at(self, t: int, entity: str, row: Row) -> None:
        """Export `row` in the window containing `t` (never, if `t` is after the history)."""
        if t < self.end_sec:
            self.queue.at(t, self._put, entity, row)

    def _put(self, _t: int, entity: str, row: Row) -> None:
        self.outbox.put(entity, row)
