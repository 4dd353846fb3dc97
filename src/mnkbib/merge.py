"""Three-way merge of library files, entry by entry and field by field. Pure: text in, text out.

``git merge`` of two branches that both changed a library file calls
``mnkbib merge-driver`` (see ``mnkbib git-setup``), which calls :func:`merge_libraries`
with the common ancestor, our version and their version. Git's own line merge
conflicts whenever both branches append an entry at the end of the file; merging
per entry does not:

* an entry added on one side, or on both sides under different keys, is kept
  (ours in place; theirs appended in their file order);
* an entry removed on one side and unchanged on the other is removed;
* an entry changed on one side only takes that change; changed on both sides in
  different fields, both changes are taken; renamed on one side (same content
  under a new key) and changed on the other, it is renamed and changed;
* a true conflict — one field of one entry changed differently on both sides, or
  an entry removed on one side and changed on the other — is reported per field
  and written as git conflict markers around *that entry only*: our version of
  the entry between ``<<<<<<< ours`` and ``=======``, theirs between ``=======``
  and ``>>>>>>> theirs``. Each version is a complete entry with every
  non-conflicting change merged in, so resolving means deleting one version and
  the three marker lines. Until then the file does not read as a library, so no
  command silently uses or drops either value.

Entries the merge does not change keep our bytes exactly (comments included):
the result is our file with only the affected entries' lines replaced.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from mnkbib.document import _ENTRIES_LINE, Layout, scan
from mnkbib.errors import MnkbibError
from mnkbib.model import Entry, entry_to_raw, order_fields, value_to_raw
from mnkbib.yamlemit import emit_entry

OURS = "ours"
THEIRS = "theirs"
_ABSENT: Any = object()
_EMPTY_ENTRIES = re.compile(
    r"^entries:[ \t]*\{\}", re.MULTILINE
)  # a field (or an entry) that one version does not have


class NotMergeable(MnkbibError):
    """A version cannot be merged per entry (not a valid library, or not one block per key)."""


@dataclass(frozen=True, slots=True)
class Conflict:
    """Both sides changed one field of one entry differently (``field`` None: the whole entry)."""

    key: str
    field: str | None
    ours: str
    theirs: str

    def __str__(self) -> str:
        where = f"{self.key}.{self.field}" if self.field else self.key
        return f"conflict: {where}: ours {self.ours} / theirs {self.theirs}"


@dataclass(slots=True)
class MergeResult:
    text: str
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.conflicts


@dataclass(slots=True)
class _Side:
    """One version of the library file."""

    name: str
    text: str
    layout: Layout
    entries: dict[str, Entry]


@dataclass(slots=True)
class _Outcome:
    """What the merge made of one entry: removed, one clean entry, or two conflicting versions."""

    ours: Entry | None
    theirs: Entry | None
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.conflicts


def merge_libraries(
    base: str,
    ours: str,
    theirs: str,
    *,
    source: str = "library",
    marker_size: int = 7,
) -> MergeResult:
    """Merge ``ours`` and ``theirs`` (both descended from ``base``); raises NotMergeable.

    ``base`` may be empty (the file was added on both branches).
    """
    b = _side("ancestor", base, source, allow_empty=True)
    o = _side(OURS, ours, source)
    t = _side(THEIRS, theirs, source)
    o_renames = _renames(b.entries, o.entries)
    t_renames = _renames(b.entries, t.entries)
    o_view = _view(o.entries, o_renames)
    t_view = _view(t.entries, t_renames)

    outcomes: dict[str, _Outcome] = {}
    for ident in dict.fromkeys([*b.entries, *o_view, *t_view]):
        outcomes[ident] = _merge_entry(
            ident, b.entries.get(ident), o_view.get(ident), t_view.get(ident)
        )

    conflicts: list[Conflict] = []
    eol = _eol(o.layout)
    pre, pre_conflict = _merge_text(_preamble(b), _preamble(o), _preamble(t), marker_size, eol)
    post, post_conflict = _merge_text(_footer(b), _footer(o), _footer(t), marker_size, eol)
    if pre_conflict:
        conflicts.append(Conflict("(file header)", None, "changed it", "changed it differently"))
    text = _render(b, o, t, outcomes, (o_renames, t_renames), pre, post, marker_size)
    for outcome in outcomes.values():
        conflicts.extend(outcome.conflicts)
    if post_conflict:
        conflicts.append(Conflict("(file footer)", None, "changed it", "changed it differently"))
    _verify(text, outcomes, conflicts, source, marker_size)
    return MergeResult(text, conflicts)


# ---------------------------------------------------------------------------
# Reading the three versions


def _side(name: str, text: str, source: str, *, allow_empty: bool = False) -> _Side:
    from mnkbib.store import parse_library

    if allow_empty and not text.strip():
        return _Side(name, text, scan(text), {})
    try:
        snap = parse_library(text, f"{source} ({name})")
    except MnkbibError as exc:
        raise NotMergeable(f"{name}: {exc.message}") from None
    if snap.layout.keys != list(snap.entries):
        raise NotMergeable(
            f"{name}: entries are not written one block per key (run `mnkbib fmt` on both branches)"
        )
    return _Side(name, text, snap.layout, snap.entries)


def _renames(base: dict[str, Entry], side: dict[str, Entry]) -> dict[str, str]:
    """Base key -> new key, for entries a side renamed without changing anything else."""
    added = [k for k in side if k not in base]
    out: dict[str, str] = {}
    for old in base:
        if old in side:
            continue
        for new in added:
            if new not in out.values() and side[new].renamed(old) == base[old]:
                out[old] = new
                break
    return out


def _view(entries: dict[str, Entry], renames: dict[str, str]) -> dict[str, Entry]:
    """A side's entries under their base keys (renamed entries keep their new key inside)."""
    back = {new: old for old, new in renames.items()}
    return {back.get(key, key): entry for key, entry in entries.items()}


