"""Commands that change entries: add, edit, set, unset, tag, rm, rename — and show."""

from __future__ import annotations

import functools
import sys
from typing import Any

import click

from mnkbib.cli.common import complete_keys, emit, info, on_wait, pass_obj, read_input
from mnkbib.errors import ConflictError, MnkbibError, ParseError, UsageError, ValidationError

_ADD_OPTIONS: list[tuple[str, str, str]] = [
    # (option, field, help)
    ("--title", "title", "Title, in the item's language."),
    ("--subtitle", "subtitle", "Subtitle."),
    ("--translated-title", "translated-title", "English translation of a non-English title."),
    ("--container", "container", "Journal, magazine, newspaper, site, blog, programme or book."),
    ("--publisher", "publisher", "Publisher, institution or university."),
    ("--place", "place", "Place of publication."),
    ("--volume", "volume", "Volume."),
    ("--issue", "issue", "Issue."),
    ("--pages", "pages", "Pages."),
    ("--edition", "edition", "Edition."),
    ("--doi", "doi", "DOI."),
    ("--isbn", "isbn", "ISBN."),
    ("--url", "url", "URL."),
    ("--accessed", "accessed", "Date the URL was accessed (YYYY-MM-DD)."),
    ("--language", "language", "Language as a BCP 47 tag: en, de, mn, ru."),
    ("--note", "note", "Note."),
    ("--abstract", "abstract", "Abstract."),
]


def _add_options(func: Any) -> Any:
    for option, field, help_text in reversed(_ADD_OPTIONS):
        func = click.option(option, field.replace("-", "_"), metavar="TEXT", help=help_text)(func)
    return func


@click.command()
@click.argument("sources", nargs=-1, metavar="[SOURCE]...")
@click.option(
    "--author",
    "-a",
    multiple=True,
    help="Author (repeat for several): 'Dierkes, Julian', 'MENDEE Jargalsaikhan'.",
)
@click.option("--editor", multiple=True, help="Editor (repeatable).")
@click.option("--translator", multiple=True, help="Translator (repeatable).")
@click.option("--year", "-y", help="Year of publication.")
@click.option("--date", "-d", help="Date of publication: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--type", "-t", "type_", help="Entry type (see `mnkbib types`).")
@_add_options
@click.option("--tag", multiple=True, help="Tag (repeatable).")
@click.option(
    "--field",
    "-F",
    "extra",
    multiple=True,
    metavar="NAME=VALUE",
    help="Any other field (repeatable).",
)
@click.option("--key", "-k", help="Citation key (default: generated, e.g. dierkes2018reasons).")
@click.option("--dry-run", "-n", is_flag=True, help="Print the entries; change nothing.")
@click.option("--yes", is_flag=True, help="Don't ask for confirmation of fetched entries.")
@click.option(
    "--on-duplicate",
    type=click.Choice(["error", "skip", "merge", "rename"]),
    default="error",
    show_default=True,
    help="An entry already in the library (same DOI, ISBN, URL, or title+year+author).",
)
@click.option(
    "--format",
    "fmt",
    help="Format of `add -` input (bibtex, csl-json, ris, paste); default: detected.",
)
@pass_obj
def add(obj: Any, sources: tuple[str, ...], **opts: Any) -> None:
    """Add entries: from options, a short label, a pasted reference, identifiers or stdin.

    \b
    SOURCE may be
      a short label:     "Dierkes & MENDEE 2018, The Diplomat" (names completed from the library)
      a reference line:  'Dierkes, Julian and MENDEE Jargalsaikhan. 2018. “Title“, The Diplomat.'
      identifiers:       10.1234/abcd, https://doi.org/…, an ISBN, an arXiv id, a web page URL
      -                  stdin: BibTeX, CSL-JSON, RIS, reference lines or identifiers, one per line
    Options fill in or override what the source gives. Prints the new keys on stdout.
    """
    from mnkbib.adding import AddRequest, add_entries, build_entries

    store = obj.store()
    skip = {"dry_run", "yes", "on_duplicate", "fmt", "extra", "key"}
    request = AddRequest(
        sources=list(sources),
        options={k: v for k, v in opts.items() if k not in skip},
        extra=list(opts["extra"]),
        key=opts["key"],
        fmt=opts["fmt"],
    )
    if opts["key"] and (request.sources == ["-"] or len(request.sources) > 1):
        raise UsageError("--key names one new entry; it cannot be used with several")
    if request.sources == ["-"]:
        request.stdin, request.stdin_name, notes = read_input("-")
        for note in notes:
            info(note)
    if not sources and not opts.get("title") and sys.stdin.isatty() and sys.stdout.isatty():
        _prompt_missing(request)
    # Read when first needed: adding a work given by its fields needs nothing from it.
    library = functools.cache(lambda: store.read() if store.path.exists() else None)
    built = build_entries(request, library)
    if opts["key"]:  # the one new entry gets exactly this key, or the command fails
        built.entries = [e.renamed(opts["key"]) for e in built.entries]
        if built.fetched and (current := library()) is not None and opts["key"] in current:
            raise ConflictError(f"an entry with key {opts['key']!r} exists already")
    for note in built.notes:
        info(note)
    from mnkbib.editing import entry_to_text

    if opts["dry_run"] or built.fetched:
        built.entries = _with_proposed_keys(built.entries, library())
    if opts["dry_run"]:
        for entry in built.entries:
            emit(entry_to_text(entry))
        return
    if built.fetched and not opts["yes"] and sys.stdin.isatty():
        entries = _confirm_fetched(built.entries)
        if not entries:
            info("Nothing added.")
            return
        built.entries = entries
    with store.edit(on_wait=on_wait) as lib:
        outcome = add_entries(
            lib, built.entries, opts["on_duplicate"], strict_keys=bool(opts["key"])
        )
    for line in outcome.messages:
        info(line)
    for key in outcome.added:
        emit(key + "\n")


