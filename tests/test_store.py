"""The YAML store: validation with file and line, surgical and atomic writes, round trips."""

from __future__ import annotations

import difflib
import errno
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mnkbib import store as store_module
from mnkbib.document import parse_key, scan
from mnkbib.errors import ParseError, StoreError
from mnkbib.library import Library
from mnkbib.model import FIELDS, Entry, PartialDate, Person, entry_from_raw, entry_to_raw
from mnkbib.names import parse_names
from mnkbib.store import HEADER, Store, parse_library

HAND_WRITTEN = """\
# My library — written by hand.
mnkbib: 1   # format version

entries:
  # --- Mongolia ---
  dierkes2018reasons:
    type:   article-magazine
    title: 8 Reasons Why Mongolia Matters   # an inline comment
    author:
      # the first author
      - {family: Dierkes, given: Julian}
      - MENDEE Jargalsaikhan
    date: 2018-03-25
    container: The Diplomat


  # between entries, at the entries' indentation
  no2019:
    type: book
    title: "No"
    author: "{family: No, given: Tae-woo}"
    date: 2019
    year: twenty
# a comment in column 0, between entries
  last2020:
    type: report
    title: Last
    date: 2020
# footer comment
# end
"""


def _write(tmp_path: Path, text: str, name: str = "library.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _diff(before: str, after: str) -> list[str]:
    """The changed lines only, as ``-old`` / ``+new``."""
    return [
        line
        for line in difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), n=0
        )
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def _files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if not p.name.endswith(".lock"))


# ---------------------------------------------------------------------------
# Reading


def test_read_sample(library_file: Path) -> None:
    lib = Store(library_file).read()
    assert lib.keys() == ["dierkes2018reasons", "no2019korea"]
    e = lib.get("dierkes2018reasons")
    assert e.type == "article-magazine"
    assert e.fields["author"] == [
        Person(family="Dierkes", given="Julian"),
        Person(family="MENDEE", given="Jargalsaikhan", family_first=True),
    ]
    assert e.fields["date"] == PartialDate(2018, 3, 25)
    assert e.tags == ["mongolia", "politics"]
    assert lib.get("no2019korea").fields["author"] == [Person(family="No", given="Tae-woo")]


def test_read_hand_written(tmp_path: Path) -> None:
    lib = Store(_write(tmp_path, HAND_WRITTEN)).read()
    assert lib.keys() == ["dierkes2018reasons", "no2019", "last2020"]
    assert lib.get("no2019").fields == {
        "title": "No",
        "author": [Person(family="No", given="Tae-woo")],
        "date": PartialDate(2019),
        "year": "twenty",
    }


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("    date: 2018-13\n", "{path}:6: a: field 'date': month 13 is not 1-12"),
        ("    date: 2018-02-30\n", "{path}:6: a: field 'date': day 30 does not exist in 2018-02"),
        (
            "    language: english language\n",
            "{path}:6: a: field 'language': 'english language' is not a BCP 47 language tag (en, de, mn)",
        ),
        ("    doi: 11.1/x\n", "{path}:6: a: field 'doi': '11.1/x' is not a DOI (10.xxxx/…)"),
        ("    author: [[x]]\n", "{path}:6: a: field 'author'[0]: expected a name, got a list"),
        ("    tags: {a: b}\n", "{path}:6: a: field 'tags': expected text, got a mapping"),
        ("    title: again\n", "{path}:6:5: duplicate key 'title' (first at line 5)"),
    ],
)
def test_validation_errors_name_file_and_line(tmp_path: Path, extra: str, message: str) -> None:
    text = "mnkbib: 1\nentries:\n  a:\n    type: book\n    title: A\n" + extra
    path = _write(tmp_path, text)
    with pytest.raises(ParseError) as info:
        Store(path).read()
    assert str(info.value) == message.format(path=path)
    with pytest.raises(ParseError), Store(path).edit() as lib:
        lib.add(Entry("b", "book", {"title": "B"}))
    assert path.read_bytes() == text.encode()


