"""PST: the approval sheet, its signatures, the decision, digital signatures, and its content link.

Sheets are read by sopcheck.extract.sheets (OCR, ink, QR). What a sheet shows uncertainly, or what
exists only on a sheet that could not be read, is ``review`` (a person must look), never ``pass``.
"""

from __future__ import annotations

import unicodedata

from ..model import Evidence, Severity, Status
from .common import no_record
from .esignview import esign_files, file_status, role_signatures, signature_evidence
from .registry import Outcome, Param, RuleContext, check
from .sheetview import decision_of, read_sheets, seen, sheets_unread, signature_call

_NOT_FOUND = Evidence(
    tag="persetujuan*.pdf|jpg|png|tif|heic|webp", note="no approval sheet in the package"
)


def _sheet_evidence(ctx: RuleContext, note: str) -> tuple[Evidence, ...]:
    problems = dict(ctx.evidence.approval_problems)
    errors = {s.file: s.error for s in ctx.evidence.sheets if s.error}
    return tuple(
        Evidence(file=f, note=problems.get(f) or errors.get(f) or note)
        for f in ctx.evidence.approval_files
    )


def _readable(ctx: RuleContext) -> list[str]:
    problems = dict(ctx.evidence.approval_problems)
    return [f for f in ctx.evidence.approval_files if f not in problems]


def _unreadable(ctx: RuleContext) -> Outcome:
    params = {
        "files": ", ".join(ctx.evidence.approval_files),
        "problems": "; ".join(f"{f}: {r}" for f, r in ctx.evidence.approval_problems)
        or "; ".join(f"{s.file}: {s.error}" for s in ctx.evidence.sheets if s.error),
    }
    return Outcome(
        status=Status.ERROR,
        message_id="pst01.unreadable",
        params=params,
        evidence=_sheet_evidence(ctx, ""),
    )


@check("approval_present")
def approval_present(ctx: RuleContext) -> Outcome:
    """An approval sheet is present and its file opens (and reads, when sheets are read)."""
    files = ctx.evidence.approval_files
    if not files:
        return Outcome(status=Status.FAIL, message_id="pst01.missing", evidence=(_NOT_FOUND,))
    if not _readable(ctx):
        return _unreadable(ctx)
    if ctx.evidence.sheets and not read_sheets(ctx):
        return _unreadable(ctx)
    ev = tuple(
        Evidence(
            file=s.file,
            tag="sheet",
            value=s.kind,
            confidence=s.ocr_confidence,
            note=f"{s.pages} page(s), {s.words} words",
        )
        for s in read_sheets(ctx)
    ) or _sheet_evidence(ctx, "opens")
    return Outcome(
        status=Status.PASS,
        message_id="pst01.pass",
        params={"files": ", ".join(files), "problems": ""},
        evidence=ev,
    )


@check(
    "approval_signed",
    require=Param(
        type=str,
        default="any",
        doc="'any': at least one role signs (dan/atau); 'all': every role",
        choices=("any", "all"),
    ),
)
def approval_signed(ctx: RuleContext) -> Outcome:
    """The approval is signed by the required roles."""
    if not ctx.evidence.approval_files:
        return Outcome(status=Status.FAIL, message_id="pst02.no_sheet", evidence=(_NOT_FOUND,))
    if not _readable(ctx):
        return _unreadable(ctx)
    require = ctx.params["require"]
    if sheets_unread(ctx):
        params = {"files": ", ".join(_readable(ctx)), "require": require}
        return Outcome(status=Status.REVIEW, message_id="pst02.unread", params=params,
                       evidence=_sheet_evidence(ctx, "signatures not read: look at the sheet"))  # fmt: skip
    calls, evidence = {}, []
    for role in ctx.roles:
        items = seen(ctx, role)
        call, _, ev = signature_call(items)
        call = call if items else "not_found"
        digital = role_signatures(ctx, role)
        if any(d.status == "valid" for d in digital):
            call = "signed"  # a valid digital signature by the role's holder is its signature
        elif any(d.status == "not_verified" for d in digital) and call != "signed":
            call = "uncertain"  # intact, but whose certificate is not verified
        calls[role] = call
        ev += [signature_evidence(d, note=f"digital signature mapped to {role} by {d.role_source}")
               for d in digital]  # fmt: skip
        evidence += ev or [Evidence(tag="role", value=role, note="role not found on the sheet")]
    signed = [r for r, c in calls.items() if c == "signed"]
    unsure = [r for r, c in calls.items() if c in ("uncertain", "not_found")]
    params = {
        "signed": ", ".join(signed) or "-",
        "unsure": ", ".join(unsure) or "-",
        "require": require,
    }
    if require == "any":
        status = Status.PASS if signed else Status.REVIEW if unsure else Status.FAIL
    else:
        missing = [r for r, c in calls.items() if c == "not_signed"]
        status = Status.FAIL if missing else Status.REVIEW if unsure else Status.PASS
    return Outcome(
        status=status, message_id=f"pst02.{status.value}", params=params, evidence=tuple(evidence)
    )


