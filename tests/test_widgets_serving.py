"""The serving explorers (issue 11) and the predict-first widget: every control over its range, the numbers
from compute_econ.serving, axes that hold the data, and an answer hidden until the learner commits."""

from __future__ import annotations

import re

import numpy as np
import pytest

from compute_econ import hardware, serving
from _explorers import assert_inside, sweep_every_control
from widgets import LatencyExplorer, LifetimeComputeExplorer, Predict, ServingExplorer
from widgets._base import PRIMARY_SLIDER_CLASS, READOUT_CLASS
from widgets._format import usd
from widgets.serving import SHARE_FLOOR, WAIT_FLOOR_S

CLASSES = [ServingExplorer, LatencyExplorer, LifetimeComputeExplorer]






LATENCY_DISTRIBUTION = ("chosen_dist", "needed_dist", "at_target", "target_line", "share_line")


def figures(explorer):
    """(figure, [(x column, y column, source)], x axis is log) of the explorer's plots with numeric axes; every y
    axis here is log."""
    s = explorer.sources
    if isinstance(explorer, ServingExplorer):
        return [(explorer._frontier_fig, [("speed", "cost", s["frontier"]), ("speed", "cost", s["point"])], True)]
    if isinstance(explorer, LatencyExplorer):
        return [(explorer._wait_fig, [("wait", "share", s[name]) for name in LATENCY_DISTRIBUTION], True),
                (explorer._util_fig, [("utilisation", "wait", s["knee"]), ("utilisation", "wait", s["chosen"])],
                 False)]
    return [(explorer._figure, [("tokens", c, s["curves"]) for c in ("training", "serving", "total")]
             + [("tokens", "flop", s["chosen"])], True)]


def assert_axes_hold_the_data(explorer, where: str) -> None:
    for fig, series, x_log in figures(explorer):
        assert_inside(fig, series, where, allow_empty=True)
        assert fig.y_range.start > 0, f"{where}: a log axis starts at or below 0"
        assert fig.x_range.start > 0 if x_log else fig.x_range.start < fig.x_range.end, f"{where}: bad x axis"


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_control_over_its_range_keeps_data_finite_axes_around_it_and_changes_something(cls):
    ex = cls()

    def the_models_reasons(name, value, ex):
        # Only the serving explorer refuses, and only for the model's reasons: a context beyond the model's
        # window, or FP8 weights on a chip without FP8 units. The readout says why.
        assert cls is ServingExplorer, f"{cls.__name__}.{name}={value!r}: refused: {ex.error}"
        assert "context window" in ex.error or "FP8 units" in ex.error, ex.error
        assert "cannot compute" in ex.readout.value
        return True

    sweep_every_control(ex, assert_axes_hold_the_data, where=f"{cls.__name__}.", expected_refusal=the_models_reasons,
                        allow_empty_columns=True)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_browser_contract_classes(cls):
    ex = cls()
    assert READOUT_CLASS in ex.readout._dom_classes
    assert sum(PRIMARY_SLIDER_CLASS in c._dom_classes for c in ex.controls.values()) == 1


def _model_point(model="Llama 3.1 70B", acc="NVIDIA H100 SXM", n=8, precision="bf16", batch=32.0, prompt=1024.0,
                 out=512, price=3.49):
    arch = serving.get_architecture(model)
    dep = serving.Deployment(accelerator=hardware.get_accelerator(acc), n_accelerators=n, weight_precision=precision)
    return arch, dep, serving.serving_estimate(arch, dep, batch, prompt, out, price)


@pytest.mark.parametrize("batch", [1.0, 32.0, 512.0])
def test_serving_readout_and_point_are_the_models(batch):
    ex = ServingExplorer(batch_size=batch)
    arch, dep, est = _model_point(batch=batch)
    assert ex.sources["point"].data["cost"][0] == pytest.approx(float(est.usd_per_m_output), rel=1e-12)
    assert ex.sources["point"].data["speed"][0] == pytest.approx(float(est.tokens_per_s_per_user), rel=1e-12)
    assert f"<b>{usd(float(est.usd_per_m_output))}</b> per million output tokens" in ex.readout.value
    assert f"<b>{usd(float(est.usd_per_m_input))}</b> per million input tokens" in ex.readout.value
    front = serving.throughput_latency_frontier(arch, dep, 1024.0, 512, 3.49)
    np.testing.assert_allclose(ex.sources["frontier"].data["cost"], front.usd_per_m_output, rtol=1e-12)


