"""A cache of the parsed library, so that a command does not re-parse an unchanged file.

Parsing the YAML is the floor of every command (about 70 µs an entry with libyaml, 7 s
for 100,000 entries); unpickling the parsed entries costs a tenth of that. The cache
lives in the platform cache directory (``platformdirs.user_cache_path("mnkbib")``,
``$XDG_CACHE_HOME/mnkbib`` on Linux), three files per library, named by a hash of the
library's absolute path:

* ``NAME.base`` — a pool of parsed entries, each under the digest of its block's text;
* ``NAME.head`` — what the file looked like when last read or written: its content
  digest, its layout (header, footer, one block of lines per entry: key, lines, digest)
  and the entries not in the base pool (a small overlay, so that after an edit of one
  entry only a few kilobytes plus the keys are rewritten, not the whole pool);
* ``NAME.index`` — for ``list`` and ``search``: per entry the few values they read
  (output line, folded search text, sort keys …), column by column, for one content
  digest (:func:`cached_index`). Loading a column of 100,000 strings takes milliseconds
  where unpickling 100,000 entries takes a second or more.

Validity: the cache is used only when the SHA-256 of the library's bytes, read now,
equals the digest recorded in the head. The file is read and hashed on every command
(a few tens of milliseconds for 50 MB), so no edit can be missed — not a same-size
edit within the file system's timestamp granularity, not a ``git checkout`` that
restores an older mtime, not a write by another process. Size, mtime and inode are
not trusted at all.

After a hand edit (digest differs) the file is split into blocks again (a regex over
the bytes, the same rules as :func:`mnkbib.document.scan`); blocks whose digest is in
the pool are taken from it and only the others are parsed, in one YAML load. Anything
unusual — a changed header or footer, a duplicate key, a block that does not parse on
its own, too many changed blocks — falls back to parsing the whole file, which also
gives the exact error message.

Every cache file starts with a magic line, a JSON header (cache format, Python
version, fingerprint of mnkbib's modules, CRC-32 of the payload) and a pickle. A
missing, corrupt, truncated, foreign or old cache is ignored and rebuilt; a cache
directory that cannot be written is ignored. Files are written to a temporary file
and renamed into place.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import json
import os
import pickle
import re
import struct
import sys
import tempfile
import zlib
from array import array
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mnkbib.document import Layout
    from mnkbib.model import Entry
    from mnkbib.store import Snapshot

FORMAT = 1
MAGIC = b"mnkbib-cache\n"
DIGEST_SIZE = 16  # bytes of each block digest
MAX_OVERLAY = 2000  # entries outside the base pool before the base is rewritten
INCREMENTAL_LIMIT = (
    0.25  # above this share of changed blocks (and at least ↓), parse the whole file
)
INCREMENTAL_MIN = 50

_ENTRIES_LINE = re.compile(rb"^entries:[ \t]*(\{\}[ \t]*)?(#.*)?\r?$", re.MULTILINE)
_COLUMN_ZERO = re.compile(rb"\n[^ \n]")


# ---------------------------------------------------------------------------
# Where and what


def cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("mnkbib", appauthor=False) / "libraries"


def cache_files(path: Path) -> tuple[Path, Path]:
    """The base pool and the head of ``path``'s cache."""
    name = hashlib.blake2b(
        str(Path(path).absolute()).encode("utf-8", "surrogateescape"), digest_size=16
    )
    stem = cache_dir() / name.hexdigest()
    return stem.with_suffix(".base"), stem.with_suffix(".head")


def index_file(path: Path) -> Path:
    """The listing index of ``path``'s library (see :func:`cached_index`)."""
    return cache_files(path)[0].with_suffix(".index")


def content_digest(data: bytes) -> bytes:
    """Digest of the library's bytes (SHA-256: hardware-accelerated on current CPUs)."""
    return hashlib.sha256(data).digest()


def _block_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=DIGEST_SIZE).digest()


_FINGERPRINT: str | None = None
_INDEX_FINGERPRINT: str | None = None


