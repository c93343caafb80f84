#!/usr/bin/env python3
"""Check written passages and questions of the news QA data set (standard library only).

    python data/newsqa_de/check.py [FILE.jsonl ...]      # default: data/newsqa_de/raw/*.jsonl

One JSON object per line: a passage with its questions (format: data/newsqa_de/README.md).
Errors (exit status 1): format, an answer that is not an exact substring of its passage, a
duplicate or near-duplicate passage (5-word shingles, Jaccard > 0.3), a passage that shares
8-word sequences with the seed articles, 10kGNAD, XQuAD-de, MLQA-de or dev.jsonl, text that
does not read as German. Warnings: an answer that occurs more than once in its passage, a
question that copies six or more consecutive words of its passage.
"""
from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1].parent / "shared"
TYPES = {"single": 1, "two_part": 2, "followup": 1, "unanswerable": 0}
KINDS = {"wer", "was", "wann", "wo", "wie viele", "wie", "warum", "welche", "wessen", "wohin", "woher", "wofür", "womit"}
REGIONS = {"DE", "AT", "CH"}
STOP = set("""der die das und in zu den von mit sich des auf für ist im dem nicht ein eine als auch es an
werden aus er hat dass sie nach wird bei einer um am sind noch wie einem über einen so zum war haben nur
oder aber vor zur bis mehr durch man sein wurde sei habe ihre seine""".split())
WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def shingles(text: str, n: int) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i:i + n]) for i in range(len(w) - n + 1)}


def longest_shared_run(question: str, text: str) -> int:
    q, t = words(question), " " + " ".join(words(text)) + " "
    best = 0
    for i in range(len(q)):
        for j in range(i + best + 1, len(q) + 1):
            if " " + " ".join(q[i:j]) + " " in t:
                best = j - i
            else:
                break
    return best


def forbidden_shingles() -> set[tuple[str, ...]]:
    """8-word sequences of the texts we must not copy from."""
    texts: list[str] = []
    for p in (SHARED / "seeds").glob("*.txt"):
        texts.append(p.read_text(encoding="utf-8"))
    gnad = SHARED / "data" / "10kgnad" / "test.csv"
    if gnad.exists():
        with open(gnad, encoding="utf-8", newline="") as f:
            texts += [row[1] for row in csv.reader(f, delimiter=";", quotechar="'") if len(row) >= 2]
    for name in ("xquad_de/xquad.de.json", "mlqa_de_dev/mlqa_de_dev.squad_format.CONVERTED.json"):
        path = SHARED / "data" / name
        if path.exists():
            for article in json.loads(path.read_text(encoding="utf-8"))["data"]:
                texts += [p["context"] for p in article["paragraphs"]]
    dev = SHARED / "eval" / "dev.jsonl"
    if dev.exists():
        texts += [line for line in dev.read_text(encoding="utf-8").splitlines()]
    out: set[tuple[str, ...]] = set()
    for t in texts:
        out |= shingles(t, 8)
    return out


