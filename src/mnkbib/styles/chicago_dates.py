"""CSL-JSON dates as Chicago writes them ("June 12, 2018", "June 12", "2018", "n.d.")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
SEASONS = {13: "Spring", 14: "Summer", 15: "Autumn", 16: "Winter"}
NO_DATE = "n.d."


@dataclass(frozen=True, slots=True)
class Date:
    year: int | None = None
    month: int | None = None
    day: int | None = None
    literal: str | None = None

    @property
    def month_name(self) -> str:
        if self.month is None:
            return ""
        if 1 <= self.month <= 12:
            return MONTHS[self.month - 1]
        return SEASONS.get(self.month, "")

    def year_text(self) -> str:
        if self.year is None:
            return self.literal or ""
        return str(self.year) if self.year > 0 else f"{-self.year} BCE"

    def month_day(self) -> str:
        """'June 12', 'June', '' (the part after the year in author-date)."""
        if not self.month_name:
            return ""
        return f"{self.month_name} {self.day}" if self.day else self.month_name

    def full(self) -> str:
        """'June 12, 2018', 'June 2018', '2018'."""
        year = self.year_text()
        if not self.month_name:
            return year
        if self.day:
            return f"{self.month_name} {self.day}, {year}"
        return f"{self.month_name} {year}"

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year or 0, self.month or 0, self.day or 0)


# Dates of date-parts made of ints (every date mnkbib writes), by their parts: a library has
# few distinct dates, and a Date (frozen) can be shared. Parts equal to ints (2018.0, True)
# find the Date their int() values make, as they would without the cache.
_DATES: dict[tuple[object, ...], Date] = {}
_DATES_MAX = 1 << 16


def parse_date(value: Any) -> Date | None:
    """A CSL-JSON date object (``{"date-parts": [[2018, 3, 25]]}``, ``literal``, ``raw``)."""
    if type(value) is not dict and not isinstance(value, Mapping):
        return None
    parts = value.get("date-parts")
    if parts and isinstance(parts, list) and parts[0]:
        if type(parts[0]) is list:
            key = tuple(parts[0][:3])
            try:
                found = _DATES.get(key)
            except TypeError:  # an unhashable part
                found = None
            if found is not None:
                return found
            if all(type(p) is int for p in key):
                if len(_DATES) >= _DATES_MAX:
                    _DATES.clear()
                found = _DATES[key] = Date(*key, *(None,) * (3 - len(key)))
                return found
        first = [_int(p) for p in parts[0][:3]]
        if first and first[0] is not None:
            first += [None] * (3 - len(first))
            return Date(first[0], first[1], first[2])
    for key in ("literal", "raw"):
        text = value.get(key)
        if text:
            text = str(text).strip()
            if text.isdigit():
                return Date(int(text))
            return Date(literal=text)
    return None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
