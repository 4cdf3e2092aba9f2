"""Package results spooled to a temporary file, and report writers that stream them.

The spool keeps the main process's memory flat for large batches (issue 6); these tests pin that it
is a faithful stand-in for the tuple: same order, same results, same reports.
"""

from __future__ import annotations

import dataclasses
import json
import pickle
import xml.etree.ElementTree as ET

import pytest

import sopcheck.api as api
from sopcheck.api import check
from sopcheck.model import Finding, Severity, Status
from sopcheck.report import html, junit, markdown
from sopcheck.report import json as json_report
from sopcheck.sample import generate
from sopcheck.spool import Spool

AS_OF = "2024-04-30"


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("spool") / "batch"
    generate(root)
    return root


@pytest.fixture(scope="module")
def in_memory(batch):
    return check(batch, jobs=1, read_sheets=False, cache=False, spool=False, as_of=AS_OF)


@pytest.fixture(scope="module")
def spooled(batch):
    return check(batch, jobs=1, read_sheets=False, cache=False, spool=True, as_of=AS_OF)


def _results(result, n):
    return list(result.packages)[:n]


def test_spool_keeps_the_slot_order_whatever_the_arrival_order(in_memory):
    pkgs = _results(in_memory, 4)
    sp = Spool(5)
    for i in (3, 0, 2):  # slot 1 never filled, slot 4 filled late
        sp.put(i, pkgs[i])
    sp.put(4, pkgs[1])
    assert len(sp) == 4 and bool(sp)
    assert [p.id for p in sp] == [pkgs[0].id, pkgs[2].id, pkgs[3].id, pkgs[1].id]
    sp.sealed()
    assert sp[0] == pkgs[0] and sp[-1] == pkgs[1] and sp[1:3] == [pkgs[2], pkgs[3]]
    assert sp == (pkgs[0], pkgs[2], pkgs[3], pkgs[1])
    assert sp != (pkgs[0], pkgs[2], pkgs[3])
    with pytest.raises(IndexError):
        sp[4]


def test_a_slot_filled_twice_keeps_the_last_result(in_memory):
    a, b = _results(in_memory, 2)
    sp = Spool(1)
    sp.put(0, a)
    sp.put(0, b)
    assert len(sp) == 1 and list(sp) == [b]


def test_a_pickled_spool_is_a_tuple_and_a_closed_one_is_empty(in_memory):
    pkgs = _results(in_memory, 2)
    sp = Spool(2)
    for i, p in enumerate(pkgs):
        sp.put(i, p)
    assert pickle.loads(pickle.dumps(sp)) == tuple(pkgs)
    sp.close()
    assert len(sp) == 0 and list(sp) == [] and not sp


def test_spooled_check_gives_the_same_results_and_reports(in_memory, spooled, batch):
    assert isinstance(spooled.packages, Spool) and isinstance(in_memory.packages, tuple)
    assert spooled.packages == in_memory.packages
    assert spooled.inputs == in_memory.inputs
    assert spooled.status is in_memory.status
    same_time = dataclasses.replace(spooled, started=in_memory.started, finished=in_memory.finished)
    assert json_report.to_dict(same_time) == json_report.to_dict(in_memory)
    for writer in (markdown, junit, html):
        assert writer.render(same_time) == writer.render(in_memory), writer.__name__


def test_large_batches_are_spooled_by_default(batch, monkeypatch):
    monkeypatch.setattr(api, "SPOOL_AFTER", 3)
    result = check(batch, jobs=1, read_sheets=False, cache=False)
    assert isinstance(result.packages, Spool) and len(result.packages) > 3


def test_spooling_writes_nothing_into_the_batch(batch):
    before = sorted((p.relative_to(batch), p.stat().st_mtime_ns) for p in batch.rglob("*"))
    check(batch, jobs=1, read_sheets=False, cache=False, spool=True, as_of=AS_OF)
    after = sorted((p.relative_to(batch), p.stat().st_mtime_ns) for p in batch.rglob("*"))
    assert after == before


def _tree_bytes(result, fail_on):
    tree = ET.ElementTree(junit.to_element(result, fail_on=fail_on))
    ET.indent(tree)
    return ET.tostring(tree.getroot(), encoding="utf-8", xml_declaration=True) + b"\n"


@pytest.mark.parametrize("fail_on", ["fail", "warn", "review"])
def test_streamed_junit_is_the_whole_tree_byte_for_byte(in_memory, fail_on):
    leftover = Finding(rule="REG-01", status=Status.FAIL, severity=Severity.MAJOR,
                       message="baris register tanpa paket", message_id="reg01.unmatched")  # fmt: skip
    cases = [
        in_memory,
        dataclasses.replace(in_memory, batch_findings=(leftover,)),
        dataclasses.replace(in_memory, packages=(), batch_findings=(leftover,)),
        dataclasses.replace(in_memory, packages=(), batch_findings=()),
    ]
    for result in cases:
        streamed = junit.render(result, fail_on=fail_on)
        assert streamed == _tree_bytes(result, fail_on)
        ET.fromstring(streamed)  # well-formed


def test_markdown_chunks_end_in_one_newline(in_memory):
    parts = list(markdown.chunks(in_memory))
    assert len(parts) == len(in_memory.packages) + 1
    text = "".join(parts)
    assert text.endswith("\n") and not text.endswith("\n\n")
    empty = "".join(markdown.chunks(dataclasses.replace(in_memory, packages=())))
    assert empty.endswith("\n") and not empty.endswith("\n\n")


def test_json_report_of_a_spooled_result_is_valid(spooled, tmp_path):
    path = json_report.write(spooled, tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [p["id"] for p in data["packages"]] == [p.id for p in spooled.packages]


def test_no_spool_when_the_temporary_folder_is_inside_the_batch(batch, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(batch / "sub"))
    assert not api.spool_allowed(batch)
    result = check(batch, jobs=1, read_sheets=False, cache=False, spool=True, as_of=AS_OF)
    assert isinstance(result.packages, tuple)
    assert not (batch / "sub").exists()
