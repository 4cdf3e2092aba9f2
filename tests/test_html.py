"""The HTML report: self-contained, escaped, one card per package, thumbnails, sheets, filters."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from builders import make_package, manifest_with
from PIL import Image

import sopcheck
from sopcheck.model import RoleReading, SheetReading
from sopcheck.report import WRITERS, html, write_reports

EVIL_CAPTION = 'Awas <script>alert(1)</script> dan <img src=x onerror=alert(1)> & "kutip"'


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    make_package(root, caption=EVIL_CAPTION)
    make_package(
        root,
        "2024-03-13-rapat-<b>unit</b>",
        photos=4,
        manifest=manifest_with({"kegiatan.tanggal": "2024-03-13", "kegiatan.unit": "Dinas <i>X</i>",
                                "diserahkan": "2024-03-13T16:00", "unggah": {"tanggal": "2024-03-14T09:00"}}),
    )  # fmt: skip
    (root / "register.csv").write_text(
        "No,Folder,Judul\n1,2024-03-12-musrenbang-bulik,Musrenbang\n2,hantu-<script>,Kegiatan hantu\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="module")
def result(batch):
    return sopcheck.check(batch, as_of="2025-01-01", jobs=1)


@pytest.fixture(scope="module")
def page(result):
    return html.render(result)


def test_registered_as_a_format(result, tmp_path):
    assert "html" in WRITERS
    (path,) = write_reports(result, tmp_path, "html")
    assert path.name == "sopcheck-report.html"
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_self_contained(page):
    # no resource from any host: every src/href is a data: URI or a fragment
    for attr, value in re.findall(r'\b(src|href)\s*=\s*"([^"]*)"', page):
        assert value.startswith(("data:", "#")), (attr, value)
    assert not re.search(r"""\b(?:src|href)\s*=\s*['"]?(?:https?:)?//""", page)
    assert "@import" not in page and "url(http" not in page
    assert "default-src 'none'" in page  # the CSP forbids any request


def test_caption_is_text_not_markup(page):
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<b>unit</b>" not in page and "&lt;b&gt;unit&lt;/b&gt;" in page
    assert "<i>X</i>" not in page
    assert page.count("<script>") == 1  # only the report's own filter script


def test_one_card_per_package(page, result):
    cards = re.findall(r'<article class="card st-(\w+)"', page)
    assert len(cards) == len(result.packages) == 2
    for p in result.packages:
        assert f'data-status="{p.status.value}"' in page


def test_thumbnails_present_and_small(page, result):
    thumbs = re.findall(r'src="data:image/jpeg;base64,([^"]+)"', page)
    assert len(thumbs) == sum(len(p.photos) for p in result.packages) == 9
    import base64

    img = Image.open(io.BytesIO(base64.b64decode(thumbs[0])))
    assert max(img.size) <= max(html.THUMB)


def test_first_screen(page, result):
    assert result.rulepack["sha256"] in page
    assert "Paket menurut status" in page
    assert "12 Maret 2024" in page  # Indonesian dates
    # the register row that names no package is listed, escaped
    assert "hantu-&lt;script&gt;" in page
    assert re.search(r"Baris register register.csv tanpa paket \(1\)", page)


def test_filters_and_review_highlight(page):
    assert '<form id="filters" hidden>' in page  # shown by the script only
    assert 'name="status"' in page and 'name="rule"' in page and 'name="unit"' in page
    assert 'type="search"' in page
    assert 'class="f-review"' in page


def test_english(result):
    page = html.render(dataclasses.replace(result, lang="en"))
    assert "Packages by status" in page and "sopcheck Audit Report" in page


def test_sheet_crops_and_decisions(result):
    buf = io.BytesIO()
    Image.new("L", (60, 20), 255).save(buf, "PNG")
    roles = (
        RoleReading(role="tim_pertimbangan", found=True, signature="signed",
                    signature_confidence=0.91, decision="setuju", decision_state="clear",
                    signature_crop=buf.getvalue(), notes=("<b>ocr</b>",)),
        RoleReading(role="atasan_ppid_pelaksana", found=True, signature="not_signed",
                    signature_confidence=0.8),
        RoleReading(role="ketua_ppid_pelaksana", found=False),
    )  # fmt: skip
    sheet = SheetReading(file="persetujuan.png", kind="free-form", roles=roles, ocr_confidence=0.7)
    p = result.packages[0]
    p2 = dataclasses.replace(p, evidence=dataclasses.replace(p.evidence, sheets=(sheet,)))
    page = html.render(dataclasses.replace(result, packages=(p2,)))
    assert page.count('src="data:image/png;base64,') == 1
    assert "ditandatangani" in page and "tidak ditandatangani" in page
    assert "peran tidak ditemukan" in page and "Setuju" in page
    assert "<b>ocr</b>" not in page and "&lt;b&gt;ocr&lt;/b&gt;" in page


def test_missing_photo_file_does_not_break(result, tmp_path):
    moved = dataclasses.replace(result, batch=str(tmp_path / "gone"))
    page = html.render(moved)
    assert 'class="noimg"' in page
