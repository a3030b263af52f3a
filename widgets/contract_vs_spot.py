"""ContractVsSpotExplorer: lock in capacity on a long-term contract, or buy it on a volatile spot market?

Run in a notebook::

    from widgets.contract_vs_spot import ContractVsSpotExplorer
    ContractVsSpotExplorer()

A buyer needs the same accelerator-hours every month. Controls for the contract
(price, length) and the spot market (volatility, trend, chance of no capacity in
a month), and a "draw" slider for a new set of simulated paths. Two histograms
share one cost axis: the total cost of each strategy over all simulated paths,
with the median and the 5-95 % range marked; a bar chart shows the chance of
running short at least once. The model is
:func:`compute_econ.market.simulate_contract_vs_spot`; the seed is fixed, so
the picture only changes when a control does.
"""

from __future__ import annotations

import ipywidgets as ipw
import numpy as np
from bokeh.layouts import column, row
from bokeh.models import ColumnDataSource, CustomJSTickFormatter, FactorRange, HoverTool, NumeralTickFormatter
from bokeh.plotting import figure

from compute_econ import market

from ._base import PRIMARY_SLIDER_CLASS, Explorer
from ._format import count, percent, usd

STRATEGIES = ("contract", "spot")
COLOURS = {"contract": "#0072B2", "spot": "#E69F00"}  # Okabe-Ito blue and orange (colour-blind safe)
N_BINS = 40
TAIL_PERCENTILE = 99.5  # histograms end here; costlier paths are counted in the last bin
#: Above this many simulated path-months the run takes about half a second or more here,
#: so the explorer shows a progress bar fed by the model's ``progress`` callback.
PROGRESS_ABOVE_PATH_PERIODS = 10_000_000


