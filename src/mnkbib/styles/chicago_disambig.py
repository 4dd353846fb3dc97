"""Telling author-date citations apart (CMOS 13.103–13.105), as CSL's Chicago style does it.

1. Two different people with the same family name as first author: their first names get
   initials ("J. Adams 2003", "Z. Adams 1999"), full given names if the initials agree.
2. Citations still alike ("Jones et al. 2015" twice): add names one at a time.
3. Still alike (same authors, same year): letters a, b, c … in reference-list order.

Works on entries already in reference-list order and sets their disambiguation fields.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from string import ascii_lowercase

from .chicago_entry import Entry
from .chicago_names import Name, NameList, _Forms, initials, name_forms, name_list
from .chicago_parts import HEAD_ROLES, HEAD_ROLES_BROADCAST_NOTE, creator
from .chicago_text import parse


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


def _short_names(entry: Entry, names: Sequence[Name], shown: int) -> str:
    return name_list(names, "short", et_al_min=3, et_al_use_first=shown, givens=entry.givens)


def _first(names: list[Name]) -> tuple[Name, _Forms] | None:
    """The first name of a citation and its forms (None: no names)."""
    if not names:
        return None
    if type(names) is NameList:
        return names[0], names.forms[0]
    return name_forms(names)[0]


def add_given_names(entries: Sequence[Entry], names: dict[str, list[Name]]) -> None:
    by_family: dict[tuple[str, str], dict[tuple[str, str, str], Name]] = defaultdict(dict)
    firsts = {key: _first(value) for key, value in names.items()}
    for entry in entries:
        first = firsts[entry.id]
        if first is not None and first[1].literal is None:
            key = first[1].person
            by_family[key[:2]][key] = first[0]
    expanded: dict[tuple[str, str, str], str] = {}
    for people in by_family.values():
        if len(people) < 2:
            continue
        short = {key: initials(str(name.get("given") or "")) for key, name in people.items()}
        alike = Counter(short.values())  # people of one family with the same initials
        for key, name in people.items():
            clash = alike[short[key]] > 1
            expanded[key] = str(name.get("given") or "") if clash else short[key]
    if not expanded:
        return
    for entry in entries:
        first = firsts[entry.id]
        if first is not None and first[1].literal is None and not first[1].family_first:
            given = expanded.get(first[1].person)
            if given:
                entry.givens = {0: given}


def add_names(
    entries: Sequence[Entry], names: dict[str, list[Name]], years: Sequence[str] | None = None
) -> list[str]:
    """Returns each entry's names as a citation first shows them (one name, then "et al."),
    for :func:`add_year_suffixes`. ``years``: each entry's ``year()``, if known."""
    groups: dict[str, list[Entry]] = defaultdict(list)
    shorts = []
    for index, entry in enumerate(entries):
        short = _short_names(entry, names[entry.id], 1)
        shorts.append(short)
        groups[short + "|" + (entry.year() if years is None else years[index])].append(entry)
    for group in groups.values():
        if len(group) < 2:
            continue
        most = max(len(names[e.id]) for e in group)
        shown = {e.id: 1 for e in group}
        unresolved = list(group)
        for count in range(2, most + 1):
            for e in unresolved:
                shown[e.id] = min(count, len(names[e.id]))
            rendered = {e.id: _short_names(e, names[e.id], shown[e.id]) for e in group}
            counts = Counter(rendered.values())
            unresolved = [e for e in unresolved if counts[rendered[e.id]] > 1]
            if not unresolved:
                break
        left = {e.id for e in unresolved}
        for e in group:
            if e.id not in left and shown[e.id] > 1:
                e.names_shown = shown[e.id]
    return shorts


def _label(entry: Entry, short: str | None) -> str:
    """The plain text of ``creator(entry, "short", disambiguate=True)``.

    ``short`` is :func:`add_names`'s text for the entry if it names the entry's head role
    (see :func:`_head_names`): while no more names are shown, the creator is those names as
    ``_names_rich`` renders them (``short`` with ’ for ', or parsed if it has markup or
    quotes). Anything else asks ``creator``."""
    if short is not None and not entry.names_shown:
        if "<" in short or '"' in short:
            return parse(short).plain()
        return short.replace("'", "’")
    head = creator(entry, "short", disambiguate=True)
    return head.rich.plain() if head.rich is not None else ""


def add_year_suffixes(
    entries: Sequence[Entry],
    names: dict[str, list[Name]],
    shorts: Sequence[str] | None = None,
    heads: Sequence[NameList | None] | None = None,
    years: Sequence[str] | None = None,
) -> None:
    """``shorts`` (from :func:`add_names`) and ``heads`` (each entry's :func:`_head_names`, in
    the order of ``entries``) spare rendering each citation again; ``years``: each entry's
    ``year()``, if known."""
    groups: dict[str, list[Entry]] = defaultdict(list)
    for index, entry in enumerate(entries):
        short = None
        if shorts is not None and heads is not None:
            head = heads[index]
            # names[entry.id] is another entry's if two share an id
            if head is not None and names[entry.id] is head:
                short = shorts[index]
        year = entry.year() if years is None else years[index]
        groups[_label(entry, short) + "|" + year].append(entry)
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


def disambiguate(entries: Sequence[Entry]) -> None:
    """Entries in reference-list order."""
    heads = [_head_names(entry) for entry in entries]
    names = {
        entry.id: _cite_names(entry) if head is None else head
        for entry, head in zip(entries, heads, strict=True)
    }
    add_given_names(entries, names)
    years = [entry.year() for entry in entries]  # the letters are not set until the end
    shorts = add_names(entries, names, years)
    add_year_suffixes(entries, names, shorts, heads, years)
