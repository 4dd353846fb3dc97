"""The per-entry three-way merge (mnkbib.merge) and the git merge driver, with real git."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from mnkbib.cli.common import MnkbibGroup
from mnkbib.cli.git import DRIVER_COMMAND, git_setup, merge_driver
from mnkbib.merge import NotMergeable, merge_libraries, take_side
from mnkbib.store import parse_library

HEAD = "# our library\nmnkbib: 1\nentries:\n"


def entry(key: str, title: str, **fields: str) -> str:
    lines = [f"  {key}:", "    type: book", f"    title: {title}"]
    lines += [f"    {name}: {value}" for name, value in fields.items()]
    return "\n".join(lines) + "\n"


BASE = HEAD + entry("a", "Alpha", note="first") + entry("b", "Beta") + entry("c", "Gamma")


def entries(text: str) -> dict[str, dict[str, object]]:
    snap = parse_library(text, "merged")
    return {
        k: {"type": e.type, **{n: str(v) for n, v in e.fields.items()}}
        for k, e in snap.entries.items()
    }


def cli_group() -> click.Group:
    """mnkbib's command group with the git commands, registered or not."""
    from mnkbib.cli import cli

    commands = {**cli.commands, "merge-driver": merge_driver, "git-setup": git_setup}
    return MnkbibGroup(name="mnkbib", callback=cli.callback, params=cli.params, commands=commands)


# ---------------------------------------------------------------------------
# merge_libraries


def test_unchanged_theirs_gives_ours_byte_identical() -> None:
    ours = BASE.replace("Beta", "Beta (2nd ed.)  # a comment") + "# trailing comment\n"
    assert merge_libraries(BASE, ours, BASE).text == ours


def test_unchanged_ours_gives_theirs_entries() -> None:
    theirs = BASE.replace("Gamma", "Gamma II") + entry("d", "Delta")
    result = merge_libraries(BASE, BASE, theirs)
    assert result.clean
    assert result.text == theirs


def test_both_add_different_entries_kept_ours_in_place_theirs_appended_in_their_order() -> None:
    ours = BASE + entry("o1", "Ours one") + entry("o2", "Ours two")
    theirs = BASE + entry("t2", "Theirs two") + entry("t1", "Theirs one")
    result = merge_libraries(BASE, ours, theirs)
    assert result.clean
    assert list(entries(result.text)) == ["a", "b", "c", "o1", "o2", "t2", "t1"]
    assert result.text.startswith(ours)
    # deterministic
    assert merge_libraries(BASE, ours, theirs).text == result.text


def test_same_entry_added_on_both_sides_once() -> None:
    both = BASE + entry("n", "New")
    result = merge_libraries(BASE, both, both)
    assert result.clean
    assert result.text == both


def test_same_key_added_differently_conflicts_per_field() -> None:
    ours = BASE + entry("n", "New", note="ours")
    theirs = BASE + entry("n", "New", note="theirs", volume="3")
    result = merge_libraries(BASE, ours, theirs)
    assert [str(c) for c in result.conflicts] == ['conflict: n.note: ours "ours" / theirs "theirs"']
    assert entries(take_side(result.text, "ours"))["n"]["volume"] == "3"
    assert entries(take_side(result.text, "theirs"))["n"]["note"] == "theirs"


def test_removed_on_one_side_unchanged_on_the_other_is_removed() -> None:
    ours = BASE.replace(entry("b", "Beta"), "")
    result = merge_libraries(BASE, ours, BASE + entry("d", "Delta"))
    assert result.clean
    assert list(entries(result.text)) == ["a", "c", "d"]
    result = merge_libraries(BASE, BASE, ours)
    assert result.clean and list(entries(result.text)) == ["a", "c"]


