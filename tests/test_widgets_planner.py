"""The planner (issue 13, the capstone's dashboard): every control over its range, every drawn number and every readout
figure from compute_econ.plan, a scenario that resets the controls, and refusals that keep the last picture."""

from __future__ import annotations

import math
import re
from dataclasses import replace

import numpy as np
import pytest

import widgets.planner as planner_module
from _explorers import ends, sweep_every_control
from compute_econ import plan
from widgets import PlannerExplorer
from widgets._base import PRIMARY_SLIDER_CLASS, READOUT_CLASS
from widgets._format import count, percent, sci, usd
from widgets.planner import LABEL_AT, LOAD_SHOWN, STATUS_COLOURS, TORNADO_INPUTS

SLIDERS = ("n_accelerators", "training_flop", "deadline_months", "budget_usd", "tokens_served_per_day")
#: What a readout must never show (as the browser test checks it): e-notation, cents on hundreds of dollars or more.
READOUT_FAULTS = re.compile(r"\d(?:\.\d+)?[eE][+-]?\d|\$(?:\d{1,3}(?:,\d{3})+|\d{3,})\.\d\d")


def _inside(values, start, end, where):
    v = np.asarray(values, dtype=float)
    assert v.size, f"{where}: nothing drawn"
    assert np.all(np.isfinite(v)), f"{where}: values that are not finite"
    assert start <= v.min() and v.max() <= end, f"{where}: {v.min()}..{v.max()} outside [{start}, {end}]"


def assert_axes_hold_the_data(ex, where: str) -> None:
    """Every bar, label, marker and line of the four panels inside its axis; categorical bars on a factor of theirs."""
    s = {name: src.data for name, src in ex.sources.items()}
    cons, cost, hist, tornado = ex._figures
    _inside(np.append(s["plan"]["load"], s["plan"]["label_at"]), cons.x_range.start, cons.x_range.end,
            f"{where}: constraints")
    assert list(s["plan"]["name"]) == list(plan.CONSTRAINTS) and set(cons.y_range.factors) == set(plan.CONSTRAINTS)
    _inside(np.concatenate([s["plan"]["left"], s["plan"]["right"], [ex._budget.location]]), cost.x_range.start,
            cost.x_range.end, f"{where}: cost")
    assert set(s["plan"]["bar"]) <= set(cost.y_range.factors)
    x0, x1 = hist.x_range.start, hist.x_range.end
    _inside(np.concatenate([s["histogram"]["left"], s["histogram"]["right"], s["range"]["p5"], s["range"]["p50"],
                            s["range"]["p95"], [ex._estimate.location]]), x0, x1, f"{where}: distribution")
    if ex._deadline.visible:
        _inside([ex._deadline.location], x0, x1, f"{where}: deadline line")
    _inside(np.append(s["histogram"]["share"], s["range"]["y"]), hist.y_range.start, hist.y_range.end,
            f"{where}: shares")
    for name in ("tornado_low", "tornado_high"):
        _inside(np.concatenate([s[name]["left"], s[name]["right"], [ex._base_value.location]]), tornado.x_range.start,
                tornado.x_range.end, f"{where}: {name}")
        assert list(s[name]["input"]) == list(reversed(tornado.y_range.factors)), f"{where}: {name} off its factors"


@pytest.mark.parametrize("scenario", list(plan.SCENARIOS))
def test_every_control_over_its_range_keeps_data_finite_axes_around_it_and_changes_something(scenario):
    ex = PlannerExplorer(scenario, n_samples=400)
    assert_axes_hold_the_data(ex, scenario)

    def no_readout_faults(ex, where):
        assert not READOUT_FAULTS.search(re.sub("<[^>]+>", "", ex.readout.value)), where

    # No combination of the controls is refused (no expected_refusal).
    sweep_every_control(ex, assert_axes_hold_the_data, where=f"{scenario}: ", check=no_readout_faults,
                        allow_empty_columns=True)


