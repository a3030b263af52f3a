"""ScalingLimitsExplorer: how large a training run can the world support, year by year?

Run in a notebook::

    from widgets import ScalingLimitsExplorer
    ScalingLimitsExplorer()

The largest training run each of four constraints allows (power, chip production,
data, the latency wall), by year, after Sevilla et al. 2024 ("Can AI scaling
continue through 2030?", Epoch AI), with the historical trend (about 4× a year) for
comparison. The learner changes the growth of data-centre power and of chip
production, how much of the world's AI compute one lab can put into one run, and how
much images, video and audio add to text, and sees which constraint binds when. All
economics is in :mod:`compute_econ.supply.constraints`.
"""

from __future__ import annotations

from typing import ClassVar
from collections.abc import Mapping

from dataclasses import dataclass, replace

import ipywidgets as ipw
import numpy as np
from bokeh.models import ColumnDataSource, HoverTool, Range1d
from bokeh.models.annotations import Span
from bokeh.plotting import figure

from compute_econ._validate import instance, integer, scalar
from compute_econ.supply import constraints

from ._base import PRIMARY_SLIDER_CLASS, Explorer, float_slider, int_slider, set_props, store
from . import colour as kit
from ._format import sci

YEARS = np.arange(2024, 2036)
LABELS = {"power": "power", "chip_production": "chip production", "data": "data", "latency": "latency wall"}
# Okabe-Ito colours (colour-blind safe), one per constraint.
COLOURS = {"power": "#D55E00", "chip_production": "#0072B2", "data": "#009E73", "latency": "#CC79A7"}
#: The year slider: the years after the base year that the plot shows.
REPORT_YEARS = (2025, int(YEARS[-1]))
#: The scenario fields the sliders set, with each slider's (low, high, step).
SLIDERS = {
    "dc_power_growth_per_year": (1.05, 1.5, 0.01),
    "gpu_production_growth_per_year": (1.1, 2.5, 0.05),
    "frac_largest_run": (0.05, 0.8, 0.01),
    "multimodal_multiplier": (1.0, 12.0, 0.5),
}


@dataclass(frozen=True)
class ScalingLimitsInputs:
    """What the ScalingLimitsExplorer's model call takes: the caller's :class:`ConstraintScenario` (its
    slider-controlled fields inside the sliders' ranges) and the year the readout reports (2025 to 2035)."""

    scenario: constraints.ConstraintScenario
    year: int

    def __post_init__(self) -> None:
        sc = instance("scenario", self.scenario, constraints.ConstraintScenario)
        for field, (low, high, _) in SLIDERS.items():
            scalar(f"scenario.{field}", getattr(sc, field), low, high)
        store(self, "year", integer("year", self.year, *REPORT_YEARS))