def test_removed_on_one_side_changed_on_the_other_is_a_conflict_and_kept() -> None:
    ours = BASE.replace(entry("b", "Beta"), "")
    theirs = BASE.replace("Beta", "Beta revised")
    result = merge_libraries(BASE, ours, theirs)
    assert [str(c) for c in result.conflicts] == [
        "conflict: b: ours removed it / theirs changed it (title)"
    ]
    assert "b" not in entries(take_side(result.text, "ours"))
    assert entries(take_side(result.text, "theirs"))["b"]["title"] == "Beta revised"
    # the mirror image
    result = merge_libraries(BASE, theirs, ours)
    assert [str(c) for c in result.conflicts] == [
        "conflict: b: ours changed it (title) / theirs removed it"
    ]


def test_changed_on_one_side_taken_with_their_bytes() -> None:
    theirs = BASE.replace("title: Gamma", "title: 'Gamma II'   # quoted on purpose")
    theirs = theirs.replace("title: Beta", "title: Beta  # a comment, nothing else")
    ours = BASE + entry("o", "Ours")
    result = merge_libraries(BASE, ours, theirs)
    assert result.clean
    assert "title: 'Gamma II'   # quoted on purpose\n" in result.text
    assert "title: Beta  # a comment, nothing else\n" in result.text


def test_both_changed_different_fields_merged() -> None:
    ours = BASE.replace("title: Alpha", "title: Alpha, revised")
    theirs = BASE.replace("note: first", "note: first\n    volume: 2")
    result = merge_libraries(BASE, ours, theirs)
    assert result.clean
    a = entries(result.text)["a"]
    assert a["title"] == "Alpha, revised" and a["volume"] == "2" and a["note"] == "first"
    # the untouched entries keep our bytes
    assert entry("b", "Beta") + entry("c", "Gamma") in result.text


def test_field_removed_on_one_side_changed_on_other_conflicts() -> None:
    ours = BASE.replace("    note: first\n", "")
    theirs = BASE.replace("note: first", "note: second")
    result = merge_libraries(BASE, ours, theirs)
    assert [str(c) for c in result.conflicts] == [
        'conflict: a.note: ours (no such field) / theirs "second"'
    ]


def test_same_field_changed_differently_is_reported_and_nothing_dropped() -> None:
    ours = BASE.replace("Beta", "Beta ours") + entry("o", "Ours")
    theirs = BASE.replace("Beta", "Beta theirs").replace("Gamma", "Gamma theirs")
    result = merge_libraries(BASE, ours, theirs)
    assert [str(c) for c in result.conflicts] == [
        'conflict: b.title: ours "Beta ours" / theirs "Beta theirs"'
    ]
    text = result.text
    assert "Beta ours" in text and "Beta theirs" in text
    # markers around that entry only
    assert text.count("<<<<<<< ours\n") == 1 and text.count(">>>>>>> theirs\n") == 1
    start, end = text.index("<<<<<<< ours"), text.index(">>>>>>> theirs")
    assert "Gamma" not in text[start:end] and "Alpha" not in text[start:end]
    # either resolution is a valid library holding every clean change
    for side, title in (("ours", "Beta ours"), ("theirs", "Beta theirs")):
        got = entries(take_side(text, side))
        assert got["b"]["title"] == title
        assert got["c"]["title"] == "Gamma theirs"
        assert "o" in got
    # the conflicted file is refused with a clear message, not used half-merged
    with pytest.raises(Exception, match=r"merged:8: unresolved git merge conflict"):
        parse_library(text, "merged")


def test_rename_on_one_side_and_change_on_the_other() -> None:
    ours = BASE.replace("  b:\n", "  beta2020:\n")
    theirs = BASE.replace("title: Beta", "title: Beta\n    volume: 7")
    result = merge_libraries(BASE, ours, theirs)
    assert result.clean
    got = entries(result.text)
    assert list(got) == ["a", "beta2020", "c"]
    assert got["beta2020"]["volume"] == "7"
    result = merge_libraries(BASE, theirs, ours)  # the other way round
    assert result.clean and list(entries(result.text)) == ["a", "beta2020", "c"]


