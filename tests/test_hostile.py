"""Hostile input: a library file (say, from a pull request) written to do harm.

Code-running YAML tags, alias bombs, deep nesting and huge scalars are refused or
handled in bounded time and memory; exports cannot be made into something else
(a second BibTeX entry, a link or a script in Markdown and HTML); keys never
become file names.
"""

from __future__ import annotations

import html.parser
import importlib.util
import re
import time
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from mnkbib.cli import cli
from mnkbib.errors import MnkbibError
from mnkbib.store import Store, parse_library
from mnkbib.yamlsafe import load_text

HEAD = "mnkbib: 1\nentries:\n"


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "library.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def run(path: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-l", str(path), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


# ---------------------------------------------------------------------------
# YAML that would run code or blow up


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:os.system ['touch {marker}']",
        "!!python/name:os.system",
        "!!python/module:os",
        "!<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']",
        "!!binary aGVsbG8=",
        "!!set {{a, b}}",
        "!!timestamp 2001-12-14",
        "!custom thing",
    ],
)
def test_tags_refused(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "pwned"
    path = write(tmp_path, f"  k:\n    type: book\n    title: {tag.format(marker=marker)}\n")
    code, _, err = run(path, "list")
    assert code == 1
    assert err.startswith(f"Error: {path}:5:") and err.count("\n") == 1
    assert not marker.exists()


def laughs(levels: int = 10, width: int = 10) -> str:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_refused_in_bounded_time_and_memory() -> None:
    text = laughs()  # 10^10 "lol"s if expanded
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(MnkbibError, match=r"lib\.yaml:1:5: anchors .* not allowed"):
        load_text(text, source="lib.yaml")
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 5_000_000


def test_alias_without_anchor_and_merge_keys_refused() -> None:
    with pytest.raises(MnkbibError):
        load_text("a: *nothing\n", source="lib.yaml")
    with pytest.raises(MnkbibError, match="merge keys"):
        load_text("a: {x: 1}\nb:\n  <<: {x: 2}\n", source="lib.yaml")


@pytest.mark.parametrize(
    "nested",
    ["[" * 100_000 + "]" * 100_000, "{a: " * 50_000 + "b" + "}" * 50_000],
    ids=["lists", "mappings"],
)
def test_deep_nesting_refused_quickly(nested: str) -> None:
    text = HEAD + "  k:\n    type: book\n    note: " + nested + "\n"
    started = time.perf_counter()
    with pytest.raises(MnkbibError, match=r"lib\.yaml:5:\d+: "):
        parse_library(text, "lib.yaml")
    assert time.perf_counter() - started < 2.0


def test_deep_block_nesting_refused_quickly() -> None:
    text = HEAD + "".join("  " * (i + 1) + "a:\n" for i in range(5000))
    started = time.perf_counter()
    with pytest.raises(MnkbibError):
        parse_library(text, "lib.yaml")
    assert time.perf_counter() - started < 2.0


@pytest.mark.slow
def test_huge_scalar_is_handled(tmp_path: Path) -> None:
    size = 50_000_000
    path = tmp_path / "library.yaml"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEAD + "  k:\n    type: book\n    title: T\n    note: ")
        handle.write("x" * size)
        handle.write("\n")
    started = time.perf_counter()
    entry = Store(path).read().get("k")
    assert len(entry.get("note")) == size
    assert time.perf_counter() - started < 15


def test_huge_key_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "  " + "k" * 100_000 + ":\n    type: book\n")
    code, _, err = run(path, "list")
    assert code == 1 and err.startswith(f"Error: {path}:3:") and err.count("\n") == 1


# ---------------------------------------------------------------------------
# Exports cannot be turned into something else

EVIL_TITLE = (
    "Evil} , note = {x}}\\n@misc{evil2, title = {pwned}}\\n"
    "[x](javascript:alert(1)) <script>alert(1)</script> <img src=x onerror=alert(1)>"
    "\\n# Heading\\n- item\\n<iframe src=//evil>"
)
EVIL = f"""\
  evil:
    type: article-journal
    title: "{EVIL_TITLE}"
    author:
      - {{family: "Doe}}, title={{pwned}}", given: "<script>x</script>"}}
    container: "J}} @misc{{evil4,"
    date: 2020
    url: "javascript:alert(1)"
    note: "line1\\n@misc{{evil3,\\n  title={{x}}}}\\n<script>alert(2)</script>"
"""


def exported(tmp_path: Path, *args: str) -> str:
    path = write(tmp_path, EVIL)
    code, out, err = run(path, "export", *args)
    if code != 0 and ("not written" in err.lower() or "unknown format" in err.lower()):
        pytest.skip(f"export {' '.join(args)} is not in the tree yet: {err.strip()}")
    assert code == 0, err
    return out


