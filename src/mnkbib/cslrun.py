"""Any CSL style, rendered by pandoc's citeproc when pandoc is installed (optional).

mnkbib renders Chicago itself; this is the extra door for other styles. CSL-JSON
goes to ``pandoc --citeproc`` on stdin's document; pandoc is looked up on PATH, or
in the pypandoc-binary package when that is installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from mnkbib.errors import MnkbibError
from mnkbib.formats.csl_json import entry_to_csl
from mnkbib.model import Entry

_WRITERS = {"text": "plain", "markdown": "markdown_strict", "html": "html"}


def find_pandoc() -> str | None:
    found = shutil.which("pandoc")
    if found:
        return found
    try:
        import pypandoc  # type: ignore[import-not-found]

        return str(pypandoc.get_pandoc_path())
    except (ImportError, OSError):
        return None


def render_with_csl(entries: Sequence[Entry], csl: Path, *, to: str = "text") -> str:
    if not csl.is_file():
        raise MnkbibError(f"{csl}: no such CSL style file")
    pandoc = find_pandoc()
    if pandoc is None:
        raise MnkbibError(
            "--csl needs pandoc (3.x) and it is not installed: install pandoc, or "
            "`pip install pypandoc-binary`"
        )
    with tempfile.TemporaryDirectory() as tmp:
        refs = Path(tmp) / "refs.json"
        refs.write_text(
            json.dumps([entry_to_csl(e) for e in entries], ensure_ascii=False), encoding="utf-8"
        )
        doc = '---\nnocite: "@*"\n---\n'
        try:
            done = subprocess.run(
                [
                    pandoc,
                    "--citeproc",
                    "--bibliography",
                    str(refs),
                    "--csl",
                    str(csl),
                    "-f",
                    "markdown",
                    "-t",
                    _WRITERS[to],
                    "--wrap=none",
                ],
                input=doc,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise MnkbibError(f"pandoc failed: {exc}") from None
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["unknown error"])[0]
        raise MnkbibError(f"pandoc failed with {csl}: {first}")
    return done.stdout
