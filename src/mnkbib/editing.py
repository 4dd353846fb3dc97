"""Entries as editable text, and field assignments from the command line. No I/O."""

from __future__ import annotations

from typing import Any

from mnkbib.errors import ParseError, ValidationError
from mnkbib.keys import is_valid_key
from mnkbib.model import FIELDS, Entry, Kind, entry_from_raw, entry_to_raw, value_from_raw
from mnkbib.types import resolve_type
from mnkbib.yamlemit import emit_entry
from mnkbib.yamlsafe import LineDict, load_text

EDIT_HELP = """\
# Edit the entry below and save; quit without saving to leave it unchanged.
# Changing the key renames the entry. Names: {family: …, given: …} or "Family, Given".
# Dates: YYYY, YYYY-MM or YYYY-MM-DD. Lines starting with # are ignored.
"""


def entry_to_text(entry: Entry) -> str:
    """The entry as a standalone YAML document (``key:`` then its fields)."""
    return emit_entry(entry.key, entry_to_raw(entry), indent=0)


def entry_from_text(text: str, *, source: str) -> Entry:
    """Read back an edited entry: exactly one key with its fields."""
    data = load_text(text, source=source)
    if data is None:
        raise ParseError("the file is empty; nothing changed", source=source)
    if not isinstance(data, dict) or len(data) != 1:
        raise ParseError("expected exactly one entry: `key:` followed by its fields", source=source)
    ((key, raw),) = data.items()
    if not is_valid_key(key):
        raise ParseError(f"invalid citation key {key!r}", source=source, line=1)
    try:
        return entry_from_raw(key, raw, key)
    except ValidationError as exc:
        line = raw.lines.get(exc.field) if isinstance(raw, LineDict) and exc.field else None
        raise ParseError(exc.message, source=source, line=line) from None


def entries_from_text(text: str, *, source: str) -> list[Entry]:
    """Several entries as edited text (``key:`` blocks at column 0); keys may be empty."""
    data = load_text(text, source=source)
    if not isinstance(data, dict) or not data:
        raise ParseError("expected entries: `key:` followed by their fields", source=source)
    out = []
    for key, raw in data.items():
        try:
            out.append(entry_from_raw(key, raw, key))
        except ValidationError as exc:
            line = raw.lines.get(exc.field) if isinstance(raw, LineDict) and exc.field else None
            raise ParseError(exc.message, source=source, line=line) from None
    return out


def parse_assignment(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise ValidationError(f"expected field=value, got {text!r}")
    return name, value


def set_fields(entry: Entry, assignments: list[tuple[str, Any]]) -> Entry:
    """Apply ``field=value`` assignments (text is parsed as the field's kind)."""
    changes: dict[str, Any] = {}
    new_type = entry.type
    for name, value in assignments:
        if name == "type":
            etype = resolve_type(str(value))
            if etype is None:
                raise ValidationError(
                    f"field 'type': unknown entry type {value!r} (see `mnkbib types`)"
                )
            new_type = etype.name
            continue
        if name == "key":
            raise ValidationError("use `mnkbib rename OLD NEW` to change a key")
        spec = FIELDS.get(name)
        if spec is not None and spec.kind is Kind.TAGS and isinstance(value, str):
            value = [t.strip() for t in value.split(",")]
        if value in ("", [], None):
            changes[name] = None
            continue
        changes[name] = value_from_raw(name, value, entry.key)
    updated = entry.with_fields(**changes)
    updated.type = new_type
    return updated


def change_tags(entry: Entry, add: list[str], remove: list[str]) -> Entry:
    tags = [t for t in entry.tags if t not in remove]
    tags += [t for t in add if t not in tags]
    return entry.with_fields(tags=tags)
