"""A cache of the parsed library, so that a command does not re-parse an unchanged file.

Parsing the YAML is the floor of every command (about 70 µs an entry with libyaml, 7 s
for 100,000 entries); unpickling the parsed entries costs a tenth of that. The cache
lives in the platform cache directory (``platformdirs.user_cache_path("mnkbib")``,
``$XDG_CACHE_HOME/mnkbib`` on Linux), three files per library, named by a hash of the
library's absolute path:

* ``NAME.base`` — a pool of parsed entries, each under the digest of its block's text,
  read only when a command needs every entry (export, ``list --json``);
* ``NAME.head`` — the map of the bytes last read or written (:class:`FileMap`: size,
  header, footer, each block's key, offset and digest, hashes of runs of blocks)
  and the entries not in the base pool (a small overlay, so that after an edit of one
  entry only the map and a few kilobytes are rewritten, not the whole pool);
* ``NAME.index`` — for ``list`` and ``search``: per entry the few values they read
  (output line, folded search text, sort keys …), column by column, with its own map
  (:func:`cached_index`). Loading a column of 100,000 strings takes milliseconds where
  unpickling 100,000 entries takes a second or more.

Validity: the cache is used only for exactly the bytes it was built for: same size,
header and footer, and the same XXH3-128 hash for every run of blocks in the map
(:meth:`FileMap.matches`). The file is read and hashed on every command (a few tens of
milliseconds for 50 MB), so no edit can be missed — not a same-size
edit within the file system's timestamp granularity, not a ``git checkout`` that
restores an older mtime, not a write by another process. Size, mtime and inode are
not trusted at all.

After a change, :func:`mnkbib.blockmap.diff` finds the runs of blocks
whose bytes are unchanged; only the blocks between them are cut and digested again, and
only those whose digest is new are parsed, in one YAML load. A command that needs one
entry (``set``, ``tag``, ``rm`` …) parses that entry's block alone; mnkbib's own writes
hand over the entries they wrote and read back. Anything unusual — a changed header or
footer, a duplicate key, a block that does not parse on its own, too many changed
blocks — falls back to mapping or parsing the whole file, which also gives the exact
error message.

A first read of a large library is shared out to worker processes, one per core
(:mod:`mnkbib.coldread`): they parse the blocks, build the listing rows and pickle the
entries for the base pool, which is stored as those pickled parts.

Every cache file starts with a magic line, a JSON header (cache format, Python
version, fingerprint of mnkbib's modules, checksum of the payload) and a pickle. A
missing, corrupt, truncated, foreign or old cache is ignored and rebuilt; a cache
directory that cannot be written is ignored. Files are written to a temporary file
and renamed into place.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import itertools
import json
import os
import pickle
import shutil
import struct
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

import xxhash

from mnkbib.blockmap import (
    DIGEST_SIZE,
    Blocks,
    FileMap,
    Patch,
    build_map,
    diff,
    diff_maps,
    kept_runs,
)
from mnkbib.errors import StoreError
from mnkbib.gcpause import freeze, gc_paused

if TYPE_CHECKING:
    from mnkbib.document import Layout
    from mnkbib.model import Entry
    from mnkbib.store import Snapshot

FORMAT = 1
MAGIC = b"mnkbib-cache\n"
MAX_OVERLAY = 2000  # entries outside the base pool before the base is rewritten
INCREMENTAL_LIMIT = (
    0.25  # above this share of changed blocks (and at least ↓), parse the whole file
)
INCREMENTAL_MIN = 50
COLD_CHUNK = 2000  # blocks parsed per YAML load on a first read


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


def index_file(path: Path, kind: str = "index") -> Path:
    """An index of ``path``'s library (see :func:`cached_index`): ``NAME.index`` for the
    listing, ``NAME.KIND`` for other groups of columns."""
    return cache_files(path)[0].with_suffix("." + kind)


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
    """The same for the indexes, which hold output: mnkbib.cli counts too, and the styles
    and formats of the reference lists' indexes (mnkbib.refcache)."""
    global _INDEX_FINGERPRINT
    if _INDEX_FINGERPRINT is None:
        package = Path(__file__).parent
        parts = [package / "cli", package / "styles", package / "formats"]
        _INDEX_FINGERPRINT = fingerprint() + _modules_digest(parts)
    return _INDEX_FINGERPRINT


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


def _dumps(obj: Any, buffer_callback: Callable[[pickle.PickleBuffer], Any] | None = None) -> bytes:
    from mnkbib.model import PartialDate, Person

    out = io.BytesIO()
    pickler = _Pickler(out, protocol=5, buffer_callback=buffer_callback)
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


def pack_entries(entries: list[Entry]) -> bytes:
    """A part of the base pool: ``entries`` pickled, equal people and dates shared."""
    return _dumps(_shared(entries))


def _unpack_entries(parts: list[bytes]) -> list[Entry]:
    entries: list[Entry] = []
    for part in parts:
        entries.extend(pickle.loads(part))
    return entries


def _pack(kind: str, payload: Any) -> list[bytes | memoryview]:
    """A cache file's bytes, in pieces (joined, the largest would be copied once more).
    The ``pickle.PickleBuffer`` s in ``payload`` (the pool's pickled parts) are written
    out of band, after the pickle, as they are: not copied into it."""
    buffers: list[pickle.PickleBuffer] = []
    body = _dumps(payload, buffers.append)
    raws = [buffer.raw() for buffer in buffers]
    return [*_packed_head(kind, body, checksum([body, *raws]), [len(raw) for raw in raws]), *raws]


