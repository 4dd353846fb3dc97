"""The data model: people, dates and entries. Validation only, no I/O.

An entry is a citation key, a type and an ordered mapping of fields. Known
fields (``FIELDS``) hold typed values (``Person`` lists, ``PartialDate``,
strings, tag lists); any other field is kept exactly as it was read and written
back unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from itertools import repeat
from typing import Any

from mnkbib.errors import ValidationError
from mnkbib.types import ENTRY_TYPES, resolve_type

# ---------------------------------------------------------------------------
# People


@dataclass(frozen=True, slots=True)
class Person:
    """A person or organisation in one of an entry's name roles.

    ``family`` is the name a person is cited and sorted by. ``family_first``
    marks a name written family name first (MENDEE Jargalsaikhan, 毛泽东,
    Chimguundari N.): it is shown in that order everywhere and never inverted.
    ``literal`` holds an organisation's (or an unparsable) name whole.
    """

    family: str = ""
    given: str = ""
    particle: str = ""  # non-dropping: "van der" in "van der Berg"
    dropping_particle: str = ""  # "von" in "Ludwig von Beethoven" sorted under B
    suffix: str = ""
    literal: str = ""
    family_first: bool = False

    def __post_init__(self) -> None:
        if not (self.family or self.literal or self.given):
            raise ValidationError("a name needs a family name, a given name or a literal")

    @property
    def is_literal(self) -> bool:
        return bool(self.literal)

    @property
    def last(self) -> str:
        """The part cited in text: ``van der Berg``, ``MENDEE``, or the literal."""
        if self.literal:
            return self.literal
        return " ".join(p for p in (self.particle, self.family) if p) or self.given

    def display(self) -> str:
        """The name in reading order, as the person writes it."""
        if self.literal:
            return self.literal
        if self.family_first:
            sep = "" if _is_cjk(self.family + self.given) else " "
            head = " ".join(p for p in (self.dropping_particle, self.particle, self.family) if p)
            text = sep.join(p for p in (head, self.given) if p)
            return f"{text}, {self.suffix}" if self.suffix else text
        parts = [self.given, self.dropping_particle, self.particle, self.family]
        text = " ".join(p for p in parts if p)
        return f"{text}, {self.suffix}" if self.suffix else text

    def sort_form(self) -> str:
        """``family, given`` form for listings (family-first names keep their order)."""
        if self.literal or self.family_first:
            return self.display()
        head = " ".join(p for p in (self.particle, self.family) if p)
        tail = " ".join(p for p in (self.given, self.dropping_particle) if p)
        out = head
        if self.suffix:
            out = f"{out}, {self.suffix}" if out else self.suffix
        if tail:
            out = f"{out}, {tail}" if out else tail
        return out

    def to_raw(self) -> dict[str, Any]:
        # The parts in _PERSON_KEYS order, spelled out: this runs for every name written.
        out: dict[str, Any] = {}
        if self.literal:
            out["literal"] = self.literal
        if self.family:
            out["family"] = self.family
        if self.given:
            out["given"] = self.given
        if self.particle:
            out["particle"] = self.particle
        if self.dropping_particle:
            out["dropping-particle"] = self.dropping_particle
        if self.suffix:
            out["suffix"] = self.suffix
        if self.family_first:
            out["family-first"] = self.family_first
        return out


_PERSON_KEYS: tuple[tuple[str, str], ...] = (
    ("literal", "literal"),
    ("family", "family"),
    ("given", "given"),
    ("particle", "particle"),
    ("dropping-particle", "dropping_particle"),
    ("suffix", "suffix"),
    ("family-first", "family_first"),
)

_PERSON_ATTRS: dict[str, str] = dict(_PERSON_KEYS)

_CJK_CLASS = r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]"


@cache
def _cjk() -> re.Pattern[str]:
    """Compiled on first use: its wide ranges take milliseconds to compile, and most
    commands never parse a name."""
    return re.compile(_CJK_CLASS)


def _is_cjk(text: str) -> bool:
    return not text.isascii() and _cjk().search(text) is not None


# ---------------------------------------------------------------------------
# Dates

_DATE_RE = re.compile(r"^(-?\d{1,4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A year, a year and month, or a full date (``2018``, ``2018-03``, ``2018-03-25``)."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not -9999 <= self.year <= 9999:  # what YYYY (and parse()) can hold
            raise ValidationError(f"year {self.year} is not -9999-9999")
        if self.month is None and self.day is not None:
            raise ValidationError("a date with a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValidationError(f"month {self.month} is not 1-12")
        if self.day is not None:
            import calendar

            assert self.month is not None
            last = calendar.monthrange(self.year if self.year > 0 else 2000, self.month)[1]
            if not 1 <= self.day <= last:
                raise ValidationError(
                    f"day {self.day} does not exist in {self.year}-{self.month:02d}"
                )

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        m = _DATE_RE.match(text.strip())
        if not m:
            raise ValidationError(f"{text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
        year, month, day = m.groups()
        return cls(int(year), int(month) if month else None, int(day) if day else None)

    # Ordered by (year, month, day) with a missing part first: 2018 < 2018-01 < 2018-01-01.
    # (The dataclass's order=True compared None with int and raised TypeError.)
    def _key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() < other._key()

    def __le__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() <= other._key()

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() > other._key()

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() >= other._key()

    def __str__(self) -> str:
        out = f"{self.year:04d}" if self.year >= 0 else str(self.year)
        if self.month is not None:
            out += f"-{self.month:02d}"
            if self.day is not None:
                out += f"-{self.day:02d}"
        return out


# ---------------------------------------------------------------------------
# Fields


class Kind(Enum):
    TEXT = "text"
    NAMES = "names"
    DATE = "date"
    TAGS = "tags"
    VERSIONS = "versions"


# The kinds as plain names: reading ``Kind.TEXT`` goes through the enum's class machinery
# (~10 times the cost of a global), and the value conversions test kinds for every field.
_TEXT, _DATE, _NAMES, _TAGS, _VERSIONS = (
    Kind.TEXT, Kind.DATE, Kind.NAMES, Kind.TAGS, Kind.VERSIONS
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    kind: Kind
    help: str


_F = FieldSpec
_FIELD_LIST: tuple[FieldSpec, ...] = (
    _F("type", Kind.TEXT, "entry type (see `mnkbib types`)"),
    _F("title", Kind.TEXT, "title as published, in the item's language"),
    _F("subtitle", Kind.TEXT, "subtitle"),
    _F("title-short", Kind.TEXT, "short title for notes"),
    _F("title-translit", Kind.TEXT, "romanized title (ТҮҮХЭН → Tüükhen)"),
    _F("translated-title", Kind.TEXT, "English translation of a non-English title"),
    _F("original-title", Kind.TEXT, "title of the original, for a translation"),
    _F("author", Kind.NAMES, "authors"),
    _F("editor", Kind.NAMES, "editors"),
    _F("translator", Kind.NAMES, "translators"),
    _F("container-author", Kind.NAMES, "author of the container (book of a chapter)"),
    _F("collection-editor", Kind.NAMES, "series editors"),
    _F("director", Kind.NAMES, "directors (film, broadcast)"),
    _F("interviewer", Kind.NAMES, "interviewers"),
    _F("recipient", Kind.NAMES, "recipients (letters, interviews)"),
    _F("date", Kind.DATE, "publication date: YYYY, YYYY-MM or YYYY-MM-DD"),
    _F("original-date", Kind.DATE, "date of the original publication"),
    _F("container", Kind.TEXT, "journal, magazine, newspaper, site, blog, programme or book"),
    _F("container-short", Kind.TEXT, "abbreviated container title"),
    _F("collection", Kind.TEXT, "series"),
    _F("collection-number", Kind.TEXT, "number in the series"),
    _F("volume", Kind.TEXT, "volume"),
    _F("issue", Kind.TEXT, "issue"),
    _F("number", Kind.TEXT, "report, patent or episode number"),
    _F("pages", Kind.TEXT, "pages (12-34)"),
    _F("edition", Kind.TEXT, "edition"),
    _F("genre", Kind.TEXT, "kind of work (PhD diss., working paper)"),
    _F("medium", Kind.TEXT, "medium (video, podcast)"),
    _F("event", Kind.TEXT, "conference or event name"),
    _F("event-place", Kind.TEXT, "where the event took place"),
    _F("publisher", Kind.TEXT, "publisher, institution or university"),
    _F("place", Kind.TEXT, "place of publication"),
    _F("language", Kind.TEXT, "BCP 47 language tag (en, de, mn, ru, mn-Cyrl)"),
    _F("doi", Kind.TEXT, "DOI (10.xxxx/…)"),
    _F("isbn", Kind.TEXT, "ISBN"),
    _F("issn", Kind.TEXT, "ISSN"),
    _F("url", Kind.TEXT, "URL"),
    _F("accessed", Kind.DATE, "date the URL was accessed"),
    _F("versions", Kind.VERSIONS, "other versions: translations, reprints (language, title, url)"),
    _F("note", Kind.TEXT, "note"),
    _F("abstract", Kind.TEXT, "abstract"),
    _F("tags", Kind.TAGS, "tags"),
)
FIELDS: dict[str, FieldSpec] = {f.name: f for f in _FIELD_LIST}
FIELD_ORDER: dict[str, int] = {name: i for i, name in enumerate(FIELDS)}
NAME_ROLES: tuple[str, ...] = tuple(f.name for f in _FIELD_LIST if f.kind is Kind.NAMES)
_NAME_ROLE_SET = frozenset(NAME_ROLES)
VERSION_KEYS: tuple[str, ...] = ("relation", "language", "title", "url", "note")
_LANG_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")


@dataclass(slots=True)
class Entry:
    """One citation: key, type and fields (typed values for known fields)."""

    key: str
    type: str
    fields: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        return self.fields.get(name, default)

    @property
    def title(self) -> str:
        return str(self.fields.get("title", ""))

    @property
    def date(self) -> PartialDate | None:
        value = self.fields.get("date")
        return value if isinstance(value, PartialDate) else None

    @property
    def year(self) -> int | None:
        d = self.date
        return d.year if d else None

    def names(self, role: str = "author") -> list[Person]:
        value = self.fields.get(role)
        return list(value) if isinstance(value, list) else []

    def creators(self) -> list[Person]:
        """Who an entry is by: authors, else editors, else translators …"""
        for role in NAME_ROLES:
            people = self.names(role)
            if people:
                return people
        return []

    @property
    def tags(self) -> list[str]:
        return list(self.fields.get("tags") or [])

    def with_fields(self, **changes: Any) -> Entry:
        fields = dict(self.fields)
        for name, value in changes.items():
            if value is None or value == "" or value == []:
                fields.pop(name, None)
            else:
                fields[name] = value
        return Entry(self.key, self.type, order_fields(fields))

    def renamed(self, key: str) -> Entry:
        return Entry(key, self.type, self.fields)  # as dataclasses.replace, without its cost


def order_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Known fields in canonical order, then unknown fields in their own order."""
    names = list(fields)
    ranks = list(map(FIELD_ORDER.get, names, repeat(_UNKNOWN_RANK)))
    # A stable sort: known fields by rank, unknown ones (ranked alike, last) as they came.
    order = sorted(range(len(names)), key=ranks.__getitem__)
    return {names[i]: fields[names[i]] for i in order}


