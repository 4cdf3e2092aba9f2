"""Round official stamps (cap) in a signature area: circles found by RANSAC with a stamp's other
parts (a second ring or lettering), the ink that belongs to them, and pieces of a ring."""

from __future__ import annotations

import numpy as np

from .inkbase import components
from .inkrings import FOREIGN_MM, pen_across_rings, refine_points, ring_pixels

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
    # inliers |d - r| < tol counted on squared distances (r - tol)^2 < d^2 < (r + tol)^2, 32
    # circles at a time: no square root, and blocks that stay in the cache (a sixth of the time)
    lo2 = np.where(r > tol, (r - tol) ** 2, -1.0)[:, None]
    hi2 = ((r + tol) ** 2)[:, None]
    score = np.empty(len(r), dtype=np.int64)
    for i in range(0, len(r), 32):
        b = slice(i, i + 32)
        d2 = (xs[None, :] - ux[b, None]) ** 2
        d2 += (ys[None, :] - uy[b, None]) ** 2
        score[b] = np.count_nonzero((d2 > lo2[b]) & (d2 < hi2[b]), axis=1)
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
        ys, xs = _pixels(labels, bboxes, lab)
        tol = max(0.6 / mmpx, 2.0)
        fit = _stamp_circle(ys, xs, tol, rng, mmpx)
        if fit is None:
            continue
        cy, cx, r = fit
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


def _pixels(labels, bboxes, lab) -> tuple[np.ndarray, np.ndarray]:
    """(ys, xs) of the pixels of component ``lab``, as floats in the area's coordinates."""
    y0, x0, y1, x1 = bboxes[lab]
    ys, xs = np.nonzero(labels[y0:y1, x0:x1] == lab)
    return ys.astype(np.float64) + y0, xs.astype(np.float64) + x0


def _stamp_circle(ys, xs, tol, rng, mmpx):
    """The circle (cy, cx, r) through these pixels when there is one of a stamp's radius, else None."""
    fit = _fit_circle(ys, xs, tol, rng)
    if fit is None or not (STAMP_R_MM[0] <= fit[2] * mmpx <= STAMP_R_MM[1]):
        return None
    return fit


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
        ys, xs = _pixels(labels, bboxes, lab)
        if len(ys) < 30:
            continue
        fit = _stamp_circle(ys, xs, tol, rng, mmpx)
        if fit is None:
            continue
        cy, cx, r = fit
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
    ids = np.nonzero(on >= 20)[0]
    ids = ids[ids > 0]
    if not len(ids):
        return out
    # each component's extent and spread of radii on the disk, all in one pass over its pixels
    ys, xs = np.nonzero(disk & (labels > 0))
    lab, dl = labels[ys, xs], dist[ys, xs]
    n = len(on)
    lo = [
        np.full(n, np.iinfo(np.int64).max),
        np.full(n, np.iinfo(np.int64).max),
        np.full(n, np.inf),
    ]
    hi = [np.full(n, -1), np.full(n, -1), np.full(n, -np.inf)]
    for v, a, b in zip((ys, xs, dl), lo, hi, strict=True):
        np.minimum.at(a, lab, v)
        np.maximum.at(b, lab, v)
    for lb in ids:
        size = max(hi[0][lb] - lo[0][lb], hi[1][lb] - lo[1][lb]) * mmpx
        if size < FOREIGN_MM:
            continue
        if hi[2][lb] - lo[2][lb] > 0.45 * radius:
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


def stamp_ink(mask, labels, count, areas, objs, mmpx, rng, colour, feats):
    """The round stamps in an area and the ink that is theirs: (stamps, inside, ring_off, foreign).

    ``inside`` is the stamps' ink (their disks, lettering between the rings, pieces lying on them),
    minus pen ink told apart by ``colour`` (the area in RGB, or None); ``ring_off`` the share of a
    ring's component that lies inside it off the ring (ink joined to it); ``foreign`` the size (mm)
    of the largest ink over a stamp not told apart from it. ``feats`` gets the measurements."""
    h, w = mask.shape
    stamps = _find_stamps(labels, count, areas, objs, mmpx, rng) if count else []
    feats["stamps"] = len(stamps)
    yy, xx = np.ogrid[0:h, 0:w] if stamps else (None, None)  # broadcast: the same distances
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
                y0, x0, y1, x1 = objs[lb]  # the component, within its bounding box
                comp = labels[y0:y1, x0:x1] == lb
                dl = dist[y0:y1, x0:x1][comp]
                if dl.min() >= r - slack and dl.max() <= r_hi + slack:
                    inside[y0:y1, x0:x1] |= comp
        # a component lying almost wholly on the stamp's disk is the stamp's (a letter or a piece
        # of ring that sticks out where the print is a little oval); a pen stroke crossing the
        # stamp reaches well beyond it and keeps its outer part
        disk = dist <= max(r_out, r) * 1.12 + 2
        on = np.bincount(labels[disk], minlength=count + 1)
        mostly = np.nonzero((on >= 0.9 * areas) & (on > 0))[0]
        mostly = mostly[mostly > 0]
        if len(mostly):
            lut = np.zeros(count + 1, dtype=bool)
            lut[mostly] = True
            inside |= lut[labels]
        disks.append((dist, disk, max(r_out, r)))
        y0, x0, y1, x1 = objs[lab]  # the ring's component, within its bounding box
        sel = labels[y0:y1, x0:x1] == lab
        py, px = np.nonzero(sel)
        fy, fx, fr = refine_points(
            (py + y0).astype(np.float64), (px + x0).astype(np.float64), cy, cx, r,
            max(0.6 / mmpx, 2.0),
        )  # fmt: skip
        rings = ring_pixels(mask, fy, fx, 0.55 * fr, max(r_out, r) * 1.12 + 2)
        # the circle found and the outer ring are rings even where faded into short arcs
        fdist = np.hypot(yy - fy, xx - fx)
        rtol = max(0.5 / mmpx, 2.0)
        rings |= mask & (np.abs(fdist - fr) <= rtol)
        if r_out > r:
            rings |= mask & (np.abs(fdist - r_out) <= rtol)
        geo |= pen_across_rings(mask, dist, disk, rings, max(r_out, r), mmpx)
        ring_px[y0:y1, x0:x1] |= sel & (np.abs(dist[y0:y1, x0:x1] - r) <= max(0.5 / mmpx, 1.5))
        py, px = py + y0, px + x0
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
