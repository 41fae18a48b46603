"""The `payroll/periods` asset registers published payout periods after a publication."""

from __future__ import annotations

import dagster as dg
import duckdb

from orchestration.assets.payroll import payroll_periods
from orchestration.resources import WarehouseResource
from tests.exports.payroll_fixtures import make_warehouse, publish


def test_the_asset_marks_ended_periods_calculated(tmp_path) -> None:
    path = str(tmp_path / "warehouse.duckdb")
    con = make_warehouse(path)
    publish(con, "run-1")  # published 2026-01-15: both quarters have ended
    con.close()
    result = dg.materialize(
        [payroll_periods], resources={"warehouse": WarehouseResource(duckdb_path=path)}
    )
    assert result.success
    con = duckdb.connect(path, read_only=True)
    assert con.execute("select period, status from payroll.periods order by 1").fetchall() == [
        ("2025-Q3", "calculated"),
        ("2025-Q4", "calculated"),
    ]
