"""A deterministic sample batch of SOP activity packages, for ``make demo`` and the tests.

``generate(out_dir)`` writes one compliant package and a set of packages that each break (or
stretch) one rule; ``EXPECTED`` gives, for every package, the status each rule should get.
The output is byte-identical on every run: every random choice comes from a fixed seed, no clock
time is written anywhere (EXIF, PNG, DOCX core properties and zip entries, PDF metadata), and
files are written in a fixed order.

Run ``python -m sopcheck.sample OUT_DIR`` to write a batch by hand.

This module is deliberately standalone (stdlib, Pillow, PyYAML, python-docx, reportlab): it
must not depend on the checker it is meant to test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import sys
import textwrap
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

__all__ = ["BASELINE", "EXPECTED", "RULE_IDS", "TRUSTED", "TRUST_ROOT_FILE", "generate", "main"]

# --------------------------------------------------------------------------------------------
# Expected statuses
# --------------------------------------------------------------------------------------------

RULE_IDS: tuple[str, ...] = (
    "KLP-01", "KLP-02", "KLP-03",
    "WKT-01", "WKT-02", "WKT-03", "WKT-04", "WKT-05", "WKT-06",
    "PST-01", "PST-02", "PST-03", "PST-04", "PST-05",
    "REG-01",
    "INT-01", "INT-02",
)  # fmt: skip

#: The statuses of the compliant package: its approval sheet is sopcheck's own template, printed,
#: signed, ticked, dated and scanned, so the sheet's QR code binds it to the content (PST-05);
#: there is no register.csv, so REG-01 is "n/a".
BASELINE: dict[str, str] = {
    "KLP-01": "pass",
    "KLP-02": "pass",
    "KLP-03": "pass",
    "WKT-01": "pass",
    "WKT-02": "pass",
    "WKT-03": "pass",
    "WKT-04": "pass",
    "WKT-05": "pass",
    "WKT-06": "pass",
    "PST-01": "pass",
    "PST-02": "pass",
    "PST-03": "pass",
    "PST-04": "n/a",
    "PST-05": "pass",
    "REG-01": "n/a",
    "INT-01": "pass",
    "INT-02": "pass",
}

_DIFFERENCES: dict[str, dict[str, str]] = {
    "2024-03-12-musrenbang-bulik": {},
    "2024-03-14-tiga-foto": {"KLP-01": "fail"},
    "2024-03-15-caption-201": {"KLP-03": "fail"},
    "2024-03-18-caption-grafem": {"KLP-03": "pass"},
    "2024-03-19-foto-kemarin": {"WKT-01": "fail"},
    "2024-03-20-foto-whatsapp": {"WKT-01": "warn"},
    "2024-03-21-foto-ganda": {"KLP-01": "fail"},
    "2024-03-22-unggah-terlambat": {"WKT-06": "fail"},
    "2024-03-25-tanpa-narasi": {"KLP-02": "fail"},
    # no manifest to read: the responses and the decision come from the sheet alone
    # (the Atasan's typed date on this scan OCRs as a day before the hand-in: review, not a guess)
    "2024-03-26-manifes-rusak": {
        "INT-01": "error",
        "WKT-02": "warn",
        "WKT-05": "review",
        "WKT-06": "warn",
    },
    "2024-03-27-foto-disunting": {"INT-02": "warn"},
    "2024-03-28-ditolak-diunggah": {"PST-03": "fail"},
    "2024-03-29-foto-rusak": {"INT-01": "error"},
    # no manifest; a free-form sheet of another layout (no QR code, no caption printed on it)
    # (two of its dates are not read with confidence: review with the crop)
    "kegiatan-tanpa-tanggal": {
        "WKT-02": "warn",
        "WKT-03": "review",
        "WKT-05": "review",
        "WKT-06": "warn",
        "PST-05": "review",
    },
    "2024-04-01-tanpa-persetujuan": {
        "PST-01": "fail",
        "PST-02": "fail",
        "PST-03": "warn",
        "PST-05": "n/a",
        "WKT-03": "warn",
        "WKT-04": "warn",
        "WKT-05": "warn",
        # uploaded with no approval record anywhere: the order cannot be verified
        "WKT-06": "warn",
    },
    # sopcheck's sheet, printed and scanned but never filled in: nobody signed, ticked or dated
    "2024-04-02-belum-ditandatangani": {
        "PST-02": "fail",
        "PST-03": "review",
        "WKT-03": "warn",
        "WKT-04": "warn",
        "WKT-05": "warn",
        "WKT-06": "review",
    },
    # the caption was changed after the sheet was signed: the QR code's content hash no longer matches
    "2024-04-03-konten-diubah": {"PST-05": "fail"},
    # a born-digital sheet signed electronically (PAdES, timestamp token) by the Atasan PPID with a
    # certificate of the generator's own CA. The default run names no trust root, so the signature
    # is intact but "not verified": never valid, so PST-04 and PST-02 are review (with
    # ``--trust sample-trust-root.pem`` both pass: TRUSTED). No QR and no caption on it: PST-05 review.
    "2024-04-04-tte-bsre": {"PST-02": "review", "PST-04": "review", "PST-05": "review"},
    # the same kind of sheet, with text added to the page after it was signed (incremental update)
    "2024-04-05-tte-diubah": {"PST-02": "fail", "PST-04": "fail", "PST-05": "review"},
}

#: The e-signed packages' statuses when the run trusts the sample CA (``--trust`` with the
#: ``sample-trust-root.pem`` the generator writes at the batch root).
TRUSTED: dict[str, dict[str, str]] = {
    "2024-04-04-tte-bsre": {"PST-02": "pass", "PST-04": "pass"},
    "2024-04-05-tte-diubah": {"PST-02": "fail", "PST-04": "fail"},
}
TRUST_ROOT_FILE = "sample-trust-root.pem"

#: package id -> rule id -> expected status ("pass", "fail", "warn", "review", "error", "n/a").
EXPECTED: dict[str, dict[str, str]] = {
    package_id: {**BASELINE, **diff} for package_id, diff in _DIFFERENCES.items()
}

# --------------------------------------------------------------------------------------------
# Package descriptions
# --------------------------------------------------------------------------------------------

_WIB = dt.timezone(dt.timedelta(hours=7))
_ROLES = ("tim_pertimbangan", "ketua_ppid_pelaksana", "atasan_ppid_pelaksana")
_ROLE_LABELS = {
    "tim_pertimbangan": "Tim Pertimbangan Pelayanan Informasi",
    "ketua_ppid_pelaksana": "Ketua PPID Pelaksana",
    "atasan_ppid_pelaksana": "Atasan PPID Pelaksana",
}
_HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
_MODEL, _MAKE = "SM-A155F", "samsung"
#: Photos of one package that are meant to be different are at least this many dHash bits apart
#: (the near-duplicate in ``2024-03-21-foto-ganda`` is 1-2 bits from its original).
_MIN_DHASH_DISTANCE = 22


@dataclass(frozen=True)
class _Photo:
    name: str  # path inside the package, '/'-separated
    seed: int
    taken: dt.datetime | None  # local (WIB) capture time; None: no EXIF at all
    software: str | None = None
    modified: dt.datetime | None = None  # ModifyDate; defaults to ``taken``
    duplicate_of: str | None = None  # re-encode of this photo (by name), 90% size, quality 70
    truncate: float | None = None  # keep only this fraction of the bytes


@dataclass(frozen=True)
class _Package:
    id: str
    judul: str
    tanggal: dt.date
    photos: tuple[_Photo, ...]
    caption: str
    narasi: str | None = "txt"  # "txt", "docx", "pdf" or None
    manifest: str | None = "ok"  # "ok", "broken" or None
    decisions: dict[str, str] | None = field(default=None)  # role -> setuju/tolak; None: none
    persetujuan: bool = True
    sheet: str = "own"  # "own" (sopcheck's template, signed), "own-unsigned", or "free" (free-form)
    caption_after_sheet: str | None = None  # caption.txt changed after the sheet was printed
    unggah: dt.datetime | None = None
    video: bool = False
    lokasi: str = "Nanga Bulik"
    unit: str = "Dinas Komunikasi dan Informatika"
    esign: str | None = None  # "signed" or "tampered": a born-digital sheet, signed electronically


def _seed(*parts: object) -> int:
    return zlib.crc32("/".join(str(p) for p in parts).encode("utf-8"))


def _photo_name(taken: dt.datetime) -> str:
    return f"foto/IMG_{taken:%Y%m%d_%H%M%S}.jpg"


def _default_photos(package_id: str, day: dt.date, count: int = 5) -> tuple[_Photo, ...]:
    """``count`` photos taken on ``day`` between 09:00 and 11:00 WIB."""
    start = dt.datetime.combine(day, dt.time(9, 0, 5))
    step = dt.timedelta(minutes=120 // max(count - 1, 1))
    photos = []
    for i in range(count):
        taken = start + i * step + dt.timedelta(seconds=7 * i)
        photos.append(_Photo(_photo_name(taken), _seed(package_id, i), taken))
    return tuple(photos)


def _caption(judul: str, lokasi: str) -> str:
    return (
        f"{judul} di {lokasi}: warga dan perangkat desa menyepakati usulan prioritas "
        "pembangunan tahun depan. #LamandauBerbenah"
    )


def _caption_201() -> str:
    text = (
        "Musrenbang Kecamatan Bulik 2024 dihadiri kepala desa, tokoh masyarakat, tokoh "
        "pemuda dan perwakilan perempuan yang membahas usulan prioritas jalan desa, air bersih, "
        "posyandu dan irigasi sawah di Bulik."
    )
    if len(text) != 201 or not text.isascii() or text != text.strip():
        raise AssertionError(f"caption-201 has {len(text)} characters")
    return text


#: Clusters that stay several code points after NFC: a flag (2), a ZWJ family (5), a folded-hands
#: emoji with a skin-tone modifier (2), and e + dot below + macron (NFC makes it U+1EB9 U+0304).
_MULTI_CODEPOINT_CLUSTERS = ("🇮🇩", "👨\u200d👩\u200d👧", "🙏🏽", "e\u0323\u0304")


def _caption_graphemes() -> str:
    """A caption of exactly 200 grapheme clusters: 209 code points as written (decomposed),
    208 after NFC and trimming."""
    flag, family, hands, e_dot_macron = _MULTI_CODEPOINT_CLUSTERS
    tail = f" {flag} {family} {hands} {flag} {e_dot_macron} #MusrenbangBulik"
    tail_graphemes = len(tail) - (1 + 4 + 1 + 1 + 2)  # extra code points of the 5 clusters
    body = (
        "Musrenbang Kecamatan Bulik bersama warga, kepala desa dan tokoh masyarakat membahas "
        "usulan prioritas pembangunan jalan desa, air bersih dan posyandu. Terima kasih, semuanya!"
    )
    if len(body) + tail_graphemes != 200 or body != body.strip():
        raise AssertionError("caption-grafem is not 200 graphemes")
    return body + tail


def _narasi(judul: str, lokasi: str, day: dt.date) -> str:
    dateline = f"{lokasi}, {_HARI[day.weekday()]} ({day.day}/{day.month}/{day.year})"
    return (
        f"{dateline} - Pemerintah Kabupaten Lamandau melalui kecamatan setempat menggelar "
        f"{judul} di aula kantor camat. Kegiatan ini dihadiri para kepala desa, Badan "
        "Permusyawaratan Desa, tokoh masyarakat, tokoh pemuda, serta perwakilan organisasi "
        "perempuan. Dalam sambutannya, camat menyampaikan bahwa musyawarah ini menjadi wadah "
        "bagi warga untuk menyampaikan usulan pembangunan yang paling dibutuhkan. Usulan yang "
        "dibahas antara lain peningkatan jalan desa, penyediaan air bersih, perbaikan irigasi "
        "sawah, dan penguatan layanan posyandu. Seluruh usulan kemudian disusun berdasarkan "
        "skala prioritas dan akan dibawa ke forum perangkat daerah tingkat kabupaten. Kegiatan "
        "berlangsung tertib dan lancar hingga siang hari, ditutup dengan penandatanganan berita "
        "acara kesepakatan oleh seluruh perwakilan desa yang hadir.\n"
    )


def _package(
    package_id: str,
    judul: str,
    day: dt.date,
    **overrides: object,
) -> _Package:
    """A package like the compliant one, dated ``day``, with ``overrides`` applied."""
    after = day + dt.timedelta(days=1)
    base = _Package(
        id=package_id,
        judul=judul,
        tanggal=day,
        photos=_default_photos(package_id, day),
        caption=_caption(judul, "Nanga Bulik"),
        decisions=dict.fromkeys(_ROLES, "setuju"),
        unggah=dt.datetime.combine(after, dt.time(9, 0), tzinfo=_WIB),
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def _packages() -> list[_Package]:
    d = dt.date
    packages = [
        _package(
            "2024-03-12-musrenbang-bulik", "Musrenbang Kecamatan Bulik", d(2024, 3, 12), video=True
        ),
        _package(
            "2024-03-14-tiga-foto",
            "Musrenbang Kecamatan Bulik Timur",
            d(2024, 3, 14),
            photos=_default_photos("2024-03-14-tiga-foto", d(2024, 3, 14), count=3),
        ),
        _package(
            "2024-03-15-caption-201",
            "Musrenbang Kecamatan Menthobi Raya",
            d(2024, 3, 15),
            caption=_caption_201(),
        ),
        _package(
            "2024-03-18-caption-grafem",
            "Musrenbang Kecamatan Sematu Jaya",
            d(2024, 3, 18),
            caption=_caption_graphemes(),
        ),
    ]

    pid, day = "2024-03-19-foto-kemarin", d(2024, 3, 19)
    photos = list(_default_photos(pid, day))
    yesterday = dt.datetime(2024, 3, 18, 16, 45, 12)
    photos[4] = _Photo(_photo_name(yesterday), photos[4].seed, yesterday)
    packages.append(
        _package(pid, "Musrenbang Kecamatan Belantikan Raya", day, photos=tuple(photos))
    )

    pid, day = "2024-03-20-foto-whatsapp", d(2024, 3, 20)
    photos = list(_default_photos(pid, day))
    photos[2] = _Photo("foto/IMG-20240320-WA0001.jpg", photos[2].seed, None)
    packages.append(_package(pid, "Musrenbang Kecamatan Batangkawa", day, photos=tuple(photos)))

    pid, day = "2024-03-21-foto-ganda", d(2024, 3, 21)
    photos = list(_default_photos(pid, day, count=3))
    original = photos[1]
    photos.insert(
        2,
        _Photo(
            original.name.replace(".jpg", "_salinan.jpg"),
            original.seed,
            original.taken,
            duplicate_of=original.name,
        ),
    )
    packages.append(_package(pid, "Musrenbang Kecamatan Lamandau", day, photos=tuple(photos)))

    packages += [
        _package(
            "2024-03-22-unggah-terlambat",
            "Musrenbang Kecamatan Delang",
            d(2024, 3, 22),
            unggah=dt.datetime(2024, 3, 25, 10, 0, tzinfo=_WIB),
            narasi="docx",
        ),
        _package(
            "2024-03-25-tanpa-narasi",
            "Musrenbang Kecamatan Bulik Timur",
            d(2024, 3, 25),
            narasi=None,
        ),
        _package(
            "2024-03-26-manifes-rusak",
            "Musrenbang Kecamatan Menthobi Raya",
            d(2024, 3, 26),
            manifest="broken",
        ),
    ]

    pid, day = "2024-03-27-foto-disunting", d(2024, 3, 27)
    photos = list(_default_photos(pid, day))
    photos[3] = replace(
        photos[3],
        software="Adobe Photoshop 25.0 (Windows)",
        modified=dt.datetime(2024, 3, 27, 14, 12, 40),
    )
    packages.append(_package(pid, "Musrenbang Kecamatan Sematu Jaya", day, photos=tuple(photos)))

    packages.append(
        _package(
            "2024-03-28-ditolak-diunggah",
            "Musrenbang Kecamatan Belantikan Raya",
            d(2024, 3, 28),
            decisions={**dict.fromkeys(_ROLES, "setuju"), "atasan_ppid_pelaksana": "tolak"},
            narasi="pdf",
        )
    )

    pid, day = "2024-03-29-foto-rusak", d(2024, 3, 29)
    broken = _Photo(
        "foto/IMG_rusak.jpg",
        _seed(pid, "rusak"),
        dt.datetime(2024, 3, 29, 10, 15, 30),
        truncate=0.4,
    )
    packages.append(
        _package(
            pid,
            "Musrenbang Kecamatan Batangkawa",
            day,
            photos=(*_default_photos(pid, day), broken),
        )
    )

    pid, day = "kegiatan-tanpa-tanggal", d(2024, 4, 4)
    packages.append(
        _package(
            pid,
            "Musrenbang Kecamatan Lamandau",
            day,
            photos=_default_photos(pid, day),
            manifest=None,
            sheet="free",
        )
    )

    packages.append(
        _package(
            "2024-04-01-tanpa-persetujuan",
            "Musrenbang Kecamatan Delang",
            d(2024, 4, 1),
            persetujuan=False,
            decisions=None,
        )
    )
    packages.append(
        _package(
            "2024-04-02-belum-ditandatangani",
            "Rapat Koordinasi Kecamatan Menthobi Raya",
            d(2024, 4, 2),
            decisions=None,
            sheet="own-unsigned",
        )
    )
    judul = "Festival Budaya Kecamatan Sematu Jaya"
    packages.append(
        _package(
            "2024-04-03-konten-diubah",
            judul,
            d(2024, 4, 3),
            caption_after_sheet=_caption(judul, "Nanga Bulik") + " (revisi setelah disetujui)",
        )
    )
    packages.append(_package("2024-04-04-tte-bsre", "Sosialisasi Keterbukaan Informasi Publik",
                             d(2024, 4, 4), esign="signed"))  # fmt: skip
    packages.append(_package("2024-04-05-tte-diubah", "Sosialisasi Layanan PPID Kecamatan",
                             d(2024, 4, 5), esign="tampered"))  # fmt: skip
    return packages


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    # Pillow's bundled font (FreeType build); a fixed bitmap font otherwise. Both deterministic.
    return ImageFont.load_default(size=size)


def _scene(seed: int, size: tuple[int, int], label: str) -> Image.Image:
    """A distinct synthetic 'photo': gradient background, random shapes, a big label."""
    rng = random.Random(seed)
    w, h = size
    c0 = [rng.randrange(256) for _ in range(3)]
    c1 = [rng.randrange(256) for _ in range(3)]
    vertical = rng.random() < 0.5
    n = h if vertical else w
    strip = Image.new("RGB", (1, n) if vertical else (n, 1))
    strip.putdata(
        [
            tuple(round(a + (b - a) * i / max(n - 1, 1)) for a, b in zip(c0, c1, strict=True))
            for i in range(n)
        ]
    )
    img = strip.resize((w, h), Image.Resampling.NEAREST)
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(6, 10)):
        x0, y0 = rng.randrange(-w // 4, w), rng.randrange(-h // 4, h)
        x1, y1 = x0 + rng.randrange(w // 6, w // 2), y0 + rng.randrange(h // 6, h // 2)
        colour = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
        else:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
    font = _font(max(h // 6, 10))
    x, y = rng.randrange(w // 10, w // 3), rng.randrange(h // 10, h // 2)
    draw.text((x, y), label, font=font, fill="white", stroke_width=3, stroke_fill="black")
    return img


def _dhash(img: Image.Image) -> int:
    """The 64-bit difference hash (9x8 grayscale, left < right per row)."""
    gray = img.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    bits = 0
    for y in range(8):
        for x in range(8):
            bits = bits << 1 | (gray.getpixel((x + 1, y)) > gray.getpixel((x, y)))
    return bits


def _distinct_scene(seed: int, size: tuple[int, int], label: str, hashes: list[int]) -> Image.Image:
    """A scene whose dHash is at least ``_MIN_DHASH_DISTANCE`` bits from every hash in ``hashes``
    (the package's photos so far); the seed is stepped until it is. Appends the new hash."""
    for attempt in range(1000):
        img = _scene(seed + attempt, size, label)
        digest = _dhash(img)
        if all((digest ^ other).bit_count() >= _MIN_DHASH_DISTANCE for other in hashes):
            hashes.append(digest)
            return img
    raise AssertionError("no distinct scene found")  # pragma: no cover


def _exif_time(t: dt.datetime) -> str:
    return f"{t:%Y:%m:%d %H:%M:%S}"


def _exif(photo: _Photo) -> Image.Exif:
    assert photo.taken is not None
    exif = Image.Exif()
    exif[0x010F] = _MAKE  # Make
    exif[0x0110] = _MODEL  # Model
    if photo.software:
        exif[0x0131] = photo.software  # Software
    exif[0x0132] = _exif_time(photo.modified or photo.taken)  # DateTime (ModifyDate)
    ifd = exif.get_ifd(0x8769)  # Exif sub-IFD
    ifd[0x9003] = _exif_time(photo.taken)  # DateTimeOriginal
    ifd[0x9004] = _exif_time(photo.taken)  # DateTimeDigitized (CreateDate)
    ifd[0x9010] = "+07:00"  # OffsetTime
    ifd[0x9011] = "+07:00"  # OffsetTimeOriginal
    ifd[0x9012] = "+07:00"  # OffsetTimeDigitized
    ifd[0x9291] = "123"  # SubSecTimeOriginal
    return exif


def _write_photos(pkg_dir: Path, package: _Package, size: tuple[int, int]) -> None:
    encoded: dict[str, tuple[bytes, Image.Exif | None]] = {}
    hashes: list[int] = []
    for number, photo in enumerate(package.photos, start=1):
        exif = _exif(photo) if photo.taken is not None else None
        if photo.duplicate_of is not None:
            source_bytes, exif = encoded[photo.duplicate_of]
            with Image.open(io.BytesIO(source_bytes)) as source:
                w, h = source.size
                img = source.convert("RGB").resize(
                    (round(w * 0.9), round(h * 0.9)), Image.Resampling.LANCZOS
                )
            quality = 70
        else:
            img = _distinct_scene(photo.seed, size, f"Foto {number}", hashes)
            quality = 85
        buf = io.BytesIO()
        kwargs = {"exif": exif} if exif is not None else {}
        img.save(buf, "JPEG", quality=quality, optimize=False, progressive=False, **kwargs)
        data = buf.getvalue()
        encoded[photo.name] = (data, exif)
        if photo.truncate is not None:
            data = data[: int(len(data) * photo.truncate)]
        path = pkg_dir / photo.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _roles_truth(package: _Package) -> dict[str, dict]:
    """What each role wrote on the sheet: the manifest's decisions, signed, dated the next day."""
    decisions = package.decisions or dict.fromkeys(_ROLES, "setuju")
    day = package.tanggal + dt.timedelta(days=1)
    if package.sheet == "own-unsigned":
        blank = {
            "signed": False,
            "signature": "empty",
            "decision": None,
            "date": None,
            "date_style": None,
        }
        return {r: {**blank, "date_text": None} for r in _ROLES}
    return {
        r: {"signed": True, "signature": "signature", "decision": decisions[r], "date": day,
            "date_style": "printed", "date_text": None}
        for r in _ROLES
    }  # fmt: skip


def _write_persetujuan(pkg_dir: Path, package: _Package) -> None:
    """The approval sheet, printed, filled in by hand and scanned (sopcheck.sheetgen).

    "own": sopcheck's template for this very package (its QR code carries the content hash), so it
    must be written after the caption, narrative and photos. "free": another office's layout.
    """
    from . import sheetgen

    seed = _seed(package.id, "persetujuan")
    truth = _roles_truth(package)
    if package.sheet == "free":
        sheet = sheetgen.free_form_sheet(
            seed, layout="columns", profile="scan", turn=0, fmt="png", roles_truth=truth
        )
    else:
        sheet = sheetgen.own_template_sheet(
            seed, profile="scan", turn=0, fmt="jpg", roles_truth=truth, package_dir=pkg_dir
        )
    sheet.write(pkg_dir / "persetujuan")


_OFFICIALS = (
    ("tim_pertimbangan", "Rina Wulandari", "198801012010012001"),
    ("ketua_ppid_pelaksana", "Siti Aminah", "197901012005012001"),
    ("atasan_ppid_pelaksana", "Budi Santoso", "198305142013121002"),
)


def _write_esigned(pkg_dir: Path, package: _Package) -> None:
    """persetujuan.pdf: a born-digital sheet signed by the Atasan PPID Pelaksana at 08:00 WIB the
    day after the activity, with a timestamp token; "tampered": text added after signing."""
    from . import esigngen, pki

    day = package.tanggal + dt.timedelta(days=1)
    officials = [esigngen.Official(role_label=_ROLE_LABELS[r], name=n, nip=nip, date=day)
                 for r, n, nip in _OFFICIALS]  # fmt: skip
    sheet = esigngen.approval_pdf(package=package.id, activity=package.judul,
                                  caption=package.caption, officials=officials)  # fmt: skip
    when = dt.datetime.combine(day, dt.time(8, 0), tzinfo=_WIB).astimezone(dt.UTC)
    data = esigngen.esigned_approval(
        sheet, [(officials[2], when)], pki=pki.test_pki(), timestamp=True
    )
    if package.esign == "tampered":
        data = pki.append_page_text(data, "Caption direvisi setelah ditandatangani")
    (pkg_dir / "persetujuan.pdf").write_bytes(data)


def _write_docx(path: Path, text: str, title: str, written: dt.datetime) -> None:
    import docx  # python-docx; imported lazily, only one package uses it

    document = docx.Document()
    props = document.core_properties  # python-docx would stamp "modified" with the clock
    props.author = props.last_modified_by = "Tim Pelaksana"
    props.title = title
    props.comments = ""
    props.created = props.modified = props.last_printed = written
    props.revision = 1
    document.add_heading(title, level=1)
    for paragraph in text.strip().split("\n"):
        document.add_paragraph(paragraph)
    buf = io.BytesIO()
    document.save(buf)
    # python-docx stamps every zip entry with the current time: rewrite the zip with fixed ones
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    path.write_bytes(out.getvalue())


def _write_pdf(path: Path, text: str, title: str) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1, pageCompression=0)
    pdf.setTitle(title)
    pdf.setAuthor("Tim Pelaksana")
    pdf.setCreator("sopcheck.sample")
    text_object = pdf.beginText(72, A4[1] - 72)
    text_object.setFont("Helvetica-Bold", 14)
    text_object.textLine(title)
    text_object.setFont("Helvetica", 11)
    text_object.textLine("")
    for paragraph in text.strip().split("\n"):
        for line in textwrap.wrap(paragraph, 85):
            text_object.textLine(line)
    pdf.drawText(text_object)
    pdf.showPage()
    pdf.save()