def checksummer(start: bytes = b"") -> xxhash.xxh3_64:
    """A running :func:`checksum`, from ``start`` on: ``update`` it with the next pieces,
    ``intdigest()`` is the checksum (mnkbib.spool's files grow piece by piece)."""
    return xxhash.xxh3_64(start)


def checksum(pieces: Iterable[bytes | memoryview]) -> int:
    """The XXH3-64 of the pieces one after the other: what tells a sound cache file from
    a damaged one. (CRC-32 took ten times as long: 4 ms to load and save the 4 MB head
    of a 100,000-entry library.)"""
    digest = checksummer()
    for piece in pieces:
        digest.update(piece)
    return digest.intdigest()


def _packed_head(kind: str, body: bytes, check: int, buffers: list[int]) -> list[bytes]:
    """A cache file up to its out-of-band buffers: the framed header, then the pickle.
    ``check``: the :func:`checksum` of the pickle and the buffers (of these sizes) after
    it."""
    header = {
        "kind": kind,
        "fingerprint": fingerprint(),
        "xxh3": check,
        "size": len(body),
        "buffers": buffers,
    }
    return [*_framed(header), body]


def _framed(header: dict[str, Any]) -> list[bytes]:
    """The start of every cache file: the magic line, then the JSON header and its length."""
    text = json.dumps(header).encode()
    return [MAGIC, struct.pack("<I", len(text)), text]


def _unpack(data: bytes, kind: str) -> Any:
    """The payload, or None for anything that is not a sound cache file of this mnkbib."""
    try:
        if not data.startswith(MAGIC):
            return None
        (length,) = struct.unpack_from("<I", data, len(MAGIC))
        start = len(MAGIC) + 4
        header = json.loads(data[start : start + length])
        if (
            not isinstance(header, dict)
            or header.get("kind") != kind
            or header.get("fingerprint") != fingerprint()
        ):
            return None
        view = memoryview(data)
        at = start + length + header["size"]
        body = view[start + length : at]
        buffers = []
        for size in header["buffers"]:
            buffers.append(view[at : at + size])
            at += size
        if at != len(data) or header.get("xxh3") != checksum([body, *buffers]):
            return None
        enabled = gc.isenabled()
        gc.disable()  # the cyclic GC makes loading many objects superlinear
        try:
            return pickle.loads(body, buffers=buffers)
        finally:
            if enabled:
                gc.enable()
    except Exception:
        return None


def _read(path: Path) -> bytes | None:
    """A cache file's bytes (mapped when large: see mnkbib.filebytes), or None."""
    from mnkbib.filebytes import read_file

    try:
        return read_file(path)
    except OSError:
        return None


def _write(
    path: Path, pieces: Sequence[bytes | memoryview], tails: Sequence[IO[bytes]] = ()
) -> bool:
    """These pieces, then the whole contents of the open files ``tails``, one after the
    other, atomically or not at all; whether it was written (a cache that cannot be
    written is no error)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.writelines(pieces)
            for tail in tails:
                tail.flush()
                tail.seek(0)
                shutil.copyfileobj(tail, handle, 1 << 20)
        os.replace(tmp, path)
        return True
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            return False
        raise


# ---------------------------------------------------------------------------
# The cached state of one library


class State:
    """What the cache holds for one library: the map of the bytes it was built for (see
    :mod:`mnkbib.blockmap`) and each block's parsed entry, found by the block's digest in
    the overlay (entries not in the base pool; small, stored in the head) or in the base
    pool (a large file, loaded only when every entry is needed)."""

    __slots__ = ("_base", "_base_file", "base_id", "map", "overlay")

    def __init__(
        self,
        fmap: FileMap,
        base_id: str,
        overlay: dict[bytes, Entry],
        *,
        base: dict[bytes, Entry] | None = None,
        base_file: Path | None = None,
    ) -> None:
        self.map = fmap
        self.base_id = base_id  # "" until the base pool is written
        self.overlay = overlay
        self._base = base
        self._base_file = base_file

    def base(self) -> dict[bytes, Entry] | None:
        """The base pool (loaded now if need be); None when it is missing or damaged."""
        if self._base is None and self._base_file is not None:
            self._base = _load_base(self._base_file, self.base_id)
            self._base_file = None
        return self._base

    def known(self, digest: bytes) -> Entry | None:
        """The entry of a block with this digest, if at hand without loading the base."""
        found = self.overlay.get(digest)
        if found is None and self._base is not None:
            found = self._base.get(digest)
        return found

    def entries(self) -> list[Entry] | None:
        """Every block's entry in file order; None when the base pool is damaged."""
        overlay = self.overlay
        digests = self.map.digests
        if len(overlay) >= len(digests) and all(d in overlay for d in digests):
            return [overlay[d] for d in digests]
        base = self.base()
        if base is None:
            return None
        try:
            return [overlay[d] if d in overlay else base[d] for d in digests]
        except KeyError:
            return None

    def with_map(self, fmap: FileMap, overlay: dict[bytes, Entry]) -> State:
        """The same pools for a changed file."""
        return State(
            fmap,
            self.base_id,
            overlay,
            base=self._base,
            base_file=self._base_file,
        )


