"""`kpiwh bench --baseline REF`: order of the runs, whose state each starts from, the summary."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from benchmarks import ab
from benchmarks.ab import (
    AbBench,
    Variant,
    baseline_checkout,
    built_by,
    run_order,
    summarise,
    warm_page_cache,
)
from benchmarks.runner import Bench, BenchConfig


def _variants(tmp_path: Path) -> list[Variant]:
    return [
        Variant("baseline", tmp_path / "old", "abc"),
        Variant("current", tmp_path / "new", "def"),
    ]


def test_runs_alternate_abba_so_drift_falls_on_both(tmp_path) -> None:
    old, new = _variants(tmp_path)
    order = [(pair, v.name) for pair, v in run_order([old, new], 3)]
    assert order == [
        (1, "baseline"), (1, "current"),
        (2, "current"), (2, "baseline"),
        (3, "baseline"), (3, "current"),
    ]  # fmt: skip


def test_a_run_counts_only_when_it_built_its_own_checkouts_project(tmp_path) -> None:
    old, _ = _variants(tmp_path)
    inside = {"dbt_run_results": str(old.root / "dbt_project/target/x/run_results.json")}
    outside = {"dbt_run_results": str(tmp_path / "new/dbt_project/target/x/run_results.json")}
    assert built_by(inside, old)
    assert not built_by(outside, old)
    assert built_by({"dbt_run_results": None}, old)  # dbt skipped: nothing to check


def _run(wall: float, dbt: float | None = None, **stages: float) -> dict[str, object]:
    return {
        "wall_s": wall,
        "stages": {name.replace("_", " "): {"wall_s": t} for name, t in stages.items()},
        "dbt": None if dbt is None else {"elapsed_s": dbt},
    }


def test_the_summary_gives_medians_ranges_and_current_minus_baseline() -> None:
    summary = summarise(
        {
            "baseline": {
                "full": [_run(150.0, 70.0, ingest=50.0)],
                "nightly": [_run(60.0, 36.0, exports=5.5), _run(62.0, 38.0, exports=5.7)],
                "no_op": [_run(5.6), _run(5.4)],
            },
            "current": {
                "full": [_run(147.0, 69.0, ingest=50.0)],
                "nightly": [_run(57.0, 35.0, exports=3.7), _run(55.0, 35.0, exports=3.5)],
                "no_op": [_run(4.5), _run(4.7)],
            },
        }
    )
    assert summary["baseline"]["nightly"] == {
        "wall_s": 61.0,
        "walls_s": [60.0, 62.0],
        "stages": {"exports": 5.6},
        "dbt_elapsed_s": 37.0,
    }
    assert summary["current"]["no_op"]["wall_s"] == 4.6
    assert summary["current_minus_baseline"] == {
        "full": {"seconds": -3.0, "percent": -2.0},
        "nightly": {"seconds": -5.0, "percent": -8.2},
        "no_op": {"seconds": -0.9, "percent": -16.4},  # 4.6 - 5.5 s of 5.5 s
    }


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def test_the_baseline_is_checked_out_beside_once(tmp_path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "bench@example.com")
    _git(repo, "config", "user.name", "bench")
    (repo / "code.py").write_text("old\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "old")
    first = _git(repo, "rev-parse", "HEAD")
    (repo / "code.py").write_text("new\n")
    _git(repo, "commit", "-qam", "new")

    variant = baseline_checkout(repo, "HEAD~1", tmp_path / "baselines")
    assert (variant.name, variant.commit) == ("baseline", first)
    assert variant.root == (tmp_path / "baselines" / first[:12]).resolve()
    assert (variant.root / "code.py").read_text() == "old\n"
    (variant.root / "marker").write_text("kept")
    again = baseline_checkout(repo, first, tmp_path / "baselines")
    assert again == variant and (again.root / "marker").exists()  # reused, not checked out again
    assert (repo / "code.py").read_text() == "new\n"  # the checkout itself is untouched

    with pytest.raises(RuntimeError, match="rev-parse"):
        baseline_checkout(repo, "no-such-ref", tmp_path / "baselines")


class _FakeCompany:
    rows = 1000


def test_each_code_runs_from_the_state_its_own_full_run_built(tmp_path, monkeypatch) -> None:
    old, new = _variants(tmp_path)
    config = BenchConfig.create(scale="tiny", bench_dir=tmp_path / "bench", out=None)
    calls: list[tuple[str, str, str]] = []

    def nightly_run(self: Bench, label: str, rows: int | None) -> dict[str, object]:
        root = Path(self.env["PYTHONPATH"])
        assert self.cwd == root
        warehouse = self.home / "warehouse.duckdb"
        if label.endswith("-full"):
            assert not warehouse.exists()  # a full run starts from an empty warehouse
            warehouse.write_text(root.name)
            started_from = "empty"
        else:
            started_from = warehouse.read_text()
        calls.append((label, root.name, started_from))
        wall = {"old": 10.0, "new": 8.0}[root.name] + (100.0 if label.endswith("-full") else 0)
        return {
            "wall_s": wall,
            "stages": {},
            "dbt": None,
            "dbt_run_results": str(root / "dbt_project/target/run/run_results.json"),
        }

    monkeypatch.setattr(Bench, "nightly_run", nightly_run)
    monkeypatch.setattr(ab, "ensure_company", lambda *a, **k: _FakeCompany())
    warmed: list[Path] = []
    monkeypatch.setattr(ab, "warm_page_cache", warmed.append)
    delivered: list[str] = []
    monkeypatch.setattr(ab, "deliver_next_drop", lambda c: delivered.append("in") or c)
    monkeypatch.setattr(ab, "withdraw_next_drop", lambda c: delivered.append("out"))

    results = AbBench(config, [old, new], pairs=2).run()

    assert calls == [
        ("ab-baseline-full", "old", "empty"),
        ("ab-current-full", "new", "empty"),
        ("ab-baseline-1-nightly", "old", "old"),
        ("ab-baseline-1-no-op", "old", "old"),
        ("ab-current-1-nightly", "new", "new"),
        ("ab-current-1-no-op", "new", "new"),
        ("ab-current-2-nightly", "new", "new"),
        ("ab-current-2-no-op", "new", "new"),
        ("ab-baseline-2-nightly", "old", "old"),
        ("ab-baseline-2-no-op", "old", "old"),
    ]
    assert delivered == ["in", "out"] * 4
    assert warmed == [tmp_path / "bench" / "landing"]
    assert results["summary"]["current_minus_baseline"]["nightly"] == {
        "seconds": -2.0,
        "percent": -20.0,
    }
    written = json.loads((tmp_path / "bench" / "ab_results.json").read_text())
    assert written["summary"] == json.loads(json.dumps(results["summary"]))
    assert not list((tmp_path / "bench").glob("ab_state_*"))  # the set-aside states are gone


def test_a_run_that_built_another_checkout_stops_the_comparison(tmp_path, monkeypatch) -> None:
    old, new = _variants(tmp_path)
    config = BenchConfig.create(scale="tiny", bench_dir=tmp_path / "bench", out=None)

    def nightly_run(self: Bench, label: str, rows: int | None) -> dict[str, object]:
        (self.home / "warehouse.duckdb").write_text("x")
        return {"wall_s": 1.0, "stages": {}, "dbt": None,
                "dbt_run_results": str(tmp_path / "elsewhere/run_results.json")}  # fmt: skip

    monkeypatch.setattr(Bench, "nightly_run", nightly_run)
    monkeypatch.setattr(ab, "ensure_company", lambda *a, **k: _FakeCompany())
    monkeypatch.setattr(ab, "warm_page_cache", lambda folder: 0)
    with pytest.raises(RuntimeError, match=r"not .*old's project"):
        AbBench(config, [old, new], pairs=1).run()


def test_warming_reads_every_file_of_the_landing(tmp_path) -> None:
    (tmp_path / "crm" / "2026-01-01").mkdir(parents=True)
    (tmp_path / "crm" / "2026-01-01" / "orders.csv").write_bytes(b"a" * (5 << 20))
    (tmp_path / "hr.csv").write_bytes(b"id\n1\n")
    assert warm_page_cache(tmp_path) == (5 << 20) + 5


def test_kpiwh_bench_baseline_runs_the_comparison(tmp_path, monkeypatch) -> None:
    from orchestration.cli import main as kpiwh

    seen: list[tuple[object, str, int]] = []

    def fake_run_ab(config: BenchConfig, ref: str, pairs: int) -> int:
        seen.append((config.bench_dir, ref, pairs))
        return 7

    monkeypatch.setattr(ab, "run_ab", fake_run_ab)
    args = ["bench", "--scale", "tiny", "--dir", str(tmp_path), "--baseline", "HEAD~1"]
    assert kpiwh([*args, "--pairs", "3"], read_dotenv=False) == 7
    assert kpiwh(args, read_dotenv=False) == 7
    assert seen == [(tmp_path.resolve(), "HEAD~1", 3), (tmp_path.resolve(), "HEAD~1", 2)]
