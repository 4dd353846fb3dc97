"""Telling DOIs, ISBNs, arXiv ids and URLs apart, and normalising them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlsplit

from mnkbib.errors import UsageError

Kind = Literal["doi", "isbn", "arxiv", "url"]
KINDS: tuple[Kind, ...] = ("doi", "isbn", "arxiv", "url")


@dataclass(frozen=True)
class Identifier:
    """What to fetch: ``kind`` and the normalised ``value`` (a DOI, an ISBN-13, an arXiv id
    with its version if one was given, or a URL)."""

    kind: Kind
    value: str

    def __str__(self) -> str:
        prefix = {"doi": "doi:", "isbn": "ISBN ", "arxiv": "arXiv:", "url": ""}[self.kind]
        return prefix + self.value


_A = re.ASCII | re.IGNORECASE
_DOI_PREFIX = re.compile(r"(?:doi:\s*|info:doi/|(?:https?://)?(?:dx\.|www\.)?doi\.org/)", _A)
_DOI = re.compile(r"10\.[0-9]{4,9}(?:\.[0-9]+)*/\S+", re.ASCII)
_ARXIV_PREFIX = re.compile(r"arxiv:\s*", _A)
_ARXIV_URL = re.compile(
    r"(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/([^?#]+?)(?:\.pdf)?/?(?:[?#].*)?",
    _A,
)
_ARXIV_NEW = re.compile(r"([0-9]{2})([0-9]{2})\.([0-9]{4,5})(v[1-9][0-9]*)?", re.ASCII)
_ARXIV_OLD = re.compile(r"[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/[0-9]{7}(?:v[1-9][0-9]*)?", re.ASCII)
_ISBN_PREFIX = re.compile(r"(?:urn:isbn:|isbn(?:-1[03])?:?\s*)", _A)
_ISBN_CHARS = re.compile(r"[0-9Xx][0-9Xx \-]*", re.ASCII)
_ISBN10 = re.compile(r"[0-9]{9}[0-9X]", re.ASCII)
_ISBN13 = re.compile(r"97[89][0-9]{10}", re.ASCII)
_EXPECTED = "expected a DOI, an ISBN, an arXiv id or an http(s) URL"


def classify(text: str) -> Identifier:
    """Which kind of identifier ``text`` is; UsageError (one line) when it is none."""
    s = text.strip()
    if not s:
        raise UsageError(f"no identifier given: {_EXPECTED}")
    for reader in (_doi, _arxiv, _isbn, _url):
        found = reader(s)
        if found is not None:
            return found
    raise UsageError(f"cannot tell what {_shown(s)} is: {_EXPECTED}")


def isbn10_check_digit(first9: str) -> str:
    total = sum((10 - i) * int(d) for i, d in enumerate(first9))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def isbn13_check_digit(first12: str) -> str:
    total = sum((3 if i % 2 else 1) * int(d) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def isbn10_to_13(isbn10: str) -> str:
    body = "978" + isbn10[:9]
    return body + isbn13_check_digit(body)


def isbn13_to_10(isbn13: str) -> str | None:
    if not isbn13.startswith("978"):
        return None
    body = isbn13[3:12]
    return body + isbn10_check_digit(body)


def _doi(s: str) -> Identifier | None:
    prefix = _DOI_PREFIX.match(s)
    rest = s[prefix.end() :] if prefix else s
    if prefix and prefix.group().lower().endswith("doi.org/"):
        rest = unquote(re.split(r"[?#]", rest, maxsplit=1)[0])
    rest = rest.rstrip(".,;")
    if _DOI.fullmatch(rest):
        return Identifier("doi", rest)
    if prefix:
        raise UsageError(f"{_shown(s)} does not hold a DOI (expected 10.NNNN/suffix)")
    return None


def _arxiv(s: str) -> Identifier | None:
    url = _ARXIV_URL.fullmatch(s)
    prefix = None if url else _ARXIV_PREFIX.match(s)
    if url:
        candidate = url.group(1)
    elif prefix:
        candidate = s[prefix.end() :]
    else:
        candidate = s
    if _is_arxiv_id(candidate):
        return Identifier("arxiv", candidate)
    if url or prefix:
        raise UsageError(f"{_shown(s)} does not hold a valid arXiv id")
    return None


def _is_arxiv_id(candidate: str) -> bool:
    if _ARXIV_OLD.fullmatch(candidate):
        return True
    new = _ARXIV_NEW.fullmatch(candidate)
    if not new:
        return False
    year, month, number = int(new.group(1)), int(new.group(2)), new.group(3)
    if not 1 <= month <= 12:
        return False
    yymm = year * 100 + month
    # Four-digit numbers ran from April 2007 to December 2014, five-digit ones since.
    return 704 <= yymm <= 1412 if len(number) == 4 else yymm >= 1501


def _isbn(s: str) -> Identifier | None:
    prefix = _ISBN_PREFIX.match(s)
    body = s[prefix.end() :] if prefix else s
    if not _ISBN_CHARS.fullmatch(body):
        if prefix:
            raise UsageError(f"{_shown(s)} is not an ISBN (expected 10 or 13 digits)")
        return None
    compact = re.sub(r"[ \-]", "", body).upper()
    if _ISBN10.fullmatch(compact):
        if isbn10_check_digit(compact[:9]) != compact[9]:
            raise UsageError(f"ISBN {body} has a wrong check digit")
        return Identifier("isbn", isbn10_to_13(compact))
    if _ISBN13.fullmatch(compact):
        if isbn13_check_digit(compact[:12]) != compact[12]:
            raise UsageError(f"ISBN {body} has a wrong check digit")
        return Identifier("isbn", compact)
    if prefix:
        raise UsageError(f"{_shown(s)} is not an ISBN (expected 10 or 13 digits)")
    return None


def _url(s: str) -> Identifier | None:
    if s.lower().startswith("www."):
        s = "https://" + s
    if any(ch.isspace() for ch in s):
        return None
    try:
        parts = urlsplit(s)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return Identifier("url", s)


def _shown(s: str, limit: int = 60) -> str:
    s = " ".join(s.split())
    return repr(s if len(s) <= limit else s[: limit - 1] + "…")
