"""Small helpers to append conversations to conversations.jsonl."""
import json, os
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'conversations.jsonl')
S = ['000_955454e9edcba319.txt', '001_6d1949913e7253d0.txt', '002_02adc48ef0db0a26.txt',
     '003_a0779ffe5682cfbe.txt', '004_bde43ff6797f91e1.txt']
def G(n): return 'gnad_%04d.txt' % n
def F(q, ans, src, ref):
    return dict(type='fact', question=q, answerable=True, answers=ans, sources=src, reference_answer=ref)
def FU(q, st, ans, src, ref):
    return dict(type='followup', question=q, standalone=st, answerable=True, answers=ans, sources=src, reference_answer=ref)
def OV(q, kf, src, ref):
    return dict(type='overview', question=q, answerable=True, key_facts=kf, sources=src, reference_answer=ref)
def UN(q, st=None):
    d = dict(type='unanswerable', question=q, answerable=False, answers=[], sources=[],
             reference_answer='Dazu enthalten die Artikel keine Angaben.')
    if st: d['standalone'] = st
    return d
def META(q, ref):
    return dict(type='meta', question=q, answerable=True, answers=[], sources=[], reference_answer=ref)
def add(cid, *turns):
    existing = set()
    if os.path.exists(OUT):
        existing = {json.loads(l)['id'] for l in open(OUT, encoding='utf-8') if l.strip()}
    assert cid not in existing, cid
    with open(OUT, 'a', encoding='utf-8') as f:
        f.write(json.dumps({'id': cid, 'turns': list(turns)}, ensure_ascii=False) + '\n')
