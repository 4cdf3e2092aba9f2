"""Hostile content in reports: what comes from a package is shown as text in every format.

One batch is checked whose caption, manifest fields, folder and file names carry payloads (HTML,
``javascript:`` URLs, Markdown links, table pipes, spreadsheet formulas, characters XML 1.0 cannot
carry, a lone surrogate from a file name that is not UTF-8); OCR text is added to a finding and a
sheet reading. Each writer's output is then read back with a real parser (html.parser, mistune,
ElementTree and lxml, csv, openpyxl, json + the schema) and checked.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import mistune
import openpyxl
import pytest
import yaml
from builders import BASELINE_MANIFEST, default_pack, make_package
from lxml import etree

import sopcheck
from sopcheck.model import Evidence, RoleReading, SheetReading, Status
from sopcheck.report import html as html_report
from sopcheck.report import junit, markdown, register, write_reports

SCRIPT = "<script>alert('x')</script>"
JS_URL = "javascript:alert(document.domain)"
MD_LINK = f"[klik di sini]({JS_URL})"
IMG = '<img src=x onerror="alert(1)">'
CONTROL = "a\x01b\x0bc\x1bd\ufffee"
CAPTION = f'=HYPERLINK("http://evil.example","klik") {SCRIPT} {MD_LINK} | a | b {CONTROL}'
OCR = f"@SUM(1+1)*cmd|' /C calc'!A0 {IMG} {MD_LINK} \x00\x07 \udcff | Tolak"
FOLDER = "=1+2 <b>paket | [x](javascript:y)"  # no "/" in a folder name
PHOTO = "foto/-2+3 <i>miring |.jpg"
FORMULA_CELLS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile") / "batch"
    manifest = yaml.safe_load(yaml.safe_dump(BASELINE_MANIFEST))
    manifest["kegiatan"]["judul"] = f"{IMG} {SCRIPT}"
    manifest["kegiatan"]["unit"] = "+cmd|' /C calc'!A0"
    manifest["kegiatan"]["lokasi"] = f"\tTab {MD_LINK}"
    manifest["unggah"]["url"] = JS_URL
    pkg = make_package(root, FOLDER, caption=CAPTION, manifest=manifest)
    (pkg / "foto" / "IMG_0005.jpg").rename(pkg / PHOTO)
    (pkg / "foto" / "IMG_0004.jpg").rename(pkg / "foto" / "\udcff-bukan-utf8.jpg")
    res = sopcheck.check(root, rules=default_pack(), as_of="2025-01-01", jobs=1,
                         read_sheets=False, cache=False)  # fmt: skip
    (p,) = res.packages
    sheet = SheetReading(
        file="persetujuan.png", kind="free-form", caption_text=OCR, notes=(OCR,),
        roles=(RoleReading(role="tim_pertimbangan", found=True, label_text=OCR, date_text=OCR,
                           notes=(OCR,)),),
    )  # fmt: skip
    findings = tuple(
        dataclasses.replace(f, evidence=f.evidence + (Evidence(file="persetujuan.png", value=OCR,
                                                               source="ocr", note=OCR),))
        for f in p.findings
    )  # fmt: skip
    # a failing finding whose message quotes what OCR read (JUnit shows failures in full)
    findings = tuple(
        dataclasses.replace(f, status=Status.FAIL, message=f"Caption on the sheet: {OCR}")
        if f.rule == "PST-05" else f
        for f in findings
    )  # fmt: skip
    p = dataclasses.replace(
        p, findings=findings, evidence=dataclasses.replace(p.evidence, sheets=(sheet,))
    )
    return dataclasses.replace(res, packages=(p,))


@pytest.fixture(scope="module")
def written(result, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    write_reports(result, out, ["json", "md", "junit", "html", "register"])
    return out


def test_the_payloads_reached_the_result(result):
    (p,) = result.packages
    assert p.id == FOLDER
    assert p.evidence.caption.text.startswith('=HYPERLINK("http://evil.example"')
    assert p.evidence.package.title == f"{IMG} {SCRIPT}"
    files = {f.path for f in p.evidence.package.files}
    # discovery shows a name that is not UTF-8 with \x escapes (the OCR payload keeps a lone surrogate)
    assert PHOTO in files and "foto/\\xff-bukan-utf8.jpg" in files


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.script: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.script if self._in_script else self.text).append(data)


def _parse_html(text: str) -> _Tags:
    parser = _Tags()
    parser.feed(text)
    parser.close()
    return parser


def _no_active_content(page: _Tags, own_scripts: int) -> None:
    assert [t for t, _ in page.tags].count("script") == own_scripts
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, name, value)
        if tag == "img":
            assert (attrs.get("src") or "").startswith("data:image/"), attrs
        assert tag not in ("iframe", "object", "embed", "svg", "math", "base"), tag


def test_html_shows_payloads_as_text(written):
    text = (written / html_report.FILENAME).read_text(encoding="utf-8")
    page = _parse_html(text)
    _no_active_content(page, own_scripts=1)
    assert "".join(page.script) == html_report.JS
    shown = "".join(page.text)
    for payload in (SCRIPT, IMG, MD_LINK, FOLDER, "<i>miring |"):
        assert payload in shown, payload


def test_markdown_renders_no_link_html_or_broken_table(written):
    text = (written / markdown.FILENAME).read_text(encoding="utf-8")
    assert SCRIPT not in text and "<b>" not in text and "<img" not in text
    assert not re.search(r"(?<!\\)\]\(javascript:", text), "an unescaped link"
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", text), "a control character"
    # escape=False: raw HTML passes through, as in GitHub-flavoured renderers; only our escaping stops it
    rendered = mistune.create_markdown(escape=False, plugins=["table", "url"])(text)
    page = _parse_html(rendered)
    _no_active_content(page, own_scripts=0)
    hrefs = [a.get("href") or "" for t, a in page.tags if t == "a"]
    # a renderer may autolink a bare http(s) address of the caption; never any other scheme
    assert all(h.startswith(("http://", "https://")) for h in hrefs), hrefs
    shown = "".join(page.text)
    for payload in (SCRIPT, "[klik di sini]", FOLDER):
        assert payload in shown, payload
    for table in re.findall(r"<table>.*?</table>", rendered, re.S):
        widths = {
            len(re.findall(r"<t[hd][ >]", row)) for row in re.findall(r"<tr>.*?</tr>", table, re.S)
        }
        assert len(widths) == 1, f"a pipe in a value split a table row: {widths}"


def test_junit_is_well_formed_xml_1_0(written):
    raw = (written / junit.FILENAME).read_bytes()
    etree.fromstring(raw, etree.XMLParser(recover=False))  # lxml: strict XML 1.0
    root = ET.fromstring(raw)
    text = "".join(root.itertext()) + " ".join(v for el in root.iter() for v in el.attrib.values())
    assert IMG in text and MD_LINK in text and FOLDER in text and "\ufffd" in text
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", text)
    assert root.find(".//testsuite").get("name") == FOLDER


def _formula_like(text: str) -> bool:
    return bool(text) and text.startswith(FORMULA_CELLS)


def test_csv_register_neutralises_formulas(written):
    raw = (written / register.CSV_NAME).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    assert len(rows) == 2
    cells = dict(zip(rows[0], rows[1], strict=True))
    assert cells["Folder paket"] == "'" + FOLDER
    assert cells["Caption"].startswith("'=HYPERLINK(")
    assert cells["Unit (OPD)"] == "'+cmd|' /C calc'!A0"
    assert cells["Lokasi"].startswith("'\tTab")
    assert cells["Tautan unggahan"] == JS_URL  # text, and a CSV holds no links
    assert not [c for c in rows[1] if _formula_like(c)]


def test_xlsx_register_holds_text_never_formulas(written):
    wb = openpyxl.load_workbook(written / register.XLSX_NAME)
    ws = wb.active
    header = [c.value for c in ws[1]]
    row = {h: c for h, c in zip(header, ws[2], strict=True)}
    for name in ("Folder paket", "Caption", "Unit (OPD)", "Lokasi"):
        cell = row[name]
        assert cell.data_type == "s", name
        assert cell.quotePrefix, f"{name}: no quote prefix"
    assert row["Folder paket"].value == FOLDER
    assert row["Unit (OPD)"].value == "+cmd|' /C calc'!A0"
    assert row["Caption"].value.startswith('=HYPERLINK("http://evil.example"')
    assert "\ufffd" in row["Caption"].value or "\x01" not in CAPTION  # controls replaced
    assert row["Tautan unggahan"].hyperlink is None
    for cell in ws[2]:
        assert cell.data_type != "f", cell.coordinate
    # the formula cells stay text when read without openpyxl's types: the sheet XML has no <f>
    import zipfile

    with zipfile.ZipFile(written / register.XLSX_NAME) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml


def test_json_keeps_payloads_and_stays_valid(written, result):
    import jsonschema

    raw = (written / "sopcheck-report.json").read_bytes()
    raw.decode("utf-8")  # valid UTF-8 even with a lone surrogate in a file name
    data = json.loads(raw)
    schema = json.loads((Path(sopcheck.__file__).parent / "schema" / "report-v1.json").read_text())
    jsonschema.validate(data, schema)
    (pkg,) = data["packages"]
    assert pkg["caption"]["text"] == result.packages[0].evidence.caption.text
    assert pkg["title"] == f"{IMG} {SCRIPT}"
