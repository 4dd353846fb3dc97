"""Locators in citations: "12", "101–9", "chap. 3", "n. 14" (CMOS 14.148–14.154)."""

from __future__ import annotations

from .chicago_text import page_range

# label -> (singular, plural) abbreviation; "page" prints the number alone
LABELS: dict[str, tuple[str, str]] = {
    "page": ("", ""),
    "book": ("bk.", "bks."),
    "chapter": ("chap.", "chaps."),
    "column": ("col.", "cols."),
    "figure": ("fig.", "figs."),
    "folio": ("fol.", "fols."),
    "issue": ("no.", "nos."),
    "line": ("line", "lines"),
    "note": ("n.", "nn."),
    "opus": ("op.", "opp."),
    "paragraph": ("para.", "paras."),
    "part": ("pt.", "pts."),
    "section": ("sec.", "secs."),
    "sub-verbo": ("s.v.", "s.vv."),
    "verse": ("v.", "vv."),
    "volume": ("vol.", "vols."),
}


def is_plural(locator: str) -> bool:
    return any(mark in locator for mark in ("-", "\u2013", ",", "&"))


def format_locator(locator: str, label: str = "page") -> str:
    value = page_range(locator.strip())
    single, plural = LABELS.get(label, (label, label))
    term = plural if is_plural(value) else single
    return f"{term} {value}" if term else value
