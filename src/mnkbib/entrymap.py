"""An ordered mapping of citation keys to entries whose entries are loaded on first use.

A command that changes one entry of 100,000 needs every key (to check a new one) but
only that one entry: the cache then parses that entry's block alone instead of loading
all entries. Iterating over the values (``values()``, ``items()``) loads them all at
once, in one bulk load, never one by one.

Made from a list of keys (:meth:`EntryMap.lazy`), the map does not hash them into a dict
until it is asked for more than a few lookups: 100,000 fresh keys take 20–30 ms to
hash and insert, about a tenth of a whole ``set`` command, while looking one key up in
the list is a scan in C well under a millisecond. Until then the keys stay a list
(changed in place for a removal, an addition or a rename) beside a small dict of the
values loaded or set.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, MutableMapping, ValuesView
from typing import Protocol

from mnkbib.model import Entry

# Lookups answered by scanning the key list before the map builds its dict: a command
# changing a few entries stays below it; an import checking thousands of keys passes it.
LIST_LOOKUPS = 32


class Source(Protocol):
    """Where the entries not yet loaded come from (keys as they are on disk)."""

    def one(self, key: str) -> Entry: ...

    def all(self) -> dict[str, Entry]: ...


class EntryMap(MutableMapping[str, Entry]):
    """Keys in file order; a value is ``None`` until loaded from ``source``."""

    __slots__ = ("_d", "_keys", "_lookups", "_source", "_vals")

    def __init__(
        self, entries: dict[str, Entry | None] | None = None, source: Source | None = None
    ) -> None:
        self._d: dict[str, Entry | None] | None = entries if entries is not None else {}
        self._source = source
        # While _d is None: the keys in order, and the values loaded or set so far.
        self._keys: list[str] = []
        self._vals: dict[str, Entry] = {}
        self._lookups = 0

    @classmethod
    def lazy(cls, keys: list[str], source: Source) -> EntryMap:
        """The keys ``keys`` (the map's own list from now on), every value from ``source``."""
        new = cls(None, source)
        new._d, new._keys = None, keys
        return new

    @classmethod
    def of(cls, entries: dict[str, Entry] | EntryMap | None) -> EntryMap:
        """A map of its own (a copy) of ``entries``."""
        if isinstance(entries, EntryMap):
            if entries._d is not None:
                return EntryMap(dict(entries._d), entries._source)
            assert entries._source is not None
            new = cls.lazy(list(entries._keys), entries._source)
            new._vals = dict(entries._vals)
            return new
        return EntryMap(dict(entries or {}))

    def _dict(self) -> dict[str, Entry | None]:
        """The keys hashed into a dict, once; the list is dropped then."""
        if self._d is None:
            d: dict[str, Entry | None] = dict.fromkeys(self._keys)
            d.update(self._vals)
            self._d, self._keys, self._vals = d, [], {}
        return self._d

    def _scan(self) -> bool:
        """Whether this lookup is to scan the key list: the map is still a list, and
        scanned fewer than LIST_LOOKUPS times so far. Else the dict is built, to answer."""
        if self._d is None:
            self._lookups += 1
            if self._lookups <= LIST_LOOKUPS:
                return True
            self._dict()
        return False

    def __getitem__(self, key: str) -> Entry:
        if self._scan():
            value = self._vals.get(key)
            if value is None:
                if key not in self._keys:
                    raise KeyError(key)
                assert self._source is not None
                value = self._vals[key] = self._source.one(key)
            return value
        d = self._dict()
        value = d[key]
        if value is None:
            assert self._source is not None
            value = d[key] = self._source.one(key)
        return value

    def __setitem__(self, key: str, value: Entry) -> None:
        if self._scan():
            if key not in self._vals and key not in self._keys:
                self._keys.append(key)
            self._vals[key] = value
        else:
            self._dict()[key] = value

    def __delitem__(self, key: str) -> None:
        if self._scan():
            self._vals.pop(key, None)
            try:
                self._keys.remove(key)
            except ValueError:
                raise KeyError(key) from None
        else:
            del self._dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._d if self._d is not None else self._keys)

    def __len__(self) -> int:
        return len(self._d if self._d is not None else self._keys)

    def __contains__(self, key: object) -> bool:
        if self._scan():
            return key in self._vals or key in self._keys
        return key in self._dict()

    def load_all(self) -> None:
        d = self._dict()
        if self._source is not None and None in d.values():
            every = self._source.all()
            for key, value in d.items():
                if value is None:
                    d[key] = every[key]
        self._source = None

    def values(self) -> ValuesView[Entry]:  # type: ignore[override]
        self.load_all()
        return self._dict().values()  # type: ignore[return-value]

    def items(self) -> ItemsView[str, Entry]:  # type: ignore[override]
        self.load_all()
        return self._dict().items()  # type: ignore[return-value]

    def rekey(self, old: str, new: str, value: Entry) -> None:
        """``old`` renamed ``new`` (with ``value``), in the same place; nothing loaded."""
        if self._scan():
            self._keys[self._keys.index(old)] = new
            self._vals.pop(old, None)
            self._vals[new] = value
            return
        self._d = {
            (new if k == old else k): (value if k == old else v) for k, v in self._dict().items()
        }

    def __repr__(self) -> str:
        return f"EntryMap({len(self)} entries)"
