"""The Python API: ``check(path, rules=None, ...) -> AuditResult``. Raises, never exits."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .cache import Cache, default_dir
from .checks.integrity import register_leftovers
from .discover import find_packages
from .engine import Job, crashed, register_key, run_job, shared_register, warm_up
from .errors import BatchError, UsageError
from .executor import EXECUTORS, fork_available, run, usable_cores
from .extract.documents import read_register
from .limits import applied
from .model import AuditResult, PackageResult
from .rulepack import RulePack, load_rulepack, with_trust
from .spool import SPOOL_AFTER, Spool, spool_allowed
from .verify import hashed_files, inventory

Progress = Callable[[PackageResult], None]


def parse_as_of(value: str | dt.date | dt.datetime | None, tz: dt.tzinfo) -> dt.datetime:
    """The audit's reference time: a date means the end of that day in the pack's time zone."""
    if value is None:
        return dt.datetime.now(tz)
    if isinstance(value, str):
        try:
            value = (
                dt.date.fromisoformat(value)
                if len(value.strip()) == 10
                else dt.datetime.fromisoformat(value)
            )
        except ValueError:
            raise UsageError("err.as_of", value=repr(value)) from None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=tz) if value.tzinfo is None else value.astimezone(tz)
    return dt.datetime.combine(value, dt.time.max, tzinfo=tz)


def check(
    path: str | Path,
    rules: str | Path | RulePack | None = None,
    *,
    jobs: int | None = None,
    lang: str | None = None,
    as_of: str | dt.date | dt.datetime | None = None,
    progress: Progress | None = None,
    on_start: Callable[[int], None] | None = None,
    cache: str | Path | bool | None = None,
    read_sheets: bool = True,
    executor: str = "local",
    scheduler: Any = None,
    keep_crops: bool = True,
    trust: Sequence[str | Path] = (),
    spool: bool | None = None,
) -> AuditResult:
    """Check every package of the batch at ``path`` against a rule pack.

    ``rules``: a pack name, a YAML path, a loaded RulePack, or None for the default pack.
    ``jobs``: worker processes (default: usable cores). ``lang``: 'id' or 'en' (default: the pack's).
    ``as_of``: reference time for deadlines not yet due (default: now).
    ``on_start(total)`` and ``progress(result)`` let a caller show progress.
    ``cache``: a folder for the extraction cache, None for the default (``sopcheck.cache.default_dir``),
    False for none. ``read_sheets``: OCR the approval sheets (needs Tesseract, checked first).
    ``executor``: 'local' (serial or a process pool of ``jobs`` workers) or 'dask' (the Dask
    cluster at ``scheduler``: an address such as 'tcp://host:8786', or a cluster object); on Dask
    the default cache is each worker's own ``default_dir()``, and ``cache=DIR`` names a folder as
    the workers see it. ``keep_crops``: keep the signature crops in the result (False keeps a large
    batch's result small when no HTML report is wanted).
    A worker that dies costs its package an error finding; Ctrl-C (KeyboardInterrupt) stops the
    workers and propagates.
    ``trust``: certificate files (PEM or DER) that digital signatures may chain to, added to the
    pack's ``trust_roots`` (digital signatures are validated when sheets are read).
    ``spool``: keep the package results in a temporary file, not in memory, so the memory of a run
    does not grow with the batch (``result.packages`` is then a read-only ``Spool`` sequence);
    None spools batches of more than ``sopcheck.spool.SPOOL_AFTER`` packages.
    Raises RulePackError, UsageError or BatchError (no package found is an error, never a pass).
    """
    pack = rules if isinstance(rules, RulePack) else load_rulepack(rules)
    pack = with_trust(pack, trust)
    lang = lang or pack.language
    if lang not in ("id", "en"):
        raise UsageError("err.lang", lang=repr(lang))
    root = Path(path).resolve()
    when = parse_as_of(as_of, pack.tz)
    started = dt.datetime.now(dt.UTC)
    found = find_packages(root)
    if not found.packages:
        raise BatchError("err.no_package", path=root, skipped=len(found.skipped))
    if read_sheets:  # checked once, before any package: a missing language pack is a clear error
        from .extract.ocr import check_tesseract

        check_tesseract(pack.ocr_languages)
    if executor not in EXECUTORS:
        raise UsageError(f"unknown executor {executor!r} (use {' or '.join(EXECUTORS)})")
    if executor == "dask" and scheduler is None:
        raise UsageError(
            "the dask executor needs a scheduler address (--scheduler tcp://HOST:8786)"
        )
    if cache is False:
        store = None
    elif cache in (None, True):  # on Dask: resolved by each worker, where the work happens
        store = Cache(None if executor == "dask" else default_dir())
    else:
        store = Cache(Path(cache))
    register = register_file = register_error = None
    if found.register is not None:
        register_file = found.register.name
        try:
            with applied(pack.limits):  # the pack's limits and --limit, as for the packages' files
                register = read_register(found.register)
        except (OSError, ValueError) as e:
            register = None  # REG-01 reports it as an error for every package, with the reason
            register_error = str(e) if isinstance(e, ValueError) else (e.strerror or str(e))
    job_rows, key = register, None
    if register is not None and executor == "local" and fork_available():
        job_rows, key = None, register_key(register)  # held once, inherited by forked workers
    job_list = [
        Job(root=str(found.base), pkg_dir=str(d), pack=pack, as_of=when, lang=lang, register=job_rows,
            register_key=key, register_file=register_file, register_error=register_error, cache=store,
            read_sheets=read_sheets, keep_crops=keep_crops)
        for d in found.packages
    ]  # fmt: skip
    if on_start:
        on_start(len(job_list))
    if spool is None:
        spool = len(job_list) > SPOOL_AFTER
    if spool and not spool_allowed(
        root
    ):  # the temporary folder is inside the batch: stay in memory
        spool = False
    results: list[PackageResult | None] | Spool = (
        Spool(len(job_list)) if spool else [None] * len(job_list)
    )
    known: list = [None] * len(job_list)  # each package's file records, for the inventory
    matched: set = set()  # register rows some package matched
    n_jobs = jobs or usable_cores()

    def broken(job: Job, reason: str) -> PackageResult:
        pkg_id = Path(job.pkg_dir).relative_to(found.base).as_posix()
        return crashed(pkg_id, pack, lang, reason, message_id="engine.worker_died")

    if executor == "local" and store is not None:
        warm_up(read_sheets)
    with shared_register(register) if key else contextlib.nullcontext():
        stream = run(run_job, job_list, jobs=n_jobs, on_broken=broken, executor=executor,
                     scheduler=scheduler)  # fmt: skip
        try:
            for i, res in stream:
                if isinstance(results, Spool):
                    results.put(i, res)
                else:
                    results[i] = res
                known[i] = hashed_files(res)
                if res.evidence and res.evidence.register_rows:
                    matched.update(tuple(r.items()) for r in res.evidence.register_rows)
                if progress:
                    progress(res)
        finally:  # an interrupt in the progress callback stops the workers now, not at exit
            if hasattr(stream, "close"):
                stream.close()
    if isinstance(results, Spool):
        packages: Sequence[PackageResult] = results.sealed()
    else:
        packages = tuple(r for r in results if r is not None)
    inputs = inventory(root, found, known)  # every file, for `sopcheck verify`
    unmatched = tuple(r for r in register or () if tuple(r.items()) not in matched)
    return AuditResult(
        batch=str(root),
        rulepack=pack.meta(),
        tool={"name": "sopcheck", "version": __version__},
        started=started,
        finished=dt.datetime.now(dt.UTC),
        as_of=when,
        lang=lang,
        packages=packages,
        inputs=inputs,
        skipped=tuple({"folder": f, "reason": r} for f, r in found.skipped),
        register_file=register_file,
        register_unmatched=unmatched,
        batch_findings=tuple(
            f for f in (register_leftovers(unmatched, register_file, pack, lang),) if f is not None
        ),
    )
