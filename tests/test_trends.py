"""Tests for compute_econ.trends: the training-runs table, log-linear fits, projections."""

from __future__ import annotations

import datetime as dt
import importlib.resources
import math
import re
import statistics

import numpy as np
import pytest

from compute_econ.trends import (
    EpochComparison,
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
    assert all(src.strip() for src in runs.source)
    # a row without a published N is necessarily somebody's estimate, and its note says so
    unpublished = [name for name, n in zip(runs.name, runs.n_params, strict=True) if math.isnan(n)]
    assert len(unpublished) >= 5  # GPT-4, Gemini 1.0 Ultra, Claude 3 Opus, ...: the check below has rows to check
    silent = [name for name in unpublished if "estimate" not in runs.row(name)["note"].lower()]
    assert not silent, f"no N reported but the note does not say 'estimate': {silent}"


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
        ("X,Org,1949-12-31,,,1e21,Paper X,,", "date"),  # before the kit's calendar years
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


def test_a_run_without_a_source_is_refused_by_the_csv_reader_naming_its_line(tmp_path):
    """The kit's one CSV reader requires a source in every row (read_csv's source_column); it names the line."""
    with pytest.raises(ValueError, match=r"^runs\.csv line 4: column 'source' is empty \(every row must cite"):
        load_training_runs(_write(tmp_path, GOOD_ROWS[:2] + ["X,Org,2021-01-01,,,1e21,,,"]))


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


STUDENT_T_P = (1e-12, 1e-9, 1e-6, 1e-4, 0.001, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.45, 0.499,
               0.501, 0.55, 0.6, 0.7, 0.8, 0.9, 0.95, 0.975, 0.99, 0.999, 1 - 1e-4, 1 - 1e-6, 1 - 1e-9)
STUDENT_T_DF = (0.5, 1, 1.5, 2, 3, 5, 10, 30, 100, 1e3, 1e4, 99_999, 1e5, 1e6, 1e9, 1e15, 1e300)


@pytest.mark.parametrize("df", STUDENT_T_DF)
def test_student_t_quantile_agrees_with_scipy_to_1e_9(df):
    """Issue 10: student_t_quantile(0.975, 1e15) gave 1.75 (true 1.96): the incomplete-beta continued fraction
    stopped after 400 terms and lgamma differences lost every digit at large df. Checked against SciPy's
    scipy.stats.t.ppf (an independent implementation) across probabilities and degrees of freedom, relative
    tolerance 1e-9 (the kit's quantile is good to ~1e-13; SciPy's own error near p = 0.5 is ~1e-10)."""
    from scipy import stats  # the test extra (pyproject.toml); compute_econ itself does not depend on SciPy

    ours = np.array([student_t_quantile(p, df) for p in STUDENT_T_P])
    np.testing.assert_allclose(ours, stats.t.ppf(STUDENT_T_P, df), rtol=1e-9, atol=0)


def test_student_t_quantile_tends_to_the_normal_quantile():
    """As df grows the t distribution tends to the normal: t(0.975, df) - z(0.975) = (z^3 + z) / (4 df) + O(df^-2)
    (Abramowitz & Stegun 26.7.5), 1.959964 at 1e15 degrees of freedom."""
    z = statistics.NormalDist().inv_cdf(0.975)
    gaps = [student_t_quantile(0.975, df) - z for df in (10, 1e3, 1e5, 1e7, 1e15)]
    assert all(a > b > 0 for a, b in zip(gaps, gaps[1:], strict=False))  # shrinks monotonically
    assert student_t_quantile(0.975, 1e15) == pytest.approx(z, abs=1e-14)
    assert gaps[2] == pytest.approx((z**3 + z) / (4 * 1e5), rel=1e-4)


@pytest.mark.parametrize("p", [1e-300, 1e-100, 1e-30, 1e-8, 0.3, 0.5 - 2**-40, 0.5, 0.5 + 2**-40, 0.9, 1 - 1e-16])
def test_student_t_quantile_matches_closed_forms_at_one_and_two_degrees_of_freedom(p):
    """df = 1 is the Cauchy distribution, t = tan(pi (p - 1/2)); df = 2 has t = (2p - 1) / sqrt(2 p (1 - p))
    (Abramowitz & Stegun 26.7.3). Exact to 1e-12 even in the far tails, where SciPy's ppf itself is not."""
    q = min(p, 1 - p)  # the tail, exact in floating point
    sign = 1.0 if p > 0.5 else -1.0
    cauchy = sign / math.tan(math.pi * q) if q < 0.25 else sign * math.tan(math.pi * (0.5 - q))
    two = sign * (1 - 2 * q) / math.sqrt(2 * q * (1 - q))
    assert student_t_quantile(p, 1) == pytest.approx(cauchy, rel=1e-12, abs=1e-300)
    assert student_t_quantile(p, 2) == pytest.approx(two, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("p, df, name", [
    (1.0, 5, "p must be in"), (0.0, 5, "p must be in"), (float("nan"), 5, "p must be"), ("0.9", 5, "p must be"),
    (True, 5, "p must be"), ([0.9], 5, "p must be"), (0.9, 0, "df must be"), (0.9, -1.0, "df must be"),
    (0.9, float("inf"), "df must be"), (0.9, None, "df must be"),
])
def test_student_t_quantile_bad_input(p, df, name):
    with pytest.raises(ValueError, match=name):
        student_t_quantile(p, df)


@pytest.mark.parametrize("p, df", [(5e-324, 1), (1e-309, 1), (0.975, 1e-300), (0.975, 5e-324), (1 - 1e-16, 0.01)])
def test_student_t_quantile_beyond_the_floats_raises_naming_p_and_df(p, df):
    """A quantile beyond the largest float (a Cauchy tail of 5e-324, or almost no degrees of freedom) is refused."""
    with pytest.raises(ValueError, match=r"outside the model's range \(check p, df\)"):
        student_t_quantile(p, df)


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
        ([2020, 2021, 2022], [1, 1e3, 1e6], r"x1e\+03 per year along years, outside the kit's growth factors"),
        ([1900, 1901, 1902], [1, 2, 3], r"years must be in \[1950, 2100\]"),
        ([[2020, 2021, 2022]], [[1, 2, 3]], "years must be a sequence"),
        ([2020, 2021, 2022], ["1", "2", "3"], "values must be"),
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
    for level in (0.0, 1.0, 1.5, float("nan"), "0.9", [0.9]):
        with pytest.raises(ValueError, match="level"):
            fit.band(2005, level)
    with pytest.raises(ValueError, match="kind must be one of 'prediction', 'mean'"):
        fit.band(2005, 0.9, kind="median")


def test_a_level_a_hair_below_one_is_the_callers_level_not_a_probability_of_one():
    """(1 + level) / 2 rounds to 1.0 for level = 1 - 1e-16; the band uses the tail (1 - level) / 2 instead,
    so it is finite, or refused naming level, never an error about a p the caller did not pass."""
    years = np.linspace(2000, 2010, 30)
    fit = fit_log_linear(years, 10 ** (0.5 * (years - 2000) + 0.05 * np.sin(7 * years)))
    low, high = fit.band(2005, 1 - 1e-16)
    assert 0 < low < fit.predict(2005) < high < math.inf
    narrow_low, narrow_high = fit.band(2005, 5e-324)  # coverage ~0: the band collapses onto the trend
    assert narrow_low == pytest.approx(fit.predict(2005), rel=1e-12) == narrow_high


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


def _trend(**changes):
    base = dict(slope_log10_per_year=0.65, intercept_log10=24.0, year_mean=2020.0, residual_std_log10=0.5, sxx=300.0,
                n=40, start_year=2015.0, end_year=2025.0, source="synthetic")
    return LogLinearTrend(**(base | changes))


def test_project_refuses_years_outside_the_kits_calendar_and_never_returns_inf():
    """Issue 10: project(fit, 2419) returned inf. Calendar years have one domain in the kit (1950-2100);
    a projection that overflows inside it (a level of 1e300 FLOP in 2020 growing x4.5 a year) is refused."""
    fit = fit_training_compute_trend()
    for year in (2419, 3532, 1949.0, float("inf"), "2030", [2030, 2419]):
        with pytest.raises(ValueError, match=r"^years must be"):
            project(fit, year)
    with pytest.raises(ValueError, match=r"outside the model's range \(check years"):
        project(_trend(intercept_log10=300.0), 2100)
    with pytest.raises(ValueError, match=r"^trend must be a LogLinearTrend"):
        project("fit", 2030)
    with pytest.raises(ValueError, match=r"^year must be"):
        fit.predict(2419)


def test_log_linear_trend_stores_validated_numbers():
    fit = _trend(n=40.0, slope_log10_per_year=np.float64(0.65), sxx=np.array(300.0))
    assert type(fit.n) is int and type(fit.slope_log10_per_year) is float and type(fit.sxx) is float
    assert fit == _trend() and hash(fit) == hash(_trend())  # numbers only: compares and hashes by value
    for changes, name in [({"n": 2}, "n"), ({"n": 3.5}, "n"), ({"slope_log10_per_year": 2.5}, "slope_log10_per_year"),
                          ({"slope_log10_per_year": "0.65"}, "slope_log10_per_year"), ({"sxx": 0.0}, "sxx"),
                          ({"residual_std_log10": -0.1}, "residual_std_log10"), ({"year_mean": 2030.0}, "year_mean"),
                          ({"start_year": 2021.0}, "start_year"), ({"end_year": 2419.0}, "end_year"),
                          ({"intercept_log10": 400.0}, "intercept_log10"), ({"source": None}, "source")]:
        with pytest.raises(ValueError, match=name):
            _trend(**changes)


def test_growth_interval_beyond_the_floats_raises_naming_level():
    wild = _trend(residual_std_log10=1e300)
    with pytest.raises(ValueError, match=r"outside the model's range \(check level\)"):
        wild.growth_interval(0.9)
    with pytest.raises(ValueError, match=r"outside the model's range \(check year, level\)"):
        wild.band(2020.0, 0.9)


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
    assert pr == project(fit, years.copy(), level=0.8)  # records holding arrays compare field by field
    assert pr != project(fit, years, level=0.9)


# ------------------------------------------------------------------ the contract for the tables


def _runs(**changes):
    nan = float("nan")
    base = dict(name=("A", "B", "C"), organisation=("Org",) * 3, year=np.array([2020.0, 2021.0, 2022.5]),
                n_params=np.array([1e9, nan, 2e9]), n_tokens=np.array([1e10, nan, 2e10]),
                training_flop=np.array([6e19, 1e21, 2.4e20]), source=("Paper A", "Paper B", "Paper C"),
                note=("", "estimate", ""))
    return TrainingRuns(**(base | changes))


def test_training_runs_store_read_only_copies_and_compare_by_value():
    flop = np.array([6e19, 1e21, 2.4e20])
    runs = _runs(training_flop=flop, name=["A", "B", "C"])
    flop[0] = 1.0  # the caller's array is not the record's
    assert runs.training_flop[0] == 6e19 and not runs.training_flop.flags.writeable
    assert runs.name == ("A", "B", "C") and runs.epoch_model == ("", "", "")
    assert np.isnan(runs.n_params_total).all()
    assert runs == _runs() and runs != _runs(note=("", "", ""))
    shipped = importlib.resources.files("compute_econ").joinpath("data", "training_runs.csv")
    assert load_training_runs() == load_training_runs(str(shipped))  # read by path, it equals the cached table


@pytest.mark.parametrize("changes, words", [
    ({"name": ("A", "A", "C")}, "name must name each run once, got 'A' twice"),
    ({"name": ()}, "name must"),
    ({"source": ("Paper A", "", "Paper C")}, "source must hold non-empty strings"),
    ({"organisation": ("Org", "Org")}, r"organisation must have one entry per row \(3, the length of name\), got 2"),
    ({"year": np.array([2020.0, 1900.0, 2021.0])}, r"year must be a sequence of numbers in \[1950, 2100\]"),
    ({"year": np.array([2020.0, np.nan, 2021.0])}, "year must be .* got NaN"),
    ({"training_flop": np.array([1.0, -1.0, 2.0])}, "training_flop must be"),
    ({"n_params": ["1e9", "2e9", "3e9"]}, "n_params must be"),
    ({"n_params_total": np.array([5e8, np.nan, np.nan])}, r"n_params_total \(all experts\) must be at least n_params"),
    ({"epoch_model": np.array([1.0, 2.0, 3.0])}, "epoch_model must hold"),
])
def test_training_runs_refuse_bad_columns_naming_them(changes, words):
    with pytest.raises(ValueError, match=words):
        _runs(**changes)


@pytest.mark.parametrize("path", [0, 1.5, True, b"runs.csv", ["runs.csv"], "runs\x00.csv"])
def test_loaders_refuse_a_path_that_is_not_one(path):
    """load_training_runs(0) once opened file descriptor 0 (standard input); other non-paths raised TypeError."""
    with pytest.raises(ValueError, match=r"^path must be a CSV file path"):
        load_training_runs(path)


def test_fit_training_compute_trend_refuses_bad_windows_naming_them():
    for kwargs, name in [(dict(start_year=2419), "start_year"), (dict(start_year=None), "start_year"),
                         (dict(end_year=3532), "end_year"), (dict(runs="runs"), "runs"),
                         (dict(start_year=2025.0), "start_year")]:  # too few runs: the message says what to check
        with pytest.raises(ValueError, match=name):
            fit_training_compute_trend(**kwargs)


def test_decimal_year_refuses_what_is_not_an_iso_date_in_the_kits_years():
    assert decimal_year(dt.date(2020, 7, 2)) == pytest.approx(2020.5)
    assert decimal_year(np.array([["2020-01-01"], ["2021-01-01"]])).shape == (2, 1)
    for bad in (20200101, 2020.5, None, True, [], ["2020-01-01", 2020], "1949-12-31", "2100-01-02", [["2020-01-01"], []]):
        with pytest.raises(ValueError, match=r"^iso_date must"):
            decimal_year(bad)


def test_epoch_comparison_is_a_plain_record():
    c = compare_with_epoch()[0]
    assert isinstance(c, EpochComparison) and c == compare_with_epoch()[0]


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
    with pytest.raises(ValueError, match=r"^runs\.csv line 2 \('M'\): column 'n_params_total' \(all experts\) must be at "
                                         r"least n_params \(active\), got 3e\+10 < 3\.7e\+10$"):
        load_training_runs(p)


def test_the_runs_table_says_which_parameters_are_active():
    from widgets.tables import runs_table

    html = runs_table(load_training_runs()).data
    assert "37.0 B active of 671 B" in html
    assert "405 B active" not in html  # dense models show one count
