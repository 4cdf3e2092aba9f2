"""The self-contained HTML report ``sopcheck-report.html``.

One file: inline CSS and script, photos and signature crops embedded as small data-URI images, no
request to any other host (a Content-Security-Policy forbids it). The first screen summarises the
run; then one card per package: activity, status, photo thumbnails on a time line against the
activity window and the H / H+1 deadlines, the caption against its limit, the approval sheets' role
crops, and every finding with its evidence. Filters work with a few lines of script; without script
everything is shown. Every value from the input goes through ``html.escape``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import io
from collections import Counter
from pathlib import Path

from ..dates import add_days, fmt_day
from ..extract.text import graphemes
from ..i18n import MONTHS_EN, label
from ..model import AuditResult, Finding, PackageResult, RoleReading, Status
from .atomic import write_atomic_chunks
from .json import evidence_text, rule_counts, status_counts
from .notes import note_text
from .register import load_pack, report_tz, roles, unmatched_register_rows
from .templates import CSS, JS

FILENAME = "sopcheck-report.html"
THUMB = (152, 114)
"""Thumbnail box in pixels (shown at half size: sharp on high-density screens and in print)."""
LANE = 96
"""Height in pixels of one row of thumbnails on the time line."""
PROBLEM = Status.WARN.rank
"""Findings at or above this rank count as findings in the summary."""
_CSP_SCRIPT = "'sha256-" + base64.b64encode(hashlib.sha256(JS.encode()).digest()).decode() + "'"


def e(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


class _Ctx:
    """What every part of the report needs: language, time zone, labels."""

    def __init__(self, result: AuditResult):
        self.result = result
        self.lang = result.lang
        self.tz = report_tz(result)
        self.pack = load_pack(result)
        self.role_names = dict(roles(result))

    def t(self, key: str, **params) -> str:
        return e(label(key, self.lang, **params))

    def day(self, value: dt.date | dt.datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            local = value.astimezone(self.tz) if value.tzinfo else value
            return f"{fmt_day(local, self.lang)} {local:%H:%M}"
        return fmt_day(value, self.lang)

    def month(self, d: dt.date) -> str:
        if self.lang == "id":
            return fmt_day(d, "id").split(" ", 1)[1]
        return f"{MONTHS_EN[d.month - 1]} {d.year}"

    def rule_param(self, rule: str, key: str, default):
        if self.pack is None:
            return default
        try:
            return self.pack.rule(rule).params.get(key, default)
        except KeyError:
            return default


def badge(status: Status | str, ctx: _Ctx) -> str:
    s = Status(status)
    cls = "na" if s is Status.NA else s.value
    return f'<span class="badge s-{cls}">{ctx.t("status." + s.value)}</span>'


# ---------------------------------------------------------------- thumbnails
def thumbnail(path: Path, box: tuple[int, int] = THUMB) -> str | None:
    """A small JPEG data URI of the image at ``path`` (JPEG draft mode: never a full decode)."""
    from PIL import Image, ImageOps

    try:
        with Image.open(path) as img:
            if img.format == "JPEG":
                img.draft("RGB", (box[0] * 2, box[1] * 2))
            img = ImageOps.exif_transpose(img)
            img.thumbnail(box)
            buf = io.BytesIO()
            img.convert("RGB").save(buf, "JPEG", quality=60, optimize=True)
    except Exception:  # an unreadable photo is already an INT-01 finding
        return None
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def png_uri(data: bytes | None) -> str | None:
    if not data or not data.startswith(b"\x89PNG"):
        return None
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _img(uri: str | None, alt: str, ctx: _Ctx) -> str:
    if uri is None:
        return f'<span class="noimg">{ctx.t("report.no_thumbnail")}</span>'
    return f'<img src="{uri}" alt="{e(alt)}">'


# ---------------------------------------------------------------- first screen
def _run_meta(ctx: _Ctx) -> str:
    r = ctx.result
    rp = r.rulepack
    items = [
        ("report.rulepack", f"{rp.get('id')} {label('report.version', ctx.lang)} {rp.get('version')}"),
        ("report.tool", r.tool.get("version")),
        ("report.batch", r.batch),
        ("report.as_of", ctx.day(r.as_of)),
        ("report.started", ctx.day(r.started)),
        ("report.finished", ctx.day(r.finished)),
    ]  # fmt: skip
    rows = "".join(f"<dt>{ctx.t(k)}</dt><dd>{e(v)}</dd>" for k, v in items)
    rows += f"<dt>sha256</dt><dd><code>{e(rp.get('sha256'))}</code></dd>"
    return f'<dl class="meta">{rows}</dl>'


def _counts_table(head: tuple[str, str], counter: Counter, ctx: _Ctx, n: int = 8) -> str:
    if not counter:
        return f"<p>{ctx.t('report.none')}</p>"
    body = "".join(
        f'<tr><td>{e(k)}</td><td class="num">{v}</td></tr>' for k, v in counter.most_common(n)
    )
    return f'<table><tr><th>{ctx.t(head[0])}</th><th class="num">{ctx.t(head[1])}</th></tr>{body}</table>'


def _summary(ctx: _Ctx) -> str:
    r = ctx.result
    counts = status_counts(p.status for p in r.packages)
    tiles = "".join(
        f'<div class="tile s-{"na" if s is Status.NA else s.value}"><b>{counts[s.value]}</b>'
        f"{ctx.t('status.' + s.value)}</div>"
        for s in sorted(Status, key=lambda s: -s.rank)
        if counts[s.value] or s is not Status.NA
    )
    cols = (Status.FAIL, Status.ERROR, Status.REVIEW, Status.WARN)
    per_rule = sorted(rule_counts(r).items(), key=lambda kv: -sum(kv[1][s.value] for s in cols))
    head = "".join(f'<th class="num">{ctx.t("status." + s.value)}</th>' for s in cols)
    body = "".join(
        f"<tr><td>{e(rule)}</td>" + "".join(f'<td class="num">{c[s.value]}</td>' for s in cols) + "</tr>"
        for rule, c in per_rule
        if any(c[s.value] for s in cols)
    )  # fmt: skip
    rules_html = f"<table><tr><th>{ctx.t('report.rule')}</th>{head}</tr>{body}</table>"
    units: Counter = Counter()
    months: Counter = Counter()
    todo = []
    for p in r.packages:
        bad = [f for f in p.findings if f.status.rank >= PROBLEM]
        ev = p.evidence
        if bad and ev is not None:
            units[ev.package.unit or "—"] += len(bad)
            if ev.activity_start:
                months[ctx.month(ev.activity_start.day)] += len(bad)
        todo += [(p, f) for f in p.findings if f.status is Status.REVIEW]
    parts = [
        f"<section id=summary><h2>{ctx.t('report.summary')}</h2>",
        f"<p>{ctx.t('report.overall')}: {badge(r.status, ctx)} · {len(r.packages)} "
        f"{ctx.t('report.packages').lower()}</p>",
        f"<h3>{ctx.t('report.by_status')}</h3><div class=tiles>{tiles}</div>",
        '<div class="grid2"><div>',
        f"<h3>{ctx.t('report.by_rule')}</h3>{rules_html}</div><div>",
        f"<h3>{ctx.t('report.by_unit')}</h3>",
        _counts_table(("report.unit", "report.findings_count"), units, ctx),
        f"<h3>{ctx.t('report.by_month')}</h3>",
        _counts_table(("report.month", "report.findings_count"), months, ctx),
        "</div></div>",
    ]
    reg_file, unmatched = unmatched_register_rows(r)
    if unmatched:
        parts.append(
            f"<h3>{ctx.t('report.register_unmatched', file=reg_file, n=len(unmatched))}</h3><ul>"
        )
        parts += [f"<li>{e(' | '.join(v for v in row.values() if v))}</li>" for row in unmatched]
        parts.append("</ul>")
    for f in r.batch_findings:  # about the batch as a whole (REG-01)
        parts.append(
            f'<p class="batch-finding">{badge(f.status, ctx)} <b>{e(f.rule)}</b> {e(f.message)}</p>'
        )
    if todo:
        parts.append(f"<h3>{ctx.t('report.todo', n=len(todo))}</h3><ul class=todo>")
        by_pkg: dict[str, tuple[PackageResult, list[Finding]]] = {}
        for p, f in todo:
            by_pkg.setdefault(p.id, (p, []))[1].append(f)
        parts += [
            f'<li><a href="#{_anchor(p)}">{e(p.id)}</a>: '
            + ", ".join(f'<b title="{e(f.message)}">{e(f.rule)}</b>' for f in fs)
            + "</li>"
            for p, fs in by_pkg.values()
        ]
        parts.append("</ul>")
    if r.skipped:
        parts.append(f"<h3>{ctx.t('report.skipped')}</h3><ul>")
        parts += [f"<li>{e(s.get('folder'))}: {e(s.get('reason'))}</li>" for s in r.skipped]
        parts.append("</ul>")
    return "".join(parts) + "</section>"


def _filters(ctx: _Ctx) -> str:
    r = ctx.result
    statuses = [
        s for s in sorted(Status, key=lambda s: -s.rank) if any(p.status is s for p in r.packages)
    ]
    rules = list(rule_counts(r))
    units = sorted(
        {p.evidence.package.unit for p in r.packages if p.evidence and p.evidence.package.unit}
    )
    all_ = ctx.t("report.all")

    def select(name: str, key: str, options: list[tuple[str, str]]) -> str:
        opts = "".join(f'<option value="{e(v)}">{e(t)}</option>' for v, t in options)
        return (f'<label for="f-{name}">{ctx.t(key)}</label><select id="f-{name}" name="{name}">'
                f'<option value="">{all_}</option>{opts}</select>')  # fmt: skip

    return (
        f'<form id="filters" hidden><b>{ctx.t("report.filters")}:</b>'
        + select("status", "report.status", [(s.value, label("status." + s.value, ctx.lang)) for s in statuses])
        + select("rule", "report.rule", [(x, x) for x in rules])
        + select("unit", "report.unit", [(u, u) for u in units])
        + f'<label for="f-q">{ctx.t("report.search")}</label><input id="f-q" name="q" type="search">'
        + f'<span><output id="shown">{len(r.packages)}</output> {ctx.t("report.shown")}</span></form>'
    )  # fmt: skip


# ---------------------------------------------------------------- package cards
def _anchor(p: PackageResult) -> str:
    return "p-" + hashlib.sha1(p.id.encode()).hexdigest()[:10]


def _window(p: PackageResult, ctx: _Ctx):
    """(start, end) datetimes of the activity window in the report time zone, or None."""
    ev = p.evidence
    if ev is None or ev.activity_start is None:
        return None
    start = dt.datetime.combine(ev.activity_start.day, dt.time(), tzinfo=ctx.tz)
    end_day = (ev.activity_end or ev.activity_start).day
    return start, dt.datetime.combine(end_day, dt.time(23, 59, 59), tzinfo=ctx.tz)


def _eod(d: dt.date, ctx: _Ctx) -> dt.datetime:
    return dt.datetime.combine(d, dt.time(23, 59, 59), tzinfo=ctx.tz)


def _aware(v: dt.datetime | dt.date, ctx: _Ctx) -> dt.datetime:
    if isinstance(v, dt.datetime):
        return v if v.tzinfo else v.replace(tzinfo=ctx.tz)
    return dt.datetime.combine(v, dt.time(12), tzinfo=ctx.tz)


def _timeline(p: PackageResult, ctx: _Ctx) -> str:
    ev = p.evidence
    window = _window(p, ctx)
    photos = [ph for ph in ev.photos if ph.capture_time is not None]
    marks: list[tuple[dt.datetime, str, str]] = []  # (time, label, class)
    pkg = ev.package
    if window:
        end_day = window[1].date()
        marks.append((_eod(end_day, ctx), label("report.deadline_handin", ctx.lang), "dl"))
        wd = ctx.rule_param("WKT-06", "working_days", False)
        up_days = ctx.rule_param("WKT-06", "max_days", 1)
        marks.append((_eod(add_days(end_day, up_days, working_days=wd), ctx),
                      label("report.deadline_upload", ctx.lang), "dl"))  # fmt: skip
    if pkg.handed_in:
        hand = _aware(pkg.handed_in.value, ctx)
        marks.append((hand, label("report.handin", ctx.lang), "ev"))
        wd = ctx.rule_param("WKT-03", "working_days", False)
        days = ctx.rule_param("WKT-03", "max_days", 1)
        marks.append((_eod(add_days(hand.astimezone(ctx.tz).date(), days, working_days=wd), ctx),
                      label("report.deadline_response", ctx.lang), "dl"))  # fmt: skip
    for r in pkg.responses:
        if r.date:
            name = ctx.role_names.get(r.role, r.role)
            marks.append((_aware(r.date.value, ctx), name, "ev"))
    if pkg.upload and pkg.upload.date:
        marks.append((_aware(pkg.upload.date.value, ctx), label("report.upload", ctx.lang), "ev"))
    times = [m[0] for m in marks] + ([window[0], window[1]] if window else [])
    if not times and not photos:
        return ""
    if not times:
        times = [ph.capture_time for ph in photos]
    lo = min(times) - dt.timedelta(hours=12)
    hi = max(times) + dt.timedelta(hours=12)
    # photos stretch the scale by at most two days either side; further ones sit at the edge
    for ph in photos:
        c = ph.capture_time
        if lo - dt.timedelta(days=2) <= c < lo:
            lo = c - dt.timedelta(hours=3)
        if hi < c <= hi + dt.timedelta(days=2):
            hi = c + dt.timedelta(hours=3)
    span = (hi - lo).total_seconds() or 1.0

    def pct(t: dt.datetime) -> float:
        return max(0.0, min(100.0, (t - lo).total_seconds() / span * 100))

    # markers at (nearly) the same time share one line; their labels go in rows that do not overlap
    groups: list[tuple[float, str, list[str]]] = []
    for t, text, cls in sorted(marks, key=lambda m: m[0]):
        x = pct(t)
        line = f"{e(text)} · {e(ctx.day(t))}"
        if groups and x - groups[-1][0] < 0.8:
            groups[-1][2].append(line)
            if cls == "dl":
                groups[-1] = (groups[-1][0], "dl", groups[-1][2])
        else:
            groups.append((x, cls, [line]))
    rows_end: list[float] = []
    levels = []
    for x, _, lines in groups:
        w = 3 + 0.9 * max(len(ln) for ln in lines)  # rough label width in % of the line
        lo_x, hi_x = (x - w, x) if x > 70 else (x, x + w)
        level = next((i for i, end in enumerate(rows_end) if lo_x > end), len(rows_end))
        if level == len(rows_end):
            rows_end.append(hi_x)
        rows_end[level] = max(rows_end[level], hi_x)
        levels.append(level)
    row_tops, top = [], 0
    for i in range(len(rows_end)):
        row_tops.append(top)
        top += 6 + 15 * max(
            (len(g[2]) for g, lv in zip(groups, levels, strict=True) if lv == i), default=1
        )
    axis_y = top + 16
    # photos in lanes so that thumbnails do not overlap (about 9% of the width each)
    lanes: list[float] = []
    placed = []
    for ph in sorted(photos, key=lambda ph: ph.capture_time):
        x = pct(ph.capture_time)
        lane = next((i for i, last in enumerate(lanes) if x - last >= 9), None)
        if lane is None:
            lanes.append(x)
            lane = len(lanes) - 1
        lanes[lane] = x
        placed.append((ph, x, lane))
    height = axis_y + 14 + LANE * max(len(lanes), 1)
    parts = [f'<div class="axisline" style="top:{axis_y}px"></div>']
    if window:
        a, b = pct(window[0]), pct(window[1])
        parts.append(f'<div class="win" style="left:{a:.2f}%;width:{max(b - a, 0.5):.2f}%;'
                     f'top:{axis_y - 12}px" title="{ctx.t("report.window")}"></div>')  # fmt: skip
    for (x, cls, lines), level in zip(groups, levels, strict=True):
        side = " right" if x > 70 else ""
        parts.append(f'<div class="mk {cls}{side}" style="left:{x:.2f}%">'
                     f'<span style="top:{row_tops[level]}px">{"<br>".join(lines)}</span></div>')  # fmt: skip
    for ph, x, lane in placed:
        out = window is not None and not (window[0] <= ph.capture_time <= window[1])
        off = ph.capture_time < lo or ph.capture_time > hi
        cls = "ph" + (" out" if out else "") + (" weak" if ph.weak else "")
        note = f" ({ctx.t('report.out_of_range')})" if off else ""
        note += f" ({ctx.t('report.weak')})" if ph.weak else ""
        local = ph.capture_time.astimezone(ctx.tz)
        uri = thumbnail(Path(ctx.result.batch) / p.id / ph.file)
        parts.append(
            f'<figure class="{cls}" style="left:{min(x, 93.0):.2f}%;top:{axis_y + 10 + lane * LANE}px" '
            f'title="{e(ph.file)} · {e(ctx.day(ph.capture_time))}{note}">'
            f"{_img(uri, ph.file, ctx)}<figcaption>{e(ph.file.rsplit('/', 1)[-1])}<br>"
            f"{local:%d.%m %H:%M}{note}</figcaption></figure>"
        )
    axis = f'<div class="axis"><span>{e(ctx.day(lo))}</span><span>{e(ctx.day(hi))}</span></div>'
    return (f"<h3>{ctx.t('report.timeline')}</h3>{axis}"
            f'<div class="tl" style="height:{height}px">{"".join(parts)}</div>')  # fmt: skip


def _undated(p: PackageResult, ctx: _Ctx) -> str:
    undated = [ph for ph in p.evidence.photos if ph.capture_time is None]
    if not undated:
        return ""
    figs = "".join(
        f"<figure>{_img(thumbnail(Path(ctx.result.batch) / p.id / ph.file), ph.file, ctx)}"
        f"<figcaption>{e(ph.file)}{'<br>' + e(ph.error) if ph.error else ''}</figcaption></figure>"
        for ph in undated
    )
    return f"<h3>{ctx.t('report.undated')}</h3><div class=thumbs>{figs}</div>"


def _caption(p: PackageResult, ctx: _Ctx) -> str:
    cap = p.evidence.caption
    head = f"<h3>{ctx.t('report.caption')}</h3>"
    if cap is None or cap.text is None:
        return head + f"<p>{ctx.t('report.no_caption')}</p>"
    limit = ctx.rule_param("KLP-03", "max_chars", 200)
    try:
        params = p.finding("KLP-03").params
    except StopIteration:
        params = {}
    n = params.get("graphemes", graphemes(cap.text))
    cp = params.get("codepoints", len(cap.text))
    limit = params.get("max", limit)
    over = " over" if isinstance(n, int) and isinstance(limit, int) and n > limit else ""
    length = ctx.t("report.caption_length", graphemes=n, max=limit, codepoints=cp)
    src = f" · <code>{e(cap.file)}</code>" if cap.file else ""
    return f'{head}<div class="caption">{e(cap.text)}</div><p class="len{over}">{length}{src}</p>'


def _role(rr: RoleReading, ctx: _Ctx) -> str:
    name = ctx.role_names.get(rr.role, rr.role)
    if not rr.found:
        sig = ctx.t("report.not_found")
        cls = "warn"
    else:
        sig = ctx.t(
            "report." + (rr.signature if rr.signature in ("signed", "not_signed") else "uncertain")
        )
        cls = {"signed": "pass", "not_signed": "fail"}.get(rr.signature, "review")
    crop = png_uri(rr.signature_crop)
    img = f'<img src="{crop}" alt="{e(name)}">' if crop else ""
    decision = label(f"decision.{rr.decision}", ctx.lang) if rr.decision else rr.decision_state
    date = ctx.day(rr.date) if rr.date else (rr.date_text or "")
    notes = "".join(f"<br><small>{e(note_text(n, ctx.lang))}</small>" for n in rr.notes)
    return (
        f'<div class="role"><b>{e(name)}</b>{img}<div class="s-{cls}"><b>{sig}</b> '
        f"({ctx.t('report.confidence')} {rr.signature_confidence:.2f})</div>"
        f"<div>{ctx.t('report.decision')}: {e(decision)} · {e(date)}</div>{notes}</div>"
    )


def _sheets(p: PackageResult, ctx: _Ctx) -> str:
    sheets = p.evidence.sheets
    if not sheets:
        return ""
    parts = [f"<h3>{ctx.t('report.sheets')}</h3>"]
    for s in sheets:
        info = f"<code>{e(s.file)}</code> · {e(s.kind)}"
        if s.ocr_confidence is not None:
            info += f" · OCR {s.ocr_confidence:.2f}"
        if s.error:
            info += f' · <span class="s-error">{e(s.error)}</span>'
        parts.append(
            f"<p>{info}</p><div class=roles>{''.join(_role(r, ctx) for r in s.roles)}</div>"
        )
        parts += [f"<p><small>{e(note_text(n, ctx.lang))}</small></p>" for n in s.notes]
    return "".join(parts)


def _findings(findings: tuple[Finding, ...], ctx: _Ctx) -> str:
    rows = []
    for f in findings:
        evs = "".join(f"<li>{e(evidence_text(x, ctx.lang))}</li>" for x in f.evidence)
        evs = (
            f'<ul class="ev">{evs}</ul>' if evs else f"<small>{ctx.t('report.no_evidence')}</small>"
        )
        cls = "na" if f.status is Status.NA else f.status.value
        flag = (
            f' <span class="flag">⚑ {ctx.t("report.review_flag")}</span>'
            if f.status is Status.REVIEW
            else ""
        )
        rows.append(
            f'<tr class="f-{cls}"><td><b>{e(f.rule)}</b>{flag}</td><td>{badge(f.status, ctx)}</td>'
            f"<td>{e(f.severity.value)}</td><td>{e(f.message)}{evs}</td></tr>"
        )  # fmt: skip
    head = "".join(
        f"<th>{ctx.t(k)}</th>"
        for k in ("report.rule", "report.status", "report.severity", "report.message")
    )
    return f"<h3>{ctx.t('report.findings')}</h3><table><tr>{head}</tr>{''.join(rows)}</table>"


def _card(p: PackageResult, ctx: _Ctx) -> str:
    ev = p.evidence
    pkg = ev.package if ev else None
    unit = pkg.unit if pkg and pkg.unit else ""
    rules = " ".join(dict.fromkeys(f.rule for f in p.findings if f.status.rank >= PROBLEM))
    title = (pkg.title if pkg else None) or p.id
    cls = "na" if p.status is Status.NA else p.status.value
    parts = [
        f'<article class="card st-{cls}" id="{_anchor(p)}" data-status="{e(p.status.value)}" '
        f'data-rules="{e(rules)}" data-unit="{e(unit)}">',
        f'<div class="printhead"><span>{ctx.t("report.title")} · {e(ctx.result.rulepack.get("id"))}</span>'
        f"<span>{e(p.id)}</span></div>",
        f'<h2>{badge(p.status, ctx)} <span>{e(title)}</span> <span class="pid">{e(p.id)}</span></h2>',
    ]
    if ev is not None:
        facts = []
        if ev.activity_start:
            start, end = ev.activity_start, ev.activity_end
            when = ctx.day(start.day)
            if end and end.day != start.day:
                when += " – " + ctx.day(end.day)
            src = e(start.source) + (", " + ctx.t("report.inferred") if start.inferred else "")
            facts.append(f"{ctx.t('report.activity_date')}: <b>{e(when)}</b> ({src})")
        for key, value in (("report.unit", pkg.unit), ("report.location", pkg.location)):
            if value:
                facts.append(f"{ctx.t(key)}: <b>{e(value)}</b>")
        facts.append(ctx.t("report.photos", n=len(ev.photos)))
        parts.append(f'<div class="facts">{"".join(f"<span>{x}</span>" for x in facts)}</div>')
        parts += [_timeline(p, ctx), _undated(p, ctx), _caption(p, ctx), _sheets(p, ctx)]
    parts.append(_findings(p.findings, ctx))
    return "".join(parts) + "</article>"


def chunks(result: AuditResult):
    """The report as one HTML document, one package card at a time."""
    ctx = _Ctx(result)
    csp = (f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src {_CSP_SCRIPT}; "
           "form-action 'none'; base-uri 'none'")  # fmt: skip
    yield (
        f'<!DOCTYPE html>\n<html lang="{e(ctx.lang)}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{ctx.t('report.title')} · {e(result.rulepack.get('id'))}</title>"
        f"<style>{CSS}</style></head><body>"
        f"<header><h1>{ctx.t('report.title')}</h1>{_run_meta(ctx)}</header>"
        f"<main>{_summary(ctx)}{_filters(ctx)}"
        f"<section id=packages><h2 class=noprint>{ctx.t('report.packages')}</h2>"
    )
    any_card = False
    for p in result.packages:
        any_card = True
        yield _card(p, ctx)
    if not any_card:
        yield f"<p>{ctx.t('report.no_packages')}</p>"
    yield f"</section></main><script>{JS}</script></body></html>\n"


def render(result: AuditResult) -> str:
    """The report as one HTML document."""
    return "".join(chunks(result))


def write(result: AuditResult, out_dir: Path) -> Path:
    """Write ``sopcheck-report.html`` into ``out_dir`` atomically, card by card; return its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return write_atomic_chunks(out_dir / FILENAME, chunks(result))
