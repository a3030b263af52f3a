"""The kit's promise, held for the whole public API: bad input gets a clear error, never a silent NaN.

The README and DESIGN.md promise that every public function and input dataclass of
``compute_econ`` either returns finite numbers or raises a ``ValueError`` that names the
caller's parameter (with the value and the valid range). This test enumerates the public
API from the packages' ``__all__`` (so a new function or module is covered without anyone
remembering to add it: it fails until its valid example call is registered in
``tests/contract_examples``), and calls every callable with every parameter replaced, in
turn, by a fixed list of bad values and types and by values hypothesis draws.

A call meets the contract when it

* raises ``ValueError`` whose message names the parameter, or
* returns a result in which every number is finite (except fields registered in
  ``NONFINITE`` with the reason, e.g. a break-even that is "never" and flagged), and, for a
  dataclass, stores in each field a value of the same kind (number, string, array, record)
  as its valid example: a string quietly stored where a price belongs fails here.

Any other exception (TypeError, IndexError, OverflowError, MemoryError), a call that takes
more than ``CALL_SECONDS``, or a ValueError that does not name the parameter fails.
"""

from __future__ import annotations

import copy
import dataclasses
import enum
import math
import numbers
import signal
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import compute_econ
from contract_examples import CALLS, NONFINITE, RESULTS

CALL_SECONDS = 10  # a call that runs longer is work growing without a bound

# Bad values and types, as a careful learner (or a typo) would pass them.
BAD_VALUES: tuple[Any, ...] = (
    math.nan, math.inf, -math.inf, -1.0, 0, 0.0, 1e300, -1e300, 1e-300, 5e-324, 1e15, 10**15, 2419, 3532,
    "1", "abc", "", True, False, None, [], [[1.0], [1.0, 2.0]], np.array([1.0, 2.0]), np.array([]),
    np.array([np.nan]), (1.0, "x"), {"a": 1.0}, object(),
)

STATS = {"callables": 0, "calls": 0, "met": 0}


def public_callables() -> list[tuple[str, Callable]]:
    """Every callable in the ``__all__`` of every module listed in ``compute_econ.__all__``, once each."""
    seen: dict[int, tuple[str, Callable]] = {}
    for modname in compute_econ.__all__:
        module = getattr(compute_econ, modname)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if callable(obj) and not (isinstance(obj, type) and issubclass(obj, enum.Enum)):
                seen.setdefault(id(obj), (f"{modname}.{name}", obj))
    return sorted(seen.values(), key=lambda item: item[0])


CALLABLES = public_callables()
FUZZED = [(label, fn) for label, fn in CALLABLES if fn not in RESULTS]