def _in_order(fields: Mapping[str, Any]) -> bool:
    """Whether ``fields`` are in ``order_fields`` order already: known fields ascending,
    then unknown ones (ranked last, all alike). Computed without a Python-level loop."""
    ranks = list(map(FIELD_ORDER.get, fields, repeat(_UNKNOWN_RANK)))
    return ranks == sorted(ranks)


_UNKNOWN_RANK = len(FIELD_ORDER)


# ---------------------------------------------------------------------------
# Raw (YAML/JSON) values ⇄ typed values


def _text(value: Any, where: str) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        raise ValidationError(f"{where}: expected text, got {_describe(value)}")
    return str(value)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)


def person_from_raw(value: Any, where: str) -> Person:
    """A person from a mapping or from any string form users type."""
    if isinstance(value, Mapping):
        unknown = set(value) - {k for k, _ in _PERSON_KEYS}
        if unknown:
            raise ValidationError(f"{where}: unknown name part {sorted(unknown)[0]!r}")
        kwargs: dict[str, Any] = {}
        for key, attr in _PERSON_KEYS:
            if key in value:
                if key == "family-first":
                    flag = value[key]
                    if isinstance(flag, str):
                        flag = {"true": True, "false": False}.get(flag.lower(), flag)
                    if not isinstance(flag, bool):
                        raise ValidationError(f"{where}: family-first must be true or false")
                    kwargs[attr] = flag
                else:
                    kwargs[attr] = _text(value[key], f"{where}.{key}").strip()
        try:
            return Person(**kwargs)
        except ValidationError as exc:
            raise ValidationError(f"{where}: {exc.message}") from None
    if isinstance(value, str):
        from mnkbib.names import parse_name

        return parse_name(value, where=where)
    raise ValidationError(f"{where}: expected a name, got {_describe(value)}")


