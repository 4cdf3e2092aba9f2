"""``sopcheck inspect FILE``: what sopcheck reads from one file, for an auditor who doubts a verdict.

A photo: every date tag (exifread and Pillow), the chosen capture time and why, the dHash. A PDF: its
text layer (pdfplumber), its signature dictionaries (/ByteRange) and every signature validated
with pyHanko (signer, times, coverage, trust against the pack's roots and ``--trust``). An approval
sheet (``persetujuan*``): the reading of ``sopcheck.extract.sheets.read_sheet`` when that exists.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .errors import UsageError
from .i18n import label
from .report.json import jsonable

PHOTO_EXT = {".jpg", ".jpeg", ".png", ".heic", ".heif", ".tif", ".tiff", ".webp"}
_DATE_WORDS = ("date", "time", "offset", "subsec", "software")
_BYTERANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


def _photo(path: Path, pack) -> dict[str, Any]:
    from PIL import Image

    from .extract.photos import _exifread_tags, _pillow_tags, dhash, read_photo

    tags, err = _exifread_tags(path)
    exif = {k: str(v) for k, v in tags.items() if any(w in k.lower() for w in _DATE_WORDS)}
    pil: dict[str, str] = {}
    try:
        with Image.open(path) as img:
            pil = {k: str(v) for k, v in _pillow_tags(img).items()}
            if img.format == "JPEG":
                img.draft("L", (64, 64))
            img.load()
            dh = dhash(img)
    except Exception as e:  # corrupt photo: say so, keep the tags
        dh = None
        err = err or f"cannot decode image: {e}"
    info = read_photo(path, path.name, pack.tz)
    why = info.source_tag and f"{info.source_tag} via {info.source}"
    if info.weak:
        why = f"{why} (weaker evidence: the file name)"
    return {
        "kind": "photo",
        "file": str(path),
        "date_tags": {"exifread": exif, "pillow": pil},
        "capture_time": info.capture_time,
        "why": why,
        "tz_note": info.tz_note,
        "modify_time": info.modify_time,
        "gps_time": info.gps_time,
        "software": info.software,
        "dhash": dh or info.phash,
        "size": [info.width, info.height],
        "notes": list(info.notes),
        "error": info.error or err,
    }


def _pdf(path: Path) -> dict[str, Any]:
    import pdfplumber

    raw = path.read_bytes()
    sigs = []
    for m in _BYTERANGE.finditer(raw):
        a, b, c, d = (int(x) for x in m.groups())
        sigs.append({"byte_range": [a, b, c, d], "covers_whole_file": a == 0 and c + d == len(raw)})
    pages: list[str] = []
    error = None
    try:
        with pdfplumber.open(path) as pdf:
            pages = [(page.extract_text() or "") for page in pdf.pages]
    except Exception as e:
        error = f"cannot read the PDF: {type(e).__name__}: {e}"
    return {
        "kind": "pdf",
        "file": str(path),
        "pages": len(pages),
        "text_layer": pages,
        "has_text_layer": any(t.strip() for t in pages),
        "signatures": sigs,
        "error": error,
    }


def _sheet(path: Path, pack, crops: Path | None = None) -> dict[str, Any] | None:
    try:
        from .extract import sheets  # built by another issue; absent in older versions
    except ImportError:
        return None
    reader = getattr(sheets, "read_sheet", None)
    if reader is None:
        return None
    raw = reader(path, path.name, pack)
    saved: dict[str, str] = {}
    if (
        crops is not None
    ):  # the crops an auditor looks at, written where they asked (never beside the sheet)
        from .report.atomic import write_atomic

        crops.mkdir(parents=True, exist_ok=True)
        for r in raw.roles:
            if r.signature_crop:
                saved[r.role] = str(
                    write_atomic(crops / f"{path.stem}-{r.role}.png", r.signature_crop)
                )
    reading = jsonable(raw)
    for role in reading.get("roles", []):  # the PNG crop as a size, not a hex dump
        crop = role.get("signature_crop")
        role["signature_crop"] = f"<PNG, {len(crop) // 2} bytes>" if crop else None
        role["signature_crop_file"] = saved.get(role.get("role"))
    return reading


def _esign(path: Path, pack) -> dict[str, Any]:
    """Every signature field validated with pyHanko against the pack's trust roots (and --trust)."""
    from .extract.esign import load_cert, read_esign

    roots = tuple(load_cert(d) for d in getattr(pack, "trust_roots", ()))
    data = jsonable(read_esign(path, path.name, roots, pack))
    data["trust_roots"] = list(getattr(pack, "trust_root_files", ()))
    return data


