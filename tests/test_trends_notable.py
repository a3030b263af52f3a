"""Epoch AI's Notable AI Models in the kit: the loader, selections, frontier status, trends and shares.

Published-value tests name the publication, its table or section, and the interval the
snapshot's estimate must fall in.
"""

from __future__ import annotations

import csv
import dataclasses
import importlib.resources
import io
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute_econ import market, trends
from compute_econ.trends import (EPOCH_ATTRIBUTION, EPOCH_COLUMNS, NotableModels, decimal_year, developer_shares,
                                 fit_notable_trend, load_notable_models, top_at_release)

MODELS = load_notable_models()


def _snapshot_rows() -> tuple[list[str], list[dict]]:
    table = trends.notable._data.read_csv(None, trends.EPOCH_SNAPSHOT_FILE)
    return list(table.header), [dict(r.fields) for r in table.rows]


def _write(tmp_path, header, rows, name="notable_ai_models.csv"):
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    p = tmp_path / name
    p.write_text(out.getvalue(), encoding="utf-8")
    return p


# ----------------------------------------------------------------------------- the shipped snapshot


def test_shipped_snapshot_has_epochs_counts_and_carries_the_attribution():
    """Epoch AI, Data on Notable AI Models, snapshot of April 2025 (shared/data README): 924 models, 468 with
    a training-compute estimate, 144 with Epoch's frontier flag (136 of them with compute), latest 2025-03-16."""
    assert len(MODELS) == 924
    assert int(np.isfinite(MODELS.training_flop).sum()) == 468
    assert int(MODELS.epoch_frontier_flag.sum()) == 144
    assert int((MODELS.epoch_frontier_flag & np.isfinite(MODELS.training_flop)).sum()) == 136
    assert max(d for d in MODELS.publication_date if d) == "2025-03-16"
    assert "CC-BY 4.0" in MODELS.attribution and "epoch.ai/data/notable-ai-models" in MODELS.attribution
    assert MODELS.attribution == EPOCH_ATTRIBUTION
    assert load_notable_models() is MODELS  # cached
    assert not MODELS.training_flop.flags.writeable


def test_row_reads_epochs_values():
    """Epoch's own rows: GPT-3 175B (davinci) 3.14e23 FLOP (Brown et al. 2020, Table D.1), Gopher 6.31e23
    (Rae et al. 2021, Table A26)."""
    assert MODELS.row("GPT-3 175B (davinci)")["training_flop"] == pytest.approx(3.14e23)
    gopher = MODELS.row("Gopher (280B)")
    assert gopher["training_flop"] == pytest.approx(6.31e23)
    assert gopher["organisation"] == "DeepMind" and gopher["confidence"] == "Confident"
    with pytest.raises(ValueError, match="GPT-3 175B"):
        MODELS.row("GPT-3")  # not Epoch's name; the error suggests similar names


# ----------------------------------------------------------------------------- a newer download


def test_a_newer_download_with_renamed_and_extra_columns_loads(tmp_path):
    """Epoch has renamed columns between downloads ('Country (of organization)', 'Hardware utilization (MFU)')
    and adds more (abstracts, links); the loader finds its fields by any of Epoch's names and ignores the rest."""
    header, rows = _snapshot_rows()
    rename = {"Country (from Organization)": "Country (of organization)",
              "Hardware utilization": "Hardware utilization (MFU)"}
    new_header = [rename.get(h, h) for h in header] + ["Abstract", "Link"]
    new_rows = [{rename.get(k, k): v for k, v in r.items()} | {"Abstract": "text, with a comma", "Link": "x"}
                for r in rows]
    m = load_notable_models(_write(tmp_path, new_header, new_rows))
    assert len(m) == len(MODELS)
    assert m.country == MODELS.country
    np.testing.assert_array_equal(m.frac_hardware_utilisation, MODELS.frac_hardware_utilisation)
    assert "notable_ai_models.csv" in m.attribution and "CC-BY 4.0" in m.attribution
    assert fit_notable_trend(m).growth_per_year == pytest.approx(fit_notable_trend(MODELS).growth_per_year)


