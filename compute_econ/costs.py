"""The cost of compute two ways: renting it by the hour, or owning the hardware.

Renting: accelerator-hours x an hourly price (:func:`rental_cost_usd`), with
on-demand and committed prices in a :class:`RentalPrice`.

Owning: the cluster's capital cost (chips plus servers and network), spread over
its useful life at a cost of capital with the capital recovery factor
(:func:`capital_recovery_factor`), plus operations and energy, per *used* hour:
:func:`owned_cost_per_accelerator_hour` falls as utilisation rises, and
:func:`break_even_utilisation` is where it meets a rental price.

The cost of one training run: Cottier et al. (2024) charge a run the hardware's
depreciation over the run plus its energy (:func:`amortised_run_cost_usd`), far
less than buying the whole cluster (:func:`hardware_acquisition_cost_usd`).

Rent or own, for one run: :func:`rent_or_own` puts the whole-run cost of renting the
run's accelerator-hours next to the whole-run cost of owning them (at the owner's
utilisation) and says which is cheaper, in a :class:`RentOrOwn`.

All prices carry a dollar year (``price_year``); nothing is inflation-adjusted.
Inputs are checked with :mod:`compute_econ._validate` (a ``ValueError`` names the
parameter, the value and the valid range); results are finite, except a break-even
utilisation that never comes, which is ``inf`` with :attr:`BreakEven.owning_can_win` False.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from compute_econ._records import ArrayRecord
from compute_econ._validate import (
    USD_PER_HOUR_RANGE,
    YEAR_RANGE,
    FloatOrArray,
    array,
    broadcast,
    finite_result,
    instance,
    integer,
    non_negative,
    positive,
    scalar,
    scalar_or_array,
    text,
    usd_per_hour,
)
from compute_econ.training import (
    DEFAULT_FRAC_OF_MAX_POWER,
    DEFAULT_PUE,
    DEFAULT_SERVER_OVERHEAD_FRAC,
    DEFAULT_USD_PER_MWH,
    HOURS_PER_YEAR,
)

__all__ = [
    "HOURS_PER_YEAR",
    "ML_GPU_PRICE_PERFORMANCE_OOMS_PER_YEAR",
    "DEPRECIATION_PER_YEAR",
    "CLUSTER_INTERCONNECT_COST_FRACTION",
    "SERVER_COST_OVERHEAD",
    "rental_cost_usd",
    "RentalPrice",
    "H100_AWS_P5_2023",
    "H100_LAMBDA_2024",
    "capital_recovery_factor",
    "Ownership",
    "H100_OWNERSHIP",
    "CostBreakdown",
    "capex_per_accelerator_usd",
    "owned_cost_breakdown_per_hour",
    "owned_cost_per_accelerator_hour",
    "BreakEven",
    "break_even_utilisation",
    "hardware_acquisition_cost_usd",
    "amortised_run_cost_breakdown",
    "amortised_run_cost_usd",
    "RentOrOwn",
    "rent_or_own",
]

#: Price-performance of ML GPUs improves by 0.14 orders of magnitude a year
#: (Hobbhahn & Besiroglu 2022, "Trends in machine learning hardware", Epoch;
#: used by Cottier et al. 2024, arXiv:2405.21015, training-cost-trends constants).
ML_GPU_PRICE_PERFORMANCE_OOMS_PER_YEAR = 0.14

#: Exponential depreciation rate of hardware value, per year: 0.14 x ln(10) = 0.322
#: (value falls as new hardware gets cheaper per FLOP/s). Cottier et al. 2024,
#: arXiv:2405.21015, Section 2 (amortised hardware CapEx); code: ``hardware_replacement_per_year``.
DEPRECIATION_PER_YEAR = ML_GPU_PRICE_PERFORMANCE_OOMS_PER_YEAR * math.log(10.0)

#: Cluster-level interconnect (switches, optics between servers) as a fraction of total
#: cluster cost: 0.19. Cottier et al. 2024 (training-cost-trends,
#: ``CLUSTER_INTERCONNECT_COST_FRACTION``); 90% CI 1.07-1.32 as a multiplier.
CLUSTER_INTERCONNECT_COST_FRACTION = 0.19

#: Server cost / accelerator cost (CPUs, memory, intra-node interconnect): 1.64, the
#: average of Cottier et al.'s P100 (1.54), V100 (1.69) and A100 (1.66) DGX-based values
#: (training-cost-trends, ``get_server_cost_overhead``; 90% CI 1.3-2.1; SemiAnalysis's
#: 2023 DGX H100 breakdown implies about 1.4).
SERVER_COST_OVERHEAD = 1.64

# --------------------------------------------------------------------------- validation helpers


def _store(record: object, name: str, value: object) -> None:
    """Store a validated value in a frozen dataclass's field (inside ``__post_init__``)."""
    object.__setattr__(record, name, value)


def _hourly_price(name: str, value: object) -> float:
    """One hourly price, USD, in the kit's domain :data:`compute_econ._validate.USD_PER_HOUR_RANGE` (0 allowed)."""
    return scalar(name, value, *USD_PER_HOUR_RANGE, unit="USD/h")


