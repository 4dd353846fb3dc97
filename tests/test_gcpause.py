"""The GC pause around bulk allocations, and what it leaves frozen."""

from __future__ import annotations

import gc

import pytest

from mnkbib import gcpause


def test_a_pause_leaves_nothing_frozen_when_nothing_was(monkeypatch: pytest.MonkeyPatch) -> None:
    gc.unfreeze()
    monkeypatch.setattr(gcpause, "_frozen", False)
    with gcpause.gc_paused():
        assert not gc.isenabled()
        made = [[i] for i in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    assert len(made) == 1000


def test_what_was_frozen_stays_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    gc.unfreeze()
    monkeypatch.setattr(gcpause, "_frozen", False)
    kept = [[i] for i in range(1000)]
    gcpause.freeze()
    frozen = gc.get_freeze_count()
    assert frozen >= 1000
    count = gc.get_freeze_count

    def walk() -> int:  # it walks every frozen object: never once per pause
        raise AssertionError("gc_paused counted the frozen objects")

    with monkeypatch.context() as patched:
        patched.setattr(gc, "get_freeze_count", walk)
        with gcpause.gc_paused():
            more = [[i] for i in range(500)]
    assert count() >= frozen + 500  # the new objects joined them
    assert gc.isenabled()
    gc.unfreeze()
    assert len(kept) + len(more) == 1500


def test_a_pause_inside_a_pause_keeps_the_gc_off() -> None:
    gc.disable()
    try:
        with gcpause.gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
