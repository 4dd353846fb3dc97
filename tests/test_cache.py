"""The parsed-library cache: never stale, never trusted when damaged, re-parses little."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mnkbib import blockmap, cache, store
from mnkbib.document import scan
from mnkbib.errors import ParseError
from mnkbib.model import entry_from_raw, entry_to_raw
from mnkbib.store import HEADER, Store, parse_library
from mnkbib.yamlemit import emit_entry

NAMES = [
    {"family": "Dierkes", "given": "Julian"},
    {"family": "MENDEE", "given": "Jargalsaikhan", "family-first": True},
    {"family": "Жаргалсайхан", "given": "Мэндээ"},
    {"family": "毛", "given": "泽东", "family-first": True},
    {"family": "Berg", "given": "Anna", "particle": "van der"},
]


def make_text(n: int) -> str:
    blocks = []
    for i in range(n):
        raw: dict[str, Any] = {
            "type": "article-journal" if i % 2 else "book",
            "title": f"Title number {i:04d}",
            "author": [NAMES[i % len(NAMES)], NAMES[(i + 2) % len(NAMES)]],
            "date": f"{1990 + i % 30}-0{1 + i % 9}",
            "tags": ["mongolia", f"t{i % 3}"],
        }
        if i % 3 == 0:
            raw["abstract"] = f"An abstract\nover two lines ({i})."
        entry = entry_from_raw(f"key{i:04d}", raw)
        blocks.append(emit_entry(entry.key, entry_to_raw(entry)))
    return HEADER + "".join(blocks)


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    path = tmp_path / "library.yaml"
    path.write_text(make_text(40), encoding="utf-8")
    return path


class Counter:
    """Counts whole-file parses and single-entry parses."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.files = 0
        self.entries = 0
        real_library, real_entry = store.parse_library, store.parse_entry

        def parse_library_counted(text: str, source: str) -> store.Snapshot:
            self.files += 1
            return real_library(text, source)

        def parse_entry_counted(*args: Any) -> Any:
            self.entries += 1
            return real_entry(*args)

        monkeypatch.setattr(store, "parse_library", parse_library_counted)
        monkeypatch.setattr(store, "parse_entry", parse_entry_counted)

    def reset(self) -> None:
        self.files = self.entries = 0


@pytest.fixture
def count(monkeypatch: pytest.MonkeyPatch) -> Counter:
    return Counter(monkeypatch)


def fresh(path: Path) -> store.Snapshot:
    """What an uncached parse gives."""
    return parse_library(path.read_bytes().decode("utf-8"), str(path))


def read(path: Path) -> store.Snapshot:
    cache._LAST.clear()  # as in a new process
    return Store(path).snapshot()


def assert_same(path: Path, snap: store.Snapshot) -> None:
    expected = fresh(path)
    assert list(snap.entries) == list(expected.entries)
    assert snap.entries == expected.entries
    assert snap.text == expected.text
    assert snap.layout == scan(expected.text)


def cache_is_valid(path: Path) -> bool:
    state = cache.load_state(path)
    return state is not None and state.map.matches(path.read_bytes())


# ---------------------------------------------------------------------------
# Warm reads and edits


def test_second_read_parses_nothing(lib: Path, count: Counter) -> None:
    first = read(lib)
    assert count.files == 1
    assert cache_is_valid(lib)
    count.reset()
    second = read(lib)
    assert (count.files, count.entries) == (0, 0)
    assert second.entries == first.entries
    assert_same(lib, second)


def test_cache_lives_in_xdg_cache_home(lib: Path) -> None:
    read(lib)
    base, head = cache.cache_files(lib)
    assert base.exists() and head.exists()
    assert str(base).startswith(os.environ["XDG_CACHE_HOME"])


def test_hand_edit_reparses_only_that_block(lib: Path, count: Counter) -> None:
    read(lib)
    text = lib.read_text(encoding="utf-8")
    lib.write_text(text.replace("Title number 0007", "A new title for seven"), encoding="utf-8")
    count.reset()
    snap = read(lib)
    assert (count.files, count.entries) == (0, 1)
    assert snap.entries["key0007"].title == "A new title for seven"
    assert_same(lib, snap)
    count.reset()
    assert read(lib).entries == snap.entries
    assert (count.files, count.entries) == (0, 0)


