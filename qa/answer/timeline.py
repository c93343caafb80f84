"""Relative time in evidence sentences, resolved against the article's date.

News speak in relative time: "am Mittwoch", "gestern", "vergangene Woche", "Anfang Januar",
"bis 31. März". When a question asks when something happened (`question_kind` "date"), the
answer gets one added line per expression in its evidence, with the absolute date it means:

    Zeitangabe: „am Mittwoch“ → Mittwoch, 12.02.2020 (Artikel vom 14.02.2020) [1]
    Zeitangabe: „am Mittwoch“ → ein Mittwoch im Februar 2020 (Artikel vom Februar 2020; Tag unbekannt) [1]
    Zeitangabe: „am Freitag“ → nicht auflösbar: der Artikel nennt kein Datum [1]

The quote itself stays verbatim. Direction, read from the clause around the expression (else
its sentence): past tense ("hatte", "wurde", "sagte", "fiel", "ist … gekommen", "vergangenen")
means the last such day/month on or before the article's date; future and present tense ("wird",
"will", "kommenden", "beraten am Mittwoch") the next one on or after it.

Not handled: "vor drei Tagen", "in zwei Wochen", holidays, seasons ("im Frühjahr"), clock
times; tense is read from a word list, not parsed.
"""
from __future__ import annotations

import functools
import re
from dataclasses import replace
from datetime import date, timedelta
from typing import Iterator

from qa.dates import display_date, first_day, month_name
from qa.language import month_pattern, months, question_kind, weekdays
from qa.records import Answer, Citation, ResolvedDate

_FUTURE = re.compile(r"\b(werde|werden|wird|wirst|will|wollen|soll|sollen|kommenden?|nächsten?|künftig|"
                     r"bevorstehenden?)\b", re.IGNORECASE)
_PAST = re.compile(
    r"\b(hatte|hatten|war|waren|wurde|wurden|worden|gewesen|vergangenen?|letzten?|vorigen?|jüngst|fiel|fielen|"
    r"begann|begannen|gab|gaben|kam|kamen|ging|gingen|traf|trafen|sprach|sprachen|stieg|fand|fanden|hielt|"
    r"hielten|lag|lagen|stand|standen|verlor|verloren|gewann|schrieb|rief|riefen|zog|sah|blieb|brach|starb|"
    r"beschloss|entschied|verließ|erschien|erschienen|bekannte|nahm|nahmen|kündigte|kündigten)\b", re.IGNORECASE)
# weak past forms: sagte, meldeten, verfehlten (verbs are lower case); not "beraten", "gelten"
# (present), nor a word before a noun ("konkrete Vereinbarungen": an adjective)
_WEAK_PAST = re.compile(r"\b[a-zäöüß]{2,}(?:[a-zäöüß]te|eten|[bcfghklmnprswzß]ten)\b(?!\s+[A-ZÄÖÜ])")
_NOT_PAST = re.compile(r"(?:ste|sten|erste|ersten|zweite|zweiten|dritte|dritten|achte|siebte|zehnte|"
                       r"gute|guten|gesamte|gesamten|weite|weiten|breite|breiten|rechte|rechten|echte|"
                       r"leichte|leichten|halbe|mitte|gelten|halten|warten|richten|leisten|fürchten|"
                       r"erwarten|starten|kosten|testen|posten|halte|gelte|warte|heute|bitte)$")  # adjectives, present verbs
_AUX = r"\b(?:ist|sind|hat|haben|habe|war|waren)\b"
_PARTICIPLE = r"\b(?!gegen\b|geben\b|gehen\b|gelten\b|gestern\b|genau\b)[a-zäöüß]*ge[a-zäöüß]{3,}(?:t|en)\b"
_PERFECT = re.compile(rf"{_AUX}.*{_PARTICIPLE}|{_PARTICIPLE}\s+{_AUX}")  # "ist … gekommen", "… vorgefallen ist"
# a finite verb in the present tense ("gastiert", "beginnt", "tagt"), not an adverb ending in -t
_PRESENT = re.compile(r"\b(?!(?:nicht|jetzt|erst|bereits|zuletzt|meist|fast|seit|damit|dort|weit|zunächst|selbst|"
                      r"statt|samt|somit|insgesamt|gut|laut|recht|leicht|schlecht|direkt|zugleich|möglichst|"
                      r"längst|höchst|weltweit|komplett|konkret|oft|acht|nacht|sonst|einst|bislang)\b)"
                      r"[a-zäöüß]{3,}t\b")
_CLAUSE = re.compile(r"[,;:–()]")
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
        ("year", re.compile(r"\b(?:(?i:im)\s+)?(vergangenen|letzten|vorigen|kommenden|nächsten)\s+Jahr(?:es)?\b")),
        ("daymonth", re.compile(rf"\b(?:(?i:am|vom|bis|zum|seit|ab)\s+)?(\d{{1,2}})\.\s*{month}{no_year}\b")),
        ("month", re.compile(rf"\b(?:(Anfang|Mitte|Ende)\s+|(?i:im|seit|bis|ab)\s+)?{month}{no_year}\b")),
    ]


def expressions(sentence: str) -> Iterator[tuple[str, re.Match]]:
    """(kind, match) of each relative time expression in a sentence, in order, not overlapping."""
    found, taken = [], []
    for kind, pattern in _patterns():
        for m in pattern.finditer(sentence):
            if not any(m.start() < b and a < m.end() for a, b in taken):
                found.append((kind, m))
                taken.append((m.start(), m.end()))
    return iter(sorted(found, key=lambda item: item[1].start()))


