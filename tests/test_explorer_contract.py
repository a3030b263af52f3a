"""The explorers' side of the kit's contract (issue 10), for every explorer ``widgets`` exports.

* Constructor arguments are checked as the models check theirs (``compute_econ._validate``):
  NaN, ±inf, bools, ``None``, strings, sequences, objects, values outside a slider's range and
  values that are not one of a menu's options each raise a ``ValueError`` naming the argument;
  a slider's own ends are accepted. Nothing is clamped to a slider's end, and no bare
  ``TraitError`` reaches the caller.
* The pattern (widgets/_base.py): the five methods a subclass provides are abstract and named in
  the module's documentation; ``result`` is typed on every explorer; ``model_inputs()`` is a
  frozen dataclass that starts equal to the inputs built from the caller's arguments.
* The error path: when the model refuses the controls' combination, the readout says so in words,
  ``error`` holds the reason, the plots and ``result`` keep the last picture (no patch is sent),
  and no exception reaches the learner's slider; at construction the refusal is the caller's
  ``ValueError``.
* ``set()`` changes several controls with one update.

The explorers are enumerated from ``widgets.__all__``, so a new one is covered without being
listed here. Bad values fail before any figure is built, so the whole file runs in seconds.
"""

from __future__ import annotations

import dataclasses
import html
import inspect
import math
import re
import typing
from dataclasses import replace

import ipywidgets as ipw
import numpy as np
import pytest

import widgets
import widgets._base
from compute_econ import market
from compute_econ.supply import constraints
from widgets._base import PRIMARY_SLIDER_CLASS, Explorer, option_values

EXPLORERS = sorted((obj for obj in (getattr(widgets, name) for name in widgets.__all__)
                    if isinstance(obj, type) and issubclass(obj, Explorer) and obj is not Explorer),
                   key=lambda cls: cls.__name__)
#: Arguments that keep a test build fast and reproducible: without one the trend explorer measures this
#: machine for about a second. A new explorer needs no entry.
FAST = {widgets.ComputeTrendExplorer: dict(local_flop_per_s=1e11)}
#: Values no explorer argument takes (besides each one's own default, which is skipped).
BAD_VALUES = [math.nan, math.inf, -math.inf, None, True, "7", [1.0], object(), -1, 1e300]

_BUILT: dict[type, Explorer] = {}


def build(cls, **kwargs) -> Explorer:
    return cls(**(FAST.get(cls, {}) | kwargs))


def shared(cls) -> Explorer:
    """One explorer per class for the tests that only read it."""
    if cls not in _BUILT:
        _BUILT[cls] = build(cls)
    return _BUILT[cls]


def parameters(cls) -> list[inspect.Parameter]:
    return [p for p in inspect.signature(cls.__init__).parameters.values() if p.name != "self"]


def _ids(cases):
    return [f"{cls.__name__}.{name}" for cls, name in cases]


PARAMETERS = [(cls, p.name) for cls in EXPLORERS for p in parameters(cls)]
CONTROLLED = [(cls, name) for cls in EXPLORERS for name in cls.PARAMETER_CONTROLS]


def _raises_naming(cls, name, value):
    with pytest.raises(ValueError, match=re.escape(name)) as info:
        build(cls, **{name: value})
    return str(info.value)


def test_every_explorer_is_enumerated():
    assert len(EXPLORERS) == 18, [cls.__name__ for cls in EXPLORERS]


@pytest.mark.parametrize("cls, name", PARAMETERS, ids=_ids(PARAMETERS))
def test_a_bad_argument_raises_a_value_error_naming_it(cls, name):
    default = inspect.signature(cls.__init__).parameters[name].default
    tried = 0
    for value in BAD_VALUES:
        if value is default or (isinstance(default, bool) and isinstance(value, bool)):
            continue
        message = _raises_naming(cls, name, value)
        assert "Traceback" not in message
        tried += 1
    assert tried >= len(BAD_VALUES) - 2


