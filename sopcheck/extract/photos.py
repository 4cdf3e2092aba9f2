"""Photo evidence: capture time with its provenance, editing traces, and a perceptual hash.

Capture time: EXIF DateTimeOriginal (+ OffsetTimeOriginal, SubSecTimeOriginal), then CreateDate
(DateTimeDigitized), then GPS date/time (UTC). exifread first; Pillow (with pillow-heif) where
exifread finds nothing (PNG eXIf, WebP, some HEIC). A date in the file name only when EXIF has none.
Pixels are decoded at reduced size (JPEG draft mode) for the hash: never a full 12 MP decode.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import exifread
from PIL import Image, UnidentifiedImageError

from ..dates import filename_datetime
from ..model import PhotoInfo

try:  # HEIC/HEIF support for Pillow
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - optional at run time
    pass

logging.getLogger("exifread").setLevel(logging.ERROR)

EXTRACTOR_VERSION = "photos-2"
HASH_SIZE = 8

# (date tag, offset tag, subsec tag) in order of preference; names as exifread spells them.
_DATE_TAGS = (
    ("EXIF DateTimeOriginal", "EXIF OffsetTimeOriginal", "EXIF SubSecTimeOriginal"),
    ("EXIF DateTimeDigitized", "EXIF OffsetTimeDigitized", "EXIF SubSecTimeDigitized"),
)
_MODIFY = ("Image DateTime", "EXIF OffsetTime", "EXIF SubSecTime")
# Pillow tag numbers for the same names (Exif IFD 0x8769, GPS IFD 0x8825, IFD0).
_PIL_EXIF = {
    "EXIF DateTimeOriginal": 0x9003, "EXIF OffsetTimeOriginal": 0x9011, "EXIF SubSecTimeOriginal": 0x9291,
    "EXIF DateTimeDigitized": 0x9004, "EXIF OffsetTimeDigitized": 0x9012, "EXIF SubSecTimeDigitized": 0x9292,
    "EXIF OffsetTime": 0x9010, "EXIF SubSecTime": 0x9290,
}  # fmt: skip
_PIL_IFD0 = {"Image DateTime": 0x0132, "Image Software": 0x0131}
_PIL_GPS = {"GPS GPSDate": 0x001D, "GPS GPSTimeStamp": 0x0007}
_RE_EXIF_DT = re.compile(r"^\s*(\d{4})[:\-/](\d{2})[:\-/](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_RE_OFFSET = re.compile(r"^\s*([+-])(\d{2}):?(\d{2})\s*$")


THUMBNAIL_MAX_BYTES = 1 << 20
"""An EXIF thumbnail larger than this (the APP1 segment holds at most 64 KiB) is not decoded."""


def _exifread_tags(path: Path) -> tuple[dict[str, Any], str | None]:
    """EXIF tags by exifread name; the IFD1 thumbnail, when there is one, as bytes under
    'JPEGThumbnail'."""
    try:
        with open(path, "rb") as f:
            tags = exifread.process_file(f, details=False, extract_thumbnail=True)
        return {k: getattr(v, "values", v) for k, v in tags.items()}, None
    except Exception as e:  # exifread raises many kinds on corrupt files
        return {}, f"exifread could not parse the EXIF: {type(e).__name__}: {e}"


def _trim_bars(img: Image.Image, aspect: float) -> Image.Image:
    """Cut the black bands some cameras add around a thumbnail whose shape is not the photo's."""
    w, h = img.size
    if not w or not h or abs(w / h - aspect) < 0.05 * aspect:
        return img
    box = img.convert("L").point(lambda v: 255 if v > 24 else 0).getbbox()
    return img.crop(box) if box else img


