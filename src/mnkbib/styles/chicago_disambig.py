"""Telling author-date citations apart (CMOS 13.103–13.105), as CSL's Chicago style does it.

1. Two different people with the same family name as first author: their first names get
   initials ("J. Adams 2003", "Z. Adams 1999"), full given names if the initials agree.
2. Citations still alike ("Jones et al. 2015" twice): add names one at a time.
3. Still alike (same authors, same year): letters a, b, c … in reference-list order.

Works on entries already in reference-list order and sets their disambiguation fields.

What the steps read of each entry goes through a small interface (:class:`CiteNames`, and
a ``label`` function): :func:`disambiguate` answers it from the entries themselves; a
cache of the reference list answers it from values :func:`citation_facts` computed for
each entry alone (the same functions with the same arguments), and from the entry where
it has none. Both run the one algorithm, :func:`resolve`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from string import ascii_lowercase
from typing import Protocol, TypeVar

from .chicago_entry import Entry
from .chicago_names import Name, NameList, _Forms, initials, name_forms, name_list
from .chicago_parts import HEAD_ROLES, HEAD_ROLES_BROADCAST_NOTE, creator
from .chicago_text import parse

Person = tuple[str, str, str]
# The first name of a citation as step 1 reads it (None: no names, or a literal one):
# the person, whether the name is family-first, the given name as written.
First = tuple[Person, bool, str] | None


class Citing(Protocol):
    """An entry as the steps see it: its id and the fields they set."""

    id: str
    givens: dict[int, str]
    names_shown: int
    year_suffix: str


class CiteNames(Protocol):
    """The names a citation of one entry shows (:func:`_cite_names`)."""

    def first(self) -> First: ...

    def count(self) -> int: ...

    def short(self, givens: Mapping[int, str], shown: int) -> str:
        """The names as a citation shows them: ``shown`` names before "et al.", the first
        with ``givens[0]`` (initials or a given name) if set."""
        ...


C = TypeVar("C", bound=Citing)


def _head_names(entry: Entry) -> NameList | None:
    """The names heading ``creator(entry, "short")``, found without rendering it: the first
    head role with names (as ``_creator`` chooses); None if no head role has names."""
    for role in HEAD_ROLES_BROADCAST_NOTE if entry.type == "broadcast" else HEAD_ROLES:
        names = entry.names(role)
        if names:
            return names
    return None


def _cite_names(entry: Entry) -> list[Name]:
    names = _head_names(entry)
    if names is not None:
        return names
    head = creator(entry, "short")  # a publisher, a container, a title or nothing
    return entry.names(head.role) if head.kind == "names" else []


def _short_names(givens: Mapping[int, str], names: Sequence[Name], shown: int) -> str:
    return name_list(names, "short", et_al_min=3, et_al_use_first=shown, givens=givens)


def _first(names: list[Name]) -> tuple[Name, _Forms] | None:
    """The first name of a citation and its forms (None: no names)."""
    if not names:
        return None
    if type(names) is NameList:
        return names[0], names.forms[0]
    return name_forms(names)[0]


class Names:
    """:class:`CiteNames` of a list of names."""

    __slots__ = ("names",)

    def __init__(self, names: list[Name]) -> None:
        self.names = names

    def first(self) -> First:
        found = _first(self.names)
        if found is None or found[1].literal is not None:
            return None
        name, forms = found
        return forms.person, forms.family_first, str(name.get("given") or "")

    def count(self) -> int:
        return len(self.names)

    def short(self, givens: Mapping[int, str], shown: int) -> str:
        return _short_names(givens, self.names, shown)


def add_given_names(entries: Sequence[C], names: Mapping[str, CiteNames]) -> None:
    by_family: dict[tuple[str, str], dict[Person, str]] = defaultdict(dict)
    firsts = {key: value.first() for key, value in names.items()}
    for entry in entries:
        first = firsts[entry.id]
        if first is not None:
            person = first[0]
            by_family[person[:2]][person] = first[2]
    expanded: dict[Person, str] = {}
    for people in by_family.values():
        if len(people) < 2:
            continue
        short = {key: initials(given) for key, given in people.items()}
        alike = Counter(short.values())  # people of one family with the same initials
        for key, given in people.items():
            clash = alike[short[key]] > 1
            expanded[key] = given if clash else short[key]
    if not expanded:
        return
    for entry in entries:
        first = firsts[entry.id]
        if first is not None and not first[1]:
            given = expanded.get(first[0])
            if given:
                entry.givens = {0: given}


def add_names(
    entries: Sequence[C], names: Mapping[str, CiteNames], years: Sequence[str]
) -> list[str]:
    """Returns each entry's names as a citation first shows them (one name, then "et al."),
    for :func:`add_year_suffixes`. ``years``: each entry's ``year()``."""
    groups: dict[str, list[C]] = defaultdict(list)
    shorts = []
    for index, entry in enumerate(entries):
        short = names[entry.id].short(entry.givens, 1)
        shorts.append(short)
        groups[short + "|" + years[index]].append(entry)
    for group in groups.values():
        if len(group) < 2:
            continue
        most = max(names[e.id].count() for e in group)
        shown = {e.id: 1 for e in group}
        unresolved = list(group)
        for count in range(2, most + 1):
            for e in unresolved:
                shown[e.id] = min(count, names[e.id].count())
            rendered = {e.id: names[e.id].short(e.givens, shown[e.id]) for e in group}
            counts = Counter(rendered.values())
            unresolved = [e for e in unresolved if counts[rendered[e.id]] > 1]
            if not unresolved:
                break
        left = {e.id for e in unresolved}
        for e in group:
            if e.id not in left and shown[e.id] > 1:
                e.names_shown = shown[e.id]
    return shorts


