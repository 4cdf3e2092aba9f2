"""The rings of a round stamp and a pen written across them, told apart by geometry alone (a
grey scan, or a pen of the stamp's colour): rings are long arcs at one radius, found in polar
coordinates and cut out; what then crosses the stamp as a thin stroke running into a ring is pen."""

from __future__ import annotations

import numpy as np

from .inkbase import _boundary, components

FOREIGN_MM = 7.0
"""Ink over a stamp at least this large (mm) that crosses it is not the stamp's."""
PEN_WIDTH_MM = 1.5
"""Pen strokes over a stamp are thinner than this on average (ballpoint 0.3-1 mm, blurred)."""


RING_ARC_DEG = 15.0
RING_SHARE = 0.55
"""A ring: at one radius (+-2 px), arcs of ink of >= RING_ARC_DEG degrees each cover >= RING_SHARE of
the visible circle."""


def refine_circle(mask: np.ndarray, cy: float, cx: float, r: float, tol: float):
    """(cy, cx, r) fitted by least squares to the ink within ``tol`` of the circle (twice): the
    RANSAC circle rests on three pixels and can sit a few pixels off the ring's middle."""
    ys, xs = np.nonzero(mask)
    return refine_points(ys.astype(np.float64), xs.astype(np.float64), cy, cx, r, tol)


def refine_points(ys, xs, cy: float, cx: float, r: float, tol: float):
    """``refine_circle`` on ink pixels given as coordinates."""
    for _ in range(2):
        sel = np.abs(np.hypot(ys - cy, xs - cx) - r) <= tol
        if sel.sum() < 30:
            break
        y, x = ys[sel], xs[sel]
        a = np.stack([2 * x, 2 * y, np.ones_like(x)], axis=1)
        sol, *_ = np.linalg.lstsq(a, x * x + y * y, rcond=None)
        ncx, ncy = float(sol[0]), float(sol[1])
        nr = float(np.sqrt(max(sol[2] + ncx * ncx + ncy * ncy, 0.0)))
        if not np.isfinite(nr) or abs(nr - r) > tol or np.hypot(ncy - cy, ncx - cx) > tol:
            break
        cy, cx, r = ncy, ncx, nr
    return cy, cx, r


