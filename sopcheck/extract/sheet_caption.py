"""The caption printed on an approval sheet of another office's design (PST-05 compares it with
``caption.txt``): the text after a "Caption:" (or "Takarir:", the official Indonesian word)
label, with the lines it wraps onto.

The label must be marked as one, by a colon ("Caption:", "Caption :") or an opening quote mark
right after it: a sentence that starts with the word ("Caption direvisi setelah ditandatangani")
is not a caption. A label alone on its line (a table's "Caption" cell, "maks. 200 karakter" in
the next cell) is not one either: the caption must begin on the label's line. The text runs on while the next line
follows closely and starts where the caption's text or its label starts, and stops at a closing
quote mark."""

from __future__ import annotations

from rapidfuzz import fuzz

from .sheet_words import Line, _norm

LABELS = ("caption", "takarir")
LABEL_MIN = 0.8
"""Fuzzy score (0..1) of the label word against ``LABELS`` (OCR noise: 'Captlon', 'Caplion')."""
GAP_LINES = 0.9
"""A continuation line starts at most this many line heights below the previous line's bottom."""
INDENT_LINES = 2.0
"""... and at most this many line heights left or right of where the caption or its label starts."""
MAX_LINES = 6
"""A caption of at most 200 characters wraps onto a few lines: more is the page's running text."""
QUOTES = "\"'“”‘’«»"


def _is_label(text: str) -> bool:
    word = _norm(text)
    return bool(word) and max(fuzz.ratio(word, lab) for lab in LABELS) / 100 >= LABEL_MIN


def _start(line: Line) -> int | None:
    """The index of the caption's first word when ``line`` opens a caption, else None."""
    words = line.words
    for i, w in enumerate(words[:2]):  # "Caption:" or "3. Caption:" (a numbered item)
        head = w.text.rstrip(":").strip(QUOTES)
        if not _is_label(head):
            continue
        rest = words[i + 1 :]
        colon = w.text.endswith(":")
        if rest and rest[0].text in (":", "="):
            rest, colon = rest[1:], True
        if not rest:
            return None  # the label alone: a table cell, not the caption
        if not (colon or rest[0].text[0] in QUOTES):
            return None  # a sentence that starts with the word
        return len(words) - len(rest)
    return None


def printed_caption(lines: list[Line]) -> str | None:
    """The caption printed on the sheet (``lines``: its text lines, top to bottom), or None."""
    found: list[str] = []
    ordered = sorted(lines, key=lambda ln: (ln.words[0].page, ln.y0, ln.x0))
    for k, ln in enumerate(ordered):
        opened = _start(ln)
        if opened is None:
            continue
        first = opened
        parts = [" ".join(w.text for w in ln.words[first:])]
        text_x, label_x, h = ln.words[first].x, ln.x0, max(1, ln.h)
        prev = ln
        for nxt in ordered[k + 1 : k + MAX_LINES]:
            if _closed(" ".join(parts)) or nxt.words[0].page != ln.words[0].page:
                break
            if nxt.y0 - prev.y1 > GAP_LINES * h:
                break
            if min(abs(nxt.x0 - text_x), abs(nxt.x0 - label_x)) > INDENT_LINES * h:
                continue  # a line beside it (another column), not its continuation
            if _start(nxt) is not None:
                break
            parts.append(nxt.text)
            prev = nxt
        text = " ".join(parts).strip().strip(QUOTES).strip()
        if text:
            found.append(text)
    return found[0] if found else None


def _closed(text: str) -> bool:
    """The caption's closing quote mark ends ``text`` (an opening one alone does not)."""
    t = text.rstrip(" .")
    return len(t) > 1 and t[-1] in QUOTES and sum(t.count(q) for q in QUOTES) >= 2
