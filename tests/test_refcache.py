"""The cache of reference lists (mnkbib.refcache): Chicago and Markdown lists made from it
are byte for byte the lists made from the entries, after any edit, whatever the cache
holds (nothing, an old state of the library, a damaged file)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mnkbib import cache, refcache, reflist
from mnkbib.cli import cli
from mnkbib.model import entry_from_raw, entry_to_raw
from mnkbib.query import Filters, select
from mnkbib.reflist import chicago_list, markdown_list
from mnkbib.store import HEADER, Store, parse_library
from mnkbib.yamlemit import emit_entry

ROOT = Path(__file__).resolve().parents[1]
STYLES = ("author-date", "notes-bibliography", "shortened-notes")
# (markdown, to, numbered, group_by): every markup of a Chicago list, Markdown lists
VARIANTS = [
    *((False, to, False, None) for to in ("text", "markdown", "html")),
    (True, "text", False, None),
    (True, "text", True, "year"),
    (True, "text", False, "tag"),
    (True, "text", True, "type"),
    (True, "text", False, "container"),
]

Library = list[tuple[str, dict[str, Any]]]


def library_text(library: Library) -> str:
    return HEADER + "".join(
        emit_entry(key, entry_to_raw(entry_from_raw(key, raw))) for key, raw in library
    )


@contextmanager
def cache_in(directory: Path) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(directory))
        yield


def cached(path: Path, style: str, variant: tuple[Any, ...], filters: Filters) -> tuple[str, int]:
    markdown, to, numbered, group_by = variant
    return refcache.reference_list(
        Store(path),
        filters,
        None,
        False,
        markdown=markdown,
        style=style,
        to=to,
        numbered=numbered,
        group_by=group_by,
    )


def uncached(path: Path, style: str, variant: tuple[Any, ...], filters: Filters) -> tuple[str, int]:
    """The list made of the entries of the file, parsed (no cache at all)."""
    markdown, to, numbered, group_by = variant
    snap = parse_library(path.read_text(encoding="utf-8"), str(path))
    entries = select(list(snap.entries.values()), filters)
    if markdown:
        text = markdown_list(entries, style=style, numbered=numbered, group_by=group_by)
    else:
        text = chicago_list(entries, style=style, to=to)
    return text, len(entries)


# ---------------------------------------------------------------------------
# Random libraries, random edits

PEOPLE = [
    {"family": "Adams", "given": "John"},
    {"family": "Adams", "given": "Jane"},  # initials as John's: given names tell them apart
    {"family": "Adams", "given": "Zoe"},
    {"family": "Brown", "given": "Ann"},
    {"family": "O'Brien", "given": "Ann"},
    {"family": "MENDEE", "given": "Jargalsaikhan", "family-first": True},
    {"family": "Gogh", "given": "Vincent", "particle": "van"},
    {"literal": "World Bank"},
    {"family": "Иванов", "given": "Сергей"},
]
person = st.sampled_from(PEOPLE)
entry_raw = st.fixed_dictionaries(
    {
        "type": st.sampled_from(
            ["book", "article-journal", "chapter", "webpage", "report", "interview"]
        ),
        "title": st.sampled_from(["War", "Peace", "The Steppe", "Ger districts"]),
    },
    optional={
        "author": st.lists(person, min_size=1, max_size=4),
        "editor": st.lists(person, min_size=1, max_size=2),
        "date": st.sampled_from(["2018", "2019", "2018-03", "2018-03-25"]),
        "container": st.sampled_from(["Inner Asia", "The Diplomat"]),
        "publisher": st.just("Brill"),
        "url": st.just("https://example.org/x"),
        "tags": st.lists(st.sampled_from(["korea", "mongolia"]), min_size=1, unique=True),
    },
)
libraries = st.lists(entry_raw, min_size=1, max_size=10).map(
    lambda raws: [(f"e{n}", raw) for n, raw in enumerate(raws)]
)


@st.composite
def edits(draw: st.DrawFn, library: Library) -> Library:
    """The library after an edit: one that changes letters (an entry given the author and
    year of another, a new such entry, a year changed, one removed) or given names (a
    first author of the same family), or that changes nothing of that."""
    out = [(key, dict(raw)) for key, raw in library]
    i = draw(st.integers(0, len(out) - 1))
    j = draw(st.integers(0, len(out) - 1))
    kind = draw(st.sampled_from(["twin", "add", "year", "remove", "person", "title", "none"]))
    raw = out[i][1]
    other = out[j][1]
    if kind == "twin":
        for name in ("author", "editor", "date"):
            raw.pop(name, None)
            if name in other:
                raw[name] = other[name]
    elif kind == "add":
        new = dict(draw(entry_raw))
        for name in ("author", "editor", "date"):
            new.pop(name, None)
            if name in other:
                new[name] = other[name]
        out.insert(draw(st.integers(0, len(out))), ("new", new))
    elif kind == "year":
        raw["date"] = draw(st.sampled_from(["2018", "2019", "2020"]))
    elif kind == "remove" and len(out) > 1:
        del out[i]
    elif kind == "person":
        raw["author"] = [draw(person), *raw.get("author", [])[1:]]
    elif kind == "title":
        raw["title"] = raw["title"] + " again"
    return out


selections = st.sampled_from(
    [
        Filters(),
        Filters(years="2018"),  # from the listing index
        Filters(text="war"),
        Filters(tags=["korea"]),
        Filters(text="author:adams"),  # from the entries
        Filters(text="title:war"),
    ]
)


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data(), library=libraries, filters=selections)
def test_lists_from_the_cache_are_the_lists_of_the_entries(
    data: st.DataObject, library: Library, filters: Filters
) -> None:
    edited = data.draw(edits(library))
    # every markup of a Chicago list, and one of the Markdown lists, in each style
    variants = {
        style: [*VARIANTS[:3], data.draw(st.sampled_from(VARIANTS[3:]))] for style in STYLES
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "library.yaml"
        path.write_text(library_text(library), encoding="utf-8")
        warm, cold = Path(tmp) / "warm", Path(tmp) / "cold"
        with cache_in(warm):
            for style in STYLES:
                cached(path, style, VARIANTS[0], filters)  # the indexes of the library
        path.write_text(library_text(edited), encoding="utf-8")  # a hand edit
        for style in STYLES:
            for variant in variants[style]:
                expected = uncached(path, style, variant, filters)
                with cache_in(warm):  # the indexes patched for the edit
                    assert cached(path, style, variant, filters) == expected
                with cache_in(cold):  # the indexes built for the library
                    assert cached(path, style, variant, filters) == expected


# ---------------------------------------------------------------------------
# The cache is used, and never stale


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    path = tmp_path / "mnkbib.yaml"
    shutil.copy(ROOT / "data" / "mnkbib.yaml", path)
    return path


def run(path: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-l", str(path), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


class Built:
    """Counts the rows built for the reference lists' indexes."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.rows = 0
        builder = refcache.builder

        def counting_builder(style: str) -> Any:
            build = builder(style)

            def counting(entry: Any) -> Any:
                self.rows += 1
                return build(entry)

            return counting

        monkeypatch.setattr(refcache, "builder", counting_builder)


