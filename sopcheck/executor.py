"""Serial and process-pool executors behind one interface: ``run(jobs) -> iterator of results``.

Results come back in completion order with their index, so callers can stream and re-sort.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run_serial(fn: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
    for i, item in enumerate(items):
        yield i, fn(item)


def run_pool(
    fn: Callable[[T], R], items: Sequence[T], jobs: int, on_broken: Callable[[T, str], R]
) -> Iterator[tuple[int, R]]:
    """Run in ``jobs`` worker processes; a worker that dies costs its item ``on_broken``, not the batch."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # Tesseract threads fight on few cores
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(fn, item): i for i, item in enumerate(items)}
        for fut in as_completed(futures):
            i = futures[fut]
            try:
                yield i, fut.result()
            except BrokenProcessPool as e:
                yield i, on_broken(items[i], f"worker process died: {e}")


def run(fn, items, *, jobs: int, on_broken) -> Iterator[tuple[int, R]]:
    """Serial when ``jobs`` is 1 or there is one item, else a process pool."""
    if jobs <= 1 or len(items) <= 1:
        return run_serial(fn, items)
    return run_pool(fn, items, min(jobs, len(items)), on_broken)
