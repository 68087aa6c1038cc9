"""The docstring examples of the verifier modules are tests too."""

import doctest
import importlib

import pytest

MODULES = [
    "vstar_cli.io",
    "vstar_cli.output",
    "vstar_cli.records",
    "vstar_cli.timings",
    "vstar_cli.verify.text",
    "vstar_cli.verify.numerals",
    "vstar_cli.verify.choices",
    "vstar_cli.verify.pick",
    "vstar_cli.verify.mentions",
    "vstar_cli.verify.clauses",
    "vstar_cli.verify.param",
    "vstar_cli.verify.scope",
    "vstar_cli.verify.meaning",
    "vstar_cli.verify.kind",
    "vstar_cli.verify.plugins",
    "vstar_cli.verify.registry",
    "vstar_cli.verify.judge",
    "vstar_cli.verify.kinds.class_name",
    "vstar_cli.verify.kinds.measure",
    "vstar_cli.verify.kinds.sentence",
    "vstar_cli.verify.classes",
    "vstar_cli.verify.numeric",
    "vstar_cli.verify.semantic",
    "vstar_cli.verify.open_answer",
    "vstar_cli.verify.verdict",
    "vstar_cli.video",
    "vstar_cli.prompts",
    "vstar_cli.stages.merge",
    "vstar_cli.stages.evaluate",
    "vstar_cli.prepare.converter",
    "vstar_cli.prepare.phrasing",
    "vstar_cli.prepare.safe_pickle",
    "vstar_cli.stages.generate",
    "vstar_cli.options",
    "vstar_cli.config",
    "vstar_cli.commands._common",
    "vstar_cli.chat",
    "vstar_cli.training.llamafactory",
    "vstar_cli.config",
    "vstar_cli.stages.generate",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
    assert result.attempted > 0