def _esign_lines(es: dict[str, Any], lang: str) -> list[str]:
    roots = ", ".join(es["trust_roots"]) or label("report.none", lang)
    out = [f"{label('inspect.esign', lang)}: {len(es['signatures'])}",
           f"  {label('inspect.trust_roots', lang)}: {roots}"]  # fmt: skip
    if es.get("error"):
        out.append(f"  ! {es['error']}")
    for s in es["signatures"]:
        out.append(f"  {s['field']}: {s['status']}")
        if s.get("signer"):
            when = s.get("timestamp_time") if s.get("timestamp_ok") else None
            src = "timestamp token" if when else "claimed signing time"
            out += [
                f"    signer: {s['signer']}",
                f"    issuer: {s['issuer']} · serial {s['serial']}",
                f"    valid: {s['not_before']} .. {s['not_after']}",
                f"    signed: {when or s.get('claimed_time') or '-'} ({src}); claimed "
                f"{s.get('claimed_time') or '-'}, timestamp {s.get('timestamp_time') or '-'}",
                f"    coverage: {s['coverage']} · after signing: {s['modification']} · trust: "
                f"{s['trust']}" + (f" ({s['trust_anchor']})" if s.get("trust_anchor") else ""),
                f"    revocation info: {s.get('revocation') or 'none embedded'} · role: "
                f"{s.get('role') or '-'}" + (f" ({s['role_source']})" if s.get("role_source") else ""),
            ]  # fmt: skip
        out += [f"    - {r}" for r in s["reasons"]]
    if es["claims"]:
        out.append(f"  {label('inspect.claims', lang)}: {' | '.join(es['claims'])}")
    if es["foreign_qr"]:
        out.append(f"  {label('inspect.foreign_qr', lang)}: {' | '.join(es['foreign_qr'])}")
    return out


def inspect_file(path: Path, pack, crops: Path | None = None) -> dict[str, Any]:
    """Everything sopcheck reads from ``path``, as JSON-ready data."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        data = _pdf(path)
        data["esign"] = _esign(path, pack)
    elif suffix in PHOTO_EXT:
        data = _photo(path, pack)
    else:
        raise UsageError("err.inspect_kind", path=path, suffix=suffix or "-")
    if path.name.lower().startswith("persetujuan"):
        data["sheet"] = _sheet(path, pack, crops)
    return jsonable(data)


def _human(data: dict[str, Any], lang: str) -> str:
    out = [f"{data['file']}"]
    if data.get("error"):
        out.append(f"  ! {data['error']}")
    if data["kind"] == "photo":
        out.append(f"{label('inspect.date_tags', lang)}:")
        for src, tags in data["date_tags"].items():
            for k, v in sorted(tags.items()):
                out.append(f"  [{src}] {k} = {v}")
        out.append(f"{label('inspect.chosen', lang)}: {data['capture_time'] or '-'}")
        out.append(
            f"{label('inspect.why', lang)}: {data['why'] or '-'} {data['tz_note'] or ''}".rstrip()
        )
        for key in ("modify_time", "gps_time", "software"):
            if data.get(key):
                out.append(f"  {key}: {data[key]}")
        out += [f"  - {n}" for n in data["notes"]]
        out.append(f"{label('inspect.dhash', lang)}: {data['dhash'] or '-'}")
    else:
        out.append(f"{label('inspect.pages', lang)}: {data['pages']}")
        out.append(f"{label('inspect.text_layer', lang)}:")
        for i, text in enumerate(data["text_layer"], 1):
            out.append(f"  --- p.{i}")
            out += [f"  {line}" for line in text.splitlines()]
        out.append(f"{label('inspect.signatures', lang)}: {len(data['signatures'])}")
        for s in data["signatures"]:
            out.append(
                f"  /ByteRange {s['byte_range']} covers the whole file: {s['covers_whole_file']}"
            )
        if "esign" in data:
            out += _esign_lines(data["esign"], lang)
    if "sheet" in data:
        out.append(f"{label('inspect.sheet', lang)}:")
        if data["sheet"] is None:
            out.append(f"  {label('inspect.no_sheet_reader', lang)}")
        else:
            sh = data["sheet"]
            out.append(
                f"  {sh.get('kind')} · OCR {sh.get('ocr_confidence')} · {sh.get('words')} words"
                + (f" · ! {sh['error']}" if sh.get("error") else "")
            )
            for r in sh.get("roles", []):
                out.append(
                    f"  {r['role']}: found={r['found']} signature={r['signature']} "
                    f"({r['signature_confidence']:.2f}) decision={r['decision']} "
                    f"[{r['decision_state']}] date={r['date'] or r['date_text'] or '-'}"
                )
                if r.get("signature_crop_file"):
                    out.append(f"    crop: {r['signature_crop_file']}")
            out += [f"  - {n}" for n in sh.get("notes", [])]
    return "\n".join(out)


def inspect_command(
    path: Path, as_json: bool, pack, lang: str | None = None, crops: Path | None = None
) -> int:
    """Print what sopcheck reads from ``path``; 0 when read, 1 when the file could not be read.

    ``crops``: a folder to save each role's signature crop in (outside the file's own folder).
    """
    path = Path(path)
    if not path.is_file():
        raise UsageError("err.no_file", path=path)
    if crops is not None:
        folder, target = path.resolve().parent, Path(crops).resolve()
        if target == folder or folder in target.parents:
            raise UsageError("err.crops_inside", target=target, folder=folder)
    data = inspect_file(path, pack, Path(crops) if crops else None)
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(_human(data, lang or pack.language))
    return 1 if data.get("error") else 0
