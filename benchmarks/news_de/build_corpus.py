#!/usr/bin/env python3
"""Build the corpus of the news_de evaluation set from 10kGNAD, and check the gold file.

    python benchmarks/news_de/build_corpus.py OUT_DIR [--csv PATH]
    python benchmarks/news_de/build_corpus.py --check [--csv PATH]

The first form writes the 40 articles in ROWS as OUT_DIR/gnad_<row>.txt (row = 0-based line of
test.csv, text exactly as in the CSV field plus a trailing newline). The articles are CC BY-NC-SA 4.0
and are not part of the repository; this script recreates them from the shared copy of the data.

--check validates questions.jsonl against the articles (nothing is written):
  * format: keys, unique ids, answerable/answers/sources consistent, sources among the question rows;
  * every alias of every answerable question occurs in at least one of its sources (case-insensitive
    substring, and also as whole words after the folding of ../shared/eval/score.py), except the
    spelling variants listed in VARIANTS, of which each group must still hold one verbatim alias;
  * every unanswerable question: its topic terms occur in the corpus and the patterns of a possible
    answer (UNANSWERABLE) occur in none of the 40 articles;
  * warnings (not errors) where an alias also occurs in an article that is not a source, for review.
Exit status 1 on any error. Standard library only.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
DEFAULT_CSV = REPO_ROOT / ".." / "shared" / "data" / "10kgnad" / "test.csv"
QUESTIONS = HERE / "questions.jsonl"

# Articles that carry questions (row -> label, for the record).
QUESTION_ROWS = {
    13: "Wissenschaft", 28: "Inland", 32: "Wirtschaft", 44: "Web", 61: "International",
    70: "Inland", 113: "Inland", 118: "Wirtschaft", 144: "Panorama", 368: "Web",
    371: "Sport", 380: "Etat", 403: "Wissenschaft", 410: "Web", 452: "International",
    480: "International", 484: "Inland", 493: "Wirtschaft", 552: "Sport", 555: "Sport",
    556: "Inland", 557: "Inland", 671: "Etat", 677: "Kultur", 910: "Wissenschaft",
    965: "Sport", 972: "Inland", 979: "Wissenschaft", 982: "Kultur", 1026: "Sport",
}
# Distractors: same topics as question articles, no question is answered by them.
DISTRACTOR_ROWS = {
    107: "Wissenschaft",  # CERN/LHC cables (next to Wendelstein 7-X)
    108: "Sport",         # Thiem in Rio (next to Thiem in Buenos Aires)
    117: "Inland",        # campaign cost limits, Bundespräsidentenwahl (next to 113, 557)
    483: "Panorama",      # refugees in tents (next to 144, 484)
    520: "Web",           # Oculus Rift reviews (next to HTC Vive)
    670: "Sport",         # Nordic combined, Lillehammer (next to ski jumping)
    771: "Wissenschaft",  # archaic house on the Quirinal (next to archaeology articles)
    857: "Inland",        # PIRLS reading study (next to the Bifie reading test)
    974: "Sport",         # Salzburg wins the league (next to the cup final)
    1002: "Inland",       # pension commission report (next to pension increase)
}
ROWS = tuple(sorted(QUESTION_ROWS | DISTRACTOR_ROWS))

# Aliases that are deliberate format variants and need not be verbatim in the source.
VARIANTS = {
    "n01": {"Zehntelsekunde", "0,1 Sekunden"},
    "n08": {"3850", "2496"},
    "n14": {"180000"},
    "n18": {"1,8 %", "2,8 %"},
    "n22": {"75297"},
    "n24": {"500 Mio. Dollar"},
    "n28": {"0,7 %"},
    "n30": {"82 Mio."},
    "n31": {"2 Milliarden", "2 Mrd."},
    "n40": {"13 Mio."},
    "n41": {"6:4 und 6:2"},
    "n42": {"Nefertiti"},
    "n44": {"88175"},
    "n47": {"3 Tage 14 Stunden"},
    "n49": {"10200"},
    "n50": {"7 Millionen", "7 Mio."},
    "n52": {"1,2 %"},
    "n55": {"62 %"},
    "n57": {"20000 Euro"},
}

# Unanswerable questions: terms that tie them to the corpus (each must occur in some article) and
# regular expressions a stated answer would match (none may match any of the 40 articles).
UNANSWERABLE = {
    "n04": (["Novomatic", "MTB Privatstiftung", "Stillschweigen"],
            [r"MTB[^.]{0,80}\d+(,\d+)? (Mio|Millionen)", r"Kaufpreis (von|in Höhe von|beträgt|betrug)"]),
    "n10": (["Flugzeugträger", "Verteidigungsministeriums"],
            [r"Verteidigungsminister(in)? [A-ZÄÖÜ][a-zäöüß]+"]),
    "n12": (["HTC Vive", "Euro-Preis wurde nicht genannt"],
            [r"Vive[^.]{0,80}\d+ ?(Euro|€)", r"\d+ ?(Euro|€)[^.]{0,40}Vive"]),
    "n16": (["Asylanträge", "2.000 davon taten dies in Wien"],
            [r"Graz[^.]{0,80}Asyl", r"Asyl[^.]{0,80}Graz"]),
    "n21": (["Badawi", "zehn Jahren Gefängnis"],
            [r"Gefängnis (in|von) [A-ZÄÖÜ]", r"(inhaftiert|sitzt|einsitzt)[^.]{0,40}(in|im) [A-ZÄÖÜ]"]),
    "n25": (["AlphaGo", "Lee Sedol", "am Sonntag und Dienstag weiter"],
            [r"(fünfte|letzte)n? (Partie|Spiel|Duell)", r"(AlphaGo|Lee)[^.]{0,60}(4:1|1:4|5:0)"]),
    "n27": (["Wendelstein", "Mecklenburg-Vorpommern"],
            [r"Bund (trug|übernahm|zahlte|finanzierte)", r"(Anteil|Prozent) des Bundes"]),
    "n29": (["Inflationsrate", "Eurozone"],
            [r"Deutschland[^.]{0,60}(Inflation|Teuerung|Preise)", r"(Inflation|Teuerung)[^.]{0,60}Deutschland"]),
    "n34": (["Sky Deutschland", "21 Millionen"],
            [r"Sky Deutschland[^.]{0,60}\d[\d.,]* (Mio|Millionen|Kunden|Abonnenten)",
             r"in Deutschland[^.]{0,40}Kunden"]),
    "n39": (["Oscar", "Virginia Woolf"],
            [r"(zweiten|weiteren) Oscar", r"Oscar für [^.]{0,40}(Bound for Glory|Dokumentar)"]),
    "n43": (["Tutanchamun", "wie groß die Räume tatsächlich sind"],
            [r"Räume[^.]{0,40}\d+ (Meter|Quadratmeter|m)", r"\d+ (Quadratmeter|Kubikmeter)"]),
    "n46": (["Nischnij Tagil", "Am Sonntag steht ein weiterer Einzelbewerb"],
            [r"(zweiten|Sonntags?)[- ]?(Bewerb|Springen)[^.]{0,60}(gewann|siegte|Sieg)"]),
    "n51": (["Mindestpensionen", "1,2 Prozent"],
            [r"Mindestpension(en)?[^.]{0,60}\d+ Euro", r"Ausgleichszulage"]),
    "n54": (["Schirnhofer", "Masseverwalter"],
            [r"Masseverwalter(in)? [A-ZÄÖÜ][a-zäöüß]+ [A-ZÄÖÜ]", r"zum Masseverwalter"]),
    "n59": (["Buchpreis", "8. November"],
            [r"(Preisträger|Preisträgerin|Gewinner|Gewinnerin) des (Österreichischen )?Buchpreis"]),
}


def norm(text: str) -> str:
    """The folding of ../shared/eval/score.py: NFKC, lower case, non-word runs to one space."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    text = re.sub(r"[^\w]+", " ", text)
    return f" {' '.join(text.split())} "