class ScalingLimitsExplorer(Explorer[ScalingLimitsInputs, constraints.LargestRunByYear]):
    """Growth of power and chips, share of the largest run, data multiplier in; FLOP ceilings by year out.

    Parameters
    ----------
    year : int
        The year the readout reports (2025 to 2035; default 2030, the paper's horizon).
    scenario : compute_econ.supply.ConstraintScenario
        Starting inputs (default: the paper's medians, ``supply.SEVILLA_2024``); the sliders replace
        its power and chip growth, the share of the largest run and the data multiplier, which must
        lie in the sliders' ranges; its other fields are used as given.
    """

    #: The book precomputes how fast power grows, the binding limit.
    #: Each control's name for a screen reader (its tooltip): what it sets and in which unit.
    CONTROL_NAMES: ClassVar[Mapping[str, str]] = {
        "year": "year of the largest training run",
        "dc_power_growth_per_year": "growth of data-centre power for AI, times per year",
        "gpu_production_growth_per_year": "growth of AI chip production, times per year",
        "frac_largest_run": "share of all AI compute used by the largest run, a fraction",
        "multimodal_multiplier": "data from images, audio and video, as a multiple of text",
    }
    STATIC_CONTROLS: ClassVar[Mapping[str, int]] = {"dc_power_growth_per_year": 9, "year": 25}

    PARAMETER_CONTROLS = {"year": "year"}
    start: ScalingLimitsInputs
    result: constraints.LargestRunByYear

    def __init__(self, year: int = 2030, scenario: constraints.ConstraintScenario = constraints.SEVILLA_2024):
        super().__init__(ScalingLimitsInputs(scenario=scenario, year=year))

    def _build(self) -> None:
        sc = self.start.scenario
        style = {"description_width": "initial"}
        wide = ipw.Layout(width="420px")
        year = int_slider("year", self.start.year, low=REPORT_YEARS[0], high=REPORT_YEARS[1], description="year",
                          style=style, layout=wide)
        year.add_class(PRIMARY_SLIDER_CLASS)
        labels = {"dc_power_growth_per_year": ("data-centre power growth (×/yr)", ".2f"),
                  "gpu_production_growth_per_year": ("chip production growth (×/yr)", ".2f"),
                  "frac_largest_run": ("share of AI compute in one run", ".0%"),
                  "multimodal_multiplier": ("data: multimodal / text (×)", ".1f")}
        self.controls = {"year": year}
        for field, (low, high, step) in SLIDERS.items():
            description, fmt = labels[field]
            self.controls[field] = float_slider(f"scenario.{field}", getattr(sc, field), low=low, high=high,
                                                step=step, readout_format=fmt, description=description, style=style,
                                                layout=wide)

        names = constraints.CONSTRAINTS
        self.sources = {
            "bands": ColumnDataSource(data=dict(year=[], **{f"{n}_low": [] for n in names},
                                                **{f"{n}_high": [] for n in names})),
            "lines": ColumnDataSource(data=dict(year=[], trend=[], largest=[], **{n: [] for n in names})),
            "year": ColumnDataSource(data=dict(year=[], flop=[], binding=[])),
        }
        s = self.sources
        p = figure(
            title="The largest training run each constraint allows (central, and 10th-90th percentile band)",
            y_axis_type="log", width=820, height=440, x_range=Range1d(start=YEARS[0] - 0.3, end=YEARS[-1] + 0.3),
            y_range=Range1d(start=1e25, end=1e34), x_axis_label="year", y_axis_label="training FLOP",
            tools="pan,wheel_zoom,box_zoom,reset,save", toolbar_location="above",
        )
        renderers = []
        for n in names:
            p.varea("year", f"{n}_low", f"{n}_high", source=s["bands"], fill_color=COLOURS[n], fill_alpha=0.12)
            renderers.append(p.line("year", n, source=s["lines"], color=COLOURS[n], line_width=2,
                                    legend_label=LABELS[n]))
        p.line("year", "trend", source=s["lines"], color=kit.GREY_TEXT, line_dash="dashed", line_width=2,
               legend_label=f"historical trend ({self.start.scenario.trend_growth_per_year:.1f}× a year)")
        renderers.append(p.line("year", "largest", source=s["lines"], color="black", line_width=5, alpha=0.35,
                                legend_label="largest feasible (the minimum)"))
        p.scatter("year", "flop", source=s["year"], size=14, marker="star", color="black")
        self._year_line = Span(location=2030, dimension="height", line_dash="dotted", line_color=kit.GREY)
        p.add_layout(self._year_line)
        p.add_tools(HoverTool(renderers=list(renderers), tooltips=[
            ("year", "@year"), ("power", "@power{0.0e}"), ("chips", "@chip_production{0.0e}"),
            ("data", "@data{0.0e}"), ("latency", "@latency{0.0e}"), ("largest", "@largest{0.0e}"),
        ], mode="vline"))
        # Below the plot, in two rows: inside, it covered the data constraint's band and the latency wall.
        legend = p.legend[0]
        p.add_layout(legend, "below")
        legend.orientation = "horizontal"
        legend.nrows = 2
        legend.label_text_font_size = "9pt"
        legend.spacing = 12
        self._figure = p

    def scenario(self) -> constraints.ConstraintScenario:
        """The scenario the controls describe (the starting scenario with the slider values as medians;
        each range moves with its median, :meth:`ConstraintScenario.with_medians`)."""
        c = self.controls
        return self.start.scenario.with_medians(**{k: float(c[k].value) for k in SLIDERS})

    def model_inputs(self) -> ScalingLimitsInputs:
        return replace(self.start, scenario=self.scenario(), year=int(self.controls["year"].value))

    def _compute(self, inputs: ScalingLimitsInputs) -> constraints.LargestRunByYear:
        return constraints.largest_run_by_year(YEARS, inputs.scenario)

    def _draw(self, inputs: ScalingLimitsInputs, res: constraints.LargestRunByYear) -> None:
        year = inputs.year
        names = constraints.CONSTRAINTS
        self._show("bands", dict(year=YEARS, **{f"{n}_low": res.low_flop[n] for n in names},
                               **{f"{n}_high": res.high_flop[n] for n in names}))
        self._show("lines", dict(year=YEARS, trend=res.trend_flop, largest=res.largest_flop,
                               **{n: res.central_flop[n] for n in names}))
        i = int(np.flatnonzero(YEARS == year)[0])
        binding = str(res.binding[i])
        self._show("year", dict(year=[year], flop=[res.largest_flop[i]], binding=[LABELS[binding]]))
        set_props(self._year_line, location=year)
        ordered = sorted(names, key=lambda n: res.central_flop[n][i])
        limits = ", ".join(f"{LABELS[n]} {sci(res.central_flop[n][i])}" for n in ordered)
        trend = res.trend_flop[i]
        gap = (f"the historical trend would already be <b>above</b> it, at {sci(trend)} FLOP"
               if trend > res.largest_flop[i] else f"the historical trend would reach {sci(trend)} FLOP")
        self.readout.value = (
            f"In <b>{year}</b> the largest feasible run is about <b>{sci(res.largest_flop[i])} FLOP</b>, "
            f"limited by <b>{LABELS[binding]}</b>; {gap}.<br>"
            f"Each constraint's central value, tightest first: {limits}.<br>"
            f"<i>For scale: {res.scenario.trend_base_run} ({res.scenario.base_year}) used "
            f"{sci(res.scenario.trend_base_flop)} FLOP.</i>"
        )

    def _layout(self) -> ipw.Box:
        c = self.controls
        return ipw.VBox([
            ipw.HBox([c["year"], c["frac_largest_run"]]),
            ipw.HBox([c["dc_power_growth_per_year"], c["gpu_production_growth_per_year"]]),
            c["multimodal_multiplier"],
            self.readout,
            self._plot(self._figure),
        ])
