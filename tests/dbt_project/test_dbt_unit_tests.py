"""Every dbt unit test runs (and passes) here, in CI: the nightly job excludes them
(`dbt build --exclude test_type:unit`, orchestration/assets/dbt.py)."""

from __future__ import annotations

from .conftest import StagingBuild


def test_every_dbt_unit_test_passes(staging_build: StagingBuild) -> None:
    unit_tests = {
        r.node.unique_id: str(r.status)
        for r in staging_build.results
        if r.node.unique_id.startswith("unit_test.")
    }
    assert len(unit_tests) >= 27  # the project's count when the nightly job stopped running them
    assert set(unit_tests.values()) == {"pass"}, {
        uid: status for uid, status in unit_tests.items() if status != "pass"
    }
