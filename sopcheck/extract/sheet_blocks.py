"""Geometry of a role block on a free-form sheet: its column, its lower bound (the name / NIP
line), table rules that clip it, and long ruling lines whitened out of an area."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from .inkbase import byte_percentile
from .ocr import Word
from .pages import otsu
from .sheet_words import Candidate, _in_col, _is_id_number, _is_nip, _is_printed

SIG_FALLBACK_SHARE = 0.14
"""Height of the signature area, as a share of the page height, when no name / NIP line is found."""
RULE_SHARE = 0.8
"""A row / column of pixels dark over this share of an area's width / height is a ruling line."""

# ---------------------------------------------------------------- geometry of a role block


def _column(c: Candidate, labels: dict[str, Candidate], page_w: int) -> tuple[int, int]:
    """Horizontal extent of the role's block: up to the midpoints to labels on the same band."""
    x, y, w, h = c.box
    cx = x + w / 2
    left, right = 0, page_w
    for other in labels.values():
        if other is c or other.page != c.page:
            continue
        ox, oy, ow, oh = other.box
        if oy > y + 3 * h or oy + oh < y - 3 * h:
            continue  # not on the same band
        ocx = ox + ow / 2
        if ocx < cx:
            left = max(left, int((ox + ow + x) / 2))
        else:
            right = min(right, int((x + w + ox) / 2))
    # a label with a neighbour on one side only: columns of a row are about equally wide, so the
    # same distance on the free side (not the rest of the page); a lone label: a generous column
    half = max(w * 0.9, page_w * 0.22)
    if left == 0 and right < page_w:
        half = min(half, max(right - cx, w / 2 + 4))
    elif right == page_w and left > 0:
        half = min(half, max(cx - left, w / 2 + 4))
    left = max(left, int(cx - half)) if left == 0 else left
    right = min(right, int(cx + half)) if right == page_w else right
    return max(0, left), min(page_w, right)


def _alone_in_row(
    c: Candidate, labels: dict[str, Candidate], words: list[Word], page_w: int, page_h: int
) -> bool:
    """No other label on the label's band and one name / NIP column below it: the block owns the
    whole width of the page (a signature may sit anywhere on it, e.g. in a list of blocks)."""
    x, y, w, h = c.box
    for other in labels.values():
        if other is not c and other.page == c.page:
            oy, oh = other.box[1], other.box[3]
            if not (oy > y + 3 * h or oy + oh < y - 3 * h):
                return False
    below = [
        wd
        for wd in words
        if (_is_nip(wd) or _is_id_number(wd)) and y + h < wd.y < y + h + 0.3 * page_h
    ]
    xs = [wd.x for wd in below if _is_nip(wd)] or [wd.x for wd in below]
    # blocks of a row whose labels were not read leave their own NIP lines elsewhere on the row
    return not xs or max(xs) - min(xs) < 0.3 * page_w


def _dark(a: np.ndarray) -> np.ndarray:
    """Ink pixels: at or below the Otsu threshold (class 0), never lighter than 160."""
    t = min(otsu(a), 160) if a.size else 128
    return a <= t


def clip_at_rules(
    img: Image.Image, x0: int, x1: int, y0: int, y1: int, cx: float
) -> tuple[int, int]:
    """(x0, x1) narrowed to the vertical ruling lines (a table's cell borders) nearest to ``cx``
    on either side: dark columns spanning most of the rows y0..y1."""
    y0, y1 = max(0, y0), min(img.height, y1)
    x0, x1 = max(0, x0), min(img.width, x1)
    if y1 - y0 < 20 or x1 - x0 < 20:
        return x0, x1
    grey = img if img.mode == "L" else img.convert("L")  # (convert would copy a grey page)
    dark = _dark(np.asarray(grey.crop((x0, y0, x1, y1)), dtype=np.uint8))
    # a little slack for residual skew: a pixel counts when dark within +-2 columns
    wide = dark.copy()
    for k in (1, 2):
        wide[:, k:] |= dark[:, :-k]
        wide[:, :-k] |= dark[:, k:]
    frac = wide.mean(axis=0)
    rules = np.nonzero(frac >= RULE_SHARE)[0]
    c = int(cx) - x0
    lefts = rules[rules < c - 8]
    rights = rules[rules > c + 8]
    nx0 = x0 + int(lefts.max()) + 4 if len(lefts) else x0
    nx1 = x0 + int(rights.min()) - 4 if len(rights) else x1
    if nx1 - nx0 < 20:
        return x0, x1
    return nx0, nx1


