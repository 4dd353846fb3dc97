"""Chicago Manual of Style, 18th edition: author-date, notes-bibliography, shortened notes.

Each style takes CSL-JSON items and returns rich text (see :mod:`.richtext`). The templates per
entry type live in :mod:`.chicago_templates`, names in :mod:`.chicago_names`, order in
:mod:`.chicago_sort` and the a/b/c letters in :mod:`.chicago_disambig`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from mnkbib.errors import NotFoundError, UsageError
from mnkbib.gcpause import gc_paused

from .base import Cite
from .chicago_disambig import disambiguate
from .chicago_entry import Entry
from .chicago_locators import format_locator
from .chicago_parts import Creator, creator, date_full
from .chicago_sort import author_date_key, notes_key
from .chicago_templates import (
    BIB_TEMPLATES,
    NOTE_TEMPLATES,
    bib_book,
    contributor_phrase_interview,
    note_book,
)
from .richtext import Rich, Seq, Text, add_suffix, capitalize_first, join, join_with_suffix

Item = Mapping[str, Any]

# a bibliography lists these only with something a reader can retrieve (CMOS 14.111, 14.115)
RETRIEVABLE = ("archive", "archive-place", "container-title", "DOI", "number", "publisher", "URL")
UNLISTED = frozenset({"interview", "personal_communication"})
UNLISTED_IN_NOTES = frozenset({"document", "manuscript", "paper-conference", "speech"})


def _entries(items: Sequence[Item]) -> list[Entry]:
    return [Entry(item) for item in items]


def _listed(entry: Entry, *, notes_rules: bool) -> bool:
    raw = entry.raw
    for key in RETRIEVABLE:
        if raw.get(key) not in (None, "", []):  # entry.has(key), without a call for each
            return True
    if entry.type in UNLISTED:
        return False
    return not (notes_rules and entry.type in UNLISTED_IN_NOTES | {"post"})


def _find(items: Sequence[Item], key: str) -> Item:
    for item in items:
        if item.get("id") == key:
            return item
    raise NotFoundError(f"no entry with key {key!r}")


def _bib_entry(entry: Entry, *, notes: bool) -> Rich:
    head = creator(entry, "bib")
    template = BIB_TEMPLATES.get(entry.type, bib_book)
    parts = template(entry, head, notes)
    # add_suffix(join([head, *parts], ". "), ".") in one flat sequence; author-date's year
    # after the head is a part like the others (join([head, year], ". ") nested in the
    # join would put the same separators between the same words)
    if notes:
        return join_with_suffix([head.rich, *parts], ". ", ".")
    return join_with_suffix([head.rich, Text(entry.year()), *parts], ". ", ".")


class ChicagoStyle:
    """A reference list is the entries sorted by :meth:`sort_key`, disambiguated among
    themselves (author-date), and those :meth:`listed` rendered one by one
    (:meth:`render_entry`): each part but the disambiguation is of one entry alone."""

    name = "chicago"
    notes_rules = False

    def _sorted(self, items: Sequence[Item]) -> list[Entry]:
        raise NotImplementedError

    def sort_key(self, entry: Entry) -> tuple[object, ...]:
        raise NotImplementedError

    def listed(self, entry: Entry) -> bool:
        """Whether the entry has a place in the reference list."""
        return _listed(entry, notes_rules=self.notes_rules)

    def render_entry(self, entry: Entry) -> Rich:
        """The entry of the reference list. Of the disambiguation fields it reads only the
        year's letter (through ``entry.year()``): a cache of reference lists keeps the
        rendering of an entry without a letter."""
        raise NotImplementedError

    def bibliography(self, items: Sequence[Item]) -> list[tuple[str, Rich]]:
        with gc_paused():
            return [
                (entry.id, self.render_entry(entry))
                for entry in self._sorted(items)
                if _listed(entry, notes_rules=self.notes_rules)
            ]


class AuthorDate(ChicagoStyle):
    """Chicago author-date: reference list + parenthetical citations (CMOS chapter 13)."""

    name = "author-date"

    def __init__(self) -> None:
        # the last library seen, sorted and disambiguated: citing many works of one library
        # (a document) prepares it once. Keyed by the identity of the item objects.
        self._prepared: tuple[tuple[int, ...], list[Entry], dict[str, Entry]] | None = None

    def _prepare(self, items: Sequence[Item]) -> tuple[list[Entry], dict[str, Entry]]:
        key = tuple(map(id, items))
        if self._prepared is not None and self._prepared[0] == key:
            return self._prepared[1], self._prepared[2]
        with gc_paused():
            entries = sorted(_entries(items), key=author_date_key)
            disambiguate(entries)
        by_id = {entry.id: entry for entry in entries}
        self._prepared = (key, entries, by_id)
        return entries, by_id

    def _sorted(self, items: Sequence[Item]) -> list[Entry]:
        return self._prepare(items)[0]

    def sort_key(self, entry: Entry) -> tuple[object, ...]:
        return author_date_key(entry)

    def render_entry(self, entry: Entry) -> Rich:
        return _bib_entry(entry, notes=False)

    def citation(
        self, items: Sequence[Item], cites: Sequence[Cite], *, narrative: bool = False
    ) -> Rich:
        by_id = self._prepare(items)[1]  # cached with the entries
        groups: list[tuple[str, Rich | None, list[Rich]]] = []
        for cite in cites:
            entry = by_id.get(cite.id)
            if entry is None:
                raise NotFoundError(f"no entry with key {cite.id!r}")
            head = creator(entry, "short", disambiguate=True)
            label = head.rich.plain() if head.rich is not None else ""
            when = _year_and_locator(entry, cite)
            if groups and groups[-1][0] == label and not narrative:
                groups[-1][2].append(when)
            else:
                groups.append((label, head.rich, [when]))
        if narrative:
            return join(
                [
                    join([names, Seq(Text("("), join(dates, ", "), Text(")"))], " ")
                    for _, names, dates in groups
                ],
                "; ",
            )
        parts = []
        for _, names, dates in groups:
            first = dates[0]
            starts_nd = first.plain().startswith("n.d.")
            parts.append(join([names, join(dates, ", ")], ", " if starts_nd else " "))
        return Seq(Text("("), join(parts, "; "), Text(")"))

    def note(
        self, items: Sequence[Item], cite: Cite, *, kind: Literal["full", "short"] = "full"
    ) -> Rich:
        """Author-date has no notes (CMOS 13.1): raises UsageError."""
        raise UsageError("the author-date style has no notes; use citation()")


def _year_and_locator(entry: Entry, cite: Cite) -> Rich:
    locator = format_locator(cite.locator, cite.label) if cite.locator else ""
    return join([Text(entry.year()), Text(locator) if locator else None], ", ")


class NotesBibliography(ChicagoStyle):
    """Chicago notes and bibliography: full first note, short notes after (CMOS chapter 14)."""

    name = "notes-bibliography"
    notes_rules = True
    full_first = True

    def _sorted(self, items: Sequence[Item]) -> list[Entry]:
        return sorted(_entries(items), key=notes_key)

    def sort_key(self, entry: Entry) -> tuple[object, ...]:
        return notes_key(entry)

    def render_entry(self, entry: Entry) -> Rich:
        return _bib_entry(entry, notes=True)

    def note(
        self, items: Sequence[Item], cite: Cite, *, kind: Literal["full", "short"] = "full"
    ) -> Rich:
        entry = Entry(_find(items, cite.id))
        locator = format_locator(cite.locator, cite.label) if cite.locator else ""
        if kind == "full" and self.full_first:
            rich = _full_note(entry, locator)
        else:
            rich = _short_note(entry, locator)
        return capitalize_first(add_suffix(rich, "."))

    def citation(
        self, items: Sequence[Item], cites: Sequence[Cite], *, narrative: bool = False
    ) -> Rich:
        """A note citing several works: their notes joined by semicolons."""
        return join([self.note(items, cite, kind="full") for cite in cites], "; ")


class ShortenedNotes(NotesBibliography):
    """Chicago shortened notes: every note short, with a full bibliography (CMOS 14.29)."""

    name = "shortened-notes"
    notes_rules = False
    full_first = False

    def note(
        self, items: Sequence[Item], cite: Cite, *, kind: Literal["full", "short"] = "full"
    ) -> Rich:
        entry = Entry(_find(items, cite.id))
        if kind == "full" and not _listed(entry, notes_rules=False):
            # not in the bibliography (an unpublished interview): the first note says it all
            locator = format_locator(cite.locator, cite.label) if cite.locator else ""
            rich = _unlisted_note(entry, locator)
            return capitalize_first(add_suffix(rich, "."))
        return super().note(items, cite, kind=kind)


def _full_note(entry: Entry, locator: str) -> Rich:
    head = creator(entry, "note")
    if head.kind != "names" or (entry.type == "broadcast" and entry.has("number")):
        head = Creator(None, "none")
    template = NOTE_TEMPLATES.get(entry.type, note_book)
    return join([head.rich, *template(entry, head, locator)], ", ")


def _unlisted_note(entry: Entry, locator: str) -> Rich:
    head = creator(entry, "note")
    return join(
        [
            head.rich if head.kind == "names" else None,
            contributor_phrase_interview(entry, capital=False),
            Text(date_full(entry)),
            Text(locator) if locator else None,
            entry.text("medium"),
        ],
        ", ",
    )


def _short_note(entry: Entry, locator: str) -> Rich:
    head = creator(entry, "short")
    title = None
    if head.kind != "title":
        title = entry.title(short=True, translated=False)
        if title is None and entry.has("medium"):
            title = entry.text("medium")
    volume = entry.string("volume") if entry.type in ("book", "report") else ""
    if volume and locator:
        locator, volume = f"{volume}:{locator}", ""
    return join(
        [
            head.rich,
            title,
            Text(f"vol. {volume}") if volume else None,
            Text(locator) if locator else None,
        ],
        ", ",
    )
