"""Hypothesis strategies: entries with tricky names, titles and dates."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from mnkbib.model import Entry, PartialDate, Person, order_fields
from mnkbib.types import ENTRY_TYPES

_WORDS = st.sampled_from(
    ["Mongolia", "the", "UN", "iPod", "No", "On", "ТҮҮХЭН", "Жизнь", "Müller", "Straße",
     "naïve", "Vũ", "50%", "a&b", "$5", "#1", "x_y", "{x}", "a}b", "c{d", "~", "x^2", "\\", '"q"',
     "'s", "--", "``", "''", "}@misc{evil,", "Ngọc", "año", "Łódź", "and", "œuvre", "ǘ"]
)  # fmt: skip
_NAME = st.sampled_from(
    ["Dierkes", "Müller", "Berg", "No", "On", "MENDEE", "Vũ Ngọc", "Beethoven", "O'Neil",
     "Jargalsaikhan", "Tae-woo", "Łukasz", "Ñúñez", "Ильин", "Smith"]
)  # fmt: skip
_GIVEN = st.sampled_from(["Jan", "Julian", "Hans", "J. A.", "Tae-woo", "Ёлкин", "Marie-Claire", ""])


def titles() -> st.SearchStrategy[str]:
    return st.lists(_WORDS, min_size=1, max_size=6).map(" ".join)


@st.composite
def people(draw: st.DrawFn, *, literals: bool = True) -> Person:
    kind = draw(
        st.sampled_from(
            ["plain", "particle", "dropping", "suffix", "family-first", "literal", "given-only"]
        )
    )
    family = draw(_NAME)
    given = draw(_GIVEN)
    if kind == "literal" and literals:
        return Person(
            literal=draw(
                st.sampled_from(
                    ["World Bank", "Bank of Mongolia", "UN Women", "Ministry of Finance"]
                )
            )
        )
    if kind == "given-only":
        return Person(given=draw(st.sampled_from(["Plato", "Aristotle"])))
    if kind == "particle":
        return Person(
            family=family,
            given=given,
            particle=draw(st.sampled_from(["van der", "de", "von", "de la"])),
        )
    if kind == "dropping":
        return Person(family=family, given=given, dropping_particle="von")
    if kind == "suffix":
        return Person(
            family=family, given=given or "Hans", suffix=draw(st.sampled_from(["Jr.", "III"]))
        )
    if kind == "family-first":
        return Person(
            family=draw(st.sampled_from(["MENDEE", "KIM", "No", "Ильин"])),
            given=given or "Tae-woo",
            family_first=True,
        )
    return Person(family=family, given=given)


dates = st.builds(
    PartialDate,
    st.integers(1000, 2100),
    st.one_of(st.none(), st.integers(1, 12)),
).flatmap(
    lambda d: (
        st.just(d)
        if d.month is None
        else st.one_of(
            st.just(d),
            st.builds(PartialDate, st.just(d.year), st.just(d.month), st.integers(1, 28)),
        )
    )
)


@st.composite
def entries(draw: st.DrawFn, *, ris: bool = False) -> Entry:
    etype = draw(st.sampled_from(sorted(ENTRY_TYPES)))
    fields: dict[str, Any] = {"title": draw(titles())}
    roles = (
        ["author", "editor"] if ris else ["author", "editor", "translator", "director", "recipient"]
    )
    for role in draw(st.lists(st.sampled_from(roles), unique=True, max_size=3)):
        fields[role] = draw(st.lists(people(), min_size=1, max_size=3))
    if draw(st.booleans()):
        fields["date"] = draw(dates)
    text_fields = ["container", "volume", "issue", "pages", "publisher", "place", "note", "edition"]
    if not ris:
        text_fields += ["subtitle", "collection", "collection-number", "number", "genre",
                        "translated-title", "title-translit", "original-title", "event"]  # fmt: skip
    for name in draw(st.lists(st.sampled_from(text_fields), unique=True, max_size=5)):
        fields[name] = draw(titles())
    if draw(st.booleans()):
        fields["language"] = draw(st.sampled_from(["en", "de", "mn", "ru", "mn-Cyrl", "en-GB"]))
    if draw(st.booleans()):
        fields["doi"] = draw(
            st.sampled_from(["10.1234/a_b%c", "10.1175/1520-0493(1987)115<1606:GARSPP>2.0.CO;2"])
        )
    if draw(st.booleans()):
        fields["url"] = draw(
            st.sampled_from(["https://x.org/a_b%20c?d=1&e=2#f", "http://mongoliafocus.com/~x"])
        )
    if draw(st.booleans()):
        fields["tags"] = draw(
            st.lists(st.sampled_from(["mongolia", "No", "politics", "Ёс"]), unique=True, min_size=1)
        )
    if not ris and draw(st.booleans()):
        fields["accessed"] = draw(dates)
    if not ris and draw(st.booleans()):
        fields["versions"] = [
            {"relation": "translation", "language": "mn", "title": draw(titles())}
        ]
    if not ris and draw(st.booleans()):
        fields["groups"] = draw(titles())
    key = draw(st.sampled_from(["dierkes2018reasons", "No1988", "a:b-c_d", "x.y"]))
    return Entry(key, etype, order_fields(fields))
