"""A local judge model for ``llm`` labels: the paper's yes/no judging question, asked greedily."""

from __future__ import annotations

JUDGE_PROMPT = (
    "You are a judge, whose task it is to decide if a video model's text prediction matches the answer.\n\n"
    "Prediction: {prediction}\nAnswer: {answer}\n"
    "Does the prediction accurately reflect the correct sequence and content of events in the answer? "
    "Enter 'Yes' or 'No'."
)


class LocalJudge:
    """A local causal LM asked the paper's yes/no judging question (greedy, a few tokens)."""

    def __init__(self, model: str, device: str = "cpu") -> None:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(model)
        self.model = AutoModelForCausalLM.from_pretrained(model).to(device).eval()
        self.device = device
        self.name = model

    def __call__(self, prediction: str, gold: str) -> tuple[bool, str]:
        """Ask the judge; returns (decision, the judge's words)."""
        import torch

        prompt = JUDGE_PROMPT.format(prediction=prediction, answer=gold)
        tok = self.tokenizer
        if getattr(tok, "chat_template", None):
            text = tok.apply_chat_template(
                [{"role": "user", "content": prompt}], tokenize=False, add_generation_prompt=True
            )
        else:
            text = prompt + "\nJudge's Decision:"
        enc = tok(text, return_tensors="pt").to(self.device)
        with torch.no_grad():
            out = self.model.generate(
                **enc,
                max_new_tokens=4,
                do_sample=False,
                pad_token_id=tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id,
            )
        words = tok.decode(out[0, enc["input_ids"].shape[1] :], skip_special_tokens=True).strip()
        return words.lower().startswith("yes"), words
