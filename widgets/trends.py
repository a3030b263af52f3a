"""ComputeTrendExplorer: the growth of AI training compute, its cost and its clusters, and your machine.

Run in a notebook::

    from widgets import ComputeTrendExplorer
    ComputeTrendExplorer()

Every dated model in Epoch AI's "Data on Notable AI Models" that has a value for the
chosen quantity (training compute, the amortised cost of the final run, the
number of accelerators, or the cluster's power) on a log axis; frontier models
(the ten largest by compute when released) drawn apart; a filter by domain; the
log-linear trend fitted to the models since a chosen year, with its confidence
interval, extrapolated to a year the learner picks with a prediction band; and,
for compute, a line for what the learner's own machine computes in a year of
running flat out. A newer CSV from Epoch can be passed as ``models``.

All statistics come from :mod:`compute_econ.trends`; this module only draws.
"""

from __future__ import annotations

import ipywidgets as ipw
import numpy as np
from bokeh.models import ColumnDataSource, DataRange1d, HoverTool, Label, Title
from bokeh.plotting import figure

from compute_econ import hardware, training, trends
from compute_econ._validate import positive

from ._base import PRIMARY_SLIDER_CLASS, Explorer
from ._format import duration_days, sci, usd

#: First years the trend can be fitted from: all data, Sevilla et al.'s deep-learning era, and later starts.
FIRST_FIT_YEARS = (1950, 2010, 2016, 2018, 2020, 2022)
BAND_LEVELS = (0.5, 0.8, 0.9, 0.95)
YEAR_RANGE = (2025, 2035)
ALL_DOMAINS = "all domains"
N_DOMAINS = 8  # the most common domains offered in the filter
#: What the plot calls each quantity, and the unit on its axis.
AXIS_LABELS = {
    "training_flop": "training compute (FLOP)",
    "training_cost_usd_2023": "amortised cost of the final run (2023 USD)",
    "hardware_quantity": "accelerators used in training",
    "training_power_watts": "power drawn by the training cluster (W)",
    "n_params": "parameters",
}
#: How the readout names each quantity in a sentence.
READOUT_NAMES = {
    "training_flop": "training compute",
    "training_cost_usd_2023": "the amortised cost of the final training run",
    "hardware_quantity": "the number of accelerators per training run",
    "training_power_watts": "the power of the training cluster",
    "n_params": "the number of parameters",
}
# Okabe-Ito (colour-blind safe): notable models, frontier models, fit, projection, your machine.
C_NOTABLE, C_FRONTIER, C_FIT, C_PROJ, C_LOCAL = "#56B4E9", "#D55E00", "#000000", "#E69F00", "#CC79A7"


def _value_text(quantity: str, x: float) -> str:
    """A value in the quantity's own unit, for the readout."""
    if quantity == "training_cost_usd_2023":
        return usd(x)
    if quantity == "hardware_quantity":
        return f"{sci(x)} accelerators" if x >= 1e6 else f"{x:,.0f} accelerators"
    if quantity == "training_power_watts":
        return f"{x / 1e6:,.1f} MW" if x < 1e9 else f"{x / 1e9:,.1f} GW"
    return f"{sci(x)} {trends.TREND_QUANTITIES[quantity][1]}"


