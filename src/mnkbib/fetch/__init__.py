"""Citation metadata by identifier: DOI, ISBN, arXiv id or web page URL -> CSL-JSON.

    >>> from mnkbib.fetch import classify, fetch
    >>> item = fetch(classify("10.1038/s41586-020-2649-2"))  # doctest: +SKIP

:func:`classify` tells the kind of an identifier and normalises it (raising
:class:`~mnkbib.errors.UsageError`); :func:`fetch` returns one CSL-JSON item (a dict per the
CSL-JSON schema) or raises :class:`~mnkbib.errors.FetchError` with a one-line message.
Base URLs come from ``MNKBIB_DOI_URL``, ``MNKBIB_OPENLIBRARY_URL``, ``MNKBIB_GOOGLEBOOKS_URL``
and ``MNKBIB_ARXIV_URL`` when set.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

from mnkbib.errors import UsageError
from mnkbib.fetch.arxiv import fetch_arxiv
from mnkbib.fetch.csl import ordered
from mnkbib.fetch.doi import fetch_doi
from mnkbib.fetch.http import DEFAULT_TIMEOUT
from mnkbib.fetch.identifiers import KINDS, Identifier, Kind, classify
from mnkbib.fetch.isbn import fetch_isbn
from mnkbib.fetch.webpage import fetch_webpage

__all__ = ["DEFAULT_TIMEOUT", "KINDS", "Identifier", "Kind", "classify", "fetch", "fetch_many"]

Fetcher = Callable[..., dict[str, Any]]
FETCHERS: dict[str, Fetcher] = {
    "doi": fetch_doi,
    "isbn": fetch_isbn,
    "arxiv": fetch_arxiv,
    "url": fetch_webpage,
}


def fetch(ident: Identifier | str, *, timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
    """One CSL-JSON item for ``ident`` (a string is classified first)."""
    if isinstance(ident, str):
        ident = classify(ident)
    if not timeout > 0:
        raise UsageError(f"the timeout must be a positive number of seconds, not {timeout}")
    return ordered(FETCHERS[ident.kind](ident.value, timeout=timeout))


def fetch_many(
    idents: Iterable[Identifier | str], *, timeout: float = DEFAULT_TIMEOUT
) -> list[dict[str, Any]]:
    """One item per identifier, in order, one request at a time (no hammering).

    An identifier given twice (a DOI in any letter case) is fetched once. The first failure raises its FetchError
    (or UsageError for a string that is no identifier) before anything else is fetched.
    """
    wanted = [classify(i) if isinstance(i, str) else i for i in idents]
    fetched: dict[Identifier, dict[str, Any]] = {}
    for ident in wanted:
        if _same(ident) not in fetched:
            fetched[_same(ident)] = fetch(ident, timeout=timeout)
    return [copy.deepcopy(fetched[_same(ident)]) for ident in wanted]


def _same(ident: Identifier) -> Identifier:
    """DOIs are case-insensitive: 10.5061/DRYAD.8515 is 10.5061/dryad.8515."""
    return Identifier("doi", ident.value.lower()) if ident.kind == "doi" else ident
