"""The registry of checks a rule pack can name, with their typed parameters.

A check is a function ``(ctx: RuleContext) -> Outcome``. Parameters are declared here so that the
rule pack is validated when it loads, before any package is read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..model import Evidence, PackageEvidence, Severity, Status


@dataclass(frozen=True, kw_only=True)
class Param:
    """A declared parameter of a check."""

    type: type
    """int, bool, str or list (of str)."""
    default: Any
    """Value when the rule pack does not set it."""
    doc: str
    """One line for ``sopcheck rules show``."""
    choices: tuple[Any, ...] = ()
    """Allowed values, when limited."""


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """What a check returns; the engine turns it into a Finding with a rendered message."""

    status: Status
    message_id: str
    """Key into i18n.MESSAGES."""
    params: dict[str, Any] = field(default_factory=dict)
    evidence: tuple[Evidence, ...] = ()
    severity: Severity | None = None
    """Overrides the rule's severity when set."""


@dataclass(frozen=True, kw_only=True)
class RuleContext:
    """Everything a check may look at."""

    evidence: PackageEvidence
    params: dict[str, Any]
    """The rule's parameters, defaults filled in."""
    tz: dt.tzinfo
    """The pack's time zone."""
    as_of: dt.datetime
    """Reference time of the audit (aware)."""
    roles: tuple[str, ...]
    """Role ids of the pack, in order."""


@dataclass(frozen=True, kw_only=True)
class CheckSpec:
    name: str
    fn: Callable[[RuleContext], Outcome]
    params: dict[str, Param]
    doc: str


CHECKS: dict[str, CheckSpec] = {}


def check(name: str, **params: Param):
    """Register a check under ``name`` with its parameters."""

    def deco(fn: Callable[[RuleContext], Outcome]) -> Callable[[RuleContext], Outcome]:
        CHECKS[name] = CheckSpec(
            name=name, fn=fn, params=params, doc=(fn.__doc__ or "").strip().splitlines()[0]
        )
        return fn

    return deco


STATUS_CHOICES = ("pass", "warn", "review", "fail")


def status_param(default: str, doc: str) -> Param:
    return Param(type=str, default=default, doc=doc, choices=STATUS_CHOICES)
