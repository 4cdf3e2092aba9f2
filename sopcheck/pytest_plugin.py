"""pytest plugin: every (package, rule) of a sopcheck batch becomes a pytest test.

Installed through the ``pytest11`` entry point, it does nothing at all unless switched on, so
installing sopcheck never changes another project's test run. Switch it on with::

    pytest --sopcheck BATCH                 # or the ini option  sopcheck_batch = BATCH

Options (command line; the ini options of the same name without the dashes, e.g.
``sopcheck_rules``, are used when the command-line option is not given):

``--sopcheck BATCH`` / ``sopcheck_batch``
    The batch folder. A command-line path is relative to the current directory, an ini path to
    the rootdir.
``--sopcheck-rules PACK`` / ``sopcheck_rules``
    Rule pack name or YAML path (default: sopcheck's default pack).
``--sopcheck-as-of DATE`` / ``sopcheck_as_of``
    The audit's reference date (default: now, as for ``sopcheck check``).
``--sopcheck-warn=pass|skip|xfail|fail``  (default ``pass``, with a ``SopcheckWarning``)
``--sopcheck-review=pass|skip|xfail|fail``  (default ``skip``: a person must look)
    How ``warn`` and ``review`` findings are reported. ``fail`` and ``error`` always fail, ``n/a``
    is always skipped, ``pass`` passes.

Items: one per (package, rule) in the pack's order, with node ids ``BATCH/PACKAGE::RULE``
(``BATCH`` relative to the rootdir when it lies inside it), so ``-k KLP-01``, ``-x``, ``--lf`` and
``--junitxml`` work; ``-k`` also matches the package id. They are preceded by one status item
``BATCH::sopcheck-status`` that fails when the batch holds no package (a session must not pass with
zero checks) and otherwise passes, naming the number of packages, and followed by one item
``BATCH::sopcheck-batch`` for the findings about the batch as a whole (REG-01: register rows that
name no package). It passes when there is none; otherwise its outcome is that of the worst of them,
with the same ``--sopcheck-warn`` / ``--sopcheck-review`` mapping, and its text lists them all.

Evaluation: the batch is checked once per session, lazily at the first item, with
``sopcheck.check(batch, rules, jobs=1, as_of=...)``. The findings are kept in pytest's cache
(``.pytest_cache``), keyed by the batch path, the rule pack's sha256, the as-of date (today when
none is given), the sopcheck version and every file of the batch with its size and mtime, under an
``fcntl.flock`` lock: under pytest-xdist the first worker computes and the others read. A cache
entry that cannot be read is recomputed. ``-p no:cacheprovider`` turns the cache off.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import warnings
from pathlib import Path
from typing import Any

import pytest

OUTCOMES = ("pass", "skip", "xfail", "fail")
STATUS_NAME = "sopcheck-status"
BATCH_NAME = "sopcheck-batch"
_SEVERITY = ("pass", "n/a", "warn", "review", "fail", "error")
_CACHE_PREFIX = "sopcheck/results/"
_RESULT_KEY = pytest.StashKey[dict[str, Any]]()


class SopcheckWarning(pytest.PytestWarning):
    """A sopcheck finding of status ``warn`` that is reported as passed."""


class SopcheckFailure(Exception):
    """A finding that fails its item; ``str()`` is the text shown (no traceback)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sopcheck", "sopcheck: check a batch of SOP activity packages")
    group.addoption(
        "--sopcheck", metavar="BATCH", default=None, help="check this batch folder as tests"
    )
    group.addoption(
        "--sopcheck-rules", metavar="PACK", default=None, help="rule pack name or YAML path"
    )
    group.addoption(
        "--sopcheck-as-of", metavar="DATE", default=None, help="audit reference date (ISO)"
    )
    group.addoption(
        "--sopcheck-warn",
        choices=OUTCOMES,
        default=None,
        help="outcome of 'warn' findings (default: pass, with a warning)",
    )
    group.addoption(
        "--sopcheck-review",
        choices=OUTCOMES,
        default=None,
        help="outcome of 'review' findings (default: skip)",
    )
    parser.addini("sopcheck_batch", "sopcheck batch folder (relative to the rootdir)", default="")
    parser.addini("sopcheck_rules", "sopcheck rule pack name or YAML path", default="")
    parser.addini("sopcheck_as_of", "sopcheck audit reference date (ISO)", default="")
    parser.addini("sopcheck_warn", "outcome of 'warn' findings: " + "|".join(OUTCOMES), default="")
    parser.addini(
        "sopcheck_review", "outcome of 'review' findings: " + "|".join(OUTCOMES), default=""
    )