def test_unknown_type_names_the_type_line(tmp_path: Path) -> None:
    text = "mnkbib: 1\nentries:\n  a:\n    title: A\n    type: novel\n"
    path = _write(tmp_path, text)
    with pytest.raises(ParseError) as info:
        Store(path).read()
    assert (
        str(info.value)
        == f"{path}:5: a: field 'type': unknown entry type 'novel' (see `mnkbib types`)"
    )
    assert info.value.line == 5


def test_unknown_field_that_looks_wrong_is_kept(tmp_path: Path) -> None:
    text = "mnkbib: 1\nentries:\n  a:\n    type: book\n    title: A\n    year: twenty\n"
    path = _write(tmp_path, text)
    with Store(path).edit() as lib:
        lib.replace(lib.get("a").with_fields(title="B"))
    assert (
        path.read_text()
        == "mnkbib: 1\nentries:\n  a:\n    type: book\n    title: B\n    year: twenty\n"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "{path}: the file is empty, not a library (create one with `mnkbib init`)"),
        ("- a\n", "{path}:1: a library must be a mapping with 'mnkbib' and 'entries'"),
        ("entries: {}\n", "{path}:1: not an mnkbib library: no 'mnkbib: 1' line"),
        (
            "mnkbib: 2\nentries: {}\n",
            "{path}:1: library format version 2 is not supported (this mnkbib reads version 1)",
        ),
        ("mnkbib: 1\nentries: [a]\n", "{path}:2: 'entries' must be a mapping of citation keys"),
        (
            "mnkbib: 1\nentries:\n  a: [1]\n",
            "{path}:3: a: an entry must be a mapping of fields, got a list",
        ),
        ("mnkbib: 1\nentries:\n  a:\n    title: A\n", "{path}:3: a: missing field 'type'"),
    ],
)
def test_library_shape_errors(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ParseError) as info:
        Store(path).read()
    assert str(info.value) == message.format(path=path)


def test_missing_library_and_directory(tmp_path: Path) -> None:
    missing = tmp_path / "nodir" / "lib.yaml"
    with pytest.raises(StoreError) as info:
        Store(missing).read()
    assert (
        str(info.value) == f"{missing}: no such library (create one with `mnkbib init {missing}`)"
    )
    with pytest.raises(StoreError), Store(missing).edit():
        pass
    assert not missing.parent.exists()  # editing a missing library creates nothing

    directory = tmp_path / "adir"
    directory.mkdir()
    for action in ("read", "edit"):
        with pytest.raises(StoreError) as info:
            if action == "read":
                Store(directory).read()
            else:
                with Store(directory).edit():
                    pass
        assert str(info.value) == f"{directory}: is a directory, not a library file"
    assert _files(tmp_path) == ["adir", "home"]


# ---------------------------------------------------------------------------
# Surgical writes


def _edit(path: Path, action: Any) -> tuple[str, str]:
    before = path.read_text(encoding="utf-8")
    with Store(path).edit() as lib:
        action(lib)
    return before, path.read_text(encoding="utf-8")


def test_add_appends_after_the_last_entry_only(tmp_path: Path) -> None:
    path = _write(tmp_path, HAND_WRITTEN)
    entry = Entry(
        "new2021",
        "book",
        {"title": "New", "author": parse_names("Jan van der Berg"), "date": PartialDate(2021)},
    )
    before, after = _edit(path, lambda lib: lib.add(entry))
    assert _diff(before, after) == [
        "+  new2021:\n",
        "+    type: book\n",
        "+    title: New\n",
        "+    author:\n",
        "+      - {family: Berg, given: Jan, particle: van der}\n",
        '+    date: "2021"\n',
    ]
    assert after.endswith('    date: "2021"\n# footer comment\n# end\n')
    assert (
        after.replace(
            '  new2021:\n    type: book\n    title: New\n    author:\n      - {family: Berg, given: Jan, particle: van der}\n    date: "2021"\n',
            "",
        )
        == before
    )


def test_set_replaces_only_that_entry(tmp_path: Path) -> None:
    path = _write(tmp_path, HAND_WRITTEN)
    before, after = _edit(path, lambda lib: lib.replace(lib.get("no2019").with_fields(title="Yes")))
    assert _diff(before, after) == [
        '-    title: "No"\n',
        '-    author: "{family: No, given: Tae-woo}"\n',
        "-    date: 2019\n",
        '+    title: "Yes"\n',
        "+    author:\n",
        '+      - {family: "No", given: Tae-woo}\n',
        '+    date: "2019"\n',
    ]
    assert Store(path).read().get("no2019").fields["year"] == "twenty"