@pytest.mark.parametrize("column, words", [
    # Columns Epoch has only ever named one way: the kit's CSV reader checks the header (read_csv's `required`).
    ("Training compute (FLOP)", "header lacks the required column(s) Training compute (FLOP)"),
    ("Publication date", "header lacks the required column(s) Publication date"),
    ("Model", "header lacks the required column(s) Model"),
    # A column Epoch has renamed: the message gives every name it has had.
    ("Country (from Organization)", "missing column 'Country (from Organization)' (or 'Country (of organization)')"),
])
def test_a_missing_required_column_is_named(tmp_path, column, words):
    header, rows = _snapshot_rows()
    header = [h for h in header if h != column]
    with pytest.raises(ValueError, match=re.escape(f"notable_ai_models.csv: {words}")):
        load_notable_models(_write(tmp_path, header, rows[:5]))


def test_a_missing_optional_column_is_refused_only_where_it_is_needed(tmp_path):
    header, rows = _snapshot_rows()
    header = [h for h in header if h != "Training compute cost (2023 USD)"]
    m = load_notable_models(_write(tmp_path, header, rows))
    assert fit_notable_trend(m).n == fit_notable_trend(MODELS).n
    with pytest.raises(ValueError, match="no column 'Training compute cost \\(2023 USD\\)'"):
        fit_notable_trend(m, "training_cost_usd_2023")


@pytest.mark.parametrize("column, value, words", [
    ("Publication date", "1949-06-01", "ISO date yyyy-mm-dd from 1950-01-01 to 2100-01-01"),
    ("Training compute (FLOP)", "lots", "must be a number"),
    ("Training compute (FLOP)", "-3e23", "must be in"),
    ("Training compute (FLOP)", "inf", "must be in"),
    ("Hardware utilization", "1.7", "must be in"),
    ("Publication date", "spring 2020", "ISO date"),
    ("Frontier model", "maybe", "'True' or empty"),
])
def test_a_bad_value_names_line_model_and_column(tmp_path, column, value, words):
    header, rows = _snapshot_rows()
    rows = [dict(r) for r in rows[:6]]
    rows[3][column] = value
    with pytest.raises(ValueError) as exc:
        load_notable_models(_write(tmp_path, header, rows))
    msg = str(exc.value)
    assert "line 5" in msg and repr(rows[3]["Model"]) in msg and repr(column) in msg and words in msg


def test_a_repeated_model_and_a_missing_file_are_refused(tmp_path):
    header, rows = _snapshot_rows()
    with pytest.raises(ValueError, match="repeats an earlier model"):
        load_notable_models(_write(tmp_path, header, [rows[0], rows[1], rows[0]]))
    with pytest.raises(ValueError, match="no such file"):
        load_notable_models(tmp_path / "nowhere.csv")
    with pytest.raises(ValueError, match="no data rows"):
        load_notable_models(_write(tmp_path, header, []))


def test_every_epoch_column_alias_is_distinct():
    names = [n for names in EPOCH_COLUMNS.values() for n in names]
    assert len(names) == len(set(names))


# ----------------------------------------------------------------------------- selections


def test_mask_selects_by_date_domain_frontier_and_confidence():
    lang = MODELS.mask(start_year=2017, domain="Language")
    assert lang.sum() > 100
    assert all("Language" in MODELS.domain[i] for i in np.flatnonzero(lang))
    assert np.all(MODELS.year[lang] >= 2017)
    sure = MODELS.mask(confidence=("Confident",))
    assert {MODELS.confidence[i] for i in np.flatnonzero(sure)} == {"Confident"}
    front = MODELS.mask(frontier_only=True)
    assert np.array_equal(front, MODELS.is_frontier & np.isfinite(MODELS.training_flop))
    assert MODELS.mask(has=()).sum() == len(MODELS)
    sub = MODELS.subset(lang)
    assert isinstance(sub, NotableModels) and len(sub) == lang.sum()
    assert sub.row(sub.model[0])["training_flop"] == MODELS.row(sub.model[0])["training_flop"]


