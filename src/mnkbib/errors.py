"""Errors mnkbib raises. Library code raises these; only the CLI prints them.

Each error carries a one-line, user-facing message and the exit code the CLI
returns for it (see the README's "Exit codes").
"""

from __future__ import annotations


class MnkbibError(Exception):
    """Base class: a problem the user can fix. Exit code 1."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(MnkbibError):
    """The command line asks for something impossible. Exit code 2."""

    exit_code = 2


class ParseError(MnkbibError):
    """Input text (YAML, BibTeX, a name, a date …) could not be read.

    ``source`` names the file (or ``<stdin>``, ``--author`` …), ``line`` and
    ``column`` are 1-based where known.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.source = source
        self.line = line
        self.column = column
        where = ""
        if source is not None:
            where = source
            if line is not None:
                where += f":{line}"
                if column is not None:
                    where += f":{column}"
            where += ": "
        super().__init__(where + message)
        self.reason = message


class ValidationError(MnkbibError):
    """An entry breaks the data model (wrong type, bad date, empty title …).

    ``field`` names the offending field where known, so a reader can point at its line.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class StoreError(MnkbibError):
    """The library file cannot be read, locked or written."""


class NotFoundError(MnkbibError):
    """A citation key (or another named thing) does not exist."""


class ConflictError(MnkbibError):
    """The operation would overwrite something (an existing key, a file)."""


class FetchError(MnkbibError):
    """Metadata for an identifier could not be fetched (network, 404, 429 …)."""
