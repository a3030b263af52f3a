"""Valid example calls for the contract test (tests/test_contract.py), one module per area.

Each area module defines

* ``CALLS``: ``{callable: factory}``, the factory returning the keyword arguments of one
  valid call (a factory, so each call gets fresh objects);
* ``RESULTS``: ``{class: reason}``, result records the models return (built by the kit,
  not by a learner; their fields are checked as results, not fuzzed as inputs);
* ``NONFINITE``: ``{(class, field): reason}``, fields where inf or NaN is a documented
  answer, e.g. a break-even that never comes (flagged in another field) or a value missing
  from a data set.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

AREAS = tuple(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))

CALLS: dict[Callable, Callable[[], dict[str, Any]]] = {}
RESULTS: dict[type, str] = {}
NONFINITE: dict[tuple[type, str], str] = {}

for _area in AREAS:
    _mod = importlib.import_module(f"contract_examples.{_area}")
    CALLS.update(_mod.CALLS)
    RESULTS.update(getattr(_mod, "RESULTS", {}))
    NONFINITE.update(getattr(_mod, "NONFINITE", {}))
