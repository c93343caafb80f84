"""Relative time in evidence sentences, resolved against the article's date.

News speak in relative time: "am Mittwoch", "gestern", "vergangene Woche", "Anfang Januar",
"bis 31. März". When a question asks when something happened (`question_kind` "date"), the
answer gets one added line per expression in its evidence, with the absolute date it means:

    Zeitangabe: „am Mittwoch“ → Mittwoch, 12.02.2020 (Artikel vom 14.02.2020) [1]
    Zeitangabe: „am Mittwoch“ → ein Mittwoch im Februar 2020 (Artikel vom Februar 2020; Tag unbekannt) [1]
    Zeitangabe: „am Freitag“ → nicht auflösbar: der Artikel nennt kein Datum [1]

The quote itself stays verbatim. Direction, read from the clause around the expression (else
its sentence; qa.answer.tense): past tense ("hatte", "wurde", "sagte", "fiel", "ist … gekommen", "vergangenen")
means the last such day/month on or before the article's date; future and present tense ("wird",
"will", "kommenden", "beraten am Mittwoch") the next one on or after it.

Also "vor drei Tagen", "am Vortag", "am Wochenende", "diese Woche", "heuer", "im Vorjahr".
Not handled: "in zwei Wochen", holidays, seasons ("im Frühjahr"), clock times; tense is read from
word lists and word shapes, not parsed.
"""
from __future__ import annotations

import functools
import re
from dataclasses import replace
from datetime import date, timedelta
from typing import Iterator

from qa.answer.tense import clause, is_past
from qa.dates import PartialDate, month_name
from qa.language import month_pattern, months, question_kind, weekdays
from qa.records import Answer, Citation, ResolvedDate

_NUMBERS = {"einem": 1, "einer": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7,
            "acht": 8, "neun": 9, "zehn": 10}
_COUNT = "|".join(_NUMBERS) + r"|\d{1,2}"
_DAYS = {"vorgestern": -2, "gestern": -1, "heute": 0, "morgen": 1, "übermorgen": 2}
MAX_LINES = 3


@functools.lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern]]:
    weekday = "(" + "|".join(name.capitalize() for name in weekdays()) + ")"
    month = f"({month_pattern()})"
    no_year = r"(?!\s*\d{4})(?!\s*\d)"
    return [
        ("weekday", re.compile(rf"\b(?:(?i:am|vom|seit|bis|ab)\s+)?(?:(vergangenen|letzten|kommenden|nächsten)\s+)?"
                               rf"{weekday}(?:abend|morgen|nachmittag|vormittag|mittag|nacht)?\b")),
        ("day", re.compile(r"\b(vorgestern|gestern|heute|übermorgen)\b|(?<!am )(?<!heute )\b(morgen)\b")),
        ("week", re.compile(r"\b(?:(?i:in\s+)?(?i:der)\s+)?(vergangenen|letzten|vorigen|kommenden|nächsten|"
                            r"vergangene|letzte|vorige|kommende|nächste)\s+Woche\b")),
        ("ago", re.compile(rf"\b(?i:vor)\s+({_COUNT})\s+(Tag|Tagen|Woche|Wochen|Monat|Monaten|Jahr|Jahren)\b")),
        ("eve", re.compile(r"\b(?:(?i:am)\s+)?Vortag\b|\btags\s+zuvor\b")),
        ("weekend", re.compile(r"\b(?:(?i:am)\s+)?(?:(vergangenen|letzten|kommenden|nächsten)\s+)?Wochenende\b")),
        ("thisweek", re.compile(r"\b(?:(?i:in)\s+)?(?i:diese|dieser)\s+Woche\b")),
        ("thisyear", re.compile(r"\b(?i:heuer)\b|\b(?:(?i:in)\s+)?(?i:diesem)\s+Jahr\b|\b(?i:dieses|diesen)\s+Jahres\b")),
        ("year", re.compile(r"\b(?:(?i:im)\s+)?(vergangenen|letzten|vorigen|kommenden|nächsten)\s+Jahr(?:es)?\b"
                            r"|\b(?:(?i:im)\s+)?Vorjahr(?:es)?\b")),
        ("daymonth", re.compile(rf"\b(?:(?i:am|vom|bis|zum|seit|ab)\s+)?(\d{{1,2}})\.\s*{month}{no_year}\b")),
        ("month", re.compile(rf"\b(?:(Anfang|Mitte|Ende)\s+|(?i:im|seit|bis|ab)\s+)?{month}{no_year}\b")),
    ]


