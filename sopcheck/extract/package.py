"""Gather the evidence of one package: photos, caption, narrative, activity dates, approval files."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from ..dates import find_date
from ..model import Dated, Package, PackageEvidence, PhotoInfo
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


def gather(
    pkg: Package,
    tz: dt.tzinfo,
    register: list[dict[str, str]] | None = None,
    register_file: str | None = None,
) -> PackageEvidence:
    """All evidence for one package; unreadable files become errors inside the evidence."""
    root = Path(pkg.path)
    photos = tuple(
        PhotoInfo(file=f.path, capture_time=None, source_tag=None, source=None, error=f.error)
        if f.error
        else read_photo(root / f.path, f.path, tz)
        for f in pkg.files_of("photo")
    )
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
        problem, is_signed = open_approval(root / f.path)
        if problem:
            problems.append((f.path, problem))
        if is_signed:
            signed.append(f.path)
    rows = match_register(register, pkg.id, pkg.title) if register is not None else None
    return PackageEvidence(
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
    )
