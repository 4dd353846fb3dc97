"""Rich text: the tree a style emits, and its rendering to plain text, markdown and HTML.

A style builds a tree of :class:`Rich` nodes (``Text``, ``Italic``, ``Quoted``, ``Link`` …);
:func:`render` chooses the markup. The words are the same in every markup: markdown and HTML only
add markup and escape what would otherwise be read as markup.

Punctuation between parts is resolved by :func:`join` and :func:`add_suffix` the way Chicago
(and CSL processors) do it: a period or comma after a quoted title moves inside the closing
quotation mark, and a period after a part that already ends in ``.``, ``?`` or ``!`` is dropped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Literal

Markup = Literal["text", "markdown", "html"]
MARKUPS: tuple[Markup, ...] = ("text", "markdown", "html")

SAFE_SCHEMES = ("http://", "https://", "ftp://", "mailto:")


class Rich:
    """A node of rich text; containers keep their children in ``children``.

    Trees are built once and then treated as immutable (functions that change text return
    new nodes), so shared subtrees — cached titles — are safe.
    """

    __slots__ = ("_empty", "children")

    def __init__(self, *children: Rich | str) -> None:
        self.children: list[Rich] = [Text(c) if isinstance(c, str) else c for c in children]
        self._empty: bool | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(map(repr, self.children))})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and repr(self) == repr(other)

    def __hash__(self) -> int:
        return hash(repr(self))

    def plain(self) -> str:
        out: list[str] = []
        _text_into(self, 0, out)
        return "".join(out)

    def is_empty(self) -> bool:
        empty = self._empty
        if empty is None:
            empty = True
            for child in self.children:
                if not child.is_empty():
                    empty = False
                    break
            self._empty = empty
        return empty

    def copy_shallow(self) -> Rich:
        cls = type(self)
        clone = object.__new__(cls)
        if cls in _PLAIN_TYPES:  # the two slots every node has, and no others
            clone.children = self.children
            clone._empty = self._empty
            return clone
        for slot in _slots(cls):
            setattr(clone, slot, getattr(self, slot))
        return clone

    def copy(self) -> Rich:
        clone = self.copy_shallow()
        clone.children = [child.copy() for child in self.children]
        return clone


_SLOTS: dict[type, tuple[str, ...]] = {}


def _slots(cls: type) -> tuple[str, ...]:
    """Every slot of ``cls`` and its bases (looked up once per class)."""
    found = _SLOTS.get(cls)
    if found is None:
        found = _SLOTS[cls] = tuple(
            slot for base in cls.__mro__ for slot in getattr(base, "__slots__", ())
        )
    return found


# The children of every Text: a leaf has none, and nothing adds any (one list for all saves
# allocating one per word).
_NO_CHILDREN: list[Rich] = []


class Text(Rich):
    """Plain words."""

    __slots__ = ("value",)

    def __init__(self, value: str = "") -> None:
        self.children = _NO_CHILDREN
        self.value = value
        self._empty = not value

    def __repr__(self) -> str:
        return f"Text({self.value!r})"

    def is_empty(self) -> bool:
        return not self.value

    def plain(self) -> str:
        return self.value

    def copy(self) -> Text:
        return Text(self.value)


class Seq(Rich):
    """A sequence without markup of its own."""

    __slots__ = ()


class Italic(Rich):
    __slots__ = ()


class Bold(Rich):
    __slots__ = ()


class Sup(Rich):
    __slots__ = ()


class Sub(Rich):
    __slots__ = ()


class SmallCaps(Rich):
    __slots__ = ()


class NoCase(Rich):
    """Protected from case changes (CSL ``<span class="nocase">``); no markup of its own."""

    __slots__ = ()


class Quoted(Rich):
    """Text in quotation marks: double outside, single inside another quotation."""

    __slots__ = ()


class Link(Rich):
    """A hyperlink. ``formats`` limits the markups in which it is a link (else plain words)."""

    __slots__ = ("formats", "url")

    def __init__(
        self, url: str, *children: Rich | str, formats: frozenset[str] | None = None
    ) -> None:
        # Rich.__init__(*(children or (url,))), without its call
        self.children = [Text(c) if isinstance(c, str) else c for c in children or (url,)]
        self._empty = None
        self.url = url
        self.formats = formats

    def __repr__(self) -> str:
        return f"Link({self.url!r}, {', '.join(map(repr, self.children))})"

    def copy_shallow(self) -> Rich:
        if type(self) is not Link:
            return super().copy_shallow()
        clone = object.__new__(Link)
        clone.children = self.children
        clone._empty = self._empty
        clone.url = self.url
        clone.formats = self.formats
        return clone


# Node types with no slots of their own (copied without looking their slots up)
_PLAIN_TYPES = frozenset({Seq, Italic, Bold, Sup, Sub, SmallCaps, NoCase, Quoted})


def is_safe_url(url: str) -> bool:
    return url.strip().lower().startswith(SAFE_SCHEMES)


# --------------------------------------------------------------------------- punctuation


def last_char(node: Rich) -> str:
    """The last visible character, looking inside a closing quotation mark."""
    if isinstance(node, Text):
        return node.value[-1:] if node.value else ""
    for child in reversed(node.children):
        char = last_char(child)
        if char:
            return char
    return ""


def first_char(node: Rich) -> str:
    if isinstance(node, Text):
        return node.value[:1]
    for child in node.children:
        char = first_char(child)
        if char:
            return char
    return ""


def _ends_in_quote(node: Rich) -> Quoted | None:
    """The Quoted node that closes ``node`` (nothing after it), if any."""
    if isinstance(node, Quoted):
        return node
    if isinstance(node, Text):
        return None
    for child in reversed(node.children):
        if child.is_empty():
            continue
        return _ends_in_quote(child)
    return None


def _punct_into_quote(node: Rich, punct: str) -> Rich | None:
    """A copy of ``node`` with ``punct`` inside its closing quotation mark (copying only the
    path to it), or None if ``node`` does not end in a quotation."""
    if isinstance(node, Quoted):
        return Quoted(*node.children, Text(punct))
    if isinstance(node, Text):
        return None
    for index in range(len(node.children) - 1, -1, -1):
        child = node.children[index]
        if child.is_empty():
            continue
        replaced = _punct_into_quote(child, punct)
        if replaced is None:
            return None
        clone = node.copy_shallow()
        clone.children = [*node.children[:index], replaced, *node.children[index + 1 :]]
        return clone
    return None


def _end(node: Rich) -> tuple[str, bool]:
    """The last visible character of a non-empty ``node`` (as :func:`last_char`) and whether a
    quotation closes it (as :func:`_ends_in_quote`), in one walk down its last children."""
    quoted = False
    while not isinstance(node, Text):
        if not quoted and isinstance(node, Quoted):
            quoted = True
        children = node.children
        node = children[-1] if children else node
        empty = node._empty  # known at once for a Text, cached for the others
        if empty is None:
            empty = node.is_empty()
        if empty:  # rare: an empty node at the end; the last non-empty one counts
            for child in reversed(children):
                if not child.is_empty():
                    node = child
                    break
            else:
                return "", quoted
    return node.value[-1:], quoted


def _seam(children: list[Rich], sep: str) -> str:
    """The separator to put after ``children`` (changing its last child when punctuation moves
    inside a closing quotation mark)."""
    punct = sep[:1]
    if punct not in (".", ","):
        return sep
    last = children[-1]  # never empty: join and add_suffix keep only non-empty parts
    end, quoted = (last.value[-1:], False) if type(last) is Text else _end(last)
    if punct == "." and end in (".", "?", "!", "…"):
        return sep[1:]
    if punct == "," and end in ("?", "!"):
        return sep[1:]
    if not quoted:
        return sep
    moved = _punct_into_quote(last, punct)
    if moved is not None:
        children[-1] = moved
        return sep[1:]
    return sep


def words(value: str) -> Seq:
    """``Seq(Text(value))`` (what a parse of plain words makes), without the generic
    constructor."""
    return _seq([Text(value)])


def _seq(children: list[Rich]) -> Seq:
    """``Seq(*children)`` for children that are all nodes already."""
    node = object.__new__(Seq)
    node.children = children
    node._empty = None
    return node


# Separator leaves, shared: a Text is never changed once made (capitalize_first changes a copy).
_SEPARATORS: dict[str, Text] = {}
_SEPARATORS_MAX = 256
# What ends a sentence: a "." after it is dropped (see _seam)
_SENTENCE_ENDS = frozenset((".", "?", "!", "…"))
_CLAUSE_ENDS = frozenset(("?", "!"))


def _separator(value: str) -> Text:
    node = _SEPARATORS.get(value)
    if node is None:
        node = Text(value)
        if len(_SEPARATORS) < _SEPARATORS_MAX:
            _SEPARATORS[value] = node
    return node


# A separator of join: whether it has punctuation to resolve, its leaves whole and without
# its punctuation, and what drops the punctuation (see _seam)
_Separation = tuple[bool, Text, Text, frozenset[str]]
_SEPARATIONS: dict[str, _Separation] = {}


def _separation(sep: str) -> _Separation:
    punct = sep[:1]
    found = (
        punct == "." or punct == ",",
        _separator(sep),
        _separator(sep[1:]),
        _SENTENCE_ENDS if punct == "." else _CLAUSE_ENDS,
    )
    if len(_SEPARATIONS) < _SEPARATORS_MAX:
        _SEPARATIONS[sep] = found
    return found


def join(parts: Iterable[Rich | str | None], sep: str = "") -> Seq:
    """Join the non-empty parts with ``sep``, resolving punctuation at each seam."""
    return _seq_of(_joined(parts, sep))


def _joined(parts: Iterable[Rich | str | None], sep: str) -> list[Rich]:
    """The children of ``join(parts, sep)``."""
    children: list[Rich] = []
    append = children.append
    resolve, full, short, drops = _SEPARATIONS.get(sep) or _separation(sep)
    for part in parts:
        if part is None:
            continue
        if isinstance(part, str):
            if not part:
                continue
            node: Rich = Text(part)
        else:
            empty = part._empty  # known at once for a Text, cached for the others
            if empty is None:
                empty = part.is_empty()
            if empty:
                continue
            node = part
        if children:
            if not resolve:
                append(full)
            else:
                last = children[-1]
                if type(last) is Text:  # _seam of a word: no quotation mark to look into
                    append(short if last.value[-1:] in drops else full)
                else:
                    append(_separator(_seam(children, sep)))
        append(node)
    return children


def _seq_of(children: list[Rich]) -> Seq:
    out = object.__new__(Seq)  # Seq(*children), for children that are all nodes already
    out.children = children
    out._empty = not children
    return out


def add_suffix(node: Rich, suffix: str) -> Seq:
    """``node`` followed by ``suffix`` (a final period …), resolving punctuation."""
    if node.is_empty():
        return Seq()
    children = [node]
    tail = _seam(children, suffix)
    return _seq([children[0], Text(tail)])


def join_with_suffix(parts: Iterable[Rich | str | None], sep: str, suffix: str) -> Seq:
    """``add_suffix(join(parts, sep), suffix)`` as one flat sequence: the same words and
    markup (a Seq adds none, and the suffix looks at the same last part) with a node less."""
    children = _joined(parts, sep)
    if children:
        children.append(_separator(_seam(children, suffix)))
    return _seq_of(children)


def wrap(prefix: str, node: Rich | None, suffix: str) -> Rich | None:
    if node is None or node.is_empty():
        return None
    return Seq(Text(prefix), node, Text(suffix))


def wrapped(cls: type[Rich], node: Rich) -> Rich:
    """``cls(node)`` for a node type with no fields of its own (``Italic``, ``Quoted`` …), made
    directly, around the one child of a plain Seq (what :func:`parse` makes of plain words):
    the same words and markup (a Seq adds none), a node less."""
    children = node.children
    inner = children[0] if type(node) is Seq and len(children) == 1 else node
    out = object.__new__(cls)
    out.children = [inner]
    out._empty = inner._empty  # as empty as its one child (None: not known yet)
    return out


def capitalize_first(node: Rich) -> Rich:
    """Upper-case the first letter (a note starts like a sentence)."""
    node = node.copy()
    for leaf in _leaves(node):
        if leaf.value:
            leaf.value = leaf.value[0].upper() + leaf.value[1:]
            break
    return node


def _leaves(node: Rich) -> Iterator[Text]:
    if isinstance(node, Text):
        yield node
        return
    if isinstance(node, NoCase):
        return
    for child in node.children:
        yield from _leaves(child)


# --------------------------------------------------------------------------- rendering

_MD_ALWAYS = re.compile(r"([\\*\[\]<>`$~^|])")
_MD_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_MD_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
# Every character the three patterns above act on: most words have none of them, and one
# search is several times cheaper than three substitutions.
_MD_SPECIAL = re.compile(r"[\\*\[\]<>`$~^|&_]")
_MD_LINE_START = re.compile(r"^([ \t]*)(#|[-+=](?=[ \t]|$))")
_MD_ORDERED = re.compile(r"^([ \t]*\d{1,9})([.)])(?=[ \t]|$)")
# What a line must start with (after spaces and tabs) for those two to match.
_MD_LINE_MARKERS = frozenset("#-+=0123456789")


def escape_markdown(text: str) -> str:
    """Backslash-escape everything markdown (pandoc and CommonMark) reads as markup."""
    if _MD_SPECIAL.search(text) is None:
        return text
    text = _MD_ALWAYS.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(r"\\&", text)
    return _MD_UNDERSCORE.sub(r"\\_", text)


def _escape_line_start(line: str) -> str:
    if line.lstrip(" \t")[:1] not in _MD_LINE_MARKERS:
        return line
    line = _MD_LINE_START.sub(r"\1\\\2", line)
    return _MD_ORDERED.sub(r"\1\\\2", line)


def _escape_line_starts(text: str) -> str:
    if "\n" not in text:
        return _escape_line_start(text)
    return "\n".join(_escape_line_start(line) for line in text.split("\n"))


def _url_markdown(url: str) -> str:
    return url.replace("\\", "%5C").replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def render(
    node: Rich | str,
    to: Markup | str = "text",
    *,
    link_titles: bool = True,
) -> str:
    """Render to ``"text"``, ``"markdown"`` or ``"html"``.

    ``link_titles=False`` drops links that exist in one markup only (markdown title links), for
    comparing with processors that do not make them.
    """
    return render_all([node], to, link_titles=link_titles)[0]


def render_all(
    nodes: Iterable[Rich | str],
    to: Markup | str = "text",
    *,
    link_titles: bool = True,
) -> list[str]:
    """:func:`render` of each node (a reference list: the markup checked once)."""
    if to == "plain":
        to = "text"
    if to not in MARKUPS:
        raise ValueError(f"unknown markup {to!r}; choose from {', '.join(MARKUPS)}")
    rendered = []
    markdown = to == "markdown"
    for node in nodes:
        if isinstance(node, str):
            node = Text(node)
        out: list[str] = []
        if to == "text":
            _text_into(node, 0, out)
            rendered.append("".join(out))
            continue
        _markup_children_into((node,), markdown, 0, link_titles, out)
        text = "".join(out)
        rendered.append(_escape_line_starts(text) if markdown else text)
    return rendered


_TAGS: dict[type, tuple[str, str, str, str]] = {
    # node type: markdown open, close, html open, close
    Italic: ("*", "*", "<em>", "</em>"),
    Bold: ("**", "**", "<strong>", "</strong>"),
    Sup: ("^", "^", "<sup>", "</sup>"),
    Sub: ("~", "~", "<sub>", "</sub>"),
    SmallCaps: ("[", "]{.smallcaps}", '<span class="smallcaps">', "</span>"),
}


def _text_into(node: Rich, quotes: int, out: list[str]) -> None:
    """Plain text (the words, quotation marks included) appended to ``out``."""
    if isinstance(node, Text):
        out.append(node.value)
        return
    if isinstance(node, Quoted):
        double = quotes % 2 == 0
        out.append("“" if double else "‘")
        _text_children_into(node.children, quotes + 1, out)
        out.append("”" if double else "’")
        return
    _text_children_into(node.children, quotes, out)


def _text_children_into(children: list[Rich], quotes: int, out: list[str]) -> None:
    for child in children:
        if isinstance(child, Text):  # most children: words, without a call for each
            out.append(child.value)
        elif (cls := type(child)) is Seq or cls is Italic or cls is Link:
            _text_children_into(child.children, quotes, out)  # as _text_into would
        else:
            _text_into(child, quotes, out)


def _markup_children_into(
    children: Iterable[Rich], markdown: bool, quotes: int, link_titles: bool, out: list[str]
) -> None:
    """Markdown (``markdown``) or HTML of ``children`` appended to ``out``: one recursive walk
    that appends (a generator per node, as before, took a third of the time of a markdown
    list); words are escaped here, without a call for each."""
    for child in children:
        if isinstance(child, Text):
            value = child.value
            if not markdown:
                out.append(html.escape(value, quote=False))
            elif _MD_SPECIAL.search(value) is None:  # most words: nothing to escape
                out.append(value)
            else:
                out.append(escape_markdown(value))
        elif type(child) is Seq:  # no markup of its own: as _markup_into would
            _markup_children_into(child.children, markdown, quotes, link_titles, out)
        else:
            _markup_into(child, markdown, quotes, link_titles, out)


def _markup_into(
    node: Rich, markdown: bool, quotes: int, link_titles: bool, out: list[str]
) -> None:
    """The markup of one node that is not a Text (see :func:`_markup_children_into`)."""
    children = node.children
    if isinstance(node, Quoted):
        double = quotes % 2 == 0
        out.append("“" if double else "‘")
        _markup_children_into(children, markdown, quotes + 1, link_titles, out)
        out.append("”" if double else "’")
        return
    if isinstance(node, Link):
        url = node.url
        to = "markdown" if markdown else "html"
        live = is_safe_url(url) and (node.formats is None or (to in node.formats and link_titles))
        if not live:  # the words alone
            _markup_children_into(children, markdown, quotes, link_titles, out)
        elif markdown and len(children) == 1 and children[0].plain() == url:
            out.append(f"<{_url_markdown(url)}>")  # the address alone: no words to render
        else:  # the words are needed as one string
            text = _markup_text(children, markdown, quotes, link_titles)
            if not markdown:
                out.append(f'<a href="{html.escape(url)}">{text}</a>')
            else:
                out.append(f"[{text}]({_url_markdown(url)})")
        return
    tags = _TAGS.get(type(node))
    if tags is None:  # no markup of its own
        _markup_children_into(children, markdown, quotes, link_titles, out)
        return
    # emphasis: the inner text is needed as one string
    text = _markup_text(children, markdown, quotes, link_titles)
    if not markdown:
        out.append(f"{tags[2]}{text}{tags[3]}")
        return
    # emphasis markers must touch the words: keep spaces at the ends outside them
    core = text.strip()
    if not core:
        out.append(text)
        return
    if len(core) == len(text):  # no spaces at the ends (most)
        out.append(f"{tags[0]}{core}{tags[1]}")
        return
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    out.append(f"{lead}{tags[0]}{core}{tags[1]}{trail}")


def _markup_text(children: list[Rich], markdown: bool, quotes: int, link_titles: bool) -> str:
    """The markup of ``children`` as one string."""
    if len(children) == 1 and isinstance(only := children[0], Text):  # one word: as below
        value = only.value
        if not markdown:
            return html.escape(value, quote=False)
        return value if _MD_SPECIAL.search(value) is None else escape_markdown(value)
    inner: list[str] = []
    _markup_children_into(children, markdown, quotes, link_titles, inner)
    return "".join(inner)


def concat(nodes: Sequence[Rich]) -> Seq:
    return Seq(*nodes)
