"""Read sopcheck's own approval sheet (``sopcheck template``): QR code, registration marks, boxes.

1. Decode the QR code with zxing-cpp; no sopcheck QR on any page -> ``None`` (not our sheet).
2. The QR's corners give a first perspective map from the layout frame (mm) to the page image;
   the four registration marks are then searched near where that map puts them, and when all four
   are found they define the final map (a 4-point homography). Without them the QR map is used,
   with a note.
3. The page is rectified to the layout frame at 200 dpi (one PIL perspective transform), and each
   role's signature box, Setuju/Tolak boxes and date field are cut at their recorded positions and
   judged by ``sopcheck.extract.ink`` (and Tesseract for the date, when ``ocr.py`` is usable).
"""

from __future__ import annotations

import datetime as _dt
import io
from typing import Any

import numpy as np
from PIL import Image

from ..model import RoleReading, SheetReading
from ..template import LAYOUT, parse_qr, role_layout
from . import ink

WORK_DPI = 200.0
MARGIN_MM = 8.0
PPM = WORK_DPI / 25.4


def _image_of(page: Any) -> tuple[Image.Image, int]:
    if isinstance(page, Image.Image):
        return page, 1
    return page.image, int(getattr(page, "number", 1) or 1)


def homography(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """3x3 matrix mapping 4+ points ``src`` (N,2) onto ``dst`` (N,2) (least squares, h33 = 1)."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(src, dst, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    h, *_ = np.linalg.lstsq(np.asarray(rows, float), np.asarray(rhs, float), rcond=None)
    return np.append(h, 1.0).reshape(3, 3)


def affine(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """3x3 affine matrix (least squares) mapping ``src`` onto ``dst``: steadier to extrapolate."""
    a = np.c_[np.asarray(src, float), np.ones(len(src))]
    m, *_ = np.linalg.lstsq(a, np.asarray(dst, float), rcond=None)
    return np.vstack([m.T, [0.0, 0.0, 1.0]])


def _apply(h: np.ndarray, pts) -> np.ndarray:
    p = np.c_[np.asarray(pts, float), np.ones(len(pts))] @ h.T
    return p[:, :2] / p[:, 2:3]


def _qr_modules(text: str) -> int:
    try:
        from reportlab.graphics.barcode.qr import QrCodeWidget

        w = QrCodeWidget(text, barLevel="M")
        w.getBounds()
        return int(w.qr.getModuleCount())
    except Exception:  # noqa: BLE001 - a guess is fine: marks refine the map
        return 29


def _find_qr(img: Image.Image):
    import zxingcpp

    for cand in (img, img.resize((img.width // 2, img.height // 2))):
        scale = img.width / cand.width
        for r in zxingcpp.read_barcodes(cand):
            payload = parse_qr(r.text)
            if payload is None:
                continue
            p = r.position
            corners = np.array(
                [
                    [p.top_left.x, p.top_left.y],
                    [p.top_right.x, p.top_right.y],
                    [p.bottom_right.x, p.bottom_right.y],
                    [p.bottom_left.x, p.bottom_left.y],
                ],
                float,
            )
            return payload, r.text, corners * scale
    return None


def _find_mark(gray: np.ndarray, centre: np.ndarray, px_per_mm: float, reach_mm: float = 14.0):
    """Centre (x, y) of the filled square nearest ``centre`` (within ``reach_mm``), or None."""
    size = LAYOUT["mark_size_mm"] * px_per_mm
    half = int(max(reach_mm * px_per_mm, 3 * size))
    cx, cy = int(round(centre[0])), int(round(centre[1]))
    h, w = gray.shape
    x0, y0 = max(0, cx - half), max(0, cy - half)
    x1, y1 = min(w, cx + half), min(h, cy + half)
    if x1 - x0 < size or y1 - y0 < size:
        return None
    win = gray[y0:y1, x0:x1]
    mask, _ = ink.ink_mask(win, dpi=px_per_mm * 25.4)
    labels, count = ink.components(mask)
    best, best_d = None, None
    for lab in range(1, count + 1):
        ys, xs = np.nonzero(labels == lab)
        bh, bw = ys.max() - ys.min() + 1, xs.max() - xs.min() + 1
        side = float(np.sqrt(len(ys)))
        if not (0.6 * size <= side <= 1.5 * size):
            continue
        if not (0.6 <= bh / bw <= 1.6) or len(ys) / (bh * bw) < 0.6:
            continue
        mx, my = xs.mean() + x0, ys.mean() + y0
        d = float(np.hypot(mx - centre[0], my - centre[1]))
        if best_d is None or d < best_d:
            best, best_d = np.array([mx, my]), d
    return best


def _locate_marks(gray, marks_frame, qr_frame, qr_corners, px_per_mm) -> list:
    """The four registration marks in the page image (None where not found).

    The QR code is small, so a map from it alone can be 10+ mm off at the bottom of a page
    photographed at an angle. The marks are therefore searched nearest first, each prediction
    made from everything found so far (the QR corners and the marks found; from three marks on,
    the marks alone), with a wide reach for the far ones. A wrong pick is caught later by the
    check of the marks' map against the QR code.
    """
    found: list = [None] * len(marks_frame)
    order = np.argsort(np.linalg.norm(marks_frame - qr_frame.mean(axis=0), axis=1))
    for _ in range(2):
        for i in order:
            if found[i] is not None:
                continue
            known = [j for j in range(len(found)) if found[j] is not None]
            if len(known) >= 3:
                src, dst = marks_frame[known], np.array([found[j] for j in known])
                reach = 10.0
            else:
                src = np.vstack([qr_frame, marks_frame[known]]) if known else qr_frame
                dst = (
                    np.vstack([qr_corners, np.array([found[j] for j in known])])
                    if known
                    else qr_corners
                )
                # far from what is known, a wider search
                dist = float(np.min(np.linalg.norm(src - marks_frame[i], axis=1)))
                reach = float(np.clip(0.15 * dist, 14.0, 40.0))
            pred = _apply(affine(src, dst), marks_frame[i : i + 1])[0]
            found[i] = _find_mark(gray, pred, px_per_mm, reach)
    return found


def _rectify(img: Image.Image, h_frame_to_img: np.ndarray) -> Image.Image:
    fw, fh = LAYOUT["frame_mm"]
    w = int(round((fw + 2 * MARGIN_MM) * PPM))
    hh = int(round((fh + 2 * MARGIN_MM) * PPM))
    s = np.array([[1 / PPM, 0, -MARGIN_MM], [0, 1 / PPM, -MARGIN_MM], [0, 0, 1]])
    m = h_frame_to_img @ s
    m = m / m[2, 2]
    coeffs = tuple(m.ravel()[:8])
    fill = 255 if img.mode == "L" else (255,) * len(img.getbands())
    return img.transform(
        (w, hh), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BILINEAR, fillcolor=fill
    )


def _crop(rect_img: Image.Image, r, inset: float = 0.0, pad: float = 0.0) -> Image.Image:
    x, y, w, h = r
    x0 = (x + MARGIN_MM + inset - pad) * PPM
    y0 = (y + MARGIN_MM + inset - pad) * PPM
    x1 = (x + w + MARGIN_MM - inset + pad) * PPM
    y1 = (y + h + MARGIN_MM - inset + pad) * PPM
    return rect_img.crop((int(round(x0)), int(round(y0)), int(round(x1)), int(round(y1))))


def _png(img: Image.Image, max_w: int = 480) -> bytes:
    if img.width > max_w:
        img = img.resize((max_w, max(1, round(img.height * max_w / img.width))))
    b = io.BytesIO()
    img.save(b, format="PNG", compress_level=1)  # a third of level 6's time, the same pixels
    return b.getvalue()


def _clean_field(crop: Image.Image, border: int = 20) -> Image.Image:
    """A handwritten/printed field made fit for Tesseract: paper made white, printed rules removed
    and a white border added (Tesseract misreads glyphs that touch the image edge)."""
    a = np.asarray(crop.convert("L"), dtype=np.float32)
    if a.size == 0:
        return crop
    paper = max(float(np.percentile(a, 90)), 1.0)
    n = np.clip(a / paper * 255.0, 0, 255)
    mask, _ = ink.ink_mask(a, WORK_DPI)
    h, w = mask.shape
    run_min = int(8.0 * PPM)  # a printed rule: a horizontal run of ink >= 8 mm
    rows = np.zeros(h, dtype=bool)
    for y in range(h):
        m = np.r_[False, mask[y], False].astype(np.int8)
        d = np.diff(m)
        starts, ends = np.nonzero(d == 1)[0], np.nonzero(d == -1)[0]
        if len(starts) and int((ends - starts).max()) >= run_min:
            rows[y] = True
    if rows.any():
        # the rule's rows and one row either side (anti-aliasing): strokes crossing it lose
        # only those rows
        grow = rows | np.r_[rows[1:], False] | np.r_[False, rows[:-1]]
        n[grow, :] = 255.0
    out = Image.fromarray(n.astype(np.uint8), "L")
    canvas = Image.new("L", (out.width + 2 * border, out.height + 2 * border), 255)
    canvas.paste(out, (border, border))
    return canvas


def _read_activity_date(rect: Image.Image, langs: str) -> _dt.date | None:
    """The activity date printed on the sheet ("Tanggal kegiatan" row), or None."""
    try:
        from ..dates import find_date
        from .ocr import ocr_image
    except ImportError:
        return None
    try:
        words = ocr_image(_clean_field(_crop(rect, (39.0, 48.5, 143.0, 6.5))), langs, psm=7)
    except Exception:  # noqa: BLE001 - without it dates are only checked for plausibility
        return None
    found = find_date(" ".join(w.text for w in words))
    return found[0] if found else None


def _read_date(crop: Image.Image, langs: str):
    """(date, text, confidence, note). A date that is not surely printed (``handwriting``) is
    used only when a second reading of the field (``sheet_dates.second_reading``) agrees."""
    mask, _ = ink.ink_mask(crop, WORK_DPI)
    if mask.mean() < 0.002:
        return None, None, None, "date field empty"
    try:
        from ..dates import find_date
        from .ocr import ocr_image
    except ImportError:
        return None, None, None, "date not read: OCR module not available"
    try:
        words = ocr_image(crop, langs, psm=7)
    except Exception as e:  # noqa: BLE001 - OCR trouble only sends the date to review
        return None, None, None, f"date not read: {e}"
    text = " ".join(w.text for w in words).strip()
    if not text:
        return None, None, None, "date written but not readable by OCR"
    conf = float(np.mean([w.conf for w in words]))
    found = find_date(text)
    if found is None:
        return None, text, conf, "no date recognised in the date field"
    if stray_digits(text, found[1]):
        return None, text, conf, "digits beside the date read: which date is meant is unclear"
    if conf < 0.6:
        return None, text, conf, "date read with low OCR confidence"
    # a date not surely printed is used only when a second reading of the field gives it too
    from . import handwriting
    from .sheet_dates import agree, second_reading

    box = (
        min(w.x for w in words),
        min(w.y for w in words),
        max(w.x + w.w for w in words),
        max(w.y + w.h for w in words),
    )
    hand = handwriting.judge_safely(crop, box, conf=conf)
    if not hand.handwritten:
        return found[0], text, conf, None
    d2, _text2, conf2 = second_reading(crop, box, langs=langs)
    ok, why = agree(found[0], d2, conf2)
    if ok:
        return found[0], text, conf, None
    return None, text, conf, f"handwritten date ({'; '.join(hand.reasons)}), {why}: not used"


def stray_digits(text: str, matched: str) -> bool:
    """Digits in ``text`` outside the date that was matched ('1 3/3/2024': a handwritten 13 read
    with a gap): the date may be another one, so it is not used."""
    i = text.find(matched)
    rest = text[:i] + " " + text[i + len(matched) :] if i >= 0 else text
    return any(ch.isdigit() for ch in rest)


def read_own(pages, pack, *, rel: str = "", colours=None) -> SheetReading | None:
    """Read sopcheck's own sheet from prepared pages (Page objects or PIL images).

    ``colours``: per page, the same page in colour (or None), to tell pen from stamp ink.
    Returns None when no page carries a sopcheck QR code.
    """
    for i, page in enumerate(pages):
        img, number = _image_of(page)
        img = img.convert("L") if img.mode != "L" else img
        found = _find_qr(img)
        if found is None:
            continue
        payload, text, corners = found
        colour = colours[i] if colours and i < len(colours) else None
        return _read_page(img, number, len(pages), payload, text, corners, pack, rel, colour)
    return None


def _read_page(
    img, number, n_pages, payload, text, corners, pack, rel, colour=None
) -> SheetReading:
    notes: list[str] = []
    qx, qy, qw, qh = LAYOUT["qr"]
    m = _qr_modules(text)
    border = 4 * qw / (m + 8)
    qr_frame = np.array(
        [
            [qx + border, qy + border],
            [qx + qw - border, qy + border],
            [qx + qw - border, qy + qh - border],
            [qx + border, qy + qh - border],
        ]
    )
    h_qr = affine(qr_frame, corners)
    px_per_mm = float(np.linalg.norm(corners[1] - corners[0]) / (qw - 2 * border))
    gray = np.asarray(img, dtype=np.float32)
    marks_frame = np.array(LAYOUT["marks"], float)
    marks = _locate_marks(gray, marks_frame, qr_frame, corners, px_per_mm)
    if all(mk is not None for mk in marks):
        h = homography(marks_frame, np.array(marks))
        # the QR corners must agree with the marks' map (else a mark was mistaken)
        err = float(np.max(np.linalg.norm(_apply(h, qr_frame) - corners, axis=1))) / px_per_mm
        if err > 3.0:
            notes.append(f"registration marks disagree with the QR code by {err:.1f} mm; QR used")
            h = h_qr
    else:
        missing = sum(mk is None for mk in marks)
        notes.append(
            f"{missing} registration mark(s) not found; boxes placed from the QR code,"
            " every call sent to review"
        )
        h = h_qr
    # the QR code alone is too small a base to place boxes 100+ mm away: nothing read through
    # that map is trusted
    qr_only = h is h_qr
    rect = _rectify(img, h)
    rect_colour = _rectify(colour, h) if colour is not None and colour.size == img.size else None

    qr = {k: v for k, v in payload.items()}
    n_sheet = int(payload.get("roles") or 0) or len(pack.roles)
    if n_sheet != len(pack.roles):
        notes.append(f"the sheet has {n_sheet} role blocks, the rule pack {len(pack.roles)} roles")
    if payload.get("rulepack") and payload["rulepack"] != pack.id:
        notes.append(f"sheet made for rule pack {payload['rulepack']}, checking with {pack.id}")
    boxes = role_layout(n_sheet)
    langs = getattr(pack, "ocr_languages", "ind+eng") or "ind+eng"
    activity = None if qr_only else _read_activity_date(rect, langs)
    roles: list[RoleReading] = []
    for i, role in enumerate(pack.roles):
        if i >= len(boxes):
            roles.append(RoleReading(role=role.id, found=False, page=number, notes=("no block",)))
            continue
        b = boxes[i]
        rnotes: list[str] = []
        sig = _crop(rect, b["signature"], inset=1.2)
        # the printed "Tanda tangan" caption in the top-left corner of the box
        mask_boxes = [(0, 0, int(24 * PPM), int(3.6 * PPM))]
        sig_colour = _crop(rect_colour, b["signature"], inset=1.2) if rect_colour else None
        call, conf, feats = ink.signature_presence(
            sig, mask_boxes, dpi=WORK_DPI, colour=sig_colour, signature_box=True
        )
        decision, state, dconf = ink.tick_state(
            _crop(rect, b["setuju"], pad=0.6), _crop(rect, b["tolak"], pad=0.6)
        )
        if qr_only:
            if call != "uncertain":
                feats["reason"] = f"read as {call} but the registration marks were not found"
            call, conf = "uncertain", min(conf, 0.4)
            if decision is not None or state != "unknown":
                rnotes.append(f"decision: read as {decision or state}, not trusted (no marks)")
            decision, state, dconf = None, "unknown", 0.3
        if call == "uncertain":
            rnotes.append(f"signature: {feats.get('reason', 'uncertain')}")
        dx, dy, dw, dh = b["date"]
        # the whole field and a little below the printed line (descenders), the line removed
        date_crop = _clean_field(_crop(rect, (dx, dy - 0.5, dw + 2.0, dh + 2.5)))
        d, dtext, dconfv, dnote = _read_date(date_crop, langs)
        if d is not None and not qr_only:
            ref = activity
            if ref is not None and abs((d - ref).days) > 366:
                dnote = f"date {d.isoformat()} is more than a year from the activity date {ref}"
                d = None
            elif ref is None and not (2000 <= d.year <= _dt.date.today().year + 1):
                dnote = f"date {d.isoformat()} is not a plausible signing date"
                d = None
        elif d is not None and qr_only:
            dnote = "date not trusted: boxes placed from the QR code"
            d = None
        if dnote:
            rnotes.append(dnote)
        sx, sy, sw, sh = b["signature"]
        corners_img = _apply(h, [[sx, sy], [sx + sw, sy], [sx + sw, sy + sh], [sx, sy + sh]])
        x0, y0 = corners_img.min(axis=0)
        x1, y1 = corners_img.max(axis=0)
        roles.append(
            RoleReading(
                role=role.id,
                found=True,
                page=number,
                label_text=role.name.get(pack.language) or role.id,
                label_score=1.0,
                region=(int(x0), int(y0), int(x1 - x0), int(y1 - y0)),
                signature=call,
                signature_confidence=conf,
                decision=decision,
                decision_state=state,
                decision_confidence=dconf,
                date=d,
                date_text=dtext,
                date_confidence=dconfv,
                signature_crop=_png(sig),
                notes=tuple(rnotes),
            )
        )
    return SheetReading(
        file=rel,
        kind="own-template",
        pages=n_pages,
        roles=tuple(roles),
        qr=qr,
        notes=tuple(notes),
    )
