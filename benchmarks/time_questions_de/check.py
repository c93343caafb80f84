"""Check questions.jsonl of the German time-aware question set.

Checks: JSON valid, ids unique, required fields per kind, first alias of every
answer group (and of every conflict entry) verbatim in a source, no question
copies 6+ consecutive words of a source, and for every "relative" row the
expected date is recomputed from the article date and the row's `calc` rule
(weekday of article date and of expected date printed).

Run:  python3 check.py   (exit code 0 = all checks passed)
"""
import csv
import datetime as dt
import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
QFILE = os.path.join(HERE, "questions.jsonl")
CORPUS = "/work/main/corpus"
GNAD = "/work/shared/data/10kgnad/test.csv"

WD = ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"]
WD_LONG = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
KINDS = {"relative", "conflict", "newest", "question_time", "two_part_time"}
BYLINE = re.compile(r"\(([^()]*?),?\s*(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})\)\s*$")

_rows = None
# seed dates as read from the files (000: "14. Februar 2020", 002: " date 2020-02",
# 003: "04.06.2020"); 001 and 004 carry no date.
SEED_DATES = {"000": "2020-02-14", "001": None, "002": "2020-02", "003": "2020-06-04", "004": None}


def date_of(src, text):
    if src.startswith("gnad_"):
        d = gnad_date(text)
        return d.isoformat() if d else None
    return SEED_DATES[src[:3]]


def text_of(src):
    global _rows
    if src.startswith("gnad_"):
        if _rows is None:
            _rows = list(csv.reader(open(GNAD, encoding="utf-8", newline=""),
                                    delimiter=";", quotechar="'"))
        return _rows[int(src[5:9])][1]
    return open(os.path.join(CORPUS, src), encoding="utf-8").read()


def gnad_date(text):
    m = BYLINE.search(text.strip())
    if not m:
        return None
    return dt.date(int(m.group(4)), int(m.group(3)), int(m.group(2)))


def parse_iso(s):
    """'2015-09-10' -> date; '2015-09' -> first of month; '2015' -> Jan 1."""
    parts = [int(p) for p in s.split("-")]
    while len(parts) < 3:
        parts.append(1)
    return dt.date(*parts)


def compute(ref, calc):
    """Recompute the expected date (ISO, partial) from the article date."""
    if "weekday" in calc:
        target = WD.index(calc["weekday"])
        if calc["tense"] in ("past", "same"):
            d = ref - dt.timedelta(days=(ref.weekday() - target) % 7)
        elif calc["tense"] == "future":
            d = ref + dt.timedelta(days=(target - ref.weekday()) % 7 or 7)
        if calc["tense"] == "same":
            assert d == ref, "tense 'same' but weekday differs from article date"
        return d.isoformat()
    if "days" in calc:
        return (ref + dt.timedelta(days=calc["days"])).isoformat()
    if "years" in calc:
        return str(ref.year + calc["years"])
    if "month" in calc:  # month name without a year
        y = ref.year
        if calc["dir"] == "past" and calc["month"] > ref.month:
            y -= 1
        if calc["dir"] == "future" and calc["month"] < ref.month:
            y += 1
        return "%04d-%02d" % (y, calc["month"])
    if "md" in calc:  # day.month without a year
        mo, da = calc["md"]
        d = dt.date(ref.year, mo, da)
        if calc["dir"] == "past" and d > ref:
            d = dt.date(ref.year - 1, mo, da)
        if calc["dir"] == "future" and d < ref:
            d = dt.date(ref.year + 1, mo, da)
        return d.isoformat()
    if "week" in calc:  # calendar week relative to the article's week
        monday = ref - dt.timedelta(days=ref.weekday()) + dt.timedelta(weeks=calc["week"])
        return [monday.isoformat(), (monday + dt.timedelta(days=6)).isoformat()]
    raise ValueError("unknown calc %r" % calc)


def words(s):
    return re.findall(r"[\wÄÖÜäöüß-]+", s.lower())


def ngrams(ws, n=6):
    return {tuple(ws[i:i + n]) for i in range(len(ws) - n + 1)}