def _price_year(value: object, name: str = "price_year") -> int:
    """A dollar year: a whole calendar year in :data:`compute_econ._validate.YEAR_RANGE`."""
    return integer(name, value, *YEAR_RANGE)


def _ownership(value: object) -> Ownership:
    return instance("ownership", value, Ownership)


# --------------------------------------------------------------------------- renting


def rental_cost_usd(accelerator_hours: ArrayLike, usd_per_accelerator_hour: ArrayLike) -> FloatOrArray:
    """Cost of renting ``accelerator_hours`` at ``usd_per_accelerator_hour``.

    .. math:: \\text{cost} = H \\cdot p

    Parameters
    ----------
    accelerator_hours : array_like
        Accelerator-hours (e.g. GPU-hours), >= 0.
    usd_per_accelerator_hour : array_like
        Price per accelerator-hour, USD, in [0, 10,000] (the kit's domain for an hourly price,
        :data:`compute_econ._validate.USD_PER_HOUR_RANGE`).

    Returns
    -------
    float or numpy.ndarray
        USD (in the price's dollar year).

    References
    ----------
    Cottier et al. 2024, arXiv:2405.21015, Section 2 (cloud-price method: chip-hours x price).

    Examples
    --------
    >>> rental_cost_usd(30.84e6, 2.0)  # Llama 3.1 405B's H100-hours at $2/h
    61680000.0
    """
    H = non_negative("accelerator_hours", accelerator_hours, "hours")
    p = usd_per_hour("usd_per_accelerator_hour", usd_per_accelerator_hour, allow_zero=True)
    H, p = broadcast({"accelerator_hours": H, "usd_per_accelerator_hour": p})
    with np.errstate(over="ignore"):
        cost = H * p
    return scalar_or_array(finite_result("rental cost", cost, "accelerator_hours, usd_per_accelerator_hour"))


@dataclass(frozen=True)
class RentalPrice:
    """Cloud list prices for one accelerator: on demand and with a commitment.

    Attributes
    ----------
    name : str
        What is rented (accelerator, provider, instance).
    on_demand_usd_per_hour : float
        On-demand price per accelerator-hour, USD, in [0, 10,000] (the kit's hourly-price domain).
    committed_usd_per_hour : float
        Price per accelerator-hour with a ``commitment_years`` commitment, USD, in [0, 10,000],
        at most the on-demand price.
    commitment_years : float
        Length of the commitment, years, > 0.
    price_year : int
        Dollar year (the year the prices were listed), a calendar year in 1950-2100.
    source : str
        Where the prices come from; says which figures are estimates.
    """

    name: str
    on_demand_usd_per_hour: float
    committed_usd_per_hour: float
    commitment_years: float
    price_year: int
    source: str

    def __post_init__(self) -> None:
        _store(self, "name", text("name", self.name))
        _store(self, "on_demand_usd_per_hour", _hourly_price("on_demand_usd_per_hour", self.on_demand_usd_per_hour))
        _store(self, "committed_usd_per_hour", _hourly_price("committed_usd_per_hour", self.committed_usd_per_hour))
        _store(self, "commitment_years", scalar("commitment_years", self.commitment_years, 0.0, low_open=True,
                                                unit="years"))
        _store(self, "price_year", _price_year(self.price_year))
        _store(self, "source", text("source", self.source))
        if self.committed_usd_per_hour > self.on_demand_usd_per_hour:
            raise ValueError(
                f"committed_usd_per_hour must be <= on_demand_usd_per_hour ({self.on_demand_usd_per_hour!r}), "
                f"got {self.committed_usd_per_hour!r}"
            )

    @property
    def frac_commitment_discount(self) -> float:
        """Committed discount off on-demand, a fraction in [0, 1] (0 if on-demand is 0)."""
        if self.on_demand_usd_per_hour == 0:
            return 0.0
        return 1.0 - self.committed_usd_per_hour / self.on_demand_usd_per_hour

    def __str__(self) -> str:
        return (
            f"{self.name}: ${self.on_demand_usd_per_hour:.2f}/h on demand, "
            f"${self.committed_usd_per_hour:.2f}/h with {self.commitment_years:g}-year commitment "
            f"({self.price_year} USD)"
        )


#: AWS EC2 p5.48xlarge (8 x H100 SXM 80GB), US East, list price at launch (July 2023):
#: $98.32/hour on demand = $12.29 per GPU-hour. The committed price is an *estimate*:
#: on-demand less Epoch's average AWS 3-year committed-use discount of 64%
#: (training-cost-trends ``DEFAULT_CUD``, from ``cud_estimate.ipynb``), not a quoted p5 rate.
H100_AWS_P5_2023 = RentalPrice(
    name="NVIDIA H100 SXM 80GB, AWS EC2 p5.48xlarge (per GPU)",
    on_demand_usd_per_hour=98.32 / 8,
    committed_usd_per_hour=98.32 / 8 * (1.0 - 0.64),
    commitment_years=3.0,
    price_year=2023,
    source=(
        "On demand: AWS list price of p5.48xlarge at launch, $98.32/h for 8 GPUs (The Next Platform, "
        "'H100 GPU Instance Pricing On AWS: Grin And Bear It', 2023-07-27). Committed: estimate, "
        "on-demand x (1 - 0.64), Epoch's average AWS 3-year CUD (Cottier et al. 2024, "
        "epoch-research/training-cost-trends DEFAULT_CUD). AWS has since cut p5 prices."
    ),
)

