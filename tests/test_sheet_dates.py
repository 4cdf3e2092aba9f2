"""The date of a role block (sopcheck/extract/sheet_dates.py) and of the own sheet's date field
(own_sheet._read_date), with the real Tesseract on small generated images: a printed date is read
on the common path, a handwritten one only when a second reading agrees, and a disagreement is
review with both dates in the note."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from PIL import Image, ImageDraw

from sopcheck import sheetgen
from sopcheck.extract import ocr, own_sheet, sheet_dates
from sopcheck.extract.sheet_blocks import Block
from sopcheck.extract.sheet_words import group_lines

pytestmark = pytest.mark.skipif(
    not (sheetgen.FONT_DIR / "DejaVuSans.ttf").exists(), reason="needs fonts-dejavu-core"
)

LANGS = "ind+eng"
BLUE = (25, 45, 150)


def _page(date_text: str, *, pen: bool) -> Image.Image:
    """A block's 'Tanggal:' line with the date typed in the print's font or written with a pen
    (DejaVu Sans Oblique, larger, in blue ink: a clean, legible hand)."""
    img = Image.new("RGB", (760, 150), "white")
    d = ImageDraw.Draw(img)
    d.text((30, 60), "Tanggal:", font=sheetgen.font(28), fill=(0, 0, 0))
    if pen:
        d.text((180, 52), date_text, font=sheetgen.font(36, "Oblique"), fill=BLUE)
    else:
        d.text((180, 60), date_text, font=sheetgen.font(28), fill=(0, 0, 0))
    return img


def _read(img: Image.Image, **kw) -> sheet_dates.DateReading:
    grey = img.convert("L")
    words = ocr.ocr_image(grey, LANGS, psm=6)
    block = Block(x0=0, x1=img.width, top=0, label_bottom=0, end=0, bottom=img.height,
                  name_found=False)  # fmt: skip
    return sheet_dates.read_block_date(
        block, group_lines(words), grey, colour=img, langs=LANGS, **kw
    )


def _no_second_reading(*_a, **_k):
    raise AssertionError("the second reading ran on a printed date")


@pytest.mark.parametrize(
    "text,want", [("13 Maret 2024", dt.date(2024, 3, 13)), ("14/3/2024", dt.date(2024, 3, 14))]
)
def test_a_printed_date_is_read_without_a_second_reading(monkeypatch, text, want):
    monkeypatch.setattr(sheet_dates, "second_reading", _no_second_reading)
    got = _read(_page(text, pen=False))
    assert got.date == want
    assert got.handwritten is False
    assert got.notes == ()


def test_a_handwritten_date_both_readings_agree_on_is_read(monkeypatch):
    calls = []
    real = sheet_dates.second_reading

    def spy(*a, **k):
        calls.append(real(*a, **k))
        return calls[-1]

    monkeypatch.setattr(sheet_dates, "second_reading", spy)
    got = _read(_page("13 Maret 2024", pen=True))
    assert got.handwritten is True
    assert len(calls) == 1 and calls[0][0] == dt.date(2024, 3, 13)  # the second, real reading
    assert got.date == dt.date(2024, 3, 13), got.notes
    assert got.notes == ()


def test_a_handwritten_date_the_readings_disagree_on_goes_to_review(monkeypatch):
    # fault injection: the second reading sees a 2 where the first saw a 1
    monkeypatch.setattr(
        sheet_dates, "second_reading", lambda *a, **k: (dt.date(2024, 3, 23), "23/3/2024", 0.9)
    )
    got = _read(_page("13/3/2024", pen=True))
    assert got.date is None
    assert got.text == "13/3/2024"
    (note,) = got.notes
    assert note.startswith("handwritten date (")
    assert "two readings disagree: 13/03/2024 vs 23/03/2024" in note
    assert "ink colour unlike the print" in note


def test_an_unsure_or_empty_second_reading_is_review(monkeypatch):
    monkeypatch.setattr(
        sheet_dates, "second_reading", lambda *a, **k: (dt.date(2024, 3, 13), "13/3/2024", 0.3)
    )
    got = _read(_page("13/3/2024", pen=True))
    assert got.date is None and "the second reading is unsure (0.30)" in got.notes[0]
    monkeypatch.setattr(sheet_dates, "second_reading", lambda *a, **k: (None, "1x/3", 0.8))
    got = _read(_page("13/3/2024", pen=True))
    assert got.date is None and "the second reading found no date" in got.notes[0]


def test_a_text_layer_date_is_print(monkeypatch):
    monkeypatch.setattr(sheet_dates, "second_reading", _no_second_reading)
    got = _read(_page("13/3/2024", pen=True), text_layer=True)
    assert got.date == dt.date(2024, 3, 13) and got.handwritten is False


def test_the_old_triple_keeps_its_shape():
    img = _page("13 Maret 2024", pen=False)
    grey = img.convert("L")
    block = Block(x0=0, x1=img.width, top=0, label_bottom=0, end=0, bottom=img.height,
                  name_found=False)  # fmt: skip
    lines = group_lines(ocr.ocr_image(grey, LANGS, psm=6))
    d, text, conf = sheet_dates.read_role_date(block, lines, grey, colour=img, langs=LANGS)
    assert (d, text) == (dt.date(2024, 3, 13), "13 Maret 2024") and conf >= 0.85


def test_the_second_reading_sees_the_date_alone_and_enlarged():
    img = Image.new("L", (700, 120), 255)
    d = ImageDraw.Draw(img)
    d.text((40, 40), "13/3/2024", font=sheetgen.font(24), fill=0)
    d.text((40, 72), "." * 40, font=sheetgen.font(24), fill=0)  # a fill-in line of dots
    d.line([(60, 0), (300, 30)], fill=0, width=3)  # a stroke reaching in from above
    box = d.textbbox((40, 40), "13/3/2024", font=sheetgen.font(24))
    field = sheet_dates.date_field(img, box)
    a = np.asarray(field) < 128
    ys = np.nonzero(a.any(axis=1))[0]
    assert ys.max() - ys.min() + 1 <= 1.25 * sheet_dates.SECOND_GLYPH_PX  # no dots, no stroke
    got = sheet_dates.second_reading(img, box, langs=LANGS)
    assert got[0] == dt.date(2024, 3, 13) and got[2] >= sheet_dates.SECOND_MIN_CONF


def test_ocr_line_keeps_words_apart_with_a_whitelist():
    img = Image.new("L", (520, 90), 255)
    ImageDraw.Draw(img).text((20, 20), "13 Maret 2024", font=sheetgen.font(40), fill=0)
    words = ocr.ocr_line(img, LANGS, whitelist=sheet_dates.DATE_CHARS)
    assert [w.text for w in words] == ["13", "Maret", "2024"]


# ---------------------------------------------------------------- the own sheet's date field


def _field(text: str, *, pen: bool) -> Image.Image:
    img = Image.new("L", (500, 120), 255)
    d = ImageDraw.Draw(img)
    if pen:
        d.text((30, 28), text, font=sheetgen.font(40, "Oblique"), fill=30)
    else:
        d.text((30, 34), text, font=sheetgen.font(34), fill=0)
    return img


def test_own_sheet_printed_date_is_read_without_a_second_reading(monkeypatch):
    monkeypatch.setattr(sheet_dates, "second_reading", _no_second_reading)
    d, text, conf, note = own_sheet._read_date(_field("13-03-2024", pen=False), LANGS)
    assert (d, note) == (dt.date(2024, 3, 13), None)


def test_own_sheet_handwritten_date_is_read_when_the_readings_agree():
    d, text, conf, note = own_sheet._read_date(_field("13-03-2024", pen=True), LANGS)
    assert (d, note) == (dt.date(2024, 3, 13), None)


def test_own_sheet_handwritten_date_the_readings_disagree_on_goes_to_review(monkeypatch):
    monkeypatch.setattr(
        sheet_dates, "second_reading", lambda *a, **k: (dt.date(2024, 3, 12), "12-03-2024", 0.9)
    )
    d, text, conf, note = own_sheet._read_date(_field("13-03-2024", pen=True), LANGS)
    assert d is None and text == "13-03-2024"
    assert "slanted" in note and "two readings disagree: 13/03/2024 vs 12/03/2024" in note


def _row_page(above: str, *, across: bool) -> tuple[Image.Image, Block]:
    """A block in the left half of a row of blocks (label, then nothing: no 'Tanggal' line) with a
    line of print above its label: across the whole row (the page's running text) or in the
    block's own column."""
    img = Image.new("L", (1500, 320), 255)
    d = ImageDraw.Draw(img)
    d.text((30 if across else 120, 30), above, font=sheetgen.font(26), fill=0)
    d.text((120, 110), "Tim Pertimbangan", font=sheetgen.font(28, "Bold"), fill=0)
    d.text((870, 110), "Ketua PPID Pelaksana", font=sheetgen.font(28, "Bold"), fill=0)
    block = Block(x0=0, x1=750, top=0, label_bottom=150, end=300, bottom=320, name_found=False)
    return img, block


def test_a_date_in_running_text_above_a_row_of_blocks_is_not_the_block_date():
    text = "Musrenbang Kecamatan Bulik, 12/3/2024. Pemerintah Kabupaten Lamandau bersama warga"
    img, block = _row_page(text, across=True)
    words = ocr.ocr_image(img, LANGS, psm=6)
    assert any("12/3/2024" in w.text for w in words), "the test page was not read as meant"
    got = sheet_dates.read_block_date(block, group_lines(words), img, langs=LANGS)
    assert got.date is None


def test_a_dateline_above_the_label_is_the_block_date():
    img, block = _row_page("Nanga Bulik, 13 Maret 2024", across=False)
    words = ocr.ocr_image(img, LANGS, psm=6)
    got = sheet_dates.read_block_date(block, group_lines(words), img, langs=LANGS)
    assert got.date == dt.date(2024, 3, 13)
