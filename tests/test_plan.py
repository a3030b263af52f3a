"""compute_econ.plan: the capstone's chain, its constraints, its uncertainty and its named scenarios.

The chain is checked one step at a time against the kit's own models called directly
(:mod:`~compute_econ.scaling`, :mod:`~compute_econ.training`, :mod:`~compute_econ.cluster`,
:mod:`~compute_econ.costs`, :mod:`~compute_econ.supply`, :mod:`~compute_econ.market`,
:mod:`~compute_econ.serving`), not against formulas typed again here.

Published values the scenarios reproduce, each read in the source named in the test's docstring:
xAI's Colossus (NVIDIA press release, 2024-10-28; Tom's Hardware's 150 MW, in data/clusters.csv;
Epoch AI's Grok 3 power draw, in the shipped Epoch snapshot; xAI's $6B Series B), Anthropic's
TPU agreement with Google (Anthropic, 2025-10-23, read in verbatim copies) and Isambard-AI (the
University of Bristol's blog, 2025; the UK government's £225m).
"""

from __future__ import annotations

import csv
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import compute_econ
from compute_econ import costs, hardware, scaling, training
from compute_econ.cluster import failures, get_cluster, load_reliability_logs, memory
from compute_econ.hardware import H100_SXM
from compute_econ.market import dependence
from compute_econ.plan import (
    BINDING_LOAD,
    COLOSSUS_ACCELERATORS_PER_MONTH,
    CONSTRAINTS,
    DAYS_PER_MONTH,
    DEEPSEEK_V3_SERVING_FRAC_OF_PEAK,
    GRANT_GBP,
    LEADS,
    LLAMA3_ACCELERATOR_MTBF_HOURS,
    OWN_FAST,
    PARTNERSHIP,
    PERCENTILES,
    PUBLIC_GRANT,
    SCENARIOS,
    SENSITIVITY_OUTPUTS,
    STATUSES,
    STRATEGIES,
    UNCERTAIN_FIELDS,
    UNCERTAIN_INPUTS,
    USD_PER_GBP_2023_ESTIMATE,
    FrontierPlan,
    PlanResult,
    UncertainInput,
    evaluate_plan,
    get_scenario,
    sensitivity,
    simulate_plan,
)
from compute_econ.serving import cost as serving_cost
from compute_econ.supply import ceiling
from compute_econ.trends.notable import EPOCH_SNAPSHOT_FILE

#: A plan that uses every part of the chain: half owned, 30 % contracted, 20 % spot, serving demand,
#: two providers, an accelerator price and a utilisation away from the defaults.
MIX = FrontierPlan(name="test mix", tokens_served_per_day=1e11, serving_years=2.0, frac_own=0.5, frac_contract=0.3,
                   site_power_mw=50.0, n_providers=2, p_provider_loss_per_month=0.1,
                   accelerator_price_usd=25_000.0, own_utilisation=0.6, mfu=0.35)
#: Llama 3.1 405B's budget, 3.8e25 FLOP, on 16,384 accelerators, each strategy in turn.
OWN = FrontierPlan(name="test own", site_power_mw=100.0).with_strategy("own")
CONTRACT = FrontierPlan(name="test contract").with_strategy("contract")
SPOT = FrontierPlan(name="test spot", spot_capacity=20_000.0).with_strategy("spot")

#: Every numeric field of PlanResult (all but ``lead``, ``load`` and ``feasible``).
NUMERIC_FIELDS = ("n_params", "n_tokens", "training_flop", "ideal_accelerator_hours", "goodput_frac",
                  "training_days", "ready_months", "finish_months", "own_mw", "cluster_mw",
                  "usd_per_accelerator_hour", "training_usd", "experiments_usd", "failures_usd", "serving_usd",
                  "total_usd", "capex_usd", "contract_commitment_usd", "cash_usd", "serving_accelerators",
                  "usd_per_m_tokens", "p_access_lost")


def _ownership_at(plan: FrontierPlan) -> costs.Ownership:
    """The plan's ownership with its accelerator price, as the plan's docstring says it is used."""
    return replace(plan.ownership, accelerator_price_usd=plan.accelerator_price_usd)


def _goodput(plan: FrontierPlan, r: PlanResult, **kw: Any) -> failures.GoodputEstimate:
    """The kit's goodput model called directly for the plan's run (the checkpoint and restart estimates of lesson 06)."""
    return failures.estimate_goodput(r.ideal_accelerator_hours, plan.n_accelerators, plan.accelerator_mtbf_hours,
                                     failures.LLAMA3_CHECKPOINT_HOURS_ESTIMATE, failures.LLAMA3_RESTART_HOURS_ESTIMATE,
                                     **kw)


# --------------------------------------------------------------------------- 1. the chain, step by step


def test_a_budget_gives_the_compute_optimal_model_and_data():
    """Step 1 for a budget: N and D from scaling.compute_optimal (Besiroglu et al. 2024's fit), and 6ND is the budget."""
    r = evaluate_plan(MIX)
    assert MIX.training_flop is not None
    opt = scaling.compute_optimal(MIX.training_flop)
    assert r.n_params == pytest.approx(opt.n_params, rel=1e-12)
    assert r.n_tokens == pytest.approx(opt.n_tokens, rel=1e-12)
    assert r.training_flop == pytest.approx(scaling.training_flop(opt.n_params, opt.n_tokens), rel=1e-12)
    assert r.training_flop == pytest.approx(MIX.training_flop, rel=1e-9)
    # the model does not depend on the demand when the target is a budget
    assert evaluate_plan(MIX, tokens_served_per_day=1e14).n_params == pytest.approx(r.n_params, rel=1e-12)


def test_a_target_loss_gives_the_inference_aware_model_smaller_than_chinchilla_when_demand_is_large():
    """Step 1 for a loss: scaling.inference_aware_optimal over the serving life's tokens (Sardana et al. 2023,
    arXiv:2401.00448): with large demand a smaller model trained on more tokens; with no demand, Chinchilla's
    optimum for that loss (scaling.chinchilla_optimal_for_loss)."""
    loss_plan = FrontierPlan(training_flop=None, target_loss=2.0, tokens_served_per_day=1e12, serving_years=2.0)
    r = evaluate_plan(loss_plan)
    serving_days = 2.0 * costs.HOURS_PER_YEAR / failures.HOURS_PER_DAY
    ia = scaling.inference_aware_optimal(2.0, 1e12 * serving_days)
    chin = scaling.chinchilla_optimal_for_loss(2.0)
    assert r.n_params == pytest.approx(ia.n_params, rel=1e-12)
    assert r.n_tokens == pytest.approx(ia.n_tokens, rel=1e-12)
    assert r.n_params < 0.5 * chin.n_params and r.n_tokens > 2.0 * chin.n_tokens
    # no demand, or no serving life: Chinchilla-optimal for the loss
    for idle in (replace(loss_plan, tokens_served_per_day=0.0), replace(loss_plan, serving_years=0.0)):
        r0 = evaluate_plan(idle)
        assert r0.n_params == pytest.approx(chin.n_params, rel=1e-9)
        assert r0.n_tokens == pytest.approx(chin.n_tokens, rel=1e-9)
    # a vector of demands gives one model per demand, each the inference-aware one
    demands = np.array([0.0, 1e10, 1e12])
    rv = evaluate_plan(loss_plan, tokens_served_per_day=demands)
    np.testing.assert_allclose(rv.n_params, scaling.inference_aware_optimal(2.0, demands * serving_days).n_params,
                               rtol=1e-12)
    assert np.all(np.diff(rv.n_params) < 0)


