"""Gather the evidence of one package: photos, caption, narrative, activity dates, approval files."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace
from functools import partial
from pathlib import Path

from ..cache import Cache, fingerprint, import_closure
from ..dates import find_date
from ..model import Dated, FileRecord, Package, PackageEvidence, PhotoInfo, SheetReading
from ..template import evidence_content_hash
from .documents import match_register, open_approval
from .photos import read_photo
from .text import read_caption, read_narrative

_NARRATIVE_ORDER = {".txt": 0, ".md": 1, ".docx": 2, ".pdf": 3}


def _first(pkg: Package, kind: str, order: dict[str, int] | None = None):
    files = [f for f in pkg.files_of(kind) if f.error is None]
    if order:
        files.sort(
            key=lambda f: (f.path.count("/"), order.get(Path(f.path).suffix.lower(), 9), f.path)
        )
    return files[0] if files else None


def _activity_start(pkg: Package, narrative, photos: tuple[PhotoInfo, ...]) -> Dated | None:
    if pkg.activity_start:
        return pkg.activity_start
    if narrative and narrative.text:
        found = find_date(narrative.text)
        if found:
            d, raw = found
            return Dated(
                value=d,
                source="narrative",
                file=narrative.file,
                tag=f"dateline {raw!r}",
                inferred=True,
            )
    days = Counter(p.capture_time.date() for p in photos if p.capture_time and not p.weak)
    if days:
        ((d, n),) = days.most_common(1)
        return Dated(
            value=d, source="photos", tag=f"most common capture date ({n} photos)", inferred=True
        )
    return None


PHOTO_MODULES = import_closure("sopcheck.extract.photos")
"""The code behind a photo's reading (its fingerprint keys the cached results)."""
SHEET_MODULES = import_closure("sopcheck.extract.sheets")
"""The code behind an approval sheet's reading: every extraction module the reader imports, found
from the sources, so a new module (e.g. perspective correction) can never serve stale results."""


def _cached(
    cache: Cache | None, f: FileRecord, modules: tuple[str, ...], compute, keep=None, **params
):
    """``compute()``, or its cached result for this file content, extractor code and parameters.

    ``keep(value)`` says whether a fresh result is stored (default: always).
    """
    if cache is None or not f.sha256:
        return compute()
    key = Cache.key(f.sha256, fingerprint(*modules), **params)
    hit = cache.get(key)
    if hit is not None:
        return hit
    value = compute()
    if keep is None or keep(value):
        cache.put(key, value)
    return value


def _photo(root: Path, f: FileRecord, tz: dt.tzinfo, cache: Cache | None) -> PhotoInfo:
    if f.error:
        return PhotoInfo(
            file=f.path, capture_time=None, source_tag=None, source=None, error=f.error
        )
    # the file name is part of the key: a photo without EXIF may take its date from its name
    info = _cached(
        cache,
        f,
        PHOTO_MODULES,
        lambda: read_photo(root / f.path, f.path, tz),
        tz=str(tz),
        name=f.path,
    )
    return (
        info if info.file == f.path else replace(info, file=f.path)
    )  # same bytes under another name


def _sheet(root: Path, f: FileRecord, pack, cache: Cache | None) -> SheetReading:
    """One approval sheet read (OCR, ink, QR); a reading that failed is not cached, so it is retried."""
    from .sheets import read_sheet

    labels = [(r.id, r.aliases) for r in pack.roles]
    reading = _cached(
        cache, f, SHEET_MODULES, lambda: read_sheet(root / f.path, f.path, pack),
        keep=lambda r: r.error is None, langs=pack.ocr_languages, roles=labels, office=pack.office, pack=pack.id,
    )  # fmt: skip
    return reading if reading.file == f.path else replace(reading, file=f.path)


ESIGN_MODULES = import_closure("sopcheck.extract.esign")
"""The code behind a file's e-signature reading."""
DOCUMENT_MODULES = import_closure("sopcheck.extract.documents")
"""The code behind opening an approval file."""


