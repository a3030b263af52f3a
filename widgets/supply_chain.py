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

from typing import ClassVar
from collections.abc import Mapping

import functools
from dataclasses import dataclass, replace
from typing import Any

import ipywidgets as ipw
import numpy as np
from bokeh.models import CDSView, ColumnDataSource, GroupFilter, HoverTool
from bokeh.plotting import figure

from compute_econ.supply import chain
from compute_econ._validate import instance, integer

from ._base import PRIMARY_SLIDER_CLASS, Explorer, count_ticks, int_slider, log_axis, log_ticks, set_props, store
from . import colour as kit
from ._format import count

#: Control-name prefix -> the input's name in compute_econ (inputs are matched by name, never by position).
INPUT_NAMES = {"cowos": chain.COWOS_PACKAGING, "hbm": chain.HBM_STACKS, "wafers": chain.LOGIC_WAFERS}
KEYS = tuple(INPUT_NAMES)
#: Okabe-Ito colours (colour-blind safe), one per input, by control-name prefix: the darker orange and blue, as
#: orange and sky blue have 2.3:1 on white (WCAG 2.1 1.4.11) and a darker sky blue comes within 7.2 (CIEDE2000)
#: of bluish green for tritanopia (tests/test_palette.py).
INPUT_COLOURS = {"cowos": kit.ORANGE_DARK, "hbm": kit.BLUE, "wafers": kit.BLUISH_GREEN}
#: Each input's marker where it binds, shown with its line in the legend: not told by colour alone (1.4.1).
INPUT_MARKERS = {"cowos": "square", "hbm": "triangle", "wafers": "circle"}
SHORT = {"cowos": "CoWoS", "hbm": "HBM", "wafers": "wafers"}
#: The horizon slider: years shown from 2024.
HORIZON_YEARS = (2, 10)
#: The report-year slider: the years after 2024 a ten-year horizon reaches.
REPORT_YEARS = (chain.BASE_YEAR + 1, chain.BASE_YEAR + 9)


def _year(quarters: np.ndarray | list[float]) -> np.ndarray:
    """Quarter index -> calendar year at the quarter's start (2024 Q1 = 2024.0)."""
    return chain.BASE_YEAR + np.asarray(quarters, dtype=float) / 4.0


def _rescaled(inp: chain.SupplyInput, capacity_x: float, growth_per_year: float) -> chain.SupplyInput:
    """``inp`` with its capacity multiplied by ``capacity_x`` and its growth replaced (the model's own functions)."""
    scaled = chain.scale_capacity((inp,), inp.name, capacity_x)
    return chain.replace_input(scaled, inp.name, growth_per_year=growth_per_year)[0]


@dataclass(frozen=True)
class SupplyChainInputs:
    """What the SupplyChainExplorer's model calls take: the supply inputs (the starting ones scaled and
    re-grown by the sliders), the horizon in years (2 to 10) and the year the readout reports (2025 to 2033)."""

    inputs: tuple[chain.SupplyInput, ...]
    horizon_years: int
    report_year: int

    def __post_init__(self) -> None:
        inputs: tuple[Any, ...] | list[Any] = instance("inputs", self.inputs, (tuple, list))
        store(self, "inputs", tuple(instance("inputs", x, chain.SupplyInput) for x in inputs))
        store(self, "horizon_years", integer("horizon_years", self.horizon_years, *HORIZON_YEARS))
        store(self, "report_year", integer("report_year", self.report_year, *REPORT_YEARS))


@dataclass(frozen=True)
class SupplyChainResult:
    """What the SupplyChainExplorer shows, from :mod:`compute_econ.supply.chain`: ``deliveries`` over the
    horizon's quarters, the totals deliverable in the base year and the report year, and the input binding at
    the end of the report year."""

    deliveries: chain.Deliveries
    base_year_total: float
    report_year_total: float
    report_year_binding: str


