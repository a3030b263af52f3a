"""Two array arguments that do not broadcast together get a ValueError naming them.

The contract test (test_contract.py) replaces one parameter at a time, and most valid examples pass
scalars, so a pair of arrays of different lengths is almost never tried. Here every pair of numeric
parameters of each callable's valid example is given lengths 2 and 3 at once.

Covered: :mod:`compute_econ.serving` and :mod:`compute_econ.cluster`. The older areas (training,
hardware, costs, supply, market) still answer such a pair with numpy's own message, which names no
parameter; they join this list as they are mended (``KNOWN_GAPS`` holds the one cluster function that
inherits the gap from ``training.cluster_power_watts``).
"""

from __future__ import annotations

import pytest

import contract_examples as ce

AREAS = ("compute_econ.serving", "compute_econ.cluster")
KNOWN_GAPS = {"full_load_mw"}  # delegates to training.cluster_power_watts, not yet mended

CASES = []
for _fn, _factory in ce.CALLS.items():
    if not getattr(_fn, "__module__", "").startswith(AREAS) or getattr(_fn, "__name__", "") in KNOWN_GAPS:
        continue
    _kw = _factory()
    _numeric = [k for k, v in _kw.items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
    CASES += [pytest.param(_fn, _factory, a, b, id=f"{_fn.__name__}-{a}-{b}")
              for i, a in enumerate(_numeric) for b in _numeric[i + 1:]]


def test_there_are_pairs_to_try():
    assert len(CASES) >= 50


@pytest.mark.parametrize(("fn", "factory", "a", "b"), CASES)
def test_arrays_that_do_not_broadcast_are_refused_by_name(fn, factory, a, b):
    kwargs = factory()
    kwargs[a], kwargs[b] = [kwargs[a]] * 2, [kwargs[b]] * 3
    try:
        fn(**kwargs)
    except ValueError as error:
        assert a in str(error) or b in str(error), f"{fn.__name__}({a}=[2 values], {b}=[3 values]): {error}"
    else:  # a scalar-only parameter would refuse the list by name; anything else must not pass silently
        pytest.fail(f"{fn.__name__} accepted {a} and {b} of lengths 2 and 3")
