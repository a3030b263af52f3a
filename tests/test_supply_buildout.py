"""Tests for compute_econ.supply.buildout: data-centre power capacity built with a lead time."""

from __future__ import annotations

import copy
import dataclasses
import math

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


# ----------------------------------------------------------------------------- the contract
def test_scenario_stores_validated_values():
    s = BuildOutScenario(demand0_mw=np.float32(100.0), shock_quarter=np.int64(4), lead_time_quarters=8.0,
                         horizon_quarters=np.int64(12), build_rate_mw_per_quarter=np.float64(math.inf))
    assert type(s.demand0_mw) is float and type(s.shock_quarter) is float and s.shock_quarter == 4.0
    assert type(s.lead_time_quarters) is int and s.lead_time_quarters == 8
    assert type(s.horizon_quarters) is int and s.horizon_quarters == 12
    assert s.build_rate_mw_per_quarter == math.inf  # unconstrained, as documented
    assert type(BuildOutScenario(build_rate_mw_per_quarter=np.int64(500)).build_rate_mw_per_quarter) is float


@pytest.mark.parametrize("field, value, match", [
    ("demand0_mw", "9", "demand0_mw must be one number"),
    ("demand0_mw", [100.0], "demand0_mw must be one number"),
    ("growth_per_year", 150.0, r"growth_per_year must be in \[0.01, 100\] x per year"),
    ("shock_quarter", 3532, r"shock_quarter must be in \[0, 400\] quarters"),
    ("lead_time_quarters", True, "lead_time_quarters must be a whole number"),
    ("lead_time_quarters", 401, r"lead_time_quarters must be a whole number in \[0, 400\]"),
    ("horizon_quarters", 1e15, "horizon_quarters must be a whole number"),
    ("build_rate_mw_per_quarter", -math.inf, "build_rate_mw_per_quarter"),
    ("build_rate_mw_per_quarter", "inf", "build_rate_mw_per_quarter"),
    ("source", None, "source must be a non-empty string"),
])
def test_scenario_refuses_what_it_cannot_store(field, value, match):
    with pytest.raises(ValueError, match=match):
        dataclasses.replace(BuildOutScenario(), **{field: value})


def test_growth_factors_share_the_kits_domain():
    """Growth factors per year have one domain in the kit, [0.01, 100] (the old limit here was 10)."""
    assert bo.baseline_demand_mw(100.0, 20.0, 4.0) == pytest.approx(2000.0)
    with pytest.raises(ValueError, match=r"growth_per_year must be in \[0.01, 100\]"):
        bo.baseline_demand_mw(100.0, 0.0, 4.0)


def test_demand_functions_refuse_quarters_outside_the_domain_and_shapes_that_do_not_broadcast():
    with pytest.raises(ValueError, match=r"quarters must be in \[0, 400\]"):
        bo.baseline_demand_mw(100.0, 1.2, [3532])
    with pytest.raises(ValueError, match="demand0_mw, growth_per_year, quarters must broadcast together"):
        bo.baseline_demand_mw([100.0, 200.0], [1.1, 1.2, 1.3], 4.0)
    with pytest.raises(ValueError, match="must broadcast together"):
        bo.demand_mw(100.0, 1.2, [1.0, 2.0], 0, np.arange(3))


def test_scalar_inputs_give_a_float():
    assert type(bo.baseline_demand_mw(100.0, 1.2, 4)) is float
    assert type(bo.demand_mw(100.0, 1.2, 5.0, 1, 4)) is float


def test_overflow_is_refused_naming_the_inputs():
    with pytest.raises(ValueError, match="outside the model's range.*demand0_mw, growth_per_year, quarters"):
        bo.baseline_demand_mw(1e300, 100.0, 400.0)
    big = BuildOutScenario(demand0_mw=1e150, growth_per_year=100.0, horizon_quarters=300, lead_time_quarters=100)
    with pytest.raises(ValueError, match="outside the model's range.*scenario's demand0_mw"):
        simulate_build_out(big)
    ok = simulate_build_out(dataclasses.replace(big, horizon_quarters=40, lead_time_quarters=4))
    assert np.isfinite(ok.capacity_mw).all()


def test_simulate_needs_a_scenario():
    with pytest.raises(ValueError, match="scenario must be a BuildOutScenario"):
        simulate_build_out({"shock_mw": 5000.0})


def test_result_records_compare_field_by_field():
    r = run()
    assert r == copy.deepcopy(r)
    assert r != run(shock_mw=1000.0)


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
    visible = s.shock_mw > 1e-6 * r.demand_mw.max() and s.lead_time_quarters > 0
    if visible and s.growth_per_year >= 1:  # growing demand: short by the shock for exactly one lead time
        assert r.shortage_quarters == s.lead_time_quarters
        assert r.quarters_to_catch_up == s.lead_time_quarters
    else:  # no shock, no lead time, or a shrinking market whose idle capacity absorbs part of the shock
        assert 0 <= r.quarters_to_catch_up <= s.lead_time_quarters
    assert r.peak_shortage_mw <= s.shock_mw * (1 + 1e-9) + 1e-6
