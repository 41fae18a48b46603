"""Stages of the nightly job, read from the time-stamped log of one `kpiwh run`.

Dagster logs `STEP_START` / `STEP_SUCCESS` / `STEP_FAILURE` for every step it executes; the
benchmark reads those lines as they arrive, so a stage's wall time and peak memory are measured
on the very run that gives the end-to-end figure (no Dagster import outside orchestration/).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from benchmarks.procmem import Measurement

STEP_EVENT = re.compile(r" - (STEP_START|STEP_SUCCESS|STEP_FAILURE) - .*?step \"([^\"]+)\"")
RUN_EVENT = re.compile(r" - (RUN_START|RUN_SUCCESS|RUN_FAILURE) - ")

# The stages the issue names, in pipeline order; "other" holds steps of none of them.
STAGES = ("ingest", "dbt build", "quality", "exports", "other")


def stage_of(step: str) -> str:
    """Which stage a step of the nightly job belongs to, by its name."""
    name = step.lower()
    if name.startswith("raw") or "extract" in name:
        return "ingest"
    if name.startswith("dbt"):
        return "dbt build"
    if "quality" in name or "gate" in name:
        return "quality"
    if "export" in name or "payroll" in name or "publish" in name:
        return "exports"
    return "other"


@dataclass(frozen=True)
class Step:
    name: str
    stage: str
    start_s: float  # seconds since the command started
    end_s: float
    succeeded: bool
    peak_rss_bytes: int

    @property
    def wall_s(self) -> float:
        return self.end_s - self.start_s

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "wall_s": self.wall_s}


def steps_of(measurement: Measurement) -> list[Step]:
    started: dict[str, float] = {}
    steps: list[Step] = []
    for t, line in measurement.lines:
        match = STEP_EVENT.search(line)
        if match is None:
            continue
        event, name = match.groups()
        if event == "STEP_START":
            started[name] = t
        elif name in started:
            begin = started.pop(name)
            steps.append(
                Step(
                    name,
                    stage_of(name),
                    begin,
                    t,
                    event == "STEP_SUCCESS",
                    measurement.peak_between(begin, t),
                )
            )
    return steps


def run_bounds(measurement: Measurement) -> tuple[float | None, float | None]:
    """When the job started and ended (seconds since the command started), from its log."""
    start = end = None
    for t, line in measurement.lines:
        match = RUN_EVENT.search(line)
        if match is None:
            continue
        if match.group(1) == "RUN_START":
            start = t
        else:
            end = t
    return start, end


@dataclass
class StageTotal:
    """One stage of one run: its steps' wall times summed, the peak RSS during any of them."""

    wall_s: float = 0.0
    peak_rss_bytes: int = 0
    steps: list[str] = field(default_factory=list)
    succeeded: bool = True

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def stage_totals(steps: list[Step]) -> dict[str, StageTotal]:
    """Per stage present in the run (steps of stages the job lacks are simply absent)."""
    totals: dict[str, StageTotal] = {}
    for step in steps:
        total = totals.setdefault(step.stage, StageTotal())
        total.wall_s += step.wall_s
        total.peak_rss_bytes = max(total.peak_rss_bytes, step.peak_rss_bytes)
        total.steps.append(step.name)
        total.succeeded = total.succeeded and step.succeeded
    return totals
