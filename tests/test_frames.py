"""The notebook views: data frames, summary, JSON and HTML of an AuditResult."""

from __future__ import annotations

import json

import pytest

import sopcheck
from sopcheck.sample import EXPECTED, generate

pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    batch = generate(tmp_path_factory.mktemp("frames") / "batch")
    return sopcheck.check(batch, as_of="2025-01-01", jobs=1)


def test_findings_frame_has_one_typed_row_per_package_and_rule(result):
    df = result.findings_frame()
    assert len(df) == len(EXPECTED) * 17
    assert isinstance(df["status"].dtype, pd.CategoricalDtype) and df["status"].cat.ordered
    assert pd.api.types.is_datetime64_any_dtype(df["activity_date"])
    got = {(r.package, r.rule): r.status for r in df.itertuples()}
    assert got == {(p, r): s for p, rules in EXPECTED.items() for r, s in rules.items()}
    worst = df.groupby("package", observed=True)["status"].max()
    assert worst["2024-03-29-foto-rusak"] == "error"


def test_packages_frame(result):
    df = result.packages_frame().set_index("package")
    assert len(df) == len(EXPECTED)
    row = df.loc["2024-03-12-musrenbang-bulik"]
    assert (
        row["photos"] == 5
        and row["status"] == "pass"
        and row["unit"] == "Dinas Komunikasi dan Informatika"
    )
    assert row["activity_date"] == pd.Timestamp("2024-03-12")
    assert df.loc["2024-03-14-tiga-foto", "failed_rules"] == "KLP-01"


def test_summary_json_and_html(result):
    text = result.summary()
    assert f"{len(EXPECTED)} packages" in text and "KLP-01 2" in text
    assert json.loads(result.to_json())["packages"][0]["id"] == "2024-03-12-musrenbang-bulik"
    page = result._repr_html_()
    assert "<table>" in page and "2024-03-14-tiga-foto" in page
    assert "KLP-01" in result.packages[1]._repr_html_()
    assert result.packages[0].photos[0].source_tag == "EXIF DateTimeOriginal"
