"""sopcheck's own printable approval sheet ("Lembar Verifikasi dan Persetujuan Konten Media Sosial").

The sheet is an A4 PDF drawn with reportlab. Everything a reader needs to find is at a fixed,
recorded position (``LAYOUT`` and ``role_layout``) in a frame whose origin is the centre of the
top-left registration mark (millimetres, x to the right, y down). Four filled squares mark the
frame's corners, so a scan of the printed, signed sheet can be mapped back to the layout whatever
its rotation, skew or resolution (``sopcheck.extract.own_sheet.read_own``).

The QR code carries a short JSON object: ``{"s": "sopcheck/1", "p": package id, "h": the first 16
hex digits of the content hash, "r": rule pack id, "n": number of role blocks}``.

Content hash (``content_hash``): SHA-256 (hex) of the UTF-8 bytes of

    "sopcheck-content/1" NUL caption NUL narrative NUL photo_1 NUL ... NUL photo_k

where caption and narrative are NFC-normalised and trimmed ("" when absent) and photo_i are the
photos' SHA-256 hex digests in lower case, sorted. Any change to the caption, the narrative or
the set of photos changes it; file names and order do not.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

PAGE_MM = (210.0, 297.0)
ORIGIN_MM = (12.0, 12.0)
"""Page position (from the top-left corner of the page) of the top-left mark's centre."""

LAYOUT: dict[str, Any] = {
    "version": 1,
    "page_mm": PAGE_MM,
    "origin_mm": ORIGIN_MM,
    "frame_mm": (186.0, 273.0),
    "mark_size_mm": 6.0,
    # mark centres in the frame: top-left, top-right, bottom-right, bottom-left
    "marks": ((0.0, 0.0), (186.0, 0.0), (186.0, 273.0), (0.0, 273.0)),
    "qr": (150.0, 2.0, 30.0, 30.0),
    "roles_top": 104.0,
    "roles_bottom": 268.0,
    "block_max_mm": 55.0,
    "tick_box_mm": 6.0,
}

QR_TAG = "sopcheck/1"
TITLE = "LEMBAR VERIFIKASI DAN PERSETUJUAN KONTEN MEDIA SOSIAL"


def role_layout(n_roles: int) -> list[dict[str, tuple[float, float, float, float]]]:
    """Per role block, the rectangles (x, y, w, h) in frame millimetres.

    Keys: block, label (where the label's baseline sits), setuju, tolak (the tick boxes), date
    (the field above the "Tanggal" line), signature (the box), name (the Nama / NIP line).
    """
    n = max(1, n_roles)
    top, bottom = LAYOUT["roles_top"], LAYOUT["roles_bottom"]
    bh = min(LAYOUT["block_max_mm"], (bottom - top) / n)
    t = LAYOUT["tick_box_mm"]
    sig_h = max(12.0, bh - 18.0)
    out = []
    for i in range(n):
        y = top + i * bh
        out.append(
            {
                "block": (0.0, y, 186.0, bh),
                "label": (4.0, y + 5.0, 140.0, 6.0),
                "setuju": (4.0, y + 10.0, t, t),
                "tolak": (34.0, y + 10.0, t, t),
                "date": (22.0, y + 20.5, 56.0, 8.0),
                "signature": (88.0, y + 8.0, 94.0, sig_h),
                "name": (88.0, y + 8.0 + sig_h + 1.5, 94.0, 6.0),
            }
        )
    return out


def _nfc(s: str | None) -> str:
    return unicodedata.normalize("NFC", s or "").strip()


def content_hash(caption: str | None, narrative: str | None, photo_sha256s: Iterable[str]) -> str:
    """SHA-256 hex over caption + narrative + sorted photo hashes (see the module docstring)."""
    photos = sorted(p.strip().lower() for p in photo_sha256s if p)
    parts = ["sopcheck-content/1", _nfc(caption), _nfc(narrative), *photos]
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()


def evidence_content_hash(ev) -> str:
    """``content_hash`` of a PackageEvidence (caption and narrative text as read, photo files)."""
    cap = ev.caption.text if ev.caption is not None else None
    nar = ev.narrative.text if ev.narrative is not None else None
    shas = [f.sha256 for f in ev.package.files_of("photo") if f.sha256]
    return content_hash(cap, nar, shas)


