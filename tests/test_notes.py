"""Evidence notes in Indonesian in the reports auditors read (Markdown, HTML, JUnit)."""

from __future__ import annotations

import golden
import pytest

import sopcheck
from sopcheck.model import Evidence
from sopcheck.report import markdown
from sopcheck.report.json import evidence_text
from sopcheck.report.notes import known, note_text
from sopcheck.sample import generate


@pytest.mark.parametrize(
    ("note", "want"),
    [
        ("deskewed by 1.2 degrees", "kemiringan diluruskan 1.2 derajat"),
        ("signature: stamp only", "tanda tangan: hanya stempel"),
        ("page 1: text layer", "halaman 1: lapisan teks"),
        ("reference day H: activity end (hand-in unknown)",
         "hari acuan H: akhir kegiatan (penyerahan tidak diketahui)"),
        ("digital signature mapped to atasan by NIP on the sheet; no trust root configured: the "
         "certificate chain was not verified",
         "tanda tangan digital dipetakan ke atasan melalui NIP pada lembar; belum ada akar "
         "kepercayaan (trust root): rantai sertifikat tidak diverifikasi"),
        ("not counted: cannot decode image: image file is truncated",
         "tidak dihitung: gambar tidak dapat dibaca: image file is truncated"),
        ("something new the catalogue does not know", "something new the catalogue does not know"),
    ],
)  # fmt: skip
def test_notes_are_translated_part_by_part(note, want):
    assert note_text(note, "id") == want
    assert note_text(note, "en") == note


def test_evidence_line_in_indonesian():
    ev = Evidence(file="foto/a.jpg", tag="DateTimeOriginal", confidence=0.5, inferred=True,
                  note="offset +07:00 from EXIF")  # fmt: skip
    assert evidence_text(ev, "id").endswith(
        "(disimpulkan, keyakinan 0.50) — zona waktu +07:00 dari EXIF"
    )
    assert evidence_text(ev).endswith("(inferred, confidence 0.50) — offset +07:00 from EXIF")


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    batch = generate(tmp_path_factory.mktemp("notes") / "batch")
    return sopcheck.check(batch, as_of=golden.AS_OF, jobs=2)


def _notes(result):
    for p in result.packages:
        for f in p.findings:
            for e in f.evidence:
                if e.note and e.tag != "tanggal":  # a date's note is the text as read
                    yield e.note
        for s in p.evidence.sheets if p.evidence else ():
            yield from s.notes
            for r in s.roles:
                yield from r.notes


def test_every_note_of_the_sample_batch_is_in_the_catalogue(result):
    notes = set(_notes(result))
    assert len(notes) > 20  # the sample batch exercises many readers
    unknown = sorted(n for n in notes if not known(n))
    assert unknown == []


def test_the_indonesian_markdown_report_carries_translated_notes(result):
    text = markdown.render(result)
    assert "hari acuan H" in text and "reference day H" not in text
    assert "titik kode" in text and "code points" not in text


def test_a_handwritten_date_note_keeps_its_reasons_together():
    note = ("handwritten date (uneven baseline (0.10); slanted (+12 degrees)), two readings "
            "disagree: 23/03/2024 vs 13/03/2024: not used")  # fmt: skip
    assert known(note)
    assert note_text(note, "id") == (
        "tanggal tulisan tangan (garis dasar tidak rata (0.10); miring (+12 derajat)), dua "
        "pembacaan berbeda: 23/03/2024 vs 13/03/2024: tidak dipakai"
    )
