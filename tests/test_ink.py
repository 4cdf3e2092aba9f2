"""Ink classifiers on small generated images (200 dpi, millimetre geometry)."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from sopcheck.extract.ink import (
    box_fill,
    components,
    edge_text_bands,
    signature_presence,
    tick_state,
)

DPI = 200
MM = DPI / 25.4


def _area(w_mm: float = 85, h_mm: float = 30) -> Image.Image:
    return Image.new("L", (round(w_mm * MM), round(h_mm * MM)), 242)


def _signature(
    img: Image.Image,
    x_mm: float,
    y_mm: float,
    seed: int = 0,
    colour: int = 30,
    span_mm: float | None = None,
) -> None:
    rng = np.random.default_rng(seed)
    span, loops, rad = rng.uniform(35, 50), rng.uniform(6, 10), rng.uniform(3, 5)
    span = span_mm or span
    pts = []
    for t in np.linspace(0, 1, 400):
        a = 2 * math.pi * loops * t
        pts.append(
            (
                (x_mm + t * span + rad * math.cos(a)) * MM,
                (y_mm + 2 * math.sin(3 * t) + rad * math.sin(a)) * MM,
            )
        )
    ImageDraw.Draw(img).line(pts, fill=colour, width=round(0.5 * MM), joint="curve")


def _stamp(
    img: Image.Image, cx_mm: float, cy_mm: float, r_mm: float = 13, colour: int = 95
) -> None:
    d = ImageDraw.Draw(img)
    cx, cy, r = cx_mm * MM, cy_mm * MM, r_mm * MM
    for f in (1.0, 0.7):
        d.ellipse(
            [cx - r * f, cy - r * f, cx + r * f, cy + r * f], outline=colour, width=round(0.5 * MM)
        )
    for i in range(22):  # letters around the ring
        a = 2 * math.pi * i / 22
        x, y = cx + 0.85 * r * math.cos(a), cy + 0.85 * r * math.sin(a)
        d.rectangle(
            [x - 0.7 * MM, y - 0.9 * MM, x + 0.7 * MM, y + 0.9 * MM], outline=colour, width=2
        )
    d.polygon(
        [(cx, cy - 5 * MM), (cx + 4 * MM, cy + 3 * MM), (cx - 4 * MM, cy + 3 * MM)],
        outline=colour,
        width=3,
    )


def _scan(img: Image.Image, angle: float = 0.0, seed: int = 0) -> Image.Image:
    img = img.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=242).filter(
        ImageFilter.GaussianBlur(0.9)
    )
    a = np.asarray(img, dtype=np.float32) + np.random.default_rng(seed).normal(
        0, 7, (img.height, img.width)
    )
    buf = io.BytesIO()
    Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).save(buf, format="JPEG", quality=55)
    return Image.open(io.BytesIO(buf.getvalue())).convert("L")


def test_components_counts_8_connected():
    m = np.zeros((6, 6), bool)
    m[0, 0] = m[1, 1] = True  # diagonal: one component
    m[4, 3:6] = True
    labels, n = components(m)
    assert n == 2 and labels[0, 0] == labels[1, 1] != labels[4, 4]


def test_empty_and_dust_are_not_signed():
    assert signature_presence(_scan(_area()), dpi=DPI)[0] == "not_signed"
    img = _area()
    a = np.asarray(img).copy()
    rng = np.random.default_rng(3)
    for _ in range(60):
        y, x = rng.integers(0, a.shape[0] - 4), rng.integers(0, a.shape[1] - 4)
        a[y : y + rng.integers(1, 5), x : x + rng.integers(1, 5)] = 50
    call, conf, feats = signature_presence(_scan(Image.fromarray(a)), dpi=DPI)
    assert call == "not_signed" and conf >= 0.6, feats


def test_signature_is_signed_also_rotated_and_degraded():
    for seed, angle in ((0, 0.0), (1, 3.0), (2, -4.0)):
        img = _area()
        _signature(img, 12, 15, seed=seed, colour=int(40 + 20 * seed))
        call, conf, feats = signature_presence(_scan(img, angle, seed), dpi=DPI)
        assert call == "signed", feats
        assert conf >= 0.7


def test_stamp_alone_is_not_signed():
    for cx, cy in ((30, 15), (22, 26)):  # whole, and cut by the box edge
        img = _area()
        _stamp(img, cx, cy)
        call, _, feats = signature_presence(_scan(img, 2.0), dpi=DPI)
        assert call == "not_signed", feats
        assert feats["stamps"] == 1


def test_signature_over_stamp_is_signed():
    img = _area()
    _stamp(img, 22, 15)
    _signature(img, 14, 14, seed=5, colour=25)
    call, _, feats = signature_presence(_scan(img, -2.0), dpi=DPI)
    assert call == "signed", feats


def test_straight_line_and_masked_text_are_not_a_signature():
    img = _area()
    ImageDraw.Draw(img).line([(2 * MM, 25 * MM), (80 * MM, 25 * MM)], fill=20, width=3)
    assert signature_presence(_scan(img, 1.0), dpi=DPI)[0] == "not_signed"
    img = _area()
    _signature(img, 12, 15)
    box = (0, 0, img.width, img.height)
    assert signature_presence(img, [box], dpi=DPI)[0] == "not_signed"


def test_scribble_fragment_is_uncertain_not_signed():
    img = _area()
    ImageDraw.Draw(img).arc(
        [10 * MM, 10 * MM, 18 * MM, 18 * MM], 0, 200, fill=30, width=round(0.5 * MM)
    )
    assert signature_presence(_scan(img), dpi=DPI)[0] == "uncertain"


def _box(ticked: str | None, angle: float = 0.0) -> Image.Image:
    s = round(7.2 * MM)
    img = Image.new("L", (s, s), 240)
    d = ImageDraw.Draw(img)
    m = round(0.6 * MM)
    d.rectangle([m, m, s - m - 1, s - m - 1], outline=10, width=2)
    pen = round(0.5 * MM)
    if ticked == "tick":
        d.line(
            [(0.25 * s, 0.55 * s), (0.42 * s, 0.8 * s), (0.85 * s, 0.15 * s)], fill=30, width=pen
        )
    elif ticked == "x":
        d.line([(0.2 * s, 0.2 * s), (0.8 * s, 0.8 * s)], fill=30, width=pen)
        d.line([(0.8 * s, 0.2 * s), (0.2 * s, 0.8 * s)], fill=30, width=pen)
    return _scan(img, angle)


def test_box_fill_and_tick_state():
    assert box_fill(_box(None)) < 0.025
    assert box_fill(_box("tick")) > 0.08
    assert box_fill(_box("x", 2.0)) > 0.08
    assert tick_state(_box("tick"), _box(None))[:2] == ("setuju", "clear")
    assert tick_state(_box(None, 1.5), _box("x", -2.0))[:2] == ("tolak", "clear")
    assert tick_state(_box("tick"), _box("x"))[:2] == (None, "both")
    assert tick_state(_box(None), _box(None))[:2] == (None, "neither")


def test_stamp_cut_off_at_top_and_bottom_is_not_signed():
    # outer ring (r 18 mm) runs off the 30 mm high area: only the inner ring (r 12.6 mm) is a
    # whole circle; the lettering between the rings is the stamp's, not pen strokes
    for cy in (15.0, 13.0):
        img = _area()
        _stamp(img, 40, cy, r_mm=18)
        call, _, feats = signature_presence(_scan(img, 1.0), dpi=DPI)
        assert call == "not_signed", feats
        assert feats["stamps"] >= 1


def test_signature_across_a_cut_off_stamp_is_not_hidden():
    img = _area()
    _stamp(img, 40, 15, r_mm=18)
    _signature(img, 30, 8, seed=3, colour=25)
    call, _, feats = signature_presence(_scan(img, -1.0), dpi=DPI)
    assert call == "signed", feats


# ---------------------------------------------------------------- stamps, colour, text lines


def _rgb_area(w_mm: float = 85, h_mm: float = 34) -> Image.Image:
    return Image.new("RGB", (round(w_mm * MM), round(h_mm * MM)), (244, 242, 236))


def _rgb_scan(img: Image.Image, seed: int = 0) -> tuple[Image.Image, Image.Image]:
    """(grey, colour) of an RGB area scanned: blur, noise, JPEG (chroma subsampled)."""
    img = img.filter(ImageFilter.GaussianBlur(0.8))
    a = np.asarray(img, dtype=np.float32)
    a += np.random.default_rng(seed).normal(0, 5, a.shape[:2])[..., None]
    buf = io.BytesIO()
    Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).save(buf, format="JPEG", quality=70)
    colour = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    return colour.convert("L"), colour


def _colour_stamp(img: Image.Image, cx_mm: float, cy_mm: float, colour, r_mm: float = 15):
    """A stamp drawn through _stamp's geometry in one ink colour on an RGB area."""
    layer = Image.new("L", img.size, 0)
    _stamp(layer, cx_mm, cy_mm, r_mm=r_mm, colour=255)
    img.paste(Image.new("RGB", img.size, colour), (0, 0), layer)