@pytest.mark.parametrize("kwargs, words", [
    (dict(domain=3), "domain"), (dict(domain="Poetry"), "domain must be one of"), (dict(frontier_only="yes"), "frontier_only"),
    (dict(confidence=("Sure",)), "confidence"), (dict(has="flops"), "has"), (dict(start_year="2010"), "start_year"),
    (dict(start_year=float("nan")), "start_year"),
])
def test_mask_refuses_bad_selections(kwargs, words):
    with pytest.raises(ValueError, match=words):
        MODELS.mask(**kwargs)


def test_domains_lists_languages_first():
    assert MODELS.domains()[0] == "Language"
    assert {"Vision", "Multimodal", "Biology", "Games"} <= set(MODELS.domains())


# ----------------------------------------------------------------------------- frontier status


def _top_by_definition(year, flop, n):
    """Epoch's definition, word for word: fewer than n models published on or before the date used more compute."""
    out = []
    for t, c in zip(year, flop, strict=True):
        if np.isnan(t) or np.isnan(c):
            out.append(False)
            continue
        bigger_earlier = sum(1 for t2, c2 in zip(year, flop, strict=True) if t2 <= t and c2 > c)  # NaN compares False
        out.append(bigger_earlier < n)
    return np.array(out)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([2019.0, 2020.0, 2020.5, 2021.0, np.nan]) | st.floats(2000, 2025),
                          st.sampled_from([1e20, 2e20, np.nan]) | st.floats(15, 27).map(lambda e: 10.0**e)),
                min_size=1, max_size=30),
       st.integers(1, 6))
def test_top_at_release_is_epochs_definition(points, n):
    """The one-sweep computation (a heap of the n largest budgets so far) equals the definition, ties and gaps included."""
    year = np.array([p[0] for p in points])
    flop = np.array([p[1] for p in points])
    np.testing.assert_array_equal(top_at_release(year, flop, n), _top_by_definition(year, flop, n))


@pytest.mark.parametrize("kwargs, name", [
    (dict(year=[2020.0, 1900.0], training_flop=[1e20, 1e21]), "year"),
    (dict(year=[2020.0, 2021.0], training_flop=[1e20, -1.0]), "training_flop"),
    (dict(year=[2020.0, 2021.0], training_flop=[1e20, np.inf]), "training_flop"),
    (dict(year=2020.0, training_flop=[1e20]), "year"),
    (dict(year=[], training_flop=[]), "year"),
    (dict(year=[[2020.0], [2021.0, 2022.0]], training_flop=[1e20, 1e21]), "year"),
    (dict(year=["2020", "2021"], training_flop=[1e20, 1e21]), "year"),
    (dict(year=[2020.0, 2021.0], training_flop=[1e20, 1e21], n=2.5), "n"),
    (dict(year=[2020.0, 2021.0], training_flop=[1e20, 1e21], n=True), "n"),
])
def test_top_at_release_refuses_bad_input_naming_it(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name} must"):
        top_at_release(**kwargs)


def test_top_at_release_by_hand():
    # dates and compute of five models; with n=2 a model is frontier if at most one earlier-or-same-day model is bigger
    year = [2020.0, 2020.5, 2021.0, 2021.0, 2022.0]
    flop = [1e20, 5e19, 3e20, 2e20, 1e19]
    np.testing.assert_array_equal(top_at_release(year, flop, n=2), [True, True, True, True, False])
    np.testing.assert_array_equal(top_at_release(year, flop, n=1), [True, False, True, False, False])
    np.testing.assert_array_equal(top_at_release([2020.0, np.nan, 2021.0], [1e20, 1e30, np.nan], n=1),
                                  [True, False, False])
    with pytest.raises(ValueError, match="n must be"):
        top_at_release(year, flop, n=0)
    with pytest.raises(ValueError, match="same length"):
        top_at_release(year, flop[:3])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(2000, 2025), st.floats(15, 27)), min_size=1, max_size=40), st.integers(1, 12))
