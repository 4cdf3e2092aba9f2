"""Is a written date handwritten or printed? General features of the ink, not of one generator.

A date typed or printed on a sheet shares the printed words' font: its ink has their colour, its
glyphs their height, and they stand on one straight baseline with the same height for every digit.
A pen's date differs in at least one of these: blue ink beside a black label, glyphs larger or
smaller than the print, digits of uneven height, a wandering baseline; and Tesseract, trained on
print, is less sure of it. Each feature is measured on the date's own ink and, where the block has
printed words, against them (so blur and resolution divide out).

A date is called *printed* only when every available feature says so; anything else, including a
feature that cannot be measured, is *handwritten* (the caller then wants a second reading).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image

from .inkbase import _bboxes, components, ink_mask

PRINT_MIN_CONF = 0.85
"""Tesseract's word confidence on printed dates is about 0.9 and up; below this, a pen is likely."""
CHROMA_GAP = 0.035
"""Oklab chroma by which the date's ink may exceed the printed words' before it counts as a pen's."""
HEIGHT_RATIO = (0.7, 1.35)
"""The date's glyph height over the printed words' (same font: about 1)."""
BASELINE_DEV = 0.07
"""Glyph bottoms' median distance from their fitted line, in glyph heights (print: about 0.02)."""
HEIGHT_SPREAD = 0.16
"""Spread of the tall glyphs' heights (interquartile range over the median; print: about 0.05)."""
SLANT_DEG = 5.0
"""Print stands upright (a deskewed scan leaves a degree or two); a pen's writing leans."""
EXCESS = 1.6
"""With printed words to compare, the date may be this much less regular than they are."""


@dataclass(frozen=True, kw_only=True)
class GlyphShape:
    """The geometry of the glyphs in a run of text (a date, or printed reference words)."""

    height: float
    """Median height of the tall glyphs (digits, capitals), pixels."""
    baseline_dev: float
    """Median distance of the glyph bottoms from their least-squares line, in tall-glyph heights."""
    height_spread: float
    """Interquartile range of the tall glyphs' heights over their median."""
    glyphs: int
    """How many glyphs were measured."""
    slant: float
    """Median lean of the tall glyphs' strokes, degrees (positive: the tops lean right)."""


@dataclass(frozen=True, kw_only=True)
class Handwriting:
    """The verdict on one date and the features it rests on (None: not measurable)."""

    handwritten: bool
    """True unless every measurable feature says print."""
    reasons: tuple[str, ...]
    """Why it was called handwritten (empty when printed)."""
    conf: float | None = None
    """Tesseract's confidence in the date's words."""
    chroma_gap: float | None = None
    """The date's ink chroma minus the printed words' (Oklab)."""
    height_ratio: float | None = None
    """The date's glyph height over the printed words'."""
    shape: GlyphShape | None = None
    """The date's glyph geometry."""


def glyph_boxes(gray: np.ndarray, line_h: float, *, with_masks: bool = False):
    """(y0, x0, y1, x1) of the ink components of a text crop that are glyph-sized: dots of a fill-in
    line, specks and long rules are left out. ``with_masks``: also each glyph's own mask."""
    mask, _ = ink_mask(gray)
    labels, n = components(mask)
    out, masks = [], []
    for i, (y0, x0, y1, x1) in _bboxes(labels, n).items():
        h, w = y1 - y0, x1 - x0
        if h < 0.35 * line_h or w > 3.0 * line_h or h > 2.5 * line_h:
            continue
        out.append((y0, x0, y1, x1))
        if with_masks:
            masks.append(labels[y0:y1, x0:x1] == i)
    return (out, masks) if with_masks else out


