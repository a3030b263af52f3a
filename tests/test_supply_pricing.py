"""compute_econ.supply.pricing: demand, capacity-capped supply, market clearing and rationing.

Unit tests against closed forms (one isoelastic buyer against a fixed capacity has
p* = p0 (K / q0)^(1/eps)), hand-worked rationing cases and the sourced defaults;
hypothesis property tests for the issue's invariants (the clearing price rises with
demand and falls with capacity; allocations never exceed requests or capacity).
"""

from __future__ import annotations

import copy
import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from compute_econ import costs
from compute_econ.supply import pricing
from compute_econ.supply.pricing import (
    DEFAULT_BUYERS,
    ELASTICITY_RANGE,
    DEFAULT_SUPPLY,
    FRAC_PRICED_OUT,
    INSTALLED_H100_EQUIVALENTS,
    RATIONING_RULES,
    BuyerType,
    SupplyCurve,
    add_capacity,
    clear_market,
    clearing_price_usd_per_hour,
    compare_markets,
    demand,
    new_frontier_lab,
    ration,
    supply,
)


def buyer(name="b", q0=100.0, p0=2.0, eps=-1.0, choke=None, contract=False):
    return BuyerType(name=name, reference_quantity=q0, reference_usd_per_hour=p0, elasticity=eps,
                     max_usd_per_hour=choke, has_contract=contract)


# --------------------------------------------------------------------------- demand and supply


def test_demand_is_isoelastic_with_reference_point():
    b = buyer(q0=100.0, p0=2.0, eps=-0.5)
    per, total = demand([b], [2.0, 8.0])
    assert per.shape == (1, 2)
    assert per[0, 0] == pytest.approx(100.0)
    assert per[0, 1] == pytest.approx(50.0)  # 4x the price, eps -0.5 -> half the quantity
    assert total == pytest.approx(per[0])
    # Elasticity recovered numerically: d ln q / d ln p.
    _, (qa, qb) = demand([b], [3.0, 3.0 * 1.0001])
    assert math.log(qb / qa) / math.log(1.0001) == pytest.approx(-0.5, rel=1e-6)


def test_demand_vanishes_at_and_above_the_choke_price():
    per, total = demand([buyer(choke=5.0), buyer(name="c")], [4.99, 5.0, 6.0])
    assert per[0, 0] > 0 and per[0, 1] == 0 and per[0, 2] == 0
    assert total[1] == pytest.approx(per[1, 1])


def test_supply_is_zero_below_marginal_cost_and_capacity_above():
    curve = SupplyCurve(capacity=10.0, marginal_cost_usd_per_hour=2.0)
    np.testing.assert_array_equal(supply(curve, [1.0, 1.999, 2.0, 100.0]), [0.0, 0.0, 10.0, 10.0])


# --------------------------------------------------------------------------- clearing


def test_single_buyer_clearing_price_matches_closed_form():
    """p* = p0 (K/q0)^(1/eps): 100 at $2 with eps -0.5 into 25 accelerators -> $2 x 16 = $32."""
    r = clear_market([buyer(q0=100.0, p0=2.0, eps=-0.5)], SupplyCurve(capacity=25.0, marginal_cost_usd_per_hour=1.0))
    assert r.usd_per_hour == pytest.approx(32.0, rel=1e-12)
    assert r.total_quantity == pytest.approx(25.0, rel=1e-12)
    assert r.unsold_capacity == pytest.approx(0.0, abs=1e-9)
    assert not r.at_marginal_cost


def test_spare_capacity_prices_at_marginal_cost():
    b = buyer(q0=100.0, p0=2.0, eps=-1.0)
    r = clear_market([b], SupplyCurve(capacity=500.0, marginal_cost_usd_per_hour=1.0))
    assert r.usd_per_hour == 1.0
    assert r.at_marginal_cost
    assert r.total_quantity == pytest.approx(200.0)
    assert r.unsold_capacity == pytest.approx(300.0)


def test_choke_discontinuity_clears_at_the_choke_price_with_unsold_capacity():
    """Two buyers of 100 at $2 (eps -1), one with a $4 choke, capacity 80.

    Just below $4 both want 50+50 = 100 > 80; at $4 the choked buyer drops out and the other
    wants 50 < 80. The lowest price at which demand fits is $4, and 30 accelerators stay unsold.
    """
    b1, b2 = buyer("choked", choke=4.0), buyer("steady")
    r = clear_market([b1, b2], SupplyCurve(capacity=80.0, marginal_cost_usd_per_hour=1.0))
    assert r.usd_per_hour == pytest.approx(4.0, rel=1e-12)
    assert r.priced_out_names == ("choked",)
    assert r.quantity[1] == pytest.approx(50.0, rel=1e-9)
    assert r.unsold_capacity == pytest.approx(30.0, rel=1e-9)


