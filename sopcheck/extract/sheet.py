"""Read a free-form approval sheet (any layout that names the roles) or a PDF with a text layer.

Per role of the pack: find its label by fuzzy matching word spans against the role's aliases
(rapidfuzz, tolerant of OCR noise), take the signature area below the label down to the printed
name / NIP line (or a fixed share of the page), judge the ink there with ``ink.signature_presence``
after masking the printed words, read the decision (ticked Setuju / Tolak boxes, or a typed word)
and the date next to the role. Anything unsure stays 'uncertain' / None so the checks say review.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
from PIL import Image
from rapidfuzz import fuzz

from ..dates import find_date
from ..model import RoleReading, SheetReading
from . import ocr
from .ocr import Word
from .pages import Page, otsu

LABEL_MIN = 0.80
"""Minimum fuzzy score (0..1) of a word span against an alias to count as the role's label."""
DATE_MIN_CONF = 0.6
"""OCR confidence below which a date is kept as text only (review)."""
PRINTED_CONF = 0.6
"""A word read with at least this confidence counts as printed text (masked out of the ink)."""
SIG_FALLBACK_SHARE = 0.14
"""Height of the signature area, as a share of the page height, when no name / NIP line is found."""
CROP_MAX = 480
RULE_SHARE = 0.8
"""A row / column of pixels dark over this share of an area's width / height is a ruling line."""


# ---------------------------------------------------------------- text helpers


def _norm(s: str) -> str:
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


# ---------------------------------------------------------------- geometry of a role block


def _column(c: Candidate, labels: dict[str, Candidate], page_w: int) -> tuple[int, int]:
    """Horizontal extent of the role's block: up to the midpoints to labels on the same band."""
    x, y, w, h = c.box
    cx = x + w / 2
    left, right = 0, page_w
    for other in labels.values():
        if other is c or other.page != c.page:
            continue
        ox, oy, ow, oh = other.box
        if oy > y + 3 * h or oy + oh < y - 3 * h:
            continue  # not on the same band
        ocx = ox + ow / 2
        if ocx < cx:
            left = max(left, int((ox + ow + x) / 2))
        else:
            right = min(right, int((x + w + ox) / 2))
    # a label with a neighbour on one side only: columns of a row are about equally wide, so the
    # same distance on the free side (not the rest of the page); a lone label: a generous column
    half = max(w * 0.9, page_w * 0.22)
    if left == 0 and right < page_w:
        half = min(half, max(right - cx, w / 2 + 4))
    elif right == page_w and left > 0:
        half = min(half, max(cx - left, w / 2 + 4))
    left = max(left, int(cx - half)) if left == 0 else left
    right = min(right, int(cx + half)) if right == page_w else right
    return max(0, left), min(page_w, right)


def _alone_in_row(
    c: Candidate, labels: dict[str, Candidate], words: list[Word], page_w: int, page_h: int
) -> bool:
    """No other label on the label's band and one name / NIP column below it: the block owns the
    whole width of the page (a signature may sit anywhere on it, e.g. in a list of blocks)."""
    x, y, w, h = c.box
    for other in labels.values():
        if other is not c and other.page == c.page:
            oy, oh = other.box[1], other.box[3]
            if not (oy > y + 3 * h or oy + oh < y - 3 * h):
                return False
    below = [
        wd
        for wd in words
        if (_is_nip(wd) or _is_id_number(wd)) and y + h < wd.y < y + h + 0.3 * page_h
    ]
    xs = [wd.x for wd in below if _is_nip(wd)] or [wd.x for wd in below]
    # blocks of a row whose labels were not read leave their own NIP lines elsewhere on the row
    return not xs or max(xs) - min(xs) < 0.3 * page_w


def _dark(a: np.ndarray) -> np.ndarray:
    """Ink pixels: at or below the Otsu threshold (class 0), never lighter than 160."""
    t = min(otsu(a), 160) if a.size else 128
    return a <= t


