"""Reading citations the way people write them.

* short labels: ``Dierkes & MENDEE 2018, The Diplomat`` (names resolved to their
  full form from the library);
* pasted reference lines, as in a blog post's list or a Chicago reference list:
  ``Dierkes, Julian and MENDEE Jargalsaikhan. 2018. “8 Reasons Why …“, The Diplomat.``
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mnkbib.errors import ValidationError
from mnkbib.model import Entry, PartialDate, Person, entry_from_raw
from mnkbib.names import parse_name, split_names
from mnkbib.textfold import fold

if TYPE_CHECKING:
    from mnkbib.query import Row

_LABEL = re.compile(
    r"^\s*(?P<who>.+?)\s+(?P<year>\d{4})[a-z]?(?:\s*,\s*(?P<where>.+?))?\s*$|"
    r"^\s*(?P<who2>.+?)\s+n\.\s?d\.(?:\s*,\s*(?P<where2>.+?))?\s*$"
)
_OPEN_QUOTES = "“\"„«‘'‚"
_CLOSE_QUOTES = "”“\"»’'‘"
_REFERENCE = re.compile(
    r"^\s*(?:\d+[.)]\s+)?"
    r"(?P<authors>.+?)\s*\.\s*"
    r"(?P<year>\d{4}|n\.\s?d\.)[a-z]?\s*[.,]?\s*"
    rf"[{_OPEN_QUOTES}](?P<title>.+?)[{_CLOSE_QUOTES}]"
    r"(?=\s*[,.]|\s*$|\s+[A-ZА-ЯЁӨҮ])\s*[,.]?\s*"
    r"(?P<rest>.*)$"
)
_URL = re.compile(r"https?://\S+[^\s.,;)]")
_DOI = re.compile(r"\b(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/[^\s,;]+[^\s.,;])", re.I)
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
    )
}
_DATE_IN_TEXT = re.compile(
    r"\b(?P<month>January|February|March|April|May|June|July|August|September|October|November|December)"
    r"(?:\s+(?P<day>\d{1,2}))?,?\s+(?P<year>\d{4})\b"
)
_LANGUAGE_WORDS = {
    "english": "en",
    "на русском": "ru",
    "русский": "ru",
    "deutsch": "de",
    "auf deutsch": "de",
    "монгол": "mn",
    "français": "fr",
}


@dataclass(slots=True)
class Label:
    names: list[str]
    et_al: bool
    year: int | None
    where: str | None


def parse_label(text: str) -> Label | None:
    """``Dierkes & MENDEE 2018, The Diplomat`` → names, year, container; None if not a label."""
    m = _LABEL.match(text)
    if not m:
        return None
    who = m.group("who") or m.group("who2")
    where = m.group("where") or m.group("where2")
    year = int(m.group("year")) if m.group("year") else None
    et_al = bool(re.search(r"\s+et\s+al\.?$", who))
    who = re.sub(r"\s+et\s+al\.?$", "", who)
    names = [n.strip() for n in re.split(r"\s*(?:&|\band\b|,)\s*", who) if n.strip()]
    if not names or any(len(n.split()) > 4 for n in names):
        return None
    return Label(names, et_al, year, where.strip() if where else None)


def people_index(entries: Iterable[Entry]) -> dict[str, list[Person]]:
    """Folded short name → people of the library with that name, most cited first."""
    counts: Counter[Person] = Counter()
    for entry in entries:
        for person in entry.creators():
            counts[person] += 1
    index: dict[str, list[Person]] = {}
    for person, _ in counts.most_common():
        index.setdefault(fold(person.last), []).append(person)
    return index


def resolve_name(short: str, index: dict[str, list[Person]]) -> Person:
    """``MENDEE`` → ``MENDEE Jargalsaikhan`` when the library knows one such person."""
    known = index.get(fold(short))
    if known:
        return known[0]
    return parse_name(short)


def entry_from_label(label: Label, index: dict[str, list[Person]]) -> dict[str, Any]:
    raw: dict[str, Any] = {"author": [resolve_name(n, index).to_raw() for n in label.names]}
    if label.year is not None:
        raw["date"] = str(label.year)
    if label.where:
        raw["container"] = label.where
    return raw


@dataclass(slots=True)
class Pasted:
    raw: dict[str, Any] = field(default_factory=dict)
    line: int = 0


def _authors(text: str) -> list[dict[str, Any]]:
    text = re.sub(r",\s+and\s+", " and ", text.strip().rstrip(","))
    text = re.sub(r"^(?:by)\s+", "", text, flags=re.I)
    parts = split_names(text)
    if len(parts) == 1 and text.count(",") >= 3:
        # Chicago style "Family, Given, Given Family, and Given Family"
        first, *rest = [p.strip() for p in text.split(",")]
        parts = [f"{first}, {rest[0]}", *rest[1:]]
    return [parse_name(p).to_raw() for p in parts]


def parse_reference(line: str) -> dict[str, Any] | None:
    """One pasted reference line → raw entry fields, or None if it does not look like one."""
    m = _REFERENCE.match(line)
    if not m:
        return None
    raw: dict[str, Any] = {"author": _authors(m.group("authors"))}
    year = m.group("year")
    if year[0].isdigit():
        raw["date"] = year
    title = m.group("title").strip().rstrip(",")
    if title.endswith(".") and not title.endswith("..."):
        title = title[:-1]
    raw["title"] = title
    rest = m.group("rest").strip()
    if rest:
        url = _URL.search(rest)
        if url:
            raw["url"] = url.group()
            rest = (rest[: url.start()] + rest[url.end() :]).strip()
        doi = _DOI.search(rest)
        if doi:
            raw["doi"] = doi.group(1)
            rest = (rest[: doi.start()] + rest[doi.end() :]).strip()
        date = _DATE_IN_TEXT.search(rest)
        if date and "date" in raw and date.group("year") == raw["date"]:
            month = _MONTHS[date.group("month").lower()]
            day = date.group("day")
            raw["date"] = str(PartialDate(int(raw["date"]), month, int(day) if day else None))
            rest = (rest[: date.start()] + rest[date.end() :]).strip()
        versions = []
        extra = re.search(r"\(([^()]*)\)\s*\.?$", rest)
        if extra:
            found = _version_languages(extra.group(1))
            if found:
                versions = [{"relation": "translation", "language": lang} for lang in found]
                rest = rest[: extra.start()].strip()
        container = re.split(r"(?<![A-Z])\.\s", rest, maxsplit=1)[0].strip(" .,;")
        if container:
            raw["container"] = container
        if versions:
            raw["versions"] = versions
    return raw


def _version_languages(text: str) -> list[str]:
    """Languages named in ``(English | На русском)``, in the order they appear, once each."""
    folded = text.lower()
    first: dict[str, int] = {}
    for word, lang in _LANGUAGE_WORDS.items():
        pos = folded.find(word)
        if pos >= 0:
            first[lang] = min(pos, first.get(lang, pos))
    return sorted(first, key=first.__getitem__)


def parse_references(
    text: str, *, source: str = "<stdin>", default_type: str = "article-magazine"
) -> list[tuple[int, dict[str, Any]]]:
    """Every non-empty line must be a reference; raises naming the first bad line."""
    out: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        raw = parse_reference(line)
        if raw is None:
            raise ValidationError(
                f"{source}:{number}: not a reference line (expected "
                f"'Authors. Year. “Title”, Container.'): {line.strip()[:60]!r}"
            )
        raw.setdefault("type", default_type if raw.get("container") else "document")
        out.append((number, raw))
    return out


def guess_type(container: str | None, entries: Iterable[Entry | Row], default: str) -> str:
    """The type the library already uses for a container, else ``default``."""
    from mnkbib.query import container_fold

    if not container:
        return "document"
    folded = fold(container)
    counts = Counter(e.type for e in entries if container_fold(e) == folded)
    return counts.most_common(1)[0][0] if counts else default


def to_entry(raw: dict[str, Any], where: str) -> Entry:
    return entry_from_raw("", raw, where)
