"""Read a free-form approval sheet (any layout that names the roles) or a PDF with a text layer.

Per role of the pack: find its label by fuzzy matching word spans against the role's aliases
(rapidfuzz, tolerant of OCR noise), take the signature area below the label down to the printed
name / NIP line (or a fixed share of the page), judge the ink there with ``ink.signature_presence``
after masking the printed words, read the decision (ticked Setuju / Tolak boxes, or a typed word)
and the date next to the role. Anything unsure stays 'uncertain' / None so the checks say review.
"""

from __future__ import annotations

import numpy as np

from ..model import RoleReading, SheetReading
from . import ocr
from .ocr import Word
from .pages import Page
from .sheet_blocks import (  # noqa: F401 - re-exported: the old import paths keep working
    RULE_SHARE,
    SIG_FALLBACK_SHARE,
    Block,
    _alone_in_row,
    _column,
    _dark,
    align_blocks,
    clip_at_rules,
    mask_rules,
    role_block,
)
from .sheet_caption import printed_caption
from .sheet_dates import (  # noqa: F401
    DATE_MIN_CONF,
    _stray_digits,
    date_notes,
    read_block_date,
    read_role_date,
)
from .sheet_decision import (  # noqa: F401
    _assign_boxes,
    _crossed,
    _local_box_fill,
    _marked_by_text,
    _near_box,
    _row_boxes,
    _span_word,
    _word_kind,
    _xyxy,
    read_decision,
)
from .sheet_signature import (  # noqa: F401
    CROP_MAX,
    _crop_png,
    _ink,
    _masked_area,
    judge_signature,
    signature_area,
    text_words,
    trim_region,
)
from .sheet_words import (  # noqa: F401
    LABEL_MIN,
    PRINTED_CONF,
    Candidate,
    Line,
    _in_col,
    _is_id_number,
    _is_nip,
    _is_printed,
    _norm,
    _union,
    assign_labels,
    group_lines,
    label_candidates,
)

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
    return ocr.ocr_page(page.image, page.dpi, langs, psm=3, page=page.number)


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
        printed = text_words(words, lh)
        region = signature_area(block, printed, lh)
        region = trim_region(img, region, printed, lh, pg.dpi)
        if not block.name_found:
            rnotes.append(
                "no name / NIP line below the label: signature area is a fixed share of the page"
            )
        idx = next((i for i, p in enumerate(pages) if p.number == c.page), None)
        colour = colours[idx] if colours and idx is not None and idx < len(colours) else None
        sig, sconf, crop, n = judge_signature(img, region, printed, colour, pg.dpi)
        rnotes += n
        decision, dstate, dconf, n = read_decision(img, block, lines, words)
        rnotes += n
        dr = read_block_date(
            block, lines, img, colour=colour, langs=langs, text_layer=pg.text_layer
        )
        d, dtext, dconf_ocr = dr.date, dr.text, dr.confidence
        rnotes += dr.notes
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
    caption = printed_caption([ln for _pg, _w, lines in per_page.values() for ln in lines])
    return SheetReading(
        file=file,
        kind=kind,
        pages=len(pages),
        text_layer=any(p.text_layer for p in pages),
        roles=tuple(roles),
        ocr_confidence=(round(float(np.mean(confs)), 3) if confs and kind != "text-pdf" else None),
        words=len(all_words),
        rotation=pages[0].rotation if pages else 0,
        caption_text=caption,
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
