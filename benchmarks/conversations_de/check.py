"""Validate conversations.jsonl (and articles.json if present)."""
import csv, glob, json, os, sys, collections
HERE = os.path.dirname(os.path.abspath(__file__))
rows = list(csv.reader(open('/work/shared/data/10kgnad/test.csv', encoding='utf-8', newline=''), delimiter=';', quotechar="'"))
EXCL = {671, 677, 857, 910, 924, 965, 972, 974, 979, 982, 1002, 1026}
DOCS = {os.path.basename(p): open(p, encoding='utf-8').read() for p in glob.glob('/work/main/corpus/*.txt')}
SEEDS = set(DOCS)
for i in range(600, 1028):
    if i not in EXCL:
        DOCS['gnad_%04d.txt' % i] = rows[i][1]
TYPES = {'fact', 'followup', 'overview', 'unanswerable', 'meta'}
errs, warns = [], []
ids = set(); cnt = collections.Counter(); convs = 0; seed_convs = 0; used_rows = set()
for ln, line in enumerate(open(os.path.join(HERE, 'conversations.jsonl'), encoding='utf-8'), 1):
    if not line.strip():
        continue
    try:
        c = json.loads(line)
    except Exception as e:
        errs.append('line %d: invalid JSON: %s' % (ln, e)); continue
    cid = c.get('id'); convs += 1
    if cid in ids: errs.append('duplicate id %s' % cid)
    ids.add(cid)
    turns = c.get('turns', [])
    if not 2 <= len(turns) <= 4: errs.append('%s: %d turns' % (cid, len(turns)))
    csrc = set()
    for k, t in enumerate(turns):
        tag = '%s/t%d' % (cid, k + 1)
        ty = t.get('type'); cnt[ty] += 1
        if ty not in TYPES: errs.append('%s: bad type %r' % (tag, ty))
        for f in ('question', 'reference_answer'):
            if not isinstance(t.get(f), str) or not t[f].strip(): errs.append('%s: missing %s' % (tag, f))
        if not isinstance(t.get('answerable'), bool): errs.append('%s: answerable not bool' % tag)
        if ty == 'meta' and k != 0: errs.append('%s: meta not first turn' % tag)
        if ty == 'followup':
            if k == 0: errs.append('%s: followup as first turn' % tag)
            if not t.get('standalone'): errs.append('%s: followup without standalone' % tag)
        if ty == 'unanswerable' and t.get('answerable') is not False: errs.append('%s: unanswerable but answerable' % tag)
        if ty in ('fact', 'overview') and t.get('answerable') is not True: errs.append('%s: %s not answerable' % (tag, ty))
        srcs = t.get('sources', [])
        for s in srcs:
            if s not in DOCS: errs.append('%s: unknown source %s' % (tag, s))
            else:
                csrc.add(s)
                if s.startswith('gnad_'): used_rows.add(int(s[5:9]))
        if t.get('answerable') and ty != 'meta':
            if not srcs: errs.append('%s: answerable without sources' % tag)
            groups = t.get('key_facts') if ty == 'overview' else t.get('answers')
            if ty == 'overview' and not (groups and 3 <= len(groups) <= 5):
                errs.append('%s: overview needs 3-5 key_facts' % tag)
            if not groups: errs.append('%s: no answers/key_facts' % tag); continue
            for g in groups:
                if not g or not all(isinstance(a, str) and a for a in g):
                    errs.append('%s: bad alias group %r' % (tag, g)); continue
                if not any(g[0] in DOCS.get(s, '') for s in srcs):
                    errs.append('%s: first alias not verbatim in sources: %r' % (tag, g[0]))
                if ty == 'overview' and len(srcs) > 1:
                    pass
            if ty == 'overview':
                # every source should contribute at least one key fact (warning only)
                for s in srcs:
                    if not any(a in DOCS.get(s, '') for g in groups for a in g):
                        warns.append('%s: source %s has no key-fact alias' % (tag, s))
    if csrc & SEEDS: seed_convs += 1
art_path = os.path.join(HERE, 'articles.json')
if os.path.exists(art_path):
    arts = set(json.load(open(art_path))['rows'])
    if arts != used_rows:
        errs.append('articles.json rows differ from used rows: missing %s extra %s' % (sorted(used_rows - arts), sorted(arts - used_rows)))
    if arts & EXCL: errs.append('articles.json contains excluded rows')
print('conversations', convs, 'seed conversations', seed_convs, 'turns', dict(cnt))
print('10kGNAD rows used', len(used_rows), sorted(used_rows))
targets = dict(conversations=(convs, 48), followup=(cnt['followup'], 60), overview=(cnt['overview'], 30),
               unanswerable=(cnt['unanswerable'], 12), seed_convs=(seed_convs, 16))
print('targets:', {k: '%d/%d' % v for k, v in targets.items()}, 'meta %d/<=5' % cnt['meta'])
if cnt['meta'] > 5: errs.append('too many meta turns')
for w in warns: print('WARN', w)
for e in errs: print('ERROR', e)
print('OK' if not errs else 'FAILED (%d errors)' % len(errs))
sys.exit(1 if errs else 0)