class ComputeTrendExplorer(Explorer):
    """Epoch AI's notable models, the fitted trend of a quantity, its projection to a year, your machine.

    Parameters
    ----------
    local_flop_per_s : float, optional
        The learner's machine, in FLOP/s. If omitted it is measured with
        :func:`compute_econ.hardware.measure_local_flop_s` (about a second).
    year : int
        The year to project to (2025 to 2035).
    start_year : int
        Fit the trend to models published since this year (one of :data:`FIRST_FIT_YEARS`).
    quantity : str
        What to plot and fit: a key of :data:`compute_econ.trends.TREND_QUANTITIES`.
    frontier_only : bool
        Fit to frontier models only (the ten largest by compute when released).
    domain : str, optional
        Only models of this domain (e.g. "Language"); ``None`` for all.
    level : float
        Coverage of the bands (one of :data:`BAND_LEVELS`).
    models : compute_econ.trends.NotableModels, optional
        The data; default the shipped snapshot of Epoch AI's data set.
    """

    def __init__(self, local_flop_per_s: float | None = None, year: int = 2030, start_year: int = 2010,
                 quantity: str = "training_flop", frontier_only: bool = False, domain: str | None = None,
                 level: float = 0.9, models: trends.NotableModels | None = None):
        self.models = trends.load_notable_models() if models is None else models
        if not isinstance(self.models, trends.NotableModels):
            raise ValueError(f"models must be a NotableModels table (trends.load_notable_models()), got {models!r}")
        if quantity not in AXIS_LABELS:
            raise ValueError(f"quantity must be one of {list(AXIS_LABELS)}, got {quantity!r}")
        self.models.require(quantity)
        if isinstance(year, bool) or not isinstance(year, (int, np.integer)) or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            raise ValueError(f"year must be an integer in [{YEAR_RANGE[0]}, {YEAR_RANGE[1]}], got {year!r}")
        if start_year not in FIRST_FIT_YEARS:
            raise ValueError(f"start_year must be one of {FIRST_FIT_YEARS}, got {start_year!r}")
        if level not in BAND_LEVELS:
            raise ValueError(f"level must be one of {BAND_LEVELS}, got {level!r}")
        if not isinstance(frontier_only, bool):
            raise ValueError(f"frontier_only must be True or False, got {frontier_only!r}")
        self._domains = (ALL_DOMAINS,) + self.models.domains()[:N_DOMAINS]
        if domain is not None and domain not in self._domains:
            raise ValueError(f"domain must be None or one of {list(self._domains[1:])}, got {domain!r}")
        if local_flop_per_s is None:
            local_flop_per_s = hardware.measure_local_flop_s().achieved_flop_per_s
        self.local_flop_per_s = float(positive("local_flop_per_s", local_flop_per_s, "FLOP/s"))
        self._initial = dict(year=int(year), start_year=start_year, quantity=quantity, frontier_only=frontier_only,
                             domain=domain or ALL_DOMAINS, level=level)
        self._points_key: tuple | None = None
        m = self.models  # the hover columns as object arrays, indexed per selection without Python loops
        self._text = {
            "model": np.array(m.model, dtype=object), "organisation": np.array(m.organisation, dtype=object),
            "date": np.array(m.publication_date, dtype=object),
            "confidence": np.array([c or "not rated" for c in m.confidence], dtype=object),
            "domain": np.array(m.domain, dtype=object), "frontier": np.where(m.is_frontier, "yes", "no").astype(object),
        }
        self._fits: dict[tuple, trends.LogLinearTrend] = {}
        super().__init__()

    # -- data, plot, controls -----------------------------------------------------
    def _build(self) -> None:
        empty_points = dict(year=[], value=[], model=[], organisation=[], date=[], confidence=[], domain=[],
                            frontier=[])
        self.sources = {
            "notable": ColumnDataSource(data=dict(empty_points)),
            "frontier": ColumnDataSource(data=dict(empty_points)),
            "earlier": ColumnDataSource(data=dict(empty_points)),  # published before the fit window: faded
            "unfitted": ColumnDataSource(data=dict(empty_points)),  # in the window but not fitted (frontier only)
            "trend": ColumnDataSource(data=dict(year=[], central=[], low=[], high=[])),
            "projection": ColumnDataSource(data=dict(year=[], central=[], low=[], high=[])),
            "target": ColumnDataSource(data=dict(year=[], central=[], low=[], high=[])),
            "local": ColumnDataSource(data=dict(year=[], value=[])),
        }
        s = self.sources
        # The ranges follow the plotted data in the browser (DataRange1d over the renderers in the fit
        # window), so an axis never keeps a stale extent after a control moves.
        self._x_range = DataRange1d(range_padding=0.03)
        self._y_range = DataRange1d(range_padding=0.08)
        p = figure(
            title="Notable AI models", y_axis_type="log", x_axis_label="publication date",
            y_axis_label=AXIS_LABELS["training_flop"], width=900, height=420, x_range=self._x_range,
            y_range=self._y_range, tools="pan,wheel_zoom,box_zoom,reset,save", toolbar_location="above",
        )
        band = p.varea("year", "low", "high", source=s["projection"], fill_color=C_PROJ, fill_alpha=0.25,
                       legend_label="where a new model may fall (prediction band)")
        trend_band = p.varea("year", "low", "high", source=s["trend"], fill_color=C_FIT, fill_alpha=0.10,
                             legend_label="uncertainty of the trend line")
        fit_line = p.line("year", "central", source=s["trend"], color=C_FIT, line_width=2, legend_label="fitted trend")
        proj_line = p.line("year", "central", source=s["projection"], color=C_PROJ, line_dash="dashed",
                           line_width=2, legend_label="projection")
        # Context only: models published before the fit window, left of the axis unless the learner pans.
        p.scatter("year", "value", source=s["earlier"], size=5, color="#999999", alpha=0.35, name="context")
        unfitted = p.scatter("year", "value", source=s["unfitted"], size=5, color="#999999", alpha=0.45,
                             legend_label="other notable models (not fitted)")
        notable = p.scatter("year", "value", source=s["notable"], size=6, color=C_NOTABLE, alpha=0.75,
                            line_color="white", line_width=0.5, legend_label="notable models")
        frontier = p.scatter("year", "value", source=s["frontier"], size=9, marker="diamond", color=C_FRONTIER,
                             line_color="black", line_width=0.5, legend_label="frontier (top 10 when released)")
        target = p.scatter("year", "central", source=s["target"], size=14, marker="star", color=C_PROJ,
                           line_color="black")
        whisker = p.segment("year", "low", "year", "high", source=s["target"], color=C_PROJ, line_width=3)
        self._local_line = p.line("year", "value", source=s["local"], color=C_LOCAL, line_width=2,
                                  line_dash="dotdash", legend_label="your machine, running for a year")
        in_window = [band, trend_band, fit_line, proj_line, notable, frontier, unfitted, target, whisker,
                     self._local_line]
        self._x_range.renderers = in_window
        self._y_range.renderers = in_window
        tips = [("model", "@model"), ("by", "@organisation"), ("published", "@date"), ("value", "@value{0.00e}"),
                ("Epoch's confidence", "@confidence"), ("domain", "@domain"), ("frontier", "@frontier")]
        p.add_tools(HoverTool(renderers=[notable, frontier], tooltips=tips))
        self._local_label = Label(x=2030.0, y=1.0, x_offset=-4, y_offset=3, text="", text_align="right",
                                  text_font_size="9pt", text_color=C_LOCAL)
        p.add_layout(self._local_label)
        legend = p.legend[0]
        legend.orientation, legend.ncols = "horizontal", 4  # below the plot: never over a model or the band
        legend.location = "top_left"
        legend.label_text_font_size, legend.glyph_width, legend.spacing, legend.padding = "8pt", 16, 2, 2
        legend.border_line_alpha, legend.margin = 0, 0
        p.add_layout(legend, "below")
        p.add_layout(Title(text=self.models.credit, text_font_size="8pt", text_font_style="italic",
                           text_color="#555555"), "below")
        self._figure = p
        self._legend_items = {item.label.value: item for item in p.legend.items}

        wide = {"description_width": "initial"}
        year = ipw.IntSlider(value=self._initial["year"], min=YEAR_RANGE[0], max=YEAR_RANGE[1], step=1,
                             description="project to year", style=wide, layout=ipw.Layout(width="360px"))
        year.add_class(PRIMARY_SLIDER_CLASS)
        quantities = [(AXIS_LABELS[q].split(" (")[0], q) for q in trends.TREND_QUANTITIES
                      if q in self.models.fields_present]
        self.controls = {
            "year": year,
            "level": ipw.Dropdown(options=[(f"{lv:.0%}", lv) for lv in BAND_LEVELS], value=self._initial["level"],
                                  description="bands", style=wide, layout=ipw.Layout(width="130px")),
            "quantity": ipw.Dropdown(options=quantities, value=self._initial["quantity"], description="plot",
                                     style=wide, layout=ipw.Layout(width="400px")),
            "models": ipw.Dropdown(options=[("all notable models", False), ("frontier models only", True)],
                                   value=self._initial["frontier_only"], description="fit to", style=wide,
                                   layout=ipw.Layout(width="250px")),
            "domain": ipw.Dropdown(options=list(self._domains), value=self._initial["domain"], description="domain",
                                   style=wide, layout=ipw.Layout(width="250px")),
            "start_year": ipw.Dropdown(options=[(f"since {y}", y) for y in FIRST_FIT_YEARS],
                                       value=self._initial["start_year"], description="published", style=wide,
                                       layout=ipw.Layout(width="190px")),
        }

    # -- the update -----------------------------------------------------------------
    def _points(self, quantity: str, domain: str | None, start: float, frontier_only: bool) -> None:
        """Assign the scatter sources (only when the selection changed: a year move does not resend them)."""
        key = (quantity, domain, start, frontier_only)
        if key == self._points_key:
            return
        m = self.models
        has = m.mask(domain=domain, has=quantity) & np.isfinite(m.year)
        later = has & (m.year >= start)
        none = np.zeros(len(m), dtype=bool)
        groups = {"frontier": later & m.is_frontier,
                  "notable": none if frontier_only else later & ~m.is_frontier,
                  "unfitted": later & ~m.is_frontier if frontier_only else none,
                  "earlier": has & ~later}
        values = getattr(m, quantity)
        for name, keep in groups.items():
            idx = np.flatnonzero(keep)
            self.sources[name].data = dict(year=m.year[idx], value=values[idx],
                                           **{k: v[idx] for k, v in self._text.items()})
        self._points_key = key

    def _compute(self) -> None:
        c = self.controls
        quantity, level = c["quantity"].value, float(c["level"].value)
        domain = None if c["domain"].value == ALL_DOMAINS else c["domain"].value
        start, frontier_only = float(c["start_year"].value), bool(c["models"].value)
        target_year = float(c["year"].value)
        what = ("frontier " if frontier_only else "") + (f"{domain.lower()} " if domain else "") + "models"
        key = (quantity, domain, start, frontier_only)
        try:
            if key not in self._fits:  # a fit depends only on the selection, not on the year or the band
                self._fits[key] = trends.fit_notable_trend(self.models, quantity, start_year=start, domain=domain,
                                                           frontier_only=frontier_only)
            fit = self._fits[key]
        except ValueError:
            # Too few models for this selection (e.g. frontier models of a small domain): keep the last picture.
            self.readout.value = (f"Too few {what} with a value for <b>{AXIS_LABELS[quantity]}</b> since "
                                  f"{start:.0f} to fit a trend; choose an earlier year, more domains or all notable "
                                  f"models. The plot still shows the last fit.")
            return
        self._points(quantity, domain, start, frontier_only)
        years_fit = np.linspace(fit.start_year, fit.end_year, 40)
        t_low, t_high = fit.band(years_fit, level, kind="mean")
        years_proj = np.linspace(fit.end_year, target_year, 40)
        proj = trends.project(fit, years_proj, level=level)
        at = trends.project(fit, target_year, level=level)
        s = self.sources
        s["trend"].data = dict(year=years_fit, central=fit.predict(years_fit), low=t_low, high=t_high)
        s["projection"].data = dict(year=years_proj, central=proj.central, low=proj.low, high=proj.high)
        s["target"].data = dict(year=[target_year], central=[at.central], low=[at.low], high=[at.high])
        self._figure.yaxis.axis_label = AXIS_LABELS[quantity]
        self._figure.title.text = (f"{AXIS_LABELS[quantity][0].upper()}{AXIS_LABELS[quantity][1:]}: "
                                   f"{fit.n} {what} since {start:.0f}, fitted trend and projection")

        local_text = ""
        if quantity == "training_flop":
            per_year = training.local_machine_flop(self.local_flop_per_s, days=365.25)
            s["local"].data = dict(year=[fit.start_year, target_year], value=[per_year, per_year])
            self._local_line.visible = True
            # In the empty projection zone when it is wide enough, else at the left end of the line.
            room = target_year - fit.end_year >= 3.0
            self._local_label.x = target_year if room else fit.start_year
            self._local_label.text_align = "right" if room else "left"
            self._local_label.x_offset = -4 if room else 4
            self._local_label.y = per_year
            self._local_label.text = f"your machine, running for a year ({self.local_flop_per_s / 1e9:,.0f} GFLOP/s)"
            days_local = training.local_machine_days(at.central, self.local_flop_per_s)
            local_text = (f"<br>Your machine ({self.local_flop_per_s / 1e9:,.0f} GFLOP/s) would need "
                          f"<b>{duration_days(days_local)}</b> to do that much computing.")
        else:
            s["local"].data = dict(year=[], value=[])
            self._local_line.visible = False
            self._local_label.text = ""

        shown = {"notable models": not frontier_only, "other notable models (not fitted)": frontier_only,
                 "your machine, running for a year": quantity == "training_flop"}
        for label, visible in shown.items():
            self._legend_items[label].visible = visible
        g_low, g_high = fit.growth_interval(level)
        self.fit = fit
        self.result = at
        self.readout.value = (
            f"Fitted to <b>{fit.n} {what}</b> published since {start:.0f}: {READOUT_NAMES[quantity]} "
            f"grows <b>{fit.growth_per_year:.1f}× per year</b> ({level:.0%} confidence interval "
            f"{g_low:.1f}× to {g_high:.1f}×), doubling every <b>{fit.doubling_time_months:.1f} months</b>."
            f"<br>Projected for <b>{target_year:.0f}</b> on this trend: <b>{_value_text(quantity, at.central)}</b> "
            f"({level:.0%} band {_value_text(quantity, at.low)} to {_value_text(quantity, at.high)})"
            + (", in 2023 dollars." if quantity == "training_cost_usd_2023" else ".")
            + local_text
        )

    def _layout(self) -> ipw.Box:
        c = self.controls
        return ipw.VBox([
            ipw.HBox([c["quantity"], c["models"], c["domain"]]),
            ipw.HBox([c["year"], c["start_year"], c["level"]]),
            self.readout,
            self._plot(self._figure),
        ])
