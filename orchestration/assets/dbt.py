"""The dbt project as Dagster assets (staging, intermediate and marts models, with their tests).

The nightly step runs `dbt build --exclude test_type:unit`: every model and its data tests. The
dbt unit tests check the SQL, not the data, so they run in CI (tests/dbt_project), not every night.

The staging models are incremental: the build adds `--full-refresh` when
`build_state.full_refresh_reason` says so (first build, changed dbt project, or asked for).

A run with nothing new skips dbt (see `orchestration.build_state`): no output is yielded, so the
quality gate and the publication after it are skipped too (Dagster logs STEP_SKIPPED), and the
dbt assets get an observation saying why.
"""

import contextlib
import importlib.metadata
import os
import re
import shutil
import sys
from collections.abc import Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
from dagster import AssetExecutionContext
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from packaging import version

from orchestration import build_state
from orchestration.preload import preload_in_background
from orchestration.resources import WarehouseResource
from orchestration.settings import DBT_PROJECT_DIR

# The dbt installed beside this interpreter: `.venv/bin/kpiwh` works without an activated venv.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))

# Unit tests are CI's job (tests/dbt_project runs every one of them).
NIGHTLY_BUILD_ARGS = ["build", "--exclude", "test_type:unit"]

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


class NightlyDbtCliResource(DbtCliResource):
    """dagster-dbt's CLI resource without two start-up costs this project does not need.

    Before each `dbt build`, dagster-dbt runs `dbt --version` in a subprocess (3.5 s) and loads
    a dbt adapter into the Dagster process (2.3 s, ~200 MB), which only `fetch_row_counts()` /
    `fetch_column_metadata()` use; this project calls neither, and dagster-dbt handles a missing
    adapter. The dbt it runs is the one installed beside this interpreter (`DBT_EXECUTABLE`),
    so its version is the installed dbt-core's. tests/orchestration/test_dbt_asset.py fails if a
    dagster-dbt upgrade renames what is overridden here.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Any) -> Any:
        return None


def _manifest_is_stale(project: DbtProject) -> bool:
    """No manifest yet (fresh clone), or a model, macro or YAML file changed after it was built."""
    if not project.manifest_path.exists():
        return True
    built = project.manifest_path.stat().st_mtime
    project_dir = Path(project.project_dir)
    sources = [project_dir / "dbt_project.yml"]
    for folder in ("models", "macros", "tests", "seeds", "snapshots"):
        sources.extend(p for p in (project_dir / folder).rglob("*") if p.is_file())
    return any(p.stat().st_mtime > built for p in sources if p.exists())


if _manifest_is_stale(dbt_project):
    DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE).cli(
        ["parse", "--quiet"], target_path=dbt_project.target_path
    ).wait()


class LayerTranslator(DagsterDbtTranslator):
    """Group dbt models by their layer folder (staging / intermediate / marts); dbt tests are
    non-blocking asset checks.

    dagster-dbt makes every error-severity test a blocking check. Blocking adds nothing here: a
    failing test fails `dbt build`, hence the step, and nothing after it runs; publication is
    gated explicitly (`published/marts`). It only made Dagster warn on every run that skips dbt
    ("Blocking asset check … emitted no result").
    """

    def get_asset_check_spec(
        self,
        asset_spec: dg.AssetSpec,
        manifest: Mapping[str, Any],
        unique_id: str,
        project: DbtProject | None,
    ) -> dg.AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        return None if spec is None else spec._replace(blocking=False)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props.get("resource_type") == "model":
            fqn = dbt_resource_props.get("fqn", [])
            if len(fqn) > 1:
                return str(fqn[1])
        return super().get_group_name(dbt_resource_props)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=LayerTranslator(),
    name="dbt_models",
)
def dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """`dbt build` without the unit tests: every model and its data tests, in dependency order —
    or nothing, when nothing changed since the last build that was published."""
    full_build = set(context.selected_asset_keys) == set(context.assets_def.keys)
    project_fingerprint = build_state.project_fingerprint(Path(dbt_project.project_dir))
    with warehouse.connection() as con:
        inputs = build_state.current_inputs(con, project_fingerprint)
        skip = build_state.unchanged_since_publication(con, inputs) if full_build else None
        full_refresh = build_state.full_refresh_reason(con, inputs)
    if skip is not None:
        context.log.info(f"dbt build skipped: {skip.reason}")
        for key in sorted(context.selected_asset_keys, key=lambda k: k.to_user_string()):
            yield dg.AssetObservation(
                asset_key=key,
                metadata={
                    "skipped": True,
                    "reason": skip.reason,
                    "built_by_run": skip.run_id,
                    "publication_id": skip.publication_id,
                },
            )
        return
    started_at = build_state.business_now(inputs.business_tz)
    args = list(NIGHTLY_BUILD_ARGS)
    if full_refresh is not None:
        context.log.info(f"dbt build with --full-refresh: {full_refresh}")
        args.append("--full-refresh")
    else:
        context.log.info("dbt build: incremental models take only the keys of new loads")
    # the quality gate after this step imports Great Expectations: import it while dbt builds
    preload_in_background("great_expectations")
    with _dbt_memory_budget():
        invocation = dbt.cli(args, context=context)  # starts the dbt process
    yield from invocation.stream()
    # where dbt's own timings are: the benchmark reads them (benchmarks/dbt_nodes.py)
    context.log.info(f"dbt run results: {Path(invocation.target_path) / 'run_results.json'}")
    _keep_partial_parse(invocation.target_path)
    _prune_run_targets(Path(invocation.target_path))
    if full_build and invocation.is_successful():
        with warehouse.connection() as con:
            build_state.record_build(con, context.run_id, inputs, started_at)


@contextlib.contextmanager
def _dbt_memory_budget() -> Iterator[None]:
    """Start dbt with DuckDB's memory limit at 3/4 of `KPIWH_DUCKDB_MEMORY_LIMIT` (or at
    `KPIWH_DBT_DUCKDB_MEMORY_LIMIT`): the limit bounds DuckDB's buffers only, and the process tree
    also holds this Dagster process and dbt's own Python (≈ 1.3 GB at M). With the full 6 GB the
    tree peaked at 6.4 GB; with 4.5 GB dbt's tree peaks at 4.7 GB and is as fast at M."""
    configured = os.environ.get("KPIWH_DUCKDB_MEMORY_LIMIT", "")
    budget = os.environ.get("KPIWH_DBT_DUCKDB_MEMORY_LIMIT", "") or _three_quarters(configured)
    if not budget:
        yield
        return
    os.environ["KPIWH_DUCKDB_MEMORY_LIMIT"] = budget
    try:
        yield
    finally:
        os.environ["KPIWH_DUCKDB_MEMORY_LIMIT"] = configured


