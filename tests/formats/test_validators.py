"""The output passes the real tools: biber's data-model check, bibtool, and LaTeX runs
(biblatex + biber, bibtex + plain.bst) of a document that \\nocite{*}s it.

Install the tools with tests/tools/install-validators.sh (Debian packages).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mnkbib.formats import decode_bytes, get_format
from mnkbib.model import Entry, entry_from_raw

from .roundtrip import CORPUS

pytestmark = pytest.mark.tools


def _need(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (tests/tools/install-validators.sh)")


def _entries() -> list[Entry]:
    """The corpus (Latin script: LaTeX's default fonts set it) and entries of every type."""
    out: list[Entry] = []
    for path in sorted(CORPUS.glob("*.bib")):
        if path.name == "bbt-1481-unicode-latex.bib":
            continue  # \textacutemacron needs the tipa package
        text, _ = decode_bytes(path.read_bytes())
        keys = {e.key for e in out}
        out.extend(
            e for e in get_format("bibtex").read(text, path.name).entries if e.key not in keys
        )
    from mnkbib.types import ENTRY_TYPES

    for etype in ENTRY_TYPES:
        out.append(
            entry_from_raw(
                f"t-{etype}",
                {
                    "type": etype,
                    "title": "The UN in Mongolia: 100% & $5 #1 a_b {x} ~ ^ }@misc{evil,",
                    "subtitle": "Müller's Straße",
                    "author": [
                        "Dierkes, Julian",
                        {"family": "MENDEE", "given": "Jargalsaikhan", "family-first": True},
                        {"family": "Berg", "given": "Jan", "particle": "van der"},
                        {"family": "Beethoven", "given": "Ludwig", "dropping-particle": "von"},
                        "Müller, Jr., Hans",
                        "{World Bank}",
                    ],
                    "editor": ["Vũ Ngọc, San"],
                    "date": "2018-03-25",
                    "container": "The Diplomat",
                    "pages": "12–34",
                    "publisher": "Harcourt & Brace",
                    "place": "Ulaanbaatar",
                    "language": "en",
                    "doi": "10.1175/1520-0493(1987)115<1606:GARSPP>2.0.CO;2",
                    "url": "https://example.org/a_b%20c?d=1&e=2#f",
                    "accessed": "2024-01-02",
                    "tags": ["mongolia", "politics"],
                },
            )
        )
    return out


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd,
        cwd=cwd,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_biber_validates_biblatex(tmp_path: Path) -> None:
    _need("biber")
    result = get_format("biblatex").write(_entries())
    (tmp_path / "refs.bib").write_text(result.text, encoding="utf-8")
    run = _run(["biber", "--tool", "--validate-datamodel", "refs.bib"], tmp_path)
    log = run.stdout + run.stderr
    assert run.returncode == 0, log
    assert "ERROR" not in log
    # Every biber warning is one the writer gave: nothing is lost unannounced.
    warned = "\n".join(result.warnings)
    for m in re.finditer(
        r"WARN - Datamodel: Entry '([^']+)' \([^)]*\): (?:Invalid field '([^']+)'|Field '([^']+)' invalid)",
        log,
    ):
        key, field = m.group(1), m.group(2) or m.group(3)
        assert f"{key}: field '{field.lower()}'" in warned, m.group(0)
    others = [
        line
        for line in log.splitlines()
        if line.startswith("WARN") and "Datamodel: Entry" not in line and "ISBN" not in line
    ]
    # A season in "month" (bbt-1810): kept as it is, and the writer said so.
    assert "hinton88rht: field 'month'" in warned
    others = [line for line in others if "legacy month field 'fall'" not in line]
    assert others == []


def test_bibtool_parses_bibtex(tmp_path: Path) -> None:
    _need("bibtool")
    result = get_format("bibtex").write(_entries())
    (tmp_path / "refs.bib").write_text(result.text, encoding="utf-8")
    run = _run(["bibtool", "-q", "-i", "refs.bib", "-o", "out.bib"], tmp_path)
    assert run.returncode == 0, run.stderr
    assert "***" not in run.stderr, run.stderr
    assert run.stdout.count("@") == 0
    written = (tmp_path / "out.bib").read_text(encoding="utf-8", errors="replace")
    assert written.count("\n@") + written.startswith("@") == result.text.count("\n@") + 1


_DOC_BIBTEX = r"""\documentclass{article}
\usepackage[utf8]{inputenc}
\usepackage[T1]{fontenc}
\usepackage{url}
\begin{document}
\nocite{*}
\bibliographystyle{plain}
\bibliography{refs}
\end{document}
"""

_DOC_BIBLATEX = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage[english]{babel}
\usepackage[backend=biber,autolang=none]{biblatex}
% UTF-8 output: characters outside T1 need a definition under pdflatex.
\DeclareUnicodeCharacter{1ECD}{\d{o}}
\addbibresource{refs.bib}
\begin{document}
\nocite{*}
\printbibliography
\end{document}
"""


def _latex_errors(log: str) -> list[str]:
    return [line for line in log.splitlines() if line.startswith("!")]


def test_latex_with_bibtex_and_plain_bst(tmp_path: Path) -> None:
    _need("pdflatex", "bibtex")
    (tmp_path / "refs.bib").write_text(
        get_format("bibtex").write(_entries()).text, encoding="utf-8"
    )
    (tmp_path / "doc.tex").write_text(_DOC_BIBTEX, encoding="utf-8")
    first = _run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], tmp_path)
    assert first.returncode == 0, _latex_errors(first.stdout)
    bib = _run(["bibtex", "doc"], tmp_path)
    assert "error message" not in bib.stdout, bib.stdout
    assert bib.returncode in (0, 1), bib.stdout  # 1: warnings only (empty fields)
    second = _run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], tmp_path)
    assert second.returncode == 0, _latex_errors(second.stdout)
    assert _latex_errors(second.stdout) == []


def test_latex_with_biblatex_and_biber(tmp_path: Path) -> None:
    _need("pdflatex", "biber")
    (tmp_path / "refs.bib").write_text(
        get_format("biblatex").write(_entries()).text, encoding="utf-8"
    )
    (tmp_path / "doc.tex").write_text(_DOC_BIBLATEX, encoding="utf-8")
    first = _run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], tmp_path)
    assert first.returncode == 0, _latex_errors(first.stdout)
    biber = _run(["biber", "doc"], tmp_path)
    assert biber.returncode == 0, biber.stdout
    assert "ERROR" not in biber.stdout
    second = _run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], tmp_path)
    assert second.returncode == 0, _latex_errors(second.stdout)
    assert _latex_errors(second.stdout) == []
