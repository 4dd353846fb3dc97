"""``mnkbib check``: every problem in a library, not just the first.

Schema errors are found block by block (so one bad entry does not hide the
others), then likely duplicates, one person written several ways, and fields an
entry's type needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mnkbib.document import scan
from mnkbib.errors import MnkbibError, ParseError
from mnkbib.model import Entry, missing_fields
from mnkbib.people import people_report
from mnkbib.store import Store, parse_entry, read_text
from mnkbib.yamlsafe import load_text


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str  # error, duplicate, person, missing
    message: str
    keys: tuple[str, ...] = ()
    line: int | None = None
    source: str = ""

    def text(self) -> str:
        where = f"{self.source}:{self.line}: " if self.line else ""
        return f"{where}{self.kind}: {self.message}"

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "message": self.message,
            "keys": list(self.keys),
            "line": self.line,
        }


def _schema_errors(store: Store) -> tuple[list[Problem], list[Entry]]:
    source = store.source
    try:
        snapshot = store.snapshot()
        return [], list(snapshot.entries.values())
    except ParseError as whole:
        first = whole
    layout = scan(read_text(store.path))  # only a broken file is read a second time
    problems: list[Problem] = []
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    if not layout.blocks:
        return [Problem("error", first.reason, (), first.line, source)], []
    for block in layout.blocks:
        if block.key in seen:
            problems.append(
                Problem(
                    "error",
                    f"duplicate key {block.key!r} (first at line {seen[block.key]})",
                    (block.key,),
                    block.start + 1,
                    source,
                )
            )
            continue
        seen[block.key] = block.start + 1
        try:
            data = load_text(block.text(layout.lines), source=source, line_offset=block.start)
            if not isinstance(data, dict) or len(data) != 1:
                raise ParseError(
                    "expected `key:` and its fields", source=source, line=block.start + 1
                )
            ((key, raw),) = data.items()
            entries.append(parse_entry(key, raw, source, block.start + 1))
        except MnkbibError as exc:
            reason = exc.reason if isinstance(exc, ParseError) else exc.message
            line = exc.line if isinstance(exc, ParseError) else block.start + 1
            problems.append(Problem("error", reason, (block.key,), line, source))
    if not problems:
        problems.append(Problem("error", first.reason, (), first.line, source))
    return problems, entries


def check_library(store: Store) -> list[Problem]:
    problems, entries = _schema_errors(store)
    from mnkbib.dedupe import likely_duplicates

    for a, b, reason in likely_duplicates(entries):
        problems.append(
            Problem(
                "duplicate", f"{a.key} and {b.key} look like one work ({reason})", (a.key, b.key)
            )
        )
    for person in people_report(entries):
        if person.variants:
            problems.append(
                Problem(
                    "person",
                    f"{person.name} is also written {'; '.join(person.variants)}",
                    tuple(person.keys),
                )
            )
    for entry in entries:
        missing = missing_fields(entry)
        if missing:
            problems.append(
                Problem(
                    "missing",
                    f"{entry.key} ({entry.type}) has no {', '.join(missing)}",
                    (entry.key,),
                )
            )
    return problems
