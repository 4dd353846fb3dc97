"""Person names as catalogues and web pages write them -> CSL name objects.

"Julian Dierkes", "Dierkes, Julian", "Stéfan van der Walt", "Martin Luther King Jr." become
``{"family": …, "given": …}``; anything that may be an organisation ("The ATLAS
Collaboration", "Reuters", "IRPP Staff") is kept whole as ``{"literal": …}``.
"""

from __future__ import annotations

import re

Name = dict[str, str]

_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "2nd", "3rd"})
_PARTICLES = frozenset(
    [
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "des",
        "di",
        "da",
        "dos",
        "das",
        "du",
        "le",
        "la",
        "ter",
        "ten",
        "zu",
        "af",
        "av",
        "bin",
        "ibn",
        "al",
        "el",
        "ben",
        "dei",
        "degli",
    ]
)
_ORGANISATION_WORDS = frozenset(
    [
        "agency",
        "association",
        "board",
        "bureau",
        "centre",
        "center",
        "college",
        "collaboration",
        "commission",
        "committee",
        "company",
        "consortium",
        "corporation",
        "council",
        "department",
        "desk",
        "editor",
        "editors",
        "editorial",
        "foundation",
        "group",
        "inc",
        "inc.",
        "institute",
        "institution",
        "laboratory",
        "league",
        "llc",
        "ltd",
        "ltd.",
        "media",
        "ministry",
        "network",
        "news",
        "office",
        "organisation",
        "organization",
        "partners",
        "press",
        "project",
        "reporters",
        "school",
        "service",
        "society",
        "staff",
        "team",
        "trust",
        "university",
        "writers",
    ]
)
_BYLINE = re.compile(r"^by\s+", re.I)
_AND = re.compile(r"\s*(?:;|\band\b|&)\s*", re.I)


def parse_person(text: str) -> Name | None:
    """One name string -> a CSL name, or None when it is empty or a link."""
    s = _BYLINE.sub("", " ".join(text.split())).strip(" ,;")
    if not s or "://" in s or s.startswith("@"):
        return None
    if is_organisation(s):
        return {"literal": s}
    if "," in s:
        return _inverted(s)
    return _natural(s)


def parse_people(text: str) -> list[Name]:
    """A string that may hold several names ("A and B", "A, B & C", "A; B")."""
    parts = [p for p in _AND.split(text) if p.strip()]
    names: list[str] = []
    for part in parts:
        pieces = [p.strip() for p in part.split(",") if p.strip()]
        # "Dierkes, Julian" is one inverted name; "Julian Dierkes, Mendee J." are two.
        if len(pieces) > 1 and all(len(p.split()) > 1 for p in pieces) and not _has_suffix(pieces):
            names.extend(pieces)
        else:
            names.append(part)
    return [name for name in map(parse_person, names) if name]


def is_organisation(text: str) -> bool:
    words = text.replace(",", " ").split()
    if len(words) == 1:
        return True  # a mononym or a brand: keep it whole
    if any(w.lower().strip("().") in _ORGANISATION_WORDS for w in words):
        return True
    if any(ch.isdigit() for ch in text) or "&" in text or "@" in text:
        return True
    return len(words) > 5 and "," not in text


def _has_suffix(pieces: list[str]) -> bool:
    return any(p.lower() in _SUFFIXES for p in pieces)


def _inverted(s: str) -> Name:
    """ "van der Walt, Stéfan J." / "King, Martin Luther, Jr." / "King Jr., Martin" """
    pieces = [p.strip() for p in s.split(",") if p.strip()]
    if len(pieces) == 2 and pieces[1].lower() in _SUFFIXES:  # "Martin Luther King, Jr."
        natural = _natural(pieces[0])
        natural["suffix"] = pieces[1]
        return natural
    family, given = pieces[0], " ".join(pieces[1:2])
    name: Name = {}
    words = family.split()
    if len(words) > 1 and words[-1].lower() in _SUFFIXES:
        name["suffix"] = words.pop()
        family = " ".join(words)
    if len(pieces) > 2 and pieces[2].lower() in _SUFFIXES:
        name["suffix"] = pieces[2]
    name["family"] = family
    if given:
        name["given"] = given
    return dict(sorted(name.items()))


def _natural(s: str) -> Name:
    """ "Stéfan J. van der Walt" -> given "Stéfan J.", family "van der Walt" """
    words = s.split()
    name: Name = {}
    if len(words) > 2 and words[-1].lower().rstrip(",") in _SUFFIXES:
        name["suffix"] = words.pop().rstrip(",")
        words[-1] = words[-1].rstrip(",")
    if len(words) == 1:
        name["family"] = words[0]
        return name
    start = len(words) - 1
    for i in range(1, len(words) - 1):
        if words[i] in _PARTICLES:  # lower-case particles only: "Da Silva" stays a given name
            start = i
            break
    name["family"] = " ".join(words[start:])
    name["given"] = " ".join(words[:start])
    return dict(sorted(name.items()))