def thumbnail_hash(data: Any, size: tuple[int, int] | None) -> tuple[str | None, str | None]:
    """dHash of the embedded EXIF thumbnail (JPEG bytes), or None with the reason it was not read."""
    if not isinstance(data, bytes | bytearray) or not data:
        return None, None
    if len(data) > THUMBNAIL_MAX_BYTES:
        return (
            None,
            f"EXIF thumbnail of {len(data)} bytes not decoded (limit {THUMBNAIL_MAX_BYTES})",
        )
    try:
        with Image.open(io.BytesIO(data)) as thumb:
            thumb.load()
            if size and size[1]:
                thumb = _trim_bars(thumb.convert("RGB"), size[0] / size[1])
            return dhash(thumb), None
    except Exception as e:  # a broken thumbnail is a note, never a crash
        return None, f"EXIF thumbnail cannot be decoded: {type(e).__name__}: {e}"


def _pillow_tags(img: Image.Image) -> dict[str, Any]:
    out: dict[str, Any] = {}
    exif = img.getexif()
    for name, num in _PIL_IFD0.items():
        if num in exif:
            out[name] = exif[num]
    for ifd_num, table in ((0x8769, _PIL_EXIF), (0x8825, _PIL_GPS)):
        try:
            ifd = exif.get_ifd(ifd_num)
        except Exception:
            continue
        for name, num in table.items():
            if num in ifd:
                out[name] = ifd[num]
    return out


def _s(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bytes):
        v = v.decode("ascii", "replace")
    if isinstance(v, list | tuple):
        v = v[0] if len(v) == 1 else " ".join(map(str, v))
    return str(v).strip("\x00 ").strip() or None


def parse_exif_datetime(raw: Any) -> tuple[dt.datetime | None, str | None]:
    """An EXIF date-time string to a naive datetime, or None with the reason it is no date."""
    s = _s(raw)
    if not s:
        return None, None
    m = _RE_EXIF_DT.match(s)
    if not m:
        return None, f"{s!r} is not an EXIF date"
    y, mo, d, h, mi, sec = map(int, m.groups())
    if y == 0 and mo == 0 and d == 0:
        return None, f"{s!r}: all zeros (camera clock not set)"
    if d == 0 or mo == 0:
        return None, f"{s!r}: day or month 00"
    if y < 1990:
        return None, f"{s!r}: year before 1990 (camera clock not set)"
    try:
        return dt.datetime(y, mo, d, h, mi, sec), None
    except ValueError as e:
        return None, f"{s!r}: {e}"


def _offset(raw: Any) -> dt.timezone | None:
    s = _s(raw)
    m = _RE_OFFSET.match(s) if s else None
    if not m:
        return None
    sign = -1 if m[1] == "-" else 1
    delta = dt.timedelta(hours=int(m[2]), minutes=int(m[3]))
    return dt.timezone(sign * delta) if delta < dt.timedelta(hours=15) else None


def _localise(
    naive: dt.datetime, off_raw: Any, sub_raw: Any, tz: dt.tzinfo
) -> tuple[dt.datetime, str]:
    sub = _s(sub_raw)
    if sub and sub.isdigit():
        naive = naive.replace(microsecond=int((sub + "000000")[:6]))
    off = _offset(off_raw)
    if off is not None:
        return naive.replace(tzinfo=off).astimezone(tz), f"offset {_s(off_raw)} from EXIF"
    return naive.replace(tzinfo=tz), f"no offset tag: {tz} assumed"


def _num(v: Any) -> float:
    if hasattr(v, "num") and hasattr(v, "den"):
        return float(Fraction(v.num, v.den)) if v.den else 0.0
    return float(v)


def _gps_time(tags: dict[str, Any], tz: dt.tzinfo) -> dt.datetime | None:
    d, t = _s(tags.get("GPS GPSDate")), tags.get("GPS GPSTimeStamp")
    if not d or t is None:
        return None
    m = re.match(r"(\d{4})[:\-](\d{2})[:\-](\d{2})", d)
    try:
        h, mi, s = (_num(x) for x in list(t)[:3])
        base = dt.datetime(int(m[1]), int(m[2]), int(m[3]), tzinfo=dt.UTC) if m else None
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if base is None or base.year < 1990:
        return None
    return (base + dt.timedelta(hours=h, minutes=mi, seconds=s)).astimezone(tz)


