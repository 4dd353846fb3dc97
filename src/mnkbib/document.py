"""The layout of a library file: header, one block of lines per entry, footer.

A library file is a YAML mapping with ``mnkbib: 1`` and ``entries:``; each entry is
a block of lines starting with its key at the entries' indentation. Knowing
where each block starts and ends lets a write replace only that entry's lines
(everything else, hand-written comments included, stays byte-identical) and lets
the cache re-parse only the blocks that changed.

Pure text processing: no YAML parsing here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ENTRIES_LINE = re.compile(r"^entries:[ \t]*(\{\}[ \t]*)?(#.*)?\r?\n?$")
_KEY = re.compile(r"""^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"].*?):(?:[ \t]|\r?\n|$)""")
# YAML's double-quoted escapes (the emitter writes \xXX, \uXXXX and \UXXXXXXXX too).
_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if len(code) > 1:
        return chr(int(code[1:], 16))
    return _ESCAPES.get(code, code)


@dataclass(frozen=True, slots=True)
class Block:
    key: str
    start: int  # index of the key line
    end: int  # index after the entry's last line (trailing blanks/comments excluded)

    def text(self, lines: list[str]) -> str:
        return "".join(lines[self.start : self.end])


@dataclass(slots=True)
class Layout:
    lines: list[str]
    entries_line: int | None  # index of the "entries:" line
    empty_flow: bool  # "entries: {}"
    indent: int  # the entries' indentation
    blocks: list[Block]
    section_end: int  # index after the entries section (start of the footer)

    @property
    def keys(self) -> list[str]:
        return [b.key for b in self.blocks]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_blank(line: str) -> bool:
    return not line.strip()


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def parse_key(text: str) -> str | None:
    """The mapping key at the start of a line (already dedented), or None."""
    m = _KEY.match(text)
    if not m:
        return None
    token = m.group(1)
    if token.startswith('"'):
        return _ESCAPE.sub(_unescape, token[1:-1])
    if token.startswith("'"):
        return token[1:-1].replace("''", "'")
    return token.rstrip()


def scan(text: str) -> Layout:
    """Find the entries section and each entry's block of lines."""
    lines = text.splitlines(keepends=True)
    entries_line = next((i for i, ln in enumerate(lines) if _ENTRIES_LINE.match(ln)), None)
    if entries_line is None:
        return Layout(lines, None, False, 2, [], len(lines))
    empty_flow = bool(_ENTRIES_LINE.match(lines[entries_line]).group(1))  # type: ignore[union-attr]
    indent = 0
    i = entries_line + 1
    n = len(lines)
    section_end = n
    starts: list[tuple[str, int]] = []
    while i < n:
        line = lines[i]
        if _is_blank(line) or _is_comment(line):
            i += 1
            continue
        level = _indent(line)
        if level == 0:
            section_end = i
            break
        if indent == 0:
            indent = level
        if level == indent:
            key = parse_key(line[indent:])
            starts.append((key if key is not None else "", i))
        i += 1
    blocks: list[Block] = []
    for idx, (key, start) in enumerate(starts):
        limit = starts[idx + 1][1] if idx + 1 < len(starts) else section_end
        end = start + 1
        for j in range(start + 1, limit):
            line = lines[j]
            if _is_blank(line):
                continue
            if _is_comment(line) and _indent(line) <= indent:
                continue
            end = j + 1
        blocks.append(Block(key, start, end))
    return Layout(lines, entries_line, empty_flow, indent or 2, blocks, section_end)
