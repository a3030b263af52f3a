"""PlannerExplorer: plan a frontier run, see whether it works, what it costs and how sure that is.

Run in a notebook::

    from widgets import PlannerExplorer
    PlannerExplorer("own-fast")          # or "partnership", "public-grant", or your own FrontierPlan

The capstone's dashboard (lesson 07). A named scenario of :data:`compute_econ.plan.SCENARIOS`
(or the caller's :class:`~compute_econ.plan.FrontierPlan`) sets the conditions: the site's power,
the provider's capacity and lead time, prices, the serving life. The controls change the strategy
(own, contract, spot or a mix, :data:`~compute_econ.plan.STRATEGIES`), the accelerators, the
training budget, the deadline, the money and the serving demand. Four panels:

1. **constraints**: each constraint's load (used / limit) against the limit at 100 %, coloured
   and labelled met, binding or violated (bars stop at 200 %; the label gives the load);
2. **cost**: the plan's cost split into the final run, the experiments before it, the hours lost
   to failures and serving, and the cash it commits against the budget;
3. **uncertainty**: the Monte Carlo's distribution of the finish date (with the deadline) or of the
   cost, with the 5-95 % range and the median;
4. **tornado**: the inputs that move the finish date (or the cost) most, each from the low to the
   high end of its cited range.

Every number comes from :mod:`compute_econ.plan`: :func:`~compute_econ.plan.evaluate_plan` for the
plan, :func:`~compute_econ.plan.simulate_plan` for the distribution (seeded, so the picture moves
only when a control does) and :func:`~compute_econ.plan.sensitivity` for the tornado; the sources of
each figure are in those functions, in :data:`~compute_econ.plan.UNCERTAIN_INPUTS` and in each
scenario's ``source``.

An update comes in two parts, one kernel call: the plan first (the constraint and cost panels go to
the page as soon as they are drawn), then the Monte Carlo and the tornado (the other two panels and
the readout). ``make bench`` times both.
"""

from __future__ import annotations

from typing import ClassVar
from collections.abc import Mapping

import contextlib
import math
import time
from dataclasses import dataclass, replace
from typing import Any

import ipywidgets as ipw
import numpy as np
from bokeh.layouts import column, row
from bokeh.models import (ColumnDataSource, CustomJSTickFormatter, FactorRange, FixedTicker, HoverTool,
                          NumeralTickFormatter, Range1d)
from bokeh.models.annotations import Span
from bokeh.plotting import figure

from compute_econ._records import ArrayRecord
from compute_econ._validate import bounded_work, choice, instance, integer
from compute_econ.plan import (CONSTRAINT_LABELS, CONSTRAINTS, DEFAULT_N_SAMPLES, MAX_SAMPLES,
                               SCENARIOS, STRATEGIES, FrontierPlan, PlanDistribution, PlanResult, Sensitivity,
                               evaluate_plan, sensitivities, simulate_plan)

from ._base import PRIMARY_SLIDER_CLASS, Explorer, _on_grid, dropdown, float_slider, log_slider, set_props, store, \
    toggle_buttons
from . import colour as kit
from ._format import count, number, percent, sci, usd

#: The sliders (log10 of the low and high ends, step in decades; the deadline in months): 1,000 to a million
#: accelerators, 1e24 to 1e28 FLOP, $100M to $100B, 1e8 to 1e14 tokens a day, 3 to 48 months. The three scenarios'
#: values lie inside (3,500 to 200,000 accelerators, 1e25 to 1e27 FLOP, $279M to $13B, 1e9 to 1e12 tokens a day).
ACCELERATOR_DECADES = (3.0, 6.0, 0.05)
FLOP_DECADES = (24.0, 28.0, 0.05)
BUDGET_DECADES = (8.0, 11.0, 0.05)
TOKENS_DECADES = (8.0, 14.0, 0.05)
DEADLINE_MONTHS = (3.0, 48.0, 1.0)
#: The scenario menu's value for the caller's own plan (when it is not one of SCENARIOS).
GIVEN = "given"
#: The strategy menu's value for the caller's own split of the cluster (when it is not one of STRATEGIES).
CUSTOM = "custom"
#: What the uncertainty and tornado panels show: the finish date or the plan's cost.
VIEWS = (("finish date", "finish_months"), ("cost", "total_usd"))
#: Constraint bars stop at this load (200 % of the limit): a plan with no site power has a load of a million.
LOAD_SHOWN = 2.0
#: The status labels stand in a column right of the bars; the constraint axis runs on to hold them.
LABEL_AT = 2.06
LOAD_AXIS_END = 3.25
#: A load above this is written "over 1,000x" (the model keeps a load with no limit at all finite).
LOAD_WRITTEN = 1000.0
#: Inputs in the tornado: the largest swings.
TORNADO_INPUTS = 8
#: Histogram bins across the Monte Carlo's range, which ends at the 99.5th percentile (the rest in the last bin).
N_BINS = 40
TAIL_PERCENTILE = 99.5
# Okabe-Ito colours (colour-blind safe); every colour that carries a meaning has a second cue (a label, a hatch).
# Bars are outlined in kit.GREY_TEXT, so that the light fills (orange, sky blue, yellow, the cash's light grey) meet
# WCAG 2.1 1.4.11's 3:1; the histogram's bars are not, so its cost colour is the darker sky blue.
STATUS_COLOURS = {"met": kit.BLUISH_GREEN, "binding": kit.ORANGE, "violated": kit.VERMILLION}
COST_PARTS = (("training", "training_usd", kit.BLUE), ("experiments", "experiments_usd", kit.SKY_BLUE),
              ("failures", "failures_usd", kit.REDDISH_PURPLE), ("serving", "serving_usd", kit.YELLOW))