def test_same_size_edit_with_mtime_restored_is_seen(lib: Path) -> None:
    read(lib)
    st = lib.stat()
    text = lib.read_text(encoding="utf-8")
    edited = text.replace("Title number 0012", "Title number 0021")
    assert len(edited) == len(text)
    lib.write_text(edited, encoding="utf-8")
    os.utime(lib, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert lib.stat().st_size == st.st_size and lib.stat().st_mtime_ns == st.st_mtime_ns
    snap = read(lib)
    assert snap.entries["key0012"].title == "Title number 0021"
    assert_same(lib, snap)


def test_write_by_another_process_is_seen(lib: Path) -> None:
    read(lib)
    code = (
        "import sys, pathlib; p = pathlib.Path(sys.argv[1]); "
        "p.write_text(p.read_text(encoding='utf-8').replace('Title number 0003', 'Other'), "
        "encoding='utf-8')"
    )
    subprocess.run([sys.executable, "-c", code, str(lib)], check=True)
    snap = read(lib)
    assert snap.entries["key0003"].title == "Other"
    assert_same(lib, snap)


def test_checkout_of_an_older_version_is_seen(lib: Path) -> None:
    old = lib.read_bytes()
    old_mtime = lib.stat().st_mtime_ns - 10**10
    lib.write_text(make_text(45).replace("Title number 0001", "Changed"), encoding="utf-8")
    assert len(read(lib).entries) == 45
    lib.write_bytes(old)  # what `git checkout` of the older commit does …
    os.utime(lib, ns=(old_mtime, old_mtime))  # … with an older mtime
    snap = read(lib)
    assert len(snap.entries) == 40
    assert snap.entries["key0001"].title == "Title number 0001"
    assert_same(lib, snap)


def test_many_changes_parse_the_whole_file(
    lib: Path, count: Counter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "INCREMENTAL_MIN", 5)
    read(lib)
    lib.write_text(make_text(40).replace("Title number", "Title No."), encoding="utf-8")
    count.reset()
    snap = read(lib)
    assert count.files == 1
    assert_same(lib, snap)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: t.replace("  key0005:", "# a comment\n\n  key0005:"), id="comment"),
        pytest.param(lambda t: t + "  key9999:\n    type: book\n    title: Added\n", id="append"),
        pytest.param(lambda t: t.replace("  key0009:\n", "  key0009:\n    note: hi\n"), id="field"),
        pytest.param(
            lambda t: t.replace(
                "title: Title number 0004",
                "title: Title number 0004\n    abstract: |+\n      kept\n\n",
            ),
            id="keep-chomping",
        ),
        pytest.param(lambda t: t.replace("mnkbib: 1", "mnkbib: 1\n# header note"), id="header"),
        pytest.param(lambda t: t + "extra: footer\n", id="footer"),
        pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda t: t.replace("key0002:", "key0003:"), id="duplicate-key"),
        pytest.param(
            lambda t: t.replace("title: Title number 0006", "title: [unclosed"), id="bad-yaml"
        ),
        pytest.param(lambda t: t.replace("type: book", "type: nonsense", 1), id="bad-type"),
        pytest.param(lambda t: t.replace("    title: Title number 0008\n", ""), id="no-title-ok"),
        pytest.param(lambda t: t.replace("Title number 0010", "Line\u2028break"), id="u2028"),
        pytest.param(lambda t: HEADER.replace("entries:", "entries: {}"), id="empty"),
    ],
)
def test_after_any_edit_the_result_is_what_a_parse_gives(lib: Path, edit: Any) -> None:
    read(lib)
    lib.write_bytes(edit(lib.read_bytes().decode("utf-8")).encode("utf-8"))
    try:
        expected = fresh(lib)
    except ParseError as exc:
        with pytest.raises(ParseError) as raised:
            read(lib)
        assert str(raised.value) == str(exc)
        return
    snap = read(lib)
    assert snap.entries == expected.entries
    assert list(snap.entries) == list(expected.entries)
    assert snap.layout == scan(expected.text)
    assert read(lib).entries == expected.entries  # and again, from the cache


