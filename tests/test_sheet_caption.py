"""The caption printed on a free-form approval sheet (PST-05's link to caption.txt): read from a
generated verification form with the real Tesseract, and the line rules on made-up lines."""

from __future__ import annotations

import pytest
from rapidfuzz import fuzz

from sopcheck import sheetgen
from sopcheck.extract.ocr import Word
from sopcheck.extract.sheet_caption import printed_caption
from sopcheck.extract.sheet_words import group_lines
from sopcheck.extract.sheets import read_sheet
from sopcheck.rulepack import load_rulepack

H = 24  # line height of the made-up lines


def _line(y: int, x: int, *texts: str, gap: int = 14) -> list[Word]:
    out = []
    for t in texts:
        w = max(H, 14 * len(t))
        out.append(Word(text=t, conf=0.95, x=x, y=y, w=w, h=H))
        x += w + gap
    return out


def test_a_caption_wrapped_over_lines_is_joined_up_to_its_closing_quote():
    words = (
        _line(100, 130, "Caption:", '"Musrenbang', "Kecamatan", "Bulik,", "12/3/2024.")
        + _line(136, 130, "Pemerintah", "Kabupaten", "Lamandau", '#InfoPublik"')
        + _line(172, 130, "Tim", "Pertimbangan")  # the next thing on the page
    )
    got = printed_caption(group_lines(words))
    assert got == "Musrenbang Kecamatan Bulik, 12/3/2024. Pemerintah Kabupaten Lamandau #InfoPublik"


def test_a_table_cell_labelled_caption_is_not_the_caption():
    # "3 | Caption | maks. 200 karakter": the label alone on its line (cells far apart)
    words = _line(100, 130, "3") + _line(100, 230, "Caption") + _line(100, 600, "maks.", "200")
    assert printed_caption(group_lines(words)) is None


def test_a_numbered_label_and_a_takarir_label_are_read_and_a_far_line_stops_it():
    words = _line(100, 130, "4.", "Takarir:", "Pasar", "murah", "Nanga", "Bulik") + _line(
        300, 130, "Mengetahui,"
    )
    assert printed_caption(group_lines(words)) == "Pasar murah Nanga Bulik"


def test_no_label_no_caption():
    words = _line(100, 130, "Dengan", "ini", "menyatakan", "bahwa", "konten")
    assert printed_caption(group_lines(words)) is None


@pytest.mark.skipif(not sheetgen.font_path().exists(), reason="needs fonts-dejavu-core")
@pytest.mark.parametrize("seed", [0, 5])
def test_the_caption_on_a_scanned_verification_form_is_read(tmp_path, seed):
    pack = load_rulepack()
    sheet = sheetgen.free_form_sheet(seed, pack, body="verification", turn=0, profile="scan")
    r = read_sheet(sheet.write(tmp_path / "persetujuan"), "persetujuan", pack)
    assert r.caption_text is not None
    # the check passes PST-05 at a fuzzy ratio of 0.9; the reading must be well above it
    assert fuzz.ratio(r.caption_text.casefold(), sheet.truth["caption"].casefold()) >= 95


@pytest.mark.skipif(not sheetgen.font_path().exists(), reason="needs fonts-dejavu-core")
def test_a_sheet_without_a_caption_gives_none(tmp_path):
    pack = load_rulepack()
    sheet = sheetgen.free_form_sheet(2, pack, turn=0, profile="scan")
    r = read_sheet(sheet.write(tmp_path / "persetujuan"), "persetujuan", pack)
    assert r.error is None and r.caption_text is None


def test_a_sentence_that_starts_with_the_word_is_not_a_caption():
    words = _line(100, 130, "Caption", "direvisi", "setelah", "ditandatangani")
    assert printed_caption(group_lines(words)) is None
    marked = _line(100, 130, "Caption", ":", "Pasar", "murah")
    assert printed_caption(group_lines(marked)) == "Pasar murah"
