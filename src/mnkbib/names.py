"""Parsing names from every form users type.

Forms understood, one name at a time:

* ``Dierkes, Julian`` — family, given (BibTeX's ``von Last, First``)
* ``Müller, Jr., Hans`` — family, suffix, given (BibTeX's ``von Last, Jr, First``)
* ``Julian Dierkes``, ``Jan van der Berg``, ``Martin Luther King Jr.`` — reading order
* ``MENDEE Jargalsaikhan``, ``KIM Jong-un`` — a family name in capitals written first:
  stays family-first and keeps its capitals
* ``Chimguundari N`` — a given name with a patronymic initial: family-first, ``N.``
* ``毛泽东``, ``김정은``, ``山田 太郎`` — CJK names, family name first
* ``{Internationale Politik und Gesellschaft}`` or a recognisable organisation — a literal
* ``family=Berg, given=Jan, prefix=van`` (BibLaTeX's extended name format) and
  ``{family: No, given: Tae-woo}`` (a YAML/JSON flow mapping)

``parse_names`` splits a list on `` and `` (outside braces), ``;`` or `` & ``.
"""

from __future__ import annotations

import re
import unicodedata

from mnkbib.errors import ParseError, ValidationError
from mnkbib.model import Person, person_from_raw

_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v", "jun.", "sen."}
_ORG_WORDS = {
    "institute",
    "institut",
    "university",
    "universität",
    "université",
    "association",
    "society",
    "organization",
    "organisation",
    "ministry",
    "committee",
    "council",
    "bank",
    "foundation",
    "agency",
    "office",
    "department",
    "centre",
    "center",
    "commission",
    "inc.",
    "inc",
    "ltd",
    "ltd.",
    "llc",
    "corporation",
    "company",
    "press",
    "news",
    "government",
    "party",
    "programme",
    "program",
    "network",
    "forum",
    "initiative",
    "nations",
    "union",
    "bureau",
    "gesellschaft",
    "stiftung",
    "tv",
    "broadcasting",
    "service",
    "team",
    "project",
    "consortium",
    "collective",
    "academy",
    "museum",
}
# Two-character family names of Chinese and Korean.
_CJK_COMPOUND_FAMILIES = {
    "欧阳",
    "歐陽",
    "司马",
    "司馬",
    "诸葛",
    "諸葛",
    "上官",
    "东方",
    "東方",
    "皇甫",
    "尉迟",
    "尉遲",
    "公孙",
    "公孫",
    "慕容",
    "令狐",
    "长孙",
    "長孫",
    "夏侯",
    "轩辕",
    "軒轅",
    "남궁",
    "황보",
    "제갈",
    "선우",
    "독고",
    "사공",
    "서문",
}
# Scripts by code point ranges, compared directly: as regular expressions these wide
# ranges take about 10 ms to compile, at the start of every command that parses a name.
_HAN = (("\u3400", "\u9fff"), ("\uf900", "\ufaff"))
_HANGUL = (("\uac00", "\ud7af"),)
_KANA = (("\u3040", "\u30ff"),)
_CJK = _KANA + _HAN + _HANGUL
_FLOW_MAPPING = re.compile(r"^[\w-]+\s*:")
_EXTENDED_FORM = re.compile(r"^(family|given|prefix|suffix|literal)\s*=")
_INITIAL = re.compile(r"[A-ZА-ЯЁӨҮ]\.?")
_RUN_TOGETHER_INITIALS = re.compile(r"[A-Z]{2,3}")
_EXTENDED_KEYS = {
    "family": "family",
    "given": "given",
    "prefix": "particle",
    "suffix": "suffix",
    "literal": "literal",
}


def parse_names(text: str, *, where: str = "name") -> list[Person]:
    """Every name in a list such as ``Dierkes, Julian and MENDEE Jargalsaikhan``."""
    parts = split_names(text)
    if not parts:
        raise ValidationError(f"{where}: no name given")
    return [parse_name(p, where=where) for p in parts]


