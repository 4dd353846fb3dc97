"""The YAML library file ⇄ the in-memory library.

Reading validates everything and names file, line and column on error. Writing
is locked, atomic and surgical: under an exclusive lock the file is read fresh,
only the changed entries' lines are replaced, and the new text goes to a
temporary file that is fsynced and renamed over the old one. On any error the
file on disk is left exactly as it was.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from mnkbib.document import Layout, scan
from mnkbib.entrymap import EntryMap
from mnkbib.errors import MnkbibError, ParseError, StoreError, ValidationError
from mnkbib.keys import is_valid_key
from mnkbib.library import Changes, Library
from mnkbib.model import Entry, entry_from_raw, entry_to_raw
from mnkbib.piecewrite import Kept, Piece, SourceShrank, view_of, write_pieces

if TYPE_CHECKING:
    from mnkbib.blockmap import FileMap

# PyYAML, the emitter and filelock are imported where they are used: a read served by
# the cache (mnkbib.cache) needs none of them, and start-up is most of such a command.

SCHEMA_VERSION = 1
HEADER = """\
# mnkbib library — plain YAML: one entry per citation key.
# Format: https://github.com/mnkbib/mnkbib/blob/main/docs/library-format.md
mnkbib: 1
entries:
"""


class Snapshot:
    """A library as read from disk: its text, its text layout and its entries.

    ``text`` and ``layout`` may be given as functions: they are then computed on first
    use (a cached read of a large library needs neither). ``data`` and ``fmap``, when the
    cache gave them, are the file's bytes and their map (:mod:`mnkbib.blockmap`): a write
    then replaces byte ranges instead of lines.
    """

    __slots__ = ("_layout", "_text", "data", "entries", "fmap")

    def __init__(
        self,
        text: str | Callable[[], str],
        layout: Layout | Callable[[], Layout] | None,
        entries: dict[str, Entry] | EntryMap,
        *,
        data: bytes | None = None,
        fmap: FileMap | None = None,
    ) -> None:
        self._text = text
        self._layout = layout
        self.entries = entries
        self.data = data
        self.fmap = fmap

    @property
    def text(self) -> str:
        if not isinstance(self._text, str):
            self._text = self._text()
        return self._text

    @property
    def layout(self) -> Layout:
        if self._layout is None:
            self._layout = scan(self.text)
        elif not isinstance(self._layout, Layout):
            self._layout = self._layout()
        return self._layout


def read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise StoreError(
            f"{path}: no such library (create one with `mnkbib init {path}`)"
        ) from None
    except IsADirectoryError:
        raise StoreError(f"{path}: is a directory, not a library file") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot read: {exc.strerror}") from None
    return decode_text(data, path)


def decode_text(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ParseError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x})", source=str(path), line=line
        ) from None


_CONFLICT_MARKER = re.compile(r"^(?:<{7}|>{7})(?: |\r?$)", re.MULTILINE)


def parse_entry(key: str, raw: Any, source: str, line: int | None) -> Entry:
    if not is_valid_key(key):
        raise ParseError(
            f"invalid citation key {key!r} (no spaces, commas, braces or quotes)",
            source=source,
            line=line,
        )
    try:
        return entry_from_raw(key, raw, key)
    except ValidationError as exc:
        from mnkbib.yamlsafe import LineDict

        field_line = line
        if isinstance(raw, LineDict):
            field = getattr(exc, "field", None)
            field_line = raw.lines.get(field, line) if field else line
        raise ParseError(exc.message, source=source, line=field_line) from None


def parse_library(text: str, source: str) -> Snapshot:
    """Parse and validate a whole library file."""
    from mnkbib.yamlsafe import LineDict, load_text

    try:
        data = load_text(text, source=source)
    except ParseError:
        marker = _CONFLICT_MARKER.search(text)
        if marker is None:
            raise
        raise ParseError(
            "unresolved git merge conflict: keep one version between the '<<<<<<<' and "
            "'>>>>>>>' lines and delete the other and the marker lines",
            source=source,
            line=text.count("\n", 0, marker.start()) + 1,
        ) from None
    if data is None:
        raise ParseError(
            "the file is empty, not a library (create one with `mnkbib init`)", source=source
        )
    if not isinstance(data, dict):
        raise ParseError(
            "a library must be a mapping with 'mnkbib' and 'entries'", source=source, line=1
        )
    lines = data.lines if isinstance(data, LineDict) else {}
    version = data.get("mnkbib")
    if version is None:
        raise ParseError("not an mnkbib library: no 'mnkbib: 1' line", source=source, line=1)
    if str(version) != str(SCHEMA_VERSION):
        raise ParseError(
            f"library format version {version} is not supported (this mnkbib reads version {SCHEMA_VERSION})",
            source=source,
            line=lines.get("mnkbib"),
        )
    raw_entries = data.get("entries") or {}
    if not isinstance(raw_entries, dict):
        raise ParseError(
            "'entries' must be a mapping of citation keys", source=source, line=lines.get("entries")
        )
    entry_lines = raw_entries.lines if isinstance(raw_entries, LineDict) else {}
    entries = {
        key: parse_entry(key, raw, source, entry_lines.get(key)) for key, raw in raw_entries.items()
    }
    return Snapshot(text, None, entries)  # the layout is scanned when a write needs it


class Rendered(NamedTuple):
    # The new file, in order: the new blocks, and the old bytes kept between them
    # (written one after the other, 48 MB are not copied into a new buffer first).
    pieces: list[Piece]
    fresh: dict[bytes, Entry]  # the new blocks' bytes, and the entries they read back as
    changed: tuple[int, int] | None  # the range of the old bytes replaced, when known

    @property
    def data(self) -> bytes:
        return b"".join(view_of(p) for p in self.pieces)


def render(snapshot: Snapshot, changes: Changes, source: str) -> str:
    """The new file text: changed entries' lines replaced, the rest byte-identical."""
    return render_checked(snapshot, changes, source).data.decode("utf-8")


