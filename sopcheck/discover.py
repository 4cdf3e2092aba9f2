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
from .limits import Limits, admit, current
from .manifest import oversized, read_manifest
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
    """(size, SHA-256) of a regular file, streamed. Opened without following a link and without
    blocking, and checked again once open: a file swapped for a FIFO or a device is refused."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    with open(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise OSError(f"{path}: not a regular file")
        h = hashlib.sha256()
        size = 0
        while chunk := f.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return size, h.hexdigest()


def shown(name: str) -> str:
    """A path as text that any report can hold: bytes that are not UTF-8 become ``\\xNN``."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _kind_of(st_mode: int) -> str:
    for test, what in ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISDIR, "a folder")):  # fmt: skip
        if test(st_mode):
            return what
    return "not a regular file"


def _link_note(path: Path, top: Path) -> str:
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    real = os.path.realpath(path)
    where = (
        "" if real == str(top) or real.startswith(str(top) + os.sep) else " (outside the package)"
    )
    return f"symbolic link to {shown(target)[:200]!r}{where}: not followed"


Digest = Callable[[Path, os.stat_result], str]
"""``digest(path, stat) -> SHA-256 hex``: e.g. ``Cache.file_sha256`` remembering digests by stat."""


def _record(
    root: Path, path: Path, limits: Limits | None = None, digest: Digest | None = None
) -> FileRecord:
    limits = limits or current()
    raw_rel = path.relative_to(root).as_posix()
    rel = shown(raw_rel)
    kind = classify(rel)
    try:
        st = path.lstat()
        if stat.S_ISLNK(st.st_mode):
            return FileRecord(
                path=rel, kind=kind, size=None, sha256=None, error=_link_note(path, root)
            )
        if not stat.S_ISREG(st.st_mode):
            return FileRecord(path=rel, kind=kind, size=None, sha256=None,
                              error=f"{_kind_of(st.st_mode)}: skipped, never opened")  # fmt: skip
        if digest is None:
            size, sha = sha256_file(path)
        else:
            size, sha = st.st_size, digest(path, st)
    except OSError as e:
        return FileRecord(
            path=rel, kind=kind, size=None, sha256=None, error=f"cannot read: {e.strerror or e}"
        )
    if rel != raw_rel:
        return FileRecord(path=rel, kind=kind, size=size, sha256=sha,
                          error="file name is not valid UTF-8 (shown with \\x escapes): hashed, not read")  # fmt: skip
    return FileRecord(
        path=rel, kind=kind, size=size, sha256=sha, error=admit(path, kind, size, limits)
    )


NESTED_MARKERS = MANIFEST_NAMES | {"caption.txt"}
"""A sub-folder holding one of these (or a foto/ or video/ folder) is a package of its own."""


def _nested(d: Path) -> str | None:
    try:
        for e in sorted(os.scandir(d), key=lambda e: e.name):
            name = e.name.lower()
            if e.is_file(follow_symlinks=False) and name in NESTED_MARKERS:
                return f"its own {e.name}"
            if e.is_dir(follow_symlinks=False) and name in CONTENT_DIRS:
                return f"its own {e.name}/ folder"
    except OSError:
        return None
    return None


