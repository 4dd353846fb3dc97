"""Commands that move entries in and out: export, import, cite."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from mnkbib.cli.common import emit, info, on_wait, pass_obj, read_input, warn
from mnkbib.cli.listing import filter_options, selected
from mnkbib.errors import MnkbibError, UsageError

STYLE_NAMES = ["author-date", "notes-bibliography", "shortened-notes"]


def _yaml_export(entries: Sequence[Any], opts: dict[str, Any]) -> str:
    from mnkbib.model import entry_to_raw
    from mnkbib.store import HEADER
    from mnkbib.yamlemit import emit_entry

    return HEADER + "".join(emit_entry(e.key, entry_to_raw(e)) for e in entries)


def _csl_export(entries: Sequence[Any], opts: dict[str, Any]) -> str:
    from mnkbib.cslrun import render_with_csl

    return render_with_csl(entries, Path(opts["csl"]), to=opts["to"] or "text")


# Exports that are not formats of mnkbib.formats.
LIST_EXPORTS: dict[str, tuple[Callable[[Sequence[Any], dict[str, Any]], str], str]] = {
    "yaml": (_yaml_export, "an mnkbib library holding the selected entries"),
}
# Reference lists for people (options: style, markup), made by mnkbib.refcache.
REFERENCE_LISTS = {
    "chicago": "Chicago reference list (--style, --to text|markdown|html)",
    "markdown": "Markdown reference list (--numbered, --group-by)",
}
SUFFIXES = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "chicago",
    ".html": "chicago",
}


def group_warnings(warnings: list[str], shown: int = 3) -> list[str]:
    """``KEY: message`` lines that differ only in the key become one line naming the keys."""
    by_message: dict[str, list[str]] = {}
    for line in warnings:
        key, sep, message = line.partition(": ")
        if not sep or " " in key:
            by_message.setdefault(line, [])
            continue
        by_message.setdefault(message, []).append(key)
    out = []
    for message, keys in by_message.items():
        if len(keys) <= 1:
            out.append(f"{keys[0]}: {message}" if keys else message)
        else:
            named = ", ".join(keys[:shown]) + (
                f" and {len(keys) - shown} more" if len(keys) > shown else ""
            )
            out.append(f"{named}: {message}")
    return out


def _choose_format(fmt: str | None, output: str | None) -> str:
    from mnkbib.formats import FORMATS, format_for_path

    if fmt:
        name = fmt.lower()
        if name not in FORMATS and name not in LIST_EXPORTS and name not in REFERENCE_LISTS:
            choices = ", ".join(sorted([*FORMATS, *LIST_EXPORTS, *REFERENCE_LISTS]))
            raise UsageError(f"unknown format {fmt!r} (choose from: {choices})")
        return name
    if output and output != "-":
        suffix = Path(output).suffix.lower()
        if suffix in SUFFIXES:
            return SUFFIXES[suffix]
        found = format_for_path(output)
        if found is not None:
            return found.name
        raise UsageError(f"cannot tell the format from {output!r}; give -f/--format")
    raise UsageError(
        "give -f/--format (bibtex, biblatex, csl-json, csl-yaml, ris, yaml, chicago, markdown) or -o FILE"
    )


@click.command()
@filter_options
@click.option(
    "-f",
    "--format",
    "fmt",
    metavar="FORMAT",
    help="bibtex, biblatex, csl-json, csl-yaml, ris, yaml, chicago, markdown (default: from -o's suffix).",
)
@click.option(
    "-o", "--output", metavar="FILE", help="Write to FILE (atomically) instead of stdout."
)
@click.option(
    "--style",
    type=click.Choice(STYLE_NAMES),
    default="author-date",
    show_default=True,
    help="Chicago system, for chicago and markdown.",
)
@click.option(
    "--to",
    type=click.Choice(["text", "markdown", "html"]),
    help="Markup of a chicago list (default text).",
)
@click.option("--numbered", is_flag=True, help="Markdown list: numbered instead of bulleted.")
@click.option(
    "--group-by",
    type=click.Choice(["year", "type", "tag", "container"]),
    help="Markdown list: headings by year, type, tag or container.",
)
@click.option(
    "--csl", metavar="FILE.csl", help="Render with any CSL style through pandoc (if installed)."
)
@pass_obj
def export(obj: Any, fmt: str | None, output: str | None, **opts: Any) -> None:
    """Export entries (all, or those a query and filters select).

    \b
    mnkbib export -f bibtex -o refs.bib
    mnkbib export -f chicago --to markdown author:dierkes --year 2018
    mnkbib export -f markdown --numbered --group-by year > reading.md
    mnkbib export --csl apa.csl --to html
    """
    from mnkbib.formats import get_format

    if output and output != "-" and Path(output).is_dir():
        raise MnkbibError(f"{output}: is a directory")
    reference_list = None if opts["csl"] else _known_format(fmt, output)
    if reference_list in REFERENCE_LISTS:
        text, count = _reference_list(obj, reference_list == "markdown", opts)
        _put(text, output, count)
        return
    entries = selected(obj, opts)
    if opts["csl"]:
        text = _csl_export(entries, opts)
    else:
        name = _choose_format(fmt, output)
        if name in LIST_EXPORTS:
            text = LIST_EXPORTS[name][0](entries, opts)
        else:
            writer = get_format(name).write
            if writer is None:
                raise UsageError(f"{name} can be imported but not exported")
            result = writer(entries)
            for message in group_warnings(result.warnings):
                warn(message)
            text = result.text
    _put(text, output, len(entries))


def _put(text: str, output: str | None, count: int) -> None:
    """The export to ``output`` (atomically) or stdout."""
    if output and output != "-":
        from mnkbib.store import atomic_write

        atomic_write(Path(output), text)
        info(f"Wrote {count} entr{'y' if count == 1 else 'ies'} to {output}")
    else:
        emit(text)


def _known_format(fmt: str | None, output: str | None) -> str | None:
    """The format :func:`_choose_format` chooses; None where it raises an error (later,
    after the library is read)."""
    try:
        return _choose_format(fmt, output)
    except UsageError:
        return None


def _reference_list(obj: Any, markdown: bool, opts: dict[str, Any]) -> tuple[str, int]:
    """A Chicago or Markdown reference list, and how many entries it was made of: from
    the cache of reference lists (:mod:`mnkbib.refcache`)."""
    from mnkbib.cli.listing import take_filters
    from mnkbib.refcache import reference_list

    filters = take_filters(opts)
    return reference_list(
        obj.store(),
        filters,
        opts.pop("sort", None),
        opts.pop("reverse", False),
        markdown=markdown,
        style=opts["style"],
        to=opts["to"] or "text",
        numbered=opts["numbered"],
        group_by=opts["group_by"],
    )


@click.command(name="import")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option(
    "--format",
    "fmt",
    metavar="FORMAT",
    help="bibtex, biblatex, csl-json, csl-yaml, ris (default: from the suffix or the content).",
)
@click.option("--dry-run", "-n", is_flag=True, help="Report what would happen; change nothing.")
@click.option(
    "--on-duplicate",
    type=click.Choice(["skip", "merge", "rename"]),
    default="skip",
    show_default=True,
    help="An entry already in the library: skip it, fill in the fields the library lacks, or add it anyway.",
)
@pass_obj
def import_(
    obj: Any, files: tuple[str, ...], fmt: str | None, dry_run: bool, on_duplicate: str
) -> None:
    """Import BibTeX/BibLaTeX, CSL-JSON/YAML or RIS files (- for stdin).

    Keys in the files stay the citation keys; only a clash or an invalid key gets a new
    key, reported. A malformed entry is reported with its line and skipped; everything
    else is imported. Prints the new keys on stdout.
    """
    from mnkbib.adding import add_entries
    from mnkbib.formats import format_for_path, get_format, sniff
    from mnkbib.gcpause import gc_paused

    click.get_current_context().with_resource(gc_paused())  # until the command ends
    entries: list[Any] = []
    for path in files:
        text, name, notes = read_input(path)
        for note in notes:
            warn(note)
        chosen = (
            get_format(fmt)
            if fmt
            else (format_for_path(path) if path != "-" else None) or sniff(text)
        )
        if chosen is None or chosen.read is None:
            raise UsageError(f"{name}: cannot tell the format; give --format")
        result = chosen.read(text, name)
        for problem in result.problems:
            where = f"{name}:{problem.line}" if problem.line else name
            warn(f"{where}: {problem.message}")
        if not result.entries:
            raise MnkbibError(f"{name}: no entries could be read; nothing imported")
        entries.extend(result.entries)
    store = obj.store()
    if dry_run:
        library = store.read()
        outcome = add_entries(library, entries, on_duplicate)
    else:
        with store.edit(on_wait=on_wait) as library:
            outcome = add_entries(library, entries, on_duplicate)
    for message in outcome.messages:
        info(message)
    emit("".join(k + "\n" for k in outcome.added))
    verb = "Would import" if dry_run else "Imported"
    total = f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"
    info(
        f"{verb} {len(outcome.added)} of {total}"
        + (f"; {outcome.summary}" if outcome.summary else "")
    )


@click.command()
@click.argument("keys", nargs=-1, required=True, metavar="KEY...")
@click.option("--page", "-p", metavar="LOCATOR", help="Page (or pages) cited, for the last key.")
@click.option(
    "--narrative",
    is_flag=True,
    help="Dierkes and MENDEE (2018a) instead of (Dierkes and MENDEE 2018a).",
)
@click.option(
    "--note",
    type=click.Choice(["full", "short"]),
    help="A footnote (notes-bibliography) instead of an in-text citation.",
)
@click.option(
    "--style",
    type=click.Choice(STYLE_NAMES),
    help="Default: author-date, or notes-bibliography with --note.",
)
@click.option(
    "--to", type=click.Choice(["text", "markdown", "html"]), default="text", show_default=True
)
@pass_obj
def cite(
    obj: Any,
    keys: tuple[str, ...],
    page: str | None,
    narrative: bool,
    note: str | None,
    style: str | None,
    to: str,
) -> None:
    """In-text citations and notes, with letters (2018a, 2018b) agreeing with the reference list.

    \b
    mnkbib cite dierkes2018reasons dierkes2018mongolia      (Dierkes and MENDEE 2018a, 2018b)
    mnkbib cite dierkes2018reasons --page 12                (Dierkes and MENDEE 2018a, 12)
    mnkbib cite dierkes2018reasons --note full
    """
    from mnkbib.formats.csl_json import entry_to_csl
    from mnkbib.styles import Cite, get_style, render

    library = obj.store().read()
    for key in keys:
        library.get(key)
    items = [entry_to_csl(e) for e in library]
    cites = [Cite(k, page if i == len(keys) - 1 else None) for i, k in enumerate(keys)]
    if note:
        chosen = get_style(style or "notes-bibliography")
        for c in cites:
            emit(render(chosen.note(items, c, kind=note), to) + "\n")  # type: ignore[arg-type]
        return
    chosen = get_style(style or "author-date")
    emit(render(chosen.citation(items, cites, narrative=narrative), to) + "\n")


COMMANDS = [export, import_, cite]
