"""Perspective correction of photographed pages (``extract/perspective.py``): a page photographed
on a dark table comes out with straight, square ruling lines, a scan or a clean page is left as it
is, and the map sends a point of the straightened page back to the right pixel of the photo."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from sopcheck.extract import pages, perspective

A4 = (1654, 2339)  # 200 dpi
ROWS = [round(A4[1] * f) for f in (0.12, 0.25, 0.38, 0.5, 0.62, 0.75, 0.88)]
COLS = [round(A4[0] * f) for f in (0.1, 0.4, 0.7, 0.9)]
DOT = (round(A4[0] * 0.55), round(A4[1] * 0.31))
"""A solid square printed on the page, to follow a point through the maps."""


def ruled_page() -> Image.Image:
    """An A4 page at 200 dpi with ruling lines across and down, a dot, and some ink."""
    img = Image.new("L", A4, 250)
    d = ImageDraw.Draw(img)
    for y in ROWS:
        d.line([(COLS[0], y), (COLS[-1], y)], fill=20, width=3)
    for x in COLS:
        d.line([(x, ROWS[0]), (x, ROWS[-1])], fill=20, width=3)
    d.rectangle([DOT[0] - 8, DOT[1] - 8, DOT[0] + 8, DOT[1] + 8], fill=0)
    return img


def photograph(page: Image.Image, corners, table: int = 70, pad: float = 0.08, light: float = 0.0):
    """``page`` photographed: its corners land at ``corners`` (fractions of the page's size, the
    frame being ``1 + 2 * pad`` of it) on a dark table, slightly blurred, with noise and, when
    ``light``, a brightness falling off across the picture. Returns (photo, map page -> photo)."""
    w, h = page.size
    cw, ch = round(w * (1 + 2 * pad)), round(h * (1 + 2 * pad))
    dst = [((pad + fx) * w, (pad + fy) * h) for fx, fy in corners]
    src = [(0, 0), (w, 0), (w, h), (0, h)]
    to_page = perspective.homography(dst, src)
    m = to_page / to_page[2, 2]
    layer = page.convert("LA").transform(
        (cw, ch), Image.Transform.PERSPECTIVE, tuple(m.ravel()[:8]), Image.Resampling.BICUBIC
    )
    canvas = Image.new("LA", (cw, ch), (table, 255))
    canvas.alpha_composite(layer)
    img = canvas.convert("L").filter(ImageFilter.GaussianBlur(0.8))
    a = np.asarray(img, dtype=np.float32)
    if light:
        xx = np.linspace(0.0, 1.0, a.shape[1])[None, :]
        a = a * (1 - light * xx)
    a += np.random.default_rng(3).normal(0, 4, a.shape)
    photo = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")
    return photo, np.linalg.inv(to_page)


TILTED = [(0.03, 0.02), (0.97, 0.05), (1.02, 0.99), (-0.02, 0.96)]
"""A phone held off square: each corner a few per cent off (about 2-3 degrees on each edge)."""


def line_positions(img: Image.Image, axis: int, n: int) -> np.ndarray:
    """Centres of the ``n`` dark lines running along ``axis`` (0: across, giving their rows),
    measured in the strips across them that meet exactly ``n`` thin lines (beside the table
    around a page, not a line running along the strip, not the dot): an (n, strips) array, at
    least 5 strips."""
    a = np.asarray(img, dtype=np.uint8)
    if axis == 1:
        a = a.T
    w = a.shape[1]
    out = []
    for f in np.linspace(0.15, 0.85, 29):
        x = int(f * w)
        col = a[:, x - 2 : x + 3].mean(axis=1) < 110
        edges = np.diff(np.concatenate([[0], col.astype(np.int8), [0]]))
        starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
        thin = (ends - starts) <= 20  # not the table around the page, not a line along
        if thin.sum() == n and len(starts) - n <= 2:
            out.append(((starts + ends - 1) / 2)[thin])
    assert len(out) >= 5, f"only {len(out)} strips meet {n} lines"
    return np.array(out).T


def bend(pos: np.ndarray) -> float:
    """Largest departure (pixels) of a line's measured centres from a straight, axis-parallel
    line: the spread of each row of ``pos``."""
    return float((pos.max(axis=1) - pos.min(axis=1)).max())


def test_a_photographed_page_is_straightened():
    photo, _ = photograph(ruled_page(), TILTED)
    before = pages.prepare(photo, 1, osd=False)  # hooked in: prepare straightens
    assert any("perspective corrected" in n for n in before.notes)
    page = before.image
    rows = line_positions(page, 0, len(ROWS))
    cols = line_positions(page, 1, len(COLS))
    assert bend(rows) <= 3.0 and bend(cols) <= 3.0
    # and the lines are spaced as printed (the perspective's foreshortening undone)
    gaps, printed = np.diff(rows.mean(axis=1)), np.diff(ROWS)
    assert np.abs(gaps / gaps.sum() - printed / printed.sum()).max() < 0.003
    # the same photo without the correction: deskew cannot straighten converging lines
    orig = perspective.RECT_DEG
    try:
        perspective.RECT_DEG = 1e9
        plain = pages.prepare(photo, 1, osd=False)
    finally:
        perspective.RECT_DEG = orig
    assert not any("perspective" in n for n in plain.notes)
    crop = plain.image.crop((0, 0, plain.image.width, plain.image.height))
    assert bend(line_positions(crop, 0, len(ROWS))) > 25.0


def test_the_corners_are_found_where_the_page_was_put():
    photo, to_photo = photograph(ruled_page(), TILTED, light=0.5)
    quad = perspective.find_page(photo)
    assert quad is not None
    w, h = A4
    for got, corner in zip(quad.corners, [(0, 0), (w, 0), (w, h), (0, h)], strict=True):
        p = to_photo @ np.array([*corner, 1.0])
        assert math.dist(got, p[:2] / p[2]) < 4.0
    assert quad.skew_deg > 2.0


def test_the_map_sends_a_point_back_to_its_pixel_in_the_photo():
    photo, to_photo = photograph(ruled_page(), TILTED)
    pg = pages.prepare(photo, 1, osd=False)
    a = np.asarray(pg.image)
    # the dot in the straightened page: the solid square near where it was printed
    guess = np.array(DOT) * np.array(pg.image.size) / np.array(A4)
    y0, x0 = int(guess[1]) - 40, int(guess[0]) - 40
    ys, xs = np.nonzero(a[y0 : y0 + 80, x0 : x0 + 80] < 80)
    here = np.array([x0 + xs.mean() + 0.5, y0 + ys.mean() + 0.5, 1.0])
    m = np.asarray(pg.to_source).reshape(3, 3)
    back = m @ here
    want = to_photo @ np.array([DOT[0] + 0.5, DOT[1] + 0.5, 1.0])
    assert math.dist(back[:2] / back[2], want[:2] / want[2]) < 2.5
    # and the colour cut through the map is the photo's pixels there (dark square in the middle)
    colour = pages.ColourPage(photo.convert("RGB"), pg)
    cut = np.asarray(colour.crop((here[0] - 4, here[1] - 4, here[0] + 4, here[1] + 4)).convert("L"))
    assert cut.mean() < 60


def _scan(angle: float) -> Image.Image:
    return ruled_page().rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)


@pytest.mark.parametrize("angle", [0.0, 2.0])
def test_a_scan_is_left_as_it_is(angle, monkeypatch):
    img = _scan(angle)
    assert perspective.find_page(img) is None
    assert perspective.straighten(img) is None
    pg = pages.prepare(img, 1, osd=False)
    assert not any("perspective" in n for n in pg.notes)
    # exactly what the preparation gives with no perspective step at all
    monkeypatch.setattr(perspective, "straighten", lambda *a, **k: None)
    plain = pages.prepare(img, 1, osd=False)
    assert pg.to_source == plain.to_source and pg.skew == plain.skew
    assert np.array_equal(np.asarray(pg.image), np.asarray(plain.image))


def test_a_rectangle_on_a_table_is_left_to_deskew():
    """A page photographed square on (a rotated rectangle): no perspective to correct."""
    flat = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
    photo, _ = photograph(ruled_page(), flat)
    quad = perspective.find_page(photo)
    assert quad is not None and quad.skew_deg < perspective.RECT_DEG
    assert perspective.straighten(photo) is None


def test_a_page_without_a_visible_edge_all_round_is_left_as_it_is():
    """The page runs off the picture on one side: three edges are not a quadrilateral."""
    photo, _ = photograph(ruled_page(), TILTED)
    cut = photo.crop((0, 0, photo.width, int(photo.height * 0.8)))
    assert perspective.find_page(cut) is None


def test_a_bright_table_shows_no_edge():
    photo, _ = photograph(ruled_page(), TILTED, table=235)
    assert perspective.find_page(photo) is None
