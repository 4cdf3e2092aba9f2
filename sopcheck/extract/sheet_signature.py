"""The signature area of a role block (the largest gap between printed lines, from the label
down to the name), trimmed of text lines the OCR missed, and its ink judged by ``ink``."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from .inkbase import byte_percentile
from .ocr import Word
from .sheet_blocks import Block, mask_rules
from .sheet_words import _in_col, _is_printed

CROP_MAX = 480
MIN_AREA_MM = 12.0
"""A signature area lower than this (millimetres) is never called empty: a signature does not fit."""
TALL_WORD = 2.5
"""An OCR 'word' taller than this many label heights is handwriting read as text, not print."""
LINE_MIN_SHARE = 0.6
"""A line across the area: at least this share of the area's width (height) long ..."""
LINE_COVER = 0.85
"""... with ink on it in at least this share of the columns (rows) it crosses ..."""
LINE_BEND = 0.03
"""... straight, or bent off its chord by at most this share of its length (a photo's perspective
or a curled page bends a ruling line gently; a pen's stroke that long and that flat is no
signature either) ..."""
LINE_TOL_MM = 0.5
"""... every point within this (millimetres) of the fitted curve ..."""
LINE_END_MM = 2.0
"""... and it ends at the area's edges (within this), or leaves the area through one."""


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
    paper = int(byte_percentile(a, 90)) if a.size else 255
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


CROP_PNG_LEVEL = 1
"""zlib level of the crop's PNG: level 6 took about 25 ms a package for three 480 px crops,
level 1 about 9 ms for files ~15% larger (the same pixels; they go to the HTML report and the
cache, never to a reader)."""


def _crop_png(img: Image.Image) -> bytes:
    """The area shrunk to fit ``CROP_MAX`` (Pillow's thumbnail), as PNG bytes."""
    c = img.copy()
    c.thumbnail((CROP_MAX, CROP_MAX))
    buf = io.BytesIO()
    c.save(buf, format="PNG", compress_level=CROP_PNG_LEVEL)
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
    carea = LazyCrop(colour, (x, y, x + w, y + h)) if colour is not None else None
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
    dpi = dpi or ink.DEFAULT_DPI
    try:
        call, conf, _features = ink.signature_presence(area, masks, colour=carea, dpi=dpi)
        if call == "signed":
            call, conf, _features = _without_lines_across(
                ink, area, masks, carea, dpi, (call, conf, _features)
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


class LazyCrop:
    """``source.crop(box)``, cut only when its pixels are asked for. The ink judge looks at an
    area's colour only where it found a stamp (``inkcolour.pen_over_stamp``); cutting the colour
    of every signature area from the page (a bicubic warp of the scan's colour, ~11 ms for a
    700 x 450 area) went mostly unused. ``size`` and ``mode`` are known without cutting; anything
    else cuts (once) and asks the crop."""

    def __init__(self, source, box: tuple[int, int, int, int]) -> None:
        self._source, self._box = source, box
        self._img = None
        x0, y0, x1, y1 = (int(round(v)) for v in box)
        self.size = (x1 - x0, y1 - y0)
        self.width, self.height = self.size
        self.mode = source.mode  # a crop keeps its source's mode (ColourPage: RGB)
        if x1 <= x0 or y1 <= y0:  # an empty box: cut now, as before (and fail here if it must)
            self.image()

    def image(self) -> Image.Image:
        if self._img is None:
            self._img = self._source.crop(self._box)
        return self._img

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.image(), name)


# ---------------------------------------------------------------- lines across the area


def _without_lines_across(ink, area: Image.Image, masks, carea, dpi: float, first):
    """A 'signed' call checked once more with the long straight or gently bent lines that cross
    the whole area taken out (a table's border that a photo's perspective bent off the axis, cut
    by the area's edge and joined to a printed name: the classifier's own rule stripping looks for
    straight lines and loses such a one). Still signed: the call stands. Not signed any more: the
    'signature' was the line, and the call is 'uncertain' (a person looks), never 'not signed'."""
    a = np.asarray(area.convert("L"), dtype=np.uint8)
    cleaned = erase_lines_across(a, dpi)
    if cleaned is None:
        return first
    call, conf, feats = ink.signature_presence(
        Image.fromarray(cleaned, mode="L"), masks, colour=carea, dpi=dpi
    )
    if call == "signed":
        return call, conf, feats
    feats = dict(first[2])
    feats["reason"] = "the ink is a long line across the area (a ruling line bent by the photo?)"
    return "uncertain", min(first[1], 0.4), feats


def erase_lines_across(a: np.ndarray, dpi: float) -> np.ndarray | None:
    """``a`` (grey, 0..255) with every long straight or gently bent line across the whole area
    painted over with the paper's grey, or None when there is no such line."""
    from .inkbase import ink_mask

    mask, _thr = ink_mask(a, dpi)
    if not mask.any():
        return None
    out = a.copy()
    paper = int(byte_percentile(a, 90))
    found = False
    for t in (False, True):
        m = mask.T if t else mask
        for band in _line_bands(m, dpi):
            found = True
            for x, lo, hi in band:
                if t:
                    out[x, lo:hi] = paper
                else:
                    out[lo:hi, x] = paper
    return out if found else None