# ---------------------------------------------------------------------------
# Merging one entry


def _fields(entry: Entry) -> dict[str, Any]:
    return {"key": entry.key, "type": entry.type, **entry.fields}


def _entry(fields: dict[str, Any]) -> Entry:
    rest = {k: v for k, v in fields.items() if k not in ("key", "type")}
    return Entry(fields["key"], fields["type"], order_fields(rest))


def _merge_entry(ident: str, b: Entry | None, o: Entry | None, t: Entry | None) -> _Outcome:
    if o == t:
        return _Outcome(o, t)
    if b is not None and o is None:
        if t == b:
            return _Outcome(None, None)
        return _Outcome(None, t, [Conflict(ident, None, "removed it", _changed(b, t))])
    if b is not None and t is None:
        if o == b:
            return _Outcome(None, None)
        return _Outcome(o, None, [Conflict(ident, None, _changed(b, o), "removed it")])
    if o is None or t is None:  # added on one side only
        return _Outcome(o if o is not None else t, o if o is not None else t)
    bf = _fields(b) if b is not None else {}
    of, tf = _fields(o), _fields(t)
    merged_o: dict[str, Any] = {}
    merged_t: dict[str, Any] = {}
    conflicts: list[Conflict] = []
    for name in dict.fromkeys([*of, *tf]):
        bv, ov, tv = bf.get(name, _ABSENT), of.get(name, _ABSENT), tf.get(name, _ABSENT)
        if ov == tv or tv == bv:
            pick_o = pick_t = ov
        elif ov == bv:
            pick_o = pick_t = tv
        else:
            pick_o, pick_t = ov, tv
            conflicts.append(Conflict(ident, name, _brief(name, ov), _brief(name, tv)))
        if pick_o is not _ABSENT:
            merged_o[name] = pick_o
        if pick_t is not _ABSENT:
            merged_t[name] = pick_t
    return _Outcome(_entry(merged_o), _entry(merged_t), conflicts)