def _plain_short(short: str) -> str:
    """The plain text of names as ``_names_rich`` renders them (``short`` with ’ for ', or
    parsed if it has markup or quotes)."""
    if "<" in short or '"' in short:
        return parse(short).plain()
    return short.replace("'", "’")


def _label(entry: Entry, short: str | None) -> str:
    """The plain text of ``creator(entry, "short", disambiguate=True)``.

    ``short`` is :func:`add_names`'s text for the entry if it names the entry's head role
    (see :func:`_head_names`): while no more names are shown, the creator is those names as
    ``_names_rich`` renders them. Anything else asks ``creator``."""
    if short is not None and not entry.names_shown:
        return _plain_short(short)
    head = creator(entry, "short", disambiguate=True)
    return head.rich.plain() if head.rich is not None else ""


def add_year_suffixes(
    entries: Sequence[C],
    shorts: Sequence[str | None],
    years: Sequence[str],
    label: Callable[[C, str | None], str],
) -> None:
    """``shorts``: each entry's names from :func:`add_names` where they are its head names
    (:func:`_head_names`), else None; ``years``: each entry's ``year()``."""
    groups: dict[str, list[C]] = defaultdict(list)
    for index, entry in enumerate(entries):
        groups[label(entry, shorts[index]) + "|" + years[index]].append(entry)
    for group in groups.values():
        if len(group) > 1:
            for index, entry in enumerate(group):
                entry.year_suffix = _letters(index)


def _letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = ascii_lowercase[rest] + letters
    return letters


def resolve(
    entries: Sequence[C],
    names: Mapping[str, CiteNames],
    headed: Sequence[bool],
    years: Sequence[str],
    label: Callable[[C, str | None], str],
) -> None:
    """The three steps, on entries in reference-list order. ``names``: each id's citation
    names (of the last entry with that id); ``headed``: for each entry, whether those are its
    head names; ``years``: each entry's ``year()`` (no letters yet); ``label``: the plain
    text of an entry's disambiguated creator, given its names from step 2 if headed."""
    add_given_names(entries, names)
    shorts = add_names(entries, names, years)
    add_year_suffixes(
        entries, [s if h else None for s, h in zip(shorts, headed, strict=True)], years, label
    )


def disambiguate(entries: Sequence[Entry]) -> None:
    """Entries in reference-list order."""
    heads = [_head_names(entry) for entry in entries]
    lists = {
        entry.id: _cite_names(entry) if head is None else head
        for entry, head in zip(entries, heads, strict=True)
    }
    names = {key: Names(value) for key, value in lists.items()}
    # lists[entry.id] is another entry's if two share an id
    headed = [
        head is not None and lists[entry.id] is head
        for entry, head in zip(entries, heads, strict=True)
    ]
    years = [entry.year() for entry in entries]  # the letters are not set until the end
    resolve(entries, names, headed, years, _label)


