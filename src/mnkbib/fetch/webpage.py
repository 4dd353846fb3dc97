"""Citation metadata of a web page -> one CSL-JSON item.

Sources, most trusted first, merged field by field: Highwire ``citation_*`` tags, Dublin
Core (``DC.*``, ``dcterms.*``), schema.org JSON-LD, Open Graph; then the page's own
<title>, ``<meta name="author">``, canonical link and ``lang`` fill what is still missing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

from mnkbib.errors import FetchError
from mnkbib.fetch import http
from mnkbib.fetch.csl import Item, clean_item, one_line
from mnkbib.fetch.dates import today
from mnkbib.fetch.htmlmeta import PageMeta, read_page, sniff_charset
from mnkbib.fetch.jsonld import from_jsonld
from mnkbib.fetch.pagesources import Found, dublin_core, generic, highwire, open_graph

HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ")
# Types that name the site they appeared on in container-title.
_SITE_TYPES = frozenset({"article-magazine", "article-newspaper", "post-weblog", "webpage"})


def fetch_webpage(url: str, *, timeout: float = http.DEFAULT_TIMEOUT) -> Item:
    try:
        answer = http.get(url, accept=HTML_ACCEPT, timeout=timeout)
    except http.HTTPStatusError as exc:
        if exc.status in (404, 410):
            raise FetchError(f"{url} not found ({exc.host} answered {exc.status})") from None
        raise
    if answer.content_type not in HTML_TYPES:
        raise FetchError(
            f"no citation metadata found on {url} (it is {answer.content_type}, not a web page)"
        )
    item = item_from_page(answer)
    if item is None:
        raise FetchError(f"no citation metadata found on {url}")
    item["accessed"] = today()
    return item


def item_from_page(answer: http.Response) -> Item | None:
    """The CSL item an HTML answer describes, or None when it has no citation metadata."""
    page = read_page(answer.text(answer.charset or sniff_charset(answer.body)))
    return item_from_meta(page, answer.url)


def item_from_meta(page: PageMeta, url: str) -> Item | None:
    sources = [
        highwire(page),
        dublin_core(page),
        from_jsonld(page.jsonld),
        open_graph(page),
    ]
    if not any(source.fields.get("title") for source in sources):
        return None
    fields: dict[str, Any] = {}
    for source in [*sources, generic(page)]:
        for key, value in source.fields.items():
            if value and key not in fields:
                fields[key] = value
    kind = _kind(sources, fields, url)
    fields["type"] = kind
    if kind in _SITE_TYPES and not fields.get("container-title") and fields.get("publisher"):
        fields["container-title"] = fields["publisher"]
    if fields.get("publisher") == fields.get("container-title") and kind in _SITE_TYPES:
        del fields["publisher"]
    fields["title"] = _without_site_name(fields["title"], fields.get("container-title"))
    fields["URL"] = _absolute(fields.get("URL"), url) or url
    fields["id"] = fields["URL"]
    return clean_item(fields)


def _kind(sources: list[Found], fields: dict[str, Any], url: str) -> str:
    for source in sources:
        if source.kind:
            return source.kind
    guess = next((source.guess for source in sources if source.guess), "webpage")
    if guess == "article-magazine":
        parts = urlsplit(url)
        if parts.netloc.lower().startswith("blog.") or "/blog" in parts.path.lower():
            return "post-weblog"
        if not fields.get("container-title"):
            return "webpage"
    return guess


def _absolute(link: object, base: str) -> str | None:
    if not isinstance(link, str) or not link.strip():
        return None
    absolute = urljoin(base, link.strip())
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None


def _without_site_name(title: str, site: str | None) -> str:
    """ "Mongolia's Foreign Policy | The Diplomat" -> "Mongolia's Foreign Policy" """
    title = one_line(title)
    if site:
        for separator in _TITLE_SEPARATORS:
            suffix = f"{separator}{site}"
            if title.endswith(suffix) and len(title) > len(suffix):
                return title[: -len(suffix)].strip()
    return title
