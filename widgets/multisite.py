"""MultiSiteExplorer: a training run split over data centres, and when one site's power makes splitting worth it.

Run in a notebook::

    from widgets import MultiSiteExplorer
    MultiSiteExplorer()

A cluster of H100s is split evenly over a number of sites joined by a wide-area link (WAN). Each
site runs its own step (compute and in-site communication); the gradients are then averaged across
sites over the WAN (the cross-site stage of a hierarchical all-reduce), every step or, with
low-communication training such as DiLoCo, once every H steps. The learner moves the number of
sites (the main slider), the interval H, the WAN bandwidth and round trip, the cluster, the model
and the site's own step, and a power ceiling per site.

The left plot is the **efficiency** (the share of the sites' own speed kept) against the sync
interval H, for the chosen sites and link, with H = 1 (synchronous training, as Gemini Ultra was
trained across data centres), DiLoCo's H = 500 and the chosen H marked. It is drawn against H
rather than against the WAN bandwidth because H is the lever low-communication training adds and
the two published operating points lie on its axis, on one curve: the learner sees how much of
the speed synchronous training loses on this link, how quickly a larger H wins it back, and that
beyond the point where one synchronisation spread over H steps is small next to a step, a larger
H buys nothing (and its quality cost, which the kit does not model, only grows). The bandwidth
slider moves the whole curve; the readout gives the efficiency at H = 1 and at the chosen H.

The right plot is the **power each site needs** (MW, at full load) against the number of sites,
for the chosen cluster, with the site power ceiling as a line and the fewest sites that ceiling
forces marked: where one site cannot get the power, the run must be split (or the cluster shrunk).

Where the numbers come from (all economics is in :mod:`compute_econ.cluster`):

* :func:`~compute_econ.cluster.multisite_step` (efficiency, exposed sync time, bytes per site,
  power per site), :func:`~compute_econ.cluster.sites_needed` and
  :func:`~compute_econ.cluster.accelerators_per_site` (the ceiling), and the DiLoCo constants
  (Douillard et al. 2023, arXiv:2311.08105, abstract: 8 workers, 500 times less communication);
* the cluster and the ceiling default to xAI's Colossus after its doubling, 200,000 Hopper GPUs on
  a 150 MW grid connection (:func:`~compute_econ.cluster.get_cluster`, ``clusters.csv``, with its
  sources); at the kit's full-load watts the cluster needs 280 MW, so that ceiling forces 2 sites;
* the model (405 billion parameters) and the site's step (6.22 s) are Llama 3 405B's on 16,384
  H100s (:data:`~compute_econ.cluster.LLAMA3_405B_STEP_S`, from Dubey et al. 2024, Table 4); the
  step is held as the sites change (each site keeps its own batch, as DiLoCo's workers do);
* the WAN bandwidth per site defaults to 400 Gb/s, one coherent wavelength at the rate of the OIF
  400ZR implementation agreement (400 Gb/s over DWDM, the unit data-centre interconnects are built
  from; a fibre carries dozens); the round trip to 20 ms, NVIDIA's figure for the latency between
  regions ("often 20 milliseconds or more", NVIDIA Technical Blog, "Turbocharge LLM Training Across
  Long-Haul Data Center Networks with NVIDIA NeMo Framework", 2025), read as a round trip: about
  2,000 km of fibre at 200,000 km/s;
* the quality cost of H > 1 is an assumption, not a model output: ``loss_gap_nats`` (default 0,
  as DiLoCo's abstract reports for 8 workers at 500 times less communication).
"""

from __future__ import annotations

from typing import ClassVar
from collections.abc import Mapping

from dataclasses import dataclass, replace

import ipywidgets as ipw
import numpy as np
from bokeh.layouts import row
from bokeh.models import ColumnDataSource, CustomJSTickFormatter, HoverTool, NumeralTickFormatter, Range1d
from bokeh.plotting import figure

