"""Uncertainty, propagated: cited ranges, a seeded Monte Carlo of cost and finish date, and a tornado.

A plan is a distribution, not a number. Each uncertain input of a :class:`FrontierPlan` has a
range with its source (:data:`UNCERTAIN_INPUTS`); :func:`simulate_plan` draws every input at once
from a triangular distribution peaked at the plan's own value (on a log scale for inputs that span
orders of magnitude) and evaluates all draws in one vectorised call of the plan's chain;
:func:`sensitivity` moves one input at a time to the ends of its range, the others at the plan's
values, and ranks the inputs by how far they move an output (a tornado chart).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from compute_econ._records import ArrayRecord
from compute_econ._validate import bounded_work, choice, flag, instance, integer, scalar, text

from . import model
from .model import CONSTRAINTS, UNCERTAIN_FIELDS, FrontierPlan, PlanResult

__all__ = [
    "UncertainInput",
    "UNCERTAIN_INPUTS",
    "PlanDistribution",
    "Sensitivity",
    "simulate_plan",
    "sensitivity",
    "sensitivities",
    "DEFAULT_N_SAMPLES",
    "MAX_SAMPLES",
    "SENSITIVITY_OUTPUTS",
    "PERCENTILES",
]

#: Default Monte Carlo sample: the planner's distributions within 100 ms (``make bench``).
DEFAULT_N_SAMPLES = 2000
#: The most draws one call evaluates (each draw is one plan; memory stays under ~100 MB).
MAX_SAMPLES = 200_000
#: Outputs :func:`sensitivity` can rank inputs by.
SENSITIVITY_OUTPUTS: tuple[str, ...] = ("total_usd", "cash_usd", "finish_months")
#: Percentiles a :class:`PlanDistribution` reports.
PERCENTILES: tuple[int, ...] = (5, 50, 95)


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain input of a plan, with the range its sources give.

    Attributes
    ----------
    name : str
        The :class:`FrontierPlan` field (one of :data:`compute_econ.plan.UNCERTAIN_FIELDS`).
    label : str
        What a chart calls it.
    low, high : float
        The range's ends, in the field's units, ``low < high``; or, if ``relative``, multiples of the
        plan's own value, in (0, 1000].
    log : bool
        Draw on a log scale (inputs whose range spans a factor of several).
    source : str
        Where the ends come from; estimates say so.
    relative : bool
        ``low`` and ``high`` multiply the plan's value (for inputs that only the plan can set, such as
        its demand) instead of being values themselves.
    """

    name: str
    label: str
    low: float
    high: float
    log: bool
    source: str
    relative: bool = False

    def __post_init__(self) -> None:
        store = object.__setattr__
        store(self, "name", choice("name", self.name, UNCERTAIN_FIELDS))
        store(self, "label", text("label", self.label))
        store(self, "relative", flag("relative", self.relative))
        if self.relative:
            low, high, low_open, unit = 0.0, 1000.0, True, "x the plan's value"
        else:
            low, high, low_open, unit = model._UNCERTAIN_DOMAINS[self.name]
        store(self, "low", scalar("low", self.low, low, high, low_open=low_open, unit=unit))
        store(self, "high", scalar("high", self.high, low, high, low_open=low_open, unit=unit))
        if not self.high > self.low:
            raise ValueError(f"high must be above low, got low={self.low!r}, high={self.high!r}")
        store(self, "log", flag("log", self.log))
        if self.log and self.low <= 0:
            raise ValueError(f"a log-scale range needs low > 0, got low={self.low!r}")
        store(self, "source", text("source", self.source))


