"""The hostile corpus (tests/hostile.py) through the real pipeline: every case gives its finding.

One batch holds the sample batch and the hostile corpus. It is checked once through the API (the
per-case assertions) and once through the CLI with every report format and the cache on, with the
whole tree hashed before and after: sopcheck writes nothing where it reads. Hangs are impossible by
the limits; pytest-timeout is the backstop that turns a regression into a failure, not a stuck run.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import traceback
import xml.etree.ElementTree as ET
from pathlib import Path

import hostile
import jsonschema
import pytest
import yaml
from builders import AS_OF, DEFAULT_PACK, approval_png, default_pack, haystack, make_package
from PIL import Image

import sopcheck
from sopcheck.cli import main
from sopcheck.errors import RulePackError
from sopcheck.limits import DEFAULT, Limits, parse_override
from sopcheck.sample import generate

pytestmark = pytest.mark.timeout(900)
SCHEMA = Path(sopcheck.__file__).parent / "schema" / "report-v1.json"
PILLOW_LIMIT = Image.MAX_IMAGE_PIXELS


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("hostile") / "batch"
    generate(root, photo_size=(320, 240))
    return root, hostile.build(root)


@pytest.fixture(scope="module")
def result(corpus):
    root, _ = corpus
    return sopcheck.check(root, rules=default_pack(), as_of=AS_OF, jobs=1)


@pytest.mark.parametrize("case", hostile.CASES, ids=[c.name for c in hostile.CASES])
def test_case_gives_its_finding(corpus, result, case: hostile.Case) -> None:
    _, built = corpus
    if isinstance(built[case.package], hostile.Unavailable):
        pytest.skip(str(built[case.package]))
    pkg = next(p for p in result.packages if p.id == case.package)
    f = pkg.finding(case.rule)
    text = haystack(f)
    assert f.status.value == case.status, text
    missing = [e for e in case.expect if e not in text]
    assert not missing, text


def test_nothing_crashed_and_every_problem_is_one_line(corpus, result) -> None:
    _, built = corpus
    assert set(built) <= {p.id for p in result.packages}
    for p in result.packages:
        assert len(p.findings) == len(default_pack().rules), p.id
        for f in p.findings:
            assert f.message_id != "engine.crash", (p.id, f.rule, f.message)
            assert "Traceback" not in f.message
            for e in f.evidence:
                assert "\n" not in (e.note or ""), (p.id, f.rule, e)
            if f.rule == "INT-01" and f.status.value == "error":
                assert all(e.file for e in f.evidence), (p.id, f.evidence)


def test_batch_root_entries_that_are_not_packages_are_reported(result) -> None:
    skipped = {s["folder"]: s["reason"] for s in result.skipped}
    for folder, needle in hostile.ROOT_EXPECT.items():
        assert needle in skipped.get(folder, ""), (folder, skipped)
    assert not any(p.id.startswith("tautan-folder") for p in result.packages)


def test_a_link_out_of_the_batch_is_never_read(corpus, result) -> None:
    root, _ = corpus
    secret = (root.parent / "di-luar-batch" / "rahasia.jpg").read_bytes()
    digest = hashlib.sha256(secret).hexdigest()
    assert all(i["sha256"] != digest for i in result.inputs)


def test_object_constructing_tags_are_not_obeyed(result) -> None:
    pkg = next(p for p in result.packages if p.id.endswith("yaml-tag-objek"))
    assert (
        pkg.finding("KLP-03").status.value == "pass"
    )  # caption.txt, the manifest's caption unused
    assert not Path(f"/tmp/{hostile.PWNED}").exists()


def test_over_the_limit_files_are_still_hashed(result) -> None:
    pkg = next(p for p in result.packages if p.id.endswith("foto-100mb"))
    rec = next(f for f in pkg.evidence.package.files if f.path == "foto/besar.jpg")
    assert rec.size == 100 * 2**20 and rec.sha256 and "file_bytes" in rec.error


def test_pillow_limit_is_kept() -> None:
    assert Image.MAX_IMAGE_PIXELS == PILLOW_LIMIT and PILLOW_LIMIT > 0
    assert DEFAULT.pixels == PILLOW_LIMIT


# ------------------------------------------------------------------ read-only, through the CLI


def tree_state(root: Path) -> list[tuple]:
    """Every entry under ``root`` (and root itself): name bytes, type and mode, size, inode, link
    count, mtime, ctime, and the SHA-256 of a regular file's content or a link's target."""
    out = []
    broot = os.fsencode(root)
    for dirpath, dirnames, filenames in os.walk(broot, followlinks=False):
        for name in [b"", *dirnames, *filenames]:
            p = os.path.join(dirpath, name) if name else dirpath
            if not name and dirpath != broot:
                continue
            st = os.lstat(p)
            content = b""
            if stat.S_ISLNK(st.st_mode):
                content = os.readlink(p)
            elif stat.S_ISREG(st.st_mode):
                h = hashlib.sha256()
                with open(p, "rb") as f:
                    while chunk := f.read(1 << 20):
                        h.update(chunk)
                content = h.digest()
            out.append((os.path.relpath(p, broot), st.st_mode, st.st_size, st.st_ino, st.st_nlink,
                        st.st_mtime_ns, st.st_ctime_ns, content))  # fmt: skip
    return sorted(out)


def test_cli_every_format_with_cache_writes_nothing_into_the_batch(corpus, tmp_path, capsys):
    root, _ = corpus
    before = tree_state(root)
    assert len(before) > 10_000
    out = tmp_path / "report"
    argv = ["check", str(root), "--out", str(out), "--format", "json,md,junit,html,register",
            "--cache", str(tmp_path / "cache"), "--as-of", AS_OF, "--jobs", "2", "-q"]  # fmt: skip
    assert main(argv) == 1
    assert tree_state(root) == before
    assert "Traceback" not in capsys.readouterr().err
    report = json.loads((out / "sopcheck-report.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(report)
    ids = {p["id"] for p in report["packages"]}
    assert {c.package for c in hostile.CASES} <= ids
    ET.parse(out / "sopcheck-junit.xml")
    html = (out / "sopcheck-report.html").read_text(encoding="utf-8")
    assert "2024-03-12-foto-bom" in html and "caf\\xe9" in html
    assert (out / "sopcheck-report.md").stat().st_size > 0
    assert (out / "register-dokumentasi.csv").stat().st_size > 0
    # a warm rerun (cache filled) still writes nothing there
    assert main(argv) == 1
    assert tree_state(root) == before


# ------------------------------------------------------------------ limits as settings


def _pack_with(tmp_path: Path, limits) -> Path:
    data = yaml.safe_load(DEFAULT_PACK.read_text(encoding="utf-8"))
    data["limits"] = limits
    p = tmp_path / "pack.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return p


def test_pack_limits_section_is_read_and_validated(tmp_path: Path) -> None:
    pack = sopcheck.load_rulepack(_pack_with(tmp_path, {"pixels": 1000, "ocr_page_seconds": 5}))
    assert pack.limits == Limits(pixels=1000, ocr_page_seconds=5.0)
    assert sopcheck.load_rulepack(DEFAULT_PACK).limits == DEFAULT
    bad = [({"pixel": 1}, "limits.pixel: unknown limit"),
           ({"pages": -1}, "limits.pages: must be greater than 0"),
           ({"pages": 2.5}, "limits.pages: expected a int, got float"),
           ({"file_bytes": True}, "limits.file_bytes: expected a int, got bool"),
           ([1, 2], "limits: expected dict, got list")]  # fmt: skip
    for limits, message in bad:
        with pytest.raises(RulePackError, match="pack.yaml") as e:
            sopcheck.load_rulepack(_pack_with(tmp_path, limits))
        assert message in str(e.value), str(e.value)


def test_limit_override_parsing() -> None:
    assert parse_override("files_per_package=1_000") == ("files_per_package", 1000)
    assert parse_override("ocr_page_seconds=2.5") == ("ocr_page_seconds", 2.5)
    for bad in ("pixels", "pixels=", "pixels=-3", "nope=1", "pages=1.5"):
        with pytest.raises(ValueError, match="--limit"):
            parse_override(bad)


def test_cli_limit_override_and_its_errors(tmp_path: Path, capsys) -> None:
    root = tmp_path / "batch"
    make_package(root, photos=4, approval=False)
    out = tmp_path / "out"
    base = ["check", str(root), "--out", str(out), "--as-of", AS_OF, "--format", "json", "-q"]
    assert main([*base, "--limit", "files_per_package=5", "--limit", "pixels=100000"]) == 1
    report = json.loads((out / "sopcheck-report.json").read_text(encoding="utf-8"))
    int01 = next(f for f in report["packages"][0]["findings"] if f["rule"] == "INT-01")
    notes = " ".join(e.get("note", "") for e in int01["evidence"])
    assert int01["status"] == "error" and "over the limit of 5 (files_per_package)" in notes
    capsys.readouterr()
    assert main([*base, "--limit", "pixel=5"]) == 2
    assert "--limit pixel: unknown limit" in capsys.readouterr().err
    assert main([*base, "--limit", "pages=zero"]) == 2
    assert "expected a int, got 'zero'" in capsys.readouterr().err


def test_a_raised_limit_lets_the_file_through(tmp_path: Path) -> None:
    root = tmp_path / "batch"
    text = hostile._laughs(3, 3) + "caption: *l2\n"  # 6 aliases: over a limit of 5, under 50
    make_package(root, photos=4, approval=False, manifest=text)
    low = default_pack().with_limits(manifest_aliases=5)
    f = sopcheck.check(root, rules=low, as_of=AS_OF, jobs=1).packages[0].finding("INT-01")
    assert "more than 5 YAML aliases" in haystack(f)
    high = default_pack().with_limits(manifest_aliases=50)
    f = sopcheck.check(root, rules=high, as_of=AS_OF, jobs=1).packages[0].finding("INT-01")
    assert "aliases" not in haystack(f) and "tag=caption" in haystack(f)  # read, then typed


def test_ocr_of_a_page_is_killed_at_its_timeout(tmp_path: Path) -> None:
    root = tmp_path / "batch"
    make_package(root, photos=4, approval=False, extra_files={"persetujuan.png": approval_png()})
    pack = default_pack().with_limits(ocr_page_seconds=0.01)
    res = sopcheck.check(root, rules=pack, as_of=AS_OF, jobs=1, cache=False)
    f = res.packages[0].finding("PST-02")
    assert f.status.value in ("review", "error")
    assert "file=persetujuan.png" in haystack(f)
    assert (
        "Tesseract was stopped after 0.01 s on one page, the limit (ocr_page_seconds)"
        in haystack(f)
    )


# ------------------------------------------------------------------ unreadable, as another user


def _as_nobody(argv: list[str]) -> int:
    """``main(argv)`` in a forked child that has dropped root for user 'nobody' (65534).

    A fork, not a new interpreter: the interpreter may live where 'nobody' cannot go. Everything
    the run imports is imported first, by a run as root on the same batch (into another folder).
    """
    warm = list(argv)
    warm[warm.index("--out") + 1] += "-warm"
    main(warm)
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 99
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            code = main(argv)
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


@pytest.mark.skipif(os.geteuid() != 0, reason="as a normal user the corpus case 'tak-terbaca' runs")
def test_unreadable_file_and_folder_as_an_unprivileged_user(tmp_path_factory) -> None:
    """Root reads a chmod 000 file, so here sopcheck runs as 'nobody' in a forked child."""
    base = Path(tmp_path_factory.mktemp("nobody"))
    for p in (base, *base.parents):
        if str(p).startswith("/tmp/"):
            p.chmod(p.stat().st_mode | 0o755)  # let 'nobody' reach the batch
    root = base / "batch"
    pkg = make_package(root, photos=4, approval=False)
    (pkg / "foto" / "IMG_0004.jpg").chmod(0)
    (pkg / "rahasia").mkdir()
    (pkg / "rahasia" / "x.txt").write_bytes(b"x")
    (pkg / "rahasia").chmod(0)
    out = base / "out"
    out.mkdir()
    out.chmod(0o777)
    argv = ["check", str(root), "--out", str(out), "--no-cache", "--as-of", AS_OF,
            "--format", "json", "-q", "--jobs", "1"]  # fmt: skip
    try:
        assert _as_nobody(argv) == 1
        report = json.loads((out / "sopcheck-report.json").read_text(encoding="utf-8"))
    finally:
        (pkg / "rahasia").chmod(0o755)
    int01 = next(f for f in report["packages"][0]["findings"] if f["rule"] == "INT-01")
    notes = {e["file"]: e.get("note", "") for e in int01["evidence"]}
    assert notes["foto/IMG_0004.jpg"] == "cannot read: Permission denied"
    assert notes["rahasia/"] == "folder cannot be listed: Permission denied"
    klp01 = next(f for f in report["packages"][0]["findings"] if f["rule"] == "KLP-01")
    assert klp01["status"] == "fail"  # 3 photos read; the unreadable one does not count
