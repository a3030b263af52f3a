"""Valid example calls for compute_econ.scaling (see __init__.py for the form)."""

from compute_econ import scaling

CALLS = {
    scaling.training_flop: lambda: dict(n_params=70e9, n_tokens=1.4e12),
    scaling.n_params_for_flop: lambda: dict(training_flop=5.76e23, n_tokens=1.4e12),
    scaling.n_tokens_for_flop: lambda: dict(training_flop=5.76e23, n_params=70e9),
    scaling.ChinchillaFit: lambda: dict(name="Hoffmann et al. 2022", E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28,
                                        source="contract test example (Hoffmann et al. 2022, eq. 10)"),
    scaling.KaplanFit: lambda: dict(name="Kaplan et al. 2020", alpha_n=0.076, alpha_d=0.095, n_c=8.8e13, d_c=5.4e13,
                                    source="contract test example (Kaplan et al. 2020, §1.2)"),
    scaling.get_fit: lambda: dict(name_or_fit="besiroglu2024"),
    scaling.compute_optimal: lambda: dict(compute_flop=5.76e23, fit="besiroglu2024"),
    scaling.compute_for_optimal_tokens: lambda: dict(n_tokens=300e12, fit="besiroglu2024"),
    scaling.isoflop_curve: lambda: dict(compute_flop=1e23, n_params=[1e9, 1e10, 1e11], fit="hoffmann2022"),
    scaling.chinchilla_optimal_for_loss: lambda: dict(target_loss=2.1, fit="besiroglu2024"),
    scaling.inference_aware_optimal: lambda: dict(target_loss=2.1, inference_tokens=1e13, fit="hoffmann2022"),
    scaling.effective_data_tokens: lambda: dict(unique_tokens=1e11, epochs=4.0, r_d_star=15.4),
}
RESULTS = {
    scaling.ComputeOptimal: "returned by compute_optimal and chinchilla_optimal_for_loss",
    scaling.InferenceAwareOptimal: "returned by inference_aware_optimal",
}
NONFINITE: dict = {}