def test_priced_out_below_the_documented_fraction():
    # Capacity 770 forces the price to ~13x the reference: the eps -1 buyer rents ~1/13 < 10 % of its own.
    r = clear_market([buyer("small", q0=10.0, eps=-1.0), buyer("big", q0=1000.0, eps=-0.1)],
                     SupplyCurve(capacity=770.0, marginal_cost_usd_per_hour=1.0))
    share = r.quantity / r.reference_quantity
    assert list(r.priced_out) == list(share < FRAC_PRICED_OUT)
    assert r.priced_out[0] and not r.priced_out[1]


def test_vectorised_clearing_price_matches_scalar_calls():
    caps = np.array([1e6, 3e6, 4e6, 9e6])
    vec = clearing_price_usd_per_hour(DEFAULT_BUYERS, caps, DEFAULT_SUPPLY.marginal_cost_usd_per_hour)
    for cap, p in zip(caps, vec, strict=True):
        assert clear_market(DEFAULT_BUYERS, replace(DEFAULT_SUPPLY, capacity=cap)).usd_per_hour == pytest.approx(p)


def test_spending_is_price_times_quantity_per_year():
    r = clear_market(DEFAULT_BUYERS, DEFAULT_SUPPLY)
    assert r.total_spending_usd_per_year == pytest.approx(r.usd_per_hour * r.total_quantity * costs.HOURS_PER_YEAR)


# --------------------------------------------------------------------------- defaults


def test_default_market_clears_at_the_lambda_h100_price():
    """Calibration: shares sum to 1 of Epoch's ~4M H100e (2025-02-13), so the default market clears at
    Lambda's $3.49 on-demand H100 price (Jan 2024, compute_econ.costs.H100_LAMBDA_2024)."""
    assert sum(b.reference_quantity for b in DEFAULT_BUYERS) == pytest.approx(INSTALLED_H100_EQUIVALENTS)
    r = clear_market(DEFAULT_BUYERS, DEFAULT_SUPPLY)
    assert r.usd_per_hour == pytest.approx(costs.H100_LAMBDA_2024.on_demand_usd_per_hour, rel=1e-9)
    assert r.priced_out_names == ()


def test_default_marginal_cost_is_the_owned_h100_hour():
    want = costs.owned_cost_per_accelerator_hour(costs.H100_OWNERSHIP, 1.0)
    assert DEFAULT_SUPPLY.marginal_cost_usd_per_hour == pytest.approx(want)
    assert DEFAULT_SUPPLY.marginal_cost_usd_per_hour < costs.H100_LAMBDA_2024.on_demand_usd_per_hour


def test_every_default_buyer_says_its_estimates_are_estimates():
    for b in DEFAULT_BUYERS:
        assert "illustrative" in b.note and b.source
    assert any(b.has_contract for b in DEFAULT_BUYERS) and not all(b.has_contract for b in DEFAULT_BUYERS)


def test_new_frontier_lab_raises_price_and_prices_out_universities():
    before = clear_market(DEFAULT_BUYERS, DEFAULT_SUPPLY)
    after = clear_market(DEFAULT_BUYERS + (new_frontier_lab(2e6),), DEFAULT_SUPPLY)
    change = compare_markets(before, after)
    assert change.after_usd_per_hour > change.before_usd_per_hour
    assert change.frac_price_change > 0.5
    assert "universities" in change.newly_priced_out
    lab = new_frontier_lab(2e6)
    assert lab.has_contract and lab.elasticity == DEFAULT_BUYERS[0].elasticity


def test_new_fab_lowers_price_and_brings_buyers_back():
    scarce = replace(DEFAULT_SUPPLY, capacity=2e6)
    before = clear_market(DEFAULT_BUYERS, scarce)
    after = clear_market(DEFAULT_BUYERS, add_capacity(scarce, 2e6))
    change = compare_markets(before, after)
    assert change.after_usd_per_hour < change.before_usd_per_hour
    assert change.no_longer_priced_out  # start-ups and universities come back at $3.49
    assert after.capacity == pytest.approx(4e6)


# --------------------------------------------------------------------------- rationing


