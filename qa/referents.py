"""Who or what a pronoun in a follow-up question refers to, found in the last exchange.

`find_entities(text, question)` lists the names, places, groups and nouns of a text in order, each
with its kind and, for persons and nouns, its gender (from a role noun next to a name, such as
"Ministerin" or "Amtskollege", from the article before a noun, or, for the person that answered a
"Wer …?" question, from the role asked for); German part-of-speech tags from HanTa
(qa.language.tag). `referent` picks the entity a pronoun or "dort" agrees with (answer entities
first), `replacement` is the text that takes the pronoun's place ("sein Vorgänger" → "Josep
Borrells Vorgänger"), `time_of` the time phrase "damals" stands for.

It does not decide whether a question is a follow-up, rewrite it, or handle ellipses and the
context fallback (qa.conversation); and it looks no further back than the texts it is given.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from qa.language import tag

MALE = {"er", "ihm", "ihn", "sein", "seine", "seiner", "seinem", "seinen", "seines"}
FEMALE_OR_PLURAL = {"sie", "ihr", "ihre", "ihrer", "ihrem", "ihren", "ihres"}
PLURAL = {"ihnen", "deren"}
POSSESSIVE = {"sein", "seine", "seiner", "seinem", "seinen", "seines", "ihre", "ihrer", "ihrem", "ihren", "ihres"}
_PLACE_PREPOSITIONS = {"in", "im", "nach", "aus", "bei", "auf", "von", "vom", "am", "an", "zu", "zum", "zur"}


@dataclass
class Entity:
    """A name, place, group, noun or time of an earlier turn, a pronoun's candidate referent."""

    text: str
    kind: str  # person | place | group | thing | time
    gender: str = ""  # m | f | "" (unknown)
    from_answer: bool = False


def find_entities(text: str, question: str, from_answer: bool = False) -> list[Entity]:
    """Names (runs of NE tokens, with a role noun before them for the gender), places and
    nouns of a text, in order."""
    if not text:
        return []
    tokens = tag(text)
    out: list[Entity] = []
    asked_role = _asked_role(question) if from_answer else ""
    i = 0
    while i < len(tokens):
        word, _, pos = tokens[i]
        if pos == "NE" or (pos == "FM" and word[:1].isupper()):
            if i == 1 and len(tokens) <= 8 and tokens[0][0][:1].isupper() and "-" not in tokens[0][0] \
                    and tokens[0][2] in ("NN", "ADJA", "ADJ(A)", "VV(FIN)", "FM", "XY") and not _gender(tokens[0][0]):
                i = 0  # a first name at the start of a sentence, mistagged ("Josep Borrell [1].")
            j = i
            while j + 1 < len(tokens) and tokens[j + 1][2] in ("NE", "FM") and tokens[j + 1][0][:1].isupper():
                j += 1
            if j == i and _surname(tokens, j + 1):  # "Dalia Grybauskaite begrüßte": the tagger's NN
                j += 1
            name = " ".join(w for w, _, _ in tokens[i:j + 1])
            before = [w.lower() for w, _, _ in tokens[max(0, i - 2):i]]
            role = tokens[i - 1] if i and tokens[i - 1][2] in ("NN", "NNA") else None
            if before and before[-1] in _PLACE_PREPOSITIONS and j == i and role is None:
                out.append(Entity(name, "place", from_answer=from_answer))
            elif j > i or role is not None:  # first and last name, or a role before the name
                gender = _gender(role[0]) if role else ""
                if not gender and from_answer and asked_role:
                    gender = asked_role
                out.append(Entity(name, "person", gender, from_answer))
            elif name.isupper() and len(name) <= 6:  # an abbreviation: an organisation
                out.append(Entity(name, "group", from_answer=from_answer))
            else:
                out.append(Entity(name, "place" if _is_place(name) else "person", "", from_answer))
            i = j + 1
            continue
        if pos in ("NN", "NNA") and i:
            k = i - 1
            while k > 0 and tokens[k][2].startswith("ADJ"):
                k -= 1
            article = tokens[k][0].lower()
            if tokens[k][2] in ("ART", "PPOSAT") and article[-2:] in ("er", "ie", "en", "ne", "em", "as", "es"):
                gender = "f" if article in ("die", "eine") else "m" if article in ("der", "den", "einen", "ihren",
                                                                                   "seinen") else ""
                phrase = word  # the noun without its (inflected) adjectives
                out.append(Entity(f"{'die' if gender == 'f' else 'der' if gender == 'm' else 'das'} {phrase}",
                                   "thing", gender, from_answer))
        i += 1
    return out


