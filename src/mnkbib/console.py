"""Terminal output: the only module that imports rich.

Colour and tables only on a terminal; ``NO_COLOR`` turns colour off and
``FORCE_COLOR`` on (https://no-color.org). Piped output is plain, stable text.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import IO, Any

MAX_TABLE_ROWS = 500  # a rich table of thousands of rows is slow; beyond this print plain lines


def is_tty(stream: IO[str] | None = None) -> bool:
    stream = stream or sys.stdout
    if os.environ.get("MNKBIB_FORCE_TTY"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def color_enabled(stream: IO[str] | None = None) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return is_tty(stream)


def _console(stream: IO[str]) -> Any:
    from rich.console import Console

    color = color_enabled(stream)
    return Console(
        file=stream,
        force_terminal=color or None,
        no_color=not color,
        color_system="auto" if color else None,
        highlight=False,
        soft_wrap=False,
    )


def print_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, stream: IO[str] | None = None
) -> None:
    """A rich table on a terminal."""
    from rich.table import Table
    from rich.text import Text

    stream = stream or sys.stdout
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for i, header in enumerate(headers):
        table.add_column(header, overflow="fold", no_wrap=i == 0)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))  # Text: "[bold]" in a title is not markup
    _console(stream).print(table)


def print_yaml(text: str, *, stream: IO[str] | None = None) -> None:
    """YAML with syntax colour on a terminal, as is otherwise."""
    stream = stream or sys.stdout
    if not color_enabled(stream):
        stream.write(text)
        return
    from rich.syntax import Syntax

    _console(stream).print(
        Syntax(text.rstrip("\n"), "yaml", theme="ansi_dark", background_color="default")
    )


def style(text: str, kind: str, *, stream: IO[str] | None = None) -> str:
    """Wrap a message in ANSI colour when the stream shows colour (kind: error, warning, ok, dim)."""
    if not color_enabled(stream or sys.stderr):
        return text
    codes = {"error": "31;1", "warning": "33", "ok": "32", "dim": "2", "bold": "1"}
    return f"\x1b[{codes[kind]}m{text}\x1b[0m"
