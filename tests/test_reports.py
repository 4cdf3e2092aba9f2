"""Tests of the report writers: JSON (against the schema), Markdown, JUnit and the atomic write."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from jsonschema import Draft202012Validator

from sopcheck import model
from sopcheck.errors import UsageError
from sopcheck.model import (
    AuditResult,
    Dated,
    Evidence,
    FileRecord,
    Finding,
    Package,
    PackageEvidence,
    PackageResult,
    PhotoInfo,
    Severity,
    Status,
    TextInfo,
)
from sopcheck.report import WRITERS, junit, markdown, write_reports
from sopcheck.report import json as jsonreport
from sopcheck.report.atomic import write_atomic

WIB = ZoneInfo("Asia/Jakarta")
SCHEMA = Path(model.__file__).parent / "schema" / "report-v1.json"
CAPTION = "Musrenbang <script>alert(1)</script> | Bulik `kode`\nbaris dua"
SHOT = dt.datetime(2024, 3, 12, 10, 15, tzinfo=WIB)
A, B = "2024-03-12-musrenbang-bulik", "sub/2024-03-13-rapat"
RULES = ["KLP-01", "KLP-03", "WKT-01", "PST-04", "INT-01"]
NAMES = ["sopcheck-report.json", "sopcheck-report.md", "sopcheck-junit.xml"]
PACK = {"id": "lamandau-medsos-2015", "version": "1.0", "sha256": "cd" * 32, "path": "r.yaml"}
INPUT = {"package": A, "path": "foto/a.jpg", "size": 10, "sha256": "ab" * 32}


def _f(rule, status, message, *evidence, severity=Severity.MAJOR, **params):
    return Finding(rule=rule, status=Status(status), severity=severity, message=message,
                   message_id=f"{rule}.{status}", params=params, evidence=evidence)  # fmt: skip


def make_result(lang: str = "id") -> AuditResult:
    pkg = Package(
        id=A,
        path=f"/batch/{A}",
        files=(FileRecord(path="foto/a.jpg", kind="photo", size=10, sha256="ab" * 32),),
        title="Musrenbang Kecamatan Bulik",
        location="Nanga Bulik",
    )
    evidence = PackageEvidence(
        package=pkg,
        photos=(
            PhotoInfo(
                file="foto/a.jpg",
                capture_time=SHOT,
                source_tag="DateTimeOriginal",
                source="exifread",
                width=4000,
                height=3000,
                notes=("x",),
            ),
        ),
        videos=(),
        caption=TextInfo(text=CAPTION, file="caption.txt", source="file", encoding="utf-8"),
        narrative=None,
        activity_start=Dated(value=dt.date(2024, 3, 12), source="folder-name", inferred=True),
        activity_end=None,
        approval_files=(),
    )
    findings_a = (
        _f("KLP-01", "fail", "Hanya 3 foto | kurang", Evidence(file="foto/a.jpg"), found=3, want=4),
        _f(
            "KLP-03", "warn", "Caption terlalu panjang", Evidence(file="caption.txt", value=CAPTION)
        ),
        _f(
            "WKT-01",
            "review",
            "Waktu foto tidak pasti",
            Evidence(file="foto/a.jpg", tag="DateTimeOriginal", value=SHOT, note="WIB diasumsikan"),
            window=(dt.date(2024, 3, 12), dt.date(2024, 3, 12)),
        ),
        _f("PST-04", "n/a", "Tidak ada tanda tangan digital"),
        _f("INT-01", "error", "Berkas rusak", Evidence(file="foto/b.jpg", source="pillow")),
    )
    findings_b = (
        _f("KLP-01", "pass", "5 foto", Evidence(file="foto/1.jpg", confidence=0.9, inferred=True)),
        _f("KLP-03", "pass", "Caption 120 karakter", severity=Severity.MINOR),
        _f("WKT-01", "warn", "Foto tanpa waktu"),
        _f("PST-04", "n/a", "Tidak ada tanda tangan digital"),
        _f("INT-01", "pass", "Semua berkas terbaca"),
    )
    return AuditResult(
        batch="/batch",
        rulepack=PACK,
        tool={"name": "sopcheck", "version": "0.1.0"},
        started=dt.datetime(2024, 3, 20, 8, 0, tzinfo=WIB),
        finished=dt.datetime(2024, 3, 20, 8, 0, 2, 500000, tzinfo=WIB),
        as_of=dt.datetime(2024, 3, 20, 8, 0, tzinfo=WIB),
        lang=lang,
        packages=(
            PackageResult(id=A, status=Status.ERROR, findings=findings_a, evidence=evidence),
            PackageResult(id=B, status=Status.WARN, findings=findings_b),
        ),
        inputs=(INPUT,),
        skipped=({"folder": "lain|lain", "reason": "not a package"},),
    )


@pytest.fixture
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_json_validates_against_schema(validator):
    data = json.loads(jsonreport.dumps(make_result()))
    errors = [e.message for e in validator.iter_errors(data)]
    assert errors == []
    bad = json.loads(jsonreport.dumps(make_result()))
    bad["packages"][0]["findings"][0]["status"] = "ok"
    del bad["packages"][1]["findings"][0]["severity"]
    assert len(list(validator.iter_errors(bad))) == 2


def test_json_minimum_contract():
    data = jsonreport.to_dict(make_result())
    assert data["schema_version"] == "1"
    assert data["tool"] == {"name": "sopcheck", "version": "0.1.0"}
    assert {"id", "version", "sha256"} <= data["rulepack"].keys()
    assert [p["id"] for p in data["packages"]] == [A, B]
    assert [p["status"] for p in data["packages"]] == ["error", "warn"]
    first = data["packages"][0]
    assert [f["rule"] for f in first["findings"]] == RULES
    for f in first["findings"]:
        assert {"rule", "status", "severity", "message", "evidence"} <= f.keys()
    assert first["findings"][0]["evidence"] == [{"file": "foto/a.jpg"}]
    assert data["packages"][1]["findings"][0]["evidence"][0]["inferred"] is True
    counts = {"n/a": 0, "pass": 0, "warn": 1, "review": 0, "fail": 0, "error": 1}
    assert data["summary"]["packages"] == counts
    assert data["summary"]["rules"]["KLP-01"]["fail"] == 1
    assert data["summary"]["rules"]["KLP-01"]["pass"] == 1
    assert data["summary"]["rules"]["PST-04"]["n/a"] == 2
    assert data["summary"]["status"] == "error"
    assert data["inputs"][0]["sha256"] == "ab" * 32
    assert data["skipped"] == [{"folder": "lain|lain", "reason": "not a package"}]


def test_json_dates_are_iso_strings():
    result = make_result()
    data = jsonreport.to_dict(result)
    assert data["run"]["started"] == "2024-03-20T08:00:00+07:00"
    assert data["run"]["duration_seconds"] == 2.5
    wkt = data["packages"][0]["findings"][2]
    assert dt.datetime.fromisoformat(wkt["evidence"][0]["value"]) == SHOT
    assert wkt["params"] == {"window": ["2024-03-12", "2024-03-12"]}
    first = data["packages"][0]
    assert first["photos"][0]["capture_time"] == SHOT.isoformat()
    activity = {"start": "2024-03-12", "end": None, "source": "folder-name", "inferred": True}
    assert first["activity"] == activity
    assert first["caption"]["text"] == CAPTION
    assert first["caption"]["code_points"] == len(CAPTION)
    assert data["packages"][1]["activity"] is None
    # the serialised text carries no Python reprs
    assert "datetime" not in jsonreport.dumps(result)


def test_jsonable_conversions():
    out = jsonreport.jsonable(
        {"s": Status.FAIL, "set": {3, 1}, "nan": math.nan, "p": Path("a/b"), 1: (dt.time(9, 30),)}
    )
    assert out == {"s": "fail", "set": [1, 3], "nan": None, "p": "a/b", "1": ["09:30:00"]}
    json.dumps(out, allow_nan=False)  # must not raise


def test_json_file_written(tmp_path):
    path = WRITERS["json"](make_result(), tmp_path / "out")
    assert path.name == "sopcheck-report.json"
    text = path.read_text(encoding="utf-8")
    assert json.loads(text) == jsonreport.to_dict(make_result())
    assert "<script>" in text  # ensure_ascii=False: text kept as written, JSON needs no escaping


def test_markdown_escapes_and_labels():
    text = markdown.render(make_result("id"))
    assert text.startswith("# Laporan Audit sopcheck\n")
    for label in ("Ringkasan", "Aturan", "Pesan", "Bukti", "Paket"):
        assert label in text
    assert "<script>" not in text
    assert "&lt;script&gt;" in text
    assert "Hanya 3 foto \\| kurang" in text
    assert "\\`kode\\`" in text
    assert "- lain\\|lain: not a package" in text
    row = next(line for line in text.splitlines() if line.startswith("| KLP-01 | fail |"))
    unescaped_pipes = row.replace("\\|", "").count("|")
    assert unescaped_pipes == 4  # three cells, the message's '|' stays inside its cell
    caption_line = next(line for line in text.splitlines() if line.startswith("- Caption:"))
    assert "baris dua" in caption_line and "<br>" in caption_line
    # evidence bullets only for non-pass findings
    assert "DateTimeOriginal" in text and "WIB diasumsikan" in text
    assert "foto/1.jpg" not in text


def test_markdown_english_labels_and_rule_table():
    text = markdown.render(make_result("en"))
    assert text.startswith("# sopcheck Audit Report\n")
    assert "| Rule | fail | error | review | warn |" in text
    assert "| KLP-01 | 1 | 0 | 0 | 0 |" in text
    assert "| WKT-01 | 0 | 0 | 1 | 1 |" in text


def _counts(root: ET.Element, pkg: str) -> dict[str, int]:
    suite = next(s for s in root.iter("testsuite") if s.get("name") == pkg)
    return {k: int(suite.get(k)) for k in ("tests", "failures", "errors", "skipped")}


@pytest.mark.parametrize(
    ("fail_on", "a", "b"),
    [
        (Status.FAIL, {"tests": 5, "failures": 1, "errors": 1, "skipped": 1},
         {"tests": 5, "failures": 0, "errors": 0, "skipped": 1}),
        (Status.WARN, {"tests": 5, "failures": 3, "errors": 1, "skipped": 1},
         {"tests": 5, "failures": 1, "errors": 0, "skipped": 1}),
    ],
)  # fmt: skip
def test_junit_counts(tmp_path, fail_on, a, b):
    path = junit.write(make_result(), tmp_path, fail_on=fail_on)
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    assert _counts(root, A) == a
    assert _counts(root, B) == b
    assert int(root.get("tests")) == 10
    assert int(root.get("failures")) == a["failures"] + b["failures"]
    # the attributes agree with the elements actually present
    assert len(root.findall(".//failure")) == int(root.get("failures"))
    assert len(root.findall(".//error")) == int(root.get("errors"))


def test_junit_case_content():
    root = junit.to_element(make_result())
    cases = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
    assert len(cases) == 10
    fail = cases[(A, "KLP-01")].find("failure")
    assert fail.get("type") == "fail" and fail.get("message") == "Hanya 3 foto | kurang"
    assert "foto/a.jpg" in fail.text
    err = cases[(A, "INT-01")].find("error")
    assert err.get("type") == "error" and "foto/b.jpg" in err.text
    assert cases[(B, "PST-04")].find("skipped") is not None
    assert cases[(B, "KLP-01")].find("system-out").text == "pass: 5 foto"


def test_write_reports_all_formats(tmp_path):
    paths = write_reports(make_result(), tmp_path, ["json", "md", "junit"], fail_on="warn")
    assert [p.name for p in paths] == NAMES
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths)
    root = ET.parse(paths[2]).getroot()
    assert root.get("failures") == "4"  # fail_on=warn reached the JUnit writer
    assert write_reports(make_result(), tmp_path / "one", "json") == [
        tmp_path / "one" / "sopcheck-report.json"
    ]


def test_write_reports_unknown_format_writes_nothing(tmp_path):
    with pytest.raises(UsageError, match="pdf"):
        write_reports(make_result(), tmp_path, ["json", "pdf"])
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_replaces_and_leaves_no_temp(tmp_path):
    target = tmp_path / "r.txt"
    target.write_text("old", encoding="utf-8")
    assert write_atomic(target, "nouveau ✓\n") == target
    assert target.read_text(encoding="utf-8") == "nouveau ✓\n"
    write_atomic(target, b"\x00bytes")
    assert target.read_bytes() == b"\x00bytes"
    assert [p.name for p in tmp_path.iterdir()] == ["r.txt"]


def test_write_atomic_failure_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "r.json"
    target.write_text('{"old": true}', encoding="utf-8")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, '{"new": true}')
    assert target.read_text(encoding="utf-8") == '{"old": true}'
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]
