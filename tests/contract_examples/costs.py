"""Valid example calls for compute_econ.costs (see __init__.py for the form)."""

from compute_econ import costs

CALLS = {
    costs.rental_cost_usd: lambda: dict(accelerator_hours=1e6, usd_per_accelerator_hour=2.5),
    costs.RentalPrice: lambda: dict(name="H100, example cloud", on_demand_usd_per_hour=3.0, committed_usd_per_hour=2.0,
                                    commitment_years=1.0, price_year=2024, source="contract test example"),
}
RESULTS: dict = {}
NONFINITE: dict = {}
