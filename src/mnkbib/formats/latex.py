"""LaTeX text <-> Unicode for BibTeX fields, with pylatexenc.

Decoding turns accents and commands into Unicode (``Bostr\\"{o}m`` -> ``Boström``,
``--`` -> ``–``); a command pylatexenc does not know is kept as text and reported.
Encoding is the inverse for classic BibTeX (ASCII with ``{\\"u}`` braces) or escapes
only LaTeX's special characters for BibLaTeX (UTF-8). Each ``encode`` result decodes
back to the same text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexencode import UnicodeToLatexEncoder
from pylatexenc.latexwalker import LatexMacroNode

# Characters that need decoding at all: without these a field is plain text.
_NEEDS_DECODING = re.compile(r"[\\{}~$]|--|``|''|!`|\?`")


class _Decoder(LatexNodes2Text):  # type: ignore[misc]
    """latex2text that keeps unknown commands as text instead of dropping them."""

    unknown: list[str]

    def macro_node_to_text(self, node: LatexMacroNode) -> str:
        if self.latex_context.get_macro_spec(node.macroname) is None:
            self.unknown.append(node.macroname)
            return str(node.latex_verbatim())
        return str(super().macro_node_to_text(node))


def _context() -> object:
    db = get_default_latex_context_db()
    db = db.filter_context(keep_categories=None) if hasattr(db, "filter_context") else db
    extra = [
        MacroTextSpec("textasciicircum", "^"),
        MacroTextSpec("textasciitilde", "~"),
        MacroTextSpec("textbackslash", "\\"),
        MacroTextSpec("textbar", "|"),
        MacroTextSpec("textbraceleft", "{"),
        MacroTextSpec("textbraceright", "}"),
        MacroTextSpec("textless", "<"),
        MacroTextSpec("textgreater", ">"),
        MacroTextSpec("url", "%s"),
        MacroTextSpec("href", "%(2)s"),
        MacroTextSpec("noopsort", ""),
        MacroTextSpec("relax", ""),
        MacroTextSpec("textsc", "%s"),
        MacroTextSpec("NoCaseChange", "%s"),
    ]
    db.add_context_category("mnkbib", macros=extra, prepend=True)
    return db


_DB = _context()


_QUOTE_COMMANDS = re.compile(r"\\(?:mkbibquote|enquote)\s*\{([^{}]*)\}")


def decode(text: str) -> tuple[str, list[str]]:
    """Unicode text for a LaTeX field value and the unknown commands kept as text."""
    if not _NEEDS_DECODING.search(text):
        return text, []
    if "quote" in text:
        text = _QUOTE_COMMANDS.sub(r"``\1''", text)
    fast = _decode_accents(text)
    if fast is not None:
        return fast, []
    return _decode(text)


# The fast path: accents on single letters ({\"u}, \"{u}, \'e) and case-protecting braces
# are most of what real files hold; pylatexenc's walker is ~100x slower on them. The result
# is the same as pylatexenc's (tests/formats/test_latex_fast_path.py checks that); anything
# else -- other commands, math, ties, dashes, quotes -- goes to pylatexenc.
_COMBINING = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
    "c": "\u0327", "k": "\u0328", "r": "\u030a",
}  # fmt: skip
_SYMBOL = r"\\([\"'`^~=.])"  # \" \' … : control symbols, the letter may follow directly
_WORD = r"\\([uvHckr])"  # \v \c …: control words, only with a braced letter here
# Every brace an accent pattern takes is paired: {\"u}, \"{u}, {\"{u}}, \"u, \v{s}, {\v{s}}.
_ACCENTS = [
    re.compile(p)
    for p in (
        rf"\{{{_SYMBOL}\{{([A-Za-z])\}}\}}",
        rf"\{{{_SYMBOL}([A-Za-z])\}}",
        rf"{_SYMBOL}\{{([A-Za-z])\}}",
        rf"{_SYMBOL}([A-Za-z])",
        rf"\{{{_WORD}\{{([A-Za-z])\}}\}}",
        rf"{_WORD}\{{([A-Za-z])\}}",
    )
]
_OTHER_LATEX = re.compile(r"[\\~$]|--|``|''|!`|\?`")


def _accent(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFC", match.group(2) + _COMBINING[match.group(1)])


def _decode_accents(text: str) -> str | None:
    out = text
    if "\\" in out:
        for pattern in _ACCENTS:
            out = pattern.sub(_accent, out)
    if _OTHER_LATEX.search(out) or not _balanced(out):
        return None
    return out.replace("{", "").replace("}", "")


@lru_cache(maxsize=8192)
def _decode(text: str) -> tuple[str, list[str]]:
    decoder = _Decoder(latex_context=_DB, math_mode="verbatim", strict_latex_spaces=True)
    decoder.unknown = []
    try:
        out = decoder.latex_to_text(text)
    except Exception:  # pragma: no cover - pylatexenc is tolerant; be safe on hostile input
        return text, []
    return str(out), list(decoder.unknown)


# ---------------------------------------------------------------------------
# Encoding

_SPECIALS = {
    "\\": r"\textbackslash{}",
    # BibTeX counts \{ and \} as braces too: a lone one would end the field.
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\u00a0": "~",
    "–": "--",
    "—": "---",
    "“": "``",
    "”": "''",
}
# Sequences that decoding would turn into something else if written as they are.
_ENCODER = UnicodeToLatexEncoder(
    non_ascii_only=True,
    replacement_latex_protection="braces-all",
    unknown_char_policy="keep",
    unknown_char_warning=False,
)
# Scripts LaTeX cannot set without extra fonts: keep them as UTF-8 (and warn). Code point
# ranges, not a regex: compiling a class this wide takes longer than a whole small export.
_KEEP_UTF8 = (
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x052F),  # Cyrillic
    (0x0590, 0x08FF),  # Hebrew, Arabic, Syriac …
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x1800, 0x18AF),  # Mongolian
    (0x3000, 0x9FFF),  # CJK
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
)


_ESCAPE_RE = re.compile(r"--|``|''|!`|\?`|[\\{}&%$#_~^\u00a0–—“”]")


def _escape_one(m: re.Match[str]) -> str:
    token = m.group()
    if len(token) == 2:  # a ligature decoding would merge: keep its two characters apart
        return token[0] + "{}" + token[1]
    return _SPECIALS[token]


def escape(text: str) -> str:
    """LaTeX's special characters escaped; everything else as it is (UTF-8 BibLaTeX)."""
    return _ESCAPE_RE.sub(_escape_one, text)