def _modules_digest(directories: list[Path]) -> str:
    parts = [f"format={FORMAT}", f"python={sys.version_info[0]}.{sys.version_info[1]}"]
    for directory in directories:
        try:
            with os.scandir(directory) as it:
                for item in sorted(it, key=lambda e: e.name):
                    if item.name.endswith(".py"):
                        st = item.stat()
                        parts.append(f"{directory.name}/{item.name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:  # pragma: no cover - the package directory vanished
            parts.append("unknown")
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def fingerprint() -> str:
    """Cache format, Python version and the size and mtime of mnkbib's own modules: any
    change to the code that parses (an upgrade, an edit of an editable install) makes
    every cache old."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        _FINGERPRINT = _modules_digest([Path(__file__).parent])
    return _FINGERPRINT


def index_fingerprint() -> str:
    """The same for the listing index, which holds output lines: mnkbib.cli counts too."""
    global _INDEX_FINGERPRINT
    if _INDEX_FINGERPRINT is None:
        package = Path(__file__).parent
        _INDEX_FINGERPRINT = fingerprint() + _modules_digest([package / "cli"])
    return _INDEX_FINGERPRINT


# ---------------------------------------------------------------------------
# Blocks: the same rules as mnkbib.document.scan, on bytes, with regular expressions


@dataclass(slots=True)
class Blocks:
    """A library file cut into its entries' blocks: byte offsets, and (computed only when a
    write needs the layout) keys and 0-based line numbers as :func:`document.scan` gives."""

    entries_line: int | None
    empty_flow: bool
    indent: int
    section_end: int  # line
    offsets: array[int]  # byte offset of each block's key line
    section_off: int  # byte offset of the end of the entries section
    head: bytes  # everything before the first block
    tail: bytes  # everything from the end of the entries section

    def spans(self) -> list[tuple[int, int]]:
        """Each block with the blank and comment lines after it, as byte offsets."""
        offsets = self.offsets
        if not offsets:
            return []
        return list(zip(offsets, [*offsets[1:], self.section_off], strict=True))

    def lines(self, data: bytes) -> tuple[list[str], array[int], array[int]]:
        """Keys, start lines and end lines of the blocks, exactly as scan() finds them."""
        from mnkbib.document import parse_key

        keys: list[str] = []
        starts: array[int] = array("l")
        ends: array[int] = array("l")
        indent = self.indent
        line = prev = 0
        for off in self.offsets:
            line += data.count(b"\n", prev, off)
            prev = off
            key = parse_key(_line_at(data, off)[indent:].decode("utf-8"))
            keys.append(key if key is not None else "")
            starts.append(line)
        for i, (_, limit_off) in enumerate(self.spans()):
            limit_line = starts[i + 1] if i + 1 < len(starts) else self.section_end
            start_line = starts[i]
            end_line, pos = limit_line, limit_off
            while end_line > start_line + 1:
                prev = data.rfind(b"\n", 0, pos - 1) + 1
                text = data[prev:pos]
                body = len(text) - len(text.lstrip(b" "))
                if body > indent and body < len(text) and text[body] in _PLAIN_START:
                    break
                if _is_blank(text) or (_is_comment(text) and body <= indent):
                    pos, end_line = prev, end_line - 1
                    continue
                break
            ends.append(end_line)
        return keys, starts, ends


_OTHER_BREAKS = (
    b"\x0b",
    b"\x0c",
    b"\x1c",
    b"\x1d",
    b"\x1e",
    b"\xc2\x85",
    b"\xe2\x80\xa8",
    b"\xe2\x80\xa9",
)
_PLAIN_START = frozenset(range(0x21, 0x80)) - {ord("#")}  # a byte that starts a significant line


def _is_blank(line: bytes) -> bool:
    try:
        return not line.decode("utf-8").strip()
    except UnicodeDecodeError:
        return False


def _is_comment(line: bytes) -> bool:
    try:
        return line.decode("utf-8").lstrip().startswith("#")
    except UnicodeDecodeError:
        return False


def _indent(line: bytes) -> int:
    return len(line) - len(line.lstrip(b" "))


def _significant(line: bytes, first: int) -> bool:
    """Neither blank nor a comment (``first``: the byte after the leading spaces)."""
    if first in _PLAIN_START:
        return True
    return not (_is_blank(line) or _is_comment(line))


def _line_at(data: bytes, offset: int) -> bytes:
    end = data.find(b"\n", offset)
    return data[offset : len(data) if end < 0 else end + 1]


def _plain_breaks(data: bytes) -> bool:
    """Whether every line ends with ``\n`` or ``\r\n`` (what str.splitlines also splits at)."""
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return False
    return not any(b in data for b in _OTHER_BREAKS)


def split_blocks(data: bytes) -> Blocks | None:
    """The file's blocks, or None when its lines are not all ``\\n``-separated (``\\r``,
    form feeds, U+2028 …: :func:`str.splitlines` would count them differently)."""
    if not _plain_breaks(data):
        return None
    size = len(data)
    m = _ENTRIES_LINE.search(data)
    if m is None:
        n_lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
        return Blocks(None, False, 2, n_lines, array("l"), size, data, b"")
    empty_flow = m.group(1) is not None
    entries_line = data.count(b"\n", 0, m.start())
    # The first significant line after "entries:" sets the indentation or ends the section.
    pos = data.find(b"\n", m.start())
    pos = size if pos < 0 else pos + 1
    line_no = entries_line + 1
    indent = 0
    while pos < size:
        line = _line_at(data, pos)
        if not (_is_blank(line) or _is_comment(line)):
            indent = _indent(line)
            break
        pos += len(line)
        line_no += 1
    first = pos  # > 0: after the "entries:" line, so data[first - 1] is a newline
    # The section ends at the first significant line in column 0.
    section_off = size
    for z in _COLUMN_ZERO.finditer(data, first - 1):
        off = z.start() + 1
        if _significant(_line_at(data, off), data[off]):
            section_off = off
            break
    section_end = line_no + data.count(b"\n", first, section_off)
    if section_off == size and first < size and not data.endswith(b"\n"):
        section_end += 1  # the last line has no newline but is a line
    offsets: array[int] = array("l")
    if indent:
        # Block starts: lines with exactly ``indent`` spaces and then a byte that surely
        # starts a key; then the rarer lines (tab, '#', non-ASCII …) checked one by one.
        plain = re.compile(rb"\n {%d}[!-\"$-~]" % indent)
        other = re.compile(rb"\n {%d}[^ \n!-\"$-~]" % indent)
        offsets.extend(m.start() + 1 for m in plain.finditer(data, first - 1, section_off))
        rare = [
            m.start() + 1
            for m in other.finditer(data, first - 1, section_off)
            if _significant(_line_at(data, m.start() + 1), -1)
        ]
        if rare:
            offsets = array("l", sorted([*offsets, *rare]))
    head_end = offsets[0] if offsets else section_off
    return Blocks(
        entries_line,
        empty_flow,
        indent or 2,
        section_end,
        offsets,
        section_off,
        data[:head_end],
        data[section_off:],
    )


# ---------------------------------------------------------------------------
# The cached state of one library


@dataclass(slots=True)
class State:
    digest: bytes  # content digest of the library file
    size: int
    blocks: Blocks  # spans are those of the file with this digest
    digests: list[bytes]  # one per block
    entries: list[Entry]  # one per block
    base_id: str = ""
    base_pool: set[bytes] = field(default_factory=set)  # digests stored in the base file

    def pool(self) -> dict[bytes, Entry]:
        return dict(zip(self.digests, self.entries, strict=True))


_LAST: dict[Path, tuple[State, Snapshot]] = {}  # what this process last read, for remember()


class _Pickler(pickle.Pickler):
    """Frozen dataclasses are rebuilt by calling the class (the default goes through a
    Python-level ``__setstate__``, 3× slower)."""

    dispatch_table: dict[type, Callable[[Any], Any]]


def _person_reduce(p: Any) -> tuple[Any, tuple[Any, ...]]:
    return (
        type(p),
        (p.family, p.given, p.particle, p.dropping_particle, p.suffix, p.literal, p.family_first),
    )


def _date_reduce(d: Any) -> tuple[Any, tuple[Any, ...]]:
    return (type(d), (d.year, d.month, d.day))


def _dumps(obj: Any) -> bytes:
    from mnkbib.model import PartialDate, Person

    out = io.BytesIO()
    pickler = _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {Person: _person_reduce, PartialDate: _date_reduce}
    pickler.dump(obj)
    return out.getvalue()


def _shared(entries: list[Entry]) -> list[Entry]:
    """The same entries with equal people and dates as one object (they are frozen): a
    library names the same people many times; each is then unpickled once."""
    from mnkbib.model import Entry, PartialDate, Person

    seen: dict[Any, Any] = {}
    out = []
    for entry in entries:
        fields = {}
        for name, value in entry.fields.items():
            if isinstance(value, list) and value and type(value[0]) is Person:
                value = [seen.setdefault(p, p) if type(p) is Person else p for p in value]
            elif type(value) is PartialDate:
                value = seen.setdefault(value, value)
            fields[name] = value
        out.append(Entry(entry.key, entry.type, fields))
    return out


def _pack(kind: str, payload: Any) -> bytes:
    body = _dumps(payload)
    header = json.dumps(
        {"kind": kind, "fingerprint": fingerprint(), "crc": zlib.crc32(body), "size": len(body)}
    ).encode()
    return MAGIC + struct.pack("<I", len(header)) + header + body


def _unpack(data: bytes, kind: str) -> Any:
    """The payload, or None for anything that is not a sound cache file of this mnkbib."""
    try:
        if not data.startswith(MAGIC):
            return None
        (length,) = struct.unpack_from("<I", data, len(MAGIC))
        start = len(MAGIC) + 4
        header = json.loads(data[start : start + length])
        body = memoryview(data)[start + length :]
        if (
            not isinstance(header, dict)
            or header.get("kind") != kind
            or header.get("fingerprint") != fingerprint()
            or header.get("size") != len(body)
            or header.get("crc") != zlib.crc32(body)
        ):
            return None
        enabled = gc.isenabled()
        gc.disable()  # the cyclic GC makes loading many objects superlinear
        try:
            return pickle.loads(body)
        finally:
            if enabled:
                gc.enable()
    except Exception:
        return None


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _write(path: Path, data: bytes) -> None:
    """Atomically, or not at all: a cache that cannot be written is no error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _blocks_payload(b: Blocks) -> tuple[Any, ...]:
    return (
        b.entries_line,
        b.empty_flow,
        b.indent,
        b.section_end,
        b.offsets.tobytes(),
        b.section_off,
        b.head,
        b.tail,
    )


