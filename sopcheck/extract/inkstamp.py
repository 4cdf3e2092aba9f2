"""Round official stamps (cap) in a signature area: circles found by RANSAC with a stamp's other
parts (a second ring or lettering), the ink that belongs to them, and pieces of a ring."""

from __future__ import annotations

import numpy as np

from .inkbase import _boundary, components

FOREIGN_MM = 7.0
STAMP_R_MM = (6.0, 32.0)


def _fit_circle(ys: np.ndarray, xs: np.ndarray, tol: float, rng: np.random.Generator):
    """RANSAC circle through ink pixels: (cy, cx, r, inlier mask) or None."""
    n = len(xs)
    if n < 30:
        return None
    if n > 1500:
        sel = rng.choice(n, 1500, replace=False)
        xs, ys = xs[sel], ys[sel]
        n = 1500
    tri = rng.integers(0, n, size=(400, 3))
    x1, x2, x3 = xs[tri[:, 0]], xs[tri[:, 1]], xs[tri[:, 2]]
    y1, y2, y3 = ys[tri[:, 0]], ys[tri[:, 1]], ys[tri[:, 2]]
    d = 2 * (x1 * (y2 - y3) + x2 * (y3 - y1) + x3 * (y1 - y2))
    ok = np.abs(d) > 1e-6
    if not ok.any():
        return None
    s1, s2, s3 = x1**2 + y1**2, x2**2 + y2**2, x3**2 + y3**2
    with np.errstate(divide="ignore", invalid="ignore"):
        ux = (s1 * (y2 - y3) + s2 * (y3 - y1) + s3 * (y1 - y2)) / d
        uy = (s1 * (x3 - x2) + s2 * (x1 - x3) + s3 * (x2 - x1)) / d
    r = np.hypot(x1 - ux, y1 - uy)
    ok &= np.isfinite(r)
    ux, uy, r = ux[ok], uy[ok], r[ok]
    dist = np.abs(np.hypot(xs[None, :] - ux[:, None], ys[None, :] - uy[:, None]) - r[:, None])
    score = (dist < tol).sum(axis=1)
    k = int(np.argmax(score))
    return float(uy[k]), float(ux[k]), float(r[k])


def _coverage(ys, xs, cy, cx, r, tol, shape) -> float:
    """Share of the circle's visible part (inside the image) that is inked; 0 if < 40% visible."""
    dist = np.abs(np.hypot(xs - cx, ys - cy) - r)
    inl = dist < tol
    if not inl.any():
        return 0.0
    centres = (np.arange(36) + 0.5) / 36 * 2 * np.pi - np.pi
    by, bx = cy + r * np.sin(centres), cx + r * np.cos(centres)
    visible = (by >= 0) & (by < shape[0]) & (bx >= 0) & (bx < shape[1])
    if visible.sum() < 15:
        return 0.0
    ang = np.arctan2(ys[inl] - cy, xs[inl] - cx)
    bins = np.unique(((ang + np.pi) / (2 * np.pi) * 36).astype(int) % 36)
    return float(np.isin(bins, np.nonzero(visible)[0]).sum() / visible.sum())


def _find_stamps(labels, count, areas, bboxes, mmpx, rng):
    """Circles of round stamps: list of (cy, cx, r, label)."""
    found = []
    for lab in range(1, count + 1):
        y0, x0, y1, x1 = bboxes[lab]
        size = max(y1 - y0, x1 - x0) * mmpx
        if size < 2 * STAMP_R_MM[0] * 0.9 or size > 2 * STAMP_R_MM[1] * 2.5:
            continue
        ys, xs = np.nonzero(labels[y0:y1, x0:x1] == lab)
        ys = ys.astype(np.float64) + y0
        xs = xs.astype(np.float64) + x0
        tol = max(0.6 / mmpx, 2.0)
        fit = _fit_circle(ys, xs, tol, rng)
        if fit is None:
            continue
        cy, cx, r = fit
        if not (STAMP_R_MM[0] <= r * mmpx <= STAMP_R_MM[1]):
            continue
        if _coverage(ys, xs, cy, cx, r, tol, labels.shape) < 0.75:
            continue
        if not _stamp_evidence(labels, bboxes, count, lab, cy, cx, r, mmpx):
            continue  # a round loop of a signature, not a stamp
        found.append((cy, cx, r, lab))
    if not found:
        # its own random stream: the shared one goes on to judge the area's arcs as before
        found = _stamp_from_arcs(labels, count, bboxes, mmpx, np.random.default_rng(1))
    # keep the outer circle when two rings share a centre
    found.sort(key=lambda c: -c[2])
    out: list[tuple[float, float, float, int]] = []
    for c in found:
        if any(np.hypot(c[0] - o[0], c[1] - o[1]) < o[2] * 0.3 and c[2] <= o[2] for o in out):
            continue
        out.append(c)
    return out


