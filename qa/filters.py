"""Filters from what a user typed: the app's form, an API request's fields, the CLI's options.

One function, `make_filters`, turns articles, a date range and the question-time switch into
`Filters` (or None when nothing is restricted), checking the dates with German messages that
name the field at fault: the form's labels ("Von", "Bis", `FORM`) or the API's field names
("date_from", "date_to", `API`). A date is accepted as ISO (year, year-month or a day that
exists), nothing else: the form's pattern.

Not here: whether the named articles exist (the API checks them against the index), the
preference for the time a question names (qa.retrieval.timing), the Filters record itself
(qa.records).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from qa.dates import PartialDate
from qa.errors import QuestionError
from qa.records import Filters

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class Fields:
    """How the messages name the two date fields: in quotes like a label in a sentence (the
    form), or as written in JSON (the API)."""

    date_from: str
    date_to: str
    quoted: bool = True

    def name(self, label: str) -> str:
        return f"„{label}“" if self.quoted else label


FORM = Fields("Von", "Bis")
API = Fields("date_from", "date_to", quoted=False)


def check_date(label: str, value: str | None) -> PartialDate | None:
    """The date (or year, year-month) of a field in ISO form; QuestionError in German if malformed."""
    value = (value or "").strip() or None
    if value is None:
        return None
    found = PartialDate.from_iso(value) if _DATE.match(value) else None  # the form's pattern; a day that exists
    if found is None:
        raise QuestionError(f"„{value}“ im Feld „{label}“ ist kein Datum – bitte als JJJJ-MM-TT angeben.")
    return found


def make_filters(sources: Sequence[str] | None, date_from: str | None = None, date_to: str | None = None,
                 question_time: bool | None = True, fields: Fields = FORM) -> Filters | None:
    """Filters from user input, or None when nothing is restricted and the time named in the
    question is to be preferred (`question_time`: only False switches it off)."""
    start, end = check_date(fields.date_from, date_from), check_date(fields.date_to, date_to)
    if start and end and start > end:
        raise QuestionError(f"Der Zeitraum ist leer: {fields.name(fields.date_from)} liegt nach "
                            f"{fields.name(fields.date_to)}.")
    filters = Filters(sources=tuple(sources or ()), date_from=start, date_to=end,
                      question_time=question_time is not False)
    return filters if filters.active or not filters.question_time else None
