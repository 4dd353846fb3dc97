"""Writers killed at any moment, full disks, read-only directories: the library survives.

After a crash the library parses and holds the state before or after the
interrupted write, never a mix; temporary files a killed writer leaves behind do
not get in the way. A write that fails leaves the file byte-identical.
"""

from __future__ import annotations

import errno
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mnkbib.cli import cli
from mnkbib.model import entry_from_raw
from mnkbib.store import HEADER, Store

pytestmark = pytest.mark.slow

TRIALS = 200
ENTRIES = 40


def make_library(path: Path, n: int = ENTRIES) -> None:
    path.write_text(HEADER, encoding="utf-8")
    with Store(path).edit() as lib:
        for i in range(n):
            raw = {"type": "book", "title": f"Title {i}", "note": "0", "abstract": "x" * 200}
            lib.add(entry_from_raw(f"e{i}", raw), key=f"e{i}")


def notes(path: Path) -> tuple[int, list[str]]:
    lib = Store(path).read()
    return len(lib), [str(e.get("note")) for e in lib]


def _write_forever(path: str, start: int) -> None:
    """Each write sets the first and the last entry's note to the same counter."""
    store = Store(path)
    i = start
    while True:
        i += 1
        with store.edit() as lib:
            for key in ("e0", f"e{ENTRIES - 1}"):
                entry = lib.get(key)
                lib.replace(entry.with_fields(note=str(i)))


def test_sigkill_at_random_moments(tmp_path: Path) -> None:
    path = tmp_path / "library.yaml"
    make_library(path)
    ctx = multiprocessing.get_context("fork")
    rng = random.Random(20260101)
    outcomes = {"unchanged": 0, "advanced": 0}
    corrupt = 0
    last = 0
    started = time.monotonic()
    for trial in range(TRIALS):
        before = path.read_bytes()
        proc = ctx.Process(target=_write_forever, args=(str(path), last))
        proc.start()
        time.sleep(rng.uniform(0, 0.03))
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(10)
        try:
            n, values = notes(path)
        except Exception as exc:  # pragma: no cover - what the test is for
            corrupt += 1
            pytest.fail(f"trial {trial}: the library does not read after SIGKILL: {exc}")
        assert n == ENTRIES, f"trial {trial}: {n} entries"
        assert values[0] == values[-1], f"trial {trial}: a mix of two writes: {values}"
        assert all(v == "0" for v in values[1:-1])
        outcomes["unchanged" if path.read_bytes() == before else "advanced"] += 1
        last = max(last, int(values[0]))
    stray = sorted(p.name for p in tmp_path.glob(".library.yaml.*.tmp"))
    # leftovers from killed writers break nothing: reads, writes and the CLI work
    with Store(path).edit() as lib:
        lib.replace(lib.get("e1").with_fields(note="after"))
    result = CliRunner().invoke(cli, ["-l", str(path), "list"])
    assert result.exit_code == 0, result.output
    assert notes(path)[1][1] == "after"
    print(
        f"\ncrash: {TRIALS} SIGKILL trials in {time.monotonic() - started:.1f} s: {outcomes}, "
        f"{last} writes completed, {corrupt} corrupt, {len(stray)} stray temp files left"
    )


# ---------------------------------------------------------------------------
# Killed at each step of the atomic write


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _write_and_die_at(path: str, point: str) -> None:
    import mnkbib.store as store_module

    real_fsync, real_replace, real_mkstemp = os.fsync, os.replace, tempfile.mkstemp

    def mkstemp(*args: Any, **kwargs: Any) -> Any:
        result = real_mkstemp(*args, **kwargs)
        if point == "after creating the temporary file":
            _die()
        return result

    def fsync(fd: int) -> None:
        if point == "after writing, before fsync":
            _die()
        real_fsync(fd)

    def replace(src: Any, dst: Any) -> None:
        library = str(dst) == path  # not a cache file, renamed into place too
        if library and point == "after fsync, before rename":
            _die()
        real_replace(src, dst)
        if library and point == "after rename, before syncing the directory":
            _die()

    store_module.tempfile.mkstemp = mkstemp  # type: ignore[assignment]
    store_module.os.fsync = fsync  # type: ignore[assignment]
    store_module.os.replace = replace  # type: ignore[assignment]
    with Store(path).edit() as lib:
        lib.replace(lib.get("e0").with_fields(note="new"))
        lib.remove(f"e{ENTRIES - 1}")


