"""The BibTeX/BibLaTeX writer's fast paths give what its general paths give (each against
its reference), and no entry has a field written twice."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from fastpath_settings import FAST
from mnkbib.formats.bibfields import BIBLATEX_TYPES, BIBTEX_TYPES
from mnkbib.formats.bibtex_write import (
    _HANDLED,
    _RARE_FIELDS,
    _encode_value,
    _is_plain,
    _Writer,
    write_biblatex,
    write_bibtex,
)
from mnkbib.formats.latex import _protect_words, escape, protect_case
from mnkbib.model import Entry, PartialDate, Person
from mnkbib.types import ENTRY_TYPES

# What takes a value off the fast paths (or nearly): LaTeX specials, ligatures, line
# breaks, separators, capitals, non-ASCII letters.
_FRAGMENTS = [
    "-", "--", "'", "''", "`", "``", "!`", "?`", "\\", "{", "}", "&", "%", "$", "#", "_",
    "~", "^", "\n", "\t", "\r", "\u00a0", "–", "—", "“", "”", ",", ";", " and ", "And",
    "UN", "iPod", "Müller", "Жизнь", "鈴木", "ọ", "a", "Mongolia", "the", " ", "  ",
]  # fmt: skip


def pieces(size: int = 12) -> st.SearchStrategy[str]:
    unit = st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=3))
    return st.lists(unit, max_size=size).map("".join)


# Values past _is_plain()'s regex (a search per character instead).
_LONG_VALUES = st.tuples(pieces(), pieces()).map(
    lambda ends: ends[0] + "plain text " * 12 + ends[1]
)
VALUES = st.one_of(pieces(), _LONG_VALUES)
_NAME_PARTS = st.one_of(
    st.sampled_from(
        ["Berg", "Müller", "MENDEE", "Vũ Ngọc", "de la Cruz", "O'Neil", "Tae-woo", "Ильин",
         "J. A.", "Smith, Jr.", "and", "Rock And Roll", "x--y", "a&b", "{x}", "鈴木", ""]
    ),
    pieces(4),
)  # fmt: skip


@st.composite
def people(draw: st.DrawFn) -> Person:
    family, given = draw(_NAME_PARTS), draw(_NAME_PARTS)
    literal = draw(st.sampled_from(["", "", "", "", "others", "World Bank", "a & b"]))
    assume(family or given or literal)
    return Person(
        family=family,
        given=given,
        particle=draw(st.sampled_from(["", "", "", "van der", "De"])),
        dropping_particle=draw(st.sampled_from(["", "", "", "von"])),
        suffix=draw(st.sampled_from(["", "", "", "Jr.", "III"])),
        literal=literal,
        family_first=draw(st.booleans()),
    )


ENTRY = Entry("k", "document", {})


@FAST
@given(value=VALUES, biblatex=st.booleans())
def test_text_fast_path_is_encode_value(value: str, biblatex: bool) -> None:
    writer = _Writer(biblatex)
    encoded, notes = _encode_value(value, biblatex)
    assert writer.text(ENTRY, "note", value) == encoded
    assert writer.warnings == [f"k: field 'note': {note}" for note in notes]
    assert writer.encode(value) == (encoded, notes)
    if (biblatex or value.isascii()) and _is_plain(value):
        assert (encoded, notes) == (value, ())


@FAST
@given(p=people(), biblatex=st.booleans())
def test_plain_person_is_person(p: Person, biblatex: bool) -> None:
    writer = _Writer(biblatex)
    notes: list[str] = []
    written = writer._person(p, notes)
    fast = writer._plain_person(p)
    assert fast is None or (fast == written and notes == [])


def _reference_names(
    biblatex: bool, role: str, people: list[Person]
) -> tuple[str, list[str], list[str]]:
    """names() the long way: each person written afresh by _person()."""
    writer = _Writer(biblatex)
    flags: list[str] = []
    texts = []
    for i, p in enumerate(people, 1):
        if p.family_first:
            flags.append(f"{role}{i}: family-first")
        if p.dropping_particle and not p.particle and not biblatex:
            flags.append(f"{role}{i}: dropping-particle")
        notes: list[str] = []
        texts.append(writer._person(p, notes))
        writer.warnings += [f"k: field {role!r}: {note}" for note in notes]
    return " and ".join(texts), flags, writer.warnings


@FAST
@given(
    lists=st.lists(st.lists(people(), min_size=1, max_size=4), min_size=1, max_size=4),
    biblatex=st.booleans(),
)
def test_names_written_once_are_names_written_afresh(
    lists: list[list[Person]], biblatex: bool
) -> None:
    # Some people again, as the same object (found by identity) and as an equal one.
    lists += [lists[0][::-1], [replace(p) for p in lists[0]]]
    writer = _Writer(biblatex)
    for _ in range(2):  # the second time, everyone has been seen
        for people in lists:
            writer.warnings.clear()
            flags: list[str] = []
            text = writer.names(ENTRY, "editor", people, flags)
            assert (text, flags, writer.warnings) == _reference_names(biblatex, "editor", people)


_WORDS = st.sampled_from(
    ["Mongolia", "the", "of", "a", "UN", "iPod", "x--y", "A", "1990s", "Élan", "naïve", "ОН",
     "\\", "{x}", "a}b", "x_y", "50%", "--", "''"]
)  # fmt: skip
TITLES = st.one_of(st.lists(_WORDS, max_size=6).map(" ".join), pieces())


@FAST
@given(title=TITLES)
def test_protect_case_fast_path_is_word_by_word(title: str) -> None:
    for encoded in (title, escape(title)):
        assert protect_case(encoded, title) == _protect_words(encoded, title)


TAGS = st.one_of(
    st.sampled_from(["mongolia", "to-read", "a,b", "x;y", "Ёс", "a&b", "--", "", "''", "No"]),
    pieces(3),
)


@FAST
@given(tags=st.lists(TAGS, min_size=1, max_size=4), biblatex=st.booleans())
def test_keywords_fast_path_is_tag_by_tag(tags: list[str], biblatex: bool) -> None:
    entry = Entry("k", "document", {"tags": tags})
    writer = _Writer(biblatex)
    text = writer.entry(entry)
    reference = _Writer(biblatex)
    reference.warnings += [
        f"k: field 'tags': tag {t!r} contains a separator and reads back split"
        for t in tags
        if "," in t or ";" in t
    ]
    keywords = ", ".join([reference.text(entry, "tags", t) for t in tags])
    assert text == f"@misc{{k,\n  keywords = {{{keywords}}},\n}}\n"
    assert writer.warnings == reference.warnings


# ---------------------------------------------------------------------------
# No field written over another

# The fields with a value of their own in the entries below (not: names, dates, the type
# hint, the language, which may be written as langid alone, and versions as JSON).
_TEXT_FIELDS = sorted(
    _HANDLED
    - {"author", "editor", "translator", "container-author", "collection-editor", "director"}
    - {"interviewer", "recipient", "date", "original-date", "accessed", "bibtex-type"}
    - {"language", "versions", "tags"}
)


def _every_field(hint: str | None, language: str) -> dict[str, Any]:
    """A value for every field the writer knows, and unknown fields named as it writes."""
    fields: dict[str, Any] = {name: f"value of {name}." for name in _TEXT_FIELDS}
    for role in ("author", "editor", "translator", "container-author", "collection-editor",
                 "director", "interviewer", "recipient"):  # fmt: skip
        fields[role] = [Person(family="Berg", given="Jan", family_first=role == "editor")]
    for name in ("date", "original-date", "accessed"):
        fields[name] = PartialDate(2001, 3, 4)
    fields["tags"] = ["a", "b"]
    fields["versions"] = [{"relation": "translation", "language": "mn", "title": "T"}]
    fields["language"] = language
    if hint is not None:
        fields["bibtex-type"] = hint
    for name in ("journal", "booktitle", "eid", "location", "address",
                 "organization", "year", "Month", "day", "keywords", "Title", "langid",
                 "school", "howpublished", "editora", "editoratype", "groups"):  # fmt: skip
        fields[name] = "other"
    return fields


@pytest.mark.parametrize("write", [write_bibtex, write_biblatex])
def test_no_field_written_over_another(write: Any) -> None:
    # entry() writes each field into a dict: a second value under a name already written
    # would replace the first. Every type, type hint and language branch: each value is
    # still there, and each name once.
    entries = [
        Entry(f"k{i}", etype, _every_field(hint, language))
        for i, (etype, hint, language) in enumerate(
            (etype, hint, language)
            for etype in sorted(ENTRY_TYPES)
            for hint in [None, *sorted(BIBTEX_TYPES | BIBLATEX_TYPES), "nonesuch"]
            for language in ("de", "en", "mn-Cyrl", "xx")
        )
    ]
    for text in write(entries).text.split("\n\n"):
        names = re.findall(r"^  (\S+) = ", text, re.MULTILINE)
        assert len(names) == len(set(names)), text
        for name in _TEXT_FIELDS:
            assert f"value of {name}." in text, (name, text)


def test_rare_fields_are_handled_fields() -> None:
    assert _RARE_FIELDS <= _HANDLED


@pytest.mark.parametrize("name", sorted(_RARE_FIELDS))
@pytest.mark.parametrize("write", [write_bibtex, write_biblatex])
def test_a_rare_field_alone_is_written(name: str, write: Any) -> None:
    # entry() looks for these fields only when an entry has one of them.
    value: Any = "Text 1"
    if name in ("original-date", "accessed"):
        value = PartialDate(2001, 3)
    elif name == "versions":
        value = [{"relation": "translation", "language": "mn", "title": "T"}]
    without = write([Entry("k", "book", {"title": "T"})]).text
    with_it = write([Entry("k", "book", {"title": "T", name: value})]).text
    assert with_it.count("\n") == without.count("\n") + 1