from compute_econ import cluster, hardware
from compute_econ._records import ArrayRecord
from compute_econ._validate import integer, scalar
from compute_econ.cluster import multisite

from ._base import (PRIMARY_SLIDER_CLASS, Explorer, count_ticks, float_slider, int_slider, log_axis, log_slider,
                    log_ticks, option, selection_slider, set_props, store)
from . import colour as kit
from ._format import count, data_bytes, megawatts, percent, seconds

#: The cluster and the ceiling the explorer starts from: Colossus after its doubling (``clusters.csv``).
COLOSSUS = cluster.get_cluster("xAI Colossus (200k)")
#: Its accelerator (the catalogue's row: 700 W board), for the power per site.
ACCELERATOR = hardware.get_accelerator(COLOSSUS.accelerator)
#: Sites the slider offers: one to sixteen.
SITES = (1, 16)
#: Total accelerators offered (a log scale of round counts, with the clusters the kit's sources name:
#: Llama 3's 16,384, Meta's 24,576, Colossus' 100,000 and 200,000).
ACCELERATOR_COUNTS = (10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 16_384, 20_000, 24_576, 50_000,
                      100_000, 200_000, 500_000, 1_000_000)
#: The model-size slider, decades of parameters: a billion to ten trillion.
PARAMS_DECADES = (9, 13)
#: Llama 3 405B (Dubey et al. 2024, arXiv:2407.21783), whose step is the default site step.
DEFAULT_N_PARAMS = 405e9
#: WAN bandwidth out of each site, Gb/s: doublings from 100 Gb/s to 102.4 Tb/s (label, Gb/s).
WAN_GBPS = tuple((f"{g:g} Gb/s" if g < 1000 else f"{g / 1000:g} Tb/s", g)
                 for g in (100, 200, 400, 800, 1_600, 3_200, 6_400, 12_800, 25_600, 51_200, 102_400))
#: Colossus' 150 MW grid connection (``clusters.csv``).
DEFAULT_CEILING_MW = float(COLOSSUS.site_power_mw or np.nan)
#: One 400 Gb/s coherent wavelength (OIF 400ZR implementation agreement).
DEFAULT_WAN_GBPS = 400
#: The round-trip slider, ms: 0 (sites side by side) to 200 (across an ocean); step 1 ms.
RTT_MS = (0.0, 200.0, 1.0)
#: NVIDIA's "often 20 milliseconds or more" between regions (see the module's docstring), as a round trip.
DEFAULT_RTT_MS = 20.0
#: Sync intervals offered, steps (1-2-5 up to 10,000; DiLoCo's 500 among them).
SYNC_EVERY = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000)
#: The site-step slider, decades of seconds: 0.1 s to 100 s.
STEP_DECADES = (-1, 2)
#: The ceiling slider, decades of MW: 10 MW to 10 GW (beyond the 1-5 GW single campuses Sevilla et al. 2024 think
#: feasible by 2030, compute_econ.supply.FRONTIER_CAMPUS_MW).
CEILING_DECADES = (1, 4)
#: Points of the efficiency curve between H = 1 and 10,000 (whole numbers; the menu's values are added).
N_CURVE = 120
H_GRID = np.unique(np.concatenate([np.round(np.geomspace(1, SYNC_EVERY[-1], N_CURVE)), SYNC_EVERY]))
#: Log axes span this factor beyond the data.
LOG_PAD = 1.6
W_PER_MW = 1e6
#: Tick labels for MW from a thousandth (one H100's site power is 1.4 kW) to thousands: 0.002, 0.5, 20, 2,000.
PLAIN_TICKS_JS = 'return tick.toLocaleString("en", {maximumSignificantDigits: 3});'
BITS_PER_BYTE = 8.0

