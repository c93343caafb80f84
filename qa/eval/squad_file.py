"""SQuAD-format files, read once for evaluation and for training: `read_squad`, `SquadQuestion`.

A file is SQuAD 1.1 or 2.0 (`data` → `paragraphs` → `qas`; answers as a list of objects) or
MLQA's Hugging Face layout (`answers: {"text": [...], "answer_start": [...]}`). `read_squad`
gives every paragraph and every question in file order: each question with its paragraph as
written (the answers' offsets refer to it), its article's title, its non-blank gold answers with
their offsets, and whether the file marks it unanswerable (`is_impossible`). A file that cannot
be read or is no SQuAD file is a QAError in German.

Not here: what evaluation makes of a file (one corpus file per paragraph, qa.eval.squad), the
training pairs and windows (qa.training.data), scoring (qa.eval.metrics).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from qa.errors import QAError


@dataclass(frozen=True)
class SquadQuestion:
    """One question of a SQuAD-format file with its paragraph and article title."""

    id: str
    title: str
    question: str
    context: str  # its paragraph, as written in the file
    answers: tuple[str, ...]  # the gold answers as written (blank ones left out); () for none
    starts: tuple[int, ...]  # their character offsets in `context` (-1 where the file gives none)
    impossible: bool = False  # SQuAD 2.0: written to have no answer in its paragraph
    source: str = ""  # the corpus file of its paragraph, where evaluation wrote one (qa.eval.squad)

    @property
    def gold(self) -> tuple[str, ...]:
        """The distinct gold answers, trimmed: what evaluation scores against."""
        return tuple(dict.fromkeys(a.strip() for a in self.answers))

    def gold_span(self) -> tuple[int, int] | None:
        """The first gold answer's character span in the paragraph (checked against its text)."""
        for text, start in zip(self.answers, self.starts):
            if start >= 0 and self.context[start:start + len(text)] == text:
                return start, start + len(text)
            found = self.context.find(text)
            if found >= 0:
                return found, found + len(text)
        return None


@dataclass(frozen=True)
class SquadFile:
    paragraphs: tuple[tuple[str, str], ...]  # (article title, paragraph as written), in file order
    questions: tuple[SquadQuestion, ...]  # every question, answerable or not, in file order


def read_squad(path) -> SquadFile:
    """Every paragraph and question of a SQuAD-format JSON file; QAError (German) when it does not read."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))["data"]
    except (OSError, UnicodeDecodeError) as exc:
        raise QAError(f"Die Datei {path} kann nicht gelesen werden ({exc}).") from exc
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise QAError(f"Die Datei {path} ist keine SQuAD-Datei (erwartet: JSON mit \"data\" → "
                      "\"paragraphs\" → \"qas\").") from exc
    paragraphs, questions = [], []
    try:
        for article in data:
            title = article.get("title", "")
            for paragraph in article["paragraphs"]:
                context = paragraph["context"]
                if not isinstance(context, str):
                    raise TypeError("'context'")
                paragraphs.append((title, context))
                for qa in paragraph["qas"]:
                    answers, starts = _answers(qa.get("answers"))
                    questions.append(SquadQuestion(str(qa["id"]), title, qa["question"], context, answers, starts,
                                                   bool(qa.get("is_impossible"))))
    except (KeyError, TypeError, AttributeError) as exc:
        raise QAError(f"Die Datei {path} ist keine SQuAD-Datei: Feld {exc} fehlt oder hat die falsche Form.") from exc
    return SquadFile(tuple(paragraphs), tuple(questions))


def _answers(answers) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """(texts, offsets) of the answers that are not blank, from either layout."""
    if isinstance(answers, dict):  # Hugging Face datasets layout
        texts = list(answers.get("text") or [])
        starts = list(answers.get("answer_start") or [])
        pairs = zip(texts, starts + [-1] * (len(texts) - len(starts)))
    else:
        pairs = ((a["text"], a.get("answer_start", -1)) for a in answers or [])
    kept = [(text, int(start)) for text, start in pairs if text and text.strip()]
    return tuple(t for t, _ in kept), tuple(s for _, s in kept)