def _outside(control: ipw.ValueWidget) -> list:
    """Values just outside a control's range, or not among its options."""
    if isinstance(control, ipw.FloatLogSlider):
        return [control.base ** (control.min - 2 * control.step), control.base ** (control.max + 2 * control.step)]
    if isinstance(control, ipw.FloatSlider):
        return [control.min - 2 * control.step, control.max + 2 * control.step]
    if isinstance(control, ipw.IntSlider):
        return [control.min - 1, control.max + 1]
    if isinstance(control, ipw.Checkbox):
        return []  # True and False are its values; the other bad values are tried above
    options = option_values(control)
    if all(isinstance(o, bool) for o in options):
        return []  # every bool is an option; the other bad values are tried above
    if all(isinstance(o, str) for o in options):
        return ["not an option", options[0].upper() + " "]
    numbers = [o for o in options if isinstance(o, (int, float)) and math.isfinite(o)]
    return [type(numbers[0])(max(numbers) + 1), type(numbers[0])(min(numbers) - 1)] + (
        [0.5 * (numbers[0] + numbers[1])] if isinstance(numbers[0], float)
        else [next(n for n in range(numbers[0] + 1, max(numbers) + 2) if n not in numbers)])  # between options


def _ends(control: ipw.ValueWidget) -> list:
    if isinstance(control, ipw.FloatLogSlider):
        return [control.base ** control.min, control.base ** control.max]
    if isinstance(control, (ipw.FloatSlider, ipw.IntSlider)):
        return [control.min, control.max]
    return []


@pytest.mark.parametrize("cls, name", CONTROLLED, ids=_ids(CONTROLLED))
def test_an_argument_outside_its_control_is_refused_not_clamped(cls, name):
    """``TrainingCostExplorer(mfu=1.5)`` ran at 0.7 (the slider's top) without a word, and a bad menu choice
    raised a bare TraitError: now both raise a ValueError naming the argument and what it can be."""
    control = shared(cls).controls[cls.PARAMETER_CONTROLS[name]]
    bad = _outside(control)
    assert bad or isinstance(control, (ipw.Dropdown, ipw.Checkbox))
    for value in bad:
        message = _raises_naming(cls, name, value)
        if isinstance(control, (ipw.FloatSlider, ipw.FloatLogSlider, ipw.IntSlider)):
            assert re.search(r"in \[[^]]+\]", message), message  # says the range
        else:
            assert "one of" in message, message  # lists the options


@pytest.mark.parametrize("end", [0, 1], ids=["low", "high"])
@pytest.mark.parametrize("cls", [cls for cls in EXPLORERS if cls.PARAMETER_CONTROLS], ids=lambda c: c.__name__)
def test_arguments_at_the_ends_of_their_sliders_are_accepted_as_given(cls, end):
    """Every slider-backed argument at its slider's low (or high) end at once: accepted, and the controls hold
    exactly those values."""
    controls = shared(cls).controls
    ends = {name: _ends(controls[control]) for name, control in cls.PARAMETER_CONTROLS.items()}
    kwargs = {name: values[end] for name, values in ends.items() if values}
    assert kwargs or not any(isinstance(controls[c], (ipw.FloatSlider, ipw.FloatLogSlider, ipw.IntSlider))
                             for c in cls.PARAMETER_CONTROLS.values())
    ex = build(cls, **kwargs)
    for name, value in kwargs.items():
        assert ex.controls[cls.PARAMETER_CONTROLS[name]].value == pytest.approx(value, rel=1e-12), name
    assert ex.error is None


def test_the_slider_ranges_and_choices_of_the_issue():
    with pytest.raises(ValueError, match=r"mfu must be in \[0\.1, 0\.7\], got 1\.5"):
        widgets.TrainingCostExplorer(mfu=1.5)
    with pytest.raises(ValueError, match=r"accelerator must be one of 'NVIDIA A100 SXM', .*; got 'H100'"):
        widgets.TrainingCostExplorer(accelerator="H100")
    with pytest.raises(ValueError, match=r"mode must be one of 'clear', 'proportional', 'contract_priority'"):
        widgets.ScarcityMarketExplorer(mode="auction")
    # A model dataclass's field outside its slider is named by its path.
    with pytest.raises(ValueError, match=r"contract\.usd_per_accelerator_hour must be in \[0\.5, 8\]"):
        widgets.ContractVsSpotExplorer(contract=replace(market.DEFAULT_CONTRACT, usd_per_accelerator_hour=20.0))
    with pytest.raises(ValueError, match=r"contract\.n_periods must be a whole number in \[0, 24\]"):
        widgets.ContractVsSpotExplorer(n_months=24, contract=market.DEFAULT_CONTRACT)
    with pytest.raises(ValueError, match=r"spot\.periods_per_year must be 12"):
        widgets.ContractVsSpotExplorer(spot=replace(market.DEFAULT_SPOT, periods_per_year=4.0))
    with pytest.raises(ValueError, match=r"scenario\.frac_largest_run must be in \[0\.05, 0\.8\]"):
        widgets.ScalingLimitsExplorer(scenario=constraints.SEVILLA_2024.with_medians(frac_largest_run=0.9))


