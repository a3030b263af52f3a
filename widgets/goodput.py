"""GoodputExplorer: how often a big training job is interrupted, and what checkpoints win back.

Run in a notebook::

    from widgets import GoodputExplorer
    GoodputExplorer()

A synchronous job stops whenever one of its accelerators (or the host, network or software behind it)
fails, so the bigger the cluster the more often it stops. The job saves a checkpoint every so often;
after each failure it restarts and redoes the work since the last one. The left plot is the goodput
(the share of wall-clock time that is useful training) against the checkpoint interval at the chosen
cluster size, with the run's interval, Daly's optimum and Young's first-order optimum marked: too
often wastes time writing, too rarely redoes too much work. The right plot is the expected
interruptions per day against cluster size at the chosen failure rate, with published logs marked
(Llama 3 405B's 54-day snapshot, OPT-175B's two months) and the chosen size. The readout gives the
interruptions per day, the job's mean time between failures, the goodput at the chosen and at the
optimal interval, and the run's wall-clock days against the ideal, with the lost days and dollars.

Every number comes from :mod:`compute_econ.cluster.failures` (:func:`estimate_goodput`,
:func:`goodput_frac`, :func:`interruptions_per_day`, :func:`load_reliability_logs`). The defaults are
Llama 3 405B's: 16,384 H100s, each interrupting the job once every ~50,700 hours (what its 419
unexpected interruptions in 54 days imply, Llama Team 2024, arXiv:2407.21783, Section 3.3.4), the
module's estimates of a checkpoint's write time (33 s) and a restart (5 minutes), neither of which
the paper gives, and the run's 30.84M H100-hours (the Llama 3.1 model card). At these settings the
readout compares the model's goodput with the paper's ">90% effective training time".
"""

from __future__ import annotations

from typing import ClassVar
from collections.abc import Mapping

import math
from dataclasses import dataclass, replace
from typing import Any

import ipywidgets as ipw
import numpy as np
from bokeh.layouts import row
from bokeh.models import ColumnDataSource, FixedTicker, HoverTool, NumeralTickFormatter, Range1d
from bokeh.plotting import figure

from compute_econ._records import ArrayRecord
from compute_econ._validate import integer, scalar
from compute_econ.cluster import failures
from compute_econ.training import HOURS_PER_YEAR, SECONDS_PER_HOUR

from ._base import (PRIMARY_SLIDER_CLASS, Explorer, checkbox, count_ticks, float_slider, log_axis, log_slider,
                    log_ticks, seconds_ticks, set_props, store)
from ._format import count, duration_days, number, percent, sci, usd

MINUTES_PER_HOUR = 60.0


def llama3_log() -> failures.ReliabilityLog:
    """Llama 3 405B's 54-day snapshot, its 419 unexpected interruptions (a row of the shipped reliability logs)."""
    return next(log for log in failures.load_reliability_logs()
                if log.name.startswith("Llama 3") and "unexpected" in log.name)


#: Accelerators in the job (log slider, base 2, so that its grid holds Llama 3's 16,384 = 2^14 and both ends): 1,024
#: to 1,048,576, in tenths of a doubling.
ACCELERATOR_LOG2 = (10.0, 20.0, 0.1)
#: MTBF of one accelerator, hours (log slider): six weeks to a century. Llama 3's implies ~50,700 h; OPT-175B's
#: A100s ~13,600 h; Meta's RSC-1 cluster (Kokolis et al. 2024) about 30,000 h per GPU.
MTBF_DECADES = (3.0, 6.0)
#: Time to write one checkpoint, s (log slider): a second to half an hour.
CHECKPOINT_S_DECADES = (0.0, math.log10(1800.0))
#: Time to restart after a failure, minutes: none to an hour, in half minutes.
RESTART_MINUTES = (0.0, 60.0, 0.5)
#: Checkpoint interval, minutes (log slider): six seconds to two days.
INTERVAL_MINUTES_DECADES = (-1.0, math.log10(2880.0))
#: The interval slider's position while the run checkpoints at Daly's optimum: once an hour, a round value to compare
#: with the optimum when the learner takes the slider.
DEFAULT_INTERVAL_MINUTES = 60.0
#: The run's size, ideal accelerator-hours (log slider): a hundred thousand to a billion.
RUN_DECADES = (5.0, 9.0)
#: Price of an accelerator-hour, USD: the serving explorers' range.
PRICE_USD_PER_HOUR = (0.5, 10.0, 0.01)
#: Log sliders move in twentieths of a decade.
LOG_STEP = 0.05