def test_browser_contract_classes():
    ex = PlannerExplorer(n_samples=100)
    assert READOUT_CLASS in ex.readout._dom_classes
    primary = [name for name, c in ex.controls.items() if PRIMARY_SLIDER_CLASS in c._dom_classes]
    assert primary == ["n_accelerators"]
    assert ends(ex.controls["n_accelerators"]) == pytest.approx((1e3, 1e6))


def _the_model(p: plan.FrontierPlan, n_samples: int, seed: int = 0):
    return (plan.evaluate_plan(p), plan.simulate_plan(p, n_samples, seed), plan.sensitivity(p, "total_usd"),
            plan.sensitivity(p, "finish_months"))


CASES = [("own-fast", {}), ("own-fast", dict(strategy="contract")), ("partnership", dict(strategy="own")),
         ("partnership", dict(n_accelerators=20_000.0, deadline_months=36.0)),
         ("public-grant", dict(strategy="mix", budget_usd=1e9, tokens_served_per_day=1e13))]


@pytest.mark.parametrize("scenario, moves", CASES, ids=[f"{s}-{'-'.join(m) or 'as-is'}" for s, m in CASES])
def test_drawn_values_and_readout_are_the_models(scenario, moves):
    ex = PlannerExplorer(scenario, n_samples=500, seed=3)
    ex.set(**moves)
    p = ex.model_inputs().plan
    want = plan.SCENARIOS[scenario]
    if "strategy" in moves:
        want = want.with_strategy(moves["strategy"])
    want = replace(want, **{k: (int(v) if k == "n_accelerators" else v) for k, v in moves.items() if k != "strategy"})
    assert p == want  # the plan the controls describe: the scenario's, with the moved fields only
    e, d, cost, finish = _the_model(p, 500, 3)
    s = {name: src.data for name, src in ex.sources.items()}

    # 1. constraints: each load (bars stop at 200%), its status in the label and the colour
    loads = np.array([float(e.load[c]) for c in plan.CONSTRAINTS])
    np.testing.assert_allclose(s["plan"]["load"], np.minimum(loads, LOAD_SHOWN), rtol=1e-12)
    assert list(s["plan"]["label_at"]) == [LABEL_AT] * len(plan.CONSTRAINTS)
    for c, label, colour in zip(plan.CONSTRAINTS, s["plan"]["label"], s["plan"]["status_color"], strict=True):
        assert label.startswith(e.status[c] + " · ") and colour == STATUS_COLOURS[e.status[c]], c
    # 2. cost: the four parts stacked, then the cash committed; the budget line
    parts = [float(getattr(e, f)) for f in ("training_usd", "experiments_usd", "failures_usd", "serving_usd")]
    np.testing.assert_allclose(s["plan"]["right"], np.append(np.cumsum(parts), float(e.cash_usd)), rtol=1e-12)
    np.testing.assert_allclose(s["plan"]["left"], np.append(np.cumsum(parts) - parts, 0.0), rtol=1e-12, atol=1e-6)
    assert s["plan"]["right"][3] == pytest.approx(float(e.total_usd), rel=1e-12)
    assert ex._budget.location == p.budget_usd
    # 3. the distribution: the model's finish dates binned, its percentiles marked, the plan's estimate dotted
    share = np.asarray(s["histogram"]["share"])
    assert share.sum() == pytest.approx(1.0) and np.all(share >= 0)
    draws = np.asarray(d.result.finish_months)
    inside = (draws >= s["histogram"]["left"][0]) & (draws <= s["histogram"]["right"][-1])
    assert share[0] == pytest.approx(np.mean(inside & (draws < s["histogram"]["right"][0])))
    assert (s["range"]["p5"][0], s["range"]["p50"][0], s["range"]["p95"][0]) == tuple(
        d.finish_months_percentiles[q] for q in (5, 50, 95))
    assert ex._estimate.location == float(e.finish_months) and ex._deadline.location == p.deadline_months
    # 4. the tornado of the finish date: the largest swings, from the plan's value to each end, largest on top
    keep = [i for i in range(len(finish.names)) if finish.swing[i] > 0][:TORNADO_INPUTS]
    assert list(s["tornado_low"]["input"]) == [finish.labels[i] for i in keep]
    np.testing.assert_allclose(s["tornado_low"]["left"], np.minimum(finish.base_value, finish.output_at_low[keep]))
    np.testing.assert_allclose(s["tornado_high"]["right"], np.maximum(finish.base_value, finish.output_at_high[keep]))
    assert ex._base_value.location == finish.base_value == pytest.approx(float(e.finish_months))

    text = ex.readout.value
    for figure in (e.total_usd, e.training_usd, e.overhead_usd, e.serving_usd, e.cash_usd, p.budget_usd,
                   d.total_usd_percentiles[5], d.total_usd_percentiles[95], cost.output_at_low[0],
                   cost.output_at_high[0]):
        assert usd(float(figure)) in text, usd(float(figure))
    assert f"P(feasible) {percent(d.p_feasible)}" in text
    assert f"deadline missed in {percent(d.p_miss_deadline)}" in text
    assert f"budget exceeded in {percent(d.p_over_budget)}" in text
    assert f"{float(e.finish_months):.1f} of" in text and f"{d.finish_months_percentiles[5]:.1f}–" in text
    assert f"The cost moves most with <b>{cost.labels[0]}</b>" in text
    assert f"<b>{e.binding}</b>" in text
    assert ("<b>Feasible</b>" in text) == bool(e.feasible) and ("<b>Not feasible</b>" in text) != bool(e.feasible)
    assert f"{count(p.tokens_served_per_day)} tokens a day" in text