CASH_COLOUR = kit.GREY_LIGHT  # #999999 was 6.2 (CIEDE2000) from the failures' purple under deuteranopia
ON_TIME_COLOUR, LATE_COLOUR, COST_COLOUR = kit.BLUE, kit.VERMILLION, kit.SKY_BLUE_DARK
LOW_END_COLOUR, HIGH_END_COLOUR = kit.SKY_BLUE, kit.ORANGE
FIGURE_WIDTH, TOP_HEIGHT, BOTTOM_HEIGHT = 440, 190, 215
#: What sets the day the whole cluster is ready (compute_econ.plan.LEADS), in the readout.
LEAD_TEXT = {"none": "spot capacity from the start", "site build": "site built in month {}",
             "chip deliveries": "last chips in month {}", "provider lead time": "provider delivers in month {}"}

#: Dollars on an axis as the readout writes them: $500M, $2.5B, $1.2T.
_USD_TICKS_JS = """
const a = Math.abs(tick), f = (x) => x.toLocaleString("en", {maximumSignificantDigits: 3});
for (const [v, s] of [[1e12, "T"], [1e9, "B"], [1e6, "M"], [1e3, "k"]])
  if (a >= v) return "$" + f(tick / v) + s;
return "$" + f(tick);
"""


def _usd_ticks() -> CustomJSTickFormatter:
    return CustomJSTickFormatter(code=_USD_TICKS_JS)


def _scenario_of(plan: FrontierPlan) -> str:
    """The name in SCENARIOS of ``plan``, or :data:`GIVEN`."""
    return next((name for name, p in SCENARIOS.items() if p == plan), GIVEN)


def _load_text(load: float) -> str:
    """A load as a share of its limit (94%, 180%), or a multiple from 10 times on (25x, over 1,000x)."""
    if load > LOAD_WRITTEN:
        return f"over {LOAD_WRITTEN:,.0f}×"
    return percent(load) if load < 10 else f"{number(load)}×"


def _whole(x: float) -> str:
    """A number of months or years the controls set: 12, 1.5 (not 12.0, 1.50)."""
    return f"{x:,.0f}" if float(x).is_integer() else number(x)


def _month(m: float) -> str:
    """Months from today to one decimal (4.0, 16.8), in thousands when a run takes centuries (15,600)."""
    return f"{m:.1f}" if abs(m) < 100 else number(m)


def _months(m: float) -> str:
    return f"{_month(m)} month{'' if m == 1 else 's'}"


def _years(y: float) -> str:
    return f"{_whole(y)} year{'' if y == 1 else 's'}"


def _nice_end(x: float) -> float:
    """The axis end at or above ``x`` on a 1-1.2-1.5-2-2.5-3-4-5-6-8 ladder: the axis moves only when the data
    cross a step."""
    if not x > 0:
        return 1.0
    k = math.floor(math.log10(x))
    return next(m * 10.0**k for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if m * 10.0**k >= x)


def _split(plan: FrontierPlan) -> str:
    """A plan's split of the cluster in words: 100% owned; 50% owned, 33% on contract, 17% spot."""
    parts = [(plan.frac_own, "owned"), (plan.frac_contract, "on contract"), (plan.frac_spot, "spot")]
    return ", ".join(f"{percent(share)} {what}" for share, what in parts if share > 0)


