"""Helpers of the sample-company tests: generating, reading and resolving versions."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ingestion.contract import ENTITIES, Entity
from sample_company import GenerationSummary, generate


@dataclass
class Generated:
    root: Path
    summary: GenerationSummary
    seconds: float


def run(root: Path, **kwargs: object) -> Generated:
    started = time.perf_counter()
    summary = generate(root, **kwargs)  # type: ignore[arg-type]
    return Generated(root, summary, time.perf_counter() - started)


def entity_files(root: Path, entity: Entity) -> list[Path]:
    """The entity's files in drop order."""
    return sorted(root.glob(f"{entity.source}/*/{entity.name}.csv"))


def read_rows(path: Path, encoding: str = "utf-8") -> Iterator[tuple[int, dict[str, str]]]:
    """(physical start line, row as dict) for each data row."""
    text = path.read_bytes().decode(encoding)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    previous = reader.line_num
    for row in reader:
        yield previous + 1, dict(zip(header, row, strict=True))
        previous = reader.line_num


def latest(root: Path, entity: Entity) -> dict[tuple[str, ...], dict[str, str]]:
    """Each key's winning version: latest updated_at, ties and entities without it: later drop."""
    out: dict[tuple[str, ...], dict[str, str]] = {}
    for path in entity_files(root, entity):
        for _, row in read_rows(path):
            key = tuple(row[c] for c in entity.key_columns)
            known = out.get(key)
            if (
                known is None
                or not entity.has_updated_at
                or known["updated_at"][:19] <= row["updated_at"][:19]
            ):
                out[key] = row
    return out


def by_name(name: str) -> Entity:
    return next(e for e in ENTITIES if e.qualified_name == name)


def file_bytes(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
