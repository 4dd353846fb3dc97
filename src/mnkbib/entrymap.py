"""An ordered mapping of citation keys to entries whose entries are loaded on first use.

A command that changes one entry of 100,000 needs every key (to check a new one) but
only that one entry: the cache then parses that entry's block alone instead of loading
all entries. Iterating over the values (``values()``, ``items()``) loads them all at
once, in one bulk load, never one by one.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, MutableMapping, ValuesView
from typing import Protocol

from mnkbib.model import Entry


class Source(Protocol):
    """Where the entries not yet loaded come from (keys as they are on disk)."""

    def one(self, key: str) -> Entry: ...

    def all(self) -> dict[str, Entry]: ...


class EntryMap(MutableMapping[str, Entry]):
    """Keys in file order; a value is ``None`` until loaded from ``source``."""

    __slots__ = ("_d", "_source")

    def __init__(
        self, entries: dict[str, Entry | None] | None = None, source: Source | None = None
    ) -> None:
        self._d: dict[str, Entry | None] = entries if entries is not None else {}
        self._source = source

    @classmethod
    def of(cls, entries: dict[str, Entry] | EntryMap | None) -> EntryMap:
        """A map of its own (a copy) of ``entries``."""
        if isinstance(entries, EntryMap):
            return EntryMap(dict(entries._d), entries._source)
        return EntryMap(dict(entries or {}))

    def __getitem__(self, key: str) -> Entry:
        value = self._d[key]
        if value is None:
            assert self._source is not None
            value = self._d[key] = self._source.one(key)
        return value

    def __setitem__(self, key: str, value: Entry) -> None:
        self._d[key] = value

    def __delitem__(self, key: str) -> None:
        del self._d[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._d)

    def __contains__(self, key: object) -> bool:
        return key in self._d

    def load_all(self) -> None:
        if self._source is not None and None in self._d.values():
            every = self._source.all()
            for key, value in self._d.items():
                if value is None:
                    self._d[key] = every[key]
        self._source = None

    def values(self) -> ValuesView[Entry]:  # type: ignore[override]
        self.load_all()
        return self._d.values()  # type: ignore[return-value]

    def items(self) -> ItemsView[str, Entry]:  # type: ignore[override]
        self.load_all()
        return self._d.items()  # type: ignore[return-value]

    def rekey(self, old: str, new: str, value: Entry) -> None:
        """``old`` renamed ``new`` (with ``value``), in the same place; nothing loaded."""
        self._d = {(new if k == old else k): (value if k == old else v) for k, v in self._d.items()}

    def __repr__(self) -> str:
        return f"EntryMap({len(self._d)} entries)"
