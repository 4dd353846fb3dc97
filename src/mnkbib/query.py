"""Searching and filtering entries. Pure: entries in, entries out.

Free text matches every word (AND) anywhere in an entry, insensitive to case,
accents and script (``tuukhen`` finds ТҮҮХЭН, ``muller`` finds Müller). A word
may name a field (``author:mendee``, ``year:2018``, ``tag:korea``,
``type:book``, ``title:summit``, ``lang:mn``), be negated (``-draft``) or be a
"quoted phrase".
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from mnkbib.errors import UsageError
from mnkbib.model import NAME_ROLES, Entry
from mnkbib.textfold import fold

Predicate = Callable[[Entry], bool]

_TEXT_FIELDS = (
    "title",
    "subtitle",
    "title-translit",
    "translated-title",
    "original-title",
    "container",
    "collection",
    "publisher",
    "place",
    "note",
    "doi",
    "url",
    "isbn",
    "genre",
    "event",
)


_TEXT_SET = frozenset(_TEXT_FIELDS)
_ROLE_SET = frozenset(NAME_ROLES)


def haystack(entry: Entry) -> str:
    """Everything searchable in an entry, folded."""
    parts = [entry.key, entry.type]
    for name, value in entry.fields.items():  # one pass over the fields the entry has
        if name in _TEXT_SET:
            parts.append(str(value))
        elif name in _ROLE_SET:
            parts.extend(person.display() for person in value)
        elif name == "tags":
            parts.extend(value)
        elif name == "date":
            parts.append(str(value))
    return fold(" ".join(parts))


def people_text(entry: Entry) -> str:
    return fold(" ".join(p.display() for role in NAME_ROLES for p in entry.names(role)))


@dataclass(frozen=True, slots=True)
class YearRange:
    start: int | None
    end: int | None

    @classmethod
    def parse(cls, text: str) -> YearRange:
        m = re.fullmatch(r"\s*(\d{1,4})?\s*(\.\.|-)?\s*(\d{1,4})?\s*", text)
        if not m or not (m.group(1) or m.group(3)):
            raise UsageError(f"--year: {text!r} is not a year or range (2018, 2017..2018, ..2018)")
        lo, sep, hi = m.groups()
        if not sep:
            return cls(int(lo), int(lo))
        return cls(int(lo) if lo else None, int(hi) if hi else None)

    def __contains__(self, year: object) -> bool:
        if not isinstance(year, int):
            return False
        return (self.start is None or year >= self.start) and (self.end is None or year <= self.end)


@dataclass(slots=True)
class Filters:
    text: str = ""
    authors: Sequence[str] = ()
    years: str | None = None
    types: Sequence[str] = ()
    containers: Sequence[str] = ()
    tags: Sequence[str] = ()
    langs: Sequence[str] = ()
    keys: Sequence[str] = field(default_factory=tuple)

    def predicates(self) -> list[Predicate]:
        preds: list[Predicate] = []
        if self.text.strip():
            preds.extend(parse_query(self.text))
        for a in self.authors:
            preds.append(_author(a))
        if self.years:
            rng = YearRange.parse(self.years)
            preds.append(lambda e: e.year in rng)
        if self.types:
            from mnkbib.types import resolve_type

            wanted = set()
            for t in self.types:
                et = resolve_type(t)
                if et is None:
                    raise UsageError(f"--type: unknown entry type {t!r} (see `mnkbib types`)")
                wanted.add(et.name)
            preds.append(lambda e: e.type in wanted)
        for c in self.containers:
            needle = fold(c)
            preds.append(lambda e, n=needle: n in fold(str(e.fields.get("container", ""))))
        for t in self.tags:
            preds.append(_tag(t))
        if self.langs:
            langs = tuple(x.lower() for x in self.langs)
            preds.append(lambda e: _lang_matches(e, langs))
        if self.keys:
            wanted_keys = set(self.keys)
            preds.append(lambda e: e.key in wanted_keys)
        return preds


def _lang_matches(entry: Entry, langs: tuple[str, ...]) -> bool:
    lang = str(entry.fields.get("language", "")).lower()
    return any(lang == x or lang.startswith(x + "-") for x in langs)


def _author(text: str) -> Predicate:
    needle = fold(text)
    return lambda e: needle in people_text(e)


def _tag(text: str) -> Predicate:
    needle = text.lower()
    return lambda e: any(t.lower() == needle for t in e.tags)


def _year(text: str) -> Predicate:
    years = YearRange.parse(text)
    return lambda e: e.year in years


def _type(text: str) -> Predicate:
    from mnkbib.types import resolve_type

    etype = resolve_type(text)
    name = etype.name if etype else text.lower()
    return lambda e: e.type == name


def _lang(text: str) -> Predicate:
    langs = (text.lower(),)
    return lambda e: _lang_matches(e, langs)


def _key(text: str) -> Predicate:
    return lambda e: e.key == text


_FIELD_PREDICATES: dict[str, Callable[[str], Predicate]] = {
    "author": _author,
    "tag": _tag,
    "year": _year,
    "type": _type,
    "lang": _lang,
    "key": _key,
}


def _field_text(name: str, needle: str) -> Predicate:
    def pred(e: Entry) -> bool:
        value = e.fields.get(name)
        if value is None:
            return False
        if isinstance(value, list):
            value = " ".join(str(v) for v in value)
        return needle in fold(str(value))

    return pred


def parse_query(text: str) -> list[Predicate]:
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise UsageError(f"search: {exc} in {text!r}") from None
    preds: list[Predicate] = []
    wanted: list[str] = []  # free words, all matched against one haystack per entry
    unwanted: list[str] = []
    for word in words:
        negate = word.startswith("-") and len(word) > 1
        if negate:
            word = word[1:]
        name, sep, value = word.partition(":")
        pred: Predicate
        if sep and value and name in _FIELD_PREDICATES:
            pred = _FIELD_PREDICATES[name](value)
        elif (
            sep and value and re.fullmatch(r"[a-z][a-z-]*", name) and name not in ("http", "https")
        ):
            pred = _field_text(name, fold(value))
        else:
            (unwanted if negate else wanted).append(fold(word))
            continue
        preds.append((lambda e, p=pred: not p(e)) if negate else pred)
    if wanted or unwanted:
        preds.insert(0, lambda e: _words_match(haystack(e), wanted, unwanted))
    return preds


def _words_match(text: str, wanted: list[str], unwanted: list[str]) -> bool:
    return all(w in text for w in wanted) and not any(w in text for w in unwanted)


def select(entries: Iterable[Entry], filters: Filters) -> list[Entry]:
    preds = filters.predicates()
    return [e for e in entries if all(p(e) for p in preds)]


SORTS: dict[str, Callable[[Entry], tuple[object, ...]]] = {
    "key": lambda e: (e.key,),
    "date": lambda e: (
        e.date is None,
        (e.date.year, e.date.month or 0, e.date.day or 0) if e.date else (0, 0, 0),
        e.key,
    ),
    "year": lambda e: (e.year is None, e.year or 0, e.key),
    "author": lambda e: (
        fold(e.creators()[0].sort_form()) if e.creators() else "~",
        e.year or 0,
        fold(e.title),
    ),
    "title": lambda e: (fold(e.title), e.key),
    "type": lambda e: (e.type, e.key),
}


def sort_entries(entries: list[Entry], how: str | None, reverse: bool = False) -> list[Entry]:
    if not how or how == "file":
        return list(reversed(entries)) if reverse else entries
    try:
        keyfunc = SORTS[how]
    except KeyError:
        raise UsageError(
            f"--sort: unknown order {how!r} (choose from file, {', '.join(SORTS)})"
        ) from None
    return sorted(entries, key=keyfunc, reverse=reverse)