UNCERTAIN_INPUTS: tuple[UncertainInput, ...] = (
    UncertainInput(
        "mfu", "MFU of training", 0.25, 0.50, False,
        "Low: an estimate above the low tail of Epoch AI's data (GPT-3 19.7 %, Falcon-180B 18.9 %). High: "
        "BLOOM-176B's 48 % (Cottier et al. 2024, arXiv:2405.21015, Appendix A.8); Llama 3's 38-43 % on "
        "16,384 and 8,192 H100s lies between (Llama Team 2024, arXiv:2407.21783, Table 4)."),
    UncertainInput(
        "accelerator_mtbf_hours", "each accelerator's MTBF", 29_538.0, 82_051.0, True,
        "Meta's research clusters RSC-1 and RSC-2, 6.50 and 2.34 failures per thousand node-days of 8 GPUs "
        "(Kokolis et al. 2024, arXiv:2410.21680, Section IV); Llama 3's 50,677 h lies between."),
    UncertainInput(
        "experiment_compute_multiplier", "experiments / final run", 1.2, 4.0, True,
        "Cottier et al. 2024, arXiv:2405.21015, Section 2.5: 'a log-normal distribution with a 90% CI of 1.2x to "
        "4x, meaning that total compute for model development is 1.2x to 4x larger than the final training run'."),
    UncertainInput(
        "site_build_months", "months to build the site", 122 / model.DAYS_PER_MONTH, 43.0, True,
        "Low: xAI's Colossus, 122 days in an existing factory (NVIDIA press release, 2024-10-28). High: 3.6 years, "
        "the slowest of Epoch AI's tracked sites from starting construction to 1 GW ('Build times for "
        "gigawatt-scale data centers can be 2 years or less', 2025-11-10)."),
    UncertainInput(
        "chips_per_month", "chips delivered a month", 8_000.0, 50_000.0, True,
        "Estimate around Colossus's 24,950 H100s a month (100,000 in 122 days): from a third of that pace "
        "to twice it. No source gives one lab's allocation."),
    UncertainInput(
        "contract_lead_months", "months to contracted capacity", 1.0, 15.0, False,
        "Low: Anthropic's May 2026 agreement for SpaceX's Colossus 1, 'more than 300 megawatts of new capacity "
        "(over 220,000 NVIDIA GPUs) within the month'. High: Anthropic's October 2025 TPU agreement with Google, "
        "'well over a gigawatt of capacity online in 2026' (up to 15 months). Project Rainier, under a year (AWS, "
        "2025-10-29), lies between."),
    UncertainInput(
        "contract_usd_per_hour", "contract price", 1.54, 3.00, False,
        "Low: Lambda's 3-year committed H100 price, an estimate (compute_econ.costs.H100_LAMBDA_2024). High: an "
        "estimate above SemiAnalysis's 1-year contract index, $2.35 in March 2026 after +40 % in five months."),
    UncertainInput(
        "spot_usd_per_hour", "spot price", 2.00, 12.29, True,
        "Low: an estimate of neocloud on-demand H100 prices in 2026. High: AWS p5.48xlarge at launch, $98.32/h for "
        "8 GPUs (compute_econ.costs.H100_AWS_P5_2023). Lambda's $3.49 (2024) lies between."),
    UncertainInput(
        "accelerator_price_usd", "price of an accelerator", 25_000.0, 30_000.0, False,
        "Raymond James's $25k-30k per H100 (Barron's, Aug 2023; compute_econ.costs.H100_OWNERSHIP)."),
    UncertainInput(
        "own_utilisation", "utilisation of an owned cluster", 0.5, 1.0, False,
        "Estimate: the share of its 5-year life an owned cluster does paid work (lesson 02's break-even "
        "utilisation); no source gives a lab's."),
    UncertainInput(
        "serving_frac_of_peak", "serving share of peak", 0.05, 0.30, True,
        "Estimate around DeepSeek's 13.8 % of an H800's dense peak in production decoding (DeepSeek, 'Day 6: "
        "DeepSeek-V3/R1 Inference System Overview', 2025-03-01: 14.8k output tokens/s per node of 8)."),
    UncertainInput(
        "tokens_served_per_day", "tokens served a day", 1 / 3, 3.0, True,
        "Estimate: a third to three times the plan's expected demand (demand for a model not yet trained); no "
        "source gives its spread.", relative=True),
    UncertainInput(
        "spot_capacity", "spot accelerators available", 512.0, 10_000.0, True,
        "Low: one AWS EC2 Capacity Block, 64 instances of 8 GPUs (AWS EC2 User Guide). High: an estimate, several "
        "providers at once. The base, 2,048, is AWS's limit across Capacity Blocks."),
)


