"""Order of a Chicago reference list (CMOS 13.69–13.76, 13.104).

Entries sort by the names (or the title standing in for them) letter by letter, ignoring accents,
punctuation and case; then by year (author-date, undated works last) or by title (notes).
A leading English article ("The", "A", "An") is ignored when a title is alphabetized.
"""

from __future__ import annotations

import re

from .chicago_entry import Entry
from .chicago_names import sort_key
from .chicago_parts import creator
from .richtext import Rich

_ARTICLE = re.compile(r"^(the|an|a)\s+", re.IGNORECASE)
_ARTICLE_INITIALS = frozenset("TtAa")
_LEADING_MARKS = "“”‘’\"'*([ "

NameKey = tuple[tuple[str, str], ...]


def title_key(text: str, english: bool) -> str:
    text = text.lstrip(_LEADING_MARKS)
    if english and text[:1] in _ARTICLE_INITIALS:  # most titles start with no article
        text = _ARTICLE.sub("", text, count=1)
    return sort_key(text)


def _rich_key(rich: Rich | None, english: bool) -> str:
    return title_key(rich.plain(), english) if rich is not None else ""


def creator_key(entry: Entry) -> NameKey:
    head = creator(entry, "bib")
    if head.kind == "names":
        names = entry.names(head.role)
        if names:
            return tuple([forms.sort_key for forms in names.forms])
    if head.kind == "container":
        return ((_rich_key(head.rich, entry.english), ""),)
    return ((_rich_key(head.rich, entry.english), ""),)


def entry_title_key(entry: Entry) -> str:
    return _rich_key(entry.title_core, entry.english)


def author_date_key(entry: Entry) -> tuple[object, ...]:
    issued = entry.issued
    year = issued.year or 0 if issued else 0
    return (creator_key(entry), issued is None, year, entry_title_key(entry), entry.id)


def notes_key(entry: Entry) -> tuple[object, ...]:
    issued = entry.issued
    date = issued.sort_key() if issued else (0, 0, 0)
    return (creator_key(entry), entry_title_key(entry), date, entry.id)
