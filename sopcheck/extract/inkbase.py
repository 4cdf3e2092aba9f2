"""Ink on a grey image, measured in millimetres through ``dpi``: the ink mask (darker than the
local paper), connected components, ruling lines stripped, and the text lines on an area's edges."""

from __future__ import annotations

import numpy as np
from PIL import Image

DEFAULT_DPI = 200.0

# Physical thresholds (millimetres).
SPECK_MM = 1.2
RULE_RUN_MM = 20.0
RULE_SHARE_MIN = 0.5
"""A ruling line runs >= RULE_RUN_MM and over half the area's width (or height)."""


def _gray(img: Image.Image) -> np.ndarray:
    if img.mode != "L":
        img = img.convert("L")
    return np.asarray(img, dtype=np.float32)


def _otsu(values: np.ndarray) -> float:
    if values.size and values.min() >= 0 and values.max() < 256:
        # what np.histogram(values, 256, (0, 256)) counts, a tenth of its time: bin = floor(v)
        hist = np.bincount(values.astype(np.intp).ravel(), minlength=256)
        edges = np.arange(257, dtype=np.float64)
    else:
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


def _bytes_valued(a: np.ndarray) -> bool:
    """Every value is a whole number in 0..255 (a grey image as floats)."""
    return bool(a.size) and a.min() >= 0 and a.max() <= 255 and np.array_equal(a, np.floor(a))


def percentile_levels(rows: np.ndarray, q: float) -> np.ndarray:
    """``np.percentile(rows, q, axis=1)`` (linear interpolation) of rows of whole numbers 0..255,
    from each row's histogram instead of a partial sort: the same values."""
    n, m = rows.shape
    counts = np.bincount(
        (rows.astype(np.intp) + 256 * np.arange(n, dtype=np.intp)[:, None]).ravel(),
        minlength=256 * n,
    ).reshape(n, 256)
    dt = rows.dtype if rows.dtype.kind == "f" else np.dtype(np.float64)
    return _levels(np.cumsum(counts, axis=1), m, q, dt)


def _levels(cum: np.ndarray, m: int, q: float, dt: np.dtype) -> np.ndarray:
    """Per row of cumulative histograms ``cum`` of ``m`` values: the ``q``-th percentile as
    ``np.percentile`` computes it (linear interpolation) for an array of dtype ``dt``."""
    pos = (m - 1) * (q / 100.0)
    lo = int(np.floor(pos))
    hi = min(lo + 1, m - 1)
    v_lo = (cum <= lo).sum(axis=1).astype(dt)  # the value of order statistic ``lo``
    v_hi = (cum <= hi).sum(axis=1).astype(dt)
    t = pos - lo
    # numpy's own interpolation (``_lerp``, in the array's precision): the same values to the bit
    if t >= 0.5:
        return v_hi - (v_hi - v_lo) * dt.type(1 - t)
    return v_lo + (v_hi - v_lo) * dt.type(t)


def byte_percentile(a: np.ndarray, q: float, dtype=np.float64):
    """``np.percentile(a.astype(dtype), q)`` of a uint8 array (a grey or colour channel's
    levels), from its histogram: the same value to the bit, in about a third of the time of
    numpy's partial sort on a signature area."""
    if a.dtype != np.uint8 or not a.size:
        return np.percentile(np.asarray(a, dtype=dtype), q)
    cum = np.cumsum(np.bincount(a.ravel(), minlength=256))
    return _levels(cum[None], a.size, q, np.dtype(dtype))[0]