def _esign(root: Path, f: FileRecord, pack, cache: Cache | None):
    """One approval file's e-signatures validated against the pack's trust roots (with --trust).

    The key holds the trust roots' hashes, the roles and today's date (validation is at "now": a
    certificate that expires tomorrow is judged again tomorrow)."""
    import hashlib

    from .esign import load_cert, read_esign

    roots = tuple(getattr(pack, "trust_roots", ()))
    labels = [(r.id, r.aliases) for r in pack.roles]
    reading = _cached(
        cache, f, ESIGN_MODULES,
        lambda: read_esign(root / f.path, f.path, tuple(load_cert(d) for d in roots), pack),
        keep=lambda r: r.error is None, roles=labels, day=dt.datetime.now(dt.UTC).date(),
        roots=sorted(hashlib.sha256(d).hexdigest() for d in roots),
    )  # fmt: skip
    return reading if reading.file == f.path else replace(reading, file=f.path)


def gather(
    pkg: Package,
    tz: dt.tzinfo,
    register: list[dict[str, str]] | None = None,
    register_file: str | None = None,
    *,
    pack=None,
    cache: Cache | None = None,
    read_sheets: bool = True,
) -> PackageEvidence:
    """All evidence for one package; unreadable files become errors inside the evidence.

    With ``pack`` given, the digital signatures of approval PDFs are validated and, unless
    ``read_sheets`` is False, approval sheets are read (OCR, ink, QR); without, they are only opened.
    ``cache``: where extraction results are kept by content (None: no cache).
    """
    root = Path(pkg.path)
    photos = tuple(_photo(root, f, tz, cache) for f in pkg.files_of("photo"))
    cap = _first(pkg, "caption")
    caption = read_caption(root / cap.path if cap else None, cap.path if cap else None, pkg.caption)
    nar = _first(pkg, "narrative", _NARRATIVE_ORDER)
    narrative = read_narrative(
        root / nar.path if nar else None, nar.path if nar else None, pkg.narrative
    )
    start = _activity_start(pkg, narrative, photos)
    end = pkg.activity_end
    if end is None and start is not None:
        end = Dated(
            value=start.day, source=start.source, file=start.file, tag=start.tag, inferred=True
        )

    approvals, problems, signed = [], [], []
    for f in pkg.files_of("approval"):
        approvals.append(f.path)
        if f.error:
            problems.append((f.path, f.error))
            continue
        # cached like the readings, so a warm rerun does not decode the scan again just to open it
        problem, is_signed = _cached(
            cache, f, DOCUMENT_MODULES, partial(open_approval, root / f.path)
        )
        if problem:
            problems.append((f.path, problem))
        if is_signed:
            signed.append(f.path)
    day = start.day if start is not None else None
    rows = match_register(register, pkg.id, pkg.title, day) if register is not None else None
    sheets: tuple[SheetReading, ...] = ()
    esign = ()
    if pack is not None:
        bad = dict(problems)
        if read_sheets:
            sheets = tuple(
                _sheet(root, f, pack, cache) for f in pkg.files_of("approval") if f.path not in bad
            )
        esign = tuple(
            _esign(root, f, pack, cache) for f in pkg.files_of("approval") if f.path not in bad
        )
    evidence = PackageEvidence(
        package=pkg,
        photos=photos,
        videos=tuple(f.path for f in pkg.files_of("video")),
        caption=caption,
        narrative=narrative,
        activity_start=start,
        activity_end=end,
        approval_files=tuple(approvals),
        approval_problems=tuple(problems),
        signed_pdfs=tuple(signed),
        register_rows=rows,
        register_file=register_file,
        sheets=sheets,
        esign=esign,
        signatures=tuple(s for e in esign for s in e.signatures),
    )
    return replace(evidence, content_hash=evidence_content_hash(evidence))