def _stamp_from_arcs(labels, count, bboxes, mmpx, rng):
    """A stamp whose ring broke into arcs (faded, speckled ink): the pieces of ink that each lie
    on one circle of a stamp's size (>= 85% of their pixels within 0.6 mm of it) are pooled; a
    circle through the pool (RANSAC, then least squares) is a ring when its arcs cover >= 75% of
    it and the stamp's other parts are there (tried for two rings). Returns [(cy, cx, r, label of
    the largest arc)] or []."""
    tol = max(0.6 / mmpx, 2.0)
    arcs = []
    for lab in range(1, count + 1):
        y0, x0, y1, x1 = bboxes[lab]
        size = max(y1 - y0, x1 - x0) * mmpx
        if size < 5.0 or size > 2 * STAMP_R_MM[1] * 2.5:
            continue
        ys, xs = np.nonzero(labels[y0:y1, x0:x1] == lab)
        if len(ys) < 30:
            continue
        ys = ys.astype(np.float64) + y0
        xs = xs.astype(np.float64) + x0
        fit = _fit_circle(ys, xs, tol, rng)
        if fit is None:
            continue
        cy, cx, r = fit
        if not (STAMP_R_MM[0] <= r * mmpx <= STAMP_R_MM[1]):
            continue
        if float((np.abs(np.hypot(ys - cy, xs - cx) - r) < tol).mean()) < 0.85:
            continue
        arcs.append((cy, cx, r, lab, ys, xs))
    if len(arcs) < 2:
        return []
    ys = np.concatenate([a[4] for a in arcs])
    xs = np.concatenate([a[5] for a in arcs])
    lab = max(arcs, key=lambda a: len(a[4]))[3]
    for _ in range(2):  # the outer ring, then the inner one
        fit = _fit_circle(ys, xs, tol, rng)
        if fit is None:
            return []
        gy, gx, gr = refine_points(ys, xs, *fit, tol)
        on = np.abs(np.hypot(ys - gy, xs - gx) - gr) < tol
        if (
            STAMP_R_MM[0] <= gr * mmpx <= STAMP_R_MM[1]
            and _coverage(ys, xs, gy, gx, gr, tol, labels.shape) >= 0.75
            and _stamp_evidence(labels, bboxes, count, lab, gy, gx, gr, mmpx)
        ):
            return [(gy, gx, gr, lab)]
        ys, xs = ys[~on], xs[~on]
        if len(ys) < 30:
            break
    return []


def _ring_radii(
    mask: np.ndarray, cy: float, cx: float, lo: float, hi: float, mmpx: float
) -> list[float]:
    """Radii in [lo, hi] at which ink covers >= 65% of the visible circle (at least a fifth of it
    inside the area): the rings of a stamp, which handwriting does not draw."""
    h, w = mask.shape
    ys, xs = np.nonzero(mask)
    if not len(ys) or hi <= lo:
        return []
    d = np.hypot(ys - cy, xs - cx)
    tol = max(0.5 / mmpx, 1.5)
    near = (d >= lo - tol) & (d <= hi + tol)
    d, ang = d[near], np.arctan2(ys[near] - cy, xs[near] - cx)
    nb = 72
    abin = ((ang + np.pi) / (2 * np.pi) * nb).astype(int) % nb
    centres = (np.arange(nb) + 0.5) / nb * 2 * np.pi - np.pi
    step = max(0.4 / mmpx, 1.0)
    out = []
    rr = lo
    while rr <= hi:
        by, bx = cy + rr * np.sin(centres), cx + rr * np.cos(centres)
        visible = (by >= 0) & (by < h) & (bx >= 0) & (bx < w)
        if visible.sum() >= nb // 5:
            hit = np.zeros(nb, dtype=bool)
            hit[abin[np.abs(d - rr) <= tol]] = True
            if (hit & visible).sum() >= 0.65 * visible.sum():
                out.append(float(rr))
        rr += step
    return out


def _stamp_evidence(labels, bboxes, count, lab, cy, cx, r, mmpx) -> bool:
    """A ring of ink is a stamp only with a stamp's other parts: a second concentric ring (inside
    at 0.5-0.9 r, or outside up to 1.8 r), or lettering (>= 6 letter-sized components, 1-7 mm,
    in the band between 0.5 r and 1.6 r). A round loop of a signature has neither."""
    mask = labels > 0
    gap = max(1.5 / mmpx, 4.0)
    if _ring_radii(mask, cy, cx, 0.5 * r, r - gap, mmpx):
        return True
    if _ring_radii(mask, cy, cx, r + gap, min(1.8 * r, STAMP_R_MM[1] / mmpx), mmpx):
        return True
    letters = 0
    for other in range(1, count + 1):
        if other == lab:
            continue
        y0, x0, y1, x1 = bboxes[other]
        size = max(y1 - y0, x1 - x0) * mmpx
        if not (1.0 <= size <= 7.0):
            continue
        d = np.hypot((y0 + y1) / 2 - cy, (x0 + x1) / 2 - cx)
        if 0.5 * r <= d <= 1.6 * r:
            letters += 1
    return letters >= 6


