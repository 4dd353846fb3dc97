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
            return "tag:yaml.org,2002:str"
        if kind is SequenceNode:
            return "tag:yaml.org,2002:seq"
        return "tag:yaml.org,2002:map"


class SafeLibraryLoader(_Parser, _Constructor, _Resolver):  # type: ignore[misc,valid-type]
    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        _Constructor.__init__(self)


# Where an anchor could start a node: ``&name`` after a line start, a space or a flow
# indicator. Only text that matches is scanned event by event (titles' `` & `` do not).
_ANCHOR_HINT = re.compile(r"(?:^|[\s\[{,])&[^\s\[\]{},]", re.MULTILINE)


def _refuse_anchors(text: str) -> None:
    if "&" not in text or not _ANCHOR_HINT.search(text):
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


def load_text(text: str, *, source: str, line_offset: int = 0) -> Any:
    """Parse one YAML document. Errors name ``source``, line and column."""
    loader = SafeLibraryLoader(text)
    loader.line_offset = line_offset
    enabled = gc.isenabled()
    gc.disable()  # the cyclic GC makes large loads superlinear; nothing here is cyclic
    try:
        _refuse_anchors(text)
        return loader.get_single_data()
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
    finally:
        if enabled:
            gc.enable()
        loader.dispose()
