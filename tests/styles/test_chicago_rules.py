"""Chicago rules checked directly: disambiguation, et al., sorting, names, titles, the registry."""

from __future__ import annotations

from typing import Any

import pytest

from mnkbib.errors import UsageError
from mnkbib.styles import STYLES, Cite, get_style, render
from mnkbib.styles.chicago_names import initials
from mnkbib.styles.chicago_text import page_range, parse, title_case


def d(*parts: int) -> dict[str, Any]:
    return {"date-parts": [list(parts)]}


JD = {"family": "Dierkes", "given": "Julian"}
MJ = {"family": "MENDEE", "given": "Jargalsaikhan", "static-ordering": True}
CN = {"family": "Chimguundari", "given": "N.", "static-ordering": True}


def post(key: str, title: str, authors: list[dict[str, Any]], *date: int) -> dict[str, Any]:
    return {
        "id": key,
        "type": "post-weblog",
        "title": title,
        "container-title": "Mongolia Focus",
        "author": authors,
        "issued": d(*date),
    }


SAMPLE = [
    post("b", "Will Mongolia host a summit?", [JD, MJ], 2018, 4, 28),
    post("a", "Mongolia's quiet role", [JD, MJ], 2018, 6, 12),
    post("c", "Mongolia and Canada", [JD, CN], 2017, 11, 7),
    post("e", "The new president", [JD], 2018, 1, 15),
    post("d", "Elections without parties?", [JD], 2018, 9, 3),
]


def text(rich: Any) -> str:
    return render(rich, "text")


def cite(style: str, items: list[dict[str, Any]], *keys: str, **kw: Any) -> str:
    cites = [Cite(k) for k in keys]
    return text(get_style(style).citation(items, cites, **kw))


def bib(style: str, items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(key, text(rich)) for key, rich in get_style(style).bibliography(items)]


def test_registry_and_unknown_style() -> None:
    assert set(STYLES) == {"author-date", "notes-bibliography", "shortened-notes"}
    with pytest.raises(UsageError, match="author-date, notes-bibliography, shortened-notes"):
        get_style("chicago-17")


def test_family_first_names_in_list_and_text() -> None:
    entries = dict(bib("author-date", SAMPLE))
    assert entries["a"].startswith("Dierkes, Julian, and MENDEE Jargalsaikhan. 2018a.")
    assert entries["c"].startswith("Dierkes, Julian, and Chimguundari N. 2017.")
    assert cite("author-date", SAMPLE, "a") == "(Dierkes and MENDEE 2018a)"
    assert cite("author-date", SAMPLE, "c") == "(Dierkes and Chimguundari 2017)"
    note = get_style("notes-bibliography").note(SAMPLE, Cite("a"), kind="full")
    assert text(note).startswith(
        "Julian Dierkes and MENDEE Jargalsaikhan, “Mongolia’s Quiet Role,”"
    )
    alone = [post("m", "Defense diplomacy", [MJ], 2019, 3, 1)]
    assert bib("author-date", alone)[0][1].startswith("MENDEE Jargalsaikhan. 2019.")


def test_year_letters_follow_title_order_and_agree_with_citations() -> None:
    entries = bib("author-date", SAMPLE)
    assert [key for key, _ in entries] == ["d", "e", "c", "a", "b"]
    assert entries[0][1].startswith("Dierkes, Julian. 2018a. “Elections Without Parties?”")
    assert entries[1][1].startswith("Dierkes, Julian. 2018b. “The New President.”")
    assert cite("author-date", SAMPLE, "a", "b") == "(Dierkes and MENDEE 2018a, 2018b)"
    both = [Cite("a", "12"), Cite("e")]
    assert text(get_style("author-date").citation(SAMPLE, both)) == (
        "(Dierkes and MENDEE 2018a, 12; Dierkes 2018b)"
    )
    assert cite("author-date", SAMPLE, "b", narrative=True) == "Dierkes and MENDEE (2018b)"


def test_articles_are_ignored_in_alphabetizing() -> None:
    items = [
        {"id": "z", "type": "book", "title": "The zebra", "issued": d(2000)},
        {"id": "m", "type": "book", "title": "Middle", "issued": d(2000)},
        {"id": "a", "type": "book", "title": "An apple", "issued": d(2000)},
        {"id": "x", "type": "book", "title": "Die Xylophone", "issued": d(2000), "language": "de"},
    ]
    # only English articles are dropped: the German "Die" counts
    assert [k for k, _ in bib("author-date", items)] == ["a", "x", "m", "z"]
    assert [k for k, _ in bib("notes-bibliography", items)] == ["a", "x", "m", "z"]


