"""Named plans, each figure with its source: own and build fast, partner with a hyperscaler, a public grant.

:data:`SCENARIOS` maps a name to a :class:`~compute_econ.plan.FrontierPlan`, the briefs a learner
starts from in lesson 07. Each scenario's ``source`` says which figures are published (and where)
and which are the brief's own choices (the deadline, the demand, the size of the run), marked as
such. The tests reproduce each scenario's published figures with the kit's chain.

All three train on H100-class accelerators (the kit's cost and power figures are the H100's); the
partnership's TPUs and the public programme's Grace Hopper superchips are modelled as such, which
the lesson says.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from compute_econ._validate import choice

from .model import COLOSSUS_ACCELERATORS_PER_MONTH, DAYS_PER_MONTH, FrontierPlan

__all__ = ["SCENARIOS", "OWN_FAST", "PARTNERSHIP", "PUBLIC_GRANT", "get_scenario", "GRANT_GBP",
           "USD_PER_GBP_2023_ESTIMATE"]

#: Isambard-AI's grant, GBP: "£225m", announced by the UK government on 2023-11-01 (reported by CNBC and
#: the Guardian, 2025-07-17: "Britain's new £225m national artificial intelligence supercomputer").
GRANT_GBP = 225e6
#: US dollars per pound, an estimate of the 2023 average (about 1.24); used only to put the grant in the
#: kit's dollars.
USD_PER_GBP_2023_ESTIMATE = 1.24

OWN_FAST = FrontierPlan(
    name="Own, built fast (xAI's Colossus, 2024)",
    training_flop=4.64e26,
    deadline_months=12.0,
    budget_usd=6e9,
    n_accelerators=100_000,
    frac_own=1.0,
    frac_contract=0.0,
    tokens_served_per_day=1e11,
    site_power_mw=150.0,
    site_build_months=122.0 / DAYS_PER_MONTH,
    chips_per_month=COLOSSUS_ACCELERATORS_PER_MONTH,
    source=(
        "Published: 100,000 H100s 'built by xAI and NVIDIA in just 122 days' (NVIDIA press release, 2024-10-28); "
        "150 MW of grid supply (Tom's Hardware; the kit's data/clusters.csv); the budget, xAI's $6 billion Series B "
        "raised 'to build advanced infrastructure' among other uses (xAI blog, 2024-05-26); the run, Grok 3's "
        "4.64e26 FLOP (Epoch AI's estimate, 'Confident'; data/training_runs.csv). The brief's choices: the "
        "12-month deadline and 1e11 tokens a day of demand."),
)

PARTNERSHIP = FrontierPlan(
    name="Partner with a hyperscaler (Anthropic and Google, 2025)",
    training_flop=1e27,
    deadline_months=18.0,
    budget_usd=13e9,
    n_accelerators=200_000,
    frac_own=0.0,
    frac_contract=1.0,
    tokens_served_per_day=1e12,
    contract_years=1.0,
    contract_capacity=1_000_000.0,
    contract_lead_months=8.0,
    n_providers=1,
    source=(
        "Published: 'up to one million TPUs', 'worth tens of billions of dollars', 'well over a gigawatt of "
        "capacity online in 2026' (Anthropic, 'Expanding our use of Google Cloud TPUs and Services', 2025-10-23; "
        "read in verbatim copies); the budget, Anthropic's $13 billion Series F (Anthropic, 2025-09-02). The TPUs "
        "are modelled as H100-class accelerators. The brief's choices: a 1e27-FLOP run on 200,000 of them, a "
        "1-year term, capacity 8 months after signing (mid-2026), 18 months to the model, 1e12 tokens a day."),
)

PUBLIC_GRANT = FrontierPlan(
    name="A public programme with a fixed grant (Isambard-AI, UK)",
    training_flop=1e25,
    deadline_months=24.0,
    budget_usd=GRANT_GBP * USD_PER_GBP_2023_ESTIMATE,
    n_accelerators=3_500,
    frac_own=1.0,
    frac_contract=0.0,
    tokens_served_per_day=1e9,
    site_power_mw=5.0,
    site_build_months=14.0,
    source=(
        "Published: a £225m grant (UK government, 2023-11-01); a 5 MW site ('Our limit was the power supply we "
        "had ... up to five megawatts', S. McIntosh-Smith, University of Bristol blog, 2025); 14 months 'from "
        "digging the first hole' to production (the same, in a podcast); 5,448 GH200 superchips 'for under 5MW' "
        "(McIntosh-Smith et al. 2024, arXiv:2410.11199). The kit's H100 servers draw more: 3,500 fit in 5 MW. The "
        "brief's choices: a 1e25-FLOP open model in 24 months, 1e9 tokens a day."),
)

SCENARIOS: Mapping[str, FrontierPlan] = MappingProxyType({
    "own-fast": OWN_FAST,
    "partnership": PARTNERSHIP,
    "public-grant": PUBLIC_GRANT,
})


def get_scenario(name: str) -> FrontierPlan:
    """The named plan of :data:`SCENARIOS` (a ``ValueError`` lists the names)."""
    return SCENARIOS[choice("name", name, tuple(SCENARIOS))]
