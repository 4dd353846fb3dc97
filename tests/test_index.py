"""The listing index (cache.cached_index): `list` and `search` answered from it print exactly
what they print from the entries, and it is never stale, never trusted when damaged."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mnkbib import cache, query
from mnkbib.cli import cli
from mnkbib.model import entry_from_raw, entry_to_raw
from mnkbib.store import Store
from mnkbib.yamlemit import emit_entry

ROOT = Path(__file__).resolve().parents[1]


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "mnkbib_bench_generate", ROOT / "benchmarks" / "generate.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


GENERATE = _generator()

# Entries the generator does not make: control characters in cells, no date, no people,
# a month and day, a regional language tag, an accented container.
ODD = [
    ("odd1", {"type": "book", "title": "Tab\there and\x1b[31mred", "language": "mn-Cyrl"}),
    (
        "odd2",
        {"type": "report", "title": "Ünïcode", "date": "2001-02-03", "container": "Über Blätter"},
    ),
    (
        "odd3",
        {
            "type": "article-journal",
            "title": "Line\nbreak",
            "author": [{"literal": "Монгол Улсын Их Хурал"}],
            "tags": ["Korea", "mongolia"],
            "date": "1999-07",
            "language": "MN",
        },
    ),
]


def library_text(n: int, seed: int = 7) -> str:
    entries = GENERATE.generate(n, seed)
    text: str = GENERATE.library_text(entries)
    for key, raw in ODD:
        entry = entry_from_raw(key, raw)
        text += emit_entry(entry.key, entry_to_raw(entry))
    return text


@pytest.fixture(scope="module")
def text() -> str:
    return library_text(120)


@pytest.fixture
def lib(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "library.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def run(path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-l", str(path), *args], env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def full(path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """The same command, made to take the path through the entries."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(query, "free_words_only", lambda text: False)
        return run(path, *args, env=env)


