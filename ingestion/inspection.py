"""Byte-level inspection of one extract file before DuckDB reads it.

One streaming pass computes the SHA-256, counts line breaks, checks the file ends in a line break
and decodes strictly to detect the encoding: UTF-8 (with or without BOM) or GB18030.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

CHUNK_BYTES = 8 * 1024 * 1024
UTF8_BOM = codecs.BOM_UTF8


class FileRejected(Exception):
    """The file cannot be loaded at all; nothing of it may reach the raw tables."""


@dataclass(frozen=True)
class FileFacts:
    sha256: str
    size_bytes: int
    newline_count: int
    ends_with_newline: bool
    encoding: str | None  # "utf-8", "utf-8-sig", "gb18030", or None when neither decodes


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def inspect_file(path: Path) -> FileFacts:
    """Hash, count and decode-check the file in one pass; GB18030 is tried only if UTF-8 fails.

    An undecodable file still gets its checksum (the manifest records it); `encoding` is None.
    """
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")(errors="strict")
    utf8_ok = True
    newlines = 0
    size = 0
    last = b""
    first = b""
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            if not first:
                first = chunk[:3]
            digest.update(chunk)
            newlines += chunk.count(b"\n")
            size += len(chunk)
            last = chunk[-1:]
            if utf8_ok:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    utf8_ok = False
    if utf8_ok:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False
    if utf8_ok:
        encoding = "utf-8-sig" if first.startswith(UTF8_BOM) else "utf-8"
    elif _decodes(path, "gb18030"):
        encoding = "gb18030"
    else:
        encoding = None
    return FileFacts(digest.hexdigest(), size, newlines, last == b"\n", encoding)


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def transcode_to_utf8(source: Path, target: Path, encoding: str) -> None:
    """Stream `source` from `encoding` into a UTF-8 copy (DuckDB reads only UTF-8)."""
    with (
        source.open("r", encoding=encoding, errors="strict", newline="") as reader,
        target.open("w", encoding="utf-8", newline="") as writer,
    ):
        while text := reader.read(CHUNK_BYTES):
            writer.write(text)


def read_header(path: Path, encoding: str) -> list[str]:
    """The header row's column names, stripped; the BOM is removed by the utf-8-sig codec."""
    with path.open("r", encoding=encoding, newline="") as handle:
        first_line = handle.readline()
    if not first_line.strip():
        raise FileRejected("empty file: no header row")
    row = next(csv.reader(io.StringIO(first_line)))
    return [name.strip() for name in row]
