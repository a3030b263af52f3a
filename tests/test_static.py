"""The book's explorers (widgets.static): every precomputed position is what the live explorer computes there.

The browser side (moving a Bokeh slider in a book page swaps the picture and the readout) is in
tests/browser/test_book.py; here the recording itself is checked against live explorers, position by
position, and the book mode of Predict, check and setup_notebook.
"""

from __future__ import annotations

import json
import math
import re

import ipywidgets as ipw
import numpy as np
import pytest

from bokeh.models import Div

import widgets
from widgets import book, static
from widgets._base import LIVE_ONLY_CLASS, READOUT_CLASS, SR_ONLY_CLASS, SR_ONLY_CSS, _same_column, accessible_name

EXPLORERS = sorted(n for n in widgets.__all__ if n.endswith("Explorer") and n != "Explorer")
#: Arguments that make an explorer deterministic: the trend explorer otherwise measures this machine's FLOP/s.
ARGS = {"ComputeTrendExplorer": {"local_flop_per_s": 5e10}}


def make(name: str):
    return getattr(widgets, name)(**ARGS.get(name, {}))


def _same_data(a: dict, b: dict) -> bool:
    """The same columns with the same values (NaN equal to NaN; arrays inside lists compared one by one)."""
    return a.keys() == b.keys() and all(_same_column(a[k], b[k]) for k in a)


def _recorded_source(recorded: static.StaticExplorer, name: str, k: int) -> dict:
    source = recorded.explorer.sources[name]
    for track in recorded.tracks:
        if track.model is source and track.prop == "data":
            return recorded.value_at(track, k)
    return dict(source.data)  # never moved: what it holds now


def _recorded_readout(recorded: static.StaticExplorer, k: int) -> str:
    for track in recorded.tracks:
        if track.model is recorded.explorer.readout:
            return recorded.value_at(track, k)
    return recorded.explorer.readout.value


@pytest.fixture(scope="module")
def recordings():
    return {name: static.static_explorer(make(name)) for name in EXPLORERS}


@pytest.mark.parametrize("name", EXPLORERS)
def test_every_position_is_what_the_live_explorer_computes(name, recordings):
    recorded = recordings[name]
    n = recorded.n_positions
    assert n >= 10, f"{name}: only {n} positions precomputed"
    rng = np.random.default_rng(0)
    start_k = int(np.ravel_multi_index(recorded.start, recorded.sizes))
    picks = sorted({0, n - 1, start_k, *rng.integers(0, n, 2).tolist()})
    compared = 0
    for k in picks:
        live = make(name)
        live.set(**recorded.position(k))
        assert _recorded_readout(recorded, k) == live.readout.value, f"{name}: readout differs at {recorded.position(k)}"
        assert recorded.refused[k] == (live.error is not None)
        if live.error is not None:  # refused there: the live explorer keeps its own last picture
            continue
        for source in live.sources:
            assert _same_data(_recorded_source(recorded, source, k), dict(live.sources[source].data)), \
                f"{name}: source {source!r} differs at {recorded.position(k)}"
        compared += 1
    assert compared >= 2, f"{name}: the model refused most of the sampled positions"
    # As live, a refused position says why and keeps the last picture; the book should show mostly pictures.
    # (The parallelism explorer refuses a third: more data-parallel replicas than the global batch has sequences.)
    assert sum(recorded.refused) <= n / 3, f"{name}: the model refuses {sum(recorded.refused)} of {n} positions"


@pytest.mark.parametrize("name", EXPLORERS)
def test_the_picture_and_the_readout_move_over_the_grid(name, recordings):
    """Every gridded control changes the readout somewhere, and some data source moves."""
    recorded = recordings[name]
    moving_sources = [t for t in recorded.tracks if t.prop == "data" and len(t.values) > 1]
    assert moving_sources, f"{name}: no data source changes over the grid"
    readout = [t for t in recorded.tracks if t.model is recorded.explorer.readout]
    assert readout and len(readout[0].values) > 1
    for i, control in enumerate(recorded.grid):
        idx = np.array([np.unravel_index(k, recorded.sizes) for k in range(recorded.n_positions)])
        texts = {recorded.value_at(readout[0], k) for k in range(recorded.n_positions) if idx[k, i] == 0} \
            | {recorded.value_at(readout[0], k) for k in range(recorded.n_positions) if idx[k, i] == recorded.sizes[i] - 1}
        assert len(texts) > 1, f"{name}: moving {control} never changes the readout"


