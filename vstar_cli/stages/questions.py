"""Question generation from labels: a local model proposes questions, filters keep the good ones.

The prompt follows the paper's ("I am performing {task} with labels such as {labels}. How would
you ask someone to perform {task} on a video without mentioning the task? ..."). A proposed
question is kept only if it is a question (or an asking instruction), is not too long, names
neither a gold label nor the task, and is not a near-duplicate of one already banked.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from vstar_cli.verify.mentions import find_mentions
from vstar_cli.verify.text import STOPWORDS, normalize, tokenize

PROMPT = (
    "I am performing {task} with labels such as {labels}. How would you ask someone to perform {task} on a video "
    "without mentioning the task? For example, a suitable question is '{example}'. Generate {k} unique questions, "
    "one per line."
)
_MARK_RE = re.compile(r"^\s*(?:[-*\u2022]+|\(?\d{1,3}[.):]|\(?[a-z][.)]|q\d*[:.)]|question\s*\d*\s*[:.)])\s*", re.I)
ASKING_VERBS = (
    "describe",
    "explain",
    "identify",
    "tell",
    "name",
    "list",
    "give",
    "state",
    "determine",
    "point out",
    "say",
    "characterize",
    "summarize",
)


@dataclass
class QuestionsConfig:
    """Options of ``vstar questions``."""

    task: str = field(default="", metadata={"help": "the task, e.g. 'action recognition' (the converters' task names)"})
    example: str = field(default="", metadata={"help": "an example question, e.g. 'What is happening in this video?'"})
    n: int = field(default=50, metadata={"help": "questions to bank"})
    labels_per_prompt: int = field(default=10, metadata={"help": "label examples shown per prompt"})
    per_prompt: int = field(default=10, metadata={"help": "questions asked for per prompt"})
    max_attempts: int = field(default=20, metadata={"help": "prompts at most"})
    max_words: int = field(default=30, metadata={"help": "longer questions are rejected"})
    min_words: int = field(default=3, metadata={"help": "shorter questions are rejected"})
    similarity: float = field(
        default=0.85, metadata={"help": "near-duplicate threshold (character ratio / word overlap)"}
    )
    seed: int = field(default=0, metadata={"help": "seed of label sampling and generation"})
    model: str = field(
        default="",
        metadata={"help": "local model: any causal LM or video LVLM (hub id or directory)", "flags": ("--model", "-m")},
    )
    quantize: str = field(default="none", metadata={"help": "none | 4bit | 8bit"})
    device: str = field(default="auto", metadata={"help": "auto | cpu | cuda"})
    temperature: float = field(default=0.9, metadata={"help": "sampling temperature (varied questions need > 0)"})
    max_new_tokens: int = field(default=384, metadata={"help": "reply length limit"})
    trust_remote_code: bool = field(default=False, metadata={"help": "run code shipped with the model"})

    def __post_init__(self) -> None:
        if not self.task.strip():
            raise ValueError("--task is required")
        if not self.example.strip():
            raise ValueError("--example is required")
        if self.n < 1 or self.max_attempts < 1 or self.per_prompt < 1 or self.labels_per_prompt < 1:
            raise ValueError("n, max_attempts, per_prompt and labels_per_prompt must be >= 1")


def parse_list(text: str) -> list[str]:
    """Questions from a model's numbered or bulleted list (markers, quotes and blank lines dropped).

    >>> parse_list("Sure! Here are questions:\\n1. What is going on?\\n2) Which activity is shown?\\n- \\"What does he do?\\"")
    ['Sure! Here are questions:', 'What is going on?', 'Which activity is shown?', 'What does he do?']
    """
    out = []
    for raw in re.split(r"\n+|(?<=\?)\s+(?=\d{1,2}[.)]\s)", text):
        line = _MARK_RE.sub("", raw.strip()).strip()
        line = line.strip("\"'\u201c\u201d\u2018\u2019` ").strip()
        line = re.sub(r"^\*\*|\*\*$", "", line).strip()
        if line:
            out.append(line)
    return out


def is_question(text: str) -> bool:
    """A question ends with "?", or is an asking instruction ("Describe what the person does.").

    >>> is_question("What happens?"), is_question("Describe the action."), is_question("Here are ten questions:")
    (True, True, False)
    """
    t = text.strip()
    if t.endswith("?"):
        return True
    low = t.lower()
    return any(low.startswith(v + " ") for v in ASKING_VERBS) and t.endswith(".")


def _words(text: str) -> set[str]:
    return {t.stem for t in tokenize(text) if t.is_word and t.text not in STOPWORDS}


def near_duplicate(q: str, banked: list[str], threshold: float) -> str | None:
    """The banked question ``q`` nearly repeats (same normalized text, character ratio, or word overlap)."""
    nq, wq = " ".join(re.sub(r"[^\w\s]", " ", normalize(q)).split()), _words(q)
    for b in banked:
        nb = " ".join(re.sub(r"[^\w\s]", " ", normalize(b)).split())
        if nq == nb or SequenceMatcher(None, nq, nb).ratio() >= threshold:
            return b
        wb = _words(b)
        if wq and wb and len(wq & wb) / len(wq | wb) >= threshold:
            return b
    return None


def check(q: str, cfg: QuestionsConfig, labels: list[str], banked: list[str]) -> str | None:
    """Why ``q`` is rejected, or ``None`` when it is kept."""
    n_words = len(q.split())
    if not is_question(q):
        return "not a question"
    if n_words > cfg.max_words or len(q) > 12 * cfg.max_words:
        return "too long"
    if n_words < cfg.min_words:
        return "too short"
    toks = tokenize(q)
    for lab in labels:
        if find_mentions(toks, lab):
            return f"names a label ({lab})"
    if find_mentions(toks, cfg.task):
        return "names the task"
    dup = near_duplicate(q, banked, cfg.similarity)
    if dup is not None:
        return f"near-duplicate of: {dup}"
    return None


def build_prompt(cfg: QuestionsConfig, shown: list[str]) -> str:
    """The paper-style prompt with ``shown`` label examples."""
    return PROMPT.format(task=cfg.task, labels=", ".join(shown), example=cfg.example, k=cfg.per_prompt)


def run(
    cfg: QuestionsConfig,
    labels: list[str],
    generate: Callable[[str], str],
    model_name: str,
    stats: Counter | None = None,
) -> Iterator[dict]:
    """Bank questions until ``cfg.n`` are kept or ``cfg.max_attempts`` prompts are spent.

    Yields ``{"task", "question", "model", "prompt"}`` for kept questions and
    ``{"task", "question", "reason", "prompt", "rejected": True}`` for rejected ones.
    """
    stats = stats if stats is not None else Counter()
    rng = random.Random(cfg.seed)
    pool = sorted(set(labels))
    banked: list[str] = []
    for _ in range(cfg.max_attempts):
        if len(banked) >= cfg.n:
            return
        shown = rng.sample(pool, min(cfg.labels_per_prompt, len(pool))) if pool else []
        prompt = build_prompt(cfg, shown)
        stats["prompts"] += 1
        for q in parse_list(generate(prompt)):
            why = check(q, cfg, pool, banked)
            if why is None:
                banked.append(q)
                stats["kept"] += 1
                yield {"task": cfg.task, "question": q, "model": model_name, "prompt": prompt}
                if len(banked) >= cfg.n:
                    return
            else:
                stats[why.split(" (")[0].split(":")[0]] += 1
                yield {"task": cfg.task, "question": q, "reason": why, "prompt": prompt, "rejected": True}


def labels_from_records(path: str, key: str | None = None) -> list[str]:
    """Label values (strings, or items of string lists) of a labeled JSONL/JSON file."""
    from vstar_cli.io import ErrorRecord, read_records
    from vstar_cli.records import as_list

    out: set[str] = set()
    for rec in read_records(path):
        if isinstance(rec, ErrorRecord) or not isinstance(rec.get("label"), dict):
            continue
        keys = [key] if key else as_list(rec.get("label_type")) or list(rec["label"])
        for k in keys:
            for v in as_list(rec["label"].get(k)):
                if isinstance(v, str) and v.strip():
                    out.add(v.strip())
    return sorted(out)


class TextGenerator:
    """Text-only generation with any causal LM, or a video LVLM prompted without a video."""

    def __init__(
        self,
        model: str,
        quantize: str = "none",
        device: str = "auto",
        temperature: float = 0.9,
        max_new_tokens: int = 384,
        trust_remote_code: bool = False,
        seed: int = 0,
    ) -> None:
        import torch
        from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

        from vstar_cli.model import ModelConfig, load_model, quantization_config, resolve_device, resolve_dtype

        torch.manual_seed(seed)
        self.device = resolve_device(device)
        dtype = resolve_dtype("auto", self.device)
        self.temperature, self.max_new_tokens = temperature, max_new_tokens
        self.processor = None
        cfg = AutoConfig.from_pretrained(model, trust_remote_code=trust_remote_code)
        try:
            AutoModelForCausalLM._model_mapping[type(cfg)]
            causal = True
        except KeyError:
            causal = False
        if causal:
            self.tokenizer = AutoTokenizer.from_pretrained(model, trust_remote_code=trust_remote_code)
            kw = {"dtype": dtype, "trust_remote_code": trust_remote_code}
            q = quantization_config(quantize, dtype)
            if q is not None:
                kw.update(quantization_config=q, device_map={"": self.device})
            self.model = AutoModelForCausalLM.from_pretrained(model, **kw)
            if q is None:
                self.model = self.model.to(self.device)
        else:
            from transformers import AutoProcessor

            self.processor = AutoProcessor.from_pretrained(model, trust_remote_code=trust_remote_code)
            self.tokenizer = self.processor.tokenizer
            self.model = load_model(
                ModelConfig(model=model, quantize=quantize, device=self.device, trust_remote_code=trust_remote_code)
            )
        self.model.eval()

    def __call__(self, prompt: str) -> str:
        """The model's reply to ``prompt`` (chat template when the model has one)."""
        import torch

        messages = [{"role": "user", "content": prompt}]
        templ = (
            self.processor
            if self.processor is not None and getattr(self.processor, "chat_template", None)
            else self.tokenizer
        )
        if getattr(templ, "chat_template", None):
            if templ is self.processor:
                messages = [{"role": "user", "content": [{"type": "text", "text": prompt}]}]
            text = templ.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        else:
            text = prompt + "\n"
        enc = self.tokenizer(text, return_tensors="pt").to(self.device)
        kw = {
            "max_new_tokens": self.max_new_tokens,
            "pad_token_id": self.tokenizer.pad_token_id or self.tokenizer.eos_token_id,
        }
        if self.temperature > 0:
            kw.update(do_sample=True, temperature=self.temperature, top_p=0.95)
        with torch.inference_mode():
            out = self.model.generate(**enc, **kw)
        return self.tokenizer.decode(out[0, enc["input_ids"].shape[1] :], skip_special_tokens=True)