def test_serving_memory_bar_and_capacity_are_the_models():
    ex = ServingExplorer(batch_size=1024, prompt_tokens=8192)
    arch, dep, _ = _model_point(batch=1024)
    mem = serving.memory_use(arch, dep, 1024, 8192 + 512)
    right = ex.sources["memory"].data["right"]
    assert right[0] == pytest.approx(mem.weights_bytes / 1e9) and right[1] == pytest.approx(mem.total_bytes / 1e9)
    assert ex._capacity.location == pytest.approx(mem.capacity_bytes / 1e9)
    assert ex._memory_fig.x_range.end >= max(right[1], ex._capacity.location)
    assert not mem.fits and "does not fit" in ex.readout.value


def test_a_model_that_does_not_fit_has_no_frontier_and_says_so():
    ex = ServingExplorer(model="Llama 3.1 405B", n_accelerators=1)
    assert ex.error is None and len(ex.sources["frontier"].data["cost"]) == 0
    assert "not even one sequence fits" in ex.readout.value
    ex.controls["n_accelerators"].value = 8
    ex.controls["precision"].value = "fp8"
    assert len(ex.sources["frontier"].data["cost"]) > 0 and "not even one" not in ex.readout.value


def test_serving_refusal_keeps_the_picture_and_says_why():
    ex = ServingExplorer(prompt_tokens=8192)
    before = list(ex.sources["frontier"].data["cost"])
    ex.controls["model"].value = "Llama 2 70B"  # a 4,096-token window
    assert ex.error is not None and "context window" in ex.error and "cannot compute" in ex.readout.value
    assert list(ex.sources["frontier"].data["cost"]) == before


def _latency_model(ex: LatencyExplorer, replicas: int | None = None):
    st = ex.model_inputs()
    r = st.replicas if replicas is None else replicas
    return st, serving.mmc_wait(st.arrival_rate_per_s, st.service_time_s, r * st.slots_per_replica, st.percentile)


def test_latency_marks_the_replicas_the_target_needs_and_their_cost():
    ex = LatencyExplorer(arrival_rate_per_s=20.0, replicas=8, target_wait_s=0.5, slots_per_replica=64)
    plan = serving.plan_for_demand(20.0, 20.0, 64, 0.5, ex.start.usd_per_replica_hour, 1500.0, 0.95)
    assert f"{int(plan.replicas):,} replicas</b>" in ex.readout.value
    assert usd(float(plan.usd_per_m_tokens)) in ex.readout.value
    knee = serving.max_utilisation_for_wait_target(float(plan.replicas) * 64, 20.0, 0.5, 0.95)
    assert ex._knee.location == pytest.approx(float(knee))
    chosen = serving.mmc_wait(20.0, 20.0, 8 * 64, 0.95)
    assert ex.sources["chosen"].data["utilisation"][0] == pytest.approx(float(chosen.utilisation))


@pytest.mark.parametrize("kwargs", [{}, dict(replicas=127), dict(replicas=128, percentile=0.99),
                                    dict(arrival_rate_per_s=20.0, replicas=7, slots_per_replica=64, target_wait_s=0.5),
                                    dict(arrival_rate_per_s=3.0, replicas=8, slots_per_replica=8, percentile=0.5)])