def qr_payload(package_id: str, chash: str, rulepack_id: str, n_roles: int) -> str:
    return json.dumps(
        {"s": QR_TAG, "p": package_id, "h": chash[:16], "r": rulepack_id, "n": n_roles},
        separators=(",", ":"),
        ensure_ascii=False,
    )


def parse_qr(text: str) -> dict[str, str] | None:
    """The payload of a sopcheck QR code as {package, hash, rulepack, roles}, else None."""
    try:
        d = json.loads(text)
    except (ValueError, TypeError):
        return None
    if not isinstance(d, dict) or d.get("s") != QR_TAG:
        return None
    return {
        "package": str(d.get("p", "")),
        "hash": str(d.get("h", "")),
        "rulepack": str(d.get("r", "")),
        "roles": str(d.get("n", "")),
    }


_FONTS: tuple[str, str] | None = None


def _fonts() -> tuple[str, str]:
    """(regular, bold) font names: DejaVu Sans when installed (full Unicode), else Helvetica."""
    global _FONTS
    if _FONTS is None:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        base = Path("/usr/share/fonts/truetype/dejavu")
        reg, bold = base / "DejaVuSans.ttf", base / "DejaVuSans-Bold.ttf"
        if reg.is_file() and bold.is_file():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(reg)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
            _FONTS = ("DejaVuSans", "DejaVuSans-Bold")
        else:
            _FONTS = ("Helvetica", "Helvetica-Bold")
    return _FONTS


