"""A CSL-JSON item read once into the pieces Chicago templates use (titles, names, dates)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from .chicago_dates import Date, parse_date
from .chicago_names import Name
from .chicago_text import is_english, page_range, parse, title_case
from .richtext import Italic, Link, Quoted, Rich, Seq, Text

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
    rich = parse(value)
    return title_case(rich) if english else rich


@dataclass(eq=False)
class Entry:
    """Read-only view of one CSL-JSON item."""

    raw: Mapping[str, Any]
    year_suffix: str = ""
    givens: dict[int, str] = field(default_factory=dict)  # disambiguation: index -> initials
    names_shown: int = 0  # disambiguation: names shown before "et al." in citations (0 = default)
    memo: dict[object, Any] = field(default_factory=dict, repr=False)  # computed parts

    @property
    def id(self) -> str:
        return str(self.raw.get("id", ""))

    @property
    def type(self) -> str:
        return str(self.raw.get("type") or "document")

    @cached_property
    def english(self) -> bool:
        return is_english(self.raw.get("language"))

    def has(self, key: str) -> bool:
        value = self.raw.get(key)
        return value not in (None, "", [])

    def string(self, key: str) -> str:
        value = self.raw.get(key)
        return str(value).strip() if value not in (None, "") else ""

    def text(self, key: str) -> Rich | None:
        value = self.string(key)
        return parse(value) if value else None

    def titled(self, key: str) -> Rich | None:
        """A title-like field, in title case if the item is in English."""
        value = self.string(key)
        return styled_title(value, self.english) if value else None

    def names(self, role: str) -> list[Name]:
        value = self.raw.get(role)
        if not isinstance(value, Sequence) or isinstance(value, str):
            return []
        return [n for n in value if isinstance(n, Mapping)]

    # ------------------------------------------------------------------ dates

    @cached_property
    def issued(self) -> Date | None:
        return parse_date(self.raw.get("issued"))

    @cached_property
    def accessed(self) -> Date | None:
        return parse_date(self.raw.get("accessed"))

    def year(self) -> str:
        """'2018a', 'n.d.', 'n.d.-a'."""
        if self.issued is None:
            return "n.d." + (f"-{self.year_suffix}" if self.year_suffix else "")
        return self.issued.year_text() + self.year_suffix

    # ------------------------------------------------------------------ titles

    @cached_property
    def title_core(self) -> Rich | None:
        """The title words (romanized if a romanization is given), without quotes or italics."""
        translit = self.string("title-translit")
        if translit:
            return parse(translit)
        return self.titled("title")

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
        styled: Rich = Quoted(core) if self.title_quoted else Italic(core)
        url = self.url
        if url and not short:
            styled = Link(url, styled, formats=MARKDOWN_ONLY)
        translation = self.string("translated-title") if translated else ""
        if translation:
            return Seq(styled, Text(" ["), parse(translation), Text("]"))
        return styled

    def container(self) -> Rich | None:
        core = self.titled("container-title")
        return Italic(core) if core is not None else None

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

    @cached_property
    def url(self) -> str:
        doi = self.string("DOI")
        if doi:
            doi = doi.removeprefix("https://doi.org/").removeprefix("doi:")
            return f"https://doi.org/{doi}"
        return self.string("URL")

    def link(self) -> Rich | None:
        url = self.url
        return Link(url) if url else None
