"""compute_econ.market: concentration (HHI, CR4, the 2023 Merger Guidelines), sourced shares,
the contract-vs-spot Monte Carlo and dependence on few providers.

Published values: the DOJ's HHI example, the guidelines' thresholds at their boundaries, the
shares in data/market_shares.csv against their reports. Closed forms: 10,000/n for n equal
firms, 2 s_i s_j x 10^4 for a merger, p^n for losing every provider, the expected cost of a
geometric random walk. Properties (hypothesis) as the issue names them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from compute_econ import costs
from compute_econ import market as m
from compute_econ.market import (
    CHUNK_PATHS,
    ContractTerms,
    SpotMarket,
    assess_merger,
    concentration_level,
    cr4,
    cr_k,
    expected_frac_compute_lost,
    hhi,
    hhi_fringe_bounds,
    load_market_shares,
    merge_shares,
    merger_delta_hhi,
    p_lose_access,
    presumed_anticompetitive,
    set_share,
    simulate_contract_vs_spot,
)

DOJ_EXAMPLE = [0.30, 0.30, 0.20, 0.20]


# --------------------------------------------------------------------------- HHI and CR4


def test_hhi_doj_example_is_2600():
    """DOJ Antitrust Division, 'Herfindahl-Hirschman Index': shares 30, 30, 20, 20 % give HHI 2,600."""
    assert hhi(DOJ_EXAMPLE) == pytest.approx(2600.0, abs=1e-9)


def test_hhi_monopoly_and_rows():
    assert hhi([1.0]) == pytest.approx(1e4)
    rows = hhi([[1.0, 0.0], [0.5, 0.5]])
    np.testing.assert_allclose(rows, [1e4, 5e3])


@pytest.mark.parametrize("bad, needle, valid", [
    ([0.5, 0.4], "sum of 0.9", "sum to 1"),
    ([0.7, 0.4, -0.1], "-0.1", "[0, 1]"),
    ([1.2, -0.2], "1.2", "[0, 1]"),
    ([0.5, float("nan")], "nan", "[0, 1]"),
])
def test_hhi_rejects_bad_shares_naming_parameter_and_value(bad, needle, valid):
    with pytest.raises(ValueError, match="frac_shares") as exc:
        hhi(bad)
    assert needle in str(exc.value)
    assert valid in str(exc.value)


def test_hhi_rejects_scalar_empty_and_3d():
    bads: tuple[Any, ...] = (0.5, [], np.ones((1, 1, 1)))
    for bad in bads:
        with pytest.raises(ValueError, match="frac_shares"):
            hhi(bad)


def test_cr4_by_hand():
    assert cr4(DOJ_EXAMPLE) == pytest.approx(1.0)
    assert cr4([0.30, 0.25, 0.20, 0.15, 0.10]) == pytest.approx(0.90)
    assert cr_k([0.1, 0.6, 0.3], k=1) == pytest.approx(0.6)  # unsorted input
    assert cr_k([0.6, 0.4], k=4) == pytest.approx(1.0)  # fewer firms than k
    np.testing.assert_allclose(cr_k([[0.5, 0.3, 0.2], [0.2, 0.2, 0.6]], k=2), [0.8, 0.8])


def test_cr4_with_fringe_leaves_others_out():
    """Synergy Q3 2024 cloud: the four largest named firms hold 31 + 20 + 13 + 4 = 68 %; the 21 % fringe is not one firm."""
    cloud = load_market_shares()["cloud infrastructure"]
    assert cr4(cloud.frac_shares) == pytest.approx(0.31 + 0.21 + 0.20 + 0.13)  # "others" counted as a firm
    assert cr_k(cloud.named_frac_shares, 4, frac_fringe=cloud.frac_others) == pytest.approx(0.68)
    with pytest.raises(ValueError, match="sum to 1"):
        cr_k(cloud.named_frac_shares, 4)


@pytest.mark.parametrize("k", [0, -1, 2.5, True, "4", None])
def test_cr_k_rejects_bad_k(k):
    with pytest.raises(ValueError, match=r"^k must be a whole number in \[1, inf\)"):
        cr_k(DOJ_EXAMPLE, k=k)


def test_cr_k_takes_a_whole_float_k():
    assert cr_k(DOJ_EXAMPLE, k=2.0) == cr_k(DOJ_EXAMPLE, k=2) == pytest.approx(0.6)  # type: ignore[arg-type]


@pytest.mark.parametrize("fringe, needle", [
    ([0.1, 0.1], "frac_fringe must be one number (frac_shares is one market)"),
    (None, "frac_fringe must be"),
    ("0.1", "frac_fringe must be"),
])
def test_cr_k_fringe_must_match_the_markets(fringe, needle):
    """A fringe for one market is one number (an array of two once broadcast into a silent answer)."""
    with pytest.raises(ValueError) as exc:
        cr_k([0.5, 0.4], 4, frac_fringe=fringe)
    assert needle in str(exc.value)


def test_cr_k_one_fringe_per_market_row():
    np.testing.assert_allclose(cr_k([[0.5, 0.3], [0.4, 0.4]], 1, frac_fringe=[0.2, 0.2]), [0.5, 0.4])
    with pytest.raises(ValueError, match=r"frac_fringe must be one number, or one per market \(2 values"):
        cr_k([[0.5, 0.3], [0.4, 0.4]], 1, frac_fringe=[0.2, 0.2, 0.2])


def test_sum_message_names_the_fringe_where_the_function_takes_one():
    with pytest.raises(ValueError, match="^frac_shares plus frac_fringe must sum to 1"):
        cr_k([0.5, 0.3], 4, frac_fringe=0.1)
    with pytest.raises(ValueError, match="^frac_shares must sum to 1"):
        hhi([0.5, 0.3])


# --------------------------------------------------------------------------- guideline thresholds


@pytest.mark.parametrize("value, label", [
    (0.0, "unconcentrated"),
    (999.99, "unconcentrated"),
    (1000.0, "moderately concentrated"),
    (1800.0, "moderately concentrated"),  # "greater than 1,800" is highly concentrated
    (1800.01, "highly concentrated"),
    (1e4, "highly concentrated"),
])
def test_concentration_level_boundaries_2023_guidelines_section_2_1(value, label):
    """2023 Merger Guidelines s. 2.1: HHI > 1,800 highly concentrated; DOJ HHI page: 1,000-1,800 moderately."""
    assert concentration_level(value) == label


def test_concentration_level_vectorised_and_validated():
    assert list(concentration_level([500.0, 1500.0, 2500.0])) == [
        "unconcentrated", "moderately concentrated", "highly concentrated"]
    with pytest.raises(ValueError, match="hhi_value"):
        concentration_level(-1.0)
    with pytest.raises(ValueError, match="hhi_value"):
        concentration_level(10001.0)


@pytest.mark.parametrize("post, delta, share, presumed", [
    (1800.0, 101.0, 0.0, False),    # HHI exactly 1,800 is not "greater than"
    (1800.01, 101.0, 0.0, True),
    (5000.0, 100.0, 0.9, False),    # change exactly 100 is not "greater than"
    (5000.0, 100.01, 0.0, True),
    (1000.0, 150.0, 0.30, False),   # share exactly 30 % is not "greater than"
    (1000.0, 150.0, 0.3001, True),  # share indicator alone, below 1,800
    (1000.0, 99.0, 0.9, False),
])
def test_presumption_thresholds_at_their_boundaries(post, delta, share, presumed):
    """2023 Merger Guidelines s. 2.1: (HHI > 1,800 or merged share > 30 %) and change in HHI > 100."""
    assert presumed_anticompetitive(post, delta, share) is presumed


def test_presumption_vectorised():
    out = np.asarray(presumed_anticompetitive([1900.0, 1900.0], [150.0, 50.0]))
    assert out.tolist() == [True, False]


# --------------------------------------------------------------------------- mergers


def test_merger_delta_is_twice_the_product_of_shares():
    assert merger_delta_hhi(DOJ_EXAMPLE, 0, 2) == pytest.approx(2 * 30 * 20)
    np.testing.assert_allclose(merger_delta_hhi([[0.5, 0.5], [0.9, 0.1]], 0, 1), [5000.0, 1800.0])


def test_merge_shares_combines_the_pair():
    np.testing.assert_allclose(merge_shares(DOJ_EXAMPLE, 3, 1), [0.3, 0.5, 0.2])


@pytest.mark.parametrize("i, j, needle", [
    (0, 0, "i and j must be two different firms"),
    (0, 4, r"j must be a whole number in \[-4, 3\], got 4"),
    (-5, 1, r"i must be a whole number in \[-4, 3\], got -5"),
    (1.5, 1, r"i must be a whole number in \[-4, 3\], got 1.5"),
    (True, 1, r"i must be a whole number in \[-4, 3\], got True"),
])
def test_merger_rejects_bad_indices(i, j, needle):
    with pytest.raises(ValueError, match="^" + needle):
        merger_delta_hhi(DOJ_EXAMPLE, i, j)


def test_merger_indices_may_count_from_the_end_or_be_whole_floats():
    assert merger_delta_hhi(DOJ_EXAMPLE, -4, 2.0) == merger_delta_hhi(DOJ_EXAMPLE, 0, 2) == pytest.approx(1200.0)  # type: ignore[arg-type]


def test_assess_merger_share_indicator_alone():
    """A 28 % firm buying a 4 % firm in a moderately concentrated market: delta 224, share 32 % -> presumed."""
    shares = [0.28, 0.04] + [0.04] * 17
    a = assess_merger(shares, 0, 1)
    assert a.hhi_pre == pytest.approx(784 + 16 + 17 * 16)
    assert a.delta_hhi == pytest.approx(224.0)
    assert a.hhi_post < 1800 and a.level_post == "moderately concentrated"
    assert a.frac_merged_share == pytest.approx(0.32)
    assert a.presumed_anticompetitive


def test_assess_merger_unconcentrated_small_merger_not_presumed():
    a = assess_merger([0.05] * 20, 3, 7)  # HHI 500, delta 50
    assert (a.hhi_pre, a.delta_hhi) == (pytest.approx(500.0), pytest.approx(50.0))
    assert not a.presumed_anticompetitive


def test_assess_merger_doj_example_two_largest():
    a = assess_merger(DOJ_EXAMPLE, 0, 1)
    assert (a.hhi_post, a.delta_hhi) == (pytest.approx(4400.0), pytest.approx(1800.0))
    assert a.presumed_anticompetitive and a.level_pre == "highly concentrated"


def test_assess_merger_with_fringe_keeps_delta_and_brackets_hhi():
    cloud = load_market_shares()["cloud infrastructure"]
    a = assess_merger(cloud.named_frac_shares, 1, 2, frac_fringe=cloud.frac_others)  # Microsoft + Google
    assert a.delta_hhi == pytest.approx(2 * 20 * 13)
    assert (a.hhi_pre, a.hhi_pre_upper) == (pytest.approx(1571.0), pytest.approx(1612.0))
    assert a.hhi_post == pytest.approx(1571.0 + 520.0) and a.hhi_post_upper == pytest.approx(1612.0 + 520.0)
    assert a.presumed_anticompetitive and a.presumed_at_upper
    small = assess_merger(cloud.named_frac_shares, 2, 4, frac_fringe=cloud.frac_others)  # Google + Oracle: 78
    assert small.delta_hhi == pytest.approx(78.0) and not small.presumed_anticompetitive


def test_assess_merger_takes_one_fringe_number():
    with pytest.raises(ValueError, match="^frac_fringe must be one number"):
        assess_merger([0.5, 0.3], 0, 1, frac_fringe=[0.2])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="^frac_shares plus frac_fringe must sum to 1"):
        assess_merger([0.5, 0.3], 0, 1)


def test_set_share_rescales_the_others_in_proportion():
    out = set_share([0.5, 0.3, 0.2], 0, 0.8)
    np.testing.assert_allclose(out, [0.8, 0.12, 0.08])
    np.testing.assert_allclose(set_share([1.0, 0.0, 0.0], 0, 0.4), [0.4, 0.3, 0.3])  # others held nothing
    np.testing.assert_allclose(set_share([0.2, 0.8], 1, 1.0), [0.0, 1.0])
    with pytest.raises(ValueError, match="frac_share"):
        set_share([1.0], 0, 0.5)
    with pytest.raises(ValueError, match="frac_share"):
        set_share([0.5, 0.5], 0, 1.5)
    with pytest.raises(ValueError, match="^frac_share must be one number"):
        set_share([0.5, 0.5], 0, [0.4, 0.6])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- fringe


def test_fringe_bounds_by_hand():
    # named 50 % and 30 %, fringe 20 %: tiny firms -> 3,400; at most one 20 % firm (<= 30 %) -> 3,800
    assert hhi_fringe_bounds([0.5, 0.3]) == (pytest.approx(3400.0), pytest.approx(3800.0))
    # fringe 40 %, no fringe firm above the smallest named (10 %): four 10 % firms -> 2,600 + 400
    assert hhi_fringe_bounds([0.5, 0.1]) == (pytest.approx(2600.0), pytest.approx(3000.0))
    # no fringe: both bounds are the HHI
    assert hhi_fringe_bounds(DOJ_EXAMPLE) == (pytest.approx(2600.0), pytest.approx(2600.0))


def test_fringe_bounds_reject_inconsistent_shares():
    with pytest.raises(ValueError, match="sum to 1"):
        hhi_fringe_bounds([0.5, 0.3], frac_fringe=0.5)
    with pytest.raises(ValueError, match="named_frac_shares"):
        hhi_fringe_bounds([0.8, 0.4])
    with pytest.raises(ValueError, match="^frac_fringe must be one number"):
        hhi_fringe_bounds([0.5, 0.3], frac_fringe=[0.2])
    with pytest.raises(ValueError, match="^named_frac_shares must be a 1-D sequence"):
        hhi_fringe_bounds([[0.5, 0.3]])


def test_fringe_bounds_with_a_vanishing_named_firm_stay_finite():
    """The upper bound's fringe firms are no larger than the smallest named one; one of 5e-324 made
    floor(f / m) overflow (an OverflowError). The fringe is then all such firms: HHI ~ f m, ~0."""
    low, high = hhi_fringe_bounds([5e-324], 1.0)
    assert low == 0.0 and 0.0 <= high < 1e-300
    low, high = hhi_fringe_bounds([0.9, 1e-300])
    assert low == pytest.approx(8100.0) and high == pytest.approx(8100.0)


@settings(max_examples=150, deadline=None)
@given(named=st.lists(st.floats(0.001, 1.0), min_size=1, max_size=8), fringe=st.floats(0.0, 0.9))
def test_fringe_bounds_bracket_and_are_below_others_as_one_firm(named, fringe):
    s = np.asarray(named) / np.sum(named) * (1.0 - fringe)
    low, high = hhi_fringe_bounds(s)
    as_one = hhi(np.append(s, max(1.0 - s.sum(), 0.0)))
    assert low <= high + 1e-9 and high <= as_one + 1e-9
    assert low == pytest.approx(1e4 * np.sum(s**2))


# --------------------------------------------------------------------------- properties


def random_shares(draw_weights):
    w = np.asarray(draw_weights, dtype=float)
    return w / w.sum()


weights = st.lists(st.floats(0.0, 1.0), min_size=1, max_size=12).filter(lambda w: sum(w) > 1e-3)


@settings(max_examples=200, deadline=None)
@given(w=weights)
def test_hhi_between_0_and_10000_and_cr4_bounds(w):
    s = random_shares(w)
    h = hhi(s)
    assert 0.0 <= h <= 1e4 + 1e-6
    assert h >= 1e4 / s.size - 1e-6  # equal shares minimise HHI for n firms
    c = cr4(s)
    assert 0.0 <= c <= 1.0 + 1e-12
    assert c >= s.max() - 1e-12


@settings(max_examples=50, deadline=None)
@given(n=st.integers(1, 500))
def test_hhi_of_n_equal_firms_is_10000_over_n(n):
    assert hhi(np.full(n, 1.0 / n)) == pytest.approx(1e4 / n, rel=1e-9)


@settings(max_examples=200, deadline=None)
@given(w=st.lists(st.floats(0.0, 1.0), min_size=2, max_size=12).filter(lambda w: sum(w) > 1e-3),
       data=st.data())
def test_merger_never_lowers_hhi_and_delta_matches_recomputation(w, data):
    s = random_shares(w)
    i = data.draw(st.integers(0, s.size - 1))
    j = data.draw(st.integers(0, s.size - 1))
    assume(i != j)
    delta = merger_delta_hhi(s, i, j)
    post = hhi(merge_shares(s, i, j))
    assert delta >= 0 and post >= hhi(s) - 1e-9
    assert post - hhi(s) == pytest.approx(delta, abs=1e-6)


def test_merging_the_whole_market_survives_rounding():
    """Found by hypothesis: shares normalised to sum to 1 can merge into 1.0000000000000002, which must
    still count as a monopoly (HHI 10,000), not be refused as a share above 1."""
    s = np.array([0.5, 1e-5])
    s = s / s.sum()
    assert hhi(merge_shares(s, 0, 1)) == pytest.approx(1e4)
    with pytest.raises(ValueError, match="frac_shares"):
        hhi([1.01, -0.01])


# --------------------------------------------------------------------------- data


def test_every_market_sums_to_one_has_source_and_estimates_flagged():
    markets = load_market_shares()
    assert set(markets) == {"cloud infrastructure", "data-centre GPUs", "HBM memory", "foundry", "EUV lithography",
                            "H100 buyers 2023", "AI supercomputers by country"}
    for ms in markets.values():
        assert ms.frac_shares.sum() == pytest.approx(1.0, abs=1e-9)
        assert ms.source.strip() and ms.source != "same as first row"
        assert list(ms.named_frac_shares) == sorted(ms.named_frac_shares, reverse=True)
    assert not markets["EUV lithography"].is_estimate
    assert all(markets[k].is_estimate for k in markets if k != "EUV lithography")


def test_published_shares_match_their_reports():
    """Synergy Research Group, Q3 2024 release ('31%, 20% and 13% respectively' for Amazon, Microsoft and Google;
    InfoTechLead's provider list misprints Google as 12 %); TechInsights 2023 (NVIDIA 98 % of DC GPU revenue);
    TrendForce Apr 2023 (HBM 2023: SK hynix 53, Samsung 38, Micron 9 %); TrendForce 4Q24 (TSMC 67.1 %); ASML sole EUV."""
    d = load_market_shares()
    share = {k: dict(zip(v.firms, v.frac_shares, strict=True)) for k, v in d.items()}
    assert [share["cloud infrastructure"][f] for f in ("Amazon", "Microsoft", "Google")] == [0.31, 0.20, 0.13]
    assert share["data-centre GPUs"]["NVIDIA"] == 0.98
    assert [share["HBM memory"][f] for f in ("SK hynix", "Samsung", "Micron")] == [0.53, 0.38, 0.09]
    assert share["foundry"]["TSMC"] == 0.671
    assert hhi(d["EUV lithography"].frac_shares) == pytest.approx(1e4)


def test_cloud_hhi_bounds_by_hand():
    """Synergy Q3 2024 named shares: sum of squares 0.1571; the 21 % fringe as ten 2 % firms and one of 1 % adds 0.0041."""
    cloud = load_market_shares()["cloud infrastructure"]
    low, high = cloud.hhi_bounds()
    assert (low, high) == (pytest.approx(1571.0), pytest.approx(1612.0))
    assert concentration_level(high) == "moderately concentrated"
    assert concentration_level(hhi(cloud.frac_shares)) == "highly concentrated"  # "others" as one firm overstates
    assert cloud.frac_others == pytest.approx(0.21)


H100_TOTAL_UNITS = 1.2e6  # Omdia's Q2 2023 pace (>300,000 a quarter) over a year, as reported by Tom's Hardware
OMDIA_H100_UNITS = {"Meta": 150_000, "Microsoft": 150_000, "Google": 50_000, "Amazon": 50_000, "Oracle": 50_000,
                    "Tencent": 50_000, "CoreWeave": 40_000, "Baidu": 30_000, "Alibaba": 25_000, "ByteDance": 20_000,
                    "Lambda": 20_000, "Tesla": 15_000}


def test_h100_buyers_match_omdia_units_over_the_stated_total():
    """Omdia via Tom's Hardware (Nov 2023): Meta and Microsoft ~150,000 H100s each, Google, Amazon, Oracle, Tencent
    50,000 each, ... Tesla 15,000 (650,000 in all); total ~1.2 million (Omdia's Q2 2023 pace, Tom's Hardware 2023)."""
    buyers = load_market_shares()["H100 buyers 2023"]
    share = dict(zip(buyers.firms, buyers.frac_shares, strict=True))
    assert share["Meta"] == share["Microsoft"] == 0.125  # 150,000 / 1,200,000
    for firm, units in OMDIA_H100_UNITS.items():
        assert share[firm] * H100_TOTAL_UNITS == pytest.approx(units, abs=0.00005 * H100_TOTAL_UNITS)  # 4-decimal rounding
    assert buyers.frac_others * H100_TOTAL_UNITS == pytest.approx(550_000, rel=1e-3)
    assert buyers.is_estimate and "Omdia" in buyers.source and "1.2 million" in buyers.source


def test_h100_buyers_concentration_by_hand():
    """Omdia 2023 H100 buyers: CR4 = 2 x 0.125 + 2 x 0.0417 = 0.3334; sum of squares of the twelve rounded shares
    0.04108612 (HHI ~411); the 45.82 % fringe as 36 buyers of 1.25 % plus one of 0.82 % adds 0.00569224 (HHI ~468).
    As shares of the named 650,000 only, HHI is exactly 1,400 (sum of units squared / 650,000 squared)."""
    buyers = load_market_shares()["H100 buyers 2023"]
    low, high = buyers.hhi_bounds()
    assert (low, high) == (pytest.approx(410.8612), pytest.approx(467.7836))
    assert cr_k(buyers.named_frac_shares, 4, frac_fringe=buyers.frac_others) == pytest.approx(0.3334)
    assert concentration_level(high) == "unconcentrated"
    units = np.array(list(OMDIA_H100_UNITS.values()), dtype=float)
    assert hhi(units / units.sum()) == pytest.approx(1400.0)
    assert concentration_level(hhi(units / units.sum())) == "moderately concentrated"


def test_ai_supercomputers_by_country_match_pilz_et_al():
    """Pilz et al. (2025), Trends in AI Supercomputers, arXiv:2504.16026, abstract: US about 75 %, China 15 % of
    total 16-bit performance; HHI 0.75^2 + 0.15^2 = 0.585 (5,850), 5,950 with the 10 % rest of the world as one."""
    countries = load_market_shares()["AI supercomputers by country"]
    assert dict(zip(countries.firms, countries.frac_shares, strict=True)) == {"United States": 0.75, "China": 0.15, "others": 0.10}
    assert countries.hhi_bounds() == (pytest.approx(5850.0), pytest.approx(5950.0))
    assert concentration_level(countries.hhi_bounds()[0]) == "highly concentrated"
    assert countries.is_estimate and "arXiv:2504.16026" in countries.source


HEADER = ",".join(m.MARKET_SHARES_COLUMNS)


@pytest.mark.parametrize("rows, needle", [
    (["x,A,0.6,2024,2024,true,src,", "x,B,0.3,2024,2024,true,src,"], "sum to 1"),
    (["x,A,1.2,2024,2024,true,src,", "x,others,-0.2,2024,2024,true,src,"], "in \\[0, 1\\]"),
    (["x,A,abc,2024,2024,true,src,"], "must be a number"),
    (["x,others,0.5,2024,2024,true,src,", "x,A,0.5,2024,2024,true,src,"], "must come last"),
    (["x,A,0.5,2024,2024,true,src,", "x,A,0.5,2024,2024,true,src,"], "twice"),
    (["x,A,1.0,2024,2024,true,,"], "source"),
    (["x,A,1.0,2024,2024,yes,src,"], "is_estimate"),
    (["x,A,1.0,1949,1949,true,src,"], r"line 2 \('x', 'A'\): column 'year' must be in \[1950, 2100\]"),
    (["x,A,1.0,2024.5,2024,true,src,"], "column 'year' must be a whole calendar year"),
    (["x,,1.0,2024,2024,true,src,"], "line 2 .*column 'firm' is empty"),
    (["x,A,0.5,2024,2024,true,src,", "x,B,0.5,2023,2024,true,src,"], r"line 3 .*column 'year' must be the market's"),
    (["x,A,0.5,2024,2024,true,src,", "x,B,0.5,2024,Q1 2024,true,src,"], "column 'period' must be the market's"),
    (["x,A,0.5,2024,2024,true,src,", "x,B,0.5,2024,2024,false,src,"], "column 'is_estimate' must be the market's"),
])
def test_loader_rejects_bad_rows(tmp_path, rows, needle):
    p = tmp_path / "shares.csv"
    p.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=needle):
        load_market_shares(p)


def test_loader_rejects_bad_header(tmp_path):
    p = tmp_path / "shares.csv"
    p.write_text("market,firm,share\nx,A,1.0\n", encoding="utf-8")
    with pytest.raises(ValueError, match="header"):
        load_market_shares(p)


def test_loader_requires_a_source_in_every_row(tmp_path):
    """Every row cites a source (read through the kit's one CSV reader, source_column="source"): a market's
    second row without one was accepted, as only the first row's source is stored."""
    p = tmp_path / "shares.csv"
    p.write_text("\n".join([HEADER, "x,A,0.5,2024,2024,true,src,", "x,B,0.5,2024,2024,true,,"]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="shares.csv line 3: column 'source' is empty"):
        load_market_shares(p)


@pytest.mark.parametrize("path", [0, True, 1.5, ["a.csv"], "a\x00.csv"])
def test_loader_refuses_a_path_that_is_not_one(path):
    with pytest.raises(ValueError, match="^path must be the path of a CSV file"):
        load_market_shares(path)


def test_loader_reads_a_users_file(tmp_path):
    p = tmp_path / "mine.csv"
    p.write_text("\n".join([HEADER, "x,A,0.6,2024,2024,true,src,", "x,others,0.4,2024,2024,true,src,"]) + "\n",
                 encoding="utf-8")
    for path in (p, str(p)):
        ms = load_market_shares(path)["x"]
        assert ms.firms == ("A", "others") and ms.frac_others == pytest.approx(0.4) and ms.year == 2024


# --------------------------------------------------------------------------- MarketShares and its split


def example_shares(**changes: Any) -> m.MarketShares:
    kwargs: dict[str, Any] = dict(market="example", firms=("A", "B", "others"), frac_shares=[0.3, 0.5, 0.2], year=2024,
                  period="2024", source="a source", is_estimate=True, note="")
    return m.MarketShares(**(kwargs | changes))


@pytest.mark.parametrize("changes, needle", [
    (dict(frac_shares=["0.3", "0.5", "0.2"]), "^frac_shares must be"),
    (dict(frac_shares=[0.3, 0.5]), r"^frac_shares must hold one share per firm in firms \(3\), got 2"),
    (dict(frac_shares=[0.3, 0.5, 0.1]), "^frac_shares must sum to 1"),
    (dict(frac_shares=[1.3, -0.5, 0.2]), r"^frac_shares must be in \[0, 1\]"),
    (dict(frac_shares=0.5), "^frac_shares must be a sequence"),
    (dict(firms="AB"), "^firms must be a non-empty list or tuple"),
    (dict(firms=()), "^firms must be a non-empty list or tuple"),
    (dict(firms=("A", "A", "others")), "^firms must name each firm once"),
    (dict(firms=("A", "others", "B")), "^firms may hold 'others' .* only last"),
    (dict(firms=("A", "", "others")), "^firms must hold firm names"),
    (dict(firms=("A", 2, "others")), "^firms must hold firm names"),
    (dict(year=2419), r"^year must be a whole number in \[1950, 2100\]"),
    (dict(year=2024.5), "^year must be a whole number"),
    (dict(year="2024"), "^year must be a whole number"),
    (dict(is_estimate=1), "^is_estimate must be True or False"),
    (dict(source=""), "^source must be a non-empty string"),
    (dict(market=None), "^market must be a non-empty string"),
    (dict(period=2024), "^period must be a non-empty string"),
    (dict(note=None), "^note must be a string"),
])
def test_market_shares_refuses_what_it_cannot_store(changes, needle):
    with pytest.raises(ValueError, match=needle):
        example_shares(**changes)


def test_market_shares_stores_validated_read_only_copies_and_compares():
    raw = np.array([0.3, 0.5, 0.2])
    ms = example_shares(firms=["A", "B", "others"], frac_shares=raw, year=2024.0)
    raw[0] = 0.9  # the caller's array is not the record's
    assert ms.firms == ("A", "B", "others") and type(ms.year) is int
    np.testing.assert_array_equal(ms.frac_shares, [0.3, 0.5, 0.2])
    with pytest.raises(ValueError):
        ms.frac_shares[0] = 0.0
    assert ms == example_shares() and ms != example_shares(frac_shares=[0.5, 0.3, 0.2])


def test_split_ranks_the_named_firms_and_keeps_the_fringe_last():
    s = example_shares().split()
    assert s.named_firms == ("A", "B") and s.has_fringe and s.frac_fringe == pytest.approx(0.2)
    np.testing.assert_array_equal(s.named_frac_shares, [0.3, 0.5])
    assert s.order.tolist() == [1, 0]
    assert s.ranked_firms == ("B", "A", "others")
    np.testing.assert_array_equal(s.ranked_frac_shares, [0.5, 0.3, 0.2])


def test_split_of_a_what_if_and_of_every_shipped_market():
    """The explorer's split: the leader's share moved with set_share, then named firms ranked, the fringe last."""
    cloud = load_market_shares()["cloud infrastructure"]
    s = cloud.split(set_share(cloud.frac_shares, 0, 0.05))
    # Alibaba, 4 % x 0.95 / 0.69 = 5.5 %, now outranks Amazon at 5 %
    assert s.ranked_firms[:4] == ("Microsoft", "Google", "Alibaba", "Amazon") and s.ranked_firms[-1] == m.OTHERS
    assert s.frac_fringe == pytest.approx(0.21 * 0.95 / 0.69)
    assert s.named_frac_shares[0] == pytest.approx(0.05)  # market order kept for merger indices
    for name, ms in load_market_shares().items():
        s = ms.split()
        assert s.has_fringe == (ms.firms[-1] == m.OTHERS), name
        assert s.named_frac_shares.sum() + s.frac_fringe == pytest.approx(1.0), name
        assert np.all(np.diff(s.ranked_frac_shares[: len(s.named_firms)]) <= 0), name
        assert sorted(s.ranked_firms) == sorted(ms.firms), name
    hbm = load_market_shares()["HBM memory"].split()  # every firm named: no fringe
    assert not hbm.has_fringe and hbm.frac_fringe == 0.0 and m.OTHERS not in hbm.ranked_firms
    euv = load_market_shares()["EUV lithography"].split()  # an 'others' entry at 0 is still the fringe
    assert euv.has_fringe and euv.frac_fringe == 0.0 and euv.ranked_firms == ("ASML", m.OTHERS)


def test_split_ties_keep_the_market_order():
    buyers = load_market_shares()["H100 buyers 2023"].split()  # Meta and Microsoft 12.5 % each, in that order
    assert buyers.ranked_firms[:2] == ("Meta", "Microsoft")
    assert buyers.ranked_firms[2:6] == ("Google", "Amazon", "Oracle", "Tencent")


@pytest.mark.parametrize("bad, needle", [
    ([0.5, 0.5], "frac_shares must hold one share per firm"),
    ([0.5, 0.6, -0.1], "frac_shares must be in"),
    ([0.5, 0.4, 0.0], "frac_shares must sum to 1"),
])
def test_split_refuses_a_what_if_for_other_firms(bad, needle):
    with pytest.raises(ValueError, match="^" + needle):
        example_shares().split(bad)


# --------------------------------------------------------------------------- contract vs spot

Q = 1000.0
CALM = SpotMarket(start_usd_per_hour=2.0, volatility_per_year=0.0, drift_per_year=0.0, p_no_capacity=0.0)


def test_defaults_reuse_the_kit_rental_constants():
    assert m.DEFAULT_SPOT.start_usd_per_hour == costs.H100_LAMBDA_2024.on_demand_usd_per_hour
    assert m.DEFAULT_CONTRACT.usd_per_accelerator_hour == costs.H100_LAMBDA_2024.committed_usd_per_hour
    assert m.DEFAULT_CONTRACT.n_periods == 36
    assert m.DEFAULT_SPOT.drift_per_year == -costs.DEPRECIATION_PER_YEAR


def test_same_seed_identical_different_seed_differs():
    a = simulate_contract_vs_spot(n_paths=3000, seed=7)
    b = simulate_contract_vs_spot(n_paths=3000, seed=7)
    c = simulate_contract_vs_spot(n_paths=3000, seed=8)
    np.testing.assert_array_equal(a.spot.cost_usd, b.spot.cost_usd)
    np.testing.assert_array_equal(a.contract.shortfall_accelerator_hours, b.contract.shortfall_accelerator_hours)
    assert not np.array_equal(a.spot.cost_usd, c.spot.cost_usd)


def test_no_uncertainty_gives_closed_form_costs():
    contract = ContractTerms(usd_per_accelerator_hour=1.5, n_periods=12)
    r = simulate_contract_vs_spot(contract, CALM, Q, n_periods=30, n_paths=10, seed=1)
    np.testing.assert_allclose(r.spot.cost_usd, Q * 30 * 2.0)
    np.testing.assert_allclose(r.contract.cost_usd, Q * 12 * 1.5 + Q * 18 * 2.0)
    assert r.spot.p_any_shortfall == 0.0 and r.contract.p_any_shortfall == 0.0
    assert r.p_contract_cheaper == 1.0


def test_contract_has_no_shortfall_during_the_contract():
    spot = SpotMarket(start_usd_per_hour=2.0, volatility_per_year=0.8, p_no_capacity=0.5)
    covered = simulate_contract_vs_spot(ContractTerms(1.5, n_periods=24), spot, Q, n_periods=24, n_paths=2000)
    assert np.all(covered.contract.shortfall_accelerator_hours == 0)
    assert covered.spot.p_any_shortfall > 0.99
    # a 12-month contract in a 24-month horizon: shortfall only in the 12 months after it
    half = simulate_contract_vs_spot(ContractTerms(1.5, n_periods=12), spot, Q, n_periods=24, n_paths=2000)
    assert half.contract.shortfall_accelerator_hours.max() <= Q * 12
    assert half.contract.shortfall_accelerator_hours.max() > 0


def test_take_or_pay_over_and_under_commitment():
    over = simulate_contract_vs_spot(ContractTerms(1.5, n_periods=10, frac_of_demand=1.5), CALM, Q, n_periods=10,
                                     n_paths=5)
    np.testing.assert_allclose(over.contract.cost_usd, 1.5 * Q * 10 * 1.5)  # pays for unused hours
    outage = SpotMarket(start_usd_per_hour=2.0, volatility_per_year=0.0, p_no_capacity=1.0)
    under = simulate_contract_vs_spot(ContractTerms(1.5, n_periods=10, frac_of_demand=0.4), outage, Q, n_periods=10,
                                      n_paths=5)
    np.testing.assert_allclose(under.contract.shortfall_accelerator_hours, 0.6 * Q * 10)
    np.testing.assert_allclose(under.contract.cost_usd, 0.4 * Q * 10 * 1.5)
    np.testing.assert_allclose(under.spot.frac_unmet, 1.0)


def test_drift_is_the_average_change_of_the_log_price_on_simulated_paths():
    """drift_per_year is what lesson 04 says it is: the log price moves by mu a year on average (here -0.32,
    hardware value falling 0.14 orders of magnitude a year, Cottier et al. 2024), whatever the volatility.
    (A model that drifts the *mean* price by mu would move the log price by mu - sigma^2/2 = -0.445 at
    sigma = 0.5, more than 10 standard errors away over 20,000 paths.)"""
    for sigma in (0.0, 0.5, 1.0):
        spot = SpotMarket(start_usd_per_hour=3.49, volatility_per_year=sigma, drift_per_year=-0.32)
        paths = m.spot_price_paths(spot, n_periods=37, n_paths=20_000, seed=1)  # 36 monthly steps = 3 years
        change = np.log(paths[:, -1] / paths[:, 0]) / 3.0  # per year
        se = change.std() / np.sqrt(change.size)
        assert abs(change.mean() - (-0.32)) < 4 * se + 1e-12
        assert np.median(paths[:, -1]) == pytest.approx(3.49 * np.exp(-0.32 * 3), rel=0.03)


def test_mean_spot_cost_matches_the_log_normal_mean():
    """With log drift mu and volatility sigma, E[P_t] = P0 exp((mu + sigma^2/2) t); expected cost =
    Q (1 - p) sum_t P0 exp((mu + sigma^2/2) t dt). Volatility raises the mean cost of buying spot."""
    spot = SpotMarket(start_usd_per_hour=3.0, volatility_per_year=0.6, drift_per_year=-0.3, p_no_capacity=0.1)
    T = 36
    r = simulate_contract_vs_spot(ContractTerms(1.0, 0), spot, Q, n_periods=T, n_paths=40_000, seed=3)
    want = Q * 0.9 * np.sum(3.0 * np.exp((-0.3 + 0.6**2 / 2) * np.arange(T) / 12))
    se = r.spot.cost_usd.std() / np.sqrt(r.n_paths)
    assert abs(r.spot.mean_cost_usd - want) < 4 * se
    assert r.spot.p_any_shortfall == pytest.approx(1 - 0.9**T, abs=0.01)
    assert r.spot.mean_frac_unmet == pytest.approx(0.1, abs=0.005)


@pytest.mark.parametrize("kwargs, needle", [
    (dict(n_paths=0), "n_paths must be a whole number"),
    (dict(n_periods=0), "n_periods must be a whole number"),
    (dict(n_paths=1.5), "n_paths must be a whole number"),
    (dict(n_periods=m.MAX_PERIODS + 1), r"n_periods must be a whole number in \[1, 1200\]"),
    (dict(n_paths=10**7, n_periods=100), "n_paths x n_periods must be at most 20,000,000"),
    (dict(seed=-1), "seed must be a whole number"),
    (dict(seed="1"), "seed must be a whole number"),
    (dict(spot=None), "spot must be a SpotMarket"),
])
def test_spot_price_paths_refuses_bad_sizes(kwargs, needle):
    with pytest.raises(ValueError, match="^" + needle):
        m.spot_price_paths(**kwargs)


def test_spot_price_paths_and_simulation_refuse_prices_beyond_the_float_range():
    """A century of yearly periods drifting up 300 % a year (log price +3,600) overflowed to inf prices and
    NaN costs (inf x no capacity); now a ValueError says the inputs are outside the model's range."""
    steep = SpotMarket(start_usd_per_hour=2.0, volatility_per_year=0.0, drift_per_year=3.0, periods_per_year=1.0,
                       p_no_capacity=0.5)
    with pytest.raises(ValueError, match="outside the model's range .*n_periods"):
        m.spot_price_paths(steep, n_periods=1200, n_paths=2)
    with pytest.raises(ValueError, match="outside the model's range .*n_periods"):
        simulate_contract_vs_spot(ContractTerms(1.0, 0), steep, Q, n_periods=1200, n_paths=2)
    assert np.isfinite(m.spot_price_paths(steep, n_periods=200, n_paths=2)).all()  # 600 in log: still finite


def test_simulation_refuses_a_need_whose_cost_overflows():
    with pytest.raises(ValueError, match="outside the model's range .*accelerator_hours_per_period"):
        simulate_contract_vs_spot(accelerator_hours_per_period=1e306, n_paths=10)
    with pytest.raises(ValueError, match="outside the model's range .*accelerator_hours_per_period"):
        simulate_contract_vs_spot(accelerator_hours_per_period=1e307, n_periods=36, n_paths=10)


def test_more_volatility_widens_spot_cost_distribution():
    spreads = []
    for sigma in (0.1, 0.5, 1.0):
        spot = SpotMarket(start_usd_per_hour=3.0, volatility_per_year=sigma)
        p = simulate_contract_vs_spot(m.DEFAULT_CONTRACT, spot, Q, n_periods=36, n_paths=5000, seed=0)
        spreads.append(p.spot.cost_percentiles_usd[95] - p.spot.cost_percentiles_usd[5])
    assert spreads[0] < spreads[1] < spreads[2]


def test_progress_called_after_each_chunk():
    calls = []
    n = 2 * CHUNK_PATHS + 7
    simulate_contract_vs_spot(n_paths=n, n_periods=6, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(CHUNK_PATHS, n), (2 * CHUNK_PATHS, n), (n, n)]


def test_results_are_read_only():
    r = simulate_contract_vs_spot(n_paths=100)
    with pytest.raises(ValueError):
        r.spot.cost_usd[0] = 0.0


@pytest.mark.parametrize("kwargs, needle", [
    (dict(accelerator_hours_per_period=-1.0), "accelerator_hours_per_period"),
    (dict(accelerator_hours_per_period=[1.0, 2.0]), "accelerator_hours_per_period must be one number"),
    (dict(accelerator_hours_per_period="730000"), "accelerator_hours_per_period must be one number"),
    (dict(n_periods=0), "n_periods"),
    (dict(n_periods=2419), r"n_periods must be a whole number in \[1, 1200\], got 2419"),
    (dict(n_paths=0), "n_paths"),
    (dict(n_paths=10.5), "n_paths"),
    (dict(n_paths=10**7), "n_paths x n_periods must be at most"),
    (dict(progress="bar"), "progress"),
    (dict(seed=-1), "seed must be a whole number"),
    (dict(seed=np.array([1.0, 2.0])), "seed must be a whole number"),
    (dict(contract=None), "contract must be a ContractTerms"),
    (dict(spot=2.0), "spot must be a SpotMarket"),
])
def test_simulate_rejects_bad_input(kwargs, needle):
    with pytest.raises(ValueError, match="^" + needle):
        simulate_contract_vs_spot(**(dict(n_paths=100) | kwargs))


def test_simulation_results_compare_as_records():
    """ContractVsSpotResult and StrategyOutcome hold arrays: == compares them field by field (it compared
    identity, so two runs with the same seed were 'different')."""
    a = simulate_contract_vs_spot(n_paths=500, seed=7)
    assert a == simulate_contract_vs_spot(n_paths=500, seed=7)
    assert a.spot == simulate_contract_vs_spot(n_paths=500, seed=7).spot
    assert a != simulate_contract_vs_spot(n_paths=500, seed=8)
    assert a.n_paths == 500 and type(a.seed) is int
    assert simulate_contract_vs_spot(n_paths=500, seed=7.0) == a  # type: ignore[arg-type]  # a whole float seed is that seed


@pytest.mark.parametrize("make, needle", [
    (lambda: ContractTerms(-1.0, 12), "usd_per_accelerator_hour"),
    (lambda: ContractTerms("2", 12), "usd_per_accelerator_hour must be one number"),  # type: ignore[arg-type]
    (lambda: ContractTerms(2e4, 12), r"usd_per_accelerator_hour must be in \[0, 10000\] USD/h"),
    (lambda: ContractTerms(1.0, -1), "n_periods"),
    (lambda: ContractTerms(1.0, 1e15), r"n_periods must be a whole number in \[0, 1200\]"),  # type: ignore[arg-type]
    (lambda: ContractTerms(1.0, 12.5), "n_periods must be a whole number"),  # type: ignore[arg-type]
    (lambda: ContractTerms(1.0, 12, frac_of_demand=2.5), "frac_of_demand"),
    (lambda: ContractTerms(1.0, 12, frac_of_demand=[0.5]), "frac_of_demand must be one number"),  # type: ignore[arg-type]
    (lambda: ContractTerms(1.0, 12, source=None), "source must be a non-empty string"),  # type: ignore[arg-type]
    (lambda: SpotMarket(0.0, 0.5), "start_usd_per_hour"),
    (lambda: SpotMarket([2.0, 3.0], 0.5), "start_usd_per_hour must be one number"),  # type: ignore[arg-type]
    (lambda: SpotMarket(2.0, -0.1), "volatility_per_year"),
    (lambda: SpotMarket(2.0, 0.5, p_no_capacity=1.5), "p_no_capacity"),
    (lambda: SpotMarket(2.0, 0.5, drift_per_year=float("nan")), "drift_per_year"),
    (lambda: SpotMarket(2.0, 0.5, periods_per_year=1e-300), r"periods_per_year must be in \[1, 8766\]"),
    (lambda: SpotMarket(2.0, 0.5, periods_per_year=1e5), r"periods_per_year must be in \[1, 8766\]"),
    (lambda: SpotMarket(2.0, 0.5, source=""), "source must be a non-empty string"),
])
def test_terms_reject_bad_values(make, needle):
    with pytest.raises(ValueError, match="^" + needle):
        make()


def test_terms_store_python_numbers():
    """Dataclasses store the validated value: numpy scalars and whole floats become float and int."""
    c = ContractTerms(np.float64(1.5), 12.0, np.float32(0.5))  # type: ignore[arg-type]
    assert (type(c.usd_per_accelerator_hour), type(c.n_periods), type(c.frac_of_demand)) == (float, int, float)
    assert c == ContractTerms(1.5, 12, 0.5)
    s = SpotMarket(np.float64(2.0), np.float64(0.5), periods_per_year=np.int64(12))  # type: ignore[arg-type]
    assert {type(getattr(s, f)) for f in ("start_usd_per_hour", "volatility_per_year", "drift_per_year",
                                           "p_no_capacity", "periods_per_year")} == {float}


@settings(max_examples=40, deadline=None)
@given(price=st.floats(0.0, 20.0), L=st.integers(0, 60), frac=st.floats(0.0, 2.0), start=st.floats(0.1, 20.0),
       sigma=st.floats(0.0, 3.0), mu=st.floats(-3.0, 3.0), p=st.floats(0.0, 1.0), T=st.integers(1, 60),
       seed=st.integers(0, 2**32 - 1))
def test_costs_non_negative_finite_shortfall_bounded(price, L, frac, start, sigma, mu, p, T, seed):
    r = simulate_contract_vs_spot(ContractTerms(price, L, frac), SpotMarket(start, sigma, mu, p), Q, n_periods=T,
                                  n_paths=50, seed=seed)
    for s in (r.contract, r.spot):
        assert np.all(np.isfinite(s.cost_usd)) and np.all(s.cost_usd >= 0)
        assert np.all(s.shortfall_accelerator_hours >= 0)
        assert np.all(s.shortfall_accelerator_hours <= Q * T + 1e-6)
        assert 0.0 <= s.p_any_shortfall <= 1.0
    # same outages on both: the contract is never shorter of capacity than buying everything spot
    assert np.all(r.contract.shortfall_accelerator_hours <= r.spot.shortfall_accelerator_hours + 1e-6)


@settings(max_examples=30, deadline=None)
@given(frac=st.floats(1.0, 2.0), T=st.integers(1, 60), extra=st.integers(0, 24), p=st.floats(0.0, 1.0),
       seed=st.integers(0, 2**32 - 1))
def test_a_contract_covering_all_need_for_the_whole_horizon_never_runs_short(frac, T, extra, p, seed):
    spot = SpotMarket(start_usd_per_hour=2.0, volatility_per_year=0.5, p_no_capacity=p)
    r = simulate_contract_vs_spot(ContractTerms(1.5, T + extra, frac), spot, Q, n_periods=T, n_paths=50, seed=seed)
    assert np.all(r.contract.shortfall_accelerator_hours == 0)
    np.testing.assert_allclose(r.contract.cost_usd, 1.5 * frac * Q * T)  # take-or-pay, nothing bought spot


# --------------------------------------------------------------------------- dependence on providers


def test_lose_access_hand_cases():
    assert p_lose_access(0.1, 1) == pytest.approx(0.1)
    np.testing.assert_allclose(p_lose_access(0.1, [1, 2, 3, 4]), 0.1 ** np.arange(1, 5))
    assert p_lose_access(0.1, 3, p_common_shock=0.05) == pytest.approx(0.05 + 0.95 * 0.001)
    # at least half of 4 providers: 1 - P(K=0) - P(K=1) = 1 - 0.9^4 - 4 (0.1) 0.9^3
    assert p_lose_access(0.1, 4, frac_lost=0.5) == pytest.approx(1 - 0.9**4 - 4 * 0.1 * 0.9**3)
    assert p_lose_access(0.0, 5) == 0.0 and p_lose_access(1.0, 5) == 1.0
    assert p_lose_access(0.3, 5, frac_lost=0.01) == pytest.approx(1 - 0.7**5)  # any provider lost


def test_lose_access_matches_monte_carlo():
    rng = np.random.default_rng(0)
    draws, n, p, q, f = 200_000, 5, 0.2, 0.1, 0.4
    shock = rng.random(draws) < q
    failed = (rng.random((draws, n)) < p).sum(axis=1)
    frac = np.where(shock, 1.0, failed / n)
    for frac_lost in (f, 1.0):
        mc = np.mean(frac >= frac_lost - 1e-12)
        se = np.sqrt(mc * (1 - mc) / draws)
        assert abs(p_lose_access(p, n, q, frac_lost) - mc) < 4 * se
    assert expected_frac_compute_lost(p, n, q) == pytest.approx(frac.mean(), abs=4 * frac.std() / np.sqrt(draws))


def test_expected_loss_does_not_depend_on_n():
    np.testing.assert_allclose(expected_frac_compute_lost(0.1, [1, 2, 10], 0.05), 0.05 + 0.95 * 0.1)


def test_lose_access_large_n_finite():
    v = np.asarray(p_lose_access(0.5, np.arange(1, m.MAX_PROVIDERS + 1), frac_lost=0.5))
    assert v.shape == (m.MAX_PROVIDERS,)
    assert np.all(np.isfinite(v)) and np.all((v >= 0) & (v <= 1))
    # P(K >= n/2) for a fair coin: 1/2 + P(K = n/2)/2 for even n, exactly 1/2 for odd n
    np.testing.assert_allclose(v[0::2], 0.5, atol=1e-12)  # n = 1, 3, 5, ...
    assert v[-1] == pytest.approx(0.5 + 0.5 * np.exp(
        math.lgamma(1001) - 2 * math.lgamma(501) - 1000 * math.log(2)), rel=1e-9)


@pytest.mark.parametrize("n", [1e15, 1e300, 10**15, m.MAX_PROVIDERS + 1])
def test_lose_access_bounds_the_number_of_providers(n):
    """Issue 10: p_lose_access(0.1, 1e15) tried to allocate petabytes and 1e300 gave an IndexError."""
    with pytest.raises(ValueError, match=r"^n_providers must be whole numbers in \[1, 1000\] .*model's maximum"):
        p_lose_access(0.1, n)
    with pytest.raises(ValueError, match=r"^n_providers must be whole numbers in \[1, 1000\]"):
        expected_frac_compute_lost(0.1, n)


def test_lose_access_any_positive_fraction_needs_a_lost_provider():
    """A tiny frac_lost rounded the providers that must fail down to none, so the chance was 1."""
    assert p_lose_access(0.3, 5, frac_lost=1e-12) == pytest.approx(1 - 0.7**5)
    assert p_lose_access(0.0, 5, frac_lost=5e-324) == 0.0


def test_lose_access_same_answer_in_chunks(monkeypatch):
    from compute_econ.market import dependence

    p = np.linspace(0.0, 1.0, 101)
    whole = p_lose_access(p, 7, 0.02, 0.4)
    monkeypatch.setattr(dependence, "_CHUNK_TERMS", 16)  # two rows of 8 terms at a time
    np.testing.assert_array_equal(p_lose_access(p, 7, 0.02, 0.4), whole)
    np.testing.assert_allclose(whole, 0.02 + 0.98 * np.array(
        [sum(math.comb(7, k) * x**k * (1 - x) ** (7 - k) for k in range(3, 8)) for x in p]), atol=1e-12)


def test_dependence_arguments_must_broadcast():
    with pytest.raises(ValueError, match=r"^p_provider_loss, n_providers, p_common_shock, frac_lost must broadcast"):
        p_lose_access([0.1, 0.2], [1, 2, 3])
    with pytest.raises(ValueError, match=r"^p_provider_loss, n_providers, p_common_shock must broadcast"):
        expected_frac_compute_lost([0.1, 0.2], [1, 2, 3])


@pytest.mark.parametrize("kwargs, needle", [
    (dict(p_provider_loss=1.2, n_providers=2), "p_provider_loss"),
    (dict(p_provider_loss=0.1, n_providers=0), "n_providers"),
    (dict(p_provider_loss=0.1, n_providers=1.5), "n_providers"),
    (dict(p_provider_loss=0.1, n_providers=2, p_common_shock=-0.1), "p_common_shock"),
    (dict(p_provider_loss=0.1, n_providers=2, frac_lost=0.0), "frac_lost"),
])
def test_lose_access_rejects_bad_input(kwargs, needle):
    with pytest.raises(ValueError, match=needle):
        p_lose_access(**kwargs)


@settings(max_examples=150, deadline=None)
@given(p=st.floats(0.0, 1.0), q=st.floats(0.0, 1.0), n=st.integers(1, 60))
def test_more_providers_never_raise_the_chance_of_losing_everything(p, q, n):
    more = np.asarray(p_lose_access(p, [n, n + 1], q))
    assert more[1] <= more[0] + 1e-12
    assert more[1] >= q - 1e-12  # the common shock is not diversifiable
