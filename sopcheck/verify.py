"""Tamper evidence: the inventory of a batch at audit time, and ``sopcheck verify`` against it.

The JSON report's ``inputs`` lists every file sopcheck looked at, each with its SHA-256: every file
of every package (hidden ones too, as INT-01 hashes them) and every file of the batch outside the
packages (the register, loose files, files in folders that are not packages), except names that
start with a dot outside the packages, which discovery never reads either. ``verify`` walks the
batch again with the same rules and lists what was changed, is missing, was added or renamed, and
whether the rule pack file changed. It only reads: nothing is created or changed in the batch.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from .discover import Discovery, _record, find_packages, package_files, shown
from .errors import ExitCode, SopcheckError
from .i18n import label
from .model import FileRecord, PackageResult


class ReportError(SopcheckError):
    """The file given as the report is not a sopcheck JSON report (or cannot be read)."""

    exit_code = ExitCode.INPUT


@dataclass(frozen=True, kw_only=True)
class Change:
    """One difference between the audited inventory and the batch as it is now."""

    kind: str
    """'changed', 'missing', 'added', 'renamed' or 'rulepack'."""
    file: str
    """Path relative to the batch root ('/'-separated); the new name for 'renamed'."""
    before: dict[str, Any] | None = None
    """The inventory entry recorded at audit time (None for 'added')."""
    after: dict[str, Any] | None = None
    """The entry as found now (None for 'missing')."""
    old_file: str | None = None
    """The audited name of a renamed file."""


@dataclass(frozen=True, kw_only=True)
class Verification:
    """The outcome of ``verify``: what differs, and what was compared."""

    report: str
    """Path of the report that was verified."""
    report_sha256: str
    """SHA-256 of the report file itself (compare it with a copy kept elsewhere)."""
    batch: str
    """The batch folder that was walked."""
    files: int
    """Number of files recorded in the report."""
    changes: tuple[Change, ...]
    """Every difference, sorted by kind then file."""
    rulepack_checked: bool
    """True when the rule pack file was found and re-hashed."""
    lang: str
    """Language of the messages: the --lang given, else the report's."""

    @property
    def identical(self) -> bool:
        return not self.changes


# --------------------------------------------------------------------------------------- inventory


def _entry(rec: FileRecord, file: str, package: str | None, abspath: Path) -> dict[str, Any]:
    d: dict[str, Any] = {"package": package, "path": rec.path, "file": file, "kind": rec.kind,
                         "size": rec.size, "sha256": rec.sha256}  # fmt: skip
    if rec.error:
        d["error"] = rec.error
        try:
            if stat.S_ISLNK(abspath.lstat().st_mode):
                d["link"] = shown(os.readlink(abspath))
        except OSError:
            pass
    return d


def _outside_packages(root: Path, pkg_dirs: set[Path]) -> Iterable[Path]:
    """Files and symlinks under ``root`` outside the package folders; dot-names skipped."""
    if root in pkg_dirs:  # the batch is one package
        return
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and base / d not in pkg_dirs
        )
        links = [d for d in dirnames if (base / d).is_symlink()]
        for name in sorted(filenames) + links:
            if not name.startswith("."):
                yield base / name


def hashed_files(res: PackageResult | None) -> tuple[str, tuple[FileRecord, ...] | None] | None:
    """(package id, the file records hashed while checking, or None when its worker crashed)."""
    if res is None:
        return None
    return res.id, (res.evidence.package.files if res.evidence else None)


def inventory(
    root: Path,
    found: Discovery,
    known: Sequence[tuple[str, tuple[FileRecord, ...] | None] | None] = (),
) -> tuple[dict[str, Any], ...]:
    """Every file of the batch at ``root`` with its SHA-256, sorted by path from the root.

    ``known`` (same order as ``found.packages``, from ``hashed_files``) lends the file records
    already hashed while checking; a package without them (a crashed worker) is hashed here.
    """
    root = Path(root)
    out: list[dict[str, Any]] = []
    for i, pkg_dir in enumerate(found.packages):
        got = known[i] if i < len(known) else None
        pid = got[0] if got else shown(pkg_dir.relative_to(found.base).as_posix())
        records = got[1] if got and got[1] is not None else package_files(pkg_dir)
        prefix = PurePosixPath(shown(pkg_dir.relative_to(root).as_posix()))
        for rec in records:
            out.append(_entry(rec, str(prefix / rec.path), pid, pkg_dir / rec.path))
    for path in _outside_packages(root, set(found.packages)):
        rec = _record(root, path)
        kind = "register" if found.register is not None and path == found.register else rec.kind
        out.append(_entry(FileRecord(path=rec.path, kind=kind, size=rec.size, sha256=rec.sha256,
                                     error=rec.error), rec.path, None, path))  # fmt: skip
    return tuple(sorted(out, key=lambda d: d["file"]))


# ------------------------------------------------------------------------------------------ verify


