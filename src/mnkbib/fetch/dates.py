"""Dates as web pages and catalogues write them -> CSL ``{"date-parts": [[y, m, d]]}``."""

from __future__ import annotations

import datetime
import re
from typing import Any

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?:[T ].*)?", re.ASCII)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII)
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\.?\s+([a-z]+)\.?,?\s+(\d{4})", re.ASCII | re.I)
_MONTH_DAY_YEAR = re.compile(
    r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", re.ASCII | re.I
)
_MONTH_YEAR = re.compile(r"([a-z]+)\.?,?\s+(\d{4})", re.ASCII | re.I)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)", re.ASCII)


def parse_date(text: str) -> dict[str, Any] | None:
    """The date in ``text`` as CSL date-parts, or None when there is no recognisable year.

    Understands ISO dates and timestamps (the local date is kept, not converted),
    ``2019/04/12``, ``20190412``, ``12 April 2019``, ``April 12, 2019``, ``Apr. 2019``
    and, as a last resort, a lone year (``c1996``, ``[1996?]``).
    """
    s = " ".join(text.split())
    if not s:
        return None
    if m := _ISO.fullmatch(s):
        return _parts(m.group(1), m.group(2), m.group(3))
    if m := _COMPACT.fullmatch(s):
        return _parts(m.group(1), m.group(2), m.group(3))
    if (m := _DAY_MONTH_YEAR.search(s)) and m.group(2).lower() in _MONTHS:
        return _parts(m.group(3), str(_MONTHS[m.group(2).lower()]), m.group(1))
    if (m := _MONTH_DAY_YEAR.search(s)) and m.group(1).lower() in _MONTHS:
        return _parts(m.group(3), str(_MONTHS[m.group(1).lower()]), m.group(2))
    if (m := _MONTH_YEAR.search(s)) and m.group(1).lower() in _MONTHS:
        return _parts(m.group(2), str(_MONTHS[m.group(1).lower()]), None)
    if m := _YEAR.search(s):
        return _parts(m.group(1), None, None)
    return None


def today() -> dict[str, Any]:
    now = datetime.date.today()
    return {"date-parts": [[now.year, now.month, now.day]]}


def _parts(year: str, month: str | None, day: str | None) -> dict[str, Any] | None:
    numbers = [int(year)]
    if month and 1 <= int(month) <= 12:
        numbers.append(int(month))
        if day and 1 <= int(day) <= 31:
            numbers.append(int(day))
    if numbers[0] == 0:
        return None
    return {"date-parts": [numbers]}
