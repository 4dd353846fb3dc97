"""CSL-JSON and CSL-YAML: golden output, reading, problems, pandoc."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from mnkbib.errors import ParseError
from mnkbib.formats import Problem, get_format
from mnkbib.formats.csl_json import entry_from_csl, entry_to_csl
from mnkbib.model import entry_from_raw

ENTRY = entry_from_raw(
    "dierkes2018reasons",
    {
        "type": "article-magazine",
        "title": "Reasons",
        "subtitle": "Why Mongolia",
        "author": ["Dierkes, Julian", "MENDEE Jargalsaikhan", "Jan van der Berg", "{World Bank}"],
        "date": "2018-03-25",
        "container": "The Diplomat",
        "pages": "12-34",
        "language": "en",
        "doi": "10.1234/a_b%c",
        "tags": ["mongolia", "politics"],
        "versions": [{"relation": "translation", "language": "mn", "title": "Шалтгаан"}],
        "groups": "g1",
        "archive": "Box 3",
    },
)


def test_entry_to_csl_golden() -> None:
    assert entry_to_csl(ENTRY) == {
        "id": "dierkes2018reasons",
        "type": "article-magazine",
        "title": "Reasons: Why Mongolia",
        "author": [
            {"family": "Dierkes", "given": "Julian"},
            {"family": "MENDEE", "given": "Jargalsaikhan", "static-ordering": True},
            {"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"},
            {"literal": "World Bank"},
        ],
        "issued": {"date-parts": [[2018, 3, 25]]},
        "container-title": "The Diplomat",
        "page": "12-34",
        "language": "en",
        "DOI": "10.1234/a_b%c",
        "keyword": "mongolia, politics",
        "archive": "Box 3",
        "custom": {
            "subtitle": "Why Mongolia",
            "versions": [{"relation": "translation", "language": "mn", "title": "Шалтгаан"}],
            "groups": "g1",
        },
    }


def test_csl_round_trip() -> None:
    assert entry_from_csl(entry_to_csl(ENTRY)) == ENTRY


def test_edited_book_and_book_with_editors() -> None:
    edited = entry_from_raw("k", {"type": "edited-book", "title": "T", "editor": ["A, B"]})
    assert entry_to_csl(edited)["type"] == "book"
    assert "custom" not in entry_to_csl(edited)
    assert entry_from_csl(entry_to_csl(edited)) == edited
    book = entry_from_raw("k", {"type": "book", "title": "T", "editor": ["A, B"]})
    assert entry_to_csl(book)["custom"] == {"mnkbib-type": "book"}
    assert entry_from_csl(entry_to_csl(book)) == book


def test_motion_picture_uses_csl_spelling() -> None:
    film = entry_from_raw("k", {"type": "motion-picture", "title": "T"})
    assert entry_to_csl(film)["type"] == "motion_picture"
    assert entry_from_csl(entry_to_csl(film)) == film


def test_unknown_type_kept() -> None:
    result = get_format("csl-json").read(
        '[{"id": "m", "type": "map", "title": "Ulaanbaatar"}]', "x"
    )
    (entry,) = result.entries
    assert entry.type == "document"
    assert entry.fields == {"title": "Ulaanbaatar", "csl-type": "map"}
    assert result.problems == [Problem(1, "m: unknown CSL type 'map' read as 'document'")]
    assert entry_to_csl(entry) == {"id": "m", "type": "map", "title": "Ulaanbaatar"}


def test_read_problems_and_kept_values() -> None:
    text = """[
  {"id": "a", "type": "book", "title": "A", "issued": {"date-parts": [[2018], [2019]]},
   "language": "Klingon", "volume": 3, "DOI": "https://doi.org/10.1000/xyz"},
  {"id": "b", "type": "book", "title": "B", "issued": {"literal": "Spring 2018"}},
  7
]"""
    result = get_format("csl-json").read(text, "refs.json")
    a, b = result.entries
    assert a.fields["volume"] == "3"
    assert a.fields["doi"] == "10.1000/xyz"
    assert str(a.fields["date"]) == "2018"
    assert a.fields["issued"] == {"date-parts": [[2018], [2019]]}
    assert a.fields["language-raw"] == "Klingon"
    assert b.fields["issued"] == {"literal": "Spring 2018"}
    assert [str(p) for p in result.problems] == [
        "line 2: a: field 'issued': {\"date-parts\": [[2018], [2019]]} is more than a date; "
        "date 2018 taken, the whole kept as field 'issued'",
        "line 2: a: field 'language': 'Klingon' is not a BCP 47 language tag (en, de, mn); "
        "kept as field 'language-raw'",
        'line 4: b: field \'issued\': {"literal": "Spring 2018"} is not a date; '
        "kept as field 'issued'",
        "line 5: item 3 is not an object; skipped",
    ]
    # Kept values survive writing and reading again.
    again = get_format("csl-json").read(get_format("csl-json").write(result.entries).text, "x")
    assert again.entries == result.entries


def test_language_names_become_tags() -> None:
    entry = entry_from_csl({"id": "x", "type": "book", "title": "T", "language": "German"})
    assert entry.fields["language"] == "de"


def test_invalid_json_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match=r"^refs.json:2:"):
        get_format("csl-json").read('[\n{"id": }]', "refs.json")


def test_single_object_and_items_wrapper() -> None:
    one = get_format("csl-json").read('{"id": "x", "type": "book", "title": "T"}', "x")
    assert [e.key for e in one.entries] == ["x"]
    wrapped = get_format("csl-json").read('{"items": [{"id": "y", "type": "book"}]}', "x")
    assert [e.key for e in wrapped.entries] == ["y"]


def test_csl_yaml_quotes_no_and_on() -> None:
    entry = entry_from_raw(
        "no1988",
        {
            "type": "book",
            "title": "On",
            "author": [{"family": "No", "given": "Tae-woo"}],
            "date": "1988",
        },
    )
    text = get_format("csl-yaml").write([entry]).text
    assert text == (
        "---\n"
        "references:\n"
        "- id: no1988\n"
        "  type: book\n"
        '  title: "On"\n'
        "  author:\n"
        '    - {family: "No", given: Tae-woo}\n'
        "  issued:\n"
        "    date-parts: [[1988]]\n"
        "...\n"
    )
    assert get_format("csl-yaml").read(text, "x").entries == [entry]


def test_csl_yaml_round_trip() -> None:
    fmt = get_format("csl-yaml")
    result = fmt.read(fmt.write([ENTRY]).text, "x")
    assert result.problems == []
    assert result.entries == [ENTRY]


def _pandoc() -> str | None:
    try:
        import pypandoc

        return str(pypandoc.get_pandoc_path())
    except (ImportError, OSError):
        return shutil.which("pandoc")


@pytest.mark.tools
@pytest.mark.parametrize(("name", "suffix"), [("csl-json", "json"), ("csl-yaml", "yaml")])
def test_pandoc_citeproc_accepts(tmp_path: Path, name: str, suffix: str) -> None:
    pandoc = _pandoc()
    if pandoc is None:
        pytest.skip("pandoc not found (pip install pypandoc-binary)")
    no = entry_from_raw(
        "no1988",
        {
            "type": "book",
            "title": "ТҮҮХЭН",
            "author": [
                {"family": "No", "given": "Tae-woo"},
                {"family": "Berg", "given": "Jan", "particle": "van der"},
            ],
            "date": "1988-03",
            "language": "mn",
        },
    )
    path = tmp_path / f"refs.{suffix}"
    path.write_text(get_format(name).write([ENTRY, no]).text, encoding="utf-8")
    doc = '---\nnocite: "@*"\n---\n'
    out = subprocess.run(
        [pandoc, "--citeproc", "--bibliography", str(path), "-t", "plain", "--wrap=none"],
        input=doc,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert out.stderr == ""
    assert (
        "Dierkes, Julian, Jargalsaikhan MENDEE, Jan van der Berg, and World Bank. 2018."
        in out.stdout
    )
    assert "“Reasons: Why Mongolia.” The Diplomat, March 25, 12–34." in out.stdout
    assert "No, Tae-woo, and Jan van der Berg. 1988. ТҮҮХЭН." in out.stdout
    parsed = subprocess.run(
        [pandoc, str(path), "-f", "csljson" if suffix == "json" else "markdown", "-t", "csljson"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    items = {item["id"]: item for item in json.loads(parsed.stdout)}
    assert items["no1988"]["language"] == "mn"
    assert items["no1988"]["issued"] == {"date-parts": [[1988, 3]]}
    assert items["no1988"]["author"][0] == {"family": "No", "given": "Tae-woo"}
    assert items["dierkes2018reasons"]["author"][1]["static-ordering"] is True
