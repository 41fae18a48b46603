"""The dbt source declarations and staging models follow `ingestion.contract`, column for column."""

from __future__ import annotations

from pathlib import Path

import yaml

from ingestion.contract import ENTITIES, PROVENANCE_COLUMNS, SQL_TYPES

from .conftest import DBT_PROJECT_DIR

STAGING = DBT_PROJECT_DIR / "models" / "staging"


def _raw_source() -> dict:
    doc = yaml.safe_load((STAGING / "_raw__sources.yml").read_text(encoding="utf-8"))
    (raw,) = [s for s in doc["sources"] if s["name"] == "raw"]
    return raw


def test_raw_source_declares_every_contract_table_and_column() -> None:
    raw = _raw_source()
    assert raw["schema"] == "raw"
    tables = {t["name"]: t for t in raw["tables"]}
    assert sorted(tables) == sorted(e.qualified_name for e in ENTITIES)
    for ent in ENTITIES:
        declared = [(c["name"], c["data_type"]) for c in tables[ent.qualified_name]["columns"]]
        expected = [(c.name, SQL_TYPES[c.type].lower()) for c in ent.columns]
        expected += [(name, typ.lower()) for name, typ in PROVENANCE_COLUMNS]
        assert declared == expected, ent.qualified_name
        assert all(c.get("description") for c in tables[ent.qualified_name]["columns"])


# staging models beyond one per contract table: the loader's manifest and current file versions,
# every store version
EXTRA_STAGING = (
    "stg_meta__load_manifest",
    "stg_meta__current_file_versions",
    "stg_ecommerce__store_versions",
)


def test_one_staging_model_per_contract_table() -> None:
    models = sorted(p.stem for p in STAGING.glob("*/stg_*.sql"))
    assert models == sorted([*(f"stg_{e.qualified_name}" for e in ENTITIES), *EXTRA_STAGING])
    for ent in ENTITIES:
        path: Path = STAGING / ent.source / f"stg_{ent.qualified_name}.sql"
        assert f"source('raw', '{ent.qualified_name}')" in path.read_text(encoding="utf-8")
