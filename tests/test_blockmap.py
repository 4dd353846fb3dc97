"""The file map: diff() of a map and new bytes gives exactly what mapping the new bytes does."""

from __future__ import annotations

import xxhash
from hypothesis import given, settings
from hypothesis import strategies as st

from mnkbib import blockmap
from mnkbib.blockmap import (
    FileMap,
    block_end,
    build_map,
    diff,
    diff_maps,
    kept_runs,
    split_blocks,
)
from mnkbib.document import scan

ENTRY_LINES = [
    "    type: book",
    "    title: A",
    "    - x",
    "      deep",
    "",
    "# c",
    "  # c",
    "    # c",
    "   odd",
    "    note: |",
    "\t# c",
]
EDIT_LINES = [*ENTRY_LINES, "  key:", "  k2: v", '  "q k": 1', "  ü:", "footer: 1", "  #x:"]


def library(blocks: list[list[str]]) -> list[str]:
    lines = ["mnkbib: 1", "entries:"]
    for i, body in enumerate(blocks):
        lines.append(f"  key{i}:")
        lines.extend(body)
    return lines


def text_of(lines: list[str], final_newline: bool = True) -> bytes:
    return ("\n".join(lines) + ("\n" if final_newline else "")).encode("utf-8")


def assert_same_map(got: FileMap, data: bytes) -> None:
    want = build_map(data)
    assert want is not None
    assert got.blocks == want.blocks
    assert got.keys == want.keys
    assert got.digests == want.digests
    assert got.size == len(data)
    assert got.matches(data)
    assert got.lines == [
        data.count(b"\n", got.span(got.bounds[j])[0], got.span(got.bounds[j + 1] - 1)[1])
        for j in range(len(got.hashes))
    ]
    # every run's hash is the hash of its bytes
    assert got.bounds[0] == 0 and got.bounds[-1] == len(got)
    for j, h in enumerate(got.hashes):
        s = got.span(got.bounds[j])[0]
        e = got.span(got.bounds[j + 1] - 1)[1]
        assert xxhash.xxh3_128(data[s:e]).digest() == h


blocks_strategy = st.lists(st.lists(st.sampled_from(ENTRY_LINES), max_size=4), max_size=40)


@settings(max_examples=300, deadline=None)
@given(
    blocks_strategy,
    st.data(),
    st.integers(min_value=1, max_value=8),
)
def test_diff_gives_what_a_new_map_gives(
    blocks: list[list[str]], data: st.DataObject, run: int
) -> None:
    blockmap.CHUNK = run  # small runs: every case of kept and cut runs
    try:
        lines = library(blocks)
        old = build_map(text_of(lines))
        assert old is not None
        new_lines = list(lines)
        for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
            at = data.draw(st.integers(min_value=2, max_value=len(new_lines)))
            action = data.draw(st.sampled_from(["insert", "delete", "replace"]))
            if action == "insert":
                new_lines.insert(at, data.draw(st.sampled_from(EDIT_LINES)))
            elif at < len(new_lines):
                if action == "delete":
                    del new_lines[at]
                else:
                    new_lines[at] = data.draw(st.sampled_from(EDIT_LINES))
        new = text_of(new_lines, data.draw(st.booleans()))
        patch = diff(old, new)
        assert old.matches(new) == (new == text_of(lines))
        if patch is None:
            return
        assert_same_map(patch.map, new)
        # told where the bytes changed, diff gives the same without hashing the rest
        old_text = text_of(lines)
        shorter = min(len(old_text), len(new))
        if old_text != new:
            lo = next((i for i in range(shorter) if old_text[i] != new[i]), shorter)
            same_end = 0
            while same_end < shorter - lo and old_text[-1 - same_end] == new[-1 - same_end]:
                same_end += 1
            hinted = diff(old, new, (lo, len(old_text) - same_end))
            assert hinted is not None
            assert_same_map(hinted.map, new)
        assert patch.apply(old.keys, [patch.map.keys[i] for i in patch.middle]) == patch.map.keys
        assert_kept_runs_are_old_runs(old, patch)
        # kept blocks are the same bytes
        for i in range(patch.head):
            s, e = old.span(i)
            assert patch.map.span(i)[1] - patch.map.span(i)[0] == e - s
    finally:
        blockmap.CHUNK = 256


def books(n: int) -> tuple[bytes, FileMap]:
    """A library of ``n`` books titled T0, T1 …, and its map."""
    data = text_of(library([["    type: book", f"    title: T{i}"] for i in range(n)]))
    fmap = build_map(data)
    assert fmap is not None
    return data, fmap


