"""Price under scarcity, and who gets the compute when the price does not clear.

A market for renting accelerators. Quantities are **H100-equivalent
accelerators rented over a period** (equivalently accelerator-hours per hour);
prices are **USD per accelerator-hour**, so price x quantity is spending in USD
per hour.

* Demand: several buyer types (:class:`BuyerType`), each with constant price
  elasticity, ``q_i(p) = q0_i (p / p0_i)^eps_i`` below an optional choke price
  (a reservation price at and above which that buyer rents nothing).
* Supply: a capacity-capped curve (:class:`SupplyCurve`): nothing below the
  marginal cost, up to ``capacity`` at or above it (perfectly elastic, then
  vertical).
* :func:`clear_market`: the lowest price at which demand fits into supply
  (between choke prices, Newton's method in log price); who is priced out;
  unsold capacity.
* :func:`ration`: when a price cap (or a sticky list price) sits below the
  clearing price, requests exceed capacity and someone must wait: proportional
  rationing or priority for long-term-contract holders, with the waiting time
  this implies.

Defaults (:data:`DEFAULT_BUYERS`, :data:`DEFAULT_SUPPLY`): reference price from
:data:`compute_econ.costs.H100_LAMBDA_2024`, capacity of the order of Epoch AI's
installed-base estimate, marginal cost from
:data:`compute_econ.costs.H100_OWNERSHIP`. Published estimates of the price
elasticity of demand for AI compute were not found: every elasticity, choke
price and the split between buyer types is an illustrative estimate, marked so
in each buyer's ``note``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from compute_econ import costs
from compute_econ._records import ArrayRecord
from compute_econ._validate import (
    MAX_WORK_ITEMS,
    USD_PER_HOUR_RANGE,
    FloatOrArray,
    broadcast,
    choice,
    finite_result,
    flag,
    instance,
    positive,
    scalar,
    scalar_or_array,
    text,
    usd_per_hour,
)

__all__ = [
    "QUANTITY_UNIT",
    "FRAC_PRICED_OUT",
    "RATIONING_RULES",
    "ELASTICITY_RANGE",
    "BuyerType",
    "SupplyCurve",
    "demand",
    "supply",
    "clearing_price_usd_per_hour",
    "MarketResult",
    "clear_market",
    "PriceChange",
    "compare_markets",
    "new_frontier_lab",
    "add_capacity",
    "RationingResult",
    "ration",
    "REFERENCE_RENTAL",
    "INSTALLED_H100_EQUIVALENTS",
    "DEFAULT_BUYERS",
    "DEFAULT_SUPPLY",
]

#: Unit of every quantity in this module.
QUANTITY_UNIT = "H100-equivalent accelerators rented over the period (= accelerator-hours per hour)"

#: A buyer is *priced out* when it rents nothing, or less than this fraction of its
#: reference quantity (what it would rent at its reference price). A modelling choice.
FRAC_PRICED_OUT = 0.1

#: Allocation rules :func:`ration` knows.
RATIONING_RULES = ("proportional", "contract_priority")

#: Price elasticities of demand a buyer may have, open at both ends: below zero (demand falls as the
#: price rises) and above -10 (a 1 % higher price cutting demand by more than 10 % is no market this
#: kit models). The model's domain, not a cited fact; the defaults lie in [-1.5, -0.3].
ELASTICITY_RANGE = (-10.0, 0.0)

#: Newton steps :func:`clearing_price_usd_per_hour` takes at most. The log of total demand is convex
#: in the log price, so Newton's method approaches the price from below without overshooting: five
#: steps for the default market, at most eleven over 4,000 random markets with elasticities from
#: -0.001 to -10 (tests/test_supply_pricing.py checks a hard one).
_NEWTON_STEPS = 100


# --------------------------------------------------------------------------- demand


@dataclass(frozen=True)
class BuyerType:
    """One type of buyer of accelerator time, with constant-elasticity demand.

    .. math:: q(p) = q_0 (p / p_0)^{\\varepsilon} \\text{ for } p < p_{max}, \\quad 0 \\text{ for } p \\ge p_{max}

    Every field is validated and stored as validated (numbers as floats).

    Attributes
    ----------
    name : str
        Label (unique within a market).
    reference_quantity : float
        ``q0``: accelerators rented at the reference price, H100-equivalents (> 0).
    reference_usd_per_hour : float
        ``p0``: the reference price, USD per accelerator-hour (the kit's hourly-price domain, (0, 1e4]).
    elasticity : float
        ``eps``: constant price elasticity of demand, in :data:`ELASTICITY_RANGE` (-0.5: a 10 % higher
        price cuts the quantity by about 5 %).
    max_usd_per_hour : float or None
        Choke (reservation) price, USD per accelerator-hour: at or above it this buyer rents
        nothing. Must exceed the reference price (and lie in the hourly-price domain). None: no
        choke, demand only shrinks.
    has_contract : bool
        Holds a long-term contract (served first under ``contract_priority`` rationing).
    source : str
        Where the figures come from.
    note : str
        What is an estimate, and why.
    """

    name: str
    reference_quantity: float
    reference_usd_per_hour: float
    elasticity: float
    max_usd_per_hour: float | None = None
    has_contract: bool = False
    source: str = "what-if"
    note: str = ""

    def __post_init__(self) -> None:
        store = functools.partial(object.__setattr__, self)
        store("name", text("name", self.name))
        store("reference_quantity", scalar("reference_quantity", self.reference_quantity, 0.0, low_open=True,
                                           unit="accelerators"))
        store("reference_usd_per_hour", _price("reference_usd_per_hour", self.reference_usd_per_hour))
        store("elasticity", scalar("elasticity", self.elasticity, *ELASTICITY_RANGE, low_open=True, high_open=True))
        if self.max_usd_per_hour is not None:
            choke = _price("max_usd_per_hour", self.max_usd_per_hour)
            if choke <= self.reference_usd_per_hour:
                raise ValueError(
                    f"max_usd_per_hour must be > reference_usd_per_hour ({self.reference_usd_per_hour!r}) "
                    f"(valid range: ({self.reference_usd_per_hour!r}, {USD_PER_HOUR_RANGE[1]:g}] or None), "
                    f"got {self.max_usd_per_hour!r}"
                )
            store("max_usd_per_hour", choke)
        store("has_contract", flag("has_contract", self.has_contract))
        store("source", text("source", self.source))
        store("note", text("note", self.note, allow_empty=True))

    @property
    def choke_usd_per_hour(self) -> float:
        """The choke price, USD per accelerator-hour (``inf`` if there is none: demand never reaches zero)."""
        return math.inf if self.max_usd_per_hour is None else self.max_usd_per_hour


def _price(name: str, value: Any) -> float:
    """One hourly price in the kit's domain, (0, 1e4] USD per accelerator-hour."""
    return scalar(name, value, *USD_PER_HOUR_RANGE, low_open=True, unit="USD/h")


def _check_buyers(buyers: Any) -> tuple[BuyerType, ...]:
    if not isinstance(buyers, (list, tuple)):
        raise ValueError(f"buyers must be a non-empty list or tuple of BuyerType, got {buyers!r:.80}")
    if not buyers:
        raise ValueError("buyers must hold at least one BuyerType (valid: a non-empty sequence), got none")
    for b in buyers:
        if not isinstance(b, BuyerType):
            raise ValueError(f"buyers must be BuyerType instances, got {b!r:.80}")
    names = [b.name for b in buyers]
    if len(set(names)) != len(names):
        raise ValueError(f"buyers must have unique names, got {names!r}")
    if len(buyers) > MAX_WORK_ITEMS:
        raise ValueError(f"buyers must hold at most {MAX_WORK_ITEMS:,} buyer types, got {len(buyers):,}")
    return tuple(buyers)


@dataclass(frozen=True)
class _Columns:
    """The buyers' parameters as arrays of shape (n_buyers, 1), and their choke prices as breakpoints:
    what every demand evaluation and every clearing needs, computed once per set of buyers."""

    q0: np.ndarray
    log_p0: np.ndarray
    eps: np.ndarray
    choke: np.ndarray
    intercept: np.ndarray  # log q0 - eps log p0: log demand is intercept + eps log p below the choke
    chokes: np.ndarray  # the distinct finite choke prices, sorted, shape (K,)
    at_choke: np.ndarray  # total demand at each choke (the buyers choking there out), shape (K,)
    below_choke: np.ndarray  # total demand just below each choke (still in), shape (K,)


@functools.lru_cache(maxsize=64)
def _columns(buyers: tuple[BuyerType, ...]) -> _Columns:
    """Buyer parameters as column arrays (cached: a market's buyers are evaluated at many prices)."""
    q0 = np.array([b.reference_quantity for b in buyers])[:, None]
    log_p0 = np.log([b.reference_usd_per_hour for b in buyers])[:, None]
    eps = np.array([b.elasticity for b in buyers])[:, None]
    choke = np.array([b.choke_usd_per_hour for b in buyers])[:, None]
    intercept = np.log(q0) - eps * log_p0
    chokes = np.unique(choke[np.isfinite(choke)])
    with np.errstate(over="ignore", under="ignore"):
        each = q0 * np.exp(eps * (np.log(chokes) - log_p0))  # (n, K); may overflow to inf for extreme buyers
        at_choke = np.where(choke > chokes, each, 0.0).sum(axis=0)
        below_choke = np.where(choke >= chokes, each, 0.0).sum(axis=0)
    out = _Columns(q0, log_p0, eps, choke, intercept, chokes, at_choke, below_choke)
    for arr in vars(out).values():
        arr.setflags(write=False)
    return out


def _prices(value: ArrayLike, name: str = "usd_per_hour") -> np.ndarray:
    """Prices in the kit's hourly-price domain (0, 1e4] USD per accelerator-hour, as a float array."""
    return usd_per_hour(name, value)


def _demand_flat(c: _Columns, p: np.ndarray) -> np.ndarray:
    """Per-buyer demand at 1-d prices ``p`` (validated, > 0), shape (n_buyers, p.size).

    May overflow to inf for extreme buyers (callers hold ``np.errstate`` and check the result).
    """
    return np.where(p < c.choke, c.q0 * np.exp(c.eps * (np.log(p) - c.log_p0)), 0.0)


def _demand(buyers: tuple[BuyerType, ...], p: np.ndarray) -> np.ndarray:
    """Per-buyer demand, shape (n_buyers, *p.shape); ``p`` already validated (> 0)."""
    p = np.asarray(p, dtype=float)
    with np.errstate(over="ignore", under="ignore"):
        return _demand_flat(_columns(buyers), p.reshape(-1)).reshape((len(buyers),) + p.shape)


def _check_work(buyers: tuple[BuyerType, ...], p: np.ndarray) -> None:
    if len(buyers) * p.size > MAX_WORK_ITEMS:
        raise ValueError(f"buyers x usd_per_hour: {len(buyers):,} buyers at {p.size:,} prices is more than the "
                         f"{MAX_WORK_ITEMS:,} demands the model evaluates at once (pass fewer prices)")


def demand(buyers: Sequence[BuyerType], usd_per_hour: ArrayLike) -> tuple[np.ndarray, FloatOrArray]:
    """Accelerators each buyer type rents at a price, and the total.

    Parameters
    ----------
    buyers : sequence of BuyerType
        The buyer types (unique names).
    usd_per_hour : array_like
        Price(s), USD per accelerator-hour, in the kit's hourly-price domain (0, 1e4].

    Returns
    -------
    per_buyer : numpy.ndarray
        Shape ``(n_buyers, *np.shape(usd_per_hour))``, H100-equivalent accelerators.
    total : float or numpy.ndarray
        Sum over buyers, shape of ``usd_per_hour``.

    References
    ----------
    Constant-elasticity (isoelastic) demand, e.g. Varian, *Intermediate Microeconomics* (8th ed.), ch. 15
    (price elasticity of demand).
    """
    buyers = _check_buyers(buyers)
    p = _prices(usd_per_hour)
    _check_work(buyers, p)
    with np.errstate(over="ignore", under="ignore"):
        per_buyer = _demand_flat(_columns(buyers), p.reshape(-1)).reshape((len(buyers),) + p.shape)
        total = per_buyer.sum(axis=0)  # inf here if any buyer's demand overflowed (demands are >= 0)
    finite_result("demand", total, "buyers (reference_quantity, elasticity) and usd_per_hour")
    return per_buyer, scalar_or_array(total)


# --------------------------------------------------------------------------- supply


@dataclass(frozen=True)
class SupplyCurve:
    """Accelerators offered for rent: none below marginal cost, up to ``capacity`` at or above it.

    The simplest capacity-capped supply curve: perfectly elastic at the marginal cost,
    then vertical at the capacity (short run: no more accelerators exist). Fields are
    validated and stored as floats.

    Attributes
    ----------
    capacity : float
        Accelerators that exist to rent, H100-equivalents, > 0.
    marginal_cost_usd_per_hour : float
        Price floor, USD per accelerator-hour, in the kit's hourly-price domain (0, 1e4]: below it
        nothing is offered.
    source : str
        Where the figures come from; says which are estimates.
    """

    capacity: float
    marginal_cost_usd_per_hour: float
    source: str = "what-if"

    def __post_init__(self) -> None:
        object.__setattr__(self, "capacity", scalar("capacity", self.capacity, 0.0, low_open=True,
                                                    unit="accelerators"))
        object.__setattr__(self, "marginal_cost_usd_per_hour",
                           _price("marginal_cost_usd_per_hour", self.marginal_cost_usd_per_hour))
        object.__setattr__(self, "source", text("source", self.source))


def supply(curve: SupplyCurve, usd_per_hour: ArrayLike) -> FloatOrArray:
    """Accelerators offered at a price: 0 below marginal cost, ``capacity`` at or above it.

    Parameters
    ----------
    curve : SupplyCurve
    usd_per_hour : array_like
        Price(s), USD per accelerator-hour, in the kit's hourly-price domain (0, 1e4].

    Returns
    -------
    float or numpy.ndarray
        H100-equivalent accelerators, shape of ``usd_per_hour``.

    References
    ----------
    Short-run supply with a capacity constraint (reverse-L supply), e.g. Varian,
    *Intermediate Microeconomics* (8th ed.), ch. 23 (industry supply).
    """
    curve = instance("curve", curve, SupplyCurve)
    p = _prices(usd_per_hour)
    return scalar_or_array(np.where(p >= curve.marginal_cost_usd_per_hour, curve.capacity, 0.0))


# --------------------------------------------------------------------------- clearing


def _log_demand_and_slope(c: _Columns, active: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """log of the active buyers' total demand at log price ``x`` (shape (m,)), and its slope d/dx."""
    z = np.where(active, c.intercept + c.eps * x, -np.inf)
    top = z.max(axis=0)
    w = np.exp(z - top)
    total = w.sum(axis=0)
    return top + np.log(total), (w * c.eps).sum(axis=0) / total


def _clearing_price(c: _Columns, cap: np.ndarray, mc: np.ndarray) -> np.ndarray:
    """The lowest price >= ``mc`` at which demand fits into ``cap``; ``cap``, ``mc`` 1-d of one length.

    Total demand falls as the price rises, continuously between choke prices and with a jump
    down at each (a buyer drops out). The chokes cut the price axis into segments with a fixed
    set of active buyers; the price is found in two steps:

    1. the segment: the first choke above marginal cost at which demand (without the buyers it
       chokes) fits, or the open segment above the last choke;
    2. in it, either demand still exceeds capacity just below that choke, and the price is the
       choke itself (capacity is left unsold), or the price solves
       ``log sum_i q0_i (p / p0_i)^eps_i = log capacity`` over the segment's buyers: Newton's
       method in log price from the segment's lower end. The left side is a log-sum-exp of
       lines in log p, so convex; Newton steps from below never pass the root.
    """
    log_cap = np.log(cap)
    fits_at_cost = _demand_flat(c, mc).sum(axis=0) <= cap
    chokes = c.chokes  # sorted breakpoints, shape (K,)
    # The segment: its upper end is the first choke above marginal cost at which demand fits (inf: none).
    ok = (chokes[:, None] > mc) & (c.at_choke[:, None] <= cap)
    k = np.where(ok.any(axis=0), ok.argmax(axis=0), chokes.size) if chokes.size else np.zeros(cap.shape, int)
    upper = np.append(chokes, np.inf)[k]
    lower = np.maximum(mc, np.append(-np.inf, chokes)[k])
    jump = np.append(c.below_choke, 0.0)[k] > cap  # demand jumps past capacity at the choke itself
    active = c.choke >= upper  # the buyers renting inside each segment, shape (n, m)
    x = np.log(lower)
    solve = ~fits_at_cost & ~jump
    tol = 4 * np.finfo(float).eps
    for _ in range(_NEWTON_STEPS):
        if not solve.any():
            break
        idx = np.flatnonzero(solve)
        log_d, slope = _log_demand_and_slope(c, active[:, idx], x[idx])
        gap = log_d - log_cap[idx]
        step = gap / slope
        x[idx] -= step
        # Converged when demand meets capacity to rounding, or the step no longer moves x (NaN stops too).
        done = ~(np.abs(gap) > 4 * tol * np.maximum(1.0, np.abs(log_cap[idx]))) | ~(
            np.abs(step) > tol * np.maximum(1.0, np.abs(x[idx])))
        solve[idx[done]] = False
    if solve.any():  # not seen in testing; a wrong price must not pass silently
        raise ValueError("the clearing price did not converge for these inputs: they are outside the model's "
                         "range (check buyers' reference_quantity and elasticity against capacity)")
    price = np.where(fits_at_cost, mc, np.where(jump, upper, np.exp(x)))
    return price


def clearing_price_usd_per_hour(buyers: Sequence[BuyerType], capacity: ArrayLike,
                                marginal_cost_usd_per_hour: ArrayLike) -> FloatOrArray:
    """The lowest price at which total demand fits into capacity (never below marginal cost).

    If demand at marginal cost already fits, the price is the marginal cost (with spare
    capacity). Otherwise the price is where total demand falls to the capacity; at a choke
    price, where a buyer drops out and demand jumps down, the price stops at that choke price
    and some capacity is left unsold.

    Parameters
    ----------
    buyers : sequence of BuyerType
    capacity : array_like
        Accelerators available, H100-equivalents, > 0.
    marginal_cost_usd_per_hour : array_like
        Supply's price floor, USD per accelerator-hour, in the kit's hourly-price domain (0, 1e4]
        (broadcasts with ``capacity``).

    Returns
    -------
    float or numpy.ndarray
        USD per accelerator-hour, the broadcast shape of the inputs.

    Raises
    ------
    ValueError
        For bad inputs, or if the price that clears lies above the kit's hourly-price domain
        (1e4 USD/h; a capacity far below what the buyers want at any such price).

    References
    ----------
    Competitive equilibrium with a capacity constraint (price rises until demand equals the
    fixed supply), e.g. Varian, *Intermediate Microeconomics* (8th ed.), ch. 16 (equilibrium).
    The log of total isoelastic demand is a log-sum-exp of lines in log price, hence convex
    (Boyd & Vandenberghe 2004, *Convex Optimization*, section 3.1.5), which is why Newton's
    method from below converges to the price without overshooting.
    """
    buyers = _check_buyers(buyers)
    cap, mc = broadcast({"capacity": positive("capacity", capacity, "accelerators"),
                         "marginal_cost_usd_per_hour": _prices(marginal_cost_usd_per_hour,
                                                                          "marginal_cost_usd_per_hour")},
                        work_per_value=len(buyers))
    shape = cap.shape
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        price = _clearing_price(_columns(buyers), cap.reshape(-1).copy(), mc.reshape(-1).copy())
    price = price.reshape(shape)
    high = USD_PER_HOUR_RANGE[1]
    if not np.all(price <= high):  # also NaN or inf, from an overflow
        raise ValueError(f"the clearing price is above the kit's hourly-price domain ({high:g} USD/h) or not a "
                         "finite number for these inputs: they are outside the model's range (check buyers' "
                         "reference_quantity and elasticity against capacity and marginal_cost_usd_per_hour)")
    return scalar_or_array(price)


@dataclass(frozen=True, eq=False)
class MarketResult(ArrayRecord):
    """A cleared market: the price, who rents how much, who is priced out.

    Attributes
    ----------
    names : tuple[str, ...]
        Buyer names, in the order of the arrays.
    usd_per_hour : float
        Clearing price, USD per accelerator-hour.
    quantity : numpy.ndarray
        Accelerators rented by each buyer, H100-equivalents.
    reference_quantity : numpy.ndarray
        What each buyer would rent at its reference price (for comparison).
    priced_out : numpy.ndarray of bool
        Rents nothing, or less than :data:`FRAC_PRICED_OUT` of its reference quantity.
    capacity : float
        Accelerators available.
    marginal_cost_usd_per_hour : float
        Supply's price floor.
    """

    names: tuple[str, ...]
    usd_per_hour: float
    quantity: np.ndarray
    reference_quantity: np.ndarray
    priced_out: np.ndarray
    capacity: float
    marginal_cost_usd_per_hour: float

    @property
    def total_quantity(self) -> float:
        """Accelerators rented in total."""
        return float(self.quantity.sum())

    @property
    def frac_of_reference(self) -> np.ndarray:
        """What each buyer rents as a fraction of what it would rent at its reference price."""
        return self.quantity / self.reference_quantity

    @property
    def unsold_capacity(self) -> float:
        """Accelerators nobody rents at the clearing price (>= 0)."""
        return max(self.capacity - self.total_quantity, 0.0)

    @property
    def at_marginal_cost(self) -> bool:
        """True if the price sits at the floor: capacity is not scarce."""
        return self.usd_per_hour <= self.marginal_cost_usd_per_hour

    @property
    def spending_usd_per_hour(self) -> np.ndarray:
        """What each buyer pays, USD per hour (price x accelerators)."""
        return self.usd_per_hour * self.quantity

    @property
    def total_spending_usd_per_year(self) -> float:
        """What all buyers pay, USD per year (:data:`compute_econ.costs.HOURS_PER_YEAR` hours)."""
        return float(self.spending_usd_per_hour.sum()) * costs.HOURS_PER_YEAR

    @property
    def priced_out_names(self) -> tuple[str, ...]:
        """Names of the buyers priced out."""
        return tuple(n for n, out in zip(self.names, self.priced_out, strict=True) if out)

    def __str__(self) -> str:
        out = ", ".join(self.priced_out_names) or "nobody"
        return (f"clears at ${self.usd_per_hour:.2f}/accelerator-hour; {self.total_quantity:,.0f} of "
                f"{self.capacity:,.0f} accelerators rented; priced out: {out}")


def _priced_out(buyers: tuple[BuyerType, ...], quantity: np.ndarray) -> np.ndarray:
    q0 = _columns(buyers).q0[:, 0]
    return (quantity <= 0) | (quantity < FRAC_PRICED_OUT * q0)


def clear_market(buyers: Sequence[BuyerType], curve: SupplyCurve) -> MarketResult:
    """Clear the market: the price, each buyer's accelerators, who is priced out, unsold capacity.

    Parameters
    ----------
    buyers : sequence of BuyerType
        Demand (unique names).
    curve : SupplyCurve
        Capacity and marginal cost.

    Returns
    -------
    MarketResult

    References
    ----------
    Competitive equilibrium with a capacity constraint, e.g. Varian, *Intermediate
    Microeconomics* (8th ed.), ch. 16; see :func:`clearing_price_usd_per_hour`.

    Examples
    --------
    >>> r = clear_market(DEFAULT_BUYERS, DEFAULT_SUPPLY)
    >>> round(r.usd_per_hour, 2)  # calibrated to clear at the Lambda H100 price
    3.49
    """
    curve = instance("curve", curve, SupplyCurve)
    return _clear(_check_buyers(buyers), curve.capacity, curve.marginal_cost_usd_per_hour)


@functools.lru_cache(maxsize=2)
def _clear(buyers: tuple[BuyerType, ...], capacity: float, marginal_cost_usd_per_hour: float) -> MarketResult:
    """:func:`clear_market` on validated inputs, remembering the last two markets: an explorer clears the
    same market twice in one change (with and without a new lab or fab, when there is none) and again when
    a control that does not move the market changes (the price cap). A supply curve's ``source`` does not
    enter the result, so it is not part of the key. The record's arrays are read-only, so a remembered
    result cannot be altered by whoever received it first."""
    p = float(clearing_price_usd_per_hour(buyers, capacity, marginal_cost_usd_per_hour))
    quantity = _demand(buyers, np.asarray(p))
    reference = _columns(buyers).q0[:, 0].copy()
    priced_out = _priced_out(buyers, quantity)
    for arr in (quantity, reference, priced_out):
        arr.setflags(write=False)
    return MarketResult(
        names=tuple(b.name for b in buyers), usd_per_hour=p, quantity=quantity, reference_quantity=reference,
        priced_out=priced_out, capacity=capacity, marginal_cost_usd_per_hour=marginal_cost_usd_per_hour,
    )


# --------------------------------------------------------------------------- comparative statics


@dataclass(frozen=True)
class PriceChange:
    """What a change in demand or capacity did to the market.

    Attributes
    ----------
    before_usd_per_hour, after_usd_per_hour : float
        Clearing prices, USD per accelerator-hour.
    newly_priced_out : tuple[str, ...]
        Buyers priced out after but not before.
    no_longer_priced_out : tuple[str, ...]
        Buyers priced out before but not after.
    """

    before_usd_per_hour: float
    after_usd_per_hour: float
    newly_priced_out: tuple[str, ...]
    no_longer_priced_out: tuple[str, ...]

    @property
    def frac_price_change(self) -> float:
        """Relative change of the price (0.25 = 25 % higher)."""
        return self.after_usd_per_hour / self.before_usd_per_hour - 1.0


def compare_markets(before: MarketResult, after: MarketResult) -> PriceChange:
    """The price change between two cleared markets and who became (or stopped being) priced out.

    Buyers are matched by name; a buyer present in only one market (a new frontier lab)
    counts as priced out only where it is present.
    """
    before = instance("before", before, MarketResult)
    after = instance("after", after, MarketResult)
    out_before, out_after = set(before.priced_out_names), set(after.priced_out_names)
    return PriceChange(
        before_usd_per_hour=before.usd_per_hour, after_usd_per_hour=after.usd_per_hour,
        newly_priced_out=tuple(n for n in after.names if n in out_after and n not in out_before),
        no_longer_priced_out=tuple(n for n in before.names if n in out_before and n not in out_after),
    )


def new_frontier_lab(reference_quantity: float, name: str = "new frontier lab") -> BuyerType:
    """A new frontier lab's demand: the default frontier labs' elasticity and contract, a given size.

    Parameters
    ----------
    reference_quantity : float
        Accelerators it wants at the reference price, H100-equivalents, > 0.
    name : str
        Its label.

    Examples
    --------
    >>> before = clear_market(DEFAULT_BUYERS, DEFAULT_SUPPLY)
    >>> after = clear_market(DEFAULT_BUYERS + (new_frontier_lab(1e6),), DEFAULT_SUPPLY)
    >>> after.usd_per_hour > before.usd_per_hour
    True
    """
    template = DEFAULT_BUYERS[0]
    return replace(template, name=text("name", name),
                   reference_quantity=scalar("reference_quantity", reference_quantity, 0.0, low_open=True,
                                             unit="accelerators"),
                   note="what-if size; elasticity and contract as " + template.name)


def add_capacity(curve: SupplyCurve, extra_capacity: float) -> SupplyCurve:
    """The supply curve with ``extra_capacity`` more accelerators (a new fab's output), same marginal cost.

    Parameters
    ----------
    curve : SupplyCurve
    extra_capacity : float
        Accelerators added, H100-equivalents, >= 0.
    """
    curve = instance("curve", curve, SupplyCurve)
    extra = scalar("extra_capacity", extra_capacity, 0.0, unit="accelerators")
    total = finite_result("the capacity", curve.capacity + extra, "curve.capacity + extra_capacity")
    return replace(curve, capacity=total, source=f"{curve.source} + {extra:,.0f} added (what-if)")


# --------------------------------------------------------------------------- rationing


@dataclass(frozen=True, eq=False)
class RationingResult(ArrayRecord):
    """Who gets what when the price is held below the clearing price.

    Attributes
    ----------
    names : tuple[str, ...]
        Buyer names, in the order of the arrays.
    rule : str
        ``"proportional"`` or ``"contract_priority"``.
    usd_per_hour : float
        The price charged (the cap), USD per accelerator-hour.
    capacity : float
        Accelerators available.
    requested : numpy.ndarray
        What each buyer asks for at that price.
    allocated : numpy.ndarray
        What each buyer gets; ``0 <= allocated <= requested``, sum ``<= capacity``.
    frac_served : numpy.ndarray
        ``allocated / requested`` in [0, 1]; 1 for a buyer who asks for nothing.
    waiting_periods : numpy.ndarray
        Extra time, in periods, to finish a job of ``job_periods``: a buyer served a fraction
        ``f`` of its request each period needs ``1/f`` times as long, so it waits
        ``(1/f - 1) * job_periods``. ``inf`` for a buyer who is never served (the wait has no
        end; ``never_served`` flags it): a plot clips it, the model does not.
    never_served : numpy.ndarray of bool
        Asks for accelerators and gets none.
    priced_out : numpy.ndarray of bool
        Asks for nothing or less than :data:`FRAC_PRICED_OUT` of its reference quantity at this price.
    job_periods : float
        Length of a job at full service, periods.
    """

    names: tuple[str, ...]
    rule: str
    usd_per_hour: float
    capacity: float
    requested: np.ndarray
    allocated: np.ndarray
    frac_served: np.ndarray
    waiting_periods: np.ndarray
    never_served: np.ndarray
    priced_out: np.ndarray
    job_periods: float = 1.0

    @property
    def unmet(self) -> np.ndarray:
        """Requested minus allocated, per buyer (>= 0)."""
        return self.requested - self.allocated

    @property
    def total_allocated(self) -> float:
        """Accelerators handed out in total."""
        return float(self.allocated.sum())

    @property
    def total_requested(self) -> float:
        """Accelerators asked for in total at this price."""
        return float(self.requested.sum())

    @property
    def shortage(self) -> float:
        """Total requests minus capacity (0 if requests fit)."""
        return max(self.total_requested - self.capacity, 0.0)


def _pro_rata(requested: np.ndarray, capacity: float) -> np.ndarray:
    """Everyone gets the same fraction of its request, the largest that fits (at most 1)."""
    total = requested.sum()
    frac = 1.0 if total <= capacity else capacity / total
    return requested * frac


def ration(buyers: Sequence[BuyerType], capacity: float, usd_per_hour: float, rule: str = "proportional",
           job_periods: float = 1.0) -> RationingResult:
    """Allocate ``capacity`` among buyers' requests at a price that does not clear the market.

    * ``"proportional"``: everyone gets the same fraction of what it asks for at that price.
    * ``"contract_priority"``: long-term-contract holders (``has_contract``) are served in
      full first (pro rata among them if even they exceed capacity); the rest share what is
      left pro rata.

    All capacity is assumed to be offered at the capped price (providers keep renting at
    their list price); a cap below marginal cost would, in the long run, shrink supply, which
    this function does not model. If the price is at or above the clearing price, requests
    fit and everyone is served in full.

    Parameters
    ----------
    buyers : sequence of BuyerType
    capacity : float
        Accelerators available, H100-equivalents, >= 0.
    usd_per_hour : float
        The price charged (a cap or list price), USD per accelerator-hour, in the kit's hourly-price
        domain (0, 1e4].
    rule : str
        One of :data:`RATIONING_RULES`.
    job_periods : float
        Length of a buyer's job at full service, periods (> 0), for the waiting time.

    Returns
    -------
    RationingResult

    References
    ----------
    The proportional rule and priority rules for dividing a short supply among claims:
    Thomson 2003, "Axiomatic and game-theoretic analysis of bankruptcy and taxation problems:
    a survey", Mathematical Social Sciences 45(3). Waiting time as the cost of non-price
    rationing: Barzel 1974, "A Theory of Rationing by Waiting", J. Law & Econ. 17(1).
    """
    buyers = _check_buyers(buyers)
    cap = scalar("capacity", capacity, 0.0, unit="accelerators")
    p = _price("usd_per_hour", usd_per_hour)
    rule = choice("rule", rule, RATIONING_RULES)
    job = scalar("job_periods", job_periods, 0.0, low_open=True, unit="periods")
    requested = _demand(buyers, np.asarray(p))
    with np.errstate(over="ignore"):
        finite_result("demand", requested.sum(), "buyers (reference_quantity, elasticity) and usd_per_hour")
    if rule == "proportional":
        allocated = _pro_rata(requested, cap)
    else:
        contract = np.array([b.has_contract for b in buyers])
        allocated = np.zeros_like(requested)
        allocated[contract] = _pro_rata(requested[contract], cap)
        left = max(cap - allocated[contract].sum(), 0.0)
        allocated[~contract] = _pro_rata(requested[~contract], left)
    allocated = np.minimum(allocated, requested)  # guard against rounding above the request
    asked = requested > 0
    frac = np.where(asked, allocated / np.where(asked, requested, 1.0), 1.0)
    never = asked & (allocated <= 0)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        # requested / allocated rather than 1 / frac: a tiny share would lose its digits in 1 / frac
        slowdown = np.where(asked & ~never, requested / np.where(never, 1.0, allocated), 1.0)
        wait = np.where(never, math.inf, (slowdown - 1.0) * job)
    finite_result("the waiting time of a buyer who is served", wait[~never], "capacity and job_periods")
    return RationingResult(
        names=tuple(b.name for b in buyers), rule=rule, usd_per_hour=p, capacity=cap, requested=requested,
        allocated=allocated, frac_served=frac, waiting_periods=wait, never_served=never,
        priced_out=_priced_out(buyers, requested), job_periods=job,
    )


# --------------------------------------------------------------------------- defaults

#: Reference rental price: Lambda's on-demand H100 SXM, $3.49 per GPU-hour, January 2024
#: (:data:`compute_econ.costs.H100_LAMBDA_2024`, with its source).
REFERENCE_RENTAL = costs.H100_LAMBDA_2024
_P0 = REFERENCE_RENTAL.on_demand_usd_per_hour

#: About 4 million H100-equivalents of NVIDIA data-centre GPU compute installed (4e21 FLOP/s):
#: Epoch AI, "The stock of computing power from NVIDIA chips is doubling every 10 months"
#: (Emberson & Owen, data insight, 2025-02-13). NVIDIA only; TPUs and other chips excluded.
#: Used as the order of magnitude of rentable capacity: an estimate.
INSTALLED_H100_EQUIVALENTS = 4.0e6

_SHARE_NOTE = (
    "Share of the installed base at the reference price: illustrative estimate; private buyers together 80 % "
    "and public (government + academia) 20 %, after Epoch AI's estimate that the private sector held ~80 % of "
    "AI supercomputer performance in 2025 (Pilz et al. 2025, 'Trends in AI Supercomputers', arXiv:2504.16026; "
    "Epoch data insight 2025-06-05); the split within each group is unsourced. "
)
_ELASTICITY_NOTE = (
    "Elasticity and choke price: illustrative estimates, no published estimate for AI compute found. Jiang, Lee "
    "& Zomaya ('Price Elasticity of the Enterprise Computing Resource Market', IEEE) find server rental "
    "inelastic and public cloud modestly elastic, qualitatively consistent with the ordering used here. "
)
_SOURCE = (f"Quantity: share x {INSTALLED_H100_EQUIVALENTS:,.0f} H100-equivalents (Epoch AI 2025-02-13, estimate). "
           f"Reference price: {REFERENCE_RENTAL.name}, ${_P0:.2f}/h ({REFERENCE_RENTAL.price_year}).")


def _buyer(name: str, share: float, elasticity: float, why: str, max_usd_per_hour: float | None = None,
           has_contract: bool = False) -> BuyerType:
    return BuyerType(name=name, reference_quantity=share * INSTALLED_H100_EQUIVALENTS, reference_usd_per_hour=_P0,
                     elasticity=elasticity, max_usd_per_hour=max_usd_per_hour, has_contract=has_contract,
                     source=_SOURCE, note=_SHARE_NOTE + _ELASTICITY_NOTE + why)


#: Default buyer types. Shares sum to 1, so at the reference price total demand equals
#: :data:`INSTALLED_H100_EQUIVALENTS` and the default market clears at the Lambda price.
#: Every elasticity and choke price is an illustrative estimate (see each ``note``).
DEFAULT_BUYERS: tuple[BuyerType, ...] = (
    _buyer("frontier labs", 0.30, -0.3, "Inelastic: compute is the core input of a scaling race; multi-year "
           "contracts.", has_contract=True),
    _buyer("hyperscalers & big tech", 0.30, -0.5, "Inelastic: own data centres and internal products; "
           "capacity reserved ahead.", has_contract=True),
    _buyer("AI start-ups", 0.10, -1.5, "Elastic: can train smaller models or buy API access; choke $8/h is "
           "illustrative.", max_usd_per_hour=8.0),
    _buyer("enterprises", 0.10, -1.2, "Elastic: can buy API access instead; choke = AWS p5 on-demand list "
           "price 2023 (compute_econ.costs.H100_AWS_P5_2023), the highest sourced list price, as an "
           "illustrative ceiling.", max_usd_per_hour=costs.H100_AWS_P5_2023.on_demand_usd_per_hour),
    _buyer("universities", 0.07, -1.0, "Unit elastic: a fixed grant budget buys budget/price accelerators; "
           "choke $6/h is illustrative.", max_usd_per_hour=6.0),
    _buyer("governments & sovereign AI", 0.13, -0.7, "Fairly inelastic: strategic programmes with "
           "appropriated budgets."),
)

#: Default supply: capacity = :data:`INSTALLED_H100_EQUIVALENTS` (estimate); marginal cost = the
#: cost of an owned H100-hour at full utilisation, :func:`compute_econ.costs.owned_cost_per_accelerator_hour`
#: with :data:`compute_econ.costs.H100_OWNERSHIP` (about $1.99/h, 2023 USD): below it, renting out
#: loses money for an owner over the hardware's life.
DEFAULT_SUPPLY = SupplyCurve(
    capacity=INSTALLED_H100_EQUIVALENTS,
    marginal_cost_usd_per_hour=float(costs.owned_cost_per_accelerator_hour(costs.H100_OWNERSHIP, 1.0)),
    source=("Capacity: ~4M H100-equivalents installed, Epoch AI data insight 2025-02-13 (estimate, NVIDIA only). "
            "Marginal cost: owned H100-hour at 100 % utilisation from compute_econ.costs.H100_OWNERSHIP "
            "(sources and estimates there)."),
)
