"""Tamper evidence: the report's inventory and ``sopcheck verify REPORT BATCH``.

Each test audits a real generated batch (photos with EXIF, caption, narrative, manifest, approval
image, register at the root, a folder that is not a package), changes the batch the way a person
would, and checks what verify lists and the exit code it ends with.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from builders import PACKAGE, default_pack, default_photos, make_package

import sopcheck
from sopcheck import cli
from sopcheck.errors import ExitCode
from sopcheck.report import write_reports
from sopcheck.verify import ReportError, verify

OTHER = "2024-03-13-rapat-kerja"


def _audit(batch: Path, out: Path, rules=None) -> Path:
    result = sopcheck.check(batch, rules=rules or default_pack(), as_of="2025-01-01", jobs=1,
                            read_sheets=False, cache=False)  # fmt: skip
    (path,) = write_reports(result, out, ["json"])
    return path


@pytest.fixture
def audited(tmp_path) -> tuple[Path, Path]:
    """(report, batch): two packages, a register, a loose note and a non-package folder."""
    batch = tmp_path / "batch"
    make_package(batch)
    make_package(batch, OTHER, photos=4)
    (batch / "register.csv").write_text(f"Paket,Tanggal\n{PACKAGE},2024-03-12\n")
    (batch / "catatan.txt").write_text("catatan admin\n")
    (batch / "arsip-lama").mkdir()
    (batch / "arsip-lama" / "daftar.ods").write_bytes(b"PK\x03\x04 not really")
    return _audit(batch, tmp_path / "report"), batch


def _tree(root: Path) -> dict[str, tuple]:
    """Names, modes, sizes, mtimes and contents of everything under ``root``."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = p.lstat()
            digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else None
            out[p.relative_to(root).as_posix()] = (st.st_mode, st.st_size, st.st_mtime_ns, digest)
    return out


def _verify(report: Path, batch: Path, capsys, *extra: str) -> tuple[int, str]:
    rc = cli.main(["verify", str(report), str(batch), *extra])
    cap = capsys.readouterr()
    return rc, cap.out + cap.err


def test_inventory_holds_every_file_of_the_batch(audited):
    report, batch = audited
    inputs = json.loads(report.read_text())["inputs"]
    by_file = {i["file"]: i for i in inputs}
    on_disk = {p.relative_to(batch).as_posix() for p in batch.rglob("*") if p.is_file()}
    assert set(by_file) == on_disk
    assert by_file["register.csv"]["kind"] == "register"
    assert by_file["register.csv"]["package"] is None
    assert by_file[f"{PACKAGE}/paket.yaml"]["kind"] == "manifest"
    assert by_file[f"{PACKAGE}/paket.yaml"]["package"] == PACKAGE
    assert by_file[f"{PACKAGE}/paket.yaml"]["path"] == "paket.yaml"
    assert (
        by_file["arsip-lama/daftar.ods"]["sha256"]
        == hashlib.sha256(b"PK\x03\x04 not really").hexdigest()
    )
    for i in inputs:
        data = (batch / i["file"]).read_bytes()
        assert i["sha256"] == hashlib.sha256(data).hexdigest() and i["size"] == len(data)


def test_unchanged_batch_is_identical_exit_0(audited, capsys):
    report, batch = audited
    before = _tree(batch)
    rc, out = _verify(report, batch, capsys)
    assert rc == ExitCode.OK
    assert "Identik" in out and "berkas sama seperti saat audit" in out
    assert _tree(batch) == before, "verify wrote into the batch"