def test_set_an_entry_with_comments_inside(tmp_path: Path) -> None:
    path = _write(tmp_path, HAND_WRITTEN)
    before, after = _edit(
        path, lambda lib: lib.replace(lib.get("dierkes2018reasons").with_fields(volume="12"))
    )
    start = before.index("  dierkes2018reasons:")
    end = before.index("\n\n\n  # between entries") + 1
    assert after[:start] == before[:start]
    assert after[after.index("\n\n\n  # between entries") + 1 :] == before[end:]
    assert after[start : after.index("\n\n\n  # between")] == (
        "  dierkes2018reasons:\n"
        "    type: article-magazine\n"
        "    title: 8 Reasons Why Mongolia Matters\n"
        "    author:\n"
        "      - {family: Dierkes, given: Julian}\n"
        "      - {family: MENDEE, given: Jargalsaikhan, family-first: true}\n"
        '    date: "2018-03-25"\n'
        "    container: The Diplomat\n"
        '    volume: "12"'
    )


def test_remove_takes_only_that_entry(tmp_path: Path) -> None:
    path = _write(tmp_path, HAND_WRITTEN)
    before, after = _edit(path, lambda lib: lib.remove("no2019"))
    assert _diff(before, after) == [
        "-  no2019:\n",
        "-    type: book\n",
        '-    title: "No"\n',
        '-    author: "{family: No, given: Tae-woo}"\n',
        "-    date: 2019\n",
        "-    year: twenty\n",
    ]
    assert "  # between entries, at the entries' indentation\n# a comment in column 0" in after


def test_remove_last_keeps_footer(tmp_path: Path) -> None:
    path = _write(tmp_path, HAND_WRITTEN)
    before, after = _edit(path, lambda lib: lib.remove("last2020"))
    assert _diff(before, after) == [
        "-  last2020:\n",
        "-    type: report\n",
        "-    title: Last\n",
        "-    date: 2020\n",
    ]
    assert after.endswith(
        "    year: twenty\n# a comment in column 0, between entries\n# footer comment\n# end\n"
    )


def test_rename_rewrites_only_that_entry(tmp_path: Path) -> None:
    path = _write(tmp_path, HAND_WRITTEN)
    before, after = _edit(path, lambda lib: lib.rename("last2020", "last2020report"))
    assert _diff(before, after) == [
        "-  last2020:\n",
        "+  last2020report:\n",
        "-    date: 2020\n",
        '+    date: "2020"\n',
    ]
    assert Store(path).read().keys() == ["dierkes2018reasons", "no2019", "last2020report"]


def test_many_changes_in_one_edit(tmp_path: Path) -> None:
    path = _write(tmp_path, HAND_WRITTEN)

    def action(lib: Library) -> None:
        lib.remove("dierkes2018reasons")
        lib.rename("no2019", "no2019b")
        lib.add(Entry("x", "book", {"title": "X"}))
        lib.rename("x", "y")
        lib.replace(lib.get("last2020").with_fields(title="Later"))

    _, after = _edit(path, action)
    assert Store(path).read().keys() == ["no2019b", "last2020", "y"]
    assert after.startswith(
        "# My library — written by hand.\nmnkbib: 1   # format version\n\nentries:\n  # --- Mongolia ---\n\n\n  # between entries"
    )


def test_no_change_no_write(tmp_path: Path) -> None:
    path = _write(tmp_path, HAND_WRITTEN)
    mtime = path.stat().st_mtime_ns
    with Store(path).edit() as lib:
        lib.replace(lib.get("no2019"))
    assert path.stat().st_mtime_ns == mtime


