"""Read one approval sheet file: sopcheck's own sheet (QR code) first, then a PDF's text layer, then
free-form OCR. Never raises: a failure becomes ``SheetReading(error=...)``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from ..model import SheetReading


def _read_own(pages, pack, colours=None):
    """The reader of sopcheck's own sheet, or None when the module is not there."""
    try:
        from .own_sheet import read_own
    except ImportError:
        return None
    return read_own(pages, pack, colours=colours)


def colour_pages(path: Path, pages) -> list:
    """The pages in colour (RGB), brought to the same geometry as the prepared grey pages (working
    resolution, turn, deskew), or None per page where the source has no colour or the geometry
    does not match. Colour only helps to tell a pen's ink from a stamp's; nothing depends on it."""
    from PIL import Image

    from . import pages as P

    out: list = [None] * len(pages)
    try:
        if path.suffix.lower() in P.PDF_SUFFIXES or path.read_bytes()[:5] == b"%PDF-":
            frames = _pdf_scans(path, len(pages))
        else:
            frames = P._open_image_frames(path)
    except Exception:  # noqa: BLE001 - colour is optional
        return out
    for i, (pg, fr) in enumerate(zip(pages, frames, strict=False)):
        if fr is None or pg.text_layer or fr.mode not in ("RGB", "RGBA", "P", "CMYK", "YCbCr"):
            continue
        img = fr.convert("RGB")
        small = np.asarray(img.resize((64, 64)), dtype=np.int16)
        if np.abs(small - small.mean(axis=2, keepdims=True)).max() < 12:
            continue  # grey saved as RGB
        if pg.source_dpi and abs(pg.dpi - pg.source_dpi) > 1e-6:
            f = pg.dpi / pg.source_dpi
            size = (max(1, round(img.width * f)), max(1, round(img.height * f)))
            rs = Image.Resampling.LANCZOS if f < 1 else Image.Resampling.BICUBIC
            img = img.resize(size, rs)
        if pg.rotation:
            img = img.rotate(-pg.rotation, expand=True)
        if pg.skew:
            img = img.rotate(
                pg.skew, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(255, 255, 255)
            )
        if img.size == pg.image.size:
            out[i] = img
    return out


def _pdf_scans(path: Path, n: int) -> list:
    import pypdfium2 as pdfium

    from . import pages as P

    doc = pdfium.PdfDocument(str(path))
    try:
        out = []
        for i in range(min(n, len(doc))):
            page = doc[i]
            pw, ph = page.get_size()
            got = P._pdf_page_image(page, pw, ph) if page.get_rotation() == 0 else None
            out.append(got[0] if got else None)
        return out
    finally:
        doc.close()


def read_sheet(path: Path, rel: str, pack) -> SheetReading:
    """The approval sheet at ``path`` (``rel``: its path relative to the package) as read."""
    from .pages import load_pages
    from .sheet import read_free_form, read_text_pdf

    try:
        pages = load_pages(Path(path))
        if not pages:
            return SheetReading(file=rel, kind="free-form", error="no page found")
        notes: list[str] = []
        colours = colour_pages(Path(path), pages)
        try:
            own = _read_own(pages, pack, colours)
        except Exception as e:  # a broken own-sheet reading still lets the free-form reader try
            own = None
            notes.append(f"own-sheet reader failed: {type(e).__name__}: {e}")
        if own is not None:
            return replace(own, file=rel, pages=own.pages or len(pages))
        if all(p.text_layer for p in pages):
            reading = read_text_pdf(pages, pack, file=rel)
        else:
            reading = read_free_form(pages, pack, file=rel, colours=colours)
        if notes:
            reading = replace(reading, notes=(*reading.notes, *notes))
        return reading
    except Exception as e:
        return SheetReading(file=rel, kind="free-form", error=f"{type(e).__name__}: {e}")