def test_edit_delete_add_rename_each_listed(audited, capsys):
    report, batch = audited
    pkg = batch / PACKAGE
    with open(pkg / "caption.txt", "a", encoding="utf-8") as f:
        f.write(" (diedit)")
    (pkg / "narasi.txt").unlink()
    (pkg / "foto" / "tambahan.jpg").write_bytes((pkg / "foto" / "IMG_0001.jpg").read_bytes() + b"x")
    os.rename(batch / OTHER / "foto" / "IMG_0002.jpg", batch / OTHER / "foto" / "IMG_9999.jpg")
    (batch / "register.csv").write_text(f"Paket,Tanggal\n{PACKAGE},2024-03-11\n")
    before = _tree(batch)
    rc, out = _verify(report, batch, capsys, "--lang", "en")
    assert rc == ExitCode.FINDINGS
    assert f"CHANGED  {PACKAGE}/caption.txt" in out
    assert "CHANGED  register.csv" in out
    assert f"MISSING  {PACKAGE}/narasi.txt" in out
    assert f"ADDED    {PACKAGE}/foto/tambahan.jpg" in out
    assert f"RENAMED  {OTHER}/foto/IMG_0002.jpg -> {OTHER}/foto/IMG_9999.jpg" in out
    assert "5 difference(s) since the audit" in out
    assert _tree(batch) == before


def test_api_lists_the_same_changes(audited):
    report, batch = audited
    (batch / "catatan.txt").write_text("catatan admin, diubah\n")
    (batch / "arsip-lama" / "daftar.ods").unlink()
    (batch / "baru").mkdir()
    (batch / "baru" / "x.txt").write_text("x")
    v = verify(report, batch)
    got = {(c.kind, c.file) for c in v.changes}
    assert got == {
        ("changed", "catatan.txt"),
        ("missing", "arsip-lama/daftar.ods"),
        ("added", "baru/x.txt"),
    }
    assert not v.identical and v.files == len(json.loads(report.read_text())["inputs"])
    assert v.report_sha256 == hashlib.sha256(report.read_bytes()).hexdigest()


def test_a_new_package_and_a_removed_package_are_listed(audited):
    report, batch = audited
    shutil.rmtree(batch / OTHER)
    make_package(batch, "2024-03-14-baru", photos=default_photos(3, first_seed=30),
                 caption="Caption lain.", narrative="Narasi lain.", manifest=None, approval=False)  # fmt: skip
    v = verify(report, batch)
    kinds = {c.kind for c in v.changes}
    files = {c.file.split("/")[0] for c in v.changes}
    assert kinds == {"missing", "added"}
    assert files == {OTHER, "2024-03-14-baru"}


def test_a_symlink_repointed_is_a_change(tmp_path):
    batch = tmp_path / "batch"
    pkg = make_package(batch)
    (pkg / "tautan.jpg").symlink_to("foto/IMG_0001.jpg")
    report = _audit(batch, tmp_path / "r")
    entry = next(i for i in json.loads(report.read_text())["inputs"] if i["path"] == "tautan.jpg")
    assert entry["sha256"] is None and entry["link"] == "foto/IMG_0001.jpg"
    assert verify(report, batch).identical
    (pkg / "tautan.jpg").unlink()
    (pkg / "tautan.jpg").symlink_to("/etc/hostname")
    (change,) = verify(report, batch).changes
    assert change.kind == "changed" and change.file == f"{PACKAGE}/tautan.jpg"


def test_one_package_given_as_the_batch(tmp_path, capsys):
    batch = tmp_path / "batch"
    pkg = make_package(batch)
    report = _audit(pkg, tmp_path / "r")
    inputs = json.loads(report.read_text())["inputs"]
    assert {i["file"] for i in inputs} >= {"caption.txt", "foto/IMG_0001.jpg"}
    assert _verify(report, pkg, capsys)[0] == ExitCode.OK
    (pkg / "foto" / "IMG_0003.jpg").write_bytes(b"\xff\xd8 replaced")
    rc, out = _verify(report, pkg, capsys)
    assert rc == ExitCode.FINDINGS and "BERUBAH  foto/IMG_0003.jpg" in out


