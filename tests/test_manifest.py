"""sopcheck.manifest: paket.yaml read safely, typed, every problem collected with its field."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sopcheck.limits import Limits
from sopcheck.manifest import MAX_MANIFEST_BYTES, read_manifest

WIB = ZoneInfo("Asia/Jakarta")
ROLES = ("tim_pertimbangan", "ketua_ppid_pelaksana", "atasan_ppid_pelaksana")
SPEC = Path("/work/shared/sop/SPEC.md")

SPEC_EXAMPLE = """\
# paket.yaml: every field optional; what is missing is inferred and marked "inferred" in the report
kegiatan:
  judul: Musrenbang Kecamatan Bulik
  tanggal: 2024-03-12            # hari H (first day)
  tanggal_selesai: 2024-03-12    # last day of a multi-day activity
  lokasi: Nanga Bulik
  unit: Dinas Komunikasi dan Informatika
diserahkan: 2024-03-12T16:00     # hand-in to the Tim Pertimbangan
caption: "..."                   # or caption.txt
tanggapan:                       # review records, when they are not (only) on the sheet
  tim_pertimbangan:      {tanggal: 2024-03-13, keputusan: setuju, catatan: "..."}
  ketua_ppid_pelaksana:  {tanggal: 2024-03-13, keputusan: setuju}
  atasan_ppid_pelaksana: {tanggal: 2024-03-13, keputusan: setuju}
unggah:
  tanggal: 2024-03-13T09:00+07:00
  platform: instagram
  url: https://www.instagram.com/p/EXAMPLE/
