"""A first read's cache files, written as the worker processes hand back their work.

A first read by worker processes (:mod:`mnkbib.coldread`) gets, for each job of
blocks, the entries pickled for the cache's pool and each listing index's columns
pickled. Kept until the end, they took 180 MB in the parent at 100,000 entries; here
each goes to a temporary file beside the cache as soon as it arrives, and the cache
files are put together from those at the end, in the formats :mod:`mnkbib.cache` reads
(the pool's parts out of band after its pickle, an index column as its chunks), each
written whole and renamed into place.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING

from mnkbib.cache import (
    _dumps,
    _index_head,
    _pack,
    _packed_head,
    _write,
    cache_files,
    checksummer,
    index_file,
)

if TYPE_CHECKING:
    from mnkbib.blockmap import FileMap

POOL = ("", "pool")  # the spool of the pool's parts; an index column's is (kind, name)


class _Spooled:
    """One temporary file and what was appended to it: the pieces' sizes, and the
    :func:`mnkbib.cache.checksum` of ``before`` and the pieces."""

    def __init__(self, directory: Path, before: bytes = b"") -> None:
        fd, name = tempfile.mkstemp(prefix=".spool.", suffix=".tmp", dir=directory)
        self.path = Path(name)
        self.handle: IO[bytes] = os.fdopen(fd, "w+b")
        self.sizes: list[int] = []
        self._digest = checksummer(before)

    def append(self, blob: bytes) -> None:
        self.handle.write(blob)
        self.sizes.append(len(blob))
        self._digest.update(blob)

    @property
    def check(self) -> int:
        return self._digest.intdigest()


class Spool:
    """The cache files of one library's first read, filled job by job (in file order),
    then written with :meth:`finish`; :meth:`discard` drops them. Raises OSError when
    the cache directory cannot be written."""

    def __init__(
        self, path: Path, fmap: FileMap, jobs: int, groups: Mapping[str, tuple[str, ...]]
    ) -> None:
        self.path = path
        self.fmap = fmap
        self.groups = groups
        self.base_id = os.urandom(12).hex()
        base_file, _ = cache_files(path)
        base_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # The pool's pickle refers to its parts by position only (protocol 5, out of
        # band), so it is made now, for the number of parts to come, and the checksum of
        # the file's body (pickle, then parts) runs on as they arrive.
        placeholders = [pickle.PickleBuffer(b"") for _ in range(jobs)]
        self.body = _dumps((self.base_id, b"".join(fmap.digests), placeholders), _ignore)
        self.jobs = jobs
        self.files: dict[tuple[str, str], _Spooled] = {}
        try:
            self.files[POOL] = _Spooled(base_file.parent, self.body)
            for kind, names in groups.items():
                for name in names:
                    self.files[kind, name] = _Spooled(base_file.parent)
        except OSError:
            self.discard()
            raise

    def add(self, part: bytes, columns: Mapping[str, Mapping[str, bytes]]) -> None:
        """A job's pool part and index columns, appended to their spools."""
        self.files[POOL].append(part)
        for kind, names in self.groups.items():
            for name in names:
                self.files[kind, name].append(columns[kind][name])

    def finish(self) -> None:
        """Write the pool, the head and every index; the spools are dropped either way."""
        try:
            pool = self.files[POOL]
            if len(pool.sizes) != self.jobs:
                raise ValueError("a job is missing")
            base_file, head_file = cache_files(self.path)
            head = _packed_head("base", self.body, pool.check, pool.sizes)
            _write_whole(base_file, head, [pool])
            payload = self.fmap.payload()
            _write_whole(head_file, _pack("head", (payload, self.base_id, {})), [])
            for kind, names in self.groups.items():
                spooled = [self.files[kind, name] for name in sorted(names)]
                table = {}
                offset = 0
                for name, spool in zip(sorted(names), spooled, strict=True):
                    total = sum(spool.sizes)
                    table[name] = (offset, total, spool.check, spool.sizes)
                    offset += total
                head = _index_head(payload, len(self.fmap), table, kind)
                _write_whole(index_file(self.path, kind), head, spooled)
        finally:
            self.discard()

    def discard(self) -> None:
        for spool in self.files.values():
            with contextlib.suppress(OSError):
                spool.handle.close()
            with contextlib.suppress(OSError):
                spool.path.unlink()
        self.files = {}


def _ignore(_buffer: pickle.PickleBuffer) -> None:
    """A buffer_callback that leaves every buffer out of band."""


def _write_whole(path: Path, pieces: list[bytes | memoryview], spools: list[_Spooled]) -> None:
    """``pieces`` then the spools' contents, to ``path`` at once (the cache's own
    :func:`~mnkbib.cache._write`). Raises OSError when that could not be done."""
    if not _write(path, pieces, [spool.handle for spool in spools]):
        raise OSError(f"{path}: not written")