def slant_deg(mask: np.ndarray) -> float:
    """The shear (degrees, 2 degree steps) that makes the ink's vertical projection peakiest: the
    lean of the vertical strokes (the usual deslant estimate of handwriting recognition)."""
    ys, xs = np.nonzero(mask)
    if len(xs) < 20:
        return 0.0
    ys = ys - ys.mean()
    degs = np.arange(-30.0, 31.0, 2.0)
    # every shear at once: one row per angle, each row's histogram in its own range of bins
    xsh = xs[None, :] + np.tan(np.radians(degs))[:, None] * ys[None, :]
    idx = np.round(xsh - xsh.min(axis=1, keepdims=True)).astype(np.int64)
    width = int(idx.max()) + 1
    idx += np.arange(len(degs), dtype=np.int64)[:, None] * width
    hist = np.bincount(idx.ravel(), minlength=len(degs) * width).reshape(len(degs), width)
    scores = (hist.astype(np.float64) ** 2).sum(axis=1)  # whole numbers: exact in any order
    best, best_deg = -1.0, 0.0
    for deg, score in zip(degs, scores, strict=True):
        score = float(score)
        if score > best + 1e-9 or (abs(score - best) <= 1e-9 and abs(deg) < abs(best_deg)):
            best, best_deg = score, float(deg)
    return best_deg


def small_percentile(values, q: float) -> float:
    """``float(np.percentile(values, q))`` (linear interpolation, numpy's own arithmetic) of a
    few numbers, by a plain sort: a twentieth of numpy's time on the 5-40 glyph heights of a line.
    """
    s = sorted(float(v) for v in values)
    if not s or any(v != v for v in s):  # empty or NaN: numpy's answer (and warning)
        return float(np.percentile(values, q))
    pos = (len(s) - 1) * (q / 100.0)
    lo = math.floor(pos)
    t = pos - lo
    a, b = s[lo], s[min(lo + 1, len(s) - 1)]
    return b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t  # numpy's ``_lerp``


def small_median(values) -> float:
    """``float(np.median(values))`` of a few numbers, by a plain sort (the mean of the middle two
    computed as numpy does: their sum halved)."""
    s = sorted(float(v) for v in values)
    if not s or any(v != v for v in s):
        return float(np.median(values))
    m = len(s) // 2
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2


def glyph_shape(gray: np.ndarray, line_h: float) -> GlyphShape | None:
    """The glyph geometry of a text crop (one line), or None with fewer than three glyphs."""
    boxes, masks = glyph_boxes(gray, line_h, with_masks=True)
    if len(boxes) < 3:
        return None
    hs = np.array([b[2] - b[0] for b in boxes], dtype=float)
    tall = hs >= 0.8 * small_percentile(hs, 75)
    if tall.sum() < 3:
        return None
    ht = hs[tall]
    med = small_median(ht)
    q1, q3 = small_percentile(ht, 25), small_percentile(ht, 75)
    # the bottoms of all glyphs against a fitted line (a slight skew is not irregularity; the
    # median ignores a descender or two)
    xs = np.array([(b[1] + b[3]) / 2 for b in boxes], dtype=float)
    ys = np.array([b[2] for b in boxes], dtype=float)
    if np.ptp(xs) > 0:
        k, c = np.polyfit(xs, ys, 1)
        res = ys - (k * xs + c)
    else:
        res = ys - ys.mean()
    return GlyphShape(
        height=med,
        baseline_dev=float(small_median(np.abs(res)) / max(med, 1.0)),
        height_spread=float((q3 - q1) / max(med, 1.0)),
        glyphs=int(tall.sum()),
        # per glyph, then the median: a slash or a 7's diagonal does not make a line lean
        slant=small_median([slant_deg(m) for m, t in zip(masks, tall, strict=True) if t]),
    )


def ink_chroma(colour: Image.Image, gray: np.ndarray) -> float | None:
    """Median Oklab chroma of the ink pixels of a colour crop (white-balanced on its paper)."""
    from .inkcolour import oklab, white_balanced

    mask, _ = ink_mask(gray)
    if mask.sum() < 10:
        return None
    lab = oklab(white_balanced(colour))[mask]
    return float(np.median(np.hypot(lab[:, 1], lab[:, 2])))