def load_rows(csv_path: Path) -> list[tuple[str, str]]:
    with open(csv_path, encoding="utf-8", newline="") as f:
        return [(row[0], row[1]) for row in csv.reader(f, delimiter=";", quotechar="'")]


def file_name(row: int) -> str:
    return f"gnad_{row}.txt"


def build(out_dir: Path, rows: list[tuple[str, str]]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for row in ROWS:
        with open(out_dir / file_name(row), "w", encoding="utf-8", newline="") as f:
            f.write(rows[row][1] + "\n")
    print(f"wrote {len(ROWS)} articles to {out_dir}")


def check(rows: list[tuple[str, str]]) -> int:
    texts = {file_name(r): rows[r][1] for r in ROWS}
    question_files = {file_name(r) for r in QUESTION_ROWS}
    errors, warnings = [], []
    with open(QUESTIONS, encoding="utf-8") as f:
        items = [json.loads(line) for line in f if line.strip()]

    ids = [q.get("id") for q in items]
    for qid, n in Counter(ids).items():
        if n > 1:
            errors.append(f"duplicate id {qid}")
    used = Counter()
    for q in items:
        qid = q.get("id")
        if set(q) != {"id", "question", "answerable", "answers", "sources"}:
            errors.append(f"{qid}: keys {sorted(q)}")
            continue
        if not q["question"].strip().endswith("?"):
            errors.append(f"{qid}: question does not end with '?'")
        if not q["answerable"]:
            if q["answers"] or q["sources"]:
                errors.append(f"{qid}: unanswerable but has answers/sources")
            if qid not in UNANSWERABLE:
                errors.append(f"{qid}: unanswerable without a probe in UNANSWERABLE")
            continue
        if not q["answers"] or not q["sources"]:
            errors.append(f"{qid}: answerable without answers or sources")
            continue
        for src in q["sources"]:
            used[src] += 1
            if src not in question_files:
                errors.append(f"{qid}: source {src} is not a question row")
        sources = [texts[s] for s in q["sources"] if s in texts]
        variants = VARIANTS.get(qid, set())
        for group in q["answers"]:
            if not group or not all(isinstance(a, str) and a.strip() for a in group):
                errors.append(f"{qid}: empty group or alias")
                continue
            verbatim = 0
            for alias in group:
                raw = any(alias.lower() in t.lower() for t in sources)
                folded = any(norm(alias) in norm(t) for t in sources)
                if raw and folded:
                    verbatim += 1
                elif alias not in variants:
                    errors.append(f"{qid}: alias {alias!r} not found in {q['sources']}"
                                  + (" (only as part of a word)" if raw else ""))
                # Aliases also present in other articles: listed for a human look at ambiguity.
                others = [name for name, t in texts.items()
                          if name not in q["sources"] and norm(alias) in norm(t)]
                if others:
                    warnings.append(f"{qid}: alias {alias!r} also in {', '.join(sorted(others))}")
            if verbatim == 0:
                errors.append(f"{qid}: no alias of group {group} occurs verbatim")
        for alias in variants:
            if not any(alias in group for group in q["answers"]):
                errors.append(f"{qid}: VARIANTS lists {alias!r}, not an alias of the question")
    for qid in set(VARIANTS) - set(ids):
        errors.append(f"VARIANTS names unknown id {qid}")

    for qid, (topic, patterns) in UNANSWERABLE.items():
        q = next((x for x in items if x.get("id") == qid), None)
        if q is None or q.get("answerable", True):
            errors.append(f"UNANSWERABLE names {qid}, which is not an unanswerable question")
            continue
        for term in topic:
            if not any(term.lower() in t.lower() for t in texts.values()):
                errors.append(f"{qid}: topic term {term!r} occurs in no article")
        for pat in patterns:
            hits = [name for name, t in texts.items() if re.search(pat, t)]
            if hits:
                errors.append(f"{qid}: answer pattern {pat!r} matches {', '.join(hits)}")

    for row in QUESTION_ROWS:
        if used[file_name(row)] == 0:
            errors.append(f"question row {row} carries no question")

    n_ans = sum(1 for q in items if q.get("answerable"))
    n_two = sum(1 for q in items if q.get("answerable") and len(q.get("answers", [])) > 1)
    n_alias = sum(len(g) for q in items for g in q.get("answers", []))
    labels = Counter(rows[r][0] for r in ROWS)
    print(f"articles: {len(ROWS)} ({len(QUESTION_ROWS)} with questions, {len(DISTRACTOR_ROWS)} distractors);"
          f" labels: {dict(sorted(labels.items()))}")
    print(f"questions: {len(items)} ({n_ans} answerable, of which {n_two} with two groups;"
          f" {len(items) - n_ans} unanswerable); aliases: {n_alias},"
          f" of which {sum(len(v) for v in VARIANTS.values())} listed variants")
    for w in warnings:
        print("warning:", w)
    for e in errors:
        print("ERROR:", e)
    print("check:", "FAILED" if errors else "OK", f"({len(errors)} errors, {len(warnings)} warnings)")
    return 1 if errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", nargs="?", type=Path, help="directory to write gnad_<row>.txt into")
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV, help="10kGNAD test.csv (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="validate questions.jsonl, write nothing")
    args = parser.parse_args()
    if not args.check and args.out_dir is None:
        parser.error("OUT_DIR is required unless --check is given")
    rows = load_rows(args.csv.resolve())
    if len(rows) != 1028:
        print(f"warning: {args.csv} has {len(rows)} rows, expected 1028", file=sys.stderr)
    if args.check:
        return check(rows)
    build(args.out_dir, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
