"""The in-memory library: an ordered mapping of keys to entries. No I/O.

Changes are recorded so that the store can write only what changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from mnkbib.entrymap import EntryMap
from mnkbib.errors import ConflictError, NotFoundError, UsageError
from mnkbib.keys import generate_key, is_valid_key
from mnkbib.model import Entry


@dataclass(slots=True)
class Changes:
    """What an edit did, by key: replaced (or renamed) in place, removed, added at the end."""

    replaced: dict[str, Entry] = field(default_factory=dict)  # old key -> new entry
    removed: set[str] = field(default_factory=set)
    added: dict[str, Entry] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.replaced or self.removed or self.added)


class Library:
    def __init__(
        self,
        entries: dict[str, Entry] | EntryMap | None = None,
        *,
        rows: Callable[[], Sequence[Any]] | None = None,
    ) -> None:
        # Entries are loaded when first used (EntryMap): a change to one entry of a large
        # library need not load the others.
        self.entries: EntryMap = EntryMap.of(entries)
        self._rows = rows  # the store's index of these entries, when it keeps one
        self.changes = Changes()
        self._renamed: dict[str, str] = {}  # current key -> key on disk, for renamed entries

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())

    def __contains__(self, key: object) -> bool:
        return key in self.entries

    def keys(self) -> list[str]:
        return list(self.entries)

    def overview(self) -> Sequence[Any]:
        """Every entry, or a :class:`mnkbib.query.Row` standing for it (key, type,
        container, identifiers …) when the store keeps an index and nothing was changed
        yet: enough to find a duplicate or a container's type without loading 100,000
        entries. Code that needs more asks ``get(row.key)``."""
        if self._rows is not None and not self.changes:
            return self._rows()
        return list(self)

    def get(self, key: str) -> Entry:
        try:
            return self.entries[key]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(key, self.entries, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise NotFoundError(f"no entry with key {key!r}{hint}") from None

    def add(self, entry: Entry, *, key: str | None = None) -> Entry:
        """Add an entry; without a key (or an empty one) a key is generated."""
        new_key = key if key is not None else entry.key
        if new_key:
            self.check_new_key(new_key)
        else:
            new_key = generate_key(entry, self.entries)
        entry = entry.renamed(new_key)
        self.entries[new_key] = entry
        self.changes.added[new_key] = entry
        return entry

    def check_new_key(self, key: str) -> None:
        """Raise unless ``key`` can name a new entry: valid, and not taken."""
        if not is_valid_key(key):
            raise UsageError(f"invalid citation key {key!r} (no spaces, commas, braces or quotes)")
        if key in self.entries:
            raise ConflictError(f"an entry with key {key!r} exists already")

    def replace(self, entry: Entry) -> None:
        old = self.get(entry.key)
        if old == entry:
            return
        self.entries[entry.key] = entry
        self._record(entry.key, entry)

    def remove(self, key: str) -> Entry:
        entry = self.get(key)
        del self.entries[key]
        if key in self.changes.added:
            del self.changes.added[key]
        else:
            origin = self._renamed.pop(key, key)
            self.changes.replaced.pop(origin, None)
            self.changes.removed.add(origin)
        return entry

    def rename(self, old: str, new: str) -> Entry:
        entry = self.get(old)
        if new == old:
            return entry
        self.check_new_key(new)
        renamed = entry.renamed(new)
        self.entries.rekey(old, new, renamed)
        if old in self.changes.added:
            del self.changes.added[old]
            self.changes.added[new] = renamed
        else:
            origin = self._renamed.pop(old, old)
            self._renamed[new] = origin
            self.changes.replaced[origin] = renamed
        return renamed

    def _record(self, key: str, entry: Entry) -> None:
        if key in self.changes.added:
            self.changes.added[key] = entry
        else:
            self.changes.replaced[self._renamed.get(key, key)] = entry
