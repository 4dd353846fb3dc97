"""What every citation style offers: the :class:`Style` protocol and the :class:`Cite` record."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from .richtext import Rich

Item = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Cite:
    """One work cited at one place: key, locator ("12", "3-5") and its label ("page", "chapter")."""

    id: str
    locator: str | None = None
    label: str = "page"


class Style(Protocol):
    name: str

    def bibliography(self, items: Sequence[Item]) -> list[tuple[str, Rich]]:
        """Sorted reference list: (item id, entry), with 2018a/2018b letters where needed."""
        ...

    def citation(
        self, items: Sequence[Item], cites: Sequence[Cite], *, narrative: bool = False
    ) -> Rich:
        """In-text citation; ``items`` is the whole library so letters agree with the list."""
        ...

    def note(
        self, items: Sequence[Item], cite: Cite, *, kind: Literal["full", "short"] = "full"
    ) -> Rich:
        """A footnote citing one work (note styles; author-date raises UsageError)."""
        ...
