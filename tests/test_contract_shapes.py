"""Two array arguments that do not broadcast together get a ValueError naming them.

The contract test (test_contract.py) replaces one parameter at a time, and most valid examples pass
scalars, so a pair of arrays of different lengths is almost never tried. Here every pair of numeric
parameters of each callable's valid example is given lengths 2 and 3 at once.

Covered: every area of the kit (every callable in ``contract_examples.CALLS`` from a ``compute_econ.`` module).
"""

from __future__ import annotations

import pytest

import contract_examples as ce

AREAS = ("compute_econ.",)

CASES = []
for _fn, _factory in ce.CALLS.items():
    if not getattr(_fn, "__module__", "").startswith(AREAS):
        continue
    _kw = _factory()
    _numeric = [k for k, v in _kw.items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
    CASES += [pytest.param(_fn, _factory, a, b, id=f"{_fn.__name__}-{a}-{b}")
              for i, a in enumerate(_numeric) for b in _numeric[i + 1:]]


def test_there_are_pairs_to_try():
    assert len(CASES) >= 800  # every area: a prefix that matched nothing would leave few


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


def test_training_run_fields_passed_as_arrays_that_do_not_broadcast_are_refused_by_name():
    # estimate_training_run's example passes a TrainingRun (scalars), so the pairs above never reach its keywords
    from compute_econ.training import estimate_training_run

    with pytest.raises(ValueError, match="training_flop, peak_flop_per_s.*must broadcast together"):
        estimate_training_run(training_flop=[1e24] * 2, peak_flop_per_s=[1e15] * 3, board_watts=700.0,
                              n_accelerators=1000)
