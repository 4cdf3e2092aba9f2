"""The Tesseract wrapper, with the real Tesseract; fault injection by pointing pytesseract elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from sopcheck.extract import ocr

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
pytestmark = pytest.mark.skipif(not FONT.exists(), reason="needs fonts-dejavu-core")


def _text_page(lines: list[str], size=(1240, 900)) -> Image.Image:
    img = Image.new("L", size, 255)
    d = ImageDraw.Draw(img)
    f = ImageFont.truetype(str(FONT), 30)
    for i, t in enumerate(lines):
        d.text((80, 80 + i * 60), t, font=f, fill=0)
    return img


@pytest.fixture(scope="module")
def page_png(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("ocr") / "page.png"
    _text_page([f"Ketua PPID Pelaksana menyetujui konten nomor {i}" for i in range(10)]).save(p)
    return p


def test_check_tesseract_reports_version():
    v = ocr.check_tesseract("ind+eng")
    assert v[0].isdigit()


def test_missing_language_names_debian_package():
    with pytest.raises(ocr.OcrError, match="tesseract-ocr-zzz"):
        ocr.check_tesseract("eng+zzz")


def test_missing_tesseract_is_a_clear_error(monkeypatch, page_png):
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    with pytest.raises(ocr.OcrError, match="tesseract-ocr-ind"):
        ocr.check_tesseract()
    with pytest.raises(ocr.OcrError):
        ocr.ocr_words(page_png, "eng")
    assert ocr.OcrError.exit_code == 4


def test_ocr_words_boxes_and_confidence(page_png):
    words = ocr.ocr_words(page_png, "ind+eng")
    texts = [w.text for w in words]
    assert texts.count("Ketua") == 10 and texts.count("PPID") == 10
    first = next(w for w in words if w.text == "Ketua")
    assert abs(first.x - 80) <= 6 and abs(first.y - 80) <= 15
    assert 0.8 <= first.conf <= 1.0
    assert all(w.block >= 1 and w.line >= 1 for w in words)
    assert len({(w.y - 50) // 60 for w in words}) == 10  # ten printed lines


def test_timeout_is_an_ocr_error(page_png):
    with pytest.raises(ocr.OcrError):
        ocr.ocr_words(page_png, "eng", timeout=0.001)


def test_detect_rotation(tmp_path):
    img = _text_page(
        [f"Atasan PPID Pelaksana memutuskan setuju atas konten {i}" for i in range(14)]
    )
    p = tmp_path / "rot.png"
    img.rotate(90, expand=True).save(p)  # turned counter-clockwise
    deg, conf = ocr.detect_rotation(p)
    assert deg == 90 and conf > 2


def test_detect_rotation_is_graceful_on_a_blank_page(tmp_path):
    p = tmp_path / "blank.png"
    Image.new("L", (600, 800), 255).save(p)
    assert ocr.detect_rotation(p) == (0, 0.0)
