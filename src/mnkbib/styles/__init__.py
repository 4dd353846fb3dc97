"""Citation styles: a registry of names to style factories.

>>> from mnkbib.styles import get_style, Cite, render
>>> style = get_style("author-date")
>>> render(style.citation(items, [Cite("dierkes2018a", "12")]), "markdown")
"""

from __future__ import annotations

from collections.abc import Callable

from mnkbib.errors import UsageError

from .base import Cite, Item, Style
from .chicago import AuthorDate, NotesBibliography, ShortenedNotes
from .richtext import Rich, render

STYLES: dict[str, Callable[[], Style]] = {
    "author-date": AuthorDate,
    "notes-bibliography": NotesBibliography,
    "shortened-notes": ShortenedNotes,
}


def get_style(name: str) -> Style:
    """The style called ``name``; an unknown name raises UsageError listing the choices."""
    try:
        factory = STYLES[name]
    except KeyError:
        choices = ", ".join(sorted(STYLES))
        raise UsageError(f"unknown style {name!r}; choose from: {choices}") from None
    return factory()


__all__ = ["STYLES", "Cite", "Item", "Rich", "Style", "get_style", "render"]
