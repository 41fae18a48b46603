"""`kpiwh bench`: generate a sized company, time the nightly job and the references on it.

Per repeat: the read-once floor, then on a fresh warehouse the nightly job exactly as `kpiwh run`
runs it (end to end, and per stage from its log), then the pandas baseline, whose four KPIs must
equal the pipeline's. Then the incremental case on the last full load: one more nightly drop, and
a run with nothing new, repeated as often, each time from the same state. Figures are medians over
the repeats; results go to `<bench dir>/results.json` and, unless it is a smoke run, into the
results document.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.company import (
    Company,
    CompanySpec,
    deliver_next_drop,
    ensure_company,
    withdraw_next_drop,
)
from benchmarks.compare import Comparison, ResultsDiffer, compare
from benchmarks.dbt_nodes import run_results_path, summarise
from benchmarks.machine import describe_machine
from benchmarks.procmem import Measurement, run_measured
from benchmarks.report import evaluate_targets, update_document
from benchmarks.stages import STAGES, run_bounds, stage_totals, steps_of

DEFAULT_END_DATE = dt.date(2026, 10, 31)
DEFAULT_REPEATS = {"S": 3, "M": 3}
GB = 10**9
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# what a run leaves in the bench folder that the next run starts from (with the `dagster` folder)
STATE_FILES = ("warehouse.duckdb", "warehouse.duckdb.wal")


@dataclass
class BenchConfig:
    scale: str
    repeat: int
    bench_dir: Path
    out: Path | None
    smoke: bool = False
    seed: int = 42
    end_date: dt.date = DEFAULT_END_DATE
    order_lines: int | None = None
    pandas: bool = True
    pandas_cap_gb: float = 12.0
    pandas_timeout_s: float = 3600.0
    incremental: bool = True
    regenerate: bool = False
    threads: int = 2
    dbt_threads: int = 2
    memory_limit: str = "6GB"
    command: str = ""
    echo: bool = False

    @classmethod
    def create(
        cls,
        *,
        scale: str = "S",
        repeat: int | None = None,
        bench_dir: Path | None = None,
        out: Path | None = None,
        smoke: bool = False,
        **options: object,
    ) -> BenchConfig:
        if smoke:
            scale = "tiny"
        config = cls(
            scale=scale,
            repeat=repeat or (1 if smoke else DEFAULT_REPEATS.get(scale, 1)),
            bench_dir=(bench_dir or Path("bench_out") / ("smoke" if smoke else scale)).resolve(),
            out=out,
            smoke=smoke,
            **options,  # type: ignore[arg-type]
        )
        config.command = config.command or config.as_command()
        return config

    def as_command(self) -> str:
        """The `kpiwh bench` command line that reproduces this configuration."""
        if self.smoke:
            return "kpiwh bench --smoke"
        words = ["kpiwh", "bench", "--scale", self.scale, "--repeat", str(self.repeat)]
        if self.dbt_threads != BenchConfig.dbt_threads:
            words.insert(0, f"KPIWH_DBT_THREADS={self.dbt_threads}")
        if not self.pandas:
            words.append("--no-pandas")
        if not self.incremental:
            words.append("--no-incremental")
        return " ".join(words)


@dataclass
class Progress:
    """One line per finished measurement on stderr, so a long run shows where it is."""

    echo: Callable[[str], None] = field(default=lambda text: print(text, file=sys.stderr))

    def done(self, label: str, m: Measurement) -> None:
        status = "ok" if m.ok else f"FAILED ({m.killed or f'exit {m.returncode}'})"
        self.echo(
            f"[bench] {label}: {m.wall_s:.1f} s, peak {m.peak_rss_bytes / GB:.2f} GB, {status}"
        )


def _environment(config: BenchConfig) -> dict[str, str]:
    """The bench folder is the KPIWH_HOME of every measured command."""
    env = dict(os.environ)
    home = config.bench_dir
    env.update(
        {
            "KPIWH_HOME": str(home),
            "KPIWH_LANDING_DIR": str(home / "landing"),
            "KPIWH_DUCKDB_PATH": str(home / "warehouse.duckdb"),
            "KPIWH_DUCKDB_THREADS": str(config.threads),
            "KPIWH_DBT_THREADS": str(config.dbt_threads),
            "KPIWH_DUCKDB_MEMORY_LIMIT": config.memory_limit,
            "DAGSTER_HOME": str(home / "dagster"),
            "PYTHONUNBUFFERED": "1",
            # the stages are timed from Dagster's STEP_START / STEP_SUCCESS events, logged at DEBUG
            "KPIWH_LOG_LEVEL": "DEBUG",
            # `python -m benchmarks.…` works from any folder, installed or not
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")) if p
            ),
        }
    )
    return env


def _summary(m: Measurement, rows: int | None) -> dict[str, object]:
    return {
        "ok": m.ok,
        "returncode": m.returncode,
        "killed": m.killed,
        "wall_s": round(m.wall_s, 3),
        "peak_rss_bytes": m.peak_rss_bytes,
        "rows_per_s": round(rows / m.wall_s) if rows and m.wall_s > 0 else None,
        "load_average_at_start": round(m.load_average_at_start, 2),
    }


class Bench:
    def __init__(self, config: BenchConfig, progress: Progress | None = None) -> None:
        self.config = config
        self.home = config.bench_dir
        self.logs = self.home / "logs"
        self.env = _environment(config)
        self.progress = progress or Progress()
        self.results: dict[str, object] = {}
        self.cwd: Path | None = None  # where the measured commands run (benchmarks/ab.py)

    # ------------------------------------------------------------------ measured commands

    def _measure(self, label: str, argv: list[str], **kwargs: object) -> Measurement:
        m = run_measured(
            argv,
            env=self.env,
            cwd=self.cwd,
            log_path=self.logs / f"{label}.log",
            echo=self.config.echo,
            **kwargs,  # type: ignore[arg-type]
        )
        self.progress.done(label, m)
        return m

    def warm_up(self) -> float:
        """Untimed: load the job's definitions once, so a dbt manifest made stale by edits to the
        models is re-parsed here and not inside a measured run (a nightly run finds it fresh)."""
        m = run_measured(
            [sys.executable, "-c", "import orchestration.definitions"],
            env=self.env,
            cwd=self.cwd,
            log_path=self.logs / "warm-up.log",
        )
        if not m.ok:
            raise RuntimeError(f"loading the job definitions failed:\n{m.tail()}")
        return round(m.wall_s, 3)

    def nightly_run(self, label: str, rows: int | None) -> dict[str, object]:
        warm_up_s = self.warm_up()
        m = self._measure(label, [sys.executable, "-m", "orchestration.cli", "run"])
        steps = steps_of(m)
        result = _summary(m, rows)
        result["warm_up_s"] = warm_up_s
        job_start, job_end = run_bounds(m)
        result["start_up_s"] = None if job_start is None else round(job_start, 3)
        result["wrap_up_s"] = None if job_end is None else round(m.wall_s - job_end, 3)
        result["stages"] = {
            name: {**total.to_dict(), **_rate(rows, total.wall_s)}
            for name, total in stage_totals(steps).items()
        }
        result["steps"] = [s.to_dict() for s in steps]
        result["outside_steps_s"] = round(m.wall_s - sum(s.wall_s for s in steps), 3)
        if not m.ok:
            raise RuntimeError(f"the nightly job failed ({label}):\n{m.tail()}")
        run_results = run_results_path(line for _, line in m.lines)
        result["dbt"] = summarise(run_results) if run_results and run_results.exists() else None
        result["dbt_run_results"] = str(run_results) if run_results else None
        return result

    def floor(self, label: str, rows: int) -> dict[str, object]:
        argv = [sys.executable, "-m", "benchmarks.floor", "--landing", str(self.landing)]
        argv += ["--db", str(self.home / "floor.duckdb"), "--threads", str(self.config.threads)]
        argv += ["--memory-limit", self.config.memory_limit]
        m = self._measure(label, argv)
        if not m.ok:
            raise RuntimeError(f"the floor failed:\n{m.tail()}")
        (self.home / "floor.duckdb").unlink(missing_ok=True)
        return {**_summary(m, rows), "output": _last_json(m)}

    def pandas(self, label: str, rows: int) -> dict[str, object]:
        out = self.home / "pandas_kpis.csv"
        out.unlink(missing_ok=True)
        argv = [sys.executable, "-m", "benchmarks.pandas_baseline", "--landing", str(self.landing)]
        argv += ["--out", str(out)]
        m = self._measure(
            label,
            argv,
            memory_cap_bytes=int(self.config.pandas_cap_gb * GB),
            timeout_s=self.config.pandas_timeout_s,
        )
        result = {**_summary(m, rows), "output": _last_json(m) if m.ok else None}
        if not m.ok and m.killed is None:
            raise RuntimeError(f"the pandas baseline failed:\n{m.tail()}")
        return result

    # ------------------------------------------------------------------ the run

    @property
    def landing(self) -> Path:
        return self.home / "landing"

    def fresh_warehouse(self) -> None:
        for name in STATE_FILES:
            (self.home / name).unlink(missing_ok=True)
        shutil.rmtree(self.home / "dagster", ignore_errors=True)

    def run(self) -> dict[str, object]:
        config = self.config
        self.logs.mkdir(parents=True, exist_ok=True)
        machine = describe_machine()
        spec = CompanySpec(config.scale, config.seed, config.end_date, config.order_lines)
        company = ensure_company(
            spec, self.landing, self.env, regenerate=config.regenerate, log_dir=self.logs
        )
        self.progress.echo(
            f"[bench] company {spec.scale}: {company.rows:,} rows in {company.files:,} files "
            f"({company.bytes / GB:.2f} GB), generated in {company.generate_wall_s:.1f} s"
            + (" (earlier run)" if company.cached else "")
        )
        self.results = {
            "scale": config.scale,
            "smoke": config.smoke,
            "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "command": config.command,
            "repeat": config.repeat,
            "threads": config.threads,
            "dbt_threads": config.dbt_threads,
            "memory_limit": config.memory_limit,
            "machine": machine.to_dict(),
            "machine_description": machine.describe(),
            "company": company.to_dict(),
            "runs": [],
        }
        runs: list[dict[str, object]] = self.results["runs"]  # type: ignore[assignment]
        try:
            for i in range(1, config.repeat + 1):
                runs.append(self._one_repeat(i, company))
            if config.incremental:
                self.results["incremental"] = self._incremental(company)
        except BaseException as error:
            # what was measured is kept for diagnosis, but never published as figures
            self.results["failed"] = f"{type(error).__name__}: {error}"
            raise
        finally:
            self.results["median"] = medians(runs)
            self.results["ratios"] = ratios(self.results["median"])  # type: ignore[arg-type]
            self.results["targets"] = [t.to_dict() for t in evaluate_targets(self.results)]
            self._write()
        return self.results

    def _one_repeat(self, i: int, company: Company) -> dict[str, object]:
        run: dict[str, object] = {"repeat": i}
        # the floor first, while the warehouse is absent: its DuckDB file (deleted right after)
        # and the pipeline's warehouse are never on disk together (at L the floor's file is 6.7 GB)
        self.fresh_warehouse()
        run["floor"] = self.floor(f"run{i}-floor", company.rows)
        run["pipeline"] = self.nightly_run(f"run{i}-pipeline", company.rows)
        if self.config.pandas:
            run["pandas"] = pandas = self.pandas(f"run{i}-pandas", company.rows)
            if pandas["ok"]:
                comparison = compare(self.home / "warehouse.duckdb", self.home / "pandas_kpis.csv")
                run["comparison"] = comparison.to_dict()
                self._check(comparison)
        return run

    def _check(self, comparison: Comparison) -> None:
        if comparison.equal:
            self.progress.echo(
                f"[bench] pandas = pipeline on {comparison.rows_pipeline:,} KPI rows"
            )
            return
        raise ResultsDiffer(
            f"pandas baseline and pipeline differ on {comparison.total_differences} of "
            f"{comparison.rows_pipeline} KPI rows:\n  " + "\n  ".join(comparison.differences)
        )

    def _incremental(self, company: Company) -> dict[str, object]:
        """One more nightly drop, then a run with nothing new, `repeat` times from the same state:
        the warehouse and Dagster's storage after the last full run are set aside and put back
        before each further repeat. The figures are those of the median run; one run (scale L)
        sets nothing aside (its warehouse is 23 GB)."""
        repeat = self.config.repeat
        kept = self._set_aside_state() if repeat > 1 else None
        runs: list[dict[str, object]] = []
        try:
            for i in range(1, repeat + 1):
                if kept is not None and i > 1:
                    self._put_back_state(kept)
                drop = deliver_next_drop(company)
                if i == 1:
                    self.progress.echo(
                        f"[bench] next drop {', '.join(drop.folders)}: {drop.rows:,} rows in "
                        f"{drop.files} files"
                    )
                suffix = "" if repeat == 1 else str(i)
                try:
                    runs.append(
                        {
                            "incremental": self.nightly_run(f"incremental{suffix}", drop.rows),
                            "no_op": self.nightly_run(f"no-op{suffix}", None),
                        }
                    )
                finally:
                    withdraw_next_drop(company)
        finally:
            if kept is not None:
                shutil.rmtree(kept, ignore_errors=True)
        return {
            "drop": company.next_drop.to_dict(),
            "share_of_company_rows": round(company.next_drop.rows / company.rows, 5),
            "incremental": median_run([r["incremental"] for r in runs]),
            "no_op": median_run([r["no_op"] for r in runs]),
            "runs": runs,
        }

    def _set_aside_state(self) -> Path:
        kept = self.home / "before_next_drop"
        shutil.rmtree(kept, ignore_errors=True)
        kept.mkdir(parents=True)
        _copy_state(self.home, kept)
        return kept

    def _put_back_state(self, kept: Path) -> None:
        self.fresh_warehouse()
        _copy_state(kept, self.home)

    def _write(self) -> None:
        path = self.home / "results.json"
        path.write_text(json.dumps(self.results, indent=2, default=str), encoding="utf-8")
        self.progress.echo(f"[bench] results: {path}")
        if self.config.out is not None and "failed" not in self.results:
            update_document(self.config.out, self.results)
            self.progress.echo(f"[bench] updated {self.config.out}")


def _rate(rows: int | None, wall_s: float) -> dict[str, object]:
    return {"rows_per_s": round(rows / wall_s) if rows and wall_s > 0 else None}


def _last_json(m: Measurement) -> object:
    for _, line in reversed(m.lines):
        if line.startswith("{"):
            return json.loads(line)
    return None


def _copy_state(source: Path, target: Path) -> None:
    """Copy what a run starts from (the warehouse files and Dagster's folder) between folders."""
    for name in STATE_FILES:
        if (source / name).exists():
            shutil.copy2(source / name, target / name)
    if (source / "dagster").is_dir():
        shutil.copytree(source / "dagster", target / "dagster")


def median_run(entries: list[dict[str, object]]) -> dict[str, object]:
    """The run of median wall time (the lower one of an even count), whole, with how many runs
    it is the median of and their wall times."""
    ordered = sorted(entries, key=lambda e: float(e["wall_s"]))  # type: ignore[arg-type]
    median = ordered[(len(ordered) - 1) // 2]
    return {**median, "runs": len(entries), "walls_s": [e["wall_s"] for e in entries]}


def _median_of(entries: list[dict[str, object]]) -> dict[str, object] | None:
    done = [e for e in entries if e.get("ok", True) and e.get("wall_s") is not None]
    if not done:
        return None
    walls = [float(e["wall_s"]) for e in done]  # type: ignore[arg-type]
    peaks = [int(e["peak_rss_bytes"]) for e in done]  # type: ignore[call-overload]
    rates = [e["rows_per_s"] for e in done if e.get("rows_per_s") is not None]
    return {
        "wall_s": round(statistics.median(walls), 3),
        "peak_rss_bytes": int(statistics.median(peaks)),
        "rows_per_s": round(statistics.median(rates)) if rates else None,  # type: ignore[type-var]
        "runs": len(done),
    }


def _failure(entry: dict[str, object]) -> str:
    """How a reference that did not complete ended, e.g. "killed (memory cap: …) after 312 s,
    peak 12.05 GB": at L the pandas baseline is expected to run out of memory, and how far it
    got is the figure."""
    reason = f"killed ({entry['killed']})" if entry.get("killed") else "failed"
    wall, peak = entry.get("wall_s"), entry.get("peak_rss_bytes")
    if wall is not None:
        reason += f" after {float(wall):,.0f} s"  # type: ignore[arg-type]
    if peak:
        reason += f", peak {int(peak) / GB:.2f} GB"  # type: ignore[call-overload]
    return reason


def medians(runs: list[dict[str, object]]) -> dict[str, object]:
    """Per measurement (pipeline, each stage, floor, pandas): the median over the repeats."""
    median: dict[str, object] = {}
    pipelines = [r["pipeline"] for r in runs if "pipeline" in r]
    median["pipeline"] = _median_of(pipelines)  # type: ignore[arg-type]
    for stage in STAGES:
        entries = [p["stages"][stage] for p in pipelines if stage in p["stages"]]  # type: ignore[index,operator]
        median[stage] = _median_of(entries) if entries else None
    for reference in ("floor", "pandas"):
        entries = [r[reference] for r in runs if reference in r]
        median[reference] = _median_of(entries) if entries else None  # type: ignore[arg-type]
        if entries and median[reference] is None:
            median[f"{reference}_failed"] = _failure(entries[0])  # type: ignore[arg-type]
    return median


def ratios(median: dict[str, dict[str, object] | None]) -> dict[str, float | None]:
    """pipeline ÷ floor and pipeline ÷ pandas, time and memory (and ingest ÷ floor)."""

    def ratio(a: str, b: str, key: str) -> float | None:
        x, y = median.get(a), median.get(b)
        if not x or not y or not y.get(key):
            return None
        return round(float(x[key]) / float(y[key]), 2)  # type: ignore[arg-type]

    return {
        "pipeline_vs_floor_time": ratio("pipeline", "floor", "wall_s"),
        "pipeline_vs_floor_memory": ratio("pipeline", "floor", "peak_rss_bytes"),
        "ingest_vs_floor_time": ratio("ingest", "floor", "wall_s"),
        "pipeline_vs_pandas_time": ratio("pipeline", "pandas", "wall_s"),
        "pipeline_vs_pandas_memory": ratio("pipeline", "pandas", "peak_rss_bytes"),
    }


def run_bench(config: BenchConfig) -> int:
    """Run the benchmark; 0 when every command succeeded and pandas equals the pipeline."""
    bench = Bench(config)
    try:
        bench.run()
    except ResultsDiffer as error:
        print(f"[bench] FAILED: {error}", file=sys.stderr)
        return 2
    except RuntimeError as error:
        print(f"[bench] FAILED: {error}", file=sys.stderr)
        return 1
    return 0