def _block_counts(a: np.ndarray, block: int, bh: int, bw: int) -> tuple[np.ndarray, np.ndarray]:
    """(histogram of each ``block`` x ``block`` block of ``a`` padded to ``bh`` x ``bw`` whole
    blocks by repeating its last row and column (``np.pad(mode="edge")``), shape (bh * bw, 256);
    the histogram of ``a`` itself). ``a`` holds whole numbers 0..255. Counted in one
    ``bincount`` over the pixels tagged with their block, the padding added as the last row's and
    column's counts repeated: no padded copy, no blocks cut out."""
    h, w = a.shape
    n = bh * bw
    idx = a.astype(np.intp)
    idx += (np.arange(h, dtype=np.intp) // block * (bw * 256))[:, None]
    idx += (np.arange(w, dtype=np.intp) // block * 256)[None, :]
    counts = np.bincount(idx.ravel(), minlength=256 * n)
    whole = counts.reshape(n, 256).sum(axis=0)
    ph, pw = bh * block - h, bw * block - w  # rows and columns of padding
    if ph:
        counts += ph * np.bincount(idx[-1], minlength=256 * n)
    if pw:
        counts += pw * np.bincount(idx[:, -1], minlength=256 * n)
    if ph and pw:
        counts[idx[-1, -1]] += ph * pw  # the corner, repeated both ways
    return counts.reshape(n, 256), whole


def _paper(a: np.ndarray, block: int) -> np.ndarray:
    """Local paper level: the 90th percentile per block, smoothed, never below half the global."""
    h, w = a.shape
    block = max(8, block)
    bh, bw = -(-h // block), -(-w // block)
    if _bytes_valued(a):  # a grey image's levels: counted, a fraction of a sort's time
        counts, whole = _block_counts(a, block, bh, bw)
        dt = a.dtype if a.dtype.kind == "f" else np.dtype(np.float64)
        p = _levels(np.cumsum(counts, axis=1), block * block, 90, dt).reshape(bh, bw)
        glob = float(_levels(np.cumsum(whole)[None], h * w, 90, dt)[0])
    else:
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


RULE_SLANTS_DEG = tuple(float(d) for d in range(-6, 7))
"""Slants off the axis at which ruling lines are looked for, a degree apart: a phone photo's
perspective leaves a table's lines several degrees off the axis even after the page is deskewed.
Off the axis a run may wander enough rows to cover the half degree either side of its slant."""
SLANTED_RULE_SHARE_MIN = 0.85
"""A line off the axis is taken for a ruling line only when it runs across nearly the whole area
(a table's cell border does; a pen's underline or downstroke, however straight, does not)."""


def _long_runs(m: np.ndarray, n: int, k: int) -> np.ndarray:
    """Where ``m`` has horizontal runs of at least ``n`` pixels that may wander +-``k`` rows: the
    runs' pixels widened by ``k`` rows (what is removed as a ruling line)."""
    h, w = m.shape
    rem = np.zeros_like(m)
    if h <= 2 * k or w < n:
        return rem
    wide = m.copy()
    for d in range(1, k + 1):
        wide[d:] |= m[:-d]
        wide[:-d] |= m[d:]
    cand = np.nonzero(wide.sum(axis=1) >= n)[0]  # only rows with that much ink can hold a run
    if not len(cand):
        return rem
    p = np.zeros((len(cand), w + 2), dtype=np.int8)
    p[:, 1:-1] = wide[cand]
    dd = np.diff(p, axis=1)
    rs, cs = np.nonzero(dd == 1)
    _, ce = np.nonzero(dd == -1)
    long = (ce - cs) >= n
    rs = cand[rs]
    for r, c0, c1 in zip(rs[long], cs[long], ce[long], strict=True):
        rem[max(0, r - k) : r + k + 1, c0:c1] = True
    return rem


def _sheared_runs(m: np.ndarray, n: int, k: int, degrees: float) -> np.ndarray:
    """``_long_runs`` of lines slanted by ``degrees``: the columns are shifted so such a line
    becomes horizontal, the runs are found, and shifted back."""
    if degrees == 0.0:
        return _long_runs(m, n, k)
    h, w = m.shape
    shift = -np.round(np.arange(w) * np.tan(np.radians(degrees))).astype(int)
    shift -= shift.min()
    # the shift is constant over runs of columns: move each run as one slice
    edges = np.flatnonzero(np.diff(shift)) + 1
    spans = list(zip(np.r_[0, edges], np.r_[edges, w], strict=True))
    sheared = np.zeros((h + int(shift.max()), w), dtype=bool)
    for c0, c1 in spans:
        sheared[shift[c0] : shift[c0] + h, c0:c1] = m[:, c0:c1]
    rem = _long_runs(sheared, n, k)
    out = np.empty_like(m)
    for c0, c1 in spans:
        out[:, c0:c1] = rem[shift[c0] : shift[c0] + h, c0:c1]
    return out


def _longest_true_run(v: np.ndarray) -> int:
    """The length of the longest stretch of adjacent True values in the 1-D boolean ``v``."""
    d = np.diff(np.concatenate(([False], v, [False])).astype(np.int8))
    starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    return int((ends - starts).max()) if len(starts) else 0


def strip_rules(mask: np.ndarray, dpi: float = DEFAULT_DPI) -> np.ndarray:
    """The mask without straight runs of ink >= RULE_RUN_MM and half the area across (horizontal
    or vertical: table rules, long underlines, a box's border), or nearly all of it across when
    slanted up to 6 degrees off the axis (the same lines where a phone photo's perspective leaves
    them off the axis; see RULE_SLANTS_DEG). A pen does not draw that straight for that long, and a straight stroke is
    no evidence of a signature anyway."""
    out = mask.copy()
    n = int(RULE_RUN_MM * dpi / 25.4)
    k = 2
    for m, t in ((mask, False), (mask.T, True)):
        # a run of ``need`` pixels, however slanted (and widened by its wander: rows only), has
        # ink in ``need`` adjacent columns: with no such stretch of inked columns there is
        # nothing to look for at any slant
        inked = _longest_true_run(m.any(axis=0))
        for deg in RULE_SLANTS_DEG:
            share = RULE_SHARE_MIN if deg == 0.0 else SLANTED_RULE_SHARE_MIN
            need = max(n, int(share * m.shape[1]))
            if inked < need:
                continue
            # off the axis, wander enough to cover half a degree either side of the slant
            wander = k if deg == 0.0 else max(k, int(np.ceil(need * np.tan(np.radians(0.5)) / 2)))
            rem = _sheared_runs(m, need, wander, deg)
            out &= ~(rem.T if t else rem)
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
    """8-connected components of a boolean mask: (labels int32 image with 0 = background, count).

    Labels are numbered in the order of each component's first pixel in raster order. Numpy only
    and without a Python loop over the runs: the mask's horizontal runs are linked to the runs
    they touch in the next row (found by binary search, the runs of a row being sorted), and the
    links are merged by hooking the larger root under the smaller and halving paths until nothing
    changes (a few rounds: each halves the distance to the roots)."""
    h, w = mask.shape
    labels = np.zeros((h, w), dtype=np.int32)
    if not mask.any():
        return labels, 0
    m = np.zeros((h, w + 2), dtype=bool)
    m[:, 1:-1] = mask
    # a row's run starts and ends (exclusive) alternate in raster order: where a pixel differs
    # from its left neighbour (found in the flat array and split into row and column: a fifth
    # of the time of ``np.nonzero`` on the 2-D difference, the same indices)
    rs, cols = np.divmod(np.flatnonzero(m[:, 1:] != m[:, :-1]), w + 1)
    rs, cs, ce = rs[::2], cols[::2], cols[1::2]
    n = len(rs)
    # runs j of row r + 1 touching run i of row r (8-connectivity: cs[j] <= ce[i], ce[j] >= cs[i])
    k = np.int64(w + 3)
    row = rs.astype(np.int64) * k
    lo = np.searchsorted(row + ce, row + k + cs, side="left")
    hi = np.searchsorted(row + cs, row + k + ce, side="right")
    cnt = np.maximum(hi - lo, 0)
    total = int(cnt.sum())
    parent = np.arange(n, dtype=np.int64)
    if total:
        u = np.repeat(np.arange(n, dtype=np.int64), cnt)
        v = np.repeat(lo - np.cumsum(cnt) + cnt, cnt) + np.arange(total, dtype=np.int64)
        while True:
            pu, pv = parent[u], parent[v]
            diff = pu != pv
            if not diff.any():
                break
            pu, pv = pu[diff], pv[diff]
            # hook each linked root under the smaller one (the smallest link wins: minimum.at)
            np.minimum.at(parent, np.maximum(pu, pv), np.minimum(pu, pv))
            while True:  # compress: every run points at its root
                pp = parent[parent]
                if np.array_equal(pp, parent):
                    break
                parent = pp
    uniq, lab = np.unique(parent, return_inverse=True)
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
        outside = np.concatenate((labels[:b0].ravel(), labels[b1:].ravel()))
        return len(ids) >= 4 and not np.isin(ids, outside).any()

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
