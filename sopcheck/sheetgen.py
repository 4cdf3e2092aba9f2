"""Approval sheets with known truth, for the tests and ``bench/accuracy.py`` (issue 3).

Two kinds of sheet:

- ``free_form_sheet(seed)``: a sheet of another office's design that names the roles of the pack
  (layouts ``columns``, ``table``, ``list``), drawn with Pillow and a DejaVu TTF font;
- ``own_template_sheet(seed)``: sopcheck's own template (``sopcheck.template.render_template``),
  rasterised with pypdfium2, marked at the ``LAYOUT`` positions.

Each role is then "filled in" at random: a signature (Bezier scribbles, blue or black ink, varied
pen width), nothing, an official stamp alone, or a signature over a stamp; the Setuju / Tolak boxes
ticked (one, none or both; a check, an X or a scribble); a printed or handwritten date, or none.
Then the page is degraded like a scan or a phone photo (small rotation, 90/180 degrees, perspective,
blur, noise, uneven light, JPEG).

Every generator returns a ``Sheet`` (a named tuple: ``content`` = the file's bytes, ``truth``) and
is deterministic for its seed. ``truth``::

    {"kind": "free" | "own", "layout": str, "seed": int, "suffix": ".jpg" | ".png" | ".pdf",
     "body": "short" | "verification", "caption": str | None,   # free-form sheets only
     "degradation": {...}, "roles": {role_id: {"label": str, "signed": bool,
         "signature": "signature" | "empty" | "stamp" | "stamp+signature",
         "decision": "setuju" | "tolak" | None | "both", "date": datetime.date | None,
         "date_style": "printed" | "handwritten" | None, "date_text": str | None,
         "area": (x, y, w, h)}}}   # area: the signature area on the page before degradation

Only the standard library, numpy and Pillow (pypdfium2 for the own template).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import random
import tempfile
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
DPI = 200
A4_PX = (round(210 / 25.4 * DPI), round(297 / 25.4 * DPI))  # (1654, 2339)
BASE_DATE = dt.date(2024, 3, 12)
MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
LAYOUTS = ("columns", "table", "list")
SIGNATURE_KINDS = ("signature", "empty", "stamp", "stamp+signature")
INKS = ((25, 45, 150), (20, 20, 35), (35, 60, 120))
STAMP_INKS = ((100, 55, 160), (40, 70, 175), (120, 40, 120))
NAMES = (
    "Drs. Ahmad Yani, M.Si", "Siti Rahmawati, S.Sos", "Budi Santoso, S.Kom",
    "Hj. Nurhayati, S.E.", "Yohanes Ringkai, S.H.", "Dedy Kurniawan, S.IP",
    "Ir. Marselinus Tigor", "Rina Oktaviani, S.Pd", "Agus Salim, M.AP",
)  # fmt: skip


class Sheet(NamedTuple):
    content: bytes
    """The file's bytes (JPEG, PNG or an image-only PDF, see ``truth["suffix"]``)."""
    truth: dict[str, Any]

    @property
    def suffix(self) -> str:
        return self.truth["suffix"]

    def image(self) -> Image.Image:
        """The first page as a PIL image (PDFs: the embedded image)."""
        if self.suffix == ".pdf":
            return _pdf_first_image(self.content)
        return Image.open(io.BytesIO(self.content))

    def write(self, path: Path) -> Path:
        path = Path(path)
        if path.suffix.lower() != self.suffix:
            path = path.with_suffix(self.suffix)
        path.write_bytes(self.content)
        return path


# --------------------------------------------------------------------------- fonts and text


def font_path(name: str = "DejaVuSans.ttf") -> Path:
    p = FONT_DIR / name
    if not p.exists():
        raise FileNotFoundError(f"{p} missing: install the Debian package fonts-dejavu-core")
    return p


_FONTS: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}


def font(size: int, style: str = "") -> ImageFont.FreeTypeFont:
    """DejaVu Sans; style '', 'Bold', 'Oblique', 'Serif', 'SerifItalic'."""
    name = {
        "": "DejaVuSans.ttf",
        "Bold": "DejaVuSans-Bold.ttf",
        "Oblique": "DejaVuSans-Oblique.ttf",
        "Serif": "DejaVuSerif.ttf",
        "SerifItalic": "DejaVuSerif-Italic.ttf",
        "SerifBold": "DejaVuSerif-Bold.ttf",
    }[style]
    key = (name, size)
    if key not in _FONTS:
        _FONTS[key] = ImageFont.truetype(str(font_path(name)), size)
    return _FONTS[key]


def text_width(s: str, f: ImageFont.FreeTypeFont) -> int:
    return int(math.ceil(f.getlength(s)))


def wrap(s: str, f: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    cur = ""
    for word in s.split():
        cand = f"{cur} {word}".strip()
        if cur and text_width(cand, f) > width:
            lines.append(cur)
            cur = word
        else:
            cur = cand
    if cur:
        lines.append(cur)
    return lines


def format_date(d: dt.date, style: str) -> str:
    if style == "long":
        return f"{d.day} {MONTHS_ID[d.month - 1]} {d.year}"
    if style == "dash":
        return f"{d.day:02d}-{d.month:02d}-{d.year}"
    if style == "slash":
        return f"{d.day}/{d.month}/{d.year}"
    raise ValueError(style)


def nip(rng: random.Random) -> str:
    born = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 25))
    start = born.year + rng.randint(23, 30)
    return (
        f"19{born.strftime('%y%m%d')} {start}{rng.randint(1, 12):02d} "
        f"{rng.randint(1, 2)} {rng.randint(1, 12):03d}"
    )


# --------------------------------------------------------------------------- marks


