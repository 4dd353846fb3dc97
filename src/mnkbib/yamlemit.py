"""Writing YAML by hand, for stable, readable, diff-friendly library files.

PyYAML's dumper is slow (1.3 s for 10,000 entries) and its layout is not ours to
choose; this emitter writes the small subset a library needs — mappings, lists
and text — and quotes every string that any YAML reader (1.1 or 1.2) could read
as something else: ``No``, ``On``, ``1e5``, ``2018-03``, ``null``, ``- x``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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
_NONPRINT = re.compile(
    "[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff]"
)
_FLOW_UNSAFE = set(",[]{}:#?")


def needs_quotes(text: str, *, flow: bool = False) -> bool:
    """Whether ``text`` cannot be written as a plain scalar without changing meaning."""
    if not text or text != text.strip() or "\n" in text or "\t" in text:
        return True
    if text[0] in _INDICATORS or text.lower() in _YAML11_WORDS:
        return True
    if _NUMBERISH.match(text) or _SPECIAL_FLOATS.match(text) or _TIMESTAMPISH.match(text):
        return True
    if ": " in text or " #" in text or text.endswith(":") or _NONPRINT.search(text):
        return True
    return flow and any(ch in _FLOW_UNSAFE for ch in text)


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
    return " " + scalar(text)


def _atom(value: Any, *, flow: bool = False) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if type(value).__name__ == "Plain" and not needs_plain_guard(text, flow=flow):
        return text  # written plain before, read back the same way
    return scalar(text, flow=flow)


def needs_plain_guard(text: str, *, flow: bool) -> bool:
    """A Plain string that was plain in block context may still need quotes in flow context."""
    if not text or text != text.strip() or "\n" in text:
        return True
    return flow and any(ch in _FLOW_UNSAFE for ch in text)


def flow_mapping(mapping: Mapping[str, Any]) -> str:
    items = ", ".join(
        f"{scalar(str(k), flow=True)}: {_atom(v, flow=True)}" for k, v in mapping.items()
    )
    return "{" + items + "}"


def flow_sequence(items: list[Any]) -> str:
    return "[" + ", ".join(_atom(v, flow=True) for v in items) + "]"


def _is_atom(value: Any) -> bool:
    return not isinstance(value, (Mapping, list))


def emit_value(
    key: str, value: Any, indent: int, *, flow_lists: frozenset[str] = frozenset()
) -> list[str]:
    """Lines for ``key: value`` at ``indent`` spaces."""
    pad = " " * indent
    head = f"{pad}{scalar(str(key))}:"
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
    if key in flow_lists and all(_is_atom(v) for v in value):
        return [f"{head} {flow_sequence(value)}"]
    lines = [head]
    for item in value:
        if isinstance(item, Mapping) and item and all(_is_atom(v) for v in item.values()):
            lines.append(f"{pad}  - {flow_mapping(item)}")
        elif _is_atom(item):
            lines.append(f"{pad}  - {_atom(item)}")
        else:
            sub = emit_value("_", item, indent + 2, flow_lists=flow_lists)
            first = sub[0].replace(f"{' ' * (indent + 2)}_:", f"{pad}  -", 1)
            lines.append(first)
            lines.extend(sub[1:])
    return lines


def emit_entry(key: str, fields: Mapping[str, Any], indent: int = 2) -> str:
    """One library entry: ``key:`` and its fields, ending with a newline."""
    lines = [" " * indent + scalar(key) + ":"]
    for name, value in fields.items():
        lines.extend(emit_value(name, value, indent + 2, flow_lists=frozenset({"tags"})))
    return "\n".join(lines) + "\n"
