"""The one wrapper around Tesseract (through pytesseract).

Tesseract always gets a file path (the prepared page, written under ``tempfile``, never into the
batch) and runs with ``OMP_THREAD_LIMIT=1``: on a small machine Tesseract's own threads make a page
several times slower, and sopcheck parallelises over packages instead.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from ..errors import ExitCode, SopcheckError

DEFAULT_LANGS = "ind+eng"
PAGE_TIMEOUT = 120
"""Default seconds Tesseract may spend on one page; the run's ``ocr_page_seconds`` limit
(``sopcheck.limits``) is used when no timeout is given. pytesseract kills Tesseract at the timeout."""


def _timeout(timeout: float | None) -> float:
    if timeout is not None:
        return timeout
    from ..limits import current

    return current().ocr_page_seconds


# Debian package per Tesseract language code (the ones a rule pack is likely to name).
_DEBIAN_PKG = {"ind": "tesseract-ocr-ind", "eng": "tesseract-ocr-eng", "osd": "tesseract-ocr-osd"}


class OcrError(SopcheckError):
    """Tesseract or a language pack is missing, or OCR of a page failed."""

    exit_code = ExitCode.INPUT


@dataclass(frozen=True, kw_only=True)
class Word:
    """One word as Tesseract read it, in pixels of the image it was given."""

    text: str
    conf: float
    """0..1 (Tesseract's 0..100 scaled)."""
    x: int
    y: int
    w: int
    h: int
    block: int = 0
    par: int = 0
    line: int = 0
    page: int = 1

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (self.x, self.y, self.w, self.h)

    @property
    def line_key(self) -> tuple[int, int, int]:
        return (self.block, self.par, self.line)


@contextmanager
def _env():
    """OMP_THREAD_LIMIT=1 around a Tesseract call (pytesseract passes os.environ to the child)."""
    old = os.environ.get("OMP_THREAD_LIMIT")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("OMP_THREAD_LIMIT", None)
        else:
            os.environ["OMP_THREAD_LIMIT"] = old


def _pt():
    blocked = "pytesseract" not in sys.modules and "pandas" not in sys.modules
    if blocked:  # pytesseract imports pandas when it is installed (for an output sopcheck never
        sys.modules["pandas"] = None  # asks for): 30 MB and 0.3 s in every worker, for nothing
    try:
        import pytesseract
    except ImportError as e:  # pragma: no cover - a dependency of the project
        raise OcrError("pytesseract is not installed (pip install pytesseract)") from e
    finally:
        if blocked and sys.modules.get("pandas", 0) is None:
            del sys.modules["pandas"]
    return pytesseract


def _missing_tesseract_msg() -> str:
    return (
        "Tesseract OCR is not installed or not on PATH: install the Debian packages "
        "tesseract-ocr tesseract-ocr-ind tesseract-ocr-eng"
    )


def check_tesseract(langs: str = DEFAULT_LANGS) -> str:
    """Tesseract's version; raises OcrError naming the package to install when it or a language is missing."""
    pt = _pt()
    cmd = pt.pytesseract.tesseract_cmd
    if shutil.which(cmd) is None and not Path(cmd).is_file():
        raise OcrError(_missing_tesseract_msg())
    try:
        with _env():
            version = str(pt.get_tesseract_version())
            have = set(pt.get_languages(config=""))
    except (pt.TesseractNotFoundError, OSError, subprocess.SubprocessError) as e:
        raise OcrError(_missing_tesseract_msg()) from e
    want = [lang for lang in re.split(r"[+,\s]+", langs) if lang]
    missing = [lang for lang in want if lang not in have]
    if missing:
        pkgs = " ".join(_DEBIAN_PKG.get(m, f"tesseract-ocr-{m}") for m in missing)
        raise OcrError(
            f"Tesseract {version} lacks the language pack(s) {', '.join(missing)}: install {pkgs}"
        )
    return version


@lru_cache(maxsize=8)
def _have_lang(lang: str) -> bool:
    try:
        with _env():
            return lang in _pt().get_languages(config="")
    except Exception:
        return False


def usable_langs(langs: str = DEFAULT_LANGS) -> str:
    """``langs`` restricted to the installed packs (falls back to 'eng'), so a page is still read."""
    got = [lang for lang in re.split(r"[+,\s]+", langs) if lang and _have_lang(lang)]
    return "+".join(got) or "eng"


@contextmanager
def page_file(img):
    """Write a PIL image to a temporary uncompressed TIFF and yield its path.

    Measured on a 300 dpi A4 page: PNG (compress_level=1) costs about 70 ms to write, TIFF without
    compression a few ms, and Tesseract reads the TIFF no slower (PGM, also cheap to write, made
    Tesseract's own reading about 0.1 s slower)."""
    fd, name = tempfile.mkstemp(prefix="sopcheck-ocr-", suffix=".tif")
    os.close(fd)
    try:
        img.save(name, format="TIFF", compression="raw")
        yield Path(name)
    finally:
        with suppress(OSError):
            os.unlink(name)


def _call(fn, *args, **kw):
    pt = _pt()
    try:
        with _env():
            return fn(*args, **kw)
    except pt.TesseractNotFoundError as e:
        raise OcrError(_missing_tesseract_msg()) from e
    except RuntimeError as e:  # pytesseract raises RuntimeError on timeout, after killing it
        if "timeout" in str(e).lower():
            raise OcrError(
                f"Tesseract was stopped after {kw.get('timeout')} s on one page, the limit "
                "(ocr_page_seconds)"
            ) from e
        raise OcrError(f"Tesseract failed: {e}") from e
    except pt.TesseractError as e:
        raise OcrError(f"Tesseract failed: {e.message if hasattr(e, 'message') else e}") from e
    except OSError as e:
        raise OcrError(f"Tesseract could not be run: {e}") from e


def ocr_words(
    image_path: Path,
    langs: str = DEFAULT_LANGS,
    psm: int = 3,
    *,
    timeout: float | None = None,
    page: int = 1,
    config: str = "",
) -> list[Word]:
    """Words with boxes and confidences (``image_to_data``) of the image file at ``image_path``;
    ``config``: more Tesseract options (``-c name=value``)."""
    pt = _pt()
    data = _call(
        pt.image_to_data,
        str(image_path),
        lang=langs,
        config=f"--psm {psm} {config}".strip(),
        output_type=pt.Output.DICT,
        timeout=_timeout(timeout),
    )
    words: list[Word] = []
    for i, text in enumerate(data.get("text", [])):
        text = (text or "").strip()
        if not text:
            continue
        try:
            conf = float(data["conf"][i])
        except (TypeError, ValueError):
            conf = -1.0
        if conf < 0:
            continue
        words.append(
            Word(
                text=text,
                conf=max(0.0, min(1.0, conf / 100.0)),
                x=int(data["left"][i]),
                y=int(data["top"][i]),
                w=int(data["width"][i]),
                h=int(data["height"][i]),
                block=int(data["block_num"][i]),
                par=int(data["par_num"][i]),
                line=int(data["line_num"][i]),
                page=page,
            )
        )
    return words


def ocr_image(
    img, langs: str = DEFAULT_LANGS, psm: int = 3, *, page: int = 1, timeout: float | None = None
):
    """``ocr_words`` on a PIL image (written to a temporary file first)."""
    with page_file(img) as p:
        return ocr_words(p, langs, psm, timeout=timeout, page=page)


OCR_DPI = 200
"""Resolution a full page is OCRed at: Tesseract reads the same words of a form's print at 200 dpi
as at 300 (its recognition works on text lines scaled to a fixed height) in about 30% less time
and memory. ``pages.prepare`` brings a page over ``OCR_DPI * OCR_SLACK`` to this resolution after
its deskew (``pages.reading_dpi``), and the ink is judged there too; ``ocr_page`` still scales
down, with a box filter and its boxes scaled back, any page handed to it at more."""
OCR_SLACK = 1.2
"""A page is scaled down for OCR only above ``OCR_DPI * OCR_SLACK`` (a 220 dpi scan is read as it is)."""


def ocr_page(img, dpi: float, langs: str = DEFAULT_LANGS, psm: int = 3, *, page: int = 1,
             timeout: float | None = None) -> list[Word]:  # fmt: skip
    """``ocr_image`` of a full page of ``dpi`` read at ``OCR_DPI``; boxes in pixels of ``img``."""
    from PIL import Image

    if not dpi or dpi <= OCR_DPI * OCR_SLACK:
        return ocr_image(img, langs, psm, page=page, timeout=timeout)
    f = OCR_DPI / dpi
    small = img.resize((max(1, round(img.width * f)), max(1, round(img.height * f))),
                       Image.Resampling.BOX)  # fmt: skip
    sx, sy = img.width / small.width, img.height / small.height
    words = ocr_image(small, langs, psm, page=page, timeout=timeout)
    return [
        replace(
            w,
            x=round(w.x * sx),
            y=round(w.y * sy),
            w=max(1, round(w.w * sx)),
            h=max(1, round(w.h * sy)),
        )  # fmt: skip
        for w in words
    ]


def ocr_line(
    img, langs: str = DEFAULT_LANGS, *, whitelist: str = "", timeout: float | None = None
) -> list[Word]:
    """One line of text (``--psm 7``) of a small PIL image, e.g. a field cut out and enlarged;
    ``whitelist``: the only characters Tesseract may read (``tessedit_char_whitelist``). Put a
    space in it when words are to stay apart (without one, Tesseract 5 joins them)."""
    config = "-c " + shlex.quote(f"tessedit_char_whitelist={whitelist}") if whitelist else ""
    with page_file(img) as p:
        return ocr_words(p, langs, psm=7, timeout=timeout, config=config)


_RE_ROT = re.compile(r"Rotate:\s*(\d+)")
_RE_CONF = re.compile(r"Orientation confidence:\s*([\d.]+)")


def detect_rotation(image_path: Path, *, timeout: float | None = None) -> tuple[int, float]:
    """(degrees, OSD confidence) from Tesseract's orientation detection; (0, 0.0) on failure.

    ``degrees`` (0/90/180/270) is how far the image must be turned *clockwise* to be upright (a
    page turned 90 degrees counter-clockwise gives 90); PIL's ``rotate`` turns counter-clockwise, so
    callers use ``img.rotate(-degrees, expand=True)``.
    """
    pt = _pt()
    if not _have_lang("osd"):
        return 0, 0.0
    try:
        out = _call(pt.image_to_osd, str(image_path), config="--psm 0", timeout=_timeout(timeout))
    except OcrError:
        return 0, 0.0
    m, c = _RE_ROT.search(out or ""), _RE_CONF.search(out or "")
    if not m:
        return 0, 0.0
    return int(m[1]) % 360, float(c[1]) if c else 0.0
