"""A verifier plugin whose module cannot be imported (a dependency it needs is missing): for the tests only."""

import no_such_dependency_for_vstar_tests  # noqa: F401

from vstar_cli.verify.registry import VerifierKind

BROKEN = VerifierKind("broken_kind", lambda answer, label, record, ctx: None, "never loads")
