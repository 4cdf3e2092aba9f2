"""What the approval sheets say per role, merged across sheet files, with evidence for each reading."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Evidence, RoleReading, SheetReading
from .registry import RuleContext

MIN_DATE_CONFIDENCE = 0.6


@dataclass(frozen=True)
class Seen:
    """One role as one sheet shows it."""

    sheet: SheetReading
    role: RoleReading

    def evidence(
        self, tag: str, value, confidence: float | None = None, note: str | None = None
    ) -> Evidence:
        r = self.role
        region = ",".join(map(str, r.region)) if r.region else None
        return Evidence(file=self.sheet.file, page=r.page, region=region, tag=tag, value=value,
                        source=self.sheet.kind, confidence=confidence, note=note)  # fmt: skip


def read_sheets(ctx: RuleContext) -> list[SheetReading]:
    """Sheets that were read without error."""
    return [s for s in ctx.evidence.sheets if s.error is None]


def sheets_unread(ctx: RuleContext) -> bool:
    """Approval files exist but none was read (no reader ran, or every reading failed)."""
    return bool(ctx.evidence.approval_files) and not read_sheets(ctx)


def seen(ctx: RuleContext, role: str) -> list[Seen]:
    """Every sheet reading of ``role`` whose label or box was found."""
    return [Seen(s, r) for s in read_sheets(ctx) for r in s.roles if r.role == role and r.found]


def signature_call(items: list[Seen]) -> tuple[str, float, list[Evidence]]:
    """'signed' if any sheet shows a signature, else 'uncertain' if any is unsure, else 'not_signed'."""
    ev = [
        i.evidence(
            "signature",
            i.role.signature,
            round(i.role.signature_confidence, 3),
            "; ".join(i.role.notes) or None,
        )
        for i in items
    ]
    calls = [i.role for i in items]
    if any(r.signature == "signed" for r in calls):
        conf = max(r.signature_confidence for r in calls if r.signature == "signed")
        return "signed", conf, ev
    if not calls or any(r.signature == "uncertain" for r in calls):
        return "uncertain", 0.0, ev
    return "not_signed", min(r.signature_confidence for r in calls), ev


def decision_of(items: list[Seen]) -> tuple[set[str], bool, list[Evidence]]:
    """(clear decisions read, any ambiguous reading (both/neither/unknown), evidence)."""
    clear: set[str] = set()
    ambiguous = False
    ev = []
    for i in items:
        r = i.role
        if r.decision_state == "clear" and r.decision:
            clear.add(r.decision)
        else:
            ambiguous = True
        ev.append(
            i.evidence(
                "decision",
                r.decision or r.decision_state,
                round(r.decision_confidence, 3),
                r.decision_state,
            )
        )
    return clear, ambiguous, ev


def date_of(items: list[Seen]) -> tuple[list[tuple], list[Evidence]]:
    """([(date, evidence)] read with confidence, [evidence] of dates that could not be read with confidence)."""
    dates, unsure = [], []
    for i in items:
        r = i.role
        if r.date is not None and (
            r.date_confidence is None or r.date_confidence >= MIN_DATE_CONFIDENCE
        ):
            dates.append(
                (r.date, i.evidence("tanggal", r.date.isoformat(), r.date_confidence, r.date_text))
            )
        elif r.date_text or r.date is not None:
            note = "date not read with confidence: look at the crop"
            unsure.append(
                i.evidence("tanggal", r.date_text or r.date.isoformat(), r.date_confidence, note)
            )
    return dates, unsure