def test_the_cost_view_shows_the_cost_distribution_and_tornado_without_a_new_simulation(monkeypatch):
    ex = PlannerExplorer("partnership", n_samples=500)
    calls = []
    simulate = planner_module.simulate_plan
    monkeypatch.setattr(planner_module, "simulate_plan", lambda *a, **k: calls.append(a) or simulate(*a, **k))
    ex.controls["view"].value = "total_usd"
    assert not calls  # the same plan: the distribution and the tornadoes are kept
    p = ex.model_inputs().plan
    e, d, cost, _ = _the_model(p, 500)
    s = {name: src.data for name, src in ex.sources.items()}
    assert (s["range"]["p5"][0], s["range"]["p95"][0]) == (d.total_usd_percentiles[5], d.total_usd_percentiles[95])
    assert s["histogram"]["left"][0] == pytest.approx(float(np.min(d.result.total_usd)))
    assert set(s["histogram"]["hatch"]) == {" "}  # no deadline in dollars: no bin is late
    assert not ex._deadline.visible and ex._estimate.location == float(e.total_usd)
    keep = [i for i in range(len(cost.names)) if cost.swing[i] > 0][:TORNADO_INPUTS]
    assert list(s["tornado_high"]["input"]) == [cost.labels[i] for i in keep]
    assert ex._base_value.location == pytest.approx(float(e.total_usd))
    assert "cost" in ex._figures[3].title.text and "USD" in ex._figures[2].xaxis[0].axis_label
    ex.controls["n_accelerators"].value = 50_000.0
    assert len(calls) == 1  # a new plan: simulated once


def test_late_bins_are_the_draws_that_miss_the_deadline():
    """The bins right of the deadline (an edge falls on it) are vermillion and hatched, and hold P(miss deadline)."""
    ex = PlannerExplorer("own-fast")
    d = ex.result.risk.distribution
    h = ex.sources["histogram"].data
    late = np.array([hatch == "/" for hatch in h["hatch"]])
    assert 0 < late.sum() < late.size
    assert np.any(np.isclose(h["left"], ex.start.plan.deadline_months))
    assert np.all(np.asarray(h["left"])[late] >= ex.start.plan.deadline_months - 1e-9)
    assert set(np.asarray(h["color"])[late]) == {planner_module.LATE_COLOUR}
    assert np.asarray(h["share"])[late].sum() == pytest.approx(d.p_miss_deadline, abs=1e-12)
    assert f"P(miss the deadline) {percent(d.p_miss_deadline)}" in ex._figures[2].title.text


