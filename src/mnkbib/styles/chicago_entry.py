"""A CSL-JSON item read once into the pieces Chicago templates use (titles, names, dates)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from .chicago_dates import Date, parse_date
from .chicago_names import NameList
from .chicago_text import is_english, page_range, parse, parse_title_case
from .richtext import Italic, Link, Quoted, Rich, Seq, Text, wrapped

# Titles of these types are "parts" (quoted); all others are whole works (italic).
QUOTED_TYPES = frozenset(
    [
        "article",
        "article-journal",
        "article-magazine",
        "article-newspaper",
        "chapter",
        "entry",
        "entry-dictionary",
        "entry-encyclopedia",
        "interview",
        "manuscript",
        "paper-conference",
        "post",
        "post-weblog",
        "speech",
        "thesis",
        "webpage",
        "personal_communication",
        "song",
        "review",
        "review-book",
    ]
)
PERIODICAL_TYPES = frozenset(["article-magazine", "article-newspaper", "post-weblog", "webpage"])
MARKDOWN_ONLY = frozenset({"markdown"})

ORDINALS = {1: "st", 2: "nd", 3: "rd"}


def ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else ORDINALS.get(number % 10, "th")
    return f"{number}{suffix}"


@lru_cache(maxsize=65536)
def styled_title(value: str, english: bool) -> Rich:
    """Parsed title words, in title case for English (cached: rich text is never mutated)."""
    return parse_title_case(value) if english else parse(value)


_UNSET: Any = object()


class Entry:
    """Read-only view of one CSL-JSON item.

    The disambiguation fields (``year_suffix``, ``givens``, ``names_shown``) are set by
    :mod:`.chicago_disambig`; ``memo`` keeps computed parts. What is read from ``raw`` is read
    once (the item is not changed while an Entry lives).
    """

    __slots__ = (
        "_accessed",
        "_english",
        "_issued",
        "_names",
        "_title_core",
        "_url",
        "givens",
        "id",
        "memo",
        "names_shown",
        "raw",
        "type",
        "year_suffix",
    )

    def __init__(
        self,
        raw: Mapping[str, Any],
        year_suffix: str = "",
        givens: dict[int, str] | None = None,
        names_shown: int = 0,
        memo: dict[object, Any] | None = None,
    ) -> None:
        self.raw = raw
        self.year_suffix = year_suffix
        self.givens: dict[int, str] = {} if givens is None else givens  # index -> initials
        self.names_shown = names_shown  # names shown before "et al." in citations (0 = default)
        self.memo: dict[object, Any] = {} if memo is None else memo  # computed parts
        self.id = str(raw.get("id", ""))
        self.type = str(raw.get("type") or "document")
        # read on first use, like everything below (a malformed field fails only where used)
        self._english: bool = _UNSET
        self._issued: Date | None = _UNSET
        self._names: dict[str, NameList] = {}
        self._accessed: Date | None = _UNSET
        self._title_core: Rich | None = _UNSET
        self._url: str = _UNSET

    def __repr__(self) -> str:
        return f"Entry({self.raw!r}, year_suffix={self.year_suffix!r})"

    @property
    def english(self) -> bool:
        if self._english is _UNSET:
            self._english = is_english(self.raw.get("language"))
        return self._english

    def has(self, key: str) -> bool:
        value = self.raw.get(key)
        return value not in (None, "", [])

    def string(self, key: str) -> str:
        value = self.raw.get(key)
        if type(value) is str:  # most values ("" strips to "" as well)
            return value.strip()
        return str(value).strip() if value not in (None, "") else ""

    def text(self, key: str) -> Rich | None:
        value = self.string(key)
        return parse(value) if value else None

    def titled(self, key: str) -> Rich | None:
        """A title-like field, in title case if the item is in English."""
        value = self.string(key)
        return styled_title(value, self.english) if value else None

    def names(self, role: str) -> NameList:
        """The names of ``role`` (read once; callers do not change the list)."""
        found = self._names.get(role)
        if found is None:
            value = self.raw.get(role)
            if value is None or (
                type(value) is not list
                and (not isinstance(value, Sequence) or isinstance(value, str))
            ):
                found = NameList([])
            else:
                found = NameList([n for n in value if type(n) is dict or isinstance(n, Mapping)])
            self._names[role] = found
        return found

    # ------------------------------------------------------------------ dates

    @property
    def issued(self) -> Date | None:
        if self._issued is _UNSET:
            self._issued = parse_date(self.raw.get("issued"))
        return self._issued

    @property
    def accessed(self) -> Date | None:
        if self._accessed is _UNSET:
            self._accessed = parse_date(self.raw.get("accessed"))
        return self._accessed

    def year(self) -> str:
        """'2018a', 'n.d.', 'n.d.-a'."""
        issued = self.issued
        if issued is None:
            return "n.d." + (f"-{self.year_suffix}" if self.year_suffix else "")
        return issued.year_text() + self.year_suffix

    # ------------------------------------------------------------------ titles

    @property
    def title_core(self) -> Rich | None:
        """The title words (romanized if a romanization is given), without quotes or italics."""
        if self._title_core is _UNSET:
            translit = self.string("title-translit")
            self._title_core = parse(translit) if translit else self.titled("title")
        return self._title_core

    @property
    def title_quoted(self) -> bool:
        if self.type == "broadcast":
            return self.has("container-title")
        return self.type in QUOTED_TYPES

    def title(self, *, translated: bool = True, short: bool = False) -> Rich | None:
        """The styled title: “Quoted” or *italic*, with a translation in brackets."""
        core = self.titled("title-short") if short and self.has("title-short") else None
        core = core or self.title_core
        if core is None:
            return None
        styled: Rich = wrapped(Quoted if self.title_quoted else Italic, core)
        url = self.url
        if url and not short:
            styled = Link(url, styled, formats=MARKDOWN_ONLY)
        translation = self.string("translated-title") if translated else ""
        if translation:
            return Seq(styled, Text(" ["), parse(translation), Text("]"))
        return styled

    def container(self) -> Rich | None:
        core = self.titled("container-title")
        return wrapped(Italic, core) if core is not None else None

    # ------------------------------------------------------------------ numbers, links

    def pages(self) -> str:
        return page_range(self.string("page"))

    def edition(self) -> str:
        value = self.string("edition")
        if not value:
            return ""
        if value.isdigit():
            return f"{ordinal(int(value))} ed."
        if value.lower().endswith(("ed.", "edition")):
            return value
        return f"{value} ed."

    @property
    def url(self) -> str:
        if self._url is _UNSET:
            doi = self.string("DOI")
            if doi:
                doi = doi.removeprefix("https://doi.org/").removeprefix("doi:")
                self._url = f"https://doi.org/{doi}"
            else:
                self._url = self.string("URL")
        return self._url

    def link(self) -> Rich | None:
        url = self.url
        return Link(url) if url else None
