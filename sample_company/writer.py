"""Write one drop: `<landing>/<source>/<extract_date>/<entity>.csv` for every entity of a source.

Header = contract column order; UTF-8, RFC 4180 quoting via the csv module, "\n" line ends, every
file ends with a newline. Column blocks from the vectorised generators hold only cells that need
no quoting (ids, numbers, timestamps, codes), so they are joined directly, which is byte-identical
to what the csv module would write for them.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

from ingestion.contract import ENTITIES
from sample_company.outbox import Outbox


class DropWriter:
    """Writes drops and remembers what it wrote (paths in write order, rows per file/entity)."""

    def __init__(self, landing_dir: Path) -> None:
        self.root = landing_dir
        self.files: list[str] = []
        self.file_rows: dict[str, int] = {}
        self.rows_per_entity: Counter[str] = Counter()

    def write(self, source: str, extract_date: dt.date, outbox: Outbox) -> None:
        folder = self.root / source / extract_date.isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        for entity in ENTITIES:
            if entity.source != source:
                continue
            name = entity.qualified_name
            path = folder / entity.file_name
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(entity.column_names)
                writer.writerows(outbox.rows.get(name, {}).values())
                for columns in outbox.blocks.get(name, []):
                    handle.write("\n".join(map(",".join, zip(*columns, strict=True))))
                    handle.write("\n")
            relative = path.relative_to(self.root).as_posix()
            count = outbox.count(name)
            self.files.append(relative)
            self.file_rows[relative] = count
            self.rows_per_entity[name] += count


def merge(outboxes: list[Outbox], source: str) -> Outbox:
    """The windows a source held back, as one delta of its entities (latest version per key)."""
    merged = Outbox()
    for entity in ENTITIES:
        if entity.source != source:
            continue
        for outbox in outboxes:
            for row in outbox.iter_rows(entity.qualified_name):
                merged.put(entity.qualified_name, row)
    return merged
