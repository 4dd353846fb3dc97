"""list, search, authors, check, where, types and completion through CliRunner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from mnkbib.cli import cli

DATA = Path(__file__).resolve().parents[2] / "data" / "mnkbib.yaml"


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    path = tmp_path / "mnkbib.yaml"
    shutil.copy(DATA, path)
    return path


def run(path: Path, *args: str) -> object:
    return CliRunner().invoke(cli, ["-l", str(path), *args])


def keys(result: object) -> list[str]:
    return result.stdout.split()  # type: ignore[attr-defined]


def test_list_piped_is_one_stable_tab_separated_line_per_entry(lib: Path) -> None:
    result = run(lib, "list", "--year", "2017")
    assert result.exit_code == 0
    assert result.stdout == (
        "dierkes2017mongolia\t2017\tDierkes & Chimguundari\t"
        "Mongolia as a Canada-North Korea Intermediary\tPolicy Options\n"
    )
    assert result.stderr == ""
    assert "\x1b[" not in result.stdout


def test_list_keys_in_file_order(lib: Path) -> None:
    assert keys(run(lib, "list", "--keys")) == [
        "dierkes2018reasons",
        "dierkes2018tuukhen",
        "dierkes2018mongolia",
        "dierkes2018trump",
        "dierkes2018location",
        "mendee2018ub",
        "dierkes2018thoughts",
        "dierkes2018elevate",
        "dierkes2018call",
        "dierkes2018discussing",
        "dierkes2017mongolia",
        "dierkes2018role",
    ]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--author", "mendee", "--container", "focus"], ["mendee2018ub", "dierkes2018elevate"]),
        (["--author", "Chimguundari"], ["dierkes2017mongolia"]),
        (["--year", "..2017"], ["dierkes2017mongolia"]),
        (["--year", "2018..", "--type", "webpage"], ["dierkes2018tuukhen"]),
        (["--lang", "de"], ["dierkes2018trump"]),
        (["--lang", "mn"], ["dierkes2018tuukhen"]),
        (["--tag", "ulaanbaatar-dialogue", "--tag", "foreign-policy"], ["dierkes2018role"]),
        (
            ["--type", "blog-post", "--sort", "title"],
            [
                "dierkes2018elevate",
                "dierkes2018role",
                "dierkes2018thoughts",
                "mendee2018ub",
                "dierkes2018call",
            ],
        ),
        (
            ["--container", "diplomat", "--sort", "key", "--reverse"],
            [
                "dierkes2018reasons",
                "dierkes2018mongolia",
                "dierkes2018location",
                "dierkes2018discussing",
            ],
        ),
    ],
)
def test_list_filters(lib: Path, args: list[str], expected: list[str]) -> None:
    result = run(lib, "list", "--keys", *args)
    assert result.exit_code == 0, result.output
    assert keys(result) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tuukhen", ["dierkes2018tuukhen"]),  # ASCII finds Cyrillic
        ("ТҮҮХЭН", ["dierkes2018tuukhen"]),
        ("opportunity", ["dierkes2018tuukhen"]),  # the translated title
        ("mongolei", ["dierkes2018trump"]),
        ("author:chimguundari", ["dierkes2017mongolia"]),
        ("summit -diplomat -focus", ["dierkes2018tuukhen", "dierkes2018trump"]),
        ('"peaceful revolution"', ["dierkes2018discussing"]),
        ("title:steppe year:2018", ["dierkes2018thoughts"]),
    ],
)
def test_search_is_case_accent_and_script_insensitive(
    lib: Path, query: str, expected: list[str]
) -> None:
    result = run(lib, "search", "--keys", *query.split(" ") if '"' not in query else [query])
    assert keys(result) == expected


def test_search_accents(tmp_path: Path) -> None:
    path = tmp_path / "lib.yaml"
    CliRunner().invoke(cli, ["init", str(path)])
    run(
        path,
        "add",
        "--type",
        "book",
        "--author",
        "Müller, Hans",
        "--title",
        "Über Bücher",
        "--year",
        "1990",
    )
    assert keys(run(path, "search", "--keys", "muller", "uber")) == ["muller1990bucher"]


def test_search_without_match_exits_1(lib: Path) -> None:
    result = run(lib, "search", "nosuchword")
    assert (result.exit_code, result.stdout) == (1, "")


def test_list_json(lib: Path) -> None:
    data = json.loads(run(lib, "list", "--json", "--lang", "de").stdout)
    assert data == [
        {
            "key": "dierkes2018trump",
            "label": "Dierkes 2018, Internationale Politik und Gesellschaft",
            "type": "article-magazine",
            "title": "Trump, Kim … und die Mongolei?",
            "translated-title": "Trump, Kim … and Mongolia?",
            "author": [{"family": "Dierkes", "given": "Julian"}],
            "date": "2018-03",
            "container": "Internationale Politik und Gesellschaft",
            "language": "de",
            "versions": [
                {"relation": "translation", "language": "en"},
                {"relation": "translation", "language": "ru"},
            ],
            "tags": ["mongolia", "north-korea", "trump-kim-summit", "recent-writing"],
        }
    ]


def test_bad_year_range_is_a_usage_error(lib: Path) -> None:
    result = run(lib, "list", "--year", "last year")
    assert result.exit_code == 2
    assert (
        result.stderr
        == "Error: --year: 'last year' is not a year or range (2018, 2017..2018, ..2018)\n"
    )


def test_list_on_a_terminal_is_a_table_and_honours_no_color(
    lib: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MNKBIB_FORCE_TTY", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    result = run(lib, "list", "--lang", "de")
    assert "key" in result.stdout.splitlines()[0] and "container" in result.stdout.splitlines()[0]
    assert "\x1b[" not in result.stdout
    assert result.stderr == "1 entry\n"
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in run(lib, "list", "--lang", "de").stdout


def test_authors_counts_people(lib: Path) -> None:
    result = run(lib, "authors")
    assert result.stdout == (
        "Julian Dierkes\t12\t\nMENDEE Jargalsaikhan\t7\t\nChimguundari N.\t1\t\n"
    )


def test_authors_and_check_find_one_person_written_two_ways(lib: Path) -> None:
    run(
        lib,
        "add",
        "--type",
        "book",
        "--author",
        "Mendee, J.",
        "--title",
        "Civil-Military Relations",
        "--year",
        "2020",
        "--publisher",
        "X",
    )
    data = json.loads(run(lib, "authors", "--json").stdout)
    assert data[1] == {
        "name": "MENDEE Jargalsaikhan",
        "entries": 8,
        "variants": ["J. Mendee"],
        "keys": sorted(
            [
                "dierkes2018reasons",
                "dierkes2018tuukhen",
                "dierkes2018mongolia",
                "dierkes2018location",
                "mendee2018ub",
                "dierkes2018elevate",
                "dierkes2018discussing",
                "mendee2020civil",
            ]
        ),
    }
    result = run(lib, "check")
    assert result.exit_code == 1
    assert "person: MENDEE Jargalsaikhan is also written J. Mendee\n" in result.stdout


def test_check_on_the_sample_library_finds_nothing(lib: Path) -> None:
    result = run(lib, "check")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "No problems found.\n")


def test_check_reports_every_broken_entry_with_its_line(lib: Path) -> None:
    text = lib.read_text(encoding="utf-8")
    text = text.replace('date: "2017"', "date: twenty", 1).replace(
        "type: post-weblog", "type: novel", 1
    )
    lib.write_text(text, encoding="utf-8")
    result = run(lib, "check", "--json")
    assert result.exit_code == 1
    errors = [p for p in json.loads(result.stdout) if p["kind"] == "error"]
    assert [(p["keys"], p["message"]) for p in errors] == [
        (
            ["mendee2018ub"],
            "mendee2018ub: field 'type': unknown entry type 'novel' (see `mnkbib types`)",
        ),
        (
            ["dierkes2017mongolia"],
            "dierkes2017mongolia: field 'date': 'twenty' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
        ),
    ]
    lines = text.splitlines()
    assert lines[errors[1]["line"] - 1].strip() == "date: twenty"


def test_broken_library_error_names_file_line_and_column(lib: Path) -> None:
    text = lib.read_text(encoding="utf-8").replace(
        "    container: MongolTV\n", "    container: [MongolTV\n", 1
    )
    lib.write_text(text, encoding="utf-8")
    result = run(lib, "list")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {lib}:")
    line, col = result.stderr[len(f"Error: {lib}:") :].split(":")[:2]
    assert int(line) > 20 and int(col) > 0
    assert "Traceback" not in result.output


def test_library_resolution_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paper = tmp_path / "paper" / "sections"
    paper.mkdir(parents=True)
    (tmp_path / "paper" / "mnkbib.yaml").write_text("mnkbib: 1\nentries:\n", encoding="utf-8")
    monkeypatch.chdir(paper)
    monkeypatch.delenv("MNKBIB_LIBRARY")
    result = CliRunner().invoke(cli, ["where"])
    assert result.stdout == f"{tmp_path / 'paper' / 'mnkbib.yaml'}\n"
    monkeypatch.setenv("MNKBIB_LIBRARY", "/elsewhere/lib.yaml")
    assert CliRunner().invoke(cli, ["where"]).stdout == "/elsewhere/lib.yaml\n"
    assert CliRunner().invoke(cli, ["-l", "x.yaml", "where"]).stdout == "x.yaml\n"


def test_missing_library_says_how_to_create_one(tmp_path: Path) -> None:
    result = run(tmp_path / "none.yaml", "list")
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Error: {tmp_path / 'none.yaml'}: no such library (create one with `mnkbib init {tmp_path / 'none.yaml'}`)\n"
    )


def test_library_path_that_is_a_directory(tmp_path: Path) -> None:
    result = run(tmp_path, "list")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path}: is a directory, not a library file\n"


def test_types_lists_mappings() -> None:
    result = CliRunner().invoke(cli, ["types"])
    lines = result.stdout.splitlines()
    assert lines[0] == "type\tcsl\tbibtex\tbiblatex\tdescription"
    assert "post-weblog\tpost-weblog\tmisc\tonline\tblog post (Mongolia Focus)" in lines


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(shell: str) -> None:
    result = CliRunner().invoke(cli, ["completion", shell])
    assert result.exit_code == 0
    assert "_MNKBIB_COMPLETE" in result.stdout


def test_completion_of_keys(lib: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MNKBIB_LIBRARY", str(lib))
    monkeypatch.setenv("_MNKBIB_COMPLETE", "bash_complete")
    monkeypatch.setenv("COMP_WORDS", "mnkbib show dierkes2018t")
    monkeypatch.setenv("COMP_CWORD", "2")
    result = CliRunner().invoke(cli, [], prog_name="mnkbib")
    assert result.stdout.split() == [
        "plain,dierkes2018tuukhen",
        "plain,dierkes2018trump",
        "plain,dierkes2018thoughts",
    ]