_ESCAPE_CHARS = re.compile(r"[\\{}&%$#_~^\u00a0–—“”]")


def needs_escape(text: str) -> bool:
    """Whether :func:`escape` changes ``text`` (most field values have nothing to escape;
    those that are also ASCII are their own :func:`encode_ascii` too).

    What ``_ESCAPE_RE.search`` tells, twice as fast: a character class and substring tests
    instead of an alternation tried at every position."""
    return (
        _ESCAPE_CHARS.search(text) is not None
        or "--" in text
        or "``" in text
        or "''" in text
        or "!`" in text
        or "?`" in text
    )


def encode_ascii(text: str) -> tuple[str, set[str]]:
    """Classic BibTeX: ASCII with ``{\\"u}``; returns the characters kept in UTF-8."""
    escaped = escape(text)
    if escaped.isascii():
        return escaped, set()
    out: list[str] = []
    kept: set[str] = set()
    for ch in escaped:
        if ch.isascii():
            out.append(ch)
        else:
            latex = _encode_char(ch)
            if latex == ch:
                kept.add(ch)
            out.append(latex)
    return "".join(out), kept


@lru_cache(maxsize=65536)  # room for the thousands of characters of CJK text
def _encode_char(ch: str) -> str:
    """The LaTeX for a non-ASCII character, or the character itself if it is kept."""
    code = ord(ch)
    if any(low <= code <= high for low, high in _KEEP_UTF8):
        return ch
    latex = str(_ENCODER.unicode_to_latex(ch))
    if latex == ch:
        latex = _accented(ch)
    # Only accept an encoding that decodes back to the same character.
    return latex if latex != ch and decode(latex)[0] == ch else ch


