"""Property tests (hypothesis) for compute_econ.costs and the energy/money chain in compute_econ.training.

- costs are non-negative and finite over wide ranges;
- costs never fall when a price, the compute (FLOP) or the PUE rises;
- more accelerators never lengthen a run;
- owned cost per used hour falls as utilisation rises;
- the capital recovery factor is >= 1/n and increases with the rate.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from compute_econ.costs import (
    H100_OWNERSHIP,
    amortised_run_cost_usd,
    break_even_utilisation,
    capital_recovery_factor,
    owned_cost_breakdown_per_hour,
    owned_cost_per_accelerator_hour,
    rent_or_own,
    rental_cost_usd,
)
from compute_econ.training import TrainingRun, estimate_training_run

flop = st.floats(1e15, 1e29)
peak = st.floats(1e11, 1e16)
watts = st.floats(10.0, 5000.0)
n_acc = st.floats(1.0, 1e7)
mfu = st.floats(0.01, 1.0)
pue = st.floats(1.0, 3.0)
price_mwh = st.floats(0.0, 1000.0)
rate = st.floats(0.0, 0.5)
years = st.floats(0.25, 30.0)
util = st.floats(0.01, 1.0)
price_usd = st.floats(0.0, 1e6)

ESTIMATE_FIELDS = ("accelerator_hours", "wall_clock_days", "power_mw", "energy_mwh", "electricity_usd", "t_co2e")


def _run(**kw):
    base = {"training_flop": 1e24, "peak_flop_per_s": 1e15, "board_watts": 700.0, "n_accelerators": 1000}
    return TrainingRun(**(base | kw))


@settings(max_examples=150, deadline=None)
@given(C=flop, P=peak, W=watts, n=n_acc, u=mfu, p=pue, e=price_mwh)
def test_run_estimate_non_negative_and_finite(C, P, W, n, u, p, e):
    est = estimate_training_run(_run(training_flop=C, peak_flop_per_s=P, board_watts=W, n_accelerators=n,
                                     mfu=u, pue=p, usd_per_mwh=e))
    for f in ESTIMATE_FIELDS:
        v = getattr(est, f)
        assert np.isfinite(v) and v >= 0, (f, v)


@settings(max_examples=100, deadline=None)
@given(C=flop, k=st.floats(1.0, 100.0), p=pue, dp=st.floats(0.0, 2.0), e=price_mwh, de=st.floats(0.0, 500.0))
def test_run_costs_monotone_in_flop_pue_and_price(C, k, p, dp, e, de):
    base = estimate_training_run(_run(training_flop=C, pue=p, usd_per_mwh=e))
    more_flop = estimate_training_run(_run(training_flop=C * k, pue=p, usd_per_mwh=e))
    more_pue = estimate_training_run(_run(training_flop=C, pue=p + dp, usd_per_mwh=e))
    dearer = estimate_training_run(_run(training_flop=C, pue=p, usd_per_mwh=e + de))
    for f in ESTIMATE_FIELDS:
        assert getattr(more_flop, f) >= getattr(base, f) * (1 - 1e-12)
    assert more_pue.energy_mwh >= base.energy_mwh * (1 - 1e-12)
    assert more_pue.electricity_usd >= base.electricity_usd * (1 - 1e-12)
    assert dearer.electricity_usd >= base.electricity_usd * (1 - 1e-12)


@settings(max_examples=100, deadline=None)
@given(C=flop, n=n_acc, k=st.floats(1.0, 1000.0))
def test_more_accelerators_never_lengthen_a_run(C, n, k):
    a = estimate_training_run(_run(training_flop=C, n_accelerators=n))
    b = estimate_training_run(_run(training_flop=C, n_accelerators=n * k))
    assert b.wall_clock_days <= a.wall_clock_days * (1 + 1e-12)


@settings(max_examples=100, deadline=None)
@given(H=st.floats(0.0, 1e10), p=st.floats(0.0, 1e3), dp=st.floats(0.0, 1e3))
def test_rental_cost_non_negative_finite_and_monotone_in_price(H, p, dp):
    c = rental_cost_usd(H, p)
    assert np.isfinite(c) and c >= 0
    assert rental_cost_usd(H, p + dp) >= c


def _ownership(price, r, n, p, e):
    return replace(H100_OWNERSHIP, accelerator_price_usd=price, cost_of_capital=r, useful_life_years=n, pue=p,
                   usd_per_mwh=e)


@settings(max_examples=150, deadline=None)
@given(price=price_usd, r=rate, n=years, p=pue, e=price_mwh, u=util, du=st.floats(0.0, 0.99))
def test_owned_cost_non_negative_finite_and_decreasing_in_utilisation(price, r, n, p, e, u, du):
    o = _ownership(price, r, n, p, e)
    lo = owned_cost_per_accelerator_hour(o, u)
    hi_u = min(1.0, u + du)
    assert np.isfinite(lo) and lo >= 0
    assert owned_cost_per_accelerator_hour(o, hi_u) <= lo * (1 + 1e-12)


@settings(max_examples=100, deadline=None)
@given(price=price_usd, dprice=st.floats(0.0, 1e5), r=rate, n=years, p=pue, dp=st.floats(0.0, 1.0), e=price_mwh,
       u=util)
def test_owned_cost_monotone_in_price_and_pue(price, dprice, r, n, p, dp, e, u):
    base = owned_cost_per_accelerator_hour(_ownership(price, r, n, p, e), u)
    assert owned_cost_per_accelerator_hour(_ownership(price + dprice, r, n, p, e), u) >= base * (1 - 1e-12)
    assert owned_cost_per_accelerator_hour(_ownership(price, r, n, p + dp, e), u) >= base * (1 - 1e-12)


@settings(max_examples=100, deadline=None)
@given(H=st.floats(0.0, 1e10), price=price_usd, age=st.floats(0.0, 10.0), p=pue, e=price_mwh)
def test_amortised_run_cost_non_negative_and_finite(H, price, age, p, e):
    c = amortised_run_cost_usd(H, _ownership(price, 0.08, 5.0, p, e), hardware_age_years=age)
    assert np.isfinite(c) and c >= 0


def _regimes(price, e):
    """An ownership, its energy cost per busy hour, and its cost per hour at full use."""
    o = replace(H100_OWNERSHIP, accelerator_price_usd=price, usd_per_mwh=e)
    return o, owned_cost_breakdown_per_hour(o, 1.0).energy_usd, owned_cost_per_accelerator_hour(o, 1.0)


@settings(max_examples=100, deadline=None)
@given(price=st.floats(1.0, 1e6), e=price_mwh, k=st.floats(1.001, 100.0))
def test_break_even_below_full_use_costs_exactly_the_rent(price, e, k):
    """A rent above the owned cost at full use: owning wins from u* < 1, where it costs exactly the rent."""
    o, _, full_use = _regimes(price, e)
    rent = min(full_use * k, 1e4)
    be = break_even_utilisation(o, rent)
    assert be.owning_can_win and 0 < be.utilisation <= 1
    assert owned_cost_per_accelerator_hour(o, be.utilisation) == pytest.approx(rent, rel=1e-9)


@settings(max_examples=100, deadline=None)
@given(price=st.floats(1.0, 1e6), e=price_mwh, t=st.floats(0.01, 0.99))
def test_break_even_above_full_use_is_finite_but_owning_cannot_win(price, e, t):
    """A rent between the energy cost of a busy hour and the owned cost at full use: 1 < u* < inf."""
    o, energy, full_use = _regimes(price, e)
    be = break_even_utilisation(o, energy + t * (full_use - energy))
    assert not be.owning_can_win and 1 < be.utilisation < np.inf


@settings(max_examples=100, deadline=None)
@given(price=st.floats(1.0, 1e6), e=price_mwh, t=st.floats(0.0, 1.0))
def test_break_even_never_comes_at_or_below_the_energy_cost(price, e, t):
    """A rent that does not cover the energy of a busy hour: no utilisation pays, u* = inf, flagged."""
    o, energy, _ = _regimes(price, e)
    be = break_even_utilisation(o, t * energy)
    assert not be.owning_can_win and be.utilisation == np.inf


@settings(max_examples=50, deadline=None)
@given(rent=st.floats(0.0, 1e3), price=st.floats(1.0, 1e6), u=util)
def test_rent_or_own_verdict_is_the_cheaper_whole_run_cost(rent, price, u):
    o = replace(H100_OWNERSHIP, accelerator_price_usd=price)
    r = rent_or_own(1e6, rent, o, u)
    assert np.isfinite(r.rental_usd) and np.isfinite(r.owned_usd) and r.owned_usd > 0
    owned, rental = float(r.owned_usd), float(r.rental_usd)
    assume(abs(owned - rental) > 1e-9 * rental)  # away from a tie, where rounding decides
    assert r.own_is_cheaper == (owned < rental)


@settings(max_examples=200, deadline=None)
@given(r=rate, dr=st.floats(1e-6, 0.5), n=years)
def test_crf_at_least_one_over_n_and_increasing_in_rate(r, dr, n):
    crf = capital_recovery_factor(r, n)
    assert crf >= (1.0 / n) * (1 - 1e-12)
    assert capital_recovery_factor(r + dr, n) > crf
