"""Build one submission package on disk from a compact spec, and run sopcheck on it.

Everything is written as real files (JPEG/PNG/WebP with EXIF written by Pillow, docx, PDF, YAML), so
the tests go through the real pipeline: discovery, extraction (exifread/Pillow), checks, engine.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import random
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, ImageDraw, TiffImagePlugin

import sopcheck
from sopcheck.model import Finding

WIB = dt.timezone(dt.timedelta(hours=7))
UTC = dt.UTC
AS_OF = "2025-01-01"
PACKAGE = "2024-03-12-musrenbang-bulik"
SIZE = (160, 120)
DEFAULT_PACK = Path(__file__).resolve().parent.parent / "rules" / "lamandau-medsos-2015.yaml"

CAPTION = "Musrenbang Kecamatan Bulik 2024 membahas prioritas pembangunan desa. #Lamandau"
NARRATIVE = (
    "Nanga Bulik, Selasa (12/3/2024) - Pemerintah Kecamatan Bulik menggelar Musyawarah "
    "Perencanaan Pembangunan di aula kantor camat. Kegiatan dihadiri kepala desa se-kecamatan."
)
BASELINE_MANIFEST: dict[str, Any] = {
    "kegiatan": {
        "judul": "Musrenbang Kecamatan Bulik",
        "tanggal": "2024-03-12",
        "tanggal_selesai": "2024-03-12",
        "lokasi": "Nanga Bulik",
        "unit": "Dinas Komunikasi dan Informatika",
    },
    "diserahkan": "2024-03-12T16:00",
    "tanggapan": {
        "tim_pertimbangan": {"tanggal": "2024-03-13", "keputusan": "setuju"},
        "ketua_ppid_pelaksana": {"tanggal": "2024-03-13", "keputusan": "setuju"},
        "atasan_ppid_pelaksana": {"tanggal": "2024-03-13", "keputusan": "setuju"},
    },
    "unggah": {
        "tanggal": "2024-03-13T09:00+07:00",
        "platform": "instagram",
        "url": "https://www.instagram.com/p/EXAMPLE/",
    },
}

DROP = object()
"""In ``manifest_with``: remove the key."""


def manifest_with(changes: dict[str, Any] | None = None, base: dict | None = None) -> dict:
    """A deep copy of the baseline manifest with dotted-path changes; value ``DROP`` removes a key.

    ``manifest_with({"kegiatan.tanggal": "2024-03-08", "unggah": DROP})``
    """
    doc = copy.deepcopy(BASELINE_MANIFEST if base is None else base)
    for dotted, value in (changes or {}).items():
        *parents, last = dotted.split(".")
        node = doc
        for p in parents:
            node = node.setdefault(p, {})
        if value is DROP:
            node.pop(last, None)
        else:
            node[last] = value
    return doc


@dataclass(frozen=True)
class PhotoSpec:
    """One photo: its pixels (by seed), format and the EXIF to write.

    ``when``: DateTimeOriginal; a datetime is written in its own wall-clock time (an aware one is
    not converted), a str is written verbatim (e.g. "0000:00:00 00:00:00"), None writes no tag.
    ``gps`` is converted to UTC. ``size``/``quality`` allow a re-encoded near-duplicate of a seed.
    """

    name: str = "foto/IMG_0001.jpg"
    when: dt.datetime | str | None = None
    offset: str | None = "+07:00"
    software: str | None = None
    gps: dt.datetime | None = None
    modify: dt.datetime | str | None = None
    seed: int = 0
    fmt: str = "JPEG"
    size: tuple[int, int] = SIZE
    quality: int = 90


def default_photos(
    n: int = 5, day: dt.date = dt.date(2024, 3, 12), *, first_seed: int = 1
) -> list[PhotoSpec]:
    """``n`` distinct JPEGs taken on ``day`` between 09:00 and 11:00 WIB."""
    out = []
    for i in range(n):
        t = dt.datetime.combine(day, dt.time(9), tzinfo=WIB) + dt.timedelta(
            minutes=120 * i // max(n - 1, 1)
        )
        out.append(PhotoSpec(name=f"foto/IMG_{i + 1:04d}.jpg", when=t, seed=first_seed + i))
    return out


def scene(seed: int, size: tuple[int, int] = SIZE) -> Image.Image:
    """A distinct picture per seed: a 9x8 grid of grey levels whose neighbours differ strongly.

    The difference hash of sopcheck (9x8 grey thumbnail) reads back the grid's random up/down
    pattern, so two seeds differ in about half of the 64 bits, while a re-encoding of the same seed
    at another size or quality keeps (nearly) every bit.
    """
    rng = random.Random(seed)
    grid = Image.new("L", (9, 8))
    for y in range(8):
        v = rng.randint(60, 196)
        for x in range(9):
            grid.putpixel((x, y), v)
            step = rng.randint(40, 90)
            up = rng.random() < 0.5
            if v + step > 250:
                up = False
            elif v - step < 5:
                up = True
            v = v + step if up else v - step
    img = grid.resize(size, Image.Resampling.NEAREST).convert("RGB")
    draw = ImageDraw.Draw(img)
    w, h = size
    for _ in range(3):  # a little texture that does not move the cell means much
        x, y = rng.randrange(w), rng.randrange(h)
        r = max(1, w // 60)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(rng.randrange(256), 0, rng.randrange(256)))
    return img


def _exif_dt(value: dt.datetime | str) -> str:
    return value if isinstance(value, str) else value.strftime("%Y:%m:%d %H:%M:%S")


def exif_for(p: PhotoSpec) -> Image.Exif:
    exif = Image.Exif()
    if p.modify is not None:
        exif[0x0132] = _exif_dt(p.modify)
    if p.software is not None:
        exif[0x0131] = p.software
    if p.when is not None:
        ifd = exif.get_ifd(0x8769)
        ifd[0x9003] = _exif_dt(p.when)
        if p.offset is not None:
            ifd[0x9011] = p.offset
    if p.gps is not None:
        g = p.gps.astimezone(UTC)
        gps = exif.get_ifd(0x8825)
        gps[0x001D] = g.strftime("%Y:%m:%d")
        gps[0x0007] = tuple(
            TiffImagePlugin.IFDRational(Fraction(x)) for x in (g.hour, g.minute, g.second)
        )
    return exif


def photo_bytes(p: PhotoSpec) -> bytes:
    buf = io.BytesIO()
    img = scene(p.seed, p.size)
    # bytes, not the Exif object: PNG drops an Exif whose IFD0 is empty (it tests it for truth)
    kw: dict[str, Any] = {"exif": exif_for(p).tobytes()}
    if p.fmt in ("JPEG", "WEBP"):
        kw["quality"] = p.quality
    img.save(buf, p.fmt, **kw)
    return buf.getvalue()


def approval_png() -> bytes:
    """A small white page with the sheet's text: opens as an image, nothing more is read."""
    img = Image.new("RGB", (300, 400), "white")
    draw = ImageDraw.Draw(img)
    lines = [
        "LEMBAR VERIFIKASI DAN PERSETUJUAN",
        "Kegiatan: Musrenbang Kecamatan Bulik",
        "Tim Pertimbangan  Setuju [x] Tolak [ ]",
        "Ketua PPID Pelaksana  Setuju [x]",
        "Atasan PPID Pelaksana  Setuju [x]",
    ]
    for i, line in enumerate(lines):
        draw.text((10, 20 + 40 * i), line, fill="black")
    draw.line((20, 300, 150, 330), fill=(20, 30, 120), width=3)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def pdf_bytes(text: str, *, encrypt: str | None = None) -> bytes:
    """A one-page text PDF (reportlab); ``encrypt`` sets a user password."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    kw: dict[str, Any] = {"pagesize": A4, "invariant": 1}
    if encrypt is not None:
        from reportlab.lib import pdfencrypt

        kw["encrypt"] = pdfencrypt.StandardEncryption(encrypt, ownerPassword=encrypt + "-owner")
    c = canvas.Canvas(buf, **kw)
    y = 800
    for line in text.splitlines() or [""]:
        c.drawString(50, y, line)
        y -= 16
    c.showPage()
    c.save()
    return buf.getvalue()


def raw_pdf(objs: list[bytes], *, bad_xref: bool = False) -> bytes:
    """A PDF from object bodies (object 1 is the catalog); ``bad_xref`` writes wrong offsets."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % ((off * 7 + 13) if bad_xref else off)
    start = xref + 5 if bad_xref else xref
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, start)
    return bytes(out)


