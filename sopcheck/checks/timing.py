"""WKT: photo capture window, hand-in on day H, responses and upload within H+1."""

from __future__ import annotations

import datetime as dt

from ..dates import add_days, days_between
from ..model import Dated, Evidence, Status
from .common import activity_evidence, activity_window, end_of_day, local_day, no_record
from .esignview import signing_times
from .registry import Outcome, Param, RuleContext, check, status_param
from .sheetview import date_of, read_sheets, seen, sheets_unread

_DAYS = Param(type=int, default=1, doc="days allowed after the reference day")
_WORKING = Param(
    type=bool, default=False, doc="count Indonesian working days (public holidays skipped)"
)


def _fmt(t: dt.datetime) -> str:
    return t.isoformat(timespec="seconds")


@check(
    "photo_window",
    missing_status=status_param("warn", "status of a photo with no capture time"),
    filename_date_status=status_param(
        "warn", "status of a photo dated only by its file name, inside the window"
    ),
    photos_inferred_status=status_param(
        "warn", "best status when the activity date itself was inferred from the photos"
    ),
)
def photo_window(ctx: RuleContext) -> Outcome:
    """Every photo was taken within the activity window."""
    window = activity_window(ctx)
    photos = [p for p in ctx.evidence.photos if p.capture_time or not p.error]
    if window is None:
        return no_record("activity_date")
    if not photos:
        return no_record("photos")
    start, end = window
    statuses, evidence, outside, undated, weak = [], [], [], [], []
    for p in photos:
        if p.capture_time is None:
            statuses.append(Status(ctx.params["missing_status"]))
            undated.append(p.file)
            evidence.append(
                Evidence(
                    file=p.file, note="no capture time: " + ("; ".join(p.notes) or "no EXIF date")
                )
            )
            continue
        if p.date_only:
            inside = start.date() <= p.capture_time.date() <= end.date()
        else:
            inside = start <= p.capture_time <= end
        note = p.tz_note
        if p.weak:
            weak.append(p.file)
            note = f"weaker evidence: {note}"
            status = Status(ctx.params["filename_date_status"]) if inside else Status.REVIEW
        else:
            status = Status.PASS if inside else Status.FAIL
        if not inside:
            outside.append(p.file)
        statuses.append(status)
        value = p.capture_time.date().isoformat() if p.date_only else _fmt(p.capture_time)
        evidence.append(
            Evidence(file=p.file, tag=p.source_tag, value=value, source=p.source, note=note)
        )
    status = Status.worst(statuses)
    if ctx.evidence.activity_start.source == "photos" and status == Status.PASS:
        status = Status(ctx.params["photos_inferred_status"])
    params = {
        "n": len(photos), "start": start.date().isoformat(), "end": end.date().isoformat(),
        "outside": ", ".join(outside) or "-", "undated": ", ".join(undated) or "-",
        "weak": ", ".join(weak) or "-", "tz": str(ctx.tz), "source": ctx.evidence.activity_start.source,
    }  # fmt: skip
    if outside and any(s == Status.FAIL for s in statuses):
        mid = "wkt01.fail"
    elif outside or undated or weak:
        mid = "wkt01.uncertain"
    elif status != Status.PASS:
        mid = "wkt01.inferred"
    else:
        mid = "wkt01.pass"
    return Outcome(
        status=status,
        message_id=mid,
        params=params,
        evidence=activity_evidence(ctx) + tuple(evidence),
    )


_HANDIN_HEADERS = ("serah", "nyerah", "hand-in", "handed")  # diserahkan, penyerahan, ...


def _handed_in(ctx: RuleContext) -> Dated | None:
    pkg = ctx.evidence.package
    if pkg.handed_in:
        return pkg.handed_in
    for row in ctx.evidence.register_rows or ():
        for k, v in row.items():
            if any(w in k.lower() for w in _HANDIN_HEADERS) and v:
                from ..dates import parse_manifest_datetime

                try:
                    value = parse_manifest_datetime(v, ctx.tz)
                except ValueError:
                    continue
                return Dated(value=value, source="register", file=ctx.evidence.register_file, tag=k)
    return None