def _foreign_on_stamp(labels, dist, disk, on, radius, mmpx) -> float:
    """Size (mm) of the largest ink on a stamp's disk that is not the stamp's: a stamp's parts
    (rings, lettering along them, the emblem's small letters) each stay within a narrow band of
    radii or are small; a pen stroke written over the stamp crosses it (its radii on the disk
    spread over > 0.45 of the radius) and is >= 7 mm across."""
    out = 0.0
    for lb in np.nonzero(on)[0]:
        if lb == 0 or on[lb] < 20:
            continue
        ys, xs = np.nonzero((labels == lb) & disk)
        size = max(ys.max() - ys.min(), xs.max() - xs.min()) * mmpx
        if size < FOREIGN_MM:
            continue
        dl = dist[ys, xs]
        if dl.max() - dl.min() > 0.45 * radius:
            out = max(out, float(size))
    return out


def _outer_ring(mask: np.ndarray, cy: float, cx: float, r: float, mmpx: float) -> float:
    """Radius of the outermost ring concentric with a found stamp circle (``r`` if none).

    A stamp is usually two rings with lettering between them; when the outer ring runs off the
    area only the inner one passes the circle test."""
    r_max = min(1.8 * r, STAMP_R_MM[1] / mmpx)
    radii = _ring_radii(mask, cy, cx, r + max(1.0 / mmpx, 3.0), r_max, mmpx)
    return max(radii) if radii else r


def _is_arc(labels, lab, bbox, mmpx: float, rng) -> bool:
    """Is component ``lab`` a piece of a circle of a stamp's size (>= 85% of its pixels within
    0.6 mm of one circle of radius 6-32 mm)? A pen's path does not keep one radius that long."""
    y0, x0, y1, x1 = bbox
    ys, xs = np.nonzero(labels[y0:y1, x0:x1] == lab)
    if len(ys) < 30:
        return False
    ys = ys.astype(np.float64) + y0
    xs = xs.astype(np.float64) + x0
    tol = max(0.6 / mmpx, 2.0)
    fit = _fit_circle(ys, xs, tol, rng)
    if fit is None:
        return False
    cy, cx, r = fit
    if not (STAMP_R_MM[0] <= r * mmpx <= STAMP_R_MM[1]):
        return False
    return float((np.abs(np.hypot(ys - cy, xs - cx) - r) < tol).mean()) >= 0.85


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


PEN_WIDTH_MM = 1.5
"""Pen strokes over a stamp are thinner than this on average (ballpoint 0.3-1 mm, blurred)."""


def ring_bands(
    mask: np.ndarray, cy: float, cx: float, lo: float, hi: float
) -> list[tuple[float, float]]:
    """The radii (from, to) in pixels that a stamp's rings cover, between ``lo`` and ``hi``.

    A ring is a radius at which ink runs round (almost) the whole visible circle: >= 90% of 72
    angle bins within half a pixel of it; its band is the run of radii around it where that
    share stays >= 40% (the ring's width, blurred). Lettering along a ring covers at most the arc
    it is printed on, with gaps between the letters, so it is not a ring."""
    h, w = mask.shape
    ys, xs = np.nonzero(mask)
    if not len(ys) or hi <= lo:
        return []
    d = np.hypot(ys - cy, xs - cx)
    near = (d >= lo - 1) & (d <= hi + 1)
    d, ang = d[near], np.arctan2(ys[near] - cy, xs[near] - cx)
    nb = 72
    abin = ((ang + np.pi) / (2 * np.pi) * nb).astype(int) % nb
    centres = (np.arange(nb) + 0.5) / nb * 2 * np.pi - np.pi
    radii = np.arange(lo, hi + 0.5, 0.5)
    cover = np.zeros(len(radii))
    for i, rr in enumerate(radii):
        by, bx = cy + rr * np.sin(centres), cx + rr * np.cos(centres)
        visible = (by >= 0) & (by < h) & (bx >= 0) & (bx < w)
        if visible.sum() < nb // 5:
            continue
        hit = np.zeros(nb, dtype=bool)
        hit[abin[np.abs(d - rr) <= 0.5]] = True
        cover[i] = (hit & visible).sum() / visible.sum()
    out: list[tuple[float, float]] = []
    i = 0
    while i < len(radii):
        if cover[i] < 0.4:
            i += 1
            continue
        j = i
        while j + 1 < len(radii) and cover[j + 1] >= 0.4:
            j += 1
        if cover[i : j + 1].max() >= 0.9:
            out.append((float(radii[i]), float(radii[j])))
        i = j + 1
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