def test_ideal_accelerator_hours_goodput_and_training_days_are_the_kits_models():
    """Steps 2-3: training.accelerator_hours (6ND / peak / MFU) and cluster.estimate_goodput at the cluster's size
    (Llama Team 2024, arXiv:2407.21783, Section 3.3.4; Daly 2006), with lesson 06's checkpoint and restart."""
    r = evaluate_plan(MIX)
    ideal = training.accelerator_hours(r.training_flop, H100_SXM.peak_flop_per_s, MIX.mfu)
    assert r.ideal_accelerator_hours == pytest.approx(ideal, rel=1e-12)
    gp = _goodput(MIX, r, usd_per_accelerator_hour=r.usd_per_accelerator_hour)
    assert r.goodput_frac == pytest.approx(gp.goodput_frac, rel=1e-12)
    assert r.training_days == pytest.approx(gp.wall_clock_days, rel=1e-12)
    assert r.failures_usd == pytest.approx(gp.lost_usd, rel=1e-12)
    assert r.finish_months == pytest.approx(r.ready_months + gp.wall_clock_days / DAYS_PER_MONTH, rel=1e-12)
    assert 0.5 < r.goodput_frac < 1.0  # failures cost something, not everything


def test_memory_load_is_min_accelerators_over_the_cluster():
    """Step 4: cluster.min_accelerators (Rajbhandari et al. 2020, arXiv:1910.02054, Section 1: 16 bytes a parameter)."""
    r = evaluate_plan(MIX)
    need = memory.min_accelerators(r.n_params, H100_SXM)
    assert r.load["memory"] == pytest.approx(need / MIX.n_accelerators, rel=1e-12)
    tiny = evaluate_plan(replace(MIX, n_accelerators=8))
    assert tiny.load["memory"] == pytest.approx(need / 8, rel=1e-12) and tiny.status["memory"] == "violated"


def test_power_is_the_supply_models_all_in_watts():
    """Step 6: supply.all_in_watts_per_accelerator (board x (1 + server overhead) x PUE; Cottier et al. 2024,
    arXiv:2405.21015, Section 2) for the owned share (own_mw) and for the whole cluster (cluster_mw)."""
    r = evaluate_plan(MIX)
    watts = ceiling.all_in_watts_per_accelerator(H100_SXM, MIX.ownership.server_overhead_frac, MIX.ownership.pue)
    assert r.own_mw == pytest.approx(0.5 * MIX.n_accelerators * watts / 1e6, rel=1e-12)
    assert r.cluster_mw == pytest.approx(MIX.n_accelerators * watts / 1e6, rel=1e-12)
    assert r.load["power"] == pytest.approx(r.own_mw / MIX.site_power_mw, rel=1e-12)


def test_owned_price_is_costs_owned_cost_per_accelerator_hour_at_the_plans_utilisation_and_price():
    """Step 8: owning costs costs.owned_cost_per_accelerator_hour (capital recovery, energy, operations) at the
    plan's own_utilisation, with the ownership's accelerator price replaced by the plan's."""
    for price, util in ((25_000.0, 0.6), (30_000.0, 1.0), (27_500.0, 0.35)):
        p = replace(OWN, accelerator_price_usd=price, own_utilisation=util)
        r = evaluate_plan(p)
        assert r.usd_per_accelerator_hour == pytest.approx(
            costs.owned_cost_per_accelerator_hour(_ownership_at(p), util), rel=1e-12)
    # vectorised over the price and the utilisation
    prices, utils = np.array([25_000.0, 30_000.0]), np.array([[0.5], [0.9]])
    rv = evaluate_plan(OWN, accelerator_price_usd=prices, own_utilisation=utils)
    for i, u in enumerate(utils[:, 0]):
        for j, pr in enumerate(prices):
            want = costs.owned_cost_per_accelerator_hour(replace(OWN.ownership, accelerator_price_usd=pr), u)
            assert np.asarray(rv.usd_per_accelerator_hour)[i, j] == pytest.approx(want, rel=1e-12)


def test_blended_price_and_the_cost_lines():
    """Step 8: the strategy's price is the shares' mix of the owned, contract and spot prices; training is the
    ideal hours at it, experiments (multiplier - 1) times those (Cottier et al. 2024, arXiv:2405.21015,
    Appendix A.6), failures the goodput model's lost hours."""
    r = evaluate_plan(MIX)
    own = costs.owned_cost_per_accelerator_hour(_ownership_at(MIX), MIX.own_utilisation)
    rate = 0.5 * own + 0.3 * MIX.contract_usd_per_hour + 0.2 * MIX.spot_usd_per_hour
    assert r.usd_per_accelerator_hour == pytest.approx(rate, rel=1e-12)
    assert r.training_usd == pytest.approx(costs.rental_cost_usd(r.ideal_accelerator_hours, rate), rel=1e-12)
    assert r.experiments_usd == pytest.approx((MIX.experiment_compute_multiplier - 1.0) * r.training_usd, rel=1e-12)
    gp = _goodput(MIX, r)
    assert r.failures_usd == pytest.approx(costs.rental_cost_usd(gp.lost_accelerator_hours, rate), rel=1e-12)


def test_capex_contract_commitment_and_cash():
    """Step 8's cash: hardware bought (costs.capex_per_accelerator_usd x owned accelerators, at the plan's price),
    the take-or-pay contract (its accelerators x term x hours x price), the spot hours and the owned energy."""
    r = evaluate_plan(MIX)
    n = MIX.n_accelerators
    capex = costs.capex_per_accelerator_usd(_ownership_at(MIX)) * 0.5 * n
    assert r.capex_usd == pytest.approx(capex, rel=1e-12)
    assert r.capex_usd == pytest.approx(costs.hardware_acquisition_cost_usd(0.5 * n, _ownership_at(MIX)), rel=1e-12)
    commitment = costs.rental_cost_usd(0.3 * n * MIX.contract_years * costs.HOURS_PER_YEAR, MIX.contract_usd_per_hour)
    assert r.contract_commitment_usd == pytest.approx(commitment, rel=1e-12)
    gp = _goodput(MIX, r)
    run_hours = MIX.experiment_compute_multiplier * r.ideal_accelerator_hours + gp.lost_accelerator_hours
    energy = costs.owned_cost_breakdown_per_hour(MIX.ownership).energy_usd
    spot_share = 1.0 - 0.5 - 0.3
    cash = capex + commitment + spot_share * run_hours * MIX.spot_usd_per_hour + 0.5 * run_hours * energy
    assert r.cash_usd == pytest.approx(cash, rel=1e-12)
    assert r.load["budget"] == pytest.approx(cash / MIX.budget_usd, rel=1e-12)
    # each strategy commits only its own kind of cash
    assert evaluate_plan(CONTRACT).capex_usd == 0.0 and evaluate_plan(OWN).contract_commitment_usd == 0.0
    assert evaluate_plan(SPOT).capex_usd == 0.0 and evaluate_plan(SPOT).contract_commitment_usd == 0.0


