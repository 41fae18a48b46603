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


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


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

    @classmethod
    def from_env(cls) -> Settings:
        home = Path(_env("KPIWH_HOME", str(PROJECT_ROOT / "var"))).resolve()
        return cls(
            home=home,
            landing_dir=Path(_env("KPIWH_LANDING_DIR", str(home / "landing"))).resolve(),
            duckdb_path=Path(_env("KPIWH_DUCKDB_PATH", str(home / "warehouse.duckdb"))).resolve(),
            business_tz=_env("KPIWH_BUSINESS_TZ", "Asia/Shanghai"),
            duckdb_threads=int(_env("KPIWH_DUCKDB_THREADS", "2")),
            duckdb_memory_limit=_env("KPIWH_DUCKDB_MEMORY_LIMIT", "6GB"),
            dagster_home=Path(_env("DAGSTER_HOME", str(home / "dagster"))).resolve(),
            # relative to the project root (the plan file is versioned with the code)
            plan_config=(PROJECT_ROOT / _env("KPIWH_PLAN_CONFIG", DEFAULT_PLAN_CONFIG)).resolve(),
        )

    def dbt_env(self) -> dict[str, str]:
        """Environment variables the dbt profile reads (see dbt_project/profiles.yml)."""
        return {
            "KPIWH_DUCKDB_PATH": str(self.duckdb_path),
            "KPIWH_DUCKDB_THREADS": str(self.duckdb_threads),
            "KPIWH_DUCKDB_MEMORY_LIMIT": self.duckdb_memory_limit,
            "KPIWH_BUSINESS_TZ": self.business_tz,
        }
