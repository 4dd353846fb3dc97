"""Writing BibTeX (classic, ASCII, for bibtex and .bst styles) and BibLaTeX (UTF-8, biber).

One table-driven writer, two dialects. What a dialect cannot hold is written where it
can be read back (see docs/formats.md) and named in ``WriteResult.warnings``:

* family-first names and (in classic BibTeX) dropping particles: field ``nameflags``
  (``author2: family-first``), as neither BibTeX nor BibLaTeX has a name flag for them;
* the mnkbib type when the entry type alone would not bring it back: ``entrysubtype``
  (``magazine``, ``newspaper``, ``edited-book`` …);
* versions: JSON in ``versions`` (BibTeX) or the verbatim field ``verba`` (BibLaTeX).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from mnkbib.model import Entry, PartialDate, Person

from .base import WriteResult
from .bibfields import (
    ARTICLE_TYPES,
    BIBLATEX_TYPES,
    BIBTEX_TYPES,
    BOOKTITLE_TYPES,
    EDITOR_TYPES,
    MONTHS,
    ROLE_FIELDS,
    SERIES_NUMBER_TYPES,
    VERBATIM,
    biblatex_type,
    bibtex_type,
    subtype_name,
    type_of,
)
from .biblatex_dm import valid_field
from .common import babel_name, language_tag, plain_text
from .latex import encode_ascii, escape, needs_escape, protect_case

_FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_\-:.+/]*$")
_TITLE_FIELDS = frozenset({"title", "subtitle", "title-short", "original-title"})
_HANDLED = frozenset(
    [
        "title",
        "subtitle",
        "title-short",
        "title-translit",
        "translated-title",
        "original-title",
        "author",
        "editor",
        "translator",
        "container-author",
        "collection-editor",
        "director",
        "interviewer",
        "recipient",
        "date",
        "original-date",
        "accessed",
        "container",
        "container-short",
        "collection",
        "collection-number",
        "volume",
        "issue",
        "number",
        "pages",
        "edition",
        "genre",
        "medium",
        "event",
        "event-place",
        "publisher",
        "place",
        "language",
        "doi",
        "isbn",
        "issn",
        "url",
        "versions",
        "note",
        "abstract",
        "tags",
        "bibtex-type",
        "date-raw",
    ]
)


class _Writer:
    def __init__(self, biblatex: bool) -> None:
        self.biblatex = biblatex
        self.warnings: list[str] = []
        # person -> (name as written, warnings without entry and field)
        self.people: dict[Person, tuple[str, tuple[str, ...]]] = {}

    # -- text ---------------------------------------------------------------

    def text(self, entry: Entry, name: str, value: str) -> str:
        encoded, notes = self.encode(value)
        for note in notes:
            self.warn(entry, name, note)
        return encoded

    def encode(self, value: str) -> tuple[str, tuple[str, ...]]:
        """``value`` as the dialect writes it, and what to warn about (without the entry and
        field: the same value may be written for many)."""
        notes: tuple[str, ...] = ()
        if "\n" in value or "\r" in value or "\t" in value:
            notes = ("line breaks and tabs become spaces",)
            value = " ".join(value.split())
        if (self.biblatex or value.isascii()) and not needs_escape(value):
            return value, notes  # most values: nothing to encode
        encoded, kept = _encode(value, self.biblatex)
        if kept:
            sample = "".join(sorted(kept))[:12]
            notes += (f"{sample!r} kept in UTF-8 (no LaTeX encoding for it)",)
        return encoded, notes

    def verbatim(self, entry: Entry, name: str, value: str) -> str:
        value = " ".join(value.split())
        depth = 0
        if "{" in value or "}" in value:  # most URLs and DOIs have none
            for ch in value:
                depth += {"{": 1, "}": -1}.get(ch, 0)
                if depth < 0:
                    break
        if depth != 0:
            self.warn(entry, name, "unbalanced braces written as %7B/%7D")
            value = value.replace("{", "%7B").replace("}", "%7D")
        return value

    def warn(self, entry: Entry, name: str, message: str) -> None:
        self.warnings.append(f"{entry.key}: field {name!r}: {message}")

    # -- names --------------------------------------------------------------

    def person(self, entry: Entry, role: str, p: Person) -> str:
        # A library names the same people again and again (and its cache shares them as one
        # object): each is written once, and its warnings repeated for each entry.
        found = self.people.get(p)
        if found is None:
            notes: list[str] = []
            found = self.people[p] = (self._person(p, notes), tuple(notes))
        text, notes_of_p = found
        for note in notes_of_p:
            self.warn(entry, role, note)
        return text

    def _person(self, p: Person, notes: list[str]) -> str:
        """One name as the dialect writes it; what to warn about is added to ``notes``."""

        def t(value: str) -> str:
            encoded, value_notes = self.encode(value)
            notes.extend(value_notes)
            return encoded

        if p.literal:
            return p.literal if p.literal == "others" else "{" + t(p.literal) + "}"
        if not p.family:
            return "{}, " + _brace_if(t(p.given), "," in p.given or " and " in p.given)
        family = t(p.family)
        words = p.family.split()
        if (
            (len(words) > 1 and any(w[:1].islower() for w in words))
            or (len(p.family) > 1 and p.family.isupper())
            or (p.family[:1].islower() and (p.particle or p.dropping_particle))
            or "," in p.family
            or " and " in f" {p.family.lower()} "
        ):
            family = "{" + family + "}"
        given = _brace_if(t(p.given), "," in p.given) if p.given else ""
        suffix = _brace_if(t(p.suffix), "," in p.suffix) if p.suffix else ""
        prefix = " ".join(x for x in (p.dropping_particle, p.particle) if x)
        prefix_ok = all(w[:1].islower() for w in prefix.split())
        if self.biblatex and (p.particle or p.dropping_particle):
            parts = [f"family={{{family}}}"]
            if p.given:
                parts.append(f"given={{{t(p.given)}}}")
            parts.append(f"prefix={{{t(prefix)}}}")
            if p.suffix:
                parts.append(f"suffix={{{t(p.suffix)}}}")
            parts.append("useprefix=" + ("false" if p.dropping_particle else "true"))
            if p.particle and p.dropping_particle:
                notes.append(f"{p.display()!r}: both particles written as one prefix")
            return ", ".join(parts)
        last = family
        if prefix:
            if not prefix_ok:
                notes.append(f"{p.display()!r}: a capitalised particle reads back as family name")
            last = t(prefix) + " " + family
        out = last
        if suffix:
            out += ", " + suffix
        if given or suffix:
            out += ", " + given
        elif prefix or " " in p.family or family.startswith("{"):
            # "Vũ Ngọc," / "{MENDEE}," — a family name alone (not given + family, and a
            # braced name without the comma would read back as an organisation)
            out += ","
        return out

    def names(self, entry: Entry, role: str, people: list[Person], flags: list[str]) -> str:
        for i, p in enumerate(people, 1):
            if p.family_first:
                flags.append(f"{role}{i}: family-first")
            if p.dropping_particle and not p.particle and not self.biblatex:
                flags.append(f"{role}{i}: dropping-particle")
        return " and ".join(self.person(entry, role, p) for p in people)

    # -- entries ------------------------------------------------------------

    def entry_type(self, entry: Entry) -> str:
        mapped = biblatex_type(entry.type) if self.biblatex else bibtex_type(entry.type)
        hint = entry.fields.get("bibtex-type")
        if isinstance(hint, str) and hint:
            h = hint.lower()
            known = BIBLATEX_TYPES if self.biblatex else BIBTEX_TYPES
            other = BIBTEX_TYPES if self.biblatex else BIBLATEX_TYPES
            fits = type_of(h) == entry.type or (type_of(h) is None and entry.type == "document")
            if fits and (h in known or h not in other):
                return h
        return mapped

    def entry(self, entry: Entry) -> str:
        f = entry.fields
        kind = self.entry_type(entry)
        written: list[str] = []  # field names, in the order written
        lines: list[str] = []
        used: set[str] = set()

        def put(name: str, value: str, *, raw: bool = False) -> None:
            if name in used:
                self.warn(entry, name, "written twice: the second value is dropped by bibtex")
            used.add(name)
            written.append(name)
            lines.append(f"  {name} = {value},\n" if raw else f"  {name} = {{{value}}},\n")

        if (type_of(kind) or "document") != entry.type:
            put("entrysubtype", subtype_name(entry.type))
        hint = f.get("bibtex-type")
        if isinstance(hint, str) and hint and hint.lower() != kind:
            put("bibtex-type", hint)  # a type this dialect does not have: kept as a field
        flags: list[str] = []
        english = str(f.get("language", "en")).lower().startswith("en")

        # Names.
        spare_editors = ["editora", "editorb", "editorc"] if self.biblatex else []
        for role, bibname in ROLE_FIELDS.items():
            people = f.get(role)
            if not people:
                continue
            text = self.names(entry, role, people, flags)
            if self.biblatex and role in EDITOR_TYPES:
                if spare_editors:
                    slot = spare_editors.pop(0)
                    put(slot, text)
                    put(slot + "type", EDITOR_TYPES[role])
                    continue
                self.warn(entry, role, "no editora/b/c left: written as a field biber ignores")
            put(bibname, text)
        if flags:
            put("nameflags", ", ".join(flags))
            if self.biblatex:
                self.warn(
                    entry,
                    "nameflags",
                    "BibLaTeX has no family-first names; biber ignores this field",
                )

        # Titles.
        for name, bibname in (
            ("title", "title"),
            ("subtitle", "subtitle"),
            ("title-short", "shorttitle"),
            ("title-translit", "usera"),
            ("original-title", "origtitle"),
        ):
            value = f.get(name)
            if value:
                encoded = self.text(entry, name, str(value))
                if name in _TITLE_FIELDS:
                    encoded = protect_case(encoded, str(value), whole=not english)
                put(bibname, encoded)
        if f.get("translated-title"):
            put(
                "titleaddon",
                "[" + self.text(entry, "translated-title", f["translated-title"]) + "]",
            )

        # Dates.
        date = f.get("date")
        raw_date = f.get("date-raw")
        if self.biblatex:
            if isinstance(raw_date, str) and raw_date:
                put("date", self.verbatim(entry, "date-raw", raw_date))
            elif isinstance(date, PartialDate):
                put("date", str(date))
        else:
            if isinstance(date, PartialDate):
                put("year", str(date.year))
                if date.month:
                    put("month", MONTHS[date.month - 1], raw=True)
                if date.day:
                    put("day", str(date.day))
            if isinstance(raw_date, str) and raw_date:
                put("date-raw", self.verbatim(entry, "date-raw", raw_date))
        for name, bibname in (("original-date", "origdate"), ("accessed", "urldate")):
            if isinstance(f.get(name), PartialDate):
                put(bibname, str(f[name]))

        # Container and numbers.
        container = f.get("container")
        if container:
            if kind in ARTICLE_TYPES or kind == "review":
                bibname = "journaltitle" if self.biblatex else "journal"
            elif kind in BOOKTITLE_TYPES:
                bibname = "booktitle"
            elif kind == "misc" and "://" not in container:
                bibname = "howpublished"
            elif kind == "online":
                bibname = "organization"
            else:
                bibname = "booktitle"
            put(bibname, self.text(entry, "container", container))
        if f.get("container-short"):
            put("shortjournal", self.text(entry, "container-short", f["container-short"]))
        if f.get("collection"):
            put("series", self.text(entry, "collection", f["collection"]))
        for name in ("volume", "edition"):
            if f.get(name):
                put(name, self.text(entry, name, f[name]))
        article = kind in ARTICLE_TYPES or kind == "review"
        number, issue, series_no = f.get("number"), f.get("issue"), f.get("collection-number")
        if article:
            if issue:
                put("number", self.text(entry, "issue", issue))
            if number:
                put("eid", self.text(entry, "number", number))
            if series_no:
                put("collection-number", self.text(entry, "collection-number", series_no))
        else:
            if issue:
                put("issue", self.text(entry, "issue", issue))
            if kind in SERIES_NUMBER_TYPES and f.get("collection"):
                if series_no:
                    put("number", self.text(entry, "collection-number", series_no))
                if number:
                    put("eid", self.text(entry, "number", number))
            else:
                if number:
                    put("number", self.text(entry, "number", number))
                if series_no:
                    put("collection-number", self.text(entry, "collection-number", series_no))
        if f.get("pages"):
            put("pages", self.text(entry, "pages", f["pages"]))

        # Publisher, place, event.
        publisher = f.get("publisher")
        if publisher:
            if kind in ("phdthesis", "mastersthesis") or (kind == "thesis" and not self.biblatex):
                bibname = "school"
            elif kind in ("thesis", "techreport", "report"):
                bibname = "institution"
            elif self.biblatex and kind == "misc" and "organization" not in used:
                bibname = "organization"
            else:
                bibname = "publisher"
            put(bibname, self.text(entry, "publisher", publisher))
        if f.get("place"):
            bibname = "location" if self.biblatex else "address"
            if bibname in f:  # an unknown field of that name is written as it is
                bibname = "address" if self.biblatex else "location"
            put(bibname, self.text(entry, "place", f["place"]))
        for name, bibname in (
            ("genre", "type"),
            ("medium", "medium"),
            ("event", "eventtitle"),
            ("event-place", "venue"),
        ):
            if f.get(name):
                put(bibname, self.text(entry, name, f[name]))

        # Language.
        lang = f.get("language")
        if lang:
            babel = babel_name(lang)
            if self.biblatex and babel:
                put("langid", babel)
                if language_tag(babel) != lang:
                    put("language", self.text(entry, "language", lang))
            else:
                put("language", self.text(entry, "language", lang))

        # Identifiers and links.
        for name in ("doi", "isbn", "issn", "url"):
            if f.get(name):
                value = f[name]
                put(
                    name,
                    self.verbatim(entry, name, value)
                    if name in VERBATIM
                    else self.text(entry, name, value),
                )
        if f.get("versions"):
            put(
                "verba" if self.biblatex else "versions",
                _json_value(f["versions"], ascii=not self.biblatex),
            )
        for name in ("note", "abstract"):
            if f.get(name):
                put(name, self.text(entry, name, f[name]))
        tags = f.get("tags") or []
        if tags:
            for tag in tags:
                if "," in tag or ";" in tag:
                    self.warn(
                        entry, "tags", f"tag {tag!r} contains a separator and reads back split"
                    )
            put("keywords", ", ".join(self.text(entry, "tags", t) for t in tags))

        # Unknown fields, as they are.
        for name, value in f.items():
            if name in _HANDLED:
                continue
            if not _FIELD_NAME.match(name):
                self.warn(entry, name, "not a valid BibTeX field name: not written")
                continue
            if name.lower() in used:
                self.warn(
                    entry, name, f"clashes with the field {name.lower()!r} written: not written"
                )
                continue
            if not isinstance(value, str):
                self.warn(entry, name, "written as JSON text; it reads back as text")
                value = plain_text(value)
            low = name.lower()
            if self.biblatex and low in ("year", "month", "day") and not value.isdigit():
                self.warn(entry, low, f"{value!r} is not a number biber reads; kept as it is")
            put(
                low,
                self.verbatim(entry, name, value)
                if low in VERBATIM
                else self.text(entry, name, value),
            )

        if self.biblatex:
            for name in written:
                if not valid_field(kind, name) and name != "nameflags":
                    self.warnings.append(
                        f"{entry.key}: field {name!r} is not in BibLaTeX's data model for "
                        f"@{kind}; biber ignores it"
                    )
        return f"@{kind}{{{entry.key},\n{''.join(lines)}}}\n"


@lru_cache(maxsize=65536)
def _encode(value: str, biblatex: bool) -> tuple[str, frozenset[str]]:
    if biblatex:
        return escape(value), frozenset()
    encoded, kept = encode_ascii(value)
    return encoded, frozenset(kept)


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _brace_if(text: str, cond: bool) -> str:
    return "{" + text + "}" if cond else text


def _json_value(value: Any, *, ascii: bool) -> str:
    text = json.dumps(value, ensure_ascii=ascii, separators=(", ", ": "))
    # Braces inside JSON strings would unbalance the field: escape them as \u007b/\u007d.
    if "{" not in text.replace('{"', "").replace("{}", "") and "}" not in text.replace('"}', ""):
        return text
    return _JSON_STRING.sub(
        lambda m: m.group().replace("{", "\\u007b").replace("}", "\\u007d"), text
    )


def _write(entries: Sequence[Entry], biblatex: bool) -> WriteResult:
    writer = _Writer(biblatex)
    text = "\n".join(writer.entry(e) for e in entries)
    return WriteResult(text, writer.warnings)


def write_bibtex(entries: Sequence[Entry]) -> WriteResult:
    """Classic BibTeX: ASCII (LaTeX-encoded), ``year`` + ``month = mar``, protected titles."""
    return _write(entries, biblatex=False)


def write_biblatex(entries: Sequence[Entry]) -> WriteResult:
    """BibLaTeX for biber: UTF-8, ``date``, ``journaltitle``, ``langid``, extended names."""
    return _write(entries, biblatex=True)