def _colour_signature(img: Image.Image, x_mm: float, y_mm: float, colour, seed: int = 0):
    """A signature 20 mm long: written from x_mm, it stays on a stamp 30 mm across."""
    layer = Image.new("L", img.size, 0)
    _signature(layer, x_mm, y_mm, seed=seed, colour=255, span_mm=20)
    img.paste(Image.new("RGB", img.size, colour), (0, 0), layer)


PURPLE, BLUE_STAMP = (105, 55, 165), (40, 70, 175)
BLACK_PEN, BLUE_PEN = (25, 25, 35), (30, 50, 155)


def test_a_round_signature_loop_is_not_a_stamp():
    img = _area()
    d = ImageDraw.Draw(img)
    d.ellipse([20 * MM, 4 * MM, 44 * MM, 28 * MM], outline=30, width=round(0.5 * MM))
    d.line([(44 * MM, 16 * MM), (70 * MM, 22 * MM), (60 * MM, 8 * MM)], fill=30, width=5)
    call, _, feats = signature_presence(_scan(img), dpi=DPI)
    assert feats["stamps"] == 0, feats
    assert call == "signed", feats


def test_signature_inside_a_stamp_told_apart_by_colour_and_by_geometry():
    # the whole signature lies on the stamp's disk: colour tells it apart, and so does its
    # geometry in grey (a thin stroke crossing the rings, not a ring, a letter or the emblem)
    img = _rgb_area()
    _colour_stamp(img, 40, 17, PURPLE)
    _colour_signature(img, 30, 16, BLACK_PEN, seed=4)
    grey, colour = _rgb_scan(img)
    call_grey, conf_grey, f_grey = signature_presence(grey, dpi=DPI)
    assert call_grey == "signed", f_grey
    assert f_grey["pen_across_rings_px"] > 0 and conf_grey <= 0.85
    call, _, feats = signature_presence(grey, dpi=DPI, colour=colour)
    assert call == "signed", feats
    assert feats["pen_on_stamp_px"] > 0


