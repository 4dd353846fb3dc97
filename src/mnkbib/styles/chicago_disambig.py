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
from .chicago_names import Name, initials, name_forms, name_list
from .chicago_parts import creator


def _cite_names(entry: Entry) -> list[Name]:
    head = creator(entry, "short")
    return entry.names(head.role) if head.kind == "names" else []


def _short_names(entry: Entry, names: Sequence[Name], shown: int) -> str:
    return name_list(names, "short", et_al_min=3, et_al_use_first=shown, givens=entry.givens)


def add_given_names(entries: Sequence[Entry], names: dict[str, list[Name]]) -> None:
    by_family: dict[tuple[str, str], dict[tuple[str, str, str], Name]] = defaultdict(dict)
    firsts = {key: name_forms(value)[:1] for key, value in names.items()}
    for entry in entries:
        first = firsts[entry.id]
        if first and first[0][1].literal is None:
            key = first[0][1].person
            by_family[key[:2]][key] = first[0][0]
    expanded: dict[tuple[str, str, str], str] = {}
    for people in by_family.values():
        if len(people) < 2:
            continue
        short = {key: initials(str(name.get("given") or "")) for key, name in people.items()}
        alike = Counter(short.values())  # people of one family with the same initials
        for key, name in people.items():
            clash = alike[short[key]] > 1
            expanded[key] = str(name.get("given") or "") if clash else short[key]
    for entry in entries:
        first = firsts[entry.id]
        if first and first[0][1].literal is None and not first[0][1].family_first:
            given = expanded.get(first[0][1].person)
            if given:
                entry.givens = {0: given}


def add_names(entries: Sequence[Entry], names: dict[str, list[Name]]) -> None:
    groups: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[_short_names(entry, names[entry.id], 1) + "|" + entry.year()].append(entry)
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


def add_year_suffixes(entries: Sequence[Entry], names: dict[str, list[Name]]) -> None:
    groups: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        head = creator(entry, "short", disambiguate=True)
        label = head.rich.plain() if head.rich is not None else ""
        groups[label + "|" + entry.year()].append(entry)
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
    names = {entry.id: _cite_names(entry) for entry in entries}
    add_given_names(entries, names)
    add_names(entries, names)
    add_year_suffixes(entries, names)
