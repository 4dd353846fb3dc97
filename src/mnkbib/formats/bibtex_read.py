"""Reading BibTeX and BibLaTeX files (bibtexparser 2 splits; everything else is here).

bibtexparser only splits the file into blocks (``formats.bibsplit`` does its work for
well-formed files, several times faster, with the same result): ``@string`` macros,
``#`` concatenation, month macros, ``crossref``/``xdata`` and LaTeX decoding are done
here, because its middlewares resolve only whole-field macros and would decode URLs.
Every block it could not parse is reported with its line and skipped; duplicate keys
and duplicate fields are reported (the first field wins, a later one is kept as
``field-2``).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from mnkbib.errors import ValidationError
from mnkbib.model import FIELDS, Entry, PartialDate, Person
from mnkbib.names import parse_name

from .base import Problem, ReadResult
from .bibfields import (
    ARTICLE_TYPES,
    BOOKTITLE_TYPES,
    EDITOR_TYPES,
    MONTH_NAMES,
    MONTHS,
    ROLE_FIELDS,
    SERIES_NUMBER_TYPES,
    VERBATIM,
    biblatex_type,
    bibtex_type,
    type_from_subtype,
    type_of,
)
from .bibsplit import (
    Block,
    EntryBlock,
    FailedBlock,
    Field,
    PreambleBlock,
    StringBlock,
    split,
)
from .common import EntryBuilder, babel_name, language_tag
from .latex import decode

_MONTH_MACROS = {m: MONTH_NAMES[i] for i, m in enumerate(MONTHS)}
_MONTH_WORDS = {
    **{m: i + 1 for i, m in enumerate(MONTHS)},
    **{n.lower(): i + 1 for i, n in enumerate(MONTH_NAMES)},
    "sept": 9,
}
_ROLE_BY_FIELD = {v: k for k, v in ROLE_FIELDS.items()}
_ROLE_BY_EDITORTYPE = {v: k for k, v in EDITOR_TYPES.items()}
_SPACES = re.compile(r"\s+")
_UNEVEN_SPACES = re.compile(r"\s\s|[^\S ]")  # where _SPACES.sub(" ", …) changes the text
_URL_ESCAPES = re.compile(r"\\([_%&#$~])")
_NAMEFLAG = re.compile(r"^\s*([a-z-]+?)(\d+)\s*:\s*([a-z-]+)\s*$")
_EXTENDED = re.compile(r"^\s*(family|given|prefix|suffix|useprefix)\s*=", re.IGNORECASE)
_NO_INHERIT = frozenset(
    {"ids", "crossref", "xdata", "xref", "entryset", "label", "sortkey", "entrysubtype",
     "nameflags", "bibtex-type"}
)  # fmt: skip


# ---------------------------------------------------------------------------
# Values: braces, quotes, numbers, macros and #


class _Value:
    __slots__ = ("macros", "text")

    def __init__(self, text: str, macros: list[str]) -> None:
        self.text = text
        self.macros = macros  # undefined macros used


_DELIMS = re.compile(r'[{}"]')


def _matching(raw: str, start: int, close: str) -> int:
    """Index of the delimiter closing the group opened at ``start`` (-1 if none)."""
    depth = 0
    for m in _DELIMS.finditer(raw, start + 1):
        ch = m.group()
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                return m.start() if close == "}" else -1
            depth -= 1
        elif close == '"' and depth == 0:
            return m.start()
    return -1


_AND = re.compile(r"\s+and\s+|[{}]", re.IGNORECASE)
_AND_ONLY = re.compile(r"\s+and\s+", re.IGNORECASE)


def split_bib_names(text: str) -> list[str]:
    """BibTeX's name list: split on `` and `` outside braces (``;`` and ``&`` are text)."""
    if "{" not in text and "}" not in text:  # no braces, no depth: a plain split
        return [p.strip() for p in _AND_ONLY.split(text) if p.strip()]
    parts: list[str] = []
    depth = 0
    start = 0
    for m in _AND.finditer(text):
        token = m.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth = max(0, depth - 1)
        elif depth == 0:
            parts.append(text[start : m.start()])
            start = m.end()
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def evaluate(raw: str, macros: Mapping[str, str]) -> _Value:
    """A field's value: ``{…}``, ``"…"``, numbers and macros joined by ``#``."""
    raw = raw.strip()
    if raw.startswith("{") and raw.endswith("}"):
        inner = raw[1:-1]
        if ("{" not in inner and "}" not in inner) or _matching(raw, 0, "}") == len(raw) - 1:
            return _Value(inner, [])
    parts: list[str] = []
    undefined: list[str] = []
    i = 0
    n = len(raw)
    while i < n:
        ch = raw[i]
        if ch.isspace() or ch == "#":
            i += 1
            continue
        if ch in '{"':
            end = _matching(raw, i, "}" if ch == "{" else '"')
            if end < 0:
                parts.append(raw[i + 1 :])
                break
            parts.append(raw[i + 1 : end])
            i = end + 1
            continue
        j = i
        while j < n and raw[j] != "#" and not raw[j].isspace():
            j += 1
        token = raw[i:j]
        i = j
        if token.isdigit():
            parts.append(token)
        elif token.lower() in macros:
            parts.append(macros[token.lower()])
        else:
            undefined.append(token)
            parts.append(token)
    return _Value("".join(parts), undefined)


