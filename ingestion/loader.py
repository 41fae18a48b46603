"""Load a landing folder into the raw tables, file by file, each file in one transaction.

Per file: inspect the bytes (checksum, encoding, truncation), check the header by name, let
DuckDB's CSV reader parse every record as text (structural errors go to its rejects table), type
and validate every value in one SQL pass, then append good rows to `raw.<source>__<entity>` with
provenance, bad rows to `meta.quarantine`, and one row to `meta.load_manifest`. A file that
cannot be loaded as a whole is recorded as rejected and contributes nothing.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingestion.contract import Entity
from ingestion.discovery import LandedFile, discover
from ingestion.inspection import (
    FileFacts,
    FileRejected,
    inspect_file,
    read_header,
    transcode_to_utf8,
)
from ingestion.typing_sql import column_sql, sql_literal
from ingestion.warehouse import ensure_schema, quote_ident, raw_table

# DuckDB CSV errors that concern one record; any other structural error breaks the whole file.
ROW_LEVEL_CSV_ERRORS = frozenset({"MISSING COLUMNS", "TOO MANY COLUMNS"})


@dataclass(frozen=True)
class FileOutcome:
    file_path: str
    source: str
    entity: str
    extract_date: dt.date | None
    status: str  # loaded | rejected | duplicate | unchanged
    reason: str | None = None
    load_id: int | None = None
    encoding: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    extra_columns: tuple[str, ...] = ()
    supersedes_load_id: int | None = None

    @property
    def qualified_name(self) -> str:
        return f"{self.source}__{self.entity}"


@dataclass
class LoadReport:
    batch_id: str
    files: list[FileOutcome] = field(default_factory=list)

    def with_status(self, status: str) -> list[FileOutcome]:
        return [f for f in self.files if f.status == status]

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)

    def for_entity(self, qualified_name: str) -> list[FileOutcome]:
        return [f for f in self.files if f.qualified_name == qualified_name]

    def summary(self) -> dict[str, int]:
        counts = {
            s: len(self.with_status(s)) for s in ("loaded", "rejected", "duplicate", "unchanged")
        }
        counts["restatements"] = sum(1 for f in self.files if f.supersedes_load_id is not None)
        counts["rows_loaded"] = self.rows_loaded
        counts["rows_quarantined"] = self.rows_quarantined
        return counts


@dataclass(frozen=True)
class _KnownVersion:
    load_id: int
    sha256: str
    size_bytes: int
    mtime: float | None
    status: str


def load_landing(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    *,
    entities: Iterable[str] | None = None,
    business_tz: str = "Asia/Shanghai",
    batch_id: str | None = None,
    verify_checksums: bool = False,
) -> LoadReport:
    """Load every new or restated file of the landing folder, in extract-date order.

    `entities` limits the load to those `<source>__<entity>` names (files breaking the layout are
    recorded in any case). A file already loaded (same path, same bytes) is skipped: a rerun
    changes nothing. Unless `verify_checksums`, a file whose size and mtime match the latest
    recorded version of its path is skipped without being hashed.
    """
    ensure_schema(con)
    report = LoadReport(batch_id or uuid.uuid4().hex)
    wanted = set(entities) if entities is not None else None
    known = _known_versions(con)
    for landed in discover(landing_dir):
        if landed.problem is None and wanted is not None and landed.qualified_name not in wanted:
            continue
        report.files.append(
            _load_one(con, landed, known, report.batch_id, business_tz, verify_checksums)
        )
    return report


def _known_versions(con: duckdb.DuckDBPyConnection) -> dict[str, list[_KnownVersion]]:
    rows = con.execute(
        "select file_path, load_id, file_sha256, file_size_bytes, file_mtime, status "
        "from meta.load_manifest order by load_id"
    ).fetchall()
    known: dict[str, list[_KnownVersion]] = {}
    for path, load_id, sha, size, mtime, status in rows:
        known.setdefault(path, []).append(_KnownVersion(load_id, sha, size, mtime, status))
    return known


def _load_one(
    con: duckdb.DuckDBPyConnection,
    landed: LandedFile,
    known: dict[str, list[_KnownVersion]],
    batch_id: str,
    business_tz: str,
    verify_checksums: bool,
) -> FileOutcome:
    base = {
        "file_path": landed.relative_path,
        "source": landed.source,
        "entity": landed.entity_name,
        "extract_date": landed.extract_date,
    }
    stat = landed.path.stat()
    versions = known.get(landed.relative_path, [])
    latest = versions[-1] if versions else None
    if (
        not verify_checksums
        and latest is not None
        and latest.size_bytes == stat.st_size
        and latest.mtime == stat.st_mtime
    ):
        return FileOutcome(**base, status="unchanged", load_id=latest.load_id)
    facts = inspect_file(landed.path)
    same = next((v for v in versions if v.sha256 == facts.sha256), None)
    if same is not None:
        return FileOutcome(**base, status="duplicate", load_id=same.load_id)

    previous_loaded = next((v for v in reversed(versions) if v.status == "loaded"), None)
    supersedes = previous_loaded.load_id if previous_loaded else None
    load_id = _next_load_id(con)
    started = _now()
    in_transaction = False
    try:
        # Parsing and validation happen in connection-local temp tables; only the appends to
        # raw, quarantine and manifest form the file's transaction (all or nothing).
        prepared = _prepare_file(con, landed, facts, business_tz)
        con.execute("begin transaction")
        in_transaction = True
        outcome = _append_file(con, prepared, facts, load_id, batch_id, supersedes, started)
        con.execute("commit")
    except FileRejected as error:
        if in_transaction:
            con.execute("rollback")
        reason = str(error)
        outcome = FileOutcome(
            **base, status="rejected", reason=reason, load_id=load_id, encoding=facts.encoding
        )
        _insert_manifest(con, outcome, batch_id, facts, stat.st_mtime, started)
    except BaseException:
        if in_transaction:
            con.execute("rollback")
        raise
    known.setdefault(landed.relative_path, []).append(
        _KnownVersion(load_id, facts.sha256, facts.size_bytes, stat.st_mtime, outcome.status)
    )
    return outcome


@dataclass(frozen=True)
class _Prepared:
    landed: LandedFile
    entity: Entity
    n_read: int
    n_good: int
    extra: tuple[str, ...]


def _prepare_file(
    con: duckdb.DuckDBPyConnection, landed: LandedFile, facts: FileFacts, business_tz: str
) -> _Prepared:
    """Reject a broken file, or leave its typed, validated records in `_validated`."""
    if landed.problem is not None:
        raise FileRejected(f"not an extract file: {landed.problem}")
    entity = landed.entity
    assert entity is not None
    if facts.encoding is None:
        raise FileRejected("undecodable: the bytes are neither valid UTF-8 nor valid GB18030")
    if facts.size_bytes == 0:
        raise FileRejected("empty file: no header row")
    if not facts.ends_with_newline:
        raise FileRejected(
            "truncated: the file does not end with a line break (cut mid-row?); nothing loaded"
        )
    header = read_header(landed.path, facts.encoding)
    positions = _map_header(entity, header)
    extra = tuple(name for i, name in enumerate(header) if i not in positions.values())

    if facts.encoding == "gb18030":
        with tempfile.TemporaryDirectory(prefix="kpiwh-load-") as scratch:
            csv_path = Path(scratch) / "utf8.csv"
            transcode_to_utf8(landed.path, csv_path, "gb18030")
            n_good, bad_records = _read_records(con, csv_path, len(header))
    else:
        n_good, bad_records = _read_records(con, landed.path, len(header))

    n_read = n_good + len(bad_records)
    simple_lines = facts.newline_count == n_read + 1
    _validate(con, entity, header, positions, extra, bad_records, simple_lines, business_tz)
    return _Prepared(landed, entity, n_read, n_good, extra)


def _append_file(
    con: duckdb.DuckDBPyConnection,
    prepared: _Prepared,
    facts: FileFacts,
    load_id: int,
    batch_id: str,
    supersedes: int | None,
    started: dt.datetime,
) -> FileOutcome:
    """Append the prepared file's good rows, its quarantined rows and its manifest row."""
    landed, entity, n_read, n_good = (
        prepared.landed,
        prepared.entity,
        prepared.n_read,
        prepared.n_good,
    )
    provenance = ", ".join(
        [
            sql_literal(entity.source),
            sql_literal(entity.name),
            f"date {sql_literal(landed.extract_date.isoformat())}",  # type: ignore[union-attr]
            sql_literal(landed.relative_path),
            sql_literal(facts.sha256),
            "_line_number",
            str(load_id),
            f"timestamp {sql_literal(started.isoformat(sep=' '))}",
            "_extra_columns",
        ]
    )
    columns = ", ".join(quote_ident(c.name) for c in entity.columns)
    con.execute(
        f"insert into {raw_table(entity)} select {columns}, {provenance} "
        "from _validated where _reason is null order by _line_number"
    )
    n_loaded = n_good - _scalar(con, "select count(*) from _validated where _reason is not null")
    quarantine_head = ", ".join(
        [
            str(load_id),
            sql_literal(entity.source),
            sql_literal(entity.name),
            f"date {sql_literal(landed.extract_date.isoformat())}",  # type: ignore[union-attr]
            sql_literal(landed.relative_path),
            sql_literal(facts.sha256),
        ]
    )
    now = f"timestamp {sql_literal(started.isoformat(sep=' '))}"
    con.execute(
        f"insert into meta.quarantine select {quarantine_head}, _line_number, _raw_text, "
        f"_reason, {now} from _validated where _reason is not null"
    )
    con.execute(
        f"insert into meta.quarantine select {quarantine_head}, line_number, raw_text, "
        f"reason, {now} from _bad_records"
    )
    outcome = FileOutcome(
        file_path=landed.relative_path,
        source=entity.source,
        entity=entity.name,
        extract_date=landed.extract_date,
        status="loaded",
        load_id=load_id,
        encoding=facts.encoding,
        rows_read=n_read,
        rows_loaded=n_loaded,
        rows_quarantined=n_read - n_loaded,
        extra_columns=prepared.extra,
        supersedes_load_id=supersedes,
    )
    _insert_manifest(con, outcome, batch_id, facts, landed.path.stat().st_mtime, started)
    return outcome


