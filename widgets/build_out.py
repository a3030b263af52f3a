"""BuildOutExplorer: a jump in demand against power capacity that comes online late.

Run in a notebook::

    from widgets.build_out import BuildOutExplorer
    BuildOutExplorer()

Demand for data-centre power (US load from LBNL's 2024 report, growing on a
baseline path) takes a step up, the *demand shock*, e.g. a new 5 GW frontier
AI campus. Builders order new capacity at once, but it is online only after
the lead time (permits, grid connection, construction). The plot shows demand,
capacity and the shortage between them; the readout says how large the
shortage gets and how long it takes to catch up. Numbers come from
:mod:`compute_econ.supply.buildout`.
"""

from __future__ import annotations

from typing import ClassVar
from collections.abc import Mapping

import math
from dataclasses import replace

import ipywidgets as ipw
from bokeh.models import ColumnDataSource, HoverTool
from bokeh.models.annotations import Span
from bokeh.plotting import figure

from compute_econ._validate import integer, scalar
from compute_econ.supply import buildout

from ._base import PRIMARY_SLIDER_CLASS, Explorer, float_slider, int_slider, selection_slider, set_props
from . import colour as kit

HORIZON_QUARTERS = 40  # ten years
#: Build-rate caps offered, MW per quarter (label, value); "unlimited" is the model's default.
BUILD_RATES = [(f"{v / 1000:g} GW", float(v)) for v in (500, 1000, 2000, 3000, 5000, 7500, 10_000, 20_000)] + [
    ("unlimited", math.inf)]
MW_PER_GW = 1000.0
# The sliders' ranges: shock 0-20 GW in 250-MW steps, its quarter 0-20, lead time 0-28 quarters (7 years,
# beyond the 5-year interconnection queue), baseline growth x1.0-1.4 a year in steps of 0.01.
SHOCK_MW = (0.0, 20_000.0, 250.0)
SHOCK_QUARTERS = (0, 20)
LEAD_TIME_QUARTERS = (0, 28)
GROWTH_PER_YEAR = (1.0, 1.4, 0.01)


def _years(quarters: float) -> str:
    q = float(quarters)
    return f"{q:.0f} quarter{'s' if q != 1 else ''} ({q / 4:.1f} years)"


