"""Tests for compute_econ.supply.buildout: data-centre power capacity built with a lead time."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute_econ.supply import buildout as bo
from compute_econ.supply.buildout import BuildOutScenario, simulate_build_out


def run(**changes):
    return simulate_build_out(dataclasses.replace(BuildOutScenario(), **changes))


# ----------------------------------------------------------------------------- published values
def test_us_data_centre_load_from_lbnl_2024():
    """LBNL 2024 United States Data Center Energy Usage Report: 176 TWh in 2023 -> ~20.1 GW average load."""
    assert bo.US_DATA_CENTRE_LOAD_2023_MW == pytest.approx(176e6 / 8760, rel=1e-3)  # 8,760-8,766 h a year
    assert 20_000 < bo.US_DATA_CENTRE_LOAD_2023_MW < 20_200


def test_default_growth_lies_between_lbnl_2028_scenarios():
    """LBNL 2024 report: 325-580 TWh in 2028 from 176 TWh in 2023 -> 13 %-27 % per year."""
    assert bo.GROWTH_PER_YEAR_LBNL_LOW == pytest.approx(1.131, abs=1e-3)
    assert bo.GROWTH_PER_YEAR_LBNL_HIGH == pytest.approx(1.269, abs=1e-3)
    assert bo.GROWTH_PER_YEAR_LBNL_LOW < bo.DEFAULT_GROWTH_PER_YEAR < bo.GROWTH_PER_YEAR_LBNL_HIGH
    # Five years of default growth from 2023 lands inside LBNL's 2028 range.
    twh_2028 = bo.US_DATA_CENTRE_TWH_2023 * bo.DEFAULT_GROWTH_PER_YEAR ** 5
    assert bo.US_DATA_CENTRE_TWH_2028_LOW < twh_2028 < bo.US_DATA_CENTRE_TWH_2028_HIGH


def test_lead_time_constants_follow_their_sources():
    """Construction 18-24 months; JLL 2026: ~4 years to grid power; LBNL Queued Up 2023: ~5 years."""
    assert bo.LEAD_TIME_CONSTRUCTION_QUARTERS == 8
    assert bo.LEAD_TIME_GRID_POWER_QUARTERS == 16 == BuildOutScenario().lead_time_quarters
    assert bo.LEAD_TIME_INTERCONNECTION_QUEUE_QUARTERS == 20


# ----------------------------------------------------------------------------- behaviour
def test_default_shock_gives_a_shortage_of_its_size_for_the_lead_time():
    """Unconstrained orders: a 5 GW step at quarter 4 is short by 5 GW for exactly 16 quarters."""
    r = run()
    assert r.peak_shortage_mw == pytest.approx(5000.0)
    assert r.peak_shortage_quarter == 4.0
    assert r.shortage_quarters == 16
    assert r.catch_up_quarter == 20.0 and r.quarters_to_catch_up == 16.0
    np.testing.assert_allclose(r.shortage_mw[4:20], 5000.0)
    np.testing.assert_allclose(r.shortage_mw[20:], 0.0, atol=1e-6)


def test_no_shock_no_shortage_and_capacity_tracks_the_trend():
    r = run(shock_mw=0.0)
    assert r.peak_shortage_mw == pytest.approx(0.0, abs=1e-6)
    assert r.catch_up_quarter == 0.0 and r.quarters_to_catch_up == 0.0
    np.testing.assert_allclose(r.capacity_mw, r.baseline_demand_mw, rtol=1e-12)


def test_zero_lead_time_has_no_shortage():
    r = run(lead_time_quarters=0)
    assert r.shortage_quarters == 0
    np.testing.assert_allclose(r.capacity_mw, r.demand_mw, rtol=1e-12)


def test_one_quarter_lead_time_is_short_for_one_step_only():
    r = run(lead_time_quarters=1)
    assert r.shortage_quarters == 1 and r.catch_up_quarter == 5.0


def test_orders_arrive_after_the_lead_time():
    r = run(lead_time_quarters=6)
    # The shock order is placed at quarter 4 and the capacity jump shows at quarter 10.
    jump = np.diff(r.capacity_mw) - np.diff(r.baseline_demand_mw)
    assert np.argmax(jump) + 1 == 10
    assert jump.max() == pytest.approx(5000.0)
    assert r.orders_mw[4] == pytest.approx(5000.0 + r.baseline_demand_mw[10] - r.baseline_demand_mw[9])
    assert r.pipeline_mw[4] > r.pipeline_mw[3] + 4999  # the order sits in the pipeline


def test_build_rate_cap_slows_catch_up():
    free = run(lead_time_quarters=8, horizon_quarters=24)
    capped = run(lead_time_quarters=8, horizon_quarters=24, build_rate_mw_per_quarter=3500.0)
    # The trend needs < 3,500 MW a quarter until quarter 24, the shock quarter needs ~6,100 MW.
    assert capped.catch_up_quarter is not None and capped.catch_up_quarter > free.catch_up_quarter == 12.0
    assert np.all(capped.orders_mw <= 3500.0 + 1e-9)


def test_a_cap_below_trend_growth_never_catches_up():
    r = run(build_rate_mw_per_quarter=500.0)  # the trend alone needs ~900 MW more each quarter
    assert r.catch_up_quarter is None and r.quarters_to_catch_up is None
    assert r.shortage_mw[-1] == pytest.approx(r.peak_shortage_mw)


def test_vectorised_demand_broadcasts():
    d = bo.demand_mw(np.array([[100.0], [200.0]]), 1.0, 50.0, 2, np.arange(4))
    np.testing.assert_allclose(d, [[100, 100, 150, 150], [200, 200, 250, 250]])
    grown = bo.baseline_demand_mw(100.0, np.array([1.0, 1.21]), np.array([[8.0]]))
    np.testing.assert_allclose(grown, [[100.0, 146.41]])  # 1.21^2 after two years


# ----------------------------------------------------------------------------- validation
@pytest.mark.parametrize("field, value, match", [
    ("lead_time_quarters", -1, "lead_time_quarters"),
    ("lead_time_quarters", 2.5, "lead_time_quarters"),
    ("shock_mw", -100.0, "shock_mw"),
    ("demand0_mw", 0.0, "demand0_mw"),
    ("demand0_mw", float("nan"), "demand0_mw"),
    ("growth_per_year", -1.0, "growth_per_year"),
    ("shock_quarter", -1.0, "shock_quarter"),
    ("horizon_quarters", 0, "horizon_quarters"),
    ("build_rate_mw_per_quarter", -5.0, "build_rate_mw_per_quarter"),
    ("build_rate_mw_per_quarter", float("nan"), "build_rate_mw_per_quarter"),
])
def test_scenario_rejects_bad_values(field, value, match):
    with pytest.raises(ValueError, match=match):
        dataclasses.replace(BuildOutScenario(), **{field: value})


def test_demand_functions_reject_negative_mw():
    with pytest.raises(ValueError, match="shock_mw"):
        bo.demand_mw(100.0, 1.2, -5.0, 0, [0, 1])
    with pytest.raises(ValueError, match="demand0_mw"):
        bo.baseline_demand_mw(-100.0, 1.2, [0, 1])


# ----------------------------------------------------------------------------- properties
scenarios = st.builds(
    BuildOutScenario,
    demand0_mw=st.floats(100.0, 1e5),
    growth_per_year=st.floats(0.8, 1.5),
    shock_mw=st.floats(0.0, 2e4),
    shock_quarter=st.integers(0, 20),
    lead_time_quarters=st.integers(0, 24),
    build_rate_mw_per_quarter=st.one_of(st.just(float("inf")), st.floats(0.0, 3e4)),
    horizon_quarters=st.integers(1, 80),
)


@settings(max_examples=100, deadline=None)
@given(s=scenarios)
def test_shortage_never_negative_and_everything_finite(s):
    r = simulate_build_out(s)
    for arr in (r.demand_mw, r.capacity_mw, r.shortage_mw, r.orders_mw, r.pipeline_mw):
        assert np.all(np.isfinite(arr))
    assert np.all(r.shortage_mw >= 0) and np.all(r.orders_mw >= 0) and np.all(r.pipeline_mw >= -1e-6)
    np.testing.assert_allclose(r.shortage_mw, np.maximum(r.demand_mw - r.capacity_mw, 0))


@settings(max_examples=100, deadline=None)
@given(s=scenarios, extra=st.integers(1, 12))
def test_longer_lead_time_never_shortens_or_shrinks_the_shortage(s, extra):
    short = simulate_build_out(s)
    long = simulate_build_out(dataclasses.replace(s, lead_time_quarters=s.lead_time_quarters + extra))
    tol = 1e-6 * max(1.0, float(short.demand_mw.max()))
    assert long.shortage_mw.sum() >= short.shortage_mw.sum() - tol * s.horizon_quarters
    assert long.peak_shortage_mw >= short.peak_shortage_mw - tol


@settings(max_examples=100, deadline=None)
@given(s=scenarios)
def test_unconstrained_orders_catch_up_within_one_lead_time_after_the_shock(s):
    """Exactly one lead time when demand grows; sooner when it shrinks (capacity is never retired,
    so the idle capacity of a shrinking market absorbs part of the shock)."""
    s = dataclasses.replace(s, build_rate_mw_per_quarter=float("inf"),
                            horizon_quarters=s.shock_quarter + s.lead_time_quarters + 4)
    r = simulate_build_out(s)
    assert r.catch_up_quarter is not None
    if r.shortage_quarters:
        assert r.quarters_to_catch_up <= s.lead_time_quarters
        if s.growth_per_year >= 1:
            assert r.quarters_to_catch_up == s.lead_time_quarters
    assert r.peak_shortage_mw <= s.shock_mw * (1 + 1e-9) + 1e-6
