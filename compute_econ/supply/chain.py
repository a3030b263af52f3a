"""Bottleneck production: accelerators per quarter are the minimum over their inputs.

An AI accelerator needs a leading-edge logic die, a slot of advanced packaging
(TSMC CoWoS) and a set of high-bandwidth-memory (HBM) stacks. Each input has a
capacity today (in its own units: wafers, stacks), a growth rate, a conversion
to accelerator-equivalents and the share of it that goes to the accelerators
counted. The accelerators that can be delivered in a quarter are the fewest any
input allows (a Leontief, fixed-proportions production function); the input
that gives that minimum *binds*, and which one binds can change as the inputs
grow at different rates.

The counting unit is an **H100-equivalent package**: one ~814 mm^2 logic die,
one CoWoS-S interposer, five 16 GB HBM3 stacks. Quarter 0 is 2024 Q1
(:data:`BASE_YEAR`), the quarter the default capacities describe. The default
inputs (``data/supply_chain_inputs.csv``) are published figures and analyst
estimates, each row citing its sources; see Sevilla et al. 2024, "Can AI
scaling continue through 2030?" (Epoch AI), section on chip manufacturing,
for why packaging and HBM rather than wafers limited output in 2024.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from compute_econ import _data
from compute_econ._records import ArrayRecord
from compute_econ._validate import (
    GROWTH_FACTOR_RANGE,
    MAX_WORK_ITEMS,
    QUARTER_RANGE,
    YEAR_RANGE,
    array,
    finite_result,
    flag,
    integer,
    quarter,
    scalar,
    text,
)

__all__ = [
    "BASE_YEAR",
    "COWOS_PACKAGING",
    "HBM_STACKS",
    "LOGIC_WAFERS",
    "SupplyInput",
    "SUPPLY_INPUT_COLUMNS",
    "load_supply_inputs",
    "DEFAULT_INPUTS",
    "input_capacity_accelerators",
    "Deliveries",
    "BindingChange",
    "deliveries",
    "binding_changes",
    "accelerators_in_year",
    "quarter_label",
    "get_input",
    "replace_input",
    "scale_capacity",
]

#: Calendar year of quarter 0 (quarter 0 = BASE_YEAR Q1), the quarter the default capacities describe.
BASE_YEAR = 2024

#: Names of the default inputs (rows of ``data/supply_chain_inputs.csv``). Inputs are looked up by
#: name (:func:`get_input`, :meth:`Deliveries.allowed_by`), never by position: reordering the CSV
#: must not swap one input's numbers for another's.
COWOS_PACKAGING = "CoWoS packaging"
HBM_STACKS = "HBM stacks"
LOGIC_WAFERS = "Leading-edge logic wafers"


@dataclass(frozen=True)
class SupplyInput:
    """One input to accelerator production, with its capacity and growth.

    Every field is validated and stored as validated (numbers as floats).

    Attributes
    ----------
    name : str
        E.g. "CoWoS packaging" (unique within a set of inputs).
    unit : str
        The native unit of the capacity, e.g. "CoWoS wafers".
    capacity_units_per_quarter : float
        Capacity in quarter 0, native units per quarter (>= 0).
    accelerators_per_unit : float
        Accelerator-equivalents one native unit allows (> 0): good dies per
        wafer, packages per CoWoS wafer, 1 / (HBM stacks per accelerator).
    growth_per_year : float
        Capacity growth factor per year, in the kit's growth domain
        (:data:`compute_econ._validate.GROWTH_FACTOR_RANGE`); 1.6 = +60 %/yr. Compounds per quarter.
    frac_to_accelerators : float
        Share of the capacity that goes to the accelerators counted, in [0, 1].
    source : str
        Where the figures come from (non-empty; "what-if" for a learner's own numbers).
    is_estimate : bool
        True where a figure is an analyst estimate or an assumption.
    note : str
        What is estimated and how.
    """

    name: str
    unit: str
    capacity_units_per_quarter: float
    accelerators_per_unit: float
    growth_per_year: float
    frac_to_accelerators: float = 1.0
    source: str = "what-if"
    is_estimate: bool = True
    note: str = ""

    def __post_init__(self) -> None:
        store = functools.partial(object.__setattr__, self)
        store("name", text("name", self.name))
        store("unit", text("unit", self.unit))
        store("capacity_units_per_quarter", scalar("capacity_units_per_quarter", self.capacity_units_per_quarter,
                                                   0.0, unit="units per quarter"))
        store("accelerators_per_unit", scalar("accelerators_per_unit", self.accelerators_per_unit, 0.0,
                                              low_open=True, unit="accelerators per unit"))
        store("growth_per_year", scalar("growth_per_year", self.growth_per_year, *GROWTH_FACTOR_RANGE,
                                        unit="x per year"))
        store("frac_to_accelerators", scalar("frac_to_accelerators", self.frac_to_accelerators, 0.0, 1.0))
        store("source", text("source", self.source))
        store("is_estimate", flag("is_estimate", self.is_estimate))
        store("note", text("note", self.note, allow_empty=True))
        finite_result("accelerators per quarter", self.accelerators_per_quarter,
                      "capacity_units_per_quarter, accelerators_per_unit")

    @property
    def accelerators_per_quarter(self) -> float:
        """Accelerator-equivalents this input allows in quarter 0."""
        return self.capacity_units_per_quarter * self.frac_to_accelerators * self.accelerators_per_unit


#: Columns of ``data/supply_chain_inputs.csv``.
SUPPLY_INPUT_COLUMNS = (
    "name", "unit", "capacity_units_per_quarter", "accelerators_per_unit", "growth_per_year",
    "frac_to_accelerators", "is_estimate", "source", "note",
)
_NUMBERS = ("capacity_units_per_quarter", "accelerators_per_unit", "growth_per_year", "frac_to_accelerators")


def _parse_inputs(table: _data.CsvTable) -> tuple[SupplyInput, ...]:
    out: list[SupplyInput] = []
    for row in table:
        name = row.text("name")
        where = table.where(row, name or "?")
        # ranges are checked by SupplyInput itself, which words them per field
        values = {field: _data.number(row.text(field), where, field, required=True, low=-math.inf)
                  for field in _NUMBERS}
        estimate = row.text("is_estimate").lower() or "true"
        if estimate not in ("true", "false"):
            raise ValueError(f"{where}: column 'is_estimate' must be true or false, got {row.text('is_estimate')!r}")
        try:
            item = SupplyInput(name=name, unit=row.text("unit"), **values, source=row.text("source"),
                               is_estimate=estimate == "true", note=row.text("note"))
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from exc
        if any(x.name == name for x in out):
            raise ValueError(f"{where}: duplicate name {name!r}")
        out.append(item)
    return tuple(out)


def _read(path: str | os.PathLike[str] | None) -> tuple[SupplyInput, ...]:
    table = _data.read_csv(path, "supply_chain_inputs.csv", columns=SUPPLY_INPUT_COLUMNS, source_column="source")
    return _parse_inputs(table)


@functools.lru_cache(maxsize=1)
def _shipped_inputs() -> tuple[SupplyInput, ...]:
    return _read(None)


def load_supply_inputs(path: str | os.PathLike[str] | None = None) -> tuple[SupplyInput, ...]:
    """The supply inputs, every row validated.

    Parameters
    ----------
    path : path, optional
        A CSV with :data:`SUPPLY_INPUT_COLUMNS`; default the shipped
        ``compute_econ/data/supply_chain_inputs.csv`` (read once, cached).

    Raises
    ------
    ValueError
        Naming the line, the input and the field, for a bad header, an empty
        source, a non-numeric or out-of-range number, an ``is_estimate`` other
        than true/false, or a duplicate name; or naming ``path`` if it is not a
        path to a readable CSV file.
    """
    if path is None:
        return _shipped_inputs()
    if not isinstance(path, (str, os.PathLike)) or "\x00" in str(os.fspath(path)):
        raise ValueError(f"path must be None or the path of a CSV file (str or os.PathLike), got {path!r}")
    return _read(path)


#: The default inputs: CoWoS packaging, HBM stacks, leading-edge logic wafers (2024 Q1; sources in the CSV).
DEFAULT_INPUTS: tuple[SupplyInput, ...] = load_supply_inputs()


def _check_inputs(inputs: Any) -> tuple[SupplyInput, ...]:
    """``inputs`` as a tuple of SupplyInput with unique names; a ValueError naming ``inputs`` otherwise."""
    if not isinstance(inputs, (list, tuple)):
        raise ValueError(f"inputs must be a non-empty list or tuple of SupplyInput, got {inputs!r:.80}")
    if not inputs:
        raise ValueError("inputs must hold at least one SupplyInput, got none")
    for x in inputs:
        if not isinstance(x, SupplyInput):
            raise ValueError(f"inputs must be SupplyInput objects, got {type(x).__name__}")
    names = [x.name for x in inputs]
    if len(set(names)) != len(names):
        raise ValueError(f"inputs must have unique names, got {names!r}")
    return tuple(inputs)


def _check_quarters(quarters: ArrayLike, n_inputs: int) -> np.ndarray:
    """Quarters as a 1-d float array in the kit's quarter domain, small enough to evaluate at once."""
    q = np.atleast_1d(quarter("quarters", quarters))
    if q.ndim != 1:
        raise ValueError(f"quarters must be a number or a 1-d array, got shape {q.shape}")
    if q.size * n_inputs > MAX_WORK_ITEMS:
        raise ValueError(f"quarters must hold at most {MAX_WORK_ITEMS // n_inputs:,} values for "
                         f"{n_inputs} inputs (the model evaluates at most {MAX_WORK_ITEMS:,} at once), got {q.size:,}")
    return q


def _capacity(inputs: tuple[SupplyInput, ...], q: np.ndarray) -> np.ndarray:
    base = np.array([x.accelerators_per_quarter for x in inputs])[:, None]
    growth = np.array([x.growth_per_year for x in inputs])[:, None]
    with np.errstate(over="ignore", under="ignore"):
        out = base * growth ** (q[None, :] / 4.0)
    return finite_result("accelerators an input allows", out,
                         "inputs (capacity_units_per_quarter, growth_per_year) and quarters")


def input_capacity_accelerators(inputs: Sequence[SupplyInput], quarters: ArrayLike) -> np.ndarray:
    """Accelerator-equivalents each input allows in each quarter, shape (n_inputs, n_quarters).

    ``capacity * frac_to_accelerators * accelerators_per_unit * growth_per_year ** (q / 4)``.

    Parameters
    ----------
    inputs : sequence of SupplyInput
        Unique names.
    quarters : array_like
        Quarters from quarter 0 (2024 Q1), in the kit's quarter domain
        (:data:`compute_econ._validate.QUARTER_RANGE`, [0, 400]); fractions allowed.

    Raises
    ------
    ValueError
        For bad inputs or quarters, or if the capacities overflow (inputs outside the model's range).

    References
    ----------
    Sevilla et al. 2024, "Can AI scaling continue through 2030?" (Epoch AI),
    chip-manufacturing section (inputs and growth); capacities per row of
    ``data/supply_chain_inputs.csv``.
    """
    inputs = _check_inputs(inputs)
    return _capacity(inputs, _check_quarters(quarters, len(inputs)))


@dataclass(frozen=True)
class BindingChange:
    """The binding input changes between two quarters."""

    quarter: float  # first quarter in which ``to_name`` binds
    from_name: str
    to_name: str


@dataclass(frozen=True, eq=False)
class Deliveries(ArrayRecord):
    """Result of :func:`deliveries`: what each input allows and the minimum.

    Attributes
    ----------
    quarters : ndarray, shape (n,)
        Quarters from 2024 Q1.
    names : tuple of str
        Input names, in the order of the rows of ``per_input`` (look a row up by name
        with :meth:`allowed_by`, not by position).
    per_input : ndarray, shape (n_inputs, n)
        Accelerator-equivalents each input allows per quarter.
    accelerators_per_quarter : ndarray, shape (n,)
        Deliveries: the minimum over inputs.
    binding_index : ndarray of int, shape (n,)
        Row of the binding input (the argmin; the first input on a tie).
    binding_name : tuple of str
        Name of the binding input per quarter.
    binding_changes : tuple of BindingChange
        Every quarter where the binding input differs from the quarter before.
    """

    quarters: np.ndarray
    names: tuple[str, ...]
    per_input: np.ndarray
    accelerators_per_quarter: np.ndarray
    binding_index: np.ndarray
    binding_name: tuple[str, ...]
    binding_changes: tuple[BindingChange, ...]

    def allowed_by(self, name: str) -> np.ndarray:
        """Accelerator-equivalents the input called ``name`` allows per quarter (its row of ``per_input``)."""
        name = text("name", name)
        if name not in self.names:
            raise ValueError(f"name must be one of {list(self.names)}, got {name!r}")
        return self.per_input[self.names.index(name)]


def _changes(q: np.ndarray, idx: np.ndarray, names: tuple[str, ...]) -> tuple[BindingChange, ...]:
    at = np.flatnonzero(idx[1:] != idx[:-1]) + 1
    return tuple(BindingChange(float(q[i]), names[idx[i - 1]], names[idx[i]]) for i in at)


def binding_changes(quarters: ArrayLike, binding_index: ArrayLike, names: Sequence[str]
                    ) -> tuple[BindingChange, ...]:
    """Quarters where the binding input changes, from an argmin index per quarter.

    Parameters
    ----------
    quarters : array_like
        Quarters (kit's quarter domain), one per entry of ``binding_index``.
    binding_index : array_like of int
        Row of the binding input in each quarter, in ``[0, len(names) - 1]``.
    names : sequence of str
        The inputs' names.
    """
    if not isinstance(names, (list, tuple)) or not names or not all(isinstance(n, str) for n in names):
        raise ValueError(f"names must be a non-empty list or tuple of strings, got {names!r:.80}")
    q = np.atleast_1d(quarter("quarters", quarters))
    idx = np.atleast_1d(array("binding_index", binding_index, 0, len(names) - 1))
    if q.ndim != 1 or idx.shape != q.shape:
        raise ValueError(f"quarters and binding_index must be 1-d arrays of one length, got shapes {q.shape} "
                         f"and {idx.shape}")
    if q.size > MAX_WORK_ITEMS:
        raise ValueError(f"quarters must hold at most {MAX_WORK_ITEMS:,} values, got {q.size:,}")
    if not np.all(idx == np.floor(idx)):
        raise ValueError(f"binding_index must hold whole numbers (rows of names), got {binding_index!r:.80}")
    return _changes(q, idx.astype(int), tuple(names))


#: Default quarters of :func:`deliveries`: 0..23, 2024 Q1 to 2029 Q4.
_DEFAULT_QUARTERS = range(24)


def deliveries(inputs: Sequence[SupplyInput] = DEFAULT_INPUTS, quarters: ArrayLike = _DEFAULT_QUARTERS
               ) -> Deliveries:
    """Accelerators deliverable per quarter: the minimum over inputs, and which input binds.

    Parameters
    ----------
    inputs : sequence of SupplyInput
        Default :data:`DEFAULT_INPUTS`.
    quarters : array_like
        Quarters from 2024 Q1, in the kit's quarter domain ([0, 400]); default 0..23 (2024-2029).

    Returns
    -------
    Deliveries

    References
    ----------
    Fixed-proportions (Leontief) production: output is limited by the scarcest
    input. Sevilla et al. 2024 (Epoch AI), chip-manufacturing section, on
    CoWoS and HBM as the binding inputs in 2024.
    """
    inputs = _check_inputs(inputs)
    q = _check_quarters(quarters, len(inputs))
    per_input = _capacity(inputs, q)
    names = tuple(x.name for x in inputs)
    idx = np.argmin(per_input, axis=0)
    return Deliveries(
        quarters=q, names=names, per_input=per_input,
        accelerators_per_quarter=per_input[idx, np.arange(q.size)],
        binding_index=idx, binding_name=tuple(names[i] for i in idx),
        binding_changes=_changes(q, idx, names),
    )


def accelerators_in_year(inputs: Sequence[SupplyInput], year: int) -> float:
    """Accelerators deliverable in a calendar year: the sum over its four quarters.

    Parameters
    ----------
    inputs : sequence of SupplyInput
    year : int
        Calendar year, :data:`BASE_YEAR` to the end of the kit's year domain (2100).
    """
    y = integer("year", year, BASE_YEAR, YEAR_RANGE[1])
    q0 = 4 * (y - BASE_YEAR)
    total = float(deliveries(inputs, np.arange(q0, q0 + 4)).accelerators_per_quarter.sum())
    return finite_result("accelerators in a year", total, "inputs (capacity_units_per_quarter, growth_per_year)")


def quarter_label(quarter: float | np.number[Any]) -> str:
    """Quarter index -> calendar label: 0 -> "2024 Q1", 5 -> "2025 Q2" (kit's quarter domain, fractions allowed)."""
    if isinstance(quarter, (int, np.integer)) and not isinstance(quarter, bool) and (
            QUARTER_RANGE[0] <= quarter <= QUARTER_RANGE[1]):
        q = int(quarter)  # a whole quarter in range, the common case (an explorer labels every quarter it draws)
    else:
        q = int(math.floor(scalar("quarter", quarter, *QUARTER_RANGE, unit="quarters")))
    return f"{BASE_YEAR + q // 4} Q{q % 4 + 1}"


def get_input(inputs: Sequence[SupplyInput], name: str) -> SupplyInput:
    """The input called ``name``; ``ValueError`` listing the names otherwise."""
    inputs = _check_inputs(inputs)
    name = text("name", name)
    for x in inputs:
        if x.name == name:
            return x
    raise ValueError(f"name must be one of {[x.name for x in inputs]}, got {name!r}")


_FIELDS = tuple(f.name for f in dataclasses.fields(SupplyInput))


def replace_input(inputs: Sequence[SupplyInput], name: str, **changes: Any) -> tuple[SupplyInput, ...]:
    """A copy of ``inputs`` with fields of the input ``name`` replaced (validated again).

    Example: ``replace_input(DEFAULT_INPUTS, "CoWoS packaging", growth_per_year=1.6)``.
    """
    inputs = _check_inputs(inputs)
    old = get_input(inputs, name)
    for field in changes:
        if field not in _FIELDS:
            raise ValueError(f"{field} is not a field of SupplyInput (fields: {', '.join(_FIELDS)})")
    new = dataclasses.replace(old, **changes)
    return _check_inputs(tuple(new if x is old else x for x in inputs))


def scale_capacity(inputs: Sequence[SupplyInput], name: str, factor: float) -> tuple[SupplyInput, ...]:
    """A copy of ``inputs`` with the capacity of input ``name`` multiplied by ``factor`` (>= 0)."""
    f = scalar("factor", factor, 0.0, unit="x")
    old = get_input(inputs, name)
    try:
        return replace_input(inputs, name, capacity_units_per_quarter=old.capacity_units_per_quarter * f)
    except ValueError as exc:
        raise ValueError(f"factor {f:g} takes the capacity of {name!r} outside the model's range: {exc}") from None
