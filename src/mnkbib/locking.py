"""An exclusive lock around a library's read-modify-write.

filelock's ``FileLock`` uses ``flock``/``LockFileEx``: the operating system
releases the lock when its process dies, so a crashed writer never blocks the
library. The lock file is ``.NAME.lock`` beside the library.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from mnkbib.errors import StoreError

WAIT_NOTICE_AFTER = 1.0  # seconds before telling the user what we wait for


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


def _timeout() -> float:
    try:
        return float(os.environ.get("MNKBIB_LOCK_TIMEOUT", "60"))
    except ValueError:
        return 60.0


@contextmanager
def exclusive_lock(path: Path, *, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    target = lock_path(path)
    lock = FileLock(str(target))
    total = _timeout()
    start = time.monotonic()
    try:
        try:
            lock.acquire(timeout=min(WAIT_NOTICE_AFTER, total))
        except Timeout:
            remaining = total - (time.monotonic() - start)
            if remaining <= 0:  # the whole timeout is spent: no "waiting" notice
                raise
            if on_wait is not None:
                on_wait(
                    f"waiting for another mnkbib process to finish writing {path} (lock: {target})"
                )
            lock.acquire(timeout=remaining)
    except Timeout:
        raise StoreError(
            f"{path}: timed out after {total:g} s waiting for the lock {target} held by another "
            "mnkbib process"
        ) from None
    except OSError as exc:
        raise StoreError(
            f"{path}: cannot lock ({target}: {exc.strerror}); the library is unchanged"
        ) from None
    try:
        yield
    finally:
        lock.release()
