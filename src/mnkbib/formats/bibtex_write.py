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
from dataclasses import fields
from functools import lru_cache
from operator import attrgetter
from typing import Any, cast

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
from .biblatex_dm import GLOBAL_FIELDS, TYPE_FIELDS
from .common import babel_name, language_tag, plain_text
from .latex import encode_ascii, escape, needs_escape, protect_case

_FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_\-:.+/]*$")
_TITLE_FIELDS = frozenset({"title", "subtitle", "title-short", "original-title"})
# (field, field written), in the order written
_TITLES = (
    ("title", "title"),
    ("subtitle", "subtitle"),
    ("title-short", "shorttitle"),
    ("title-translit", "usera"),
    ("original-title", "origtitle"),
)
_OTHER_DATES = (("original-date", "origdate"), ("accessed", "urldate"))
_DESCRIPTIONS = (
    ("genre", "type"),
    ("medium", "medium"),
    ("event", "eventtitle"),
    ("event-place", "venue"),
)
# The fields few entries have: entry() tests for them only if an entry has one of them.
_RARE_FIELDS = frozenset(
    [name for name, _ in _TITLES[1:] + _OTHER_DATES + _DESCRIPTIONS]
    + ["translated-title", "container-short", "collection", "edition", "isbn", "issn"]
    + ["versions"]
)
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
        # A library names the same people again and again (and its cache shares them as one
        # object): each is written once (see names()). id(person) -> name as written, for
        # the people written so far who bring no name flag and no warning (most); ``seen``
        # holds them, so that no id is reused while the writer lives.
        self.plain_names: dict[int, str] = {}
        self.seen: list[Person] = []
        # Person fields -> (name as written, warnings without entry and field), for names
        # not written by _plain_person() (see _named()).
        self.people: dict[tuple[Any, ...], tuple[str, tuple[str, ...]]] = {}
        # mnkbib type -> (entry type written, entrysubtype or None), for entries without a
        # bibtex-type hint (see kind())
        self.kinds: dict[str, tuple[str, str | None]] = {}
        # entry type -> the fields BibLaTeX's data model allows it (biblatex only)
        self.valid_fields: dict[str, frozenset[str]] = {}

    # -- text ---------------------------------------------------------------

    def text(self, entry: Entry, name: str, value: str) -> str:
        # encode()'s fast path (most values are plain), with _is_plain() inlined for short
        # values: the writer's most frequent test.
        if (self.biblatex or value.isascii()) and (
            _not_plain(value) is None
            and not ("-" in value and "--" in value)
            and not ("'" in value and "''" in value)
            if len(value) < _LONG
            else _is_plain(value)
        ):
            return value
        encoded, notes = _encode_value(value, self.biblatex)
        for note in notes:
            self.warn(entry, name, note)
        return encoded

    def encode(self, value: str) -> tuple[str, tuple[str, ...]]:
        """``value`` as the dialect writes it, and what to warn about (without the entry and
        field: the same value may be written for many)."""
        if (self.biblatex or value.isascii()) and _is_plain(value):
            return value, ()  # most values: nothing to encode
        return _encode_value(value, self.biblatex)

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

    def _remember(self, p: Person) -> tuple[str, tuple[str, ...]]:
        """``p`` as written and its warnings (remembered for names())."""
        text = self._plain_person(p)
        found: tuple[str, tuple[str, ...]] = (text, ()) if text is not None else self._named(p)
        flagged = p.family_first or (p.dropping_particle and not p.particle and not self.biblatex)
        if not (found[1] or flagged):
            self.plain_names[id(p)] = found[0]
            self.seen.append(p)
        return found

    def _named(self, p: Person) -> tuple[str, tuple[str, ...]]:
        """_person()'s name and warnings for ``p``, written once for all equal people."""
        key = _person_fields(p)
        found = self.people.get(key)
        if found is None:
            notes: list[str] = []
            found = self.people[key] = (self._person(p, notes), tuple(notes))
        return found

    def _plain_person(self, p: Person) -> str | None:
        """What _person() writes for most names, faster: a family and a given name with
        nothing to encode (and so nothing to warn about); None for any other name."""
        family, given = p.family, p.given
        if (
            family
            and given
            and not (p.literal or p.particle or p.dropping_particle or p.suffix)
            and (self.biblatex or (family.isascii() and given.isascii()))
            and _is_plain(family + given)  # (joined, they can only hold more to encode)
        ):
            family = "{" + family + "}" if _brace_family(family, False) else family
            return family + ", " + ("{" + given + "}" if "," in given else given)
        return None

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
        particles = bool(p.particle or p.dropping_particle)
        family = _brace_if(t(p.family), _brace_family(p.family, particles))
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
        # Each person is written once (see _remember()), and their warnings repeated for
        # each entry.
        known = list(map(self.plain_names.get, map(id, people)))
        if all(known):  # people seen before, with no flag and no warning (no name is "")
            return " and ".join(cast("list[str]", known))
        texts: list[str] = []
        for i, (p, text) in enumerate(zip(people, known, strict=True), 1):
            if text:  # (no flag, no warning)
                texts.append(text)
                continue
            if p.family_first:
                flags.append(f"{role}{i}: family-first")
            if p.dropping_particle and not p.particle and not self.biblatex:
                flags.append(f"{role}{i}: dropping-particle")
            text, notes = self._remember(p)
            texts.append(text)
            for note in notes:
                self.warn(entry, role, note)
        return " and ".join(texts)

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

    def kind(self, entry: Entry) -> tuple[str, str | None]:
        """The entry type written, and the ``entrysubtype`` if it does not bring back the
        mnkbib type."""
        kind = self.entry_type(entry)
        if (type_of(kind) or "document") != entry.type:
            return kind, subtype_name(entry.type)
        return kind, None

    def entry(self, entry: Entry) -> str:
        f = entry.fields
        hint = f.get("bibtex-type")
        if hint is None:  # most entries: the types written depend on the mnkbib type alone
            found = self.kinds.get(entry.type)
            if found is None:
                found = self.kinds[entry.type] = self.kind(entry)
            kind, subtype = found
        else:
            kind, subtype = self.kind(entry)
        # Field written -> its value, in the order written (all braced, but for a month
        # macro: month_line). No two fields below are written under one name
        # (tests/test_bibtex_perf_writer.py checks); an unknown field whose name is taken is
        # not written.
        out: dict[str, str] = {}
        month_line: int | None = None

        if subtype is not None:
            out["entrysubtype"] = subtype
        if isinstance(hint, str) and hint and hint.lower() != kind:
            out["bibtex-type"] = hint  # a type this dialect does not have: kept as a field
        flags: list[str] = []
        english = str(f.get("language", "en")).lower().startswith("en")
        # Most entries have none of the rarer fields: one test for them all, and their tests
        # below are skipped.
        rare = not f.keys().isdisjoint(_RARE_FIELDS)

        # Names.
        spare_editors = ["editora", "editorb", "editorc"] if self.biblatex else []
        for role in filter(f.__contains__, ROLE_FIELDS):  # (most entries have one or two)
            people = f[role]
            if not people:
                continue
            text = self.names(entry, role, people, flags)
            if self.biblatex and role in EDITOR_TYPES:
                if spare_editors:
                    slot = spare_editors.pop(0)
                    out[slot] = text
                    out[slot + "type"] = EDITOR_TYPES[role]
                    continue
                self.warn(entry, role, "no editora/b/c left: written as a field biber ignores")
            out[ROLE_FIELDS[role]] = text
        if flags:
            out["nameflags"] = ", ".join(flags)
            if self.biblatex:
                self.warn(
                    entry,
                    "nameflags",
                    "BibLaTeX has no family-first names; biber ignores this field",
                )

        # Titles.
        for name, bibname in _TITLES if rare else _TITLES[:1]:
            value = f.get(name)
            if value:
                encoded = self.text(entry, name, str(value))
                if name in _TITLE_FIELDS:
                    encoded = protect_case(encoded, str(value), whole=not english)
                out[bibname] = encoded
        if rare and f.get("translated-title"):
            out["titleaddon"] = (
                "[" + self.text(entry, "translated-title", f["translated-title"]) + "]"
            )

        # Dates.
        date = f.get("date")
        raw_date = f.get("date-raw")
        if self.biblatex:
            if isinstance(raw_date, str) and raw_date:
                out["date"] = self.verbatim(entry, "date-raw", raw_date)
            elif isinstance(date, PartialDate):
                out["date"] = str(date)
        else:
            if isinstance(date, PartialDate):
                out["year"] = str(date.year)
                if date.month:
                    month_line = len(out)  # (its line, in out's order)
                    out["month"] = MONTHS[date.month - 1]
                if date.day:
                    out["day"] = str(date.day)
            if isinstance(raw_date, str) and raw_date:
                out["date-raw"] = self.verbatim(entry, "date-raw", raw_date)
        for name, bibname in _OTHER_DATES if rare else ():
            if isinstance(f.get(name), PartialDate):
                out[bibname] = str(f[name])

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
            out[bibname] = self.text(entry, "container", container)
        if rare and f.get("container-short"):
            out["shortjournal"] = self.text(entry, "container-short", f["container-short"])
        if rare and f.get("collection"):
            out["series"] = self.text(entry, "collection", f["collection"])
        if f.get("volume"):
            out["volume"] = self.text(entry, "volume", f["volume"])
        if rare and f.get("edition"):
            out["edition"] = self.text(entry, "edition", f["edition"])
        article = kind in ARTICLE_TYPES or kind == "review"
        number, issue, series_no = f.get("number"), f.get("issue"), f.get("collection-number")
        if article:
            if issue:
                out["number"] = self.text(entry, "issue", issue)
            if number:
                out["eid"] = self.text(entry, "number", number)
            if series_no:
                out["collection-number"] = self.text(entry, "collection-number", series_no)
        else:
            if issue:
                out["issue"] = self.text(entry, "issue", issue)
            if kind in SERIES_NUMBER_TYPES and f.get("collection"):
                if series_no:
                    out["number"] = self.text(entry, "collection-number", series_no)
                if number:
                    out["eid"] = self.text(entry, "number", number)
            else:
                if number:
                    out["number"] = self.text(entry, "number", number)
                if series_no:
                    out["collection-number"] = self.text(entry, "collection-number", series_no)
        if f.get("pages"):
            out["pages"] = self.text(entry, "pages", f["pages"])

        # Publisher, place, event.
        publisher = f.get("publisher")
        if publisher:
            if kind in ("phdthesis", "mastersthesis") or (kind == "thesis" and not self.biblatex):
                bibname = "school"
            elif kind in ("thesis", "techreport", "report"):
                bibname = "institution"
            elif self.biblatex and kind == "misc" and "organization" not in out:
                bibname = "organization"
            else:
                bibname = "publisher"
            out[bibname] = self.text(entry, "publisher", publisher)
        if f.get("place"):
            bibname = "location" if self.biblatex else "address"
            if bibname in f:  # an unknown field of that name is written as it is
                bibname = "address" if self.biblatex else "location"
            out[bibname] = self.text(entry, "place", f["place"])
        for name, bibname in _DESCRIPTIONS if rare else ():
            if f.get(name):
                out[bibname] = self.text(entry, name, f[name])

        # Language.
        lang = f.get("language")
        if lang:
            babel, more = _langid(lang) if self.biblatex else (None, False)
            if babel:
                out["langid"] = babel
                if more:
                    out["language"] = self.text(entry, "language", lang)
            else:
                out["language"] = self.text(entry, "language", lang)

        # Identifiers and links.
        for name in ("doi", "isbn", "issn", "url") if rare else ("doi", "url"):
            if f.get(name):
                value = f[name]
                out[name] = (
                    self.verbatim(entry, name, value)
                    if name in VERBATIM
                    else self.text(entry, name, value)
                )
        if rare and f.get("versions"):
            out["verba" if self.biblatex else "versions"] = _json_value(
                f["versions"], ascii=not self.biblatex
            )
        for name in ("note", "abstract"):
            if f.get(name):
                out[name] = self.text(entry, name, f[name])
        tags = f.get("tags") or []
        if tags:
            keywords = ", ".join(tags)
            if (
                ";" not in keywords
                and keywords.count(",") == len(tags) - 1
                and (self.biblatex or keywords.isascii())
                and _is_plain(keywords)
            ):
                # Most tag lists: no separator in a tag and nothing to encode (", " neither
                # brings nor hides any), so the tags are written as they are, at once.
                out["keywords"] = keywords
            else:
                for tag in tags:
                    if "," in tag or ";" in tag:
                        self.warn(
                            entry, "tags", f"tag {tag!r} contains a separator and reads back split"
                        )
                out["keywords"] = ", ".join([self.text(entry, "tags", t) for t in tags])

        # Unknown fields, as they are (most entries have none).
        for name, value in f.items() if not f.keys() <= _HANDLED else ():
            if name in _HANDLED:
                continue
            if not _FIELD_NAME.match(name):
                self.warn(entry, name, "not a valid BibTeX field name: not written")
                continue
            if name.lower() in out:
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
            out[low] = (
                self.verbatim(entry, name, value)
                if low in VERBATIM
                else self.text(entry, name, value)
            )

        if self.biblatex:
            valid = self.valid_fields.get(kind)
            if valid is None:  # valid_field(kind, name) for every field name at once
                valid = self.valid_fields[kind] = GLOBAL_FIELDS | TYPE_FIELDS.get(kind, set())
            for name in out:
                if name not in valid and name != "nameflags":
                    self.warnings.append(
                        f"{entry.key}: field {name!r} is not in BibLaTeX's data model for "
                        f"@{kind}; biber ignores it"
                    )
        lines = [f"  {name} = {{{value}}},\n" for name, value in out.items()]
        if month_line is not None:
            lines[month_line] = f"  month = {out['month']},\n"
        return f"@{kind}{{{entry.key},\n{''.join(lines)}}}\n"