_LAST: dict[Path, tuple[State, Snapshot]] = {}  # what this process last read, for remember()


def _load_base(base_file: Path, base_id: str) -> dict[bytes, Entry] | None:
    data = _read(base_file)
    base = _unpack(data, "base") if data is not None else None
    if base is None:
        return None
    try:
        stored_id, blob, parts = base
        if stored_id != base_id:
            return None
        digests = [blob[i : i + DIGEST_SIZE] for i in range(0, len(blob), DIGEST_SIZE)]
        return _base_of(digests, parts)
    except Exception:
        return None


def _base_of(digests: list[bytes], parts: list[bytes]) -> dict[bytes, Entry] | None:
    """The base pool from its pickled parts, for blocks with these digests (in order)."""
    try:
        entries = _unpack_entries(parts)
        if len(entries) != len(digests):
            return None
        return dict(zip(digests, entries, strict=True))
    except Exception:
        return None


def load_state(path: Path) -> State | None:
    """The cached state of ``path``'s library (not yet checked against the file). Only
    the head is read; the base pool is read when first needed."""
    try:
        base_file, head_file = cache_files(path)
        head_data = _read(head_file)
        head = _unpack(head_data, "head") if head_data is not None else None
        if head is None:
            return None
        map_payload, base_id, overlay = head
        if not isinstance(base_id, str) or not isinstance(overlay, dict):
            return None
        return State(FileMap.from_payload(map_payload), base_id, overlay, base_file=base_file)
    except Exception:
        return None


def save_state(path: Path, state: State) -> None:
    """Write the head; the base pool too when there is none yet or the overlay has grown
    past MAX_OVERLAY entries (then every entry is needed)."""
    try:
        base_file, head_file = cache_files(path)
        if not state.base_id or len(state.overlay) > MAX_OVERLAY:
            entries = state.entries()
            if entries is None:
                return
            digests = state.map.digests
            base_id = os.urandom(12).hex()
            part = pack_entries(entries)
            _write(
                base_file, _pack("base", (base_id, b"".join(digests), [pickle.PickleBuffer(part)]))
            )
            state.base_id = base_id
            state._base = dict(zip(digests, entries, strict=True))
            state._base_file = None
            state.overlay = {}
        overlay = dict(zip(state.overlay, _shared(list(state.overlay.values())), strict=True))
        _write(head_file, _pack("head", (state.map.payload(), state.base_id, overlay)))
    except Exception:
        return


# ---------------------------------------------------------------------------
# Building snapshots and states


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


def _parse_blocks(
    data: bytes, fmap: FileMap, indices: list[int], source: str
) -> list[Entry] | None:
    """The entries of these blocks, parsed on their own (in one YAML load); None when
    that is not known to give what a parse of the whole file gives."""
    from mnkbib.store import parse_entry
    from mnkbib.yamlsafe import load_text

    if not indices:
        return []
    parts = []
    for i in indices:
        s, e = fmap.span(i)
        part = data[s:e]
        parts.append(part if part.endswith(b"\n") else part + b"\n")
    try:
        parsed = load_text(b"".join(parts).decode("utf-8"), source=source)
    except Exception:
        return None
    if not isinstance(parsed, dict) or len(parsed) != len(indices):
        return None
    entries = []
    for i, (key, raw) in zip(indices, parsed.items(), strict=True):
        if key != fmap.keys[i]:
            return None
        try:  # no line number: an error sends the caller to the whole file's parse
            entries.append(parse_entry(key, raw, source, None))
        except Exception:
            return None
    return entries


def _unique_keys(fmap: FileMap) -> bool:
    return len(set(fmap.keys)) == len(fmap.keys)


def _patch_keys_unique(old: FileMap, patch: Patch) -> bool:
    """Whether the patched map's keys are still unique."""
    return _keys_unique(old, patch.map, patch.old_middle, patch.middle)


def _keys_unique(old: FileMap, new: FileMap, old_cut: Iterable[int], cut: Iterable[int]) -> bool:
    """Whether ``new``'s keys are still unique, where its blocks ``cut`` replace the blocks
    ``old_cut`` of ``old`` and every other block is one of ``old``'s, once (checking only
    keys that are new to the changed blocks: the kept blocks' keys were unique before)."""
    keys = new.keys
    middle = [keys[i] for i in cut]
    if len(set(middle)) != len(middle):
        return False
    known = {old.keys[i] for i in old_cut}
    fresh = [k for k in middle if k not in known]
    if len(fresh) > 16:
        return _unique_keys(new)
    return all(keys.count(k) == 1 for k in fresh)


def _patched(
    state: State,
    patch: Patch,
    data: bytes,
    source: str,
    fresh: Mapping[bytes, Entry] | None = None,
) -> State | None:
    """``state`` brought up to ``data`` by ``patch`` (from :func:`blockmap.diff`): only
    blocks with new bytes are parsed (or taken from ``fresh``: blocks mnkbib just wrote
    and read back)."""
    old, new = state.map, patch.map
    if new is old:
        return state
    if not _patch_keys_unique(old, patch):
        return None
    old_middle = {old.digest(i) for i in patch.old_middle}
    overlay = dict(state.overlay)
    missing = []
    for i in patch.middle:
        d = new.digest(i)
        if d in old_middle:
            continue  # the same bytes as before: its entry is where it was
        s, e = new.span(i)
        entry = fresh.get(data[s:e]) if fresh else None
        if entry is not None and entry.key == new.keys[i]:
            overlay[d] = entry
        else:
            missing.append(i)
    if len(missing) > max(INCREMENTAL_MIN, INCREMENTAL_LIMIT * len(new)):
        return None
    parsed = _parse_blocks(data, new, missing, source)
    if parsed is None:
        return None
    overlay.update(zip((new.digest(i) for i in missing), parsed, strict=True))
    for d in old_middle.difference(new.digest(i) for i in patch.middle):
        overlay.pop(d, None)
    return state.with_map(new, overlay)


