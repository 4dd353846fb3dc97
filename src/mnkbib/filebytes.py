"""A library file's bytes, mapped from the page cache instead of copied.

Reading 48 MB into a new ``bytes`` costs about 40 ms, almost all of it the kernel handing
out and zeroing fresh pages; mapping the file costs a fraction of a millisecond, and
hashing it then reads the page cache directly. The mapped bytes are read-only and stand
in for ``bytes`` where the store and the cache use them (slices, ``in``, ``find``, ``count``,
``startswith``, ``endswith``, ``decode``, regular expressions, hashing), with non-empty
needles (mmap's ``find`` treats an empty one at the ends differently).

A rename over the file (git, most editors, mnkbib itself) does not touch a mapping: it
keeps the old file. A program that rewrites the file in place while mnkbib runs is seen
through it, though, and if it shortens the file, reading past the new end kills the
process (SIGBUS). mnkbib reads what it needs right after mapping (the hashes of the
whole file, the blocks that changed), and a write checks that the file did not change
before it renames (:func:`mnkbib.store.atomic_write`), so that race can cost a command,
not a library.
"""

from __future__ import annotations

import mmap
import os
from pathlib import Path
from typing import BinaryIO

# Below this a plain read is as fast, and a mapping's overhead (two system calls, a
# file descriptor while it lives) is not worth it.
MAP_MIN = 1 << 20


class MappedBytes(mmap.mmap):
    """A read-only file mapping with the ``bytes`` methods the store uses."""

    def __contains__(self, sub: object) -> bool:  # mmap's own compares byte by byte
        if isinstance(sub, int):
            sub = bytes([sub])
        if not isinstance(sub, (bytes, bytearray, memoryview)):
            raise TypeError(f"a bytes-like object is required, not {type(sub).__name__!r}")
        return self.find(sub) != -1

    def count(self, sub: bytes, start: int = 0, end: int | None = None) -> int:
        return bytes(memoryview(self)[start:end]).count(sub)

    def startswith(self, prefix: bytes) -> bool:
        return self[: len(prefix)] == prefix

    def endswith(self, suffix: bytes) -> bool:
        return not suffix or (len(suffix) <= len(self) and self[-len(suffix) :] == suffix)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        return str(memoryview(self), encoding, errors)


def read_file(path: Path) -> bytes:
    """The file's bytes: mapped when it is large and the system maps files (POSIX),
    else read. Raises OSError as ``Path.read_bytes`` does."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        return read_fd(fd)
    finally:
        os.close(fd)


def read_fd(fd: int) -> bytes:
    """The whole file open (for reading) at ``fd``, from its start: mapped when it is
    large and the system maps files (POSIX), else read. The mapping outlives the
    descriptor."""
    if os.name == "posix" and os.fstat(fd).st_size >= MAP_MIN:
        try:
            return MappedBytes(fd, 0, prot=mmap.PROT_READ)  # type: ignore[return-value]
        except (OSError, ValueError):  # a file system that cannot map: read it
            pass
    os.lseek(fd, 0, os.SEEK_SET)
    with open(fd, "rb", closefd=False) as handle:
        return handle.read()


def map_handle(handle: BinaryIO) -> memoryview | None:
    """A read-only view of a whole open file, mapped (POSIX); None where files are not
    mapped, or this one cannot be. For mnkbib's own cache files, which are only ever
    replaced by a rename, never rewritten in place."""
    if os.name != "posix":
        return None
    try:
        return memoryview(mmap.mmap(handle.fileno(), 0, prot=mmap.PROT_READ))
    except (OSError, ValueError):
        return None