# What needs_escape() looks for, and line breaks and tabs: these characters, and -- and ''
# (``, !` and ?` hold a backtick).
_NOT_PLAIN_CHARS = "\n\r\t\\{}&%$#_~^\u00a0–—“”`"
_not_plain = re.compile(f"[{re.escape(_NOT_PLAIN_CHARS)}]").search
_LONG = 100  # characters: see _is_plain()


def _is_plain(value: str) -> bool:
    """Whether ``value`` has no line breaks or tabs and nothing to escape: such a value (if it
    is ASCII, or the dialect is BibLaTeX) is written as it is, with nothing to warn about."""
    if len(value) < _LONG:
        if _not_plain(value) is not None:
            return False
    # A long value (an abstract): a search for each character (memchr) is far faster than
    # the regex's class test at each character.
    elif any(map(value.__contains__, _NOT_PLAIN_CHARS)):
        return False
    # -- and '' looked for only where there is a - or ' (much the faster search).
    return not ("-" in value and "--" in value) and not ("'" in value and "''" in value)


@lru_cache(maxsize=1024)
def _langid(language: str) -> tuple[str | None, bool]:
    """BibLaTeX's ``langid`` for a language (None if babel is not told of it here), and
    whether ``language`` is written too: the langid does not bring the language back."""
    babel = babel_name(language)
    return babel, babel is not None and language_tag(babel) != language


