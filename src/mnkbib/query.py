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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from mnkbib.errors import UsageError
from mnkbib.model import NAME_ROLES, Entry
from mnkbib.textfold import fold

Predicate = Callable[[Any], bool]  # of an Entry or a Row

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


class Row(int):
    """An entry as ``list`` and ``search`` without ``--json`` see it: what the filters, the
    sort orders and the output read, computed once per entry by :func:`row_values` (the
    output line by the caller) and kept column by column in the cache's index. A Row is
    the entry's number in its :class:`Table` (so 100,000 of them cost next to nothing);
    its attributes read the table's columns. The filters and sorts below read a Row and an
    Entry alike: ``key``, ``type``, ``year``, ``tags`` as attributes, the rest through the
    accessors (:func:`haystack`, :func:`people_text` …) that pick up the stored values."""

    __slots__ = ()
    _table: Table

    FIELDS = (
        "key",
        "type",
        "year",
        "tags",
        "language",  # lower-cased
        "container",  # folded
        "hay",  # haystack()
        "people",  # people_text()
        "date_key",
        "author_sort",
        "title_fold",
        "line",  # the output line (mnkbib.listindex)
        "json",  # the entry as an item of a JSON array (mnkbib.listindex)
        "ids",  # what makes two entries one work (mnkbib.dedupe.identity_keys, encode_ids)
    )

    key = property(lambda self: self._table.key[self])
    type = property(lambda self: self._table.type[self])
    year = property(lambda self: self._table.year[self])
    tags = property(lambda self: self._table.tags[self])
    language = property(lambda self: self._table.language[self])
    container = property(lambda self: self._table.container[self])
    hay = property(lambda self: self._table.hay[self])
    people = property(lambda self: self._table.people[self])
    date_key = property(lambda self: self._table.date_key[self])
    author_sort = property(lambda self: self._table.author_sort[self])
    title_fold = property(lambda self: self._table.title_fold[self])
    line = property(lambda self: self._table.line[self])
    json = property(lambda self: self._table.json[self])
    ids = property(lambda self: self._table.ids[self])

    def __repr__(self) -> str:
        return f"Row({self.key!r})"


class Table:
    """The columns of Row.FIELDS, each fetched by ``column(name)`` on first use."""

    def __init__(
        self,
        column: Callable[[str], list[Any]],
        size: int,
        parts: Callable[[str], Iterator[list[Any]]] | None = None,
    ) -> None:
        self._column = column
        self._parts = parts
        self.size = size

    def parts(self, name: str) -> Iterator[list[Any]]:
        """The column ``name`` in parts, in order (see mnkbib.cache.Index.column_parts)."""
        if self._parts is None or name in self.__dict__:
            return iter([getattr(self, name)])
        return self._parts(name)

    def __getattr__(self, name: str) -> list[Any]:
        if name not in Row.FIELDS:
            raise AttributeError(name)
        value = self._column(name)
        setattr(self, name, value)
        return value

    def rows(self) -> RowList:
        return RowList(type("Row", (Row,), {"__slots__": (), "_table": self}), self)


class RowList(Sequence[Row]):
    """The rows of a table, each made when it is looked at: a command that looks up a few
    (a duplicate check of one new entry) need not make 100,000."""

    __slots__ = ("_row", "_size", "table")

    def __init__(self, row: Callable[[int], Row], table: Table) -> None:
        self._row = row
        self._size = table.size
        self.table = table

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, i: int) -> Row: ...

    @overload
    def __getitem__(self, i: slice) -> list[Row]: ...

    def __getitem__(self, i: int | slice) -> Row | list[Row]:
        if isinstance(i, slice):
            return list(map(self._row, range(self._size)[i]))
        return self._row(range(self._size)[i])  # IndexError as a list gives it

    def __iter__(self) -> Iterator[Row]:
        return map(self._row, range(self._size))


def row_values(entry: Entry) -> tuple[Any, ...]:
    """The entry's :class:`Row` values up to ``title_fold`` (the rest: mnkbib.listindex)."""
    return (
        entry.key,
        entry.type,
        entry.year,
        tuple(entry.tags),
        _language(entry),
        container_fold(entry),
        haystack(entry),
        people_text(entry),
        _date_key(entry),
        _author_sort(entry),
        _title_fold(entry),
    )


def haystack(entry: Entry | Row) -> str:
    """Everything searchable in an entry, folded."""
    if isinstance(entry, Row):
        return entry.hay
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


def people_text(entry: Entry | Row) -> str:
    if isinstance(entry, Row):
        return entry.people
    return fold(" ".join(p.display() for role in NAME_ROLES for p in entry.names(role)))


def _language(entry: Entry | Row) -> str:
    if isinstance(entry, Row):
        return entry.language
    return str(entry.fields.get("language", "")).lower()


def container_fold(entry: Entry | Row) -> str:
    if isinstance(entry, Row):
        return entry.container
    return fold(str(entry.fields.get("container", "")))