class SupplyChainExplorer(Explorer[SupplyChainInputs, SupplyChainResult]):
    """Capacity and growth of each input in; deliveries and the binding input out.

    Parameters
    ----------
    horizon_years : int
        Years shown from 2024 (2 to 10).
    report_year : int
        The calendar year whose total the readout reports next to 2024 (2025 to 2033).
    """

    #: The book precomputes packaging against memory: which one binds.
    #: Each control's name for a screen reader (its tooltip): what it sets and in which unit.
    CONTROL_NAMES: ClassVar[Mapping[str, str]] = {
        "cowos_capacity_x": "CoWoS packaging capacity, as a multiple of today's",
        "cowos_growth_per_year": "growth of CoWoS packaging capacity, times per year",
        "hbm_capacity_x": "HBM memory capacity, as a multiple of today's",
        "hbm_growth_per_year": "growth of HBM memory capacity, times per year",
        "wafers_capacity_x": "leading-edge wafer capacity, as a multiple of today's",
        "wafers_growth_per_year": "growth of leading-edge wafer capacity, times per year",
        "horizon_years": "years ahead the plot covers",
        "report_year": "year the readout reports",
    }
    STATIC_CONTROLS: ClassVar[Mapping[str, int]] = {"cowos_capacity_x": 13, "hbm_capacity_x": 13}

    PARAMETER_CONTROLS = {"horizon_years": "horizon_years", "report_year": "report_year"}
    start: SupplyChainInputs
    result: SupplyChainResult

    def __init__(self, horizon_years: int = 7, report_year: int = 2027):
        self._defaults = chain.DEFAULT_INPUTS
        self._colour_of = {name: INPUT_COLOURS[key] for key, name in INPUT_NAMES.items()}
        super().__init__(SupplyChainInputs(inputs=self._defaults, horizon_years=horizon_years,
                                           report_year=report_year))

    # -- data, plots, controls ------------------------------------------------------------
    def _build(self) -> None:
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
        self.controls["horizon_years"] = int_slider("horizon_years", self.start.horizon_years, low=HORIZON_YEARS[0],
                                                    high=HORIZON_YEARS[1], description="horizon (years)",
                                                    style=style, layout=wide)
        self.controls["report_year"] = int_slider("report_year", self.start.report_year, low=REPORT_YEARS[0],
                                                  high=REPORT_YEARS[1], description="report year", style=style,
                                                  layout=wide)

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
        dots: list[Any] = [p.scatter("year", "accelerators", source=s["binding"], view=CDSView(filter=GroupFilter(
                    column_name="name", group=name)), size=8, marker=INPUT_MARKERS[key], color=INPUT_COLOURS[key],
                    line_color=kit.BLACK, legend_label=f"{name} allows") for key, name in INPUT_NAMES.items()]
        p.vspan(x="year", source=s["changes"], line_dash="dotted", line_width=2, line_color="#555555")
        p.add_tools(HoverTool(renderers=dots, tooltips=[
            ("quarter", "@quarter"), ("delivered", "@accelerators{0.00a}"), ("binding", "@name")]))
        # The legend sits below the plot: inside it, it covered the wafers' line whenever that starts high.
        legend = p.legend[0]
        p.add_layout(legend, "below")
        legend.orientation = "horizontal"
        legend.label_text_font_size = "9pt"
        legend.spacing = 12
        self._count_ticks = log_axis(p.yaxis[0], count_ticks())
        self._figure = p

    def inputs(self) -> tuple[chain.SupplyInput, ...]:
        """The inputs as the controls set them (the starting inputs scaled and re-grown)."""
        c = self.controls
        values = tuple(c[f"{key}_{what}"].value for key in KEYS for what in ("capacity_x", "growth_per_year"))
        return self._memo(("inputs", values), self._scaled_inputs)

    def _scaled_inputs(self) -> tuple[chain.SupplyInput, ...]:
        c = self.controls
        inputs = self.start.inputs
        for key, name in INPUT_NAMES.items():
            inp = chain.get_input(self.start.inputs, name)
            x, growth = c[f"{key}_capacity_x"].value, c[f"{key}_growth_per_year"].value
            # Each input's own, kept while its two sliders stay (a move of CoWoS redoes CoWoS only).
            new = self._memo(("input", inp, x, growth), functools.partial(_rescaled, inp, x, growth))
            inputs = tuple(new if old is inp else old for old in inputs)
        return inputs

    def model_inputs(self) -> SupplyChainInputs:
        c = self.controls
        return replace(self.start, inputs=self.inputs(), horizon_years=int(c["horizon_years"].value),
                       report_year=int(c["report_year"].value))

    # -- the model ----------------------------------------------------------------------------
    def _compute(self, inputs: SupplyChainInputs) -> SupplyChainResult:
        quarters = np.arange(4 * inputs.horizon_years)
        year = inputs.report_year
        return SupplyChainResult(
            deliveries=chain.deliveries(inputs.inputs, quarters),
            base_year_total=chain.accelerators_in_year(inputs.inputs, chain.BASE_YEAR),
            report_year_total=chain.accelerators_in_year(inputs.inputs, year),
            report_year_binding=chain.deliveries(inputs.inputs, [4 * (year - chain.BASE_YEAR) + 3]).binding_name[0],
        )

    # -- the picture ---------------------------------------------------------------------------
    def _draw(self, inputs: SupplyChainInputs, result: SupplyChainResult) -> None:
        r = result.deliveries
        quarters = r.quarters
        years = _year(quarters)
        self._show("inputs", dict(year=years, **{k: r.allowed_by(name) for k, name in INPUT_NAMES.items()},
                                deliveries=r.accelerators_per_quarter))
        self._show("binding", dict(year=years, accelerators=r.accelerators_per_quarter,
                                 color=[self._colour_of[n] for n in r.binding_name], name=list(r.binding_name),
                                 quarter=self._memo(("labels", len(quarters)),
                                                    lambda: [chain.quarter_label(q) for q in quarters])))
        self._show("changes", dict(year=_year([ch.quarter for ch in r.binding_changes])))
        set_props(self._count_ticks, ticks=log_ticks(np.concatenate([np.ravel(r.per_input), r.accelerators_per_quarter])))

        year = inputs.report_year
        if r.binding_changes:
            changes = "; ".join(f"<b>{ch.to_name}</b> from {chain.quarter_label(ch.quarter)}"
                                for ch in r.binding_changes)
            when = f"Then: {changes}."
        else:
            when = f"It keeps binding through {chain.quarter_label(quarters[-1])}."
        self.readout.value = (
            f"Deliverable in <b>{chain.BASE_YEAR}</b>: <b>{count(result.base_year_total)}</b> H100-equivalents · in "
            f"<b>{year}</b>: <b>{count(result.report_year_total)}</b> (binding at the end of {year}: "
            f"{result.report_year_binding}).<br>"
            f"Binding now ({chain.quarter_label(0)}): <b>{r.binding_name[0]}</b>. {when}"
        )

    def _layout(self) -> ipw.Box:
        c = self.controls
        capacity = ipw.VBox([ipw.HTML("<b>Capacity today (× the 2024 Q1 estimate)</b>")]
                            + [c[f"{k}_capacity_x"] for k in KEYS] + [c["horizon_years"]])
        growth = ipw.VBox([ipw.HTML("<b>Growth per year</b>")]
                          + [c[f"{k}_growth_per_year"] for k in KEYS] + [c["report_year"]])
        return ipw.VBox([ipw.HBox([capacity, growth]), self.readout, self._plot(self._figure)])