def clip_at_rules(
    img: Image.Image, x0: int, x1: int, y0: int, y1: int, cx: float
) -> tuple[int, int]:
    """(x0, x1) narrowed to the vertical ruling lines (a table's cell borders) nearest to ``cx``
    on either side: dark columns spanning most of the rows y0..y1."""
    y0, y1 = max(0, y0), min(img.height, y1)
    x0, x1 = max(0, x0), min(img.width, x1)
    if y1 - y0 < 20 or x1 - x0 < 20:
        return x0, x1
    dark = _dark(np.asarray(img.convert("L").crop((x0, y0, x1, y1)), dtype=np.uint8))
    # a little slack for residual skew: a pixel counts when dark within +-2 columns
    wide = dark.copy()
    for k in (1, 2):
        wide[:, k:] |= dark[:, :-k]
        wide[:, :-k] |= dark[:, k:]
    frac = wide.mean(axis=0)
    rules = np.nonzero(frac >= RULE_SHARE)[0]
    c = int(cx) - x0
    lefts = rules[rules < c - 8]
    rights = rules[rules > c + 8]
    nx0 = x0 + int(lefts.max()) + 4 if len(lefts) else x0
    nx1 = x0 + int(rights.min()) - 4 if len(rights) else x1
    if nx1 - nx0 < 20:
        return x0, x1
    return nx0, nx1


def mask_rules(area: Image.Image) -> Image.Image:
    """The area with long straight lines (table rules, underlines of the name line) whitened, so
    they do not count as ink: rows / columns dark over RULE_SHARE of the area's width / height."""
    a = np.asarray(area.convert("L"), dtype=np.uint8).copy()
    h, w = a.shape
    if h < 8 or w < 8:
        return area
    dark = _dark(a)
    paper = int(np.percentile(a, 90))
    rows = dark.mean(axis=1) >= RULE_SHARE
    cols = dark.mean(axis=0) >= RULE_SHARE
    for mask, axis in ((rows, 0), (cols, 1)):
        idx = np.nonzero(mask)[0]
        for i in idx:
            lo, hi = max(0, i - 1), i + 2
            if axis == 0:
                a[lo:hi, :] = paper
            else:
                a[:, lo:hi] = paper
    return Image.fromarray(a, mode="L")


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


@dataclass
class Block:
    x0: int
    x1: int
    top: int
    """Top of the block (a few lines above the label, for a date line above it)."""
    label_bottom: int
    end: int
    """Top of the name / NIP lines (the signature area's lower bound)."""
    bottom: int
    """Bottom of the block (below the NIP line)."""
    name_found: bool


def role_block(
    c: Candidate,
    labels: dict[str, Candidate],
    words: list[Word],
    page_w: int,
    page_h: int,
    img: Image.Image | None = None,
) -> Block:
    x0, x1 = _column(c, labels, page_w)
    lx, ly, lw, lh = c.box
    if _alone_in_row(c, labels, words, page_w, page_h):
        x0, x1 = 0, page_w
    if img is not None:
        x0, x1 = clip_at_rules(
            img, x0, x1, ly + lh, int(ly + lh + SIG_FALLBACK_SHARE * page_h), lx + lw / 2
        )
    label_bottom = ly + lh
    # the next label below in this column bounds the block
    limit = page_h
    prev_end = 0
    for other in labels.values():
        if other is c or other.page != c.page:
            continue
        ox, oy, ow, oh = other.box
        if not (x0 <= ox + ow / 2 <= x1):
            continue
        if oy > label_bottom:
            limit = min(limit, oy - 2)
        elif oy + oh < ly:
            prev_end = max(prev_end, oy + oh)
    top = max(prev_end, int(ly - 5 * lh))
    col = [w for w in words if _in_col(w, x0, x1) and label_bottom < w.y < limit]
    nips = sorted((w for w in col if _is_nip(w)), key=lambda w: w.y)
    if not nips:
        nips = sorted((w for w in col if _is_id_number(w)), key=lambda w: w.y)
    name_found = False
    end = min(limit, int(label_bottom + SIG_FALLBACK_SHARE * page_h))
    bottom = end
    if nips:
        nip = nips[0]
        end = nip.y - 2
        bottom = min(limit, nip.y + nip.h * 2)
        name_found = True
        # a printed name line right above the NIP (within 2.5 line heights) belongs to it
        above = [
            w
            for w in col
            if w.y + w.h <= nip.y and nip.y - (w.y + w.h) < 2.5 * nip.h and _is_printed(w)
        ]
        if above:
            end = min(w.y for w in above) - 2
    return Block(x0, x1, top, label_bottom, max(end, label_bottom + 1), bottom, name_found)