#: Llama 3 405B's cluster and its GPUs' failure rate, from its 419 unexpected interruptions in 54 days
#: (:func:`compute_econ.cluster.failures.component_mtbf_hours` of the log's observed MTBF): ~50,677 h.
DEFAULT_N_ACCELERATORS = float(llama3_log().n_accelerators)
DEFAULT_ACCELERATOR_MTBF_HOURS = llama3_log().accelerator_mtbf_hours
#: The module's estimates for Llama 3 (the paper gives neither): a 33 s checkpoint, a 5-minute restart.
DEFAULT_CHECKPOINT_S = failures.LLAMA3_CHECKPOINT_HOURS_ESTIMATE * SECONDS_PER_HOUR
DEFAULT_RESTART_MINUTES = failures.LLAMA3_RESTART_HOURS_ESTIMATE * MINUTES_PER_HOUR
LLAMA31_405B_H100_HOURS = failures.LLAMA31_405B_H100_HOURS
#: Llama 3 405B's cluster, failure rate, checkpoint and restart, in the controls' units (the readout compares the
#: model's goodput with the paper's at these).
LLAMA3_SETTINGS = (DEFAULT_N_ACCELERATORS, DEFAULT_ACCELERATOR_MTBF_HOURS, DEFAULT_CHECKPOINT_S, DEFAULT_RESTART_MINUTES)
#: Llama 3's reported effective training time: "higher than 90%" (Llama Team 2024, arXiv:2407.21783, Section 3.3.4).
LLAMA3_REPORTED_GOODPUT = 0.90

#: The interval axis spans at least this factor below and above the run's interval, Daly's and Young's optimum; its
#: curve has this many points per decade of interval.
INTERVAL_SPAN = 10.0
INTERVAL_POINTS_PER_DECADE = 40
#: Cluster sizes of the interruption line (and down to the smallest published log).
N_SIZE_POINTS = 61
#: Log axes span this factor beyond the data.
LOG_PAD = 1.4
#: Tick positions of the interval axis, in seconds: durations a learner reads at a glance, 0.1 s to 30 days. Adjacent
#: ones are at least 0.3 decades apart, the coarse ones 0.6: on a plot about 350 px wide, labels ~45 px apart need the
#: axis to span at most 2.3 decades for the first, 4.7 for the second (beyond, every other coarse one).
DURATION_TICKS_S = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0,
                    6 * 3600.0, 12 * 3600.0, 86400.0, 2 * 86400.0, 4 * 86400.0, 7 * 86400.0, 14 * 86400.0, 30 * 86400.0)
COARSE_DURATION_TICKS_S = (0.1, 1.0, 10.0, 60.0, 600.0, 3600.0, 6 * 3600.0, 86400.0, 7 * 86400.0, 30 * 86400.0)
FINE_TICKS_DECADES, COARSE_TICKS_DECADES = 2.3, 4.7

BLUE, VERMILLION, GREEN, PURPLE, BLACK = "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000"
#: Markers of the published logs, in the order of the shipped table (a second cue besides the legend).
LOG_MARKERS = ("diamond", "triangle", "square", "inverted_triangle", "hex", "star")


@dataclass(frozen=True)
class GoodputInputs:
    """What the GoodputExplorer's model calls take, in the controls' units (validated, stored): accelerators, the MTBF
    of one accelerator (h), a checkpoint's write time (s), a restart (min), the checkpoint interval (min; ``None``:
    Daly's optimum), the run's ideal accelerator-hours and the price of an accelerator-hour (USD of ``price_year``)."""

    n_accelerators: float
    accelerator_mtbf_hours: float
    checkpoint_s: float
    restart_minutes: float
    interval_minutes: float | None
    ideal_accelerator_hours: float
    usd_per_accelerator_hour: float
    price_year: int = failures.DEFAULT_PRICE_YEAR

    def __post_init__(self) -> None:
        store(self, "n_accelerators", scalar("n_accelerators", self.n_accelerators, 2.0 ** ACCELERATOR_LOG2[0],
                                             2.0 ** ACCELERATOR_LOG2[1]))
        store(self, "accelerator_mtbf_hours", scalar("accelerator_mtbf_hours", self.accelerator_mtbf_hours,
                                                     10.0 ** MTBF_DECADES[0], 10.0 ** MTBF_DECADES[1], unit="hours"))
        store(self, "checkpoint_s", scalar("checkpoint_s", self.checkpoint_s, 10.0 ** CHECKPOINT_S_DECADES[0],
                                           10.0 ** CHECKPOINT_S_DECADES[1], unit="s"))
        store(self, "restart_minutes", scalar("restart_minutes", self.restart_minutes, *RESTART_MINUTES[:2],
                                              unit="minutes"))
        if self.interval_minutes is not None:
            store(self, "interval_minutes", scalar("interval_minutes", self.interval_minutes,
                                                   10.0 ** INTERVAL_MINUTES_DECADES[0],
                                                   10.0 ** INTERVAL_MINUTES_DECADES[1], unit="minutes"))
        store(self, "ideal_accelerator_hours", scalar("ideal_accelerator_hours", self.ideal_accelerator_hours,
                                                      10.0 ** RUN_DECADES[0], 10.0 ** RUN_DECADES[1],
                                                      unit="accelerator-hours"))
        store(self, "usd_per_accelerator_hour", scalar("usd_per_accelerator_hour", self.usd_per_accelerator_hour,
                                                       *PRICE_USD_PER_HOUR[:2], unit="USD"))
        store(self, "price_year", integer("price_year", self.price_year, 1990, 2100))


