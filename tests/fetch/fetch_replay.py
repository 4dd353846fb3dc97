"""A local replay server for the fetch tests: real-shaped recorded answers on 127.0.0.1,
from the files in ``fixtures/``, matched on path and query."""

from __future__ import annotations

import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

FIXTURES = Path(__file__).parent / "fixtures"
BASE_URL_VARIABLES = (
    "MNKBIB_DOI_URL",
    "MNKBIB_OPENLIBRARY_URL",
    "MNKBIB_GOOGLEBOOKS_URL",
    "MNKBIB_ARXIV_URL",
)
CSL_JSON = "application/vnd.citationstyles.csl+json"
CSL_JSON_UTF8 = f"{CSL_JSON}; charset=utf-8"
HTML = "text/html; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
JSON = "application/json; charset=utf-8"


@dataclass(frozen=True)
class Route:
    """One recorded answer. ``{base}`` in a header value becomes the server's base URL."""

    status: int = 200
    file: str | None = None
    body: bytes = b""
    content_type: str = JSON
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0  # seconds before answering at all
    drip: float = 0.0  # seconds between single bytes of the body
    accept: str | None = None  # answer 406 unless the request's Accept is exactly this
    content_length: bool = True


def redirect(location: str, status: int = 302) -> Route:
    return Route(status, content_type=HTML, headers=(("Location", "{base}" + location),))


NOT_FOUND_PAGE = b"<html><head><title>Error: DOI Not Found</title></head><body></body></html>"

ROUTES: dict[str, Route] = {
    # doi.org: content negotiation redirects to the registration agency.
    "/10.1038/s41586-020-2649-2": redirect(
        "/crossref/10.1038/s41586-020-2649-2/transform/application/vnd.citationstyles.csl+json",
        303,
    ),
    "/crossref/10.1038/s41586-020-2649-2/transform/application/vnd.citationstyles.csl+json": Route(
        file="crossref-10.1038-s41586-020-2649-2.json",
        content_type=CSL_JSON_UTF8,
        accept=CSL_JSON,
    ),
    "/10.5061/dryad.8515": redirect("/datacite/10.5061/dryad.8515"),
    "/datacite/10.5061/dryad.8515": Route(
        file="datacite-10.5061-dryad.8515.json", content_type=CSL_JSON_UTF8, accept=CSL_JSON
    ),
    "/10.1111/aspr.12456": redirect("/pages/highwire.html"),  # no CSL-JSON: the landing page
    "/10.1234/missing": Route(404, body=NOT_FOUND_PAGE, content_type=HTML),
    "/10.1234/busy": Route(429, body=b'{"status": "error"}', headers=(("Retry-After", "60"),)),
    "/10.1234/busy-until": Route(
        429, body=b"", headers=(("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"),)
    ),
    "/10.1234/down": Route(503, body=b"<html>Service Unavailable</html>", content_type=HTML),
    "/10.1234/garbled": Route(
        body=b'{"type": "article-journal", "title": "Trunc', content_type=CSL_JSON_UTF8
    ),
    "/10.1234/list": Route(body=b"[]", content_type=CSL_JSON_UTF8),
    "/10.1234/slow": Route(file="datacite-10.5061-dryad.8515.json", delay=2.0),
    "/10.1234/loop": redirect("/10.1234/loop"),
    # Open Library and Google Books.
    "/api/books?bibkeys=ISBN:9780262510875&format=data&jscmd=data": Route(
        file="openlibrary-9780262510875.json"
    ),
    "/api/books?bibkeys=ISBN:9781492056355&format=data&jscmd=data": Route(
        file="openlibrary-empty.json"
    ),
    "/books/v1/volumes?q=isbn:9781492056355": Route(file="googlebooks-9781492056355.json"),
    "/api/books?bibkeys=ISBN:9780306406157&format=data&jscmd=data": Route(
        file="openlibrary-empty.json"
    ),
    "/books/v1/volumes?q=isbn:9780306406157": Route(file="googlebooks-empty.json"),
    "/api/books?bibkeys=ISBN:9780804429573&format=data&jscmd=data": Route(
        503, body=b"<html>Service Unavailable</html>", content_type=HTML
    ),
    "/books/v1/volumes?q=isbn:9780804429573": Route(file="googlebooks-empty.json"),
    # arXiv.
    "/api/query?id_list=1207.7214": Route(file="arxiv-1207.7214.xml", content_type=ATOM),
    "/api/query?id_list=1706.03762v5": Route(file="arxiv-1706.03762v5.xml", content_type=ATOM),
    "/api/query?id_list=2101.99999": Route(file="arxiv-empty.xml", content_type=ATOM),
    "/api/query?id_list=hep-th/9913001": Route(file="arxiv-error.xml", content_type=ATOM),
    "/api/query?id_list=1501.00001": Route(file="arxiv-truncated.xml", content_type=ATOM),
    # Web pages.
    "/pages/highwire.html": Route(file="page-highwire.html", content_type=HTML),
    "/pages/news.html": Route(file="page-jsonld-news.html", content_type=HTML),
    "/pages/policy.html": Route(file="page-opengraph.html", content_type=HTML),
    "/pages/old-policy-link": redirect("/pages/policy.html", 301),
    "/pages/blog.html": Route(file="page-blog.html", content_type=HTML),
    "/pages/thesis.html": Route(file="page-dublincore.html", content_type=HTML),
    "/pages/plain.html": Route(file="page-plain.html", content_type=HTML),
    "/pages/latin1.html": Route(file="page-latin1.html", content_type="text/html"),
    "/pages/paper.pdf": Route(
        body=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", content_type="application/pdf"
    ),
    "/pages/gone.html": Route(410, body=b"<html>Gone</html>", content_type=HTML),
    "/pages/drip.html": Route(file="page-plain.html", content_type=HTML, drip=0.05),
    "/pages/unsized.html": Route(file="page-plain.html", content_type=HTML, content_length=False),
    "/pages/to-ftp": Route(301, content_type=HTML, headers=(("Location", "ftp://example.org/x"),)),
}


@dataclass(frozen=True)
class Recorded:
    path: str
    headers: dict[str, str]


def route_key(target: str) -> str:
    """The path and the sorted, decoded query: how requests are matched to routes."""
    parts = urlsplit(target)
    query = "&".join(f"{k}={v}" for k, v in sorted(parse_qsl(parts.query)))
    return unquote(parts.path) + (f"?{query}" if query else "")


class ReplayServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), ReplayHandler)
        self.routes = {route_key(k): v for k, v in ROUTES.items()}
        self.requests: list[Recorded] = []

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def host(self) -> str:
        return self.base_url.removeprefix("http://")


class ReplayHandler(BaseHTTPRequestHandler):
    server: ReplayServer
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:
        self.server.requests.append(Recorded(self.path, dict(self.headers.items())))
        route = self.server.routes.get(route_key(self.path))
        if route is None:
            route = Route(404, body=b"<html>Not Found</html>", content_type=HTML)
        elif route.accept and self.headers.get("Accept") != route.accept:
            route = Route(406, body=b"<html>Not Acceptable</html>", content_type=HTML)
        body = (FIXTURES / route.file).read_bytes() if route.file else route.body
        try:
            time.sleep(route.delay)
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            for name, value in route.headers:
                self.send_header(name, value.replace("{base}", self.server.base_url))
            if route.content_length:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if route.drip:
                for byte in body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(route.drip)
            else:
                self.wfile.write(body)
        except OSError:  # the client gave up (timeout tests)
            pass

    def log_message(self, format: str, *args: Any) -> None:
        pass