def _changed(b: Entry, side: Entry | None) -> str:
    if side is None:
        return "removed it"
    bf, sf = _fields(b), _fields(side)
    names = [n for n in dict.fromkeys([*bf, *sf]) if bf.get(n, _ABSENT) != sf.get(n, _ABSENT)]
    return f"changed it ({', '.join(names)})"


def _brief(name: str, value: Any, limit: int = 80) -> str:
    if value is _ABSENT:
        return "(no such field)"
    raw = value if name in ("key", "type") else value_to_raw(name, value)
    text = json.dumps(raw, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------------
# Header and footer: the lines before the first entry and after the entries section


def _preamble_end(layout: Layout) -> int:
    if layout.blocks:
        return layout.blocks[0].start
    if layout.entries_line is not None:
        return layout.entries_line + 1
    return len(layout.lines)


def _preamble(side: _Side) -> str:
    return "".join(side.layout.lines[: _preamble_end(side.layout)])


def _footer(side: _Side) -> str:
    layout = side.layout
    if layout.entries_line is None:
        return ""
    return "".join(layout.lines[layout.section_end :])


def _merge_text(b: str, o: str, t: str, marker_size: int, eol: str) -> tuple[str, bool]:
    """Three-way merge of a header or footer as a whole (line ends and ``{}`` ignored)."""
    nb, no, nt = _normal(b), _normal(o), _normal(t)
    if no == nt or nt == nb:
        return o, False
    theirs = t.replace("\r\n", "\n").replace("\n", eol) if eol != "\n" else t.replace("\r\n", "\n")
    if no == nb:
        return theirs, False
    return _markers(o, theirs, marker_size, eol), True


def _normal(text: str) -> str:
    return _EMPTY_ENTRIES.sub("entries:", text.replace("\r\n", "\n"))


def _markers(ours: str, theirs: str, marker_size: int, eol: str = "\n") -> str:
    def ended(text: str) -> str:
        return text if not text or text.endswith("\n") else text + eol

    return (
        f"{'<' * marker_size} {OURS}{eol}{ended(ours)}"
        f"{'=' * marker_size}{eol}{ended(theirs)}"
        f"{'>' * marker_size} {THEIRS}{eol}"
    )


# ---------------------------------------------------------------------------
# Writing the result: our file with only the affected entries' lines replaced


def _render(
    b: _Side,
    o: _Side,
    t: _Side,
    outcomes: dict[str, _Outcome],
    renames: tuple[dict[str, str], dict[str, str]],
    pre: str,
    post: str,
    marker_size: int,
) -> str:
    layout = o.layout
    lines = layout.lines
    eol = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    indent = layout.indent
    o_back = {new: old for old, new in renames[0].items()}
    t_back = {new: old for old, new in renames[1].items()}
    o_blocks = {blk.key: blk.text(lines) for blk in layout.blocks}
    b_blocks = {blk.key: blk.text(b.layout.lines) for blk in b.layout.blocks}
    t_blocks = {}
    if t.layout.indent == indent and _eol(t.layout) == eol:
        t_blocks = {blk.key: blk.text(t.layout.lines) for blk in t.layout.blocks}

    def version(entry: Entry | None, own: dict[str, Entry], blocks: dict[str, str]) -> str:
        if entry is None:
            return ""
        if own.get(entry.key) == entry and entry.key in blocks:
            return blocks[entry.key]
        text = emit_entry(entry.key, entry_to_raw(entry), indent)
        return text.replace("\n", eol) if eol != "\n" else text

    def piece(outcome: _Outcome) -> str:
        if outcome.clean:
            entry = outcome.ours
            if entry is not None and o.entries.get(entry.key) != entry:
                return version(entry, t.entries, t_blocks)  # taken from theirs: their bytes
            if entry is not None and entry.key in t_blocks and t.entries[entry.key] == entry:
                # the same entry on both sides: if only they edited its lines (a comment,
                # quoting), take their lines
                mine, base_text = o_blocks.get(entry.key), b_blocks.get(entry.key)
                if mine == base_text and t_blocks[entry.key] != base_text:
                    return t_blocks[entry.key]
            return version(entry, o.entries, o_blocks)
        return _markers(
            version(outcome.ours, o.entries, o_blocks),
            version(outcome.theirs, t.entries, t_blocks),
            marker_size,
            eol,
        )

    # Entries that are not in our file go at the end, in their file order.
    in_ours = {o_back.get(k, k) for k in o.entries}
    later = [t_back.get(k, k) for k in t.entries] + list(outcomes)
    appended = "".join(piece(outcomes[i]) for i in dict.fromkeys(later) if i not in in_ours)

    body: list[str] = []
    starts = {blk.start: blk for blk in layout.blocks}
    first = _preamble_end(layout)
    insert_at = layout.blocks[-1].end if layout.blocks else first
    i = first
    while True:
        if i == insert_at and appended:
            if body and not body[-1].endswith("\n"):
                body[-1] += eol
            body.append(appended)
        if i >= layout.section_end:
            break
        blk = starts.get(i)
        if blk is not None:
            body.append(piece(outcomes[o_back.get(blk.key, blk.key)]))
            i = blk.end
            continue
        body.append(lines[i])
        i += 1
    if any(out.ours is not None or out.theirs is not None for out in outcomes.values()):
        pre = _open_entries(pre, eol)
    text = pre + "".join(body)
    if post and text and not text.endswith("\n"):
        text += eol
    return text + post


def _eol(layout: Layout) -> str:
    return "\r\n" if layout.lines and layout.lines[0].endswith("\r\n") else "\n"


def _open_entries(pre: str, eol: str) -> str:
    """The header with an ``entries:`` line that can take entries below it."""
    out = pre.splitlines(keepends=True)
    for i, line in enumerate(out):
        m = _ENTRIES_LINE.match(line)
        if m:
            if m.group(1):  # entries: {}
                out[i] = "entries:" + eol
            elif not line.endswith("\n"):
                out[i] = line + eol
            return "".join(out)
    if out and not out[-1].endswith("\n"):
        out[-1] += eol
    return "".join(out) + "entries:" + eol


# ---------------------------------------------------------------------------
# Safety net: the result must read back as exactly what was merged


def take_side(text: str, side: str, marker_size: int = 7) -> str:
    """Resolve every conflict in ``text`` by keeping ``side`` (``ours`` or ``theirs``)."""
    start, middle, end = "<" * marker_size + " ", "=" * marker_size, ">" * marker_size + " "
    out: list[str] = []
    state = None
    for line in text.splitlines(keepends=True):
        bare = line.rstrip("\r\n")
        if state is None and line.startswith(start):
            state = OURS
            continue
        if state == OURS and bare == middle:
            state = THEIRS
            continue
        if state == THEIRS and line.startswith(end):
            state = None
            continue
        if state is None or state == side:
            out.append(line)
    return "".join(out)


def _verify(
    text: str,
    outcomes: dict[str, _Outcome],
    conflicts: list[Conflict],
    source: str,
    marker_size: int,
) -> None:
    from mnkbib.store import parse_library

    for side in (OURS, THEIRS):
        resolved = take_side(text, side, marker_size) if conflicts else text
        try:
            got = parse_library(resolved, source).entries
        except MnkbibError as exc:
            raise NotMergeable(f"the merged file would not read back ({exc.message})") from None
        want: dict[str, Entry] = {}
        for outcome in outcomes.values():
            entry = outcome.ours if side == OURS else outcome.theirs
            if entry is not None:
                if entry.key in want:
                    raise NotMergeable(
                        f"both sides now use the key {entry.key!r} for different entries"
                    )
                want[entry.key] = entry
        if got != want:
            raise NotMergeable("the merged file would not read back as merged")
        if not conflicts:
            return