def render_checked(snapshot: Snapshot, changes: Changes, source: str) -> Rendered:
    """``render`` as bytes, with every new block read back. On the file's bytes when the
    cache mapped them; else line by line."""
    done = _render_bytes(snapshot, changes, source)
    return done if done is not None else _render_lines(snapshot, changes, source)


def _render_bytes(snapshot: Snapshot, changes: Changes, source: str) -> Rendered | None:
    """The changed blocks' byte ranges replaced; None when the file has no map, or no
    blocks (then :func:`_render_lines` deals with "entries:" lines and the like)."""
    fmap, data = snapshot.fmap, snapshot.data
    if fmap is None or data is None or not len(fmap) or fmap.blocks.empty_flow:
        return None
    from mnkbib.blockmap import block_end

    if fmap.keys != list(snapshot.entries):
        raise StoreError(
            f"{source}: entries are not written one block per key, so they cannot be edited "
            "line by line; run `mnkbib fmt` once to rewrite the file in mnkbib's layout"
        )
    first_end = data.find(b"\n")
    crlf = first_end > 0 and data[first_end - 1 : first_end] == b"\r"
    indent = fmap.blocks.indent
    blocks = _new_blocks(changes, indent, "\r\n" if crlf else "\n", source)

    changed = [*changes.removed, *changes.replaced]
    if len(changed) > 4:
        at = {k: i for i, k in enumerate(fmap.keys)}
        positions = sorted(at[k] for k in changed)
    else:
        positions = sorted(fmap.keys.index(k) for k in changed)
    view = memoryview(data)
    pieces: list[Piece] = []
    pos = 0
    lo = len(data)
    for i in positions:
        start, limit = fmap.span(i)
        key = fmap.keys[i]
        pieces.append(Kept(view[pos:start], pos))
        if key in changes.replaced:
            pieces.append(blocks.replaced[key])
        pos = block_end(data, start, limit, indent)
        lo = min(lo, start)
    if changes.added:
        last_start, last_limit = fmap.span(len(fmap) - 1)
        insert_at = block_end(data, last_start, last_limit, indent)
        pieces.append(Kept(view[pos:insert_at], pos))
        pos = insert_at
        lo = min(lo, insert_at)
        ends = (bytes(view_of(p)[-1:]) for p in reversed(pieces) if len(view_of(p)))
        if next(ends, b"\n") != b"\n":
            pieces.append(b"\r\n" if crlf else b"\n")
        pieces.append(b"".join(blocks.added))
    pieces.append(Kept(view[pos:], pos))
    return Rendered(pieces, blocks.fresh, (lo, pos) if lo <= pos else None)


