"""ComputeTrendExplorer: the growth of frontier training compute, and your machine.

Run in a notebook::

    from widgets import ComputeTrendExplorer
    ComputeTrendExplorer()

Notable training runs on a log axis, the log-linear trend fitted to the runs
since a chosen year, its extrapolation to a year the learner picks with an
uncertainty band, and a line for what the learner's own machine computes in a
year of running flat out.
"""

from __future__ import annotations

import ipywidgets as ipw
import numpy as np
from bokeh.models import ColumnDataSource, HoverTool, Label, Span
from bokeh.plotting import figure

from compute_econ import hardware, training, trends

from ._base import PRIMARY_SLIDER_CLASS, Explorer
from ._format import duration_days, sci

FIRST_FIT_YEARS = (2010, 2017, 2019, 2021)
BAND_LEVELS = (0.5, 0.8, 0.9, 0.95)


class ComputeTrendExplorer(Explorer):
    """Notable runs, fitted trend, projection to a year, your machine for scale.

    Parameters
    ----------
    local_flop_per_s : float, optional
        The learner's machine, in FLOP/s. If omitted it is measured with
        :func:`compute_econ.hardware.measure_local_flop_s` (about a second).
    year : int
        The year to project to at start.
    """

    def __init__(self, local_flop_per_s: float | None = None, year: int = 2030, start_year: int = 2017):
        if local_flop_per_s is None:
            local_flop_per_s = hardware.measure_local_flop_s().achieved_flop_per_s
        self.local_flop_per_s = float(local_flop_per_s)
        self.runs = trends.load_training_runs()
        self._initial = dict(year=year, start_year=start_year)
        super().__init__()

    def _build(self) -> None:
        r = self.runs
        self.sources = {
            "runs": ColumnDataSource(data=dict(
                year=r.year, training_flop=r.training_flop, name=list(r.name),
                organisation=list(r.organisation), note=list(r.note), in_fit=np.ones(len(r), bool).tolist(),
                alpha=np.ones(len(r)),
            )),
            "trend": ColumnDataSource(data=dict(year=[], central=[])),
            "projection": ColumnDataSource(data=dict(year=[], central=[], low=[], high=[])),
            "target": ColumnDataSource(data=dict(year=[], central=[], low=[], high=[])),
        }
        s = self.sources
        p = figure(
            title="Training compute of notable AI models",
            y_axis_type="log", x_axis_label="year", y_axis_label="training compute (FLOP)",
            width=900, height=440, x_range=(2016.5, 2036), y_range=(1e16, 1e35),
            tools="pan,wheel_zoom,box_zoom,reset,save",
        )
        p.varea("year", "low", "high", source=s["projection"], fill_color="#f4a261", fill_alpha=0.25,
                legend_label="projection band")
        p.line("year", "central", source=s["projection"], color="#e76f51", line_dash="dashed", line_width=2,
               legend_label="projection")
        p.line("year", "central", source=s["trend"], color="#264653", line_width=2, legend_label="fitted trend")
        pts = p.scatter("year", "training_flop", source=s["runs"], size=8, color="#2a9d8f", alpha="alpha",
                        legend_label="notable runs")
        p.segment("year", "low", "year", "high", source=s["target"], color="#e76f51", line_width=3)
        p.scatter("year", "central", source=s["target"], size=12, marker="star", color="#e76f51")
        p.add_tools(HoverTool(renderers=[pts], tooltips=[
            ("run", "@name"), ("by", "@organisation"), ("FLOP", "@training_flop{0.00e}"), ("", "@note"),
        ]))
        self._local_span = Span(location=1.0, dimension="width", line_color="#6d597a", line_width=2,
                                line_dash="dotdash")
        p.add_layout(self._local_span)
        self._local_label = Label(x=2026.0, y=1.0, text="", text_font_size="9pt", text_color="#6d597a",
                                  y_offset=4)
        p.add_layout(self._local_label)
        p.legend.location = "top_left"
        p.legend.background_fill_alpha = 0.7
        self._figure = p

        year = ipw.IntSlider(value=self._initial["year"], min=2025, max=2035, step=1,
                             description="project to year", style={"description_width": "initial"},
                             layout=ipw.Layout(width="420px"))
        year.add_class(PRIMARY_SLIDER_CLASS)
        start = ipw.Dropdown(options=[(f"runs since {y}", y) for y in FIRST_FIT_YEARS],
                             value=self._initial["start_year"], description="fit to",
                             style={"description_width": "initial"})
        level = ipw.Dropdown(options=[(f"{lv:.0%}", lv) for lv in BAND_LEVELS], value=0.9,
                             description="band", style={"description_width": "initial"})
        self.controls = {"year": year, "start_year": start, "level": level}

    def _compute(self) -> None:
        c = self.controls
        target_year = float(c["year"].value)
        fit = trends.fit_training_compute_trend(start_year=float(c["start_year"].value), runs=self.runs)
        years_fit = np.linspace(fit.start_year, fit.end_year, 20)
        years_proj = np.linspace(fit.end_year, target_year, 30)
        proj = trends.project(fit, years_proj, level=float(c["level"].value))
        at = trends.project(fit, target_year, level=float(c["level"].value))
        s = self.sources
        in_fit = self.runs.year >= fit.start_year
        s["runs"].data = dict(s["runs"].data, alpha=np.where(in_fit, 1.0, 0.3))
        s["trend"].data = dict(year=years_fit, central=fit.predict(years_fit))
        s["projection"].data = dict(year=years_proj, central=proj.central, low=proj.low, high=proj.high)
        s["target"].data = dict(year=[target_year], central=[at.central], low=[at.low], high=[at.high])

        local_flop_per_year = training.local_machine_flop(self.local_flop_per_s, days=365.25)
        self._local_span.location = local_flop_per_year
        self._local_label.y = local_flop_per_year
        self._local_label.text = f"your machine, running for a year ({self.local_flop_per_s / 1e9:,.0f} GFLOP/s)"

        days_local = training.local_machine_days(at.central, self.local_flop_per_s)
        self.result = at
        self.readout.value = (
            f"Fitted to {fit.n} runs since {fit.start_year:.0f}: training compute grows "
            f"<b>{fit.growth_per_year:.1f}× per year</b> (doubling every <b>{fit.doubling_time_months:.1f} months</b>)."
            f"<br>Projected frontier run in <b>{target_year:.0f}</b>: <b>{sci(at.central)} FLOP</b> "
            f"({c['level'].value:.0%} band {sci(at.low)} – {sci(at.high)})."
            f"<br>Your machine ({self.local_flop_per_s / 1e9:,.0f} GFLOP/s) would need "
            f"<b>{duration_days(days_local)}</b> to do that much computing."
        )

    def _layout(self) -> ipw.Box:
        c = self.controls
        return ipw.VBox([
            ipw.HBox([c["year"], c["start_year"], c["level"]]),
            self.readout,
            self._plot(self._figure),
        ])
