"""The payroll file of an approved period: one fixed-schema CSV plus a JSON manifest.

Layout (docs/payroll_file.md): `<export_dir>/payroll/<period>/payouts_<period>_<batch_id>.csv` and
`….manifest.json`. Each is written to a hidden temp file in the same folder, fsynced, renamed into
place and the folder fsynced; the manifest goes last. A reader takes a batch as delivered only when
the manifest exists and its SHA-256 matches the data file (`read_batch`), so a crash between the
two leaves the previous state. The batch id is `PAY-<period>`: a period is exported once, then
frozen; its file has no timestamps, so exporting the same numbers again gives the same bytes.

Export order: the freeze (batch, lines, frozen snapshots, status `exported`) commits first, in one
transaction; then the files are written. A crash in between leaves an exported period without a
file, and `export` again writes it from the frozen lines — payroll never sees a file whose batch is
not recorded.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from exports.csv_safety import neutralise_text
from exports.payroll.lifecycle import (
    FROZEN,
    HoldsLookup,
    LifecycleError,
    PeriodState,
    anomaly_holds,
    gate_failures,
    latest_publication,
    record_transition,
    require_actor,
    require_period,
)
from exports.payroll.lines import PayoutLine, control_total, fingerprint, money, period_lines
from exports.payroll.schema import SCHEMA, ensure_payroll_schema

FILE_COLUMNS = (
    "payroll_id",
    "employee_id",
    "employee_name",
    "period",
    "component",
    "amount",
    "currency",
    "batch_id",
)
MANIFEST_SCHEMA_VERSION = 1


class ExportRefused(Exception):
    """The period may not be exported now; the message says why and what to do."""


class BatchConflict(ExportRefused):
    """Different numbers under a batch that was already exported."""


@dataclass(frozen=True)
class BatchFiles:
    folder: Path
    data_path: Path
    manifest_path: Path


@dataclass(frozen=True)
class ExportResult:
    period: str
    batch_id: str
    outcome: str  # exported | unchanged | rewritten
    files: BatchFiles
    row_count: int
    control_total: Decimal
    sha256: str


def batch_id_for(period: str) -> str:
    return f"PAY-{period}"


def batch_files(export_dir: Path, period: str, batch_id: str) -> BatchFiles:
    folder = Path(export_dir) / "payroll" / period
    stem = f"payouts_{period}_{batch_id}"
    return BatchFiles(folder, folder / f"{stem}.csv", folder / f"{stem}.manifest.json")


def render_csv(lines: list[PayoutLine], batch_id: str) -> bytes:
    """RFC 4180 CSV (CRLF, UTF-8 without BOM), header first, lines in the given order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(FILE_COLUMNS)
    for line in lines:
        writer.writerow(
            (
                neutralise_text(line.payroll_id),
                neutralise_text(line.employee_id),
                neutralise_text(line.employee_name),
                line.period,
                line.component,
                money(line.amount),
                line.currency,
                batch_id,
            )
        )
    return buffer.getvalue().encode("utf-8")


