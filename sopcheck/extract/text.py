"""Caption and narrative: decoding with the encoding named, grapheme counting, document text."""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path

import regex

from ..limits import LimitExceeded, current, docx_unpacked, pdf_pages
from ..model import TextInfo

EXTRACTOR_VERSION = "text-1"
_GRAPHEME = regex.compile(r"\X")


def normalise(text: str) -> str:
    """NFC, then trimmed: the form the caption limit is counted on."""
    return unicodedata.normalize("NFC", text).strip()


def graphemes(text: str) -> int:
    """User-perceived characters (extended grapheme clusters, UAX #29)."""
    return len(_GRAPHEME.findall(text))


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when ``data`` looks like UTF-16 text that lost its BOM: an even
    length and NUL bytes in at least a quarter of the code units, nearly all on one side."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    units = len(data) // 2
    for zeros, other, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros >= units / 4 and other <= zeros / 20:
            try:
                data.decode(codec)
            except UnicodeDecodeError:
                return None
            return codec
    return None


def decode(data: bytes) -> tuple[str, str, str | None]:
    """(text, encoding, note): UTF-8 with or without BOM, UTF-16 with BOM (or without, when the
    NUL bytes show it), else legacy 8-bit."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace"), "utf-8-sig", None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace"), "utf-16", None
    codec = _utf16_without_bom(data) if b"\0" in data else None
    if codec:
        return (
            data.decode(codec),
            codec,
            "UTF-16 without a byte-order mark: recognised by its NUL bytes",
        )
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252", "not UTF-8: decoded as cp1252 (legacy 8-bit)"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1", "not UTF-8: decoded as latin-1 (legacy 8-bit)"


_BIDI = regex.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str, note: str | None) -> tuple[str, str | None]:
    """NUL characters removed (they are not text), and a note on what was removed or seen:
    bidirectional controls are kept (they are counted) but named, as they can reorder what a
    reader sees."""
    notes = [note] if note else []
    nul = text.count("\0")
    if nul:
        text = text.replace("\0", "")
        notes.append(f"{nul} NUL character{'s' if nul > 1 else ''} removed")
    bidi = sorted(set(_BIDI.findall(text)))
    if bidi:
        names = ", ".join(f"U+{ord(c):04X}" for c in bidi)
        notes.append(
            f"holds bidirectional control characters ({names}) that can reorder the text shown"
        )
    return text, "; ".join(notes) or None


def _read_text_file(path: Path) -> tuple[str, str, str | None]:
    """(text, encoding, note) of a caption or narrative text file within the text size limit."""
    limit = current().text_bytes
    with open(path, "rb") as f:
        data = f.read(limit + 1)  # never more than the limit in memory
    if len(data) > limit:
        size = path.stat().st_size
        raise LimitExceeded(
            f"{size:,} bytes, over the text size limit of {limit:,} (text_bytes): not read"
        )
    text, enc, note = decode(data)
    text, note = clean(text, note)
    return text, enc, note


def read_caption(
    path: Path | None, rel: str | None, manifest_caption: str | None
) -> TextInfo | None:
    """The caption: the manifest's when it states one (it overrides caption.txt), else caption.txt."""
    file_info = None
    if path is not None:
        try:
            text, enc, note = _read_text_file(path)
            file_info = TextInfo(
                text=normalise(text), file=rel, source="file", encoding=enc, note=note
            )
        except LimitExceeded as e:
            file_info = TextInfo(text=None, file=rel, source="file", error=str(e))
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
    unpacked, limit = docx_unpacked(path), current().file_bytes
    if unpacked is not None and unpacked > limit:
        raise LimitExceeded(
            f"the archive unpacks to {unpacked:,} bytes, over the file size limit of {limit:,} "
            "(file_bytes): a zip bomb? not read"
        )
    doc = docx.Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _pdf_text(path: Path) -> str:
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    from .documents import open_pdf, pdf_pages_or_reason

    n, limit = pdf_pages(path), current().pages
    if n is not None and n > limit:
        raise LimitExceeded(
            f"PDF of {n:,} pages, over the page limit of {limit:,} (pages): not read"
        )
    try:
        with open_pdf(path) as pdf:
            pages = pdf_pages_or_reason(pdf)
            if len(pages) > limit:  # pdfium could not count them: still bounded
                raise LimitExceeded(
                    f"PDF of {len(pages):,} pages, over the page limit of {limit:,} (pages): not read"
                )
            return "\n".join((page.extract_text() or "") for page in pages)
    except Exception as e:  # pdfplumber wraps pdfminer's errors in PdfminerException
        if any(
            isinstance(x, PDFPasswordIncorrect) for x in (e, e.__cause__, *getattr(e, "args", ()))
        ):
            raise ValueError("PDF is encrypted with a password") from e
        raise


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
            text, enc, note = _read_text_file(path)
            return TextInfo(text=normalise(text), file=rel, source="file", encoding=enc, note=note)
        size, limit = path.stat().st_size, current().file_bytes
        if size > limit:
            raise LimitExceeded(
                f"{size:,} bytes, over the file size limit of {limit:,} (file_bytes): not read"
            )
        if size == 0:
            raise ValueError("empty file (0 bytes)")
        text = _docx_text(path) if ext == ".docx" else _pdf_text(path)
        if len(text.encode("utf-8")) > current().text_bytes:
            raise LimitExceeded(
                f"its text is over the text size limit of {current().text_bytes:,} bytes (text_bytes): not read"
            )
        text, note = clean(text, None)
        return TextInfo(text=normalise(text), file=rel, source="file", note=note)
    except LimitExceeded as e:
        return TextInfo(text=None, file=rel, source="file", error=str(e))
    except Exception as e:  # a broken document is a finding, never a crash
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        return TextInfo(
            text=None, file=rel, source="file", error=f"cannot read {ext[1:]}: {reason}"
        )


def word_count(text: str | None) -> int:
    return len(regex.findall(r"\w+", text)) if text else 0