# Okabe-Ito colours, each with a second cue (a marker's shape, a dash).
CURVE = kit.BLUE
SYNC = kit.VERMILLION
DILOCO = kit.BLUISH_GREEN
CHOSEN = kit.BLACK
CEILING = kit.VERMILLION
FORCED = kit.ORANGE  # outlined in black (below): orange alone has 2.3:1 on white (WCAG 2.1 1.4.11)
#: How the marked intervals look, in the order drawn (the chosen H last, a ring around whichever it meets).
MARKS = dict(label=["H = 1: synchronous (Gemini Ultra)", f"H = {multisite.DILOCO_INNER_STEPS}: DiLoCo", "chosen H"],
             marker=["square", "triangle", "circle"], color=[SYNC, DILOCO, CHOSEN], size=[11, 13, 18],
             fill_alpha=[1.0, 1.0, 0.0])
#: The same for the marked splits: the fewest sites under the ceiling, then the chosen sites.
SITE_MARKS = dict(label=["fewest sites under the ceiling", "chosen sites"], marker=["diamond", "circle"],
                  color=[FORCED, CHOSEN], size=[14, 18], fill_alpha=[1.0, 0.0])


@dataclass(frozen=True)
class MultiSiteInputs:
    """What the MultiSiteExplorer's model calls take, in the controls' units: sites, the sync interval H, WAN
    bandwidth per site (Gb/s) and round trip (ms), total accelerators, parameters, the site's own step (s), the site
    power ceiling (MW) and the stated quality cost of H > 1 (nats; an assumption). Validated and stored."""

    n_sites: int
    sync_every_steps: int
    wan_gbps: int
    rtt_ms: float
    n_accelerators: int
    n_params: float
    site_step_s: float
    site_ceiling_mw: float
    loss_gap_nats: float

    def __post_init__(self) -> None:
        store(self, "n_sites", integer("n_sites", self.n_sites, *SITES))
        store(self, "sync_every_steps", option("sync_every_steps", self.sync_every_steps, SYNC_EVERY))
        store(self, "wan_gbps", option("wan_gbps", self.wan_gbps, tuple(g for _, g in WAN_GBPS)))
        store(self, "rtt_ms", scalar("rtt_ms", self.rtt_ms, RTT_MS[0], RTT_MS[1], unit="ms"))
        store(self, "n_accelerators", option("n_accelerators", self.n_accelerators, ACCELERATOR_COUNTS))
        store(self, "n_params", scalar("n_params", self.n_params, 10.0 ** PARAMS_DECADES[0],
                                       10.0 ** PARAMS_DECADES[1]))
        store(self, "site_step_s", scalar("site_step_s", self.site_step_s, 10.0 ** STEP_DECADES[0],
                                          10.0 ** STEP_DECADES[1], unit="s"))
        store(self, "site_ceiling_mw", scalar("site_ceiling_mw", self.site_ceiling_mw, 10.0 ** CEILING_DECADES[0],
                                              10.0 ** CEILING_DECADES[1], unit="MW"))
        store(self, "loss_gap_nats", scalar("loss_gap_nats", self.loss_gap_nats, 0.0, 10.0, unit="nats"))

    @property
    def wan_bytes_per_s(self) -> float:
        """The WAN bandwidth per site in the model's unit, bytes/s."""
        return self.wan_gbps * 1e9 / BITS_PER_BYTE