_GENERIC = re.compile(r"\b(?:einem|einen|jeden|jedem|jeder)\s+$", re.IGNORECASE)
"""Before a weekday: "an einem Montag", "jeden Freitag" name no particular day."""


def expressions(sentence: str) -> Iterator[tuple[str, re.Match]]:
    """(kind, match) of each relative time expression in a sentence, in order, not overlapping
    (weekdays after an indefinite article or "jeden" are generic and left out)."""
    found, taken = [], []
    for kind, pattern in _patterns():
        for m in pattern.finditer(sentence):
            if kind == "weekday" and _GENERIC.search(sentence[:m.start()]):
                continue
            if not any(m.start() < b and a < m.end() for a, b in taken):
                found.append((kind, m))
                taken.append((m.start(), m.end()))
    return iter(sorted(found, key=lambda item: item[1].start()))


def resolve(kind: str, m: re.Match, sentence: str, article: PartialDate | None) -> ResolvedDate:
    """The absolute date an expression means, in German, against the article's date."""
    expression = m.group(0)
    if article is None:  # undated (a stored text that is no date, "2020-02-31", reads as undated)
        return ResolvedDate(expression, "nicht auflösbar: der Artikel nennt kein Datum", None, None)
    past = is_past(expression, clause(sentence, m))
    if past is None:
        past = is_past(expression, sentence) or False
    exact = article.precision == "day"
    text, iso = _RESOLVERS[kind](m, article.first_day, past, exact, article)
    found = PartialDate.from_iso(iso)
    return ResolvedDate(expression, text, iso, article, exact=bool(found and found.precision == "day"))


def _weekday(m, day: date, past: bool, exact: bool, article: PartialDate):
    name = m.groups()[-1]
    if not exact:
        return f"ein {name} {_in(article)}", article.iso
    number = weekdays()[name.lower()]
    shift = -((day.isoweekday() - number) % 7) if past else (number - day.isoweekday()) % 7
    found = day + timedelta(days=shift)
    return f"{name}, {PartialDate.from_date(found).german()}", found.isoformat()


def _day(m, day: date, past: bool, exact: bool, article: PartialDate):
    word = (m.group(1) or m.group(2)).lower()
    if not exact:
        return f"ein Tag {_in(article)}", article.iso
    found = day + timedelta(days=_DAYS[word])
    return PartialDate.from_date(found).german(), found.isoformat()


def _week(m, day: date, past: bool, exact: bool, article: PartialDate):
    if not exact:
        return f"eine Woche {_in(article)}", None
    monday = day - timedelta(days=day.isoweekday() - 1) + timedelta(weeks=-1 if past else 1)
    sunday = monday + timedelta(days=6)
    return f"die Woche vom {monday:%d.%m.} bis {sunday:%d.%m.%Y}", None


def _year(m, day: date, past: bool, exact: bool, article: PartialDate):
    year = day.year + (-1 if past or "vorjahr" in m.group(0).lower() else 1)
    return str(year), str(year)


def _this_year(m, day: date, past: bool, exact: bool, article: PartialDate):
    return str(day.year), str(day.year)


def _eve(m, day: date, past: bool, exact: bool, article: PartialDate):
    """"am Vortag": the day before the day the text speaks of, taken as the article's day."""
    if not exact:
        return f"ein Tag {_in(article)}", article.iso
    found = day - timedelta(days=1)
    return f"{PartialDate.from_date(found).german()} (Tag vor dem Artikel)", found.isoformat()