#: Lambda (Lambda Labs) on-demand H100 SXM5, $3.49 per GPU-hour on 2024-01-29 (8x node
#: $27.92/h), as recorded in Epoch's hardware price data. Committed price is an *estimate*:
#: Epoch's assumed Lambda 3-year discount of 56% (average of AWS/GCP/Azure), not a quote.
H100_LAMBDA_2024 = RentalPrice(
    name="NVIDIA H100 SXM5 80GB, Lambda on-demand (per GPU)",
    on_demand_usd_per_hour=3.49,
    committed_usd_per_hour=3.49 * (1.0 - 0.56),
    commitment_years=3.0,
    price_year=2024,
    source=(
        "On demand: lambdalabs.com/service/gpu-cloud, 2024-01-29, $3.49/GPU-h ($27.92 for 8x), row in "
        "epoch-research/training-cost-trends data/Hardware prices.csv. Committed: estimate, "
        "x (1 - 0.56), Epoch's assumed Lambda 3-year CUD (DEFAULT_CUD)."
    ),
)


# --------------------------------------------------------------------------- owning


def capital_recovery_factor(rate: ArrayLike, years: ArrayLike) -> FloatOrArray:
    """Capital recovery factor: the constant yearly payment that repays 1 over ``years`` at ``rate``.

    .. math:: \\text{CRF}(r, n) = \\frac{r (1+r)^n}{(1+r)^n - 1}, \\qquad
              \\lim_{r \\to 0} \\text{CRF} = 1/n

    Parameters
    ----------
    rate : array_like
        Cost of capital (discount rate) per year, a fraction >= 0 (0.08 = 8%).
    years : array_like
        Useful life, years, > 0 (need not be whole).

    Returns
    -------
    float or numpy.ndarray
        Payment per year per dollar of capital, 1/year; >= 1/n.

    Raises
    ------
    ValueError
        For a rate or life outside the domain, or a factor too large for a float
        (a life of a few hundred-thousandths of a second).

    References
    ----------
    Standard annuity formula, e.g. Short, Packey & Holt 1995, "A Manual for the
    Economic Evaluation of Energy Efficiency and Renewable Energy Technologies",
    NREL/TP-462-5173, Section 4 (capital recovery factor).

    Examples
    --------
    >>> round(capital_recovery_factor(0.10, 5), 5)
    0.2638
    >>> capital_recovery_factor(0.0, 4)
    0.25
    """
    r = non_negative("rate", rate, "per year (fraction)")
    n = positive("years", years, "years")
    r, n = broadcast({"rate": r, "years": n})
    return scalar_or_array(finite_result("capital recovery factor", _crf(r, n), "rate, years"))