@dataclass(frozen=True)
class PlannerInputs:
    """What the PlannerExplorer's model calls take: the plan as the controls set it, the scenario it came from
    (a name of SCENARIOS, or "given" for the caller's plan), what the uncertainty panels show, and the Monte
    Carlo's sample size and seed. Validated, stored."""

    plan: FrontierPlan
    scenario: str
    view: str
    n_samples: int
    seed: int

    def __post_init__(self) -> None:
        plan = instance("plan", self.plan, FrontierPlan)
        if plan.training_flop is None:
            raise ValueError(f"plan.training_flop must be set: the planner's controls set a training budget, and this "
                             f"plan has a target loss instead (target_loss={plan.target_loss!r})")
        store(self, "scenario", choice("scenario", self.scenario, (*SCENARIOS, GIVEN)))
        store(self, "view", choice("view", self.view, tuple(v for _, v in VIEWS)))
        store(self, "n_samples", bounded_work("n_samples", self.n_samples, MAX_SAMPLES, low=2))
        store(self, "seed", integer("seed", self.seed, 0, 2**63 - 1))


@dataclass(frozen=True, eq=False)
class PlannerRisk(ArrayRecord):
    """The plan under uncertainty: :func:`~compute_econ.plan.simulate_plan` and the two tornadoes of
    :func:`~compute_econ.plan.sensitivity` (of the cost, ``"total_usd"``, and of the finish date)."""

    distribution: PlanDistribution
    cost: Sensitivity
    finish: Sensitivity


@dataclass(frozen=True, eq=False)
class PlannerResult(ArrayRecord):
    """The plan (``evaluation``, :func:`~compute_econ.plan.evaluate_plan`) and its risk (``risk``), for the plan
    the controls set. ``risk`` is ``None`` between the two parts of an update (see the module), and after a Monte
    Carlo the model refused (``error`` says why; the distribution and tornado panels keep the last plan's)."""

    plan: FrontierPlan
    evaluation: PlanResult
    risk: PlannerRisk | None = None


