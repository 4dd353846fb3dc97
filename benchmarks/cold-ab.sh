#!/usr/bin/env bash
# A first read with worker processes (as shipped) against one in one process, interleaved.
#   bash benchmarks/cold-ab.sh benchmarks/data/lib-10000.yaml 3
# Needs mnkbib installed in the active Python. The worker read also builds the JSON and
# identity-key indexes, which a one-process read leaves to their first use. Measure on a
# quiet machine: workers only pay when cores are free.
set -euo pipefail
lib=$1
runs=${2:-3}
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
unset PYTHONDONTWRITEBYTECODE
for _ in $(seq 1 "$runs"); do
    rm -rf "$cache/mnkbib"
    XDG_CACHE_HOME=$cache /usr/bin/time -f "workers      %e s wall, %U+%S s CPU" \
        python -m mnkbib -l "$lib" list > /dev/null
    rm -rf "$cache/mnkbib"
    XDG_CACHE_HOME=$cache /usr/bin/time -f "one process  %e s wall, %U+%S s CPU" \
        python -c "
import sys
from mnkbib import coldread
coldread.COLD_PARALLEL_MIN = 10**9
from mnkbib.cli import main
sys.argv = ['mnkbib', '-l', sys.argv[1], 'list']
main()" "$lib" > /dev/null
done
