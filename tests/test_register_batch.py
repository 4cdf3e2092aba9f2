"""REG-01's batch half: register rows that name no package are a finding in every report."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from builders import AS_OF, PACKAGE, make_package

import sopcheck
from sopcheck.model import Status
from sopcheck.report import write_reports

SCHEMA = Path(sopcheck.__file__).parent / "schema" / "report-v1.json"
ROWS = f"no,paket,judul\n1,{PACKAGE},Musrenbang\n2,2024-03-20-pelantikan-kades,Pelantikan Kades\n"


@pytest.fixture(scope="module")
def audited(tmp_path_factory) -> tuple[sopcheck.AuditResult, Path]:
    root = tmp_path_factory.mktemp("batch")
    make_package(root)
    (root / "register.csv").write_text(ROWS, encoding="utf-8")
    result = sopcheck.check(root, as_of=AS_OF, jobs=1, read_sheets=False, lang="en")
    out = tmp_path_factory.mktemp("report")
    write_reports(result, out, ["json", "md", "junit", "html"])
    return result, out


def test_a_register_row_without_package_is_a_batch_finding(audited):
    result, _ = audited
    (f,) = result.batch_findings
    assert (f.rule, f.status, f.message_id) == ("REG-01", Status.FAIL, "reg01.unmatched")
    assert [e.value for e in f.evidence] == ["2 | 2024-03-20-pelantikan-kades | Pelantikan Kades"]
    assert all(e.file == "register.csv" for e in f.evidence)
    # the package itself is in the register; the batch is not clean
    (pkg,) = result.packages
    assert next(x for x in pkg.findings if x.rule == "REG-01").status is Status.PASS
    assert result.status is Status.FAIL


def test_the_batch_finding_is_in_every_report(audited):
    _, out = audited
    data = json.loads((out / "sopcheck-report.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert [f["message_id"] for f in data["batch_findings"]] == ["reg01.unmatched"]
    suites = ET.parse(out / "sopcheck-junit.xml").getroot()
    batch = next(s for s in suites if s.get("name") == "(batch)")
    assert batch.find("testcase/failure") is not None and batch.get("failures") == "1"
    md = (out / "sopcheck-report.md").read_text(encoding="utf-8")
    assert "### Findings about the batch" in md and "Pelantikan Kades" in md
    html = (out / "sopcheck-report.html").read_text(encoding="utf-8")
    assert 'class="batch-finding"' in html and "name no package of the batch" in html


def test_every_row_matched_gives_no_batch_finding(tmp_path):
    make_package(tmp_path)
    (tmp_path / "register.csv").write_text(f"no,paket\n1,{PACKAGE}\n", encoding="utf-8")
    result = sopcheck.check(tmp_path, as_of=AS_OF, jobs=1, read_sheets=False)
    assert result.batch_findings == ()


def test_the_register_is_read_under_the_packs_limits(tmp_path):
    from sopcheck.rulepack import load_rulepack

    make_package(tmp_path)
    (tmp_path / "register.csv").write_text(ROWS, encoding="utf-8")  # about 110 bytes
    pack = load_rulepack(None).with_limits(text_bytes=10)  # a register may be 10 x text_bytes
    result = sopcheck.check(tmp_path, pack, as_of=AS_OF, jobs=1, read_sheets=False, lang="en")
    reg = next(f for f in result.packages[0].findings if f.rule == "REG-01")
    assert reg.status is Status.ERROR and reg.message_id == "reg01.unreadable"
    assert "10 x text_bytes" in reg.evidence[0].note  # the reason, not only "could not be read"
    assert result.batch_findings == ()  # an unread register has no leftover rows to report


def test_an_xlsx_register_over_the_file_size_limit_is_not_opened(tmp_path):
    import openpyxl

    from sopcheck.extract.documents import read_register
    from sopcheck.limits import DEFAULT, applied

    wb = openpyxl.Workbook()
    wb.active.append(["no", "paket"])
    for i in range(200):
        wb.active.append([i, f"paket-{i:04d}-" + "x" * 40])
    wb.save(tmp_path / "register.xlsx")
    assert len(read_register(tmp_path / "register.xlsx")) == 200
    with applied(DEFAULT.override({"file_bytes": 4096})), pytest.raises(ValueError) as e:
        read_register(tmp_path / "register.xlsx")
    assert "file_bytes" in str(e.value) and "not read" in str(e.value)


def test_the_register_is_not_pickled_into_every_job(tmp_path, monkeypatch):
    """Local runs hold the register once (forked workers inherit it); each job names it by key,
    and a process pool gives the same REG-01 findings as a serial run."""
    import pickle

    from sopcheck import api

    make_package(tmp_path)
    make_package(tmp_path, name="2024-03-21-rapat-koordinasi")
    rows = ROWS + "".join(f"{i},lain-{i},Kegiatan lain {i}\n" for i in range(3, 2000))
    (tmp_path / "register.csv").write_text(rows, encoding="utf-8")
    seen = []
    real = api.run

    def spy(fn, items, **kw):
        seen.extend(items)
        return real(fn, items, **kw)

    monkeypatch.setattr(api, "run", spy)
    found = {}
    for jobs in (1, 2):
        seen.clear()
        res = sopcheck.check(tmp_path, as_of=AS_OF, jobs=jobs, read_sheets=False, lang="en")
        assert seen and all(j.register is None and j.register_key for j in seen)
        assert max(len(pickle.dumps(j)) for j in seen) < 50_000  # the rows are ~70 KB
        found[jobs] = sorted(
            (p.id, f.status.value, [e.value for e in f.evidence])
            for p in res.packages
            for f in p.findings
            if f.rule == "REG-01"
        )
        assert len(res.register_unmatched) == 1998
    assert found[1] == found[2]
    assert any(status == "pass" for _, status, _ in found[1])


def test_a_job_whose_register_was_not_shared_is_an_error_not_an_empty_register(tmp_path):
    import datetime as dt

    from sopcheck.engine import Job, run_job
    from sopcheck.rulepack import load_rulepack

    make_package(tmp_path)
    job = Job(root=str(tmp_path), pkg_dir=str(tmp_path / PACKAGE), pack=load_rulepack(),
              as_of=dt.datetime(2024, 6, 1, tzinfo=dt.UTC), lang="en", register=None,
              register_file="register.csv", register_key="elsewhere:1", read_sheets=False)  # fmt: skip
    res = run_job(job)
    assert {f.status for f in res.findings} == {Status.ERROR}
    assert "not shared" in res.findings[0].message