# ---------------------------------------------------------------------------
# Names


def _squeeze(text: str) -> str:
    """Runs of white space as one space (the search is much cheaper than the substitution,
    which rebuilds the text for every space in it)."""
    return _SPACES.sub(" ", text) if _UNEVEN_SPACES.search(text) else text


@lru_cache(maxsize=65536)
def _decode_text(text: str) -> tuple[str, list[str]]:
    decoded, unknown = decode(text)
    return _squeeze(decoded).strip(), unknown


def _decode_person(person: Person) -> Person:
    def d(value: str) -> str:
        return _decode_text(value)[0] if value else value

    parts = (person.family, person.given, person.particle, person.dropping_particle,
             person.suffix, person.literal)  # fmt: skip
    decoded = tuple(map(d, parts))
    if decoded == parts:
        return person  # plain text already (most names): no new Person
    family, given, particle, dropping_particle, suffix, literal = decoded
    return Person(
        family=family,
        given=given,
        particle=particle,
        dropping_particle=dropping_particle,
        suffix=suffix,
        literal=literal,
        family_first=person.family_first,
    )


_COMMAND = re.compile(
    r"\{\\[^{}]*(?:\{[^{}]*\}[^{}]*)*\}"  # {\"a}, {\ss}, {\v{s}}
    r"|\\[a-zA-Z]+\s*\{[^{}]*\}"  # \v{s}
    r"|\\[^a-zA-Z\s]\s*\{[^{}]*\}"  # \"{o}
    r"|\\[^a-zA-Z\s][a-zA-Z]"  # \"o
    r"|\\[a-zA-Z]+(?![a-zA-Z])\s?"  # \ss
)


def _decode_commands(text: str) -> str:
    """Accents and commands in a name decoded before the name is split: ``D{\\"a}{\\ss}ler``."""
    if "\\" not in text:
        return text
    return _COMMAND.sub(lambda m: decode(m.group())[0] or m.group(), text)


def parse_bib_names(raw: str, where: str) -> list[Person]:
    """BibTeX names (``von Last, Jr, First`` and the other forms, BibLaTeX's
    ``family=…, given=…, prefix=…, useprefix=…``) as people, LaTeX decoded."""
    return list(_parse_bib_names(raw, where))


@lru_cache(maxsize=16384)
def _parse_bib_names(raw: str, where: str) -> tuple[Person, ...]:
    return tuple(
        _parse_bib_name(part, where) for part in split_bib_names(_squeeze(_decode_commands(raw)))
    )


_USEPREFIX_FALSE = re.compile(r"useprefix\s*=\s*\{?false", re.IGNORECASE)


# ``Family, Given Names`` in words of letters (with inner dots, apostrophes and hyphens,
# but no ``--`` or ``''``, which LaTeX turns into other characters): what parse_name makes
# of such a name, decoded, is just that. Most names are so; the rest take the long way.
_WORD = r"(?:[^\W\d_]|[.'](?!')|-(?!-))++"
_PLAIN_NAME = re.compile(f"({_WORD}), ({_WORD}(?: {_WORD})*+)")


