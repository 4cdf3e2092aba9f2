"""Cheaper versions of the sheet readers' helpers give exactly what the plain versions give
(bench/README.md, "Fifth pass"): the same pixels, the same numbers to the bit."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter


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
