"""A new file from pieces: new bytes, and ranges of the old file kept as they were.

An edit of one entry in a 48 MB library keeps all but a few hundred bytes. The kept
ranges are copied by the kernel (``os.copy_file_range``, Linux): they do not pass
through this process, and file systems that share extents (Btrfs, XFS) copy no data at
all. Elsewhere, or when the kernel refuses, they are written from the old bytes as
mapped (:mod:`mnkbib.filebytes`), which is always correct, only slower.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import NamedTuple


class Kept(NamedTuple):
    """Old bytes kept: ``view`` holds the old file's bytes from ``start`` on."""

    view: memoryview
    start: int


Piece = bytes | memoryview | Kept


class SourceShrank(Exception):
    """The old file ended before a kept range: another program rewrote it in place."""


def view_of(piece: Piece) -> bytes | memoryview:
    return piece.view if isinstance(piece, Kept) else piece


def write_pieces(fd: int, pieces: Iterable[Piece], source: int | None) -> None:
    """Write the pieces one after the other at ``fd``'s position; kept ranges are copied
    from the open old file ``source`` where the kernel can (None: never)."""
    copy: Callable[..., int] | None = getattr(os, "copy_file_range", None)
    for piece in pieces:
        if not isinstance(piece, Kept):
            _write_all(fd, piece)
            continue
        done = 0
        if copy is not None and source is not None:
            done, copy = _copy(copy, source, fd, piece)
        _write_all(fd, piece.view[done:])


def _copy(
    copy: Callable[..., int], source: int, fd: int, piece: Kept
) -> tuple[int, Callable[..., int] | None]:
    """How much of ``piece`` the kernel copied, and the copier for the next one (None
    once the kernel refused: the rest is written from the mapped bytes)."""
    size = len(piece.view)
    done = 0
    try:
        while done < size:
            n = copy(source, fd, size - done, piece.start + done)
            if n == 0:
                raise SourceShrank
            done += n
    except OSError:  # not on this file system, kernel too old, …: write it instead
        return done, None
    return done, copy


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while len(view):
        view = view[os.write(fd, view) :]