def test_crlf_files_keep_crlf(tmp_path: Path) -> None:
    text = HAND_WRITTEN.replace("\n", "\r\n")
    path = _write(tmp_path, text)
    with Store(path).edit() as lib:
        lib.add(Entry("new", "book", {"title": "New\nLines"}))
        lib.replace(lib.get("no2019").with_fields(title="Yes"))
    data = path.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert data.endswith(
        b"    date: 2020\r\n  new:\r\n    type: book\r\n    title: |-\r\n      New\r\n      Lines\r\n# footer comment\r\n# end\r\n"
    )
    assert Store(path).read().get("new").title == "New\nLines"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mnkbib: 1\nentries: {}\n", "mnkbib: 1\nentries:\n{entry}"),
        (
            "mnkbib: 1\nentries: {}  # none yet\n# footer\n",
            "mnkbib: 1\nentries:  # none yet\n{entry}# footer\n",
        ),
        ("mnkbib: 1\nentries: {}", "mnkbib: 1\nentries:\n{entry}"),
        ("mnkbib: 1\nentries:\n", "mnkbib: 1\nentries:\n{entry}"),
        ("mnkbib: 1\n", "mnkbib: 1\nentries:\n{entry}"),
        (HEADER, HEADER + "{entry}"),
    ],
)
def test_first_entry(tmp_path: Path, text: str, expected: str) -> None:
    path = _write(tmp_path, text)
    with Store(path).edit() as lib:
        lib.add(Entry("first", "book", {"title": "First"}))
    assert path.read_text() == expected.format(entry="  first:\n    type: book\n    title: First\n")
    assert Store(path).read().keys() == ["first"]


def test_init(tmp_path: Path) -> None:
    path = Store.init(tmp_path / "sub" / "lib.yaml")
    assert path.read_text() == HEADER
    assert oct(path.stat().st_mode & 0o777) == oct(0o644)
    with pytest.raises(StoreError, match=r"exists already; not overwritten$"):
        Store.init(path)
    assert len(Store(path).read()) == 0


def test_not_one_block_per_key_refuses_line_edits(tmp_path: Path) -> None:
    text = "mnkbib: 1\nentries: {a: {type: book, title: A}}\n"
    path = _write(tmp_path, text)
    with pytest.raises(StoreError) as info, Store(path).edit() as lib:
        lib.add(Entry("b", "book", {"title": "B"}))
    assert "cannot be edited line by line; run `mnkbib fmt`" in str(info.value)
    assert path.read_text() == text


def test_symlinked_library_stays_a_symlink(tmp_path: Path) -> None:
    real = _write(tmp_path, HEADER, "real.yaml")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    with Store(link).edit() as lib:
        lib.add(Entry("a", "book", {"title": "A"}))
    assert link.is_symlink()
    assert real.read_text() == HEADER + "  a:\n    type: book\n    title: A\n"


# ---------------------------------------------------------------------------
# Atomic writes and failures


def test_atomic_write_leaves_no_temporary_files(tmp_path: Path) -> None:
    path = _write(tmp_path, HAND_WRITTEN)
    path.chmod(0o600)
    for i in range(5):
        with Store(path).edit() as lib:
            lib.add(Entry(f"e{i}", "book", {"title": f"E{i}"}))
    assert _files(tmp_path) == ["home", "library.yaml"]
    assert path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("map_min", [1, 1 << 20], ids=["mapped", "read"])
def test_atomic_write_of_pieces_returns_the_bytes_of_the_new_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, map_min: int
) -> None:
    from mnkbib import filebytes

    monkeypatch.setattr(filebytes, "MAP_MIN", map_min)
    path = tmp_path / "library.yaml"
    path.write_bytes(b"old")
    old = memoryview(b"entries:\n  a:\n    type: book\n")
    written = store_module.atomic_write(path, [old[:9], b"  b:\n", old[9:]])
    expected = b"entries:\n  b:\n  a:\n    type: book\n"
    assert path.read_bytes() == expected
    assert bytes(written) == expected
    assert isinstance(written, filebytes.MappedBytes) == (map_min == 1)
    assert _files(tmp_path) == ["home", "library.yaml"]


def test_atomic_write_runs_meanwhile_on_the_bytes_written_and_ignores_its_errors(
    tmp_path: Path,
) -> None:
    path = tmp_path / "library.yaml"
    path.write_bytes(b"old")
    seen: list[bytes] = []
    store_module.atomic_write(
        path, [b"new ", memoryview(b"bytes")], meanwhile=lambda data: seen.append(bytes(data))
    )
    assert seen == [b"new bytes"]
    assert path.read_bytes() == b"new bytes"

    def broken_cache(data: bytes) -> None:
        raise RuntimeError("a bug in the cache")

    store_module.atomic_write(path, b"again", meanwhile=broken_cache)
    assert path.read_bytes() == b"again"
    assert _files(tmp_path) == ["home", "library.yaml"]


