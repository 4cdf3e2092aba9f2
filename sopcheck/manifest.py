"""Read paket.yaml safely and turn it into typed values, collecting every problem with its field."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import yaml

from .dates import parse_manifest_datetime
from .limits import Limits, current
from .model import Dated, ManifestProblem, Response, Upload

MAX_MANIFEST_BYTES = Limits().manifest_bytes
DECISIONS = {"setuju": "setuju", "tolak": "tolak", "disetujui": "setuju", "ditolak": "tolak"}


class _TooManyAliases(yaml.YAMLError):
    pass


class _Loader(yaml.SafeLoader):
    """Safe loading (no tag constructs an object) with dates left as strings, so that they are
    parsed (and rejected) by us, and at most ``max_aliases`` aliases: an alias bomb stops early."""

    def __init__(self, stream, max_aliases: int = Limits().manifest_aliases):
        super().__init__(stream)
        self.max_aliases, self.aliases = max_aliases, 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > self.max_aliases:
                mark = self.peek_event().start_mark
                raise _TooManyAliases(
                    f"more than {self.max_aliases} YAML aliases (line {mark.line + 1}), over the "
                    "limit (manifest_aliases): an alias bomb? not read"
                )
        return super().compose_node(parent, index)


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_SCHEMA: dict[str, Any] = {
    "kegiatan": {
        "judul": str,
        "tanggal": "date",
        "tanggal_selesai": "date",
        "lokasi": str,
        "unit": str,
    },
    "diserahkan": "datetime",
    "caption": str,
    "narasi": str,
    "tanggapan": "responses",
    "unggah": {"tanggal": "datetime", "platform": str, "url": str},
}
_RESPONSE = {"tanggal": "datetime", "keputusan": str, "catatan": str}


@dataclass
class Manifest:
    """What paket.yaml states, each value already typed; problems hold what could not be used."""

    file: str
    title: str | None = None
    unit: str | None = None
    location: str | None = None
    start: Dated | None = None
    end: Dated | None = None
    handed_in: Dated | None = None
    caption: str | None = None
    narrative: str | None = None
    responses: list[Response] = field(default_factory=list)
    upload: Upload | None = None
    problems: list[ManifestProblem] = field(default_factory=list)


def oversized(file: str, size: int, limit: int) -> Manifest:
    """The manifest of a paket.yaml over the size limit: not read, one problem."""
    m = Manifest(file=file)
    m.problems.append(ManifestProblem(file=file, field="", reason=(
        f"manifest of {size:,} bytes, over the limit of {limit:,} (manifest_bytes): not read")))  # fmt: skip
    return m


def read_manifest(
    data: bytes, file: str, tz: dt.tzinfo, roles: tuple[str, ...], *, limits: Limits | None = None
) -> Manifest:
    """Parse manifest bytes; never raises for bad content, problems are collected instead."""
    limits = limits or current()
    m = Manifest(file=file)

    def problem(fld: str, reason: str) -> None:
        m.problems.append(ManifestProblem(file=file, field=fld, reason=reason))

    if len(data) > limits.manifest_bytes:
        return oversized(file, len(data), limits.manifest_bytes)
    try:
        text = data.decode("utf-8-sig")
        doc = yaml.load(text, Loader=lambda s: _Loader(s, limits.manifest_aliases))  # noqa: S506 (safe loader subclass)
    except UnicodeDecodeError as e:
        problem("", f"not UTF-8 text: {e.reason} at byte {e.start}")
        return m
    except _TooManyAliases as e:
        problem("", str(e))
        return m
    except RecursionError:
        problem("", "nested too deeply to be a manifest: not read")
        return m
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        reason = getattr(e, "problem", None) or str(e).splitlines()[0]
        problem("", f"not valid YAML{where}: {reason}")
        return m
    if doc is None:
        return m
    if not isinstance(doc, dict):
        problem("", f"expected a mapping at the top, got {type(doc).__name__}")
        return m

    def when(fld: str, value: Any, *, date_only: bool = False) -> Dated | None:
        try:
            v = parse_manifest_datetime(value, tz)
        except ValueError as e:
            problem(fld, str(e))
            return None
        if date_only and isinstance(v, dt.datetime):
            v = v.date()
        return Dated(value=v, source="manifest", file=file, tag=fld)

    def text(fld: str, value: Any) -> str | None:
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return str(value)
        problem(fld, f"expected text, got {type(value).__name__}")
        return None

    for key, value in doc.items():
        if key not in _SCHEMA:
            problem(str(key), f"unknown field (known: {', '.join(_SCHEMA)})")
            continue
        if value is None:
            continue
        if key == "kegiatan":
            if not isinstance(value, dict):
                problem(key, f"expected a mapping, got {type(value).__name__}")
                continue
            for k, v in value.items():
                fld = f"kegiatan.{k}"
                if k not in _SCHEMA["kegiatan"]:
                    problem(fld, "unknown field")
                elif v is None:
                    continue
                elif k == "tanggal":
                    m.start = when(fld, v, date_only=True)
                elif k == "tanggal_selesai":
                    m.end = when(fld, v, date_only=True)
                else:
                    setattr(
                        m, {"judul": "title", "lokasi": "location", "unit": "unit"}[k], text(fld, v)
                    )
        elif key == "diserahkan":
            m.handed_in = when(key, value)
        elif key in ("caption", "narasi"):
            setattr(m, "caption" if key == "caption" else "narrative", text(key, value))
        elif key == "tanggapan":
            _responses(m, value, roles, when, text, problem)
        elif key == "unggah":
            if not isinstance(value, dict):
                problem(key, f"expected a mapping, got {type(value).__name__}")
                continue
            unknown = [k for k in value if k not in _SCHEMA["unggah"]]
            for k in unknown:
                problem(f"unggah.{k}", "unknown field")
            d = (
                when("unggah.tanggal", value["tanggal"])
                if value.get("tanggal") is not None
                else None
            )
            plat = text("unggah.platform", value["platform"]) if value.get("platform") else None
            url = text("unggah.url", value["url"]) if value.get("url") else None
            m.upload = Upload(date=d, platform=plat, url=url)
    if m.start and m.end and m.end.day < m.start.day:
        problem("kegiatan.tanggal_selesai", "ends before it starts")
        m.end = None
    return m


def _responses(m: Manifest, value: Any, roles, when, text, problem) -> None:
    if not isinstance(value, dict):
        problem("tanggapan", f"expected a mapping of roles, got {type(value).__name__}")
        return
    for role, rec in value.items():
        fld = f"tanggapan.{role}"
        if role not in roles:
            problem(fld, f"unknown role (roles of the pack: {', '.join(roles)})")
            continue
        if not isinstance(rec, dict):
            problem(fld, f"expected a mapping, got {type(rec).__name__}")
            continue
        for k in rec:
            if k not in _RESPONSE:
                problem(f"{fld}.{k}", "unknown field")
        date = when(f"{fld}.tanggal", rec["tanggal"]) if rec.get("tanggal") is not None else None
        decision = None
        raw = rec.get("keputusan")
        if raw is not None:
            if not isinstance(raw, str):  # never str() a container: YAML aliases would expand it
                problem(f"{fld}.keputusan", f"expected setuju or tolak, got {type(raw).__name__}")
            else:
                decision = DECISIONS.get(raw.strip().lower())
                if decision is None:
                    problem(f"{fld}.keputusan", f"expected setuju or tolak, got {raw[:40]!r}")
        note = text(f"{fld}.catatan", rec["catatan"]) if rec.get("catatan") is not None else None
        m.responses.append(Response(role=role, date=date, decision=decision, note=note))