def test_serving_cost_is_serving_usd_per_m_tokens_at_2n_flop_a_token():
    """Step 9: 2N FLOP a token (Kaplan et al. 2020, arXiv:2001.08361, Section 2.1) at the serving share of peak,
    priced by serving.usd_per_m_tokens at the strategy's price; serving_usd is the demand at that price."""
    r = evaluate_plan(MIX)
    tokens_per_s = (MIX.serving_frac_of_peak * H100_SXM.peak_flop_per_s
                    / (scaling.FLOP_PER_PARAM_PER_INFERENCE_TOKEN * r.n_params))
    assert r.usd_per_m_tokens == pytest.approx(
        serving_cost.usd_per_m_tokens(r.usd_per_accelerator_hour, 1, tokens_per_s), rel=1e-12)
    assert r.serving_accelerators * tokens_per_s * 86_400 == pytest.approx(MIX.tokens_served_per_day, rel=1e-12)
    tokens_served = MIX.tokens_served_per_day * MIX.serving_years * costs.HOURS_PER_YEAR / failures.HOURS_PER_DAY
    assert r.serving_usd == pytest.approx(tokens_served / 1e6 * r.usd_per_m_tokens, rel=1e-12)
    assert evaluate_plan(MIX, tokens_served_per_day=0.0).serving_usd == 0.0


def test_p_access_lost_is_p_lose_access_compounded_over_the_runs_months():
    """Step 10: market.p_lose_access (all providers lost in a month, p^n for n independent providers), at least once
    over the run's training_days / DAYS_PER_MONTH months."""
    r = evaluate_plan(MIX)
    p_month = dependence.p_lose_access(MIX.p_provider_loss_per_month, MIX.n_providers)
    months = r.training_days / DAYS_PER_MONTH
    assert r.p_access_lost == pytest.approx(1.0 - (1.0 - p_month) ** months, rel=1e-12)
    assert 0.0 < r.p_access_lost < 1.0
    # more providers, less chance of losing them all
    assert evaluate_plan(replace(MIX, n_providers=3)).p_access_lost < r.p_access_lost


# --------------------------------------------------------------------------- 2. constraints


@pytest.mark.parametrize(("load", "status"), [
    (np.nextafter(0.9, 0.0), "met"), (0.9, "binding"), (0.95, "binding"), (1.0, "binding"),
    (np.nextafter(1.0, 2.0), "violated"), (0.0, "met"), (2.0, "violated"),
])
def test_status_thresholds_met_below_0_9_binding_to_1_violated_above(load, status):
    """met < 0.9 <= binding <= 1 < violated, per constraint, at loads just either side of each threshold."""
    r = evaluate_plan(CONTRACT)
    for name in CONSTRAINTS:
        shifted = replace(r, load={**r.load, name: load})
        assert shifted.status[name] == status
    assert BINDING_LOAD == 0.9 and STATUSES == ("met", "binding", "violated")


def test_status_and_feasible_from_the_budget_at_loads_either_side_of_the_thresholds():
    """The same thresholds through the whole chain: the budget set so that the cash is 0.899, 0.901, 0.999 and
    1.001 of it; feasible iff no load is above 1; statuses of arrays are arrays."""
    cash = float(evaluate_plan(CONTRACT).cash_usd)
    got = [evaluate_plan(replace(CONTRACT, budget_usd=cash / x)) for x in (0.899, 0.901, 0.999, 1.001)]
    assert [g.status["budget"] for g in got] == ["met", "binding", "binding", "violated"]
    assert [g.feasible for g in got] == [True, True, True, False]
    assert [g.binding for g in got] == ["budget"] * 4  # the deadline's load is 0.69
    rv = evaluate_plan(replace(CONTRACT, budget_usd=cash), contract_usd_per_hour=CONTRACT.contract_usd_per_hour
                       * np.array([0.8, 0.95, 1.0, 1.05]))
    assert list(rv.status["budget"]) == ["met", "binding", "binding", "violated"]
    assert list(rv.feasible) == [True, True, True, False]


def test_binding_is_the_constraint_with_the_highest_load():
    """``binding`` names the highest load (whatever its status), scalar and vectorised."""
    for plan in (MIX, OWN, CONTRACT, SPOT, *SCENARIOS.values()):
        r = evaluate_plan(plan)
        assert r.binding == max(CONSTRAINTS, key=lambda c: r.load[c])
    r = evaluate_plan(CONTRACT)
    for name in CONSTRAINTS:
        top = replace(r, load={**r.load, name: 0.99})
        assert top.binding == name
    rv = evaluate_plan(OWN, site_build_months=np.array([0.0, 200.0]))
    assert list(rv.binding) == [max(CONSTRAINTS, key=lambda c: np.asarray(rv.load[c])[i]) for i in range(2)]
    assert rv.binding[1] == "deadline"


def test_lead_times_own_contract_spot_and_mix():
    """Ready when the last part arrives: owned - the later of the site build and the chips at the delivery rate;
    contracted - the provider's lead time; spot - at once. ``lead_name`` says which."""
    own = replace(OWN, n_accelerators=100_000, chips_per_month=10_000.0)  # chips take 10 months
    r = evaluate_plan(replace(own, site_build_months=6.0))
    assert (r.ready_months, r.lead_name) == (pytest.approx(10.0), "chip deliveries")
    r = evaluate_plan(replace(own, site_build_months=12.0))
    assert (r.ready_months, r.lead_name) == (pytest.approx(12.0), "site build")
    # the contract's lead time; the site and the chips do not count when nothing is owned
    r = evaluate_plan(replace(CONTRACT, contract_lead_months=7.0, site_build_months=30.0, chips_per_month=1.0))
    assert (r.ready_months, r.lead_name) == (7.0, "provider lead time")
    # spot: at once, whatever the other lead times
    r = evaluate_plan(replace(SPOT, contract_lead_months=10.0, site_build_months=30.0, chips_per_month=1.0))
    assert (r.ready_months, r.lead_name, r.lead) == (0.0, "none", 0)
    # a mix: the latest of the three
    mix = replace(MIX, n_accelerators=100_000, chips_per_month=10_000.0)  # 50,000 owned: 5 months of chips
    for site, lead_months, want, name in ((2.0, 3.0, 5.0, "chip deliveries"), (8.0, 3.0, 8.0, "site build"),
                                          (2.0, 9.0, 9.0, "provider lead time")):
        r = evaluate_plan(replace(mix, site_build_months=site, contract_lead_months=lead_months))
        assert r.ready_months == pytest.approx(want) and r.lead_name == name
        assert LEADS[r.lead] == name
        assert r.finish_months == pytest.approx(want + r.training_days / DAYS_PER_MONTH)
        assert r.load["deadline"] == pytest.approx(r.finish_months / mix.deadline_months)


