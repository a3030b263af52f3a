"""The plots' text equivalent (issue 16; WCAG 2.1 SC 1.1.1 and 1.3.1): widgets/describe.py and its place in Explorer.

* ``describe_figure`` names the title, the axis labels ("log scale" on a log axis) and each visible
  series by its legend label, and leaves invisible or empty series out; it follows updates that
  relabel an axis or show and hide a series.
* ``figure_tables``: one captioned table per visible series, headers from the axis labels, at most
  ``max_rows`` rows (thinned evenly, said in the caption), the data sources' own numbers, never "nan".
* The explorer: one screen-reader-only description per figure after its layout, kept up to date
  (written again only when a change can alter it), and a live-only toggle that fills and empties a
  table view; a refusal keeps both.
* Every figure of all the explorers gets a description and tables, and the kept-up-to-date
  descriptions equal fresh ones at every position of a sweep of every control.
"""

from __future__ import annotations

import html
import re

import ipywidgets as ipw
import numpy as np
import pytest
from bokeh.models import ColumnDataSource, GlyphRenderer
from bokeh.plotting import figure

import widgets
from _explorers import control_values
from widgets import describe
from widgets._base import LIVE_ONLY_CLASS, SR_ONLY_CLASS, Explorer
from widgets._format import number
from widgets.describe import colour_name, describe_figure, figure_tables, figures_of

EXPLORERS = sorted((obj for obj in (getattr(widgets, name) for name in widgets.__all__)
                    if isinstance(obj, type) and issubclass(obj, Explorer) and obj is not Explorer),
                   key=lambda cls: cls.__name__)
#: Without it the trend explorer measures this machine for about a second (as tests/test_explorer_contract.py).
FAST = {widgets.ComputeTrendExplorer: dict(local_flop_per_s=1e11)}

_BUILT: dict[type, Explorer] = {}


def shared(cls) -> Explorer:
    """One explorer per class, for the tests that only read it."""
    if cls not in _BUILT:
        _BUILT[cls] = cls(**FAST.get(cls, {}))
    return _BUILT[cls]


def figures(ex: Explorer) -> list:
    return [fig for view in ex._views for fig in figures_of(view._model)]


def descriptions(ex: Explorer) -> list[str]:
    """What a screen reader meets next to the plots, unescaped."""
    return [html.unescape(w.value) for w in ex._descriptions]


def rows(table: str) -> list[list[str]]:
    """The data rows of one table (cells of ``<td>``), group header rows left out."""
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", table)
            if "<td" in row]


def tables(text: str) -> list[str]:
    return re.findall(r"<table.*?</table>", text, flags=re.S)


# -- the description ---------------------------------------------------------------------------------------------

def test_the_description_names_the_title_the_axes_log_scales_and_the_visible_series():
    ex = widgets.ScalingExplorer()  # the default fit: the replication's dotted line is hidden
    iso, tpp = figures(ex)
    text = describe_figure(iso)
    assert text.startswith("IsoFLOP curves: loss for each model size at a fixed budget. ")
    assert "predicted loss (nats/token) against parameters N (log scale)" in text  # y is linear, x is log
    for label in ("optimum per budget", "your budget", "notable models (at their own N, D)"):
        assert f"{label} as " in text
    assert "your budget as a red line" in text and "grey dots" in text
    assert "markers in three colours and three shapes" in text  # a marker per model, its second cue
    text = describe_figure(tpp)
    assert "tokens per parameter D/N (log scale) against training compute C (FLOP) (log scale)" in text
    assert "compute-optimal (this fit) as a grey line" in text
    assert "replication" not in text  # its renderer and legend item are invisible under the default fit


def test_descriptions_follow_an_update_that_hides_or_shows_a_series():
    ex = widgets.ScalingExplorer()
    assert "notable models" in descriptions(ex)[0] and "markers" in descriptions(ex)[1]
    ex.controls["show_models"].value = False  # the models' source empties: nothing of them is drawn
    assert "notable models" not in descriptions(ex)[0] and "markers" not in descriptions(ex)[1]
    ex.controls["fit"].value = "hoffmann2022"  # the replication's line becomes visible
    assert "the replication (Besiroglu et al. 2024) as a dotted grey line" in descriptions(ex)[1]
    ex.set(show_models=True, fit=widgets.scaling.DEFAULT_FIT_KEY)
    assert "notable models" in descriptions(ex)[0] and "replication" not in descriptions(ex)[1]


