"""The ``mnkbib`` command line: click commands only.

Each command parses options, calls the library layer and renders the result.
Errors from the library (``MnkbibError``) become ``Error: …`` on stderr with the
error's exit code (0 ok, 1 error, 2 usage); see the README's "Exit codes".
"""

from __future__ import annotations

import click

from mnkbib.cli import admin, entries, git, io, listing
from mnkbib.cli.common import MnkbibGroup, Obj

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=MnkbibGroup, context_settings=CONTEXT_SETTINGS)
@click.option(
    "-l",
    "--library",
    metavar="PATH",
    help="Library file (default: $MNKBIB_LIBRARY, else mnkbib.yaml here or in a parent "
    "directory, else your default library).",
)
@click.version_option(package_name="mnkbib", prog_name="mnkbib")
@click.pass_context
def cli(ctx: click.Context, library: str | None) -> None:
    """Keep citations in a plain YAML library; add, find, edit and export them.

    \b
    Examples:
      mnkbib -l data/mnkbib.yaml list
      mnkbib add --type article-magazine --author "Dierkes, Julian" \\
                 --author "MENDEE Jargalsaikhan" --year 2018 --container "The Diplomat" \\
                 --title "Elevate Ulaanbaatar Dialogue"
      mnkbib search tuukhen
      mnkbib export -f chicago --to markdown
    """
    ctx.obj = Obj(library)


for module in (admin, entries, listing, io, git):
    for command in module.COMMANDS:
        cli.add_command(command)


def main() -> None:
    cli(prog_name="mnkbib")
