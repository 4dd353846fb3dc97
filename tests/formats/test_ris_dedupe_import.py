"""RIS, the format registry, duplicate detection and import planning."""

from __future__ import annotations

import time

import pytest

from mnkbib.dedupe import duplicate_of, likely_duplicates, normalize_isbn, normalize_url
from mnkbib.errors import UsageError
from mnkbib.formats import FORMATS, format_for_path, get_format, sniff
from mnkbib.importer import plan_import
from mnkbib.library import Library
from mnkbib.model import Entry, entry_from_raw

RIS = (
    """TY  - MGZN
ID  - dierkes2018
AU  - Dierkes, Julian
AU  - Müller, Hans, Jr.
A2  - Berg, Jan
TI  - Reasons
T2  - The Diplomat
VL  - 4
DO  - 10.1234/a_b%c
LA  - en
PY  - 2018
DA  - 2018/03/25/
SP  - 12
EP  - 34
KW  - mongolia
"""
    "ER  - \n\n"
)


def test_ris_golden_both_ways() -> None:
    result = get_format("ris").read(RIS, "x.ris")
    assert result.problems == []
    (entry,) = result.entries
    assert entry == entry_from_raw(
        "dierkes2018",
        {
            "type": "article-magazine",
            "title": "Reasons",
            "author": ["Dierkes, Julian", "Müller, Jr., Hans"],
            "editor": ["Berg, Jan"],
            "container": "The Diplomat",
            "volume": "4",
            "doi": "10.1234/a_b%c",
            "language": "en",
            "date": "2018-03-25",
            "pages": "12-34",
            "tags": ["mongolia"],
        },
    )
    assert get_format("ris").write([entry]).text == RIS


def test_ris_warns_what_it_cannot_hold() -> None:
    entry = entry_from_raw(
        "k", {"type": "speech", "title": "T", "author": ["MENDEE Jargalsaikhan"], "groups": "x"}
    )
    assert get_format("ris").write([entry]).warnings == [
        "k: field 'type': speech is RIS GEN, which reads back as interview",
        "k: field 'author': RIS cannot mark 'MENDEE Jargalsaikhan''s name parts",
        "k: field 'groups': RIS has no tag for it; not written ('x')",
    ]


def test_registry() -> None:
    assert {"bibtex", "biblatex", "csl-json", "csl-yaml", "ris"} <= set(FORMATS)
    assert format_for_path("refs.bib") is FORMATS["bibtex"]
    assert format_for_path("refs.bib", biblatex=True) is FORMATS["biblatex"]
    assert format_for_path("refs.JSON") is FORMATS["csl-json"]
    assert format_for_path("refs.yml") is FORMATS["csl-yaml"]
    assert format_for_path("refs.ris") is FORMATS["ris"]
    assert format_for_path("refs.txt") is None
    assert sniff("% comment\n@article{x,}") is FORMATS["bibtex"]
    assert sniff('  [{"id": "x"}]') is FORMATS["csl-json"]
    assert sniff("TY  - JOUR\n") is FORMATS["ris"]
    assert sniff("---\nreferences:\n") is FORMATS["csl-yaml"]
    assert sniff("hello") is None
    with pytest.raises(
        UsageError,
        match=r"^unknown format 'endnote' \(choose from: biblatex, bibtex, csl-json, csl-yaml, ris",
    ):
        get_format("endnote")


def _e(key: str, **fields: object) -> Entry:
    return entry_from_raw(key, {"type": "article-journal", "title": "T", **fields})


def test_duplicate_of() -> None:
    lib = [
        _e("a", doi="10.1000/ABC"),
        _e("b", isbn="0-306-40615-2"),
        _e("c", url="https://www.example.org/x/"),
        _e("d", title="Über Mongolia!", date="2018", author=["Müller, H."]),
    ]
    assert duplicate_of(_e("x", doi="10.1000/abc"), lib) is lib[0]
    assert duplicate_of(_e("x", isbn="978-0-306-40615-7"), lib) is lib[1]
    assert duplicate_of(_e("x", url="http://example.org/x"), lib) is lib[2]
    assert (
        duplicate_of(_e("x", title="uber mongolia", date="2018", author=["Muller, Hans"]), lib)
        is lib[3]
    )
    assert (
        duplicate_of(_e("x", title="uber mongolia", date="2019", author=["Muller, Hans"]), lib)
        is None
    )
    assert normalize_isbn("0-306-40615-2") == "9780306406157"
    assert normalize_url("HTTPS://WWW.Example.org/x/#top") == "//example.org/x"


def test_likely_duplicates_fast_and_right() -> None:
    entries = [
        _e(
            f"k{i}",
            title=f"A study of topic number {i}",
            date=str(1900 + i % 100),
            author=[f"Author{i % 50}, A."],
        )
        for i in range(10_000)
    ]
    entries.append(
        _e("dup", title="A study of topic number 7.", date="1907", author=["Author7, B."])
    )
    entries.append(_e("doi1", doi="10.1000/x"))
    entries.append(_e("doi2", doi="10.1000/X"))
    start = time.perf_counter()
    pairs = likely_duplicates(entries)
    assert time.perf_counter() - start < 3.0
    assert [(a.key, b.key, why) for a, b, why in pairs] == [
        ("k7", "dup", "same title, year and first author"),
        ("doi1", "doi2", "same DOI"),
    ]


def test_plan_import() -> None:
    a = _e("a", doi="10.1000/x", date="2018")
    library = Library({"a": a})
    incoming = [
        _e("b", doi="10.1000/X", publisher="P", date="2019"),
        _e("a", title="Other"),
        _e("bad key", title="W"),
        _e("new", title="Fresh"),
    ]
    skip = plan_import(library, incoming, "skip")
    assert skip.messages() == [
        "b: skipped, a duplicate of a (same DOI)",
        "a: key is taken; added as anonndother",
        "bad key: key is not a valid citation key; added as anonndw",
    ]
    assert skip.added == ["anonndother", "anonndw", "new"]
    merge = plan_import(library, incoming, "merge")
    assert merge.messages()[0] == (
        "b: merged into a (same DOI); filled: publisher; kept the library's date, doi"
    )
    merge.apply(library)
    assert library.get("a").fields["publisher"] == "P"
    assert library.keys() == ["a", "anonndother", "anonndw", "new"]
    rename = plan_import(Library({"a": a}), incoming[:1], "rename")
    assert rename.added == ["b"]