# --------------------------------------------------------------------------- the pattern


def test_the_documented_hooks_are_the_abstract_ones():
    """widgets/_base.py documented ``update()`` as the hook while subclasses implemented ``_compute()``."""
    hooks = {"_build", "model_inputs", "_compute", "_draw", "_layout"}
    assert Explorer.__abstractmethods__ == hooks
    doc = widgets._base.__doc__
    assert doc is not None
    for hook in hooks:
        assert f"``{hook}(" in doc, hook

    class Incomplete(Explorer):
        def _build(self): ...
        def model_inputs(self): ...
        def _draw(self, inputs, result): ...
        def _layout(self): ...

    with pytest.raises(TypeError, match="_compute"):
        Incomplete(None)  # type: ignore[abstract]  # what the test checks: it cannot be instantiated


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_result_and_inputs_are_typed_frozen_and_start_from_the_caller(cls):
    hints = typing.get_type_hints(cls)
    result_type, start_type = hints["result"], hints["start"]
    assert isinstance(result_type, type) and result_type is not object, result_type
    assert isinstance(start_type, type) and dataclasses.is_dataclass(start_type)  # frozen: checked below
    ex = shared(cls)
    assert isinstance(ex.result, result_type) and isinstance(ex.start, start_type)
    inputs = ex.model_inputs()
    assert isinstance(inputs, start_type)
    with pytest.raises(dataclasses.FrozenInstanceError):
        inputs.__setattr__(dataclasses.fields(inputs)[0].name, None)
    assert inputs == ex.start  # the controls hold the caller's values exactly (no snapping, no clamping)


def test_contract_vs_spot_simulates_the_callers_contract():
    """Issue 10: ``frac_of_demand=0.5`` was simulated as 1.0 (the explorer rebuilt the contract from defaults)."""
    contract = replace(market.DEFAULT_CONTRACT, frac_of_demand=0.5, source="a half contract")
    spot = replace(market.DEFAULT_SPOT, start_usd_per_hour=2.0)
    ex = widgets.ContractVsSpotExplorer(contract=contract, spot=spot, n_paths=2000)
    assert ex.model_inputs().contract == contract and ex.model_inputs().spot == spot
    want = market.simulate_contract_vs_spot(contract, spot, 1000 * market.HOURS_PER_MONTH, n_periods=48,
                                            n_paths=2000, seed=0)
    np.testing.assert_array_equal(ex.result.contract.cost_usd, want.contract.cost_usd)
    assert ex.result.contract_terms.frac_of_demand == 0.5 and "for 50% of the need" in ex.readout.value
    ex.controls["contract_price"].value = 2.0  # a slider replaces its field and keeps the caller's others
    assert ex.result.contract_terms == replace(contract, usd_per_accelerator_hour=2.0)


def test_scaling_limits_keeps_the_callers_scenario():
    scenario = constraints.SEVILLA_2024.with_medians(mfu=0.3, frac_largest_run=0.2)
    ex = widgets.ScalingLimitsExplorer(scenario=scenario)
    assert ex.result.scenario == scenario
    ex.controls["dc_power_growth_per_year"].value = 1.3
    assert ex.result.scenario == scenario.with_medians(dc_power_growth_per_year=1.3)
    assert ex.result.scenario.mfu == 0.3  # the caller's own field, not a slider's, survives a move


# --------------------------------------------------------------------------- the error path


def _primary(ex):
    return next(c for c in ex.controls.values() if PRIMARY_SLIDER_CLASS in c._dom_classes)


def _step(control):
    if isinstance(control, ipw.SelectionSlider):
        control.index = control.index + 1 if control.index + 1 < len(control.options) else control.index - 1
    elif isinstance(control, ipw.FloatLogSlider):
        exponent = math.log(control.value, control.base)
        e = exponent + control.step if exponent + control.step <= control.max else exponent - control.step
        control.value = control.base ** e
    else:
        control.value = control.value + control.step if control.value + control.step <= control.max \
            else control.value - control.step


