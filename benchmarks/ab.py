"""`kpiwh bench --baseline REF`: this checkout's nightly job against another commit's, alternately.

The machines these benchmarks run on drift by 10–30 % within an hour, so two benches taken hours
apart cannot tell a 3 % change from the weather (docs/benchmarks.md, rounds 9 and 10). This
comparison takes both codes through the same cases on one company, interleaved:

  1. the baseline commit is checked out beside the project (`git worktree`, reused when present; `git worktree remove` deletes it);
  2. the landing read once (page cache warm for both), then for each code a full run from an
     empty warehouse, whose state (warehouse and Dagster's
     storage) is set aside: each code's nightly runs start from the warehouse its own code built,
     so a baseline with other dbt models is compared incremental to incremental, never against a
     full refresh;
  3. `pairs` pairs of nightly drops, each followed by a run with nothing new, in the order
     baseline, current, then current, baseline (ABBA), each from its code's set-aside state.

Every measured command is the one `kpiwh bench` measures (`python -m orchestration.cli run`),
run with the code's folder first on PYTHONPATH and as its working folder; the dbt step's
run-results path shows which project built, and a run that built another checkout's project
stops the comparison. The figures go to `<bench dir>/ab_results.json` and to stdout, not to
docs/benchmarks.md: a round's text quotes them.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import statistics
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.company import (
    Company,
    CompanySpec,
    deliver_next_drop,
    ensure_company,
    withdraw_next_drop,
)
from benchmarks.runner import PROJECT_ROOT, Bench, BenchConfig, Progress, _copy_state
from benchmarks.stages import STAGES

BASELINE, CURRENT = "baseline", "current"
CASES = ("full", "nightly", "no_op")


@dataclass(frozen=True)
class Variant:
    name: str  # BASELINE or CURRENT
    root: Path  # the checkout whose code runs
    commit: str  # what it is (a commit id, or "working tree")


def _git(project_root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(project_root), *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout.strip()


def baseline_checkout(project_root: Path, ref: str, into: Path) -> Variant:
    """The commit `ref` names, checked out (detached) under `into/<commit>`; reused if there."""
    commit = _git(project_root, "rev-parse", "--verify", f"{ref}^{{commit}}")
    path = into / commit[:12]
    if path.is_dir() and _git(path, "rev-parse", "HEAD") == commit:
        return Variant(BASELINE, path.resolve(), commit)
    shutil.rmtree(path, ignore_errors=True)
    _git(project_root, "worktree", "prune")
    into.mkdir(parents=True, exist_ok=True)
    _git(project_root, "worktree", "add", "--detach", "--force", str(path), commit)
    return Variant(BASELINE, path.resolve(), commit)


def current_variant(project_root: Path = PROJECT_ROOT) -> Variant:
    try:
        head = _git(project_root, "rev-parse", "HEAD")
        dirty = bool(_git(project_root, "status", "--porcelain", "--untracked-files=no"))
    except RuntimeError:
        head, dirty = "unknown", True
    return Variant(CURRENT, project_root.resolve(), head + (" + working tree" if dirty else ""))


def run_order(variants: Sequence[Variant], pairs: int) -> list[tuple[int, Variant]]:
    """(pair, variant) in measuring order: A B, B A, A B, … (drift falls on both alike)."""
    order: list[tuple[int, Variant]] = []
    for pair in range(1, pairs + 1):
        ordered = list(variants) if pair % 2 else list(reversed(variants))
        order.extend((pair, variant) for variant in ordered)
    return order


def built_by(run: dict[str, object], variant: Variant) -> bool:
    """Whether the run's dbt step built `variant`'s project (None: dbt did not build)."""
    path = run.get("dbt_run_results")
    return path is None or Path(str(path)).resolve().is_relative_to(variant.root)


def summarise(runs: dict[str, dict[str, list[dict[str, object]]]]) -> dict[str, object]:
    """Per variant and case: the median wall time, its range and per-stage medians; and, per
    case, current − baseline in seconds and in per cent of the baseline."""
    summary: dict[str, object] = {}
    for name, cases in runs.items():
        summary[name] = {case: _case(entries) for case, entries in cases.items() if entries}
    deltas: dict[str, object] = {}
    for case in CASES:
        base = summary.get(BASELINE, {}).get(case)  # type: ignore[union-attr]
        new = summary.get(CURRENT, {}).get(case)  # type: ignore[union-attr]
        if base and new:
            change = new["wall_s"] - base["wall_s"]
            deltas[case] = {
                "seconds": round(change, 2),
                "percent": round(100 * change / base["wall_s"], 1) if base["wall_s"] else None,
            }
    summary["current_minus_baseline"] = deltas
    return summary


def _case(entries: list[dict[str, object]]) -> dict[str, object]:
    walls = [float(e["wall_s"]) for e in entries]  # type: ignore[arg-type]
    stages: dict[str, float] = {}
    for stage in STAGES:
        times = [float(e["stages"][stage]["wall_s"]) for e in entries if stage in e["stages"]]  # type: ignore[index,operator]
        if times:
            stages[stage] = round(statistics.median(times), 2)
    dbt = [float(e["dbt"]["elapsed_s"]) for e in entries if e.get("dbt")]  # type: ignore[index]
    return {
        "wall_s": round(statistics.median(walls), 2),
        "walls_s": walls,
        "stages": stages,
        "dbt_elapsed_s": round(statistics.median(dbt), 1) if dbt else None,
    }


def describe(summary: dict[str, object], variants: Sequence[Variant]) -> str:
    """The comparison as a few lines of text."""
    lines = [f"{v.name}: {v.commit} ({v.root})" for v in variants]
    for case in CASES:
        parts = []
        for variant in variants:
            figures = summary.get(variant.name, {}).get(case)  # type: ignore[union-attr]
            if figures:
                walls = ", ".join(f"{w:.1f}" for w in figures["walls_s"])
                parts.append(f"{variant.name} {figures['wall_s']:.1f} s ({walls})")
        delta = summary["current_minus_baseline"].get(case)  # type: ignore[union-attr]
        if parts:
            change = f"; current − baseline {delta['seconds']:+.1f} s" if delta else ""
            lines.append(f"{case}: " + ", ".join(parts) + change)
    return "\n".join(lines)


class AbBench:
    """Both codes through the full run, `pairs` nightly drops and no-op runs (module docstring)."""

    def __init__(
        self,
        config: BenchConfig,
        variants: Sequence[Variant],
        pairs: int,
        progress: Progress | None = None,
    ) -> None:
        self.config, self.variants, self.pairs = config, list(variants), pairs
        self.progress = progress or Progress()
        self.benches = {v.name: self._bench_for(v) for v in self.variants}
        self.home = config.bench_dir

    def _bench_for(self, variant: Variant) -> Bench:
        bench = Bench(self.config, self.progress)
        bench.env["PYTHONPATH"] = str(variant.root)
        bench.cwd = variant.root
        return bench

    def _state(self, variant: Variant) -> Path:
        return self.home / f"ab_state_{variant.name}"

    def run(self) -> dict[str, object]:
        first = self.benches[self.variants[0].name]
        first.logs.mkdir(parents=True, exist_ok=True)
        spec = CompanySpec(
            self.config.scale, self.config.seed, self.config.end_date, self.config.order_lines
        )
        company = ensure_company(
            spec, first.landing, first.env, regenerate=self.config.regenerate, log_dir=first.logs
        )
        warm_page_cache(first.landing)  # the first full run must not pay a cold cache alone
        runs: dict[str, dict[str, list[dict[str, object]]]] = {
            v.name: {case: [] for case in CASES} for v in self.variants
        }
        try:
            for variant in self.variants:
                runs[variant.name]["full"].append(self._full(variant, company))
            for pair, variant in run_order(self.variants, self.pairs):
                nightly, no_op = self._nightly(variant, company, pair)
                runs[variant.name]["nightly"].append(nightly)
                runs[variant.name]["no_op"].append(no_op)
        finally:
            for variant in self.variants:
                shutil.rmtree(self._state(variant), ignore_errors=True)
        results = {
            "scale": self.config.scale,
            "pairs": self.pairs,
            "variants": [
                {"name": v.name, "commit": v.commit, "root": str(v.root)} for v in self.variants
            ],
            "summary": summarise(runs),
            "runs": runs,
        }
        (self.home / "ab_results.json").write_text(
            json.dumps(results, indent=2, default=str), encoding="utf-8"
        )
        return results

    def _checked(self, variant: Variant, run: dict[str, object]) -> dict[str, object]:
        if not built_by(run, variant):
            raise RuntimeError(
                f"the {variant.name} run built {run['dbt_run_results']}, not {variant.root}'s "
                "project: its code was not the one on PYTHONPATH"
            )
        return run

    def _full(self, variant: Variant, company: Company) -> dict[str, object]:
        bench = self.benches[variant.name]
        bench.fresh_warehouse()
        run = self._checked(variant, bench.nightly_run(f"ab-{variant.name}-full", company.rows))
        state = self._state(variant)
        shutil.rmtree(state, ignore_errors=True)
        state.mkdir(parents=True)
        _copy_state(bench.home, state)
        return run

    def _nightly(
        self, variant: Variant, company: Company, pair: int
    ) -> tuple[dict[str, object], dict[str, object]]:
        bench = self.benches[variant.name]
        bench._put_back_state(self._state(variant))
        with _delivered(company) as rows:
            label = f"ab-{variant.name}-{pair}"
            nightly = self._checked(variant, bench.nightly_run(f"{label}-nightly", rows))
            no_op = self._checked(variant, bench.nightly_run(f"{label}-no-op", None))
        return nightly, no_op


def warm_page_cache(folder: Path) -> int:
    """Read every file under `folder` once (the bytes read): the full runs after it all find the
    landing in the operating system's page cache, the first as much as the second."""
    total = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 22):
                total += len(chunk)
    return total


@contextlib.contextmanager
def _delivered(company: Company) -> Iterator[int]:
    """The held-back last night in the landing for the block (its rows), taken out after it."""
    drop = deliver_next_drop(company)
    try:
        yield drop.rows
    finally:
        withdraw_next_drop(company)


def run_ab(
    config: BenchConfig,
    baseline_ref: str,
    pairs: int,
    *,
    echo: Callable[[str], None] = print,
    project_root: Path = PROJECT_ROOT,
) -> int:
    """Compare the baseline commit with this checkout; print the summary; 0 when all ran."""
    baseline = baseline_checkout(project_root, baseline_ref, config.bench_dir / "baselines")
    variants = [baseline, current_variant(project_root)]
    results = AbBench(config, variants, pairs).run()
    echo(describe(results["summary"], variants))  # type: ignore[arg-type]
    echo(f"[bench] results: {config.bench_dir / 'ab_results.json'}")
    return 0
