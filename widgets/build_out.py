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

import math

import ipywidgets as ipw
import numpy as np
from bokeh.models import ColumnDataSource, HoverTool, Span
from bokeh.plotting import figure

from compute_econ.supply import buildout

from ._base import PRIMARY_SLIDER_CLASS, Explorer

HORIZON_QUARTERS = 40  # ten years
#: Build-rate caps offered, MW per quarter (label, value); "unlimited" is the model's default.
BUILD_RATES = [(f"{v / 1000:g} GW", float(v)) for v in (500, 1000, 2000, 3000, 5000, 7500, 10_000, 20_000)] + [
    ("unlimited", math.inf)]
MW_PER_GW = 1000.0


def _years(quarters: float) -> str:
    q = float(quarters)
    return f"{q:.0f} quarter{'s' if q != 1 else ''} ({q / 4:.1f} years)"


class BuildOutExplorer(Explorer):
    """Demand shock, its timing, lead time, baseline growth and build rate in; capacity and shortage out.

    Parameters
    ----------
    shock_mw : float
        Size of the jump in demand, MW (default one 5 GW campus).
    lead_time_quarters : int
        Quarters from order to capacity online (default 16: ~4 years to get grid power).
    """

    def __init__(self, shock_mw: float = buildout.FRONTIER_CAMPUS_MW, shock_quarter: int = 4,
                 lead_time_quarters: int = buildout.LEAD_TIME_GRID_POWER_QUARTERS,
                 growth_per_year: float = buildout.DEFAULT_GROWTH_PER_YEAR):
        self._initial = dict(shock_mw=shock_mw, shock_quarter=shock_quarter, lead_time_quarters=lead_time_quarters,
                             growth_per_year=growth_per_year)
        super().__init__()

    # -- data, plots, controls ------------------------------------------------------------
    def _build(self) -> None:
        self.sources = {
            "series": ColumnDataSource(data=dict(years=[], demand_gw=[], baseline_gw=[], capacity_gw=[],
                                                 shortage_top_gw=[], shortage_gw=[])),
        }
        s = self.sources["series"]
        p = figure(title="US data-centre power: demand vs capacity online (GW); shaded = shortage",
                   width=820, height=400, x_axis_label="years from now", y_axis_label="GW",
                   tools="pan,wheel_zoom,box_zoom,reset,save", toolbar_location="above")
        # Quarterly values, drawn as steps: a quarter's value holds until the next quarter.
        p.varea_step(x="years", y1="capacity_gw", y2="shortage_top_gw", source=s, step_mode="after",
                     fill_color="#D55E00", fill_alpha=0.35, legend_label="shortage")
        p.step("years", "baseline_gw", source=s, mode="after", line_width=2, line_dash="dashed", color="#999999",
               legend_label="demand without the shock")
        demand = p.step("years", "demand_gw", source=s, mode="after", line_width=3, color="#D55E00",
                        legend_label="demand")
        p.step("years", "capacity_gw", source=s, mode="after", line_width=3, color="#0072B2",
               legend_label="capacity online")
        p.add_tools(HoverTool(renderers=[demand], mode="vline", tooltips=[
            ("year", "@years{0.00}"), ("demand", "@demand_gw{0.0} GW"), ("capacity", "@capacity_gw{0.0} GW"),
            ("shortage", "@shortage_gw{0.0} GW")]))
        self._shock_line = Span(location=0.0, dimension="height", line_dash="dotted", line_color="#D55E00",
                                line_width=2)
        self._catch_up_line = Span(location=0.0, dimension="height", line_dash="dotted", line_color="#0072B2",
                                   line_width=2)
        p.add_layout(self._shock_line)
        p.add_layout(self._catch_up_line)
        p.legend.location = "top_left"
        p.legend.background_fill_alpha = 0.7
        self._figure = p

        style = {"description_width": "190px"}
        wide = ipw.Layout(width="420px")
        shock = ipw.FloatSlider(value=self._initial["shock_mw"], min=0.0, max=20_000.0, step=250.0,
                                readout_format=",.0f", description="demand shock (MW)", style=style, layout=wide)
        shock.add_class(PRIMARY_SLIDER_CLASS)
        self.controls = {
            "shock_mw": shock,
            "shock_quarter": ipw.IntSlider(value=self._initial["shock_quarter"], min=0, max=20,
                                           description="shock arrives (quarter)", style=style, layout=wide),
            "lead_time_quarters": ipw.IntSlider(value=self._initial["lead_time_quarters"], min=0, max=28,
                                                description="lead time (quarters)", style=style, layout=wide),
            "growth_per_year": ipw.FloatSlider(value=self._initial["growth_per_year"], min=1.0, max=1.4, step=0.01,
                                               readout_format=".2f", description="baseline growth (×/yr)",
                                               style=style, layout=wide),
            "build_rate_mw_per_quarter": ipw.SelectionSlider(options=BUILD_RATES, value=math.inf,
                                                             description="build rate cap (per quarter)",
                                                             style=style, layout=wide),
        }

    # -- callback -------------------------------------------------------------------------------
    def _compute(self) -> None:
        v = {k: c.value for k, c in self.controls.items()}
        scenario = buildout.BuildOutScenario(
            shock_mw=v["shock_mw"], shock_quarter=int(v["shock_quarter"]),
            lead_time_quarters=int(v["lead_time_quarters"]), growth_per_year=v["growth_per_year"],
            build_rate_mw_per_quarter=v["build_rate_mw_per_quarter"], horizon_quarters=HORIZON_QUARTERS,
        )
        r = buildout.simulate_build_out(scenario)
        self.result = r
        self.sources["series"].data = dict(
            years=r.quarters / 4.0, demand_gw=r.demand_mw / MW_PER_GW, baseline_gw=r.baseline_demand_mw / MW_PER_GW,
            capacity_gw=r.capacity_mw / MW_PER_GW, shortage_top_gw=(r.capacity_mw + r.shortage_mw) / MW_PER_GW,
            shortage_gw=r.shortage_mw / MW_PER_GW,
        )
        self._shock_line.location = scenario.shock_quarter / 4.0
        self._catch_up_line.visible = bool(r.shortage_quarters) and r.catch_up_quarter is not None
        self._catch_up_line.location = (r.catch_up_quarter or 0.0) / 4.0

        if not r.shortage_quarters:
            verdict = "Capacity keeps up: <b>no shortage</b>."
        elif r.catch_up_quarter is None:
            verdict = (f"Shortage in {r.shortage_quarters} of {HORIZON_QUARTERS} quarters: <b>not caught up within "
                       f"{HORIZON_QUARTERS / 4:.0f} years</b> (the build-rate cap is below what demand needs).")
        else:
            verdict = (f"Shortage for {_years(r.shortage_quarters)}; caught up in quarter {r.catch_up_quarter:.0f}, "
                       f"<b>{_years(r.quarters_to_catch_up)} after the shock</b>.")
        self.readout.value = (
            f"Demand starts at {r.demand_mw[0] / MW_PER_GW:,.1f} GW (US data centres, 2023 average) and grows "
            f"{v['growth_per_year']:.2f}× a year; a {v['shock_mw'] / MW_PER_GW:,.2f} GW shock arrives in quarter "
            f"{int(v['shock_quarter'])}; capacity ordered now is online {_years(v['lead_time_quarters'])} later.<br>"
            f"Peak shortage <b>{r.peak_shortage_mw / MW_PER_GW:,.2f} GW</b> in quarter "
            f"{r.peak_shortage_quarter:.0f}. {verdict}"
        )

    def _layout(self) -> ipw.Box:
        c = self.controls
        left = ipw.VBox([c["shock_mw"], c["shock_quarter"], c["lead_time_quarters"]])
        right = ipw.VBox([c["growth_per_year"], c["build_rate_mw_per_quarter"]])
        return ipw.VBox([ipw.HBox([left, right]), self.readout, self._plot(self._figure)])
