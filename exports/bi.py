"""BI exports of the current publication: a DuckDB file, Parquet per mart, CSV for Excel.

Everything is read from schema `published` (one `PublishedSnapshot`, pay left out unless
configured) and written into one build folder, published as `<export_dir>/bi` by an atomic symlink
flip (exports/atomic.py), so a BI tool sees one whole publication or the previous one:

    bi/sales_kpis.duckdb           every table with its dbt column docs as comments, plus
                                   `_publication`; a separate file, so BI never locks the warehouse
    bi/parquet/<mart>/period_type=<t>/period=<p>/data_0.parquet   (marts without a period:
                                   bi/parquet/<mart>/data_0.parquet)
    bi/csv/<mart>.csv              UTF-8 with BOM, formula injection neutralised in text cells
    bi/manifest.json               publication id, run id, tables, row counts, sha256 of each file

The DuckDB file and the CSVs hold their rows in a fixed order (`order by all`), so re-exporting a
publication gives the same rows in the same order; each table is sorted once, into a temporary
copy the three formats are written from (DuckDB keeps a table's insertion order when it scans
it). Parquet files of partitioned marts keep that order inside each file too: DuckDB writes
partitions in parallel, out of order, so the partitioned copy runs on one thread.

The files are written on lanes, as many as the connection's DuckDB threads: each lane is a
cursor of its own running one file at a time with DuckDB on one thread (the DuckDB file, then
each mart's Parquet and CSV, largest first), so every file keeps the export order and the cores
are busy with different files instead of one file's threads waiting on the other. The sorted
copies live in an in-memory database attached for the export, which every cursor sees.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import duckdb

from exports.atomic import discard_build, new_build_dir, publish_build, sha256_of
from exports.bi_source import (
    PUBLICATION_TABLE,
    BiTable,
    PublishedSnapshot,
    quote_ident,
    read_snapshot,
    select_sql,
)
from exports.column_docs import TableDoc
from exports.csv_safety import is_text_type, neutralised_text_sql

BI_LINK = "bi"
DUCKDB_FILE = "sales_kpis.duckdb"
MANIFEST_FILE = "manifest.json"
CSV_BOM = b"\xef\xbb\xbf"
MANIFEST_FORMAT = 1
_ATTACHED = "kpiwh_bi_export"
_SORTED_DATABASE = "kpiwh_bi_sorted"  # in memory, attached for one export
_SORTED_PREFIX = "_bi_sorted__"


@dataclass(frozen=True)
class BiExportResult:
    publication_id: int
    path: Path  # the stable path BI tools use: <export_dir>/bi
    build: Path  # the folder it points at
    manifest: dict[str, Any]


def export_bi(
    con: duckdb.DuckDBPyConnection,
    export_dir: Path,
    *,
    include_pay: bool = False,
    column_docs: dict[str, TableDoc] | None = None,
    lanes: int | None = None,
) -> BiExportResult:
    """Write the BI exports of the current publication under `export_dir/bi`, atomically.

    `con` reads the warehouse (read-only is enough). A failure leaves the previous export as it was.
    `lanes`: files written at once (default: the connection's DuckDB threads).
    """
    snapshot = read_snapshot(con, include_pay=include_pay)
    return export_snapshot(con, snapshot, export_dir, column_docs=column_docs or {}, lanes=lanes)


def export_snapshot(
    con: duckdb.DuckDBPyConnection,
    snapshot: PublishedSnapshot,
    export_dir: Path,
    *,
    column_docs: dict[str, TableDoc],
    lanes: int | None = None,
) -> BiExportResult:
    """Write the BI exports of `snapshot` (read through `con`) under `export_dir/bi`.

    `lanes`: how many files are written at once (default: the connection's DuckDB threads).
    """
    link = export_dir / BI_LINK
    build = new_build_dir(link, f"publication-{snapshot.publication.publication_id:06d}")
    lanes = max(1, lanes if lanes is not None else _threads(con))
    # the sorted copies must stay sorted
    with _duckdb_setting(con, "preserve_insertion_order", "true"), _sorted_database(con):
        try:
            sorted_copies = {table.name: _sorted_copy(con, table) for table in snapshot.tables}
            _write_files(con, snapshot, build, column_docs, sorted_copies, lanes)
            manifest = _manifest(snapshot, build)
            (build / MANIFEST_FILE).write_text(
                json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
            final = publish_build(build, link)
        except BaseException:
            discard_build(build)
            raise
    return BiExportResult(snapshot.publication.publication_id, link, final, manifest)


def _write_files(
    con: duckdb.DuckDBPyConnection,
    snapshot: PublishedSnapshot,
    build: Path,
    column_docs: dict[str, TableDoc],
    sorted_copies: dict[str, str],
    lanes: int,
) -> None:
    """Every file of the build: the DuckDB file, then each mart's Parquet and CSV, the largest
    marts first; on `lanes` cursors at once, each query on one DuckDB thread, when lanes > 1."""
    jobs: list[Callable[[duckdb.DuckDBPyConnection], None]] = [
        partial(
            write_duckdb_file,
            snapshot=snapshot,
            path=build / DUCKDB_FILE,
            docs=column_docs,
            sources=sorted_copies,
        )
    ]
    for table in sorted(snapshot.tables, key=lambda t: (-t.row_count, t.name)):
        source = sorted_copies[table.name]
        folder = build / "parquet" / table.name
        jobs.append(partial(write_parquet, table=table, folder=folder, source=source))
        path = build / "csv" / f"{table.name}.csv"
        jobs.append(partial(write_csv, table=table, path=path, source=source))
    if lanes == 1:
        for job in jobs:
            job(con)
        return
    with _duckdb_setting(con, "threads", "1"):
        _run_on_lanes(con, jobs, lanes)


def _run_on_lanes(
    con: duckdb.DuckDBPyConnection,
    jobs: list[Callable[[duckdb.DuckDBPyConnection], None]],
    lanes: int,
) -> None:
    """Run `jobs` in order on `lanes` threads, each with a cursor of its own (DuckDB releases the
    GIL while a query runs). The first failure stops the jobs not yet started and is raised."""
    local = threading.local()
    cursors: list[duckdb.DuckDBPyConnection] = []
    guard = threading.Lock()

    def cursor() -> duckdb.DuckDBPyConnection:
        if not hasattr(local, "cursor"):
            local.cursor = con.cursor()
            with guard:
                cursors.append(local.cursor)
        return local.cursor

    failed = threading.Event()

    def run(job: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
        if not failed.is_set():
            try:
                job(cursor())
            except BaseException:
                failed.set()
                raise

    try:
        with ThreadPoolExecutor(max_workers=lanes, thread_name_prefix="bi-export") as pool:
            for future in as_completed([pool.submit(run, job) for job in jobs]):
                error = future.exception()
                if error is not None:  # `run` has set `failed`: jobs not yet started are skipped
                    raise error
    finally:
        for cur in cursors:
            cur.close()


def _threads(con: duckdb.DuckDBPyConnection) -> int:
    (threads,) = con.execute("select current_setting('threads')").fetchone()  # type: ignore[misc]
    return int(threads)


@contextlib.contextmanager
def _sorted_database(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """An in-memory database for the sorted copies, seen by every cursor of `con` (a temporary
    table is seen by its own connection only); detached, with every copy, at the end."""
    con.execute(f"attach ':memory:' as {_SORTED_DATABASE} (read_write)")
    try:
        yield
    finally:
        con.execute(f"detach {_SORTED_DATABASE}")


@contextlib.contextmanager
def _duckdb_setting(con: duckdb.DuckDBPyConnection, name: str, value: str) -> Iterator[None]:
    """`set <name> = <value>` for the block; the connection's own value is restored after."""
    (kept,) = con.execute(f"select current_setting('{name}')").fetchone()  # type: ignore[misc]
    con.execute(f"set {name} = {value}")
    try:
        yield
    finally:
        con.execute(f"set {name} = {str(kept).lower() if isinstance(kept, bool) else kept}")


def _sorted_copy(con: duckdb.DuckDBPyConnection, table: BiTable) -> str:
    """A table of `table`'s exported columns in export order (`order by all`), in the export's
    in-memory database (`_sorted_database`)."""
    copy = f"{_SORTED_DATABASE}.main.{quote_ident(_SORTED_PREFIX + table.name)}"
    con.execute(f"create or replace table {copy} as {select_sql(table)} order by all")
    return copy


def _ordered_sql(
    table: BiTable, source: str | None, column_sql: dict[str, str] | None = None
) -> str:
    """The table's rows in export order: from its sorted copy as stored, else sorted here."""
    if source is not None:
        return select_sql(table, column_sql=column_sql, relation=source)
    return f"{select_sql(table, column_sql=column_sql)} order by all"


def write_duckdb_file(
    con: duckdb.DuckDBPyConnection,
    snapshot: PublishedSnapshot,
    path: Path,
    docs: dict[str, TableDoc],
    sources: dict[str, str] | None = None,
) -> None:
    """A new DuckDB file holding the BI tables (schema `main`) with table and column comments.

    `sources`: per table, its sorted copy (see `_sorted_copy`) to read instead of sorting here.
    """
    con.execute(f"attach '{_sql_string(str(path))}' as {_ATTACHED} (read_write)")
    con.execute("begin transaction")  # one commit for every table and comment
    try:
        for table in snapshot.tables:
            target = f"{_ATTACHED}.main.{quote_ident(table.name)}"
            query = _ordered_sql(table, (sources or {}).get(table.name))
            con.execute(f"create table {target} as {query}")
            doc = docs.get(table.name, TableDoc())
            if doc.description:
                con.execute(f"comment on table {target} is '{_sql_string(doc.description)}'")
            for column in table.columns:
                text = doc.columns.get(column.name)
                if text:
                    con.execute(
                        f"comment on column {target}.{quote_ident(column.name)} "
                        f"is '{_sql_string(text)}'"
                    )
        publication = snapshot.publication
        target = f"{_ATTACHED}.main.{quote_ident(PUBLICATION_TABLE)}"
        con.execute(
            f"create table {target} (publication_id bigint, run_id varchar, "
            "published_at timestamp, load_watermark bigint, includes_pay boolean, "
            "excluded_tables varchar[])"
        )
        con.execute(
            f"insert into {target} values (?, ?, ?, ?, ?, ?)",
            [
                publication.publication_id,
                publication.run_id,
                publication.published_at,
                publication.load_watermark,
                snapshot.include_pay,
                list(snapshot.excluded_tables),
            ],
        )
        con.execute(
            f"comment on table {target} is 'The publication (meta.publications) these tables are.'"
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.execute(f"detach {_ATTACHED}")
    path.chmod(0o444)  # BI tools open it read-only; nothing should write to an export


def write_parquet(
    con: duckdb.DuckDBPyConnection, table: BiTable, folder: Path, *, source: str | None = None
) -> None:
    """One folder per mart, hive-partitioned by period_type/period when it has a period.

    The partition columns are also kept inside the files, with their real types: readers that do
    not use hive partitioning still see them, and `period = '2026'` never turns into a number.
    """
    folder.mkdir(parents=True)
    query = _ordered_sql(table, source)
    if table.partition_columns and table.row_count:
        partitions = ", ".join(quote_ident(c) for c in table.partition_columns)
        # on several threads DuckDB writes a partition's rows out of order; one keeps the order
        with _duckdb_setting(con, "threads", "1"):
            con.execute(
                f"copy ({query}) to '{_sql_string(str(folder))}' (format parquet, "
                f"partition_by ({partitions}), write_partition_columns true, "
                "overwrite_or_ignore false)"
            )
    else:  # no period, or no rows: one file that still carries the schema
        con.execute(
            f"copy ({query}) to '{_sql_string(str(folder / 'data_0.parquet'))}' (format parquet)"
        )


def write_csv(
    con: duckdb.DuckDBPyConnection, table: BiTable, path: Path, *, source: str | None = None
) -> None:
    """UTF-8 with BOM (Excel detects the encoding), header, text cells neutralised."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = path.with_name(f".{path.name}.body")
    neutralised = {
        column.name: neutralised_text_sql(quote_ident(column.name))
        for column in table.columns
        if is_text_type(column.duckdb_type)
    }
    query = _ordered_sql(table, source, neutralised)
    try:
        con.execute(f"copy ({query}) to '{_sql_string(str(body))}' (format csv, header true)")
        with open(path, "wb") as out, open(body, "rb") as source:
            out.write(CSV_BOM)
            shutil.copyfileobj(source, out, 1 << 20)
    finally:
        body.unlink(missing_ok=True)


def read_manifest(export_dir: Path) -> dict[str, Any] | None:
    """The manifest of the BI export currently published under `export_dir`, if any."""
    path = export_dir / BI_LINK / MANIFEST_FILE
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _manifest(snapshot: PublishedSnapshot, build: Path) -> dict[str, Any]:
    publication = snapshot.publication
    files = []
    for folder, _, names in sorted(os.walk(build)):
        for name in sorted(names):
            file_path = Path(folder) / name
            files.append(
                {
                    "path": file_path.relative_to(build).as_posix(),
                    "bytes": file_path.stat().st_size,
                    "sha256": sha256_of(file_path),
                }
            )
    return {
        "format_version": MANIFEST_FORMAT,
        "publication_id": publication.publication_id,
        "run_id": publication.run_id,
        "published_at": publication.published_at.isoformat(),
        "load_watermark": publication.load_watermark,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "includes_pay": snapshot.include_pay,
        "excluded": {
            "tables": list(snapshot.excluded_tables),
            "columns": {t: list(c) for t, c in snapshot.excluded_columns.items()},
        },
        "tables": {
            table.name: {
                "rows": table.row_count,
                "columns": [{"name": c.name, "type": c.duckdb_type} for c in table.columns],
                "parquet_partitioned_by": list(table.partition_columns),
            }
            for table in snapshot.tables
        },
        "files": files,
    }


def _sql_string(text: str) -> str:
    return text.replace("'", "''")
