"""sopcheck.dates: Indonesian datelines, folder and file names, manifest values, day arithmetic."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sopcheck.dates import (
    MONTH_NAMES_ID,
    add_days,
    days_between,
    filename_datetime,
    find_date,
    folder_date,
    is_working_day,
    parse_manifest_datetime,
)

WIB = ZoneInfo("Asia/Jakarta")
WEEKDAYS_ID = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


# --- find_date -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nanga Bulik, Selasa (12/3/2024) - Pemerintah Kabupaten Lamandau", dt.date(2024, 3, 12)),
        ("NANGA BULIK - Selasa, 12 Maret 2024, bertempat di aula", dt.date(2024, 3, 12)),
        ("Kegiatan dilaksanakan pada 12-03-2024 di aula kecamatan", dt.date(2024, 3, 12)),
        ("Bulik, 17 Agustus 2024 upacara", dt.date(2024, 8, 17)),
        ("Rabu, 1 Mei 2024 pagi", dt.date(2024, 5, 1)),
        ("Senin (1/1/2024) acara", dt.date(2024, 1, 1)),
        ("tanggal 05.02.2024 di aula", dt.date(2024, 2, 5)),
        ("rapat 2024-03-12 pagi", dt.date(2024, 3, 12)),
        ("JUMAT, 29 FEBRUARI 2024", dt.date(2024, 2, 29)),
        ("5 Pebruari 2024", dt.date(2024, 2, 5)),
        ("10 Nopember 2023", dt.date(2023, 11, 10)),
    ],
)
def test_find_date_datelines(text: str, expected: dt.date) -> None:
    found = find_date(text)
    assert found is not None
    assert found[0] == expected
    assert found[1] in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 Jan 2024", dt.date(2024, 1, 12)),
        ("12 Feb. 2024", dt.date(2024, 2, 12)),
        ("12 Mar 2024", dt.date(2024, 3, 12)),
        ("12 Apr 2024", dt.date(2024, 4, 12)),
        ("12 Jun 2024", dt.date(2024, 6, 12)),
        ("12 Jul 2024", dt.date(2024, 7, 12)),
        ("12 Agt 2024", dt.date(2024, 8, 12)),
        ("12 Ags 2024", dt.date(2024, 8, 12)),
        ("12 Agu 2024", dt.date(2024, 8, 12)),
        ("12 Sep 2024", dt.date(2024, 9, 12)),
        ("12 Sept. 2024", dt.date(2024, 9, 12)),
        ("12 Okt 2024", dt.date(2024, 10, 12)),
        ("12 Nov 2024", dt.date(2024, 11, 12)),
        ("12 Nop 2024", dt.date(2024, 11, 12)),
        ("12 Des 2024", dt.date(2024, 12, 12)),
        ("12 des. 2024", dt.date(2024, 12, 12)),
    ],
)
def test_find_date_abbreviated_months(text: str, expected: dt.date) -> None:
    found = find_date(f"Nanga Bulik, {text} - berita")
    assert found is not None
    assert found[0] == expected


def test_find_date_first_date_wins() -> None:
    text = "Nanga Bulik, 14 Maret 2024 - Rapat lanjutan dari kegiatan (12/3/2024) dan 2024-03-10."
    assert find_date(text)[0] == dt.date(2024, 3, 14)
    text = "Selasa (12/3/2024) - Laporan untuk 14 Maret 2024 dan 10-03-2024."
    assert find_date(text)[0] == dt.date(2024, 3, 12)
    text = "Dokumen 2024-01-05 tentang kegiatan 12 Maret 2024"
    assert find_date(text)[0] == dt.date(2024, 1, 5)


def test_find_date_invalid_dates_are_skipped() -> None:
    assert find_date("Rabu (31/2/2024) - salah ketik, sebenarnya 1 Maret 2024")[0] == dt.date(
        2024, 3, 1
    )
    assert find_date("30 Februari 2024 lalu 29-02-2024")[0] == dt.date(2024, 2, 29)
    assert find_date("29-02-2023 tidak ada") is None
    assert find_date("(31/2/2024)") is None
    assert find_date("12/13/2024 bulan ke-13") is None


def test_find_date_none_without_date() -> None:
    assert find_date("Tidak ada tanggal di sini, hanya 12 orang dan 2024 peserta.") is None
    assert find_date("") is None


def test_find_date_limit() -> None:
    text = "x" * 500 + " 12 Maret 2024"
    assert find_date(text) is None
    assert find_date(text, limit=600)[0] == dt.date(2024, 3, 12)


def test_find_date_not_part_of_longer_number() -> None:
    # a phone number or a version string is no date
    assert find_date("telepon 112/3/20245") is None


def test_find_date_numeric_before_full_stop() -> None:
    found = find_date("Nanga Bulik, 12-03-2024. Pemerintah Kabupaten Lamandau menggelar rapat.")
    assert found is not None
    assert found[0] == dt.date(2024, 3, 12)


# --- hypothesis: any date, any dateline form, any prose around it ------------------------------

# prose with no digits at all (Nd excluded), including punctuation and non-ASCII letters
_PROSE = st.text(
    alphabet=st.characters(
        blacklist_categories=("Nd", "Cs", "Cc"),
        blacklist_characters="\u2028\u2029",
    )
    | st.sampled_from(list(" ,.;:-()'\"")),
    max_size=120,
)
_MONTH_SPELLINGS = {
    1: ["Januari", "Jan", "JANUARI"],
    2: ["Februari", "Pebruari", "Feb", "Peb"],
    3: ["Maret", "Mar"],
    4: ["April", "Apr"],
    5: ["Mei", "MEI"],
    6: ["Juni", "Jun"],
    7: ["Juli", "Jul"],
    8: ["Agustus", "Agt", "Agu", "Ags"],
    9: ["September", "Sep", "Sept"],
    10: ["Oktober", "Okt"],
    11: ["November", "Nopember", "Nov", "Nop"],
    12: ["Desember", "Des"],
}


@st.composite
def _dateline(draw: st.DrawFn) -> tuple[dt.date, str]:
    d = draw(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)))
    form = draw(st.sampled_from(["weekday-paren", "named", "dashes"]))
    if form == "weekday-paren":
        day = draw(st.sampled_from([str(d.day), f"{d.day:02d}"]))
        month = draw(st.sampled_from([str(d.month), f"{d.month:02d}"]))
        s = f"{WEEKDAYS_ID[d.weekday()]} ({day}/{month}/{d.year})"
    elif form == "named":
        s = f"{d.day} {draw(st.sampled_from(_MONTH_SPELLINGS[d.month]))} {d.year}"
    else:
        s = f"{d.day:02d}-{d.month:02d}-{d.year}"
    return d, s


@settings(max_examples=300, deadline=None)
@given(before=_PROSE, line=_dateline(), after=_PROSE)
def test_find_date_property_any_dateline(
    before: str, line: tuple[dt.date, str], after: str
) -> None:
    d, s = line
    found = find_date(f"{before} {s} {after}")
    assert found is not None
    assert found[0] == d


@given(d=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_find_date_full_month_name_roundtrip(d: dt.date) -> None:
    assert find_date(f"{d.day} {MONTH_NAMES_ID[d.month - 1]} {d.year}")[0] == d


# --- folder_date ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2024-03-12-musrenbang-bulik", dt.date(2024, 3, 12)),
        ("2024-03-12", dt.date(2024, 3, 12)),
        ("2024-03-12 rapat", dt.date(2024, 3, 12)),
        ("musrenbang-2024-03-12", None),
        ("2024-02-30-salah", None),
        ("20240312-rapat", None),
        ("2024-03-123", None),
        ("", None),
    ],
)
def test_folder_date(name: str, expected: dt.date | None) -> None:
    assert folder_date(name) == expected


# --- filename_datetime ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("IMG-20240312-WA0001.jpg", (dt.date(2024, 3, 12), False)),
        ("20240312_101500.jpg", (dt.datetime(2024, 3, 12, 10, 15, 0), True)),
        ("PXL_20240312_101500123.jpg", (dt.datetime(2024, 3, 12, 10, 15, 0), True)),
        ("IMG_20240312_101500.jpg", (dt.datetime(2024, 3, 12, 10, 15, 0), True)),
        ("Screenshot_20240312-101500.png", (dt.datetime(2024, 3, 12, 10, 15, 0), True)),
        (
            "WhatsApp Image 2024-03-12 at 10.15.00.jpeg",
            (dt.datetime(2024, 3, 12, 10, 15, 0), True),
        ),
        ("WhatsApp Image 2024-03-12 at 9.05.07.jpeg", (dt.datetime(2024, 3, 12, 9, 5, 7), True)),
        ("IMG_1234.jpg", None),
        ("DSC01234.JPG", None),
        ("foto.jpg", None),
        ("IMG-20240231-WA0001.jpg", None),
        ("IMG-19800101-WA0001.jpg", None),
        ("20240312_256000.jpg", (dt.date(2024, 3, 12), False)),
    ],
)
def test_filename_datetime(name: str, expected: tuple | None) -> None:
    got = filename_datetime(name)
    assert got == expected
    if got is not None:
        assert type(got[0]) is type(expected[0])


def test_filename_datetime_whatsapp_pm() -> None:
    assert filename_datetime("WhatsApp Image 2024-03-12 at 9.05.07 PM.jpeg") == (
        dt.datetime(2024, 3, 12, 21, 5, 7),
        True,
    )


# --- parse_manifest_datetime ------------------------------------------------------------------


def test_parse_manifest_date() -> None:
    v = parse_manifest_datetime("2024-03-12", WIB)
    assert v == dt.date(2024, 3, 12)
    assert not isinstance(v, dt.datetime)


def test_parse_manifest_naive_datetime_gets_pack_tz() -> None:
    v = parse_manifest_datetime("2024-03-12T16:00", WIB)
    assert isinstance(v, dt.datetime)
    assert v.tzinfo is not None
    assert v.utcoffset() == dt.timedelta(hours=7)
    assert (v.year, v.month, v.day, v.hour, v.minute) == (2024, 3, 12, 16, 0)
    # a space instead of T
    assert parse_manifest_datetime("2024-03-12 16:00", WIB) == v


def test_parse_manifest_aware_datetime_is_converted() -> None:
    v = parse_manifest_datetime("2024-03-13T02:00+00:00", WIB)
    assert v.utcoffset() == dt.timedelta(hours=7)
    assert (v.day, v.hour) == (13, 9)
    z = parse_manifest_datetime("2024-03-12T20:30Z", WIB)
    assert (z.day, z.hour, z.minute) == (13, 3, 30)
    assert z.utcoffset() == dt.timedelta(hours=7)
    wita = parse_manifest_datetime("2024-03-13T10:00+08:00", WIB)
    assert wita == dt.datetime(2024, 3, 13, 9, 0, tzinfo=WIB)


def test_parse_manifest_python_values() -> None:
    assert parse_manifest_datetime(dt.date(2024, 3, 12), WIB) == dt.date(2024, 3, 12)
    v = parse_manifest_datetime(dt.datetime(2024, 3, 12, 8, 0), WIB)
    assert v.utcoffset() == dt.timedelta(hours=7) and v.hour == 8


@pytest.mark.parametrize(
    "bad", ["2024-02-30", "2024-13-01", "12/03/2024", "besok", "", "2024-03-12T25:00"]
)
def test_parse_manifest_invalid_string(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_manifest_datetime(bad, WIB)


@pytest.mark.parametrize("bad", [20240312, 2024.5, None, True, ["2024-03-12"], {"a": 1}])
def test_parse_manifest_non_string(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_manifest_datetime(bad, WIB)


# --- add_days / days_between ------------------------------------------------------------------


def test_isra_miraj_2024_is_a_holiday() -> None:
    assert not is_working_day(dt.date(2024, 3, 11))  # Monday, Isra Mi'raj
    assert is_working_day(dt.date(2024, 3, 12))
    assert not is_working_day(dt.date(2024, 3, 9))  # Saturday
    assert not is_working_day(dt.date(2024, 8, 17))  # Independence Day (Saturday anyway)
    assert not is_working_day(dt.date(2024, 12, 25))  # Christmas, a Wednesday


def test_add_days_working_days_over_weekend_and_holiday() -> None:
    friday = dt.date(2024, 3, 8)
    assert friday.weekday() == 4
    assert add_days(friday, 1, working_days=True) == dt.date(2024, 3, 12)
    assert add_days(friday, 2, working_days=True) == dt.date(2024, 3, 13)
    assert add_days(friday, 0, working_days=True) == friday
    assert add_days(friday, 1, working_days=False) == dt.date(2024, 3, 9)
    assert add_days(dt.date(2024, 2, 28), 2, working_days=False) == dt.date(2024, 3, 1)


def test_days_between() -> None:
    friday, tuesday = dt.date(2024, 3, 8), dt.date(2024, 3, 12)
    assert days_between(friday, tuesday, working_days=False) == 4
    assert days_between(friday, tuesday, working_days=True) == 1
    assert days_between(tuesday, friday, working_days=True) == -1
    assert days_between(tuesday, friday, working_days=False) == -4
    assert days_between(friday, friday, working_days=True) == 0
    # hand-in Friday, response on the holiday Monday: still within H+1 working days
    assert days_between(friday, dt.date(2024, 3, 11), working_days=True) == 0


def test_add_days_across_year_end() -> None:
    # 2024-12-31 Tuesday; 1 Jan is a holiday, so the next working day is 2 Jan
    assert add_days(dt.date(2024, 12, 31), 1, working_days=True) == dt.date(2025, 1, 2)
    assert days_between(dt.date(2024, 12, 31), dt.date(2025, 1, 2), working_days=True) == 1


_DATES = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2060, 12, 31))


@given(start=_DATES, n=st.integers(min_value=-400, max_value=400))
def test_calendar_roundtrip(start: dt.date, n: int) -> None:
    end = add_days(start, n, working_days=False)
    assert days_between(start, end, working_days=False) == n
    assert days_between(end, start, working_days=False) == -n


@settings(deadline=None, max_examples=150)
@given(start=_DATES.filter(is_working_day), n=st.integers(min_value=0, max_value=40))
def test_working_days_roundtrip(start: dt.date, n: int) -> None:
    end = add_days(start, n, working_days=True)
    assert days_between(start, end, working_days=True) == n
    assert days_between(end, start, working_days=True) == -n
    assert end >= start
    if n > 0:
        assert is_working_day(end)
        # every calendar day is at least one day, a working day at least as long
        assert (end - start).days >= n