def test_proportional_rationing_hand_worked():
    """Requests 100 and 300 (eps -1 at the reference price), capacity 200: everyone gets half;
    half the rate means a job takes twice as long, so the wait is one job length."""
    r = ration([buyer("a", q0=100.0), buyer("b", q0=300.0)], 200.0, 2.0, "proportional", job_periods=3.0)
    np.testing.assert_allclose(r.allocated, [50.0, 150.0])
    np.testing.assert_allclose(r.frac_served, [0.5, 0.5])
    np.testing.assert_allclose(r.waiting_periods, [3.0, 3.0])
    np.testing.assert_allclose(r.unmet, [50.0, 150.0])
    assert r.shortage == pytest.approx(200.0)


def test_contract_priority_hand_worked():
    """Contract request 150, others 100 + 50, capacity 200: contract served in full, others share 50 (1/3)."""
    bs = [buyer("lab", q0=150.0, contract=True), buyer("uni", q0=100.0), buyer("startup", q0=50.0)]
    r = ration(bs, 200.0, 2.0, "contract_priority")
    np.testing.assert_allclose(r.allocated, [150.0, 100 / 3, 50 / 3])
    np.testing.assert_allclose(r.waiting_periods, [0.0, 2.0, 2.0])
    # Capacity below the contracts: contracts share it pro rata, nobody else is ever served.
    r = ration(bs, 75.0, 2.0, "contract_priority")
    np.testing.assert_allclose(r.allocated, [75.0, 0.0, 0.0])
    assert list(r.never_served) == [False, True, True]
    # Never served: the wait has no end (inf, flagged), not a finite stand-in a plot would draw as data.
    np.testing.assert_array_equal(r.waiting_periods[1:], [math.inf, math.inf])
    assert r.waiting_periods[0] == pytest.approx(1.0)  # the lab gets half: a 1-period job takes 2


def test_rationing_at_or_above_clearing_price_serves_everyone():
    market = clear_market(DEFAULT_BUYERS, DEFAULT_SUPPLY)
    for rule in RATIONING_RULES:
        r = ration(DEFAULT_BUYERS, DEFAULT_SUPPLY.capacity, market.usd_per_hour * 1.01, rule)
        np.testing.assert_allclose(r.frac_served, 1.0)
        assert r.shortage == 0.0


def test_buyer_asking_nothing_is_fully_served_and_priced_out():
    r = ration([buyer("choked", choke=3.0), buyer("b")], 10.0, 3.0, "proportional")
    assert r.requested[0] == 0 and r.frac_served[0] == 1.0 and not r.never_served[0] and r.priced_out[0]


def test_zero_capacity_serves_nobody_and_their_wait_never_ends():
    """inf is the answer for a buyer who is never served, and only for it (flagged in never_served)."""
    r = ration(DEFAULT_BUYERS, 0.0, 3.0, "proportional")
    assert r.total_allocated == 0.0 and r.never_served.all()
    assert np.all(r.waiting_periods == math.inf)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("eps", [0.0, 0.5, float("nan"), -10.0, -1e300])
def test_elasticity_outside_its_domain_is_refused(eps):
    with pytest.raises(ValueError, match=r"elasticity.*\(-10, 0\)"):
        buyer(eps=eps)


@pytest.mark.parametrize("kw, name", [
    (dict(q0=-1.0), "reference_quantity"), (dict(q0=0.0), "reference_quantity"),
    (dict(p0=0.0), "reference_usd_per_hour"), (dict(choke=1.5), "max_usd_per_hour"),
    (dict(choke=-1.0), "max_usd_per_hour"),
])
def test_bad_buyer_fields_are_named(kw, name):
    with pytest.raises(ValueError, match=name):
        buyer(**kw)


def test_bad_supply_and_prices_are_named():
    with pytest.raises(ValueError, match="capacity"):
        SupplyCurve(capacity=-1.0, marginal_cost_usd_per_hour=1.0)
    with pytest.raises(ValueError, match="marginal_cost_usd_per_hour"):
        SupplyCurve(capacity=1.0, marginal_cost_usd_per_hour=0.0)
    with pytest.raises(ValueError, match="usd_per_hour"):
        demand(DEFAULT_BUYERS, [-1.0])
    with pytest.raises(ValueError, match="capacity"):
        ration(DEFAULT_BUYERS, -5.0, 2.0)
    with pytest.raises(ValueError, match="usd_per_hour"):
        ration(DEFAULT_BUYERS, 5.0, -2.0)
    with pytest.raises(ValueError, match="extra_capacity"):
        add_capacity(DEFAULT_SUPPLY, -1.0)
    with pytest.raises(ValueError, match="capacity"):
        clearing_price_usd_per_hour(DEFAULT_BUYERS, -1.0, 1.0)


