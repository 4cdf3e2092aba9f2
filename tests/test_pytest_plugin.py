"""The pytest plugin (sopcheck.pytest_plugin), run in subprocesses through ``pytester``."""

import importlib.util
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from sopcheck.sample import EXPECTED, generate

pytest_plugins = ["pytester"]

AS_OF = "2025-01-01"
STATUSES = Counter(s for rules in EXPECTED.values() for s in rules.values())
N_RULES = len(next(iter(EXPECTED.values())))
TOTAL = len(EXPECTED) * N_RULES + 2  # + the status item and the batch item
# default mapping: fail/error fail, n/a and review skip, warn passes (with a warning)
DEFAULT = {
    "passed": STATUSES["pass"] + STATUSES["warn"] + 2,  # + the status and batch items
    "failed": STATUSES["fail"] + STATUSES["error"],
    "skipped": STATUSES["n/a"] + STATUSES["review"],
    "warnings": STATUSES["warn"],
}


@pytest.fixture(scope="module")
def sample_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("sample") / "batch")


@pytest.fixture
def batch(pytester: pytest.Pytester, sample_batch: Path) -> Path:
    return Path(shutil.copytree(sample_batch, pytester.path / "batch"))


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess(*args)


def test_does_nothing_without_the_option(pytester: pytest.Pytester, batch: Path) -> None:
    pytester.makepyfile(test_x="def test_x():\n    pass\n")
    result = run(pytester, "--co", "-q")
    assert "sopcheck" not in result.stdout.str()
    result = run(pytester)
    result.assert_outcomes(passed=1)
    assert not (pytester.path / ".pytest_cache" / "d" / "sopcheck").exists()


def test_sample_batch_outcomes_match_expected(pytester: pytest.Pytester, batch: Path) -> None:
    result = run(pytester, "--sopcheck", "batch", "--sopcheck-as-of", AS_OF, "-rfE")
    result.assert_outcomes(**DEFAULT)
    result.stdout.fnmatch_lines(["FAILED batch/2024-03-14-tiga-foto::KLP-01 - KLP-01 fail:*"])
    # the findings were cached for the next run / the other xdist workers
    assert list((pytester.path / ".pytest_cache" / "v" / "sopcheck" / "results").iterdir())
    again = run(pytester, "--sopcheck", "batch", "--sopcheck-as-of", AS_OF, "--lf")
    again.assert_outcomes(failed=DEFAULT["failed"], deselected=TOTAL - DEFAULT["failed"])


def test_ini_option_and_outcome_mapping(pytester: pytest.Pytester, batch: Path) -> None:
    pytester.makeini(f"[pytest]\nsopcheck_batch = batch\nsopcheck_as_of = {AS_OF}\n")
    result = run(pytester, "--sopcheck-review=fail", "--sopcheck-warn=xfail")
    result.assert_outcomes(
        passed=STATUSES["pass"] + 2,
        failed=STATUSES["fail"] + STATUSES["error"] + STATUSES["review"],
        skipped=STATUSES["n/a"],
        xfailed=STATUSES["warn"],
    )


def test_keyword_selects_one_rule(pytester: pytest.Pytester, batch: Path) -> None:
    result = run(pytester, "--sopcheck", "batch", "--sopcheck-as-of", AS_OF, "-k", "KLP-01")
    klp01 = Counter(rules["KLP-01"] for rules in EXPECTED.values())
    assert sum(klp01.values()) == len(EXPECTED)
    result.assert_outcomes(
        passed=klp01["pass"], failed=klp01["fail"], deselected=TOTAL - len(EXPECTED)
    )


def test_empty_folder_fails_the_session(pytester: pytest.Pytester) -> None:
    pytester.mkdir("empty")
    result = run(pytester, "--sopcheck", "empty")
    result.assert_outcomes(failed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*no package found*", "FAILED empty::sopcheck-status*"])


def test_failure_text_is_the_finding(pytester: pytest.Pytester, batch: Path) -> None:
    args = ("--sopcheck", "batch", "--sopcheck-as-of", AS_OF, "-k", "tiga-foto and KLP-01")
    result = run(pytester, *args)
    result.assert_outcomes(failed=1, deselected=TOTAL - 1)
    out = result.stdout.str()
    assert "KLP-01 fail: " in out and "minimal 4" in out
    assert "evidence: file=foto/IMG_20240314_" in out
    assert "Traceback" not in out and "sopcheck/" not in out.split("FAILURES")[1].split("short")[0]


def test_junitxml_names_testcases_by_rule(pytester: pytest.Pytester, batch: Path) -> None:
    run(pytester, "--sopcheck", "batch", "--sopcheck-as-of", AS_OF, "--junitxml=j.xml")
    cases = ET.parse(pytester.path / "j.xml").getroot().iter("testcase")
    names = Counter((c.get("classname"), c.get("name")) for c in cases)
    assert names[("batch.2024-03-14-tiga-foto", "KLP-01")] == 1
    assert names[("batch", "sopcheck-status")] == 1
    assert names[("batch", "sopcheck-batch")] == 1
    assert sum(names.values()) == TOTAL


@pytest.mark.skipif(importlib.util.find_spec("xdist") is None, reason="pytest-xdist not installed")
def test_xdist_gives_the_same_outcomes(pytester: pytest.Pytester, batch: Path) -> None:
    result = run(pytester, "--sopcheck", "batch", "--sopcheck-as-of", AS_OF, "-n", "2")
    result.assert_outcomes(**DEFAULT)


def test_register_rows_without_package_fail_the_batch_item(pytester: pytest.Pytester) -> None:
    from builders import AS_OF as PKG_AS_OF
    from builders import PACKAGE, make_package

    root = pytester.mkdir("reg")
    make_package(root)
    rows = f"no,paket,judul\n1,{PACKAGE},Musrenbang\n2,2024-03-20-pelantikan-kades,Pelantikan\n"
    (root / "register.csv").write_text(rows, encoding="utf-8")
    args = ("--sopcheck", "reg", "--sopcheck-as-of", PKG_AS_OF, "-k", "sopcheck-batch or REG-01")
    result = run(pytester, *args, "-rf")
    result.assert_outcomes(passed=1, failed=1, deselected=N_RULES - 1 + 1)
    result.stdout.fnmatch_lines(["FAILED reg::sopcheck-batch - REG-01 fail:*"])
    assert "2024-03-20-pelantikan-kades" in result.stdout.str()
    (root / "register.csv").write_text(f"no,paket\n1,{PACKAGE}\n", encoding="utf-8")
    run(pytester, *args).assert_outcomes(passed=2, deselected=N_RULES - 1 + 1)
