"""What every format module shares: read and write results and the format record."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from mnkbib.model import Entry


@dataclass(frozen=True)
class Problem:
    """Something a reader could not take as it was: one line, for the user."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line is not None else self.message


@dataclass
class ReadResult:
    """Entries read (keys as in the file, ``''`` where there is none) and what went wrong."""

    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class WriteResult:
    """The text written and, per entry and field, what the format could not hold."""

    text: str
    warnings: list[str] = field(default_factory=list)


Reader = Callable[[str, str], ReadResult]
Writer = Callable[[Sequence[Entry]], WriteResult]


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    suffixes: tuple[str, ...]
    read: Reader | None
    write: Writer | None
