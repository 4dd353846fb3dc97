"""The data model (people, dates, entries, raw conversion) and the in-memory library."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mnkbib.errors import ConflictError, NotFoundError, UsageError, ValidationError
from mnkbib.library import Library
from mnkbib.model import (
    Entry,
    PartialDate,
    Person,
    entry_from_raw,
    entry_to_raw,
    missing_fields,
    order_fields,
    person_from_raw,
    value_from_raw,
)

# ---------------------------------------------------------------------------
# Dates


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2018", PartialDate(2018)),
        ("2018-03", PartialDate(2018, 3)),
        ("2018-03-25", PartialDate(2018, 3, 25)),
        (" 2018-03-25 ", PartialDate(2018, 3, 25)),
        ("0005", PartialDate(5)),
        ("-44-03-15", PartialDate(-44, 3, 15)),
        ("2000-02-29", PartialDate(2000, 2, 29)),
    ],
)
def test_partial_date_parse(text: str, date: PartialDate) -> None:
    assert PartialDate.parse(text) == date


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2018-13", "month 13 is not 1-12"),
        ("2018-00", "month 0 is not 1-12"),
        ("2019-02-29", "day 29 does not exist in 2019-02"),
        ("2018-04-31", "day 31 does not exist in 2018-04"),
        ("2018-3", "'2018-3' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        ("March 2018", "'March 2018' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        ("20180", "'20180' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        ("", "'' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    ],
)
def test_partial_date_errors(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        PartialDate.parse(text)
    assert str(info.value) == message


def test_partial_date_construction_rules() -> None:
    with pytest.raises(ValidationError, match=r"^a date with a day needs a month$"):
        PartialDate(2018, None, 3)
    with pytest.raises(ValidationError, match=r"^year 10000 is not -9999-9999$"):
        PartialDate(10000)  # would be written as a date that cannot be read back
    assert str(PartialDate(5)) == "0005"
    assert str(PartialDate(-44, 3, 15)) == "-44-03-15"
    assert PartialDate(2018) < PartialDate(2018, 1) < PartialDate(2018, 1, 2) < PartialDate(2019)


@given(st.integers(-9999, 9999), st.one_of(st.none(), st.integers(1, 12)), st.integers(1, 28))
def test_partial_date_text_round_trip(year: int, month: int | None, day: int) -> None:
    for d in (PartialDate(year, month), PartialDate(year, month, day if month else None)):
        assert PartialDate.parse(str(d)) == d


# ---------------------------------------------------------------------------
# People


def test_person_needs_a_name() -> None:
    with pytest.raises(
        ValidationError, match=r"^a name needs a family name, a given name or a literal$"
    ):
        Person(particle="van")


def test_person_to_raw_and_back() -> None:
    p = Person(family="MENDEE", given="Jargalsaikhan", family_first=True)
    assert p.to_raw() == {"family": "MENDEE", "given": "Jargalsaikhan", "family-first": True}
    assert person_from_raw(p.to_raw(), "author") == p
    q = Person(family="Beethoven", given="Ludwig", dropping_particle="van", suffix="II")
    assert q.to_raw() == {
        "family": "Beethoven",
        "given": "Ludwig",
        "dropping-particle": "van",
        "suffix": "II",
    }
    assert person_from_raw(q.to_raw(), "author") == q
    assert q.display() == "Ludwig van Beethoven, II"
    assert q.sort_form() == "Beethoven, II, Ludwig van"
    assert q.last == "Beethoven"


@pytest.mark.parametrize(
    ("raw", "person"),
    [
        ({"family": " No ", "given": "Tae-woo"}, Person(family="No", given="Tae-woo")),
        ({"family": "KIM", "family-first": "true"}, Person(family="KIM", family_first=True)),
        ({"family": "KIM", "family-first": "False"}, Person(family="KIM")),
        ({"literal": "IPG"}, Person(literal="IPG")),
        ("Dierkes, Julian", Person(family="Dierkes", given="Julian")),
    ],
)
def test_person_from_raw(raw: Any, person: Person) -> None:
    assert person_from_raw(raw, "author") == person


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"family": "X", "nick": "Y"}, "author: unknown name part 'nick'"),
        ({"family": "X", "family-first": "yes"}, "author: family-first must be true or false"),
        ({"family": ["X"]}, "author.family: expected text, got a list"),
        ({"family": " "}, "author: a name needs a family name, a given name or a literal"),
        (None, "author: expected a name, got nothing"),
        (True, "author: expected a name, got a boolean (True)"),
        (["x"], "author: expected a name, got a list"),
    ],
)
def test_person_from_raw_errors(raw: Any, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        person_from_raw(raw, "author")
    assert str(info.value) == message


# ---------------------------------------------------------------------------
# Fields and entries


def test_value_from_raw() -> None:
    assert value_from_raw("title", "  On  ", "k") == "On"
    assert value_from_raw("date", "2018-03", "k") == PartialDate(2018, 3)
    assert value_from_raw("author", "Dierkes, Julian and 毛泽东", "k") == [
        Person(family="Dierkes", given="Julian"),
        Person(family="毛", given="泽东", family_first=True),
    ]
    assert value_from_raw("author", ["Dierkes, Julian and Mao"], "k") == [
        Person(family="Dierkes", given="Julian and Mao")  # in a list, one item is one name
    ]
    assert value_from_raw("tags", ["a", " ", " b "], "k") == ["a", "b"]
    assert value_from_raw("tags", "solo", "k") == ["solo"]
    assert value_from_raw("versions", [{"language": "mn", "title": "Т"}], "k") == [
        {"language": "mn", "title": "Т"}
    ]
    assert value_from_raw("custom", {"a": [None]}, "k") == {"a": [None]}


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("title", " ", "k: field 'title': the title is empty"),
        ("title", True, "k: field 'title': expected text, got a boolean (True)"),
        ("title", ["x"], "k: field 'title': expected text, got a list"),
        ("date", "2018-13", "k: field 'date': month 13 is not 1-12"),
        (
            "language",
            "english language",
            "k: field 'language': 'english language' is not a BCP 47 language tag (en, de, mn)",
        ),
        ("doi", "doi:10.1/x", "k: field 'doi': 'doi:10.1/x' is not a DOI (10.xxxx/…)"),
        ("versions", "x", "k: field 'versions': expected a list of versions"),
        ("versions", ["x"], "k: field 'versions'[0]: expected a mapping (language, title, url)"),
        ("versions", [{"lang": "mn"}], "k: field 'versions'[0]: unknown key 'lang'"),
        ("tags", [{"a": 1}], "k: field 'tags': expected text, got a mapping"),
    ],
)
def test_value_from_raw_errors(name: str, value: Any, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        value_from_raw(name, value, "k")
    assert str(info.value) == message


def test_entry_from_raw_orders_fields_and_drops_empty_known_fields() -> None:
    raw = {
        "zeta": "1",
        "title": "T",
        "type": "Journal Article",
        "note": None,
        "tags": [],
        "author": "A B",
        "alpha": None,
    }
    e = entry_from_raw("k", raw)
    assert e.type == "article-journal"
    assert list(e.fields) == ["title", "author", "zeta", "alpha"]
    assert entry_to_raw(e) == {
        "type": "article-journal",
        "title": "T",
        "author": [{"family": "B", "given": "A"}],
        "zeta": "1",
        "alpha": None,
    }


@pytest.mark.parametrize(
    ("raw", "message", "field"),
    [
        ({"title": "T"}, "k: missing field 'type'", None),
        (
            {"type": "novel"},
            "k: field 'type': unknown entry type 'novel' (see `mnkbib types`)",
            "type",
        ),
        ({"type": ["book"]}, "k: field 'type': expected text, got a list", "type"),
        (
            {"type": "book", "date": "x"},
            "k: field 'date': 'x' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
            "date",
        ),
        ("book", "k: an entry must be a mapping of fields, got 'book'", None),
    ],
)
def test_entry_from_raw_errors(raw: Any, message: str, field: str | None) -> None:
    with pytest.raises(ValidationError) as info:
        entry_from_raw("k", raw)
    assert str(info.value) == message
    assert info.value.field == field


def test_with_fields_and_order() -> None:
    e = Entry("k", "book", {"title": "T", "x": "1"})
    f = e.with_fields(date=PartialDate(2018), title=None, tags=[], note="")
    assert f.fields == {"date": PartialDate(2018), "x": "1"}
    assert list(e.with_fields(abstract="A", author=[Person(family="F")]).fields) == [
        "title",
        "author",
        "abstract",
        "x",
    ]
    assert e.fields == {"title": "T", "x": "1"}  # unchanged
    assert list(order_fields({"b": 1, "tags": [], "a": 2, "title": "t"})) == [
        "title",
        "tags",
        "b",
        "a",
    ]


def test_entry_accessors_and_missing_fields() -> None:
    e = Entry("k", "edited-book", {"title": "T", "editor": [Person(family="E")]})
    assert e.creators() == [Person(family="E")] and e.names() == [] and e.year is None
    assert missing_fields(e) == ["date"]
    assert missing_fields(Entry("k", "article-journal", {})) == [
        "title",
        "author",
        "container",
        "date",
    ]


# ---------------------------------------------------------------------------
# The in-memory library's change tracking


def _lib() -> Library:
    return Library({k: Entry(k, "book", {"title": k.upper()}) for k in ("a", "b", "c")})


def test_library_add_remove_rename_track_changes() -> None:
    lib = _lib()
    lib.add(Entry("d", "book", {"title": "D"}))
    lib.rename("d", "e")
    lib.rename("a", "a2")
    lib.replace(lib.get("a2").with_fields(title="A2"))
    lib.remove("b")
    lib.rename("c", "b")  # a removed key may be reused
    assert lib.keys() == ["a2", "b", "e"]
    ch = lib.changes
    assert set(ch.added) == {"e"} and ch.added["e"].key == "e"
    assert ch.replaced == {
        "a": Entry("a2", "book", {"title": "A2"}),
        "c": Entry("b", "book", {"title": "C"}),
    }
    assert ch.removed == {"b"}


def test_library_remove_of_added_and_renamed() -> None:
    lib = _lib()
    lib.add(Entry("d", "book", {"title": "D"}))
    lib.remove("d")
    lib.rename("a", "z")
    lib.remove("z")
    assert not lib.changes.added and not lib.changes.replaced
    assert lib.changes.removed == {"a"}
    lib2 = _lib()
    lib2.replace(lib2.get("a"))
    assert not lib2.changes


def test_library_errors() -> None:
    lib = _lib()
    with pytest.raises(NotFoundError, match=r"^no entry with key 'bb' \(did you mean b\?\)$"):
        lib.get("bb")
    with pytest.raises(ConflictError, match=r"^an entry with key 'a' exists already$"):
        lib.add(Entry("a", "book", {"title": "x"}))
    with pytest.raises(ConflictError):
        lib.rename("a", "b")
    with pytest.raises(UsageError, match=r"invalid citation key 'a b'"):
        lib.add(Entry("a b", "book", {"title": "x"}))
    with pytest.raises(UsageError):
        lib.rename("a", "x,y")
    assert lib.add(Entry("", "book", {"title": "The Steppe"})).key == "anonndsteppe"


def test_partial_dates_sort_with_missing_parts() -> None:
    dates = [PartialDate(2018, 1, 2), PartialDate(2019), PartialDate(2018), PartialDate(2018, 1)]
    assert sorted(dates) == [
        PartialDate(2018),
        PartialDate(2018, 1),
        PartialDate(2018, 1, 2),
        PartialDate(2019),
    ]
    assert PartialDate(2018) <= PartialDate(2018) and PartialDate(2019) >= PartialDate(2018, 12, 31)
    assert PartialDate(2018, 12) > PartialDate(2018)
