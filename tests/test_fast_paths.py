"""Fast paths give what the long ways give: the YAML constructor, the emitter's quoting,
BibTeX names and the model's conversions (each fast path against its reference)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fastpath_settings import FAST
from mnkbib import yamlsafe
from mnkbib.errors import ValidationError
from mnkbib.formats.bibtex_read import _PLAIN_NAME, _parse_bib_name, _parse_bib_name_fully
from mnkbib.model import FIELD_ORDER, _in_order, _person_simple, order_fields, person_from_raw
from mnkbib.yamlemit import _needs_quotes_checks, needs_quotes


def pieces(*fragments: str, size: int = 24) -> st.SearchStrategy[str]:
    unit = st.one_of(st.sampled_from(fragments), st.text(max_size=3))
    return st.lists(unit, max_size=size).map("".join)


# ---------------------------------------------------------------------------
# yamlsafe: the fast constructor against _Constructor


def _slow_load(text: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    def never(*args: Any) -> Any:
        raise yamlsafe._Unusual

    with monkeypatch.context() as patch:
        patch.setattr(yamlsafe, "_construct_fast", never)
        return yamlsafe.load_text(text, source="f", line_offset=3)


def _outcome(load: Any) -> Any:
    try:
        return ("ok", _typed(load()))
    except RecursionError:
        return ("recursion", None)
    except Exception as exc:  # ParseError, and whatever else _Constructor lets through
        return (type(exc).__name__, str(exc))


def _typed(value: Any) -> Any:
    """The value with every type and recorded line made comparable."""
    if isinstance(value, dict):
        return (
            type(value),
            [(k, type(k), _typed(v)) for k, v in value.items()],
            dict(getattr(value, "lines", {})),
        )
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return (type(value), value)


YAML = pieces(
    "mnkbib: 1\n", "entries:\n", "  k:\n", "    type: book\n", "    title: ", "\n", "  ", "- ",
    ": ", "[", "]", "{", "}", "&a ", "*a", "!!str ", "!!int ", "!!null ", "! ", "!x ", "|\n",
    "'", '"', "#", "? ", "<<: ", "~", "null", "No", "  author:\n    - {family: X}\n",
    "a: 1\n", "a: 2\n", "b:\n", "  - x\n", "'<<': y\n", "k: [a, *a]\n", "r: &a [1]\n",
    size=30,
)  # fmt: skip


@FAST
@given(YAML)
def test_fast_constructor_agrees(text: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        slow = _outcome(lambda: _slow_load(text, monkeypatch))
    fast = _outcome(lambda: yamlsafe.load_text(text, source="f", line_offset=3))
    assert fast == slow


@pytest.mark.parametrize(
    "text",
    [
        "a: x\nb: 'No'\nc:\nd: ~\ne: [x, 'y', {f: g}]\n",
        "a: !!int 5\n",  # another tag: the long way, same result
        "a: x\na: y\n",  # duplicate key: the long way names both lines
        "<<: {a: 1}\n",  # merge key
        "!!str <<: 1\n",  # a merge key still, for _Constructor: plain style
        "'<<': 1\n",  # quoted: a key like any other
        "x: &a [1]\ny: *a\n",  # alias
        "? [a]\n: 1\n",  # a key that is not text
        "'': 1\n~: 2\n",  # an empty key twice
    ],
)
def test_fast_constructor_agrees_on_examples(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    slow = _outcome(lambda: _slow_load(text, monkeypatch))
    fast = _outcome(lambda: yamlsafe.load_text(text, source="f", line_offset=3))
    assert fast == slow


# ---------------------------------------------------------------------------
# yamlemit: the one-match test for plain text against the checks in turn

QUOTABLE = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",))),
    pieces(
        "a", "Zürich", "Ж", "毛", " ", ": ", ":", " #", "#", "-", "?", ",", "[", "{", "}", "'",
        '"', "\t", "\n", "\x85", "\u2028", "\ufeff", "\xa0", "\u3000", "yes", "No", "ON",
        "null", "~", "1", "1e5", ".inf", "2018-03-25 1", "x:", "y", "n", "\x00", "\x7f",
        size=8,
    ),
)  # fmt: skip


@FAST
@given(QUOTABLE)
def test_needs_quotes_agrees_with_the_checks(text: str) -> None:
    assert needs_quotes(text) == _needs_quotes_checks(text)
    assert needs_quotes(text, flow=True) == _needs_quotes_checks(text, flow=True)


# ---------------------------------------------------------------------------
# BibTeX names: "Family, Given" taken directly against parse_name and decoding

NAME = pieces(
    "Dierkes", "Julian", "Müller", "Иванов", "鈴木", "O'Brien", "Jean-Luc", "J.", "A. B.",
    ", ", ",", " ", "  ", "-", "--", "'", "''", ".", "van ", "de la ", "{", "}", "\\'e",
    "~", "$", "`", "1", "_", "Jr.", "\u0301", "ß",
    size=8,
)  # fmt: skip


@FAST
@given(NAME)
def test_plain_names_parse_as_the_long_way(text: str) -> None:
    if _PLAIN_NAME.fullmatch(text) is None:
        return
    try:
        expected = _parse_bib_name_fully(text, "x")
    except ValidationError:
        pytest.fail(f"the fast path took {text!r}, which the long way refuses")
    assert _parse_bib_name(text, "x") == expected


def test_plain_name_fast_path_is_taken() -> None:
    for text in ("Dierkes, Julian", "Иванов, Сергей", "O'Brien, Jean-Luc A."):
        assert _PLAIN_NAME.fullmatch(text) is not None
        assert _parse_bib_name(text, "x") == _parse_bib_name_fully(text, "x")
    for text in ("van Berg, Jan", "Berg, Jan--Piet", 'M{\\"u}ller, Hans', "Doe, J, Jr"):
        if _PLAIN_NAME.fullmatch(text) is not None:
            assert _parse_bib_name(text, "x") == _parse_bib_name_fully(text, "x")


# ---------------------------------------------------------------------------
# The model: people from mappings, field order

PART = st.one_of(st.sampled_from(["X", " Y ", "", "No", "true"]), st.booleans(), st.integers())
PERSON = st.dictionaries(
    st.sampled_from(["family", "given", "literal", "particle", "dropping-particle", "suffix",
                     "family-first", "nickname"]),
    PART,
    max_size=4,
)  # fmt: skip


@FAST
@given(PERSON)
def test_simple_people_as_person_from_raw(raw: dict[str, Any]) -> None:
    fast = _person_simple(raw)
    if fast is None:
        return
    assert fast == person_from_raw(raw, "x")


@FAST
@given(st.lists(st.sampled_from([*FIELD_ORDER, "groups", "x-y", "date-raw"]), unique=True))
def test_in_order_means_order_fields_keeps_the_order(names: list[str]) -> None:
    fields = dict.fromkeys(names, "v")
    assert _in_order(fields) == (list(order_fields(fields)) == names)


# ---------------------------------------------------------------------------
# yamlsafe: the anchor hint against its one-pattern definition

_ANCHOR_PATTERN = re.compile(r"(?:^|[\s\[{,])&[^\s\[\]{},]", re.MULTILINE)


@FAST
@given(pieces("&", "&&", " ", "\n", "\t", "\u2028", "\x85", "a", "R", "[", "{", ",", "]", "}"))
def test_anchor_hint_as_its_pattern(text: str) -> None:
    assert yamlsafe._anchor_hint(text) == (_ANCHOR_PATTERN.search(text) is not None)
