"""The documentation cannot drift: README examples run as written, every command is
documented and has help, and the entry-type table matches the code."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from mnkbib.cli import cli
from mnkbib.types import ENTRY_TYPES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
FORMAT_DOC = (ROOT / "docs" / "library-format.md").read_text(encoding="utf-8")


def console_examples() -> list[tuple[str, str]]:
    """(command, expected stdout) from the README's ```console blocks."""
    examples = []
    for block in re.findall(r"```console\n(.*?)```", README, flags=re.S):
        command, output = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    examples.append((command, "".join(o + "\n" for o in output)))
                command, output = line[2:], []
            else:
                output.append(line)
        if command is not None:
            examples.append((command, "".join(o + "\n" for o in output)))
    return examples


def test_readme_starts_with_the_two_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)\n```", README, flags=re.S)
    assert (
        "pip install . && mnkbib -l data/mnkbib.yaml export -f chicago --to markdown" in blocks[0]
    )
    test_command = blocks[1]
    assert "pip install -q -e '.[test]' && pytest" in test_command
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_console_examples_run_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    monkeypatch.delenv("MNKBIB_LIBRARY")
    cwd = tmp_path
    examples = console_examples()
    assert len(examples) >= 4
    for command, expected in examples:
        words = shlex.split(command)
        if words[0] == "cd":
            cwd = cwd / words[1]
            continue
        assert words[0] == "mnkbib"
        monkeypatch.chdir(cwd)
        result = CliRunner().invoke(cli, words[1:])
        assert result.exit_code == 0, (command, result.output)
        assert result.stdout == expected, command


def test_every_command_is_in_the_readme_and_has_help() -> None:
    for name, command in cli.commands.items():
        assert f"mnkbib {name}" in README, f"`mnkbib {name}` is not documented in README.md"
        assert command.help, f"{name} has no help text"


def test_entry_type_table_matches_the_code() -> None:
    rows = re.findall(
        r"^\| ([a-z-]+) \| ([a-z_-]+) \| (\w+) \| (\w+) \| ([a-z, ]+) \|$", FORMAT_DOC, flags=re.M
    )
    table = {r[0]: (r[1], r[2], r[3], tuple(x.strip() for x in r[4].split(","))) for r in rows}
    code = {t.name: (t.csl, t.bibtex, t.biblatex, t.required) for t in ENTRY_TYPES.values()}
    assert table == code
