"""Photographed free-form sheets: read after the perspective correction, and a long line across a
signature area (a table border bent by the photo, joined to a printed name) never called a
signature. The reading tests run the real Tesseract."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from sopcheck import sheetgen
from sopcheck.extract import ink
from sopcheck.extract.sheet_signature import erase_lines_across, judge_signature
from sopcheck.extract.sheets import read_sheet
from sopcheck.rulepack import load_rulepack

BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
pytestmark = pytest.mark.skipif(not BOLD.exists(), reason="needs fonts-dejavu-core")
AREA = (470, 255)  # a table cell's signature area at 200 dpi, about 60 x 32 mm


def _ruled_area(*, off: int, bend: float = 0.0, slope: float = 33.0) -> Image.Image:
    """An empty signature area cut from a photographed table: the cell's left border, and its
    bottom border running up across the area (``slope`` pixels over its length, bowed by
    ``bend``) through the top of the printed name below, which the area's edge cuts."""
    img = Image.new("L", AREA, 225)
    d = ImageDraw.Draw(img)

    def line(x: float) -> float:
        return 252 - slope * (x - 80) / 390 - bend * (1 - (x - 275) ** 2 / 195**2)

    name_font = ImageFont.truetype(str(BOLD), 30)
    d.text((130, line(130) + off), "Ir. Marselinus Tigor", font=name_font, fill=30, anchor="ls")
    d.line([(x, line(x)) for x in range(80, 471, 10)], fill=30, width=3)  # meets the bottom
    d.line([(14, 0), (22, AREA[1])], fill=30, width=3)
    return img


def _signature(img: Image.Image, seed: int) -> Image.Image:
    """A looping pen stroke in the middle of the area."""
    rnd = random.Random(seed)
    pts = []
    for i in range(60):
        x = 120 + i * 4
        y = 110 + 45 * ((i % 9) / 9 - 0.5) * (1 if i % 2 else -1) + rnd.uniform(-8, 8)
        pts.append((x, y))
    out = img.copy()
    ImageDraw.Draw(out).line(pts, fill=20, width=3, joint="curve")
    return out


@pytest.mark.parametrize("off,bend", [(0, 0.0), (6, 0.0), (3, 4.0), (9, 4.0)])
def test_a_bent_border_through_the_name_is_not_a_signature(off, bend):
    area = _ruled_area(off=off, bend=bend)
    # the ink classifier alone takes the joined line and glyph tops for a pen's stroke ...
    assert ink.signature_presence(area, [], dpi=200)[0] == "signed"
    # ... the sheet reader finds the line across the area and sends it to review
    call, conf, _crop, notes = judge_signature(area, (0, 0, *AREA), [], None, 200)
    assert call == "uncertain" and conf <= 0.4
    assert "line across the area" in notes[0]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_signature_beside_the_border_stays_signed(seed):
    area = _signature(_ruled_area(off=3), seed)
    call, _conf, _crop, _notes = judge_signature(area, (0, 0, *AREA), [], None, 200)
    assert call == "signed"


def test_a_pen_stroke_that_stops_short_of_the_edges_is_no_line_across():
    img = Image.new("L", AREA, 225)
    ImageDraw.Draw(img).line([(120, 130), (400, 118)], fill=20, width=3)  # a flat paraf
    assert erase_lines_across(__import__("numpy").asarray(img), 200) is None


@pytest.fixture(scope="module")
def pack():
    return load_rulepack()


def test_a_photographed_table_sheet_is_read_after_straightening(tmp_path, pack):
    """The held-out case of bench/accuracy.py --n 60 --kinds free --seed 17 (sheet 1700050): a
    table photographed in perspective. Before: the empty third area was called signed."""
    sheet = sheetgen.generate("free", 1_700_050)
    assert sheet.truth["layout"] == "table" and sheet.truth["degradation"]["profile"] == "photo"
    path = sheet.write(tmp_path / "persetujuan")
    got = read_sheet(path, path.name, pack)
    assert got.error is None
    assert any("perspective corrected" in n for n in got.notes)
    truth = sheet.truth["roles"]
    for rr in got.roles:
        assert rr.found, rr.role
        signed = truth[rr.role]["signature"] in ("signature", "stamp+signature")
        if rr.signature != "uncertain":
            assert (rr.signature == "signed") == signed, rr.role
    assert {r.role: r.signature for r in got.roles}["atasan_ppid_pelaksana"] != "signed"


@pytest.mark.parametrize("seed", [1_700_041, 1_700_045])
def test_photographed_sheets_with_dim_corners_have_all_their_roles(tmp_path, pack, seed):
    """Straightened photos whose light falls off (1700041) or turned sideways (1700045): once the
    table is cut away the dim side must still be read (the light is flattened) and a sideways
    page must not be deskewed by a guess before OSD turns it."""
    sheet = sheetgen.generate("free", seed)
    assert sheet.truth["degradation"]["profile"] == "photo"
    path = sheet.write(tmp_path / "persetujuan")
    got = read_sheet(path, path.name, pack)
    assert any("perspective corrected" in n for n in got.notes)
    assert all(rr.found for rr in got.roles), [rr.role for rr in got.roles if not rr.found]
