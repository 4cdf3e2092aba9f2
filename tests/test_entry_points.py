"""The three entry points agree on the sample batch: the CLI's JSON report, the Python API and the
pytest plugin give the same status for every (package, rule).

The CLI and the API are compared exactly. The plugin is compared at the granularity it exposes in
JUnit XML with its default outcome mapping (fail/error -> failed, n/a/review -> skipped,
pass/warn -> passed), and exactly through the ``status`` property it records on each test case.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import sopcheck
from sopcheck.cli import main
from sopcheck.sample import EXPECTED, generate

pytest_plugins = ["pytester"]

AS_OF = "2025-01-01"
OUTCOME = {  # the plugin's defaults (--sopcheck-warn=pass, --sopcheck-review=skip)
    "pass": "passed",
    "warn": "passed",
    "fail": "failed",
    "error": "failed",
    "n/a": "skipped",
    "review": "skipped",
}


@pytest.fixture(scope="module")
def sample_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("sample") / "batch")


@pytest.fixture(scope="module")
def api_statuses(sample_batch: Path) -> dict[tuple[str, str], str]:
    result = sopcheck.check(sample_batch, as_of=AS_OF, jobs=1)
    return {(p.id, f.rule): f.status.value for p in result.packages for f in p.findings}


def test_cli_json_report_matches_the_api(
    sample_batch: Path, api_statuses: dict, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    argv = ["check", str(sample_batch), "--format", "json", "--out", str(out)]
    code = main([*argv, "--as-of", AS_OF, "--jobs", "1", "--quiet"])
    assert code == 1  # the sample batch breaks rules on purpose
    report = json.loads((out / "sopcheck-report.json").read_text(encoding="utf-8"))
    cli = {(p["id"], f["rule"]): f["status"] for p in report["packages"] for f in p["findings"]}
    assert cli == api_statuses
    # and both are what the sample batch is built to give
    assert api_statuses == {(p, r): s for p, rules in EXPECTED.items() for r, s in rules.items()}


def _junit_cases(path: Path) -> list[ET.Element]:
    root = ET.parse(path).getroot()
    return list(root.iter("testcase"))


def _outcome(case: ET.Element) -> str:
    if case.find("failure") is not None:
        return "failed"
    if case.find("error") is not None:
        return "error"  # a setup/teardown error: never expected here
    if case.find("skipped") is not None:
        return "skipped"
    return "passed"


def test_pytest_plugin_matches_the_api(
    pytester: pytest.Pytester, sample_batch: Path, api_statuses: dict
) -> None:
    xml = pytester.path / "report.xml"
    result = pytester.runpytest_subprocess(
        "--sopcheck", str(sample_batch), "--sopcheck-as-of", AS_OF, "--junitxml", str(xml)
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    # junitxml turns the node id BATCH/PACKAGE::RULE into classname "<batch dotted>.PACKAGE"
    by_class = {p.replace("/", "."): p for p, _ in api_statuses}
    outcomes: dict[tuple[str, str], str] = {}
    statuses: dict[tuple[str, str], str] = {}
    status_items, batch_items = [], []
    for case in _junit_cases(xml):
        classname, name = case.get("classname", ""), case.get("name", "")
        if name == "sopcheck-status":
            status_items.append(_outcome(case))
            continue
        if name == "sopcheck-batch":  # the findings about the batch: none without a register
            batch_items.append(_outcome(case))
            continue
        package = next(p for c, p in by_class.items() if classname.endswith("." + c))
        key = (package, name)
        assert key not in outcomes, f"{key} reported twice"
        outcomes[key] = _outcome(case)
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        if "status" in props:
            statuses[key] = props["status"]
    assert status_items == ["passed"] and batch_items == ["passed"]
    assert outcomes == {k: OUTCOME[s] for k, s in api_statuses.items()}
    assert statuses == api_statuses  # the exact status, recorded as a JUnit property
