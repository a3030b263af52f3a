"""Explorers driven without a browser: every control over its range, ends included.

Setting a control's ``.value`` runs the same observer a learner's drag runs, so
these tests exercise the real update path; the browser suite then checks that
the same changes reach BokehJS.
"""

from __future__ import annotations

import re

import ipywidgets as ipw
import numpy as np
import pytest

from compute_econ import costs, hardware, scaling, training, trends
from widgets import (BuildOutExplorer, ComputeTrendExplorer, ConcentrationExplorer, ContractVsSpotExplorer,
                     RooflineExplorer, ScalingExplorer, ScalingLimitsExplorer, ScarcityMarketExplorer, SupplyChainExplorer,
                     TrainingCostExplorer)
from widgets._base import PRIMARY_SLIDER_CLASS, READOUT_CLASS

LOCAL_FLOP_PER_S = 1e11  # a fixed machine for tests: measuring it would make results vary

#: How each explorer is built in tests (its defaults, but a fixed machine for the trend explorer).
FACTORIES = {
    ScalingExplorer: ScalingExplorer,
    ComputeTrendExplorer: lambda: ComputeTrendExplorer(local_flop_per_s=LOCAL_FLOP_PER_S),
    RooflineExplorer: RooflineExplorer,
    TrainingCostExplorer: TrainingCostExplorer,
    SupplyChainExplorer: SupplyChainExplorer,
    BuildOutExplorer: BuildOutExplorer,
    ScarcityMarketExplorer: ScarcityMarketExplorer,
    ContractVsSpotExplorer: ContractVsSpotExplorer,
    ConcentrationExplorer: ConcentrationExplorer,
    ScalingLimitsExplorer: ScalingLimitsExplorer,
}
CLASSES = list(FACTORIES)
#: Explorers whose model refuses some combinations of controls (too few models of a domain to fit a trend):
#: the test of every control accepts the error path there. Every other explorer computes every combination.
MAY_REFUSE = {ComputeTrendExplorer}


# Explorers are built in the tests (not at import: collecting this module built thirty), once per module for
# the tests that only read them and afresh for the tests that move their controls.
_BUILT: dict[type, object] = {}


@pytest.fixture
def explorer(request):
    """A new explorer of the class the test is parametrised with (the test moves its controls)."""
    return FACTORIES[request.param]()


@pytest.fixture
def built(request):
    """One explorer of the parametrised class, shared by the tests that only read it."""
    if request.param not in _BUILT:
        _BUILT[request.param] = FACTORIES[request.param]()
    return _BUILT[request.param]


def each_explorer(fixture: str = "explorer"):
    """Parametrise a test over every explorer class (built by ``fixture``)."""
    return pytest.mark.parametrize(fixture, CLASSES, ids=[c.__name__ for c in CLASSES], indirect=True)


