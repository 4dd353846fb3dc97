"""Entry types: mnkbib's type names (aligned with CSL) and their mappings.

A table, not if-chains: each type says which CSL type it is, which BibTeX and
BibLaTeX entry types it is exported as, and which fields a complete entry has.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EntryType:
    name: str
    csl: str
    bibtex: str
    biblatex: str
    required: tuple[str, ...]
    description: str


_T = EntryType
# fmt: off
ENTRY_TYPES: dict[str, EntryType] = {
    t.name: t
    for t in (
        #  name, CSL type, BibTeX type, BibLaTeX type, fields `check` expects, description
        _T("article-journal", "article-journal", "article", "article", ("title", "author", "container", "date"), "journal article"),
        _T("article-magazine", "article-magazine", "article", "article", ("title", "author", "container", "date"), "magazine article (The Diplomat)"),
        _T("article-newspaper", "article-newspaper", "article", "article", ("title", "container", "date"), "newspaper article"),
        _T("article", "article", "misc", "article", ("title",), "article of unknown kind (preprint, working paper)"),
        _T("post-weblog", "post-weblog", "misc", "online", ("title", "author", "container", "date"), "blog post (Mongolia Focus)"),
        _T("post", "post", "misc", "online", ("title", "author", "date"), "forum or social-media post"),
        _T("webpage", "webpage", "misc", "online", ("title",), "web page or TV/station website item"),
        _T("broadcast", "broadcast", "misc", "misc", ("title", "container", "date"), "radio or TV programme or segment (MongolTV)"),
        _T("interview", "interview", "misc", "misc", ("title", "author", "date"), "interview"),
        _T("book", "book", "book", "book", ("title", "author", "date"), "book"),
        _T("edited-book", "book", "book", "collection", ("title", "editor", "date"), "edited book (editors, no authors)"),
        _T("chapter", "chapter", "incollection", "incollection", ("title", "author", "container", "date"), "chapter in an edited book"),
        _T("entry-encyclopedia", "entry-encyclopedia", "incollection", "inreference", ("title", "container"), "encyclopedia entry"),
        _T("entry-dictionary", "entry-dictionary", "incollection", "inreference", ("title", "container"), "dictionary entry"),
        _T("paper-conference", "paper-conference", "inproceedings", "inproceedings", ("title", "author", "container", "date"), "conference paper"),
        _T("report", "report", "techreport", "report", ("title", "date"), "report or working paper"),
        _T("thesis", "thesis", "phdthesis", "thesis", ("title", "author", "publisher", "date"), "thesis (genre: PhD dissertation, MA thesis)"),
        _T("manuscript", "manuscript", "unpublished", "unpublished", ("title", "author"), "unpublished manuscript"),
        _T("speech", "speech", "misc", "misc", ("title", "author", "date"), "talk, lecture or presentation"),
        _T("review", "review", "article", "article", ("title", "author", "container", "date"), "review"),
        _T("dataset", "dataset", "misc", "dataset", ("title", "date"), "data set"),
        _T("software", "software", "misc", "software", ("title",), "software"),
        _T("motion-picture", "motion_picture", "misc", "misc", ("title", "date"), "film or video"),
        _T("legislation", "legislation", "misc", "misc", ("title",), "law or regulation"),
        _T("patent", "patent", "misc", "patent", ("title", "number"), "patent"),
        _T("personal-communication", "personal_communication", "misc", "misc", ("author", "date"), "letter, e-mail"),
        _T("document", "document", "misc", "misc", ("title",), "anything else"),
    )
}
# fmt: on

ALIASES: dict[str, str] = {
    "journal-article": "article-journal",
    "magazine-article": "article-magazine",
    "newspaper-article": "article-newspaper",
    "blog-post": "post-weblog",
    "blog": "post-weblog",
    "web-page": "webpage",
    "web": "webpage",
    "tv": "broadcast",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "techreport": "report",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "misc": "document",
    "online": "webpage",
    "collection": "edited-book",
}


def resolve_type(name: str) -> EntryType | None:
    """The entry type for a name or alias (case-insensitive), or None."""
    key = name.strip().lower().replace("_", "-").replace(" ", "-")
    key = ALIASES.get(key, key)
    return ENTRY_TYPES.get(key)
