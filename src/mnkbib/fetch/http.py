"""The one place mnkbib talks HTTP: polite GETs with a timeout, a size cap and clear errors.

Every network problem becomes a :class:`~mnkbib.errors.FetchError` with a one-line message;
nothing here retries (a 429 is reported with its Retry-After, not retried).
"""

from __future__ import annotations

import email.utils
import http.client
import json
import math
import os
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from functools import lru_cache
from http import HTTPStatus
from importlib import metadata
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from mnkbib.errors import FetchError

DEFAULT_TIMEOUT = 10.0
MAX_BYTES = 5 * 1024 * 1024
PROJECT_URL = "https://github.com/mnkbib/mnkbib"
_CHUNK = 64 * 1024
# Characters left as they are when an IRI is turned into an ASCII URL.
_URL_SAFE = "/%:@!$&'()*+,;=-._~?#[]"


class HTTPStatusError(FetchError):
    """The server answered with an error status (4xx/5xx)."""

    def __init__(self, message: str, *, status: int, host: str) -> None:
        super().__init__(message)
        self.status = status
        self.host = host


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    headers: Message
    body: bytes

    @property
    def host(self) -> str:
        return host_of(self.url)

    @property
    def content_type(self) -> str:
        """The media type, lower-cased, without parameters ("text/plain" when missing)."""
        return self.headers.get_content_type()

    @property
    def charset(self) -> str | None:
        charset = self.headers.get_content_charset()
        return charset if isinstance(charset, str) else None

    def text(self, charset: str | None = None) -> str:
        """The body decoded with ``charset``, else the declared charset, else UTF-8."""
        for candidate in (charset, self.charset, "utf-8"):
            if not candidate:
                continue
            try:
                return self.body.decode(candidate, errors="replace")
            except LookupError:  # an unknown charset name
                continue
        return self.body.decode("utf-8", errors="replace")  # pragma: no cover

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except (ValueError, RecursionError):
            raise FetchError(f"{self.host} answered with malformed JSON") from None


@lru_cache(maxsize=1)
def user_agent() -> str:
    try:
        version = metadata.version("mnkbib")
    except metadata.PackageNotFoundError:
        version = "dev"
    return f"mnkbib/{version} (+{PROJECT_URL})"


def base_url(variable: str, default: str) -> str:
    """A service's base URL: the environment variable when set, else ``default``."""
    return (os.environ.get(variable, "").strip() or default).rstrip("/")


def host_of(url: str) -> str:
    """``https://user@doi.org:443/x`` -> ``doi.org:443``: the host (and port) for messages."""
    try:
        netloc = urlsplit(url).netloc
    except ValueError:
        return url
    return netloc.rpartition("@")[2] or url


def seconds(timeout: float) -> str:
    return f"{timeout:g}"


def get(
    url: str, *, accept: str, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = MAX_BYTES
) -> Response:
    """GET ``url``, following redirects; raise FetchError for anything but a 2xx answer."""
    ascii_url = _ascii_url(url)
    request = urllib.request.Request(
        ascii_url, headers={"User-Agent": user_agent(), "Accept": accept}
    )
    redirects = _RedirectHandler(ascii_url)
    opener = urllib.request.build_opener(redirects)
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as answer:
            final_url = answer.geturl()
            body = _read(answer, host_of(final_url), max_bytes, deadline, timeout)
            return Response(final_url, answer.status, answer.headers, body)
    except urllib.error.HTTPError as exc:
        exc.close()
        where = host_of(exc.url or redirects.current)
        raise _status_error(exc.code, exc.reason, exc.headers, where) from None
    except urllib.error.URLError as exc:
        raise _network_error(exc.reason, host_of(redirects.current), timeout) from None
    except (OSError, http.client.HTTPException) as exc:
        raise _network_error(exc, host_of(redirects.current), timeout) from None
    except ValueError as exc:  # a malformed URL or redirect target
        raise FetchError(f"cannot fetch {url}: {exc}") from None


def _ascii_url(url: str) -> str:
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        raise FetchError(f"cannot fetch {url}: not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise FetchError(f"cannot fetch {url}: only http(s) URLs are supported")
    netloc = parts.netloc
    if not netloc.isascii():
        try:
            netloc = netloc.replace(host, host.encode("idna").decode("ascii"))
        except UnicodeError:
            raise FetchError(f"cannot fetch {url}: {host} is not a valid host name") from None
    return urlunsplit(
        (
            parts.scheme.lower(),
            netloc,
            quote(parts.path, safe=_URL_SAFE),
            quote(parts.query, safe=_URL_SAFE),
            "",
        )
    )


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows http(s) redirects only, remembering where the request went last."""

    def __init__(self, url: str) -> None:
        self.current = url

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            return None  # urllib then raises the redirect as an HTTPError
        self.current = newurl
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _read(answer: Any, host: str, max_bytes: int, deadline: float, timeout: float) -> bytes:
    too_big = f"{host} answered with more than {max_bytes // (1024 * 1024)} MB; not reading it"
    length = answer.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise FetchError(too_big)
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError
        chunk = answer.read1(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(too_big)
        chunks.append(chunk)


def _status_error(status: int, reason: str, headers: Message, host: str) -> HTTPStatusError:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = reason or "error"
    wait = _retry_after(headers.get("Retry-After")) if headers else None
    later = f"try again in {wait} s" if wait is not None else "try again later"
    if status == 429:
        message = f"{host} is rate-limiting requests (429); {later}"
    elif status >= 500:
        message = f"{host} is having trouble ({status} {phrase}); {later}"
    else:
        message = f"{host} answered {status} {phrase}"
    return HTTPStatusError(message, status=status, host=host)


def _retry_after(value: str | None) -> int | None:
    """Retry-After as whole seconds: either a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, math.ceil((when - datetime.now(UTC)).total_seconds()))


def _network_error(reason: object, host: str, timeout: float) -> FetchError:
    if isinstance(reason, TimeoutError):
        return FetchError(f"timed out after {seconds(timeout)} s waiting for {host}")
    detail = getattr(reason, "strerror", None) or getattr(reason, "reason", None) or str(reason)
    detail = " ".join(str(detail).split()) or type(reason).__name__
    if isinstance(reason, ssl.SSLError):
        return FetchError(f"could not connect securely to {host} ({detail})")
    if isinstance(reason, (http.client.HTTPException, ConnectionResetError)):
        return FetchError(f"the connection to {host} broke off ({detail})")
    return FetchError(f"no network: could not reach {host} ({detail})")
