"""Splitting a .bib file into blocks: a fast path for well-formed files.

bibtexparser 2's splitter walks the text mark by mark in Python (every brace, quote,
comma, ``=`` and newline), which is half the time of reading a large file. ``split``
here does the same work with one regular expression match per field, for the files
almost everyone has: ``@type{…}`` blocks whose fields are ``name = value`` with values made of
text, ``{…}`` groups (nested up to ``_DEPTH``) and ``"…"`` strings.

It gives exactly the blocks, keys, values and line numbers bibtexparser's splitter
gives, or ``None`` when the file holds anything else — a ``@type(…)`` block, a syntax
error, an ``@`` at the start of a line inside a block, deeper nesting, ``{"}`` inside a
quoted value … — and the caller then uses bibtexparser, whose error recovery and
messages are the reference. ``tests/formats/test_bibsplit.py`` checks the two agree.

The rules of bibtexparser's splitter that this follows (``bibtexparser/splitter.py``):

* a character among ``{ } " , = newline`` right after a backslash is not a mark, so it
  is text (and an escaped newline does not count as a line);
* a block starts at ``@word`` followed by optional spaces or tabs and ``{`` or ``(``,
  anywhere outside a block; everything between blocks is an ignored comment;
* inside a value, ``{`` and ``}`` nest (not inside quotes), ``"`` opens and closes a
  quoted part (not inside braces), and a ``,`` or the block's closing ``}`` at depth 0
  outside quotes ends the value; ``=`` and ``@`` elsewhere than at a line start are text;
* ``@string``, ``@preamble`` and ``@comment`` bodies end at the ``}`` closing the
  block, braces nesting and quotes not counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Block start as bibtexparser's ``_BLOCK_START``; ``[{(]`` is matched here, not looked ahead.
_BLOCK_START = re.compile(r"@\w*[ \t]*[{(]")

# A run of backslashes escapes the one character after it (bibtexparser's ``(?<!\\)``
# looks at one character only, so ``\\{`` escapes the brace too).
_ESC = r"\\+[^\\]"
_DEPTH = 8


def _group(depth: int) -> str:
    """``{…}`` with braces nested ``depth`` deep at most; quotes and commas are text."""
    inner = f"[^{{}}\\\\]++|{_ESC}"
    if depth > 1:
        inner += "|" + _group(depth - 1)
    return r"\{(?:" + inner + r")*+\}"


_GROUP = _group(_DEPTH)
# A quoted part outside braces: braces are text there. A ``"`` right after a ``{``
# (bibtexparser's ``{"}`` escape, whichever way that ``{`` was written) is left to it.
_QUOTED = r'"(?:[^"\\{]++|\{(?!")|\\+[^\\{])*+"'
# A field: its name (no marks, no ``@``, no backslash), ``=``, its value up to the ``,``
# or ``}`` that ends it.
_FIELD = re.compile(
    r'([^{}",=@\\]*)=((?:[^{}",\\]++|' + _ESC + "|" + _GROUP + "|" + _QUOTED + r")*+)(?:,|(?=\}))"
)
_CITEKEY = re.compile(r'[^{}",=@\\]*,')
_END = re.compile(r"\s*\}")
# The body of @string/@preamble/@comment: up to the block's closing brace.
_BODY = re.compile(r"(?:[^{}\\]++|" + _ESC + "|" + _GROUP + r")*+\}")
_STRING_NAME = re.compile(r'[^{}",=@\\]*=')
# An ``@`` first on a line inside a block: bibtexparser may end the block there. (Spaces
# but no newline between: one pass over the text, however many blank lines it holds.)
_LINE_START_AT = re.compile(r"\n[^\S\n]*@")


@dataclass(slots=True)
class Field:
    key: str
    value: str
    line: int | None  # 0-based, where the ``=`` is


@dataclass(slots=True)
class EntryBlock:
    line: int | None  # 0-based, where the ``@`` is
    entry_type: str  # lower-cased (as bibtexparser gives it)
    key: str
    fields: list[Field]


@dataclass(slots=True)
class StringBlock:
    line: int | None
    key: str
    value: str


@dataclass(slots=True)
class PreambleBlock:
    line: int | None


@dataclass(slots=True)
class FailedBlock:
    """A block bibtexparser could not parse (never made by ``split``)."""

    line: int | None
    raw: str
    error: Exception


Block = EntryBlock | StringBlock | PreambleBlock | FailedBlock


def _newlines(text: str, start: int, end: int, escaped: bool) -> int:
    """Line breaks in ``text[start:end]`` as bibtexparser counts them."""
    n = text.count("\n", start, end)
    if escaped:  # a newline right after a backslash is no mark, so no line for it
        n -= text.count("\\\n", max(start - 1, 0), end)
    return n


def split(text: str) -> list[Block] | None:
    """The file's entries, @string and @preamble blocks in order (comments dropped), or
    None if it holds anything this fast path does not take exactly as bibtexparser does."""
    blocks: list[Block] = []
    field_match = _FIELD.match
    escaped = "\\\n" in text  # rare: an escaped newline is not counted as a line
    # The line (0-based) at ``counted``, advanced as blocks and fields are found in order.
    counted = line = 0
    pos = 0
    while True:
        m = _BLOCK_START.search(text, pos)
        if m is None:
            return blocks
        found = m.group()
        if found[-1] != "{":
            return None  # @type(…)
        head = found[:-1].lower()
        start = m.end()  # after the "{"
        at = m.start()
        line += _newlines(text, counted, at, escaped)
        counted = at
        if head.startswith(("@comment", "@preamble")):
            body = _BODY.match(text, start)
            if body is None:
                return None
            end = body.end()
            if head.startswith("@preamble"):
                blocks.append(PreambleBlock(line))
        elif head.startswith("@string"):
            name = _STRING_NAME.match(text, start)
            if name is None:
                return None
            body = _BODY.match(text, name.end())
            if body is None:
                return None
            end = body.end()
            blocks.append(
                StringBlock(
                    line, text[start : name.end() - 1].strip(), text[name.end() : end - 1].strip()
                )
            )
        else:
            key = _CITEKEY.match(text, start)
            if key is None:
                return None  # no comma after the key, or a mark in it
            fields: list[Field] = []
            field_line = line
            at = key.end()
            while True:
                f = field_match(text, at)
                if f is None:
                    closing = _END.match(text, at)  # "}" after the last comma
                    if closing is None:
                        return None
                    end = closing.end()
                    break
                equals = f.end(1)
                field_line += _newlines(text, counted, equals, escaped)
                counted = equals
                name_text, value = f.group(1, 2)
                fields.append(Field(name_text.strip(), value.strip(), field_line))
                at = f.end()
                if at == f.end(2):  # no comma: the value ended at the closing "}"
                    end = at + 1
                    break
            blocks.append(
                EntryBlock(line, head[1:].strip(), text[start : key.end() - 1].strip(), fields)
            )
            line = field_line
        if _LINE_START_AT.search(text, start, end):
            return None
        pos = end
