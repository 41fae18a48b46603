from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import duckdb
import pytest

from quality.checks import CheckResult, QualityConfig, run_checks


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    yield connection
    connection.close()


@pytest.fixture
def run_one(con: duckdb.DuckDBPyConnection) -> Callable[..., CheckResult]:
    """Run one check by name on `con` (config overrides as keyword arguments)."""

    def _run(name: str, **config: Any) -> CheckResult:
        report = run_checks(con, names=[name], config=QualityConfig(**config))
        assert [r.name for r in report.results] == [name]
        return report.result(name)

    return _run
