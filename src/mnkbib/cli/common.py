"""What every command shares: the library, error mapping and output helpers."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import click

from mnkbib.errors import MnkbibError
from mnkbib.listindex import entry_json, printable  # noqa: F401 - here for the commands
from mnkbib.locate import Location, find_library


class CommandError(click.ClickException):
    """An MnkbibError on its way to the terminal: ``Error: …`` and its exit code."""

    def __init__(self, error: MnkbibError) -> None:
        super().__init__(error.message)
        self.exit_code = error.exit_code  # type: ignore[misc]  # per error, not per class


class MnkbibGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MnkbibError as exc:
            raise CommandError(exc) from None
        except BrokenPipeError:  # `mnkbib list | head`
            sys.stderr.close()
            raise SystemExit(0) from None


class Obj:
    """The context object: which library, opened lazily."""

    def __init__(self, library: str | None) -> None:
        self.option = library
        self._location: Location | None = None

    @property
    def location(self) -> Location:
        if self._location is None:
            self._location = find_library(self.option)
        return self._location

    def store(self) -> Any:
        from mnkbib.store import Store

        return Store(self.location.path)


pass_obj = click.make_pass_decorator(Obj)


def info(message: str) -> None:
    """A message for the user (stderr)."""
    click.echo(message, err=True)


def warn(message: str) -> None:
    from mnkbib.console import style

    click.echo(style("warning: ", "warning") + message, err=True)


def on_wait(message: str) -> None:
    info(message + " …")


def emit(text: str) -> None:
    """Data on stdout, exactly as given."""
    click.echo(text, nl=False)


def emit_all(parts: Iterable[str], batch: int = 1000) -> None:
    """``emit("".join(parts))`` without making the whole text at once."""
    chunk: list[str] = []
    for part in parts:
        chunk.append(part)
        if len(chunk) >= batch:
            emit("".join(chunk))
            chunk.clear()
    if chunk:
        emit("".join(chunk))


def emit_bytes(parts: Iterable[bytes]) -> None:
    """UTF-8 data on stdout, part by part (100,000 entries' JSON is larger than the
    library: it is never made whole)."""
    for part in parts:
        click.echo(part, nl=False)


def emit_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def tsv(rows: Iterable[Sequence[str]]) -> str:
    return "".join("\t".join(printable(c) for c in row) + "\n" for row in rows)


def read_input(path: str) -> tuple[str, str, list[str]]:
    """Text of a file or of stdin (``-``), its name for messages, and notes (a file that
    was not UTF-8 is read as Latin-1, and said so)."""
    from mnkbib.formats import decode_bytes

    if path == "-":
        data = sys.stdin.buffer.read()
        source = "<stdin>"
    else:
        try:
            data = Path(path).read_bytes()
        except IsADirectoryError:
            raise MnkbibError(f"{path}: is a directory") from None
        except OSError as exc:
            raise MnkbibError(f"{path}: cannot read: {exc.strerror}") from None
        source = path
    if b"\0" in data[:8192]:
        raise MnkbibError(f"{source}: is a binary file, not text")
    text, problems = decode_bytes(data)
    return text, source, [f"{source}:{p.line}: {p.message}" for p in problems]


def complete_keys(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Shell completion of citation keys: a quick scan of the library's key lines."""
    from mnkbib.document import scan

    try:
        root = ctx.find_root()
        option = root.params.get("library") if root.params else None
        path = find_library(option).path
        keys = scan(path.read_text(encoding="utf-8")).keys
    except (OSError, UnicodeDecodeError, MnkbibError):
        return []
    return [click.shell_completion.CompletionItem(k) for k in keys if k.startswith(incomplete)]
