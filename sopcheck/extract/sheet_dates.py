"""The date of a role block: the 'Tanggal' line, else any date written in the block; a date
read with low confidence, beside stray digits or through a pen stroke is not used, and a date that
is not surely printed (``handwriting``) only when a second reading of its crop gives the same
date."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from PIL import Image

from ..dates import MONTHS, find_date
from . import handwriting, ocr
from .ocr import Word
from .sheet_blocks import Block
from .sheet_decision import _crossed, _span_word
from .sheet_words import Line, _in_col, _norm

DATE_MIN_CONF = 0.6
"""OCR confidence below which a date is kept as text only (review)."""
SECOND_MIN_CONF = 0.6
"""The second reading of a handwritten date must be at least this sure of its words."""
PRINTED_WORD_CONF = 0.85
"""Words of the block read at least this surely are taken for print (the handwriting reference)."""
SECOND_GLYPH_PX = 48
"""Glyph height the second reading enlarges a handwritten date to (Tesseract reads best near it)."""
DATE_CHARS = "0123456789/-. " + "".join(sorted(set("".join(MONTHS)) | set("".join(MONTHS).upper())))
"""What a date may be written with: digits, separators, a space and the month names' letters."""

# ---------------------------------------------------------------- dates

_RE_TGL = re.compile(r"^(tanggal|tangal|tgl|tggl|date)$")


def _stray_digits(text: str, matched: str) -> bool:
    """Digits beside the matched date ('1 3/3/2024'): which date is meant is unclear."""
    i = text.find(matched)
    rest = text[:i] + " " + text[i + len(matched) :] if i >= 0 else text
    return any(ch.isdigit() for ch in rest)


@dataclass(frozen=True, kw_only=True)
class DateReading:
    """The date of a role block as read, and why it was not used when it was not."""

    date: object = None
    """The date used (a ``datetime.date``), or None: review."""
    text: str | None = None
    """The text the date was read from."""
    confidence: float | None = None
    """Tesseract's confidence in the date's words (the first reading)."""
    handwritten: bool | None = None
    """True: handwritten (or not surely printed); False: printed; None: not judged."""
    notes: tuple[str, ...] = ()
    """Why a date found in the block was not used."""


DATELINE_MAX_OTHER_WORDS = 4
"""A line above the role's label is its dateline ("Nanga Bulik, 13 Maret 2024") only with at most
this many words besides the date: a longer one is the page's running text (a paragraph, a quoted
caption) that happens to hold a date."""


def _dateline_above(ln: Line, ws: list[Word], matched: str, block: Block) -> bool:
    """``ln`` (above the label; ``ws``: its words in the block's column) may be the block's dateline:
    it does not run on past the block's column (text across a row of blocks belongs to the page) and
    it is short."""
    tol = 2 * ln.h
    if ln.x0 < block.x0 - tol or ln.x1 > block.x1 + tol:
        return False
    parts = matched.split()
    other = [w for w in ws if not (w.text in matched or any(p in w.text for p in parts))]
    return len(other) <= DATELINE_MAX_OTHER_WORDS