# (arguments of export, and the same as arguments of uncached)
EXPORTS: list[tuple[list[str], str, tuple[Any, ...], Filters]] = [
    (["-f", "chicago"], "author-date", VARIANTS[0], Filters()),
    (
        ["-f", "chicago", "--to", "html", "--style", "notes-bibliography"],
        "notes-bibliography",
        VARIANTS[2],
        Filters(),
    ),
    (
        ["-f", "markdown", "--numbered", "--tag", "recent-writing"],
        "author-date",
        (True, "text", True, None),
        Filters(tags=["recent-writing"]),
    ),
    (
        ["-f", "markdown", "--group-by", "year", "--style", "shortened-notes"],
        "shortened-notes",
        (True, "text", False, "year"),
        Filters(),
    ),
    (
        ["-f", "chicago", "--to", "markdown", "author:mendee"],
        "author-date",
        VARIANTS[1],
        Filters(text="author:mendee"),
    ),
]


def expected(
    lib: Path, export: tuple[list[str], str, tuple[Any, ...], Filters]
) -> tuple[int, str, str]:
    _, style, variant, filters = export
    return 0, uncached(lib, style, variant, filters)[0], ""


def test_a_warm_export_builds_nothing_and_an_edit_one_row(
    lib: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = Built(monkeypatch)
    entries = len(Store(lib).read())
    first = run(lib, "export", "-f", "chicago")
    assert first[0] == 0 and built.rows == entries
    built.rows = 0
    assert run(lib, "export", "-f", "chicago") == first
    assert run(lib, "export", "-f", "markdown", "--numbered") == run(
        lib, "export", "-f", "markdown", "--numbered"
    )
    assert built.rows == 0
    text = lib.read_text(encoding="utf-8")
    # a hand edit, of the same size: the title of one entry
    edited = text.replace("Might Be the Place", "Might Be the Space", 1)
    assert edited != text and len(edited) == len(text)
    lib.write_text(edited, encoding="utf-8")
    after = run(lib, "export", "-f", "chicago")
    assert built.rows == 1
    assert "Might Be the Space" in after[1] and "Might Be the Place" not in after[1]
    assert after == (0, uncached(lib, "author-date", VARIANTS[0], Filters())[0], "")


def test_letters_follow_an_added_entry(lib: Path) -> None:
    def add(title: str) -> None:
        args = ["--type", "book", "--author", "Dierkes, Julian", "--year", "2019"]
        assert run(lib, "add", *args, "--title", title)[0] == 0

    add("First Book")
    before = run(lib, "export", "-f", "chicago")[1]
    assert "Dierkes, Julian. 2019. First Book." in before
    add("Second Book")
    after = run(lib, "export", "-f", "chicago")[1]
    assert "Dierkes, Julian. 2019a. First Book." in after
    assert "Dierkes, Julian. 2019b. Second Book." in after
    assert after == uncached(lib, "author-date", VARIANTS[0], Filters())[0]
    with cache_in(lib.parent / "fresh"):
        assert run(lib, "export", "-f", "chicago")[1] == after


@pytest.mark.parametrize("export", EXPORTS)
def test_a_git_checkout_of_an_older_file_is_seen(lib: Path, export: Any) -> None:
    args = export[0]
    old = lib.read_bytes()
    before = run(lib, "export", *args)
    assert before == expected(lib, export)
    text = old.decode("utf-8")
    lib.write_text(text.replace('date: "2018-03"', 'date: "2019-03"', 2), encoding="utf-8")
    changed = run(lib, "export", *args)
    assert changed == expected(lib, export) != before
    lib.write_bytes(old)
    assert run(lib, "export", *args) == before


def damage(path: Path, how: str, lib: Path) -> None:
    data = path.read_bytes()
    if how == "garbage":
        path.write_bytes(b"\x00garbage" * 100)
    elif how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "flipped":  # a byte of the last column changed: its checksum fails
        path.write_bytes(data[:-40] + bytes([data[-40] ^ 0xFF]) + data[-39:])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "foreign":  # a sound index of the library, of another kind
        shutil.copy(cache.index_file(lib, "index"), path)


@pytest.mark.parametrize("how", ["garbage", "truncated", "flipped", "empty", "foreign"])
@pytest.mark.parametrize("export", EXPORTS)
def test_a_damaged_index_is_ignored(lib: Path, export: Any, how: str) -> None:
    args = export[0]
    assert run(lib, "export", *args) == expected(lib, export)
    run(lib, "list")  # the listing index, for "foreign"
    files = sorted(cache.index_file(lib).parent.glob("*.refs-*"))
    assert files
    for file in files:
        damage(file, how, lib)
    assert run(lib, "export", *args) == expected(lib, export)
    assert run(lib, "export", *args) == expected(lib, export)


@pytest.mark.parametrize("export", EXPORTS)
def test_an_entry_the_index_could_not_take_is_made_from_the_entries(
    lib: Path, monkeypatch: pytest.MonkeyPatch, export: Any
) -> None:
    builder = refcache.builder
    failed: list[str] = []

    def failing_builder(style: str) -> Any:
        build = builder(style)

        def failing(entry: Any) -> Any:
            row = build(entry)
            if entry.key != "dierkes2018reasons":
                return row
            failed.append(entry.key)
            return (row[0], *(None,) * (len(row) - 1))

        return failing

    monkeypatch.setattr(refcache, "builder", failing_builder)
    taken: list[str] = []  # the lists made of entries (the export without its index)
    for name in ("chicago_list", "markdown_list"):
        real = getattr(reflist, name)

        def spy(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            taken.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(reflist, name, spy)
    out = run(lib, "export", *export[0])
    assert failed and taken  # the row was not built, and the list made of the entries
    assert out == expected(lib, export)


def test_output_to_a_file_names_the_entries_selected(lib: Path, tmp_path: Path) -> None:
    target = tmp_path / "refs.md"
    code, out, err = run(lib, "export", "-o", str(target), "--tag", "recent-writing")
    assert (code, out) == (0, "")
    assert err == f"Wrote 10 entries to {target}\n"
    assert (
        target.read_text(encoding="utf-8")
        == run(lib, "export", "-f", "markdown", "--tag", "recent-writing")[1]
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "chicago", "--sort", "nonsense"], "--sort: unknown order"),
        (["-f", "chicago", "--year", "x"], "--year: 'x' is not a year"),
        (["-f", "markdown", '"unclosed'], "search: No closing quotation"),
    ],
)
def test_errors_are_those_of_the_entries(lib: Path, args: list[str], message: str) -> None:
    code, out, err = run(lib, "export", *args)
    assert code != 0 and out == "" and message in err