def split_names(text: str) -> list[str]:
    """Split on `` and `` / `` & `` / ``;`` at brace depth 0."""
    out: list[str] = []
    depth = 0
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif depth == 0:
            for sep in (" and ", " & ", ";"):
                if text.startswith(sep, i) or (
                    sep.strip() != ";" and text.startswith(sep.replace(" ", "\n", 1), i)
                ):
                    out.append(text[start:i])
                    i += len(sep)
                    start = i
                    break
            else:
                i += 1
                continue
            continue
        i += 1
    out.append(text[start:])
    return [p.strip() for p in out if p.strip()]


def parse_name(text: str, *, where: str = "name") -> Person:
    """One name in any of the forms in this module's docstring."""
    raw = " ".join(text.split())
    if not raw:
        raise ValidationError(f"{where}: empty name")
    try:
        return _parse(raw)
    except ValidationError as exc:
        raise ValidationError(f"{where}: {raw!r}: {exc.message}") from None


def _parse(raw: str) -> Person:
    if raw.startswith("{") and raw.endswith("}") and _balanced_outer(raw):
        inner = raw[1:-1].strip()
        if _FLOW_MAPPING.match(inner):  # {family: No, given: Tae-woo}
            return _parse_flow_mapping(inner)
        return Person(literal=inner)
    if _EXTENDED_FORM.match(raw):
        return _parse_extended(raw)
    commas = _split_top(raw, ",")
    if len(commas) == 2:
        return _with_von(commas[0], given=commas[1])
    if len(commas) == 3:
        return _with_von(commas[0], given=commas[2], suffix=commas[1])
    if len(commas) > 3:
        raise ValidationError("too many commas for a name (write an organisation in {braces})")
    return _parse_reading_order(raw)


def _balanced_outer(text: str) -> bool:
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0 and i < len(text) - 1:
            return False
    return depth == 0


def _split_top(text: str, sep: str) -> list[str]:
    if "{" not in text and "}" not in text:  # no braces, no depth: a plain split
        return [part.strip() for part in text.split(sep)]
    parts: list[str] = []
    depth = 0
    cur: list[str] = []
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur).strip())
    return parts


def _unbrace(text: str) -> str:
    return text.replace("{", "").replace("}", "").strip()


def _parse_flow_mapping(inner: str) -> Person:
    from mnkbib.yamlsafe import load_text

    try:
        value = load_text("{" + inner + "}", source="name")
    except ParseError as exc:
        raise ValidationError(f"not a name mapping: {exc.reason}") from None
    return person_from_raw(value, "name")


def _parse_extended(raw: str) -> Person:
    kwargs: dict[str, object] = {}
    for part in _split_top(raw, ","):
        if "=" not in part:
            raise ValidationError(f"expected key=value, got {part!r}")
        key, _, value = part.partition("=")
        key = key.strip().lower()
        value = _unbrace(value.strip().strip('"'))
        if key in _EXTENDED_KEYS:
            kwargs[_EXTENDED_KEYS[key]] = value
        elif key in ("family-first", "familyfirst"):
            kwargs["family_first"] = value.lower() in ("true", "yes", "1")
        elif key in ("useprefix", "given-i", "family-i", "prefix-i"):
            continue
        else:
            raise ValidationError(f"unknown name part {key!r}")
    return Person(**kwargs)  # type: ignore[arg-type]


def _is_lower_word(word: str) -> bool:
    """BibTeX's von test: the first letter (outside braces) is lower case."""
    for ch in word:
        if ch.isalpha():
            return ch.islower()
    return False


def _with_von(last_part: str, *, given: str, suffix: str = "") -> Person:
    """``von Last`` + given (+ suffix) from the comma forms."""
    words = last_part.split()
    if not words:
        raise ValidationError("the family name is empty")
    von: list[str] = []
    while len(words) > 1 and _is_lower_word(words[0]):
        von.append(words.pop(0))
    family = " ".join(words)
    if last_part.startswith("{") and last_part.endswith("}") and _balanced_outer(last_part):
        return Person(family=_unbrace(last_part), given=_unbrace(given), suffix=_unbrace(suffix))
    return Person(
        family=_unbrace(family),
        given=_unbrace(given),
        particle=_unbrace(" ".join(von)),
        suffix=_unbrace(suffix),
    )