def test_position_order_is_the_one_the_page_computes():
    """The page combines the widgets' indices as k = k * size + index, first control first (C order)."""
    recorded = static.static_explorer(widgets.ScalingExplorer())
    sizes = recorded.sizes
    for k in (0, 1, sizes[-1], recorded.n_positions - 1):
        idx = np.unravel_index(k, sizes)
        js_k = 0
        for size, i in zip(sizes, idx, strict=True):
            js_k = js_k * size + int(i)
        assert js_k == k
        assert recorded.position(k) == {name: values[i] for (name, values), i in zip(recorded.grid.items(), idx,
                                                                                     strict=True)}


def test_the_document_holds_the_explorers_figures_and_bokeh_controls():
    explorer = widgets.PlannerExplorer()
    recorded = static.static_explorer(explorer)
    from bokeh.models import CustomJS, Select, Slider

    models = list(recorded.layout.references())
    sliders = [m for m in models if isinstance(m, Slider)]
    selects = [m for m in models if isinstance(m, Select)]
    assert [s.name for s in sliders] == ["n_accelerators"] and [s.name for s in selects] == ["strategy"]
    assert sliders[0].end == len(recorded.grid["n_accelerators"]) - 1
    assert sliders[0].value == recorded.start[1]
    assert {view._model for view in explorer._views} <= set(models)
    callbacks = [m for m in models if isinstance(m, CustomJS)]
    assert len(callbacks) == 1 and len(callbacks[0].args["targets"]) == len(
        [t for t in recorded.tracks if not isinstance(t.model, ipw.Widget) or t.model.layout.display != "none"])


def test_slider_positions_keep_the_start_and_the_ends():
    control = widgets.ScalingExplorer().controls["budget"]
    values = static.slider_positions(control, most=9)
    assert control.value in values and len(values) <= 10
    assert math.isclose(values[0], control.base ** control.min) and math.isclose(values[-1], control.base ** control.max)
    assert values == sorted(values)
    small = ipw.IntSlider(value=3, min=1, max=5)
    assert static.slider_positions(small) == [1, 2, 3, 4, 5]
    with pytest.raises(ValueError, match="most must be at least 2"):
        static.slider_positions(small, most=1)


def test_bad_grids_are_refused_by_name():
    explorer = widgets.ScalingExplorer()
    with pytest.raises(ValueError, match="'nope' is not a control of ScalingExplorer"):
        static.record(explorer, {"nope": [1]})
    with pytest.raises(ValueError, match="control 'budget' has no positions"):
        static.record(explorer, {"budget": []})
    with pytest.raises(ValueError, match="starts at .* not one of its positions"):
        static.record(explorer, {"budget": [1e21, 1e22]})
    market = widgets.ConcentrationExplorer()
    with pytest.raises(ValueError, match="moves lead_share, merge_a, merge_b too"):
        static.record(market, {"market": static.option_values(market.controls["market"])})


@pytest.mark.parametrize(("fmt", "value", "text"), [
    ("$,.0f", 27500.0, "$27,500"), ("$.2f", 3.49, "$3.49"), (".0%", 0.4, "40%"), (".1%", 0.08, "8.0%"),
    (".2e", 7e10, "7.00e+10"), (",.0f", 4096.0, "4,096"), (",.3r", 12345.0, "12,300"), (".3r", 0.012345, "0.0123"),
])
def test_readout_labels_read_as_the_live_slider_writes_them(fmt, value, text):
    control = ipw.FloatSlider(value=value, min=0, max=1e12, readout_format=fmt)
    assert static.readout_label(control, value) == text


def test_menu_labels_are_the_options_labels():
    control = ipw.Dropdown(options=[("own it", "own"), ("rent it", "spot")], value="own")
    assert static.readout_label(control, "spot") == "rent it"


# -- book mode ------------------------------------------------------------------------------------------------

