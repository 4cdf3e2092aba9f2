"""The vectorised ink helpers give exactly what a plain, obviously correct version gives."""

from __future__ import annotations

from collections import deque

import numpy as np
import pytest
from PIL import Image, ImageFilter

from sopcheck.extract.inkbase import components


def _flood_labels(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """8-connected components by breadth-first flood fill, numbered in raster order of the first
    pixel: the reference ``components`` must match exactly."""
    h, w = mask.shape
    labels = np.zeros((h, w), dtype=np.int32)
    n = 0
    for y in range(h):
        for x in range(w):
            if not mask[y, x] or labels[y, x]:
                continue
            n += 1
            labels[y, x] = n
            todo = deque([(y, x)])
            while todo:
                cy, cx = todo.popleft()
                for dy in (-1, 0, 1):
                    for dx in (-1, 0, 1):
                        ny, nx = cy + dy, cx + dx
                        if 0 <= ny < h and 0 <= nx < w and mask[ny, nx] and not labels[ny, nx]:
                            labels[ny, nx] = n
                            todo.append((ny, nx))
    return labels, n


@pytest.mark.parametrize("seed", range(12))
def test_components_match_a_flood_fill_on_random_masks(seed):
    rng = np.random.default_rng(seed)
    h, w = (int(v) for v in rng.integers(1, 70, size=2))
    mask = rng.random((h, w)) < rng.uniform(0.05, 0.75)
    got, n = components(mask)
    want, m = _flood_labels(mask)
    assert n == m
    assert np.array_equal(got, want)


def test_components_match_a_flood_fill_on_blobs_and_a_long_snake():
    # smoothed noise thresholded: blobs of every shape, holes, diagonal touches
    noise = (np.random.default_rng(5).random((90, 130)) * 255).astype(np.uint8)
    blobs = np.asarray(Image.fromarray(noise).filter(ImageFilter.GaussianBlur(2))) < 122
    # a serpentine path: one component whose runs link over many rounds of merging
    snake = np.zeros((81, 81), bool)
    snake[::4, :] = True
    for i in range(0, 80, 4):
        snake[i : i + 4, 80 if (i // 4) % 2 == 0 else 0] = True
    for mask in (blobs, snake, np.zeros((3, 4), bool), np.ones((5, 1), bool)):
        got, n = components(mask)
        want, m = _flood_labels(mask)
        assert n == m and np.array_equal(got, want)
    assert components(snake)[1] == 1


def _runs_reference(mask: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros(mask.shape, dtype=bool)
    for y in range(mask.shape[0]):
        x = 0
        while x < mask.shape[1]:
            if mask[y, x]:
                x1 = x
                while x1 < mask.shape[1] and mask[y, x1]:
                    x1 += 1
                if x1 - x >= k:
                    out[y, x:x1] = True
                x = x1
            else:
                x += 1
    return out


@pytest.mark.parametrize("seed", range(6))
def test_tick_long_runs_match_a_plain_scan_also_on_a_transposed_view(seed):
    from sopcheck.extract.ticks import _long_runs

    rng = np.random.default_rng(seed)
    mask = rng.random((40, 60)) < 0.8
    for m in (mask, mask.T):  # the transposed view is how vertical runs are searched
        got = _long_runs(m, 5)
        assert got.flags.c_contiguous and np.array_equal(got, _runs_reference(m, 5))


def _fit_reference(ys, xs, tol, rng):
    """The circle RANSAC as first written (square roots of a 400 x n matrix)."""
    n = len(xs)
    if n > 1500:
        sel = rng.choice(n, 1500, replace=False)
        xs, ys, n = xs[sel], ys[sel], 1500
    tri = rng.integers(0, n, size=(400, 3))
    x1, x2, x3 = xs[tri[:, 0]], xs[tri[:, 1]], xs[tri[:, 2]]
    y1, y2, y3 = ys[tri[:, 0]], ys[tri[:, 1]], ys[tri[:, 2]]
    d = 2 * (x1 * (y2 - y3) + x2 * (y3 - y1) + x3 * (y1 - y2))
    ok = np.abs(d) > 1e-6
    s1, s2, s3 = x1**2 + y1**2, x2**2 + y2**2, x3**2 + y3**2
    with np.errstate(divide="ignore", invalid="ignore"):
        ux = (s1 * (y2 - y3) + s2 * (y3 - y1) + s3 * (y1 - y2)) / d
        uy = (s1 * (x3 - x2) + s2 * (x1 - x3) + s3 * (x2 - x1)) / d
    r = np.hypot(x1 - ux, y1 - uy)
    ok &= np.isfinite(r)
    ux, uy, r = ux[ok], uy[ok], r[ok]
    dist = np.abs(np.hypot(xs[None, :] - ux[:, None], ys[None, :] - uy[:, None]) - r[:, None])
    k = int(np.argmax((dist < tol).sum(axis=1)))
    return float(uy[k]), float(ux[k]), float(r[k])


@pytest.mark.parametrize("seed", range(8))
def test_fit_circle_picks_the_same_circle_as_the_plain_version(seed):
    from sopcheck.extract.inkstamp import _fit_circle

    rng = np.random.default_rng(seed)
    n = int(rng.integers(40, 3000))
    a = rng.uniform(0, 2 * np.pi, n)
    r = rng.uniform(20, 200)
    ys = np.round(250 + r * np.sin(a) + rng.normal(0, 2, n))
    xs = np.round(250 + r * np.cos(a) + rng.normal(0, 2, n))
    ys[: n // 3] = rng.integers(0, 500, n // 3)  # a third of the points are not on the circle
    got = _fit_circle(ys, xs, 3.0, np.random.default_rng(seed))
    assert got == _fit_reference(ys, xs, 3.0, np.random.default_rng(seed))
    assert abs(got[2] - r) < 4


def test_otsu_counts_as_numpy_histogram_does():
    from sopcheck.extract.inkbase import _otsu

    def reference(values):
        hist, edges = np.histogram(values, bins=256, range=(0, 256))
        hist = hist.astype(np.float64)
        centers = (edges[:-1] + edges[1:]) / 2
        w0 = np.cumsum(hist)
        w1 = hist.sum() - w0
        m0 = np.cumsum(hist * centers)
        with np.errstate(divide="ignore", invalid="ignore"):
            between = (m0[-1] * w0 / hist.sum() - m0) ** 2 / (w0 * w1)
        return float(centers[int(np.argmax(np.nan_to_num(between)))])

    rng = np.random.default_rng(0)
    for _ in range(20):
        ink = rng.normal(rng.uniform(30, 120), 15, 500)
        paper = rng.normal(rng.uniform(180, 240), 8, 5000)
        v = np.clip(np.r_[ink, paper], 0, 255).astype(np.float32)
        v[:3] = (0.0, 255.0, np.nextafter(np.float32(256), 0))  # the ends and just below 256
        assert _otsu(v) == reference(v)
    assert _otsu(np.array([-3.0, 10.0, 300.0])) == reference(np.array([-3.0, 10.0, 300.0]))


def test_foreign_on_stamp_matches_the_plain_loop():
    from sopcheck.extract.inkstamp import FOREIGN_MM, _foreign_on_stamp

    rng = np.random.default_rng(3)
    noise = (rng.random((160, 200)) * 255).astype(np.uint8)
    mask = np.asarray(Image.fromarray(noise).filter(ImageFilter.GaussianBlur(1.5))) < 118
    labels, count = components(mask)
    yy, xx = np.mgrid[0:160, 0:200]
    seen = []
    for cy, cx, radius in ((80, 100, 60), (20, 30, 40), (150, 190, 25)):
        dist = np.hypot(yy - cy, xx - cx)
        disk = dist <= radius
        on = np.bincount(labels[disk], minlength=count + 1)
        want = 0.0
        for lb in np.nonzero(on)[0]:  # the loop as first written
            if lb == 0 or on[lb] < 20:
                continue
            ys, xs = np.nonzero((labels == lb) & disk)
            size = max(ys.max() - ys.min(), xs.max() - xs.min()) * 0.3
            dl = dist[ys, xs]
            if size >= FOREIGN_MM and dl.max() - dl.min() > 0.45 * radius:
                want = max(want, float(size))
        assert _foreign_on_stamp(labels, dist, disk, on, radius, 0.3) == want
        seen.append(want)
    assert 0 in seen and max(seen) > 0  # both outcomes are exercised


def _strip_rules_reference(mask: np.ndarray, dpi: float) -> np.ndarray:
    """``strip_rules`` as first written: every slant searched, whatever the mask holds."""
    from sopcheck.extract import inkbase as ib

    out = mask.copy()
    n = int(ib.RULE_RUN_MM * dpi / 25.4)
    for m, t in ((mask, False), (mask.T, True)):
        for deg in ib.RULE_SLANTS_DEG:
            share = ib.RULE_SHARE_MIN if deg == 0.0 else ib.SLANTED_RULE_SHARE_MIN
            need = max(n, int(share * m.shape[1]))
            wander = 2 if deg == 0.0 else max(2, int(np.ceil(need * np.tan(np.radians(0.5)) / 2)))
            rem = ib._sheared_runs(m, need, wander, deg)
            out &= ~(rem.T if t else rem)
    if (out == mask).all():
        return out
    labels, count = components(mask)
    before = np.bincount(labels.ravel(), minlength=count + 1)
    after = np.bincount(labels[out], minlength=count + 1)
    gone = np.nonzero(after < 0.5 * before)[0]
    return out & ~np.isin(labels, gone[gone > 0])


def test_strip_rules_skips_only_slants_that_cannot_hold_a_rule():
    from PIL import ImageDraw

    from sopcheck.extract.inkbase import strip_rules

    cases = []
    for slant, width in ((3.0, 400), (0.0, 400), (-5.0, 400), (2.0, 250)):
        img = Image.new("L", (400, 200), 0)
        d = ImageDraw.Draw(img)
        x0 = (400 - width) // 2
        y1 = 100 + width * np.tan(np.radians(slant))
        d.line([(x0, 100), (x0 + width, y1)], fill=255, width=3)  # a rule, or a shorter stroke
        d.line([(60, 30), (90, 70), (120, 25), (150, 60)], fill=255, width=3)  # pen-like
        cases.append(np.asarray(img) > 0)
    rng = np.random.default_rng(1)
    cases.append(rng.random((200, 400)) < 0.02)  # dust only
    removed = []
    for mask in cases:
        got = strip_rules(mask, 200.0)
        assert np.array_equal(got, _strip_rules_reference(mask, 200.0))
        removed.append(int(mask.sum() - got.sum()))
    assert removed[0] > 0 and removed[1] > 0 and removed[2] > 0  # the rules go
    assert removed[3] == 0 and removed[4] == 0  # a shorter stroke and dust stay


@pytest.mark.parametrize("q", [90, 75, 50, 25, 10, 33.3, 99])
def test_percentile_levels_is_numpys_percentile_to_the_bit(q):
    from sopcheck.extract.inkbase import percentile_levels

    rng = np.random.default_rng(int(q * 10))
    for m in [*range(1, 40), 64, 100, 256, 1024, 4096]:
        for dtype in (np.float32, np.float64):
            rows = rng.integers(0, 256, size=(50, m)).astype(dtype)
            rows[::4] = np.minimum(rows[::4], 30)  # ink-covered blocks
            got, want = percentile_levels(rows, q), np.percentile(rows, q, axis=1)
            assert got.dtype == want.dtype and np.array_equal(got, want), (m, dtype)


def test_paper_level_takes_numpy_percentile_for_non_integer_values():
    from sopcheck.extract.inkbase import _bytes_valued, _paper

    a = np.random.default_rng(3).integers(0, 256, size=(90, 130)).astype(np.float32)
    assert _bytes_valued(a) and not _bytes_valued(a + 0.5) and not _bytes_valued(a * 2)
    soft = a * 0.7 + 0.25  # fractional levels: the plain percentile path
    assert _paper(soft, 16).shape == soft.shape


def _slant_reference(mask: np.ndarray) -> float:
    """handwriting.slant_deg as first written: one shear at a time."""
    ys, xs = np.nonzero(mask)
    if len(xs) < 20:
        return 0.0
    ys = ys - ys.mean()
    best, best_deg = -1.0, 0.0
    for deg in np.arange(-30.0, 31.0, 2.0):
        xsh = xs + np.tan(np.radians(deg)) * ys
        hist = np.bincount(np.round(xsh - xsh.min()).astype(np.int64)).astype(np.float64)
        score = float((hist**2).sum())
        if score > best + 1e-9 or (abs(score - best) <= 1e-9 and abs(deg) < abs(best_deg)):
            best, best_deg = score, float(deg)
    return best_deg


@pytest.mark.parametrize("seed", range(20))
def test_slant_matches_the_one_shear_at_a_time_version(seed):
    from sopcheck.extract.handwriting import slant_deg

    rng = np.random.default_rng(seed)
    img = Image.new("L", (80, 60), 255)
    from PIL import ImageDraw

    d = ImageDraw.Draw(img)
    for _ in range(rng.integers(1, 5)):  # a few strokes leaning one way or the other
        x, lean = int(rng.integers(5, 70)), float(rng.uniform(-20, 20))
        d.line([(x, 50), (x + lean, 10)], fill=0, width=int(rng.integers(1, 4)))
    mask = np.asarray(img) < 128
    if seed % 5 == 0:
        mask = rng.random((40, 30)) < 0.2  # noise: ties between angles
    assert slant_deg(mask) == _slant_reference(mask)
