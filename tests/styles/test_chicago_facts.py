"""What a cache of reference lists relies on in the styles: the disambiguation run on
stand-ins that know each entry by its :func:`citation_facts` (computed from the entry alone)
sets what :func:`disambiguate` sets, and a reference-list entry depends on the
disambiguation fields only through the year's letter."""

from __future__ import annotations

import pickle
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from fastpath_settings import FAST
from mnkbib.styles import get_style, render
from mnkbib.styles.chicago_disambig import Standin, citation_facts, disambiguate, disambiguate_facts
from mnkbib.styles.chicago_entry import Entry
from mnkbib.styles.chicago_sort import author_date_key

PERSON = st.sampled_from(
    [
        {"family": "Adams", "given": "John"},
        {"family": "Adams", "given": "Jane"},  # the same initials as John: full names
        {"family": "Adams", "given": " Jane "},  # the same person, written otherwise
        {"family": "Adams", "given": "Zoe"},
        {"family": "Adams", "given": "Jean-Paul"},
        {"family": "Adams"},
        {"family": "O'Brien", "given": "Ann"},
        {"family": "O’Brien", "given": "Ann"},
        {"family": '"Q" Smith', "given": "B"},
        {"family": "<i>It</i>", "given": "C"},
        {"family": "Gogh", "given": "V", "non-dropping-particle": "van"},
        {"family": "MENDEE", "given": "J", "static-ordering": True},
        {"family": "MENDEE", "given": "Jargal", "static-ordering": True},
        {"literal": "World Bank"},
        {"family": "Иванов", "given": "Сергей"},
        {"family": "Иванов", "given": "Степан"},
    ]
)
ITEM = st.fixed_dictionaries(
    {
        "type": st.sampled_from(
            ["book", "broadcast", "webpage", "article-journal", "chapter", "interview"]
        ),
        "title": st.sampled_from(["War", "Peace", 'Why "now"?', "", "The War"]),
        "issued": st.sampled_from([{"date-parts": [[2018]]}, {"date-parts": [[2019]]}, {}]),
    },
    optional={
        "author": st.lists(PERSON, max_size=5),
        "editor": st.lists(PERSON, max_size=2),
        "director": st.lists(PERSON, max_size=2),
        "publisher": st.sampled_from(["Brill", [{"family": "Press", "given": "P"}]]),
        "container-title": st.just("Inner Asia"),
        "URL": st.just("https://example.org/a"),
    },
)
# ids are citation keys: unique in a library
ITEMS = st.lists(ITEM, max_size=14).map(
    lambda items: [{**item, "id": f"k{n}"} for n, item in enumerate(items)]
)


def state(entry: Any) -> tuple[Any, ...]:
    return entry.id, entry.year_suffix, entry.givens, entry.names_shown


@FAST
@given(ITEMS)
def test_stand_ins_are_disambiguated_as_the_entries(items: list[dict[str, Any]]) -> None:
    entries = sorted([Entry(item) for item in items], key=author_date_key)
    disambiguate(entries)
    loaded: list[str] = []
    by_id = {item["id"]: item for item in items}

    def load(key: str) -> Entry:
        loaded.append(key)
        return Entry(by_id[key])

    # facts made of entries of their own, through a pickle, as a cache keeps them
    standins = [
        Standin(e.id, pickle.loads(pickle.dumps(citation_facts(Entry(e.raw)))), load)
        for e in entries
    ]
    disambiguate_facts(standins)
    assert [state(s) for s in standins] == [state(e) for e in entries]
    assert len(loaded) == len(set(loaded))  # each entry made at most once
    for s, e in zip(standins, entries, strict=True):  # and its fields what the entry got
        assert state(s.entry()) == state(e)


def test_stand_ins_answer_the_usual_cases_from_their_facts() -> None:
    items = [
        {"id": "a", "type": "book", "author": [{"family": "Adams", "given": "John"}]},
        {"id": "b", "type": "book", "author": [{"family": "Adams", "given": "Zoe"}]},
        {"id": "c", "type": "book", "author": [{"family": "Brown", "given": "Ann"}]},
        {"id": "d", "type": "book", "author": [{"family": "Adams", "given": "Jane"}]},
    ]
    for item in items:
        item["issued"] = {"date-parts": [[2018]]}
    entries = sorted([Entry(item) for item in items], key=author_date_key)

    def unexpected(key: str) -> Entry:
        raise AssertionError(f"entry {key} was made")

    standins = [Standin(e.id, citation_facts(Entry(e.raw)), unexpected) for e in entries]
    disambiguate_facts(standins)
    assert [(s.id, s.givens) for s in standins] == [
        ("d", {0: "Jane"}),
        ("a", {0: "John"}),
        ("b", {0: "Z."}),
        ("c", {}),
    ]


def test_citation_facts_leave_the_entry_as_it_was() -> None:
    entry = Entry({"id": "a", "type": "book", "author": [{"family": "Adams", "given": "J"}]})
    entry.givens, entry.names_shown = {0: "X."}, 2
    citation_facts(entry)
    assert (entry.givens, entry.names_shown) == ({0: "X."}, 2)


@FAST
@given(
    ITEM,
    st.dictionaries(st.just(0), st.sampled_from(["J.", "Jane", "Z. Q."]), max_size=1),
    st.integers(0, 4),
    st.sampled_from(["", "a", "b", "aa"]),
)
def test_an_entry_depends_on_disambiguation_only_through_its_letter(
    item: dict[str, Any], givens: dict[int, str], shown: int, letter: str
) -> None:
    item = {**item, "id": "k"}
    for name in ("author-date", "notes-bibliography", "shortened-notes"):
        style: Any = get_style(name)
        plain = Entry(item, year_suffix=letter)
        disambiguated = Entry(item, year_suffix=letter, givens=givens, names_shown=shown)
        for to in ("text", "markdown", "html"):
            assert render(style.render_entry(disambiguated), to) == render(
                style.render_entry(plain), to
            )
