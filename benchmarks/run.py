"""Time mnkbib commands as whole processes on generated libraries.

    python benchmarks/run.py --sizes 1000,10000,100000 --repeat 5

Each operation runs as a subprocess (wall clock, median of ``--repeat`` runs; peak RSS
from GNU time, or the PSS summed over the process and its workers, sampled from /proc,
when that is more), with output piped to a file and the cache in its own
``XDG_CACHE_HOME`` under ``benchmarks/out/``. Libraries come from ``benchmarks/data/``
(generated with ``generate.py --seed 1`` when missing) and are copied before any
command writes to them. Results go to ``benchmarks/out/results.md`` and stdout.

Reads (``list`` piped, ``search WORD``, ``list --json``, ``list --keys``) are timed
cold (cache removed), warm (nothing changed) and after a hand edit of one entry (a
different edit before each run). Writes (``add``, ``set``, ``tag``, ``rm``) run on a
warm cache. Exports and ``import`` of the .bib twin run at ``--export-size``.
No thresholds here: this measures, the tests check behaviour.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
OUT = HERE / "out"


@dataclass
class Result:
    op: str
    size: int
    times: list[float] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)  # KiB
    cpu: list[float] = field(default_factory=list)  # user + system seconds
    failed: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")


def mnkbib_command() -> list[str]:
    exe = shutil.which("mnkbib")
    return [exe] if exe else [sys.executable, "-m", "mnkbib"]


# The child's peak RSS as wait4() reports it starts from this (large) process's own peak:
# a vfork()ed child shares its memory until exec. GNU time, a small process, reports
# its child's peak alone; without it, peaks are upper bounds.
GNU_TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(c) for c in f.read().split()]
    except (OSError, ValueError):
        return []


def _pss(pid: int) -> int:
    """Proportional set size (KiB): pages shared by forked processes counted once overall
    (their RSS would count each shared page in every process)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def tree_rss(pid: int) -> int:
    """Memory (KiB, PSS) of the processes under ``pid`` (not ``pid`` itself: GNU time),
    summed: a first read of a large library runs worker processes beside mnkbib, and GNU
    time's peak is that of the largest process, not of all of them."""
    total, todo = 0, _children(pid)
    while todo:
        child = todo.pop()
        total += _pss(child)
        todo.extend(_children(child))
    return total


def run_once(
    argv: list[str], env: dict[str, str], timeout: float
) -> tuple[float, int, int, str, float]:
    """Wall time, peak RSS (KiB), exit status, last stderr line and CPU time of one child;
    its stdout goes to a file (so it is piped, not a terminal)."""
    sink = OUT / f"stdout-{os.getpid()}.tmp"
    peak_file = OUT / f"peak-{os.getpid()}.tmp"
    if GNU_TIME:
        peak_file.unlink(missing_ok=True)
        argv = [GNU_TIME, "-q", "-f", "%M", "-o", str(peak_file), *argv]
    with open(sink, "wb") as out, open(OUT / f"stderr-{os.getpid()}.tmp", "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        deadline = start + timeout
        tree_peak, next_sample = 0, start + 0.05
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if GNU_TIME and time.perf_counter() > next_sample:  # /proc: Linux only
                tree_peak = max(tree_peak, tree_rss(proc.pid))
                next_sample = time.perf_counter() + 0.05
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                proc.returncode = -9
                return float("inf"), usage.ru_maxrss, -9, "timeout", 0.0
            time.sleep(0.002)
        elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    message = (OUT / f"stderr-{os.getpid()}.tmp").read_text(errors="replace").strip().splitlines()
    cpu = usage.ru_utime + usage.ru_stime
    peak = usage.ru_maxrss
    if GNU_TIME:
        with contextlib.suppress(OSError, ValueError, IndexError):
            peak = int(peak_file.read_text().split()[-1])
        peak = max(peak, tree_peak)  # sampled every 50 ms: counts the workers of a cold read
    return elapsed, peak, proc.returncode, message[-1] if message else "", cpu


class Bench:
    def __init__(self, repeat: int, timeout: float) -> None:
        self.repeat = repeat
        self.timeout = timeout
        self.results: list[Result] = []
        self.cache_home = OUT / "cache"
        self.env = dict(os.environ)
        self.env.update(
            {
                "XDG_CACHE_HOME": str(self.cache_home),
                "NO_COLOR": "1",
            }
        )
        self.env.pop("MNKBIB_FORCE_TTY", None)
        # Any non-empty value (even "0") stops Python from caching compiled modules: every
        # command would then compile mnkbib's modules again, as no installed copy does.
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.cmd = mnkbib_command()

    def clear_cache(self) -> None:
        shutil.rmtree(self.cache_home, ignore_errors=True)

    def measure(
        self,
        op: str,
        size: int,
        argv: Callable[[int], list[str]],
        before: Callable[[int], None] | None = None,
        repeat: int | None = None,
        ok_codes: tuple[int, ...] = (0,),
    ) -> Result:
        result = Result(op, size)
        for i in range(repeat or self.repeat):
            if before:
                before(i)
            elapsed, rss, code, message, cpu = run_once(self.cmd + argv(i), self.env, self.timeout)
            if code not in ok_codes:
                result.failed = f"exit {code}: {message}"
                break
            result.times.append(elapsed)
            result.rss.append(rss)
            result.cpu.append(cpu)
        self.results.append(result)
        shown = "FAILED " + result.failed if result.failed else f"{result.median:.3f} s"
        peak = max(result.rss) / 1024 if result.rss else 0
        print(f"  {op:<34} {size:>7}: {shown}  (peak {peak:.0f} MiB)", file=sys.stderr, flush=True)
        return result


def ensure_library(size: int, seed: int) -> Path:
    path = DATA / f"lib-{size}.yaml"
    if not path.exists():
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate.py"),
                str(size),
                "--seed",
                str(seed),
                "-o",
                str(path),
            ],
            check=True,
        )
    return path