def load_report(path: Path, lang: str) -> dict[str, Any]:
    """The report as data, or ReportError naming the file and what is wrong with it."""

    def bad(reason_id: str, **kw: Any) -> ReportError:
        return ReportError(
            label("verify.not_report", lang, file=path, reason=label(reason_id, lang, **kw))
        )

    try:
        raw = path.read_bytes()
    except OSError as e:
        raise bad("verify.unreadable", reason=e.strerror or e) from None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as e:
        raise bad("verify.not_json", reason=str(e)[:120]) from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("tool"), dict)
        or (data["tool"].get("name") != "sopcheck")
    ):
        raise bad("verify.not_sopcheck")
    if data.get("schema_version") != "1":
        raise bad("verify.schema", version=data.get("schema_version"))
    inputs = data.get("inputs")
    if not isinstance(inputs, list) or not all(
        isinstance(i, dict) and isinstance(i.get("path"), str) for i in inputs
    ):
        raise bad("verify.no_inputs")
    return data


def _file_of(entry: dict[str, Any]) -> str:
    """Path from the batch root; reports without 'file' name package + path."""
    if isinstance(entry.get("file"), str):
        return entry["file"]
    pkg = entry.get("package")
    return f"{pkg}/{entry['path']}" if pkg else entry["path"]


def _state(entry: dict[str, Any]) -> tuple[Any, ...]:
    if entry.get("sha256"):
        return ("content", entry["sha256"])
    return ("unread", entry.get("link"), entry.get("error"))


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def compare(
    before: Iterable[dict[str, Any]], after: Iterable[dict[str, Any]]
) -> tuple[Change, ...]:
    """Changed, missing, added and renamed files between two inventories (by path from the root)."""
    old = {_file_of(e): e for e in before}
    new = {_file_of(e): e for e in after}
    changes = [
        Change(kind="changed", file=f, before=old[f], after=new[f])
        for f in sorted(old.keys() & new.keys())
        if _state(old[f]) != _state(new[f])
    ]
    missing = sorted(old.keys() - new.keys())
    added = sorted(new.keys() - old.keys())
    by_hash: dict[str, list[str]] = {}
    for f in added:
        if new[f].get("sha256"):
            by_hash.setdefault(new[f]["sha256"], []).append(f)
    for f in missing:
        twins = by_hash.get(old[f].get("sha256") or "")
        if twins:
            g = twins.pop(0)
            added.remove(g)
            changes.append(Change(kind="renamed", file=g, before=old[f], after=new[g], old_file=f))
        else:
            changes.append(Change(kind="missing", file=f, before=old[f]))
    changes += [Change(kind="added", file=f, after=new[f]) for f in added]
    order = {"changed": 0, "missing": 1, "renamed": 2, "added": 3, "rulepack": 4}
    return tuple(sorted(changes, key=lambda c: (order[c.kind], c.file)))


def verify(
    report: Path | str,
    batch: Path | str,
    *,
    lang: str | None = None,
    rules: Path | str | None = None,
) -> Verification:
    """Re-hash ``batch`` and compare it with the inventory in the JSON ``report``. Reads only.

    ``rules``: the rule pack file to compare (default: the path recorded in the report, when it
    still exists). Raises ReportError for a file that is not a sopcheck report and BatchError for
    a batch folder that does not exist.
    """
    report = Path(report)
    data = load_report(report, lang or "id")
    lang = lang or (data.get("run") or {}).get("lang") or "id"
    root = Path(batch).resolve()
    current = inventory(root, find_packages(root))
    changes = list(compare(data["inputs"], current))
    pack = data.get("rulepack") if isinstance(data.get("rulepack"), dict) else {}
    pack_path = Path(rules) if rules else (Path(pack["path"]) if pack.get("path") else None)
    checked = False
    if pack_path is not None and pack_path.is_file() and pack.get("sha256"):
        checked = True
        now = sha256_of(pack_path)
        if now != pack["sha256"]:
            changes.append(Change(kind="rulepack", file=str(pack_path),
                                  before={"sha256": pack["sha256"]}, after={"sha256": now}))  # fmt: skip
    return Verification(report=str(report), report_sha256=sha256_of(report), batch=str(root),
                        files=len(data["inputs"]), changes=tuple(changes), rulepack_checked=checked,
                        lang=lang)  # fmt: skip


def _short(entry: dict[str, Any] | None) -> str:
    if not entry:
        return "-"
    if entry.get("sha256"):
        return f"{entry['sha256'][:12]} ({entry.get('size')} B)"
    return entry.get("link") and f"-> {entry['link']}" or entry.get("error") or "-"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _printable(line: str) -> str:
    """No terminal escape from a file name; a name that is not UTF-8 shown as \\xNN escapes."""
    line = line.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", line)


def render(v: Verification) -> list[str]:
    """The verification as lines of text in ``v.lang``; file names made printable."""
    lang = v.lang
    lines = [
        label("verify.head", lang, report=v.report, sha=v.report_sha256, batch=v.batch, n=v.files)
    ]
    for c in v.changes:
        lines.append("  " + label(f"verify.{c.kind}", lang, file=c.file, old=c.old_file,
                                  before=_short(c.before), after=_short(c.after)))  # fmt: skip
    if not v.rulepack_checked:
        lines.append("  " + label("verify.pack_unchecked", lang))
    if v.identical:
        lines.append(label("verify.identical", lang, n=v.files))
    else:
        lines.append(label("verify.differs", lang, k=len(v.changes)))
    return lines


def verify_command(args) -> int:
    """``sopcheck verify REPORT BATCH``: 0 when identical, 1 (ExitCode.FINDINGS) when anything differs."""
    v = verify(args.report, args.batch, lang=args.lang, rules=args.rules)
    print("\n".join(_printable(line) for line in render(v)))
    return int(ExitCode.OK if v.identical else ExitCode.FINDINGS)
