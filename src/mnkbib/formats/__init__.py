"""Import and export formats: a registry of readers and writers by name.

Each format is one small module with one job; this package only records which
exist, which file suffixes they go with and how to recognise their text.
Formats never import the CLI or the store.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from importlib import import_module
from typing import Any

from mnkbib.errors import UsageError

from .base import Format, Problem, ReadResult, WriteResult

__all__ = [
    "FORMATS",
    "Format",
    "Problem",
    "ReadResult",
    "WriteResult",
    "decode_bytes",
    "format_for_path",
    "get_format",
    "register",
    "sniff",
]

FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    """Add (or replace) a format; the CLI's own formats register themselves the same way."""
    FORMATS[fmt.name] = fmt
    return fmt


def get_format(name: str) -> Format:
    fmt = FORMATS.get(name.strip().lower())
    if fmt is None:
        choices = ", ".join(sorted(FORMATS))
        raise UsageError(f"unknown format {name!r} (choose from: {choices})")
    return fmt


def format_for_path(path: str, *, biblatex: bool = False) -> Format | None:
    """The format a file name's suffix suggests: ``.bib`` is BibTeX (BibLaTeX if asked)."""
    name = os.path.basename(path).lower()
    if name.endswith(".bib"):
        return FORMATS.get("biblatex" if biblatex else "bibtex")
    best: Format | None = None
    best_len = 0
    for fmt in FORMATS.values():
        for suffix in fmt.suffixes:
            if name.endswith(suffix) and len(suffix) > best_len and fmt.read is not None:
                best, best_len = fmt, len(suffix)
    if best is None:
        for fmt in FORMATS.values():
            for suffix in fmt.suffixes:
                if name.endswith(suffix) and len(suffix) > best_len:
                    best, best_len = fmt, len(suffix)
    return best


def sniff(text: str) -> Format | None:
    """The format a text looks like: ``@`` BibTeX, ``[``/``{`` CSL-JSON, ``TY  -`` RIS,
    a YAML list of items with ``id:`` CSL-YAML."""
    body = text.lstrip("\ufeff")
    for raw_line in body.splitlines():
        line = raw_line.strip()
        if not line or line.startswith("%"):
            continue
        if line.startswith("@"):
            return FORMATS.get("bibtex")
        if line.startswith(("[", "{")):
            return FORMATS.get("csl-json")
        if line.startswith("TY  -") or line.startswith("TY -"):
            return FORMATS.get("ris")
        if line in ("---", "references:") or line.startswith(("- id:", "references:")):
            return FORMATS.get("csl-yaml")
        break
    if "\n@" in body or body.lstrip().startswith("@"):
        return FORMATS.get("bibtex")
    return None


def decode_bytes(data: bytes) -> tuple[str, list[Problem]]:
    """A file's text: UTF-8 (with or without BOM), else Windows-1252/Latin-1, reported."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text, [Problem(line, "not UTF-8: read as Latin-1 (Windows-1252)")]


def _lazy(module: str, function: str) -> Callable[..., Any]:
    """``module.function``, imported on the first call: a command that uses one format does
    not pay for importing the others (bibtexparser, PyYAML and pylatexenc take ~0.1 s)."""

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(import_module(f"{__name__}.{module}"), function)(*args, **kwargs)

    call.__name__ = call.__qualname__ = function
    call.__doc__ = f"{__name__}.{module}.{function}, imported on first use."
    return call


def _register_builtin() -> None:
    register(
        Format(
            "bibtex",
            "BibTeX (.bib) for bibtex and classic .bst styles: ASCII with LaTeX escapes",
            (".bib",),
            _lazy("bibtex_read", "read"),
            _lazy("bibtex_write", "write_bibtex"),
        )
    )
    register(
        Format(
            "biblatex",
            "BibLaTeX (.bib) for biber: UTF-8, ISO dates, langid, extended names",
            (".bib",),
            _lazy("bibtex_read", "read"),
            _lazy("bibtex_write", "write_biblatex"),
        )
    )
    register(
        Format(
            "csl-json",
            "CSL-JSON for pandoc, citeproc and Zotero",
            (".json",),
            _lazy("csl_json", "read"),
            _lazy("csl_json", "write"),
        )
    )
    register(
        Format(
            "csl-yaml",
            "CSL-YAML for pandoc",
            (".yaml", ".yml"),
            _lazy("csl_yaml", "read"),
            _lazy("csl_yaml", "write"),
        )
    )
    register(
        Format(
            "ris",
            "RIS for reference managers",
            (".ris",),
            _lazy("ris", "read"),
            _lazy("ris", "write"),
        )
    )


_register_builtin()