def test_unknown_rule_lists_the_valid_rules():
    with pytest.raises(ValueError, match="rule.*proportional.*contract_priority"):
        ration(DEFAULT_BUYERS, 1e6, 2.0, "lottery")


def test_buyers_must_be_nonempty_and_uniquely_named():
    with pytest.raises(ValueError, match="buyers"):
        clear_market([], DEFAULT_SUPPLY)
    with pytest.raises(ValueError, match="unique"):
        clear_market([buyer("x"), buyer("x")], DEFAULT_SUPPLY)


# --------------------------------------------------------------------------- the contract


def test_two_buyers_of_one_elasticity_clear_at_the_closed_form():
    """Same p0 and eps: total demand (q1 + q2)(p/p0)^eps, so p* = p0 (K / (q1 + q2))^(1/eps)."""
    bs = [buyer("a", q0=100.0, p0=2.0, eps=-0.8), buyer("b", q0=300.0, p0=2.0, eps=-0.8)]
    r = clear_market(bs, SupplyCurve(capacity=50.0, marginal_cost_usd_per_hour=1.0))
    assert r.usd_per_hour == pytest.approx(2.0 * (50.0 / 400.0) ** (1 / -0.8), rel=1e-12)


def test_nearly_inelastic_buyers_still_clear_exactly(monkeypatch):
    """A market where log demand is nearly flat at the price (elasticity -0.0024 dominates there): Newton's
    steps there are long, and a convergence test on the step alone oscillated at rounding level through all
    its steps. Demand meets capacity to 1e-12, 1e-9 lower it would not fit, and it takes few steps."""
    bs = [buyer("a", q0=59616.604693571244, p0=5.960139535242693, eps=-0.6072187020789906, choke=263.4825935565243),
          buyer("b", q0=116.5040868217206, p0=28.311269811152805, eps=-2.3159516427100293, choke=424.12298594341564),
          buyer("c", q0=405584.38307434454, p0=40.62844276181869, eps=-0.0023924448886639958,
                choke=468.76513079362843)]
    cap = 410746.8894094149
    steps = []
    newton = pricing._log_demand_and_slope
    monkeypatch.setattr(pricing, "_log_demand_and_slope", lambda *a: steps.append(1) or newton(*a))
    p = clearing_price_usd_per_hour(bs, cap, 18.348235638528575)
    assert len(steps) <= 12
    assert demand(bs, p)[1] == pytest.approx(cap, rel=1e-12)
    assert demand(bs, p * (1 - 1e-9))[1] > cap


def test_clearing_stops_at_the_lowest_choke_that_fits_with_tied_chokes():
    """Two buyers choking at $4 and one at $6: just below $4 all three want 50 each (150 > 100); at $4 the two
    drop out together and the third wants 50 <= 100, so the price is $4, not $6 and not in between."""
    bs = [buyer("x", choke=4.0), buyer("y", choke=4.0), buyer("z", choke=6.0)]
    r = clear_market(bs, SupplyCurve(capacity=100.0, marginal_cost_usd_per_hour=1.0))
    assert r.usd_per_hour == 4.0
    np.testing.assert_allclose(r.quantity, [0.0, 0.0, 50.0])


def test_a_price_above_the_kits_domain_is_refused():
    """Hourly prices lie in (0, 1e4] USD everywhere in the kit; a market that would clear above that is refused
    (six million H100-equivalents wanted at $3.49/h, one accelerator available)."""
    with pytest.raises(ValueError, match="above the kit's hourly-price domain.*outside the model's range.*capacity"):
        clear_market(DEFAULT_BUYERS, SupplyCurve(capacity=1.0, marginal_cost_usd_per_hour=2.0))
    with pytest.raises(ValueError, match=r"usd_per_hour must be in \(0, 10000\] USD/h"):
        demand(DEFAULT_BUYERS, 2e4)
    with pytest.raises(ValueError, match=r"max_usd_per_hour must be in \(0, 10000\]"):
        buyer(choke=2e4)


