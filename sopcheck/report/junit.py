"""The JUnit XML report ``sopcheck-junit.xml``: one test suite per package, one test case per rule.

A finding at or above ``fail_on`` is a ``<failure>``; an ``error`` finding is an ``<error>``; an
``n/a`` finding is ``<skipped>``; anything else passes, its status and message in ``<system-out>``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ..model import AuditResult, Finding, Status
from .atomic import write_atomic_chunks
from .json import evidence_text

FILENAME = "sopcheck-junit.xml"

_NOT_XML = re.compile(r"[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")


def xml_text(text: object) -> str:
    """Text that XML 1.0 can carry: control characters, U+FFFE/U+FFFF and lone surrogates become
    U+FFFD (also used for the cells of the XLSX register)."""
    return _NOT_XML.sub("\ufffd", "" if text is None else str(text))


_clean = xml_text


def outcome(status: Status, fail_on: Status = Status.FAIL) -> str:
    """What a status becomes in JUnit: 'error', 'failure', 'skipped' or 'passed'."""
    if status is Status.ERROR:
        return "error"
    if status is Status.NA:
        return "skipped"
    if status.rank >= fail_on.rank:
        return "failure"
    return "passed"


def _details(f: Finding, lang: str) -> str:
    lines = [f.message] + [f"- {evidence_text(e, lang)}" for e in f.evidence]
    return _clean("\n".join(lines))


def _testcase(pkg_id: str, f: Finding, fail_on: Status, lang: str) -> tuple[ET.Element, str]:
    case = ET.Element(
        "testcase", {"classname": _clean(pkg_id), "name": _clean(f.rule), "time": "0"}
    )
    kind = outcome(f.status, fail_on)
    if kind in ("error", "failure"):
        child = ET.SubElement(case, kind, {"message": _clean(f.message), "type": f.status.value})
        child.text = _details(f, lang)
    elif kind == "skipped":
        ET.SubElement(case, "skipped", {"message": _clean(f.message)})
    else:
        ET.SubElement(case, "system-out").text = _clean(f"{f.status.value}: {f.message}")
    return case, kind


BATCH_SUITE = "(batch)"
"""The test suite of the findings about the batch as a whole."""


def _suite(
    name: str,
    status: Status,
    findings: tuple[Finding, ...],
    fail_on: Status,
    timestamp: str,
    lang: str = "en",
) -> tuple[ET.Element, dict[str, int]]:
    suite = ET.Element("testsuite", {"name": _clean(name)})
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", {"name": "status", "value": status.value})
    for f in findings:
        suite.append(_testcase(name, f, fail_on, lang)[0])
    counts = _counts(findings, fail_on)
    for key, n in counts.items():
        suite.set(key, str(n))
    suite.set("time", "0")
    suite.set("timestamp", timestamp)
    return suite, counts


def _suites(result: AuditResult, fail_on: Status, timestamp: str):
    """Each package's suite, then the batch's (REG-01 rows with no package), one at a time."""
    for p in result.packages:
        yield _suite(p.id, p.status, p.findings, fail_on, timestamp, result.lang)
    if result.batch_findings:  # about the batch as a whole (REG-01: register rows with no package)
        worst = Status.worst(f.status for f in result.batch_findings)
        yield _suite(BATCH_SUITE, worst, result.batch_findings, fail_on, timestamp, result.lang)


def _root(result: AuditResult, totals: dict[str, int]) -> ET.Element:
    root = ET.Element("testsuites", {"name": "sopcheck"})
    for key, n in totals.items():
        root.set(key, str(n))
    root.set("time", f"{(result.finished - result.started).total_seconds():.3f}")
    return root


def to_element(result: AuditResult, *, fail_on: Status = Status.FAIL) -> ET.Element:
    """The ``<testsuites>`` element for the whole run (all in memory: ``chunks`` streams it)."""
    fail_on = Status(fail_on)
    timestamp = result.started.isoformat(timespec="seconds")
    suites = list(_suites(result, fail_on, timestamp))
    root = _root(result, _totals(counts for _, counts in suites))
    for suite, _ in suites:
        root.append(suite)
    return root


def _totals(counts_seq) -> dict[str, int]:
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for counts in counts_seq:
        for key, n in counts.items():
            totals[key] += n
    return totals


def _counts(findings: tuple[Finding, ...], fail_on: Status) -> dict[str, int]:
    kinds = [outcome(f.status, fail_on) for f in findings]
    return {"tests": len(kinds), "failures": kinds.count("failure"),
            "errors": kinds.count("error"), "skipped": kinds.count("skipped")}  # fmt: skip


def chunks(result: AuditResult, *, fail_on: Status = Status.FAIL):
    """The report as UTF-8 XML, indented, one suite at a time: the same bytes as ``render``
    without the whole tree in memory (a pass over the packages counts the totals first)."""
    fail_on = Status(fail_on)
    timestamp = result.started.isoformat(timespec="seconds")
    totals = _totals(
        [*(_counts(p.findings, fail_on) for p in result.packages),
         *([_counts(result.batch_findings, fail_on)] if result.batch_findings else [])]
    )  # fmt: skip
    root = _root(result, totals)
    yield b"<?xml version='1.0' encoding='utf-8'?>\n"
    if not totals["tests"] and not result.packages and not result.batch_findings:
        yield ET.tostring(root, encoding="utf-8") + b"\n"
        return
    root.text = "\x00"
    head, tail = ET.tostring(root, encoding="unicode").split("\x00", 1)
    yield head.encode("utf-8")
    for suite, _ in _suites(result, fail_on, timestamp):
        ET.indent(suite, space="  ", level=1)
        yield b"\n  " + ET.tostring(suite, encoding="utf-8", xml_declaration=False)
    yield ("\n" + tail + "\n").encode("utf-8")


def render(result: AuditResult, *, fail_on: Status = Status.FAIL) -> bytes:
    """The report as UTF-8 XML with a declaration, indented."""
    return b"".join(chunks(result, fail_on=fail_on))


def write(result: AuditResult, out_dir: Path, *, fail_on: Status = Status.FAIL) -> Path:
    """Write ``sopcheck-junit.xml`` into ``out_dir`` atomically, suite by suite; return its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return write_atomic_chunks(out_dir / FILENAME, chunks(result, fail_on=fail_on))