class PlannerExplorer(Explorer[PlannerInputs, PlannerResult]):
    """A frontier plan in; its constraints, its cost, its finish date and their distributions out.

    Parameters
    ----------
    plan : FrontierPlan or str
        A scenario of :data:`compute_econ.plan.SCENARIOS` by name ("own-fast", "partnership",
        "public-grant") or a plan of your own. Its accelerators (1,000 to a million), training
        budget (1e24 to 1e28 FLOP; a plan with a target loss instead is refused), deadline (3 to 48
        months), budget ($100M to $100B) and serving demand (1e8 to 1e14 tokens a day) start the
        sliders; its strategy the menu (a split that is none of STRATEGIES is offered as "custom").
        Choosing a scenario in the menu resets every other control to its values.
    n_samples : int
        Draws of the Monte Carlo per update, 2 to :data:`compute_econ.plan.MAX_SAMPLES` (default
        :data:`compute_econ.plan.DEFAULT_N_SAMPLES`, within 100 ms; the update time grows with it).
    seed : int
        Seed of the Monte Carlo's draws (the same seed, the same picture).
    """

    #: The book precomputes own, contract, spot and the mix.
    #: Each control's name for a screen reader (its tooltip): what it sets and in which unit.
    CONTROL_NAMES: ClassVar[Mapping[str, str]] = {
        "view": "what the lower plots show: the finish date or the cost",
    }
    STATIC_CONTROLS: ClassVar[Mapping[str, int]] = {"strategy": 0, "n_accelerators": 25}

    PARAMETER_CONTROLS = {"plan": "scenario"}
    start: PlannerInputs
    result: PlannerResult
    #: Seconds the first part of the last update took (the plan, up to its patch); ``last_update_s`` is both parts.
    last_plan_update_s: float
    _drawn: PlannerInputs

    def __init__(self, plan: FrontierPlan | str = "own-fast", n_samples: int = DEFAULT_N_SAMPLES, seed: int = 0):
        if isinstance(plan, str):
            given = SCENARIOS[choice("plan", plan, tuple(SCENARIOS))]
        elif isinstance(plan, FrontierPlan):
            given = plan
        else:
            names = ", ".join(repr(name) for name in SCENARIOS)
            raise ValueError(f"plan must be a FrontierPlan or one of {names}; got {plan!r} ({type(plan).__name__})")
        self.last_plan_update_s = math.nan
        self._risk_cache: tuple[Any, PlannerRisk] | None = None
        super().__init__(PlannerInputs(plan=given, scenario=_scenario_of(given), view=VIEWS[0][1],
                                       n_samples=n_samples, seed=seed))

    # -- controls, sources, figures ------------------------------------------------------------------
    def _build(self) -> None:
        st, p = self.start, self.start.plan

        def style(width: int) -> dict:
            return {"description_width": f"{width}px"}

        def log(name: str, value: float, spec: tuple[float, float, float], label: str, label_px: int,
                track_px: int, tooltip: str) -> ipw.FloatLogSlider:
            return log_slider(f"plan.{name}", value, base=10, low=spec[0], high=spec[1], step=spec[2],
                              description=label, readout=False, style=style(label_px), tooltip=tooltip,
                              layout=ipw.Layout(width=f"{label_px + track_px}px"))

        accelerators = log("n_accelerators", p.n_accelerators, ACCELERATOR_DECADES, "accelerators", 84, 116,
                           "accelerators in the training cluster")
        accelerators.add_class(PRIMARY_SLIDER_CLASS)
        strategies = [(name, name) for name in STRATEGIES]
        if p.strategy == CUSTOM:
            strategies.append((CUSTOM, CUSTOM))
        scenarios = [(name, name) for name in SCENARIOS] + ([("your plan", GIVEN)] if st.scenario == GIVEN else [])
        self.controls = {
            "scenario": dropdown("plan", st.scenario, scenarios, description="scenario", style=style(60),
                                 layout=ipw.Layout(width="196px"), tooltip="a named plan: its conditions and values"),
            "strategy": dropdown("plan.strategy", p.strategy, strategies, description="strategy", style=style(60),
                                 layout=ipw.Layout(width="156px"), tooltip="own, rent on a contract, buy spot, or a mix"),
            "deadline_months": float_slider("plan.deadline_months", p.deadline_months, low=DEADLINE_MONTHS[0],
                                            high=DEADLINE_MONTHS[1], step=DEADLINE_MONTHS[2], description="deadline",
                                            readout=False, style=style(60), layout=ipw.Layout(width="164px"),
                                            tooltip="months from today to a trained model"),
            "budget_usd": log("budget_usd", p.budget_usd, BUDGET_DECADES, "budget", 52, 112,
                              "cash the lab can commit to get the model trained, in dollars"),
            "n_accelerators": accelerators,
            "training_flop": log("training_flop", float(p.training_flop or 0.0), FLOP_DECADES, "FLOP", 40, 104,
                                 "the final training run's budget, in FLOP"),
            "tokens_served_per_day": log("tokens_served_per_day", p.tokens_served_per_day, TOKENS_DECADES,
                                         "tokens/day", 72, 92, "tokens served a day once the model is trained"),
            "view": toggle_buttons("view", st.view, list(VIEWS), tooltips=["the finish date's distribution and tornado",
                                                                           "the cost's distribution and tornado"],
                                   style={"button_width": "92px"}),
        }
        # Each slider's value, written as the readout writes it (the slider's own readout cannot write $6.0B).
        self._values = {name: ipw.HTML(layout=ipw.Layout(width=f"{width}px"))
                        for name, width in (("deadline_months", 72), ("budget_usd", 62), ("n_accelerators", 66),
                                            ("training_flop", 62), ("tokens_served_per_day", 52))}
        self.value_labels = self._values
        for name, label in self._values.items():
            label.value = self._value_text(name, self.controls[name].value)
            self.controls[name].observe(lambda change, name=name: self._show_value(name, change["new"]), names="value")

        self.sources = {
            # The plan's two panels, five rows each (the constraints; four parts of the cost and the cash): one source,
            # one assignment per update.
            "plan": ColumnDataSource(data=dict(name=[], load=[], label_at=[], label=[], what=[], status_color=[],
                                               bar=[], left=[], right=[], part=[], usd=[], part_color=[])),
            "histogram": ColumnDataSource(data=dict(left=[], right=[], share=[], color=[], hatch=[])),
            "range": ColumnDataSource(data=dict(p5=[], p50=[], p95=[], y=[])),
            "tornado_low": ColumnDataSource(data=dict(input=[], left=[], right=[], ends=[], output=[])),
            "tornado_high": ColumnDataSource(data=dict(input=[], left=[], right=[], ends=[], output=[])),
        }
        s = self.sources

        def fig(title: str, height: int, **kwargs: Any) -> Any:
            f = figure(title=title, width=FIGURE_WIDTH, height=height, toolbar_location=None, tools="", **kwargs)
            set_props(f.title, text_font_size="10pt")
            f.axis.major_label_text_font_size = "8pt"
            f.axis.axis_label_text_font_size = "8pt"
            return f

        # 1. constraints: load against the limit, budget on top
        c = fig("Constraints: what each plan uses of its limit", TOP_HEIGHT,
                y_range=FactorRange(factors=list(reversed(CONSTRAINTS))), x_range=Range1d(start=0, end=LOAD_AXIS_END),
                x_axis_label=f"used / limit (bars stop at {percent(LOAD_SHOWN)}; labels give the load)")
        bars = c.hbar(y="name", left=0, right="load", height=0.62, fill_color="status_color", line_color=kit.GREY_TEXT,
                      source=s["plan"])
        c.text(x="label_at", y="name", text="label", text_baseline="middle", text_font_size="8pt", source=s["plan"])
        c.add_layout(Span(location=1.0, dimension="height", line_color="#000000", line_dash="dashed", line_width=1.5))
        c.xaxis.ticker = FixedTicker(ticks=[0.0, 0.5, 1.0, 1.5, 2.0])
        c.xaxis.formatter = NumeralTickFormatter(format="0%")
        c.add_tools(HoverTool(renderers=[bars], tooltips=[("", "@what"), ("", "@label")]))
        c.ygrid.grid_line_color = None

        # 2. cost: the economic cost, stacked, and the cash committed against the budget
        k = fig("Cost, and the cash committed against the budget (dashed)", TOP_HEIGHT,
                y_range=FactorRange(factors=["cash", "cost"]), x_range=Range1d(start=0, end=1), x_axis_label="USD")
        cost_bars = k.hbar(y="bar", left="left", right="right", height=0.6, fill_color="part_color", line_color=kit.GREY_TEXT,
                           legend_field="part", source=s["plan"])
        self._budget = Span(location=1.0, dimension="height", line_color="#D55E00", line_dash="dashed", line_width=2)
        k.add_layout(self._budget)
        k.xaxis.formatter = _usd_ticks()
        k.add_tools(HoverTool(renderers=[cost_bars], tooltips=[("", "@part: @usd")]))
        set_props(k.legend[0], orientation="horizontal", label_text_font_size="8pt", spacing=2, padding=2, margin=0,
                  glyph_width=12, border_line_alpha=0)
        k.add_layout(k.legend[0], "below")
        k.ygrid.grid_line_color = None

        # 3. the Monte Carlo's distribution, the 5-95% range and the median above it
        h = fig("Finish date", BOTTOM_HEIGHT, x_range=Range1d(start=0, end=1), y_range=Range1d(start=0, end=1),
                y_axis_label="share of draws")
        h.quad(left="left", right="right", bottom=0, top="share", color="color", hatch_pattern="hatch",
               hatch_color="#ffffff", line_color="white", source=s["histogram"])
        h.segment(x0="p5", y0="y", x1="p95", y1="y", color="#000000", line_width=3, source=s["range"])
        h.scatter("p50", "y", size=9, color="#000000", source=s["range"])
        self._deadline = Span(location=1.0, dimension="height", line_color="#D55E00", line_dash="dashed", line_width=2)
        self._estimate = Span(location=1.0, dimension="height", line_color="#000000", line_dash="dotted", line_width=2)
        h.add_layout(self._deadline)
        h.add_layout(self._estimate)
        h.yaxis.formatter = NumeralTickFormatter(format="0%")

        # 4. the tornado: each input from the low to the high end of its range, around the plan's value
        t = fig("What moves the finish date", BOTTOM_HEIGHT, y_range=FactorRange(factors=["-"]),
                x_range=Range1d(start=0, end=1))
        tooltips = [("", "@input"), ("range", "@ends"), ("gives", "@output")]
        low = t.hbar(y="input", left="left", right="right", height=0.62, fill_color=LOW_END_COLOUR, line_color=kit.GREY_TEXT,
                     legend_label="input at the low end of its range", source=s["tornado_low"])
        high = t.hbar(y="input", left="left", right="right", height=0.62, fill_color=HIGH_END_COLOUR, line_color=kit.GREY_TEXT,
                      legend_label="at the high end", source=s["tornado_high"])
        t.add_tools(HoverTool(renderers=[low, high], tooltips=tooltips))
        self._base_value = Span(location=1.0, dimension="height", line_color="#000000", line_width=1.5)
        t.add_layout(self._base_value)
        set_props(t.legend[0], orientation="horizontal", label_text_font_size="8pt", spacing=2, padding=2, margin=0,
                  glyph_width=12, border_line_alpha=0)
        t.add_layout(t.legend[0], "below")
        t.ygrid.grid_line_color = None
        self._usd_formatter, self._months_formatter = _usd_ticks(), NumeralTickFormatter(format="0,0.[0]")
        self._figures = (c, k, h, t)

    def _value_text(self, name: str, value: float) -> str:
        if name == "n_accelerators":
            return f"{round(value):,}"
        if name == "training_flop":
            return sci(value)
        if name == "budget_usd":
            return usd(value)
        if name == "tokens_served_per_day":
            return count(value)
        return f"{_whole(value)} months"

    def _show_value(self, name: str, value: float) -> None:
        self._values[name].value = self._value_text(name, value)

    def _place(self, name: str, value: float) -> None:
        """Move slider ``name`` to ``value`` on a grid that passes through it (the page snaps a slider to its grid)."""
        control = self.controls[name]
        log = isinstance(control, ipw.FloatLogSlider)
        spec = {"n_accelerators": ACCELERATOR_DECADES, "training_flop": FLOP_DECADES, "budget_usd": BUDGET_DECADES,
                "tokens_served_per_day": TOKENS_DECADES, "deadline_months": DEADLINE_MONTHS}[name]
        lo, hi = _on_grid(math.log10(value) if log else value, spec[0], spec[1], spec[2])
        with control.hold_trait_notifications():
            control.min, control.max, control.value = lo, hi, float(value)

    def _follow(self, name: str, value: Any) -> None:
        """A scenario brings its own plan: every other control moves to its values (one update follows)."""
        if name != "scenario":
            return
        p = self._base_plan(value)
        self.controls["strategy"].value = p.strategy
        for field in ("n_accelerators", "training_flop", "deadline_months", "budget_usd", "tokens_served_per_day"):
            self._place(field, float(getattr(p, field)))

    def _base_plan(self, scenario: str) -> FrontierPlan:
        return self.start.plan if scenario == GIVEN else SCENARIOS[scenario]

    def model_inputs(self) -> PlannerInputs:
        c = self.controls
        base = self._base_plan(c["scenario"].value)
        strategy = c["strategy"].value
        if strategy == CUSTOM:  # the caller's own split
            base = replace(base, frac_own=self.start.plan.frac_own, frac_contract=self.start.plan.frac_contract)
        elif strategy != base.strategy:
            base = base.with_strategy(strategy)
        plan = replace(base, n_accelerators=int(round(float(c["n_accelerators"].value))),
                       training_flop=float(c["training_flop"].value),
                       deadline_months=float(c["deadline_months"].value), budget_usd=float(c["budget_usd"].value),
                       tokens_served_per_day=float(c["tokens_served_per_day"].value))
        return replace(self.start, plan=plan, scenario=c["scenario"].value, view=c["view"].value)

    # -- the model: the plan first, its risk after -----------------------------------------------------
    def _compute(self, inputs: PlannerInputs) -> PlannerResult:
        p = inputs.plan
        evaluation = self._memo(("plan", p), lambda: evaluate_plan(p))
        cached = self._risk_cache
        risk = cached[1] if cached is not None and cached[0] == self._risk_key(inputs) else None
        return PlannerResult(plan=p, evaluation=evaluation, risk=risk)

    @staticmethod
    def _risk_key(inputs: PlannerInputs) -> tuple[FrontierPlan, int, int]:
        return inputs.plan, inputs.n_samples, inputs.seed

    @staticmethod
    def _compute_risk(inputs: PlannerInputs) -> PlannerRisk:
        p = inputs.plan
        tornado = sensitivities(p, ("total_usd", "finish_months"))  # both views from one evaluation
        return PlannerRisk(distribution=simulate_plan(p, inputs.n_samples, inputs.seed),
                           cost=tornado["total_usd"], finish=tornado["finish_months"])

    def _update(self, refuse: bool) -> None:
        """The plan (``evaluate_plan``: constraints, cost), then, in a second patch, its risk (the Monte Carlo and
        the tornado, the readout); ``last_plan_update_s`` times the first part, ``last_update_s`` both."""
        t0 = time.perf_counter()
        super()._update(refuse)
        self.last_plan_update_s = self.last_update_s
        if self.error is None and self.result.risk is None:
            self._update_risk(refuse)
        self.last_update_s = time.perf_counter() - t0

    def _update_risk(self, refuse: bool) -> None:
        inputs, r = self._drawn, self.result
        with self.readout.hold_sync(), contextlib.ExitStack() as stack:
            for view in self._views:
                stack.enter_context(view.batch())
            try:
                risk = self._compute_risk(inputs)
            except ValueError as err:
                if not refuse:
                    raise
                self.error = str(err)
                self.readout.value = self._refusal_text(self.error).replace(
                    "The plots still show", "The constraint and cost panels show this plan; the distribution and the "
                    "tornado still show")
                return
            self._risk_cache = (self._risk_key(inputs), risk)
            self.result = replace(r, risk=risk)
            self._draw_risk(inputs, self.result)

    # -- the picture -----------------------------------------------------------------------------------
    def _draw(self, inputs: PlannerInputs, r: PlannerResult) -> None:
        self._drawn = inputs
        e, p = r.evaluation, r.plan
        status = e.status
        loads = [float(e.load[c]) for c in CONSTRAINTS]
        parts = [float(getattr(e, field)) for _, field, _ in COST_PARTS]
        right = np.cumsum(parts)
        cash, budget = float(e.cash_usd), p.budget_usd
        self._show("plan", dict(
            name=list(CONSTRAINTS), load=np.minimum(loads, LOAD_SHOWN), label_at=[LABEL_AT] * len(CONSTRAINTS),
            label=[f"{status[c]} · {_load_text(x)}" for c, x in zip(CONSTRAINTS, loads, strict=True)],
            what=[CONSTRAINT_LABELS[c] for c in CONSTRAINTS], status_color=[STATUS_COLOURS[status[c]] for c in CONSTRAINTS],
            bar=["cost"] * len(parts) + ["cash"], left=np.append(right - parts, 0.0), right=np.append(right, cash),
            part=[name for name, _, _ in COST_PARTS] + ["cash committed"], usd=[usd(x) for x in parts] + [usd(cash)],
            part_color=[colour for _, _, colour in COST_PARTS] + [CASH_COLOUR]))
        violated = [c for c in CONSTRAINTS if status[c] == "violated"]
        set_props(self._figures[0].title, text=f"Constraints: NOT feasible ({', '.join(violated)} violated)" if violated
                  else "Constraints: feasible (none violated)")
        set_props(self._budget, location=budget)
        set_props(self._figures[1].x_range, start=0, end=_nice_end(1.04 * max(float(right[-1]), cash, budget)))
        if r.risk is not None:
            self._draw_risk(inputs, r)

    def _draw_risk(self, inputs: PlannerInputs, r: PlannerResult) -> None:
        assert r.risk is not None
        e, p, d = r.evaluation, r.plan, r.risk.distribution
        finish = inputs.view == "finish_months"
        h, t = self._figures[2], self._figures[3]

        # 3. the distribution: bins from the lowest draw to the 99.5th percentile, an edge on the deadline
        draws = np.asarray(getattr(d.result, inputs.view), dtype=float)
        estimate = float(getattr(e, inputs.view))
        lo, hi = float(draws.min()), float(np.percentile(draws, TAIL_PERCENTILE))
        if hi - lo <= 1e-9 * max(abs(hi), 1.0):  # every draw alike
            lo, hi = lo * 0.95, hi * 1.05 + 1e-9
        width = (hi - lo) / N_BINS
        if finish and lo < p.deadline_months < hi:
            lo = p.deadline_months - math.ceil((p.deadline_months - lo) / width) * width
        edges = lo + width * np.arange(math.ceil((hi - lo) / width - 1e-9) + 1)
        counts, _ = np.histogram(np.clip(draws, edges[0], edges[-1]), bins=edges)
        share = counts / draws.size
        late = (edges[:-1] >= p.deadline_months - 1e-9 * width) if finish else np.zeros(share.size, dtype=bool)
        self._show("histogram", dict(left=edges[:-1], right=edges[1:], share=share,
                                     color=np.where(late, LATE_COLOUR, ON_TIME_COLOUR if finish else COST_COLOUR).tolist(),
                                     hatch=np.where(late, "/", " ").tolist()))
        pct = d.finish_months_percentiles if finish else d.total_usd_percentiles
        top = float(share.max())
        self._show("range", dict(p5=[pct[5]], p50=[pct[50]], p95=[pct[95]], y=[1.12 * top]))
        marks = [edges[0], edges[-1], estimate] + ([p.deadline_months] if finish else [])
        x0, x1 = min(marks), max(marks)
        pad = 0.03 * (x1 - x0)
        set_props(h.x_range, start=x0 - pad, end=x1 + pad)
        set_props(h.y_range, start=0, end=1.25 * top)
        set_props(self._deadline, location=p.deadline_months, visible=finish)
        set_props(self._estimate, location=estimate)
        fmt = self._months_formatter if finish else self._usd_formatter
        if h.xaxis[0].formatter is not fmt:
            h.xaxis[0].formatter = fmt
        if finish:
            title = f"Finish date: P(miss the deadline) {percent(d.p_miss_deadline)}"
            label = "months to the model · dashed: deadline · dotted: plan · bar, dot: 5–95%, median"
        else:
            title = f"Cost: median {usd(pct[50])}, 5–95% {usd(pct[5])} to {usd(pct[95])}"
            label = "cost, USD · dotted: the plan's estimate · bar, dot: 5–95%, median"
        set_props(h.title, text=title)
        set_props(h.xaxis[0], axis_label=label)

        # 4. the tornado: the largest swings, largest on top
        s = r.risk.finish if finish else r.risk.cost
        keep = [i for i in range(len(s.names)) if s.swing[i] > 0][:TORNADO_INPUTS] or [0]
        base = s.base_value
        write = _months if finish else usd
        for name, at in (("tornado_low", s.output_at_low), ("tornado_high", s.output_at_high)):
            self._show(name, dict(
                input=[s.labels[i] for i in keep], left=[min(base, float(at[i])) for i in keep],
                right=[max(base, float(at[i])) for i in keep],
                ends=[f"{number(float(s.input_low[i]))} to {number(float(s.input_high[i]))}" for i in keep],
                output=[write(float(at[i])) for i in keep]))
        set_props(t.y_range, factors=[s.labels[i] for i in reversed(keep)])
        ends = np.concatenate([s.output_at_low[keep], s.output_at_high[keep], [base]])
        x0, x1 = float(ends.min()), float(ends.max())
        pad = 0.05 * (x1 - x0) if x1 > x0 else 0.05 * max(abs(base), 1.0)
        set_props(t.x_range, start=x0 - pad, end=x1 + pad)
        set_props(self._base_value, location=base)
        if t.xaxis[0].formatter is not fmt:
            t.xaxis[0].formatter = fmt
        set_props(t.title, text=f"What moves the {'finish date' if finish else 'cost'} most")
        set_props(t.xaxis[0], axis_label=f"{'months to the model' if finish else 'cost, USD'} · line: the plan's "
                                         f"{write(base)}")
        self.readout.value = self._readout(inputs, r)

    def _readout(self, inputs: PlannerInputs, r: PlannerResult) -> str:
        assert r.risk is not None
        e, p, d, cost = r.evaluation, r.plan, r.risk.distribution, r.risk.cost
        status, load = e.status, {c: float(e.load[c]) for c in CONSTRAINTS}
        binding = str(e.binding)
        detail = (f"the owned cluster draws {number(float(e.own_mw))} MW of the site's {number(p.site_power_mw)} MW"
                  if binding == "power" else CONSTRAINT_LABELS[binding])
        violated = [c for c in CONSTRAINTS if status[c] == "violated" and c != binding]
        close = [c for c in CONSTRAINTS if status[c] == "binding" and c != binding]

        def listed(names: list[str]) -> str:
            return ", ".join(f"{c} ({_load_text(load[c])})" for c in names)

        if status[binding] == "violated":
            verdict = (f"<b>Not feasible</b>: <b>{binding}</b> is violated ({detail}: {_load_text(load[binding])})"
                       + (f"; so {'is' if len(violated) == 1 else 'are'} {listed(violated)}" if violated else ""))
        else:
            word = "binds" if status[binding] == "binding" else "is the closest to its limit"
            verdict = (f"<b>Feasible</b>: <b>{binding}</b> {word} ({detail}: {_load_text(load[binding])})"
                       + (f"; {listed(close)} bind{'s' if len(close) == 1 else ''} too" if close else ""))
        lead = str(e.lead_name)
        ready = LEAD_TEXT.get(lead, lead + " by month {}").format(_month(float(e.ready_months)))
        fp, cp = d.finish_months_percentiles, d.total_usd_percentiles
        strategy = p.strategy
        split = f" {strategy.capitalize()}: {_split(p)}." if strategy in ("mix", CUSTOM) else ""
        return (
            f"{verdict}.<br>"
            f"Cost <b>{usd(float(e.total_usd))}</b> = training {usd(float(e.training_usd))} + overheads "
            f"{usd(float(e.overhead_usd))} + serving {usd(float(e.serving_usd))} ({_years(p.serving_years)} of "
            f"{count(p.tokens_served_per_day)} tokens a day); cash committed <b>{usd(float(e.cash_usd))}</b> of "
            f"{usd(p.budget_usd)}.{split}<br>"
            f"Trained after <b>{_month(float(e.finish_months))} of {_whole(p.deadline_months)} months</b> ({ready}). "
            f"{d.n_samples:,} draws, 5–95%: finish {_month(fp[5])}–{_month(fp[95])} months, cost "
            f"{usd(cp[5])}–{usd(cp[95])}.<br>"
            f"<b>P(feasible) {percent(d.p_feasible)}</b> (deadline missed in {percent(d.p_miss_deadline)}, budget "
            f"exceeded in {percent(d.p_over_budget)}). The cost moves most with <b>{cost.labels[0]}</b> "
            f"({usd(float(cost.output_at_low[0]))} to {usd(float(cost.output_at_high[0]))})."
        )

    def _layout(self) -> ipw.Box:
        c, v = self.controls, self._values

        def with_value(name: str) -> ipw.Box:
            return ipw.HBox([c[name], v[name]])

        top = ipw.HBox([c["scenario"], c["strategy"], with_value("deadline_months"), with_value("budget_usd")])
        bottom = ipw.HBox([with_value("n_accelerators"), with_value("training_flop"),
                           with_value("tokens_served_per_day"), c["view"]])
        cons, cost, hist, tornado = self._figures
        return ipw.VBox([top, bottom, self.readout, self._plot(column(row(cons, cost), row(hist, tornado)))])


__all__ = ["PlannerExplorer", "PlannerInputs", "PlannerResult", "PlannerRisk"]
