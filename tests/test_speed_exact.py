"""Cheaper versions of the sheet readers' helpers give exactly what the plain versions give
(bench/README.md, "Fifth pass"): the same pixels, the same numbers to the bit."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter
from test_ink_fast import _strip_rules_reference  # the version that searched every slant


def _scribble(size: tuple[int, int], seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    noise = (rng.normal(225, 12, size[::-1])).clip(0, 255).astype(np.uint8)
    img = Image.fromarray(noise, mode="L")
    d = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(1, 6))):
        pts = [tuple(int(v) for v in rng.integers(0, max(size), 2)) for _ in range(5)]
        d.line(pts, fill=int(rng.integers(0, 90)), width=int(rng.integers(1, 5)))
    return img.filter(ImageFilter.GaussianBlur(0.6))


@pytest.mark.parametrize("size", [(709, 386), (2546, 339), (480, 480), (300, 120), (481, 2000)])
def test_crop_png_shows_the_pixels_of_the_level_6_png(size):
    from sopcheck.extract.sheet_signature import CROP_MAX, _crop_png

    img = _scribble(size, sum(size))
    ref = img.copy()
    ref.thumbnail((CROP_MAX, CROP_MAX))
    buf = io.BytesIO()
    ref.save(buf, format="PNG", compress_level=6)
    got = _crop_png(img)
    with Image.open(io.BytesIO(got)) as a, Image.open(io.BytesIO(buf.getvalue())) as b:
        assert a.format == "PNG" and a.size == b.size and max(a.size) <= CROP_MAX
        assert a.mode == b.mode and a.tobytes() == b.tobytes()
    assert img.size == size  # the area itself is left as it was


@pytest.mark.parametrize("q", [90, 95, 75, 50, 25, 10, 33.3, 0, 100])
def test_byte_percentile_is_numpys_percentile_to_the_bit(q):
    from sopcheck.extract.inkbase import byte_percentile

    rng = np.random.default_rng(int(q * 10) + 1)
    for m in [*range(1, 30), 64, 257, 1000, 40_000]:
        for lo, hi in ((0, 256), (200, 256), (0, 40)):  # any levels, paper only, ink only
            a = rng.integers(lo, hi, size=m).astype(np.uint8)
            for dtype in (np.float64, np.float32):
                got = byte_percentile(a, q, dtype)
                want = np.percentile(a.astype(dtype), q)
                assert got.dtype == want.dtype and got == want, (m, dtype, lo)
            assert byte_percentile(a, q) == np.percentile(a, q)  # numpy on the bytes themselves
    img = rng.integers(0, 256, size=(37, 53)).astype(np.uint8)  # 2-D: all values at once
    assert byte_percentile(img, q) == np.percentile(img, q)
    f = img.astype(np.float32) + 0.25  # not bytes: numpy's own
    assert byte_percentile(f, q, np.float32) == np.percentile(f, q)


def test_white_balanced_divides_by_numpys_percentile_of_each_channel():
    from sopcheck.extract.inkcolour import white_balanced

    rng = np.random.default_rng(11)
    for h, w in ((1, 1), (3, 7), (60, 90), (241, 377)):
        rgb = rng.normal((230, 220, 200), 25, size=(h, w, 3)).clip(0, 255).astype(np.uint8)
        img = Image.fromarray(rgb, mode="RGB")
        a = np.asarray(img.convert("RGB"), dtype=np.float32)  # white_balanced as first written
        paper = np.percentile(a.reshape(-1, 3), 90, axis=0)
        want = np.clip(a / np.maximum(paper, 1.0) * 255.0, 0, 255)
        got = white_balanced(img)
        assert got.dtype == want.dtype and np.array_equal(got, want)


def test_lazy_colour_area_cuts_only_when_its_pixels_are_asked_for():
    from sopcheck.extract.sheet_signature import LazyCrop

    class Counting:
        def __init__(self, img):
            self.img, self.mode, self.cuts = img, img.mode, 0

        def crop(self, box):
            self.cuts += 1
            return self.img.crop(box)

    page = Image.fromarray(
        np.random.default_rng(2).integers(0, 256, (120, 200, 3)).astype(np.uint8), mode="RGB"
    )
    src = Counting(page)
    lazy = LazyCrop(src, (30, 20, 130, 90))
    assert lazy.size == (100, 70) and lazy.mode == "RGB" and src.cuts == 0
    want = page.crop((30, 20, 130, 90))
    assert lazy.convert("RGB").tobytes() == want.tobytes() and src.cuts == 1
    assert np.array_equal(np.asarray(lazy.image()), np.asarray(want)) and src.cuts == 1


def test_signature_judge_gives_the_same_call_with_a_lazy_colour_area():
    from sopcheck.extract import ink
    from sopcheck.extract.sheet_signature import LazyCrop

    # a red stamp ring with a blue pen stroke across it: the colour is looked at
    rgb = Image.new("RGB", (420, 260), (246, 244, 238))
    d = ImageDraw.Draw(rgb)
    d.ellipse((120, 40, 300, 220), outline=(200, 40, 50), width=6)
    d.ellipse((140, 60, 280, 200), outline=(200, 40, 50), width=3)
    d.line([(60, 180), (160, 90), (230, 170), (330, 70), (380, 150)], fill=(20, 30, 140), width=4)
    area = rgb.convert("L")
    for colour in (rgb, None):
        want = ink.signature_presence(area, colour=rgb.crop((0, 0, 420, 260)) if colour else None)
        lazy = LazyCrop(colour, (0, 0, 420, 260)) if colour else None
        got = ink.signature_presence(area, colour=lazy)
        assert got == want


def _paper_reference(a: np.ndarray, block: int) -> np.ndarray:
    """``inkbase._paper`` as it was: an edge-padded copy cut into blocks, each counted."""
    from sopcheck.extract.inkbase import _bytes_valued, percentile_levels

    h, w = a.shape
    block = max(8, block)
    bh, bw = -(-h // block), -(-w // block)
    pad = np.pad(a, ((0, bh * block - h), (0, bw * block - w)), mode="edge")
    blocks = pad.reshape(bh, block, bw, block).transpose(0, 2, 1, 3).reshape(bh, bw, -1)
    if _bytes_valued(a):
        p = percentile_levels(blocks.reshape(bh * bw, -1), 90).reshape(bh, bw)
        glob = float(percentile_levels(a.reshape(1, -1), 90)[0])
    else:
        p = np.percentile(blocks, 90, axis=2)
        glob = float(np.percentile(a, 90))
    padded = np.pad(p, 1, mode="edge")
    neigh = np.max(
        np.stack([padded[dy : dy + bh, dx : dx + bw] for dy in range(3) for dx in range(3)]), axis=0
    )
    p = np.maximum(p, np.minimum(neigh, glob) * 0.85)
    p = np.maximum(p, max(glob * 0.5, 1.0))
    return np.repeat(np.repeat(p, block, axis=0), block, axis=1)[:h, :w]


@pytest.mark.parametrize("seed", range(10))
def test_paper_level_matches_the_padded_blocks_version(seed):
    from sopcheck.extract.inkbase import _paper, ink_mask

    rng = np.random.default_rng(seed)
    shapes = [(1, 1), (7, 300), (63, 63), (64, 65), (150, 902), (371, 2683), (419, 95), (5, 8)]
    for h, w in shapes:
        g = rng.normal(rng.uniform(150, 240), 20, (h, w))
        g[rng.random((h, w)) < 0.1] = rng.uniform(0, 90)  # ink
        if seed % 3 == 0:
            g[: h // 2] = 0  # a block or more all ink
        g = g.clip(0, 255).round()
        for block in (8, 63, 94, 200):
            for a in (g.astype(np.float32), g, g.astype(np.uint8), g + 0.5):
                got, want = _paper(a, block), _paper_reference(a, block)
                assert got.dtype == want.dtype and np.array_equal(got, want), (h, w, block)
        for dpi in (200.0, 300.0):
            a = g.astype(np.float32)
            got_mask, got_thr = ink_mask(a, dpi)
            bg = _paper_reference(a, int(round(8 * dpi / 25.4)))
            from sopcheck.extract.inkbase import _otsu

            n = np.clip(a / bg * 255.0, 0, 255)
            thr = float(np.clip(_otsu(n), 0.55 * 255, 0.72 * 255))
            assert got_thr == thr and np.array_equal(got_mask, n < thr)


def test_longest_true_run():
    from sopcheck.extract.inkbase import _longest_true_run

    def plain(v):
        best = cur = 0
        for x in v:
            cur = cur + 1 if x else 0
            best = max(best, cur)
        return best

    rng = np.random.default_rng(8)
    for n in (0, 1, 2, 9, 50, 400):
        for p in (0.0, 0.3, 0.9, 1.0):
            v = rng.random(n) < p
            assert _longest_true_run(v) == plain(v)


@pytest.mark.parametrize("seed", range(12))
def test_strip_rules_skips_only_slants_that_cannot_hold_a_run(seed):
    """Every slant searched (the version before the stretch-of-inked-columns test) or not: the
    same mask, on pen strokes with gaps, rules across, and rules broken by a gap."""
    from sopcheck.extract import inkbase as ib

    rng = np.random.default_rng(seed)
    w, h = int(rng.integers(200, 900)), int(rng.integers(80, 300))
    img = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(0, 3))):  # a rule, maybe slanted, maybe broken by a gap
        y0, slant = float(rng.uniform(10, h - 10)), float(rng.uniform(-6, 6))
        x0, x1 = float(rng.uniform(0, 0.1 * w)), float(rng.uniform(0.9 * w, w))
        y1 = y0 + (x1 - x0) * np.tan(np.radians(slant))
        d.line([(x0, y0), (x1, y1)], fill=255, width=int(rng.integers(1, 4)))
        if rng.random() < 0.5:
            gx = float(rng.uniform(0.2 * w, 0.8 * w))
            d.rectangle([gx, 0, gx + rng.uniform(2, 0.04 * w), h], fill=0)
    for _ in range(int(rng.integers(1, 6))):  # pen strokes
        pts = [tuple(float(v) for v in rng.uniform(0, (w, h))) for _ in range(4)]
        d.line(pts, fill=255, width=int(rng.integers(1, 4)))
    masks = [np.asarray(img) > 0]
    for gap_at, slant in ((0.3, 0.0), (0.5, 3.0), (0.7, -2.0)):  # a rule broken by a small gap
        broken = Image.new("L", (600, 160), 0)
        d = ImageDraw.Draw(broken)
        d.line([(0, 80), (599, 80 + 599 * np.tan(np.radians(slant)))], fill=255, width=2)
        d.rectangle([gap_at * 600, 0, gap_at * 600 + 4, 160], fill=0)
        d.line([(100, 20), (160, 140), (230, 30)], fill=255, width=2)
        masks.append(np.asarray(broken) > 0)
    for mask in masks:
        for dpi in (200.0, 300.0):
            got, want = ib.strip_rules(mask, dpi), _strip_rules_reference(mask, dpi)
            assert np.array_equal(got, want)


def test_small_percentile_and_median_are_numpys_to_the_bit():
    from sopcheck.extract.handwriting import small_median, small_percentile

    rng = np.random.default_rng(12)
    for i in range(3000):
        n = int(rng.integers(1, 40))
        kind = i % 4
        if kind == 0:
            v = rng.normal(20, 5, n)  # glyph heights
        elif kind == 1:
            v = rng.integers(0, 50, n).astype(float)  # whole pixels, many ties
        elif kind == 2:
            v = rng.uniform(-1e3, 1e3, n) * rng.uniform(1e-3, 1e3)
        else:
            v = np.round(rng.normal(0, 10, n)) * 2.0  # slants in 2 degree steps
        for q in (25, 50, 75, 90, 10, 33.3):
            assert small_percentile(v, q) == np.percentile(v, q), (n, q)
        assert small_median(v) == np.median(v)
        assert small_median(list(v)) == np.median(list(v))
        q1, q3 = np.percentile(v, (25, 75))  # as glyph_shape asked before: one call, two values
        assert (small_percentile(v, 25), small_percentile(v, 75)) == (q1, q3)
    with np.errstate(all="ignore"):
        nan = np.array([1.0, np.nan, 3.0])
        assert np.isnan(small_percentile(nan, 50)) and np.isnan(small_median(nan))
