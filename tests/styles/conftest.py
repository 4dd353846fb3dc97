"""Make ``src/`` importable and the helpers in this folder (golden, make_golden) too."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for path in (HERE.parent.parent / "src", HERE):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