def block_keys(path: Path) -> list[str]:
    return re.findall(r"^  ([^\s#][^:\n]*):\s*$", path.read_text(encoding="utf-8"), re.MULTILINE)


def hand_edit(path: Path, key: str, n: int) -> None:
    """Change one entry's title in place, as a person with an editor would."""
    text = path.read_text(encoding="utf-8")
    start = text.index(f"\n  {key}:\n")
    m = re.compile(r"\n    title: [^\n]*").search(text, start)
    assert m is not None
    text = text[: m.start()] + f"\n    title: Edited by hand {n}" + text[m.end() :]
    path.write_text(text, encoding="utf-8")


def commands_available(cmd: list[str]) -> set[str]:
    out = subprocess.run([*cmd, "--help"], capture_output=True, text=True).stdout
    section = out.split("Commands:", 1)[-1]
    return set(re.findall(r"^  (\S+)", section, re.MULTILINE))


def bench_size(bench: Bench, size: int, seed: int, export_size: int, available: set[str]) -> None:
    source = ensure_library(size, seed)
    work = OUT / "work"
    work.mkdir(parents=True, exist_ok=True)
    lib = work / f"lib-{size}.yaml"
    shutil.copyfile(source, lib)
    keys = block_keys(lib)
    middle = keys[len(keys) // 2]
    word = "ulaanbaatar"
    reads: list[tuple[str, list[str]]] = [
        ("list", ["list"]),
        (f"search {word}", ["search", word]),
        ("list --json", ["list", "--json"]),
        ("list --keys", ["list", "--keys"]),
    ]
    base = ["-l", str(lib)]
    for name, args in reads:
        bench.measure(
            f"{name} (cold)", size, lambda i, a=args: base + a, lambda i: bench.clear_cache()
        )
        bench.measure(f"{name} (warm)", size, lambda i, a=args: base + a, None)
        bench.measure(
            f"{name} (after hand edit)",
            size,
            lambda i, a=args: base + a,
            lambda i, n=name: hand_edit(lib, middle, hash((n, i)) % 10**6),
        )
    # Writes, on a warm cache.
    run_once(bench.cmd + base + ["list", "--keys"], bench.env, bench.timeout)
    target = keys[len(keys) // 3]
    bench.measure(
        "add",
        size,
        lambda i: (
            [
                *base,
                "add",
                "--type",
                "book",
                "--title",
                f"Benchmark {i}",
                "--year",
                "2020",
                "--author",
                "Bench, Ann",
                "--key",
                f"bench{i}x",
            ]
        ),
    )
    bench.measure("set", size, lambda i: [*base, "set", target, f"note=Benchmark {i}"])
    bench.measure(
        "tag",
        size,
        lambda i: [*base, "tag", target, f"+bench{i}" if i % 2 == 0 else f"-bench{i - 1}"],
    )
    bench.measure("rm", size, lambda i: [*base, "rm", "--yes", f"bench{i}x"])
    if size != export_size:
        return
    if "export" in available:
        for fmt in ("bibtex", "csl-json", "markdown", "chicago"):
            bench.measure(f"export -f {fmt}", size, lambda i, f=fmt: [*base, "export", "-f", f])
    bib = source.with_suffix(".bib")
    if "import" in available and bib.exists():

        def fresh_library(i: int) -> None:
            target = work / "import.yaml"
            target.unlink(missing_ok=True)
            subprocess.run(
                [*bench.cmd, "init", str(target)], check=True, capture_output=True, env=bench.env
            )

        bench.measure(
            "import (.bib)",
            size,
            lambda i: ["-l", str(work / "import.yaml"), "import", str(bib)],
            fresh_library,
            repeat=min(bench.repeat, 3),
            ok_codes=(0, 1),
        )


def fmt_time(r: Result | None) -> str:
    if r is None:
        return "—"
    if r.failed:
        return "failed"
    return f"{_secs(r.median)} ({_secs(statistics.median(r.cpu))})"


def _secs(t: float) -> str:
    return f"{t * 1000:.0f} ms" if t < 1 else f"{t:.2f} s"


def table(results: list[Result], sizes: list[int], store_sizes: dict[int, int]) -> str:
    by = {(r.op, r.size): r for r in results}
    ops = list(dict.fromkeys(r.op for r in results))
    big = max(sizes)
    head = ["operation", *[f"{s:,}" for s in sizes], f"µs/entry at {big:,}", f"peak RSS at {big:,}"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for op in ops:
        cells = [op]
        for s in sizes:
            cells.append(fmt_time(by.get((op, s))))
        # The largest size this operation ran at.
        ran = [s for s in sizes if (op, s) in by and by[(op, s)].times]
        if ran:
            r = by[(op, ran[-1])]
            per = r.median / ran[-1] * 1e6
            rss = max(r.rss) / 1024
            ratio = max(r.rss) * 1024 / store_sizes[ran[-1]] if store_sizes.get(ran[-1]) else 0
            suffix = "" if ran[-1] == big else f" (at {ran[-1]:,})"
            cells += [f"{per:.1f}{suffix}", f"{rss:.0f} MiB ({ratio:.1f}× store){suffix}"]
        else:
            cells += ["—", "—"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--export-size", type=int, default=10000, help="size for export/import")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per command")
    parser.add_argument("-o", "--output", default=str(OUT / "results.md"))
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    OUT.mkdir(parents=True, exist_ok=True)
    bench = Bench(args.repeat, args.timeout)
    available = commands_available(bench.cmd)
    store_sizes: dict[int, int] = {}
    for size in sizes:
        print(f"{size} entries:", file=sys.stderr, flush=True)
        store_sizes[size] = ensure_library(size, args.seed).stat().st_size
        bench_size(bench, size, args.seed, args.export_size, available)
    command = "python benchmarks/run.py " + " ".join(sys.argv[1:] if argv is None else argv)
    notes = []
    if "export" not in available:
        notes.append("- `export` is not in this CLI yet: not measured.")
    if "import" not in available:
        notes.append("- `import` is not in this CLI yet: not measured.")
    elif not (DATA / f"lib-{args.export_size}.bib").exists():
        notes.append(
            "- no .bib twin (mnkbib.formats cannot write BibTeX yet): import not measured."
        )
    store_line = ", ".join(f"{s:,} entries: {store_sizes[s] / 2**20:.1f} MiB" for s in sizes)
    report = "\n".join(
        [
            "# mnkbib benchmark results",
            "",
            f"`{command}` — {time.strftime('%Y-%m-%d %H:%M')}, Python {platform.python_version()}, "
            f"{os.cpu_count()} CPUs, {platform.machine()}. Whole processes, wall clock, median of "
            f"{args.repeat}, as wall (CPU user+system) time; peak RSS of the child. "
            f"Store size: {store_line}.",
            "",
            table(bench.results, sizes, store_sizes),
            "",
            *notes,
            "",
        ]
    )
    failed = [r for r in bench.results if r.failed]
    if failed:
        report += "\nFailures:\n" + "".join(f"- {r.op} at {r.size}: {r.failed}\n" for r in failed)
    Path(args.output).write_text(report, encoding="utf-8")
    print(report)
    for tmp in ("stdout", "stderr"):
        (OUT / f"{tmp}-{os.getpid()}.tmp").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