def test_latency_wait_distribution_is_the_models_down_to_the_floor(kwargs):
    """Both curves are compute_econ.serving.wait_exceedance (n_servers x slots, written as servers here) at the chosen
    replicas and at the plan's; each ends where it meets the floor of 1 in 10,000; the lines are the target and 1 - p;
    the marked point is the share waiting longer than the target."""
    ex = LatencyExplorer(**kwargs)
    st, chosen = _latency_model(ex)
    lam, s, slots, p = st.arrival_rate_per_s, st.service_time_s, st.slots_per_replica, st.percentile
    needed = int(serving.replicas_for_wait_target(lam, s, st.target_wait_s, p, slots))
    for name, r in (("chosen_dist", st.replicas), ("needed_dist", needed)):
        wait, share = (np.asarray(ex.sources[name].data[k], float) for k in ("wait", "share"))
        assert wait.size > 10, name
        np.testing.assert_allclose(share, serving.wait_exceedance(lam, s, r * slots, wait), rtol=1e-12)
        assert share[-1] == pytest.approx(SHARE_FLOOR, rel=1e-6) and np.all(np.diff(share) < 0), name
        assert share[0] > 0.5 * float(serving.erlang_c(r * slots, lam * s)), f"{name}: its flat start is cut off"
    assert list(ex.sources["share_line"].data["share"]) == [pytest.approx(1 - p)] * 2
    assert list(ex.sources["target_line"].data["wait"]) == [st.target_wait_s] * 2
    at = ex.sources["at_target"].data
    assert at["wait"] == [st.target_wait_s]
    assert at["share"][0] == pytest.approx(float(serving.wait_exceedance(lam, s, st.replicas * slots, st.target_wait_s)))
    meets = float(chosen.percentile_wait_s) <= st.target_wait_s
    assert (at["share"][0] <= 1 - p) == meets  # the point sits under the 1 - p line exactly when the target is met
    assert at["color"] == ["#2a9d8f" if meets else "#c81d25"]
    assert ("<b>misses</b>" in ex.readout.value) == (not meets)


def test_latency_defaults_sit_near_the_knee_where_a_few_replicas_flip_the_verdict():
    """The default picture teaches: a non-zero p95 wait (0.22 s) that meets the 1 s target at 96.9% utilisation, near
    the knee (98.2%); one replica fewer still meets it, two fewer miss it, four fewer cannot keep up, one more takes
    the p95 wait to 0. The chosen and the needed replicas' curves are two curves."""
    ex = LatencyExplorer()
    st, chosen = _latency_model(ex)
    assert (st.arrival_rate_per_s, st.replicas, st.slots_per_replica, st.service_time_s, st.target_wait_s,
            st.percentile) == (100.0, 129, 16, 20.0, 1.0, 0.95)
    assert round(float(chosen.utilisation), 3) == 0.969 and round(float(chosen.percentile_wait_s), 2) == 0.22
    assert float(chosen.utilisation) < ex._knee.location < float(chosen.utilisation) + 0.02
    assert "meets" in ex.readout.value and "128 replicas</b>" in ex.readout.value
    # near the knee, utilisations to a tenth of a percent: 97% and 98% would not tell the point from the knee
    assert "<b>96.9%</b> busy" in ex.readout.value and "utilisation 97.7%" in ex.readout.value
    assert "is at 98.2%" in ex.readout.value
    assert ex.sources["at_target"].data["share"][0] <= 0.05
    assert ex.sources["chosen_dist"].data["share"][0] < ex.sources["needed_dist"].data["share"][0]
    ex.controls["replicas"].value = 128
    assert "<b>misses</b>" not in ex.readout.value
    ex.controls["replicas"].value = 127
    assert "<b>misses</b>" in ex.readout.value and 1.0 < float(_latency_model(ex)[1].percentile_wait_s) < 2.0
    assert ex.sources["at_target"].data["share"][0] > 0.05
    ex.controls["replicas"].value = 125
    assert "grows without bound" in ex.readout.value
    ex.controls["replicas"].value = 130
    assert float(_latency_model(ex)[1].percentile_wait_s) == 0.0
    ex.controls["arrival_rate_per_s"].value = 200.0  # twice the demand: fewer than twice the replicas, on the slider
    assert "253 replicas</b>" in ex.readout.value


def test_latency_unstable_replicas_have_no_distribution_and_the_readout_says_the_queue_grows():
    ex = LatencyExplorer(arrival_rate_per_s=100.0, replicas=1, slots_per_replica=32)  # 2,000 erlangs on 32 slots
    assert len(ex.sources["chosen"].data["wait"]) == 0
    assert len(ex.sources["chosen_dist"].data["wait"]) == 0 and len(ex.sources["at_target"].data["wait"]) == 0
    assert len(ex.sources["needed_dist"].data["wait"]) > 10  # the replicas the target needs are still drawn
    assert "grows without bound" in ex.readout.value and "no distribution to draw" in ex.readout.value
    assert np.all(np.asarray(ex.sources["knee"].data["utilisation"]) < 1)
    assert_axes_hold_the_data(ex, "unstable")
    ex.controls["replicas"].value = 64
    assert len(ex.sources["chosen"].data["wait"]) == 1 and "grows without bound" not in ex.readout.value
    assert len(ex.sources["chosen_dist"].data["wait"]) > 10


