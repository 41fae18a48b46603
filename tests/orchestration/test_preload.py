"""Preloading a module on a background thread (the quality gate's Great Expectations)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestration.preload import preload_in_background


@pytest.fixture
def module_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in ("kpiwh_preload_ok", "kpiwh_preload_broken"):
        sys.modules.pop(name, None)


def test_the_module_is_imported_once_on_another_thread(module_dir: Path) -> None:
    (module_dir / "kpiwh_preload_ok.py").write_text(
        "import threading\nIMPORTED_ON = threading.current_thread().name\n"
    )
    thread = preload_in_background("kpiwh_preload_ok")
    assert thread is not None
    assert preload_in_background("kpiwh_preload_ok") is None  # started already
    thread.join(timeout=30)
    module = sys.modules["kpiwh_preload_ok"]
    assert module.IMPORTED_ON == "preload-kpiwh_preload_ok"
    assert importlib.import_module("kpiwh_preload_ok") is module


def test_a_failing_preload_is_silent_and_the_step_sees_the_error(module_dir: Path) -> None:
    (module_dir / "kpiwh_preload_broken.py").write_text("raise RuntimeError('broken module')\n")
    thread = preload_in_background("kpiwh_preload_broken")
    assert thread is not None
    thread.join(timeout=30)
    assert "kpiwh_preload_broken" not in sys.modules
    with pytest.raises(RuntimeError, match="broken module"):
        importlib.import_module("kpiwh_preload_broken")
