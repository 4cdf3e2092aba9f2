"""Read one approval sheet file: sopcheck's own sheet (QR code) first, then a PDF's text layer, then
free-form OCR. Never raises: a failure becomes ``SheetReading(error=...)``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..model import SheetReading


def _read_own(pages, pack):
    """helper B's reader of sopcheck's own sheet, or None when the module is not there."""
    try:
        from .own_sheet import read_own
    except ImportError:
        return None
    return read_own(pages, pack)


def read_sheet(path: Path, rel: str, pack) -> SheetReading:
    """The approval sheet at ``path`` (``rel``: its path relative to the package) as read."""
    from .pages import load_pages
    from .sheet import read_free_form, read_text_pdf

    try:
        pages = load_pages(Path(path))
        if not pages:
            return SheetReading(file=rel, kind="free-form", error="no page found")
        notes: list[str] = []
        try:
            own = _read_own(pages, pack)
        except Exception as e:  # a broken own-sheet reading still lets the free-form reader try
            own = None
            notes.append(f"own-sheet reader failed: {type(e).__name__}: {e}")
        if own is not None:
            return replace(own, file=rel, pages=own.pages or len(pages))
        if all(p.text_layer for p in pages):
            reading = read_text_pdf(pages, pack, file=rel)
        else:
            reading = read_free_form(pages, pack, file=rel)
        if notes:
            reading = replace(reading, notes=(*reading.notes, *notes))
        return reading
    except Exception as e:
        return SheetReading(file=rel, kind="free-form", error=f"{type(e).__name__}: {e}")
