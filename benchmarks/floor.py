"""The floors under mnkbib's timings: what any Python tool reading the same YAML pays.

    python benchmarks/floor.py --size 100000 --repeat 3

Each figure is a whole process (median wall clock, peak RSS): Python starting; importing
what mnkbib's commands import; reading and hashing the library file; loading it with
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
    args = parser.parse_args(argv)
    library = ensure_library(args.size, args.seed)
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    megabytes = library.stat().st_size / 2**20
    print(f"| floor, {args.size:,} entries ({megabytes:.1f} MB) | median | peak RSS |")
    print("|---|---|---|")
    for name, code in SNIPPETS.items():
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