_FLAGS = {"true": True, "false": False}


def _person_simple(value: dict[Any, Any]) -> Person | None:
    """A person from a mapping of known parts holding text (``family-first`` a boolean),
    as ``person_from_raw`` makes it; None for anything else, which it then handles or
    refuses with its message."""
    kwargs: dict[str, Any] = {}
    for key, part in value.items():
        attr = _PERSON_ATTRS.get(key)
        if attr is None:
            return None
        if attr == "family_first":
            if isinstance(part, str):  # as written in YAML: text
                part = _FLAGS.get(part.lower(), part)
            if part is not True and part is not False:
                return None
            kwargs[attr] = part
        elif isinstance(part, str):
            kwargs[attr] = part.strip()
        else:
            return None
    try:
        return Person(**kwargs)
    except ValidationError:
        return None


def value_from_raw(name: str, value: Any, where: str) -> Any:
    """Check and convert one field's raw value; unknown fields pass unchanged."""
    spec = FIELDS.get(name)
    if spec is None:
        return value
    # For text (most fields) the message naming the field is made only if one is raised.
    kind = spec.kind
    if kind is _TEXT:
        text = (value if isinstance(value, str) else _text(value, _here(where, name))).strip()
        if name == "language" and text and not _LANG_RE.match(text):
            raise ValidationError(
                f"{_here(where, name)}: {text!r} is not a BCP 47 language tag (en, de, mn)"
            )
        if name == "doi" and text and not _DOI_RE.match(text):
            raise ValidationError(f"{_here(where, name)}: {text!r} is not a DOI (10.xxxx/…)")
        if name == "title" and not text:
            raise ValidationError(f"{_here(where, name)}: the title is empty")
        return text
    here = _here(where, name)
    if kind is _DATE:
        text = _text(value, here)
        try:
            return PartialDate.parse(text)
        except ValidationError as exc:
            raise ValidationError(f"{here}: {exc.message}") from None
    if kind is _NAMES:
        items = value if isinstance(value, list) else [value]
        people: list[Person] = []
        for i, item in enumerate(items):
            if isinstance(item, str) and not isinstance(value, list):
                from mnkbib.names import parse_names

                people.extend(parse_names(item, where=here))
            else:
                person = _person_simple(item) if isinstance(item, dict) else None
                people.append(person or person_from_raw(item, f"{here}[{i}]"))
        return people
    if kind is _TAGS:
        items = value if isinstance(value, list) else [value]
        tags = [_text(t, here).strip() for t in items]
        return [t for t in tags if t]
    if kind is _VERSIONS:
        if not isinstance(value, list):
            raise ValidationError(f"{here}: expected a list of versions")
        versions: list[dict[str, str]] = []
        for i, item in enumerate(value):
            if not isinstance(item, Mapping):
                raise ValidationError(f"{here}[{i}]: expected a mapping (language, title, url)")
            unknown = set(item) - set(VERSION_KEYS)
            if unknown:
                raise ValidationError(f"{here}[{i}]: unknown key {sorted(unknown)[0]!r}")
            versions.append(
                {k: _text(item[k], f"{here}[{i}].{k}") for k in VERSION_KEYS if k in item}
            )
        return versions
    raise AssertionError(spec.kind)  # pragma: no cover


