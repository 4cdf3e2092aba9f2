"""The command line in the user's language: help texts, argparse's own words, and the language choice.

The English help lives beside each option in ``cli.py``; this module holds the Indonesian one, keyed
by the command path and the option's ``dest`` ("check format", "rules list rules"), and the help of
options that have none in ``cli.py``. ``localize(parser, lang)`` applies it to a built parser;
``tests/test_cli_text.py`` proves that every option of every command has a help text in both
languages, so a new option without its Indonesian help fails the tests.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator, Sequence

LANGS = ("id", "en")

# fmt: off
PROG: dict[str, str] = {
    "": "Memeriksa paket kegiatan (foto, narasi, keterangan foto, lembar persetujuan) terhadap rule "
        "pack SOP dan menulis laporan audit.",
    "check": "Memeriksa setiap paket dalam BATCH dan menulis laporannya ke --out.",
    "template": "Membuat lembar persetujuan A4 milik sopcheck untuk PACKAGE_DIR: kegiatan, keterangan "
                "foto, jumlah foto, hash isi, dan kode QR yang mengikat lembar yang ditandatangani "
                "dengan isi ini.",
    "report": "Menjalankan notebook Jupyter pada BATCH (parameter disisipkan setelah sel "
              "'parameters', konvensi papermill) dan mengekspornya sebagai HTML, tanpa kode.",
    "verify": "Membandingkan BATCH dengan daftar SHA-256 di REPORT (sopcheck-report.json): setiap "
              "berkas yang berubah, hilang, baru, atau dipindah sejak audit, dan rule pack yang "
              "berubah. Hanya membaca. Kode keluar: 0 identik; 1 ada perbedaan; 2 salah pemakaian; "
              "4 REPORT bukan laporan sopcheck atau BATCH tidak ada.",
}

EPILOG_ID = """\
kode keluar: 0 tidak ada temuan setingkat --fail-on atau lebih; 1 ada temuan setingkat itu; 2 salah
pemakaian atau rule pack tidak sah; 3 galat internal; 4 batch tidak dapat diperiksa (tidak ada, atau
tidak ada paket di dalamnya).

contoh:
  sopcheck check batch/                       laporan JSON, Markdown dan JUnit di ./sopcheck-report
  sopcheck check batch/ --lang en --fail-on review --format json
  sopcheck rules list                         daftar rule pack dan aturan pack bawaan
  sopcheck sample demo-batch/                 menulis batch contoh yang dipakai 'make demo'