_UNITS = {"B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}
_UNITS |= {"KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


def _three_quarters(limit: str) -> str | None:
    """'6GB' -> '4500MB'; None when the limit is not a plain size (then dbt gets it unchanged)."""
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([KMGT]I?B|B)\s*", limit.upper())
    if match is None:
        return None
    size = float(match.group(1)) * _UNITS[match.group(2)] * 3 / 4
    return f"{int(size // 10**6)}MB"


# Run folders kept in dbt_project/target (each run's compiled SQL, run_results.json and dbt.log).
KEPT_RUN_TARGETS = 7


def _prune_run_targets(run_target: Path, keep: int = KEPT_RUN_TARGETS) -> None:
    """Delete all but the `keep` newest run folders beside `run_target`, this run's included.

    dagster-dbt gives each `dbt build` a target folder of its own (`<step>-<run id>-<uuid>`,
    ≈ 19 MB at M: manifest, compiled SQL, logs) and never removes one, so a nightly schedule
    would fill the disk by a few GB a year. The folders of other steps or names are left alone.
    """
    run_target = Path(run_target)
    prefix = run_target.name.split("-", 1)[0] + "-"
    runs = [p for p in run_target.parent.glob(prefix + "*") if p.is_dir() and p != run_target]
    runs.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in runs[max(keep - 1, 0) :]:
        shutil.rmtree(old, ignore_errors=True)  # housekeeping: never fail the run for it


def _keep_partial_parse(run_target: Path) -> None:
    """Keep this run's parse state for the next run: dagster-dbt starts each run in a target
    folder of its own from `target/partial_parse.msgpack`, and a parse state written under another
    profile (e.g. `dbt parse` without the warehouse path) makes dbt parse the project again."""
    state = Path(run_target) / "partial_parse.msgpack"
    target = Path(dbt_project.project_dir) / dbt_project.target_path
    if state.exists():
        with contextlib.suppress(OSError):  # an optimisation only: never fail the run for it
            shutil.copyfile(state, target / "partial_parse.msgpack")
