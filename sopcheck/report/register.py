"""The Register dokumentasi dan konten: ``register-dokumentasi.csv`` and ``.xlsx``, one row per package.

Headers are in the run language. The XLSX holds real dates (naive, in the pack's time zone), a frozen
header row, an autofilter and column widths; text that a spreadsheet would take for a formula is
stored as text. Also home of the helpers the HTML report shares: the rule pack behind a result and
the register rows that match no package.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..i18n import label
from ..model import AuditResult, PackageResult
from .atomic import write_atomic
from .junit import xml_text

CSV_NAME = "register-dokumentasi.csv"
XLSX_NAME = "register-dokumentasi.xlsx"
"""Statuses whose rule ids go into the 'failed rules' column."""
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@functools.lru_cache(maxsize=8)
def _load_pack(path: str):
    from ..rulepack import load_rulepack

    return load_rulepack(path)


def load_pack(result: AuditResult):
    """The rule pack the result was checked with, or None when it cannot be loaded any more."""
    path = result.rulepack.get("path")
    if not path:
        return None
    try:
        return _load_pack(str(path))
    except Exception:  # the report must not fail because the pack moved
        return None


def report_tz(result: AuditResult) -> dt.tzinfo:
    pack = load_pack(result)
    if pack is not None:
        return pack.tz
    return result.as_of.tzinfo or ZoneInfo("Asia/Jakarta")


def roles(result: AuditResult) -> list[tuple[str, str]]:
    """(role id, display name in the run language) in the pack's order; else as met in responses."""
    pack = load_pack(result)
    if pack is not None:
        return [(r.id, r.name.get(result.lang) or r.name.get("id") or r.id) for r in pack.roles]
    seen: dict[str, str] = {}
    for p in result.packages:
        if p.evidence:
            for r in p.evidence.package.responses:
                seen.setdefault(r.role, r.role)
    return list(seen.items())


def unmatched_register_rows(result: AuditResult) -> tuple[str | None, list[dict[str, str]]]:
    """The batch register's file name and its rows that name no checked package (REG-01's other
    half), as the audit recorded them. Empty when there is no register or it cannot be read."""
    return result.register_file, list(result.register_unmatched)


def _local(value: dt.datetime | dt.date | None, tz: dt.tzinfo) -> dt.datetime | dt.date | None:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(tz).replace(tzinfo=None)
    return value


def _role_cells(p: PackageResult, role: str) -> tuple[str | None, Any]:
    ev = p.evidence
    if ev is None:
        return None, None
    for r in ev.package.responses:
        if r.role == role:
            return r.decision, r.date.value if r.date else None
    for sheet in ev.sheets:
        for rr in sheet.roles:
            if rr.role == role and (rr.decision or rr.date):
                return rr.decision, rr.date
    return None, None


def columns(result: AuditResult) -> list[tuple[str, str]]:
    """(key, header) of the register in the run language."""
    lang = result.lang
    cols = [(k, label(f"register.{k}", lang)) for k in
            ("no", "package", "activity_date", "title", "unit", "location", "photos", "caption",
             "handin")]  # fmt: skip
    for role_id, name in roles(result):
        cols.append((f"decision:{role_id}", label("register.decision", lang, role_name=name)))
        cols.append((f"date:{role_id}", label("register.decision_date", lang, role_name=name)))
    cols += [(k, label(f"register.{k}", lang)) for k in
             ("upload_date", "upload_url", "status", "failed")]  # fmt: skip
    return cols


def rows(result: AuditResult) -> list[dict[str, Any]]:
    """One dict per package, keyed like ``columns``; dates as naive local date/datetime values."""
    tz = report_tz(result)
    role_ids = [r for r, _ in roles(result)]
    out = []
    for n, p in enumerate(result.packages, 1):
        ev = p.evidence
        pkg = ev.package if ev else None
        row: dict[str, Any] = {"no": n, "package": p.id}
        row["activity_date"] = ev.activity_start.day if ev and ev.activity_start else None
        row["title"] = pkg.title if pkg else None
        row["unit"] = pkg.unit if pkg else None
        row["location"] = pkg.location if pkg else None
        row["photos"] = len(ev.photos) if ev else None
        row["caption"] = ev.caption.text if ev and ev.caption else None
        row["handin"] = _local(pkg.handed_in.value, tz) if pkg and pkg.handed_in else None
        for role in role_ids:
            decision, when = _role_cells(p, role)
            row[f"decision:{role}"] = (
                label(f"decision.{decision}", result.lang) if decision else None
            )
            row[f"date:{role}"] = _local(when, tz)
        upload = pkg.upload if pkg else None
        row["upload_date"] = _local(upload.date.value, tz) if upload and upload.date else None
        row["upload_url"] = upload.url if upload else None
        row["status"] = p.status.value
        row["failed"] = ", ".join(dict.fromkeys(p.failed_rules))
        out.append(row)
    return out


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def render_csv(result: AuditResult) -> str:
    cols = columns(result)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([h for _, h in cols])
    for row in rows(result):
        w.writerow([_csv_text(row[k]) for k, _ in cols])
    return buf.getvalue()


def render_xlsx(result: AuditResult) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    cols = columns(result)
    wb = Workbook()
    ws = wb.active
    ws.title = label("register.sheet", result.lang)
    ws.append([h for _, h in cols])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [len(h) for _, h in cols]
    for r, row in enumerate(rows(result), start=2):
        for c, (key, _) in enumerate(cols, start=1):
            value = row[key]
            cell = ws.cell(row=r, column=c)
            if isinstance(value, dt.datetime):
                cell.value = value
                cell.number_format = "yyyy-mm-dd hh:mm"
                width = 16
            elif isinstance(value, dt.date):
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
                width = 11
            elif isinstance(value, int):
                cell.value = value
                width = len(str(value))
            elif value is None:
                width = 0
            else:
                cell.value = xml_text(str(value))  # control characters would break the sheet XML
                cell.data_type = "s"  # never a formula, whatever the text starts with
                if cell.value.startswith(_FORMULA_START):
                    cell.quotePrefix = True  # Excel's leading ', not shown: stays text when edited
                width = len(cell.value)
            widths[c - 1] = max(widths[c - 1], width)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 6), 60)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{max(ws.max_row, 1)}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write(result: AuditResult, out_dir: Path) -> list[Path]:
    """Write the register as CSV (UTF-8 with BOM, for spreadsheet programs) and XLSX; return both."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path = write_atomic(out_dir / CSV_NAME, render_csv(result), encoding="utf-8-sig")
    xlsx_path = write_atomic(out_dir / XLSX_NAME, render_xlsx(result))
    return [csv_path, xlsx_path]
