"""Reading free-form approval sheets (any layout naming the roles) and the read_sheet dispatcher,
with the real Tesseract on small generated pages."""

from __future__ import annotations

import datetime as dt
import io
import math
import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from sopcheck.extract import sheet as sheet_mod
from sopcheck.extract.ocr import Word
from sopcheck.extract.sheets import read_sheet
from sopcheck.rulepack import load_rulepack

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
pytestmark = pytest.mark.skipif(not FONT.exists(), reason="needs fonts-dejavu-core")

ROLES = ("tim_pertimbangan", "ketua_ppid_pelaksana", "atasan_ppid_pelaksana")


@pytest.fixture(scope="module")
def pack():
    return load_rulepack()


def _font(size):
    return ImageFont.truetype(str(FONT), size)


def _scribble(d: ImageDraw.ImageDraw, x, y, w, h, seed, width=3, fill=0):
    """A signature-like stroke: a wavy line with loops."""
    rnd = random.Random(seed)
    pts = []
    for i in range(80):
        t = i / 79
        pts.append(
            (
                x + t * w + math.cos(t * 25) * h * 0.12,
                y + h / 2 + math.sin(t * 17 + rnd.random()) * h * 0.38 * (0.5 + rnd.random() / 2),
            )
        )
    d.line(pts, fill=fill, width=width, joint="curve")


def columns_sheet(signed, ticks, dates) -> Image.Image:
    """Letter-style sheet: the three roles side by side, each with boxes, a date, a name and NIP."""
    img = Image.new("L", (1240, 1754), 255)
    d = ImageDraw.Draw(img)
    f = _font(26)
    d.text((200, 120), "LEMBAR PERSETUJUAN KONTEN MEDIA SOSIAL", font=_font(30), fill=0)
    d.text((100, 220), "Judul: Musrenbang Kecamatan Bulik", font=f, fill=0)
    labels = ["Tim Pertimbangan", "Ketua PPID Pelaksana", "Atasan PPID Pelaksana"]
    for i, lab in enumerate(labels):
        x, y = 60 + i * 400, 500
        d.text((x, y), lab, font=f, fill=0)
        for j, opt in enumerate(("Setuju", "Tolak")):
            bx, by = x + j * 170, y + 60
            d.rectangle([bx, by, bx + 28, by + 28], outline=0, width=3)
            d.text((bx + 40, by), opt, font=f, fill=0)
            if ticks[i] == opt.lower():
                d.line([(bx + 4, by + 14), (bx + 12, by + 24), (bx + 26, by + 2)], fill=0, width=4)
        d.text((x, y + 120), "Tanggal: " + (dates[i] or "__________"), font=f, fill=0)
        if signed[i]:
            _scribble(d, x + 20, y + 190, 260, 110, seed=i)
        d.text((x, y + 340), f"( Nama Pejabat {i + 1} )", font=f, fill=0)
        d.text((x, y + 380), f"NIP 19700101 199{i} 1 001", font=f, fill=0)
    return img


def list_sheet(signed, words, dates) -> Image.Image:
    """The roles one under another, decisions typed ("Keputusan: Setuju"), dates above the role."""
    img = Image.new("L", (1240, 1754), 255)
    d = ImageDraw.Draw(img)
    f = _font(26)
    d.text((300, 90), "BERITA ACARA VERIFIKASI KONTEN", font=_font(30), fill=0)
    labels = [
        "Tim Pertimbangan Pelayanan Informasi",
        "Ketua PPID Pelaksana",
        "Atasan PPID Pelaksana",
    ]
    for i, lab in enumerate(labels):
        x, y = 620, 220 + i * 500
        d.text((x, y), "Nanga Bulik, " + dates[i], font=f, fill=0)
        d.text((x, y + 45), lab, font=f, fill=0)
        d.text((x, y + 90), "Keputusan: " + words[i], font=f, fill=0)
        if signed[i]:
            _scribble(d, x + 40, y + 160, 300, 120, seed=10 + i)
        d.text((x, y + 330), f"Pejabat Nomor {i + 1}", font=f, fill=0)
        d.text((x, y + 370), f"NIP. 19800202 200{i} 1 002", font=f, fill=0)
        d.text((80, y + 150), f"Catatan {i + 1}: konten sesuai", font=f, fill=0)
    return img


