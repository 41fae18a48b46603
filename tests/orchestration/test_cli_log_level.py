"""`kpiwh run` logs at INFO unless asked otherwise; the benchmark asks for DEBUG."""

from __future__ import annotations

import dagster as dg
import pytest

from benchmarks.runner import BenchConfig, _environment
from orchestration.cli import nightly_run_config, run_log_level
from orchestration.definitions import defs


def test_info_by_default_then_the_environment_then_the_option(monkeypatch) -> None:
    monkeypatch.delenv("KPIWH_LOG_LEVEL", raising=False)
    assert run_log_level(None) == "INFO"
    monkeypatch.setenv("KPIWH_LOG_LEVEL", "debug")
    assert run_log_level(None) == "DEBUG"
    assert run_log_level("WARNING") == "WARNING"


def test_an_unknown_level_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.setenv("KPIWH_LOG_LEVEL", "LOUD")
    with pytest.raises(SystemExit, match="KPIWH_LOG_LEVEL must be one of DEBUG, INFO"):
        run_log_level(None)


def test_the_nightly_job_accepts_the_run_config() -> None:
    job = defs.resolve_job_def("nightly")
    for level in ("DEBUG", "INFO"):
        config = dg.validate_run_config(job, nightly_run_config(level))
        assert config["loggers"]["console"]["config"]["log_level"] == level


def test_the_benchmark_runs_the_job_at_debug_to_time_its_steps(tmp_path) -> None:
    env = _environment(BenchConfig(scale="tiny", repeat=1, bench_dir=tmp_path, out=None))
    assert env["KPIWH_LOG_LEVEL"] == "DEBUG"
