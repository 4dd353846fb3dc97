"""Render the Chicago corpus with pandoc's citeproc and save golden files.

Run by hand (needs pypandoc-binary):  python tests/styles/make_golden.py

For each style (author-date, notes-bibliography, shortened-notes) pandoc renders one document that
cites every corpus item (``nocite: "@*"`` plus the cases below). The citeproc result is taken as a
pandoc AST; every piece (bibliography entry, in-text citation, note) is cut out and converted on its
own to plain text, markdown and HTML, so each golden string is what pandoc writes for that piece
as a paragraph of its own.

Normalisations (the only ones): attribute-less spans that citeproc puts around quoted titles are
and ``nocase`` spans are unwrapped, markdown is written with ``-smart`` (so curly quotes and dashes stay characters, as
mnkbib writes them) and the HTML ``<p>`` wrapper is dropped.

Golden file: ``data/golden/corpus.<style>.<format>.json`` =
``{"bibliography": [[id, text], ...], "citation": {case: text}}`` for author-date and
``{"bibliography": ..., "full": {id: text}, "short": ..., "full-loc": ..., "short-loc": ...}`` for
the note styles: ``full``/``short`` are first/subsequent notes without a locator, ``-loc`` with
``p. 12``. ``bibliography`` text is "" where the style leaves an item out of the list.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
CSL = DATA / "csl"
GOLDEN = DATA / "golden"

STYLE_FILES = {
    "author-date": "chicago-author-date.csl",
    "notes-bibliography": "chicago-notes-bibliography.csl",
    "shortened-notes": "chicago-shortened-notes-bibliography.csl",
}
FORMATS = {"plain": "plain", "markdown": "markdown-smart", "html": "html"}
NOTE_STYLES = {"notes-bibliography", "shortened-notes"}

# locator label -> the term pandoc's citation parser recognises
LABEL_TERMS = {
    "page": "p.",
    "chapter": "chap.",
    "section": "sec.",
    "volume": "vol.",
    "figure": "fig.",
    "note": "n.",
    "paragraph": "para.",
    "line": "l.",
}


def pandoc_path() -> str:
    import pypandoc  # type: ignore[import-untyped]

    return str(pypandoc.get_pandoc_path())


def load_json(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def cite_markdown(cite: dict[str, Any]) -> str:
    text = "@" + cite["id"]
    if cite.get("locator"):
        term = LABEL_TERMS[cite.get("label", "page")]
        text += f", {term} {cite['locator']}"
    return text


def citation_cases(corpus: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Generated cases (one parenthetical, one with a page, one narrative per item) + cites.json."""
    cases: list[dict[str, Any]] = []
    for item in corpus:
        cases.append({"name": f"paren:{item['id']}", "cites": [{"id": item["id"]}]})
        cases.append({"name": f"page:{item['id']}", "cites": [{"id": item["id"], "locator": "12"}]})
        cases.append(
            {"name": f"narr:{item['id']}", "cites": [{"id": item["id"]}], "narrative": True}
        )
    cases.extend(load_json("cites.json"))
    return cases


def case_markdown(case: dict[str, Any]) -> str:
    cites = case["cites"]
    if case.get("narrative"):
        first = cites[0]
        text = "@" + first["id"]
        if first.get("locator"):
            text += f" [{LABEL_TERMS[first.get('label', 'page')]} {first['locator']}]"
        return text
    return "[" + "; ".join(cite_markdown(c) for c in cites) + "]"


def build_document(
    style: str, corpus: list[dict[str, Any]], variant: int = 0
) -> tuple[str, list[str]]:
    lines = ['---\nnocite: "@*"\n---\n']
    names: list[str] = []
    if style in NOTE_STYLES:
        # variant 0: first (full) notes without locator, then subsequent (short) notes with a page;
        # variant 1: the other way round
        first, then = ("", ", p. 12") if variant == 0 else (", p. 12", "")
        suffix = ("", "-loc") if variant == 0 else ("-loc", "")
        for item in corpus:
            names.append(f"full{suffix[0]}:{item['id']}")
            lines.append(f"[@{item['id']}{first}]\n")
        for item in corpus:
            names.append(f"short{suffix[1]}:{item['id']}")
            lines.append(f"[@{item['id']}{then}]\n")
    else:
        for case in citation_cases(corpus):
            names.append(case["name"])
            lines.append(case_markdown(case) + "\n")
    return "\n".join(lines), names


def run(args: list[str], stdin: str) -> str:
    done = subprocess.run(args, input=stdin, capture_output=True, text=True, check=True)
    return done.stdout


