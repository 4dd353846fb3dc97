"""Commands about the library itself: init, where, types, fields, fmt, completion."""

from __future__ import annotations

from typing import Any

import click

from mnkbib.cli.common import emit, emit_json, info, pass_obj, tsv


@click.command()
@click.argument("path", required=False)
@pass_obj
def init(obj: Any, path: str | None) -> None:
    """Create an empty library (default: the library mnkbib would use here).

    In a paper's repository: mnkbib init mnkbib.yaml
    """
    from mnkbib.store import Store

    target = Store.init(path or obj.location.path)
    info(f"Created {target}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@pass_obj
def where(obj: Any, as_json: bool) -> None:
    """Print which library commands use, and why."""
    loc = obj.location
    reasons = {
        "option": "given with --library",
        "environment": "from $MNKBIB_LIBRARY",
        "directory": "mnkbib.yaml in this directory or a parent",
        "default": "your default library",
    }
    if as_json:
        emit_json({"path": str(loc.path), "how": loc.how, "exists": loc.path.exists()})
        return
    emit(f"{loc.path}\n")
    info(f"({reasons[loc.how]}{'' if loc.path.exists() else '; does not exist yet: mnkbib init'})")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
def types(as_json: bool) -> None:
    """Entry types and their CSL, BibTeX and BibLaTeX mappings."""
    from mnkbib.types import ENTRY_TYPES

    if as_json:
        emit_json(
            [
                {
                    "type": t.name,
                    "csl": t.csl,
                    "bibtex": t.bibtex,
                    "biblatex": t.biblatex,
                    "required": list(t.required),
                    "description": t.description,
                }
                for t in ENTRY_TYPES.values()
            ]
        )
        return
    rows = [[t.name, t.csl, t.bibtex, t.biblatex, t.description] for t in ENTRY_TYPES.values()]
    emit(tsv([["type", "csl", "bibtex", "biblatex", "description"], *rows]))


@click.command()
def fields() -> None:
    """Known fields, in the order the library writes them."""
    from mnkbib.model import FIELDS

    emit(tsv([[f.name, f.kind.value, f.help] for f in FIELDS.values()]))


@click.command()
@click.option(
    "--check",
    is_flag=True,
    help="Only report whether the file is in canonical form (exit 1 if not).",
)
@pass_obj
def fmt(obj: Any, check: bool) -> None:
    """Rewrite the whole library in mnkbib's canonical layout (comments are lost).

    Needed once for a file whose entries are not one block per key (e.g. written by
    another YAML tool); everyday commands only ever change the lines of one entry.
    """
    from mnkbib.store import format_library

    changed = format_library(obj.store(), dry_run=check)
    if check:
        if changed:
            info(f"{obj.location.path} is not in canonical form")
            raise SystemExit(1)
        info(f"{obj.location.path} is in canonical form")
    else:
        info(f"Rewrote {obj.location.path}" if changed else "Already in canonical form.")


@click.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the shell completion script (completes commands, options and citation keys).

    \b
    bash:  eval "$(mnkbib completion bash)"      (in ~/.bashrc)
    zsh:   eval "$(mnkbib completion zsh)"       (in ~/.zshrc)
    fish:  mnkbib completion fish > ~/.config/fish/completions/mnkbib.fish
    """
    from click.shell_completion import get_completion_class

    from mnkbib.cli import cli

    cls = get_completion_class(shell)
    assert cls is not None
    comp = cls(cli, {}, "mnkbib", "_MNKBIB_COMPLETE")
    emit(comp.source())


COMMANDS = [init, where, types, fields, fmt, completion]