@check("approval_decision")
def approval_decision(ctx: RuleContext) -> Outcome:
    """The decision is Setuju, not Tolak; a rejected package that was uploaded is the gravest finding."""
    pkg = ctx.evidence.package
    decided = [r for r in pkg.responses if r.decision]
    ev = [
        Evidence(
            file="paket.yaml",
            tag=f"tanggapan.{r.role}.keputusan",
            value=r.decision,
            source="manifest",
        )
        for r in decided
    ]
    rejected = {r.role for r in decided if r.decision == "tolak"}
    approved = {r.role for r in decided if r.decision == "setuju"}
    ambiguous = []
    for role in ctx.roles:
        clear, unsure, sheet_ev = decision_of(seen(ctx, role))
        ev += sheet_ev
        if "tolak" in clear:
            rejected.add(role)
        if "setuju" in clear:
            approved.add(role)
        if unsure or len(clear) > 1:
            ambiguous.append(role)
    uploaded = pkg.upload is not None and (pkg.upload.date is not None or pkg.upload.url)
    if rejected:
        params = {"roles": ", ".join(r for r in ctx.roles if r in rejected)}
        if uploaded:
            ev.append(
                Evidence(
                    file="paket.yaml",
                    tag="unggah",
                    value=pkg.upload.url or str(pkg.upload.date.value),
                    source="manifest",
                )
            )
            return Outcome(status=Status.FAIL, message_id="pst03.rejected_uploaded", params=params,
                           evidence=tuple(ev), severity=Severity.CRITICAL)  # fmt: skip
        return Outcome(
            status=Status.FAIL, message_id="pst03.rejected", params=params, evidence=tuple(ev)
        )
    if approved and not ambiguous:
        return Outcome(
            status=Status.PASS,
            message_id="pst03.pass",
            params={"roles": ", ".join(r for r in ctx.roles if r in approved)},
            evidence=tuple(ev),
        )
    if approved or ambiguous or sheets_unread(ctx):
        params = {"roles": ", ".join(ambiguous) or "-"}
        mid = "pst03.on_sheet" if sheets_unread(ctx) and not approved else "pst03.ambiguous"
        return Outcome(status=Status.REVIEW, message_id=mid, params=params,
                       evidence=tuple(ev) or _sheet_evidence(ctx, "decision not read"))  # fmt: skip
    return no_record("decision")


_PST04_IDS = {Status.PASS: "pst04.pass", Status.FAIL: "pst04.fail", Status.ERROR: "pst04.error",
              Status.WARN: "pst04.empty"}  # fmt: skip