def _ago(m, day: date, past: bool, exact: bool, article: PartialDate):
    count = _NUMBERS.get(m.group(1).lower()) or int(m.group(1))
    unit = m.group(2).lower()
    if unit.startswith("tag") and exact:
        found = day - timedelta(days=count)
        return PartialDate.from_date(found).german(), found.isoformat()
    if unit.startswith("woche") and exact:
        found = day - timedelta(weeks=count)
        return f"um den {PartialDate.from_date(found).german()}", None
    if unit.startswith("monat") and article.precision != "year":
        months_back = day.year * 12 + day.month - 1 - count
        found = PartialDate(months_back // 12, months_back % 12 + 1)
        return found.german(), found.iso
    if unit.startswith("jahr"):
        return str(day.year - count), str(day.year - count)
    return f"{m.group(0)} {_in(article) if article.precision != 'day' else 'vor dem ' + article.german()}", None


def _weekend(m, day: date, past: bool, exact: bool, article: PartialDate):
    if not exact:
        return f"ein Wochenende {_in(article)}", None
    saturday = day - timedelta(days=(day.isoweekday() - 6) % 7) if past else day + timedelta(days=(6 - day.isoweekday()) % 7)
    if past and day.isoweekday() == 7:
        saturday = day - timedelta(days=1)
    sunday = saturday + timedelta(days=1)
    return f"das Wochenende {saturday:%d.}/{sunday:%d.%m.%Y}", None


def _this_week(m, day: date, past: bool, exact: bool, article: PartialDate):
    if not exact:
        return f"eine Woche {_in(article)}", None
    monday = day - timedelta(days=day.isoweekday() - 1)
    return f"die Woche vom {monday:%d.%m.} bis {monday + timedelta(days=6):%d.%m.%Y}", None


def _month_of(number: int, day: date, past: bool, article: PartialDate) -> int:
    """The year of a month named without one: the last one on/before the article's month when
    past, the next one on/after it otherwise (a year-only article date: its year)."""
    if article.precision == "year":
        return day.year
    if past:
        return day.year if number <= day.month else day.year - 1
    return day.year if number >= day.month else day.year + 1


def _daymonth(m, day: date, past: bool, exact: bool, article: PartialDate):
    number = months()[m.group(2).lower()]
    year = _month_of(number, day, past, article)
    try:
        found = date(year, number, int(m.group(1)))
    except ValueError:
        return f"{m.group(0)} (kein gültiges Datum)", None
    return PartialDate.from_date(found).german(), found.isoformat()


def _month(m, day: date, past: bool, exact: bool, article: PartialDate):
    number = months()[m.group(2).lower()]
    year = _month_of(number, day, past, article)
    part = f"{m.group(1)} " if m.group(1) else ""
    return f"{part}{month_name(number)} {year}", PartialDate(year, number).iso


def _in(article: PartialDate) -> str:
    return f"im {article.german()}" if article.precision == "month" else f"im Jahr {article.iso}"


_RESOLVERS = {"weekday": _weekday, "day": _day, "week": _week, "year": _year, "daymonth": _daymonth,
              "month": _month, "ago": _ago, "eve": _eve, "weekend": _weekend, "thisweek": _this_week,
              "thisyear": _this_year}


def article_label(resolved: ResolvedDate) -> str:
    if resolved.article_date is None:
        return ""
    source = f"Datum laut Kopie {resolved.date_from_copy}: " if resolved.date_from_copy else "Artikel vom "
    if resolved.article_date.precision == "day":
        return f" ({source}{resolved.article_date.german()})"
    return f" ({source}{resolved.article_date.german()}; Tag unbekannt)"


def resolved_dates(question: str, answer: Answer) -> list[tuple[ResolvedDate, Citation]]:
    """For a "when" question: the relative expressions of the answer's evidence, resolved. Those
    that overlap the answer span ("Mittwoch" in "am Mittwoch") when there are any, else those of
    the quoted sentences."""
    if answer.abstained or not answer.citations or question_kind(question) != "date":
        return []
    found = []
    for citation in answer.citations:
        for kind, m in expressions(citation.quote):
            found.append((kind, m, citation))
    span = (answer.span or "").lower()
    inside = [(kind, m, c) for kind, m, c in found if span and _overlap(m.group(0).lower(), span)]
    chosen = inside or found
    return [(_resolve_cited(kind, m, c), c) for kind, m, c in chosen[:MAX_LINES]]


def _resolve_cited(kind: str, m: re.Match, citation: Citation) -> ResolvedDate:
    """Against the cited article's date, else the date of a dated copy of it (said so)."""
    if citation.date or citation.date_copy is None:
        return resolve(kind, m, citation.quote, citation.date)
    copy = citation.date_copy
    return replace(resolve(kind, m, citation.quote, copy.date), date_from_copy=copy.source)


def _overlap(expression: str, span: str) -> bool:
    return expression in span or span in expression


def annotate(question: str, answer: Answer) -> tuple[Answer, str]:
    """(the answer with its relative dates resolved, the text added to it: "" when nothing)."""
    resolved = resolved_dates(question, answer)
    if not resolved:
        return answer, ""
    lines = [f"Zeitangabe: „{r.expression}“ → {r.text}{article_label(r)} [{c.number}]" for r, c in resolved]
    added = "\n\n" + "\n".join(lines)
    return replace(answer, text=answer.text + added, resolved_dates=tuple(r for r, _ in resolved)), added
