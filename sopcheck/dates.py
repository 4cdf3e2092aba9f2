"""Date parsing and day arithmetic: manifest values, Indonesian datelines, file names, working days."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "maret": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "agustus": 8,
    "agu": 8, "agt": 8, "ags": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11, "desember": 12, "des": 12,
    # English spellings, for mixed documents
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8,
    "october": 10, "oct": 10, "december": 12, "dec": 12,
}  # fmt: skip
MONTH_NAMES_ID = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
    "Oktober", "November", "Desember",
]  # fmt: skip

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
# "12 Maret 2024", "12 Mar. 2024"
_RE_NAMED = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_RE})\.?\s+(\d{{4}})\b", re.IGNORECASE)
# "(12/3/2024)", "12-03-2024", "12.03.2024" (day first, as Indonesian writes it)
_RE_NUMERIC = re.compile(r"(?<![\d/])(?<!\d[.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?![\d/]|[.-]\d)")
# "2024-03-12"
_RE_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def _mk(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def find_date(text: str, *, limit: int = 400) -> tuple[dt.date, str] | None:
    """The first date written in the first ``limit`` characters (a news dateline), with the match.

    Forms: "12 Maret 2024", "Selasa (12/3/2024)", "12-03-2024", "2024-03-12".
    """
    head = text[:limit]
    found: list[tuple[int, dt.date, str]] = []
    for m in _RE_NAMED.finditer(head):
        d = _mk(int(m[3]), MONTHS[m[2].lower()], int(m[1]))
        if d:
            found.append((m.start(), d, m[0]))
    for m in _RE_NUMERIC.finditer(head):
        d = _mk(int(m[4]), int(m[3]), int(m[1]))
        if d:
            found.append((m.start(), d, m[0]))
    for m in _RE_ISO.finditer(head):
        d = _mk(int(m[1]), int(m[2]), int(m[3]))
        if d:
            found.append((m.start(), d, m[0]))
    if not found:
        return None
    _, d, s = min(found, key=lambda t: t[0])
    return d, s


_RE_FOLDER = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?!\d)")


def folder_date(name: str) -> dt.date | None:
    """A leading YYYY-MM-DD in a folder name."""
    m = _RE_FOLDER.match(name)
    return _mk(int(m[1]), int(m[2]), int(m[3])) if m else None


# IMG-20240312-WA0001.jpg, 20240312_101500.jpg, PXL_20240312_101500123.jpg, IMG_20240312_101500.jpg,
# Screenshot_20240312-101500.png, VID_20240312_..., WhatsApp Image 2024-03-12 at 10.15.00.jpeg
_RE_NAME_COMPACT = re.compile(
    r"(?<!\d)(20\d{2}|19\d{2})(\d{2})(\d{2})(?:[_-](\d{2})(\d{2})(\d{2})\d{0,3})?(?!\d)"
)
_RE_NAME_WA = re.compile(
    r"(\d{4})-(\d{2})-(\d{2}) at (\d{1,2})\.(\d{2})\.(\d{2})(?:\s*([AaPp])\.?[Mm]\.?)?"
)


def filename_datetime(name: str) -> tuple[dt.datetime | dt.date, bool] | None:
    """A date (and time when present) embedded in a file name; (value, has_time)."""
    m = _RE_NAME_WA.search(name)
    if m:
        y, mo, d, h, mi, s = map(int, m.groups()[:6])
        if m[7]:  # 12-hour clock (iOS names): 12 AM is 0 h, 1 PM is 13 h
            h = h % 12 + (12 if m[7].lower() == "p" else 0)
        try:
            return dt.datetime(y, mo, d, h, mi, s), True
        except ValueError:
            return None
    for m in _RE_NAME_COMPACT.finditer(name):
        d = _mk(int(m[1]), int(m[2]), int(m[3]))
        if not d or d.year < 1990:
            continue
        if m[4]:
            try:
                return dt.datetime(d.year, d.month, d.day, int(m[4]), int(m[5]), int(m[6])), True
            except ValueError:
                pass
        return d, False
    return None


def parse_manifest_datetime(value: object, tz: dt.tzinfo) -> dt.datetime | dt.date:
    """A manifest date or date-time (string, as YAML is read without implicit timestamps).

    Naive date-times are taken in the pack's time zone; aware ones are converted to it.
    Raises ValueError with a reason.
    """
    if isinstance(value, dt.datetime):
        v = value
    elif isinstance(value, dt.date):
        return value
    elif isinstance(value, str):
        s = value.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
            return dt.date.fromisoformat(s)
        try:
            v = dt.datetime.fromisoformat(
                s.replace(" ", "T", 1) if re.match(r"\d{4}-\d{2}-\d{2} \d", s) else s
            )
        except ValueError:
            raise ValueError(f"not an ISO date or date-time: {value!r}") from None
    else:
        raise ValueError(f"expected a date, got {type(value).__name__}")
    return v.replace(tzinfo=tz) if v.tzinfo is None else v.astimezone(tz)


def as_day(value: dt.datetime | dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[dt.date]:
    import holidays

    return frozenset(holidays.country_holidays("ID", years=year).keys())


def is_working_day(d: dt.date) -> bool:
    """Monday to Friday and not an Indonesian public holiday (``holidays`` package)."""
    return d.weekday() < 5 and d not in _holidays(d.year)


def add_days(start: dt.date, n: int, *, working_days: bool) -> dt.date:
    """The deadline ``n`` days after ``start``: calendar days, or working days (Indonesia)."""
    if not working_days:
        return start + dt.timedelta(days=n)
    d = start
    while n > 0:
        d += dt.timedelta(days=1)
        if is_working_day(d):
            n -= 1
    return d


def days_between(a: dt.date, b: dt.date, *, working_days: bool) -> int:
    """Days from a to b (negative when b is before a); working days count only working days."""
    if not working_days:
        return (b - a).days
    sign, lo, hi = (1, a, b) if b >= a else (-1, b, a)
    n, d = 0, lo
    while d < hi:
        d += dt.timedelta(days=1)
        if is_working_day(d):
            n += 1
    return sign * n


def fmt_day(d: dt.date | dt.datetime, lang: str = "id") -> str:
    d = as_day(d)
    if lang == "id":
        return f"{d.day} {MONTH_NAMES_ID[d.month - 1]} {d.year}"
    return d.isoformat()
