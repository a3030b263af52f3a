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
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from compute_econ import _data
from compute_econ._validate import as_float_array, in_range, non_negative, positive

__all__ = [
    "BASE_YEAR",
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


@dataclass(frozen=True)
class SupplyInput:
    """One input to accelerator production, with its capacity and growth.

    Attributes
    ----------
    name : str
        E.g. "CoWoS packaging".
    unit : str
        The native unit of the capacity, e.g. "CoWoS wafers".
    capacity_units_per_quarter : float
        Capacity in quarter 0, native units per quarter (>= 0).
    accelerators_per_unit : float
        Accelerator-equivalents one native unit allows (> 0): good dies per
        wafer, packages per CoWoS wafer, 1 / (HBM stacks per accelerator).
    growth_per_year : float
        Capacity growth factor per year (> 0); 1.6 = +60 %/yr. Compounds per quarter.
    frac_to_accelerators : float
        Share of the capacity that goes to the accelerators counted, in [0, 1].
    source : str
        Where the figures come from.
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
    source: str = ""
    is_estimate: bool = True
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"name must be a non-empty string, got {self.name!r}")
        if not isinstance(self.unit, str) or not self.unit.strip():
            raise ValueError(f"unit must be a non-empty string (e.g. 'CoWoS wafers'), got {self.unit!r}")
        non_negative("capacity_units_per_quarter", self.capacity_units_per_quarter, "units per quarter")
        positive("accelerators_per_unit", self.accelerators_per_unit, "accelerators per unit")
        in_range("growth_per_year", self.growth_per_year, 0.0, 100.0, low_inclusive=False)
        in_range("frac_to_accelerators", self.frac_to_accelerators, 0.0, 1.0)

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
        if not row.text("source"):
            raise ValueError(f"{where}: required field 'source' is empty")
        # ranges are checked by SupplyInput itself, which words them per field
        values = {field: _data.number(row.text(field), where, field, required=True, low=-math.inf)
                  for field in _NUMBERS}
        try:
            item = SupplyInput(
                name=name, unit=row.text("unit"), **values,
                source=row.text("source"), is_estimate=(row.text("is_estimate") or "true").lower() != "false",
                note=row.text("note"),
            )
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from exc
        if any(x.name == name for x in out):
            raise ValueError(f"{where}: duplicate name {name!r}")
        out.append(item)
    return tuple(out)


@functools.lru_cache(maxsize=1)
def _shipped_inputs() -> tuple[SupplyInput, ...]:
    return _parse_inputs(_data.read_csv(None, "supply_chain_inputs.csv", columns=SUPPLY_INPUT_COLUMNS))


def load_supply_inputs(path: str | Path | None = None) -> tuple[SupplyInput, ...]:
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
        source, a non-numeric or out-of-range number, or a duplicate name.
    """
    if path is None:
        return _shipped_inputs()
    return _parse_inputs(_data.read_csv(path, "supply_chain_inputs.csv", columns=SUPPLY_INPUT_COLUMNS))


#: The default inputs: CoWoS packaging, HBM stacks, leading-edge logic wafers (2024 Q1; sources in the CSV).
DEFAULT_INPUTS: tuple[SupplyInput, ...] = load_supply_inputs()


def _check_inputs(inputs) -> tuple[SupplyInput, ...]:
    inputs = tuple(inputs)
    if not inputs:
        raise ValueError("inputs must hold at least one SupplyInput, got none")
    for x in inputs:
        if not isinstance(x, SupplyInput):
            raise ValueError(f"inputs must be SupplyInput objects, got {type(x).__name__}")
    return inputs


def input_capacity_accelerators(inputs, quarters: ArrayLike) -> np.ndarray:
    """Accelerator-equivalents each input allows in each quarter, shape (n_inputs, n_quarters).

    ``capacity * frac_to_accelerators * accelerators_per_unit * growth_per_year ** (q / 4)``.

    Parameters
    ----------
    inputs : sequence of SupplyInput
    quarters : array_like
        Quarters from quarter 0 (2024 Q1), >= 0; fractions allowed.

    References
    ----------
    Sevilla et al. 2024, "Can AI scaling continue through 2030?" (Epoch AI),
    chip-manufacturing section (inputs and growth); capacities per row of
    ``data/supply_chain_inputs.csv``.
    """
    inputs = _check_inputs(inputs)
    q = np.atleast_1d(non_negative("quarters", quarters, "quarters"))
    if q.ndim != 1:
        raise ValueError(f"quarters must be a number or a 1-d array, got shape {q.shape}")
    base = np.array([x.accelerators_per_quarter for x in inputs])[:, None]
    growth = np.array([x.growth_per_year for x in inputs])[:, None]
    return base * growth ** (q[None, :] / 4.0)


@dataclass(frozen=True)
class BindingChange:
    """The binding input changes between two quarters."""

    quarter: float  # first quarter in which ``to_name`` binds
    from_name: str
    to_name: str


@dataclass(frozen=True)
class Deliveries:
    """Result of :func:`deliveries`: what each input allows and the minimum.

    Attributes
    ----------
    quarters : ndarray, shape (n,)
        Quarters from 2024 Q1.
    names : tuple of str
        Input names, in the order of the rows of ``per_input``.
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


def binding_changes(quarters: ArrayLike, binding_index: ArrayLike, names) -> tuple[BindingChange, ...]:
    """Quarters where the binding input changes, from an argmin index per quarter."""
    q = np.atleast_1d(np.asarray(quarters, dtype=float))
    idx = np.atleast_1d(np.asarray(binding_index, dtype=int))
    at = np.flatnonzero(idx[1:] != idx[:-1]) + 1
    return tuple(BindingChange(float(q[i]), names[idx[i - 1]], names[idx[i]]) for i in at)


def deliveries(inputs=DEFAULT_INPUTS, quarters: ArrayLike = np.arange(24)) -> Deliveries:
    """Accelerators deliverable per quarter: the minimum over inputs, and which input binds.

    Parameters
    ----------
    inputs : sequence of SupplyInput
        Default :data:`DEFAULT_INPUTS`.
    quarters : array_like
        Quarters from 2024 Q1 (>= 0); default 0..23 (2024-2029).

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
    per_input = input_capacity_accelerators(inputs, quarters)
    q = np.atleast_1d(np.asarray(quarters, dtype=float))
    names = tuple(x.name for x in inputs)
    idx = np.argmin(per_input, axis=0)
    return Deliveries(
        quarters=q, names=names, per_input=per_input,
        accelerators_per_quarter=per_input[idx, np.arange(q.size)],
        binding_index=idx, binding_name=tuple(names[i] for i in idx),
        binding_changes=binding_changes(q, idx, names),
    )


def accelerators_in_year(inputs, year: int) -> float:
    """Accelerators deliverable in a calendar year: the sum over its four quarters.

    Parameters
    ----------
    inputs : sequence of SupplyInput
    year : int
        Calendar year, >= :data:`BASE_YEAR`.
    """
    in_range("year", year, BASE_YEAR, 2100)
    if year != int(year):
        raise ValueError(f"year must be a whole calendar year, got {year!r}")
    q0 = 4 * (int(year) - BASE_YEAR)
    return float(deliveries(inputs, np.arange(q0, q0 + 4)).accelerators_per_quarter.sum())


def quarter_label(quarter: float) -> str:
    """Quarter index -> calendar label: 0 -> "2024 Q1", 5 -> "2025 Q2"."""
    q = int(math.floor(float(as_float_array("quarter", quarter))))
    return f"{BASE_YEAR + q // 4} Q{q % 4 + 1}"


def get_input(inputs, name: str) -> SupplyInput:
    """The input called ``name``; ``ValueError`` listing the names otherwise."""
    inputs = _check_inputs(inputs)
    for x in inputs:
        if x.name == name:
            return x
    raise ValueError(f"name must be one of {[x.name for x in inputs]}, got {name!r}")


def replace_input(inputs, name: str, **changes) -> tuple[SupplyInput, ...]:
    """A copy of ``inputs`` with fields of the input ``name`` replaced (validated again).

    Example: ``replace_input(DEFAULT_INPUTS, "CoWoS packaging", growth_per_year=1.6)``.
    """
    get_input(inputs, name)  # raises on an unknown name
    return tuple(dataclasses.replace(x, **changes) if x.name == name else x for x in inputs)


def scale_capacity(inputs, name: str, factor: float) -> tuple[SupplyInput, ...]:
    """A copy of ``inputs`` with the capacity of input ``name`` multiplied by ``factor`` (>= 0)."""
    f = float(non_negative("factor", factor))
    return replace_input(inputs, name, capacity_units_per_quarter=get_input(inputs, name).capacity_units_per_quarter * f)