def test_rule_pack_changed_is_listed_and_a_lost_pack_is_noted(tmp_path, capsys):
    batch = tmp_path / "batch"
    make_package(batch)
    pack = tmp_path / "pack.yaml"
    shutil.copy(default_pack().path, pack)
    report = _audit(batch, tmp_path / "r", rules=str(pack))
    rc, out = _verify(report, batch, capsys, "--lang", "en")
    assert rc == ExitCode.OK and "rule pack file not found" not in out
    pack.write_text(
        pack.read_text().replace("max_gps_drift_minutes: 60", "max_gps_drift_minutes: 600")
    )
    rc, out = _verify(report, batch, capsys, "--lang", "en")
    assert rc == ExitCode.FINDINGS and f"RULE PACK CHANGED {pack}" in out
    moved = tmp_path / "elsewhere.yaml"
    pack.rename(moved)
    rc, out = _verify(report, batch, capsys, "--lang", "en")
    assert rc == ExitCode.OK and "rule pack file not found: not compared" in out
    rc, out = _verify(report, batch, capsys, "--lang", "en", "--rules", str(moved))
    assert rc == ExitCode.FINDINGS and "RULE PACK CHANGED" in out


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"schema_version": "2", "tool": {"name": "sopcheck"}, "inputs": []}',
         'unknown schema_version 2 (this version reads "1")'),
        ('{"schema_version": "1", "tool": {"name": "othertool"}, "inputs": []}',
         'no tool.name "sopcheck"'),
        ("[1, 2, 3]", 'no tool.name "sopcheck"'),
        ('{"schema_version": "1", "tool": {"name": "sopcheck"}}', "no 'inputs' list"),
        ('{"schema_version": "1", "tool": {"name": "sopcheck"}, "inputs": [3]}', "no 'inputs' list"),
        ("<testsuites/>", "not JSON"),
        ("[" * 100_000, "not JSON"),
    ],
    ids=["other-schema", "other-tool", "json-array", "no-inputs", "bad-inputs", "xml", "deep"],
)  # fmt: skip
def test_not_a_sopcheck_report_is_a_one_line_error(tmp_path, capsys, content, reason):
    batch = tmp_path / "batch"
    make_package(batch)
    bad = tmp_path / "laporan.json"
    bad.write_text(content)
    rc, out = _verify(bad, batch, capsys, "--lang", "en")
    assert rc == ExitCode.INPUT
    assert out.count("\n") == 1, out
    assert f"{bad} is not a sopcheck JSON report: " in out and reason in out
    with pytest.raises(ReportError):
        verify(bad, batch)


def test_missing_report_and_missing_batch(audited, tmp_path, capsys):
    report, batch = audited
    rc, out = _verify(tmp_path / "nope.json", batch, capsys)
    assert rc == ExitCode.INPUT and "tidak dapat dibaca" in out
    rc, out = _verify(report, tmp_path / "no-batch", capsys)
    assert rc == ExitCode.INPUT and "folder tidak ada" in out  # in the report's language


def test_hostile_file_names_are_listed_printably(audited, capsys):
    report, batch = audited
    odd = os.fsencode(batch / PACKAGE) + b"/\xff\x1b]0;judul\x07.jpg"
    with open(odd, "wb") as f:
        f.write(b"x")
    rc, out = _verify(report, batch, capsys, "--lang", "en")
    assert rc == ExitCode.FINDINGS
    assert f"ADDED    {PACKAGE}/\\xff\\x1b]0;judul\\x07.jpg" in out
    assert "\x1b" not in out and "\x07" not in out


def test_a_name_that_is_not_utf8_round_trips_through_the_report(tmp_path):
    batch = tmp_path / "batch"
    pkg = make_package(batch)
    with open(os.fsencode(pkg / "foto") + b"/IMG_\xff\xfe.jpg", "wb") as f:
        f.write((pkg / "foto" / "IMG_0001.jpg").read_bytes() + b"\0")
    report = _audit(batch, tmp_path / "r")
    report.read_bytes().decode("utf-8")  # the report stays valid UTF-8 JSON
    assert verify(report, batch).identical
    os.unlink(os.fsencode(pkg / "foto") + b"/IMG_\xff\xfe.jpg")
    (change,) = verify(report, batch).changes
    # discovery shows a name that is not UTF-8 with \x escapes; the report keeps it that way
    assert change.kind == "missing" and change.file == f"{PACKAGE}/foto/IMG_\\xff\\xfe.jpg"
