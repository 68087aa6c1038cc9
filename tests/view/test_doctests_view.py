"""The docstring examples of the viewer's modules are tests too."""

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["vstar_cli.view.sources", "vstar_cli.view.thumbs"])
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