# People recur from entry to entry in other company: each name is parsed once (a Person
# is immutable, so entries may share it).
@lru_cache(maxsize=65536)
def _parse_bib_name(part: str, where: str) -> Person:
    plain = _PLAIN_NAME.fullmatch(part)
    if plain is not None:
        return Person(family=plain[1], given=plain[2])
    return _parse_bib_name_fully(part, where)


def _parse_bib_name_fully(part: str, where: str) -> Person:
    if part.lower() == "others":
        return Person(literal="others")
    if _EXTENDED.match(part):
        person = parse_name(part, where=where)
        if person.particle and _USEPREFIX_FALSE.search(part):
            person = Person(
                family=person.family,
                given=person.given,
                dropping_particle=person.particle,
                suffix=person.suffix,
            )
    elif part.startswith("{}") and "," in part:
        person = Person(given=part[2:].strip().lstrip(",").strip())
    else:
        person = parse_name(part, where=where)
    return _decode_person(person)


# ---------------------------------------------------------------------------
# Reading


def _blocks(text: str) -> list[Block]:
    """The file's blocks: by the fast splitter, else (anything unusual) by bibtexparser."""
    blocks = split(text)
    if blocks is not None:
        return blocks
    return _bibtexparser_blocks(text)


def _bibtexparser_blocks(text: str) -> list[Block]:
    """bibtexparser's blocks as ``bibsplit``'s (imported here: most files never need it)."""
    import bibtexparser
    from bibtexparser import model as bp

    # Its warnings become Problems here. A level, unlike ``disabled``, holds for the child
    # loggers too (bibtexparser.splitter warns of aborted blocks).
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        library = bibtexparser.parse_string(text, parse_stack=[])
    finally:
        logger.setLevel(level)
    out: list[Block] = []
    for block in library.blocks:
        if isinstance(block, bp.DuplicateBlockKeyBlock):
            inner = block.ignore_error_block
            if isinstance(inner, bp.DuplicateFieldKeyBlock):
                inner = inner.ignore_error_block
            block = inner if inner is not None else block
        if isinstance(block, bp.DuplicateFieldKeyBlock):
            block = block.ignore_error_block
        if isinstance(block, bp.ParsingFailedBlock):
            out.append(FailedBlock(block.start_line, block.raw or "", block.error))
        elif isinstance(block, bp.String):
            out.append(StringBlock(block.start_line, block.key, block.value))
        elif isinstance(block, bp.Preamble):
            out.append(PreambleBlock(block.start_line))
        elif isinstance(block, bp.Entry):
            fields = [Field(f.key, str(f.value), f.start_line) for f in block.fields]
            out.append(EntryBlock(block.start_line, block.entry_type, block.key, fields))
    return out


