"""Dagster resources: thin wrappers that hand settings to the pure packages."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb

from ingestion.warehouse import connect
from orchestration.settings import Settings


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse. DuckDB allows one writer per file: open, write, close per step."""

    duckdb_path: str
    threads: int = 2
    memory_limit: str = "6GB"

    @classmethod
    def from_settings(cls, settings: Settings) -> WarehouseResource:
        return cls(
            duckdb_path=str(settings.duckdb_path),
            threads=settings.duckdb_threads,
            memory_limit=settings.duckdb_memory_limit,
        )

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = connect(self.duckdb_path, threads=self.threads, memory_limit=self.memory_limit)
        try:
            yield con
        finally:
            con.close()


class LandingResource(dg.ConfigurableResource):
    """Where the nightly extract drops land, and how their timestamps are read."""

    landing_dir: str
    business_tz: str = "Asia/Shanghai"

    @classmethod
    def from_settings(cls, settings: Settings) -> LandingResource:
        return cls(landing_dir=str(settings.landing_dir), business_tz=settings.business_tz)


class PlanConfigResource(dg.ConfigurableResource):
    """The compensation plan file (`KPIWH_PLAN_CONFIG`, default config/compensation_plan.yml)."""

    path: str

    @classmethod
    def from_settings(cls, settings: Settings) -> PlanConfigResource:
        return cls(path=str(settings.plan_config))


class QualityConfigResource(dg.ConfigurableResource):
    """The quality config: anomaly thresholds (`KPIWH_QUALITY_CONFIG`, default config/quality.yml)."""

    path: str

    @classmethod
    def from_settings(cls, settings: Settings) -> QualityConfigResource:
        return cls(path=str(settings.quality_config))


def export_dbt_env(settings: Settings) -> None:
    """dbt runs as a subprocess and reads its profile from these variables (profiles.yml)."""
    os.environ.update(settings.dbt_env())