@pytest.mark.parametrize("kw, match", [
    (dict(q0="9"), "reference_quantity must be one number"),
    (dict(q0=[100.0]), "reference_quantity must be one number"),
    (dict(p0=None), "reference_usd_per_hour must be one number"),
    (dict(contract=1), "has_contract must be True or False"),
    (dict(name=""), "name must be a non-empty string"),
])
def test_buyer_refuses_what_it_cannot_store(kw, match):
    with pytest.raises(ValueError, match=match):
        buyer(**kw)


def test_inputs_are_stored_as_validated_floats():
    b = buyer(q0=np.int64(100), p0=np.float32(2.0), eps=-1, choke=np.int64(5))
    assert all(type(v) is float for v in (b.reference_quantity, b.reference_usd_per_hour, b.elasticity,
                                          b.max_usd_per_hour))
    curve = SupplyCurve(capacity=np.int64(10), marginal_cost_usd_per_hour=2)
    assert type(curve.capacity) is float and type(curve.marginal_cost_usd_per_hour) is float
    with pytest.raises(ValueError, match="capacity must be one number"):
        SupplyCurve(capacity="10", marginal_cost_usd_per_hour=2.0)


def test_elasticity_domain_is_published():
    assert ELASTICITY_RANGE == (-10.0, 0.0)
    assert all(ELASTICITY_RANGE[0] < b.elasticity < ELASTICITY_RANGE[1] for b in DEFAULT_BUYERS)


def test_records_are_read_only_and_compare_field_by_field():
    """clear_market reuses the record of an identical market (an explorer clears the same one twice per
    change): its arrays are read-only, so no caller can alter what the next one receives."""
    r = clear_market(DEFAULT_BUYERS, DEFAULT_SUPPLY)
    with pytest.raises(ValueError, match="read-only"):
        r.quantity[0] = 0.0
    assert clear_market(list(DEFAULT_BUYERS), replace(DEFAULT_SUPPLY)) == r == copy.deepcopy(r)
    assert clear_market(DEFAULT_BUYERS, replace(DEFAULT_SUPPLY, capacity=3e6)) != r
    rationed = ration(DEFAULT_BUYERS, 3e6, 3.0)
    assert rationed == copy.deepcopy(rationed)


def test_work_and_arguments_are_checked_by_name():
    with pytest.raises(ValueError, match="buyers x usd_per_hour: 6 buyers at 2,000,000 prices is more than"):
        demand(DEFAULT_BUYERS, np.full(2_000_000, 3.0))
    with pytest.raises(ValueError, match="buyers must be a non-empty list or tuple"):
        demand(DEFAULT_BUYERS[0], 3.0)
    with pytest.raises(ValueError, match="curve must be a SupplyCurve"):
        clear_market(DEFAULT_BUYERS, 4e6)
    with pytest.raises(ValueError, match="before must be a MarketResult"):
        compare_markets(None, clear_market(DEFAULT_BUYERS, DEFAULT_SUPPLY))
    with pytest.raises(ValueError, match="capacity, marginal_cost_usd_per_hour must broadcast together"):
        clearing_price_usd_per_hour(DEFAULT_BUYERS, [3e6, 4e6], [2.0, 2.5, 3.0])
    with pytest.raises(ValueError, match="outside the model's range.*extra_capacity"):
        add_capacity(SupplyCurve(capacity=1e308, marginal_cost_usd_per_hour=2.0), 1e308)


def test_a_served_buyers_wait_that_overflows_is_refused():
    """Served a share so small that its wait overflows a float: the inputs are outside the model's range."""
    with pytest.raises(ValueError, match="outside the model's range.*capacity and job_periods"):
        ration([buyer(q0=1.0)], 1e-300, 2.0, job_periods=1e10)


# --------------------------------------------------------------------------- properties

buyer_st = st.builds(
    lambda q0, p0, eps, choke_mult, contract: dict(q0=q0, p0=p0, eps=eps, contract=contract,
                                                   choke=None if choke_mult is None else p0 * choke_mult),
    q0=st.floats(1.0, 1e7), p0=st.floats(0.5, 20.0), eps=st.floats(-3.0, -0.1),
    choke_mult=st.one_of(st.none(), st.floats(1.01, 20.0)), contract=st.booleans(),
)
buyers_st = st.lists(buyer_st, min_size=1, max_size=6).map(
    lambda ks: tuple(buyer(name=f"b{i}", **k) for i, k in enumerate(ks)))
capacity_st = st.floats(1.0, 1e8)
mc_st = st.floats(0.1, 5.0)
# None, or at least a thousandth of an accelerator (a share of 1e-308 overflows the wait: tested on its own).
ration_capacity_st = st.one_of(st.just(0.0), st.floats(1e-3, 1e8))


