"""Many writers and readers on one library at once: nothing lost, nothing duplicated.

Real processes, because the lock is what is tested: each writer works on its own
keys, so the final library is the union of what every writer believes it did.
"""

from __future__ import annotations

import importlib.util
import json
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from mnkbib.store import HEADER, Store

pytestmark = pytest.mark.slow

WRITERS = 8
OPERATIONS = 50
CLI_WRITERS = 4
CLI_OPERATIONS = 6
READERS = 2

Model = dict[str, dict[str, Any]]  # key -> {"title", "note", "tags"}


def library(tmp_path: Path) -> Path:
    path = tmp_path / "library.yaml"
    path.write_text(HEADER, encoding="utf-8")
    return path


def state(path: Path) -> Model:
    lib = Store(path).read()
    return {e.key: {"title": e.title, "note": e.get("note"), "tags": sorted(e.tags)} for e in lib}


# ---------------------------------------------------------------------------
# Writers using the library API (the same Store.edit every command uses)


def _api_writer(path: str, wid: int, ops: int, out: str) -> None:
    from mnkbib.editing import change_tags, set_fields
    from mnkbib.model import entry_from_raw

    rng = random.Random(wid)
    store = Store(path)
    model: Model = {}
    serial = 0
    counts: dict[str, int] = {}
    for _ in range(ops):
        choice = rng.choice(["add", "add", "set", "tag", "rm", "rename"]) if model else "add"
        counts[choice] = counts.get(choice, 0) + 1
        with store.edit() as lib:
            if choice == "add":
                serial += 1
                key = f"w{wid}n{serial}"
                title = f"Title {wid}/{serial}: No, On"  # YAML 1.1 words stay text
                lib.add(entry_from_raw(key, {"type": "book", "title": title}), key=key)
                model[key] = {"title": title, "note": None, "tags": []}
                continue
            key = rng.choice(sorted(model))
            if choice == "set":
                note = f"note {rng.random():.6f}"
                lib.replace(set_fields(lib.get(key), [("note", note)]))
                model[key]["note"] = note
            elif choice == "tag":
                tag = f"t{rng.randrange(3)}"
                lib.replace(change_tags(lib.get(key), [tag], []))
                model[key]["tags"] = sorted({*model[key]["tags"], tag})
            elif choice == "rm":
                lib.remove(key)
                del model[key]
            else:
                serial += 1
                new = f"w{wid}n{serial}"
                lib.rename(key, new)
                model[new] = model.pop(key)
    Path(out).write_text(json.dumps({"model": model, "counts": counts}), encoding="utf-8")


def _api_reader(path: str, stop: Any, out: str) -> None:
    store = Store(path)
    reads = errors = 0
    first_error = ""
    while not stop.is_set():
        try:
            store.read()
            reads += 1
        except Exception as exc:
            errors += 1
            first_error = first_error or f"{type(exc).__name__}: {exc}"
    Path(out).write_text(json.dumps([reads, errors, first_error]), encoding="utf-8")


def test_many_processes_lose_nothing(tmp_path: Path) -> None:
    path = library(tmp_path)
    ctx = multiprocessing.get_context("fork")
    stop = ctx.Event()
    readers = [
        ctx.Process(target=_api_reader, args=(str(path), stop, str(tmp_path / f"r{i}.json")))
        for i in range(READERS)
    ]
    writers = [
        ctx.Process(
            target=_api_writer, args=(str(path), w, OPERATIONS, str(tmp_path / f"w{w}.json"))
        )
        for w in range(WRITERS)
    ]
    started = time.monotonic()
    for p in readers + writers:
        p.start()
    for p in writers:
        p.join(timeout=120)
    stop.set()
    for p in readers:
        p.join(timeout=10)
    elapsed = time.monotonic() - started
    assert all(p.exitcode == 0 for p in writers + readers), [p.exitcode for p in writers]

    expected: Model = {}
    counts: dict[str, int] = {}
    for w in range(WRITERS):
        done = json.loads((tmp_path / f"w{w}.json").read_text(encoding="utf-8"))
        expected.update(done["model"])
        for op, n in done["counts"].items():
            counts[op] = counts.get(op, 0) + n
    got = state(path)
    lost = sorted(set(expected) - set(got))
    extra = sorted(set(got) - set(expected))
    wrong = sorted(k for k in expected if k in got and got[k] != expected[k])
    reads = [
        json.loads((tmp_path / f"r{i}.json").read_text(encoding="utf-8")) for i in range(READERS)
    ]
    print(
        f"\nstress: {WRITERS} processes x {OPERATIONS} operations ({counts}) in {elapsed:.1f} s; "
        f"{len(got)} entries; lost {len(lost)}, unexpected {len(extra)}, wrong {len(wrong)}; "
        f"concurrent reads {sum(r[0] for r in reads)}, failed {sum(r[1] for r in reads)}"
    )
    assert (lost, extra, wrong) == ([], [], [])
    assert [r[1] for r in reads] == [0] * READERS, [r[2] for r in reads]
    assert not list(tmp_path.glob(".library.yaml.*.tmp"))


# ---------------------------------------------------------------------------
# Writers and readers running the real command line


