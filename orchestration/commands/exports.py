"""`kpiwh export-bi` and `kpiwh docs`: BI exports on demand, and the dbt docs site.

kpiwh export-bi   (re)write the BI exports of the current publication (and PostgreSQL)
kpiwh docs        generate the dbt docs site (static, one HTML file) under KPIWH_HOME
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR, Settings

DOCS_FILES = ("static_index.html", "index.html", "manifest.json", "catalog.json")


def add_commands(commands: argparse._SubParsersAction) -> None:
    export = commands.add_parser(
        "export-bi", help="write the BI exports (DuckDB, Parquet, CSV, PostgreSQL) again"
    )
    export.add_argument("--out", type=Path, help="export folder (default $KPIWH_EXPORT_DIR)")
    pay = export.add_mutually_exclusive_group()
    pay.add_argument(
        "--include-pay",
        dest="include_pay",
        action="store_true",
        default=None,
        help="carry payroll ids and pay amounts (default $KPIWH_BI_INCLUDE_PAY, false)",
    )
    pay.add_argument("--no-include-pay", dest="include_pay", action="store_false")
    export.add_argument(
        "--no-postgres", action="store_true", help="skip PostgreSQL even when configured"
    )
    export.set_defaults(handler=_export_bi)

    docs = commands.add_parser("docs", help="generate the dbt docs site (column documentation)")
    docs.add_argument("--out", type=Path, help="docs folder (default $KPIWH_DOCS_DIR)")
    docs.add_argument(
        "--empty-catalog",
        action="store_true",
        help="do not read the warehouse (no column types; works while a run holds it)",
    )
    docs.set_defaults(handler=_docs)


def _export_bi(args: argparse.Namespace, settings: Settings) -> int:
    from exports.bi_publish import publish_bi
    from exports.bi_source import ExportError, NothingPublished
    from exports.postgres import PostgresPublicationError

    include_pay = settings.bi_include_pay if args.include_pay is None else args.include_pay
    export_dir = (args.out or settings.export_dir).resolve()
    dsn = None if args.no_postgres else settings.postgres_dsn
    try:
        result = publish_bi(
            settings.duckdb_path,
            export_dir,
            include_pay=include_pay,
            postgres_dsn=dsn,
            threads=settings.duckdb_threads,
            memory_limit=settings.duckdb_memory_limit,
        )
    except (FileNotFoundError, NothingPublished, ExportError, PostgresPublicationError) as error:
        print(f"export-bi: {error}", file=sys.stderr)
        return 1
    files = result.files
    print(
        f"BI exports of publication {files.publication_id} in {files.path}: "
        f"{len(result.tables)} tables, {sum(result.tables.values())} rows"
    )
    if result.excluded_tables:
        print(f"  without pay (KPIWH_BI_INCLUDE_PAY=false): {', '.join(result.excluded_tables)}")
    if result.postgres:
        print(f"  PostgreSQL schema {result.postgres.schema} replaced")
    elif dsn is None and settings.postgres_dsn is None:
        print("  PostgreSQL not configured (KPIWH_POSTGRES_DSN)")
    return 0


def _docs(args: argparse.Namespace, settings: Settings) -> int:
    from exports.atomic import discard_build, new_build_dir, publish_build

    out = (args.out or settings.docs_dir).resolve()
    warehouse_missing = not settings.duckdb_path.exists()
    if warehouse_missing and not args.empty_catalog:
        print(
            f"docs: no warehouse at {settings.duckdb_path}: run `kpiwh run` first, or pass "
            "--empty-catalog for the docs without column types",
            file=sys.stderr,
        )
        return 1
    build = new_build_dir(out, "docs")
    try:
        with tempfile.TemporaryDirectory(prefix="kpiwh-docs-") as target:
            env = {**os.environ, **settings.dbt_env()}
            if warehouse_missing:  # dbt still opens a connection: never create the real file
                env["KPIWH_DUCKDB_PATH"] = str(Path(target) / "empty.duckdb")
            command = [
                str(Path(sys.executable).with_name("dbt")),
                "docs",
                "generate",
                "--static",
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
                "--target-path",
                target,  # never the pipeline's dbt_project/target, whose manifest Dagster reads
                "--quiet",
            ]
            if args.empty_catalog:
                command.append("--empty-catalog")
            completed = subprocess.run(command, cwd=DBT_PROJECT_DIR, env=env)
            if completed.returncode != 0:
                print(
                    "docs: dbt docs generate failed (is a run holding the warehouse? "
                    "try --empty-catalog)",
                    file=sys.stderr,
                )
                discard_build(build)
                return completed.returncode
            for name in DOCS_FILES:
                if (Path(target) / name).exists():
                    shutil.copy2(Path(target) / name, build / name)
        publish_build(build, out)
    except BaseException:
        discard_build(build)
        raise
    print(f"dbt docs site in {out}: open {out / 'static_index.html'} in a browser")
    return 0
