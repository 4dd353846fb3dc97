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
from typing import Any, Literal

Name = Mapping[str, Any]
Form = Literal["sort", "long", "short"]


def _s(name: Name, key: str) -> str:
    value = name.get(key)
    if not value:
        return ""
    return value.strip() if isinstance(value, str) else str(value).strip()


def is_literal(name: Name) -> bool:
    return bool(_s(name, "literal")) or not _s(name, "family")


def family_first(name: Name) -> bool:
    return bool(name.get("static-ordering"))


def format_name(name: Name, form: Form, given: str | None = None) -> str:
    """One name. ``given`` adds (initials of) the given name to a short form (disambiguation)."""
    if is_literal(name):
        return _s(name, "literal") or _s(name, "given")
    family = _s(name, "family")
    particle = _s(name, "non-dropping-particle")
    if form == "short":
        core = _join_particle(particle, family)
        if given:
            return f"{core} {given}" if family_first(name) else f"{given} {core}"
        return core
    full_given = _s(name, "given")
    dropping = _s(name, "dropping-particle")
    suffix = _s(name, "suffix")
    if family_first(name):
        return " ".join(p for p in (_join_particle(particle, family), full_given, suffix) if p)
    if form == "long":
        parts = (full_given, dropping, _join_particle(particle, family), suffix)
        return " ".join(p for p in parts if p)
    # sort: "Family, Given particles, Suffix" (non-dropping particle demoted, as CMOS 8.5)
    tail = " ".join(p for p in (full_given, dropping, particle) if p)
    out = family + (f", {tail}" if tail else "")
    return out + (f", {suffix}" if suffix else "")


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
    givens = givens or {}
    count = len(names)
    shown = names if count < et_al_min else names[:et_al_use_first]
    rendered = []
    for index, name in enumerate(shown):
        this_form: Form = "sort" if sort_first and index == 0 else form
        rendered.append(format_name(name, this_form, givens.get(index)))
    if len(shown) < count:
        sep = ", " if len(shown) > 1 else " "
        return ", ".join(rendered) + sep + "et al."
    # "Dierkes, Julian, and MENDEE Jargalsaikhan": the comma closes an inverted first name;
    # a family-first name is never inverted, so "MENDEE Jargalsaikhan and Julian Dierkes".
    inverted = sort_first and bool(shown) and not family_first(shown[0])
    return join_names(rendered, comma_before_and=inverted)


def sort_key(text: str) -> str:
    """Collation key: accents and punctuation ignored, case-insensitive."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = (c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^\w ]+", "", "".join(kept)).casefold().strip()


def name_sort_key(name: Name) -> tuple[str, str]:
    if is_literal(name):
        return (sort_key(_s(name, "literal") or _s(name, "given")), "")
    family = _s(name, "family")
    if family_first(name):
        family = _join_particle(_s(name, "non-dropping-particle"), family)
    given = " ".join(
        p
        for p in (
            _s(name, "given"),
            _s(name, "dropping-particle"),
            _s(name, "non-dropping-particle"),
        )
        if p
    )
    return (sort_key(family), sort_key(given))


def person_key(name: Name) -> tuple[str, str, str]:
    """Identity of a person (for disambiguation)."""
    return (_s(name, "non-dropping-particle"), _s(name, "family"), _s(name, "given"))