def mnkbib(path: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MNKBIB_LIBRARY": str(path), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mnkbib", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def _add_works() -> bool:
    return importlib.util.find_spec("mnkbib.dedupe") is not None


def test_command_line_processes_lose_nothing(tmp_path: Path) -> None:
    path = library(tmp_path)
    can_add = _add_works()
    if not can_add:  # `mnkbib add` needs mnkbib.dedupe, not in the tree yet: seed by API
        from mnkbib.model import entry_from_raw

        with Store(path).edit() as lib:
            for w in range(CLI_WRITERS):
                for n in range(3):
                    key = f"c{w}n{n}"
                    lib.add(entry_from_raw(key, {"type": "book", "title": f"T {key}"}), key=key)
    expected: Model = {}
    failures: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    reads = [0, 0]

    def writer(w: int) -> None:
        rng = random.Random(100 + w)
        model: Model = {}
        serial = 0
        if not can_add:
            model = {
                f"c{w}n{n}": {"title": f"T c{w}n{n}", "note": None, "tags": []} for n in range(3)
            }
            serial = 3
        for _ in range(CLI_OPERATIONS):
            ops = ["set", "tag", "rename", "rm"] + (["add", "add"] if can_add else [])
            choice = rng.choice(ops) if model else ("add" if can_add else "none")
            if choice == "none":
                break
            key = rng.choice(sorted(model)) if model else ""
            serial += 1
            new = f"c{w}n{serial}"
            if choice == "add":
                args = ["add", "--type", "book", "--title", f"T {new}", "--key", new]
            elif choice == "set":
                args = ["set", key, f"note=n{serial}"]
            elif choice == "tag":
                args = ["tag", key, f"+x{serial % 2}"]
            elif choice == "rename":
                args = ["rename", key, new]
            else:
                args = ["rm", "--yes", key]
            done = mnkbib(path, *args)
            if done.returncode != 0:
                with lock:
                    failures.append(f"{args}: {done.stderr}")
                continue
            if choice == "add":
                model[new] = {"title": f"T {new}", "note": None, "tags": []}
            elif choice == "set":
                model[key]["note"] = f"n{serial}"
            elif choice == "tag":
                model[key]["tags"] = sorted({*model[key]["tags"], f"x{serial % 2}"})
            elif choice == "rename":
                model[new] = model.pop(key)
            else:
                del model[key]
        with lock:
            expected.update(model)

    def reader() -> None:
        while not stop.is_set():
            done = mnkbib(path, "list")
            with lock:
                reads[0] += 1
                if done.returncode != 0 or "Traceback" in done.stderr:
                    reads[1] += 1
                    failures.append(f"list: {done.stderr}")

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(CLI_WRITERS)]
    read_thread = threading.Thread(target=reader)
    started = time.monotonic()
    read_thread.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    read_thread.join()
    got = state(path)
    print(
        f"\nCLI stress: {CLI_WRITERS} processes x {CLI_OPERATIONS} commands "
        f"({'with' if can_add else 'without'} add) in {time.monotonic() - started:.1f} s; "
        f"{reads[0]} concurrent `mnkbib list`, {reads[1]} failed; "
        f"lost {len(set(expected) - set(got))}"
    )
    assert failures == []
    assert got == expected


# ---------------------------------------------------------------------------
# The lock: a crashed holder does not block; a long wait says what it waits for


def _hold_lock(path: str, ready: Any) -> None:
    from mnkbib.locking import exclusive_lock

    with exclusive_lock(Path(path)):
        ready.set()
        time.sleep(60)


def _holder(path: Path) -> multiprocessing.process.BaseProcess:
    ctx = multiprocessing.get_context("fork")
    ready = ctx.Event()
    proc = ctx.Process(target=_hold_lock, args=(str(path), ready))
    proc.start()
    assert ready.wait(10)
    return proc


def test_lock_of_a_killed_process_does_not_block(tmp_path: Path) -> None:
    path = library(tmp_path)
    proc = _holder(path)
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(5)
    assert (tmp_path / ".library.yaml.lock").exists() or True  # the file may stay; no matter
    started = time.monotonic()
    done = mnkbib(path, "fmt")
    assert done.returncode == 0, done.stderr
    with Store(path).edit() as lib:
        from mnkbib.model import entry_from_raw

        lib.add(entry_from_raw("k", {"type": "book", "title": "T"}), key="k")
    assert time.monotonic() - started < 10
    assert "waiting" not in done.stderr
    assert list(state(path)) == ["k"]


def test_long_wait_says_what_it_waits_for_and_times_out_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = library(tmp_path)
    with Store(path).edit() as lib:
        from mnkbib.model import entry_from_raw

        lib.add(entry_from_raw("k", {"type": "book", "title": "T"}), key="k")
    before = path.read_bytes()
    proc = _holder(path)
    try:
        monkeypatch.setenv("MNKBIB_LOCK_TIMEOUT", "2")
        done = mnkbib(path, "set", "k", "note=x")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(5)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith("waiting for another mnkbib process to finish writing")
    assert ".library.yaml.lock" in lines[0]
    assert lines[-1].startswith("Error: ") and "timed out after 2 s" in lines[-1]
    assert "Traceback" not in done.stderr
    assert path.read_bytes() == before
    # once the holder is gone the same command goes through
    monkeypatch.delenv("MNKBIB_LOCK_TIMEOUT")
    done = mnkbib(path, "set", "k", "note=x")
    assert done.returncode == 0, done.stderr
    assert state(path)["k"]["note"] == "x"
