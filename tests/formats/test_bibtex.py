"""BibTeX and BibLaTeX: exact output, exact problems, hostile input (speed: benchmarks/run.py)."""

from __future__ import annotations

import pytest

from mnkbib.formats import decode_bytes, get_format
from mnkbib.model import Entry, PartialDate, Person, entry_from_raw

ENTRY = entry_from_raw(
    "mendee2018",
    {
        "type": "article-magazine",
        "title": "The UN in Mongolia: 100% & $5",
        "subtitle": "Why iPods?",
        "author": [
            "Dierkes, Julian",
            {"family": "MENDEE", "given": "Jargalsaikhan", "family-first": True},
            {"family": "Berg", "given": "Jan", "particle": "van der"},
            "Müller, Jr., Hans",
            "{World Bank}",
        ],
        "date": "2018-03-25",
        "container": "The Diplomat",
        "issue": "4",
        "pages": "12–34",
        "language": "en",
        "doi": "10.1234/a_b%c",
        "url": "https://x.org/a_b%20c",
        "tags": ["mongolia", "No"],
        "groups": "g1",
    },
)

BIBTEX = r"""@article{mendee2018,
  entrysubtype = {magazine},
  author = {Dierkes, Julian and {MENDEE}, Jargalsaikhan and van der Berg, Jan and M{\"u}ller, Jr., Hans and {World Bank}},
  nameflags = {author2: family-first},
  title = {The {UN} in {Mongolia:} 100\% \& \$5},
  subtitle = {Why {iPods?}},
  year = {2018},
  month = mar,
  day = {25},
  journal = {The Diplomat},
  number = {4},
  pages = {12--34},
  language = {en},
  doi = {10.1234/a_b%c},
  url = {https://x.org/a_b%20c},
  keywords = {mongolia, No},
  groups = {g1},
}
"""

BIBLATEX = r"""@article{mendee2018,
  entrysubtype = {magazine},
  author = {Dierkes, Julian and {MENDEE}, Jargalsaikhan and family={Berg}, given={Jan}, prefix={van der}, useprefix=true and Müller, Jr., Hans and {World Bank}},
  nameflags = {author2: family-first},
  title = {The {UN} in {Mongolia:} 100\% \& \$5},
  subtitle = {Why {iPods?}},
  date = {2018-03-25},
  journaltitle = {The Diplomat},
  number = {4},
  pages = {12--34},
  langid = {english},
  doi = {10.1234/a_b%c},
  url = {https://x.org/a_b%20c},
  keywords = {mongolia, No},
  groups = {g1},
}
"""


def test_bibtex_golden() -> None:
    result = get_format("bibtex").write([ENTRY])
    assert result.text == BIBTEX
    assert result.warnings == []
    assert get_format("bibtex").read(result.text, "x").entries == [ENTRY]


def test_biblatex_golden() -> None:
    result = get_format("biblatex").write([ENTRY])
    assert result.text == BIBLATEX
    assert result.warnings == [
        "mendee2018: field 'nameflags': BibLaTeX has no family-first names; biber ignores this field",
        "mendee2018: field 'groups' is not in BibLaTeX's data model for @article; biber ignores it",
    ]
    assert get_format("biblatex").read(result.text, "x").entries == [ENTRY]


def test_non_english_title_wholly_braced_and_cyrillic_warned() -> None:
    entry = entry_from_raw(
        "x",
        {"type": "book", "title": "Түүхэн Mongolia", "language": "mn", "author": ["Ильин, Иван"]},
    )
    result = get_format("bibtex").write([entry])
    assert "  title = {{Түүхэн Mongolia}},\n" in result.text
    assert "  author = {Ильин, Иван},\n" in result.text
    assert result.warnings == [
        "x: field 'author': 'Иилнь' kept in UTF-8 (no LaTeX encoding for it)",
        "x: field 'author': 'Иавн' kept in UTF-8 (no LaTeX encoding for it)",
        "x: field 'title': 'Тнхэү' kept in UTF-8 (no LaTeX encoding for it)",
    ]


def test_hostile_title_stays_one_entry() -> None:
    entry = entry_from_raw("evil", {"type": "book", "title": "x}\n@misc{evil2, title={pwned}"})
    for name in ("bibtex", "biblatex"):
        text = get_format(name).write([entry]).text
        result = get_format(name).read(text, "x")
        assert [e.key for e in result.entries] == ["evil"]
        assert result.entries[0].title == "x} @misc{evil2, title={pwned}"


