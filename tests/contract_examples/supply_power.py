"""Valid example calls for compute_econ.supply.ceiling and compute_econ.supply.constraints (see __init__.py)."""

from compute_econ.hardware import H100_SXM
from compute_econ.supply import ceiling, constraints

CALLS = {
    ceiling.all_in_watts_per_accelerator: lambda: dict(accelerator_or_board_watts=H100_SXM, server_overhead_frac=0.82,
                                                       pue=1.1),
    ceiling.max_accelerators_for_power: lambda: dict(power_watts=1e9, accelerator_or_board_watts=700.0,
                                                     server_overhead_frac=0.82, pue=1.1),
    ceiling.largest_training_run_flop: lambda: dict(power_watts=1e9, peak_flop_per_s=989.4e12, board_watts=700.0,
                                                    days=100.0, mfu=0.4, server_overhead_frac=0.82, pue=1.1),
    ceiling.site_power_watts_for_run: lambda: dict(training_flop=3.8e25, peak_flop_per_s=989.4e12, board_watts=700.0,
                                                   days=72.0, mfu=0.4, server_overhead_frac=0.82, pue=1.1),
    constraints.ConstraintScenario: lambda: dict(),
    constraints.ai_dc_power_watts: lambda: dict(years=[2024, 2030], scenario=constraints.SEVILLA_2024),
    constraints.run_flop_for_power: lambda: dict(power_watts=5e9, years=2030, scenario=constraints.SEVILLA_2024),
    constraints.power_limited_flop: lambda: dict(years=[2024, 2030], scenario=constraints.SEVILLA_2024),
    constraints.chip_limited_flop: lambda: dict(years=[2024, 2030], scenario=constraints.SEVILLA_2024),
    constraints.data_limited_flop: lambda: dict(years=[2024, 2030], scenario=constraints.SEVILLA_2024),
    constraints.latency_limited_flop: lambda: dict(years=[2024, 2030], scenario=constraints.SEVILLA_2024),
    constraints.largest_run_by_year: lambda: dict(years=range(2024, 2031), scenario=constraints.SEVILLA_2024),
}
RESULTS = {
    constraints.LargestRunByYear: "returned by largest_run_by_year (FLOP by constraint and year), not built by a learner",
    constraints.PublishedConstraint: "rows of SEVILLA_2024_PUBLISHED_2030, read from data/scaling_constraints_2030.csv",
}
NONFINITE: dict = {}