def _is_caps_word(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _all_in(word: str, ranges: tuple[tuple[str, str], ...]) -> bool:
    """Whether ``word`` is not empty and every character is in one of ``ranges``."""
    return bool(word) and all(any(lo <= c <= hi for lo, hi in ranges) for c in word)


def _any_in(word: str, ranges: tuple[tuple[str, str], ...]) -> bool:
    """Whether a character of ``word`` is in one of ``ranges`` (all above ASCII)."""
    return not word.isascii() and any(lo <= c <= hi for c in word for lo, hi in ranges)


def _is_initial(word: str) -> bool:
    return bool(_INITIAL.fullmatch(word))


def _parse_reading_order(raw: str) -> Person:
    words = raw.split()
    if len(words) == 1:
        return _single_word(words[0])
    if all(_any_in(w, _CJK) for w in words):
        # 山田 太郎, 김 정은: CJK with a space is family name first.
        return Person(family=words[0], given=" ".join(words[1:]), family_first=True)
    if _looks_like_org(words):
        return Person(literal=_unbrace(raw))
    # MENDEE Jargalsaikhan, KIM Jong-un: a leading family name in capitals.
    caps = 0
    while caps < len(words) and _is_caps_word(words[caps]):
        caps += 1
    if 0 < caps < len(words):
        return Person(
            family=_unbrace(" ".join(words[:caps])),
            given=_unbrace(" ".join(words[caps:])),
            family_first=True,
        )
    # Chimguundari N: a given name and a patronymic initial.
    if len(words) == 2 and _is_initial(words[1]) and not _is_initial(words[0]):
        initial = words[1] if words[1].endswith(".") else words[1] + "."
        return Person(family=words[0], given=initial, family_first=True)
    # Smith JA (Vancouver): family name and run-together initials.
    if (
        len(words) == 2
        and _RUN_TOGETHER_INITIALS.fullmatch(words[1])
        and not _is_caps_word(words[0])
    ):
        return Person(family=words[0], given=" ".join(f"{c}." for c in words[1]))
    suffix = ""
    if len(words) > 2 and words[-1].lower() in _SUFFIXES:
        suffix = words.pop()
    # BibTeX "First von Last": von = lower-case words after the first word.
    first_von = next(
        (i for i in range(1, len(words) - 1) if _is_lower_word(words[i])),
        None,
    )
    if first_von is not None:
        last_von = max(i for i in range(first_von, len(words) - 1) if _is_lower_word(words[i]))
        return Person(
            given=_unbrace(" ".join(words[:first_von])),
            particle=_unbrace(" ".join(words[first_von : last_von + 1])),
            family=_unbrace(" ".join(words[last_von + 1 :])),
            suffix=suffix,
        )
    return Person(given=_unbrace(" ".join(words[:-1])), family=_unbrace(words[-1]), suffix=suffix)


def _single_word(word: str) -> Person:
    word = _unbrace(word)
    if _all_in(word, _HANGUL) and 2 <= len(word) <= 5:
        n = 2 if word[:2] in _CJK_COMPOUND_FAMILIES and len(word) > 2 else 1
        return Person(family=word[:n], given=word[n:], family_first=True)
    if _all_in(word, _HAN) and 2 <= len(word) <= 4 and not _any_in(word, _KANA):
        n = 2 if word[:2] in _CJK_COMPOUND_FAMILIES and len(word) > 2 else 1
        return Person(family=word[:n], given=word[n:], family_first=True)
    if _any_in(word, _CJK):
        # Japanese (or an unusual length): where the family name ends is unknown.
        return Person(literal=word)
    return Person(family=word)


def _looks_like_org(words: list[str]) -> bool:
    return any(unicodedata.normalize("NFC", w).lower().strip(",") in _ORG_WORDS for w in words)


def same_person(a: Person, b: Person) -> bool:
    """Whether two written forms plausibly name one person (``MENDEE Jargalsaikhan``
    and ``Mendee, J.``): same family name ignoring case and accents, compatible given names."""
    from mnkbib.textfold import fold

    if a.literal or b.literal:
        return fold(a.literal or a.display()) == fold(b.literal or b.display())
    if fold(a.family) != fold(b.family) or fold(a.particle) != fold(b.particle):
        return False
    ga, gb = fold(a.given).replace(".", " ").split(), fold(b.given).replace(".", " ").split()
    if not ga or not gb:
        return True
    for x, y in zip(ga, gb, strict=False):
        if not (x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))):
            return False
    return True