# ---------------------------------------------------------------------------------------
# Each entry's part, computed alone (for a cache of reference lists)

# What :func:`citation_facts` gives: (first name as step 1 reads it, number of names,
# headed, year, memo); memo: (given or None, short, label) for the entry with no given
# name shown or with that one, and one name shown (no more): its names as step 2 first
# compares them, and its label for step 3.
Memo = tuple[tuple[str | None, str, str], ...]
Facts = tuple[First, int, bool, str, Memo]


def citation_facts(entry: Entry) -> Facts:
    """What :func:`resolve` reads of ``entry`` (fresh from its item) in the usual cases,
    computed from the entry alone: with no given name, with its first name's initials and
    with its first name's given name (what step 1 may give it), and no more names shown.
    The entry is left as it was."""
    head = _head_names(entry)
    names = Names(_cite_names(entry) if head is None else head)
    first = names.first()
    candidates: list[str | None] = [None]
    if first is not None and not first[1]:
        for given in (initials(first[2]), first[2]):
            if given and given not in candidates:
                candidates.append(given)
    memo: list[tuple[str | None, str, str]] = []
    saved = entry.givens, entry.names_shown
    try:
        for given in candidates:
            entry.givens = {0: given} if given else {}
            entry.names_shown = 0
            short = names.short(entry.givens, 1)
            memo.append((given, short, _label(entry, short if head is not None else None)))
    finally:
        entry.givens, entry.names_shown = saved
    return first, names.count(), head is not None, entry.year(), tuple(memo)


class Standin:
    """An entry in :func:`resolve` known by its :class:`Facts`: :class:`Citing`, and its
    own :class:`CiteNames` (ids are unique). What the facts do not answer is asked of the
    entry itself, made by ``load(id)`` when first needed."""

    __slots__ = ("_entry", "_load", "_names", "facts", "givens", "id", "names_shown", "year_suffix")

    def __init__(self, key: str, facts: Facts, load: Callable[[str], Entry]) -> None:
        self.id = key
        self.facts = facts
        self.givens: dict[int, str] = {}
        self.names_shown = 0
        self.year_suffix = ""
        self._load = load
        self._entry: Entry | None = None
        self._names: Names | None = None

    def entry(self) -> Entry:
        """The entry itself, with the fields the steps have set so far."""
        if self._entry is None:
            self._entry = self._load(self.id)
        entry = self._entry
        entry.givens, entry.names_shown = dict(self.givens), self.names_shown
        entry.year_suffix = self.year_suffix
        return entry

    def _live(self) -> Names:
        if self._names is None:
            entry = self.entry()
            head = _head_names(entry)
            self._names = Names(_cite_names(entry) if head is None else head)
        return self._names

    def _memo(self, givens: Mapping[int, str]) -> tuple[str | None, str, str] | None:
        """The memo of the entry with these givens (and one name shown), if it has one."""
        if len(givens) > 1 or (givens and 0 not in givens):
            return None
        given = givens.get(0)
        for found in self.facts[4]:
            if found[0] == given:
                return found
        return None

    def first(self) -> First:
        return self.facts[0]

    def count(self) -> int:
        return self.facts[1]

    def short(self, givens: Mapping[int, str], shown: int) -> str:
        found = self._memo(givens) if shown == 1 else None
        if found is not None:
            return found[1]
        return self._live().short(givens, shown)

    def label(self, short: str | None) -> str:
        if not self.names_shown:
            found = self._memo(self.givens)
            if found is not None and short == (found[1] if self.facts[2] else None):
                return found[2]
        return _label(self.entry(), short)


def disambiguate_facts(standins: Sequence[Standin]) -> None:
    """:func:`disambiguate` of the entries these stand in for (in reference-list order,
    ids unique): the stand-ins get the fields the entries would get."""
    names = {s.id: s for s in standins}
    headed = [s.facts[2] for s in standins]
    years = [s.facts[3] for s in standins]
    resolve(standins, names, headed, years, Standin.label)
