"""Valid example calls for compute_econ.market (see __init__.py for the form)."""

from compute_econ import market

CLOUD_NAMED = [0.31, 0.20, 0.13, 0.04, 0.03, 0.02, 0.02, 0.02, 0.02]  # Synergy Q3 2024, data/market_shares.csv
DOJ_EXAMPLE = [0.30, 0.30, 0.20, 0.20]  # DOJ Antitrust Division, "Herfindahl-Hirschman Index"

CALLS = {
    # concentration
    market.hhi: lambda: dict(frac_shares=DOJ_EXAMPLE),
    market.cr_k: lambda: dict(frac_shares=CLOUD_NAMED, k=4, frac_fringe=0.21),
    market.cr4: lambda: dict(frac_shares=DOJ_EXAMPLE),
    market.concentration_level: lambda: dict(hhi_value=2600.0),
    market.merge_shares: lambda: dict(frac_shares=DOJ_EXAMPLE, i=0, j=2),
    market.merger_delta_hhi: lambda: dict(frac_shares=DOJ_EXAMPLE, i=0, j=2),
    market.presumed_anticompetitive: lambda: dict(post_merger_hhi=2091.0, delta_hhi=520.0, frac_merged_share=0.33),
    market.assess_merger: lambda: dict(frac_shares=CLOUD_NAMED, i=1, j=2, frac_fringe=0.21),
    market.set_share: lambda: dict(frac_shares=DOJ_EXAMPLE, i=0, frac_share=0.4),
    market.hhi_fringe_bounds: lambda: dict(named_frac_shares=CLOUD_NAMED, frac_fringe=0.21),
    # shares
    market.MarketShares: lambda: dict(market="HBM memory", firms=("SK hynix", "Samsung", "Micron"),
                                      frac_shares=[0.53, 0.38, 0.09], year=2023, period="2023 (forecast)",
                                      source="TrendForce press release (20 Apr 2023)", is_estimate=True,
                                      note="contract test example"),
    market.load_market_shares: lambda: dict(path=None),
    # contracts (small samples: the fuzz calls each many times)
    market.ContractTerms: lambda: dict(usd_per_accelerator_hour=1.54, n_periods=36, frac_of_demand=1.0,
                                       source="contract test example"),
    market.SpotMarket: lambda: dict(start_usd_per_hour=3.49, volatility_per_year=0.5, drift_per_year=-0.32,
                                    p_no_capacity=0.05, periods_per_year=12.0, source="contract test example"),
    market.spot_price_paths: lambda: dict(spot=market.DEFAULT_SPOT, n_periods=36, n_paths=50, seed=0),
    market.simulate_contract_vs_spot: lambda: dict(contract=market.DEFAULT_CONTRACT, spot=market.DEFAULT_SPOT,
                                                   accelerator_hours_per_period=730_500.0, n_periods=36, n_paths=50,
                                                   seed=0, progress=None),
    # dependence
    market.p_lose_access: lambda: dict(p_provider_loss=0.1, n_providers=3, p_common_shock=0.01, frac_lost=1.0),
    market.expected_frac_compute_lost: lambda: dict(p_provider_loss=0.1, n_providers=3, p_common_shock=0.01),
}
RESULTS: dict = {
    market.MergerAssessment: "returned by assess_merger",
    market.ShareSplit: "returned by MarketShares.split",
    market.StrategyOutcome: "returned inside ContractVsSpotResult by simulate_contract_vs_spot",
    market.ContractVsSpotResult: "returned by simulate_contract_vs_spot",
}
NONFINITE: dict = {}