def _roles(reading):
    return {r.role: r for r in reading.roles}


@pytest.fixture(scope="module")
def columns_png(tmp_path_factory):
    p = tmp_path_factory.mktemp("ff") / "persetujuan.png"
    columns_sheet(
        (True, False, True), ("setuju", "tolak", None), ("13 Maret 2024", "14/03/2024", None)
    ).save(p)
    return p


def test_columns_sheet(columns_png, pack):
    r = read_sheet(columns_png, "persetujuan.png", pack)
    assert r.error is None and r.kind == "free-form" and r.file == "persetujuan.png"
    roles = _roles(r)
    assert all(roles[k].found for k in ROLES)
    assert roles["tim_pertimbangan"].signature == "signed"
    assert roles["ketua_ppid_pelaksana"].signature == "not_signed"
    assert roles["atasan_ppid_pelaksana"].signature == "signed"
    assert (roles["tim_pertimbangan"].decision, roles["tim_pertimbangan"].decision_state) == (
        "setuju",
        "clear",
    )
    assert (
        roles["ketua_ppid_pelaksana"].decision,
        roles["ketua_ppid_pelaksana"].decision_state,
    ) == ("tolak", "clear")
    assert roles["atasan_ppid_pelaksana"].decision is None
    # no box ticked: never a decision (OCR may glue the empty box to the word: then 'unknown')
    assert roles["atasan_ppid_pelaksana"].decision_state in ("neither", "unknown")
    assert roles["tim_pertimbangan"].date == dt.date(2024, 3, 13)
    assert roles["ketua_ppid_pelaksana"].date == dt.date(2024, 3, 14)
    assert roles["atasan_ppid_pelaksana"].date is None
    crop = Image.open(io.BytesIO(roles["tim_pertimbangan"].signature_crop))
    assert crop.width > 50
    # the signature area lies in the role's column, between its label and the name
    x, y, w, h = roles["ketua_ppid_pelaksana"].region
    scale = 200 / 150
    assert 400 * scale <= x + w / 2 <= 800 * scale
    assert 560 * scale < y and y + h < 860 * scale  # below the date line, above the NIP


def test_list_sheet_rotated_photo(tmp_path, pack):
    img = list_sheet(
        (False, True, True),
        ("Setuju", "Setuju", "Tolak"),
        ("12 Maret 2024", "13 Maret 2024", "13-03-2024"),
    )
    p = tmp_path / "persetujuan.jpg"
    img.rotate(-90, expand=True).rotate(1.5, expand=True, fillcolor=255).convert("RGB").save(
        p, quality=85
    )
    r = read_sheet(p, "persetujuan.jpg", pack)
    assert r.error is None and r.rotation == 270  # turned clockwise: 270 more to be upright
    roles = _roles(r)
    assert [roles[k].found for k in ROLES] == [True, True, True]
    assert roles["tim_pertimbangan"].signature in ("not_signed", "uncertain")
    assert roles["ketua_ppid_pelaksana"].signature == "signed"
    assert roles["atasan_ppid_pelaksana"].signature in ("signed", "uncertain")
    assert [roles[k].decision for k in ROLES] == ["setuju", "setuju", "tolak"]
    assert roles["tim_pertimbangan"].date == dt.date(2024, 3, 12)
    assert roles["atasan_ppid_pelaksana"].date == dt.date(2024, 3, 13)


def test_text_pdf_sheet(tmp_path, pack):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    p = tmp_path / "persetujuan.pdf"
    c = canvas.Canvas(str(p), pagesize=A4)
    W, H = A4
    c.setFont("Helvetica", 11)
    for i, lab in enumerate(["Tim Pertimbangan", "Ketua PPID Pelaksana", "Atasan PPID Pelaksana"]):
        x = 50 + i * 180
        c.drawString(x, H - 200, lab)
        c.drawString(x, H - 220, "Keputusan: Setuju")
        c.drawString(x, H - 240, "Tanggal: 13/03/2024")
        if i == 1:  # a drawn signature on the middle role
            path = c.beginPath()
            path.moveTo(x + 10, H - 300)
            for k in range(40):
                path.lineTo(x + 10 + k * 3, H - 300 + 18 * math.sin(k * 0.9))
            c.setLineWidth(1.5)
            c.drawPath(path)
        c.drawString(x, H - 350, f"Pejabat {i + 1}")
        c.drawString(x, H - 365, "NIP 19700101 199001 1 001")
    c.showPage()
    c.save()
    r = read_sheet(p, "persetujuan.pdf", pack)
    assert r.error is None and r.kind == "text-pdf" and r.text_layer
    roles = _roles(r)
    assert all(roles[k].found and roles[k].label_score == 1.0 for k in ROLES)
    assert all(
        roles[k].date == dt.date(2024, 3, 13) and roles[k].decision == "setuju" for k in ROLES
    )
    assert roles["ketua_ppid_pelaksana"].signature == "signed"
    assert roles["tim_pertimbangan"].signature != "signed"