def _blocks_from(payload: tuple[Any, ...]) -> Blocks:
    entries_line, empty_flow, indent, section_end, offsets, section_off, head, tail = payload
    a: array[int] = array("l")
    a.frombytes(offsets)
    return Blocks(entries_line, empty_flow, indent, section_end, a, section_off, head, tail)


def load_state(path: Path) -> State | None:
    """The cached state of ``path``'s library (not yet checked against the file)."""
    try:
        base_file, head_file = cache_files(path)
    except Exception:
        return None
    head_data = _read(head_file)
    head = _unpack(head_data, "head") if head_data is not None else None
    if head is None:
        return None
    try:
        digest, size, blocks_payload, digest_blob, base_id, overlay = head
        blocks = _blocks_from(blocks_payload)
        digests = [
            digest_blob[i : i + DIGEST_SIZE] for i in range(0, len(digest_blob), DIGEST_SIZE)
        ]
        if len(digests) != len(blocks.offsets):
            return None
        base_data = _read(base_file)
        base = _unpack(base_data, "base") if base_data is not None else None
        if base is None:
            return None
        stored_id, base_blob, base_entries = base
        if stored_id != base_id:
            return None
        if base_blob == digest_blob and not overlay:
            entries = base_entries
        else:
            pool = dict(
                zip(
                    (base_blob[i : i + DIGEST_SIZE] for i in range(0, len(base_blob), DIGEST_SIZE)),
                    base_entries,
                    strict=True,
                )
            )
            base_keys = set(pool)
            pool.update(overlay)
            entries = [pool[d] for d in digests]
            return State(digest, size, blocks, digests, entries, base_id, base_keys)
        if len(entries) != len(digests):
            return None
        return State(digest, size, blocks, digests, entries, base_id, set(digests))
    except Exception:
        return None