def _by_name(inputs: Sequence[UncertainInput]) -> tuple[UncertainInput, ...]:
    if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Sequence) or not inputs:
        raise ValueError(f"inputs must be a non-empty sequence of UncertainInput, got {inputs!r}")
    out = tuple(instance("inputs[i]", x, UncertainInput) for x in inputs)
    names = [x.name for x in out]
    if len(set(names)) != len(names):
        raise ValueError(f"inputs must name each field once, got {names}")
    return out


def _ends(plan: FrontierPlan, u: UncertainInput) -> tuple[float, float, float]:
    """(low, plan's value, high) in the field's units; the range widens to include the plan's value.

    A log-scale input the plan sets to 0 (no serving demand, no spot market) does not vary; a relative
    range is clipped to the field's domain.
    """
    base = float(getattr(plan, u.name))
    if u.log and base <= 0:
        return base, base, base
    if u.relative:
        low, high = u.low * base, u.high * base
        lo_domain, hi_domain = model._UNCERTAIN_DOMAINS[u.name][:2]
        low, high = (min(max(x, lo_domain), hi_domain) for x in (low, high))
    else:
        low, high = u.low, u.high
    return min(low, base), base, max(high, base)


def _range(plan: FrontierPlan, u: UncertainInput) -> tuple[float, float, float]:
    """(low, mode, high) of the triangular draw: :func:`_ends`, on a log scale for ``log`` inputs."""
    low, base, high = _ends(plan, u)
    if u.log and base > 0:
        return float(np.log(low)), float(np.log(base)), float(np.log(high))
    return low, base, high


def _triangular(u01: np.ndarray, a: float, m: float, b: float) -> np.ndarray:
    """Inverse CDF of the triangular distribution on [a, b] with mode m (a point mass when a == b)."""
    if b <= a:
        return np.full(u01.shape, m)
    c = (m - a) / (b - a)
    left = a + np.sqrt(u01 * (b - a) * (m - a))
    right = b - np.sqrt((1.0 - u01) * (b - a) * (b - m))
    return np.where(u01 < c, left, right)


@dataclass(frozen=True, eq=False)
class PlanDistribution(ArrayRecord):
    """The Monte Carlo of a plan (returned by :func:`simulate_plan`).

    Attributes
    ----------
    plan : FrontierPlan
        The plan simulated.
    draws : Mapping[str, numpy.ndarray]
        Each uncertain input's draws, by field name.
    result : PlanResult
        The chain evaluated at every draw (arrays of ``n_samples``).
    total_usd_percentiles, cash_usd_percentiles, finish_months_percentiles : Mapping[int, float]
        5th, 50th and 95th percentiles.
    p_feasible, p_miss_deadline, p_over_budget : float
        Shares of draws in which no constraint, the deadline, or the budget is violated / missed / exceeded.
    p_violated : Mapping[str, float]
        Share of draws violating each constraint.
    n_samples : int
    seed : int or None
    """

    plan: FrontierPlan
    draws: Mapping[str, np.ndarray]
    result: PlanResult
    total_usd_percentiles: Mapping[int, float]
    cash_usd_percentiles: Mapping[int, float]
    finish_months_percentiles: Mapping[int, float]
    p_feasible: float
    p_miss_deadline: float
    p_over_budget: float
    p_violated: Mapping[str, float]
    n_samples: int
    seed: int | None


def _percentiles(x: Any) -> Mapping[int, float]:
    values = np.percentile(np.asarray(x, dtype=float), PERCENTILES)
    return {p: float(v) for p, v in zip(PERCENTILES, values, strict=True)}