@dataclass(frozen=True, eq=False)
class MultiSiteResult(ArrayRecord):
    """The run, the step over sync intervals and over sites, and what the ceiling forces, from
    :mod:`compute_econ.cluster`.

    ``by_interval`` is :func:`~compute_econ.cluster.multisite_step` at the chosen sites and link over ``h_grid``
    (the chosen H at ``index``, read with :meth:`at`); ``by_sites`` the same at the chosen H over ``sites_grid``
    (1 to at least 16 and the sites the ceiling forces, at most the accelerators); ``sites_needed``
    :func:`~compute_econ.cluster.sites_needed` and ``accelerators_at_ceiling``
    :func:`~compute_econ.cluster.accelerators_per_site` under the ceiling.
    """

    run: multisite.MultiSiteRun
    h_grid: np.ndarray
    index: int
    by_interval: multisite.MultiSiteStep
    sites_grid: np.ndarray
    by_sites: multisite.MultiSiteStep
    sites_needed: float
    accelerators_at_ceiling: float
    ceiling_watts: float

    def at(self, field: str) -> float:
        """A field of ``by_interval`` at the chosen H (a number)."""
        return float(np.broadcast_to(np.asarray(getattr(self.by_interval, field)), self.h_grid.shape)[self.index])

    def at_h(self, field: str, h: int) -> float:
        """A field of ``by_interval`` at sync interval ``h`` (one of ``h_grid``)."""
        i = int(np.searchsorted(self.h_grid, h))
        return float(np.broadcast_to(np.asarray(getattr(self.by_interval, field)), self.h_grid.shape)[i])

    def site_power_watts(self, n_sites: float) -> float:
        """The power each site needs when the run is split over ``n_sites`` (one of ``sites_grid``), W."""
        return float(np.asarray(self.by_sites.site_power_watts)[int(n_sites) - 1])



