"""Load and validate a YAML rule pack. Every problem is a RulePackError naming the file and key."""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from .errors import RulePackError
from .limits import DEFAULT as DEFAULT_LIMITS
from .limits import Limits
from .model import Severity

DEFAULT_PACK = "lamandau-medsos-2015"


@dataclass(frozen=True, kw_only=True)
class Role:
    id: str
    """Stable role id, used in manifests (tanggapan) and reports."""
    name: dict[str, str]
    """Display name per language."""
    aliases: tuple[str, ...]
    """Label spellings to look for on approval sheets."""


@dataclass(frozen=True, kw_only=True)
class Rule:
    id: str
    title: dict[str, str]
    description: dict[str, str]
    severity: Severity
    check: str
    params: dict[str, Any]
    """Parameters with defaults filled in."""
    source: dict[str, Any]
    """Where the rule comes from in the SOP (step, column)."""


@dataclass(frozen=True, kw_only=True)
class RulePack:
    id: str
    version: str
    title: dict[str, str]
    office: str
    source: str
    timezone: str
    language: str
    ocr_languages: str
    roles: tuple[Role, ...]
    rules: tuple[Rule, ...]
    path: str
    sha256: str
    """SHA-256 of the pack file's bytes."""
    trust_roots: tuple[bytes, ...] = ()
    """DER certificates that digital signatures must chain to (PST-04): the pack's ``trust_roots``
    files, plus any given with ``--trust``."""
    trust_root_files: tuple[str, ...] = ()
    """Where each trust root came from."""
    limits: Limits = DEFAULT_LIMITS
    """File size, pixels, pages, OCR seconds... (``sopcheck.limits``): the pack's ``limits:``
    section over the defaults."""

    def with_limits(self, **values) -> RulePack:
        """A copy with some limits changed (``pack.with_limits(pixels=10**8)``); ValueError on a bad one."""
        from dataclasses import replace

        return replace(self, limits=self.limits.override(values))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def role(self, role_id: str) -> Role:
        return next(r for r in self.roles if r.id == role_id)

    def meta(self) -> dict[str, str]:
        return {"id": self.id, "version": self.version, "sha256": self.sha256, "path": self.path}


def _text(lang: dict[str, str] | str, want: str) -> str:
    if isinstance(lang, str):
        return lang
    return lang.get(want) or lang.get("id") or next(iter(lang.values()), "")


def pack_dirs() -> list[Path]:
    """Where named packs are looked up: the source tree's rules/, then the installed share/."""
    here = Path(__file__).resolve().parent.parent / "rules"
    return [here, Path(sys.prefix) / "share" / "sopcheck" / "rules"]


def available_packs() -> list[Path]:
    seen: dict[str, Path] = {}
    for d in pack_dirs():
        for p in sorted(d.glob("*.yaml")) if d.is_dir() else []:
            seen.setdefault(p.stem, p)
    return list(seen.values())


def resolve(name_or_path: str | Path | None) -> Path:
    """A pack file from a path or a pack name (file stem in rules/); None means the default."""
    name = str(name_or_path or DEFAULT_PACK)
    p = Path(name)
    if p.suffix in (".yaml", ".yml") or p.exists():
        if not p.is_file():
            raise RulePackError(str(p), "", "no such rule pack file")
        return p
    for candidate in available_packs():
        if candidate.stem == name:
            return candidate
    names = ", ".join(c.stem for c in available_packs()) or "none"
    raise RulePackError(name, "", f"no rule pack of that name (available: {names})")


_TOP = {
    "id": str, "version": str, "title": (dict, str), "office": str, "source": str,
    "timezone": str, "language": str, "ocr_languages": str, "roles": list, "rules": list,
    "trust_roots": list,
    "limits": (dict, type(None)),
}  # fmt: skip
_TOP_REQUIRED = ("id", "version", "timezone", "roles", "rules")
_RULE = {
    "id": str, "title": (dict, str), "description": (dict, str), "severity": str,
    "check": str, "params": (dict, type(None)), "source": (dict, type(None)),
}  # fmt: skip
_RULE_REQUIRED = ("id", "title", "severity", "check")
_ROLE = {"id": str, "name": (dict, str), "aliases": list}
LANGS = ("id", "en")


def _keys(path: str, where: str, data: Any, spec: dict, required: tuple[str, ...]) -> None:
    if not isinstance(data, dict):
        raise RulePackError(
            path, where or "(top)", f"expected a mapping, got {type(data).__name__}"
        )
    for k, v in data.items():
        key = f"{where}.{k}" if where else str(k)
        if k not in spec:
            raise RulePackError(path, key, f"unknown key (allowed: {', '.join(spec)})")
        if not isinstance(v, spec[k]):
            want = spec[k] if isinstance(spec[k], type) else spec[k][0]
            raise RulePackError(path, key, f"expected {want.__name__}, got {type(v).__name__}")
    for k in required:
        if k not in data:
            raise RulePackError(path, f"{where}.{k}" if where else k, "required key is missing")


def _lang_map(path: str, key: str, v: dict | str) -> dict[str, str]:
    if isinstance(v, str):
        return {lang: v for lang in LANGS}
    for k, s in v.items():
        if k not in LANGS or not isinstance(s, str):
            raise RulePackError(
                path, f"{key}.{k}", f"expected a text per language ({'/'.join(LANGS)})"
            )
    return dict(v)


def _param(path: str, key: str, spec, value: Any) -> Any:
    ok = isinstance(value, spec.type) and not (spec.type is int and isinstance(value, bool))
    if spec.type is list:
        ok = ok and all(isinstance(x, str) for x in value)
    if not ok:
        raise RulePackError(path, key, f"expected {spec.type.__name__}, got {type(value).__name__}")
    if spec.choices and value not in spec.choices:
        raise RulePackError(path, key, f"must be one of {', '.join(map(str, spec.choices))}")
    if spec.type is int and value < 0:
        raise RulePackError(path, key, "must not be negative")
    return value