def check_passage(p: dict, where: str, errors: list, warnings: list, qids: set) -> None:
    for key in ("pid", "region", "style", "topic", "date", "title", "text", "questions"):
        if key not in p:
            errors.append(f"{where}: Feld '{key}' fehlt")
            return
    if p["region"] not in REGIONS:
        errors.append(f"{where}: region {p['region']!r} nicht in {sorted(REGIONS)}")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(p["date"])):
        errors.append(f"{where}: date {p['date']!r} ist kein ISO-Datum")
    text = p["text"]
    w = words(text)
    if not 80 <= len(w) <= 320:
        errors.append(f"{where}: {len(w)} Wörter (erlaubt 80–320)")
    if w and sum(x in STOP for x in w) / len(w) < 0.15:
        errors.append(f"{where}: liest sich nicht wie deutscher Text")
    for k, q in enumerate(p["questions"]):
        qw = f"{where} Frage {k + 1}"
        qid = q.get("qid")
        if not qid or qid in qids:
            errors.append(f"{qw}: qid fehlt oder doppelt ({qid!r})")
        qids.add(qid)
        kind, typ, question, answers = q.get("kind"), q.get("type"), q.get("question", ""), q.get("answers")
        if typ not in TYPES:
            errors.append(f"{qw}: type {typ!r} unbekannt")
            continue
        if kind not in KINDS:
            errors.append(f"{qw}: kind {kind!r} unbekannt ({sorted(KINDS)})")
        if not isinstance(answers, list) or len(answers) != TYPES[typ]:
            errors.append(f"{qw}: {typ} braucht {TYPES[typ]} Antwort(en), hat {answers!r}")
            continue
        if not question.strip().endswith("?"):
            errors.append(f"{qw}: Frage endet nicht mit '?'")
        for a in answers:
            if not isinstance(a, str) or not a.strip() or a != a.strip():
                errors.append(f"{qw}: leere Antwort oder Leerraum am Rand: {a!r}")
            elif a not in text:
                errors.append(f"{qw}: Antwort {a!r} steht nicht wörtlich im Text")
            elif text.count(a) > 1:
                warnings.append(f"{qw}: Antwort {a!r} steht {text.count(a)}-mal im Text")
            if isinstance(a, str) and len(a) > 120:
                warnings.append(f"{qw}: lange Antwort ({len(a)} Zeichen)")
        if typ == "followup":
            h = q.get("history")
            if not (isinstance(h, list) and len(h) == 2 and h[0].get("role") == "user"
                    and h[1].get("role") == "assistant" and all(x.get("content") for x in h)):
                errors.append(f"{qw}: followup braucht history [user, assistant]")
            if not q.get("standalone", "").strip().endswith("?"):
                errors.append(f"{qw}: followup braucht standalone (die Frage ohne Pronomen)")
        if typ == "unanswerable" and not q.get("why"):
            errors.append(f"{qw}: unanswerable braucht why")
        run = longest_shared_run(question, text)
        if run >= 6:
            warnings.append(f"{qw}: Frage übernimmt {run} Wörter am Stück aus dem Text")


def main(argv: list[str]) -> int:
    files = [Path(a) for a in argv] or sorted((HERE / "raw").glob("*.jsonl"))
    errors: list[str] = []
    warnings: list[str] = []
    passages: list[tuple[str, dict]] = []
    pids: set[str] = set()
    qids: set[str] = set()
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path.name}:{n}"
            try:
                p = json.loads(line)
            except json.JSONDecodeError as e:
                errors.append(f"{where}: kein JSON ({e})")
                continue
            if p.get("pid") in pids:
                errors.append(f"{where}: pid {p.get('pid')!r} doppelt")
            pids.add(p.get("pid"))
            check_passage(p, where, errors, warnings, qids)
            if "text" in p:
                passages.append((where, p))
    sh = [(where, shingles(p["text"], 5)) for where, p in passages]
    for i in range(len(sh)):
        for j in range(i):
            a, b = sh[i][1], sh[j][1]
            if a and b and len(a & b) / len(a | b) > 0.3:
                errors.append(f"{sh[i][0]}: fast gleich wie {sh[j][0]}")
    if "--no-sources" not in sys.argv:
        forbidden = forbidden_shingles()
        for where, p in passages:
            shared = shingles(p["text"], 8) & forbidden
            if len(shared) >= 2:
                errors.append(f"{where}: teilt {len(shared)} Folgen von 8 Wörtern mit Seeds/10kGNAD/XQuAD/MLQA/dev")
    qs = [q for _, p in passages for q in p.get("questions", [])]
    by_type = {t: sum(q.get("type") == t for q in qs) for t in TYPES}
    print(f"{len(passages)} Passagen, {len(qs)} Fragen: {by_type}")
    for w in warnings:
        print("Warnung:", w)
    for e in errors:
        print("FEHLER:", e)
    print(f"{len(errors)} Fehler, {len(warnings)} Warnungen")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main([a for a in sys.argv[1:] if not a.startswith("--")]))