def save_state(path: Path, state: State) -> None:
    try:
        base_file, head_file = cache_files(path)
        digest_blob = b"".join(state.digests)
        overlay = {
            d: e
            for d, e in zip(state.digests, state.entries, strict=True)
            if d not in state.base_pool
        }
        if not state.base_id or len(overlay) > MAX_OVERLAY:
            state.base_id = os.urandom(12).hex()
            state.base_pool = set(state.digests)
            _write(base_file, _pack("base", (state.base_id, digest_blob, _shared(state.entries))))
            overlay = {}
        head = (
            state.digest,
            state.size,
            _blocks_payload(state.blocks),
            digest_blob,
            state.base_id,
            dict(zip(overlay, _shared(list(overlay.values())), strict=True)),
        )
        _write(head_file, _pack("head", head))
    except Exception:
        return


# ---------------------------------------------------------------------------
# Building snapshots


def _decode(data: bytes, path: Path) -> str:
    from mnkbib.store import decode_text

    return decode_text(data, path)


def _layout(text: str, data: bytes, b: Blocks) -> Layout:
    from mnkbib.document import Block, Layout

    keys, starts, ends = b.lines(data)
    blocks = [Block(k, s, e) for k, s, e in zip(keys, starts, ends, strict=True)]
    return Layout(
        text.splitlines(keepends=True),
        b.entries_line,
        b.empty_flow,
        b.indent,
        blocks,
        b.section_end,
    )