def test_renamed_differently_on_both_sides_conflicts() -> None:
    ours = BASE.replace("  b:\n", "  b1:\n")
    theirs = BASE.replace("  b:\n", "  b2:\n")
    result = merge_libraries(BASE, ours, theirs)
    assert [str(c) for c in result.conflicts] == ['conflict: b.key: ours "b1" / theirs "b2"']
    assert "b1" in entries(take_side(result.text, "ours"))
    assert "b2" in entries(take_side(result.text, "theirs"))


def test_header_change_taken_and_header_conflict_marked() -> None:
    theirs = BASE.replace("# our library", "# our library (shared)")
    result = merge_libraries(BASE, BASE + entry("o", "O"), theirs)
    assert result.clean and result.text.startswith("# our library (shared)\n")
    ours = BASE.replace("# our library", "# mine")
    result = merge_libraries(BASE, ours, theirs)
    assert [c.key for c in result.conflicts] == ["(file header)"]
    assert "# mine" in result.text and "# our library (shared)" in result.text


def test_crlf_and_other_indentation_kept() -> None:
    base = BASE.replace("\n", "\r\n")
    ours = base.replace("Alpha", "Alpha2")
    theirs = (BASE + entry("t", "Theirs")).replace("\n    ", "\n      ")  # 4-space fields, LF
    result = merge_libraries(base, ours, theirs)
    assert result.clean
    assert "\n" not in result.text.replace("\r\n", "")
    assert list(entries(result.text)) == ["a", "b", "c", "t"]


def test_empty_base_and_empty_flow_entries() -> None:
    empty = "mnkbib: 1\nentries: {}\n"
    result = merge_libraries("", empty, "mnkbib: 1\nentries:\n" + entry("x", "X"))
    assert result.clean
    assert list(entries(result.text)) == ["x"]
    result = merge_libraries(empty, empty + "# end\n", empty)
    assert result.text == empty + "# end\n"


def test_not_a_library_is_not_mergeable() -> None:
    with pytest.raises(NotMergeable, match="theirs"):
        merge_libraries(BASE, BASE, BASE + "  broken: [\n")
    flow = "mnkbib: 1\nentries: {a: {type: book, title: A}}\n"
    with pytest.raises(NotMergeable, match="one block per key"):
        merge_libraries(BASE, flow, BASE)


# ---------------------------------------------------------------------------
# The CLI commands


def test_merge_driver_command(tmp_path: Path) -> None:
    files = {}
    texts = {
        "O": BASE,
        "A": BASE.replace("Beta", "Beta ours"),
        "B": BASE.replace("Beta", "Beta theirs") + entry("d", "D"),
    }
    for name, text in texts.items():
        files[name] = tmp_path / name
        files[name].write_text(text, encoding="utf-8")
    args = ["merge-driver", str(files["O"]), str(files["A"]), str(files["B"]), "--path", "lib.yaml"]
    result = CliRunner().invoke(cli_group(), args)
    assert result.exit_code == 1
    assert 'conflict: b.title: ours "Beta ours" / theirs "Beta theirs"' in result.stderr
    assert "Traceback" not in result.output
    merged = files["A"].read_text(encoding="utf-8")
    assert "d" in entries(take_side(merged, "ours"))
    # clean: exit 0, quiet
    files["A"].write_text(BASE + entry("o", "O"), encoding="utf-8")
    files["B"].write_text(BASE + entry("t", "T"), encoding="utf-8")
    result = CliRunner().invoke(cli_group(), args)
    assert result.exit_code == 0, result.output
    assert list(entries(files["A"].read_text(encoding="utf-8"))) == ["a", "b", "c", "o", "t"]