@dataclass(frozen=True, eq=False)
class GoodputResult(ArrayRecord):
    """The run, the goodput curve and the interruption line, from :mod:`compute_econ.cluster.failures`.

    ``run`` is :func:`~compute_econ.cluster.failures.estimate_goodput` at the run's interval and ``optimal`` at
    Daly's optimum (the same record when the run checkpoints there). ``goodput_curve`` is
    :func:`~compute_econ.cluster.failures.goodput_frac` over ``intervals_hours`` (a log grid around the run's
    interval, Daly's and Young's) at the job's MTBF; ``interruptions_per_day`` is
    :func:`~compute_econ.cluster.failures.interruptions_per_day` over ``sizes`` at the accelerators' MTBF; ``logs``
    the published logs (:func:`~compute_econ.cluster.failures.load_reliability_logs`). ``at_llama3`` is true when
    the cluster, failure rate, checkpoint and restart are Llama 3 405B's (the explorer's defaults).
    """

    run: failures.GoodputEstimate
    optimal: failures.GoodputEstimate
    intervals_hours: np.ndarray
    goodput_curve: np.ndarray
    sizes: np.ndarray
    interruptions_per_day: np.ndarray
    logs: tuple[failures.ReliabilityLog, ...]
    at_llama3: bool


def _share(frac: float) -> str:
    """A goodput to a tenth of a percent (90.1% against Llama 3's ">90%"), never a false 100.0% or 0.0% (then
    :func:`~widgets._format.percent`'s finer digits), and "less than 0.01%" below that."""
    if 0.0 < frac < 1e-4:
        return "less than 0.01%"
    text = f"{100 * frac:.1f}%"
    return percent(frac) if text in ("100.0%", "0.0%") else text


def _hours_text(hours: float) -> str:
    """A duration given in hours, in the most readable unit (:func:`~widgets._format.duration_days`)."""
    return duration_days(hours / failures.HOURS_PER_DAY)


def _dollars(x: float) -> str:
    """Dollars (:func:`~widgets._format.usd`); beyond a thousand trillion as a power of ten."""
    return usd(x) if abs(x) < 1e15 else f"${sci(x)}"


def _interval_ticks(lo_s: float, hi_s: float) -> list[float]:
    """Ticks of the interval axis from ``lo_s`` to ``hi_s``: the :data:`DURATION_TICKS_S` inside it, or the coarse ones
    (every other one over the longest spans), so that their labels do not run into each other."""
    span = math.log10(hi_s / lo_s)
    ladder = DURATION_TICKS_S if span <= FINE_TICKS_DECADES else COARSE_DURATION_TICKS_S
    ticks = [t for t in ladder if lo_s <= t <= hi_s][::1 if span <= COARSE_TICKS_DECADES else 2]
    return ticks if len(ticks) >= 2 else log_ticks([lo_s, hi_s])


def _log_label(log: failures.ReliabilityLog) -> str:
    """A legend entry for a published log: "Llama 3 405B, unexpected interruptions: 419"."""
    run, _, what = log.name.partition(", ")
    return f"{run.removesuffix(' pre-training')}, {what or 'interruptions'}: {log.n_interruptions:,}"


