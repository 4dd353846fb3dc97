"""Import -> export -> import over real .bib files, field by field.

``python -m tests.formats.roundtrip`` prints, per file and dialect, how many entries
and fields came back unchanged.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mnkbib.formats import decode_bytes, get_format
from mnkbib.model import Entry

CORPUS = Path(__file__).parent / "data" / "corpus"
TEXLIVE_FILES = ("biblatex-examples.bib", "xampl.bib")


def corpus_files() -> list[Path]:
    files = sorted(CORPUS.glob("*.bib"))
    kpsewhich = shutil.which("kpsewhich")
    if kpsewhich:
        for name in TEXLIVE_FILES:
            found = subprocess.run([kpsewhich, name], capture_output=True, text=True).stdout.strip()
            if found:
                files.append(Path(found))
    return files


@dataclass
class Report:
    name: str
    dialect: str
    entries: int = 0
    entries_same: int = 0
    fields: int = 0
    fields_same: int = 0
    differences: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.name:32} {self.dialect:8} entries {self.entries_same}/{self.entries}  "
            f"fields {self.fields_same}/{self.fields}"
        )


def _norm(value: Any) -> Any:
    return value


def compare(name: str, dialect: str, before: list[Entry], after: list[Entry]) -> Report:
    report = Report(name, dialect, entries=len(before))
    by_key = {}
    for e in after:
        by_key.setdefault(e.key, e)
    seen: set[str] = set()
    for entry in before:
        if entry.key in seen:  # a duplicate key: compare the first only
            report.entries -= 1
            continue
        seen.add(entry.key)
        other = by_key.get(entry.key)
        report.fields += len(entry.fields) + 1
        if other is None:
            report.differences.append(f"{entry.key}: missing")
            continue
        same = 0
        if other.type == entry.type:
            same += 1
        else:
            report.differences.append(f"{entry.key}: type {entry.type} -> {other.type}")
        for fname, value in entry.fields.items():
            if _norm(other.fields.get(fname)) == _norm(value):
                same += 1
            else:
                report.differences.append(
                    f"{entry.key}: {fname}: {value!r} -> {other.fields.get(fname)!r}"
                )
        extra = set(other.fields) - set(entry.fields)
        for fname in sorted(extra):
            report.differences.append(f"{entry.key}: {fname}: added {other.fields[fname]!r}")
        report.fields_same += same
        if same == len(entry.fields) + 1 and not extra:
            report.entries_same += 1
    return report


def round_trip(path: Path, dialect: str) -> Report:
    text, _ = decode_bytes(path.read_bytes())
    fmt = get_format(dialect)
    first = fmt.read(text, str(path))
    written = fmt.write(first.entries)
    second = fmt.read(written.text, "written")
    return compare(path.name, dialect, first.entries, second.entries)


def main() -> int:
    total_bad = 0
    for path in corpus_files():
        for dialect in ("bibtex", "biblatex"):
            report = round_trip(path, dialect)
            print(report.line())
            for diff in report.differences:
                print("    " + diff)
            total_bad += len(report.differences)
    return 1 if total_bad else 0


if __name__ == "__main__":
    sys.exit(main())
