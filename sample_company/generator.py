"""The deterministic sample company: `generate()` writes a landing folder of delta drops.

The simulation walks the drop schedule window by window (a week, then nightly for the last 14
days). In each window the CRM, HR, plan and finance records come out of one time-ordered event
queue; e-commerce volumes are generated with numpy. Every record created or changed in the
window is written to the drops of its source, in its state at the export cut-off (midnight after
the extract date). Only small state is kept between windows, so memory stays bounded at any scale.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ingestion.contract import SOURCES
from sample_company.crm import Crm
from sample_company.ecommerce import Ecommerce
from sample_company.faults import FAULTS_FILE, Fault, inject_faults
from sample_company.finance import CrmBilling
from sample_company.fmt import DAY, day_number
from sample_company.outbox import Outbox
from sample_company.people import Roster
from sample_company.plan import Plan
from sample_company.timeline import build_drops
from sample_company.world import World
from sample_company.writer import DropWriter, merge

DEFAULT_END_DATE = dt.date(2026, 10, 31)


@dataclass(frozen=True)
class Scale:
    """A named size: e-commerce order lines over the history, and years of history."""

    order_lines: int
    years: int


SCALES: dict[str, Scale] = {
    "tiny": Scale(2_000, 1),
    "small": Scale(100_000, 3),
    "S": Scale(1_000_000, 3),
    "M": Scale(10_000_000, 3),
    "L": Scale(100_000_000, 3),
}


@dataclass
class GenerationSummary:
    """What `generate()` wrote."""

    landing_dir: Path
    scale: str
    seed: int
    order_lines_target: int
    start_date: dt.date
    end_date: dt.date
    drop_dates: list[dt.date] = field(default_factory=list)
    files_written: list[str] = field(default_factory=list)
    rows_per_entity: dict[str, int] = field(default_factory=dict)
    faults_injected: list[Fault] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "landing_dir": str(self.landing_dir),
            "scale": self.scale,
            "seed": self.seed,
            "order_lines_target": self.order_lines_target,
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat(),
            "drop_dates": [d.isoformat() for d in self.drop_dates],
            "files_written": list(self.files_written),
            "rows_per_entity": dict(self.rows_per_entity),
            "faults_injected": [f.to_dict() for f in self.faults_injected],
        }


def _history_start(end: dt.date, years: int) -> dt.date:
    try:
        anniversary = end.replace(year=end.year - years)
    except ValueError:  # 29 February
        anniversary = end.replace(year=end.year - years, day=28)
    return anniversary + dt.timedelta(days=1)


def generate(
    landing_dir: Path,
    *,
    scale: str = "small",
    seed: int = 42,
    faults: bool = False,
    end_date: dt.date | None = None,
    order_lines: int | None = None,
) -> GenerationSummary:
    """Write the sample company's drops under `landing_dir`; same arguments → same bytes.

    `scale` names a preset of `SCALES`; `order_lines` overrides its e-commerce order-line count
    (everything else scales with it). History ends on `end_date` (default 2026-10-31). With
    `faults=True`, bad inputs are injected and listed in `<landing_dir>/_faults.json`. Existing
    drop folders of the five sources under `landing_dir` are replaced.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    preset = SCALES[scale]
    lines = preset.order_lines if order_lines is None else int(order_lines)
    if lines < 100:
        raise ValueError("order_lines must be at least 100")
    end = end_date or DEFAULT_END_DATE
    start = _history_start(end, preset.years)
    landing_dir = Path(landing_dir)
    landing_dir.mkdir(parents=True, exist_ok=True)
    for source in SOURCES:
        shutil.rmtree(landing_dir / source, ignore_errors=True)
    (landing_dir / FAULTS_FILE).unlink(missing_ok=True)

    start_day, end_day = day_number(start), day_number(end)
    world = World(
        seed, lines, start_day, end_day, Roster(lines / 100_000, start_day, end_day, seed)
    )
    for t, row in world.roster.employee_rows():
        world.emit_at(t, "hr__employees", row)
    for t, row in world.roster.peer_review_rows():
        world.emit_at(t, "hr__peer_reviews", row)
    crm = Crm(world, CrmBilling(world))
    ecommerce = Ecommerce(world, crm)
    Plan(world, crm, ecommerce)

    drops = build_drops(start, end)
    writer = DropWriter(landing_dir)
    held: dict[str, list[Outbox]] = {source: [] for source in SOURCES}
    lo = -(2**62)
    first_day = start_day
    for position, drop in enumerate(drops):
        hi = (drop.day + 1) * DAY
        crm.plan_window(first_day, drop.day)
        world.queue.run_until(hi)
        ecommerce.run_window(lo, hi, first=position == 0)
        outbox, world.outbox = world.outbox, Outbox()
        for source in SOURCES:
            held[source].append(outbox)
            if source in drop.sources:
                pending = held[source]
                writer.write(
                    source, drop.date, merge(pending, source) if len(pending) > 1 else outbox
                )
                held[source] = []
        lo, first_day = hi, drop.day + 1

    summary = GenerationSummary(
        landing_dir=landing_dir,
        scale=scale,
        seed=seed,
        order_lines_target=lines,
        start_date=start,
        end_date=end,
        drop_dates=[d.date for d in drops],
        files_written=writer.files,
        rows_per_entity=dict(sorted(writer.rows_per_entity.items())),
    )
    if faults:
        summary.faults_injected = inject_faults(landing_dir, writer.files, writer.file_rows)
    return summary
