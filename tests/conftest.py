"""Shared test setup.

``tests/builders.py`` (package builder and ``run`` helper) is imported as ``builders``; this keeps
that import working under any pytest import mode (``prepend``, ``append`` or ``importlib``).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

_TESTS = str(Path(__file__).resolve().parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

# One extraction cache per test session (shared by xdist workers and pytester subprocesses, which
# inherit the environment), never the user's own ~/.cache/sopcheck.
if "SOPCHECK_CACHE_DIR" not in os.environ:
    os.environ["SOPCHECK_CACHE_DIR"] = tempfile.mkdtemp(prefix="sopcheck-test-cache-")
