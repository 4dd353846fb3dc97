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
from .richtext import Rich, Seq, Text

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
    if rich is None:
        return ""
    children = rich.children
    if type(rich) is Seq and len(children) == 1 and type(children[0]) is Text:
        return title_key(children[0].plain(), english)  # plain words (most titles)
    return title_key(rich.plain(), english)


def creator_key(entry: Entry) -> NameKey:
    head = creator(entry, "bib")
    if head.kind == "names":
        names = entry.names(head.role)
        if names:
            return tuple([forms.sort_key for forms in names.forms])
    if head.kind == "container":
        return ((_rich_key(head.rich, entry.english), ""),)
    return ((_rich_key(head.rich, entry.english), ""),)


def creator_text_key(entry: Entry) -> str:
    return name_key_text(creator_key(entry))


def name_key_text(key: NameKey) -> str:
    """A :func:`creator_key` as one string that sorts as the tuple does (a sort compares a
    string at once, a tuple of tuples pair by pair): each (family, given) pair joined by
    "\x01", the pairs by "\x00". Sort keys hold neither (see ``sort_key``), and both sort
    before any character they hold, so a name that begins another sorts first, as in tuple
    order."""
    return "\x00".join([f"{family}\x01{given}" for family, given in key])


def entry_title_key(entry: Entry) -> str:
    return _rich_key(entry.title_core, entry.english)


def author_date_key(entry: Entry) -> tuple[object, ...]:
    issued = entry.issued
    year = issued.year or 0 if issued else 0
    return (creator_text_key(entry), issued is None, year, entry_title_key(entry), entry.id)


def notes_key(entry: Entry) -> tuple[object, ...]:
    issued = entry.issued
    date = issued.sort_key() if issued else (0, 0, 0)
    return (creator_text_key(entry), entry_title_key(entry), date, entry.id)
