"""Valid example calls for compute_econ.training (see __init__.py for the form)."""

from typing import Any

from compute_econ import training

LLAMA: dict[str, Any] = dict(training_flop=3.8e25, peak_flop_per_s=989.4e12, board_watts=700.0, n_accelerators=16_384)

CALLS = {
    training.accelerator_seconds: lambda: dict(training_flop=3.8e25, peak_flop_per_s=989.4e12, mfu=0.4),
    training.accelerator_hours: lambda: dict(training_flop=3.8e25, peak_flop_per_s=989.4e12, mfu=0.4),
    training.accelerator_days: lambda: dict(training_flop=3.8e25, peak_flop_per_s=989.4e12, mfu=0.4),
    training.wall_clock_days: lambda: dict(training_flop=3.8e25, peak_flop_per_s=989.4e12, mfu=0.4,
                                           n_accelerators=16_384),
    training.local_machine_days: lambda: dict(training_flop=3.14e23, achieved_flop_per_s=1e11),
    training.local_machine_flop: lambda: dict(achieved_flop_per_s=1e11, days=365.25),
    training.implied_mfu: lambda: dict(training_flop=3.8e25, peak_flop_per_s=989.4e12, accelerator_hours=30.84e6),
    training.cluster_power_watts: lambda: dict(n_accelerators=16_384, board_watts=700.0, server_overhead_frac=0.82,
                                               pue=1.1, frac_of_max_power=0.75),
    training.energy_mwh: lambda: dict(power_watts=17e6, hours=1600.0),
    training.electricity_cost_usd: lambda: dict(energy_mwh=27_000.0, usd_per_mwh=80.6),
    training.emissions_t_co2e: lambda: dict(energy_mwh=27_000.0, kg_co2e_per_mwh=366.0),
    training.TrainingRun: lambda: dict(LLAMA, mfu=0.4, pue=1.1, server_overhead_frac=0.82, frac_of_max_power=0.75,
                                       usd_per_mwh=80.6, kg_co2e_per_mwh=366.0, price_year=2023,
                                       source="contract test example"),
    training.estimate_training_run: lambda: dict(run=training.TrainingRun(**LLAMA)),
}
RESULTS = {
    training.TrainingRunEstimate: "returned by estimate_training_run",
}
NONFINITE: dict = {}
