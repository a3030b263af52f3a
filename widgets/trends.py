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

from typing import ClassVar
from collections.abc import Mapping

import functools
from dataclasses import dataclass, replace
from typing import Any

import ipywidgets as ipw
import numpy as np
from bokeh.models import ColumnDataSource, DataRange1d, HoverTool
from bokeh.models.annotations import Label, LegendItem, Title
from bokeh.plotting import figure

from compute_econ import hardware, training, trends
from compute_econ._records import ArrayRecord
from compute_econ._validate import choice, flag, instance, integer, scalar, text

from ._base import PRIMARY_SLIDER_CLASS, Explorer, dropdown, int_slider, option, set_props, store
from . import colour as kit
from ._format import duration_days, sci, usd

#: First years the trend can be fitted from: all data, Sevilla et al.'s deep-learning era, and later starts.
FIRST_FIT_YEARS = (1950, 2010, 2016, 2018, 2020, 2022)
BAND_LEVELS = (0.5, 0.8, 0.9, 0.95)
YEAR_RANGE = (2025, 2035)
ALL_DOMAINS = "all domains"
N_DOMAINS = 8  # the most common domains offered in the filter
#: The learner's machine, FLOP/s: positive, and at most 1e19, above the fastest supercomputer's 1.7e18 FLOP/s
#: (El Capitan, HPL Rmax 1.742 EFLOP/s, TOP500 November 2024).
MAX_LOCAL_FLOP_PER_S = 1e19
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
C_NOTABLE, C_FRONTIER, C_FIT, C_PROJ, C_LOCAL = kit.SKY_BLUE, kit.VERMILLION, kit.BLACK, kit.BLUISH_GREEN, \
    kit.REDDISH_PURPLE


_OFFERED: dict[int, tuple[trends.NotableModels, tuple[tuple[str, ...], tuple[str, ...]]]] = {}


def offered(models: trends.NotableModels) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The quantities the explorer can plot from ``models`` and the domains its filter offers
    (:data:`ALL_DOMAINS`, then the :data:`N_DOMAINS` most common).

    Kept per data set (by identity: a data set holds arrays and is not hashable), for the last eight.
    """
    hit = _OFFERED.get(id(models))
    if hit is not None and hit[0] is models:
        return hit[1]
    quantities = tuple(q for q in trends.TREND_QUANTITIES if q in models.fields_present and q in AXIS_LABELS)
    result = quantities, (ALL_DOMAINS,) + models.domains()[:N_DOMAINS]
    if len(_OFFERED) >= 8:
        _OFFERED.pop(next(iter(_OFFERED)))
    _OFFERED[id(models)] = (models, result)
    return result


@dataclass(frozen=True)
class TrendInputs:
    """What the ComputeTrendExplorer's model calls take: the data, what to fit (quantity, domain or
    :data:`ALL_DOMAINS`, first year, frontier models only), the year to project to (2025 to 2035), the bands'
    coverage, and the learner's machine in FLOP/s. Validated and stored."""

    models: trends.NotableModels
    quantity: str
    domain: str
    start_year: int
    frontier_only: bool
    year: int
    level: float
    local_flop_per_s: float

    def __post_init__(self) -> None:
        quantities, domains = offered(instance("models", self.models, trends.NotableModels))
        store(self, "quantity", choice("quantity", text("quantity", self.quantity), quantities))
        store(self, "domain", choice("domain", text("domain", self.domain), domains))
        store(self, "start_year", option("start_year", self.start_year, FIRST_FIT_YEARS))
        store(self, "frontier_only", flag("frontier_only", self.frontier_only))
        store(self, "year", integer("year", self.year, *YEAR_RANGE))
        store(self, "level", option("level", self.level, BAND_LEVELS))
        store(self, "local_flop_per_s", scalar("local_flop_per_s", self.local_flop_per_s, 0.0,
                                                                   MAX_LOCAL_FLOP_PER_S, low_open=True, unit="FLOP/s"))


