"""INT and REG: every file readable and hashed, photo metadata, the register."""

from __future__ import annotations

import datetime as dt

from ..extract.photos import hamming
from ..i18n import render
from ..model import Evidence, Finding, PhotoInfo, Status
from .registry import Outcome, Param, RuleContext, check


@check("register_entry")
def register_entry(ctx: RuleContext) -> Outcome:
    """The package is listed in the batch register, when one is given."""
    ev = ctx.evidence
    if ev.register_file is None:
        return Outcome(status=Status.NA, message_id="reg01.none")
    if ev.register_rows is None:
        return Outcome(status=Status.ERROR, message_id="reg01.unreadable", params={"file": ev.register_file},
                       evidence=(Evidence(file=ev.register_file, note="register could not be read"
                                          + (f": {ev.register_error}" if ev.register_error else "")),))  # fmt: skip
    params = {"file": ev.register_file, "rows": len(ev.register_rows)}
    if not ev.register_rows:
        return Outcome(status=Status.FAIL, message_id="reg01.fail", params=params,
                       evidence=(Evidence(file=ev.register_file, value=ev.package.id, note="no row names this package"),))  # fmt: skip
    rows = tuple(
        Evidence(file=ev.register_file, value=" | ".join(v for v in r.values() if v))
        for r in ev.register_rows
    )
    return Outcome(status=Status.PASS, message_id="reg01.pass", params=params, evidence=rows)


def register_leftovers(
    rows: tuple[dict[str, str], ...], register_file: str | None, pack, lang: str
) -> Finding | None:
    """REG-01's other half, for the batch: register rows that name no package of the batch are a
    finding (a package the register promises is missing, or a row that matches nothing); None when
    every row names a package or the pack has no register rule."""
    rule = next((r for r in pack.rules if r.check == "register_entry"), None)
    if rule is None or not rows or register_file is None:
        return None
    shown = [" | ".join(v for v in r.values() if v) for r in rows]
    params = {
        "file": register_file,
        "n": len(rows),
        "rows": "; ".join(shown[:5]) + (" …" if len(shown) > 5 else ""),
    }
    return Finding(
        rule=rule.id,
        status=Status.FAIL,
        severity=rule.severity,
        message=render("reg01.unmatched", params, lang),
        message_id="reg01.unmatched",
        params=params,
        evidence=tuple(
            Evidence(
                file=register_file, value=text, note="no package of the batch matches this row"
            )
            for text in shown
        ),
    )


@check("files_readable")
def files_readable(ctx: RuleContext) -> Outcome:
    """Every file of the package is readable and its SHA-256 recorded."""
    ev = ctx.evidence
    problems: list[Evidence] = []
    for f in ev.package.files:
        if f.error:
            problems.append(Evidence(file=f.path, note=f.error))
    recorded = {p.file for p in problems}
    for p in ev.photos:
        if p.error and p.file not in recorded:
            problems.append(Evidence(file=p.file, note=p.error))
    for mp in ev.package.manifest_problems:
        problems.append(Evidence(file=mp.file, tag=mp.field or None, note=mp.reason))
    for f, reason in ev.approval_problems:
        if f not in recorded:
            problems.append(Evidence(file=f, note=reason))
    for t in (ev.caption, ev.narrative):
        if t is not None and t.error and t.file not in recorded:
            problems.append(Evidence(file=t.file, note=t.error))
    hashed = tuple(
        Evidence(file=f.path, tag="sha256", value=f.sha256, note=f"{f.size} bytes")
        for f in ev.package.files
        if f.sha256
    )
    params = {
        "n": len(ev.package.files),
        "bad": len(problems),
        "files": ", ".join(sorted({p.file for p in problems})),
    }
    if problems:
        return Outcome(
            status=Status.ERROR,
            message_id="int01.error",
            params=params,
            evidence=tuple(problems) + hashed,
        )
    return Outcome(status=Status.PASS, message_id="int01.pass", params=params, evidence=hashed)


