"""A frontier plan as one frozen dataclass, and the chain of the kit's models that says whether it works.

:class:`FrontierPlan` holds a target (a training budget in FLOP, or a loss to reach), a deadline,
the money available, the serving demand expected, a compute strategy (shares owned, on a
multi-year contract and bought on the spot market) and the supply and market conditions.
:func:`evaluate_plan` chains the kit's models, one step each, and returns a :class:`PlanResult`:

1. **model and data** - :func:`compute_econ.scaling.compute_optimal` for a budget, or
   :func:`compute_econ.scaling.inference_aware_optimal` for a target loss (a smaller model trained
   longer when serving demand is large);
2. **accelerator-hours** - ``6ND / (peak x MFU)`` (:func:`compute_econ.training.accelerator_hours`);
3. **goodput** - :func:`compute_econ.cluster.estimate_goodput` at the cluster's size (failures,
   checkpoints at Daly's interval), hence the days of training;
4. **memory** - :func:`compute_econ.cluster.min_accelerators`: can the cluster hold the model's
   training state at all;
5. **lead times** - an owned cluster is ready when the site is built and the chips have arrived
   (at the lab's delivery rate); contracted capacity after the provider's lead time; spot at once;
6. **power** - the owned part's facility load (:func:`compute_econ.supply.all_in_watts_per_accelerator`)
   against the power the lab's site can draw;
7. **capacity** - the rented parts against what the provider and the spot market can give one buyer;
8. **cost** - owning at :func:`compute_econ.costs.owned_cost_breakdown_per_hour` (capital recovery,
   energy, operations), renting at a contract or spot price; training, experiments, failures and
   serving; and the cash the plan must commit (hardware bought, take-or-pay contract, spot hours);
9. **serving** - ``2N`` FLOP a token (Kaplan et al. 2020) at a share of peak, to a fleet and a
   price per million tokens (:func:`compute_econ.serving.usd_per_m_tokens`);
10. **dependence** - :func:`compute_econ.market.p_lose_access`: the chance that rented compute is
    lost for a month during the run.

Each constraint gets a load, ``used / limit``: **violated** above 1, **binding** from
:data:`BINDING_LOAD` (0.9) to 1, **met** below. The plan is feasible when none is violated; the
constraint with the highest load is the one that binds.

Every step is vectorised: :mod:`compute_econ.plan.uncertainty` evaluates thousands of draws of the
uncertain inputs in one call.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

import numpy as np

from compute_econ import costs, scaling, training
from compute_econ._records import ArrayRecord
from compute_econ._validate import (
    USD_PER_HOUR_RANGE,
    Domain,
    FloatOrArray,
    broadcast,
    choice,
    finite_results,
    in_domain,
    instance,
    integer,
    scalar,
    scalar_or_array,
    text,
)
from compute_econ.cluster import failures, memory
from compute_econ.hardware import H100_SXM, Accelerator
from compute_econ.market import dependence
from compute_econ.serving import cost as serving_cost
from compute_econ.supply import ceiling

__all__ = [
    "FrontierPlan",
    "PlanResult",
    "evaluate_plan",
    "CONSTRAINTS",
    "CONSTRAINT_LABELS",
    "STATUSES",
    "BINDING_LOAD",
    "STRATEGIES",
    "LEADS",
    "MONTHS_PER_YEAR",
    "DAYS_PER_MONTH",
    "HOURS_PER_MONTH",
    "COLOSSUS_ACCELERATORS_PER_MONTH",
    "LLAMA3_ACCELERATOR_MTBF_HOURS",
    "DEEPSEEK_V3_SERVING_FRAC_OF_PEAK",
    "DEFAULT_CONTRACT_USD_PER_HOUR",
    "DEFAULT_SPOT_USD_PER_HOUR",
    "COTTIER_EXPERIMENT_MULTIPLIER",
    "AWS_CAPACITY_BLOCK_ACCELERATORS",
    "MAX_ACCELERATORS",
    "MAX_MONTHS",
    "UNCERTAIN_FIELDS",
]

MONTHS_PER_YEAR = 12.0
#: Days in an average month (365.25 / 12).
DAYS_PER_MONTH = 365.25 / 12.0
#: Hours in an average month (:data:`compute_econ.costs.HOURS_PER_YEAR` / 12).
HOURS_PER_MONTH = costs.HOURS_PER_YEAR / MONTHS_PER_YEAR

#: The constraints a plan is checked against, in the order a dashboard lists them.
CONSTRAINTS: tuple[str, ...] = ("budget", "deadline", "power", "capacity", "memory")
#: What each constraint compares, for readouts.
CONSTRAINT_LABELS: Mapping[str, str] = MappingProxyType({
    "budget": "cash committed vs budget",
    "deadline": "trained model vs deadline",
    "power": "owned cluster's power vs the site's",
    "capacity": "rented accelerators vs what providers can give",
    "memory": "training state vs the cluster's memory",
})
#: A constraint's status from its load (used / limit).
STATUSES: tuple[str, ...] = ("met", "binding", "violated")
#: Load from which a met constraint is called binding: within 10 % of its limit.
BINDING_LOAD = 0.9

#: Named strategies as (share owned, share on contract); the rest is bought on the spot market.
#: "mix" is one illustrative split (half owned, a third contracted, the rest spot).
STRATEGIES: Mapping[str, tuple[float, float]] = MappingProxyType({
    "own": (1.0, 0.0),
    "contract": (0.0, 1.0),
    "spot": (0.0, 0.0),
    "mix": (0.5, 1.0 / 3.0),
})
#: What can set the date the whole cluster is ready (index = :attr:`PlanResult.lead`).
LEADS: tuple[str, ...] = ("none", "site build", "chip deliveries", "provider lead time")

MAX_ACCELERATORS = 10_000_000
#: The longest deadline, lead time or serving life a plan takes, months (20 years).
MAX_MONTHS = 240.0

#: Accelerators a lab can take delivery of and install per month: xAI's Colossus, 100,000 H100s
#: "built by xAI and NVIDIA in just 122 days" (NVIDIA press release, 2024-10-28; the kit's
#: ``data/clusters.csv``), 100,000 / (122 / 30.44) = 24,950 a month. The fastest build reported.
COLOSSUS_ACCELERATORS_PER_MONTH = 100_000 / (122.0 / DAYS_PER_MONTH)

#: Each H100's mean time between failures implied by Llama 3's 419 unexpected interruptions on
#: 16,384 GPUs in 54 days: 50,677 h (Llama Team 2024, arXiv:2407.21783, Section 3.3.4; the kit's
#: ``data/reliability_logs.csv``, lesson 06).
LLAMA3_ACCELERATOR_MTBF_HOURS = float(failures.component_mtbf_hours(failures.observed_mtbf_hours(54.0, 419.0), 16_384))

#: Total compute of a model's development (experiments included) over its final run: the median 2.2x of
#: Cottier et al. 2024, arXiv:2405.21015, Appendix A.6 ("ranges from 1.2x to 4x, with a median of 2.2x").
COTTIER_EXPERIMENT_MULTIPLIER = 2.2

#: Accelerators one buyer can rent at short notice: 2,048 H100s, AWS's limit of 256 instances of 8 GPUs
#: across EC2 Capacity Blocks ("Each Capacity Block can have up to 64 instances, and you can have up to 256
#: instances across Capacity Blocks", AWS EC2 User Guide, "Find and purchase Capacity Blocks"). The only
#: published limit found; plain on-demand and spot capacity have none.
AWS_CAPACITY_BLOCK_ACCELERATORS = 256 * 8

#: Share of the BF16 dense peak a serving fleet turns into tokens: 0.138, derived from DeepSeek's
#: published production figure, "73.7k/14.8k input/output tokens per second per H800 node" (DeepSeek,
#: "Day 6 - One More Thing: DeepSeek-V3/R1 Inference System Overview", 2025-03-01, in the repository
#: deepseek-ai/open-infra-index, README.md), for a model with 37B active parameters (DeepSeek-V3 technical report,
#: arXiv:2412.19437): 14,800 x 2 x 37e9 / (8 x 989.4e12). An H800 has the H100 SXM's dense peak.
DEEPSEEK_V3_SERVING_FRAC_OF_PEAK = 14_800 * 2 * 37e9 / (8 * H100_SXM.peak_flop_per_s)

#: Contract price of an H100-hour: $2.35, SemiAnalysis's H100 1-year rental contract index for March 2026
#: ("H100 1-year GPU rental contract pricing has shot up almost 40% from a low of $1.70/hr/GPU in October
#: 2025 to $2.35/hr/GPU by March 2026"; SemiAnalysis, "The Great GPU Shortage - Rental Capacity",
#: 2026-04-02; paywalled, read in verbatim quotations).
DEFAULT_CONTRACT_USD_PER_HOUR = 2.35
#: Spot (on-demand) price of an H100-hour: Lambda's $3.49 (2024 USD), the kit's
#: :data:`compute_econ.costs.H100_LAMBDA_2024`.
DEFAULT_SPOT_USD_PER_HOUR = costs.H100_LAMBDA_2024.on_demand_usd_per_hour

_FLOP_RANGE = (1e18, 1e31)
_USD_RANGE = (1.0, 1e14)


def _months(name: str, value: Any, *, low_open: bool = False) -> float:
    return scalar(name, value, 0.0, MAX_MONTHS, low_open=low_open, unit="months")


@dataclass(frozen=True)
class FrontierPlan:
    """One plan to train (and then serve) a frontier model: a target, money, time, a strategy, conditions.

    Give exactly one of ``training_flop`` and ``target_loss``. Shares ``frac_own`` and
    ``frac_contract`` split the cluster; the rest, ``1 - frac_own - frac_contract``, is bought on
    the spot market (:data:`STRATEGIES` names the usual splits). Fields marked *(uncertain)* have a
    cited range in :data:`compute_econ.plan.UNCERTAIN_INPUTS`; here they hold the plan's best guess.

    Attributes
    ----------
    name : str
        What the plan is called in readouts.
    training_flop : float or None
        The final run's budget, FLOP, in [1e18, 1e31]; the model is compute-optimal for it.
    target_loss : float or None
        A loss to reach (Besiroglu et al. 2024's fit, nats/token) instead of a budget; the model is
        the inference-aware optimum for the serving demand (Sardana et al. 2023).
    deadline_months : float
        Months from today to a trained model, in (0, 240].
    budget_usd : float
        Cash the lab can commit to get the model trained, USD, in [1, 1e14].
    n_accelerators : int
        Accelerators in the training cluster, in [1, 10,000,000].
    frac_own, frac_contract : float
        Shares of the cluster owned and rented on a multi-year contract, each in [0, 1], summing to 1
        at most.
    tokens_served_per_day : float
        Tokens the model is expected to serve a day once trained, in [0, 1e17] *(uncertain)*.
    serving_years : float
        Years of serving counted in the plan's cost, in [0, 20].
    site_power_mw : float
        Power the lab's own site can draw, MW, in [0, 1e6]; only the owned share uses it.
    contract_years : float
        Term of the take-or-pay contract, years, in (0, 20]; default 3 (Lambda's commitment).
    contract_capacity : float
        Accelerators the contract's provider can deliver to this lab, in [0, 1e7].
    spot_capacity : float
        Accelerators the spot market can give one buyer at once, in [0, 1e7] *(uncertain)*.
    n_providers : int
        Providers the rented compute is spread over, in [1, 1000].
    p_provider_loss_per_month : float
        Chance a provider is lost for a month (outage, capacity withdrawn), in [0, 1].
    mfu, accelerator_mtbf_hours, experiment_compute_multiplier, site_build_months,
    chips_per_month, contract_lead_months, contract_usd_per_hour, spot_usd_per_hour,
    accelerator_price_usd, own_utilisation, serving_frac_of_peak : float
        *(uncertain)* Model FLOP utilisation of training, in (0, 1]; each accelerator's MTBF, hours,
        in (0, 1e9]; total compute of the model's development over its final run, in [1, 100]; months
        to build and power the lab's own site, in [0, 240]; accelerators the lab can take delivery of
        a month, in (0, 1e7]; months until a contract's capacity is delivered, in [0, 240]; contract
        and spot prices, USD per accelerator-hour, in (0, 10,000]; price of one accelerator, USD, in
        (0, 1e7]; share of the owned cluster's life it does paid work, in (0, 1]; share of peak
        FLOP/s a serving fleet turns into tokens, in (0, 1].
    accelerator : Accelerator
        The catalogue row trained and served on (needs a board power); default the H100 SXM.
    ownership : Ownership
        What owning costs (:data:`compute_econ.costs.H100_OWNERSHIP`); its ``accelerator_price_usd``
        is replaced by ``accelerator_price_usd``.
    source : str
        Where the plan's figures come from.

    References
    ----------
    See :func:`evaluate_plan` and each uncertain input's ``source`` in
    :data:`compute_econ.plan.UNCERTAIN_INPUTS`.
    """

    name: str = "what-if"
    training_flop: float | None = 3.8e25
    target_loss: float | None = None
    deadline_months: float = 18.0
    budget_usd: float = 5e9
    n_accelerators: int = 16_384
    frac_own: float = 0.0
    frac_contract: float = 1.0
    tokens_served_per_day: float = 0.0
    serving_years: float = 1.0
    site_power_mw: float = 0.0
    contract_years: float = 3.0
    contract_capacity: float = 100_000.0
    spot_capacity: float = AWS_CAPACITY_BLOCK_ACCELERATORS
    n_providers: int = 1
    p_provider_loss_per_month: float = 0.01
    mfu: float = training.DEFAULT_MFU
    accelerator_mtbf_hours: float = LLAMA3_ACCELERATOR_MTBF_HOURS
    experiment_compute_multiplier: float = COTTIER_EXPERIMENT_MULTIPLIER
    site_build_months: float = 24.0
    chips_per_month: float = COLOSSUS_ACCELERATORS_PER_MONTH
    contract_lead_months: float = 10.0
    contract_usd_per_hour: float = DEFAULT_CONTRACT_USD_PER_HOUR
    spot_usd_per_hour: float = DEFAULT_SPOT_USD_PER_HOUR
    accelerator_price_usd: float = costs.H100_OWNERSHIP.accelerator_price_usd
    own_utilisation: float = 0.8
    serving_frac_of_peak: float = DEEPSEEK_V3_SERVING_FRAC_OF_PEAK
    accelerator: Accelerator = H100_SXM
    ownership: costs.Ownership = costs.H100_OWNERSHIP
    source: str = "what-if"

    def __post_init__(self) -> None:
        store = object.__setattr__
        store(self, "name", text("name", self.name))
        store(self, "source", text("source", self.source))
        if (self.training_flop is None) == (self.target_loss is None):
            raise ValueError("give exactly one of training_flop (a budget, FLOP) and target_loss (nats/token), "
                             f"got training_flop={self.training_flop!r}, target_loss={self.target_loss!r}")
        if self.training_flop is not None:
            store(self, "training_flop", scalar("training_flop", self.training_flop, *_FLOP_RANGE, unit="FLOP"))
        else:
            fit = scaling.DEFAULT_FIT
            store(self, "target_loss", scalar("target_loss", self.target_loss, fit.E, 10.0, low_open=True,
                                              unit="nats/token"))
        store(self, "deadline_months", _months("deadline_months", self.deadline_months, low_open=True))
        store(self, "budget_usd", scalar("budget_usd", self.budget_usd, *_USD_RANGE, unit="USD"))
        store(self, "n_accelerators", integer("n_accelerators", self.n_accelerators, 1, MAX_ACCELERATORS))
        store(self, "frac_own", scalar("frac_own", self.frac_own, 0.0, 1.0))
        store(self, "frac_contract", scalar("frac_contract", self.frac_contract, 0.0, 1.0))
        if self.frac_own + self.frac_contract > 1.0 + 1e-12:
            raise ValueError(f"frac_own + frac_contract must be at most 1 (the rest is spot), got "
                             f"{self.frac_own!r} + {self.frac_contract!r}")
        store(self, "tokens_served_per_day", scalar("tokens_served_per_day", self.tokens_served_per_day, 0.0, 1e17))
        store(self, "serving_years", scalar("serving_years", self.serving_years, 0.0, MAX_MONTHS / MONTHS_PER_YEAR))
        store(self, "site_power_mw", scalar("site_power_mw", self.site_power_mw, 0.0, 1e6, unit="MW"))
        store(self, "contract_years", scalar("contract_years", self.contract_years, 0.0, MAX_MONTHS / MONTHS_PER_YEAR,
                                             low_open=True))
        store(self, "contract_capacity", scalar("contract_capacity", self.contract_capacity, 0.0, MAX_ACCELERATORS))
        store(self, "spot_capacity", scalar("spot_capacity", self.spot_capacity, 0.0, MAX_ACCELERATORS))
        store(self, "n_providers", integer("n_providers", self.n_providers, 1, dependence.MAX_PROVIDERS))
        store(self, "p_provider_loss_per_month", scalar("p_provider_loss_per_month", self.p_provider_loss_per_month,
                                                        0.0, 1.0))
        store(self, "accelerator", instance("accelerator", self.accelerator, Accelerator))
        if self.accelerator.board_watts is None:
            raise ValueError(f"accelerator {self.accelerator.name!r} has no published board_watts; "
                             "pass an accelerator with one")
        store(self, "ownership", instance("ownership", self.ownership, costs.Ownership))
        if self.ownership.board_watts != self.accelerator.board_watts:  # one accelerator's power, in cost and in MW
            raise ValueError(f"ownership.board_watts ({self.ownership.board_watts!r} W) must equal the accelerator's "
                             f"board_watts ({self.accelerator.board_watts!r} W): pass an Ownership for "
                             f"{self.accelerator.name}")
        for name in _UNCERTAIN_DOMAINS:
            store(self, name, _uncertain(name, getattr(self, name)))

    @property
    def frac_spot(self) -> float:
        """Share of the cluster bought on the spot market: ``1 - frac_own - frac_contract`` (0 within rounding)."""
        spot = 1.0 - self.frac_own - self.frac_contract
        return spot if spot > 1e-12 else 0.0  # 0.7 + 0.3 leaves 5.6e-17, which is no spot share

    @property
    def strategy(self) -> str:
        """The name in :data:`STRATEGIES` of this split, or ``"custom"``."""
        for name, (own, contract) in STRATEGIES.items():
            if math.isclose(own, self.frac_own, abs_tol=1e-9) and math.isclose(contract, self.frac_contract,
                                                                               abs_tol=1e-9):
                return name
        return "custom"

    def with_strategy(self, strategy: str) -> FrontierPlan:
        """The same plan with the shares of a named strategy (:data:`STRATEGIES`)."""
        own, contract = STRATEGIES[choice("strategy", strategy, tuple(STRATEGIES))]
        return replace(self, frac_own=own, frac_contract=contract)


#: Domains of the uncertain inputs: (low, high, low_open, unit). Monte Carlo draws are checked here too.
_UNCERTAIN_DOMAINS: Mapping[str, Domain] = MappingProxyType({
    "tokens_served_per_day": (0.0, 1e17, False, "tokens/day"),
    "spot_capacity": (0.0, MAX_ACCELERATORS, False, "accelerators"),
    "mfu": (0.0, 1.0, True, ""),
    "accelerator_mtbf_hours": (0.0, 1e9, True, "h"),
    "experiment_compute_multiplier": (1.0, 100.0, False, ""),
    "site_build_months": (0.0, MAX_MONTHS, False, "months"),
    "chips_per_month": (0.0, MAX_ACCELERATORS, True, "accelerators/month"),
    "contract_lead_months": (0.0, MAX_MONTHS, False, "months"),
    "contract_usd_per_hour": (USD_PER_HOUR_RANGE[0], USD_PER_HOUR_RANGE[1], True, "USD/h"),
    "spot_usd_per_hour": (USD_PER_HOUR_RANGE[0], USD_PER_HOUR_RANGE[1], True, "USD/h"),
    "accelerator_price_usd": (0.0, 1e7, True, "USD"),
    "own_utilisation": (0.0, 1.0, True, ""),
    "serving_frac_of_peak": (0.0, 1.0, True, ""),
})
#: Fields of :class:`FrontierPlan` that :func:`evaluate_plan` accepts as arrays (the uncertain inputs).
UNCERTAIN_FIELDS: tuple[str, ...] = tuple(_UNCERTAIN_DOMAINS)


def _uncertain(name: str, value: Any) -> float:
    return in_domain(_UNCERTAIN_DOMAINS, name, value)


def _uncertain_array(name: str, value: Any) -> np.ndarray:
    return in_domain(_UNCERTAIN_DOMAINS, name, value, vectorised=True)


@dataclass(frozen=True, eq=False)
class PlanResult(ArrayRecord):
    """What a :class:`FrontierPlan` comes to (returned by :func:`evaluate_plan`).

    Arrays where :func:`evaluate_plan` was given arrays of uncertain inputs; numbers otherwise.
    Money is USD as each price was quoted, 2023 to 2026 (the kit's H100 purchase and rental prices and
    the 2026 contract index), not adjusted between those years.

    Attributes
    ----------
    n_params, n_tokens, training_flop : float or numpy.ndarray
        The final run: parameters, tokens and ``6ND``.
    ideal_accelerator_hours : float or numpy.ndarray
        ``6ND / (peak x MFU)`` / 3600: the run without failures.
    goodput_frac : float or numpy.ndarray
        Share of the cluster's time that advances training, checkpointing at Daly's interval.
    training_days : float or numpy.ndarray
        Calendar days of the final run, failures included.
    ready_months, finish_months : float or numpy.ndarray
        Months from today until the whole cluster is ready, and until the model is trained.
    lead : int or numpy.ndarray
        Index into :data:`LEADS` of what sets ``ready_months``.
    own_mw, cluster_mw : float or numpy.ndarray
        Facility power at full load of the owned share (the lab's site must supply it) and of the
        whole training cluster (owned and rented), MW.
    usd_per_accelerator_hour : float or numpy.ndarray
        The strategy's blended price of a used accelerator-hour.
    training_usd, experiments_usd, failures_usd, serving_usd : float or numpy.ndarray
        The final run at that price; the experiments before it; the hours lost to failures; serving
        ``serving_years`` of demand.
    total_usd : float or numpy.ndarray
        Their sum (training + overheads + serving), the plan's economic cost.
    capex_usd, contract_commitment_usd, cash_usd : float or numpy.ndarray
        Hardware bought for the owned share; the contract's take-or-pay obligation over its term;
        the cash the plan commits to get the model trained (the two plus spot hours and the owned
        share's energy), which the budget is checked against.
    serving_accelerators : float or numpy.ndarray
        Accelerators busy serving the demand on average.
    usd_per_m_tokens : float or numpy.ndarray
        The price of serving a million tokens at the strategy's price.
    p_access_lost : float or numpy.ndarray
        Chance that the rented compute is all lost for at least one month of the run.
    load : Mapping[str, float or numpy.ndarray]
        ``used / limit`` per constraint of :data:`CONSTRAINTS`.
    feasible : bool or numpy.ndarray
        No constraint violated.
    """

    n_params: FloatOrArray
    n_tokens: FloatOrArray
    training_flop: FloatOrArray
    ideal_accelerator_hours: FloatOrArray
    goodput_frac: FloatOrArray
    training_days: FloatOrArray
    ready_months: FloatOrArray
    finish_months: FloatOrArray
    lead: Any
    own_mw: FloatOrArray
    cluster_mw: FloatOrArray
    usd_per_accelerator_hour: FloatOrArray
    training_usd: FloatOrArray
    experiments_usd: FloatOrArray
    failures_usd: FloatOrArray
    serving_usd: FloatOrArray
    total_usd: FloatOrArray
    capex_usd: FloatOrArray
    contract_commitment_usd: FloatOrArray
    cash_usd: FloatOrArray
    serving_accelerators: FloatOrArray
    usd_per_m_tokens: FloatOrArray
    p_access_lost: FloatOrArray
    load: Mapping[str, FloatOrArray]
    feasible: Any

    @property
    def overhead_usd(self) -> FloatOrArray:
        """Experiments plus failures, USD: what the final run's price leaves out."""
        return scalar_or_array(np.asarray(self.experiments_usd) + np.asarray(self.failures_usd))

    @property
    def status(self) -> dict[str, Any]:
        """``"met"``, ``"binding"`` or ``"violated"`` per constraint (arrays of them for arrays)."""
        out: dict[str, Any] = {}
        for name in CONSTRAINTS:
            load = np.asarray(self.load[name])
            s = np.where(load > 1.0, "violated", np.where(load >= BINDING_LOAD, "binding", "met"))
            out[name] = str(s) if s.ndim == 0 else s
        return out

    @property
    def binding(self) -> Any:
        """The constraint with the highest load (the first in :data:`CONSTRAINTS` on a tie)."""
        loads = np.stack([np.asarray(self.load[c], dtype=float) for c in CONSTRAINTS])
        idx = np.argmax(loads, axis=0)
        names = np.asarray(CONSTRAINTS)[idx]
        return str(names) if names.ndim == 0 else names

    @property
    def lead_name(self) -> Any:
        """:data:`LEADS` name of what sets the ready date."""
        names = np.asarray(LEADS)[np.asarray(self.lead)]
        return str(names) if names.ndim == 0 else names


def _model_and_data(plan: FrontierPlan, tokens_per_day: np.ndarray, serving_days: float
                    ) -> tuple[np.ndarray, np.ndarray]:
    if plan.training_flop is not None:
        N, D = _compute_optimal(plan.training_flop)
        return np.full(tokens_per_day.shape, N), np.full(tokens_per_day.shape, D)
    ia = scaling.inference_aware_optimal(float(plan.target_loss or 0.0), tokens_per_day * serving_days)
    return np.asarray(ia.n_params, dtype=float), np.asarray(ia.n_tokens, dtype=float)


def evaluate_plan(plan: FrontierPlan, **uncertain: Any) -> PlanResult:
    """Chain the kit's models over one plan: model, time, power, capacity, memory, cost, risk, and the binding constraint.

    Parameters
    ----------
    plan : FrontierPlan
        The plan; its uncertain inputs hold their best guesses.
    **uncertain : array_like
        Any of the plan's uncertain inputs (:data:`UNCERTAIN_FIELDS`) as numbers or arrays, which
        replace the plan's values and broadcast together (one result per draw).

    Returns
    -------
    PlanResult

    Notes
    -----
    Assumptions a learner should know: the experiments before the final run cost money but run
    on other capacity, so they do not delay it; the cluster's parts (owned, contracted, spot)
    train as one (lesson 06 says what training across sites costs); serving is paid at the same
    blended price as training; the owned share's capital is charged over its useful life at
    ``own_utilisation`` (the cluster trains and serves other models after this one); prices are
    those of 2023-24, not forecast.

    References
    ----------
    Hoffmann et al. 2022, arXiv:2203.15556 and Besiroglu et al. 2024, arXiv:2404.10102 (model and
    data); Sardana et al. 2023, arXiv:2401.00448 (inference-aware); Kaplan et al. 2020,
    arXiv:2001.08361, Section 2.1 (6N and 2N FLOP a token); Llama Team 2024, arXiv:2407.21783,
    Section 3.3.4 (failures); Daly 2006 (checkpoints); Cottier et al. 2024, arXiv:2405.21015,
    Section 2 (owning vs renting, power); Rajbhandari et al. 2020, arXiv:1910.02054 (memory).

    Examples
    --------
    Llama 3.1 405B's budget, 3.8e25 FLOP, on 16,384 contracted H100s, 18 months to the model:

    >>> r = evaluate_plan(FrontierPlan())
    >>> round(r.n_params / 1e9), round(r.training_days), r.binding, r.status["deadline"]
    (619, 75, 'deadline', 'met')
    """
    plan = instance("plan", plan, FrontierPlan)
    unknown = sorted(set(uncertain) - set(UNCERTAIN_FIELDS))
    if unknown:
        raise ValueError(f"evaluate_plan takes only the uncertain inputs {', '.join(UNCERTAIN_FIELDS)} as "
                         f"keywords; got {', '.join(unknown)}")
    if not uncertain:  # the plan's own values: validated scalars already (a planner's every move)
        return _evaluate(plan, {k: np.asarray(getattr(plan, k), dtype=float) for k in UNCERTAIN_FIELDS})
    given = {k: _uncertain_array(k, v) for k, v in uncertain.items()}
    arrays = broadcast({k: given.get(k, np.asarray(getattr(plan, k), dtype=float)) for k in UNCERTAIN_FIELDS})
    v = dict(zip(UNCERTAIN_FIELDS, arrays, strict=True))
    return _evaluate(plan, v)


def _evaluate(plan: FrontierPlan, v: Mapping[str, np.ndarray]) -> PlanResult:
    acc = plan.accelerator
    peak = acc.peak_flop_per_s
    n = float(plan.n_accelerators)
    f_own, f_con, f_spot = plan.frac_own, plan.frac_contract, plan.frac_spot
    n_own, n_con, n_spot = n * f_own, n * f_con, n * f_spot
    serving_days = plan.serving_years * costs.HOURS_PER_YEAR / failures.HOURS_PER_DAY

    # 1-2. the model, its data, and the run's accelerator-hours
    N, D = _model_and_data(plan, v["tokens_served_per_day"], serving_days)
    C = _training_flop(float(N), float(D)) if N.ndim == 0 else scaling.training_flop(N, D)
    ideal_hours = np.asarray(training.accelerator_hours(C, peak, v["mfu"]), dtype=float)

    # 3. goodput at the cluster's size: failures and checkpoints (lesson 06)
    gp = failures.estimate_goodput(ideal_hours, n, v["accelerator_mtbf_hours"],
                                   failures.LLAMA3_CHECKPOINT_HOURS_ESTIMATE, failures.LLAMA3_RESTART_HOURS_ESTIMATE)
    training_days = np.asarray(gp.wall_clock_days, dtype=float)
    lost_hours = np.asarray(gp.lost_accelerator_hours, dtype=float)

    # 4. memory: the fewest accelerators that hold the training state, fully sharded
    min_acc = np.asarray(_min_accelerators(float(N), acc) if N.ndim == 0 else memory.min_accelerators(N, acc),
                         dtype=float)

    # 5. lead times: owned site and chips, contracted capacity, spot at once
    zero = np.zeros(np.shape(ideal_hours))
    site = np.where(f_own > 0, v["site_build_months"], 0.0) + zero
    chips = np.where(f_own > 0, n_own / v["chips_per_month"], 0.0) + zero
    provider = np.where(f_con > 0, v["contract_lead_months"], 0.0) + zero
    leads = np.stack([zero, site, chips, provider])
    lead = np.argmax(leads, axis=0)
    ready = leads.max(axis=0)
    finish = ready + training_days / DAYS_PER_MONTH

    # 6. power of the owned share at full load (lesson 03)
    watts_each = _all_in_watts(acc, plan.ownership.server_overhead_frac, plan.ownership.pue)
    own_mw, cluster_mw = n_own * watts_each / 1e6, n * watts_each / 1e6

    # 8. prices: owning (capital, servers and ops scale with the chip's price; energy does not)
    # c(u) = fixed / (8766 u) + energy (costs.owned_cost_breakdown_per_hour), so the fixed part at full use / u
    fixed_per_hour, energy_per_hour = _owned_at_full_use(plan.ownership)
    price_ratio = v["accelerator_price_usd"] / plan.ownership.accelerator_price_usd
    own_per_hour = fixed_per_hour / v["own_utilisation"] * price_ratio + energy_per_hour
    rate = f_own * own_per_hour + f_con * v["contract_usd_per_hour"] + f_spot * v["spot_usd_per_hour"]
    training_usd = ideal_hours * rate
    experiments_hours = (v["experiment_compute_multiplier"] - 1.0) * ideal_hours
    experiments_usd = experiments_hours * rate
    failures_usd = lost_hours * rate

    # 9. serving: 2N FLOP a token at a share of peak, to a fleet and a price per million tokens
    tokens_per_s_per_acc = v["serving_frac_of_peak"] * peak / (scaling.FLOP_PER_PARAM_PER_INFERENCE_TOKEN * N)
    serving_acc = v["tokens_served_per_day"] / (failures.HOURS_PER_DAY * 3600.0) / tokens_per_s_per_acc
    serving_usd = serving_acc * serving_days * failures.HOURS_PER_DAY * rate
    usd_per_m = np.asarray(serving_cost.usd_per_m_tokens(rate, 1, tokens_per_s_per_acc), dtype=float)
    total = training_usd + experiments_usd + failures_usd + serving_usd

    # cash the plan commits: hardware bought, the contract's term, spot hours, owned energy
    run_hours = ideal_hours + lost_hours + experiments_hours
    capex = n_own * costs.capex_per_accelerator_usd(plan.ownership) * price_ratio
    commitment = n_con * plan.contract_years * costs.HOURS_PER_YEAR * v["contract_usd_per_hour"]
    cash = capex + commitment + f_spot * run_hours * v["spot_usd_per_hour"] + f_own * run_hours * energy_per_hour

    # 10. dependence: the rented compute all lost for a month, at least once during the run
    if f_con + f_spot > 0:
        p_month = _p_lose_all(plan.p_provider_loss_per_month, plan.n_providers)
        p_lost = 1.0 - (1.0 - p_month) ** (training_days / DAYS_PER_MONTH)
    else:
        p_lost = zero

    # 7. capacity of the rented parts; loads of every constraint
    with np.errstate(divide="ignore", invalid="ignore"):
        con_load = np.where(n_con > 0, n_con / max(plan.contract_capacity, 1e-300), 0.0) + zero
        spot_load = np.where(n_spot > 0, n_spot / np.maximum(v["spot_capacity"], 1e-300), 0.0) + zero
        power_load = (np.where(n_own > 0, own_mw / max(plan.site_power_mw, 1e-300), 0.0)) + zero
    load = {
        "budget": cash / plan.budget_usd,
        "deadline": finish / plan.deadline_months,
        "power": _cap(power_load),
        "capacity": _cap(np.maximum(con_load, spot_load)),
        "memory": min_acc / n + zero,
    }
    feasible = np.all(np.stack([load[c] <= 1.0 for c in CONSTRAINTS]), axis=0)

    out = {
        "n_params": N + zero, "n_tokens": D + zero, "training_flop": C + zero,
        "ideal_accelerator_hours": ideal_hours, "goodput_frac": np.asarray(gp.goodput_frac, dtype=float) + zero,
        "training_days": training_days, "ready_months": ready, "finish_months": finish,
        "own_mw": own_mw + zero, "cluster_mw": cluster_mw + zero, "usd_per_accelerator_hour": rate + zero, "training_usd": training_usd,
        "experiments_usd": experiments_usd, "failures_usd": failures_usd, "serving_usd": serving_usd + zero,
        "total_usd": total, "capex_usd": capex + zero, "contract_commitment_usd": commitment + zero,
        "cash_usd": cash + zero, "serving_accelerators": serving_acc + zero, "usd_per_m_tokens": usd_per_m + zero,
        "p_access_lost": p_lost + zero,
    }
    return PlanResult(**finite_results(out, "the plan's {}", "the plan's inputs"),
                      lead=int(lead) if lead.ndim == 0 else lead,
                      load=finite_results(load, "the {} load", "the plan's inputs"),
                      feasible=bool(feasible) if np.ndim(feasible) == 0 else feasible)


@functools.lru_cache(maxsize=64)
def _compute_optimal(training_flop: float) -> tuple[float, float]:
    opt = scaling.compute_optimal(training_flop)
    return float(opt.n_params), float(opt.n_tokens)


# Scalar steps a planner repeats at every move, memoised (the same validated model call, once per value).
@functools.lru_cache(maxsize=256)
def _training_flop(N: float, D: float) -> float:
    return float(scaling.training_flop(N, D))


@functools.lru_cache(maxsize=256)
def _min_accelerators(N: float, acc: Accelerator) -> float:
    return float(memory.min_accelerators(N, acc))


@functools.lru_cache(maxsize=64)
def _all_in_watts(acc: Accelerator, server_overhead_frac: float, pue: float) -> float:
    return float(ceiling.all_in_watts_per_accelerator(acc, server_overhead_frac, pue))


@functools.lru_cache(maxsize=64)
def _owned_at_full_use(ownership: costs.Ownership) -> tuple[float, float]:
    """(capital and operations, energy) per used accelerator-hour at utilisation 1, USD."""
    owned = costs.owned_cost_breakdown_per_hour(ownership, 1.0)
    return float(owned.total_usd) - float(owned.energy_usd), float(owned.energy_usd)


@functools.lru_cache(maxsize=256)
def _p_lose_all(p_provider_loss: float, n_providers: int) -> float:
    return float(dependence.p_lose_access(p_provider_loss, n_providers))


#: A load above this is shown as "more than 1,000 times the limit" (a plan with no site power, or
#: no spot capacity, asks for any amount of it); the model keeps it finite.
_LOAD_CAP = 1e6


def _cap(load: np.ndarray) -> np.ndarray:
    return np.minimum(load, _LOAD_CAP)