bahasa: --lang id|en; tanpa itu, $SOPCHECK_LANG, lalu locale ($LC_ALL, $LANG); bawaan Indonesia.
"""

EPILOG_EN_EXTRA = "\nlanguage: --lang id|en; else $SOPCHECK_LANG, then the locale ($LC_ALL, $LANG); default Indonesian.\n"

# key: "<command path> <dest>"; the value per language. "en" only where cli.py gives no help.
HELP: dict[str, dict[str, str]] = {
    " help": {"id": "tampilkan bantuan ini lalu keluar", "en": "show this help message and exit"},
    " version": {"id": "tampilkan versi program lalu keluar"},
    " command": {"id": "perintah", "en": "command"},
    " check": {"id": "memeriksa folder batch dan menulis laporan"},
    " cache": {"id": "cache ekstraksi: info atau kosongkan (clear)"},
    " rules": {"id": "menampilkan, merinci, atau memvalidasi rule pack"},
    " sample": {"id": "menulis batch contoh (selalu sama) ke folder baru"},
    " inspect": {"id": "apa yang dibaca sopcheck dari satu foto, PDF, atau lembar"},
    " template": {"id": "membuat lembar persetujuan cetak (Lembar Verifikasi dan Persetujuan) untuk satu paket"},
    " report": {"id": "menjalankan notebook pada batch menjadi laporan HTML"},
    "check batch": {"id": "folder berisi satu folder per paket kegiatan"},
    "check rules": {"id": "nama rule pack atau berkas YAML (bawaan: lamandau-medsos-2015)"},
    "check out": {"id": "folder laporan, di luar BATCH (bawaan: %(default)s)"},
    "check format": {"id": "dipisah koma: json, md, junit, html, register (bawaan: %(default)s)"},
    "check lang": {"id": "bahasa laporan (bawaan: bahasa pack, Indonesia)"},
    "check fail_on": {"id": "status terendah yang membuat kode keluar 1 (bawaan: %(default)s)"},
    "check as_of": {"id": "tanggal/waktu acuan audit untuk tenggat yang belum jatuh (bawaan: sekarang)"},
    "check jobs": {"id": "jumlah proses pekerja (bawaan: jumlah inti yang dapat dipakai)"},
    "check quiet": {"id": "tanpa bilah kemajuan dan tanpa tabel ringkasan"},
    "check cache": {"id": "folder cache ekstraksi (bawaan: ~/.cache/sopcheck atau $SOPCHECK_CACHE_DIR)"},
    "check no_cache": {"id": "baca ulang setiap berkas; tidak menyimpan apa pun"},
    "check executor": {"id": "proses pekerja lokal (--jobs), atau klaster Dask yang sudah ada (perlu --scheduler; "
                              "pip install 'sopcheck[dask]') (bawaan: %(default)s)"},
    "check scheduler": {"id": "alamat scheduler Dask, mis. tcp://10.0.0.5:8786 (dengan --executor dask)"},
    "check trust": {"id": "akar kepercayaan (PEM atau DER) untuk tanda tangan elektronik; boleh diulang"},
    "check limit": {"id": "mengganti satu batas dari rule pack, mis. --limit pixels=200000000 (boleh diulang; "
                           "nama: file_bytes, pixels, pages, ocr_page_seconds, manifest_bytes, manifest_aliases, "
                           "files_per_package, text_bytes)"},
    "cache cache_command": {"id": "info: letak, jumlah entri dan ukuran; clear: kosongkan cache",
                            "en": "info: where, how many entries and how big; clear: empty the cache"},
    "cache cache": {"id": "folder cache (bawaan: ~/.cache/sopcheck atau $SOPCHECK_CACHE_DIR)"},
    "rules rules_command": {"id": "tindakan", "en": "action"},
    "rules list": {"id": "rule pack yang tersedia dan aturan salah satunya"},
    "rules show": {"id": "satu aturan: uraian, pemeriksaan, parameter, sumber SOP"},
    "rules validate": {"id": "memuat berkas pack dan melaporkan masalah pertama"},
    "rules list rules": {"id": "nama rule pack atau berkas YAML (bawaan: lamandau-medsos-2015)",
                         "en": "rule pack name or YAML file (default: lamandau-medsos-2015)"},
    "rules list lang": {"id": "bahasa keluaran (bawaan: bahasa pack)", "en": "output language (default: the pack's)"},
    "rules show rule_id": {"id": "id aturan, misalnya KLP-01", "en": "rule id, e.g. KLP-01"},
    "rules show rules": {"id": "nama rule pack atau berkas YAML (bawaan: lamandau-medsos-2015)",
                         "en": "rule pack name or YAML file (default: lamandau-medsos-2015)"},
    "rules show lang": {"id": "bahasa keluaran (bawaan: bahasa pack)", "en": "output language (default: the pack's)"},
    "rules validate lang": {"id": "bahasa keluaran"},
    "rules validate file": {"id": "berkas YAML rule pack yang diperiksa", "en": "the rule pack YAML file to check"},
    "sample out": {"id": "folder baru (atau kosong) untuk batch contoh",
                   "en": "a new (or empty) folder for the sample batch"},
    "inspect file": {"id": "foto, PDF, atau pindaian lembar persetujuan", "en": "a photo, a PDF or a scanned approval sheet"},
    "inspect json": {"id": "keluaran untuk mesin (JSON)"},
    "inspect crops": {"id": "simpan potongan tanda tangan tiap peran (PNG) di DIR"},
    "inspect rules": {"id": "rule pack yang memberi peran dan bahasa (bawaan: lamandau-medsos-2015)",
                      "en": "rule pack giving the roles and language (default: lamandau-medsos-2015)"},
    "inspect lang": {"id": "bahasa keluaran (bawaan: bahasa pack)", "en": "output language (default: the pack's)"},
    "inspect trust": {"id": "akar kepercayaan (PEM atau DER) untuk tanda tangan elektronik; boleh diulang"},
    "template package_dir": {"id": "folder paket yang dibuatkan lembarnya", "en": "the package folder the sheet is for"},
    "template out": {"id": "PDF keluaran (bawaan: ./lembar-<paket>.pdf)"},
    "template rules": {"id": "rule pack yang memberi kantor, peran dan label (bawaan: lamandau-medsos-2015)",
                       "en": "rule pack giving the office, roles and labels (default: lamandau-medsos-2015)"},
    "report notebook": {"id": "berkas .ipynb yang dijalankan"},
    "report batch": {"id": "folder batch (parameter 'batch')"},
    "report out": {"id": "berkas HTML"},
    "report param": {"id": "parameter notebook (teks); ulangi untuk parameter lain"},
    "report show_code": {"id": "pertahankan sel kode di HTML"},
    " verify": {"id": "hitung ulang hash batch dan tampilkan yang berubah sejak laporan JSON ditulis"},
    "verify report": {"id": "laporan JSON audit"},
    "verify batch": {"id": "folder batch sebagaimana sekarang"},
    "verify lang": {"id": "bahasa (bawaan: bahasa laporan)"},
    "verify rules": {"id": "berkas rule pack (bawaan: path yang tercatat di laporan)"},
}

# argparse's own words (its gettext messages), in Indonesian
ARGPARSE_ID: dict[str, str] = {
    "usage: ": "pemakaian: ",
    "positional arguments": "argumen posisi",
    "options": "opsi",
    "show this help message and exit": "tampilkan bantuan ini lalu keluar",
    "%(prog)s: error: %(message)s\n": "%(prog)s: galat: %(message)s\n",
    "the following arguments are required: %s": "argumen berikut wajib diisi: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "pilihan tidak sah: %(value)r (pilih dari %(choices)s)",
    "unrecognized arguments: %s": "argumen tidak dikenal: %s",
    "argument %(argument_name)s: %(message)s": "argumen %(argument_name)s: %(message)s",
    "expected one argument": "butuh satu nilai",
    "expected at least one argument": "butuh sedikitnya satu nilai",
    "expected at most one argument": "butuh paling banyak satu nilai",
    "invalid %(type)s value: %(value)r": "nilai %(type)s tidak sah: %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "opsi ambigu: %(option)s bisa berarti %(matches)s",
    "not allowed with argument %s": "tidak boleh bersama argumen %s",
    "one of the arguments %s is required": "salah satu argumen %s wajib diisi",
    "expected %s argument": "butuh %s nilai",
    "expected %s arguments": "butuh %s nilai",
}
# fmt: on


def choose_lang(argv: Sequence[str] | None, environ: dict[str, str] | None = None) -> str:
    """The language of the command line's own words.

    ``--lang X`` on the command line, else ``$SOPCHECK_LANG``, else the locale (``LC_ALL``,
    ``LC_MESSAGES``, ``LANG``: ``en_*`` is English), else Indonesian, the default pack's language.
    """
    env = os.environ if environ is None else environ
    args = list(argv or ())
    for i, a in enumerate(args):
        if a == "--lang" and i + 1 < len(args) and args[i + 1] in LANGS:
            return args[i + 1]
        if a.startswith("--lang=") and a.split("=", 1)[1] in LANGS:
            return a.split("=", 1)[1]
    if env.get("SOPCHECK_LANG") in LANGS:
        return env["SOPCHECK_LANG"]
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return "en" if value.startswith("en") else "id"
    return "id"


def _walk(parser: argparse.ArgumentParser, path: str = "") -> Iterator[tuple[str, argparse.Action]]:
    """(key, action) for every action of ``parser`` and its sub-commands, sub-command entries too."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield f"{path} {action.dest}".lstrip() if path else f" {action.dest}", action
            for choice in action._choices_actions:
                yield f"{path} {choice.dest}" if path else f" {choice.dest}", choice
            for name, sub in action.choices.items():
                yield from _walk(sub, f"{path} {name}".strip())
        else:
            yield (f"{path} {action.dest}" if path else f" {action.dest}"), action