def _params(fn: Callable) -> list[str]:
    sig = inspect_signature(fn)
    return [p.name for p in sig.parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def inspect_signature(fn: Callable):
    import inspect

    return inspect.signature(fn)


class _Timeout(Exception):
    pass


def _call(fn: Callable, kwargs: dict) -> Any:
    def alarm(signum, frame):
        raise _Timeout

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(CALL_SECONDS)
    try:
        return fn(**kwargs)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _kind(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, str):
        return "str"
    if isinstance(value, np.ndarray):
        return "number" if value.ndim == 0 and value.dtype.kind in "iuf" else f"array:{value.dtype.kind}"
    if isinstance(value, numbers.Real):
        return "number"
    if isinstance(value, (list, tuple)):
        return "sequence"
    if isinstance(value, Mapping):
        return "mapping"
    return f"object:{type(value).__name__}"


def nonfinite(value: Any, where: str = "result", depth: int = 0) -> list[str]:
    """Paths to every NaN or inf in ``value`` (numbers, arrays, dataclasses, sequences, mappings)."""
    if depth > 6 or value is None or isinstance(value, (bool, np.bool_, str, bytes, enum.Enum)):
        return []
    if isinstance(value, numbers.Number):
        return [] if math.isfinite(complex(value).real) and math.isfinite(complex(value).imag) else [where]
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "iufc":
            return [] if np.isfinite(value).all() else [where]
        if value.dtype.kind == "O":
            return [p for i, v in enumerate(value.flat) for p in nonfinite(v, f"{where}[{i}]", depth + 1)][:3]
        return []
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = []
        for f in dataclasses.fields(value):
            if (type(value), f.name) in NONFINITE:
                continue
            out += nonfinite(getattr(value, f.name), f"{where}.{f.name}", depth + 1)
        return out
    if isinstance(value, Mapping):
        return [p for k, v in value.items() for p in nonfinite(v, f"{where}[{k!r}]", depth + 1)]
    if isinstance(value, (list, tuple)):
        return [p for i, v in enumerate(value) for p in nonfinite(v, f"{where}[{i}]", depth + 1)]
    return []


def _example(fn: Callable) -> dict:
    if fn not in CALLS:
        pytest.fail(f"{fn.__module__}.{fn.__qualname__} is public but has no valid example call in "
                    "tests/contract_examples (add one, or list it in RESULTS if it is a result record)")
    return CALLS[fn]()


def check_call(label: str, fn: Callable, kwargs: dict, param: str, value: Any, example: Any) -> str | None:
    """None if the call meets the contract, else what went wrong."""
    STATS["calls"] += 1
    try:
        result = _call(fn, kwargs)
    except ValueError as exc:
        if param in str(exc):
            STATS["met"] += 1
            return None
        return f"{label}({param}={value!r}): ValueError does not name {param!r}: {exc}"
    except _Timeout:
        return f"{label}({param}={value!r}): ran longer than {CALL_SECONDS} s (unbounded work?)"
    except Exception as exc:  # noqa: BLE001 - any other exception breaks the contract
        return f"{label}({param}={value!r}): {type(exc).__name__}: {exc}"
    bad = nonfinite(result)
    if bad:
        return f"{label}({param}={value!r}): returned non-finite numbers at {', '.join(bad[:3])}"
    if isinstance(fn, type) and dataclasses.is_dataclass(fn) and dataclasses.is_dataclass(example):
        for f in dataclasses.fields(fn):
            allowed = {_kind(getattr(example, f.name))}
            if f.default is not dataclasses.MISSING:
                allowed.add(_kind(f.default))
            got = _kind(getattr(result, f.name))
            if got not in allowed:
                return (f"{label}({param}={value!r}): stored {f.name}={getattr(result, f.name)!r} "
                        f"({got}, expected {' or '.join(sorted(allowed))})")
    STATS["met"] += 1
    return None


def test_every_public_callable_has_a_valid_example_or_is_a_result_record():
    missing = [label for label, fn in FUZZED if fn not in CALLS]
    assert not missing, f"public callables without a valid example in tests/contract_examples: {missing}"
    stale = [f"{getattr(fn, '__qualname__', fn)}" for fn in CALLS if all(fn is not g for _, g in CALLABLES)]
    assert not stale, f"examples for callables that are not public: {stale}"


def _records(value: Any, depth: int = 0) -> list:
    """The dataclass records in a result (the result itself, or inside a tuple, list or mapping)."""
    if depth > 3:
        return []
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [value]
    if isinstance(value, Mapping):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [r for v in value[:20] for r in _records(v, depth + 1)]
    return []


@pytest.mark.parametrize("label, fn", FUZZED, ids=[label for label, _ in FUZZED])
def test_valid_example_returns_finite_numbers_in_records_that_compare(label, fn):
    """The registered example is itself valid: it returns finite numbers, and its records compare.

    A frozen record holding arrays compares field by field (compute_econ._records.ArrayRecord):
    ``record == record`` is True rather than raising "truth value of an array is ambiguous".
    """
    result = _call(fn, _example(fn))
    assert not nonfinite(result), f"{label}: the valid example returned non-finite numbers at {nonfinite(result)}"
    for record in _records(result):
        try:
            same = record == copy.deepcopy(record)
        except Exception as exc:  # noqa: BLE001
            pytest.fail(f"{label}: comparing its {type(record).__name__} raised {type(exc).__name__}: {exc}")
        assert same is True, f"{label}: a {type(record).__name__} does not equal a copy of itself"


@pytest.mark.parametrize("label, fn", FUZZED, ids=[label for label, _ in FUZZED])
def test_bad_values_raise_a_value_error_naming_the_parameter(label, fn):
    """Every parameter, replaced by every value of BAD_VALUES in turn, meets the contract."""
    STATS["callables"] += 1
    base = _example(fn)
    example = _call(fn, base)
    failures = []
    for param in _params(fn):
        for value in BAD_VALUES:
            problem = check_call(label, fn, base | {param: value}, param, value, example)
            if problem:
                failures.append(problem)
    assert not failures, f"{len(failures)} calls break the contract:\n" + "\n".join(failures[:40])


def _values_near(example_value: Any) -> st.SearchStrategy:
    """Anything, and numbers near the valid value (where a model's own arithmetic can overflow)."""
    anything = st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.booleans(), st.none(), st.text(max_size=3),
        st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=3),
        st.sampled_from(BAD_VALUES),
    )
    if isinstance(example_value, numbers.Real) and not isinstance(example_value, bool):
        scaled = st.floats(min_value=-1e6, max_value=1e6).map(lambda k: float(example_value) * k)
        powers = st.integers(min_value=-320, max_value=320).map(lambda e: float(example_value) * 10.0**e
                                                                if abs(e) < 308 else float(f"1e{e}"))
        return st.one_of(anything, scaled, powers)
    return anything


@pytest.mark.parametrize("label, fn", FUZZED, ids=[label for label, _ in FUZZED])
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_drawn_values_meet_the_contract(label, fn, data):
    """Hypothesis draws a parameter and a value (any type, or numbers near the valid one)."""
    base = _example(fn)
    params = _params(fn)
    if not params:
        return
    param = data.draw(st.sampled_from(params), label="param")
    value = data.draw(_values_near(base.get(param)), label="value")
    example = _call(fn, base)
    problem = check_call(label, fn, base | {param: value}, param, value, example)
    assert problem is None, problem
