"""The nightly dbt step: what it runs, the memory it gives dbt's DuckDB, the folders it keeps."""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

import pytest

from orchestration.assets.dbt import (
    NIGHTLY_BUILD_ARGS,
    _dbt_memory_budget,
    _prune_run_targets,
    _three_quarters,
)


def test_nightly_build_excludes_the_unit_tests() -> None:
    assert NIGHTLY_BUILD_ARGS == ["build", "--exclude", "test_type:unit"]


@pytest.mark.parametrize(
    ("limit", "expected"),
    [("6GB", "4500MB"), ("4500MB", "3375MB"), ("8GiB", "6442MB"), ("1.5gb", "1125MB")],
)
def test_dbt_gets_three_quarters_of_the_duckdb_limit(limit: str, expected: str) -> None:
    assert _three_quarters(limit) == expected


def test_a_limit_that_is_not_a_size_is_left_to_duckdb() -> None:
    assert _three_quarters("80%") is None
    assert _three_quarters("") is None


def test_the_budget_applies_while_dbt_starts_then_the_setting_is_restored(monkeypatch) -> None:
    monkeypatch.setenv("KPIWH_DUCKDB_MEMORY_LIMIT", "6GB")
    monkeypatch.delenv("KPIWH_DBT_DUCKDB_MEMORY_LIMIT", raising=False)
    with _dbt_memory_budget():
        assert os.environ["KPIWH_DUCKDB_MEMORY_LIMIT"] == "4500MB"
    assert os.environ["KPIWH_DUCKDB_MEMORY_LIMIT"] == "6GB"
    monkeypatch.setenv("KPIWH_DBT_DUCKDB_MEMORY_LIMIT", "2GB")
    with _dbt_memory_budget():
        assert os.environ["KPIWH_DUCKDB_MEMORY_LIMIT"] == "2GB"
    assert os.environ["KPIWH_DUCKDB_MEMORY_LIMIT"] == "6GB"


def test_the_dbt_resource_skips_the_version_subprocess_and_the_in_process_adapter(
    monkeypatch, tmp_path
) -> None:
    import subprocess

    import dagster_dbt.core.resource as dagster_dbt_resource
    from dagster_dbt import DbtCliResource
    from packaging import version

    from orchestration.assets.dbt import DBT_EXECUTABLE, NightlyDbtCliResource, dbt_project

    # what is overridden still exists upstream (a dagster-dbt upgrade renaming it fails here)
    assert isinstance(DbtCliResource.__dict__["_cli_version"], functools.cached_property)
    assert callable(DbtCliResource.__dict__["_initialize_dbt_core_adapter"])

    real = subprocess.check_output([DBT_EXECUTABLE, "--version"]).decode()
    resource = NightlyDbtCliResource(
        project_dir=dbt_project,
        profiles_dir=str(dbt_project.profiles_dir),
        dbt_executable=DBT_EXECUTABLE,
    )
    installed = re.search(r"installed:\s*(\S+)", real)
    assert installed is not None and version.parse(installed.group(1)) == resource._cli_version
    assert resource._cli_version >= version.parse("1.11")

    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"dagster-dbt spawned {args[0]}")

    monkeypatch.setattr(dagster_dbt_resource, "check_output", no_subprocess)
    monkeypatch.setenv("KPIWH_DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
    invocation = resource.cli(
        ["ls", "--resource-type", "model", "--select", "int_periods", "--quiet"],
        target_path=tmp_path / "target",
    ).wait()
    assert invocation.is_successful()
    assert invocation.adapter is None


def test_dbt_tests_are_non_blocking_checks_the_explicit_gate_replaces() -> None:
    from orchestration.assets.dbt import dbt_models

    specs = {spec.key.name: spec for spec in dbt_models.check_specs}
    assert "unique_stg_crm__accounts_account_id" in specs  # an error-severity dbt test
    assert not [name for name, spec in specs.items() if spec.blocking]


def test_only_the_newest_run_folders_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.mkdir()
    for age, name in enumerate(["dbt_models-ccc-3", "dbt_models-bbb-2", "dbt_models-aaa-1"], 1):
        folder = target / name
        (folder / "compiled").mkdir(parents=True)
        (folder / "run_results.json").write_text("{}")
        os.utime(folder, (1_000_000 - age, 1_000_000 - age))  # ccc newest, aaa oldest
    current = target / "dbt_models-ddd-4"
    current.mkdir()
    os.utime(current, (900_000, 900_000))  # this run's folder, whatever its time, is kept
    (target / "partial_parse.msgpack").write_bytes(b"state")
    (target / "other_step-eee-5").mkdir()
    (target / "dbt_models-file").write_text("not a folder")

    _prune_run_targets(current, keep=3)

    assert sorted(p.name for p in target.iterdir()) == [
        "dbt_models-bbb-2",
        "dbt_models-ccc-3",
        "dbt_models-ddd-4",
        "dbt_models-file",
        "other_step-eee-5",
        "partial_parse.msgpack",
    ]
    _prune_run_targets(current, keep=1)
    assert not (target / "dbt_models-ccc-3").exists()
    assert current.is_dir()