class Calls:
    """Counts what a command did: full library reads, rows built for the index."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.states = 0
        self.built = 0
        load_state, row_values = cache.load_state, query.row_values

        def counting_load_state(path: Path) -> Any:
            self.states += 1
            return load_state(path)

        def counting_row_values(entry: Any) -> Any:
            self.built += 1
            return row_values(entry)

        monkeypatch.setattr(cache, "load_state", counting_load_state)
        monkeypatch.setattr(query, "row_values", counting_row_values)

    def reset(self) -> None:
        self.states = self.built = 0


def index_of(path: Path) -> cache.Index:
    index = cache.load_index(path)
    assert index is not None
    return index


# ---------------------------------------------------------------------------
# Same output


WORDS = ["mongolia", "the", "ulaanbaatar", "muller", "history", "tuukhen", "a", "zz", "2001"]
word = st.sampled_from(WORDS).flatmap(lambda w: st.sampled_from([w, "-" + w]))
options = st.fixed_dictionaries(
    {},
    optional={
        "--author": st.sampled_from(["dierkes", "müller", "mendee", "nobody", "Хурал"]),
        "--year": st.sampled_from(["2001", "1990..2005", "..1999", "2010..", "x", "1999-2003"]),
        "--type": st.sampled_from(["book", "article-journal", "report", "thesis", "nonsense"]),
        "--tag": st.sampled_from(["mongolia", "korea", "history", "none"]),
        "--lang": st.sampled_from(["mn", "en", "de", "ru", "mn-cyrl", "zz"]),
        "--container": st.sampled_from(["journal", "uber", "diplomat", "press"]),
        "--sort": st.sampled_from(["file", "key", "date", "year", "author", "title", "type", "x"]),
        "--limit": st.sampled_from(["0", "1", "7", "1000"]),
    },
)


def arguments(command: str, words: list[str], opts: dict[str, str], flags: list[str]) -> list[str]:
    args = [command, *flags]
    for name, value in opts.items():
        if name == "--limit" and command == "search":
            continue
        args += [f"{name}={value}"]
    return [*args, "--", *words] if words else args


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    command=st.sampled_from(["list", "search"]),
    words=st.lists(word, max_size=3),
    opts=options,
    flags=st.lists(st.sampled_from(["--reverse", "--keys", "--json"]), unique=True),
)
def test_rows_and_entries_print_the_same(
    tmp_path_factory: pytest.TempPathFactory,
    text: str,
    command: str,
    words: list[str],
    opts: dict[str, str],
    flags: list[str],
) -> None:
    path = tmp_path_factory.mktemp("same") / "library.yaml"
    if not path.exists():
        path.write_text(text, encoding="utf-8")
    args = arguments(command, words, opts, flags)
    expected = full(path, *args)
    assert run(path, *args) == expected  # the index built now, or read
    assert run(path, *args) == expected  # the index read
    assert index_of(path).map.matches(path.read_bytes())


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["list", "--keys"],
        ["search", "ulaanbaatar"],
        ["search", "mongolia", "-the", "--sort", "author", "--reverse"],
        ["search", "zzzzzz"],  # nothing: exit 1
        ["list", "--sort", "title", "--tag", "korea"],
        ["list", "--year", "nonsense"],
        ["search", '"unclosed'],
        ["list", "--type", "book", "--sort", "date", "--limit", "3"],
        ["list", "--json"],
        ["search", "--json", "ulaanbaatar", "--sort", "title"],
        ["search", "--json", "zzzzzz"],  # an empty array
    ],
)
@pytest.mark.parametrize("tty", [False, True])
def test_examples_print_the_same(lib: Path, args: list[str], tty: bool) -> None:
    env = {"MNKBIB_FORCE_TTY": "1"} if tty else {}
    expected = full(lib, *args, env=env)
    assert run(lib, *args, env=env) == expected
    assert run(lib, *args, env=env) == expected


def test_a_warm_listing_reads_the_index_only(lib: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = Calls(monkeypatch)
    expected = full(lib, "list")
    calls.reset()
    assert run(lib, "list") == expected  # builds the index from the cached entries
    assert calls.states == 1
    assert calls.built == len(ODD) + 120
    calls.reset()
    assert run(lib, "list") == expected
    assert run(lib, "search", "mongolia", "--sort", "author") == full(
        lib, "search", "mongolia", "--sort", "author"
    )
    calls.reset()
    run(lib, "search", "mongolia", "--keys")
    assert (calls.states, calls.built) == (0, 0)


# ---------------------------------------------------------------------------
# Never stale


def test_rebuilt_after_a_hand_edit_reusing_unchanged_entries(
    lib: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(lib, "list")
    calls = Calls(monkeypatch)
    text = lib.read_text(encoding="utf-8")
    changed = text.replace("title: Ünïcode", "title: Ünïcodes", 1)
    assert changed != text
    lib.write_text(changed, encoding="utf-8")
    before = full(lib, "list")
    assert "Ünïcodes" in before[1]
    calls.reset()
    assert run(lib, "list") == before
    assert calls.built == 1  # only the edited entry
    assert index_of(lib).map.matches(lib.read_bytes())
    calls.reset()
    assert run(lib, "search", "unicodes") == full(lib, "search", "unicodes")
    assert calls.built == 0


def test_same_size_edit_is_seen(lib: Path) -> None:
    run(lib, "list")
    text = lib.read_text(encoding="utf-8")
    same_size = text.replace("title: Ünïcode", "title: Ünïcade", 1)
    assert same_size != text and len(same_size) == len(text)
    lib.write_text(same_size, encoding="utf-8")
    assert run(lib, "search", "unicade", "--keys") == (0, "odd2\n", "")


def test_rebuilt_after_an_mnkbib_write(lib: Path) -> None:
    assert run(lib, "search", "tab", "--keys")[1] == "odd1\n"
    assert run(lib, "set", "odd1", "title=Completely new")[0] == 0
    with Store(lib).edit() as library:
        library.remove("odd2")
    for args in (["list"], ["search", "completely"], ["list", "--keys"]):
        expected = full(lib, *args)
        assert run(lib, *args) == expected
    assert "odd2" not in run(lib, "list", "--keys")[1]
    assert run(lib, "search", "completely", "--keys")[1] == "odd1\n"
    assert index_of(lib).map.matches(lib.read_bytes())


@pytest.mark.parametrize("damage", ["truncate", "flip-header", "flip-column", "garbage", "empty"])
def test_a_damaged_index_is_ignored(lib: Path, damage: str) -> None:
    expected = {a: full(lib, *a) for a in (("list",), ("search", "mongolia", "--sort", "title"))}
    run(lib, "list")
    index = cache.index_file(lib)
    data = bytearray(index.read_bytes())
    if damage == "truncate":
        data = data[: len(data) - 100]
    elif damage == "flip-header":
        data[len(cache.MAGIC) + 10] ^= 0x55
    elif damage == "flip-column":
        data[-50] ^= 0x55  # in the last column ("year"), read only when asked for
    elif damage == "garbage":
        data = bytearray(b"not a cache at all" * 10)
    else:
        data = bytearray()
    index.write_bytes(bytes(data))
    for args, out in expected.items():
        assert run(lib, *args) == out
    assert run(lib, "list", "--sort", "year") == full(lib, "list", "--sort", "year")
    assert index_of(lib).map.matches(lib.read_bytes())
    assert run(lib, "list", "--sort", "year") == full(lib, "list", "--sort", "year")


def test_an_index_of_another_library_is_not_used(tmp_path: Path, lib: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(library_text(30, seed=3), encoding="utf-8")
    run(other, "list")
    cache.index_file(lib).parent.mkdir(parents=True, exist_ok=True)
    cache.index_file(lib).write_bytes(cache.index_file(other).read_bytes())
    assert run(lib, "list") == full(lib, "list")


def test_an_index_of_another_version_is_ignored(lib: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "_INDEX_FINGERPRINT", "an older mnkbib")
    run(lib, "list")
    monkeypatch.setattr(cache, "_INDEX_FINGERPRINT", None)
    assert cache.load_index(lib) is None
    assert run(lib, "list") == full(lib, "list")
    assert cache.load_index(lib) is not None


# ---------------------------------------------------------------------------
# Who uses it


@pytest.mark.parametrize(
    "args",
    [
        ["search", "title:mongolia"],
        ["search", "--json", "author:dierkes"],
        ["search", "author:dierkes"],
        ["search", "-tag:korea", "mongolia"],
        ["list", "year:2001"],
        ["search", "key:odd1"],
        ["export", "--format", "bibtex"],
        ["authors"],
    ],
)
def test_field_queries_never_use_the_index(
    lib: Path, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_index(*_: Any, **__: Any) -> Any:
        raise AssertionError("the index was used")

    monkeypatch.setattr(cache, "cached_index", no_index)
    code, _, _ = run(lib, *args)
    assert code in (0, 1)


def test_free_words_only() -> None:
    assert query.free_words_only("mongolia -draft 'two words' http://x.org")
    assert query.free_words_only("")
    for text in ("title:x", "-author:y", "tag:korea a", "key:z", '"unclosed'):
        assert not query.free_words_only(text)


def test_missing_library_gives_the_same_error(tmp_path: Path) -> None:
    path = tmp_path / "none.yaml"
    assert run(path, "list") == full(path, "list")
    assert run(path, "list")[0] != 0


def test_the_json_column_is_what_json_dumps_gives(text: str) -> None:
    import json

    from mnkbib.listindex import entry_json, json_array, json_array_of_parts, json_item
    from mnkbib.store import parse_library

    entries = list(parse_library(text, "t").entries.values())
    for chosen in (entries, entries[:1], []):
        expected = json.dumps([entry_json(e) for e in chosen], ensure_ascii=False, indent=2)
        items = [json_item(e) for e in chosen]
        for batch in (1, 2, 2000):  # in parts of any size
            assert b"".join(json_array(items, batch)) == expected.encode()
            for cut in range(len(items) + 1):  # from a column in two parts
                parts = [items[:cut], [], items[cut:]]
                assert b"".join(json_array_of_parts(parts, batch)) == expected.encode()


@pytest.mark.parametrize("scan_limit", [0, 100], ids=["mapping", "scans"])
@pytest.mark.parametrize("mode", ["skip", "merge", "rename"])
def test_duplicates_found_through_the_index_are_those_found_in_the_entries(
    lib: Path, text: str, mode: str, scan_limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mnkbib.dedupe import DuplicateIndex
    from mnkbib.importer import plan_import

    monkeypatch.setattr(DuplicateIndex, "SCAN_LIMIT", scan_limit)
    from mnkbib.library import Library
    from mnkbib.store import parse_library

    entries = list(parse_library(text, "t").entries.values())
    candidates = [
        entries[3].renamed(""),  # the same work again
        entries[10].with_fields(note="a note to merge").renamed("other"),
        entries[20].renamed(entries[21].key),  # a taken key
        entry_from_raw("", {"type": "book", "title": "Quite new", "date": "2020"}),
        entry_from_raw("", {"type": "book", "title": "Quite new", "date": "2020"}),
    ]
    run(lib, "list")  # the index is there
    by_rows = Store(lib).read()
    assert by_rows.overview() and all(isinstance(r, query.Row) for r in by_rows.overview())
    by_entries = Library(parse_library(text, "t").entries)
    monkeypatch.setattr(DuplicateIndex, "SCAN_LIMIT", 0)  # the reference: one mapping
    expected = plan_import(by_entries, candidates, mode).steps  # type: ignore[arg-type]
    monkeypatch.setattr(DuplicateIndex, "SCAN_LIMIT", scan_limit)
    assert plan_import(by_rows, candidates, mode).steps == expected  # type: ignore[arg-type]
    assert mode == "rename" or mode in {s.action for s in expected}


id_keys = st.lists(
    st.tuples(
        st.sampled_from(["doi", "isbn", "url", "title"]),
        st.text(alphabet=st.sampled_from("ab\\\x1d\x1e\x1f12|"), max_size=6),
    ),
    max_size=3,
)


@settings(max_examples=300, deadline=None)
@given(id_keys)
def test_identity_keys_come_back_from_their_string(keys: list[tuple[str, str]]) -> None:
    from mnkbib.dedupe import decode_ids, encode_ids

    assert decode_ids(encode_ids(keys)) == keys


@settings(max_examples=200, deadline=None)
@given(st.lists(id_keys, max_size=8), id_keys)
def test_a_scan_of_the_joined_keys_finds_the_first_entry_with_a_key(
    library: list[list[tuple[str, str]]], wanted: list[tuple[str, str]]
) -> None:
    """Separators and backslashes in values never make a key match across keys or
    entries: the scan finds what the mapping finds, the first entry with the key."""
    from mnkbib.dedupe import DuplicateIndex, encode_ids

    def index(scan_limit: int) -> DuplicateIndex:
        found = DuplicateIndex()
        found._items = [f"entry{i}" for i in range(len(library))]  # type: ignore[misc]
        found._ids = [encode_ids(keys) for keys in library]
        found.SCAN_LIMIT = scan_limit
        return found

    expected = {
        k: f"entry{next(i for i, keys in enumerate(library) if k in keys)}"
        for k in wanted
        if any(k in keys for keys in library)
    }
    assert index(100)._lookup(wanted) == expected
    assert index(0)._lookup(wanted) == expected


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(json_values, st.integers(min_value=0, max_value=3))
def test_pretty_json_is_json_dumps_indented(value: Any, level: int) -> None:
    import json

    from mnkbib.listindex import pretty_json

    expected = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * level)
    assert pretty_json(value, level) == expected


def test_each_group_of_columns_is_built_when_first_read(lib: Path) -> None:
    run(lib, "list")
    assert cache.index_file(lib).exists()
    assert not cache.index_file(lib, "json").exists()
    assert not cache.index_file(lib, "ids").exists()
    assert run(lib, "list", "--json") == full(lib, "list", "--json")
    assert cache.index_file(lib, "json").exists()
    assert not cache.index_file(lib, "ids").exists()


def test_a_listing_never_mixes_two_versions_of_the_file(lib: Path) -> None:
    from mnkbib.errors import StoreError
    from mnkbib.listindex import rows

    run(lib, "list")
    listed = rows(Store(lib))
    assert listed[0].key  # the listing index is read
    lib.write_text(lib.read_text(encoding="utf-8").replace("title:", "title: x", 1), "utf-8")
    with pytest.raises(StoreError, match="changed while it was read"):
        listed[0].json  # noqa: B018 - the JSON group is read now: for the old bytes


def test_table_rows_are_a_sequence_made_on_demand() -> None:
    keys = ["a", "b", "c"]
    asked: list[str] = []

    def column(name: str) -> list[Any]:
        asked.append(name)
        return keys

    rows = query.Table(column, 3).rows()
    assert len(rows) == 3
    assert [r.key for r in rows] == keys
    assert rows[-1].key == "c" and int(rows[1]) == 1
    assert [r.key for r in rows[1:]] == ["b", "c"]
    with pytest.raises(IndexError):
        rows[3]
    assert asked == ["key"]  # one column read, once