def _map_header(entity: Entity, header: list[str]) -> dict[str, int]:
    """Contract column → position in the file. Columns match by name, in any order."""
    lowered = [name.lower() for name in header]
    duplicates = sorted({name for name in lowered if lowered.count(name) > 1})
    if duplicates:
        raise FileRejected(f"header names a column more than once: {', '.join(duplicates)}")
    positions = {c.name: lowered.index(c.name) for c in entity.columns if c.name in lowered}
    missing = [c.name for c in entity.columns if c.name not in positions]
    if missing:
        raise FileRejected(f"missing required column(s): {', '.join(missing)}")
    return positions


def _read_records(
    con: duckdb.DuckDBPyConnection, csv_path: Path, n_columns: int
) -> tuple[int, list[tuple[int, str, str]]]:
    """Parse every record as text into `_incoming` (file order kept in rowid).

    Returns the number of well-formed records and the row-level structural rejects as
    (record number, raw line, reason); any other structural error rejects the file.
    """
    for name in ("_incoming", "_csv_rejects", "_csv_scans", "_validated", "_bad_records"):
        con.execute(f"drop table if exists temp.{name}")
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(n_columns)) + "}"
    try:
        _read_csv_as_text(con, csv_path, columns)
    except (duckdb.InvalidInputException, duckdb.ConversionException) as error:
        raise FileRejected(_duckdb_reason(error)) from error
    rejects = con.execute(
        "select line, error_type, any_value(csv_line), string_agg(error_message, '; ') "
        "from _csv_rejects group by line, error_type order by line"
    ).fetchall()
    fatal = [r for r in rejects if r[1] not in ROW_LEVEL_CSV_ERRORS]
    if fatal:
        line, error_type, _, message = fatal[0]
        raise FileRejected(
            f"unreadable CSV at record {line}: {error_type.lower()} ({message.splitlines()[0]})"
        )
    bad: dict[int, tuple[int, str, str]] = {}
    for line, error_type, csv_line, message in rejects:
        if line not in bad:
            reason = f"{error_type.lower()}: {message.splitlines()[0]}"
            bad[line] = (line, (csv_line or "").rstrip("\r\n"), reason)
    n_good = _scalar(con, "select count(*) from _incoming")
    return n_good, [bad[k] for k in sorted(bad)]


