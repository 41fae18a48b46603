"""The generated files follow the landing contract: layout, headers, cell formats, drops."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re

import pytest
from sc_helpers import Generated, entity_files, file_bytes, read_rows

from ingestion.contract import ENTITIES, SOURCES
from sample_company import SCALES, generate
from sample_company.timeline import NIGHTLY_DAYS

PATTERNS = {
    "dec": re.compile(r"^-?\d+\.\d{2}$"),
    "int": re.compile(r"^-?\d+$"),
    "num": re.compile(r"^-?\d+(\.\d+)?$"),
    "bool": re.compile(r"^(true|false)$"),
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "ts": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\+08:00)?$"),
}


def test_same_arguments_give_identical_bytes_and_another_seed_differs(
    tiny: Generated, tmp_path_factory: pytest.TempPathFactory
) -> None:
    again = tmp_path_factory.mktemp("tiny_again")
    generate(again, scale="tiny")
    first, second = file_bytes(tiny.root), file_bytes(again)
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []

    other = tmp_path_factory.mktemp("tiny_seed7")
    generate(other, scale="tiny", seed=7)
    third = file_bytes(other)
    assert third.keys() == first.keys()  # same drop schedule
    differing = [k for k in first if first[k] != third[k]]
    assert len(differing) > len(first) // 2


def test_every_file_has_the_contract_header_and_ends_with_a_newline(tiny: Generated) -> None:
    checked = 0
    for entity in ENTITIES:
        files = entity_files(tiny.root, entity)
        assert files, entity.qualified_name
        for path in files:
            data = path.read_bytes()
            assert data.endswith(b"\n"), path
            assert not data.startswith(b"\xef\xbb\xbf"), path
            header = next(csv.reader([data.decode("utf-8").split("\n", 1)[0]]))
            assert tuple(header) == entity.column_names, path
            checked += 1
    assert checked == len(tiny.summary.files_written)


def test_every_cell_matches_its_type_enum_and_nullability(tiny: Generated) -> None:
    problems: list[str] = []
    for entity in ENTITIES:
        for path in entity_files(tiny.root, entity):
            for line, row in read_rows(path):
                for col in entity.columns:
                    value = row[col.name]
                    if value == "":
                        if col.not_null:
                            problems.append(f"{path}:{line} {col.name} is empty")
                        continue
                    pattern = PATTERNS.get(col.type)
                    if pattern and not pattern.match(value):
                        problems.append(f"{path}:{line} {col.name}={value!r}")
                    if col.enum and value not in col.enum:
                        problems.append(f"{path}:{line} {col.name}={value!r} not in enum")
                    if col.pattern and not re.match(col.pattern, value):
                        problems.append(f"{path}:{line} {col.name}={value!r} breaks pattern")
    assert problems == []


def test_drop_schedule_weekly_then_nightly_with_skipped_nights(tiny: Generated) -> None:
    drops = tiny.summary.drop_dates
    end = tiny.summary.end_date
    assert drops[-1] == end
    nightly = drops[-NIGHTLY_DAYS:]
    assert nightly == [end - dt.timedelta(days=NIGHTLY_DAYS - 1 - i) for i in range(NIGHTLY_DAYS)]
    weekly = drops[:-NIGHTLY_DAYS]
    assert {(b - a).days for a, b in itertools.pairwise(weekly)} == {7}
    assert len(weekly) >= 45  # one year of history
    # some nights a source sends nothing; every source sends on the last night
    folders = {s: {p.name for p in (tiny.root / s).iterdir()} for s in SOURCES}
    skipped = {s: [d for d in nightly if d.isoformat() not in folders[s]] for s in SOURCES}
    assert skipped["hr"] and skipped["finance"] and skipped["ecommerce"]
    assert all(end.isoformat() in folders[s] for s in SOURCES)
    # a source that sends writes every entity file, header-only on a quiet night
    header_only = [p for p in tiny.root.rglob("*.csv") if p.read_bytes().count(b"\n") == 1]
    assert header_only


def test_order_lines_are_within_ten_percent_of_the_preset(tiny: Generated) -> None:
    lines = tiny.summary.rows_per_entity["ecommerce__order_lines"]
    assert abs(lines - SCALES["tiny"].order_lines) <= 0.1 * SCALES["tiny"].order_lines


def test_order_lines_override_and_end_date(tmp_path) -> None:  # type: ignore[no-untyped-def]
    summary = generate(tmp_path, scale="tiny", order_lines=5_000, end_date=dt.date(2025, 3, 31))
    lines = summary.rows_per_entity["ecommerce__order_lines"]
    assert abs(lines - 5_000) <= 500
    assert summary.drop_dates[-1] == dt.date(2025, 3, 31)
    assert summary.start_date == dt.date(2024, 4, 1)
    stamps = [row["updated_at"] for _, row in read_rows(tmp_path / "crm/2025-03-31/orders.csv")]
    assert all(s[:10] <= "2025-03-31" for s in stamps)


def test_summary_to_dict_is_json_ready(tiny: Generated) -> None:
    import json

    data = json.loads(json.dumps(tiny.summary.to_dict()))
    assert data["scale"] == "tiny" and data["seed"] == 42
    assert len(data["files_written"]) == len(tiny.summary.files_written)
    assert set(data["rows_per_entity"]) == {e.qualified_name for e in ENTITIES}
