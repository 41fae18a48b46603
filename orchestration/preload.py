"""Import a module on a background thread, so that a later step finds it already imported.

The nightly job runs its steps one after another in one process (the in-process executor), and
while dbt builds, in a process of its own, this one mostly waits. The quality gate after dbt
imports Great Expectations, ≈ 4 s of the gate on every run; importing it during the dbt step
takes that off the job's critical path. Python's per-module import lock makes the gate's own
`import` wait for a preload still in progress rather than import twice, and a preload that fails
is silent: the gate's import then raises the error where it belongs.
"""

from __future__ import annotations

import contextlib
import importlib
import threading

_started: set[str] = set()
_lock = threading.Lock()


def preload_in_background(module: str) -> threading.Thread | None:
    """Start importing `module` on a daemon thread; None if already started in this process."""
    with _lock:
        if module in _started:
            return None
        _started.add(module)
    thread = threading.Thread(
        target=_import_quietly, args=(module,), name=f"preload-{module}", daemon=True
    )
    thread.start()
    return thread


def _import_quietly(module: str) -> None:
    # a failure is the importing step's to report: it imports the module again and raises there
    with contextlib.suppress(Exception):
        importlib.import_module(module)
