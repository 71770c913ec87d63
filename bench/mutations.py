#!/usr/bin/env python3
"""Seeded mutations of the corpus: elements removed, repeated, moved over others, values and
attributes replaced by edge values (blank, negative, many decimals, other VAT categories, note
subject codes). For comparing two builds' verdicts (bench/compare-verdicts.sh), not a test oracle.
    python3 bench/mutations.py OUT_FOLDER [COUNT] [SEED]      (pip install lxml)"""
import random, glob, os, sys
from lxml import etree
out = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
random.seed(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
os.makedirs(out, exist_ok=True)
here = os.path.dirname(os.path.abspath(__file__))
files = sorted(glob.glob(os.path.join(here, '..', '..', 'shared', 'corpus', '*', '*.xml')))
values = ['', ' ', '0', '-1', '1.005', 'S', 'Z', 'E', 'AE', 'K', 'G', 'O', 'L', 'M', 'VAT', 'XX', '#QQQ#x', '#AAI#y', '2017-13-45', '99999999999999999999.99', 'NaN', 'abc', '100.00', '21', '9', '0.00']
n = 0
for i in range(count):
    f = random.choice(files)
    try:
        tree = etree.parse(f)
    except Exception:
        continue
    els = [e for e in tree.iter() if isinstance(e.tag, str)]
    if len(els) < 3: continue
    for _ in range(random.randint(1, 3)):
        e = random.choice(els[1:])
        op = random.random()
        p = e.getparent()
        if p is None: continue
        if op < 0.3:
            p.remove(e)
        elif op < 0.5:
            p.insert(p.index(e), etree.fromstring(etree.tostring(e)))
        elif op < 0.8:
            if len(e) == 0: e.text = random.choice(values)
        elif op < 0.9:
            if e.attrib:
                k = random.choice(list(e.attrib)); e.attrib[k] = random.choice(values)
        else:
            q = random.choice(els[1:])
            if q is not e and e not in q.iterancestors() and q not in e.iterancestors() and q.getparent() is not None:
                q.getparent().replace(q, etree.fromstring(etree.tostring(e)))
    tree.write(os.path.join(out, f'm{i:05d}.xml'), xml_declaration=True, encoding='UTF-8')
    n += 1
print(n)