def render_manifest(
    *,
    batch_id: str,
    period_type: str,
    period: str,
    file_name: str,
    data: bytes,
    lines: list[PayoutLine],
    currency: str,
    publication_id: int | None,
    run_id: str | None,
    load_watermark: int | None,
) -> bytes:
    manifest = {
        "schema_version": MANIFEST_SCHEMA_VERSION,
        "batch_id": batch_id,
        "period_type": period_type,
        "period": period,
        "file_name": file_name,
        "row_count": len(lines),
        "control_total": money(control_total(lines)),
        "currency": currency,
        "sha256": hashlib.sha256(data).hexdigest(),
        "run_id": run_id,
        "publication_id": publication_id,
        "load_watermark": load_watermark,
    }
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, data: bytes) -> None:
    """Temp file in the same folder, fsync, rename over `path`, fsync the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.parent / f".{path.name}.tmp-{os.getpid()}"
    with open(temp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
    _fsync_dir(path.parent)


def clean_temp_files(folder: Path) -> None:
    """Leftovers of an interrupted write (hidden `.…tmp-<pid>` files): never a delivered file."""
    if folder.is_dir():
        for leftover in folder.glob(".*.tmp-*"):
            leftover.unlink(missing_ok=True)


def read_batch(files: BatchFiles) -> dict[str, Any] | None:
    """The manifest of a delivered batch, or None when it is not (completely) there.

    Present = the manifest exists, parses, and its sha256 and row count match the data file.
    """
    if not files.manifest_path.is_file() or not files.data_path.is_file():
        return None
    try:
        manifest = json.loads(files.manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    data = files.data_path.read_bytes()
    if manifest.get("sha256") != hashlib.sha256(data).hexdigest():
        return None
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    if manifest.get("row_count") != len(rows) - 1:
        return None
    return manifest


def _write_batch(files: BatchFiles, data: bytes, manifest: bytes) -> str:
    """Write data then manifest; 'unchanged' when both are already there byte for byte."""
    clean_temp_files(files.folder)
    if (
        files.data_path.is_file()
        and files.manifest_path.is_file()
        and files.data_path.read_bytes() == data
        and files.manifest_path.read_bytes() == manifest
    ):
        return "unchanged"
    write_atomically(files.data_path, data)
    _before_manifest(files)
    write_atomically(files.manifest_path, manifest)
    return "rewritten"


def _before_manifest(files: BatchFiles) -> None:
    """Hook between the data file and the manifest (tests inject a crash here)."""


def _trace_freezer() -> Callable[..., Any]:
    try:
        from exports.trace import TraceError, freeze_contributions
    except ImportError as missing:
        raise ExportRefused(
            f"cannot freeze the period's trace (exports.trace.freeze_contributions: {missing}); "
            "nothing exported"
        ) from missing

    def freeze(con: duckdb.DuckDBPyConnection, **kwargs: Any) -> Any:
        # the trail is verified against the frozen numbers: when it does not explain them (the
        # warehouse was rebuilt after the publication) the export is refused, not crashed
        try:
            return freeze_contributions(con, **kwargs)
        except TraceError as unexplained:
            raise ExportRefused(
                f"cannot export {kwargs.get('period')}: nothing exported, the trace of its numbers "
                f"does not reconcile: {unexplained}. Let the nightly job validate and publish the "
                "current build, then approve and export again"
            ) from unexplained

    return freeze


def frozen_lines(con: duckdb.DuckDBPyConnection, batch_id: str) -> list[PayoutLine]:
    rows = con.execute(
        f"select payroll_id, employee_id, employee_name, period, component, amount, currency, "
        f"adjustment_id from {SCHEMA}.batch_lines where batch_id = ? order by line_number",
        [batch_id],
    ).fetchall()
    return [PayoutLine(*row) for row in rows]


def _batch_record(con: duckdb.DuckDBPyConnection, batch_id: str) -> tuple[Any, ...]:
    row = con.execute(
        f"select period_type, publication_id, run_id, load_watermark from {SCHEMA}.batches "
        "where batch_id = ?",
        [batch_id],
    ).fetchone()
    if row is None:
        raise ExportRefused(f"batch {batch_id} is not recorded in {SCHEMA}.batches")
    return row


def export_period(
    con: duckdb.DuckDBPyConnection,
    period: str,
    *,
    actor: str,
    export_dir: Path,
    currency: str,
    holds: HoldsLookup | None = None,
    redeliver: bool = False,
    now: dt.datetime | None = None,
) -> ExportResult:
    """Export an approved period (freeze + file), or write an exported period's file again."""
    actor = require_actor(actor)
    ensure_payroll_schema(con)
    state = require_period(con, period)
    if state.status in FROZEN:
        return _export_again(con, state, export_dir, currency, redeliver)
    if state.status != "approved":
        raise ExportRefused(
            f"period {period} is {state.status}: only an approved period can be exported "
            f"(kpiwh payroll approve --period {period} --by NAME)"
        )
    failures = gate_failures(con)
    if failures:
        raise ExportRefused(
            f"cannot export {period}: a quality gate failed after the approval, the numbers are "
            "in question: " + "; ".join(f"{name}: {observed}" for name, observed in failures)
        )
    open_holds = (holds or anomaly_holds)(con, state.period_type, period)
    if open_holds:
        listed = "; ".join(
            f"{alert.alert_id} {alert.kind} {alert.employee_id or '-'}: {alert.message}"
            for alert in open_holds
        )
        raise ExportRefused(
            f"cannot export {period}: {len(open_holds)} payout anomaly(ies) hold it until "
            f"acknowledged: {listed}"
        )
    lines = period_lines(con, state.period_type, period, currency)
    if fingerprint(lines) != state.approved_fingerprint:
        raise ExportRefused(
            f"the numbers of {period} changed since they were approved (on publication "
            f"{state.approved_publication_id}): review them and approve again "
            f"(kpiwh payroll approve --period {period} --by NAME)"
        )
    publication = latest_publication(con)
    assert publication is not None
    batch_id = batch_id_for(period)
    files = batch_files(export_dir, period, batch_id)
    data = render_csv(lines, batch_id)
    delivered = read_batch(files)
    if delivered is not None and delivered["sha256"] != hashlib.sha256(data).hexdigest():
        raise BatchConflict(
            f"batch {batch_id} already exists in {files.folder} with different numbers; "
            "refusing to overwrite a delivered payroll file"
        )
    manifest = render_manifest(
        batch_id=batch_id,
        period_type=state.period_type,
        period=period,
        file_name=files.data_path.name,
        data=data,
        lines=lines,
        currency=currency,
        publication_id=publication.publication_id,
        run_id=publication.run_id,
        load_watermark=publication.load_watermark,
    )
    freeze = _trace_freezer()
    _freeze(
        con,
        state,
        lines,
        data,
        batch_id=batch_id,
        file_name=files.data_path.name,
        publication=publication,
        actor=actor,
        now=now or dt.datetime.now().replace(microsecond=0),
        freeze_contributions=freeze,
    )
    _write_batch(files, data, manifest)
    return ExportResult(
        period,
        batch_id,
        "exported",
        files,
        len(lines),
        control_total(lines),
        hashlib.sha256(data).hexdigest(),
    )