def main():
    errors = []
    rows = []
    for ln, line in enumerate(open(QFILE, encoding="utf-8"), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as e:
            errors.append("line %d: invalid JSON (%s)" % (ln, e))
    ids = [r.get("id") for r in rows]
    for i in set(ids):
        if ids.count(i) > 1:
            errors.append("duplicate id %s" % i)

    counts = {}
    seeds = sorted(os.path.basename(p) for p in glob.glob(os.path.join(CORPUS, "*.txt")))
    print("%-4s %-6s %-22s %-14s %-2s -> %-24s %s" % ("id", "kind", "source", "article", "wd", "expected", "wd"))
    for r in rows:
        qid, kind = r.get("id"), r.get("time")
        counts[kind] = counts.get(kind, 0) + 1
        for f in ("id", "time", "question", "answerable", "answers", "sources"):
            if f not in r:
                errors.append("%s: missing field %s" % (qid, f))
        if kind not in KINDS:
            errors.append("%s: unknown kind %r" % (qid, kind))
            continue
        texts = {}
        for s in r["sources"]:
            try:
                texts[s] = text_of(s)
            except Exception as e:  # noqa: BLE001
                errors.append("%s: cannot read source %s (%s)" % (qid, s, e))
        alltext = "\n".join(texts.values())
        # first alias of every group verbatim in a source
        for g in r["answers"]:
            if not g or g[0] not in alltext:
                errors.append("%s: first alias %r not in sources" % (qid, g[:1]))
        # no 6-word copy from any source (or any seed)
        qn = ngrams(words(r["question"]))
        for s in set(r["sources"]) | set(seeds):
            t = texts.get(s) or text_of(s)
            common = qn & ngrams(words(t))
            if common:
                errors.append("%s: copies 6+ words of %s: %s" % (qid, s, " ".join(sorted(common)[0])))
        # kind-specific
        if kind == "relative":
            if not r.get("sources") or len(r["sources"]) < 1:
                errors.append("%s: no source" % qid)
            src = r["sources"][0]
            if r.get("unresolvable"):
                ad = date_of(src, texts[src])
                if ad is not None and len(ad) == 10:
                    errors.append("%s: marked unresolvable but %s is dated %s" % (qid, src, ad))
                if r.get("expected_dates"):
                    errors.append("%s: unresolvable but expected_dates not empty" % qid)
                print("%-4s %-6s %-22s %-14s %-2s -> %-24s %s" % (qid, "rel", src[:22], r.get("article_date"), "-", "UNRESOLVABLE", "-"))
                continue
            ad = r.get("article_date")
            if date_of(src, texts[src]) != ad:
                errors.append("%s: article_date %s != date of %s (%s)" % (qid, ad, src, date_of(src, texts[src])))
            ref = parse_iso(ad)
            got = compute(ref, r["calc"])
            exp = r.get("expected_dates")
            if isinstance(got, list):  # a week: range + month(s) touched
                if r.get("expected_range") != got:
                    errors.append("%s: expected_range %s != computed %s" % (qid, r.get("expected_range"), got))
                months = sorted({g[:7] for g in got})
                if exp != months:
                    errors.append("%s: expected_dates %s != months of week %s" % (qid, exp, months))
                shown = "%s..%s" % tuple(got)
                ewd = "%s-%s" % (WD[parse_iso(got[0]).weekday()], WD[parse_iso(got[1]).weekday()])
            else:
                if exp != [got]:
                    errors.append("%s: expected_dates %s != computed %s" % (qid, exp, got))
                shown = got
                ewd = WD[parse_iso(got).weekday()] if len(got) == 10 else "-"
            # a weekday answer must name the weekday of the expected date
            if "weekday" in r["calc"]:
                name = WD_LONG[WD.index(r["calc"]["weekday"])]
                if name.lower() not in r["answers"][0][0].lower():
                    errors.append("%s: answer %r does not name %s" % (qid, r["answers"][0][0], name))
            awd = WD[ref.weekday()] if len(ad) == 10 else "-"
            print("%-4s %-6s %-22s %-14s %-2s -> %-24s %s" % (qid, "rel", src[:22], ad, awd, shown, ewd))
        elif kind == "conflict":
            c = r.get("conflict") or []
            if len(c) < 2:
                errors.append("%s: conflict needs >=2 versions" % qid)
            if len(c) != len(r["answers"]):
                errors.append("%s: answers groups (%d) != conflict entries (%d)" % (qid, len(r["answers"]), len(c)))
            for e in c:
                if e["answers"][0] not in alltext:
                    errors.append("%s: conflict alias %r not in sources" % (qid, e["answers"][0]))
                if e["date"] is not None:
                    parse_iso(e["date"])
            firsts = [e["answers"][0] for e in c]
            if len(set(firsts)) != len(firsts):
                errors.append("%s: conflict versions not different" % qid)
            # each dated entry must match a source's date
            # each entry's date must be the date of a source holding its first alias
            for e in c:
                ok = any(e["answers"][0] in t and date_of(s, t) == e["date"] for s, t in texts.items())
                if not ok:
                    errors.append("%s: no source dated %s contains %r" % (qid, e["date"], e["answers"][0]))
        elif kind == "question_time":
            rg = r.get("range")
            if not rg or len(rg) != 2 or parse_iso(rg[0]) > parse_iso(rg[1]):
                errors.append("%s: bad range %s" % (qid, rg))
            else:
                for s, t in texts.items():
                    d = date_of(s, t)
                    if d is None or not (parse_iso(rg[0]) <= parse_iso(d) <= parse_iso(rg[1])):
                        errors.append("%s: source %s dated %s outside range %s" % (qid, s, d, rg))
        elif kind == "two_part_time":
            if len(r["answers"]) < 2 or len(r["sources"]) < 2:
                errors.append("%s: two_part needs >=2 answer groups and >=2 sources" % qid)
        elif kind == "newest":
            if len(r["sources"]) != 1:
                errors.append("%s: newest should cite only the newest article" % qid)

    print()
    print("rows:", len(rows), "| by kind:", json.dumps(counts, sort_keys=True))
    need = {"relative": 20, "conflict": 8, "newest": 6, "question_time": 6, "two_part_time": 5}
    for k, n in need.items():
        if counts.get(k, 0) < n:
            print("note: %s has %d (< %d required)" % (k, counts.get(k, 0), n))
    if errors:
        print("ERRORS (%d):" % len(errors))
        for e in errors:
            print("  " + e)
        sys.exit(1)
    print("ALL CHECKS PASSED")


if __name__ == "__main__":
    main()