def read(text: str, source: str = "<bibtex>") -> ReadResult:
    """Entries of a .bib file, BibTeX or BibLaTeX, with every problem found."""
    result = ReadResult()
    macros: dict[str, str] = dict(_MONTH_MACROS)
    raw_entries: list[EntryBlock] = []
    first_line: dict[str, int | None] = {}
    for block in _blocks(text):
        if isinstance(block, FailedBlock):
            reason = (
                str(block.error).strip().splitlines()[0] if str(block.error) else "syntax error"
            )
            head = block.raw.strip().split("\n", 1)[0][:40]
            result.problems.append(
                Problem(_line(block), f"could not parse {head!r}: {_reason(block.error)}; skipped")
                if reason
                else Problem(_line(block), f"could not parse {head!r}; skipped")
            )
            continue
        if isinstance(block, StringBlock):
            value = evaluate(block.value, macros)
            for name in value.macros:
                result.problems.append(
                    Problem(_line(block), f"@string {block.key}: undefined macro {name!r}")
                )
            macros[block.key.lower()] = value.text
        elif isinstance(block, PreambleBlock):
            result.problems.append(
                Problem(_line(block), "@preamble is not imported (mnkbib keeps entries only)")
            )
        else:
            key = block.key
            folded = key.lower()
            if folded in first_line:
                result.problems.append(
                    Problem(
                        _line(block),
                        f"duplicate key {key!r} (first at line {first_line[folded]})",
                    )
                )
            else:
                first_line[folded] = _line(block)
            raw_entries.append(block)
    # Field values, in order, with macros resolved.
    evaluated: list[tuple[EntryBlock, list[tuple[str, str]]]] = []
    inherits = False
    for block in raw_entries:
        fields: list[tuple[str, str]] = []
        for fld in block.fields:
            raw = fld.value
            name = fld.key.strip().lower()
            if raw[:1] == "{" and raw[-1:] == "}":
                inner = raw[1:-1]
                if "{" not in inner and "}" not in inner:  # evaluate()'s first case, inline
                    fields.append((name, inner))
                    continue
            value = evaluate(raw, macros)
            if value.macros and name != "month":
                for macro in value.macros:
                    result.problems.append(
                        Problem(
                            fld.line + 1 if fld.line is not None else _line(block),
                            f"{block.key}: field {name!r}: undefined macro {macro!r} kept as text",
                        )
                    )
            fields.append((name, value.text))
        evaluated.append((block, fields))
        if not inherits:
            inherits = any(name in _INHERITING for name, _ in fields)
    # Parents' fields as they are before any inheritance; needed only for crossref and xdata.
    by_key: dict[str, dict[str, str]] = {}
    if inherits:
        for block, fields in evaluated:
            by_key.setdefault(block.key.lower(), dict(fields))

    def entry(block: EntryBlock, fields: list[tuple[str, str]], problems: list[Problem]) -> Entry:
        if inherits:
            _inherit(block, fields, by_key, problems)
        return _convert(block, fields, problems)

    converted = _converted_by_workers(evaluated, entry)
    if converted is not None:
        for entries, problems in converted:
            result.entries.extend(entries)
            result.problems.extend(problems)
    else:
        for block, fields in evaluated:
            result.entries.append(entry(block, fields, result.problems))
    return result


# Entries converted in worker processes when there are this many (mnkbib.forked), in jobs
# of CONVERT_JOB: about a third of importing 10,000 entries, shared out to every core.
CONVERT_PARALLEL_MIN = 2000
CONVERT_JOB = 1000

Converted = tuple[list[Entry], list[Problem]]


def _converted_by_workers(
    evaluated: list[tuple[EntryBlock, list[tuple[str, str]]]],
    entry: Callable[[EntryBlock, list[tuple[str, str]], list[Problem]], Entry],
) -> list[Converted] | None:
    """Each job's ``entry(block, fields, problems)`` and problems, in order, made by forked
    workers; None when they are not worth it or failed (see mnkbib.forked.in_jobs)."""
    from mnkbib.forked import in_jobs

    def job(lo: int, hi: int) -> Converted:
        problems: list[Problem] = []
        return [entry(block, fields, problems) for block, fields in evaluated[lo:hi]], problems

    return in_jobs(job, len(evaluated), CONVERT_JOB, CONVERT_PARALLEL_MIN)


_INHERITING = frozenset({"crossref", "xdata"})


def _reason(error: Exception) -> str:
    text = " ".join(str(getattr(error, "abort_reason", "") or error).split())
    return text.replace("`", "'").rstrip(". ")


def _line(block: Block) -> int | None:
    return block.line + 1 if block.line is not None else None


def _inherit(
    block: EntryBlock,
    fields: list[tuple[str, str]],
    by_key: Mapping[str, Mapping[str, str]],
    problems: list[Problem],
) -> None:
    """Fill fields from the ``crossref`` and ``xdata`` parents (the fields stay)."""
    have = {name for name, _ in fields}
    own = dict(fields)
    parents: list[str] = []
    if own.get("xdata"):
        parents.extend(k.strip() for k in own["xdata"].split(",") if k.strip())
    if own.get("crossref"):
        parents.append(own["crossref"].strip())
    for parent_key in parents:
        parent = by_key.get(parent_key.lower())
        if parent is None:
            problems.append(
                Problem(
                    _line(block), f"{block.key}: cross-referenced entry {parent_key!r} not found"
                )
            )
            continue
        if block.entry_type.lower() in BOOKTITLE_TYPES:
            for src, dst in (("title", "booktitle"), ("subtitle", "booksubtitle")):
                if src in parent and dst not in have and dst not in parent:
                    fields.append((dst, parent[src]))
                    have.add(dst)
        for name, value in parent.items():
            if name in have or name in _NO_INHERIT:
                continue
            if name in ("title", "subtitle", "shorttitle") and "booktitle" in have:
                continue
            fields.append((name, value))
            have.add(name)


