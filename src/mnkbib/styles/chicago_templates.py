"""Chicago templates per entry type: bibliography entry, full note, short note.

Three tables map a CSL type to a template; a template returns the parts of the entry after its
creator, and the caller joins them (". " in a bibliography, ", " in a note). ``notes=True`` is the
notes-bibliography list (date at the end of the publication facts), ``notes=False`` the
author-date reference list (year after the author).
"""

from __future__ import annotations

from collections.abc import Callable

from .chicago_entry import Entry
from .chicago_parts import (
    Creator,
    accessed,
    contributor_phrase,
    date_full,
    date_year,
    genre_number,
    publisher_in_parens,
    secondary,
    series,
)
from .richtext import Rich, Seq, Text, join, wrap

Parts = list[Rich | None]
BibTemplate = Callable[[Entry, Creator, bool], Parts]
NoteTemplate = Callable[[Entry, Creator, str], Parts]


def _title(entry: Entry, head: Creator) -> Rich | None:
    return None if head.kind == "title" else entry.title()


def _month_day(entry: Entry, notes: bool) -> str:
    if entry.issued is None:
        return ""
    return entry.issued.full() if notes else entry.issued.month_day()


def _publisher_date(entry: Entry, notes: bool) -> Rich | None:
    publisher = entry.text("publisher")
    if not notes:
        return publisher
    return join([publisher, Text(date_year(entry))], ", ")


def _plain(text: str) -> Rich | None:
    return Text(text) if text else None


# --------------------------------------------------------------------------- bibliography


def bib_journal(entry: Entry, head: Creator, notes: bool) -> Parts:
    return [_title(entry, head), journal_source(entry, notes, entry.pages()), entry.link()]


def journal_source(entry: Entry, notes: bool, pages: str) -> Rich | None:
    container = entry.container()
    volume, issue = entry.string("volume"), entry.string("issue")
    issued = entry.issued
    if notes:
        numbers = join([_plain(volume), _plain(f"no. {issue}" if issue else "")], ", ")
        source = join([container, numbers], " ")
        if volume or issue:
            when = date_full(entry) if issued is None else issued.year_text()
            if issued is not None and not issue and issued.month_name:
                when = f"{issued.month_name} {issued.year_text()}"
            source = join([source, Text(f"({when})")], " ")
            return join([source, _plain(pages)], ": ")
        return join([join([source, Text(date_full(entry))], ", "), _plain(pages)], ", ")
    detail = ""
    if issue:
        detail = f" ({issue})"
    elif issued is not None and issued.month_name and volume:
        detail = f" ({issued.month_name})"
    source = join([container, _plain(volume + detail)], " ")
    return join([source, _plain(pages)], ": " if volume else ", ")


def bib_periodical(entry: Entry, head: Creator, notes: bool) -> Parts:
    container = None if head.kind == "container" else _periodical_container(entry)
    when = _plain(_month_day(entry, notes))
    return [
        _title(entry, head),
        entry.text("section"),
        join([container, when], ", "),
        accessed(entry, "bib"),
        entry.link(),
    ]


def _periodical_container(entry: Entry) -> Rich | None:
    core = entry.titled("container-title")
    if core is None:
        return None
    if entry.type == "webpage":
        return core
    container = entry.container()
    place = entry.string("publisher-place")
    if entry.type == "article-newspaper" and place:
        return Seq(container or Text(""), Text(f" ({place})"))
    return container


def bib_book(entry: Entry, head: Creator, notes: bool) -> Parts:
    volume = entry.string("volume")
    return [
        _title(entry, head),
        _plain(entry.edition()),
        *secondary(entry, head, "bib", ("editor", "translator")),
        _plain(f"Vol. {volume}" if volume else ""),
        series(entry),
        _publisher_date(entry, notes),
        entry.link(),
    ]


def bib_chapter(entry: Entry, head: Creator, notes: bool) -> Parts:
    in_book = join(
        [entry.container(), _lower_first(contributor_phrase(entry, "editor", "bib"))], ", "
    )
    return [
        _title(entry, head),
        wrap("In ", in_book, ""),
        *secondary(entry, head, "bib", ("translator",)),
        _publisher_date(entry, notes),
        entry.link(),
    ]


