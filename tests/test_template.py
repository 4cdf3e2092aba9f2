"""sopcheck's own sheet: render, rasterise, "sign" and tick, degrade like a scan, read back."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

pytest.importorskip("zxingcpp")
pdfium = pytest.importorskip("pypdfium2")

from sopcheck.extract.own_sheet import read_own  # noqa: E402
from sopcheck.rulepack import load_rulepack  # noqa: E402
from sopcheck.template import (  # noqa: E402
    LAYOUT,
    ORIGIN_MM,
    content_hash,
    parse_qr,
    render_sheet,
    role_layout,
)

DPI = 150
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.fixture(scope="module")
def pack():
    return load_rulepack()


@pytest.fixture(scope="module")
def sheet_png(tmp_path_factory, pack) -> Image.Image:
    out = tmp_path_factory.mktemp("tpl") / "lembar.pdf"
    render_sheet(
        out,
        office=pack.office,
        package_id="2024-03-12-musrenbang-bulik",
        title="Musrenbang Kecamatan Bulik",
        activity_date="12 Maret 2024",
        caption="Musrenbang di Nanga Bulik. #LamandauBerbenah",
        photo_count=5,
        chash=content_hash("cap", "nar", ["ab" * 32]),
        rulepack_id=pack.id,
        role_labels=[r.name["id"] for r in pack.roles],
    )
    doc = pdfium.PdfDocument(str(out))
    img = doc[0].render(scale=DPI / 72).to_pil().convert("L")
    doc.close()
    return img


def _px(x_mm: float, y_mm: float) -> tuple[float, float]:
    k = DPI / 25.4
    return ((ORIGIN_MM[0] + x_mm) * k, (ORIGIN_MM[1] + y_mm) * k)


def _signature(d: ImageDraw.ImageDraw, rect, rng, colour: int) -> None:
    """A cursive-like scribble: a drifting line with loops (like handwriting), in mm of ``rect``."""
    x, y, w, h = rect
    x0 = x + rng.uniform(5, 20)
    span = rng.uniform(30, min(60, w - 25))
    loops, rad = rng.uniform(6, 12), rng.uniform(0.12, 0.2) * h
    amp = rng.uniform(0.1, 0.2) * h
    pts = []
    for t in np.linspace(0, 1, 400):
        a = 2 * math.pi * loops * t
        pts.append(
            _px(
                x0 + t * span + rad * math.cos(a),
                y + h / 2 + amp * math.sin(3 * t) + rad * math.sin(a),
            )
        )
    d.line(
        pts, fill=colour, width=max(2, round(rng.uniform(0.35, 0.7) * DPI / 25.4)), joint="curve"
    )


def _tick(d: ImageDraw.ImageDraw, rect, colour: int) -> None:
    x, y, w, h = rect
    pts = [
        _px(x + 0.15 * w, y + 0.55 * h),
        _px(x + 0.4 * w, y + 0.85 * h),
        _px(x + 0.9 * w, y + 0.1 * h),
    ]
    d.line(pts, fill=colour, width=max(2, round(0.5 * DPI / 25.4)), joint="curve")


def _stamp(d: ImageDraw.ImageDraw, cx: float, cy: float, r: float, colour: int) -> None:
    k = DPI / 25.4
    (px, py), rp = _px(cx, cy), r * k
    for f in (1.0, 0.72):
        d.ellipse(
            [px - rp * f, py - rp * f, px + rp * f, py + rp * f],
            outline=colour,
            width=round(0.5 * k),
        )
    for i in range(20):
        a = 2 * math.pi * i / 20
        qx, qy = px + 0.86 * rp * math.cos(a), py + 0.86 * rp * math.sin(a)
        d.rectangle(
            [qx - 0.7 * k, qy - 0.9 * k, qx + 0.7 * k, qy + 0.9 * k], outline=colour, width=1
        )


def _scan(img: Image.Image, rng, angle: float, quality: int = 55) -> Image.Image:
    img = img.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=235)
    img = img.filter(ImageFilter.GaussianBlur(0.8))
    a = np.asarray(img, dtype=np.float32)
    yy = np.linspace(0, 1, a.shape[0])[:, None]
    a = a * (0.85 + 0.15 * yy) + rng.normal(0, 6, a.shape)
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("L")


# truth per case: for each role (signed, decision) with decision 'setuju'/'tolak'/None/'both'
CASES = [
    (1, 2.5, [(True, "setuju"), (True, "setuju"), (True, "setuju")], None),
    (2, -3.0, [(True, "setuju"), (False, None), (True, "tolak")], None),
    (3, 1.5, [(False, None), (True, "both"), (False, "setuju")], "stamp"),
    (4, 182.0, [(True, "tolak"), (True, "setuju"), (False, None)], "stamp-over"),
]


@pytest.mark.parametrize(("seed", "angle", "truth", "extra"), CASES)
def test_print_sign_scan_read_back(sheet_png, pack, seed, angle, truth, extra):
    rng = np.random.default_rng(seed)
    img = sheet_png.copy()
    d = ImageDraw.Draw(img)
    boxes = role_layout(len(pack.roles))
    for (signed, decision), b in zip(truth, boxes, strict=True):
        colour = int(rng.choice([20, 40, 60]))
        if signed:
            _signature(d, b["signature"], rng, colour)
        if decision in ("setuju", "both"):
            _tick(d, b["setuju"], colour)
        if decision in ("tolak", "both"):
            _tick(d, b["tolak"], colour)
    sx, sy, sw, sh = boxes[2]["signature"]
    if extra == "stamp":  # a stamp alone in an unsigned box
        _stamp(d, sx + 30, sy + sh / 2, 14, 90)
    if extra == "stamp-over":  # a stamp over the first role's signature
        bx, by, bw, bh = boxes[0]["signature"]
        _stamp(d, bx + 22, by + bh / 2, 14, 90)
    scan = _scan(img, rng, angle)
    reading = read_own([scan], pack, rel="persetujuan.jpg")
    assert reading is not None
    assert reading.kind == "own-template"
    assert reading.qr["package"] == "2024-03-12-musrenbang-bulik"
    assert reading.qr["rulepack"] == pack.id
    assert reading.qr["hash"] == content_hash("cap", "nar", ["ab" * 32])[:16]
    assert not any("not found" in n for n in reading.notes), reading.notes
    for (signed, decision), role in zip(truth, reading.roles, strict=True):
        assert role.found
        assert role.signature == ("signed" if signed else "not_signed"), (role.role, role.notes)
        if decision == "both":
            assert role.decision_state == "both"
        elif decision is None:
            assert role.decision_state == "neither"
        else:
            assert (role.decision, role.decision_state) == (decision, "clear")
        assert role.signature_crop and role.signature_crop.startswith(b"\x89PNG")


def test_typed_date_is_read(sheet_png, pack):
    if not FONT.is_file():
        pytest.skip("no DejaVu font")
    pytest.importorskip("pytesseract")
    from sopcheck.extract import ocr

    try:
        ocr.check_tesseract("eng")
    except Exception:  # noqa: BLE001
        pytest.skip("tesseract not usable")
    img = sheet_png.copy()
    d = ImageDraw.Draw(img)
    x, y, w, h = role_layout(len(pack.roles))[0]["date"]
    font = ImageFont.truetype(str(FONT), round(4.2 * DPI / 25.4))
    d.text(_px(x + 2, y + 1.5), "13-03-2024", fill=20, font=font)
    reading = read_own([_scan(img, np.random.default_rng(7), 1.0, quality=80)], pack)
    role = reading.roles[0]
    assert role.date_text and "2024" in role.date_text
    import datetime as dt

    assert role.date in (dt.date(2024, 3, 13), None)
    if role.date is None:
        assert role.notes  # never a silent guess
    assert reading.roles[1].date is None and reading.roles[1].date_text is None


def test_not_our_sheet(pack):
    img = Image.new("L", (1240, 1754), 255)
    ImageDraw.Draw(img).text((100, 100), "Lembar persetujuan", fill=0)
    assert read_own([img], pack) is None


def test_content_hash_and_qr():
    h = content_hash("Caf\u0065\u0301 ", "narasi", ["BB" * 32, "aa" * 32])
    assert h == content_hash("Caf\u00e9", "narasi\n", ["aa" * 32, "bb" * 32])
    assert h != content_hash("Cafe", "narasi", ["aa" * 32, "bb" * 32])
    assert h != content_hash("Caf\u00e9", "narasi", ["aa" * 32])
    assert len(h) == 64
    assert parse_qr('{"s":"sopcheck/1","p":"x","h":"ab","r":"lamandau-medsos","n":3}') == {
        "package": "x",
        "hash": "ab",
        "rulepack": "lamandau-medsos",
        "roles": "3",
    }
    assert parse_qr("https://example.org") is None
    assert len(LAYOUT["marks"]) == 4


def test_template_command(tmp_path, pack):
    from sopcheck.template import template_command

    pkg = tmp_path / "batch" / "2024-03-12-rapat-desa"
    (pkg / "foto").mkdir(parents=True)
    (pkg / "caption.txt").write_text("Rapat desa di Nanga Bulik.", encoding="utf-8")
    (pkg / "narasi.txt").write_text("Nanga Bulik, 12 Maret 2024 - Rapat desa.", encoding="utf-8")
    for i in range(2):
        Image.new("RGB", (64, 48), (40 * i, 90, 200)).save(pkg / "foto" / f"f{i}.jpg")
    out = template_command(pkg, tmp_path / "lembar.pdf", pack)
    assert out == tmp_path / "lembar.pdf" and out.read_bytes().startswith(b"%PDF")
    assert not any(p.name.endswith(".pdf") for p in pkg.rglob("*"))
    import hashlib

    shas = [hashlib.sha256((pkg / "foto" / f"f{i}.jpg").read_bytes()).hexdigest() for i in range(2)]
    want = content_hash(
        "Rapat desa di Nanga Bulik.", "Nanga Bulik, 12 Maret 2024 - Rapat desa.", shas
    )
    doc = pdfium.PdfDocument(str(out))
    img = doc[0].render(scale=DPI / 72).to_pil().convert("L")
    text = doc[0].get_textpage().get_text_range()
    doc.close()
    assert want in text and "2024-03-12-rapat-desa" in text
    reading = read_own([img], pack)
    assert reading.qr["package"] == "2024-03-12-rapat-desa" and reading.qr["hash"] == want[:16]
    assert all(r.signature == "not_signed" and r.decision_state == "neither" for r in reading.roles)


def test_missing_mark_sends_every_call_to_review(sheet_png, pack):
    rng = np.random.default_rng(11)
    img = sheet_png.copy()
    d = ImageDraw.Draw(img)
    boxes = role_layout(len(pack.roles))
    for b in boxes:
        _signature(d, b["signature"], rng, 30)
        _tick(d, b["setuju"], 30)
    # the bottom-left registration mark torn off / covered
    mx, my = LAYOUT["marks"][3]
    s = LAYOUT["mark_size_mm"]
    d.rectangle([*_px(mx - s, my - s), *_px(mx + s, my + s)], fill=255)
    reading = read_own([_scan(img, rng, 1.0)], pack)
    assert reading is not None
    assert any("not found" in n for n in reading.notes), reading.notes
    for role in reading.roles:
        assert role.signature == "uncertain", role
        assert role.decision is None and role.decision_state == "unknown"
        assert role.date is None


def test_date_field_is_padded_and_the_line_removed():
    from sopcheck.extract.own_sheet import PPM, _clean_field

    if not FONT.is_file():
        pytest.skip("no DejaVu font")
    # a tight crop: the date's glyphs touch the top edge, the printed line runs along the bottom
    w, h = round(56 * PPM), round(9 * PPM)
    img = Image.new("L", (w, h), 200)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), round(4.2 * PPM))
    d.text((4, -round(0.9 * PPM)), "13/3/2024", fill=20, font=font)
    d.line([(0, h - 4), (w, h - 4)], fill=30, width=3)
    clean = _clean_field(img)
    a = np.asarray(clean)
    assert clean.size == (w + 40, h + 40)
    assert a[:20].min() == 255 and a[-20:].min() == 255 and a[:, :20].min() == 255
    assert a[20 + h - 6 : 20 + h - 1].min() > 200  # the printed line is gone
    assert a[20 : 20 + h // 2].min() < 80  # the writing is kept, paper made white
    pytest.importorskip("pytesseract")
    from sopcheck.dates import find_date
    from sopcheck.extract import ocr

    try:
        ocr.check_tesseract("eng")
    except Exception:  # noqa: BLE001
        pytest.skip("tesseract not usable")
    words = ocr.ocr_image(clean, "eng", psm=7)
    import datetime as dt

    found = find_date(" ".join(x.text for x in words))
    assert found and found[0] == dt.date(2024, 3, 13), words
