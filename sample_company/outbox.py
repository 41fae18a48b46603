"""What one window of simulated time produced, and the clock that orders the work.

Python-side entities put whole rows keyed by the contract key: a later put of the same key
replaces the earlier one, so a delta carries each record once, in its state at export time.
Vectorised entities add column blocks. The event queue runs callbacks in time order, so rows
built from mutable state always reflect everything that happened before them.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from typing import Any

from ingestion.contract import ENTITIES

Row = tuple[str, ...]
Columns = list[list[str]]

KEY_INDEX: dict[str, tuple[int, ...]] = {
    e.qualified_name: tuple(i for i, c in enumerate(e.columns) if c.key) for e in ENTITIES
}


class Outbox:
    """Rows per entity (`<source>__<entity>`) for one export window."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[tuple[str, ...], Row]] = {}
        self.blocks: dict[str, list[Columns]] = {}

    def put(self, entity: str, row: Row) -> None:
        index = KEY_INDEX[entity]
        key = tuple(row[i] for i in index)
        bucket = self.rows.setdefault(entity, {})
        bucket.pop(key, None)
        bucket[key] = row

    def put_block(self, entity: str, columns: Columns) -> None:
        if columns and columns[0]:
            self.blocks.setdefault(entity, []).append(columns)

    def iter_rows(self, entity: str) -> Iterator[Row]:
        yield from self.rows.get(entity, {}).values()
        for columns in self.blocks.get(entity, []):
            yield from zip(*columns, strict=True)

    def count(self, entity: str) -> int:
        blocks = sum(len(c[0]) for c in self.blocks.get(entity, []))
        return len(self.rows.get(entity, {})) + blocks


class EventQueue:
    """Callbacks `fn(t, *args)` run in order of their time `t` (ties: scheduling order)."""

    def __init__(self) -> None:
        self._heap: list[tuple[int, int, Callable[..., None], tuple[Any, ...]]] = []
        self._seq = 0

    def at(self, t: int, fn: Callable[..., None], *args: Any) -> None:
        heapq.heappush(self._heap, (t, self._seq, fn, args))
        self._seq += 1

    def run_until(self, end: int) -> None:
        """Run every callback scheduled before `end` (exclusive), including ones added meanwhile."""
        heap = self._heap
        while heap and heap[0][0] < end:
            t, _, fn, args = heapq.heappop(heap)
            fn(t, *args)

    def __len__(self) -> int:
        return len(self._heap)