def _export_again(
    con: duckdb.DuckDBPyConnection,
    state: PeriodState,
    export_dir: Path,
    currency: str,
    redeliver: bool,
) -> ExportResult:
    """An exported period: its file is written again from the frozen lines, byte for byte —
    unless today's numbers differ (late data), which is refused: the batch is frozen."""
    assert state.batch_id is not None
    batch_id = state.batch_id
    frozen = frozen_lines(con, batch_id)
    if not redeliver:
        current = period_lines(con, state.period_type, state.period, currency)
        if fingerprint(current) != fingerprint(frozen):
            difference = control_total(current) - control_total(frozen)
            raise BatchConflict(
                f"period {state.period} was exported as batch {batch_id} with different numbers "
                f"(today's total differs by {money(difference)}); an exported period is frozen: "
                "the difference is paid as late-data adjustment lines in the next open period. "
                f"To deliver the exported file again: kpiwh payroll export --period "
                f"{state.period} --redeliver --by NAME"
            )
    period_type, publication_id, run_id, load_watermark = _batch_record(con, batch_id)
    files = batch_files(export_dir, state.period, batch_id)
    data = render_csv(frozen, batch_id)
    manifest = render_manifest(
        batch_id=batch_id,
        period_type=period_type,
        period=state.period,
        file_name=files.data_path.name,
        data=data,
        lines=frozen,
        currency=frozen[0].currency if frozen else currency,
        publication_id=publication_id,
        run_id=run_id,
        load_watermark=load_watermark,
    )
    outcome = _write_batch(files, data, manifest)
    return ExportResult(
        state.period,
        batch_id,
        outcome,
        files,
        len(frozen),
        control_total(frozen),
        hashlib.sha256(data).hexdigest(),
    )