def test_a_spot_only_plan_needs_no_power_and_its_capacity_load_is_n_over_spot_capacity():
    """Spot needs no site of the lab's own; its capacity is what the spot market gives one buyer."""
    spot = replace(SPOT, site_power_mw=0.0)
    r = evaluate_plan(spot, spot_capacity=np.array([512.0, 2048.0, 20_000.0]))
    np.testing.assert_array_equal(r.own_mw, 0.0)
    np.testing.assert_array_equal(r.load["power"], 0.0)
    np.testing.assert_allclose(r.load["capacity"], spot.n_accelerators / np.array([512.0, 2048.0, 20_000.0]))
    assert list(r.status["capacity"]) == ["violated", "violated", "met"]
    assert list(r.feasible) == [False, False, True]
    # no spot market at all: violated, and still a finite load
    r0 = evaluate_plan(replace(spot, spot_capacity=0.0))
    assert r0.status["capacity"] == "violated" and math.isfinite(r0.load["capacity"])


def test_contract_capacity_load_and_the_larger_of_two_rented_loads():
    """Contracted accelerators over what the provider can deliver; with both rented parts, the larger load."""
    r = evaluate_plan(replace(CONTRACT, contract_capacity=8_192.0))
    assert r.load["capacity"] == pytest.approx(2.0) and r.status["capacity"] == "violated"
    both = replace(MIX, contract_capacity=MIX.n_accelerators, spot_capacity=0.1 * MIX.n_accelerators)
    assert evaluate_plan(both).load["capacity"] == pytest.approx(2.0)  # spot 20 % of n on 10 %: 2; contract 0.3


def test_a_plan_with_no_rented_share_cannot_lose_access():
    """p_access_lost is about rented compute: an owned cluster has none to lose, however unreliable providers are."""
    risky: dict[str, Any] = dict(p_provider_loss_per_month=0.5, n_providers=1)
    assert evaluate_plan(replace(OWN, **risky)).p_access_lost == 0.0
    assert evaluate_plan(replace(CONTRACT, **risky)).p_access_lost > 0.5
    assert evaluate_plan(replace(SPOT, **risky)).p_access_lost > 0.5


def test_a_plan_with_nothing_owned_never_violates_power():
    """Only the owned share uses the lab's site: with frac_own = 0 the power load is 0 even with no site at all."""
    for plan in (CONTRACT, SPOT, replace(MIX, frac_own=0.0)):
        r = evaluate_plan(replace(plan, site_power_mw=0.0))
        assert r.load["power"] == 0.0 and r.status["power"] == "met" and r.own_mw == 0.0
    # the same with an owned share and no site is violated (and finite)
    r = evaluate_plan(replace(MIX, site_power_mw=0.0))
    assert r.status["power"] == "violated" and not r.feasible and math.isfinite(r.load["power"])


# --------------------------------------------------------------------------- 3. properties


@st.composite
def plans(draw: Any) -> FrontierPlan:
    frac_own = draw(st.sampled_from([0.0, 0.25, 0.5, 1.0]))
    frac_contract = (1.0 - frac_own) * draw(st.sampled_from([0.0, 0.4, 1.0]))
    return FrontierPlan(
        name="drawn",
        training_flop=10.0 ** draw(st.floats(22.0, 27.0)),
        n_accelerators=draw(st.integers(64, 300_000)),
        frac_own=frac_own, frac_contract=frac_contract,
        tokens_served_per_day=draw(st.sampled_from([0.0, 1e9, 1e12])),
        site_power_mw=draw(st.floats(0.0, 1_000.0)),
        spot_capacity=draw(st.floats(0.0, 1e6)),
        contract_capacity=draw(st.floats(0.0, 1e6)),
        mfu=draw(st.floats(0.2, 0.6)),
        site_build_months=draw(st.floats(0.0, 40.0)),
        contract_lead_months=draw(st.floats(0.0, 15.0)),
        deadline_months=draw(st.floats(1.0, 60.0)),
        budget_usd=10.0 ** draw(st.floats(7.0, 11.0)),
    )


@settings(max_examples=50, deadline=None)
@given(plans())
def test_results_are_non_negative_and_add_up(plan):
    """No result is negative; total = training + experiments + failures + serving; overheads are experiments +
    failures; the ideal run's days are ideal hours / n / 24; feasible iff no load above 1; binding the top load."""
    r = evaluate_plan(plan)
    for field in NUMERIC_FIELDS:
        value = getattr(r, field)
        assert math.isfinite(value) and value >= 0.0, field
    for c in CONSTRAINTS:
        assert math.isfinite(r.load[c]) and r.load[c] >= 0.0, c
    assert r.total_usd == pytest.approx(r.training_usd + r.experiments_usd + r.failures_usd + r.serving_usd,
                                        rel=1e-12)
    assert r.overhead_usd == pytest.approx(r.experiments_usd + r.failures_usd, rel=1e-12)
    assert 0.0 < r.goodput_frac <= 1.0 and r.p_access_lost <= 1.0
    ideal_days = r.ideal_accelerator_hours / plan.n_accelerators / 24.0
    assert r.training_days * r.goodput_frac == pytest.approx(ideal_days, rel=1e-9)
    assert r.training_days >= ideal_days
    assert r.feasible == all(r.load[c] <= 1.0 for c in CONSTRAINTS)
    assert r.feasible == ("violated" not in r.status.values())
    assert r.binding == max(CONSTRAINTS, key=lambda c: r.load[c])


@settings(max_examples=30, deadline=None)
@given(plans(), st.integers(2, 10))
def test_more_accelerators_shorten_the_ideal_run_but_lower_goodput(plan, factor):
    """The same work (accelerator-hours) on more accelerators: the failure-free run is shorter, n times fewer days;
    goodput never rises (failures come n times as often; Llama Team 2024, arXiv:2407.21783, Section 3.3.4)."""
    small = evaluate_plan(plan)
    big = evaluate_plan(replace(plan, n_accelerators=plan.n_accelerators * factor))
    assert big.ideal_accelerator_hours == pytest.approx(small.ideal_accelerator_hours, rel=1e-12)
    small_ideal_days = small.training_days * small.goodput_frac
    big_ideal_days = big.training_days * big.goodput_frac
    assert big_ideal_days == pytest.approx(small_ideal_days / factor, rel=1e-9)
    assert big.goodput_frac <= small.goodput_frac
    assert big.failures_usd >= small.failures_usd


@settings(max_examples=30, deadline=None)
@given(plans(), st.lists(st.floats(0.5, 100.0), min_size=2, max_size=6, unique=True))
def test_cost_rises_with_the_spot_price_for_a_spot_plan(plan, prices):
    """A spot plan pays the spot price for every hour: total and cash rise with it (strictly), nothing else moves."""
    spot = plan.with_strategy("spot")
    p = np.unique(np.array(prices))  # sorted; at least two prices
    r = evaluate_plan(spot, spot_usd_per_hour=p)
    assert p.size >= 2
    assert np.all(np.diff(r.total_usd) > 0) and np.all(np.diff(r.cash_usd) > 0)
    np.testing.assert_allclose(r.usd_per_accelerator_hour, p, rtol=1e-12)
    np.testing.assert_array_equal(r.finish_months, np.asarray(r.finish_months)[0])


