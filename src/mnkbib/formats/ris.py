"""RIS: the tagged format reference managers exchange (``TY  - JOUR`` … ``ER  -``).

Tags read and written: TY AU A2 A3 PY DA Y2 TI T2 T3 JO JF J2 VL IS SP EP PB CY DO UR SN
AB KW LA N1 ET M3 ER. RIS holds no name parts beyond ``Family, Given, Suffix``, no
family-first flag and no versions; what it cannot hold is named in the warnings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mnkbib.errors import ValidationError
from mnkbib.model import Entry, PartialDate, Person
from mnkbib.names import parse_name

from .base import Problem, ReadResult, WriteResult
from .common import EntryBuilder, plain_text

# mnkbib type -> RIS type, and RIS type -> mnkbib type.
TYPES: dict[str, str] = {
    "article-journal": "JOUR",
    "article-magazine": "MGZN",
    "article-newspaper": "NEWS",
    "article": "JOUR",
    "post-weblog": "BLOG",
    "post": "ELEC",
    "webpage": "ELEC",
    "broadcast": "VIDEO",
    "interview": "GEN",
    "book": "BOOK",
    "edited-book": "EDBOOK",
    "chapter": "CHAP",
    "entry-encyclopedia": "ENCYC",
    "entry-dictionary": "DICT",
    "paper-conference": "CPAPER",
    "report": "RPRT",
    "thesis": "THES",
    "manuscript": "UNPB",
    "speech": "GEN",
    "review": "JOUR",
    "dataset": "DATA",
    "software": "COMP",
    "motion-picture": "MPCT",
    "legislation": "STAT",
    "patent": "PAT",
    "personal-communication": "PCOMM",
    "document": "GEN",
}
_FROM_RIS: dict[str, str] = {}
for _name, _ris in TYPES.items():
    _FROM_RIS.setdefault(_ris, _name)
_FROM_RIS.update({"CONF": "paper-conference", "JFULL": "article-journal", "EJOUR": "article-journal",
                  "WEB": "webpage", "ICOMM": "webpage", "SER": "book", "ABST": "article-journal",
                  "INPR": "article-journal", "CHAPTER": "chapter"})  # fmt: skip
_LINE = re.compile(r"^([A-Z][A-Z0-9])  - ?(.*)$")
_TEXT_TAGS = {
    "TI": "title", "T1": "title", "T2": "container", "JO": "container", "JF": "container",
    "T3": "collection", "J2": "container-short", "VL": "volume", "IS": "issue", "PB": "publisher",
    "CY": "place", "DO": "doi", "UR": "url", "SN": "isbn", "AB": "abstract", "N2": "abstract",
    "LA": "language", "N1": "note", "ET": "edition", "M3": "medium",
}  # fmt: skip
_NAME_TAGS = {
    "AU": "author",
    "A1": "author",
    "A2": "editor",
    "ED": "editor",
    "A3": "collection-editor",
    "A4": "translator",
}
_WRITE_NAMES = (
    ("author", "AU"),
    ("editor", "A2"),
    ("collection-editor", "A3"),
    ("translator", "A4"),
)
_WRITE_TEXT = (
    ("title", "TI"), ("container", "T2"), ("container-short", "J2"), ("collection", "T3"),
    ("volume", "VL"), ("issue", "IS"), ("edition", "ET"), ("publisher", "PB"), ("place", "CY"),
    ("doi", "DO"), ("url", "UR"), ("abstract", "AB"), ("language", "LA"), ("medium", "M3"),
)  # fmt: skip


def _person(p: Person) -> str:
    if p.literal:
        return p.literal
    if not p.family:
        return ", " + p.given
    family = " ".join(x for x in (p.particle, p.family) if x)
    parts = [family, " ".join(x for x in (p.given, p.dropping_particle) if x)]
    if p.suffix:
        parts.append(p.suffix)
    return ", ".join(parts)


def _misread(p: Person) -> bool:
    """Whether the name written reads back as other name parts."""
    try:
        return _read_person(_person(p)) != p
    except ValidationError:
        return True


def _read_person(value: str) -> Person:
    parts = [x.strip() for x in value.split(",")]
    if len(parts) == 2 and not parts[0] and parts[1]:
        return Person(given=parts[1])
    if len(parts) == 3 and all(parts):  # RIS: Family, Given, Suffix
        return parse_name(f"{parts[0]}, {parts[2]}, {parts[1]}", where="name")
    return parse_name(value, where="name")


def _ris_date(d: PartialDate) -> str:
    parts = [f"{d.year:04d}", f"{d.month:02d}" if d.month else "", f"{d.day:02d}" if d.day else ""]
    return "/".join(parts) + "/"


def write(entries: Sequence[Entry]) -> WriteResult:
    lines: list[str] = []
    warnings: list[str] = []
    for entry in entries:
        f = entry.fields

        def add(tag: str, value: str, name: str, key: str = entry.key) -> None:
            if "\n" in value:
                warnings.append(f"{key}: field {name!r}: line breaks become spaces")
                value = " ".join(value.split())
            lines.append(f"{tag}  - {value}")

        add("TY", TYPES[entry.type], "type")
        if _FROM_RIS[TYPES[entry.type]] != entry.type:
            warnings.append(
                f"{entry.key}: field 'type': {entry.type} is RIS {TYPES[entry.type]}, "
                f"which reads back as {_FROM_RIS[TYPES[entry.type]]}"
            )
        if entry.key:
            add("ID", entry.key, "key")
        used = {"type"}
        for role, tag in _WRITE_NAMES:
            for p in f.get(role) or []:
                add(tag, _person(p), role)
                if p.family_first or p.dropping_particle or _misread(p):
                    warnings.append(
                        f"{entry.key}: field {role!r}: RIS cannot mark {p.display()!r}'s name parts"
                    )
            used.add(role)
        for name, tag in _WRITE_TEXT:
            if f.get(name):
                add(tag, str(f[name]), name)
            used.add(name)
        date = f.get("date")
        if isinstance(date, PartialDate):
            add("PY", f"{date.year:04d}", "date")
            if date.month:
                add("DA", _ris_date(date), "date")
        if isinstance(f.get("accessed"), PartialDate):
            add("Y2", _ris_date(f["accessed"]), "accessed")
        used.update({"date", "accessed"})
        pages = f.get("pages")
        if pages:
            m = re.fullmatch(r"([^-–]*?)\s*[-–]+\s*(.*)", pages)
            if m and m.group(1) and m.group(2) and "-".join(m.groups()) != pages:
                warnings.append(f"{entry.key}: field 'pages': {pages!r} reads back as SP-EP")
            if m and m.group(1) and m.group(2):
                add("SP", m.group(1), "pages")
                add("EP", m.group(2), "pages")
            else:
                add("SP", pages, "pages")
        used.add("pages")
        if f.get("issn") and not f.get("isbn"):
            add("SN", f["issn"], "issn")
        elif f.get("issn"):
            warnings.append(f"{entry.key}: field 'issn': RIS has one SN; the ISBN is written")
        if f.get("isbn"):
            add("SN", f["isbn"], "isbn")
        used.update({"isbn", "issn"})
        for tag in f.get("tags") or []:
            add("KW", tag, "tags")
        used.add("tags")
        if f.get("note"):
            add("N1", f["note"], "note")
        used.add("note")
        for name, value in f.items():
            if name not in used:
                text = plain_text(value)[:30]
                warnings.append(
                    f"{entry.key}: field {name!r}: RIS has no tag for it; not written ({text!r})"
                )
        lines.append("ER  - ")
        lines.append("")
    return WriteResult("\n".join(lines) + ("\n" if lines else ""), warnings)


def read(text: str, source: str = "<ris>") -> ReadResult:
    result = ReadResult()
    builder: EntryBuilder | None = None
    pages: dict[str, str] = {}
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        line = raw.rstrip()
        if not line.strip():
            continue
        m = _LINE.match(line)
        if not m:
            if builder is not None and builder.fields:
                last = next(reversed(builder.fields))
                if isinstance(builder.fields[last], str):
                    builder.fields[last] += " " + line.strip()
                    continue
            result.problems.append(Problem(number, f"not a RIS line: {line[:40]!r}; skipped"))
            continue
        tag, value = m.group(1), m.group(2).strip()
        if tag == "TY":
            builder = EntryBuilder(
                "", _FROM_RIS.get(value.upper(), "document"), result.problems, number
            )
            if value.upper() not in _FROM_RIS:
                builder.problem(f"unknown RIS type {value!r} read as 'document'")
                builder.set_unknown("ris-type", value)
            pages = {}
            continue
        if builder is None:
            result.problems.append(Problem(number, f"{tag} before TY; skipped"))
            continue
        if tag == "ER":
            _finish(builder, pages)
            result.entries.append(builder.build())
            builder = None
            continue
        if tag == "ID":
            builder.key = value
        elif tag in _NAME_TAGS:
            try:
                person = _read_person(value)
            except ValidationError as exc:
                builder.problem(exc.message)
                continue
            role = _NAME_TAGS[tag]
            builder.fields[role] = [*builder.fields.get(role, []), person]
        elif tag in ("PY", "Y1"):
            year = value.split("/")[0].strip()
            if "date" not in builder.fields:
                builder.set("date", year, keep_as="PY")
        elif tag == "DA":
            parts = [p for p in value.split("/") if p.strip()]
            builder.fields.pop("date", None)
            builder.set("date", "-".join(parts[:3]), keep_as="DA")
        elif tag == "Y2":
            parts = [p for p in value.split("/") if p.strip()]
            builder.set("accessed", "-".join(parts[:3]), keep_as="Y2")
        elif tag in ("SP", "EP"):
            pages[tag] = value
        elif tag == "SN":
            digits = re.sub(r"[^0-9Xx]", "", value)
            builder.set("issn" if len(digits) == 8 else "isbn", value)
        elif tag == "KW":
            builder.set("tags", [value])
        elif tag in _TEXT_TAGS:
            name = _TEXT_TAGS[tag]
            if name in builder.fields:
                builder.set_unknown(tag, value)
            else:
                builder.set(name, value, keep_as=tag)
        else:
            builder.set_unknown(tag, value)
    if builder is not None:
        result.problems.append(Problem(None, "the last record has no ER line; read anyway"))
        _finish(builder, pages)
        result.entries.append(builder.build())
    return result


def _finish(builder: EntryBuilder, pages: dict[str, str]) -> None:
    if pages.get("SP"):
        value = pages["SP"] + (f"-{pages['EP']}" if pages.get("EP") else "")
        builder.set("pages", value)
    elif pages.get("EP"):
        builder.set("pages", pages["EP"])
