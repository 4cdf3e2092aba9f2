"""The decision of a role block: which of the Setuju / Tolak boxes is ticked (each box paired
with its option word by position), or the typed or written word."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
from PIL import Image
from rapidfuzz import fuzz

from .ocr import Word
from .sheet_blocks import Block
from .sheet_signature import _ink
from .sheet_words import Line, _in_col, _norm, _union


def _local_box_fill(box: Image.Image) -> float:
    """Fill ratio of a box's interior (border shrunk by 15%), used only when ink.py is missing."""
    a = np.asarray(box.convert("L"), dtype=np.uint8)
    h, w = a.shape
    dy, dx = max(1, int(h * 0.15)), max(1, int(w * 0.15))
    inner = a[dy : h - dy, dx : w - dx]
    if inner.size == 0:
        return 0.0
    return float((inner < 128).mean())


# ---------------------------------------------------------------- decisions


def _word_kind(w: Word) -> str | None:
    t = _norm(w.text)
    if not t:
        return None
    if fuzz.ratio(t, "setuju") >= 80:
        return "setuju"
    if fuzz.ratio(t, "tolak") >= 80 or fuzz.ratio(t, "ditolak") >= 85:
        return "tolak"
    return None


def _overlap(a, b) -> bool:
    return not (
        a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0] or a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1]
    )


def _gap(box, w: Word, side: str) -> float:
    return float(w.x - (box[0] + box[2])) if side == "left" else float(box[0] - (w.x + w.w))


def _marked_by_text(w: Word, line_words: list[Word]) -> bool | None:
    """'[X] Setuju' / 'Setuju [v]' / '☑ Setuju' typed: True ticked, False an empty '[ ]', None unknown."""
    i = next((k for k, o in enumerate(line_words) if o is w), None)
    if i is None:
        return None
    near = []
    if i > 0:
        near.append(line_words[i - 1].text)
    if i + 1 < len(line_words):
        near.append(line_words[i + 1].text)
    for t in near:
        s = t.strip()
        if s in ("☑", "☒", "✓", "✔") or re.fullmatch(r"[\[(]\s*[xXvV✓✔]\s*[\])]", s):
            return True
        if s in ("[]", "[ ]", "☐", "()"):
            return False
    return None


def _row_boxes(img: Image.Image, opts: list[Word], block: Block) -> list[tuple[int, int, int, int]]:
    """Square box outlines (x, y, w, h) on the row of the option words, found by shape."""
    from . import ticks

    h = float(np.median([w.h for w in opts]))
    y0 = max(0, int(min(w.y for w in opts) - 1.5 * h))
    y1 = min(img.height, int(max(w.y + w.h for w in opts) + 1.5 * h))
    x0, x1 = max(0, block.x0), min(img.width, block.x1)
    if y1 - y0 < 6 or x1 - x0 < 6:
        return []
    a = np.asarray(img.crop((x0, y0, x1, y1)).convert("L"), dtype=np.float32)
    return [(b.x + x0, b.y + y0, b.w, b.h) for b in ticks.find_boxes(a, h)]


def _near_box(w: Word, boxes: list, side: str) -> tuple[tuple, float] | None:
    """The nearest box on ``side`` of the word on its row, within two line heights, and its gap."""
    best = None
    for b in boxes:
        if b[1] > w.y + w.h or b[1] + b[3] < w.y:
            continue
        gap = _gap(b, w, side)
        if -0.2 * w.h <= gap <= 2.0 * max(w.h, 8) and (best is None or gap < best[1]):
            best = (b, gap)
    return best