def test_edits_through_mnkbib_keep_the_cache_warm(lib: Path, count: Counter) -> None:
    read(lib)
    cache._LAST.clear()
    s = Store(lib)
    with s.edit() as library:
        entry = library.get("key0004")
        library.replace(entry.with_fields(title="Edited by mnkbib"))
        library.remove("key0010")
        library.add(
            entry_from_raw("", {"type": "book", "title": "Added", "date": "2001"}), key="added2001"
        )
    assert cache_is_valid(lib)
    count.reset()
    snap = read(lib)
    assert (count.files, count.entries) == (0, 0)
    assert snap.entries["key0004"].title == "Edited by mnkbib"
    assert "key0010" not in snap.entries and "added2001" in snap.entries
    assert_same(lib, snap)


# ---------------------------------------------------------------------------
# Damaged caches


def damage_corrupt(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for i in range(len(data) // 2, len(data) // 2 + 64):
        data[i] ^= 0x55
    path.write_bytes(bytes(data))


def damage_truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def damage_foreign(path: Path) -> None:
    path.write_bytes(pickle.dumps({"not": "a cache"}))


def damage_empty(path: Path) -> None:
    path.write_bytes(b"")


@pytest.mark.parametrize("damage", [damage_corrupt, damage_truncate, damage_foreign, damage_empty])
@pytest.mark.parametrize("which", [0, 1], ids=["base", "head"])
@pytest.mark.parametrize("workers", [False, True], ids=["one-process", "workers"])
def test_damaged_cache_is_ignored_and_rebuilt(
    lib: Path, damage: Any, which: int, workers: bool, request: pytest.FixtureRequest
) -> None:
    if workers:
        if not sys.platform.startswith("linux"):
            pytest.skip("first reads use worker processes on Linux only")
        request.getfixturevalue("parallel")  # the cache written by a first read's workers
    read(lib)
    damage(cache.cache_files(lib)[which])
    state = cache.load_state(lib)
    if which == 0:  # the base pool is read only when every entry is needed
        assert state is not None and state.base() is None
    else:
        assert state is None
    assert_same(lib, read(lib))
    assert cache_is_valid(lib)


def test_cache_of_another_version_is_ignored(
    lib: Path, monkeypatch: pytest.MonkeyPatch, count: Counter
) -> None:
    monkeypatch.setattr(cache, "_FINGERPRINT", "an older mnkbib")
    read(lib)
    monkeypatch.setattr(cache, "_FINGERPRINT", None)
    assert cache.load_state(lib) is None
    count.reset()
    assert_same(lib, read(lib))
    assert count.files == 1
    assert cache_is_valid(lib)


def test_head_of_another_base_is_ignored(lib: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    read(lib)
    _, head = cache.cache_files(lib)
    saved_head = head.read_bytes()
    monkeypatch.setattr(cache, "INCREMENTAL_MIN", 5)
    lib.write_text(make_text(30).replace("Title", "T"), encoding="utf-8")
    read(lib)  # too many changes: a new base
    head.write_bytes(saved_head)  # a head from before, beside the new base
    state = cache.load_state(lib)
    assert state is not None and state.base() is None  # the base's id is not the head's
    assert_same(lib, read(lib))


def test_unwritable_cache_directory(
    lib: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert_same(lib, read(lib))
    assert_same(lib, read(lib))
    with Store(lib).edit() as library:
        library.remove("key0001")
    assert "key0001" not in read(lib).entries


def test_missing_library_error_is_unchanged(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="no such library"):
        read(tmp_path / "nope.yaml")


def test_not_utf8_error_is_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(HEADER.encode() + b"  k:\n    title: \xff\n")
    with pytest.raises(ParseError, match="not UTF-8"):
        read(path)


# ---------------------------------------------------------------------------
# Splitting into blocks: the same as document.scan


@pytest.mark.parametrize(
    "text",
    [
        make_text(5),
        make_text(3) + "# trailing comment\n\n",
        make_text(3) + "footer: 1\n  more: 2\n",
        make_text(3).rstrip("\n"),
        make_text(3).replace("\n", "\r\n"),
        HEADER,
        HEADER.replace("entries:", "entries: {}"),
        "mnkbib: 1\n",
        "",
        "entries:\n    deep:\n      type: book\n  # comment\n    next: x\n  shallow: y\n",
        'entries:\n\n# c\n  a:\n    b: |\n\n      x\n   # not a comment\n  "quoted key": 1\n',
        "entries:\nfooter: 1\n",
    ],
)
def test_split_blocks_matches_scan(text: str) -> None:
    assert_split_like_scan(text)


def assert_split_like_scan(text: str) -> None:
    data = text.encode("utf-8")
    blocks = blockmap.split_blocks(data)
    assert blocks is not None
    layout = scan(text)
    assert blocks.entries_line == layout.entries_line
    assert blocks.empty_flow == layout.empty_flow
    assert blocks.indent == layout.indent
    assert blocks.section_end == layout.section_end
    keys, starts, ends = blocks.lines(data)
    assert keys == layout.keys
    assert list(starts) == [b.start for b in layout.blocks]
    assert list(ends) == [b.end for b in layout.blocks]


LINES = [
    "entries:",
    "entries: {}",
    "mnkbib: 1",
    "",
    " ",
    "\t",
    "# c",
    "  # c",
    "    # c",
    "\t# c",
    "  key:",
    "  k2: v",
    '  "q k": 1',
    "  ü:",
    "    type: book",
    "    - x",
    "      deep",
    "   odd",
    "footer: 1",
    "\u3000",
    "  \u3000x:",
    "  #x:",
    "  \tx:",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=25), st.booleans())
def test_split_blocks_matches_scan_on_any_lines(lines: list[str], final_newline: bool) -> None:
    text = "\n".join(lines) + ("\n" if final_newline and lines else "")
    assert_split_like_scan(text)


def test_split_blocks_declines_other_line_breaks() -> None:
    assert blockmap.split_blocks(b"entries:\n  a: 1\r  b: 2\n") is None
    assert blockmap.split_blocks("entries:\n  a: x\u2028y\n".encode()) is None


# ---------------------------------------------------------------------------
# Writes on a large library: one entry loaded, bytes replaced


def test_a_change_to_one_entry_parses_that_entry_only(
    tmp_path: Path, count: Counter, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(make_text(700), encoding="utf-8")  # several runs of blocks
    read(path)
    bases = []
    real_load_base = cache._load_base
    monkeypatch.setattr(cache, "_load_base", lambda *a: bases.append(1) or real_load_base(*a))
    cache._LAST.clear()
    count.reset()
    with Store(path).edit() as library:
        library.replace(library.get("key0350").with_fields(title="Changed"))
        library.rename("key0351", "renamed0351")
        library.remove("key0699")
    assert (count.files, count.entries, bases) == (0, 3, [])  # each entry touched, once
    assert cache_is_valid(path)
    count.reset()
    snap = read(path)
    assert snap.entries["key0350"].title == "Changed"
    assert count.entries == 0  # the cache holds the entries written and read back
    assert_same(path, snap)


def _changes_strategy() -> Any:
    return st.lists(
        st.tuples(
            st.sampled_from(["replace", "remove", "rename", "add"]),
            st.integers(min_value=0, max_value=39),
        ),
        min_size=1,
        max_size=5,
    )


@settings(max_examples=60, deadline=None)
@given(
    _changes_strategy(),
    st.sampled_from(["plain", "comments", "crlf", "no-final-newline", "footer", "deep"]),
)
def test_writing_bytes_gives_what_writing_lines_gives(
    tmp_path_factory: pytest.TempPathFactory, changes: list[tuple[str, int]], shape: str
) -> None:
    text = make_text(40)
    if shape == "comments":
        text = (
            text.replace("  key0007:", "# about key7\n\n  key0007:").replace(
                "  key0039:", "  # indented note\n  key0039:"
            )
            + "\n# the end\n"
        )
    elif shape == "crlf":
        text = text.replace("\n", "\r\n")
    elif shape == "no-final-newline":
        text = text.rstrip("\n")
    elif shape == "footer":
        text += "# trailing\nfooter: kept\n"
    elif shape == "deep":
        text = text.replace("\n  ", "\n    ").replace("\n    key", "\n    key")
    path = tmp_path_factory.mktemp("bytes") / "library.yaml"
    path.write_bytes(text.encode("utf-8"))
    try:
        parsed = fresh(path)
    except ParseError:
        return
    read(path)
    cached = read(path)  # from the cache: with the file's bytes and map
    assert cached.fmap is not None

    def apply(library: Any) -> None:
        for action, i in changes:
            keys = list(library.entries)
            if not keys:
                return
            key = keys[i % len(keys)]
            if action == "replace":
                library.replace(library.get(key).with_fields(note=f"changed {i}"))
            elif action == "remove":
                library.remove(key)
            elif action == "rename" and f"new{i}" not in library:
                library.rename(key, f"new{i}")
            elif action == "add" and f"added{i}" not in library:
                entry = entry_from_raw("", {"type": "book", "title": f"Added {i}"})
                library.add(entry, key=f"added{i}")

    by_lines, by_bytes = store.Library(parsed.entries), store.Library(cached.entries)
    apply(by_lines)
    apply(by_bytes)
    lines = store._render_lines(parsed, by_lines.changes, "x")
    written = store.render_checked(cached, by_bytes.changes, "x")
    assert written.data == lines.data
    assert written.fresh == lines.fresh


def test_a_large_librarys_index_is_patched_without_being_rewritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from mnkbib.cli import cli

    def run(*args: str) -> str:
        result = CliRunner().invoke(cli, ["-l", str(path), *args])
        assert result.exit_code == 0, result.output
        return result.stdout

    monkeypatch.setattr(cache, "INDEX_SAVE_SHARE", 1.0)  # as for 100,000 entries
    path = tmp_path / "big.yaml"
    path.write_text(make_text(700), encoding="utf-8")
    run("list")
    index = cache.index_file(path)
    saved = index.read_bytes()
    text = path.read_text(encoding="utf-8")
    for word, edit in zip(
        ["zeppelin", "quokka", "axolotl"],
        ["Title number 0003", "Title number 0400", "Title number 0699"],
        strict=True,
    ):
        text = text.replace(edit, f"Edited {word}")
        path.write_text(text, encoding="utf-8")
        assert run("search", word, "--keys") == f"key{edit[-4:]}\n"
        assert run("list") == run("list", "--type", "book", "--type", "article-journal")
    assert index.read_bytes() == saved  # patched each time, never rewritten
    monkeypatch.setattr(cache, "INDEX_SAVE_SHARE", 0.0)
    run("list")
    assert cache.load_index(path) is not None
    assert cache.load_index(path).map.matches(path.read_bytes())  # type: ignore[union-attr]


def test_edits_far_apart_do_not_make_the_index_rewritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit at the top and one at the end make one long changed middle; the index is
    patched keeping the runs between whole, and counts only the two edited runs."""
    from click.testing import CliRunner

    from mnkbib.cli import cli

    def run(*args: str) -> str:
        result = CliRunner().invoke(cli, ["-l", str(path), *args])
        assert result.exit_code == 0, result.output
        return result.stdout

    monkeypatch.setattr(blockmap, "CHUNK", 16)
    monkeypatch.setattr(cache, "INDEX_SAVE_SHARE", 0.2)
    path = tmp_path / "big.yaml"
    path.write_text(make_text(700), encoding="utf-8")
    run("list")
    index = cache.index_file(path)
    saved = index.read_bytes()
    run("set", "key0003", "title=Edited zeppelin")
    run("add", "--type", "book", "--title", "Added quokka", "--key", "added")
    digested = []
    real_digest = blockmap.block_digest
    monkeypatch.setattr(blockmap, "block_digest", lambda b: digested.append(1) or real_digest(b))
    listed = run("list")
    assert index.read_bytes() == saved  # patched: 2 runs of 16 cut, not 700 blocks
    assert len(digested) == 0  # the map from the cached state, not the file cut again
    monkeypatch.setattr(blockmap, "block_digest", real_digest)
    assert run("search", "zeppelin", "--keys") == "key0003\n"
    assert run("search", "quokka", "--keys") == "added\n"
    cache_dir = cache.cache_dir()
    for stale in cache_dir.iterdir():
        stale.unlink()
    assert run("list") == listed  # as built afresh


# ---------------------------------------------------------------------------
# First reads in chunks

FIELD_LINES = [  # each a field (or a comment) that is valid on its own
    "    title: A",
    "    container: 'quoted\n      continued'",
    "    author: [{family: X}]",
    "    date: 2001",
    "    note: |\n      kept\n\n      two",
    "\n# between",
    "  # indented",
    "    tags: [a, b]",
]
ODD_LINES = [
    *LINES,
    "    type: nonsense",
    "    - {a: 1",
    "mnkbib: 2",
    "  key0:",
    "    tags: [a, a]",
]


@st.composite
def chunk_texts(draw: st.DrawFn) -> str:
    lines = ["mnkbib: 1", "entries:"]
    for i in range(draw(st.integers(0, 8))):
        lines.append(f"  k{i}:")
        lines.append("    type: book")
        lines.extend(draw(st.lists(st.sampled_from(FIELD_LINES), max_size=4, unique=True)))
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        at = draw(st.integers(2, len(lines)))
        lines.insert(at, draw(st.sampled_from(ODD_LINES)))
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["footer: 1", "# end", "extra:", "  x: 1"])))
    return "\n".join(lines) + "\n"


@settings(max_examples=400, deadline=None)
@given(chunk_texts(), st.integers(1, 4))
def test_a_first_read_in_chunks_is_a_whole_parse(
    tmp_path_factory: pytest.TempPathFactory, text: str, chunk: int
) -> None:
    path = tmp_path_factory.mktemp("chunks") / "library.yaml"
    old = cache.COLD_CHUNK
    cache.COLD_CHUNK = chunk
    try:
        result = cache._parse_in_chunks(text.encode("utf-8"), path, str(path), parse_library)
        got = result[0] if result is not None else None
    finally:
        cache.COLD_CHUNK = old
    try:
        expected = parse_library(text, str(path))
    except ParseError:
        assert got is None
        return
    if got is not None:
        assert list(got.entries) == list(expected.entries)
        assert got.entries == expected.entries


def test_a_large_first_read_is_done_in_chunks(
    tmp_path: Path, count: Counter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "COLD_CHUNK", 100)
    path = tmp_path / "big.yaml"
    path.write_text(make_text(700), encoding="utf-8")
    snap = read(path)
    assert count.files == 1  # the header and footer alone
    assert count.entries == 700
    assert_same(path, snap)
    assert cache_is_valid(path)


# ---------------------------------------------------------------------------
# First reads on several cores (mnkbib.coldread)

needs_fork = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="first reads use worker processes on Linux only"
)


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """A first read of 4 blocks or more uses 2 workers with jobs of 3 blocks."""
    from mnkbib import coldread, forked

    monkeypatch.setattr(coldread, "COLD_PARALLEL_MIN", 4)
    monkeypatch.setattr(coldread, "COLD_JOB", 3)
    monkeypatch.setattr(cache, "COLD_CHUNK", 2)
    monkeypatch.setattr(forked.os, "sched_getaffinity", lambda _pid: {0, 1})


@needs_fork
def test_a_first_read_by_workers_gives_what_a_parse_gives(lib: Path, parallel: None) -> None:
    from mnkbib.entrymap import EntryMap

    snap = read(lib)
    assert isinstance(snap.entries, EntryMap)  # served from the pool the workers wrote
    assert_same(lib, snap)
    assert cache_is_valid(lib)
    state = cache.load_state(lib)
    assert state is not None and state.entries() == list(fresh(lib).entries.values())


def test_a_saved_column_is_stored_in_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mnkbib.listindex import GROUPS, library_index

    lib = tmp_path / "library.yaml"
    lib.write_text(make_text(40), encoding="utf-8")
    alone = {kind: library_index(Store(lib), None, kind) for kind in GROUPS}
    columns = {n: alone[k].column(n) for k in GROUPS for n in GROUPS[k]}
    monkeypatch.setattr(cache, "INDEX_CHUNK", 7)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-cache"))
    cache._LAST.clear()
    for kind in GROUPS:
        library_index(Store(lib), None, kind).close()
        saved = cache.load_index(lib, kind)
        assert saved is not None
        for name in GROUPS[kind]:
            assert len(saved._table[name][3]) == 6  # 40 rows, 7 a chunk
            assert [v for part in saved.column_parts(name) for v in part] == columns[name]
            assert len(list(saved.column_parts(name))) == 6
        saved.close()


@needs_fork
def test_a_column_is_read_part_by_part_as_it_was_written(
    tmp_path: Path, parallel: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``list --json`` of a whole library writes the JSON column chunk by chunk; a
    chunk that does not unpickle has the rest come from the column rebuilt."""
    import json

    from click.testing import CliRunner

    from mnkbib.cli import cli
    from mnkbib.listindex import library_index

    lib = tmp_path / "library.yaml"
    lib.write_text(make_text(40), encoding="utf-8")
    listed = CliRunner().invoke(cli, ["-l", str(lib), "list", "--json"])
    assert listed.exit_code == 0
    assert [e["key"] for e in json.loads(listed.stdout)] == list(fresh(lib).entries)
    index = cache.load_index(lib, "json")
    assert index is not None
    whole = index.column("json")
    index.close()
    index = library_index(Store(lib), None, "json")
    parts = list(index.column_parts("json"))
    assert len(parts) == 14  # one per job of the workers that wrote it
    assert [v for part in parts for v in part] == whole
    assert CliRunner().invoke(cli, ["-l", str(lib), "list", "--json"]).stdout == listed.stdout

    real_loads = pickle.loads
    calls = []

    def second_fails(data: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise pickle.UnpicklingError("damaged")
        return real_loads(data, **kwargs)

    index = library_index(Store(lib), None, "json")
    monkeypatch.setattr(cache.pickle, "loads", second_fails)
    parts = list(index.column_parts("json"))
    assert len(parts) == 2  # the first chunk, then the rest of the column read again
    assert [v for part in parts for v in part] == whole


@needs_fork
def test_a_first_listing_by_workers_gives_the_indexes_of_one_process(
    tmp_path: Path, parallel: None, count: Counter, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mnkbib import coldread
    from mnkbib.listindex import GROUPS, library_index

    lib = tmp_path / "library.yaml"
    lib.write_text(make_text(40), encoding="utf-8")
    cache._LAST.clear()
    first = library_index(Store(lib))
    assert first.map is not None and first.map.matches(lib.read_bytes())
    # every group was built on the way: reading the others parses nothing
    count.reset()
    by_workers = {kind: library_index(Store(lib), first, kind) for kind in GROUPS}
    got = {kind: {n: by_workers[kind].column(n) for n in GROUPS[kind]} for kind in GROUPS}
    assert count.files == count.entries == 0
    # the workers' columns, pickled one chunk per job (40 blocks, jobs of 3), were
    # written as they came; the first listing read its columns from those chunks
    assert {n: first.column(n) for n in GROUPS["index"]} == got["index"]
    for kind in GROUPS:
        saved = cache.load_index(lib, kind)
        assert saved is not None
        assert {len(saved._table[n][3]) for n in GROUPS[kind]} == {14}
        saved.close()

    monkeypatch.setattr(coldread, "COLD_PARALLEL_MIN", 10**9)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-cache"))
    cache._LAST.clear()
    alone = {kind: library_index(Store(lib), None, kind) for kind in GROUPS}
    assert got == {kind: {n: alone[kind].column(n) for n in GROUPS[kind]} for kind in GROUPS}


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.rglob("*") if p.name.endswith(".tmp"))


@needs_fork
def test_a_first_read_by_workers_writes_the_cache_as_it_goes(
    lib: Path, parallel: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each job's pool part and columns go to temporary files as they arrive; the cache
    files are put together at the end, and nothing temporary is left."""
    from mnkbib import spool
    from mnkbib.listindex import GROUPS

    added: list[int] = []
    real_add = spool.Spool.add

    def add(self: spool.Spool, part: bytes, columns: Any) -> None:
        real_add(self, part, columns)
        added.append(sum(1 for f in self.files.values() if f.path.exists()))

    monkeypatch.setattr(spool.Spool, "add", add)
    from mnkbib.listindex import library_index

    index = library_index(Store(lib))
    assert len(added) == 14  # 40 blocks, jobs of 3, one call each, in order
    assert set(added) == {1 + sum(len(names) for names in GROUPS.values())}
    assert index.map is not None and index.map.matches(lib.read_bytes())
    assert cache_is_valid(lib)
    assert _leftovers(cache.cache_dir()) == []


@needs_fork
@pytest.mark.parametrize("failure", ["worker", "writing"])
def test_a_first_read_whose_workers_fail_is_read_in_one_process(
    lib: Path, parallel: None, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    if failure == "worker":  # a block a worker cannot read alone
        real_parse_blocks = cache._parse_blocks

        def parse_blocks(data: bytes, fmap: Any, which: list[int], source: str) -> Any:
            return None if 9 in which else real_parse_blocks(data, fmap, which, source)

        monkeypatch.setattr(cache, "_parse_blocks", parse_blocks)
    else:

        def broken(*_args: Any, **_kwargs: Any) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(cache.shutil, "copyfileobj", broken)  # the spools' copy
    snap = read(lib)
    assert_same(lib, snap)
    assert _leftovers(cache.cache_dir()) == []


@needs_fork
def test_a_first_read_with_no_writable_cache_is_read_in_one_process(
    lib: Path, parallel: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from mnkbib import coldread

    blocked = tmp_path / "not-a-directory"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    monkeypatch.setattr(coldread, "parse", None)  # workers would be an error here
    assert_same(lib, read(lib))


@needs_fork
def test_a_block_the_workers_cannot_read_alone_goes_to_the_whole_parse(
    tmp_path: Path, parallel: None, count: Counter
) -> None:
    lib = tmp_path / "library.yaml"
    text = make_text(12).replace("  key0007:\n", "  key0007: &anchor\n")
    lib.write_text(text, encoding="utf-8")
    with pytest.raises(ParseError, match="anchor"):
        read(lib)
    assert count.files >= 1  # the whole-file parse gave the exact error


@settings(max_examples=60, deadline=None)
@given(
    parts=st.lists(st.binary(max_size=40), max_size=5),
    flip=st.integers(min_value=0),
)
def test_a_cache_file_keeps_pickled_parts_out_of_band(parts: list[bytes], flip: int) -> None:
    """The pool's parts are written after the pickle as they are (not copied into it),
    read back equal, and any changed byte makes the file unreadable, not wrong."""
    pieces = cache._pack("base", ("id", b"digests", [pickle.PickleBuffer(p) for p in parts]))
    assert [bytes(piece) for piece in pieces[len(pieces) - len(parts) :]] == parts
    for piece, part in zip(pieces[len(pieces) - len(parts) :], parts, strict=True):
        assert isinstance(piece, memoryview) and piece.obj is part  # no copy
    data = b"".join(pieces)
    stored_id, digests, got = cache._unpack(data, "base")
    assert (stored_id, digests, [bytes(g) for g in got]) == ("id", b"digests", parts)
    damaged = bytearray(data)
    damaged[flip % len(data)] ^= 0x01
    assert cache._unpack(bytes(damaged), "base") is None
    assert cache._unpack(data[:-1], "base") is None
    assert cache._unpack(data, "head") is None
