"""Time peers' ``list`` on the same generated library (imported from its .bib twin).

    python benchmarks/peers.py --size 1000 --repeat 5 [--peers pubs,cobib,papis]

Each peer lives in a throwaway venv ``benchmarks/peers/NAME-venv`` (git-ignored; make it
with ``python -m venv benchmarks/peers/pubs-venv && benchmarks/peers/pubs-venv/bin/pip
install pubs "bibtexparser<2" pyparsing`` — pubs needs the 1.x bibtexparser API;
``cobib``; ``papis``) and gets its own ``HOME`` under ``benchmarks/peers/home-NAME-SIZE``
so that nothing touches the user's own configuration. The import is timed once; ``list``
(output to a file) ``--repeat`` times, warm: after one untimed run, so that each peer's
own cache is filled. mnkbib's warm ``list`` is timed the same way for the ratio.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import DATA, OUT, ensure_library, mnkbib_command, run_once

PEERS = Path(__file__).resolve().parent / "peers"


def peer_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    names = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")
    for name in (*names, "PYTHONDONTWRITEBYTECODE"):  # every tool runs with its .pyc files
        env.pop(name, None)
    env.update({"HOME": str(home), "NO_COLOR": "1", "EDITOR": "true", "VISUAL": "true"})
    return env


def setup(peer: str, home: Path, bib: Path) -> tuple[list[list[str]], list[str]]:
    """Commands that create the library and import ``bib``, and the ``list`` command."""
    venv = PEERS / f"{peer}-venv" / "bin"
    if peer == "pubs":
        conf = home / "pubsrc"
        exe = [str(venv / "pubs"), "-c", str(conf)]
        return [[*exe, "init", "-p", str(home / "pubs")], [*exe, "import", str(bib)]], [
            *exe,
            "list",
        ]
    if peer == "cobib":
        exe = [str(venv / "cobib")]
        return [[*exe, "init"], [*exe, "add", "--skip-download", "-b", str(bib)]], [*exe, "list"]
    if peer == "papis":
        config = home / ".config" / "papis" / "config"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(
            f"[settings]\ndefault-library = bench\n\n[bench]\ndir = {home / 'papers'}\n",
            encoding="utf-8",
        )
        (home / "papers").mkdir(exist_ok=True)
        exe = [str(venv / "papis")]
        return (
            [[*exe, "bibtex", "read", str(bib), "import", "--all", "--batch"]],
            [*exe, "list", "--all", "--format", "{doc[ref]} {doc[year]} {doc[title]}"],
        )
    raise SystemExit(f"unknown peer {peer}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--peers", default="pubs,cobib,papis")
    parser.add_argument("--import-timeout", type=float, default=1800.0)
    parser.add_argument("-o", "--output", default=str(OUT / "peers.md"))
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    library = ensure_library(args.size, 1)
    bib = DATA / f"lib-{args.size}.bib"
    if not bib.exists():
        raise SystemExit(f"{bib}: missing (generate.py writes it when mnkbib can write BibTeX)")
    rows: list[tuple[str, str, str, float | None]] = []
    # mnkbib, warm, for the ratio.
    env = dict(os.environ, XDG_CACHE_HOME=str(OUT / "cache-peers"), NO_COLOR="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cmd = [*mnkbib_command(), "-l", str(library), "list"]
    run_once(cmd, env, 3600)
    times = [run_once(cmd, env, 3600)[0] for _ in range(args.repeat)]
    ours = statistics.median(times)
    rows.append(("mnkbib", "—", f"{ours:.3f} s", ours))
    for peer in args.peers.split(","):
        home = PEERS / f"home-{peer}-{args.size}"
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
        env = peer_env(home)
        if not (PEERS / f"{peer}-venv" / "bin").exists():
            rows.append((peer, "not installed", "—", None))
            continue
        steps, list_cmd = setup(peer, home, bib)
        imported = 0.0
        failure = ""
        for step in steps:
            elapsed, _, code, message, _ = run_once(step, env, args.import_timeout)
            imported += elapsed
            if code != 0:
                failure = f"`{Path(step[0]).name} {' '.join(step[1:3])}` exit {code}: {message}"
                break
        if failure:
            rows.append((peer, f"failed: {failure}", "—", None))
            print(f"{peer}: {failure}", file=sys.stderr)
            continue
        run_once(list_cmd, env, 3600)
        results = [run_once(list_cmd, env, 3600) for _ in range(args.repeat)]
        bad = [r for r in results if r[2] != 0]
        if bad:
            rows.append((peer, f"{imported:.1f} s", f"list failed: {bad[0][3]}", None))
            continue
        lines = (OUT / f"stdout-{os.getpid()}.tmp").read_text(errors="replace").count("\n")
        median = statistics.median(r[0] for r in results)
        rows.append((peer, f"{imported:.1f} s", f"{median:.3f} s ({lines} lines)", median))
        print(f"{peer}: import {imported:.1f} s, list {median:.3f} s", file=sys.stderr)
    out = [
        f"# Peers: `list` of the same {args.size:,}-entry library (warm, median of {args.repeat})",
        "",
        f"`python benchmarks/peers.py {' '.join(sys.argv[1:] if argv is None else argv)}`",
        "",
        "| tool | import of the .bib | list | ratio to mnkbib |",
        "|---|---|---|---|",
    ]
    for name, imp, lst, t in rows:
        ratio = f"{t / ours:.1f}×" if t is not None and ours else "—"
        out.append(f"| {name} | {imp} | {lst} | {ratio} |")
    text = "\n".join(out) + "\n"
    Path(args.output).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
