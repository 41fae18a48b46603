from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from ingestion.loader import LoadReport, load_landing
from ingestion.warehouse import ensure_schema

RECEIPTS_HEADER = "receipt_id,invoice_id,received_at,amount,method,updated_at\n"


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    path = tmp_path / "landing"
    path.mkdir()
    return path


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    ensure_schema(connection)
    yield connection
    connection.close()


@pytest.fixture
def drop(landing: Path) -> Callable[..., Path]:
    """Write `<landing>/<source>/<date>/<entity>.csv` from text (or bytes), UTF-8 by default."""

    def _drop(
        source: str, date: str, entity: str, body: str | bytes, encoding: str = "utf-8"
    ) -> Path:
        path = landing / source / date / f"{entity}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = body if isinstance(body, bytes) else body.encode(encoding)
        path.write_bytes(data)
        return path

    return _drop


@pytest.fixture
def load(con: duckdb.DuckDBPyConnection, landing: Path) -> Callable[..., LoadReport]:
    def _load(**kwargs: object) -> LoadReport:
        return load_landing(con, landing, **kwargs)  # type: ignore[arg-type]

    return _load


def touch_later(path: Path) -> None:
    """Give a file a new mtime, as a second delivery of the same bytes would."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
