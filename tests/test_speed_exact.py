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
