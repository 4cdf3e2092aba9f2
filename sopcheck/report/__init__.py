"""Report writers: JSON (the contract), Markdown and HTML (for people), JUnit XML (for CI) and the
register (CSV + XLSX).

Every writer is ``(result, out_dir) -> Path`` (or a list of paths, for the register) and writes its
files atomically; the JUnit writer also takes ``fail_on``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from ..errors import UsageError
from ..model import AuditResult, Status
from . import html, junit, markdown, register
from . import json as json_report
from .atomic import write_atomic

WRITERS: dict[str, Callable[..., Path]] = {
    "json": json_report.write,
    "md": markdown.write,
    "junit": junit.write,
    "html": html.write,
    "register": register.write,
}
"""Format name -> writer ``(result: AuditResult, out_dir: Path) -> Path | list[Path]``."""

DEFAULT_FORMATS = ("json", "md", "junit")


def write_reports(
    result: AuditResult,
    out_dir: Path | str,
    formats: Iterable[str] | str = DEFAULT_FORMATS,
    *,
    fail_on: Status | str = Status.FAIL,
) -> list[Path]:
    """Write the reports named in ``formats`` (names or one comma-separated string) into ``out_dir``.

    Unknown formats raise UsageError before anything is written; a format named twice is written
    once. ``fail_on`` goes to the JUnit writer only. Returns the written paths in ``formats`` order
    (the register gives two: CSV and XLSX).
    """
    if isinstance(formats, str):
        formats = formats.split(",")
    wanted = list(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    unknown = [f for f in wanted if f not in WRITERS]
    if unknown:
        known = ", ".join(WRITERS)
        raise UsageError("err.format", bad=", ".join(unknown), known=known)
    fail_on = Status(fail_on)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in wanted:
        if fmt == "junit":
            written = WRITERS[fmt](result, out_dir, fail_on=fail_on)
        else:
            written = WRITERS[fmt](result, out_dir)
        paths.extend(written if isinstance(written, list | tuple) else [written])
    return paths


__all__ = ["DEFAULT_FORMATS", "WRITERS", "write_atomic", "write_reports"]
