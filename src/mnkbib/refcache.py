"""Reference lists (``export -f chicago``, ``export -f markdown``) from a per-entry cache.

Of a reference list, nearly everything is of one entry alone: its sort key, whether it is
listed, its rendered reference. Only the author-date disambiguation (given names, more
names, the letters of 2018a and 2018b) depends on the other entries listed, and of the
rendering only the year's letter does (:meth:`ChicagoStyle.render_entry`). So an index of
the library per style (:func:`mnkbib.cache.cached_index`, kind ``refs-STYLE``), built
from each entry alone, keeps per entry:

* ``key``, ``sort`` (the style's sort key), ``listed``;
* ``text``, ``markdown``, ``html``: the reference rendered in each markup, with no letter,
  in UTF-8 (None when the entry is not listed);
* ``headings``: its headings for each ``--group-by`` (None for one that failed);
* author-date only: ``facts`` (:func:`~mnkbib.styles.chicago_disambig.citation_facts`)
  and ``item``, the entry's CSL-JSON item pickled, for the few entries whose
  disambiguation the facts do not answer or that get a letter.

The index is used only for exactly the bytes of the library, and after an edit only the
changed blocks are built again (see :func:`~mnkbib.cache.cached_index`). An export then
selects (from the listing index, as ``list`` does, or from the entries for a query naming
fields), sorts the stored keys, runs the disambiguation on stand-ins
(:func:`~mnkbib.styles.chicago_disambig.disambiguate_facts`, the algorithm the style
runs), renders again the entries that get a letter and puts the list together with
:mod:`mnkbib.reflist`'s own functions. An entry whose row could not be built (the style
failed on it) makes the export take the way without the cache, which gives the same
text, or the same error.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from mnkbib.gcpause import gc_paused
from mnkbib.model import Entry
from mnkbib.reflist import GROUPINGS, MARKUPS

if TYPE_CHECKING:
    from mnkbib.cache import Index, Known
    from mnkbib.query import Filters
    from mnkbib.store import Store
    from mnkbib.styles.chicago import ChicagoStyle
    from mnkbib.styles.chicago_entry import Entry as StyleEntry

GROUP_NAMES = tuple(GROUPINGS)  # the order of a row's headings
COLUMNS = ("key", "sort", "listed", *MARKUPS, "headings")
FACT_COLUMNS = ("facts", "item")


def _encode(text: str) -> bytes:
    """A rendered reference as the index keeps it: in UTF-8, half the memory of a str with
    one letter beyond Latin-1 (as ``mnkbib.listindex.json_item``); any str comes back."""
    return text.encode("utf-8", "surrogatepass")


def _decode(data: bytes | None) -> str:
    assert data is not None  # a listed entry's (see builder)
    return data.decode("utf-8", "surrogatepass")


def _style(name: str) -> ChicagoStyle:
    from mnkbib.styles import get_style
    from mnkbib.styles.chicago import ChicagoStyle

    style = get_style(name)
    assert isinstance(style, ChicagoStyle)
    return style


def _disambiguates(style: ChicagoStyle) -> bool:
    from mnkbib.styles.chicago import AuthorDate

    return isinstance(style, AuthorDate)


def columns(style: str) -> tuple[str, ...]:
    return COLUMNS + FACT_COLUMNS if _disambiguates(_style(style)) else COLUMNS


def _headings(entry: Entry) -> list[list[str] | None]:
    out: list[list[str] | None] = []
    for name in GROUP_NAMES:
        try:
            out.append(GROUPINGS[name].heading(entry))
        except Exception:  # the export will take the way without the cache
            out.append(None)
    return out


def builder(style_name: str) -> Callable[[Entry], tuple[Any, ...]]:
    """The function that gives an entry's row of the index of ``style_name`` (from the
    entry alone). A row whose ``sort`` is None could not be built."""
    from mnkbib.formats.csl_json import entry_to_csl
    from mnkbib.styles.chicago_disambig import citation_facts
    from mnkbib.styles.chicago_entry import Entry as StyleEntry
    from mnkbib.styles.richtext import render_all

    style = _style(style_name)
    facts = _disambiguates(style)
    names = columns(style_name)
    shared: dict[Any, Any] = {}

    def share(value: Any) -> Any:
        """Equal values as one object: a smaller index, loaded faster."""
        return shared.setdefault(value, value)

    def build(entry: Entry) -> tuple[Any, ...]:
        try:
            item = entry_to_csl(entry)
            cited = StyleEntry(item)
            key = style.sort_key(cited)
            listed = style.listed(cited)
            if listed:
                rich = style.render_entry(cited)
                texts = tuple(_encode(render_all([rich], to)[0]) for to in MARKUPS)
            else:
                texts = (None,) * len(MARKUPS)
            headings = share(tuple(h if h is None else share(tuple(h)) for h in _headings(entry)))
            row = (entry.key, key, listed, *texts, headings)
            if facts:
                packed = pickle.dumps(item, pickle.HIGHEST_PROTOCOL)
                first, count, headed, year, memo = citation_facts(cited)
                row += ((share(first), count, headed, share(year), memo), packed)
            return row
        except Exception:  # the export will take the way without the cache
            return (entry.key, *(None,) * (len(names) - 1))

    return build


def style_index(store: Store, style: str, known: Known | None = None) -> Index:
    """The index of the store's library for ``style`` (built or brought up to date as
    needed); ``known``: the library as already read, if it was."""
    from mnkbib.cache import cached_index
    from mnkbib.store import parse_library

    return cached_index(
        store.path,
        store.source,
        parse_library,
        builder(style),
        columns(style),
        known,
        "refs-" + style,
    )


def reference_list(
    store: Store,
    filters: Filters,
    sort: str | None,
    reverse: bool,
    *,
    markdown: bool,
    style: str,
    to: str,
    numbered: bool = False,
    group_by: str | None = None,
) -> tuple[str, int]:
    """The Chicago list (``markdown``: the Markdown list) of the entries ``filters``
    select, as :func:`mnkbib.reflist.chicago_list` (``markdown_list``) makes it of them,
    and how many entries were selected. ``sort`` and ``reverse`` are checked as ``list``
    checks them (the list has an order of its own)."""
    from mnkbib.query import free_words_only, select, sort_entries

    def uncached() -> tuple[str, int]:
        """The list made of the entries, as without a cache."""
        from mnkbib.reflist import chicago_list, markdown_list

        entries: Sequence[Entry] = sort_entries(select(store.read(), filters), sort, reverse)
        if markdown:
            text = markdown_list(entries, style=style, numbered=numbered, group_by=group_by)
        else:
            text = chicago_list(entries, style=style, to=to)
        return text, len(entries)

    if filters.selects_all():
        index = style_index(store, style)
        positions = list(range(index.size))
    elif free_words_only(filters.text):  # the filters read only what the listing index has
        from mnkbib.listindex import rows_and_index

        rows, first = rows_and_index(store)
        chosen = select(rows, filters)
        index = style_index(store, style, first)
        # each a row per block of the same bytes; when not cached, each of a read of its own
        if (index.map is None or first.map is None) and index.column("key") != first.column("key"):
            return uncached()
        positions = [int(row) for row in chosen]
    else:
        snap = store.snapshot()
        picked = select(snap.entries.values(), filters)
        index = style_index(store, style, snap)
        at = {key: i for i, key in enumerate(index.column("key"))}
        if len(at) != index.size or any(e.key not in at for e in picked):
            return uncached()
        positions = [at[e.key] for e in picked]
    sort_entries([], sort, reverse)  # an unknown order is an error, as for ``list``
    text = _from_index(index, positions, markdown, style, to, numbered, group_by)
    if text is None:
        return uncached()
    return text, len(positions)


def _from_index(
    index: Index,
    positions: list[int],
    markdown: bool,
    style_name: str,
    to: str,
    numbered: bool,
    group_by: str | None,
) -> str | None:
    """The list of the entries at these positions of the index; None when a row it needs
    could not be built."""
    from mnkbib.reflist import chicago_text, markdown_text

    markup = "markdown" if markdown else to
    if markup not in MARKUPS:
        return chicago_text([], markup)  # the UsageError of an unknown markup
    sort_keys = index.column("sort")
    if any(sort_keys[i] is None for i in positions):
        return None
    order = sorted(positions, key=sort_keys.__getitem__)
    style = _style(style_name)
    listed = index.column("listed")
    texts = index.column(markup)
    if _disambiguates(style):
        with gc_paused():  # tens of thousands of small acyclic objects
            refs = _disambiguated(index, order, listed, texts, style, markup)
    else:
        refs = [(i, _decode(texts[i])) for i in order if listed[i]]
    keys = index.column("key")
    if not markdown:
        return chicago_text([text for _, text in refs], markup)
    rendered = [(keys[i], text) for i, text in refs]
    headings: list[Any] = []
    at: dict[str, int] = {}
    if group_by in GROUP_NAMES:
        headings = index.column("headings")
        which = GROUP_NAMES.index(group_by)
        if any(headings[i][which] is None for i, _ in refs):
            return None
        at = {keys[i]: i for i, _ in refs}

    def heading(key: str, name: str) -> Sequence[str]:
        found: Sequence[str] = headings[at[key]][GROUP_NAMES.index(name)]
        return found

    return markdown_text(rendered, heading, numbered=numbered, group_by=group_by)


def _disambiguated(
    index: Index,
    order: list[int],
    listed: list[bool],
    texts: list[bytes | None],
    style: ChicagoStyle,
    markup: str,
) -> list[tuple[int, str]]:
    """The listed entries' references, the entries in this order disambiguated (by the
    stand-ins of their facts): as stored, or rendered again where a letter is added."""
    from mnkbib.styles.chicago_disambig import Standin, disambiguate_facts
    from mnkbib.styles.richtext import render

    keys = index.column("key")
    facts = index.column("facts")
    at: dict[str, int] = {}  # where an entry made from its item is, when one is

    def load(key: str) -> StyleEntry:
        from mnkbib.styles.chicago_entry import Entry as StyleEntry

        if not at:
            at.update(zip(keys, range(index.size), strict=True))
        return StyleEntry(pickle.loads(index.column("item")[at[key]]))

    standins = [Standin(keys[i], facts[i], load) for i in order]
    disambiguate_facts(standins)
    refs = []
    for i, standin in zip(order, standins, strict=True):
        if not listed[i]:
            continue
        stored = texts[i]
        if standin.year_suffix or stored is None:
            text = render(style.render_entry(standin.entry()), markup)
        else:
            text = _decode(stored)
        refs.append((i, text))
    return refs
