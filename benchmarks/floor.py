"""The read-once floor: plain DuckDB reads every extract file once, typed as the contract says.

One `create table … as select * from read_csv([every file of the entity])` per entity, with the
contract's types (DECIMAL(18,2) money, TIMESTAMP, DATE, BIGINT, BOOLEAN), into a DuckDB file. No
checksums, no validation, no provenance, no orchestration: no pipeline can ingest faster.

    python -m benchmarks.floor --landing DIR --db FILE [--threads N] [--memory-limit 6GB]

prints one JSON line: files, rows per table, rows in total.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb

from ingestion.contract import ENTITIES, SQL_TYPES, Entity


def entity_files(landing: Path, entity: Entity) -> list[Path]:
    """Every `<landing>/<source>/<date>/<entity>.csv`, in extract-date order."""
    return sorted(landing.glob(f"{entity.source}/[0-9]*/{entity.file_name}"))


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def read_once(
    landing: Path, db_path: Path, *, threads: int = 2, memory_limit: str = "6GB"
) -> dict[str, object]:
    db_path.unlink(missing_ok=True)
    con = duckdb.connect(str(db_path), config={"threads": threads, "memory_limit": memory_limit})
    rows: dict[str, int] = {}
    files = 0
    try:
        for entity in ENTITIES:
            paths = entity_files(landing, entity)
            if not paths:
                continue
            files += len(paths)
            columns = ", ".join(
                f"{_sql_str(c.name)}: '{SQL_TYPES[c.type]}'" for c in entity.columns
            )
            file_list = ", ".join(_sql_str(str(p)) for p in paths)
            con.execute(
                f"create table {entity.qualified_name} as select * from read_csv([{file_list}], "
                "header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
                f"columns = {{{columns}}})"
            )
            (count,) = con.execute(f"select count(*) from {entity.qualified_name}").fetchone()  # type: ignore[misc]
            rows[entity.qualified_name] = int(count)
    finally:
        con.close()
    return {"files": files, "rows": sum(rows.values()), "rows_per_table": rows}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.floor", description=__doc__)
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="6GB")
    args = parser.parse_args(argv)
    result = read_once(args.landing, args.db, threads=args.threads, memory_limit=args.memory_limit)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