class BuildOutExplorer(Explorer[buildout.BuildOutScenario, buildout.BuildOutResult]):
    """Demand shock, its timing, lead time, baseline growth and build rate in; capacity and shortage out.

    The model inputs are a :class:`compute_econ.supply.BuildOutScenario` (the model's own defaults for
    what the controls do not set); the result is the model's :class:`~compute_econ.supply.BuildOutResult`.

    Parameters
    ----------
    shock_mw : float
        Size of the jump in demand, MW (0 to 20,000; default one 5 GW campus).
    shock_quarter : int
        Quarter the shock arrives (0 to 20).
    lead_time_quarters : int
        Quarters from order to capacity online (0 to 28; default 16: ~4 years to get grid power).
    growth_per_year : float
        Baseline demand growth factor per year (1.0 to 1.4).
    """

    #: The book precomputes the lead time, the lesson's point.
    #: Each control's name for a screen reader (its tooltip): what it sets and in which unit.
    CONTROL_NAMES: ClassVar[Mapping[str, str]] = {
        "shock_mw": "extra demand for data-centre power that arrives at once, in megawatts",
        "shock_quarter": "quarter in which the demand shock arrives",
        "lead_time_quarters": "lead time to build new data-centre capacity, in quarters",
        "growth_per_year": "baseline growth of demand for power, times per year",
        "build_rate_mw_per_quarter": "most capacity that can be built in a quarter, in megawatts",
    }
    STATIC_CONTROLS: ClassVar[Mapping[str, int]] = {"lead_time_quarters": 9, "shock_mw": 21}

    PARAMETER_CONTROLS = {"shock_mw": "shock_mw", "shock_quarter": "shock_quarter",
                          "lead_time_quarters": "lead_time_quarters", "growth_per_year": "growth_per_year"}
    start: buildout.BuildOutScenario
    result: buildout.BuildOutResult

    def __init__(self, shock_mw: float = buildout.FRONTIER_CAMPUS_MW, shock_quarter: int = 4,
                 lead_time_quarters: int = buildout.LEAD_TIME_GRID_POWER_QUARTERS,
                 growth_per_year: float = buildout.DEFAULT_GROWTH_PER_YEAR):
        super().__init__(buildout.BuildOutScenario(
            shock_mw=scalar("shock_mw", shock_mw, *SHOCK_MW[:2], unit="MW"),
            shock_quarter=integer("shock_quarter", shock_quarter, *SHOCK_QUARTERS),
            lead_time_quarters=integer("lead_time_quarters", lead_time_quarters, *LEAD_TIME_QUARTERS),
            growth_per_year=scalar("growth_per_year", growth_per_year, *GROWTH_PER_YEAR[:2]),
            horizon_quarters=HORIZON_QUARTERS,
        ))

    # -- data, plots, controls ------------------------------------------------------------
    def _build(self) -> None:
        st = self.start
        style = {"description_width": "190px"}
        wide = ipw.Layout(width="420px")
        shock = float_slider("shock_mw", st.shock_mw, low=SHOCK_MW[0], high=SHOCK_MW[1], step=SHOCK_MW[2],
                             readout_format=",.0f", description="demand shock (MW)", style=style, layout=wide)
        shock.add_class(PRIMARY_SLIDER_CLASS)
        self.controls = {
            "shock_mw": shock,
            "shock_quarter": int_slider("shock_quarter", st.shock_quarter, low=SHOCK_QUARTERS[0],
                                        high=SHOCK_QUARTERS[1], description="shock arrives (quarter)", style=style,
                                        layout=wide),
            "lead_time_quarters": int_slider("lead_time_quarters", st.lead_time_quarters, low=LEAD_TIME_QUARTERS[0],
                                             high=LEAD_TIME_QUARTERS[1], description="lead time (quarters)",
                                             style=style, layout=wide),
            "growth_per_year": float_slider("growth_per_year", st.growth_per_year, low=GROWTH_PER_YEAR[0],
                                            high=GROWTH_PER_YEAR[1], step=GROWTH_PER_YEAR[2], readout_format=".2f",
                                            description="baseline growth (×/yr)", style=style, layout=wide),
            "build_rate_mw_per_quarter": selection_slider("build_rate_mw_per_quarter", st.build_rate_mw_per_quarter,
                                                          BUILD_RATES, description="build rate cap (per quarter)",
                                                          style=style, layout=wide),
        }

        self.sources = {
            "series": ColumnDataSource(data=dict(years=[], demand_gw=[], baseline_gw=[], capacity_gw=[],
                                                 shortage_top_gw=[], shortage_gw=[])),
        }
        s = self.sources["series"]
        p = figure(title="US data-centre power: demand vs capacity online (GW); shaded = shortage; dotted: shock, dash-dot: caught up",
                   width=820, height=400, x_axis_label="years from now", y_axis_label="GW",
                   tools="pan,wheel_zoom,box_zoom,reset,save", toolbar_location="above")
        # Quarterly values, drawn as steps: a quarter's value holds until the next quarter.
        p.varea_step(x="years", y1="capacity_gw", y2="shortage_top_gw", source=s, step_mode="after",
                     fill_color=kit.VERMILLION, fill_alpha=0.35, legend_label="shortage")
        p.step("years", "baseline_gw", source=s, mode="after", line_width=2, line_dash="dashed", color=kit.GREY,
               legend_label="demand without the shock")
        demand = p.step("years", "demand_gw", source=s, mode="after", line_width=3, color=kit.VERMILLION,
                        legend_label="demand")
        p.step("years", "capacity_gw", source=s, mode="after", line_width=3, color=kit.BLUE,
               legend_label="capacity online")
        p.add_tools(HoverTool(renderers=[demand], mode="vline", tooltips=[
            ("year", "@years{0.00}"), ("demand", "@demand_gw{0.0} GW"), ("capacity", "@capacity_gw{0.0} GW"),
            ("shortage", "@shortage_gw{0.0} GW")]))
        self._shock_line = Span(location=0.0, dimension="height", line_dash="dotted", line_color=kit.VERMILLION,
                                line_width=2)
        self._catch_up_line = Span(location=0.0, dimension="height", line_dash="dashdot", line_color=kit.BLUE,
                                   line_width=2)
        p.add_layout(self._shock_line)
        p.add_layout(self._catch_up_line)
        p.legend.location = "top_left"
        p.legend.background_fill_alpha = 0.7
        self._figure = p

    def model_inputs(self) -> buildout.BuildOutScenario:
        c = self.controls
        return replace(self.start, shock_mw=float(c["shock_mw"].value), shock_quarter=int(c["shock_quarter"].value),
                       lead_time_quarters=int(c["lead_time_quarters"].value),
                       growth_per_year=float(c["growth_per_year"].value),
                       build_rate_mw_per_quarter=float(c["build_rate_mw_per_quarter"].value))

    def _compute(self, inputs: buildout.BuildOutScenario) -> buildout.BuildOutResult:
        return buildout.simulate_build_out(inputs)

    # -- the picture -------------------------------------------------------------------------------
    def _draw(self, scenario: buildout.BuildOutScenario, r: buildout.BuildOutResult) -> None:
        self._show("series", dict(
            years=r.quarters / 4.0, demand_gw=r.demand_mw / MW_PER_GW, baseline_gw=r.baseline_demand_mw / MW_PER_GW,
            capacity_gw=r.capacity_mw / MW_PER_GW, shortage_top_gw=(r.capacity_mw + r.shortage_mw) / MW_PER_GW,
            shortage_gw=r.shortage_mw / MW_PER_GW,
        ))
        set_props(self._shock_line, location=scenario.shock_quarter / 4.0)
        set_props(self._catch_up_line, visible=bool(r.shortage_quarters) and r.catch_up_quarter is not None,
                  location=(r.catch_up_quarter or 0.0) / 4.0)

        if not r.shortage_quarters:
            verdict = "Capacity keeps up: <b>no shortage</b>."
        elif r.catch_up_quarter is None or r.quarters_to_catch_up is None:
            verdict = (f"Shortage in {r.shortage_quarters} of {HORIZON_QUARTERS} quarters: <b>not caught up within "
                       f"{HORIZON_QUARTERS / 4:.0f} years</b> (the build-rate cap is below what demand needs).")
        else:
            verdict = (f"Shortage for {_years(r.shortage_quarters)}; caught up in quarter {r.catch_up_quarter:.0f}, "
                       f"<b>{_years(r.quarters_to_catch_up)} after the shock</b>.")
        self.readout.value = (
            f"Demand starts at {r.demand_mw[0] / MW_PER_GW:,.1f} GW (US data centres, 2023 average) and grows "
            f"{scenario.growth_per_year:.2f}× a year; a {scenario.shock_mw / MW_PER_GW:,.2f} GW shock arrives in "
            f"quarter {int(scenario.shock_quarter)}; capacity ordered now is online "
            f"{_years(scenario.lead_time_quarters)} later.<br>"
            f"Peak shortage <b>{r.peak_shortage_mw / MW_PER_GW:,.2f} GW</b> in quarter "
            f"{r.peak_shortage_quarter:.0f}. {verdict}"
        )

    def _layout(self) -> ipw.Box:
        c = self.controls
        left = ipw.VBox([c["shock_mw"], c["shock_quarter"], c["lead_time_quarters"]])
        right = ipw.VBox([c["growth_per_year"], c["build_rate_mw_per_quarter"]])
        return ipw.VBox([ipw.HBox([left, right]), self.readout, self._plot(self._figure)])
