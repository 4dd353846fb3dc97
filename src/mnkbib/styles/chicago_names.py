"""Personal and corporate names as Chicago writes them.

A name is a CSL-JSON dict. Forms:

* ``sort``  — first name of a bibliography entry: "Gogh, Vincent van", "King, Martin Luther, Jr."
* ``long``  — notes and later names in a list: "Vincent van Gogh", "Martin Luther King Jr."
* ``short`` — in-text citations and short notes: "van Gogh", "Beethoven"

Family-first names (``static-ordering: true``, e.g. Mongolian "MENDEE Jargalsaikhan") are never
inverted and take no comma in any form; their short form is the family name (CMOS 8.14–8.17).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any, Literal

Name = Mapping[str, Any]
Form = Literal["sort", "long", "short"]


def _s(name: Name, key: str) -> str:
    value = name.get(key)
    if not value:
        return ""
    return value.strip() if isinstance(value, str) else str(value).strip()


# The parts of a name, in the order _Forms.__init__ reads them.
_PARTS = ("non-dropping-particle", "family", "given", "literal", "dropping-particle", "suffix")
_read_parts = itemgetter(*_PARTS)


class _Forms:
    """Everything Chicago prints or sorts of one name, computed once per name (see _forms)."""

    __slots__ = ("family_first", "literal", "long", "person", "short", "sort", "sort_key")

    def __init__(self, name: Name) -> None:
        self.family_first = ff = bool(name.get("static-ordering"))
        # every part as _s reads it, in one pass over the name (most have two parts)
        parts = dict.fromkeys(_PARTS, "")
        for key, value in name.items():
            if value and key in parts:
                parts[key] = value.strip() if isinstance(value, str) else str(value).strip()
        particle, family, full_given, literal, dropping, suffix = _read_parts(parts)
        self.person = (particle, family, full_given)
        if literal or not family:
            self.literal: str | None = literal or full_given
            self.short = self.long = self.sort = self.literal
            self.sort_key = (sort_key(self.literal), "")
            return
        self.literal = None
        if particle or dropping or suffix:
            self.short = core = _join_particle(particle, family)
            given_particles = " ".join(filter(None, (full_given, dropping, particle)))
            if ff:
                self.long = self.sort = " ".join(filter(None, (core, full_given, suffix)))
            else:
                self.long = " ".join(filter(None, (full_given, dropping, core, suffix)))
                # sort: "Family, Given particles, Suffix" (non-dropping particle demoted, as
                # CMOS 8.5)
                out = family + (f", {given_particles}" if given_particles else "")
                self.sort = out + (f", {suffix}" if suffix else "")
        else:  # most names: a family and a given name, the same forms without the joins
            self.short = core = family
            given_particles = full_given
            if not full_given:
                self.long = self.sort = family
            elif ff:
                self.long = self.sort = f"{family} {full_given}"
            else:
                self.long = f"{full_given} {family}"
                self.sort = f"{family}, {full_given}"
        self.sort_key = (sort_key(core if ff else family), sort_key(given_particles))


class NameList(list[Name]):
    """The names of one role of an entry, with the :class:`_Forms` of each computed once."""

    __slots__ = ("forms",)

    def __init__(self, names: Sequence[Name]) -> None:
        super().__init__(names)
        self.forms = list(map(_forms, names))


def name_forms(names: Sequence[Name]) -> list[tuple[Name, _Forms]]:
    """Each name with its :class:`_Forms`."""
    if type(names) is NameList:
        return list(zip(names, names.forms, strict=True))
    return [(name, _forms(name)) for name in names]


_FORMS: dict[tuple[tuple[str, object], ...], _Forms] = {}
_FORMS_MAX = 1 << 16


def _forms(name: Name) -> _Forms:
    """The :class:`_Forms` of ``name``: made at once for a plain family and given name (a new
    one is cheaper than finding one), else cached, keyed by its content.

    Only names whose values are all strings are cached, but for ``static-ordering``, which is
    only read as a truth value: no two names whose values merely compare equal (``True``, ``1``
    and ``1.0`` print differently) can share an entry.
    """
    if len(name) == 2:  # most names: made directly, faster than looked up
        family, given = name.get("family"), name.get("given")
        if type(family) is str and type(given) is str:
            family, given = family.strip(), given.strip()
            if family and given:
                return _family_given(family, given)
    try:
        key = tuple(name.items())
        found = _FORMS.get(key)
    except TypeError:  # an unhashable value
        return _Forms(name)
    if found is not None:
        return found
    forms = _Forms(name)
    for field, value in key:
        if type(value) is not str and field != "static-ordering":
            return forms
    if len(_FORMS) >= _FORMS_MAX:
        _FORMS.clear()
    _FORMS[key] = forms
    return forms


def _family_given(family: str, given: str) -> _Forms:
    """The :class:`_Forms` of ``{"family": family, "given": given}`` (stripped, not empty):
    what ``_Forms`` makes of a name without particles, suffix or literal, not family-first."""
    forms = object.__new__(_Forms)
    forms.family_first = False
    forms.person = ("", family, given)
    forms.literal = None
    forms.short = family
    forms.long = f"{given} {family}"
    forms.sort = f"{family}, {given}"
    forms.sort_key = (sort_key(family), sort_key(given))
    return forms


def is_literal(name: Name) -> bool:
    return _forms(name).literal is not None


def family_first(name: Name) -> bool:
    return bool(name.get("static-ordering"))


def format_name(name: Name, form: Form, given: str | None = None) -> str:
    """One name. ``given`` adds (initials of) the given name to a short form (disambiguation)."""
    return _format(_forms(name), form, given)


def _format(forms: _Forms, form: Form, given: str | None) -> str:
    if forms.literal is not None:
        return forms.literal
    if form == "short":
        if given:
            return f"{forms.short} {given}" if forms.family_first else f"{given} {forms.short}"
        return forms.short
    return forms.long if form == "long" else forms.sort


def _join_particle(particle: str, family: str) -> str:
    if not particle:
        return family
    if particle.endswith(("'", "’", "-")):
        return particle + family
    return f"{particle} {family}"


def initials(given: str) -> str:
    """'John Allen' -> 'J. A.', 'Jean-Paul' -> 'J.-P.' (CSL initialize-with=". ")."""
    parts: list[str] = []
    for word in given.split():
        pieces = [p for p in re.split(r"(-)", word) if p]
        out = ""
        for piece in pieces:
            if piece == "-":
                out = out.rstrip(" ") + "-"
            elif piece[0].isalpha():
                out += piece[0] + ". "
        parts.append(out.strip())
    return " ".join(p for p in parts if p)


def join_names(names: Sequence[str], *, comma_before_and: bool) -> str:
    """'A and B', 'A, B, and C' (Chicago keeps the serial comma)."""
    if len(names) <= 1:
        return "".join(names)
    if len(names) == 2:
        sep = ", and " if comma_before_and else " and "
        return names[0] + sep + names[1]
    return ", ".join(names[:-1]) + ", and " + names[-1]


def name_list(
    names: Sequence[Name],
    form: Form,
    *,
    et_al_min: int,
    et_al_use_first: int,
    sort_first: bool = False,
    givens: Mapping[int, str] | None = None,
) -> str:
    """A list of names with Chicago's 'and', serial comma and 'et al.'."""
    count = len(names)
    all_forms = names.forms if type(names) is NameList else [_forms(name) for name in names]
    if count >= et_al_min:
        all_forms = all_forms[:et_al_use_first]
    if givens:
        rendered = [
            _format(f, "sort" if sort_first and index == 0 else form, givens.get(index))
            for index, f in enumerate(all_forms)
        ]
    else:
        if form == "short":
            rendered = [f.short for f in all_forms]
        elif form == "long":
            rendered = [f.long for f in all_forms]
        else:
            rendered = [f.sort for f in all_forms]
        if sort_first and rendered:
            rendered[0] = all_forms[0].sort
    shown = len(all_forms)
    if shown < count:
        sep = ", " if shown > 1 else " "
        return ", ".join(rendered) + sep + "et al."
    # "Dierkes, Julian, and MENDEE Jargalsaikhan": the comma closes an inverted first name;
    # a family-first name is never inverted, so "MENDEE Jargalsaikhan and Julian Dierkes".
    inverted = sort_first and shown > 0 and not all_forms[0].family_first
    return join_names(rendered, comma_before_and=inverted)


_NOT_WORD = re.compile(r"[^\w ]+")
# What _NOT_WORD removes from ASCII text: every character but letters, digits, "_" and " ",
# for bytes.translate (several times faster than the substitution)
_ASCII_NOT_WORD = bytes(c for c in range(128) if not (chr(c).isalnum() or chr(c) in "_ "))


@lru_cache(maxsize=65536)
def sort_key(text: str) -> str:
    """Collation key: accents and punctuation ignored, case-insensitive.

    Its characters are word characters and spaces (no control characters): see
    :func:`mnkbib.styles.chicago_sort.name_key_text`."""
    if text.isascii():  # ASCII has nothing to decompose
        if text.replace(" ", "").isalnum():  # and most often nothing to remove either
            return text.casefold().strip()
        text = text.encode("ascii").translate(None, _ASCII_NOT_WORD).decode("ascii")
        return text.casefold().strip()
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub("", text).casefold().strip()


def name_sort_key(name: Name) -> tuple[str, str]:
    return _forms(name).sort_key


def person_key(name: Name) -> tuple[str, str, str]:
    """Identity of a person (for disambiguation)."""
    return _forms(name).person
