"""Exit codes and the exception hierarchy: every exception carries the exit code the CLI uses."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of the ``sopcheck`` command."""

    OK = 0  #: nothing at or above the --fail-on level
    FINDINGS = 1  #: findings at or above the --fail-on level
    USAGE = 2  #: bad command line or rule pack
    INTERNAL = 3  #: a bug in sopcheck
    INPUT = 4  #: the batch itself cannot be checked (missing, not a folder, no package found)
    INTERRUPTED = 130  #: stopped by Ctrl-C


class SopcheckError(Exception):
    """Base class; ``exit_code`` says how the CLI ends.

    ``SopcheckError("err.no_folder", path=p)``: an id of ``sopcheck.i18n.ERRORS`` with its
    parameters, rendered in the user's language by ``render(lang)`` (``str()`` is the English one);
    any other text is kept as it is in every language.
    """

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str = "", /, **params: object):
        from .i18n import ERRORS, error_text

        self.message_id = message if message in ERRORS else None
        self.params = params
        super().__init__(error_text(message, "en", **params) if self.message_id else message)

    def render(self, lang: str) -> str:
        """The message in ``lang`` ("id" or "en")."""
        if self.message_id is None:
            return str(self)
        from .i18n import error_text

        return error_text(self.message_id, lang, **self.params)


class UsageError(SopcheckError):
    """The caller asked for something impossible (bad option, output inside the batch...)."""

    exit_code = ExitCode.USAGE


class RulePackError(UsageError):
    """A rule pack could not be loaded or is invalid; the message names the file and the key."""

    def __init__(self, path: str, key: str, reason: str):
        self.path, self.key, self.reason = path, key, reason
        where = f"{path}: {key}" if key else path
        super().__init__(f"{where}: {reason}")


class BatchError(SopcheckError):
    """The batch root is missing, unreadable, or holds no package."""

    exit_code = ExitCode.INPUT
