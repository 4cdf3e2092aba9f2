"""Words of an approval sheet: text lines, role labels (fuzzy matched against the pack's
aliases) and which words are printed text, a NIP or an employee number."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from .ocr import Word

LABEL_MIN = 0.80
"""Minimum fuzzy score (0..1) of a word span against an alias to count as the role's label."""
PRINTED_CONF = 0.6
"""A word read with at least this confidence counts as printed text (masked out of the ink)."""

# ---------------------------------------------------------------- text helpers


@functools.lru_cache(maxsize=8192)
def _norm(s: str) -> str:
    """Lower case ASCII letters and digits, single spaces (a pure function of the string, so it
    is cached: a sheet's words and the pack's aliases are normalised a thousand times)."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.lower().replace("!", "i").replace("|", "l")
    s = re.sub(r"[^0-9a-z]+", " ", s)
    return " ".join(s.split())


@dataclass
class Line:
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> int:
        return min(w.x for w in self.words)

    @property
    def x1(self) -> int:
        return max(w.x + w.w for w in self.words)

    @property
    def y0(self) -> int:
        return min(w.y for w in self.words)

    @property
    def y1(self) -> int:
        return max(w.y + w.h for w in self.words)

    @property
    def h(self) -> int:
        return int(np.median([w.h for w in self.words]))


def group_lines(words: list[Word]) -> list[Line]:
    """Words grouped into text lines by geometry (same band, small gaps), left to right.

    Tesseract's own line ids are not used: it often splits one printed line into several blocks
    (or joins columns), and a label must be matched across such splits."""
    lines: list[Line] = []
    for w in sorted(words, key=lambda w: (w.page, w.x)):
        cy = w.y + w.h / 2
        best, best_d = None, None
        for ln in lines:
            last = ln.words[-1]
            if last.page != w.page:
                continue
            h = max(w.h, last.h)
            lcy = last.y + last.h / 2
            gap = w.x - (last.x + last.w)
            if abs(cy - lcy) <= 0.45 * h and -0.5 * h <= gap <= 1.8 * h:
                d = abs(cy - lcy) + gap / 4
                if best_d is None or d < best_d:
                    best, best_d = ln, d
        if best is None:
            lines.append(Line([w]))
        else:
            best.words.append(w)
    lines.sort(key=lambda ln: (ln.y0, ln.x0))
    return lines


def _union(words: list[Word]) -> tuple[int, int, int, int]:
    x0 = min(w.x for w in words)
    y0 = min(w.y for w in words)
    x1 = max(w.x + w.w for w in words)
    y1 = max(w.y + w.h for w in words)
    return x0, y0, x1 - x0, y1 - y0


# ---------------------------------------------------------------- labels


@dataclass
class Candidate:
    role: str
    alias: str
    page: int
    line: Line
    words: list[Word]
    score: float

    @property
    def box(self) -> tuple[int, int, int, int]:
        return _union(self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def label_candidates(lines: list[Line], pack, page: int) -> list[Candidate]:
    """Every word span that matches an alias of a role with a score of at least LABEL_MIN."""
    out: list[Candidate] = []
    for ln in lines:
        normed = [_norm(w.text) for w in ln.words]
        for role in pack.roles:
            aliases = {a for a in (*role.aliases, role.name.get("id", "")) if a}
            for alias in aliases:
                na = _norm(alias)
                k = len(na.split())
                if not k:
                    continue
                best: Candidate | None = None
                for size in {k - 1, k, k + 1} - {0}:
                    for i in range(0, max(0, len(ln.words) - size) + 1):
                        span = " ".join(t for t in normed[i : i + size] if t)
                        if not span:
                            continue
                        s = fuzz.ratio(span, na) / 100.0
                        if s >= LABEL_MIN and (best is None or s > best.score):
                            best = Candidate(role.id, alias, page, ln, ln.words[i : i + size], s)
                if best is not None:
                    out.append(best)
    return out


def assign_labels(cands: list[Candidate], pack) -> dict[str, Candidate]:
    """One label per role: longer aliases first (so 'PPID Pelaksana' inside 'Atasan PPID Pelaksana'
    is not taken for the Ketua), no word shared by two roles, then the label that best looks like a
    signature block's heading (alone on its line)."""

    def alias_len(c: Candidate) -> int:
        return len(_norm(c.alias).split())

    def dominance(c: Candidate) -> float:
        return len(c.words) / max(1, len(c.line.words))

    order = sorted(cands, key=lambda c: (-alias_len(c), -c.score, -dominance(c)))
    taken: set[int] = set()
    kept: list[Candidate] = []
    for c in order:
        ids = {id(w) for w in c.words}
        if ids & taken:
            continue
        kept.append(c)
        taken |= ids
    best: dict[str, Candidate] = {}
    for c in kept:
        key = (c.score + 0.15 * dominance(c) + 0.02 * alias_len(c), c.page, c.box[1])
        cur = best.get(c.role)
        if cur is None:
            best[c.role] = c
            continue
        ckey = (cur.score + 0.15 * dominance(cur) + 0.02 * alias_len(cur), cur.page, cur.box[1])
        # equal scores: the later one (signature blocks sit low on the sheet)
        if key > ckey:
            best[c.role] = c
    return best


def _in_col(w: Word, x0: int, x1: int) -> bool:
    c = w.x + w.w / 2
    return x0 <= c <= x1


def _is_printed(w: Word) -> bool:
    """A word that is printed text (masked out of ink and box tests). Tesseract also reads tick
    boxes and bits of signatures as short 'words' ('[_]', 'PJ', 'CJ', 'RX'): a word of fewer than
    4 letters or digits that is about as wide as tall is not taken for text, nor one without a
    letter or digit."""
    if w.conf < PRINTED_CONF:
        return False
    t = _norm(w.text).replace(" ", "")
    if len(t) < 2:
        return False
    return len(t) >= 4 or w.w >= 1.5 * w.h


_RE_NIP = re.compile(r"^n[il1]p\b|^nip\.?$", re.IGNORECASE)


def _is_nip(w: Word) -> bool:
    t = _norm(w.text)
    return bool(_RE_NIP.match(t)) or t in ("nip", "n1p", "nlp")


def _is_id_number(w: Word) -> bool:
    """An employee number (NIP '19830514 201312 2 002'): a word of 8 or more digits."""
    return w.conf >= PRINTED_CONF and bool(re.fullmatch(r"\d{8,}", w.text.strip(" .,:")))
