"""Valid example calls for compute_econ.trends (see __init__.py for the form)."""

import numpy as np

from compute_econ import trends
from compute_econ.trends import notable

NAN = float("nan")


def _trend() -> trends.LogLinearTrend:
    return trends.LogLinearTrend(slope_log10_per_year=0.65, intercept_log10=24.0, year_mean=2020.0,
                                 residual_std_log10=0.5, sxx=300.0, n=40, start_year=2015.0, end_year=2025.0,
                                 source="contract test example")


def _notable_models() -> dict:
    """Three models, as load_notable_models builds them (NaN where the data set has no figure)."""
    return dict(
        model=("M1", "M2", "M3"), domain=("Language", "Vision", "Language,Vision"),
        organisation=("Org A", "Org B", "Org A,Org C"), organisation_category=("Industry", "Academia", "Industry"),
        country=("United States of America", "France", "United Kingdom"),
        publication_date=("2020-01-01", "2021-07-02", "2022-03-01"), hardware=("", "NVIDIA A100", ""),
        confidence=("Confident", "Likely", ""), accessibility=("", "", ""), estimation_method=("", "", ""),
        year=np.array([2020.0, 2021.5, 2022.16]), n_params=np.array([1e9, NAN, 7e10]),
        training_flop=np.array([1e22, 3e22, NAN]), n_datapoints=np.array([2e10, NAN, 0.0]),
        epochs=np.array([1.0, NAN, 2.0]), training_hours=np.array([NAN, 100.0, NAN]),
        hardware_quantity=np.array([NAN, 512.0, NAN]), frac_hardware_utilisation=np.array([NAN, 0.4, NAN]),
        training_cost_usd_2023=np.array([NAN, 1e5, NAN]), training_power_watts=np.array([NAN, 3e5, NAN]),
        is_frontier=np.array([True, True, False]), epoch_frontier_flag=np.array([True, False, False]),
        fields_present=frozenset(trends.EPOCH_COLUMNS), label="contract test example",
        attribution="Epoch AI, 'Data on Notable AI Models' (contract test example)", credit="Data: Epoch AI (example)",
    )


def _training_runs() -> dict:
    return dict(
        name=("A", "B", "C"), organisation=("Org", "Org", "Org"), year=np.array([2020.0, 2021.0, 2022.5]),
        n_params=np.array([1e9, NAN, 2e9]), n_tokens=np.array([1e10, NAN, 2e10]),
        training_flop=np.array([6e19, 1e21, 2.4e20]),
        source=("Paper A, Table 1", "Paper B, Section 2", "Paper C, Table 3"), note=("", "estimate", ""),
        epoch_model=("", "GPT-3 175B (davinci)", ""), n_params_total=np.array([NAN, NAN, 1.6e10]),
    )


CALLS = {
    trends.decimal_year: lambda: dict(iso_date="2020-07-02"),
    trends.student_t_quantile: lambda: dict(p=0.975, df=5),
    trends.LogLinearTrend: lambda: dict(slope_log10_per_year=0.65, intercept_log10=24.0, year_mean=2020.0,
                                        residual_std_log10=0.5, sxx=300.0, n=40, start_year=2015.0,
                                        end_year=2025.0, source="contract test example"),
    trends.fit_log_linear: lambda: dict(years=[2018.0, 2019.0, 2020.0, 2021.5], values=[1e22, 4e22, 2e23, 7e23],
                                        source="contract test example"),
    trends.project: lambda: dict(trend=_trend(), years=[2026.0, 2030.0], level=0.9),
    trends.NotableModels: _notable_models,
    trends.top_at_release: lambda: dict(year=[2020.0, 2020.5, 2021.0, 2021.0], training_flop=[1e20, 5e19, 3e20, 2e20],
                                        n=2),
    trends.load_notable_models: lambda: dict(path=None),
    trends.fit_notable_trend: lambda: dict(models=None, quantity="training_flop", start_year=2010.0, end_year=2024.4,
                                           domain=None, frontier_only=False, confidence=None),
    trends.developer_shares: lambda: dict(models=None, by="firm", start_year=2017.0, end_year=None, frontier_only=True,
                                          domain=None, top=8),
    trends.TrainingRuns: _training_runs,
    trends.load_training_runs: lambda: dict(path=None),
    trends.fit_training_compute_trend: lambda: dict(start_year=2017.0, end_year=None, runs=None),
    trends.compare_with_epoch: lambda: dict(runs=None, models=None),
}
RESULTS = {
    trends.Projection: "returned by project",
    trends.EpochComparison: "returned by compare_with_epoch",
}
_MISSING = "Epoch AI's data set has no figure for some models: NaN marks a missing value, not a result"
NONFINITE = {
    (trends.NotableModels, "year"): "a model without a publication date in Epoch AI's data set (NaN, missing)",
    **{(trends.NotableModels, name): _MISSING for name in notable._NUMBER_FIELDS},
    (trends.TrainingRuns, "n_params"): "a run whose paper reports no parameter count (NaN, missing)",
    (trends.TrainingRuns, "n_tokens"): "a run whose paper reports no token count (NaN, missing)",
    (trends.TrainingRuns, "n_params_total"): "NaN for a dense model, whose n_params are all its parameters",
}
