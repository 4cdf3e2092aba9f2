"""Serial, process-pool and Dask executors behind one interface: ``run(fn, items) -> iterator``.

Results come back in completion order with their index, so callers stream them and re-sort.
At most a few items are in flight at a time (``window``), so memory does not grow with the batch.

Failure modes of the pool are handled here, not by the caller:
- a worker that dies (SIGKILL, out of memory) breaks a ``ProcessPoolExecutor`` and fails every
  item in flight. Those items are retried in a fresh pool *one at a time*: an item that kills its
  worker again, alone, is the culprit and costs only itself ``on_broken``; the others run normally;
- Ctrl-C (``KeyboardInterrupt`` in the main process) terminates the workers and their children
  (Tesseract) and re-raises, so the caller writes no partial report. Workers ignore SIGINT, so a
  Ctrl-C on a terminal (sent to the whole process group) prints no traceback per worker.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")
OnBroken = Callable[[Any, str], Any]
"""``on_broken(item, reason) -> result`` for an item whose worker died or that could not run."""

EXECUTORS = ("local", "dask")
CONNECT_TIMEOUT = "20s"
"""How long to try reaching a Dask scheduler before giving up with a clear error."""
WORKER_DIED = "the worker process died while checking this package (killed, or out of memory)"


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run_serial(fn: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
    for i, item in enumerate(items):
        yield i, fn(item)


def _worker_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what an interrupt means


def fork_available() -> bool:
    """Local workers are forked (they inherit what the parent holds when the pool starts)."""
    return "fork" in multiprocessing.get_all_start_methods()


def _context():
    """fork where there is one: workers start in milliseconds with sopcheck already imported."""
    return multiprocessing.get_context("fork" if fork_available() else None)


def terminate_pool(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: cancel what is queued, kill the workers and their children (Tesseract)."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    victims = []
    try:
        import psutil

        for p in procs:
            with contextlib.suppress(psutil.Error):
                victims += psutil.Process(p.pid).children(recursive=True)
    except ImportError:  # pragma: no cover - psutil is a dependency
        pass
    for p in procs:
        with contextlib.suppress(OSError, AttributeError):
            p.kill()
    for v in victims:
        with contextlib.suppress(Exception):
            v.kill()
    for p in procs:
        with contextlib.suppress(Exception):
            p.join(timeout=5)


def run_pool(
    fn: Callable[[T], R],
    items: Sequence[T],
    jobs: int,
    on_broken: OnBroken,
    window: int | None = None,
) -> Iterator[tuple[int, R]]:
    """Run in ``jobs`` worker processes, at most ``window`` items in flight (default ``2 * jobs``)."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # Tesseract threads fight on few cores
    window = window or 2 * jobs
    pending = deque(range(len(items)))
    suspects: deque[int] = deque()  # in flight when a pool broke: retried alone
    while pending or suspects:
        pool = ProcessPoolExecutor(
            max_workers=jobs, mp_context=_context(), initializer=_worker_init
        )
        inflight: dict[Future, int] = {}
        try:
            broken = False
            while not broken and (pending or suspects or inflight):
                if suspects:
                    if not inflight:
                        i = suspects.popleft()
                        inflight[pool.submit(fn, items[i])] = i
                else:
                    while pending and len(inflight) < window:
                        i = pending.popleft()
                        inflight[pool.submit(fn, items[i])] = i
                alone = len(inflight) == 1  # a break now can only be this item's doing
                done, _ = wait(inflight, return_when=FIRST_COMPLETED)
                if any(isinstance(f.exception(), BrokenProcessPool) for f in done):
                    broken = True
                    done, _ = wait(inflight)  # the pool fails every item in flight at once
                for fut in sorted(done, key=inflight.__getitem__):
                    i = inflight.pop(fut)
                    err = fut.exception()
                    if err is None:
                        yield i, fut.result()
                    elif not isinstance(err, BrokenProcessPool):
                        yield i, on_broken(items[i], f"{type(err).__name__}: {err}")
                    elif alone:  # died again with nothing else running: this item kills workers
                        yield i, on_broken(items[i], WORKER_DIED)
                    else:
                        suspects.append(i)
        except BaseException:  # KeyboardInterrupt, or the consumer stopped: no orphan workers
            terminate_pool(pool)
            raise
        if broken:
            terminate_pool(pool)
            suspects = deque(sorted(suspects))
        else:
            pool.shutdown(wait=True)


def run_dask(
    fn: Callable[[T], R],
    items: Sequence[T],
    scheduler: Any,
    on_broken: OnBroken,
    window: int | None = None,
) -> Iterator[tuple[int, R]]:
    """Run on a Dask cluster (``scheduler``: its address, or a cluster object such as LocalCluster).

    A task whose workers keep dying ends as ``KilledWorker`` after Dask's own retries
    (``distributed.scheduler.allowed-failures``): that item gets ``on_broken``, the batch goes on.
    """
    from .errors import UsageError

    try:
        from distributed import Client, as_completed
    except ImportError:
        raise UsageError(
            "--executor dask needs the 'distributed' package: pip install 'sopcheck[dask]'"
        ) from None
    try:
        client = Client(scheduler, set_as_default=False, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as e:
        raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {e}") from None
    with client:
        window = window or 2 * max(1, sum(client.nthreads().values()))
        todo = iter(range(len(items)))
        live: dict[Any, tuple[Any, int]] = {}  # key -> (future, index)
        queue = as_completed(loop=client.loop)

        def submit(i: int) -> None:
            fut = client.submit(fn, items[i], pure=False)
            live[fut.key] = (fut, i)
            queue.add(fut)

        for _, i in zip(range(window), todo, strict=False):  # range first: zip takes nothing extra
            submit(i)
        try:
            for fut in queue:
                i = live.pop(fut.key)[1]
                try:
                    res = fut.result()
                except Exception as e:  # KilledWorker, or the task could not run at all
                    died = type(e).__name__ == "KilledWorker"
                    res = on_broken(items[i], WORKER_DIED if died else f"{type(e).__name__}: {e}")
                fut.release()
                yield i, res
                nxt = next(todo, None)
                if nxt is not None:
                    submit(nxt)
        finally:
            queue.clear()
            if live:  # interrupted: nothing of ours keeps running on the cluster
                with contextlib.suppress(Exception):
                    client.cancel([f for f, _ in live.values()], force=True)


def run(
    fn: Callable[[T], R],
    items: Sequence[T],
    *,
    jobs: int,
    on_broken: OnBroken,
    executor: str = "local",
    scheduler: Any = None,
) -> Iterator[tuple[int, R]]:
    """``local``: serial when ``jobs`` is 1 or there is one item, else a process pool; ``dask``:
    the cluster at ``scheduler``."""
    if executor == "dask":
        return run_dask(fn, items, scheduler, on_broken)
    if executor != "local":
        raise ValueError(f"unknown executor {executor!r} (use {' or '.join(EXECUTORS)})")
    if jobs <= 1 or len(items) <= 1:
        return run_serial(fn, items)
    return run_pool(fn, items, min(jobs, len(items)), on_broken)
