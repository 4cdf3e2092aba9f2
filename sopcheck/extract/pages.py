"""Load an approval sheet's pages as prepared greyscale images (and text-layer words of a PDF).

Images: JPEG, PNG (RGBA flattened on white), TIFF (multi-page, CCITT bi-level), HEIC, WebP, with
EXIF orientation applied. PDFs: the text layer's words with boxes (pdfplumber) when there is one;
an image-only page's embedded scan is taken out as it is (pypdfium2), else the page is rendered at
250 dpi straight to a bitmap (no PNG round trip). Every page is then brought to a working resolution
near 200-300 dpi, turned upright (Tesseract OSD: 90/180/270; the sheet reader asks for it only when
a first OCR pass reads few upright words, see ``sheets.py``) and deskewed (within +-10 degrees).

Every prepared page records ``to_source``, the map from its pixels back to the frame it was made
from, so the colour of an area can be cut from the decoded frame when it is needed (``ColourPage``)
instead of turning and deskewing a full colour copy of every page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, ImageSequence

from ..limits import LimitExceeded, check_pixels, current
from .ocr import Word

A4_LONG_IN = 11.69
RENDER_DPI = 250
MIN_DPI, LOW_TARGET = 170, 200
MAX_DPI, HIGH_TARGET = 330, 300
MAX_SKEW = 10.0
OSD_MIN_CONF = 2.0
"""Tesseract's OSD confidence below which a 90/180/270 turn is not trusted."""

PDF_SUFFIXES = {".pdf"}


@dataclass(kw_only=True)
class Page:
    """One prepared page."""

    image: Image.Image
    """Mode L, upright, deskewed, at ``dpi``."""
    number: int
    """1-based."""
    dpi: float
    """Working resolution of ``image``."""
    source_dpi: float | None = None
    """Resolution of the page as found (estimated from an A4 page when unknown)."""
    words: list[Word] | None = None
    """Text-layer words in pixels of ``image`` (PDFs with a text layer), else None."""
    rotation: int = 0
    """Degrees the page was turned clockwise to be upright (0, 90, 180, 270)."""
    skew: float = 0.0
    """Degrees of deskew applied."""
    notes: list[str] = field(default_factory=list)
    ocr_words: list[Word] | None = None
    """Words Tesseract read from ``image`` (set by the sheet reader, which OCRs each page once to
    judge whether it is upright), else None."""
    to_source: tuple[float, ...] = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0)
    """3x3 matrix (row-major) mapping a point of ``image`` to the frame the page was prepared from."""

    @property
    def text_layer(self) -> bool:
        return self.words is not None


# ---------------------------------------------------------------- image modes


def to_gray(img: Image.Image) -> Image.Image:
    """Mode L; transparency flattened on white, 16-bit and bi-level images converted."""
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        bg = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(bg, rgba)
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        a = np.asarray(img, dtype=np.float64)
        hi = a.max() or 1.0
        return Image.fromarray((a * (255.0 / hi)).clip(0, 255).astype(np.uint8), "L")
    if img.mode == "F":
        a = np.asarray(img, dtype=np.float64)
        return Image.fromarray(a.clip(0, 255).astype(np.uint8), "L")
    if img.mode == "CMYK":
        img = img.convert("RGB")
    return img.convert("L") if img.mode != "L" else img


def _working(img: Image.Image, dpi: float) -> tuple[Image.Image, float]:
    """Resample to a working resolution near 200-300 dpi."""
    target = LOW_TARGET if dpi < MIN_DPI else HIGH_TARGET if dpi > MAX_DPI else None
    if target is None:
        return img, dpi
    f = target / dpi
    size = (max(1, round(img.width * f)), max(1, round(img.height * f)))
    return img.resize(size, Image.Resampling.LANCZOS if f < 1 else Image.Resampling.BICUBIC), target


def reading_dpi(dpi: float) -> float:
    """The resolution a page of ``dpi`` is read at: ``ocr.OCR_DPI`` (200) for a page over
    ``OCR_DPI * OCR_SLACK`` (240) dpi, its own below. Tesseract reads such a page at 200 dpi anyway
    (the same words as at 300 dpi, in about 25% less time), and the ink is judged there too (its
    sizes are in millimetres): every step after the deskew touches 2.25 times fewer pixels than at
    300 dpi."""
    from .ocr import OCR_DPI, OCR_SLACK

    return float(OCR_DPI) if dpi > OCR_DPI * OCR_SLACK else dpi


