"""Writing YAML by hand, for stable, readable, diff-friendly library files.

PyYAML's dumper is slow (1.3 s for 10,000 entries) and its layout is not ours to
choose; this emitter writes the small subset a library needs — mappings, lists
and text — and quotes every string that any YAML reader (1.1 or 1.2) could read
as something else: ``No``, ``On``, ``1e5``, ``2018-03``, ``null``, ``- x``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`=<")
_YAML11_WORDS = {
    "y",
    "yes",
    "n",
    "no",
    "true",
    "false",
    "on",
    "off",
    "null",
    "~",
}
_SPECIAL_FLOATS = re.compile(r"^[-+]?\.(inf|nan)$", re.IGNORECASE)
_NUMBERISH = re.compile(r"^[-+]?\.?[0-9][0-9a-zA-Z_.:+-]*$")
# YAML 1.1 timestamps may hold spaces: ``2018-03-25 10:00:00`` (and ``2018-3-5\t1:00:00``).
_TIMESTAMPISH = re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]")
# Not printable in YAML (the complement of its printable set, and line and paragraph
# separators and the BOM), as a class of what is excluded: compiling the complement as a
# negated class of the printable ranges takes 5 ms, this one under 1.
_NONPRINT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u2028\u2029\ufeff]")
_FLOW_UNSAFE = re.compile(r"[,\[\]{}:#?]")
# The common case, decided by one match: text that starts with a letter and holds no
# control or other non-printable character, no ": " or " #", and does not end in ":" or
# a space can be plain unless it is a YAML 1.1 word (checked apart). A letter first rules
# out indicators, numbers, special floats and timestamps. Everything else takes the
# checks in order below; both ways give the same answer. (The possessive runs make the
# match a tight loop over the text; ":" and "#" are rare enough to break them.)
_PLAIN_SAFE = re.compile(
    "[^\\W\\d_]"
    "(?:[^\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u2028\u2029\ufeff:#]++"
    "|:(?=[^ ])|(?<! )#)*+"
    "(?<!\\s)"
)


def needs_quotes(text: str, *, flow: bool = False) -> bool:
    """Whether ``text`` cannot be written as a plain scalar without changing meaning."""
    if _PLAIN_SAFE.fullmatch(text) and not (len(text) <= 5 and text.lower() in _YAML11_WORDS):
        return flow and _FLOW_UNSAFE.search(text) is not None
    return _needs_quotes_checks(text, flow=flow)


def _needs_quotes_checks(text: str, *, flow: bool = False) -> bool:
    """``needs_quotes`` the long way: every hazard checked in turn."""
    if not text or text != text.strip() or "\n" in text or "\t" in text:
        return True
    if text[0] in _INDICATORS or text.lower() in _YAML11_WORDS:
        return True
    if _NUMBERISH.match(text) or _SPECIAL_FLOATS.match(text) or _TIMESTAMPISH.match(text):
        return True
    if ": " in text or " #" in text or text.endswith(":") or _NONPRINT.search(text):
        return True
    return flow and _FLOW_UNSAFE.search(text) is not None


def _escape_char(ch: str) -> str:
    code = ord(ch)
    simple = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}
    if ch in simple:
        return simple[ch]
    if code <= 0xFF:
        return f"\\x{code:02X}"
    if code <= 0xFFFF:
        return f"\\u{code:04X}"
    return f"\\U{code:08X}"


_ESCAPE = re.compile('[\\\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]')


def double_quoted(text: str) -> str:
    return '"' + _ESCAPE.sub(lambda m: _escape_char(m.group()), text) + '"'


def scalar(text: str, *, flow: bool = False) -> str:
    """A text value as a plain or double-quoted YAML scalar (one line)."""
    return double_quoted(text) if needs_quotes(text, flow=flow) else text


# Keys and short values recur (field names, name parts, places, publishers, years):
# their scalars are remembered.
_block_key = lru_cache(maxsize=4096)(scalar)
_block_scalar = lru_cache(maxsize=65536)(scalar)
_SHORT = 80


@lru_cache(maxsize=65536)
def _flow_scalar(text: str) -> str:
    return scalar(text, flow=True)


def _block_text(text: str) -> str:
    """``scalar(text)``, remembered for short texts."""
    return _block_scalar(text) if len(text) <= _SHORT else scalar(text)


def _literal_ok(text: str) -> bool:
    if not text or text[0] in " \n" or "\t" in text or "\r" in text:
        return False
    body = text[:-1] if text.endswith("\n") else text
    if body.endswith("\n") or _NONPRINT.search(body.replace("\n", " ")):
        return False
    return all(line == line.rstrip() for line in body.split("\n"))


def _text_value(text: str, indent: int) -> str:
    """After ``key:``: `` value`` on the same line, or a literal block for multi-line text."""
    if "\n" in text and _literal_ok(text):
        chomp = "" if text.endswith("\n") else "-"
        pad = " " * (indent + 2)
        body = text[:-1] if text.endswith("\n") else text
        lines = [pad + line if line else "" for line in body.split("\n")]
        return f" |{chomp}\n" + "\n".join(lines)
    return " " + _block_text(text)


def _atom(value: Any, *, flow: bool = False) -> str:
    if isinstance(value, str):  # most values: tested first
        if type(value) is str:
            if len(value) <= _SHORT:
                return _flow_scalar(value) if flow else _block_scalar(value)
            return scalar(value, flow=flow)
        text = str(value)
        if type(value).__name__ == "Plain" and not needs_plain_guard(text, flow=flow):
            return text  # written plain before, read back the same way
        return scalar(text, flow=flow)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    return scalar(str(value), flow=flow)


def needs_plain_guard(text: str, *, flow: bool) -> bool:
    """A Plain string that was plain in block context may still need quotes in flow context."""
    if not text or text != text.strip() or "\n" in text:
        return True
    return flow and _FLOW_UNSAFE.search(text) is not None


def flow_mapping(mapping: Mapping[str, Any]) -> str:
    items = [
        # Short text (a name's parts) directly; anything else as _atom writes it.
        f"{_flow_scalar(str(k))}: "
        + (_flow_scalar(v) if type(v) is str and len(v) <= _SHORT else _atom(v, flow=True))
        for k, v in mapping.items()
    ]
    return "{" + ", ".join(items) + "}"


def flow_sequence(items: list[Any]) -> str:
    return "[" + ", ".join(_atom(v, flow=True) for v in items) + "]"


def _is_atom(value: Any) -> bool:
    # Text first: the abstract Mapping check is slow and text is most values.
    return isinstance(value, (str, int, float)) or not isinstance(value, (Mapping, list))


def _all_atoms(values: Iterable[Any]) -> bool:
    return all(map(_is_atom, values))


def emit_value(
    key: str, value: Any, indent: int, *, flow_lists: frozenset[str] = frozenset()
) -> list[str]:
    """Lines for ``key: value`` at ``indent`` spaces."""
    pad = " " * indent
    head = f"{pad}{_block_key(str(key))}:"
    if isinstance(value, str):
        return [head + _text_value(value, indent)]
    if _is_atom(value):
        return [f"{head} {_atom(value)}"]
    if isinstance(value, Mapping):
        if not value:
            return [f"{head} {{}}"]
        lines = [head]
        for k, v in value.items():
            lines.extend(emit_value(str(k), v, indent + 2))
        return lines
    if not value:
        return [f"{head} []"]
    if key in flow_lists and _all_atoms(value):
        return [f"{head} {flow_sequence(value)}"]
    lines = [head]
    item_pad = pad + "  - "
    for item in value:
        if isinstance(item, Mapping) and item and _all_atoms(item.values()):
            lines.append(item_pad + flow_mapping(item))
        elif _is_atom(item):
            lines.append(item_pad + _atom(item))
        else:
            sub = emit_value("_", item, indent + 2, flow_lists=flow_lists)
            first = sub[0].replace(f"{' ' * (indent + 2)}_:", f"{pad}  -", 1)
            lines.append(first)
            lines.extend(sub[1:])
    return lines


_FLOW_LISTS = frozenset({"tags"})


def emit_entry(key: str, fields: Mapping[str, Any], indent: int = 2) -> str:
    """One library entry: ``key:`` and its fields, ending with a newline."""
    pad = " " * (indent + 2)
    lines = [" " * indent + scalar(key) + ":"]
    for name, value in fields.items():
        if isinstance(value, str) and "\n" not in value:
            # Most fields: what emit_value does for one line of text, without the calls.
            lines.append(f"{pad}{_block_key(str(name))}: {_block_text(value)}")
        else:
            lines.extend(emit_value(name, value, indent + 2, flow_lists=_FLOW_LISTS))
    return "\n".join(lines) + "\n"
