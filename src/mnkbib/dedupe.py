"""Finding duplicates: the same DOI, ISBN or URL, or the same title, year and first author.

``duplicate_of`` answers "is this entry already in the library?" (for imports);
``likely_duplicates`` lists pairs worth a look (for ``mnkbib check``), comparing
near-identical titles only within a bucket of the same year and first-author family
name, so 10,000 entries take well under a second.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import cast
from urllib.parse import urlsplit, urlunsplit

from mnkbib.model import Entry
from mnkbib.query import Row, RowList
from mnkbib.textfold import fold

_SPACE = re.compile(r"[^a-z0-9]+")
_DOI_PREFIX = re.compile(r"^(?:https?://[^/\s]+/(?=10\.)|doi:\s*)", re.IGNORECASE)


def normalize_doi(doi: str) -> str:
    return _DOI_PREFIX.sub("", doi.strip()).lower()


def normalize_isbn(isbn: str) -> str:
    """Digits (and X) of the first ISBN in a field; ISBN-10 as ISBN-13."""
    first = re.split(r"[;,]|\s{2,}", isbn.strip())[0]
    digits = re.sub(r"[^0-9Xx]", "", first).upper()
    if len(digits) == 10:
        core = "978" + digits[:9]
        check = (10 - sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(core)) % 10) % 10
        return core + str(check)
    return digits


def normalize_url(url: str) -> str:
    """Scheme, ``www.``, trailing slash, fragment and case of the host ignored."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = parts.netloc.lower()
    host = host.removeprefix("www.")
    path = parts.path.rstrip("/")
    return urlunsplit(("", host, path, parts.query, ""))


def folded_title(entry: Entry) -> str:
    title = entry.title
    if entry.get("subtitle"):
        title = f"{title} {entry.get('subtitle')}"
    return _SPACE.sub(" ", fold(title)).strip()


def first_family(entry: Entry) -> str:
    people = entry.creators()
    if not people:
        return ""
    p = people[0]
    return _SPACE.sub("", fold(p.family or p.literal or p.given))


def identity_keys(entry: Entry) -> list[tuple[str, str]]:
    """What makes two entries one work: DOI, ISBN and URL (normalized), and the folded
    title with the year and first author's family name."""
    keys: list[tuple[str, str]] = []
    if entry.get("doi"):
        keys.append(("doi", normalize_doi(str(entry.get("doi")))))
    if entry.get("isbn"):
        isbn = normalize_isbn(str(entry.get("isbn")))
        if isbn:
            keys.append(("isbn", isbn))
    if entry.get("url"):
        keys.append(("url", normalize_url(str(entry.get("url")))))
    title = folded_title(entry)
    if title:
        keys.append(("title", f"{title}|{entry.year}|{first_family(entry)}"))
    return keys


# One entry's identity keys as one string, "\x1eKIND\x1fVALUE\x1e" each: the listing index
# stores that per entry, and a lookup among 100,000 entries is then one search of their
# strings joined (by "\x1d"), not 100,000 lists of tuples to load and scan.
_ESCAPES = {"\\": "\\\\", "\x1d": "\\1", "\x1e": "\\2", "\x1f": "\\3"}
_UNESCAPES = {v[1]: k for k, v in _ESCAPES.items()}
_TO_ESCAPE = re.compile(r"[\\\x1d-\x1f]")
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)


def encode_ids(keys: Iterable[tuple[str, str]]) -> str:
    """Identity keys as one string (each value with its separators escaped)."""
    return "".join(
        f"\x1e{kind}\x1f{_TO_ESCAPE.sub(lambda m: _ESCAPES[m[0]], value)}\x1e"
        for kind, value in keys
    )


def decode_ids(text: str) -> list[tuple[str, str]]:
    """The keys :func:`encode_ids` made ``text`` of."""
    keys = []
    for part in text.split("\x1e"):
        if part:
            kind, _, value = part.partition("\x1f")
            keys.append((kind, _ESCAPED.sub(lambda m: _UNESCAPES[m[1]], value)))
    return keys


def _keys(entry: Entry | Row) -> list[tuple[str, str]]:
    return decode_ids(entry.ids) if isinstance(entry, Row) else identity_keys(entry)


