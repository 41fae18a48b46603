"""The nightly job, its schedule, and the sensor that notices new drops."""

from __future__ import annotations

import hashlib
from pathlib import Path

import dagster as dg

from ingestion.discovery import discover

nightly_job = dg.define_asset_job(
    name="nightly",
    selection=dg.AssetSelection.all(),
    description="Load new extract drops, then build and test every dbt model.",
    executor_def=dg.in_process_executor,  # DuckDB: one writer per file, steps run serially
)


def nightly_schedule(business_tz: str) -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name="nightly_schedule",
        job=nightly_job,
        cron_schedule="0 2 * * *",
        execution_timezone=business_tz,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="02:00 business time, after the source systems' nightly exports.",
    )


def landing_fingerprint(landing_dir: Path) -> tuple[str, list[str]]:
    """A digest of the landing folder's files (path, size, mtime) and the drop dates present.

    Reads only the file system: the sensor never opens the DuckDB file, which a run may hold.
    """
    digest = hashlib.sha256()
    dates: set[str] = set()
    for landed in discover(landing_dir):
        stat = landed.path.stat()
        digest.update(f"{landed.relative_path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        if landed.extract_date is not None:
            dates.add(landed.extract_date.isoformat())
    return digest.hexdigest(), sorted(dates)


def landing_sensor(landing_dir: Path) -> dg.SensorDefinition:
    @dg.sensor(
        name="new_drops_sensor",
        job=nightly_job,
        minimum_interval_seconds=300,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Starts the nightly job when files appear or change in the landing folder "
        "(catch-up drops after an outage load in extract-date order).",
    )
    def _sensor(context: dg.SensorEvaluationContext):
        fingerprint, dates = landing_fingerprint(landing_dir)
        if not dates or fingerprint == context.cursor:
            return dg.SkipReason("no new or changed extract files")
        context.update_cursor(fingerprint)
        return dg.RunRequest(
            run_key=fingerprint,
            tags={"kpiwh/latest_drop": dates[-1], "kpiwh/trigger": "new_drops"},
        )

    return _sensor