def dhash(img: Image.Image) -> str:
    """Difference hash: 64 bits comparing neighbouring pixels of a 9x8 grey thumbnail."""
    small = img.convert("L").resize((HASH_SIZE + 1, HASH_SIZE), Image.Resampling.LANCZOS)
    px = small.tobytes()
    bits = 0
    for row in range(HASH_SIZE):
        for col in range(HASH_SIZE):
            i = row * (HASH_SIZE + 1) + col
            bits = (bits << 1) | (px[i] > px[i + 1])
    return f"{bits:016x}"


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def read_photo(path: Path, rel: str, tz: dt.tzinfo) -> PhotoInfo:
    """Everything sopcheck reads from one photo; a photo that cannot be decoded has ``error`` set."""
    notes: list[str] = []
    tags, exif_err = _exifread_tags(path)
    if exif_err:
        notes.append(exif_err)
    source = "exifread"
    phash = width = height = None
    error = None
    try:
        with Image.open(path) as img:
            width, height = img.size
            if not any(t[0] in tags for t in _DATE_TAGS) and "GPS GPSDate" not in tags:
                pil = _pillow_tags(img)
                if pil:
                    tags = {**pil, **{k: v for k, v in tags.items() if k not in pil}}
                    source = "pillow"
            if img.format == "JPEG":
                img.draft("L", (64, 64))  # decode at 1/8 scale: fast, and enough for a hash
            img.load()
            phash = dhash(img)
    except Image.DecompressionBombError as e:
        error = f"image too large to decode safely: {e}"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        error = f"cannot decode image: {e}"

    capture = tag_used = tz_note = capture_offset = None
    for date_tag, off_tag, sub_tag in _DATE_TAGS:
        naive, why = parse_exif_datetime(tags.get(date_tag))
        if why:
            notes.append(f"{date_tag}: {why}")
        if naive:
            capture, tz_note = _localise(naive, tags.get(off_tag), tags.get(sub_tag), tz)
            tag_used, capture_offset = date_tag, tags.get(off_tag)
            break
    gps = _gps_time(tags, tz)
    if capture is None and gps is not None:
        capture, tag_used, tz_note = gps, "GPS GPSDate+GPSTimeStamp", "GPS time is UTC"
    weak = date_only = False
    if capture is None:
        named = filename_datetime(Path(rel).name)
        if named:
            value, has_time = named
            weak, source, tag_used = True, "filename", "filename"
            if has_time:
                capture, tz_note = (
                    value.replace(tzinfo=tz),
                    f"time from the file name; {tz} assumed",
                )
            else:
                date_only = True
                capture = dt.datetime.combine(value, dt.time(12), tzinfo=tz)
                tz_note = "date only, from the file name"
    thumb, why = thumbnail_hash(tags.get("JPEGThumbnail"), (width, height) if width else None)
    if why:
        notes.append(why)
    raw_dates = tuple(
        (tag, text)
        for tag in (_DATE_TAGS[0][0], _DATE_TAGS[1][0], _MODIFY[0], "GPS GPSDate")
        if (text := _s(tags.get(tag)))
    )
    modify_naive, _ = parse_exif_datetime(tags.get(_MODIFY[0]))
    # the same camera clock wrote both: without its own offset, ModifyDate takes the capture's
    modify_off = tags.get(_MODIFY[1]) if _offset(tags.get(_MODIFY[1])) else capture_offset
    modify = _localise(modify_naive, modify_off, None, tz)[0] if modify_naive else None
    return PhotoInfo(
        file=rel,
        capture_time=capture,
        source_tag=tag_used,
        source=source if capture else None,
        tz_note=tz_note,
        weak=weak,
        date_only=date_only,
        modify_time=modify,
        gps_time=gps,
        software=_s(tags.get("Image Software")),
        phash=phash,
        thumbnail_phash=thumb,
        raw_dates=raw_dates,
        width=width,
        height=height,
        notes=tuple(notes),
        error=error,
    )
