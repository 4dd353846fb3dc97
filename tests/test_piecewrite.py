"""A new file from new bytes and kept ranges of the old one (mnkbib.piecewrite): the same
bytes whether the kernel copies the kept ranges, refuses to, or copies them in bits."""

from __future__ import annotations

import errno
import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mnkbib.errors import StoreError
from mnkbib.piecewrite import Kept, Piece, SourceShrank, view_of, write_pieces
from mnkbib.store import Store

OLD = b"".join(b"line %d of the old file\n" % i for i in range(200))

copier = pytest.mark.skipif(
    not hasattr(os, "copy_file_range"), reason="os.copy_file_range is Linux only"
)


@st.composite
def edits(draw: st.DrawFn) -> list[Piece]:
    """The old file cut at a few places, some ranges kept and new bytes between them."""
    cuts = sorted(draw(st.lists(st.integers(0, len(OLD)), max_size=6)))
    bounds = [0, *cuts, len(OLD)]
    view = memoryview(OLD)
    pieces: list[Piece] = []
    for a, z in itertools.pairwise(bounds):
        if draw(st.booleans()):
            pieces.append(Kept(view[a:z], a))
        if draw(st.booleans()):
            pieces.append(draw(st.binary(max_size=40)))
    return pieces


@pytest.fixture
def old_file(tmp_path: Path) -> Iterator[int]:
    path = tmp_path / "old"
    path.write_bytes(OLD)
    fd = os.open(path, os.O_RDONLY)
    yield fd
    os.close(fd)


def written(tmp_path: Path, pieces: list[Piece], source: int | None) -> bytes:
    out = tmp_path / "new"
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        write_pieces(fd, pieces, source)
    finally:
        os.close(fd)
    return out.read_bytes()


def in_bits(size: int) -> Callable[..., int]:
    """A kernel copy that copies at most ``size`` bytes per call."""
    real = os.copy_file_range

    def copy(src: int, dst: int, count: int, offset_src: int | None = None) -> int:
        return real(src, dst, min(count, size), offset_src)

    return copy


def refused(*args: Any) -> int:
    raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))


@copier
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=edits(), how=st.sampled_from(["copied", "in bits", "refused", "no source"]))
def test_the_new_file_is_the_pieces_one_after_the_other(
    tmp_path: Path, old_file: int, monkeypatch: pytest.MonkeyPatch, pieces: list[Piece], how: str
) -> None:
    with monkeypatch.context() as m:
        if how == "in bits":
            m.setattr(os, "copy_file_range", in_bits(7))
        elif how == "refused":
            m.setattr(os, "copy_file_range", refused)
        got = written(tmp_path, pieces, None if how == "no source" else old_file)
    assert got == b"".join(view_of(p) for p in pieces)


@copier
def test_a_refusal_midway_writes_the_rest_from_the_mapped_bytes(
    tmp_path: Path, old_file: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = os.copy_file_range

    def once(src: int, dst: int, count: int, offset_src: int | None = None) -> int:
        calls.append(count)
        if len(calls) > 1:
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        return real(src, dst, min(count, 10), offset_src)

    monkeypatch.setattr(os, "copy_file_range", once)
    view = memoryview(OLD)
    pieces: list[Piece] = [Kept(view[:100], 0), b"new\n", Kept(view[200:], 200)]
    assert written(tmp_path, pieces, old_file) == OLD[:100] + b"new\n" + OLD[200:]
    assert calls == [100, 90]  # no more tries once refused: the rest is written


@copier
def test_a_source_shorter_than_a_kept_range_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "old"
    path.write_bytes(OLD[:50])  # shortened in place since it was read
    fd = os.open(path, os.O_RDONLY)
    try:
        with pytest.raises(SourceShrank):
            written(tmp_path, [Kept(memoryview(OLD)[:100], 0)], fd)
    finally:
        os.close(fd)


LIBRARY = "mnkbib: 1\nentries:\n" + "".join(
    f"  e{i}:\n    type: book\n    title: Title {i}\n" for i in range(50)
)


def edited(tmp_path: Path) -> Path:
    path = tmp_path / "library.yaml"
    path.write_text(LIBRARY, encoding="utf-8")
    Store(path).read()  # cached: the write replaces byte ranges, keeping the rest
    with Store(path).edit() as lib:
        lib.replace(lib.get("e20").with_fields(title="Changed"))
    return path


@copier
def test_an_edit_copies_the_kept_bytes_in_the_kernel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copied: list[int] = []
    real = os.copy_file_range

    def counting(src: int, dst: int, count: int, offset_src: int | None = None) -> int:
        n = real(src, dst, count, offset_src)
        copied.append(n)
        return n

    monkeypatch.setattr(os, "copy_file_range", counting)
    path = edited(tmp_path)
    assert path.read_text(encoding="utf-8") == LIBRARY.replace(
        "title: Title 20\n", "title: Changed\n"
    )
    assert sum(copied) == len(LIBRARY) - len("  e20:\n    type: book\n    title: Title 20\n")


@copier
def test_a_file_shortened_during_the_copy_is_left_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kernel finds the end of the file before a kept range's end: another program
    rewrote the file in place since mnkbib read it."""
    monkeypatch.setattr(os, "copy_file_range", lambda *a: 0)
    path = tmp_path / "library.yaml"
    path.write_text(LIBRARY, encoding="utf-8")
    Store(path).read()
    with pytest.raises(StoreError) as err, Store(path).edit() as lib:
        lib.replace(lib.get("e20").with_fields(title="Changed"))
    assert str(err.value) == (
        f"{path}: changed on disk while mnkbib was writing it (saved by another program?); "
        "the library is as that program left it: run the command again"
    )
    assert path.read_text(encoding="utf-8") == LIBRARY
    assert not list(tmp_path.glob("*.tmp"))


def test_without_the_kernel_copy_an_edit_writes_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(os, "copy_file_range", raising=False)
    path = edited(tmp_path)
    assert path.read_text(encoding="utf-8") == LIBRARY.replace(
        "title: Title 20\n", "title: Changed\n"
    )