def _exporter_ready(name: str) -> None:
    if importlib.util.find_spec("mnkbib.formats") is None:
        pytest.skip("mnkbib.formats is not in the tree yet")
    from mnkbib.formats import FORMATS

    if name not in FORMATS or FORMATS[name].write is None:
        pytest.skip(f"no {name} writer yet")


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_bibtex_export_is_one_entry(tmp_path: Path, fmt: str) -> None:
    _exporter_ready(fmt)
    import bibtexparser

    text = exported(tmp_path, "-f", fmt)
    parsed = bibtexparser.parse_string(text)
    assert [e.key for e in parsed.entries] == ["evil"]
    assert parsed.failed_blocks == []
    assert len(parsed.blocks) == 1
    fields = {f.key: f.value for f in parsed.entries[0].fields}
    assert "pwned" in fields["title"] and "evil2" in fields["title"]
    assert "evil3" in fields["note"]
    # braces balance inside every field: nothing can close the entry early
    for value in fields.values():
        depth = 0
        for ch in re.sub(r"\\.", "", value):
            depth += {"{": 1, "}": -1}.get(ch, 0)
            assert depth >= 0
        assert depth == 0


def test_ris_export_is_one_record(tmp_path: Path) -> None:
    _exporter_ready("ris")
    text = exported(tmp_path, "-f", "ris")
    assert len(re.findall(r"^TY  - ", text, re.MULTILINE)) == 1
    assert len(re.findall(r"^ER  - ", text, re.MULTILINE)) == 1
    from mnkbib.formats import get_format

    reader = get_format("ris").read
    if reader is not None:
        assert len(reader(text, "out.ris").entries) == 1


ALLOWED_TAGS = {"div", "span", "em", "strong", "i", "b", "sup", "sub", "a", "p", "ul", "ol", "li"}


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def assert_inert_html(text: str) -> None:
    parser = _Tags()
    parser.feed(text)
    for tag, attrs in parser.found:
        assert tag in ALLOWED_TAGS, (tag, text)
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src"):
                assert value and re.match(r"https?://|#|mailto:", value), (tag, value)


def test_html_export_is_inert(tmp_path: Path) -> None:
    if importlib.util.find_spec("mnkbib.styles") is None:
        pytest.skip("mnkbib.styles is not in the tree yet")
    text = exported(tmp_path, "-f", "chicago", "--to", "html")
    assert "&lt;script&gt;" in text.lower() or "&lt;script" in text.lower()
    assert_inert_html(text)


@pytest.mark.parametrize(
    "args",
    [["-f", "chicago", "--to", "markdown"], ["-f", "markdown"]],
    ids=["chicago-markdown", "markdown-list"],
)
def test_markdown_export_is_inert(tmp_path: Path, args: list[str]) -> None:
    if importlib.util.find_spec("mnkbib.styles") is None:
        pytest.skip("mnkbib.styles is not in the tree yet")
    text = exported(tmp_path, *args)
    # no raw HTML and no live link syntax in the Markdown source
    assert not re.search(r"(?<!\\)<(?:script|img|iframe)", text, re.IGNORECASE), text
    assert not re.search(r"(?<!\\)\]\(javascript:", text), text
    assert not re.search(r"^#", text, re.MULTILINE), text  # no heading smuggled in a title
    try:
        import pypandoc

        rendered = pypandoc.convert_text(text, "html", format="markdown")
    except (ImportError, OSError, RuntimeError):
        return
    assert_inert_html(rendered)
    assert "<h1" not in rendered


# ---------------------------------------------------------------------------
# Keys


@pytest.mark.parametrize("key", ["x,title={y}", "x}", "a b", "x\\y", '"q"', "k#1", "x=1", "%x"])
def test_keys_that_would_break_exports_are_refused_on_read(tmp_path: Path, key: str) -> None:
    quoted = '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'
    path = write(tmp_path, f"  {quoted}:\n    type: book\n    title: T\n")
    code, _, err = run(path, "list")
    assert code == 1 and "invalid citation key" in err


def test_a_key_never_becomes_a_file_name(tmp_path: Path) -> None:
    path = write(tmp_path, "  ../../etc/x:\n    type: book\n    title: T\n")
    work = tmp_path / "work"
    work.mkdir()
    home = tmp_path / "home"  # the isolated $HOME: caches may appear there

    def files() -> list[Path]:
        return sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if home not in p.parents)

    before = files()
    for fmt, name in (("bibtex", "out.bib"), ("csl-json", "out.json"), ("yaml", "out.yaml")):
        code, _, err = run(path, "export", "-f", fmt, "-o", str(work / name))
        if code != 0 and "format" in err:
            continue
        assert code == 0, err
    after = files()
    new = {p for p in after if p not in before}
    assert new <= {Path("work/out.bib"), Path("work/out.json"), Path("work/out.yaml")}
    assert not (tmp_path.parent / "etc").exists()


def test_output_file_is_a_directory(tmp_path: Path) -> None:
    path = write(tmp_path, "  k:\n    type: book\n    title: T\n")
    code, _, err = run(path, "export", "-f", "csl-json", "-o", str(tmp_path))
    if "export" not in cli.commands:
        pytest.skip("no export command yet")
    assert code == 1 and err.startswith("Error: ") and "is a directory" in err


# ---------------------------------------------------------------------------
# Terminal output


def test_list_does_not_send_control_sequences_to_the_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, '  k:\n    type: book\n    title: "A\\e]0;pwned\\a\\e[2J title"\n')
    for tty in ("", "1"):
        monkeypatch.setenv("MNKBIB_FORCE_TTY", tty)
        code, out, _ = run(path, "list")
        assert code == 0
        assert "\x1b]" not in out and "\x1b[2J" not in out and "\x07" not in out