def _without_boxes(w: Word, boxes: list) -> Word:
    """The word without a tick box that the OCR read as part of it ('[]Setuju', '(Tolak', 'Setuju[]'):
    a box on the word's row whose width lies mostly (>= 60%) inside the word's span is cut off the
    word's end nearer to it, so the gap to the word's own box is measured from its letters."""
    x0, x1 = w.x, w.x + w.w
    for b in boxes:
        if b[1] > w.y + w.h or b[1] + b[3] < w.y:
            continue
        inside = min(x1, b[0] + b[2]) - max(x0, b[0])
        if inside < 0.6 * b[2]:
            continue
        if b[0] + b[2] / 2 <= (x0 + x1) / 2:
            x0 = max(x0, b[0] + b[2])
        else:
            x1 = min(x1, b[0])
    if (x0, x1) == (w.x, w.x + w.w) or x1 - x0 < max(4, w.h // 2):
        return w
    return replace(w, x=x0, w=x1 - x0)


def _assign_boxes(s_word: Word | None, t_word: Word | None, boxes: list) -> tuple | None:
    """(setuju box, tolak box) or None when it is not clear which box belongs to which option.
    With one option's word unread, the row must hold exactly two boxes: the read word's own box
    (clearly nearer to it than the other) and the other option's. A box the OCR read as part of
    a word is cut off it first (``_without_boxes``)."""
    s_word = _without_boxes(s_word, boxes) if s_word is not None else None
    t_word = _without_boxes(t_word, boxes) if t_word is not None else None
    if s_word is not None and t_word is not None:
        found = []
        for side in ("left", "right"):
            sb, tb = _near_box(s_word, boxes, side), _near_box(t_word, boxes, side)
            if sb and tb and sb[0] != tb[0]:
                found.append((sb[1] + tb[1], sb[0], tb[0]))
        if not found:
            return None
        found.sort()
        if len(found) == 2 and found[1][0] < 1.5 * found[0][0] + 4:
            return None  # both readings fit about as well
        return found[0][1], found[0][2]
    w = s_word or t_word
    if w is None or len(boxes) != 2:
        return None
    near = [nb for nb in (_near_box(w, boxes, "left"), _near_box(w, boxes, "right")) if nb]
    if not near:
        return None
    near.sort(key=lambda nb: nb[1])
    if len(near) == 2 and near[1][1] < 2 * near[0][1] + 4:
        return None
    own = near[0][0]
    other = boxes[0] if boxes[1] == own else boxes[1]
    return (own, other) if w is s_word else (other, own)


def read_decision(
    img: Image.Image, block: Block, lines: list[Line], words: list[Word]
) -> tuple[str | None, str, float, list[str]]:
    """(decision, state, confidence, notes) for one role block.

    Where the row of the Setuju / Tolak words holds square box outlines, only the boxes decide
    (each option's box identified by position; a box that cannot be told to one option: review).
    Without boxes, a typed or written word decides ('Keputusan: Setuju', '[X] Setuju')."""
    notes: list[str] = []
    inblock = [
        w
        for w in words
        if _in_col(w, block.x0, block.x1) and block.top <= w.y <= block.bottom and _word_kind(w)
    ]
    if not inblock:
        return None, "unknown", 0.0, notes
    line_of = {id(w): ln for ln in lines for w in ln.words}
    sw = [w for w in inblock if _word_kind(w) == "setuju"]
    tw = [w for w in inblock if _word_kind(w) == "tolak"]
    s_word = max(sw, key=lambda w: w.conf) if sw else None
    t_word = max(tw, key=lambda w: w.conf) if tw else None
    opts = [w for w in (s_word, t_word) if w is not None]
    boxes = _row_boxes(img, opts, block)
    if boxes:
        pair = _assign_boxes(s_word, t_word, boxes)
        if pair is None:
            notes.append("tick boxes found but not told apart between Setuju and Tolak")
            return None, "unknown", 0.0, notes
        sb, tb = img.crop(_xyxy(pair[0])), img.crop(_xyxy(pair[1]))
        ink = _ink()
        if ink is not None:
            try:
                decision, state, conf = ink.tick_state(sb, tb)
                if len(opts) == 1 and decision is not None:
                    conf = min(conf, 0.8)
                    notes.append("one option's word not read: its box taken by position")
                return decision, state, float(conf), notes
            except Exception as e:
                notes.append(f"tick check failed: {e}")
        fs, ft = _local_box_fill(sb), _local_box_fill(tb)
        hi, lo = (fs, ft) if fs >= ft else (ft, fs)
        if hi >= 0.08 and lo < 0.03:
            return ("setuju" if fs >= ft else "tolak"), "clear", 0.6, notes
        return None, ("both" if lo >= 0.08 else "neither" if hi < 0.03 else "unknown"), 0.3, notes
    if len(opts) == 1:
        # one word only: typed or written ("Keputusan: Setuju")
        w = opts[0]
        ln = line_of.get(id(w))
        marked = _marked_by_text(w, ln.words if ln else [w])
        if marked is False:
            return None, "neither", 0.5, notes
        if _crossed(img, w):
            notes.append(f"'{w.text}' crossed by a pen stroke: not taken as the decision")
            return None, "unknown", 0.0, notes
        return _word_kind(w), "clear", round(min(1.0, w.conf), 2), notes
    # both options printed, no boxes: typed marks next to the words
    ms = _marked_by_text(s_word, line_of.get(id(s_word), Line([s_word])).words)
    mt = _marked_by_text(t_word, line_of.get(id(t_word), Line([t_word])).words)
    if ms is True and mt is not True:
        return "setuju", "clear", 0.7, notes
    if mt is True and ms is not True:
        return "tolak", "clear", 0.7, notes
    if ms is True and mt is True:
        return None, "both", 0.7, notes
    notes.append("Setuju and Tolak both printed, no ticked box found")
    return None, "unknown", 0.0, notes


def _span_word(ws: list[Word]) -> Word:
    """The words' union widened by half a line each side (a stroke through the first digit can
    shrink the OCR box of the word it spoils)."""
    x0, y0, ww, hh = _union(ws)
    pad = hh // 2
    return Word(text=" ".join(w.text for w in ws), conf=0.0, x=x0 - pad, y=y0, w=ww + 2 * pad, h=hh)


def _crossed(img: Image.Image, w: Word) -> bool:
    """A pen stroke crosses the word (a signature or a tick running through it)."""
    from . import ticks

    line_h = float(max(w.h, 8))
    reach = 2 * int(round(1.2 * line_h))  # strokes_across looks this far above and below the word
    top = max(0, w.y - reach)
    box = (max(0, w.x), top, min(img.width, w.x + w.w), min(img.height, w.y + w.h + reach))
    if box[2] - box[0] < 3 or box[3] - box[1] < 3:
        return False
    a = np.asarray(img.crop(box).convert("L"), dtype=np.float32)  # the word's window, not the page
    try:
        span = (w.x - box[0], w.y - top, w.x + w.w - box[0], w.y + w.h - top)
        return ticks.strokes_across(a, span, line_h)
    except Exception:  # noqa: BLE001 - unsure: treat as crossed
        return True


def _xyxy(b):
    x, y, w, h = b
    return x, y, x + w, y + h
