"""sopcheck.extract.text: decoding, NFC + trimming, grapheme counting, narrative documents."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sopcheck.extract.text import (
    decode,
    graphemes,
    normalise,
    read_caption,
    read_narrative,
    word_count,
)

SAMPLE = "Musrenbang Kecamatan Bulik – café ✓ 👍"
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 👨‍👩‍👧‍👦

# --- decode -----------------------------------------------------------------------------------


def test_decode_utf8() -> None:
    assert decode(SAMPLE.encode("utf-8")) == (SAMPLE, "utf-8", None)


def test_decode_utf8_bom() -> None:
    text, enc, note = decode(b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"))
    assert text == SAMPLE  # the BOM is not part of the text
    assert not text.startswith("\ufeff")
    assert enc == "utf-8-sig"
    assert note is None


@pytest.mark.parametrize(("bom", "codec"), [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_decode_utf16_with_bom(bom: bytes, codec: str) -> None:
    text, enc, note = decode(bom + SAMPLE.encode(codec))
    assert text == SAMPLE
    assert not text.startswith("\ufeff")
    assert enc.startswith("utf-16")
    assert note is None


def test_decode_cp1252_with_note() -> None:
    raw = "Café – “kutipan” €5".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text, enc, note = decode(raw)
    assert text == "Café – “kutipan” €5"
    assert enc == "cp1252"
    assert note and "cp1252" in note


def test_decode_bytes_undefined_in_cp1252_fall_back_to_latin1() -> None:
    text, enc, note = decode(b"Caf\xe9 \x81")
    assert text == "Café \x81"
    assert enc == "latin-1"
    assert note


def test_decode_empty() -> None:
    assert decode(b"") == ("", "utf-8", None)


# --- normalise --------------------------------------------------------------------------------


def test_normalise_nfc_and_strip() -> None:
    assert normalise("  Cafe\u0301 \n\t") == "Café"
    assert normalise("\u00a0 teks \u3000") == "teks"
    s = normalise("e\u0301")
    assert s == "\u00e9" and len(s) == 1


@given(st.text())
def test_normalise_is_nfc_and_idempotent(s: str) -> None:
    n = normalise(s)
    assert unicodedata.is_normalized("NFC", n)
    assert n == n.strip()
    assert normalise(n) == n


# --- graphemes --------------------------------------------------------------------------------


def test_graphemes_examples() -> None:
    assert graphemes("") == 0
    assert graphemes("abc") == 3
    assert graphemes("e\u0301") == 1
    assert graphemes(FAMILY) == 1
    assert graphemes("\U0001f1ee\U0001f1e9") == 1  # flag of Indonesia
    assert graphemes("\r\n") == 1
    assert graphemes("👍🏽") == 1  # skin-tone modifier


def test_graphemes_counted_after_nfc() -> None:
    decomposed, composed = "e\u0301", "\u00e9"
    assert normalise(decomposed) == composed
    assert graphemes(normalise(decomposed)) == graphemes(composed) == 1
    assert len(normalise(decomposed)) == len(composed) == 1
    assert len(decomposed) == 2  # the code-point count differs before NFC


@given(st.text())
def test_graphemes_at_most_code_points(s: str) -> None:
    assert graphemes(s) <= len(s)
    if s:
        assert graphemes(s) >= 1


@given(
    prefix=st.text(),
    letter=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    mark=st.integers(min_value=0x0301, max_value=0x036F).map(chr),
)
def test_combining_mark_joins_last_letter(prefix: str, letter: str, mark: str) -> None:
    s = prefix + letter
    assert graphemes(s + mark) == graphemes(s)


@given(st.integers(min_value=0, max_value=60))
def test_family_emoji_copies(k: int) -> None:
    assert graphemes(FAMILY * k) == k
    assert len(FAMILY * k) == 7 * k


# --- word_count -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "n"),
    [
        (None, 0),
        ("", 0),
        ("   \n\t ", 0),
        ("Musrenbang", 1),
        ("Musrenbang Kecamatan Bulik", 3),
        ("satu, dua; tiga. empat!", 4),
        ("Nanga Bulik - Kegiatan", 3),
        ("café naïve", 2),
        ("... --- !!!", 0),
    ],
)
def test_word_count(text: str | None, n: int) -> None:
    assert word_count(text) == n


# --- read_caption -----------------------------------------------------------------------------


def test_read_caption_file_and_manifest(tmp_path: Path) -> None:
    p = tmp_path / "caption.txt"
    p.write_bytes(b"\xef\xbb\xbf  Musrenbang Kecamatan Bulik\n")
    info = read_caption(p, "caption.txt", None)
    assert info.text == "Musrenbang Kecamatan Bulik"
    assert info.source == "file" and info.file == "caption.txt"
    both = read_caption(p, "caption.txt", "Lain")
    assert both.text == "Lain" and both.source == "manifest"
    assert both.note and "caption.txt" in both.note
    assert read_caption(None, None, None) is None
    missing = read_caption(tmp_path / "nope.txt", "nope.txt", None)
    assert missing.text is None and missing.error


# --- read_narrative ---------------------------------------------------------------------------

NARASI = (
    "Nanga Bulik, Selasa (12/3/2024) - Musrenbang Kecamatan Bulik digelar di aula kantor camat."
)


def test_read_narrative_txt_cp1252(tmp_path: Path) -> None:
    p = tmp_path / "narasi.txt"
    p.write_bytes(("  " + NARASI + " Café.\n").encode("cp1252"))
    info = read_narrative(p, "narasi.txt", None)
    assert info.text == NARASI + " Café."
    assert info.encoding == "cp1252" and info.note
    assert info.error is None


def test_read_narrative_docx(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    doc.add_paragraph(NARASI)
    doc.add_paragraph("Paragraf kedua tentang café.")
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Peserta"
    table.rows[0].cells[1].text = "Kepala desa"
    p = tmp_path / "narasi.docx"
    doc.save(str(p))
    info = read_narrative(p, "narasi.docx", None)
    assert info.error is None
    assert info.file == "narasi.docx" and info.source == "file"
    assert info.text.startswith("Nanga Bulik, Selasa (12/3/2024)")
    assert "Paragraf kedua tentang café." in info.text
    assert "Kepala desa" in info.text
    assert word_count(info.text) >= 20


def test_read_narrative_pdf(tmp_path: Path) -> None:
    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    p = tmp_path / "narasi.pdf"
    c = canvas.Canvas(str(p), pagesize=A4)
    c.drawString(72, 760, "Nanga Bulik, Selasa (12/3/2024) - Musrenbang Kecamatan Bulik")
    c.drawString(72, 740, "digelar di aula kantor camat.")
    c.showPage()
    c.drawString(72, 760, "Halaman kedua.")
    c.save()
    info = read_narrative(p, "narasi.pdf", None)
    assert info.error is None
    assert "Nanga Bulik, Selasa (12/3/2024)" in info.text
    assert "Halaman kedua." in info.text
    assert info.text == info.text.strip()


def test_read_narrative_docx_not_a_zip(tmp_path: Path) -> None:
    p = tmp_path / "narasi.docx"
    p.write_bytes(b"This is plain text pretending to be a Word document.\n")
    info = read_narrative(p, "narasi.docx", None)  # must not raise
    assert info.text is None
    assert info.error and "docx" in info.error
    assert info.file == "narasi.docx"


def test_read_narrative_broken_zip_docx(tmp_path: Path) -> None:
    import zipfile

    p = tmp_path / "narasi.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("hello.txt", "not a docx")
    info = read_narrative(p, "narasi.docx", None)
    assert info.text is None and info.error


def test_read_narrative_broken_pdf(tmp_path: Path) -> None:
    p = tmp_path / "narasi.pdf"
    p.write_bytes(b"%PDF-1.4\n garbage garbage\n")
    info = read_narrative(p, "narasi.pdf", None)
    assert info.text is None
    assert info.error and "pdf" in info.error


def test_read_narrative_manifest_wins(tmp_path: Path) -> None:
    p = tmp_path / "narasi.txt"
    p.write_text("dari berkas", encoding="utf-8")
    info = read_narrative(p, "narasi.txt", "  dari manifes\u0301 ")
    assert info.source == "manifest" and info.file == "paket.yaml"
    assert info.text == unicodedata.normalize("NFC", "dari manifes\u0301")
    assert read_narrative(None, None, None) is None
