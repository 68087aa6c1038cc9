import torch, sys, random, time
from transformers import AutoProcessor, AutoModelForImageTextToText
from vstar_cli.training.data import load_examples, VideoChatDataset, Collator
torch.manual_seed(0); random.seed(0)
M=sys.argv[1]; lr=float(sys.argv[2]); steps=int(sys.argv[3])
proc=AutoProcessor.from_pretrained(M); model=AutoModelForImageTextToText.from_pretrained(M)
ex,_=load_examples('d4/captions.jsonl')
sel=[e for e in ex if e.turns[0][0] in ('Describe the grey marker.','Describe where the grey marker is.')]
print(len(sel))
ds=VideoChatDataset(sel,'d4/videos',8,None); col=Collator(proc)
items=[ds[i] for i in range(len(ds))]
mode=sys.argv[4] if len(sys.argv)>4 else 'all'
for n,p in model.named_parameters():
    if mode=='merger' and 'visual' in n and 'merger' not in n: p.requires_grad_(False)
    if mode=='frozen' and 'visual' in n: p.requires_grad_(False)
opt=torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr)
t=time.time()
for s in range(steps):
    b=col(random.sample(items,8))
    loss=model(**b).loss; loss.backward(); opt.step(); opt.zero_grad()
    if s%50==0 or s==steps-1:
        with torch.no_grad():
            b=col(items[:16]); l1=model(**b).loss.item()
            pv=b['pixel_values_videos'].view(16,-1,1176); b['pixel_values_videos']=pv.roll(1,0).reshape(-1,1176)
            l2=model(**b).loss.item()
        print(s, f"train {loss.item():.3f} true {l1:.3f} shuffled {l2:.3f} {time.time()-t:.0f}s", flush=True)
