"""What is not a question about the articles: a greeting, a question about the assistant, and the
task prompts chat clients send to the model on their own (a chat title, tags, follow-up
suggestions, search queries, autocompletion, an emoji).

Open WebUI (and clients built the same way) send these as an ordinary user message: a template
that starts with "### Task:" (older versions: "Create a concise, 3-5 word title …") and carries
the chat inside <chat_history> … </chat_history> as "USER: …" / "ASSISTANT: …" lines, and expect
JSON back ({"title": …}, {"tags": […]}, {"follow_ups": […]}, {"queries": […]}, {"text": …}).
Answered from the corpus they would become "Dazu enthalten die Artikel keine Angaben." – and that
would become the chat's title. Here they get what the client expects:
- title: the topic words of the first user message ("Irak-Einsatz der NATO");
- tags: the names the best matching articles share, and "Nachrichten";
- follow-ups: questions the corpus can answer about the people, places and topics the last
  answer cites ("Was berichten die Artikel über Mark Esper?": an overview, qa.answer.overview);
- queries: the last user message; autocompletion: nothing; emoji: 📰.
A greeting or a question about the assistant gets a short German self-description (what it
answers from, how many articles, an example question).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Callable, Sequence

from qa.dates import PartialDate, display_date
from qa.records import Answer, Hit

KIND = "assistant"

_TASK = re.compile(r"^\s*###\s*Task:|^\s*Create a concise, 3-5 word title|<chat_history>", re.IGNORECASE)
_TASK_KINDS = (
    ("title", re.compile(r"\btitle\b", re.IGNORECASE)),
    ("tags", re.compile(r"\btags?\b", re.IGNORECASE)),
    ("follow_ups", re.compile(r"follow[- ]?up", re.IGNORECASE)),
    ("queries", re.compile(r"search quer|\bqueries\b", re.IGNORECASE)),
    ("autocomplete", re.compile(r"autocomplet", re.IGNORECASE)),
    ("emoji", re.compile(r"\bemoji\b", re.IGNORECASE)),
)
_GREETING = re.compile(r"^\s*(?:hallo|hi|hey|servus|moin|grüß gott|grüezi|guten\s+(?:tag|morgen|abend)|"
                       r"hallöchen|salut|ciao|danke|vielen dank|dankeschön)\b[\s!,.?]*", re.IGNORECASE)
_ABOUT_ME = re.compile(
    r"^\s*(?:wer|was)\s+bist\s+du|^\s*was\s+kannst\s+du|^\s*wie\s+funktionierst\s+du|"
    r"worüber\s+kann\s+ich\s+dich|was\s+kann\s+ich\s+dich\s+fragen|auf\s+welche[rn]?\s+(?:quellen|daten|artikel)\s+"
    r"(?:stützt|beruf|basier)|woher\s+(?:hast|nimmst)\s+du|wie\s+kannst\s+du\s+mir\s+helfen|"
    r"^\s*(?:was|wer)\s+sind\s+sie\b|^\s*hilfe\s*[?!.]*\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Corpus:
    """What the self-description says about the corpus."""

    articles: int
    first: PartialDate | None = None  # the dates of the oldest and newest dated article
    last: PartialDate | None = None
    example: str = ""


def is_client_task(text: str) -> bool:
    return bool(_TASK.search(text))


def is_small_talk(text: str) -> bool:
    """A greeting alone, or a question about the assistant (with or without a greeting)."""
    rest = _GREETING.sub("", text, count=1).strip(" !,.?")
    return not rest or bool(_ABOUT_ME.search(rest))


def without_greeting(text: str) -> str:
    """ "Hallo, wer ist …?" -> "wer ist …?" (the question is answered, the greeting dropped)."""
    rest = _GREETING.sub("", text, count=1).strip()
    return rest[:1].upper() + rest[1:] if rest else text


def self_description(corpus: Corpus) -> str:
    span = ""
    if corpus.first and corpus.last:
        span = f" vom {display_date(corpus.first)} bis zum {display_date(corpus.last)}" \
            if corpus.first != corpus.last else f" vom {display_date(corpus.first)}"
    count = "einem Nachrichtenartikel" if corpus.articles == 1 else f"{corpus.articles} Nachrichtenartikeln"
    text = (f"Hallo! Ich beantworte Fragen zu {count}{span}, auf Deutsch und mit Quellen: "
            "jede Antwort zitiert die Stelle des Artikels, aus der sie stammt, und ein Klick auf die Quelle zeigt "
            "sie im Artikel. Steht etwas nicht in den Artikeln, sage ich das, statt zu raten. Sie können nach "
            "Fakten fragen, nachfragen („Was hat sie gesagt?“) oder um einen Überblick bitten "
            "(„Was passierte im Februar 2020?“, „Fasse die Artikel über … zusammen.“).")
    if corpus.example:
        text += f" Zum Beispiel: „{corpus.example}“"
    return text


def chat_of(prompt: str) -> list[tuple[str, str]]:
    """The (role, text) lines inside <chat_history> of a client's task prompt."""
    m = re.search(r"<chat_history>(.*?)</chat_history>", prompt, re.DOTALL | re.IGNORECASE)
    body = m.group(1) if m else prompt
    turns: list[tuple[str, str]] = []
    # "USER: …" / "ASSISTANT: …" – also when a client or proxy joined the lines
    for part in re.finditer(r"\b(USER|ASSISTANT|User|Assistant)\s*:\s*(.*?)(?=\b(?:USER|ASSISTANT|User|Assistant)\s*:|$)",
                            body, re.DOTALL):
        turns.append((part.group(1).lower(), " ".join(part.group(2).split())))
    return turns


