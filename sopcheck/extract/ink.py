"""Ink classifiers for approval sheets: signature presence, tick-box fill and the Setuju/Tolak call.

Numpy and Pillow only. Everything is measured in millimetres through ``dpi`` (the working
resolution of the prepared page, 200 by default), never in pixels, so the same physical
thresholds apply to a 150 dpi phone photo and a 300 dpi scan:

- ink is a pixel at least ~28% darker than the local paper (the paper level is estimated per
  block, so uneven light or a grey phone photo does not turn into ink);
- a speck (< 1.2 mm across) is dust or JPEG noise; a long straight thin component is a printed
  rule or a box border; a component with a stroke wider than 2.5 mm is a smudge or shadow, not
  pen;
- straight runs of ink over half the area and >= 20 mm (table rules, underlines; +-2 px of
  wander for a photo's slant) are removed, with what is left of them;
- a round official stamp (cap) is found as a circle (RANSAC fit, >= 75% of its circumference
  inked, from one ring or from its arcs where the ink faded, radius 6-32 mm) with a stamp's other
  parts (a second concentric ring or lettering): everything on its disk is the stamp, except pen
  ink told apart by colour where the page has it (``inkcolour``) or by geometry on any page (a
  thin stroke crossing the stamp into a ring once the rings are cut out: ``inkrings``). Ink
  outside is judged like any other ink, so a signature over a stamp still counts; pen-sized ink
  over the stamp that neither splits, or ink joined to the ring inside it, makes the call
  'uncertain', never 'not_signed';
- a piece of a circle (a stamp's ring outside the area) is not a stroke; glyph-sized marks on
  one line at the area's edge are a text line the OCR missed;
- a signature is >= 35 mm of curved pen stroke (the major strokes wind, or one long stroke does),
  >= 10 mm wide, with one stroke >= 6 mm across.
  Little or no stroke (< 8 mm) is 'not_signed'; anything in between, printed text left over
  (many small characters), smudges or straight strokes only are 'uncertain', never 'signed';
- in a box kept for the signature alone (``signature_box``: sopcheck's own sheet), one long,
  only gently curved stroke (a flat signature) is enough.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from PIL import Image

from .inkbase import (  # noqa: F401 - re-exported: the old import paths keep working
    DEFAULT_DPI,
    SPECK_MM,
    _bboxes,
    _boundary,
    _gray,
    byte_percentile,
    components,
    edge_text_bands,
    ink_mask,
    strip_rules,
)
from .inkstamp import STAMP_R_MM, _is_arc, stamp_ink
from .inkticks import TICK_OFF, TICK_ON, box_fill, tick_state  # noqa: F401

__all__ = [
    "box_fill",
    "components",
    "edge_text_bands",
    "ink_mask",
    "signature_presence",
    "tick_state",
]


# Physical thresholds (millimetres).
LINE_MIN_MM = 8.0
BLOB_STROKE_MM = 2.5
SIGNED_LEN_MM = 35.0
SIGNED_WIDTH_MM = 10.0
SIGNED_LARGEST_MM = 6.0
EMPTY_LEN_MM = 8.0
MAJOR_MM = 5.0
"""Strokes at least this large (mm) carry the curvature (tortuosity) of a signature."""
TORT_MIN = 1.3
"""Path length over extent (diagonal) of the major strokes together: straight marks are ~1."""
TEXT_LINE_MM = 6.0
TEXT_EDGE_MM = 8.0
"""Only glyph-sized marks within TEXT_LINE_MM of height, TEXT_EDGE_MM from an edge: a text line."""
WINDING_MIN = 1.5
WINDING_LEN_MM = 20.0
"""Or one stroke of at least WINDING_LEN_MM that winds (its own length / diagonal >= 1.5)."""
BOX_TORT_MIN = 1.1
BOX_LARGEST_MM = 15.0
"""In a box kept for the signature: a stroke this large whose path is this curved is enough."""


def signature_presence(
    area: Image.Image,
    mask_boxes: Iterable[Sequence[int]] = (),
    *,
    dpi: float = DEFAULT_DPI,
    colour: Image.Image | None = None,
    signature_box: bool = False,
) -> tuple[str, float, dict]:
    """Is there a handwritten signature in ``area``?

    ``mask_boxes`` are printed-text boxes (x, y, w, h) in the area's pixel coordinates; they are
    blanked before judging. ``colour``: the same area in colour (RGB), when the page has colour:
    pen strokes written over a stamp are then told from the stamp's ink by their colour
    (``inkcolour.pen_over_stamp``). ``signature_box``: the area is a printed box kept for the signature
    alone (sopcheck's own sheet, placed from the layout): a long pen stroke that is only gently
    curved (tortuosity >= BOX_TORT_MIN, one stroke >= BOX_LARGEST_MM) is a signature there too,
    when no stamp is in the box; a straight stroke still is not. Returns (call, confidence, features) with call 'signed', 'not_signed'
    or 'uncertain'; features are the measurements the call rests on (millimetres).
    """
    grey = area if area.mode == "L" else area.convert("L")
    a8 = np.asarray(grey)
    a = a8.astype(np.float32)  # what _gray(area) gives, a copy
    h, w = a.shape
    feats: dict = {
        "dpi": dpi,
        "width_mm": round(w * 25.4 / dpi, 1),
        "height_mm": round(h * 25.4 / dpi, 1),
    }
    if h < 4 or w < 4:
        feats["reason"] = "area too small"
        return "uncertain", 0.0, feats
    hi = float(byte_percentile(a8, 95, np.float32))  # np.percentile(a, 95), counted
    for box in mask_boxes:
        x, y, bw, bh = (int(round(v)) for v in box)
        a[max(0, y) : max(0, y + bh), max(0, x) : max(0, x + bw)] = hi
    mmpx = 25.4 / dpi  # mm per pixel
    mask, thr = ink_mask(a, dpi)
    feats["threshold"] = round(thr, 1)
    labels, count = components(mask)
    if count:
        areas = np.bincount(labels.ravel(), minlength=count + 1)
        bnd = np.bincount(labels[_boundary(mask)], minlength=count + 1)
        objs = _bboxes(labels, count)
    else:
        areas = bnd = np.zeros(1, dtype=np.int64)
        objs = {}
    rng = np.random.default_rng(0)
    stamps, inside, ring_off, foreign = stamp_ink(
        mask,
        labels,
        count,
        areas,
        objs,
        mmpx,
        rng,
        colour if colour is not None and colour.size == area.size else None,
        feats,
    )
    ruled = strip_rules(mask, dpi)
    if stamps or (ruled != mask).any():
        mask = ruled & ~inside
        labels, count = components(mask)
        if count:
            areas = np.bincount(labels.ravel(), minlength=count + 1)
            bnd = np.bincount(labels[_boundary(mask)], minlength=count + 1)
            objs = _bboxes(labels, count)

    strokes = []
    n_specks = n_lines = n_blobs = n_arcs = 0
    for lab in range(1, count + 1):
        y0, x0, y1, x1 = objs[lab]
        bh_mm, bw_mm = (y1 - y0) * mmpx, (x1 - x0) * mmpx
        big = max(bh_mm, bw_mm)
        if big < SPECK_MM:
            n_specks += 1
            continue
        ar, bd = float(areas[lab]), float(max(bnd[lab], 1))
        width_mm = (2 * ar / bd) * mmpx if bd else 0.0
        length_mm = max(bd / 2, ar / max(2 * ar / bd, 1.0)) * mmpx
        diag = float(np.hypot(bh_mm, bw_mm))
        if width_mm > BLOB_STROKE_MM:
            n_blobs += 1
            continue
        if big >= LINE_MIN_MM and length_mm < 1.2 * diag and min(bh_mm, bw_mm) < 0.12 * big + 1.0:
            n_lines += 1
            continue
        if big >= 2 * STAMP_R_MM[0] * 0.5 and _is_arc(labels, lab, objs[lab], mmpx, rng):
            n_arcs += 1  # a piece of a stamp's ring (the rest of the stamp outside the area)
            continue
        strokes.append((length_mm, diag, big, x0, y0, x1, y1))
    total = sum(s[0] for s in strokes)
    largest = max((s[2] for s in strokes), default=0.0)
    # the curvature of the pen's path is judged on the strokes of some size: the letters of a
    # stamp left over, dots and dust say nothing about it
    major = [s for s in strokes if s[2] >= MAJOR_MM] or strokes
    if strokes:
        ux0 = min(s[3] for s in strokes)
        ux1 = max(s[5] for s in strokes)
        uy0 = min(s[4] for s in strokes)
        uy1 = max(s[6] for s in strokes)
        span_w, span_h = (ux1 - ux0) * mmpx, (uy1 - uy0) * mmpx
        tort = sum(s[0] for s in major) / max(sum(s[1] for s in major), 1e-6)
        # one long winding stroke is a signature's hand even beside a flat underline
        winding = [s[0] / max(s[1], 1e-6) for s in major if s[0] >= WINDING_LEN_MM]
        wind = max(winding, default=0.0)
    else:
        span_w = span_h = tort = wind = 0.0
        uy0 = uy1 = 0
    small_chars = sum(1 for s in strokes if s[2] < 5.0)
    feats.update(
        strokes=len(strokes),
        stroke_len_mm=round(total, 1),
        largest_mm=round(largest, 1),
        span_w_mm=round(span_w, 1),
        span_h_mm=round(span_h, 1),
        tortuosity=round(tort, 2),
        winding=round(wind, 2),
        specks=n_specks,
        lines=n_lines,
        blobs=n_blobs,
        arcs=n_arcs,
        small_components=small_chars,
        ink_share=round(float(mask.mean()), 4),
    )
    if (
        total >= SIGNED_LEN_MM
        and largest >= SIGNED_LARGEST_MM
        and span_w >= SIGNED_WIDTH_MM
        and (tort >= TORT_MIN or wind >= WINDING_MIN)
    ):
        # many small, similar components and no large one look like printed text left over
        if small_chars >= 8 and largest < 10.0 and small_chars > 0.7 * len(strokes):
            feats["reason"] = "looks like printed text"
            return "uncertain", 0.5, feats
        margin = min(
            (total - SIGNED_LEN_MM) / SIGNED_LEN_MM,
            (largest - SIGNED_LARGEST_MM) / SIGNED_LARGEST_MM,
            (span_w - SIGNED_WIDTH_MM) / SIGNED_WIDTH_MM,
            max((tort - TORT_MIN) / TORT_MIN, (wind - WINDING_MIN) / WINDING_MIN),
        )
        conf = float(np.clip(0.7 + 0.3 * margin, 0.7, 0.99))
        feats["reason"] = "pen strokes" + (" beside a stamp" if stamps else "")
        if feats.get("pen_across_rings_px"):
            # some of the strokes were told from the stamp by their geometry alone
            conf = min(conf, 0.85)
            feats["reason"] = "pen strokes across a stamp"
        return "signed", round(conf, 2), feats
    if (
        signature_box
        and not stamps
        and n_blobs == 0
        and total >= SIGNED_LEN_MM
        and largest >= BOX_LARGEST_MM
        and span_w >= SIGNED_WIDTH_MM
        and max(tort, wind) >= BOX_TORT_MIN
    ):
        # nothing but a signature belongs in the box: a flat, wave-like signature (a paraf)
        feats["reason"] = "a long curved pen stroke in the signature box"
        return "signed", 0.75, feats
    edge_mm = min(uy0, h - uy1) * mmpx if strokes else 0.0
    if (
        len(strokes) >= 4
        and largest < MAJOR_MM
        and span_h <= TEXT_LINE_MM
        and edge_mm <= TEXT_EDGE_MM
        and n_blobs == 0
        and not (stamps and (ring_off > 0.35 or foreign))
    ):
        # glyph-sized marks on one line at the area's edge: a printed name or date line that
        # was not masked (e.g. under a stamp, where the OCR could not read it)
        feats["reason"] = "a line of text at the edge" + (" and a stamp" if stamps else "")
        return "not_signed", 0.7, feats
    if total < EMPTY_LEN_MM and largest < 4.0 and n_blobs == 0:
        if stamps and foreign:
            feats["reason"] = "ink written over the stamp, not told apart from it"
            return "uncertain", 0.4, feats
        if stamps and ring_off > 0.35:
            feats["reason"] = "ink joined to the stamp ring inside it"
            return "uncertain", 0.4, feats
        conf = 0.95 if total == 0 else float(np.clip(0.95 - 0.3 * total / EMPTY_LEN_MM, 0.6, 0.95))
        if stamps:
            conf = min(conf, 0.85)
        feats["reason"] = "stamp only" if stamps else ("no ink" if total == 0 else "specks only")
        return "not_signed", round(conf, 2), feats
    feats["reason"] = "some ink, not clearly a signature"
    return "uncertain", 0.5, feats