POINTS = [
    "after creating the temporary file",
    "after writing, before fsync",
    "after fsync, before rename",
    "after rename, before syncing the directory",
]


@pytest.mark.parametrize("point", POINTS)
def test_killed_between_steps_of_the_atomic_write(tmp_path: Path, point: str) -> None:
    path = tmp_path / "library.yaml"
    make_library(path)
    before = path.read_bytes()
    proc = multiprocessing.get_context("fork").Process(
        target=_write_and_die_at, args=(str(path), point)
    )
    proc.start()
    proc.join(20)
    assert proc.exitcode == -signal.SIGKILL
    n, values = notes(path)
    if point == POINTS[-1]:
        assert (n, values[0]) == (ENTRIES - 1, "new")
    else:
        assert path.read_bytes() == before
    # a stray temporary file may remain; the next write is not disturbed by it
    with Store(path).edit() as lib:
        lib.replace(lib.get("e1").with_fields(note="next"))
    assert notes(path)[1][1] == "next"


# ---------------------------------------------------------------------------
# Full disk and read-only directory: a clear error, the old file byte-identical


def enospc(*args: Any, **kwargs: Any) -> Any:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("where", ["mkstemp", "write", "fsync", "replace"])
def test_full_disk_gives_a_clear_error_and_leaves_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    import mnkbib.store as store_module

    path = tmp_path / "library.yaml"
    make_library(path, 3)
    before = path.read_bytes()
    if where == "mkstemp":
        monkeypatch.setattr(store_module.tempfile, "mkstemp", enospc)
    elif where == "write":  # the kernel's copy of kept bytes, and plain writes
        monkeypatch.setattr(os, "write", enospc)
        monkeypatch.setattr(os, "copy_file_range", enospc, raising=False)
    else:
        monkeypatch.setattr(store_module.os, where, enospc)
    result = CliRunner().invoke(cli, ["-l", str(path), "set", "e1", "note=changed"])
    monkeypatch.undo()
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {path}: cannot write: No space left on device; the library is unchanged\n"
    )
    assert path.read_bytes() == before
    assert not list(tmp_path.glob(".library.yaml.*.tmp"))


def _make_read_only(directory: Path) -> str | None:
    """Make ``directory`` read-only for this process; how, or None if it cannot be done."""
    if os.geteuid() != 0:
        directory.chmod(0o555)
        return "chmod"
    # root ignores permissions, not the immutable attribute
    chattr = shutil.which("chattr")
    if (
        chattr
        and subprocess.run([chattr, "+i", str(directory)], capture_output=True).returncode == 0
    ):
        return "chattr"
    return None


def _undo_read_only(directory: Path, how: str) -> None:
    if how == "chattr":
        subprocess.run(["chattr", "-i", str(directory)], check=True)
    else:
        directory.chmod(0o755)


@pytest.mark.parametrize("lock_exists", [False, True])
def test_read_only_directory(tmp_path: Path, lock_exists: bool) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "library.yaml"
    make_library(path, 3)
    if lock_exists:
        (folder / ".library.yaml.lock").touch()
    else:
        (folder / ".library.yaml.lock").unlink(missing_ok=True)
    before = path.read_bytes()
    how = _make_read_only(folder)
    if how is None:
        pytest.skip("running as root without chattr: cannot make a directory read-only")
    try:
        result = CliRunner().invoke(
            cli, ["-l", str(path), "set", "e1", "note=changed"], env={"MNKBIB_LOCK_TIMEOUT": "5"}
        )
        listed = CliRunner().invoke(cli, ["-l", str(path), "list", "--keys"])
    finally:
        _undo_read_only(folder, how)
    assert result.exit_code == 1
    message = result.stderr
    assert message.startswith(f"Error: {path}: cannot ") and message.count("\n") == 1
    assert "the library is unchanged" in message
    assert "Traceback" not in result.output
    assert path.read_bytes() == before
    assert listed.exit_code == 0 and listed.stdout.split() == ["e0", "e1", "e2"]


def test_read_only_directory_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whoever runs the tests: creating the temporary file is refused."""
    import mnkbib.store as store_module

    path = tmp_path / "library.yaml"
    make_library(path, 2)
    before = path.read_bytes()

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(store_module.tempfile, "mkstemp", refuse)
    result = CliRunner().invoke(cli, ["-l", str(path), "rename", "e0", "x0"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {path}: cannot write: Permission denied; the library is unchanged\n"
    )
    assert path.read_bytes() == before