def task_kind(prompt: str) -> str:
    """title, tags, follow_ups, queries, autocomplete, emoji or other: by the task's first line,
    else by the JSON key the template asks for."""
    head = prompt.split("<chat_history>")[0]
    m = re.search(r"###\s*Task:\s*\n?\s*(.+)", head)
    first = m.group(1) if m else head.strip().splitlines()[0] if head.strip() else ""
    for text in (first, head):
        kind = next((kind for kind, pattern in _TASK_KINDS if pattern.search(text)), None)
        if kind:
            return kind
    return "other"


def title(question: str) -> str:
    """A short title: the words of the question without the question word and the verbs."""
    from qa.language import tag

    tokens = tag(question)
    keep = [w for i, (w, _, pos) in enumerate(tokens)
            if not pos.startswith(("PW", "V", "PTK", "$", "PPER", "PRF", "KON", "ADV", "PIS"))
            and not (pos == "APPR" and i + 1 < len(tokens) and tokens[i + 1][2].startswith("PW"))]  # "Seit wann"
    words = keep[:6] or question.split()[:5]
    text = " ".join(words).strip(" ?!.")
    text = re.sub(r"\s+([,;:])", r"\1", text)
    return (text[:1].upper() + text[1:])[:60] or "Frage zu den Artikeln"


def names(hits: Sequence[Hit], limit: int = 4) -> list[str]:
    """The proper names most often found in the hits' passages (NATO, Irak, Mark Esper …)."""
    from collections import Counter

    from qa.language import tag

    counts: Counter[str] = Counter()
    for hit in hits[:5]:
        tokens = tag(hit.chunk.text[:1500])
        run: list[str] = []
        for word, _, pos in list(tokens) + [("", "", "")]:
            if pos == "NE":
                run.append(word)
            elif run:
                counts[" ".join(run)] += 1
                run = []
    return [name for name, _ in counts.most_common(limit)]


def follow_ups(last_question: str, hits: Sequence[Hit], limit: int = 3) -> list[str]:
    """Questions the corpus can answer, about what the last answer's passages name."""
    found = [n for n in names(hits, 6) if n.lower() not in last_question.lower()]
    questions = [f"Was berichten die Artikel über {n}?" for n in found[:limit - 1]]
    topic = title(last_question)
    if topic:
        questions.append(f"Fasse die Artikel über „{topic}“ zusammen.")
    return questions[:limit]


class Assistant:
    """Answers small talk and client tasks; `search` finds passages for tags and follow-ups."""

    name = "assistant"

    def __init__(self, corpus: Callable[[], Corpus], search: Callable[[str], Sequence[Hit]]) -> None:
        self.corpus = corpus
        self.search = search

    def answer(self, text: str) -> Answer:
        if is_client_task(text):
            reply = self._task(text)
        else:
            reply = self_description(self.corpus())
        return Answer(text=reply, short_answer=None, abstained=False, citations=(), hits=(), answerer=self.name,
                      kind=KIND)

    def _task(self, prompt: str) -> str:
        kind = task_kind(prompt)
        chat = chat_of(prompt)
        users = [t for r, t in chat if r == "user"] or [prompt[-300:]]
        wants_json = "json" in prompt.lower()
        if kind == "title":
            value = title(users[0])
            return json.dumps({"title": value}, ensure_ascii=False) if wants_json else value
        if kind == "tags":
            tags = ["Nachrichten"] + names(self.search(" ".join(users[-2:])), 3)
            return json.dumps({"tags": tags}, ensure_ascii=False)
        if kind == "follow_ups":
            return json.dumps({"follow_ups": follow_ups(users[-1], self.search(users[-1]))}, ensure_ascii=False)
        if kind == "queries":
            return json.dumps({"queries": [users[-1]]}, ensure_ascii=False)
        if kind == "emoji":
            return "📰"
        return json.dumps({"text": ""}, ensure_ascii=False)