def _seed(seed: Any) -> int | None:
    return None if seed is None else integer("seed", seed, 0, 2**63 - 1)


def simulate_plan(plan: FrontierPlan, n_samples: int = DEFAULT_N_SAMPLES, seed: int | None = 0,
                  inputs: Sequence[UncertainInput] = UNCERTAIN_INPUTS) -> PlanDistribution:
    """Draw every uncertain input at once and evaluate the plan at each draw: the distribution of cost and finish.

    Each input is drawn from a triangular distribution on its range (:data:`UNCERTAIN_INPUTS`,
    widened to include the plan's own value), peaked at the plan's value; inputs marked ``log`` are
    drawn on a log scale. Inputs are drawn independently (a simplification: a shortage raises spot
    prices and lead times together). The same ``seed`` gives the same draws.

    Parameters
    ----------
    plan : FrontierPlan
    n_samples : int
        Draws, in [2, :data:`MAX_SAMPLES`]; default :data:`DEFAULT_N_SAMPLES`.
    seed : int or None
        Seed of numpy's default generator, in [0, 2**63); ``None`` draws fresh entropy.
    inputs : sequence of UncertainInput
        The ranges; default :data:`UNCERTAIN_INPUTS`.

    Returns
    -------
    PlanDistribution

    References
    ----------
    Morgan & Henrion 1990, *Uncertainty*, ch. 8 (Monte Carlo propagation, triangular distributions
    from expert ranges).

    Examples
    --------
    >>> d = simulate_plan(FrontierPlan(), n_samples=1000, seed=1)
    >>> d.total_usd_percentiles[5] < d.total_usd_percentiles[50] < d.total_usd_percentiles[95]
    True
    """
    plan = instance("plan", plan, FrontierPlan)
    n = bounded_work("n_samples", n_samples, MAX_SAMPLES, low=2)
    s = _seed(seed)
    ins = _by_name(inputs)
    rng = np.random.default_rng(s)
    u01 = rng.random((len(ins), n))
    draws: dict[str, np.ndarray] = {}
    for row, u in zip(u01, ins, strict=True):
        a, m, b = _range(plan, u)
        x = _triangular(row, a, m, b)
        draws[u.name] = np.exp(x) if u.log and float(getattr(plan, u.name)) > 0 else x
    result = model.evaluate_plan(plan, **draws)
    load = result.load
    return PlanDistribution(
        plan=plan, draws=draws, result=result,
        total_usd_percentiles=_percentiles(result.total_usd), cash_usd_percentiles=_percentiles(result.cash_usd),
        finish_months_percentiles=_percentiles(result.finish_months),
        p_feasible=float(np.mean(result.feasible)),
        p_miss_deadline=float(np.mean(np.asarray(load["deadline"]) > 1.0)),
        p_over_budget=float(np.mean(np.asarray(load["budget"]) > 1.0)),
        p_violated={c: float(np.mean(np.asarray(load[c]) > 1.0)) for c in CONSTRAINTS},
        n_samples=n, seed=s)


@dataclass(frozen=True, eq=False)
class Sensitivity(ArrayRecord):
    """One-at-a-time sensitivity of an output (returned by :func:`sensitivity`), largest swing first.

    Attributes
    ----------
    output : str
        The :class:`PlanResult` field ranked by (one of :data:`SENSITIVITY_OUTPUTS`).
    base_value : float
        The output at the plan's own values.
    names, labels : tuple of str
        The inputs, largest swing first.
    input_low, input_high : numpy.ndarray
        Each input's range ends (widened to include the plan's value).
    output_at_low, output_at_high : numpy.ndarray
        The output with that input at its low and at its high end, the others at the plan's values.
    swing : numpy.ndarray
        ``|output_at_high - output_at_low|``.
    """

    output: str
    base_value: float
    names: tuple[str, ...]
    labels: tuple[str, ...]
    input_low: np.ndarray
    input_high: np.ndarray
    output_at_low: np.ndarray
    output_at_high: np.ndarray
    swing: np.ndarray