def test_top_at_release_properties(points, n):
    year = np.array([p[0] for p in points])
    flop = 10.0 ** np.array([p[1] for p in points])
    top = top_at_release(year, flop, n)
    # the largest model so far is always frontier, and a wider frontier keeps every model of a narrower one
    assert top[np.argmax(flop)]
    assert np.all(top <= top_at_release(year, flop, n + 1))
    # the first n models to be released (by date, then compute) are always frontier
    assert top.sum() >= min(n, len(points))


def test_recomputed_frontier_mostly_agrees_with_epochs_flag():
    """Epoch's flag (snapshot) and the recomputed top 10 agree for all but a few dozen models; every
    flagged model after 2015 with compute is also in the recomputed top 10 or within a factor of 2 of it."""
    both = MODELS.is_frontier & MODELS.epoch_frontier_flag
    assert both.sum() >= 130
    assert (MODELS.is_frontier ^ MODELS.epoch_frontier_flag).sum() <= 35
    assert MODELS.row("Grok-3")["is_frontier"] and not MODELS.row("Grok-3")["epoch_frontier_flag"]


# ----------------------------------------------------------------------------- published growth rates


MAY_2024 = decimal_year("2024-05-31")


def test_notable_models_grow_4_1x_per_year_sevilla_roldan_2024():
    """Sevilla & Roldán 2024, 'Training Compute of Frontier AI Models Grows by 4-5x per Year' (Epoch AI),
    section 'The overall trend of training compute growth has held' and Table A1: notable models 4.1x/year
    (90% CI 3.7x to 4.6x) from 2010 to May 2024. The snapshot's OLS estimate must lie in that interval."""
    fit = fit_notable_trend(MODELS, start_year=2010, end_year=MAY_2024)
    assert fit.n > 300
    assert 3.7 <= fit.growth_per_year <= 4.6


def test_frontier_models_grow_5_3x_per_year_sevilla_roldan_2024():
    """Sevilla & Roldán 2024, section on frontier models and Table A2: models in the top 10 of training compute
    when released grew 5.3x/year (90% CI 4.9x to 5.7x) from 2010 to May 2024. Epoch's flag in the snapshot
    gives 4.55x (outside); the top 10 recomputed by the published definition gives 5.0x (inside)."""
    fit = fit_notable_trend(MODELS, start_year=2010, end_year=MAY_2024, frontier_only=True)
    assert 4.9 <= fit.growth_per_year <= 5.7


def test_language_models_grow_9_5x_per_year_since_june_2017_sevilla_roldan_2024():
    """Sevilla & Roldán 2024, Table A4: notable language models 9.5x/year (90% CI 7.4x to 12.2x),
    June 2017 to May 2024."""
    fit = fit_notable_trend(MODELS, domain="Language", start_year=decimal_year("2017-06-01"), end_year=MAY_2024)
    assert 7.4 <= fit.growth_per_year <= 12.2


def test_amortised_cost_of_frontier_runs_grows_2_4x_per_year_cottier_2024():
    """Cottier et al. 2024, 'The rising costs of training frontier AI models', arXiv:2405.21015v2, abstract and
    Table 1: amortised hardware CapEx + energy of frontier models (top 10 when released, 1 Oct 2015 to
    31 Dec 2023) grows 2.4x/year (90% CI 2.0x to 2.9x); v1 gave 95% CI 2.0x to 3.1x."""
    fit = fit_notable_trend(MODELS, "training_cost_usd_2023", start_year=decimal_year("2015-10-01"),
                            end_year=decimal_year("2023-12-31"), frontier_only=True)
    assert fit.n >= 30
    assert 2.0 <= fit.growth_per_year <= 2.9


def test_accelerators_per_frontier_run_grow_1_7x_per_year_epoch_decomposition_2025():
    """Epoch AI data insight (8 Jan 2025), 'Training compute growth is driven by larger clusters, longer
    training, and better hardware': hardware quantity of frontier models since 2018 grows 1.69x/year
    (10th-90th percentile 1.5 to 1.91)."""
    fit = fit_notable_trend(MODELS, "hardware_quantity", start_year=2018, end_year=decimal_year("2025-01-08"),
                            frontier_only=True)
    assert 1.5 <= fit.growth_per_year <= 1.91


