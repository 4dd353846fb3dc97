"""Helpers the readers and writers share: building entries from foreign fields,
language names, and making a value that a format cannot type into plain text."""

from __future__ import annotations

import json
import re
from typing import Any

from mnkbib.errors import ValidationError
from mnkbib.model import FIELDS, Entry, Kind, PartialDate, order_fields, value_from_raw
from mnkbib.types import ENTRY_TYPES

from .base import Problem

# BCP 47 primary tag <-> babel/polyglossia language name (BibLaTeX ``langid``) and the
# English names people write in ``language`` fields.
_LANGUAGES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("en", "english", ("english", "en", "eng", "american", "british", "usenglish", "ukenglish")),
    (
        "de",
        "ngerman",
        ("german", "ngerman", "deutsch", "de", "ger", "deu", "austrian", "naustrian"),
    ),
    ("fr", "french", ("french", "français", "francais", "fr", "fre", "fra")),
    ("ru", "russian", ("russian", "русский", "ru", "rus")),
    ("mn", "mongolian", ("mongolian", "монгол", "mn", "mon")),
    ("zh", "chinese", ("chinese", "中文", "zh", "chi", "zho")),
    ("ja", "japanese", ("japanese", "日本語", "ja", "jpn")),
    ("ko", "korean", ("korean", "한국어", "ko", "kor")),
    ("es", "spanish", ("spanish", "español", "espanol", "es", "spa")),
    ("it", "italian", ("italian", "italiano", "it", "ita")),
    ("pt", "portuguese", ("portuguese", "português", "pt", "por", "brazilian")),
    ("nl", "dutch", ("dutch", "nederlands", "nl", "dut", "nld")),
    ("pl", "polish", ("polish", "polski", "pl", "pol")),
    ("sv", "swedish", ("swedish", "svenska", "sv", "swe")),
    ("da", "danish", ("danish", "dansk", "da", "dan")),
    ("no", "norsk", ("norwegian", "norsk", "no", "nor", "nb")),
    ("fi", "finnish", ("finnish", "suomi", "fi", "fin")),
    ("cs", "czech", ("czech", "čeština", "cs", "cze", "ces")),
    ("tr", "turkish", ("turkish", "türkçe", "tr", "tur")),
    ("uk", "ukrainian", ("ukrainian", "українська", "uk", "ukr")),
    ("el", "greek", ("greek", "ελληνικά", "el", "gre", "ell")),
    ("la", "latin", ("latin", "la", "lat")),
    ("vi", "vietnamese", ("vietnamese", "vi", "vie")),
    ("kk", "kazakh", ("kazakh", "kk", "kaz")),
)
_BABEL = {tag: babel for tag, babel, _ in _LANGUAGES}
_FROM_NAME = {name: tag for tag, _, names in _LANGUAGES for name in names}
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def babel_name(tag: str) -> str | None:
    """``de`` / ``de-DE`` -> ``ngerman``; None for a language babel is not told of here."""
    primary = tag.split("-")[0].lower()
    if tag.lower() in ("en-gb", "en-uk"):
        return "british"
    if tag.lower() == "en-us":
        return "american"
    return _BABEL.get(primary)


def language_tag(text: str) -> str | None:
    """A BCP 47 tag for ``English``, ``ngerman``, ``de``, ``en-US`` …; None if unknown."""
    t = text.strip()
    if not t:
        return None
    known = _FROM_NAME.get(t.lower())
    if known:
        return known
    if _LANG_TAG.match(t) and len(t.split("-")[0]) <= 3 and t.split("-")[0].lower() in _BABEL:
        return t
    return None


_DOI_PREFIX = re.compile(r"^(?:https?://[^/\s]+/(?=10\.)|doi:\s*)", re.IGNORECASE)


def normalize_doi(text: str) -> str:
    """``https://doi.org/10.1/x``, ``http://doi.acm.org/10.1/x``, ``doi:10.1/x`` -> ``10.1/x``."""
    return _DOI_PREFIX.sub("", text.strip())


class EntryBuilder:
    """Collects one entry's fields as read from a foreign format.

    A value for a known field is checked with the data model; one it refuses is kept
    whole under another field name (``keep_as``) and reported, never dropped.
    """

    def __init__(self, key: str, etype: str, problems: list[Problem], line: int | None) -> None:
        self.key = key
        self.type = etype
        self.fields: dict[str, Any] = {}
        self.problems = problems
        self.line = line

    def problem(self, message: str) -> None:
        where = f"{self.key}: " if self.key else ""
        self.problems.append(Problem(self.line, where + message))

    def set(self, name: str, value: Any, *, keep_as: str | None = None) -> None:
        """Set a field; ``keep_as`` names the unknown field an unusable value goes to."""
        spec = FIELDS.get(name)
        if spec is None:
            self.set_unknown(name, value)
            return
        if name == "doi" and isinstance(value, str):
            value = normalize_doi(value)
        if name == "language" and isinstance(value, str):
            value = language_tag(value) or value.strip()
        try:
            typed = value_from_raw(name, value, self.key or "entry")
        except ValidationError as exc:
            target = keep_as if keep_as and keep_as not in FIELDS else f"{name}-raw"
            self.problem(f"{_reason(exc.message)}; kept as field {target!r}")
            self.set_unknown(target, value)
            return
        if typed in ("", []):
            return
        if name in self.fields and spec.kind in (Kind.NAMES, Kind.TAGS, Kind.VERSIONS):
            self.fields[name] = list(self.fields[name]) + list(typed)
        else:
            self.fields[name] = typed

    def set_unknown(self, name: str, value: Any) -> None:
        """Keep a value under a field name the data model does not check."""
        while name in FIELDS or name in self.fields:
            name = f"{name}-raw" if name in FIELDS else _next_name(name)
        self.fields[name] = value

    def build(self) -> Entry:
        return Entry(self.key, self.type, order_fields(self.fields))


def _next_name(name: str) -> str:
    base, _, n = name.rpartition("-")
    return f"{base}-{int(n) + 1}" if base and n.isdigit() else f"{name}-2"


def _reason(message: str) -> str:
    # "key: field 'doi': 'x' is not a DOI" -> "field 'doi': 'x' is not a DOI"
    idx = message.find("field '")
    return message[idx:] if idx >= 0 else message


def plain_text(value: Any) -> str:
    """Any field value as one text (for formats that hold only text)."""
    if isinstance(value, str):
        return value
    if isinstance(value, PartialDate):
        return str(value)
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=False)


def type_from_hint(hint: Any, resolve: Any, fallback: str) -> str:
    """``resolve(hint)`` if that names an mnkbib type, else ``fallback``."""
    if isinstance(hint, str):
        found = resolve(hint)
        if found in ENTRY_TYPES:
            return str(found)
    return fallback
