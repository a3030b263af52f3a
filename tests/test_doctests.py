"""Every docstring example in compute_econ runs and prints what it says (examples that never run go stale)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import compute_econ

MODULES = sorted(m.name for m in pkgutil.walk_packages(compute_econ.__path__, "compute_econ."))


def test_the_package_has_docstring_examples():
    examples = sum(len(t.examples) for name in MODULES
                   for t in doctest.DocTestFinder().find(importlib.import_module(name)))
    assert examples >= 20


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