def _crf(r: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The capital recovery factor of validated arrays (may overflow to inf; callers check)."""
    r, n = np.broadcast_arrays(r, n)
    small = r < 1e-9
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        exact = r / -np.expm1(-n * np.log1p(r))
        # First-order series for tiny r (where the exact form is 0/0): 1/n + r (n + 1) / (2 n)
        series = 1.0 / n + r * (n + 1.0) / (2.0 * n)
    return np.where(small, series, exact)


@dataclass(frozen=True)
class Ownership:
    """Owning accelerators: what they cost, how long they last, what capital costs, what they draw.

    Attributes
    ----------
    accelerator_price_usd : float
        Purchase price of one accelerator (chip/board only), USD, >= 0.
        Every numeric field is one number (use :func:`dataclasses.replace` for what-ifs,
        and the functions' ``utilisation`` or ``accelerator_hours`` arguments for curves).
    server_and_network_frac : float
        Share of cluster capital cost beyond the chips (servers, CPUs, memory,
        intra- and inter-node network), in [0, 1). Capex per accelerator is
        ``accelerator_price_usd / (1 - server_and_network_frac)``.
    useful_life_years : float
        Depreciation life, years, > 0.
    cost_of_capital : float
        Discount rate per year (WACC), a fraction >= 0.
    board_watts : float
        Accelerator board power, W, > 0.
    pue : float
        Power usage effectiveness, >= 1.
    usd_per_mwh : float
        Electricity price, USD/MWh, >= 0.
    ops_frac_of_capex_per_year : float
        Operations (maintenance, staff, space) per year as a fraction of capex, >= 0.
    server_overhead_frac : float
        Server power beyond the accelerators, fraction of board power, >= 0.
    frac_of_max_power : float
        Average draw while busy / maximum, in (0, 1].
    price_year : int
        Dollar year of the prices, a calendar year in 1950-2100.
    source : str
        Where the figures come from; says which are estimates.
    """

    accelerator_price_usd: float
    server_and_network_frac: float
    useful_life_years: float
    cost_of_capital: float
    board_watts: float
    pue: float = DEFAULT_PUE
    usd_per_mwh: float = DEFAULT_USD_PER_MWH
    ops_frac_of_capex_per_year: float = 0.05
    server_overhead_frac: float = DEFAULT_SERVER_OVERHEAD_FRAC
    frac_of_max_power: float = DEFAULT_FRAC_OF_MAX_POWER
    price_year: int = 2023
    source: str = "what-if"

    def __post_init__(self) -> None:
        checks = {
            "accelerator_price_usd": lambda v: scalar("accelerator_price_usd", v, 0.0, unit="USD"),
            "server_and_network_frac": lambda v: scalar("server_and_network_frac", v, 0.0, 1.0, high_open=True),
            "useful_life_years": lambda v: scalar("useful_life_years", v, 0.0, low_open=True, unit="years"),
            "cost_of_capital": lambda v: scalar("cost_of_capital", v, 0.0, unit="per year (fraction)"),
            "board_watts": lambda v: scalar("board_watts", v, 0.0, low_open=True, unit="W"),
            "pue": lambda v: scalar("pue", v, 1.0),
            "usd_per_mwh": lambda v: scalar("usd_per_mwh", v, 0.0, unit="USD/MWh"),
            "ops_frac_of_capex_per_year": lambda v: scalar("ops_frac_of_capex_per_year", v, 0.0,
                                                           unit="per year (fraction)"),
            "server_overhead_frac": lambda v: scalar("server_overhead_frac", v, 0.0, unit="(fraction of board power)"),
            "frac_of_max_power": lambda v: scalar("frac_of_max_power", v, 0.0, 1.0, low_open=True),
            "price_year": _price_year,
            "source": lambda v: text("source", v),
        }
        for name, check in checks.items():
            _store(self, name, check(getattr(self, name)))

    def __str__(self) -> str:
        return (
            f"Ownership: ${self.accelerator_price_usd:,.0f}/accelerator "
            f"(+{self.server_and_network_frac:.0%} of capex servers/network), "
            f"{self.useful_life_years:g} y at {self.cost_of_capital:.0%}, {self.board_watts:g} W, "
            f"PUE {self.pue:g}, ${self.usd_per_mwh:g}/MWh ({self.price_year} USD)"
        )


#: Owning H100s in a hyperscale data centre, 2023 dollars. Sources per field:
#: price $27,500 = midpoint of $25,000-30,000 (Raymond James estimate reported by Barron's,
#: Aug 2023; used in Epoch's ``h100_manufacturing_cost.ipynb``) - an estimate;
#: server_and_network_frac = 1 - 0.81/1.64 = 0.506 (Cottier et al. 2024: server cost
#: 1.64 x chip, interconnect 19% of cluster); useful life 5 years (Cottier et al. 2024
#: code ``get_server_lifetime`` for 2023+, citing Meta's 5-year and Google/Microsoft's
#: 6-year server lives); cost of capital 8% and ops 5% of capex a year are *illustrative
#: estimates with no source found*; power and energy defaults as in
#: :mod:`compute_econ.training`.
H100_OWNERSHIP = Ownership(
    accelerator_price_usd=27_500.0,
    server_and_network_frac=1.0 - (1.0 - CLUSTER_INTERCONNECT_COST_FRACTION) / SERVER_COST_OVERHEAD,
    useful_life_years=5.0,
    cost_of_capital=0.08,
    board_watts=700.0,
    pue=DEFAULT_PUE,
    usd_per_mwh=DEFAULT_USD_PER_MWH,
    ops_frac_of_capex_per_year=0.05,
    price_year=2023,
    source=(
        "Price: estimate, midpoint of Raymond James's $25k-30k (Barron's, Aug 2023). Server/network "
        "share: Cottier et al. 2024 (arXiv:2405.21015) server overhead 1.64 and interconnect 19%. Life: "
        "5 y (Cottier et al. 2024 code). Cost of capital 8% and ops 5%/y: illustrative estimates, unsourced. "
        "Power: DGX H100 10.2 kW / 8 GPUs; PUE 1.1; US industrial electricity 2023 (EIA)."
    ),
)


@dataclass(frozen=True, eq=False)
class CostBreakdown(ArrayRecord):
    """Cost split into components that a stacked plot can show (a result record).

    Each field is USD (per accelerator-hour or per run, as the producing function says);
    arrays where the producing function was given arrays. Records compare field by field
    (:class:`compute_econ._records.ArrayRecord`).

    Attributes
    ----------
    accelerators_usd, servers_and_network_usd, energy_usd, ops_usd : float or numpy.ndarray
        The components, each >= 0.
    price_year : int
        Dollar year.
    """

    accelerators_usd: FloatOrArray
    servers_and_network_usd: FloatOrArray
    energy_usd: FloatOrArray
    ops_usd: FloatOrArray
    price_year: int

    COMPONENTS = ("accelerators_usd", "servers_and_network_usd", "energy_usd", "ops_usd")

    @property
    def total_usd(self) -> FloatOrArray:
        """Sum of the components, USD."""
        return scalar_or_array(np.asarray(sum(np.asarray(getattr(self, c)) for c in self.COMPONENTS)))

    def as_dict(self) -> dict[str, FloatOrArray]:
        """Components by name, in stacking order (accelerators at the bottom)."""
        return {c: getattr(self, c) for c in self.COMPONENTS}


def _breakdown(parts: Mapping[str, ArrayLike], price_year: int, what: str, inputs: str) -> CostBreakdown:
    """A :class:`CostBreakdown` of ``parts`` broadcast to one shape, its total checked finite."""
    arrays = [np.asarray(v, dtype=float) for v in parts.values()]
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    out = {k: a if a.shape == shape else np.broadcast_to(a, shape).copy() for k, a in zip(parts, arrays, strict=True)}
    with np.errstate(over="ignore", invalid="ignore"):
        total = sum(out.values())
    finite_result(what, total, inputs)
    return CostBreakdown(**{k: scalar_or_array(v) for k, v in out.items()}, price_year=price_year)


def capex_per_accelerator_usd(ownership: Ownership) -> float:
    """Capital cost of the cluster per accelerator: chip plus its share of servers and network, USD.

    .. math:: K = p_\\text{chip} / (1 - f_\\text{server+network})

    Parameters
    ----------
    ownership : Ownership

    Returns
    -------
    float
        USD of ``ownership.price_year``.

    References
    ----------
    Cottier et al. 2024, arXiv:2405.21015, Section 2 (server and interconnect overheads).

    Examples
    --------
    >>> round(capex_per_accelerator_usd(H100_OWNERSHIP))  # $27,500 chip x 1.64 / 0.81
    55679
    """
    o = _ownership(ownership)
    with np.errstate(over="ignore"):
        K = o.accelerator_price_usd / (1.0 - o.server_and_network_frac)
    return float(finite_result("capital cost per accelerator", K,
                               "ownership.accelerator_price_usd, ownership.server_and_network_frac"))


def _energy_usd_per_busy_hour(o: Ownership) -> float:
    with np.errstate(over="ignore"):
        kw = o.board_watts * (1.0 + o.server_overhead_frac) * o.frac_of_max_power * o.pue / 1e3
        usd = np.float64(kw) / 1e3 * o.usd_per_mwh
    return float(finite_result("energy cost per busy hour", usd,
                               "ownership's board_watts, server_overhead_frac, pue, usd_per_mwh"))


def _fixed_usd_per_year(o: Ownership) -> tuple[float, float, float]:
    """(chip capital charge, server/network capital charge, ops) per accelerator per year."""
    crf = float(_crf(np.asarray(o.cost_of_capital), np.asarray(o.useful_life_years)))
    K = capex_per_accelerator_usd(o)
    with np.errstate(over="ignore"):
        parts = np.array([o.accelerator_price_usd * crf, (K - o.accelerator_price_usd) * crf,
                          o.ops_frac_of_capex_per_year * K])
    finite_result("fixed cost per year of owning", parts.sum(),
                  "ownership's accelerator_price_usd, useful_life_years, cost_of_capital, ops_frac_of_capex_per_year")
    return float(parts[0]), float(parts[1]), float(parts[2])


def _utilisation(value: ArrayLike) -> np.ndarray:
    return array("utilisation", value, 0.0, 1.0, low_open=True)


def owned_cost_breakdown_per_hour(ownership: Ownership, utilisation: ArrayLike = 1.0) -> CostBreakdown:
    """Cost of one *used* accelerator-hour when owning, by component (USD per accelerator-hour).

    Capital is charged at the capital recovery factor over the useful life, ops as a
    share of capex per year; both are fixed per year and spread over the hours
    actually used, ``8766 * utilisation``. Energy is counted only for busy hours at
    ``frac_of_max_power``: **idle power is not counted** (an idle H100 still draws
    some power, so this slightly flatters low utilisation).

    .. math::

        c(u) = \\frac{K\\,\\text{CRF}(r, n) + o K}{8766\\,u}
               + \\frac{W (1+f) f_\\text{draw} \\text{PUE}}{10^6}\\,p_\\text{MWh}

    Parameters
    ----------
    ownership : Ownership
    utilisation : array_like
        Fraction of the year the accelerator does paid work, in (0, 1].

    Returns
    -------
    CostBreakdown
        USD per used accelerator-hour.

    Raises
    ------
    ValueError
        For bad input, or a cost per hour too large for a float (a utilisation of
        about 1e-300).

    References
    ----------
    Capital recovery: Short, Packey & Holt 1995, NREL/TP-462-5173, Section 4.
    Component shares and power: Cottier et al. 2024, arXiv:2405.21015, Section 2.
    """
    o = _ownership(ownership)
    u = _utilisation(utilisation)
    return _owned_per_hour(o, u, _fixed_usd_per_year(o), _energy_usd_per_busy_hour(o))


def _owned_per_hour(o: Ownership, u: np.ndarray, fixed: tuple[float, float, float], e: float) -> CostBreakdown:
    chip, server, ops = fixed
    hours = HOURS_PER_YEAR * u
    with np.errstate(over="ignore", divide="ignore"):
        parts = {"accelerators_usd": chip / hours, "servers_and_network_usd": server / hours,
                 "energy_usd": np.full(u.shape, e), "ops_usd": ops / hours}
    return _breakdown(parts, o.price_year, "owned cost per accelerator-hour", "ownership, utilisation")


def owned_cost_per_accelerator_hour(ownership: Ownership, utilisation: ArrayLike = 1.0) -> FloatOrArray:
    """Total cost of one used accelerator-hour when owning, USD (see :func:`owned_cost_breakdown_per_hour`).

    Decreasing in ``utilisation``: fixed yearly costs spread over more hours.

    Parameters
    ----------
    ownership : Ownership
    utilisation : array_like
        Fraction of the year the accelerator does paid work, in (0, 1].

    Returns
    -------
    float or numpy.ndarray
        USD per used accelerator-hour.

    References
    ----------
    As :func:`owned_cost_breakdown_per_hour`.

    Examples
    --------
    >>> round(owned_cost_per_accelerator_hour(H100_OWNERSHIP, 1.0), 2)
    1.99
    """
    return owned_cost_breakdown_per_hour(ownership, utilisation).total_usd


@dataclass(frozen=True, eq=False)
class BreakEven(ArrayRecord):
    """Where owning starts to beat renting (a result record).

    Attributes
    ----------
    utilisation : float or numpy.ndarray
        Utilisation above which owning is cheaper per used hour. Above 1 means even
        full use does not pay; ``inf`` where the rental price does not even cover the
        owned energy per busy hour (no utilisation pays): owning never wins.
    owning_can_win : bool or numpy.ndarray
        True where the break-even utilisation is at most 1.
    """

    utilisation: FloatOrArray
    owning_can_win: bool | np.ndarray


def _rental_price(name: str, value: ArrayLike) -> np.ndarray:
    return usd_per_hour(name, value, allow_zero=True)


def break_even_utilisation(ownership: Ownership, rental_usd_per_hour: ArrayLike) -> BreakEven:
    """Utilisation at which owning costs exactly the rental price per used hour (closed form).

    .. math:: u^* = \\frac{A}{p_\\text{rent} - e}, \\quad
              A = \\frac{K\\,\\text{CRF} + oK}{8766}, \\quad e = \\text{energy per busy hour}

    valid when :math:`p_\\text{rent} > e`; otherwise owning never wins and
    :math:`u^* = \\infty` (with ``owning_can_win`` False). A plot that needs a finite
    value clips it for display.

    Parameters
    ----------
    ownership : Ownership
    rental_usd_per_hour : array_like
        Rental price per accelerator-hour, USD, in [0, 10,000] (the kit's hourly-price domain).

    Returns
    -------
    BreakEven

    References
    ----------
    Follows from :func:`owned_cost_breakdown_per_hour` (cost = A/u + e).

    Examples
    --------
    >>> be = break_even_utilisation(H100_OWNERSHIP, H100_LAMBDA_2024.on_demand_usd_per_hour)
    >>> round(be.utilisation, 2), be.owning_can_win
    (0.56, True)
    >>> break_even_utilisation(H100_OWNERSHIP, 0.05)  # below the energy cost of a busy hour (about $0.085)
    BreakEven(utilisation=inf, owning_can_win=False)
    """
    o = _ownership(ownership)
    p = _rental_price("rental_usd_per_hour", rental_usd_per_hour)
    return _break_even(p, _fixed_usd_per_year(o), _energy_usd_per_busy_hour(o))


def _break_even(p: np.ndarray, fixed: tuple[float, float, float], e: float) -> BreakEven:
    A = sum(fixed) / HOURS_PER_YEAR
    margin = p - e
    with np.errstate(divide="ignore", over="ignore"):
        # A margin so thin that A / margin overflows is, like no margin, a break-even that never comes.
        u = np.where(margin > 0, A / np.where(margin > 0, margin, 1.0), np.inf)
    win = u <= 1.0
    return BreakEven(utilisation=scalar_or_array(u), owning_can_win=bool(win) if win.ndim == 0 else win)


# --------------------------------------------------------------------------- one training run


def hardware_acquisition_cost_usd(n_accelerators: ArrayLike, ownership: Ownership) -> FloatOrArray:
    """Up-front cost of buying the whole cluster: accelerators, servers and network, USD.

    .. math:: \\text{cost} = n \\cdot p_\\text{chip} / (1 - f_\\text{server+network})

    Parameters
    ----------
    n_accelerators : array_like
        >= 1.
    ownership : Ownership

    Returns
    -------
    float or numpy.ndarray
        USD of ``ownership.price_year``.

    References
    ----------
    Cottier et al. 2024, arXiv:2405.21015, Section 2 ("hardware acquisition cost":
    quantity x price x server overhead / (1 - interconnect fraction)).

    Examples
    --------
    >>> round(hardware_acquisition_cost_usd(16_384, H100_OWNERSHIP) / 1e6)  # Llama 3's cluster, M$
    912
    """
    n = array("n_accelerators", n_accelerators, 1.0)
    K = capex_per_accelerator_usd(ownership)
    with np.errstate(over="ignore"):
        cost = n * K
    return scalar_or_array(finite_result("acquisition cost", cost, "n_accelerators, ownership"))


def amortised_run_cost_breakdown(
    accelerator_hours: ArrayLike,
    ownership: Ownership,
    *,
    depreciation_per_year: ArrayLike = DEPRECIATION_PER_YEAR,
    hardware_age_years: ArrayLike = 0.0,
) -> CostBreakdown:
    """Cost of one training run as hardware depreciation during the run plus energy, by component.

    Cottier et al.'s method: the hardware loses value at an exponential rate
    :math:`\\delta` (0.14 OOM/year of price-performance progress = 0.322/year);
    a run is charged the value lost during its chip-hours. Hardware bought
    ``hardware_age_years`` before the run starts is first depreciated to its value then.

    .. math::

        \\text{hardware} = K e^{-\\delta a} \\cdot \\frac{\\delta}{8766} \\cdot H, \\qquad
        \\text{energy} = H \\, \\frac{W (1+f) f_\\text{draw} \\text{PUE}}{10^6} \\, p_\\text{MWh}

    Ops and cost of capital are not part of this method (``ops_usd`` is 0).

    Parameters
    ----------
    accelerator_hours : array_like
        Chip-hours of the run, >= 0 (wall-clock hours x accelerators).
    ownership : Ownership
        Uses price, server/network share, power and electricity fields.
    depreciation_per_year : array_like
        :math:`\\delta`, per year, >= 0; default :data:`DEPRECIATION_PER_YEAR`.
    hardware_age_years : array_like
        Years from acquisition to the start of training, >= 0; default 0.

    Returns
    -------
    CostBreakdown
        USD for the run.

    References
    ----------
    Cottier et al. 2024, "The rising costs of training frontier AI models",
    arXiv:2405.21015, Section 2 (amortized hardware CapEx + energy); code:
    epoch-research/training-cost-trends, ``cost_estimation.py``
    (``price * hardware_replacement_per_year / HOURS_PER_YEAR * chip_hours``) and
    ``depreciate_by_hardware_progress``.
    """
    o = _ownership(ownership)
    H = non_negative("accelerator_hours", accelerator_hours, "hours")
    d = non_negative("depreciation_per_year", depreciation_per_year, "per year")
    a = non_negative("hardware_age_years", hardware_age_years, "years")
    H, d, a = broadcast({"accelerator_hours": H, "depreciation_per_year": d, "hardware_age_years": a})
    K = capex_per_accelerator_usd(o)
    e = _energy_usd_per_busy_hour(o)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        per_hour_value_lost = np.exp(-d * a) * d / HOURS_PER_YEAR  # fraction of capex per chip-hour
        parts = {
            "accelerators_usd": o.accelerator_price_usd * per_hour_value_lost * H,
            "servers_and_network_usd": (K - o.accelerator_price_usd) * per_hour_value_lost * H,
            "energy_usd": e * H,
            "ops_usd": np.zeros(np.broadcast_shapes(H.shape, d.shape, a.shape)),
        }
    return _breakdown(parts, o.price_year, "amortised run cost",
                      "accelerator_hours, ownership, depreciation_per_year, hardware_age_years")


def amortised_run_cost_usd(
    accelerator_hours: ArrayLike,
    ownership: Ownership,
    *,
    depreciation_per_year: ArrayLike = DEPRECIATION_PER_YEAR,
    hardware_age_years: ArrayLike = 0.0,
) -> FloatOrArray:
    """Amortised hardware + energy cost of one run, USD (total of :func:`amortised_run_cost_breakdown`).

    Parameters
    ----------
    As :func:`amortised_run_cost_breakdown`.

    Returns
    -------
    float or numpy.ndarray
        USD of ``ownership.price_year``.

    References
    ----------
    Cottier et al. 2024, arXiv:2405.21015, Section 2.

    Examples
    --------
    >>> round(amortised_run_cost_usd(30.84e6, H100_OWNERSHIP) / 1e6)  # Llama 3.1 405B, new H100s, M$
    66
    """
    return amortised_run_cost_breakdown(
        accelerator_hours,
        ownership,
        depreciation_per_year=depreciation_per_year,
        hardware_age_years=hardware_age_years,
    ).total_usd


# --------------------------------------------------------------------------- rent or own, for one run


@dataclass(frozen=True, eq=False)
class RentOrOwn(ArrayRecord):
    """One run's accelerator-hours rented and owned: the whole-run cost each way, and which is cheaper.

    A result record of :func:`rent_or_own`; arrays where its inputs were arrays.

    Attributes
    ----------
    accelerator_hours : float or numpy.ndarray
        The run's accelerator-hours.
    rental_usd : float or numpy.ndarray
        Renting them at the rental price, USD.
    owned : CostBreakdown
        Owning: the run's hours at the owned cost per used hour at ``utilisation``
        (capital recovery, operations, energy; :func:`owned_cost_breakdown_per_hour`),
        by component, USD for the run.
    (These fields share one shape, the inputs' broadcast.)
    utilisation : float or numpy.ndarray
        The owner's utilisation assumed, in (0, 1].
    break_even : BreakEven
        The utilisation above which owning beats the rental price (shaped like the price).
    own_is_cheaper : bool or numpy.ndarray
        True where ``utilisation`` is above the break-even utilisation: owning the hours
        then costs less than renting them.
    price_year : int
        Dollar year of the owned costs (``ownership.price_year``).
    """

    accelerator_hours: FloatOrArray
    rental_usd: FloatOrArray
    owned: CostBreakdown
    utilisation: FloatOrArray
    break_even: BreakEven
    own_is_cheaper: bool | np.ndarray
    price_year: int

    @property
    def owned_usd(self) -> FloatOrArray:
        """Whole-run cost of owning, USD (the total of :attr:`owned`)."""
        return self.owned.total_usd


def rent_or_own(
    accelerator_hours: ArrayLike,
    rental_usd_per_hour: ArrayLike,
    ownership: Ownership,
    utilisation: ArrayLike = 1.0,
) -> RentOrOwn:
    """The whole-run cost of renting a run's accelerator-hours and of owning them, and the verdict.

    .. math::

        \\text{rent} = H\\,p_\\text{rent}, \\qquad \\text{own} = H\\,c(u), \\qquad
        \\text{own is cheaper} \\iff u > u^*

    with :math:`c(u)` the owned cost per used hour (:func:`owned_cost_breakdown_per_hour`)
    and :math:`u^*` the break-even utilisation (:func:`break_even_utilisation`); since
    :math:`c` falls as :math:`u` rises, :math:`u > u^*` is exactly :math:`c(u) < p_\\text{rent}`.
    Vectorised over ``accelerator_hours``, ``rental_usd_per_hour`` and ``utilisation``.

    Parameters
    ----------
    accelerator_hours : array_like
        The run's accelerator-hours, >= 0.
    rental_usd_per_hour : array_like
        Rental price per accelerator-hour, USD, in [0, 10,000] (the kit's hourly-price domain).
    ownership : Ownership
    utilisation : array_like
        Fraction of the year the owned accelerators do paid work, in (0, 1]; default 1.

    Returns
    -------
    RentOrOwn

    References
    ----------
    Renting: Cottier et al. 2024, arXiv:2405.21015, Section 2 (chip-hours x price).
    Owning: capital recovery (Short, Packey & Holt 1995, NREL/TP-462-5173, Section 4)
    plus operations and energy, as :func:`owned_cost_breakdown_per_hour`.

    Examples
    --------
    >>> r = rent_or_own(1e6, H100_LAMBDA_2024.on_demand_usd_per_hour, H100_OWNERSHIP, 0.8)
    >>> round(r.rental_usd / 1e6, 2), round(r.owned_usd / 1e6, 2), r.own_is_cheaper
    (3.49, 2.47, True)
    """
    o = _ownership(ownership)
    H = non_negative("accelerator_hours", accelerator_hours, "hours")
    p = _rental_price("rental_usd_per_hour", rental_usd_per_hour)
    u = _utilisation(utilisation)
    # the shape only: the break-even stays shaped like the price
    shape = broadcast({"accelerator_hours": H, "rental_usd_per_hour": p, "utilisation": u})[0].shape
    fixed, e = _fixed_usd_per_year(o), _energy_usd_per_busy_hour(o)
    per_hour = _owned_per_hour(o, u, fixed, e)
    be = _break_even(p, fixed, e)
    with np.errstate(over="ignore"):
        rental = np.broadcast_to(H * p, shape).copy()
        owned_parts = {k: np.broadcast_to(np.asarray(v) * H, shape) for k, v in per_hour.as_dict().items()}
    finite_result("whole-run rental cost", rental, "accelerator_hours, rental_usd_per_hour")
    owned = _breakdown(owned_parts, o.price_year, "whole-run cost of owning", "accelerator_hours, ownership, utilisation")
    cheaper = np.broadcast_to(u > np.asarray(be.utilisation), shape)
    return RentOrOwn(
        accelerator_hours=scalar_or_array(np.broadcast_to(H, shape).copy()),
        rental_usd=scalar_or_array(rental),
        owned=owned,
        utilisation=scalar_or_array(np.broadcast_to(u, shape).copy()),
        break_even=be,
        own_is_cheaper=bool(cheaper) if cheaper.ndim == 0 else cheaper.copy(),
        price_year=o.price_year,
    )