def _here(where: str, name: str) -> str:
    return f"{where}: field {name!r}"


def value_to_raw(name: str, value: Any) -> Any:
    """The plain (YAML/JSON-ready) form of a typed field value."""
    if type(value) is str and name not in _NAME_ROLE_SET:  # most values: text as it is
        return value
    if isinstance(value, PartialDate):
        return str(value)
    spec = FIELDS.get(name)
    if spec is None:
        return value
    if spec.kind is _NAMES:
        return [p.to_raw() for p in value]
    if isinstance(value, list):
        return list(value)
    return value


def entry_from_raw(key: str, raw: Any, where: str | None = None) -> Entry:
    """Validate a raw mapping (as read from YAML or JSON) into an Entry."""
    where = where or key
    if not isinstance(raw, Mapping):
        raise ValidationError(
            f"{where}: an entry must be a mapping of fields, got {_describe(raw)}"
        )
    type_value = raw.get("type")
    if type_value is None:
        raise ValidationError(f"{where}: missing field 'type'")
    try:
        etype = resolve_type(
            type_value
            if isinstance(type_value, str)
            else _text(type_value, f"{where}: field 'type'")
        )
    except ValidationError as exc:
        exc.field = "type"
        raise
    if etype is None:
        raise ValidationError(
            f"{where}: field 'type': unknown entry type {str(type_value)!r} (see `mnkbib types`)",
            field="type",
        )
    fields: dict[str, Any] = {}
    for name, value in raw.items():
        name = str(name)
        if name == "type":
            continue
        if value is None and name in FIELDS:
            continue
        try:
            converted = value_from_raw(name, value, where)
        except ValidationError as exc:
            exc.field = name
            raise
        if converted in ("", []) and name in FIELDS:
            continue
        fields[name] = converted
    return Entry(key, etype.name, order_fields(fields))


def entry_to_raw(entry: Entry) -> dict[str, Any]:
    """The entry's fields as plain values, ``type`` first, in canonical order."""
    out: dict[str, Any] = {"type": entry.type}
    fields = entry.fields
    for name, value in (fields if _in_order(fields) else order_fields(fields)).items():
        out[name] = value_to_raw(name, value)
    return out


def missing_fields(entry: Entry) -> list[str]:
    """Fields the entry's type expects but the entry lacks."""
    etype = ENTRY_TYPES[entry.type]
    missing = []
    for name in etype.required:
        if name in ("author", "editor"):
            if not entry.creators():
                missing.append(name)
        elif not entry.fields.get(name):
            missing.append(name)
    return missing


def iter_people(entries: Iterable[Entry]) -> Iterable[tuple[Entry, str, Person]]:
    for entry in entries:
        for role in NAME_ROLES:
            for person in entry.names(role):
                yield entry, role, person
