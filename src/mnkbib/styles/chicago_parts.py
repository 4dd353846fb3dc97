"""Building blocks of Chicago entries: creators, publication facts, dates, links.

Each function takes an :class:`Entry` and returns rich text or ``None`` (nothing to print), so
templates are lists of parts joined by the punctuation of their form.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from .chicago_entry import Entry
from .chicago_names import Name, name_list
from .chicago_text import parse
from .richtext import Italic, Rich, Seq, Text, join, wrap, wrapped

Mode = Literal["bib", "note", "short"]

# label after names standing in for the author: (singular, plural)
ROLE_LABELS = {
    "editor": ("ed.", "eds."),
    "translator": ("trans.", "trans."),
    "director": ("dir.", "dirs."),
    "collection-editor": ("ed.", "eds."),
}
# a secondary contributor after the title: (bibliography verb, note verb)
ROLE_VERBS = {
    "editor": ("Edited by", "ed."),
    "translator": ("Translated by", "trans."),
    "director": ("Directed by", "directed by"),
}
CONTAINER_SUBSTITUTES = frozenset({"article-magazine", "article-newspaper", "broadcast", "webpage"})


class Creator(NamedTuple):
    """Who heads an entry: names with a role, or a substitute (container, title).

    A named tuple rather than a frozen dataclass: a list makes a few per entry, and a frozen
    dataclass's ``__init__`` (``object.__setattr__`` per field) costs three times as much."""

    rich: Rich | None
    kind: Literal["names", "container", "title", "none"]
    role: str = "author"


def _names_rich(
    entry: Entry, names: list[Name], mode: Mode, role: str, *, disambiguate: bool = False
) -> Rich:
    if mode == "bib":
        text = name_list(names, "long", et_al_min=7, et_al_use_first=3, sort_first=True)
    elif mode == "note":
        text = name_list(names, "long", et_al_min=3, et_al_use_first=1)
    else:
        use_first = entry.names_shown if disambiguate and entry.names_shown else 1
        givens = entry.givens if disambiguate else None
        text = name_list(names, "short", et_al_min=3, et_al_use_first=use_first, givens=givens)
    rich: Rich = parse(text) if "<" in text or '"' in text else Text(text.replace("'", "’"))
    if role != "author" and mode != "short":
        single, plural = ROLE_LABELS[role]
        rich = Seq(rich, Text(", " + (plural if len(names) > 1 else single)))
    return rich


def container_substitute(entry: Entry, mode: Mode) -> Rich | None:
    if entry.type not in CONTAINER_SUBSTITUTES:
        return None
    core = entry.titled("container-title")
    if core is None:
        return None
    if entry.type == "webpage":
        return core
    rich: Rich = wrapped(Italic, core)
    place = entry.string("publisher-place")
    if mode != "short" and entry.type == "article-newspaper" and place:
        rich = Seq(rich, Text(f" ({place})"))
    return rich


def creator(entry: Entry, mode: Mode, *, disambiguate: bool = False) -> Creator:
    """The author, or what stands in its place (CMOS 13.79, 14.84)."""
    # only a disambiguated form depends on the disambiguation fields (and is the plain form
    # while they are unset)
    key: tuple[object, ...] = (
        ("creator", mode, entry.names_shown, tuple(entry.givens.items()))
        if disambiguate and (entry.names_shown or entry.givens)
        else ("creator", mode)
    )
    found = entry.memo.get(key)
    if found is None:
        found = entry.memo[key] = _creator(entry, mode, disambiguate)
    return found


# roles whose names head an entry, in order of precedence (a broadcast's director only in
# a bibliography)
HEAD_ROLES = ("author", "editor", "translator", "director")
HEAD_ROLES_BROADCAST_NOTE = ("author", "editor", "translator")


def _creator(entry: Entry, mode: Mode, disambiguate: bool) -> Creator:
    broadcast_note = entry.type == "broadcast" and mode != "bib"
    for role in HEAD_ROLES_BROADCAST_NOTE if broadcast_note else HEAD_ROLES:
        names = entry.names(role)
        if names:
            return Creator(
                _names_rich(entry, names, mode, role, disambiguate=disambiguate), "names", role
            )
    if entry.type == "webpage" and entry.has("publisher"):
        return Creator(entry.text("publisher"), "names", "publisher")
    substitute = container_substitute(entry, mode)
    if substitute is not None:
        return Creator(substitute, "container")
    title = entry.title(short=mode == "short", translated=mode != "short")
    if title is not None:
        return Creator(title, "title")
    return Creator(None, "none")


def contributor_phrase(entry: Entry, role: str, mode: Mode) -> Rich | None:
    """'Edited by Julian Dierkes' / 'ed. Julian Dierkes'."""
    if not entry.raw.get(role):  # no names (most entries): not worth reading them
        return None
    names = entry.names(role)
    if not names:
        return None
    verb = ROLE_VERBS[role][0 if mode == "bib" else 1]
    return Text(f"{verb} {name_list(names, 'long', et_al_min=99, et_al_use_first=99)}")


def secondary(entry: Entry, head: Creator, mode: Mode, roles: tuple[str, ...]) -> list[Rich | None]:
    """Contributors other than the one heading the entry."""
    return [contributor_phrase(entry, role, mode) if head.role != role else None for role in roles]


def date_full(entry: Entry) -> str:
    return entry.issued.full() if entry.issued else "n.d."


def date_year(entry: Entry) -> str:
    """The year of a book-like work's publication facts ("Brill, 2012")."""
    return entry.issued.year_text() if entry.issued else "n.d."


def accessed(entry: Entry, mode: Mode) -> Rich | None:
    """Access date, only for undated online sources (CMOS 14.12)."""
    if entry.issued is not None or entry.accessed is None or not entry.url:
        return None
    word = "Accessed" if mode == "bib" else "accessed"
    return Text(f"{word} {entry.accessed.full()}")


def publisher_in_parens(entry: Entry) -> Rich | None:
    """'(Brill, 2012)' for notes."""
    publisher = entry.text("publisher")
    return wrap("(", join([publisher, Text(date_year(entry))], ", "), ")")


def genre_number(entry: Entry, *, capitalize: bool) -> Rich | None:
    genre = entry.titled("genre") if capitalize else entry.text("genre")
    number = entry.string("number")
    if number:
        label = "No." if capitalize else "no."
        return join([genre, Text(f"{label} {number}")], " ")
    return genre


def series(entry: Entry) -> Rich | None:
    title = entry.titled("collection-title")
    number = entry.string("collection-number")
    return join([title, Text(number) if number else None], " ") if title else None
