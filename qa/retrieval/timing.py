"""The time a question names, as a ranking preference over the fused hits (before the reranker).

A ranking preference, not a filter: the time in a question says when something happened, and
articles written later report it too ("seit Oktober 2018" stands in an article of February 2020),
and many articles state no date at all (two of the five seed articles). A filter would drop
both; the preference moves articles of the named time up and dated articles of other times
down, and keeps everything. Whoever wants a hard restriction sets the date filter (UI
"Von/Bis", API `date_from`/`date_to`); the UI shows the preference it applied and can switch it
off (`Filters.question_time`).

Scores are multiplied by a factor and the hits re-sorted:
- a range ("im Februar 2020", "2016", "zwischen 2016 und 2018", "vor 2020"): article dated in it
  `IN_RANGE`, undated but the passage names a year of the range `MENTIONED`, undated `UNDATED`,
  dated outside `OUTSIDE`;
- "neueste/aktuell/zuletzt": dated articles from 1 (the oldest among the hits) up to
  1 + `NEWEST` (the newest), undated ones 1.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from qa.dates import PartialDate
from qa.records import Hit, QuestionTime

IN_RANGE = 1.5
MENTIONED = 1.2
UNDATED = 1.0
OUTSIDE = 0.6
NEWEST = 0.5
MAX_YEARS = 6  # a range this long or longer is not looked for in the passage text


def prefer_time(hits: Sequence[Hit], when: QuestionTime | None) -> list[Hit]:
    """The hits re-sorted by score × time factor (their `score` becomes the product), best first."""
    if when is None or not hits:
        return list(hits)
    factors = [range_factor(h, when) * recency_factor(h, hits, when) for h in hits]
    scored = sorted(zip(hits, factors), key=lambda item: -item[0].score * item[1])
    return [replace(hit, score=hit.score * factor, rank=rank) for rank, (hit, factor) in enumerate(scored, start=1)]


def range_factor(hit: Hit, when: QuestionTime) -> float:
    if not when.dated:
        return 1.0
    if hit.chunk.date is not None:
        return IN_RANGE if hit.chunk.date.overlaps(when.date_from, when.date_to) else OUTSIDE
    years = _years(when.date_from, when.date_to)
    if years and any(re.search(rf"\b{year}\b", hit.chunk.text) for year in years):
        return MENTIONED
    return UNDATED


def _years(low: PartialDate | None, high: PartialDate | None) -> list[int]:
    """The years of a closed range shorter than MAX_YEARS ([] for an open or a long one)."""
    if low is None or high is None or high.year - low.year + 1 >= MAX_YEARS:
        return []
    return list(range(low.year, high.year + 1))


def recency_factor(hit: Hit, hits: Sequence[Hit], when: QuestionTime) -> float:
    own = hit.chunk.date
    if not when.newest or own is None:  # undated
        return 1.0
    days = [_middle(h.chunk.date) for h in hits if h.chunk.date is not None]
    oldest, newest = min(days), max(days)
    if newest == oldest:
        return 1.0 + NEWEST
    return 1.0 + NEWEST * (_middle(own) - oldest) / (newest - oldest)


def _middle(value: PartialDate) -> float:
    return (value.first_day.toordinal() + value.last_day.toordinal()) / 2
