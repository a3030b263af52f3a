"""Valid example calls for compute_econ.supply's chain, buildout and pricing (see __init__.py for the form).

The power-ceiling and 2030-constraints callables (compute_econ.supply.power) are registered in
their own module.
"""

import math

import numpy as np

from compute_econ.supply import buildout, chain, pricing


def _inputs():
    return chain.DEFAULT_INPUTS


def _market(capacity=pricing.INSTALLED_H100_EQUIVALENTS):
    return pricing.clear_market(pricing.DEFAULT_BUYERS,
                                pricing.SupplyCurve(capacity=capacity, marginal_cost_usd_per_hour=2.0))


CALLS = {
    # -- chain: accelerators as the minimum over their inputs
    chain.SupplyInput: lambda: dict(name="CoWoS packaging", unit="CoWoS wafers", capacity_units_per_quarter=45_000.0,
                                    accelerators_per_unit=28.0, growth_per_year=2.2, frac_to_accelerators=0.7,
                                    source="contract test example", is_estimate=True, note="example"),
    chain.load_supply_inputs: lambda: dict(path=None),
    chain.input_capacity_accelerators: lambda: dict(inputs=_inputs(), quarters=np.arange(8)),
    chain.deliveries: lambda: dict(inputs=_inputs(), quarters=np.arange(24)),
    chain.binding_changes: lambda: dict(quarters=np.arange(4), binding_index=np.array([0, 0, 1, 1]),
                                        names=("CoWoS packaging", "HBM stacks")),
    chain.accelerators_in_year: lambda: dict(inputs=_inputs(), year=2027),
    chain.quarter_label: lambda: dict(quarter=5),
    chain.get_input: lambda: dict(inputs=_inputs(), name=chain.HBM_STACKS),
    chain.replace_input: lambda: dict(inputs=_inputs(), name=chain.LOGIC_WAFERS),
    chain.scale_capacity: lambda: dict(inputs=_inputs(), name=chain.COWOS_PACKAGING, factor=2.0),
    # -- buildout: capacity that arrives a lead time late
    buildout.baseline_demand_mw: lambda: dict(demand0_mw=20_000.0, growth_per_year=1.2, quarters=np.arange(8)),
    buildout.demand_mw: lambda: dict(demand0_mw=20_000.0, growth_per_year=1.2, shock_mw=5000.0, shock_quarter=4,
                                     quarters=np.arange(8)),
    buildout.BuildOutScenario: lambda: dict(demand0_mw=20_000.0, growth_per_year=1.2, shock_mw=5000.0,
                                            shock_quarter=4.0, lead_time_quarters=16, build_rate_mw_per_quarter=3000.0,
                                            horizon_quarters=40, source="contract test example"),
    buildout.simulate_build_out: lambda: dict(scenario=buildout.BuildOutScenario()),
    # -- pricing: the price that clears a capacity-capped market, and rationing
    pricing.BuyerType: lambda: dict(name="start-ups", reference_quantity=4e5, reference_usd_per_hour=3.49,
                                    elasticity=-1.5, max_usd_per_hour=8.0, has_contract=False,
                                    source="contract test example", note="illustrative"),
    pricing.SupplyCurve: lambda: dict(capacity=4e6, marginal_cost_usd_per_hour=2.0, source="contract test example"),
    pricing.demand: lambda: dict(buyers=pricing.DEFAULT_BUYERS, usd_per_hour=np.array([2.0, 3.49, 8.0])),
    pricing.supply: lambda: dict(curve=pricing.DEFAULT_SUPPLY, usd_per_hour=np.array([1.0, 3.49])),
    pricing.clearing_price_usd_per_hour: lambda: dict(buyers=pricing.DEFAULT_BUYERS, capacity=np.array([3e6, 4e6]),
                                                      marginal_cost_usd_per_hour=2.0),
    pricing.clear_market: lambda: dict(buyers=pricing.DEFAULT_BUYERS, curve=pricing.DEFAULT_SUPPLY),
    pricing.compare_markets: lambda: dict(before=_market(), after=_market(2e6)),
    pricing.new_frontier_lab: lambda: dict(reference_quantity=1e6, name="new frontier lab"),
    pricing.add_capacity: lambda: dict(curve=pricing.DEFAULT_SUPPLY, extra_capacity=1e6),
    pricing.ration: lambda: dict(buyers=pricing.DEFAULT_BUYERS, capacity=3e6, usd_per_hour=3.0,
                                 rule="contract_priority", job_periods=30.0),
}

RESULTS = {
    chain.Deliveries: "returned by chain.deliveries",
    chain.BindingChange: "returned inside chain.Deliveries and by chain.binding_changes",
    buildout.BuildOutResult: "returned by buildout.simulate_build_out",
    pricing.MarketResult: "returned by pricing.clear_market",
    pricing.PriceChange: "returned by pricing.compare_markets",
    pricing.RationingResult: "returned by pricing.ration",
}

NONFINITE = {
    (buildout.BuildOutScenario, "build_rate_mw_per_quarter"):
        "math.inf means no cap on orders per quarter (the documented default), an input, not a result",
    (pricing.RationingResult, "waiting_periods"):
        "inf for a buyer that is never served (flagged in never_served): the wait has no end",
}

assert math.inf == buildout.BuildOutScenario().build_rate_mw_per_quarter
