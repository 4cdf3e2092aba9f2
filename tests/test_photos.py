"""sopcheck.extract.photos: capture time and its provenance, errors as data, perceptual hash."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageDraw, JpegImagePlugin
from PIL.TiffImagePlugin import IFDRational

from sopcheck.extract.photos import dhash, hamming, read_photo

WIB = ZoneInfo("Asia/Jakarta")
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
ORIGINAL, OFFSET_ORIGINAL, SUBSEC_ORIGINAL = 0x9003, 0x9011, 0x9291
DIGITIZED, OFFSET_DIGITIZED = 0x9004, 0x9012
GPS_DATE, GPS_TIME = 0x001D, 0x0007
MODIFY, SOFTWARE = 0x0132, 0x0131

T_1015 = dt.datetime(2024, 3, 12, 10, 15, 0, tzinfo=WIB)

_UNSET = object()


def _picture(size: tuple[int, int] = (96, 64), seed: int = 0) -> Image.Image:
    """A picture with structure (so the dhash has bits to compare)."""
    w, h = size
    img = Image.new("RGB", size, (30, 90, 160))
    draw = ImageDraw.Draw(img)
    rng = random.Random(seed)
    for _ in range(12):
        x0, y0 = rng.randrange(w), rng.randrange(h)
        x1, y1 = x0 + rng.randrange(w // 8, w // 2), y0 + rng.randrange(h // 8, h // 2)
        fill = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.rectangle([x0, y0, x1, y1], fill=fill)
    draw.ellipse([w // 4, h // 4, 3 * w // 4, 3 * h // 4], fill=(250, 240, 20))
    return img


def _exif(
    original: object = "2024:03:12 10:15:00",
    offset: str | None = "+07:00",
    subsec: str | None = "250",
    digitized: str | None = None,
    offset_digitized: str | None = None,
    gps: tuple[str, tuple[int, int, int]] | None = None,
    software: str | None = None,
    modify: str | None = None,
) -> bytes:
    exif = Image.Exif()
    if software is not None:
        exif[SOFTWARE] = software
    if modify is not None:
        exif[MODIFY] = modify
    ifd = exif.get_ifd(EXIF_IFD)
    if original is not None:
        ifd[ORIGINAL] = original
    if offset is not None:
        ifd[OFFSET_ORIGINAL] = offset
    if subsec is not None:
        ifd[SUBSEC_ORIGINAL] = subsec
    if digitized is not None:
        ifd[DIGITIZED] = digitized
    if offset_digitized is not None:
        ifd[OFFSET_DIGITIZED] = offset_digitized
    if gps is not None:
        g = exif.get_ifd(GPS_IFD)
        g[GPS_DATE] = gps[0]
        g[GPS_TIME] = tuple(IFDRational(x) for x in gps[1])
    return exif.tobytes()  # bytes: Pillow's PNG writer skips an Exif whose IFD0 is empty


def _write(
    path: Path, exif: bytes | None = None, fmt: str = "JPEG", img: Image.Image | None = None, **kw
) -> Path:
    img = img or _picture()
    if exif is not None:
        kw["exif"] = exif
    img.save(path, fmt, **kw)
    return path


def _read(path: Path):
    return read_photo(path, path.name, WIB)


# --- capture time from EXIF ------------------------------------------------------------------


def test_jpeg_datetimeoriginal_offset_subsec(tmp_path: Path) -> None:
    p = _write(tmp_path / "a.jpg", _exif())
    info = _read(p)
    assert info.error is None
    assert info.capture_time == T_1015.replace(microsecond=250000)
    assert info.capture_time.utcoffset() == dt.timedelta(hours=7)
    assert info.capture_time.tzinfo == WIB
    assert info.source_tag == "EXIF DateTimeOriginal"
    assert info.source == "exifread"
    assert "+07:00" in info.tz_note
    assert info.weak is False and info.date_only is False
    assert (info.width, info.height) == (96, 64)
    assert re.fullmatch(r"[0-9a-f]{16}", info.phash)


def _save_heic(path: Path, exif: bytes) -> Path:
    pytest.importorskip("pillow_heif")
    try:
        return _write(path, exif, fmt="HEIF")
    except (KeyError, OSError, ValueError) as e:  # pragma: no cover - depends on libheif build
        pytest.skip(f"pillow_heif cannot save HEIC here: {e}")


@pytest.mark.parametrize(
    ("fmt", "ext", "sources"),
    [
        ("JPEG", "jpg", {"exifread"}),
        ("PNG", "png", {"exifread", "pillow"}),
        ("WEBP", "webp", {"exifread", "pillow"}),
        ("HEIF", "heic", {"exifread", "pillow"}),
        ("TIFF", "tif", {"exifread", "pillow"}),
    ],
)
def test_formats(tmp_path: Path, fmt: str, ext: str, sources: set[str]) -> None:
    exif = _exif(gps=("2024:03:12", (3, 15, 0)))
    p = tmp_path / f"foto.{ext}"
    if fmt == "HEIF":
        _save_heic(p, exif)
    else:
        _write(p, exif, fmt=fmt)
    info = _read(p)
    assert info.error is None
    assert info.capture_time == T_1015.replace(microsecond=250000)
    assert info.capture_time.utcoffset() == dt.timedelta(hours=7)
    assert info.source_tag == "EXIF DateTimeOriginal"
    assert info.source in sources
    assert info.gps_time == T_1015
    assert info.weak is False
    assert info.phash is not None


@pytest.mark.parametrize(
    ("stamp", "offset"),
    [
        ("2024:03:12 03:15:00", "+00:00"),
        ("2024:03:11 22:15:00", "-05:00"),
        ("2024:03:12 12:15:00", "+09:00"),
        ("2024:03:12 08:45:00", "+05:30"),
        ("2024:03:12 03:15:00", "+0000"),
    ],
)
def test_offset_is_converted_to_pack_tz(tmp_path: Path, stamp: str, offset: str) -> None:
    p = _write(tmp_path / "a.jpg", _exif(original=stamp, offset=offset, subsec=None))
    info = _read(p)
    assert info.capture_time == T_1015
    assert info.capture_time.utcoffset() == dt.timedelta(hours=7)
    assert "assumed" not in info.tz_note


def test_missing_offset_assumes_pack_tz(tmp_path: Path) -> None:
    p = _write(tmp_path / "a.jpg", _exif(offset=None, subsec=None))
    info = _read(p)
    assert info.capture_time == T_1015
    assert info.capture_time.utcoffset() == dt.timedelta(hours=7)
    assert "assumed" in info.tz_note
    # the pack time zone decides: the same file read for WITA is 10:15 WITA
    wita = read_photo(p, p.name, ZoneInfo("Asia/Makassar"))
    assert wita.capture_time.utcoffset() == dt.timedelta(hours=8)
    assert wita.capture_time.hour == 10


def test_garbage_offset_treated_as_missing(tmp_path: Path) -> None:
    p = _write(tmp_path / "a.jpg", _exif(offset="WIB", subsec=None))
    info = _read(p)
    assert info.capture_time == T_1015
    assert "assumed" in info.tz_note


@pytest.mark.parametrize(
    ("subsec", "micro"), [("250", 250000), ("5", 500000), ("05", 50000), ("123456789", 123456)]
)
def test_subsec(tmp_path: Path, subsec: str, micro: int) -> None:
    p = _write(tmp_path / "a.jpg", _exif(subsec=subsec))
    assert _read(p).capture_time.microsecond == micro


def test_datetimedigitized_when_original_absent(tmp_path: Path) -> None:
    p = _write(
        tmp_path / "a.jpg",
        _exif(
            original=None,
            offset=None,
            subsec=None,
            digitized="2024:03:12 03:15:00",
            offset_digitized="+00:00",
        ),
    )
    info = _read(p)
    assert info.source_tag == "EXIF DateTimeDigitized"
    assert info.capture_time == T_1015


def test_original_preferred_over_digitized(tmp_path: Path) -> None:
    p = _write(tmp_path / "a.jpg", _exif(subsec=None, digitized="2024:03:13 08:00:00"))
    info = _read(p)
    assert info.source_tag == "EXIF DateTimeOriginal"
    assert info.capture_time == T_1015


@pytest.mark.parametrize(("fmt", "ext"), [("JPEG", "jpg"), ("WEBP", "webp")])
def test_gps_only(tmp_path: Path, fmt: str, ext: str) -> None:
    exif = _exif(original=None, offset=None, subsec=None, gps=("2024:03:12", (3, 15, 0)))
    p = _write(tmp_path / f"a.{ext}", exif, fmt=fmt)
    info = _read(p)
    assert info.capture_time == T_1015
    assert info.capture_time.utcoffset() == dt.timedelta(hours=7)
    assert info.source_tag == "GPS GPSDate+GPSTimeStamp"
    assert "UTC" in info.tz_note
    assert info.gps_time == T_1015
    assert info.weak is False


def test_gps_crossing_midnight_utc(tmp_path: Path) -> None:
    exif = _exif(original=None, offset=None, subsec=None, gps=("2024:03:11", (20, 30, 0)))
    info = _read(_write(tmp_path / "a.jpg", exif))
    assert info.capture_time == dt.datetime(2024, 3, 12, 3, 30, tzinfo=WIB)


def test_all_zero_date_is_no_date(tmp_path: Path) -> None:
    p = _write(tmp_path / "a.jpg", _exif(original="0000:00:00 00:00:00", offset=None, subsec=None))
    info = _read(p)
    assert info.capture_time is None
    assert info.source_tag is None and info.source is None
    assert any("zero" in n for n in info.notes)
    assert info.error is None


def test_year_1980_is_no_date(tmp_path: Path) -> None:
    p = _write(tmp_path / "a.jpg", _exif(original="1980:01:01 00:00:00", offset=None, subsec=None))
    info = _read(p)
    assert info.capture_time is None
    assert any("1990" in n or "1980" in n for n in info.notes)


def test_invalid_date_is_no_date_with_note(tmp_path: Path) -> None:
    p = _write(tmp_path / "a.jpg", _exif(original="2024:02:30 10:00:00", offset=None, subsec=None))
    info = _read(p)
    assert info.capture_time is None
    assert any("DateTimeOriginal" in n for n in info.notes)


def test_bad_original_falls_back_to_digitized(tmp_path: Path) -> None:
    exif = _exif(
        original="0000:00:00 00:00:00", offset=None, subsec=None, digitized="2024:03:12 10:15:00"
    )
    info = _read(_write(tmp_path / "a.jpg", exif))
    assert info.source_tag == "EXIF DateTimeDigitized"
    assert info.capture_time == T_1015
    assert any("zero" in n for n in info.notes)


def test_software_and_modify_time(tmp_path: Path) -> None:
    exif = _exif(subsec=None, software="Adobe Photoshop 25.0", modify="2024:03:12 11:00:00")
    info = _read(_write(tmp_path / "a.jpg", exif))
    assert info.software == "Adobe Photoshop 25.0"
    assert info.modify_time == dt.datetime(2024, 3, 12, 11, 0, tzinfo=WIB)


# --- file-name fallback ------------------------------------------------------------------------


def test_whatsapp_name_date_only(tmp_path: Path) -> None:
    p = _write(tmp_path / "IMG-20240312-WA0001.jpg")
    info = _read(p)
    assert info.capture_time is not None
    assert info.capture_time.date() == dt.date(2024, 3, 12)
    assert info.capture_time.utcoffset() == dt.timedelta(hours=7)
    assert info.weak is True
    assert info.date_only is True
    assert info.source == "filename" and info.source_tag == "filename"


def test_whatsapp_desktop_name_with_time(tmp_path: Path) -> None:
    p = _write(tmp_path / "WhatsApp Image 2024-03-12 at 10.15.00.jpeg")
    info = _read(p)
    assert info.capture_time == T_1015
    assert info.weak is True and info.date_only is False
    assert "assumed" in info.tz_note


def test_camera_name_with_time(tmp_path: Path) -> None:
    info = _read(_write(tmp_path / "PXL_20240312_101500123.jpg"))
    assert info.capture_time == T_1015
    assert info.weak is True and info.date_only is False


def test_exif_beats_filename(tmp_path: Path) -> None:
    p = _write(tmp_path / "IMG-20200101-WA0001.jpg", _exif(subsec=None))
    info = _read(p)
    assert info.capture_time == T_1015
    assert info.weak is False and info.source == "exifread"


def test_filename_used_when_exif_date_is_zero(tmp_path: Path) -> None:
    exif = _exif(original="0000:00:00 00:00:00", offset=None, subsec=None)
    info = _read(_write(tmp_path / "IMG-20240312-WA0001.jpg", exif))
    assert info.weak is True and info.date_only is True
    assert info.capture_time.date() == dt.date(2024, 3, 12)


def test_no_date_anywhere(tmp_path: Path) -> None:
    info = _read(_write(tmp_path / "IMG_1234.jpg"))
    assert info.capture_time is None and info.weak is False and info.source is None
    assert info.error is None and info.phash is not None


# --- broken files are data, not exceptions ------------------------------------------------------


def test_truncated_jpeg(tmp_path: Path) -> None:
    full = _write(tmp_path / "full.jpg", _exif(), img=_picture((400, 300)), quality=95)
    data = full.read_bytes()
    p = tmp_path / "trunc.jpg"
    p.write_bytes(data[: len(data) // 2])
    info = _read(p)
    assert info.error
    assert info.phash is None
    # the EXIF header is intact, so the capture time may still be read
    assert info.capture_time in (None, T_1015.replace(microsecond=250000))


@pytest.mark.parametrize("cut", [2, 20, 200])
def test_jpeg_cut_in_header(tmp_path: Path, cut: int) -> None:
    data = _write(tmp_path / "full.jpg", _exif()).read_bytes()
    p = tmp_path / "cut.jpg"
    p.write_bytes(data[:cut])
    info = _read(p)
    assert info.error
    assert info.phash is None


@pytest.mark.parametrize(
    "content", [b"", b"not an image at all\n" * 20, b"%PDF-1.4\n", b"\xff\xd8\xff" + b"\x00" * 50]
)
def test_non_image_with_jpg_extension(tmp_path: Path, content: bytes) -> None:
    p = tmp_path / "foto.jpg"
    p.write_bytes(content)
    info = _read(p)
    assert info.error
    assert info.phash is None and info.width is None


# --- perceptual hash ---------------------------------------------------------------------------


def test_hamming() -> None:
    assert hamming("0" * 16, "0" * 16) == 0
    assert hamming("0" * 16, "f" * 16) == 64
    assert hamming("0000000000000001", "0000000000000003") == 1


def test_dhash_survives_reencode_and_resize(tmp_path: Path) -> None:
    img = _picture((800, 600), seed=3)
    a = _write(tmp_path / "a.jpg", img=img, quality=95)
    b = _write(tmp_path / "b.jpg", img=img.resize((400, 300)), quality=60)
    c = _write(tmp_path / "c.png", fmt="PNG", img=img.resize((333, 250)))
    ha, hb, hc = _read(a).phash, _read(b).phash, _read(c).phash
    assert hamming(ha, hb) <= 5
    assert hamming(ha, hc) <= 5
    assert hamming(dhash(img), dhash(img.resize((200, 150)))) <= 5


def _noise(seed: int, size: int = 64) -> Image.Image:
    rng = random.Random(seed)
    return Image.frombytes("RGB", (size, size), rng.randbytes(size * size * 3))


@pytest.mark.parametrize("seeds", [(1, 2), (3, 4), (5, 6)])
def test_dhash_different_images_far_apart(tmp_path: Path, seeds: tuple[int, int]) -> None:
    a, b = (_noise(s) for s in seeds)
    assert hamming(dhash(a), dhash(b)) > 10
    pa = _write(tmp_path / "a.png", fmt="PNG", img=a)
    pb = _write(tmp_path / "b.png", fmt="PNG", img=b)
    assert hamming(_read(pa).phash, _read(pb).phash) > 10


def test_dhash_different_pictures_far_apart() -> None:
    assert hamming(dhash(_picture((320, 240), 1)), dhash(_picture((320, 240), 2))) > 10


def test_large_jpeg_uses_draft_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = _picture((400, 300), seed=7).resize((4000, 3000))
    p = _write(tmp_path / "big.jpg", _exif(subsec=None), img=big, quality=80)
    calls: list[tuple[str | None, tuple[int, int] | None, tuple[int, int]]] = []
    orig = JpegImagePlugin.JpegImageFile.draft

    def spy(self, mode, size):
        result = orig(self, mode, size)
        calls.append((mode, size, self.size))
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    info = _read(p)
    assert info.error is None
    assert info.phash is not None and re.fullmatch(r"[0-9a-f]{16}", info.phash)
    assert (info.width, info.height) == (4000, 3000)  # the real size, not the draft size
    assert info.capture_time == T_1015
    assert calls, "read_photo did not ask for JPEG draft mode"
    assert max(calls[-1][2]) <= 500  # decoded at 1/8 scale
    # the draft-decoded hash is the same picture as a full decode
    assert hamming(info.phash, dhash(big)) <= 5


def test_decompression_bomb_header_is_an_error(tmp_path: Path) -> None:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)  # 3.6 G pixels, RGB
    p = tmp_path / "bomb.png"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b""))
    info = _read(p)  # must not raise nor try to allocate the pixels
    assert info.error
    assert info.phash is None
