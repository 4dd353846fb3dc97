"""Write data/known-differences.json: every case where mnkbib deliberately differs from pandoc.

Run by hand after changing the corpus or the styles:  python tests/styles/make_known_differences.py

Each differing case must be explained by a rule in REASONS (keyed by corpus id or case key; see
docs/chicago.md); a difference no rule explains is a bug and stops the script. The file states
mnkbib's expected output for each case, and tests/styles/test_golden.py holds mnkbib to it.
"""

from __future__ import annotations

import json
import sys

from chicago_golden import DATA, all_cases

FAMILY_FIRST = "family-first names (static-ordering) are never inverted: MENDEE Jargalsaikhan"
ARTICLES = "a leading The/A/An is ignored in alphabetizing, so the order and the letters differ"
TRANSLATED = "translated-title is printed in brackets after the title"
ROMANIZED = "title-translit (romanization) replaces a title in a non-Latin script"
JS_URL = "a javascript: URL is printed as text, never linked"
INTERVIEW = "unpublished interviews are cited like any work in author-date (no first/subsequent)"

REASONS: dict[str, list[str]] = {
    "dierkes2018diplomat": [FAMILY_FIRST],
    "dierkes2018focus": [FAMILY_FIRST],
    "dierkes2018mongoltv": [FAMILY_FIRST, TRANSLATED],
    "dierkes2018ipg": [FAMILY_FIRST, TRANSLATED],
    "dierkes2017policy": [FAMILY_FIRST],
    "mendee2019": [FAMILY_FIRST],
    "chimguundari2016": [FAMILY_FIRST],
    "multi:policy": [FAMILY_FIRST],
    "sort-the": [ARTICLES],
    "sort-an": [ARTICLES],
    "sort-plain": [ARTICLES],
    "dierkes2018focus2": [ARTICLES],
    "dierkes2018focus3": [ARTICLES],
    "dierkes2018thesis-like": [ARTICLES],
    "dierkes2018book": [ARTICLES],
    "multi:sample": [ARTICLES],
    "multi:two-years": [ARTICLES],
    "-": [ARTICLES],  # the order of the whole list
    "translated-book2": [TRANSLATED],
    "russian-book": [ROMANIZED],
    "js-url": [JS_URL],
    "interview-unpub": [INTERVIEW],
}


def case_id(key: str) -> str:
    return key if key in REASONS else key.split(":", 1)[-1]


def main() -> int:
    known = []
    unexplained = []
    for case in all_cases():
        if case.ok:
            continue
        reasons = REASONS.get(case_id(case.key))
        if reasons is None:
            unexplained.append(f"{case.name}\n  pandoc: {case.expected}\n  mnkbib: {case.actual}")
            continue
        known.append(
            {"case": case.name, "reasons": reasons, "pandoc": case.expected, "mnkbib": case.actual}
        )
    if unexplained:
        print("differences no rule explains (bugs?):\n" + "\n".join(unexplained))
        return 1
    path = DATA / "known-differences.json"
    path.write_text(json.dumps(known, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(known)} known differences to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
