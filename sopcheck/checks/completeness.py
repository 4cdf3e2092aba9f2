"""KLP: what must be handed in (photos, narrative, caption)."""

from __future__ import annotations

from ..extract.photos import hamming
from ..extract.text import graphemes, word_count
from ..model import Evidence, Status
from .registry import Outcome, Param, RuleContext, check


@check(
    "photo_count",
    min_photos=Param(type=int, default=4, doc="minimum number of distinct photos"),
    count_videos=Param(type=bool, default=False, doc="whether videos count towards the minimum"),
    duplicate_max_distance=Param(
        type=int,
        default=5,
        doc="difference-hash distance (of 64 bits) at or below which two photos count once",
    ),
)
def photo_count(ctx: RuleContext) -> Outcome:
    """At least N distinct photos; near-duplicates (perceptual hash) count once."""
    p = ctx.params
    sha = {f.path: f.sha256 for f in ctx.evidence.package.files}
    kept: list[tuple[str, str | None, str | None]] = []  # (file, phash, sha256)
    evidence: list[Evidence] = []
    dups = []
    for photo in ctx.evidence.photos:
        if photo.error or photo.phash is None:
            evidence.append(
                Evidence(file=photo.file, note=f"not counted: {photo.error or 'no pixels'}")
            )
            continue
        twin = None
        for file, ph, digest in kept:
            if digest and digest == sha.get(photo.file):
                twin = (file, 0, "identical file")
                break
            if ph is not None and (d := hamming(ph, photo.phash)) <= p["duplicate_max_distance"]:
                twin = (file, d, f"near-duplicate (hash distance {d})")
                break
        if twin:
            dups.append(photo.file)
            evidence.append(
                Evidence(
                    file=photo.file,
                    tag="dhash",
                    value=photo.phash,
                    note=f"{twin[2]} of {twin[0]}: counted once",
                )
            )
        else:
            kept.append((photo.file, photo.phash, sha.get(photo.file)))
            evidence.append(Evidence(file=photo.file, tag="dhash", value=photo.phash))
    count = len(kept)
    videos = len(ctx.evidence.videos)
    if p["count_videos"]:
        count += videos
    params = {
        "count": count, "min": p["min_photos"], "files": len(ctx.evidence.photos),
        "duplicates": ", ".join(dups) or "-", "videos": videos,
    }  # fmt: skip
    status = Status.PASS if count >= p["min_photos"] else Status.FAIL
    return Outcome(
        status=status, message_id=f"klp01.{status.value}", params=params, evidence=tuple(evidence)
    )


@check("narrative_present", min_words=Param(type=int, default=1, doc="minimum number of words"))
def narrative_present(ctx: RuleContext) -> Outcome:
    """A news narrative is present and not empty."""
    nar = ctx.evidence.narrative
    if nar is None:
        looked = Evidence(
            tag="narasi.txt|md|docx|pdf, paket.yaml narasi", note="not found in the package"
        )
        return Outcome(status=Status.FAIL, message_id="klp02.missing", evidence=(looked,))
    ev = Evidence(file=nar.file, source=nar.source, note=nar.note or nar.error)
    if nar.error:
        return Outcome(
            status=Status.ERROR,
            message_id="klp02.unreadable",
            params={"file": nar.file, "reason": nar.error},
            evidence=(ev,),
        )
    words = word_count(nar.text)
    ev = Evidence(file=nar.file, source=nar.source, tag="words", value=words, note=nar.note)
    params = {"file": nar.file, "words": words, "min": ctx.params["min_words"]}
    if words < ctx.params["min_words"]:
        return Outcome(status=Status.FAIL, message_id="klp02.empty", params=params, evidence=(ev,))
    return Outcome(status=Status.PASS, message_id="klp02.pass", params=params, evidence=(ev,))


@check(
    "caption_length",
    max_chars=Param(type=int, default=200, doc="maximum length in grapheme clusters"),
)
def caption_length(ctx: RuleContext) -> Outcome:
    """A caption is present and at most N user-perceived characters (after NFC and trimming)."""
    cap = ctx.evidence.caption
    if cap is None:
        looked = Evidence(tag="caption.txt, paket.yaml caption", note="not found in the package")
        return Outcome(status=Status.FAIL, message_id="klp03.missing", evidence=(looked,))
    if cap.error:
        ev = Evidence(file=cap.file, note=cap.error)
        return Outcome(
            status=Status.ERROR,
            message_id="klp03.unreadable",
            params={"file": cap.file, "reason": cap.error},
            evidence=(ev,),
        )
    text = cap.text or ""
    n, cp = graphemes(text), len(text)
    ev = Evidence(
        file=cap.file, source=cap.source, tag="graphemes", value=n,
        note="; ".join(x for x in (f"{cp} code points", cap.encoding and f"encoding {cap.encoding}", cap.note) if x),
    )  # fmt: skip
    params = {"file": cap.file, "graphemes": n, "codepoints": cp, "max": ctx.params["max_chars"]}
    if n == 0:
        return Outcome(status=Status.FAIL, message_id="klp03.empty", params=params, evidence=(ev,))
    status = Status.PASS if n <= ctx.params["max_chars"] else Status.FAIL
    return Outcome(status=status, message_id=f"klp03.{status.value}", params=params, evidence=(ev,))
