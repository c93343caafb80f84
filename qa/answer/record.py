"""The JSON form of an answer: the batch output line of ../shared/eval/README.md, and the data of
its citations, copies, resolved dates and of the question's time (dates as ISO texts, with German
display fields). One place for what `qa batch`, `qa ask --json`, `/v1/ask` and the chat
completions' extra fields send; the records themselves know no JSON. Not the German answer text
(qa.answer.citations) nor HTML (qa.app.rendering).
"""
from __future__ import annotations

from qa.answer.citations import date_text
from qa.dates import PartialDate, describe_time
from qa.records import Answer, Citation, Copy, QuestionTime, ResolvedDate


def iso(value: PartialDate | None) -> str | None:
    """A date as JSON carries it: "2020", "2020-02" or "2020-02-14"; None when unknown."""
    return value.iso if value is not None else None


def copy_record(c: Copy) -> dict:
    return {"source": c.source, "title": c.title, "publisher": c.publisher, "date": iso(c.date)}


def resolved_date_record(r: ResolvedDate) -> dict:
    return {"expression": r.expression, "resolved": r.text, "iso": r.iso, "article_date": iso(r.article_date),
            "exact": r.exact, "date_from_copy": r.date_from_copy}


def citation_record(c: Citation) -> dict:
    borrowed = c.date_copy
    return {
        "number": c.number,
        "source": c.source,
        "chunk_id": c.chunk_id,
        "quote": c.quote,
        "start": c.start,
        "end": c.end,
        "title": c.title,
        "publisher": c.publisher,
        "date": iso(c.date),
        "date_text": date_text(c.date, c.copies),  # German, as shown
        "date_from_copy": borrowed.source if borrowed else None,
        "also_reported_by": [copy_record(copy) for copy in c.copies],
    }


def question_time_record(when: QuestionTime) -> dict:
    return {"date_from": iso(when.date_from), "date_to": iso(when.date_to), "text": when.text, "newest": when.newest,
            "applied_as": "ranking", "description": describe_time(when)}


def answer_record(answer: Answer, qid: str | None = None) -> dict:
    """The batch output line of ../shared/eval/README.md (with `id` when given)."""
    record = {} if qid is None else {"id": qid}
    record.update(
        answer=answer.text,
        short_answer=answer.short_answer,
        abstained=answer.abstained,
        citations=[citation_record(c) for c in answer.citations],
        retrieved=[
            {"source": h.chunk.source, "chunk_id": h.chunk.id, "score": round(h.score, 6)}
            for h in answer.hits
        ],
        answerer=answer.answerer,
        latency_ms=round(answer.latency_ms, 1),
    )
    if answer.confidence is not None:
        record["confidence"] = round(answer.confidence, 4)
    if answer.span is not None and not answer.abstained:  # an abstention names no span
        record["span"] = answer.span
    if answer.understood_as:
        record["understood_as"] = answer.understood_as
    if answer.kind != "answer":
        record["kind"] = answer.kind
    if answer.question_time is not None:
        record["question_time"] = question_time_record(answer.question_time)
    if answer.resolved_dates:
        record["resolved_dates"] = [resolved_date_record(r) for r in answer.resolved_dates]
    if answer.notes:  # German remarks, e.g. a cited file that cannot be read any more
        record["notes"] = list(answer.notes)
    return record
