"""People across a library: who appears, how often, and under which spellings.

Two written forms are one person when their family names fold to the same text
and their given names agree initial by initial (``MENDEE Jargalsaikhan`` and
``Mendee, J.``). Pure: entries in, report out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from mnkbib.model import Entry, Person, iter_people
from mnkbib.names import same_person
from mnkbib.textfold import fold


@dataclass(slots=True)
class PersonReport:
    name: str  # the most used spelling
    count: int  # entries the person appears in
    variants: list[str] = field(default_factory=list)  # other spellings
    keys: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "entries": self.count,
            "variants": self.variants,
            "keys": self.keys,
        }


def _group(people: Counter[Person]) -> list[list[Person]]:
    by_family: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        by_family[fold(person.literal or person.family)].append(person)
    groups: list[list[Person]] = []
    for candidates in by_family.values():
        ordered = sorted(candidates, key=lambda p: (-people[p], p.display()))
        local: list[list[Person]] = []
        for person in ordered:
            for group in local:
                if same_person(group[0], person):
                    group.append(person)
                    break
            else:
                local.append([person])
        groups.extend(local)
    return groups


def people_report(entries: Iterable[Entry]) -> list[PersonReport]:
    uses: Counter[Person] = Counter()
    keys: dict[Person, set[str]] = defaultdict(set)
    for entry, _role, person in iter_people(entries):
        if entry.key not in keys[person]:
            uses[person] += 1
            keys[person].add(entry.key)
    report = []
    for group in _group(uses):
        spellings: Counter[str] = Counter()
        all_keys: set[str] = set()
        for person in group:
            spellings[person.display()] += uses[person]
            all_keys |= keys[person]
        names = [name for name, _ in spellings.most_common()]
        report.append(PersonReport(names[0], len(all_keys), names[1:], sorted(all_keys)))
    report.sort(key=lambda r: (-r.count, fold(r.name)))
    return report
