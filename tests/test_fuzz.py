"""Fuzzing the parsers: any text gives a result or an MnkbibError, never a crash or a hang.

Each example runs under a SIGALRM watchdog; example counts are bounded so the
whole module takes seconds.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mnkbib.errors import MnkbibError

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("MNKBIB_FUZZ_EXAMPLES", "200"))  # more for a long campaign
PER_EXAMPLE = 2  # seconds before an example counts as a hang
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # the watchdog below bounds time; deadlines flake on a busy CI machine
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=not os.environ.get("MNKBIB_FUZZ_EXAMPLES"),
    database=None,
)


class Hang(Exception):
    pass


@contextmanager
def watchdog(seconds: int = PER_EXAMPLE) -> Iterator[None]:
    def alarm(signum: int, frame: Any) -> None:
        raise Hang(f"no result after {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def survives(func: Callable[[str], Any], text: str) -> None:
    with watchdog(), suppress(MnkbibError):
        func(text)


def pieces(*fragments: str, size: int = 24) -> st.SearchStrategy[str]:
    """Text made of meaningful fragments and random characters."""
    unit = st.one_of(st.sampled_from(fragments), st.text(max_size=4))
    return st.lists(unit, max_size=size).map("".join)


NAME = pieces(
    "Dierkes", "Julian", ", ", " and ", " & ", ";", "{", "}", "van der ", "von ", "Jr.",
    "MENDEE", "毛泽东", "family:", "given:", "literal:", "{family: No, given: Tae-woo}", " ",
    "\\", "\"", "'", ".", "-", "\n", "\t", "Ⅻ", "\u0301", "ß", "İ",
)  # fmt: skip
LABEL = pieces(
    "Dierkes", " & ", "MENDEE", " et al.", " 2018", ", ", "The Diplomat", "(", ")", " and ",
    "2018a", "n.d.", " ", ",", ";", "\n",
)  # fmt: skip
REFERENCE = pieces(
    "Dierkes, Julian", " and ", "MENDEE Jargalsaikhan", ". ", "2018", ". ", "“", "”", '"',
    "Title", "The Diplomat", "March 25", ", ", "https://x.org/a", "doi:10.1234/x",
    "10.1/x", "(German translation)", "(", ")", "...", " ", "\n",
)  # fmt: skip
QUERY = pieces(
    "author:", "year:", "tag:", "type:", "lang:", "title:", "-", '"', "'", " ", "2018",
    "..", "2017..2018", "mendee", "\\", "http:", "x:", ":", "*", "?", "(", ")",
)  # fmt: skip
YAML = pieces(
    "mnkbib: 1\n", "entries:\n", "  k:\n", "    type: book\n", "    title: ", "\n", "  ", "- ",
    ": ", "[", "]", "{", "}", "&a ", "*a", "!!python/object:x ", "!!str ", "|\n", ">-\n", "'",
    '"', "#", "---\n", "...\n", "? ", "<<: ", "%YAML 1.2\n", "\t", "\\x", "\\u", "\x00",
    "\ufeff", "2018-13", "    date: ", "    author:\n      - ", "{family: X}", "No",
    size=40,
)  # fmt: skip
BIBTEX = pieces(
    "@article{", "@book{", "@string{", "@comment{", "@preamble{", "k,", "\n", "  title = ",
    "{", "}", '"', "#", ",", "author = ", "Dierkes, Julian and MENDEE, J.", "year = 2018",
    "date = {2018-13}", "\\", "\\'e", "{\\\"u}", "$x^2$", "%", "=", " ", "month = jan",
    "crossref = {k}", "pages = 1--2", "@", "\x00", "é", "{{", "}}",
    size=40,
)  # fmt: skip
RIS = pieces(
    "TY  - ", "JOUR", "BOOK", "\n", "AU  - ", "Dierkes, Julian", "TI  - ", "PY  - ", "2018",
    "2018///", "DA  - ", "ER  - ", "  - ", "XX  - ", "\r\n", "é",
    size=40,
)  # fmt: skip
JSON = pieces(
    "[", "]", "{", "}", '"id"', '"type"', '"title"', '"author"', '"issued"', ": ", ", ",
    '"book"', '"x"', '{"date-parts": [[2018, 13]]}', '{"family": "X"}', "null", "1e999",
    "true", '"\\ud800"', "\\", "[[", "]]",
    size=40,
)  # fmt: skip


@FUZZ
@given(st.one_of(NAME, st.text()))
def test_parse_name(text: str) -> None:
    from mnkbib.names import parse_name, parse_names

    survives(parse_name, text)
    survives(parse_names, text)


@FUZZ
@given(st.one_of(LABEL, st.text()))
def test_parse_label(text: str) -> None:
    from mnkbib.paste import parse_label

    survives(parse_label, text)


@FUZZ
@given(st.one_of(REFERENCE, st.text()))
def test_parse_reference(text: str) -> None:
    from mnkbib.paste import parse_reference

    survives(parse_reference, text)


@FUZZ
@given(st.one_of(QUERY, st.text()))
def test_parse_query(text: str) -> None:
    from mnkbib.query import parse_query

    survives(parse_query, text)


@FUZZ
@given(st.one_of(YAML, st.text()))
def test_yaml_loader_and_library_parser(text: str) -> None:
    from mnkbib.store import parse_library
    from mnkbib.yamlsafe import load_text

    survives(lambda t: load_text(t, source="fuzz"), text)
    survives(lambda t: parse_library(t, "fuzz"), text)
    survives(lambda t: parse_library("mnkbib: 1\nentries:\n  k:\n" + t, "fuzz"), text)


def _reader(name: str) -> Callable[[str], Any]:
    from mnkbib.formats import FORMATS

    fmt = FORMATS.get(name)
    if fmt is None or fmt.read is None:
        pytest.skip(f"no {name} reader")
    read = fmt.read
    try:
        read("", "probe")
    except NotImplementedError:
        pytest.skip(f"the {name} reader is not written yet")
    except MnkbibError:
        pass
    return lambda text: read(text, "fuzz")


@FUZZ
@given(text=st.one_of(BIBTEX, st.text()))
def test_bibtex_reader(text: str) -> None:
    survives(_reader("bibtex"), text)


@FUZZ
@given(text=st.one_of(RIS, st.text()))
def test_ris_reader(text: str) -> None:
    survives(_reader("ris"), text)


@FUZZ
@given(text=st.one_of(JSON, st.text()))
def test_csl_json_reader(text: str) -> None:
    survives(_reader("csl-json"), text)


# ---------------------------------------------------------------------------
# The merge: random edits on both sides of a random library

FIELD_VALUES = st.sampled_from(["A", "B", "No", "2018", "x: y", "", "multi\nline", "é"])


@st.composite
def library_versions(draw: st.DrawFn) -> tuple[str, str, str]:
    from mnkbib.model import entry_from_raw
    from mnkbib.store import HEADER
    from mnkbib.yamlemit import emit_entry

    def text(entries: dict[str, dict[str, str]]) -> str:
        out = HEADER
        for key, fields in entries.items():
            raw = {"type": "book", **{k: v for k, v in fields.items() if v}}
            entry_from_raw(key, raw)
            out += emit_entry(key, raw)
        return out

    keys = st.sampled_from(["a", "b", "c", "d", "e"])
    fields = st.dictionaries(st.sampled_from(["title", "note", "volume"]), FIELD_VALUES, max_size=3)
    base = draw(st.dictionaries(keys, fields, max_size=4))

    def edit(entries: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        out = {k: dict(v) for k, v in entries.items()}
        for _ in range(draw(st.integers(0, 3))):
            op = draw(st.sampled_from(["add", "remove", "change", "rename"]))
            key = draw(keys)
            if op == "add" and key not in out:
                out[key] = draw(fields)
            elif op == "remove":
                out.pop(key, None)
            elif op == "change" and key in out:
                out[key][draw(st.sampled_from(["title", "note", "volume"]))] = draw(FIELD_VALUES)
            elif op == "rename" and key in out:
                new = draw(keys.filter(lambda k, o=out: k not in o))
                out = {(new if k == key else k): v for k, v in out.items()}
        return out

    return text(base), text(edit(base)), text(edit(base))


@settings(FUZZ, max_examples=max(100, EXAMPLES // 2))
@given(library_versions())
def test_merge_never_loses_or_crashes(versions: tuple[str, str, str]) -> None:
    from mnkbib.merge import NotMergeable, merge_libraries, take_side
    from mnkbib.store import parse_library

    base, ours, theirs = versions
    with watchdog():
        try:
            result = merge_libraries(base, ours, theirs)
        except NotMergeable:
            return
    if theirs == base:
        assert result.text == ours
    if ours == base and result.clean:
        assert parse_library(result.text, "m").entries == parse_library(theirs, "m").entries
    for side in ("ours", "theirs"):
        resolved = parse_library(take_side(result.text, side), "m").entries
        mine = parse_library(ours if side == "ours" else theirs, "m").entries
        other = parse_library(theirs if side == "ours" else ours, "m").entries
        old = parse_library(base, "m").entries
        # an entry this side added (or renamed) keeps its key on this side's resolution
        for key in mine:
            if key not in old and key not in other:
                assert key in resolved, key