def _render_lines(snapshot: Snapshot, changes: Changes, source: str) -> Rendered:
    layout = snapshot.layout
    if layout.keys != list(snapshot.entries):
        raise StoreError(
            f"{source}: entries are not written one block per key, so they cannot be edited "
            "line by line; run `mnkbib fmt` once to rewrite the file in mnkbib's layout"
        )
    lines = layout.lines
    eol = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    blocks = _new_blocks(changes, layout.indent, eol, source)
    out: list[str] = []
    starts = {
        b.start: b for b in layout.blocks if b.key in changes.removed or b.key in changes.replaced
    }
    insert_at = (
        layout.blocks[-1].end
        if layout.blocks
        else (layout.entries_line + 1 if layout.entries_line is not None else len(lines))
    )
    # The lines between these places are copied in bulk (100,000 entries are 2.5M lines).
    stops = sorted({*starts, insert_at, len(lines), layout.entries_line or 0})
    added = b"".join(blocks.added).decode("utf-8")
    i = 0
    while i <= len(lines):
        stop = stops[bisect.bisect_left(stops, i)]
        if stop > i:
            out.append("".join(lines[i:stop]))
            i = stop
        if i == insert_at and added:
            if out and not out[-1].endswith("\n"):
                out[-1] += eol
            if layout.entries_line is None:
                out.append("entries:" + eol)
            out.append(added)
        if i == len(lines):
            break
        if i == layout.entries_line and layout.empty_flow and added:
            # "entries: {}  # comment" → "entries:  # comment": the comment stays.
            line = lines[i]
            body = line.rstrip("\r\n")
            body = re.sub(r"[ \t]*\{\}", "", body, count=1).rstrip()
            out.append(body + (line[len(line.rstrip("\r\n")) :] or eol))
            i += 1
            continue
        b = starts.get(i)
        if b is not None:
            if b.key in changes.removed:
                i = b.end
                continue
            if b.key in changes.replaced:
                out.append(blocks.replaced[b.key].decode("utf-8"))
                i = b.end
                continue
        out.append(lines[i])
        i += 1
    return Rendered(["".join(out).encode("utf-8")], blocks.fresh, None)


class NewBlocks(NamedTuple):
    replaced: dict[str, bytes]  # key → the block that replaces its block
    added: list[bytes]  # the blocks of added entries, in order
    fresh: dict[bytes, Entry]  # each new block, and the entry it reads back as


def _new_blocks(changes: Changes, indent: int, eol: str, source: str) -> NewBlocks:
    """The blocks of the replaced and added entries, each read back, with these line
    breaks."""
    replaced = list(changes.replaced.items())
    entries = [e for _, e in replaced] + list(changes.added.values())
    done = [
        ((text.replace("\n", eol) if eol != "\n" else text).encode("utf-8"), again)
        for text, again in emit_checked(entries, indent, source)
    ]
    return NewBlocks(
        {key: text for (key, _), (text, _) in zip(replaced, done[: len(replaced)], strict=True)},
        [text for text, _ in done[len(replaced) :]],
        dict(done),
    )


class Written(NamedTuple):
    entry: Entry
    raw: dict[str, Any]  # entry_to_raw(entry), as emitted
    text: str  # its block


# Blocks emitted and read back by worker processes when there are this many
# (mnkbib.forked), in jobs of CHECK_JOB: most of importing 10,000 entries, shared out
# to every core.
CHECK_PARALLEL_MIN = 2000
CHECK_JOB = 1000


def emit_checked(entries: Sequence[Entry], indent: int, source: str) -> list[tuple[str, Entry]]:
    """Each entry's block (line breaks "\n"), and the entry it reads back as: what the
    emitter writes is read back, so a bug there never reaches the disk."""
    if not entries:
        return []
    from mnkbib.forked import in_jobs

    def job(lo: int, hi: int) -> tuple[list[str], dict[int, Entry]]:
        # Back from a worker: the blocks, and only the entries that read back other
        # than they were given (pickling 10,000 entries back costs the parent 0.5 s).
        done = _emit_checked(entries[lo:hi], indent, source)
        return [text for text, _ in done], {
            lo + i: again for i, (_, again) in enumerate(done) if again != entries[lo + i]
        }

    parts = in_jobs(job, len(entries), CHECK_JOB, CHECK_PARALLEL_MIN)
    if parts is None:  # done here, which also raises what went wrong
        return _emit_checked(entries, indent, source)
    texts = [text for part, _ in parts for text in part]
    others = {i: again for _, part in parts for i, again in part.items()}
    return [(text, others.get(i, entries[i])) for i, text in enumerate(texts)]