def test_an_invisible_series_is_left_out_even_with_its_data():
    ex = widgets.ScalingExplorer(fit="hoffmann2022")  # the replication's line is drawn, for comparison
    tpp = figures(ex)[1]
    assert "replication" in descriptions(ex)[1] and "replication" in figure_tables(tpp)
    ex._reference_line.visible = False  # hidden with its data kept (its legend item still visible)
    ex._describe()  # what follows every update
    assert len(ex.sources["reference"].data["compute_flop"]) > 0
    assert "replication" not in descriptions(ex)[1] and "replication" not in figure_tables(tpp)
    assert "dotted" not in descriptions(ex)[1]
    ex._reference_line.visible = True
    for item in ex._reference_legend:
        item.visible = False  # drawn, but not in the legend: an unlabelled dotted line
    ex._describe()
    assert "replication" not in descriptions(ex)[1] and "also a dotted grey line" in descriptions(ex)[1]


def test_descriptions_follow_an_update_that_changes_a_title_or_an_axis_label():
    ex = widgets.PlannerExplorer()
    figs = figures(ex)
    seen = set()
    for value in control_values(ex.controls["n_accelerators"]):
        ex.controls["n_accelerators"].value = value
        if ex.error is not None:
            continue
        for fig, text in zip(figs, descriptions(ex), strict=True):
            assert text == f"Figure: {describe_figure(fig, figs)}"
            assert fig.title.text.rstrip(".") in text
            assert all(ax.axis_label in text for ax in fig.xaxis + fig.yaxis if ax.axis_label)
        seen.add(tuple(ax.axis_label for fig in figs for ax in fig.xaxis + fig.yaxis))
    assert len(seen) > 1, "the sweep never changed an axis label: the test would show nothing"


def test_an_axis_without_a_label_takes_the_label_of_the_figure_sharing_its_range():
    """The stacked histograms of the contract explorer label only the bottom one's shared cost axis."""
    ex = shared(widgets.ContractVsSpotExplorer)
    figs = figures(ex)
    top = next(f for f in figs if not f.xaxis[0].axis_label and f.x_range is not None
               and any(g is not f and g.x_range is f.x_range for g in figs))
    label = next(g.xaxis[0].axis_label for g in figs if g is not top and g.x_range is top.x_range)
    assert label and label in describe_figure(top, figs)
    assert "an unlabelled axis" in describe_figure(top)  # without its siblings there is no label to take


@pytest.mark.parametrize("colour, word", [
    ("#c81d25", "red"), ("red", "red"), ("#ff0000", "red"), ("#ffa500", "orange"), ("#008000", "dark green"), ("#2ca02c", "green"),
    ("#0000ff", "blue"), ("navy", "dark blue"), ("#808080", "grey"), ("#52606d", "grey"), ("#000000", "black"),
    ("white", "white"), ("#8b4513", "brown"), ("purple", "dark purple"), ("#9467bd", "purple"), ("hotpink", "pink"), ("#e377c2", "pink"), ((255, 0, 0), "red"), ("#f00", "red"),
])
def test_colours_are_named_in_words(colour, word):
    assert colour_name(colour) == word


@pytest.mark.parametrize("colour", [None, "not-a-colour", "#12", 3.0, "color"])
def test_what_is_not_a_colour_has_no_name(colour):
    assert colour_name(colour) is None


# -- the tables ----------------------------------------------------------------------------------------------------

def _figure(n: int, y=None):
    fig = figure(title="A test figure", x_axis_label="tokens", y_axis_label="loss (nats)", y_axis_type="log")
    x = np.linspace(0.0, 1.0, n) * 1e3
    source = ColumnDataSource(dict(x=x, y=np.linspace(1.0, 2.0, n) if y is None else y))
    fig.line("x", "y", source=source, color="navy", legend_label="a curve")
    return fig, source


def test_a_long_series_is_thinned_evenly_and_the_caption_says_so():
    fig, source = _figure(201)
    (table,) = tables(figure_tables(fig, max_rows=51))
    assert "<caption>a curve; every 4th of 201 points</caption>" in table
    got = rows(table)
    assert len(got) == 51
    kept = np.arange(0, 201, 4)
    assert [r[0] for r in got] == [number(float(v)) for v in source.data["x"][kept]]  # the first and the last kept
    (table,) = tables(figure_tables(fig, max_rows=201))
    assert len(rows(table)) == 201 and "every" not in table


def test_the_header_row_is_the_axis_labels_and_missing_values_are_a_dash():
    y = np.linspace(1.0, 2.0, 5)
    y[2] = np.nan
    y[3] = np.inf
    fig, _ = _figure(5, y)
    (table,) = tables(figure_tables(fig))
    assert re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table) == ["tokens", "loss (nats)"]
    assert "nan" not in table.lower() and "inf" not in table.lower()
    assert [r[1] for r in rows(table)][2:4] == ["—", "—"]


@pytest.mark.parametrize("bad", [1, 0, -5, 2.5, True, "50", None])
def test_max_rows_must_be_a_whole_number_of_at_least_two(bad):
    fig, _ = _figure(5)
    with pytest.raises(ValueError, match=r"max_rows.*at least 2.*" + re.escape(repr(bad))):
        figure_tables(fig, max_rows=bad)


