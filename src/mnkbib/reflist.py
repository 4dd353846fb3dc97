"""Reference lists for people to read: Chicago lists and Markdown reference lists.

The style (``mnkbib.styles``) turns CSL-JSON items into rich text; this module
chooses the items, groups and numbers them, and renders the markup. Pure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from mnkbib.errors import UsageError
from mnkbib.formats.csl_json import entry_to_csl
from mnkbib.gcpause import gc_paused
from mnkbib.model import Entry
from mnkbib.styles import Rich, get_style, render
from mnkbib.styles.richtext import render_all
from mnkbib.types import ENTRY_TYPES

MARKUPS = ("text", "markdown", "html")


def _check_markup(to: str) -> None:
    if to not in MARKUPS:
        raise UsageError(f"--to: unknown markup {to!r} (choose from {', '.join(MARKUPS)})")


def bibliography(entries: Sequence[Entry], style: str = "author-date") -> list[tuple[str, Rich]]:
    with gc_paused():  # many small dicts and lists that live on (see gc_paused)
        items = [entry_to_csl(e) for e in entries]
    return get_style(style).bibliography(items)


def chicago_list(entries: Sequence[Entry], *, style: str = "author-date", to: str = "text") -> str:
    """The sorted reference list: a line per entry (text), a paragraph (markdown), a div (html)."""
    _check_markup(to)
    refs = render_all([rich for _, rich in bibliography(entries, style)], to)
    return chicago_text(refs, to)


def chicago_text(refs: Sequence[str], to: str) -> str:
    """:func:`chicago_list` of the list's entries rendered in ``to``, in order."""
    _check_markup(to)
    if to == "text":
        return "".join(r + "\n" for r in refs)
    if to == "markdown":
        return "\n".join(r + "\n" for r in refs)
    body = "".join(f'  <div class="csl-entry">{r}</div>\n' for r in refs)
    return f'<div class="csl-bib-body">\n{body}</div>\n'


@dataclass(frozen=True, slots=True)
class Grouping:
    heading: Callable[[Entry], list[str]]  # an entry can be in several groups (tags)
    order: Callable[[str], Any]


GROUPINGS: dict[str, Grouping] = {
    "year": Grouping(
        lambda e: [str(e.year) if e.year is not None else "n.d."],
        lambda h: (h == "n.d.", -int(h) if h.isdigit() else 0),
    ),
    "type": Grouping(
        lambda e: [ENTRY_TYPES[e.type].description.split(" (")[0].capitalize()], lambda h: h
    ),
    "tag": Grouping(lambda e: e.tags or ["Untagged"], lambda h: (h == "Untagged", h.lower())),
    "container": Grouping(
        lambda e: [str(e.get("container") or "Other")], lambda h: (h == "Other", h.lower())
    ),
}


def markdown_list(
    entries: Sequence[Entry],
    *,
    style: str = "author-date",
    numbered: bool = False,
    group_by: str | None = None,
    heading_level: int = 2,
) -> str:
    """A Markdown reference list: bulleted or numbered, optionally under headings."""
    refs = bibliography(entries, style)
    by_key = {e.key: e for e in entries}
    texts = render_all([rich for _, rich in refs], "markdown")
    rendered = [(key, text) for (key, _), text in zip(refs, texts, strict=True)]
    return markdown_text(
        rendered,
        lambda key, grouping: GROUPINGS[grouping].heading(by_key[key]),
        numbered=numbered,
        group_by=group_by,
        heading_level=heading_level,
    )


def markdown_text(
    rendered: list[tuple[str, str]],
    headings: Callable[[str, str], Sequence[str]],
    *,
    numbered: bool = False,
    group_by: str | None = None,
    heading_level: int = 2,
) -> str:
    """:func:`markdown_list` of the list's entries rendered in Markdown, in order, as (key,
    text); ``headings(key, group_by)``: the headings (of GROUPINGS[group_by]) of an entry."""
    if group_by is None:
        return _items(rendered, numbered)
    if group_by not in GROUPINGS:
        raise UsageError(
            f"--group-by: unknown grouping {group_by!r} (choose from {', '.join(GROUPINGS)})"
        )
    grouping = GROUPINGS[group_by]
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, text in rendered:
        for heading in headings(key, group_by):
            groups[heading].append((key, text))
    hashes = "#" * heading_level
    parts = []
    for heading in sorted(groups, key=grouping.order):
        parts.append(f"{hashes} {_escape_heading(heading)}\n\n{_items(groups[heading], numbered)}")
    return "\n".join(parts)


def _items(rendered: list[tuple[str, str]], numbered: bool) -> str:
    lines = []
    for n, (_, text) in enumerate(rendered, start=1):
        marker = f"{n}." if numbered else "-"
        lines.append(f"{marker} {text}\n")
    return "".join(lines)


def _escape_heading(text: str) -> str:
    return render(text, "markdown")
