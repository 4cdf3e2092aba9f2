"""Caption and narrative: decoding with the encoding named, grapheme counting, document text."""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path

import regex

from ..model import TextInfo

EXTRACTOR_VERSION = "text-1"
_GRAPHEME = regex.compile(r"\X")


def normalise(text: str) -> str:
    """NFC, then trimmed: the form the caption limit is counted on."""
    return unicodedata.normalize("NFC", text).strip()


def graphemes(text: str) -> int:
    """User-perceived characters (extended grapheme clusters, UAX #29)."""
    return len(_GRAPHEME.findall(text))


def decode(data: bytes) -> tuple[str, str, str | None]:
    """(text, encoding, note): UTF-8 with or without BOM, UTF-16 with BOM, else legacy 8-bit."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace"), "utf-8-sig", None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace"), "utf-16", None
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252", "not UTF-8: decoded as cp1252 (legacy 8-bit)"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1", "not UTF-8: decoded as latin-1 (legacy 8-bit)"


def read_caption(
    path: Path | None, rel: str | None, manifest_caption: str | None
) -> TextInfo | None:
    """The caption: the manifest's when it states one (it overrides caption.txt), else caption.txt."""
    file_info = None
    if path is not None:
        try:
            text, enc, note = decode(path.read_bytes())
            file_info = TextInfo(
                text=normalise(text), file=rel, source="file", encoding=enc, note=note
            )
        except OSError as e:
            file_info = TextInfo(
                text=None, file=rel, source="file", error=f"cannot read: {e.strerror or e}"
            )
    if manifest_caption is not None:
        note = None
        if (
            file_info
            and file_info.text is not None
            and file_info.text != normalise(manifest_caption)
        ):
            note = f"paket.yaml caption used; {rel} differs"
        return TextInfo(
            text=normalise(manifest_caption), file="paket.yaml", source="manifest", note=note
        )
    return file_info


def _docx_text(path: Path) -> str:
    import docx  # python-docx

    if not zipfile.is_zipfile(path):
        raise ValueError("not a .docx file (not a zip archive)")
    doc = docx.Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _pdf_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n".join((page.extract_text() or "") for page in pdf.pages)


def read_narrative(
    path: Path | None, rel: str | None, manifest_text: str | None
) -> TextInfo | None:
    """The narrative from narasi.txt/.md/.docx/.pdf, or the manifest's ``narasi``."""
    if manifest_text is not None:
        return TextInfo(text=normalise(manifest_text), file="paket.yaml", source="manifest")
    if path is None:
        return None
    ext = path.suffix.lower()
    try:
        if ext in (".txt", ".md"):
            text, enc, note = decode(path.read_bytes())
            return TextInfo(text=normalise(text), file=rel, source="file", encoding=enc, note=note)
        text = _docx_text(path) if ext == ".docx" else _pdf_text(path)
        return TextInfo(text=normalise(text), file=rel, source="file")
    except Exception as e:  # a broken document is a finding, never a crash
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        return TextInfo(
            text=None, file=rel, source="file", error=f"cannot read {ext[1:]}: {reason}"
        )


def word_count(text: str | None) -> int:
    return len(regex.findall(r"\w+", text)) if text else 0