def _data(ex):
    return {name: {k: list(np.ravel(np.asarray(v, dtype=object))) if not (len(v) and np.ndim(v[0])) else
                   [list(np.ravel(x)) for x in v] for k, v in src.data.items()} for name, src in ex.sources.items()}


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_a_refusal_keeps_the_last_picture_and_says_why(cls, monkeypatch):
    sent = []
    monkeypatch.setattr(ipw.Widget, "_send", lambda self, msg, buffers=None: sent.append((self, msg)))
    ex = build(cls)
    before, result, readout = _data(ex), ex.result, ex.readout.value
    reason = "capacity must be in [1, 12] M accelerators, got 99 (a refusal <staged> by this test)"

    def refuse(inputs):
        raise ValueError(reason)

    monkeypatch.setattr(ex, "_compute", refuse)
    sent.clear()
    _step(_primary(ex))  # no exception reaches the slider
    assert ex.error == reason
    assert "cannot compute" in ex.readout.value and html.escape(reason) in ex.readout.value
    assert _data(ex) == before and ex.result is result
    assert not [m for w, m in sent if m.get("method") == "custom"], "a refusal sends no patch: the plots stay"

    monkeypatch.undo()
    _step(_primary(ex))
    assert ex.error is None and ex.readout.value != readout or ex.readout.value == readout
    assert ex.error is None and "cannot compute" not in ex.readout.value
    assert ex.result is not result


def test_a_combination_the_trend_model_refuses():
    """A real refusal: no frontier biology model since 2022 to fit (the model's ValueError, in words)."""
    ex = build(widgets.ComputeTrendExplorer, frontier_only=True, start_year=2022)
    before = _data(ex)
    ex.controls["domain"].value = "Biology"
    assert ex.error is not None and "Too few frontier biology models" in ex.readout.value
    assert _data(ex) == before
    with pytest.raises(ValueError, match="Too few frontier biology models"):  # at construction: the caller's error
        build(widgets.ComputeTrendExplorer, frontier_only=True, start_year=2022, domain="Biology")


# --------------------------------------------------------------------------- several controls, one update


def _count_updates(ex):
    calls = []
    compute = ex._compute

    def counted(inputs):
        calls.append(inputs)
        return compute(inputs)

    ex._compute = counted
    return calls


def test_set_changes_several_controls_with_one_update():
    ex = widgets.ScalingExplorer()
    calls = _count_updates(ex)
    ex.set(budget=1e24, fit="hoffmann2022", show_models=False)
    assert len(calls) == 1 and calls[0] == replace(ex.start, compute_flop=1e24, fit="hoffmann2022", show_models=False)
    assert ex.sources["models"].data["name"] == []
    with ex.hold_updates():
        ex.controls["budget"].value = 1e25
        with ex.hold_updates():
            ex.controls["fit"].value = "kaplan2020"
        assert len(calls) == 1  # nothing until the outermost hold ends
    assert len(calls) == 2 and calls[1].fit == "kaplan2020" and calls[1].compute_flop == 1e25
    ex.set()  # nothing to change: no update
    assert len(calls) == 2


def test_set_refuses_unknown_controls_and_values_outside_a_control():
    ex = shared(widgets.ScalingExplorer)
    with pytest.raises(ValueError, match="bugdet: not a control of ScalingExplorer; its controls are budget, fit"):
        ex.set(bugdet=1e24)
    budget = ex.controls["budget"]  # its grid passes through the starting 5.76e23 FLOP, within 1e18-1e28
    with pytest.raises(ValueError, match=re.escape(f"budget must be in [{10 ** budget.min:g}, {10 ** budget.max:g}]")):
        ex.set(budget=1e30)
    with pytest.raises(ValueError, match="fit must be one of"):
        ex.set(fit="chinchilla")


def test_a_new_market_and_its_firms_make_one_update():
    """The market menu brings its firms and leader's share with it (a private flag held the updates back)."""
    ex = widgets.ConcentrationExplorer()
    calls = _count_updates(ex)
    ex.controls["market"].value = "HBM memory"
    assert len(calls) == 1
    assert (calls[0].market.market, calls[0].merge_a, calls[0].merge_b) == ("HBM memory", "Samsung", "Micron")
    ex.set(market="EUV lithography", lead_share=0.8)
    assert len(calls) == 2 and calls[1].lead_share == 0.8
    assert not hasattr(ex, "_syncing")
