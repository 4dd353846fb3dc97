"""Shared fixtures: every test runs against files under its own ``tmp_path``."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# No per-example deadline: a busy CI machine makes timings noisy, and speed is measured by
# the benchmarks, never by the tests.
settings.register_profile("mnkbib", deadline=None)
settings.load_profile("mnkbib")

SAMPLE_LIBRARY = """\
# mnkbib library — plain YAML: one entry per citation key.
mnkbib: 1
entries:
  dierkes2018reasons:
    type: article-magazine
    title: 8 Reasons Why Mongolia Matters
    author:
      - {family: Dierkes, given: Julian}
      - {family: MENDEE, given: Jargalsaikhan, family-first: true}
    date: 2018-03-25
    container: The Diplomat
    tags: [mongolia, politics]
  no2019korea:
    type: book
    title: "No"
    author:
      - {family: "No", given: Tae-woo}
    date: 2019
"""


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the user's real library, data, cache or configuration."""
    home = tmp_path / "home"
    for sub in ("data", "cache", "config"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("MNKBIB_LIBRARY", str(home / "data" / "mnkbib" / "library.yaml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("MNKBIB_LOCK_TIMEOUT", raising=False)
    # Libraries of 1 MiB and more are mapped rather than read (mnkbib.filebytes); the
    # tests' libraries are small: map them all, so that every test runs that path.
    from mnkbib import filebytes

    monkeypatch.setattr(filebytes, "MAP_MIN", 1)


@pytest.fixture
def two_cores(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Two cores for mnkbib.forked, whatever the machine has; the list it gives gets a 1
    each time work is shared out to forked workers."""
    from mnkbib import forked

    monkeypatch.setattr(forked.os, "sched_getaffinity", lambda _pid: {0, 1})
    spawned: list[int] = []
    real = forked.forked_map
    monkeypatch.setattr(forked, "forked_map", lambda *a: spawned.append(1) or real(*a))
    return spawned


@pytest.fixture
def library_text() -> str:
    return SAMPLE_LIBRARY


@pytest.fixture
def library_file(tmp_path: Path) -> Path:
    """A small library (two entries) at ``tmp_path/library.yaml``."""
    path = tmp_path / "library.yaml"
    path.write_text(SAMPLE_LIBRARY, encoding="utf-8")
    return path
