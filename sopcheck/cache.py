"""Content-addressed cache of extraction results, in SQLite under the user's cache folder.

Key: the file's SHA-256 + the extractor's fingerprint (a hash of the extractor's source code, so a
code change never serves stale results) + the parameters that change its output (OCR languages,
the pack's role labels). Values are pickled dataclasses. Several processes may write at once
(WAL, busy timeout); a corrupt cache file is moved aside and rebuilt, never a crash.

It also remembers file digests by where and when the file was last changed (path, device, inode,
size, mtime_ns, ctime_ns): a warm rerun of a large batch need not read gigabytes of photos again
just to learn their SHA-256. Any change to the file changes its size or times and the digest is
computed again. One SQLite connection per process and thread, opened on first use.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sqlite3
import threading
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS digests (key TEXT PRIMARY KEY, sha256 TEXT NOT NULL)",
)
BUSY_SECONDS = 30.0
"""How long opening the cache waits for another process's lock before the run goes on without it."""
_CORRUPT = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}


def _corrupt(e: sqlite3.Error) -> bool:
    """The database file is damaged (not merely locked by another process, or read-only)."""
    name = getattr(e, "sqlite_errorname", "") or ""
    if name:
        return name in _CORRUPT
    text = str(e).lower()
    return "not a database" in text or "malformed" in text


_CONNS: dict[tuple[int, int, str], sqlite3.Connection] = {}
"""Open connections by (process, thread, database path): a forked worker never reuses its parent's."""


