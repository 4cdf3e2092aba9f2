"""Helpers shared by the checks: outcomes for missing records, window and deadline arithmetic."""

from __future__ import annotations

import datetime as dt

from ..model import Dated, Evidence, Status
from .registry import Outcome, RuleContext


def no_record(what: str, *evidence: Evidence, role: str = "") -> Outcome:
    """SPEC: a record that is missing altogether is 'warn: not verifiable: no record'.

    ``what`` is a key of i18n.WHAT (activity_date, handin, photos, response, upload, decision).
    """
    return Outcome(
        status=Status.WARN,
        message_id="common.no_record",
        params={"what": what, "role": role},
        evidence=evidence,
    )


def activity_window(ctx: RuleContext) -> tuple[dt.datetime, dt.datetime] | None:
    """Start day 00:00 to end day 23:59:59.999999 in the pack's time zone."""
    ev = ctx.evidence
    if ev.activity_start is None or ev.activity_end is None:
        return None
    start = dt.datetime.combine(ev.activity_start.day, dt.time.min, tzinfo=ctx.tz)
    end = dt.datetime.combine(ev.activity_end.day, dt.time.max, tzinfo=ctx.tz)
    return start, end


def activity_evidence(ctx: RuleContext) -> tuple[Evidence, ...]:
    ev = ctx.evidence
    out = []
    if ev.activity_start:
        out.append(ev.activity_start.evidence(note="activity start (hari H)"))
    if ev.activity_end and ev.activity_end != ev.activity_start:
        out.append(ev.activity_end.evidence(note="activity end"))
    return tuple(out)


def end_of_day(d: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(d, dt.time.max, tzinfo=tz)


def local_day(value: Dated, tz: dt.tzinfo) -> dt.date:
    v = value.value
    return v.astimezone(tz).date() if isinstance(v, dt.datetime) else v


def status_of(name: str) -> Status:
    return Status(name)