def test_merge_driver_falls_back_to_line_merge(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    o, a, b = tmp_path / "O", tmp_path / "A", tmp_path / "B"
    o.write_text("not: [a library\n", encoding="utf-8")
    a.write_text("not: [a library\nours\n", encoding="utf-8")
    b.write_text("not: [a library\n", encoding="utf-8")
    result = CliRunner().invoke(cli_group(), ["merge-driver", str(o), str(a), str(b)])
    assert result.exit_code == 0, result.output
    assert "merging line by line" in result.stderr
    assert a.read_text(encoding="utf-8") == "not: [a library\nours\n"


# ---------------------------------------------------------------------------
# Real git


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
    }
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env)
    if check and done.returncode != 0:
        raise AssertionError(f"git {args}: {done.stdout}{done.stderr}")
    return done


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "mnkbib.yaml").write_text(BASE, encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    runner = CliRunner()
    for _ in range(2):  # idempotent
        result = runner.invoke(cli_group(), ["-l", str(root / "mnkbib.yaml"), "git-setup"])
        assert result.exit_code == 0, result.output
    assert (root / ".gitattributes").read_text(encoding="utf-8") == "mnkbib.yaml merge=mnkbib\n"
    assert git(root, "config", "merge.mnkbib.driver").stdout.strip() == DRIVER_COMMAND
    assert git(root, "config", "merge.mnkbib.name").stdout.strip()
    from mnkbib.cli import cli

    if "merge-driver" not in cli.commands:  # not registered yet: run the command module directly
        command = (
            f'"{sys.executable}" -c "from mnkbib.cli.git import merge_driver; merge_driver()" '
            + DRIVER_COMMAND.split("merge-driver ", 1)[1]
        )
        git(root, "config", "merge.mnkbib.driver", command)
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    return root


def branch_edit(repo: Path, branch: str, text: str) -> None:
    git(repo, "checkout", "-q", "-b", branch, "main")
    (repo / "mnkbib.yaml").write_text(text, encoding="utf-8")
    git(repo, "commit", "-q", "-am", branch)


def merge(repo: Path, ours: str, theirs: str) -> subprocess.CompletedProcess[str]:
    branch_edit(repo, "theirs", theirs)
    branch_edit(repo, "ours", ours)
    return git(repo, "merge", "--no-edit", "theirs", check=False)


def test_git_branches_adding_entries_merge_cleanly(repo: Path) -> None:
    done = merge(repo, BASE + entry("o", "Ours"), BASE + entry("t", "Theirs"))
    assert done.returncode == 0, done.stdout + done.stderr
    merged = (repo / "mnkbib.yaml").read_text(encoding="utf-8")
    assert list(entries(merged)) == ["a", "b", "c", "o", "t"]
    assert git(repo, "status", "--porcelain").stdout == ""


def test_git_branches_editing_different_fields_merge(repo: Path) -> None:
    done = merge(
        repo,
        BASE.replace("title: Beta", "title: Beta\n    volume: 1"),
        BASE.replace("title: Beta", "title: Beta\n    issue: 2").replace("Gamma", "Gamma 2"),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    got = entries((repo / "mnkbib.yaml").read_text(encoding="utf-8"))
    assert got["b"]["volume"] == "1" and got["b"]["issue"] == "2"
    assert got["c"]["title"] == "Gamma 2"


def test_git_branches_editing_one_field_conflict_nothing_dropped(repo: Path) -> None:
    done = merge(
        repo,
        BASE.replace("note: first", "note: ours") + entry("o", "Ours"),
        BASE.replace("note: first", "note: theirs") + entry("t", "Theirs"),
    )
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert 'conflict: a.note: ours "ours" / theirs "theirs"' in output
    assert "CONFLICT" in output
    merged = (repo / "mnkbib.yaml").read_text(encoding="utf-8")
    assert "note: ours" in merged and "note: theirs" in merged
    assert list(entries(take_side(merged, "theirs"))) == ["a", "b", "c", "o", "t"]
    assert "UU mnkbib.yaml" in git(repo, "status", "--porcelain").stdout