def _first_reading(block: Block, lines: list[Line], img: Image.Image | None):
    """(date or None, raw text, confidence, the date's words, the words of its line after the
    'Tanggal' label (or the whole line), the block's words)."""
    cand_lines = [
        ln
        for ln in lines
        if block.top <= (ln.y0 + ln.y1) / 2 <= block.bottom
        and ln.x1 > block.x0
        and ln.x0 < block.x1
    ]
    tagged: list[tuple[Line, list[Word]]] = []
    for ln in cand_lines:
        ws = [w for w in ln.words if _in_col(w, block.x0, block.x1)]
        for i, w in enumerate(ws):
            if _RE_TGL.match(_norm(w.text).replace(" ", "")):
                tagged.append((ln, ws[i + 1 :]))
                break
    others = [w for ln in cand_lines for w in ln.words if _in_col(w, block.x0, block.x1)]
    pools = tagged or [
        (ln, [w for w in ln.words if _in_col(w, block.x0, block.x1)]) for ln in cand_lines
    ]
    for ln, ws in pools:
        text = " ".join(w.text for w in ws).strip(" :._-")
        if not text:
            continue
        found = find_date(text)
        if found is None:
            continue
        d, matched = found
        if (
            not tagged
            and ln.y1 <= block.label_bottom
            and not _dateline_above(ln, ws, matched, block)
        ):
            continue
        if not plausible_year(d):
            return None, matched, None, [], [], others  # '2924' for a handwritten '2024': a misread
        if _stray_digits(text, matched):
            return None, text, None, [], [], others
        mw = [w for w in ws if w.text in matched or any(p in w.text for p in matched.split())]
        conf = float(np.mean([w.conf for w in mw])) if mw else float(np.mean([w.conf for w in ws]))
        if conf < DATE_MIN_CONF:
            return None, matched, round(conf, 2), [], [], others
        if img is not None and mw and _crossed(img, _span_word(mw)):
            return None, matched, None, [], [], others  # read through a pen stroke: not trusted
        return d, matched, round(conf, 2), (mw or ws), ws, others
    if tagged:
        ws = tagged[0][1]
        text = " ".join(w.text for w in ws).strip(" :")
        conf = float(np.mean([w.conf for w in ws])) if ws else None
        return None, (text or None), (round(conf, 2) if conf is not None else None), [], [], others
    return None, None, None, [], [], others


def read_block_date(
    block: Block,
    lines: list[Line],
    img: Image.Image | None = None,
    *,
    colour=None,
    langs: str | None = None,
    text_layer: bool = False,
) -> DateReading:
    """The date of the block: the 'Tanggal' line, else any date written in the block (e.g. 'Nanga
    Bulik, 13 Maret 2024' above the role). A date that is not surely printed (``handwriting``) is
    used only when a second, independent reading of its crop gives the same date
    (``second_reading``). ``text_layer``: the words come from a PDF's text layer (printed)."""
    d, text, conf, mw, ws, others = _first_reading(block, lines, img)
    if d is None:
        return DateReading(text=text, confidence=conf, notes=tuple(date_notes(d, text, conf)))
    if text_layer:
        return DateReading(date=d, text=text, confidence=conf, handwritten=False)
    if img is None:
        note = "date not checked for handwriting (no image): not used"
        return DateReading(text=text, confidence=conf, handwritten=None, notes=(note,))
    box = _xyxy_of(mw)
    date_ids = {id(w) for w in (*mw, *ws)}
    refs = [
        _xyxy_of([w])
        for w in others
        if id(w) not in date_ids and w.conf >= PRINTED_WORD_CONF and _letters(w.text) >= 3
    ]
    hand = handwriting.judge_safely(img, box, refs, conf=conf, colour=colour)
    if not hand.handwritten:
        return DateReading(date=d, text=text, confidence=conf, handwritten=False)
    why = "; ".join(hand.reasons)
    d2, _text2, conf2 = second_reading(img, box, langs=langs)
    ok, note = agree(d, d2, conf2)
    if ok:
        return DateReading(date=d, text=text, confidence=conf, handwritten=True)
    return DateReading(
        text=text,
        confidence=conf,
        handwritten=True,
        notes=(f"handwritten date ({why}), {note}: not used",),
    )


def read_role_date(
    block: Block, lines: list[Line], img: Image.Image | None = None, **kw
) -> tuple[object, str | None, float | None]:
    """(date or None, raw text, OCR confidence): ``read_block_date`` without its notes."""
    r = read_block_date(block, lines, img, **kw)
    return r.date, r.text, r.confidence


def plausible_year(d) -> bool:
    """A sheet's date lies between 1990 and next year: any other year is a misread digit."""
    import datetime as _dt

    return 1990 <= d.year <= _dt.date.today().year + 1


