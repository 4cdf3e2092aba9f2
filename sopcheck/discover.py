"""Find the packages of a batch, record every file (size, SHA-256), and read the manifests."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .dates import folder_date
from .errors import BatchError
from .manifest import read_manifest
from .model import Dated, FileRecord, Package

PHOTO_EXT = {".jpg", ".jpeg", ".png", ".heic", ".heif", ".tif", ".tiff", ".webp"}
VIDEO_EXT = {".mp4", ".mov", ".3gp", ".avi", ".mkv", ".m4v"}
NARRATIVE_EXT = {".txt", ".md", ".docx", ".pdf"}
APPROVAL_EXT = {".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".heic", ".heif", ".webp"}
MANIFEST_NAMES = {"paket.yaml", "paket.yml"}
REGISTER_STEMS = {"register", "register-dokumentasi", "register_dokumentasi"}
CONTENT_DIRS = {"foto", "photos", "video", "videos"}


def classify(rel: str) -> str:
    """The kind of a package file from its relative path."""
    p = Path(rel)
    name, stem, ext = p.name.lower(), p.stem.lower(), p.suffix.lower()
    top = p.parts[0].lower() if len(p.parts) > 1 else ""
    if name.startswith("."):  # .DS_Store, macOS "._IMG.jpg" resource forks: hashed, never evidence
        return "other"
    if name in MANIFEST_NAMES and not top:
        return "manifest"
    if name == "caption.txt":
        return "caption"
    if stem == "narasi" and ext in NARRATIVE_EXT:
        return "narrative"
    if stem.startswith("persetujuan") and ext in APPROVAL_EXT:
        return "approval"
    if ext in PHOTO_EXT:
        return "photo"
    if ext in VIDEO_EXT:
        return "video"
    return "other"


def _is_package_dir(d: Path) -> bool:
    try:
        entries = list(os.scandir(d))
    except OSError:
        return False
    for e in entries:
        name = e.name.lower()
        if e.is_dir(follow_symlinks=False) and name in CONTENT_DIRS:
            return True
        if e.is_file(follow_symlinks=False) and classify(e.name) != "other":
            return True
    return False


def sha256_file(path: Path) -> tuple[int, str]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return size, h.hexdigest()


Digest = Callable[[Path, os.stat_result], str]
"""``digest(path, stat) -> SHA-256 hex``: e.g. ``Cache.file_sha256`` remembering digests by stat."""


def _record(root: Path, path: Path, digest: Digest | None = None) -> FileRecord:
    rel = path.relative_to(root).as_posix()
    kind = classify(rel)
    try:
        st = path.lstat()
        if stat.S_ISLNK(st.st_mode):
            return FileRecord(
                path=rel, kind=kind, size=None, sha256=None, error="symbolic link: not followed"
            )
        if not stat.S_ISREG(st.st_mode):
            return FileRecord(
                path=rel, kind=kind, size=None, sha256=None, error="not a regular file: skipped"
            )
        if digest is None:
            size, sha = sha256_file(path)
        else:
            size, sha = st.st_size, digest(path, st)
    except OSError as e:
        return FileRecord(
            path=rel, kind=kind, size=None, sha256=None, error=f"cannot read: {e.strerror or e}"
        )
    return FileRecord(path=rel, kind=kind, size=size, sha256=sha)


def package_files(pkg_dir: Path, digest: Digest | None = None) -> tuple[FileRecord, ...]:
    """Every file under the package folder (not following links), sorted by relative path."""
    out: list[FileRecord] = []
    for dirpath, dirnames, filenames in os.walk(pkg_dir, followlinks=False):
        dirnames.sort()
        base = Path(dirpath)
        for name in sorted(filenames) + [d for d in dirnames if (base / d).is_symlink()]:
            out.append(_record(pkg_dir, base / name, digest))
    return tuple(sorted(out, key=lambda f: f.path))


@dataclass(frozen=True, kw_only=True)
class Discovery:
    """The packages of a batch, plus folders that were looked at and are not packages."""

    base: Path
    """The folder package ids are relative to: the batch root, or its parent when the root is itself a package."""
    packages: tuple[Path, ...]
    skipped: tuple[tuple[str, str], ...]
    """(folder relative to the batch root, reason)."""
    register: Path | None


def find_packages(root: Path) -> Discovery:
    """Package folders under ``root`` in sorted order; a package's own sub-folders are not searched."""
    if not root.exists():
        raise BatchError(f"{root}: no such folder")
    if not root.is_dir():
        raise BatchError(f"{root}: not a folder (give the batch folder that holds the packages)")
    if not os.access(root, os.R_OK | os.X_OK):
        raise BatchError(f"{root}: permission denied")
    if _is_package_dir(root):  # pointed at one package: check it as a batch of one
        return Discovery(base=root.parent, packages=(root,), skipped=(), register=None)
    found: list[Path] = []
    skipped: list[tuple[str, str]] = []

    def walk(d: Path, depth: int) -> None:
        try:
            subdirs = sorted(e.path for e in os.scandir(d) if e.is_dir(follow_symlinks=False))
        except OSError as e:
            skipped.append(
                (d.relative_to(root).as_posix() or ".", f"cannot list: {e.strerror or e}")
            )
            return
        for sd in map(Path, subdirs):
            if sd.name.startswith("."):
                continue
            if _is_package_dir(sd):
                found.append(sd)
            elif depth < 3:
                before = len(found)
                walk(sd, depth + 1)
                if len(found) == before:
                    skipped.append(
                        (
                            sd.relative_to(root).as_posix(),
                            "not a package: no photos, caption, narrative, approval sheet or paket.yaml",
                        )
                    )

    walk(root, 0)
    register = next(
        (p for p in sorted(root.iterdir()) if p.is_file() and p.stem.lower() in REGISTER_STEMS
         and p.suffix.lower() in (".csv", ".xlsx")),
        None,
    )  # fmt: skip
    return Discovery(base=root, packages=tuple(found), skipped=tuple(skipped), register=register)


def load_package(
    root: Path, pkg_dir: Path, tz: dt.tzinfo, roles: tuple[str, ...], digest: Digest | None = None
) -> Package:
    """A package's files and what its manifest states; manifest problems are kept, not raised.

    ``digest``: how a file's SHA-256 is obtained (default: read the whole file)."""
    files = package_files(pkg_dir, digest)
    pid = pkg_dir.relative_to(root).as_posix()
    man = None
    for f in files:
        if f.kind == "manifest" and f.error is None:
            try:
                data = (pkg_dir / f.path).read_bytes()
            except OSError:
                continue
            man = read_manifest(data, f.path, tz, roles)
            break
    start = man.start if man else None
    if start is None:
        d = folder_date(pkg_dir.name)
        if d:
            start = Dated(value=d, source="folder-name", tag=pkg_dir.name, inferred=True)
    end = man.end if man and man.end else None
    return Package(
        id=pid,
        path=str(pkg_dir),
        files=files,
        title=man.title if man else None,
        unit=man.unit if man else None,
        location=man.location if man else None,
        activity_start=start,
        activity_end=end,
        handed_in=man.handed_in if man else None,
        caption=man.caption if man else None,
        narrative=man.narrative if man else None,
        responses=tuple(man.responses) if man else (),
        upload=man.upload if man else None,
        manifest_problems=tuple(man.problems) if man else (),
    )
