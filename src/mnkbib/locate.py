"""Which library a command works on.

``--library/-l PATH``, else ``$MNKBIB_LIBRARY``, else ``mnkbib.yaml`` in the
current directory or a parent (a paper's repository), else the user's default
library in the platform data directory (platformdirs: XDG on Linux, Application
Support on macOS, AppData on Windows).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

LOCAL_NAME = "mnkbib.yaml"
ENV_VAR = "MNKBIB_LIBRARY"


@dataclass(frozen=True, slots=True)
class Location:
    path: Path
    how: str  # "option", "environment", "directory", "default"


def default_library() -> Path:
    from platformdirs import user_data_path

    return user_data_path("mnkbib", appauthor=False) / "library.yaml"


def find_library(explicit: str | None = None, cwd: Path | None = None) -> Location:
    if explicit:
        return Location(Path(explicit).expanduser(), "option")
    env = os.environ.get(ENV_VAR)
    if env:
        return Location(Path(env).expanduser(), "environment")
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / LOCAL_NAME
        if candidate.is_file():
            return Location(candidate, "directory")
    return Location(default_library(), "default")
