"""The machine a benchmark ran on, from /proc (Linux), for the results document."""

from __future__ import annotations

import os
import platform
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Machine:
    cpu_model: str
    logical_cpus: int
    usable_cpus: int  # CPUs this process may run on (cgroups/affinity)
    mem_total_gib: float
    kernel: str
    python: str
    load_average: tuple[float, float, float]  # at the moment of description: others' work shows

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def describe(self) -> str:
        return (
            f"{self.cpu_model}, {self.usable_cpus} usable of {self.logical_cpus} logical CPUs, "
            f"{self.mem_total_gib:.1f} GiB RAM, Linux {self.kernel}, Python {self.python}"
        )


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def describe_machine() -> Machine:
    cpuinfo = _read("/proc/cpuinfo")
    models = [
        line.split(":", 1)[1].strip()
        for line in cpuinfo.splitlines()
        if line.lower().startswith("model name")
    ]
    logical = sum(1 for line in cpuinfo.splitlines() if line.startswith("processor"))
    mem_kib = 0
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            mem_kib = int(line.split()[1])
    return Machine(
        cpu_model=models[0] if models else platform.processor() or "unknown CPU",
        logical_cpus=logical or os.cpu_count() or 0,
        usable_cpus=len(os.sched_getaffinity(0)),
        mem_total_gib=mem_kib / 2**20,
        kernel=platform.release(),
        python=platform.python_version(),
        load_average=os.getloadavg(),
    )