def test_the_tables_show_the_data_sources_numbers():
    ex = widgets.ScalingExplorer()
    iso, tpp = figures(ex)
    text = figure_tables(tpp)
    models = ex.sources["models"].data
    (table,) = [t for t in tables(text) if "markers" in t]  # the notable models: named by their label set
    assert re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table) == [
        "label", "training compute C (FLOP)", "tokens per parameter D/N"]
    assert rows(table) == [[name, number(float(c)), number(float(t))] for name, c, t in
                           zip(models["name"], models["compute_flop"], models["tokens_per_param"], strict=True)]
    (table,) = [t for t in tables(figure_tables(iso)) if "<caption>your budget" in t]
    curve = ex.sources["budget_curve"].data
    got = rows(table)
    step = int(re.search(r"every (\d+)\w\w of (\d+) points", table).group(1))
    assert got[1] == [number(float(curve["n_params"][step])), number(float(curve["loss"][step]))]
    assert len(got) <= describe.MAX_ROWS


def test_a_multi_line_is_one_row_group_per_line_within_max_rows():
    ex = shared(widgets.ScalingExplorer)
    iso = figures(ex)[0]
    (table,) = [t for t in tables(figure_tables(iso, max_rows=44)) if "grey lines" in t]
    n_lines = len(ex.sources["curves"].data["xs"])
    assert table.count('scope="rowgroup"') == n_lines and f"line {n_lines} of {n_lines}" in table
    assert len(rows(table)) <= 44
    first = ex.sources["curves"].data["xs"][0]
    assert rows(table)[0][0] == number(float(first[0]))


# -- in the explorer -----------------------------------------------------------------------------------------------

def test_each_figure_has_a_screen_reader_description_after_the_layout_before_the_style():
    ex = shared(widgets.PlannerExplorer)
    children = ex.widget.children
    texts = [c for c in children if SR_ONLY_CLASS in c._dom_classes]
    assert texts == ex._descriptions and len(texts) == len(figures(ex)) == 4
    first = children.index(texts[0])
    assert children[first:first + 4] == tuple(texts)
    assert children[first + 4] is ex._data_toggle and children[first + 5] is ex._data_tables
    assert children[-1].layout.display == "none" and "<style>" in children[-1].value  # the style stays last
    assert any(isinstance(c, widgets._base.BatchedBokehModel) for c in children[:first])
    for fig, text in zip(figures(ex), descriptions(ex), strict=True):
        assert text.startswith(f"Figure: {fig.title.text.rstrip('.')}. ")
    assert LIVE_ONLY_CLASS in ex._data_toggle._dom_classes and LIVE_ONLY_CLASS in ex._data_tables._dom_classes
    assert isinstance(ex._data_toggle, ipw.ToggleButton) and ex._data_toggle.description == "Show the data as tables"
    assert ex._data_toggle.tooltip


def test_the_toggle_fills_and_empties_the_tables_and_they_follow_updates():
    ex = widgets.ScalingExplorer()
    assert ex._data_tables.value == ""
    ex.controls["budget"].value = 1e22  # while off: nothing is written
    assert ex._data_tables.value == ""
    ex._data_toggle.value = True
    shown = ex._data_tables.value
    assert len(tables(shown)) == sum(len(tables(figure_tables(f))) for f in figures(ex)) > 0
    ex.controls["budget"].value = 1e25
    assert ex._data_tables.value != shown
    assert ex._data_tables.value == "".join(
        f'<div role="group" aria-label="{html.escape("Data of the figure: " + f.title.text, quote=True)}">'
        f"{figure_tables(f, siblings=figures(ex))}</div>" for f in figures(ex))
    ex._data_toggle.value = False
    assert ex._data_tables.value == ""


def test_a_refusal_keeps_the_description_and_the_tables():
    """A real refusal: no frontier biology model since 2022 to fit (tests/test_explorer_contract.py)."""
    ex = widgets.ComputeTrendExplorer(frontier_only=True, start_year=2022, local_flop_per_s=1e11)
    ex._data_toggle.value = True
    before = descriptions(ex), ex._data_tables.value
    assert before[1]
    ex.controls["domain"].value = "Biology"
    assert ex.error is not None
    assert (descriptions(ex), ex._data_tables.value) == before


def test_a_move_that_changes_no_described_property_writes_no_description(monkeypatch):
    """The update's cost: a budget move changes data values, a span and ticks, none of which a description says."""
    ex = widgets.ScalingExplorer()
    written = []
    part = describe._part
    monkeypatch.setattr(describe, "_part", lambda *args: written.append(args[0]) or part(*args))
    for value in (1e20, 1e24, 3e26):
        ex.controls["budget"].value = value
    assert written == []
    ex.controls["show_models"].value = False  # a series empties: its figures' series are written again
    assert sorted(written) == ["series", "series"]


