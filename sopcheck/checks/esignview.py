"""What the approval files' digital signatures say, for PST-02, PST-04 and WKT-03..06 (issue 8)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from ..extract.esign_roles import digits
from ..model import ESignFile, Evidence, Response, SignatureInfo, Status
from .registry import RuleContext

#: PST-04 status of one signature, by its validation status ('empty' depends on the file).
SIGNATURE_STATUS = {
    "valid": Status.PASS,
    "not_verified": Status.REVIEW,
    "invalid": Status.FAIL,
    "unparseable": Status.ERROR,
}


def _iso(t: dt.datetime | None) -> str | None:
    return t.isoformat(timespec="seconds") if t else None


def signature_evidence(s: SignatureInfo, note: str | None = None) -> Evidence:
    """The evidence of one signature: who, when, coverage, trust, and why it is not valid."""
    when, source = s.signing_time
    value = {
        "field": s.field, "status": s.status, "signer": s.signer, "issuer": s.issuer,
        "serial": s.serial, "not_before": _iso(s.not_before), "not_after": _iso(s.not_after),
        "claimed_time": _iso(s.claimed_time), "timestamp_time": _iso(s.timestamp_time),
        "signing_time": _iso(when), "signing_time_source": source, "coverage": s.coverage,
        "modification": s.modification, "trust": s.trust, "trust_anchor": s.trust_anchor,
        "revocation": s.revocation or "none embedded", "role": s.role, "role_source": s.role_source,
    }  # fmt: skip
    value = {k: v for k, v in value.items() if v is not None}
    if s.validated_at_timestamp:
        value["validated_at"] = "timestamp time (certificate expired since)"
    reasons = "; ".join(s.reasons) or None
    return Evidence(file=s.file, tag=f"signature {s.field}", value=value, source="pyhanko",
                    note="; ".join(x for x in (note, reasons) if x) or None)  # fmt: skip


def esign_files(ctx: RuleContext) -> tuple[ESignFile, ...]:
    return ctx.evidence.esign


def file_status(e: ESignFile) -> list[tuple[Status, str, Evidence]]:
    """(status, kind, evidence) for each thing PST-04 judges in one file."""
    if e.error:
        return [(Status.ERROR, "error", Evidence(file=e.file, note=f"cannot examine: {e.error}"))]
    out = []
    signed = [s for s in e.signatures if s.status != "empty"]
    for s in e.signatures:
        if s.status == "empty":
            status = Status.WARN if signed else Status.FAIL
            out.append((status, "empty", signature_evidence(s)))
        else:
            out.append((SIGNATURE_STATUS[s.status], s.status, signature_evidence(s)))
    if e.claims and not signed:
        note = "the text claims an electronic signature but the file carries none"
        ev = Evidence(file=e.file, tag="text", value=" | ".join(e.claims), note=note)
        out.append((Status.FAIL, "claim_only", ev))
    if e.scanned and e.foreign_qr and not signed:
        note = "a scanned copy with a QR code: check the QR with the issuing service"
        ev = Evidence(file=e.file, tag="QR", value=" | ".join(e.foreign_qr), note=note)
        out.append((Status.REVIEW, "scan_qr", ev))
    return out


def _words(text: str | None) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", (text or "").casefold()).split())


def manifest_role(s: SignatureInfo, responses: tuple[Response, ...]) -> str | None:
    """The role whose holder paket.yaml names (tanggapan.<role>.nip or .nama) as this signer."""
    from rapidfuzz import fuzz

    nip = digits(s.signer_nip)
    if len(nip) >= 8:
        for r in responses:
            if digits(r.nip) == nip:
                return r.role
    name = _words(s.signer_name)
    if len(name) >= 4:
        for r in responses:
            other = _words(r.name)
            if other and fuzz.token_set_ratio(name, other) >= 90:
                return r.role
    return None


def role_signatures(ctx: RuleContext, role: str) -> list[SignatureInfo]:
    """The signatures of ``role``: mapped from the sheet text or the certificate when read, else by
    the name or NIP that paket.yaml gives for the role's holder."""
    out = []
    for s in ctx.evidence.signatures:
        if s.role == role:
            out.append(s)
        elif (
            s.role is None
            and s.status not in ("empty", "unparseable")
            and manifest_role(s, ctx.evidence.package.responses) == role
        ):
            out.append(replace(s, role=role, role_source="name/NIP in paket.yaml"))
    return out


def signing_times(ctx: RuleContext, role: str) -> list[tuple[dt.date, dt.datetime, Evidence]]:
    """(local day, time, evidence) of the role's signatures that are intact (valid or not verified)."""
    out = []
    for s in role_signatures(ctx, role):
        when, source = s.signing_time
        if when is None or s.status not in ("valid", "not_verified"):
            continue
        local = when.astimezone(ctx.tz)
        ev = Evidence(file=s.file, tag=f"signature {s.field}", value=_iso(local), source=source,
                      note=f"signing time of {role} ({s.status}); {source}")  # fmt: skip
        out.append((local.date(), local, ev))
    return out
