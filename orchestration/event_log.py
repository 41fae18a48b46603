"""Dagster's SQLite event log, with its connections kept open.

Dagster's `SqliteEventLogStorage` creates a SQLAlchemy engine, opens a connection and commits with
a full sync for every event it stores, twice for asset events (the run's database and the
cross-run index). A nightly run stores about 500 events (a planned materialisation per asset
before the first step starts), so a run with nothing to do spent about 13 of its 18 seconds in
the event log. This subclass keeps one engine per database (a few recent run databases and the
index) and runs SQLite's WAL journal with `synchronous=NORMAL`: a commit is safe against a crash
of the process; only a power loss can drop the last events, never corrupt the file.

Everything else (files, schema, migrations, the webserver reading the same files) is Dagster's
own; `orchestration.instance` writes the `dagster.yaml` that selects this class.
"""

from __future__ import annotations

import os
import sqlite3
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dagster import Field, StringSource
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sql import create_engine
from dagster._serdes import ConfigurableClassData
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

# Engines kept open: the index plus the latest run databases (a webserver browsing old runs
# opens more; the least recently used ones are closed).
MAX_OPEN_DATABASES = 8
BUSY_TIMEOUT_SECONDS = 15


def _pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """`SqliteEventLogStorage` reusing one engine (and pooled connection) per database file."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(base_dir, inst_data)

    @classmethod
    def config_type(cls) -> dict[str, Field]:  # type: ignore[override]
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(  # type: ignore[override]
        cls, inst_data: ConfigurableClassData | None, config_value: dict[str, Any]
    ) -> PooledSqliteEventLogStorage:
        """`base_dir` defaults to Dagster's own place for it: `$DAGSTER_HOME/history/runs`."""
        base_dir = config_value.get("base_dir") or os.path.join(
            os.environ["DAGSTER_HOME"], "history", "runs"
        )
        return cls(base_dir, inst_data=inst_data)

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = create_engine(
                self.conn_string_for_shard(shard),
                connect_args={"timeout": BUSY_TIMEOUT_SECONDS},
            )
            event.listen(engine, "connect", _pragmas)
        self._engines[shard] = engine
        while len(self._engines) > MAX_OPEN_DATABASES:
            _, oldest = self._engines.popitem(last=False)
            oldest.dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def dispose(self) -> None:
        super().dispose()
        with self._db_lock:
            while self._engines:
                _, engine = self._engines.popitem()
                engine.dispose()