def _crop(img, box: tuple[int, int, int, int]):
    x0, y0, x1, y1 = box
    W, H = img.size
    return img.crop((max(0, x0), max(0, y0), min(W, x1), min(H, y1)))


def _gray(img: Image.Image) -> np.ndarray:
    return np.asarray(img.convert("L") if img.mode != "L" else img, dtype=np.float32)


def judge(
    img: Image.Image,
    date_box: tuple[int, int, int, int],
    refs: list[tuple[int, int, int, int]] = (),
    *,
    conf: float | None = None,
    colour=None,
) -> Handwriting:
    """Handwritten or printed, for the date at ``date_box`` (x0, y0, x1, y1) of the page ``img``.

    ``refs``: boxes of printed words of the same block (a label, 'Setuju', the NIP) to compare
    with; ``conf``: Tesseract's confidence in the date; ``colour``: the page in colour (same
    geometry as ``img``) or None."""
    reasons: list[str] = []
    if conf is None or conf < PRINT_MIN_CONF:
        reasons.append("OCR confidence low" if conf is not None else "no OCR confidence")
    line_h = float(max(8, date_box[3] - date_box[1]))
    shape = glyph_shape(_gray(_crop(img, date_box)), line_h)
    ref_shapes = []
    for r in refs:
        s = glyph_shape(_gray(_crop(img, r)), float(max(8, r[3] - r[1])))
        if s is not None:
            ref_shapes.append(s)
    ratio = None
    if shape is None:
        reasons.append("glyphs not measurable")
    else:
        dev_max, spread_max, upright = BASELINE_DEV, HEIGHT_SPREAD, 0.0
        if ref_shapes:
            upright = float(np.median([s.slant for s in ref_shapes]))
            ref_h = float(np.median([s.height for s in ref_shapes]))
            ratio = shape.height / max(ref_h, 1.0)
            if not HEIGHT_RATIO[0] <= ratio <= HEIGHT_RATIO[1]:
                reasons.append(f"glyphs {ratio:.2f}x the printed words' height")
            dev_max = min(dev_max, EXCESS * max(s.baseline_dev for s in ref_shapes) + 0.04)
            spread_max = min(spread_max, EXCESS * max(s.height_spread for s in ref_shapes) + 0.06)
        if shape.baseline_dev > dev_max:
            reasons.append(f"uneven baseline ({shape.baseline_dev:.2f})")
        if shape.height_spread > spread_max:
            reasons.append(f"uneven glyph heights ({shape.height_spread:.2f})")
        if abs(shape.slant - upright) >= SLANT_DEG:
            reasons.append(f"slanted ({shape.slant - upright:+.0f} degrees)")
    gap = None
    if colour is not None:
        c_date = ink_chroma(_crop(colour, date_box), _gray(_crop(img, date_box)))
        c_ref = [
            c for r in refs if (c := ink_chroma(_crop(colour, r), _gray(_crop(img, r)))) is not None
        ]
        if c_date is not None:
            gap = c_date - (float(np.median(c_ref)) if c_ref else 0.0)
            if gap > CHROMA_GAP:
                reasons.append(f"ink colour unlike the print (chroma +{gap:.2f})")
    return Handwriting(
        handwritten=bool(reasons),
        reasons=tuple(reasons),
        conf=conf,
        chroma_gap=None if gap is None else round(gap, 3),
        height_ratio=None if ratio is None else round(ratio, 2),
        shape=shape,
    )


def judge_safely(img, date_box, refs=(), *, conf=None, colour=None) -> Handwriting:
    """``judge``, but a measurement that fails makes the date handwritten instead of raising."""
    try:
        return judge(img, date_box, refs, conf=conf, colour=colour)
    except Exception as e:  # noqa: BLE001 - unsure: handwritten, so the date needs a 2nd reading
        return Handwriting(handwritten=True, reasons=(f"not measurable: {type(e).__name__}",))