def _remapped(state: State, data: bytes, source: str) -> State | None:
    """``state`` for a changed file mapped anew (a changed header …): blocks whose text is
    in the pools are taken from there, the others parsed."""
    fmap = build_map(data)
    if fmap is None or not len(fmap) or not _unique_keys(fmap):
        return None
    base = state.base()
    if base is None:
        return None
    missing = [i for i, d in enumerate(fmap.digests) if d not in state.overlay and d not in base]
    if len(missing) > max(INCREMENTAL_MIN, INCREMENTAL_LIMIT * len(fmap)):
        return None
    parsed = _parse_blocks(data, fmap, missing, source)
    if parsed is None:
        return None
    overlay = {d: state.overlay[d] for d in fmap.digests if d in state.overlay}
    overlay.update(zip((fmap.digests[i] for i in missing), parsed, strict=True))
    return state.with_map(fmap, overlay)


def _state_from_parse(data: bytes, snap: Snapshot) -> State | None:
    """The state of a file just parsed whole, when each entry is one block of its own."""
    fmap = build_map(data)
    if fmap is None or len(fmap) != len(snap.entries) or fmap.keys != list(snap.entries):
        return None
    if len(set(fmap.digests)) != len(fmap):
        return None
    base = dict(zip(fmap.digests, snap.entries.values(), strict=True))
    return State(fmap, "", {}, base=base)


def _parse_in_chunks(
    data: bytes,
    path: Path,
    source: str,
    parse: Callable[[str, str], Snapshot],
    groups: Mapping[str, Group] | None = None,
) -> tuple[Snapshot, bool] | None:
    """A first read done block by block, COLD_CHUNK blocks per YAML load: the entries a
    whole-file parse gives, in a fraction of its memory (the YAML node tree of 100,000
    entries takes about 2 GB). The header and footer are parsed on their own (``parse``
    of them, with no entries between) and every block must parse alone to its key. None
    for anything unusual: then the whole-file parse gives the result or the exact error.

    A large library is read by worker processes (:mod:`mnkbib.coldread`), which also
    build every listing index ``kind → (build, names)`` of ``groups``: their pool parts
    and columns are written to the cache as they come (:mod:`mnkbib.spool`), and the
    second value says so (True); otherwise the caller builds the indexes."""
    from mnkbib import coldread
    from mnkbib.store import Snapshot

    fmap = build_map(data)
    if fmap is None or not len(fmap) or fmap.blocks.empty_flow or not _unique_keys(fmap):
        return None
    if len(set(fmap.digests)) != len(fmap):
        return None
    b = fmap.blocks
    try:
        frame = parse((b.head + b.tail).decode("utf-8"), source)
    except Exception:
        return None
    if frame.entries:
        return None
    n = len(fmap)
    workers = coldread.workers_for(n)
    if workers:
        from mnkbib.spool import Spool

        chosen = groups or {}
        try:
            spool = Spool(path, fmap, len(coldread.jobs(n)), {k: g[1] for k, g in chosen.items()})
        except Exception:  # the cache cannot be written: no use sharing the work out
            spool = None
        if spool is not None:
            if not coldread.parse(data, fmap, source, chosen, workers, spool.add):
                spool.discard()
                return None
            try:
                spool.finish()
            except Exception:
                return None
            state = State(fmap, spool.base_id, {}, base_file=cache_files(path)[0])
            return _snapshot(state, data, path, source), True
    entries: list[Entry] = []
    for lo in range(0, n, COLD_CHUNK):
        part = _parse_blocks(data, fmap, list(range(lo, min(lo + COLD_CHUNK, n))), source)
        if part is None:
            return None
        entries.extend(part)
    state = State(fmap, "", {}, base=dict(zip(fmap.digests, entries, strict=True)))
    save_state(path, state)
    snap = Snapshot(
        lambda: _decode(data, path),
        lambda: _layout(_decode(data, path), data, b),
        {e.key: e for e in entries},
        data=data,
        fmap=fmap,
    )
    _LAST[path] = (state, snap)
    return snap, False


class _Loader:
    """Entries of a snapshot served from the cache: one by one from its pools or by
    parsing its block; all at once from the pools."""

    def __init__(self, state: State, data: bytes, path: Path, source: str) -> None:
        self.state = state
        self.data = data
        self.path = path
        self.source = source
        self._at: dict[str, int] | None = None
        self._whole: dict[str, Entry] | None = None

    def one(self, key: str) -> Entry:
        i = self.state.map.keys.index(key)  # one scan in C: a command loads few entries
        found = self.state.known(self.state.map.digest(i))
        if found is not None:
            return found
        parsed = _parse_blocks(self.data, self.state.map, [i], self.source)
        return parsed[0] if parsed else self.all()[key]

    def all(self) -> dict[str, Entry]:
        if self._whole is None:
            with _quiet_gc():
                entries = self.state.entries()
                if entries is not None:
                    self._whole = dict(zip(self.state.map.keys, entries, strict=True))
                else:  # the base pool is damaged or gone: parse the file, cache it again
                    from mnkbib.store import parse_library

                    snap = parse_library(_decode(self.data, self.path), self.source)
                    self._whole = dict(snap.entries)
                    fresh = _state_from_parse(self.data, snap)
                    if fresh is not None:
                        save_state(self.path, fresh)
        return self._whole