@check("digital_signature")
def digital_signature(ctx: RuleContext) -> Outcome:
    """Digital signatures on approval PDFs are intact, cover the document and chain to a trust root."""
    files = esign_files(ctx)
    if not files:  # approval files only opened, not examined (no pack given to the extraction)
        signed = ctx.evidence.signed_pdfs
        if not signed:
            return Outcome(status=Status.NA, message_id="pst04.none")
        ev = tuple(Evidence(file=f, tag="/ByteRange", note="signature dictionary present; not validated")
                   for f in signed)  # fmt: skip
        return Outcome(status=Status.REVIEW, message_id="pst04.unvalidated",
                       params={"files": ", ".join(signed)}, evidence=ev)  # fmt: skip
    items = [x for e in files for x in file_status(e)]
    if not items:
        return Outcome(status=Status.NA, message_id="pst04.none")
    worst = Status.worst(st for st, _, _ in items)
    kinds = {k for st, k, _ in items if st == worst}
    problems = "; ".join(
        f"{e.file} {e.tag or ''}: {e.note}".replace("  ", " ") for st, _, e in items if st == worst
    )
    params = {"files": ", ".join(sorted({e.file for _, _, e in items})), "problems": problems,
              "n": sum(1 for _, k, _ in items if k in ("valid", "not_verified", "invalid"))}  # fmt: skip
    if worst == Status.REVIEW:
        mid = "pst04.not_verified" if "not_verified" in kinds else "pst04.scan_qr"
    elif kinds == {"claim_only"}:
        mid = "pst04.claim_only"
    elif kinds <= {"empty", "claim_only"}:
        mid = "pst04.empty"
    else:
        mid = _PST04_IDS[worst]
    return Outcome(status=worst, message_id=mid, params=params,
                   evidence=tuple(e for _, _, e in items))  # fmt: skip


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@check("approval_matches")
def approval_matches(ctx: RuleContext) -> Outcome:
    """The approval sheet belongs to this content (package id and content hash, or the printed caption)."""
    ev_all = ctx.evidence
    if not ev_all.approval_files:
        return Outcome(status=Status.NA, message_id="pst05.no_sheet")
    if not _readable(ctx):
        return _unreadable(ctx)
    if sheets_unread(ctx):
        return Outcome(status=Status.REVIEW, message_id="pst05.unread", params={"files": ", ".join(_readable(ctx))},
                       evidence=_sheet_evidence(ctx, "content link not read: compare by eye"))  # fmt: skip
    pkg_name = ev_all.package.id.rsplit("/", 1)[-1]
    for s in read_sheets(ctx):
        if not s.qr:
            continue
        qr_pkg, qr_hash = s.qr.get("package", ""), s.qr.get("hash", "")
        ev = (Evidence(file=s.file, tag="QR", value=s.qr, source="own-template"),
              Evidence(tag="content_hash", value=ev_all.content_hash, note="computed from the package now"))  # fmt: skip
        params = {"file": s.file, "qr_package": qr_pkg, "package": ev_all.package.id}
        if qr_pkg not in (ev_all.package.id, pkg_name):
            return Outcome(
                status=Status.FAIL, message_id="pst05.other_package", params=params, evidence=ev
            )
        if not ev_all.content_hash or not qr_hash or not ev_all.content_hash.startswith(qr_hash):
            return Outcome(
                status=Status.FAIL, message_id="pst05.changed", params=params, evidence=ev
            )
        return Outcome(status=Status.PASS, message_id="pst05.pass_qr", params=params, evidence=ev)
    caption = ev_all.caption.text if ev_all.caption and ev_all.caption.text else None
    printed = [s for s in read_sheets(ctx) if s.caption_text]
    if caption and printed:
        from rapidfuzz import fuzz

        best = max(printed, key=lambda s: fuzz.ratio(_norm(s.caption_text), _norm(caption)))
        score = fuzz.ratio(_norm(best.caption_text), _norm(caption)) / 100
        ev = (
            Evidence(
                file=best.file,
                tag="caption on sheet",
                value=best.caption_text,
                confidence=round(score, 3),
            ),
        )
        if score >= 0.9:
            return Outcome(
                status=Status.PASS,
                message_id="pst05.pass_caption",
                params={"file": best.file},
                evidence=ev,
            )
        return Outcome(
            status=Status.REVIEW,
            message_id="pst05.caption_differs",
            params={"file": best.file},
            evidence=ev,
        )
    return Outcome(status=Status.REVIEW, message_id="pst05.no_link", params={"files": ", ".join(_readable(ctx))},
                   evidence=_sheet_evidence(ctx, "no package id, content hash or caption found on the sheet"))  # fmt: skip
