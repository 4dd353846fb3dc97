"""The floors under mnkbib's timings: what any Python tool reading the same YAML pays.

    python benchmarks/floor.py --size 100000 --repeat 3
    python benchmarks/floor.py --size 100000 --repeat 9 --only start import replace

Each figure is a whole process (median wall clock, peak RSS): Python starting; importing
what mnkbib's commands import, and what a write (``set``, ``tag``) imports; replacing the
file atomically as a write does (the kernel copies it to a temporary file, fsync, rename
over the copy the last run left); reading and hashing the library file; loading it with
PyYAML's C loader (``yaml.load(..., CSafeLoader)``, the reference for a cold first run);
loading it with mnkbib's strict loader (``mnkbib.yamlsafe.load_text``). Libraries come
from ``benchmarks/data`` (made by ``generate.py`` when missing).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys

from run import ensure_library, run_once

SNIPPETS = {
    "python start": "pass",
    "import mnkbib.cli": "import mnkbib.cli",
    "imports of a write": (
        "import mnkbib.cli, mnkbib.store, mnkbib.cache, mnkbib.editing, mnkbib.locking, "
        "mnkbib.yamlemit, mnkbib.piecewrite, filelock, threading"
    ),
    "replace the file (copy, fsync, rename)": (
        "import os, sys, tempfile; src = sys.argv[1]; where = os.path.dirname(src); "
        "fd_in = os.open(src, os.O_RDONLY); size = os.fstat(fd_in).st_size; "
        "fd, tmp = tempfile.mkstemp(dir=where); done = 0\n"
        "while done < size: done += os.copy_file_range(fd_in, fd, size - done, done)\n"
        "os.fsync(fd); os.close(fd); os.replace(tmp, os.path.join(where, '.floor-copy.yaml'))"
    ),
    "read + XXH3-128 the file": (
        "import sys, xxhash; xxhash.xxh3_128_digest(open(sys.argv[1], 'rb').read())"
    ),
    "yaml.load, CSafeLoader": (
        "import gc, sys, yaml; gc.disable(); "
        "yaml.load(open(sys.argv[1], encoding='utf-8').read(), Loader=yaml.CSafeLoader)"
    ),
    "mnkbib strict loader": (
        "import sys; from mnkbib.yamlsafe import load_text; "
        "load_text(open(sys.argv[1], encoding='utf-8').read(), source='x')"
    ),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--only", nargs="+", metavar="WORD", help="only the floors whose name has one of these"
    )
    args = parser.parse_args(argv)
    library = ensure_library(args.size, args.seed)
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    megabytes = library.stat().st_size / 2**20
    print(f"| floor, {args.size:,} entries ({megabytes:.1f} MB) | median | peak RSS |")
    print("|---|---|---|")
    for name, code in SNIPPETS.items():
        if args.only and not any(word in name for word in args.only):
            continue
        argv_ = [sys.executable, "-c", code, str(library)]
        run_once(argv_, env, 3600)  # compiled modules cached, file in the page cache
        runs = [run_once(argv_, env, 3600) for _ in range(args.repeat)]
        failed = [r for r in runs if r[2] != 0]
        if failed:
            print(f"| {name} | failed: {failed[0][3]} | |")
            continue
        wall = statistics.median(r[0] for r in runs)
        rss = max(r[1] for r in runs) / 1024
        print(f"| {name} | {wall:.3f} s | {rss:.0f} MiB ({rss / megabytes:.1f}× the file) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
