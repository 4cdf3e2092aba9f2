"""Package results kept on disk instead of in memory, for large batches.

A result is about 50 KB of Python objects in memory (its findings, evidence and file records) and
about 13 KB pickled. A batch of 10,000 packages would hold half a gigabyte in the main process
while the workers still run; spooled, the main process holds two integers per package.

``Spool`` is a read-only sequence of PackageResult in the batch's order, filled as results arrive
(in any order), read back one at a time by the report writers. The file is an anonymous temporary
file in the system's temporary folder (never in the batch folder), removed when the spool is
closed or collected.
"""

from __future__ import annotations

import pickle
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import overload

from .model import PackageResult

SPOOL_AFTER = 200
"""``check(spool=None)`` spools batches of more packages than this; smaller ones stay in memory."""


class Spool(Sequence[PackageResult]):
    """Package results in slots ``0..n-1``, pickled into one temporary file."""

    def __init__(self, n: int) -> None:
        self._file = tempfile.TemporaryFile(prefix="sopcheck-spool-")  # noqa: SIM115 (kept open)
        self._slots: list[tuple[int, int] | None] = [None] * n
        self._end = 0
        self._count = 0
        self._dense = False
        self._lock = threading.Lock()

    def put(self, i: int, result: PackageResult) -> None:
        """Keep ``result`` as the ``i``-th package (a slot filled twice keeps the last one)."""
        data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            self._file.seek(self._end)
            self._file.write(data)
            if self._slots[i] is None:
                self._count += 1
            self._slots[i] = (self._end, len(data))
            self._end += len(data)

    def sealed(self) -> Spool:
        """The spool with its empty slots (packages that gave no result) dropped."""
        with self._lock:
            self._slots = [s for s in self._slots if s is not None]
            self._dense = True
        return self

    def _load(self, slot: tuple[int, int]) -> PackageResult:
        start, size = slot
        with self._lock:
            self._file.seek(start)
            data = self._file.read(size)
        return pickle.loads(data)

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, i: int) -> PackageResult: ...
    @overload
    def __getitem__(self, i: slice) -> list[PackageResult]: ...
    def __getitem__(self, i):
        filled = self._slots if self._dense else [s for s in self._slots if s is not None]
        if isinstance(i, slice):
            return [self._load(s) for s in filled[i]]
        return self._load(filled[i])

    def __iter__(self) -> Iterator[PackageResult]:
        for slot in list(self._slots):
            if slot is not None:
                yield self._load(slot)

    def __bool__(self) -> bool:
        return self._count > 0

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<Spool of {len(self)} package results>"

    def close(self) -> None:
        """Remove the file; the spool is empty afterwards."""
        with self._lock:
            self._slots = []
            self._count = 0
            self._file.close()

    def __reduce__(self):
        """Pickled (e.g. sent to another process), a spool becomes the tuple of its results."""
        return tuple, (list(self),)


def spool_allowed(batch_root: Path) -> bool:
    """The system's temporary folder is outside the batch (sopcheck never writes into a batch)."""
    tmp = Path(tempfile.gettempdir()).resolve()
    root = Path(batch_root).resolve()
    return tmp != root and root not in tmp.parents
