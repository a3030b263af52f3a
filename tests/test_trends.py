"""Tests for compute_econ.trends: the training-runs table, log-linear fits, projections."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from compute_econ.trends import (
    LogLinearTrend,
    Projection,
    TrainingRuns,
    compare_with_epoch,
    decimal_year,
    fit_log_linear,
    fit_training_compute_trend,
    load_training_runs,
    project,
    student_t_quantile,
)

HEADER = "name,organisation,date,n_params,n_tokens,training_flop,source,note,epoch_model,n_params_total\n"
GOOD_ROWS = [
    "A,Org,2020-01-01,1e9,1e10,6e19,Paper A Table 1,,",
    "B,Org,2021-01-01,,,1e21,Paper B Section 2,estimate (Epoch AI),GPT-3 175B (davinci)",
    "C,Org,2022-07-02,2e9,2e10,2.4e20,Paper C Table 3,,",
]


def _write(tmp_path, rows, header=HEADER):
    p = tmp_path / "runs.csv"
    p.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    return p


# ---------------------------------------------------------------- the shipped table


def test_shipped_table_loads_and_has_enough_runs_spanning_2017_to_2024_or_later():
    runs = load_training_runs()
    assert isinstance(runs, TrainingRuns)
    assert len(runs) >= 15
    assert runs.year.min() < 2018.0
    assert runs.year.max() >= 2024.0
    assert np.all(np.isfinite(runs.year))
    assert np.all(runs.training_flop > 0)


def test_shipped_table_every_row_has_source_and_estimates_say_so():
    runs = load_training_runs()
    for name, src, note in zip(runs.name, runs.source, runs.note):
        assert src.strip(), name
        # a row without published N and D is necessarily somebody's estimate
        r = runs.row(name)
        if math.isnan(r["n_params"]) and "estimate" not in note.lower():
            pytest.fail(f"{name}: no N reported but the note does not say 'estimate'")


def test_shipped_table_is_cached_and_read_only():
    a, b = load_training_runs(), load_training_runs()
    assert a is b
    with pytest.raises(ValueError):
        a.training_flop[0] = 1.0


@pytest.mark.parametrize("name", ["Chinchilla", "GPT-3 175B", "Llama 3.1 405B"])
def test_required_rows_present_with_n_params_and_n_tokens(name):
    """Other code overlays these rows on scaling-law plots by name."""
    r = load_training_runs().row(name)
    assert r["n_params"] > 0 and r["n_tokens"] > 0
    assert r["training_flop"] > 0


def test_gpt3_row_equals_6nd_within_2_percent():
    """Brown et al. 2020, arXiv:2005.14165, Table D.1: 3.14e23 FLOP for 175B params, 300B tokens."""
    r = load_training_runs().row("GPT-3 175B")
    assert r["training_flop"] == pytest.approx(3.14e23, rel=1e-9)
    assert r["training_flop"] == pytest.approx(6 * r["n_params"] * r["n_tokens"], rel=0.02)


def test_llama31_row_matches_paper():
    """Llama Team 2024, arXiv:2407.21783, Section 3.2.1: 405B params, 15.6T tokens, 3.8e25 FLOP."""
    r = load_training_runs().row("Llama 3.1 405B")
    assert r["n_params"] == 405e9
    assert r["n_tokens"] == 15.6e12
    assert r["training_flop"] == pytest.approx(3.8e25)
    assert r["training_flop"] == pytest.approx(6 * r["n_params"] * r["n_tokens"], rel=0.02)


def test_chinchilla_row_matches_paper():
    """Hoffmann et al. 2022, arXiv:2203.15556, Section 4.1: 70B params, 1.4T tokens, 5.76e23 FLOP."""
    r = load_training_runs().row("Chinchilla")
    assert (r["n_params"], r["n_tokens"]) == (70e9, 1.4e12)
    assert r["training_flop"] == pytest.approx(6 * r["n_params"] * r["n_tokens"], rel=0.03)


def test_row_unknown_name_raises():
    with pytest.raises(ValueError, match="GPT-7"):
        load_training_runs().row("GPT-7")


def test_gpt2_compute_is_epochs_estimate_for_the_1_5b_model():
    """Epoch AI, Data on Notable AI Models, row GPT-2 (1.5B): 1.92e21 FLOP = 6 x 1.5e9 parameters x 20 epochs
    x 10.67e9 tokens (WebText's 40 GB, Radford et al. 2019 Section 2.1, at 200M words per GB and 4/3 tokens
    per word). The kit once used 100 epochs (9.6e21), Epoch's assumption for the 774M model, not this one."""
    r = load_training_runs().row("GPT-2")
    assert r["training_flop"] == pytest.approx(1.92e21, rel=1e-3)
    assert r["training_flop"] == pytest.approx(6 * 1.5e9 * 20 * (40 * 200e6 * 4 / 3), rel=1e-3)
    assert r["n_tokens"] == pytest.approx(20 * 40 * 200e6 * 4 / 3, rel=1e-2)  # tokens seen, 20 epochs


