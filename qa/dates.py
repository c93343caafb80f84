"""Dates: one value for a (possibly partial) date, reading it, showing it in German, its days.

A `PartialDate` is a year, a month or a day that exists (31.02.2020 cannot be made); it knows
its ISO text (`iso`: "2020", "2020-02", "2020-02-14", what JSON and the store carry),
`precision`, `first_day`/`last_day`, whether it meets a range (`overlaps`), German display and
order (a year before its months before its days, as the ISO texts sort; `end_key`: by the last
day it covers). Records hold the value (None: unknown); everything that reads a date reads it
here: `PartialDate.parse` what people write (sidecar, front matter, date tag: ISO, "14.02.2020",
"14. Februar 2020", "Februar 2020"), `PartialDate.from_iso` a stored text (None for
"2020-02-31"), `plausible` a day from an article's text (not in the future); `display_date`
shows one or none. Form fields (qa.app.forms) and article lines (qa.ingest.cleaning) keep their
own patterns and make the value here. How a store encodes a date is the store's (qa.store.chroma_rows).

`question_time` finds the time a question asks about: a date, a month, a year or a range
("am 14. Februar 2020", "im Februar 2020", "2016", "zwischen 2016 und 2018", "vor 2020", "seit
2018"), and whether it asks for the newest state ("neueste", "aktuell", "zuletzt"): a
`QuestionTime` (defined here, below the records that hold it). German month names come from
qa.language (Babel).

Not handled: seasons and quarters in questions ("im Sommer 2019"), weekdays in questions,
two-digit years, dates before 1900 in what people write.
"""
from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date

from qa.language import month_pattern, months

UNKNOWN = "Datum unbekannt"
MIN_YEAR = 1900
"""What people write (sidecars, questions, article text) names no earlier year: such a number is a typo."""
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})$")


@functools.lru_cache(maxsize=1)
def _long() -> re.Pattern:
    return re.compile(r"^(?:(\d{1,2})\.\s*)?(" + month_pattern() + r")\s+(\d{4})$", re.IGNORECASE)


