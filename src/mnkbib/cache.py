"""Parsed-library cache (placeholder until the scale work lands): always parses."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mnkbib.model import Entry
    from mnkbib.store import Snapshot


def cached_parse(path: Path, source: str, parse: Callable[[str, str], Snapshot]) -> Snapshot:
    from mnkbib.store import read_text

    return parse(read_text(path), source)


def remember(path: Path, text: str, entries: dict[str, Entry], previous: Snapshot) -> None:
    return None
