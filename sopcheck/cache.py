"""Content-addressed cache of extraction results, in SQLite under the user's cache folder.

Key: the file's SHA-256 + the extractor's fingerprint (a hash of the extractor's source code, so a
code change never serves stale results) + the parameters that change its output (OCR languages,
the pack's role labels). Values are pickled dataclasses. Several processes may write at once
(WAL, busy timeout); a corrupt cache file is moved aside and rebuilt, never a crash.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
from functools import cache
from pathlib import Path
from typing import Any

_SCHEMA = "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value BLOB NOT NULL)"


def default_dir() -> Path:
    """$SOPCHECK_CACHE_DIR, else $XDG_CACHE_HOME/sopcheck, else ~/.cache/sopcheck."""
    if os.environ.get("SOPCHECK_CACHE_DIR"):
        return Path(os.environ["SOPCHECK_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "sopcheck"


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
    """A key-value store of pickled results; picklable itself (it holds only the folder)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._conn: sqlite3.Connection | None = None

    @property
    def path(self) -> Path:
        return self.folder / "cache.sqlite3"

    def __getstate__(self) -> dict[str, Any]:
        return {"folder": self.folder}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.folder, self._conn = state["folder"], None

    def _open(self) -> sqlite3.Connection:
        if self._conn is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            try:
                self._conn = self._connect()
            except sqlite3.DatabaseError:  # corrupt: move aside, start again
                self.path.replace(self.path.with_suffix(".corrupt"))
                self._conn = self._connect()
        return self._conn

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(_SCHEMA)
        conn.execute("SELECT count(*) FROM entries LIMIT 1").fetchone()
        return conn

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

    def info(self) -> dict[str, Any]:
        n = self._open().execute("SELECT count(*) FROM entries").fetchone()[0]
        size = sum(p.stat().st_size for p in self.folder.glob("cache.sqlite3*") if p.exists())
        return {"path": str(self.path), "entries": n, "bytes": size}

    def clear(self) -> None:
        self._open().execute("DELETE FROM entries")
        self._open().execute("VACUUM")