def test_labels_tolerate_ocr_noise_and_shared_words(pack):
    def line(texts, y, x0=100):
        out, x = [], x0
        for t in texts:
            out.append(Word(text=t, conf=0.9, x=x, y=y, w=20 * len(t), h=30))
            x += 20 * len(t) + 20
        return out

    words = (
        line(["Tim", "Pertimbangan", "Pelayanan", "!nformasi"], 100)
        + line(["Atasan", "PPID", "Pelaksana"], 400)
        + line(["Ketua", "PPlD", "Pelaksana,"], 700)
    )
    lines = sheet_mod.group_lines(words)
    assert len(lines) == 3
    labels = sheet_mod.assign_labels(sheet_mod.label_candidates(lines, pack, 1), pack)
    assert labels["tim_pertimbangan"].text == "Tim Pertimbangan Pelayanan !nformasi"
    assert labels["atasan_ppid_pelaksana"].box[1] == 400
    assert labels["ketua_ppid_pelaksana"].box[1] == 700  # not "PPID Pelaksana" of the Atasan


def test_unreadable_file_becomes_an_error_reading(tmp_path, pack):
    p = tmp_path / "persetujuan.pdf"
    p.write_bytes(b"%PDF-1.4 broken")
    r = read_sheet(p, "persetujuan.pdf", pack)
    assert r.error and r.roles == ()


def test_own_sheet_reader_failure_falls_back_to_free_form(columns_png, pack, monkeypatch):
    own = pytest.importorskip("sopcheck.extract.own_sheet")

    def boom(pages, pack, **_kw):
        raise RuntimeError("injected")

    monkeypatch.setattr(own, "read_own", boom)
    # the own reader is asked only when a page carries a sopcheck QR code: pretend this one does
    monkeypatch.setattr("sopcheck.extract.sheets.has_own_qr", lambda pages, path=None: True)
    r = read_sheet(columns_png, "persetujuan.png", pack)
    assert r.error is None and r.kind == "free-form"
    assert any("injected" in n for n in r.notes)
    assert _roles(r)["tim_pertimbangan"].found


def test_missing_tesseract_is_an_error_reading(columns_png, pack, monkeypatch):
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    r = read_sheet(columns_png, "persetujuan.png", pack)
    assert r.error and "tesseract" in r.error.lower()


# ---------------------------------------------------------------- regressions (benchmark failures)


def _w(text, x, y, w, h, conf=0.9):
    return Word(text=text, conf=conf, x=x, y=y, w=w, h=h)


def test_box_like_ocr_junk_is_not_printed_text():
    # Tesseract reads tick boxes / signature bits as short square 'words': they are not masked
    for junk in ("[_]", "PJ", "CJ", "RX", "[J", "KJ"):
        assert not sheet_mod._is_printed(_w(junk, 0, 0, 28, 27))
    assert sheet_mod._is_printed(_w("Setuju", 0, 0, 90, 20))
    assert sheet_mod._is_printed(_w("NIP.", 0, 0, 39, 18))
    assert sheet_mod._is_printed(_w("19851126", 0, 0, 118, 18))
    assert sheet_mod._is_printed(_w("S.H.", 0, 0, 50, 18))
    assert not sheet_mod._is_printed(_w("Setuju", 0, 0, 90, 20, conf=0.3))