@settings(max_examples=30, deadline=None)
@given(plans(), st.lists(st.floats(0.0, 240.0), min_size=2, max_size=6))
def test_the_finish_date_never_moves_earlier_when_a_lead_time_grows(plan, months):
    """Longer site builds, slower chip deliveries or a longer provider lead never bring the trained model closer."""
    m = np.sort(np.array(months))
    mix = plan if plan.frac_own > 0 and plan.frac_contract > 0 else replace(plan, frac_own=0.4, frac_contract=0.3)
    n_own = mix.n_accelerators * mix.frac_own
    for name, values in (("site_build_months", m), ("contract_lead_months", m),
                         ("chips_per_month", n_own / (1.0 + m))):  # deliveries take 1 + m months
        # the other leads out of the way (chips within 0.03 months), so this one sets the date
        others = {"site_build_months": 0.0, "contract_lead_months": 0.0, "chips_per_month": 1e7}
        finish = evaluate_plan(mix, **{**others, name: values}).finish_months
        assert np.all(np.diff(finish) >= 0), name
        assert np.ptp(finish) >= (m[-1] - m[0]) - 0.05, name  # and it moves the date one for one
    # and the finish rises one for one once a lead time sets the date
    far = evaluate_plan(mix, contract_lead_months=np.array([200.0, 210.0]), site_build_months=0.0)
    assert np.diff(far.finish_months)[0] == pytest.approx(10.0)


# --------------------------------------------------------------------------- 4. uncertainty


def _widened(plan: FrontierPlan, u: UncertainInput) -> tuple[float, float]:
    """The input's range in the field's units, widened to include the plan's value (as the docstrings say)."""
    base = float(getattr(plan, u.name))
    low, high = (u.low * base, u.high * base) if u.relative else (u.low, u.high)
    return min(low, base), max(high, base)


def test_simulate_plan_is_reproducible_with_a_seed_and_differs_with_another():
    """The same seed gives the same draws and results; another seed others; a MIX of every strategy's inputs."""
    a, b = simulate_plan(MIX, 300, seed=7), simulate_plan(MIX, 300, seed=7)
    c = simulate_plan(MIX, 300, seed=8)
    for name in UNCERTAIN_FIELDS:
        np.testing.assert_array_equal(a.draws[name], b.draws[name])
        assert not np.array_equal(a.draws[name], c.draws[name]), name
    np.testing.assert_array_equal(a.result.total_usd, b.result.total_usd)
    assert a.total_usd_percentiles == b.total_usd_percentiles != c.total_usd_percentiles
    assert (a.n_samples, a.seed, c.seed) == (300, 7, 8) and a.plan is MIX


def test_draws_lie_within_each_inputs_range_widened_to_the_plans_value():
    """Every draw lies in its input's cited range, widened to include the plan's own value when it lies outside
    (here an MFU of 0.6 above the 0.25-0.50 range and a contract price of $1.00 below $1.54-3.00)."""
    plan = replace(MIX, mfu=0.6, contract_usd_per_hour=1.0)
    d = simulate_plan(plan, 4000, seed=3)
    for u in UNCERTAIN_INPUTS:
        low, high = _widened(plan, u)
        x = d.draws[u.name]
        assert x.shape == (4000,)
        assert x.min() >= low * (1 - 1e-12) and x.max() <= high * (1 + 1e-12), u.name
        assert x.max() - x.min() > 0.5 * (high - low), u.name  # and they spread over it
    assert np.shape(d.result.total_usd) == (4000,)
    assert d.draws["mfu"].max() > 0.55 and d.draws["contract_usd_per_hour"].min() < 1.3


def test_triangular_draws_median_at_the_mode_of_a_symmetric_range_and_the_textbook_median_otherwise():
    """Triangular on [a, b] with mode m: median m for a symmetric range; b - (b - a)/sqrt(2) for m = a
    (e.g. Morgan & Henrion 1990, ch. 8). 40,000 draws: the median's standard error is (b - a)/(2 x 2 x 200) =
    0.00025 here; the tolerance, 0.002, is 8 standard errors, so a sound sampler fails once in ~1e15 runs."""
    mfu = UncertainInput("mfu", "MFU", 0.3, 0.5, False, "test range")
    sym = simulate_plan(replace(MIX, mfu=0.4), 40_000, seed=11, inputs=[mfu]).draws["mfu"]
    assert abs(np.median(sym) - 0.4) < 0.002
    assert abs(np.mean(sym) - 0.4) < 0.002
    # the mode at the low end: median b - (b - a)/sqrt(2) = 0.3586 (a uniform draw would give 0.4)
    skew = simulate_plan(replace(MIX, mfu=0.3), 40_000, seed=11, inputs=[mfu]).draws["mfu"]
    assert abs(np.median(skew) - (0.5 - 0.2 / math.sqrt(2))) < 0.002
    # on a log scale: a range symmetric in log about the plan's value has its geometric median there
    price = UncertainInput("spot_usd_per_hour", "spot", 1.0, 16.0, True, "test range")
    logd = simulate_plan(replace(SPOT, spot_usd_per_hour=4.0), 40_000, seed=11, inputs=[price]).draws
    assert abs(np.log(np.median(logd["spot_usd_per_hour"])) - np.log(4.0)) < 0.01
    # inputs not listed are not drawn: they stay at the plan's value (one MFU, so one ideal run)
    assert set(logd) == {"spot_usd_per_hour"}
    ideal = simulate_plan(SPOT, 100, seed=1, inputs=[price]).result.ideal_accelerator_hours
    np.testing.assert_array_equal(ideal, evaluate_plan(SPOT).ideal_accelerator_hours)


def test_a_log_input_at_zero_stays_zero():
    """No serving demand: the relative, log-scale demand input has nothing to multiply and stays 0 in every draw."""
    d = simulate_plan(replace(MIX, tokens_served_per_day=0.0), 500, seed=1)
    np.testing.assert_array_equal(d.draws["tokens_served_per_day"], 0.0)
    np.testing.assert_array_equal(d.result.serving_usd, 0.0)
    d = simulate_plan(replace(SPOT, spot_capacity=0.0), 200, seed=1)
    np.testing.assert_array_equal(d.draws["spot_capacity"], 0.0)


def test_relative_ranges_multiply_the_plans_value():
    """The demand's range is a third to three times the plan's own (UNCERTAIN_INPUTS), whatever that is."""
    (demand,) = [u for u in UNCERTAIN_INPUTS if u.name == "tokens_served_per_day"]
    assert demand.relative and (demand.low, demand.high) == (pytest.approx(1 / 3), 3.0)
    for base in (1e9, 1e12):
        x = simulate_plan(replace(MIX, tokens_served_per_day=base), 4000, seed=2).draws["tokens_served_per_day"]
        assert base / 3 * (1 - 1e-12) <= x.min() < 0.4 * base and 2.5 * base < x.max() <= 3 * base * (1 + 1e-12)


def test_a_relative_range_is_clipped_to_the_fields_domain():
    """A relative range that reaches below the field's domain (experiments at a quarter of the plan's 2.2x, 0.55x,
    below the minimum of 1x) is clipped to it, in the Monte Carlo and in the tornado (it raised a ValueError
    about the draws before)."""
    u = UncertainInput("experiment_compute_multiplier", "experiments", 0.25, 2.0, True, "test range", relative=True)
    d = simulate_plan(MIX, 2000, seed=5, inputs=[u])
    x = d.draws["experiment_compute_multiplier"]
    assert x.min() >= 1.0 and x.max() <= 2.0 * MIX.experiment_compute_multiplier * (1 + 1e-12)
    s = sensitivity(MIX, "total_usd", inputs=[u])
    assert (s.input_low[0], s.input_high[0]) == (1.0, pytest.approx(4.4))
    assert s.output_at_low[0] == pytest.approx(evaluate_plan(MIX, experiment_compute_multiplier=1.0).total_usd)