def test_latency_when_hardly_anyone_waits_the_readout_says_why_there_is_no_curve():
    ex = LatencyExplorer(arrival_rate_per_s=0.1, replicas=256)
    assert min(ex.sources["knee"].data["wait"]) == WAIT_FLOOR_S  # zero waits drawn at the floor of the log axis
    assert len(ex.sources["chosen_dist"].data["wait"]) == 0 and len(ex.sources["at_target"].data["wait"]) == 0
    assert "fewer than <b>1 in 10,000</b> requests wait at all" in ex.readout.value
    assert "fewer than 1 in 10,000 wait longer" in ex.readout.value  # nor at the one replica the target needs
    assert_axes_hold_the_data(ex, "hardly anyone waits")  # the target and 1 - p lines keep the plot from blank


def test_latency_a_curve_shorter_than_the_wait_axis_is_explained():
    """A 10 s target, waits of a tenth of a second: 0.055% of requests wait at all at 38 replicas, all of them for
    less than the axis's start (a thirtieth of the target or of the needed replicas' tail); the readout says so."""
    ex = LatencyExplorer(arrival_rate_per_s=50.0, service_time_s=5.0, slots_per_replica=8, target_wait_s=10.0,
                         replicas=38)
    assert float(ex.result.chosen.prob_wait) >= SHARE_FLOOR and len(ex.sources["chosen_dist"].data["wait"]) == 0
    assert "but fewer than 1 in 10,000 longer than" in ex.readout.value and "where the plot begins" in ex.readout.value
    assert_axes_hold_the_data(ex, "short curve")


def test_latency_wait_axis_holds_the_target_and_the_tails_at_the_extremes():
    """A target of a tenth of a second against hours of waiting at 99.99% utilisation, and a minute's target
    against waits of milliseconds: the target, both curves and their flat starts are inside the wait axis."""
    for kwargs in (dict(arrival_rate_per_s=316.0, service_time_s=60.0, slots_per_replica=256, replicas=75,
                        target_wait_s=0.1, percentile=0.99),
                   dict(arrival_rate_per_s=0.1, service_time_s=1.0, slots_per_replica=8, replicas=1,
                        target_wait_s=60.0, percentile=0.5)):
        ex = LatencyExplorer(**kwargs)
        assert_axes_hold_the_data(ex, str(kwargs))
        x = ex._wait_fig.x_range
        assert x.start < kwargs["target_wait_s"] < x.end
        assert x.end / x.start <= 1.3e6 * 1.25**2


def test_lifetime_breakeven_is_three_times_the_training_tokens():
    ex = LifetimeComputeExplorer(training_tokens=1e13, tokens_served=1e14)
    assert ex._breakeven.location == pytest.approx(3e13)
    assert "<b>has</b>" in ex.readout.value
    ex.controls["tokens_served"].value = 1e12
    assert "has <b>not</b>" in ex.readout.value
    life = serving.lifetime_compute(37e9, 1e13, 1e12)
    assert ex.sources["chosen"].data["flop"][0] == pytest.approx(float(life.serving_flop))


# --------------------------------------------------------------------------- predict first


def _states(widget) -> str:
    """Every state the widget and its children would send to the page, as text, without the children's model ids
    (random hex, which can contain any run of digits: "IPY_MODEL_...173...")."""
    out = [re.sub(r"IPY_MODEL_[0-9a-f]+", "IPY_MODEL_", repr(widget.get_state()))]
    for child in getattr(widget, "children", ()):
        out.append(_states(child))
    return "\n".join(out)


def test_predict_hides_the_answer_until_the_commit():
    calls = []

    def answer():
        calls.append(1)
        return 173.4

    p = Predict("How many tokens per second does one user get?", answer, unit="tokens/s")
    assert calls == [] and p.answer_value is None and p.result.value == ""
    assert "173" not in _states(p.widget)
    p.guess.value = 20.0
    assert calls == [] and "173" not in _states(p.widget)
    p.commit.click()
    assert calls == [1] and p.answer_value == 173.4
    assert "<b>173 tokens/s</b>" in p.result.value and "8.67 times too low" in p.result.value
    assert p.commit.disabled and p.guess.disabled


