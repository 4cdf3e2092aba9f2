"""OSD only when needed, words read once, colour cut from the frame on demand (real Tesseract)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from sopcheck import sheetgen
from sopcheck.extract import ocr, pages, sheets
from sopcheck.extract.ocr import Word
from sopcheck.extract.sheets import read_sheet
from sopcheck.rulepack import load_rulepack

pytestmark = pytest.mark.skipif(not sheetgen.font_path().exists(), reason="needs fonts-dejavu-core")


@pytest.fixture(scope="module")
def pack():
    return load_rulepack()


@pytest.fixture(scope="module")
def sheet_page(pack):
    """A clean free-form sheet (columns layout), upright, RGB at 200 dpi."""
    img, _truth = sheetgen.free_form_page(3, pack, layout="columns")
    return img


def _save(img: Image.Image, path, turn: int = 0):
    img.rotate(turn, expand=True).save(path, quality=90)
    return path


@pytest.fixture
def calls(monkeypatch):
    """Counts of OSD passes and full-page OCR passes (psm 3) made while reading."""
    got = {"osd": 0, "ocr": 0}
    real_osd, real_ocr = pages.osd, ocr.ocr_image

    def osd(img):
        got["osd"] += 1
        return real_osd(img)

    def ocr_image(img, langs=ocr.DEFAULT_LANGS, psm=3, **kw):
        got["ocr"] += psm == 3
        return real_ocr(img, langs, psm, **kw)

    monkeypatch.setattr(pages, "osd", osd)
    monkeypatch.setattr(ocr, "ocr_image", ocr_image)
    return got


def _found(reading) -> int:
    return sum(r.found for r in reading.roles)


def test_upright_sheet_is_read_once_without_osd(tmp_path, pack, sheet_page, calls):
    r = read_sheet(_save(sheet_page, tmp_path / "persetujuan.jpg"), "persetujuan.jpg", pack)
    assert r.error is None and r.kind == "free-form" and r.rotation == 0
    assert _found(r) == 3
    assert calls == {"osd": 0, "ocr": 1}


def test_upside_down_sheet_is_turned_by_osd_and_read(tmp_path, pack, sheet_page, calls):
    p = _save(sheet_page, tmp_path / "persetujuan.jpg", turn=180)
    r = read_sheet(p, "persetujuan.jpg", pack)
    assert calls["osd"] == 1, "an upside-down page must be turned: OSD was not asked"
    assert r.error is None and r.rotation == 180
    assert _found(r) == 3
    assert calls["ocr"] == 2  # read as found, then again once turned


def test_sideways_sheet_read_as_vertical_text_still_goes_to_osd(tmp_path, pack, sheet_page, calls):
    # Tesseract reads a page turned 90 degrees clockwise as vertical text, with confident words
    # whose boxes are taller than wide: they must not count as upright
    r = read_sheet(_save(sheet_page, tmp_path / "p.png", turn=-90), "p.png", pack)
    assert calls["osd"] == 1 and r.rotation == 270 and _found(r) == 3  # 270 clockwise to stand


def test_upright_words_counts_confident_horizontal_words():
    def w(text, conf=0.95, box=(0, 0, 90, 20)):
        return Word(text=text, conf=conf, x=box[0], y=box[1], w=box[2], h=box[3])

    words = [
        w("Pertimbangan"),
        w("Ketua"),
        w("PPID", conf=0.5),  # not confident
        w("ab"),  # too short
        w("19800101"),  # not letters
        w("Setuju", box=(0, 0, 20, 90)),  # taller than wide: read sideways
    ]
    assert sheets.upright_words(words) == 2


def test_colour_page_matches_the_grey_page_geometry(sheet_page):
    """The colour cut through ``to_source`` lands where the prepared grey page has its ink, after a
    resize, a 90-degree turn and a deskew."""
    src = sheet_page.rotate(-90, expand=True).rotate(2.0, expand=True, fillcolor="white")
    src = src.resize((src.width * 3 // 2, src.height * 3 // 2))  # 300 dpi: resampled to work
    pg = pages.prepare(src, 1, 380.0, osd=False)
    pg = pages.turn(pg, 270, 9.9)
    assert pg.rotation == 270 and abs(pg.skew) > 1.0 and pg.dpi == pages.HIGH_TARGET
    colour = pages.ColourPage(src, pg)
    assert colour.size == pg.image.size
    grey = np.asarray(pg.image, dtype=np.float32)
    cut = np.asarray(colour.crop((0, 0, *pg.image.size)).convert("L"), dtype=np.float32)
    ink = grey < 128
    assert np.abs(grey - cut).mean() < 4.0 and (cut[ink] < 160).mean() > 0.9
    # a crop is the same pixels as the full page cut there
    box = (300, 400, 700, 650)
    part = np.asarray(colour.crop(box), dtype=np.float32)
    whole = np.asarray(colour.full().crop(box), dtype=np.float32)
    assert part.shape == (250, 400, 3) and np.abs(part - whole).mean() < 2.0
    # and it differs from a map that forgot the turn (the test can fail)
    wrong = pages.ColourPage(src, pages.prepare(src, 1, 380.0, osd=False))
    bad = np.asarray(wrong.crop((0, 0, *pg.image.size)).convert("L"), dtype=np.float32)
    assert (bad[ink] < 160).mean() < 0.5


def test_grey_saved_as_rgb_has_no_colour(tmp_path, sheet_page):
    buf = io.BytesIO()
    sheet_page.convert("L").convert("RGB").save(buf, "PNG")
    p = tmp_path / "grey.png"
    p.write_bytes(buf.getvalue())
    pg = pages.prepare(Image.open(p), 1, osd=False)
    assert sheets.colour_pages(p, [pg]) == [None]
    coloured = tmp_path / "colour.png"
    sheet_page.save(coloured)
    (c,) = sheets.colour_pages(coloured, [pages.prepare(Image.open(coloured), 1, osd=False)])
    assert isinstance(c, pages.ColourPage)
