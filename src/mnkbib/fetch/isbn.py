"""ISBN -> CSL-JSON book: Open Library first, Google Books when Open Library has nothing."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from mnkbib.errors import FetchError
from mnkbib.fetch import http
from mnkbib.fetch.csl import Item, clean_item, one_line
from mnkbib.fetch.dates import parse_date
from mnkbib.fetch.identifiers import isbn13_to_10
from mnkbib.fetch.persons import Name, parse_person

_JSON = "application/json"


def fetch_isbn(isbn: str, *, timeout: float = http.DEFAULT_TIMEOUT) -> Item:
    """``isbn`` is an ISBN-13 without hyphens (as :func:`classify` gives it)."""
    failures: list[FetchError] = []
    for source in (_open_library, _google_books):
        try:
            item = source(isbn, timeout)
        except FetchError as exc:  # try the other catalogue before giving up
            failures.append(exc)
            continue
        if item is not None:
            return item
    if failures:
        raise failures[0]
    raise FetchError(f"ISBN {isbn} not found (neither Open Library nor Google Books knows it)")


def _open_library(isbn: str, timeout: float) -> Item | None:
    base = http.base_url("MNKBIB_OPENLIBRARY_URL", "https://openlibrary.org")
    query = urlencode({"bibkeys": f"ISBN:{isbn}", "format": "data", "jscmd": "data"}, safe=":")
    answer = http.get(f"{base}/api/books?{query}", accept=_JSON, timeout=timeout)
    data = answer.json()
    if not isinstance(data, dict):
        raise FetchError(f"{answer.host} answered with JSON that is not a book record")
    record = data.get(f"ISBN:{isbn}")
    if not isinstance(record, dict) or not record.get("title"):
        return None
    return _book(
        isbn,
        title=record.get("title"),
        subtitle=record.get("subtitle"),
        authors=[_name_field(a) for a in _list(record.get("authors"))],
        date=record.get("publish_date"),
        publisher=_name_field(_first(record.get("publishers"))),
        place=_name_field(_first(record.get("publish_places"))),
        pages=record.get("number_of_pages"),
        url=record.get("url"),
    )


def _google_books(isbn: str, timeout: float) -> Item | None:
    base = http.base_url("MNKBIB_GOOGLEBOOKS_URL", "https://www.googleapis.com")
    query = urlencode({"q": f"isbn:{isbn}"}, safe=":")
    answer = http.get(f"{base}/books/v1/volumes?{query}", accept=_JSON, timeout=timeout)
    data = answer.json()
    if not isinstance(data, dict):
        raise FetchError(f"{answer.host} answered with JSON that is not a volume list")
    wanted = {isbn, isbn13_to_10(isbn)}
    for volume in _list(data.get("items")):
        info = volume.get("volumeInfo") if isinstance(volume, dict) else None
        if not isinstance(info, dict) or not info.get("title"):
            continue
        ids = {i.get("identifier") for i in _list(info.get("industryIdentifiers")) if _is_dict(i)}
        if not ids & wanted:
            continue  # Google's search can answer with a different book
        return _book(
            isbn,
            title=info.get("title"),
            subtitle=info.get("subtitle"),
            authors=[a for a in _list(info.get("authors")) if isinstance(a, str)],
            date=info.get("publishedDate"),
            publisher=info.get("publisher"),
            pages=info.get("pageCount"),
            url=info.get("canonicalVolumeLink") or info.get("infoLink"),
            abstract=info.get("description"),
            language=info.get("language"),
        )
    return None


def _book(
    isbn: str,
    *,
    title: object,
    subtitle: object = None,
    authors: list[str | None],
    date: object = None,
    publisher: object = None,
    place: object = None,
    pages: object = None,
    url: object = None,
    abstract: object = None,
    language: object = None,
) -> Item:
    full_title = _catalogue_text(title)
    if isinstance(subtitle, str) and subtitle.strip():
        full_title = f"{full_title}: {_catalogue_text(subtitle)}"
    names: list[Name] = [n for n in (parse_person(a) for a in authors if a) if n]
    return clean_item(
        {
            "type": "book",
            "id": f"urn:isbn:{isbn}",
            "title": full_title,
            "author": names,
            "issued": parse_date(date) if isinstance(date, str) else None,
            "publisher": _catalogue_text(publisher),
            "publisher-place": _catalogue_text(place),
            "number-of-pages": pages,
            "ISBN": isbn,
            "URL": url,
            "abstract": abstract,
            "language": language,
        }
    )


def _catalogue_text(value: object) -> str | None:
    """Catalogue strings end in ISBD punctuation ("Structure and interpretation /") or come
    quoted (Google Books' publisher ``"O'Reilly Media, Inc."``)."""
    if not isinstance(value, str):
        return None
    return one_line(value).strip('"').rstrip(" /:;,") or None


def _name_field(value: object) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return str(value["name"])
    return None


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _first(value: object) -> object:
    items = _list(value)
    return items[0] if items else None


def _is_dict(value: object) -> bool:
    return isinstance(value, dict)
