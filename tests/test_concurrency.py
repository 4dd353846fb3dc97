"""Several processes editing one library at once: the lock loses and duplicates nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from mnkbib.errors import StoreError
from mnkbib.store import HEADER, Store, parse_library

WORKER = """
import sys
from mnkbib.model import Entry
from mnkbib.store import Store

path, worker, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = Store(path)
for i in range(count):
    with store.edit() as lib:
        lib.add(Entry(f"w{worker}e{i}", "book", {"title": f"Worker {worker}, entry {i}"}))
        if i % 3 == 0:
            key = f"w{worker}e{i}"
            lib.replace(lib.get(key).with_fields(note=f"note {i}"))
print("done", worker)
"""


def test_parallel_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "library.yaml"
    Store.init(path)
    workers, per_worker = 6, 15
    env = {**os.environ, "MNKBIB_LOCK_TIMEOUT": "30"}
    start = time.monotonic()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(path), str(w), str(per_worker)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for w in range(workers)
    ]
    for w, proc in enumerate(procs):
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert out.strip() == f"done {w}"
    assert time.monotonic() - start < 30

    text = path.read_text(encoding="utf-8")
    snapshot = parse_library(text, str(path))
    expected = {f"w{w}e{i}" for w in range(workers) for i in range(per_worker)}
    assert set(snapshot.entries) == expected
    assert len(snapshot.entries) == workers * per_worker
    assert snapshot.layout.keys == list(snapshot.entries)  # still one block per key
    assert text.startswith(HEADER)
    for w in range(workers):
        mine = [k for k in snapshot.entries if k.startswith(f"w{w}e")]
        assert mine == [f"w{w}e{i}" for i in range(per_worker)]  # each writer's order kept
        for i in range(0, per_worker, 3):
            assert snapshot.entries[f"w{w}e{i}"].fields["note"] == f"note {i}"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_lock_timeout_names_the_lock(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from filelock import FileLock

    from mnkbib.errors import StoreError
    from mnkbib.locking import lock_path

    path = tmp_path / "library.yaml"
    Store.init(path)
    monkeypatch.setenv("MNKBIB_LOCK_TIMEOUT", "0.2")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from filelock import FileLock; l = FileLock(sys.argv[1]); l.acquire();"
            " print('locked', flush=True); time.sleep(10)",
            str(lock_path(path)),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        waits: list[str] = []
        try:
            with Store(path).edit(on_wait=waits.append):
                raise AssertionError("the lock was not held")
        except StoreError as exc:
            assert str(exc) == (
                f"{path}: timed out after 0.2 s waiting for the lock {lock_path(path)} held by "
                "another mnkbib process"
            )
        else:  # pragma: no cover
            raise AssertionError("no StoreError")
        assert waits == []  # 0.2 s is shorter than the notice delay
        assert isinstance(FileLock, type)
    finally:
        holder.kill()
        holder.wait()
    assert path.read_text() == HEADER


SAMPLE = (
    HEADER
    + """\
  one:
    type: book
    title: One
  two:
    type: book
    title: Two
"""
)


def test_a_save_by_another_program_during_an_edit_is_kept(tmp_path: Path) -> None:
    """Editors and sync clients do not take mnkbib's lock: a file they write while mnkbib
    edits it is left as they wrote it, and the edit fails with a clear error."""
    path = tmp_path / "library.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    theirs = SAMPLE.replace("title: Two", "title: Two, saved in an editor")
    store = Store(path)
    try:
        with store.edit() as lib:
            lib.replace(lib.get("one").with_fields(note="mine"))
            path.write_text(theirs, encoding="utf-8")  # in place, as many editors save
    except StoreError as exc:
        message = str(exc)
    else:
        raise AssertionError("the edit overwrote another program's save")
    assert message == (
        f"{path}: changed on disk while mnkbib was writing it (saved by another program?); "
        "the library is as that program left it: run the command again"
    )
    assert path.read_text(encoding="utf-8") == theirs
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    # the next edit reads their version and keeps it
    with store.edit() as lib:
        lib.replace(lib.get("one").with_fields(note="mine"))
    text = path.read_text(encoding="utf-8")
    assert "title: Two, saved in an editor" in text
    assert "note: mine" in text


def test_a_replaced_file_during_an_edit_is_kept(tmp_path: Path) -> None:
    """The same when the other program replaces the file (a rename: git, most editors)."""
    path = tmp_path / "library.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    other = tmp_path / "other.yaml"
    other.write_text(SAMPLE, encoding="utf-8")  # the same bytes, another file
    store = Store(path)
    try:
        with store.edit() as lib:
            lib.remove("two")
            os.replace(other, path)
    except StoreError as exc:
        assert "changed on disk while mnkbib was writing it" in str(exc)
    else:
        raise AssertionError("the edit overwrote another program's file")
    assert path.read_text(encoding="utf-8") == SAMPLE
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