@check(
    "handin_day",
    max_days=Param(type=int, default=0, doc="days allowed after day H"),
    working_days=_WORKING,
)
def handin_day(ctx: RuleContext) -> Outcome:
    """Documentation handed in on day H (the activity's last day)."""
    end = ctx.evidence.activity_end
    handed = _handed_in(ctx)
    if handed is None:
        return no_record("handin", *activity_evidence(ctx))
    if end is None:
        return no_record("activity_date", handed.evidence(note="hand-in"))
    day = local_day(handed, ctx.tz)
    n = days_between(end.day, day, working_days=ctx.params["working_days"])
    ev = activity_evidence(ctx) + (handed.evidence(note="hand-in"),)
    params = {
        "handed": day.isoformat(),
        "h": end.day.isoformat(),
        "days": n,
        "max": ctx.params["max_days"],
    }
    if n < 0:
        return Outcome(status=Status.WARN, message_id="wkt02.early", params=params, evidence=ev)
    status = Status.PASS if n <= ctx.params["max_days"] else Status.FAIL
    return Outcome(status=status, message_id=f"wkt02.{status.value}", params=params, evidence=ev)


def _reference(ctx: RuleContext) -> tuple[Dated | None, bool]:
    """H for the review deadlines: the hand-in date, else the activity's last day (flagged)."""
    handed = _handed_in(ctx)
    if handed:
        return handed, True
    return ctx.evidence.activity_end, False


@check(
    "response_deadline",
    role=Param(type=str, default="tim_pertimbangan", doc="role id from the pack's roles"),
    max_days=_DAYS,
    working_days=_WORKING,
)
def response_deadline(ctx: RuleContext) -> Outcome:
    """A role responded in writing within H+N of the hand-in (manifest tanggapan or the sheet's date)."""
    role = ctx.params["role"]
    resp = next((r for r in ctx.evidence.package.responses if r.role == role), None)
    items = seen(ctx, role)
    sheet_dates, unsure = date_of(items)
    ref, is_handin = _reference(ctx)
    params: dict = {"role": role}
    candidates: dict = {}
    if resp is not None and resp.date is not None:
        candidates.setdefault(local_day(resp.date, ctx.tz), []).append(
            resp.date.evidence(note=f"response of {role}")
        )
    for d, e in sheet_dates:
        candidates.setdefault(d, []).append(e)
    # a digital signature's signing time: the timestamp token first, then the claimed time
    for d, _t, e in signing_times(ctx, role):
        candidates.setdefault(d, []).append(e)
    if (
        len(candidates) > 1
    ):  # manifest and sheet (or two sheets) disagree: show both, decide nothing
        params["dates"] = ", ".join(sorted(d.isoformat() for d in candidates))
        ev = tuple(e for es in candidates.values() for e in es)
        return Outcome(
            status=Status.REVIEW, message_id="wkt03.disagree", params=params, evidence=ev
        )
    if not candidates:
        if unsure:
            return Outcome(
                status=Status.REVIEW,
                message_id="wkt03.date_unsure",
                params=params,
                evidence=tuple(unsure),
            )
        if sheets_unread(ctx) or (read_sheets(ctx) and not items):
            why = "approval sheet not read" if sheets_unread(ctx) else "role not found on the sheet"
            ev = tuple(Evidence(file=f, note=why) for f in ctx.evidence.approval_files)
            return Outcome(
                status=Status.REVIEW, message_id="wkt03.on_sheet", params=params, evidence=ev
            )
        if ref is not None:
            deadline = add_days(
                local_day(ref, ctx.tz),
                ctx.params["max_days"],
                working_days=ctx.params["working_days"],
            )
            if ctx.as_of <= end_of_day(deadline, ctx.tz):
                params["deadline"] = deadline.isoformat()
                return Outcome(status=Status.WARN, message_id="common.not_due", params=params)
        return no_record("response", role=role)
    ((day, ev),) = candidates.items()
    if ref is None:
        return no_record("activity_date", *ev)
    ref_day = local_day(ref, ctx.tz)
    ev = [
        *ev,
        ref.evidence(
            note="reference day H: "
            + ("hand-in" if is_handin else "activity end (hand-in unknown)")
        ),
    ]
    deadline = add_days(ref_day, ctx.params["max_days"], working_days=ctx.params["working_days"])
    params.update(date=day.isoformat(), ref=ref_day.isoformat(), deadline=deadline.isoformat())
    if (
        day < ref_day
    ):  # on a sheet this is more likely a misread date than a response before the hand-in
        from_sheet = any(e.source not in ("manifest", None) for e in ev[:-1])
        status = Status.REVIEW if from_sheet else Status.WARN
        return Outcome(status=status, message_id="wkt03.before", params=params, evidence=tuple(ev))
    if day <= deadline:
        return Outcome(
            status=Status.PASS, message_id="wkt03.pass", params=params, evidence=tuple(ev)
        )
    if not is_handin:  # handed in later than day H, perhaps: the response may still be on time
        return Outcome(
            status=Status.WARN, message_id="wkt03.unverifiable", params=params, evidence=tuple(ev)
        )
    return Outcome(status=Status.FAIL, message_id="wkt03.fail", params=params, evidence=tuple(ev))


