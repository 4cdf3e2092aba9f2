"""Read one approval sheet file: sopcheck's own sheet (QR code) first, then a PDF's text layer, then
free-form OCR. Never raises: a failure becomes ``SheetReading(error=...)``.

Tesseract's orientation detection (OSD) costs about as much as reading the page, so it is not run
on every page. The own sheet needs none: its QR code and registration marks give the page's
geometry at any turn. A free-form page is OCRed as it is; only when few confidently read upright
words come back (``MIN_UPRIGHT_WORDS``) is OSD asked, the page turned and read again. The words
read are kept on the page (``Page.ocr_words``), so no page is read twice.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image

from ..model import SheetReading

MIN_UPRIGHT_WORDS = 20
"""Confidently read upright words (``upright_words``) that prove a page is the right way up.

An A4 approval form carries far more: the office's letterhead, a title, each role's label (2-3
words), the words Setuju / Tolak / Tanggal per role and each signer's name: 30-70 such words on
the sheets measured (bench/README.md). Read sideways or upside down, Tesseract returns a few
confident fragments at most (0-10 measured), and a sideways page read as vertical text gives
boxes taller than wide, which do not count. Below the threshold the only cost is one OSD pass
(and a second OCR when OSD finds a turn), so a sparse but upright sheet is still read right."""
WORD_CONF = 0.8
"""Tesseract confidence (0..1) of a word that counts as confidently read."""


def upright_words(words) -> int:
    """Words of at least 3 letters (80% letters), read with ``WORD_CONF``, wider than tall."""
    n = 0
    for w in words:
        letters = sum(ch.isalpha() for ch in w.text)
        if w.conf >= WORD_CONF and letters >= 3 and letters >= 0.8 * len(w.text) and w.w > w.h:
            n += 1
    return n


def has_own_qr(pages) -> bool:
    """A page carries a sopcheck QR code (zxing-cpp asked for QR codes only, at full and half
    size: about 15 ms a page, where the own-sheet reader's search for every barcode format costs
    about 100 ms on a sheet that has none)."""
    import zxingcpp

    from ..template import parse_qr

    for pg in pages:
        img = pg.image if pg.image.mode == "L" else pg.image.convert("L")
        for cand in (img, img.reduce(2)):
            for r in zxingcpp.read_barcodes(cand, formats=zxingcpp.BarcodeFormat.QRCode):
                if parse_qr(r.text) is not None:
                    return True
    return False


def _read_own(pages, pack, colours=None):
    """The reader of sopcheck's own sheet, or None when the module is not there or no page carries
    a sopcheck QR code."""
    try:
        from .own_sheet import read_own
    except ImportError:
        return None
    if not has_own_qr(pages):
        return None
    return read_own(pages, pack, colours=colours)


def _has_colour(fr) -> bool:
    """The frame has colour somewhere (else it is grey saved as RGB), judged like
    ``pages._jpeg_is_grey`` on a copy at 1/8 scale: box-averaged, so a thin coloured stroke still
    shows (a 64 x 64 sample of single pixels missed a blue signature on a white page)."""
    from .pages import GREY_SPREAD

    if fr is None or fr.mode not in ("RGB", "RGBA", "P", "CMYK", "YCbCr"):
        return False
    size = (max(1, fr.width // 8), max(1, fr.height // 8))
    box = fr.mode in ("RGB", "RGBA")  # Pillow box-filters these without a converted full copy
    small = fr.resize(size, Image.Resampling.BOX if box else Image.Resampling.NEAREST)
    a = np.asarray(small.convert("RGB"), dtype=np.int16)
    return bool(np.abs(a - a.mean(axis=2, keepdims=True)).max() >= GREY_SPREAD)


def colour_pages(path: Path, pages, frames=None) -> list:
    """Per page, its colour as a ``pages.ColourPage`` (same geometry as the prepared grey page), or
    None where the source has no colour or is a text-layer page. ``frames``: per page, what the
    caller decoded: the source frame, ``(its colour at half size, the frame's full size)`` or None
    (no colour); when not given the file is decoded again. The colour is kept at half resolution
    (``pages.half_colour``). Colour only helps to tell a pen's ink from a stamp's; nothing depends
    on it."""
    from . import pages as P

    out: list = [None] * len(pages)
    try:
        if frames is None:
            if path.suffix.lower() in P.PDF_SUFFIXES or path.read_bytes()[:5] == b"%PDF-":
                frames = _pdf_scans(path, len(pages))
            else:
                got = P.open_colour_jpeg(path)
                frames = [(got[1], got[0].size)] if got else P._open_image_frames(path)
    except Exception:  # noqa: BLE001 - colour is optional
        return out
    for i, (pg, fr) in enumerate(zip(pages, frames, strict=False)):
        if pg.text_layer or fr is None:
            continue
        if isinstance(fr, tuple):
            half, size = fr
        elif _has_colour(fr):
            half, size = P.half_colour(fr), fr.size
        else:
            continue
        out[i] = P.ColourPage(half, pg, size)
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


def _load(path: Path):
    """(prepared pages without OSD; for an image file, per page its colour at half size and the
    frame's full size, or None where it has none; None for a PDF)."""
    from . import pages as P

    with open(path, "rb") as fh:
        pdf = path.suffix.lower() in P.PDF_SUFFIXES or fh.read(5) == b"%PDF-"
    if pdf:
        return P.load_pdf(path, osd=False), None
    got = P.open_colour_jpeg(path)
    if got is not None:  # the usual scan or phone photo: decoded as luma + half-size colour
        grey, half = got
        return [P.prepare(grey, 1, osd=False)], [(half, grey.size)]
    frames = P._open_image_frames(path)
    colours = [(P.half_colour(fr), fr.size) if _has_colour(fr) else None for fr in frames]
    return [P.prepare(fr, i + 1, osd=False) for i, fr in enumerate(frames)], colours


def read_upright(page, langs: str):
    """``page`` with its OCR words, turned first when it was not upright (see module docstring)."""
    from . import ocr
    from . import pages as P

    words = ocr.ocr_page(page.image, page.dpi, langs, psm=3, page=page.number)
    if upright_words(words) >= MIN_UPRIGHT_WORDS:
        page.ocr_words = words
        return page
    deg, conf = P.osd(page.image)
    if deg in (90, 180, 270) and conf >= P.OSD_MIN_CONF:
        page = P.turn(page, deg, conf)
        words = ocr.ocr_page(page.image, page.dpi, langs, psm=3, page=page.number)
    page.ocr_words = words
    return page


def read_sheet(path: Path, rel: str, pack) -> SheetReading:
    """The approval sheet at ``path`` (``rel``: its path relative to the package) as read."""
    from . import ocr
    from .sheet import read_free_form, read_text_pdf

    try:
        path = Path(path)
        pages, frames = _load(path)
        if not pages:
            return SheetReading(file=rel, kind="free-form", error="no page found")
        notes: list[str] = []
        colours = colour_pages(path, pages, frames)
        del frames  # the colour pages keep the frames that have colour, no more
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
            langs = ocr.usable_langs(getattr(pack, "ocr_languages", None) or ocr.DEFAULT_LANGS)
            pages = [p if p.text_layer else read_upright(p, langs) for p in pages]
            colours = [
                None if c is None else type(c)(c.frame, p, c.frame_size)
                for c, p in zip(colours, pages, strict=True)
            ]
            reading = read_free_form(pages, pack, file=rel, colours=colours)
        if notes:
            reading = replace(reading, notes=(*reading.notes, *notes))
        return reading
    except Exception as e:
        return SheetReading(file=rel, kind="free-form", error=f"{type(e).__name__}: {e}")
