"""Citation keys and short labels.

Keys: family name of the first creator, year, first significant title word, in
ASCII (``dierkes2018reasons``, ТҮҮХЭН → ``tuukhen``), made unique with ``a``,
``b`` … Labels: how users write a citation, ``Dierkes & MENDEE 2018, The Diplomat``.
"""

from __future__ import annotations

import re
from collections.abc import Container

from mnkbib.model import Entry, Person
from mnkbib.textfold import slug, words

KEY_RE = re.compile(r"^[^\s,{}()\"'#%~\\=\x00-\x1f\x7f-\x9f\ufeff]+$")

STOPWORDS = frozenset(
    """a an the of on in at to for and or but with from by about as into over under why how
    what when where who which is are was were be this that these those some
    der die das den dem des ein eine einer eines und oder von zu im am mit für über auf
    le la les l un une des du de et ou au aux en
    el los las y o del lo
    il lo gli i e
    na v vo i s k o ob po za
    """.split()  # noqa: SIM905 - a word list reads best as text
)


def is_valid_key(key: str) -> bool:
    return bool(KEY_RE.match(key)) and len(key) <= 200


def key_stem(entry: Entry) -> str:
    """``dierkes2018reasons`` — before making it unique."""
    people = entry.creators()
    name = ""
    if people:
        first = people[0]
        name = slug(first.family or first.literal.split()[0] if first.literal else first.family)
        if not name:
            name = slug(first.last) or slug(first.given)
    if not name:
        name = "anon"
    year = str(entry.year) if entry.year is not None else "nd"
    # Stop words are matched as written (``über``, ``für``) and folded (Cyrillic ``и`` → ``i``).
    written = [(raw.lower(), w) for raw in re.findall(r"\w+", entry.title) for w in words(raw)]
    title_words = [(raw, w) for raw, w in written if not w.isdigit()]
    word = next(
        (w for raw, w in title_words if raw not in STOPWORDS and w not in STOPWORDS),
        title_words[0][1] if title_words else "",
    )
    return f"{name}{year}{word}"


def unique_key(stem: str, taken: Container[str]) -> str:
    """``stem``, else ``stema``, ``stemb`` … ``stemz``, ``stemaa`` …"""
    if stem not in taken:
        return stem
    n = 0
    while True:
        suffix = ""
        k = n
        while True:
            suffix = chr(ord("a") + k % 26) + suffix
            k = k // 26 - 1
            if k < 0:
                break
        candidate = stem + suffix
        if candidate not in taken:
            return candidate
        n += 1


def generate_key(entry: Entry, taken: Container[str]) -> str:
    return unique_key(key_stem(entry), taken)


def person_short(person: Person) -> str:
    return person.last


def creators_short(entry: Entry) -> str:
    """``Dierkes & MENDEE``; three or more: ``Dierkes et al.``; none: empty."""
    people = entry.creators()
    if not people:
        return ""
    if len(people) == 1:
        return person_short(people[0])
    if len(people) == 2:
        return f"{person_short(people[0])} & {person_short(people[1])}"
    return f"{person_short(people[0])} et al."


def label(entry: Entry) -> str:
    """``Dierkes & MENDEE 2018, The Diplomat``; three or more: ``Dierkes et al. 2018, …``."""
    who = creators_short(entry) or "Anon."
    year = str(entry.year) if entry.year is not None else "n.d."
    where = (
        entry.get("container")
        or entry.get("publisher")
        or entry.get("title-short")
        or _short_title(entry.title)
    )
    return f"{who} {year}, {where}" if where else f"{who} {year}"


def _short_title(title: str, limit: int = 40) -> str:
    if len(title) <= limit:
        return title
    cut = title[:limit].rsplit(" ", 1)[0]
    return cut + "…"