def test_a_load_beyond_the_axis_is_drawn_at_its_end_and_written_in_full():
    """The partnership has no site of its own: owning the cluster asks for power it cannot draw (a load of a
    million, the model's cap); the bar stops at 200% and the label and the readout say so."""
    ex = PlannerExplorer("partnership", n_samples=200)
    ex.controls["strategy"].value = "own"
    e = ex.result.evaluation
    i = plan.CONSTRAINTS.index("power")
    assert float(e.load["power"]) > 1000 and not e.feasible
    assert ex.sources["plan"].data["load"][i] == LOAD_SHOWN
    assert ex.sources["plan"].data["label"][i] == "violated · over 1,000×"
    assert "<b>Not feasible</b>: <b>power</b> is violated" in ex.readout.value
    assert f"of the site's {plan.PARTNERSHIP.site_power_mw:g} MW" in ex.readout.value
    assert ex._figures[0].title.text == "Constraints: NOT feasible (deadline, power violated)"


def test_switching_scenario_resets_every_control_to_its_values_in_one_update():
    ex = PlannerExplorer("own-fast", n_samples=200)
    ex.set(strategy="spot", n_accelerators=3000.0, deadline_months=40.0, budget_usd=2e10, training_flop=1e25,
           tokens_served_per_day=1e13, view="total_usd")
    calls = []
    compute = ex._compute
    ex._compute = lambda inputs: calls.append(inputs) or compute(inputs)
    ex.controls["scenario"].value = "partnership"
    assert len(calls) == 1
    p = plan.PARTNERSHIP
    assert ex.model_inputs().plan == p  # every field the scenario's: its own conditions and values
    c = ex.controls
    assert c["strategy"].value == p.strategy == "contract"
    for name in SLIDERS:
        control, value = c[name], float(getattr(p, name))
        assert control.value == value, name
        # the slider's grid passes through the value (the page snaps a slider to its grid)
        position = (math.log10(value) if hasattr(control, "base") else value) - control.min
        assert position / control.step == pytest.approx(round(position / control.step), abs=1e-6), name
    assert c["view"].value == "total_usd"  # what the panels show is the learner's choice, not the scenario's
    assert ex._values["n_accelerators"].value == "200,000" and ex._values["budget_usd"].value == usd(p.budget_usd)
    assert ex._values["training_flop"].value == sci(p.training_flop) and ex._values["deadline_months"].value == "18 months"
    assert ex._values["tokens_served_per_day"].value == count(p.tokens_served_per_day)
    ex.controls["scenario"].value = "own-fast"
    assert ex.model_inputs().plan == plan.OWN_FAST


def test_a_plan_of_ones_own_keeps_its_conditions_and_its_split():
    mine = replace(plan.OWN_FAST, name="mine", frac_own=0.3, frac_contract=0.4, site_power_mw=500.0)
    ex = PlannerExplorer(mine, n_samples=200)
    assert ex.controls["scenario"].value == "given" and ex.controls["strategy"].value == "custom"
    assert ex.model_inputs().plan == mine
    ex.controls["strategy"].value = "own"
    assert ex.model_inputs().plan == mine.with_strategy("own")
    ex.controls["scenario"].value = "public-grant"
    assert ex.model_inputs().plan == plan.PUBLIC_GRANT
    ex.set(strategy="custom")  # the caller's split, in another scenario's conditions
    assert ex.model_inputs().plan == replace(plan.PUBLIC_GRANT, frac_own=0.3, frac_contract=0.4)
    ex.set(scenario="given")
    assert ex.model_inputs().plan == mine  # the split and the sliders come back with the plan


def test_the_accelerators_slider_gives_the_nearest_whole_number_and_says_it():
    ex = PlannerExplorer(n_samples=200)
    ex.controls["n_accelerators"].value = 10 ** 3.15  # 1,412.54 accelerators
    assert ex.model_inputs().plan.n_accelerators == 1413 == ex.result.plan.n_accelerators
    assert ex._values["n_accelerators"].value == "1,413"