def test_gopher_compute_is_rae_table_a26_and_chinchilla_used_hoffmanns_gopher_budget():
    """Rae et al. 2021, arXiv:2112.11446, Table A26: 6.31e8 PFLOPs = 6.31e23 FLOP to train Gopher 280B.
    5.76e23 is the Gopher budget Hoffmann et al. 2022 use (arXiv:2203.15556, Figure 2, Table 3; Appendix F
    gives both: '6.3 x 10^23 compared to 5.76 x 10^23'), and Chinchilla was trained with it."""
    runs = load_training_runs()
    assert runs.row("Gopher")["training_flop"] == pytest.approx(6.31e23)
    assert runs.row("Chinchilla")["training_flop"] == pytest.approx(5.76e23)
    assert "5.76e23" in runs.row("Gopher")["note"]


def test_curated_runs_agree_with_epoch_or_the_note_gives_epochs_figure():
    """Epoch AI, Data on Notable AI Models (shipped snapshot, April 2025): for every curated run that Epoch
    lists, the two compute estimates agree within 5 %, or the run's note states Epoch's figure (within 2 %)
    and says why they differ."""
    comparisons = compare_with_epoch()
    assert len(comparisons) >= 18
    differ = []
    for c in comparisons:
        if abs(math.log(c.ratio)) <= math.log(1.05):
            continue
        differ.append(c.name)
        quoted = [float(x) for x in re.findall(r"Epoch AI's figure is ([0-9.]+e[0-9]+)", c.note)]
        assert any(abs(q / c.epoch_training_flop - 1) < 0.02 for q in quoted), (c.name, c.note)
    assert set(differ) == {"Transformer (big)", "BERT-Large", "Megatron-Turing NLG 530B"}


def test_compare_with_epoch_names_a_run_whose_epoch_model_is_missing(tmp_path):
    rows = GOOD_ROWS[:2] + ["D,Org,2023-01-01,,,3e22,Paper D,,No Such Model 9000"]
    with pytest.raises(ValueError, match="'D'.*No Such Model 9000"):
        compare_with_epoch(load_training_runs(_write(tmp_path, rows)))
    ok = compare_with_epoch(load_training_runs(_write(tmp_path, GOOD_ROWS)))
    assert [c.name for c in ok] == ["B"] and ok[0].epoch_training_flop == pytest.approx(3.14e23)


# ------------------------------------------------------------------ validation


def test_loader_accepts_a_good_custom_file(tmp_path):
    runs = load_training_runs(_write(tmp_path, GOOD_ROWS))
    assert len(runs) == 3
    assert math.isnan(runs.row("B")["n_params"])
    assert runs.row("C")["year"] == pytest.approx(2022 + 182 / 365, abs=1e-9)  # 2 July = day 183


