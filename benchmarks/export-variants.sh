#!/usr/bin/env bash
# Every export variant of a library, stdout and stderr each to a file, to check that a change
# to an exporter leaves its output byte-identical:
#   bash benchmarks/export-variants.sh LIB OUTDIR            # writes OUTDIR/NAME, OUTDIR/NAME.err
#   bash benchmarks/export-variants.sh LIB NEW REF           # ... then compares NEW with REF
# Runs the `mnkbib` of the active environment (MNKBIB=... to choose another), with its own
# cache directory under OUTDIR. Each variant runs twice: a first export (nothing cached
# yet) and a second one (NAME.again), which must be byte-identical to it.
set -euo pipefail
lib=$1
out=$2
ref=${3:-}
m=${MNKBIB:-mnkbib}
mkdir -p "$out"
export XDG_CACHE_HOME=$out/cache
rm -rf "$XDG_CACHE_HOME"
$m -l "$lib" list --keys > /dev/null
run() {
    local name=$1
    shift
    $m -l "$lib" export "$@" > "$out/$name" 2> "$out/$name.err" || echo "exit $? from $name" >> "$out/$name.err"
    $m -l "$lib" export "$@" > "$out/$name.again" 2> "$out/$name.again.err" || true
}
run bibtex -f bibtex
run biblatex -f biblatex
run csljson -f csl-json
run ris -f ris
run chic-ad-text -f chicago
run chic-ad-md -f chicago --to markdown
run chic-nb-html -f chicago --to html --style notes-bibliography
run chic-sn-text -f chicago --style shortened-notes
run chic-ad-year -f chicago --sort year --year 1990..2000
run md -f markdown
run md-nb -f markdown --numbered --group-by year --style notes-bibliography
run md-tag -f markdown --group-by tag
run md-html -f markdown --group-by type --to html
status=0
for f in "$out"/*.again; do
    cmp -s "$f" "${f%.again}" || { echo "DIFF first and second run: $(basename "${f%.again}")"; status=1; }
done
if [ -n "$ref" ]; then
    for f in "$ref"/*; do
        [ -f "$f" ] || continue
        case $f in *.again|*.again.err) continue ;; esac
        cmp -s "$f" "$out/$(basename "$f")" || { echo "DIFF against $ref: $(basename "$f")"; status=1; }
    done
fi
[ $status = 0 ] && echo "all identical"
exit $status
