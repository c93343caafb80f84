"""Dates: reading them (sidecars, questions), showing them in German, and their day ranges.

Dates travel as ISO text that may be partial: "2020-02-14", "2020-02" (a month) or "2020"
(a year); `None` is an unknown date. `iso_date` reads what people write in a sidecar
("14.02.2020", "14. Februar 2020", "Februar 2020", "2020-02"); `display_date` shows one in
German ("14.02.2020", "Februar 2020", "2020", "Datum unbekannt").

`question_time` finds the time a question asks about: a date, a month, a year or a range
("am 14. Februar 2020", "im Februar 2020", "2016", "zwischen 2016 und 2018", "vor 2020", "seit
2018"), and whether it asks for the newest state ("neueste", "aktuell", "zuletzt"). German month
names come from qa.language (Babel).

Not handled: seasons and quarters in questions ("im Sommer 2019"), weekdays in questions,
two-digit years, dates before 1900.
"""
from __future__ import annotations

import calendar
import functools
import re
from datetime import date

from qa.language import month_pattern, months
from qa.records import QuestionTime

UNKNOWN = "Datum unbekannt"
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})$")


@functools.lru_cache(maxsize=1)
def _long() -> re.Pattern:
    return re.compile(r"^(?:(\d{1,2})\.\s*)?(" + month_pattern() + r")\s+(\d{4})$", re.IGNORECASE)


def _valid(year: int, month: int | None = None, day: int | None = None) -> str | None:
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        return None
    if year < 1900:
        return None
    return f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if day and month else "")


def plausible(year: int, month: int, day: int) -> str | None:
    """The ISO date of a day that exists and is not in the future (a typo such as 3015 is none)."""
    iso = _valid(year, month, day)
    return iso if iso and iso <= date.today().isoformat() else None