def _read_csv_as_text(con: duckdb.DuckDBPyConnection, csv_path: Path, columns: str) -> None:
    con.execute(
        f"""
        create temp table _incoming as
        select * from read_csv(
            {sql_literal(str(csv_path))},
            header = true, auto_detect = false, all_varchar = true,
            delim = ',', quote = '"', escape = '"', strict_mode = true,
            columns = {columns},
            store_rejects = true, rejects_table = '_csv_rejects', rejects_scan = '_csv_scans'
        )
        """
    )


def _validate(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    header: list[str],
    positions: dict[str, int],
    extra: tuple[str, ...],
    bad_records: list[tuple[int, str, str]],
    simple_lines: bool,
    business_tz: str,
) -> None:
    """Build `_validated`: typed contract columns, `_reason`, `_line_number`, `_raw_text`."""
    con.execute(
        "create temp table _bad_records (record_number bigint, line_number bigint, "
        "raw_text varchar, reason varchar, gap bigint)"
    )
    # gap = number of well-formed records before the bad one; a good row's record number is
    # rowid + 2 (header + 1-based) + the bad records that precede it.
    for i, (record, raw_text, reason) in enumerate(bad_records):
        con.execute(
            "insert into _bad_records values (?, ?, ?, ?, ?)",
            [record, record, raw_text, reason, record - 2 - i],
        )
    record_expr = "rowid + 2"
    if bad_records:
        record_expr += " + (select count(*) from _bad_records b where b.gap <= i.rowid)"

    typed: list[str] = []
    reasons: list[str] = []
    for column in entity.columns:
        sql = column_sql(column, f"c{positions[column.name]}", business_tz)
        typed.append(f"{sql.typed} as {quote_ident(column.name)}")
        reasons.append(sql.reason)
    extra_json = "null"
    if extra:
        pairs = ", ".join(
            f"{sql_literal(header[i])}, c{i}" for i, n in enumerate(header) if n in extra
        )
        extra_json = f"json_object({pairs})"
    fields = [f"c{i}" for i in range(len(header))]
    newlines = " + ".join(
        f"coalesce(length({f}) - length(replace({f}, chr(10), '')), 0)" for f in fields
    )
    con.execute(
        f"""
        create temp table _validated as
        select
            {record_expr} as _record_number,
            i.rowid as _incoming_row,
            {", ".join(typed)},
            nullif(concat_ws('; ', {", ".join(reasons)}), '') as _reason,
            {extra_json} as _extra_columns,
            null::varchar as _raw_text,
            {"0" if simple_lines else newlines} as _embedded_newlines,
            {record_expr if simple_lines else "null::bigint"} as _line_number
        from _incoming as i
        """
    )
    # The raw text of a record is rebuilt only for rejected records: it is costly to plan.
    if _scalar(con, "select count(*) from _validated where _reason is not null"):
        raw_text = " || ',' || ".join(_csv_field(f"i.{f}") for f in fields)
        con.execute(
            f"update _validated set _raw_text = {raw_text} from _incoming as i "
            f"where _validated._reason is not null and _validated._incoming_row = i.rowid"
        )
    if simple_lines:
        return
    # Quoted fields hold line breaks: a record starts after all physical lines of earlier records.
    con.execute(
        """
        create temp table _record_lines as
        with records as (
            select _record_number as record_number, _embedded_newlines as embedded
            from _validated
            union all
            select record_number, length(raw_text) - length(replace(raw_text, chr(10), ''))
            from _bad_records
        )
        select
            record_number,
            record_number + coalesce(sum(embedded) over (
                order by record_number rows between unbounded preceding and 1 preceding
            ), 0) as line_number
        from records
        """
    )
    con.execute(
        "update _validated set _line_number = l.line_number from _record_lines as l "
        "where l.record_number = _validated._record_number"
    )
    con.execute(
        "update _bad_records set line_number = l.line_number from _record_lines as l "
        "where l.record_number = _bad_records.record_number"
    )
    con.execute("drop table _record_lines")