@pytest.mark.parametrize("cls", [widgets.PlannerExplorer, widgets.ParallelismExplorer, widgets.GoodputExplorer],
                         ids=lambda c: c.__name__)
def test_a_part_of_a_description_is_written_again_only_when_its_words_change(cls, monkeypatch):
    """Ranges, ticks and data values move at every update (the planner's cost axis, the goodput axes) and are not
    described: they must not make a description be written again; a new title or axis label must."""
    ex = cls()
    parts = {}
    for d in ex._described:
        for fig in d.figures:
            for name in describe._PARTS:
                parts[(fig.id, name)] = describe._part(name, fig, d.figures)
    unchanged = []
    part = describe._part

    def watched(name, fig, siblings):
        text = part(name, fig, siblings)
        if parts.get((fig.id, name)) == text:
            unchanged.append((fig.title.text, name))
        parts[(fig.id, name)] = text
        return text

    monkeypatch.setattr(describe, "_part", watched)
    primary = next(c for c in ex.controls.values() if widgets._base.PRIMARY_SLIDER_CLASS in c._dom_classes)
    for value in control_values(primary):
        primary.value = value
    assert not unchanged, f"written again with the same words: {unchanged}"


# -- every explorer ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_every_figure_of_every_explorer_gets_a_description_and_tables(cls):
    ex = shared(cls)
    figs = figures(ex)
    assert figs and len(ex._descriptions) == len(figs)
    for fig, text in zip(figs, descriptions(ex), strict=True):
        assert text.startswith("Figure: ") and " It plots " in text and "unlabelled axis" not in text, text
        assert "nan" not in text.lower()
        shown = figure_tables(fig, max_rows=20, siblings=figs)
        assert tables(shown), f"{cls.__name__}: {fig.title.text!r} has no table"
        for table in tables(shown):
            assert "<caption>" in table and '<th scope="col"' in table
            assert 0 < len(rows(table)) <= max(20, 2 * table.count('scope="rowgroup"'))
            assert "nan" not in table.lower()


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_kept_descriptions_equal_fresh_ones_over_every_control(cls):
    """The descriptions written again only after a described change (FigureDescriptions) are, at every position of
    every control (its ends and middle), what describing each figure afresh gives."""
    ex = cls(**FAST.get(cls, {}))
    figs = figures(ex)
    for name, control in ex.controls.items():
        values = control_values(control)
        for value in (values[0], values[len(values) // 2], values[-1]):
            control.value = value
            fresh = [f"Figure: {html.escape(describe_figure(fig, figs))}" for fig in figs]
            assert [w.value for w in ex._descriptions] == fresh, f"{cls.__name__}: {name}={value!r}"


def test_every_property_a_description_reads_is_one_it_watches(monkeypatch):
    """FigureDescriptions writes a description again after a change to a property in DESCRIBED_PROPERTIES: every
    property describe_figure reads must be there, and the fast reader must give what Bokeh gives."""
    reads = []
    fast = describe._prop
    monkeypatch.setattr(describe, "_prop", lambda model, name: reads.append((model, name)) or fast(model, name))
    for cls in EXPLORERS:
        figs = figures(shared(cls))
        for fig in figs:
            describe_figure(fig, figs)
    assert len(reads) > 1000
    missing = {(type(m).__name__, name) for m, name in reads if not describe._described_property(m, name)}
    assert not missing, f"read but not watched: {sorted(missing)}"
    for model, name in reads:
        assert widgets._base._same_column(fast(model, name), getattr(model, name)), (type(model).__name__, name)


def test_glyph_renderers_drawn_from_no_column_count_as_one_thing():
    fig = figure(title="t", x_axis_label="x", y_axis_label="y")
    fig.hspan(y=[2.0], color="red", legend_label="a limit")
    renderer = next(r for r in fig.renderers if isinstance(r, GlyphRenderer))
    assert describe.drawn_as(renderer) == "a red horizontal line"
    assert "a limit as a red horizontal line" in describe_figure(fig)


def test_a_marker_per_point_is_described_by_its_shapes():
    fig = figure(title="t", x_axis_label="x", y_axis_label="y")
    source = ColumnDataSource(dict(x=[1.0, 2.0], y=[1.0, 2.0], marker=["diamond", "square"], color=["red", "blue"]))
    fig.scatter("x", "y", source=source, marker="marker", color="color", legend_label="models")
    assert "models as markers in two colours and two shapes" in describe_figure(fig)
    source.data = dict(x=[1.0, 2.0], y=[1.0, 2.0], marker=["diamond", "diamond"], color=["red", "red"])
    assert "models as red diamonds" in describe_figure(fig)
