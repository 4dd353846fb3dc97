"""What ``list`` and ``search`` print and read per entry, and the library's index of it.

The index (:func:`mnkbib.cache.cached_index`) keeps, per entry, the values of
:class:`mnkbib.query.Row` — the filters' and sorts' inputs, the output line, the entry
as JSON and what makes it a duplicate — so that a listing of 100,000 entries reads a few
columns instead of loading every entry, and ``add`` finds duplicates the same way
(:meth:`mnkbib.library.Library.overview`). Everything here is computed from an Entry
alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from mnkbib.model import Entry

if TYPE_CHECKING:
    from mnkbib.cache import Index, Known
    from mnkbib.query import RowList
    from mnkbib.store import Snapshot, Store

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """A cell for a terminal or a tab-separated line: tabs and newlines become spaces; other
    control characters (escape sequences that would drive a terminal) are shown as ``\\x1b``."""
    if _CONTROL.search(text) is None:
        return text
    text = text.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def cells(entry: Entry) -> list[str]:
    """key, date, authors, title, container (not yet made printable)."""
    from mnkbib.keys import creators_short

    return [
        entry.key,
        str(entry.date) if entry.date else "",
        creators_short(entry),
        entry.title,
        str(entry.fields.get("container", "")),
    ]


def output_line(entry: Entry) -> str:
    """The entry's tab-separated output line."""
    return "\t".join(printable(c) for c in cells(entry)) + "\n"


def entry_json(entry: Entry) -> dict[str, Any]:
    from mnkbib.keys import label
    from mnkbib.model import entry_to_raw

    return {"key": entry.key, "label": label(entry), **entry_to_raw(entry)}


_encode = json.JSONEncoder(ensure_ascii=False).encode  # C-accelerated, for scalars


def pretty_json(value: Any, level: int = 0) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)`` as if nested ``level`` deep. With
    an indent, json.dumps runs its pure-Python encoder: three times slower than this, which
    leaves only the scalars to the C encoder."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        if not all(type(k) is str for k in value):
            text = json.dumps(value, ensure_ascii=False, indent=2)
            return text.replace("\n", "\n" + "  " * level)
        pad = "\n" + "  " * (level + 1)
        items = [_encode(k) + ": " + pretty_json(v, level + 1) for k, v in value.items()]
        return "{" + pad + ("," + pad).join(items) + "\n" + "  " * level + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        pad = "\n" + "  " * (level + 1)
        items = [pretty_json(v, level + 1) for v in value]
        return "[" + pad + ("," + pad).join(items) + "\n" + "  " * level + "]"
    return _encode(value)


def json_item(entry: Entry) -> bytes:
    """The entry as an item of :func:`json_array`'s array (indented as one), in UTF-8:
    the index keeps it so (half the memory of a str of Cyrillic text, and no encoding
    when it is written out)."""
    return ("  " + pretty_json(entry_json(entry), 1)).encode("utf-8")


def json_array(items: list[bytes], batch: int = 2000) -> Iterator[bytes]:
    """``json.dumps([...], ensure_ascii=False, indent=2)`` of the items' entries, in
    UTF-8, in parts of ``batch`` items (joined in C, never the whole array at once)."""
    return json_array_of_parts([items], batch)


def json_array_of_parts(parts: Iterable[list[bytes]], batch: int = 2000) -> Iterator[bytes]:
    """:func:`json_array` of the items of ``parts``, one part after the other: a part
    can be let go once it is written (the index's column of 100,000 entries' JSON is
    larger than the library)."""
    first = True
    for items in parts:
        for start in range(0, len(items), batch):
            yield (b"[\n" if first else b",\n") + b",\n".join(items[start : start + batch])
            first = False
    yield b"[]" if first else b"\n]"


# The columns by who reads them: each group is an index file of its own, built the first
# time one of its columns is asked for (a listing needs no JSON; only ``add`` reads "ids").
GROUPS: dict[str, tuple[str, ...]] = {
    "index": (
        "key",
        "type",
        "year",
        "tags",
        "language",
        "container",
        "hay",
        "people",
        "date_key",
        "author_sort",
        "title_fold",
        "line",
    ),
    "json": ("json",),
    "ids": ("ids",),
}


def _builder(kind: str) -> Callable[[Entry], tuple[Any, ...]]:
    """The function that gives one entry's values of the columns of group ``kind``."""
    if kind == "json":
        return lambda entry: (json_item(entry),)
    if kind == "ids":
        from mnkbib.dedupe import encode_ids, identity_keys

        return lambda entry: (encode_ids(identity_keys(entry)),)
    from mnkbib.query import row_values

    shared: dict[Any, Any] = {}
    share = shared.setdefault  # equal values as one object: a smaller, faster index

    def build(entry: Entry) -> tuple[Any, ...]:
        key, type_, year, tags, lang, container, hay, people, date, author, title = row_values(
            entry
        )
        return (
            key,
            share(type_, type_),
            year,
            share(tags, tuple(share(t, t) for t in tags)),
            share(lang, lang),
            share(container, container),
            hay,
            share(people, people),
            share(date, date),
            share(author, author),
            title,
            output_line(entry),
        )

    return build


def library_index(store: Store, known: Known | None = None, kind: str = "index") -> Index:
    """An index of the store's library (built or brought up to date as needed);
    ``known``: the library as already read, if it was."""
    from mnkbib.cache import cached_index
    from mnkbib.store import parse_library

    def also() -> dict[str, tuple[Callable[[Entry], tuple[Any, ...]], tuple[str, ...]]]:
        return {k: (_builder(k), names) for k, names in GROUPS.items() if k != kind}

    return cached_index(
        store.path, store.source, parse_library, _builder(kind), GROUPS[kind], known, kind, also
    )


def rows(store: Store, snapshot: Snapshot | None = None) -> RowList:
    """Every entry of the library as a Row, from the indexes. The listing index is read
    now; another group's index when one of its columns is first asked for, and then for
    exactly the bytes the listing index was read for."""
    return rows_and_index(store, snapshot)[0]


def rows_and_index(store: Store, snapshot: Snapshot | None = None) -> tuple[RowList, Index]:
    """:func:`rows`, and the listing index they were read from (a :class:`Known`: another
    index asked for the same bytes)."""
    from mnkbib.query import Table

    first = library_index(store, snapshot)
    indexes = {"index": first}
    group = {name: kind for kind, names in GROUPS.items() for name in names}

    def index_of(name: str) -> Index:
        kind = group[name]
        if kind not in indexes:
            indexes[kind] = library_index(store, snapshot or first, kind)
        return indexes[kind]

    table = Table(
        lambda name: index_of(name).column(name),
        first.size,
        lambda name: index_of(name).column_parts(name),
    )
    return table.rows(), first