def ring_pixels(mask: np.ndarray, cy: float, cx: float, lo: float, hi: float) -> np.ndarray:
    """The ink of a stamp's rings: ink that runs round the centre (cy, cx) at a radius between
    ``lo`` and ``hi`` pixels, wandering by at most 2 pixels (a slightly oval print, a circle fitted
    a pixel off), in arcs of >= RING_ARC_DEG degrees that together cover >= RING_SHARE of the
    circle. It is ``inkbase.strip_rules`` in polar coordinates: lettering along the ring leaves
    gaps between its letters, a pen stroke follows one radius for a short arc at most, but a
    ring, even a faded or speckled one, runs round most of the circle in long arcs."""
    h, w = mask.shape
    out = np.zeros((h, w), dtype=bool)
    lo = max(1.0, lo)
    if hi <= lo:
        return out
    n_a = max(36, int(2 * np.pi * hi))
    radii = np.arange(lo, hi + 1.0)
    angles = np.arange(n_a) / n_a * 2 * np.pi - np.pi
    py = np.rint(cy + radii[:, None] * np.sin(angles)).astype(int)
    px = np.rint(cx + radii[:, None] * np.cos(angles)).astype(int)
    ok = (py >= 0) & (py < h) & (px >= 0) & (px < w)
    polar = np.zeros(py.shape, dtype=bool)
    polar[ok] = mask[py[ok], px[ok]]
    k = 2
    wide = polar.copy()
    for d in range(1, k + 1):
        wide[d:] |= polar[:-d]
        wide[:-d] |= polar[d:]
    need = max(4, int(RING_ARC_DEG / 360 * n_a))
    ext = np.concatenate([wide, wide[:, :n_a]], axis=1)  # runs through angle +-180 degrees
    edge = np.zeros((ext.shape[0], ext.shape[1] + 2), dtype=np.int8)
    edge[:, 1:-1] = ext
    dd = np.diff(edge, axis=1)
    rs, cs = np.nonzero(dd == 1)
    _, ce = np.nonzero(dd == -1)
    arcs = np.zeros(polar.shape, dtype=bool)
    for r, c0, c1 in zip(rs, cs, ce, strict=True):
        if c1 - c0 >= need and c0 < n_a:
            arcs[r, np.arange(c0, min(c1, c0 + n_a)) % n_a] = True
    visible = ok.sum(axis=1)
    ring_rows = np.nonzero((arcs.sum(axis=1) >= RING_SHARE * visible) & (visible >= n_a // 5))[0]
    flag = np.zeros(polar.shape, dtype=bool)
    for r in ring_rows:
        flag[max(0, r - k) : r + k + 1] |= arcs[r]
    flag &= polar
    if not flag.any():
        return out
    ys, xs = np.nonzero(mask)
    dist = np.hypot(ys - cy, xs - cx)
    sel = (dist >= lo - 0.5) & (dist <= hi + 0.5)
    ys, xs, dist = ys[sel], xs[sel], dist[sel]
    ri = np.clip(np.rint(dist - lo).astype(int), 0, len(radii) - 1)
    ai = np.rint((np.arctan2(ys - cy, xs - cx) + np.pi) / (2 * np.pi) * n_a).astype(int) % n_a
    # a pixel is the ring's when a ring cell lies within a pixel of it (polar sampling is sparse)
    hit = flag[ri, ai]
    for dr, da in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        hit |= flag[np.clip(ri + dr, 0, len(radii) - 1), (ai + da) % n_a]
    out[ys[hit], xs[hit]] = True
    return out


def pen_across_rings(mask, dist, disk, rings: np.ndarray, radius, mmpx) -> np.ndarray:
    """Pen ink written across a stamp, told from the stamp by its geometry alone (a grey scan, or
    a pen of the stamp's colour): with the stamp's rings cut out, a stamp's own parts fall apart
    into glyphs (< FOREIGN_MM) or stay within a band of radii (lettering along a ring, the emblem
    in the centre). A pen stroke is a thin line (< PEN_WIDTH_MM wide) >= FOREIGN_MM across that
    crosses the stamp (its radii spread over > 0.45 of the radius) and runs into a ring (it
    continues across it). Returns the mask of those pieces (pixels of the rings excluded)."""
    out = np.zeros(mask.shape, dtype=bool)
    band = rings
    if not band.any():
        return out
    ys, xs = np.nonzero(disk)
    if not len(ys):
        return out
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    sub = mask[y0:y1, x0:x1] & disk[y0:y1, x0:x1] & ~band[y0:y1, x0:x1]
    labels, count = components(sub)
    if not count:
        return out
    near = band[y0:y1, x0:x1].copy()
    k = max(1, int(round(0.6 / mmpx)))  # a stroke cut by a ring ends next to it
    for d in range(1, k + 1):
        near[d:] |= band[y0:y1, x0:x1][:-d]
        near[:-d] |= band[y0:y1, x0:x1][d:]
        near[:, d:] |= band[y0:y1, x0:x1][:, :-d]
        near[:, :-d] |= band[y0:y1, x0:x1][:, d:]
    areas = np.bincount(labels.ravel(), minlength=count + 1)
    bnd_px = np.bincount(labels[_boundary(sub)], minlength=count + 1)
    touching = np.bincount(labels[near & sub], minlength=count + 1)
    dsub = dist[y0:y1, x0:x1]
    for lb in range(1, count + 1):
        if areas[lb] < 20 or not touching[lb]:
            continue
        py, px = np.nonzero(labels == lb)
        size = max(py.max() - py.min(), px.max() - px.min()) * mmpx
        if size < FOREIGN_MM:
            continue
        width = 2 * areas[lb] / max(bnd_px[lb], 1) * mmpx
        if width > PEN_WIDTH_MM:
            continue
        dl = dsub[py, px]
        if dl.max() - dl.min() <= 0.45 * radius:
            continue
        out[py + y0, px + x0] = True
    return out
