"""Shared test setup.

``tests/builders.py`` (package builder and ``run`` helper) is imported as ``builders``; this keeps
that import working under any pytest import mode (``prepend``, ``append`` or ``importlib``).
"""

from __future__ import annotations

import sys
from pathlib import Path

_TESTS = str(Path(__file__).resolve().parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)
