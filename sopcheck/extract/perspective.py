"""Perspective correction of a photographed page: find the paper's four edges against a darker
background and warp the quadrilateral they enclose to an upright rectangle.

A phone photo shows the sheet as a quadrilateral: its ruling lines and table borders converge, and
no rotation (deskew) can make them straight again. Here, on a copy reduced to about 800 pixels,
each side of the picture is scanned inwards row by row (column by column) for the first steep rise
from the background to the paper; a straight line is fitted to each side's rises (RANSAC, then
least squares on the inliers), and the four lines' crossings are the page's corners. The page is
warped only when the evidence is clear: each edge seen over a good part of its length and close to
a straight line, the quadrilateral convex and large, and not already a rectangle (a rectangle,
rotated or not, is left to deskew). Anything else (a scan, a clean page, a page filling the frame,
a busy background) is left exactly as it is, and costs one reduced copy and a few array passes.

The warp is returned with its 3x3 map from the straightened page back to the input image, so that
``Page.to_source`` still sends every crop back into the source (see ``pages.prepare``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

SMALL_SIDE = 800
"""Long side (pixels) of the reduced copy the edges are searched on."""
CONTRAST = 1.5
"""Paper at least this many times brighter than the background where a row crosses the edge."""
RUN = 3
"""Pixels of the reduced copy that must all be paper after the rise (noise is not an edge)."""
MIN_SEEN = 0.35
"""Each edge is seen (inlier rises) over at least this share of the picture's height / width."""
MIN_INLIERS = 0.6
"""... and at least this share of that side's rises lies on its fitted line."""
TOLERANCE = 1.5
"""Pixels of the reduced copy a rise may lie off its side's line and still count as on it."""
MIN_AREA = 0.3
"""The page covers at least this share of the picture."""
RECT_DEG = 0.3
"""Opposite sides parallel and neighbours square within this (degrees): already a rectangle."""
INSET = 3
"""Pixels (input resolution) taken off each edge, so that no sliver of table is warped in."""
A4_LONG_IN = 11.69
LIFT_TO = 0.9
"""Paper dimmer than this share of the page's bright paper is brightened up to it; the rest of the
page is left as it is."""


@dataclass(frozen=True, kw_only=True)
class Quad:
    """The page's corners found in a photo, in pixels of the image they were found in."""

    corners: tuple[tuple[float, float], ...]
    """Top-left, top-right, bottom-right, bottom-left (continuous pixel coordinates)."""
    skew_deg: float
    """Largest departure from a rectangle: opposite sides' angle or a corner's angle off 90."""


@dataclass(frozen=True, kw_only=True)
class Straightened:
    """A page warped to a rectangle, and how."""

    image: Image.Image
    """The straightened page (mode of the input)."""
    dpi: float
    """Its resolution (the page's long side taken as A4's, brought into 200-300 dpi)."""
    to_input: np.ndarray
    """3x3 map from a point of ``image`` to the input image."""
    quad: Quad
    """The corners the warp started from."""


# ---------------------------------------------------------------- edges