def test_percentiles_are_ordered_and_the_shares_are_the_draws_shares():
    """5th <= 50th <= 95th; p_feasible is the share of feasible draws; the miss, overrun and violation shares are
    the shares of draws with that load above 1."""
    d = simulate_plan(OWN_FAST, 3000, seed=0)
    for pct in (d.total_usd_percentiles, d.cash_usd_percentiles, d.finish_months_percentiles):
        assert tuple(pct) == PERCENTILES == (5, 50, 95)
        assert pct[5] < pct[50] < pct[95]
    assert d.total_usd_percentiles[50] == pytest.approx(np.median(d.result.total_usd))
    r = d.result
    loads = np.stack([np.asarray(r.load[c]) for c in CONSTRAINTS])
    feasible = np.all(loads <= 1.0, axis=0)
    assert d.p_feasible == pytest.approx(np.mean(feasible)) == pytest.approx(np.mean(r.feasible))
    assert 0.0 < d.p_feasible < 1.0  # Colossus's 4-month build is the range's fast end: most draws miss
    assert d.p_miss_deadline == pytest.approx(np.mean(np.asarray(r.load["deadline"]) > 1.0))
    assert d.p_over_budget == pytest.approx(np.mean(np.asarray(r.load["budget"]) > 1.0))
    assert d.p_violated == {c: pytest.approx(np.mean(np.asarray(r.load[c]) > 1.0)) for c in CONSTRAINTS}
    assert 0.0 < d.p_miss_deadline < 1.0 and 0.0 < d.p_over_budget < 1.0


@pytest.mark.parametrize(("plan", "output"), [(MIX, "total_usd"), (OWN, "finish_months"), (MIX, "cash_usd")])
def test_sensitivity_ranks_by_swing_and_its_ends_are_evaluate_plan_with_that_input_moved(plan, output):
    """A one-way tornado (Clemen & Reilly 2013, ch. 5): every row's ends are the output with that input alone at its
    widened range's ends; rows are sorted by |high - low| swing, largest first; base is the plan's own output."""
    s = sensitivity(plan, output)
    assert s.output == output and output in SENSITIVITY_OUTPUTS
    assert s.base_value == pytest.approx(getattr(evaluate_plan(plan), output), rel=1e-12)
    assert sorted(s.names) == sorted(u.name for u in UNCERTAIN_INPUTS)
    by_name = {u.name: u for u in UNCERTAIN_INPUTS}
    assert s.labels == tuple(by_name[n].label for n in s.names)
    assert np.all(np.diff(s.swing) <= 0)
    np.testing.assert_allclose(s.swing, np.abs(s.output_at_high - s.output_at_low), rtol=1e-12)
    assert s.swing[0] > 0
    for i, name in enumerate(s.names):
        low, high = _widened(plan, by_name[name])
        if by_name[name].log and getattr(plan, name) == 0:
            low = high = 0.0
        assert (s.input_low[i], s.input_high[i]) == (pytest.approx(low, rel=1e-12), pytest.approx(high, rel=1e-12))
        at_low = getattr(evaluate_plan(plan, **{name: low}), output)
        at_high = getattr(evaluate_plan(plan, **{name: high}), output)
        assert s.output_at_low[i] == pytest.approx(at_low, rel=1e-12, abs=1e-9), name
        assert s.output_at_high[i] == pytest.approx(at_high, rel=1e-12, abs=1e-9), name


def test_the_dominant_input_tops_the_tornado():
    """A spot-only plan's cost is hours x the spot price, whose range spans 6x ($2.00-12.29): it ranks first; an
    owned plan's finish date is set by the site build (4-43 months): it ranks first."""
    assert sensitivity(SPOT, "total_usd").names[0] == "spot_usd_per_hour"
    assert sensitivity(SPOT, "cash_usd").names[0] == "spot_usd_per_hour"
    contract = sensitivity(CONTRACT, "total_usd")  # nothing bought on spot: its price moves nothing
    assert contract.swing[contract.names.index("spot_usd_per_hour")] == 0.0
    assert sensitivity(OWN, "finish_months").names[0] == "site_build_months"
    assert sensitivity(CONTRACT, "finish_months").names[0] == "contract_lead_months"


# --------------------------------------------------------------------------- 5. published figures


def _epoch_row(model: str) -> dict[str, str]:
    path = Path(compute_econ.__file__).parent / "data" / EPOCH_SNAPSHOT_FILE
    with path.open(newline="", encoding="utf-8") as fh:
        (row,) = [r for r in csv.DictReader(fh) if r["Model"] == model]
    return row


def test_colossus_is_ready_in_122_days_with_the_site_build_as_the_lead():
    """NVIDIA press release, 2024-10-28 (the kit's data/clusters.csv, xAI Colossus (100k)): 100,000 H100s "built by
    xAI and NVIDIA in just 122 days". The chips arrive at Colossus's own pace, so the site build sets the date
    (the two are equal by construction; the site is listed first)."""
    colossus = get_cluster("xAI Colossus (100k)")
    assert OWN_FAST.n_accelerators == colossus.n_accelerators == 100_000
    r = evaluate_plan(OWN_FAST)
    assert r.ready_months * DAYS_PER_MONTH == pytest.approx(colossus.build_days) == pytest.approx(122.0)
    assert colossus.build_months is not None
    assert round(float(r.ready_months), 1) == 4.0 == round(colossus.build_months, 1)
    assert r.lead_name == "site build"


def test_colossus_power_within_its_150_mw_grid_supply_and_within_10_percent_of_epochs_grok3_estimate():
    """Tom's Hardware via the Greater Memphis Chamber: "the site will receive 150 MW from MLGW and TVA"
    (data/clusters.csv, xAI Colossus (200k)); Epoch AI, Data on Notable AI Models (snapshot April 2025,
    compute_econ/data), Grok-3's "Training power draw (W)", ~154 MW for 100,000 H100s. The kit's facility power
    (700 W x 1.82 server overhead x PUE 1.1) fits in the grid supply and is within 10 % of Epoch's estimate."""
    grid_mw = get_cluster("xAI Colossus (200k)").site_power_mw
    assert grid_mw == 150.0 == OWN_FAST.site_power_mw
    grok3 = _epoch_row("Grok-3")
    epoch_mw = float(grok3["Training power draw (W)"]) / 1e6
    assert float(grok3["Training compute (FLOP)"]) == OWN_FAST.training_flop  # the scenario's run is Grok 3's
    r = evaluate_plan(OWN_FAST)
    assert r.own_mw == r.cluster_mw
    assert 130.0 < r.own_mw < grid_mw and r.status["power"] != "violated"
    assert abs(float(r.own_mw) / epoch_mw - 1.0) < 0.10


