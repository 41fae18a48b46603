"""Reproducible bad inputs injected into an already generated landing folder.

Each fault rewrites one file of its own (never two faults in one file), preferring the latest
drops; row faults hit a row in the middle of the file, among good rows. What was injected is
listed in `<landing>/_faults.json` (the loader ignores paths starting with `_`).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

FAULTS_FILE = "_faults.json"


@dataclass(frozen=True)
class Fault:
    """One injected bad input. `line` is the 1-based physical line (header = 1)."""

    kind: str
    file: str
    line: int | None
    column: str | None
    value: str | None
    expected: str  # "load", "quarantine" (the row) or "reject_file"
    note: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class _Csv:
    """A parsed file: records and the physical line each record starts on."""

    rows: list[list[str]]
    starts: list[int]

    @classmethod
    def read(cls, path: Path) -> _Csv:
        text = path.read_text(encoding="utf-8")
        reader = csv.reader(io.StringIO(text, newline=""))
        rows, starts, previous = [], [], 0
        for row in reader:
            starts.append(previous + 1)
            rows.append(row)
            previous = reader.line_num
        return cls(rows, starts)

    def write(self, path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(self.rows)

    def start_of(self, index: int) -> int:
        """Physical start line of record `index` after a rewrite (re-counted from the rows)."""
        line = 1
        for row in self.rows[:index]:
            line += 1 + sum(cell.count("\n") for cell in row)
        return line


class _Injector:
    def __init__(self, root: Path, files: list[str], file_rows: dict[str, int]) -> None:
        self.root = root
        self.files = files
        self.file_rows = file_rows
        self.used: set[str] = set()
        self.faults: list[Fault] = []

    def candidates(self, source: str, entity: str, min_rows: int = 3) -> list[str]:
        """Files of the entity with enough rows, latest drop first, not used by another fault."""
        suffix = f"/{entity}.csv"
        return [
            f
            for f in reversed(self.files)
            if f.startswith(f"{source}/")
            and f.endswith(suffix)
            and self.file_rows.get(f, 0) >= min_rows
            and f not in self.used
        ]

    def pick(self, source: str, entity: str, min_rows: int = 3) -> str | None:
        found = self.candidates(source, entity, min_rows)
        if not found:
            return None
        self.used.add(found[0])
        return found[0]

    def add(self, *args: object) -> None:
        self.faults.append(Fault(*args))  # type: ignore[arg-type]

    # ------------------------------------------------------------------ row faults

    def cell(
        self,
        kind: str,
        source: str,
        entity: str,
        column: str,
        bad: Callable[[str], str],
        note: str,
        accept: Callable[[str], bool] = bool,
    ) -> None:
        rel = self.pick(source, entity)
        if rel is None:
            return
        parsed = _Csv.read(self.root / rel)
        col = parsed.rows[0].index(column)
        middle = len(parsed.rows) // 2
        order = sorted(range(1, len(parsed.rows) - 1), key=lambda i: abs(i - middle))
        index = next((i for i in order if accept(parsed.rows[i][col])), order[0])
        value = bad(parsed.rows[index][col])
        parsed.rows[index][col] = value
        parsed.write(self.root / rel)
        self.add(kind, rel, parsed.starts[index], column, value, "quarantine", note)

    # ------------------------------------------------------------------ the faults

    def older_version_resent(self) -> None:
        """Re-send, in a later drop, an order version older than one already delivered."""
        files = [f for f in self.files if f.startswith("crm/") and f.endswith("/orders.csv")]
        for window in (files[-12:], files):
            seen: dict[str, tuple[int, list[str]]] = {}
            for position, rel in enumerate(window):
                parsed = _Csv.read(self.root / rel)
                key_col = parsed.rows[0].index("order_id")
                stamp_col = parsed.rows[0].index("updated_at")
                for row in parsed.rows[1:]:
                    earlier = seen.get(row[key_col])
                    if earlier is not None and earlier[1][stamp_col] < row[stamp_col]:
                        later = [
                            f
                            for f in window[position + 1 :]
                            if self.file_rows.get(f, 0) >= 2 and f not in self.used
                        ]
                        if later:
                            self._resend(later[-1], earlier[1], rel, row[stamp_col])
                            return
                    seen.setdefault(row[key_col], (position, row))

    def _resend(self, target: str, old_row: list[str], newer_file: str, newer_stamp: str) -> None:
        self.used.add(target)
        parsed = _Csv.read(self.root / target)
        index = max(2, (len(parsed.rows) + 1) // 2)  # after the first data row, among good rows
        parsed.rows.insert(index, old_row)
        parsed.write(self.root / target)
        stamp = old_row[-1]
        note = (
            f"order {old_row[0]} re-sent with updated_at {stamp}, older than the version "
            f"({newer_stamp}) delivered in {newer_file}: it must lose in staging"
        )
        self.add(
            "older_version_resent",
            target,
            parsed.start_of(index),
            "updated_at",
            stamp,
            "load",
            note,
        )

    def duplicate_key(self) -> None:
        rel = self.pick("ecommerce", "orders")
        if rel is None:
            return
        parsed = _Csv.read(self.root / rel)
        index = len(parsed.rows) // 2
        parsed.rows.insert(index + 1, list(parsed.rows[index]))
        parsed.write(self.root / rel)
        key = parsed.rows[index][0]
        line = parsed.start_of(index + 1)
        note = f"exact copy of line {line - 1} (same order_id and updated_at); staging keeps one"
        self.add("duplicate_key_in_file", rel, line, "order_id", key, "load", note)

    def encodings(self) -> None:
        rel = self.pick("crm", "accounts")
        if rel is not None:
            path = self.root / rel
            path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
            note = "whole file encoded GB18030 (Excel on Chinese Windows); decode and load it"
            self.add("gb18030_file", rel, None, None, "gb18030", "load", note)
        rel = self.pick("crm", "opportunities")
        if rel is not None:
            path = self.root / rel
            path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())
            self.add("utf8_bom_file", rel, 1, None, "utf-8-sig", "load", "UTF-8 with a BOM")

    def headers(self) -> None:
        rel = self.pick("ecommerce", "customers")
        if rel is not None:
            parsed = _Csv.read(self.root / rel)
            parsed.rows = [list(reversed(row)) for row in parsed.rows]
            parsed.write(self.root / rel)
            header = ",".join(parsed.rows[0])
            note = "columns in reverse order, header and rows alike: match by name and load"
            self.add("reordered_header", rel, 1, None, header, "load", note)
        rel = self.pick("crm", "accounts")
        if rel is not None:
            parsed = _Csv.read(self.root / rel)
            parsed.rows[0].append("wechat_id")
            for n, row in enumerate(parsed.rows[1:], start=1):
                row.append(f"wx_{n:06d}")
            parsed.write(self.root / rel)
            note = "an extra column not in the contract: load, keep it in raw, report it"
            self.add("extra_column", rel, 1, "wechat_id", "wechat_id", "load", note)
        rel = self.pick("finance", "receipts")
        if rel is not None:
            parsed = _Csv.read(self.root / rel)
            col = parsed.rows[0].index("amount")
            for row in parsed.rows:
                del row[col]
            parsed.write(self.root / rel)
            note = "required column `amount` missing: reject the whole file"
            self.add("missing_required_column", rel, 1, "amount", "amount", "reject_file", note)

    def truncated(self) -> None:
        rel = self.pick("ecommerce", "order_lines", min_rows=4)
        if rel is None:
            return
        path = self.root / rel
        data = path.read_bytes()
        last_start = data.rstrip(b"\n").rfind(b"\n") + 1
        cut = last_start + max(1, (len(data) - 1 - last_start) // 2)
        path.write_bytes(data[:cut])
        line = data[:last_start].count(b"\n") + 1
        value = data[last_start:cut].decode("utf-8")
        note = "file cut mid-row without a final newline (partial transfer): reject the whole file"
        self.add("truncated_file", rel, line, None, value, "reject_file", note)


def _thousands(value: str) -> str:
    whole, _, frac = value.partition(".")
    return f"{int(whole):,}.{frac or '00'}"


def inject_faults(root: Path, files: list[str], file_rows: dict[str, int]) -> list[Fault]:
    """Inject every fault kind once; write and return the list."""
    inj = _Injector(root, files, file_rows)
    inj.older_version_resent()
    inj.cell(
        "bad_money_decimals",
        "ecommerce",
        "orders",
        "gmv_amount",
        lambda v: v + "5",
        "three decimals: a bad row, never rounded silently",
    )
    inj.cell(
        "bad_money_thousands",
        "crm",
        "orders",
        "amount_incl_tax",
        _thousands,
        "thousands separator inside a quoted amount",
        accept=lambda v: float(v or 0) >= 1000,
    )
    inj.cell(
        "bad_enum",
        "crm",
        "opportunities",
        "stage",
        lambda v: "closed_won",
        "stage outside the contract's enum",
    )
    inj.cell(
        "bad_date",
        "finance",
        "invoices",
        "due_date",
        lambda v: (v[:4] if v else "2026") + "-02-30",
        "a calendar date that does not exist",
    )
    inj.cell(
        "bad_int",
        "ecommerce",
        "traffic_daily",
        "visitors",
        lambda v: "1.2万",
        "visitors keyed as Chinese shorthand, not an integer",
    )
    inj.cell(
        "bad_timestamp",
        "crm",
        "activities",
        "occurred_at",
        lambda v: v[:10] + "T25:10:00",
        "hour 25 does not exist",
    )
    inj.duplicate_key()
    inj.encodings()
    inj.headers()
    inj.truncated()
    with (root / FAULTS_FILE).open("w", encoding="utf-8") as handle:
        json.dump([f.to_dict() for f in inj.faults], handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    return inj.faults
