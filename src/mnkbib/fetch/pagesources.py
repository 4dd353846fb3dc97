"""The metadata sources of a web page, each read into CSL fields on its own:
Highwire ``citation_*`` tags, Dublin Core, Open Graph and the page's plain HTML.
(JSON-LD has its own module, :mod:`mnkbib.fetch.jsonld`.)"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mnkbib.errors import UsageError
from mnkbib.fetch.dates import parse_date
from mnkbib.fetch.htmlmeta import PageMeta
from mnkbib.fetch.identifiers import classify
from mnkbib.fetch.persons import Name, parse_people, parse_person

# Words in DC.type -> CSL type ("Text.Serial.Journal", "Thesis/Dissertation" …).
_DC_TYPES = (
    ("journal", "article-journal"),
    ("thesis", "thesis"),
    ("dissertation", "thesis"),
    ("report", "report"),
    ("book", "book"),
)


@dataclass
class Found:
    """What one metadata source says: CSL fields, a CSL type it is sure of, or a guess."""

    fields: dict[str, Any] = field(default_factory=dict)
    kind: str | None = None
    guess: str | None = None


def highwire(page: PageMeta) -> Found:
    first = page.first
    authors = [parse_person(a) for a in page.all("citation_author")]
    if not authors and first("citation_authors"):
        authors = list(parse_people(first("citation_authors") or ""))
    journal = first("citation_journal_title")
    conference = first("citation_conference_title")
    book = first("citation_inbook_title", "citation_book_title")
    thesis = first("citation_dissertation_institution")
    report = first("citation_technical_report_institution")
    found = Found(
        {
            "title": first("citation_title"),
            "author": _names(authors),
            "issued": _date(
                first(
                    "citation_publication_date",
                    "citation_date",
                    "citation_cover_date",
                    "citation_online_date",
                    "citation_year",
                )
            ),
            "container-title": journal or conference or book,
            "container-title-short": first("citation_journal_abbrev"),
            "volume": first("citation_volume"),
            "issue": first("citation_issue"),
            "page": _pages(first("citation_firstpage"), first("citation_lastpage")),
            "DOI": _doi(first("citation_doi")),
            "ISSN": first("citation_issn"),
            "ISBN": first("citation_isbn"),
            "publisher": first("citation_publisher") or thesis or report,
            "number": first("citation_technical_report_number"),
            "language": first("citation_language"),
            "abstract": first("citation_abstract"),
            "URL": first(
                "citation_abstract_html_url", "citation_fulltext_html_url", "citation_public_url"
            ),
        }
    )
    if journal:
        found.kind = "article-journal"
    elif conference:
        found.kind = "paper-conference"
    elif book:
        found.kind = "chapter"
    elif thesis:
        found.kind = "thesis"
    elif report:
        found.kind = "report"
    elif found.fields["title"] and found.fields["ISBN"]:
        found.kind = "book"
    return found


def dublin_core(page: PageMeta) -> Found:
    def first(*terms: str) -> str | None:
        return page.first(*[f"{ns}.{t}" for t in terms for ns in ("dcterms", "dc")])

    identifiers = page.all(*[f"{ns}.identifier" for ns in ("dcterms", "dc")])
    doi = _doi(first("identifier.doi")) or next(filter(None, map(_doi, identifiers)), None)
    links = [i for i in identifiers if i.startswith(("http://", "https://"))]
    source = first("source")
    creators = page.all("dc.creator", "dcterms.creator", "dc.creator.personalname")
    found = Found(
        {
            "title": first("title"),
            "author": _names([parse_person(c) for c in creators]),
            "issued": _date(first("issued", "date.issued", "date", "created", "date.created")),
            "container-title": first("ispartof", "relation.ispartof")
            or (source if source and "://" not in source else None),
            "volume": first("source.volume"),
            "issue": first("source.issue"),
            "page": first("identifier.pagenumber"),
            "ISSN": first("source.issn"),
            "publisher": first("publisher"),
            "language": first("language"),
            "abstract": first("abstract", "description"),
            "DOI": doi,
            "URL": links[0] if links else None,
        }
    )
    dc_type = (first("type") or "").lower()
    found.kind = next((kind for word, kind in _DC_TYPES if word in dc_type), None)
    return found


def open_graph(page: PageMeta) -> Found:
    first = page.first
    authors: list[Name] = []
    for author in page.all("article:author", "og:article:author"):
        if "://" not in author:
            authors.extend(parse_people(author))
    locale = first("og:locale")
    og_type = (first("og:type") or "").lower()
    return Found(
        {
            "title": first("og:title"),
            "author": authors,
            "issued": _date(first("article:published_time", "og:article:published_time")),
            "container-title": first("og:site_name"),
            "abstract": first("og:description"),
            "language": locale.replace("_", "-") if locale else None,
            "URL": first("og:url"),
        },
        guess={"article": "article-magazine", "book": "book", "website": "webpage"}.get(og_type),
    )


def generic(page: PageMeta) -> Found:
    authors: list[Name] = []
    for author in page.all("author"):
        if "://" not in author:
            authors.extend(parse_people(author))
    return Found(
        {
            "title": page.title,
            "author": authors,
            "abstract": page.first("description"),
            "language": page.lang,
            "URL": page.canonical,
        }
    )


def _names(names: list[Name | None]) -> list[Name]:
    return [name for name in names if name]


def _date(text: str | None) -> dict[str, Any] | None:
    return parse_date(text) if text else None


def _pages(first: str | None, last: str | None) -> str | None:
    if first and last and first != last:
        return f"{first}-{last}"
    return first


def _doi(text: str | None) -> str | None:
    """The DOI in ``text`` ("10.…", "doi:10.…", a doi.org link), else None."""
    if not text:
        return None
    try:
        found = classify(text)
    except UsageError:  # not a DOI, which is fine here
        return None
    return found.value if found.kind == "doi" else None