def _catmull_rom(points: np.ndarray, per_seg: int = 24) -> np.ndarray:
    p = np.vstack([points[0], points, points[-1]])
    out = []
    t = np.linspace(0, 1, per_seg, endpoint=False)[:, None]
    for i in range(1, len(p) - 2):
        p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
        out.append(
            0.5
            * (
                2 * p1
                + (-p0 + p2) * t
                + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2
                + (-p0 + 3 * p1 - 3 * p2 + p3) * t**3
            )
        )
    out.append(p[-2][None, :])
    return np.vstack(out)


def _polyline(draw: ImageDraw.ImageDraw, pts: np.ndarray, color, width: float, rng) -> None:
    """A pen stroke with a little pressure variation."""
    n = len(pts)
    w = width
    step = 6
    for i in range(0, n - 1, step):
        seg = [tuple(map(float, q)) for q in pts[i : min(n, i + step + 1)]]
        w = max(1.5, min(width * 1.6, w + rng.uniform(-0.5, 0.5)))
        if len(seg) >= 2:
            draw.line(seg, fill=color, width=round(w), joint="curve")


def draw_signature(
    layer: Image.Image,
    box: tuple[int, int, int, int],
    rng: random.Random,
    color=None,
    width: float | None = None,
) -> None:
    """Signature-like scribble inside box (x0, y0, x1, y1) on an RGB layer (white = no ink)."""
    x0, y0, x1, y1 = box
    color = color or rng.choice(INKS)
    width = width or rng.uniform(2.0, 5.0)
    d = ImageDraw.Draw(layer)
    bw, bh = x1 - x0, y1 - y0
    # main stroke: points moving right with loops and vertical swings
    n = rng.randint(7, 14)
    xs = np.linspace(x0 + 0.05 * bw, x0 + rng.uniform(0.7, 0.95) * bw, n)
    pts = []
    for i, x in enumerate(xs):
        y = y0 + bh * (0.5 + rng.uniform(-0.38, 0.38))
        pts.append((x + rng.uniform(-0.06, 0.04) * bw, y))
        if rng.random() < 0.35 and i < n - 1:  # a loop
            r = rng.uniform(0.08, 0.2) * bh
            pts.append((x - r, y - 2 * r))
            pts.append((x + r * 0.3, y - r * 2.5))
    _polyline(d, _catmull_rom(np.array(pts)), color, width, rng)
    # an initial: a big tall loop at the start
    if rng.random() < 0.7:
        cx = x0 + rng.uniform(0.05, 0.3) * bw
        cy = y0 + bh * rng.uniform(0.35, 0.6)
        r = bh * rng.uniform(0.2, 0.4)
        ang = np.linspace(0, 2 * math.pi * rng.uniform(1.1, 1.8), 40)
        loop = np.stack([cx + r * 0.6 * np.sin(ang), cy - r * np.cos(ang) * 1.1], 1)
        _polyline(d, loop, color, width, rng)
    # a flourish / underline
    if rng.random() < 0.6:
        ys = y0 + bh * rng.uniform(0.75, 0.92)
        pts = np.array(
            [
                (x0 + 0.1 * bw, ys + rng.uniform(-8, 8)),
                (x0 + 0.5 * bw, ys + rng.uniform(-12, 12)),
                (x1 - 0.05 * bw, ys - bh * rng.uniform(0.05, 0.3)),
            ]
        )
        _polyline(d, _catmull_rom(pts), color, width * rng.uniform(0.7, 1.0), rng)


def draw_tick(
    layer: Image.Image,
    box: tuple[int, int, int, int],
    rng: random.Random,
    style: str | None = None,
    color=None,
) -> str:
    """Tick a check box (x0, y0, x1, y1): a check, an X or a scribbled fill."""
    style = style or rng.choice(("check", "check", "x", "fill"))
    color = color or rng.choice(INKS)
    w = round(rng.uniform(3, 6))
    x0, y0, x1, y1 = box
    s = x1 - x0
    d = ImageDraw.Draw(layer)
    j = lambda: rng.uniform(-0.08, 0.08) * s  # noqa: E731
    if style == "check":
        pts = [
            (x0 + 0.1 * s + j(), y0 + 0.5 * s + j()),
            (x0 + 0.42 * s + j(), y0 + 0.88 * s + j()),
            (x0 + 1.15 * s + j(), y0 - 0.2 * s + j()),
        ]
        d.line(pts, fill=color, width=w, joint="curve")
    elif style == "x":
        d.line(
            [(x0 + 0.1 * s + j(), y0 + 0.1 * s + j()), (x1 - 0.1 * s + j(), y1 - 0.1 * s + j())],
            fill=color,
            width=w,
        )
        d.line(
            [(x1 - 0.1 * s + j(), y0 + 0.1 * s + j()), (x0 + 0.1 * s + j(), y1 - 0.1 * s + j())],
            fill=color,
            width=w,
        )
    else:
        pts = []
        for k in range(7):
            yy = y0 + (0.15 + 0.7 * k / 6) * s
            pts += [(x0 + 0.15 * s + j(), yy), (x1 - 0.15 * s + j(), yy + 0.05 * s)]
        d.line(pts, fill=color, width=w, joint="curve")
    return style


