"""Column documentation for the published marts, from the dbt manifest's model descriptions.

The marts are documented once, in dbt YAML; the BI DuckDB file and PostgreSQL get the same text as
table and column comments, so a BI tool shows it next to the column.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR

DEFAULT_MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
MARTS_SCHEMA = "marts"


@dataclass(frozen=True)
class TableDoc:
    description: str = ""
    columns: dict[str, str] = field(default_factory=dict)


def load_column_docs(manifest_path: Path = DEFAULT_MANIFEST) -> dict[str, TableDoc]:
    """Model name → its description and column descriptions, for the models built in `marts`.

    No manifest yet (dbt never parsed on this checkout) gives no documentation, not an error:
    comments are a courtesy to BI users, never a reason to withhold a publication.
    """
    if not manifest_path.exists():
        return {}
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    docs: dict[str, TableDoc] = {}
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") != "model" or node.get("schema") != MARTS_SCHEMA:
            continue
        columns = {
            name: (column.get("description") or "").strip()
            for name, column in (node.get("columns") or {}).items()
            if (column.get("description") or "").strip()
        }
        docs[node["name"]] = TableDoc((node.get("description") or "").strip(), columns)
    return docs