def cleared(bs, curve):
    """clear_market, or the draw is discarded if the price that clears lies above the kit's hourly-price
    domain (the model refuses it, as test_a_price_above_the_kits_domain_is_refused checks)."""
    try:
        return clear_market(bs, curve)
    except ValueError as exc:
        assert "outside the model's range" in str(exc)
        assume(False)


@settings(max_examples=150, deadline=None)
@given(bs=buyers_st, cap=capacity_st, mc=mc_st, which=st.integers(0, 5), k=st.floats(1.0, 10.0))
def test_more_demand_never_lowers_the_price(bs, cap, mc, which, k):
    i = which % len(bs)
    bigger = bs[:i] + (replace(bs[i], reference_quantity=bs[i].reference_quantity * k),) + bs[i + 1:]
    curve = SupplyCurve(capacity=cap, marginal_cost_usd_per_hour=mc)
    assert cleared(bigger, curve).usd_per_hour >= cleared(bs, curve).usd_per_hour * (1 - 1e-12)


@settings(max_examples=150, deadline=None)
@given(bs=buyers_st, cap=capacity_st, mc=mc_st, k=st.floats(1.0, 10.0))
def test_more_capacity_never_raises_the_price(bs, cap, mc, k):
    small = cleared(bs, SupplyCurve(capacity=cap, marginal_cost_usd_per_hour=mc))
    large = cleared(bs, SupplyCurve(capacity=cap * k, marginal_cost_usd_per_hour=mc))
    assert large.usd_per_hour <= small.usd_per_hour * (1 + 1e-12)


@settings(max_examples=200, deadline=None)
@given(bs=buyers_st, cap=capacity_st, mc=mc_st)
def test_clearing_price_fits_demand_into_capacity(bs, cap, mc):
    r = cleared(bs, SupplyCurve(capacity=cap, marginal_cost_usd_per_hour=mc))
    assert np.isfinite(r.usd_per_hour) and r.usd_per_hour >= mc
    assert np.all(r.quantity >= 0) and np.all(np.isfinite(r.quantity))
    assert r.total_quantity <= cap * (1 + 1e-9)
    chokes = [b.choke_usd_per_hour for b in bs]
    if r.usd_per_hour == mc:  # spare capacity: demand at marginal cost fits
        assert demand(bs, mc)[1] <= cap
    elif r.usd_per_hour in chokes:  # demand jumped below capacity at a choke: just below it, it did not fit
        assert demand(bs, r.usd_per_hour * (1 - 1e-9))[1] > cap
    else:  # the price is where demand meets capacity, and any lower price would not fit
        assert r.total_quantity == pytest.approx(cap, rel=1e-9)
        assert demand(bs, r.usd_per_hour * (1 - 1e-6))[1] > cap


@settings(max_examples=200, deadline=None)
@given(bs=buyers_st, cap=ration_capacity_st, price=st.floats(0.1, 50.0), rule=st.sampled_from(RATIONING_RULES))
def test_allocations_respect_requests_and_capacity(bs, cap, price, rule):
    r = ration(bs, cap, price, rule)
    assert np.all(r.allocated >= 0)
    assert np.all(r.allocated <= r.requested * (1 + 1e-12))
    assert r.total_allocated <= cap * (1 + 1e-12) + 1e-9
    assert np.all((r.frac_served >= 0) & (r.frac_served <= 1))
    # A wait is infinite exactly for the buyers never served (flagged), finite and >= 0 for the others.
    np.testing.assert_array_equal(np.isinf(r.waiting_periods), r.never_served)
    assert np.all(r.waiting_periods >= 0) and not np.isnan(r.waiting_periods).any()
    # Nothing is wasted: either every request is met or all capacity is handed out.
    assert r.total_allocated == pytest.approx(min(cap, r.requested.sum()), rel=1e-9, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(bs=buyers_st, cap=ration_capacity_st, price=st.floats(0.1, 50.0))
def test_contract_priority_serves_contract_holders_at_least_as_well(bs, cap, price):
    prop = ration(bs, cap, price, "proportional")
    prio = ration(bs, cap, price, "contract_priority")
    contract = np.array([b.has_contract for b in bs])
    assert np.all(prio.frac_served[contract] >= prop.frac_served[contract] - 1e-12)
    assert np.all(prio.frac_served[~contract] <= prop.frac_served[~contract] + 1e-12)
