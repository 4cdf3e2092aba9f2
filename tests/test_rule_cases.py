"""A case table per rule of the Lamandau pack: pass-side and fail-side examples.

Every case writes a real package (JPEG/PNG/WebP with EXIF, docx, PDF, YAML) under ``tmp_path`` and
runs the real pipeline (``sopcheck.check``); it asserts the status of the rule under test and the
text that must appear in its message or evidence (file names, tags, values).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from builders import (
    CAPTION,
    DROP,
    NARRATIVE,
    PACKAGE,
    UTC,
    WIB,
    PhotoSpec,
    approval_png,
    default_pack,
    default_photos,
    exif_for,
    haystack,
    make_package,
    manifest_with,
    pack_variant,
    pdf_bytes,
    photo_bytes,
    run,
    scene,
    signed_pdf_bytes,
)
from PIL import Image

from sopcheck.model import Finding

RULE_IDS = (
    "KLP-01", "KLP-02", "KLP-03", "WKT-01", "WKT-02", "WKT-03", "WKT-04", "WKT-05", "WKT-06",
    "PST-01", "PST-02", "PST-03", "PST-04", "PST-05", "REG-01", "INT-01", "INT-02",
)  # fmt: skip

Setup = Callable[[Path, Path], None]
"""(batch root, package folder) -> None: changes made after the package is written."""


@dataclass
class Case:
    status: str
    expect: tuple[str, ...] = ()
    """Substrings that must appear in the message or evidence (see builders.haystack)."""
    absent: tuple[str, ...] = ()
    """Substrings that must not appear there."""
    build: dict[str, Any] = field(default_factory=dict)
    """Keyword arguments of builders.make_package."""
    setup: Setup | None = None
    pack: dict[str, Any] | None = None
    """Keyword arguments of builders.pack_variant (a modified copy of the default pack)."""
    run_kw: dict[str, Any] = field(default_factory=dict)
    severity: str | None = None
    verify: Callable[[Finding, Path], None] | None = None


def case(
    case_id: str,
    status: str,
    *expect: str,
    absent: tuple[str, ...] = (),
    setup: Setup | None = None,
    pack: dict[str, Any] | None = None,
    run_kw: dict[str, Any] | None = None,
    severity: str | None = None,
    verify: Callable[[Finding, Path], None] | None = None,
    bug: str | None = None,
    **build: Any,
):
    c = Case(status=status, expect=expect, absent=absent, build=build, setup=setup, pack=pack,
             run_kw=run_kw or {}, severity=severity, verify=verify)  # fmt: skip
    marks = [pytest.mark.xfail(strict=True, reason=f"BUG: {bug}")] if bug else []
    return pytest.param(c, id=case_id, marks=marks)


def check_case(tmp_path: Path, rule: str, c: Case) -> Finding:
    root = tmp_path / "batch"
    pkg = make_package(root, **c.build)
    if c.setup:
        c.setup(root, pkg)
    rules = pack_variant(tmp_path / "pack.yaml", **c.pack) if c.pack else default_pack()
    findings = run(root, rules=rules, **c.run_kw)
    assert tuple(findings) == RULE_IDS, "one finding per rule, in the pack's order"
    f = findings[rule]
    text = haystack(f)
    assert f.status == c.status, text
    for s in c.expect:
        assert s in text, f"{s!r} not in:\n{text}"
    for s in c.absent:
        assert s not in text, f"{s!r} unexpectedly in:\n{text}"
    if c.severity:
        assert f.severity == c.severity, text
    if c.verify:
        c.verify(f, pkg)
    return f


# ---------------------------------------------------------------------------------------- helpers


def wib(day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2024, 3, day, hour, minute, second, tzinfo=WIB)


def utc(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2024, 3, day, hour, minute, tzinfo=UTC)


def plus(*specs: PhotoSpec, n: int = 4) -> list[PhotoSpec]:
    """``n`` good default photos (IMG_0001..) plus the given ones."""
    return default_photos(n) + list(specs)


def odd(name: str = "foto/IMG_0099.jpg", **kw: Any) -> PhotoSpec:
    """A distinct extra photo (seed 50) taken at 10:30 WIB on day H unless told otherwise."""
    kw.setdefault("when", wib(12, 10, 30))
    kw.setdefault("seed", 50)
    return PhotoSpec(name=name, **kw)


def write_root(name: str, data: bytes | str) -> Setup:
    def setup(root: Path, pkg: Path) -> None:
        (root / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    return setup


def symlink(rel: str, target: str) -> Setup:
    def setup(root: Path, pkg: Path) -> None:
        (pkg / rel).symlink_to(target)

    return setup


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def handin_xlsx(header: str) -> bytes:
    """A register workbook whose hand-in column (named ``header``) holds a real date cell."""
    return xlsx_bytes([["Paket", header], [PACKAGE, dt.datetime(2024, 3, 12, 15)]])


MP4 = b"\0\0\0\x18ftypmp42\0\0\0\0isommp42"
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 1 grapheme, 7 code points
NO_DATE_NARRATIVE = "Kegiatan musyawarah perencanaan pembangunan di aula kantor camat."


# Bugs these tables found (documents.py: encrypted-PDF reason lost and truncated JPEG sheets
# "opening"; timing.py: register header "Tanggal Penyerahan" ignored; photos.py: ModifyDate put in
# WIB against a UTC DateTimeOriginal) are fixed; their cases below stay as regression cases.
# A newly found bug goes in as case(..., bug="file:line what happens"), a strict xfail.


# ----------------------------------------------------------------------------------------- KLP-01

# fmt: off
KLP01 = [
    case("5-distinct", "pass", "5 foto berbeda (minimal 4)", "tag=dhash"),
    case("4-distinct", "pass", "4 foto berbeda", photos=4),
    case("3-distinct", "fail", "Hanya 3 foto berbeda dari 3 berkas", photos=3),
    case("0-photos", "fail", "Hanya 0 foto", photos=0),
    case("photos-at-package-root", "pass", "4 foto berbeda", "file=IMG_0004.jpg",
         photos=[PhotoSpec(name=f"IMG_{i:04d}.jpg", when=wib(12, 9 + i), seed=i)
                 for i in range(1, 5)]),
    case("near-duplicate-re-encoded", "fail", "Hanya 3 foto berbeda dari 4 berkas",
         "Duplikat: foto/IMG_0001_kecil.jpg", "file=foto/IMG_0001_kecil.jpg",
         "near-duplicate (hash distance", "of foto/IMG_0001.jpg: counted once",
         photos=plus(odd("foto/IMG_0001_kecil.jpg", seed=1, size=(96, 72), quality=40), n=3)),
    case("near-duplicate-as-png", "fail", "Duplikat: foto/IMG_0002.png",
         photos=plus(odd("foto/IMG_0002.png", seed=2, fmt="PNG"), n=3)),
    case("exact-byte-copy", "fail", "Duplikat: foto/salinan.jpg",
         "identical file of foto/IMG_0001.jpg", photos=3,
         extra_files={"foto/salinan.jpg": photo_bytes(default_photos(3)[0])}),
    case("4-distinct-plus-a-copy", "pass", "4 foto berbeda", "identical file of foto/IMG_0002.jpg",
         photos=4, extra_files={"foto/IMG_0002_copy.jpg": photo_bytes(default_photos(4)[1])}),
    case("videos-not-counted", "fail", "Hanya 3 foto", photos=3,
         extra_files={"video/klip1.mp4": MP4, "video/klip2.mov": MP4}),
    case("videos-counted-when-configured", "pass", "4 foto berbeda", photos=3,
         extra_files={"video/klip1.mp4": MP4}, pack={"params": {"KLP-01": {"count_videos": True}}}),
    case("corrupt-photo-not-counted", "fail", "Hanya 3 foto berbeda dari 4 berkas",
         "file=foto/IMG_0004.jpg", "not counted: cannot decode image", photos=3,
         extra_files={"foto/IMG_0004.jpg": b"\xff\xd8\xff\xe0 not really a jpeg"}),
    case("4-good-and-a-corrupt-one", "pass", "4 foto berbeda", "not counted", photos=4,
         extra_files={"foto/rusak.jpg": b"\xff\xd8\xff\xe0 not really a jpeg"}),
    case("min-photos-parameter", "fail", "minimal 6",
         pack={"params": {"KLP-01": {"min_photos": 6}}}),
]
# fmt: on


@pytest.mark.parametrize("c", KLP01)
def test_klp01_photo_count(tmp_path: Path, c: Case) -> None:
    check_case(tmp_path, "KLP-01", c)


# ----------------------------------------------------------------------------------------- KLP-02

# fmt: off
KLP02 = [
    case("txt", "pass", "Narasi narasi.txt: 23 kata", "file=narasi.txt"),
    case("md", "pass", "Narasi narasi.md: 23 kata", narrative_name="narasi.md"),
    case("docx", "pass", "Narasi narasi.docx: 23 kata", "source=file",
         narrative_name="narasi.docx"),
    case("pdf-with-text", "pass", "Narasi narasi.pdf: 23 kata", narrative_name="narasi.pdf"),
    case("manifest-narasi", "pass", "file=paket.yaml", "source=manifest", narrative=None,
         manifest=manifest_with({"narasi": NARRATIVE})),
    case("cp1252-text", "pass", "not UTF-8: decoded as cp1252",
         narrative="Kegiatan “Musrenbang” dihadiri warga – café".encode("cp1252")),
    case("empty-file", "fail", "narasi.txt berisi 0 kata", narrative=""),
    case("whitespace-only", "fail", "0 kata", narrative="  \n\t \n"),
    case("empty-docx", "fail", "narasi.docx berisi 0 kata", narrative="",
         narrative_name="narasi.docx"),
    case("missing", "fail", "Narasi berita tidak ada", narrative=None),
    case("min-words-parameter", "fail", "23 kata; minimal 50",
         pack={"params": {"KLP-02": {"min_words": 50}}}),
    case("docx-not-a-zip", "error", "file=narasi.docx", "not a zip archive",
         narrative=b"plain text saved with a .docx name", narrative_name="narasi.docx"),
    case("pdf-garbage", "error", "file=narasi.pdf", "cannot read pdf",
         narrative=b"%PDF-1.4 garbage", narrative_name="narasi.pdf"),
]
# fmt: on


@pytest.mark.parametrize("c", KLP02)
def test_klp02_narrative(tmp_path: Path, c: Case) -> None:
    check_case(tmp_path, "KLP-02", c)


# ----------------------------------------------------------------------------------------- KLP-03

# fmt: off
KLP03 = [
    case("200-ascii", "pass", "Caption 200 karakter (200 code point), batas 200",
         "file=caption.txt", caption="a" * 200),
    case("201-ascii", "fail", "Caption 201 karakter (201 code point), melebihi batas 200",
         caption="a" * 201),
    case("200-graphemes-emoji-zwj", "pass", "200 karakter (206 code point)",
         caption="a" * 199 + FAMILY),
    case("201-graphemes-emoji-zwj", "fail", "201 karakter (207 code point)",
         caption="a" * 200 + FAMILY),
    case("decomposed-accents-nfc", "pass", "200 karakter (200 code point)",
         caption="e\u0301" * 200),
    case("whitespace-trimmed", "pass", "200 karakter (200 code point)",
         caption="  \n\t" + "a" * 200 + " \r\n\n"),
    case("utf16-bom", "pass", "Caption 18 karakter", "encoding utf-16",
         caption="Musrenbang Bulik ✓".encode("utf-16")),
    case("utf8-bom", "pass", "Caption 16 karakter", "encoding utf-8-sig",
         caption=b"\xef\xbb\xbfMusrenbang Bulik"),
    case("cp1252-with-note", "pass", "Caption 14 karakter", "encoding cp1252",
         "not UTF-8: decoded as cp1252", caption="“Café” – Bulik".encode("cp1252")),
    case("missing", "fail", "Caption tidak ada", caption=None),
    case("empty", "fail", "Caption caption.txt kosong", caption=" \n "),
    case("manifest-overrides-caption-txt", "pass", "file=paket.yaml",
         "paket.yaml caption used; caption.txt differs", "Caption 21 karakter", caption="x" * 201,
         manifest=manifest_with({"caption": "Caption dari manifest"})),
    case("manifest-caption-too-long", "fail", "file=paket.yaml", "201 karakter",
         manifest=manifest_with({"caption": "b" * 201})),
    case("manifest-caption-without-caption-txt", "pass", "file=paket.yaml", caption=None,
         manifest=manifest_with({"caption": "Caption dari manifest"})),
    case("max-chars-parameter", "fail", "melebihi batas 50",
         pack={"params": {"KLP-03": {"max_chars": 50}}}),
]
# fmt: on


@pytest.mark.parametrize("c", KLP03)
def test_klp03_caption(tmp_path: Path, c: Case) -> None:
    check_case(tmp_path, "KLP-03", c)


# ----------------------------------------------------------------------------------------- WKT-01

NO_MANIFEST = {"manifest": None, "approval": False}
# fmt: off
WKT01 = [
    case("in-window", "pass", "Semua 5 foto diambil antara 2024-03-12 dan 2024-03-12",
         "tag=EXIF DateTimeOriginal", "offset +07:00 from EXIF", "source=manifest"),
    case("day-before", "fail", "Foto di luar rentang kegiatan", "foto/IMG_0099.jpg",
         "value=2024-03-11T10:00:00+07:00", photos=plus(odd(when=wib(11, 10)))),
    case("last-second-of-the-day", "pass", "value=2024-03-12T23:59:59+07:00",
         photos=plus(odd(when=wib(12, 23, 59, 59)))),
    case("first-second-of-next-day", "fail", "foto/IMG_0099.jpg",
         photos=plus(odd(when=wib(13, 0, 0, 0)))),
    case("utc-offset-tag-moves-into-window", "pass", "offset +00:00 from EXIF",
         "value=2024-03-12T03:00:00+07:00",
         photos=plus(odd(when=dt.datetime(2024, 3, 11, 20), offset="+00:00"))),
    case("no-offset-tag-wib-assumed", "fail", "no offset tag: Asia/Jakarta assumed",
         "value=2024-03-11T20:00:00+07:00",
         photos=plus(odd(when=dt.datetime(2024, 3, 11, 20), offset=None))),
    case("wita-offset-converted", "pass", "value=2024-03-12T23:30:00+07:00",
         photos=plus(odd(when=dt.datetime(2024, 3, 13, 0, 30), offset="+08:00"))),
    case("no-exif-no-name-date", "warn", "tanpa tanggal foto/kegiatan.jpg",
         "no capture time: no EXIF date", photos=plus(odd("foto/kegiatan.jpg", when=None))),
    case("whatsapp-name-in-window", "warn", "hanya dari nama berkas foto/IMG-20240312-WA0001.jpg",
         "weaker evidence: date only, from the file name", "source=filename",
         photos=plus(odd("foto/IMG-20240312-WA0001.jpg", when=None))),
    case("whatsapp-image-name-with-time", "warn", "time from the file name",
         "value=2024-03-12T10:15:00+07:00",
         photos=plus(odd("foto/WhatsApp Image 2024-03-12 at 10.15.00.jpeg", when=None))),
    case("whatsapp-name-outside-window", "review", "di luar rentang foto/IMG-20240311-WA0007.jpg",
         photos=plus(odd("foto/IMG-20240311-WA0007.jpg", when=None))),
    case("exif-wins-over-file-name", "pass", "tag=EXIF DateTimeOriginal",
         absent=("source=filename",), photos=plus(odd("foto/IMG-20240311-WA0007.jpg"))),
    case("png-exif-chunk", "pass", "file=foto/IMG_0099.png", "value=2024-03-12T10:30:00+07:00",
         photos=plus(odd("foto/IMG_0099.png", fmt="PNG"))),
    case("webp-exif-via-pillow", "pass", "file=foto/IMG_0099.webp", "source=pillow",
         "value=2024-03-12T10:30:00+07:00", photos=plus(odd("foto/IMG_0099.webp", fmt="WEBP"))),
    case("tiff-exif", "pass", "file=foto/IMG_0099.tif", "value=2024-03-12T10:30:00+07:00",
         photos=plus(odd("foto/IMG_0099.tif", fmt="TIFF"))),
    case("webp-outside-window-via-pillow", "fail", "foto/IMG_0099.webp",
         photos=plus(odd("foto/IMG_0099.webp", fmt="WEBP", when=wib(14, 10)))),
    case("gps-time-only", "pass", "tag=GPS GPSDate+GPSTimeStamp", "GPS time is UTC",
         "value=2024-03-12T09:30:00+07:00",
         photos=plus(odd(when=None, gps=utc(12, 2, 30)))),
    case("webp-gps-only-via-pillow", "pass", "file=foto/IMG_0099.webp", "source=pillow",
         "GPS time is UTC",
         photos=plus(odd("foto/IMG_0099.webp", fmt="WEBP", when=None, gps=utc(12, 4)))),
    case("gps-time-only-next-day-in-wib", "fail", "value=2024-03-13T01:00:00+07:00",
         photos=plus(odd(when=None, gps=utc(12, 18)))),
    case("all-zero-date", "warn", "all zeros (camera clock not set)", "foto/IMG_0099.jpg",
         photos=plus(odd(when="0000:00:00 00:00:00"))),
    case("all-zero-date-gps-fallback", "pass", "tag=GPS GPSDate+GPSTimeStamp",
         photos=plus(odd(when="0000:00:00 00:00:00", gps=utc(12, 3)))),
    case("multi-day-activity", "pass", "antara 2024-03-11 dan 2024-03-12",
         photos=plus(odd(when=wib(11, 15))),
         manifest=manifest_with({"kegiatan.tanggal": "2024-03-11"})),
    case("folder-name-date-without-manifest", "pass", "source=folder-name",
         "tag=2024-03-12-musrenbang-bulik", **NO_MANIFEST),
    case("folder-name-date-other-day", "fail", "Foto di luar rentang kegiatan 2024-03-11",
         name="2024-03-11-musrenbang-bulik", **NO_MANIFEST),
    case("manifest-date-beats-folder-name", "pass", "source=manifest",
         name="2024-03-11-musrenbang-bulik"),
    case("narrative-dateline", "pass", "source=narrative", "dateline '12/3/2024'",
         name="musrenbang-bulik", **NO_MANIFEST),
    case("narrative-named-month", "fail", "dateline '13 Maret 2024'", name="musrenbang-bulik",
         narrative="Nanga Bulik, 13 Maret 2024 - Musrenbang kecamatan.", **NO_MANIFEST),
    case("date-inferred-from-photos", "warn", "wkt01.inferred", "source=photos",
         name="musrenbang-bulik", narrative=NO_DATE_NARRATIVE, **NO_MANIFEST),
    case("no-activity-date-anywhere", "warn", "common.no_record", "tanggal kegiatan",
         name="musrenbang-bulik", narrative=NO_DATE_NARRATIVE,
         photos=[PhotoSpec(name=f"foto/kegiatan{i}.jpg", seed=i) for i in range(1, 5)],
         **NO_MANIFEST),
    case("missing-status-parameter", "fail", "foto/kegiatan.jpg",
         photos=plus(odd("foto/kegiatan.jpg", when=None)),
         pack={"params": {"WKT-01": {"missing_status": "fail"}}}),
]
# fmt: on


@pytest.mark.parametrize("c", WKT01)
def test_wkt01_photo_window(tmp_path: Path, c: Case) -> None:
    check_case(tmp_path, "WKT-01", c)


# ----------------------------------------------------------------------------------------- WKT-02

# fmt: off
WKT02 = [
    case("same-day", "pass", "Diserahkan 2024-03-12, hari H 2024-03-12", "tag=diserahkan"),
    case("same-day-late-evening", "pass",
         manifest=manifest_with({"diserahkan": "2024-03-12T23:30"})),
    case("next-day", "fail", "Diserahkan 2024-03-13, 1 hari setelah hari H",
         manifest=manifest_with({"diserahkan": "2024-03-13T08:00"})),
    case("utc-time-next-day-in-wib", "fail", "Diserahkan 2024-03-13",
         manifest=manifest_with({"diserahkan": "2024-03-12T18:00+00:00"})),
    case("date-only", "pass", manifest=manifest_with({"diserahkan": "2024-03-12"})),
    case("before-the-activity-ended", "warn", "wkt02.early",
         manifest=manifest_with({"diserahkan": "2024-03-11T16:00"})),
    case("multi-day-handed-on-last-day", "pass", "hari H 2024-03-13",
         manifest=manifest_with({"kegiatan.tanggal_selesai": "2024-03-13",
                                 "diserahkan": "2024-03-13T17:00"})),
    case("multi-day-handed-on-first-day", "warn", "wkt02.early",
         manifest=manifest_with({"kegiatan.tanggal_selesai": "2024-03-13"})),
    case("missing", "warn", "common.no_record", "tanggal penyerahan dokumentasi",
         manifest=manifest_with({"diserahkan": DROP})),
    case("from-register", "pass", "source=register", "file=register.csv",
         manifest=manifest_with({"diserahkan": DROP}),
         setup=write_root("register.csv", f"paket,diserahkan\n{PACKAGE},2024-03-12 15:00\n")),
    case("from-register-late", "fail", "source=register",
         manifest=manifest_with({"diserahkan": DROP}),
         setup=write_root("register.csv", f"paket,tanggal_serah\n{PACKAGE},2024-03-14\n")),
    case("from-xlsx-register-date-cell", "pass", "source=register", "file=register.xlsx",
         manifest=manifest_with({"diserahkan": DROP}),
         setup=write_root("register.xlsx", handin_xlsx("Diserahkan"))),
    case("register-column-tanggal-penyerahan", "pass", "source=register",
         manifest=manifest_with({"diserahkan": DROP}),
         setup=write_root("register.xlsx", handin_xlsx("Tanggal Penyerahan"))),
    case("max-days-parameter", "pass", pack={"params": {"WKT-02": {"max_days": 1}}},
         manifest=manifest_with({"diserahkan": "2024-03-13T08:00"})),
]
# fmt: on


@pytest.mark.parametrize("c", WKT02)
def test_wkt02_handin_day(tmp_path: Path, c: Case) -> None:
    check_case(tmp_path, "WKT-02", c)


# ------------------------------------------------------------------------------ WKT-03/04/05

ROLE_RULES = {
    "WKT-03": "tim_pertimbangan",
    "WKT-04": "ketua_ppid_pelaksana",
    "WKT-05": "atasan_ppid_pelaksana",
}
# Friday 8 March 2024 hand-in; Monday 11 March 2024 is a public holiday (Nyepi) in Indonesia.
FRIDAY = {
    "kegiatan.tanggal": "2024-03-08",
    "kegiatan.tanggal_selesai": "2024-03-08",
    "diserahkan": "2024-03-08T15:00",
    "unggah.tanggal": "2024-03-09T09:00+07:00",
}


def response_cases(rule: str) -> list:
    role = ROLE_RULES[rule]
    at = f"tanggapan.{role}"

    def m(changes: dict[str, Any]) -> dict:
        return manifest_with(changes)

    working = {"params": {rule: {"working_days": True}}}
    # fmt: off
    return [
        case("h-plus-1", "pass", "menanggapi 2024-03-13, batas 2024-03-13 (H = 2024-03-12)",
             f"tag={at}.tanggal", "reference day H: hand-in"),
        case("same-day", "pass", manifest=m({f"{at}.tanggal": "2024-03-12T17:00"})),
        case("h-plus-1-late-evening", "pass", manifest=m({f"{at}.tanggal": "2024-03-13T23:59"})),
        case("h-plus-2", "fail", "menanggapi 2024-03-14, melewati batas 2024-03-13",
             manifest=m({f"{at}.tanggal": "2024-03-14"})),
        case("working-days-skip-weekend-and-nyepi", "pass", "batas 2024-03-12 (H = 2024-03-08)",
             manifest=m({**FRIDAY, f"{at}.tanggal": "2024-03-12"}), pack=working),
        case("working-days-wednesday-late", "fail", "batas 2024-03-12",
             manifest=m({**FRIDAY, f"{at}.tanggal": "2024-03-13"}), pack=working),
        case("calendar-days-same-dates", "fail", "melewati batas 2024-03-09",
             manifest=m({**FRIDAY, f"{at}.tanggal": "2024-03-12"})),
        case("before-hand-in", "warn", "wkt03.before", manifest=m({f"{at}.tanggal": "2024-03-11"})),
        case("no-record-no-sheet", "warn", "common.no_record", approval=False,
             manifest=m({at: DROP})),
        case("no-record-but-sheet", "review", "wkt03.on_sheet", "file=persetujuan.png",
             manifest=m({at: DROP})),
        case("decision-without-date-no-sheet", "warn", "common.no_record", approval=False,
             manifest=m({f"{at}.tanggal": DROP})),
        case("not-due-yet", "warn", "common.not_due", "2024-03-13", approval=False,
             manifest=m({at: DROP}), run_kw={"as_of": "2024-03-12T20:00"}),
        case("no-hand-in-h-plus-1-of-activity", "pass", "activity end (hand-in unknown)",
             manifest=m({"diserahkan": DROP})),
        case("no-hand-in-h-plus-2-of-activity", "warn", "wkt03.unverifiable",
             manifest=m({"diserahkan": DROP, f"{at}.tanggal": "2024-03-14"})),
    ]
    # fmt: on


def check_response(tmp_path: Path, rule: str, c: Case) -> None:
    f = check_case(tmp_path, rule, c)
    assert f.params.get("role") == ROLE_RULES[rule], f.params
    if f.message_id.startswith("wkt03."):
        names = {"WKT-03": "Tim Pertimbangan", "WKT-04": "Ketua PPID", "WKT-05": "Atasan PPID"}
        assert names[rule] in f.message


@pytest.mark.parametrize("c", response_cases("WKT-03"))
def test_wkt03_tim_pertimbangan(tmp_path: Path, c: Case) -> None:
    check_response(tmp_path, "WKT-03", c)


@pytest.mark.parametrize("c", response_cases("WKT-04"))
def test_wkt04_ketua_ppid(tmp_path: Path, c: Case) -> None:
    check_response(tmp_path, "WKT-04", c)


@pytest.mark.parametrize("c", response_cases("WKT-05"))
def test_wkt05_atasan_ppid(tmp_path: Path, c: Case) -> None:
    check_response(tmp_path, "WKT-05", c)


def test_wkt03_only_its_own_role_is_late(tmp_path: Path) -> None:
    """A late Ketua PPID does not make the Tim Pertimbangan late, and vice versa."""
    root = tmp_path / "batch"
    make_package(
        root, manifest=manifest_with({"tanggapan.ketua_ppid_pelaksana.tanggal": "2024-03-15"})
    )
    f = run(root)
    assert (f["WKT-03"].status, f["WKT-04"].status, f["WKT-05"].status) == ("pass", "fail", "pass")
    assert "Ketua PPID Pelaksana" in f["WKT-04"].message


# ----------------------------------------------------------------------------------------- WKT-06

# fmt: off
WKT06 = [
    case("h-plus-1-after-approval", "pass", "Diunggah 2024-03-13, batas 2024-03-13",
         "tag=unggah.tanggal", "instagram"),
    case("late-h-plus-2", "fail", "wkt06.late", "melewati batas H+1 (2024-03-13)",
         manifest=manifest_with({"unggah.tanggal": "2024-03-14T09:00+07:00"})),
    case("utc-time-late-in-wib", "fail", "wkt06.late", "Diunggah 2024-03-14",
         manifest=manifest_with({"unggah.tanggal": "2024-03-13T20:00+00:00"})),
    case("wita-time-in-time", "pass",
         manifest=manifest_with({"unggah.tanggal": "2024-03-13T23:30+08:00"})),
    case("before-approval-day", "fail", "wkt06.before_approval", "sebelum persetujuan (2024-03-13)",
         manifest=manifest_with({"unggah.tanggal": "2024-03-12T18:00+07:00"})),
    case("before-approval-same-day-times", "fail", "wkt06.before_approval",
         manifest=manifest_with({"tanggapan.atasan_ppid_pelaksana.tanggal": "2024-03-13T10:00",
                                 "unggah.tanggal": "2024-03-13T09:00+07:00"})),
    case("after-approval-same-day-times", "pass",
         manifest=manifest_with({"tanggapan.atasan_ppid_pelaksana.tanggal": "2024-03-13T08:00",
                                 "unggah.tanggal": "2024-03-13T09:00+07:00"})),
    case("no-upload-record", "warn", "common.no_record", manifest=manifest_with({"unggah": DROP})),
    case("no-upload-not-due", "warn", "common.not_due", manifest=manifest_with({"unggah": DROP}),
         run_kw={"as_of": "2024-03-13T12:00"}),
    case("no-approval-record-sheet", "review", "wkt06.approval_on_sheet",
         manifest=manifest_with({"tanggapan": DROP})),
    case("no-approval-record-no-sheet", "warn", "wkt06.no_approval", approval=False,
         manifest=manifest_with({"tanggapan": DROP})),
]
# fmt: on


@pytest.mark.parametrize("c", WKT06)
def test_wkt06_upload(tmp_path: Path, c: Case) -> None:
    check_case(tmp_path, "WKT-06", c)


# ----------------------------------------------------------------------------------------- PST-01

CORRUPT_PNG = b"\x89PNG\r\n\x1a\n this is not a png"


def _sheet_jpeg() -> bytes:
    buf = io.BytesIO()
    with Image.open(io.BytesIO(approval_png())) as img:
        img.convert("RGB").save(buf, "JPEG", quality=85)
    data = buf.getvalue()
    return data[: len(data) // 3]


TRUNCATED_SHEET_JPEG = _sheet_jpeg()
# fmt: off
PST01 = [
    case("png-sheet", "pass", "Lembar persetujuan ada: persetujuan.png", "note=opens"),
    case("text-pdf-sheet", "pass", "persetujuan.pdf", approval=False,
         extra_files={"persetujuan.pdf": pdf_bytes("Lembar Verifikasi dan Persetujuan")}),
    case("signed-pdf-sheet", "pass", "persetujuan-bsre.pdf", approval=False,
         extra_files={"persetujuan-bsre.pdf": signed_pdf_bytes()}),
    case("jpeg-scan", "pass", "persetujuan_scan.jpg", approval=False,
         extra_files={"persetujuan_scan.jpg": photo_bytes(PhotoSpec(seed=99))}),
    case("missing", "fail", "pst01.missing", approval=False),
    case("corrupt-png", "error", "file=persetujuan.png", "cannot open image", approval=False,
         extra_files={"persetujuan.png": CORRUPT_PNG}),
    case("garbage-pdf", "error", "file=persetujuan.pdf", "cannot open PDF", approval=False,
         extra_files={"persetujuan.pdf": b"%PDF-1.4 garbage"}),
    case("encrypted-pdf", "error", "file=persetujuan.pdf", approval=False,
         extra_files={"persetujuan.pdf": pdf_bytes("rahasia", encrypt="rahasia")}),
    case("encrypted-pdf-reason", "error", "encrypted", approval=False,
         extra_files={"persetujuan.pdf": pdf_bytes("rahasia", encrypt="rahasia")}),
    case("owner-password-only-pdf-opens", "pass", "persetujuan.pdf", approval=False,
         extra_files={"persetujuan.pdf": pdf_bytes("Lembar Persetujuan", encrypt="")}),
    case("truncated-png-sheet", "error", "file=persetujuan.png", approval=False,
         extra_files={"persetujuan.png": approval_png()[:300]}),
    case("truncated-jpeg-sheet", "error", "file=persetujuan.jpg", approval=False,
         extra_files={"persetujuan.jpg": TRUNCATED_SHEET_JPEG}),
    case("one-readable-one-corrupt", "pass", "file=persetujuan-2.png", "cannot open image",
         extra_files={"persetujuan-2.png": CORRUPT_PNG}),
]
# fmt: on


@pytest.mark.parametrize("c", PST01)
def test_pst01_approval_present(tmp_path: Path, c: Case) -> None:
    check_case(tmp_path, "PST-01", c)


# ----------------------------------------------------------------------------------------- PST-02
# This version does not read signatures: a readable sheet is 'review', never 'pass'.

# fmt: off
PST02 = [
    case("sheet-any-role", "review", "pst02.unread", "syarat: any", "file=persetujuan.png"),
    case("sheet-require-all", "review", "syarat: all",
         pack={"params": {"PST-02": {"require": "all"}}}),
    case("no-sheet", "fail", "pst02.no_sheet", approval=False),
    case("corrupt-sheet", "error", "file=persetujuan.png", approval=False,
         extra_files={"persetujuan.png": CORRUPT_PNG}),
]
# fmt: on


@pytest.mark.parametrize("c", PST02)
def test_pst02_signed(tmp_path: Path, c: Case) -> None:
    check_case(tmp_path, "PST-02", c)


# ----------------------------------------------------------------------------------------- PST-03

ATASAN = "tanggapan.atasan_ppid_pelaksana.keputusan"
# fmt: off
PST03 = [
    case("all-setuju", "pass", "Keputusan Setuju", f"tag={ATASAN}", "value=setuju"),
    case("disetujui-spelling", "pass", manifest=manifest_with({ATASAN: "Disetujui"})),
    case("one-setuju-only", "pass", "tim_pertimbangan", approval=False,
         manifest=manifest_with({"tanggapan.ketua_ppid_pelaksana": DROP,
                                 "tanggapan.atasan_ppid_pelaksana": DROP})),
    case("tolak-not-uploaded", "fail", "pst03.rejected",
         "ditolak (Tolak) oleh atasan_ppid_pelaksana", absent=("tetap diunggah",),
         severity="critical", manifest=manifest_with({ATASAN: "tolak", "unggah": DROP})),
    case("ditolak-spelling", "fail", "pst03.rejected", "value=tolak",
         manifest=manifest_with({ATASAN: "Ditolak", "unggah": DROP})),
    case("tolak-and-uploaded", "fail", "pst03.rejected_uploaded", "tetap diunggah", "tag=unggah",
         "https://www.instagram.com/p/EXAMPLE/", severity="critical",
         manifest=manifest_with({ATASAN: "tolak"})),
    case("tolak-uploaded-raises-a-minor-rule-to-critical", "fail", "tetap diunggah",
         severity="critical", pack={"severity": {"PST-03": "minor"}},
         manifest=manifest_with({ATASAN: "tolak"})),
    case("tolak-not-uploaded-keeps-the-rule-severity", "fail", "pst03.rejected", severity="minor",
         pack={"severity": {"PST-03": "minor"}},
         manifest=manifest_with({ATASAN: "tolak", "unggah": DROP})),
    case("decision-only-on-sheet", "review", "pst03.on_sheet", "file=persetujuan.png",
         manifest=manifest_with({"tanggapan": DROP})),
    case("no-decision-anywhere", "warn", "common.no_record", approval=False,
         manifest=manifest_with({"tanggapan": DROP})),
]
# fmt: on


@pytest.mark.parametrize("c", PST03)
def test_pst03_decision(tmp_path: Path, c: Case) -> None:
    check_case(tmp_path, "PST-03", c)


# ----------------------------------------------------------------------------------------- PST-04
# Sheets only opened (read_sheets=False): a signature dictionary is review, not validated. Sheets
# read: every signature is validated with pyHanko (tests/test_esign.py covers trust roots).


def _esigned(kind: str) -> Setup:
    """Write persetujuan.pdf: a sheet e-signed by the test PKI ('signed'), then changed after signing
    ('tampered'), with an empty signature field only ('empty'), or with the BSrE footer only ('claim')."""

    def setup(root: Path, pkg: Path) -> None:
        from sopcheck import esigngen, pki

        off = esigngen.Official(role_label="Atasan PPID Pelaksana", name="Budi Santoso",
                                nip="198305142013121002", date=dt.date(2024, 3, 13))  # fmt: skip
        data = esigngen.approval_pdf(package=pkg.name, activity="Musrenbang", caption=CAPTION,
                                     officials=[off])  # fmt: skip
        when = dt.datetime(2024, 3, 13, 1, 0, tzinfo=dt.UTC)
        if kind in ("signed", "tampered"):
            data = esigngen.esigned_approval(data, [(off, when)])
        if kind == "tampered":
            data = pki.append_page_text(data, "diubah")
        if kind == "empty":
            data = pki.add_signature_field(data, "TTE1")
        (pkg / "persetujuan.pdf").write_bytes(data)

    return setup


_READ = {"read_sheets": True, "cache": False}

# fmt: off
PST04 = [
    case("png-sheet-no-signature", "n/a", "pst04.none"),
    case("unsigned-pdf", "n/a", "pst04.none", approval=False,
         extra_files={"persetujuan.pdf": pdf_bytes("Lembar Persetujuan")}),
    case("no-sheet", "n/a", approval=False),
    # validated even when the sheets are not read (read_sheets=False: no OCR, signatures still checked)
    case("signed-pdf-validated-without-reading-sheets", "error", "pst04.error", "pyHanko cannot parse",
         "file=persetujuan-bsre.pdf", extra_files={"persetujuan-bsre.pdf": signed_pdf_bytes()}),
    case("signed-pdf-read-unparseable", "error", "pst04.error", "pyHanko cannot parse", approval=False,
         run_kw=_READ, extra_files={"persetujuan-bsre.pdf": signed_pdf_bytes()}),
    case("esigned-no-trust-root", "review", "pst04.not_verified", "Budi Santoso", "signing_time_source",
         approval=False, setup=_esigned("signed"), run_kw=_READ),
    case("esigned-then-changed", "fail", "pst04.fail", "content changed after signing", approval=False,
         setup=_esigned("tampered"), run_kw=_READ),
    case("empty-signature-field", "fail", "pst04.empty", "never signed", approval=False,
         setup=_esigned("empty"), run_kw=_READ),
    case("bsre-footer-no-signature", "fail", "pst04.claim_only", "ditandatangani secara elektronik",
         approval=False, setup=_esigned("claim"), run_kw=_READ),
]
# fmt: on


@pytest.mark.parametrize("c", PST04)
def test_pst04_digital_signature(tmp_path: Path, c: Case) -> None:
    check_case(tmp_path, "PST-04", c)


# ----------------------------------------------------------------------------------------- PST-05

# fmt: off
PST05 = [
    case("sheet-unread", "review", "pst05.unread", "file=persetujuan.png"),
    case("pdf-sheet-unread", "review", "persetujuan.pdf", approval=False,
         extra_files={"persetujuan.pdf": pdf_bytes("Caption: Musrenbang Kecamatan Bulik")}),
    case("no-sheet", "n/a", "pst05.no_sheet", approval=False),
    case("corrupt-sheet", "error", "file=persetujuan.png", approval=False,
         extra_files={"persetujuan.png": CORRUPT_PNG}),
]
# fmt: on


@pytest.mark.parametrize("c", PST05)
def test_pst05_matches(tmp_path: Path, c: Case) -> None:
    check_case(tmp_path, "PST-05", c)


# ----------------------------------------------------------------------------------------- REG-01

# fmt: off
REG01 = [
    case("no-register", "n/a", "reg01.none"),
    case("csv-with-package-id", "pass", "file=register.csv", PACKAGE,
         setup=write_root("register.csv", f"no,paket,judul\n1,{PACKAGE},Musrenbang\n")),
    case("csv-utf8-bom-from-excel", "pass", PACKAGE,
         setup=write_root("register.csv", f"\ufeffpaket,judul\r\n{PACKAGE},Musrenbang\r\n")),
    case("csv-semicolon-with-title", "pass", "Musrenbang Kecamatan Bulik",
         setup=write_root("register.csv",
                          "no;judul;tanggal\n1;Musrenbang Kecamatan Bulik;12/03/2024\n")),
    case("title-of-a-recurring-activity-on-another-day", "fail", "reg01.fail",
         setup=write_root("register.csv",
                          "no;judul;tanggal\n1;Musrenbang Kecamatan Bulik;12/04/2024\n")),
    case("title-and-indonesian-date-in-other-columns", "pass", "Musrenbang Kecamatan Bulik",
         setup=write_root("register.csv",
                          "Nama Kegiatan,Hari/Tanggal,OPD\nMusrenbang Kecamatan Bulik,Selasa 12 Maret 2024,Bappeda\n")),
    case("xlsx-title-and-date-cell", "pass", "file=register.xlsx",
         setup=write_root("register.xlsx", xlsx_bytes([["Judul", "Tanggal"],
                                                       ["Musrenbang Kecamatan Bulik", dt.datetime(2024, 3, 12)]]))),
    case("csv-without-package", "fail", "reg01.fail", f"value={PACKAGE}",
         "no row names this package",
         setup=write_root("register.csv", "no,paket\n1,2024-03-01-lain\n")),
    case("csv-utf16-with-package", "pass",
         setup=write_root("register.csv", f"no,paket\n1,{PACKAGE}\n".encode("utf-16"))),
    case("xlsx-with-package", "pass", "file=register.xlsx",
         setup=write_root("register.xlsx", xlsx_bytes([["No", "Paket"], ["1", PACKAGE]]))),
    case("xlsx-corrupt", "error", "reg01.unreadable", "file=register.xlsx",
         setup=write_root("register.xlsx", b"PK\x03\x04 not a workbook")),
]
# fmt: on


@pytest.mark.parametrize("c", REG01)
def test_reg01_register(tmp_path: Path, c: Case) -> None:
    check_case(tmp_path, "REG-01", c)


# ----------------------------------------------------------------------------------------- INT-01


def _all_hashed(f: Finding, pkg: Path) -> None:
    files = sorted(p for p in pkg.rglob("*") if p.is_file())
    recorded = {e.file: e.value for e in f.evidence if e.tag == "sha256"}
    assert recorded == {
        p.relative_to(pkg).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files
    }
    sizes = {e.file: e.note for e in f.evidence if e.tag == "sha256"}
    assert sizes["paket.yaml"] == f"{(pkg / 'paket.yaml').stat().st_size} bytes"


def _truncated_jpeg() -> bytes:
    data = photo_bytes(PhotoSpec(when=dt.datetime(2024, 3, 12, 10), seed=77))
    return data[: len(data) // 2]


# fmt: off
INT01 = [
    case("all-readable", "pass", "9 berkas dapat dibaca", "tag=sha256", verify=_all_hashed),
    case("truncated-jpeg", "error", "file=foto/IMG_0005.jpg", "truncated", "1 masalah", photos=4,
         extra_files={"foto/IMG_0005.jpg": _truncated_jpeg()}),
    case("broken-yaml", "error", "file=paket.yaml", "not valid YAML (line",
         manifest="kegiatan:\n  judul: [Musrenbang\n  tanggal: 2024-03-12\n"),
    case("yaml-not-a-mapping", "error", "file=paket.yaml", "expected a mapping at the top",
         manifest="- just\n- a list\n"),
    case("yaml-not-utf8", "error", "file=paket.yaml", "not UTF-8", manifest=None,
         extra_files={"paket.yaml": "judul: “x”".encode("cp1252")}),
    case("impossible-date", "error", "file=paket.yaml", "tag=kegiatan.tanggal",
         manifest=manifest_with({"kegiatan.tanggal": "2024-02-30"})),
    case("not-a-date", "error", "tag=diserahkan", "not an ISO date",
         manifest=manifest_with({"diserahkan": "kemarin sore"})),
    case("unknown-field", "error", "tag=kegiatan.tempat", "unknown field",
         manifest=manifest_with({"kegiatan.tempat": "Aula"})),
    case("unknown-role", "error", "tag=tanggapan.bupati", "unknown role",
         manifest=manifest_with({"tanggapan.bupati": {"keputusan": "setuju"}})),
    case("bad-decision", "error", f"tag={ATASAN}", "expected setuju or tolak",
         manifest=manifest_with({ATASAN: "mungkin"})),
    case("end-before-start", "error", "tag=kegiatan.tanggal_selesai", "ends before it starts",
         manifest=manifest_with({"kegiatan.tanggal_selesai": "2024-03-10"})),
    case("corrupt-approval-sheet", "error", "file=persetujuan.png", approval=False,
         extra_files={"persetujuan.png": CORRUPT_PNG}),
    case("docx-not-a-zip", "error", "file=narasi.docx", "not a zip archive", narrative=b"plain",
         narrative_name="narasi.docx"),
    case("truncated-jpeg-sheet", "error", "file=persetujuan.jpg", approval=False,
         extra_files={"persetujuan.jpg": TRUNCATED_SHEET_JPEG}),
    case("symbolic-link", "error", "file=foto/tautan.jpg", "symbolic link to 'IMG_0001.jpg': not followed",
         setup=symlink("foto/tautan.jpg", "IMG_0001.jpg")),
    case("no-manifest-is-fine", "pass", manifest=None),
]
# fmt: on


@pytest.mark.parametrize("c", INT01)
def test_int01_files_readable(tmp_path: Path, c: Case) -> None:
    check_case(tmp_path, "INT-01", c)


def test_int01_problems_do_not_stop_other_rules(tmp_path: Path) -> None:
    """A broken manifest is an INT-01 error; the other rules still run on the conventions."""
    root = tmp_path / "batch"
    make_package(root, manifest="kegiatan: [\n")
    f = run(root)
    assert f["INT-01"].status == "error"
    assert f["WKT-01"].status == "pass"  # activity date from the folder name
    assert f["KLP-01"].status == "pass"


# ----------------------------------------------------------------------------------------- INT-02


def exif_with_thumbnail(exif: bytes, thumb: bytes) -> bytes:
    """Pillow's EXIF block (a TIFF structure) with an IFD1 appended whose JPEGInterchangeFormat
    holds ``thumb``: the thumbnail a camera embeds (Pillow writes none)."""
    assert exif[:6] == b"Exif\0\0" and exif[6:8] in (b"II", b"MM")
    e = "<" if exif[6:8] == b"II" else ">"
    tiff = bytearray(exif[6:])
    ifd0 = struct.unpack_from(e + "I", tiff, 4)[0]
    next_ptr = ifd0 + 2 + 12 * struct.unpack_from(e + "H", tiff, ifd0)[0]
    assert struct.unpack_from(e + "I", tiff, next_ptr)[0] == 0, "IFD0 already has a next IFD"
    tiff += b"\0" * (len(tiff) % 2)
    ifd1 = len(tiff)
    struct.pack_into(e + "I", tiff, next_ptr, ifd1)
    data_at = ifd1 + 2 + 3 * 12 + 4
    tiff += struct.pack(e + "H", 3)
    tiff += struct.pack(e + "HHIHH", 0x0103, 3, 1, 6, 0)  # Compression: JPEG
    tiff += struct.pack(e + "HHII", 0x0201, 4, 1, data_at)  # JPEGInterchangeFormat
    tiff += struct.pack(e + "HHII", 0x0202, 4, 1, len(thumb))  # JPEGInterchangeFormatLength
    tiff += struct.pack(e + "I", 0) + thumb
    return b"Exif\0\0" + bytes(tiff)


def thumbed(seed: int, thumb_seed: int, *, size=(300, 200), bars: bool = False) -> bytes:
    """A JPEG of scene ``seed`` taken at 10:30 WIB on day H whose EXIF thumbnail (160x120) shows
    scene ``thumb_seed``; ``bars``: the thumbnail is letterboxed in black, as many cameras do."""
    img = scene(seed, size)
    small = scene(thumb_seed, size).resize((160, 160 * size[1] // size[0]))
    thumb_img = Image.new("RGB", (160, 120), "black") if bars else small.resize((160, 120))
    if bars:
        thumb_img.paste(small, (0, (120 - small.height) // 2))
    tb = io.BytesIO()
    thumb_img.save(tb, "JPEG", quality=75)
    exif = exif_for(odd()).tobytes()
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90, exif=exif_with_thumbnail(exif, tb.getvalue()))
    return buf.getvalue()


# fmt: off
INT02 = [
    case("clean", "pass", "Metadata 5 foto tanpa tanda penyuntingan"),
    case("camera-software", "pass", photos=plus(odd(software="Ver.1.00 Canon EOS"))),
    case("photoshop", "warn", "file=foto/IMG_0099.jpg", "tag=Image Software",
         "value=Adobe Photoshop 25.0 (Windows)", "editing software",
         photos=plus(odd(software="Adobe Photoshop 25.0 (Windows)"))),
    case("snapseed-in-webp", "warn", "file=foto/IMG_0099.webp", "value=Snapseed",
         photos=plus(odd("foto/IMG_0099.webp", fmt="WEBP", software="Snapseed"))),
    case("gimp-in-tiff", "warn", "file=foto/IMG_0099.tif", "value=GIMP 2.10",
         photos=plus(odd("foto/IMG_0099.tif", fmt="TIFF", software="GIMP 2.10"))),
    case("original-later-than-modify", "warn", "tag=EXIF DateTimeOriginal",
         "later than ModifyDate 2024-03-12T09:00:00+07:00",
         photos=plus(odd(when=wib(12, 10), modify=dt.datetime(2024, 3, 12, 9)))),
    case("modify-later-than-original", "pass",
         photos=plus(odd(when=wib(12, 10), modify=dt.datetime(2024, 3, 12, 11)))),
    case("utc-camera-clock-modify-without-offset", "pass",
         photos=plus(odd(when=dt.datetime(2024, 3, 12, 2), offset="+00:00",
                         modify=dt.datetime(2024, 3, 12, 2, 5)))),
    case("gps-3h-away", "warn", "differs from GPS time 2024-03-12T12:00:00+07:00",
         "file=foto/IMG_0099.jpg",
         photos=plus(odd(when=wib(12, 9), gps=utc(12, 5)))),
    case("gps-30min-away", "pass",
         photos=plus(odd(when=wib(12, 9), gps=utc(12, 2, 30)))),
    case("taken-after-hand-in", "warn", "after the hand-in / audit time 2024-03-12T16:00:00+07:00",
         photos=plus(odd(when=wib(12, 17)))),
    case("factory-clock-2000", "warn", "file=foto/IMG_0099.jpg", "tag=EXIF DateTimeOriginal",
         "value=2000:01:01 00:04:17", "camera clock at the factory default 2000-01-01",
         photos=plus(odd(when="2000:01:01 00:04:17"))),
    case("factory-clock-1970-modify-date", "warn", "tag=Image DateTime",
         "value=1970:01:01 00:00:09", "factory default 1970-01-01",
         photos=plus(odd(modify="1970:01:01 00:00:09"))),
    case("factory-clock-parameter-empty", "pass", pack={"params": {"INT-02": {"factory_clock_dates": []}}},
         photos=plus(odd(modify="1970:01:01 00:00:09"))),
    case("clock-on-another-new-year", "pass",
         photos=plus(odd(when="2024:01:01 00:04:17"))),
    case("thumbnail-same-picture", "pass", photos=4,
         extra_files={"foto/IMG_0099.jpg": thumbed(60, 60)}),
    case("thumbnail-letterboxed-same-picture", "pass", photos=4,
         extra_files={"foto/IMG_0099.jpg": thumbed(61, 61, size=(320, 180), bars=True)}),
    case("thumbnail-of-another-picture", "warn", "file=foto/IMG_0099.jpg", "tag=JPEGThumbnail",
         "EXIF thumbnail differs from the image", "edited after capture", photos=4,
         extra_files={"foto/IMG_0099.jpg": thumbed(60, 7)}),
    case("no-photos", "n/a", "int02.none", photos=0),
    case("gps-drift-parameter", "pass", pack={"params": {"INT-02": {"max_gps_drift_minutes": 240}}},
         photos=plus(odd(when=wib(12, 9), gps=utc(12, 5)))),
]
# fmt: on


@pytest.mark.parametrize("c", INT02)
def test_int02_metadata(tmp_path: Path, c: Case) -> None:
    check_case(tmp_path, "INT-02", c)


# ------------------------------------------------------------------------------------------ misc


def test_every_rule_has_a_case_table() -> None:
    tables = {
        "KLP-01": KLP01,
        "KLP-02": KLP02,
        "KLP-03": KLP03,
        "WKT-01": WKT01,
        "WKT-02": WKT02,
        "WKT-03": response_cases("WKT-03"),
        "WKT-04": response_cases("WKT-04"),
        "WKT-05": response_cases("WKT-05"),
        "WKT-06": WKT06,
        "PST-01": PST01,
        "PST-02": PST02,
        "PST-03": PST03,
        "PST-04": PST04,
        "PST-05": PST05,
        "REG-01": REG01,
        "INT-01": INT01,
        "INT-02": INT02,
    }
    assert tuple(tables) == RULE_IDS == tuple(r.id for r in default_pack().rules)
    for rule, table in tables.items():
        statuses = {p.values[0].status for p in table}
        assert len(statuses) >= 2, f"{rule}: only {statuses}"


def test_baseline_package_is_compliant_where_this_version_can_tell(tmp_path: Path) -> None:
    root = tmp_path / "batch"
    make_package(root)
    got = {r: f.status.value for r, f in run(root).items()}
    assert got == {
        **dict.fromkeys(RULE_IDS, "pass"),
        "PST-02": "review",
        "PST-04": "n/a",
        "PST-05": "review",
        "REG-01": "n/a",
    }


SPEC_EXAMPLE_YAML = """\
# paket.yaml as SPEC.md shows it, written by hand (dates unquoted)
kegiatan:
  judul: Musrenbang Kecamatan Bulik
  tanggal: 2024-03-12            # hari H (first day)
  tanggal_selesai: 2024-03-12    # last day of a multi-day activity
  lokasi: Nanga Bulik
  unit: Dinas Komunikasi dan Informatika
diserahkan: 2024-03-12T16:00     # hand-in to the Tim Pertimbangan
caption: "Musrenbang Kecamatan Bulik"
tanggapan:
  tim_pertimbangan:      {tanggal: 2024-03-13, keputusan: setuju, catatan: "..."}
  ketua_ppid_pelaksana:  {tanggal: 2024-03-13, keputusan: setuju}
  atasan_ppid_pelaksana: {tanggal: 2024-03-13, keputusan: setuju}
unggah:
  tanggal: 2024-03-13T09:00+07:00
  platform: instagram
  url: https://www.instagram.com/p/EXAMPLE/
"""


def test_spec_example_manifest_reads_like_the_baseline(tmp_path: Path) -> None:
    root = tmp_path / "batch"
    make_package(root, manifest=SPEC_EXAMPLE_YAML)
    f = run(root)
    assert f["INT-01"].status == "pass", haystack(f["INT-01"])
    for rule in ("KLP-03", "WKT-01", "WKT-02", "WKT-03", "WKT-04", "WKT-05", "WKT-06", "PST-03"):
        assert f[rule].status == "pass", haystack(f[rule])
    assert "file=paket.yaml" in haystack(f["KLP-03"])
