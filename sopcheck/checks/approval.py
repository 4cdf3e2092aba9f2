"""PST: the approval sheet, its signatures, the decision, digital signatures, and its content link.

This version opens the sheet files but does not read them: whatever exists only on a sheet is
``review`` (a person must look), never ``pass``.
"""

from __future__ import annotations

from ..model import Evidence, Severity, Status
from .common import no_record
from .registry import Outcome, Param, RuleContext, check

_NOT_FOUND = Evidence(
    tag="persetujuan*.pdf|jpg|png|tif|heic|webp", note="no approval sheet in the package"
)


def _sheet_evidence(ctx: RuleContext, note: str) -> tuple[Evidence, ...]:
    problems = dict(ctx.evidence.approval_problems)
    return tuple(Evidence(file=f, note=problems.get(f, note)) for f in ctx.evidence.approval_files)


def _readable(ctx: RuleContext) -> list[str]:
    problems = dict(ctx.evidence.approval_problems)
    return [f for f in ctx.evidence.approval_files if f not in problems]


@check("approval_present")
def approval_present(ctx: RuleContext) -> Outcome:
    """An approval sheet is present and its file opens."""
    files = ctx.evidence.approval_files
    if not files:
        return Outcome(status=Status.FAIL, message_id="pst01.missing", evidence=(_NOT_FOUND,))
    readable = _readable(ctx)
    ev = _sheet_evidence(ctx, "opens")
    params = {
        "files": ", ".join(files),
        "problems": "; ".join(f"{f}: {r}" for f, r in ctx.evidence.approval_problems),
    }
    if not readable:
        return Outcome(
            status=Status.ERROR, message_id="pst01.unreadable", params=params, evidence=ev
        )
    return Outcome(status=Status.PASS, message_id="pst01.pass", params=params, evidence=ev)


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
    files = ctx.evidence.approval_files
    if not files:
        return Outcome(status=Status.FAIL, message_id="pst02.no_sheet", evidence=(_NOT_FOUND,))
    if not _readable(ctx):
        return Outcome(status=Status.ERROR, message_id="pst01.unreadable", params={"files": ", ".join(files), "problems": ""},
                       evidence=_sheet_evidence(ctx, ""))  # fmt: skip
    params = {"files": ", ".join(_readable(ctx)), "require": ctx.params["require"]}
    return Outcome(status=Status.REVIEW, message_id="pst02.unread", params=params,
                   evidence=_sheet_evidence(ctx, "signatures not read by this version: look at the sheet"))  # fmt: skip


@check("approval_decision")
def approval_decision(ctx: RuleContext) -> Outcome:
    """The decision is Setuju, not Tolak; a rejected package that was uploaded is the gravest finding."""
    pkg = ctx.evidence.package
    decided = [r for r in pkg.responses if r.decision]
    ev = tuple(
        Evidence(
            file="paket.yaml",
            tag=f"tanggapan.{r.role}.keputusan",
            value=r.decision,
            source="manifest",
        )
        for r in decided
    )
    rejected = [r.role for r in decided if r.decision == "tolak"]
    uploaded = pkg.upload is not None and (pkg.upload.date is not None or pkg.upload.url)
    if rejected:
        params = {"roles": ", ".join(rejected)}
        if uploaded:
            up = Evidence(
                file="paket.yaml",
                tag="unggah",
                value=pkg.upload.url or str(pkg.upload.date.value),
                source="manifest",
            )
            return Outcome(status=Status.FAIL, message_id="pst03.rejected_uploaded", params=params,
                           evidence=ev + (up,), severity=Severity.CRITICAL)  # fmt: skip
        return Outcome(status=Status.FAIL, message_id="pst03.rejected", params=params, evidence=ev)
    if decided:
        return Outcome(
            status=Status.PASS,
            message_id="pst03.pass",
            params={"roles": ", ".join(r.role for r in decided)},
            evidence=ev,
        )
    if ctx.evidence.approval_files:
        return Outcome(status=Status.REVIEW, message_id="pst03.on_sheet",
                       evidence=_sheet_evidence(ctx, "decision not read by this version"))  # fmt: skip
    return no_record("decision")


@check("digital_signature")
def digital_signature(ctx: RuleContext) -> Outcome:
    """Digital signatures on approval PDFs are intact and trusted."""
    signed = ctx.evidence.signed_pdfs
    if not signed:
        return Outcome(status=Status.NA, message_id="pst04.none")
    ev = tuple(
        Evidence(file=f, tag="/ByteRange", note="signature dictionary present; not validated")
        for f in signed
    )
    return Outcome(
        status=Status.REVIEW,
        message_id="pst04.unvalidated",
        params={"files": ", ".join(signed)},
        evidence=ev,
    )


@check("approval_matches")
def approval_matches(ctx: RuleContext) -> Outcome:
    """The approval sheet belongs to this content (package id, content hash or caption)."""
    if not ctx.evidence.approval_files:
        return Outcome(status=Status.NA, message_id="pst05.no_sheet")
    if not _readable(ctx):
        return Outcome(status=Status.ERROR, message_id="pst01.unreadable",
                       params={"files": ", ".join(ctx.evidence.approval_files), "problems": ""},
                       evidence=_sheet_evidence(ctx, ""))  # fmt: skip
    return Outcome(status=Status.REVIEW, message_id="pst05.unread", params={"files": ", ".join(_readable(ctx))},
                   evidence=_sheet_evidence(ctx, "content link not read by this version: compare by eye"))  # fmt: skip