def _at_dpi(
    img: Image.Image, dpi: float, to_dpi: float, m: np.ndarray
) -> tuple[Image.Image, np.ndarray]:
    """``img`` scaled from ``dpi`` to ``to_dpi`` with a box filter, and the map back."""
    if to_dpi == dpi:
        return img, m
    f = to_dpi / dpi
    out = img.resize(
        (max(1, round(img.width * f)), max(1, round(img.height * f))), Image.Resampling.BOX
    )
    return out, m @ _scale_map(img.size, out.size)


def page_dpi(img: Image.Image) -> float:
    """Resolution estimated from the long side of an A4 page (a photo's EXIF dpi means nothing)."""
    return max(img.size) / A4_LONG_IN


# ---------------------------------------------------------------- rotation and skew


def otsu(a: np.ndarray) -> int:
    """Otsu threshold of a uint8 array."""
    hist = np.bincount(a.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    if total == 0:
        return 128
    w0 = np.cumsum(hist)
    m = np.cumsum(hist * np.arange(256))
    w1 = total - w0
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (m[-1] * w0 / total - m) ** 2 / (w0 * w1) * total
    between[~np.isfinite(between)] = 0
    return int(np.argmax(between))


def skew_angle(img: Image.Image, max_angle: float = MAX_SKEW) -> float:
    """Skew of the text lines in degrees (counter-clockwise positive, PIL's sense), by projection
    profile of the dark pixels of a downscaled, binarised copy; 0.0 when there is too little ink."""
    small = img.copy()
    small.thumbnail((900, 900))
    return _skew_of(np.asarray(small, dtype=np.uint8), max_angle)


def _skew_of(a: np.ndarray, max_angle: float) -> float:
    """``skew_angle`` of a downscaled page (uint8 array)."""
    t = otsu(a)
    ys, xs = np.nonzero(a < min(t, 200))
    if len(xs) < 200 or len(xs) > 0.5 * a.size:
        return 0.0
    if len(xs) > 60000:
        idx = np.random.default_rng(0).choice(len(xs), 60000, replace=False)
        xs, ys = xs[idx], ys[idx]
    xs = xs.astype(np.float64) - a.shape[1] / 2
    ys = ys.astype(np.float64) - a.shape[0] / 2
    n = int(np.hypot(*a.shape)) + 4

    def score(deg: float) -> float:
        r = np.deg2rad(deg)
        # row of each point after rotating the image by ``deg`` (counter-clockwise)
        yr = -xs * np.sin(r) + ys * np.cos(r)
        h = np.bincount((yr + n / 2).astype(np.int64), minlength=n)
        return float(np.sum(h.astype(np.float64) ** 2))

    coarse = np.arange(-max_angle, max_angle + 1e-9, 0.5)
    scores = [score(d) for d in coarse]
    best = float(coarse[int(np.argmax(scores))])
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.1)
    scores_f = [score(d) for d in fine]
    best = float(fine[int(np.argmax(scores_f))])
    # a flat profile (no text lines) gives no trustworthy angle
    if max(scores) < 1.05 * float(np.median(scores)):
        return 0.0
    return round(-best, 2)