def test_colossus_capex_is_within_xais_6_billion_series_b_and_the_budget_binds():
    """xAI blog, 2024-05-26: a $6 billion Series B, raised in part "to build advanced infrastructure". The kit's
    hardware for 100,000 H100s (costs.capex_per_accelerator_usd, $55,679 each: Cottier et al. 2024's overheads on
    Raymond James's $27,500) fits in it, with little to spare: the budget binds (load 0.9-1)."""
    r = evaluate_plan(OWN_FAST)
    assert OWN_FAST.budget_usd == 6e9
    assert r.capex_usd == pytest.approx(100_000 * costs.capex_per_accelerator_usd(costs.H100_OWNERSHIP))
    assert r.capex_usd < OWN_FAST.budget_usd
    assert 0.9 <= r.load["budget"] <= 1.0 and r.status["budget"] == "binding"
    assert r.feasible and r.binding == "budget"


def test_anthropic_google_a_million_accelerators_draw_over_a_gigawatt_and_commit_tens_of_billions():
    """Anthropic, "Expanding our use of Google Cloud TPUs and Services", 2025-10-23 (read in verbatim copies):
    "up to one million TPUs", "worth tens of billions of dollars", "well over a gigawatt of capacity". With all of
    them (modelled as H100-class accelerators), the kit's cluster draws > 1,000 MW and a one-year contract at the
    scenario's price commits between $10 billion and $100 billion."""
    assert PARTNERSHIP.contract_years == 1.0 and PARTNERSHIP.frac_contract == 1.0
    r = evaluate_plan(replace(PARTNERSHIP, n_accelerators=1_000_000))
    assert r.cluster_mw > 1_000.0 and r.own_mw == 0.0
    assert 1e10 <= r.contract_commitment_usd < 1e11
    assert r.contract_commitment_usd == pytest.approx(
        costs.rental_cost_usd(1_000_000 * costs.HOURS_PER_YEAR, PARTNERSHIP.contract_usd_per_hour))
    # the scenario as briefed (200,000 of them) is feasible, its deadline the tightest constraint
    base = evaluate_plan(PARTNERSHIP)
    assert base.feasible and base.lead_name == "provider lead time"


def test_isambard_ai_the_power_supply_binds_at_5_mw():
    """S. McIntosh-Smith, University of Bristol blog ("Building Isambard-AI", 2025): "Our limit was the power supply
    we had at our supercomputer site ... up to five megawatts". The scenario's 3,500 H100-class accelerators at
    the kit's facility power fill the 5 MW site: the power constraint binds (and is the binding one)."""
    assert PUBLIC_GRANT.site_power_mw == 5.0
    r = evaluate_plan(PUBLIC_GRANT)
    assert r.status["power"] == "binding" and r.binding == "power" and r.feasible
    assert r.own_mw <= 5.0
    # a few hundred more accelerators and it no longer fits
    assert evaluate_plan(replace(PUBLIC_GRANT, n_accelerators=3_700)).status["power"] == "violated"


def test_isambard_ai_hardware_for_5448_accelerators_is_within_10_percent_of_the_225m_grant():
    """UK government, 2023-11-01 (reported by the Guardian and CNBC, 2025-07-17): "£225m"; McIntosh-Smith et al.
    2024, arXiv:2410.11199: 5,448 GH200 superchips. The kit's capex for 5,448 H100s (costs.capex_per_accelerator_usd)
    is within 10 % of the grant in dollars (at the scenario's estimate of the 2023 exchange rate)."""
    grant_usd = GRANT_GBP * USD_PER_GBP_2023_ESTIMATE
    assert PUBLIC_GRANT.budget_usd == pytest.approx(grant_usd) and GRANT_GBP == 225e6
    r = evaluate_plan(replace(PUBLIC_GRANT, n_accelerators=5_448))
    assert r.capex_usd == pytest.approx(5_448 * costs.capex_per_accelerator_usd(costs.H100_OWNERSHIP))
    assert abs(float(r.capex_usd) / grant_usd - 1.0) < 0.10


def test_the_models_published_constants_come_from_the_kits_data():
    """COLOSSUS_ACCELERATORS_PER_MONTH: data/clusters.csv's Colossus row (100,000 in 122 days; NVIDIA, 2024-10-28);
    LLAMA3_ACCELERATOR_MTBF_HOURS: the shipped reliability log (419 unexpected interruptions, 54 days, 16,384 GPUs;
    arXiv:2407.21783, Section 3.3.4); DEEPSEEK_V3_SERVING_FRAC_OF_PEAK: 14.8k output tokens/s per node of 8 H800s
    (DeepSeek, "Day 6", 2025-03-01) at 2 x 37B FLOP a token (arXiv:2412.19437) over the H100's dense peak, 0.138."""
    c = get_cluster("xAI Colossus (100k)")
    assert c.build_days is not None
    assert COLOSSUS_ACCELERATORS_PER_MONTH == pytest.approx(c.n_accelerators / (c.build_days / DAYS_PER_MONTH),
                                                            rel=1e-12)
    assert COLOSSUS_ACCELERATORS_PER_MONTH == pytest.approx(24_949, abs=1)
    (llama,) = [g for g in load_reliability_logs() if "unexpected" in g.name]
    assert LLAMA3_ACCELERATOR_MTBF_HOURS == pytest.approx(llama.accelerator_mtbf_hours, rel=1e-12)
    assert LLAMA3_ACCELERATOR_MTBF_HOURS == pytest.approx(50_677, abs=1)
    assert DEEPSEEK_V3_SERVING_FRAC_OF_PEAK == pytest.approx(0.138, abs=5e-4)
    assert FrontierPlan().accelerator_mtbf_hours == LLAMA3_ACCELERATOR_MTBF_HOURS
    assert FrontierPlan().serving_frac_of_peak == DEEPSEEK_V3_SERVING_FRAC_OF_PEAK


def test_scenarios_by_name_and_each_cites_its_sources():
    """get_scenario returns the named plans; each names what is published and what is the brief's choice."""
    assert {n: get_scenario(n) for n in SCENARIOS} == {"own-fast": OWN_FAST, "partnership": PARTNERSHIP,
                                                       "public-grant": PUBLIC_GRANT}
    assert [p.strategy for p in SCENARIOS.values()] == ["own", "contract", "own"]
    for plan in SCENARIOS.values():
        assert "Published:" in plan.source and "brief's choices" in plan.source
    with pytest.raises(ValueError, match="name must be one of 'own-fast', 'partnership', 'public-grant'"):
        get_scenario(["own-fast"])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- 6. validation


def test_frontier_plan_refuses_both_or_neither_target():
    for kw in (dict(training_flop=1e25, target_loss=2.0), dict(training_flop=None, target_loss=None)):
        with pytest.raises(ValueError, match="exactly one of training_flop .* and target_loss"):
            FrontierPlan(**kw)


def test_frontier_plan_refuses_shares_over_one():
    with pytest.raises(ValueError, match=r"frac_own \+ frac_contract must be at most 1"):
        FrontierPlan(frac_own=0.7, frac_contract=0.4)
    assert FrontierPlan(frac_own=0.7, frac_contract=0.4 - 0.1).frac_contract == pytest.approx(0.3)  # 1 is fine


