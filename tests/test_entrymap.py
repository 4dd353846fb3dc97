"""EntryMap behaves as a dict of the same keys and entries, in either of its forms: a key
list it scans (a command touching a few entries) or the dict it builds once asked for
more lookups; and it loads an entry from its source only when the entry is read."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mnkbib import entrymap
from mnkbib.entrymap import EntryMap
from mnkbib.model import Entry


class Disk:
    """A source of entries, counting what it loaded."""

    def __init__(self, keys: list[str]) -> None:
        self.entries = {k: Entry(k, "book", {"title": f"On {k}"}) for k in keys}
        self.loaded: list[str] = []
        self.bulk = 0

    def one(self, key: str) -> Entry:
        self.loaded.append(key)
        return self.entries[key]

    def all(self) -> dict[str, Entry]:
        self.bulk += 1
        return dict(self.entries)


def _entry(key: str, n: int) -> Entry:
    return Entry(key, "article", {"title": f"New {n}"})


KEYS = st.sampled_from(["a", "b", "c", "d", "e", "f"])
OPS = st.lists(
    st.tuples(st.sampled_from(["get", "set", "del", "in", "rekey", "list", "values"]), KEYS, KEYS),
    max_size=40,
)


@pytest.mark.parametrize("lookups", [0, 3, 1000])
@settings(max_examples=150, deadline=None)
@given(keys=st.lists(KEYS, unique=True), ops=OPS)
def test_a_lazy_map_answers_as_a_dict(
    keys: list[str], ops: list[tuple[str, str, str]], lookups: int
) -> None:
    disk = Disk(keys)
    model: dict[str, Entry] = dict(disk.entries)
    old = entrymap.LIST_LOOKUPS
    entrymap.LIST_LOOKUPS = lookups  # from the first lookup on, after a few, never
    try:
        emap = EntryMap.of(EntryMap.lazy(list(keys), disk))
        for n, (op, key, other) in enumerate(ops):
            if op == "get":
                if key in model:
                    assert emap[key] == model[key]
                else:
                    with pytest.raises(KeyError):
                        emap[key]
            elif op == "set":
                emap[key] = model[key] = _entry(key, n)
            elif op == "del":
                if key in model:
                    del emap[key]
                    del model[key]
                else:
                    with pytest.raises(KeyError):
                        del emap[key]
            elif op == "in":
                assert (key in emap) == (key in model)
            elif op == "rekey" and key in model and other not in model:
                emap.rekey(key, other, _entry(other, n))
                model = {
                    (other if k == key else k): (_entry(other, n) if k == key else v)
                    for k, v in model.items()
                }
            elif op == "list":
                assert list(emap) == list(model)
                assert len(emap) == len(model)
            elif op == "values":
                assert list(emap.items()) == list(model.items())
        assert list(emap) == list(model)
        assert dict(emap.items()) == model
    finally:
        entrymap.LIST_LOOKUPS = old
    assert disk.bulk <= 1


def test_reading_one_entry_loads_it_alone_and_once() -> None:
    disk = Disk(["a", "b", "c"])
    emap = EntryMap.lazy(["a", "b", "c"], disk)
    assert emap["b"].fields["title"] == "On b"
    assert emap["b"].fields["title"] == "On b"
    assert "c" in emap and "z" not in emap
    assert disk.loaded == ["b"]
    assert disk.bulk == 0


def test_many_lookups_build_the_dict_once() -> None:
    keys = [f"k{i}" for i in range(100)]
    disk = Disk(keys)
    emap = EntryMap.lazy(list(keys), disk)
    for key in keys[: entrymap.LIST_LOOKUPS]:
        assert key in emap
    assert emap._d is None  # scanned the list so far
    assert "k99" in emap
    assert emap._d is not None
    assert list(emap) == keys
    assert disk.loaded == []


def test_a_copy_does_not_change_the_original() -> None:
    disk = Disk(["a", "b"])
    original = EntryMap.lazy(["a", "b"], disk)
    copy = EntryMap.of(original)
    del copy["a"]
    copy["c"] = _entry("c", 1)
    assert list(original) == ["a", "b"]
    assert list(copy) == ["b", "c"]
