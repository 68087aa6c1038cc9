"""A verifier kind that exists only for the tests: loaded as a plugin (``--kind-plugin``), never built in."""

from vstar_cli.verify.registry import Param, VerifierKind
from vstar_cli.verify.verdict import CannotJudge, Verdict

ECHO_CASE = Param("echo_case", False, "echo: the case of the gold text must match too")


def check_echo(answer, label, record, ctx):
    """The gold text appears in the answer word for word (case-insensitive unless ``echo_case``)."""
    if not isinstance(label, str) or not label.strip():
        raise CannotJudge(f"gold {label!r} is not a text")
    strict = ECHO_CASE.value(ctx)
    said, gold = (answer, label) if strict else (answer.lower(), label.lower())
    at = said.find(gold)
    if at < 0:
        return Verdict(False, None, f"{label!r} not echoed")
    return Verdict(True, answer[at : at + len(label)], "echoed", (at, at + len(label)))


ECHO = VerifierKind("echo", check_echo, "the gold text, word for word", params=(ECHO_CASE,))
