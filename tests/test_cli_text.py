"""The command line speaks Indonesian and English: help, argparse's words, errors, the language choice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sopcheck import cli
from sopcheck.cli_text import HELP, actions, choose_lang, localize
from sopcheck.errors import BatchError, UsageError

EXE = Path(sys.executable).parent / "sopcheck"


def test_every_option_of_every_command_has_help_in_both_languages():
    english = dict(actions(cli._parser()))
    for key, action in actions(localize(cli._parser(), "id")):
        text = HELP.get(key, {}).get("id")
        assert text and text.strip(), f"no Indonesian help for {key!r}"
        assert action.help == text
        assert english[key].help or HELP.get(key, {}).get("en"), f"no English help for {key!r}"
    for key, action in actions(localize(cli._parser(), "en")):
        assert action.help and action.help.strip(), f"no English help for {key!r}"


def test_the_catalogue_names_no_option_that_does_not_exist():
    keys = {k for k, _ in actions(cli._parser())}
    assert set(HELP) <= keys, set(HELP) - keys


@pytest.mark.parametrize(
    ("argv", "env", "want"),
    [
        (["check", "x", "--lang", "en"], {"SOPCHECK_LANG": "id"}, "en"),
        (["check", "x", "--lang=id"], {"LANG": "en_US.UTF-8"}, "id"),
        (["check", "x"], {"SOPCHECK_LANG": "en", "LANG": "id_ID.UTF-8"}, "en"),
        (["check", "x"], {"LANG": "en_GB.UTF-8"}, "en"),
        (["check", "x"], {"LC_ALL": "id_ID.UTF-8", "LANG": "en_US.UTF-8"}, "id"),
        (["check", "x"], {"LANG": "C.UTF-8"}, "id"),
        (["check", "x"], {}, "id"),
        (["check", "x", "--lang", "xx"], {"LANG": "en_US"}, "en"),
    ],
)
def test_choose_lang(argv, env, want):
    assert choose_lang(argv, env) == want


def _run(*args: str, lang: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env.update(SOPCHECK_LANG=lang, LANG="C.UTF-8")
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, env=env)


def test_help_in_indonesian_and_english():
    idn, eng = _run("check", "--help", lang="id"), _run("check", "--help", lang="en")
    assert idn.returncode == eng.returncode == 0
    assert "pemakaian: sopcheck check" in idn.stdout and "opsi:" in idn.stdout
    assert "folder laporan, di luar BATCH" in idn.stdout
    assert "usage: sopcheck check" in eng.stdout and "report folder, outside BATCH" in eng.stdout
    assert "kode keluar" in _run("--help", lang="id").stdout
    assert "exit codes" in _run("--help", lang="en").stdout


def test_argparse_errors_in_indonesian():
    proc = _run("check", "--fail-on", "never", "x", lang="id")
    assert proc.returncode == 2
    assert "pilihan tidak sah: 'never'" in proc.stderr and "galat" in proc.stderr


def test_sopcheck_errors_in_the_chosen_language(tmp_path):
    idn = _run("check", str(tmp_path), "--jobs", "0", lang="id")
    eng = _run("check", str(tmp_path), "--jobs", "0", "--lang", "en", lang="id")
    assert idn.returncode == eng.returncode == 2
    assert idn.stderr.strip() == "sopcheck: galat: --jobs sedikitnya 1"
    assert eng.stderr.strip() == "sopcheck: error: --jobs must be at least 1"


def test_an_error_id_renders_in_each_language_and_str_is_english():
    e = BatchError("err.not_folder", path="/x/y.jpg")
    assert str(e).startswith("/x/y.jpg: not a folder")
    assert e.render("id").startswith("/x/y.jpg: bukan folder")
    plain = UsageError("some text that is no id")
    assert plain.render("id") == plain.render("en") == "some text that is no id"
