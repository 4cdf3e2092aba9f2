"""The command line: every exit code, the rules sub-commands, help, and the reports on disk."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sopcheck import cli
from sopcheck.errors import ExitCode
from sopcheck.sample import EXPECTED, generate


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("cli") / "batch")


@pytest.fixture
def compliant(sample, tmp_path) -> Path:
    """A batch holding only the compliant package (every finding pass or n/a)."""
    batch = tmp_path / "ok"
    shutil.copytree(sample / "2024-03-12-musrenbang-bulik", batch / "2024-03-12-musrenbang-bulik")
    return batch


def run(*args: str) -> int:
    return cli.main(list(args))


def test_exit_0_when_nothing_reaches_fail_on(compliant, tmp_path, capsys):
    assert (
        run("check", str(compliant), "--out", str(tmp_path / "r"), "--as-of", "2025-01-01")
        == ExitCode.OK
    )
    out = capsys.readouterr().out
    assert "1 paket diperiksa" in out and "sopcheck-report.json" in out


def test_exit_1_when_review_reaches_fail_on(sample, tmp_path):
    batch = tmp_path / "b"
    shutil.copytree(
        sample / "kegiatan-tanpa-tanggal", batch / "kegiatan-tanpa-tanggal"
    )  # worst: review
    out = tmp_path / "r"
    assert run("check", str(batch), "--out", str(out), "--fail-on", "fail", "-q") == ExitCode.OK
    assert (
        run("check", str(batch), "--out", str(out), "--fail-on", "review", "-q")
        == ExitCode.FINDINGS
    )


def test_exit_1_on_the_sample_batch_and_all_reports_written(sample, tmp_path):
    out = tmp_path / "r"
    assert (
        run("check", str(sample), "--out", str(out), "-q", "--as-of", "2025-01-01", "-j", "1")
        == ExitCode.FINDINGS
    )
    assert sorted(p.name for p in out.iterdir()) == [
        "sopcheck-junit.xml",
        "sopcheck-report.json",
        "sopcheck-report.md",
    ]
    report = json.loads((out / "sopcheck-report.json").read_text())
    assert report["schema_version"] == "1" and len(report["packages"]) == len(EXPECTED)
    assert report["rulepack"]["id"] == "lamandau-medsos" and len(report["rulepack"]["sha256"]) == 64


def test_format_selects_the_reports(compliant, tmp_path):
    out = tmp_path / "r"
    run("check", str(compliant), "--out", str(out), "--format", "md", "-q")
    assert [p.name for p in out.iterdir()] == ["sopcheck-report.md"]


@pytest.mark.parametrize(
    "args",
    [
        ("check", "{batch}", "--format", "pdf"),
        ("check", "{batch}", "--rules", "no-such-pack"),
        ("check", "{batch}", "--out", "{batch}/reports"),
        ("check", "{batch}", "--as-of", "yesterday"),
        ("check", "{batch}", "--jobs", "0"),
        ("check", "{batch}", "--lang", "fr"),
        ("rules", "show", "XYZ-99"),
        (),
    ],
    ids=["format", "pack", "out-inside-batch", "as-of", "jobs", "lang", "rule", "no-command"],
)
def test_exit_2_on_usage_errors(args, compliant, capsys):
    argv = [a.format(batch=compliant) for a in args]
    try:
        code = run(*argv)
    except SystemExit as e:  # argparse's own usage errors
        code = e.code
    assert code == ExitCode.USAGE
    assert not (compliant / "reports").exists()


def test_exit_2_on_an_invalid_rule_pack_names_file_and_key(compliant, tmp_path, capsys):
    pack = tmp_path / "bad.yaml"
    src = Path(cli.__file__).resolve().parent.parent / "rules" / "lamandau-medsos-2015.yaml"
    pack.write_text(src.read_text().replace("min_photos: 4", "min_photos: four"))
    assert run("check", str(compliant), "--rules", str(pack)) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "min_photos" in err
    assert run("rules", "validate", str(pack)) == ExitCode.USAGE


def test_exit_3_on_an_internal_error(compliant, monkeypatch, capsys):
    import sopcheck.api

    def boom(*a, **k):
        raise RuntimeError("injected fault")

    monkeypatch.setattr(sopcheck.api, "check", boom)
    assert run("check", str(compliant), "-q") == ExitCode.INTERNAL
    assert "injected fault" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["empty", "missing", "file", "not-packages"])
def test_exit_4_when_the_batch_cannot_be_checked(kind, tmp_path, capsys):
    target = tmp_path / "batch"
    if kind == "empty":
        target.mkdir()
    elif kind == "file":
        target.write_text("x")
    elif kind == "not-packages":
        (target / "random-folder").mkdir(parents=True)
        (target / "random-folder" / "notes.odt").write_text("x")
    assert run("check", str(target), "--out", str(tmp_path / "r")) == ExitCode.INPUT
    err = capsys.readouterr().err
    assert str(target) in err
    assert not (tmp_path / "r").exists()


def test_rules_list_show_validate(capsys):
    assert run("rules", "list") == 0
    out = capsys.readouterr().out
    assert "lamandau-medsos-2015" in out and "INT-02" in out
    assert run("rules", "show", "klp-03", "--lang", "en") == 0
    out = capsys.readouterr().out
    assert "max_chars = 200" in out and "step 1" in out
    assert "maximum length in grapheme clusters" in out
    assert run("rules", "show", "klp-03", "--lang", "id") == 0
    out = capsys.readouterr().out
    assert "langkah 1, kolom 8 Kelengkapan" in out and "step" not in out
    assert "panjang maksimal dalam grapheme cluster" in out and "maximum length" not in out
    src = Path(cli.__file__).resolve().parent.parent / "rules" / "lamandau-medsos-2015.yaml"
    assert run("rules", "validate", str(src), "--lang", "en") == 0
    assert "valid rule pack lamandau-medsos" in capsys.readouterr().out
    assert run("rules", "validate", str(src), "--lang", "id") == 0
    assert "rule pack sah lamandau-medsos" in capsys.readouterr().out


def test_console_script_help_explains_exit_codes():
    exe = Path(sys.executable).parent / "sopcheck"
    env = {**os.environ, "SOPCHECK_LANG": "en"}
    proc = subprocess.run(
        [str(exe), "check", "--help"], capture_output=True, text=True, check=True, env=env
    )
    assert "--fail-on" in proc.stdout and "--as-of" in proc.stdout
    proc = subprocess.run([str(exe), "--help"], capture_output=True, text=True, check=True, env=env)
    assert "exit codes" in proc.stdout


def test_sample_refuses_a_non_empty_folder(tmp_path, capsys):
    (tmp_path / "x").write_text("keep me")
    assert run("sample", str(tmp_path)) == ExitCode.USAGE
    assert (tmp_path / "x").read_text() == "keep me"


def test_a_package_folder_given_as_batch_is_checked_as_one_package(compliant, tmp_path):
    import sopcheck

    res = sopcheck.check(compliant / "2024-03-12-musrenbang-bulik", as_of="2025-01-01", jobs=1)
    assert [p.id for p in res.packages] == ["2024-03-12-musrenbang-bulik"]
    assert res.packages[0].finding("KLP-01").status == sopcheck.Status.PASS


def test_template_command_writes_a_pdf_outside_the_package(compliant, tmp_path, capsys):
    pkg = compliant / "2024-03-12-musrenbang-bulik"
    before = sorted(p.name for p in pkg.rglob("*"))
    out = tmp_path / "lembar.pdf"
    assert run("template", str(pkg), "-o", str(out)) == 0
    assert out.read_bytes().startswith(b"%PDF") and str(out) in capsys.readouterr().out
    assert sorted(p.name for p in pkg.rglob("*")) == before


def test_inspect_saves_the_signature_crops_outside_the_package(sample, tmp_path, capsys):
    sheet = sample / "2024-03-12-musrenbang-bulik" / "persetujuan.jpg"
    crops = tmp_path / "crops"
    assert run("inspect", str(sheet), "--crops", str(crops)) == 0
    out = capsys.readouterr().out
    saved = sorted(p.name for p in crops.iterdir())
    assert saved == [
        f"persetujuan-{r}.png"
        for r in sorted(("tim_pertimbangan", "ketua_ppid_pelaksana", "atasan_ppid_pelaksana"))
    ]
    assert "crop: " in out and "signature=signed" in out
    assert run("inspect", str(sheet), "--crops", str(sheet.parent / "c")) == ExitCode.USAGE
    assert not (sheet.parent / "c").exists()


def test_every_check_and_parameter_is_described_in_indonesian():
    from sopcheck.checks import CHECKS
    from sopcheck.checks.docs import ID

    keys = {name for name in CHECKS} | {f"{n}.{p}" for n, s in CHECKS.items() for p in s.params}
    assert set(ID) == keys
    assert all(text.strip() for text in ID.values())
