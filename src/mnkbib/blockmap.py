"""A library file's blocks, found on its bytes, and how they move when the file changes.

:func:`split_blocks` cuts a file into its entries' blocks with the same rules as
:func:`mnkbib.document.scan`, but with regular expressions over the bytes (100,000 entries
are 2.5 million lines). A :class:`FileMap` is what a cache remembers of the bytes it was
built for: per block its key, byte offset and digest, and a hash of each run of up to
``CHUNK`` blocks. :func:`diff` compares a map with the file's new bytes: runs that are
unchanged — at the same place near the start of the file, or moved by the change in size
near its end — are kept as they are; only the blocks in between are cut and hashed again.
A hand edit of one entry among 100,000 then costs one pass of a hash over the file, not
100,000 slices and digests. The caller re-parses only the blocks whose digest is new.

Pure byte processing: no YAML here.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from xxhash import xxh3_128_digest

T = TypeVar("T")

DIGEST_SIZE = 16  # bytes of each block digest
RUN_HASH_SIZE = 16  # bytes of each run's hash
CHUNK = 256  # blocks per hashed run

_ENTRIES_LINE = re.compile(rb"^entries:[ \t]*(\{\}[ \t]*)?(#.*)?\r?$", re.MULTILINE)
_COLUMN_ZERO = re.compile(rb"\n[^ \n]")


def block_digest(data: bytes | memoryview) -> bytes:
    return hashlib.blake2b(data, digest_size=DIGEST_SIZE).digest()


def _run_hash(data: bytes | memoryview) -> bytes:
    # XXH3-128, as rsync checks whole files: ten times the speed of SHA-256 (3 ms for 48 MB
    # here, against 31), and this hash of the whole file is on every command's path.
    return xxh3_128_digest(data)


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
        for i, (start, limit) in enumerate(self.spans()):
            end = block_end(data, start, limit, indent)
            # Lines from the block's start to its end; a last line without "\n" counts too.
            last_open = end > start and data[end - 1 : end] != b"\n"
            ends.append(starts[i] + data.count(b"\n", start, end) + last_open)
        return keys, starts, ends


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


# What str.splitlines() also splits at (each found with a fast substring search: one regular
# expression of them all scans ten times slower).
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


def _plain_breaks(data: bytes) -> bool:
    """Whether every line ends with ``\n`` or ``\r\n`` (what str.splitlines also splits at)."""
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return False
    return not any(b in data for b in _OTHER_BREAKS)


def _starts(data: bytes, lo: int, hi: int, indent: int) -> array[int]:
    """Offsets of the block starts in ``data[lo:hi]`` (``lo`` at a line start, > 0): lines
    with exactly ``indent`` spaces and then a byte that surely starts a key; then the rarer
    lines (tab, '#', non-ASCII …) checked one by one."""
    plain = re.compile(rb"\n {%d}[!-\"$-~]" % indent)
    other = re.compile(rb"\n {%d}[^ \n!-\"$-~]" % indent)
    offsets: array[int] = array("l", [m.start() + 1 for m in plain.finditer(data, lo - 1, hi)])
    rare = [
        m.start() + 1
        for m in other.finditer(data, lo - 1, hi)
        if _significant(_line_at(data, m.start() + 1), -1)
    ]
    if rare:
        offsets = array("l", sorted([*offsets, *rare]))
    return offsets


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
    offsets = _starts(data, first, section_off, indent) if indent else array("l")
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


def block_end(data: bytes, start: int, limit: int, indent: int) -> int:
    """Where the block at ``start`` ends: after its last line that is neither blank nor a
    comment at or left of ``indent`` (``limit``: the next block's start or the section's
    end). What follows up to ``limit`` stays with the file when the entry is rewritten."""
    key_end = data.find(b"\n", start, limit)
    key_end = limit if key_end < 0 else key_end + 1
    pos = limit
    while pos > key_end:
        prev = data.rfind(b"\n", 0, pos - 1) + 1
        text = data[prev:pos]
        body = len(text) - len(text.lstrip(b" "))
        if body > indent and body < len(text) and text[body] in _PLAIN_START:
            break
        if _is_blank(text) or (_is_comment(text) and body <= indent):
            pos = prev
            continue
        break
    return pos


# ---------------------------------------------------------------------------
# The map of a file, and how it changes


class FileMap:
    """What a cache remembers of the bytes it was built for: enough to tell, in one pass
    of a hash, whether a file holds exactly those bytes (:meth:`matches`) and, if not,
    which blocks changed (:func:`diff`)."""

    __slots__ = (
        "_digests",
        "_keys",
        "_keys_text",
        "blocks",
        "bounds",
        "digest_blob",
        "hashes",
        "lines",
        "size",
    )

    def __init__(
        self,
        size: int,
        blocks: Blocks,
        keys: list[str] | str,
        digest_blob: bytes,
        bounds: list[int],
        hashes: list[bytes],
        lines: list[int],
    ) -> None:
        self.size = size  # of the file
        self.blocks = blocks
        # The keys, one per block ("" where the key line does not parse); given as one
        # text, one per line, they are split when first asked for (a map loaded from the
        # cache often is not: 100,000 strings take about 12 ms to make).
        self._keys: list[str] | None = keys if isinstance(keys, list) else None
        self._keys_text = keys if isinstance(keys, str) else None
        self.digest_blob = digest_blob  # block_digest of each block's span, concatenated
        self.bounds = bounds  # runs of blocks: run j is blocks bounds[j] .. bounds[j + 1]
        self.hashes = hashes  # one per run: _run_hash of its bytes
        self.lines = lines  # one per run: its number of line breaks
        self._digests: list[bytes] | None = None

    @property
    def keys(self) -> list[str]:
        if self._keys is None:
            text = self._keys_text or ""
            self._keys = text.split("\n") if len(self) else []
            self._keys_text = None
        return self._keys

    def keys_text(self) -> str:
        """The keys, one per line."""
        return "\n".join(self._keys) if self._keys is not None else (self._keys_text or "")

    def __len__(self) -> int:
        return len(self.blocks.offsets)

    def digest(self, i: int) -> bytes:
        return self.digest_blob[i * DIGEST_SIZE : (i + 1) * DIGEST_SIZE]

    @property
    def digests(self) -> list[bytes]:
        if self._digests is None:
            blob = self.digest_blob
            self._digests = [blob[i : i + DIGEST_SIZE] for i in range(0, len(blob), DIGEST_SIZE)]
        return self._digests

    def span(self, i: int) -> tuple[int, int]:
        offsets = self.blocks.offsets
        return offsets[i], (offsets[i + 1] if i + 1 < len(offsets) else self.blocks.section_off)

    def _at(self, i: int) -> int:
        return self.blocks.offsets[i] if i < len(self) else self.blocks.section_off

    def same_bytes(self, other: FileMap) -> bool:
        """Whether both maps were made of the same bytes (same size, header, footer and
        runs with the same hashes): no need to hash the file again."""
        a, b = self.blocks, other.blocks
        return (
            self.size == other.size
            and self.bounds == other.bounds
            and self.hashes == other.hashes
            and a.head == b.head
            and a.tail == b.tail
            and a.offsets == b.offsets
        )

    def matches(self, data: bytes) -> bool:
        """Whether ``data`` are exactly the bytes this map was made of: the same size,
        header and footer, and every run of blocks with the same hash."""
        b = self.blocks
        if len(data) != self.size or not data.startswith(b.head) or not data.endswith(b.tail):
            return False
        view = memoryview(data)
        at, bounds = self._at, self.bounds
        return all(
            _run_hash(view[at(bounds[j]) : at(bounds[j + 1])]) == h
            for j, h in enumerate(self.hashes)
        )

    def payload(self) -> tuple[object, ...]:
        b = self.blocks
        return (
            self.size,
            (b.entries_line, b.empty_flow, b.indent, b.section_end),
            (b.offsets.tobytes(), b.section_off, b.head, b.tail),
            self.keys_text(),
            self.digest_blob,
            array("l", self.bounds).tobytes(),
            b"".join(self.hashes),
            array("l", self.lines).tobytes(),
        )

    @classmethod
    def from_payload(cls, payload: tuple[object, ...]) -> FileMap:
        size, where, bytes_part, keys, digest_blob, bounds, hashes, lines = payload
        entries_line, empty_flow, indent, section_end = where  # type: ignore[misc]
        offsets, section_off, head, tail = bytes_part  # type: ignore[misc]
        offs: array[int] = array("l")
        offs.frombytes(offsets)
        runs: array[int] = array("l")
        runs.frombytes(bounds)  # type: ignore[arg-type]
        counts: array[int] = array("l")
        counts.frombytes(lines)  # type: ignore[arg-type]
        n = len(offs)
        blob: bytes = hashes  # type: ignore[assignment]
        fm = cls(
            size,  # type: ignore[arg-type]
            Blocks(entries_line, empty_flow, indent, section_end, offs, section_off, head, tail),
            keys,  # type: ignore[arg-type]
            digest_blob,  # type: ignore[arg-type]
            list(runs),
            [blob[i : i + RUN_HASH_SIZE] for i in range(0, len(blob), RUN_HASH_SIZE)],
            list(counts),
        )
        if (
            not isinstance(fm.size, int)
            or not isinstance(keys, str)
            or (keys.count("\n") + 1 if n else 0) != n
            or (not n and keys != "")
            or len(fm.digest_blob) != n * DIGEST_SIZE
            or len(fm.hashes) != len(fm.bounds) - 1
            or len(fm.lines) != len(fm.hashes)
            or (n and (fm.bounds[0] != 0 or fm.bounds[-1] != n))
        ):
            raise ValueError("inconsistent file map")
        return fm


def _key_at(data: bytes, offset: int, indent: int) -> str:
    from mnkbib.document import parse_key

    key = parse_key(_line_at(data, offset)[indent:].decode("utf-8"))
    return key if key is not None else ""


# A key line as mnkbib writes it: a plain key of these characters, a colon, the line's end.
# parse_key gives exactly the key's text for these; other lines go through parse_key.
_SIMPLE_KEY = re.compile(rb"([A-Za-z0-9_][A-Za-z0-9_.+/-]*):\r?\n")


def _keys_at(data: bytes, offsets: Iterable[int], indent: int) -> list[str]:
    match = _SIMPLE_KEY.match
    keys = []
    for off in offsets:
        m = match(data, off + indent)
        keys.append(m.group(1).decode("ascii") if m else _key_at(data, off, indent))
    return keys


def _runs(
    data: bytes, offsets: array[int], end: int, lo: int, hi: int
) -> tuple[list[int], list[bytes], list[int]]:
    """Run starts (block indices from ``lo``), hashes and line counts for blocks lo .. hi."""
    view = memoryview(data)
    starts = list(range(lo, hi, CHUNK))
    hashes = []
    lines = []
    for s in starts:
        e = min(s + CHUNK, hi)
        a, z = offsets[s], (offsets[e] if e < len(offsets) else end)
        hashes.append(_run_hash(view[a:z]))
        lines.append(data.count(b"\n", a, z))
    return starts, hashes, lines


def _section_end(data: bytes, b: Blocks, lines: list[int]) -> int:
    """The line after the entries section, as split_blocks counts it."""
    count = b.head.count(b"\n") + sum(lines)
    first = b.offsets[0] if len(b.offsets) else b.section_off
    if b.section_off == len(data) and first < len(data) and not data.endswith(b"\n"):
        count += 1  # the last line has no newline but is a line
    return count


def build_map(data: bytes) -> FileMap | None:
    """The map of a whole file, or None when it cannot have one (see split_blocks)."""
    blocks = split_blocks(data)
    if blocks is None:
        return None
    offsets = blocks.offsets
    n = len(offsets)
    end = blocks.section_off
    try:
        keys = _keys_at(data, offsets, blocks.indent)
    except UnicodeDecodeError:
        return None
    ends = [*offsets[1:], end] if n else []
    blob = b"".join(block_digest(data[s:e]) for s, e in zip(offsets, ends, strict=True))
    starts, hashes, lines = _runs(data, offsets, end, 0, n)
    return FileMap(len(data), blocks, keys, blob, [*starts, n], hashes, lines)


@dataclass(slots=True)
class Patch:
    """How a file's blocks changed: the first ``head`` and the last ``tail`` blocks are
    the old ones (the tail's moved by the size change); those between are ``map``'s blocks
    ``head .. len(map) - tail``, all cut and digested again."""

    head: int
    tail: int
    old_size: int  # number of blocks before
    map: FileMap

    @property
    def middle(self) -> range:
        return range(self.head, len(self.map) - self.tail)

    @property
    def old_middle(self) -> range:
        return range(self.head, self.old_size - self.tail)

    def apply(self, old: list[T], middle: list[T]) -> list[T]:
        """A per-block list of the old file, made one of the new file."""
        return old[: self.head] + middle + old[self.old_size - self.tail :]


def diff_maps(old: FileMap, new: FileMap) -> Patch | None:
    """The patch from ``old`` to ``new``, both maps of files read before, found from the
    maps alone: runs with the same hash and number of blocks, from the start and from the
    end, are the same blocks. None when the header, footer or indentation differ."""
    a, b = old.blocks, new.blocks
    if a.head != b.head or a.tail != b.tail or a.indent != b.indent:
        return None
    ob, nb, oh, nh = old.bounds, new.bounds, old.hashes, new.hashes
    n_old, n_new = len(old), len(new)
    j = 0  # equal runs from the start: ob[j] == nb[j] throughout
    while j < len(oh) and j < len(nh) and ob[j + 1] == nb[j + 1] and oh[j] == nh[j]:
        j += 1
    head = ob[j] if j < len(ob) else n_old
    ko, kn = len(oh) - 1, len(nh) - 1  # equal runs from the end
    while (
        ko >= j
        and kn >= j
        and n_old - ob[ko + 1] == n_new - nb[kn + 1]
        and ob[ko + 1] - ob[ko] == nb[kn + 1] - nb[kn]
        and oh[ko] == nh[kn]
    ):
        ko, kn = ko - 1, kn - 1
    tail = n_old - ob[ko + 1]
    if head + tail > min(n_old, n_new):
        return None
    return Patch(head, tail, n_old, new)


def kept_runs(old: FileMap, patch: Patch) -> list[tuple[int, int, int]]:
    """The runs of blocks in ``patch``'s middle whose bytes are those of a run in the
    middle of ``old`` (the same hash and number of blocks), each old run taken once:
    ``(new start, old start, blocks)`` in the new map's order. Two edits far apart (one
    at the top, one at the end) leave a long middle made mostly of such runs."""
    lo, hi = patch.head, patch.old_size - patch.tail
    olds: dict[tuple[bytes, int], int] = {}
    for j, h in enumerate(old.hashes):
        a, z = old.bounds[j], old.bounds[j + 1]
        if lo <= a and z <= hi:
            olds.setdefault((h, z - a), a)
    new = patch.map
    lo, hi = patch.head, len(new) - patch.tail
    kept = []
    for j, h in enumerate(new.hashes):
        a, z = new.bounds[j], new.bounds[j + 1]
        if lo <= a and z <= hi:
            at = olds.pop((h, z - a), None)
            if at is not None:
                kept.append((a, at, z - a))
    return kept


def diff(old: FileMap, data: bytes, changed: tuple[int, int] | None = None) -> Patch | None:
    """``old`` brought up to the bytes ``data``: a patch with an empty middle and ``map``
    ``old`` itself when nothing changed; None when the change cannot be found by keeping
    unchanged runs (a changed header or footer, a changed indentation, no blocks, other
    line breaks …): then the caller maps the whole file again.

    ``changed``: when the caller knows that only the old bytes ``[lo, hi)`` were replaced
    (mnkbib's own writes), runs outside them are kept without hashing them again."""
    b = old.blocks
    n = len(old)
    if (
        not n
        or b.entries_line is None
        or len(data) < len(b.head) + len(b.tail)
        or not data.startswith(b.head)
        or not data.endswith(b.tail)
    ):
        return None
    offsets = b.offsets
    bounds = old.bounds
    runs = len(old.hashes)
    at = old._at
    lo, hi = changed if changed is not None else (-1, old.size + 1)
    view = memoryview(data)
    delta = len(data) - old.size
    j0 = 0  # runs unchanged at the start
    while j0 < runs:
        s, e = at(bounds[j0]), at(bounds[j0 + 1])
        if e > len(data) or (e > lo and _run_hash(view[s:e]) != old.hashes[j0]):
            break
        j0 += 1
    if j0 == runs and delta == 0:
        return Patch(n, 0, n, old)  # the same bytes
    k = runs - 1  # runs unchanged at the end, moved by delta, are those after k
    limit = at(bounds[j0])
    while k >= j0:
        s, e = at(bounds[k]) + delta, at(bounds[k + 1]) + delta
        if s < limit or data[s - 1 : s] != b"\n":
            break
        if s - delta < hi and _run_hash(view[s:e]) != old.hashes[k]:
            break
        k -= 1
    # The last unchanged run at the start is cut again too: its last block may now end
    # further on (lines added after it that are not a new block).
    first = max(j0 - 1, 0)
    head, tail = bounds[first], n - bounds[k + 1]
    ms, me = at(head), at(bounds[k + 1]) + delta
    if me < ms or not _plain_breaks(data[ms - 1 : me + 1]):
        return None
    for z in _COLUMN_ZERO.finditer(data, ms - 1, me):
        off = z.start() + 1
        if off < me and _significant(_line_at(data, off), data[off]):
            return None  # a line in column 0: the entries section ends elsewhere now
    mid = _starts(data, ms, me, b.indent)
    if me > ms and (not mid or mid[0] != ms):
        return None  # text that is no block where one started
    if not len(mid) + head + tail:
        return None
    ends = [*mid[1:], me] if mid else []
    try:
        mid_keys = _keys_at(data, mid, b.indent)
    except UnicodeDecodeError:
        return None
    mid_blob = b"".join(block_digest(view[s:e]) for s, e in zip(mid, ends, strict=True))
    new_offsets = offsets[:head]
    new_offsets.extend(mid)
    new_offsets.extend([o + delta for o in offsets[n - tail :]] if delta else offsets[n - tail :])
    section_off = len(data) - len(b.tail)
    mid_starts, mid_hashes, mid_lines = _runs(data, new_offsets, section_off, head, head + len(mid))
    shift = bounds[k + 1] - (head + len(mid))
    new_lines = [*old.lines[:first], *mid_lines, *old.lines[k + 1 :]]
    blocks = Blocks(
        b.entries_line, b.empty_flow, b.indent, 0, new_offsets, section_off, b.head, b.tail
    )
    blocks.section_end = _section_end(data, blocks, new_lines)
    size = DIGEST_SIZE
    new = FileMap(
        len(data),
        blocks,
        old.keys[:head] + mid_keys + old.keys[n - tail :],
        old.digest_blob[: head * size] + mid_blob + old.digest_blob[(n - tail) * size :],
        [*bounds[:first], *mid_starts, *(x - shift for x in bounds[k + 1 :])],
        [*old.hashes[:first], *mid_hashes, *old.hashes[k + 1 :]],
        new_lines,
    )
    return Patch(head, tail, n, new)
