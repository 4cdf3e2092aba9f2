"""Write the seed corpus of each harness (generated here, never downloaded): ``seeds.py DIR``.

DIR/fuzz_exif: JPEG, PNG, WebP and TIFF photos with EXIF dates, offsets, GPS, Software and an
EXIF thumbnail; DIR/fuzz_manifest: manifests like SPEC.md's, broken ones and an alias bomb.
Existing files are kept, so a corpus grown by earlier runs stays.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image

MANIFESTS = {
    "spec.yaml": """kegiatan:
  judul: Musrenbang Kecamatan Bulik
  tanggal: 2024-03-12
  tanggal_selesai: 2024-03-12
  lokasi: Nanga Bulik
  unit: Dinas Komunikasi dan Informatika
diserahkan: 2024-03-12T16:00
caption: "Musrenbang 2024 #Lamandau"
tanggapan:
  tim_pertimbangan:      {tanggal: 2024-03-13, keputusan: setuju, catatan: "ok"}
  atasan_ppid_pelaksana: {tanggal: 2024-03-13, keputusan: tolak}
unggah: {tanggal: "2024-03-13T09:00+07:00", platform: instagram, url: "https://x/p/1"}
""",
    "bad-date.yaml": "kegiatan: {tanggal: 2024-02-30}\ndiserahkan: kemarin\n",
    "object-tag.yaml": "caption: !!python/object/apply:os.system ['true']\n",
    "aliases.yaml": "a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\ncaption: *c\n",
    "invalid.yaml": "kegiatan: [\n",
}


def _photo(fmt: str, *, thumb: bool) -> bytes:
    img = Image.new("RGB", (64, 48), (120, 40, 200))
    exif = Image.Exif()
    exif[0x0131] = "Adobe Photoshop 25.0"
    exif[0x0132] = "2024:03:12 11:00:00"
    ifd = exif.get_ifd(0x8769)
    ifd[0x9003] = "2024:03:12 10:15:00"
    ifd[0x9011] = "+07:00"
    ifd[0x9291] = "123"
    gps = exif.get_ifd(0x8825)
    gps[0x001D] = "2024:03:12"
    gps[0x0007] = (3.0, 15.0, 0.0)
    raw = exif.tobytes()
    if thumb:  # an IFD1 with a JPEG thumbnail, as cameras write it
        import struct

        small = io.BytesIO()
        Image.new("RGB", (16, 12), (10, 200, 10)).save(small, "JPEG")
        e = "<" if raw[6:8] == b"II" else ">"
        tiff = bytearray(raw[6:])
        ifd0 = struct.unpack_from(e + "I", tiff, 4)[0]
        nxt = ifd0 + 2 + 12 * struct.unpack_from(e + "H", tiff, ifd0)[0]
        tiff += b"\0" * (len(tiff) % 2)
        struct.pack_into(e + "I", tiff, nxt, len(tiff))
        at = len(tiff) + 2 + 24 + 4
        tiff += struct.pack(e + "H", 2) + struct.pack(e + "HHII", 0x0201, 4, 1, at)
        tiff += struct.pack(e + "HHII", 0x0202, 4, 1, len(small.getvalue())) + b"\0\0\0\0"
        tiff += small.getvalue()
        raw = raw[:6] + bytes(tiff)
    buf = io.BytesIO()
    img.save(buf, fmt, exif=raw)
    return buf.getvalue()


def main(out: Path) -> None:
    exif_dir, man_dir = out / "fuzz_exif", out / "fuzz_manifest"
    exif_dir.mkdir(parents=True, exist_ok=True)
    man_dir.mkdir(parents=True, exist_ok=True)
    for name, fmt, thumb in (("a.jpg", "JPEG", True), ("b.jpg", "JPEG", False),
                             ("c.png", "PNG", False), ("d.webp", "WEBP", False),
                             ("e.tif", "TIFF", False)):  # fmt: skip
        (exif_dir / name).write_bytes(_photo(fmt, thumb=thumb))
    for name, text in MANIFESTS.items():
        (man_dir / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
