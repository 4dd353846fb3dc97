#!/usr/bin/env bash
# Install the external validators the `tools`-marked format tests use:
#   biber (BibLaTeX data-model validation), bibtool (parses BibTeX output),
#   pdflatex + bibtex + biblatex (compile a document that \nocite{*}s the output).
# Debian packages only; idempotent: does nothing when everything is there already.
set -euo pipefail

need=()
command -v biber >/dev/null 2>&1 || need+=(biber)
command -v bibtool >/dev/null 2>&1 || need+=(bibtool)
command -v pdflatex >/dev/null 2>&1 || need+=(texlive-latex-base)
command -v bibtex >/dev/null 2>&1 || need+=(texlive-binaries)
if ! command -v kpsewhich >/dev/null 2>&1 || [ -z "$(kpsewhich biblatex.sty 2>/dev/null)" ]; then
    need+=(texlive-bibtex-extra)
fi
if ! command -v kpsewhich >/dev/null 2>&1 || [ -z "$(kpsewhich url.sty 2>/dev/null)" ]; then
    need+=(texlive-latex-recommended)
fi

if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
echo "install-validators: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
