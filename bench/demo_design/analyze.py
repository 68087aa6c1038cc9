import json, sys, collections
from vstar_cli import synthetic as s
ver=[json.loads(l) for l in open(sys.argv[1])]
def clip_of(r):
    # reconstruct clip facts from labels
    lab=r['label']; return lab
allw=collections.defaultdict(lambda:[0,0,0,0])  # n, verified, fact-correct(any wording), loose-correct
# build wording table for all clip configs keyed by kind->fact value->set of sentences
import itertools
table=collections.defaultdict(set)
for d,n,v,q,ff in itertools.product(s.DIRECTIONS,[1,2,3],s.RANGES,list(s.QUADRANTS),[True,False]):
    c=s.Clip("x","red",d,n,v,q,ff); labels=c.labels()
    for k,(g,l) in s.wordings(c).items():
        for w in g+l: table[(k,json.dumps(labels[k]))].add(w.strip())
for r in ver:
    k=r['label_type'][0]; a=allw[k]; a[0]+=1; a[1]+=bool(r['verified'])
    if r['output'].strip() in table[(k,json.dumps(r['label'][k]))]: a[2]+=1
for k,(n,v,f,_) in sorted(allw.items()):
    print(f"{k:8s} n={n} verified={v/n:.3f} fact-correct(any wording)={f/n:.3f}")
tot=[sum(x[i] for x in allw.values()) for i in range(3)]
print('all', tot[1]/tot[0], tot[2]/tot[0])