def _month(text: str) -> int | None:
    t = text.strip().rstrip(".").lower()
    if t.isdigit() and 1 <= int(t) <= 12:
        return int(t)
    return _MONTH_WORDS.get(t)


_SIMPLE = {
    "shortjournal": "container-short",
    "series": "collection",
    "pages": "pages",
    "edition": "edition",
    "type": "genre",
    "eventtitle": "event",
    "venue": "event-place",
    "doi": "doi",
    "isbn": "isbn",
    "issn": "issn",
    "url": "url",
    "note": "note",
    "abstract": "abstract",
}
_TAG_SEPARATORS = re.compile(r"[,;]")
_YEAR = re.compile(r"-?\d{1,4}")


def _convert(block: EntryBlock, fields: list[tuple[str, str]], problems: list[Problem]) -> Entry:
    file_type = block.entry_type.strip().lower()
    builder = EntryBuilder(block.key, "document", problems, _line(block))
    values: dict[str, str] = {}
    order: list[str] = []
    for name, value in fields:
        if name in values:
            n = 2
            while f"{name}-{n}" in values:
                n += 1
            builder.problem(
                f"duplicate field {name!r}; the first is kept, this one as {name}-{n!s}"
            )
            name = f"{name}-{n}"
        values[name] = value
        order.append(name)

    # Type: the file's, refined by entrysubtype, remembered when not the writers' own.
    etype = type_of(file_type)
    subtype = values.get("entrysubtype")
    if subtype is not None:
        cand = type_from_subtype(subtype)
        if cand and file_type in (bibtex_type(cand), biblatex_type(cand), cand):
            etype = cand
            order.remove("entrysubtype")
    if etype is None:
        builder.problem(f"unknown entry type @{file_type} read as 'document'")
        etype = "document"
    builder.type = etype
    if file_type not in (bibtex_type(etype), biblatex_type(etype)) and "bibtex-type" not in values:
        builder.set_unknown("bibtex-type", file_type)

    decoded: dict[str, str] = {}
    for name in order:
        value = values[name]
        if name in VERBATIM or name == "versions":
            text = _squeeze(value).strip()
            if name in ("url", "doi") and "\\" in text:
                text = _URL_ESCAPES.sub(r"\1", text)
                if text.startswith("\\url{") and text.endswith("}"):
                    text = text[5:-1]
            decoded[name] = text
        elif name in _ROLE_BY_FIELD or name in ("editora", "editorb", "editorc"):
            decoded[name] = value
        else:
            text, unknown = _decode_text(value)
            for macro in unknown:
                builder.problem(f"field {name!r}: unknown LaTeX command \\{macro} kept as text")
            decoded[name] = text

    handled: set[str] = set()
    article = file_type in ARTICLE_TYPES or etype.startswith("article-") or etype == "review"

    def take(name: str) -> str | None:
        if name in decoded and name not in handled:
            handled.add(name)
            return decoded[name]
        return None

    # Names.
    flags = take("nameflags")
    for name in order:
        role = _ROLE_BY_FIELD.get(name)
        if name in ("editora", "editorb", "editorc"):
            kind = decoded.get(name + "type", "").strip().lower()
            role = _ROLE_BY_EDITORTYPE.get(kind)
            if role and builder.fields.get(role):
                role = None
            if role:
                handled.add(name + "type")
        if role is None or name in handled:
            continue
        handled.add(name)
        try:
            people = parse_bib_names(decoded[name], f"field {name!r}")
        except ValidationError as exc:
            builder.problem(f"{exc.message}; kept as field '{name}-raw'")
            builder.set_unknown(f"{name}-raw", _decode_text(decoded[name])[0])
            continue
        if people:
            builder.fields[role] = list(builder.fields.get(role, [])) + people
    if flags is not None and not _apply_flags(builder, flags):
        builder.set_unknown("nameflags", flags)

    # Dates.
    _read_date(builder, take("date"), take("year"), take("month"), take("day"))
    for bib, target in (("origdate", "original-date"), ("urldate", "accessed")):
        value = take(bib)
        if value is not None:
            _set_date(builder, target, value, keep_as=bib)

    # Titles.
    for bib, target in (
        ("title", "title"),
        ("subtitle", "subtitle"),
        ("shorttitle", "title-short"),
        ("usera", "title-translit"),
        ("origtitle", "original-title"),
    ):
        value = take(bib)
        if value is not None:
            builder.set(target, value, keep_as=bib)
    addon = decoded.get("titleaddon", "")
    if addon.startswith("[") and addon.endswith("]") and take("titleaddon") is not None:
        builder.set("translated-title", addon[1:-1], keep_as="titleaddon")

    # Container.
    _first_of(builder, take, "container", ("journaltitle", "journal", "booktitle"))
    if "container" not in builder.fields:
        how = decoded.get("howpublished")
        if how and file_type == "misc" and "://" not in how and "howpublished" not in handled:
            builder.set("container", take("howpublished"), keep_as="howpublished")
        org = decoded.get("organization")
        if org and file_type in ("online", "www", "electronic"):
            builder.set("container", take("organization"), keep_as="organization")
    if file_type in ("misc", "online") and "publisher" not in decoded:
        org = take("organization")
        if org is not None:
            builder.set("publisher", org, keep_as="organization")

    # Numbers.
    series = "series" in decoded
    if article:
        if "issue" in decoded:
            builder.set("issue", take("issue"), keep_as="issue")
            value = take("number")
            if value is not None:
                builder.set("number", value, keep_as="number")
        else:
            value = take("number")
            if value is not None:
                builder.set("issue", value, keep_as="number")
    else:
        value = take("number")
        if value is not None:
            target = (
                "collection-number" if file_type in SERIES_NUMBER_TYPES and series else "number"
            )
            builder.set(target, value, keep_as="number")
    value = take("eid")
    if value is not None:
        if "number" in builder.fields:
            builder.set_unknown("eid", value)
        else:
            builder.set("number", value, keep_as="eid")

    # Publisher and place.
    _first_of(builder, take, "publisher", ("publisher", "institution", "school"))
    _first_of(builder, take, "place", ("address", "location"))

    # Language.
    lang = take("language")
    langid = decoded.get("langid")
    if lang is not None:
        builder.set("language", lang, keep_as="language")
    if langid is not None:
        tag = language_tag(langid)
        current = builder.fields.get("language")
        if current is None and tag:
            builder.set("language", tag)
            handled.add("langid")
        elif current is not None and babel_name(str(current)) == langid.strip().lower():
            handled.add("langid")

    # The rest of the one-to-one fields.
    simple = _SIMPLE
    for name in order:
        if name in handled:
            continue
        if name in ("versions", "verba") and "versions" not in builder.fields:
            parsed = _versions(decoded[name])
            if parsed is not None:
                handled.add(name)
                builder.set("versions", parsed, keep_as=name)
                continue
        target = simple.get(name)
        if target is None and name in FIELDS and name not in ("type", "date", "versions"):
            target = name  # mnkbib's own field names (medium, collection-number …)
        if target is not None and target not in builder.fields:
            handled.add(name)
            builder.set(target, decoded[name], keep_as=name)
        elif name in ("keywords", "keyword") and "tags" not in builder.fields:
            handled.add(name)
            tags = [t.strip() for t in _TAG_SEPARATORS.split(decoded[name])]
            builder.set("tags", [t for t in tags if t], keep_as=name)
    for name in order:
        if name not in handled:
            value = decoded[name]
            if name in _ROLE_BY_FIELD or name in ("editora", "editorb", "editorc"):
                value = _decode_text(value)[0]
            builder.set_unknown(name, value)
    return builder.build()