def test_blue_pen_on_blue_stamp_told_apart_by_stroke_geometry():
    # same hue: colour cannot split them, the stroke's geometry can
    img = _rgb_area()
    _colour_stamp(img, 40, 17, BLUE_STAMP)
    _colour_signature(img, 30, 16, BLUE_PEN, seed=4)
    grey, colour = _rgb_scan(img)
    call, _, feats = signature_presence(grey, dpi=DPI, colour=colour)
    assert call == "signed", feats
    assert feats["pen_across_rings_px"] > 0


def test_pen_short_of_the_rings_on_a_blue_stamp_stays_in_review():
    # a few strokes inside the inner ring that never reach it: not told from the emblem
    img = _rgb_area()
    _colour_stamp(img, 40, 17, BLUE_STAMP)
    layer = Image.new("L", img.size, 0)
    ImageDraw.Draw(layer).line(
        [(36 * MM, 14 * MM), (44 * MM, 20 * MM), (37 * MM, 21 * MM)], fill=255, width=4
    )
    img.paste(Image.new("RGB", img.size, BLUE_PEN), (0, 0), layer)
    grey, colour = _rgb_scan(img)
    call, _, feats = signature_presence(grey, dpi=DPI, colour=colour)
    assert call != "signed", feats


@pytest.mark.parametrize("blur", [0.5, 1.5, 2.5])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_stamp_alone_heavily_blurred_has_no_pen_across_its_rings(blur, seed):
    # blurred lettering merges into arcs and touches the rings: still the stamp's, not a pen
    img = _area(70, 40)
    _stamp(img, 35, 20, r_mm=17)
    a = img.filter(ImageFilter.GaussianBlur(blur))
    call, _, feats = signature_presence(_scan(a, 1.0, seed), dpi=DPI)
    assert call != "signed", feats
    assert not feats.get("pen_across_rings_px"), feats


