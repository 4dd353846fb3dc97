"""The pure helpers: names, dates, markup, CSL clean-up, page metadata."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mnkbib.fetch.csl import clean_item, strip_markup
from mnkbib.fetch.dates import parse_date
from mnkbib.fetch.htmlmeta import read_page, sniff_charset
from mnkbib.fetch.persons import parse_people, parse_person
from mnkbib.fetch.webpage import item_from_meta


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Julian Dierkes", {"family": "Dierkes", "given": "Julian"}),
        ("Dierkes, Julian", {"family": "Dierkes", "given": "Julian"}),
        ("MENDEE, Jargalsaikhan", {"family": "MENDEE", "given": "Jargalsaikhan"}),
        ("By Jane Smith", {"family": "Smith", "given": "Jane"}),
        ("Stéfan J. van der Walt", {"family": "van der Walt", "given": "Stéfan J."}),
        ("van der Walt, Stéfan J.", {"family": "van der Walt", "given": "Stéfan J."}),
        ("Martin Luther King Jr.", {"family": "King", "given": "Martin Luther", "suffix": "Jr."}),
        ("Martin Luther King, Jr.", {"family": "King", "given": "Martin Luther", "suffix": "Jr."}),
        ("King, Martin Luther, Jr.", {"family": "King", "given": "Martin Luther", "suffix": "Jr."}),
        ("J. R. R. Tolkien", {"family": "Tolkien", "given": "J. R. R."}),
        ("The ATLAS Collaboration", {"literal": "The ATLAS Collaboration"}),
        ("Reuters", {"literal": "Reuters"}),
        ("IRPP Staff", {"literal": "IRPP Staff"}),
        ("World Health Organization", {"literal": "World Health Organization"}),
        ("Johnson & Johnson", {"literal": "Johnson & Johnson"}),
    ],
)
def test_parse_person(text: str, name: dict[str, str]) -> None:
    assert parse_person(text) == name


@pytest.mark.parametrize("text", ["", "   ", "https://www.facebook.com/someone", "@handle"])
def test_parse_person_skips_links_and_blanks(text: str) -> None:
    assert parse_person(text) is None


def test_parse_people() -> None:
    assert parse_people("Julian Dierkes and Mendee Jargalsaikhan") == [
        {"family": "Dierkes", "given": "Julian"},
        {"family": "Jargalsaikhan", "given": "Mendee"},
    ]
    assert parse_people("Ann Lee, Bo Kim & Cy Park") == [
        {"family": "Lee", "given": "Ann"},
        {"family": "Kim", "given": "Bo"},
        {"family": "Park", "given": "Cy"},
    ]
    assert parse_people("Dierkes, Julian; Jargalsaikhan, Mendee") == [
        {"family": "Dierkes", "given": "Julian"},
        {"family": "Jargalsaikhan", "given": "Mendee"},
    ]


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("2019-04-12", [2019, 4, 12]),
        ("2019/04/12", [2019, 4, 12]),
        ("2023-03-14T23:30:00-04:00", [2023, 3, 14]),
        ("2016-05", [2016, 5]),
        ("20190412", [2019, 4, 12]),
        ("12 April 2019", [2019, 4, 12]),
        ("April 12, 2019", [2019, 4, 12]),
        ("Sept. 3rd, 2020", [2020, 9, 3]),
        ("Mar 1996", [1996, 3]),
        ("c1996", [1996]),
        ("[1996?]", [1996]),
        ("2019-13-40", [2019]),
    ],
)
def test_parse_date(text: str, parts: list[int]) -> None:
    assert parse_date(text) == {"date-parts": [parts]}


@pytest.mark.parametrize("text", ["", "n.d.", "sometime", "0000"])
def test_parse_date_without_a_year(text: str) -> None:
    assert parse_date(text) is None


def test_strip_markup() -> None:
    assert strip_markup("CO<sub>2</sub> &amp; <i>E. coli</i>") == "CO2 & E. coli"
    assert strip_markup("p < 0.05 in <b>all</b>  cases") == "p < 0.05 in all cases"
    jats = "<jats:sec><jats:title>Abstract</jats:title><jats:p>One.</jats:p><jats:p>Two.</jats:p></jats:sec>"
    assert strip_markup(jats, paragraphs=True) == "One.\n\nTwo."
    assert strip_markup("<p>Summary</p>", paragraphs=True) == "Summary"


def test_clean_item_keeps_csl_variables_in_schema_shapes() -> None:
    raw: dict[str, Any] = {
        "type": "journal-article",
        "title": ["A <i>title</i>", "ignored"],
        "author": [{"given": "A.", "family": "B", "ORCID": "x", "sequence": "first"}, "junk", {}],
        "editor": [{"name": "Some Body"}],
        "issued": {"date-parts": [["2020", 5, None]]},
        "accessed": {"raw": "May 6, 2024"},
        "volume": 12,
        "ISBN": ["9780262510875", "0262510871"],
        "DOI": "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O",
        "indexed": {"date-parts": [[2024, 1, 1]]},
        "reference": [{"key": "x"}],
        "is-referenced-by-count": 3,
        "page": True,
        "note": "",
    }
    assert clean_item(raw) == {
        "type": "article-journal",
        "title": "A title",
        "author": [{"given": "A.", "family": "B"}],
        "editor": [{"literal": "Some Body"}],
        "issued": {"date-parts": [[2020, 5]]},
        "accessed": {"date-parts": [[2024, 5, 6]]},
        "volume": "12",
        "ISBN": "9780262510875, 0262510871",
        "DOI": "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O",
    }
    assert clean_item({"type": "something-else"}) == {"type": "document"}


def test_sniff_charset() -> None:
    assert sniff_charset(b'<html><head><meta charset="windows-1251">') == "windows-1251"
    assert (
        sniff_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">')
        == "ISO-8859-1"
    )
    assert sniff_charset(b"\xef\xbb\xbf<html>") == "utf-8"
    assert sniff_charset(b"<html><head><title>x</title>") is None


def test_json_ld_graph_with_references_and_a_publication_issue() -> None:
    page = read_page(
        """<html><head><script type="application/ld+json">
        {"@context": "https://schema.org", "@graph": [
          {"@type": "ScholarlyArticle", "@id": "#a", "headline": "On Things",
           "author": [{"@id": "#p1"}, {"@type": "Organization", "name": "Team X"}],
           "datePublished": "2021-02-03", "isPartOf": {"@id": "#issue"},
           "pagination": "1-9", "url": "https://example.org/things"},
          {"@type": "Person", "@id": "#p1", "givenName": "Ann", "familyName": "Lee"},
          {"@type": "PublicationIssue", "@id": "#issue", "issueNumber": 4,
           "isPartOf": {"@type": ["PublicationVolume"], "volumeNumber": "7",
                        "isPartOf": {"@type": "Periodical", "name": "Journal of Things"}}}
        ]}</script></head></html>"""
    )
    assert item_from_meta(page, "https://example.org/things?utm=1") == {
        "type": "article-journal",
        "id": "https://example.org/things",
        "title": "On Things",
        "author": [{"family": "Lee", "given": "Ann"}, {"literal": "Team X"}],
        "issued": {"date-parts": [[2021, 2, 3]]},
        "container-title": "Journal of Things",
        "volume": "7",
        "issue": "4",
        "page": "1-9",
        "URL": "https://example.org/things",
    }


def test_relative_canonical_link_and_blog_url_guess() -> None:
    page = read_page(
        """<html><head><link rel="canonical" href="/blog/2020/post">
        <meta property="og:type" content="article"><meta property="og:title" content="Post">
        <meta property="og:site_name" content="Notes"></head></html>"""
    )
    assert item_from_meta(page, "https://example.org/blog/2020/post?ref=x") == {
        "type": "post-weblog",
        "id": "https://example.org/blog/2020/post",
        "title": "Post",
        "container-title": "Notes",
        "URL": "https://example.org/blog/2020/post",
    }


def test_page_with_only_a_title_has_no_citation_metadata() -> None:
    assert item_from_meta(read_page("<title>Home</title>"), "https://example.org/") is None


@given(st.text())
def test_helpers_never_raise_on_arbitrary_text(text: str) -> None:
    parse_person(text)
    parse_people(text)
    parse_date(text)
    strip_markup(text, paragraphs=True)
    item_from_meta(read_page(text), "https://example.org/")


@given(st.from_regex(r"<(meta|script|title|html|link)[^>]{0,40}>[^<]{0,40}(</\1>)?"))
def test_page_reading_never_raises_on_tag_soup(html: str) -> None:
    item_from_meta(read_page(html), "https://example.org/")


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.sampled_from(
        ["Article", "NewsArticle", "Person", "WebSite", "#a", "2020-01-01", "Ann Lee", ""]
    ),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(
        st.sampled_from(
            ["@type", "@id", "@graph", "headline", "name", "author", "publisher", "isPartOf",
             "datePublished", "url", "mainEntityOfPage", "inLanguage", "givenName", "issueNumber"]
        ),
        inner,
        max_size=5,
    ),
    max_leaves=20,
)  # fmt: skip


@given(_JSON)
def test_json_ld_of_any_shape_never_raises(data: object) -> None:
    from mnkbib.fetch.jsonld import from_jsonld

    from_jsonld([data])