@pytest.mark.parametrize(
    "bad_row, field",
    [
        ("X,Org,2021-01-01,,,-1e21,Paper X,,", "training_flop"),
        ("X,Org,2021-01-01,,,0,Paper X,,", "training_flop"),
        ("X,Org,2021-01-01,,,,Paper X,,", "training_flop"),
        ("X,Org,2021-01-01,,,lots,Paper X,,", "training_flop"),
        ("X,Org,2021-01-01,,,nan,Paper X,,", "training_flop"),
        ("X,Org,2021-13-45,,,1e21,Paper X,,", "date"),
        ("X,Org,last year,,,1e21,Paper X,,", "date"),
        ("X,Org,2021-01-01,,,1e21,,,", "source"),
        ("X,Org,2021-01-01,-5,,1e21,Paper X,,", "n_params"),
        ("X,Org,2021-01-01,,abc,1e21,Paper X,,", "n_tokens"),
    ],
)
def test_corrupt_row_raises_naming_row_and_field(tmp_path, bad_row, field):
    path = _write(tmp_path, GOOD_ROWS[:2] + [bad_row])
    with pytest.raises(ValueError) as exc:
        load_training_runs(path)
    msg = str(exc.value)
    assert "line 4" in msg and "'X'" in msg and field in msg


def test_corrupt_header_and_duplicates_raise(tmp_path):
    with pytest.raises(ValueError, match="header"):
        load_training_runs(_write(tmp_path, GOOD_ROWS, header="name,date,flop\n"))
    with pytest.raises(ValueError, match="line 3.*name"):
        load_training_runs(_write(tmp_path, [GOOD_ROWS[0], GOOD_ROWS[0]]))


# ---------------------------------------------------------------- decimal years


def test_decimal_year_scalars_and_arrays():
    assert decimal_year("2021-01-01") == 2021.0
    assert decimal_year("2020-07-02") == pytest.approx(2020.5)  # leap year: day 184 of 366
    out = decimal_year(["2019-01-01", "2019-12-31"])
    assert out.shape == (2,)
    assert out[1] == pytest.approx(2019 + 364 / 365)
    with pytest.raises(ValueError, match="iso_date"):
        decimal_year("2021/01/01")


# ------------------------------------------------------------------- Student t


@pytest.mark.parametrize(
    "p, df, expected",
    [
        # Abramowitz & Stegun 1964, Table 26.10 / any standard t table
        (0.975, 1, 12.7062),
        (0.975, 5, 2.5706),
        (0.95, 10, 1.8125),
        (0.95, 20, 1.7247),
        (0.995, 30, 2.7500),
        (0.975, 1000, 1.9623),
    ],
)
def test_student_t_quantile_matches_tables(p, df, expected):
    assert student_t_quantile(p, df) == pytest.approx(expected, abs=5e-4)
    assert student_t_quantile(1 - p, df) == pytest.approx(-expected, abs=5e-4)


def test_student_t_quantile_bad_input():
    with pytest.raises(ValueError, match="p must be in"):
        student_t_quantile(1.0, 5)
    with pytest.raises(ValueError, match="df"):
        student_t_quantile(0.9, 0)


# ------------------------------------------------------------------- fitting


def test_fit_recovers_known_slope_on_synthetic_data():
    rng = np.random.default_rng(42)
    years = np.linspace(2010, 2024, 60)
    true_slope, true_at_2017 = 0.65, 22.0  # 0.65 OOM/yr = x4.47/yr
    logv = true_at_2017 + true_slope * (years - 2017) + rng.normal(0, 0.3, years.size)
    fit = fit_log_linear(years, 10**logv)
    se = fit.residual_std_log10 / math.sqrt(fit.sxx)
    assert abs(fit.slope_log10_per_year - true_slope) < 4 * se
    assert fit.slope_log10_per_year == pytest.approx(true_slope, abs=0.05)
    assert math.log10(fit.predict(2017.0)) == pytest.approx(true_at_2017, abs=0.15)
    assert fit.residual_std_log10 == pytest.approx(0.3, rel=0.25)
    assert fit.n == 60 and fit.start_year == 2010 and fit.end_year == 2024


def test_fit_exact_line_and_derived_quantities():
    fit = fit_log_linear([2000, 2001, 2002, 2003], [1, 10, 100, 1000])
    assert fit.growth_per_year == pytest.approx(10.0)
    assert fit.ooms_per_year == pytest.approx(1.0)
    assert fit.residual_std_log10 == pytest.approx(0.0, abs=1e-12)
    assert fit.predict(2004) == pytest.approx(1e4)
    np.testing.assert_allclose(fit.predict([2000, 2002]), [1.0, 100.0])