def test_power_of_frontier_runs_grows_2_1x_per_year_emberson_rahman_2024():
    """Emberson & Rahman 2024, Epoch AI data insight (19 Sep 2024), 'The power required to train frontier AI
    models is doubling annually': frontier models since 2010, 2.1x/year (90% CI 1.9x to 2.2x)."""
    fit = fit_notable_trend(MODELS, "training_power_watts", start_year=2010, end_year=decimal_year("2024-09-19"),
                            frontier_only=True)
    assert 1.9 <= fit.growth_per_year <= 2.2


def test_fit_notable_trend_refuses_bad_input():
    with pytest.raises(ValueError, match="quantity"):
        fit_notable_trend(MODELS, "flops")
    with pytest.raises(ValueError, match="end_year"):
        fit_notable_trend(MODELS, start_year=2020, end_year=2019)
    with pytest.raises(ValueError, match=r"at least 3 Driving models .*got 0 \(check start_year, end_year, domain"):
        fit_notable_trend(MODELS, domain="Driving")
    for kwargs, name in [(dict(start_year=None), "start_year"), (dict(start_year=2419), "start_year"),
                         (dict(end_year="2024"), "end_year"), (dict(models="snapshot"), "models"),
                         (dict(confidence=()), "confidence"), (dict(confidence=[3]), "confidence"),
                         (dict(frontier_only=1), "frontier_only")]:
        with pytest.raises(ValueError, match=rf"^{name} must"):
            fit_notable_trend(**kwargs)
    fit = fit_notable_trend(MODELS)
    assert "Epoch AI" in fit.source and "CC-BY 4.0" in fit.source


def test_one_confidence_label_is_named_whole_in_the_source():
    """A single label may be given as a string; the source once spelled it 'rated C/o/n/f/i/d/e/n/t'."""
    fit = fit_notable_trend(MODELS, confidence="Confident")
    assert "models rated Confident," in fit.source
    assert fit == fit_notable_trend(MODELS, confidence=("Confident",))


# ----------------------------------------------------------------------------- who trains frontier models


def test_developer_shares_count_models_and_sum_to_one():
    ms = developer_shares(MODELS, "firm", start_year=2017)
    assert isinstance(ms, market.MarketShares)
    assert ms.frac_shares.sum() == pytest.approx(1.0)
    assert ms.firms[0] == "Google" and ms.firms[-1] == market.OTHERS
    assert np.all(np.diff(ms.named_frac_shares) <= 0)
    n = int(MODELS.mask(start_year=2017, frontier_only=True, has=()).sum())
    assert f"{n} frontier models" in ms.note
    assert "CC-BY 4.0" in ms.source
    low, high = ms.hhi_bounds()
    assert 0 < low <= high <= 10_000


def test_co_developed_models_are_split_and_research_groups_pool_into_their_firm(tmp_path):
    header, rows = _snapshot_rows()
    base = dict(rows[0])
    made = []
    for i, (org, country) in enumerate([("Google Brain,DeepMind", "United States of America,United Kingdom"),
                                        ("OpenAI", "United States of America"),
                                        ("Meta AI,University X", "United States of America,France")]):
        made.append(base | {"Model": f"M{i}", "Organization": org, "Country (from Organization)": country,
                            "Publication date": "2023-01-01", "Training compute (FLOP)": "1e25"})
    m = load_notable_models(_write(tmp_path, header, made))
    shares = lambda by: dict(zip(developer_shares(m, by).firms, developer_shares(m, by).frac_shares, strict=True))  # noqa: E731
    by_firm = shares("firm")
    assert by_firm == pytest.approx({"Google": 1 / 3, "OpenAI": 1 / 3, "Meta": 1 / 6, "University X": 1 / 6})
    assert shares("organisation")["Google Brain"] == pytest.approx(1 / 6)
    by_country = shares("country")
    assert by_country["United States of America"] == pytest.approx((0.5 + 1 + 0.5) / 3)