def mask_rules(area: Image.Image) -> Image.Image:
    """The area with long straight lines (table rules, underlines of the name line) whitened, so
    they do not count as ink: rows / columns dark over RULE_SHARE of the area's width / height."""
    a = np.asarray(area.convert("L"), dtype=np.uint8).copy()
    h, w = a.shape
    if h < 8 or w < 8:
        return area
    dark = _dark(a)
    paper = int(byte_percentile(a, 90))
    rows = dark.mean(axis=1) >= RULE_SHARE
    cols = dark.mean(axis=0) >= RULE_SHARE
    for mask, axis in ((rows, 0), (cols, 1)):
        idx = np.nonzero(mask)[0]
        for i in idx:
            lo, hi = max(0, i - 1), i + 2
            if axis == 0:
                a[lo:hi, :] = paper
            else:
                a[:, lo:hi] = paper
    return Image.fromarray(a, mode="L")


@dataclass
class Block:
    x0: int
    x1: int
    top: int
    """Top of the block (a few lines above the label, for a date line above it)."""
    label_bottom: int
    end: int
    """Top of the name / NIP lines (the signature area's lower bound)."""
    bottom: int
    """Bottom of the block (below the NIP line)."""
    name_found: bool


def role_block(
    c: Candidate,
    labels: dict[str, Candidate],
    words: list[Word],
    page_w: int,
    page_h: int,
    img: Image.Image | None = None,
) -> Block:
    x0, x1 = _column(c, labels, page_w)
    lx, ly, lw, lh = c.box
    if _alone_in_row(c, labels, words, page_w, page_h):
        x0, x1 = 0, page_w
    if img is not None:
        x0, x1 = clip_at_rules(
            img, x0, x1, ly + lh, int(ly + lh + SIG_FALLBACK_SHARE * page_h), lx + lw / 2
        )
    label_bottom = ly + lh
    # the next label below in this column bounds the block
    limit = page_h
    prev_end = 0
    for other in labels.values():
        if other is c or other.page != c.page:
            continue
        ox, oy, ow, oh = other.box
        if not (x0 <= ox + ow / 2 <= x1):
            continue
        if oy > label_bottom:
            limit = min(limit, oy - 2)
        elif oy + oh < ly:
            prev_end = max(prev_end, oy + oh)
    top = max(prev_end, int(ly - 5 * lh))
    col = [w for w in words if _in_col(w, x0, x1) and label_bottom < w.y < limit]
    nips = sorted((w for w in col if _is_nip(w)), key=lambda w: w.y)
    if not nips:
        nips = sorted((w for w in col if _is_id_number(w)), key=lambda w: w.y)
    name_found = False
    end = min(limit, int(label_bottom + SIG_FALLBACK_SHARE * page_h))
    bottom = end
    if nips:
        nip = nips[0]
        end = nip.y - 2
        bottom = min(limit, nip.y + nip.h * 2)
        name_found = True
        # a printed name line right above the NIP (within 2.5 line heights) belongs to it
        above = [
            w
            for w in col
            if w.y + w.h <= nip.y and nip.y - (w.y + w.h) < 2.5 * nip.h and _is_printed(w)
        ]
        if above:
            end = min(w.y for w in above) - 2
    return Block(x0, x1, top, label_bottom, max(end, label_bottom + 1), bottom, name_found)


def align_blocks(labels: dict[str, Candidate], blocks: dict[str, Block]) -> None:
    """A block whose name / NIP line was not read (OCR missed it, e.g. under a stamp) takes the
    lower bound of a block on the same row whose name line was found: the blocks of one row of
    signatures end on the same line."""
    for rid, b in blocks.items():
        if b.name_found:
            continue
        c = labels[rid]
        _x, y, _w, h = c.box
        ends = [
            (blocks[o].end, blocks[o].bottom)
            for o, oc in labels.items()
            if o != rid
            and o in blocks
            and oc.page == c.page
            and blocks[o].name_found
            and abs(oc.box[1] - y) <= 1.5 * h
            and blocks[o].end > b.label_bottom + h
        ]
        if ends:
            end = int(np.median([e for e, _ in ends]))
            bottom = int(np.median([bt for _, bt in ends]))
            blocks[rid] = Block(b.x0, b.x1, b.top, b.label_bottom, end, bottom, True)
