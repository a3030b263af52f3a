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

import ipywidgets as ipw
import numpy as np
from bokeh.models import ColumnDataSource, HoverTool, Span
from bokeh.plotting import figure

from compute_econ.supply import constraints

from ._base import PRIMARY_SLIDER_CLASS, Explorer
from ._format import sci

YEARS = np.arange(2024, 2036)
LABELS = {"power": "power", "chip_production": "chip production", "data": "data", "latency": "latency wall"}
# Okabe-Ito colours (colour-blind safe), one per constraint.
COLOURS = {"power": "#D55E00", "chip_production": "#0072B2", "data": "#009E73", "latency": "#CC79A7"}


def _assign(source: ColumnDataSource, columns: dict) -> None:
    """Give ``source`` these columns, sending only those that changed, as lists.

    A slider moves one or two constraints and leaves the others (and the years) as they were;
    a dozen points go to the browser faster as JSON numbers than as compressed arrays.
    """
    new = {k: v.tolist() if isinstance(v, np.ndarray) else list(v) for k, v in columns.items()}
    old = source.data
    if old.keys() != new.keys() or any(len(old[k]) != len(v) for k, v in new.items()):
        source.data = new
        return
    changed = {k: v for k, v in new.items() if list(old[k]) != v}
    if changed:
        source.data.update(changed)


class ScalingLimitsExplorer(Explorer):
    """Growth of power and chips, share of the largest run, data multiplier in; FLOP ceilings by year out.

    Parameters
    ----------
    year : int
        The year the readout reports (2025 to 2035; default 2030, the paper's horizon).
    scenario : compute_econ.supply.ConstraintScenario
        Starting inputs (default: the paper's medians, ``supply.SEVILLA_2024``).
    """

    def __init__(self, year: int = 2030, scenario: constraints.ConstraintScenario = constraints.SEVILLA_2024):
        self._initial = dict(year=year, scenario=scenario)
        super().__init__()

    def _build(self) -> None:
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
            y_axis_type="log", width=820, height=440, x_range=(YEARS[0] - 0.3, YEARS[-1] + 0.3),
            y_range=(1e25, 1e34), x_axis_label="year", y_axis_label="training FLOP",
            tools="pan,wheel_zoom,box_zoom,reset,save", toolbar_location="above",
        )
        renderers = []
        for n in names:
            p.varea("year", f"{n}_low", f"{n}_high", source=s["bands"], fill_color=COLOURS[n], fill_alpha=0.12)
            renderers.append(p.line("year", n, source=s["lines"], color=COLOURS[n], line_width=2,
                                    legend_label=LABELS[n]))
        p.line("year", "trend", source=s["lines"], color="#555555", line_dash="dashed", line_width=2,
               legend_label=f"historical trend ({self._initial['scenario'].trend_growth_per_year:.1f}× a year)")
        renderers.append(p.line("year", "largest", source=s["lines"], color="black", line_width=5, alpha=0.35,
                                legend_label="largest feasible (the minimum)"))
        p.scatter("year", "flop", source=s["year"], size=14, marker="star", color="black")
        self._year_line = Span(location=2030, dimension="height", line_dash="dotted", line_color="#8d99ae")
        p.add_layout(self._year_line)
        p.add_tools(HoverTool(renderers=renderers, tooltips=[
            ("year", "@year"), ("power", "@power{0.0e}"), ("chips", "@chip_production{0.0e}"),
            ("data", "@data{0.0e}"), ("latency", "@latency{0.0e}"), ("largest", "@largest{0.0e}"),
        ], mode="vline"))
        # Below the plot, in two rows: inside, it covered the data constraint's band and the latency wall.
        p.add_layout(p.legend[0], "below")
        p.legend.orientation = "horizontal"
        p.legend.nrows = 2
        p.legend.label_text_font_size = "9pt"
        p.legend.spacing = 12
        self._figure = p

        sc = self._initial["scenario"]
        style = {"description_width": "initial"}
        wide = ipw.Layout(width="420px")
        year = ipw.IntSlider(value=self._initial["year"], min=2025, max=int(YEARS[-1]), description="year",
                             style=style, layout=wide)
        year.add_class(PRIMARY_SLIDER_CLASS)
        self.controls = {
            "year": year,
            "dc_power_growth_per_year": ipw.FloatSlider(
                value=sc.dc_power_growth_per_year, min=1.05, max=1.5, step=0.01, readout_format=".2f",
                description="data-centre power growth (×/yr)", style=style, layout=wide),
            "gpu_production_growth_per_year": ipw.FloatSlider(
                value=sc.gpu_production_growth_per_year, min=1.1, max=2.5, step=0.05, readout_format=".2f",
                description="chip production growth (×/yr)", style=style, layout=wide),
            "frac_largest_run": ipw.FloatSlider(
                value=sc.frac_largest_run, min=0.05, max=0.8, step=0.01, readout_format=".0%",
                description="share of AI compute in one run", style=style, layout=wide),
            "multimodal_multiplier": ipw.FloatSlider(
                value=sc.multimodal_multiplier, min=1.0, max=12.0, step=0.5, readout_format=".1f",
                description="data: multimodal / text (×)", style=style, layout=wide),
        }

    def scenario(self) -> constraints.ConstraintScenario:
        """The scenario the controls describe (the starting scenario with the slider values as medians)."""
        c = self.controls
        return self._initial["scenario"].with_medians(**{k: float(c[k].value) for k in c if k != "year"})

    def _compute(self) -> None:
        year = int(self.controls["year"].value)
        res = constraints.largest_run_by_year(YEARS, self.scenario())
        names = constraints.CONSTRAINTS
        s = self.sources
        _assign(s["bands"], dict(year=YEARS, **{f"{n}_low": res.low_flop[n] for n in names},
                                 **{f"{n}_high": res.high_flop[n] for n in names}))
        _assign(s["lines"], dict(year=YEARS, trend=res.trend_flop, largest=res.largest_flop,
                                 **{n: res.central_flop[n] for n in names}))
        i = int(np.flatnonzero(YEARS == year)[0])
        binding = str(res.binding[i])
        s["year"].data = dict(year=[year], flop=[res.largest_flop[i]], binding=[LABELS[binding]])
        self._year_line.location = year
        self.result = res
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
