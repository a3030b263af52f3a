"""SupplyChainExplorer: how many accelerators can exist, and which input limits them.

Run in a notebook::

    from widgets.supply_chain import SupplyChainExplorer
    SupplyChainExplorer()

One line per input (CoWoS packaging, HBM stacks, leading-edge logic wafers):
the accelerator-equivalents that input alone would allow each quarter, on a
log axis. The thick line is what can actually be delivered, the minimum; its
markers take the colour of the input that binds, and dotted verticals mark the
quarters where the binding input changes. Sliders scale each input's capacity
today and set its growth per year. All numbers come from
:mod:`compute_econ.supply.chain`.
"""

from __future__ import annotations

import ipywidgets as ipw
import numpy as np
from bokeh.models import ColumnDataSource, HoverTool
from bokeh.plotting import figure

from compute_econ.supply import chain

from ._base import PRIMARY_SLIDER_CLASS, Explorer, count_ticks, log_axis, log_ticks
from ._format import count

#: Control-name prefix -> the input's name in compute_econ (inputs are matched by name, never by position).
INPUT_NAMES = {"cowos": chain.COWOS_PACKAGING, "hbm": chain.HBM_STACKS, "wafers": chain.LOGIC_WAFERS}
KEYS = tuple(INPUT_NAMES)
#: Okabe-Ito colours (colour-blind safe), one per input, by control-name prefix.
INPUT_COLOURS = {"cowos": "#E69F00", "hbm": "#56B4E9", "wafers": "#009E73"}
SHORT = {"cowos": "CoWoS", "hbm": "HBM", "wafers": "wafers"}


def _year(quarters: np.ndarray) -> np.ndarray:
    """Quarter index -> calendar year at the quarter's start (2024 Q1 = 2024.0)."""
    return chain.BASE_YEAR + np.asarray(quarters, dtype=float) / 4.0


