"""`mnkbib import` and `add -` with interchange formats, through the CLI."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from mnkbib.cli import cli

ROOT = Path(__file__).resolve().parents[2]

BIB = r"""@string{dip = "The Diplomat"}
@article{dierkes2018reasons,
  author = {Dierkes, Julian and {MENDEE} Jargalsaikhan},
  title = {8 Reasons Why {Mongolia}'s Capital Might Be the Place},
  journal = dip,
  year = 2018,
  month = mar,
}
@book{mueller1999,
  author = {M{\"u}ller, Jr., Hans and van der Berg, Jan},
  title = {{\"U}ber B{\"u}cher},
  publisher = {Verlag},
  year = {1999},
  url = {https://example.org/a_b%20c},
}
@article{broken,
  title = {unclosed
"""


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    path = tmp_path / "mnkbib.yaml"
    shutil.copy(ROOT / "data" / "mnkbib.yaml", path)
    return path


def run(path: Path, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["-l", str(path), *args], input=input)


def test_import_keeps_keys_renames_clashes_and_reports_bad_blocks(
    lib: Path, tmp_path: Path
) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    result = run(lib, "import", str(bib), "--on-duplicate", "rename")
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["dierkes2018reasonsa", "mueller1999"]
    assert f"{bib}:" in result.stderr and "broken" in result.stderr
    assert "dierkes2018reasons: key is taken; added as dierkes2018reasonsa\n" in result.stderr
    book = json.loads(run(lib, "show", "--json", "mueller1999").stdout)[0]
    assert book["title"] == "Über Bücher"
    assert book["author"][0] == {"family": "Müller", "given": "Hans", "suffix": "Jr."}
    assert book["author"][1] == {"family": "Berg", "given": "Jan", "particle": "van der"}
    assert book["url"] == "https://example.org/a_b%20c"


def test_import_skips_duplicates_by_default(lib: Path, tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        BIB.replace(
            "8 Reasons Why {Mongolia}'s Capital Might Be the Place",
            "8 Reasons Why Mongolia’s Capital, Ulaanbaatar, Might Be the Place for a Trump-Kim Summit",
        ),
        encoding="utf-8",
    )
    result = run(lib, "import", str(bib))
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["mueller1999"]
    assert (
        "dierkes2018reasons: skipped, a duplicate of dierkes2018reasons "
        "(same title, year and first author)\n"
    ) in result.stderr


def test_import_dry_run_changes_nothing(lib: Path, tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    before = lib.read_bytes()
    result = run(lib, "import", "--dry-run", str(bib))
    assert result.exit_code == 0
    assert "Would import" in result.stderr
    assert lib.read_bytes() == before


def test_import_latin1_file_is_read_and_reported(lib: Path, tmp_path: Path) -> None:
    bib = tmp_path / "latin1.bib"
    bib.write_bytes(
        "@book{k, title = {Caf\u00e9}, author = {Doe, Jane}, year = 2001}\n".encode("latin-1")
    )
    result = run(lib, "import", str(bib))
    assert result.exit_code == 0, result.output
    assert f"warning: {bib}:1: not UTF-8: read as Latin-1 (Windows-1252)\n" in result.stderr
    assert json.loads(run(lib, "show", "--json", "k").stdout)[0]["title"] == "Café"


def test_import_of_unreadable_input_is_an_error_and_changes_nothing(
    lib: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[{", encoding="utf-8")
    before = lib.read_bytes()
    result = run(lib, "import", str(bad))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith("Error: ")
    assert lib.read_bytes() == before


def test_csl_json_round_trip_through_export_and_import(lib: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.json"
    assert run(lib, "export", "-o", str(out)).exit_code == 0
    fresh = tmp_path / "fresh.yaml"
    CliRunner().invoke(cli, ["init", str(fresh)])
    result = run(fresh, "import", str(out))
    assert result.exit_code == 0, result.output
    original = json.loads(run(lib, "list", "--json").stdout)
    again = json.loads(run(fresh, "list", "--json").stdout)
    assert again == original


def test_add_stdin_bibtex(lib: Path) -> None:
    result = run(
        lib, "add", "-", input="@misc{newkey, title = {On}, author = {No, Tae-woo}, year = 2020}\n"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "newkey\n"
    data = json.loads(run(lib, "show", "--json", "newkey").stdout)[0]
    assert (data["title"], data["author"]) == ("On", [{"family": "No", "given": "Tae-woo"}])


def test_a_block_bibtexparser_gives_up_on_is_one_warning_of_ours(lib: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    bib = tmp_path / "bad.bib"
    bib.write_text(
        "@article{a, title = {Unclosed\n@book{b, title = {Fine}, year = 2001}\n@misc(c, title={x})\n",
        encoding="utf-8",
    )
    # A process of its own: pytest's log capture would hide what logging prints.
    result = subprocess.run(
        [sys.executable, "-m", "mnkbib", "-l", str(lib), "import", str(bib)],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["b", "c"]
    assert "Parsing of" not in result.stderr  # bibtexparser's own logging stays quiet
    assert f"warning: {bib}:1: could not parse '@article{{a, title = {{Unclosed'" in result.stderr