def deskew(img: Image.Image, max_angle: float = MAX_SKEW) -> tuple[Image.Image, float]:
    """(image turned so its text lines are horizontal, angle applied in degrees)."""
    angle = skew_angle(img, max_angle)
    if abs(angle) < 0.2:
        return img, 0.0
    out = img.rotate(-angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    return out, -angle


def rotation_map(before: tuple[int, int], after: tuple[int, int], angle: float) -> np.ndarray:
    """3x3 map from the pixels of ``img.rotate(angle, expand=True)`` (size ``after``) back to those
    of ``img`` (size ``before``): PIL turns about the centre, counter-clockwise."""
    a = -math.radians(angle)
    c, s = math.cos(a), math.sin(a)
    ci, co = np.array(before, float) / 2, np.array(after, float) / 2
    r = np.array([[c, s], [-s, c]])
    m = np.eye(3)
    m[:2, :2] = r
    m[:2, 2] = ci - r @ co
    return m


def _scale_map(before: tuple[int, int], after: tuple[int, int]) -> np.ndarray:
    return np.diag([before[0] / after[0], before[1] / after[1], 1.0])


def _rotate(img: Image.Image, angle: float, m: np.ndarray, **kw) -> tuple[Image.Image, np.ndarray]:
    out = img.rotate(angle, expand=True, **kw)
    return out, m @ rotation_map(img.size, out.size, angle)


def turn(page: Page, degrees: int, conf: float) -> Page:
    """``page`` turned ``degrees`` clockwise (an OSD finding) and deskewed again."""
    m = np.asarray(page.to_source, float).reshape(3, 3)
    g, m = _rotate(page.image, -degrees, m)
    g, skew, m = _deskew_map(g, m, page.dpi)
    notes = [n for n in page.notes if not n.startswith("deskewed")]
    notes.append(f"turned {degrees} degrees (OSD confidence {conf:.1f})")
    if skew:
        notes.append(f"deskewed by {skew:.1f} degrees")
    return Page(image=g, number=page.number, dpi=page.dpi, source_dpi=page.source_dpi,
                rotation=degrees, skew=skew, notes=notes, to_source=tuple(m.ravel()))  # fmt: skip


BILINEAR_DPI = 270
"""From this working resolution up, a page is deskewed with bilinear interpolation."""


def _deskew_map(
    img: Image.Image, m: np.ndarray, dpi: float, to_dpi: float | None = None
) -> tuple[Image.Image, float, np.ndarray]:
    """(``img`` deskewed and at ``to_dpi`` (default: ``dpi``), the angle turned, the map back)."""
    to_dpi = to_dpi or dpi
    angle = skew_angle(img)
    if abs(angle) < 0.2:
        out, m = _at_dpi(img, dpi, to_dpi, m)
        return out, 0.0, m
    if to_dpi != dpi:
        # turned and scaled in one bilinear pass (30 ms for a 300 dpi page read at 200, against
        # 65 ms to turn it at 300 and 14 ms to scale it): the output samples the 300 dpi page at
        # steps of 1.5 px, so every stroke of 2 px or more keeps its full darkness at some sample
        out, m = _rotate_scaled(img, -angle, to_dpi / dpi, m)
        return out, -angle, m
    # bilinear is a third of the time of bicubic (65 against 170 ms on a 300 dpi page) and reads
    # the same words, but it softens a stroke's edge pixels: on a 200 dpi page a pen stroke is 2-4
    # px wide and that turned signatures over a stamp from signed to review (bench/accuracy.py
    # --seed 1), so bicubic there; at 300 dpi the same stroke is 3-6 px wide
    fine = dpi >= BILINEAR_DPI
    how = Image.Resampling.BILINEAR if fine else Image.Resampling.BICUBIC
    out, m = _rotate(img, -angle, m, resample=how, fillcolor=255)
    return out, -angle, m


def _rotate_scaled(
    img: Image.Image, angle: float, f: float, m: np.ndarray
) -> tuple[Image.Image, np.ndarray]:
    """``img.rotate(angle, expand=True)`` scaled by ``f``, as one bilinear affine transform (PIL's
    own rotation matrix, scaled), white outside the page; and the map back to ``img``."""
    w, h = img.size
    a = -math.radians(angle)
    mat = [round(math.cos(a), 15), round(math.sin(a), 15), 0.0,
           round(-math.sin(a), 15), round(math.cos(a), 15), 0.0]  # fmt: skip

    def tr(x: float, y: float) -> tuple[float, float]:
        return mat[0] * x + mat[1] * y + mat[2], mat[3] * x + mat[4] * y + mat[5]

    mat[2], mat[5] = tr(-w / 2, -h / 2)
    mat[2] += w / 2
    mat[5] += h / 2
    xs, ys = zip(*(tr(x, y) for x, y in ((0, 0), (w, 0), (w, h), (0, h))), strict=True)
    nw = math.ceil(max(xs)) - math.floor(min(xs))
    nh = math.ceil(max(ys)) - math.floor(min(ys))
    mat[2], mat[5] = tr(-(nw - w) / 2.0, -(nh - h) / 2.0)
    ow, oh = max(1, round(nw * f)), max(1, round(nh * f))
    kx, ky = nw / ow, nh / oh
    data = (mat[0] * kx, mat[1] * ky, mat[2], mat[3] * kx, mat[4] * ky, mat[5])
    out = img.transform(
        (ow, oh), Image.Transform.AFFINE, data, Image.Resampling.BILINEAR, fillcolor=255
    )
    return out, m @ rotation_map(img.size, (nw, nh), angle) @ _scale_map((nw, nh), (ow, oh))


def osd(img: Image.Image) -> tuple[int, float]:
    """(degrees to turn clockwise, confidence) from Tesseract's OSD on a copy of at most 2400 px."""
    from . import ocr

    small = img
    if max(img.size) > 2400:
        small = img.copy()
        small.thumbnail((2400, 2400))
    with ocr.page_file(small) as p:
        return ocr.detect_rotation(p)


def normalise_rotation(img: Image.Image) -> tuple[Image.Image, int, float]:
    """(upright image, degrees turned clockwise, OSD confidence) using Tesseract's OSD."""
    deg, conf = osd(img)
    if deg in (90, 180, 270) and conf >= OSD_MIN_CONF:
        return img.rotate(-deg, expand=True), deg, conf
    return img, 0, conf


def _straighten(g: Image.Image, dpi: float) -> tuple[Image.Image, float, np.ndarray, list[str]]:
    """A photographed page warped to a rectangle (``perspective.py``), at a working resolution;
    anything else as it is (identity map)."""
    from .perspective import straighten

    got = straighten(g, dpi_range=(MIN_DPI, MAX_DPI), targets=(LOW_TARGET, HIGH_TARGET))
    if got is None:
        return g, dpi, np.eye(3), []
    note = f"perspective corrected (page edges {got.quad.skew_deg:.1f} degrees off a rectangle)"
    return got.image, got.dpi, got.to_input, [note]


def prepare(
    img: Image.Image, number: int, source_dpi: float | None = None, *, osd: bool = True
) -> Page:
    """Grey, working resolution, upright (``osd``: Tesseract OSD is asked), deskewed."""
    g = to_gray(img)
    dpi0 = source_dpi or page_dpi(g)
    g, dpi, m0, notes = _straighten(g, dpi0)
    straightened = bool(notes)
    size0 = g.size
    g, work = _working(g, dpi)
    m = m0 @ _scale_map(size0, g.size)
    rot = 0
    if osd:
        before = g.size
        g, rot, conf = normalise_rotation(g)
        if rot:
            m = m @ rotation_map(before, g.size, -rot)
            notes.append(f"turned {rot} degrees (OSD confidence {conf:.1f})")
    skew = 0.0
    read = reading_dpi(work)
    if not straightened:  # a straightened page is square to its paper's edges: no deskew (on a
        g, skew, m = _deskew_map(g, m, work, read)  # sideways page, before OSD, it turns it off
    else:  # the axis)
        g, m = _at_dpi(g, work, read, m)
    work = read
    if skew:
        notes.append(f"deskewed by {skew:.1f} degrees")
    return Page(image=g, number=number, dpi=work, source_dpi=dpi0, rotation=rot, skew=skew,
                notes=notes, to_source=tuple(m.ravel()))  # fmt: skip


# ---------------------------------------------------------------- loaders


def _jpeg_is_grey(path: Path) -> bool:
    """A colour JPEG whose pixels are grey (a scanner's grey page saved as RGB), judged on a
    1/8-scale decode: such a page is then decoded straight to grey, a third of the memory."""
    with Image.open(path) as im:
        if im.format != "JPEG" or im.mode not in ("RGB", "YCbCr"):
            return False
        im.draft("RGB", (max(1, im.width // 8), max(1, im.height // 8)))
        a = np.asarray(im.convert("RGB"), dtype=np.int16)
    return bool(np.abs(a - a.mean(axis=2, keepdims=True)).max() < GREY_SPREAD)


GREY_SPREAD = 12
"""A page whose channels never differ by this much (0..255) anywhere has no colour."""


def _open_image_frames(path: Path) -> list[Image.Image]:
    if path.suffix.lower() in (".heic", ".heif", ".avif"):
        try:
            import pillow_heif

            pillow_heif.register_heif_opener()
        except ImportError:  # pragma: no cover
            pass
    limits = current()
    with Image.open(path) as im:
        n = getattr(im, "n_frames", 1)
        if n > limits.pages:
            raise LimitExceeded(
                f"{n:,} frames (pages), over the page limit of {limits.pages:,} (pages)"
            )
        if n == 1:  # one frame: decoded once, no copies
            check_pixels(*im.size, "frame 1", limits)
            if _jpeg_is_grey(path):
                im.draft("L", im.size)  # libjpeg gives grey directly: no colour decode
            im.load()
            return [ImageOps.exif_transpose(im, in_place=False) if _turned(im) else im]
        frames = []
        for i, fr in enumerate(ImageSequence.Iterator(im), 1):
            check_pixels(*fr.size, f"frame {i}", limits)  # Pillow checks the first frame only
            one = ImageOps.exif_transpose(fr) or fr
            one.load()
            frames.append(one.copy())
    return frames


def open_colour_jpeg(path: Path) -> tuple[Image.Image, Image.Image] | None:
    """A single-frame colour JPEG as (its luma at full size, mode L; its colour at half size, RGB),
    both turned by the EXIF orientation; None for any other file. libjpeg gives both directly
    (the luma without colour conversion, the half size by scaling its DCT): on a 300 dpi A4 scan
    12 against 38 ms for a full colour decode and its grey copy, and 17 against 38 MB."""
    try:
        with Image.open(path) as im:
            if im.format != "JPEG" or im.mode not in ("RGB", "YCbCr"):
                return None  # a grey JPEG has no colour; a CMYK one is decoded the usual way
            if getattr(im, "n_frames", 1) != 1:
                return None
    except OSError:
        return None
    if _jpeg_is_grey(path):
        return None
    limits = current()
    with Image.open(path) as im:
        check_pixels(*im.size, "frame 1", limits)
        full = im.size
        im.draft("L", full)
        im.load()
        grey = ImageOps.exif_transpose(im, in_place=False) if _turned(im) else im
    with Image.open(path) as im:
        im.draft("RGB", (max(1, full[0] // 2), max(1, full[1] // 2)))  # libjpeg: 1/2 (ceil)
        im.load()
        half = ImageOps.exif_transpose(im, in_place=False) if _turned(im) else im
    if half.size == grey.size:  # not scaled by the decoder (a tiny image): reduce it here
        half = half_colour(half)
    if half.mode != "RGB":
        half = half.convert("RGB")
    return grey, half


def _turned(im: Image.Image) -> bool:
    """The image's EXIF orientation asks for a turn or a flip."""
    return im.getexif().get(0x0112, 1) not in (1, None)


def _pdf_page_image(page, pw: float, ph: float) -> tuple[Image.Image, float] | None:
    """The page's single embedded scan, as it is, when it covers the page without rotation."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    imgs = list(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3))
    if len(imgs) != 1:
        return None
    obj = imgs[0]
    check_pixels(*obj.get_px_size(), "an image inside the PDF", current())
    left, bottom, right, top = obj.get_bounds()
    if (right - left) * (top - bottom) < 0.8 * pw * ph:
        return None
    m = obj.get_matrix()
    if abs(m.b) > 1e-6 or abs(m.c) > 1e-6 or m.a <= 0 or m.d <= 0:
        return None  # rotated/flipped placement: render instead
    try:
        bm = obj.get_bitmap(render=False)
        im = bm.to_pil()
    except (pdfium.PdfiumError, ValueError, OSError):
        return None
    dpi = im.width / ((right - left) / 72.0)
    return im, dpi


def _pdf_words(ppage, scale: float) -> list[Word]:
    words = ppage.extract_words(keep_blank_chars=False, use_text_flow=True)
    out: list[Word] = []
    # a line id from the rounded baseline
    lines: dict[int, int] = {}
    for w in words:
        key = round(float(w["bottom"]) / 3)
        lid = lines.setdefault(key, len(lines) + 1)
        out.append(
            Word(
                text=w["text"],
                conf=1.0,
                x=round(float(w["x0"]) * scale),
                y=round(float(w["top"]) * scale),
                w=max(1, round((float(w["x1"]) - float(w["x0"])) * scale)),
                h=max(1, round((float(w["bottom"]) - float(w["top"])) * scale)),
                block=1,
                par=1,
                line=lid,
            )
        )
    return out


def load_pdf(path: Path, *, osd: bool = True) -> list[Page]:
    import pdfplumber
    import pypdfium2 as pdfium

    pages: list[Page] = []
    limits = current()
    doc = pdfium.PdfDocument(str(path))
    try:
        if len(doc) > limits.pages:
            raise LimitExceeded(
                f"PDF of {len(doc):,} pages, over the page limit of {limits.pages:,} (pages)"
            )
        try:
            plumber = pdfplumber.open(str(path))
        except Exception:
            plumber = None
        try:
            for i in range(len(doc)):
                page = doc[i]
                pw, ph = page.get_size()
                scale = RENDER_DPI / 72.0  # a page is rendered at most at this scale: bounded
                check_pixels(round(pw * scale), round(ph * scale), f"page {i + 1} rendered", limits)
                words: list[Word] | None = None
                if plumber is not None:
                    try:
                        raw = plumber.pages[i]
                        if len(raw.extract_words()) >= 3:
                            words = _pdf_words(raw, RENDER_DPI / 72.0)
                    except Exception:
                        words = None
                if words is not None:
                    # text layer: render for the ink (no OSD/deskew: the words' boxes must match)
                    im = page.render(scale=RENDER_DPI / 72.0, grayscale=True, rotation=0).to_pil()
                    pg = Page(
                        image=to_gray(im),
                        number=i + 1,
                        dpi=RENDER_DPI,
                        source_dpi=RENDER_DPI,
                        words=words,
                    )
                    pg.notes.append("text layer")
                    pages.append(pg)
                    continue
                got = _pdf_page_image(page, pw, ph)
                rot = page.get_rotation()
                if got is not None and rot == 0:
                    im, dpi = got
                    pg = prepare(im, i + 1, dpi, osd=osd)
                    pg.notes.insert(0, "embedded scan")
                else:
                    im = page.render(scale=RENDER_DPI / 72.0, grayscale=True).to_pil()
                    pg = prepare(im, i + 1, RENDER_DPI, osd=osd)
                    pg.notes.insert(0, f"rendered at {RENDER_DPI} dpi")
                pages.append(pg)
        finally:
            if plumber is not None:
                plumber.close()
    finally:
        doc.close()
    return pages


def load_pages(path: Path, *, osd: bool = True) -> list[Page]:
    """The pages of an approval sheet file (image or PDF), prepared for reading."""
    path = Path(path)
    if path.suffix.lower() in PDF_SUFFIXES:
        return load_pdf(path, osd=osd)
    with open(path, "rb") as fh:
        if fh.read(5) == b"%PDF-":
            return load_pdf(path, osd=osd)
    return [prepare(fr, i + 1, osd=osd) for i, fr in enumerate(_open_image_frames(path))]


# ---------------------------------------------------------------- colour, on demand


class ColourPage:
    """A prepared page's colour, cut from the decoded frame only where it is asked for.

    It has the prepared page's ``size`` and answers ``crop`` and ``transform`` (what the sheet
    readers use) with one resampling of the frame through ``Page.to_source``: no turned and
    deskewed full-page colour copy is made. Anything else makes (and keeps) the full page.

    ``frame_size``: the size of the frame ``to_source`` maps to, when ``frame`` is a reduced copy
    of it (``half_colour``: the colour at half resolution, a quarter of the memory). A cut is then
    the reduced frame's colour (its chroma) under the prepared grey page's own pixels (its luma),
    so the detail of thin strokes is the grey page's: a JPEG stores its colour at half resolution
    anyway (4:2:0), so nothing of it is lost there."""

    mode = "RGB"

    def __init__(self, frame: Image.Image, page: Page, frame_size=None) -> None:
        self.frame = frame if frame.mode == "RGB" else frame.convert("RGB")
        self.frame_size = tuple(frame_size or frame.size)
        self.size = page.image.size
        self.width, self.height = self.size
        self.m = np.asarray(page.to_source, float).reshape(3, 3)
        self.reduced = self.frame_size != self.frame.size
        if self.reduced:  # page pixels -> full frame -> reduced frame
            fx = self.frame.width / self.frame_size[0]
            fy = self.frame.height / self.frame_size[1]
            self.m = np.diag([fx, fy, 1.0]) @ self.m
        self.luma = page.image if page.image.mode == "L" else page.image.convert("L")
        self._full: Image.Image | None = None

    def getbands(self) -> tuple[str, ...]:
        return ("R", "G", "B")

    def _warp(self, size, m: np.ndarray, resample) -> Image.Image:
        m = m / m[2, 2]
        if abs(m[2, 0]) < 1e-12 and abs(m[2, 1]) < 1e-12:
            kind, data = Image.Transform.AFFINE, tuple(m[:2].ravel())
        else:
            kind, data = Image.Transform.PERSPECTIVE, tuple(m.ravel()[:8])
        return self.frame.transform(
            tuple(size), kind, data, resample=resample, fillcolor=(255, 255, 255)
        )

    def _with_luma(self, rgb: Image.Image, luma: Image.Image) -> Image.Image:
        if not self.reduced:
            return rgb
        _, cb, cr = rgb.convert("YCbCr").split()
        return Image.merge("YCbCr", (luma, cb, cr)).convert("RGB")

    def crop(self, box) -> Image.Image:
        x0, y0, x1, y1 = (int(round(v)) for v in box)
        shift = np.array([[1.0, 0, x0], [0, 1.0, y0], [0, 0, 1.0]])
        rgb = self._warp((max(0, x1 - x0), max(0, y1 - y0)), self.m @ shift,
                         Image.Resampling.BICUBIC)  # fmt: skip
        if not self.reduced:
            return rgb
        w, h = self.luma.size
        cut = (max(0, x0), max(0, y0), min(w, max(x0, x1)), min(h, max(y0, y1)))
        luma = self.luma.crop((x0, y0, x1, y1))
        if cut != (x0, y0, x1, y1):  # beyond the page: white, as the colour's fill
            luma = Image.new("L", rgb.size, 255)
            if cut[2] > cut[0] and cut[3] > cut[1]:
                luma.paste(self.luma.crop(cut), (cut[0] - x0, cut[1] - y0))
        return self._with_luma(rgb, luma)

    def transform(self, size, method, data=None, resample=Image.Resampling.NEAREST, fillcolor=None):
        """``Image.transform`` of the page (AFFINE or PERSPECTIVE) done on the frame directly."""
        if method in (Image.Transform.AFFINE, Image.Transform.PERSPECTIVE) and data is not None:
            d = list(data) + ([0.0, 0.0] if method == Image.Transform.AFFINE else [])
            p = np.array([d[0:3], d[3:6], [*d[6:8], 1.0]], float)
            rgb = self._warp(size, self.m @ p, resample)
            if not self.reduced:
                return rgb
            luma = self.luma.transform(size, method, data, resample, fillcolor=255)
            return self._with_luma(rgb, luma)
        return self.full().transform(size, method, data, resample, fillcolor=fillcolor)

    def full(self) -> Image.Image:
        if self._full is None:
            self._full = self.crop((0, 0, *self.size))
        return self._full

    def __getattr__(self, name):  # the rest of PIL's Image API, on the full page
        if name.startswith("_") or name in ("frame", "m", "size", "frame_size", "luma", "reduced"):
            raise AttributeError(name)
        return getattr(self.full(), name)


def half_colour(frame: Image.Image) -> Image.Image:
    """``frame`` in RGB at half resolution (box filter), for ``ColourPage``."""
    rgb = frame if frame.mode == "RGB" else frame.convert("RGB")
    return rgb.reduce(2) if min(rgb.size) >= 2 else rgb