class _Settings:
    def __init__(self, config: pytest.Config, batch: Path) -> None:
        def opt(name: str) -> str | None:
            value = config.getoption("--sopcheck-" + name)
            return value or config.getini("sopcheck_" + name.replace("-", "_")) or None

        self.batch = batch
        self.rules = opt("rules")
        self.as_of = opt("as-of")
        self.warn = opt("warn") or "pass"
        self.review = opt("review") or "skip"
        for name in ("warn", "review"):
            if getattr(self, name) not in OUTCOMES:
                raise pytest.UsageError(f"sopcheck_{name}: use one of {', '.join(OUTCOMES)}")


def _settings(config: pytest.Config) -> _Settings | None:
    value = config.getoption("--sopcheck")
    if value:
        return _Settings(config, Path(config.invocation_params.dir, value).resolve())
    value = config.getini("sopcheck_batch")
    if value:
        return _Settings(config, Path(config.rootpath, value).resolve())
    return None


def _display(config: pytest.Config, path: Path) -> str:
    try:
        return path.relative_to(config.rootpath).as_posix() or "."
    except ValueError:
        return path.as_posix()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    settings = _settings(config)
    if settings is None:
        return
    from .discover import find_packages
    from .errors import SopcheckError
    from .rulepack import load_rulepack

    try:
        pack = load_rulepack(settings.rules)
    except SopcheckError as e:
        raise pytest.UsageError(f"--sopcheck-rules: {e}") from None
    settings.pack = pack
    prefix = _display(config, settings.batch)
    packages: list[str] = []
    problem = None
    try:
        found = find_packages(settings.batch)
        packages = [p.relative_to(found.base).as_posix() for p in found.packages]
    except SopcheckError as e:
        problem = str(e)
    new: list[pytest.Item] = [
        SopcheckStatusItem.from_parent(
            session,
            name=STATUS_NAME,
            nodeid=f"{prefix}::{STATUS_NAME}",
            path=settings.batch,
            packages=len(packages),
            problem=problem,
        )
    ]
    for package in packages:
        for rule in pack.rules:
            item = SopcheckItem.from_parent(
                session,
                name=rule.id,
                nodeid=f"{prefix}/{package}::{rule.id}",
                path=settings.batch,
                package=package,
                rule=rule.id,
                settings=settings,
            )
            item.extra_keyword_matches.add(package)
            new.append(item)
    if packages:
        new.append(
            SopcheckBatchItem.from_parent(
                session, name=BATCH_NAME, nodeid=f"{prefix}::{BATCH_NAME}", path=settings.batch,
                settings=settings,
            )
        )  # fmt: skip
    items.extend(new)


class SopcheckStatusItem(pytest.Item):
    """Fails when the batch holds no package; otherwise passes and reports how many it holds."""

    def __init__(self, *, packages: int, problem: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.packages = packages
        self.problem = problem

    def runtest(self) -> None:
        if self.problem or not self.packages:
            raise SopcheckFailure(self.problem or f"{self.path}: no package found")
        self.user_properties.append(("packages", self.packages))
        self.add_report_section("call", "sopcheck", f"{self.packages} packages")

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, SopcheckFailure):
            return f"sopcheck: {excinfo.value}"
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, f"sopcheck status of {self.path}"


def _outcome(status: str, settings: _Settings, text: str, where: Path, label: str) -> None:
    """Pass, skip, xfail, warn or raise for a finding of ``status`` (shown as ``text``; a warning
    is prefixed with ``label``)."""
    if status == "pass":
        return
    if status == "n/a":
        pytest.skip(text)
    outcome = {"warn": settings.warn, "review": settings.review}.get(status, "fail")
    if outcome == "pass":
        if status == "warn":
            warnings.warn_explicit(
                SopcheckWarning(f"{label}: {text}"), SopcheckWarning, filename=str(where), lineno=0
            )
        return
    if outcome == "skip":
        pytest.skip(text)
    if outcome == "xfail":
        pytest.xfail(text)
    raise SopcheckFailure(text)


