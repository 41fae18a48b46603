"""Runtime settings, read from environment variables (documented in `.env.example`).

Pure Python: no Dagster import, so ingestion, quality, exports and tests can use it directly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DEFAULT_PLAN_CONFIG = "config/compensation_plan.yml"
DEFAULT_QUALITY_CONFIG = "config/quality.yml"


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def _env_positive_int(name: str, default: int) -> int:
    value = _env(name, str(default))
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise ValueError(f"{name}={value!r}: expected a whole number ≥ 1")
    return number


def _env_bool(name: str, *, default: bool) -> bool:
    value = _env(name, "").lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name}={value!r}: expected true or false")


# dbt's log levels (`dbt --log-level-file`)
DBT_LOG_LEVELS = ("debug", "info", "warn", "error", "none")


def _dbt_log_level(name: str, default: str) -> str:
    value = _env(name, default).lower()
    if value not in DBT_LOG_LEVELS:
        raise ValueError(f"{name}={value!r}: expected one of {', '.join(DBT_LOG_LEVELS)}")
    return value


def _currency(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise ValueError(f"KPIWH_PAYROLL_CURRENCY={value!r}: expected an ISO 4217 code like CNY")
    return code


@dataclass(frozen=True)
class Settings:
    home: Path
    landing_dir: Path
    duckdb_path: Path
    business_tz: str
    duckdb_threads: int
    duckdb_memory_limit: str
    dagster_home: Path
    plan_config: Path
    # anomaly thresholds (quality/anomalies.py), relative to the project root like the plan
    quality_config: Path = PROJECT_ROOT / DEFAULT_QUALITY_CONFIG
    # BI exports (exports/bi.py): folder, optional PostgreSQL target, pay columns opt-in
    export_dir: Path = Path("var/exports")
    postgres_dsn: str | None = None
    bi_include_pay: bool = False
    docs_dir: Path = Path("var/dbt_docs")
    # ISO 4217 code written on every payroll line
    payroll_currency: str = "CNY"
    # dbt nodes built at the same time (each DuckDB query already uses `duckdb_threads` threads)
    dbt_threads: int = 2
    # level of dbt's own log file (dbt.log in each run's target folder). dbt's default, debug,
    # writes every statement of every node through one locked, flushed file handler: ≈ 10 % of
    # a build's time on this machine (docs/benchmarks.md, round 11). DBT_LOG_LEVEL_FILE=debug
    # brings it back when a build needs investigating.
    dbt_file_log_level: str = "info"

    @classmethod
    def from_env(cls) -> Settings:
        home = Path(_env("KPIWH_HOME", str(PROJECT_ROOT / "var"))).resolve()
        return cls(
            home=home,
            landing_dir=Path(_env("KPIWH_LANDING_DIR", str(home / "landing"))).resolve(),
            duckdb_path=Path(_env("KPIWH_DUCKDB_PATH", str(home / "warehouse.duckdb"))).resolve(),
            business_tz=_env("KPIWH_BUSINESS_TZ", "Asia/Shanghai"),
            duckdb_threads=_env_positive_int("KPIWH_DUCKDB_THREADS", 2),
            duckdb_memory_limit=_env("KPIWH_DUCKDB_MEMORY_LIMIT", "6GB"),
            dagster_home=Path(_env("DAGSTER_HOME", str(home / "dagster"))).resolve(),
            # relative to the project root (the plan file is versioned with the code)
            plan_config=(PROJECT_ROOT / _env("KPIWH_PLAN_CONFIG", DEFAULT_PLAN_CONFIG)).resolve(),
            quality_config=(
                PROJECT_ROOT / _env("KPIWH_QUALITY_CONFIG", DEFAULT_QUALITY_CONFIG)
            ).resolve(),
            export_dir=Path(_env("KPIWH_EXPORT_DIR", str(home / "exports"))).resolve(),
            postgres_dsn=_env("KPIWH_POSTGRES_DSN", "") or None,
            bi_include_pay=_env_bool("KPIWH_BI_INCLUDE_PAY", default=False),
            docs_dir=Path(_env("KPIWH_DOCS_DIR", str(home / "dbt_docs"))).resolve(),
            payroll_currency=_currency(_env("KPIWH_PAYROLL_CURRENCY", "CNY")),
            dbt_threads=_env_positive_int("KPIWH_DBT_THREADS", 2),
            dbt_file_log_level=_dbt_log_level("DBT_LOG_LEVEL_FILE", "info"),
        )

    def dbt_env(self) -> dict[str, str]:
        """Environment variables the dbt profile reads (see dbt_project/profiles.yml)."""
        return {
            "KPIWH_DUCKDB_PATH": str(self.duckdb_path),
            "KPIWH_DUCKDB_THREADS": str(self.duckdb_threads),
            "KPIWH_DBT_THREADS": str(self.dbt_threads),
            "KPIWH_DUCKDB_MEMORY_LIMIT": self.duckdb_memory_limit,
            "KPIWH_BUSINESS_TZ": self.business_tz,
            # dbt's own variable, read by dbt itself rather than by the profile
            "DBT_LOG_LEVEL_FILE": self.dbt_file_log_level,
        }
