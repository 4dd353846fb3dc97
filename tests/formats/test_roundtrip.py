"""Round trips: real .bib files (import -> export -> import) and generated entries."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from mnkbib.formats import get_format
from mnkbib.model import Entry

from .roundtrip import corpus_files, round_trip
from .strategies import entries


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_corpus_round_trip(path: Path, dialect: str) -> None:
    report = round_trip(path, dialect)
    print(report.line())
    assert report.differences == []
    assert report.entries_same == report.entries > 0


def _again(fmt_name: str, entry: Entry) -> Entry:
    fmt = get_format(fmt_name)
    written = fmt.write([entry])
    result = fmt.read(written.text, "x")
    assert len(result.entries) == 1, written.text
    return result.entries[0]


_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(entries())
def test_bibtex_round_trip(entry: Entry) -> None:
    assert _again("bibtex", entry) == entry


@_SETTINGS
@given(entries())
def test_biblatex_round_trip(entry: Entry) -> None:
    assert _again("biblatex", entry) == entry


@_SETTINGS
@given(entries())
def test_csl_json_round_trip(entry: Entry) -> None:
    assert _again("csl-json", entry) == entry


@_SETTINGS
@given(entries())
def test_csl_yaml_round_trip(entry: Entry) -> None:
    assert _again("csl-yaml", entry) == entry


def _ris_holdable(entry: Entry) -> Entry:
    """What RIS holds: no name flags, one kind of particle."""
    from mnkbib.model import Person

    fields = dict(entry.fields)
    for role in ("author", "editor"):
        if role in fields:
            fields[role] = [
                p
                if p.literal
                else Person(
                    family=p.family,
                    given=" ".join(x for x in (p.given, p.dropping_particle) if x),
                    particle=p.particle,
                    suffix=p.suffix,
                )
                for p in fields[role]
            ]
    return Entry(entry.key, entry.type, fields)


@_SETTINGS
@given(entries(ris=True))
def test_ris_round_trip(entry: Entry) -> None:
    written = get_format("ris").write([entry])
    (back,) = get_format("ris").read(written.text, "x").entries
    expected = _ris_holdable(entry)
    assert back.key == expected.key
    assert back.type == expected.type or f"{entry.key}: field 'type'" in " ".join(written.warnings)
    for name in ("title", "date", "container", "volume", "issue", "publisher", "place", "note",
                 "doi", "url", "tags", "language", "edition", "author", "editor"):  # fmt: skip
        if any(f"field {name!r}" in w for w in written.warnings):
            continue  # a name RIS cannot mark, reported
        assert back.fields.get(name) == expected.fields.get(name), name
    if "pages" in entry.fields and not any("'pages'" in w for w in written.warnings):
        assert back.fields["pages"] == entry.fields["pages"]
