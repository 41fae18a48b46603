"""`kpiwh` ends without the interpreter's teardown, yet does everything an exit must."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

from orchestration.settings import PROJECT_ROOT


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(PROJECT_ROOT), "PATH": ""},
    )


def test_the_exit_runs_threads_atexit_and_flushes_then_gives_the_code(tmp_path) -> None:
    done = _python(
        """
        import atexit, logging, pathlib, sys, tempfile, threading, time
        from orchestration.process_exit import exit_without_teardown

        atexit.register(lambda: pathlib.Path("atexit.txt").write_text("ran"))
        kept = tempfile.TemporaryDirectory(dir=".")  # removed by its finalizer at exit
        pathlib.Path(kept.name, "inside").write_text("x")
        def late():
            time.sleep(0.3)
            pathlib.Path("thread.txt").write_text("joined")
        threading.Thread(target=late).start()
        handler = logging.FileHandler("log.txt", delay=False)
        logging.getLogger("t").addHandler(handler)
        logging.getLogger("t").warning("logged")
        sys.stdout.write("no newline, still buffered")
        sys.stderr.write("to stderr")
        exit_without_teardown(3)
        pathlib.Path("after.txt").write_text("never")
        """,
        tmp_path,
    )
    assert done.returncode == 3
    assert (done.stdout, done.stderr) == ("no newline, still buffered", "to stderr")
    assert (tmp_path / "atexit.txt").read_text() == "ran"
    assert (tmp_path / "thread.txt").read_text() == "joined"
    assert (tmp_path / "log.txt").read_text() == "logged\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "atexit.txt", "log.txt", "thread.txt",
    ]  # fmt: skip


def test_a_code_outside_0_to_255_exits_as_sys_exit_would(tmp_path) -> None:
    for code, expected in ((0, 0), (1, 1), (256 + 2, 2), (-5, 251)):
        done = _python(
            f"from orchestration.process_exit import exit_without_teardown\n"
            f"exit_without_teardown({code})",
            tmp_path,
        )
        assert done.returncode == expected, code


def test_the_program_entry_points_use_it(tmp_path) -> None:
    scripts = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["kpiwh"] == "orchestration.cli:entry"
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "--home", str(tmp_path), "status"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(PROJECT_ROOT), "PATH": "", "KPIWH_DUCKDB_PATH": ""},
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("no warehouse yet at ")
