"""The limits that keep a hostile or broken file from hanging or exhausting a run, in one place.

Each limit has a safe default, may be set in the rule pack's ``limits:`` section and overridden by
``sopcheck check --limit NAME=VALUE``. A file over a limit is never opened by a reader: it is still
hashed (streamed, so INT-01 records it) and becomes an error finding that names the file, the value
and the limit. ``admit`` applies the limits that are known before a file is read; the readers apply
the rest (pixels of an image inside a PDF, OCR seconds) through ``current()``, which the engine sets
for the package being checked (``applied``).

Pillow's own decompression-bomb limit is kept as a second guard and never disabled.
"""

from __future__ import annotations

import os
import warnings
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from PIL import Image


class LimitExceeded(ValueError):
    """A file (or a part of it) is over a limit; the message names the value and the limit."""


@dataclass(frozen=True, kw_only=True)
class Limits:
    """The limits of one run. Every value is positive; bytes and counts are ints."""

    file_bytes: int = 64 * 2**20
    """Largest photo, approval file or narrative document that is opened (and the most a .docx may
    unpack to). Larger files are hashed and reported, not read."""
    pixels: int = Image.MAX_IMAGE_PIXELS or 89_478_485
    """Most pixels of an image (a photo, a scan, a frame, an image inside a PDF, a rendered page)
    that is decoded. Default: Pillow's MAX_IMAGE_PIXELS, checked from the header before decoding."""
    pages: int = 50
    """Most pages of a PDF (or frames of a multi-page TIFF) that is read."""
    ocr_page_seconds: float = 120.0
    """Seconds Tesseract may spend on one page (one call); it is then killed and the page counts
    as unreadable."""
    manifest_bytes: int = 1_000_000
    """Largest paket.yaml that is parsed."""
    manifest_aliases: int = 20
    """Most YAML aliases (``*name``) in one paket.yaml: bounds an alias bomb ("billion laughs")."""
    files_per_package: int = 1000
    """Most files of one package that are recorded and read; the rest is reported, not read."""
    text_bytes: int = 1_000_000
    """Largest caption or narrative text (the .txt/.md file, or the text taken from a .docx/.pdf)."""

    def override(self, values: Mapping[str, Any], where: str = "limits") -> Limits:
        """A copy with ``values`` applied; ValueError naming ``where.NAME`` on an unknown name or
        a value that is not a positive number of the right type (text is parsed, "1_000" allowed)."""
        out = {}
        for name, raw in values.items():
            out[name] = _value(name, raw, f"{where}.{name}")
        return replace(self, **out)


DEFAULT = Limits()
NAMES = tuple(f.name for f in fields(Limits))


def _value(name: str, raw: Any, where: str) -> int | float:
    if name not in NAMES:
        raise ValueError(f"{where}: unknown limit (known: {', '.join(NAMES)})")
    want = float if name == "ocr_page_seconds" else int
    if isinstance(raw, str):
        try:
            raw = want(raw.strip())
        except ValueError:
            raise ValueError(f"{where}: expected a {want.__name__}, got {raw!r}") from None
    if (
        isinstance(raw, bool)
        or not isinstance(raw, int | float)
        or (want is int and isinstance(raw, float))
    ):
        raise ValueError(f"{where}: expected a {want.__name__}, got {type(raw).__name__}")
    if not raw > 0:
        raise ValueError(f"{where}: must be greater than 0, got {raw}")
    return want(raw)


def parse_override(text: str) -> tuple[str, int | float]:
    """``"pixels=1000"`` -> ``("pixels", 1000)``; ValueError naming the problem."""
    name, sep, value = text.partition("=")
    if not sep:
        raise ValueError(f"--limit {text!r}: expected NAME=VALUE (names: {', '.join(NAMES)})")
    name = name.strip()
    return name, _value(name, value, f"--limit {name}")


_current = DEFAULT


def current() -> Limits:
    """The limits of the package being checked (the defaults outside a check)."""
    return _current


@contextmanager
def applied(limits: Limits) -> Iterator[Limits]:
    """Make ``limits`` the ``current()`` ones for the duration (one package in one process)."""
    global _current
    old, _current = _current, limits
    try:
        yield limits
    finally:
        _current = old


# ------------------------------------------------------------------ admission of a file


def _head(path: Path, n: int = 8) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    try:
        return os.read(fd, n)
    finally:
        os.close(fd)


def pdf_pages(path: Path) -> int | None:
    """The page count of a PDF (pdfium reads only the page tree), or None when it does not open."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(path))
    except Exception:  # encrypted or broken: the reader reports it with its own reason
        return None
    try:
        return len(doc)
    finally:
        doc.close()


def check_pixels(width: int, height: int, what: str, limits: Limits) -> None:
    """Raise LimitExceeded when a ``width`` x ``height`` image is over the pixel limit."""
    if width * height > limits.pixels:
        raise LimitExceeded(
            f"{what} of {width:,} x {height:,} pixels, over the pixel limit of {limits.pixels:,} "
            "(pixels): not decoded"
        )


def _image_reason(path: Path, limits: Limits) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # checked just below
            img = Image.open(path)  # the header only: no pixel is decoded here
        with img:
            check_pixels(*img.size, "an image", limits)
            frames = getattr(img, "n_frames", 1)
            if frames > limits.pages:
                return f"{frames:,} frames (pages), over the page limit of {limits.pages:,} (pages): not read"
    except LimitExceeded as e:
        return str(e)
    except Image.DecompressionBombError as e:
        return f"image too large to decode safely (Pillow's decompression-bomb guard): {e}"
    except Exception:  # not an image Pillow knows: the reader says why
        return None
    return None


def docx_unpacked(path: Path) -> int | None:
    """The bytes a .docx (zip) declares it unpacks to, or None when it is not a zip.

    Python's zipfile never inflates an entry past its declared size (it stops and checks the CRC),
    so the declared sizes bound what python-docx can be made to read.
    """
    try:
        with zipfile.ZipFile(path) as z:
            return sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def admit(path: Path, kind: str, size: int, limits: Limits) -> str | None:
    """Why the file at ``path`` must not be opened by a reader (a one-line reason), or None.

    Applies to photos and approval files (the extractors whose results are cached, so that a limit
    changed later never meets a stale reading); captions and narratives are checked as they are read.
    """
    if kind not in ("photo", "approval"):
        return None
    if size == 0:
        return "empty file (0 bytes)"
    if size > limits.file_bytes:
        return (
            f"{size:,} bytes, over the file size limit of {limits.file_bytes:,} (file_bytes): "
            "hashed, not read"
        )
    try:
        head = _head(path)
    except OSError as e:
        return f"cannot read: {e.strerror or e}"
    ext = path.suffix.lower()
    if head.startswith(b"%PDF-"):
        if kind == "photo":
            return f"a PDF document named {ext}: not a photo"
        n = pdf_pages(path)
        if n is not None and n > limits.pages:
            return f"PDF of {n:,} pages, over the page limit of {limits.pages:,} (pages): not read"
        return None
    if head.startswith(b"PK\x03\x04"):
        return f"a zip archive (e.g. .docx) named {ext}: not an image"
    return _image_reason(path, limits)