def _surname(tokens, k: int) -> bool:
    """Token k, tagged as a noun right after a single first name, is the surname: capitalised, no
    compound, and followed by a verb, punctuation or the end ("Rudolf Kirchschläger gewann …",
    "von Präsidentin Dalia Grybauskaite begrüßt."), not by another noun or an article."""
    if k >= len(tokens) or tokens[k][2] not in ("NN", "NNA") or not tokens[k][0][:1].isupper() or "-" in tokens[k][0]:
        return False
    after = tokens[k + 1][2] if k + 1 < len(tokens) else "$."
    return after.startswith(("V", "$"))


def _asked_role(question: str) -> str:
    """The gender of the role a "Wer …?" question asks for ("Wer ist die … Ministerin?" → f)."""
    tokens = tag(question)
    if not tokens or tokens[0][0].lower() not in ("wer", "wen", "wem"):
        return ""
    for word, _, pos in tokens:
        if pos in ("NN", "NNA") and (g := _gender(word)):
            return g
    return ""


def _gender(noun: str) -> str:
    """"f" for a feminine person noun ("Ministerin", "Amtskollegin"), "m" for a masculine one."""
    from qa.language import is_feminine_noun

    if is_feminine_noun(noun):
        return "f"
    return "m" if re.search(r"(er|ent|ant|ist|or|eur|chef|te|ge|mann|sprecher|beauftragte[nr]?)$", noun) else ""


def _is_place(name: str) -> bool:
    from qa.language import country_names

    return name in country_names()


def referent(low: str, i: int, tokens, entities: list[Entity]) -> Entity | None:
    """The entity a pointer refers to, by agreement; answer entities first."""
    ordered = [e for e in entities if e.from_answer] + [e for e in entities if not e.from_answer]
    if low == "dort":
        return next((e for e in ordered if e.kind == "place"), None)
    if low == "damals":
        return None
    if low in MALE:
        return next((e for e in ordered if e.kind == "person" and e.gender in ("m", "")), None) or \
            next((e for e in ordered if e.kind == "thing" and e.gender == "m"), None)
    if low in FEMALE_OR_PLURAL:
        if low == "ihr" and i + 1 < len(tokens) and tokens[i + 1][2] in ("NN", "NNA", "ADJ(A)"):
            low = "ihre"  # possessive
        if low == "sie" and _plural_verb(tokens):
            return next((e for e in ordered if e.kind == "group"), None)
        return next((e for e in ordered if e.kind == "person" and e.gender == "f"), None) or \
            next((e for e in ordered if e.kind == "person" and e.gender == ""), None) or \
            next((e for e in ordered if e.kind == "thing" and e.gender == "f"), None)
    return None


_TIME = re.compile(r"\b(?:\d{1,2}\.\s*)?(?:(?:Jänner|Januar|Februar|März|April|Mai|Juni|Juli|August|September|"
                   r"Oktober|November|Dezember)\s+)?(?:19|20)\d\d\b")


def time_of(text: str) -> str:
    """The first date of a text as a time phrase for "damals" ("im Oktober 2014", "im Jahr 2014")."""
    m = _TIME.search(text or "")
    if not m:
        return ""
    found = m.group(0)
    if found[:1].isdigit() and "." in found:
        return f"am {found}"
    return f"im {found}" if not found.isdigit() else f"im Jahr {found}"


def _plural_verb(tokens) -> bool:
    finite = [w.lower() for w, _, p in tokens if p.endswith("(FIN)")]
    return bool(finite) and (finite[0].endswith("en") or finite[0] in ("sind",)) and finite[0] not in ("wollen",)


def replacement(low: str, target: Entity, i: int, tokens) -> str:
    if low == "dort":
        return f"in {target.text}"
    if low in POSSESSIVE or (low == "ihr" and i + 1 < len(tokens) and tokens[i + 1][2] in ("NN", "NNA", "ADJ(A)")):
        if target.kind == "thing":
            return target.text
        return target.text + ("'" if target.text[-1:] in "sxzß" else "s")
    return target.text