def test_predict_with_a_value_keeps_it_out_of_the_page():
    p = Predict("What does a million output tokens cost?", 1.397, unit="$")
    assert "1.397" not in _states(p.widget) and "1.4" not in _states(p.widget)
    p.submit(1.4)
    assert "Spot on." in p.result.value


def test_predict_refuses_a_guess_that_is_not_a_positive_number():
    calls: list[int] = []

    def answer() -> float:
        calls.append(1)
        return 10.0

    p = Predict("How many?", answer)
    p.guess.value = 0.0
    p.commit.click()
    assert calls == [] and "positive number" in p.result.value and not p.commit.disabled


@pytest.mark.parametrize("guess, word", [(10.0, "Spot on."), (25.0, "Close"), (50.0, "a few times"),
                                         (1000.0, "more than ten times"), (0.5, "more than ten times")])
def test_predict_feedback_follows_how_many_times_off(guess, word):
    p = Predict("How many?", 10.0)
    p.submit(guess)
    assert word in p.result.value


@pytest.mark.parametrize("kwargs", [dict(question=""), dict(question="q", answer=-1.0),
                                    dict(question="q", answer=float("nan")), dict(question="q", unit=3)])
def test_predict_refuses_bad_arguments(kwargs):
    args = dict(question="q", answer=1.0) | kwargs
    with pytest.raises(ValueError):
        Predict(**args)


@pytest.mark.parametrize("kwargs", [{}, dict(arrival_rate_per_s=0.1, replicas=1, slots_per_replica=8),
                                    dict(arrival_rate_per_s=300.0, replicas=256, slots_per_replica=32),
                                    dict(percentile=0.99, target_wait_s=0.1)])
def test_latency_knee_plot_zooms_on_the_knee_and_stops_where_the_wait_explodes(kwargs):
    """The knee is drawn from a few times its distance below full utilisation (not squeezed against 1 on a 0-1
    axis) and up to 100 times the target (not billions of hours), with the chosen point and the knee on it."""
    from widgets.serving import KNEE_SPAN, KNEE_TOP_FACTOR

    e = LatencyExplorer(**kwargs)
    knee, fig = e.sources["knee"].data, e._util_fig
    util, wait = np.asarray(knee["utilisation"]), np.asarray(knee["wait"])
    target = e.start.target_wait_s
    assert util.size >= 3
    assert np.all(wait <= KNEE_TOP_FACTOR * target * (1 + 1e-9))
    assert fig.x_range.start == pytest.approx(max(0.0, min(1 - KNEE_SPAN * (1 - e.result.knee_utilisation),
                                                          float(e.result.chosen.utilisation) - 0.01)))
    assert fig.x_range.start <= util.min() and util.max() < fig.x_range.end == 1.0
    assert fig.x_range.start <= e._knee.location <= 1.0
    assert fig.y_range.start <= wait.min() and wait.max() <= fig.y_range.end
    if not kwargs:  # the default fleet is large: its knee sits near full utilisation, so the axis starts well above 0
        assert fig.x_range.start > 0.9


def test_serving_tables_show_every_row_with_the_models_numbers():
    """Lesson 05's tables: each architecture with its KV cache per token from compute_econ.serving (a mixture of
    experts as active of total parameters), each API price with its output/input ratio; no literal '$' in the
    table's text (outside the hover titles, which quote the sources), which JupyterLab would typeset as math."""
    from widgets import api_prices_table, architectures_table

    archs = serving.load_model_architectures()
    html = architectures_table(archs).data
    for name, arch in archs.items():
        assert name in html
        assert f"{serving.kv_cache_bytes_per_token(arch) / 1e3:,.1f} kB" in html
    assert "37.0 B active of 671 B" in html
    prices = serving.load_api_prices()
    html = api_prices_table(prices).data
    assert html.count("<tr>") == len(prices) + 1  # the header and one row per price
    for p in prices:
        assert f"{p.output_to_input_ratio:.1f}×" in html
    assert "$" not in re.sub(r'title="[^"]*"', "", html)
