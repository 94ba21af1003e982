"""Publication dates as UTC timestamps, from whatever string a page shows or its metadata holds.

Most strings are ISO 8601 (HTML metadata, through htmldate) or an English dateline ("February 29,
2024 8:38am EST", "11 April 2025, 09:24"): those are parsed here, fast. Anything else goes to
dateparser (any language, a few milliseconds), and is kept only when it names a plausible year.
A date without a time is midnight UTC of that day with precision ``day``; a time without a zone
is taken as UTC.

>>> parse_published("11 April 2025, 09:24")
Published(timestamp=datetime.datetime(2025, 4, 11, 9, 24, tzinfo=datetime.timezone.utc), precision='minute')
>>> parse_published("Published Wed, Feb 28 20247:00 AM EST").timestamp.isoformat()
'2024-02-28T12:00:00+00:00'
>>> parse_published("2025-04-11").precision
'day'
>>> parse_published("no date here") is None
True
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Final, NamedTuple

#: Years a news page is plausibly published in (a year outside is a number, not a date).
FIRST_YEAR: Final = 1990

MONTHS: Final = {name: i for i, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")), start=1) for name in names}

#: Zone abbreviations that datelines use, as hours east of UTC (the ambiguous ones in their
#: commonest news meaning: IST is India, CST is US Central).
ZONES: Final = {"utc": 0, "gmt": 0, "z": 0, "et": -5, "ct": -6, "mt": -7, "pt": -8, "est": -5, "edt": -4,
                "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7, "akst": -9, "akdt": -8,
                "hst": -10, "bst": 1, "ist": 5.5, "cet": 1, "cest": 2, "eet": 2, "eest": 3, "msk": 3,
                "jst": 9, "kst": 9, "aest": 10, "aedt": 11, "sgt": 8, "hkt": 8}

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\.?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
#: "11 April 2025" and "April 11, 2025" (Python's re allows a group name once per pattern: two).
_DATES: Final = (re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}(?!\d)", re.IGNORECASE),
                 re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}(?!\d)", re.IGNORECASE))
_TIME: Final = re.compile(r"(?<![\d:])(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?"
                          r"\s*(?P<ampm>[ap]\.?\s?m\.?)?|\s*(?P<ampm_only>[ap]\.?m\.?)(?![a-z]))"
                          r"(?:\s*(?P<zone>[a-z]{1,5})\b)?"
                          r"(?:\s*(?P<offset>[+-]\d{1,2}(?::?\d{2})?))?", re.IGNORECASE)
#: "Feb 28 20247:00 AM": a year run into the time that follows it.
_YEAR_INTO_TIME: Final = re.compile(r"\b((?:19|20)\d{2})(\d{1,2}[:.]\d{2})")
_ISO: Final = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                         r"(?:Z|[+-]\d{2}:?\d{2})?)?(?!\d)")


class Published(NamedTuple):
    timestamp: datetime  #: in UTC
    precision: str  #: ``day``, ``minute`` or ``second``: how much of it the string said


def _plausible(moment: datetime) -> bool:
    return FIRST_YEAR <= moment.year <= datetime.now(UTC).year + 1


def _iso(text: str) -> Published | None:
    found = _ISO.search(text)
    if found is None:
        return None
    iso = found.group()
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None
    clock = iso[11:]
    precision = "day" if not clock else "second" if clock.count(":") >= 2 else "minute"
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return Published(moment, precision)


def _offset(zone: str | None, offset: str | None) -> timedelta | None:
    if offset:
        sign = -1 if offset.startswith("-") else 1
        digits = offset[1:].replace(":", "")  # "5", "05", "0530"
        hours, minutes = (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
        return sign * timedelta(hours=hours, minutes=minutes)
    if zone and zone.lower() in ZONES:
        return timedelta(hours=ZONES[zone.lower()])
    return None


def _dateline(text: str) -> Published | None:
    found = [m for m in (pattern.search(text) for pattern in _DATES) if m is not None]
    if not found:
        return None
    date = min(found, key=lambda m: m.start())
    day, year = int(date.group("day")), int(date.group("year"))
    month = MONTHS[date.group("month").lower()]
    try:
        moment = datetime(year, month, day, tzinfo=UTC)
    except ValueError:
        return None
    time = _TIME.search(text, date.end()) or _TIME.search(text[:date.start()])
    if time is None:
        return Published(moment, "day")
    hour, minute = int(time.group("hour")), int(time.group("minute") or 0)
    ampm = (time.group("ampm") or time.group("ampm_only") or "").lower()
    if ampm.startswith("p") and hour < 12:
        hour += 12
    elif ampm.startswith("a") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return Published(moment, "day")
    second = int(time.group("second") or 0)
    shift = _offset(time.group("zone"), time.group("offset")) or timedelta(0)
    moment = moment.replace(hour=hour, minute=minute, second=second) - shift
    return Published(moment, "second" if time.group("second") else "minute")


#: "05.01.2025", "5/1/2025": a numeric date alone (month first where both could be the month, as
#: dateparser reads it; checked equal to dateparser on every day and month of three years).
_NUMERIC: Final = re.compile(r"(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<year>(?:19|20)\d{2})")


def _numeric(text: str) -> Published | None:
    found = _NUMERIC.fullmatch(text)
    if found is None:
        return None
    a, b, year = int(found.group("a")), int(found.group("b")), int(found.group("year"))
    for month, day in ((a, b), (b, a)):
        try:
            return Published(datetime(year, month, day, tzinfo=UTC), "day")
        except ValueError:
            continue
    return None


def _dateparser(text: str) -> Published | None:
    if not re.search(r"(?:19|20)\d{2}", text):  # "today", "3 hours ago": not a date we can trust
        return None
    import dateparser  # a second to load its languages: only for the strings the fast paths miss

    settings = {"RETURN_AS_TIMEZONE_AWARE": True, "TO_TIMEZONE": "UTC", "PREFER_DATES_FROM": "past"}
    first_digit = re.search(r"\d", text)
    # "Опубліковано 11 квітня 2025": a word before the date can stop it; then the date alone.
    tails = (text, text[first_digit.start():]) if first_digit and first_digit.start() else (text,)
    moment = next((m for m in (dateparser.parse(t, settings=settings) for t in tails) if m is not None), None)
    if moment is None:
        return None
    has_time = re.search(r"\d{1,2}:\d{2}", text) is not None
    if not has_time:
        moment = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return Published(moment.astimezone(UTC).replace(microsecond=0), "minute" if has_time else "day")


@lru_cache(maxsize=4096)
def parse_published(raw: str | None) -> Published | None:
    """The moment ``raw`` names, in UTC, with its precision; None when it names none. (Cached: a
    site's pages repeat their dates, and dateparser costs milliseconds a string.)"""
    if not raw:
        return None
    text = _YEAR_INTO_TIME.sub(r"\1 \2", " ".join(raw.split())[:200])
    for parse in (_iso, _dateline, _numeric, _dateparser):
        found = parse(text)
        if found is not None:
            return found if _plausible(found.timestamp) else None
    return None