def control_values(control: ipw.ValueWidget) -> list:
    """Both ends and a few interior points of a control's range."""
    if isinstance(control, ipw.FloatLogSlider):
        exps = np.linspace(control.min, control.max, 7)
        return [float(control.base**e) for e in exps]
    if isinstance(control, (ipw.IntSlider, ipw.FloatSlider)):
        vals = np.linspace(control.min, control.max, 6)
        return [type(control.value)(v) for v in vals]
    if isinstance(control, ipw.SelectionSlider):
        opts = [v for _, v in control._options_full] if hasattr(control, "_options_full") else list(control.options)
        return [opts[0], opts[len(opts) // 2], opts[-1]]
    if isinstance(control, (ipw.Dropdown, ipw.ToggleButtons)):
        return [o[1] if isinstance(o, tuple) else o for o in control.options]
    if isinstance(control, ipw.Checkbox):
        return [not control.value, control.value]
    raise AssertionError(f"no test values for {type(control).__name__}")


def numeric_columns(explorer) -> dict[str, np.ndarray]:
    """Every numeric column of every data source, flattened (multi_line columns included)."""
    out = {}
    for sname, source in explorer.sources.items():
        for col, values in source.data.items():
            vals = list(values)
            flat = [np.ravel(np.asarray(v)) for v in vals] if vals and np.ndim(vals[0]) else [np.asarray(vals)]
            arr = np.concatenate(flat) if flat else np.array([])
            if arr.dtype.kind in "fiu":
                out[f"{sname}.{col}"] = arr.astype(float)
    return out


def snapshot(explorer):
    return explorer.readout.value, {k: v.copy() for k, v in numeric_columns(explorer).items()}


@each_explorer()
def test_every_control_over_its_range_keeps_data_finite_and_changes_it(explorer):
    for name, control in explorer.controls.items():
        values = control_values(control)
        changed = 0
        for value in values:
            before = snapshot(explorer)
            if control.value == value:
                continue
            control.value = value
            if explorer.error is not None:  # a refusal: the plots keep the last picture, the readout says why
                assert type(explorer) in MAY_REFUSE, f"{name}={value!r}: the model refused it: {explorer.error}"
                assert all(np.array_equal(before[1][k], v, equal_nan=True) for k, v in numeric_columns(explorer).items())
            cols = numeric_columns(explorer)
            for col, arr in cols.items():
                assert np.all(np.isfinite(arr)), f"{name}={value!r}: non-finite values in {col}"
            assert any(arr.size for arr in cols.values()), f"{name}={value!r}: every source is empty"
            after = snapshot(explorer)
            data_changed = before[1].keys() != after[1].keys() or any(
                before[1][k].shape != after[1][k].shape or not np.allclose(before[1][k], after[1][k])
                for k in after[1]
            )
            changed += data_changed or before[0] != after[0]
            assert "nan" not in explorer.readout.value.lower(), f"{name}={value!r}: readout shows NaN"
        assert changed, f"moving {name} over {values} changed nothing"


@each_explorer("built")
def test_browser_contract_classes(built):
    """The browser suite finds the readout and the main slider by these CSS classes."""
    assert READOUT_CLASS in built.readout._dom_classes
    primary = [c for c in built.controls.values() if PRIMARY_SLIDER_CLASS in getattr(c, "_dom_classes", ())]
    assert len(primary) == 1
    assert isinstance(built.widget, ipw.Box)
    bundle = built._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


@pytest.mark.parametrize("fit_key", list(scaling.FITS))
@pytest.mark.parametrize("budget", [1e18, 5.76e23, 3.8e25, 1e28])
def test_scaling_readout_matches_model(fit_key, budget):
    ex = ScalingExplorer()
    ex.controls["fit"].value = fit_key
    ex.controls["budget"].value = budget
    want = scaling.compute_optimal(ex.controls["budget"].value, fit=scaling.FITS[fit_key])
    assert ex.result.optimum.n_params == pytest.approx(want.n_params, rel=1e-9)
    # The optimum star sits at the model's optimum, on the learner's curve.
    star = ex.sources["budget_optimum"].data
    assert star["n_params"][0] == pytest.approx(want.n_params, rel=1e-9)
    assert star["loss"][0] == pytest.approx(want.loss, rel=1e-9)
    assert min(ex.sources["budget_curve"].data["loss"]) >= want.loss - 1e-9
    text = re.sub(r"<[^>]+>", "", ex.readout.value)
    assert f"{want.tokens_per_param:.1f} tokens/parameter" in text
    assert f"{want.loss:.3f} nats/token" in text


def test_scaling_models_overlay_toggles():
    ex = ScalingExplorer(show_models=True)
    assert len(ex.sources["models"].data["name"]) == 3
    ex.controls["show_models"].value = False
    assert len(ex.sources["models"].data["name"]) == 0


def test_trend_readout_matches_model():
    ex = ComputeTrendExplorer(local_flop_per_s=LOCAL_FLOP_PER_S, year=2030, start_year=2010)
    fit = trends.fit_notable_trend(start_year=2010)
    at = trends.project(fit, 2030.0, level=0.9)
    assert ex.result.target.central == pytest.approx(at.central, rel=1e-9)
    text = re.sub(r"<[^>]+>", "", ex.readout.value)
    assert f"{fit.growth_per_year:.1f}× per year" in text and f"{fit.n} models" in text
    tgt = ex.sources["target"].data
    assert tgt["low"][0] < tgt["central"][0] < tgt["high"][0]


def test_trend_projection_moves_with_year():
    ex = ComputeTrendExplorer(local_flop_per_s=LOCAL_FLOP_PER_S, year=2026)
    early = ex.sources["target"].data["central"][0]
    ex.controls["year"].value = 2035
    assert ex.sources["target"].data["central"][0] > early


def test_roofline_matches_model_for_every_accelerator():
    ex = RooflineExplorer(batch_size=1)
    for name, acc in hardware.load_accelerators().items():
        ex.controls["accelerator"].value = name
        r = ex.result
        assert r.ridge_flop_per_byte == pytest.approx(acc.peak_flop_per_s / acc.memory_bytes_per_s, rel=1e-9)
        # Decoding one sequence streams every weight for ~2 FLOP: memory-bound on every chip (roofline).
        assert not r.decode_compute_bound
        assert r.decode_attainable == pytest.approx(r.decode_intensity * acc.memory_bytes_per_s, rel=1e-9)
        # The roof drawn is the model's at every intensity of the plot (straight on log-log axes but at the ridge).
        roof = ex.sources["roof"].data
        x = np.logspace(-1, 5, 61)
        drawn = 10 ** np.interp(np.log10(x), np.log10(roof["intensity"]), np.log10(roof["attainable"]))
        np.testing.assert_allclose(drawn, hardware.attainable_flop_per_s(x, r.peak_flop_per_s, acc.memory_bytes_per_s),
                                   rtol=1e-9)
    assert max(roof["attainable"]) == pytest.approx(ex.result.peak_flop_per_s, rel=1e-9)


def test_roofline_batching_raises_decode_intensity():
    ex = RooflineExplorer(batch_size=1)
    low = ex.result.decode_intensity
    ex.controls["batch_size"].value = 256
    assert ex.result.decode_intensity > 100 * low


def test_training_cost_readout_matches_model():
    ex = TrainingCostExplorer(n_params=70e9, n_tokens=1.4e12, n_accelerators=4096)
    h100 = hardware.get_accelerator("NVIDIA H100 SXM")
    flop = scaling.training_flop(70e9, 1.4e12)
    hours = training.accelerator_hours(flop, h100.peak_flop_per_s, training.DEFAULT_MFU)
    assert ex.result.estimate.accelerator_hours == pytest.approx(hours, rel=1e-9)
    rent = ex.controls["rent_usd_per_hour"].value
    assert ex.result.rent_usd == pytest.approx(hours * rent, rel=1e-9)
    bars = ex.sources["bars"].data
    assert bars["rental"][0] == pytest.approx(ex.result.rent_usd, rel=1e-9)
    own_total = sum(bars[c][1] for c in ("accelerators", "servers & network", "energy", "operations"))
    assert own_total == pytest.approx(ex.result.tco_usd, rel=1e-9)
    text = re.sub(r"<[^>]+>", "", ex.readout.value)
    assert f"{hours:,.0f} accelerator-hours" in text


def test_training_cost_more_accelerators_fewer_days_same_hours():
    ex = TrainingCostExplorer(n_accelerators=1024)
    days, hours = ex.result.estimate.wall_clock_days, ex.result.estimate.accelerator_hours
    ex.controls["n_accelerators"].value = 8192
    assert ex.result.estimate.wall_clock_days == pytest.approx(days / 8, rel=1e-9)
    assert ex.result.estimate.accelerator_hours == pytest.approx(hours, rel=1e-9)
    assert np.all(np.diff(ex.sources["days"].data["days"]) < 0)


def test_training_cost_break_even_marker_sits_on_the_rental_line():
    ex = TrainingCostExplorer()
    ex.controls["rent_usd_per_hour"].value = 3.0
    be = ex.sources["break_even"].data
    # At $3/h owning an H100 wins above ~66 % utilisation (costs.break_even_utilisation; 0.56 at $3.49).
    want = costs.break_even_utilisation(ex.model_inputs().ownership, 3.0)
    assert want.owning_can_win and ex.result.break_even.owning_can_win
    assert be["usd_per_hour"][0] == pytest.approx(3.0)
    assert be["utilisation"][0] == pytest.approx(want.utilisation, rel=1e-9) and 0 < be["utilisation"][0] <= 1
    # The owned hour at that utilisation costs the rent: the marker sits where the two lines cross.
    assert costs.owned_cost_per_accelerator_hour(ex.model_inputs().ownership, be["utilisation"][0]) == \
        pytest.approx(3.0, rel=1e-9)
    ex.controls["rent_usd_per_hour"].value = 0.5  # below any owned cost: owning never wins
    assert not ex.result.break_even.owning_can_win
    assert len(ex.sources["break_even"].data["utilisation"]) == 0
    assert "renting is cheaper" in ex.readout.value


def test_training_cost_accelerator_brings_its_catalogue_price():
    """Choosing a chip with a published price sets the price slider to it, in the same update; choosing one
    without keeps the learner's price. (Only the H100 has a catalogue price: the test starts elsewhere, so it
    fails if the price does not follow the chip.)"""
    from widgets.training_cost import chips_with_power

    chips = [hardware.get_accelerator(name) for name in chips_with_power()]
    priced = [a for a in chips if a.price_usd is not None]
    unpriced = [a for a in chips if a.price_usd is None]
    assert priced and unpriced
    ex = TrainingCostExplorer(accelerator=unpriced[0].name)
    price = ex.controls["accelerator_price_usd"]
    for acc in priced:
        for other in unpriced:
            ex.set(accelerator=other.name, accelerator_price_usd=60_000.0)
            assert price.value == 60_000.0 and ex.model_inputs().ownership.accelerator_price_usd == 60_000.0
            n_updates = _count_updates(ex)
            ex.controls["accelerator"].value = acc.name
            assert price.value == acc.price_usd
            assert ex.model_inputs().ownership.accelerator_price_usd == acc.price_usd
            assert ex.model_inputs().ownership.board_watts == acc.board_watts
            assert n_updates() == 1, "the chip and its price make one update"
            ex.controls["accelerator"].value = other.name  # no published price: the learner's is kept
            assert price.value == acc.price_usd


def _count_updates(explorer):
    """A counter of the explorer's model runs from now on."""
    calls = []
    compute = explorer._compute

    def counted(inputs):
        calls.append(inputs)
        return compute(inputs)

    explorer._compute = counted
    return lambda: len(calls)


def test_training_cost_from_scaling_hands_over_the_optimum():
    sc = ScalingExplorer(compute_flop=1e24)
    ex = TrainingCostExplorer.from_scaling(sc)
    assert ex.result.training_flop == pytest.approx(1e24, rel=0.02)  # sliders round N and D to their step


def test_tables_render_every_row():
    from widgets import accelerators_table, runs_table

    cat = hardware.load_accelerators()
    html_acc = accelerators_table(cat).data
    for name in cat:
        assert name in html_acc
    assert "not published" in html_acc  # chips without a published power or price say so
    runs = trends.load_training_runs()
    html_runs = runs_table(runs).data
    assert all(name.replace("&", "&amp;") in html_runs for name in runs.name)


def test_scaling_limits_readout_matches_sevilla_model():
    """At the paper's medians the explorer shows what supply.largest_run_by_year computes for 2030."""
    from compute_econ import supply

    ex = ScalingLimitsExplorer(year=2030)
    want = supply.largest_run_by_year([2030])
    star = ex.sources["year"].data
    assert star["flop"][0] == pytest.approx(want.largest_flop[0], rel=1e-9)
    assert star["binding"][0] == "power"
    text = re.sub(r"<[^>]+>", "", ex.readout.value)
    assert "limited by power" in text


def test_scaling_limits_faster_power_growth_lifts_only_the_power_ceiling():
    ex = ScalingLimitsExplorer(year=2030)
    before = {k: np.array(v) for k, v in ex.sources["lines"].data.items()}
    ex.controls["dc_power_growth_per_year"].value = 1.4
    after = ex.sources["lines"].data
    assert np.all(np.array(after["power"])[1:] > before["power"][1:])
    for name in ("chip_production", "data", "latency"):
        np.testing.assert_allclose(after[name], before[name])
    # With power plentiful, chips bind in 2030 instead.
    assert ex.sources["year"].data["binding"][0] == "chip production"


def test_scaling_limits_readout_and_legend_read_the_trend_from_the_scenario():
    """The 'for scale' run and the trend's growth come from the model's scenario, not from the widget."""
    import dataclasses

    from compute_econ import supply

    gpt4 = dataclasses.replace(supply.SEVILLA_2024, trend_base_run="GPT-4", trend_base_flop=2.1e25,
                               trend_growth_per_year=4.5)
    ex = ScalingLimitsExplorer(year=2030, scenario=gpt4)
    assert "For scale: GPT-4 (2024) used 2.1×10<sup>25</sup> FLOP" in ex.readout.value
    legend = [item.label.value for item in ex._figure.legend[0].items]
    assert "historical trend (4.5× a year)" in legend
    assert ex.sources["lines"].data["trend"][0] == pytest.approx(2.1e25)


def test_scaling_limits_sends_only_the_columns_a_slider_changed(monkeypatch):
    """The power-growth slider moves the power line and band, the minimum and the chosen year's marker;
    the years and the other constraints are not sent again (that is most of the cost of an update)."""
    import json

    ex = ScalingLimitsExplorer(year=2030)
    sent: list[dict] = []
    monkeypatch.setattr(ipw.Widget, "_send", lambda self, msg, buffers=None: sent.append(msg))
    ex.controls["dc_power_growth_per_year"].value = 1.3
    patches = [json.loads(m["content"]["payload"]) for m in sent
               if m.get("method") == "custom" and m["content"].get("msg") == "patch"]
    events = [e for p in patches if isinstance(p, dict) for e in p.get("events", [])]
    cols = {e["model"]["id"]: sorted(e["cols"]) for e in events if e["kind"] == "ColumnDataChanged"}
    assert cols == {ex.sources["bands"].id: ["power_high", "power_low"], ex.sources["lines"].id: ["largest", "power"],
                    ex.sources["year"].id: ["binding", "flop"]}
    np.testing.assert_allclose(ex.sources["lines"].data["power"], ex.result.central_flop["power"])


def test_dollar_format_used_by_the_readouts():
    from widgets._format import usd

    # Cents only for hourly prices; the issue-9 "$462.87" was false precision for an estimate.
    assert usd(2.494) == "$2.49"
    assert usd(950) == "$950"
    assert usd(462.87) == "$463"
    assert usd(51.2e6) == "$51.2M"
    assert usd(122.4e9) == "$122.4B"
    assert usd(1.5e12) == "$1.5T"
    assert usd(float("nan")) == "—"


@each_explorer("built")
def test_every_slider_starts_on_its_step_grid(built):
    """The browser's slider snaps its value to min + k * step and sends it back to the kernel, so a default off
    the grid would silently change the model in the page (the supply chain's 1.12x wafer growth became 1.10x
    on a 0.05 step). Every slider must start on its grid."""
    sliders = 0
    for name, control in built.controls.items():
        if isinstance(control, ipw.FloatLogSlider):
            position = (np.log(control.value) / np.log(control.base) - control.min) / control.step
        elif isinstance(control, (ipw.FloatSlider, ipw.IntSlider)):
            position = (control.value - control.min) / control.step
        else:
            continue
        sliders += 1
        assert abs(position - round(position)) < 1e-6, f"{name}={control.value!r} is off its step {control.step!r}"
    assert sliders, "an explorer without sliders checks nothing here"


def test_log_slider_keeps_the_callers_value_and_refuses_one_off_its_range():
    """Chinchilla's 70e9 parameters stay 70e9 in the page (they became 70.8e9 on a grid from 1e8); a value outside
    the slider's span is refused by name instead of being clamped."""
    ex = TrainingCostExplorer(n_params=70e9, n_tokens=1.4e12)
    assert ex.controls["n_params"].value == pytest.approx(70e9) and ex.controls["n_tokens"].value == pytest.approx(1.4e12)
    assert 10 ** ex.controls["n_params"].min <= 1e8 * 10**0.05 and 10 ** ex.controls["n_params"].max >= 1e13 / 10**0.05
    for kwargs, name in ((dict(n_params=1e20), "n_params"), (dict(n_tokens=-1.0), "n_tokens")):
        with pytest.raises(ValueError, match=name):
            TrainingCostExplorer(**kwargs)
    with pytest.raises(ValueError, match="compute_flop"):
        ScalingExplorer(compute_flop=1e40)


def test_roofline_batch_slider_reaches_every_ridge_point():
    """Lesson 02 asks at what batch decoding stops being memory-bound: the slider must reach past the ridge
    point of every chip at every precision it offers (the H100's BF16 ridge, 295, was beyond a 256 maximum)."""
    ex = RooflineExplorer()
    top = ex.controls["batch_size"].max
    for name in ex.controls["accelerator"].options:
        ex.controls["accelerator"].value = name
        for precision in ex.controls["precision"].options:
            value = precision[1] if isinstance(precision, tuple) else precision
            ex.controls["precision"].value = value
            ex.controls["batch_size"].value = top
            assert ex.result.decode_compute_bound, (name, value)


@pytest.mark.parametrize("span_decades", [0.3, 0.6, 1.0, 1.3, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 9.0])
def test_log_axes_label_where_the_data_sit_without_crowding(span_decades):
    """Issue 9: the scarcity market's price axis read $12, $15, $18, $21 crowded at the top and nothing
    near the supply line at $1.5 (Bokeh's LogTicker spaces ticks evenly on a range of about a decade);
    the supply chain's read 2.000e+5. widgets._base.log_ticks gives 2 to 12 ticks inside the data."""
    from widgets._base import log_ticks

    for low in np.logspace(-1, 6, 29):
        high = low * 10**span_decades
        inside = [t for t in log_ticks([low, high]) if low <= t <= high]
        assert 2 <= len(inside) <= 12, (low, high, inside)


def _primary_slider(explorer):
    return next(c for c in explorer.controls.values() if PRIMARY_SLIDER_CLASS in c._dom_classes)


def _move(control):
    """One step of a slider, as a key press makes it (backwards at the top of the range)."""
    if isinstance(control, ipw.SelectionSlider):
        i = control.index + 1 if control.index + 1 < len(control.options) else control.index - 1
        control.index = i
        return
    up = control.value + control.step if not isinstance(control, ipw.FloatLogSlider) else \
        control.value * control.base**control.step
    top = control.max if not isinstance(control, ipw.FloatLogSlider) else control.base**control.max
    control.value = up if up <= top else (control.value - control.step if not isinstance(control, ipw.FloatLogSlider)
                                          else control.value / control.base**control.step)


def apply_patch_as_bokehjs_does(doc, patch: dict) -> None:
    """Apply a PATCH-DOC's content to ``doc`` as BokehJS applies it in the browser.

    The one difference from Bokeh's Python ``Document.apply_json_patch``: a ``ColumnDataChanged`` event that
    names its columns (``cols``) replaces those columns and keeps the others (bokehjs 3.9
    ``Document._apply_json_patch``: the source's current columns missing from the event are added to it);
    Python replaces the whole ``data``.
    """
    from bokeh.models import ColumnDataSource

    before = {m.id: dict(m.data) for m in doc.models if isinstance(m, ColumnDataSource)}
    doc.apply_json_patch(patch)
    for event in patch["events"]:
        if event["kind"] == "ColumnDataChanged" and event.get("cols") is not None:
            model = doc.get_model_by_id(event["model"]["id"])
            model.data = {**{k: v for k, v in before[model.id].items() if k not in model.data}, **model.data}


def browser_shows_the_kernels_data(view, copy) -> None:
    """Every column of every data source of ``view`` has the same values in ``copy`` (float32 allowed)."""
    from bokeh.models import ColumnDataSource

    sources = [model for model in view._document.models if isinstance(model, ColumnDataSource)]
    assert sources
    for model in sources:
        theirs = copy.get_model_by_id(model.id).data
        assert theirs.keys() == model.data.keys(), (model.id, set(theirs) ^ set(model.data))
        for name, column in model.data.items():
            a, b = np.asarray(column), np.asarray(theirs[name])
            assert a.shape == b.shape and (a.dtype.kind not in "fc" or np.allclose(a, b, equal_nan=True)) \
                and (a.dtype.kind in "fc" or list(a.ravel()) == list(b.ravel())), name


def _sent_patches(sent, views):
    patches = [(w, m) for w, m in sent if m.get("method") == "custom" and m["content"].get("msg") == "patch"]
    by_view = {}
    for view in views:
        parts = [m["content"]["payload"] for w, m in patches if w is view]
        assert len(parts) in (0, 3), f"{len(parts)} patch messages from one view for one move"
        by_view[id(view)] = parts
    return patches, by_view


@each_explorer()
def test_an_update_reaches_the_browser_as_one_patch_then_the_readout(explorer, monkeypatch):
    """Issue 9: jupyter_bokeh sent one patch per changed property (10 to 90 comm messages per slider
    move, each applied and drawn by BokehJS on its own). Now each Bokeh view sends one PATCH-DOC
    (three messages: header, metadata, content), the readout's text goes after it, and the patches
    alone carry the update: applied one after the other to a copy of the browser's document, as BokehJS
    applies them (only the columns that changed are sent), they give the kernel's, move after move."""
    import json

    from bokeh.document import Document

    sent: list[tuple[object, dict]] = []
    monkeypatch.setattr(ipw.Widget, "_send", lambda self, msg, buffers=None: sent.append((self, msg)))
    views = explorer._views
    assert views, "an explorer's plots go through Explorer._plot"
    copies = {id(v): Document.from_json(v._document.to_json()) for v in views}
    slider = _primary_slider(explorer)
    for _ in range(3):
        sent.clear()
        _move(slider)
        patches, by_view = _sent_patches(sent, views)
        for view in views:
            if by_view[id(view)]:
                apply_patch_as_bokehjs_does(copies[id(view)], json.loads(by_view[id(view)][2]))
            browser_shows_the_kernels_data(view, copies[id(view)])
        assert patches, "the move changed no plot"
        readout = [i for i, (w, m) in enumerate(sent) if w is explorer.readout and m.get("method") == "update"]
        assert readout, "the move changed the plot but not the readout"
        assert min(readout) > max(i for i, (w, m) in enumerate(sent) if (w, m) in patches)


def test_a_patch_carries_only_the_columns_that_changed_in_float32(monkeypatch):
    """Moving the budget moves the learner's curve, not the eleven isoFLOP curves of the chosen fit or the
    frontier: those are not sent again (they were 22 of 33 arrays of each patch). Floats go as float32."""
    import json

    sent: list[dict] = []
    monkeypatch.setattr(ipw.Widget, "_send", lambda self, msg, buffers=None: sent.append(msg))
    ex = ScalingExplorer()
    ex.controls["budget"].value = 1e24
    content = json.loads([m["content"]["payload"] for m in sent
                          if m.get("method") == "custom" and m["content"].get("msg") == "patch"][2])
    ids = {name: src.id for name, src in ex.sources.items()}
    changed = {e["model"]["id"]: e["cols"] for e in content["events"] if e["kind"] == "ColumnDataChanged"}
    assert ids["budget_curve"] in changed and ids["budget_optimum"] in changed
    assert not {ids["curves"], ids["optima"], ids["frontier"], ids["models"]} & set(changed)
    dtypes = {entry[1]["dtype"] for e in content["events"] if e["kind"] == "ColumnDataChanged"
              for entry in e["data"]["entries"] if isinstance(entry[1], dict) and entry[1].get("type") == "ndarray"}
    assert dtypes == {"float32"}


def test_float64_columns_that_float32_cannot_hold_stay_float64():
    from widgets._base import SHORT_COLUMN, _compact

    def long(*values):
        return np.array(list(values) + [1.0] * SHORT_COLUMN)

    assert _compact(long(1.0, 2.5e30)).dtype == np.float32
    assert _compact(long(1.0, 1e39)).dtype == np.float64  # float32 would make it inf
    assert _compact(long(1.0, 1e-40)).dtype == np.float64  # a subnormal float32 loses digits
    assert _compact(long(0.0, np.nan, np.inf, 3.0)).dtype == np.float32
    assert _compact(np.arange(20)).dtype.kind == "i"
    assert [a.dtype for a in _compact([long(2.0), long(3.0)])] == [np.float32, np.float32]
    # A short column goes as numbers, exactly (no float32 rounding).
    assert _compact(np.array([0.1, 1e39, np.nan])) == [0.1, 1e39, pytest.approx(np.nan, nan_ok=True)]


@each_explorer("built")
def test_every_explorer_ships_its_page_style(built):
    """The slider handle's 300-ms 'tap' animation is off inside explorers (tests/browser checks the page)."""
    from widgets._base import EXPLORER_CLASS, EXPLORER_CSS

    assert EXPLORER_CLASS in built.widget._dom_classes
    styles = [w for w in built.widget.children if isinstance(w, ipw.HTML) and w.value.startswith(EXPLORER_CSS)]
    assert len(styles) == 1 and styles[0].layout.display == "none"
    assert "noUi-state-tap" in EXPLORER_CSS and "transition: none" in EXPLORER_CSS


def test_roofline_labels_of_the_learners_operations_never_share_a_line_when_close():
    """Issue 9: 'decode, batch 1024' was drawn over 'decode, batch 512' and 'matmul 4096³'. The learner's
    three operations are labelled above-left of their points; two at the same height must be at least
    LABEL_DECADES apart, or one label would run into the other; reference batches sit below-right."""
    from widgets.roofline import LABEL_DECADES

    ex = RooflineExplorer()
    c = ex.controls
    same_line = 0
    for batch in (1, 300, 512, 1024):
        for n in (c["matmul_size"].options[0], 4096, c["matmul_size"].options[-1]):
            for ctx in (c["context_tokens"].options[0], 8192, c["context_tokens"].options[-1]):
                c["batch_size"].value, c["matmul_size"].value, c["context_tokens"].value = batch, n, ctx
                d = ex.sources["ops"].data
                mine = [i for i, a in enumerate(d["align"]) if a == "right"]
                assert len(mine) == 3, d["name"]
                for i in mine:
                    for j in mine:
                        if i < j and d["dy"][i] == d["dy"][j]:
                            same_line += 1
                            gap = abs(np.log10(d["intensity"][i]) - np.log10(d["intensity"][j]))
                            assert gap >= LABEL_DECADES, (d["name"][i], d["name"][j], gap)
                others = [i for i in range(len(d["name"])) if i not in mine]
                assert others and all(d["align"][i] == "left" and d["dy"][i] < 0 for i in others)
    assert same_line, "no two labels ever shared a line: the spacing rule was never exercised"


def test_a_second_display_starts_from_the_current_picture(monkeypatch):
    """A view starts from the document as it was when the explorer was first shown, then applies the patches
    sent after it appeared; shown again after a move (the learner re-runs ``explorer`` in a cell), the new
    view must start from the current picture, or it would show the first one wherever nothing has changed
    since."""
    from bokeh.document import Document
    from bokeh.models import ColumnDataSource

    monkeypatch.setattr(ipw.Widget, "_send", lambda self, msg, buffers=None: None)
    ex = ScalingExplorer()
    ex._repr_mimebundle_()
    view = ex._views[0]
    first = view.render_bundle
    ex.controls["budget"].value = 1e26
    ex._repr_mimebundle_()
    assert view.render_bundle is not first and not view.stale_bundle
    (doc_json,) = view.render_bundle["docs_json"].values()
    shown = Document.from_json(doc_json).get_model_by_id(ex.sources["budget_optimum"].id)
    assert isinstance(shown, ColumnDataSource)
    assert shown.data["n_params"][0] == pytest.approx(ex.result.optimum.n_params)
    ex._repr_mimebundle_()  # nothing changed since: the bundle is kept
    assert view.render_bundle is not first and not view.stale_bundle


def test_every_catalogue_price_fits_the_price_slider():
    """A chip brings its catalogue price to the price slider (TrainingCostExplorer._follow); a price outside the
    slider's range would be clamped to its end by ipywidgets without a word."""
    from widgets.training_cost import PRICE_USD, chips_with_power

    prices = [hardware.get_accelerator(name).price_usd for name in chips_with_power()]
    published = [p for p in prices if p is not None]
    assert published and all(PRICE_USD[0] <= p <= PRICE_USD[1] for p in published), published


@pytest.mark.filterwarnings("ignore:out of range integer:UserWarning")  # Bokeh warns on the large ints compared
def test_patch_serializer_fast_paths_write_what_bokeh_writes():
    """Strings, finite floats, safe ints, plain lists and float arrays skip Bokeh's generic path: same JSON."""
    from bokeh.core.serialization import Serializer
    from bokeh.document import Document

    from widgets._base import _InlineSerializer

    values = ["a", 1.5, 7, 2**60, float("nan"), float("inf"), True, None, ["x", "y"], [1.0, 2.0], [1.0, float("nan")],
              [1, 2**60], np.linspace(0, 1, 20), np.linspace(0, 1, 20).astype(np.float32), np.arange(20),
              np.linspace(0, 1, 20)[::2], {"k": [1.0, 2.0]}]
    ours, plain = _InlineSerializer(Document()), Serializer(deferred=False)
    for value in values:
        if isinstance(value, np.ndarray):  # Bokeh's own ndarray path, with the inline bytes encoding
            expected = Serializer._encode_ndarray(_InlineSerializer(Document()), value)
        else:
            expected = plain.encode(value)
        assert ours.encode(value) == expected, value


def test_a_stale_echo_from_the_page_does_not_undo_the_kernels_range():
    """The race the axes browser test found (End then Home on a slider): the page's echo of the range it held before
    a move, arriving after the move's update, must not set the kernel's range back, or the next update that returns
    to the old range sends nothing and the page keeps the newer range with the older data (data outside the axes).
    Replayed here with the page played by hand: it applies the kernel's patches and echoes what it holds."""
    import json

    from widgets import ParallelismExplorer

    ex = ParallelismExplorer()
    view, y_range = ex._views[0], ex._step_fig.y_range
    sent: list[dict] = []
    for v in ex._views:
        v.send = lambda msg, *a, **k: sent.append(msg)
    page = {"end": y_range.end}

    def apply_patches():
        for m in sent:
            if m.get("msg") == "patch" and m["payload"].startswith('{"events"'):
                for event in json.loads(m["payload"])["events"]:
                    if event.get("model", {}).get("id") == y_range.id and event.get("attr") == "end":
                        page["end"] = event["new"]
        sent.clear()

    def echo(value):
        view._sync_model(view, {"event": "jsevent", "kind": "ModelChanged", "model": {"id": y_range.id},
                                "attr": "end", "new": value}, [])

    micro = ex.controls["micro_batch_size"]
    for name in ("data_parallel_size", "global_batch_size"):  # the page learns the kernel's ranges
        for i in (-1, 0):
            c = ex.controls[name]
            if hasattr(c, "options"):
                c.index = len(c.options) - 1 if i else 0
            else:
                c.value = c.max if i else c.min
            apply_patches()
            echo(page["end"])
    before = page["end"]
    micro.index = len(micro.options) - 1  # End: the kernel's update...
    echo(before)  # ...then the page's echo of the range it held before the key press
    apply_patches()
    assert y_range.end == page["end"] != before, "the stale echo set the kernel's range back"
    micro.index = 0  # Home, before the page echoes the new range
    apply_patches()
    top = float(np.max(ex.sources["curve"].data["total"]))
    assert top <= page["end"], f"the page's y range ends at {page['end']:.1f}, below the data's {top:.1f}"


def test_the_page_can_still_change_what_the_kernel_never_set():
    """Properties the kernel has not patched (plot sizes after a layout, ranges BokehJS computes) are still taken
    from the page."""
    from widgets import ParallelismExplorer

    ex = ParallelismExplorer()
    view, fig = ex._views[0], ex._step_fig
    view._sync_model(view, {"event": "jsevent", "kind": "ModelChanged", "model": {"id": fig.id},
                            "attr": "inner_width", "new": 321}, [])
    assert fig.inner_width == 321
