"""When may the nightly run skip `dbt build`? When its result would equal what is published.

The marts are a function of the loaded rows, the compensation plan, the dbt project and the
calculation time (targets in force: versions approved up to then). So after each successful full
build the run records in `meta.dbt_builds` what it was built from:

- the load watermark (highest `load_id` of `meta.load_manifest`: any new, restated or rejected
  file raises it),
- the plan file's checksum (`config.plan_versions.config_file_sha256`),
- a digest of the dbt project's files (models, macros, tests, YAML, profile) and of the settings
  dbt reads from the environment,
- the first target approval after the build started (a version approved for later comes into
  force by itself: from then on, a rebuild is due).

A later run skips dbt, the quality gate and the publication only if the latest publication was
made from the latest recorded build and all of these are unchanged. `KPIWH_FORCE_DBT_BUILD=1`
forces the build.

The staging models are incremental (dbt_project/macros/incremental_staging.sql): their rows are
only as right as the SQL that wrote them, so a build runs with `--full-refresh` when no successful
build is recorded, when the dbt project (or a dbt setting from the environment) changed since the
latest recorded one, or when `KPIWH_DBT_FULL_REFRESH=1` (`kpiwh run --full-refresh`) asks for it.
Pure Python + DuckDB: no Dagster import.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from exports.publication import latest_publication
from ingestion.warehouse import relation_exists

BUILDS_TABLE = "meta.dbt_builds"
FORCE_ENV = "KPIWH_FORCE_DBT_BUILD"
FULL_REFRESH_ENV = "KPIWH_DBT_FULL_REFRESH"

# What of the dbt project decides the result (target/, logs/ and dbt_packages/ do not).
PROJECT_FOLDERS = ("models", "macros", "tests", "seeds", "snapshots", "analyses")
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml", "dependencies.yml")
# Environment the models read that changes what they compute (the business time zone). The
# profile's resource settings (KPIWH_DUCKDB_THREADS, KPIWH_DBT_THREADS,
# KPIWH_DUCKDB_MEMORY_LIMIT) change how fast a build runs, never a row: tuning them must not
# force a full rebuild (≈ 20 min at scale L) or a rebuild on a night with nothing new.
DBT_ENV = ("KPIWH_BUSINESS_TZ",)

BUILDS_DDL = f"""
create table if not exists {BUILDS_TABLE} (
    run_id varchar not null,
    started_at timestamp not null,
    finished_at timestamp not null,
    fingerprint varchar not null,
    load_watermark bigint,
    plan_sha256 varchar,
    project_sha256 varchar not null,
    next_target_approval_at timestamp
)
"""


@dataclass(frozen=True)
class BuildInputs:
    """What a dbt build is computed from (besides the calculation time)."""

    load_watermark: int | None
    plan_sha256: str | None
    project_sha256: str
    business_tz: str = "Asia/Shanghai"

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Skip:
    """Why this run needs no build: the published marts are already built from the same inputs."""

    reason: str
    run_id: str
    publication_id: int


def business_now(business_tz: str) -> dt.datetime:
    """Now as business-time wall clock, the way the warehouse stores timestamps."""
    return dt.datetime.now(ZoneInfo(business_tz)).replace(tzinfo=None)


def project_fingerprint(project_dir: Path) -> str:
    """A digest of the dbt project's files (path and bytes) and of the dbt settings in the
    environment. A few hundred small files: milliseconds."""
    digest = hashlib.sha256()
    files = [project_dir / name for name in PROJECT_FILES]
    for folder in PROJECT_FOLDERS:
        if (project_dir / folder).is_dir():
            files.extend((project_dir / folder).rglob("*"))
    for path in sorted(p for p in files if p.is_file()):
        digest.update(f"{path.relative_to(project_dir).as_posix()}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for name in DBT_ENV:
        digest.update(f"{name}={os.environ.get(name, '')}\n".encode())
    return digest.hexdigest()


def current_inputs(con: duckdb.DuckDBPyConnection, project_sha256: str) -> BuildInputs:
    watermark = None
    if relation_exists(con, "meta.load_manifest"):
        watermark = con.execute("select max(load_id) from meta.load_manifest").fetchone()[0]
    plan = None
    if relation_exists(con, "config.plan_versions"):
        shas = con.execute(
            "select distinct config_file_sha256 from config.plan_versions order by 1"
        ).fetchall()
        plan = ",".join(sha for (sha,) in shas) or None
    return BuildInputs(
        load_watermark=watermark,
        plan_sha256=plan,
        project_sha256=project_sha256,
        business_tz=os.environ.get("KPIWH_BUSINESS_TZ", "") or "Asia/Shanghai",
    )


def unchanged_since_publication(
    con: duckdb.DuckDBPyConnection, inputs: BuildInputs, *, now: dt.datetime | None = None
) -> Skip | None:
    """A `Skip` when the latest publication came from the latest build and that build had the
    same inputs (and no target approved since has come into force); else None: build."""
    if _env_flag(FORCE_ENV) or _env_flag(FULL_REFRESH_ENV):
        return None
    if not relation_exists(con, BUILDS_TABLE):
        return None
    latest = latest_publication(con)
    publication = None if latest is None else (latest.publication_id, latest.run_id)
    build = con.execute(
        f"select run_id, fingerprint, next_target_approval_at from {BUILDS_TABLE} "
        "order by finished_at desc limit 1"
    ).fetchone()
    if publication is None or build is None:
        return None
    publication_id, published_run = publication
    built_run, fingerprint, next_approval = build
    if built_run != published_run or fingerprint != inputs.fingerprint:
        return None
    now = now or business_now(inputs.business_tz)
    if next_approval is not None and next_approval <= now:
        return None
    return Skip(
        reason=(
            f"nothing new since run {built_run} (publication {publication_id}): "
            f"loads up to load_id {inputs.load_watermark}, compensation plan "
            f"{(inputs.plan_sha256 or 'none')[:12]}, dbt project {inputs.project_sha256[:12]} "
            "unchanged; the published marts stay as they are"
        ),
        run_id=built_run,
        publication_id=publication_id,
    )


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def full_refresh_reason(con: duckdb.DuckDBPyConnection, inputs: BuildInputs) -> str | None:
    """Why this build must rebuild the incremental models from scratch, or None: incremental."""
    if _env_flag(FULL_REFRESH_ENV):
        return f"{FULL_REFRESH_ENV} is set"
    latest = None
    if relation_exists(con, BUILDS_TABLE):
        latest = con.execute(
            f"select run_id, project_sha256 from {BUILDS_TABLE} order by finished_at desc limit 1"
        ).fetchone()
    if latest is None:
        return "no successful build is recorded yet"
    run_id, project_sha256 = latest
    if project_sha256 != inputs.project_sha256:
        return (
            f"the dbt project or its settings changed since the last build (run {run_id}): "
            f"{project_sha256[:12]} -> {inputs.project_sha256[:12]}"
        )
    return None


def record_build(
    con: duckdb.DuckDBPyConnection, run_id: str, inputs: BuildInputs, started_at: dt.datetime
) -> None:
    """Record a successful full build and what it was built from."""
    next_approval = None
    if relation_exists(con, "staging.stg_plan__targets"):
        next_approval = con.execute(
            "select min(approved_at) from staging.stg_plan__targets where approved_at > ?",
            [started_at],
        ).fetchone()[0]
    con.execute("create schema if not exists meta")
    con.execute(BUILDS_DDL)
    con.execute(
        f"insert into {BUILDS_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            run_id,
            started_at,
            business_now(inputs.business_tz),
            inputs.fingerprint,
            inputs.load_watermark,
            inputs.plan_sha256,
            inputs.project_sha256,
            next_approval,
        ],
    )
