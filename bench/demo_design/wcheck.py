import json, subprocess, random, itertools
from vstar_cli import synthetic as s
recs=[]
for d,n,v,q,ff in itertools.product(s.DIRECTIONS,[1,2,3],s.RANGES,list(s.QUADRANTS),[True,False]):
    c=s.Clip("x","red",d,n,v,q,ff)
    labels=c.labels()
    for kind,(good,loose) in s.wordings(c).items():
        for ok,ws in ((True,good),(False,loose)):
            for w in ws:
                recs.append({"question_id":str(len(recs)),"video_path":"x.mp4","question":"q","label":{kind:labels[kind]},"label_type":[kind],"verifier_type":[s.KINDS[kind]],"duration":2.0,"output":w,"expect":ok})
inp="\n".join(json.dumps(r) for r in recs)+"\n"
p=subprocess.run(["/work/main/.venv/bin/vstar","verify","-","-o","-","-q"],input=inp,capture_output=True,text=True)
out={json.loads(l)["question_id"]:json.loads(l)["verified"] for l in p.stdout.splitlines()}
bad=[(r["label"],r["output"],r["expect"]) for r in recs if out[r["question_id"]]!=r["expect"]]
print(len(recs),len(bad))
seen=set()
for b in bad:
    key=b[1][:30]
    if key in seen: continue
    seen.add(key); print(b)
