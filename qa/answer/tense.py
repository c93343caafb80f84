"""Is a sentence about the past? German tense from word lists and word shapes (qa.answer.timeline).

News report the past ("sagte", "verfehlten", "fiel", "ist … gekommen", "… vorgefallen ist") and
announce the future ("wird", "will", "kommenden") or speak in the present ("beraten am Mittwoch",
"gastiert am Sonntag"); reporting verbs in the present ("sagt", "meldet") tell what has been said.
`is_past` decides for the clause around a time expression (`clause`), the caller falls back to
the whole sentence. Not a parser: a weak past verb right before its subject ("Im Juni
demonstrierten Funktionäre") is told from an adjective only by the word before it.
"""
from __future__ import annotations

import re

_FUTURE = re.compile(r"\b(werde|werden|wird|wirst|will|wollen|soll|sollen|kommenden?|nächsten?|künftig|"
                     r"bevorstehenden?)\b", re.IGNORECASE)
_PAST = re.compile(
    r"\b(hatte|hatten|war|waren|wurde|wurden|worden|gewesen|vergangenen?|letzten?|vorigen?|jüngst|fiel|fielen|"
    r"begann|begannen|gab|gaben|kam|kamen|ging|gingen|traf|trafen|sprach|sprachen|stieg|fand|fanden|hielt|"
    r"hielten|lag|lagen|stand|standen|verlor|verloren|gewann|schrieb|rief|riefen|zog|sah|blieb|brach|starb|"
    r"beschloss|entschied|verließ|erschien|erschienen|bekannte|nahm|nahmen|kündigte|kündigten|"
    r"sagt|sagen|meldet|melden|vermeldet|berichtet|berichten|erklärt|betont|bestätigt|teilt|heißt es)\b",
    re.IGNORECASE)  # the last line: reporting verbs, whose present tense in news tells what has been said
# weak past forms: sagte, meldeten, verfehlten (verbs are lower case); not "beraten", "gelten"
# (present), nor an adjective: a word between a determiner and a noun ("die konkrete Planung")
_WEAK_PAST = re.compile(r"(\b\w+\s+)?\b([a-zäöüß]{2,}(?:[a-zäöüß]te|eten|[bcfghklmnprswzß]ten))\b(\s+[A-ZÄÖÜ])?")
_DETERMINERS = frozenset("der die das den dem des ein eine einer eines einem einen kein keine keinen keiner "
                         "ihre ihren ihrer seine seinen seiner unsere unseren diese dieser diesen jede jeden "
                         "alle im am zum zur vom beim mit für von".split())
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


def is_past(expression: str, text: str) -> bool | None:
    """Past (the last such day on or before the article): True; future or present (the next one
    on or after it): False; None when the text does not tell. The expression decides first
    ("vergangenen Freitag", "kommenden Montag"), then future words, past forms, a present verb."""
    if re.search(r"vergangen|letzt|vorig", expression, re.IGNORECASE):
        return True
    if re.search(r"kommend|nächst", expression, re.IGNORECASE) or _FUTURE.search(text):
        return False
    if _PAST.search(text) or _PERFECT.search(text):
        return True
    if any(_weak_past(w) for w in _WEAK_PAST.finditer(text)):
        return True
    if _PRESENT.search(text):
        return False
    return None


def _weak_past(m: re.Match) -> bool:
    if _NOT_PAST.search(m.group(2)):
        return False
    adjective = m.group(3) and m.group(1) and m.group(1).strip().lower() in _DETERMINERS
    return not adjective


def clause(sentence: str, m: re.Match) -> str:
    """The part of the sentence between the punctuation marks around the expression."""
    cuts = [c.start() for c in _CLAUSE.finditer(sentence)]
    start = max((c for c in cuts if c < m.start()), default=-1) + 1
    end = min((c for c in cuts if c >= m.end()), default=len(sentence))
    return sentence[start:end]
