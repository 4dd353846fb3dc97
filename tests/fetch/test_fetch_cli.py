"""`mnkbib add IDENTIFIER` end to end, against the local replay server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fetch_replay import ReplayServer

from mnkbib.cli import cli


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    path = tmp_path / "lib.yaml"
    assert CliRunner().invoke(cli, ["init", str(path)]).exit_code == 0
    return path


def run(path: Path, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["-l", str(path), *args], input=input)


def test_add_doi_adds_the_crossref_record(lib: Path, replay: ReplayServer) -> None:
    result = run(lib, "add", "https://doi.org/10.1038/s41586-020-2649-2", "--tag", "numpy")
    assert result.exit_code == 0, result.output
    key = result.stdout.strip()
    assert key == "harris2020array"
    entry = json.loads(run(lib, "show", "--json", key).stdout)[0]
    assert entry["type"] == "article-journal"
    assert entry["title"] == "Array programming with NumPy"
    assert entry["author"][0] == {"family": "Harris", "given": "Charles R."}
    assert entry["container"] == "Nature"
    assert entry["doi"] == "10.1038/s41586-020-2649-2"
    assert entry["date"] == "2020-09-16"
    assert entry["tags"] == ["numpy"]


def test_adding_the_same_doi_twice_is_refused_and_changes_nothing(
    lib: Path, replay: ReplayServer
) -> None:
    assert run(lib, "add", "10.1038/s41586-020-2649-2").exit_code == 0
    before = lib.read_bytes()
    replay.requests.clear()
    again = run(lib, "add", "doi:10.1038/S41586-020-2649-2")
    assert again.exit_code == 1
    assert again.stderr == (
        "Error: DOI 10.1038/S41586-020-2649-2 is already in the library as harris2020array; "
        "nothing added\n"
    )
    assert replay.requests == []  # known before fetching: no request was made
    assert lib.read_bytes() == before


def test_several_identifiers_on_stdin(lib: Path, replay: ReplayServer) -> None:
    result = run(lib, "add", "-", input="10.5061/dryad.8515\narXiv:1706.03762v5\n")
    assert result.exit_code == 0, result.output
    assert len(result.stdout.split()) == 2


def test_dry_run_prints_and_writes_nothing(lib: Path, replay: ReplayServer) -> None:
    before = lib.read_bytes()
    result = run(lib, "add", "--dry-run", "1706.03762v5")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "vaswani2017attention:\n  type: article\n  title: Attention Is All You Need\n"
    )
    assert lib.read_bytes() == before


@pytest.mark.parametrize(
    ("identifier", "message"),
    [
        ("10.1234/missing", "Error: DOI 10.1234/missing not found (127.0.0.1"),
        ("10.1234/garbled", None),
        ("10.1234/busy", None),
    ],
)
def test_failures_are_one_line_and_leave_the_library_untouched(
    lib: Path, replay: ReplayServer, identifier: str, message: str | None
) -> None:
    before = lib.read_bytes()
    result = run(lib, "add", identifier)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    if message is not None:
        assert result.stderr.startswith(message) and result.stderr.endswith(" answered 404)\n")
    assert lib.read_bytes() == before


def test_no_network_is_a_clear_error(lib: Path) -> None:
    result = run(lib, "add", "10.1038/s41586-020-2649-2")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no network: could not reach")