def _approval_time(ctx: RuleContext) -> Dated | None:
    """The latest dated approval: manifest responses that are not Tolak, and dates on the sheets."""
    dated = [r.date for r in ctx.evidence.package.responses if r.date and r.decision != "tolak"]
    for role in ctx.roles:
        for d, e in date_of(seen(ctx, role))[0]:
            dated.append(Dated(value=d, source="sheet", file=e.file, tag=f"{role} tanggal"))
        for _d, t, e in signing_times(ctx, role):
            dated.append(Dated(value=t, source=e.source, file=e.file, tag=e.tag))
    if not dated:
        return None
    return max(dated, key=lambda d: (local_day(d, ctx.tz), isinstance(d.value, dt.datetime)))


@check("upload_deadline", max_days=_DAYS, working_days=_WORKING)
def upload_deadline(ctx: RuleContext) -> Outcome:
    """Uploaded within H+N of the activity, and not before the approval."""
    up = ctx.evidence.package.upload
    end = ctx.evidence.activity_end
    if end is None:
        return no_record("activity_date")
    deadline = add_days(end.day, ctx.params["max_days"], working_days=ctx.params["working_days"])
    params: dict = {"deadline": deadline.isoformat(), "h": end.day.isoformat()}
    if up is None or up.date is None:
        if ctx.as_of <= end_of_day(deadline, ctx.tz):
            return Outcome(
                status=Status.WARN,
                message_id="common.not_due",
                params={**params, "role": "admin_medsos"},
            )
        return no_record("upload", *activity_evidence(ctx))
    ev = [
        *activity_evidence(ctx),
        up.date.evidence(note=" ".join(x for x in ("upload", up.platform, up.url) if x)),
    ]
    day = local_day(up.date, ctx.tz)
    params.update(date=day.isoformat())
    if day > deadline:
        return Outcome(
            status=Status.FAIL, message_id="wkt06.late", params=params, evidence=tuple(ev)
        )
    approved = _approval_time(ctx)
    if approved is None:
        if ctx.evidence.approval_files:
            return Outcome(
                status=Status.REVIEW,
                message_id="wkt06.approval_on_sheet",
                params=params,
                evidence=tuple(ev),
            )
        return Outcome(
            status=Status.WARN, message_id="wkt06.no_approval", params=params, evidence=tuple(ev)
        )
    ev.append(approved.evidence(note="latest approval"))
    a_day = local_day(approved, ctx.tz)
    params["approved"] = a_day.isoformat()
    if isinstance(approved.value, dt.datetime) and isinstance(up.date.value, dt.datetime):
        early = up.date.value < approved.value
    else:
        early = day < a_day
    if early:
        return Outcome(
            status=Status.FAIL,
            message_id="wkt06.before_approval",
            params=params,
            evidence=tuple(ev),
        )
    return Outcome(status=Status.PASS, message_id="wkt06.pass", params=params, evidence=tuple(ev))
