"""The approval rules over sheet readings: each case builds a real package, then gives it a reading.

The readings are made by hand here so that the rule logic is pinned independently of OCR; the
readers themselves are tested in test_sheet_*.py / test_template.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from builders import BASELINE_MANIFEST, DROP, default_pack, make_package, manifest_with

from sopcheck.api import parse_as_of
from sopcheck.discover import load_package
from sopcheck.engine import evaluate
from sopcheck.extract.package import gather
from sopcheck.model import RoleReading, SheetReading, Status

ROLES = ("tim_pertimbangan", "ketua_ppid_pelaksana", "atasan_ppid_pelaksana")
NO_RESPONSES = manifest_with({"tanggapan": DROP})


def role(
    r: str,
    sig="signed",
    dec="setuju",
    state="clear",
    date=dt.date(2024, 3, 13),
    conf=0.9,
    found=True,
):
    return RoleReading(role=r, found=found, page=1, region=(10, 20, 300, 100), signature=sig,
                       signature_confidence=0.95 if sig != "uncertain" else 0.4, decision=dec,
                       decision_state=state, decision_confidence=0.9, date=date,
                       date_text=date.strftime("%d-%m-%Y") if date else None, date_confidence=conf)  # fmt: skip


def sheet(*roles: RoleReading, **kw) -> SheetReading:
    kw.setdefault("kind", "free-form")
    return SheetReading(
        file="persetujuan.png", pages=1, roles=roles, words=120, ocr_confidence=0.9, **kw
    )


def findings(tmp_path, sheets, manifest=NO_RESPONSES, content_hash=None):
    pack = default_pack()
    pkg_dir = make_package(tmp_path, manifest=manifest)
    pkg = load_package(tmp_path, pkg_dir, pack.tz, ROLES)
    ev = dataclasses.replace(gather(pkg, pack.tz), sheets=tuple(sheets), content_hash=content_hash)
    res = evaluate(ev, pack, parse_as_of("2025-01-01", pack.tz), "en")
    return {f.rule: f for f in res.findings}


ALL_SIGNED = [sheet(*(role(r) for r in ROLES))]


@pytest.mark.parametrize(
    ("case", "sheets", "rule", "want"),
    [
        ("all signed", ALL_SIGNED, "PST-02", "pass"),
        (
            "one signed is enough (any)",
            [
                sheet(
                    role(ROLES[0]),
                    role(ROLES[1], sig="not_signed"),
                    role(ROLES[2], sig="not_signed"),
                )
            ],
            "PST-02",
            "pass",
        ),
        ("none signed", [sheet(*(role(r, sig="not_signed") for r in ROLES))], "PST-02", "fail"),
        (
            "uncertain only",
            [
                sheet(
                    role(ROLES[0], sig="uncertain"),
                    role(ROLES[1], sig="not_signed"),
                    role(ROLES[2], sig="not_signed"),
                )
            ],
            "PST-02",
            "review",
        ),
        ("roles not found", [sheet()], "PST-02", "review"),
        (
            "sheet read error",
            [SheetReading(file="persetujuan.png", kind="free-form", error="OCR failed")],
            "PST-02",
            "review",
        ),
        (
            "sheet read error: PST-01",
            [SheetReading(file="persetujuan.png", kind="free-form", error="OCR failed")],
            "PST-01",
            "error",
        ),
        ("setuju on sheet", ALL_SIGNED, "PST-03", "pass"),
        (
            "tolak on sheet",
            [sheet(role(ROLES[0]), role(ROLES[1]), role(ROLES[2], dec="tolak"))],
            "PST-03",
            "fail",
        ),
        (
            "both boxes ticked",
            [sheet(role(ROLES[0]), role(ROLES[1]), role(ROLES[2], dec=None, state="both"))],
            "PST-03",
            "review",
        ),
        (
            "nothing ticked anywhere",
            [sheet(*(role(r, dec=None, state="neither") for r in ROLES))],
            "PST-03",
            "review",
        ),
        ("sheet date on time", ALL_SIGNED, "WKT-03", "pass"),
        (
            "sheet date late",
            [sheet(role(ROLES[0], date=dt.date(2024, 3, 15)), role(ROLES[1]), role(ROLES[2]))],
            "WKT-03",
            "fail",
        ),
        (
            "sheet date unsure",
            [sheet(role(ROLES[0], conf=0.3), role(ROLES[1]), role(ROLES[2]))],
            "WKT-03",
            "review",
        ),
        (
            "role missing on a read sheet",
            [sheet(role(ROLES[1]), role(ROLES[2]))],
            "WKT-03",
            "review",
        ),
        ("Atasan's date", ALL_SIGNED, "WKT-05", "pass"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_sheet_readings(tmp_path, case, sheets, rule, want):
    f = findings(tmp_path, sheets)
    assert f[rule].status == Status(want), (case, f[rule].message)
    if want not in ("n/a",):
        assert f[rule].evidence, f[rule].message


def test_rejected_on_the_sheet_and_uploaded_is_critical(tmp_path):
    f = findings(tmp_path, [sheet(role(ROLES[0]), role(ROLES[1]), role(ROLES[2], dec="tolak"))])
    assert f["PST-03"].status == Status.FAIL and f["PST-03"].severity.value == "critical"
    assert any(e.file == "persetujuan.png" and e.value == "tolak" for e in f["PST-03"].evidence)


def test_manifest_and_sheet_dates_disagree_shows_both(tmp_path):
    f = findings(tmp_path, [sheet(role(ROLES[0], date=dt.date(2024, 3, 14)), role(ROLES[1]), role(ROLES[2]))],
                 manifest=BASELINE_MANIFEST)  # fmt: skip
    wkt = f["WKT-03"]
    assert wkt.status == Status.REVIEW
    assert {e.source for e in wkt.evidence} >= {"manifest", "free-form"}
    assert "2024-03-13" in wkt.message and "2024-03-14" in wkt.message


def test_manifest_setuju_and_sheet_tolak_fails_with_both(tmp_path):
    f = findings(
        tmp_path,
        [sheet(role(ROLES[0]), role(ROLES[1]), role(ROLES[2], dec="tolak"))],
        manifest=BASELINE_MANIFEST,
    )
    assert f["PST-03"].status == Status.FAIL
    sources = {e.source for e in f["PST-03"].evidence}
    assert sources >= {"manifest", "free-form"}


@pytest.mark.parametrize(
    ("qr", "hash_now", "want"),
    [
        (
            {
                "package": "2024-03-12-musrenbang-bulik",
                "hash": "abcd1234",
                "rulepack": "lamandau-medsos",
            },
            "abcd1234ffff",
            "pass",
        ),
        (
            {
                "package": "2024-03-12-musrenbang-bulik",
                "hash": "abcd1234",
                "rulepack": "lamandau-medsos",
            },
            "99991234ffff",
            "fail",
        ),
        (
            {"package": "2024-03-13-lain", "hash": "abcd1234", "rulepack": "lamandau-medsos"},
            "abcd1234ffff",
            "fail",
        ),
    ],
    ids=["hash-matches", "content-changed", "other-package"],
)
def test_pst05_qr(tmp_path, qr, hash_now, want):
    f = findings(
        tmp_path,
        [sheet(*(role(r) for r in ROLES), kind="own-template", qr=qr)],
        content_hash=hash_now,
    )
    assert f["PST-05"].status == Status(want), f["PST-05"].message


def test_pst05_caption_printed_on_a_free_form_sheet(tmp_path):
    from builders import CAPTION

    ok = findings(tmp_path / "a", [sheet(*(role(r) for r in ROLES), caption_text=CAPTION.upper())])
    assert ok["PST-05"].status == Status.PASS
    other = findings(
        tmp_path / "b",
        [sheet(*(role(r) for r in ROLES), caption_text="Rapat koordinasi lain sama sekali")],
    )
    assert other["PST-05"].status == Status.REVIEW
