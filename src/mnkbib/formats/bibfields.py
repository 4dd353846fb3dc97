"""The BibTeX/BibLaTeX vocabulary both the reader and the writers use."""

from __future__ import annotations

from mnkbib.types import ENTRY_TYPES

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip

# Fields whose values are verbatim: never LaTeX-decoded or -encoded.
VERBATIM = frozenset(
    [
        "url",
        "doi",
        "file",
        "pdf",
        "eprint",
        "verba",
        "verbb",
        "verbc",
        "urlraw",
        "local-url",
        "bdsk-url-1",
        "bdsk-url-2",
        "bdsk-file-1",
        "bdsk-file-2",
        "ids",
        "xdata",
        "crossref",
        "xref",
        "related",
    ]
)

# Classic BibTeX entry types (what plain.bst knows) and BibLaTeX's (datamodel + aliases).
BIBTEX_TYPES = frozenset(
    [
        "article",
        "book",
        "booklet",
        "conference",
        "inbook",
        "incollection",
        "inproceedings",
        "manual",
        "mastersthesis",
        "misc",
        "phdthesis",
        "proceedings",
        "techreport",
        "unpublished",
    ]
)
BIBLATEX_TYPES = frozenset(
    [
        "article",
        "artwork",
        "audio",
        "bibnote",
        "book",
        "bookinbook",
        "booklet",
        "collection",
        "commentary",
        "customa",
        "customb",
        "customc",
        "customd",
        "custome",
        "customf",
        "dataset",
        "inbook",
        "incollection",
        "inproceedings",
        "inreference",
        "image",
        "jurisdiction",
        "legal",
        "legislation",
        "letter",
        "manual",
        "misc",
        "movie",
        "music",
        "mvcollection",
        "mvreference",
        "mvproceedings",
        "mvbook",
        "online",
        "patent",
        "performance",
        "periodical",
        "proceedings",
        "reference",
        "report",
        "review",
        "set",
        "software",
        "standard",
        "suppbook",
        "suppcollection",
        "suppperiodical",
        "thesis",
        "unpublished",
        "video",
        "xdata",
        "conference",
        "electronic",
        "mastersthesis",
        "phdthesis",
        "techreport",
        "www",
    ]
)

# Types the BibLaTeX writer uses instead of types.py's where biblatex's data model gives the
# type no title (audio, movie, letter …) or treats it as another type (review).
# File types -> mnkbib type, beyond types.resolve_type's aliases.
READ_TYPES = {
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "bookinbook": "chapter",
    "inbook": "chapter",
    "suppbook": "chapter",
    "booklet": "book",
    "collection": "edited-book",
    "mvcollection": "edited-book",
    "proceedings": "edited-book",
    "mvproceedings": "edited-book",
    "reference": "edited-book",
    "mvreference": "edited-book",
    "incollection": "chapter",
    "suppcollection": "chapter",
    "inreference": "entry-encyclopedia",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "manual": "report",
    "techreport": "report",
    "report": "report",
    "mastersthesis": "thesis",
    "phdthesis": "thesis",
    "thesis": "thesis",
    "unpublished": "manuscript",
    "online": "webpage",
    "www": "webpage",
    "electronic": "webpage",
    "misc": "document",
    "dataset": "dataset",
    "software": "software",
    "movie": "motion-picture",
    "video": "motion-picture",
    "audio": "broadcast",
    "legislation": "legislation",
    "patent": "patent",
    "letter": "personal-communication",
    "review": "review",
    "periodical": "document",
    "standard": "report",
}

# Role fields. Classic BibTeX writes each role as a field of its own; BibLaTeX writes the
# roles it has no field for as editora/editorb/editorc with an editor type.
ROLE_FIELDS = {
    "author": "author",
    "editor": "editor",
    "translator": "translator",
    "container-author": "bookauthor",
    "collection-editor": "serieseditor",
    "director": "director",
    "interviewer": "interviewer",
    "recipient": "recipient",
}
EDITOR_TYPES = {
    "collection-editor": "serieseditor",
    "director": "director",
    "interviewer": "interviewer",
    "recipient": "recipient",
}
ARTICLE_TYPES = frozenset({"article"})
BOOKTITLE_TYPES = frozenset(
    {"incollection", "inproceedings", "inbook", "inreference", "bookinbook", "suppbook",
     "suppcollection", "conference"}
)  # fmt: skip
SERIES_NUMBER_TYPES = frozenset(
    {"book", "collection", "incollection", "inbook", "inproceedings", "proceedings", "mvbook",
     "conference", "bookinbook", "reference", "inreference", "booklet"}
)  # fmt: skip


def bibtex_type(mnkbib_type: str) -> str:
    return ENTRY_TYPES[mnkbib_type].bibtex


def biblatex_type(mnkbib_type: str) -> str:
    return ENTRY_TYPES[mnkbib_type].biblatex


def type_of(file_type: str) -> str | None:
    """The mnkbib type a .bib entry type is read as (None: unknown)."""
    t = file_type.lower()
    if t in READ_TYPES:
        return READ_TYPES[t]
    from mnkbib.types import resolve_type

    found = resolve_type(t)
    return found.name if found else None


def subtype_name(mnkbib_type: str) -> str:
    """``entrysubtype`` value naming an mnkbib type (biblatex-chicago's for magazines)."""
    return {"article-magazine": "magazine", "article-newspaper": "newspaper"}.get(
        mnkbib_type, mnkbib_type
    )


def type_from_subtype(value: str) -> str | None:
    v = value.strip().lower()
    if v == "magazine":
        return "article-magazine"
    if v == "newspaper":
        return "article-newspaper"
    return v if v in ENTRY_TYPES else None