class MultiSiteExplorer(Explorer[MultiSiteInputs, MultiSiteResult]):
    """Sites, sync interval, WAN link, cluster, model, site step and power ceiling in; efficiency and power per site out.

    Parameters
    ----------
    n_sites : int
        Sites the run is split over, 1 to 16 (the main slider; default 2, what the default ceiling forces).
    sync_every_steps : int
        ``H``, steps between synchronisations across sites, one of :data:`SYNC_EVERY` (1 to 10,000; default
        DiLoCo's 500).
    wan_gbps : int
        WAN bandwidth out of each site, Gb/s, one of :data:`WAN_GBPS`'s values (100 to 102,400; default 400).
    rtt_ms : float
        Round trip between neighbouring sites, ms, 0 to 200 (default 20).
    n_accelerators : int
        H100s in the whole run, one of :data:`ACCELERATOR_COUNTS` (10 to 1,000,000; default Colossus' 200,000).
    n_params : float
        Parameters whose gradients cross the WAN, 1e9 to 1e13 (default 405e9, Llama 3 405B).
    site_step_s : float
        One site's own step (compute and in-site communication), s, 0.1 to 100 (default
        :data:`~compute_econ.cluster.LLAMA3_405B_STEP_S`, 6.22 s).
    site_ceiling_mw : float
        Power one site can get, MW, 10 to 10,000 (default Colossus' 150 MW grid connection).
    loss_gap_nats : float
        The final-loss penalty you attribute to synchronising every H > 1 steps, nats, 0 to 10: an assumption,
        reported unchanged, not a model output (default 0, as DiLoCo's abstract reports).
    """

    #: The book precomputes how often the sites synchronise (DiLoCo).
    #: Each control's name for a screen reader (its tooltip): what it sets and in which unit.
    CONTROL_NAMES: ClassVar[Mapping[str, str]] = {
        "n_sites": "data-centre sites the run is split across, a count",
        "sync_every_steps": "steps between synchronisations across sites",
        "wan_gbps": "wide-area network bandwidth per site, in gigabits per second",
        "rtt_ms": "network round trip between sites, in milliseconds",
        "n_accelerators": "H100 accelerators in the run, a count",
        "n_params": "model parameters, a count",
        "site_step_s": "time of one training step within a site, in seconds",
        "site_ceiling_mw": "power ceiling of one site, in megawatts",
    }
    STATIC_CONTROLS: ClassVar[Mapping[str, int]] = {"sync_every_steps": 13, "n_sites": 25}

    PARAMETER_CONTROLS = {"n_sites": "n_sites", "sync_every_steps": "sync_every_steps", "wan_gbps": "wan_gbps",
                          "rtt_ms": "rtt_ms", "n_accelerators": "n_accelerators", "n_params": "n_params",
                          "site_step_s": "site_step_s", "site_ceiling_mw": "site_ceiling_mw"}
    start: MultiSiteInputs
    result: MultiSiteResult

    def __init__(self, n_sites: int = 2, sync_every_steps: int = multisite.DILOCO_INNER_STEPS,
                 wan_gbps: int = DEFAULT_WAN_GBPS, rtt_ms: float = DEFAULT_RTT_MS,
                 n_accelerators: int = COLOSSUS.n_accelerators, n_params: float = DEFAULT_N_PARAMS,
                 site_step_s: float = multisite.LLAMA3_405B_STEP_S,
                 site_ceiling_mw: float = DEFAULT_CEILING_MW, loss_gap_nats: float = 0.0):
        super().__init__(MultiSiteInputs(
            n_sites=n_sites, sync_every_steps=sync_every_steps, wan_gbps=wan_gbps, rtt_ms=rtt_ms,
            n_accelerators=n_accelerators, n_params=n_params, site_step_s=site_step_s,
            site_ceiling_mw=site_ceiling_mw, loss_gap_nats=loss_gap_nats))

    # -- controls, sources, figures ---------------------------------------------------------------------------
    def _build(self) -> None:
        st = self.start
        style = {"description_width": "170px"}
        wide = ipw.Layout(width="420px")
        sites = int_slider("n_sites", st.n_sites, low=SITES[0], high=SITES[1], description="sites", style=style,
                           layout=wide)
        sites.add_class(PRIMARY_SLIDER_CLASS)
        self.controls = {
            "n_sites": sites,
            "sync_every_steps": selection_slider("sync_every_steps", st.sync_every_steps,
                                                 [(f"{h:,}", h) for h in SYNC_EVERY],
                                                 description="sync every H steps", style=style, layout=wide),
            "wan_gbps": selection_slider("wan_gbps", st.wan_gbps, list(WAN_GBPS), description="WAN per site",
                                         style=style, layout=wide),
            "rtt_ms": float_slider("rtt_ms", st.rtt_ms, low=RTT_MS[0], high=RTT_MS[1], step=RTT_MS[2],
                                   description="round trip (ms)", readout_format=".0f", style=style, layout=wide),
            "n_accelerators": selection_slider("n_accelerators", st.n_accelerators,
                                               [(f"{n:,}", n) for n in ACCELERATOR_COUNTS],
                                               description="H100s in the run", style=style, layout=wide),
            "n_params": log_slider("n_params", st.n_params, base=10, low=PARAMS_DECADES[0], high=PARAMS_DECADES[1],
                                   step=0.05, description="model parameters", readout_format=".3g", style=style,
                                   layout=wide),
            "site_step_s": log_slider("site_step_s", st.site_step_s, base=10, low=STEP_DECADES[0],
                                      high=STEP_DECADES[1], step=0.05, description="site's own step (s)",
                                      readout_format=".3g", style=style, layout=wide),
            "site_ceiling_mw": log_slider("site_ceiling_mw", st.site_ceiling_mw, base=10, low=CEILING_DECADES[0],
                                          high=CEILING_DECADES[1], step=0.05, description="site power ceiling (MW)",
                                          readout_format=",.0f", style=style, layout=wide),
        }
        self.sources = {
            "curve": ColumnDataSource(data=dict(h=[], efficiency=[])),
            # The marked intervals in one source (H = 1, DiLoCo's H, the chosen H), so a move sends one change.
            "marks": ColumnDataSource(data=dict(h=[], efficiency=[], label=[], marker=[], color=[], size=[],
                                                fill_alpha=[])),
            "power": ColumnDataSource(data=dict(sites=[], mw=[], per_site=[])),
            "ceiling": ColumnDataSource(data=dict(sites=[], mw=[])),
            "site_marks": ColumnDataSource(data=dict(sites=[], mw=[], label=[], marker=[], color=[], size=[],
                                                     fill_alpha=[])),
        }
        s = self.sources
        tools = "pan,wheel_zoom,box_zoom,reset,save"

        e = figure(title="Speed kept against the sync interval H", x_axis_type="log", width=440, height=345,
                   x_axis_label="sync every H steps", y_axis_label="efficiency (share of the sites' speed kept)",
                   x_range=Range1d(start=H_GRID[0] / 1.3, end=H_GRID[-1] * 1.3), y_range=Range1d(start=0, end=1.04),
                   tools=tools)
        line = e.line("h", "efficiency", source=s["curve"], line_width=2.5, color=CURVE,
                      legend_label="chosen sites and link")
        e.scatter("h", "efficiency", source=s["marks"], marker="marker", size="size", color="color",
                  fill_alpha="fill_alpha", line_width=2.5, legend_field="label")
        e.add_tools(HoverTool(renderers=[line], tooltips=[("sync every", "@h{0,0} steps"),
                                                          ("efficiency", "@efficiency{0.0%}")]))
        e.yaxis.formatter = NumeralTickFormatter(format="0%")
        legend = e.legend[0]  # below the plot: the curve can run anywhere from the bottom to the top
        legend.update(orientation="horizontal", nrows=2, label_text_font_size="8pt", spacing=8, padding=2,
                      border_line_alpha=0)
        e.add_layout(legend, "below")
        set_props(log_axis(e.xaxis[0], count_ticks()), ticks=log_ticks([H_GRID[0], H_GRID[-1]]))
        self._efficiency_fig = e

        p = figure(title="Power each site needs (full load)", x_axis_type="log", y_axis_type="log", width=440,
                   height=345, x_axis_label="sites the run is split over", y_axis_label="MW per site",
                   x_range=Range1d(start=0.8, end=20), y_range=Range1d(start=1, end=1000), tools=tools)
        power = p.line("sites", "mw", source=s["power"], line_width=2.5, color=CURVE,
                       legend_label="power per site")
        p.scatter("sites", "mw", source=s["power"], size=4, color=CURVE)
        p.line("sites", "mw", source=s["ceiling"], line_width=2, line_dash="dashed", color=CEILING,
               legend_label="site power ceiling")
        p.scatter("sites", "mw", source=s["site_marks"], marker="marker", size="size", fill_color="color",
                  line_color=kit.BLACK, fill_alpha="fill_alpha", line_width=2.5, legend_field="label")
        p.add_tools(HoverTool(renderers=[power], tooltips=[("sites", "@sites{0,0}"), ("per site", "@mw{0,0.[000]} MW"),
                                                           ("H100s per site", "@per_site{0,0}")]))
        legend = p.legend[0]
        legend.update(orientation="horizontal", nrows=2, label_text_font_size="8pt", spacing=8, padding=2,
                      border_line_alpha=0)
        p.add_layout(legend, "below")
        self._sites_ticks = log_axis(p.xaxis[0], count_ticks())
        self._mw_ticks = log_axis(p.yaxis[0], CustomJSTickFormatter(code=PLAIN_TICKS_JS))
        self._power_fig = p

    def model_inputs(self) -> MultiSiteInputs:
        c = self.controls
        return replace(self.start, n_sites=int(c["n_sites"].value), sync_every_steps=int(c["sync_every_steps"].value),
                       wan_gbps=int(c["wan_gbps"].value), rtt_ms=float(c["rtt_ms"].value),
                       n_accelerators=int(c["n_accelerators"].value), n_params=float(c["n_params"].value),
                       site_step_s=float(c["site_step_s"].value), site_ceiling_mw=float(c["site_ceiling_mw"].value))

    # -- the model ----------------------------------------------------------------------------------------------
    def _compute(self, inputs: MultiSiteInputs) -> MultiSiteResult:
        # One vectorised call per curve. The power curve and the ceiling do not move with the sites slider (the main
        # one), the link or H: they are kept (``_memo``), so a move of the sites slider makes one model call.
        run = self._memo(("run", inputs.n_params, inputs.n_accelerators, inputs.rtt_ms, inputs.loss_gap_nats),
                         lambda: multisite.MultiSiteRun(n_params=inputs.n_params, n_accelerators=inputs.n_accelerators,
                                                        wan_rtt_s=inputs.rtt_ms / 1e3, accelerator=ACCELERATOR,
                                                        loss_gap_nats=inputs.loss_gap_nats))
        step, link = inputs.site_step_s, inputs.wan_bytes_per_s
        by_interval = self._memo(("H", run, step, inputs.n_sites, link),
                                 lambda: multisite.multisite_step(run, step, inputs.n_sites, link, H_GRID))
        ceiling_w = inputs.site_ceiling_mw * W_PER_MW
        needed, fits = self._memo(("ceiling", run, ceiling_w), lambda: (
            float(multisite.sites_needed(run.n_accelerators, ceiling_w, run.accelerator, run.server_overhead_frac,
                                         run.pue)),
            float(multisite.accelerators_per_site(ceiling_w, run.accelerator, run.server_overhead_frac, run.pue))))
        sites_grid = np.arange(1.0, min(max(SITES[1], needed), run.n_accelerators) + 1)
        by_sites = self._memo(("sites", run, step, link, inputs.sync_every_steps, sites_grid.size),
                              lambda: multisite.multisite_step(run, step, sites_grid, link, inputs.sync_every_steps))
        index = int(np.searchsorted(H_GRID, inputs.sync_every_steps))
        return MultiSiteResult(run=run, h_grid=H_GRID, index=index, by_interval=by_interval, sites_grid=sites_grid,
                               by_sites=by_sites, sites_needed=needed, accelerators_at_ceiling=fits,
                               ceiling_watts=ceiling_w)

    # -- the picture ----------------------------------------------------------------------------------------------
    def _draw(self, inputs: MultiSiteInputs, r: MultiSiteResult) -> None:
        iv = r.by_interval
        efficiency = np.asarray(iv.efficiency)
        self._show("curve", dict(h=r.h_grid, efficiency=efficiency))
        diloco = multisite.DILOCO_INNER_STEPS
        self._show("marks", dict(h=[1.0, float(diloco), float(inputs.sync_every_steps)],
                                 efficiency=[r.at_h("efficiency", 1), r.at_h("efficiency", diloco), r.at("efficiency")],
                                 **MARKS))

        mw = np.asarray(r.by_sites.site_power_watts) / W_PER_MW
        ceiling_mw = r.ceiling_watts / W_PER_MW
        x0, x1 = float(r.sites_grid[0]) / 1.25, float(r.sites_grid[-1]) * 1.25
        self._show("power", dict(sites=r.sites_grid, mw=mw, per_site=np.asarray(r.by_sites.accelerators_per_site)))
        self._show("ceiling", dict(sites=[x0, x1], mw=[ceiling_mw, ceiling_mw]))
        self._show("site_marks", dict(sites=[r.sites_needed, float(inputs.n_sites)],
                                      mw=[r.site_power_watts(r.sites_needed) / W_PER_MW,
                                          r.site_power_watts(inputs.n_sites) / W_PER_MW], **SITE_MARKS))
        lo, hi = float(min(mw.min(), ceiling_mw)) / LOG_PAD, float(max(mw.max(), ceiling_mw)) * LOG_PAD
        set_props(self._power_fig.x_range, start=x0, end=x1)
        set_props(self._power_fig.y_range, start=lo, end=hi)
        set_props(self._sites_ticks, ticks=self._memo(("ticks", x0, x1), lambda: log_ticks([x0, x1])))
        set_props(self._mw_ticks, ticks=self._memo(("ticks", lo, hi), lambda: log_ticks([lo, hi])))
        self.readout.value = self._readout(inputs, r)

    def _readout(self, inputs: MultiSiteInputs, r: MultiSiteResult) -> str:
        n, h = inputs.n_sites, inputs.sync_every_steps
        link = next(label for label, g in WAN_GBPS if g == inputs.wan_gbps)
        ceiling = megawatts(r.ceiling_watts / W_PER_MW)
        per_site_w = r.site_power_watts(n)
        per_site_acc = float(np.asarray(r.by_sites.accelerators_per_site)[n - 1])
        needed = int(r.sites_needed)
        beyond = f" (more than this slider's {SITES[1]})" if needed > SITES[1] else ""
        under = (f"under the {ceiling} ceiling" if per_site_w <= r.ceiling_watts
                 else f"<b>over</b> the {ceiling} ceiling")
        power = (f"{'Each' if n > 1 else 'The'} site needs <b>{megawatts(per_site_w / W_PER_MW)}</b> for its "
                 f"{per_site_acc:,.0f} H100s, "
                 f"{under}; a {ceiling} site holds {r.accelerators_at_ceiling:,.0f}, so the ceiling forces "
                 f"<b>{needed} site{'s' if needed > 1 else ''}</b>{beyond}.")
        gap = float(r.run.loss_gap_nats)
        quality = (f"What H &gt; 1 costs in model quality is an assumption, not a model output: {gap:g} nats here"
                   + (f" (DiLoCo's abstract reports none for {multisite.DILOCO_N_WORKERS} workers at "
                      f"{multisite.DILOCO_COMMUNICATION_REDUCTION} times less communication)." if gap == 0
                      else " (your figure)."))
        if n == 1:
            return (f"<b>One site</b>: nothing crosses a WAN, so the run keeps <b>100%</b> of the site's speed at any "
                    f"H ({count(inputs.n_params)} parameters, a {seconds(inputs.site_step_s)} step).<br>"
                    f"{power}<br>{quality}")
        sync_s = r.at("wan_allreduce_s")
        sent = r.at_h("wan_bytes_per_site_per_step", 1)
        synchronous = (f"Synchronising every step (H = 1, as Gemini Ultra did) keeps "
                       f"<b>{percent(r.at_h('efficiency', 1))}</b> of the sites' speed")
        diloco = multisite.DILOCO_INNER_STEPS
        if h == 1:
            chosen = (f"{synchronous}, waiting {seconds(r.at('sync_exposed_per_step_s'))} a step; every {diloco} "
                      f"steps (DiLoCo) would keep {percent(r.at_h('efficiency', diloco))}.")
        else:
            chosen = (f"{synchronous}; every {h:,} steps keeps <b>{percent(r.at('efficiency'))}</b>, waiting "
                      f"{seconds(r.at('sync_exposed_per_step_s'))} a step and sending "
                      f"{data_bytes(r.at('wan_bytes_per_site_per_step'))} per site per step on average "
                      f"({h:,} times less).")
        return (
            f"Over <b>{n} sites</b> joined by {link} each ({inputs.rtt_ms:.0f} ms round trip), one synchronisation "
            f"of {count(inputs.n_params)} parameters' gradients sends {data_bytes(sent)} out of each site and takes "
            f"<b>{seconds(sync_s)}</b>, against a site step of {seconds(inputs.site_step_s)}.<br>"
            f"{chosen}<br>{power}<br>{quality}"
        )

    def _layout(self) -> ipw.Box:
        c = self.controls
        left = ipw.VBox([c["n_sites"], c["sync_every_steps"], c["wan_gbps"], c["rtt_ms"]])
        right = ipw.VBox([c["n_accelerators"], c["n_params"], c["site_step_s"], c["site_ceiling_mw"]])
        return ipw.VBox([ipw.HBox([left, right]), self.readout,
                         self._plot(row(self._efficiency_fig, self._power_fig))])


__all__ = ["MultiSiteExplorer", "MultiSiteInputs", "MultiSiteResult"]