def _runs(m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(column, first row, end row) of every vertical run of ink in ``m``."""
    p = np.zeros((m.shape[0] + 2, m.shape[1]), dtype=np.int8)
    p[1:-1] = m
    d = np.diff(p, axis=0)
    ys, xs = np.nonzero(d == 1)
    ye, xe = np.nonzero(d == -1)
    o1, o2 = np.lexsort((ys, xs)), np.lexsort((ye, xe))
    return xs[o1], ys[o1], ye[o2]


def _line_bands(m: np.ndarray, dpi: float) -> list[list[tuple[int, int, int]]]:
    """Lines across ``m`` (rows x columns, running along the columns): per line, the (column,
    from row, to row) pieces to erase."""
    h, w = m.shape
    px = dpi / 25.4
    if w < 20 or h < 4:
        return []
    xs, y0, y1 = _runs(m)
    thin = (y1 - y0) <= max(2, 1.2 * px)  # a pen's or a rule's width, not a blob
    cx, cy = xs[thin] + 0.5, (y0[thin] + y1[thin]) / 2
    if len(cx) < LINE_MIN_SHARE * w * LINE_COVER:
        return []
    tol = max(1.5, LINE_TOL_MM * px)
    rng = np.random.default_rng(0)
    out: list[list[tuple[int, int, int]]] = []
    used = np.zeros(len(cx), dtype=bool)
    for _ in range(3):  # at most a few lines in one area
        free = np.nonzero(~used)[0]
        if len(free) < LINE_MIN_SHARE * w * LINE_COVER:
            break
        best, best_n = None, 0
        for _ in range(150):
            i, j = rng.choice(free, 2, replace=False)
            if abs(cx[j] - cx[i]) < 0.25 * w:
                continue
            s = (cy[j] - cy[i]) / (cx[j] - cx[i])
            if abs(s) > 0.15:  # more than ~8.5 degrees off the axis: not a rule of the page
                continue
            c = cy[i] - s * cx[i]
            n = len(np.unique(cx[free][np.abs(cy[free] - (s * cx[free] + c)) <= tol]))
            if n > best_n:
                best, best_n = np.array([s, c]), n
        if best is None or best_n < LINE_MIN_SHARE * w * LINE_COVER:
            break
        curve = np.poly1d(best)
        for deg in (1, 2):  # straight first, then let it bend gently
            on = free[np.abs(cy[free] - curve(cx[free])) <= tol]
            if len(on) < deg + 2:
                break
            fit = np.poly1d(np.polyfit(cx[on], cy[on], deg))
            span = cx[on].max() - cx[on].min()
            chord = np.poly1d(np.polyfit(cx[on], cy[on], 1))
            grid = np.linspace(cx[on].min(), cx[on].max(), 32)
            if np.abs(fit(grid) - chord(grid)).max() <= LINE_BEND * max(span, 1.0):
                curve = fit
        on = free[np.abs(cy[free] - curve(cx[free])) <= tol]
        used[on] = True
        band = _accept(m, curve, cx[on], (y1 - y0)[thin][on], px)
        if band:
            out.append(band)
    return out


def _accept(m: np.ndarray, curve, cols: np.ndarray, widths: np.ndarray, px: float):
    """The pieces of the line ``curve`` to erase when it crosses the whole area of ``m``: long
    enough, ink on it nearly all the way (a glyph it runs through counts), its ends at the area's
    edges or where it leaves the area."""
    h, w = m.shape
    x0, x1 = float(cols.min()), float(cols.max())
    edge = LINE_END_MM * px

    def at_edge(x: float) -> bool:  # an end at the left / right edge, or at the top / bottom one
        y = float(curve(x))
        return min(x, w - x) <= edge or min(y, h - y) <= edge

    if not (at_edge(x0) and at_edge(x1 + 1)):
        return None  # it stops short of the edges: a stroke, not a line across
    if x1 - x0 < LINE_MIN_SHARE * w:
        return None
    tol = max(1, round(LINE_TOL_MM * px / 2))
    xs = np.arange(int(x0), int(np.ceil(x1)))
    yc = np.clip(np.round(curve(xs + 0.5)).astype(int), 0, h - 1)
    near = np.zeros(len(xs), dtype=bool)
    for d in range(-tol, tol + 1):
        near |= m[np.clip(yc + d, 0, h - 1), xs]
    if near.mean() < LINE_COVER:
        return None
    half = float(np.median(widths)) / 2 + 1.5
    pieces = []
    for x in range(int(x0), int(x1) + 1):
        yc = float(curve(x + 0.5))
        a, b = max(0, int(np.floor(yc - half))), min(h, int(np.ceil(yc + half)) + 1)
        if b > a:
            pieces.append((x, a, b))
    return pieces
