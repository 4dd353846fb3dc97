"""Teams sharing a library through git: the per-entry merge driver and its setup.

``mnkbib git-setup`` once per clone; from then on ``git merge``, ``git pull`` and
``git rebase`` merge the library entry by entry (see docs/safety.md).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from mnkbib.cli.common import info, pass_obj, warn
from mnkbib.errors import MnkbibError

DRIVER_NAME = "mnkbib"
DRIVER_COMMAND = "mnkbib merge-driver %O %A %B --path %P --marker-size %L"
DRIVER_DESCRIPTION = "mnkbib library: merge entry by entry"


def _read(path: str) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise MnkbibError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        from mnkbib.merge import NotMergeable

        raise NotMergeable(f"{path}: not UTF-8 text") from None


@click.command(name="merge-driver")
@click.argument("ancestor", metavar="BASE")
@click.argument("ours", metavar="OURS")
@click.argument("theirs", metavar="THEIRS")
@click.option("--path", "name", metavar="PATH", help="The file's path in the repository (%P).")
@click.option("--marker-size", default=7, show_default=True, help="Conflict marker size (%L).")
def merge_driver(ancestor: str, ours: str, theirs: str, name: str | None, marker_size: int) -> None:
    """Git merge driver: merge library files entry by entry (set up by `mnkbib git-setup`).

    BASE, OURS and THEIRS are the ancestor's, our and their version (%O %A %B); the
    result is written to OURS. Exit 0 on a clean merge; 1 if entries conflict: each
    conflict is listed on stderr and written between conflict markers around that
    entry only. A file that is not a valid library is merged line by line, as git
    would.
    """
    from mnkbib.merge import NotMergeable, merge_libraries
    from mnkbib.store import atomic_write

    source = name or ours
    try:
        result = merge_libraries(
            _read(ancestor),
            _read(ours),
            _read(theirs),
            source=source,
            marker_size=max(1, marker_size),
        )
    except NotMergeable as exc:
        warn(f"{source}: cannot merge entry by entry ({exc.message}); merging line by line")
        raise SystemExit(_line_merge(ancestor, ours, theirs, marker_size)) from None
    atomic_write(Path(ours), result.text)
    for conflict in result.conflicts:
        info(str(conflict))
    if result.conflicts:
        n = len(result.conflicts)
        info(
            f"{source}: {n} conflict{'s' if n != 1 else ''}; in each entry between "
            f"'{'<' * marker_size} ours' and '{'>' * marker_size} theirs' keep one version and "
            "delete the other and the marker lines"
        )
        raise SystemExit(1)


def _line_merge(ancestor: str, ours: str, theirs: str, marker_size: int) -> int:
    """git's own line merge into OURS (conflict markers where lines clash); 0 if clean."""
    command = [
        "git",
        "merge-file",
        f"--marker-size={max(1, marker_size)}",
        "-L",
        "ours",
        "-L",
        "base",
        "-L",
        "theirs",
        ours,
        ancestor,
        theirs,
    ]
    try:
        import subprocess  # here: only git commands need it

        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise MnkbibError(f"cannot run git merge-file: {exc.strerror}") from None
    if done.returncode < 0 or done.returncode > 127:
        raise MnkbibError(f"git merge-file failed: {done.stderr.strip()}")
    return 0 if done.returncode == 0 else 1


def _git(root: Path, *args: str) -> str:
    import subprocess

    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
        )
    except OSError as exc:
        raise MnkbibError(f"cannot run git: {exc.strerror}") from None
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()
        raise MnkbibError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return done.stdout


def _pattern(path: Path, root: Path) -> str:
    try:
        rel = path.resolve().relative_to(root.resolve())
    except ValueError:
        raise MnkbibError(
            f"{path} is not inside the git repository {root}; give --pattern"
        ) from None
    text = rel.as_posix()
    for ch in "\\[]*?!#":
        text = text.replace(ch, "\\" + ch)
    return text.replace(" ", "[[:space:]]").replace("\t", "[[:space:]]")


@click.command(name="git-setup")
@click.option(
    "--pattern",
    metavar="PATTERN",
    help="Which files use the driver, as a .gitattributes pattern (default: the library's "
    "path in its repository; '*.yaml' for every YAML file).",
)
@pass_obj
def git_setup(obj: Any, pattern: str | None) -> None:
    """Merge the library entry by entry in git merges (run once in each clone).

    Adds 'PATTERN merge=mnkbib' to the repository's .gitattributes (commit it) and sets
    merge.mnkbib.driver in the clone's git config. Safe to run again.
    """
    library = Path(os.path.abspath(obj.location.path))
    start = library.parent if library.parent.is_dir() else Path.cwd()
    try:
        root = Path(_git(start, "rev-parse", "--show-toplevel").strip())
    except MnkbibError as exc:
        raise MnkbibError(
            f"{library}: not in a git repository (run `git init` there first): {exc.message}"
        ) from None
    if pattern is None:
        pattern = _pattern(library, root)
    pattern = pattern.strip()
    if not pattern or any(ch in pattern for ch in " \t\n"):
        raise MnkbibError(f"invalid pattern {pattern!r}: no spaces (use [[:space:]])")
    line = f"{pattern} merge={DRIVER_NAME}"
    attributes = root / ".gitattributes"
    try:
        current = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise MnkbibError(f"{attributes}: cannot read: {exc}") from None
    if any(existing.split() == line.split() for existing in current.splitlines()):
        info(f"{attributes}: already has '{line}'")
    else:
        sep = "" if not current or current.endswith("\n") else "\n"
        try:
            with attributes.open("a", encoding="utf-8") as handle:
                handle.write(f"{sep}{line}\n")
        except OSError as exc:
            raise MnkbibError(f"{attributes}: cannot write: {exc.strerror}") from None
        info(f"{attributes}: added '{line}' (commit this file)")
    _git(root, "config", "--local", f"merge.{DRIVER_NAME}.name", DRIVER_DESCRIPTION)
    _git(root, "config", "--local", f"merge.{DRIVER_NAME}.driver", DRIVER_COMMAND)
    info(f"git config merge.{DRIVER_NAME}.driver '{DRIVER_COMMAND}' (in {root})")


COMMANDS = [merge_driver, git_setup]
