"""Verifier kinds: name -> check function, whether it needs the embedder, and its tolerance."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vstar_cli.verify import classes, numeric, semantic
from vstar_cli.verify.verdict import Verdict

Check = Callable[[str, Any, dict, Any], Verdict]


@dataclass(frozen=True)
class Kind:
    """A verifier kind as documented in ``vstar verify --help``."""

    check: Check
    semantic: bool
    summary: str


KINDS: dict[str, Kind] = {
    "simple": Kind(
        classes.verify_simple,
        False,
        "class name asserted (surface variants ok; negated or hedged fails); numbers exact",
    ),
    "obj_identify": Kind(classes.verify_simple, False, "object named, as 'simple'"),
    "obj_compare": Kind(classes.verify_simple, False, "compared object named, as 'simple'"),
    "float": Kind(numeric.verify_float, False, "asserted number within --float-tol relative (default 0.1)"),
    "timestamp": Kind(
        numeric.verify_timestamp, False, "asserted time within --timestamp-tol absolute of [0,1] (default 0.1)"
    ),
    "temporal_range": Kind(
        numeric.verify_temporal_range, False, "stated [start,end] with IoU > --range-iou (default 0.5)"
    ),
    "bbox": Kind(numeric.verify_bbox, False, "last [xc,yc,w,h] box with IoU > --bbox-iou (default 0.5)"),
    "same_or_not": Kind(classes.verify_same_or_not, False, "last same / not-the-same decision matches"),
    "sentence": Kind(
        semantic.verify_sentence, True, "each gold sentence stated, similarity >= --sentence-threshold (0.6)"
    ),
    "sentence_sequence": Kind(
        semantic.verify_sentence_sequence, True, "all steps stated in order, similarity >= --sequence-threshold (0.4)"
    ),
    "classifier": Kind(
        semantic.verify_classifier,
        True,
        "gold class(es) stated by a clause, similarity >= --classifier-threshold (0.6)",
    ),
    "classifier_sequence": Kind(
        semantic.verify_classifier_sequence, True, "classes stated clause by clause in order (0.4)"
    ),
    "llm": Kind(semantic.verify_llm, True, "local --judge model says yes; without one the embedding check"),
}
