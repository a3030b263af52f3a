"""The kit's contract for inputs and results: one place that checks them and words the errors.

Every public function and every input dataclass checks its inputs at the
boundary with these validators, and raises a ``ValueError`` that names the
*caller's* parameter, the offending value and the valid range, so a learner
who types ``-1e24`` (or ``"1e24"``, ``True``, ``None``, ``[]``) into a cell
reads what went wrong instead of getting a silent NaN, a negative cost or a
``TypeError`` three calls later. Dataclasses store the validated value.

Inputs
    :func:`scalar` (one number), :func:`array` (a number or a non-empty,
    rectangular array of numbers, for vectorised functions), :func:`integer`,
    :func:`choice`, :func:`instance`; :func:`positive`, :func:`non_negative`,
    :func:`in_range` and :func:`as_float_array` are :func:`array` with the
    kit's usual domains. :func:`year`, :func:`quarter`, :func:`fraction`, :func:`growth_factor`
    and :func:`usd_per_hour` give one concept one domain everywhere.

Results
    :func:`finite_result` turns an overflow or underflow that valid inputs can
    still produce into a ``ValueError`` saying the inputs are outside the
    model's range; no public function returns NaN or inf by accident.
    :func:`bounded_work` caps work that grows with an argument (Monte Carlo
    paths, providers), so a typo cannot ask for petabytes.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, TypeVar
from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

T = TypeVar("T")

#: What a vectorised model returns: a float for scalar input, an array for array input.
FloatOrArray = float | np.ndarray

INF = math.inf

# One concept, one domain (used by every module that takes it).
#: Calendar years the kit's data and projections cover (decimal years allowed).
YEAR_RANGE = (1950.0, 2100.0)
#: Quarters counted from a model's quarter 0 (fractions allowed): a century ahead, past any projection the kit
#: cites (the supply chain's quarter 0 is 2024 Q1; the build-out's is "now").
QUARTER_RANGE = (0.0, 400.0)
#: A growth factor per year: x1 is flat, x0.5 halves each year; x100 a year is beyond any trend the kit cites.
GROWTH_FACTOR_RANGE = (0.01, 100.0)
#: An hourly price of one accelerator, USD (H100 rents for ~$2-10/h; the widest market scenario stays far below).
USD_PER_HOUR_RANGE = (0.0, 1e4)
#: The largest number of Monte Carlo paths, periods or providers a model will simulate (memory stays in MB).
MAX_WORK_ITEMS = 10_000_000


def _range_text(low: float, high: float, low_open: bool, high_open: bool) -> str:
    lb = "(" if low_open or low == -INF else "["
    hb = ")" if high_open or high == INF else "]"
    return f"{lb}{low:g}, {high:g}{hb}"


def _unit(unit: str) -> str:
    return f" {unit}" if unit else ""


def _reject_non_numeric(name: str, value: Any, want: str, valid: str) -> None:
    """Bools, strings, bytes, ``None`` and non-numeric objects are not numbers, whatever numpy would make of them."""
    if value is None or isinstance(value, (bool, np.bool_, str, bytes)):
        raise ValueError(f"{name} must be {want} in {valid}, got {value!r}")


def _to_float_array(name: str, value: Any, want: str, valid: str) -> np.ndarray:
    _reject_non_numeric(name, value, want, valid)
    if isinstance(value, np.ndarray):
        arr = value
    else:
        try:
            arr = np.asarray(value)
        except (TypeError, ValueError) as exc:  # a ragged sequence (numpy >= 1.24 refuses it)
            raise ValueError(f"{name} must be {want} in {valid} (a rectangular array), got {_short(value)}") from exc
    if arr.dtype.kind not in "iuf":
        raise ValueError(f"{name} must be {want} in {valid}, got {_short(value)}")
    return arr.astype(float, copy=False)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _first(values: np.ndarray, bad: np.ndarray) -> float:
    return float(values[bad].flat[0]) if values.ndim else float(values)


def _within(x: float, low: float, high: float, low_open: bool, high_open: bool) -> bool:
    """True if ``x`` is finite and in the range (a NaN is in no range)."""
    return math.isfinite(x) and (x > low if low_open else x >= low) and (x < high if high_open else x <= high)


def _check_range(name: str, arr: np.ndarray, low: float, high: float, low_open: bool, high_open: bool,
                 unit: str) -> None:
    # The common case first, in two reductions: a NaN makes the minimum NaN, an inf makes an extreme
    # infinite, so both extremes finite and in range means every value is. The message (and its range
    # text) is only worded for a value that fails.
    if arr.size and _within(float(arr.min()), low, high, low_open, high_open) \
            and _within(float(arr.max()), low, high, low_open, high_open):
        return
    valid = _range_text(low, high, low_open, high_open)
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ValueError(f"{name} must be a finite number in {valid}{_unit(unit)}, got {_first(arr, bad)!r}")
    bad = (arr <= low if low_open else arr < low) | (arr >= high if high_open else arr > high)
    if bad.any():
        if high == INF:
            rule = f"{'>' if low_open else '>='} {low:g}{_unit(unit)} (valid range: {valid})"
        elif low == -INF:
            rule = f"{'<' if high_open else '<='} {high:g}{_unit(unit)} (valid range: {valid})"
        else:
            rule = f"in {valid}{_unit(unit)}"
        raise ValueError(f"{name} must be {rule}, got {_first(arr, bad)!r}")


def scalar(name: str, value: Any, low: float = -INF, high: float = INF, *, low_open: bool = False,
           high_open: bool = False, unit: str = "") -> float:
    """One finite number in the range, as a Python float.

    Rejects bools, strings, ``None``, NaN, ±inf and arrays (a 0-d array or numpy scalar is a number).

    >>> scalar("mfu", 0.4, 0, 1)
    0.4
    >>> scalar("mfu", [0.4], 0, 1)
    Traceback (most recent call last):
    ValueError: mfu must be one number in [0, 1], got [0.4]
    """
    if type(value) is float or type(value) is int:  # the common case, without numpy (bools are not ints here)
        try:
            x = float(value)
        except OverflowError:  # an int beyond float: the general path words the error
            x = math.nan
        if _within(x, low, high, low_open, high_open):
            return x
    valid = _range_text(low, high, low_open, high_open)
    arr = _to_float_array(name, value, "one number", valid)
    if arr.ndim:
        raise ValueError(f"{name} must be one number in {valid}, got {_short(value)}")
    _check_range(name, arr, low, high, low_open, high_open, unit)
    return float(arr)


def array(name: str, value: Any, low: float = -INF, high: float = INF, *, low_open: bool = False,
          high_open: bool = False, unit: str = "", ndim: int | None = None) -> np.ndarray:
    """A number or a non-empty, rectangular array of finite numbers in the range, as a float array.

    For vectorised functions: a scalar gives a 0-d array. ``ndim`` (if given) is the number of
    dimensions required (``ndim=1``: a sequence, not one number).
    """
    if ndim is None and (type(value) is float or type(value) is int):  # one Python number: checked without numpy
        try:
            x = float(value)
        except OverflowError:  # an int beyond float: the general path words the error
            x = math.nan
        if _within(x, low, high, low_open, high_open):
            return np.array(x)
    if ndim is None and type(value) is np.ndarray and value.dtype == np.float64 and value.size:
        _check_range(name, value, low, high, low_open, high_open, unit)  # words the message only on failure
        return value
    valid = _range_text(low, high, low_open, high_open)
    want = "a sequence of numbers" if ndim == 1 else "a number or an array of numbers"
    arr = _to_float_array(name, value, want, valid)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {want} in {valid}, got {_short(value)}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty ({want} in {valid}), got {_short(value)}")
    _check_range(name, arr, low, high, low_open, high_open, unit)
    return arr


def integer(name: str, value: Any, low: float = -INF, high: float = INF) -> int:
    """A whole number in ``[low, high]``, as an int (``3.0`` is accepted as 3; ``2.5``, ``True``, ``"3"`` are not)."""
    if type(value) is int and low <= value <= high:  # the common case; the message is worded only on failure
        return value
    valid = _range_text(low, high, False, False)
    if value is None or isinstance(value, (bool, np.bool_, str, bytes)):
        raise ValueError(f"{name} must be a whole number in {valid}, got {value!r}")
    if isinstance(value, numbers.Integral):
        out = int(value)
    elif isinstance(value, numbers.Real) and math.isfinite(float(value)) and float(value).is_integer():
        out = int(float(value))
    else:
        raise ValueError(f"{name} must be a whole number in {valid}, got {_short(value)}")
    if not low <= out <= high:
        raise ValueError(f"{name} must be a whole number in {valid}, got {out!r}")
    return out


def choice(name: str, value: Any, options: Sequence[T]) -> T:
    """``value`` if it is one of ``options`` (compared with ``==``, strings exactly); else a ``ValueError`` listing them."""
    for option in options:
        if type(value) is type(option) and value == option:
            return option
    listed = ", ".join(repr(o) for o in options)
    raise ValueError(f"{name} must be one of {listed}; got {_short(value)}")


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def instance(name: str, value: Any, cls: type[T] | tuple[type, ...]) -> T:
    """``value`` if it is an instance of ``cls``; else a ``ValueError`` naming the type expected."""
    if not isinstance(value, cls):
        names = " or ".join(c.__name__ for c in (cls if isinstance(cls, tuple) else (cls,)))
        raise ValueError(f"{name} must be {_article(names)} {names}, got {_short(value)} ({type(value).__name__})")
    return value  # type: ignore[return-value]


def text(name: str, value: Any, *, allow_empty: bool = False) -> str:
    """A string (stripped of nothing); a ``ValueError`` for anything else, or for ``""`` unless allowed."""
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise ValueError(f"{name} must be {'a' if allow_empty else 'a non-empty'} string, got {_short(value)}")
    return value


def flag(name: str, value: Any) -> bool:
    """``True`` or ``False`` (numpy's too); ``1``, ``"yes"`` and ``None`` are refused."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {_short(value)}")
    return bool(value)


# -- the kit's usual domains (vectorised) ------------------------------------------------------------

def as_float_array(name: str, value: ArrayLike, valid: str = "") -> np.ndarray:
    """``value`` as a non-empty float array of finite numbers; ``valid`` is quoted in the message."""
    arr = _to_float_array(name, value, "a number or an array of numbers", valid or "(-inf, inf)")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got {_short(value)}")
    bad = ~np.isfinite(arr)
    if bad.any():
        rng = f" (valid range: {valid})" if valid else ""
        raise ValueError(f"{name} must be a finite number{rng}, got {_first(arr, bad)!r}")
    return arr


def positive(name: str, value: ArrayLike, unit: str = "") -> np.ndarray:
    """``value > 0`` everywhere (and finite), as a float array."""
    return array(name, value, 0.0, INF, low_open=True, unit=unit)


def non_negative(name: str, value: ArrayLike, unit: str = "") -> np.ndarray:
    """``value >= 0`` everywhere (and finite), as a float array."""
    return array(name, value, 0.0, INF, unit=unit)


def in_range(name: str, value: ArrayLike, low: float, high: float, *, low_inclusive: bool = True,
             high_inclusive: bool = True) -> np.ndarray:
    """``low <(=) value <(=) high`` everywhere, as a float array (the message says ``in [low, high]``)."""
    lb = "[" if low_inclusive else "("
    hb = "]" if high_inclusive else ")"
    valid = f"{lb}{low:g}, {high:g}{hb}"
    arr = as_float_array(name, value, valid)
    bad = (arr < low if low_inclusive else arr <= low) | (arr > high if high_inclusive else arr >= high)
    if bad.any():
        raise ValueError(f"{name} must be in {valid}, got {_first(arr, bad)!r}")
    return arr


def year(name: str, value: ArrayLike) -> np.ndarray:
    """Calendar year(s) in :data:`YEAR_RANGE` (decimal years allowed), as a float array."""
    return array(name, value, *YEAR_RANGE)


def quarter(name: str, value: ArrayLike) -> np.ndarray:
    """Quarter(s) from a model's quarter 0 in :data:`QUARTER_RANGE` (fractions allowed), as a float array."""
    return array(name, value, *QUARTER_RANGE, unit="quarters")


def fraction(name: str, value: ArrayLike) -> np.ndarray:
    """A share in [0, 1], as a float array."""
    return array(name, value, 0.0, 1.0)


def growth_factor(name: str, value: ArrayLike) -> np.ndarray:
    """A multiplicative growth per year in :data:`GROWTH_FACTOR_RANGE` (1 = flat), as a float array."""
    return array(name, value, *GROWTH_FACTOR_RANGE, unit="x per year")


def usd_per_hour(name: str, value: ArrayLike, *, allow_zero: bool = False) -> np.ndarray:
    """An hourly price in :data:`USD_PER_HOUR_RANGE` (> 0 unless ``allow_zero``), as a float array."""
    return array(name, value, *USD_PER_HOUR_RANGE, low_open=not allow_zero, unit="USD/h")


#: A field's domain in a table of them: (lowest, highest, lowest excluded, unit).
Domain = tuple[float, float, bool, str]


def in_domain(domains: Mapping[str, Domain], name: str, value: Any, *, vectorised: bool = False) -> Any:
    """``value`` checked against ``domains[name]``: one number (:func:`scalar`), or with ``vectorised`` a number
    or an array (:func:`array`). For records and functions whose fields' domains sit in one table."""
    low, high, low_open, unit = domains[name]
    if vectorised:
        return array(name, value, low, high, low_open=low_open, unit=unit)
    return scalar(name, value, low, high, low_open=low_open, unit=unit)


def bounded_work(name: str, value: Any, high: int = MAX_WORK_ITEMS, low: int = 1) -> int:
    """A count of things to simulate (paths, periods, providers), capped so memory and time stay small."""
    return integer(name, value, low, high)


def broadcast(arrays: dict[str, np.ndarray], *, work_per_value: int = 1) -> list[np.ndarray]:
    """Validated arrays broadcast together (numpy's rules), for a vectorised function with several array arguments.

    ``arrays`` maps each caller's parameter name to its validated array. A ``ValueError`` names
    them all if their shapes do not broadcast, or if the broadcast shape times ``work_per_value``
    (e.g. the number of buyers evaluated at each price) exceeds :data:`MAX_WORK_ITEMS`.
    """
    names = ", ".join(arrays)
    try:
        shape = np.broadcast_shapes(*(np.shape(a) for a in arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{k} {np.shape(v)}" for k, v in arrays.items())
        raise ValueError(f"{names} must broadcast together (numpy's rules), got shapes {shapes}") from None
    work = math.prod(shape) * work_per_value
    if work > MAX_WORK_ITEMS:
        raise ValueError(f"{names} ask for {work:,} values at once, more than the {MAX_WORK_ITEMS:,} a model "
                         "evaluates (pass fewer or smaller arrays)")
    return list(np.broadcast_arrays(*arrays.values()))


# -- results ---------------------------------------------------------------------------------------------

def finite_result(what: str, value: T, inputs: str = "") -> T:
    """``value`` if every number in it is finite; else a ``ValueError`` saying the inputs are outside the model's range.

    ``what`` names the result (``"tokens per parameter"``); ``inputs`` names the arguments to
    look at (``"compute_flop"``).
    """
    arr = np.asarray(value, dtype=float)
    if not np.isfinite(arr).all():
        hint = f" (check {inputs})" if inputs else ""
        raise ValueError(f"{what} is not a finite number for these inputs: they are outside the model's range{hint}")
    return value


def finite_results(values: dict[str, Any], what: str, inputs: str = "") -> dict[str, FloatOrArray]:
    """Each of a record's results as a float (0-d) or an array, all checked finite at once.

    The same check as :func:`finite_result` on each value, named ``what.format(name)``, but a
    number costs a ``math.isfinite`` rather than a numpy reduction (a planner's update checks
    dozens of numbers).
    """
    out: dict[str, FloatOrArray] = {}
    for name, value in values.items():
        arr = np.asarray(value, dtype=float)
        if arr.ndim == 0:
            x = float(arr)
            if not math.isfinite(x):
                finite_result(what.format(name), arr, inputs)
            out[name] = x
        else:
            if not np.isfinite(arr).all():
                finite_result(what.format(name), arr, inputs)
            out[name] = arr
    return out


def scalar_or_array(x: ArrayLike) -> FloatOrArray:
    """Return a Python float for 0-d input, the array otherwise (so scalars print nicely)."""
    return float(x) if np.ndim(x) == 0 else np.asarray(x)  # type: ignore[arg-type]
