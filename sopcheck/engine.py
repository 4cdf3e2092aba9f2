"""Per package: gather the evidence, run every rule of the pack, isolate failures.

Everything here is picklable and pure per package, so it runs the same in a worker process.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import functools
import os
from dataclasses import dataclass, replace
from pathlib import Path

from .cache import Cache
from .checks import CHECKS, Outcome, RuleContext
from .discover import load_package, sha256_file
from .extract.package import gather
from .i18n import render
from .limits import applied
from .model import Finding, PackageEvidence, PackageResult, Status
from .rulepack import RulePack


@dataclass(frozen=True, kw_only=True)
class Job:
    """One package to check: what crosses to a worker."""

    root: str
    pkg_dir: str
    pack: RulePack
    as_of: dt.datetime
    lang: str
    register: list[dict[str, str]] | None
    register_file: str | None
    register_error: str | None = None
    """Why the register could not be read, when it could not (shown in REG-01's evidence)."""
    register_key: str | None = None
    """The register held once in the process (``shared_register``) instead of in ``register``:
    forked workers inherit it, so a register of thousands of rows is not pickled into every job
    (5,000 rows: about 1 MB and 5 ms per job, as much as a warm package's whole check)."""
    cache: Cache | None = None
    """Where extraction results are kept by content; None: no cache."""
    read_sheets: bool = True
    """Read approval sheets (OCR); False only opens them."""
    keep_crops: bool = True
    """Keep the signature crops (PNG bytes) in the result; False keeps results small when no
    report shows them (only the HTML report and notebooks do)."""


_SHARED_REGISTERS: dict[str, list[dict[str, str]]] = {}


def register_key(rows: list[dict[str, str]]) -> str:
    """The key jobs name ``rows`` by while ``shared_register(rows)`` holds them."""
    return f"{os.getpid()}:{id(rows)}"


@contextlib.contextmanager
def shared_register(rows: list[dict[str, str]]):
    """Hold ``rows`` in this process for the jobs that name them by ``register_key(rows)``
    (``Job.register_key``); only for jobs run here or in workers forked while it is held."""
    key = register_key(rows)
    _SHARED_REGISTERS[key] = rows
    try:
        yield key
    finally:
        _SHARED_REGISTERS.pop(key, None)


def _register_of(job: Job) -> list[dict[str, str]] | None:
    if job.register is not None or job.register_key is None:
        return job.register
    rows = _SHARED_REGISTERS.get(job.register_key)
    if rows is None:
        raise RuntimeError("the register was not shared with this worker process")
    return rows


def evaluate(
    evidence: PackageEvidence, pack: RulePack, as_of: dt.datetime, lang: str
) -> PackageResult:
    """One finding per rule of the pack, in the pack's order; a crashing rule is an error finding."""
    tz = pack.tz
    roles = tuple(r.id for r in pack.roles)
    role_names = {r.id: r.name.get(lang) or r.id for r in pack.roles}
    findings = []
    for rule in pack.rules:
        ctx = RuleContext(evidence=evidence, params=rule.params, tz=tz, as_of=as_of, roles=roles)
        try:
            out = CHECKS[rule.check].fn(ctx)
        except Exception as e:  # a failure is data: the batch goes on
            out = Outcome(
                status=Status.ERROR,
                message_id="engine.crash",
                params={"error": f"{type(e).__name__}: {e}"},
            )
        findings.append(
            Finding(
                rule=rule.id,
                status=out.status,
                severity=out.severity or rule.severity,
                message=render(out.message_id, out.params, lang, role_names),
                message_id=out.message_id,
                params=dict(out.params),
                evidence=out.evidence,
            )
        )
    return PackageResult(
        id=evidence.package.id,
        status=Status.worst(f.status for f in findings),
        findings=tuple(findings),
        evidence=evidence,
    )


def crashed(
    pkg_id: str, pack: RulePack, lang: str, error: str, message_id: str = "engine.crash"
) -> PackageResult:
    """A package whose evidence could not be gathered at all: every rule is an error.

    ``message_id``: 'engine.crash' (a bug) or 'engine.worker_died' (the worker process died)."""
    findings = tuple(
        Finding(
            rule=r.id,
            status=Status.ERROR,
            severity=r.severity,
            message=render(message_id, {"error": error}, lang),
            message_id=message_id,
            params={"error": error},
        )
        for r in pack.rules
    )
    return PackageResult(id=pkg_id, status=Status.ERROR, findings=findings)


def warm_up(read_sheets: bool = True) -> None:
    """Import the extractors and hash their code once, in the parent: forked workers inherit both,
    instead of each paying for the imports (numpy, pypdfium2, zxing...) on its first package."""
    from .cache import fingerprint
    from .extract.package import DOCUMENT_MODULES, ESIGN_MODULES, PHOTO_MODULES, SHEET_MODULES

    fingerprint(*PHOTO_MODULES)
    fingerprint(*DOCUMENT_MODULES)
    if read_sheets:
        fingerprint(*SHEET_MODULES)
        fingerprint(*ESIGN_MODULES)
        from .extract import ocr

        ocr._pt()  # pytesseract (without the pandas it would pull in)


def without_crops(evidence: PackageEvidence) -> PackageEvidence:
    """The evidence with the signature crops (the only heavy part of a result) left out."""
    if not any(r.signature_crop for s in evidence.sheets for r in s.roles):
        return evidence
    sheets = tuple(
        replace(s, roles=tuple(replace(r, signature_crop=None) for r in s.roles))
        for s in evidence.sheets
    )
    return replace(evidence, sheets=sheets)


@functools.cache
def _malloc_trim():
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def release_memory() -> None:
    """Hand the heap memory freed after a package back to the system. glibc keeps freed blocks of
    a size that recurs (a page image is 10-30 MB) in the process, so without this a worker stays
    at the high-water mark of its largest package for the rest of the batch."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def run_job(job: Job) -> PackageResult:
    """Discover, extract and evaluate one package; never raises for the package's content."""
    try:
        return _run_job(job)
    finally:
        release_memory()


def _run_job(job: Job) -> PackageResult:
    root, pkg_dir = Path(job.root), Path(job.pkg_dir)
    pkg_id = pkg_dir.relative_to(root).as_posix()
    digest = None
    if job.cache is not None:  # remembered digests: a warm rerun reads no photo again
        store = job.cache

        def digest(path, st):
            return store.file_sha256(path, st, lambda: sha256_file(path)[1])

    try:
        roles = tuple(r.id for r in job.pack.roles)
        with applied(job.pack.limits):  # the readers of this package see the pack's limits
            pkg = load_package(root, pkg_dir, job.pack.tz, roles, job.pack.limits, digest)
            evidence = gather(pkg, job.pack.tz, _register_of(job), job.register_file,
                              pack=job.pack, read_sheets=job.read_sheets, cache=job.cache)  # fmt: skip
            if job.register_error:
                evidence = replace(evidence, register_error=job.register_error)
    except Exception as e:
        return crashed(pkg_id, job.pack, job.lang, f"{type(e).__name__}: {e}")
    if not job.keep_crops:
        evidence = without_crops(evidence)
    return evaluate(evidence, job.pack, job.as_of, job.lang)
