"""Reading YAML safely: the only module that imports PyYAML.

What PyYAML's own safe loader does not do, this loader does:

* a duplicate mapping key is an error (PyYAML silently keeps the last one);
* aliases and anchors are refused, so an alias bomb ("billion laughs") cannot
  blow up time or memory;
* no implicit typing of plain scalars: ``No``, ``On``, ``1e5`` and ``2018-03``
  come back as text (``Plain`` strings), so a Korean family name or a title is
  never turned into a boolean, a number or a date. The data model converts the
  fields it knows; unknown fields keep the text and are written back plain.

It uses libyaml's C parser when PyYAML has it.
"""

from __future__ import annotations

import gc
import re
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mnkbib.errors import ParseError

try:
    from yaml.cyaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


PLAIN_TAG = "tag:mnkbib.invalid,2026:plain"
_NULL_TAG = "tag:yaml.org,2002:null"
_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_NULLS = {"", "~", "null", "Null", "NULL"}


class Plain(str):
    """Text that was written as a plain (unquoted) scalar."""

    __slots__ = ()


class LineDict(dict[Any, Any]):
    """A mapping that remembers the 1-based line of each key (for error messages)."""

    __slots__ = ("lines",)

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[Any, int] = {}


class _Constructor(SafeConstructor):
    line_offset = 0  # added to recorded lines when a block is parsed on its own

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        if node in self.constructed_objects or node in self.recursive_objects:
            raise ConstructorError(
                None, None, "aliases (*name) are not allowed in a library", node.start_mark
            )
        return super().construct_object(node, deep=deep)

    def construct_document(self, node: Node) -> Any:
        try:
            return super().construct_document(node)
        finally:
            self.constructed_objects: dict[Node, Any] = {}

    def _mapping(self, node: MappingNode) -> LineDict:
        mapping = LineDict()
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == "<<" and not key_node.style:
                raise ConstructorError(
                    None, None, "merge keys (<<) are not allowed in a library", key_node.start_mark
                )
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise ConstructorError(
                    None, None, "a mapping key must be text", key_node.start_mark
                )
            key = str(key) if key is not None else ""
            if key in mapping:
                raise ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first at line {mapping.lines[key]})",
                    key_node.start_mark,
                )
            mapping[key] = self.construct_object(value_node, deep=True)
            mapping.lines[key] = key_node.start_mark.line + 1 + self.line_offset
        return mapping

    def _sequence(self, node: SequenceNode) -> list[Any]:
        return [self.construct_object(child, deep=True) for child in node.value]

    def _plain(self, node: ScalarNode) -> Plain:
        return Plain(node.value)


_Constructor.add_constructor("tag:yaml.org,2002:map", _Constructor._mapping)
_Constructor.add_constructor("tag:yaml.org,2002:omap", None)  # type: ignore[arg-type]
_Constructor.add_constructor("tag:yaml.org,2002:seq", _Constructor._sequence)
_Constructor.add_constructor(PLAIN_TAG, _Constructor._plain)
# Drop every typed constructor that an explicit tag could ask for (!!python/…, !!binary …),
# except the basic ones; an unknown tag is an error.
for _tag in list(_Constructor.yaml_constructors):
    if _tag not in (
        "tag:yaml.org,2002:map",
        "tag:yaml.org,2002:seq",
        "tag:yaml.org,2002:str",
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool",
        PLAIN_TAG,
        None,
    ):
        del _Constructor.yaml_constructors[_tag]