@dataclass(frozen=True, eq=False)
class TrendResult(ArrayRecord):
    """What the ComputeTrendExplorer shows, from :mod:`compute_econ.trends` and :mod:`compute_econ.training`.

    ``fit`` is the trend fitted to the selection; ``trend_*`` its central line and confidence band
    over the fit window (``years_fit``); ``projection`` the projection with its prediction band
    from the window's end to the target year (``years_projection``); ``target`` the projection at
    the target year; ``growth_low``/``growth_high`` the growth factor's confidence interval; and,
    for training compute, ``local_flop_per_year`` (the learner's machine running for a year) and
    ``local_days`` (its days to match the target), else ``None``.
    """

    fit: trends.LogLinearTrend
    years_fit: np.ndarray
    trend_central: np.ndarray
    trend_low: np.ndarray
    trend_high: np.ndarray
    years_projection: np.ndarray
    projection: trends.Projection
    target: trends.Projection
    growth_low: float
    growth_high: float
    local_flop_per_year: float | None
    local_days: float | None


def _trend_line(fit: trends.LogLinearTrend, level: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                                                   tuple[float, float]]:
    """Over the fit window: the years, the fitted line, its confidence band; and the growth factor's interval."""
    years = np.linspace(fit.start_year, fit.end_year, 40)
    low, high = fit.band(years, level, kind="mean")
    return years, np.asarray(fit.predict(years)), np.asarray(low), np.asarray(high), fit.growth_interval(level)


def _value_text(quantity: str, x: float) -> str:
    """A value in the quantity's own unit, for the readout."""
    if quantity == "training_cost_usd_2023":
        return usd(x)
    if quantity == "hardware_quantity":
        return f"{sci(x)} accelerators" if x >= 1e6 else f"{x:,.0f} accelerators"
    if quantity == "training_power_watts":
        return f"{x / 1e6:,.1f} MW" if x < 1e9 else f"{x / 1e9:,.1f} GW"
    return f"{sci(x)} {trends.TREND_QUANTITIES[quantity][1]}"


