"""CSL-JSON: entries <-> CSL items (the data citeproc, pandoc and Zotero read).

The mapping is a table (``TEXT_FIELDS``): mnkbib's field names on the left, CSL's
variables on the right. What CSL has no variable for is kept, not dropped:

* ``subtitle`` is joined to ``title`` (``Title: Subtitle``, what CSL processors
  expect) and kept in ``custom.subtitle`` so that it is split again on reading;
* ``versions`` and every unknown field that is not itself a CSL variable go into the
  item's ``custom`` object (CSL-JSON 1.0.2's place for extension data);
* the mnkbib type goes into ``custom["mnkbib-type"]`` when the CSL type alone would
  not bring it back (``edited-book`` and ``book`` both are CSL ``book``);
* a CSL type mnkbib has no type for is read as ``document`` and kept in the field
  ``csl-type``, which is written back as the item's type.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from mnkbib.errors import ParseError, ValidationError
from mnkbib.model import NAME_ROLES, Entry, PartialDate, Person, value_to_raw
from mnkbib.names import parse_name
from mnkbib.types import ENTRY_TYPES, resolve_type

from .base import Problem, ReadResult, WriteResult
from .common import EntryBuilder

# mnkbib field -> CSL variable (text variables).
TEXT_FIELDS: dict[str, str] = {
    "title": "title",
    "title-short": "title-short",
    "title-translit": "title-translit",
    "translated-title": "translated-title",
    "original-title": "original-title",
    "container": "container-title",
    "container-short": "container-title-short",
    "collection": "collection-title",
    "collection-number": "collection-number",
    "volume": "volume",
    "issue": "issue",
    "number": "number",
    "pages": "page",
    "edition": "edition",
    "genre": "genre",
    "medium": "medium",
    "event": "event",
    "event-place": "event-place",
    "publisher": "publisher",
    "place": "publisher-place",
    "language": "language",
    "doi": "DOI",
    "isbn": "ISBN",
    "issn": "ISSN",
    "url": "URL",
    "note": "note",
    "abstract": "abstract",
}
DATE_FIELDS: dict[str, str] = {
    "date": "issued",
    "original-date": "original-date",
    "accessed": "accessed",
}
NAME_FIELDS: dict[str, str] = {role: role for role in NAME_ROLES}
_FROM_CSL: dict[str, str] = {
    **{v: k for k, v in TEXT_FIELDS.items()},
    **{v: k for k, v in DATE_FIELDS.items()},
    **{v: k for k, v in NAME_FIELDS.items()},
    "keyword": "tags",
    "event-title": "event",
}
# Every CSL 1.0.2 variable: an unknown field with one of these names is written as that
# variable; any other unknown field goes into ``custom``.
CSL_VARIABLES = frozenset(
    """abstract annote archive archive_collection archive_location archive-place authority
    call-number chapter-number citation-key citation-label collection-number collection-title
    container-title container-title-short dimensions division DOI edition event event-place
    event-title genre ISBN ISSN issue jurisdiction keyword language locator medium note number
    number-of-pages number-of-volumes original-publisher original-publisher-place original-title
    page page-first part part-title PMCID PMID printing publisher publisher-place references
    reviewed-genre reviewed-title scale section source status supplement title title-short URL
    version volume volume-title volume-title-short year-suffix
    accessed available-date event-date issued original-date submitted
    author chair collection-editor compiler composer container-author contributor curator
    director editor editorial-director executive-producer guest host illustrator interviewer
    narrator organizer original-author performer producer recipient reviewed-author
    script-writer series-creator translator categories""".split()  # noqa: SIM905
)
_RESERVED = frozenset(_FROM_CSL) | {"id", "type", "custom"}
_NAME_KEYS = {
    "family": "family",
    "given": "given",
    "non-dropping-particle": "particle",
    "dropping-particle": "dropping_particle",
    "suffix": "suffix",
    "literal": "literal",
}
_NAME_FLAGS = ("static-ordering", "parse-names", "comma-suffix")

# CSL types the type table does not name.
_EXTRA_CSL_TYPES = {
    "collection": "edited-book",
    "review-book": "review",
    "regulation": "legislation",
    "bill": "legislation",
    "entry": "document",
    "motion_picture": "motion-picture",
    "personal_communication": "personal-communication",
}


def csl_type(mnkbib_type: str) -> str:
    """The CSL type an mnkbib type is written as."""
    return ENTRY_TYPES[mnkbib_type].csl


_BY_CSL: dict[str, str] = {}
for _t in ENTRY_TYPES.values():
    _BY_CSL.setdefault(csl_type(_t.name), _t.name)
_BY_CSL.update({k: v for k, v in _EXTRA_CSL_TYPES.items() if k not in _BY_CSL})


def type_from_csl(name: str, has_author: bool = True, has_editor: bool = False) -> str | None:
    """The mnkbib type a CSL type is read as (None if there is none)."""
    found = _BY_CSL.get(name)
    if found is None:
        et = resolve_type(name)
        found = et.name if et else None
    if found == "book" and has_editor and not has_author:
        return "edited-book"
    return found


# ---------------------------------------------------------------------------
# Entry -> CSL


def person_to_csl(person: Person) -> dict[str, Any]:
    if person.literal:
        return {"literal": person.literal}
    out: dict[str, Any] = {}
    if person.family:
        out["family"] = person.family
    if person.given:
        out["given"] = person.given
    if person.particle:
        out["non-dropping-particle"] = person.particle
    if person.dropping_particle:
        out["dropping-particle"] = person.dropping_particle
    if person.suffix:
        out["suffix"] = person.suffix
    if person.family_first:
        out["static-ordering"] = True
    return out


def date_to_csl(date: PartialDate) -> dict[str, Any]:
    parts = [date.year]
    if date.month is not None:
        parts.append(date.month)
        if date.day is not None:
            parts.append(date.day)
    return {"date-parts": [parts]}


def join_title(title: str, subtitle: str) -> str:
    if not title:
        return subtitle
    sep = " " if title.rstrip()[-1:] in "?!:." else ": "
    return f"{title}{sep}{subtitle}"


def entry_to_csl(entry: Entry) -> dict[str, Any]:
    """One CSL-JSON item; ``id`` is the citation key."""
    fields = entry.fields
    item: dict[str, Any] = {"id": entry.key}
    kind = csl_type(entry.type)
    hint = fields.get("csl-type")
    used_hint = False
    if isinstance(hint, str) and hint:
        hinted = type_from_csl(hint)
        if hinted == entry.type or (hinted is None and entry.type == "document"):
            kind, used_hint = hint, True
    item["type"] = kind
    custom: dict[str, Any] = {}
    for name, value in fields.items():
        if name in TEXT_FIELDS:
            if name == "title" and fields.get("subtitle"):
                item["title"] = join_title(str(value), str(fields["subtitle"]))
            else:
                item[TEXT_FIELDS[name]] = value
        elif name in DATE_FIELDS and isinstance(value, PartialDate):
            item[DATE_FIELDS[name]] = date_to_csl(value)
        elif name in NAME_FIELDS and isinstance(value, list):
            item[name] = [person_to_csl(p) for p in value]
        elif name == "tags":
            item["keyword"] = ", ".join(value)
        elif name == "subtitle":
            if "title" not in fields:
                item["title"] = value
            custom["subtitle"] = value
        elif name == "versions":
            custom["versions"] = [dict(v) for v in value]
        elif name == "csl-type" and used_hint:
            continue
        elif name in CSL_VARIABLES and name not in _RESERVED:
            item[name] = value_to_raw(name, value)
        else:
            custom[name] = value_to_raw(name, value)
    has_author = bool(fields.get("author"))
    has_editor = bool(fields.get("editor"))
    if type_from_csl(kind, has_author, has_editor) != entry.type and not used_hint:
        custom["mnkbib-type"] = entry.type
    if custom:
        item["custom"] = custom
    return item


def write(entries: Sequence[Entry]) -> WriteResult:
    """A CSL-JSON array, one item per entry and per line, UTF-8."""
    items = [entry_to_csl(e) for e in entries]
    # One item per line: json's C encoder (indent=None) is ten times faster than indenting.
    dump = json.JSONEncoder(ensure_ascii=False).encode
    text = "[\n" + ",\n".join(dump(item) for item in items) + "\n]\n" if items else "[]\n"
    return WriteResult(text, write_warnings(entries))


def write_warnings(entries: Sequence[Entry]) -> list[str]:
    """What CSL cannot hold: tags with commas (``keyword`` is one comma-separated text)."""
    warnings: list[str] = []
    for entry in entries:
        for tag in entry.tags:
            if "," in tag:
                warnings.append(
                    f"{entry.key}: field 'tags': tag {tag!r} contains a comma; "
                    "CSL 'keyword' splits it in two"
                )
    return warnings


# ---------------------------------------------------------------------------
# CSL -> Entry


def _text_value(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    return value


def person_from_csl(raw: Any, builder: EntryBuilder, role: str) -> Person | None:
    if isinstance(raw, str):
        try:
            return parse_name(raw, where=role)
        except ValidationError as exc:
            builder.problem(exc.message)
            return None
    if not isinstance(raw, Mapping):
        builder.problem(f"field {role!r}: a name must be an object, got {json.dumps(raw)}")
        return None
    kwargs: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _NAME_KEYS:
            if value is None:
                continue
            kwargs[_NAME_KEYS[key]] = str(value).strip()
        elif key == "static-ordering":
            kwargs["family_first"] = value is True or str(value).lower() == "true"
        elif key in _NAME_FLAGS:
            continue
        else:
            builder.problem(f"field {role!r}: name part {key!r} is not a CSL name part; ignored")
    kwargs = {k: v for k, v in kwargs.items() if v not in ("", None)}
    try:
        return Person(**kwargs)
    except ValidationError as exc:
        builder.problem(f"field {role!r}: {exc.message}; name {json.dumps(raw)} skipped")
        return None


def date_from_csl(raw: Any) -> PartialDate | None:
    """A CSL date that a PartialDate holds exactly, else None."""
    if isinstance(raw, str):
        try:
            return PartialDate.parse(raw)
        except ValidationError:
            return None
    if not isinstance(raw, Mapping):
        return None
    extra = set(raw) - {"date-parts", "raw"}
    if extra:
        return None
    parts = raw.get("date-parts")
    if parts is None and isinstance(raw.get("raw"), str):
        return date_from_csl(raw["raw"])
    if not (isinstance(parts, list) and len(parts) == 1 and isinstance(parts[0], list)):
        return None
    numbers: list[int] = []
    for part in parts[0]:
        if isinstance(part, str) and part.strip().lstrip("-").isdigit():
            part = int(part)
        if not isinstance(part, int) or isinstance(part, bool):
            return None
        numbers.append(part)
    if not 1 <= len(numbers) <= 3:
        return None
    try:
        return PartialDate(*numbers)
    except ValidationError:
        return None


def _start_date(raw: Any) -> PartialDate | None:
    if isinstance(raw, Mapping):
        parts = raw.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list):
            return date_from_csl({"date-parts": [parts[0]]})
    return None


def _item_to_entry(
    item: Mapping[str, Any], problems: list[Problem], line: int | None = None
) -> Entry:
    raw_id = item.get("id", "")
    key = "" if raw_id is None else str(raw_id)
    custom = item.get("custom")
    custom = dict(custom) if isinstance(custom, Mapping) else {}
    raw_type = item.get("type")
    builder = EntryBuilder(key, "document", problems, line)
    if "custom" in item and not isinstance(item.get("custom"), Mapping):
        builder.set_unknown("custom", item["custom"])
    has_author = bool(item.get("author"))
    has_editor = bool(item.get("editor"))
    etype = None
    if isinstance(raw_type, str) and raw_type:
        etype = type_from_csl(raw_type, has_author, has_editor)
        if etype is None:
            builder.problem(f"unknown CSL type {raw_type!r} read as 'document'")
            builder.set_unknown("csl-type", raw_type)
        elif csl_type(etype) != raw_type:
            builder.set_unknown("csl-type", raw_type)
    elif raw_type is not None:
        builder.problem(f"type {json.dumps(raw_type)} is not text; read as 'document'")
        builder.set_unknown("csl-type", raw_type)
    else:
        builder.problem("no type; read as 'document'")
    declared = custom.pop("mnkbib-type", None)
    if isinstance(declared, str) and declared in ENTRY_TYPES:
        etype = declared
        builder.fields.pop("csl-type", None)
    elif declared is not None:
        builder.set_unknown("mnkbib-type", declared)
    builder.type = etype or "document"

    subtitle = custom.pop("subtitle", None)
    for csl_name, value in item.items():
        if csl_name in ("id", "type", "custom") or value is None:
            continue
        name = _FROM_CSL.get(csl_name)
        if name is None:
            builder.set_unknown(csl_name, value)
        elif name == "tags":
            text = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
            builder.set("tags", [t.strip() for t in text.split(",")], keep_as=csl_name)
        elif name in DATE_FIELDS:
            date = date_from_csl(value)
            if date is not None:
                builder.set(name, str(date), keep_as=csl_name)
            else:
                start = _start_date(value)
                if start is not None:
                    builder.fields[name] = start
                    builder.problem(
                        f"field {csl_name!r}: {json.dumps(value, ensure_ascii=False)} is more than "
                        f"a date; date {start} taken, the whole kept as field {csl_name!r}"
                    )
                else:
                    builder.problem(
                        f"field {csl_name!r}: {json.dumps(value, ensure_ascii=False)} is not a "
                        f"date; kept as field {csl_name!r}"
                    )
                builder.set_unknown(csl_name, value)
        elif name in NAME_FIELDS:
            items = value if isinstance(value, list) else [value]
            people = [p for p in (person_from_csl(r, builder, csl_name) for r in items) if p]
            if people:
                builder.fields[name] = list(builder.fields.get(name, [])) + people
        else:
            value = _text_value(value)
            if name == "title" and isinstance(subtitle, str) and isinstance(value, str):
                joined = join_title("x", subtitle)[1:]  # separator + subtitle
                if value.endswith(joined) and len(value) > len(joined):
                    value = value[: -len(joined)]
                    builder.set("subtitle", subtitle)
                    subtitle = None
            if name in builder.fields and name == "event":
                builder.set_unknown(csl_name, value)
                continue
            builder.set(name, value, keep_as=csl_name if csl_name != name else None)
    if subtitle is not None:
        if builder.fields.get("title") == subtitle:
            builder.fields.pop("title")
        builder.set("subtitle", subtitle)
    versions = custom.pop("versions", None)
    if versions is not None:
        builder.set("versions", versions, keep_as="versions-raw")
    for name, value in custom.items():
        builder.set(name, value)
    return builder.build()


def entry_from_csl(item: Mapping[str, Any]) -> Entry:
    """An entry from one CSL item; ``id`` becomes the key unchanged."""
    return _item_to_entry(item, [])


def entries_from_csl(items: Sequence[Any], lines: Sequence[int | None] | None = None) -> ReadResult:
    result = ReadResult()
    for i, item in enumerate(items):
        line = lines[i] if lines else None
        if not isinstance(item, Mapping):
            result.problems.append(Problem(line, f"item {i + 1} is not an object; skipped"))
            continue
        result.entries.append(_item_to_entry(item, result.problems, line))
    return result


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def read(text: str, source: str = "<csl-json>") -> ReadResult:
    """A CSL-JSON array of items (or one item, or ``{"items": [...]}``)."""
    decoder = json.JSONDecoder()
    stripped = text.lstrip("\ufeff")
    pos = len(stripped) - len(stripped.lstrip())
    if stripped[pos : pos + 1] != "[":
        try:
            value = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ParseError(exc.msg, source=source, line=exc.lineno, column=exc.colno) from None
        if isinstance(value, Mapping) and isinstance(value.get("items"), list):
            return entries_from_csl(value["items"])
        if isinstance(value, Mapping):
            return entries_from_csl([value], [_line_of(stripped, pos)])
        raise ParseError("expected a JSON array of CSL items", source=source, line=1)
    items: list[Any] = []
    lines: list[int | None] = []
    i = pos + 1
    n = len(stripped)
    ws = " \t\r\n"
    expect_item = True
    line, last = 1, 0
    try:
        while True:
            while i < n and stripped[i] in ws:
                i += 1
            if i < n and stripped[i] == "]" and (expect_item is False or not items):
                i += 1
                break
            if not expect_item:
                if i < n and stripped[i] == ",":
                    i += 1
                    expect_item = True
                    continue
                raise json.JSONDecodeError("expected ',' or ']'", stripped, i)
            value, end = decoder.raw_decode(stripped, i)
            items.append(value)
            line += stripped.count("\n", last, i)
            last = i
            lines.append(line)
            i = end
            expect_item = False
        if stripped[i:].strip():
            raise json.JSONDecodeError("extra data after the array", stripped, i)
    except json.JSONDecodeError as exc:
        raise ParseError(exc.msg, source=source, line=exc.lineno, column=exc.colno) from None
    return entries_from_csl(items, lines)
