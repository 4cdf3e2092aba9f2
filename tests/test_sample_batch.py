"""The sample batch end to end: every (package, rule) status, the golden report, the schema."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import golden
import jsonschema
import pytest

import sopcheck
from sopcheck.report import write_reports
from sopcheck.report.json import to_dict
from sopcheck.sample import EXPECTED, generate

SCHEMA = Path(sopcheck.__file__).parent / "schema" / "report-v1.json"


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("sample") / "batch")


@pytest.fixture(scope="module")
def result(batch):
    return sopcheck.check(batch, as_of=golden.AS_OF, jobs=1)


def test_every_package_and_rule_has_the_expected_status(result):
    got = {p.id: {f.rule: f.status.value for f in p.findings} for p in result.packages}
    assert set(got) == set(EXPECTED)
    diffs = [
        (pid, rule, got[pid][rule], want)
        for pid, rules in EXPECTED.items()
        for rule, want in rules.items()
        if got[pid].get(rule) != want
    ]
    assert diffs == []


def test_one_finding_per_rule_in_pack_order(result):
    order = [r.id for r in sopcheck.load_rulepack().rules]
    for p in result.packages:
        assert [f.rule for f in p.findings] == order
        assert p.status == sopcheck.Status.worst(f.status for f in p.findings)


def test_findings_that_are_not_pass_name_their_evidence(result):
    for p in result.packages:
        for f in p.findings:
            if f.status.value in ("fail", "error", "review"):
                assert f.evidence, (p.id, f.rule, f.message)


def test_json_report_validates_against_the_schema(result):
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator(schema).validate(to_dict(result))


def test_golden_report_is_current():
    want = json.loads(golden.GOLDEN.read_text(encoding="utf-8"))
    assert golden.build() == want, (
        "run: .venv/bin/python tests/golden.py --write (after checking the diff)"
    )


def test_english_run_has_the_same_statuses_and_english_messages(batch, result):
    en = sopcheck.check(batch, as_of=golden.AS_OF, jobs=1, lang="en")
    assert [(p.id, [f.status for f in p.findings]) for p in en.packages] == [
        (p.id, [f.status for f in p.findings]) for p in result.packages
    ]
    klp01 = en.packages[1].finding("KLP-01")
    assert klp01.message.startswith("Only 3 distinct photos")


def test_process_pool_gives_the_same_result(batch, result):
    pooled = sopcheck.check(batch, as_of=golden.AS_OF, jobs=2)
    assert [p.findings for p in pooled.packages] == [p.findings for p in result.packages]


def _tree_state(root: Path) -> list[tuple]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            p = Path(dirpath) / name
            st = p.lstat()
            digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else ""
            out.append((str(p.relative_to(root)), st.st_mode, st.st_size, st.st_mtime_ns, digest))
    return sorted(out)


def test_checking_writes_nothing_into_the_batch(batch, result, tmp_path):
    before = _tree_state(batch)
    res = sopcheck.check(batch, as_of=golden.AS_OF, jobs=1)
    write_reports(res, tmp_path / "out", ["json", "md", "junit"])
    assert _tree_state(batch) == before
