"""The CI recipes in docs/ci/ (also shown in the README) run as written.

Each recipe is parsed as YAML; its shell lines that invoke sopcheck or pytest are run with bash
in a temporary folder holding a copy of the sample batch as ``submissions/`` (the apt-get and pip
install lines are checked, not run: the test environment already has both). The sample batch
breaks rules on purpose, so the gate (pytest) exits 1 and writes report.xml, and the report line
succeeds and writes the reports that the recipe publishes as artifacts.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from sopcheck.sample import generate

CI = Path(__file__).resolve().parent.parent / "docs" / "ci"
APT = "apt-get install -y tesseract-ocr tesseract-ocr-ind tesseract-ocr-eng"


@pytest.fixture(scope="module")
def sample_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("sample") / "batch")


def _lines(block: str | list[str]) -> list[str]:
    text = "\n".join(block) if isinstance(block, list) else block
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]


def github_recipe() -> tuple[list[str], list[str]]:
    """(shell lines, artifact paths) of the GitHub Actions workflow."""
    doc = yaml.safe_load((CI / "github-actions.yml").read_text(encoding="utf-8"))
    (job,) = doc["jobs"].values()
    lines = [ln for step in job["steps"] if "run" in step for ln in _lines(step["run"])]
    (upload,) = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
    assert upload.get("if") == "always()"
    return lines, _lines(upload["with"]["path"])


def gitlab_recipe() -> tuple[list[str], list[str]]:
    """(shell lines, artifact paths) of the GitLab CI job."""
    doc = yaml.safe_load((CI / "gitlab-ci.yml").read_text(encoding="utf-8"))
    job = doc["sopcheck"]
    lines = _lines(job.get("before_script", [])) + _lines(job["script"])
    artifacts = job["artifacts"]
    assert artifacts["when"] == "always" and artifacts["reports"]["junit"] == "report.xml"
    return lines, list(artifacts["paths"])


def _run(line: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run(
        ["bash", "-e", "-c", line], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize("recipe", [github_recipe, gitlab_recipe], ids=["github", "gitlab"])
def test_recipe_runs_as_documented(recipe, sample_batch: Path, tmp_path: Path) -> None:
    lines, artifacts = recipe()
    installs = [ln for ln in lines if "apt-get" in ln or "pip install" in ln]
    assert any(ln.endswith(APT) for ln in installs), installs
    assert any(ln.startswith("pip install") for ln in installs), installs
    commands = [ln for ln in lines if ln not in installs]
    assert commands and all(ln.split()[0] in ("sopcheck", "pytest") for ln in commands), commands
    assert "pytest --sopcheck submissions/ --junitxml=report.xml" in commands

    shutil.copytree(sample_batch, tmp_path / "submissions")
    for line in commands:
        done = _run(line, tmp_path)
        output = done.stdout + done.stderr
        if line.startswith("pytest"):
            # the gate: the sample batch has failures, so pytest exits 1 (and the job fails)
            assert done.returncode == 1, output
            assert "FAILED submissions/2024-03-14-tiga-foto::KLP-01" in done.stdout
            cases = list(ET.parse(tmp_path / "report.xml").getroot().iter("testcase"))
            assert sum(c.find("failure") is not None for c in cases) > 0
        else:
            # the reports: findings (exit code 1) do not fail this line, anything worse would
            assert done.returncode == 0, output
            for name in ("sopcheck-report.html", "sopcheck-report.json", "sopcheck-junit.xml"):
                assert (tmp_path / "report" / name).is_file(), name
    for path in artifacts:
        assert (tmp_path / path).exists(), f"artifact {path} was not written"
    assert not any(p.name.startswith("report") for p in (tmp_path / "submissions").iterdir())


def test_the_report_line_still_fails_on_a_usage_error(tmp_path: Path) -> None:
    """``|| [ $? -eq 1 ]`` lets findings through but not a missing batch (exit code 4)."""
    lines, _ = gitlab_recipe()
    (line,) = [ln for ln in lines if ln.startswith("sopcheck check")]
    done = _run(line, tmp_path)  # no submissions/ here
    assert done.returncode != 0
    assert "sopcheck: error:" in done.stderr or "sopcheck: galat:" in done.stderr  # by the locale
