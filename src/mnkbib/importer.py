"""Planning an import into a library: what happens to each entry, before anything does.

``plan_import`` decides per entry: added under its own key; added under a new key
(its key clashes or is not a valid citation key — reported); skipped as a duplicate
of a library entry; or merged into that entry (fields the library lacks are filled,
conflicting values reported, the library's kept). ``ImportPlan.apply`` carries the
plan out with ``Library.add`` and ``Library.replace``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from mnkbib.dedupe import DuplicateIndex, identity_keys
from mnkbib.keys import generate_key, is_valid_key, label
from mnkbib.library import Library
from mnkbib.model import Entry, order_fields

OnDuplicate = Literal["skip", "merge", "rename"]


@dataclass(frozen=True)
class ImportStep:
    """One entry's fate. ``action``: ``add``, ``skip`` or ``merge``."""

    action: Literal["add", "skip", "merge"]
    entry: Entry  # as it will be added (with its final key), or the merged library entry
    original_key: str  # the key in the imported file ('' where none)
    target: str | None = None  # the library key skipped for or merged into
    reason: str = ""  # why a duplicate: "same DOI" …
    filled: tuple[str, ...] = ()  # merged: fields taken from the import
    conflicts: tuple[str, ...] = ()  # merged: fields whose values differ (library's kept)

    @property
    def key_changed(self) -> bool:
        """Added under another key than the file gave (an entry without one just gets one)."""
        return (
            self.action == "add" and bool(self.original_key) and self.entry.key != self.original_key
        )

    def message(self) -> str:
        """One line for the user."""
        old = self.original_key or label(self.entry)
        if self.action == "skip":
            return f"{old}: skipped, a duplicate of {self.target} ({self.reason})"
        if self.action == "merge":
            filled = ", ".join(self.filled) or "nothing"
            text = f"{old}: merged into {self.target} ({self.reason}); filled: {filled}"
            if self.conflicts:
                text += f"; kept the library's {', '.join(self.conflicts)}"
            return text
        if not self.original_key:
            return f"added as {self.entry.key}"
        if self.key_changed:
            why = (
                "is not a valid citation key" if not is_valid_key(self.original_key) else "is taken"
            )
            return f"{old}: key {why}; added as {self.entry.key}"
        return f"added as {self.entry.key}"


@dataclass
class ImportPlan:
    steps: list[ImportStep] = field(default_factory=list)

    @property
    def added(self) -> list[str]:
        return [s.entry.key for s in self.steps if s.action == "add"]

    def messages(self) -> list[str]:
        """The steps worth telling: changed keys, skips and merges that changed something
        or found differing values (a merge that found nothing new is only counted)."""
        return [s.message() for s in self.steps if self._worth_telling(s)]

    @staticmethod
    def _worth_telling(step: ImportStep) -> bool:
        if step.action == "add":
            return step.key_changed
        if step.action == "merge":
            return bool(step.filled or step.conflicts)
        return True

    def summary(self) -> str:
        """``2 skipped as duplicates, 3 merged (1 with nothing new)``, or ''."""
        skipped = sum(s.action == "skip" for s in self.steps)
        merged = [s for s in self.steps if s.action == "merge"]
        parts = []
        if skipped:
            parts.append(f"{skipped} skipped as duplicate{'s' if skipped != 1 else ''}")
        if merged:
            idle = sum(not (s.filled or s.conflicts) for s in merged)
            parts.append(f"{len(merged)} merged" + (f" ({idle} with nothing new)" if idle else ""))
        return ", ".join(parts)

    def apply(self, library: Library) -> None:
        for step in self.steps:
            if step.action == "add":
                library.add(step.entry, key=step.entry.key)
            elif step.action == "merge":
                library.replace(step.entry)


def _merge(base: Entry, new: Entry) -> tuple[Entry, tuple[str, ...], tuple[str, ...]]:
    fields = dict(base.fields)
    filled: list[str] = []
    conflicts: list[str] = []
    for name, value in new.fields.items():
        if name not in fields or fields[name] in ("", [], None):
            fields[name] = value
            filled.append(name)
        elif fields[name] != value:
            conflicts.append(name)
    return Entry(base.key, base.type, order_fields(fields)), tuple(filled), tuple(conflicts)


class _Taken:
    """The keys of the library and those given to new entries so far (the library's are
    not copied into a set: adding one entry to 100,000 looks up a handful)."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.new: set[str] = set()

    def __contains__(self, key: object) -> bool:
        return key in self.new or key in self.library

    def add(self, key: str) -> None:
        self.new.add(key)


def plan_import(library: Library, entries: list[Entry], on_duplicate: OnDuplicate) -> ImportPlan:
    """What importing ``entries`` into ``library`` does, entry by entry (nothing is changed).

    ``on_duplicate``: ``skip`` a duplicate of a library entry, ``merge`` it into that entry,
    or ``rename``: add it anyway (under a new key if its key is taken).
    Duplicates within ``entries`` count too: the second of two is a duplicate of the first.
    """
    plan = ImportPlan()
    taken = _Taken(library)
    index = DuplicateIndex(library.overview())
    merged: dict[str, Entry] = {}
    for entry in entries:
        ids = identity_keys(entry)
        found = index.find(entry, ids)
        if found is not None and on_duplicate != "rename":
            target, reason = found
            if on_duplicate == "skip" or target.key not in library:
                plan.steps.append(ImportStep("skip", entry, entry.key, target.key, reason))
                continue
            base = merged.get(target.key) or library.get(target.key)
            result, filled, conflicts = _merge(base, entry)
            merged[target.key] = result
            plan.steps.append(
                ImportStep("merge", result, entry.key, target.key, reason, filled, conflicts)
            )
            index.add(result)
            continue
        key = entry.key
        if not key or not is_valid_key(key) or key in taken:
            key = generate_key(entry, taken)
        taken.add(key)
        added = entry.renamed(key)
        plan.steps.append(ImportStep("add", added, entry.key))
        index.add(added, ids)  # the same identity: keys are no part of it
    # A merge into one entry several times: only the last result is applied.
    last: dict[str, int] = {}
    for i, step in enumerate(plan.steps):
        if step.action == "merge" and step.target is not None:
            last[step.target] = i
    for target_key, i in last.items():
        for j, step in enumerate(plan.steps):
            if step.action == "merge" and step.target == target_key and j != i:
                plan.steps[j] = ImportStep(
                    "merge", plan.steps[i].entry, step.original_key, target_key, step.reason,
                    step.filled, step.conflicts,
                )  # fmt: skip
    return plan
