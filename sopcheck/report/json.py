"""The JSON report ``sopcheck-report.json`` (schema: ``sopcheck/schema/report-v1.json``).

The keys of SPEC.md's minimum contract are stable; ``run``, ``summary``, ``inputs``, ``skipped``
and the per-package details are documented in the schema and may grow.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Iterator, Mapping
from decimal import Decimal
from enum import Enum
from pathlib import Path, PurePath
from typing import Any

import regex

from ..model import (
    AuditResult,
    Evidence,
    Finding,
    PackageResult,
    PhotoInfo,
    Status,
    TextInfo,
)
from .atomic import write_atomic_chunks

SCHEMA_VERSION = "1"
FILENAME = "sopcheck-report.json"
_VALUE_MAX = 300
"""Longest evidence value shown in text reports (Markdown, JUnit)."""


def jsonable(value: Any) -> Any:
    """Convert ``value`` recursively to JSON types: enums to their value, dates and datetimes to
    ISO 8601, tuples and sets to lists, dataclasses to dicts, non-finite floats to None."""
    if isinstance(value, Enum):
        return jsonable(value.value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return jsonable(float(value))
    if isinstance(value, PurePath):
        return value.as_posix()
    if isinstance(value, bytes | bytearray):
        return value.hex()
    if isinstance(value, Evidence):
        return jsonable(value.to_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(jsonable(k)): jsonable(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((jsonable(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return str(value)


def evidence_text(ev: Evidence, lang: str = "en") -> str:
    """One line describing a piece of evidence: file (page, region), tag, value, note; in
    Indonesian (``lang='id'``) the words and the note (``report.notes``) are translated."""
    from .notes import note_text

    idn = lang == "id"
    parts: list[str] = []
    where = ev.file or ""
    if ev.page is not None:
        where += f" p.{ev.page}"
    if ev.region:
        where += f" [{ev.region}]"
    if where.strip():
        parts.append(where.strip())
    if ev.tag:
        parts.append(ev.tag)
    if ev.value is not None:
        value = jsonable(ev.value)
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        parts.append("= " + (text if len(text) <= _VALUE_MAX else text[: _VALUE_MAX - 1] + "…"))
    inferred = ("disimpulkan" if idn else "inferred") if ev.inferred else None
    extra = [x for x in (ev.source, inferred) if x]
    if ev.confidence is not None:
        extra.append(f"{'keyakinan' if idn else 'confidence'} {ev.confidence:.2f}")
    if extra:
        parts.append(f"({', '.join(extra)})")
    if ev.note:
        parts.append(f"— {note_text(ev.note, lang)}")
    return " ".join(parts) if parts else "—"


def status_counts(statuses) -> dict[str, int]:
    """Count of each status, every status present, in rank order (n/a first)."""
    counts = {s.value: 0 for s in Status}
    for s in statuses:
        counts[Status(s).value] += 1
    return counts


def rule_counts(result: AuditResult) -> dict[str, dict[str, int]]:
    """Per rule id (in the order first seen, i.e. the pack's order): the count of each status."""
    per_rule: dict[str, list[Status]] = {}
    for pkg in result.packages:
        for f in pkg.findings:
            per_rule.setdefault(f.rule, []).append(f.status)
    return {rule: status_counts(sts) for rule, sts in per_rule.items()}


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "status": f.status.value,
        "severity": f.severity.value,
        "message": f.message,
        "message_id": f.message_id,
        "params": jsonable(f.params),
        "evidence": [jsonable(e.to_dict()) for e in f.evidence],
    }


def _photo(p: PhotoInfo) -> dict[str, Any]:
    keys = ("file", "capture_time", "source_tag", "source", "tz_note", "weak", "date_only",
            "modify_time", "gps_time", "software", "phash", "thumbnail_phash", "width", "height", "notes", "error")  # fmt: skip
    return {k: jsonable(getattr(p, k)) for k in keys}


def _text(t: TextInfo | None) -> dict[str, Any] | None:
    if t is None:
        return None
    d = {k: t.__dict__[k] for k in ("text", "file", "source", "encoding", "note", "error")}
    d["code_points"] = len(t.text) if t.text is not None else None
    d["graphemes"] = len(regex.findall(r"\X", t.text)) if t.text is not None else None
    return d