def test_ring_pixels_are_the_rings_not_a_stroke_across_them():
    from sopcheck.extract.inkrings import ring_pixels

    img = _area(60, 60)
    _stamp(img, 30, 30, r_mm=15)
    d = ImageDraw.Draw(img)
    d.line([(10 * MM, 30 * MM), (50 * MM, 32 * MM)], fill=30, width=4)  # across the stamp
    a = np.asarray(img) < 160
    rings = ring_pixels(a, 30 * MM, 30 * MM, 0.4 * 15 * MM, 1.1 * 15 * MM)
    yy, xx = np.mgrid[0 : a.shape[0], 0 : a.shape[1]]
    dist = np.hypot(yy - 30 * MM, xx - 30 * MM) / MM
    on_ring = a & ((np.abs(dist - 15) < 0.6) | (np.abs(dist - 10.5) < 0.6))
    assert rings[on_ring].mean() > 0.9  # the two rings
    stroke = a & (np.abs(yy / MM - (30 + (xx / MM - 10) / 20)) < 0.3) & (np.abs(dist - 15) > 1.5)
    stroke &= np.abs(dist - 10.5) > 1.5
    assert rings[stroke].mean() < 0.05  # the line across them, away from the crossings


def test_coloured_stamp_alone_is_not_signed_with_colour():
    for ink_colour in (PURPLE, BLUE_STAMP, (190, 40, 50)):
        img = _rgb_area()
        _colour_stamp(img, 40, 17, ink_colour)
        grey, colour = _rgb_scan(img, seed=2)
        call, _, feats = signature_presence(grey, dpi=DPI, colour=colour)
        assert call == "not_signed", (ink_colour, feats)


def test_printed_line_at_the_edge_and_slanted_rules_are_not_a_signature():
    img = _area(85, 34)
    d = ImageDraw.Draw(img)
    x = 10 * MM
    for _ in range(14):  # a bold name line at the bottom edge that the OCR did not read
        d.rectangle([x, 29.5 * MM, x + 1.6 * MM, 32.5 * MM], fill=20)
        x += 2.4 * MM
    # a table rule running 1.5 degrees off the axis across the whole area
    d.line([(0, 3 * MM), (img.width, 3 * MM + img.width * 0.026)], fill=20, width=3)
    call, _, feats = signature_presence(_scan(img), dpi=DPI)
    assert call == "not_signed", feats