def default_dir() -> Path:
    """$SOPCHECK_CACHE_DIR, else $XDG_CACHE_HOME/sopcheck, else ~/.cache/sopcheck."""
    if os.environ.get("SOPCHECK_CACHE_DIR"):
        return Path(os.environ["SOPCHECK_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "sopcheck"


EXTRACTION_CODE = ("sopcheck.extract", "sopcheck.dates", "sopcheck.template")
"""Where the code that shapes an extraction result lives (followed by ``import_closure``)."""


def _imports(name: str) -> set[str]:
    """The sopcheck modules that module ``name`` imports anywhere in its source (also inside
    functions), read from its syntax tree without importing it."""
    import ast
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is None or not spec.origin:
        return set()
    tree = ast.parse(Path(spec.origin).read_bytes())
    pkg = name if spec.submodule_search_locations else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("sopcheck."))
        elif isinstance(node, ast.ImportFrom):
            parts = pkg.split(".")
            base = ".".join(parts[: len(parts) - node.level + 1]) if node.level else ""
            mod = ".".join(x for x in (base, node.module or "") if x)
            if not mod.startswith("sopcheck"):
                continue
            for a in node.names:  # 'from . import ocr' names a module, 'from .ocr import Word' not
                sub = f"{mod}.{a.name}"
                is_module = _is_package(mod) and importlib.util.find_spec(sub) is not None
                out.add(sub if is_module else mod)
    return out


def _is_package(name: str) -> bool:
    import importlib.util

    spec = importlib.util.find_spec(name)
    return bool(spec and spec.submodule_search_locations)


def import_closure(*roots: str, within: tuple[str, ...] = EXTRACTION_CODE) -> tuple[str, ...]:
    """``roots`` and every module they import, directly or not, among the modules ``within``
    (prefixes): the code whose change must invalidate their cached results. Sorted."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += [m for m in _imports(name) if m == name or m.startswith(within)]
    return tuple(sorted(seen))


@cache
def fingerprint(*modules: str) -> str:
    """A hash of the source files of the named modules (e.g. 'sopcheck.extract.sheet')."""
    import importlib

    h = hashlib.sha256()
    for name in sorted(modules):
        mod = importlib.import_module(name)
        h.update(name.encode())
        h.update(Path(mod.__file__).read_bytes())
    return h.hexdigest()[:16]


class Cache:
    """A key-value store of pickled results; picklable itself (it holds only the folder).

    ``folder=None``: ``default_dir()`` as the process that uses the cache sees it. On a Dask
    cluster that is each worker's own cache folder.
    """

    def __init__(self, folder: str | Path | None):
        self._folder = None if folder is None else Path(folder)

    @property
    def folder(self) -> Path:
        return self._folder if self._folder is not None else default_dir()

    @property
    def path(self) -> Path:
        return self.folder / "cache.sqlite3"

    def __getstate__(self) -> dict[str, Any]:
        return {"folder": self._folder}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._folder = state["folder"]

    def __repr__(self) -> str:
        return f"Cache({str(self._folder) if self._folder else None!r})"

    def _open(self) -> sqlite3.Connection:
        path = self.path
        slot = (os.getpid(), threading.get_ident(), str(path))
        conn = _CONNS.get(slot)
        if conn is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                conn = self._connect_waiting(path)
            except sqlite3.DatabaseError as e:
                if not _corrupt(e):
                    raise  # busy or unwritable: the callers recompute, the cache stays as it is
                path.replace(path.with_suffix(".corrupt"))  # corrupt: move aside, start again
                conn = self._connect_waiting(path)
            _CONNS[slot] = conn
        return conn

    @classmethod
    def _connect_waiting(cls, path: Path) -> sqlite3.Connection:
        """``_connect``, tried again while another process holds the lock. Setting up a new cache
        (WAL mode, the tables) can fail with SQLITE_BUSY at once, without SQLite's busy timeout,
        when several workers open it at the same moment."""
        deadline = time.monotonic() + BUSY_SECONDS
        delay = 0.01
        while True:
            try:
                return cls._connect(path)
            except sqlite3.OperationalError as e:
                if _corrupt(e) or time.monotonic() + delay > deadline:
                    raise
                time.sleep(delay)
                delay = min(0.5, delay * 2)

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # a lost last entry only costs time
            for stmt in _SCHEMA:
                conn.execute(stmt)
            conn.execute("SELECT 1 FROM entries LIMIT 1").fetchone()
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def close(self) -> None:
        """Close this process's and thread's connection (it is reopened on next use)."""
        slot = (os.getpid(), threading.get_ident(), str(self.path))
        conn = _CONNS.pop(slot, None)
        if conn is not None:
            conn.close()

    @staticmethod
    def key(sha256: str, extractor: str, **params: Any) -> str:
        extra = "&".join(f"{k}={params[k]}" for k in sorted(params))
        return f"{sha256}:{extractor}:{hashlib.sha256(extra.encode()).hexdigest()[:16]}"

    def get(self, key: str) -> Any | None:
        try:
            row = self._open().execute("SELECT value FROM entries WHERE key = ?", (key,)).fetchone()
            return pickle.loads(row[0]) if row else None
        except (
            sqlite3.Error,
            pickle.PickleError,
            EOFError,
            AttributeError,
            ImportError,
            TypeError,
        ):
            return None  # unreadable entry or cache: recompute

    def put(self, key: str, value: Any) -> None:
        try:
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            self._open().execute(
                "INSERT OR REPLACE INTO entries (key, value) VALUES (?, ?)", (key, data)
            )
        except sqlite3.Error:
            pass  # a cache that cannot be written only costs time

    def file_sha256(self, path: Path, st: os.stat_result, compute: Callable[[], str]) -> str:
        """The SHA-256 of the file at ``path`` (``st``: its stat), remembered by where and when it
        last changed; ``compute()`` reads the file when the digest is not known."""
        # the name as bytes: a name that is not UTF-8 must not break the key
        name = os.fsencode(os.path.abspath(path)).decode("utf-8", "backslashreplace")
        key = f"{name}\0{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"
        try:
            row = (
                self._open().execute("SELECT sha256 FROM digests WHERE key = ?", (key,)).fetchone()
            )
        except sqlite3.Error:
            row = None
        if row:
            return row[0]
        digest = compute()
        with contextlib.suppress(sqlite3.Error):
            self._open().execute(
                "INSERT OR REPLACE INTO digests (key, sha256) VALUES (?, ?)", (key, digest)
            )
        return digest

    def info(self) -> dict[str, Any]:
        n = self._open().execute("SELECT count(*) FROM entries").fetchone()[0]
        size = sum(p.stat().st_size for p in self.folder.glob("cache.sqlite3*") if p.exists())
        return {"path": str(self.path), "entries": n, "bytes": size}

    def clear(self) -> None:
        self._open().execute("DELETE FROM entries")
        self._open().execute("DELETE FROM digests")
        self._open().execute("VACUUM")
