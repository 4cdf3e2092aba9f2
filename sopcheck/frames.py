"""Notebook views of an AuditResult: pandas frames, a text summary, and HTML for Jupyter.

pandas is imported only here and only when a frame is asked for (``pip install 'sopcheck[notebook]'``).
"""

from __future__ import annotations

import html
from collections import Counter
from typing import TYPE_CHECKING

from .model import AuditResult, PackageResult, Status

if TYPE_CHECKING:
    import pandas as pd

_ORDER = [s.value for s in sorted(Status, key=lambda s: s.rank)]


def _pandas():
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("data frames need pandas: pip install 'sopcheck[notebook]'") from None
    return pd


def _status_cat(pd, values):
    return pd.Categorical(values, categories=_ORDER, ordered=True)


def _day(dated):
    return dated.day.isoformat() if dated else None


def findings_frame(result: AuditResult) -> pd.DataFrame:
    """One row per (package, rule): status and severity as ordered categoricals, dates as datetimes."""
    pd = _pandas()
    rows = []
    for p in result.packages:
        ev = p.evidence
        pkg = ev.package if ev else None
        for f in p.findings:
            rows.append({
                "package": p.id, "rule": f.rule, "status": f.status.value, "severity": f.severity.value,
                "message": f.message, "message_id": f.message_id, "evidence": len(f.evidence),
                "activity_date": _day(ev.activity_start) if ev else None,
                "unit": pkg.unit if pkg else None,
            })  # fmt: skip
    df = pd.DataFrame(rows, columns=["package", "rule", "status", "severity", "message", "message_id",
                                     "evidence", "activity_date", "unit"])  # fmt: skip
    df["status"] = _status_cat(pd, df["status"])
    df["severity"] = pd.Categorical(
        df["severity"], categories=["info", "minor", "major", "critical"], ordered=True
    )
    df["activity_date"] = pd.to_datetime(df["activity_date"])
    return df


def packages_frame(result: AuditResult) -> pd.DataFrame:
    """One row per package: activity, counts of evidence, status and the rules that failed."""
    pd = _pandas()
    rows = []
    for p in result.packages:
        ev = p.evidence
        pkg = ev.package if ev else None
        rows.append({
            "package": p.id, "status": p.status.value,
            "title": pkg.title if pkg else None, "unit": pkg.unit if pkg else None,
            "activity_date": _day(ev.activity_start) if ev else None,
            "activity_date_source": ev.activity_start.source if ev and ev.activity_start else None,
            "photos": len(ev.photos) if ev else 0,
            "caption_chars": len(ev.caption.text) if ev and ev.caption and ev.caption.text else None,
            "handed_in": pkg.handed_in.value.isoformat() if pkg and pkg.handed_in else None,
            "uploaded": pkg.upload.date.value.isoformat() if pkg and pkg.upload and pkg.upload.date else None,
            "failed_rules": ", ".join(p.failed_rules),
        })  # fmt: skip
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    df["status"] = _status_cat(pd, df["status"])
    df["activity_date"] = pd.to_datetime(df["activity_date"])
    for col in ("handed_in", "uploaded"):
        df[col] = pd.to_datetime(df[col], utc=True, format="ISO8601")
    return df


def summary(result: AuditResult) -> str:
    """A few lines: packages by status and the rules with the most failures."""
    by = Counter(p.status.value for p in result.packages)
    rules = Counter(r for p in result.packages for r in p.failed_rules)
    lines = [
        f"sopcheck {result.tool['version']} | {result.rulepack['id']} {result.rulepack['version']} | "
        f"{len(result.packages)} packages | as of {result.as_of.date().isoformat()}",
        "packages: " + ", ".join(f"{s} {by[s]}" for s in reversed(_ORDER) if by[s]),
    ]
    if rules:
        lines.append("rules failing: " + ", ".join(f"{r} {n}" for r, n in rules.most_common()))
    return "\n".join(lines)


def result_html(result: AuditResult) -> str:
    """The summary and a table of packages, for Jupyter (all values escaped)."""
    rows = "".join(
        f"<tr><td>{html.escape(p.id)}</td><td>{html.escape(p.status.value)}</td>"
        f"<td>{html.escape(', '.join(p.failed_rules))}</td></tr>"
        for p in result.packages
    )
    return (
        f"<pre>{html.escape(summary(result))}</pre>"
        f"<table><thead><tr><th>package</th><th>status</th><th>failed rules</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def package_html(p: PackageResult) -> str:
    """One package: its findings with their messages (all values escaped)."""
    rows = "".join(
        f"<tr><td>{f.rule}</td><td>{html.escape(f.status.value)}</td><td>{html.escape(f.message)}</td></tr>"
        for f in p.findings
    )
    return (
        f"<h4>{html.escape(p.id)}: {html.escape(p.status.value)}</h4>"
        f"<table><thead><tr><th>rule</th><th>status</th><th>message</th></tr></thead><tbody>{rows}</tbody></table>"
    )