def _versions(text: str) -> list[Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return value
    return None


def _apply_flags(builder: EntryBuilder, flags: str) -> bool:
    """``author2: family-first, editor1: dropping-particle`` -> the people's flags."""
    changes: list[tuple[str, int, str]] = []
    for item in flags.split(","):
        if not item.strip():
            continue
        m = _NAMEFLAG.match(item)
        if not m:
            return False
        role, index, flag = m.group(1), int(m.group(2)) - 1, m.group(3)
        people = builder.fields.get(role)
        if not isinstance(people, list) or not 0 <= index < len(people):
            return False
        if flag not in ("family-first", "dropping-particle"):
            return False
        changes.append((role, index, flag))
    for role, index, flag in changes:
        people = list(builder.fields[role])
        p = people[index]
        if flag == "family-first":
            people[index] = Person(
                family=p.family, given=p.given, particle=p.particle,
                dropping_particle=p.dropping_particle, suffix=p.suffix, literal=p.literal,
                family_first=True,
            )  # fmt: skip
        else:
            people[index] = Person(
                family=p.family, given=p.given, dropping_particle=p.particle or p.dropping_particle,
                suffix=p.suffix, literal=p.literal, family_first=p.family_first,
            )  # fmt: skip
        builder.fields[role] = people
    return True


_DATE_START = re.compile(r"^(-?\d{1,4}(?:-\d{2}(?:-\d{2})?)?)")


def _first_of(
    builder: EntryBuilder,
    take: Callable[[str], str | None],
    target: str,
    names: tuple[str, ...],
) -> None:
    """The first of ``names`` present becomes ``target``; any other is kept as it was."""
    for bib in names:
        value = take(bib)
        if value is not None:
            if target in builder.fields:
                builder.set_unknown(bib, value)
            else:
                builder.set(target, value, keep_as=bib)


def _set_date(builder: EntryBuilder, target: str, value: str, *, keep_as: str) -> None:
    text = value.strip()
    try:
        builder.fields[target] = PartialDate.parse(text)
    except ValidationError:
        builder.problem(f"field {keep_as!r}: {text!r} is not a date mnkbib holds; kept as it is")
        builder.set_unknown(keep_as, text)


def _read_date(
    builder: EntryBuilder,
    date: str | None,
    year: str | None,
    month: str | None,
    day: str | None,
) -> None:
    if date is not None:
        text = date.strip()
        try:
            builder.fields["date"] = PartialDate.parse(text)
        except ValidationError:
            m = _DATE_START.match(text)
            start = None
            if m:
                try:
                    start = PartialDate.parse(m.group(1))
                except ValidationError:
                    start = None
            if start is not None:
                builder.fields["date"] = start
                builder.problem(
                    f"field 'date': {text!r} is more than a date; date {start} taken, "
                    "the whole kept as field 'date-raw'"
                )
            else:
                builder.problem(f"field 'date': {text!r} is not a date; kept as field 'date-raw'")
            builder.set_unknown("date-raw", text)
        for name, value in (("year", year), ("month", month), ("day", day)):
            if value is not None:
                builder.set_unknown(name, value)
        return
    if year is None:
        for name, value in (("month", month), ("day", day)):
            if value is not None:
                builder.set_unknown(name, value)
        return
    y = year.strip()
    if not _YEAR.fullmatch(y):
        builder.problem(f"field 'year': {y!r} is not a year; kept as it is")
        builder.set_unknown("year", year)
        for name, value in (("month", month), ("day", day)):
            if value is not None:
                builder.set_unknown(name, value)
        return
    m_num = _month(month) if month is not None else None
    if month is not None and m_num is None:
        builder.problem(f"field 'month': {month!r} is not a month; kept as it is")
        builder.set_unknown("month", month)
    d_num = int(day) if day is not None and day.strip().isdigit() and m_num else None
    if day is not None and d_num is None:
        builder.set_unknown("day", day)
    try:
        builder.fields["date"] = PartialDate(int(y), m_num, d_num)
    except ValidationError as exc:
        builder.problem(f"field 'day': {exc.message}; kept as it is")
        builder.fields["date"] = PartialDate(int(y), m_num)
        builder.set_unknown("day", day)
