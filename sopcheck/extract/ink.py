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
  inked, radius 6-32 mm) with a stamp's other parts (a second concentric ring or lettering):
  everything on its disk is the stamp, unless the page has colour and the ink differs from the
  stamp's ring colour (``inkcolour``: a pen over the stamp). Ink outside is judged like any other
  ink, so a signature over a stamp still counts; pen-sized ink over the stamp that colour cannot
  split, or ink joined to the ring inside it, makes the call 'uncertain', never 'not_signed';
- a piece of a circle (a stamp's ring outside the area) is not a stroke; glyph-sized marks on
  one line at the area's edge are a text line the OCR missed;
- a signature is >= 35 mm of curved pen stroke (the major strokes wind, or one long stroke does),
  >= 10 mm wide, with one stroke >= 6 mm across.
  Little or no stroke (< 8 mm) is 'not_signed'; anything in between, printed text left over
  (many small characters), smudges or straight strokes only are 'uncertain', never 'signed'.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from PIL import Image

__all__ = [
    "box_fill",
    "components",
    "edge_text_bands",
    "ink_mask",
    "signature_presence",
    "tick_state",
]

DEFAULT_DPI = 200.0

# Physical thresholds (millimetres).
SPECK_MM = 1.2
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
FOREIGN_MM = 7.0
RULE_RUN_MM = 20.0
RULE_SHARE_MIN = 0.5
"""A ruling line runs >= RULE_RUN_MM and over half the area's width (or height)."""
TEXT_LINE_MM = 6.0
TEXT_EDGE_MM = 8.0
"""Only glyph-sized marks within TEXT_LINE_MM of height, TEXT_EDGE_MM from an edge: a text line."""
WINDING_MIN = 1.5
WINDING_LEN_MM = 20.0
"""Or one stroke of at least WINDING_LEN_MM that winds (its own length / diagonal >= 1.5)."""
STAMP_R_MM = (6.0, 32.0)

# Tick boxes: share of the interior inked.
TICK_ON = 0.08
TICK_OFF = 0.025


def _gray(img: Image.Image) -> np.ndarray:
    if img.mode != "L":
        img = img.convert("L")
    return np.asarray(img, dtype=np.float32)


def _otsu(values: np.ndarray) -> float:
    hist, edges = np.histogram(values, bins=256, range=(0, 256))
    hist = hist.astype(np.float64)
    total = hist.sum()
    if total == 0:
        return 128.0
    centers = (edges[:-1] + edges[1:]) / 2
    w0 = np.cumsum(hist)
    w1 = total - w0
    m0 = np.cumsum(hist * centers)
    mt = m0[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mt * w0 / total - m0) ** 2 / (w0 * w1)
    between = np.nan_to_num(between)
    return float(centers[int(np.argmax(between))])


def _paper(a: np.ndarray, block: int) -> np.ndarray:
    """Local paper level: the 90th percentile per block, smoothed, never below half the global."""
    h, w = a.shape
    block = max(8, block)
    bh, bw = -(-h // block), -(-w // block)
    pad = np.pad(a, ((0, bh * block - h), (0, bw * block - w)), mode="edge")
    blocks = pad.reshape(bh, block, bw, block).transpose(0, 2, 1, 3).reshape(bh, bw, -1)
    p = np.percentile(blocks, 90, axis=2)
    glob = float(np.percentile(a, 90))
    # a block covered by ink borrows from its brighter neighbours
    padded = np.pad(p, 1, mode="edge")
    neigh = np.max(
        np.stack([padded[dy : dy + bh, dx : dx + bw] for dy in range(3) for dx in range(3)]), axis=0
    )
    p = np.maximum(p, np.minimum(neigh, glob) * 0.85)
    p = np.maximum(p, max(glob * 0.5, 1.0))
    full = np.repeat(np.repeat(p, block, axis=0), block, axis=1)[:h, :w]
    return full


def ink_mask(
    img: Image.Image | np.ndarray,
    dpi: float = DEFAULT_DPI,
    paper: float | None = None,
) -> tuple[np.ndarray, float]:
    """Boolean ink mask and the threshold used (on the paper-normalised 0..255 scale)."""
    a = _gray(img) if isinstance(img, Image.Image) else np.asarray(img, dtype=np.float32)
    if a.size == 0:
        return np.zeros(a.shape, dtype=bool), 0.0
    if paper is None:
        bg = _paper(a, int(round(8 * dpi / 25.4)))
    else:
        bg = np.full(a.shape, max(float(paper), 1.0), dtype=np.float32)
    n = np.clip(a / bg * 255.0, 0, 255)
    thr = float(np.clip(_otsu(n), 0.55 * 255, 0.72 * 255))
    return n < thr, thr


def strip_rules(mask: np.ndarray, dpi: float = DEFAULT_DPI) -> np.ndarray:
    """The mask without straight horizontal / vertical runs of ink >= RULE_RUN_MM and half the
    area across (table rules, long underlines, a box's border). A run may wander +-2 pixels across its direction, so rules a
    degree or two off the axis (a phone photo's perspective) are found too. A pen does not draw
    that straight for that long, and a straight stroke is no evidence of a signature anyway."""
    out = mask.copy()
    n = int(RULE_RUN_MM * dpi / 25.4)
    k = 2
    for m, t in ((mask, False), (mask.T, True)):
        h, w = m.shape
        if h <= 2 * k or w < n:
            continue
        need = max(n, int(RULE_SHARE_MIN * w))
        wide = m.copy()
        for d in range(1, k + 1):
            wide[d:] |= m[:-d]
            wide[:-d] |= m[d:]
        p = np.zeros((h, w + 2), dtype=np.int8)
        p[:, 1:-1] = wide
        dd = np.diff(p, axis=1)
        rs, cs = np.nonzero(dd == 1)
        _, ce = np.nonzero(dd == -1)
        long = (ce - cs) >= need
        for r, c0, c1 in zip(rs[long], cs[long], ce[long], strict=True):
            if t:
                out[c0:c1, max(0, r - k) : r + k + 1] = False
            else:
                out[max(0, r - k) : r + k + 1, c0:c1] = False
    if (out == mask).all():
        return out
    # what is left of a ruling line (its ends, where it bends off the axis) goes with it: a
    # component that lost most of its ink here was a line
    labels, count = components(mask)
    before = np.bincount(labels.ravel(), minlength=count + 1)
    after = np.bincount(labels[out], minlength=count + 1)
    gone = np.nonzero(after < 0.5 * before)[0]
    gone = gone[gone > 0]
    if len(gone):
        out &= ~np.isin(labels, gone)
    return out


def components(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """8-connected components of a boolean mask: (labels int32 image with 0 = background, count)."""
    h, w = mask.shape
    labels = np.zeros((h, w), dtype=np.int32)
    if not mask.any():
        return labels, 0
    m = np.zeros((h, w + 2), dtype=np.int8)
    m[:, 1:-1] = mask
    d = np.diff(m, axis=1)
    rs, cs = np.nonzero(d == 1)
    re, ce = np.nonzero(d == -1)  # end exclusive
    n = len(rs)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    row_start = np.searchsorted(rs, np.arange(h + 1))
    for r in range(h - 1):
        a0, a1 = row_start[r], row_start[r + 1]
        b0, b1 = row_start[r + 1], row_start[r + 2]
        i, j = a0, b0
        while i < a1 and j < b1:
            # 8-connectivity: overlap allowing diagonal touch
            if cs[i] <= ce[j] and cs[j] <= ce[i]:
                ri, rj = find(i), find(j)
                if ri != rj:
                    parent[max(ri, rj)] = min(ri, rj)
            if ce[i] < ce[j]:
                i += 1
            else:
                j += 1
    roots = np.array([find(i) for i in range(n)])
    uniq, lab = np.unique(roots, return_inverse=True)
    lab = lab.astype(np.int32) + 1
    lengths = ce - cs
    flat_idx = np.repeat(rs * w + cs - np.cumsum(np.r_[0, lengths[:-1]]), lengths) + np.arange(
        lengths.sum()
    )
    labels.reshape(-1)[flat_idx] = np.repeat(lab, lengths)
    return labels, len(uniq)


def _boundary(mask: np.ndarray) -> np.ndarray:
    p = np.pad(mask, 1)
    inner = p[1:-1, 1:-1] & p[:-2, 1:-1] & p[2:, 1:-1] & p[1:-1, :-2] & p[1:-1, 2:]
    return mask & ~inner


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
    # keep the outer circle when two rings share a centre
    found.sort(key=lambda c: -c[2])
    out: list[tuple[float, float, float, int]] = []
    for c in found:
        if any(np.hypot(c[0] - o[0], c[1] - o[1]) < o[2] * 0.3 and c[2] <= o[2] for o in out):
            continue
        out.append(c)
    return out


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


def signature_presence(
    area: Image.Image,
    mask_boxes: Iterable[Sequence[int]] = (),
    *,
    dpi: float = DEFAULT_DPI,
    colour: Image.Image | None = None,
) -> tuple[str, float, dict]:
    """Is there a handwritten signature in ``area``?

    ``mask_boxes`` are printed-text boxes (x, y, w, h) in the area's pixel coordinates; they are
    blanked before judging. ``colour``: the same area in colour (RGB), when the page has colour:
    pen strokes written over a stamp are then told from the stamp's ink by their colour
    (``inkcolour.pen_over_stamp``). Returns (call, confidence, features) with call 'signed', 'not_signed'
    or 'uncertain'; features are the measurements the call rests on (millimetres).
    """
    a = _gray(area).copy()
    h, w = a.shape
    feats: dict = {
        "dpi": dpi,
        "width_mm": round(w * 25.4 / dpi, 1),
        "height_mm": round(h * 25.4 / dpi, 1),
    }
    if h < 4 or w < 4:
        feats["reason"] = "area too small"
        return "uncertain", 0.0, feats
    hi = float(np.percentile(a, 95))
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
    stamps = _find_stamps(labels, count, areas, objs, mmpx, rng) if count else []
    feats["stamps"] = len(stamps)
    yy, xx = np.mgrid[0:h, 0:w] if stamps else (None, None)
    inside = np.zeros((h, w), dtype=bool)
    ring_off = 0.0
    foreign = 0.0
    disks: list = []
    ring_px = np.zeros((h, w), dtype=bool)
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
        sel = labels == lab
        ring_px |= sel & (np.abs(dist - r) <= max(0.5 / mmpx, 1.5))
        py, px = np.nonzero(sel)
        rr = np.hypot(py - cy, px - cx)
        tol = max(1.0 / mmpx, 3.0)
        off = (np.abs(rr - r) > tol) & (rr < r)
        ring_off = max(ring_off, float(off.mean()) if len(rr) else 0.0)
    pen = None
    if stamps and colour is not None and colour.size == area.size:
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
    feats["stamp_ring_off"] = round(ring_off, 3)
    feats["on_stamp_mm"] = round(foreign, 1)
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
        return "signed", round(conf, 2), feats
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


def edge_text_bands(area: Image.Image, line_h: float, dpi: float = DEFAULT_DPI) -> tuple[int, int]:
    """(top, bottom) rows of ``area`` without the lines of text that sit on its top and bottom
    edges (a date line, a decision line, a printed name the OCR did not read).

    A text line is a band of ink rows at most 2 line heights tall, separated from the rest by
    blank rows (>= 0.4 line height), starting within 1.5 line heights of the edge, and made of at
    least 4 separate glyph-sized components. A signature is taller and joined up, so it is left
    alone; what touches a signature is left too (a wrong cut would hide it)."""
    a = _gray(area)
    h, w = a.shape
    if h < 8 or w < 8:
        return 0, h
    mask, _ = ink_mask(a, dpi)
    labels, count = components(strip_rules(mask, dpi))
    if not count:
        return 0, h
    sizes = np.bincount(labels.ravel(), minlength=count + 1)
    speck = (SPECK_MM * dpi / 25.4) ** 2 / 4
    keep = np.r_[False, sizes[1:] >= speck]
    mask = keep[labels]
    rows = mask.any(axis=1)
    runs = []  # (start, end) of ink row bands
    y = 0
    while y < h:
        if rows[y]:
            y1 = y
            while y1 < h and rows[y1]:
                y1 += 1
            runs.append([y, y1])
            y = y1
        else:
            y += 1
    gap = max(2, int(0.4 * line_h))
    bands: list[list[int]] = []
    for r0, r1 in runs:  # rows closer than the gap belong to one band (i dots, accents)
        if bands and r0 - bands[-1][1] < gap:
            bands[-1][1] = r1
        else:
            bands.append([r0, r1])

    def texty(b0: int, b1: int) -> bool:
        if b1 - b0 > 2.0 * line_h:
            return False
        sub = labels[b0:b1]
        ids = np.unique(sub[mask[b0:b1]])
        # every component of the band lies inside it (none reaches into the rest of the area)
        whole = [i for i in ids if not (labels[:b0] == i).any() and not (labels[b1:] == i).any()]
        return len(whole) == len(ids) and len(ids) >= 4

    top, bottom = 0, h
    edge = 1.5 * line_h
    while bands and bands[0][0] - top <= edge and texty(*bands[0]) and len(bands) > 0:
        top = bands.pop(0)[1]
    while bands and bottom - bands[-1][1] <= edge and texty(*bands[-1]):
        bottom = bands.pop()[0]
    if bottom - top < line_h:
        return 0, h
    return top, bottom


def _bboxes(labels: np.ndarray, count: int) -> dict[int, tuple[int, int, int, int]]:
    ys, xs = np.nonzero(labels)
    lab = labels[ys, xs]
    y0 = np.full(count + 1, 1 << 30)
    x0 = np.full(count + 1, 1 << 30)
    y1 = np.full(count + 1, -1)
    x1 = np.full(count + 1, -1)
    np.minimum.at(y0, lab, ys)
    np.minimum.at(x0, lab, xs)
    np.maximum.at(y1, lab, ys)
    np.maximum.at(x1, lab, xs)
    return {
        i: (int(y0[i]), int(x0[i]), int(y1[i]) + 1, int(x1[i]) + 1) for i in range(1, count + 1)
    }


def box_fill(box: Image.Image, paper: float | None = None) -> float:
    """Share (0..1) of a tick box's interior that is inked.

    ``box`` is the box as printed (its border included, a little margin allowed). Border lines
    (rows or columns in the outer band that are mostly ink) are dropped and the interior is shrunk
    by 15% on each side, so an empty printed box reads near 0.
    """
    a = _gray(box)
    h, w = a.shape
    if h < 5 or w < 5:
        return 0.0
    if paper is None:
        paper = float(np.percentile(a, 90))
    mask, _ = ink_mask(a, paper=paper)
    mask = mask.copy()
    band_y, band_x = max(1, int(h * 0.3)), max(1, int(w * 0.3))
    for axis, n, band in ((1, h, band_y), (0, w, band_x)):
        frac = mask.mean(axis=axis)
        for i in list(range(band)) + list(range(n - band, n)):
            lo, hi = max(0, i - 1), min(n, i + 2)
            if frac[lo:hi].max() > 0.5:
                if axis == 1:
                    mask[i, :] = False
                else:
                    mask[:, i] = False
    sy, sx = int(round(h * 0.15)), int(round(w * 0.15))
    inner = mask[sy : h - sy, sx : w - sx]
    return float(inner.mean()) if inner.size else 0.0


def tick_state(setuju_box: Image.Image, tolak_box: Image.Image) -> tuple[str | None, str, float]:
    """(decision, state, confidence) from the Setuju and Tolak boxes.

    decision is 'setuju', 'tolak' or None; state is 'clear', 'both', 'neither' or 'unknown'
    (a fill between 'empty' and 'ticked': a person must look).
    """
    both = np.concatenate([_gray(setuju_box).ravel(), _gray(tolak_box).ravel()])
    paper = float(np.percentile(both, 90)) if both.size else None
    fs = box_fill(setuju_box, paper)
    ft = box_fill(tolak_box, paper)

    def margin(f: float) -> float:
        if f >= TICK_ON:
            return min(1.0, (f - TICK_ON) / TICK_ON + 0.5)
        if f <= TICK_OFF:
            return min(1.0, (TICK_OFF - f) / TICK_OFF * 0.5 + 0.5)
        return 0.0

    on_s, on_t = fs >= TICK_ON, ft >= TICK_ON
    off_s, off_t = fs <= TICK_OFF, ft <= TICK_OFF
    conf = round(float(0.5 + 0.49 * min(margin(fs), margin(ft))), 2)
    if on_s and off_t:
        return "setuju", "clear", conf
    if on_t and off_s:
        return "tolak", "clear", conf
    if on_s and on_t:
        return None, "both", conf
    if off_s and off_t:
        return None, "neither", conf
    return None, "unknown", 0.3
