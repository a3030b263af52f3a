"""Build-out with lead times: data-centre power capacity answers a jump in demand late.

A stock-flow model in quarters. Demand (MW of data-centre load) follows a
baseline growth path plus a step, the *demand shock* (say a new 5 GW frontier
AI campus), at a chosen quarter. Capacity (MW that can be powered) comes online
only ``lead_time_quarters`` after it is ordered: permits, grid interconnection
and construction. Until then the extra demand is a shortage.

Ordering rule (one line, stated so a learner can check it by hand): every
quarter builders forecast demand at the time an order would arrive as *the
baseline trend then plus today's deviation from the trend*, and order the gap
between that forecast and the capacity they already have or have on order,
never less than zero and at most ``build_rate_mw_per_quarter``. Capacity is
never retired. Orders placed before quarter 0 followed the same rule, so
without a shock and without a binding build-rate cap there is never a
shortage; after a shock of S MW with unconstrained orders the shortage is S
(growing with nothing) for exactly ``lead_time_quarters`` quarters.

Defaults: US data-centre load from LBNL's 2024 United States Data Center
Energy Usage Report (176 TWh in 2023, 4.4 % of US electricity; 325-580 TWh in
2028); lead times from LBNL "Queued Up" and industry reports (constants below).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from compute_econ._records import ArrayRecord
from compute_econ._validate import (
    GROWTH_FACTOR_RANGE,
    FloatOrArray,
    QUARTER_RANGE,
    broadcast,
    finite_result,
    growth_factor,
    instance,
    integer,
    non_negative,
    positive,
    quarter,
    scalar,
    scalar_or_array,
    text,
)
from compute_econ.training import HOURS_PER_YEAR

__all__ = [
    "US_DATA_CENTRE_TWH_2023",
    "US_DATA_CENTRE_LOAD_2023_MW",
    "US_DATA_CENTRE_TWH_2028_LOW",
    "US_DATA_CENTRE_TWH_2028_HIGH",
    "GROWTH_PER_YEAR_LBNL_LOW",
    "GROWTH_PER_YEAR_LBNL_HIGH",
    "DEFAULT_GROWTH_PER_YEAR",
    "FRONTIER_CAMPUS_MW",
    "LEAD_TIME_CONSTRUCTION_QUARTERS",
    "LEAD_TIME_GRID_POWER_QUARTERS",
    "LEAD_TIME_INTERCONNECTION_QUEUE_QUARTERS",
    "baseline_demand_mw",
    "demand_mw",
    "BuildOutScenario",
    "BuildOutResult",
    "simulate_build_out",
]

#: US data-centre electricity use in 2023, TWh (LBNL 2024 United States Data Center Energy Usage Report,
#: Shehabi et al., Dec 2024: 176 TWh, 4.4 % of US electricity).
US_DATA_CENTRE_TWH_2023 = 176.0
#: The same as an average load, MW: 176 TWh / 8,766 h (compute_econ.training.HOURS_PER_YEAR) ~ 20,080 MW.
US_DATA_CENTRE_LOAD_2023_MW = US_DATA_CENTRE_TWH_2023 * 1e6 / HOURS_PER_YEAR
#: LBNL 2024 report's 2028 scenarios, TWh (6.7-12 % of US electricity).
US_DATA_CENTRE_TWH_2028_LOW = 325.0
US_DATA_CENTRE_TWH_2028_HIGH = 580.0
#: Growth factors per year implied by LBNL's 2023 -> 2028 range (five years): 1.13 and 1.27.
GROWTH_PER_YEAR_LBNL_LOW = (US_DATA_CENTRE_TWH_2028_LOW / US_DATA_CENTRE_TWH_2023) ** (1 / 5)
GROWTH_PER_YEAR_LBNL_HIGH = (US_DATA_CENTRE_TWH_2028_HIGH / US_DATA_CENTRE_TWH_2023) ** (1 / 5)
#: Default baseline growth, 1.2x/yr: between LBNL's low and high scenarios (estimate; their geometric mean is 1.198).
DEFAULT_GROWTH_PER_YEAR = 1.2
#: A frontier AI campus, MW: Sevilla et al. 2024 (Epoch AI), power section: single-campus builds of 1-5 GW
#: look feasible by 2030; Microsoft/OpenAI's reported "Stargate" plan was up to 5 GW.
FRONTIER_CAMPUS_MW = 5000.0
#: Construction alone, quarters: 18-24 months from groundbreaking to a commissioned data centre in most US
#: markets (industry figure, e.g. constructionowners.com 2026 citing JLL) -> 8 quarters (upper end).
LEAD_TIME_CONSTRUCTION_QUARTERS = 8
#: Waiting for utility power, quarters: JLL 2026 Global Data Center Outlook (as reported): ~4 years on
#: average in the US for a large grid connection, ~7 years in Northern Virginia. The default lead time.
LEAD_TIME_GRID_POWER_QUARTERS = 16
#: Generation interconnection, quarters: LBNL "Queued Up" (2023 edition): the typical project built in 2022
#: took ~5 years from interconnection request to commercial operation (3 in 2015, <2 in 2008).
LEAD_TIME_INTERCONNECTION_QUEUE_QUARTERS = 20


def _baseline(d0: ArrayLike, g: ArrayLike, q: ArrayLike) -> np.ndarray:
    with np.errstate(over="ignore", under="ignore"):
        return np.asarray(d0 * np.power(g, np.divide(q, 4.0)))


def baseline_demand_mw(demand0_mw: ArrayLike, growth_per_year: ArrayLike, quarters: ArrayLike) -> FloatOrArray:
    """Demand on the baseline path, MW: ``demand0_mw * growth_per_year ** (quarters / 4)`` (broadcasts).

    Parameters
    ----------
    demand0_mw : array_like
        Demand in quarter 0, MW (> 0).
    growth_per_year : array_like
        Growth factor per year, in the kit's growth domain (1.2 = +20 %/yr).
    quarters : array_like
        Quarters from now, in the kit's quarter domain ([0, 400]).

    Returns
    -------
    float or numpy.ndarray
        MW, the broadcast shape of the inputs (a float for scalar inputs).

    References
    ----------
    LBNL 2024 United States Data Center Energy Usage Report (176 TWh in 2023; 325-580 TWh in 2028).
    """
    d0, g, q = broadcast({"demand0_mw": positive("demand0_mw", demand0_mw, "MW"),
                          "growth_per_year": growth_factor("growth_per_year", growth_per_year),
                          "quarters": quarter("quarters", quarters)})
    out = finite_result("baseline demand", _baseline(d0, g, q), "demand0_mw, growth_per_year, quarters")
    return scalar_or_array(out)


def demand_mw(demand0_mw: ArrayLike, growth_per_year: ArrayLike, shock_mw: ArrayLike, shock_quarter: ArrayLike,
              quarters: ArrayLike) -> FloatOrArray:
    """Demand with a shock, MW: the baseline plus ``shock_mw`` from ``shock_quarter`` on (broadcasts).

    Parameters
    ----------
    demand0_mw, growth_per_year : array_like
        As in :func:`baseline_demand_mw`.
    shock_mw : array_like
        Size of the step in demand, MW (>= 0).
    shock_quarter : array_like
        Quarter in which the step arrives (kit's quarter domain, [0, 400]).
    quarters : array_like
        Quarters from now (kit's quarter domain, [0, 400]).

    Returns
    -------
    float or numpy.ndarray
        MW, the broadcast shape of the inputs (a float for scalar inputs).
    """
    d0, g, s, t0, q = broadcast({
        "demand0_mw": positive("demand0_mw", demand0_mw, "MW"),
        "growth_per_year": growth_factor("growth_per_year", growth_per_year),
        "shock_mw": non_negative("shock_mw", shock_mw, "MW"),
        "shock_quarter": quarter("shock_quarter", shock_quarter),
        "quarters": quarter("quarters", quarters)})
    with np.errstate(over="ignore"):
        out = _baseline(d0, g, q) + s * (q >= t0)
    return scalar_or_array(finite_result("demand", out, "demand0_mw, growth_per_year, shock_mw, quarters"))


@dataclass(frozen=True)
class BuildOutScenario:
    """A demand shock against capacity that arrives with a lag.

    Every field is validated and stored as validated (numbers as floats, counts as ints).

    Attributes
    ----------
    demand0_mw : float
        Demand in quarter 0, MW (> 0); default the US data-centre average load of 2023 (LBNL 2024 report).
    growth_per_year : float
        Baseline demand growth factor per year, in the kit's growth domain; default 1.2 (between LBNL's scenarios).
    shock_mw : float
        Step in demand, MW (>= 0); default one 5 GW frontier campus.
    shock_quarter : float
        Quarter of the step, in the kit's quarter domain ([0, 400]).
    lead_time_quarters : int
        Quarters from order to capacity online (0 to 400); default 16 (4 years to get grid power, JLL 2026).
    build_rate_mw_per_quarter : float
        Most capacity that can be ordered in one quarter, MW (>= 0); ``math.inf`` (the default) = unconstrained.
    horizon_quarters : int
        Quarters simulated (1 to 400).
    source : str
        Where the figures come from.
    """

    demand0_mw: float = US_DATA_CENTRE_LOAD_2023_MW
    growth_per_year: float = DEFAULT_GROWTH_PER_YEAR
    shock_mw: float = FRONTIER_CAMPUS_MW
    shock_quarter: float = 4.0
    lead_time_quarters: int = LEAD_TIME_GRID_POWER_QUARTERS
    build_rate_mw_per_quarter: float = math.inf
    horizon_quarters: int = 40
    source: str = ("demand: LBNL 2024 US Data Center Energy Usage Report (176 TWh in 2023); shock: Sevilla et al. "
                   "2024 (Epoch AI) 1-5 GW campuses; lead time: JLL 2026 Global Data Center Outlook (~4 years to power)")

    def __post_init__(self) -> None:
        store = functools.partial(object.__setattr__, self)
        store("demand0_mw", scalar("demand0_mw", self.demand0_mw, 0.0, low_open=True, unit="MW"))
        store("growth_per_year", scalar("growth_per_year", self.growth_per_year, *GROWTH_FACTOR_RANGE,
                                        unit="x per year"))
        store("shock_mw", scalar("shock_mw", self.shock_mw, 0.0, unit="MW"))
        store("shock_quarter", scalar("shock_quarter", self.shock_quarter, *QUARTER_RANGE, unit="quarters"))
        store("lead_time_quarters", integer("lead_time_quarters", self.lead_time_quarters, *QUARTER_RANGE))
        store("horizon_quarters", integer("horizon_quarters", self.horizon_quarters, 1, QUARTER_RANGE[1]))
        rate = self.build_rate_mw_per_quarter
        if isinstance(rate, float) and rate == math.inf:
            store("build_rate_mw_per_quarter", math.inf)  # unconstrained: the documented meaning of inf
        else:
            store("build_rate_mw_per_quarter", scalar("build_rate_mw_per_quarter", rate, 0.0,
                                                      unit="MW per quarter (or math.inf for unconstrained)"))
        store("source", text("source", self.source))


@dataclass(frozen=True, eq=False)
class BuildOutResult(ArrayRecord):
    """Result of :func:`simulate_build_out` (all arrays of length ``horizon_quarters``, MW per quarter).

    Attributes
    ----------
    quarters : ndarray
        0, 1, ..., horizon - 1.
    demand_mw, baseline_demand_mw, capacity_mw : ndarray
        Demand with the shock, demand without it, capacity online.
    shortage_mw : ndarray
        ``max(demand - capacity, 0)``.
    orders_mw : ndarray
        Capacity ordered in each quarter (arrives ``lead_time_quarters`` later).
    pipeline_mw : ndarray
        Capacity ordered but not yet online at the end of each quarter.
    peak_shortage_mw : float
        Largest shortage.
    peak_shortage_quarter : float
        First quarter with the largest shortage.
    shortage_quarters : int
        Number of quarters with a shortage.
    catch_up_quarter : float or None
        First quarter from which there is no shortage to the end of the horizon
        (0 if there is never a shortage); None if the horizon ends short.
    quarters_to_catch_up : float or None
        ``catch_up_quarter - shock_quarter`` (0 without a shortage); None if not caught up.
    """

    quarters: np.ndarray
    demand_mw: np.ndarray
    baseline_demand_mw: np.ndarray
    capacity_mw: np.ndarray
    shortage_mw: np.ndarray
    orders_mw: np.ndarray
    pipeline_mw: np.ndarray
    peak_shortage_mw: float
    peak_shortage_quarter: float
    shortage_quarters: int
    catch_up_quarter: float | None
    quarters_to_catch_up: float | None


def simulate_build_out(scenario: BuildOutScenario = BuildOutScenario()) -> BuildOutResult:
    """Simulate demand, orders and capacity quarter by quarter.

    Demand is evaluated for all quarters at once; capacity is a loop over
    quarters because each quarter's orders depend on what is already on order.
    An order placed in quarter t is online from quarter t + L (L = lead time;
    with L = 0 it is online at once). Orders: ``clip(forecast - position, 0, rate)``
    with forecast = baseline(t + L) + (demand(t) - baseline(t)) and position =
    capacity online + capacity on order.

    References
    ----------
    The stock management structure with a supply line: Sterman 2000, *Business
    Dynamics*, ch. 17 ("Supply Chains and the Origin of Oscillations"); lead times from LBNL
    "Queued Up" (2023) and JLL 2026 (module constants).
    """
    s = instance("scenario", scenario, BuildOutScenario)
    n, L = s.horizon_quarters, s.lead_time_quarters
    rate = s.build_rate_mw_per_quarter
    q = np.arange(n, dtype=float)
    inputs = "scenario's demand0_mw, growth_per_year, shock_mw, horizon_quarters, lead_time_quarters"
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below, by name
        # The forecast looks a lead time ahead of the last quarter simulated.
        base_ahead = finite_result("baseline demand", _baseline(s.demand0_mw, s.growth_per_year, np.arange(n + L)),
                                   inputs)
        base = base_ahead[:n]
        demand = finite_result("demand", base + s.shock_mw * (q >= s.shock_quarter), inputs)
        forecast = base_ahead[L:] + (demand - base)

        # Orders placed before quarter 0 followed the same rule on the trend: they arrive in quarters 1..L-1.
        arrivals = np.zeros(n + L)
        arrivals[1:min(L, n)] = np.clip(np.diff(base[:min(L, n)]), 0.0, rate)
        capacity = np.zeros(n)
        orders = np.zeros(n)
        pipeline = np.zeros(n)
        online = base[0]
        for t in range(n):
            online += arrivals[t]
            on_order = arrivals[t + 1:t + L].sum()
            orders[t] = min(max(forecast[t] - online - on_order, 0.0), rate)
            if L == 0:
                online += orders[t]
            else:
                arrivals[t + L] += orders[t]
            capacity[t] = online
            pipeline[t] = on_order + (orders[t] if L else 0.0)

    finite_result("capacity, orders or pipeline", np.concatenate([capacity, orders, pipeline]), inputs)
    shortage = np.maximum(demand - capacity, 0.0)
    tol = 1e-9 * demand.max()  # rounding noise in MW sums, not a shortage
    short = shortage > tol
    peak_at = int(np.argmax(shortage >= shortage.max() - tol))
    if not short.any():
        catch_up, to_catch_up = 0.0, 0.0
    elif short[-1]:
        catch_up, to_catch_up = None, None
    else:
        catch_up = float(np.flatnonzero(short)[-1] + 1)
        to_catch_up = catch_up - float(s.shock_quarter)
    return BuildOutResult(
        quarters=q, demand_mw=demand, baseline_demand_mw=base, capacity_mw=capacity, shortage_mw=shortage,
        orders_mw=orders, pipeline_mw=pipeline, peak_shortage_mw=float(shortage[peak_at]),
        peak_shortage_quarter=float(peak_at), shortage_quarters=int(short.sum()),
        catch_up_quarter=catch_up, quarters_to_catch_up=to_catch_up,
    )
