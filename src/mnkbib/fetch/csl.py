"""CSL-JSON vocabulary and the clean-up every fetched item goes through.

Registries answer with CSL-JSON plus their own extras (Crossref adds ``reference``,
``indexed``, ``link`` …, titles as lists, JATS markup). :func:`clean_item` keeps only
CSL variables, in the shapes the CSL-JSON schema gives them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html.parser import HTMLParser
from typing import Any

from mnkbib.fetch.dates import parse_date

Item = dict[str, Any]

TYPES = frozenset(
    [
        "article",
        "article-journal",
        "article-magazine",
        "article-newspaper",
        "bill",
        "book",
        "broadcast",
        "chapter",
        "classic",
        "collection",
        "dataset",
        "document",
        "entry",
        "entry-dictionary",
        "entry-encyclopedia",
        "event",
        "figure",
        "graphic",
        "hearing",
        "interview",
        "legal_case",
        "legislation",
        "manuscript",
        "map",
        "motion_picture",
        "musical_score",
        "pamphlet",
        "paper-conference",
        "patent",
        "performance",
        "periodical",
        "personal_communication",
        "post",
        "post-weblog",
        "regulation",
        "report",
        "review",
        "review-book",
        "software",
        "song",
        "speech",
        "standard",
        "thesis",
        "treaty",
        "webpage",
    ]
)

# Type names some registries use that are not CSL types.
TYPE_ALIASES = {
    "journal-article": "article-journal",
    "proceedings-article": "paper-conference",
    "book-chapter": "chapter",
    "book-section": "chapter",
    "book-part": "chapter",
    "posted-content": "article",
    "dissertation": "thesis",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "book-set": "book",
    "book-series": "book",
    "reference-entry": "entry",
    "component": "document",
    "journal": "periodical",
    "proceedings": "book",
    "report-component": "report",
    "standard-series": "standard",
}

NAME_VARIABLES = frozenset(
    [
        "author",
        "chair",
        "collection-editor",
        "compiler",
        "composer",
        "container-author",
        "contributor",
        "curator",
        "director",
        "editor",
        "editorial-director",
        "executive-producer",
        "guest",
        "host",
        "illustrator",
        "interviewer",
        "narrator",
        "organizer",
        "original-author",
        "performer",
        "producer",
        "recipient",
        "reviewed-author",
        "script-writer",
        "series-creator",
        "translator",
    ]
)
DATE_VARIABLES = frozenset(
    ["accessed", "available-date", "event-date", "issued", "original-date", "submitted"]
)
TEXT_VARIABLES = frozenset(
    [
        "abstract",
        "annote",
        "archive",
        "archive_collection",
        "archive_location",
        "archive-place",
        "authority",
        "call-number",
        "chapter-number",
        "citation-key",
        "citation-label",
        "collection-number",
        "collection-title",
        "container-title",
        "container-title-short",
        "dimensions",
        "division",
        "DOI",
        "edition",
        "event",
        "event-place",
        "event-title",
        "genre",
        "ISBN",
        "ISSN",
        "issue",
        "jurisdiction",
        "language",
        "locator",
        "medium",
        "note",
        "number",
        "number-of-pages",
        "number-of-volumes",
        "original-publisher",
        "original-publisher-place",
        "original-title",
        "page",
        "page-first",
        "part",
        "part-title",
        "PMCID",
        "PMID",
        "printing",
        "publisher",
        "publisher-place",
        "references",
        "reviewed-genre",
        "reviewed-title",
        "scale",
        "section",
        "status",
        "supplement",
        "title",
        "title-short",
        "URL",
        "version",
        "volume",
        "volume-title",
        "volume-title-short",
        "year-suffix",
    ]
)
NAME_PARTS = (
    "family",
    "given",
    "dropping-particle",
    "non-dropping-particle",
    "suffix",
    "literal",
)
# Text fields that may carry JATS/HTML markup; never DOIs or URLs (a DOI may contain "<").
MARKUP_FIELDS = frozenset(
    [
        "title",
        "title-short",
        "container-title",
        "container-title-short",
        "original-title",
        "collection-title",
        "publisher",
        "event-title",
    ]
)
# Fields where a registry's list of values is kept, joined.
JOINED_FIELDS = frozenset({"ISSN", "ISBN"})


def clean_item(raw: Mapping[str, Any]) -> Item:
    """Only CSL variables, with names, dates and strings in their schema shapes; no empties."""
    item: Item = {}
    for key, value in raw.items():
        if key == "type":
            kind = clean_type(value)
            if kind:
                item["type"] = kind
        elif key == "id" and isinstance(value, (str, int)):
            item["id"] = str(value)
        elif key in NAME_VARIABLES:
            names = clean_names(value)
            if names:
                item[key] = names
        elif key in DATE_VARIABLES:
            date = clean_date(value)
            if date:
                item[key] = date
        elif key in TEXT_VARIABLES:
            text = clean_text(key, value)
            if text:
                item[key] = text
        elif key == "categories" and isinstance(value, list):
            categories = [one_line(str(c)) for c in value if isinstance(c, (str, int))]
            if categories:
                item["categories"] = categories
    return item


def clean_type(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    kind = value.strip()
    kind = TYPE_ALIASES.get(kind, kind)
    return kind if kind in TYPES else "document" if kind else None


def clean_text(key: str, value: object) -> str | None:
    if isinstance(value, list):
        parts = [v for v in value if isinstance(v, (str, int, float)) and str(v).strip()]
        if not parts:
            return None
        if key in JOINED_FIELDS:
            return ", ".join(dict.fromkeys(one_line(str(p)) for p in parts))
        value = parts[0]
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    text = str(value)
    if key == "abstract":
        return strip_markup(text, paragraphs=True) or None
    if key in MARKUP_FIELDS:
        return strip_markup(text) or None
    return one_line(text) or None


def clean_names(value: object) -> list[dict[str, str]]:
    if not isinstance(value, list):
        return []
    names = []
    for raw in value:
        if not isinstance(raw, Mapping):
            continue
        name = {
            part: one_line(str(raw[part]))
            for part in NAME_PARTS
            if isinstance(raw.get(part), (str, int)) and str(raw[part]).strip()
        }
        if not name and isinstance(raw.get("name"), str) and raw["name"].strip():
            name = {"literal": one_line(raw["name"])}
        if name:
            names.append(name)
    return names


def clean_date(value: object) -> dict[str, Any] | None:
    if not isinstance(value, Mapping):
        return parse_date(value) if isinstance(value, str) else None
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list):
        numbers: list[int] = []
        for part in parts[0][:3]:
            if isinstance(part, str) and part.strip().isdigit():
                part = int(part)
            if not isinstance(part, int) or isinstance(part, bool):
                break
            numbers.append(part)
        if numbers:
            return {"date-parts": [numbers]}
    for key in ("raw", "literal"):
        if isinstance(value.get(key), str):
            parsed = parse_date(value[key])
            if parsed:
                return parsed
            if key == "literal" and value[key].strip():
                return {"literal": one_line(value[key])}
    return None


def one_line(text: str) -> str:
    return " ".join(text.split())


def first_text(values: Iterable[object]) -> str | None:
    for value in values:
        if isinstance(value, str) and value.strip():
            return value
    return None


def strip_markup(text: str, *, paragraphs: bool = False) -> str:
    """Text without HTML/JATS tags or entities; paragraphs joined by a blank line if asked."""
    if "<" not in text and "&" not in text:
        return one_line(text)
    stripper = _Stripper()
    stripper.feed(text)
    stripper.close()
    blocks = [one_line(block) for block in stripper.blocks()]
    blocks = [block for block in blocks if block]
    if paragraphs and len(blocks) > 1 and blocks[0].rstrip(".:").lower() in _HEADINGS:
        blocks = blocks[1:]
    return ("\n\n" if paragraphs else " ").join(blocks)


_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "br",
        "sec",
        "title",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "section",
        "table",
        "tr",
    ]
)
_SKIPPED_TAGS = frozenset({"script", "style", "mml:annotation", "annotation"})
_HEADINGS = frozenset({"abstract", "summary"})


class _Stripper(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._blocks: list[list[str]] = [[]]
        self._skipping = 0

    def _local(self, tag: str) -> str:
        return tag.rpartition(":")[2]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif self._local(tag) in _BLOCK_TAGS:
            self._blocks.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif self._local(tag) in _BLOCK_TAGS:
            self._blocks.append([])

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._blocks[-1].append(data)

    def blocks(self) -> list[str]:
        return ["".join(block) for block in self._blocks]


_ORDER = [
    "type",
    "id",
    "title",
    "title-short",
    "author",
    "editor",
    "translator",
    "issued",
    "container-title",
    "container-title-short",
    "collection-title",
    "volume",
    "issue",
    "page",
    "number",
    "edition",
    "publisher",
    "publisher-place",
    "number-of-pages",
    "DOI",
    "ISBN",
    "ISSN",
    "URL",
    "language",
    "abstract",
    "note",
    "accessed",
]


def ordered(item: Item) -> Item:
    """The same item with its keys in a readable order (type, id, title, author … accessed)."""
    rank = {key: i for i, key in enumerate(_ORDER)}
    return dict(sorted(item.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0])))
