"""Loading and preparing sheet pages: image formats, EXIF orientation, PDFs, rotation and skew."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from sopcheck.extract import pages

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
pytestmark = pytest.mark.skipif(not FONT.exists(), reason="needs fonts-dejavu-core")


def _text_page(n=16, size=(1240, 1754)) -> Image.Image:
    img = Image.new("L", size, 255)
    d = ImageDraw.Draw(img)
    f = ImageFont.truetype(str(FONT), 28)
    for i in range(n):
        d.text(
            (100, 120 + i * 70), f"Tim Pertimbangan Pelayanan Informasi baris {i}", font=f, fill=0
        )
    return img


def test_rgba_is_flattened_on_white(tmp_path):
    img = Image.new("RGBA", (400, 560), (0, 0, 0, 0))
    ImageDraw.Draw(img).rectangle([50, 50, 150, 150], fill=(0, 0, 0, 255))
    p = tmp_path / "a.png"
    img.save(p)
    (pg,) = pages.load_pages(p, osd=False)
    a = np.asarray(pg.image)
    assert pg.image.mode == "L"
    assert a[5, 5] == 255  # transparent -> white, not black
    assert a.min() < 30  # the opaque square stays dark


def test_exif_orientation_is_applied(tmp_path):
    img = Image.new("RGB", (1754, 1240), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 CW to display
    p = tmp_path / "o.jpg"
    img.save(p, exif=exif.tobytes())
    (pg,) = pages.load_pages(p, osd=False)
    assert pg.image.height > pg.image.width


def test_ccitt_multipage_tiff(tmp_path):
    a = _text_page(4).convert("1")
    b = _text_page(6).convert("1")
    p = tmp_path / "s.tif"
    a.save(p, compression="group4", save_all=True, append_images=[b])
    got = pages.load_pages(p, osd=False)
    assert [g.number for g in got] == [1, 2]
    assert all(g.image.mode == "L" for g in got)
    assert np.asarray(got[0].image).min() == 0


def test_low_resolution_is_brought_to_working_dpi(tmp_path):
    p = tmp_path / "small.png"
    _text_page(4).resize((620, 877)).save(p)  # ~75 dpi for A4
    (pg,) = pages.load_pages(p, osd=False)
    assert pg.dpi == pages.LOW_TARGET
    assert abs(max(pg.image.size) - 200 * pages.A4_LONG_IN) < 30


@pytest.mark.parametrize("angle", [3.0, -2.0])
def test_deskew(angle):
    img = _text_page().rotate(angle, expand=True, fillcolor=255)
    assert abs(pages.skew_angle(img) - angle) <= 0.3
    out, applied = pages.deskew(img)
    assert abs(applied + angle) <= 0.3
    assert abs(pages.skew_angle(out)) <= 0.3


def test_blank_page_has_no_skew():
    assert pages.skew_angle(Image.new("L", (800, 1100), 255)) == 0.0


def test_upside_down_page_is_turned(tmp_path):
    p = tmp_path / "ud.png"
    _text_page().rotate(180).save(p)
    (pg,) = pages.load_pages(p)
    assert pg.rotation == 180


def test_image_only_pdf_uses_embedded_scan(tmp_path):
    scan = _text_page(6).resize((1240, 1754))
    p = tmp_path / "scan.pdf"
    scan.save(p, resolution=150)
    (pg,) = pages.load_pages(p, osd=False)
    assert not pg.text_layer
    assert "embedded scan" in pg.notes[0]
    assert abs(pg.source_dpi - 150) < 2


def test_text_pdf_words_in_pixels(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("Helvetica", 14)
    c.drawString(72, A4[1] - 72, "Ketua PPID Pelaksana")
    c.showPage()
    c.save()
    p = tmp_path / "t.pdf"
    p.write_bytes(buf.getvalue())
    (pg,) = pages.load_pages(p)
    assert pg.text_layer and pg.dpi == pages.RENDER_DPI
    w = next(w for w in pg.words if w.text == "Ketua")
    scale = pages.RENDER_DPI / 72
    assert abs(w.x - 72 * scale) < 3
    assert abs((w.y + w.h) - 72 * scale) < 0.4 * 14 * scale
    # the rendered page shows the word where the box says
    box = np.asarray(pg.image.crop((w.x, w.y, w.x + w.w, w.y + w.h)))
    assert box.min() < 100


def test_heic(tmp_path):
    pillow_heif = pytest.importorskip("pillow_heif")
    if not pillow_heif.libheif_info().get("encoders", {}).get("x265"):
        pytest.skip("no HEIC encoder")
    p = tmp_path / "s.heic"
    pillow_heif.from_pillow(_text_page(3).convert("RGB")).save(p, quality=80)
    (pg,) = pages.load_pages(p, osd=False)
    assert pg.image.mode == "L" and np.asarray(pg.image).min() < 60
