"""ScarcityMarketExplorer driven without a browser: it shows what compute_econ.supply.pricing computes.

The generic contract (every control over its range keeps data finite and changes it; CSS
classes for the browser suite) is run here too, until the lead adds the explorer to
tests/test_widgets.py.
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from compute_econ.supply import pricing
from widgets.scarcity import ScarcityMarketExplorer

sys.path.insert(0, str(Path(__file__).parent))
import test_widgets  # noqa: E402  (the shared explorer contract)


def text(ex) -> str:
    return re.sub(r"<[^>]+>", "", ex.readout.value)


@pytest.mark.parametrize("capacity_m, lab_m, fab_m",
                         [(4.0, 0.0, 0.0), (2.5, 1.5, 0.0), (1.0, 4.0, 2.0), (6.0, 0.5, 3.0)])
def test_readout_price_equals_the_model(capacity_m, lab_m, fab_m):
    ex = ScarcityMarketExplorer(capacity_m=capacity_m, new_lab_m=lab_m, new_fab_m=fab_m)
    buyers = pricing.DEFAULT_BUYERS + ((pricing.new_frontier_lab(lab_m * 1e6),) if lab_m else ())
    curve = replace(pricing.DEFAULT_SUPPLY, capacity=(capacity_m + fab_m) * 1e6)
    want = pricing.clear_market(buyers, curve)
    assert ex.result.market.usd_per_hour == pytest.approx(want.usd_per_hour, rel=1e-9)
    assert f"Market-clearing price ${want.usd_per_hour:.2f}" in text(ex)
    star = ex.sources["point"].data
    assert star["usd_per_hour"][0] == pytest.approx(want.usd_per_hour, rel=1e-9)
    assert star["quantity_m"][0] == pytest.approx(want.total_quantity / 1e6, rel=1e-9)
    # Every buyer priced out is named, or the readout says nobody is (no vacuous pass when none is).
    assert f"reference price): {', '.join(want.priced_out_names) or 'nobody'}." in text(ex)


def test_default_clears_at_the_reference_rental_price():
    ex = ScarcityMarketExplorer()
    assert f"${pricing.REFERENCE_RENTAL.on_demand_usd_per_hour:.2f}" in text(ex)
    assert ex.result.market.priced_out_names == ()


def test_new_frontier_lab_raises_the_price_and_prices_buyers_out():
    ex = ScarcityMarketExplorer()
    prices = []
    for lab in (0.0, 1.0, 2.0, 3.0, 4.0):
        ex.controls["new_lab_m"].value = lab
        prices.append(ex.result.market.usd_per_hour)
    assert np.all(np.diff(prices) > 0)
    assert "universities" in ex.result.change.newly_priced_out
    bars = ex.sources["bars"].data
    i = list(bars["name"]).index("universities")
    assert bars["colour"][i] != bars["colour"][0]  # priced out: greyed, unlike the frontier labs


def test_new_fab_lowers_the_price():
    ex = ScarcityMarketExplorer(capacity_m=2.0)
    before = ex.result.market.usd_per_hour
    ex.controls["new_fab_m"].value = 2.0
    assert ex.result.market.usd_per_hour < before
    assert ex.result.market.capacity == pytest.approx(4e6)


@pytest.mark.parametrize("mode", ["proportional", "contract_priority"])
def test_rationing_modes_show_fractions_at_most_one(mode):
    ex = ScarcityMarketExplorer(new_lab_m=1.0, mode=mode, price_cap_usd_per_hour=2.5)
    r = ex.result.rationing
    assert r is not None and r.rule == mode
    assert np.all((r.frac_served >= 0) & (r.frac_served <= 1))
    assert r.shortage > 0
    bars = ex.sources["bars"].data
    assert np.all(np.asarray(bars["allocated_m"]) <= np.asarray(bars["requested_m"]) + 1e-12)
    assert np.asarray(bars["allocated_m"]).sum() <= ex.result.market.capacity / 1e6 + 1e-9
    assert "served" in text(ex) and "days" in text(ex)


def test_contract_priority_serves_labs_in_full_and_others_wait():
    ex = ScarcityMarketExplorer(mode="contract_priority", price_cap_usd_per_hour=2.5)
    r = ex.result.rationing
    labs = r.names.index("frontier labs")
    unis = r.names.index("universities")
    assert r.frac_served[labs] == pytest.approx(1.0)
    assert r.frac_served[unis] < 1.0 and r.waiting_periods[unis] > 0


def test_never_served_buyers_are_named_with_finite_data():
    ex = ScarcityMarketExplorer(capacity_m=1.0, new_lab_m=4.0, mode="contract_priority",
                                price_cap_usd_per_hour=2.0)
    assert ex.result.rationing.never_served.any()
    assert "never served" in text(ex)
    for cols in test_widgets.numeric_columns(ex).values():
        assert np.all(np.isfinite(cols))


def test_cap_above_clearing_price_rations_nobody():
    ex = ScarcityMarketExplorer(mode="proportional", price_cap_usd_per_hour=10.0)
    assert ex.result.rationing.shortage == 0
    np.testing.assert_allclose(ex.result.rationing.frac_served, 1.0)
    assert "every request is met" in text(ex)