def iso_date(text: str | None) -> str | None:
    """An ISO date (possibly partial) from what a person wrote; None when it is no date."""
    text = (text or "").strip().rstrip(".")
    if not text:
        return None
    m = _ISO.match(text)
    if m:
        return _valid(int(m.group(1)), *(int(g) if g else None for g in m.groups()[1:]))
    m = _NUMERIC.match(text)
    if m:
        return _valid(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    m = _long().match(text)
    if m:
        return _valid(int(m.group(3)), months()[m.group(2).lower()], int(m.group(1)) if m.group(1) else None)
    return None


def display_date(iso: str | None) -> str:
    """German: '2020-02-14' -> '14.02.2020', '2020-02' -> 'Februar 2020', '2020' -> '2020'."""
    if not iso:
        return UNKNOWN
    parts = iso.split("-")
    if len(parts) == 3:
        return f"{parts[2]}.{parts[1]}.{parts[0]}"
    if len(parts) == 2:
        return f"{month_name(int(parts[1]))} {parts[0]}"
    return parts[0]


def month_name(number: int) -> str:
    """The German name of a month ('Februar'), from Babel's data via qa.language."""
    return next(name.capitalize() for name, n in months().items() if n == number and name != "jänner")


def first_day(iso: str) -> date:
    parts = [int(p) for p in iso.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def last_day(iso: str) -> date:
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 3:
        return date(*parts)
    month = parts[1] if len(parts) > 1 else 12
    return date(parts[0], month, calendar.monthrange(parts[0], month)[1])


# -- time in questions -----------------------------------------------------------------------

_YEAR = r"(19\d\d|20\d\d)"
_NOT_A_COUNT = (r"(?!\s*(?:jahren?\b|prozent|%|euro|dollar|soldaten|menschen|mal\b|stück|kilometer|meter|tonnen"
                r"|mitglieder|einwohner|personen|leute|fälle|stimmen))")
"""A four-digit number followed by one of these counts something; it is no year."""
_RECENT = re.compile(r"\b(neuesten?|neueste[rms]?|aktuell|zuletzt|jüngsten?|letzte[nrs]? stand)\b", re.IGNORECASE)
"""Words asking for the newest state. Not "aktuelle(n)" (an adjective: "der aktuelle Einsatz"
names a thing, it does not ask for the newest article), not "neue" or "derzeit"."""


@functools.lru_cache(maxsize=1)
def _question_patterns() -> list[tuple[str, re.Pattern]]:
    month = f"({month_pattern()})"
    day = r"(\d{1,2})\.\s*"
    return [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in (
        ("between", rf"\bzwischen\s+(?:dem\s+)?{_YEAR}\s+und\s+(?:dem\s+)?{_YEAR}\b"),
        ("span", rf"\bvon\s+{_YEAR}\s+bis\s+{_YEAR}\b"),
        ("before", rf"\b(?:vor|bis)\s+(?:dem\s+(?:jahr\s+)?)?{_YEAR}\b{_NOT_A_COUNT}"),
        ("since", rf"\b(?:seit|nach|ab)\s+(?:dem\s+(?:jahr\s+)?)?{_YEAR}\b{_NOT_A_COUNT}"),
        ("day", rf"\b{day}{month}\s+{_YEAR}\b"),
        ("numeric", rf"\b(\d{{1,2}})\.(\d{{1,2}})\.{_YEAR}\b"),
        ("month", rf"\b{month}\s+{_YEAR}\b"),
        ("year", rf"(?<![\d.,])(?<!rund )(?<!etwa )(?<!über )(?<!fast )(?<!knapp )(?<!die )(?<!den )(?<!der )"
                 rf"\b{_YEAR}\b(?![.,]\d){_NOT_A_COUNT}"),
    )]


def question_time(question: str) -> QuestionTime | None:
    """The time a question names (a range of publication dates to prefer) and whether it asks
    for the newest state; None when it names neither."""
    found = _explicit_range(question)
    newest = bool(_RECENT.search(question))
    if found is None and not newest:
        return None
    start, end, text = found or (None, None, "")
    return QuestionTime(date_from=start, date_to=end, text=text, newest=newest)


def _explicit_range(question: str) -> tuple[str | None, str | None, str] | None:
    """(from, to, the words of the question) for the first time expression; None without one."""
    for kind, pattern in _question_patterns():
        m = pattern.search(question)
        if not m:
            continue
        g = m.groups()
        if kind in ("between", "span"):
            low, high = sorted((g[0], g[1]))
            return low, high, m.group(0)
        if kind == "day":
            iso = _valid(int(g[2]), months()[g[1].lower()], int(g[0]))
        elif kind == "numeric":
            iso = _valid(int(g[2]), int(g[1]), int(g[0]))
        elif kind == "month":
            iso = _valid(int(g[1]), months()[g[0].lower()])
        else:
            iso = _valid(int(g[0]))
        if iso is None:
            continue
        if kind == "before":  # "vor 2020": up to 2019; "bis 2020": up to 2020
            return None, str(int(iso) - 1) if m.group(0).lower().startswith("vor") else iso, m.group(0)
        if kind == "since":  # "nach 2018": from 2019; "seit/ab 2018": from 2018
            return str(int(iso) + 1) if m.group(0).lower().startswith("nach") else iso, None, m.group(0)
        return iso, iso, m.group(0).strip()
    return None


def describe_time(when: QuestionTime) -> str:
    """German: what the question's time was taken as ("Februar 2020", "2016 bis 2018", "vor 2020")."""
    parts = []
    if when.date_from and when.date_to:
        low, high = display_date(when.date_from), display_date(when.date_to)
        parts.append(low if low == high else f"{low} bis {high}")
    elif when.date_to:
        parts.append(f"bis {display_date(when.date_to)}")
    elif when.date_from:
        parts.append(f"ab {display_date(when.date_from)}")
    if when.newest:
        parts.append("neueste Artikel zuerst")
    return ", ".join(parts)