def _emit_checked(entries: Sequence[Entry], indent: int, source: str) -> list[tuple[str, Entry]]:
    """:func:`emit_checked` in this process."""
    from mnkbib.yamlemit import emit_entry

    written = []
    for entry in entries:
        raw = entry_to_raw(entry)
        written.append(Written(entry, raw, emit_entry(entry.key, raw, indent)))
    agains = _read_back(written, source)
    return [(w.text, again) for w, again in zip(written, agains, strict=True)]


def _read_back(written: list[Written], source: str) -> list[Entry]:
    """Read these blocks back, in one parse: the entries they read as (see
    :func:`emit_checked`)."""
    from mnkbib.yamlsafe import load_text

    try:
        data = load_text("".join(w.text for w in written), source=source)
    except MnkbibError as exc:  # pragma: no cover - emitter bug
        raise StoreError(f"internal error: new entries would not read back ({exc})") from None
    agains = []
    for entry, raw, _ in written:
        try:
            again = entry_from_raw(entry.key, data[entry.key], entry.key)
        except (MnkbibError, KeyError, TypeError) as exc:  # pragma: no cover - emitter bug
            raise StoreError(
                f"internal error: entry {entry.key!r} would not read back ({exc})"
            ) from None
        raw_again = entry_to_raw(again)
        # Equal raw values are equal as text too; only a difference is looked at closer.
        if raw_again != raw and _plain(raw_again) != _plain(raw):  # pragma: no cover
            raise StoreError(f"internal error: entry {entry.key!r} would not read back the same")
        agains.append(again)
    return agains