def _xyxy_of(ws: list[Word]) -> tuple[int, int, int, int]:
    return (
        min(w.x for w in ws),
        min(w.y for w in ws),
        max(w.x + w.w for w in ws),
        max(w.y + w.h for w in ws),
    )


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def date_field(img: Image.Image, box: tuple[int, int, int, int]) -> Image.Image:
    """The date's ink alone, black on white, enlarged to ``SECOND_GLYPH_PX`` glyphs with a white
    margin: the fill-in line's dots, specks and strokes reaching in from above or below are left
    out (glyph-sized components whose middle lies in the date's band are kept)."""
    from .inkbase import _bboxes, components, ink_mask

    x0, y0, x1, y1 = box
    lh = max(8, y1 - y0)
    pad_x, pad_y = lh // 2, lh // 4
    W, H = img.size
    cx0, cy0 = max(0, x0 - pad_x), max(0, y0 - pad_y)
    crop = img.crop((cx0, cy0, min(W, x1 + pad_x), min(H, y1 + pad_y)))
    a = np.asarray(crop.convert("L"), dtype=np.float32)
    mask, _ = ink_mask(a)
    labels, n = components(mask)
    keep = np.zeros(n + 1, dtype=bool)
    band0, band1 = y0 - cy0, y1 - cy0
    heights = []
    for i, (by0, bx0, by1, bx1) in _bboxes(labels, n).items():
        h, w = by1 - by0, bx1 - bx0
        mid = (by0 + by1) / 2
        if max(h, w) < 0.2 * lh or h > 2.0 * lh or not band0 <= mid <= band1:
            continue
        keep[i] = True
        heights.append(h)
    out = np.where(keep[labels], 0, 255).astype(np.uint8)
    field = Image.fromarray(out, "L")
    glyph = float(np.median(heights)) if heights else float(lh)
    scale = min(4.0, max(1.0, SECOND_GLYPH_PX / max(glyph, 1.0)))
    field = field.resize((round(field.width * scale), round(field.height * scale)), Image.LANCZOS)
    m = SECOND_GLYPH_PX // 2
    canvas = Image.new("L", (field.width + 2 * m, field.height + 2 * m), 255)
    canvas.paste(field, (m, m))
    return canvas


def second_reading(
    img: Image.Image, box: tuple[int, int, int, int], *, langs: str | None = None
) -> tuple[object, str | None, float | None]:
    """(date or None, text, confidence) of another reading of the date at ``box``: its ink alone,
    enlarged, read as one line with only the characters a date is written with."""
    langs = ocr.usable_langs(langs or ocr.DEFAULT_LANGS)
    try:
        words = ocr.ocr_line(date_field(img, box), langs, whitelist=DATE_CHARS)
    except Exception as e:  # noqa: BLE001 - a failed second reading only sends the date to review
        return None, f"second reading failed: {e}", None
    text = " ".join(w.text for w in words).strip()
    if not text:
        return None, None, None
    conf = round(float(np.mean([w.conf for w in words])), 2)
    found = find_date(text)
    if found is None or _stray_digits(text, found[1]) or not plausible_year(found[0]):
        return None, text, conf
    return found[0], found[1], conf


def agree(first, second, conf2: float | None) -> tuple[bool, str]:
    """Whether two readings of a date give it with certainty, and if not, why (for the note)."""
    if second is None:
        return False, "the second reading found no date"
    if second != first:
        return False, (
            f"two readings disagree: {first.strftime('%d/%m/%Y')} vs {second.strftime('%d/%m/%Y')}"
        )
    if conf2 is None or conf2 < SECOND_MIN_CONF:
        return False, f"the second reading is unsure ({conf2 or 0:.2f})"
    return True, ""


def date_notes(d, dtext: str | None, conf: float | None) -> list[str]:
    """Why a date found in the block was not used (from ``read_role_date``'s result)."""
    if d is not None or not dtext:
        return []
    if conf is not None and conf < DATE_MIN_CONF:
        return [f"date read with low confidence ({conf:.2f}): not used"]
    found = find_date(dtext) if conf is None else None
    if found is None:
        return []
    if not plausible_year(found[0]):
        return [f"year {found[0].year} read: not plausible (a misread digit?), not used"]
    if _stray_digits(dtext, found[1]):
        return ["digits beside the date: which date is meant is unclear, not used"]
    return ["date crossed by a pen stroke: not used"]
