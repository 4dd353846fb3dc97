"""Text fields as Chicago prints them: inline markup, quotation marks, title case, page ranges.

CSL-JSON strings may carry a little HTML-like markup (``<i>``, ``<b>``, ``<sup>``, ``<sub>``,
``<sc>``, ``<span class="nocase">``); straight double quotes become :class:`Quoted` nodes (so a
quotation inside a quoted title prints with single marks) and apostrophes become ’.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from .richtext import Bold, Italic, NoCase, Quoted, Rich, Seq, SmallCaps, Sub, Sup, Text, words

_TOKEN = re.compile(
    r'(<i>|</i>|<b>|</b>|<sup>|</sup>|<sub>|</sub>|<sc>|</sc>|<span class="nocase">'
    r'|<span style="font-variant:\s*small-caps;?">|</span>|"|“|”)'
)
_OPENERS: dict[str, tuple[type[Rich], str]] = {
    "<i>": (Italic, "</i>"),
    "<b>": (Bold, "</b>"),
    "<sup>": (Sup, "</sup>"),
    "<sub>": (Sub, "</sub>"),
    "<sc>": (SmallCaps, "</sc>"),
    '<span class="nocase">': (NoCase, "</span>"),
}


def _opener(token: str) -> tuple[type[Rich], str] | None:
    if token in _OPENERS:
        return _OPENERS[token]
    if token.startswith("<span style"):
        return SmallCaps, "</span>"
    return None


_SPECIAL = re.compile(r"[<\"“”']")


@lru_cache(maxsize=65536)
def parse(value: str) -> Rich:
    """Parse a CSL-JSON string into rich text (cached: the same strings recur)."""
    if _SPECIAL.search(value) is None:
        return words(value)
    root = Seq()
    stack: list[tuple[Rich, str, str]] = [(root, "", "")]  # node, closing token, opening token
    for token in _TOKEN.split(value):
        if not token:
            continue
        node, closing, _ = stack[-1]
        opener = _opener(token)
        if opener is not None:
            child = opener[0]()
            node.children.append(child)
            stack.append((child, opener[1], token))
        elif token in ('"', "“", "”"):
            prev = _last_text(node)
            closes = closing in ('"', "”") and (
                token == "”" or (token == '"' and prev and not prev[-1].isspace())
            )
            if closes:
                stack.pop()
            elif token == "”":
                node.children.append(Text("”"))
            else:
                child = Quoted()
                node.children.append(child)
                stack.append((child, '"' if token == '"' else "”", token))
        elif len(stack) > 1 and token == closing:
            stack.pop()
        else:
            node.children.append(Text(token.replace("'", "’")))
    # unclosed elements: keep their opening token as text
    while len(stack) > 1:
        node, _, opening = stack.pop()
        parent = stack[-1][0]
        index = parent.children.index(node)
        mark = "“" if opening == '"' else opening
        parent.children[index : index + 1] = [Text(mark), *node.children]
    return root


def _last_text(node: Rich) -> str:
    for child in reversed(node.children):
        if isinstance(child, Text) and child.value:
            return child.value
        found = _last_text(child)
        if found:
            return found
    return ""


def is_english(language: str | None) -> bool:
    return not language or language.lower().startswith("en")


# --------------------------------------------------------------------------- title case

STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "down",
        "for",
        "from",
        "in",
        "into",
        "nor",
        "of",
        "on",
        "onto",
        "or",
        "over",
        "so",
        "the",
        "till",
        "to",
        "up",
        "via",
        "with",
        "yet",
        "about",
        "van",
        "von",
        "de",
        "d",
        "l",
    ]
)
_CHUNK = re.compile(r"[^\W_]+|\s+|[^\w\s]|_")
_BREAKS = frozenset("-/\u2013\u2014")

START, START_SENTENCE, AFTER_WORD_END, AFTER_WORD_CHAR, AFTER_SENTENCE_PUNCT, BEFORE_LAST = range(6)


def _title_chunk(state: int, chunk: str) -> str:
    has_upper = any(c.isupper() for c in chunk)
    has_lower = any(c.islower() for c in chunk)
    if (has_upper and has_lower) or not has_lower or not chunk.isascii():
        return chunk
    if state in (START, START_SENTENCE):
        return chunk[0].upper() + chunk[1:].lower()
    if state == AFTER_WORD_END and chunk not in STOP_WORDS and len(chunk) > 1:
        return chunk[0].upper() + chunk[1:].lower()
    if state == BEFORE_LAST and len(chunk) > 1:
        return chunk[0].upper() + chunk[1:].lower()
    return chunk


def _next_state(state: int, chunk: str) -> int:
    c = chunk[-1]
    if c in ".?!:":
        return AFTER_SENTENCE_PUNCT
    if c.isalnum():
        return AFTER_WORD_CHAR
    if c.isspace() and state == AFTER_SENTENCE_PUNCT:
        return START_SENTENCE
    if c.isspace() or c in _BREAKS:
        return AFTER_WORD_END
    return state


def _step(state: int, chunk: str, transform: bool) -> tuple[str, int]:
    """One chunk of title casing: the chunk as printed and the state after it."""
    first = chunk[0]
    if first.isalnum():
        if (
            transform
            and state != AFTER_WORD_CHAR
            and chunk.islower()
            and chunk.isascii()
            and (
                state in (START, START_SENTENCE)
                or (len(chunk) > 1 and (state == BEFORE_LAST or chunk not in STOP_WORDS))
            )
            and state != AFTER_SENTENCE_PUNCT
        ):
            chunk = first.upper() + chunk[1:]
        state = AFTER_WORD_CHAR if chunk[-1].isalnum() else _next_state(state, chunk)
    elif first == " ":
        state = START_SENTENCE if state == AFTER_SENTENCE_PUNCT else AFTER_WORD_END
    else:
        state = _next_state(state, chunk)
    return chunk, state


# _step memoized: per (transform, state), chunk -> (printed chunk, next state). Titles are made
# of few distinct words, so the hot loop is a dictionary look-up per chunk.
_STEPS: dict[bool, list[dict[str, tuple[str, int]]]] = {
    True: [{} for _ in range(6)],
    False: [{} for _ in range(6)],
}
_STEPS_MAX = 1 << 15  # per table


def _chunks(state: int, value: str, transform: bool) -> tuple[str, int]:
    """``value`` title-cased chunk by chunk from ``state``, and the state after it."""
    out = []
    tables = _STEPS[transform]
    for chunk in _CHUNK.findall(value):
        table = tables[state]
        found = table.get(chunk)
        if found is None:
            if len(table) >= _STEPS_MAX:
                table.clear()
            found = table[chunk] = _step(state, chunk, transform)
        out.append(found[0])
        state = found[1]
    return "".join(out), state


# _chunks memoized for the words between single spaces: per (transform, state), word ->
# (printed word, next state), and the same for a word after a space (" " + word). Splitting at
# spaces is much cheaper than the chunk regex, and a title is then a look-up per word.
_WORDS: dict[bool, list[dict[str, tuple[str, int]]]] = {
    True: [{} for _ in range(6)],
    False: [{} for _ in range(6)],
}
_SPACED_WORDS: dict[bool, list[dict[str, tuple[str, int]]]] = {
    True: [{} for _ in range(6)],
    False: [{} for _ in range(6)],
}


def _word(state: int, word: str, transform: bool, spaced: bool) -> tuple[str, int]:
    """``word`` (after a space if ``spaced``) title-cased from ``state``, and the state after
    it: :func:`_chunks`, memoized."""
    table = (_SPACED_WORDS if spaced else _WORDS)[transform][state]
    found = table.get(word)
    if found is None:
        if len(table) >= _STEPS_MAX:
            table.clear()
        if spaced:  # the chunk " " (see _step), then the word
            after_space = START_SENTENCE if state == AFTER_SENTENCE_PUNCT else AFTER_WORD_END
            printed, next_state = _chunks(after_space, word, transform)
            found = (" " + printed, next_state)
        else:
            found = _chunks(state, word, transform)
        table[word] = found
    return found


class _TitleCaser:
    def __init__(self) -> None:
        self.state = START

    def text(self, value: str, transform: bool = True) -> str:
        if "  " in value or not value.isprintable():
            # a run of spaces, or other white space (printable text has none), is one chunk:
            # not the same as words between single spaces
            printed, self.state = _chunks(self.state, value, transform)
            return printed
        first, *rest = value.split(" ")
        printed, state = _word(self.state, first, transform, spaced=False)
        out = [printed]
        spaced = _SPACED_WORDS[transform]
        for word in rest:
            found = spaced[state].get(word) or _word(state, word, transform, spaced=True)
            out.append(found[0])
            state = found[1]
        self.state = state
        return "".join(out)

    def last_word(self, value: str) -> str:
        if self.state in (AFTER_WORD_END, START_SENTENCE, START):
            self.state = BEFORE_LAST
        return self.text(value)

    def skip(self, node: Rich) -> None:
        for leaf in _iter_text(node):
            self.text(leaf.value, transform=False)


def _iter_text(node: Rich) -> Iterator[Text]:
    if isinstance(node, Text):
        yield node
    else:
        for child in node.children:
            yield from _iter_text(child)


def parse_title_case(value: str) -> Rich:
    """``title_case(parse(value))``; a title without markup or quotes (most titles, and each
    different) goes straight to its words, without parsing and caching the parse."""
    if _SPECIAL.search(value) is None:
        return words(_title_case_text(value))
    return title_case(parse(value))


def title_case(node: Rich) -> Rich:
    """CSL title case (as citeproc applies it): capitalise words except stop words.

    Returns a new tree; ``node`` (often a cached parse) is left alone.
    """
    if type(node) is Seq and len(node.children) == 1 and type(node.children[0]) is Text:
        # what parse() makes of a title without markup or quotes (most titles): the walk
        # below, for one text, without its closure and copies
        return words(_title_case_text(node.children[0].value))
    caser = _TitleCaser()
    last = node.children[-1] if node.children else None
    split_last = (
        isinstance(last, Text)
        and len(node.children) + last.value.count(" ") > 1
        and not (set(last.value.rsplit(" ", 1)[-1]) & _BREAKS)
        and not last.value.endswith(" ")
    )

    def visit(current: Rich) -> Rich:
        if isinstance(current, NoCase | Sup | Sub | SmallCaps):
            caser.skip(current)
            return current
        if isinstance(current, Text):
            if split_last and current is last:
                head, space, tail = current.value.rpartition(" ")
                return Text(caser.text(head + space) + caser.last_word(tail))
            return Text(caser.text(current.value))
        clone = current.copy_shallow()
        clone.children = [visit(child) for child in current.children]
        return clone

    return visit(node)


def _title_case_text(value: str) -> str:
    """:func:`title_case` of ``Seq(Text(value))``: the last word is cased as the last word
    when there is more than one word, it has no break (``-``, ``/``, dashes) and nothing
    follows it."""
    if " " in value and "  " not in value and not value.endswith(" ") and value.isprintable():
        words = value.split(" ")
        if _BREAKS.isdisjoint(words[-1]):
            return _title_case_words(words)
    caser = _TitleCaser()
    if " " in value and not value.endswith(" "):
        head, space, tail = value.rpartition(" ")
        if not set(tail) & _BREAKS:
            return caser.text(head + space) + caser.last_word(tail)
    return caser.text(value)


def _title_case_words(words: list[str]) -> str:
    """``_title_case_text(" ".join(words))`` for two or more printable words, the last without
    a break: what the caser does with them (``text()`` of all but the last word and the space
    before it, then ``last_word()``) as one loop over the words."""
    spaced = _SPACED_WORDS[True]
    printed, state = _word(START, words[0], True, spaced=False)
    out = [printed]
    for word in words[1:-1]:
        found = spaced[state].get(word) or _word(state, word, True, spaced=True)
        out.append(found[0])
        state = found[1]
    found = spaced[state].get("") or _word(state, "", True, spaced=True)  # the last space
    out.append(found[0])
    state = found[1]
    if state in (AFTER_WORD_END, START_SENTENCE, START):
        state = BEFORE_LAST
    out.append(_word(state, words[-1], True, spaced=False)[0])
    return "".join(out)


# --------------------------------------------------------------------------- page ranges

_RANGE = re.compile(r"(\d+)\s*[-\u2013]+\s*(\d+)")


def _chicago16(first: str, last: str) -> str:
    a, b = int(first), int(last)
    if b <= a or len(last) > len(first) or a < 100 or a % 100 == 0:
        return f"{first}\u2013{last}"
    keep = 1 if a % 100 < 10 else 2
    common = 0
    while common < len(first) and first[common] == last[common]:
        common += 1
    tail = last[min(common, len(last) - keep) :]
    return f"{first}\u2013{tail.lstrip('0') or '0'}" if keep == 1 else f"{first}\u2013{tail}"


def page_range(value: str) -> str:
    """Chicago (16th-edition rule, as CSL's ``chicago-16``) page ranges with an en dash."""
    return _RANGE.sub(lambda m: _chicago16(m.group(1), m.group(2)), value)
