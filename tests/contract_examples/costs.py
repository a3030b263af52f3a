"""Valid example calls for compute_econ.costs (see __init__.py for the form)."""

from compute_econ import costs

CALLS = {
    costs.rental_cost_usd: lambda: dict(accelerator_hours=1e6, usd_per_accelerator_hour=2.5),
    costs.RentalPrice: lambda: dict(name="H100, example cloud", on_demand_usd_per_hour=3.0, committed_usd_per_hour=2.0,
                                    commitment_years=1.0, price_year=2024, source="contract test example"),
    costs.capital_recovery_factor: lambda: dict(rate=0.08, years=5.0),
    costs.Ownership: lambda: dict(
        accelerator_price_usd=27_500.0, server_and_network_frac=0.5, useful_life_years=5.0, cost_of_capital=0.08,
        board_watts=700.0, pue=1.1, usd_per_mwh=80.6, ops_frac_of_capex_per_year=0.05, server_overhead_frac=0.82,
        frac_of_max_power=0.75, price_year=2023, source="contract test example"),
    costs.capex_per_accelerator_usd: lambda: dict(ownership=costs.H100_OWNERSHIP),
    costs.owned_cost_breakdown_per_hour: lambda: dict(ownership=costs.H100_OWNERSHIP, utilisation=0.6),
    costs.owned_cost_per_accelerator_hour: lambda: dict(ownership=costs.H100_OWNERSHIP, utilisation=0.6),
    costs.break_even_utilisation: lambda: dict(ownership=costs.H100_OWNERSHIP, rental_usd_per_hour=3.49),
    costs.hardware_acquisition_cost_usd: lambda: dict(n_accelerators=16_384, ownership=costs.H100_OWNERSHIP),
    costs.amortised_run_cost_breakdown: lambda: dict(accelerator_hours=30.84e6, ownership=costs.H100_OWNERSHIP,
                                                     depreciation_per_year=0.32, hardware_age_years=0.75),
    costs.amortised_run_cost_usd: lambda: dict(accelerator_hours=30.84e6, ownership=costs.H100_OWNERSHIP,
                                               depreciation_per_year=0.32, hardware_age_years=0.75),
    costs.rent_or_own: lambda: dict(accelerator_hours=1e6, rental_usd_per_hour=3.49, ownership=costs.H100_OWNERSHIP,
                                    utilisation=0.8),
}
RESULTS = {
    costs.CostBreakdown: "returned by owned_cost_breakdown_per_hour and amortised_run_cost_breakdown",
    costs.BreakEven: "returned by break_even_utilisation",
    costs.RentOrOwn: "returned by rent_or_own",
}
NONFINITE = {
    (costs.BreakEven, "utilisation"): "inf where the rental price does not cover the owned energy of a busy hour: "
                                      "the break-even never comes (owning_can_win is False)",
}