def _fail(err: int) -> Any:
    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(err, os.strerror(err))

    return boom


@pytest.mark.parametrize(
    ("target", "err"),
    [
        ("replace", errno.ENOSPC),
        ("fsync", errno.EIO),
        ("mkstemp", errno.EROFS),
        ("mkstemp", errno.EACCES),
    ],
)
def test_write_failure_leaves_file_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str, err: int
) -> None:
    # Root ignores permissions and chattr may be missing: simulate the failing system call.
    path = _write(tmp_path, HAND_WRITTEN)
    if target == "mkstemp":
        monkeypatch.setattr(tempfile, "mkstemp", _fail(err))
    else:
        monkeypatch.setattr(os, target, _fail(err))
    with pytest.raises(StoreError) as info, Store(path).edit() as lib:
        lib.add(Entry("new", "book", {"title": "New"}))
    assert str(info.value) == f"{path}: cannot write: {os.strerror(err)}; the library is unchanged"
    monkeypatch.undo()
    assert path.read_text() == HAND_WRITTEN
    assert _files(tmp_path) == ["home", "library.yaml"]


@pytest.mark.skipif(
    os.geteuid() == 0, reason="root writes into read-only directories; simulated above"
)
def test_read_only_directory(tmp_path: Path) -> None:  # pragma: no cover - not run as root
    directory = tmp_path / "ro"
    directory.mkdir()
    path = _write(directory, HAND_WRITTEN)
    Store(path).read()
    directory.chmod(0o555)
    try:
        with pytest.raises(StoreError), Store(path).edit() as lib:
            lib.add(Entry("new", "book", {"title": "New"}))
    finally:
        directory.chmod(0o755)
    assert path.read_text() == HAND_WRITTEN


def test_error_inside_edit_writes_nothing(tmp_path: Path) -> None:
    path = _write(tmp_path, HAND_WRITTEN)
    with pytest.raises(RuntimeError), Store(path).edit() as lib:
        lib.add(Entry("new", "book", {"title": "New"}))
        raise RuntimeError("stop")
    assert path.read_text() == HAND_WRITTEN


def test_emitter_bug_never_reaches_disk(tmp_path: Path) -> None:
    path = _write(tmp_path, HAND_WRITTEN)
    with (
        pytest.raises(StoreError, match=r"internal error: entry 'bad' would not read back"),
        Store(path).edit() as lib,
    ):
        lib.add(Entry("bad", "book", {"title": "B", "date": "2018-13"}))
    assert path.read_text() == HAND_WRITTEN


# ---------------------------------------------------------------------------
# Layout scanning


def test_scan_blocks() -> None:
    layout = scan(HAND_WRITTEN)
    assert layout.keys == ["dierkes2018reasons", "no2019", "last2020"]
    assert [(b.start, b.end) for b in layout.blocks] == [(5, 14), (17, 23), (24, 28)]
    assert layout.indent == 2 and layout.entries_line == 3 and not layout.empty_flow


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("a:\n", "a"),
        ("a:b: x\n", "a:b"),
        ("a: # c\n", "a"),
        ('"No":\n', "No"),
        ("'it''s':\n", "it's"),
        ('"a\\x01\\u2028\\U0001F600\\N\\"\\\\b\\tc":\n', 'a\x01\u2028\U0001f600\x85"\\b\tc'),
        ("- a\n", None),
        ("# c\n", None),
    ],
)
def test_parse_key(line: str, key: str | None) -> None:
    assert parse_key(line) == key


# ---------------------------------------------------------------------------
# Round trip: entry → file → entry

_chars = st.characters(blacklist_categories=("Cs",))
_text = st.text(_chars, max_size=20).map(str.strip)
_nonempty = _text.filter(bool)
_hazard = st.sampled_from(
    [
        "No",
        "On",
        "yes",
        "1e5",
        "012",
        "2018-03-25",
        "~",
        "null",
        "- x",
        "a: b",
        "#",
        "&a",
        "*a",
        "!x",
        "{}",
        "[]",
        "'",
        '"',
    ]
)
_word = st.one_of(_nonempty, _hazard)