def _lower_first(rich: Rich | None) -> Rich | None:
    if rich is None or not isinstance(rich, Text):
        return rich
    return Text(rich.value[:1].lower() + rich.value[1:])


def bib_report(entry: Entry, head: Creator, notes: bool) -> Parts:
    return [
        _title(entry, head),
        genre_number(entry, capitalize=True),
        series(entry),
        _publisher_date(entry, notes),
        entry.link(),
    ]


def bib_thesis(entry: Entry, head: Creator, notes: bool) -> Parts:
    facts = join([entry.text("genre"), entry.text("publisher")], ", ")
    if notes:
        facts = join([facts, Text(date_year(entry))], ", ")
    return [_title(entry, head), facts, entry.link()]


def bib_conference(entry: Entry, head: Creator, notes: bool) -> Parts:
    if entry.has("container-title"):
        return [_title(entry, head), _proceedings(entry, notes, entry.pages()), entry.link()]
    return [
        _title(entry, head),
        _presented(entry, capital=True),
        _plain(_month_day(entry, notes)),
        entry.link(),
    ]


def _proceedings(entry: Entry, notes: bool, pages: str) -> Rich | None:
    place = entry.string("publisher-place")
    container = join([entry.container(), _plain(f"({place})" if place else "")], " ")
    return join([container, _plain(date_year(entry)) if notes else None, _plain(pages)], ", ")


def _presented(entry: Entry, *, capital: bool) -> Rich | None:
    event = entry.text("event-title") or entry.text("event")
    if event is None:
        return None
    word = "Paper presented at " if capital else "paper presented at "
    return join([Seq(Text(word), event), entry.text("event-place")], ", ")


def bib_interview(entry: Entry, head: Creator, notes: bool) -> Parts:
    when = _plain(_month_day(entry, notes))
    source = join([entry.container(), entry.text("publisher"), when], ", ")
    by = contributor_phrase_interview(entry, capital=True)
    return [_title(entry, head), by, source, entry.link()]


def contributor_phrase_interview(entry: Entry, *, capital: bool) -> Rich | None:
    from .chicago_names import name_list

    names = entry.names("interviewer")
    if not names:
        return None
    word = "Interview by" if capital else "interview by"
    return Text(f"{word} {name_list(names, 'long', et_al_min=99, et_al_use_first=99)}")


def bib_broadcast(entry: Entry, head: Creator, notes: bool) -> Parts:
    when = _month_day(entry, notes)
    publisher = entry.text("publisher")
    if entry.has("number") and entry.has("container-title"):
        episode = join([Text(f"Episode {entry.string('number')}"), entry.title()], ", ")
        aired = join([_plain(f"Aired {when}" if when else ""), wrap("on ", publisher, "")], ", ")
        return [
            entry.container() if head.kind != "container" else None,
            episode,
            aired,
            entry.link(),
        ]
    return [
        _title(entry, head),
        entry.text("genre"),
        entry.container() if head.kind != "container" else None,
        join([publisher, _plain(when)], ", "),
        entry.link(),
    ]


BIB_TEMPLATES: dict[str, BibTemplate] = {
    "article-journal": bib_journal,
    "article": bib_journal,
    "article-magazine": bib_periodical,
    "article-newspaper": bib_periodical,
    "post-weblog": bib_periodical,
    "post": bib_periodical,
    "webpage": bib_periodical,
    "book": bib_book,
    "chapter": bib_chapter,
    "entry": bib_chapter,
    "entry-dictionary": bib_chapter,
    "entry-encyclopedia": bib_chapter,
    "report": bib_report,
    "thesis": bib_thesis,
    "paper-conference": bib_conference,
    "speech": bib_conference,
    "interview": bib_interview,
    "broadcast": bib_broadcast,
}


# --------------------------------------------------------------------------- full notes


def _loc_or(loc: str, fallback: str) -> str:
    return loc or fallback


def note_journal(entry: Entry, head: Creator, loc: str) -> Parts:
    return [
        _title(entry, head),
        journal_source(entry, True, _loc_or(loc, entry.pages())),
        entry.link(),
    ]


