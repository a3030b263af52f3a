"""ComputeTrendExplorer on Epoch AI's data: every model on the chart, frontier apart, filters, credit, bad input."""

from __future__ import annotations

import re

import numpy as np
import pytest

from compute_econ import trends
from widgets import ComputeTrendExplorer
from widgets.trends import ALL_DOMAINS

MODELS = trends.load_notable_models()


def explorer(**kw):
    return ComputeTrendExplorer(local_flop_per_s=1e11, **kw)


def text(ex) -> str:
    return re.sub(r"<[^>]+>", "", ex.readout.value)


def plotted(ex) -> list[str]:
    return [m for name in ("notable", "frontier", "unfitted", "earlier") for m in ex.sources[name].data["model"]]


def test_every_model_with_a_compute_estimate_is_on_the_chart_and_frontier_models_apart():
    ex = explorer()
    with_compute = {m for m, c, y in zip(MODELS.model, MODELS.training_flop, MODELS.year, strict=True)
                    if np.isfinite(c) and np.isfinite(y)}
    assert len(with_compute) == 467  # of 468 with an estimate, Llama 4 Behemoth has no publication date yet
    assert sorted(plotted(ex)) == sorted(with_compute)  # each once
    frontier = set(ex.sources["frontier"].data["model"])
    assert frontier == {m for m, f, y, c in zip(MODELS.model, MODELS.is_frontier, MODELS.year, MODELS.training_flop,
                                                strict=True)
                        if f and y >= 2010 and np.isfinite(c)}
    assert "Grok-3" in frontier
    assert min(ex.sources["notable"].data["year"]) >= 2010 and max(ex.sources["earlier"].data["year"]) < 2010
    assert len(ex.sources["unfitted"].data["model"]) == 0
    # the hover shows who, when, how much and how sure
    row = ex.sources["frontier"].data
    i = list(row["model"]).index("GPT-4")
    assert (row["organisation"][i], row["date"][i], row["confidence"][i]) == ("OpenAI", "2023-03-15", "Speculative")
    assert row["value"][i] == pytest.approx(2.1e25)
    from bokeh.models import HoverTool
    tips = dict(ex._figure.select_one({"type": HoverTool}).tooltips)
    assert {"model", "by", "published", "value", "Epoch's confidence"} <= set(tips)


def test_the_plot_credits_epoch_ai():
    ex = explorer()
    below = [t.text for t in ex._figure.below if hasattr(t, "text")]
    assert MODELS.credit in below and "CC-BY 4.0" in MODELS.credit and "Epoch AI" in MODELS.credit


def test_domain_filter_keeps_only_that_domain_and_refits():
    ex = explorer()
    all_n = ex.fit.n
    ex.controls["domain"].value = "Language"
    shown = [d for name in ("notable", "frontier", "unfitted", "earlier") for d in ex.sources[name].data["domain"]]
    assert len(shown) > 100 and all("Language" in d for d in shown)
    want = trends.fit_notable_trend(domain="Language", start_year=2010)
    assert ex.fit.n == want.n < all_n
    assert ex.fit.growth_per_year == pytest.approx(want.growth_per_year)
    assert "language models" in text(ex)
    ex.controls["domain"].value = ALL_DOMAINS
    assert ex.fit.n == all_n


def test_frontier_only_fits_the_frontier_and_fades_the_rest():
    ex = explorer(frontier_only=True)
    assert len(ex.sources["notable"].data["model"]) == 0
    assert min(ex.sources["unfitted"].data["year"]) >= 2010  # the rest of the window, shown in grey
    items = {i.label.value: i.visible for i in ex._figure.legend.items}
    assert items["other notable models (not fitted)"] and not items["notable models"]
    want = trends.fit_notable_trend(frontier_only=True, start_year=2010)
    assert ex.fit.n == want.n == len(ex.sources["frontier"].data["model"])
    assert len(plotted(ex)) == int((np.isfinite(MODELS.training_flop) & np.isfinite(MODELS.year)).sum())  # faded


def test_quantity_switches_axis_readout_and_hides_your_machine():
    ex = explorer(quantity="training_cost_usd_2023", frontier_only=True, start_year=2016)
    assert ex._figure.yaxis.axis_label.startswith("amortised cost")
    assert ex.sources["local"].data["value"] == [] and not ex._local_line.visible
    want = trends.fit_notable_trend(MODELS, "training_cost_usd_2023", start_year=2016, frontier_only=True)
    assert ex.fit.growth_per_year == pytest.approx(want.growth_per_year)
    assert "amortised cost of the final training run" in text(ex) and "in 2023 dollars" in text(ex)
    assert not {i.label.value: i.visible for i in ex._figure.legend.items}["your machine, running for a year"]
    ex.controls["quantity"].value = "training_flop"
    assert ex._local_line.visible and len(ex.sources["local"].data["value"]) == 2
    assert "Your machine" in text(ex)


def test_a_selection_too_small_to_fit_says_so_and_keeps_the_last_picture():
    ex = explorer(frontier_only=True)
    before = {k: list(v) for k, v in ex.sources["trend"].data.items()}
    ex.controls["start_year"].value = 2022
    at_2022 = {k: list(v) for k, v in ex.sources["trend"].data.items()}
    fit_2022 = ex.fit
    ex.controls["domain"].value = "Biology"  # no frontier biology model since 2022
    assert "Too few frontier biology models" in text(ex) and "last combination" in text(ex)
    assert ex.error is not None and "Too few frontier biology models" in ex.error
    # The plot keeps the last fit it could make (2022, all domains), and so do the result and fit.
    assert {k: list(v) for k, v in ex.sources["trend"].data.items()} == at_2022
    assert ex.fit is fit_2022
    ex.controls["domain"].value = ALL_DOMAINS
    assert "Fitted to" in text(ex) and ex.error is None
    assert before != {k: list(v) for k, v in ex.sources["trend"].data.items()}  # 2022 fit differs from 2010


def test_a_newer_epoch_download_can_be_passed(tmp_path):
    table = trends.notable._data.read_csv(None, trends.EPOCH_SNAPSHOT_FILE)
    p = tmp_path / "notable_ai_models.csv"
    p.write_text(",".join(f'"{h}"' for h in table.header) + "\n"
                 + "\n".join(",".join('"' + r.fields[h].replace('"', '""') + '"' for h in table.header)
                             for r in table.rows[:200]) + "\n", encoding="utf-8")
    m = trends.load_notable_models(p)
    ex = ComputeTrendExplorer(local_flop_per_s=1e11, models=m)
    assert len(plotted(ex)) == int((np.isfinite(m.training_flop) & np.isfinite(m.year)).sum())
    assert "file notable_ai_models.csv" in m.credit
    assert m.credit in [t.text for t in ex._figure.below if hasattr(t, "text")]


@pytest.mark.parametrize("kwargs, words", [
    (dict(year=2040), "year must be"), (dict(year=2030.5), "year must be"), (dict(start_year=2017), "start_year"),
    (dict(quantity="flops"), "quantity"), (dict(level=0.99), "level"), (dict(domain="Poetry"), "domain"),
    (dict(frontier_only="yes"), "frontier_only"), (dict(local_flop_per_s=-1.0), "local_flop_per_s"),
    (dict(models="epoch.csv"), "models"),
])
def test_bad_arguments_are_refused_with_the_valid_range(kwargs, words):
    args = dict(local_flop_per_s=1e11) | kwargs
    with pytest.raises(ValueError, match=words):
        ComputeTrendExplorer(**args)
