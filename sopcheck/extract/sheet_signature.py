"""The signature area of a role block (the largest gap between printed lines, from the label
down to the name), trimmed of text lines the OCR missed, and its ink judged by ``ink``."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from .ocr import Word
from .sheet_blocks import Block, mask_rules
from .sheet_words import _in_col, _is_printed

CROP_MAX = 480
MIN_AREA_MM = 12.0
"""A signature area lower than this (millimetres) is never called empty: a signature does not fit."""
TALL_WORD = 2.5
"""An OCR 'word' taller than this many label heights is handwriting read as text, not print."""


def text_words(words: list[Word], line_h: float) -> list[Word]:
    """The words that may be printed text: not much taller than the label's line (Tesseract reads
    a signature as a 'word' now and then, e.g. 'cw' 5 lines high, with a fair confidence)."""
    return [w for w in words if w.h <= TALL_WORD * line_h]


def signature_area(block: Block, words: list[Word], label_h: int) -> tuple[int, int, int, int]:
    """The largest vertical gap between printed lines in the block, from the label down to the name."""
    printed = [
        w
        for w in words
        if _is_printed(w)
        and _in_col(w, block.x0, block.x1)
        and block.label_bottom < w.y + w.h / 2 < block.end
    ]
    # bands of printed text
    bands: list[list[int]] = []
    for w in sorted(printed, key=lambda w: w.y):
        if bands and w.y <= bands[-1][1]:
            bands[-1][1] = max(bands[-1][1], w.y + w.h)
        else:
            bands.append([w.y, w.y + w.h])
    edges = [block.label_bottom, *[v for b in bands for v in b], block.end]
    gaps = [(edges[i + 1] - edges[i], edges[i], edges[i + 1]) for i in range(0, len(edges) - 1, 2)]
    size, y0, y1 = max(gaps)
    if size < 1.5 * label_h:
        y0, y1 = block.label_bottom, block.end
    pad = max(2, label_h // 4)
    y0, y1 = y0 + pad, y1 - 1
    if y1 - y0 < label_h:
        y0, y1 = block.label_bottom, max(block.end, block.label_bottom + 2 * label_h)
    return block.x0, y0, block.x1 - block.x0, y1 - y0


def trim_region(img: Image.Image, region, words: list[Word], line_h: int, dpi: float | None = None):
    """The signature area without lines of text on its top and bottom edges that the OCR missed
    (a handwritten date line, an underlined bold name): see ``ink.edge_text_bands``. ``dpi``: the
    page's working resolution (the ink's sizes are judged in millimetres)."""
    ink = _ink()
    x, y, w, h = region
    if ink is None or h < 2 * line_h:
        return region
    area = _masked_area(img, region, words)
    top, bottom = ink.edge_text_bands(area, line_h, dpi or ink.DEFAULT_DPI)
    pad = max(2, line_h // 4)
    top = top + pad if top else 0
    bottom = bottom - pad if bottom < h else h
    if bottom - top < line_h:
        return region
    return x, y + top, w, bottom - top


def _masked_area(img: Image.Image, region, words: list[Word]) -> Image.Image:
    """The area cut from the page, ruling lines and printed words whitened."""
    x, y, w, h = region
    area = mask_rules(img.crop((x, y, x + w, y + h)))
    a = np.asarray(area.convert("L"), dtype=np.uint8).copy()
    paper = int(np.percentile(a, 90)) if a.size else 255
    for wd in words:
        if not _is_printed(wd):
            continue
        x0, y0 = max(0, wd.x - x), max(0, wd.y - y)
        x1, y1 = min(w, wd.x + wd.w - x), min(h, wd.y + wd.h - y)
        if x1 > x0 and y1 > y0:
            a[y0:y1, x0:x1] = paper
    return Image.fromarray(a, mode="L")


# ---------------------------------------------------------------- ink (helper B's classifiers)


def _ink():
    try:
        from . import ink
    except ImportError:
        return None
    return ink


def _crop_png(img: Image.Image) -> bytes:
    c = img.copy()
    c.thumbnail((CROP_MAX, CROP_MAX))
    buf = io.BytesIO()
    c.save(buf, format="PNG", compress_level=6)
    return buf.getvalue()


def judge_signature(
    img: Image.Image,
    region,
    words: list[Word],
    colour: Image.Image | None = None,
    dpi: float | None = None,
) -> tuple[str, float, bytes, list[str]]:
    """(call, confidence, crop PNG, notes) for the signature area ``region`` of the page ``img``,
    whose working resolution is ``dpi`` (200-300: the ink's sizes are judged in millimetres)."""
    x, y, w, h = region
    area = mask_rules(img.crop((x, y, x + w, y + h)))
    carea = colour.crop((x, y, x + w, y + h)) if colour is not None else None
    masks = []
    for wd in words:
        if not _is_printed(wd):
            continue
        if wd.x + wd.w < x or wd.x > x + w or wd.y + wd.h < y or wd.y > y + h:
            continue
        masks.append((wd.x - x, wd.y - y, wd.w, wd.h))
    crop = _crop_png(area)
    ink = _ink()
    if ink is None:
        return "uncertain", 0.0, crop, ["ink classifier not available"]
    try:
        call, conf, _features = ink.signature_presence(
            area, masks, colour=carea, dpi=dpi or ink.DEFAULT_DPI
        )
    except Exception as e:  # the classifier failing on one area is a review, not a crash
        return "uncertain", 0.0, crop, [f"signature check failed: {e}"]
    if call not in ("signed", "not_signed", "uncertain"):
        call = "uncertain"
    if call == "not_signed" and _features.get("height_mm", MIN_AREA_MM) < MIN_AREA_MM:
        # too low to hold a signature: the area was not found right, its emptiness proves nothing
        call, conf = "uncertain", min(conf, 0.3)
        _features["reason"] = f"signature area only {_features['height_mm']} mm high"
    notes = [f"signature: {_features.get('reason', 'uncertain')}"] if call == "uncertain" else []
    return call, float(conf), crop, notes