def _snapshot(state: State, data: bytes, path: Path) -> Snapshot:
    from mnkbib.store import Snapshot

    text_cell: list[str] = []

    def text() -> str:
        if not text_cell:
            text_cell.append(_decode(data, path))
        return text_cell[0]

    entries = {e.key: e for e in state.entries}
    snap = Snapshot(text, lambda: _layout(text(), data, state.blocks), entries)
    _LAST[path] = (state, snap)
    return snap


def _state_from_parse(data: bytes, snap: Snapshot) -> State | None:
    blocks = split_blocks(data)
    if blocks is None or len(blocks.offsets) != len(snap.entries):
        return None
    digests = [_block_digest(data[s:e]) for s, e in blocks.spans()]
    if len(set(digests)) != len(digests):
        return None
    return State(content_digest(data), len(data), blocks, digests, list(snap.entries.values()))


def _incremental(
    previous: State,
    data: bytes,
    digest: bytes,
    source: str,
    fresh: Mapping[bytes, Entry] | None = None,
) -> State | None:
    """Re-parse only the blocks whose text is not in ``previous`` (nor in ``fresh``: blocks
    mnkbib just wrote and read back); None when that is not known to give exactly what a
    whole-file parse gives."""
    from mnkbib.store import parse_entry
    from mnkbib.yamlsafe import load_text

    blocks = split_blocks(data)
    if (
        blocks is None
        or not blocks.offsets
        or blocks.head != previous.blocks.head
        or blocks.tail != previous.blocks.tail
        or blocks.indent != previous.blocks.indent
    ):
        return None
    pool = previous.pool()
    spans = blocks.spans()
    digests = [_block_digest(data[s:e]) for s, e in spans]
    entries: list[Entry | None] = [pool.get(d) for d in digests]
    if fresh:
        for i, (s, e) in enumerate(spans):
            if entries[i] is None:
                entries[i] = fresh.get(data[s:e])
    missing = [i for i, entry in enumerate(entries) if entry is None]
    if len(missing) > max(INCREMENTAL_MIN, INCREMENTAL_LIMIT * len(digests)):
        return None
    if missing:
        parts = []
        for i in missing:
            s, e = spans[i]
            part = data[s:e]
            parts.append(part if part.endswith(b"\n") else part + b"\n")
        try:
            parsed = load_text(b"".join(parts).decode("utf-8"), source=source)
        except Exception:
            return None
        if not isinstance(parsed, dict) or len(parsed) != len(missing):
            return None
        for i, (key, raw) in zip(missing, parsed.items(), strict=True):
            try:
                line = data.count(b"\n", 0, spans[i][0]) + 1
                entries[i] = parse_entry(key, raw, source, line)
            except Exception:
                return None
    complete: list[Entry] = [e for e in entries if e is not None]
    if len(complete) != len(digests) or len({e.key for e in complete}) != len(complete):
        return None
    return State(digest, len(data), blocks, digests, complete, previous.base_id, previous.base_pool)


