"""The cyclic garbage collector paused while many long-lived objects are made."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block.

    Building a reference list or importing a file allocates tens of thousands of small,
    acyclic objects and frees few: the collector would walk them, and the whole library,
    again and again (a tenth to a third of such a command's time), and find nothing to
    free. Reference counting frees what is dropped as always. Afterwards what was allocated
    meanwhile is moved out of the young generations without a walk (``gc.freeze``): into
    the oldest generation (``unfreeze``) if nothing was frozen before, else beside what was
    (mnkbib's cache freezes a loaded library).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        # (gc.get_freeze_count() would tell too, but it walks every frozen object: a
        # few milliseconds per call once a large library is frozen)
        gc.freeze()
        if not _frozen:
            gc.unfreeze()
        gc.enable()


_frozen = False  # whether freeze() froze anything in this process


def freeze() -> None:
    """``gc.freeze()``, remembered: what is frozen so stays frozen (see gc_paused)."""
    global _frozen
    gc.freeze()
    _frozen = True