@lru_cache(maxsize=65536)
def _encode_value(value: str, biblatex: bool) -> tuple[str, tuple[str, ...]]:
    """``_Writer.encode``: ``value`` as the dialect writes it and what to warn about."""
    notes: tuple[str, ...] = ()
    if "\n" in value or "\r" in value or "\t" in value:
        notes = ("line breaks and tabs become spaces",)
        value = " ".join(value.split())
    if (biblatex or value.isascii()) and not needs_escape(value):
        return value, notes  # nothing to encode
    if biblatex:
        return escape(value), notes
    encoded, kept = encode_ascii(value)
    if kept:
        sample = "".join(sorted(kept))[:12]
        notes += (f"{sample!r} kept in UTF-8 (no LaTeX encoding for it)",)
    return encoded, notes


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


# A person's fields, all of them: what makes two Person objects equal (and their hash, but
# computed in C, not by the dataclass's __hash__ in Python).
_person_fields = attrgetter(*(f.name for f in fields(Person)))


def _brace_if(text: str, cond: bool) -> str:
    return "{" + text + "}" if cond else text


@lru_cache(maxsize=65536)  # many people share a family name
def _brace_family(family: str, particles: bool) -> bool:
    """Whether a family name (of a name with ``particles`` or not) is braced: it would not
    read back as one family name."""
    words = family.split()
    return (
        (len(words) > 1 and any(w[:1].islower() for w in words))
        or (len(family) > 1 and family.isupper())
        or (family[:1].islower() and particles)
        or "," in family
        or " and " in f" {family.lower()} "
    )


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
    text = "\n".join([writer.entry(e) for e in entries])
    return WriteResult(text, writer.warnings)


def write_bibtex(entries: Sequence[Entry]) -> WriteResult:
    """Classic BibTeX: ASCII (LaTeX-encoded), ``year`` + ``month = mar``, protected titles."""
    return _write(entries, biblatex=False)


def write_biblatex(entries: Sequence[Entry]) -> WriteResult:
    """BibLaTeX for biber: UTF-8, ``date``, ``journaltitle``, ``langid``, extended names."""
    return _write(entries, biblatex=True)