def draw_stamp(
    layer: Image.Image,
    center: tuple[float, float],
    radius: float,
    rng: random.Random,
    text: str = "PEMERINTAH KABUPATEN LAMANDAU",
    inner: str = "PPID",
) -> None:
    """A round official stamp (cap): two rings, text around the circle, a word in the middle."""
    color = rng.choice(STAMP_INKS)
    size = int(radius * 2 + 8)
    st = Image.new("L", (size, size), 0)  # 255 = ink
    d = ImageDraw.Draw(st)
    c = size / 2
    rw = max(3, round(radius * 0.04))
    d.ellipse([c - radius, c - radius, c + radius, c + radius], outline=255, width=rw)
    ri = radius * 0.68
    d.ellipse([c - ri, c - ri, c + ri, c + ri], outline=255, width=max(2, rw - 1))
    fs = max(10, round(radius * 0.17))
    f = font(fs, "Bold")
    rt = (radius + ri) / 2
    n = len(text)
    span = 1.6 * math.pi
    for i, ch in enumerate(text):
        a = -math.pi / 2 - span / 2 + span * i / max(1, n - 1)
        g = Image.new("L", (fs * 2, fs * 2), 0)
        ImageDraw.Draw(g).text((fs, fs), ch, font=f, fill=255, anchor="mm")
        g = g.rotate(-math.degrees(a) - 90, resample=Image.BILINEAR)
        px, py = c + rt * math.cos(a) - fs, c + rt * math.sin(a) - fs
        st.paste(255, (round(px), round(py)), g)
    fi = font(max(10, round(radius * 0.28)), "Bold")
    d.text((c, c), inner, font=fi, fill=255, anchor="mm")
    d.text(
        (c, c + radius * 0.3), "★", font=font(max(10, round(radius * 0.2))), fill=255, anchor="mm"
    )
    # uneven stamp ink: a low-frequency random field
    nrng = np.random.default_rng(rng.randrange(2**32))
    field = nrng.random((8, 8))
    field = (
        np.asarray(
            Image.fromarray((field * 255).astype(np.uint8)).resize((size, size), Image.BICUBIC),
            dtype=np.float32,
        )
        / 255
    )
    a = np.asarray(st, dtype=np.float32) / 255 * np.clip(0.45 + 0.8 * field, 0.3, 1.0)
    a *= nrng.random(a.shape) > 0.12  # speckled
    st = Image.fromarray((a * 255).astype(np.uint8)).rotate(rng.uniform(-30, 30))
    ink = Image.new("RGB", (size, size), color)
    x, y = round(center[0] - size / 2), round(center[1] - size / 2)
    layer.paste(ink, (x, y), st)