def test_developer_shares_refuses_bad_input():
    with pytest.raises(ValueError, match="by must be"):
        developer_shares(MODELS, "lab")
    with pytest.raises(ValueError, match="top must be"):
        developer_shares(MODELS, top=0)
    with pytest.raises(ValueError, match=r"no selected model names its firm .*check start_year"):
        developer_shares(MODELS, start_year=2030)
    for kwargs, name in [(dict(top=2.5), "top"), (dict(top=True), "top"), (dict(start_year=2419), "start_year"),
                         (dict(end_year=[2020]), "end_year"), (dict(models=[]), "models"),
                         (dict(frontier_only="yes"), "frontier_only")]:
        with pytest.raises(ValueError, match=rf"^{name} must"):
            developer_shares(**kwargs)


# ----------------------------------------------------------------------------- the table as a record


def _columns(**changes):
    """The columns of the first four models of the snapshot, as keyword arguments of NotableModels."""
    keep = np.zeros(len(MODELS), dtype=bool)
    keep[:4] = True
    sub = MODELS.subset(keep)
    fields = {f.name: getattr(sub, f.name) for f in dataclasses.fields(NotableModels) if f.init}
    return fields | changes


def test_notable_models_compare_column_by_column_and_store_read_only_copies():
    by_path = load_notable_models(str(importlib.resources.files("compute_econ").joinpath("data", trends.EPOCH_SNAPSHOT_FILE)))
    assert by_path is not MODELS and by_path != MODELS  # read by path, it cites the file it came from
    assert dataclasses.replace(by_path, attribution=MODELS.attribution, credit=MODELS.credit) == MODELS
    again = NotableModels(**_columns())
    assert again == NotableModels(**_columns())
    assert again != NotableModels(**_columns(confidence=("Likely",) * 4))
    flop = np.array(again.training_flop)
    copy = NotableModels(**_columns(training_flop=flop))
    flop[0] = 1.0
    assert copy.training_flop[0] == again.training_flop[0] and not copy.training_flop.flags.writeable
    assert NotableModels(**_columns(model=list(again.model))).model == again.model  # a list is stored as a tuple


@pytest.mark.parametrize("changes, words", [
    (dict(model=("A", "A", "B", "C")), "model must name each model once, got 'A' twice"),
    (dict(model=("A", "", "B", "C")), "model must hold non-empty strings"),
    (dict(domain=("Language",) * 3), r"domain must have one entry per row \(4, the length of model\), got 3"),
    (dict(country="United States of America"), "country must be a sequence of strings"),
    (dict(year=np.array([2020.0, 2419.0, np.nan, 2021.0])), r"year must be a sequence of numbers in \[1950, 2100\]"),
    (dict(training_flop=np.array([1e20, -1.0, np.nan, 1e21])), "training_flop must be"),
    (dict(frac_hardware_utilisation=np.array([0.4, 1.5, np.nan, np.nan])), r"frac_hardware_utilisation must be .*\(0, 1\]"),
    (dict(n_params=["1e9"] * 4), "n_params must be"),
    (dict(is_frontier=np.array([1.0, 0.0, 0.0, 1.0])), "is_frontier must be a sequence of True/False"),
    (dict(fields_present=frozenset({"model"})), "fields_present must name kit fields"),
    (dict(fields_present="model"), "fields_present must be a set of kit fields"),
    (dict(attribution=""), "attribution must be a non-empty string"),
    (dict(label=None), "label must be a string"),
])
def test_notable_models_refuse_bad_columns_naming_them(changes, words):
    with pytest.raises(ValueError, match=words):
        NotableModels(**_columns(**changes))


@pytest.mark.parametrize("path", [0, True, 2.5, object(), ["notable.csv"]])
def test_load_notable_models_refuses_a_path_that_is_not_one(path):
    with pytest.raises(ValueError, match=r"^path must be a CSV file path"):
        load_notable_models(path)


def test_row_and_require_name_their_parameters():
    with pytest.raises(ValueError, match=r"^model must be a non-empty string"):
        MODELS.row(3)
    with pytest.raises(ValueError, match=r"^name must be one of"):
        MODELS.require("flops")
    with pytest.raises(ValueError, match=r"^has must"):
        MODELS.mask(has=3)