def package_files(
    pkg_dir: Path, limits: Limits | None = None, digest: Digest | None = None
) -> tuple[FileRecord, ...]:
    """Every file under the package folder (not following links), sorted by relative path.

    Reported as records with an error, never read: links, FIFOs and devices, names that are not
    UTF-8, folders that cannot be listed, a package nested in this one, and the files past the
    ``files_per_package`` limit (one record names the first of them and how many there are).
    """
    limits = limits or current()
    found: list[Path] = []
    out: list[FileRecord] = []

    def unlisted(err: OSError) -> None:
        p = Path(err.filename or pkg_dir)
        rel = shown(p.relative_to(pkg_dir).as_posix()) if p != pkg_dir else "."
        out.append(FileRecord(path=rel + "/", kind="other", size=None, sha256=None,
                              error=f"folder cannot be listed: {err.strerror or err}"))  # fmt: skip

    for dirpath, dirnames, filenames in os.walk(pkg_dir, followlinks=False, onerror=unlisted):
        base = Path(dirpath)
        keep = []
        for d in sorted(dirnames):
            sub = base / d
            if sub.is_symlink():
                found.append(sub)
            elif d.lower() not in CONTENT_DIRS and (why := _nested(sub)):
                rel = shown(sub.relative_to(pkg_dir).as_posix()) + "/"
                out.append(FileRecord(path=rel, kind="other", size=None, sha256=None,
                                      error=f"a package nested in this package ({why}): not read; "
                                      "put it beside the other packages"))  # fmt: skip
            else:
                keep.append(d)
        dirnames[:] = keep
        found.extend(base / name for name in filenames)
    # the package's own files (its root, then foto/...) are admitted first, in a stable order
    found.sort(key=lambda p: (len(p.relative_to(pkg_dir).parts), p.relative_to(pkg_dir).as_posix()))
    over = len(found) - limits.files_per_package
    if over > 0:
        first = shown(found[limits.files_per_package].relative_to(pkg_dir).as_posix())
        found = found[: limits.files_per_package]
        out.append(FileRecord(
            path=first, kind="other", size=None, sha256=None,
            error=f"not read, nor the {over - 1:,} files after it: the package holds "
            f"{len(found) + over:,} files, over the limit of {limits.files_per_package:,} (files_per_package)",
        ))  # fmt: skip
    out.extend(_record(pkg_dir, p, limits, digest) for p in found)
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
        raise BatchError("err.no_folder", path=root)
    if not root.is_dir():
        raise BatchError("err.not_folder", path=root)
    if not os.access(root, os.R_OK | os.X_OK):
        raise BatchError("err.permission", path=root)
    if _is_package_dir(root):  # pointed at one package: check it as a batch of one
        return Discovery(base=root.parent, packages=(root,), skipped=(), register=None)
    found: list[Path] = []
    skipped: list[tuple[str, str]] = []

    def walk(d: Path, depth: int) -> None:
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError as e:
            skipped.append(
                (shown(d.relative_to(root).as_posix()) or ".", f"cannot list: {e.strerror or e}")
            )
            return
        for e in entries:
            rel = shown(Path(e.path).relative_to(root).as_posix())
            if e.name.startswith("."):
                continue
            if e.is_symlink():
                if os.path.isdir(e.path) or not os.path.exists(e.path):
                    skipped.append((rel, _link_note(Path(e.path), root)))
                continue
            if not e.is_dir(follow_symlinks=False):
                continue
            sd = Path(e.path)
            if shown(e.name) != e.name:
                skipped.append(
                    (rel, "folder name is not valid UTF-8 (shown with \\x escapes): not read")
                )
                continue
            if _is_package_dir(sd):
                found.append(sd)
            elif depth < 3:
                before = len(found)
                walk(sd, depth + 1)
                if len(found) == before:
                    skipped.append(
                        (
                            rel,
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
    root: Path,
    pkg_dir: Path,
    tz: dt.tzinfo,
    roles: tuple[str, ...],
    limits: Limits | None = None,
    digest: Digest | None = None,
) -> Package:
    """A package's files and what its manifest states; manifest problems are kept, not raised.

    ``digest``: how a file's SHA-256 is obtained (default: read the whole file)."""
    limits = limits or current()
    files = package_files(pkg_dir, limits, digest)
    pid = shown(pkg_dir.relative_to(root).as_posix())
    man = None
    for f in files:
        if f.kind == "manifest" and f.error is None:
            if (f.size or 0) > limits.manifest_bytes:  # never read into memory
                man = oversized(f.path, f.size, limits.manifest_bytes)
                break
            try:
                data = (pkg_dir / f.path).read_bytes()
            except OSError:
                continue
            man = read_manifest(data, f.path, tz, roles, limits=limits)
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
