"""Work shared out to forked worker processes, results in order.

Only on Linux: ``fork`` is safe and cheap there, and a worker starts with the parent's
memory, so what the work reads (a library's bytes, a parsed .bib file) reaches it by the
fork, not pickled; only each job's description and result are. Elsewhere, or on one
core, :func:`cores` is 1 and callers do the work in their own process.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Generator, Iterable
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MAX_WORKERS = 8

# The work of the pool being forked: set just before the fork, read by the workers.
_WORK: Callable[[Any], Any] | None = None


def cores() -> int:
    """How many worker processes are worth forking: the cores this process may run on
    (at most MAX_WORKERS), on Linux; else 1."""
    if not sys.platform.startswith("linux"):
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - Linux has sched_getaffinity
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_WORKERS))


def ranges(count: int, job: int) -> list[tuple[int, int]]:
    """``count`` items as ranges ``(lo, hi)`` of ``job`` items, the last maybe fewer."""
    return [(lo, min(lo + job, count)) for lo in range(0, count, job)]


def in_jobs(work: Callable[[int, int], R], count: int, job: int, minimum: int) -> list[R] | None:
    """``work(lo, hi)`` for the ranges of ``job`` items that make up ``count`` items, in
    order, done by forked workers: None when there are fewer than ``minimum`` items, one
    core, or a worker failed (then the caller does the work itself, which also raises
    what went wrong)."""
    workers = min(cores(), -(-count // job))
    if count < minimum or workers < 2:
        return None
    try:
        return list(forked_map(lambda bounds: work(*bounds), ranges(count, job), workers))
    except Exception:
        return None


def _run(job: Any) -> Any:
    assert _WORK is not None
    return _WORK(job)


def forked_map(work: Callable[[T], R], jobs: Iterable[T], workers: int) -> Generator[R]:
    """``work(job)`` for each of ``jobs``, in order, done by ``workers`` forked processes
    as the caller takes the results. An exception in a worker is raised here."""
    import multiprocessing  # 9 ms to import: only when there is work for it

    global _WORK
    _WORK = work
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_run, jobs, chunksize=1)
    finally:
        _WORK = None