class SopcheckItem(pytest.Item):
    """One rule's finding for one package."""

    def __init__(self, *, package: str, rule: str, settings: _Settings, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.package = package
        self.rule = rule
        self.settings = settings

    def runtest(self) -> None:
        result = _result(self.config, self.settings)
        findings = result["packages"].get(self.package)
        if findings is None:
            raise SopcheckFailure(f"package {self.package} is not in the result")
        finding = next((f for f in findings if f["rule"] == self.rule), None)
        if finding is None:
            raise SopcheckFailure(f"{self.rule}: no finding for {self.package}")
        status = finding["status"]
        self.user_properties.append(("status", status))
        text = _finding_text(finding) if status != "pass" else ""
        _outcome(status, self.settings, text, self.path / self.package, self.package)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, SopcheckFailure | _EvaluationError):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path / self.package, None, f"{self.package}::{self.rule}"


class SopcheckBatchItem(pytest.Item):
    """The findings about the batch as a whole (not about one package), after the packages."""

    def __init__(self, *, settings: _Settings, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.settings = settings

    def runtest(self) -> None:
        findings = _result(self.config, self.settings).get("batch", [])
        self.user_properties.append(("findings", len(findings)))
        if not findings:
            return
        worst = max((f["status"] for f in findings), key=_SEVERITY.index)
        self.user_properties.append(("status", worst))
        text = "\n".join(_finding_text(f) for f in findings)
        _outcome(worst, self.settings, text, self.path, "batch")

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, SopcheckFailure | _EvaluationError):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, f"sopcheck findings about the batch {self.path}"


class _EvaluationError(Exception):
    """sopcheck could not check the batch (shown without a traceback)."""


def _finding_text(finding: dict[str, Any]) -> str:
    lines = [f"{finding['rule']} {finding['status']}: {finding['message']}"]
    for ev in finding.get("evidence", ()):
        parts = [f"{k}={ev[k]}" for k in ("file", "page", "tag", "value", "note") if k in ev]
        lines.append("  evidence: " + ", ".join(parts))
    return "\n".join(lines)


def _result(config: pytest.Config, settings: _Settings) -> dict[str, Any]:
    """The findings of the batch, computed once per session (and shared through the cache)."""
    if _RESULT_KEY not in config.stash:
        config.stash[_RESULT_KEY] = _cached_or_computed(config, settings)
    return config.stash[_RESULT_KEY]


def _compute(settings: _Settings) -> dict[str, Any]:
    import sopcheck
    from sopcheck.report.json import jsonable

    try:
        result = sopcheck.check(settings.batch, settings.pack, jobs=1, as_of=settings.as_of)
    except sopcheck.SopcheckError as e:
        raise _EvaluationError(f"sopcheck could not check {settings.batch}: {e}") from None

    def data(f) -> dict[str, Any]:
        return {
            "rule": f.rule,
            "status": str(f.status),
            "message": f.message,
            "evidence": [jsonable(e.to_dict()) for e in f.evidence],
        }

    return {
        "packages": {p.id: [data(f) for f in p.findings] for p in result.packages},
        "batch": [data(f) for f in result.batch_findings],
    }


def _cache_key(settings: _Settings) -> str:
    from sopcheck import __version__

    files = []
    for top, dirs, names in os.walk(settings.batch):
        dirs.sort()
        for name in sorted(names):
            path = Path(top, name)
            with contextlib.suppress(OSError):
                st = path.stat()
                files.append(
                    (path.relative_to(settings.batch).as_posix(), st.st_size, st.st_mtime_ns)
                )
    key = {
        "batch": str(settings.batch),
        "rules": settings.pack.sha256,
        "as_of": settings.as_of or dt.date.today().isoformat(),
        "version": __version__,
        "files": files,
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


def _cached_or_computed(config: pytest.Config, settings: _Settings) -> dict[str, Any]:
    cache = getattr(config, "cache", None)
    if cache is None:
        return _compute(settings)
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, no sharing
        return _compute(settings)
    name = _CACHE_PREFIX + hashlib.sha256(str(settings.batch).encode()).hexdigest()[:16]
    key = _cache_key(settings)
    lock_path = cache.mkdir("sopcheck") / "lock"
    with open(lock_path, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            entry = cache.get(name, None)
            if isinstance(entry, dict) and entry.get("key") == key:
                data = entry.get("data")
                if (
                    isinstance(data, dict)
                    and isinstance(data.get("packages"), dict)
                    and isinstance(data.get("batch"), list)
                ):
                    return data
            data = _compute(settings)
            cache.set(name, {"key": key, "data": data})
            return data
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