def align_blocks(labels: dict[str, Candidate], blocks: dict[str, Block]) -> None:
    """A block whose name / NIP line was not read (OCR missed it, e.g. under a stamp) takes the
    lower bound of a block on the same row whose name line was found: the blocks of one row of
    signatures end on the same line."""
    for rid, b in blocks.items():
        if b.name_found:
            continue
        c = labels[rid]
        _x, y, _w, h = c.box
        ends = [
            (blocks[o].end, blocks[o].bottom)
            for o, oc in labels.items()
            if o != rid
            and o in blocks
            and oc.page == c.page
            and blocks[o].name_found
            and abs(oc.box[1] - y) <= 1.5 * h
            and blocks[o].end > b.label_bottom + h
        ]
        if ends:
            end = int(np.median([e for e, _ in ends]))
            bottom = int(np.median([bt for _, bt in ends]))
            blocks[rid] = Block(b.x0, b.x1, b.top, b.label_bottom, end, bottom, True)


def signature_area(block: Block, words: list[Word], label_h: int) -> tuple[int, int, int, int]:
    """The largest vertical gap between printed lines in the block, from the label down to the name."""
    printed = [
        w
        for w in words
        if _is_printed(w)
        and _in_col(w, block.x0, block.x1)
        and block.label_bottom < w.y + w.h / 2 < block.end
    ]
    # bands of printed text
    bands: list[list[int]] = []
    for w in sorted(printed, key=lambda w: w.y):
        if bands and w.y <= bands[-1][1]:
            bands[-1][1] = max(bands[-1][1], w.y + w.h)
        else:
            bands.append([w.y, w.y + w.h])
    edges = [block.label_bottom, *[v for b in bands for v in b], block.end]
    gaps = [(edges[i + 1] - edges[i], edges[i], edges[i + 1]) for i in range(0, len(edges) - 1, 2)]
    size, y0, y1 = max(gaps)
    if size < 1.5 * label_h:
        y0, y1 = block.label_bottom, block.end
    pad = max(2, label_h // 4)
    y0, y1 = y0 + pad, y1 - 1
    if y1 - y0 < label_h:
        y0, y1 = block.label_bottom, max(block.end, block.label_bottom + 2 * label_h)
    return block.x0, y0, block.x1 - block.x0, y1 - y0


def trim_region(img: Image.Image, region, words: list[Word], line_h: int):
    """The signature area without lines of text on its top and bottom edges that the OCR missed
    (a handwritten date line, an underlined bold name): see ``ink.edge_text_bands``."""
    ink = _ink()
    x, y, w, h = region
    if ink is None or h < 2 * line_h:
        return region
    area = _masked_area(img, region, words)
    top, bottom = ink.edge_text_bands(area, line_h)
    pad = max(2, line_h // 4)
    top = top + pad if top else 0
    bottom = bottom - pad if bottom < h else h
    if bottom - top < line_h:
        return region
    return x, y + top, w, bottom - top


def _masked_area(img: Image.Image, region, words: list[Word]) -> Image.Image:
    """The area cut from the page, ruling lines and printed words whitened."""
    x, y, w, h = region
    area = mask_rules(img.crop((x, y, x + w, y + h)))
    a = np.asarray(area.convert("L"), dtype=np.uint8).copy()
    paper = int(np.percentile(a, 90)) if a.size else 255
    for wd in words:
        if not _is_printed(wd):
            continue
        x0, y0 = max(0, wd.x - x), max(0, wd.y - y)
        x1, y1 = min(w, wd.x + wd.w - x), min(h, wd.y + wd.h - y)
        if x1 > x0 and y1 > y0:
            a[y0:y1, x0:x1] = paper
    return Image.fromarray(a, mode="L")


# ---------------------------------------------------------------- ink (helper B's classifiers)


def _ink():
    try:
        from . import ink
    except ImportError:
        return None
    return ink


def _local_box_fill(box: Image.Image) -> float:
    """Fill ratio of a box's interior (border shrunk by 15%), used only when ink.py is missing."""
    a = np.asarray(box.convert("L"), dtype=np.uint8)
    h, w = a.shape
    dy, dx = max(1, int(h * 0.15)), max(1, int(w * 0.15))
    inner = a[dy : h - dy, dx : w - dx]
    if inner.size == 0:
        return 0.0
    return float((inner < 128).mean())


def _crop_png(img: Image.Image) -> bytes:
    c = img.copy()
    c.thumbnail((CROP_MAX, CROP_MAX))
    buf = io.BytesIO()
    c.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def judge_signature(
    img: Image.Image, region, words: list[Word], colour: Image.Image | None = None
) -> tuple[str, float, bytes, list[str]]:
    x, y, w, h = region
    area = mask_rules(img.crop((x, y, x + w, y + h)))
    carea = colour.crop((x, y, x + w, y + h)) if colour is not None else None
    masks = []
    for wd in words:
        if not _is_printed(wd):
            continue
        if wd.x + wd.w < x or wd.x > x + w or wd.y + wd.h < y or wd.y > y + h:
            continue
        masks.append((wd.x - x, wd.y - y, wd.w, wd.h))
    crop = _crop_png(area)
    ink = _ink()
    if ink is None:
        return "uncertain", 0.0, crop, ["ink classifier not available"]
    try:
        call, conf, _features = ink.signature_presence(area, masks, colour=carea)
    except Exception as e:  # the classifier failing on one area is a review, not a crash
        return "uncertain", 0.0, crop, [f"signature check failed: {e}"]
    if call not in ("signed", "not_signed", "uncertain"):
        call = "uncertain"
    notes = [f"signature: {_features.get('reason', 'uncertain')}"] if call == "uncertain" else []
    return call, float(conf), crop, notes


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


def _assign_boxes(s_word: Word | None, t_word: Word | None, boxes: list) -> tuple | None:
    """(setuju box, tolak box) or None when it is not clear which box belongs to which option.
    With one option's word unread, the row must hold exactly two boxes: the read word's own box
    (clearly nearer to it than the other) and the other option's."""
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

    a = np.asarray(img.convert("L"), dtype=np.float32)
    try:
        return ticks.strokes_across(a, (w.x, w.y, w.x + w.w, w.y + w.h), float(max(w.h, 8)))
    except Exception:  # noqa: BLE001 - unsure: treat as crossed
        return True


def _xyxy(b):
    x, y, w, h = b
    return x, y, x + w, y + h


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


def date_notes(d, dtext: str | None, conf: float | None) -> list[str]:
    """Why a date found in the block was not used (from ``read_role_date``'s result)."""
    if d is not None or not dtext:
        return []
    if conf is not None and conf < DATE_MIN_CONF:
        return [f"date read with low confidence ({conf:.2f}): not used"]
    found = find_date(dtext) if conf is None else None
    if found is None:
        return []
    if _stray_digits(dtext, found[1]):
        return ["digits beside the date: which date is meant is unclear, not used"]
    return ["date crossed by a pen stroke: not used"]


# ---------------------------------------------------------------- the sheet


def _page_words(page: Page, langs: str) -> list[Word]:
    if page.words is not None:
        return [
            Word(
                text=w.text,
                conf=w.conf,
                x=w.x,
                y=w.y,
                w=w.w,
                h=w.h,
                block=w.block,
                par=w.par,
                line=w.line,
                page=page.number,
            )
            for w in page.words
        ]
    if page.ocr_words is not None:  # read once already (sheets.read_upright)
        return page.ocr_words
    return ocr.ocr_image(page.image, langs, psm=3, page=page.number)


def read_roles(pages: list[Page], pack, *, kind: str, file: str = "", colours=None) -> SheetReading:
    langs = ocr.usable_langs(getattr(pack, "ocr_languages", None) or ocr.DEFAULT_LANGS)
    per_page: dict[int, tuple[Page, list[Word], list[Line]]] = {}
    cands: list[Candidate] = []
    all_words: list[Word] = []
    notes: list[str] = []
    for pg in pages:
        words = _page_words(pg, langs)
        lines = group_lines(words)
        per_page[pg.number] = (pg, words, lines)
        all_words += words
        cands += label_candidates(lines, pack, pg.number)
        notes += [f"page {pg.number}: {n}" for n in pg.notes]
    labels = assign_labels(cands, pack)
    blocks: dict[str, Block] = {}
    for rid, c in labels.items():
        pg, words, _lines = per_page[c.page]
        same_page = {k: v for k, v in labels.items() if v.page == c.page}
        blocks[rid] = role_block(c, same_page, words, pg.image.width, pg.image.height, pg.image)
    align_blocks(labels, blocks)
    roles: list[RoleReading] = []
    for role in pack.roles:
        c = labels.get(role.id)
        if c is None:
            roles.append(RoleReading(role=role.id, found=False, notes=("label not found",)))
            continue
        pg, words, lines = per_page[c.page]
        img = pg.image
        rnotes: list[str] = []
        block = blocks[role.id]
        lh = max(c.box[3], 8)
        region = signature_area(block, words, lh)
        region = trim_region(img, region, words, lh)
        if not block.name_found:
            rnotes.append(
                "no name / NIP line below the label: signature area is a fixed share of the page"
            )
        idx = next((i for i, p in enumerate(pages) if p.number == c.page), None)
        colour = colours[idx] if colours and idx is not None and idx < len(colours) else None
        sig, sconf, crop, n = judge_signature(img, region, words, colour)
        rnotes += n
        decision, dstate, dconf, n = read_decision(img, block, lines, words)
        rnotes += n
        d, dtext, dconf_ocr = read_role_date(block, lines, img)
        rnotes += date_notes(d, dtext, dconf_ocr)
        roles.append(
            RoleReading(
                role=role.id,
                found=True,
                page=c.page,
                label_text=c.text,
                label_score=round(c.score, 3),
                region=tuple(int(v) for v in region),
                signature=sig,
                signature_confidence=round(sconf, 3),
                signature_crop=crop,
                decision=decision,
                decision_state=dstate,
                decision_confidence=round(dconf, 3),
                date=d,
                date_text=dtext,
                date_confidence=dconf_ocr,
                notes=tuple(rnotes),
            )
        )
    confs = [w.conf for w in all_words]
    return SheetReading(
        file=file,
        kind=kind,
        pages=len(pages),
        text_layer=any(p.text_layer for p in pages),
        roles=tuple(roles),
        ocr_confidence=(round(float(np.mean(confs)), 3) if confs and kind != "text-pdf" else None),
        words=len(all_words),
        rotation=pages[0].rotation if pages else 0,
        notes=tuple(notes),
    )


def read_free_form(pages: list[Page], pack, *, file: str = "", colours=None) -> SheetReading:
    """Any sheet that names the roles, read by OCR (pages with a text layer use it instead).
    ``colours``: per page, the page in colour or None (to tell pen from stamp ink)."""
    return read_roles(pages, pack, kind="free-form", file=file, colours=colours)


def read_text_pdf(pages: list[Page], pack, *, file: str = "") -> SheetReading:
    """A PDF with a text layer: the same role logic on the text layer's words; the ink is judged on
    the rendered page."""
    return read_roles(pages, pack, kind="text-pdf", file=file)
