"""Run a command and measure it: wall time and the peak resident memory of its process tree.

A background thread samples `/proc` every `interval` seconds: the RSS of the child and of every
descendant (dbt runs as a grandchild of `kpiwh run`), summed. Shared pages are counted once per
process, so the sum slightly overstates; it is what an operator's `top` shows. Output lines are
read as they arrive and time-stamped, so callers can find stage boundaries in a job's log.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Sample:
    t: float  # seconds since the command started
    rss_bytes: int


@dataclass
class Measurement:
    """What one command did: exit code, wall time, peak tree RSS, timed output lines."""

    argv: list[str]
    returncode: int
    wall_s: float
    peak_rss_bytes: int
    samples: list[Sample] = field(default_factory=list)
    lines: list[tuple[float, str]] = field(default_factory=list)  # (seconds since start, line)
    killed: str | None = None  # why the tree was killed (memory cap, timeout), if it was
    load_average_at_start: float = 0.0  # 1-minute load: other work on the machine shows here

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.killed is None

    def peak_between(self, start: float, end: float) -> int:
        """Peak RSS of the samples taken in [start, end] (seconds since the command started)."""
        inside = [s.rss_bytes for s in self.samples if start <= s.t <= end]
        return max(inside, default=0)

    def tail(self, n: int = 30) -> str:
        return "\n".join(line for _, line in self.lines[-n:])


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses; split after the last ')'
        fields = stat[stat.rfind(b")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def tree_pids(root: int) -> list[int]:
    """`root` and all its descendants alive now."""
    children = _children_map()
    pids, stack = [], [root]
    while stack:
        pid = stack.pop()
        pids.append(pid)
        stack.extend(children.get(pid, []))
    return pids


def tree_rss_bytes(root: int) -> int:
    total = 0
    for pid in tree_pids(root):
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * PAGE_SIZE
        except (OSError, IndexError, ValueError):
            continue  # exited between listing and reading
    return total


def run_measured(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    interval: float = 0.1,
    memory_cap_bytes: int | None = None,
    timeout_s: float | None = None,
    log_path: Path | None = None,
    echo: bool = False,
) -> Measurement:
    """Run `argv` to completion (or until killed at the memory cap or timeout) and measure it.

    The child gets its own process group, so a cap or timeout kills the whole tree.
    """
    started = time.monotonic()
    process = subprocess.Popen(
        list(argv),
        env=dict(env) if env is not None else None,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
        bufsize=1,
        start_new_session=True,
    )
    measurement = Measurement(list(argv), -1, 0.0, 0, load_average_at_start=os.getloadavg()[0])
    done = threading.Event()

    def kill(reason: str) -> None:
        if measurement.killed is None:
            measurement.killed = reason
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

    def sample() -> None:
        while not done.is_set():
            now = time.monotonic() - started
            rss = tree_rss_bytes(process.pid)
            measurement.samples.append(Sample(now, rss))
            measurement.peak_rss_bytes = max(measurement.peak_rss_bytes, rss)
            if memory_cap_bytes is not None and rss > memory_cap_bytes:
                kill(f"memory cap: process tree exceeded {memory_cap_bytes / 2**30:.1f} GiB")
            if timeout_s is not None and now > timeout_s:
                kill(f"timeout: still running after {timeout_s:.0f} s")
            done.wait(interval)

    sampler = threading.Thread(target=sample, name="rss-sampler", daemon=True)
    sampler.start()
    log = log_path.open("w", encoding="utf-8") if log_path is not None else None
    try:
        assert process.stdout is not None
        for line in process.stdout:
            text = line.rstrip("\n")
            measurement.lines.append((time.monotonic() - started, text))
            if log is not None:
                log.write(line)
            if echo:
                print(text, flush=True)
        process.wait()
    finally:
        measurement.wall_s = time.monotonic() - started
        done.set()
        sampler.join()
        if log is not None:
            log.close()
        if process.poll() is None:
            kill("interrupted")
            process.wait()
    measurement.returncode = process.returncode
    return measurement
