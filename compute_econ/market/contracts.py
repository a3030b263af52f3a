"""Long-term contract vs spot: a Monte Carlo of a buyer of accelerator-hours.

A buyer needs the same accelerator-hours every period: it locks capacity on a take-or-pay
contract (:class:`ContractTerms`), or buys on a spot market (:class:`SpotMarket`) whose
price is a log-normal random walk and which, some periods, has no capacity for this buyer
at all. :func:`simulate_contract_vs_spot` runs both strategies on the same simulated paths;
:func:`spot_price_paths` exposes the simulated prices.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from collections.abc import Callable

import numpy as np

from compute_econ import costs
from compute_econ._records import ArrayRecord
from compute_econ._validate import (
    MAX_WORK_ITEMS,
    USD_PER_HOUR_RANGE,
    bounded_work,
    finite_result,
    instance,
    integer,
    scalar,
    text,
)

__all__ = [
    "ContractTerms",
    "SpotMarket",
    "StrategyOutcome",
    "ContractVsSpotResult",
    "DEFAULT_CONTRACT",
    "DEFAULT_SPOT",
    "DEFAULT_ACCELERATOR_HOURS_PER_MONTH",
    "HOURS_PER_MONTH",
    "DEFAULT_N_PATHS",
    "CHUNK_PATHS",
    "MAX_PERIODS",
    "MAX_PATH_PERIODS",
    "spot_price_paths",
    "simulate_contract_vs_spot",
]

#: Hours in a month (a year / 12), from compute_econ.costs.
HOURS_PER_MONTH = costs.HOURS_PER_YEAR / 12.0

#: Illustrative buyer: a 1,000-accelerator cluster running all month (730,000 accelerator-hours).
DEFAULT_ACCELERATOR_HOURS_PER_MONTH = 1000 * HOURS_PER_MONTH

#: Default Monte Carlo sample: keeps one explorer update well under 100 ms.
DEFAULT_N_PATHS = 20_000

#: Paths simulated per chunk (memory stays bounded; ``progress`` is called after each chunk).
#: Results depend on the seed and on this chunk size, so it is fixed.
CHUNK_PATHS = 5000

#: The model's longest horizon and longest contract, in periods: 1,200 (a century of months).
#: Compute contracts run for months to a few years (the default is 36 months), so the cap only
#: stops a typo; it also keeps one chunk of paths (:data:`CHUNK_PATHS` x periods) under 50 MB.
MAX_PERIODS = 1200

#: The most simulated path-periods (``n_paths x n_periods``) one call runs: 20 million, a few
#: seconds here (the explorer's default, 20,000 paths x 48 months, is under a million).
MAX_PATH_PERIODS = 20_000_000


@dataclass(frozen=True)
class ContractTerms:
    """A long-term take-or-pay contract for accelerator capacity.

    For the first ``n_periods`` periods the buyer pays for ``frac_of_demand`` x its need at
    ``usd_per_accelerator_hour``, used or not (take-or-pay). Need above the commitment, and
    all need after the contract ends, is bought on the spot market.

    Attributes
    ----------
    usd_per_accelerator_hour : float
        Contract price, USD per accelerator-hour, in [0, 10,000] (the kit's range for an hourly
        price, :data:`compute_econ._validate.USD_PER_HOUR_RANGE`).
    n_periods : int
        Contract length in periods (months by default), whole, in [0, :data:`MAX_PERIODS`]
        (0 = no contract).
    frac_of_demand : float
        Committed capacity as a fraction of the buyer's need per period, in [0, 2]
        (above 1 the buyer pays for hours it does not use).
    source : str
        Where the terms come from.

    Each field is validated and stored as a Python ``float``, ``int`` or ``str``.
    """

    usd_per_accelerator_hour: float
    n_periods: int
    frac_of_demand: float = 1.0
    source: str = "user"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "usd_per_accelerator_hour",
             scalar("usd_per_accelerator_hour", self.usd_per_accelerator_hour, *USD_PER_HOUR_RANGE, unit="USD/h"))
        set_(self, "n_periods", bounded_work("n_periods", self.n_periods, MAX_PERIODS, low=0))
        set_(self, "frac_of_demand", scalar("frac_of_demand", self.frac_of_demand, 0.0, 2.0))
        set_(self, "source", text("source", self.source))


@dataclass(frozen=True)
class SpotMarket:
    """A spot market for accelerator-hours: a volatile price and a chance of no capacity.

    The log price is a random walk with drift (geometric Brownian motion sampled once a period):

    .. math:: \\ln P_{t+1} = \\ln P_t + \\mu\\,\\Delta t + \\sigma \\sqrt{\\Delta t}\\, Z_t

    so ``drift_per_year`` (mu) is exactly how fast the log price moves on average, and the
    *median* price is P_0 e^{mu t}. The *mean* price is P_0 e^{(mu + sigma^2/2) t}: volatility
    raises the average cost of buying spot (a log-normal's mean exceeds its median). Each
    period, independently, with probability ``p_no_capacity`` the market has no capacity for
    this buyer (a shortfall).

    Attributes
    ----------
    start_usd_per_hour : float
        Spot price in the first period, USD per accelerator-hour, in (0, 10,000] (the kit's
        range for an hourly price, :data:`compute_econ._validate.USD_PER_HOUR_RANGE`).
    volatility_per_year : float
        sigma, annualised volatility of the log price, in [0, 3].
    drift_per_year : float
        mu, the average change of the log price per year, in [-3, 3] (negative: prices fall;
        -0.32 means the median price falls by a factor e^0.32 = 1.38 a year).
    p_no_capacity : float
        Probability, per period, that no spot capacity is available to this buyer, in [0, 1].
    periods_per_year : float
        Periods per year (12 = months), from 1 (a year) to 8,766 (an hour;
        ``compute_econ.costs.HOURS_PER_YEAR``).
    source : str
        What the parameters rest on; says which are estimates.

    Each field is validated and stored as a Python ``float`` or ``str``.
    """

    start_usd_per_hour: float
    volatility_per_year: float
    drift_per_year: float = 0.0
    p_no_capacity: float = 0.0
    periods_per_year: float = 12.0
    source: str = "user"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "start_usd_per_hour",
             scalar("start_usd_per_hour", self.start_usd_per_hour, *USD_PER_HOUR_RANGE, low_open=True, unit="USD/h"))
        set_(self, "volatility_per_year", scalar("volatility_per_year", self.volatility_per_year, 0.0, 3.0))
        set_(self, "drift_per_year", scalar("drift_per_year", self.drift_per_year, -3.0, 3.0))
        set_(self, "p_no_capacity", scalar("p_no_capacity", self.p_no_capacity, 0.0, 1.0))
        set_(self, "periods_per_year", scalar("periods_per_year", self.periods_per_year, 1.0, costs.HOURS_PER_YEAR))
        set_(self, "source", text("source", self.source))


#: Default contract: Lambda's H100 price with a 3-year commitment, 36 months, covering all need.
#: The price is compute_econ.costs.H100_LAMBDA_2024.committed_usd_per_hour, itself an *estimate*
#: (on-demand $3.49 x (1 - 0.56), Epoch's assumed 3-year discount; see that constant's source).
DEFAULT_CONTRACT = ContractTerms(
    usd_per_accelerator_hour=costs.H100_LAMBDA_2024.committed_usd_per_hour,
    n_periods=int(round(costs.H100_LAMBDA_2024.commitment_years * 12)),
    frac_of_demand=1.0,
    source="compute_econ.costs.H100_LAMBDA_2024: committed price (estimate) and its 3-year commitment, in months",
)

#: Default spot market (monthly periods). Start: Lambda's H100 on-demand list price, Jan 2024
#: (compute_econ.costs.H100_LAMBDA_2024). Drift: the log price falls 0.322 a year, as hardware value
#: falls 0.14 orders of magnitude a year (compute_econ.costs.DEPRECIATION_PER_YEAR; Cottier et al. 2024).
#: Volatility 0.5/year and a 5 % monthly chance of no capacity are *illustrative estimates*: no
#: volatility or outage rate is published. What they rest on: H100 rentals went from ~$8/h at
#: the 2023 peak to under $2/h by late 2024 (E. Cheah, "$2 H100s: How the GPU Bubble Burst",
#: Latent Space, Oct 2024), ln(4) ~ 1.4 in ~1.5 years; then rose ~40 % from $1.70 (Oct 2025) to
#: $2.35 (Mar 2026) with capacity "sold out" (SemiAnalysis's H100 1-year rental contract index, "The
#: Great GPU Shortage": a contract price, which moves less than spot). As a random walk, moves of that size imply sigma ~ 0.5-1.1/year; 0.5 is the low
#: end. The 2023 shortage (months-long waitlists for H100s) is the evidence for no-capacity months.
DEFAULT_SPOT = SpotMarket(
    start_usd_per_hour=costs.H100_LAMBDA_2024.on_demand_usd_per_hour,
    volatility_per_year=0.5,
    drift_per_year=-costs.DEPRECIATION_PER_YEAR,
    p_no_capacity=0.05,
    periods_per_year=12.0,
    source=(
        "start: compute_econ.costs.H100_LAMBDA_2024 on-demand ($3.49/h, Jan 2024); drift: "
        "-compute_econ.costs.DEPRECIATION_PER_YEAR (Cottier et al. 2024); volatility 0.5/yr and "
        "p_no_capacity 0.05/month: illustrative estimates (H100 rental ~$8/h 2023 -> <$2/h 2024, Latent Space "
        "Oct 2024; 1-year contracts $1.70 -> $2.35/h Oct 2025-Mar 2026, SemiAnalysis; 2023 GPU shortage)"
    ),
)


def _read_only(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class StrategyOutcome(ArrayRecord):
    """One strategy's totals per simulated path, with summary statistics.

    Attributes
    ----------
    cost_usd : numpy.ndarray
        Total cost of each path, USD (read-only).
    shortfall_accelerator_hours : numpy.ndarray
        Accelerator-hours needed but not obtained on each path (read-only).
    demand_accelerator_hours : float
        Total need over the horizon (the same on every path).
    mean_cost_usd : float
    cost_percentiles_usd : dict[int, float]
        5th, 50th and 95th percentiles of ``cost_usd``.
    p_any_shortfall : float
        Share of paths with any shortfall.
    mean_frac_unmet : float
        Mean over paths of shortfall / need.
    """

    cost_usd: np.ndarray = field(repr=False)
    shortfall_accelerator_hours: np.ndarray = field(repr=False)
    demand_accelerator_hours: float
    mean_cost_usd: float
    cost_percentiles_usd: dict
    p_any_shortfall: float
    mean_frac_unmet: float

    @classmethod
    def from_paths(cls, cost_usd: np.ndarray, shortfall: np.ndarray, demand: float) -> StrategyOutcome:
        p5, p50, p95 = np.percentile(cost_usd, [5, 50, 95])
        return cls(
            cost_usd=_read_only(cost_usd), shortfall_accelerator_hours=_read_only(shortfall),
            demand_accelerator_hours=float(demand), mean_cost_usd=float(cost_usd.mean()),
            cost_percentiles_usd={5: float(p5), 50: float(p50), 95: float(p95)},
            p_any_shortfall=float(np.mean(shortfall > 0)), mean_frac_unmet=float(shortfall.mean() / demand),
        )

    @property
    def frac_unmet(self) -> np.ndarray:
        """Shortfall / need on each path, in [0, 1]."""
        return self.shortfall_accelerator_hours / self.demand_accelerator_hours


@dataclass(frozen=True, eq=False)
class ContractVsSpotResult(ArrayRecord):
    """Outcome of :func:`simulate_contract_vs_spot`: both strategies on the same simulated paths.

    Attributes
    ----------
    contract, spot : StrategyOutcome
        Each strategy's per-path costs and shortfalls, with summaries.
    contract_terms : ContractTerms
    spot_market : SpotMarket
        The inputs simulated.
    accelerator_hours_per_period : float
    n_periods, n_paths : int
    seed : int or None
    """

    contract: StrategyOutcome
    spot: StrategyOutcome
    contract_terms: ContractTerms
    spot_market: SpotMarket
    accelerator_hours_per_period: float
    n_periods: int
    n_paths: int
    seed: int | None

    @property
    def p_contract_cheaper(self) -> float:
        """Share of paths on which the contract costs less than spot (same paths for both)."""
        return float(np.mean(self.contract.cost_usd < self.spot.cost_usd))


def _price_paths(rng: np.random.Generator, spot: SpotMarket, n_paths: int, n_periods: int) -> np.ndarray:
    """``n_paths`` spot price paths of ``n_periods`` periods, USD per accelerator-hour (the first period is P_0).

    A price beyond the float range is inf here; the public functions refuse it (:func:`_finite`).
    """
    dt = 1.0 / spot.periods_per_year
    steps = spot.drift_per_year * dt + spot.volatility_per_year * math.sqrt(dt) * rng.standard_normal(
        (n_paths, n_periods - 1))
    price = np.zeros((n_paths, n_periods))
    np.cumsum(steps, axis=1, out=price[:, 1:])
    with np.errstate(over="ignore"):
        np.exp(price, out=price)
    price *= spot.start_usd_per_hour
    return price


def _sizes(n_periods: object, n_paths: object) -> tuple[int, int]:
    """The horizon and the sample, each bounded, and their product (the work) at most :data:`MAX_PATH_PERIODS`."""
    T = bounded_work("n_periods", n_periods, MAX_PERIODS)
    n = bounded_work("n_paths", n_paths, MAX_WORK_ITEMS)
    if n * T > MAX_PATH_PERIODS:
        raise ValueError(f"n_paths x n_periods must be at most {MAX_PATH_PERIODS:,} simulated path-periods (the "
                         f"model's maximum), got {n:,} x {T:,} = {n * T:,}")
    return T, n


def _seed(seed: object) -> int | None:
    """A seed for ``numpy.random.default_rng``: None (fresh entropy) or a whole number in [0, 2**63 - 1]."""
    return None if seed is None else integer("seed", seed, 0, 2**63 - 1)


def _finite(what: str, values: object) -> None:
    """Refuse a result that overflowed: the inputs to check are the horizon, the need and the spot market."""
    finite_result(what, values, "n_periods, accelerator_hours_per_period and the spot market: a long horizon "
                                "with a steep drift, or a very large need")


def spot_price_paths(spot: SpotMarket = DEFAULT_SPOT, n_periods: int = 36, n_paths: int = 1000,
                     seed: int | None = 0) -> np.ndarray:
    """Simulated spot prices: ``n_paths`` rows of ``n_periods`` periods, USD per accelerator-hour.

    The same process :func:`simulate_contract_vs_spot` prices its spot purchases with: the
    log price moves by ``drift_per_year`` a year on average, with volatility ``volatility_per_year``
    (see :class:`SpotMarket`).

    Parameters
    ----------
    spot : SpotMarket
    n_periods : int
        Periods per path, whole, in [1, :data:`MAX_PERIODS`] (the first is the start price).
    n_paths : int
        Number of paths, whole, >= 1; ``n_paths x n_periods`` at most :data:`MAX_PATH_PERIODS`.
    seed : int or None
        Seed for ``numpy.random.default_rng``, a whole number in [0, 2**63 - 1], or None.

    Raises
    ------
    ValueError
        For a bad input, naming it, or when prices overflow (a horizon of centuries with a
        steep upward drift).

    References
    ----------
    Geometric Brownian motion: Hull, *Options, Futures and Other Derivatives*, ch. 14.

    Examples
    --------
    >>> calm = SpotMarket(start_usd_per_hour=2.0, volatility_per_year=0.0, drift_per_year=0.0)
    >>> spot_price_paths(calm, n_periods=3, n_paths=2).tolist()
    [[2.0, 2.0, 2.0], [2.0, 2.0, 2.0]]
    """
    spot = instance("spot", spot, SpotMarket)
    T, n = _sizes(n_periods, n_paths)
    prices = _price_paths(np.random.default_rng(_seed(seed)), spot, n, T)
    _finite("the simulated spot prices", prices)
    return prices


def simulate_contract_vs_spot(
    contract: ContractTerms = DEFAULT_CONTRACT,
    spot: SpotMarket = DEFAULT_SPOT,
    accelerator_hours_per_period: float = DEFAULT_ACCELERATOR_HOURS_PER_MONTH,
    n_periods: int = 36,
    n_paths: int = DEFAULT_N_PATHS,
    seed: int | None = 0,
    progress: Callable[[int, int], None] | None = None,
) -> ContractVsSpotResult:
    """Monte Carlo of total cost and shortfall: a long-term contract against buying on the spot market.

    A buyer needs Q accelerator-hours every period for T periods. **Contract**: for the first
    L = ``contract.n_periods`` periods it pays for ``frac_of_demand`` x Q hours at the contract
    price (take-or-pay) and buys any remaining need on the spot market; after L it buys
    everything spot. **Spot**: it buys Q hours every period at the spot price. In a period with
    no spot capacity, whatever was to be bought spot is not obtained (a shortfall, not paid
    for); contracted hours are always delivered. Both strategies see the *same* price paths
    and outages (common random numbers), so their difference is not sampling noise.

    Parameters
    ----------
    contract : ContractTerms
        Contract price, length and committed fraction.
    spot : SpotMarket
        Spot price process and chance of no capacity.
    accelerator_hours_per_period : float
        Q, accelerator-hours needed each period, > 0.
    n_periods : int
        T, horizon in periods (months by default), whole, in [1, :data:`MAX_PERIODS`].
    n_paths : int
        Number of simulated paths, whole, >= 1; ``n_paths x n_periods`` at most
        :data:`MAX_PATH_PERIODS`.
    seed : int or None
        Seed for ``numpy.random.default_rng``, a whole number in [0, 2**63 - 1]; the same seed
        gives identical results (None: a fresh draw each call).
    progress : callable, optional
        Called as ``progress(done_paths, n_paths)`` after each chunk of :data:`CHUNK_PATHS`
        paths (e.g. to move a notebook progress bar).

    Returns
    -------
    ContractVsSpotResult
        Per-path costs (USD) and shortfalls for each strategy, with summaries.

    Raises
    ------
    ValueError
        For a bad input, naming it, or when costs overflow (a need or a horizon beyond the
        model's range).

    References
    ----------
    Price process: geometric Brownian motion (Black & Scholes 1973; Hull, *Options, Futures
    and Other Derivatives*, ch. 14). Default parameters: see :data:`DEFAULT_SPOT` and
    :data:`DEFAULT_CONTRACT`.
    """
    contract = instance("contract", contract, ContractTerms)
    spot = instance("spot", spot, SpotMarket)
    Q = scalar("accelerator_hours_per_period", accelerator_hours_per_period, 0.0, math.inf, low_open=True,
               unit="accelerator-hours")
    T, n_paths = _sizes(n_periods, n_paths)
    seed = _seed(seed)
    if progress is not None and not callable(progress):
        raise ValueError(f"progress must be a callable progress(done, total) or None, got {progress!r:.80}")
    demand = Q * T
    _finite("the total need (accelerator_hours_per_period x n_periods)", demand)
    L = min(contract.n_periods, T)

    t = np.arange(T)
    in_contract = t < L
    committed = contract.frac_of_demand * Q
    fixed_usd = np.where(in_contract, committed * contract.usd_per_accelerator_hour, 0.0).sum()
    spot_need_contract = np.where(in_contract, max(Q - committed, 0.0), Q)  # hours bought spot, per period

    cost_c, short_c = np.empty(n_paths), np.empty(n_paths)
    cost_s, short_s = np.empty(n_paths), np.empty(n_paths)
    rng = np.random.default_rng(seed)
    for start in range(0, n_paths, CHUNK_PATHS):
        m = min(CHUNK_PATHS, n_paths - start)
        price = _price_paths(rng, spot, m, T)
        available = rng.random((m, T)) >= spot.p_no_capacity
        with np.errstate(over="ignore", invalid="ignore"):
            paid = price * available  # USD per spot hour actually bought (0 when no capacity)
            sl = slice(start, start + m)
            cost_s[sl] = Q * paid.sum(axis=1)
            cost_c[sl] = fixed_usd + paid @ spot_need_contract
        short_s[sl] = Q * (T - available.sum(axis=1))
        short_c[sl] = (~available) @ spot_need_contract
        if progress is not None:
            progress(start + m, n_paths)

    _finite("the simulated costs", (cost_c, cost_s))
    with np.errstate(over="ignore"):
        contract_outcome = StrategyOutcome.from_paths(cost_c, short_c, demand)
        spot_outcome = StrategyOutcome.from_paths(cost_s, short_s, demand)
    _finite("the mean simulated cost", (contract_outcome.mean_cost_usd, spot_outcome.mean_cost_usd))
    return ContractVsSpotResult(
        contract=contract_outcome, spot=spot_outcome, contract_terms=contract, spot_market=spot,
        accelerator_hours_per_period=Q, n_periods=T, n_paths=n_paths, seed=seed,
    )