class ComputeTrendExplorer(Explorer[TrendInputs, TrendResult]):
    """Epoch AI's notable models, the fitted trend of a quantity, its projection to a year, your machine.

    Parameters
    ----------
    local_flop_per_s : float, optional
        The learner's machine, in FLOP/s (at most :data:`MAX_LOCAL_FLOP_PER_S`). If omitted it is measured with
        :func:`compute_econ.hardware.measure_local_flop_s` (about a second).
    year : int
        The year to project to (2025 to 2035).
    start_year : int
        Fit the trend to models published since this year (one of :data:`FIRST_FIT_YEARS`).
    quantity : str
        What to plot and fit: a key of :data:`compute_econ.trends.TREND_QUANTITIES` present in ``models``.
    frontier_only : bool
        Fit to frontier models only (the ten largest by compute when released).
    domain : str, optional
        Only models of this domain (e.g. "Language", one of the most common); ``None`` for all.
    level : float
        Coverage of the bands (one of :data:`BAND_LEVELS`).
    models : compute_econ.trends.NotableModels, optional
        The data; default the shipped snapshot of Epoch AI's data set.
    """

    #: The book precomputes each quantity the lesson plots.
    #: Each control's name for a screen reader (its tooltip): what it sets and in which unit.
    CONTROL_NAMES: ClassVar[Mapping[str, str]] = {
        "year": "year to project the trend to",
        "level": "uncertainty bands to draw around the trend",
        "quantity": "quantity plotted over time",
        "models": "which models the trend is fitted to",
        "domain": "domain of the models shown",
        "start_year": "models published from this year on",
    }
    STATIC_CONTROLS: ClassVar[Mapping[str, int]] = {"quantity": 0, "year": 25}

    PARAMETER_CONTROLS = {"year": "year", "start_year": "start_year", "quantity": "quantity",
                          "frontier_only": "models", "domain": "domain", "level": "level"}
    start: TrendInputs
    result: TrendResult

    def __init__(self, local_flop_per_s: float | None = None, year: int = 2030, start_year: int = 2010,
                 quantity: str = "training_flop", frontier_only: bool = False, domain: str | None = None,
                 level: float = 0.9, models: trends.NotableModels | None = None):
        m = trends.load_notable_models() if models is None else instance(
            "models", models, trends.NotableModels)  # e.g. trends.load_notable_models("newer.csv")
        if local_flop_per_s is None:
            # Validate the rest first: measuring the machine takes about a second.
            TrendInputs(models=m, quantity=quantity, domain=ALL_DOMAINS if domain is None else domain,
                        start_year=start_year, frontier_only=frontier_only, year=year, level=level,
                        local_flop_per_s=1.0)
            local_flop_per_s = hardware.measure_local_flop_s().achieved_flop_per_s
        start = TrendInputs(models=m, quantity=quantity, domain=ALL_DOMAINS if domain is None else domain,
                            start_year=start_year, frontier_only=frontier_only, year=year, level=level,
                            local_flop_per_s=local_flop_per_s)
        self.models = m
        self.local_flop_per_s = start.local_flop_per_s
        self._points_key: tuple | None = None
        # the hover columns as object arrays, indexed per selection without Python loops
        self._text = {
            "model": np.array(m.model, dtype=object), "organisation": np.array(m.organisation, dtype=object),
            "date": np.array(m.publication_date, dtype=object),
            "confidence": np.array([c or "not rated" for c in m.confidence], dtype=object),
            "domain": np.array(m.domain, dtype=object), "frontier": np.where(m.is_frontier, "yes", "no").astype(object),
        }
        self._fits: dict[tuple, trends.LogLinearTrend] = {}
        super().__init__(start)

    @property
    def fit(self) -> trends.LogLinearTrend:
        """The trend on show (``result.fit``)."""
        return self.result.fit

    # -- data, plot, controls -----------------------------------------------------
    def _build(self) -> None:
        st = self.start
        quantities, domains = offered(self.models)
        wide = {"description_width": "initial"}
        year = int_slider("year", st.year, low=YEAR_RANGE[0], high=YEAR_RANGE[1], description="project to year",
                          style=wide, layout=ipw.Layout(width="360px"))
        year.add_class(PRIMARY_SLIDER_CLASS)
        self.controls = {
            "year": year,
            "level": dropdown("level", st.level, [(f"{lv:.0%}", lv) for lv in BAND_LEVELS], description="bands",
                              style=wide, layout=ipw.Layout(width="130px")),
            "quantity": dropdown("quantity", st.quantity, [(AXIS_LABELS[q].split(" (")[0], q) for q in quantities],
                                 description="plot", style=wide, layout=ipw.Layout(width="400px")),
            "models": dropdown("frontier_only", st.frontier_only,
                               [("all notable models", False), ("frontier models only", True)],
                               description="fit to", style=wide, layout=ipw.Layout(width="250px")),
            "domain": dropdown("domain", st.domain, list(domains), description="domain", style=wide,
                               layout=ipw.Layout(width="250px")),
            "start_year": dropdown("start_year", st.start_year, [(f"since {y}", y) for y in FIRST_FIT_YEARS],
                                   description="published", style=wide, layout=ipw.Layout(width="190px")),
        }

        empty_points: dict[str, list[Any]] = dict(year=[], value=[], model=[], organisation=[], date=[],
                                                  confidence=[], domain=[], frontier=[])
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
        self._title = Title(text="Notable AI models")
        p = figure(
            title=self._title, y_axis_type="log", x_axis_label="publication date",
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
        p.scatter("year", "value", source=s["earlier"], size=5, color=kit.GREY, alpha=0.35, name="context")
        unfitted = p.scatter("year", "value", source=s["unfitted"], size=5, color=kit.GREY, fill_alpha=0.45,
                             legend_label="other notable models (not fitted)")
        notable = p.scatter("year", "value", source=s["notable"], size=6, color=C_NOTABLE, alpha=0.75,
                            line_color=kit.BLUE, line_width=0.5, legend_label="notable models")
        frontier = p.scatter("year", "value", source=s["frontier"], size=9, marker="diamond", color=C_FRONTIER,
                             line_color="black", line_width=0.5, legend_label="frontier (top 10 when released)")
        target = p.scatter("year", "central", source=s["target"], size=14, marker="star", color=C_PROJ,
                           line_color="black")
        whisker = p.segment("year", "low", "year", "high", source=s["target"], color=C_PROJ, line_width=3)
        self._local_line = p.line("year", "value", source=s["local"], color=C_LOCAL, line_width=2,
                                  line_dash="dotdash", legend_label="your machine, running for a year")
        in_window: list[Any] = [band, trend_band, fit_line, proj_line, notable, frontier, unfitted, target, whisker,
                                self._local_line]
        self._x_range.renderers = in_window
        self._y_range.renderers = in_window
        tips = [("model", "@model"), ("by", "@organisation"), ("published", "@date"), ("value", "@value{0.00e}"),
                ("Epoch's confidence", "@confidence"), ("domain", "@domain"), ("frontier", "@frontier")]
        p.add_tools(HoverTool(renderers=[notable, frontier], tooltips=tips))
        self._local_label = Label(x=2030.0, y=1.0, x_offset=-4, y_offset=3, text="", text_align="right",
                                  text_font_size="9pt", text_color=kit.GREY_TEXT)
        p.add_layout(self._local_label)
        legend = p.legend[0]
        legend.orientation, legend.ncols = "horizontal", 4  # below the plot: never over a model or the band
        legend.location = "top_left"
        legend.update(label_text_font_size="8pt", glyph_width=16, spacing=2, padding=2, border_line_alpha=0, margin=0)
        p.add_layout(legend, "below")
        p.add_layout(Title(text=self.models.credit, text_font_size="8pt", text_font_style="italic",
                           text_color="#555555"), "below")
        self._figure = p
        self._legend_items = {getattr(item.label, "value", ""): item for item in legend.items
                              if isinstance(item, LegendItem)}

    def model_inputs(self) -> TrendInputs:
        c = self.controls
        return replace(self.start, quantity=c["quantity"].value, domain=c["domain"].value,
                       start_year=int(c["start_year"].value), frontier_only=bool(c["models"].value),
                       year=int(c["year"].value), level=float(c["level"].value))

    # -- the model ------------------------------------------------------------------
    def _compute(self, v: TrendInputs) -> TrendResult:
        domain = None if v.domain == ALL_DOMAINS else v.domain
        start, target_year = float(v.start_year), float(v.year)
        key = (v.quantity, domain, start, v.frontier_only)
        if key not in self._fits:  # a fit depends only on the selection, not on the year or the band
            try:
                self._fits[key] = trends.fit_notable_trend(self.models, v.quantity, start_year=start, domain=domain,
                                                           frontier_only=v.frontier_only)
            except ValueError as err:
                what = ("frontier " if v.frontier_only else "") + (f"{domain.lower()} " if domain else "") + "models"
                raise ValueError(f"Too few {what} with a value for {AXIS_LABELS[v.quantity]} since {start:.0f} to "
                                 f"fit a trend ({err}); choose an earlier year, more domains or all notable "
                                 f"models.") from err
        fit = self._fits[key]
        # The fitted line, its band and the growth interval do not move with the target year: kept per fit and level.
        years_fit, trend_central, t_low, t_high, (g_low, g_high) = self._memo(
            ("trend", key, v.level), functools.partial(_trend_line, fit, v.level))
        years_proj = np.linspace(fit.end_year, target_year, 40)
        local = v.quantity == "training_flop"
        at = trends.project(fit, target_year, level=v.level)
        return TrendResult(
            fit=fit, years_fit=years_fit, trend_central=trend_central, trend_low=t_low, trend_high=t_high,
            years_projection=years_proj, projection=trends.project(fit, years_proj, level=v.level), target=at,
            growth_low=g_low, growth_high=g_high,
            local_flop_per_year=float(training.local_machine_flop(v.local_flop_per_s, days=365.25)) if local else None,
            local_days=float(training.local_machine_days(float(at.central), v.local_flop_per_s)) if local else None,
        )

    # -- the picture -----------------------------------------------------------------
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
            self._show(name, dict(year=m.year[idx], value=values[idx],
                                           **{k: v[idx] for k, v in self._text.items()}))
        self._points_key = key

    def _draw(self, v: TrendInputs, r: TrendResult) -> None:
        quantity, level, fit, at = v.quantity, v.level, r.fit, r.target
        domain = None if v.domain == ALL_DOMAINS else v.domain
        start, target_year, frontier_only = float(v.start_year), float(v.year), v.frontier_only
        what = ("frontier " if frontier_only else "") + (f"{domain.lower()} " if domain else "") + "models"
        self._points(quantity, domain, start, frontier_only)
        self._show("trend", dict(year=r.years_fit, central=r.trend_central, low=r.trend_low, high=r.trend_high))
        self._show("projection", dict(year=r.years_projection, central=r.projection.central, low=r.projection.low,
                                    high=r.projection.high))
        self._show("target", dict(year=[target_year], central=[at.central], low=[at.low], high=[at.high]))
        set_props(self._figure.yaxis, axis_label=AXIS_LABELS[quantity])
        set_props(self._title, text=f"{AXIS_LABELS[quantity][0].upper()}{AXIS_LABELS[quantity][1:]}: "
                            f"{fit.n} {what} since {start:.0f}, fitted trend and projection")

        local_text = ""
        if r.local_flop_per_year is not None and r.local_days is not None:
            per_year = r.local_flop_per_year
            self._show("local", dict(year=[fit.start_year, target_year], value=[per_year, per_year]))
            set_props(self._local_line, visible=True)
            # In the empty projection zone when it is wide enough, else at the left end of the line.
            room = target_year - fit.end_year >= 3.0
            set_props(self._local_label, x=target_year if room else fit.start_year,
                      text_align="right" if room else "left", x_offset=-4 if room else 4, y=per_year,
                      text=f"your machine, running for a year ({v.local_flop_per_s / 1e9:,.0f} GFLOP/s)")
            local_text = (f"<br>Your machine ({v.local_flop_per_s / 1e9:,.0f} GFLOP/s) would need "
                          f"<b>{duration_days(r.local_days)}</b> to do that much computing.")
        else:
            self._show("local", dict(year=[], value=[]))
            set_props(self._local_line, visible=False)
            set_props(self._local_label, text="")

        shown = {"notable models": not frontier_only, "other notable models (not fitted)": frontier_only,
                 "your machine, running for a year": quantity == "training_flop"}
        for label, visible in shown.items():
            set_props(self._legend_items[label], visible=visible)
        central, low, high = float(at.central), float(at.low), float(at.high)
        self.readout.value = (
            f"Fitted to <b>{fit.n} {what}</b> published since {start:.0f}: {READOUT_NAMES[quantity]} "
            f"grows <b>{fit.growth_per_year:.1f}× per year</b> ({level:.0%} confidence interval "
            f"{r.growth_low:.1f}× to {r.growth_high:.1f}×), doubling every <b>{fit.doubling_time_months:.1f} months</b>."
            f"<br>Projected for <b>{target_year:.0f}</b> on this trend: <b>{_value_text(quantity, central)}</b> "
            f"({level:.0%} band {_value_text(quantity, low)} to {_value_text(quantity, high)})"
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