@st.composite
def _person(draw: st.DrawFn) -> Person:
    kind = draw(st.sampled_from(["western", "family-first", "cjk", "literal", "any"]))
    if kind == "western":
        return Person(
            family=draw(_word),
            given=draw(_word),
            particle=draw(st.sampled_from(["", "van der", "de"])),
            suffix=draw(st.sampled_from(["", "Jr."])),
        )
    if kind == "family-first":
        return Person(
            family=draw(st.sampled_from(["MENDEE", "KIM", "No", "Chimguundari"])),
            given=draw(_word),
            family_first=True,
        )
    if kind == "cjk":
        return Person(
            family=draw(st.sampled_from(["毛", "欧阳", "김", "山田"])),
            given=draw(st.sampled_from(["泽东", "修", "정은", "太郎"])),
            family_first=True,
        )
    if kind == "literal":
        return Person(literal=draw(_word))
    parts = {
        k: draw(st.one_of(st.just(""), _word))
        for k in ("family", "given", "particle", "dropping_particle", "suffix")
    }
    parts["family"] = parts["family"] or draw(_word)
    return Person(**parts, family_first=draw(st.booleans()))


_dates = st.builds(
    lambda y, m, d: PartialDate(y, m, None if m is None else d),
    st.integers(-9999, 9999),
    st.one_of(st.none(), st.integers(1, 12)),
    st.integers(1, 28),
)
_raw = st.recursive(
    st.one_of(st.none(), st.text(_chars, max_size=15), _hazard),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.text(_chars, max_size=8), children, max_size=3),
    ),
    max_leaves=8,
)
_unknown_name = st.text(
    st.characters(codec="ascii", categories=("L", "N")), min_size=1, max_size=8
).filter(lambda n: n not in FIELDS)
_abstract = (
    st.lists(st.text(_chars, max_size=15), min_size=1, max_size=4)
    .map("\n".join)
    .map(str.strip)
    .filter(bool)
)
_key = st.from_regex(r"[a-z][a-z0-9:_.-]{0,15}", fullmatch=True)


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    fields: dict[str, Any] = {"title": draw(_word)}
    for role in ("author", "editor", "translator"):
        if draw(st.booleans()):
            fields[role] = draw(st.lists(_person(), min_size=1, max_size=3))
    for name in ("date", "accessed"):
        if draw(st.booleans()):
            fields[name] = draw(_dates)
    for name in ("container", "volume", "pages", "note", "publisher"):
        if draw(st.booleans()):
            fields[name] = draw(_word)
    if draw(st.booleans()):
        fields["abstract"] = draw(_abstract)
    if draw(st.booleans()):
        fields["tags"] = draw(st.lists(_word, min_size=1, max_size=4))
    if draw(st.booleans()):
        fields["language"] = draw(st.sampled_from(["en", "mn-Cyrl", "de"]))
    if draw(st.booleans()):
        fields["versions"] = [
            draw(
                st.fixed_dictionaries(
                    {},
                    optional={
                        k: st.text(_chars, max_size=10)
                        for k in ("relation", "language", "title", "url", "note")
                    },
                )
            )
            for _ in range(draw(st.integers(1, 2)))
        ]
    for name in draw(st.lists(_unknown_name, max_size=3, unique=True)):
        fields[name] = draw(_raw)
    etype = draw(st.sampled_from(["book", "article-journal", "webpage", "report", "document"]))
    raw = {
        name: [p.to_raw() for p in value]
        if name in ("author", "editor", "translator")
        else str(value)
        if isinstance(value, PartialDate)
        else value
        for name, value in fields.items()
    }
    return Entry(draw(_key), etype, entry_from_raw("k", {"type": etype, **raw}).fields)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(entries(), min_size=1, max_size=3, unique_by=lambda e: e.key))
