"""First reads of a large library on every core.

A first read (no cache yet, or a cache of another mnkbib) parses every entry: about
130 µs an entry with libyaml, 13 s for 100,000 entries, then as much again to build the
listing index and the cache's pool. The blocks of a library are independent YAML, so
the work splits: worker processes, forked with the file's bytes and map already in
memory, each parse a share of the blocks (COLD_CHUNK blocks per YAML load, as a read
in one process does), build the rows of the listing indexes the caller asks for
(every group at once: the entries are at hand only now), and hand
back their entries already pickled for the cache's pool — the parent never holds
100,000 parsed entries, which also keeps a first read's memory down.

Only on Linux (``fork`` there is safe and cheap; a spawned worker would import mnkbib
again) and only for libraries of COLD_PARALLEL_MIN blocks or more: below that, starting
the workers costs more than they save. Anything a worker cannot do the way a read in
one process does it gives None, and the caller reads in one process (which also gives
the exact error).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mnkbib.blockmap import FileMap
    from mnkbib.model import Entry

COLD_PARALLEL_MIN = 8000  # blocks: smaller libraries are read in one process
COLD_JOB = 5000  # blocks per job handed to a worker
MAX_WORKERS = 8

Build = Callable[["Entry"], tuple[Any, ...]]

# What the forked workers read: set in the parent just before the fork, so nothing of
# it is pickled to reach them.
_JOB: tuple[bytes, FileMap, str, Mapping[str, Build]] | None = None


def workers_for(blocks: int) -> int:
    """How many worker processes a first read of ``blocks`` blocks uses (0: none)."""
    if blocks < COLD_PARALLEL_MIN or not sys.platform.startswith("linux"):
        return 0
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - Linux has sched_getaffinity
        cpus = os.cpu_count() or 1
    if cpus < 2:
        return 0
    jobs = -(-blocks // COLD_JOB)
    return min(cpus, MAX_WORKERS, jobs)


Rows = dict[str, list[tuple[Any, ...]]]


def parse(
    data: bytes, fmap: FileMap, source: str, builds: Mapping[str, Build], workers: int
) -> tuple[list[bytes], Rows] | None:
    """Every block's entry, as pickled parts of the cache's pool (in file order), and
    for each ``name, build`` in ``builds`` the list of ``build(entry)``; None when a
    block does not parse on its own (or a worker failed): then the caller reads in one
    process."""
    global _JOB
    n = len(fmap)
    jobs = [(lo, min(lo + COLD_JOB, n)) for lo in range(0, n, COLD_JOB)]
    _JOB = (data, fmap, source, builds)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(_job, jobs, chunksize=1)
    except Exception:
        return None
    finally:
        _JOB = None
    if any(result is None for result in results):
        return None
    parts = [part for part, _ in results]
    rows: Rows = {name: [] for name in builds}
    for _, part_rows in results:
        for name, values in part_rows.items():
            rows[name].extend(values)
    return parts, rows


def _job(bounds: tuple[int, int]) -> tuple[bytes, Rows] | None:
    """In a worker: the blocks ``[lo, hi)`` parsed, pickled for the pool, and their rows."""
    from mnkbib.cache import COLD_CHUNK, _parse_blocks, pack_entries

    assert _JOB is not None
    data, fmap, source, builds = _JOB
    lo, hi = bounds
    entries: list[Entry] = []
    for start in range(lo, hi, COLD_CHUNK):
        part = _parse_blocks(data, fmap, list(range(start, min(start + COLD_CHUNK, hi))), source)
        if part is None:
            return None
        entries.extend(part)
    rows = {name: [build(entry) for entry in entries] for name, build in builds.items()}
    return pack_entries(entries), rows
