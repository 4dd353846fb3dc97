"""Citation keys (``dierkes2018reasons``) and labels (``Dierkes & MENDEE 2018, The Diplomat``)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mnkbib.keys import generate_key, is_valid_key, key_stem, label, unique_key
from mnkbib.library import Library
from mnkbib.model import Entry, PartialDate
from mnkbib.names import parse_names


def entry(title: str, authors: str | None = None, date: str | None = None, **extra: Any) -> Entry:
    fields: dict[str, Any] = {"title": title}
    if authors:
        fields["author"] = parse_names(authors)
    if date:
        fields["date"] = PartialDate.parse(date)
    fields.update(extra)
    return Entry("", "article-magazine", fields)


@pytest.mark.parametrize(
    ("e", "stem"),
    [
        (
            entry(
                "8 Reasons Why Mongolia Matters",
                "Dierkes, Julian and MENDEE Jargalsaikhan",
                "2018-03-25",
            ),
            "dierkes2018reasons",
        ),
        (entry("ТҮҮХЭН БОЛОМЖИЙГ АШИГЛАХ нь", "Батбаяр, Б.", "2020"), "batbayar2020tuukhen"),
        (entry("Die Mongolei und die Welt", "Müller, Hans", "2019"), "muller2019mongolei"),
        (entry("Über die Steppe", "Müller, Hans", "2019"), "muller2019steppe"),
        (entry("Für eine neue Politik", "Müller, Hans", "2019"), "muller2019neue"),
        (entry("L'État et la steppe", "de Gaulle, Charles", "1960"), "gaulle1960etat"),
        (entry("И в мире", "Ким, Ю.", "2001"), "kim2001mire"),
        (entry("The Title", None, "2019"), "anon2019title"),
        (entry("The Title", "Dierkes, Julian"), "dierkesndtitle"),
        (
            entry("Report", "{Internationale Politik und Gesellschaft}", "2019"),
            "internationale2019report",
        ),
        (entry("Report", "毛泽东", "1949"), "mao1949report"),
        (entry("Report", "van der Berg, Jan", "1949"), "berg1949report"),
        (entry("2018 in 12 Charts", "Dierkes, Julian", "2019"), "dierkes2019charts"),
        (entry("The Of And", "Dierkes, Julian", "2019"), "dierkes2019the"),
        (entry("2018", "Dierkes, Julian", "2019"), "dierkes2019"),
        (entry("Report", "{!!!}", "2000"), "anon2000report"),
    ],
)
def test_key_stem(e: Entry, stem: str) -> None:
    assert key_stem(e) == stem


def test_editors_when_no_authors() -> None:
    e = Entry(
        "",
        "edited-book",
        {
            "title": "Mongolia Today",
            "editor": parse_names("Bulag, Uradyn"),
            "date": PartialDate(2010),
        },
    )
    assert key_stem(e) == "bulag2010mongolia"


def test_unique_suffixes() -> None:
    assert unique_key("x2018a", set()) == "x2018a"
    assert unique_key("x", {"x"}) == "xa"
    assert unique_key("x", {"x", "xa"}) == "xb"
    taken = {"x"} | {"x" + chr(c) for c in range(ord("a"), ord("z") + 1)}
    assert unique_key("x", taken - {"xz"}) == "xz"
    assert unique_key("x", taken) == "xaa"
    assert unique_key("x", taken | {"xaa"}) == "xab"
    assert (
        unique_key("x", taken | {"x" + "a" + chr(c) for c in range(ord("a"), ord("z") + 1)})
        == "xba"
    )


def test_generated_keys_in_a_library() -> None:
    lib = Library()
    e = entry("8 Reasons Why Mongolia Matters", "Dierkes, Julian", "2018")
    keys = [lib.add(e, key="").key for _ in range(28)]
    assert keys[:3] == ["dierkes2018reasons", "dierkes2018reasonsa", "dierkes2018reasonsb"]
    assert keys[26:] == ["dierkes2018reasonsz", "dierkes2018reasonsaa"]
    assert generate_key(e, lib.keys()) == "dierkes2018reasonsab"


@pytest.mark.parametrize(
    ("key", "ok"),
    [
        ("dierkes2018reasons", True),
        ("a:b", True),
        ("müller2019", True),
        ("a b", False),
        ("a,b", False),
        ("{a}", False),
        ('a"b', False),
        ("a'b", False),
        ("a#b", False),
        ("a%b", False),
        ("a~b", False),
        ("a\\b", False),
        ("a=b", False),
        ("", False),
        ("a\x01", False),
        ("a\x85", False),
        ("a\ufeff", False),
        ("a" * 200, True),
        ("a" * 201, False),
    ],
)
def test_is_valid_key(key: str, ok: bool) -> None:
    assert is_valid_key(key) is ok


@pytest.mark.parametrize(
    ("e", "text"),
    [
        (
            entry(
                "8 Reasons Why Mongolia Matters",
                "Dierkes, Julian",
                "2018",
                container="The Diplomat",
            ),
            "Dierkes 2018, The Diplomat",
        ),
        (
            entry(
                "8 Reasons Why Mongolia Matters",
                "Dierkes, Julian and MENDEE Jargalsaikhan",
                "2018-03-25",
                container="The Diplomat",
            ),
            "Dierkes & MENDEE 2018, The Diplomat",
        ),
        (
            entry(
                "8 Reasons",
                "Dierkes, Julian and MENDEE Jargalsaikhan and Jan van der Berg",
                "2018",
                container="The Diplomat",
            ),
            "Dierkes et al. 2018, The Diplomat",
        ),
        (
            entry("8 Reasons", "Jan van der Berg", None, container="The Diplomat"),
            "van der Berg n.d., The Diplomat",
        ),
        (entry("8 Reasons", None, None), "Anon. n.d., 8 Reasons"),
        (entry("Report", "{IPG}", "2019", publisher="FES"), "IPG 2019, FES"),
        (
            entry("A Title", "Dierkes, J.", "2019", **{"title-short": "Short"}),
            "Dierkes 2019, Short",
        ),
        (
            entry(
                "A very long title that goes on and on and on beyond forty characters",
                "Dierkes, J.",
                "2019",
            ),
            "Dierkes 2019, A very long title that goes on and on…",
        ),
    ],
)
def test_label(e: Entry, text: str) -> None:
    assert label(e) == text


@settings(max_examples=500)
@given(st.text())
def test_fold_is_anyascii_lowercased(text: str) -> None:
    from anyascii import anyascii

    from mnkbib.textfold import fold

    assert fold(text) == anyascii(text).lower()