class SupplyChainExplorer(Explorer):
    """Capacity and growth of each input in; deliveries and the binding input out.

    Parameters
    ----------
    horizon_years : int
        Years shown from 2024 (2 to 10).
    report_year : int
        The calendar year whose total the readout reports next to 2024.
    """

    def __init__(self, horizon_years: int = 7, report_year: int = 2027):
        self._initial = dict(horizon_years=horizon_years, report_year=report_year)
        self._defaults = chain.DEFAULT_INPUTS
        super().__init__()

    # -- data, plots, controls ------------------------------------------------------------
    def _build(self) -> None:
        self.sources = {
            "inputs": ColumnDataSource(data=dict(year=[], **{k: [] for k in KEYS}, deliveries=[])),
            "binding": ColumnDataSource(data=dict(year=[], accelerators=[], color=[], name=[], quarter=[])),
            "changes": ColumnDataSource(data=dict(year=[])),
        }
        s = self.sources
        p = figure(title="Accelerators per quarter each input allows (H100-equivalents); delivered = the minimum",
                   width=820, height=370, y_axis_type="log", x_axis_label="year",
                   y_axis_label="accelerators per quarter (H100-equivalents)",
                   tools="pan,wheel_zoom,box_zoom,reset,save", toolbar_location="above")
        for key, name in INPUT_NAMES.items():
            p.line("year", key, source=s["inputs"], line_width=2, color=INPUT_COLOURS[key], legend_label=f"{name} allows")
        p.line("year", "deliveries", source=s["inputs"], line_width=5, color="#000000", alpha=0.75,
               legend_label="delivered (minimum)")
        dots = p.scatter("year", "accelerators", source=s["binding"], size=8, color="color", line_color="#000000")
        p.vspan(x="year", source=s["changes"], line_dash="dotted", line_width=2, line_color="#555555")
        p.add_tools(HoverTool(renderers=[dots], tooltips=[
            ("quarter", "@quarter"), ("delivered", "@accelerators{0.00a}"), ("binding", "@name")]))
        # The legend sits below the plot: inside it, it covered the wafers' line whenever that starts high.
        p.add_layout(p.legend[0], "below")
        p.legend.orientation = "horizontal"
        p.legend.label_text_font_size = "9pt"
        p.legend.spacing = 12
        self._count_ticks = log_axis(p.yaxis[0], count_ticks())
        self._figure = p

        style = {"description_width": "170px"}
        wide = ipw.Layout(width="390px")
        for key, name in INPUT_NAMES.items():
            inp = chain.get_input(self._defaults, name)
            mult = ipw.FloatLogSlider(value=1.0, base=2, min=-2, max=3, step=0.25, readout_format=".2f",
                                      description=f"{SHORT[key]} capacity ×", style=style, layout=wide)
            growth = ipw.FloatSlider(value=inp.growth_per_year, min=1.0, max=3.0, step=0.01, readout_format=".2f",
                                     description=f"{SHORT[key]} growth (×/yr)", style=style, layout=wide)
            self.controls[f"{key}_capacity_x"] = mult
            self.controls[f"{key}_growth_per_year"] = growth
        self.controls["cowos_capacity_x"].add_class(PRIMARY_SLIDER_CLASS)
        self.controls["horizon_years"] = ipw.IntSlider(value=self._initial["horizon_years"], min=2, max=10,
                                                       description="horizon (years)", style=style, layout=wide)
        self.controls["report_year"] = ipw.IntSlider(value=self._initial["report_year"], min=chain.BASE_YEAR + 1,
                                                     max=chain.BASE_YEAR + 9, description="report year",
                                                     style=style, layout=wide)

    def inputs(self) -> tuple[chain.SupplyInput, ...]:
        """The inputs as the controls set them (defaults scaled and re-grown)."""
        c = self.controls
        inputs = self._defaults
        for key, name in INPUT_NAMES.items():
            inputs = chain.scale_capacity(inputs, name, c[f"{key}_capacity_x"].value)
            inputs = chain.replace_input(inputs, name, growth_per_year=c[f"{key}_growth_per_year"].value)
        return inputs

    # -- callback -------------------------------------------------------------------------------
    def _compute(self) -> None:
        c = self.controls
        inputs = self.inputs()
        quarters = np.arange(4 * int(c["horizon_years"].value))
        r = chain.deliveries(inputs, quarters)
        years = _year(quarters)
        s = self.sources
        s["inputs"].data = dict(year=years, **{k: r.allowed_by(name) for k, name in INPUT_NAMES.items()},
                                deliveries=r.accelerators_per_quarter)
        colour = {name: INPUT_COLOURS[k] for k, name in INPUT_NAMES.items()}
        s["binding"].data = dict(year=years, accelerators=r.accelerators_per_quarter,
                                 color=[colour[n] for n in r.binding_name], name=list(r.binding_name),
                                 quarter=[chain.quarter_label(q) for q in quarters])
        s["changes"].data = dict(year=_year([ch.quarter for ch in r.binding_changes]))
        self._count_ticks.ticks = log_ticks(np.concatenate([np.ravel(r.per_input), r.accelerators_per_quarter]))
        self.result = r

        year = int(c["report_year"].value)
        now_total = chain.accelerators_in_year(inputs, chain.BASE_YEAR)
        later_total = chain.accelerators_in_year(inputs, year)
        later_binding = chain.deliveries(inputs, [4 * (year - chain.BASE_YEAR) + 3]).binding_name[0]
        if r.binding_changes:
            changes = "; ".join(f"<b>{ch.to_name}</b> from {chain.quarter_label(ch.quarter)}"
                                for ch in r.binding_changes)
            when = f"Then: {changes}."
        else:
            when = f"It keeps binding through {chain.quarter_label(quarters[-1])}."
        self.readout.value = (
            f"Deliverable in <b>{chain.BASE_YEAR}</b>: <b>{count(now_total)}</b> H100-equivalents · in "
            f"<b>{year}</b>: <b>{count(later_total)}</b> (binding at the end of {year}: {later_binding}).<br>"
            f"Binding now ({chain.quarter_label(0)}): <b>{r.binding_name[0]}</b>. {when}"
        )

    def _layout(self) -> ipw.Box:
        c = self.controls
        capacity = ipw.VBox([ipw.HTML("<b>Capacity today (× the 2024 Q1 estimate)</b>")]
                            + [c[f"{k}_capacity_x"] for k in KEYS] + [c["horizon_years"]])
        growth = ipw.VBox([ipw.HTML("<b>Growth per year</b>")]
                          + [c[f"{k}_growth_per_year"] for k in KEYS] + [c["report_year"]])
        return ipw.VBox([ipw.HBox([capacity, growth]), self.readout, self._plot(self._figure)])