class _Resolver:
    def descend_resolver(self, current_node: Node | None, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                return _NULL_TAG if value in _NULLS else PLAIN_TAG
            return _STR_TAG
        if kind is SequenceNode:
            return _SEQ_TAG
        return _MAP_TAG


class SafeLibraryLoader(_Parser, _Constructor, _Resolver):  # type: ignore[misc,valid-type]
    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        _Constructor.__init__(self)


# "&" and what could be an anchor's name; the character before is checked apart: a
# pattern that begins with "&" is found by a fast scan for it, where one that begins with
# a choice of characters before it is tried at every position (0.15 s per MB of library).
_AMPERSAND = re.compile(r"&[^\s\[\]{},]")


def _anchor_hint(text: str) -> bool:
    """Whether an anchor could start a node: ``&name`` at a line start or after a space or
    a flow indicator (titles' `` & `` and ``R&D`` are no anchors)."""
    for match in _AMPERSAND.finditer(text):
        i = match.start()
        if i == 0 or text[i - 1].isspace() or text[i - 1] in "[{,":
            return True
    return False


def _refuse_anchors(text: str) -> None:
    """Only text with a hint of an anchor is scanned event by event."""
    if "&" not in text or not _anchor_hint(text):
        return
    parser = _Parser(text)
    try:
        while parser.check_event():
            event = parser.get_event()
            if getattr(event, "anchor", None) is not None:
                raise ConstructorError(
                    None,
                    None,
                    "anchors (&name) and aliases (*name) are not allowed in a library",
                    event.start_mark,
                )
    finally:
        parser.dispose()


class _Unusual(Exception):
    """Raised by the fast constructor for anything it leaves to ``_Constructor``."""


def _construct_fast(root: Node, line_offset: int, aliases_possible: bool) -> Any:
    """The data of a composed document, as ``_Constructor`` builds it, for documents of
    mappings, sequences and untagged (or ``!!str``/``!!null``) scalars.

    ``_Constructor`` goes through PyYAML's generic ``construct_object`` for every node
    (bookkeeping for recursive structures, generators for deep construction), most of a
    load's time. This walk builds the same values directly. On anything else — another
    tag, a non-text key, a duplicate or merge key, an alias — it raises ``_Unusual`` and
    the caller constructs the document with ``_Constructor``, which builds it or names the
    error exactly as before.

    An alias composes to a node already seen; one needs a ``*`` in the text, so only then
    are nodes tracked (``aliases_possible``).
    """
    seen: set[int] = set()

    def mapping(node: MappingNode) -> LineDict:
        out = LineDict()
        lines = out.lines
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode:
                raise _Unusual
            tag = key_node.tag
            key = key_node.value
            if key == "<<":
                raise _Unusual  # a merge key, unless quoted: _Constructor tells
            if tag == _NULL_TAG:
                key = ""
            elif tag != PLAIN_TAG and tag != _STR_TAG:
                raise _Unusual
            if key in out:
                raise _Unusual  # a duplicate key: _Constructor names both lines
            if aliases_possible:
                track(key_node)
            # A plain scalar value (most values) is made here, not in value(): one call less.
            if value_node.__class__ is ScalarNode and value_node.tag == PLAIN_TAG:
                if aliases_possible:
                    track(value_node)
                out[key] = Plain(value_node.value)
            else:
                out[key] = value(value_node)
            lines[key] = key_node.start_mark.line + 1 + line_offset
        return out

    def value(node: Node) -> Any:
        cls = node.__class__
        if aliases_possible:
            track(node)
        if cls is ScalarNode:
            tag = node.tag
            if tag == PLAIN_TAG:
                return Plain(node.value)
            if tag == _STR_TAG:
                return node.value
            if tag == _NULL_TAG:
                return None
        elif cls is MappingNode:
            if node.tag == _MAP_TAG:
                return mapping(node)
        elif cls is SequenceNode and node.tag == _SEQ_TAG:
            return [value(child) for child in node.value]
        raise _Unusual

    def track(node: Node) -> None:
        if id(node) in seen:
            raise _Unusual  # an alias
        seen.add(id(node))

    try:
        return value(root)
    except RecursionError:
        raise _Unusual from None


_EXPLICIT_TAG = re.compile(r"!![A-Za-z]+")


def load_text(text: str, *, source: str, line_offset: int = 0) -> Any:
    """Parse one YAML document. Errors name ``source``, line and column."""
    loader = SafeLibraryLoader(text)
    loader.line_offset = line_offset
    enabled = gc.isenabled()
    gc.disable()  # the cyclic GC makes large loads superlinear; nothing here is cyclic
    try:
        _refuse_anchors(text)
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            return _construct_fast(node, line_offset, "*" in text)
        except _Unusual:
            return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem and "duplicate key" not in exc.problem:
            problem = f"{exc.problem} ({exc.context})"
        line = mark.line + 1 + line_offset if mark else None
        column = mark.column + 1 if mark else None
        raise ParseError(problem, source=source, line=line, column=column) from None
    except yaml.reader.ReaderError as exc:  # a control character: no mark, a position
        line = text.count("\n", 0, exc.position) + 1 + line_offset
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise ParseError(
            f"control character U+{exc.character:04X} is not allowed in YAML",
            source=source,
            line=line,
            column=column,
        ) from None
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ParseError(f"invalid YAML: {first}", source=source) from None
    except RecursionError:
        raise ParseError("invalid YAML: nested too deeply", source=source) from None
    except (ValueError, TypeError, IndexError, KeyError):
        # PyYAML's constructors of !!int, !!float, !!bool … fail on text they cannot read.
        tag = _EXPLICIT_TAG.search(text)
        line = text.count("\n", 0, tag.start()) + 1 + line_offset if tag else None
        shown = f" {tag.group()}" if tag else ""
        raise ParseError(f"a value tagged{shown} is not valid", source=source, line=line) from None
    finally:
        if enabled:
            gc.enable()
        loader.dispose()