class DuplicateIndex:
    """An index of entries by DOI, ISBN, URL and title+year+first author. It holds what
    it was given: entries, or :class:`mnkbib.query.Row` s that stand for them. The first
    entry given with a key wins; entries added later come after all of them.

    The mapping from keys is made on the SCAN_LIMIT-th lookup: until then each lookup
    scans the entries' keys (adding one entry to a library of 100,000 looks up a handful
    of keys: a scan takes milliseconds, the mapping a few hundred)."""

    SCAN_LIMIT = 8

    def __init__(self, entries: Iterable[Entry | Row] = ()) -> None:
        # Rows are looked at only where a lookup finds one: kept as the sequence they are.
        items: Sequence[Entry | Row] = entries if isinstance(entries, RowList) else list(entries)
        # Library.overview() gives Rows of one table, or entries: never a mixture.
        if items and isinstance(items[0], Row) and isinstance(items[-1], Row):
            rows = cast("Sequence[Row]", items)
            ids = rows[0]._table.ids  # read the table's column directly
            self._ids: list[str] = [ids[row] for row in rows] if len(rows) != len(ids) else ids
        else:
            self._ids = [encode_ids(identity_keys(cast(Entry, e))) for e in items]
        self._items = items
        self._joined: str | None = None  # every entry's keys, "\x1d" before each entry's
        self._by: dict[tuple[str, str], Entry | Row] | None = None
        self._added: dict[tuple[str, str], Entry | Row] = {}
        self._lookups = 0

    def _mapping(self) -> dict[tuple[str, str], Entry | Row]:
        if self._by is None:
            # First entry wins: the pairs in reverse order, so that dict() keeps it.
            items, ids = self._items, self._ids
            self._by = dict(
                [
                    (key, items[i])
                    for i in range(len(items) - 1, -1, -1)
                    for key in decode_ids(ids[i])
                ]
            )
        return self._by

    def _lookup(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Entry | Row]:
        """The entry of each of ``keys`` that has one."""
        self._lookups += 1
        if self._by is not None or self._lookups > self.SCAN_LIMIT:
            by = self._mapping()
            found = {k: by[k] for k in keys if k in by}
        else:
            if self._joined is None:
                self._joined = "\x1d" + "\x1d".join(self._ids)
            joined = self._joined
            found = {}
            for k in keys:
                at = joined.find(encode_ids([k]))  # in the first entry that has it
                if at >= 0:
                    found[k] = self._items[joined.count("\x1d", 0, at) - 1]
        for k in keys:
            if k not in found and k in self._added:
                found[k] = self._added[k]
        return found

    def add(self, entry: Entry | Row, keys: list[tuple[str, str]] | None = None) -> None:
        """Index ``entry`` too (``keys``: its identity keys, when known)."""
        for key in keys if keys is not None else _keys(entry):
            self._added.setdefault(key, entry)

    def find_identifier(self, kind: str, value: str) -> Entry | Row | None:
        """The indexed entry with this DOI, ISBN or URL (``kind``: doi, isbn, url)."""
        normalize = _NORMALIZERS.get(kind)
        if normalize is None:
            return None
        key = (kind, normalize(value))
        return self._lookup([key]).get(key)

    def find(
        self, entry: Entry, keys: list[tuple[str, str]] | None = None
    ) -> tuple[Entry | Row, str] | None:
        """The first indexed entry that ``entry`` duplicates, and why (``keys``: its
        identity keys, when known)."""
        if keys is None:
            keys = _keys(entry)
        found = self._lookup(keys)
        for key in keys:
            if key in found:
                return found[key], _REASONS[key[0]]
        return None


_NORMALIZERS = {"doi": normalize_doi, "isbn": normalize_isbn, "url": normalize_url}
_REASONS = {
    "doi": "same DOI",
    "isbn": "same ISBN",
    "url": "same URL",
    "title": "same title, year and first author",
}


def duplicate_of(entry: Entry, library_entries: Iterable[Entry]) -> Entry | None:
    """The library entry ``entry`` duplicates: same DOI (normalized), same ISBN, same URL
    (normalized), or same folded title + year + first author family; else None."""
    found = DuplicateIndex(library_entries).find(entry)
    return found[0] if found else None


def likely_duplicates(entries: Iterable[Entry]) -> list[tuple[Entry, Entry, str]]:
    """Pairs that look like one work twice, with the reason, in input order."""
    items = list(entries)
    pairs: list[tuple[Entry, Entry, str]] = []
    seen: set[tuple[int, int]] = set()
    index: dict[tuple[str, str], int] = {}
    for i, entry in enumerate(items):
        for key in _keys(entry):
            j = index.setdefault(key, i)
            if j != i and (j, i) not in seen:
                seen.add((j, i))
                pairs.append((items[j], entry, _REASONS[key[0]]))
    # Near-identical titles, compared only within (year, first author) buckets.
    buckets: dict[tuple[int | None, str], list[int]] = defaultdict(list)
    titles = [folded_title(e) for e in items]
    for i, entry in enumerate(items):
        if titles[i]:
            buckets[(entry.year, first_family(entry))].append(i)
    for members in buckets.values():
        if len(members) < 2:
            continue
        for a_pos, a in enumerate(members):
            matcher = difflib.SequenceMatcher(None, titles[a], autojunk=False)
            for b in members[a_pos + 1 :]:
                if (a, b) in seen:
                    continue
                matcher.set_seq1(titles[b])
                if (
                    matcher.real_quick_ratio() >= 0.9
                    and matcher.quick_ratio() >= 0.9
                    and matcher.ratio() >= 0.9
                ):
                    seen.add((a, b))
                    pairs.append((items[a], items[b], "near-identical title, same year"))
    return pairs
