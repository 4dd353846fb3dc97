"""The fast .bib splitter gives exactly bibtexparser's blocks, or leaves the file to it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mnkbib.formats.bibsplit import EntryBlock, Field, PreambleBlock, StringBlock, split
from mnkbib.formats.bibtex_read import _bibtexparser_blocks

from .roundtrip import corpus_files

EXAMPLES = int(os.environ.get("MNKBIB_FUZZ_EXAMPLES", "300"))
SPLIT = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=not os.environ.get("MNKBIB_FUZZ_EXAMPLES"),
    database=None,
)


def agrees(text: str) -> bool:
    """Whether the fast path took ``text``; if it did, its blocks are bibtexparser's."""
    fast = split(text)
    if fast is None:
        return False
    assert fast == _bibtexparser_blocks(text)
    return True


# Fragments of well-formed files and of the ways files go wrong.
FRAGMENT = st.sampled_from(
    [
        "@article{", "@book {", "@misc\t{", "@ARTICLE{", "@{", "@string{", "@String{",
        "@comment{", "@preamble{", "@misc(", "@ x{", "k,", "key2,", "a@b,", "\n", "\r\n",
        "  title = ", "author=", "year = 2018", " = ", "=", "{", "}", "{{", "}}", '"', ",",
        " # ", "#", "jan", "\\", '\\"', "\\{", "\\}", "\\\\", "\\\n", '{\\"u}', '{"}',
        "\\'e", "$x^2$", "%", "@", "\n@", "\n  @misc{", "é", "Ж", " ", "\t", "x",
        "Title", "Dierkes, Julian and MENDEE, J.", "{Title}", '"Title"', "},\n",
        "}\n\n", ",\n}", "(", ")",
    ]
)  # fmt: skip
BIBTEX = st.lists(st.one_of(FRAGMENT, st.text(max_size=3)), max_size=60).map("".join)


def entry(key: str, fields: list[tuple[str, str]]) -> str:
    body = "".join(f"  {name} = {value},\n" for name, value in fields)
    return f"@article{{{key},\n{body}}}\n"


VALUE = st.one_of(
    st.sampled_from(
        [
            "{Plain title}", "{{Braced} title}", '{With "quotes" inside}', '"Quoted {part}"',
            "{M{\\\"u}ller, Jr., Hans and {World Bank}}", "2018", "jan", '"a" # {b} # c',
            "{a,b}", "{\\{ escaped \\}}", '"x \\" y"', "{deep {a {b {c}}}}", "{}", '""',
            "{line\nbreak}", "{back\\\\}", "{a}}",
        ]
    ),
    st.text(alphabet="{}\"\\,=@ \nab", max_size=12).map(lambda t: "{" + t + "}"),
)  # fmt: skip
WELL_FORMED = st.lists(
    st.tuples(
        st.sampled_from(["k", "k2", "Key:3", "x-y", ""]),
        st.lists(st.tuples(st.sampled_from(["title", "author", "note", "Year"]), VALUE)),
    ),
    max_size=6,
).map(lambda entries: "\n".join(entry(k, f) for k, f in entries))


@SPLIT
@given(BIBTEX)
def test_agrees_with_bibtexparser_on_fragments(text: str) -> None:
    agrees(text)


@SPLIT
@given(WELL_FORMED)
def test_agrees_with_bibtexparser_on_entries(text: str) -> None:
    agrees(text)


def test_takes_a_typical_file() -> None:
    text = r"""% a comment line
@string{dip = "The " # {Diplomat}}
@preamble{"\newcommand{\noopsort}[1]{}"}
@comment{jabref-meta: x}

@article{a, title = {{UN} and Bostr\"{o}m}, journal = dip # ", " # nope, month = mar,
  year = 2018, url = {http://x.org/a\_b%20c}}
@book{b,
  author = {M{\"u}ller, Jr., Hans and {World Bank}},
  title = "A {Quoted} Title",
  note = {Contact: x@y.org},
}
"""
    assert agrees(text)
    blocks = split(text)
    assert blocks is not None
    assert blocks[:2] == [StringBlock(1, "dip", '"The " # {Diplomat}'), PreambleBlock(2)]
    book = blocks[3]
    assert isinstance(book, EntryBlock)
    assert (book.line, book.entry_type, book.key) == (7, "book", "b")
    assert book.fields[1] == Field("title", '"A {Quoted} Title"', 9)


@pytest.mark.parametrize(
    "text",
    [
        "@misc(k, title = {T})\n",  # parenthesised block
        "@book{broken, title = {Unclosed\n@misc{b, note = {x}}\n",  # recovery
        "@misc{k, title = {T}\n  @misc{j, title = {U}}}\n",  # "@" first on a line
        "@misc{k}\n",  # no comma after the key
        '@misc{k, title = "a {"} b"}\n',  # bibtexparser's {"} in quotes
        "@misc{k, title = {T}, junk}\n",  # a field without "="
        "@misc{k, title = {" + "{" * 12 + "}" * 12 + "}}\n",  # deeper than the fast path
    ],
)
def test_leaves_unusual_files_to_bibtexparser(text: str) -> None:
    assert split(text) is None


def test_escaped_newlines_are_not_counted() -> None:
    text = "@misc{k,\n  note = {a\\\nb},\n  title = {T}}\n@misc{j, title = {U}}\n"
    assert agrees(text)
    blocks = split(text)
    assert blocks is not None and isinstance(blocks[0], EntryBlock)
    assert [f.line for f in blocks[0].fields] == [1, 2]
    assert blocks[1].line == 3


def _with_crossrefs_and_problems() -> str:
    """A file of many entries that inherit, miss parents and use undefined macros."""
    parts = ["@string{dip = {The Diplomat}}", "@book{parent, title = {Parent}, year = 2001}"]
    for i in range(60):
        parts.append(
            f"@inbook{{child{i}, crossref = {{{'parent' if i % 3 else 'missing'}}},"
            f" title = {{Chapter {i}}}, journal = dip # nope, author = {{Ann, B{i}}}}}"
        )
    return "\n".join(parts) + "\n"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are Linux only")
@pytest.mark.parametrize(
    "path", [*corpus_files(), None], ids=lambda p: p.name if p else "crossrefs"
)
def test_conversion_by_workers_gives_what_one_process_gives(
    path: Path | None, monkeypatch: pytest.MonkeyPatch, two_cores: list[int]
) -> None:
    from mnkbib.formats import bibtex_read

    text = path.read_text(encoding="utf-8") if path else _with_crossrefs_and_problems()
    monkeypatch.setattr(bibtex_read, "CONVERT_PARALLEL_MIN", 10**9)
    alone = bibtex_read.read(text, "x.bib")
    monkeypatch.setattr(bibtex_read, "CONVERT_PARALLEL_MIN", 1)
    monkeypatch.setattr(bibtex_read, "CONVERT_JOB", 7)
    shared = bibtex_read.read(text, "x.bib")
    assert shared.entries == alone.entries
    assert shared.problems == alone.problems
    assert two_cores == ([1] if len(alone.entries) > 7 else [])
