"""The JSON report is written package by package (streamed) and is the same text as the report
built whole in memory: byte for byte, and equal to the golden report of the sample batch."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import sopcheck
from sopcheck.report import json as json_report
from sopcheck.report.atomic import write_atomic_chunks
from sopcheck.sample import generate

sys.path.insert(0, str(Path(__file__).parent))
import golden  # noqa: E402


@pytest.fixture(scope="module")
def sample_result(tmp_path_factory):
    batch = generate(tmp_path_factory.mktemp("stream") / "batch")
    return sopcheck.check(batch, as_of=golden.AS_OF, jobs=1, lang="id", cache=False)


def test_streamed_report_is_the_in_memory_report(sample_result, tmp_path):
    path = json_report.write(sample_result, tmp_path)
    text = path.read_text(encoding="utf-8")
    assert text == json_report.dumps(sample_result)
    assert json.loads(text) == json_report.to_dict(sample_result)


def test_streamed_report_matches_the_golden_report(sample_result, tmp_path):
    path = json_report.write(sample_result, tmp_path)
    want = json.loads(golden.GOLDEN.read_text(encoding="utf-8"))
    assert golden.normalise(json.loads(path.read_text(encoding="utf-8"))) == want


def test_strings_with_line_separators_stay_inside_their_string(sample_result, tmp_path):
    """U+2028, U+0085 and escaped newlines in a value do not break the streamed indentation."""
    from dataclasses import replace

    first = sample_result.packages[0]
    odd = replace(first, id="a\u2028b\u0085c\nd\x1ce \U0001f600 \udcff")
    result = replace(sample_result, packages=(odd, *sample_result.packages[1:]))
    path = json_report.write(result, tmp_path)
    raw = path.read_bytes()
    assert raw.decode("utf-8") == json_report.dumps(result).encode(
        "utf-8", errors="backslashreplace"
    ).decode("utf-8")
    assert json.loads(raw)["packages"][0]["id"].startswith("a\u2028b\u0085c\nd\x1ce \U0001f600")


def test_a_failing_stream_leaves_the_old_report(tmp_path):
    target = tmp_path / "r.json"
    target.write_text("old")

    def pieces():
        yield "{"
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        write_atomic_chunks(target, pieces())
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]