def note_periodical(entry: Entry, head: Creator, loc: str) -> Parts:
    container = _periodical_container(entry)
    when = _plain(entry.issued.full()) if entry.issued else None
    return [
        entry.title(),
        entry.text("section"),
        container,
        when,
        _plain(loc),
        accessed(entry, "note"),
        entry.link(),
    ]


def note_book(entry: Entry, head: Creator, loc: str) -> Parts:
    volume = entry.string("volume")
    has_series = entry.has("collection-title")
    vol_in_loc = bool(volume and loc and not has_series)
    main = join(
        [
            _title(entry, head),
            _plain(entry.edition()),
            *secondary(entry, head, "note", ("editor", "translator")),
            _plain(f"vol. {volume}" if volume and not vol_in_loc else ""),
            series(entry),
        ],
        ", ",
    )
    loc = f"{volume}:{loc}" if vol_in_loc else loc
    return [join([main, publisher_in_parens(entry)], " "), _plain(loc), entry.link()]


def note_chapter(entry: Entry, head: Creator, loc: str) -> Parts:
    in_book = wrap(
        "in ", join([entry.container(), contributor_phrase(entry, "editor", "note")], ", "), ""
    )
    main = join(
        [_title(entry, head), in_book, *secondary(entry, head, "note", ("translator",))], ", "
    )
    return [join([main, publisher_in_parens(entry)], " "), _plain(loc), entry.link()]


def note_report(entry: Entry, head: Creator, loc: str) -> Parts:
    main = join([_title(entry, head), genre_number(entry, capitalize=False), series(entry)], ", ")
    return [join([main, publisher_in_parens(entry)], " "), _plain(loc), entry.link()]


def note_thesis(entry: Entry, head: Creator, loc: str) -> Parts:
    facts = join([entry.text("genre"), entry.text("publisher"), Text(date_year(entry))], ", ")
    return [join([_title(entry, head), wrap("(", facts, ")")], " "), _plain(loc), entry.link()]


def note_conference(entry: Entry, head: Creator, loc: str) -> Parts:
    if entry.has("container-title"):
        return [
            _title(entry, head),
            _proceedings(entry, True, _loc_or(loc, entry.pages())),
            entry.link(),
        ]
    return [
        _title(entry, head),
        _presented(entry, capital=False),
        _plain(date_full(entry)),
        _plain(loc),
        entry.link(),
    ]


def note_interview(entry: Entry, head: Creator, loc: str) -> Parts:
    place = entry.string("publisher-place")
    return [
        _title(entry, head),
        contributor_phrase_interview(entry, capital=False),
        entry.container(),
        entry.text("publisher"),
        _plain(f"({place})" if place and not entry.has("container-title") else ""),
        _plain(date_full(entry)),
        _plain(loc),
        entry.text("medium"),
        entry.link(),
    ]


def note_broadcast(entry: Entry, head: Creator, loc: str) -> Parts:
    when = date_full(entry)
    publisher = entry.text("publisher")
    if entry.has("number") and entry.has("container-title"):
        return [
            entry.container(),
            _plain(f"episode {entry.string('number')}"),
            entry.title(),
            contributor_phrase(entry, "director", "note"),
            join([_plain(f"aired {when}"), wrap("on ", publisher, "")], ", "),
            _plain(loc),
            entry.link(),
        ]
    return [
        _title(entry, head),
        entry.text("genre"),
        entry.container(),
        publisher,
        _plain(when),
        _plain(loc),
        entry.link(),
    ]


NOTE_TEMPLATES: dict[str, NoteTemplate] = {
    "article-journal": note_journal,
    "article": note_journal,
    "article-magazine": note_periodical,
    "article-newspaper": note_periodical,
    "post-weblog": note_periodical,
    "post": note_periodical,
    "webpage": note_periodical,
    "book": note_book,
    "chapter": note_chapter,
    "entry": note_chapter,
    "entry-dictionary": note_chapter,
    "entry-encyclopedia": note_chapter,
    "report": note_report,
    "thesis": note_thesis,
    "paper-conference": note_conference,
    "speech": note_conference,
    "interview": note_interview,
    "broadcast": note_broadcast,
}