def _package(p: PackageResult) -> dict[str, Any]:
    ev = p.evidence
    pkg = ev.package if ev else None
    activity = None
    if ev and (ev.activity_start or ev.activity_end):
        start, end = ev.activity_start, ev.activity_end
        activity = {
            "start": jsonable(start.value) if start else None,
            "end": jsonable(end.value) if end else None,
            "source": (start or end).source,
            "inferred": any(d.inferred for d in (start, end) if d),
        }
    return {
        "id": p.id,
        "status": p.status.value,
        "activity": activity,
        "title": pkg.title if pkg else None,
        "unit": pkg.unit if pkg else None,
        "location": pkg.location if pkg else None,
        "photos": [_photo(ph) for ph in p.photos],
        "videos": list(ev.videos) if ev else [],
        "caption": _text(ev.caption if ev else None),
        "narrative": _text(ev.narrative if ev else None),
        "findings": [_finding(f) for f in p.findings],
    }


def _head(result: AuditResult) -> dict[str, Any]:
    """Every top-level entry of the report; ``packages`` left empty (``chunks`` streams them)."""
    rp = dict(result.rulepack)
    rulepack = {k: rp.pop(k, None) for k in ("id", "version", "sha256", "path")} | rp
    tool = dict(result.tool)
    tool = {k: tool.pop(k, None) for k in ("name", "version")} | tool
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": jsonable(tool),
        "rulepack": jsonable(rulepack),
        "run": {
            "batch": jsonable(result.batch),
            "started": result.started.isoformat(),
            "finished": result.finished.isoformat(),
            "as_of": result.as_of.isoformat(),
            "lang": result.lang,
            "duration_seconds": round((result.finished - result.started).total_seconds(), 3),
        },
        "summary": {
            "status": result.status.value,
            "packages": status_counts(p.status for p in result.packages),
            "rules": rule_counts(result),
        },
        "packages": [],
        "batch_findings": [_finding(f) for f in result.batch_findings],
        "inputs": [jsonable(dict(i)) for i in result.inputs],
        "skipped": [jsonable(dict(s)) for s in result.skipped],
        "register": {
            "file": result.register_file,
            "unmatched_rows": [jsonable(dict(r)) for r in result.register_unmatched],
        },
    }


def to_dict(result: AuditResult) -> dict[str, Any]:
    """The whole report as JSON-ready data, keys in a stable order."""
    return _head(result) | {"packages": [_package(p) for p in result.packages]}


def _json(value: Any, indent: str) -> str:
    """``value`` as 2-space-indented JSON, its lines after the first shifted by ``indent`` (a JSON
    text has a newline only between tokens: strings carry theirs escaped)."""
    text = json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False)
    return text.replace("\n", "\n" + indent)


def chunks(result: AuditResult) -> Iterator[str]:
    """The text of ``dumps(result)`` in pieces, one package at a time: writing a report of any
    size holds one package's JSON in memory, not the whole report's."""
    head = _head(result)
    yield "{\n"
    last = len(head) - 1
    for i, (key, value) in enumerate(head.items()):
        end = ",\n" if i < last else "\n"
        if key != "packages" or not result.packages:
            yield f"  {json.dumps(key)}: {_json(value, '  ')}{end}"
            continue
        yield f"  {json.dumps(key)}: [\n"
        n = len(result.packages)
        for j, p in enumerate(result.packages):
            yield "    " + _json(_package(p), "    ") + (",\n" if j < n - 1 else "\n")
        yield f"  ]{end}"
    yield "}\n"


def dumps(result: AuditResult) -> str:
    """The report as JSON text (UTF-8 characters kept, 2-space indent, trailing newline)."""
    return json.dumps(to_dict(result), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def write(result: AuditResult, out_dir: Path) -> Path:
    """Write ``sopcheck-report.json`` into ``out_dir`` atomically, streamed package by package;
    return its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return write_atomic_chunks(out_dir / FILENAME, chunks(result))