def test_shares_that_sum_to_one_leave_no_spot_share():
    """0.7 owned + 0.3 contracted leaves 1 - 0.7 - 0.3 = 5.6e-17 in floating point: no spot share, so no spot
    capacity is needed (that residue made a plan with no spot market 'capacity violated' before)."""
    for own, contract in ((0.7, 0.3), (0.1, 0.9), (0.0, 1.0), (1.0, 0.0)):
        p = FrontierPlan(frac_own=own, frac_contract=contract, spot_capacity=0.0, site_power_mw=100.0,
                         site_build_months=1.0)
        assert p.frac_spot == 0.0
        r = evaluate_plan(p)
        assert r.load["capacity"] == pytest.approx(contract * p.n_accelerators / p.contract_capacity, abs=1e-15)
        assert r.feasible, (own, contract)
    assert FrontierPlan(frac_own=0.7, frac_contract=0.2).frac_spot == pytest.approx(0.1)


def test_frontier_plan_refuses_an_accelerator_without_board_power():
    """The power constraint needs a board power: the catalogue's TPUs have none published."""
    no_watts = [a for a in hardware.ACCELERATORS.values() if a.board_watts is None]
    assert no_watts  # the catalogue has some (the TPUs, Trainium2)
    for acc in no_watts:
        with pytest.raises(ValueError, match=rf"accelerator '{acc.name}' has no published board_watts"):
            FrontierPlan(accelerator=acc)


@pytest.mark.parametrize(("kw", "match"), [
    (dict(n_accelerators=0), r"n_accelerators must be"),
    (dict(deadline_months=0.0), r"deadline_months must be"),
    (dict(mfu=1.5), r"mfu must be in \(0, 1\]"),
    (dict(budget_usd="9"), r"budget_usd must be"),
    (dict(spot_usd_per_hour=[3.0, 4.0]), r"spot_usd_per_hour must be"),
    (dict(n_providers=1.5), r"n_providers must be"),
])
def test_frontier_plan_names_the_bad_field(kw, match):
    with pytest.raises(ValueError, match=match):
        FrontierPlan(**kw)


def test_evaluate_plan_refuses_unknown_keywords_and_draws_outside_the_domain():
    with pytest.raises(ValueError, match="takes only the uncertain inputs .*; got n_accelerators"):
        evaluate_plan(MIX, n_accelerators=[1, 2])
    with pytest.raises(ValueError, match=r"mfu must be in \(0, 1\]"):
        evaluate_plan(MIX, mfu=np.array([0.4, 1.5]))
    with pytest.raises(ValueError, match=r"experiment_compute_multiplier must be in \[1, 100\]"):
        evaluate_plan(MIX, experiment_compute_multiplier=np.array([0.5, 2.0]))
    with pytest.raises(ValueError, match="spot_capacity must"):
        evaluate_plan(MIX, spot_capacity=np.array([-1.0]))
    with pytest.raises(ValueError, match="plan must be a FrontierPlan"):
        evaluate_plan("own-fast")  # type: ignore[arg-type]


def test_uncertain_input_refuses_an_empty_range_and_a_log_range_from_zero():
    with pytest.raises(ValueError, match="high must be above low"):
        UncertainInput("mfu", "MFU", 0.5, 0.5, False, "test")
    with pytest.raises(ValueError, match="high must be above low"):
        UncertainInput("mfu", "MFU", 0.5, 0.3, False, "test")
    with pytest.raises(ValueError, match="a log-scale range needs low > 0"):
        UncertainInput("contract_lead_months", "lead", 0.0, 15.0, True, "test")
    with pytest.raises(ValueError, match=r"low must be in \(0, 1\]"):
        UncertainInput("mfu", "MFU", 0.0, 0.5, False, "test")
    with pytest.raises(ValueError, match="name must be one of"):
        UncertainInput("n_accelerators", "n", 1.0, 2.0, False, "test")


def test_simulate_and_sensitivity_refuse_bad_arguments():
    with pytest.raises(ValueError, match="n_samples"):
        simulate_plan(MIX, n_samples=1)
    with pytest.raises(ValueError, match="seed"):
        simulate_plan(MIX, seed=-1)
    with pytest.raises(ValueError, match="output must be one of"):
        sensitivity(MIX, "training_days")
    mfu = UncertainInput("mfu", "MFU", 0.3, 0.5, False, "test")
    with pytest.raises(ValueError, match="inputs must name each field once"):
        simulate_plan(MIX, inputs=[mfu, mfu])


def test_strategies_round_trip_and_with_strategy_refuses_unknown_names():
    """``strategy`` names the split of each STRATEGIES entry and "custom" otherwise; with_strategy refuses a name
    that is not one (a list or an array as the name is a ValueError, not a TypeError: it raised one before)."""
    for name, (own, contract) in STRATEGIES.items():
        p = MIX.with_strategy(name)
        assert p.strategy == name and (p.frac_own, p.frac_contract) == (own, contract)
        assert p.frac_spot == pytest.approx(1.0 - own - contract, abs=1e-12)
    assert MIX.strategy == "custom" and replace(MIX, frac_own=0.5, frac_contract=0.3 + 1e-6).strategy == "custom"
    bads: tuple[Any, ...] = ("rent", "Own", "", None, 3, ["own"], np.array(["own"]), {"own": 1})
    for bad in bads:
        with pytest.raises(ValueError, match="strategy must be one of 'own', 'contract', 'spot', 'mix'"):
            MIX.with_strategy(bad)


def test_the_ownership_must_be_for_the_plans_accelerator():
    """Energy cost (ownership.board_watts) and the power check (accelerator.board_watts) use one accelerator's power."""
    b200 = hardware.get_accelerator("NVIDIA B200")
    with pytest.raises(ValueError, match="ownership.board_watts"):
        FrontierPlan(accelerator=b200)
    ok = FrontierPlan(accelerator=b200, ownership=replace(costs.H100_OWNERSHIP, board_watts=b200.board_watts))
    assert evaluate_plan(ok).cluster_mw > evaluate_plan(FrontierPlan()).cluster_mw


def test_finite_results_checks_every_value_and_names_the_first_bad_one():
    """The one check the plan's and the goodput's records use: numbers come back as floats, arrays as arrays, and a
    value that is not finite raises the kit's 'outside the model's range' error naming it (compute_econ._validate)."""
    from compute_econ._validate import finite_results

    out = finite_results({"a": np.float64(2.0), "b": np.array([1.0, 2.0])}, "the plan's {}", "x")
    assert type(out["a"]) is float and isinstance(out["b"], np.ndarray)
    for bad in (np.inf, np.array([1.0, np.nan])):
        with pytest.raises(ValueError, match="the plan's b is not a finite number.*check x"):
            finite_results({"a": 1.0, "b": bad}, "the plan's {}", "x")


def test_sensitivities_ranks_several_outputs_as_sensitivity_ranks_each():
    """One evaluation for every output the planner shows (cost and finish date), the same tornadoes as one call each."""
    from compute_econ.plan import sensitivities

    both = sensitivities(PARTNERSHIP, ("total_usd", "finish_months"))
    assert list(both) == ["total_usd", "finish_months"]
    for output, s in both.items():
        assert s == sensitivity(PARTNERSHIP, output)
    assert set(sensitivities(OWN_FAST)) == set(SENSITIVITY_OUTPUTS)
    for bad in ((), "total_usd", ("total_usd", "total_usd"), ("total_usd", "n_params")):
        with pytest.raises(ValueError, match="outputs"):
            sensitivities(OWN_FAST, bad)