def _snapshot(
    con: duckdb.DuckDBPyConnection, target: str, source: str, where: str, params: list[Any]
) -> None:
    """Append `source` rows (+ batch_id) to `target`, adding columns the source gained."""
    con.execute(
        f"create table if not exists {target} as "
        f"select *, cast(null as varchar) as batch_id from {source} limit 0"
    )
    known = {
        name
        for (name,) in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            target.split("."),
        ).fetchall()
    }
    for name, data_type in con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        source.split("."),
    ).fetchall():
        if name not in known:
            con.execute(f'alter table {target} add column "{name}" {data_type}')
    con.execute(
        f"insert into {target} by name select *, ? as batch_id from {source} where {where}", params
    )


def _freeze(
    con: duckdb.DuckDBPyConnection,
    state: PeriodState,
    lines: list[PayoutLine],
    data: bytes,
    *,
    batch_id: str,
    file_name: str,
    publication: Any,
    actor: str,
    now: dt.datetime,
    freeze_contributions: Callable[..., Any],
) -> None:
    """Record the batch and snapshot what it pays, in one transaction with the status change."""
    period_type, period = state.period_type, state.period
    con.execute("begin transaction")
    try:
        con.execute(
            f"insert into {SCHEMA}.batches values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                batch_id,
                period_type,
                period,
                publication.publication_id,
                publication.run_id,
                publication.load_watermark,
                file_name,
                hashlib.sha256(data).hexdigest(),
                len(lines),
                control_total(lines),
                now,
                actor,
            ],
        )
        for number, line in enumerate(lines, start=1):
            con.execute(
                f"insert into {SCHEMA}.batch_lines values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    batch_id,
                    number,
                    line.payroll_id,
                    line.employee_id,
                    line.employee_name,
                    line.period,
                    line.component,
                    line.amount,
                    line.currency,
                    line.adjustment_id,
                ],
            )
        _snapshot(
            con,
            f"{SCHEMA}.frozen_payouts",
            "published.fct_payouts",
            "period_type = ? and period = ?",
            [batch_id, period_type, period],
        )
        _snapshot(
            con,
            f"{SCHEMA}.frozen_scorecards",
            "published.fct_scorecards",
            "period_type = ? and period = ?",
            [batch_id, period_type, period],
        )
        (start, end) = con.execute(
            "select min(period_start_date), max(period_end_date) from published.fct_payouts "
            "where period_type = ? and period = ?",
            [period_type, period],
        ).fetchone()
        # the payout period and every period within it (a quarter and its months)
        _snapshot(
            con,
            f"{SCHEMA}.frozen_kpi_values",
            "published.fct_kpi_values",
            "(period_type = ? and period = ?) or (period_start_date >= ? and period_end_date <= ?)",
            [batch_id, period_type, period, start, end],
        )
        adjustment_ids = [line.adjustment_id for line in lines if line.adjustment_id]
        if adjustment_ids:
            con.execute(
                f"update {SCHEMA}.adjustments set exported_batch_id = ? "
                "where adjustment_id in (select unnest(?::varchar[]))",
                [batch_id, adjustment_ids],
            )
        record_transition(
            con,
            state,
            "exported",
            actor=actor,
            at=now,
            note=f"batch {batch_id}: {len(lines)} lines, total {money(control_total(lines))}",
            publication_id=publication.publication_id,
            extra={"batch_id": batch_id},
        )
        freeze_contributions(con, batch_id=batch_id, period_type=period_type, period=period)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def close_period(
    con: duckdb.DuckDBPyConnection,
    period: str,
    *,
    actor: str,
    export_dir: Path,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """exported → closed, once the delivered file is verified against its manifest."""
    actor = require_actor(actor)
    state = require_period(con, period)
    if state.status == "exported":
        assert state.batch_id is not None
        files = batch_files(export_dir, period, state.batch_id)
        manifest = read_batch(files)
        (recorded_sha,) = con.execute(
            f"select file_sha256 from {SCHEMA}.batches where batch_id = ?", [state.batch_id]
        ).fetchone()
        if manifest is None or manifest["sha256"] != recorded_sha:
            raise LifecycleError(
                f"cannot close {period}: the file of batch {state.batch_id} is missing or does "
                f"not match its manifest in {files.folder}; write it again with "
                f"kpiwh payroll export --period {period} --by NAME"
            )
    con.execute("begin transaction")
    try:
        record_transition(con, state, "closed", actor=actor, at=now or dt.datetime.now(), note=note)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
