"""Turning what the user gave ``mnkbib add`` into entries. No I/O but the fetcher's.

Sources, tried in this order: stdin in a known format (BibTeX, CSL-JSON, RIS) or
pasted reference lines or identifiers one per line; identifiers (DOI, ISBN,
arXiv, URL); a pasted reference line; a short label. Options fill and override
what a source gives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mnkbib.errors import UsageError, ValidationError
from mnkbib.library import Library
from mnkbib.model import Entry, entry_from_raw, order_fields
from mnkbib.paste import (
    entry_from_label,
    guess_type,
    parse_label,
    parse_reference,
    parse_references,
    people_index,
)

_OPTION_FIELDS = {
    "title": "title",
    "subtitle": "subtitle",
    "translated_title": "translated-title",
    "container": "container",
    "publisher": "publisher",
    "place": "place",
    "volume": "volume",
    "issue": "issue",
    "pages": "pages",
    "edition": "edition",
    "doi": "doi",
    "isbn": "isbn",
    "url": "url",
    "accessed": "accessed",
    "language": "language",
    "note": "note",
    "abstract": "abstract",
}


@dataclass(slots=True)
class AddRequest:
    sources: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    extra: list[str] = field(default_factory=list)
    key: str | None = None
    fmt: str | None = None
    stdin: str | None = None
    stdin_name: str = "<stdin>"


@dataclass(slots=True)
class Built:
    entries: list[Entry]
    notes: list[str]
    fetched: bool = False


def _looks_like_identifier(text: str) -> bool:
    return bool(text) and not any(ch.isspace() for ch in text.strip())


def _option_raw(options: dict[str, Any], extra: list[str]) -> dict[str, Any]:
    from mnkbib.editing import parse_assignment

    raw: dict[str, Any] = {}
    for opt, name in _OPTION_FIELDS.items():
        value = options.get(opt)
        if value:
            raw[name] = value
    for role in ("author", "editor", "translator"):
        people = options.get(role) or ()
        if people:
            raw[role] = [p for p in people]
    if options.get("date"):
        raw["date"] = options["date"]
    elif options.get("year"):
        raw["date"] = str(options["year"])
    if options.get("tag"):
        raw["tags"] = list(options["tag"])
    if options.get("type_"):
        raw["type"] = options["type_"]
    for item in extra:
        name, value = parse_assignment(item)
        raw[name] = value
    return raw


def _names_from_strings(raw: dict[str, Any]) -> dict[str, Any]:
    """``--author`` values may each hold several names ("A and B")."""
    from mnkbib.names import parse_names

    for role in ("author", "editor", "translator"):
        value = raw.get(role)
        if isinstance(value, list):
            people: list[Any] = []
            for item in value:
                if isinstance(item, str):
                    people.extend(p.to_raw() for p in parse_names(item, where=f"--{role}"))
                else:
                    people.append(item)
            raw[role] = people
    return raw


def _from_identifiers(idents: list[str], library: Library | None = None) -> Built:
    from mnkbib.dedupe import DuplicateIndex
    from mnkbib.errors import ConflictError
    from mnkbib.fetch import classify, fetch
    from mnkbib.formats.csl_json import entry_from_csl

    index = DuplicateIndex(library.overview() if library is not None else ())
    entries = []
    notes = []
    for text in idents:
        ident = classify(text)
        known = index.find_identifier(ident.kind, ident.value)  # checked before fetching
        if known is not None:
            message = f"{ident.kind.upper()} {ident.value} is already in the library as {known.key}"
            if len(idents) == 1:
                raise ConflictError(message + "; nothing added")
            notes.append(message + "; skipped")
            continue
        item = fetch(ident)
        item = dict(item)
        item.pop("id", None)
        entries.append(entry_from_csl(item))
    return Built(entries, notes, fetched=True)


def _from_stdin(req: AddRequest, library: Library | None) -> Built:
    text = req.stdin or ""
    fmt_name = req.fmt
    if fmt_name != "paste":
        from mnkbib.formats import get_format, sniff

        fmt = get_format(fmt_name) if fmt_name else sniff(text)
        if fmt is not None and fmt.read is not None:
            result = fmt.read(text, req.stdin_name)
            notes = [
                f"{req.stdin_name}:{p.line}: {p.message}"
                if p.line
                else f"{req.stdin_name}: {p.message}"
                for p in result.problems
            ]
            if not result.entries:
                raise ValidationError(notes[0] if notes else f"{req.stdin_name}: no entries found")
            return Built(list(result.entries), notes)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if lines and fmt_name != "paste" and all(_looks_like_identifier(ln) for ln in lines):
        from mnkbib.fetch import classify

        try:
            for ln in lines:
                classify(ln)
        except UsageError:
            pass
        else:
            return _from_identifiers(lines, library)
    entries = []
    known = library.overview() if library is not None else []
    for number, raw in parse_references(text, source=req.stdin_name):
        raw["type"] = guess_type(raw.get("container"), known, "article-magazine")
        entries.append(entry_from_raw("", raw, f"{req.stdin_name}:{number}"))
    return Built(entries, [])


def build_entries(req: AddRequest, library: Callable[[], Library | None]) -> Built:
    """The entries ``mnkbib add`` would add (keys still to be assigned). ``library()``
    reads the library, if there is one: called only when needed (a new work given by
    its fields needs nothing from a library of 100,000 entries)."""
    options = _option_raw(req.options, req.extra)
    if req.sources == ["-"]:
        built = _from_stdin(req, library())
        if options:
            built.entries = [_overlay(e, options) for e in built.entries]
        return built
    if len(req.sources) > 1 or (req.sources and _looks_like_identifier(req.sources[0])):
        try:
            return _from_identifiers_checked(req.sources, options, library)
        except _NotIdentifier:
            if len(req.sources) > 1:
                raise UsageError(
                    f"{req.sources[1]!r}: give one label or reference, or several identifiers"
                ) from None
    base: dict[str, Any] = {}
    notes: list[str] = []
    if req.sources:
        text = req.sources[0]
        pasted = parse_reference(text)
        if pasted is not None:
            base = pasted
        else:
            label = parse_label(text)
            if label is None:
                raise UsageError(
                    f"{text!r} is not a short label (Dierkes & MENDEE 2018, The Diplomat), "
                    "a reference line or an identifier (DOI, ISBN, arXiv, URL)"
                )
            base = entry_from_label(label, people_index(library() or ()))
    raw = {**base, **_names_from_strings(options)}
    if "title" not in raw:
        raise UsageError("a title is needed: give --title (or a reference line with a title)")
    if "type" not in raw:
        current = library()
        known = current.overview() if current is not None else []
        raw["type"] = guess_type(raw.get("container"), known, "article-journal")
        notes.append(f"type not given; using {raw['type']} (change with `mnkbib set KEY type=…`)")
    entry = entry_from_raw(req.key or "", raw, "new entry")
    return Built([entry], notes)


class _NotIdentifier(Exception):
    pass


def _from_identifiers_checked(
    sources: list[str], options: dict[str, Any], library: Callable[[], Library | None]
) -> Built:
    from mnkbib.fetch import classify

    for text in sources:
        try:
            classify(text)
        except UsageError:
            raise _NotIdentifier from None
    built = _from_identifiers(sources, library())
    if options:
        built.entries = [_overlay(e, options) for e in built.entries]
    return built


def _overlay(entry: Entry, options: dict[str, Any]) -> Entry:
    from mnkbib.model import entry_to_raw

    raw = {**entry_to_raw(entry), **_names_from_strings(dict(options))}
    return entry_from_raw(entry.key, order_fields(raw), entry.key or "new entry")


@dataclass(slots=True)
class Outcome:
    added: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    summary: str = ""  # "2 skipped as duplicates, 3 merged (1 with nothing new)"


def add_entries(
    library: Library, entries: list[Entry], on_duplicate: str, *, strict_keys: bool = False
) -> Outcome:
    """Add entries as ``importer.plan_import`` plans it: duplicates of library entries are
    skipped, merged or added anyway; a taken or invalid key gets a new one, reported.

    ``on_duplicate`` may also be ``error``: a duplicate refuses the whole command. With
    ``strict_keys`` (a key the user typed) a taken or invalid key is an error.
    """
    from mnkbib.errors import ConflictError
    from mnkbib.importer import plan_import
    from mnkbib.keys import label

    if strict_keys:
        for entry in entries:
            if entry.key:
                library.check_new_key(entry.key)
    plan = plan_import(library, entries, "skip" if on_duplicate == "error" else on_duplicate)  # type: ignore[arg-type]
    if on_duplicate == "error":
        for step in plan.steps:
            if step.action == "skip":
                raise ConflictError(
                    f"{label(step.entry)} is already in the library as {step.target} "
                    f"({step.reason}); nothing added (use --on-duplicate skip, merge or rename)"
                )
    plan.apply(library)
    return Outcome(plan.added, plan.messages(), plan.summary())
