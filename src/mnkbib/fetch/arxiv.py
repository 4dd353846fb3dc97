"""arXiv id -> CSL-JSON preprint, from the arXiv API's Atom feed."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

from mnkbib.errors import FetchError
from mnkbib.fetch import http
from mnkbib.fetch.csl import Item, clean_item, one_line
from mnkbib.fetch.dates import parse_date
from mnkbib.fetch.persons import Name, parse_person

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_VERSION = re.compile(r"v[0-9]+$")


def fetch_arxiv(arxiv_id: str, *, timeout: float = http.DEFAULT_TIMEOUT) -> Item:
    base = http.base_url("MNKBIB_ARXIV_URL", "https://export.arxiv.org")
    query = urlencode({"id_list": arxiv_id}, safe="/")
    answer = http.get(f"{base}/api/query?{query}", accept="application/atom+xml", timeout=timeout)
    try:
        feed = ET.fromstring(answer.body)
    except ET.ParseError:
        raise FetchError(f"{answer.host} answered with malformed XML") from None
    for entry in feed.iter(f"{_ATOM}entry"):
        entry_id = _text(entry, f"{_ATOM}id")
        if "/api/errors" in entry_id:
            reason = _text(entry, f"{_ATOM}summary") or "an error"
            raise FetchError(f"arXiv:{arxiv_id} not found ({answer.host} answered: {reason})")
        if _text(entry, f"{_ATOM}title"):
            return item_from_entry(entry, arxiv_id)
    raise FetchError(f"arXiv:{arxiv_id} not found ({answer.host} has no such paper)")


def item_from_entry(entry: ET.Element, arxiv_id: str) -> Item:
    unversioned = _VERSION.sub("", arxiv_id)
    doi = _text(entry, f"{_ARXIV}doi")
    journal = _text(entry, f"{_ARXIV}journal_ref")
    published = [part for part in (journal, f"DOI {doi}" if doi else "") if part]
    authors: list[Name] = []
    for author in entry.iter(f"{_ATOM}author"):
        name = parse_person(_text(author, f"{_ATOM}name"))
        if name:
            authors.append(name)
    return clean_item(
        {
            "type": "article",
            "id": f"arXiv:{arxiv_id}",
            "title": _text(entry, f"{_ATOM}title"),
            "author": authors,
            "issued": parse_date(_text(entry, f"{_ATOM}published")),
            "abstract": _text(entry, f"{_ATOM}summary"),
            "publisher": "arXiv",
            "number": f"arXiv:{unversioned}",
            "URL": f"https://arxiv.org/abs/{arxiv_id}",
            "DOI": doi,
            "note": f"Published version: {'; '.join(published)}" if published else None,
        }
    )


def _text(parent: ET.Element, tag: str) -> str:
    element = parent.find(tag)
    return one_line(element.text or "") if element is not None else ""
