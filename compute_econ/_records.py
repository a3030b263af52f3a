"""Frozen result records that hold numpy arrays, and compare without raising.

A ``@dataclass(frozen=True)`` generates ``__eq__`` as a tuple comparison of its fields; with
an array among them ``a == b`` raises "The truth value of an array with more than one element
is ambiguous". :class:`ArrayRecord` compares field by field instead: arrays with
``numpy.array_equal`` (NaN equal to NaN, as a missing value in a data set is the same missing
value), sequences and mappings element by element. Declare records as

    @dataclass(frozen=True, eq=False)
    class Deliveries(ArrayRecord):
        ...

(``eq=False`` so the dataclass does not replace this ``__eq__``). Records with arrays are not
hashable, as arrays are not.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np


def values_equal(a: Any, b: Any) -> bool:
    """``a == b`` as one bool, for numbers, strings, arrays, records, sequences and mappings."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape:
            return False
        nan_ok = a.dtype.kind in "fc" and b.dtype.kind in "fc"
        return bool(np.array_equal(a, b, equal_nan=nan_ok))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(values_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(values_equal(a[k], b[k]) for k in a)
    return bool(a == b)


class ArrayRecord:
    """Mixin for frozen dataclasses holding arrays: ``==`` compares field by field (see the module)."""

    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(values_equal(getattr(self, f.name), getattr(other, f.name))
                   for f in dataclasses.fields(self))  # type: ignore[arg-type]