@pytest.mark.parametrize("slope", [0.1, 0.3, 0.68, 1.5, -0.2])
def test_doubling_time_consistent_with_growth(slope):
    fit = LogLinearTrend(slope, 20.0, 2020.0, 0.3, 10.0, 10, 2015.0, 2025.0, "synthetic")
    # doubling: growth ** T = 2
    assert fit.growth_per_year ** fit.doubling_time_years == pytest.approx(2.0)
    assert fit.doubling_time_months == pytest.approx(12 * fit.doubling_time_years)
    assert fit.predict(2020.0 + fit.doubling_time_years) == pytest.approx(2 * fit.predict(2020.0))


def test_flat_trend_has_infinite_doubling_time():
    fit = LogLinearTrend(0.0, 20.0, 2020.0, 0.3, 10.0, 10, 2015.0, 2025.0)
    assert math.isinf(fit.doubling_time_years)


def test_band_contains_central_and_widens_away_from_the_data_centre():
    rng = np.random.default_rng(1)
    years = np.linspace(2015, 2025, 25)
    fit = fit_log_linear(years, 10 ** (20 + 0.6 * (years - 2015) + rng.normal(0, 0.4, years.size)))
    t = np.array([fit.year_mean, fit.year_mean + 3, fit.year_mean + 10, fit.year_mean - 10])
    low, high = fit.band(t, 0.9)
    central = fit.predict(t)
    assert np.all(low < central) and np.all(central < high)
    width = np.log10(high) - np.log10(low)
    assert width[0] < width[1] < width[2]
    assert width[3] == pytest.approx(width[2])  # symmetric about the mean year
    # geometric symmetry of the band in log space
    np.testing.assert_allclose(np.log10(central) - np.log10(low), np.log10(high) - np.log10(central))
    # higher coverage -> wider; the trend-line ("mean") interval is narrower
    low99, high99 = fit.band(t, 0.99)
    assert np.all(np.log10(high99) - np.log10(low99) > width)
    lo_m, hi_m = fit.band(t, 0.9, kind="mean")
    assert np.all(np.log10(hi_m) - np.log10(lo_m) < width)


def test_prediction_band_has_nominal_coverage_on_synthetic_data():
    """OLS prediction interval (Montgomery, Peck & Vining 2012, Section 2.5): ~90% of new points fall in a 90% band."""
    rng = np.random.default_rng(7)
    years = np.linspace(2015, 2025, 12)
    hits, trials = 0, 2000
    for _ in range(trials):
        logv = 20 + 0.5 * (years - 2015) + rng.normal(0, 0.5, years.size)
        fit = fit_log_linear(years, 10**logv)
        new_year = 2027.0
        new_v = 10 ** (20 + 0.5 * (new_year - 2015) + rng.normal(0, 0.5))
        lo, hi = fit.band(new_year, 0.9)
        hits += lo <= new_v <= hi
    assert hits / trials == pytest.approx(0.9, abs=0.025)


@pytest.mark.parametrize(
    "years, values, match",
    [
        ([2020, 2021], [1, 2], "at least 3"),
        ([2020, 2021, 2022], [1, 0, 2], "values must be > 0"),
        ([2020, 2021, 2022], [1, -3, 2], "values must be > 0"),
        ([2020, 2021, 2022], [1, np.nan, 2], "values must be a finite number"),
        ([2020, np.nan, 2022], [1, 2, 3], "years must be a finite number"),
        ([2020, 2021, 2022], [1, 2], "same length"),
        ([2020, 2020, 2020], [1, 2, 3], "not all be equal"),
    ],
)
def test_fit_bad_input_raises(years, values, match):
    with pytest.raises(ValueError, match=match):
        fit_log_linear(years, values)


def test_band_bad_level_raises():
    fit = fit_log_linear([2000, 2001, 2002, 2003], [1, 12, 90, 1100])
    for level in (0.0, 1.0, 1.5, float("nan")):
        with pytest.raises(ValueError, match="level"):
            fit.band(2005, level)


# ----------------------------------------------------- the published growth rate


