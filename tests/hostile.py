"""A hostile corpus, made by code: broken, hostile and oversized files, one package per case.

``build(root)`` writes a batch at ``root``: one package per ``CASES`` entry (a good base package
plus the hostile part) and, at the batch root, the tree cases that are not packages (``ROOT``).
Nothing is downloaded and nothing big is kept: the 100 MB photo is a sparse file, the bombs are
small compressed files that would unpack to hundreds of megabytes.

Each case names the finding it must give: the rule, the status, and the text that must appear in
the message or the evidence (``builders.haystack``): the file and the reason. A case that cannot be
built here (a device file without the right to create one, an unreadable file when running as root,
where permissions do not stop reads) raises ``Unavailable`` and its test is skipped with the reason.
"""

from __future__ import annotations

import io
import os
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builders import (
    BASELINE_MANIFEST,
    PhotoSpec,
    default_photos,
    docx_bytes,
    make_package,
    manifest_with,
    pdf_bytes,
    photo_bytes,
    raw_pdf,
)

DAY = "2024-03-12"
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 1 grapheme, 7 code points
PWNED = "sopcheck-hostile-pwned"
"""A file the object-constructing YAML tag would create next to the batch if it were obeyed."""


class Unavailable(Exception):
    """This case cannot be built on this machine (the reason says why)."""


Build = Callable[[Path, Path], None]
"""(batch root, package folder) -> None: the hostile part, written after the base package."""


@dataclass(frozen=True)
class Case:
    name: str
    rule: str
    status: str
    expect: tuple[str, ...]
    build: Build
    base: dict[str, Any] = field(default_factory=dict)
    """Keyword arguments of builders.make_package for the base package."""

    @property
    def package(self) -> str:
        return f"{DAY}-{self.name}"


# ------------------------------------------------------------------------------ file makers


def put(rel: str, data: bytes) -> Build:
    def build(root: Path, pkg: Path) -> None:
        p = pkg / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)

    return build


def jpeg(**kw: Any) -> bytes:
    return photo_bytes(PhotoSpec(**{"name": "foto/x.jpg", "seed": 60, **kw}))


def jpeg_with_size(width: int, height: int) -> bytes:
    """A small JPEG whose frame header (SOF0) claims ``width`` x ``height`` pixels."""
    data = bytearray(jpeg())
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def _tiff_start(data: bytes) -> int:
    return data.index(b"Exif\x00\x00") + 6


def exif_self_loop() -> bytes:
    """A JPEG whose EXIF sub-IFD pointer points back at IFD0: a reader that follows it loops."""
    data = bytearray(jpeg(when="2024:03:12 10:00:00"))
    t = _tiff_start(data)
    endian = "<" if data[t : t + 2] == b"II" else ">"
    (ifd0,) = struct.unpack_from(endian + "I", data, t + 4)
    (n,) = struct.unpack_from(endian + "H", data, t + ifd0)
    for i in range(n):
        e = t + ifd0 + 2 + 12 * i
        (tag,) = struct.unpack_from(endian + "H", data, e)
        if tag == 0x8769:
            struct.pack_into(endian + "I", data, e + 8, ifd0)
            return bytes(data)
    raise AssertionError("no EXIF sub-IFD pointer written")


def exif_wild_offsets() -> bytes:
    """A JPEG whose IFD0 offset and entry offsets point far past the end of the file."""
    data = bytearray(jpeg(when="2024:03:12 10:00:00", software="Kamera"))
    t = _tiff_start(data)
    endian = "<" if data[t : t + 2] == b"II" else ">"
    (ifd0,) = struct.unpack_from(endian + "I", data, t + 4)
    (n,) = struct.unpack_from(endian + "H", data, t + ifd0)
    for i in range(n):  # every entry's value offset to 4 GB
        struct.pack_into(endian + "I", data, t + ifd0 + 2 + 12 * i + 8, 0xFFFFFFF0)
    struct.pack_into(endian + "H", data, t + ifd0, 0xFFFF)  # and 65,535 entries claimed
    return bytes(data)