class ContractVsSpotExplorer(Explorer):
    """Contract price and length, spot volatility, trend and outages in; cost distributions and shortfall risk out.

    Parameters
    ----------
    n_paths : int
        Simulated paths per update (default :data:`compute_econ.market.DEFAULT_N_PATHS`; keep one
        update under 100 ms). Larger samples show a progress bar while they run.
    n_months : int
        Horizon in months (the contract-length slider goes from 0 to this).
    n_accelerators : int
        Accelerators the buyer keeps busy all month (need = n x hours in a month).
    contract, spot : ContractTerms, SpotMarket
        Starting values (default :data:`compute_econ.market.DEFAULT_CONTRACT`, :data:`~compute_econ.market.DEFAULT_SPOT`).
    seed : int
        First simulated draw (the "draw" slider).
    """

    def __init__(self, n_paths: int = market.DEFAULT_N_PATHS, n_months: int = 48, n_accelerators: int = 1000,
                 contract: market.ContractTerms = market.DEFAULT_CONTRACT,
                 spot: market.SpotMarket = market.DEFAULT_SPOT, seed: int = 0):
        self._n_paths = int(n_paths)
        self._n_months = int(n_months)
        self._hours_per_month = n_accelerators * market.HOURS_PER_MONTH
        self._initial = dict(contract=contract, spot=spot, seed=seed)
        self.progress = ipw.IntProgress(value=0, min=0, max=self._n_paths, description="simulating",
                                        layout=ipw.Layout(width="400px"))
        self._show_progress = self._n_paths * self._n_months > PROGRESS_ABOVE_PATH_PERIODS
        super().__init__()

    # -- data, plots, controls ----------------------------------------------------
    def _build(self) -> None:
        self.sources = {name: ColumnDataSource(data=dict(left=[], right=[], share=[])) for name in STRATEGIES}
        for name in STRATEGIES:
            self.sources[f"{name}_range"] = ColumnDataSource(data=dict(p5=[], p50=[], p95=[], y=[]))
        self.sources["shortfall"] = ColumnDataSource(data=dict(strategy=list(STRATEGIES), p_any=[0.0, 0.0],
                                                               frac_unmet=[0.0, 0.0],
                                                               color=[COLOURS[k] for k in STRATEGIES]))
        s = self.sources
        hists = []
        for name in STRATEGIES:
            title = ("Total cost over the horizon: long-term contract, then spot" if name == "contract"
                     else "Total cost over the horizon: spot purchases only")
            shared_x = {"x_range": hists[0].x_range} if hists else {}
            p = figure(title=title, width=560, height=165, tools="pan,xwheel_zoom,reset,save",
                       toolbar_location="above", y_axis_label="share of paths", **shared_x)
            quads = p.quad(left="left", right="right", bottom=0, top="share", source=s[name], color=COLOURS[name],
                           alpha=0.75, line_color="white")
            p.add_tools(HoverTool(renderers=[quads], tooltips=[("cost", "@left{$0.0a} to @right{$0.0a}"),
                                                              ("share of paths", "@share{0.0%}")]))
            p.segment(x0="p5", y0="y", x1="p95", y1="y", source=s[f"{name}_range"], color=COLOURS[name], line_width=3)
            p.scatter("p50", "y", source=s[f"{name}_range"], size=11, color=COLOURS[name], line_color="black")
            p.y_range.start = 0
            # "$50M", as the readout writes it (Numeral's "$0a" gives a lower-case "$50m").
            p.xaxis.formatter = CustomJSTickFormatter(code="return '$' + (tick / 1e6).toLocaleString('en-US') + 'M';")
            p.yaxis.formatter = NumeralTickFormatter(format="0%")
            hists.append(p)
        hists[-1].xaxis.axis_label = "total cost (USD; last bin holds the top 0.5 %); bar: 5th-95th percentile, dot: median"

        short = figure(title="Chance of running short", x_range=FactorRange(*STRATEGIES), y_range=(0, 1.05),
                       width=250, height=330, tools="save", toolbar_location="above",
                       y_axis_label="P(at least one month without capacity)")
        short.vbar(x="strategy", top="p_any", width=0.6, color="color", source=s["shortfall"])
        short.add_tools(HoverTool(tooltips=[("P(any shortfall)", "@p_any{0.0%}"),
                                            ("mean share of need unmet", "@frac_unmet{0.0%}")]))
        short.yaxis.formatter = NumeralTickFormatter(format="0%")
        self._figures = (hists, short)

        c0, s0 = self._initial["contract"], self._initial["spot"]
        style = {"description_width": "190px"}
        wide = ipw.Layout(width="430px")
        volatility = ipw.FloatSlider(value=s0.volatility_per_year, min=0.0, max=1.5, step=0.05, readout_format=".2f",
                                     description="spot volatility (σ per year)", style=style, layout=wide)
        volatility.add_class(PRIMARY_SLIDER_CLASS)
        self.controls = {
            "volatility": volatility,
            "contract_price": ipw.FloatSlider(value=round(c0.usd_per_accelerator_hour, 2), min=0.5, max=8.0, step=0.01,
                                              readout_format="$.2f", description="contract price ($/accel.-hour)",
                                              style=style, layout=wide),
            "contract_months": ipw.IntSlider(value=min(c0.n_periods, self._n_months), min=0, max=self._n_months,
                                             description="contract length (months)", style=style, layout=wide),
            "p_no_capacity": ipw.FloatSlider(value=s0.p_no_capacity, min=0.0, max=0.5, step=0.01,
                                             readout_format=".0%", description="no-capacity chance / month",
                                             style=style, layout=wide),
            "drift": ipw.FloatSlider(value=round(s0.drift_per_year, 2), min=-1.5, max=0.5, step=0.01,
                                     readout_format="+.2f", description="spot drift (log / year)",
                                     style=style, layout=wide),
            "seed": ipw.IntSlider(value=self._initial["seed"], min=0, max=20, description="draw (random seed)",
                                  style=style, layout=wide),
        }

    # -- callback ---------------------------------------------------------------------
    def _on_progress(self, done: int, total: int) -> None:
        self.progress.max = total
        self.progress.value = done

    def _compute(self) -> None:
        v = {k: c.value for k, c in self.controls.items()}
        s0 = self._initial["spot"]
        contract = market.ContractTerms(usd_per_accelerator_hour=v["contract_price"], n_periods=int(v["contract_months"]),
                                        frac_of_demand=1.0, source="ContractVsSpotExplorer controls")
        spot = market.SpotMarket(start_usd_per_hour=s0.start_usd_per_hour, volatility_per_year=v["volatility"],
                                 drift_per_year=v["drift"], p_no_capacity=v["p_no_capacity"],
                                 periods_per_year=12.0, source="ContractVsSpotExplorer controls; start from "
                                 + s0.source)
        r = market.simulate_contract_vs_spot(
            contract, spot, self._hours_per_month, n_periods=self._n_months, n_paths=self._n_paths,
            seed=int(v["seed"]), progress=self._on_progress if self._show_progress else None,
        )
        outcomes = {"contract": r.contract, "spot": r.spot}
        # Bins span both strategies up to the 99.5th percentile; the few costlier paths go in the last bin.
        both = np.concatenate([r.contract.cost_usd, r.spot.cost_usd])
        lo, hi = float(both.min()), float(np.percentile(both, TAIL_PERCENTILE))
        if hi - lo < 1e-6 * max(abs(hi), 1.0):  # a degenerate draw (no volatility, no outages)
            lo, hi = lo * 0.95 - 1.0, hi * 1.05 + 1.0
        edges = np.linspace(lo, hi, N_BINS + 1)
        tops = {}
        for name, out in outcomes.items():
            counts, _ = np.histogram(np.minimum(out.cost_usd, hi), bins=edges)
            share = counts / out.cost_usd.size
            tops[name] = float(share.max())
            self.sources[name].data = dict(left=edges[:-1], right=edges[1:], share=share)
        for name, out in outcomes.items():
            pct = out.cost_percentiles_usd
            self.sources[f"{name}_range"].data = dict(p5=[pct[5]], p50=[pct[50]], p95=[pct[95]], y=[1.08 * tops[name]])
        self.sources["shortfall"].data = dict(
            strategy=list(STRATEGIES), p_any=[outcomes[k].p_any_shortfall for k in STRATEGIES],
            frac_unmet=[outcomes[k].mean_frac_unmet for k in STRATEGIES], color=[COLOURS[k] for k in STRATEGIES],
        )
        self.result = r
        lines = []
        for name, label in (("contract", f"Contract ({contract.n_periods} months at ${contract.usd_per_accelerator_hour:.2f}/h, "
                                         f"then spot)"), ("spot", "Spot only")):
            o = outcomes[name]
            pct = o.cost_percentiles_usd
            lines.append(
                f'<span style="color:{COLOURS[name]}">■</span> <b>{label}</b>: mean <b>{usd(o.mean_cost_usd)}</b>, '
                f"5th-95th percentile {usd(pct[5])} to {usd(pct[95])} (median {usd(pct[50])}); "
                f"P(any month short) <b>{percent(o.p_any_shortfall)}</b>, need unmet {o.mean_frac_unmet:.1%} on average."
            )
        self.readout.value = (
            f"{count(self._hours_per_month)} accelerator-hours a month for {self._n_months} months, "
            f"{r.n_paths:,} simulated paths; spot starts at ${spot.start_usd_per_hour:.2f}/h.<br>"
            + "<br>".join(lines)
            + f"<br>The contract is cheaper on <b>{percent(r.p_contract_cheaper)}</b> of paths (both strategies see "
            f"the same prices and outages). Volatility and outage rates are illustrative estimates."
        )

    def _layout(self) -> ipw.Box:
        c = self.controls
        head = lambda text: ipw.HTML(f"<b>{text}</b>")  # noqa: E731
        left = ipw.VBox([head("Contract"), c["contract_price"], c["contract_months"], c["seed"]])
        right = ipw.VBox([head("Spot market"), c["volatility"], c["drift"], c["p_no_capacity"]])
        hists, short = self._figures
        parts = [ipw.HBox([left, right]), self.readout]
        if self._show_progress:
            parts.append(self.progress)
        parts.append(self._plot(row(column(*hists), short)))
        return ipw.VBox(parts)