def load_trust_roots(files, base: Path | None = None, where: str = "--trust"):
    """(DER bytes, names) of certificate files (PEM or DER); relative paths from ``base``.

    Raises RulePackError naming the entry when a file is missing or is not a certificate."""
    from .extract.esign import load_cert

    ders, names = [], []
    for i, f in enumerate(files):
        key = f"{where}[{i}]" if base is not None else where
        if not isinstance(f, str | Path) or not str(f):
            raise RulePackError(str(base or ""), key, "expected a certificate file path")
        p = Path(f) if base is None or Path(f).is_absolute() else base / f
        try:
            ders.append(load_cert(p.read_bytes()).dump())
        except OSError as e:
            raise RulePackError(str(p), key, f"cannot read trust root: {e.strerror or e}") from e
        except ValueError as e:
            raise RulePackError(str(p), key, str(e)) from e
        names.append(str(p))
    return tuple(ders), tuple(names)


def with_trust(pack: RulePack, files) -> RulePack:
    """``pack`` with the trust roots in ``files`` (``--trust``) added to its own."""
    if not files:
        return pack
    from dataclasses import replace

    ders, names = load_trust_roots([str(f) for f in files])
    return replace(pack, trust_roots=pack.trust_roots + ders,
                   trust_root_files=pack.trust_root_files + names)  # fmt: skip


def load_rulepack(name_or_path: str | Path | None = None) -> RulePack:
    """Load a pack by path or name and validate it completely; raise RulePackError on any fault."""
    from .checks import CHECKS  # the registry, filled by importing the check modules

    file = resolve(name_or_path)
    path = str(file)
    try:
        raw = file.read_bytes()
        data = yaml.safe_load(raw)
    except OSError as e:
        raise RulePackError(path, "", f"cannot read: {e.strerror or e}") from e
    except yaml.YAMLError as e:
        raise RulePackError(path, "", f"not valid YAML: {e}") from e
    _keys(path, "", data, _TOP, _TOP_REQUIRED)
    try:
        ZoneInfo(data["timezone"])
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise RulePackError(path, "timezone", f"unknown time zone {data['timezone']!r}") from e
    language = data.get("language", "id")
    if language not in LANGS:
        raise RulePackError(path, "language", f"must be one of {', '.join(LANGS)}")

    roles = []
    for i, r in enumerate(data["roles"]):
        where = f"roles[{i}]"
        _keys(path, where, r, _ROLE, ("id", "name"))
        if any(x.id == r["id"] for x in roles):
            raise RulePackError(path, f"{where}.id", f"role id {r['id']!r} appears twice")
        roles.append(
            Role(
                id=r["id"],
                name=_lang_map(path, f"{where}.name", r["name"]),
                aliases=tuple(str(a) for a in r.get("aliases", [])),
            )
        )
    role_ids = {r.id for r in roles}

    rules: list[Rule] = []
    for i, r in enumerate(data["rules"]):
        where = f"rules[{i}]"
        _keys(path, where, r, _RULE, _RULE_REQUIRED)
        where = f"rules[{i}] ({r['id']})"
        if any(x.id == r["id"] for x in rules):
            raise RulePackError(path, f"{where}.id", "rule id appears twice")
        try:
            severity = Severity(r["severity"])
        except ValueError:
            allowed = ", ".join(s.value for s in Severity)
            raise RulePackError(path, f"{where}.severity", f"must be one of {allowed}") from None
        spec = CHECKS.get(r["check"])
        if spec is None:
            raise RulePackError(
                path,
                f"{where}.check",
                f"unknown check {r['check']!r} (known: {', '.join(sorted(CHECKS))})",
            )
        params = {}
        given = r.get("params") or {}
        for k, v in given.items():
            if k not in spec.params:
                allowed = ", ".join(spec.params) or "none"
                raise RulePackError(
                    path, f"{where}.params.{k}", f"unknown parameter (allowed: {allowed})"
                )
            params[k] = _param(path, f"{where}.params.{k}", spec.params[k], v)
        for k, p in spec.params.items():
            params.setdefault(k, p.default)
        if "role" in params and params["role"] not in role_ids:
            raise RulePackError(
                path, f"{where}.params.role", f"no role {params['role']!r} in roles"
            )
        rules.append(
            Rule(
                id=r["id"],
                title=_lang_map(path, f"{where}.title", r["title"]),
                description=_lang_map(path, f"{where}.description", r.get("description", "")),
                severity=severity,
                check=r["check"],
                params=params,
                source=dict(r.get("source") or {}),
            )
        )
    if not rules:
        raise RulePackError(path, "rules", "a rule pack needs at least one rule")
    try:
        roots, root_files = load_trust_roots(
            data.get("trust_roots", []), file.parent, "trust_roots"
        )
    except RulePackError as e:
        raise RulePackError(path, e.key, f"{e.reason} ({e.path})") from None
    try:
        limits = DEFAULT_LIMITS.override(data.get("limits") or {})
    except ValueError as e:
        key, _, reason = str(e).partition(": ")
        raise RulePackError(path, key, reason) from None
    return RulePack(
        id=data["id"],
        version=str(data["version"]),
        title=_lang_map(path, "title", data.get("title", data["id"])),
        office=data.get("office", ""),
        source=data.get("source", ""),
        timezone=data["timezone"],
        language=language,
        ocr_languages=data.get("ocr_languages", "ind+eng"),
        roles=tuple(roles),
        rules=tuple(rules),
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        trust_roots=roots,
        trust_root_files=root_files,
        limits=limits,
    )
