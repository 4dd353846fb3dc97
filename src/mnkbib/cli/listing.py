"""Commands that read: list, search, authors, check."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import click

from mnkbib.cli.common import (
    emit,
    emit_all,
    emit_bytes,
    emit_json,
    info,
    pass_obj,
    printable,
    tsv,
)
from mnkbib.listindex import json_array_of_parts, json_item, output_line

if TYPE_CHECKING:
    from mnkbib.query import Filters


def filter_options(func: Any) -> Any:
    """The query and filters shared by list, search and export."""
    options = [
        click.argument("query", nargs=-1),
        click.option(
            "--author", "authors", multiple=True, help="Entries by this person (any role)."
        ),
        click.option(
            "--year",
            "years",
            metavar="RANGE",
            help="Year or range: 2018, 2017..2018, ..2018, 2017..",
        ),
        click.option("--type", "types", multiple=True, help="Entry type (repeatable)."),
        click.option(
            "--container",
            "containers",
            multiple=True,
            help="Journal, magazine, site … (substring).",
        ),
        click.option("--tag", "tags", multiple=True, help="Tag (repeatable: all must match)."),
        click.option("--lang", "langs", multiple=True, help="Language tag: mn, de, ru, en."),
        click.option(
            "--sort",
            "sort",
            metavar="ORDER",
            help="file (default), key, date, year, author, title, type.",
        ),
        click.option("--reverse", is_flag=True, help="Reverse the order."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def take_filters(opts: dict[str, Any]) -> Filters:
    """The query and filters of :func:`filter_options`, taken out of ``opts`` (the order,
    ``sort`` and ``reverse``, stays)."""
    from mnkbib.query import Filters

    return Filters(
        text=" ".join(opts.pop("query", ()) or ()),
        authors=opts.pop("authors", ()),
        years=opts.pop("years", None),
        types=opts.pop("types", ()),
        containers=opts.pop("containers", ()),
        tags=opts.pop("tags", ()),
        langs=opts.pop("langs", ()),
    )


def selected(obj: Any, opts: dict[str, Any], *, rows: bool = False) -> Sequence[Any]:
    """The entries the query and filters select, in the order asked for. ``rows``: the
    caller needs only what a :class:`mnkbib.query.Row` holds (the output of ``list`` and
    ``search``, JSON included); then a query of free words only is answered from the
    cache's index, without loading the entries."""
    from mnkbib.query import free_words_only, select, sort_entries

    filters = take_filters(opts)
    store = obj.store()
    if rows and free_words_only(filters.text):
        from mnkbib.listindex import rows as index_rows

        library: Any = index_rows(store)
    else:
        library = store.read()
    entries = select(library, filters)
    return sort_entries(entries, opts.pop("sort", None), opts.pop("reverse", False))


def _column(entries: Sequence[Any], name: str, default: Any) -> list[Any]:
    """``name`` of every entry: for Rows (all of one table) straight from its column."""
    from mnkbib.query import RowList

    if isinstance(entries, RowList):  # the whole table, in order: the column itself
        return list(getattr(entries.table, name))
    table = getattr(entries[0], "_table", None) if entries else None
    if table is not None:
        return list(map(getattr(table, name).__getitem__, entries))
    return [default(e) for e in entries]


def _cells(entry: Any) -> list[str]:
    """The entry's table cells, printable."""
    return _column([entry], "line", output_line)[0][:-1].split("\t")


@click.command(name="list")
@filter_options
@click.option("--json", "as_json", is_flag=True, help="A JSON array of entries.")
@click.option("--keys", "keys_only", is_flag=True, help="Only the keys, one per line (for xargs).")
@click.option("--limit", type=int, help="At most this many entries.")
@pass_obj
def list_(obj: Any, as_json: bool, keys_only: bool, limit: int | None, **opts: Any) -> None:
    """List entries, optionally filtered.

    On a terminal: a table. Piped: one tab-separated line per entry —
    key, date, authors, title, container.
    """
    entries = selected(obj, opts, rows=True)
    if limit is not None:
        entries = entries[:limit]
    render_entries(entries, as_json=as_json, keys_only=keys_only)


def render_entries(entries: Sequence[Any], *, as_json: bool, keys_only: bool) -> None:
    from mnkbib.console import MAX_TABLE_ROWS, is_tty

    if keys_only:
        emit("".join(k + "\n" for k in _column(entries, "key", lambda e: e.key)))
    elif as_json:
        from mnkbib.query import RowList

        # a whole table's column is written part by part
        parts: Iterable[list[Any]] = (
            entries.table.parts("json")
            if isinstance(entries, RowList)
            else [_column(entries, "json", json_item)]
        )
        emit_bytes(json_array_of_parts(parts))
        emit("\n")
    elif is_tty() and len(entries) <= MAX_TABLE_ROWS:
        from mnkbib.console import print_table

        rows = [_cells(e) for e in entries]
        print_table(["key", "date", "authors", "title", "container"], rows)
        info(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}")
    else:
        emit_all(_column(entries, "line", output_line))


@click.command(context_settings={"ignore_unknown_options": True, "help_option_names": ["--help"]})
@filter_options
@click.option("--json", "as_json", is_flag=True, help="A JSON array of entries.")
@click.option("--keys", "keys_only", is_flag=True, help="Only the keys.")
@pass_obj
def search(obj: Any, as_json: bool, keys_only: bool, **opts: Any) -> None:
    """Search all fields: mnkbib search tuukhen  /  author:mendee year:2018 -draft.

    Insensitive to case, accents and script; words may name a field
    (author: year: tag: type: lang: title: container: …) or be negated (-word).
    Exits 1 when nothing matches.
    """
    entries = selected(obj, opts, rows=True)
    render_entries(entries, as_json=as_json, keys_only=keys_only)
    if not entries:
        raise SystemExit(1)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@pass_obj
def authors(obj: Any, as_json: bool) -> None:
    """Every person with their number of entries and the spellings in use."""
    from mnkbib.people import people_report

    report = people_report(obj.store().read())
    if as_json:
        emit_json([p.as_json() for p in report])
        return
    from mnkbib.console import is_tty

    rows = [[p.name, str(p.count), "; ".join(p.variants)] for p in report]
    if is_tty():
        from mnkbib.console import print_table

        print_table(
            ["person", "entries", "also written"], [[printable(c) for c in r] for r in rows]
        )
    else:
        emit(tsv(rows))


@click.command()
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@pass_obj
def check(obj: Any, as_json: bool) -> None:
    """Find problems: schema errors, likely duplicates, one person written several ways,
    fields an entry's type needs. Exits 1 when something is wrong."""
    from mnkbib.checking import check_library

    problems = check_library(obj.store())
    if as_json:
        emit_json([p.as_json() for p in problems])
    else:
        emit("".join(p.text() + "\n" for p in problems))
    if problems:
        info(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found")
        raise SystemExit(1)
    info("No problems found.")


COMMANDS = [list_, search, authors, check]