def test_edge_text_bands_trims_a_date_line_but_not_a_signature():
    img = _area(85, 40)
    d = ImageDraw.Draw(img)
    x = 8 * MM
    for _ in range(12):  # "Tanggal: 13 Maret 2024" at the top edge
        d.rectangle([x, 1.5 * MM, x + 1.5 * MM, 4.5 * MM], fill=25)
        x += 2.3 * MM
    _signature(img, 15, 24, seed=2)
    scanned = _scan(img)
    top, bottom = edge_text_bands(scanned, line_h=3.5 * MM)
    assert 4.5 * MM <= top <= 12 * MM, top
    assert bottom == scanned.height
    assert signature_presence(scanned.crop((0, top, scanned.width, bottom)), dpi=DPI)[0] == "signed"


# ---------------------------------------------------------------- the own sheet's signature box


def _wave(img: Image.Image, amp_mm: float, seed: int = 0) -> None:
    """One gently curved pen stroke ~50 mm wide (a flat signature, a paraf): a low bump."""
    rng = np.random.default_rng(seed)
    pts = []
    for t in np.linspace(0, 1, 200):
        x = 15 + 50 * t
        y = (
            20
            - amp_mm * math.exp(-(((t - 0.45) / 0.1) ** 2))
            + 0.3 * amp_mm * math.exp(-(((t - 0.25) / 0.06) ** 2))
            + 4 * t**2
            + rng.normal(0, 0.02)
        )
        pts.append((x * MM, y * MM))
    ImageDraw.Draw(img).line(pts, fill=30, width=round(0.45 * MM), joint="curve")


@pytest.mark.parametrize("seed", [0, 1])
def test_flat_signature_in_the_signature_box_is_signed(seed):
    img = _area(90, 34)
    _wave(img, 14, seed)
    scan = _scan(img, 0.5, seed)
    call, _, feats = signature_presence(scan, dpi=DPI)
    assert call == "uncertain", feats  # anywhere else, too flat to be sure
    call, conf, feats = signature_presence(scan, dpi=DPI, signature_box=True)
    assert call == "signed" and conf <= 0.8, feats


def test_straight_stroke_in_the_signature_box_is_not_a_signature():
    img = _area(90, 34)
    ImageDraw.Draw(img).line([(12 * MM, 24 * MM), (75 * MM, 10 * MM)], fill=30, width=5)
    call, _, feats = signature_presence(_scan(img, 0.0), dpi=DPI, signature_box=True)
    assert call != "signed", feats


def _sheetgen_stamp_and_signature(seed: int, signed: bool = True) -> Image.Image:
    """A stamp of uneven, speckled ink (sheetgen's) with a signature over it, scanned grey."""
    import random

    from sopcheck import sheetgen

    rng = random.Random(seed)
    w, h = 480, 290
    layer = Image.new("RGB", (w, h), "white")
    r = h * rng.uniform(0.45, 0.62)
    cx = rng.uniform(r * 0.6, w - r * 0.6)
    sheetgen.draw_stamp(layer, (cx, h * rng.uniform(0.3, 0.7)), min(r, w * 0.3), rng)
    sw = w * rng.uniform(0.45, 0.75)
    sx = rng.uniform(0.05, 0.9) * (w - sw)
    box = (round(sx), round(h * 0.1), round(sx + sw), round(h * 0.9))
    if signed:
        sheetgen.draw_signature(layer, box, rng)
    img = layer.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.3)))
    a = np.asarray(img, dtype=np.float32) * rng.uniform(0.8, 1.0)
    a += np.random.default_rng(seed).normal(0, rng.uniform(2, 10), a.shape)
    buf = io.BytesIO()
    Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).save(
        buf, "JPEG", quality=rng.randint(40, 90)
    )
    return Image.open(io.BytesIO(buf.getvalue())).convert("L")


