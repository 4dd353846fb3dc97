"""The safe YAML loader and the hand-written emitter: hazards, errors, round trips."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mnkbib.errors import ParseError
from mnkbib.model import PartialDate, Person, entry_from_raw
from mnkbib.store import read_text
from mnkbib.yamlemit import emit_entry, needs_quotes, scalar
from mnkbib.yamlsafe import Plain, load_text

HAZARDS = """\
entries:
  no1988:
    type: book
    title: On
    subtitle: 1e5
    volume: 012
    issue: 0x1F
    edition: .inf
    number: 1:20
    note: null-ish
    date: 2018-03-25
    accessed: 2018-03
    author:
      - family: No
        given: Yes
      - {family: Off, given: y}
    tags: [true, no, 2018-03-25, ~x]
    year: 2018
    flag: yes
    empty:
"""


def test_plain_scalars_stay_text() -> None:
    data = load_text(HAZARDS, source="lib.yaml")
    raw = data["entries"]["no1988"]
    assert raw["title"] == "On" and type(raw["title"]) is Plain
    assert raw["subtitle"] == "1e5"
    assert raw["volume"] == "012"
    assert raw["issue"] == "0x1F"
    assert raw["edition"] == ".inf"
    assert raw["number"] == "1:20"
    assert raw["date"] == "2018-03-25" and type(raw["date"]) is Plain
    assert raw["author"][0] == {"family": "No", "given": "Yes"}
    assert raw["author"][1] == {"family": "Off", "given": "y"}
    assert raw["tags"] == ["true", "no", "2018-03-25", "~x"]
    assert raw["year"] == "2018" and raw["flag"] == "yes"
    assert raw["empty"] is None
    for value in raw.values():
        if isinstance(value, str):
            assert isinstance(value, Plain)


def test_hazards_through_the_model() -> None:
    raw = load_text(HAZARDS, source="lib.yaml")["entries"]["no1988"]
    entry = entry_from_raw("no1988", raw)
    assert entry.fields["title"] == "On"
    assert entry.fields["volume"] == "012"
    assert entry.fields["date"] == PartialDate(2018, 3, 25)
    assert entry.fields["accessed"] == PartialDate(2018, 3)
    assert entry.fields["author"] == [
        Person(family="No", given="Yes"),
        Person(family="Off", given="y"),
    ]
    assert entry.fields["tags"] == ["true", "no", "2018-03-25", "~x"]
    # Unknown fields are kept as read: text stays text, an empty value stays empty.
    assert entry.fields["year"] == "2018" and entry.fields["flag"] == "yes"
    assert entry.fields["empty"] is None


def test_quoted_and_tagged_scalars() -> None:
    data = load_text("a: 'No'\nb: \"1e5\"\nc: !!str yes\nd: ~\ne: null\nf: 'null'\n", source="f")
    assert data == {"a": "No", "b": "1e5", "c": "yes", "d": None, "e": None, "f": "null"}
    assert not isinstance(data["a"], Plain)


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        (
            "mnkbib: 1\nentries:\n  a:\n    type: book\n  a:\n    type: report\n",
            "lib.yaml:5:3: duplicate key 'a' (first at line 3)",
            5,
            3,
        ),
        (
            "entries:\n  a:\n    type: book\n    title: x\n    title: y\n",
            "lib.yaml:5:5: duplicate key 'title' (first at line 4)",
            5,
            5,
        ),
        (
            "a:\n  author:\n    - {family: No, family: Yes}\n",
            "lib.yaml:3:20: duplicate key 'family' (first at line 3)",
            3,
            20,
        ),
        ("1: a\n'1': b\n", "lib.yaml:2:1: duplicate key '1' (first at line 1)", 2, 1),
    ],
)
def test_duplicate_keys_are_errors(text: str, message: str, line: int, column: int) -> None:
    with pytest.raises(ParseError) as info:
        load_text(text, source="lib.yaml")
    assert str(info.value) == message
    assert (info.value.source, info.value.line, info.value.column) == ("lib.yaml", line, column)


def test_line_offset_shifts_lines() -> None:
    with pytest.raises(ParseError) as info:
        load_text("a: 1\na: 2\n", source="lib.yaml", line_offset=10)
    assert info.value.line == 12


ANCHORS = "anchors (&name) and aliases (*name) are not allowed in a library"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a: &x foo\nb: *x\n", "1:4"),
        ("a: &x foo\n", "1:4"),
        ("a:\n  - &first {family: No}\n", "2:5"),
        ("a: [&x foo, *x]\n", "1:5"),
    ],
)
def test_anchors_and_aliases_refused(text: str, where: str) -> None:
    with pytest.raises(ParseError) as info:
        load_text(text, source="lib.yaml")
    assert str(info.value) == f"lib.yaml:{where}: {ANCHORS}"


def test_ampersands_in_text_are_not_anchors() -> None:
    data = load_text("a: Dierkes & MENDEE\nb: R&D &\nc: '&x'\n", source="f")
    assert data == {"a": "Dierkes & MENDEE", "b": "R&D &", "c": "&x"}


def test_merge_keys_refused() -> None:
    with pytest.raises(ParseError) as info:
        load_text("a:\n  <<: {type: book}\n", source="lib.yaml")
    assert str(info.value) == "lib.yaml:2:3: merge keys (<<) are not allowed in a library"
    assert load_text("a:\n  '<<': x\n", source="f") == {"a": {"<<": "x"}}


def test_billion_laughs_fails_fast() -> None:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 30):
        refs = ", ".join([f"*l{i - 1}"] * 9)
        lines.append(f"l{i}: &l{i} [{refs}]")
    start = time.perf_counter()
    with pytest.raises(ParseError, match=r"not allowed in a library"):
        load_text("\n".join(lines) + "\n", source="bomb.yaml")
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("a: !!python/object:os.system {}\n", "tag:yaml.org,2002:python/object:os.system"),
        (
            "a: !!python/object/apply:os.system ['true']\n",
            "tag:yaml.org,2002:python/object/apply:os.system",
        ),
        ("a: !!python/name:os.system\n", "tag:yaml.org,2002:python/name:os.system"),
        ("a: !!binary aGVsbG8=\n", "tag:yaml.org,2002:binary"),
        ("a: !!timestamp 2018-01-01\n", "tag:yaml.org,2002:timestamp"),
        ("a: !!set {x}\n", "tag:yaml.org,2002:set"),
        ("a: !local x\n", "!local"),
    ],
)
def test_unsafe_tags_refused(text: str, tag: str) -> None:
    with pytest.raises(ParseError) as info:
        load_text(text, source="lib.yaml")
    assert str(info.value) == f"lib.yaml:1:4: could not determine a constructor for the tag {tag!r}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a: 1\n---\nb: 2\n",
            "f:2:1: but found another document (expected a single document in the stream)",
        ),
        (
            "a:\n\tb: 1\n",
            "f:2:1: found character that cannot start any token (while scanning for the next token)",
        ),
        ("? [a]\n: 1\n", "f:1:3: a mapping key must be text"),
    ],
)
def test_other_yaml_errors(text: str, message: str) -> None:
    with pytest.raises(ParseError) as info:
        load_text(text, source="f")
    assert str(info.value) == message


def test_non_utf8_bytes_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "lib.yaml"
    path.write_bytes(b"mnkbib: 1\nentries:\n  a:\n    title: M\xfcller\n")
    with pytest.raises(ParseError) as info:
        read_text(path)
    assert str(info.value) == f"{path}:4: not UTF-8 text (byte 0xfc)"
    assert info.value.line == 4


# ---------------------------------------------------------------------------
# The emitter


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("Dierkes", "Dierkes"),
        ("8 Reasons Why Mongolia Matters", "8 Reasons Why Mongolia Matters"),
        ("ТҮҮХЭН БОЛОМЖ", "ТҮҮХЭН БОЛОМЖ"),
        ("No", '"No"'),
        ("on", '"on"'),
        ("Y", '"Y"'),
        ("1e5", '"1e5"'),
        ("012", '"012"'),
        ("2018-03-25", '"2018-03-25"'),
        ("2018-03-25 10:00:00", '"2018-03-25 10:00:00"'),
        ("2018-3-5\t1:00:00", '"2018-3-5\\t1:00:00"'),
        (".NaN", '".NaN"'),
        ("~", '"~"'),
        ("", '""'),
        (" x", '" x"'),
        ("a: b", '"a: b"'),
        ("a #b", '"a #b"'),
        ("a#b", "a#b"),
        ("key:", '"key:"'),
        ("- x", '"- x"'),
        ('say "hi"\\', 'say "hi"\\'),
        ('"hi" \\', '"\\"hi\\" \\\\"'),
        ("line\nbreak", '"line\\nbreak"'),
        ("a\u2028b\x85c\ufeff", '"a\\u2028b\\x85c\\uFEFF"'),
        ("\x00\x1b\x7f", '"\\0\\x1B\\x7F"'),
    ],
)
def test_scalar(text: str, out: str) -> None:
    assert scalar(text) == out


def test_flow_context_quotes_flow_indicators() -> None:
    assert scalar("a,b", flow=True) == '"a,b"'
    assert scalar("0?", flow=True) == '"0?"'
    assert scalar("a,b") == "a,b"
    assert not needs_quotes("R&D")


_chars = st.characters(blacklist_categories=("Cs",))
_hazards = st.sampled_from(
    [
        "\u2028",
        "\u2029",
        "\x85",
        "\ufeff",
        " ",
        ": ",
        " #",
        "#",
        "'",
        '"',
        "\n",
        "\r",
        "\r\n",
        "\t",
        "-",
        "?",
        "|",
        ">",
        "!",
        "&",
        "*",
        "%",
        "@",
        "`",
        "{",
        "}",
        "[",
        "]",
        ",",
        "\\",
        "\x00",
        "\x1b",
        "\x7f",
        "yes",
        "No",
        "1e5",
        "0x1",
        "2018-03-25",
        " 10:00:00",
        ".inf",
        "~",
        "null",
        "=",
        "<<",
        "...",
        "---",
    ]
)
texts = st.one_of(
    st.text(_chars),
    st.lists(st.one_of(_hazards, st.text(_chars, max_size=3)), max_size=8).map("".join),
)


def _both_loaders(document: str) -> tuple[object, object]:
    return load_text(document, source="t"), yaml.safe_load(document)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_scalar_reads_back_the_same_in_both_loaders(text: str) -> None:
    out = scalar(text)
    assert "\n" not in out
    ours, pyyaml = _both_loaders("v: " + out + "\n")
    assert ours == {"v": text}
    assert pyyaml == {"v": text} and type(pyyaml["v"]) is str
    flow = "v: [" + scalar(text, flow=True) + "]\n"
    ours, pyyaml = _both_loaders(flow)
    assert ours == pyyaml == {"v": [text]}


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(texts, texts, st.lists(texts, max_size=3))
def test_emit_entry_reads_back_the_same_in_both_loaders(
    title: str, other: str, tags: list[str]
) -> None:
    fields = {
        "type": "book",
        "title": title,
        "abstract": title + "\n" + other + "\n",
        "author": [{"family": other, "given": title}],
        "tags": tags,
        "custom": [other, {"a": title, "b": [other]}, [title]],
        "nested": {"k": other, title or "x": {}},
    }
    document = emit_entry("key2018", fields)
    ours, pyyaml = _both_loaders(document)
    assert ours == {"key2018": fields}
    assert pyyaml == {"key2018": fields}


def test_emit_entry_layout() -> None:
    text = emit_entry(
        "dierkes2018reasons",
        {
            "type": "article-magazine",
            "title": "No",
            "author": [{"family": "Dierkes", "given": "Julian"}],
            "date": "2018-03-25",
            "tags": ["mongolia", "a, b"],
            "abstract": "First line.\nSecond: line.",
            "empty": [],
            "map": {},
        },
    )
    assert text == (
        "  dierkes2018reasons:\n"
        "    type: article-magazine\n"
        '    title: "No"\n'
        "    author:\n"
        "      - {family: Dierkes, given: Julian}\n"
        '    date: "2018-03-25"\n'
        '    tags: [mongolia, "a, b"]\n'
        "    abstract: |-\n"
        "      First line.\n"
        "      Second: line.\n"
        "    empty: []\n"
        "    map: {}\n"
    )