def _plain(value: Any) -> Any:
    """Scalars as the text YAML holds them (``1`` and ``"1"`` alike)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value is None else str(value)


def file_state(path: Path) -> tuple[int, ...] | None:
    """What a write by any program changes: inode, size, modification and change times
    (the change time cannot be set back by a program). None when there is no file."""
    try:
        return _state_of(os.stat(path))
    except FileNotFoundError:
        return None


def _state_of(st: os.stat_result) -> tuple[int, ...]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def atomic_write(
    path: Path,
    text: str | bytes | Sequence[Piece],
    *,
    expect: tuple[int, ...] | None = None,
    meanwhile: Callable[[bytes], None] | None = None,
) -> bytes:
    """Write to a temporary file beside ``path``, fsync, rename over ``path``; the bytes
    written (given pieces, mapped from the new file when large: see mnkbib.filebytes).

    ``expect``: the :func:`file_state` of ``path`` when it was read. If another program
    (an editor, a sync client: they do not take mnkbib's lock) wrote the file since, the
    rename would silently throw its change away: nothing is written then, and a
    StoreError says so. Pieces ``Kept`` from the file as read are copied from it by the
    kernel (:mod:`mnkbib.piecewrite`) when it is still the file ``expect`` describes.

    ``meanwhile(bytes written)`` runs while the disk syncs them (tens of milliseconds
    for a large file): for the cache, which holds nothing that is not checked against
    the file's bytes when it is read, so an error in it is no error of the write."""
    from mnkbib.filebytes import read_fd

    if isinstance(text, str):
        text = text.encode("utf-8")
    pieces = [text] if isinstance(text, bytes) else text
    directory = path.parent
    changed = StoreError(
        f"{path}: changed on disk while mnkbib was writing it (saved by another "
        "program?); the library is as that program left it: run the command again"
    )
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise StoreError(
            f"{path}: cannot write: {exc.strerror}; the library is unchanged"
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            try:
                with _opened_as(path, expect, pieces) as source:
                    write_pieces(handle.fileno(), pieces, source)
            except SourceShrank:
                os.unlink(tmp)
                raise changed from None
            written = text if isinstance(text, bytes) else read_fd(handle.fileno())
            _fsync_while(handle.fileno(), meanwhile, written)
        try:
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        except FileNotFoundError:
            os.chmod(tmp, 0o644)
        if expect is not None and file_state(path) != expect:
            os.unlink(tmp)
            raise changed
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise StoreError(
            f"{path}: cannot write: {exc.strerror}; the library is unchanged"
        ) from None
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:  # pragma: no cover - some file systems cannot fsync a directory
        pass
    return written


@contextmanager
def _opened_as(
    path: Path, expect: tuple[int, ...] | None, pieces: Sequence[Piece]
) -> Iterator[int | None]:
    """``path`` open for reading when pieces are kept from it and it is still the file
    ``expect`` describes (no other program replaced or rewrote it); else None."""
    if expect is None or not any(isinstance(p, Kept) for p in pieces):
        yield None
        return
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except OSError:
        yield None
        return
    try:
        yield fd if _state_of(os.fstat(fd)) == expect else None
    finally:
        os.close(fd)


def _fsync_while(fd: int, meanwhile: Callable[[bytes], None] | None, written: bytes) -> None:
    """fsync ``fd``, running ``meanwhile(written)`` at the same time (fsync lets other
    threads run while it waits for the disk)."""
    if meanwhile is None:
        os.fsync(fd)
        return
    import threading

    failed: list[OSError] = []

    def sync() -> None:
        try:
            os.fsync(fd)
        except OSError as exc:
            failed.append(exc)

    syncing = threading.Thread(target=sync)
    syncing.start()
    try:
        meanwhile(written)
    except Exception:  # the cache is best effort (see atomic_write)
        pass
    finally:
        syncing.join()
    if failed:
        raise failed[0]


def remove_stale_temp_files(path: Path) -> None:
    """Delete ``.NAME.*.tmp`` files a killed writer left behind (call with the lock held:
    then no live writer can own one)."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


class Store:
    """One library file."""

    def __init__(self, path: Path | str) -> None:
        given = Path(path)
        self.path = given.resolve() if given.is_symlink() else given
        self.source = str(given)

    def snapshot(self) -> Snapshot:
        from mnkbib.cache import cached_parse

        return cached_parse(self.path, self.source, parse_library)

    def read(self) -> Library:
        return self._library(self.snapshot())

    def _library(self, snap: Snapshot) -> Library:
        """The library of a snapshot; when the cache mapped it, its overview comes from
        the listing index (mnkbib.listindex) instead of loading every entry."""
        if snap.fmap is None:
            return Library(snap.entries)

        def rows() -> Sequence[Any]:
            from mnkbib.listindex import rows

            return rows(self, snap)

        return Library(snap.entries, rows=rows)

    @contextmanager
    def edit(self, on_wait: Callable[[str], None] | None = None) -> Iterator[Library]:
        """Lock, read fresh, let the caller change the library, write only the changes."""
        if not self.path.is_file():
            read_text(self.path)  # the StoreError for a missing library or a directory
        from mnkbib.locking import exclusive_lock

        with exclusive_lock(self.path, on_wait=on_wait):
            remove_stale_temp_files(self.path)
            before = file_state(self.path)  # before reading: a write during the read shows
            snap = self.snapshot()
            library = self._library(snap)
            yield library
            if library.changes:
                new = render_checked(snap, library.changes, self.source)
                if not os.stat(self.path).st_mode & 0o222:
                    raise StoreError(
                        f"{self.source}: the library file is read-only; the library is unchanged"
                    )
                from mnkbib.cache import remember

                keys = list(library.entries)

                def cache(written: bytes) -> None:  # while the new file syncs
                    remember(self.path, written, keys, snap, new.fresh, new.changed)

                atomic_write(self.path, new.pieces, expect=before, meanwhile=cache)

    @staticmethod
    def init(path: Path | str) -> Path:
        target = Path(path)
        if target.exists():
            raise StoreError(f"{target}: exists already; not overwritten")
        if not target.parent.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, HEADER)
        return target


def format_library(store: Store, *, dry_run: bool = False) -> bool:
    """Rewrite the file in canonical layout; True if that changes it."""
    from mnkbib.locking import exclusive_lock
    from mnkbib.yamlemit import emit_entry

    with exclusive_lock(store.path):
        before = file_state(store.path)
        text = read_text(store.path)
        snap = parse_library(text, store.source)
        blocks = "".join(emit_entry(e.key, entry_to_raw(e)) for e in snap.entries.values())
        new = HEADER + blocks
        if new == text:
            return False
        if not dry_run:
            atomic_write(store.path, new, expect=before)
        return True