def test_tick_box_found_although_ocr_read_it_as_a_word():
    img = Image.new("L", (400, 100), 255)
    d = ImageDraw.Draw(img)
    d.rectangle([40, 30, 70, 60], outline=0, width=3)  # box, ticked
    d.line([(44, 45), (55, 56), (68, 33)], fill=0, width=3)
    d.text((80, 32), "Setuju", font=_font(26), fill=0)
    setuju = _w("Setuju", 80, 34, 85, 24)
    junk = _w("RX", 40, 30, 31, 31, conf=0.8)  # the box itself, read as a word
    block = sheet_mod.Block(
        x0=0, x1=400, top=0, label_bottom=0, end=100, bottom=100, name_found=False
    )
    boxes = sheet_mod._row_boxes(img, [setuju], block)  # the junk word does not hide it
    del junk
    assert len(boxes) == 1
    x, y, bw, bh = boxes[0]
    assert abs(x - 40) <= 3 and abs(bw - 31) <= 4 and abs(bh - 31) <= 4


def test_area_stops_at_table_rules_and_mirrors_the_neighbour():
    # three labels in a row: the outer ones take the same width as the midpoint gives inside
    labels = {
        r: sheet_mod.Candidate(r, r, 1, sheet_mod.Line([w]), [w], 1.0)
        for r, w in zip(
            ROLES,
            (
                _w("Tim", 250, 600, 400, 20),
                _w("Ketua", 790, 600, 300, 20),
                _w("Atasan", 1265, 600, 310, 20),
            ),
            strict=True,
        )
    }
    x0, x1 = sheet_mod._column(labels["tim_pertimbangan"], labels, 1900)
    assert x1 == (650 + 790) // 2 and x0 >= 450 - 2 * (x1 - 450) and x1 - x0 < 600
    # a ruled grid: vertical rules at 700 and 1180 bound the middle column
    img = Image.new("L", (1900, 1200), 255)
    d = ImageDraw.Draw(img)
    for x in (200, 700, 1180, 1660):
        d.line([(x, 550), (x, 1100)], fill=0, width=3)
    d.line([(200, 780), (1660, 780)], fill=0, width=2)
    a, b = sheet_mod.clip_at_rules(img, 600, 1250, 640, 1000, 940)
    assert 700 < a < 720 and 1160 < b < 1180


def test_long_rules_are_masked_out_of_the_signature_area():
    img = Image.new("L", (400, 200), 255)
    d = ImageDraw.Draw(img)
    d.line([(0, 20), (399, 20)], fill=0, width=3)
    d.line([(395, 0), (395, 199)], fill=0, width=3)
    d.line([(100, 100), (160, 120)], fill=0, width=3)  # a short stroke stays
    a = np.asarray(sheet_mod.mask_rules(img))
    assert a[20].min() > 200 and a[:, 395].min() > 200
    assert a[100:121, 100:161].min() < 100


def test_missing_nip_line_takes_the_row_neighbours_end():
    labels = {
        r: sheet_mod.Candidate(r, r, 1, sheet_mod.Line([w]), [w], 1.0)
        for r, w in zip(
            ROLES[:2], (_w("A", 100, 600, 200, 20), _w("B", 600, 602, 200, 20)), strict=True
        )
    }
    blocks = {
        ROLES[0]: sheet_mod.Block(0, 400, 500, 620, 1060, 1110, True),
        ROLES[1]: sheet_mod.Block(400, 900, 500, 622, 860, 860, False),
    }
    sheet_mod.align_blocks(labels, blocks)
    assert blocks[ROLES[1]].end == 1060 and blocks[ROLES[1]].name_found
    assert sheet_mod._is_id_number(_w("19830514", 0, 0, 118, 18))
    assert not sheet_mod._is_id_number(_w("12-03-2024", 0, 0, 118, 18))