"""


def _read(text: str | bytes):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return read_manifest(data, "paket.yaml", WIB, ROLES)


def _fields(m) -> list[str]:
    return [p.field for p in m.problems]


def test_spec_example_is_current() -> None:
    if not SPEC.exists():
        pytest.skip("SPEC.md not available")
    blocks = re.findall(r"```yaml\n(.*?)```", SPEC.read_text(encoding="utf-8"), re.S)
    assert SPEC_EXAMPLE in blocks


def test_spec_example_fully_typed() -> None:
    m = _read(SPEC_EXAMPLE)
    assert m.problems == []
    assert m.file == "paket.yaml"
    assert m.title == "Musrenbang Kecamatan Bulik"
    assert m.location == "Nanga Bulik"
    assert m.unit == "Dinas Komunikasi dan Informatika"
    assert m.caption == "..."
    assert m.narrative is None

    assert m.start.value == dt.date(2024, 3, 12)
    assert type(m.start.value) is dt.date
    assert m.start.tag == "kegiatan.tanggal" and m.start.source == "manifest"
    assert m.start.file == "paket.yaml" and m.start.inferred is False
    assert m.end.value == dt.date(2024, 3, 12) and type(m.end.value) is dt.date

    h = m.handed_in.value
    assert isinstance(h, dt.datetime) and h.tzinfo is not None
    assert h == dt.datetime(2024, 3, 12, 16, 0, tzinfo=WIB)
    assert h.utcoffset() == dt.timedelta(hours=7)

    assert [r.role for r in m.responses] == list(ROLES)
    assert all(r.decision == "setuju" for r in m.responses)
    assert all(r.date.value == dt.date(2024, 3, 13) for r in m.responses)
    assert m.responses[0].note == "..."
    assert m.responses[1].note is None
    assert m.responses[0].date.tag == "tanggapan.tim_pertimbangan.tanggal"

    u = m.upload
    assert u.platform == "instagram"
    assert u.url == "https://www.instagram.com/p/EXAMPLE/"
    assert u.date.value == dt.datetime(2024, 3, 13, 9, 0, tzinfo=WIB)
    assert u.date.value.utcoffset() == dt.timedelta(hours=7)


def test_empty_manifest() -> None:
    m = _read("")
    assert m.problems == [] and m.start is None and m.responses == []
    m = _read("# hanya komentar\n")
    assert m.problems == []


def test_aware_datetime_converted_to_pack_tz() -> None:
    m = _read("unggah:\n  tanggal: 2024-03-13T02:00Z\ndiserahkan: 2024-03-12T17:00+08:00\n")
    assert m.problems == []
    assert m.upload.date.value == dt.datetime(2024, 3, 13, 9, 0, tzinfo=WIB)
    assert m.upload.date.value.utcoffset() == dt.timedelta(hours=7)
    assert m.handed_in.value == dt.datetime(2024, 3, 12, 16, 0, tzinfo=WIB)


def test_kegiatan_tanggal_with_time_becomes_the_day_in_pack_tz() -> None:
    m = _read("kegiatan:\n  tanggal: 2024-03-12T23:30+00:00\n")
    assert m.problems == []
    assert m.start.value == dt.date(2024, 3, 13)
    assert type(m.start.value) is dt.date


def test_decision_synonyms() -> None:
    m = _read(
        "tanggapan:\n"
        "  tim_pertimbangan: {keputusan: Disetujui}\n"
        "  ketua_ppid_pelaksana: {keputusan: TOLAK}\n"
        "  atasan_ppid_pelaksana: {keputusan: ' ditolak '}\n"
    )
    assert m.problems == []
    assert [r.decision for r in m.responses] == ["setuju", "tolak", "tolak"]


def test_invalid_yaml_one_problem_with_line() -> None:
    m = _read("kegiatan:\n  judul: Rapat\n  tanggal: [2024-03-12\ncaption: x\n")
    assert len(m.problems) == 1
    p = m.problems[0]
    assert p.file == "paket.yaml"
    assert p.field == ""
    assert re.search(r"line \d+", p.reason)
    assert "YAML" in p.reason


def test_tab_indentation_is_invalid_yaml() -> None:
    m = _read("kegiatan:\n\tjudul: Rapat\n")
    assert len(m.problems) == 1 and "line 2" in m.problems[0].reason


@pytest.mark.parametrize("doc", ["- a\n- b\n", "just a string\n", "42\n"])
def test_top_level_not_a_mapping(doc: str) -> None:
    m = _read(doc)
    assert len(m.problems) == 1
    assert m.problems[0].field == ""
    assert "mapping" in m.problems[0].reason


def test_unknown_field_named() -> None:
    m = _read("kegiatan:\n  judul: Rapat\n  lokasih: Bulik\njudul: Rapat\n")
    assert "judul" in _fields(m)
    assert "kegiatan.lokasih" in _fields(m)
    assert m.title == "Rapat"  # the known field is still read
    p = next(p for p in m.problems if p.field == "judul")
    assert "unknown" in p.reason


def test_unknown_response_field() -> None:
    m = _read("tanggapan:\n  tim_pertimbangan: {tanggal: 2024-03-13, paraf: ada}\n")
    assert _fields(m) == ["tanggapan.tim_pertimbangan.paraf"]
    assert m.responses[0].date.value == dt.date(2024, 3, 13)


def test_unknown_role() -> None:
    m = _read(
        "tanggapan:\n"
        "  bupati: {tanggal: 2024-03-13, keputusan: setuju}\n"
        "  tim_pertimbangan: {tanggal: 2024-03-13, keputusan: setuju}\n"
    )
    assert _fields(m) == ["tanggapan.bupati"]
    assert "role" in m.problems[0].reason
    assert [r.role for r in m.responses] == ["tim_pertimbangan"]


def test_bad_decision() -> None:
    m = _read("tanggapan:\n  atasan_ppid_pelaksana: {tanggal: 2024-03-13, keputusan: mungkin}\n")
    assert _fields(m) == ["tanggapan.atasan_ppid_pelaksana.keputusan"]
    assert "mungkin" in m.problems[0].reason
    assert m.responses[0].decision is None


def test_impossible_date() -> None:
    m = _read("kegiatan:\n  judul: Rapat\n  tanggal: 2024-02-30\n")
    assert _fields(m) == ["kegiatan.tanggal"]
    assert m.start is None
    assert m.title == "Rapat"


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        ("diserahkan: besok sore\n", "diserahkan"),
        ("diserahkan: 12/03/2024\n", "diserahkan"),
        ("unggah: {tanggal: 2024-13-01}\n", "unggah.tanggal"),
        (
            "tanggapan:\n  tim_pertimbangan: {tanggal: kemarin}\n",
            "tanggapan.tim_pertimbangan.tanggal",
        ),
        ("kegiatan:\n  tanggal_selesai: 20240312\n", "kegiatan.tanggal_selesai"),
    ],
)
def test_bad_dates_named(doc: str, field: str) -> None:
    m = _read(doc)
    assert field in _fields(m)


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        ("kegiatan: Rapat\n", "kegiatan"),
        ("unggah: instagram\n", "unggah"),
        ("tanggapan: [a, b]\n", "tanggapan"),
        ("tanggapan:\n  tim_pertimbangan: setuju\n", "tanggapan.tim_pertimbangan"),
        ("caption: [a, b]\n", "caption"),
        ("kegiatan:\n  judul: {a: 1}\n", "kegiatan.judul"),
        ("caption: true\n", "caption"),
    ],
)
def test_wrong_shapes_named(doc: str, field: str) -> None:
    m = _read(doc)
    assert field in _fields(m)


def test_python_tag_is_rejected() -> None:
    m = _read('caption: !!python/object/apply:os.system ["echo hi"]\n')
    assert len(m.problems) == 1
    assert m.caption is None
    assert "python" in m.problems[0].reason or "constructor" in m.problems[0].reason


def test_python_name_tag_is_rejected() -> None:
    m = _read("caption: !!python/name:os.system\n")
    assert len(m.problems) == 1 and m.caption is None


def _laughs(levels: int, width: int) -> str:
    lines = ["lol0: &l0 [" + ", ".join(['"lol"'] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"lol{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_stops_at_the_alias_limit() -> None:
    doc = _laughs(10, 10) + "caption: *l9\nnarasi: *l9\nkegiatan:\n  judul: *l9\n"
    m = _read(doc)
    assert [p.reason for p in m.problems] == [
        "more than 20 YAML aliases (line 4), over the limit (manifest_aliases): an alias bomb? not read"
    ]
    assert m.caption is None and m.narrative is None and m.title is None


def test_billion_laughs_bounded_past_the_alias_limit() -> None:
    doc = _laughs(10, 10) + "caption: *l9\nnarasi: *l9\nkegiatan:\n  judul: *l9\n"
    assert 500 < len(doc) < 1500
    # 10**10 "lol"s if expanded: with the alias limit raised, the reader must still not expand them
    m = read_manifest(doc.encode(), "paket.yaml", WIB, ROLES, limits=Limits(manifest_aliases=1000))
    assert m.caption is None and m.narrative is None and m.title is None
    fields = _fields(m)
    assert {"caption", "narasi", "kegiatan.judul"} <= set(fields)
    assert all(len(p.reason) < 1000 for p in m.problems)


def test_alias_bomb_in_keputusan_is_not_expanded() -> None:
    # 5 levels of 10 (10**5 elements) keeps the buggy run small; 10 levels would exhaust memory.
    doc = (
        "x:\n"
        + '  - &b0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
        + "".join(f"  - &b{i} [" + ", ".join([f"*b{i - 1}"] * 10) + "]\n" for i in range(1, 5))
        + "tanggapan:\n  tim_pertimbangan: {keputusan: *b4}\n"
    )
    assert len(doc) < 400
    m = read_manifest(doc.encode(), "paket.yaml", WIB, ROLES, limits=Limits(manifest_aliases=1000))
    assert "tanggapan.tim_pertimbangan.keputusan" in _fields(m)
    assert all(len(p.reason) < 1000 for p in m.problems)


def test_utf8_bom_accepted() -> None:
    m = _read(b"\xef\xbb\xbf" + "kegiatan:\n  judul: Rapat Koordinasi Café\n".encode())
    assert m.problems == []
    assert m.title == "Rapat Koordinasi Café"


def test_not_utf8() -> None:
    m = _read("caption: Café\n".encode("cp1252"))
    assert len(m.problems) == 1 and "UTF-8" in m.problems[0].reason


def test_too_large() -> None:
    m = _read(b"caption: " + b"a" * (MAX_MANIFEST_BYTES + 1))
    assert len(m.problems) == 1 and m.caption is None


def test_end_before_start() -> None:
    m = _read("kegiatan:\n  tanggal: 2024-03-12\n  tanggal_selesai: 2024-03-11\n")
    assert _fields(m) == ["kegiatan.tanggal_selesai"]
    assert m.start.value == dt.date(2024, 3, 12)
    assert m.end is None


def test_multi_day_activity() -> None:
    m = _read("kegiatan:\n  tanggal: 2024-03-12\n  tanggal_selesai: 2024-03-14\n")
    assert m.problems == []
    assert (m.end.day - m.start.day).days == 2


def test_numbers_are_text() -> None:
    m = _read("caption: 2024\nkegiatan:\n  judul: 17\n")
    assert m.problems == []
    assert m.caption == "2024" and m.title == "17"


def test_null_values_are_absent() -> None:
    m = _read("kegiatan:\n  tanggal:\n  judul: ~\ndiserahkan: null\nunggah:\n")
    assert m.problems == []
    assert m.start is None and m.title is None and m.handed_in is None and m.upload is None


def test_every_problem_collected() -> None:
    m = _read(
        "foo: 1\n"
        "kegiatan:\n  tanggal: 2024-02-30\n  bar: 2\n"
        "tanggapan:\n  bupati: {}\n  tim_pertimbangan: {keputusan: mungkin}\n"
        "unggah: {tanggal: kemarin, baz: 3}\n"
    )
    assert set(_fields(m)) == {
        "foo",
        "kegiatan.tanggal",
        "kegiatan.bar",
        "tanggapan.bupati",
        "tanggapan.tim_pertimbangan.keputusan",
        "unggah.tanggal",
        "unggah.baz",
    }
    assert all(p.file == "paket.yaml" for p in m.problems)