def _date_key(entry: Entry | Row) -> tuple[int, int, int] | None:
    if isinstance(entry, Row):
        return entry.date_key
    d = entry.date
    return (d.year, d.month or 0, d.day or 0) if d else None


def _author_sort(entry: Entry | Row) -> str:
    if isinstance(entry, Row):
        return entry.author_sort
    creators = entry.creators()
    return fold(creators[0].sort_form()) if creators else "~"


def _title_fold(entry: Entry | Row) -> str:
    if isinstance(entry, Row):
        return entry.title_fold
    return fold(entry.title)


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

    def selects_all(self) -> bool:
        """Whether no filter is set: :meth:`predicates` would be empty (told without
        parsing anything, so without its errors)."""
        return not (
            self.text.strip()
            or self.authors
            or self.years
            or self.types
            or self.containers
            or self.tags
            or self.langs
            or self.keys
        )

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
            preds.append(lambda e, n=needle: n in container_fold(e))
        for t in self.tags:
            preds.append(_tag(t))
        if self.langs:
            langs = tuple(x.lower() for x in self.langs)
            preds.append(lambda e: _lang_matches(e, langs))
        if self.keys:
            wanted_keys = set(self.keys)
            preds.append(lambda e: e.key in wanted_keys)
        return preds


def _lang_matches(entry: Entry | Row, langs: tuple[str, ...]) -> bool:
    lang = _language(entry)
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


def _words(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError as exc:
        raise UsageError(f"search: {exc} in {text!r}") from None


def _field_word(word: str) -> tuple[bool, str, str, str | None]:
    """(negated, the word without its '-', field name, value): ``name`` is ``""`` for a
    free word, else a key of _FIELD_PREDICATES or the name of a field to search."""
    negate = word.startswith("-") and len(word) > 1
    if negate:
        word = word[1:]
    name, sep, value = word.partition(":")
    if sep and value and name in _FIELD_PREDICATES:
        return negate, word, name, value
    if sep and value and re.fullmatch(r"[a-z][a-z-]*", name) and name not in ("http", "https"):
        return negate, word, name, value
    return negate, word, "", None


def free_words_only(text: str) -> bool:
    """Whether the query has only free and negated free words (no ``field:value``): then
    it reads nothing but a Row's haystack. False for a query that does not parse."""
    try:
        words = _words(text)
    except UsageError:
        return False
    return all(not _field_word(word)[2] for word in words)


def parse_query(text: str) -> list[Predicate]:
    preds: list[Predicate] = []
    wanted: list[str] = []  # free words, all matched against one haystack per entry
    unwanted: list[str] = []
    for negate, word, name, value in map(_field_word, _words(text)):
        pred: Predicate
        if value is None:
            (unwanted if negate else wanted).append(fold(word))
            continue
        if name in _FIELD_PREDICATES:
            pred = _FIELD_PREDICATES[name](value)
        else:
            pred = _field_text(name, fold(value))
        preds.append((lambda e, p=pred: not p(e)) if negate else pred)
    if len(wanted) == 1 and not unwanted:  # the common case, with fewer calls per entry
        word = wanted[0]
        preds.insert(0, lambda e: word in haystack(e))
    elif wanted or unwanted:
        preds.insert(0, lambda e: _words_match(haystack(e), wanted, unwanted))
    return preds


def _words_match(text: str, wanted: list[str], unwanted: list[str]) -> bool:
    for w in wanted:
        if w not in text:
            return False
    return all(w not in text for w in unwanted)


def select(entries: Iterable[Any], filters: Filters) -> Sequence[Any]:
    """The entries (or rows) that match every filter, in their order."""
    preds = filters.predicates()
    if not preds:  # a table's rows stay a RowList: its columns are read whole, in order
        return entries if isinstance(entries, RowList) else list(entries)
    if len(preds) == 1:
        return list(filter(preds[0], entries))
    return [e for e in entries if all(p(e) for p in preds)]


SORTS: dict[str, Callable[[Any], tuple[object, ...]]] = {  # of an Entry or a Row
    "key": lambda e: (e.key,),
    "date": lambda e: (
        (d := _date_key(e)) is None,
        d or (0, 0, 0),
        e.key,
    ),
    "year": lambda e: (e.year is None, e.year or 0, e.key),
    "author": lambda e: (_author_sort(e), e.year or 0, _title_fold(e)),
    "title": lambda e: (_title_fold(e), e.key),
    "type": lambda e: (e.type, e.key),
}


def sort_entries(entries: Sequence[Any], how: str | None, reverse: bool = False) -> Sequence[Any]:
    if not how or how == "file":
        return list(reversed(entries)) if reverse else entries
    try:
        keyfunc = SORTS[how]
    except KeyError:
        raise UsageError(
            f"--sort: unknown order {how!r} (choose from file, {', '.join(SORTS)})"
        ) from None
    return sorted(entries, key=keyfunc, reverse=reverse)