def _clock_and_thumbnail(p: PhotoInfo, factory: set[str], max_thumb: int) -> list[Evidence]:
    """A camera clock at a factory default, and an EXIF thumbnail that is another picture."""
    signs = []
    for tag, text in p.raw_dates:
        day = text[:10].replace(":", "-")
        if day in factory:
            signs.append(Evidence(file=p.file, tag=tag, value=text,
                                  note=f"camera clock at the factory default {day}: never set"))  # fmt: skip
    if p.thumbnail_phash and p.phash:
        d = hamming(p.thumbnail_phash, p.phash)
        if d > max_thumb:
            signs.append(Evidence(file=p.file, tag="JPEGThumbnail", value=p.thumbnail_phash,
                                  note=f"EXIF thumbnail differs from the image (dHash {p.phash}, "
                                  f"distance {d} of 64 > {max_thumb}): edited after capture"))  # fmt: skip
    return signs


@check(
    "photo_metadata",
    max_gps_drift_minutes=Param(
        type=int, default=60, doc="largest allowed gap between camera time and GPS time"
    ),
    editing_software=Param(
        type=list,
        default=[],
        doc="Software-tag substrings that name editing apps (case-insensitive)",
    ),
    factory_clock_dates=Param(
        type=list,
        default=["2000-01-01", "1970-01-01"],
        doc="dates (YYYY-MM-DD) a camera clock shows when it was never set; an EXIF date on one is a sign",
    ),
    thumbnail_max_distance=Param(
        type=int,
        default=10,
        doc="dHash distance (of 64 bits) above which the EXIF thumbnail shows another picture than the photo",
    ),
)
def photo_metadata(ctx: RuleContext) -> Outcome:
    """Photo metadata shows no sign of editing or back-dating."""
    photos = [p for p in ctx.evidence.photos if not p.error or p.capture_time]
    if not photos:
        return Outcome(status=Status.NA, message_id="int02.none")
    editors = [s.lower() for s in ctx.params["editing_software"]]
    drift = dt.timedelta(minutes=ctx.params["max_gps_drift_minutes"])
    handed = ctx.evidence.package.handed_in
    limit = ctx.as_of
    if handed and isinstance(handed.value, dt.datetime):
        limit = min(limit, handed.value)
    elif handed:
        limit = min(limit, dt.datetime.combine(handed.value, dt.time.max, tzinfo=ctx.tz))
    factory = {str(d)[:10] for d in ctx.params["factory_clock_dates"]}
    max_thumb = ctx.params["thumbnail_max_distance"]
    signs: list[Evidence] = []
    for p in photos:
        signs += _clock_and_thumbnail(p, factory, max_thumb)
        if p.software and any(e in p.software.lower() for e in editors):
            signs.append(
                Evidence(
                    file=p.file, tag="Image Software", value=p.software, note="editing software"
                )
            )
        t = p.capture_time if not p.weak else None
        if t and p.modify_time and t > p.modify_time + dt.timedelta(seconds=2):
            signs.append(Evidence(file=p.file, tag="EXIF DateTimeOriginal", value=t.isoformat(),
                                  note=f"later than ModifyDate {p.modify_time.isoformat()}"))  # fmt: skip
        if t and p.gps_time and abs(t - p.gps_time) > drift:
            signs.append(Evidence(file=p.file, tag=p.source_tag, value=t.isoformat(),
                                  note=f"differs from GPS time {p.gps_time.isoformat()} by more than {drift}"))  # fmt: skip
        if t and t > limit:
            signs.append(Evidence(file=p.file, tag=p.source_tag, value=t.isoformat(),
                                  note=f"after the hand-in / audit time {limit.isoformat()}"))  # fmt: skip
    params = {
        "n": len(photos),
        "k": len({s.file for s in signs}),
        "files": ", ".join(sorted({s.file for s in signs})),
    }
    if signs:
        return Outcome(
            status=Status.WARN, message_id="int02.warn", params=params, evidence=tuple(signs)
        )
    return Outcome(status=Status.PASS, message_id="int02.pass", params=params)