def _snapshot(state: State, data: bytes, path: Path, source: str) -> Snapshot:
    from mnkbib.entrymap import EntryMap
    from mnkbib.store import Snapshot

    text_cell: list[str] = []

    def text() -> str:
        if not text_cell:
            text_cell.append(_decode(data, path))
        return text_cell[0]

    entries = EntryMap.lazy(list(state.map.keys), _Loader(state, data, path, source))
    snap = Snapshot(
        text, lambda: _layout(text(), data, state.map.blocks), entries, data=data, fmap=state.map
    )
    _LAST[path] = (state, snap)
    return snap


@contextlib.contextmanager
def _quiet_gc() -> Iterator[None]:
    """No cyclic GC while hundreds of thousands of (acyclic) objects are made; then move
    them out of the GC's sight (``gc.freeze``): later collections need not walk them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        freeze()
        if enabled:
            gc.enable()


def cached_parse(path: Path, source: str, parse: Callable[[str, str], Snapshot]) -> Snapshot:
    """The library at ``path``, from the cache when it holds exactly these bytes."""
    with _quiet_gc():
        return _cached_parse(path, source, parse)


def _cached_parse(path: Path, source: str, parse: Callable[[str, str], Snapshot]) -> Snapshot:
    from mnkbib.filebytes import read_file
    from mnkbib.store import read_text

    try:
        data = read_file(path)
    except OSError:
        return parse(read_text(path), source)  # read_text raises the right error
    return _parse_bytes(path, data, source, parse)[0]


def _current_state(path: Path, data: bytes, source: str) -> State | None:
    """The cached state of ``path``'s library brought up to ``data``: as it is, patched
    (only the blocks with new bytes parsed) or mapped again, and saved when it changed;
    None when there is none, or it cannot be."""
    state = load_state(path)
    if state is None:
        return None
    patch = diff(state.map, data)
    if patch is not None and patch.map is state.map:
        return state
    new = _patched(state, patch, data, source) if patch is not None else None
    if new is None:
        new = _remapped(state, data, source)
    if new is not None:
        save_state(path, new)
    return new


def _parse_bytes(
    path: Path,
    data: bytes,
    source: str,
    parse: Callable[[str, str], Snapshot],
    groups: Mapping[str, Group] | None = None,
) -> tuple[Snapshot, bool]:
    """The library of these bytes, and whether a first read also wrote the indexes
    ``groups`` on its way (see :func:`_parse_in_chunks`)."""
    state = _current_state(path, data, source)
    if state is not None:
        return _snapshot(state, data, path, source), False
    chunked = _parse_in_chunks(data, path, source, parse, groups)
    if chunked is not None:
        return chunked
    snap = parse(_decode(data, path), source)
    try:
        fresh = _state_from_parse(data, snap)
    except Exception:
        fresh = None
    if fresh is not None:
        save_state(path, fresh)
        snap.data, snap.fmap = data, fresh.map
        _LAST[path] = (fresh, snap)
    return snap, False


def remember(
    path: Path,
    data: bytes,
    keys: list[str],
    previous: Snapshot,
    fresh: Mapping[bytes, Entry] | None = None,
    changed: tuple[int, int] | None = None,
) -> None:
    """After mnkbib wrote ``data`` to ``path``: bring the cache up to date, parsing only
    the blocks that changed and are not in ``fresh`` (the bytes of blocks just written,
    mapped to the entries they read back as), so the cache holds what a parse gives.
    ``changed``: the range of the previous bytes that the write replaced, if known."""
    last = _LAST.pop(path, None)
    if last is None:
        return
    if last[1] is not previous and (
        previous.fmap is None or not last[0].map.same_bytes(previous.fmap)
    ):
        return  # the last state read is of other bytes than those the write changed
    try:
        with _quiet_gc():
            patch = diff(last[0].map, data, changed)
            new = _patched(last[0], patch, data, str(path), fresh) if patch else None
            if new is None:
                new = _remapped(last[0], data, str(path))
            if new is None or new.map.keys != keys:
                return
            save_state(path, new)
    except Exception:
        return


# ---------------------------------------------------------------------------
# The listing index: a few precomputed values per entry, cheap to load

# A patched index is written back when it cut again more than this share of its blocks:
# writing 100,000 rows costs about half a second, patching a few hundred a few ms, so a
# large library's index is patched on each command until its changes add up.
INDEX_SAVE_SHARE = 0.02


class Index:
    """The listing index of one library file: per entry, the values ``build`` gave (see
    :func:`cached_index`), stored column by column, each with its own checksum. A column is
    read and unpickled on first use, so a command pays only for the columns it reads; one
    found damaged then is rebuilt from the library (``fallback``). An index patched for a
    changed file derives its columns from the old index's (``derive``)."""

    def __init__(
        self,
        fmap: FileMap | None,
        size: int,
        names: set[str],
        *,
        columns: dict[str, list[Any]] | None = None,
        file: io.BufferedReader | None = None,
        table: dict[str, tuple[int, int, int, list[int]]] | None = None,
        derive: Callable[[str], list[Any]] | None = None,
    ) -> None:
        self.map = fmap  # of the library file it was built for (None: not cacheable)
        self.size = size  # number of entries
        self.names = names
        self.fallback: Callable[[], dict[str, list[Any]]] | None = None
        self._columns = columns or {}
        self._file = file  # open on the index file read: a rename over it changes nothing
        self._view: memoryview | None = None  # that file, mapped (read on first use)
        # name -> (offset in the file, length, checksum, lengths of its pickled chunks)
        self._table = table or {}
        self._derive = derive
        self.cut = 0  # blocks a patched index cut again: how far it drifted from its file

    # As a Known (for another group's index): the map of the bytes this index is for.
    data: bytes | None = None

    @property
    def fmap(self) -> FileMap | None:
        return self.map

    def column(self, name: str) -> list[Any]:
        column = self._columns.get(name)
        if column is None:
            column = self._derived(name) if self._derive is not None else self._read(name)
            if column is None:
                if self.fallback is None:
                    raise ValueError(f"cache index: column {name!r} is damaged")
                self._columns = self.fallback()
                self.close()
                column = self._columns[name]
            self._columns[name] = column
        return column

    def _derived(self, name: str) -> list[Any] | None:
        try:
            assert self._derive is not None
            column = self._derive(name)
            return column if len(column) == self.size else None
        except Exception:
            return None

    def column_parts(self, name: str) -> Iterator[list[Any]]:
        """The column ``name`` part by part, in order, each unpickled when it is taken:
        a caller that writes each part out holds one part at a time, not 100,000 values.
        One part, the whole column, when it is in memory, derived or damaged."""
        chunks = None
        if name not in self._columns and self._derive is None:
            chunks = self._chunks(name)
        if chunks is None:
            yield self.column(name)
            return
        done = 0
        for chunk in chunks:
            values = _unpickle_column([chunk], None)
            if values is None:  # damaged after all: the rest from a column rebuilt
                yield self.column(name)[done:]
                return
            done += len(values)
            yield values
        if done != self.size:
            raise ValueError(f"cache index: column {name!r} is damaged")

    def _read(self, name: str) -> list[Any] | None:
        chunks = self._chunks(name)
        return _unpickle_column(chunks, self.size) if chunks is not None else None

    def _chunks(self, name: str) -> list[memoryview] | None:
        """The pickled chunks of column ``name``, their checksum checked; None when damaged."""
        try:
            offset, length, check, sizes = self._table[name]
            assert self._file is not None
            if self._view is None:
                from mnkbib.filebytes import map_handle

                self._view = map_handle(self._file)  # no copy into fresh memory
            if self._view is not None:
                blob: bytes | memoryview = self._view[offset : offset + length]
            else:
                self._file.seek(offset)
                blob = self._file.read(length)
            if len(blob) != length or checksum([blob]) != check or sum(sizes) != length:
                return None
            view = memoryview(blob)
            at = itertools.pairwise([0, *itertools.accumulate(sizes)])
            return [view[a:z] for a, z in at]
        except Exception:
            return None

    def rows(self) -> list[tuple[Any, ...]]:
        """Row by row, the columns in sorted order of their names."""
        return list(zip(*(self.column(n) for n in sorted(self.names)), strict=True))

    def close(self) -> None:
        self._view = None  # the mapping goes with the last slice of it
        if self._file is not None:
            self._file.close()
            self._file = None

    def __del__(self) -> None:
        self.close()


