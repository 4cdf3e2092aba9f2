"""Tick boxes found by their shape, not by the words around them (issue 3).

A printed check box is a closed, roughly square outline of straight lines about a text line high.
``find_boxes`` keeps the ink that lies in long horizontal or vertical runs (a numpy run-length
opening, tolerant of a few degrees of rotation or perspective because a thin line tilted by 3
degrees still has runs of many pixels), groups it into connected pieces and accepts a piece whose
bounding box is square-ish, of plausible size, and whose four sides are each mostly covered by
line ink. Letters fail this test (a 'T' or an 'H' lacks sides, an 'O' has no long runs); a tick or a
scribble inside the box does not hide it. ``box_fill`` in ``ink.py`` then judges the interior.

Also ``strokes_across``: pen strokes (ink pieces much taller than the text line) that cross a span
of printed text, so a date or a word read through a signature is not trusted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .inkbase import _bboxes, components, ink_mask

SIDE_COVER = 0.7
"""Share of each side of a candidate box that must be covered by line ink."""
MIN_SIDE, MAX_SIDE = 0.8, 3.0
"""Plausible box side, in text line heights."""


@dataclass(frozen=True, kw_only=True)
class Box:
    x: int
    """Left edge, in the coordinates of the image searched."""
    y: int
    """Top edge."""
    w: int
    """Width in pixels."""
    h: int
    """Height in pixels."""

    @property
    def xywh(self) -> tuple[int, int, int, int]:
        return self.x, self.y, self.w, self.h


def _long_runs(mask: np.ndarray, k: int) -> np.ndarray:
    """Pixels of ``mask`` that lie in a horizontal run of at least ``k`` pixels."""
    h, w = mask.shape
    out = np.zeros((h, w), dtype=bool)  # C order (a transposed mask's zeros_like would not be)
    if w < k or not mask.any():
        return out
    m = np.zeros((h, w + 2), dtype=np.int8)
    m[:, 1:-1] = mask
    d = np.diff(m, axis=1)
    rs, cs = np.nonzero(d == 1)
    _re, ce = np.nonzero(d == -1)
    long = (ce - cs) >= k
    rs, cs, n = rs[long], cs[long], (ce - cs)[long]
    if len(n):  # the long runs' pixels, as flat indices, set at once
        start = np.repeat(rs * w + cs - np.cumsum(n) + n, n)
        out.reshape(-1)[start + np.arange(int(n.sum()))] = True
    return out


def line_ink(mask: np.ndarray, k: int) -> np.ndarray:
    """Ink in horizontal or vertical runs of at least ``k`` pixels (rows thickened by one pixel
    first, so a slightly tilted thin line keeps long runs)."""
    thick = mask.copy()
    thick[1:] |= mask[:-1]
    thick[:-1] |= mask[1:]
    hor = _long_runs(thick, k)
    thick_v = mask.copy()
    thick_v[:, 1:] |= mask[:, :-1]
    thick_v[:, :-1] |= mask[:, 1:]
    ver = _long_runs(thick_v.T, k).T
    return (hor | ver) & (thick | thick_v)


def _side_cover(lines: np.ndarray, y0: int, x0: int, y1: int, x1: int, t: int) -> list[float]:
    """Coverage of the top, bottom, left and right sides of the rectangle by ``lines``."""
    top = lines[y0 : y0 + t, x0:x1].any(axis=0).mean()
    bottom = lines[y1 - t : y1, x0:x1].any(axis=0).mean()
    left = lines[y0:y1, x0 : x0 + t].any(axis=1).mean()
    right = lines[y0:y1, x1 - t : x1].any(axis=1).mean()
    return [float(v) for v in (top, bottom, left, right)]


def find_boxes(gray: np.ndarray, line_h: float, mask: np.ndarray | None = None) -> list[Box]:
    """Square box outlines in a grey image (0..255), sorted left to right.

    ``line_h``: the height of a text line in pixels (the words next to the boxes), which sets the
    plausible box size (``MIN_SIDE`` to ``MAX_SIDE`` lines)."""
    a = np.asarray(gray, dtype=np.float32)
    if a.ndim != 2 or min(a.shape) < 6:
        return []
    if mask is None:
        mask, _ = ink_mask(a, paper=float(np.percentile(a, 90)))
    smin, smax = MIN_SIDE * line_h, MAX_SIDE * line_h
    k = max(6, int(0.6 * smin))
    lines = line_ink(mask, k)
    labels, count = components(lines)
    out: list[Box] = []
    for lab, (y0, x0, y1, x1) in _bboxes(labels, count).items():
        # a tick running out of the box joins its outline: the box's edges are rows / columns
        # with a long run of line ink, not the piece's extent
        whole = labels[y0:y1, x0:x1] == lab
        rows = np.nonzero(whole.sum(axis=1) >= 0.6 * smin)[0]
        cols = np.nonzero(whole.sum(axis=0) >= 0.6 * smin)[0]
        if len(rows) < 2 or len(cols) < 2:
            continue
        box = _box_in_piece(whole, y0, x0, rows, cols, smin, smax)
        if box is not None:
            out.append(box)
    out.sort(key=lambda b: b.x)
    # a box inside another (a drawn square in a printed one): keep the outer one
    return [b for b in out if not any(_inside(b, o) for o in out if o is not b)]


def _edge_candidates(idx: np.ndarray, outer_first: bool) -> list[int]:
    """Rows (or columns) that may be one edge of the box, the outermost first: those within the
    outer 30% of the piece's long-run extent (a thick tick crossing the edge outside the box has
    long runs too), at most 4 of them."""
    span = int(idx[-1] - idx[0])
    if outer_first:
        near = [int(v) for v in idx if v <= idx[0] + 0.3 * span]
    else:
        near = [int(v) for v in idx[::-1] if v >= idx[-1] - 0.3 * span]
    if len(near) > 4:
        near = [near[round(i * (len(near) - 1) / 3)] for i in range(4)]
    return near


def _box_in_piece(
    piece_all: np.ndarray, y0: int, x0: int, rows, cols, smin: float, smax: float
) -> Box | None:
    """The square outline in one piece of line ink (``piece_all``: the piece's bounding box, at
    y0, x0 in the image; ``rows`` / ``cols``, relative to it, hold long runs): the outermost edges first, then, for a tick that runs out across an edge, the edges a
    little further in. An outline must be of plausible size, square-ish, its four sides covered
    and its corners inked."""
    best: tuple[float, Box] | None = None
    tops, bottoms = _edge_candidates(rows, True), _edge_candidates(rows, False)
    lefts, rights = _edge_candidates(cols, True), _edge_candidates(cols, False)
    for ty in tops:
        for by in bottoms:
            for lx in lefts:
                for rx in rights:
                    by0, by1, bx0, bx1 = y0 + ty, y0 + by + 1, x0 + lx, x0 + rx + 1
                    bw, bh = bx1 - bx0, by1 - by0
                    if not (smin <= bw <= smax and smin <= bh <= smax) or not 0.7 <= bw / bh <= 1.4:
                        continue
                    t = max(2, int(round(0.15 * min(bw, bh))))
                    piece = piece_all[ty : by + 1, lx : rx + 1]
                    cover = min(_side_cover(piece, 0, 0, bh, bw, t))
                    if cover < SIDE_COVER:
                        continue
                    c = max(2, int(round(0.1 * min(bw, bh))))
                    corners = (piece[:c, :c], piece[:c, -c:], piece[-c:, :c], piece[-c:, -c:])
                    if not all(q.any() for q in corners):  # round letters ('O', 'D') have none
                        continue
                    if (ty, by, lx, rx) == (tops[0], bottoms[0], lefts[0], rights[0]):
                        return Box(x=bx0, y=by0, w=bw, h=bh)  # the outermost edges fit
                    if best is None or cover > best[0]:
                        best = (cover, Box(x=bx0, y=by0, w=bw, h=bh))
    return best[1] if best else None


def _inside(a: Box, b: Box) -> bool:
    return b.x <= a.x and b.y <= a.y and a.x + a.w <= b.x + b.w and a.y + a.h <= b.y + b.h


def strokes_across(
    gray: np.ndarray, span: tuple[int, int, int, int], line_h: float, mask: np.ndarray | None = None
) -> bool:
    """True when a pen stroke crosses the text span (x0, y0, x1, y1) of ``gray``: an ink piece that
    touches the span and reaches well above or below the text line (more than a line height
    beyond it). Printed glyphs, even with descenders, stay within the line."""
    a = np.asarray(gray, dtype=np.float32)
    x0, y0, x1, y1 = (int(v) for v in span)
    reach = int(round(1.2 * line_h))
    wy0, wy1 = max(0, y0 - 2 * reach), min(a.shape[0], y1 + 2 * reach)
    wx0, wx1 = max(0, x0), min(a.shape[1], x1)
    if wy1 - wy0 < 3 or wx1 - wx0 < 3:
        return False
    win = a[wy0:wy1, wx0:wx1]
    m = (
        mask[wy0:wy1, wx0:wx1]
        if mask is not None
        else ink_mask(win, paper=float(np.percentile(win, 90)))[0]
    )
    labels, count = components(m)
    if not count:
        return False
    ty0, ty1 = y0 - wy0, y1 - wy0
    touching = np.unique(labels[max(0, ty0) : ty1, :])
    for lab in touching[touching > 0]:
        ys = np.nonzero((labels == lab).any(axis=1))[0]
        if ys.min() < ty0 - reach or ys.max() > ty1 + reach:
            return True
    return False