def stamp_ink(mask, labels, count, areas, objs, mmpx, rng, colour, feats):
    """The round stamps in an area and the ink that is theirs: (stamps, inside, ring_off, foreign).

    ``inside`` is the stamps' ink (their disks, lettering between the rings, pieces lying on them),
    minus pen ink told apart by ``colour`` (the area in RGB, or None); ``ring_off`` the share of a
    ring's component that lies inside it off the ring (ink joined to it); ``foreign`` the size (mm)
    of the largest ink over a stamp not told apart from it. ``feats`` gets the measurements."""
    h, w = mask.shape
    stamps = _find_stamps(labels, count, areas, objs, mmpx, rng) if count else []
    feats["stamps"] = len(stamps)
    yy, xx = np.mgrid[0:h, 0:w] if stamps else (None, None)
    inside = np.zeros((h, w), dtype=bool)
    ring_off = 0.0
    foreign = 0.0
    disks: list = []
    ring_px = np.zeros((h, w), dtype=bool)
    geo = np.zeros((h, w), dtype=bool)
    for cy, cx, r, lab in stamps:
        # the found circle may be the inner ring of a stamp whose outer ring is cut off by the
        # area's edge: the letters between the rings are the stamp's too
        dist = np.hypot(yy - cy, xx - cx)
        r_in = r * 1.06 + 2
        inside |= dist <= r_in
        r_out = _outer_ring(mask, cy, cx, r, mmpx)
        if r_out > r:
            # between the rings, only what fits there is the stamp's (its lettering and outer
            # ring); a pen stroke crossing the outer ring stays ink to judge
            r_hi = r_out * 1.06 + 2
            ann = mask & (dist > r_in) & (dist <= r_hi)
            slack = 1.0 / mmpx
            for lb in np.unique(labels[ann]):
                comp = labels == lb
                dl = dist[comp]
                if dl.min() >= r - slack and dl.max() <= r_hi + slack:
                    inside |= comp
        # a component lying almost wholly on the stamp's disk is the stamp's (a letter or a piece
        # of ring that sticks out where the print is a little oval); a pen stroke crossing the
        # stamp reaches well beyond it and keeps its outer part
        disk = dist <= max(r_out, r) * 1.12 + 2
        on = np.bincount(labels[disk], minlength=count + 1)
        mostly = np.nonzero((on >= 0.9 * areas) & (on > 0))[0]
        mostly = mostly[mostly > 0]
        if len(mostly):
            inside |= np.isin(labels, mostly)
        disks.append((dist, disk, max(r_out, r)))
        fy, fx, fr = refine_circle(labels == lab, cy, cx, r, max(0.6 / mmpx, 2.0))
        rings = ring_pixels(mask, fy, fx, 0.55 * fr, max(r_out, r) * 1.12 + 2)
        # the circle found and the outer ring are rings even where faded into short arcs
        fdist = np.hypot(yy - fy, xx - fx)
        rtol = max(0.5 / mmpx, 2.0)
        rings |= mask & (np.abs(fdist - fr) <= rtol)
        if r_out > r:
            rings |= mask & (np.abs(fdist - r_out) <= rtol)
        geo |= pen_across_rings(mask, dist, disk, rings, max(r_out, r), mmpx)
        sel = labels == lab
        ring_px |= sel & (np.abs(dist - r) <= max(0.5 / mmpx, 1.5))
        py, px = np.nonzero(sel)
        rr = np.hypot(py - cy, px - cx)
        tol = max(1.0 / mmpx, 3.0)
        off = (np.abs(rr - r) > tol) & (rr < r)
        ring_off = max(ring_off, float(off.mean()) if len(rr) else 0.0)
    pen = None
    if stamps and colour is not None:
        from .inkcolour import pen_over_stamp

        pen, cinfo = pen_over_stamp(colour, mask, ring_px, inside)
        feats.update(cinfo)
        if pen is not None:
            inside &= ~pen
    if disks:
        # what is written over a stamp and not told apart from it (by colour) keeps the call
        # from 'not_signed'
        flab, fcount = (labels, count) if pen is None else components(mask & ~pen)
        for dist, disk, radius in disks:
            on = np.bincount(flab[disk], minlength=fcount + 1)
            foreign = max(foreign, _foreign_on_stamp(flab, dist, disk, on, radius, mmpx))
    if geo.any():
        # pen strokes across the stamp told by their geometry are judged with the other ink
        inside &= ~geo
        feats["pen_across_rings_px"] = int(geo.sum())
    feats["stamp_ring_off"] = round(ring_off, 3)
    feats["on_stamp_mm"] = round(foreign, 1)
    return stamps, inside, ring_off, foreign
