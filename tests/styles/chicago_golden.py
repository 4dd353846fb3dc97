"""Compare mnkbib's Chicago output with the pandoc golden files.

Used by the tests; run by hand for a report of match rates and the differing cases:

    python tests/styles/chicago_golden.py            # rates per style, kind and markup
    python tests/styles/chicago_golden.py -v         # … and every difference
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE.parent.parent / "src"))

from mnkbib.styles import Cite, get_style, render  # noqa: E402

STYLES = ("author-date", "notes-bibliography", "shortened-notes")
FORMATS = {"plain": "text", "markdown": "markdown", "html": "html"}
NOTE_KINDS = {
    # golden kind: (note kind, with locator)
    "full": ("full", False),
    "short": ("short", False),
    "full-loc": ("full", True),
    "short-loc": ("short", True),
}


@dataclass(frozen=True)
class Case:
    style: str
    fmt: str
    kind: str  # bibliography | citation | full | short | full-loc | short-loc | order
    key: str
    expected: str  # pandoc's output
    actual: str  # mnkbib's output

    @property
    def name(self) -> str:
        return f"{self.style}/{self.kind}/{self.key}/{self.fmt}"

    @property
    def ok(self) -> bool:
        return self.expected == self.actual


@cache
def corpus() -> list[dict[str, Any]]:
    return json.loads((DATA / "corpus.json").read_text(encoding="utf-8"))


@cache
def golden(style: str, fmt: str) -> dict[str, Any]:
    path = DATA / "golden" / f"corpus.{style}.{fmt}.json"
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def citation_cases() -> dict[str, dict[str, Any]]:
    cases: dict[str, dict[str, Any]] = {}
    for item in corpus():
        cases[f"paren:{item['id']}"] = {"cites": [{"id": item["id"]}]}
        cases[f"page:{item['id']}"] = {"cites": [{"id": item["id"], "locator": "12"}]}
        cases[f"narr:{item['id']}"] = {"cites": [{"id": item["id"]}], "narrative": True}
    for case in json.loads((DATA / "cites.json").read_text(encoding="utf-8")):
        cases[case["name"]] = case
    return cases


def _render(rich: Any, fmt: str) -> str:
    # golden markdown comes from pandoc, which does not link titles: compare without them
    return render(rich, FORMATS[fmt], link_titles=False)


@cache
def cases(style: str, fmt: str) -> tuple[Case, ...]:
    """All comparisons for one style and markup (computed once per test run)."""
    return tuple(_cases(style, fmt))


def _cases(style: str, fmt: str) -> Iterator[Case]:
    items = corpus()
    gold = golden(style, fmt)
    chicago = get_style(style)
    mine = {key: _render(rich, fmt) for key, rich in chicago.bibliography(items)}
    for key, expected in gold["bibliography"]:
        yield Case(style, fmt, "bibliography", key, expected, mine.get(key, ""))
    expected_order = " ".join(key for key, text in gold["bibliography"] if text)
    yield Case(style, fmt, "order", "-", expected_order, " ".join(mine))
    for name, expected in gold["citation"].items():
        spec = citation_cases()[name]
        cites = [Cite(c["id"], c.get("locator"), c.get("label", "page")) for c in spec["cites"]]
        rich = chicago.citation(items, cites, narrative=spec.get("narrative", False))
        yield Case(style, fmt, "citation", name, expected, _render(rich, fmt))
    for kind, (note_kind, with_locator) in NOTE_KINDS.items():
        for key, expected in gold.get(kind, {}).items():
            cite = Cite(key, "12" if with_locator else None)
            rich = chicago.note(items, cite, kind=note_kind)  # type: ignore[arg-type]
            yield Case(style, fmt, kind, key, expected, _render(rich, fmt))


def all_cases() -> list[Case]:
    return [case for style in STYLES for fmt in FORMATS for case in cases(style, fmt)]


def report(verbose: bool = False) -> str:
    lines = []
    rows: dict[tuple[str, str, str], list[int]] = {}
    for case in all_cases():
        row = rows.setdefault((case.style, case.kind, case.fmt), [0, 0])
        row[0] += case.ok
        row[1] += 1
        if verbose and not case.ok:
            lines.append(f"{case.name}\n  pandoc: {case.expected}\n  mnkbib: {case.actual}")
    lines.append(f"{'style':20} {'kind':13} {'markup':9} match")
    for (style, kind, fmt), (ok, total) in rows.items():
        lines.append(f"{style:20} {kind:13} {fmt:9} {ok}/{total} ({100 * ok / total:.0f}%)")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(verbose="-v" in sys.argv))