def _rises(a: np.ndarray) -> np.ndarray:
    """Per row of ``a`` (rows, cols), looked at from column 0 inwards: the position (continuous,
    sub-pixel) where the background gives way to the paper, NaN where the row shows no such edge."""
    rows, cols = a.shape
    half = a[:, : cols // 2]
    out = np.full(rows, np.nan)
    if half.shape[1] < 4 * RUN:
        return out
    bg = np.maximum(np.median(half[:, :3], axis=1), 1.0)
    n90 = int(0.9 * (half.shape[1] - 1))
    paper = np.partition(half, n90, axis=1)[:, n90]
    t = np.sqrt(bg * paper)
    run = half[:, : half.shape[1] - RUN + 1].copy()
    for d in range(1, RUN):
        np.minimum(run, half[:, d : half.shape[1] - RUN + 1 + d], out=run)
    above = run >= t[:, None]
    idx = above.argmax(axis=1)
    ok = (paper >= CONTRAST * bg) & above[np.arange(rows), idx] & (idx >= 3)
    r = np.nonzero(ok)[0]
    i = idx[r][:, None] + 6  # index into the padded rows below
    hp = np.pad(half[r], ((0, 0), (6, 6)), mode="edge")
    take = lambda offs: np.take_along_axis(hp, i + np.asarray(offs)[None, :], axis=1)  # noqa: E731
    lo = np.median(take([-5, -4, -3, -2]), axis=1)
    hi = np.median(take([1, 2, 3]), axis=1)
    # a steep local step, not a shadow or a gradient
    steep = hi >= CONTRAST * np.maximum(lo, 1.0)
    mid = (lo + hi) / 2
    seg = take(range(-3, 3)) >= mid[:, None]
    k = seg.argmax(axis=1)
    j = i[:, 0] - 3 + k  # padded index of the first sample at or above the middle level
    a0 = np.take_along_axis(hp, (j - 1)[:, None], axis=1)[:, 0]
    a1 = np.take_along_axis(hp, j[:, None], axis=1)[:, 0]
    frac = np.where(a1 > a0, (mid - a0) / np.maximum(a1 - a0, 1e-6), 0.5)
    good = steep & (k > 0) & seg[np.arange(len(r)), k]
    # pixel centres sit at index + 0.5; the padding shifts the index by 6
    out[r[good]] = (j - 1 + frac - 6 + 0.5)[good]
    return out


def _fit_line(u: np.ndarray, v: np.ndarray) -> tuple[float, float, int] | None:
    """(slope, intercept, inliers) of v = slope * u + intercept over the points, robust to
    outliers (the other edges' rises near a corner, a dark object on the paper's margin)."""
    if len(u) < 10:
        return None
    rng = np.random.default_rng(0)
    best, best_n = None, 0
    for _ in range(120):
        i, j = rng.choice(len(u), 2, replace=False)
        if abs(u[j] - u[i]) < 0.1 * (u.max() - u.min() + 1):
            continue
        s = (v[j] - v[i]) / (u[j] - u[i])
        c = v[i] - s * u[i]
        n = int(np.sum(np.abs(v - (s * u + c)) <= TOLERANCE))
        if n > best_n:
            best, best_n = (s, c), n
    if best is None:
        return None
    for _ in range(2):
        inl = np.abs(v - (best[0] * u + best[1])) <= TOLERANCE
        if inl.sum() < 2:
            return None
        s, c = np.polyfit(u[inl], v[inl], 1)
        best = (float(s), float(c))
    inl = np.abs(v - (best[0] * u + best[1])) <= TOLERANCE
    return best[0], best[1], int(inl.sum())


def _side(a: np.ndarray) -> tuple[float, float] | None:
    """The edge seen from column 0 of ``a`` as x = slope * y + intercept (continuous pixels)."""
    x = _rises(a)
    rows = np.nonzero(~np.isnan(x))[0]
    got = _fit_line(rows + 0.5, x[rows])
    if got is None:
        return None
    s, c, n = got
    if n < MIN_SEEN * a.shape[0] or n < MIN_INLIERS * len(rows):
        return None
    return s, c


def _cross(vert: tuple[float, float], horiz: tuple[float, float]) -> tuple[float, float]:
    """Where x = a1 y + b1 meets y = a2 x + b2."""
    (a1, b1), (a2, b2) = vert, horiz
    x = (a1 * b2 + b1) / (1 - a1 * a2)
    return x, a2 * x + b2


def _angle(p, q) -> float:
    return math.degrees(math.atan2(q[1] - p[1], q[0] - p[0]))


def _off_rectangle(c) -> float:
    """Largest departure (degrees) from a rectangle of the quadrilateral ``c`` (tl, tr, br, bl)."""
    top, bottom = _angle(c[0], c[1]), _angle(c[3], c[2])
    left, right = _angle(c[0], c[3]), _angle(c[1], c[2])

    def d(a: float, b: float) -> float:
        return abs((a - b + 180) % 360 - 180)

    return max(d(top, bottom), d(left, right), d(top + 90, left), d(bottom + 90, right))


def _area(c) -> float:
    x = np.array([p[0] for p in c])
    y = np.array([p[1] for p in c])
    return 0.5 * float(x @ np.roll(y, -1) - y @ np.roll(x, -1))


def _convex(c) -> bool:
    signs = []
    for i in range(4):
        p, q, r = c[i], c[(i + 1) % 4], c[(i + 2) % 4]
        signs.append((q[0] - p[0]) * (r[1] - q[1]) - (q[1] - p[1]) * (r[0] - q[0]))
    return all(s > 0 for s in signs) or all(s < 0 for s in signs)


def find_page(img: Image.Image) -> Quad | None:
    """The page's quadrilateral in ``img`` (mode L), or None when it is not clearly there."""
    k = max(1, round(max(img.size) / SMALL_SIDE))
    small = img.reduce(k) if k > 1 else img
    a = np.asarray(small, dtype=np.float32)
    h, w = a.shape
    if min(h, w) < 40:
        return None
    # a page that reaches the frame's borders all round (a scan, a clean page): nothing to find
    border = np.concatenate([a[:2].ravel(), a[-2:].ravel(), a[:, :2].ravel(), a[:, -2:].ravel()])
    if np.percentile(border, 25) * CONTRAST > np.percentile(a, 90):
        return None
    left = _side(a)
    right = _side(a[:, ::-1])
    top = _side(a.T)
    bottom = _side(a.T[:, ::-1])
    if left is None or right is None or top is None or bottom is None:
        return None
    # the flipped sides back into the picture's frame: x' = w - x
    right = (-right[0], w - right[1])
    bottom = (-bottom[0], h - bottom[1])
    c = (_cross(left, top), _cross(right, top), _cross(right, bottom), _cross(left, bottom))
    if not _convex(c) or _area(c) < MIN_AREA * w * h:
        return None
    if any(not (-0.02 * w <= x <= 1.02 * w and -0.02 * h <= y <= 1.02 * h) for x, y in c):
        return None
    scaled = tuple((x * img.width / w, y * img.height / h) for x, y in c)
    return Quad(corners=scaled, skew_deg=round(_off_rectangle(c), 3))


# ---------------------------------------------------------------- warp


def homography(dst, src) -> np.ndarray:
    """3x3 map sending each point of ``dst`` to the point of ``src`` at the same index."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    h = np.linalg.solve(np.array(rows, float), np.array(rhs, float))
    return np.append(h, 1.0).reshape(3, 3)


def _inset(c, by: float):
    cx = sum(p[0] for p in c) / 4
    cy = sum(p[1] for p in c) / 4
    out = []
    for x, y in c:
        d = math.hypot(x - cx, y - cy) or 1.0
        out.append((x + (cx - x) * by / d, y + (cy - y) * by / d))
    return tuple(out)


def _working_dpi(dpi: float, low: float, high: float, targets: tuple[float, float]) -> float:
    return targets[0] if dpi < low else targets[1] if dpi > high else dpi


def straighten(
    img: Image.Image,
    *,
    dpi_range: tuple[float, float] = (170, 330),
    targets: tuple[float, float] = (200, 300),
) -> Straightened | None:
    """``img`` (mode L) with its photographed page warped to a rectangle at a working resolution
    (``dpi_range``: kept as it is inside, else brought to ``targets``), or None when no page
    quadrilateral is clearly seen or it is already a rectangle."""
    quad = find_page(img)
    if quad is None or quad.skew_deg < RECT_DEG:
        return None
    c = _inset(quad.corners, INSET * math.sqrt(2))
    wide = max(math.dist(c[0], c[1]), math.dist(c[3], c[2]))
    tall = max(math.dist(c[0], c[3]), math.dist(c[1], c[2]))
    found = max(wide, tall) / A4_LONG_IN
    dpi = _working_dpi(found, *dpi_range, targets)
    f = dpi / found
    size = (max(1, round(wide * f)), max(1, round(tall * f)))
    rect = ((0, 0), (size[0], 0), size, (0, size[1]))
    to_input = homography(rect, c)
    src, m = img, to_input
    shrink = int(1 / f) if f < 1 else 1
    if shrink >= 2:  # a box-filtered copy first: the warp itself does not average
        src = img.reduce(shrink)
        sx, sy = img.width / src.width, img.height / src.height
        m = np.diag([1 / sx, 1 / sy, 1.0]) @ to_input
    m = m / m[2, 2]
    out = src.transform(size, Image.Transform.PERSPECTIVE, tuple(m.ravel()[:8]),
                        resample=Image.Resampling.BICUBIC, fillcolor=255)  # fmt: skip
    return Straightened(image=flatten_light(out), dpi=round(dpi, 1), to_input=to_input, quad=quad)


def flatten_light(img: Image.Image) -> Image.Image:
    """``img`` (mode L) divided by its paper's brightness, estimated on a reduced copy (the
    brightest of each neighbourhood about 2 cm across, smoothed): a photo's uneven light, once the
    dark table around the page is cut away, would otherwise leave a dim corner of the page darker
    than a global threshold (Tesseract's) puts the paper, and its words unread."""
    k = max(1, round(max(img.size) / 300))
    small = img.reduce(k) if k > 1 else img
    r = max(1, round(160 / k)) | 1  # an odd MaxFilter size, about 160 pixels of the input
    paper = small.filter(ImageFilter.MaxFilter(min(r, 9))).filter(ImageFilter.GaussianBlur(r))
    paper = paper.resize(img.size, Image.Resampling.BILINEAR)
    a = np.asarray(img, dtype=np.float32)
    p = np.maximum(np.asarray(paper, dtype=np.float32), 16.0)
    ref = LIFT_TO * float(np.percentile(np.asarray(small), 95))
    return Image.fromarray(np.clip(a * np.maximum(ref / p, 1.0), 0, 255).astype(np.uint8), "L")
