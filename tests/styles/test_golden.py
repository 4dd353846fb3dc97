"""mnkbib's Chicago output against pandoc's (golden files), with an explicit allow-list.

A case either matches pandoc exactly, or is listed in data/known-differences.json with the
output mnkbib must give instead (each with its reason, documented in docs/chicago.md). A listed
case that starts to match pandoc fails, so the list never hides a fixed difference.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
from chicago_golden import DATA, FORMATS, STYLES, Case, cases


@cache
def known() -> dict[str, dict[str, Any]]:
    entries = json.loads((DATA / "known-differences.json").read_text(encoding="utf-8"))
    return {entry["case"]: entry for entry in entries}


def _problem(case: Case) -> str | None:
    entry = known().get(case.name)
    if entry is None:
        if case.ok:
            return None
        return f"{case.name}\n  pandoc: {case.expected}\n  mnkbib: {case.actual}"
    if case.ok:
        return f"{case.name}: now matches pandoc; remove it from known-differences.json"
    if case.actual != entry["mnkbib"]:
        return (
            f"{case.name} (known difference)\n  want:   {entry['mnkbib']}\n  mnkbib: {case.actual}"
        )
    if case.expected != entry["pandoc"]:
        return f"{case.name}: the golden file changed; regenerate known-differences.json"
    return None


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("style", STYLES)
def test_matches_pandoc_or_known_difference(style: str, fmt: str) -> None:
    problems = [p for case in cases(style, fmt) if (p := _problem(case)) is not None]
    assert not problems, "\n".join(problems)


def test_every_known_difference_is_a_real_case() -> None:
    names = {case.name for style in STYLES for fmt in FORMATS for case in cases(style, fmt)}
    assert set(known()) <= names


def test_every_known_difference_has_a_reason() -> None:
    assert all(entry["reasons"] for entry in known().values())