def test_a_refused_combination_keeps_the_last_picture_and_says_why():
    """Accelerators that fail every 100 hours each: a million of them fail faster than a checkpoint is written, and
    the model refuses (goodput 0); the picture stays, the readout says why, and a move back recovers."""
    fragile = replace(plan.PARTNERSHIP, name="fragile", accelerator_mtbf_hours=100.0, n_accelerators=1000)
    ex = PlannerExplorer(fragile, n_samples=200)
    before = {name: dict(src.data) for name, src in ex.sources.items()}
    result = ex.result
    ex.controls["n_accelerators"].value = 1e6
    assert ex.error is not None and "goodput is 0" in ex.error
    assert "cannot compute" in ex.readout.value and "goodput is 0" in ex.readout.value
    assert ex.result is result
    for name, src in ex.sources.items():
        assert src.data.keys() == before[name].keys()
        for k, v in src.data.items():
            assert np.array_equal(np.asarray(v), np.asarray(before[name][k])), f"{name}.{k} changed"
    ex.controls["n_accelerators"].value = 2000.0
    assert ex.error is None and "cannot compute" not in ex.readout.value
    assert ex.result.plan.n_accelerators == 2000


def test_a_monte_carlo_the_model_refuses_keeps_its_panels_and_says_why(monkeypatch):
    ex = PlannerExplorer("own-fast", n_samples=200)
    kept = {name: dict(ex.sources[name].data) for name in ("histogram", "range", "tornado_low", "tornado_high")}
    loads = list(ex.sources["plan"].data["load"])

    def refuse(*args, **kwargs):
        raise ValueError("a draw the model refuses (staged by this test)")

    monkeypatch.setattr(planner_module, "simulate_plan", refuse)
    ex.controls["n_accelerators"].value = 30_000.0
    assert ex.error == "a draw the model refuses (staged by this test)"
    assert "cannot compute" in ex.readout.value and "the distribution and the tornado still show" in ex.readout.value
    assert list(ex.sources["plan"].data["load"]) != loads  # the plan's own panels show the new plan
    for name, data in kept.items():
        assert all(np.array_equal(np.asarray(v), np.asarray(data[k])) for k, v in ex.sources[name].data.items()), name
    monkeypatch.undo()
    ex.controls["n_accelerators"].value = 40_000.0
    assert ex.error is None and ex.result.risk is not None and ex.result.plan.n_accelerators == 40_000


@pytest.mark.parametrize("kwargs, message", [
    (dict(plan="colossus"), r"plan must be one of 'own-fast', 'partnership', 'public-grant'; got 'colossus'"),
    (dict(plan=3), r"plan must be a FrontierPlan or one of 'own-fast', .*; got 3 \(int\)"),
    (dict(plan=replace(plan.OWN_FAST, training_flop=None, target_loss=2.0)), r"plan\.training_flop must be set"),
    (dict(plan=replace(plan.OWN_FAST, n_accelerators=500)), r"plan\.n_accelerators must be in \[1000, 1e\+06\]"),
    (dict(plan=replace(plan.OWN_FAST, training_flop=1e29)), r"plan\.training_flop must be in \[1e\+24, 1e\+28\]"),
    (dict(plan=replace(plan.OWN_FAST, deadline_months=60.0)), r"plan\.deadline_months must be in \[3, 48\]"),
    (dict(plan=replace(plan.OWN_FAST, budget_usd=5e7)), r"plan\.budget_usd must be in \[1e\+08, 1e\+11\]"),
    (dict(plan=replace(plan.OWN_FAST, tokens_served_per_day=0.0)), r"plan\.tokens_served_per_day must be in"),
    (dict(n_samples=1), r"n_samples must be a whole number in \[2, 200000\], got 1"),
    (dict(n_samples=2.5), r"n_samples must be a whole number"),
    (dict(seed=-1), r"seed must be a whole number in \[0, "),
    (dict(seed=None), r"seed must be a whole number"),
])
def test_bad_constructor_arguments_raise_a_value_error_naming_them(kwargs, message):
    with pytest.raises(ValueError, match=message):
        PlannerExplorer(**kwargs)
