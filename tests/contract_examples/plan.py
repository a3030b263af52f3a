"""Valid example calls for compute_econ.plan (see __init__.py for the form)."""

from compute_econ import costs, hardware, plan

_PLAN = plan.FrontierPlan(tokens_served_per_day=1e11, frac_own=0.5, frac_contract=0.3, site_power_mw=50.0)

CALLS = {
    plan.FrontierPlan: lambda: dict(
        name="contract test", training_flop=1e25, target_loss=None, deadline_months=18.0, budget_usd=2e9,
        n_accelerators=8192, frac_own=0.5, frac_contract=0.3, tokens_served_per_day=1e11, serving_years=2.0,
        site_power_mw=30.0, contract_years=3.0, contract_capacity=50_000.0, spot_capacity=2000.0, n_providers=2,
        p_provider_loss_per_month=0.01, mfu=0.4, accelerator_mtbf_hours=50_000.0, experiment_compute_multiplier=2.0,
        site_build_months=12.0, chips_per_month=20_000.0, contract_lead_months=6.0, contract_usd_per_hour=1.6,
        spot_usd_per_hour=2.5, accelerator_price_usd=27_500.0, own_utilisation=0.8, serving_frac_of_peak=0.14,
        accelerator=hardware.H100_SXM, ownership=costs.H100_OWNERSHIP, source="contract test example"),
    plan.evaluate_plan: lambda: dict(plan=_PLAN, mfu=[0.35, 0.45], tokens_served_per_day=[1e10, 1e12]),
    plan.UncertainInput: lambda: dict(name="mfu", label="MFU", low=0.3, high=0.5, log=False,
                                      source="contract test example", relative=False),
    plan.simulate_plan: lambda: dict(plan=_PLAN, n_samples=64, seed=0, inputs=plan.UNCERTAIN_INPUTS),
    plan.sensitivity: lambda: dict(plan=_PLAN, output="finish_months", inputs=plan.UNCERTAIN_INPUTS),
    plan.sensitivities: lambda: dict(plan=_PLAN, outputs=("total_usd", "finish_months"), inputs=plan.UNCERTAIN_INPUTS),
    plan.get_scenario: lambda: dict(name="own-fast"),
}
RESULTS = {
    plan.PlanResult: "returned by evaluate_plan",
    plan.PlanDistribution: "returned by simulate_plan",
    plan.Sensitivity: "returned by sensitivity",
}
NONFINITE: dict = {}