def test_round_trip_through_the_file(tmp_path: Path, batch: list[Entry]) -> None:
    path = tmp_path / "rt.yaml"
    path.write_text(HAND_WRITTEN)
    with Store(path).edit() as lib:
        for entry in batch:
            lib.add(entry)
    lib = Store(path).read()
    assert lib.keys() == ["dierkes2018reasons", "no2019", "last2020", *[e.key for e in batch]]
    for entry in batch:
        back = lib.get(entry.key)
        assert back == entry
        assert list(back.fields) == list(entry.fields)
        assert entry_to_raw(back) == entry_to_raw(entry)
    # Replacing each with itself (fields reversed into canonical order) writes the same text.
    text = path.read_text()
    with Store(path).edit() as lib2:
        for entry in batch:
            lib2.replace(entry.with_fields())
    assert path.read_text() == text
    assert text.startswith(HAND_WRITTEN[: HAND_WRITTEN.index("# footer")])


def test_parse_library_snapshot_layout_matches() -> None:
    snap = parse_library(HAND_WRITTEN, "f")
    assert snap.layout.keys == list(snap.entries)


def test_store_module_exports() -> None:
    assert store_module.SCHEMA_VERSION == 1


def test_a_read_only_library_file_is_refused_not_replaced(library_file: Path) -> None:
    before = library_file.read_bytes()
    library_file.chmod(0o444)
    try:
        with (
            pytest.raises(
                StoreError, match="the library file is read-only; the library is unchanged"
            ),
            Store(library_file).edit() as lib,
        ):
            lib.remove("no2019korea")
        assert library_file.read_bytes() == before
        assert library_file.stat().st_mode & 0o777 == 0o444
    finally:
        library_file.chmod(0o644)


def test_a_killed_writers_temp_file_is_removed_by_the_next_write(library_file: Path) -> None:
    stale = library_file.with_name(f".{library_file.name}.k1ll3d.tmp")
    stale.write_text("half a library", encoding="utf-8")
    other = library_file.with_name("unrelated.tmp")
    other.write_text("keep me", encoding="utf-8")
    with Store(library_file).edit() as lib:
        lib.remove("no2019korea")
    assert not stale.exists()
    assert other.read_text(encoding="utf-8") == "keep me"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are Linux only")
def test_blocks_emitted_and_read_back_by_workers_as_in_one_process(
    monkeypatch: pytest.MonkeyPatch, two_cores: list[int]
) -> None:
    from mnkbib import yamlemit

    entries = [
        entry_from_raw(f"k{i}", {"type": "book", "title": f"T {i}: ü", "date": f"{1990 + i}"}, "x")
        for i in range(30)
    ]
    alone = store_module._emit_checked(entries, 2, "x")
    assert [again for _, again in alone] == entries
    assert alone[3][0] == '  k3:\n    type: book\n    title: "T 3: ü"\n    date: "1993"\n'
    monkeypatch.setattr(store_module, "CHECK_PARALLEL_MIN", 1)
    monkeypatch.setattr(store_module, "CHECK_JOB", 7)
    assert store_module.emit_checked(entries, 2, "x") == alone
    assert two_cores == [1]
    # workers send back only the entries that read back as other entries than given
    read_back = store_module._read_back

    def other(written: list[store_module.Written], source: str) -> list[Entry]:
        agains = read_back(written, source)
        return [a.with_fields(note="read") if a.key == "k5" else a for a in agains]

    monkeypatch.setattr(store_module, "_read_back", other)
    shared = store_module.emit_checked(entries, 2, "x")
    assert shared == store_module._emit_checked(entries, 2, "x")
    assert shared[5][1].fields["note"] == "read"
    assert [again for _, again in shared[6:]] == entries[6:]
    monkeypatch.setattr(store_module, "_read_back", read_back)
    # an emitter bug (a block that does not read back as its entry): the error of the
    # same work in one process
    emit = yamlemit.emit_entry

    def buggy(key: str, raw: dict[str, Any], indent: int = 2) -> str:
        text = emit(key, raw, indent)
        return text.replace("T 20", "T 21") if key == "k20" else text

    monkeypatch.setattr(yamlemit, "emit_entry", buggy)
    with pytest.raises(StoreError) as by_workers:
        store_module.emit_checked(entries, 2, "x")
    with pytest.raises(StoreError) as one:
        store_module._emit_checked(entries, 2, "x")
    assert (
        str(by_workers.value)
        == str(one.value)
        == ("internal error: entry 'k20' would not read back the same")
    )
