"""Find the extract files of a landing folder (`<landing>/<source>/<extract_date>/<entity>.csv`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ingestion.contract import ENTITY_BY_NAME, SOURCES, Entity


@dataclass(frozen=True)
class LandedFile:
    """A file in the landing folder. `problem` is set when the path breaks the landing layout."""

    path: Path
    relative_path: str  # posix, relative to the landing root: the file's identity across runs
    source: str
    entity_name: str
    extract_date: dt.date | None
    problem: str | None = None

    @property
    def entity(self) -> Entity | None:
        return ENTITY_BY_NAME.get(f"{self.source}__{self.entity_name}")

    @property
    def qualified_name(self) -> str:
        return f"{self.source}__{self.entity_name}"

    @property
    def sort_key(self) -> tuple[dt.date, str, str, str]:
        return (self.extract_date or dt.date.min, self.source, self.entity_name, self.relative_path)


def _is_hidden(name: str) -> bool:
    return name.startswith((".", "_"))


def _parse_date(text: str) -> dt.date | None:
    try:
        parsed = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.isoformat() == text else None


def discover(landing_dir: Path) -> list[LandedFile]:
    """Every file under the landing folder, in load order (extract date, source, entity).

    Entries whose name starts with `.` or `_` are not drops (markers, generator notes) and are
    skipped. Files that break the layout are returned with `problem` set, so they are recorded
    and reported rather than silently ignored.
    """
    files: list[LandedFile] = []
    if not landing_dir.is_dir():
        return files
    for path in sorted(landing_dir.rglob("*")):
        rel_parts = path.relative_to(landing_dir).parts
        if any(_is_hidden(part) for part in rel_parts) or not path.is_file():
            continue
        relative = "/".join(rel_parts)
        if len(rel_parts) != 3:
            files.append(
                LandedFile(path, relative, "", "", None, "not at <source>/<date>/<entity>.csv")
            )
            continue
        source, date_text, file_name = rel_parts
        extract_date = _parse_date(date_text)
        entity_name = file_name[:-4] if file_name.endswith(".csv") else file_name
        problem = None
        if source not in SOURCES:
            problem = f"unknown source {source!r} (expected one of {', '.join(SOURCES)})"
        elif extract_date is None:
            problem = f"extract date folder {date_text!r} is not YYYY-MM-DD"
        elif not file_name.endswith(".csv"):
            problem = "not a .csv file"
        elif f"{source}__{entity_name}" not in ENTITY_BY_NAME:
            problem = f"entity {entity_name!r} is not in the extract contract of source {source!r}"
        files.append(LandedFile(path, relative, source, entity_name, extract_date, problem))
    files.sort(key=lambda f: f.sort_key)
    return files