def parsers(
    parser: argparse.ArgumentParser, path: str = ""
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """(command path, parser) for the parser and every sub-command."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from parsers(sub, f"{path} {name}".strip())


def actions(parser: argparse.ArgumentParser) -> Iterator[tuple[str, argparse.Action]]:
    """Every (key, action) whose help the catalogue must give (help and version are generic)."""
    for key, action in _walk(parser):
        dest = key.rsplit(" ", 1)[-1]
        if dest in ("help", "version") and not key.startswith(" "):
            yield " " + dest, action
        else:
            yield key, action


def localize(parser: argparse.ArgumentParser, lang: str) -> argparse.ArgumentParser:
    """Set every help text, description and group title of ``parser`` in ``lang``; returns it."""
    for key, action in actions(parser):
        text = HELP.get(key, {}).get(lang)
        if text:
            action.help = text
    for path, p in parsers(parser):
        if lang == "id":
            if path in PROG:
                p.description = PROG[path]
            p._positionals.title = ARGPARSE_ID["positional arguments"]
            p._optionals.title = ARGPARSE_ID["options"]
    if lang == "id":
        parser.epilog = EPILOG_ID
    elif parser.epilog and EPILOG_EN_EXTRA not in parser.epilog:
        parser.epilog += EPILOG_EN_EXTRA
    return parser


@contextlib.contextmanager
def argparse_words(lang: str) -> Iterator[None]:
    """argparse's own messages (usage, errors) in ``lang`` while the block runs."""
    if lang != "id":
        yield
        return
    saved = argparse._, argparse.ngettext

    def gettext(message: str) -> str:
        return ARGPARSE_ID.get(message, message)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return gettext(singular if n == 1 else plural)

    argparse._, argparse.ngettext = gettext, ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved
