"""The register (CSV + XLSX): columns, real dates, frozen header, filters, both languages."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt

import openpyxl
import pytest
from builders import make_package, manifest_with

import sopcheck
from sopcheck.report import WRITERS, register, write_reports


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    make_package(root)
    make_package(root, "2024-03-13-formula", photos=3,
                 manifest=manifest_with({"kegiatan.tanggal": "2024-03-13", "kegiatan.judul": "=HYPERLINK(1)"}))  # fmt: skip
    return sopcheck.check(root, as_of="2025-01-01", jobs=1)


def test_writes_csv_and_xlsx(result, tmp_path):
    assert "register" in WRITERS
    paths = write_reports(result, tmp_path, "register")
    assert [p.name for p in paths] == ["register-dokumentasi.csv", "register-dokumentasi.xlsx"]


def test_csv_columns_indonesian(result, tmp_path):
    csv_path, _ = register.write(result, tmp_path)
    rows = list(csv.reader(csv_path.read_text(encoding="utf-8-sig").splitlines()))
    head = rows[0]
    assert head[:9] == ["No", "Folder paket", "Tanggal kegiatan", "Judul kegiatan", "Unit (OPD)",
                        "Lokasi", "Jumlah foto", "Caption", "Tanggal diserahkan"]  # fmt: skip
    assert "Keputusan Atasan PPID Pelaksana" in head and "Tanggal Atasan PPID Pelaksana" in head
    assert head[-4:] == ["Tanggal unggah", "Tautan unggahan", "Status", "Aturan gagal"]
    assert len(rows) == 1 + len(result.packages)
    first = dict(zip(head, rows[1], strict=True))
    assert first["Tanggal kegiatan"] == "2024-03-12"
    assert first["Jumlah foto"] == "5"
    second = dict(zip(head, rows[2], strict=True))
    assert "KLP-01" in second["Aturan gagal"]
    assert second["Judul kegiatan"] == "'=HYPERLINK(1)"  # no formula in a spreadsheet


def test_xlsx_real_dates_frozen_filter(result, tmp_path):
    _, xlsx = register.write(result, tmp_path)
    wb = openpyxl.load_workbook(xlsx)
    ws = wb.active
    head = [c.value for c in ws[1]]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
    day = ws.cell(row=2, column=head.index("Tanggal kegiatan") + 1).value
    assert isinstance(day, dt.datetime) and day.date() == dt.date(2024, 3, 12)
    handin = ws.cell(row=2, column=head.index("Tanggal diserahkan") + 1).value
    assert isinstance(handin, dt.datetime)
    title = ws.cell(row=3, column=head.index("Judul kegiatan") + 1)
    assert title.value == "=HYPERLINK(1)" and title.data_type == "s"
    assert ws.column_dimensions["H"].width > ws.column_dimensions["A"].width


def test_english_headers(result, tmp_path):
    _, xlsx = register.write(dataclasses.replace(result, lang="en"), tmp_path)
    head = [c.value for c in openpyxl.load_workbook(xlsx).active[1]]
    assert head[:4] == ["No", "Package folder", "Activity date", "Activity title"]
    assert "Decision: Superior of the Implementing PPID" in head
    assert "Failed rules" in head
