"""ContractVsSpotExplorer and ConcentrationExplorer (the shared contract is in test_widgets.py):
readouts that match compute_econ.market."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

from compute_econ import market
from widgets._format import percent
from widgets.concentration import SOURCE_LINE_CHARS, SOURCE_LINES, ConcentrationExplorer
from widgets.contract_vs_spot import PROGRESS_ABOVE_PATH_PERIODS, ContractVsSpotExplorer


def text(explorer) -> str:
    return re.sub(r"<[^>]+>", "", explorer.readout.value)


# --------------------------------------------------------------------------- contract vs spot


def test_contract_vs_spot_readout_matches_model():
    ex = ContractVsSpotExplorer()
    c = ex.controls
    c["contract_price"].value, c["contract_months"].value = 2.0, 24
    c["p_no_capacity"].value, c["drift"].value, c["seed"].value = 0.1, -0.5, 3
    want = market.simulate_contract_vs_spot(
        market.ContractTerms(2.0, 24),
        market.SpotMarket(market.DEFAULT_SPOT.start_usd_per_hour, c["volatility"].value, -0.5, 0.1),
        1000 * market.HOURS_PER_MONTH, n_periods=48, n_paths=market.DEFAULT_N_PATHS, seed=3,
    )
    np.testing.assert_array_equal(ex.result.spot.cost_usd, want.spot.cost_usd)
    np.testing.assert_array_equal(ex.result.contract.cost_usd, want.contract.cost_usd)
    for name in ("contract", "spot"):
        outcome = getattr(want, name)
        rng = ex.sources[f"{name}_range"].data
        assert rng["p50"][0] == pytest.approx(outcome.cost_percentiles_usd[50])
        assert sum(ex.sources[name].data["share"]) == pytest.approx(1.0)
    t = text(ex)
    assert f"P(any month short) {percent(want.spot.p_any_shortfall)}" in t
    assert f"P(any month short) {percent(want.contract.p_any_shortfall)}" in t
    assert f"${want.spot.mean_cost_usd / 1e6:,.1f}M" in t
    assert f"cheaper on {percent(want.p_contract_cheaper)} of paths" in t
    np.testing.assert_allclose(ex.sources["shortfall"].data["p_any"],
                               [want.contract.p_any_shortfall, want.spot.p_any_shortfall])


def test_more_volatility_widens_the_spot_distribution():
    ex = ContractVsSpotExplorer()
    widths = []
    for sigma in (0.1, 0.6, 1.2):
        ex.controls["volatility"].value = sigma
        r = ex.sources["spot_range"].data
        widths.append(r["p95"][0] - r["p5"][0])
    assert widths[0] < widths[1] < widths[2]


def test_fixed_seed_gives_a_stable_picture_and_a_new_draw_changes_it():
    a, b = ContractVsSpotExplorer(), ContractVsSpotExplorer()
    assert a.readout.value == b.readout.value
    b.controls["seed"].value = 5
    assert a.readout.value != b.readout.value


def test_progress_bar_only_for_large_samples():
    small = ContractVsSpotExplorer()
    assert small.progress not in small.widget.children
    n_paths = PROGRESS_ABOVE_PATH_PERIODS // 12 + 1
    big = ContractVsSpotExplorer(n_paths=n_paths, n_months=12)
    assert big.progress in big.widget.children
    assert big.progress.value == big.progress.max == n_paths


# --------------------------------------------------------------------------- concentration


def test_merger_raises_hhi_by_twice_the_product_of_shares():
    ex = ConcentrationExplorer()
    named = dict(zip(ex.result.market.firms, ex.result.frac_shares, strict=True))
    for a, b in (("Microsoft", "Google"), ("Amazon", "Oracle"), ("Google", "Oracle")):
        ex.controls["merge_a"].value, ex.controls["merge_b"].value = a, b
        gauge = ex.sources["gauge"].data
        delta = 2 * named[a] * named[b] * 1e4
        assert gauge["hhi"][0] - gauge["hhi"][1] == pytest.approx(delta)
        assert gauge["hhi_upper"][0] - gauge["hhi_upper"][1] == pytest.approx(delta)
        assert f"= {delta:,.0f}," in text(ex)
    assert "not presumed" in text(ex)  # Google + Oracle: delta 72 < 100
    ex.controls["merge_a"].value, ex.controls["merge_b"].value = "Microsoft", "Google"
    assert "presumed to substantially lessen competition" in text(ex)


def test_concentration_readout_matches_model_for_every_market():
    ex = ConcentrationExplorer()
    for name, ms in market.load_market_shares().items():
        ex.controls["market"].value = name
        low, high = ms.hhi_bounds()
        assert ex.result.hhi == pytest.approx(low) and ex.result.hhi_upper == pytest.approx(high)
        assert ex.controls["lead_share"].value == pytest.approx(ms.frac_shares[0])
        assert f"HHI {low:,.0f}" in text(ex)
        assert str(market.concentration_level(low)) in text(ex)
        assert ex.sources["shares"].data["firm"] == list(ex._bars_range.factors)
        assert set(ex.controls["merge_a"].options) == set(ms.firms) - {market.OTHERS}
        # the title names the period once: not "H100 buyers 2023, 2023" (issue 9)
        title = str(ex._bars_title.text)
        assert title.count(ms.period) == 1 and title.startswith(ms.market)


def test_leader_share_slider_rescales_the_rest():
    ex = ConcentrationExplorer(market_name="EUV lithography")
    ex.controls["lead_share"].value = 0.8  # a rival (the 'others' fringe) takes 20 %
    assert ex.result.hhi == pytest.approx(6400.0)
    assert ex.result.hhi_upper == pytest.approx(6400.0 + 400.0)
    ex.controls["market"].value = "HBM memory"
    ex.controls["lead_share"].value = 0.2
    np.testing.assert_allclose(ex.result.frac_shares, [0.2, 0.8 * 38 / 47, 0.8 * 9 / 47])
    assert ex.result.hhi == pytest.approx(market.hhi(ex.result.frac_shares))
    # a smaller leader does not mean a less concentrated market: Samsung now holds 65 %
    assert ex.result.hhi == pytest.approx(1e4 * (0.2**2 + (0.8 * 38 / 47) ** 2 + (0.8 * 9 / 47) ** 2))
    assert ex.result.hhi > 4334.0 and "highly concentrated" in text(ex)


def test_unknown_market_rejected():
    with pytest.raises(ValueError, match="market_name"):
        ConcentrationExplorer(market_name="oil")


def test_concentration_takes_who_trains_frontier_models_and_credits_epoch():
    """Markets built from Epoch AI's data (trends.developer_shares) join the shipped ones; the bar chart
    credits the data under the plot and shortens long country names on its axis only."""
    from compute_econ import trends

    firms = trends.developer_shares(by="firm", start_year=2020)
    countries = trends.developer_shares(by="country", start_year=2020)
    ex = ConcentrationExplorer(market_name=firms.market, extra_markets=(firms, countries))
    assert {firms.market, countries.market, "cloud infrastructure"} <= set(ex.controls["market"].options)
    assert ex.result.hhi == pytest.approx(market.hhi_fringe_bounds(
        market.set_share(firms.frac_shares, 0, ex.controls["lead_share"].value)[:-1],
        market.set_share(firms.frac_shares, 0, ex.controls["lead_share"].value)[-1])[0])
    credit = trends.load_notable_models().credit
    lines = str(ex._source_line.text).splitlines()
    assert " ".join(lines).removesuffix(" …") in credit and credit.startswith(lines[0])  # its start, wrapped
    assert max(len(line) for line in lines) <= SOURCE_LINE_CHARS and len(lines) <= SOURCE_LINES
    ex.controls["market"].value = countries.market
    assert ex._bars.xaxis.major_label_overrides["United States of America"] == "USA"
    assert "United States of America" in ex.sources["shares"].data["firm"]  # full names in the data and hover
    ex.controls["market"].value = "cloud infrastructure"
    assert str(ex._source_line.text).startswith("Source: Synergy Research Group")
    with pytest.raises(ValueError, match="extra_markets"):
        not_markets: Any = ("cloud",)
        ConcentrationExplorer(extra_markets=not_markets)


def test_concentration_slider_starts_on_its_grid_for_every_market():
    """Every market's leader share is put on the slider's grid (the browser would snap it and send it back)."""
    from compute_econ import trends

    extra = (trends.developer_shares(by="firm", start_year=2020),)
    ex = ConcentrationExplorer(extra_markets=extra)
    lead = ex.controls["lead_share"]
    for name in ex.controls["market"].options:
        ex.controls["market"].value = name
        position = (lead.value - lead.min) / lead.step
        assert abs(position - round(position)) < 1e-6, (name, lead.value)
        assert lead.value == pytest.approx(ex._markets[name].frac_shares[0], abs=5e-4)
