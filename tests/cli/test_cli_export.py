"""export, cite and import through the CLI on the sample library (golden files)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from mnkbib.cli import cli

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    path = tmp_path / "mnkbib.yaml"
    shutil.copy(ROOT / "data" / "mnkbib.yaml", path)
    return path


def run(path: Path, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["-l", str(path), *args], input=input)


@pytest.mark.parametrize("style", ["author-date", "notes-bibliography"])
@pytest.mark.parametrize("to", ["text", "markdown", "html"])
def test_chicago_reference_list(lib: Path, style: str, to: str) -> None:
    result = run(lib, "export", "-f", "chicago", "--style", style, "--to", to)
    assert result.exit_code == 0, result.output
    expected = (GOLDEN / f"sample.chicago-{style}.{to}").read_text(encoding="utf-8")
    assert result.stdout == expected
    assert "\x1b[" not in result.stdout


def test_markdown_list_reproduces_the_seeds_recent_writing(lib: Path) -> None:
    result = run(lib, "export", "-f", "markdown", "--numbered", "--tag", "recent-writing")
    assert result.stdout == (GOLDEN / "recent-writing.md").read_text(encoding="utf-8")
    lines = result.stdout.splitlines()
    assert len(lines) == 10 and lines[0].startswith("1. Dierkes, Julian. 2018a.")


def test_markdown_list_grouped_by_container(lib: Path) -> None:
    result = run(lib, "export", "-f", "markdown", "--group-by", "container")
    assert result.stdout == (GOLDEN / "sample.markdown-by-container.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["dierkes2018reasons"], "(Dierkes and MENDEE 2018a)\n"),
        (["dierkes2018reasons", "--page", "12"], "(Dierkes and MENDEE 2018a, 12)\n"),
        (["dierkes2018reasons", "--narrative"], "Dierkes and MENDEE (2018a)\n"),
        (
            ["dierkes2018reasons", "dierkes2018mongolia", "dierkes2018call"],
            "(Dierkes and MENDEE 2018a, 2018f; Dierkes 2018d)\n",
        ),
        (["mendee2018ub"], "(MENDEE and Dierkes 2018)\n"),
        (["dierkes2017mongolia"], "(Dierkes and Chimguundari 2017)\n"),
        (
            ["dierkes2018trump", "--note", "full"],
            "Julian Dierkes, “Trump, Kim … und die Mongolei?” [Trump, Kim … and Mongolia?], Internationale Politik und Gesellschaft, March 2018.\n",
        ),
        (
            ["dierkes2018trump", "--note", "short", "--page", "3"],
            "Dierkes, “Trump, Kim … und die Mongolei?” 3.\n",
        ),
        (
            ["dierkes2018call", "--to", "html", "--note", "full"],
            "Julian Dierkes, “What to Call a Trump-Kim Summit?” <em>Mongolia Focus</em>, March 2018.\n",
        ),
    ],
)
def test_cite(lib: Path, args: list[str], expected: str) -> None:
    result = run(lib, "cite", *args)
    assert result.exit_code == 0, result.output
    assert result.stdout == expected


def test_cite_letters_agree_with_the_reference_list(lib: Path) -> None:
    listing = run(lib, "export", "-f", "chicago").stdout.splitlines()
    for key, title in [
        ("dierkes2018reasons", "“8 Reasons Why"),
        ("dierkes2018call", "“What to Call"),
        ("dierkes2018tuukhen", "“Tüükhen"),
        ("dierkes2018role", "“Mongolia’s Role"),
    ]:
        year = run(lib, "cite", key).stdout.strip().rstrip(")").split()[-1]  # "2018a"
        (line,) = [ln for ln in listing if title in ln]
        assert f" {year}. " in line, (key, year, line)


def test_cite_unknown_key(lib: Path) -> None:
    result = run(lib, "cite", "nokey")
    assert (result.exit_code, result.stderr) == (1, "Error: no entry with key 'nokey'\n")


def test_export_format_from_output_suffix_and_atomic_file(lib: Path, tmp_path: Path) -> None:
    out = tmp_path / "refs.json"
    result = run(lib, "export", "-o", str(out), "--lang", "mn")
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Wrote 1 entry to {out}\n"
    items = json.loads(out.read_text(encoding="utf-8"))
    assert [i["id"] for i in items] == ["dierkes2018tuukhen"]
    assert items[0]["author"][1] == {
        "family": "MENDEE",
        "given": "Jargalsaikhan",
        "static-ordering": True,
    }


def test_export_yaml_is_a_library(lib: Path, tmp_path: Path) -> None:
    out = tmp_path / "subset.yaml"
    assert run(lib, "export", "-o", str(out), "--year", "2017").exit_code == 0
    assert [line for line in run(out, "list", "--keys").stdout.split()] == ["dierkes2017mongolia"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["export"],
            2,
            "Error: give -f/--format (bibtex, biblatex, csl-json, csl-yaml, ris, yaml, chicago, markdown) or -o FILE\n",
        ),
        (
            ["export", "-o", "refs.docx"],
            2,
            "Error: cannot tell the format from 'refs.docx'; give -f/--format\n",
        ),
        (["export", "-f", "word"], 2, None),
        (["cite", "dierkes2018reasons", "--style", "author-date", "--note", "full"], 2, None),
    ],
)
def test_export_usage_errors(lib: Path, args: list[str], code: int, message: str | None) -> None:
    result = run(lib, *args)
    assert result.exit_code == code
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    if message:
        assert result.stderr == message


def test_export_to_a_directory_is_refused(lib: Path, tmp_path: Path) -> None:
    result = run(lib, "export", "-f", "bibtex", "-o", str(tmp_path))
    assert (result.exit_code, result.stderr) == (1, f"Error: {tmp_path}: is a directory\n")


def test_csl_style_through_pandoc(lib: Path) -> None:
    pytest.importorskip("pypandoc", reason="pandoc comes with pypandoc-binary (test extra)")
    csl = ROOT / "tests" / "styles" / "data" / "csl" / "chicago-author-date.csl"
    result = run(lib, "export", "--csl", str(csl), "--year", "2017")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Dierkes, Julian, and N. Chimguundari. 2017. “Mongolia as a Canada-North Korea "
        "Intermediary.” Policy Options.\n"
    )


def test_csl_missing_file(lib: Path, tmp_path: Path) -> None:
    result = run(lib, "export", "--csl", str(tmp_path / "none.csl"))
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: {tmp_path / 'none.csl'}: no such CSL style file\n",
    )


def test_the_same_warning_for_many_entries_is_one_line(lib: Path) -> None:
    result = run(lib, "export", "-f", "biblatex")
    assert result.exit_code == 0
    assert result.stderr == (
        "warning: dierkes2018reasons, dierkes2018tuukhen, dierkes2018mongolia and 5 more: "
        "field 'nameflags': BibLaTeX has no family-first names; biber ignores this field\n"
    )


def test_reimporting_an_export_merges_nothing_and_says_so_once(lib: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.json"
    assert run(lib, "export", "-o", str(out)).exit_code == 0
    before = lib.read_bytes()
    result = run(lib, "import", str(out), "--on-duplicate", "merge")
    assert result.exit_code == 0
    assert result.stderr == "Imported 0 of 12 entries; 12 merged (12 with nothing new)\n"
    assert lib.read_bytes() == before