def sensitivity(plan: FrontierPlan, output: str = "total_usd",
                inputs: Sequence[UncertainInput] = UNCERTAIN_INPUTS) -> Sensitivity:
    """Which uncertain input moves an output most: each to the ends of its range, the others held (a tornado).

    All ``2 x len(inputs)`` evaluations run in one vectorised call (:func:`sensitivities` ranks several
    outputs from the same call).

    Parameters
    ----------
    plan : FrontierPlan
    output : str
        One of :data:`SENSITIVITY_OUTPUTS`: ``"total_usd"``, ``"cash_usd"`` or ``"finish_months"``.
    inputs : sequence of UncertainInput
        The ranges; default :data:`UNCERTAIN_INPUTS`.

    Returns
    -------
    Sensitivity

    References
    ----------
    Clemen & Reilly 2013, *Making Hard Decisions*, ch. 5 (tornado diagrams, one-way sensitivity).

    Examples
    --------
    >>> s = sensitivity(FrontierPlan(), "total_usd")
    >>> s.names[0]
    'experiment_compute_multiplier'
    """
    out_name = choice("output", output, SENSITIVITY_OUTPUTS)
    return sensitivities(plan, (out_name,), inputs)[out_name]


def sensitivities(plan: FrontierPlan, outputs: Sequence[str] = SENSITIVITY_OUTPUTS,
                  inputs: Sequence[UncertainInput] = UNCERTAIN_INPUTS) -> dict[str, Sensitivity]:
    """:func:`sensitivity` of several outputs at once, by output, from one vectorised evaluation of the plan.

    Parameters
    ----------
    plan : FrontierPlan
    outputs : sequence of str
        Names of :data:`SENSITIVITY_OUTPUTS`, at least one, each once; default all of them.
    inputs : sequence of UncertainInput
        The ranges; default :data:`UNCERTAIN_INPUTS`.

    Returns
    -------
    dict of str to Sensitivity

    Examples
    --------
    >>> both = sensitivities(FrontierPlan(), ("total_usd", "finish_months"))
    >>> both["total_usd"] == sensitivity(FrontierPlan(), "total_usd")
    True
    """
    plan = instance("plan", plan, FrontierPlan)
    if isinstance(outputs, (str, bytes)) or not isinstance(outputs, Sequence) or not outputs:
        raise ValueError(f"outputs must be a non-empty sequence of {', '.join(SENSITIVITY_OUTPUTS)}, got {outputs!r}")
    names = [choice("outputs[i]", o, SENSITIVITY_OUTPUTS) for o in outputs]
    if len(set(names)) != len(names):
        raise ValueError(f"outputs must name each output once, got {names}")
    ins = _by_name(inputs)
    k = len(ins)
    columns = {f: np.full(2 * k + 1, float(getattr(plan, f))) for f in UNCERTAIN_FIELDS}
    lows, highs = np.empty(k), np.empty(k)
    for i, u in enumerate(ins):
        lows[i], _, highs[i] = _ends(plan, u)
        columns[u.name][2 * i] = lows[i]
        columns[u.name][2 * i + 1] = highs[i]
    result = model.evaluate_plan(plan, **columns)
    out: dict[str, Sensitivity] = {}
    for name in names:
        values = np.asarray(getattr(result, name), dtype=float)
        at_low, at_high, base = values[0:2 * k:2], values[1:2 * k:2], float(values[-1])
        swing = np.abs(at_high - at_low)
        order = np.argsort(-swing, kind="stable")
        out[name] = Sensitivity(output=name, base_value=base, names=tuple(ins[i].name for i in order),
                                labels=tuple(ins[i].label for i in order), input_low=lows[order],
                                input_high=highs[order], output_at_low=at_low[order], output_at_high=at_high[order],
                                swing=swing[order])
    return out