def _unpickle_column(chunks: list[bytes] | list[memoryview], size: int | None) -> list[Any] | None:
    """A column from its pickled chunks (lists, one after the other); None unless it is
    a list of ``size`` values (any number when ``size`` is None)."""
    try:
        column: list[Any] | None = None
        with gc_paused():  # the cyclic GC makes loading many objects superlinear
            for chunk in chunks:
                values = pickle.loads(chunk)
                if not isinstance(values, list):
                    return None
                if column is None:
                    column = values
                else:
                    column.extend(values)
        if column is None or (size is not None and len(column) != size):
            return None
        return column
    except Exception:
        return None


def load_index(path: Path, kind: str = "index") -> Index | None:
    """The index of ``path``'s library (not yet checked against the file), or None when
    missing, damaged, foreign or old. Only its header and map are read here."""
    try:
        handle = open(index_file(path, kind), "rb")  # noqa: SIM115 - the Index keeps it open
    except Exception:
        return None
    try:
        if handle.read(len(MAGIC)) != MAGIC:
            raise ValueError
        (length,) = struct.unpack("<I", handle.read(4))
        header = json.loads(handle.read(length))
        if (
            not isinstance(header, dict)
            or header.get("kind") != kind
            or header.get("fingerprint") != index_fingerprint()
        ):
            raise ValueError
        meta = handle.read(header["size"])
        if len(meta) != header["size"] or checksum([meta]) != header.get("xxh3"):
            raise ValueError
        map_payload, size, table = pickle.loads(meta)
        fmap = FileMap.from_payload(map_payload)
        base = handle.tell()
        end = base + sum(length for _, length, _, _ in table.values())
        if (
            not isinstance(size, int)
            or not isinstance(table, dict)
            or len(fmap) != size
            or os.fstat(handle.fileno()).st_size != end
        ):
            raise ValueError
        offsets = {
            name: (base + off, n, check, list(sizes))
            for name, (off, n, check, sizes) in table.items()
        }
        return Index(fmap, size, set(table), file=handle, table=offsets)
    except Exception:
        handle.close()
        return None