_MARKS = {
    "\u0300": "`",
    "\u0301": "'",
    "\u0302": "^",
    "\u0303": "~",
    "\u0304": "=",
    "\u0306": "u",
    "\u0307": ".",
    "\u0308": '"',
    "\u030a": "r",
    "\u030b": "H",
    "\u030c": "v",
    "\u0323": "d",
    "\u0327": "c",
    "\u0328": "k",
    "\u0331": "b",
}
_ABOVE = set("\u0300\u0301\u0302\u0303\u0304\u0306\u0307\u0308\u030a\u030b\u030c")


def _accented(ch: str) -> str:
    """``ọ`` -> ``{\\d{o}}``: a base letter and combining accents LaTeX has commands for."""
    parts = unicodedata.normalize("NFD", ch)
    base, marks = parts[0], parts[1:]
    if not base.isascii() or not base.isalpha() or not marks:
        return ch
    if any(m not in _MARKS for m in marks):
        return ch
    latex = {"i": "\\i", "j": "\\j"}.get(base, base) if marks[0] in _ABOVE else base
    for mark in marks:
        latex = "\\" + _MARKS[mark] + "{" + latex + "}"
    return "{" + latex + "}"


# ---------------------------------------------------------------------------
# Case protection in titles

_SPACES = re.compile(r"(\s+)")


def protect_case(encoded: str, plain: str, *, whole: bool = False) -> str:
    """Brace the words a style would lower-case: words with a capital after the first
    word (``{Mongolia}``), acronyms and mixed case anywhere (``{UN}``, ``{iPod}``);
    ``whole`` braces the whole title (non-English titles).

    ``encoded`` is the LaTeX of ``plain``; words are found in ``encoded`` and their
    braces never split a command.
    """
    if whole:
        return "{" + encoded + "}" if encoded else encoded
    if (
        plain.isascii()
        and plain[1:].islower()  # (ASCII: no capital after the first character)
        and encoded == plain
        and "\\" not in plain
        and "{" not in plain
    ):
        # Most titles: ASCII, nothing encoded, no LaTeX, no capital but the first letter:
        # no word needs braces (what _protect_words() finds for them, much faster).
        return encoded
    return _protect_words(encoded, plain)


def _protect_words(encoded: str, plain: str) -> str:
    """:func:`protect_case` of a title not braced whole, word by word."""
    if not any(map(str.isupper, plain)):
        return encoded
    parts = _SPACES.split(encoded)  # words at even indexes, the spaces between them at odd
    first = True
    for i in range(0, len(parts), 2):
        word, has_letters = _protect_word(parts[i], first)
        parts[i] = word
        if has_letters:
            first = False
    return "".join(parts)


# Titles are nearly all different, but they are made of far fewer different words: the
# decision is cached per word (and whether it is the title's first word).
@lru_cache(maxsize=65536)
def _protect_word(word: str, first: bool) -> tuple[str, bool]:
    """``word`` braced if a style must not lower-case it, and whether it has letters."""
    text = decode(word)[0] if ("\\" in word or "{" in word) else word
    letters = [c for c in text if c.isalpha()]
    if letters and _needs_protection(text, letters, first) and _balanced(word):
        return "{" + word + "}", True
    return word, bool(letters)


def _needs_protection(text: str, letters: list[str], first: bool) -> bool:
    if not any(c.isupper() for c in letters):
        return False
    if first:
        return any(c.isupper() for c in letters[1:])
    return True


def _balanced(word: str) -> bool:
    """Braces pair up (escaped ``\\{`` and ``\\}`` aside)."""
    depth = 0
    i = 0
    while i < len(word):
        ch = word[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return False
        i += 1
    return depth == 0 and not word.endswith("\\")
