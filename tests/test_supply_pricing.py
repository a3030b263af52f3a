"""compute_econ.supply.pricing: demand, capacity-capped supply, market clearing and rationing.

Unit tests against closed forms (one isoelastic buyer against a fixed capacity has
p* = p0 (K / q0)^(1/eps)), hand-worked rationing cases and the sourced defaults;
hypothesis property tests for the issue's invariants (the clearing price rises with
demand and falls with capacity; allocations never exceed requests or capacity).
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute_econ import costs
from compute_econ.supply.pricing import (
    DEFAULT_BUYERS,
    DEFAULT_SUPPLY,
    FRAC_PRICED_OUT,
    INSTALLED_H100_EQUIVALENTS,
    RATIONING_RULES,
    WAIT_CAP_PERIODS,
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
    for cap, p in zip(caps, vec):
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
    np.testing.assert_array_equal(r.waiting_periods[1:], [WAIT_CAP_PERIODS, WAIT_CAP_PERIODS])
    assert np.all(np.isfinite(r.waiting_periods))


def test_rationing_at_or_above_clearing_price_serves_everyone():
    market = clear_market(DEFAULT_BUYERS, DEFAULT_SUPPLY)
    for rule in RATIONING_RULES:
        r = ration(DEFAULT_BUYERS, DEFAULT_SUPPLY.capacity, market.usd_per_hour * 1.01, rule)
        np.testing.assert_allclose(r.frac_served, 1.0)
        assert r.shortage == 0.0


def test_buyer_asking_nothing_is_fully_served_and_priced_out():
    r = ration([buyer("choked", choke=3.0), buyer("b")], 10.0, 3.0, "proportional")
    assert r.requested[0] == 0 and r.frac_served[0] == 1.0 and not r.never_served[0] and r.priced_out[0]


def test_zero_capacity_serves_nobody_with_finite_waits():
    r = ration(DEFAULT_BUYERS, 0.0, 3.0, "proportional")
    assert r.total_allocated == 0.0 and r.never_served.all()
    assert np.all(np.isfinite(r.waiting_periods))


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("eps", [0.0, 0.5, float("nan")])
def test_elasticity_of_wrong_sign_is_refused(eps):
    with pytest.raises(ValueError, match=r"elasticity.*\(-inf, 0\)"):
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


@settings(max_examples=150, deadline=None)
@given(bs=buyers_st, cap=capacity_st, mc=mc_st, which=st.integers(0, 5), k=st.floats(1.0, 10.0))
def test_more_demand_never_lowers_the_price(bs, cap, mc, which, k):
    i = which % len(bs)
    bigger = bs[:i] + (replace(bs[i], reference_quantity=bs[i].reference_quantity * k),) + bs[i + 1:]
    curve = SupplyCurve(capacity=cap, marginal_cost_usd_per_hour=mc)
    assert clear_market(bigger, curve).usd_per_hour >= clear_market(bs, curve).usd_per_hour * (1 - 1e-12)


@settings(max_examples=150, deadline=None)
@given(bs=buyers_st, cap=capacity_st, mc=mc_st, k=st.floats(1.0, 10.0))
def test_more_capacity_never_raises_the_price(bs, cap, mc, k):
    small = clear_market(bs, SupplyCurve(capacity=cap, marginal_cost_usd_per_hour=mc))
    large = clear_market(bs, SupplyCurve(capacity=cap * k, marginal_cost_usd_per_hour=mc))
    assert large.usd_per_hour <= small.usd_per_hour * (1 + 1e-12)


@settings(max_examples=200, deadline=None)
@given(bs=buyers_st, cap=capacity_st, mc=mc_st)
def test_clearing_price_fits_demand_into_capacity(bs, cap, mc):
    r = clear_market(bs, SupplyCurve(capacity=cap, marginal_cost_usd_per_hour=mc))
    assert np.isfinite(r.usd_per_hour) and r.usd_per_hour >= mc
    assert np.all(r.quantity >= 0) and np.all(np.isfinite(r.quantity))
    assert r.total_quantity <= cap * (1 + 1e-9)
    chokes = np.array([b.choke_usd_per_hour for b in bs])
    near_choke = np.any(np.abs(chokes / r.usd_per_hour - 1) < 1e-6)
    if r.usd_per_hour > mc and not near_choke:
        assert r.total_quantity == pytest.approx(cap, rel=1e-6)
    # Any lower price (above cost) would not fit: the price is the lowest that clears.
    if r.usd_per_hour > mc * (1 + 1e-6):
        _, below = demand(bs, r.usd_per_hour * (1 - 1e-6))
        assert below > cap


@settings(max_examples=200, deadline=None)
@given(bs=buyers_st, cap=st.floats(0.0, 1e8), price=st.floats(0.1, 50.0), rule=st.sampled_from(RATIONING_RULES))
def test_allocations_respect_requests_and_capacity(bs, cap, price, rule):
    r = ration(bs, cap, price, rule)
    assert np.all(r.allocated >= 0)
    assert np.all(r.allocated <= r.requested * (1 + 1e-12))
    assert r.total_allocated <= cap * (1 + 1e-12) + 1e-9
    assert np.all((r.frac_served >= 0) & (r.frac_served <= 1))
    assert np.all(np.isfinite(r.waiting_periods)) and np.all(r.waiting_periods >= 0)
    # Nothing is wasted: either every request is met or all capacity is handed out.
    assert r.total_allocated == pytest.approx(min(cap, r.requested.sum()), rel=1e-9, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(bs=buyers_st, cap=st.floats(0.0, 1e8), price=st.floats(0.1, 50.0))
def test_contract_priority_serves_contract_holders_at_least_as_well(bs, cap, price):
    prop = ration(bs, cap, price, "proportional")
    prio = ration(bs, cap, price, "contract_priority")
    contract = np.array([b.has_contract for b in bs])
    assert np.all(prio.frac_served[contract] >= prop.frac_served[contract] - 1e-12)
    assert np.all(prio.frac_served[~contract] <= prop.frac_served[~contract] + 1e-12)