@pytest.fixture
def in_book(monkeypatch):
    monkeypatch.setenv(book.ENV, "lessons/07_capstone_secure_the_compute.ipynb")


def test_outside_the_book_nothing_changes(monkeypatch):
    monkeypatch.delenv(book.ENV, raising=False)
    assert not book.in_book()
    assert "application/vnd.jupyter.widget-view+json" in widgets.Predict("q?", 1.0)._repr_mimebundle_()


def test_an_explorer_in_the_book_is_a_static_document(in_book):
    bundle = widgets.ScalingExplorer()._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}
    html_text = bundle["text/html"]
    assert 'data-explorer="ScalingExplorer"' in html_text and "Bokeh.embed.embed_items" in html_text
    loads = re.findall(r"""(?:src|href)=["'](https?:[^"']+)""", html_text)
    assert all(url.startswith("https://mybinder.org/") for url in loads), loads  # links to the live lesson only


def test_predict_in_the_book_asks_without_computing_the_answer(in_book):
    def answer() -> float:
        raise AssertionError("the answer was computed")

    bundle = widgets.Predict("How many?", answer, unit="GPUs")._repr_mimebundle_()
    assert "widget-view" not in str(bundle)
    assert "How many?" in bundle["text/html"] and "mybinder.org" in bundle["text/html"]
    assert "lessons/07_capstone_secure_the_compute.ipynb" in bundle["text/html"]


def test_check_in_the_book_never_gives_the_answer(in_book):
    from widgets.exercises import EXERCISES

    for exercise_id, exercise in EXERCISES.items():
        expected = exercise.expected()
        feedback = widgets.check(exercise_id, expected)  # even the right answer: the page says where to check
        assert feedback.correct is None
        assert str(expected) not in feedback.message and "live lesson" in feedback.message


def test_setup_notebook_in_the_book_shows_nothing(in_book, capsys):
    shown = []
    import IPython.display

    original = IPython.display.display
    IPython.display.display = lambda *a, **k: shown.append(a)
    try:
        widgets.setup_notebook()
    finally:
        IPython.display.display = original
    assert shown == []


def test_bokeh_files_are_the_installed_ones():
    files = book.bokeh_js_files()
    assert [f.name for f in files] == ["bokeh.min.js", "bokeh-widgets.min.js"]
    assert all(f.stat().st_size > 100_000 for f in files)


def test_the_readout_keeps_its_class_in_the_book_and_is_a_polite_live_region():
    """A screen reader announces the readout's new text after a move: role "status" (WAI-ARIA 1.2, 5.3.2: an
    implicit aria-live "polite"), on the Div's element."""
    recorded = static.static_explorer(widgets.RooflineExplorer())
    divs = [m for m in recorded.layout.references() if READOUT_CLASS in getattr(m, "css_classes", [])]
    assert len(divs) == 1
    assert divs[0].html_attributes == {"role": "status", "aria-live": "polite"}
    others = [m for m in recorded.layout.references() if isinstance(m, Div) and m is not divs[0]]
    assert others and not any(m.html_attributes.get("role") == "status" for m in others)


def _plain_text(html_text: str) -> str:
    return re.sub(r"<[^>]+>", "", html_text)


def test_live_only_widgets_stay_out_of_the_book_and_screen_reader_text_comes_through():
    """What needs a kernel (class ce-live-only: a "Show the data as tables" toggle, its tables, a box of them) is
    left out of the book's copy; a text for screen readers only (class ce-sr-only) comes through as a Div with
    the class, and follows the positions as the live one follows the updates."""
    explorer = widgets.ScalingExplorer()
    described = ipw.HTML("Test description: loss against compute")
    described.add_class(SR_ONLY_CLASS)
    explorer.readout.observe(lambda change: setattr(described, "value", "Test description: " + _plain_text(change["new"])),
                             names="value")
    toggle = ipw.ToggleButton(description="Show the data as tables")
    tables = ipw.HTML("<table><caption>a live-only table</caption></table>")
    boxed = ipw.VBox([ipw.HTML("a text in a live-only box")])
    for widget in (toggle, tables, boxed):
        widget.add_class(LIVE_ONLY_CLASS)
    explorer.widget.children = (*explorer.widget.children, described, toggle, tables, boxed)
    recorded = static.static_explorer(explorer)
    from bokeh.models import AbstractButton, CustomJS

    models = list(recorded.layout.references())
    texts = " ".join(m.text for m in models if isinstance(m, Div))
    assert "a live-only table" not in texts and "a text in a live-only box" not in texts
    assert not any(isinstance(m, AbstractButton) for m in models)
    # (the explorers' own plot descriptions, widgets.describe, are screen-reader texts too: this one is the test's)
    hidden = [m for m in models if isinstance(m, Div) and SR_ONLY_CLASS in m.css_classes
              and m.text.startswith("Test description: ")]
    assert len(hidden) == 1
    callback = next(m for m in models if isinstance(m, CustomJS))
    at = callback.args["targets"].index(hidden[0])
    assert callback.args["props"][at] == "text" and len(callback.args["values"][at]) > 1  # it moves with the grid


