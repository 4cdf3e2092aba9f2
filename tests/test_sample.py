"""The sample batch generator: deterministic, complete, and each package shows what it claims."""

from __future__ import annotations

import hashlib
import itertools
import unicodedata
from pathlib import Path

import exifread
import pytest
import regex
import yaml
from PIL import Image

from sopcheck.sample import EXPECTED, generate

RULE_IDS = {
    "KLP-01", "KLP-02", "KLP-03",
    "WKT-01", "WKT-02", "WKT-03", "WKT-04", "WKT-05", "WKT-06",
    "PST-01", "PST-02", "PST-03", "PST-04", "PST-05",
    "REG-01", "INT-01", "INT-02",
}  # fmt: skip
STATUSES = {"pass", "fail", "warn", "review", "error", "n/a"}


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("sample") / "batch")


def _tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _dhash(path: Path) -> int:
    with Image.open(path) as img:
        gray = img.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    bits = 0
    for y in range(8):
        for x in range(8):
            bits = bits << 1 | (gray.getpixel((x + 1, y)) > gray.getpixel((x, y)))
    return bits


def test_generate_is_byte_identical(batch: Path, tmp_path: Path) -> None:
    again = generate(tmp_path / "again")
    assert again == tmp_path / "again"
    first, second = _tree(batch), _tree(again)
    assert first == second
    assert len(first) > 100


def test_packages_match_expected(batch: Path) -> None:
    folders = {p.name for p in batch.iterdir() if p.is_dir()}
    assert folders == set(EXPECTED)
    assert not (batch / "register.csv").exists()
    for package_id, row in EXPECTED.items():
        assert set(row) == RULE_IDS, package_id
        assert len(row) == 17
        assert set(row.values()) <= STATUSES, package_id
        assert row["REG-01"] == "n/a"


def test_baseline_package(batch: Path) -> None:
    pkg = batch / "2024-03-12-musrenbang-bulik"
    assert len(list((pkg / "foto").glob("*.jpg"))) == 5
    assert (pkg / "video" / "kegiatan.mp4").stat().st_size > 100
    assert (pkg / "narasi.txt").read_text("utf-8").startswith("Nanga Bulik, Selasa (12/3/2024) - ")
    assert len((pkg / "caption.txt").read_text("utf-8")) <= 200
    manifest = yaml.safe_load((pkg / "paket.yaml").read_text("utf-8"))
    assert manifest["kegiatan"]["judul"] == "Musrenbang Kecamatan Bulik"
    assert str(manifest["kegiatan"]["tanggal"]) == "2024-03-12"
    assert manifest["unggah"]["tanggal"] == "2024-03-13T09:00+07:00"
    assert {r["keputusan"] for r in manifest["tanggapan"].values()} == {"setuju"}
    with Image.open(pkg / "persetujuan.jpg") as sheet:  # A4 scanned at 200 dpi
        assert abs(sheet.size[0] / sheet.size[1] - 210 / 297) < 0.02 and sheet.size[0] > 1500
    with open(pkg / "foto" / "IMG_20240312_090005.jpg", "rb") as f:
        tags = exifread.process_file(f, details=False)
    assert str(tags["EXIF DateTimeOriginal"]) == "2024:03:12 09:00:05"
    assert str(tags["EXIF OffsetTimeOriginal"]) == "+07:00"
    assert str(tags["EXIF SubSecTimeOriginal"]) == "123"
    assert str(tags["Image Model"]) == "SM-A155F"
    assert "Image Software" not in tags


def test_photos_are_distinct_except_the_duplicate(batch: Path) -> None:
    for pkg in sorted(p for p in batch.iterdir() if p.is_dir()):
        photos = [p for p in sorted((pkg / "foto").glob("*.jpg")) if p.name != "IMG_rusak.jpg"]
        hashes = {p.name: _dhash(p) for p in photos}
        for a, b in itertools.combinations(hashes, 2):
            distance = (hashes[a] ^ hashes[b]).bit_count()
            if pkg.name == "2024-03-21-foto-ganda" and {a, b} == {
                "IMG_20240321_100012.jpg",
                "IMG_20240321_100012_salinan.jpg",
            }:
                assert distance <= 4, (a, b, distance)
            else:
                assert distance > 16, (pkg.name, a, b, distance)


def test_caption_lengths(batch: Path) -> None:
    text = (batch / "2024-03-18-caption-grafem" / "caption.txt").read_text("utf-8")
    text = unicodedata.normalize("NFC", text).strip()
    assert len(regex.findall(r"\X", text)) == 200
    assert len(text) > 200
    assert (batch / "2024-03-15-caption-201" / "caption.txt").read_bytes().isascii()
    assert len((batch / "2024-03-15-caption-201" / "caption.txt").read_text("ascii")) == 201


def test_whatsapp_photo_has_no_exif(batch: Path) -> None:
    path = batch / "2024-03-20-foto-whatsapp" / "foto" / "IMG-20240320-WA0001.jpg"
    with Image.open(path) as img:
        assert "exif" not in img.info
        assert len(img.getexif()) == 0
    with open(path, "rb") as f:
        assert not exifread.process_file(f, details=False)


def test_back_dated_and_edited_photos(batch: Path) -> None:
    with open(batch / "2024-03-19-foto-kemarin/foto/IMG_20240318_164512.jpg", "rb") as f:
        tags = exifread.process_file(f, details=False)
    assert str(tags["EXIF DateTimeOriginal"]) == "2024:03:18 16:45:12"
    softwares = []
    for path in sorted((batch / "2024-03-27-foto-disunting" / "foto").glob("*.jpg")):
        with open(path, "rb") as f:
            tags = exifread.process_file(f, details=False)
        if "Image Software" in tags:
            softwares.append(str(tags["Image Software"]))
    assert softwares == ["Adobe Photoshop 25.0 (Windows)"]


def test_truncated_photo_does_not_load(batch: Path) -> None:
    path = batch / "2024-03-29-foto-rusak" / "foto" / "IMG_rusak.jpg"
    with pytest.raises(OSError), Image.open(path) as img:
        img.load()


def test_manifests(batch: Path) -> None:
    with pytest.raises(yaml.YAMLError):
        yaml.safe_load((batch / "2024-03-26-manifes-rusak" / "paket.yaml").read_text("utf-8"))
    assert not (batch / "kegiatan-tanpa-tanggal" / "paket.yaml").exists()
    narasi = (batch / "kegiatan-tanpa-tanggal" / "narasi.txt").read_text("utf-8")
    assert narasi.startswith("Nanga Bulik, Kamis (4/4/2024) - ")
    late = yaml.safe_load((batch / "2024-03-22-unggah-terlambat" / "paket.yaml").read_text())
    assert late["unggah"]["tanggal"] == "2024-03-25T10:00+07:00"
    rejected = yaml.safe_load((batch / "2024-03-28-ditolak-diunggah" / "paket.yaml").read_text())
    assert rejected["tanggapan"]["atasan_ppid_pelaksana"]["keputusan"] == "tolak"
    assert "unggah" in rejected
    bare = batch / "2024-04-01-tanpa-persetujuan"
    assert "tanggapan" not in yaml.safe_load((bare / "paket.yaml").read_text())
    assert not list(bare.glob("persetujuan*"))
    no_story = batch / "2024-03-25-tanpa-narasi"
    assert not list(no_story.glob("narasi*"))
    assert "narasi" not in yaml.safe_load((no_story / "paket.yaml").read_text())


def test_generate_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x")
    with pytest.raises(ValueError):
        generate(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert generate(empty, photo_size=(160, 120)) == empty