def _with_proposed_keys(entries: list[Any], library: Any) -> list[Any]:
    """Give keyless entries the keys `add` would give them (to show before adding)."""
    from mnkbib.keys import generate_key

    taken = set(library.keys()) if library is not None else set()
    out = []
    for entry in entries:
        key = entry.key if entry.key and entry.key not in taken else generate_key(entry, taken)
        taken.add(key)
        out.append(entry.renamed(key))
    return out


def _confirm_fetched(entries: list[Any]) -> list[Any]:
    """Show fetched entries on a terminal; add, skip, or edit them first (y/n/e)."""
    from mnkbib.editing import entries_from_text, entry_to_text

    text = "".join(entry_to_text(e) for e in entries)
    while True:
        info(text)
        n = len(entries)
        answer = click.prompt(
            f"Add {n} entr{'y' if n == 1 else 'ies'}? yes, no, or edit first",
            type=click.Choice(["y", "n", "e"]),
            default="y",
            err=True,
        )
        if answer == "y":
            return entries
        if answer == "n":
            return []
        edited = click.edit(text, extension=".yaml")
        if edited is None:
            continue
        try:
            entries = entries_from_text(edited, source="edited entries")
            text = edited
        except (ParseError, ValidationError) as exc:
            info(f"Error: {exc.message}")


def _prompt_missing(request: Any) -> None:
    """Interactive add on a terminal: ask only for what is missing."""
    from mnkbib.types import ENTRY_TYPES

    opts = request.options
    if not opts.get("type_"):
        opts["type_"] = click.prompt(
            "Type",
            default="article-journal",
            type=click.Choice(list(ENTRY_TYPES)),
            show_choices=False,
        )
    if not opts.get("title"):
        opts["title"] = click.prompt("Title")
    if not opts.get("author"):
        names = click.prompt("Authors (separate with ' and ')", default="", show_default=False)
        opts["author"] = (names,) if names else ()
    if not opts.get("year") and not opts.get("date"):
        opts["date"] = (
            click.prompt("Date (YYYY[-MM[-DD]], empty for none)", default="", show_default=False)
            or None
        )
    if not opts.get("container") and opts["type_"] not in (
        "book",
        "edited-book",
        "report",
        "thesis",
        "webpage",
    ):
        opts["container"] = (
            click.prompt("Container (journal, magazine, site)", default="", show_default=False)
            or None
        )


@click.command()
@click.argument("keys", nargs=-1, required=True, shell_complete=complete_keys)
@click.option("--json", "as_json", is_flag=True, help="JSON instead of YAML.")
@pass_obj
def show(obj: Any, keys: tuple[str, ...], as_json: bool) -> None:
    """Show entries as YAML (or JSON)."""
    from mnkbib.cli.common import emit_json, entry_json
    from mnkbib.console import print_yaml
    from mnkbib.editing import entry_to_text

    library = obj.store().read()
    entries = [library.get(k) for k in keys]
    if as_json:
        emit_json([entry_json(e) for e in entries])
        return
    print_yaml("".join(entry_to_text(e) for e in entries))


