"""CSL-YAML: the CSL items of :mod:`csl_json` as YAML (pandoc's ``references:``).

Written with :mod:`mnkbib.yamlemit`, so every string that a YAML 1.1 reader could
take for something else (``No``, ``On``, ``2018-03``, ``1e5``) is quoted; read with
:mod:`mnkbib.yamlsafe`, which types no plain scalar, so ``No`` stays a family name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mnkbib.model import Entry
from mnkbib.yamlemit import emit_value
from mnkbib.yamlsafe import load_text

from . import csl_json
from .base import Problem, ReadResult, WriteResult


def _is_plain_date(value: Any) -> bool:
    if not isinstance(value, Mapping) or set(value) != {"date-parts"}:
        return False
    parts = value["date-parts"]
    return isinstance(parts, list) and all(
        isinstance(p, list) and all(isinstance(n, int) and not isinstance(n, bool) for n in p)
        for p in parts
    )


def item_lines(item: Mapping[str, Any]) -> list[str]:
    """One CSL item as the lines of a YAML list item."""
    lines: list[str] = []
    for key, value in item.items():
        if _is_plain_date(value):
            parts = ", ".join("[" + ", ".join(str(n) for n in p) + "]" for p in value["date-parts"])
            lines.append(f"  {key}:")
            lines.append(f"    date-parts: [{parts}]")
        else:
            lines.extend(emit_value(key, value, 2))
    if lines:
        lines[0] = "- " + lines[0][2:]
    return lines


def write(entries: Sequence[Entry]) -> WriteResult:
    """A YAML document ``references:`` with one item per entry (pandoc's metadata form)."""
    lines = ["---", "references:"]
    for entry in entries:
        lines.extend(item_lines(csl_json.entry_to_csl(entry)))
    lines.append("...")
    return WriteResult("\n".join(lines) + "\n", csl_json.write_warnings(entries))


def _plain(value: Any) -> Any:
    """yamlsafe's Plain strings and LineDicts as plain str/dict/list."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def read(text: str, source: str = "<csl-yaml>") -> ReadResult:
    """``references:`` (pandoc metadata) or a bare list of CSL items."""
    body = text.lstrip("\ufeff")
    if body.lstrip().startswith("---"):
        # A metadata block: up to the closing --- or ...
        lines = body.split("\n")
        start = next(i for i, line in enumerate(lines) if line.strip() == "---")
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].strip() in ("---", "...")),
            len(lines),
        )
        body = "\n".join(lines[start + 1 : end])
        offset = start + 1
    else:
        offset = 0
    data = load_text(body, source=source, line_offset=offset)
    lines_of: list[int | None] | None = None
    refs = isinstance(data, Mapping) and "references" in data
    items = data["references"] if refs else data
    if items is None:
        return ReadResult()
    if not isinstance(items, list):
        return ReadResult(
            [], [Problem(None, "expected a list of CSL items (or references: [...])")]
        )
    items = [_fix_dates(_plain(item)) for item in items]
    return csl_json.entries_from_csl(items, lines_of)


def _fix_dates(item: Any) -> Any:
    """date-parts written as YAML text (``[2018, 3]``) come back as numbers."""
    if not isinstance(item, dict):
        return item
    for key, value in item.items():
        if isinstance(value, dict) and isinstance(value.get("date-parts"), list):
            value["date-parts"] = [
                [int(p) if isinstance(p, str) and p.lstrip("-").isdigit() else p for p in part]
                if isinstance(part, list)
                else part
                for part in value["date-parts"]
            ]
        if key == "custom" and isinstance(value, dict):
            continue
    return item