def render_sheet(
    out: Path,
    *,
    office: str,
    package_id: str,
    title: str | None,
    activity_date: str | None,
    caption: str | None,
    photo_count: int,
    chash: str,
    rulepack_id: str,
    role_labels: list[str],
) -> Path:
    """Draw the sheet from plain values (what ``render_template`` gathers from a package)."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.units import mm
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    regular, bold = _fonts()
    ox, oy = ORIGIN_MM

    def X(x: float) -> float:
        return (ox + x) * mm

    def Y(y: float) -> float:
        return (PAGE_MM[1] - (oy + y)) * mm

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(out), pagesize=(PAGE_MM[0] * mm, PAGE_MM[1] * mm), invariant=1)
    c.setTitle(TITLE.title())
    c.setAuthor("sopcheck")
    c.setSubject(f"{package_id} {chash}")

    # registration marks
    s = LAYOUT["mark_size_mm"]
    for mx, my in LAYOUT["marks"]:
        c.rect(X(mx - s / 2), Y(my + s / 2), s * mm, s * mm, stroke=0, fill=1)

    # QR code
    qx, qy, qw, qh = LAYOUT["qr"]
    w = QrCodeWidget(qr_payload(package_id, chash, rulepack_id, len(role_labels)), barLevel="M")
    b = w.getBounds()
    bw, bh = b[2] - b[0], b[3] - b[1]
    d = Drawing(qw * mm, qh * mm, transform=[qw * mm / bw, 0, 0, qh * mm / bh, 0, 0])
    d.add(w)
    renderPDF.draw(d, c, X(qx), Y(qy + qh))

    # header
    c.setFont(bold, 11)
    c.drawString(X(6), Y(8), office.upper()[:70])
    c.setFont(bold, 12)
    title_lines = simpleSplit(TITLE, bold, 12, 138 * mm)
    for k, line in enumerate(title_lines):
        c.drawString(X(6), Y(15 + 5.5 * k), line)
    c.setLineWidth(0.6)
    c.line(X(4), Y(36), X(182), Y(36))

    # package information
    rows = [
        ("ID paket", package_id),
        ("Kegiatan", title or "-"),
        ("Tanggal kegiatan", activity_date or "-"),
        ("Jumlah foto", str(photo_count)),
        ("Paket aturan", rulepack_id),
    ]
    y = 43.0
    for key, val in rows:
        c.setFont(bold, 9)
        c.drawString(X(4), Y(y), key)
        c.setFont(regular, 9)
        line = simpleSplit(val, regular, 9, 140 * mm)[:1] or [""]
        c.drawString(X(40), Y(y), line[0])
        y += 5.0
    c.setFont(bold, 9)
    c.drawString(X(4), Y(y), "Hash konten")
    c.setFont("Courier", 8)
    c.drawString(X(40), Y(y), chash)
    y += 5.0
    c.setFont(bold, 9)
    c.drawString(X(4), Y(y), "Caption")
    c.setFont(regular, 8.5)
    cap_lines = simpleSplit(_nfc(caption) or "-", regular, 8.5, 140 * mm)
    if len(cap_lines) > 8:
        cap_lines = cap_lines[:8]
        cap_lines[-1] = cap_lines[-1][:-1] + "…"
    for k, line in enumerate(cap_lines):
        c.drawString(X(40), Y(y + 4.0 * k), line)
    c.line(X(4), Y(LAYOUT["roles_top"] - 2), X(182), Y(LAYOUT["roles_top"] - 2))

    # role blocks
    c.setLineWidth(0.8)
    for label, box in zip(role_labels, role_layout(len(role_labels)), strict=True):
        lx, ly, _, _ = box["label"]
        c.setFont(bold, 10.5)
        c.drawString(X(lx), Y(ly), label)
        for key, text in (("setuju", "Setuju"), ("tolak", "Tolak")):
            x, yy, bw_, bh_ = box[key]
            c.rect(X(x), Y(yy + bh_), bw_ * mm, bh_ * mm, stroke=1, fill=0)
            c.setFont(regular, 10)
            c.drawString(X(x + bw_ + 2), Y(yy + bh_ - 1.5), text)
        dx, dy, dw, dh = box["date"]
        c.setFont(regular, 10)
        c.drawString(X(4), Y(dy + dh - 0.5), "Tanggal:")
        c.setLineWidth(0.4)
        c.line(X(dx), Y(dy + dh), X(dx + dw), Y(dy + dh))
        sx, sy, sw, sh = box["signature"]
        c.setLineWidth(0.8)
        c.rect(X(sx), Y(sy + sh), sw * mm, sh * mm, stroke=1, fill=0)
        c.setFont(regular, 7)
        c.drawString(X(sx + 1), Y(sy + 3), "Tanda tangan")
        nx, ny, nw, nh = box["name"]
        c.setFont(regular, 9)
        c.drawString(X(nx), Y(ny + nh - 1.5), "Nama / NIP:")
        c.setLineWidth(0.4)
        c.line(X(nx + 20), Y(ny + nh - 1.0), X(nx + nw), Y(ny + nh - 1.0))
    c.setFont(regular, 7)
    c.drawString(X(4), Y(271.5), f"Dibuat oleh sopcheck. Hash: {chash[:16]}")
    c.showPage()
    c.save()
    return out


def render_template(package_dir: Path, pack, out: Path, *, evidence=None) -> Path:
    """Render the sheet for the package folder ``package_dir`` under the rule pack ``pack``."""
    from .dates import fmt_day
    from .discover import load_package
    from .extract.package import gather

    package_dir = Path(package_dir).resolve()
    if evidence is None:
        pkg = load_package(
            package_dir.parent, package_dir, pack.tz, tuple(r.id for r in pack.roles)
        )
        evidence = gather(pkg, pack.tz)
    pkg = evidence.package
    start, end = evidence.activity_start, evidence.activity_end
    when = None
    if start is not None:
        when = fmt_day(start.day, pack.language)
        if end is not None and end.day != start.day:
            when += " - " + fmt_day(end.day, pack.language)
    cap = evidence.caption.text if evidence.caption is not None else None
    n_photos = sum(1 for p in evidence.photos if p.error is None)
    labels = [r.name.get(pack.language) or r.name.get("id") or r.id for r in pack.roles]
    return render_sheet(
        Path(out),
        office=pack.office,
        package_id=package_dir.name if pkg.id in ("", ".") else pkg.id,
        title=pkg.title,
        activity_date=when,
        caption=cap,
        photo_count=n_photos,
        chash=evidence_content_hash(evidence),
        rulepack_id=pack.id,
        role_labels=labels,
    )


def template_command(package_dir: Path, out: Path | None, pack) -> Path:
    """`sopcheck template PACKAGE_DIR [-o lembar.pdf]`: render and return the PDF's path.

    Default output: ``lembar-<package>.pdf`` in the current directory (never inside the package).
    """
    package_dir = Path(package_dir)
    if out is None:
        out = Path.cwd() / f"lembar-{package_dir.resolve().name}.pdf"
    return render_template(package_dir, pack, Path(out))
