"""Approval sheet files (opened, not yet read) and the batch register (CSV/XLSX)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from contextlib import contextmanager, suppress
from pathlib import Path

from PIL import Image

from .text import decode


def page_without_mediabox(pdf) -> int | None:
    """The first page (1-based) of an open pdfplumber PDF that has no MediaBox, even inherited
    (pdfplumber raises TypeError on such a page), or None."""
    from pdfminer.pdfpage import PDFPage

    for i, page in enumerate(PDFPage.create_pages(pdf.doc), 1):
        if page.attrs.get("MediaBox") is None:
            return i
    return None


@contextmanager
def open_pdf(source):
    """pdfplumber.open, closed even when its pages cannot be built (pdfplumber's own close walks the
    pages again and would replace the real reason with a TypeError)."""
    import pdfplumber

    pdf = pdfplumber.open(source)
    try:
        yield pdf
    finally:
        try:
            pdf.close()
        except Exception:
            with suppress(Exception):
                pdf.stream.close()


def pdf_pages_or_reason(pdf):
    """``pdf.pages``, with a missing MediaBox named as the reason instead of pdfplumber's TypeError."""
    try:
        return pdf.pages
    except TypeError as e:
        n = page_without_mediabox(pdf)
        if n is None:
            raise
        raise ValueError(f"page {n} has no MediaBox (page size): not a valid PDF page") from e


def open_approval(path: Path) -> tuple[str | None, bool]:
    """(problem or None, carries a digital signature) for one approval file.

    The file must open: an image decodes its header, a PDF parses and is not encrypted.
    """
    if path.suffix.lower() == ".pdf":
        from pdfminer.pdfdocument import PDFPasswordIncorrect

        try:
            data = path.read_bytes()
            with open_pdf(io.BytesIO(data)) as pdf:
                if not pdf_pages_or_reason(pdf):
                    return "PDF has no pages", False
        except Exception as e:  # pdfplumber wraps pdfminer's errors in PdfminerException
            inner = [e, e.__cause__, *getattr(e, "args", ())]
            if any(isinstance(x, PDFPasswordIncorrect) for x in inner):
                return "PDF is encrypted with a password", False
            if isinstance(e, ValueError) and "MediaBox" in str(e):
                return f"cannot open PDF: {e}", False
            return f"cannot open PDF: {type(e).__name__}: {e}".rstrip(": "), False
        signed = b"/ByteRange" in data and b"/Sig" in data
        return None, signed
    try:
        with Image.open(path) as img:
            if img.format == "JPEG":  # decode at 1/8 scale: a truncated scan fails, cheaply
                img.draft("L", (max(1, img.width // 8), max(1, img.height // 8)))
            img.load()
    except Exception as e:
        return f"cannot open image: {e}", False
    return None, False


def read_register(path: Path) -> list[dict[str, str]]:
    """Rows of a register file as dicts of text (header row first). Raises ValueError if unreadable
    or over the current limits (``limits.current()``: an XLSX over ``file_bytes`` on disk or
    unpacked, a CSV over ten times ``text_bytes``)."""
    from ..limits import current, docx_unpacked

    if path.suffix.lower() == ".xlsx":
        import openpyxl

        limit = current().file_bytes
        size = path.stat().st_size
        unpacked = docx_unpacked(path) or 0
        if max(size, unpacked) > limit:
            raise ValueError(
                f"register of {max(size, unpacked):,} bytes (unpacked), over the file size limit "
                f"of {limit:,} (file_bytes): not read"
            )

        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as e:
            raise ValueError(f"cannot open XLSX: {e}") from e
        rows = [
            ["" if c is None else str(c) for c in r] for r in wb.active.iter_rows(values_only=True)
        ]
        wb.close()
    else:
        limit = current().text_bytes * 10  # a register is a table of many rows: ten texts' worth
        if path.stat().st_size > limit:
            raise ValueError(f"register larger than {limit:,} bytes (10 x text_bytes): not read")
        text, _, _ = decode(path.read_bytes())
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        rows = list(csv.reader(io.StringIO(text), dialect))
    if not rows:
        return []
    header = [h.strip() or f"col{i + 1}" for i, h in enumerate(rows[0])]
    return [
        dict(zip(header, (c.strip() for c in r), strict=False))
        for r in rows[1:]
        if any(c.strip() for c in r)
    ]


def _cell_day(value: str) -> dt.date | None:
    """The date a register cell holds, when it is one: ISO (an XLSX date reads as "2024-03-12
    00:00:00"), "12/03/2024", "12-03-2024" or "12 Maret 2024"."""
    from ..dates import find_date

    found = find_date(value, limit=40)
    return found[0] if found else None


def match_register(
    rows: list[dict[str, str]], package_id: str, title: str | None, day: dt.date | None = None
) -> tuple[dict[str, str], ...]:
    """Register rows naming this package, whatever the register's column layout.

    A row names the package when one of its cells is the package's id or folder name, or when one
    is its title and (the activity date being known) another cell holds that date: a title that
    recurs every month ("Rapat Koordinasi") matches only the row of its own day.
    """
    keys = {package_id.lower(), package_id.rsplit("/", 1)[-1].lower()}
    wanted = title.strip().lower() if title else None

    def names(row: dict[str, str]) -> bool:
        cells = [v.strip().lower() for v in row.values() if v and v.strip()]
        if any(c in keys for c in cells):
            return True
        if wanted is None or wanted not in cells:
            return False
        return day is None or any(_cell_day(c) == day for c in cells)

    return tuple(r for r in rows if names(r))
