"""Duplicate detection: is this work already in the library? Pure.

Two entries are one work when they share a DOI, an ISBN or a URL (normalised),
or the same folded title, year and first author's family name. ``check`` also
reports near-identical titles (difflib ratio ≥ 0.9) in the same year; entries are
bucketed by year so 10,000 entries are not compared pairwise.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import urlsplit

from mnkbib.model import Entry
from mnkbib.textfold import fold

NEAR_TITLE_RATIO = 0.9


def norm_doi(doi: str) -> str:
    doi = doi.strip()
    doi = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", doi, flags=re.I)
    return doi.lower()


def norm_isbn(isbn: str) -> str:
    digits = re.sub(r"[^0-9Xx]", "", isbn).upper()
    if len(digits) == 10:
        core = "978" + digits[:9]
        check = (10 - sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(core)) % 10) % 10
        return core + str(check)
    return digits


def norm_url(url: str) -> str:
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"


def norm_title(title: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", fold(title)))


def _first_family(entry: Entry) -> str:
    people = entry.creators()
    return fold(people[0].family or people[0].literal) if people else ""


def identity_keys(entry: Entry) -> list[tuple[str, str]]:
    """The values that identify a work: (kind, normalised value)."""
    keys: list[tuple[str, str]] = []
    if entry.get("doi"):
        keys.append(("DOI", norm_doi(str(entry.get("doi")))))
    if entry.get("isbn"):
        keys.append(("ISBN", norm_isbn(str(entry.get("isbn")))))
    if entry.get("url"):
        keys.append(("URL", norm_url(str(entry.get("url")))))
    title = norm_title(entry.title)
    if title:
        keys.append(("title, year and first author", f"{title}|{entry.year}|{_first_family(entry)}"))
    return keys


def duplicate_of(entry: Entry, library_entries: Iterable[Entry]) -> Entry | None:
    """The library entry that is the same work as ``entry``, if any."""
    wanted = set(identity_keys(entry))
    if not wanted:
        return None
    for other in library_entries:
        if other is entry or (entry.key and other.key == entry.key and other == entry):
            continue
        if wanted.intersection(identity_keys(other)):
            return other
    return None


def likely_duplicates(entries: Iterable[Entry]) -> list[tuple[Entry, Entry, str]]:
    """Pairs of entries that look like one work, with the reason."""
    found: list[tuple[Entry, Entry, str]] = []
    seen_pairs: set[tuple[str, str]] = set()
    index: dict[tuple[str, str], Entry] = {}
    by_year: dict[int | None, list[tuple[str, Entry]]] = defaultdict(list)
    for entry in entries:
        for kind, value in identity_keys(entry):
            first = index.setdefault((kind, value), entry)
            if first is not entry and (first.key, entry.key) not in seen_pairs:
                seen_pairs.add((first.key, entry.key))
                found.append((first, entry, f"same {kind}"))
        title = norm_title(entry.title)
        if title:
            by_year[entry.year].append((title, entry))
    for bucket in by_year.values():
        bucket.sort(key=lambda pair: pair[0])
        for i, (title, entry) in enumerate(bucket):
            for other_title, other in bucket[i + 1 : i + 20]:
                if (other.key, entry.key) in seen_pairs or (entry.key, other.key) in seen_pairs:
                    continue
                if other_title == title:
                    continue  # same title, same year, other first author: different works
                ratio = difflib.SequenceMatcher(None, title, other_title).ratio()
                if ratio >= NEAR_TITLE_RATIO:
                    seen_pairs.add((entry.key, other.key))
                    found.append((entry, other, f"near-identical titles ({ratio:.0%}), same year"))
    return found
