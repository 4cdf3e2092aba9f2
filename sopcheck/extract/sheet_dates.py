"""The date of a role block: the 'Tanggal' line, else any date written in the block; a date
read with low confidence, beside stray digits or through a pen stroke is not used."""

from __future__ import annotations

import re

import numpy as np
from PIL import Image

from ..dates import find_date
from .ocr import Word
from .sheet_blocks import Block
from .sheet_decision import _crossed, _span_word
from .sheet_words import Line, _in_col, _norm

DATE_MIN_CONF = 0.6
"""OCR confidence below which a date is kept as text only (review)."""

# ---------------------------------------------------------------- dates

_RE_TGL = re.compile(r"^(tanggal|tangal|tgl|tggl|date)$")


def _stray_digits(text: str, matched: str) -> bool:
    """Digits beside the matched date ('1 3/3/2024'): which date is meant is unclear."""
    i = text.find(matched)
    rest = text[:i] + " " + text[i + len(matched) :] if i >= 0 else text
    return any(ch.isdigit() for ch in rest)


def read_role_date(
    block: Block, lines: list[Line], img: Image.Image | None = None
) -> tuple[object, str | None, float | None]:
    """(date or None, raw text, OCR confidence) from the 'Tanggal' line of the block, else any date
    written in the block (e.g. 'Nanga Bulik, 13 Maret 2024' above the role)."""
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
    pools = tagged or [
        (ln, [w for w in ln.words if _in_col(w, block.x0, block.x1)]) for ln in cand_lines
    ]
    for _ln, ws in pools:
        text = " ".join(w.text for w in ws).strip(" :._-")
        if not text:
            continue
        found = find_date(text)
        if found is None:
            continue
        d, matched = found
        if not plausible_year(d):
            return None, matched, None  # '2924' for a handwritten '2024': a misread, not a date
        if _stray_digits(text, matched):
            return None, text, None
        mw = [w for w in ws if w.text in matched or any(p in w.text for p in matched.split())]
        conf = float(np.mean([w.conf for w in mw])) if mw else float(np.mean([w.conf for w in ws]))
        if conf < DATE_MIN_CONF:
            return None, matched, round(conf, 2)
        if img is not None and mw and _crossed(img, _span_word(mw)):
            return None, matched, None  # read through a pen stroke: not trusted
        return d, matched, round(conf, 2)
    if tagged:
        ws = tagged[0][1]
        text = " ".join(w.text for w in ws).strip(" :")
        conf = float(np.mean([w.conf for w in ws])) if ws else None
        return None, (text or None), (round(conf, 2) if conf is not None else None)
    return None, None, None


def plausible_year(d) -> bool:
    """A sheet's date lies between 1990 and next year: any other year is a misread digit."""
    import datetime as _dt

    return 1990 <= d.year <= _dt.date.today().year + 1


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
