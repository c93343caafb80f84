# -*- coding: utf-8 -*-
"""Write questions.jsonl and articles.json from tools/questions_src.py."""
import json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import questions_src as src

OUT = os.path.dirname(HERE)
with open(os.path.join(OUT, "questions.jsonl"), "w", encoding="utf-8") as f:
    for i, q in enumerate(src.Q, 1):
        rec = {"id": "g%03d" % i}
        for k in ("type", "kind", "history", "question", "standalone", "answerable", "answers",
                  "sources", "about", "why"):
            if k in q:
                rec[k] = q[k]
        f.write(json.dumps(rec, ensure_ascii=False) + "\n")
with open(os.path.join(OUT, "articles.json"), "w", encoding="utf-8") as f:
    json.dump({"question_rows": src.QUESTION_ROWS, "distractor_rows": src.DISTRACTOR_ROWS}, f, indent=1)
    f.write("\n")
# keywords used for the unanswerable search, keyed by question id
kw = {"g%03d" % i: q["_keywords"] for i, q in enumerate(src.Q, 1) if not q["answerable"]}
with open(os.path.join(OUT, "tools", "unanswerable_keywords.json"), "w", encoding="utf-8") as f:
    json.dump(kw, f, ensure_ascii=False, indent=1)
    f.write("\n")
print("wrote", len(src.Q), "questions")
