"""Generate a batch of N packages shaped like real ones, fast enough for 1,000 packages.

    .venv/bin/python bench/genbatch.py OUT --packages N [--seed 1] [--bases 6] [--sheets 12]

Each package: 4-10 phone photos of 12 MP (4000x3000 JPEGs of 3-5 MB with a phone's EXIF: make,
model, firmware, capture time with offset and sub-seconds, exposure, GPS), a caption, a narrative
with a dateline, a ``paket.yaml`` and one scanned A4 approval sheet (``sopcheck.sheetgen``: a
free-form sheet degraded like a scan, JPEG at 300 dpi; ``--sheet-dpi 200`` for sheetgen's own).
The sheet is by default a whole "Lembar Verifikasi dan Persetujuan" (``--sheet-body
verification``: letterhead, the activity's data, a table of the checks with the caption quoted,
then the three role blocks; Tesseract reads about 175 words on it, 1.1 CPU-s at 300 dpi, near the
1.2 s the issue measured on an A4 form); ``--sheet-body short`` gives sheetgen's sparser sheet (one
paragraph above the roles, about 95 words, 0.65 s).

How it stays fast: encoding a 12 MP JPEG costs ~0.3 s, so only ``--bases`` base photos (a smooth
scene with sensor-like noise) and ``--sheets`` sheets are encoded, once. Every file written is
then a base's bytes with a new EXIF segment (APP1) spliced in after the JPEG start marker: the
capture time, GPS fix and an ``ImageUniqueID`` differ per file, so every file has its own SHA-256
(the cache cannot short-cut one file by another) while no pixel is encoded again. The sheets get a
JPEG comment segment naming their package. Writing is then bound by the disk (~4 MB per photo).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import random
import struct
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import yaml
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

SIZE = (4000, 3000)
WIB = dt.timezone(dt.timedelta(hours=7))
PHONES = (
    ("samsung", "SM-A546E", "A546EXXU4BXB1"),
    ("Xiaomi", "Redmi Note 12", "MIUI Global 14.0.4"),
    ("OPPO", "CPH2477", "CPH2477_11_F.21"),
    ("vivo", "V2250", "PD2250F_EX_A_13.1.9"),
    ("Apple", "iPhone 13", "17.3.1"),
)
PLACES = ("Nanga Bulik", "Bulik Timur", "Lamandau", "Menthobi Raya", "Belantikan Raya", "Delang")
ACTIVITIES = ("Musrenbang Kecamatan", "Sosialisasi Stunting", "Rapat Koordinasi", "Posyandu Balita",
              "Penanaman Pohon", "Pelatihan UMKM", "Pasar Murah", "Vaksinasi Ternak")  # fmt: skip


def base_photo(seed: int, quality: int = 90) -> bytes:
    """A 12 MP JPEG (no EXIF) of a smooth random scene with sensor-like noise: 3-5 MB."""
    rng = np.random.default_rng(seed)
    small = Image.fromarray(rng.integers(30, 225, (12, 16, 3), dtype=np.uint8), "RGB")
    scene = np.asarray(small.resize(SIZE, Image.Resampling.BICUBIC), dtype=np.int16)
    detail = Image.fromarray(rng.integers(0, 255, (300, 400), dtype=np.uint8), "L")
    texture = np.asarray(detail.resize(SIZE, Image.Resampling.BILINEAR), dtype=np.int16) - 128
    noise = rng.normal(0, rng.uniform(4.5, 8.0), (SIZE[1], SIZE[0], 1)).astype(np.int16)
    px = np.clip(scene + texture[..., None] // 3 + noise, 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(px, "RGB").save(buf, "JPEG", quality=quality, subsampling=2)
    return buf.getvalue()


def _strip_app0(jpeg: bytes) -> bytes:
    """The JPEG without its JFIF APP0 segment (a phone's file starts with EXIF)."""
    assert jpeg[:2] == b"\xff\xd8"
    if jpeg[2:4] == b"\xff\xe0":
        (n,) = struct.unpack(">H", jpeg[4:6])
        return jpeg[:2] + jpeg[4 + n :]
    return jpeg


def _r(x: float | Fraction, den: int = 10000) -> IFDRational:
    return IFDRational(Fraction(x).limit_denominator(den))


def _dms(deg: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    deg = abs(deg)
    d = int(deg)
    m = int((deg - d) * 60)
    return (_r(d), _r(m), _r((deg - d - m / 60) * 3600, 100))


def exif_segment(
    when: dt.datetime, phone: tuple[str, str, str], uid: str, rng: random.Random
) -> bytes:
    """An APP1 EXIF segment as a phone camera writes it (IFD0, Exif IFD, GPS IFD)."""
    ex = Image.Exif()
    ex[0x010F], ex[0x0110], ex[0x0131] = phone  # Make, Model, Software (firmware)
    ex[0x0132] = when.strftime("%Y:%m:%d %H:%M:%S")  # DateTime (ModifyDate)
    ex[0x0112] = 1
    exif = ex.get_ifd(0x8769)
    stamp = when.strftime("%Y:%m:%d %H:%M:%S")
    exif[0x9003] = exif[0x9004] = stamp  # DateTimeOriginal, DateTimeDigitized
    exif[0x9010] = exif[0x9011] = exif[0x9012] = "+07:00"  # OffsetTime*
    exif[0x9290] = exif[0x9291] = exif[0x9292] = f"{when.microsecond // 1000:03d}"
    exif[0x829A] = _r(Fraction(1, rng.choice((50, 60, 100, 120, 250))))  # ExposureTime
    exif[0x829D] = _r(Fraction(rng.choice((16, 18, 20)), 10))  # FNumber
    exif[0x8827] = rng.choice((50, 100, 200, 400))  # ISO
    exif[0x920A] = _r(rng.uniform(4.0, 6.5), 100)  # FocalLength
    exif[0xA002], exif[0xA003] = SIZE
    exif[0xA420] = uid  # ImageUniqueID: makes every file's bytes unique
    gps = ex.get_ifd(0x8825)
    lat, lon = -1.63 + rng.uniform(-0.2, 0.2), 111.2 + rng.uniform(-0.3, 0.3)
    utc = when.astimezone(dt.UTC)
    gps[0x0000] = b"\x02\x02\x00\x00"
    gps[0x0001], gps[0x0002] = "S", _dms(lat)
    gps[0x0003], gps[0x0004] = "E", _dms(lon)
    gps[0x0007] = (_r(utc.hour), _r(utc.minute), _r(utc.second))
    gps[0x001D] = utc.strftime("%Y:%m:%d")
    payload = ex.tobytes()  # b"Exif\0\0" + TIFF
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def with_segment(jpeg_no_app0: bytes, segment: bytes) -> bytes:
    return jpeg_no_app0[:2] + segment + jpeg_no_app0[2:]


def comment_segment(text: str) -> bytes:
    data = text.encode()
    return b"\xff\xfe" + struct.pack(">H", len(data) + 2) + data


def make_sheets(n: int, seed: int, dpi: int = 300, body: str = "verification") -> list[bytes]:
    """``n`` scanned free-form approval sheets (A4 JPEG at ``dpi``) from ``sopcheck.sheetgen``
    (``body``: ``sheetgen.BODIES``).

    sheetgen draws and degrades at 200 dpi; for another ``dpi`` the scan is resampled, so the
    file has the pixel count of a scanner set to that resolution (300 dpi is the usual default).
    """
    from sopcheck.sheetgen import DPI, free_form_sheet

    out = []
    for i in range(n):
        sheet = free_form_sheet(seed * 1000 + i, profile="scan", turn=0, fmt="jpg", body=body)
        data = sheet.content
        if dpi != DPI:
            img = Image.open(io.BytesIO(data))
            f = dpi / DPI
            img = img.resize(
                (round(img.width * f), round(img.height * f)), Image.Resampling.BICUBIC
            )
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=85, dpi=(dpi, dpi))
            data = buf.getvalue()
        out.append(_strip_app0(data))
    return out


def write_package(
    root: Path, k: int, rng: random.Random, bases: list[bytes], sheets: list[bytes]
) -> int:
    """Write package number ``k``; return the bytes written."""
    day = dt.date(2024, 1, 1) + dt.timedelta(days=k % 330)
    what, where = rng.choice(ACTIVITIES), rng.choice(PLACES)
    pkg = root / f"{day.isoformat()}-kegiatan-{k:05d}"
    (pkg / "foto").mkdir(parents=True)
    phone = rng.choice(PHONES)
    start = dt.datetime.combine(day, dt.time(8, 30), tzinfo=WIB)
    written = 0
    for j in range(rng.randint(4, 10)):
        when = start + dt.timedelta(
            seconds=rng.randint(0, 4 * 3600), milliseconds=rng.randint(0, 999)
        )
        uid = hashlib.md5(f"{k}/{j}/{when}".encode()).hexdigest()
        data = with_segment(rng.choice(bases), exif_segment(when, phone, uid, rng))
        name = f"IMG_{when:%Y%m%d_%H%M%S}_{j:02d}.jpg"
        (pkg / "foto" / name).write_bytes(data)
        written += len(data)
    title = f"{what} {where}"
    caption = f"{title}, {day.day}/{day.month}/{day.year}. #Lamandau #InfoPublik"
    narrative = (f"{where}, {day.day}/{day.month}/{day.year} - Pemerintah Kabupaten Lamandau "
                 f"menggelar kegiatan {what.lower()} di {where}. Kegiatan dihadiri perangkat desa, "
                 "tokoh masyarakat dan warga setempat.\n\n" + "Kegiatan berjalan lancar. " * 20)  # fmt: skip
    (pkg / "caption.txt").write_text(caption + "\n", encoding="utf-8")
    (pkg / "narasi.txt").write_text(narrative, encoding="utf-8")
    nxt = (day + dt.timedelta(days=1)).isoformat()
    manifest = {
        "kegiatan": {"judul": title, "tanggal": day.isoformat(), "lokasi": where,
                     "unit": "Dinas Komunikasi dan Informatika"},
        "diserahkan": f"{day.isoformat()}T15:00",
        "unggah": {"tanggal": f"{nxt}T09:00+07:00", "platform": "instagram",
                   "url": f"https://www.instagram.com/p/BENCH{k:05d}/"},
    }  # fmt: skip
    (pkg / "paket.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    sheet = with_segment(sheets[k % len(sheets)], comment_segment(f"sopcheck bench {pkg.name}"))
    (pkg / "persetujuan.jpg").write_bytes(sheet)
    return written + len(sheet)


def generate(
    out: Path,
    packages: int,
    *,
    seed: int = 1,
    n_bases: int = 6,
    n_sheets: int = 12,
    dpi: int = 300,
    body: str = "verification",
) -> dict:
    """Write the batch into ``out`` (which must not exist yet); returns what was written."""
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out} exists and is not empty")
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    bases = [_strip_app0(base_photo(seed * 100 + i)) for i in range(n_bases)]
    sheets = make_sheets(min(n_sheets, packages), seed, dpi, body)
    t1 = time.perf_counter()
    rng = random.Random(seed)
    written = sum(write_package(out, k, rng, bases, sheets) for k in range(packages))
    t2 = time.perf_counter()
    return {"packages": packages, "bytes": written, "encode_s": t1 - t0, "write_s": t2 - t1,
            "base_mb": [round(len(b) / 1e6, 2) for b in bases]}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--packages", "-n", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bases", type=int, default=6, help="distinct base photos (default: 6)")
    ap.add_argument("--sheets", type=int, default=12, help="distinct approval sheets (default: 12)")
    ap.add_argument("--sheet-dpi", type=int, default=300, help="scan resolution (default: 300)")
    ap.add_argument(
        "--sheet-body",
        choices=("verification", "short"),
        default="verification",
        help="the approval sheet's printed text (default: verification, a whole form)",
    )
    a = ap.parse_args(argv)
    info = generate(a.out, a.packages, seed=a.seed, n_bases=a.bases, n_sheets=a.sheets,
                    dpi=a.sheet_dpi, body=a.sheet_body)  # fmt: skip
    print(f"{a.out}: {info['packages']} packages, {info['bytes'] / 1e9:.2f} GB "
          f"(encoding {info['encode_s']:.1f} s, writing {info['write_s']:.1f} s; "
          f"base photos {', '.join(map(str, info['base_mb']))} MB)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