@contextlib.contextmanager
def _quiet_gc() -> Iterator[None]:
    """No cyclic GC while hundreds of thousands of (acyclic) objects are made; then move
    them out of the GC's sight (``gc.freeze``): later collections need not walk them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def cached_parse(path: Path, source: str, parse: Callable[[str, str], Snapshot]) -> Snapshot:
    """The library at ``path``, from the cache when it holds exactly these bytes."""
    with _quiet_gc():
        return _cached_parse(path, source, parse)


def _cached_parse(path: Path, source: str, parse: Callable[[str, str], Snapshot]) -> Snapshot:
    from mnkbib.store import read_text

    try:
        data = path.read_bytes()
    except OSError:
        return parse(read_text(path), source)  # read_text raises the right error
    return _parse_bytes(path, data, content_digest(data), source, parse)


def _parse_bytes(
    path: Path, data: bytes, digest: bytes, source: str, parse: Callable[[str, str], Snapshot]
) -> Snapshot:
    state = load_state(path)
    if state is not None and state.digest == digest and state.size == len(data):
        return _snapshot(state, data, path)
    if state is not None:
        new = _incremental(state, data, digest, source)
        if new is not None:
            save_state(path, new)
            return _snapshot(new, data, path)
    snap = parse(_decode(data, path), source)
    try:
        fresh = _state_from_parse(data, snap)
    except Exception:
        fresh = None
    if fresh is not None:
        save_state(path, fresh)
        _LAST[path] = (fresh, snap)
    return snap


# ---------------------------------------------------------------------------
# The listing index: a few precomputed values per entry, cheap to load


class Index:
    """The listing index of one library file: per entry, the values ``build`` gave (see
    :func:`cached_index`), stored column by column, each with its own CRC-32. A column is
    read and unpickled on first use, so a command pays only for the columns it reads; one
    found damaged then is rebuilt from the library (``fallback``)."""

    def __init__(
        self,
        digest: bytes,
        digest_blob: bytes,
        size: int,
        names: set[str],
        *,
        columns: dict[str, list[Any]] | None = None,
        file: io.BufferedReader | None = None,
        table: dict[str, tuple[int, int, int]] | None = None,
    ) -> None:
        self.digest = digest  # content digest of the library file it was built for
        self.digest_blob = digest_blob  # its block digests (b"" when unknown)
        self.size = size  # number of entries
        self.names = names
        self.fallback: Callable[[], dict[str, list[Any]]] | None = None
        self._columns = columns or {}
        self._file = file  # open on the index file read: a rename over it changes nothing
        self._table = table or {}  # name -> (offset in the file, length, CRC-32)

    def column(self, name: str) -> list[Any]:
        column = self._columns.get(name)
        if column is None:
            column = self._read(name)
            if column is None:
                if self.fallback is None:
                    raise ValueError(f"cache index: column {name!r} is damaged")
                self._columns = self.fallback()
                self.close()
                column = self._columns[name]
            self._columns[name] = column
        return column

    def _read(self, name: str) -> list[Any] | None:
        try:
            offset, length, crc = self._table[name]
            assert self._file is not None
            self._file.seek(offset)
            blob = self._file.read(length)
            if len(blob) != length or zlib.crc32(blob) != crc:
                return None
            enabled = gc.isenabled()
            gc.disable()
            try:
                column = pickle.loads(blob)
            finally:
                if enabled:
                    gc.enable()
            if not isinstance(column, list) or len(column) != self.size:
                return None
            return column
        except Exception:
            return None

    def rows(self) -> list[tuple[Any, ...]]:
        """Row by row, the columns in sorted order of their names."""
        return list(zip(*(self.column(n) for n in sorted(self.names)), strict=True))

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __del__(self) -> None:
        self.close()


def load_index(path: Path) -> Index | None:
    """The index of ``path``'s library (not yet checked against the file), or None when
    missing, damaged, foreign or old. Only its header is read here."""
    try:
        handle = open(index_file(path), "rb")  # noqa: SIM115 - the Index keeps it open
    except Exception:
        return None
    try:
        if handle.read(len(MAGIC)) != MAGIC:
            raise ValueError
        (length,) = struct.unpack("<I", handle.read(4))
        header = json.loads(handle.read(length))
        if (
            not isinstance(header, dict)
            or header.get("kind") != "index"
            or header.get("fingerprint") != index_fingerprint()
        ):
            raise ValueError
        meta = handle.read(header["size"])
        if len(meta) != header["size"] or zlib.crc32(meta) != header.get("crc"):
            raise ValueError
        digest, digest_blob, size, table = pickle.loads(meta)
        base = handle.tell()
        end = base + sum(length for _, length, _ in table.values())
        if (
            not isinstance(digest, bytes)
            or not isinstance(digest_blob, bytes)
            or not isinstance(size, int)
            or not isinstance(table, dict)
            or (digest_blob and len(digest_blob) != size * DIGEST_SIZE)
            or os.fstat(handle.fileno()).st_size != end
        ):
            raise ValueError
        offsets = {name: (base + off, n, crc) for name, (off, n, crc) in table.items()}
        return Index(digest, digest_blob, size, set(table), file=handle, table=offsets)
    except Exception:
        handle.close()
        return None


def save_index(path: Path, index: Index) -> None:
    try:
        table: dict[str, tuple[int, int, int]] = {}
        blobs = []
        offset = 0
        for name in sorted(index.names):
            blob = _dumps(index.column(name))
            table[name] = (offset, len(blob), zlib.crc32(blob))
            blobs.append(blob)
            offset += len(blob)
        meta = _dumps((index.digest, index.digest_blob, index.size, table))
        header = json.dumps(
            {
                "kind": "index",
                "fingerprint": index_fingerprint(),
                "crc": zlib.crc32(meta),
                "size": len(meta),
            }
        ).encode()
        data = MAGIC + struct.pack("<I", len(header)) + header + meta + b"".join(blobs)
        _write(index_file(path), data)
    except Exception:
        return


def cached_index(
    path: Path,
    source: str,
    parse: Callable[[str, str], Snapshot],
    build: Callable[[Entry], tuple[Any, ...]],
    names: tuple[str, ...],
) -> Index:
    """``build(entry)`` for every entry of the library at ``path``, as columns ``names``:
    from the index when it was built for exactly these bytes (the same SHA-256 test as the
    rest of the cache, on the bytes read once); else from the library (cached or parsed),
    reusing the rows of blocks whose text is unchanged, and saved as the new index."""
    with _quiet_gc():
        from mnkbib.store import read_text

        try:
            data = path.read_bytes()
        except OSError:
            snap = parse(read_text(path), source)  # read_text raises the right error
            rows = [build(e) for e in snap.entries.values()]
            return Index(b"", b"", len(rows), set(names), columns=_columns(rows, names))
        digest = content_digest(data)
        old = load_index(path)
        if old is not None and old.names == set(names) and old.digest == digest:

            def fallback() -> dict[str, list[Any]]:
                with _quiet_gc():
                    new = _build_index(path, data, digest, source, parse, build, names, None)
                    return {n: new.column(n) for n in names}

            old.fallback = fallback
            return old
        return _build_index(path, data, digest, source, parse, build, names, old)


def _build_index(
    path: Path,
    data: bytes,
    digest: bytes,
    source: str,
    parse: Callable[[str, str], Snapshot],
    build: Callable[[Entry], tuple[Any, ...]],
    names: tuple[str, ...],
    old: Index | None,
) -> Index:
    snap = _parse_bytes(path, data, digest, source, parse)
    entries = list(snap.entries.values())
    last = _LAST.get(path)
    digests: list[bytes] = []
    if last is not None and last[1] is snap and len(last[0].digests) == len(entries):
        digests = last[0].digests
    rows: list[tuple[Any, ...]] = []
    if digests and old is not None and old.digest_blob and old.names == set(names):
        try:
            blob = old.digest_blob
            old_digests = (blob[i : i + DIGEST_SIZE] for i in range(0, len(blob), DIGEST_SIZE))
            order = sorted(names)  # old.rows() gives the columns in this order
            at = [order.index(n) for n in names]
            pool = dict(zip(old_digests, old.rows(), strict=True))
            for d, e in zip(digests, entries, strict=True):
                row = pool.get(d)
                rows.append(tuple(row[i] for i in at) if row is not None else build(e))
        except Exception:
            rows = []
    if old is not None:
        old.close()
    if len(rows) != len(entries):
        rows = [build(e) for e in entries]
    index = Index(digest, b"".join(digests), len(rows), set(names), columns=_columns(rows, names))
    save_index(path, index)
    return index


def _columns(rows: list[tuple[Any, ...]], names: tuple[str, ...]) -> dict[str, list[Any]]:
    return {name: [row[i] for row in rows] for i, name in enumerate(names)}


def remember(
    path: Path,
    text: str,
    entries: dict[str, Entry],
    previous: Snapshot,
    fresh: Mapping[bytes, Entry] | None = None,
) -> None:
    """After mnkbib wrote ``text`` to ``path``: bring the cache up to date, re-parsing only
    the blocks that changed (so the cache holds exactly what a parse of the file gives).
    ``fresh`` maps the bytes of blocks just written to the entries they read back as."""
    last = _LAST.pop(path, None)
    if last is None or last[1] is not previous:
        return
    try:
        data = text.encode("utf-8")
        with _quiet_gc():
            new = _incremental(last[0], data, content_digest(data), str(path), fresh)
            if new is None or [e.key for e in new.entries] != list(entries):
                return
            save_state(path, new)
    except Exception:
        return