def test_the_book_hides_screen_reader_text_as_the_live_explorers_do():
    assert SR_ONLY_CSS in book.BOOK_CSS and f".{SR_ONLY_CLASS} {{" in SR_ONLY_CSS
    assert "clip: rect(0 0 0 0)" in SR_ONLY_CSS and "position: absolute" in SR_ONLY_CSS


@pytest.mark.parametrize("name", ["PlannerExplorer", "ScalingExplorer"])
def test_each_book_control_carries_its_accessible_name_and_its_labels(name):
    """The page script (static.CONTROLS_JS) names each control with the live control's accessible name (the
    planner's tooltips, the scaling explorer's descriptions) and gives a slider's handle the label it shows."""
    from bokeh.models import CheckboxGroup, RadioButtonGroup, Select, Slider

    explorer = make(name)
    recorded = static.static_explorer(explorer)
    controls = {m.name: m for m in recorded.layout.references()
                if isinstance(m, (Slider, Select, RadioButtonGroup, CheckboxGroup))}
    assert set(controls) == set(recorded.grid)
    besides = []
    for control_name, values in recorded.grid.items():
        live, model = explorer.controls[control_name], controls[control_name]
        assert model.html_attributes[static.NAME_ATTR] == accessible_name(live)
        if isinstance(model, Slider):
            spoken = json.loads(model.html_attributes[static.LABELS_ATTR])
            if live.readout:  # what the slider shows next to its title
                assert spoken == [static.readout_label(live, v) for v in values] == model.format.args["labels"]
            else:  # it shows none: the explorer writes the value beside it (the planner's "1,000"), read that
                fresh = make(name)
                beside = []
                for value in values:
                    fresh.controls[control_name].value = value
                    beside.append(_plain_text(fresh.value_labels[control_name].value))
                assert spoken == beside
                besides.append(control_name)
        assert any("outline: 2px solid" in sheet.css for sheet in model.stylesheets)  # a visible focus
    names = {m.html_attributes[static.NAME_ATTR] for m in controls.values()}
    if name == "PlannerExplorer":  # tooltips, not the short labels, and a slider whose value is written beside it
        assert names == {explorer.controls[n].tooltip for n in recorded.grid} and besides == ["n_accelerators"]
    for attribute in (static.NAME_ATTR, static.LABELS_ATTR, f".{static.STATIC_CLASS}-host"):
        assert json.dumps(attribute) in static.CONTROLS_JS


def test_a_grid_that_starts_where_the_explorer_starts_records_its_first_position():
    """Nothing changes at the first position, so every property is first seen moving later: the positions
    before that must show what the explorer showed before the walk (the picture the lesson opens on)."""
    explorer = widgets.ScalingExplorer()
    start_readout = explorer.readout.value
    fits = static.option_values(explorer.controls["fit"])
    start_fit = explorer.controls["fit"].value
    grid = {"fit": [start_fit, *[f for f in fits if f != start_fit]], "budget": [explorer.controls["budget"].value]}
    recorded = static.record(explorer, grid)
    assert _recorded_readout(recorded, 0) == start_readout
    assert _recorded_readout(recorded, 1) != start_readout
    live = widgets.ScalingExplorer()
    for source in live.sources:
        assert _same_data(_recorded_source(recorded, source, 0), dict(live.sources[source].data)), source
