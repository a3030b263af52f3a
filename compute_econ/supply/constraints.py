"""The largest training run the world can support by year: power, chips, data and latency.

After Sevilla et al. 2024, "Can AI scaling continue through 2030?" (Epoch AI).
Each constraint gives the largest training run (FLOP) it allows in a year; the
binding constraint is the smallest:

* power: US data-centre capacity grows, non-AI demand grows more slowly, the
  difference is AI capacity; the largest run gets a fraction of it, and FLOP/s
  per watt improves every year (:func:`power_limited_flop`);
* chip production: the stock of H100-equivalents, today's stock plus production
  that grows in number of chips and in FLOP/s per chip (:func:`chip_limited_flop`);
* data: the stock of text, grown every year, times a multimodal multiplier,
  quality and epochs, turned into FLOP by Chinchilla scaling (20 tokens per
  parameter, C = 6·N·D) (:func:`data_limited_flop`);
* latency: every batch must pass every layer forward and backward, one after
  another, so a run of ``run_seconds`` sees at most
  ``run_seconds / (latency_per_layer · layers)`` batches (:func:`latency_limited_flop`).

:func:`largest_run_by_year` evaluates all four for a scenario
(:class:`ConstraintScenario`; default :data:`SEVILLA_2024`, the paper's medians
and 10th/90th percentiles, read from ``data/scaling_constraints_parameters.csv``
with a source per row) with a low-central-high band, and names the binding
constraint each year. :data:`SEVILLA_2024_PUBLISHED_2030` holds the paper's own
2030 figures (``data/scaling_constraints_2030.csv``) for comparison. For one
site's power as a ceiling, see :mod:`compute_econ.supply.ceiling`.

Simplifications (the paper runs a Monte Carlo over ~40 correlated inputs; we do not):

* *central* = the model at every input's median. The paper reports the median
  of its Monte Carlo output; for the data constraint this differs from the
  model at median inputs, so we use the paper's own summary for the median
  multimodal gain ("plausibly tripling") instead of tokens-per-image figures.
* *low/high* (10th/90th percentile) are propagated in log space: each input is
  moved to its 10th and 90th percentile one at a time, and the log changes of
  the output are added in quadrature (exact for a product of independent
  log-normal inputs). The paper's correlations (Appendix A, Table 1) are ignored.
* power: no single-campus branch and no inter-data-centre bandwidth cap (the
  paper takes the maximum with a 1-5 GW campus, then the minimum with a
  bandwidth limit of 3e29-2e31 FLOP; neither changes the median much). Use
  :func:`run_flop_for_power` for a campus.
* chips: no cap from TSMC's leading-edge wafer output (the paper: "this limit
  does not have a significant effect by 2030", Appendix A).
* latency: the intranode latency per layer (8 x 13.7 µs) with a fixed 60M-token
  batch, constant over years. The paper's Appendix E adds internode latency
  that grows with the cluster (pulls the wall in) and batch sizes that grow with
  the model (push it out); the two roughly offset at the median.

References
----------
Sevilla, Besiroglu, Cottier, You, Roldán, Villalobos, Erdil 2024, "Can AI
scaling continue through 2030?", Epoch AI,
https://epoch.ai/blog/can-ai-scaling-continue-through-2030 (sections Power
constraints, Chip manufacturing capacity, Data scarcity, Latency wall; parameter
tables under Figures 3-7; Appendices A, B, E).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from compute_econ import _data
from compute_econ._records import ArrayRecord
from compute_econ._validate import (
    GROWTH_FACTOR_RANGE,
    YEAR_RANGE,
    FloatOrArray,
    array,
    broadcast,
    instance,
    integer,
    non_negative,
    scalar,
    scalar_or_array,
    text,
)
from compute_econ.scaling import FLOP_PER_PARAM_PER_TRAINING_TOKEN

__all__ = [
    "CONSTRAINTS",
    "CHINCHILLA_TOKENS_PER_PARAM",
    "ConstraintScenario",
    "SEVILLA_2024",
    "PARAMETER_SOURCES",
    "ai_dc_power_watts",
    "run_flop_for_power",
    "power_limited_flop",
    "chip_limited_flop",
    "data_limited_flop",
    "latency_limited_flop",
    "LargestRunByYear",
    "largest_run_by_year",
    "PublishedConstraint",
    "SEVILLA_2024_PUBLISHED_2030",
]

_PAPER = "Sevilla et al. 2024, 'Can AI scaling continue through 2030?', Epoch AI"

#: The constraints, in the paper's order (which is also the order in which they bind by 2030).
CONSTRAINTS: tuple[str, ...] = ("power", "chip_production", "data", "latency")

#: Training tokens per parameter of a compute-optimal model (Chinchilla rule), used
#: by the paper to turn tokens into FLOP (Appendix A, Appendix E; Hoffmann et al. 2022).
CHINCHILLA_TOKENS_PER_PARAM = 20.0

#: Years a scenario projects beyond its base year.
_HORIZON_YEARS = 50

_INF = math.inf
_POSITIVE = (0.0, _INF, True, False)
_FRACTION = (0.0, 1.0, True, False)
_GROWTH = (GROWTH_FACTOR_RANGE[0], GROWTH_FACTOR_RANGE[1], False, False)

#: The domain of every numeric scenario parameter: (low, high, low open, high open, unit).
#: Growth factors share the kit's domain (compute_econ._validate.GROWTH_FACTOR_RANGE).
_DOMAINS: Mapping[str, tuple[float, float, bool, bool, str]] = MappingProxyType({
    "run_seconds": (*_POSITIVE, "s"),
    "mfu": (*_FRACTION, ""),
    "peak_flop_per_s": (*_POSITIVE, "FLOP/s"),
    "frac_largest_run": (*_FRACTION, ""),
    "dc_power_watts": (*_POSITIVE, "W"),
    "ai_dc_power_watts": (*_POSITIVE, "W"),  # and below dc_power_watts (checked in ConstraintScenario)
    "dc_power_growth_per_year": (*_GROWTH, "x per year"),
    "non_ai_dc_power_growth_per_year": (*_GROWTH, "x per year"),
    "all_in_watts_per_gpu": (*_POSITIVE, "W"),
    "power_efficiency_growth_per_year": (*_GROWTH, "x per year"),
    "gpu_stock_h100e": (*_POSITIVE, "H100-equivalents"),
    "gpu_production_h100e_per_year": (*_POSITIVE, "H100-equivalents per year"),
    "gpu_production_growth_per_year": (*_GROWTH, "x per year"),
    "gpu_perf_growth_per_year": (*_GROWTH, "x per year"),
    "text_tokens": (*_POSITIVE, "tokens"),
    "data_stock_growth_per_year": (*_GROWTH, "x per year"),
    "multimodal_multiplier": (1.0, _INF, False, False, "x"),
    "data_epochs": (*_POSITIVE, "epochs"),
    "frac_data_quality": (*_FRACTION, ""),
    "latency_per_layer_s": (*_POSITIVE, "s"),
    "batch_tokens": (*_POSITIVE, "tokens"),
    "layers_coef": (*_POSITIVE, ""),
    "layers_exponent": (0.0, 1.0, False, False, ""),
    "trend_base_flop": (*_POSITIVE, "FLOP"),
    "trend_growth_per_year": (*_GROWTH, "x per year"),
})


def _domain_text(name: str) -> str:
    lo, hi, lo_open, hi_open, unit = _DOMAINS[name]
    return f"{'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open or hi == _INF else ']'}" + (f" {unit}" if unit else "")


def _in_domain(label: str, name: str, value: Any) -> float:
    lo, hi, lo_open, hi_open, unit = _DOMAINS[name]
    return scalar(label, value, lo, hi, low_open=lo_open, high_open=hi_open, unit=unit)



# --------------------------------------------------------------------------- the parameter table
class _Parameter(NamedTuple):
    unit: str
    low: float | None
    central: float
    high: float | None
    source: str
    note: str


_PARAMETERS_CSV = "scaling_constraints_parameters.csv"


def _load_parameters(path: str | os.PathLike[str] | None = None) -> Mapping[str, _Parameter]:
    """The paper's medians and 10th/90th percentiles, one row per scenario parameter, each with its source.

    Read once, at import (``path=None``: the shipped ``data/scaling_constraints_parameters.csv``);
    errors name the file, the line, the parameter and the column.
    """
    table = _data.read_csv(path, _PARAMETERS_CSV, required=("parameter", "unit", "low", "central", "high", "note"),
                           source_column="source")
    names = ("base_year", *_DOMAINS)
    out: dict[str, _Parameter] = {}
    for row in table:
        name = row.text("parameter")
        where = table.where(row, name)
        if name not in names:
            raise ValueError(f"{where}: not a scenario parameter; the parameters are {', '.join(names)}")
        if name in out:
            raise ValueError(f"{where}: {name} is listed twice")
        central = _data.number(row.text("central"), where, "central", required=True, low=-_INF)
        low_raw, high_raw = row.text("low"), row.text("high")
        if bool(low_raw) != bool(high_raw):
            raise ValueError(f"{where}: give both low and high (10th and 90th percentile) or neither")
        low = _data.number(low_raw, where, "low", required=True, low=-_INF) if low_raw else None
        high = _data.number(high_raw, where, "high", required=True, low=-_INF) if high_raw else None
        if name == "base_year":
            integer(f"{where}: column 'central'", central, *YEAR_RANGE)
        else:
            for column, value in (("low", low), ("central", central), ("high", high)):
                if value is not None:
                    _in_domain(f"{where}: column {column!r}", name, value)
        out[name] = _Parameter(row.text("unit"), low, central, high, row.text("source"), row.text("note"))
    missing = [n for n in names if n not in out]
    if missing:
        raise ValueError(f"{table.label}: no row for {', '.join(missing)}")
    return MappingProxyType(out)


_TABLE = _load_parameters()

#: Where each :class:`ConstraintScenario` default comes from (``data/scaling_constraints_parameters.csv``:
#: the source of the median and the 10th/90th percentiles, then the row's note).
PARAMETER_SOURCES: Mapping[str, str] = MappingProxyType({
    name: row.source + (f" ({row.note})" if row.note else "") for name, row in _TABLE.items()
})

#: The run the historical trend starts from (Sevilla et al. 2024, note 10; the table's trend_base_flop).
_TREND_BASE_RUN = "Llama 3.1 405B"


class _Ranges(Mapping[str, tuple[float, float]]):
    """An immutable mapping of parameter name to (10th, 90th) percentile, hashable and copyable.

    Built only from pairs already checked against their parameters' domains (by
    :class:`ConstraintScenario` or :meth:`ConstraintScenario.with_medians`).
    """

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, tuple[float, float]]) -> None:
        self._items = dict(items)

    def __getitem__(self, key: str) -> tuple[float, float]:
        return self._items[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._items.get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(tuple(self._items.items()))

    def __repr__(self) -> str:
        return f"{self._items!r}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self._items,))


_DEFAULT_RANGES = _Ranges({
    name: (row.low, row.high) for name, row in _TABLE.items() if row.low is not None and row.high is not None
})


def _short(value: Any) -> str:
    out = repr(value)
    return out if len(out) <= 80 else out[:77] + "..."


@dataclass(frozen=True)
class ConstraintScenario:
    """The inputs of the four constraints: medians as fields, 10th/90th percentiles in ``ranges``.

    Every default is the paper's median, read from ``data/scaling_constraints_parameters.csv``
    (sources in :data:`PARAMETER_SOURCES`). ``ranges`` maps a field name to its (10th, 90th)
    percentile, with ``low <= median <= high``; fields not in it are held fixed when the
    low/high band is computed. For what-ifs use :meth:`with_medians`, which moves each
    range with its median (``SEVILLA_2024.with_medians(dc_power_growth_per_year=1.4)``);
    :func:`dataclasses.replace` works too when the new median stays inside its range.

    Attributes
    ----------
    base_year : int
        Year of the current-capacity inputs (start of 2024); the model projects 50 years on.
    run_seconds : float
        Length of the largest run, s, > 0.
    mfu : float
        Utilisation of peak FLOP/s, in (0, 1].
    peak_flop_per_s : float
        Peak FLOP/s of one H100-equivalent at the training precision (FP8) in the base year, > 0.
    frac_largest_run : float
        Share of AI power and of the chip stock one lab can put into its largest run, in (0, 1].
    dc_power_watts : float
        US data-centre capacity in the base year, W (incl. PUE), > 0.
    ai_dc_power_watts : float
        The AI part of it, W, in (0, dc_power_watts).
    dc_power_growth_per_year, non_ai_dc_power_growth_per_year : float
        Growth factors per year, in [0.01, 100]; non-AI growth is capped at the total's.
    all_in_watts_per_gpu : float
        Installed power per H100-equivalent incl. servers, network and PUE, W, > 0.
    power_efficiency_growth_per_year : float
        Growth of peak FLOP/s per W, per year, in [0.01, 100].
    gpu_stock_h100e : float
        H100-equivalents in the world in the base year, > 0.
    gpu_production_h100e_per_year : float
        Production rate in the base year, H100-equivalents per year, > 0.
    gpu_production_growth_per_year, gpu_perf_growth_per_year : float
        Growth of chips produced (count) and of FLOP/s per chip, per year, in [0.01, 100].
    text_tokens : float
        Stock of usable internet text in the base year, tokens, > 0.
    data_stock_growth_per_year : float
        Growth of the data stock, per year, in [0.01, 100].
    multimodal_multiplier : float
        Effective data (text + images + video + audio) / text, >= 1.
    data_epochs : float
        Passes over the data, > 0.
    frac_data_quality : float
        Share of the stock good enough to train on, in (0, 1].
    latency_per_layer_s : float
        Minimum time for one layer, forward and backward, per batch, s, > 0.
    batch_tokens : float
        Largest useful batch, tokens, > 0.
    layers_coef, layers_exponent : float
        Depth of a model of N parameters: L = layers_coef x N^layers_exponent (coefficient > 0,
        exponent in [0, 1]).
    trend_base_flop, trend_growth_per_year : float
        The historical trend, for comparison: largest run in the base year (FLOP) and its growth per year.
    trend_base_run : str
        The run the trend starts from (Llama 3.1 405B, 3.8e25 FLOP, in the paper's note 10).
    ranges : Mapping[str, tuple[float, float]]
        (10th, 90th) percentile per uncertain field, each within the field's domain and
        around its median.
    source : str

    References
    ----------
    Sevilla et al. 2024, parameter tables under Figures 3-7; Appendix A (model) and B (fraction for the largest run).
    """

    base_year: int = int(_TABLE["base_year"].central)
    # shared by the power and chip constraints (duration also by latency)
    run_seconds: float = _TABLE["run_seconds"].central
    mfu: float = _TABLE["mfu"].central
    peak_flop_per_s: float = _TABLE["peak_flop_per_s"].central
    frac_largest_run: float = _TABLE["frac_largest_run"].central
    # power
    dc_power_watts: float = _TABLE["dc_power_watts"].central
    ai_dc_power_watts: float = _TABLE["ai_dc_power_watts"].central
    dc_power_growth_per_year: float = _TABLE["dc_power_growth_per_year"].central
    non_ai_dc_power_growth_per_year: float = _TABLE["non_ai_dc_power_growth_per_year"].central
    all_in_watts_per_gpu: float = _TABLE["all_in_watts_per_gpu"].central
    power_efficiency_growth_per_year: float = _TABLE["power_efficiency_growth_per_year"].central
    # chip production
    gpu_stock_h100e: float = _TABLE["gpu_stock_h100e"].central
    gpu_production_h100e_per_year: float = _TABLE["gpu_production_h100e_per_year"].central
    gpu_production_growth_per_year: float = _TABLE["gpu_production_growth_per_year"].central
    gpu_perf_growth_per_year: float = _TABLE["gpu_perf_growth_per_year"].central
    # data
    text_tokens: float = _TABLE["text_tokens"].central
    data_stock_growth_per_year: float = _TABLE["data_stock_growth_per_year"].central
    multimodal_multiplier: float = _TABLE["multimodal_multiplier"].central
    data_epochs: float = _TABLE["data_epochs"].central
    frac_data_quality: float = _TABLE["frac_data_quality"].central
    # latency
    latency_per_layer_s: float = _TABLE["latency_per_layer_s"].central
    batch_tokens: float = _TABLE["batch_tokens"].central
    layers_coef: float = _TABLE["layers_coef"].central
    layers_exponent: float = _TABLE["layers_exponent"].central
    # the historical trend, for comparison
    trend_base_flop: float = _TABLE["trend_base_flop"].central
    trend_growth_per_year: float = _TABLE["trend_growth_per_year"].central
    trend_base_run: str = _TREND_BASE_RUN
    ranges: Mapping[str, tuple[float, float]] = field(default=_DEFAULT_RANGES, repr=False)
    source: str = _PAPER + ", parameter tables under Figures 3-7 (medians; 10th/90th percentiles in ranges)"

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(self, "base_year", integer("base_year", self.base_year, *YEAR_RANGE))
        for name in _DOMAINS:
            put(self, name, _in_domain(name, name, getattr(self, name)))
        if not self.ai_dc_power_watts < self.dc_power_watts:
            raise ValueError(f"ai_dc_power_watts must be in (0, dc_power_watts = {self.dc_power_watts:g}) W "
                             f"(the AI part of all data centres), got {self.ai_dc_power_watts!r}")
        put(self, "ranges", self._valid_ranges(self.ranges))
        put(self, "trend_base_run", text("trend_base_run", self.trend_base_run))
        put(self, "source", text("source", self.source))

    def _valid_ranges(self, ranges: Any) -> _Ranges:
        if isinstance(ranges, _Ranges):  # built from pairs already checked against their domains
            out = dict(ranges.items())
            for name, (low, high) in out.items():
                self._check_holds_median(name, low, high)
            return self._check_ai_below_dc(ranges)
        if not isinstance(ranges, Mapping):
            raise ValueError("ranges must be a mapping of parameter name to its (10th, 90th) percentile, "
                             f"e.g. {{'mfu': (0.2, 0.6)}}; got {_short(ranges)}")
        out = {}
        for name, bounds in ranges.items():
            if not isinstance(name, str) or name not in _DOMAINS:
                raise ValueError(f"ranges: {name!r} is not a scenario parameter; valid names: {', '.join(_DOMAINS)}")
            label = f"ranges[{name!r}]"
            if isinstance(bounds, np.ndarray):
                bounds = tuple(bounds.tolist()) if bounds.ndim == 1 else bounds
            if not isinstance(bounds, (tuple, list)) or len(bounds) != 2:
                raise ValueError(f"{label} must be a pair (10th, 90th percentile) of numbers in "
                                 f"{_domain_text(name)}, got {_short(bounds)}")
            low = _in_domain(f"{label} low (10th percentile)", name, bounds[0])
            high = _in_domain(f"{label} high (90th percentile)", name, bounds[1])
            self._check_holds_median(name, low, high)
            out[name] = (low, high)
        return self._check_ai_below_dc(_Ranges(out))

    def _check_holds_median(self, name: str, low: float, high: float) -> None:
        median = getattr(self, name)
        if not low <= median <= high:
            raise ValueError(f"ranges[{name!r}] = ({low:g}, {high:g}) must hold the median {name} = {median:g} "
                             f"(low <= {name} <= high, each in {_domain_text(name)}); to move a median with "
                             f"its range use ConstraintScenario.with_medians({name}=...)")

    def _check_ai_below_dc(self, ranges: _Ranges) -> _Ranges:
        ai_high = ranges.get("ai_dc_power_watts", (0.0, self.ai_dc_power_watts))[1]
        dc_low = ranges.get("dc_power_watts", (self.dc_power_watts, 0.0))[0]
        if not ai_high < dc_low:
            raise ValueError(f"ranges: ai_dc_power_watts (up to {ai_high:g} W) must stay below dc_power_watts "
                             f"(down to {dc_low:g} W): the AI part of all data centres")
        return ranges

    def with_medians(self, **medians: float) -> ConstraintScenario:
        """A copy with these medians, each range moved with its median.

        The 10th and 90th percentiles keep their ratio to the median (so the band keeps
        its width in log space), clipped to the parameter's domain; parameters without
        a range are simply set.

        Parameters
        ----------
        **medians : float
            New medians by field name, e.g. ``dc_power_growth_per_year=1.4``.

        Returns
        -------
        ConstraintScenario

        Examples
        --------
        >>> fast = SEVILLA_2024.with_medians(dc_power_growth_per_year=1.38)
        >>> [round(x, 2) for x in fast.ranges["dc_power_growth_per_year"]]
        [1.32, 1.58]
        """
        ranges = dict(self.ranges)
        values: dict[str, float] = {}
        for name, value in medians.items():
            if name not in _DOMAINS:
                raise ValueError(f"{name} is not a scenario parameter with a median; valid names: {', '.join(_DOMAINS)}")
            x = _in_domain(name, name, value)
            values[name] = x
            if name in ranges:
                lo, hi, _, _, _ = _DOMAINS[name]
                old = getattr(self, name)
                low, high = ranges[name]
                if old > 0:
                    low, high = low * (x / old), high * (x / old)
                else:
                    low, high = low + x - old, high + x - old
                ranges[name] = (_in_domain(name, name, min(max(low, lo), x)), _in_domain(name, name, max(min(high, hi), x)))
        changes: dict[str, Any] = {**values, "ranges": _Ranges(ranges)}
        return dataclasses.replace(self, **changes)

    def _params(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in _DOMAINS}


def _published_scenario() -> ConstraintScenario:
    try:
        return ConstraintScenario()
    except ValueError as exc:
        raise ValueError(f"{_PARAMETERS_CSV}: {exc}") from None


#: The paper's medians and 80% intervals (Sevilla et al. 2024), from ``data/scaling_constraints_parameters.csv``.
SEVILLA_2024 = _published_scenario()


# --------------------------------------------------------------------------- the four models
def _years_since_base(years: ArrayLike, scenario: ConstraintScenario) -> np.ndarray:
    high = min(scenario.base_year + _HORIZON_YEARS, YEAR_RANGE[1])
    return array("years", years, scenario.base_year, high) - scenario.base_year


def _grown(growth: Any, t: np.ndarray) -> np.ndarray:
    """1 + g + g^2 + ... + g^(t-1): what a flow growing by g per year adds up to in t years."""
    g = np.asarray(growth, dtype=float)
    near_one = np.abs(g - 1.0) < 1e-12
    safe = np.where(near_one, 2.0, g)
    return np.where(near_one, t, np.expm1(t * np.log(safe)) / (safe - 1.0))


def _ai_watts(t: np.ndarray, p: Mapping[str, Any]) -> np.ndarray:
    g_all = p["dc_power_growth_per_year"]
    g_non_ai = np.minimum(p["non_ai_dc_power_growth_per_year"], g_all)
    return p["dc_power_watts"] * g_all**t - (p["dc_power_watts"] - p["ai_dc_power_watts"]) * g_non_ai**t


def _run_flop_per_watt(t: np.ndarray, p: Mapping[str, Any]) -> np.ndarray:
    """FLOP one watt of installed power delivers over the run, in year base + t."""
    flop_per_s_per_watt = p["peak_flop_per_s"] / p["all_in_watts_per_gpu"] * p["power_efficiency_growth_per_year"] ** t
    return flop_per_s_per_watt * p["mfu"] * p["run_seconds"]


def _power_flop(t: np.ndarray, p: Mapping[str, Any]) -> np.ndarray:
    return p["frac_largest_run"] * _ai_watts(t, p) * _run_flop_per_watt(t, p)


def _chip_flop(t: np.ndarray, p: Mapping[str, Any]) -> np.ndarray:
    growth_h100e = p["gpu_production_growth_per_year"] * p["gpu_perf_growth_per_year"]
    stock_h100e = p["gpu_stock_h100e"] + p["gpu_production_h100e_per_year"] * _grown(growth_h100e, t)
    return p["frac_largest_run"] * stock_h100e * p["peak_flop_per_s"] * p["mfu"] * p["run_seconds"]


def _chinchilla_flop(D: Any) -> Any:
    """C = 6 N D with N = D / 20 (compute_econ.scaling.training_flop at the Chinchilla ratio)."""
    return FLOP_PER_PARAM_PER_TRAINING_TOKEN * (D / CHINCHILLA_TOKENS_PER_PARAM) * D


def _data_flop(t: np.ndarray, p: Mapping[str, Any]) -> np.ndarray:
    D = (
        p["text_tokens"] * p["data_stock_growth_per_year"] ** t
        * p["multimodal_multiplier"] * p["frac_data_quality"] * p["data_epochs"]
    )
    return np.asarray(_chinchilla_flop(D))


def _latency_flop(t: np.ndarray, p: Mapping[str, Any]) -> np.ndarray:
    # run_seconds = latency_per_layer * layers_coef * N**a * (20 N / batch)  ->  solve for N
    a = p["layers_exponent"]
    N = (p["run_seconds"] * p["batch_tokens"]
         / (CHINCHILLA_TOKENS_PER_PARAM * p["latency_per_layer_s"] * p["layers_coef"])) ** (1.0 / (1.0 + a))
    C = np.asarray(_chinchilla_flop(CHINCHILLA_TOKENS_PER_PARAM * N))
    return np.broadcast_to(C, np.broadcast_shapes(C.shape, np.shape(t)))


_MODELS: Mapping[str, Callable[[np.ndarray, Mapping[str, Any]], np.ndarray]] = MappingProxyType({
    "power": _power_flop,
    "chip_production": _chip_flop,
    "data": _data_flop,
    "latency": _latency_flop,
})

#: The scenario fields each constraint depends on (all it reads; the ones with a range are moved for its band).
_INPUTS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "power": ("run_seconds", "mfu", "peak_flop_per_s", "frac_largest_run", "dc_power_watts", "ai_dc_power_watts",
              "dc_power_growth_per_year", "non_ai_dc_power_growth_per_year", "all_in_watts_per_gpu",
              "power_efficiency_growth_per_year"),
    "chip_production": ("run_seconds", "mfu", "peak_flop_per_s", "frac_largest_run", "gpu_stock_h100e",
                        "gpu_production_h100e_per_year", "gpu_production_growth_per_year", "gpu_perf_growth_per_year"),
    "data": ("text_tokens", "data_stock_growth_per_year", "multimodal_multiplier", "data_epochs", "frac_data_quality"),
    "latency": ("run_seconds", "latency_per_layer_s", "batch_tokens", "layers_coef", "layers_exponent"),
})


def _outside(what: str, inputs: str) -> ValueError:
    return ValueError(f"{what} is not a finite positive number for these inputs: they are outside the model's range "
                      f"(check {inputs})")


def _checked(values: np.ndarray, what: str, inputs: str, *, allow_zero: bool = False) -> np.ndarray:
    ok = np.isfinite(values).all() and ((values >= 0) if allow_zero else (values > 0)).all()
    if not ok:
        raise _outside(what, inputs)
    return values


def _constraint_flop(name: str, years: ArrayLike, scenario: ConstraintScenario) -> FloatOrArray:
    instance("scenario", scenario, ConstraintScenario)
    t = _years_since_base(years, scenario)
    with np.errstate(all="ignore"):
        flop = np.broadcast_to(_MODELS[name](t, scenario._params()), t.shape)
    return scalar_or_array(_checked(np.array(flop), f"the {name}-limited run (FLOP)", "years and scenario"))


def ai_dc_power_watts(years: ArrayLike, scenario: ConstraintScenario = SEVILLA_2024) -> FloatOrArray:
    """US AI data-centre power capacity (W) in ``years``: all data centres minus non-AI ones.

    .. math:: P_\\text{AI}(t) = P_\\text{DC}\\, g_\\text{DC}^t - (P_\\text{DC} - P_\\text{AI,0})\\, g_\\text{non-AI}^t

    The largest run gets ``scenario.frac_largest_run`` of it.

    Parameters
    ----------
    years : array_like
        Calendar years, from ``scenario.base_year`` to 50 years later.
    scenario : ConstraintScenario
        Default :data:`SEVILLA_2024`.

    Returns
    -------
    float or numpy.ndarray
        W (incl. PUE).

    References
    ----------
    Sevilla et al. 2024, section Power constraints for geographically distributed training (40 GW -> 90 GW
    by 2030 at 15%/year, non-AI 37 GW -> 60 GW at 8%/year, leaving ~30 GW for AI; 26% of it ~ 8 GW for one run).

    Examples
    --------
    >>> round(ai_dc_power_watts(2030) / 1e9)  # GW
    34
    """
    instance("scenario", scenario, ConstraintScenario)
    t = _years_since_base(years, scenario)
    with np.errstate(all="ignore"):
        watts = np.asarray(_ai_watts(t, scenario._params()))
    return scalar_or_array(_checked(watts, "the AI data-centre power (W)", "years and scenario"))


def run_flop_for_power(
    power_watts: ArrayLike, years: ArrayLike, scenario: ConstraintScenario = SEVILLA_2024
) -> FloatOrArray:
    """Largest run (FLOP) that ``power_watts`` of installed power allows in ``years``, with the
    scenario's chips (FLOP/s per watt improving every year), utilisation and run length.

    .. math:: C = P \\cdot \\frac{F_\\text{peak}}{W_\\text{GPU}}\\, e^{t} \\cdot \\text{MFU} \\cdot T

    Use it for a single campus (the paper's 1-5 GW by 2030).

    Parameters
    ----------
    power_watts : array_like
        Installed power incl. servers and PUE, W, >= 0.
    years, scenario
        As in :func:`power_limited_flop`.

    Returns
    -------
    float or numpy.ndarray
        FLOP the power delivers over one run of ``scenario.run_seconds``.

    References
    ----------
    Sevilla et al. 2024, section Power constraints for geographically localized training (1-5 GW
    campuses -> 1e28-3e29 FLOP; note 25).

    Examples
    --------
    >>> f"{run_flop_for_power(5e9, 2030):.1e}"  # a 5 GW campus in 2030
    '1.5e+29'
    """
    P = non_negative("power_watts", power_watts, "W")
    instance("scenario", scenario, ConstraintScenario)
    t = _years_since_base(years, scenario)
    P, t = broadcast({"power_watts": P, "years": t})
    with np.errstate(all="ignore"):
        flop = np.asarray(P * _run_flop_per_watt(t, scenario._params()))
    return scalar_or_array(_checked(flop, "the run (FLOP)", "power_watts, years and scenario", allow_zero=True))


def power_limited_flop(years: ArrayLike, scenario: ConstraintScenario = SEVILLA_2024) -> FloatOrArray:
    """Largest run (FLOP) the power for AI data centres allows in ``years`` (medians of ``scenario``).

    .. math::

        P_\\text{AI}(t) = P_\\text{DC} g_\\text{DC}^t - (P_\\text{DC} - P_\\text{AI,0})\\, g_\\text{non-AI}^t, \\qquad
        C = f_\\text{run} P_\\text{AI}(t) \\cdot \\frac{F_\\text{peak}}{W_\\text{GPU}} e^t \\cdot \\text{MFU} \\cdot T

    with t = years - base_year and e the growth of FLOP/s per W.

    Parameters
    ----------
    years : array_like
        Calendar years, from ``scenario.base_year`` to 50 years later (fractions allowed).
    scenario : ConstraintScenario
        Default :data:`SEVILLA_2024`.

    Returns
    -------
    float or numpy.ndarray
        FLOP.

    References
    ----------
    Sevilla et al. 2024, section Power constraints for geographically distributed training
    (40 -> 90 GW, 30 GW for AI, 26% -> ~8 GW for one run) and Appendix A.

    Examples
    --------
    >>> f"{power_limited_flop(2030):.1e}"
    '2.7e+29'
    """
    return _constraint_flop("power", years, scenario)


def chip_limited_flop(years: ArrayLike, scenario: ConstraintScenario = SEVILLA_2024) -> FloatOrArray:
    """Largest run (FLOP) the stock of AI chips allows in ``years`` (medians of ``scenario``).

    .. math::

        S(t) = S_0 + Q_0 \\frac{G^t - 1}{G - 1},\\ G = g_\\text{chips} g_\\text{perf}, \\qquad
        C = f_\\text{run} S(t) \\cdot F_\\text{peak} \\cdot \\text{MFU} \\cdot T

    S in H100-equivalents; production in year k after the base year is Q_0 G^k.

    Parameters and return value as in :func:`power_limited_flop`.

    References
    ----------
    Sevilla et al. 2024, section Chip manufacturing capacity (GPU production +30-100% per year with
    CoWoS and HBM; 100M H100-equivalents -> 9e29 FLOP) and Appendix A.
    """
    return _constraint_flop("chip_production", years, scenario)


def data_limited_flop(years: ArrayLike, scenario: ConstraintScenario = SEVILLA_2024) -> FloatOrArray:
    """Largest compute-optimal run (FLOP) the stock of training data allows in ``years``.

    .. math::

        D(t) = D_\\text{text} g^t \\cdot m_\\text{multimodal} \\cdot f_\\text{quality} \\cdot \\text{epochs}, \\qquad
        C = 6 \\cdot \\frac{D}{20} \\cdot D

    Parameters and return value as in :func:`power_limited_flop`.

    References
    ----------
    Sevilla et al. 2024, section Data scarcity (500T tokens, +50% by 2030, multimodal "plausibly tripling";
    note 74: the quality and epoch factors cancel at the median) and Appendix A (20 tokens per parameter, C = 6ND).
    """
    return _constraint_flop("data", years, scenario)


def latency_limited_flop(years: ArrayLike, scenario: ConstraintScenario = SEVILLA_2024) -> FloatOrArray:
    """Largest compute-optimal run (FLOP) the latency wall allows: constant over ``years`` in this model.

    .. math::

        T = t_L \\cdot L_0 N^{a} \\cdot \\frac{20 N}{B}
        \\ \\Rightarrow\\ N = \\left(\\frac{T B}{20\\, t_L L_0}\\right)^{1/(1+a)}, \\qquad C = 6 N (20 N)

    Parameters and return value as in :func:`power_limited_flop` (only the shape of ``years`` matters).

    References
    ----------
    Sevilla et al. 2024, section Latency wall given intranode latencies (110 µs per layer, 60M batch,
    700T parameters and 6e31 FLOP in nine months; note 96).
    """
    return _constraint_flop("latency", years, scenario)


@dataclass(frozen=True, eq=False)
class LargestRunByYear(ArrayRecord):
    """The largest training run each constraint allows, by year, and which one binds.

    Attributes
    ----------
    years : numpy.ndarray
        Calendar years (float).
    constraints : tuple of str
        :data:`CONSTRAINTS`.
    central_flop, low_flop, high_flop : dict[str, numpy.ndarray]
        FLOP each constraint allows: at the median inputs, and the approximate
        10th and 90th percentiles.
    largest_flop : numpy.ndarray
        The binding ceiling: the smallest central value over the constraints.
    binding : numpy.ndarray of str
        Name of the binding constraint in each year.
    trend_flop : numpy.ndarray
        The historical trend (``scenario.trend_base_run``'s ``trend_base_flop`` in the base year,
        growing ``trend_growth_per_year``), for comparison.
    scenario : ConstraintScenario
        The inputs (its ``trend_base_run``, ``trend_base_flop`` and ``trend_growth_per_year``
        describe the trend line).
    """

    years: np.ndarray
    constraints: tuple[str, ...]
    central_flop: dict[str, np.ndarray]
    low_flop: dict[str, np.ndarray]
    high_flop: dict[str, np.ndarray]
    largest_flop: np.ndarray
    binding: np.ndarray
    trend_flop: np.ndarray
    scenario: ConstraintScenario


@functools.lru_cache(maxsize=256)
def _constraint_band(
    name: str, t: tuple[float, ...], values: tuple[float, ...], bounds: tuple[tuple[float, float] | None, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Central, 10th and 90th percentile of one constraint over the years ``base + t``.

    The band moves each input with a range to its 10th and 90th percentile, one at a time, and
    adds the log changes of the output in quadrature. All the moves are evaluated in one call of
    the model (one row per move). Cached: a change to one input leaves the other constraints'
    entries valid (arrays are read-only; callers copy).
    """
    keys = _INPUTS[name]
    moved = [j for j, b in enumerate(bounds) if b is not None]
    n_moved = len(moved)
    # Row 0: every input at its median; rows 2i+1 and 2i+2: input moved[i] at its 10th and 90th percentile.
    table = np.tile(np.asarray(values, dtype=float), (1 + 2 * n_moved, 1))
    at = np.arange(n_moved)
    table[2 * at + 1, moved] = [bounds[j][0] for j in moved]  # type: ignore[index]
    table[2 * at + 2, moved] = [bounds[j][1] for j in moved]  # type: ignore[index]
    params: dict[str, Any] = dict(zip(keys, values, strict=True))
    for j in moved:
        params[keys[j]] = table[:, j:j + 1]
    years = np.asarray(t, dtype=float)[None, :]
    with np.errstate(all="ignore"):
        rows = np.broadcast_to(_MODELS[name](years, params), (table.shape[0], years.shape[1]))
        logs = np.log(rows)
        shifts = (logs[1:] - logs[0]).reshape(n_moved, 2, years.shape[1])
        down = np.sqrt(np.sum(np.minimum(0.0, shifts.min(axis=1)) ** 2, axis=0))
        up = np.sqrt(np.sum(np.maximum(0.0, shifts.max(axis=1)) ** 2, axis=0))
        central = np.array(rows[0])
        low_flop, high_flop = central * np.exp(-down), central * np.exp(up)
    _checked(rows, f"the {name}-limited run (FLOP) or its 10th-90th percentile band", "years and scenario")
    _checked(low_flop, f"the {name}-limited run's 10th percentile", "years and scenario")
    _checked(high_flop, f"the {name}-limited run's 90th percentile", "years and scenario")
    for out in (central, low_flop, high_flop):
        out.flags.writeable = False
    return central, low_flop, high_flop


def largest_run_by_year(years: ArrayLike, scenario: ConstraintScenario = SEVILLA_2024) -> LargestRunByYear:
    """The largest feasible training run by year under power, chip production, data and latency.

    Parameters
    ----------
    years : array_like
        One calendar year or a sequence of them, from ``scenario.base_year`` (2024) to 50 years
        later, e.g. ``range(2024, 2031)``.
    scenario : ConstraintScenario
        Default :data:`SEVILLA_2024` (the paper's medians and ranges).

    Returns
    -------
    LargestRunByYear
        Central, low and high FLOP per constraint; the binding constraint and its FLOP per year.

    References
    ----------
    Sevilla et al. 2024, section What constraint is the most limiting? and Figure 7 (power binds
    first, then chips; 2e29 FLOP feasible by 2030), Appendix A.

    Examples
    --------
    >>> r = largest_run_by_year([2024, 2030])
    >>> [str(b) for b in r.binding], f"{r.largest_flop[-1]:.1e}"
    (['power', 'power'], '2.7e+29')
    """
    instance("scenario", scenario, ConstraintScenario)
    t = _years_since_base(years, scenario)
    if t.ndim > 1:
        raise ValueError(f"years must be one year or a sequence of years, got an array of shape {t.shape}")
    t = np.atleast_1d(t)
    key_t = tuple(t.tolist())
    central, low, high = {}, {}, {}
    for name in CONSTRAINTS:
        keys = _INPUTS[name]
        c, lo, hi = _constraint_band(name, key_t, tuple(getattr(scenario, k) for k in keys),
                                     tuple(scenario.ranges.get(k) for k in keys))
        central[name], low[name], high[name] = c.copy(), lo.copy(), hi.copy()
    stacked = np.stack([central[name] for name in CONSTRAINTS])
    binding = np.asarray(CONSTRAINTS)[np.argmin(stacked, axis=0)]
    with np.errstate(all="ignore"):
        trend = scenario.trend_base_flop * scenario.trend_growth_per_year**t
    _checked(trend, "the historical trend (FLOP)", "years and scenario")
    return LargestRunByYear(
        years=t + scenario.base_year,
        constraints=CONSTRAINTS,
        central_flop=central,
        low_flop=low,
        high_flop=high,
        largest_flop=stacked.min(axis=0),
        binding=binding,
        trend_flop=trend,
        scenario=scenario,
    )


# --------------------------------------------------------------------------- the paper's own 2030 figures
@dataclass(frozen=True)
class PublishedConstraint:
    """The paper's 2030 figure for one constraint: median and 80% interval, FLOP.

    Attributes
    ----------
    constraint : str
        One of :data:`CONSTRAINTS`.
    low_flop, central_flop, high_flop : float
        10th percentile, median, 90th percentile of the largest run it allows in 2030.
    source : str
        Section of Sevilla et al. 2024.
    note : str
        Caveats; says so where the median is not printed in the paper's text.
    """

    constraint: str
    low_flop: float
    central_flop: float
    high_flop: float
    source: str
    note: str = ""


def _load_published() -> Mapping[str, PublishedConstraint]:
    table = _data.read_csv(None, "scaling_constraints_2030.csv",
                           required=("constraint", "low_flop", "central_flop", "high_flop", "note"),
                           source_column="source")
    out = {}
    for row in table:
        where = table.where(row, row.text("constraint"))
        low, central, high = (_data.number(row.text(k), where, k, required=True)
                              for k in ("low_flop", "central_flop", "high_flop"))
        if not (low <= central <= high) or row.text("constraint") not in CONSTRAINTS:
            raise ValueError(f"{where}: need low_flop <= central_flop <= high_flop and a constraint in {CONSTRAINTS}")
        out[row.text("constraint")] = PublishedConstraint(row.text("constraint"), low, central, high,
                                                           row.text("source"), row.text("note"))
    if tuple(out) != CONSTRAINTS:
        raise ValueError(f"scaling_constraints_2030.csv must list {CONSTRAINTS} in that order, got {tuple(out)}")
    return MappingProxyType(out)


#: Sevilla et al. 2024's own 2030 figures per constraint (``data/scaling_constraints_2030.csv``).
#: The data and latency medians are not printed in the paper's text (see each ``note``).
SEVILLA_2024_PUBLISHED_2030: Mapping[str, PublishedConstraint] = _load_published()
