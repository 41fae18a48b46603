"""faults=True: every listed fault is really at the stated place, and nothing else changed."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re

import pytest
from sc_helpers import Generated, by_name, file_bytes, read_rows

from ingestion.contract import ENTITIES

KINDS = {
    "gb18030_file",
    "utf8_bom_file",
    "bad_money_decimals",
    "bad_money_thousands",
    "bad_enum",
    "bad_date",
    "bad_int",
    "bad_timestamp",
    "reordered_header",
    "extra_column",
    "missing_required_column",
    "truncated_file",
    "older_version_resent",
    "duplicate_key_in_file",
}
MONEY = re.compile(r"^-?\d+\.\d{2}$")


@pytest.fixture(scope="module")
def faults(tiny_faults: Generated) -> list[dict]:
    listed = json.loads((tiny_faults.root / "_faults.json").read_text(encoding="utf-8"))
    assert listed == [f.to_dict() for f in tiny_faults.summary.faults_injected]
    return listed


def _entity(path: str):  # type: ignore[no-untyped-def]
    source, _, name = path.split("/")
    return by_name(f"{source}__{name[:-4]}")


def _line(data: bytes, number: int, encoding: str = "utf-8") -> str:
    return data.decode(encoding).split("\n")[number - 1]


def test_every_kind_is_injected_once_into_its_own_file(faults: list[dict]) -> None:
    assert sorted(f["kind"] for f in faults) == sorted(KINDS)
    files = [f["file"] for f in faults]
    assert len(set(files)) == len(files)
    assert {f["expected"] for f in faults} == {"load", "quarantine", "reject_file"}


def test_only_the_fault_files_differ_from_a_clean_run(
    tiny: Generated, tiny_faults: Generated, faults: list[dict]
) -> None:
    clean, dirty = file_bytes(tiny.root), file_bytes(tiny_faults.root)
    assert set(dirty) - set(clean) == {"_faults.json"}
    changed = {k for k in clean if clean[k] != dirty[k]}
    assert changed == {f["file"] for f in faults}


def test_each_fault_is_present_at_the_stated_file_and_line(
    tiny_faults: Generated, faults: list[dict]
) -> None:
    root = tiny_faults.root
    for fault in faults:
        kind, path, line, value = fault["kind"], fault["file"], fault["line"], fault["value"]
        data = (root / path).read_bytes()
        entity = _entity(path)
        if kind == "gb18030_file":
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")
            header = next(csv.reader(io.StringIO(data.decode("gb18030"))))
            assert tuple(header) == entity.column_names
            assert re.search("[\u4e00-\u9fff]", data.decode("gb18030"))
        elif kind == "utf8_bom_file":
            assert data.startswith(codecs.BOM_UTF8)
            assert tuple(next(csv.reader([_line(data, 1, "utf-8-sig")]))) == entity.column_names
        elif kind == "reordered_header":
            header = next(csv.reader([_line(data, 1)]))
            assert header != list(entity.column_names)
            assert sorted(header) == sorted(entity.column_names)
            assert _line(data, 1) == value
        elif kind == "extra_column":
            header = next(csv.reader([_line(data, 1)]))
            assert header == [*entity.column_names, value]
        elif kind == "missing_required_column":
            header = next(csv.reader([_line(data, 1)]))
            assert value not in header and entity.column(value).not_null
            assert len(header) == len(entity.column_names) - 1
        elif kind == "truncated_file":
            assert not data.endswith(b"\n")
            text = data.decode("utf-8")
            assert text.count("\n") == line - 1 and text.split("\n")[-1] == value
            assert len(value.split(",")) < len(entity.column_names)
        elif kind == "older_version_resent":
            rows = dict(read_rows(root / path))
            row = rows[line]
            assert row["updated_at"] == value
            newer_file = fault["note"].split(" delivered in ")[1].split(":")[0]
            assert newer_file < path  # an earlier drop already had a newer version
            newer = [r for _, r in read_rows(root / newer_file) if r["order_id"] == row["order_id"]]
            assert newer and newer[0]["updated_at"] > value
        elif kind == "duplicate_key_in_file":
            rows = dict(read_rows(root / path))
            assert rows[line]["order_id"] == value
            assert rows[line] == rows[line - 1]
        else:  # a bad cell in a row among good rows
            rows = dict(read_rows(root / path))
            assert rows[line][fault["column"]] == value
            assert min(rows) < line < max(rows)
            if kind == "bad_money_thousands":
                assert f'"{value}"' in _line(data, line)
            if kind.startswith("bad_money"):
                assert not MONEY.match(value)


def test_money_cells_are_clean_outside_the_faults(
    tiny_faults: Generated, faults: list[dict]
) -> None:
    bad_rows = {(f["file"], f["line"]) for f in faults if f["expected"] == "quarantine"}
    skipped = {f["file"] for f in faults if f["expected"] == "reject_file"}
    skipped |= {f["file"] for f in faults if f["kind"] == "gb18030_file"}
    checked = 0
    for entity in ENTITIES:
        money = [c.name for c in entity.columns if c.type == "dec"]
        if not money:
            continue
        for path in sorted(tiny_faults.root.glob(f"{entity.source}/*/{entity.name}.csv")):
            rel = path.relative_to(tiny_faults.root).as_posix()
            if rel in skipped:
                continue
            encoding = "utf-8-sig"
            for line, row in read_rows(path, encoding):
                if (rel, line) in bad_rows:
                    continue
                for name in money:
                    assert row[name] == "" or MONEY.match(row[name]), (rel, line, name)
                    checked += 1
    assert checked > 5000