def _csv_field(field_sql: str) -> str:
    """SQL re-quoting one text field as RFC 4180 (to show a quarantined record's raw text)."""
    return (
        f"case when {field_sql} is null then '' "
        f"when regexp_matches({field_sql}, '[,\"\\r\\n]') "
        f"then '\"' || replace({field_sql}, '\"', '\"\"') || '\"' else {field_sql} end"
    )


def _insert_manifest(
    con: duckdb.DuckDBPyConnection,
    outcome: FileOutcome,
    batch_id: str,
    facts: FileFacts,
    mtime: float,
    started: dt.datetime,
) -> None:
    con.execute(
        "insert into meta.load_manifest values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            outcome.load_id,
            batch_id,
            outcome.source or None,
            outcome.entity or None,
            outcome.extract_date,
            outcome.file_path,
            facts.sha256,
            facts.size_bytes,
            mtime,
            outcome.encoding,
            outcome.status,
            outcome.reason,
            outcome.rows_read,
            outcome.rows_loaded,
            outcome.rows_quarantined,
            ",".join(outcome.extra_columns) or None,
            outcome.supersedes_load_id,
            started,
            _now(),
        ],
    )


def _next_load_id(con: duckdb.DuckDBPyConnection) -> int:
    return _scalar(con, "select coalesce(max(load_id), 0) + 1 from meta.load_manifest")


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def _duckdb_reason(error: duckdb.Error) -> str:
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"unreadable CSV: {first}"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
