"""Map the signer of a digital signature to a rule-pack role (issue 8).

In order: the NIP of the certificate subject printed under the role's label on the sheet, the
signer's name printed there, then the certificate subject itself (its title or unit naming the
role). The labels and the text under them are found with the same geometry as the sheet reader
(``sopcheck.extract.sheet``) on the PDF's text layer.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from ..model import SignatureInfo

NAME_MIN = 90
"""rapidfuzz token-set score (0..100) for a signer's name to match the printed name."""
TITLE_MIN = 90
"""rapidfuzz partial score for a certificate title to name a role's alias."""


def digits(s: str | None) -> str:
    """The digits of ``s`` (a NIP however it is spaced)."""
    return re.sub(r"\D", "", s or "")


def role_texts(path: Path, pack) -> dict[str, str]:
    """The text printed under each role label found on the PDF's text layer (role id -> text)."""
    from .pages import load_pages
    from .sheet import assign_labels, group_lines, label_candidates, role_block

    pages = [p for p in load_pages(path, osd=False) if p.words]
    per_page, cands = {}, []
    for pg in pages:
        words = [replace(w, page=pg.number) for w in pg.words]
        per_page[pg.number] = (pg, words)
        cands += label_candidates(group_lines(words), pack, pg.number)
    labels = assign_labels(cands, pack)
    out: dict[str, str] = {}
    for rid, c in labels.items():
        pg, words = per_page[c.page]
        same = {k: v for k, v in labels.items() if v.page == c.page}
        b = role_block(c, same, words, pg.image.width, pg.image.height, None)
        below = sorted(
            (
                w
                for w in words
                if b.x0 <= w.x + w.w / 2 <= b.x1 and b.label_bottom <= w.y <= b.bottom
            ),
            key=lambda w: (w.y, w.x),
        )
        out[rid] = " ".join(w.text for w in below)
    return out


def _norm(s: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", s.casefold()).split())


def match_role(sig: SignatureInfo, texts: dict[str, str], pack) -> tuple[str | None, str | None]:
    """(role id, how) for one signature, or (None, None)."""
    from rapidfuzz import fuzz

    nip = digits(sig.signer_nip)
    if len(nip) >= 8:
        for rid, text in texts.items():
            if nip in digits(text.replace(" ", "")) or nip in re.sub(r"\s", "", text):
                return rid, "NIP on the sheet"
    name = _norm(sig.signer_name or "")
    if name:
        for rid, text in texts.items():
            if fuzz.partial_ratio(name, _norm(text)) >= NAME_MIN and len(name) >= 4:
                return rid, "name on the sheet"
    subject = _norm(" ".join(x for x in (sig.signer_title, sig.signer) if x))
    found = []  # the longest alias wins: 'Atasan PPID Pelaksana' over 'PPID Pelaksana'
    for role in pack.roles if subject else ():
        for alias in {_norm(a) for a in (*role.aliases, *role.name.values())} - {""}:
            if len(alias) <= len(subject):
                score = fuzz.partial_ratio(alias, subject)
            else:
                score = fuzz.ratio(alias, subject)
            if score >= TITLE_MIN:
                found.append((len(alias), score, role.id))
    if found:
        return max(found)[2], "certificate subject"
    return None, None


def map_roles(path: Path, sigs: tuple[SignatureInfo, ...], pack) -> tuple[SignatureInfo, ...]:
    """``sigs`` with ``role`` and ``role_source`` set where the signer maps to a role."""
    try:
        texts = role_texts(path, pack)
    except Exception:  # no text layer or no label: the certificate subject may still tell
        texts = {}
    out = []
    for s in sigs:
        if s.status in ("empty", "unparseable"):
            out.append(s)
            continue
        rid, how = match_role(s, texts, pack)
        out.append(replace(s, role=rid, role_source=how) if rid else s)
    return tuple(out)
