"""sopcheck: check activity packages against an SOP rule pack and write an audit report.

Public API::

    import sopcheck
    result = sopcheck.check("batch/")          # -> AuditResult
    pack = sopcheck.load_rulepack()            # the default pack (Lamandau medsos)
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import check  # noqa: E402
from .errors import BatchError, ExitCode, RulePackError, SopcheckError, UsageError  # noqa: E402
from .model import AuditResult, Evidence, Finding, PackageResult, Severity, Status  # noqa: E402
from .rulepack import RulePack, load_rulepack  # noqa: E402

__all__ = [
    "AuditResult", "BatchError", "Evidence", "ExitCode", "Finding", "PackageResult", "RulePack",
    "RulePackError", "Severity", "SopcheckError", "Status", "UsageError", "__version__", "check",
    "load_rulepack",
]  # fmt: skip