def signed_pdf_bytes() -> bytes:
    """A minimal PDF whose AcroForm holds a signature field with a /Sig dictionary and /ByteRange.

    The signature itself is not valid (this version does not validate): it exists so that the file
    is recognised as digitally signed.
    """
    content = b"BT /F1 12 Tf 50 800 Td (Lembar Persetujuan - ditandatangani BSrE) Tj ET"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [5 0 R] /SigFlags 3 >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 7 0 R >> >> /Annots [5 0 R] >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Atasan PPID) /Rect [0 0 0 0] "
        b"/P 3 0 R /V 6 0 R >>",
        b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached "
        b"/ByteRange [0 100 200 300] /Contents <"
        + b"00" * 64
        + b"> /M (D:20240313100000+07'00') >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return raw_pdf(objs)


def docx_bytes(text: str) -> bytes:
    import docx

    doc = docx.Document()
    for para in text.split("\n"):
        doc.add_paragraph(para)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _narrative_bytes(name: str, text: str | bytes) -> bytes:
    if isinstance(text, bytes):
        return text
    ext = Path(name).suffix.lower()
    if ext == ".docx":
        return docx_bytes(text)
    if ext == ".pdf":
        return pdf_bytes(text)
    return text.encode("utf-8")


def make_package(
    root: Path,
    name: str = PACKAGE,
    *,
    photos: list[PhotoSpec] | int = 5,
    caption: str | bytes | None = CAPTION,
    narrative: str | bytes | None = NARRATIVE,
    narrative_name: str = "narasi.txt",
    manifest: dict | str | None = BASELINE_MANIFEST,
    approval: bool = True,
    extra_files: dict[str, bytes] | None = None,
) -> Path:
    """Write one package folder ``root/name`` and return its path.

    ``photos``: specs, or a number of distinct default photos (2024-03-12, 09:00-11:00 WIB).
    ``caption``/``narrative``: text (UTF-8) or raw bytes; None writes no file. The narrative is
    written as docx or PDF when ``narrative_name`` says so. ``manifest``: a dict (dumped as YAML),
    raw YAML text, or None for no paket.yaml. ``approval``: write persetujuan.png.
    ``extra_files``: more files by relative path (written last, so they may replace others).
    """
    pkg = root / name
    pkg.mkdir(parents=True, exist_ok=False)
    files: dict[str, bytes] = {}
    specs = default_photos(photos) if isinstance(photos, int) else photos
    for p in specs:
        files[p.name] = photo_bytes(p)
    if caption is not None:
        files["caption.txt"] = caption if isinstance(caption, bytes) else caption.encode("utf-8")
    if narrative is not None:
        files[narrative_name] = _narrative_bytes(narrative_name, narrative)
    if isinstance(manifest, dict):
        files["paket.yaml"] = yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False).encode()
    elif isinstance(manifest, str):
        files["paket.yaml"] = manifest.encode("utf-8")
    if approval:
        files["persetujuan.png"] = approval_png()
    files.update(extra_files or {})
    for rel, data in files.items():
        path = pkg / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return pkg


