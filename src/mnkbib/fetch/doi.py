"""DOI -> CSL-JSON by content negotiation at doi.org (Crossref, DataCite, mEDRA answer)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from mnkbib.errors import FetchError
from mnkbib.fetch import http
from mnkbib.fetch.csl import Item, clean_item, first_text, strip_markup
from mnkbib.fetch.webpage import HTML_TYPES, item_from_page

CSL_JSON = "application/vnd.citationstyles.csl+json"
_JSON_TYPES = frozenset({CSL_JSON, "application/json", "application/citeproc+json"})
# Crossref's dates, best first, for when "issued" is missing or empty.
_DATE_FALLBACKS = ("issued", "published-print", "published-online", "published", "created")


def fetch_doi(doi: str, *, timeout: float = http.DEFAULT_TIMEOUT) -> Item:
    base = http.base_url("MNKBIB_DOI_URL", "https://doi.org")
    try:
        answer = http.get(f"{base}/{quote(doi, safe='/:;()')}", accept=CSL_JSON, timeout=timeout)
    except http.HTTPStatusError as exc:
        if exc.status in (404, 410):
            raise FetchError(f"DOI {doi} not found ({exc.host} answered {exc.status})") from None
        raise
    if answer.content_type in HTML_TYPES:
        return _from_landing_page(doi, answer)
    data = answer.json()
    if not isinstance(data, dict) or not data:
        raise FetchError(f"{answer.host} answered with JSON that is not a CSL-JSON item")
    return item_from_csl(data, doi)


def item_from_csl(data: Mapping[str, Any], doi: str) -> Item:
    """A registry's CSL-JSON, cleaned: Crossref's lists, JATS markup and extra keys go."""
    raw = dict(data)
    title = first_text(_listed(raw.get("title")))
    subtitle = first_text(_listed(raw.get("subtitle")))
    if title and subtitle:
        title, subtitle = strip_markup(title), strip_markup(subtitle)
        if subtitle.lower() not in title.lower():
            title = f"{title.rstrip(' :')}: {subtitle}"
    raw["title"] = title
    if not raw.get("container-title-short"):
        raw["container-title-short"] = raw.get("short-container-title")
    if not raw.get("title-short"):
        raw["title-short"] = raw.get("short-title")
    raw["issued"] = next(
        (raw[key] for key in _DATE_FALLBACKS if _has_date_parts(raw.get(key))), raw.get("issued")
    )
    item = clean_item(raw)
    item.setdefault("type", "document")
    item["DOI"] = item.get("DOI") or doi
    item["id"] = f"https://doi.org/{item['DOI']}"
    if not item.get("URL") or urlsplit(item["URL"]).netloc.lower() in ("doi.org", "dx.doi.org"):
        item["URL"] = item["id"]
    return item


def _from_landing_page(doi: str, answer: http.Response) -> Item:
    """The DOI's registry has no CSL-JSON and doi.org sent us to the landing page."""
    item = item_from_page(answer)
    if item is None:
        raise FetchError(
            f"no citation metadata for DOI {doi}: {answer.host} has no CSL-JSON and "
            f"the landing page {answer.url} has none either"
        )
    item["DOI"] = doi
    item["id"] = f"https://doi.org/{doi}"
    if item.get("type") == "webpage":
        item["type"] = "document"
    return item


def _listed(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]


def _has_date_parts(value: object) -> bool:
    if not isinstance(value, Mapping):
        return False
    parts = value.get("date-parts")
    return bool(parts and isinstance(parts[0], list) and parts[0] and parts[0][0] is not None)