def unwrap_spans(node: Any) -> Any:
    """Unwrap attribute-less and ``nocase`` Spans (citeproc's wrappers, not markup)."""
    if isinstance(node, list):
        out: list[Any] = []
        for child in node:
            if (
                isinstance(child, dict)
                and child.get("t") == "Span"
                and child["c"][0] in (["", [], []], ["", ["nocase"], []])
            ):
                out.extend(unwrap_spans(child["c"][1]))
            else:
                out.append(unwrap_spans(child))
        return out
    if isinstance(node, dict):
        return {k: unwrap_spans(v) for k, v in node.items()}
    return node


def extract(ast: dict[str, Any], style: str, names: list[str]) -> list[tuple[str, list[Any]]]:
    """(key, inlines) for every bibliography entry and citation/note, in document order."""
    pieces: list[tuple[str, list[Any]]] = []
    blocks = ast["blocks"]
    cite_paras = [b for b in blocks if b["t"] == "Para"]
    assert len(cite_paras) == len(names), (len(cite_paras), len(names))
    for name, para in zip(names, cite_paras, strict=True):
        inlines = para["c"]
        cites = [i for i in inlines if i["t"] == "Cite"]
        assert len(cites) == 1, name
        content = cites[0]["c"][1]
        if style in NOTE_STYLES:
            notes = [i for i in content if i["t"] == "Note"]
            assert len(notes) == 1, name
            (note_para,) = notes[0]["c"]
            content = note_para["c"]
        pieces.append((name, content))
    refs = [b for b in blocks if b["t"] == "Div" and b["c"][0][0] == "refs"]
    for entry in refs[0]["c"][1] if refs else []:
        key = entry["c"][0][0].removeprefix("ref-")
        (para,) = entry["c"][1]
        pieces.append((f"bib:{key}", para["c"]))
    return pieces


def render_pieces(pandoc: str, ast: dict[str, Any], pieces: list[tuple[str, list[Any]]]) -> dict:
    blocks: list[Any] = []
    for key, inlines in pieces:
        blocks.append({"t": "Para", "c": [{"t": "Str", "c": f"@@@{key}@@@"}]})
        blocks.append({"t": "Para", "c": unwrap_spans(inlines)})
    doc = {"pandoc-api-version": ast["pandoc-api-version"], "meta": {}, "blocks": blocks}
    result: dict[str, dict[str, str]] = {}
    for fmt, writer in FORMATS.items():
        out = run([pandoc, "-f", "json", "-t", writer, "--wrap=none"], json.dumps(doc))
        texts: dict[str, str] = {}
        key = None
        chunk: list[str] = []
        for line in [*out.splitlines(), "<p>@@@END@@@</p>"]:
            bare = line.removeprefix("<p>").removesuffix("</p>")
            if bare.startswith("@@@") and bare.endswith("@@@"):
                if key is not None:
                    text = "\n".join(chunk).strip("\n")
                    if fmt == "html":
                        text = text.removeprefix("<p>").removesuffix("</p>")
                    texts[key] = text
                key = bare.strip("@").replace("\\_", "_")
                chunk = []
            else:
                chunk.append(line)
        result[fmt] = texts
    return result


def golden_for_style(pandoc: str, style: str, corpus: list[dict[str, Any]]) -> dict[str, Any]:
    args = [pandoc, "--citeproc", "--bibliography", str(DATA / "corpus.json")]
    args += ["--csl", str(CSL / STYLE_FILES[style]), "-f", "markdown", "-t", "json"]
    pieces: list[tuple[str, list[Any]]] = []
    for variant in (0, 1) if style in NOTE_STYLES else (0,):
        document, names = build_document(style, corpus, variant)
        ast = json.loads(run(args, document))
        found = extract(ast, style, names)
        pieces += [p for p in found if not (variant and p[0].startswith("bib:"))]
    rendered = render_pieces(pandoc, ast, pieces)
    out: dict[str, Any] = {}
    for fmt, texts in rendered.items():
        golden: dict[str, Any] = {"bibliography": [], "citation": {}}
        if style in NOTE_STYLES:
            golden.update({"full": {}, "short": {}, "full-loc": {}, "short-loc": {}})
        for key, _ in pieces:
            kind, _, rest = key.partition(":")
            if kind == "bib":
                golden["bibliography"].append([rest, texts[key]])
            elif kind in ("full", "short", "full-loc", "short-loc"):
                golden[kind][rest] = texts[key]
            else:
                golden["citation"][key] = texts[key]
        out[fmt] = golden
    return out


def main() -> int:
    pandoc = pandoc_path()
    corpus = load_json("corpus.json")
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for style in STYLE_FILES:
        for fmt, golden in golden_for_style(pandoc, style, corpus).items():
            path = GOLDEN / f"corpus.{style}.{fmt}.json"
            text = json.dumps(golden, ensure_ascii=False, indent=1) + "\n"
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(HERE)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
