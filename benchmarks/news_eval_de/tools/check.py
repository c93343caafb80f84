# -*- coding: utf-8 -*-
"""Validate questions.jsonl / articles.json against the 10kGNAD CSV.

Writes tools/unanswerable_search.json (keyword hits of every unanswerable question in all
chosen articles) and prints a report; exit code 1 on hard errors.
"""
import csv, json, os, re, sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
CSV = "/work/shared/data/10kgnad/test.csv"
EXCLUDED = set(map(int, "61 70 96 107 108 113 117 118 144 153 161 222 233 242 269 272 368 371 373 374 "
                        "380 403 410 451 452 480 483 484 493 520 552 555 556 557 568".split()))
rows = list(csv.reader(open(CSV, encoding="utf-8", newline=""), delimiter=";", quotechar="'"))
errors, warnings = [], []

arts = json.load(open(os.path.join(OUT, "articles.json"), encoding="utf-8"))
qrows, drows = arts["question_rows"], arts["distractor_rows"]
allrows = qrows + drows
if set(qrows) & set(drows):
    errors.append("rows both question and distractor: %s" % (set(qrows) & set(drows)))
for r in allrows:
    if not (60 <= r <= 599) or r in EXCLUDED:
        errors.append("row %d out of range or excluded" % r)
text = {"gnad_%04d.txt" % r: rows[r][1] for r in allrows}
label = {"gnad_%04d.txt" % r: rows[r][0] for r in allrows}

qs = []
with open(os.path.join(OUT, "questions.jsonl"), encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        try:
            qs.append(json.loads(line))
        except Exception as e:
            errors.append("line %d invalid JSON: %s" % (n, e))
ids = [q["id"] for q in qs]
if len(ids) != len(set(ids)):
    errors.append("duplicate ids: %s" % [i for i, c in Counter(ids).items() if c > 1])

def words(s):
    return re.findall(r"\w+", s.lower())

def max_run(a, b):
    """length of the longest run of consecutive words of a that also occurs in b"""
    aw, bw = words(a), words(b)
    bset = set()
    for n in range(1, 12):
        pass
    best = 0
    bstr = " " + " ".join(bw) + " "
    for i in range(len(aw)):
        for j in range(i + best + 1, len(aw) + 1):
            if (" " + " ".join(aw[i:j]) + " ") in bstr:
                best = j - i
            else:
                break
    return best

per_article = Counter()
for q in qs:
    qid = q["id"]
    for k in ("type", "kind", "question", "answerable", "answers", "sources"):
        if k not in q:
            errors.append("%s missing %s" % (qid, k))
    if q["type"] not in ("single", "two_part", "followup"):
        errors.append("%s bad type" % qid)
    if q["type"] == "followup":
        h = q.get("history")
        if not (isinstance(h, list) and len(h) == 2 and h[0]["role"] == "user" and h[1]["role"] == "assistant"):
            errors.append("%s bad history" % qid)
        if not q.get("standalone"):
            errors.append("%s missing standalone" % qid)
    if q["type"] == "two_part" and len(q["answers"]) != 2:
        errors.append("%s two_part needs 2 answer groups" % qid)
    if q["answerable"]:
        if len(q["sources"]) != 1 or q["sources"][0] not in text:
            errors.append("%s bad sources %s" % (qid, q["sources"]))
            continue
        src = q["sources"][0]
        if int(src[5:9]) not in qrows:
            errors.append("%s source is not a question article" % qid)
        per_article[src] += 1
        t = text[src]
        for g in q["answers"]:
            if not g or g[0] not in t:
                errors.append("%s first alias not verbatim in %s: %r" % (qid, src, g[:1]))
            for a in g[1:]:
                if a not in t:
                    warnings.append("%s non-verbatim variant alias %r" % (qid, a))
            # does the first alias also occur in another chosen article?
            others = [o for o in text if o != src and g[0] in text[o]]
            if others and len(g[0]) > 4:
                warnings.append("%s alias %r also occurs in %s (check specificity)" % (qid, g[0], others))
        texts_to_check = [q["question"]] + ([q["standalone"]] if q.get("standalone") else [])
    else:
        if q["answers"] or q["sources"]:
            errors.append("%s unanswerable must have empty answers/sources" % qid)
        if q.get("about") not in text or not q.get("why"):
            errors.append("%s unanswerable needs about/why" % qid)
            continue
        per_article[q["about"]] += 1
        src = q["about"]
        texts_to_check = [q["question"]]
    for s in texts_to_check:
        r = max_run(s, text[src])
        if r >= 6:
            errors.append("%s copies %d consecutive words of %s" % (qid, r, src))
        elif r == 5:
            warnings.append("%s copies 5 consecutive words" % qid)

for r in qrows:
    a = "gnad_%04d.txt" % r
    if not 1 <= per_article[a] <= 3:
        errors.append("%s has %d questions" % (a, per_article[a]))
    n = len(rows[r][1].split())
    if not 150 <= n <= 700:
        warnings.append("%s has %d words" % (a, n))

# unanswerable keyword search over all chosen articles
kw = json.load(open(os.path.join(HERE, "unanswerable_keywords.json"), encoding="utf-8"))
search = {}
for q in qs:
    if q["answerable"]:
        continue
    keys = kw.get(q["id"])
    if not keys:
        errors.append("%s: no search keywords recorded" % q["id"])
        continue
    hits = {}
    for a, t in text.items():
        found = [k for k in keys if k.lower() in t.lower()]
        if found:
            hits[a] = found
    search[q["id"]] = {"question": q["question"], "about": q["about"], "keywords": keys,
                       "articles_searched": len(text), "hits": hits}
with open(os.path.join(HERE, "unanswerable_search.json"), "w", encoding="utf-8") as f:
    json.dump(search, f, ensure_ascii=False, indent=1)

types = Counter(q["type"] for q in qs)
ua = sum(not q["answerable"] for q in qs)
print("questions:", len(qs), dict(types), "unanswerable: %d (%.1f%%)" % (ua, 100.0 * ua / len(qs)))
print("question articles:", len(qrows), "distractors:", len(drows))
print("labels (question articles):", dict(Counter(label["gnad_%04d.txt" % r] for r in qrows)))
print("labels (distractors):", dict(Counter(label["gnad_%04d.txt" % r] for r in drows)))
for w in warnings:
    print("WARN", w)
for e in errors:
    print("ERROR", e)
print("RESULT:", "OK" if not errors else "%d errors" % len(errors))
sys.exit(1 if errors else 0)
