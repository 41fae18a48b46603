"""Atomic outputs: a reader sees the previous version or the new one, never a half-written one.

Files are written beside their final name, fsynced and renamed over it. A folder of files (the BI
exports of one publication, the dbt docs site) is built beside and published by flipping a
symlink: `<name>` → `.<name>-builds/<build>`. Renaming a symlink over another is atomic on POSIX,
so `<name>/any/file` always resolves inside one complete build. The previous build is kept (a
reader may be mid-way through it); older ones are removed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BUILDS_KEPT = 2  # the current build and the one before it


def fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(root: Path) -> None:
    """fsync every file and folder under `root` (and `root` itself), a few at a time: a build
    holds hundreds of Parquet partitions, and fsync waits on the disk, not the CPU."""
    files: list[Path] = []
    folders: list[Path] = []
    for folder, _, names in os.walk(root):
        folders.append(Path(folder))
        files.extend(Path(folder) / name for name in names)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(fsync_file, files))
        list(pool.map(fsync_dir, folders))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    fsync_dir(path.parent)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def builds_dir(link: Path) -> Path:
    """Where the builds published under `link` live: `.<name>-builds` beside it."""
    return link.parent / f".{link.name}-builds"


def new_build_dir(link: Path, label: str) -> Path:
    """A fresh, empty folder to build the next version of `link` in."""
    build = builds_dir(link) / f"{label}-{uuid.uuid4().hex[:8]}.partial"
    build.mkdir(parents=True)
    return build


def publish_build(build: Path, link: Path) -> Path:
    """Make `link` point at the finished `build`, atomically; return the build's final path.

    The build is fsynced and renamed (dropping `.partial`) first, so a crash leaves either the
    old link or the new one pointing at a complete folder. `link` must be a symlink or absent: an
    ordinary folder or file there is refused rather than deleted.
    """
    if link.exists() and not link.is_symlink():
        raise FileExistsError(
            f"{link} exists and is not a symlink made by the exports: move it away first"
        )
    final = build.with_name(build.name.removesuffix(".partial"))
    fsync_tree(build)
    os.rename(build, final)
    os.utime(final)  # builds are ordered by mtime: this one is the newest
    fsync_dir(final.parent)
    temporary_link = link.with_name(f".{link.name}.{uuid.uuid4().hex[:8]}.link")
    os.symlink(os.path.relpath(final, link.parent), temporary_link)
    try:
        os.replace(temporary_link, link)
    finally:
        if temporary_link.is_symlink():
            temporary_link.unlink()
    fsync_dir(link.parent)
    _remove_old_builds(link, keep=final)
    return final


def discard_build(build: Path) -> None:
    shutil.rmtree(build, ignore_errors=True)


def _remove_old_builds(link: Path, *, keep: Path) -> None:
    """Keep the newest `BUILDS_KEPT` finished builds (the current one always); remove the rest,
    and partial builds a crash left behind more than a day ago."""
    folder = builds_dir(link)
    day_ago_ns = time.time_ns() - 86_400 * 10**9
    for partial in folder.glob("*.partial"):
        if partial.stat().st_mtime_ns < day_ago_ns:
            shutil.rmtree(partial, ignore_errors=True)
    finished = sorted(
        (p for p in folder.iterdir() if p.is_dir() and not p.name.endswith(".partial")),
        key=lambda p: p.stat().st_mtime_ns,
        reverse=True,
    )
    kept = {keep}
    for build in finished:
        if len(kept) >= BUILDS_KEPT:
            break
        kept.add(build)
    for build in finished:
        if build not in kept:
            shutil.rmtree(build, ignore_errors=True)
