"""Property tests (hypothesis): the readers of package content never raise on any input, and what
they read back is what was written; the JSON report survives any text a package can hold.

No timing: hypothesis's deadline is off (the machine is shared), the example counts are bounded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import string
import tempfile
from functools import cache
from pathlib import Path

import jsonschema
import yaml
from builders import default_pack, make_package
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sopcheck
from sopcheck.dates import MONTHS, filename_datetime, find_date, folder_date
from sopcheck.extract.photos import parse_exif_datetime
from sopcheck.extract.text import decode, graphemes, normalise
from sopcheck.manifest import Manifest, read_manifest
from sopcheck.model import Evidence, Finding, Severity, Status
from sopcheck.report import json as json_report

WIB = dt.timezone(dt.timedelta(hours=7))
ROLES = ("tim_pertimbangan", "ketua_ppid_pelaksana", "atasan_ppid_pelaksana")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DAYS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31))
TIMES = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2099, 12, 31))
TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=80)
"""Any code points, controls and lone surrogates (a file name that is not UTF-8) included."""

# --------------------------------------------------------------------------------------- manifest

YAML_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), TEXT, DAYS.map(str)
)
YAML_DOCS = st.recursive(
    YAML_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "kegiatan",
                    "tanggal",
                    "judul",
                    "diserahkan",
                    "caption",
                    "tanggapan",
                    "unggah",
                    "url",
                    "keputusan",
                    *ROLES,
                ]
            )
            | TEXT,
            inner,
            max_size=5,
        )
    ),  # fmt: skip
    max_leaves=20,
)


@SETTINGS
@given(st.binary(max_size=2000))
def test_manifest_never_raises_on_bytes(data):
    m = read_manifest(data, "paket.yaml", WIB, ROLES)
    assert isinstance(m, Manifest)
    assert all(p.file == "paket.yaml" and p.reason for p in m.problems)


@SETTINGS
@given(YAML_DOCS)
def test_manifest_never_raises_on_any_yaml_shape(doc):
    text = yaml.safe_dump(doc, allow_unicode=True)
    m = read_manifest(text.encode("utf-8", "surrogatepass"), "paket.yaml", WIB, ROLES)
    assert isinstance(m, Manifest)


@SETTINGS
@given(start=DAYS, days=st.integers(0, 5), handed=TIMES,
       title=st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=60))  # fmt: skip
def test_manifest_reads_back_what_was_written(start, days, handed, title):
    doc = {
        "kegiatan": {"judul": title, "tanggal": start.isoformat(),
                     "tanggal_selesai": (start + dt.timedelta(days=days)).isoformat()},
        "diserahkan": handed.isoformat(timespec="minutes"),
    }  # fmt: skip
    m = read_manifest(yaml.safe_dump(doc, allow_unicode=True).encode(), "paket.yaml", WIB, ROLES)
    assert not m.problems, m.problems
    assert m.start.value == start and m.end.value == start + dt.timedelta(days=days)
    assert m.handed_in.value == handed.replace(second=0, microsecond=0, tzinfo=WIB)
    assert m.title == title


# ---------------------------------------------------------------------------------------- caption


@SETTINGS
@given(st.binary(max_size=3000))
def test_caption_decode_never_raises(data):
    text, enc, _ = decode(data)
    assert isinstance(text, str) and enc
    n = normalise(text)
    assert normalise(n) == n
    assert graphemes(n) <= len(n)


CLEAN_TEXT = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=200
)
"""Text without NUL: UTF-8 bytes holding NULs can also be valid UTF-16 without a byte-order mark
(00 E0 A0 80 is "\x00\u0800" in UTF-8 and "\u00e0\ua080" in UTF-16-BE), and decode() reads
NUL bytes as the sign of UTF-16 by design (a caption holds no NUL characters; clean() drops them).
test_utf16_without_bom_is_recognised pins that choice."""


def test_utf16_without_bom_is_recognised():
    got, enc, note = decode("Dokumentasi kegiatan posyandu".encode("utf-16-le"))
    assert (got, enc) == ("Dokumentasi kegiatan posyandu", "utf-16-le") and "NUL" in note
    # UTF-8 bytes with a NUL character that also read as UTF-16: taken as UTF-16, by design
    got, enc, note = decode("\x00\u0800".encode("utf-8"))
    assert (got, enc) == ("\u00e0\ua080", "utf-16-be") and note


@SETTINGS
@given(CLEAN_TEXT, st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_caption_decodes_back_exactly(text, encoding):
    got, _, note = decode(text.encode(encoding))
    assert got == text and note is None


@SETTINGS
@given(st.text(alphabet=string.printable + "àéèüöñ€‘’“”", max_size=100))
def test_caption_legacy_8bit_is_noted(text):
    data = text.encode("cp1252")
    got, enc, note = decode(data)
    if enc == "cp1252":
        assert got == text and "cp1252" in note
    else:  # the bytes happen to be valid UTF-8 (e.g. plain ASCII)
        assert enc == "utf-8" and got == data.decode("utf-8")


# ------------------------------------------------------------------------------------------ dates


@SETTINGS
@given(TIMES)
def test_exif_datetime_reads_back(t):
    got, why = parse_exif_datetime(t.strftime("%Y:%m:%d %H:%M:%S"))
    assert why is None and got == t.replace(microsecond=0)


@SETTINGS
@given(st.one_of(TEXT, st.binary(max_size=40), st.lists(st.integers(), max_size=3)))
def test_exif_datetime_never_raises(raw):
    got, why = parse_exif_datetime(raw)
    assert got is None or (isinstance(got, dt.datetime) and got.year >= 1990 and why is None)


@SETTINGS
@given(TIMES, st.sampled_from(["IMG_%Y%m%d_%H%M%S.jpg", "PXL_%Y%m%d_%H%M%S123.jpg",
                               "%Y%m%d_%H%M%S.jpg", "WhatsApp Image %Y-%m-%d at %H.%M.%S.jpeg"]))  # fmt: skip
def test_filename_datetime_reads_back(t, pattern):
    assert filename_datetime(t.strftime(pattern)) == (t.replace(microsecond=0), True)


@SETTINGS
@given(DAYS)
def test_filename_date_only_and_folder_date(d):
    assert filename_datetime(d.strftime("IMG-%Y%m%d-WA0001.jpg")) == (d, False)
    assert folder_date(d.isoformat() + "-musrenbang") == d


@SETTINGS
@given(TEXT)
def test_name_and_folder_parsers_never_raise(name):
    filename_datetime(name)
    folder_date(name)


BULAN = ("januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september",
         "oktober", "november", "desember")  # fmt: skip
MONTH_NAMES = {i: name for i, name in enumerate(BULAN, 1)}
assert all(MONTHS[name] == i for i, name in MONTH_NAMES.items())


@SETTINGS
@given(DAYS, st.sampled_from(["Nanga Bulik, {d} {month} {y} - ", "Nanga Bulik, Selasa ({d}/{m}/{y})",
                              "NANGA BULIK - {d}-{m:02d}-{y}. ", "Tanggal {y}-{m:02d}-{d:02d}: "]),
       st.text(max_size=200))  # fmt: skip
def test_indonesian_dateline_reads_back(d, form, rest):
    line = form.format(d=d.day, m=d.month, y=d.year, month=MONTH_NAMES[d.month].capitalize())
    found = find_date(line + rest)
    assert found is not None and found[0] == d, (line, found)


@SETTINGS
@given(st.text(max_size=1000))
def test_dateline_never_raises(text):
    found = find_date(text)
    assert found is None or isinstance(found[0], dt.date)


# ------------------------------------------------------------------------------------ JSON report


@cache
def _base_result():
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "batch"
        make_package(root, photos=4, approval=False)
        return sopcheck.check(root, rules=default_pack(), as_of="2025-01-01", jobs=1,
                              read_sheets=False, cache=False)  # fmt: skip


@cache
def _schema() -> dict:
    return json.loads((Path(sopcheck.__file__).parent / "schema" / "report-v1.json").read_text())


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.floats(allow_nan=False,
    allow_infinity=False) | TEXT | TIMES | DAYS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)  # fmt: skip
EVIDENCE = st.builds(Evidence, file=st.none() | TEXT, page=st.none() | st.integers(1, 999),
                     tag=st.none() | TEXT, value=JSON_VALUES, note=st.none() | TEXT,
                     confidence=st.none() | st.floats(0, 1), inferred=st.booleans())  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    message=TEXT,
    status=st.sampled_from(list(Status)),
    evidence=st.lists(EVIDENCE, max_size=4),
    caption=TEXT,
    pkg_id=TEXT.filter(bool),
)
def test_json_report_round_trip(message, status, evidence, caption, pkg_id):
    base = _base_result()
    (pkg,) = base.packages
    finding = Finding(rule="KLP-03", status=status, severity=Severity.MINOR, message=message,
                      message_id="x", params={"caption": caption}, evidence=tuple(evidence))  # fmt: skip
    cap = dataclasses.replace(pkg.evidence.caption, text=caption)
    pkg = dataclasses.replace(pkg, id=pkg_id, findings=(finding,),
                              evidence=dataclasses.replace(pkg.evidence, caption=cap))  # fmt: skip
    result = dataclasses.replace(base, packages=(pkg,))
    with tempfile.TemporaryDirectory() as tmp:
        raw = json_report.write(result, Path(tmp)).read_bytes()
    data = json.loads(raw.decode("utf-8"))  # valid UTF-8 whatever the text held
    jsonschema.validate(data, _schema())
    (p,) = data["packages"]
    assert p["id"] == pkg_id and p["caption"]["text"] == caption
    (f,) = p["findings"]
    assert f["message"] == message and f["status"] == status.value
    assert f["params"] == json_report.jsonable({"caption": caption})
    assert f["evidence"] == [json_report.jsonable(e.to_dict()) for e in evidence]