@functools.total_ordering
@dataclass(frozen=True)
class PartialDate:
    """A year, a month of a year or a day that exists ("2020", "2020-02", "2020-02-14").

    Made directly it raises ValueError for what is no date (a day without a month, 31.02.2020,
    month 13 or 0); `of`, `parse` and `from_iso` give None instead."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        date(self.year, 1 if self.month is None else self.month, 1 if self.day is None else self.day)

    @classmethod
    def of(cls, year: int, month: int | None = None, day: int | None = None) -> PartialDate | None:
        """The date, or None when it is none (or before MIN_YEAR: what people write)."""
        try:
            value = cls(year, month, day)
        except (ValueError, TypeError, OverflowError):
            return None
        return value if year >= MIN_YEAR else None

    @classmethod
    def from_iso(cls, text: str | None) -> PartialDate | None:
        """A stored ISO text ("2020", "2020-02", "2020-02-14"; also "2020-2-3"); None when it is no date."""
        m = _ISO.match((text or "").strip())
        if not m:
            return None
        try:
            return cls(*(int(g) if g else None for g in m.groups()))
        except ValueError:
            return None

    @classmethod
    def parse(cls, text: str | None) -> PartialDate | None:
        """What a person wrote: ISO, "14.02.2020", "14. Februar 2020", "Februar 2020" (a trailing
        full stop is dropped); None when it is no date."""
        text = (text or "").strip().rstrip(".")
        if not text:
            return None
        m = _ISO.match(text)
        if m:
            return cls.of(*(int(g) if g else None for g in m.groups()))
        m = _NUMERIC.match(text)
        if m:
            return cls.of(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        m = _long().match(text)
        if m:
            return cls.of(int(m.group(3)), months()[m.group(2).lower()], int(m.group(1)) if m.group(1) else None)
        return None

    @property
    def precision(self) -> str:
        """"day", "month" or "year"."""
        return "day" if self.day is not None else "month" if self.month is not None else "year"

    @property
    def iso(self) -> str:
        """'2020', '2020-02' or '2020-02-14': the form records, the store and JSON carry."""
        return (f"{self.year:04d}" + (f"-{self.month:02d}" if self.month is not None else "")
                + (f"-{self.day:02d}" if self.day is not None else ""))

    def __str__(self) -> str:
        return self.iso

    @classmethod
    def from_date(cls, day: date) -> PartialDate:
        return cls(day.year, day.month, day.day)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> date:
        if self.day is not None:
            return self.first_day
        month = self.month or 12
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    def overlaps(self, low: PartialDate | None, high: PartialDate | None) -> bool:
        """Whether one of its days lies from the first day of `low` to the last of `high` (None: open)."""
        return ((low is None or self.last_day >= low.first_day)
                and (high is None or self.first_day <= high.last_day))

    @property
    def end_key(self) -> tuple[date, int]:
        """Order by the last day it covers; of those ending on one day a day first, then its month, its year."""
        return self.last_day, ("day", "month", "year").index(self.precision)

    def contains(self, other: PartialDate) -> bool:
        """Whether every day of `other` is one of its days ("2020" contains "2020-02-14")."""
        return self.first_day <= other.first_day and other.last_day <= self.last_day

    def german(self) -> str:
        """'14.02.2020', 'Februar 2020' or '2020'."""
        if self.day is not None:
            return f"{self.day:02d}.{self.month:02d}.{self.year:04d}"
        if self.month is not None:
            return f"{month_name(self.month)} {self.year:04d}"
        return f"{self.year:04d}"

    def _key(self) -> tuple[int, int, int]:
        return self.year, self.month or 0, self.day or 0

    def __lt__(self, other: PartialDate) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() < other._key()


def plausible(year: int, month: int, day: int) -> PartialDate | None:
    """A day that exists and is not in the future (a typo such as 3015 is none)."""
    found = PartialDate.of(year, month, day)
    return found if found and found.first_day <= date.today() else None


def display_date(value: PartialDate | None) -> str:
    """German: 2020-02-14 -> '14.02.2020', 2020-02 -> 'Februar 2020', 2020 -> '2020'; 'Datum unbekannt' for none."""
    return value.german() if value is not None else UNKNOWN


def month_name(number: int) -> str:
    """The German name of a month ('Februar'), from Babel's data via qa.language."""
    return next(name.capitalize() for name, n in months().items() if n == number and name != "jänner")


@dataclass(frozen=True)
class QuestionTime:
    """The time a question names, used as a ranking preference (see qa.retrieval.timing):
    bounds (inclusive, either may be open), the words it came from, and whether the question
    asks for the newest state ("neueste", "aktuell", "zuletzt"). Held by the records (qa.records)."""

    date_from: PartialDate | None = None
    date_to: PartialDate | None = None
    text: str = ""
    newest: bool = False

    @property
    def dated(self) -> bool:
        return bool(self.date_from or self.date_to)


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


def _explicit_range(question: str) -> tuple[PartialDate | None, PartialDate | None, str] | None:
    """(from, to, the words of the question) for the first time expression; None without one."""
    for kind, pattern in _question_patterns():
        m = pattern.search(question)
        if not m:
            continue
        g = m.groups()
        if kind in ("between", "span"):
            low, high = sorted((PartialDate(int(g[0])), PartialDate(int(g[1]))))
            return low, high, m.group(0)
        if kind == "day":
            found = PartialDate.of(int(g[2]), months()[g[1].lower()], int(g[0]))
        elif kind == "numeric":
            found = PartialDate.of(int(g[2]), int(g[1]), int(g[0]))
        elif kind == "month":
            found = PartialDate.of(int(g[1]), months()[g[0].lower()])
        else:
            found = PartialDate.of(int(g[0]))
        if found is None:
            continue
        if kind == "before":  # "vor 2020": up to 2019; "bis 2020": up to 2020
            high = PartialDate(found.year - 1) if m.group(0).lower().startswith("vor") else found
            return None, high, m.group(0)
        if kind == "since":  # "nach 2018": from 2019; "seit/ab 2018": from 2018
            low = PartialDate(found.year + 1) if m.group(0).lower().startswith("nach") else found
            return low, None, m.group(0)
        return found, found, m.group(0).strip()
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
