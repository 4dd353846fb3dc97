"""Commands that move entries in and out: export, import, cite."""

from __future__ import annotations

COMMANDS: list = []
