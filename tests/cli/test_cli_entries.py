"""The everyday commands through click's CliRunner: exit codes, stdout, stderr, files."""

from __future__ import annotations

import difflib
import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mnkbib.cli import cli

DATA = Path(__file__).resolve().parents[2] / "data" / "mnkbib.yaml"
SEED_LIST = (Path(__file__).parent / "seed-list.txt").read_text(encoding="utf-8")


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    path = tmp_path / "mnkbib.yaml"
    shutil.copy(DATA, path)
    return path


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.yaml"
    result = CliRunner().invoke(cli, ["init", str(path)])
    assert result.exit_code == 0, result.output
    return path


def run(path: Path, *args: str, input: str | None = None) -> object:
    return CliRunner().invoke(cli, ["-l", str(path), *args], input=input)


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_init_creates_an_empty_library_and_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "new" / "lib.yaml"
    result = CliRunner().invoke(cli, ["init", str(path)])
    assert result.exit_code == 0
    assert result.stderr == f"Created {path}\n"
    assert "mnkbib: 1\nentries:\n" in path.read_text(encoding="utf-8")
    again = CliRunner().invoke(cli, ["init", str(path)])
    assert again.exit_code == 1
    assert again.stderr == f"Error: {path}: exists already; not overwritten\n"


def test_add_from_options_prints_key_and_writes_canonical_yaml(empty: Path) -> None:
    result = run(
        empty,
        "add",
        "--type",
        "article-magazine",
        "--author",
        "Dierkes, Julian",
        "--author",
        "MENDEE Jargalsaikhan",
        "--year",
        "2018",
        "--container",
        "The Diplomat",
        "--title",
        "8 Reasons Why Mongolia’s Capital, Ulaanbaatar, Might Be the Place for a Trump-Kim Summit",
        "--tag",
        "mongolia",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "dierkes2018reasons\n"
    text = empty.read_text(encoding="utf-8")
    assert text.endswith(
        "entries:\n"
        "  dierkes2018reasons:\n"
        "    type: article-magazine\n"
        "    title: 8 Reasons Why Mongolia’s Capital, Ulaanbaatar, Might Be the Place for a Trump-Kim Summit\n"
        "    author:\n"
        "      - {family: Dierkes, given: Julian}\n"
        "      - {family: MENDEE, given: Jargalsaikhan, family-first: true}\n"
        '    date: "2018"\n'
        "    container: The Diplomat\n"
        "    tags: [mongolia]\n"
    )


def test_add_keeps_yaml_hazards_as_text(empty: Path) -> None:
    result = run(
        empty,
        "add",
        "--type",
        "book",
        "--author",
        "{family: No, given: Tae-woo}",
        "--title",
        "On",
        "--year",
        "1999",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "no1999on\n"
    text = empty.read_text(encoding="utf-8")
    assert '    title: "On"\n' in text
    assert '      - {family: "No", given: Tae-woo}\n' in text
    shown = run(empty, "show", "--json", "no1999on")
    data = json.loads(shown.stdout)[0]
    assert data["title"] == "On"
    assert data["author"] == [{"family": "No", "given": "Tae-woo"}]


def test_add_generates_unique_keys(empty: Path) -> None:
    args = [
        "add",
        "--type",
        "post-weblog",
        "-a",
        "Dierkes, Julian",
        "-y",
        "2018",
        "--container",
        "Mongolia Focus",
    ]
    first = run(empty, *args, "--title", "Summit Thoughts")
    second = run(empty, *args, "--title", "Summit Logistics")
    assert (first.stdout, second.stdout) == ("dierkes2018summit\n", "dierkes2018summita\n")


def test_add_transliterates_cyrillic_keys(empty: Path) -> None:
    result = run(
        empty,
        "add",
        "--type",
        "webpage",
        "-a",
        "Dierkes, Julian",
        "-y",
        "2018",
        "--title",
        "ТҮҮХЭН БОЛОМЖИЙГ БҮҮ АЛДААСАЙ",
    )
    assert result.stdout == "dierkes2018tuukhen\n"


def test_add_from_short_label_resolves_names_from_the_library(lib: Path) -> None:
    result = run(
        lib,
        "add",
        "Dierkes & MENDEE 2018, The Diplomat",
        "--title",
        "A New Piece",
        "--key",
        "newpiece",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "newpiece\n"
    data = json.loads(run(lib, "show", "--json", "newpiece").stdout)[0]
    assert data["author"] == [
        {"family": "Dierkes", "given": "Julian"},
        {"family": "MENDEE", "given": "Jargalsaikhan", "family-first": True},
    ]
    assert data["container"] == "The Diplomat"
    assert data["date"] == "2018"
    assert data["type"] == "article-magazine"  # the type the library uses for The Diplomat
    assert data["label"] == "Dierkes & MENDEE 2018, The Diplomat"


def test_add_from_a_pasted_reference_line(empty: Path) -> None:
    line = "Dierkes, Julian and MENDEE Jargalsaikhan. 2018. “Elevate Ulaanbaatar Dialogue“, Mongolia Focus."
    result = run(empty, "add", line, "--type", "post-weblog")
    assert result.exit_code == 0, result.output
    assert result.stdout == "dierkes2018elevate\n"


def test_pasting_the_seed_list_gives_its_ten_entries(empty: Path) -> None:
    result = run(empty, "add", "-", "--format", "paste", input=SEED_LIST)
    assert result.exit_code == 0, result.output
    keys = result.stdout.split()
    assert len(keys) == 10
    entries = json.loads(run(empty, "list", "--json").stdout)
    got = [(e["label"], e["title"], [p.get("family") for p in e["author"]]) for e in entries]
    assert got == [
        (
            "Dierkes & MENDEE 2018, The Diplomat",
            "8 Reasons Why Mongolia’s Capital, Ulaanbaatar, Might Be the Place for a Trump-Kim Summit",
            ["Dierkes", "MENDEE"],
        ),
        ("Dierkes & MENDEE 2018, MongolTV", "ТҮҮХЭН БОЛОМЖИЙГ БҮҮ АЛДААСАЙ", ["Dierkes", "MENDEE"]),
        (
            "Dierkes & MENDEE 2018, The Diplomat",
            "What Mongolia Gains by Playing Host to a Historic Trump-Kim Summit",
            ["Dierkes", "MENDEE"],
        ),
        (
            "Dierkes 2018, Internationale Politik und Gesellschaft",
            "Trump, Kim … und die Mongolei?",
            ["Dierkes"],
        ),
        (
            "Dierkes & MENDEE 2018, The Diplomat",
            "Location, location, location: Ulaanbaatar still in the running to host Trump-Kim summit",
            ["Dierkes", "MENDEE"],
        ),
        (
            "MENDEE & Dierkes 2018, Mongolia Focus",
            "UB Dialogue Initiatives from the 1970s to 1990s",
            ["MENDEE", "Dierkes"],
        ),
        (
            "Dierkes 2018, Mongolia Focus",
            "Some Thoughts about Logistics of a Steppe Summit",
            ["Dierkes"],
        ),
        (
            "Dierkes & MENDEE 2018, Mongolia Focus",
            "Elevate Ulaanbaatar Dialogue",
            ["Dierkes", "MENDEE"],
        ),
        ("Dierkes 2018, Mongolia Focus", "What to Call a Trump-Kim Summit?", ["Dierkes"]),
        (
            "Dierkes & MENDEE 2018, The Diplomat",
            "In Discussing North Korea, Recall Mongolia’s Peaceful Revolution and End to One-Party Rule",
            ["Dierkes", "MENDEE"],
        ),
    ]
    mendee = entries[0]["author"][1]
    assert mendee == {"family": "MENDEE", "given": "Jargalsaikhan", "family-first": True}
    assert entries[3]["versions"] == [
        {"relation": "translation", "language": "en"},
        {"relation": "translation", "language": "ru"},
    ]


def test_add_without_title_is_a_usage_error_and_changes_nothing(lib: Path) -> None:
    before = lib.read_bytes()
    result = run(lib, "add", "--type", "book", "--author", "Dierkes, Julian")
    assert result.exit_code == 2
    assert (
        result.stderr
        == "Error: a title is needed: give --title (or a reference line with a title)\n"
    )
    assert lib.read_bytes() == before


def test_add_bad_date_names_the_field(lib: Path) -> None:
    before = lib.read_bytes()
    result = run(lib, "add", "--type", "book", "--title", "X", "--date", "2018-13")
    assert result.exit_code == 1
    assert result.stderr == "Error: new entry: field 'date': month 13 is not 1-12\n"
    assert lib.read_bytes() == before


def test_add_dry_run_prints_the_entry_and_writes_nothing(lib: Path) -> None:
    before = lib.read_bytes()
    result = run(
        lib,
        "add",
        "-n",
        "--type",
        "book",
        "--title",
        "Dry",
        "--author",
        "Chimguundari N",
        "--year",
        "2020",
    )
    assert result.exit_code == 0
    assert result.stdout == (
        "chimguundari2020dry:\n"
        "  type: book\n"
        "  title: Dry\n"
        "  author:\n"
        "    - {family: Chimguundari, given: N., family-first: true}\n"
        '  date: "2020"\n'
    )
    assert lib.read_bytes() == before


def test_set_changes_only_that_entrys_lines(lib: Path) -> None:
    before = lib.read_text(encoding="utf-8")
    result = run(
        lib, "set", "dierkes2018elevate", "date=2018-03-20", "url=https://mongoliafocus.com/elevate"
    )
    assert result.exit_code == 0, result.output
    after = lib.read_text(encoding="utf-8")
    assert changed_lines(before, after) == [
        '-    date: "2018-03"',
        '+    date: "2018-03-20"',
        "+    url: https://mongoliafocus.com/elevate",
    ]


def test_set_names_and_unset(lib: Path) -> None:
    assert (
        run(
            lib, "set", "dierkes2018call", "editor=van der Berg, Jan and Müller, Jr., Hans"
        ).exit_code
        == 0
    )
    data = json.loads(run(lib, "show", "--json", "dierkes2018call").stdout)[0]
    assert data["editor"] == [
        {"family": "Berg", "given": "Jan", "particle": "van der"},
        {"family": "Müller", "given": "Hans", "suffix": "Jr."},
    ]
    before = lib.read_text(encoding="utf-8")
    assert run(lib, "unset", "dierkes2018call", "editor").exit_code == 0
    assert changed_lines(before, lib.read_text(encoding="utf-8")) == [
        "-    editor:",
        "-      - {family: Berg, given: Jan, particle: van der}",
        "-      - {family: Müller, given: Hans, suffix: Jr.}",
    ]


def test_unset_missing_field_is_an_error(lib: Path) -> None:
    result = run(lib, "unset", "dierkes2018call", "doi")
    assert result.exit_code == 2
    assert result.stderr == "Error: dierkes2018call has no field 'doi'\n"


def test_set_unknown_key_suggests_a_close_one(lib: Path) -> None:
    before = lib.read_bytes()
    result = run(lib, "set", "dierkes2018cal", "note=x")
    assert result.exit_code == 1
    assert (
        result.stderr
        == "Error: no entry with key 'dierkes2018cal' (did you mean dierkes2018call?)\n"
    )
    assert lib.read_bytes() == before


def test_tag_adds_and_removes(lib: Path) -> None:
    result = run(lib, "tag", "dierkes2018call", "dierkes2018thoughts", "+summit", "-north-korea")
    assert result.exit_code == 0, result.output
    for key in ("dierkes2018call", "dierkes2018thoughts"):
        data = json.loads(run(lib, "show", "--json", key).stdout)[0]
        assert data["tags"] == ["mongolia", "trump-kim-summit", "recent-writing", "summit"]


def test_rm_with_yes_removes_only_that_block(lib: Path) -> None:
    before = lib.read_text(encoding="utf-8")
    result = run(lib, "rm", "--yes", "dierkes2018call")
    assert result.exit_code == 0
    assert result.stderr == "Removed dierkes2018call.\n"
    removed = changed_lines(before, lib.read_text(encoding="utf-8"))
    assert removed[0] == "-  dierkes2018call:" and all(
        line.startswith("-    ") for line in removed[1:]
    )
    assert len(removed) == 9


def test_rename_keeps_position_and_content(lib: Path) -> None:
    before = lib.read_text(encoding="utf-8")
    assert run(lib, "rename", "mendee2018ub", "mendee2018dialogue").exit_code == 0
    assert changed_lines(before, lib.read_text(encoding="utf-8")) == [
        "-  mendee2018ub:",
        "+  mendee2018dialogue:",
    ]
    clash = run(lib, "rename", "mendee2018dialogue", "dierkes2018call")
    assert clash.exit_code == 1
    assert clash.stderr == "Error: an entry with key 'dierkes2018call' exists already\n"


def test_show_yaml_piped(lib: Path) -> None:
    result = run(lib, "show", "dierkes2017mongolia")
    assert result.stdout == (
        "dierkes2017mongolia:\n"
        "  type: article-magazine\n"
        "  title: Mongolia as a Canada-North Korea Intermediary\n"
        "  author:\n"
        "    - {family: Dierkes, given: Julian}\n"
        "    - {family: Chimguundari, given: N., family-first: true}\n"
        '  date: "2017"\n'
        "  container: Policy Options\n"
        "  language: en\n"
        "  tags: [mongolia, north-korea, canada]\n"
    )


EDITOR_SCRIPT = """\
import sys, pathlib
p = pathlib.Path(sys.argv[-1])
{body}
"""


def _editor(tmp_path: Path, body: str, monkeypatch: pytest.MonkeyPatch) -> None:
    script = tmp_path / "editor.py"
    script.write_text(EDITOR_SCRIPT.format(body=body), encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.delenv("VISUAL", raising=False)


def test_edit_saves_a_valid_change(
    lib: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _editor(tmp_path, "p.write_text(p.read_text().replace('Elevate', 'Raise'))", monkeypatch)
    before = lib.read_text(encoding="utf-8")
    result = run(lib, "edit", "dierkes2018elevate")
    assert result.exit_code == 0, result.output
    assert changed_lines(before, lib.read_text(encoding="utf-8")) == [
        "-    title: Elevate Ulaanbaatar Dialogue",
        "+    title: Raise Ulaanbaatar Dialogue",
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "p.write_text('')",
            "Error: dierkes2018elevate (edited): the file is empty; nothing changed; dierkes2018elevate unchanged\n",
        ),
        (
            "p.write_text(p.read_text().replace('2018-03', '2018-02-30'))",
            "Error: dierkes2018elevate (edited):10: dierkes2018elevate: field 'date': day 30 does not exist in 2018-02; dierkes2018elevate unchanged\n",
        ),
        (
            "p.write_text(p.read_text() + '  title: twice\\n')",
            "Error: dierkes2018elevate (edited):14:3: duplicate key 'title' (first at line 6); dierkes2018elevate unchanged\n",
        ),
        ("sys.exit(3)", None),
    ],
)
def test_edit_invalid_or_failed_leaves_library_untouched(
    lib: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, message: str | None
) -> None:
    _editor(tmp_path, body, monkeypatch)
    before = lib.read_bytes()
    result = run(lib, "edit", "dierkes2018elevate")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    if message is not None:
        assert result.stderr == message
    else:
        assert result.stderr.startswith("Error: the editor failed")
    assert lib.read_bytes() == before


def test_add_with_a_taken_key_is_refused(lib: Path) -> None:
    before = lib.read_bytes()
    result = run(lib, "add", "--type", "book", "--title", "X", "--key", "dierkes2018call")
    assert result.exit_code == 1
    assert result.stderr == "Error: an entry with key 'dierkes2018call' exists already\n"
    assert lib.read_bytes() == before


def test_add_with_an_invalid_key_is_refused(lib: Path) -> None:
    before = lib.read_bytes()
    result = run(lib, "add", "--type", "book", "--title", "X", "--key", "a,b")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: invalid citation key 'a,b' (no spaces, commas, braces or quotes)\n"
    )
    assert lib.read_bytes() == before


def test_pasted_versions_name_each_language_once() -> None:
    from mnkbib.paste import parse_reference

    raw = parse_reference(
        "Dierkes, Julian. 2018. “Trump, Kim … und die Mongolei?“, IPG. "
        "(На русском; русский; English)"
    )
    assert raw is not None
    assert raw["versions"] == [
        {"relation": "translation", "language": "ru"},
        {"relation": "translation", "language": "en"},
    ]
