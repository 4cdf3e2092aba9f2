"""Atomic file writes: a report file is either the old one or the complete new one, never partial."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

DEFAULT_MODE = 0o644
"""Permissions of a new file (an existing file keeps its own)."""


def write_atomic(path: Path | str, data: bytes | str, *, encoding: str = "utf-8") -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    The temporary file is flushed and fsynced before it replaces ``path``; on any error it is
    removed and ``path`` is left as it was. ``str`` data is encoded with ``encoding`` (newlines
    are written as given); a character it cannot carry, such as the lone surrogate Python makes of
    a file name that is not UTF-8, is written as a backslash escape (``\\udcff``: inside a JSON
    string, the escape JSON itself uses), never a crash. Returns ``path``.
    """
    return write_atomic_chunks(path, (data,), encoding=encoding)


def write_atomic_chunks(
    path: Path | str, chunks: Iterable[bytes | str], *, encoding: str = "utf-8"
) -> Path:
    """``write_atomic`` of the concatenated ``chunks``, written as they come: a large report is
    never held whole in memory."""
    path = Path(path)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mode = DEFAULT_MODE
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            for data in chunks:
                fh.write(
                    data.encode(encoding, errors="backslashreplace")
                    if isinstance(data, str)
                    else bytes(data)
                )
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(path.parent)
    return path


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable where the platform allows it (POSIX); best effort."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