@click.command()
@click.argument("key", shell_complete=complete_keys)
@pass_obj
def edit(obj: Any, key: str) -> None:
    """Edit an entry in $VISUAL or $EDITOR; it is checked when you save.

    Invalid input is shown again with the error; quitting without saving leaves the
    library untouched.
    """
    from mnkbib.editing import EDIT_HELP, entry_from_text, entry_to_text

    store = obj.store()
    original = store.read().get(key)
    text = EDIT_HELP + entry_to_text(original)
    while True:
        try:
            edited = click.edit(text, extension=".yaml", require_save=True)
        except click.ClickException as exc:
            raise MnkbibError(f"the editor failed ({exc.message}); {key} unchanged") from None
        except UnicodeDecodeError:
            raise MnkbibError(f"the edited text is not UTF-8; {key} unchanged") from None
        if edited is None:
            info(f"Not saved; {key} unchanged.")
            return
        try:
            entry = entry_from_text(edited, source=f"{key} (edited)")
            break
        except (ParseError, ValidationError) as exc:
            if not sys.stdin.isatty() or not click.confirm(
                f"Error: {exc.message}\nEdit again?", default=True, err=True
            ):
                raise MnkbibError(f"{exc.message}; {key} unchanged") from None
            text = edited
    with store.edit(on_wait=on_wait) as lib:
        current = lib.get(key)
        if current != original:
            raise MnkbibError(f"{key} was changed by someone else while you edited; not saved")
        if entry.key != key:
            lib.rename(key, entry.key)
        lib.replace(entry)
    if entry == original:
        info(f"No changes to {key}.")
    else:
        info(f"Saved {entry.key}.")


@click.command(name="set")
@click.argument("key", shell_complete=complete_keys)
@click.argument("assignments", nargs=-1, required=True, metavar="FIELD=VALUE...")
@pass_obj
def set_(obj: Any, key: str, assignments: tuple[str, ...]) -> None:
    """Set fields: mnkbib set KEY title="…" date=2018-03 author="Dierkes, Julian and …".

    An empty value (field=) removes the field.
    """
    from mnkbib.editing import parse_assignment, set_fields

    pairs = [parse_assignment(a) for a in assignments]
    with obj.store().edit(on_wait=on_wait) as lib:
        lib.replace(set_fields(lib.get(key), pairs))


@click.command()
@click.argument("key", shell_complete=complete_keys)
@click.argument("fields", nargs=-1, required=True)
@pass_obj
def unset(obj: Any, key: str, fields: tuple[str, ...]) -> None:
    """Remove fields from an entry."""
    from mnkbib.editing import set_fields

    with obj.store().edit(on_wait=on_wait) as lib:
        entry = lib.get(key)
        missing = [f for f in fields if f not in entry.fields]
        if missing:
            raise UsageError(f"{key} has no field {missing[0]!r}")
        lib.replace(set_fields(entry, [(f, "") for f in fields]))


@click.command(context_settings={"ignore_unknown_options": True, "help_option_names": ["--help"]})
@click.argument("args", nargs=-1, required=True, type=click.UNPROCESSED, metavar="KEY... +TAG -TAG")
@pass_obj
def tag(obj: Any, args: tuple[str, ...]) -> None:
    """Add (+tag) and remove (-tag) tags: mnkbib tag KEY1 KEY2 +korea -draft."""
    from mnkbib.editing import change_tags

    keys = [a for a in args if not a.startswith(("+", "-"))]
    add = [a[1:] for a in args if a.startswith("+") and len(a) > 1]
    remove = [a[1:] for a in args if a.startswith("-") and len(a) > 1]
    if not keys or not (add or remove):
        raise UsageError("usage: mnkbib tag KEY... +TAG -TAG")
    with obj.store().edit(on_wait=on_wait) as lib:
        for key in keys:
            lib.replace(change_tags(lib.get(key), add, remove))


@click.command()
@click.argument("keys", nargs=-1, required=True, shell_complete=complete_keys)
@click.option("--yes", "-y", is_flag=True, help="Don't ask.")
@pass_obj
def rm(obj: Any, keys: tuple[str, ...], yes: bool) -> None:
    """Remove entries (asks first on a terminal)."""
    from mnkbib.keys import label

    store = obj.store()
    if not yes and sys.stdin.isatty():
        library = store.read()
        entries = [library.get(k) for k in keys]
        for e in entries:
            info(f"  {e.key}  {label(e)}")
        if not click.confirm(
            f"Remove {len(entries)} entr{'y' if len(entries) == 1 else 'ies'}?", err=True
        ):
            info("Nothing removed.")
            return
    with store.edit(on_wait=on_wait) as lib:
        for key in keys:
            lib.remove(key)
    info(f"Removed {', '.join(keys)}.")


@click.command()
@click.argument("old", shell_complete=complete_keys)
@click.argument("new")
@pass_obj
def rename(obj: Any, old: str, new: str) -> None:
    """Change a citation key (the entry stays where it is in the file)."""
    with obj.store().edit(on_wait=on_wait) as lib:
        lib.rename(old, new)
    info(f"Renamed {old} to {new}.")


COMMANDS = [add, show, edit, set_, unset, tag, rm, rename]
