"""Every message and label exists in Indonesian and English with the same placeholders."""

from __future__ import annotations

import datetime as dt
import string

import pytest

from sopcheck.dates import fmt_day
from sopcheck.i18n import ERRORS, LABELS, LANGS, MESSAGES, WHAT, label


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize(
    "catalogue", [MESSAGES, LABELS, WHAT, ERRORS], ids=["MESSAGES", "LABELS", "WHAT", "ERRORS"]
)
def test_both_languages_same_placeholders(catalogue):
    for key, texts in catalogue.items():
        assert set(texts) == set(LANGS), key
        assert all(texts[lang].strip() for lang in LANGS), key
        assert _fields(texts["id"]) == _fields(texts["en"]), key


def test_label_lookup():
    assert label("report.photos", "id", n=3) == "Foto (3)"
    assert label("report.photos", "en", n=3) == "Photos (3)"
    assert label("report.title", "xx") == LABELS["report.title"]["id"]


def test_indonesian_dates():
    assert fmt_day(dt.date(2024, 3, 12), "id") == "12 Maret 2024"
