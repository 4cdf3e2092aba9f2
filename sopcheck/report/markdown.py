"""The Markdown report ``sopcheck-report.md``: run metadata, summary tables, one section per package.

Headings are in the run language (``id`` or ``en``); every value taken from the input is escaped so
that it cannot break a table or inject HTML.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..model import AuditResult, Finding, PackageResult, Status
from .atomic import write_atomic_chunks
from .json import evidence_text, jsonable, rule_counts, status_counts

FILENAME = "sopcheck-report.md"

LABELS: dict[str, dict[str, str]] = {
    "id": {
        "title": "Laporan Audit sopcheck", "run": "Data Pemeriksaan", "summary": "Ringkasan",
        "rulepack": "Paket aturan", "version": "versi", "tool": "Versi sopcheck",
        "batch": "Folder batch", "as_of": "Waktu acuan", "started": "Mulai", "finished": "Selesai",
        "overall": "Status keseluruhan", "by_status": "Paket menurut status", "count": "Jumlah",
        "packages": "Paket", "package": "Paket", "rules": "Aturan", "rule": "Aturan",
        "status": "Status", "message": "Pesan", "evidence": "Bukti", "findings": "Temuan",
        "problems": "Temuan bermasalah", "judul": "Judul", "unit": "Unit", "location": "Lokasi",
        "activity": "Tanggal kegiatan", "caption": "Caption", "inferred": "disimpulkan",
        "none": "tidak ada", "no_packages": "Tidak ada paket.", "no_evidence": "tanpa bukti",
        "skipped": "Folder yang bukan paket", "batch_findings": "Temuan tentang batch",
    },
    "en": {
        "title": "sopcheck Audit Report", "run": "Run", "summary": "Summary",
        "rulepack": "Rule pack", "version": "version", "tool": "sopcheck version",
        "batch": "Batch folder", "as_of": "As of", "started": "Started", "finished": "Finished",
        "overall": "Overall status", "by_status": "Packages by status", "count": "Count",
        "packages": "Packages", "package": "Package", "rules": "Rules", "rule": "Rule",
        "status": "Status", "message": "Message", "evidence": "Evidence", "findings": "Findings",
        "problems": "Issues", "judul": "Title", "unit": "Unit", "location": "Location",
        "activity": "Activity date", "caption": "Caption", "inferred": "inferred",
        "none": "none", "no_packages": "No packages.", "no_evidence": "no evidence",
        "skipped": "Folders that are not packages", "batch_findings": "Findings about the batch",
    },
}  # fmt: skip

RULE_COLUMNS = (Status.FAIL, Status.ERROR, Status.REVIEW, Status.WARN)
"""Status columns of the rules table."""

_ESCAPES = {
    "\\": "\\\\", "|": "\\|", "`": "\\`", "[": "\\[", "]": "\\]",
    "&": "&amp;", "<": "&lt;", ">": "&gt;",
}  # fmt: skip


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def labels(lang: str) -> dict[str, str]:
    """The label set for ``lang``; English for a language without one."""
    return LABELS.get(lang, LABELS["en"])


def esc(value: object) -> str:
    """Escape a value for a Markdown table cell or line: ``|``, backticks, brackets, backslash and
    HTML special characters are escaped; line breaks become ``<br>``."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(jsonable(value))
    text = "".join(_ESCAPES.get(ch, ch) for ch in text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("\ufffd", text)  # no NUL or terminal escape (ESC) in a text report
    return text.replace("\n", "<br>")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _run(result: AuditResult, lb: dict[str, str]) -> list[str]:
    rp = result.rulepack
    pack = f"{esc(rp.get('id'))} {lb['version']} {esc(rp.get('version'))}"
    return [
        f"## {lb['run']}",
        "",
        f"- {lb['rulepack']}: {pack} (sha256 {esc(rp.get('sha256'))})",
        f"- {lb['tool']}: {esc(result.tool.get('version'))}",
        f"- {lb['batch']}: {esc(result.batch)}",
        f"- {lb['as_of']}: {esc(result.as_of)}",
        f"- {lb['started']}: {esc(result.started)}; {lb['finished']}: {esc(result.finished)}",
        f"- {lb['overall']}: **{esc(result.status.value)}**",
        "",
    ]


def _summary(result: AuditResult, lb: dict[str, str]) -> list[str]:
    lines = [f"## {lb['summary']}", "", f"### {lb['by_status']}", ""]
    counts = status_counts(p.status for p in result.packages)
    worst_first = sorted(Status, key=lambda s: -s.rank)
    lines += _table(
        [lb["status"], lb["count"]], [[s.value, str(counts[s.value])] for s in worst_first]
    )
    lines += [""]
    if result.packages:
        rows = []
        for p in result.packages:
            bad = sum(1 for f in p.findings if f.status.rank >= Status.WARN.rank)
            rows.append([esc(p.id), p.status.value, str(bad)])
        lines += _table([lb["package"], lb["status"], lb["problems"]], rows)
    else:
        lines.append(lb["no_packages"])
    lines += ["", f"### {lb['rules']}", ""]
    rows = [
        [esc(rule)] + [str(c[s.value]) for s in RULE_COLUMNS]
        for rule, c in rule_counts(result).items()
    ]
    lines += _table([lb["rule"]] + [s.value for s in RULE_COLUMNS], rows) + [""]
    if result.batch_findings:
        lines += [f"### {lb['batch_findings']}", ""]
        for f in result.batch_findings:
            lines.append(f"- **{esc(f.rule)}** ({f.status.value}): {esc(f.message)}")
            lines += [f"  - {esc(evidence_text(e, result.lang))}" for e in f.evidence]
        lines.append("")
    if result.skipped:
        lines += [f"### {lb['skipped']}", ""]
        lines += [f"- {esc(s.get('folder'))}: {esc(s.get('reason'))}" for s in result.skipped]
        lines.append("")
    return lines


def _details(p: PackageResult, lb: dict[str, str]) -> list[str]:
    ev = p.evidence
    if ev is None:
        return []
    pkg, lines = ev.package, []
    for key, value in (("judul", pkg.title), ("unit", pkg.unit), ("location", pkg.location)):
        if value:
            lines.append(f"- {lb[key]}: {esc(value)}")
    if ev.activity_start:
        start, end = ev.activity_start, ev.activity_end
        when = esc(start.value) + (f" – {esc(end.value)}" if end and end.day != start.day else "")
        note = f", {lb['inferred']}" if start.inferred else ""
        lines.append(f"- {lb['activity']}: {when} ({esc(start.source)}{note})")
    if ev.caption and ev.caption.text is not None:
        lines.append(f"- {lb['caption']}: {esc(ev.caption.text)}")
    return lines + [""] if lines else []


def _evidence(findings: tuple[Finding, ...], lb: dict[str, str], lang: str) -> list[str]:
    problems = [f for f in findings if f.status.rank >= Status.WARN.rank]
    if not problems:
        return []
    lines = [f"#### {lb['evidence']}", ""]
    for f in problems:
        lines.append(f"- **{esc(f.rule)}** ({f.status.value})")
        lines += [f"  - {esc(evidence_text(e, lang))}" for e in f.evidence] or [
            f"  - {lb['no_evidence']}"
        ]
    return lines + [""]


def _package(p: PackageResult, lb: dict[str, str], lang: str) -> list[str]:
    lines = [f"### {esc(p.id)}", "", f"**{lb['status']}: {p.status.value}**", ""]
    lines += _details(p, lb)
    rows = [[esc(f.rule), f.status.value, esc(f.message)] for f in p.findings]
    lines += _table([lb["rule"], lb["status"], lb["message"]], rows) + [""]
    return lines + _evidence(p.findings, lb, lang)


def chunks(result: AuditResult):
    """The report as Markdown text, one package at a time."""
    lb = labels(result.lang)
    head = [f"# {lb['title']}", ""] + _run(result, lb) + _summary(result, lb)
    pending = "\n".join(head + [f"## {lb['packages']}", ""])
    for p in result.packages:
        yield pending
        pending = "\n" + "\n".join(_package(p, lb, result.lang))
    yield pending.rstrip("\n") + "\n"


def render(result: AuditResult) -> str:
    """The report as Markdown text."""
    return "".join(chunks(result))


def write(result: AuditResult, out_dir: Path) -> Path:
    """Write ``sopcheck-report.md`` into ``out_dir`` atomically, package by package; return its
    path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return write_atomic_chunks(out_dir / FILENAME, chunks(result))
