"""Mapped library bytes stand in for ``bytes`` wherever the store and the cache use them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mnkbib import filebytes
from mnkbib.filebytes import MappedBytes, read_file

needs_posix = pytest.mark.skipif(
    not hasattr(__import__("os"), "fork"), reason="files are mapped on POSIX only"
)

ALPHABET = st.sampled_from([b"a", b"\n", b"\r", b"\r\n", b"  ", b"k:", b"\xe2\x80\xa8", b"\x85"])
CONTENT = st.lists(ALPHABET, min_size=1, max_size=60).map(b"".join)
NEEDLES = st.sampled_from(
    [b"\n", b"\r", b"\r\n", b"k:", b"a\n", b"\xe2\x80\xa8", b"zz"]
)  # non-empty


@needs_posix
@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=CONTENT, needle=NEEDLES, lo=st.integers(0, 70), hi=st.integers(0, 70))
def test_mapped_bytes_answer_as_bytes_do(
    tmp_path: Path, data: bytes, needle: bytes, lo: int, hi: int
) -> None:
    path = tmp_path / "lib.yaml"
    path.write_bytes(data)
    mapped = read_file(path)  # the tests map every non-empty file (conftest)
    assert isinstance(mapped, MappedBytes)
    assert len(mapped) == len(data)
    assert mapped[:] == data and mapped[lo:hi] == data[lo:hi]
    assert (needle in mapped) == (needle in data)
    assert mapped.count(needle, lo, hi) == data.count(needle, lo, hi)
    assert mapped.count(needle) == data.count(needle)
    assert mapped.find(needle, lo, hi) == data.find(needle, lo, hi)
    assert mapped.startswith(needle) == data.startswith(needle)
    assert mapped.endswith(needle) == data.endswith(needle)
    assert mapped.decode("utf-8", "replace") == data.decode("utf-8", "replace")
    assert bytes(memoryview(mapped)[lo:hi]) == data[lo:hi]


def test_small_and_empty_files_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filebytes, "MAP_MIN", 1 << 20)
    path = tmp_path / "lib.yaml"
    path.write_bytes(b"entries:\n")
    assert type(read_file(path)) is bytes
    path.write_bytes(b"")
    assert read_file(path) == b""


@needs_posix
def test_large_files_are_mapped_and_keep_their_bytes_when_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filebytes, "MAP_MIN", 1 << 20)
    path = tmp_path / "lib.yaml"
    old = b"x" * (1 << 20)
    path.write_bytes(old)
    mapped = read_file(path)
    assert isinstance(mapped, MappedBytes)
    (tmp_path / "new.yaml").write_bytes(b"y" * 10)
    (tmp_path / "new.yaml").replace(path)  # as mnkbib, git and most editors write
    assert mapped[:] == old


def test_missing_file_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_file(tmp_path / "missing.yaml")


@needs_posix
def test_an_open_cache_file_is_mapped_whole(tmp_path: Path) -> None:
    from mnkbib.filebytes import map_handle

    path = tmp_path / "x.index"
    path.write_bytes(b"mnkbib-cache\n" + bytes(range(256)) * 10)
    with path.open("rb") as handle:
        view = map_handle(handle)
        assert view is not None and view.readonly
        assert view[:] == path.read_bytes()
        (tmp_path / "y").write_bytes(b"new")
        (tmp_path / "y").replace(path)  # as mnkbib replaces its cache files
        assert view[:13] == b"mnkbib-cache\n"
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    with empty.open("rb") as handle:
        assert map_handle(handle) is None  # an empty file cannot be mapped: read it