# Rows per pickled chunk of a saved column, as the workers of a first read write them
# (mnkbib.coldread): a caller can write a column out chunk by chunk (Index.column_parts).
INDEX_CHUNK = 1000


def save_index(path: Path, index: Index, kind: str = "index") -> None:
    if index.map is None:
        return
    try:
        table: dict[str, tuple[int, int, int, list[int]]] = {}
        blobs: list[bytes] = []
        offset = 0
        for name in sorted(index.names):
            column = index.column(name)
            step = INDEX_CHUNK
            chunks = [_dumps(column[i : i + step]) for i in range(0, len(column), step)]
            chunks = chunks or [_dumps([])]
            length = sum(map(len, chunks))
            table[name] = (offset, length, checksum(chunks), [len(chunk) for chunk in chunks])
            blobs.extend(chunks)
            offset += length
        head = _index_head(index.map.payload(), index.size, table, kind)
        _write(index_file(path, kind), [*head, *blobs])
    except Exception:
        return


def _index_head(
    map_payload: Any, size: int, table: dict[str, tuple[int, int, int, list[int]]], kind: str
) -> list[bytes]:
    """An index file up to its columns: the framed header, then the map, the number of
    entries and the table of columns (name → offset after the head, length, checksum,
    the lengths of the pickled chunks the column is stored in)."""
    meta = _dumps((map_payload, size, table))
    header = {
        "kind": kind,
        "fingerprint": index_fingerprint(),
        "xxh3": checksum([meta]),
        "size": len(meta),
    }
    return [*_framed(header), meta]


Group = tuple[Callable[["Entry"], tuple[Any, ...]], tuple[str, ...]]  # build, column names


class Known(Protocol):
    """What is known of a library file already read: its map, and maybe its bytes."""

    @property
    def data(self) -> bytes | None: ...

    @property
    def fmap(self) -> FileMap | None: ...


def cached_index(
    path: Path,
    source: str,
    parse: Callable[[str, str], Snapshot],
    build: Callable[[Entry], tuple[Any, ...]],
    names: tuple[str, ...],
    known: Known | None = None,
    kind: str = "index",
    also: Callable[[], Mapping[str, Group]] | None = None,
) -> Index:
    """``build(entry)`` for every entry of the library at ``path``, as columns ``names``:
    from the index when it was built for exactly these bytes (the same hash test as the
    rest of the cache, on the bytes read once); after a change, the index patched (only
    blocks with new bytes are parsed and built); else built from the library (cached or
    parsed), reusing the rows of blocks whose text is unchanged, and saved.

    ``known``: the file as already read (a snapshot, or another index's map): the index
    must then be of exactly those bytes, and when its map is theirs, the file is not read
    again. ``kind``: which index (each group of columns is a file of its own, built when
    first asked for). ``also``: gives the other groups, ``kind → (build, names)``, built
    and saved too when a first read by worker processes has every entry at hand."""
    with _quiet_gc():
        from mnkbib.store import read_text

        fmap = known.fmap if known is not None else None

        def read(of: FileMap | None) -> bytes:
            """The file's bytes: those known, or read now; then they must be those of
            ``of`` (a listing never mixes two versions of the file)."""
            if known is not None and known.data is not None:
                return known.data
            from mnkbib.filebytes import read_file

            data = read_file(path)
            if of is not None and not of.matches(data):
                raise StoreError(
                    f"{source}: the library changed while it was read; run the command again"
                )
            return data

        def give(index: Index) -> Index:
            """``index``, able to rebuild a damaged column (for the bytes it is of: the
            file is read again then, rather than kept in memory all along)."""

            def fallback() -> dict[str, list[Any]]:
                with _quiet_gc():
                    data = read(index.map)
                    new = _build_index(path, data, source, parse, build, names, None, kind)
                    return {n: new.column(n) for n in names}

            index.fallback = fallback
            return index

        old = load_index(path, kind)
        if old is not None and (old.names != set(names) or old.map is None):
            old.close()
            old = None
        old_map = old.map if old is not None else None
        if old is not None and old_map is not None and fmap and old_map.same_bytes(fmap):
            return give(old)
        try:
            data = read(fmap)
        except OSError:
            snap = parse(read_text(path), source)  # read_text raises the right error
            rows = [build(e) for e in snap.entries.values()]
            return Index(None, len(rows), set(names), columns=_columns(rows, names))
        if old is not None and old.map is not None:
            if fmap is None:
                if old.map.matches(data):
                    return give(old)
                # The file changed since the index was saved: the cached state knows
                # the new map (it is brought up to date on every command).
                fmap = _current_map(path, data, source)
            # With the new map known, the two maps are compared: nothing to hash.
            patch = diff_maps(old.map, fmap) if fmap is not None else None
            patched = _patched_index(old, data, source, build, names, patch)
            if patched is not None:
                if patched.cut > INDEX_SAVE_SHARE * patched.size:
                    save_index(path, patched, kind)
                return give(patched)
        return give(_build_index(path, data, source, parse, build, names, old, kind, also))


