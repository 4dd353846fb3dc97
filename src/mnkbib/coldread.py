"""First reads of a large library on every core.

A first read (no cache yet, or a cache of another mnkbib) parses every entry: about
130 µs an entry with libyaml, 13 s for 100,000 entries, then as much again to build the
listing index and the cache's pool. The blocks of a library are independent YAML, so
the work splits: worker processes, forked with the file's bytes and map already in
memory, each parse a share of the blocks (COLD_CHUNK blocks per YAML load, as a read
in one process does), build the rows of the listing indexes the caller asks for
(every group at once: the entries are at hand only now), and hand back, job by job,
their entries pickled for the cache's pool and each index column pickled for its file.
The parent never holds 100,000 parsed entries or rows, nor all their pickles: each
job's go to temporary files as they arrive, and the cache files are put together from
them at the end (:mod:`mnkbib.spool`). At 100,000 entries a first `list` peaked at
455 MB in the parent when it unpickled the rows and pickled them again as columns;
with jobs of COLD_JOB blocks it peaks at 192 MiB, workers and parent, PSS summed.

Only on Linux (``fork`` there is safe and cheap; a spawned worker would import mnkbib
again) and only for libraries of COLD_PARALLEL_MIN blocks or more: below that, starting
the workers costs more than they save. Anything a worker cannot do the way a read in
one process does it gives None, and the caller reads in one process (which also gives
the exact error).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import closing
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mnkbib.blockmap import FileMap
    from mnkbib.cache import Group  # a listing index: its row builder, its column names
    from mnkbib.model import Entry

COLD_PARALLEL_MIN = 8000  # blocks: smaller libraries are read in one process
# Blocks per job handed to a worker. A worker holds one job's entries, rows and pickles
# at a time: at 100,000 entries, jobs of 5,000 made a peak of 265 MiB (workers and parent,
# PSS summed), jobs of 1,000 192 MiB, in the same time; the index columns are then stored
# in 100 chunks, which a warm read joins as fast.
COLD_JOB = 1000

# What a job gives: its entries pickled (a part of the cache's pool), and per index, per
# column, the column's values for its blocks, pickled.
Done = tuple[bytes, dict[str, dict[str, bytes]]]


def workers_for(blocks: int) -> int:
    """How many worker processes a first read of ``blocks`` blocks uses (0: none)."""
    from mnkbib.forked import cores

    if blocks < COLD_PARALLEL_MIN or cores() < 2:
        return 0
    return min(cores(), -(-blocks // COLD_JOB))


def jobs(blocks: int) -> list[tuple[int, int]]:
    """The jobs of a first read: ranges of COLD_JOB blocks."""
    from mnkbib.forked import ranges

    return ranges(blocks, COLD_JOB)


def parse(
    data: bytes,
    fmap: FileMap,
    source: str,
    groups: Mapping[str, Group],
    workers: int,
    sink: Callable[[bytes, dict[str, dict[str, bytes]]], None],
) -> bool:
    """Every block's entry and, for each index ``kind → (build, names)`` of ``groups``,
    its columns of ``build(entry)``, handed to ``sink`` job by job in file order
    (pickled: see ``Done``) as the workers finish them; False when a block does not
    parse on its own, a worker failed or ``sink`` raised: then the caller reads in one
    process. The parent unpickles neither entries nor rows."""
    from mnkbib.forked import forked_map

    def job(bounds: tuple[int, int]) -> Done | None:
        return _job(data, fmap, source, groups, bounds)

    try:
        with closing(forked_map(job, jobs(len(fmap)), workers)) as results:
            for done in results:
                if done is None:
                    return False
                sink(*done)
                del done
    except Exception:
        return False
    return True


def _job(
    data: bytes, fmap: FileMap, source: str, groups: Mapping[str, Group], bounds: tuple[int, int]
) -> Done | None:
    """In a worker: the blocks ``[lo, hi)`` parsed and pickled for the pool, and each
    index's columns for them, each pickled."""
    from mnkbib.cache import COLD_CHUNK, _dumps, _parse_blocks, pack_entries

    lo, hi = bounds
    entries: list[Entry] = []
    for start in range(lo, hi, COLD_CHUNK):
        part = _parse_blocks(data, fmap, list(range(start, min(start + COLD_CHUNK, hi))), source)
        if part is None:
            return None
        entries.extend(part)
    columns: dict[str, dict[str, bytes]] = {}
    for kind, (build, names) in groups.items():
        rows = [build(entry) for entry in entries]
        columns[kind] = {name: _dumps([row[i] for row in rows]) for i, name in enumerate(names)}
        del rows
    return pack_entries(entries), columns