def resolve(kind: str, m: re.Match, sentence: str, article_date: str | None) -> ResolvedDate:
    """The absolute date an expression means, in German, against the article's date."""
    expression = m.group(0)
    if not article_date:
        return ResolvedDate(expression, "nicht auflösbar: der Artikel nennt kein Datum", None, None)
    past = _is_past(expression, _clause(sentence, m))
    if past is None:
        past = _is_past(expression, sentence) or False
    exact = len(article_date) == 10
    text, iso = _RESOLVERS[kind](m, first_day(article_date), past, exact, article_date)
    return ResolvedDate(expression, text, iso, article_date, exact=bool(iso and len(iso) == 10))


def _is_past(expression: str, text: str) -> bool | None:
    """Past (the last such day on or before the article): True; future or present (the next one
    on or after it): False; None when the text does not tell. The expression decides first
    ("vergangenen Freitag", "kommenden Montag"), then future words, past forms, a present verb."""
    if re.search(r"vergangen|letzt|vorig", expression, re.IGNORECASE):
        return True
    if re.search(r"kommend|nächst", expression, re.IGNORECASE) or _FUTURE.search(text):
        return False
    if _PAST.search(text) or _PERFECT.search(text):
        return True
    if any(not _NOT_PAST.search(w.group(0)) for w in _WEAK_PAST.finditer(text)):
        return True
    if _PRESENT.search(text):
        return False
    return None


def _clause(sentence: str, m: re.Match) -> str:
    """The part of the sentence between the punctuation marks around the expression."""
    cuts = [c.start() for c in _CLAUSE.finditer(sentence)]
    start = max((c for c in cuts if c < m.start()), default=-1) + 1
    end = min((c for c in cuts if c >= m.end()), default=len(sentence))
    return sentence[start:end]


def _weekday(m, day: date, past: bool, exact: bool, article: str):
    name = m.groups()[-1]
    if not exact:
        return f"ein {name} {_in(article)}", article
    number = weekdays()[name.lower()]
    shift = -((day.isoweekday() - number) % 7) if past else (number - day.isoweekday()) % 7
    found = day + timedelta(days=shift)
    return f"{name}, {display_date(found.isoformat())}", found.isoformat()


def _day(m, day: date, past: bool, exact: bool, article: str):
    word = (m.group(1) or m.group(2)).lower()
    if not exact:
        return f"ein Tag {_in(article)}", article
    found = day + timedelta(days=_DAYS[word])
    return display_date(found.isoformat()), found.isoformat()


def _week(m, day: date, past: bool, exact: bool, article: str):
    if not exact:
        return f"eine Woche {_in(article)}" if len(article) == 7 else f"eine Woche im Jahr {article[:4]}", None
    monday = day - timedelta(days=day.isoweekday() - 1) + timedelta(weeks=-1 if past else 1)
    sunday = monday + timedelta(days=6)
    return f"die Woche vom {monday:%d.%m.} bis {sunday:%d.%m.%Y}", None


def _year(m, day: date, past: bool, exact: bool, article: str):
    year = day.year + (-1 if past else 1)
    return str(year), str(year)


def _month_of(number: int, day: date, past: bool, article: str) -> int:
    """The year of a month named without one: the last one on/before the article's month when
    past, the next one on/after it otherwise (a year-only article date: its year)."""
    if len(article) == 4:
        return day.year
    if past:
        return day.year if number <= day.month else day.year - 1
    return day.year if number >= day.month else day.year + 1


def _daymonth(m, day: date, past: bool, exact: bool, article: str):
    number = months()[m.group(2).lower()]
    year = _month_of(number, day, past, article)
    try:
        found = date(year, number, int(m.group(1)))
    except ValueError:
        return f"{m.group(0)} (kein gültiges Datum)", None
    return display_date(found.isoformat()), found.isoformat()


def _month(m, day: date, past: bool, exact: bool, article: str):
    number = months()[m.group(2).lower()]
    year = _month_of(number, day, past, article)
    part = f"{m.group(1)} " if m.group(1) else ""
    return f"{part}{month_name(number)} {year}", f"{year:04d}-{number:02d}"


def _in(article: str) -> str:
    return f"im {display_date(article)}" if len(article) == 7 else f"im Jahr {article}"


_RESOLVERS = {"weekday": _weekday, "day": _day, "week": _week, "year": _year, "daymonth": _daymonth,
              "month": _month}


def article_label(resolved: ResolvedDate) -> str:
    if resolved.article_date is None:
        return ""
    if len(resolved.article_date) == 10:
        return f" (Artikel vom {display_date(resolved.article_date)})"
    return f" (Artikel vom {display_date(resolved.article_date)}; Tag unbekannt)"


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
    return [(resolve(kind, m, c.quote, c.date or _borrowed(c)), c) for kind, m, c in chosen[:MAX_LINES]]


def _overlap(expression: str, span: str) -> bool:
    return expression in span or span in expression


def _borrowed(citation: Citation) -> str | None:
    copy = citation.date_copy
    return copy.date if copy else None


def annotate(question: str, answer: Answer) -> tuple[Answer, str]:
    """(the answer with its relative dates resolved, the text added to it: "" when nothing)."""
    resolved = resolved_dates(question, answer)
    if not resolved:
        return answer, ""
    lines = [f"Zeitangabe: „{r.expression}“ → {r.text}{article_label(r)} [{c.number}]" for r, c in resolved]
    added = "\n\n" + "\n".join(lines)
    return replace(answer, text=answer.text + added, resolved_dates=tuple(r for r, _ in resolved)), added