def _article(key: str, n: int, *, first: str = "Lee") -> dict[str, Any]:
    names = [{"family": first, "given": "A."}] + [
        {"family": f"Author{key}{i}", "given": "B."} for i in range(1, n)
    ]
    return {
        "id": key,
        "type": "article-journal",
        "title": f"Paper {key}",
        "author": names,
        "container-title": "Cell",
        "volume": "1",
        "issued": d(2020),
    }


def test_et_al_thresholds() -> None:
    seven = _article("s", 7)
    entry = bib("author-date", [seven])[0][1]
    assert entry.startswith("Lee, A., B. Authors1, B. Authors2, et al. 2020.")
    six = _article("x", 6)
    assert bib("author-date", [six])[0][1].startswith(
        "Lee, A., B. Authorx1, B. Authorx2, B. Authorx3, B. Authorx4, and B. Authorx5. 2020."
    )
    assert cite("author-date", [seven], "s") == "(Lee et al. 2020)"
    assert cite("author-date", [_article("t", 3)], "t") == "(Lee et al. 2020)"
    assert cite("author-date", [_article("u", 2)], "u") == "(Lee and Authoru1 2020)"
    note = text(get_style("notes-bibliography").note([_article("t", 3)], Cite("t"), kind="full"))
    assert note.startswith("A. Lee et al., “Paper t,”")


def test_et_al_ambiguity_adds_names_before_letters() -> None:
    items = [_article("p", 3), _article("q", 3)]
    assert cite("author-date", items, "p") == "(Lee, Authorp1, et al. 2020)"
    assert cite("author-date", items, "q") == "(Lee, Authorq1, et al. 2020)"


def test_same_family_name_gets_initials() -> None:
    items = [
        {
            "id": "j",
            "type": "book",
            "title": "One",
            "author": [{"family": "Adams", "given": "John"}],
            "issued": d(2003),
        },
        {
            "id": "z",
            "type": "book",
            "title": "Two",
            "author": [{"family": "Adams", "given": "Zoe"}],
            "issued": d(1999),
        },
    ]
    assert cite("author-date", items, "j", "z") == "(J. Adams 2003; Z. Adams 1999)"


def test_no_date_and_access_date() -> None:
    items = [
        {
            "id": "w",
            "type": "webpage",
            "title": "Country profile",
            "container-title": "World Bank",
            "URL": "https://example.org/mn",
            "accessed": d(2020, 5, 5),
        }
    ]
    assert bib("author-date", items)[0][1] == (
        "World Bank. n.d. “Country Profile.” Accessed May 5, 2020. https://example.org/mn."
    )
    assert cite("author-date", items, "w") == "(World Bank, n.d.)"


def test_title_case_only_for_english() -> None:
    assert text(title_case(parse("the politics of mining: a new approach"))) == (
        "The Politics of Mining: A New Approach"
    )
    german = {
        "id": "g",
        "type": "book",
        "title": "Trump, Kim … und die Mongolei?",
        "language": "de",
        "issued": d(2018),
    }
    mongolian = {
        "id": "m",
        "type": "webpage",
        "title": "ТҮҮХЭН БОЛОМЖИЙГ БҮҮ АЛДААСАЙ",
        "language": "mn",
        "issued": d(2018),
        "container-title": "MongolTV",
    }
    entries = dict(bib("author-date", [german, mongolian]))
    assert "*Trump, Kim … und die Mongolei?*" in render(
        get_style("author-date").bibliography([german])[0][1], "markdown"
    )
    assert "“ТҮҮХЭН БОЛОМЖИЙГ БҮҮ АЛДААСАЙ.”" in entries["m"]


def test_translated_title_in_brackets() -> None:
    item = {
        "id": "t",
        "type": "article-magazine",
        "title": "Trump, Kim … und die Mongolei?",
        "translated-title": "Trump, Kim … and Mongolia?",
        "language": "de",
        "author": [JD],
        "container-title": "Internationale Politik und Gesellschaft",
        "issued": d(2018, 3, 25),
    }
    assert bib("notes-bibliography", [item])[0][1] == (
        "Dierkes, Julian. “Trump, Kim … und die Mongolei?” [Trump, Kim … and Mongolia?]. "
        "Internationale Politik und Gesellschaft, March 25, 2018."
    )
    note = get_style("notes-bibliography").note([item], Cite("t", "4"), kind="full")
    assert text(note) == (
        "Julian Dierkes, “Trump, Kim … und die Mongolei?” [Trump, Kim … and Mongolia?], "
        "Internationale Politik und Gesellschaft, March 25, 2018, 4."
    )


