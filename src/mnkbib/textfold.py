"""Folding text for search and keys: case, accents and script insensitive.

``fold("ТҮҮХЭН")`` is ``"tuukhen"`` and ``fold("Müller")`` is ``"muller"``, so a
search typed in ASCII finds Cyrillic, accented and CJK text. Transliteration is
anyascii's (ISC licence): a maintained table for every script, which hand-written
tables would only approximate.
"""

from __future__ import annotations

import re

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


class _Transliterations(dict[int, str]):
    """Code point → anyascii's ASCII for it, looked up once per distinct character
    (anyascii maps each code point on its own, so ``str.translate`` gives its result)."""

    def __missing__(self, code: int) -> str:
        from anyascii import anyascii  # here: its import costs more than most commands

        value: str = anyascii(chr(code))
        self[code] = value
        return value


_TABLE = _Transliterations()


def fold(text: str) -> str:
    """Lower-case ASCII transliteration; punctuation and spacing kept."""
    if text.isascii():
        return text.lower()
    return text.translate(_TABLE).lower()


def slug(text: str) -> str:
    """Only ASCII letters and digits: ``ТҮҮХЭН`` → ``tuukhen``."""
    return _NON_ALNUM.sub("", fold(text))


def words(text: str) -> list[str]:
    return [w for w in _NON_ALNUM.split(fold(text)) if w]
