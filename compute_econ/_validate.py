"""Input checks shared by every model: one place that words the errors.

Every public function checks its inputs at the boundary and raises a
``ValueError`` that names the parameter, the offending value and the valid
range, so a learner who types ``-1e24`` into a cell reads what went wrong
instead of getting a silent NaN or a negative cost.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def _first_bad(values: np.ndarray, bad: np.ndarray) -> float:
    """The first offending element, for the message."""
    return float(values[bad].flat[0]) if values.ndim else float(values)


def as_float_array(name: str, value: ArrayLike, valid: str = "") -> np.ndarray:
    """``value`` as a float array; a ``ValueError`` naming ``name`` if it is not numeric or has NaN/inf.

    ``valid`` (e.g. ``"(0, inf)"``) is added to the message so it states the valid range.
    """
    rng = f" (valid range: {valid})" if valid else ""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a number or an array of numbers{rng}, got {value!r}") from exc
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ValueError(f"{name} must be a finite number{rng}, got {_first_bad(arr, bad)!r}")
    return arr


def positive(name: str, value: ArrayLike, unit: str = "") -> np.ndarray:
    """Check ``value > 0`` everywhere (and finite); return it as a float array."""
    arr = as_float_array(name, value, "(0, inf)")
    bad = arr <= 0
    if bad.any():
        u = f" {unit}" if unit else ""
        raise ValueError(f"{name} must be > 0{u} (valid range: (0, inf)), got {_first_bad(arr, bad)!r}")
    return arr


def non_negative(name: str, value: ArrayLike, unit: str = "") -> np.ndarray:
    """Check ``value >= 0`` everywhere (and finite); return it as a float array."""
    arr = as_float_array(name, value, "[0, inf)")
    bad = arr < 0
    if bad.any():
        u = f" {unit}" if unit else ""
        raise ValueError(f"{name} must be >= 0{u} (valid range: [0, inf)), got {_first_bad(arr, bad)!r}")
    return arr


def in_range(
    name: str,
    value: ArrayLike,
    low: float,
    high: float,
    *,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> np.ndarray:
    """Check ``low <(=) value <(=) high`` everywhere; return it as a float array."""
    lb = "[" if low_inclusive else "("
    hb = "]" if high_inclusive else ")"
    arr = as_float_array(name, value, f"{lb}{low:g}, {high:g}{hb}")
    too_low = arr < low if low_inclusive else arr <= low
    too_high = arr > high if high_inclusive else arr >= high
    bad = too_low | too_high
    if bad.any():
        raise ValueError(f"{name} must be in {lb}{low:g}, {high:g}{hb}, got {_first_bad(arr, bad)!r}")
    return arr


def scalar_or_array(x: np.ndarray) -> float | np.ndarray:
    """Return a Python float for 0-d input, the array otherwise (so scalars print nicely)."""
    return float(x) if np.ndim(x) == 0 else x