def draw_handwritten(
    layer: Image.Image,
    xy: tuple[float, float],
    text: str,
    rng: random.Random,
    size: int = 36,
    color=None,
) -> tuple[int, int]:
    """Handwriting-like text: a slanted font, each character jittered. Returns the end point."""
    color = color or rng.choice(INKS)
    x, y = xy
    for ch in text:
        f = font(max(12, size + rng.randint(-4, 4)), rng.choice(("Oblique", "SerifItalic")))
        g = Image.new("L", (size * 2, size * 2), 0)
        ImageDraw.Draw(g).text((size // 2, size // 2), ch, font=f, fill=255)
        g = g.rotate(rng.uniform(-10, 10), resample=Image.BILINEAR)
        ink = Image.new("RGB", g.size, color)
        layer.paste(ink, (round(x - size // 2), round(y - size // 2 + rng.uniform(-3, 3))), g)
        x += f.getlength(ch) * rng.uniform(0.95, 1.15) + 1
    return round(x), round(y)


def draw_checkbox(d: ImageDraw.ImageDraw, x: int, y: int, s: int, width: int = 3) -> tuple:
    d.rectangle([x, y, x + s, y + s], outline=(0, 0, 0), width=width)
    return (x, y, x + s, y + s)


# --------------------------------------------------------------------------- role fill-in


def random_role_truth(rng: random.Random, base: dt.date = BASE_DATE) -> dict[str, Any]:
    sig = rng.choices(SIGNATURE_KINDS, weights=(45, 25, 10, 20))[0]
    decision = rng.choices(("setuju", "tolak", None, "both"), weights=(55, 15, 15, 15))[0]
    date = None if rng.random() < 0.15 else base + dt.timedelta(days=rng.choice((0, 1, 1, 2)))
    style = None if date is None else ("handwritten" if rng.random() < 0.3 else "printed")
    return {
        "signed": sig in ("signature", "stamp+signature"),
        "signature": sig,
        "decision": decision,
        "date": date,
        "date_style": style,
        "date_text": None,
    }


def fill_signature(
    layer: Image.Image, area: tuple[int, int, int, int], t: dict, rng: random.Random
) -> None:
    """Draw what t["signature"] says into the signature area (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = area
    w, h = x1 - x0, y1 - y0
    kind = t["signature"]
    if "stamp" in kind:
        r = min(h * rng.uniform(0.5, 0.62), w * 0.3)
        cx = max(x0 + r + 6, x0 + w * rng.uniform(0.2, 0.35))  # the stamp stays in its column
        draw_stamp(layer, (cx, y0 + h * rng.uniform(0.45, 0.6)), r, rng)
    if kind in ("signature", "stamp+signature"):
        sw = w * rng.uniform(0.45, 0.75)
        sx = x0 + rng.uniform(0.1, 0.9) * (w - sw)
        over_name = rng.random() < 0.25  # the signature runs over the printed name below
        sy0 = y0 + h * rng.uniform(0.05, 0.25)
        sy1 = y1 + (h * 0.18 if over_name else -h * rng.uniform(0.05, 0.15))
        draw_signature(layer, (round(sx), round(sy0), round(sx + sw), round(sy1)), rng)
        t["over_name"] = over_name


def fill_decision(layer: Image.Image, boxes: dict[str, tuple], t: dict, rng: random.Random) -> None:
    which = {"setuju": ["setuju"], "tolak": ["tolak"], None: [], "both": ["setuju", "tolak"]}
    color = rng.choice(INKS)
    for k in which[t["decision"]]:
        t.setdefault("tick_style", draw_tick(layer, boxes[k], rng, color=color))


def date_text_for(t: dict, rng: random.Random) -> str | None:
    if t["date"] is None:
        return None
    style = rng.choice(("long", "long", "dash", "slash"))
    t["date_text"] = format_date(t["date"], style)
    return t["date_text"]


# --------------------------------------------------------------------------- free-form sheets


def _header(page: Image.Image, rng: random.Random, office: str) -> int:
    if "LAMANDAU" in office.upper():
        office = "Dinas Komunikasi dan Informatika"
    d = ImageDraw.Draw(page)
    W = page.width
    y = 110
    for s, f in (
        ("PEMERINTAH KABUPATEN LAMANDAU", font(40, "Bold")),
        (office.upper(), font(34, "Bold")),
        ("Jl. Jenderal Sudirman No. 1, Nanga Bulik", font(24)),
    ):
        d.text((W / 2, y), s, font=f, fill=(0, 0, 0), anchor="mt")
        y += f.size + 14
    d.line([(120, y + 6), (W - 120, y + 6)], fill=(0, 0, 0), width=5)
    y += 60
    title = rng.choice(
        ("LEMBAR PERSETUJUAN", "LEMBAR VERIFIKASI DAN PERSETUJUAN", "PERSETUJUAN PUBLIKASI KONTEN")
    )
    d.text((W / 2, y), title, font=font(36, "Bold"), fill=(0, 0, 0), anchor="mt")
    y += 80
    body = font(28)
    para = (
        "Dengan ini menyatakan bahwa konten media sosial kegiatan Musrenbang Kecamatan Bulik "
        "telah diperiksa kelengkapan foto, narasi berita dan caption sesuai SOP Alur Upload "
        "Konten Media Sosial."
    )
    for line in wrap(para, body, W - 260):
        d.text((130, y), line, font=body, fill=(0, 0, 0))
        y += 40
    return y + 50


BODIES = ("short", "verification")
"""``short``: one paragraph above the role blocks. ``verification``: a whole "Lembar Verifikasi dan
Persetujuan" as an office would print it: a letter number, the activity's data, a table of what was
checked (photos, narrative, caption) with the caption quoted, then the role blocks: about twice the
printed text of ``short`` on the page."""

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
DAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
ACTIVITIES = (
    ("Musrenbang Kecamatan Bulik", "Aula Kantor Camat Bulik, Nanga Bulik"),
    ("Sosialisasi Pencegahan Stunting", "Balai Desa Bukit Raya, Kecamatan Menthobi Raya"),
    ("Rapat Koordinasi Penanggulangan Karhutla", "Ruang Rapat Bupati Lamandau"),
    ("Pelatihan UMKM Desa", "Gedung Serbaguna Kecamatan Delang"),
)  # fmt: skip


def _verification_body(
    page: Image.Image, y: int, rng: random.Random, day: dt.date
) -> tuple[int, str]:
    """The data and the checks of a "Lembar Verifikasi dan Persetujuan", from ``y``: (the new y,
    the caption printed)."""
    d = ImageDraw.Draw(page)
    W = page.width
    f, fb = font(25), font(25, "Bold")
    x0, lh = 130, 36
    what, where = rng.choice(ACTIVITIES)
    n_photos = rng.randint(4, 12)
    caption = (
        f"{what}, {day.day}/{day.month}/{day.year}. Pemerintah Kabupaten Lamandau bersama "
        f"warga membahas program prioritas tahun {day.year + 1}. #Lamandau #InfoPublik"
    )
    rows = (
        ("Nomor", f"480/{rng.randint(10, 399):03d}/PPID-DISKOMINFO/{ROMAN[day.month - 1]}/{day.year}"),
        ("Nama Kegiatan", what),
        ("Hari/Tanggal", f"{DAYS_ID[day.weekday()]}, {format_date(day, 'long')}"),
        ("Tempat", where),
        ("Pelaksana", "Tim Pelaksana Dinas Komunikasi dan Informatika"),
        ("Diterima", f"{format_date(day, 'long')} pukul {rng.randint(13, 16)}.{rng.choice(('00', '15', '30', '45'))} WIB"),
    )  # fmt: skip
    col = x0 + max(text_width(k, f) for k, _ in rows) + 30
    for k, v in rows:
        d.text((x0, y), k, font=f, fill=(0, 0, 0))
        d.text((col, y), ": " + v, font=f, fill=(0, 0, 0))
        y += lh
    y += 14
    d.text((x0, y), "Hasil verifikasi:", font=fb, fill=(0, 0, 0))
    y += lh + 6
    table = (
        ("No", "Komponen", "Ketentuan", "Hasil", "Keterangan"),
        ("1", "Foto kegiatan", "minimal 4 foto", f"{n_photos} foto", "Sesuai"),
        ("2", "Narasi berita", "1 naskah", "1 naskah", "Sesuai"),
        ("3", "Caption", "maks. 200 karakter", f"{len(caption)} karakter", "Sesuai"),
    )
    widths = (70, 330, 330, 240, 0)
    right = W - x0
    xs = [x0]
    for w in widths[:-1]:
        xs.append(xs[-1] + w)
    top, rh = y, 46
    for r, cells in enumerate(table):
        for cx, text in zip(xs, cells, strict=True):
            d.text((cx + 10, y + 9), text, font=fb if r == 0 else f, fill=(0, 0, 0))
        y += rh
    for r in range(len(table) + 1):
        d.line([(x0, top + r * rh), (right, top + r * rh)], fill=(0, 0, 0), width=2)
    for cx in (*xs, right):
        d.line([(cx, top), (cx, y)], fill=(0, 0, 0), width=2)
    y += 16
    lines = wrap(f'Caption: "{caption}"', f, W - 2 * x0)
    for line in lines:
        d.text((x0, y), line, font=f, fill=(0, 0, 0))
        y += lh
    return y + 40, caption


def _role_labels(pack) -> list[tuple[str, str]]:
    return [(r.id, r.name.get("id") or r.aliases[0]) for r in pack.roles]


def _block(
    page: Image.Image,
    layer: Image.Image,
    x: int,
    y: int,
    w: int,
    label: str,
    t: dict,
    rng: random.Random,
    *,
    align: str = "center",
    sig_h: int = 250,
    fs: int = 28,
    prefix: str = "",
    name_gap: int = 0,
    label_lines: int = 1,
) -> int:
    """One role block: label, boxes, date, signature area, name, NIP. Returns the bottom y."""
    d = ImageDraw.Draw(page)
    fb, fr = font(fs, "Bold"), font(fs)
    cx = x + w / 2
    lab = prefix + label
    lines = wrap(lab, fb, w - 10)
    lines += [""] * (label_lines - len(lines))
    label_top = y
    for ln in lines:
        if align == "center":
            d.text((cx, y), ln, font=fb, fill=(0, 0, 0), anchor="mt")
        else:
            d.text((x, y), ln, font=fb, fill=(0, 0, 0))
        y += fs + 12
    t["label_box"] = (x, label_top, w, y - label_top)
    y += 10
    # decision boxes
    s = round(fs * 1.1)
    pre = "Keputusan: " if align != "center" and rng.random() < 0.6 else ""
    widths = text_width(pre, fr) + 2 * s + text_width("Setuju", fr) + text_width("Tolak", fr) + 60
    bx = x if align != "center" else round(cx - widths / 2)
    if pre:
        d.text((bx, y), pre, font=fr, fill=(0, 0, 0))
        bx += text_width(pre, fr)
    boxes = {}
    box_first = rng.random() < 0.5
    for word in ("Setuju", "Tolak"):
        if box_first:
            boxes[word.lower()] = draw_checkbox(d, bx, y, s)
            d.text((bx + s + 10, y), word, font=fr, fill=(0, 0, 0))
            bx += s + 10 + text_width(word, fr) + 30
        else:
            d.text((bx, y), word, font=fr, fill=(0, 0, 0))
            bx += text_width(word, fr) + 10
            boxes[word.lower()] = draw_checkbox(d, bx, y, s)
            bx += s + 30
    t["boxes"] = boxes
    fill_decision(layer, boxes, t, rng)
    y += s + 22
    # date line
    lead = "Tanggal: "
    tx = x if align != "center" else round(cx - (text_width(lead, fr) + 260) / 2)
    d.text((tx, y), lead, font=fr, fill=(0, 0, 0))
    dx = tx + text_width(lead, fr)
    dtext = date_text_for(t, rng)
    if dtext is None or t["date_style"] == "handwritten":
        d.text((dx, y), "." * 22, font=fr, fill=(0, 0, 0))
    if dtext is not None:
        if t["date_style"] == "printed":
            d.text((dx, y), dtext, font=fr, fill=(0, 0, 0))
        else:
            draw_handwritten(layer, (dx + 6, y - 8), dtext, rng, size=fs + 6)
    y += fs + 24
    # signature area
    area = (x + 10, y, x + w - 10, y + sig_h)
    t["area"] = (area[0], area[1], area[2] - area[0], area[3] - area[1])
    fill_signature(layer, area, t, rng)
    y += sig_h + name_gap
    name = rng.choice(NAMES)
    t["name"] = name
    if align == "center":
        d.text((cx, y), name, font=fb, fill=(0, 0, 0), anchor="mt")
        nw = text_width(name, fb)
        d.line([(cx - nw / 2, y + fs + 4), (cx + nw / 2, y + fs + 4)], fill=(0, 0, 0), width=2)
    else:
        d.text((x, y), name, font=fb, fill=(0, 0, 0))
    y += fs + 14
    n = "NIP. " + nip(rng)
    if align == "center":
        d.text((cx, y), n, font=fr, fill=(0, 0, 0), anchor="mt")
    else:
        d.text((x, y), n, font=fr, fill=(0, 0, 0))
    return y + fs + 10


def _layout_columns(page, layer, y, roles, truths, rng) -> None:
    W = page.width
    m = 90
    if rng.random() < 0.5:  # three columns in a row
        cw = (W - 2 * m) // 3
        for i, (rid, label) in enumerate(roles):
            _block(page, layer, m + i * cw, y, cw, label, truths[rid], rng, fs=24, sig_h=260)
    else:  # two in a row, "Mengetahui," and the third centred below
        cw = (W - 2 * m) // 2
        bottom = y
        for i, (rid, label) in enumerate(roles[:2]):
            bottom = max(
                bottom,
                _block(
                    page,
                    layer,
                    m + i * cw + 20,
                    y,
                    cw - 40,
                    label,
                    truths[rid],
                    rng,
                    fs=28,
                    sig_h=240,
                ),
            )
        y = bottom + 70
        for rid, label in roles[2:]:
            ImageDraw.Draw(page).text(
                (W / 2, y), "Mengetahui,", font=font(28), fill=(0, 0, 0), anchor="mt"
            )
            y = (
                _block(
                    page,
                    layer,
                    W // 2 - cw // 2,
                    y + 45,
                    cw,
                    label,
                    truths[rid],
                    rng,
                    fs=28,
                    sig_h=240,
                )
                + 60
            )


def _layout_table(page, layer, y, roles, truths, rng) -> None:
    W = page.width
    m = 100
    cw = (W - 2 * m) // len(roles)
    nl = max(len(wrap(label, font(24, "Bold"), cw - 34)) for _, label in roles)
    bottoms = [
        _block(
            page,
            layer,
            m + i * cw + 12,
            y + 18,
            cw - 24,
            label,
            truths[rid],
            rng,
            fs=24,
            sig_h=250,
            label_lines=nl,
        )
        for i, (rid, label) in enumerate(roles)
    ]
    bottom = max(bottoms) + 14
    d = ImageDraw.Draw(page)
    d.rectangle([m, y, m + cw * len(roles), bottom], outline=(0, 0, 0), width=3)
    for i in range(1, len(roles)):
        d.line([(m + i * cw, y), (m + i * cw, bottom)], fill=(0, 0, 0), width=3)
    # horizontal rules above and below the signature areas
    tops = [truths[rid]["area"][1] for rid, _ in roles]
    bots = [truths[rid]["area"][1] + truths[rid]["area"][3] for rid, _ in roles]
    d.line([(m, min(tops) - 6), (m + cw * len(roles), min(tops) - 6)], fill=(0, 0, 0), width=2)
    d.line([(m, max(bots) + 4), (m + cw * len(roles), max(bots) + 4)], fill=(0, 0, 0), width=2)


def _layout_list(page, layer, y, roles, truths, rng) -> None:
    W = page.width
    x = 150
    for i, (rid, label) in enumerate(roles, 1):
        y = (
            _block(
                page,
                layer,
                x,
                y,
                W - 2 * x - 300,
                label,
                truths[rid],
                rng,
                align="left",
                fs=28,
                sig_h=210,
                prefix=f"{i}. ",
            )
            + 50
        )


def free_form_page(
    seed: int,
    pack=None,
    layout: str | None = None,
    roles_truth: dict | None = None,
    body: str = "short",
) -> tuple[Image.Image, dict[str, Any]]:
    """The undegraded free-form sheet (RGB, A4 at 200 dpi) and its truth."""
    page, layer, truth = _free_form(seed, pack, layout, roles_truth, body)
    return ImageChops.multiply(page, layer), truth


def _free_form(
    seed: int,
    pack=None,
    layout: str | None = None,
    roles_truth: dict | None = None,
    body: str = "short",
):
    """(printed page, layer of what was written/stamped on it, truth). ``body``: see ``BODIES``;
    the ``verification`` body leaves no room for the ``list`` layout's stacked blocks."""
    if body not in BODIES:
        raise ValueError(f"unknown body {body!r} ({', '.join(BODIES)})")
    if body == "verification" and layout == "list":
        raise ValueError("the list layout does not fit under the verification body on one page")
    pack = pack or _default_pack()
    rng = random.Random(seed)
    layout = layout or rng.choice(LAYOUTS if body == "short" else ("columns", "table"))
    page = Image.new("RGB", A4_PX, "white")
    layer = Image.new("RGB", A4_PX, "white")  # handwriting, ticks, stamps (multiplied on top)
    roles = _role_labels(pack)
    truths = {
        rid: dict(roles_truth[rid])
        if roles_truth and rid in roles_truth
        else random_role_truth(rng)
        for rid, _ in roles
    }
    for rid, label in roles:
        truths[rid]["label"] = label
    y = _header(page, rng, pack.office)
    caption = None
    if body == "verification":  # its own generator: the role truths stay those of ``seed``
        y, caption = _verification_body(page, y, random.Random(seed * 104729 + 3), BASE_DATE)
    {"columns": _layout_columns, "table": _layout_table, "list": _layout_list}[layout](
        page, layer, y, roles, truths, rng
    )
    truth = {"kind": "free", "layout": layout, "seed": seed, "body": body, "caption": caption,
             "roles": truths}  # fmt: skip
    return page, layer, truth


# --------------------------------------------------------------------------- degradation


def _perspective_coeffs(dst: list[tuple[float, float]], src: list[tuple[float, float]]):
    """Coefficients for Image.transform(PERSPECTIVE): output point dst[i] samples src[i]."""
    a = []
    b = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        b += [u, v]
    return np.linalg.solve(np.array(a, float), np.array(b, float)).tolist()


def degrade(
    img: Image.Image, rng: random.Random, profile: str = "scan", turn: int = 0
) -> tuple[Image.Image, dict[str, Any]]:
    """Make a clean page look scanned ('scan'), photographed ('photo') or leave it ('clean').

    turn: 0, 90, 180 or 270 degrees counter-clockwise, applied first.
    """
    info: dict[str, Any] = {"profile": profile, "turn": turn}
    nrng = np.random.default_rng(rng.randrange(2**32))
    if turn:
        img = img.rotate(turn, expand=True)
    if profile == "clean":
        return img, info
    if profile == "scan":
        angle = rng.uniform(-3, 3)
        img = img.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=(255, 255, 255))
        info["angle"] = round(angle, 2)
        blur = rng.uniform(0, 1.0)
        sigma = rng.uniform(2, 7)
        light = 0.0
    elif profile == "photo":
        W, H = img.size
        bgc = tuple(rng.randint(50, 120) for _ in range(3))
        pad = 0.06
        cw, ch = round(W * (1 + 2 * pad)), round(H * (1 + 2 * pad))
        j = lambda s: rng.uniform(-0.035, 0.035) * s  # noqa: E731
        dst = [
            (pad * W + j(W), pad * H + j(H)),
            ((1 + pad) * W + j(W), pad * H + j(H)),
            ((1 + pad) * W + j(W), (1 + pad) * H + j(H)),
            (pad * W + j(W), (1 + pad) * H + j(H)),
        ]
        src = [(0, 0), (W, 0), (W, H), (0, H)]
        coeffs = _perspective_coeffs(dst, src)
        page = img.convert("RGBA").transform(
            (cw, ch), Image.PERSPECTIVE, coeffs, resample=Image.BICUBIC
        )
        canvas = Image.new("RGBA", (cw, ch), bgc + (255,))
        canvas.alpha_composite(page)
        img = canvas.convert("RGB")
        angle = rng.uniform(-3, 3)
        img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=bgc)
        scale = rng.uniform(0.75, 1.0)
        img = img.resize((round(cw * scale), round(ch * scale)), Image.LANCZOS)
        info.update(
            angle=round(angle, 2),
            scale=round(scale, 3),
            corners=[tuple(round(c * scale) for c in p) for p in dst],
        )
        blur = rng.uniform(0.3, 1.3)
        sigma = rng.uniform(4, 10)
        light = rng.uniform(0.25, 0.45)
    else:
        raise ValueError(profile)
    if blur > 0.15:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    a = np.asarray(img, dtype=np.float32)
    if light:
        h, w = a.shape[:2]
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        gx, gy = rng.uniform(-1, 1), rng.uniform(-1, 1)
        lin = gx * (xx / w - 0.5) + gy * (yy / h - 0.5)
        cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
        rad = np.hypot(xx - cx, yy - cy) / math.hypot(w, h)
        field = 1 - light * (0.5 * (lin + 0.5) + rad)
        a *= np.clip(field, 0.35, 1.05)[..., None]
        a *= np.array([1.0, rng.uniform(0.95, 1.02), rng.uniform(0.85, 0.98)], np.float32)
    a += nrng.normal(0, sigma, a.shape[:2])[..., None].astype(np.float32)
    # dust: a few dark specks
    for _ in range(rng.randint(5, 40)):
        y, x = nrng.integers(0, a.shape[0]), nrng.integers(0, a.shape[1])
        r = int(nrng.integers(1, 3))
        a[max(0, y - r) : y + r, max(0, x - r) : x + r] *= 0.3
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    info.update(blur=round(blur, 2), noise=round(sigma, 2), light=round(light, 2))
    if rng.random() < 0.3:
        img = img.convert("L")
        info["gray"] = True
    return img, info


def encode(
    img: Image.Image, fmt: str, rng: random.Random, dpi: int = DPI
) -> tuple[bytes, str, dict]:
    buf = io.BytesIO()
    info: dict[str, Any] = {"format": fmt}
    if fmt == "jpg":
        q = rng.randint(45, 88)
        img.save(buf, "JPEG", quality=q, dpi=(dpi, dpi))
        info["quality"] = q
        return buf.getvalue(), ".jpg", info
    if fmt == "png":
        img.save(buf, "PNG", compress_level=1, dpi=(dpi, dpi))
        return buf.getvalue(), ".png", info
    if fmt == "pdf":  # an image-only PDF: Pillow embeds the JPEG as it is
        q = rng.randint(60, 88)
        img.save(buf, "PDF", resolution=dpi, quality=q)
        info["quality"] = q
        return buf.getvalue(), ".pdf", info
    raise ValueError(fmt)


def _finish(
    page: Image.Image,
    truth: dict,
    rng: random.Random,
    profile: str | None,
    turn: int | None,
    fmt: str | None,
    dpi: int = DPI,
) -> Sheet:
    """Degrade and encode a drawn page. ``dpi`` other than the drawing's ``DPI``: the degraded page
    is resampled (bicubic) before it is encoded, like a scanner set to that resolution."""
    profile = profile or rng.choices(("clean", "scan", "photo"), weights=(15, 50, 35))[0]
    if turn is None:
        turn = rng.choices((0, 90, 180, 270), weights=(82, 6, 8, 4))[0]
    fmt = fmt or rng.choices(("jpg", "png", "pdf"), weights=(60, 20, 20))[0]
    img, info = degrade(page, rng, profile, turn)
    if dpi != DPI:
        f = dpi / DPI
        img = img.resize((round(img.width * f), round(img.height * f)), Image.Resampling.BICUBIC)
        info["dpi"] = dpi
    data, suffix, einfo = encode(img, fmt, rng, dpi)
    info.update(einfo)
    truth["degradation"] = info
    truth["suffix"] = suffix
    for t in truth["roles"].values():
        t.pop("boxes", None)
    return Sheet(data, truth)


def free_form_sheet(
    seed: int,
    pack=None,
    *,
    layout: str | None = None,
    profile: str | None = None,
    turn: int | None = None,
    fmt: str | None = None,
    roles_truth: dict | None = None,
    dpi: int = DPI,
    body: str = "short",
) -> Sheet:
    """A free-form approval sheet, filled in and degraded; all choices from the seed."""
    page, truth = free_form_page(seed, pack, layout, roles_truth, body)
    rng = random.Random(seed * 7919 + 1)
    return _finish(page, truth, rng, profile, turn, fmt, dpi)


# --------------------------------------------------------------------------- own template


def template_available() -> bool:
    try:
        import sopcheck.template  # noqa: F401
    except ImportError:
        return False
    return True


def _pdf_first_image(data: bytes) -> Image.Image:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        for obj in pdf[0].get_objects():
            if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE:
                return obj.get_bitmap().to_pil()
        return pdf[0].render(scale=DPI / 72).to_pil()
    finally:
        pdf.close()


def rasterise_pdf(path_or_bytes, dpi: int = DPI) -> Image.Image:
    import pypdfium2 as pdfium

    src = path_or_bytes
    if isinstance(src, Path):
        src = str(src)
    pdf = pdfium.PdfDocument(src)
    try:
        return pdf[0].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        pdf.close()


def _default_pack():
    import sopcheck

    return sopcheck.load_rulepack()


def _template_package(root: Path) -> Path:
    """A small package (4 photos, caption, narrative) to print the template for."""
    pkg = root / "2024-03-12-musrenbang-bulik"
    (pkg / "foto").mkdir(parents=True)
    for i in range(4):
        Image.new("RGB", (64, 48), (40 * i, 90, 160)).save(
            pkg / "foto" / f"IMG_{i}.jpg", quality=80
        )
    (pkg / "caption.txt").write_text("Musrenbang Kecamatan Bulik 2024. #Lamandau", encoding="utf-8")
    (pkg / "narasi.txt").write_text(
        "Nanga Bulik, Selasa (12/3/2024) - Musrenbang.", encoding="utf-8"
    )
    return pkg


_TEMPLATE_CACHE: dict[str, Image.Image] = {}


def template_page(pack=None, package_dir: Path | None = None) -> Image.Image:
    """sopcheck's own template for a package, rasterised at DPI (cached per package dir)."""
    from sopcheck.template import render_template

    pack = pack or _default_pack()
    key = f"{pack.sha256}:{package_dir}"
    if key not in _TEMPLATE_CACHE:
        with tempfile.TemporaryDirectory() as tmp:
            pkg = package_dir or _template_package(Path(tmp))
            out = Path(tmp) / "lembar.pdf"
            render_template(pkg, pack, out)
            _TEMPLATE_CACHE[key] = rasterise_pdf(out.read_bytes())
    return _TEMPLATE_CACHE[key].copy()


def layout_boxes(pack=None, size_px: tuple[int, int] | None = None) -> dict[str, dict[str, tuple]]:
    """Per role: 'signature', 'setuju', 'tolak', 'date' boxes (x0, y0, x1, y1) in page pixels.

    Adapter over ``sopcheck.template.LAYOUT`` (positions in mm): see ``_layout_to_px``.
    """
    from sopcheck import template

    pack = pack or _default_pack()
    size_px = size_px or A4_PX
    return _layout_to_px(template, pack, size_px)


def _layout_to_px(template, pack, size_px) -> dict[str, dict[str, tuple]]:
    """``template.role_layout`` boxes (frame mm from the top-left mark) as page pixels."""
    layout = template.LAYOUT
    page_w, page_h = layout.get("page_mm", (210.0, 297.0))
    ox, oy = layout.get("origin_mm", (0.0, 0.0))
    sx, sy = size_px[0] / page_w, size_px[1] / page_h
    out: dict[str, dict[str, tuple]] = {}
    for role, boxes in zip(pack.roles, template.role_layout(len(pack.roles)), strict=True):
        out[role.id] = {
            key: (
                round((x + ox) * sx),
                round((y + oy) * sy),
                round((x + ox + w) * sx),
                round((y + oy + h) * sy),
            )
            for key, (x, y, w, h) in boxes.items()
        }
    return out


def own_template_page(
    seed: int, pack=None, roles_truth: dict | None = None, package_dir: Path | None = None
) -> tuple[Image.Image, dict[str, Any]]:
    """sopcheck's own sheet, filled in at the LAYOUT positions (undegraded) and its truth."""
    pack = pack or _default_pack()
    rng = random.Random(seed)
    page = template_page(pack, package_dir)
    boxes = layout_boxes(pack, page.size)
    layer = Image.new("RGB", page.size, "white")
    truths: dict[str, dict] = {}
    for rid, label in _role_labels(pack):
        t = dict(roles_truth[rid]) if roles_truth and rid in roles_truth else random_role_truth(rng)
        t["label"] = label
        b = boxes[rid]
        fill_decision(layer, {"setuju": b["setuju"], "tolak": b["tolak"]}, t, rng)
        sx0, sy0, sx1, sy1 = b["signature"]
        inset = round(0.06 * (sy1 - sy0))
        area = (sx0 + inset, sy0 + inset, sx1 - inset, sy1 - inset)
        t["area"] = (sx0, sy0, sx1 - sx0, sy1 - sy0)
        fill_signature(layer, area, t, rng)
        t.pop("over_name", None)
        dtext = date_text_for(t, rng)
        if dtext is not None and "date" in b:
            dx0, dy0, dx1, dy1 = b["date"]
            fs = max(20, round((dy1 - dy0) * 0.7))
            if t["date_style"] == "printed":  # typed onto the line before printing
                ImageDraw.Draw(layer).text(
                    (dx0 + 8, dy1 - 4), dtext, font=font(fs), fill=(0, 0, 0), anchor="ls"
                )
            else:
                draw_handwritten(layer, (dx0 + 10, dy0), dtext, rng, size=fs)
        if "name" in b and rng.random() < 0.7:  # the name typed on the Nama / NIP line
            nx0, ny0, nx1, ny1 = b["name"]
            t["name"] = f"{rng.choice(NAMES)} / NIP. {nip(rng)}"
            ImageDraw.Draw(layer).text(
                (nx0 + round(0.24 * (nx1 - nx0)), ny1 - 8),
                t["name"],
                font=font(20),
                fill=(0, 0, 0),
                anchor="ls",
            )
        truths[rid] = t
    page = ImageChops.multiply(page, layer)
    return page, {"kind": "own", "layout": "own-template", "seed": seed, "roles": truths}


def own_template_sheet(
    seed: int,
    pack=None,
    *,
    profile: str | None = None,
    turn: int | None = None,
    fmt: str | None = None,
    roles_truth: dict | None = None,
    package_dir: Path | None = None,
    dpi: int = DPI,
) -> Sheet:
    """sopcheck's own sheet printed, filled in, and scanned or photographed."""
    page, truth = own_template_page(seed, pack, roles_truth, package_dir)
    rng = random.Random(seed * 7919 + 2)
    return _finish(page, truth, rng, profile, turn, fmt, dpi)


def generate(kind: str, seed: int, pack=None, **kw: Any) -> Sheet:
    if kind == "free":
        return free_form_sheet(seed, pack, **kw)
    if kind == "own":
        return own_template_sheet(seed, pack, **kw)
    raise ValueError(f"unknown sheet kind {kind!r} (own, free)")


if (
    __name__ == "__main__"
):  # python -m sopcheck.sheetgen KIND SEED [OUT]: write one sheet, print its truth
    import sys

    _kind, _seed = sys.argv[1], int(sys.argv[2])
    _sheet = generate(_kind, _seed)
    _out = _sheet.write(Path(sys.argv[3] if len(sys.argv) > 3 else f"{_kind}-{_seed}"))
    print(_out)
    for _rid, _t in _sheet.truth["roles"].items():
        print(
            f"  {_rid}: signature={_t['signature']} decision={_t['decision']} date={_t['date']}"
            f" ({_t['date_style']}, {_t['date_text']!r})"
        )
    print(f"  {_sheet.truth['layout']} {_sheet.truth['degradation']}")
