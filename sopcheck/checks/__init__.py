"""Checks, registered by name in ``registry.CHECKS``; importing this package registers them all."""

from . import approval, completeness, integrity, timing  # noqa: F401  (registration)
from .registry import CHECKS, CheckSpec, Outcome, Param, RuleContext

__all__ = ["CHECKS", "CheckSpec", "Outcome", "Param", "RuleContext"]
