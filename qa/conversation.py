"""Follow-up questions in a conversation, rewritten into standalone questions.

"Wer ist die deutsche Verteidigungsministerin?" – "… Annegret Kramp-Karrenbauer …" –
"Was hat sie über den IS gesagt?" becomes "Was hat Annegret Kramp-Karrenbauer über den IS
gesagt?" before retrieval and reading, so neither has to guess what "sie" means.

How (German part-of-speech tags from HanTa, qa.language.tag):
- A question is a follow-up when it has a personal or possessive pronoun (er, sie, ihm, ihn,
  ihr, sein …), a place or time adverb that points back (dort, damals), a demonstrative
  ("Wann war das?", "dazu"), or when it is an ellipsis without a verb ("Und in Stuttgart?",
  "Und im Vorjahr?").
- The referents are the names (NE) and nouns of the previous user question and the previous
  answer (its short answer and cited sentence), the answer first. A person's gender comes from a
  role noun next to the name (feminine suffix: "Amtskollegin", "Ministerin") or from the article
  before it; a person that answered a "Wer …?" question takes the gender of the role asked for.
- Agreement decides: er/ihm/ihn/sein → a male person (else a masculine noun), sie/ihr (singular
  verb) → a female person (else a feminine noun), sie (plural verb)/ihnen/deren → a group,
  dort → a place, damals → a time. A pronoun is replaced by the name ("er" → "Josep Borrell",
  "sein Vorgänger" → "Josep Borrells Vorgänger").
- An ellipsis takes the previous question and puts its new part in place of the part of the same
  kind ("Wie viele Soldaten sind in Bagdad?" + "Und in Erbil?" → "… in Erbil?"), or adds it.
- What cannot be resolved this way stays as asked; the previous question is then searched and
  read along with it (`Rewrite.context`), as before this module existed.

Here: whether a question is a follow-up and of which kind, its rewriting, ellipses and the
context fallback. Finding the names and nouns of a turn and which of them a pronoun agrees with
is qa.referents. Not handled: references further back than the last exchange; cataphora; "es"
for a neuter thing (left to the context fallback); a pronoun whose referent the previous turn
does not name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from qa.language import tag
from qa.records import Turn
from qa.referents import (FEMALE_OR_PLURAL, MALE, PLURAL, POSSESSIVE, find_entities, referent, replacement,
                          time_of)

MAX_CONTEXT_CHARS = 400  # what of an earlier turn may join a search query or a reader question

_DEMONSTRATIVE = {"das", "dies", "dieses", "diese", "dieser", "dazu", "dabei", "damit", "davon", "darüber",
                  "darauf", "dafür", "dagegen", "daran", "derselbe", "dieselbe"}


@dataclass(frozen=True)
class Rewrite:
    """A question as understood in its conversation."""

    asked: str  # as the user asked it
    question: str  # standalone (== asked when nothing was rewritten)
    follow_up: bool = False  # the question points back into the conversation
    context: str = ""  # a follow-up's topic: the previous question (and names), searched along with it
    read_context: bool = True  # False: the context only steers the search; the reader reads `question`
    referents: tuple[str, ...] = field(default=())  # what the pointers were replaced by

    @property
    def changed(self) -> bool:
        return self.question != self.asked

    @property
    def query(self) -> str:
        """What retrieval searches for."""
        return f"{self.context} {self.question}" if self.context else self.question


def clean_turn(text: str) -> str:
    """An assistant's answer as plain sentences: no citation markers, no source list, no
    Markdown emphasis or quotation marks; bounded in length."""
    text = re.split(r"\n\s*(?:\*\*)?Quellen:?", text, maxsplit=1)[0]
    text = re.sub(r"\[\d+\]", "", text)
    text = re.sub(r"[*_„“\"»«]", "", text)
    return " ".join(text.split())[:MAX_CONTEXT_CHARS]


def rewrite(question: str, history: Sequence[Turn]) -> Rewrite:
    """The question as a standalone question, from the last exchange of `history`."""
    users = [t.content for t in history if t.role == "user" and t.content.strip()]
    if not users:
        return Rewrite(question, question)
    previous = " ".join(users[-1].split())[:MAX_CONTEXT_CHARS]
    answers = [t.content for t in history if t.role == "assistant" and t.content.strip()]
    answer = clean_turn(answers[-1]) if answers and history[-1].role == "assistant" else ""
    tokens = tag(question)
    kinds = _pointers(tokens)
    if not kinds:
        if not any(pos in ("NE", "CARD") or (pos == "FM" and w[:1].isupper()) for w, _, pos in tokens):
            # names nothing of its own ("Wer schoss die Tore?"): an implicit follow-up, searched
            # within the topic of the last exchange; the reader reads the question as asked
            return _implicit(question, previous, answer)
        return Rewrite(question, question)
    if kinds == {"continuation"}:
        return _implicit(question, previous, answer)
    if kinds == {"ellipsis"}:
        resolved = _ellipsis(question, tokens, previous)
        if resolved:
            return Rewrite(question, resolved, True, referents=(previous,))
        return Rewrite(question, question, True, context=previous)
    entities = find_entities(answer, previous, from_answer=True) + find_entities(previous, previous)
    words = [w for w, _, _ in tokens]
    named = {w.lower() for w in words}
    entities = [e for e in entities  # "Wann hat er Sardana …": not Sardana
                if e.kind == "thing" or not any(len(w) > 3 and w.lower() in named for w in e.text.split())]
    replaced, referents = list(words), []
    for i, (word, _, pos) in enumerate(tokens):
        low = word.lower()
        if low in ("der", "die") and pos == "PDS":  # "Was hat der damals gekostet?": a thing first
            thing = next((e for e in entities if e.kind == "thing" and e.gender == ("m" if low == "der" else "f")), None)
            if thing is not None:
                replaced[i], referents = thing.text, referents + [thing.text]
                continue
            low = "er" if low == "der" else "sie"
        if low == "damals":
            when = time_of(answer) or time_of(previous)
            if when:
                replaced[i], referents = when, referents + [when]
            continue
        if pos.startswith(("VA", "VV", "VM")) or (pos not in ("PPER", "PPOSAT", "PDS", "ADV", "PAV", "PTKVZ")
                                                  and low not in POSSESSIVE | {"dort", "damals"}):
            continue
        target = referent(low, i, tokens, entities)
        if target is None:
            continue
        if target.text in referents:  # named once; a second "sein" stays a pronoun
            continue
        replaced[i] = replacement(low, target, i, tokens)
        referents.append(target.text)
    if not referents:
        return _implicit(question, previous, answer)
    # the rewritten question is searched alone and within the last exchange's topic, fused (a
    # pronoun resolved to a name that other articles share: "Welches Amt hat er?")
    return Rewrite(question, _join(replaced), True, context=previous, read_context=False, referents=tuple(referents))


def _implicit(question: str, previous: str, answer: str) -> Rewrite:
    """A follow-up whose pointers name nothing we can resolve: searched within the topic of the
    last exchange (its question and the names of question and answer); the reader reads the
    question as asked."""
    names = " ".join(e.text for e in find_entities(answer, previous) if e.kind != "thing")[:200]
    return Rewrite(question, question, True, context=f"{previous} {names}".strip(), read_context=False)


def _pointers(tokens) -> set[str]:
    """What in the question points back: "pronoun", "place", "time", "demonstrative", "ellipsis"."""
    found = set()
    words = [w.lower() for w, _, _ in tokens]
    for i, (word, _, pos) in enumerate(tokens):
        low = word.lower()
        if low in MALE | FEMALE_OR_PLURAL | PLURAL and (pos in ("PPER", "PPOSAT") or (
                low in POSSESSIVE and not pos.startswith(("VA", "VV", "VM")))):
            if low == "sie" and i == 0:
                continue
            found.add("pronoun")
        elif low == "dort":
            found.add("place")
        elif low == "damals":
            found.add("time")
        elif low in _DEMONSTRATIVE and pos in ("PDS", "PAV", "PTKVZ"):
            found.add("demonstrative")
        elif pos == "PDAT" or low in ("daran", "darüber", "darauf", "dafür", "dagegen", "daraus", "danach"):
            found.add("demonstrative")  # "diese Soldaten", "darüber hinaus": the previous turn's
    has_verb = any(pos.startswith(("VV", "VA", "VM")) for _, _, pos in tokens)
    if not found and not has_verb and words and words[0] == "und" and len(words) <= 8:
        found.add("ellipsis")
    elif not found and words and words[0] in ("und", "aber", "auch", "also"):
        found.add("continuation")  # "Und wie viele haben sich enthalten?": read with the previous question
    for i, (word, _, pos) in enumerate(tokens):
        if word.lower() in ("der", "die") and pos == "PDS" and i > 0:
            found.add("pronoun")
    return found


def _ellipsis(question: str, tokens, previous: str) -> str | None:
    """"Und in Erbil?" after "Wie viele Soldaten sind in Bagdad?" → "Wie viele Soldaten sind in
    Erbil?"; None when the previous question has no part of the same kind."""
    fragment = [w for w, _, _ in tokens if w.lower() != "und" and w not in "?.!"]
    if not fragment:
        return None
    prev_tokens = tag(previous)
    prev_words = [w for w, _, _ in prev_tokens]
    new_names = [w for w, _, p in tokens if p in ("NE", "FM")]
    # the same preposition followed by a name or a noun: swap that phrase
    first = fragment[0].lower()
    for k, (w, _, p) in enumerate(prev_tokens[:-1]):
        if w.lower() == first and prev_tokens[k + 1][2] in ("NE", "NN", "CARD", "ADJ(A)", "ART"):
            end = k + 1
            while end < len(prev_tokens) and prev_tokens[end][2] in ("NE", "NN", "CARD", "ADJ(A)", "ART", "FM"):
                end += 1
            return _join(prev_words[:k] + fragment + prev_words[end:])
    if len(new_names) == len(fragment):  # "Und Erbil?": swap the last name of the previous question
        names = [k for k, (_, _, p) in enumerate(prev_tokens) if p == "NE"]
        if names:
            k = names[-1]
            return _join(prev_words[:k] + fragment + prev_words[k + 1:])
    if any(re.fullmatch(r"\d{4}|vorjahr|jahr|vormonat|monat|woche|vorwoche", w.lower()) for w in fragment):
        years = [k for k, w in enumerate(prev_words) if re.fullmatch(r"(19|20)\d\d", w)]
        if years:  # "Und im Vorjahr?" after "… 2024 …": the time swapped
            k = years[0]
            start = k - 2 if k >= 2 and [w.lower() for w in prev_words[k - 2:k]] == ["im", "jahr"] else \
                k - 1 if k >= 1 and prev_words[k - 1].lower() in ("im", "in", "seit", "bis") else k
            return _join(prev_words[:start] + fragment + prev_words[k + 1:])
    if re.match(r"(im|am|in|seit|bis|vor)\b", first) and prev_words:
        body = prev_words[:-1] if prev_words[-1] in "?.!" else prev_words
        return _join(body + fragment + ["?"])
    return None


def _join(words: Sequence[str]) -> str:
    text = " ".join(words)
    text = re.sub(r"\s+([?.!,;:)])", r"\1", text)
    text = re.sub(r"([(„])\s+", r"\1", text)
    return text[:1].upper() + text[1:]