def test_quotes_inside_titles_and_final_punctuation() -> None:
    item = {
        "id": "q",
        "type": "article-journal",
        "title": 'The "resource curse" revisited',
        "container-title": "World Politics",
        "volume": "65",
        "issued": d(2013),
    }
    assert "“The ‘Resource Curse’ Revisited.”" in bib("author-date", [item])[0][1]
    item["title"] = "Why do herders move?"
    note = get_style("notes-bibliography").note([item], Cite("q", "3"), kind="short")
    assert text(note) == "“Why Do Herders Move?” 3."


def test_particles_and_suffixes() -> None:
    van = {
        "id": "v",
        "type": "book",
        "title": "Letters",
        "issued": d(1885),
        "author": [{"family": "Gogh", "given": "Vincent", "non-dropping-particle": "van"}],
    }
    king = {
        "id": "k",
        "type": "book",
        "title": "Why we can't wait",
        "issued": d(1964),
        "author": [{"family": "King", "given": "Martin Luther", "suffix": "Jr."}],
    }
    entries = dict(bib("author-date", [van, king]))
    assert entries["v"].startswith("Gogh, Vincent van. 1885.")
    assert entries["k"].startswith("King, Martin Luther, Jr. 1964. Why We Can’t Wait.")
    assert cite("author-date", [van], "v") == "(van Gogh 1885)"
    note = get_style("notes-bibliography").note([van], Cite("v"), kind="short")
    assert text(note) == "Van Gogh, Letters."


def test_markdown_links_titles_to_their_url() -> None:
    out = render(get_style("author-date").bibliography(SAMPLE[:1])[0][1], "markdown")
    assert "[“Will Mongolia Host a Summit?”](" not in out  # no URL in the item: no link
    item = dict(SAMPLE[0], URL="https://blogs.ubc.ca/mongolia/x")
    out = render(get_style("author-date").bibliography([item])[0][1], "markdown")
    assert out.startswith(
        "Dierkes, Julian, and MENDEE Jargalsaikhan. 2018. "
        "[“Will Mongolia Host a Summit?”](https://blogs.ubc.ca/mongolia/x)"
    )
    assert out.endswith("<https://blogs.ubc.ca/mongolia/x>.")


def test_helpers() -> None:
    assert page_range("1023-1045") == "1023–45"
    assert page_range("101-109") == "101–9"
    assert page_range("300-305") == "300–305"
    assert page_range("71-72") == "71–72"
    assert initials("Jean-Paul") == "J.-P."
    assert initials("John Allen") == "J. A."


def test_large_library_renders_every_entry_once() -> None:
    """2,000 entries (speed is measured by benchmarks/run.py, not asserted here)."""
    items = [
        post(
            f"k{i}",
            f"Title number {i}",
            [{"family": f"Name{i % 500}", "given": "A."}],
            2000 + i % 20,
            1,
            1,
        )
        for i in range(2_000)
    ]
    style = get_style("author-date")
    bib = style.bibliography(items)
    entries = [render(rich, "html") for _, rich in bib]
    assert len(entries) == 2_000
    assert sorted(key for key, _ in bib) == sorted(f"k{i}" for i in range(2_000))


def test_family_first_first_author_takes_no_comma_before_and() -> None:
    """The comma in "Dierkes, Julian, and …" closes an inverted name; MENDEE is not inverted."""
    items = [post("m", "UB Dialogue Initiatives", [MJ, JD], 2018, 3)]
    assert text(bib("author-date", items)[0][1]).startswith(
        "MENDEE Jargalsaikhan and Julian Dierkes. 2018."
    )
    assert text(bib("notes-bibliography", items)[0][1]).startswith(
        "MENDEE Jargalsaikhan and Julian Dierkes. “UB Dialogue Initiatives.”"
    )
    three = [post("t", "Trilateral", [MJ, JD, CN], 2018)]
    assert text(bib("author-date", three)[0][1]).startswith(
        "MENDEE Jargalsaikhan, Julian Dierkes, and Chimguundari N. 2018."
    )
