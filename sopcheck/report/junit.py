"""The JUnit XML report ``sopcheck-junit.xml``: one test suite per package, one test case per rule.

A finding at or above ``fail_on`` is a ``<failure>``; an ``error`` finding is an ``<error>``; an
``n/a`` finding is ``<skipped>``; anything else passes, its status and message in ``<system-out>``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ..model import AuditResult, Finding, Status
from .atomic import write_atomic
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


def _details(f: Finding) -> str:
    lines = [f.message] + [f"- {evidence_text(e)}" for e in f.evidence]
    return _clean("\n".join(lines))


def _testcase(pkg_id: str, f: Finding, fail_on: Status) -> tuple[ET.Element, str]:
    case = ET.Element(
        "testcase", {"classname": _clean(pkg_id), "name": _clean(f.rule), "time": "0"}
    )
    kind = outcome(f.status, fail_on)
    if kind in ("error", "failure"):
        child = ET.SubElement(case, kind, {"message": _clean(f.message), "type": f.status.value})
        child.text = _details(f)
    elif kind == "skipped":
        ET.SubElement(case, "skipped", {"message": _clean(f.message)})
    else:
        ET.SubElement(case, "system-out").text = _clean(f"{f.status.value}: {f.message}")
    return case, kind


BATCH_SUITE = "(batch)"
"""The test suite of the findings about the batch as a whole."""


def _suite(
    name: str, status: Status, findings: tuple[Finding, ...], fail_on: Status, timestamp: str
) -> tuple[ET.Element, dict[str, int]]:
    suite = ET.Element("testsuite", {"name": _clean(name)})
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", {"name": "status", "value": status.value})
    for f in findings:
        case, kind = _testcase(name, f, fail_on)
        suite.append(case)
        counts["tests"] += 1
        if kind == "failure":
            counts["failures"] += 1
        elif kind == "error":
            counts["errors"] += 1
        elif kind == "skipped":
            counts["skipped"] += 1
    for key, n in counts.items():
        suite.set(key, str(n))
    suite.set("time", "0")
    suite.set("timestamp", timestamp)
    return suite, counts


def to_element(result: AuditResult, *, fail_on: Status = Status.FAIL) -> ET.Element:
    """The ``<testsuites>`` element for the whole run."""
    fail_on = Status(fail_on)
    root = ET.Element("testsuites", {"name": "sopcheck"})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    timestamp = result.started.isoformat(timespec="seconds")
    suites = [_suite(p.id, p.status, p.findings, fail_on, timestamp) for p in result.packages]
    if result.batch_findings:  # about the batch as a whole (REG-01: register rows with no package)
        worst = Status.worst(f.status for f in result.batch_findings)
        suites.append(_suite(BATCH_SUITE, worst, result.batch_findings, fail_on, timestamp))
    for suite, counts in suites:
        root.append(suite)
        for key, n in counts.items():
            totals[key] += n
    for key, n in totals.items():
        root.set(key, str(n))
    root.set("time", f"{(result.finished - result.started).total_seconds():.3f}")
    return root


def render(result: AuditResult, *, fail_on: Status = Status.FAIL) -> bytes:
    """The report as UTF-8 XML with a declaration, indented."""
    tree = ET.ElementTree(to_element(result, fail_on=fail_on))
    ET.indent(tree)
    return ET.tostring(tree.getroot(), encoding="utf-8", xml_declaration=True) + b"\n"


def write(result: AuditResult, out_dir: Path, *, fail_on: Status = Status.FAIL) -> Path:
    """Write ``sopcheck-junit.xml`` into ``out_dir`` atomically; return its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return write_atomic(out_dir / FILENAME, render(result, fail_on=fail_on))