def test_pen_across_a_stamp_whose_rings_faded_into_short_arcs():
    # the stamp's ring is found (a circle of ink), but faded and speckled it keeps no long arc
    # at one radius: the found circle is cut out all the same, so the pen across it is seen
    call, _, feats = signature_presence(_sheetgen_stamp_and_signature(149), dpi=DPI)
    assert feats["stamps"] >= 1, feats
    assert call == "signed", feats


@pytest.mark.parametrize("seed", range(0, 40, 3))
def test_sheetgen_stamp_alone_is_never_signed(seed):
    call, _, feats = signature_presence(_sheetgen_stamp_and_signature(seed, False), dpi=DPI)
    assert call != "signed", feats


def _broken_stamp(img: Image.Image, cx_mm: float, cy_mm: float, r_mm: float = 15) -> None:
    """_stamp's lettering and emblem, its rings printed as arcs with gaps (faded ink)."""
    _stamp(img, cx_mm, cy_mm, r_mm=r_mm, colour=95)
    d = ImageDraw.Draw(img)
    cx, cy, r = cx_mm * MM, cy_mm * MM, r_mm * MM
    for f in (1.0, 0.7):  # blank a gap every 72 degrees on both rings
        rr = r * f
        for k in range(5):
            a0 = 72 * k + 20
            d.arc(
                [cx - rr, cy - rr, cx + rr, cy + rr], a0, a0 + 14, fill=242, width=round(1.2 * MM)
            )


def test_stamp_whose_rings_broke_into_arcs_is_a_stamp():
    img = _area(70, 40)
    _broken_stamp(img, 35, 20)
    call, _, feats = signature_presence(_scan(img, 1.0), dpi=DPI)
    assert feats["stamps"] == 1, feats
    assert call == "not_signed", feats
    _signature(img, 22, 20, seed=2, colour=25, span_mm=40)  # and a signature over it
    call, _, feats = signature_presence(_scan(img, 1.0), dpi=DPI)
    assert call == "signed", feats


def _slanted_cell(img: Image.Image, degrees: float) -> None:
    """A table cell's borders running right across the area, off the axis by ``degrees`` (as a
    phone photo's perspective leaves them after deskewing), with a word cut by the bottom one."""
    d = ImageDraw.Draw(img)
    w, h = img.size
    t = math.tan(math.radians(degrees))
    width = round(0.35 * MM)
    d.line([(0, 3 * MM), (w, 3 * MM + w * t)], fill=35, width=width)  # top border
    d.line([(0, h - 4 * MM), (w, h - 4 * MM + w * t)], fill=35, width=width)  # bottom border
    d.line([(5 * MM, 0), (5 * MM - h * t, h)], fill=35, width=width)  # left border
    d.line([(w - 4 * MM, 0), (w - 4 * MM - h * t, h)], fill=35, width=width)  # right border


@pytest.mark.parametrize("degrees", [2.5, -3.5, 5.0])
def test_table_borders_off_the_axis_are_not_a_signature(degrees):
    img = _area(85, 34)
    _slanted_cell(img, degrees)
    call, _, feats = signature_presence(_scan(img, seed=3))
    assert call == "not_signed", feats


def test_a_signature_inside_slanted_borders_is_still_found():
    img = _area(85, 34)
    _slanted_cell(img, 3.0)
    _signature(img, 18, 17, seed=4)
    assert signature_presence(_scan(img, seed=4))[0] == "signed"


def test_a_pens_straight_underline_is_not_taken_for_a_slanted_rule():
    """A signature's underline off the axis (half the area across) stays part of the signature."""
    from sopcheck.extract.inkbase import ink_mask, strip_rules

    img = _area(85, 34)
    d = ImageDraw.Draw(img)
    d.line([(20 * MM, 28 * MM), (60 * MM, 25 * MM)], fill=30, width=round(0.5 * MM))  # ~4 degrees
    mask, _ = ink_mask(np.asarray(img, dtype=np.float32), DPI)
    assert strip_rules(mask, DPI).sum() == mask.sum()