def test_one_edit_among_many_cuts_few_blocks() -> None:
    data, old = books(5000)
    new = data.replace(b"title: T2500\n", b"title: Changed\n    note: x\n")
    patch = diff(old, new)
    assert patch is not None
    assert len(patch.middle) <= 2 * blockmap.CHUNK
    assert_same_map(patch.map, new)
    appended = data + b"  added:\n    type: book\n"
    patch = diff(old, appended)
    assert patch is not None and patch.tail == 0 and len(patch.middle) <= blockmap.CHUNK + 1
    assert_same_map(patch.map, appended)


def test_no_patch_for_a_changed_header_or_other_breaks() -> None:
    data = text_of(library([["    title: A"], ["    title: B"]]))
    old = build_map(data)
    assert old is not None
    assert diff(old, b"# note\n" + data) is None
    assert diff(old, data.replace(b"title: B", b"title: B\x0bC")) is None
    assert diff(old, data.replace(b"  key1:", b"key1:")) is None
    same = diff(old, data)
    assert same is not None and same.map is old and not same.middle


@settings(max_examples=200, deadline=None)
@given(blocks_strategy, st.booleans())
def test_block_end_is_where_scan_ends_a_block(blocks: list[list[str]], newline: bool) -> None:
    data = text_of(library(blocks), newline)
    split = split_blocks(data)
    assert split is not None
    layout = scan(data.decode("utf-8"))
    line_starts = [0]
    for line in layout.lines:
        line_starts.append(line_starts[-1] + len(line.encode("utf-8")))
    spans = split.spans()
    for (start, limit), blk in zip(spans, layout.blocks, strict=True):
        assert block_end(data, start, limit, split.indent) == line_starts[blk.end]


def test_same_bytes_compares_maps_without_the_file() -> None:
    data = text_of(library([["    title: A"], ["    title: B"]] * 300))
    one, two = build_map(data), build_map(data)
    assert one is not None and two is not None and one.same_bytes(two)
    changed = build_map(data.replace(b"title: B", b"title: C", 1))
    assert changed is not None and not one.same_bytes(changed)


@settings(max_examples=300, deadline=None)
@given(blocks_strategy, st.data(), st.integers(min_value=1, max_value=8))
def test_diff_of_two_maps_keeps_only_equal_blocks(
    blocks: list[list[str]], data: st.DataObject, run: int
) -> None:
    blockmap.CHUNK = run
    try:
        lines = library(blocks)
        old = build_map(text_of(lines))
        assert old is not None
        new_lines = list(lines)
        for _ in range(data.draw(st.integers(min_value=0, max_value=3))):
            at = data.draw(st.integers(min_value=2, max_value=len(new_lines)))
            if data.draw(st.booleans()):
                new_lines.insert(at, data.draw(st.sampled_from(EDIT_LINES)))
            elif at < len(new_lines):
                del new_lines[at]
        new_data = text_of(new_lines)
        new = build_map(new_data)
        patch = diff_maps(old, new) if new is not None else None
        if patch is None:
            return
        assert patch.map is new
        # the kept blocks are the same blocks, at the start and at the end
        assert old.digests[: patch.head] == new.digests[: patch.head]
        if patch.tail:
            assert old.digests[-patch.tail :] == new.digests[-patch.tail :]
            assert old.keys[-patch.tail :] == new.keys[-patch.tail :]
        assert patch.apply(old.digests, new.digests[patch.middle.start : patch.middle.stop]) == (
            new.digests
        )
        assert_kept_runs_are_old_runs(old, patch)
    finally:
        blockmap.CHUNK = 256


def assert_kept_runs_are_old_runs(old: FileMap, patch: blockmap.Patch) -> None:
    """kept_runs gives, in order, runs of the middle that are the same blocks as runs of
    the old middle, each old block at most once."""
    new = patch.map
    kept = kept_runs(old, patch)
    assert [a for a, _, _ in kept] == sorted(a for a, _, _ in kept)
    used: set[int] = set()
    for a, b, n in kept:
        assert patch.middle.start <= a and a + n <= patch.middle.stop
        assert patch.old_middle.start <= b and b + n <= patch.old_middle.stop
        assert new.digests[a : a + n] == old.digests[b : b + n]
        assert new.keys[a : a + n] == old.keys[b : b + n]
        assert used.isdisjoint(range(b, b + n))
        used.update(range(b, b + n))


def test_two_edits_far_apart_leave_the_runs_between_kept() -> None:
    data, old = books(3000)
    top = data.replace(b"title: T5\n", b"title: Changed\n    note: x\n")
    first = diff(old, top)
    assert first is not None
    end = top + b"  added:\n    type: book\n"
    second = diff(first.map, end)
    assert second is not None
    patch = diff_maps(old, second.map)
    assert patch is not None
    assert len(patch.middle) > 2500  # one middle from the top to the end
    assert_kept_runs_are_old_runs(old, patch)
    kept = sum(n for _, _, n in kept_runs(old, patch))
    assert len(patch.middle) - kept <= 2 * blockmap.CHUNK + 1  # the two edited runs
