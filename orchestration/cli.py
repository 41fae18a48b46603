"""`kpiwh`: the operator's command line.

    kpiwh generate   write a sample company's extract drops into the landing folder
    kpiwh load       load new landing files into the raw tables (no Dagster, no dbt)
    kpiwh run        the nightly job: load, dbt build, validate, publish, alerts, payroll periods,
                     BI exports (through Dagster, in process)
    kpiwh status     what was loaded, rejected and quarantined
    kpiwh quarantine the quarantined rows with file, line and reason
    kpiwh ui         the Dagster UI on this project
    kpiwh bench      benchmark the nightly job against pandas and the read-once floor

More commands live in orchestration/commands/, one module per concern: `report` and `alerts`
(quality), `export-bi` and `docs` (exports), `payroll` and `statement` (payroll), `trace` (audit).

Settings come from environment variables (see `.env.example`); options override them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from dotenv import load_dotenv

from orchestration.commands import add_all
from orchestration.process_exit import exit_without_teardown
from orchestration.settings import PROJECT_ROOT, Settings


def main(argv: Sequence[str] | None = None, *, read_dotenv: bool = True) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if read_dotenv:  # ./.env, as `dagster dev` reads it; variables already set win
        load_dotenv(Path.cwd() / ".env", override=False)
    if args.home:
        os.environ["KPIWH_HOME"] = str(Path(args.home).resolve())
    settings = Settings.from_env()
    return int(args.handler(args, settings) or 0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kpiwh", description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", help="working folder (default $KPIWH_HOME or ./var)")
    commands = parser.add_subparsers(dest="command", required=True)

    gen = commands.add_parser("generate", help="generate a sample company's extract drops")
    gen.add_argument("--scale", default="small", help="tiny, small (default), S, M or L")
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--faults", action="store_true", help="inject every kind of bad input")
    gen.add_argument("--end-date", type=dt.date.fromisoformat, help="last drop date (YYYY-MM-DD)")
    gen.add_argument("--order-lines", type=int, help="override the scale's order-line count")
    gen.add_argument("--landing", type=Path, help="landing folder (default from settings)")
    gen.add_argument("--clean", action="store_true", help="empty the landing folder first")
    gen.set_defaults(handler=_generate)

    load = commands.add_parser("load", help="load new landing files into the raw tables")
    load.add_argument("--verify-checksums", action="store_true", help="hash every file again")
    load.set_defaults(handler=_load)

    run = commands.add_parser("run", help="run the nightly job (load + dbt build)")
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild the incremental models from scratch (= KPIWH_DBT_FULL_REFRESH=1)",
    )
    run.add_argument(
        "--log-level",
        type=str.upper,
        choices=LOG_LEVELS,
        default=None,
        help="console log level of the Dagster run (default: KPIWH_LOG_LEVEL, else INFO; "
        "DEBUG shows every Dagster event, e.g. each step's start and end)",
    )
    run.set_defaults(handler=_run)

    status = commands.add_parser("status", help="summary of loads, rejections and quarantine")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=_status)

    quarantine = commands.add_parser("quarantine", help="list quarantined rows")
    quarantine.add_argument("--limit", type=int, default=50)
    quarantine.set_defaults(handler=_quarantine)

    ui = commands.add_parser("ui", help="open the Dagster UI on this project")
    ui.add_argument("--port", type=int, default=3000)
    ui.set_defaults(handler=_ui)

    bench = commands.add_parser("bench", help="benchmark the nightly job (docs/benchmarks.md)")
    bench.add_argument("--scale", default="S", help="tiny, small, S (default), M or L")
    bench.add_argument("--repeat", type=int, help="runs to take the median of (3 for S/M, else 1)")
    bench.add_argument("--out", type=Path, help="results document (default docs/benchmarks.md)")
    bench.add_argument("--smoke", action="store_true", help="seconds-long tiny run (CI)")
    bench.add_argument("--dir", type=Path, help="bench folder (default ./bench_out/<scale>)")
    bench.add_argument("--no-pandas", action="store_true", help="skip the pandas baseline")
    bench.add_argument("--pandas-cap-gb", type=float, default=12.0, help="kill pandas above this")
    bench.add_argument("--no-incremental", action="store_true", help="skip the next-drop case")
    bench.add_argument("--regenerate", action="store_true", help="generate the company again")
    bench.add_argument(
        "--baseline",
        metavar="REF",
        help="instead: this checkout's full run, nightly drops and no-op runs against REF's, "
        "alternately on one company (benchmarks/ab.py)",
    )
    bench.add_argument("--pairs", type=int, default=2, help="with --baseline: nightly pairs")
    bench.set_defaults(handler=_bench)

    add_all(commands)  # exports, payroll, audit and quality commands (orchestration/commands/)
    return parser


def _generate(args: argparse.Namespace, settings: Settings) -> int:
    from sample_company import generate

    landing = (args.landing or settings.landing_dir).resolve()
    if args.clean and landing.exists():
        shutil.rmtree(landing)
    summary = generate(
        landing,
        scale=args.scale,
        seed=args.seed,
        faults=args.faults,
        end_date=args.end_date,
        order_lines=args.order_lines,
    )
    info = summary.to_dict()
    print(f"generated {args.scale} company (seed {args.seed}) into {landing}")
    for key in ("files_written", "drop_dates", "rows_per_entity", "faults"):
        if key in info:
            value = info[key]
            if isinstance(value, list) and len(value) > 6:
                value = f"{len(value)} ({value[0]} … {value[-1]})"
            print(f"  {key}: {json.dumps(value, ensure_ascii=False, default=str)}")
    return 0


def _load(args: argparse.Namespace, settings: Settings) -> int:
    from ingestion.loader import load_landing
    from ingestion.warehouse import connect

    con = connect(
        settings.duckdb_path,
        threads=settings.duckdb_threads,
        memory_limit=settings.duckdb_memory_limit,
    )
    try:
        report = load_landing(
            con,
            settings.landing_dir,
            business_tz=settings.business_tz,
            verify_checksums=args.verify_checksums,
        )
    finally:
        con.close()
    print(json.dumps(report.summary()))
    for outcome in report.with_status("rejected"):
        print(f"rejected {outcome.file_path}: {outcome.reason}", file=sys.stderr)
    return 0


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def run_log_level(requested: str | None) -> str:
    """The console log level of `kpiwh run`: the option, else KPIWH_LOG_LEVEL, else INFO."""
    level = (requested or os.environ.get("KPIWH_LOG_LEVEL", "") or "INFO").upper()
    if level not in LOG_LEVELS:
        raise SystemExit(f"KPIWH_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {level!r}")
    return level


def nightly_run_config(log_level: str) -> dict[str, object]:
    """The run config `kpiwh run` gives the nightly job: its console log level."""
    return {"loggers": {"console": {"config": {"log_level": log_level}}}}


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from orchestration.instance import ensure_instance_config

    ensure_instance_config(settings.dagster_home)
    os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home))
    if getattr(args, "full_refresh", False):
        os.environ["KPIWH_DBT_FULL_REFRESH"] = "1"
    import dagster as dg

    from orchestration.definitions import build_definitions

    defs = build_definitions(settings)
    job = defs.resolve_job_def("nightly")
    run_config = nightly_run_config(run_log_level(getattr(args, "log_level", None)))
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance, raise_on_error=False, run_config=run_config
        )
    print(f"nightly run {result.run_id}: {'succeeded' if result.success else 'FAILED'}")
    _status(argparse.Namespace(json=False), settings)
    return 0 if result.success else 1


def _status(args: argparse.Namespace, settings: Settings) -> int:
    from ingestion.warehouse import connect

    if not settings.duckdb_path.exists():
        print(f"no warehouse yet at {settings.duckdb_path}")
        return 0
    con = connect(settings.duckdb_path, read_only=True)
    try:
        by_status = con.execute(
            "select status, count(*), sum(rows_loaded), sum(rows_quarantined) "
            "from meta.load_manifest group by status order by status"
        ).fetchall()
        rejected = con.execute(
            "select file_path, reason from meta.load_manifest where status = 'rejected' "
            "order by load_id"
        ).fetchall()
    finally:
        con.close()
    if args.json:
        print(
            json.dumps(
                {
                    "files": {
                        s: {"files": n, "rows_loaded": r, "rows_quarantined": q}
                        for s, n, r, q in by_status
                    },
                    "rejected": [{"file": f, "reason": r} for f, r in rejected],
                }
            )
        )
        return 0
    print(f"warehouse {settings.duckdb_path}")
    for status, files, rows, quarantined in by_status:
        print(
            f"  {status:<9} {files:>6} files {rows or 0:>12} rows  {quarantined or 0:>8} quarantined"
        )
    for file_path, reason in rejected:
        print(f"  rejected {file_path}: {reason}")
    return 0


def _quarantine(args: argparse.Namespace, settings: Settings) -> int:
    from ingestion.warehouse import connect

    con = connect(settings.duckdb_path, read_only=True)
    try:
        rows = con.execute(
            "select file_path, line_number, reason, raw_text from meta.quarantine "
            "order by load_id, line_number limit ?",
            [args.limit],
        ).fetchall()
    finally:
        con.close()
    for file_path, line, reason, raw_text in rows:
        print(f"{file_path}:{line}: {reason}\n    {raw_text}")
    return 0


def _ui(args: argparse.Namespace, settings: Settings) -> int:
    from orchestration.instance import ensure_instance_config

    ensure_instance_config(settings.dagster_home)
    env = {**os.environ, "DAGSTER_HOME": str(settings.dagster_home), **settings.dbt_env()}
    command = [
        sys.executable,
        "-m",
        "dagster",
        "dev",
        "-m",
        "orchestration.definitions",
        "-p",
        str(args.port),
    ]
    return subprocess.call(command, cwd=PROJECT_ROOT, env=env)


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    from benchmarks.runner import BenchConfig, run_bench

    default_out = None if args.smoke else PROJECT_ROOT / "docs" / "benchmarks.md"
    config = BenchConfig.create(
        scale=args.scale,
        repeat=args.repeat,
        bench_dir=args.dir,
        out=args.out or default_out,
        smoke=args.smoke,
        pandas=not args.no_pandas,
        pandas_cap_gb=args.pandas_cap_gb,
        incremental=not args.no_incremental,
        regenerate=args.regenerate,
        threads=settings.duckdb_threads,
        dbt_threads=settings.dbt_threads,
        memory_limit=settings.duckdb_memory_limit,
    )
    if args.baseline:
        from benchmarks.ab import run_ab

        return run_ab(config, args.baseline, args.pairs)
    return run_bench(config)


def entry() -> NoReturn:
    """The `kpiwh` program: `main()`, then an exit that skips the interpreter's teardown
    (orchestration/process_exit.py). An exception (or argparse's SystemExit) leaves as usual."""
    exit_without_teardown(main())


if __name__ == "__main__":
    entry()