_PACKS: dict[str, sopcheck.RulePack] = {}


def default_pack() -> sopcheck.RulePack:
    if "default" not in _PACKS:
        _PACKS["default"] = sopcheck.load_rulepack(DEFAULT_PACK)
    return _PACKS["default"]


def pack_variant(
    dest: Path,
    params: dict[str, dict[str, Any]] | None = None,
    severity: dict[str, str] | None = None,
) -> Path:
    """A copy of the default pack written to ``dest`` with some rules' params/severity changed."""
    data = yaml.safe_load(DEFAULT_PACK.read_text(encoding="utf-8"))
    for rule in data["rules"]:
        rule["params"] = {**(rule.get("params") or {}), **(params or {}).get(rule["id"], {})}
        if severity and rule["id"] in severity:
            rule["severity"] = severity[rule["id"]]
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dest


def run(root: Path, **kw: Any) -> dict[str, Finding]:
    """Check the batch at ``root`` (exactly one package) and return its findings by rule id."""
    kw.setdefault("rules", default_pack())
    kw.setdefault("as_of", AS_OF)
    kw.setdefault("jobs", 1)
    # the case tables pin the rules without OCR: a sheet here is opened, not read (the readers and
    # the rules over their readings are pinned in test_sheet_*.py, test_template.py, test_sheet_checks.py)
    kw.setdefault("read_sheets", False)
    result = sopcheck.check(root, **kw)
    assert len(result.packages) == 1, [p.id for p in result.packages]
    (pkg,) = result.packages
    findings = {f.rule: f for f in pkg.findings}
    assert len(findings) == len(pkg.findings), "one finding per rule"
    return findings


def haystack(f: Finding) -> str:
    """The message and every evidence field of a finding, as one searchable text."""
    parts = [f.message, f.message_id]
    for e in f.evidence:
        parts.extend(f"{k}={v}" for k, v in e.to_dict().items())
    return "\n".join(parts)