def test_names_read_back_to_the_same_parts() -> None:
    people = [
        Person(family="van der Berg", given="Jan"),
        Person(family="Berg", given="Jan", particle="van der"),
        Person(family="Beethoven", given="Ludwig", dropping_particle="von"),
        Person(family="Müller", given="Hans", suffix="Jr."),
        Person(family="MENDEE", given="Jargalsaikhan", family_first=True),
        Person(literal="Bank of Mongolia"),
        Person(given="Plato"),
        Person(family="Vũ Ngọc"),
    ]
    entry = entry_from_raw("k", {"type": "book", "title": "T"}).with_fields(author=people)
    text = get_format("bibtex").write([entry]).text
    assert (
        "author = {{van der Berg}, Jan and van der Berg, Jan and von Beethoven, Ludwig and " in text
    )
    assert (
        'M{\\"u}ller, Jr., Hans and {MENDEE}, Jargalsaikhan and {Bank of Mongolia} and {}, Plato and '
        in text
    )
    assert "nameflags = {author3: dropping-particle, author5: family-first}" in text
    for name in ("bibtex", "biblatex"):
        back = get_format(name).read(get_format(name).write([entry]).text, "x").entries[0]
        assert back.fields["author"] == people


def test_read_problems() -> None:
    text = r"""@string{dip = "The " # {Diplomat}}
@preamble{"\newcommand{\noopsort}[1]{}"}
@comment{jabref-meta: x}
@article{a, title = {{UN} and Bostr\"{o}m}, journal = dip # ", " # nope, month = mar, year = 2018,
  url = {http://x.org/a\_b%20c}, doi = {https://doi.org/10.1000/X\_y}}
@article{a, title = {Again}, Title = {Twice}, author = {Doe, J.}}
@book{broken, title = {Unclosed
@misc{b, crossref = {p}, note = {x}}
@proceedings{p, title = {Proc}, publisher = {ACM}, year = {2001}}
@inproceedings{c, crossref = {p}, title = {Paper}}
"""
    result = get_format("bibtex").read(text, "t.bib")
    assert [str(p) for p in result.problems] == [
        "line 2: @preamble is not imported (mnkbib keeps entries only)",
        "line 6: duplicate key 'a' (first at line 4)",
        "line 7: could not parse '@book{broken, title = {Unclosed': Unexpected block start: "
        "'@misc'. Was still looking for field-value closing '}'; skipped",
        "line 4: a: field 'journal': undefined macro 'nope' kept as text",
        "line 6: a: duplicate field 'title'; the first is kept, this one as title-2",
    ]
    a, a2, b, p, c = result.entries
    assert a.fields == {
        "title": "UN and Boström",
        "date": PartialDate(2018, 3),
        "container": "The Diplomat, nope",
        "doi": "10.1000/X_y",
        "url": "http://x.org/a_b%20c",
    }
    assert a2.fields["title-2"] == "Twice"
    assert b.fields == {
        "title": "Proc",
        "date": PartialDate(2001),
        "publisher": "ACM",
        "note": "x",
        "crossref": "p",
    }
    assert p.type == "edited-book" and p.fields["bibtex-type"] == "proceedings"
    assert c.type == "paper-conference"
    assert c.fields["container"] == "Proc" and c.fields["title"] == "Paper"


def test_latin1_is_decoded_and_reported() -> None:
    text, problems = decode_bytes("@book{k, title = {Stra\xdfe}}\n".encode("latin-1"))
    assert "Straße" in text
    assert [str(p) for p in problems] == ["line 1: not UTF-8: read as Latin-1 (Windows-1252)"]


def test_unknown_type_and_fields_kept() -> None:
    text = '@jabrefspecial{k, title = {T}, groups = {A, B}, file = {:/x/Freie Universit\\"at:PDF}}'
    result = get_format("bibtex").read(text, "x")
    (entry,) = result.entries
    assert entry.type == "document"
    assert entry.fields == {
        "title": "T",
        "bibtex-type": "jabrefspecial",
        "groups": "A, B",
        "file": ':/x/Freie Universit\\"at:PDF',
    }
    assert [str(p) for p in result.problems] == [
        "line 1: k: unknown entry type @jabrefspecial read as 'document'"
    ]
    assert get_format("bibtex").write([entry]).text.startswith("@jabrefspecial{k,\n")


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_family_name_in_capitals_alone_is_not_read_back_as_an_organisation(fmt: str) -> None:
    """Found by hypothesis: `{MENDEE}` alone reads back as a literal; `{MENDEE},` does not."""
    entry = Entry(
        "k",
        "book",
        {"title": "X", "author": [Person(family="MENDEE")], "editor": [Person(literal="UNESCO")]},
    )
    text = get_format(fmt).write([entry]).text
    assert "author = {{MENDEE},}," in text and "editor = {{UNESCO}}," in text
    assert get_format(fmt).read(text, "x").entries[0].fields == entry.fields