def test_colour_pages_match_the_prepared_grey_pages(tmp_path):
    """read_sheet's colour copy of a page has the grey page's geometry (resolution, turn, deskew),
    so a crop of one is a crop of the other."""
    from sopcheck.extract.pages import load_pages
    from sopcheck.extract.sheets import colour_pages

    img = columns_sheet((True, False, True), ("setuju",) * 3, (None,) * 3).convert("RGB")
    d = ImageDraw.Draw(img)
    d.ellipse([300, 1500, 500, 1700], outline=(110, 50, 160), width=8)  # a purple stamp ring
    img = img.resize((img.width * 3 // 4, img.height * 3 // 4)).rotate(
        -2.0, expand=True, fillcolor=(255, 255, 255)
    )
    path = tmp_path / "sheet.jpg"
    img.save(path, quality=90)
    pages = load_pages(path)
    colours = colour_pages(path, pages)
    assert colours[0] is not None and colours[0].size == pages[0].image.size
    diff = np.abs(
        np.asarray(colours[0].convert("L"), dtype=np.float32)
        - np.asarray(pages[0].image, dtype=np.float32)
    )
    assert float(diff.mean()) < 4.0
    # a grey source has no colour to give
    img.convert("L").save(tmp_path / "grey.png")
    assert colour_pages(tmp_path / "grey.png", load_pages(tmp_path / "grey.png")) == [None]


def test_a_date_with_stray_digits_beside_it_is_not_used():
    from sopcheck.extract.own_sheet import stray_digits

    assert stray_digits("1 3/3/2024", "3/3/2024")
    assert not stray_digits("13/3/2024", "13/3/2024")
    assert not stray_digits("Tgl. 13 Maret 2024.", "13 Maret 2024")
    assert sheet_mod._stray_digits("1 3 Maret 2024", "3 Maret 2024")


# ---------------------------------------------------------------- tick boxes found by shape


def _box_row(ticks_: dict[str, str], box_first: bool = True, angle: float = 0.0):
    """'[ ] Setuju   [ ] Tolak' (or 'Setuju [ ] ...'), each box ticked per ``ticks_``."""
    img = Image.new("L", (520, 120), 255)
    d = ImageDraw.Draw(img)
    words, x = [], 30
    for name in ("Setuju", "Tolak"):
        tw = int(_font(26).getlength(name))
        if box_first:
            bx, wx = x, x + 42
        else:
            wx, bx = x, x + tw + 10
        d.rectangle([bx, 40, bx + 30, 70], outline=0, width=3)
        mark = ticks_.get(name.lower())
        if mark == "x":
            d.line([(bx + 5, 45), (bx + 25, 65)], fill=0, width=4)
            d.line([(bx + 25, 45), (bx + 5, 65)], fill=0, width=4)
        elif mark == "check":
            d.line([(bx + 4, 55), (bx + 13, 66), (bx + 36, 32)], fill=0, width=4)
        d.text((wx, 42), name, font=_font(26), fill=0)
        words.append(_w(name, wx, 44, tw, 24))
        x = max(bx, wx) + tw + 60
    if angle:
        img = img.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    return img, words


def _block(img):
    return sheet_mod.Block(x0=0, x1=img.width, top=0, label_bottom=0, end=0, bottom=img.height,
                           name_found=False)  # fmt: skip


def _decide(img, words):
    return sheet_mod.read_decision(img, _block(img), [sheet_mod.Line(words)], words)


def test_find_boxes_ignores_letters_and_finds_ticked_and_empty_boxes():
    from sopcheck.extract import ticks

    img, _ = _box_row({"setuju": "x"})
    boxes = ticks.find_boxes(np.asarray(img, dtype=np.float32), 24.0)
    assert len(boxes) == 2  # the letters of 'Setuju' / 'Tolak' are not boxes
    assert all(abs(b.w - 31) <= 3 and abs(b.h - 31) <= 3 for b in boxes)


@pytest.mark.parametrize(("width", "end"), [(5, (40, -8)), (7, (36, -6)), (7, (40, -8))])
def test_box_found_when_a_thick_tick_runs_out_across_its_top_edge(width, end):
    # a thick check whose long stroke leaves the box over its top edge leaves rows of long ink
    # runs above the box: the outline is still found, at its printed place
    from sopcheck.extract import ticks

    img = Image.new("L", (200, 110), 255)
    d = ImageDraw.Draw(img)
    bx, by, s = 60, 40, 30
    d.rectangle([bx, by, bx + s, by + s], outline=0, width=3)
    tick = [(bx + 4, by + 14), (bx + 13, by + 27), (bx + end[0], by + end[1])]
    d.line(tick, fill=0, width=width, joint="curve")
    boxes = ticks.find_boxes(np.asarray(img, dtype=np.float32), 24.0)
    assert len(boxes) == 1
    b = boxes[0]
    assert abs(b.x - bx) <= 2 and abs(b.y - by) <= 2 and abs(b.w - s) <= 3 and abs(b.h - s) <= 3


@pytest.mark.parametrize("box_first", [True, False])
@pytest.mark.parametrize("angle", [0.0, 3.0])
def test_ticked_box_decides(box_first, angle):
    img, words = _box_row({"tolak": "check"}, box_first, angle)
    decision, state, conf, _ = _decide(img, words)
    assert (decision, state) == ("tolak", "clear") and conf >= 0.5


def test_empty_and_both_ticked_are_not_a_decision():
    img, words = _box_row({})
    assert _decide(img, words)[:2] == (None, "neither")
    img, words = _box_row({"setuju": "x", "tolak": "check"})
    assert _decide(img, words)[:2] == (None, "both")


def test_one_word_unread_box_taken_by_position():
    # OCR missed 'Setuju' (a stroke ran through it): Tolak's own box is the one next to it
    img, words = _box_row({"setuju": "x"}, box_first=False)
    decision, state, conf, notes = _decide(img, [words[1]])
    assert decision == "setuju" and conf <= 0.8 and any("position" in n for n in notes)


@pytest.mark.parametrize("which", ["setuju", "tolak", "both"])
@pytest.mark.parametrize("box_first", [True, False])
def test_box_read_as_part_of_its_word_is_still_that_words_box(which, box_first):
    # Tesseract often reads a printed box and its word as one word ('[]Setuju', '(Tolak',
    # 'Setuju[]'): the word's box then covers the tick box, and the box must still be paired
    # with its own word, not left as "not told apart"
    img, words = _box_row({"tolak": "check"}, box_first)
    boxes = sheet_mod._row_boxes(img, words, _block(img))
    assert len(boxes) == 2
    swallowed = []
    for w, b in zip(words, sorted(boxes), strict=True):
        if which in (w.text.lower(), "both"):
            x0, x1 = min(w.x, b[0]), max(w.x + w.w, b[0] + b[2])
            w = _w(("[]" + w.text) if box_first else (w.text + "[]"), x0, w.y, x1 - x0, w.h)
        swallowed.append(w)
    decision, state, _conf, notes = _decide(img, swallowed)
    assert (decision, state) == ("tolak", "clear"), notes


def test_word_crossed_by_a_stroke_is_not_a_typed_decision():
    img = Image.new("L", (400, 160), 255)
    d = ImageDraw.Draw(img)
    d.text((60, 62), "Keputusan: Tolak", font=_font(26), fill=0)
    words = [_w("Keputusan:", 60, 64, 140, 24), _w("Tolak", 205, 64, 70, 24)]
    assert _decide(img, words)[:2] == ("tolak", "clear")  # typed word alone decides
    d.line([(215, 10), (250, 150)], fill=0, width=4)  # a pen stroke through 'Tolak'
    assert _decide(img, words)[:2] == (None, "unknown")


# ---------------------------------------------------------------- pen strokes across printed text


def _text_line(text: str, size: int = 26, origin=(80, 90), canvas=(560, 260)):
    """A printed line of text and the OCR-like word boxes of its words (from the font's metrics)."""
    img = Image.new("L", canvas, 255)
    d = ImageDraw.Draw(img)
    f = _font(size)
    d.text(origin, text, font=f, fill=0)
    words, x = [], origin[0]
    for part in text.split(" "):
        x0, y0, x1, y1 = d.textbbox((x, origin[1]), part, font=f)
        words.append(_w(part, x0, y0, x1 - x0, y1 - y0))
        x += f.getlength(part + " ")
    return img, d, words


def _across(img, word_or_span, line_h=26.0, mask=None):
    from sopcheck.extract import ticks

    if isinstance(word_or_span, Word):
        w = word_or_span
        word_or_span = (w.x, w.y, w.x + w.w, w.y + w.h)
    return ticks.strokes_across(np.asarray(img, dtype=np.float32), word_or_span, line_h, mask)


def test_printed_text_with_descenders_is_not_crossed():
    img, _d, words = _text_line("Juli gypsy Tanggal 2024")
    assert not any(_across(img, w) for w in words)
    span = sheet_mod._span_word(words)
    assert not _across(img, span)


def test_a_pen_stroke_through_a_word_crosses_it_and_only_that_word():
    img, d, words = _text_line("Setuju Tolak")
    s, t = words
    cx = t.x + t.w // 2
    d.line([(cx - 10, t.y - 60), (cx + 12, t.y + t.h + 60)], fill=0, width=3)
    assert _across(img, t)
    assert not _across(img, s)  # the stroke is tall, but it does not touch 'Setuju'


def test_a_stroke_ending_in_the_word_from_above_crosses_it():
    img, d, words = _text_line("Tolak")
    (t,) = words
    # a signature's tail coming down from the area above and ending inside the word
    d.line([(t.x + 20, t.y - 70), (t.x + 30, t.y + t.h // 2)], fill=0, width=3)
    assert _across(img, t)


def test_rules_and_low_marks_on_the_line_do_not_cross_it():
    img, d, words = _text_line("13 Maret 2024")
    span = sheet_mod._span_word(words)
    # an underline touching the descender zone and a short dash: neither reaches a line away
    d.line([(span.x, span.y + span.h + 2), (span.x + span.w, span.y + span.h + 2)], fill=0, width=2)
    d.line([(span.x + span.w + 4, span.y + 10), (span.x + span.w + 20, span.y + 10)], fill=0)
    assert not _across(img, span)
    # a tall stroke outside the span's columns is not across it either
    d.line([(span.x + span.w + 30, span.y - 80), (span.x + span.w + 34, span.y + 90)], fill=0, width=3)  # fmt: skip
    assert not _across(img, span)


def test_strokes_across_uses_the_mask_it_is_given():
    img, d, words = _text_line("Tolak")
    (t,) = words
    d.line([(t.x + 25, t.y - 60), (t.x + 30, t.y + t.h + 60)], fill=0, width=3)
    a = np.asarray(img)
    assert _across(img, t, mask=a < 128)
    assert not _across(img, t, mask=np.zeros(a.shape, dtype=bool))  # no ink given: nothing crosses


# ---------------------------------------------------------------- dates read through a pen stroke


def _date_block(img):
    return sheet_mod.Block(x0=0, x1=img.width, top=0, label_bottom=0, end=0, bottom=img.height,
                           name_found=False)  # fmt: skip


def _read_date(img, words):
    return sheet_mod.read_role_date(_date_block(img), [sheet_mod.Line(words)], img)


def test_a_printed_date_is_read_and_a_crossed_one_goes_to_review():
    img, d, words = _text_line("Tanggal: 13 Maret 2024")
    assert _read_date(img, words) == (dt.date(2024, 3, 13), "13 Maret 2024", 0.9)
    # a signature written lower on the page, not touching the date line: the date still counts
    _scribble(d, 90, 170, 300, 70, seed=3)
    assert _read_date(img, words)[0] == dt.date(2024, 3, 13)
    # a signature running up through 'Maret': the date is not trusted
    m = words[2]
    d.line([(m.x + 10, m.y + m.h + 80), (m.x + 40, m.y - 70)], fill=0, width=3)
    assert _read_date(img, words) == (None, "13 Maret 2024", None)


def test_a_stroke_through_the_first_digit_outside_its_shrunk_ocr_box_is_seen():
    img, d, words = _text_line("Tanggal: 13 Maret 2024")
    day = words[1]
    one_w = int(_font(26).getlength("1"))
    d.line([(day.x + one_w // 2, day.y - 70), (day.x + one_w // 2 + 3, day.y + day.h + 70)],
           fill=0, width=3)  # fmt: skip
    # the OCR read the spoiled day as '18' with a box starting after the stroke
    shrunk = _w("18", day.x + one_w + 1, day.y, day.w - one_w - 1, day.h)
    read = [words[0], shrunk, *words[2:]]
    assert not _across(img, shrunk)  # the stroke is outside the word's own box...
    assert _read_date(img, read) == (None, "18 Maret 2024", None)  # ...but not outside the date's


def test_a_tick_box_taller_than_the_text_beside_the_word_does_not_cross_it():
    img, d, words = _text_line("Setuju", origin=(120, 90))
    (s,) = words
    # a printed box 1.6 lines high just left of the word, inside the half-line pad of its span
    side = int(1.6 * s.h)
    top = s.y + s.h // 2 - side // 2
    d.rectangle([s.x - side - 4, top, s.x - 4, top + side], outline=0, width=3)
    span = sheet_mod._span_word(words)
    assert span.x < s.x - 4  # the box is inside the span the date / word check looks at
    assert not _across(img, span, line_h=float(s.h))


def test_the_reason_a_date_is_not_used_is_the_true_one():
    img, d, words = _text_line("Tanggal: 13 Maret 2024")
    assert sheet_mod.date_notes(*_read_date(img, words)) == []
    stray = [words[0], _w("1", 10, words[1].y, 8, words[1].h), *words[1:]]
    assert any("digits beside" in n for n in sheet_mod.date_notes(*_read_date(img, stray)))
    low = [words[0], *(_w(w.text, w.x, w.y, w.w, w.h, conf=0.2) for w in words[1:])]
    assert any("low confidence" in n for n in sheet_mod.date_notes(*_read_date(img, low)))
    m = words[2]
    d.line([(m.x + 10, m.y + m.h + 80), (m.x + 40, m.y - 70)], fill=0, width=3)
    assert sheet_mod.date_notes(*_read_date(img, words)) == [
        "date crossed by a pen stroke: not used"
    ]


def test_a_date_with_an_impossible_year_is_a_misread_not_a_date():
    img, _, words = _text_line("Tanggal: 12/3/2924")  # a handwritten 2024 read with a 9
    got = _read_date(img, words)
    assert got[0] is None and got[1] == "12/3/2924"
    assert sheet_mod.date_notes(*got) == [
        "year 2924 read: not plausible (a misread digit?), not used"
    ]
    img, _, words = _text_line("Tanggal: 12/3/2024")
    assert _read_date(img, words)[0] == dt.date(2024, 3, 12)


# ---------------------------------------------------------------- the signature area


def test_a_signature_read_as_a_tall_word_does_not_cut_the_signature_area():
    # Tesseract read the signature as a 2-letter 'word' 5 lines high with confidence 0.62:
    # it is not printed text, so the area is not cut above it
    from sopcheck.extract.sheet_signature import signature_area, text_words

    block = sheet_mod.Block(x0=0, x1=900, top=0, label_bottom=100, end=420, bottom=470,
                            name_found=True)  # fmt: skip
    words = [
        _w("Tanggal:", 200, 120, 110, 20),
        _w("13", 320, 120, 30, 20),
        _w("cw", 300, 240, 290, 130, conf=0.62),  # the signature
    ]
    x, y, w, h = signature_area(block, text_words(words, 20), 20)
    assert y <= 240 and y + h >= 370  # the whole signature is in the area
    assert sheet_mod._is_printed(words[2])  # (taken for print without the height test)


def test_an_area_too_low_for_a_signature_is_never_called_empty():
    from sopcheck.extract.sheet_signature import judge_signature

    page = Image.new("L", (900, 400), 250)
    call, _, _, notes = judge_signature(page, (10, 10, 800, 60), [])  # 7.6 mm high
    assert call == "uncertain" and any("mm high" in n for n in notes)
    call, _, _, _ = judge_signature(page, (10, 10, 800, 300), [])  # 38 mm: empty
    assert call == "not_signed"


def test_the_signature_area_is_measured_at_the_pages_resolution():
    """A blank area 10 mm high is too low to prove a signature absent, whatever the scan's dpi:
    judged at the page's own 300 dpi it goes to review, where a fixed 200 dpi would read it as
    15 mm and call it empty. 20 mm high, it is empty at either resolution."""
    from sopcheck.extract.sheet_signature import judge_signature

    def blank(mm_high: float, dpi: float) -> Image.Image:
        return Image.new("L", (int(70 * dpi / 25.4), int(mm_high * dpi / 25.4)), 250)

    low = blank(10, 300)
    region = (0, 0, *low.size)
    assert judge_signature(low, region, [], None, 300)[0] == "uncertain"
    assert judge_signature(low, region, [], None, 200)[0] == "not_signed"  # the old, wrong reading
    tall = blank(20, 300)
    assert judge_signature(tall, (0, 0, *tall.size), [], None, 300)[0] == "not_signed"