def png_bomb(width: int, height: int) -> bytes:
    """A 1-bit PNG of ``width`` x ``height`` white pixels: tiny on disk, huge when decoded."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    z = zlib.compressobj(9)
    parts = [z.compress(row * 1000) for _ in range(height // 1000)]
    parts += [z.compress(row * (height % 1000)), z.flush()]
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", b"".join(parts))
        + chunk(b"IEND", b"")
    )


def sparse(rel: str, size: int, head: bytes = b"") -> Build:
    """A file of ``size`` bytes that takes (almost) no disk: ``head`` then a hole."""

    def build(root: Path, pkg: Path) -> None:
        p = pkg / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        with open(p, "wb") as f:
            f.write(head)
            f.truncate(size)

    return build


def _text_stream(text: str) -> bytes:
    content = b"BT /F1 12 Tf 50 750 Td (" + text.encode("latin-1") + b") Tj ET"
    return b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
NARASI = "Nanga Bulik, Selasa (12/3/2024) - Musrenbang Kecamatan Bulik digelar di aula camat."


def pdf_text_pages(
    pages: int, text: str = NARASI, *, mediabox: bool = True, bad_xref: bool = False
) -> bytes:
    """A text PDF of ``pages`` pages sharing one content stream."""
    box = b"/MediaBox [0 0 595 842] " if mediabox else b""
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        _text_stream(text),
        FONT,
    ]
    page = (
        b"<< /Type /Page /Parent 2 0 R "
        + box
        + b"/Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >>"
    )
    objs += [page] * pages
    return raw_pdf(objs, bad_xref=bad_xref)


def pdf_with_image(width: int, height: int) -> bytes:
    """A one-page A4 PDF holding one 1-bit image of ``width`` x ``height`` over the whole page
    (19,843 x 28,063 is A4 at 2400 dpi: 70 MB of pixels in a few hundred kB of deflate)."""
    row = b"\xff" * ((width + 7) // 8)
    z = zlib.compressobj(9)
    data = b"".join([z.compress(row * 1000) for _ in range(height // 1000)])
    data += z.compress(row * (height % 1000)) + z.flush()
    content = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /Im0 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 1 /Filter /FlateDecode /Length %d >>\nstream\n"
        % (width, height, len(data))
        + data
        + b"\nendstream",
    ]
    return raw_pdf(objs)


def docx_bomb(unpacked: int) -> bytes:
    """A .docx (zip) whose document.xml inflates to ``unpacked`` bytes of blanks."""
    good = zipfile.ZipFile(io.BytesIO(docx_bytes("Narasi")))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in good.infolist():
            if info.filename != "word/document.xml":
                z.writestr(info.filename, good.read(info))
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            block = b" " * 2**20
            for _ in range(unpacked // len(block)):
                f.write(block)
    return buf.getvalue()


def manifest_text(text: str) -> dict[str, Any]:
    return {"manifest": text}


def _laughs(levels: int = 10, width: int = 10) -> str:
    lines = ['l0: &l0 "lol"']
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "x:\n" + "".join(f"  {line}\n" for line in lines)


# ------------------------------------------------------------------------------ tree makers


def link(rel: str, target: Callable[[Path, Path], str]) -> Build:
    def build(root: Path, pkg: Path) -> None:
        p = pkg / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.symlink_to(target(root, pkg))

    return build


def outside_file(root: Path, pkg: Path) -> str:
    """A real photo outside the batch (its bytes must never be read nor hashed)."""
    secret = root.parent / "di-luar-batch" / "rahasia.jpg"
    secret.parent.mkdir(exist_ok=True)
    secret.write_bytes(jpeg(seed=77))
    return str(secret)


def loop(root: Path, pkg: Path) -> None:
    (pkg / "foto" / "putaran-a.jpg").symlink_to("putaran-b.jpg")
    (pkg / "foto" / "putaran-b.jpg").symlink_to("putaran-a.jpg")
    (pkg / "foto" / "naik").symlink_to("..")  # a folder link back up: never walked


def fifo(root: Path, pkg: Path) -> None:
    os.mkfifo(pkg / "caption.txt")  # an open() of it would block forever


def device(root: Path, pkg: Path) -> None:
    try:  # a copy of /dev/zero: endless bytes if read
        os.mknod(pkg / "foto" / "nol.jpg", 0o644 | stat.S_IFCHR, os.makedev(1, 5))
    except (PermissionError, OSError) as e:
        raise Unavailable(f"cannot create a device file here: {e}") from e


def unreadable(root: Path, pkg: Path) -> None:
    p = pkg / "foto" / "terkunci.jpg"
    p.write_bytes(jpeg(seed=61))
    p.chmod(0)
    if os.access(p, os.R_OK):
        p.chmod(0o644)
        raise Unavailable(
            "running as root: chmod 000 does not stop reads (see the subprocess test)"
        )


def not_utf8_name(root: Path, pkg: Path) -> None:
    name = os.fsencode(pkg / "foto") + b"/caf\xe9-\xff.jpg"
    with open(name, "wb") as f:
        f.write(jpeg(seed=62))


def many_files(n: int) -> Build:
    def build(root: Path, pkg: Path) -> None:
        d = pkg / "lampiran"
        d.mkdir()
        for i in range(n):
            (d / f"berkas-{i:05d}.txt").write_bytes(b"x")

    return build


def nested(root: Path, pkg: Path) -> None:
    make_package(pkg, "2024-03-13-paket-lain", photos=4, approval=False)


def empty_foto(root: Path, pkg: Path) -> None:
    for p in sorted(pkg.rglob("*"), reverse=True):
        p.rmdir() if p.is_dir() else p.unlink()
    (pkg / "foto").mkdir()


def both(*builds: Build) -> Build:
    def build(root: Path, pkg: Path) -> None:
        for b in builds:
            b(root, pkg)

    return build


# ------------------------------------------------------------------------------ the cases

NO_NARRATIVE = {"narrative": None}
NO_CAPTION = {"caption": None}
NO_MANIFEST = {"manifest": None}
MB = 2**20

# fmt: off
CASES = [
    # photos
    Case("foto-nol-byte", "INT-01", "error", ("file=foto/kosong.jpg", "empty file (0 bytes)"),
         put("foto/kosong.jpg", b"")),
    Case("foto-terpotong", "INT-01", "error", ("file=foto/potong.jpg", "truncated"),
         put("foto/potong.jpg", jpeg()[:1500])),
    Case("foto-pdf", "INT-01", "error", ("file=foto/dokumen.jpg", "a PDF document named .jpg"),
         put("foto/dokumen.jpg", pdf_bytes("bukan foto"))),
    Case("foto-bom", "INT-01", "error",
         ("file=foto/bom.png", "decompression-bomb guard", "400000000 pixels"),
         put("foto/bom.png", png_bomb(20_000, 20_000))),
    Case("foto-bom-di-bawah-batas-pillow", "INT-01", "error",
         ("file=foto/bom.png", "12,000 x 12,000 pixels, over the pixel limit of 89,478,485 (pixels)"),
         put("foto/bom.png", png_bomb(12_000, 12_000))),
    Case("foto-60000", "INT-01", "error", ("file=foto/raksasa.jpg", "decompression-bomb guard"),
         put("foto/raksasa.jpg", jpeg_with_size(60_000, 60_000))),
    Case("foto-exif-berputar", "KLP-01", "pass", ("file=foto/putar.jpg", "tag=dhash"),
         put("foto/putar.jpg", exif_self_loop())),
    Case("foto-exif-liar", "WKT-01", "warn", ("foto/liar.jpg",),
         put("foto/liar.jpg", exif_wild_offsets())),
    Case("foto-tanggal-bukan-tanggal", "WKT-01", "warn",
         ("foto/x.jpg", "'kemarin sore' is not an EXIF date"),
         put("foto/x.jpg", jpeg(when="kemarin sore"))),
    Case("foto-100mb", "INT-01", "error",
         ("file=foto/besar.jpg", "104,857,600 bytes, over the file size limit of 67,108,864 (file_bytes)"),
         sparse("foto/besar.jpg", 100 * MB, jpeg())),
    # PDFs
    Case("pdf-berkata-sandi", "KLP-02", "error", ("file=narasi.pdf", "encrypted with a password"),
         put("narasi.pdf", pdf_bytes(NARASI, encrypt="rahasia")), NO_NARRATIVE),
    Case("pdf-sandi-kosong", "KLP-02", "pass", ("file=narasi.pdf", "words"),
         put("narasi.pdf", pdf_bytes(NARASI, encrypt="")), NO_NARRATIVE),
    Case("pdf-xref-rusak", "KLP-02", "pass", ("file=narasi.pdf", "value=13"),
         put("narasi.pdf", pdf_text_pages(1, bad_xref=True)), NO_NARRATIVE),
    Case("pdf-tanpa-mediabox", "KLP-02", "error", ("file=narasi.pdf", "no MediaBox"),
         put("narasi.pdf", pdf_text_pages(1, mediabox=False)), NO_NARRATIVE),
    Case("pdf-tanpa-mediabox-lembar", "PST-01", "error",
         ("file=persetujuan.pdf", "page 1 has no MediaBox"),
         put("persetujuan.pdf", pdf_text_pages(1, "Lembar Persetujuan", mediabox=False))),
    Case("pdf-5000-halaman", "KLP-02", "error",
         ("file=narasi.pdf", "PDF of 5,000 pages, over the page limit of 50 (pages)"),
         put("narasi.pdf", pdf_text_pages(5000)), NO_NARRATIVE),
    Case("pdf-5000-halaman-lembar", "INT-01", "error",
         ("file=persetujuan.pdf", "PDF of 5,000 pages, over the page limit of 50 (pages)"),
         put("persetujuan.pdf", pdf_text_pages(5000, "Lembar Persetujuan"))),
    Case("pdf-2400-dpi", "PST-02", "review",
         ("persetujuan.pdf", "19,843 x 28,063 pixels, over the pixel limit"),
         put("persetujuan.pdf", pdf_with_image(19_843, 28_063))),
    # text
    Case("caption-utf16-tanpa-bom", "KLP-03", "pass",
         ("file=caption.txt", "encoding utf-16-le", "UTF-16 without a byte-order mark", "value=18"),
         put("caption.txt", "Musrenbang Bulik ✓".encode("utf-16-le")), NO_CAPTION),
    Case("caption-cp1252", "KLP-03", "pass", ("file=caption.txt", "encoding cp1252", "value=25"),
         put("caption.txt", "Rapat “Koordinasi” – Café".encode("cp1252")), NO_CAPTION),
    Case("caption-nul", "KLP-03", "pass",
         ("file=caption.txt", "3 NUL characters removed", "value=16"),
         put("caption.txt", b"Musrenbang\x00 \x00Bulik\x00"), NO_CAPTION),
    Case("caption-10mb", "KLP-03", "error",
         ("file=caption.txt", "10,485,760 bytes, over the text size limit of 1,000,000 (text_bytes)"),
         put("caption.txt", b"a" * (10 * MB)), NO_CAPTION),
    Case("caption-rtl", "KLP-03", "pass",
         ("file=caption.txt", "U+200F, U+202E", "bidirectional control"),
         put("caption.txt", "Musrenbang \u200fBulik \u202egnabmaL".encode()), NO_CAPTION),
    Case("caption-emoji-zwj", "KLP-03", "pass",
         ("file=caption.txt", "value=200", "1400 code points"),
         put("caption.txt", (FAMILY * 200).encode()), NO_CAPTION),
    Case("narasi-docx-bom-zip", "KLP-02", "error",
         ("file=narasi.docx", "unpacks to", "over the file size limit of 67,108,864 (file_bytes)", "zip bomb"),
         put("narasi.docx", docx_bomb(70 * MB)), NO_NARRATIVE),
    Case("narasi-docx-bukan-zip", "KLP-02", "error", ("file=narasi.docx", "not a zip archive"),
         put("narasi.docx", b"Nanga Bulik, bukan dokumen Word"), NO_NARRATIVE),
    # manifests
    Case("yaml-rusak", "INT-01", "error", ("file=paket.yaml", "not valid YAML (line"),
         lambda r, p: None, manifest_text("kegiatan:\n  judul: [Musrenbang\n  tanggal: 2024-03-12\n")),
    Case("yaml-bom-alias", "INT-01", "error",
         ("file=paket.yaml", "more than 20 YAML aliases", "(manifest_aliases)"),
         lambda r, p: None, manifest_text(_laughs() + "caption: *l9\n")),
    Case("yaml-tag-objek", "INT-01", "error", ("file=paket.yaml", "not valid YAML", "python/object"),
         lambda r, p: None,
         manifest_text(f"caption: !!python/object/apply:os.system ['touch /tmp/{PWNED}']\n")),
    Case("yaml-tipe-salah", "INT-01", "error",
         ("tag=kegiatan", "expected a mapping, got list", "tag=caption", "expected text, got dict"),
         lambda r, p: None, manifest_text("kegiatan: [2024-03-12]\ncaption: {teks: halo}\n")),
    Case("yaml-30-februari", "INT-01", "error", ("file=paket.yaml", "tag=kegiatan.tanggal"),
         lambda r, p: None, {"manifest": manifest_with({"kegiatan.tanggal": "2024-02-30"})}),
    Case("yaml-bersarang-dalam", "INT-01", "error", ("file=paket.yaml", "nested too deeply"),
         lambda r, p: None, manifest_text("caption: " + "[" * 100_000 + "]" * 100_000 + "\n")),
    Case("yaml-2mb", "INT-01", "error",
         ("file=paket.yaml", "over the limit of 1,000,000 (manifest_bytes)"),
         lambda r, p: None, manifest_text("caption: " + "a" * (2 * MB) + "\n")),
    # the tree
    Case("tautan-ke-luar", "INT-01", "error",
         ("file=foto/luar.jpg", "symbolic link to", "(outside the package): not followed"),
         link("foto/luar.jpg", outside_file)),
    Case("tautan-berputar", "INT-01", "error",
         ("file=foto/putaran-a.jpg", "symbolic link to 'putaran-b.jpg': not followed",
          "file=foto/naik", "symbolic link to '..'"), loop),
    Case("fifo", "INT-01", "error", ("file=caption.txt", "a FIFO (named pipe): skipped, never opened"),
         fifo, NO_CAPTION),
    Case("perangkat", "INT-01", "error", ("file=foto/nol.jpg", "a character device: skipped"), device),
    Case("tak-terbaca", "INT-01", "error", ("file=foto/terkunci.jpg", "cannot read: Permission denied"),
         unreadable),
    Case("nama-bukan-utf8", "INT-01", "error",
         (r"file=foto/caf\xe9-\xff.jpg", "file name is not valid UTF-8"), not_utf8_name),
    Case("10000-berkas", "INT-01", "error",
         ("file=lampiran/berkas-00993.txt", "nor the 9,006 files after it",
          "the package holds 10,007 files, over the limit of 1,000 (files_per_package)"),
         many_files(10_000)),
    Case("paket-kosong", "KLP-01", "fail", ("Hanya 0 foto",), empty_foto),
    Case("paket-dalam-paket", "INT-01", "error",
         ("file=2024-03-13-paket-lain/", "a package nested in this package (its own caption.txt)"),
         nested),
]
# fmt: on

ROOT_EXPECT = {
    "2024-03-12-folder-kosong": "not a package",
    "tautan-folder": "symbolic link to",
    "2024-03-12-caf\\xe9": "folder name is not valid UTF-8",
}
"""Batch-root entries that are not packages: folder -> what ``skipped`` must say about it."""


def build_root(root: Path) -> None:
    (root / "2024-03-12-folder-kosong").mkdir()
    elsewhere = root.parent / "paket-di-luar"
    make_package(elsewhere, "2024-03-12-luar", photos=4, approval=False)
    (root / "tautan-folder").symlink_to(elsewhere / "2024-03-12-luar")
    bad = os.fsencode(root) + b"/2024-03-12-caf\xe9"
    os.mkdir(bad)
    with open(bad + b"/caption.txt", "wb") as f:
        f.write(b"Musrenbang")


def build(root: Path) -> dict[str, Case | Unavailable]:
    """Write the whole corpus under ``root``; returns each package id's case (or why it is missing)."""
    root.mkdir(parents=True, exist_ok=True)
    out: dict[str, Case | Unavailable] = {}
    for c in CASES:
        kw = {"photos": 4, "approval": False, "manifest": BASELINE_MANIFEST, **c.base}
        pkg = make_package(root, c.package, **kw)
        try:
            c.build(root, pkg)
            out[c.package] = c
        except Unavailable as e:
            out[c.package] = e
    build_root(root)
    return out


__all__ = ["CASES", "ROOT_EXPECT", "Case", "Unavailable", "build", "default_photos"]