def _write_video(path: Path) -> None:
    """A tiny structurally valid MP4 container (ftyp, free, empty mdat); never decoded."""

    def box(kind: bytes, payload: bytes) -> bytes:
        return (8 + len(payload)).to_bytes(4, "big") + kind + payload

    ftyp = box(b"ftyp", b"isom" + (512).to_bytes(4, "big") + b"isomiso2avc1mp41")
    free = box(b"free", b"sopcheck sample video placeholder ".ljust(256, b"\0"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ftyp + free + box(b"mdat", b""))


def _manifest(package: _Package) -> str:
    day = package.tanggal
    lines = [
        f"kegiatan: {{judul: {package.judul}, tanggal: {day:%Y-%m-%d}, "
        f"tanggal_selesai: {day:%Y-%m-%d}, lokasi: {package.lokasi}, unit: {package.unit}}}",
        f"diserahkan: {day:%Y-%m-%d}T16:00",
    ]
    if package.decisions is not None:
        response_day = day + dt.timedelta(days=1)
        lines.append("tanggapan:")
        for role in _ROLES:
            lines.append(
                f"  {role}: {{tanggal: {response_day:%Y-%m-%d}, "
                f"keputusan: {package.decisions[role]}}}"
            )
    if package.unggah is not None:
        stamp = package.unggah.strftime("%Y-%m-%dT%H:%M") + "+07:00"
        code = f"EXAMPLE{_PACKAGE_NUMBER[package.id]}"
        lines.append(
            f'unggah: {{tanggal: "{stamp}", platform: instagram, '
            f'url: "https://www.instagram.com/p/{code}/"}}'
        )
    return "\n".join(lines) + "\n"


_BROKEN_MANIFEST = "kegiatan: [judul: oops\n  tanggal: : :\n"


def _write_package(root: Path, package: _Package, photo_size: tuple[int, int]) -> None:
    pkg_dir = root / package.id
    pkg_dir.mkdir()
    _write_photos(pkg_dir, package, photo_size)
    if package.video:
        _write_video(pkg_dir / "video" / "kegiatan.mp4")
    narasi = _narasi(package.judul, package.lokasi, package.tanggal)
    if package.narasi == "txt":
        (pkg_dir / "narasi.txt").write_text(narasi, encoding="utf-8", newline="\n")
    elif package.narasi == "docx":
        written = dt.datetime.combine(package.tanggal, dt.time(7, 0))  # 14:00 WIB, in UTC
        _write_docx(pkg_dir / "narasi.docx", narasi, package.judul, written)
    elif package.narasi == "pdf":
        _write_pdf(pkg_dir / "narasi.pdf", narasi, package.judul)
    (pkg_dir / "caption.txt").write_bytes(package.caption.encode("utf-8"))
    if package.persetujuan and package.esign:
        _write_esigned(pkg_dir, package)
    elif package.persetujuan:
        _write_persetujuan(pkg_dir, package)
    if package.caption_after_sheet is not None:
        (pkg_dir / "caption.txt").write_bytes(package.caption_after_sheet.encode("utf-8"))
    if package.manifest == "ok":
        (pkg_dir / "paket.yaml").write_text(_manifest(package), encoding="utf-8", newline="\n")
    elif package.manifest == "broken":
        (pkg_dir / "paket.yaml").write_text(_BROKEN_MANIFEST, encoding="utf-8", newline="\n")


# --------------------------------------------------------------------------------------------
# API
# --------------------------------------------------------------------------------------------

_PACKAGE_NUMBER: dict[str, int] = {pid: i for i, pid in enumerate(EXPECTED, start=1)}


def generate(
    out_dir: Path, *, photo_size: tuple[int, int] = (640, 480), only: Sequence[str] | None = None
) -> Path:
    """Write the sample batch into ``out_dir`` (created; must not exist or be empty).

    Returns ``out_dir``. The bytes written are the same on every run. ``only``: write just these
    package ids (and the trust root file), for tests that need a few of them.
    """
    out_dir = Path(out_dir)
    if out_dir.exists():
        if not out_dir.is_dir():
            raise ValueError(f"{out_dir} exists and is not a directory")
        if any(out_dir.iterdir()):
            raise ValueError(f"{out_dir} is not empty")
    out_dir.mkdir(parents=True, exist_ok=True)
    packages = _packages()
    if [p.id for p in packages] != list(EXPECTED):  # the two lists are kept in step by hand
        raise AssertionError("sample packages and EXPECTED disagree")
    for package in packages:
        if only is None or package.id in only:
            _write_package(out_dir, package, tuple(photo_size))
    from .pki import test_pki  # the CA that signed the e-signed packages' sheets

    (out_dir / TRUST_ROOT_FILE).write_bytes(test_pki().root.pem)
    return out_dir


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sopcheck.sample",
        description="Write the deterministic sample batch of SOP activity packages.",
    )
    parser.add_argument("out_dir", type=Path, help="folder to create (must not exist or be empty)")
    args = parser.parse_args(argv)
    try:
        path = generate(args.out_dir)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
