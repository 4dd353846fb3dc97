"""Live oracle: render the corpus with pandoc now and report mnkbib's match rate.

Skipped without pypandoc-binary. Besides the rates (printed with ``-s``), it checks that the
stored golden files are what this pandoc produces, so a pandoc upgrade cannot silently change
the standard the other tests hold mnkbib to.
"""

from __future__ import annotations

import json
import os
from collections import Counter

import pytest

pypandoc = pytest.importorskip("pypandoc", reason="pypandoc-binary is not installed")

import chicago_golden as golden  # noqa: E402
import make_golden  # noqa: E402

# minimum share of cases matching pandoc exactly, per style and kind; the rest are deliberate,
# documented differences (docs/chicago.md, data/known-differences.json), which the sample
# library's family-first names and same-year letters make numerous in author-date lists
MINIMUM = 0.75


@pytest.fixture(scope="module")
def pandoc() -> str:
    try:
        path = make_golden.pandoc_path()
    except OSError as error:  # pragma: no cover - depends on the machine
        pytest.skip(f"pandoc binary not available: {error}")
    if not os.path.exists(path):  # pragma: no cover
        pytest.skip(f"pandoc binary not found at {path}")
    return path


@pytest.mark.parametrize("style", golden.STYLES)
def test_live_pandoc_matches_stored_golden(pandoc: str, style: str) -> None:
    live = make_golden.golden_for_style(pandoc, style, golden.corpus())
    for fmt, data in live.items():
        stored = golden.golden(style, fmt)
        assert json.loads(json.dumps(data)) == stored, f"{style}/{fmt}: run make_golden.py"


@pytest.mark.parametrize("style", golden.STYLES)
def test_match_rate_per_kind(pandoc: str, style: str) -> None:
    ok: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for fmt in golden.FORMATS:
        for case in golden.cases(style, fmt):
            if case.kind == "order":
                continue
            kind = case.kind.removesuffix("-loc")
            total[kind] += 1
            ok[kind] += case.ok
    rates = {kind: ok[kind] / total[kind] for kind in total}
    print(f"\n{style}: " + ", ".join(f"{k} {ok[k]}/{total[k]} ({r:.0%})" for k, r in rates.items()))
    assert all(rate >= MINIMUM for rate in rates.values()), rates