def _current_map(path: Path, data: bytes, source: str) -> FileMap | None:
    """The map of ``data`` from the cached state (see :func:`_current_state`)."""
    with contextlib.suppress(Exception):
        state = _current_state(path, data, source)
        return state.map if state is not None else None
    return None


def _patched_index(
    old: Index,
    data: bytes,
    source: str,
    build: Callable[[Entry], tuple[Any, ...]],
    names: tuple[str, ...],
    patch: Patch | None = None,
) -> Index | None:
    """``old`` for the file's bytes: itself when they are the bytes it was built for;
    else rows of blocks with unchanged bytes are kept (by position, or by digest within
    the changed region) and only new blocks are parsed. ``patch``: the change, if known,
    to the map of a cached state or snapshot (whose keys are unique: see _patched,
    _remapped and _state_from_parse)."""
    assert old.map is not None
    unique = patch is not None
    if patch is None:
        patch = diff(old.map, data)
    if patch is None:
        return None
    if patch.map is old.map:
        return old
    new = patch.map
    # Two edits far apart make a long middle, mostly of runs of blocks that are old
    # runs, moved or not: those are kept whole; only the other blocks are looked at.
    kept = kept_runs(old.map, patch)
    cut = _outside(patch.middle, [(a, n) for a, _, n in kept])
    old_cut = _outside(patch.old_middle, sorted((b, n) for _, b, n in kept))
    if not unique and not _keys_unique(old.map, new, old_cut, cut):
        return None
    was = {old.map.digest(j): j for j in old_cut}
    missing = [i for i in cut if new.digest(i) not in was]
    if len(missing) > max(INCREMENTAL_MIN, INCREMENTAL_LIMIT * len(new)):
        return None
    parsed = _parse_blocks(data, new, missing, source)
    if parsed is None:
        return None
    built = dict(zip(missing, (build(e) for e in parsed), strict=True))
    position = {name: k for k, name in enumerate(names)}
    # How to make a new column, worked out once for all columns: runs of old rows (each
    # copied as one slice) and rows built now.
    rows: list[tuple[Any, ...]] = []  # the rows built now, in order
    plan: list[tuple[int, int] | int] = []  # a run [start, stop) of old rows, or a row

    def keep(j: int, n: int) -> None:
        last = plan[-1] if plan else None
        if isinstance(last, tuple) and last[1] == j:
            plan[-1] = (last[0], j + n)
        else:
            plan.append((j, j + n))

    at = patch.head
    for start, old_start, n in [*kept, (patch.middle.stop, 0, 0)]:
        for i in range(at, start):
            row = built.get(i)
            if row is not None:
                plan.append(len(rows))
                rows.append(row)
            else:
                keep(was[new.digest(i)], 1)
        if n:
            keep(old_start, n)
        at = start + n

    def derive(name: str) -> list[Any]:
        old_column = old.column(name)
        k = position[name]
        out = old_column[: patch.head]
        for step in plan:
            if isinstance(step, int):
                out.append(rows[step][k])
            else:
                out.extend(old_column[step[0] : step[1]])
        out.extend(old_column[patch.old_size - patch.tail :])
        return out

    index = Index(new, len(new), set(names), derive=derive)
    index.cut = len(cut)
    return index


def _outside(blocks: range, runs: list[tuple[int, int]]) -> list[int]:
    """The blocks of ``blocks`` in none of the ``runs`` (start, length), given in order."""
    out: list[int] = []
    at = blocks.start
    for start, n in [*runs, (blocks.stop, 0)]:
        out.extend(range(at, start))
        at = start + n
    return out


def _build_index(
    path: Path,
    data: bytes,
    source: str,
    parse: Callable[[str, str], Snapshot],
    build: Callable[[Entry], tuple[Any, ...]],
    names: tuple[str, ...],
    old: Index | None,
    kind: str = "index",
    also: Callable[[], Mapping[str, Group]] | None = None,
) -> Index:
    groups = {kind: (build, names), **(also() if also is not None else {})}
    snap, built = _parse_bytes(path, data, source, parse, groups)
    fmap = snap.fmap
    if built and fmap is not None:
        # A first read wrote every index on its way (neither the entries nor the rows
        # are loaded here): the columns this command reads are read from its file.
        written = load_index(path, kind)
        if written is not None and written.map is not None and written.map.same_bytes(fmap):
            if old is not None:
                old.close()
            return written
        if written is not None:
            written.close()
    entries = list(snap.entries.values())
    rows: list[tuple[Any, ...]] = []
    if fmap is not None and old is not None and old.map is not None and len(fmap) == len(entries):
        try:
            order = sorted(names)  # old.rows() gives the columns in this order
            at = [order.index(n) for n in names]
            pool = dict(zip(old.map.digests, old.rows(), strict=True))
            for d, e in zip(fmap.digests, entries, strict=True):
                row = pool.get(d)
                rows.append(tuple(row[i] for i in at) if row is not None else build(e))
        except Exception:
            rows = []
    if old is not None:
        old.close()
    if len(rows) != len(entries):
        rows = [build(e) for e in entries]
    cacheable = fmap if fmap is not None and len(fmap) == len(rows) else None
    index = Index(cacheable, len(rows), set(names), columns=_columns(rows, names))
    save_index(path, index, kind)
    return index


def _columns(rows: list[tuple[Any, ...]], names: tuple[str, ...]) -> dict[str, list[Any]]:
    return {name: [row[i] for row in rows] for i, name in enumerate(names)}