def test_fitted_training_compute_growth_matches_epoch_4_to_5x_per_year():
    """Sevilla & Roldán 2024, 'Training Compute of Frontier AI Models Grows by 4-5x per Year' (Epoch AI):
    notable models 4.1x/year (90% CI 3.7-4.6x) and frontier models 5.3x (4.9-5.7x) from 2010 to May 2024,
    frontier models 4.2x (3.6-4.9x) after 2018, notable language models 9.5x (7.4-12.2x) from June 2017.

    The kit's curated table is two dozen landmark (mostly language) models since 2017, mostly near the
    frontier, so it is neither Epoch's frontier subset nor all notable models (the lessons fit Epoch's data,
    tests/test_trends_notable.py). Tolerance: the point estimate must lie in [3, 7] x/year, between the slowest
    frontier rate and the language-model rate, and the 90% interval must overlap the 4-5x headline.
    """
    fit = fit_training_compute_trend(start_year=2017.0)
    assert fit.n >= 15
    assert 3.0 <= fit.growth_per_year <= 7.0
    lo, hi = fit.growth_interval(0.9)
    assert lo <= 5.0 and hi >= 4.0
    # doubling time in months consistent with Epoch's "roughly every five months" (4.6x/yr -> 5.4 months)
    assert 4.0 <= fit.doubling_time_months <= 7.5


def test_fit_training_compute_trend_filters_years_and_takes_custom_runs(tmp_path):
    runs = load_training_runs(_write(tmp_path, GOOD_ROWS + ["D,Org,2023-01-01,,,3e22,Paper D,,"]))
    fit = fit_training_compute_trend(start_year=2020.0, runs=runs)
    assert fit.n == 4
    fit2 = fit_training_compute_trend(start_year=2020.0, end_year=2022.9, runs=runs)
    assert fit2.n == 3
    with pytest.raises(ValueError, match="at least 3"):
        fit_training_compute_trend(start_year=2022.0, runs=runs)
    with pytest.raises(ValueError, match="end_year"):
        fit_training_compute_trend(start_year=2022.0, end_year=2021.0, runs=runs)


# ------------------------------------------------------------------ projection


def test_project_returns_consistent_arrays():
    fit = fit_training_compute_trend()
    years = np.arange(2025, 2031)
    pr = project(fit, years, level=0.8)
    assert isinstance(pr, Projection)
    for arr in (pr.year, pr.central, pr.low, pr.high):
        assert arr.shape == years.shape and np.all(np.isfinite(arr))
    assert np.all(pr.low < pr.central) and np.all(pr.central < pr.high)
    np.testing.assert_allclose(pr.central, fit.predict(years))
    assert np.all(np.diff(pr.central) > 0)
    one = project(fit, 2026.0)
    assert isinstance(one.central, float) and one.low < one.central < one.high
    assert one.central == pytest.approx(fit.predict(2026.0))
    assert pr.level == 0.8


def test_mixtures_of_experts_carry_their_total_and_their_notes_agree():
    """Issue 9: DeepSeek-V3 was listed with 37B parameters without saying they are the active count
    of a 671B mixture of experts (DeepSeek-AI 2024, arXiv:2412.19437, abstract)."""
    runs = load_training_runs()
    moe = {name: runs.row(name) for name in runs.name if not math.isnan(runs.row(name)["n_params_total"])}
    assert set(moe) == {"DeepSeek-V3", "Llama 4 Maverick", "Qwen3-235B-A22B"}
    assert moe["DeepSeek-V3"]["n_params"] == 37e9 and moe["DeepSeek-V3"]["n_params_total"] == 671e9
    for name, r in moe.items():
        assert r["n_params_total"] > r["n_params"], name
        assert f"{r['n_params_total'] / 1e9:.0f}B total" in r["note"] + r["source"], name


def test_a_total_below_the_active_count_is_rejected(tmp_path):
    p = _write(tmp_path, ["M,Org,2024-01-01,37e9,1e12,2e23,Paper M Table 1,,,30e9"])
    with pytest.raises(ValueError, match=r"runs.csv line 2 \('M'\): column 'n_params_total'.*30e\+09|n_params_total"):
        load_training_runs(p)


def test_the_runs_table_says_which_parameters_are_active():
    from widgets.tables import runs_table

    html = runs_table(load_training_runs()).data
    assert "37.0 B active of 671 B" in html
    assert "405 B active" not in html  # dense models show one count
