"""``open_answer``: a gold sentence that answers the record's question (not statements to restate).

Use it for open-ended QA labels ("No, the man does not sit down; he stands by the window"): the
decision must agree and the core claim must be stated or entailed, the explanation need not be
restated but must not be contradicted. ``sentence`` is for gold statements that must each be
stated (captions, descriptions).
"""

from __future__ import annotations

from vstar_cli.verify import open_answer, open_reading
from vstar_cli.verify.kind import VerifierKind

OPEN_ANSWER = VerifierKind(
    "open_answer",
    open_answer.verify_open_answer,
    "gold answer to the record's question: same decision, core claim stated, nothing contradicted",
    params=(open_answer.OPEN_ANSWER_THRESHOLD,),
    needs_embedder=True,
    metrics=("multiple_choice",),
    validate_gold=open_reading.validate_gold,
    texts=open_reading.needed_texts,
)