class GoodputExplorer(Explorer[GoodputInputs, GoodputResult]):
    """Cluster size, failure rate, checkpoint and restart times and the interval in; interruptions, goodput, lost days
    and dollars out.

    Parameters
    ----------
    n_accelerators : float
        Accelerators in the job, 1,024 to 1,048,576 (the main slider; default Llama 3 405B's 16,384).
    accelerator_mtbf_hours : float
        Mean time between failures of one accelerator, all causes of a job interruption counted, hours, 1,000 to
        1,000,000 (default ~50,677 h: Llama 3's 419 unexpected interruptions in 54 days on 16,384 GPUs).
    checkpoint_s : float
        Time to write one checkpoint, s, 1 to 1,800 (default the module's 33 s estimate for Llama 3).
    restart_minutes : float
        Time to restart after a failure, minutes, 0 to 60 (default the module's 5-minute estimate for Llama 3).
    interval_minutes : float or None
        Compute time between checkpoints, minutes, 0.1 to 2,880; ``None`` (the default): Daly's optimum.
    ideal_accelerator_hours : float
        The run's useful work, accelerator-hours, 1e5 to 1e9 (default Llama 3.1 405B's 30.84M H100-hours).
    usd_per_accelerator_hour : float
        Price of an accelerator-hour, USD of 2024, 0.5 to 10 (default Lambda's on-demand H100, $3.49).
    """

    #: The book precomputes how reliable each accelerator is.
    #: Each control's name for a screen reader (its tooltip): what it sets and in which unit.
    CONTROL_NAMES: ClassVar[Mapping[str, str]] = {
        "n_accelerators": "accelerators in the training job, a count",
        "accelerator_mtbf_hours": "mean time between failures of one accelerator, in hours",
        "checkpoint_s": "time to write a checkpoint, in seconds",
        "restart_minutes": "time to restart after a failure, in minutes",
        "interval_minutes": "interval between checkpoints, in minutes",
        "optimal_interval": "checkpoint at Daly's optimal interval, on or off",
        "ideal_accelerator_hours": "size of the run, in accelerator-hours without failures",
        "usd_per_accelerator_hour": "price of compute, in dollars per accelerator-hour",
    }
    STATIC_CONTROLS: ClassVar[Mapping[str, int]] = {"accelerator_mtbf_hours": 9, "n_accelerators": 25}

    PARAMETER_CONTROLS = {"n_accelerators": "n_accelerators", "accelerator_mtbf_hours": "accelerator_mtbf_hours",
                          "checkpoint_s": "checkpoint_s", "restart_minutes": "restart_minutes",
                          "interval_minutes": "interval_minutes", "ideal_accelerator_hours": "ideal_accelerator_hours",
                          "usd_per_accelerator_hour": "usd_per_accelerator_hour"}
    start: GoodputInputs
    result: GoodputResult

    def __init__(self, n_accelerators: float = DEFAULT_N_ACCELERATORS,
                 accelerator_mtbf_hours: float = DEFAULT_ACCELERATOR_MTBF_HOURS,
                 checkpoint_s: float = DEFAULT_CHECKPOINT_S, restart_minutes: float = DEFAULT_RESTART_MINUTES,
                 interval_minutes: float | None = None, ideal_accelerator_hours: float = LLAMA31_405B_H100_HOURS,
                 usd_per_accelerator_hour: float = failures.DEFAULT_USD_PER_ACCELERATOR_HOUR):
        super().__init__(GoodputInputs(
            n_accelerators=n_accelerators, accelerator_mtbf_hours=accelerator_mtbf_hours, checkpoint_s=checkpoint_s,
            restart_minutes=restart_minutes, interval_minutes=interval_minutes,
            ideal_accelerator_hours=ideal_accelerator_hours, usd_per_accelerator_hour=usd_per_accelerator_hour))

    # -- data, plots, controls ------------------------------------------------------------
    def _build(self) -> None:
        st = self.start
        style = {"description_width": "190px"}
        wide = ipw.Layout(width="420px")

        def log(name: str, value: float, decades: tuple[float, float], description: str, fmt: str) -> ipw.FloatLogSlider:
            return log_slider(name, value, base=10, low=decades[0], high=decades[1], step=LOG_STEP,
                              description=description, readout_format=fmt, style=style, layout=wide)

        size = log_slider("n_accelerators", st.n_accelerators, base=2, low=ACCELERATOR_LOG2[0], high=ACCELERATOR_LOG2[1],
                          step=ACCELERATOR_LOG2[2], description="accelerators in the job", readout_format=",.0f",
                          style=style, layout=wide)
        size.add_class(PRIMARY_SLIDER_CLASS)
        interval = st.interval_minutes if st.interval_minutes is not None else DEFAULT_INTERVAL_MINUTES
        self.controls = {
            "n_accelerators": size,
            "accelerator_mtbf_hours": log("accelerator_mtbf_hours", st.accelerator_mtbf_hours, MTBF_DECADES,
                                          "MTBF per accelerator (h)", ",.0f"),
            "checkpoint_s": log("checkpoint_s", st.checkpoint_s, CHECKPOINT_S_DECADES, "checkpoint write time (s)",
                                ",.3r"),
            "restart_minutes": float_slider("restart_minutes", st.restart_minutes, low=RESTART_MINUTES[0],
                                            high=RESTART_MINUTES[1], step=RESTART_MINUTES[2],
                                            description="restart time (min)", readout_format=".1f", style=style,
                                            layout=wide),
            "interval_minutes": log("interval_minutes", interval, INTERVAL_MINUTES_DECADES,
                                    "checkpoint every (min)", ",.3r"),
            "optimal_interval": checkbox("optimal_interval", st.interval_minutes is None,
                                         description="checkpoint at Daly's optimum", indent=False,
                                         layout=ipw.Layout(width="420px", margin="0 0 0 194px")),
            "ideal_accelerator_hours": log("ideal_accelerator_hours", st.ideal_accelerator_hours, RUN_DECADES,
                                           "run (ideal accelerator-hours)", ".3s"),
            "usd_per_accelerator_hour": float_slider("usd_per_accelerator_hour", st.usd_per_accelerator_hour,
                                                     low=PRICE_USD_PER_HOUR[0], high=PRICE_USD_PER_HOUR[1],
                                                     step=PRICE_USD_PER_HOUR[2], description="$ per accelerator-hour",
                                                     readout_format=".2f", style=style, layout=wide),
        }
        self._logs = failures.load_reliability_logs()
        smallest = min([2.0 ** ACCELERATOR_LOG2[0], *(float(log.n_accelerators) for log in self._logs)])
        self._sizes = np.geomspace(smallest, 2.0 ** ACCELERATOR_LOG2[1], N_SIZE_POINTS)

        self.sources = {
            "curve": ColumnDataSource(data=dict(interval_s=[], goodput=[])),
            "line": ColumnDataSource(data=dict(accelerators=[], per_day=[])),
            "logs": ColumnDataSource(data=dict(accelerators=[], per_day=[], label=[], marker=[], name=[], days=[],
                                               interruptions=[], mtbf_h=[])),
            # Every single point and line of both plots, in one row (one change sent per update, not five): the run's
            # interval and goodput, Daly's optimum and its goodput, Young's interval, the goodput axis's ends (the
            # vertical lines), the chosen cluster, its interruptions per day and the interruption axis's ends.
            "marks": ColumnDataSource(data=dict(run_s=[], run_goodput=[], daly_s=[], daly_goodput=[], young_s=[],
                                                zero=[], one=[], accelerators=[], per_day=[], per_day_low=[],
                                                per_day_high=[])),
        }
        s = self.sources
        tools = "pan,wheel_zoom,box_zoom,reset,save"

        g = figure(title="Goodput against the checkpoint interval", x_axis_type="log", width=440, height=348,
                   x_axis_label="compute time between checkpoints", y_axis_label="goodput (share of time training)",
                   x_range=Range1d(start=60.0, end=6000.0), y_range=Range1d(start=0.0, end=1.02), tools=tools)
        curve = g.line("interval_s", "goodput", source=s["curve"], line_width=2.5, color=BLUE,
                       legend_label="goodput at each interval")
        g.segment(x0="young_s", y0="zero", x1="young_s", y1="one", source=s["marks"], line_width=2,
                  line_dash="dotted", color=PURPLE, legend_label="Young's √(2δM)")
        g.segment(x0="daly_s", y0="zero", x1="daly_s", y1="one", source=s["marks"], line_width=2,
                  line_dash="dashed", color=GREEN, legend_label="Daly's optimum")
        g.scatter("run_s", "run_goodput", source=s["marks"], size=14, color=VERMILLION,
                  legend_label="the run's interval")
        g.scatter("daly_s", "daly_goodput", source=s["marks"], size=9, marker="diamond", color=GREEN)
        g.add_tools(HoverTool(renderers=[curve], tooltips=[("interval", "@interval_s{0,0.0} s"),
                                                          ("goodput", "@goodput{0.0%}")]))
        self._interval_ticker = FixedTicker(ticks=list(DURATION_TICKS_S), minor_ticks=[])
        g.xaxis[0].ticker = self._interval_ticker
        g.xaxis[0].formatter = seconds_ticks()
        g.yaxis[0].formatter = NumeralTickFormatter(format="0%")
        self._legend_below(g)

        f = figure(title="Interruptions grow with the cluster", x_axis_type="log", y_axis_type="log", width=440,
                   height=348, x_axis_label="accelerators in the job", y_axis_label="interruptions per day",
                   x_range=Range1d(start=700.0, end=1.4e6), y_range=Range1d(start=0.01, end=1e4), tools=tools)
        line = f.line("accelerators", "per_day", source=s["line"], line_width=2.5, color=BLUE,
                      legend_label="model at this MTBF")
        f.segment(x0="accelerators", y0="per_day_low", x1="accelerators", y1="per_day_high", source=s["marks"],
                  line_width=1.5, line_dash="dashed", color=VERMILLION)
        f.scatter("accelerators", "per_day", source=s["marks"], size=14, color=VERMILLION, legend_label="chosen cluster")
        logs = f.scatter("accelerators", "per_day", source=s["logs"], size=11, marker="marker", color=BLACK,
                         fill_alpha=0.35, legend_field="label")
        f.add_tools(HoverTool(renderers=[logs], tooltips=[("log", "@name"), ("accelerators", "@accelerators{0,0}"),
                                                         ("interruptions", "@interruptions{0,0} in @days{0} days"),
                                                         ("per day", "@per_day{0.00}"),
                                                         ("MTBF per accelerator", "@mtbf_h{0,0} h")]))
        f.add_tools(HoverTool(renderers=[line], tooltips=[("accelerators", "@accelerators{0,0}"),
                                                         ("interruptions per day", "@per_day{0.00}")]))
        self._size_x = log_axis(f.xaxis[0], count_ticks())
        self._size_y = log_axis(f.yaxis[0], count_ticks())
        self._legend_below(f)
        self._goodput_fig, self._size_fig = g, f

    @staticmethod
    def _legend_below(fig: Any) -> None:
        """The legend under the plot: inside, it would cover the curve or the published points."""
        legend = fig.legend[0]
        set_props(legend, label_text_font_size="8pt", border_line_alpha=0, spacing=0, padding=2, margin=2,
                  glyph_width=18, glyph_height=14, label_height=14, label_standoff=4, orientation="horizontal",
                  ncols=2)
        fig.add_layout(legend, "below")

    def _follow(self, name: str, value: Any) -> None:
        # Taking the interval slider chooses an interval: the run leaves Daly's optimum (ticking the box brings it back).
        if name == "interval_minutes":
            self.controls["optimal_interval"].value = False

    def model_inputs(self) -> GoodputInputs:
        c = self.controls
        interval = None if c["optimal_interval"].value else float(c["interval_minutes"].value)
        return replace(self.start, n_accelerators=float(c["n_accelerators"].value),
                       accelerator_mtbf_hours=float(c["accelerator_mtbf_hours"].value),
                       checkpoint_s=float(c["checkpoint_s"].value), restart_minutes=float(c["restart_minutes"].value),
                       interval_minutes=interval, ideal_accelerator_hours=float(c["ideal_accelerator_hours"].value),
                       usd_per_accelerator_hour=float(c["usd_per_accelerator_hour"].value))

    # -- the model -----------------------------------------------------------------------
    def _compute(self, v: GoodputInputs) -> GoodputResult:
        n, mtbf = v.n_accelerators, v.accelerator_mtbf_hours
        d, restart = v.checkpoint_s / SECONDS_PER_HOUR, v.restart_minutes / MINUTES_PER_HOUR
        price, year = v.usd_per_accelerator_hour, v.price_year

        def estimate(interval_hours: float | None) -> failures.GoodputEstimate:
            return failures.estimate_goodput(v.ideal_accelerator_hours, n, mtbf, d, restart, interval_hours=interval_hours,
                                             usd_per_accelerator_hour=price, price_year=year)

        # Daly's optimum does not move with the interval slider: kept while it moves.
        optimal = self._memo(("optimal", v.ideal_accelerator_hours, n, mtbf, d, restart, price, year),
                             lambda: estimate(None))
        run = optimal if v.interval_minutes is None else estimate(v.interval_minutes / MINUTES_PER_HOUR)
        # The interval axis holds the run's interval, Daly's and Young's optimum, a decade beyond each; its curve is
        # goodput_frac, which gives 0 (no refusal) where the curve reaches intervals no run could live with.
        # The grid's points lie on a fixed lattice (INTERVAL_POINTS_PER_DECADE), so the axis and the intervals stay put
        # while the optimum moves inside them.
        marks = (float(run.interval_hours), float(optimal.optimal_interval_hours), float(optimal.young_interval_hours))
        first = math.floor(math.log10(min(marks) / INTERVAL_SPAN) * INTERVAL_POINTS_PER_DECADE)
        last = math.ceil(math.log10(max(marks) * INTERVAL_SPAN) * INTERVAL_POINTS_PER_DECADE)
        intervals = self._memo(("intervals", first, last),
                               lambda: 10.0 ** (np.arange(first, last + 1) / INTERVAL_POINTS_PER_DECADE))
        curve = np.asarray(failures.goodput_frac(intervals, d, restart, optimal.job_mtbf_hours), dtype=float)
        per_day = self._memo(("per day", mtbf), lambda: np.asarray(
            failures.interruptions_per_day(failures.job_mtbf_hours(mtbf, self._sizes)), dtype=float))
        at_llama3 = all(math.isclose(a, b, rel_tol=1e-9)
                        for a, b in zip((n, mtbf, v.checkpoint_s, v.restart_minutes), LLAMA3_SETTINGS, strict=True))
        return GoodputResult(run=run, optimal=optimal, intervals_hours=intervals, goodput_curve=curve,
                             sizes=self._sizes, interruptions_per_day=per_day, logs=self._logs, at_llama3=at_llama3)

    # -- the picture -------------------------------------------------------------------------------
    def _draw(self, v: GoodputInputs, r: GoodputResult) -> None:
        run, opt = r.run, r.optimal
        sec = SECONDS_PER_HOUR
        # Left: goodput against the interval (seconds on the axis, read by its tick labels as s, min or h).
        x = r.intervals_hours * sec
        self._show("curve", dict(interval_s=x, goodput=r.goodput_curve))
        # The curve reaches the plot's ends; the page gets it as float32 (7 digits, _base._compact), which can round its
        # last point just past a range set to the float64 value, so the range sits a millionth wider (not visible).
        lo, hi = float(x[0]) * (1 - 1e-6), float(x[-1]) * (1 + 1e-6)
        set_props(self._goodput_fig.x_range, start=lo, end=hi)
        set_props(self._interval_ticker, ticks=self._memo(("interval ticks", lo, hi), lambda: _interval_ticks(lo, hi)))

        # Right: interruptions per day against cluster size, the published logs and the chosen size. The line spans
        # every size the slider takes, so its axes depend on the accelerators' MTBF alone.
        x0, x1, y0, y1 = self._memo(("size axes", v.accelerator_mtbf_hours), lambda: self._size_axes(r))
        self._show("line", dict(accelerators=r.sizes, per_day=r.interruptions_per_day))
        self._show("logs", self._memo(("logs",), lambda: self._log_columns(r.logs)))
        set_props(self._size_fig.x_range, start=x0, end=x1)
        set_props(self._size_fig.y_range, start=y0, end=y1)
        set_props(self._size_x, ticks=self._memo(("ticks", x0, x1), lambda: log_ticks([x0, x1])))
        set_props(self._size_y, ticks=self._memo(("ticks", y0, y1), lambda: log_ticks([y0, y1])))

        self._show("marks", dict(
            run_s=[float(run.interval_hours) * sec], run_goodput=[float(run.goodput_frac)],
            daly_s=[float(opt.optimal_interval_hours) * sec], daly_goodput=[float(opt.optimal_goodput_frac)],
            young_s=[float(opt.young_interval_hours) * sec], zero=[0.0], one=[1.0],
            accelerators=[v.n_accelerators], per_day=[float(run.interruptions_per_day)], per_day_low=[y0],
            per_day_high=[y1]))
        self.readout.value = self._readout(v, r)

    @staticmethod
    def _size_axes(r: GoodputResult) -> tuple[float, float, float, float]:
        """The interruption plot's (x start, x end, y start, y end): the line (every size of the slider) and the logs."""
        log_n = [float(log.n_accelerators) for log in r.logs]
        rates = [*r.interruptions_per_day, *(log.interruptions_per_day for log in r.logs)]
        return (min(float(r.sizes[0]), *log_n) / LOG_PAD, float(r.sizes[-1]) * LOG_PAD, min(rates) / LOG_PAD,
                max(rates) * LOG_PAD)

    @staticmethod
    def _log_columns(logs: tuple[failures.ReliabilityLog, ...]) -> dict[str, Any]:
        """The published logs' points, legend labels, markers and hover text."""
        return dict(accelerators=np.array([float(log.n_accelerators) for log in logs]),
                    per_day=np.array([log.interruptions_per_day for log in logs]),
                    label=[_log_label(log) for log in logs],
                    marker=[LOG_MARKERS[i % len(LOG_MARKERS)] for i in range(len(logs))],
                    name=[log.name for log in logs], days=np.array([log.days for log in logs]),
                    interruptions=np.array([float(log.n_interruptions) for log in logs]),
                    mtbf_h=np.array([log.accelerator_mtbf_hours for log in logs]))

    def _readout(self, v: GoodputInputs, r: GoodputResult) -> str:
        run, opt = r.run, r.optimal
        mtbf = v.accelerator_mtbf_hours
        failing = (f"<b>{v.n_accelerators:,.0f}</b> accelerators, each failing once every {number(mtbf)} h "
                   f"({number(mtbf / HOURS_PER_YEAR)} years): <b>{number(float(run.interruptions_per_day))} interruptions "
                   f"a day</b>, one every <b>{_hours_text(float(run.job_mtbf_hours))}</b>.")
        costs = (f"Checkpoints take {_hours_text(v.checkpoint_s / SECONDS_PER_HOUR)}, restarts "
                 f"{_hours_text(v.restart_minutes / MINUTES_PER_HOUR)}.")
        optimum = (f"Daly's optimum, every <b>{_hours_text(float(opt.optimal_interval_hours))}</b> (Young's: "
                   f"{_hours_text(float(opt.young_interval_hours))})")
        g, g_opt = float(run.goodput_frac), float(opt.optimal_goodput_frac)
        if v.interval_minutes is None:
            checkpointing = f"{costs} At {optimum}, goodput is <b>{_share(g)}</b>."
        else:
            checkpointing = (f"{costs} Every <b>{_hours_text(v.interval_minutes / MINUTES_PER_HOUR)}</b>, goodput is "
                             f"<b>{_share(g)}</b>; at {optimum}, <b>{_share(g_opt)}</b>.")
        lost = (f"The run's {count(v.ideal_accelerator_hours)} accelerator-hours, {duration_days(float(run.ideal_days))} "
                f"on this cluster without failures, take <b>{duration_days(float(run.wall_clock_days))}</b>: "
                f"<b>{duration_days(float(run.lost_days))}</b> and <b>{_dollars(float(run.lost_usd))}</b> lost "
                f"({run.price_year} USD at {usd(v.usd_per_accelerator_hour)} an hour) to about "
                f"{number(float(run.expected_interruptions))} interruptions")
        if v.interval_minutes is not None:
            lost += f" (at the optimum {duration_days(float(opt.lost_days))} and {_dollars(float(opt.lost_usd))})"
        text = f"{failing}<br>{checkpointing}<br>{lost}."
        if r.at_llama3:
            log = llama3_log()
            verdict = "agrees" if g > LLAMA3_REPORTED_GOODPUT else "<b>falls short</b> at this interval"
            text += (f"<br>Llama 3 405B reported <b>more than {percent(LLAMA3_REPORTED_GOODPUT)}</b> effective training "
                     f"time here ({log.n_interruptions:,} unexpected interruptions in {log.days:g} days, arXiv:2407.21783 "
                     f"§3.3.4): the model's {_share(g)} {verdict} (checkpoint and restart times estimated).")
        return text

    def _layout(self) -> ipw.Box:
        c = self.controls
        left = ipw.VBox([c["n_accelerators"], c["accelerator_mtbf_hours"], c["checkpoint_s"], c["restart_minutes"]],
                        layout=ipw.Layout(width="430px"))
        right = ipw.VBox([c["interval_minutes"], c["optimal_interval"], c["ideal_accelerator_hours"],
                          c["usd_per_accelerator_hour"]], layout=ipw.Layout(width="430px"))
        return ipw.VBox([ipw.HBox([left, right]), self.readout, self._plot(row(self._goodput_fig, self._size_fig))])


__all__ = ["GoodputExplorer", "GoodputInputs", "GoodputResult", "llama3_log"]
