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

from typing import ClassVar
from collections.abc import Mapping

from dataclasses import dataclass, replace
from typing import Any

import ipywidgets as ipw
import numpy as np
from bokeh.layouts import column, row
from bokeh.models import (ColumnDataSource, CustomJSTickFormatter, FactorRange, HoverTool, NumeralTickFormatter,
                          Range1d)
from bokeh.plotting import figure

from compute_econ import market
from compute_econ._validate import bounded_work, instance, integer, scalar

from ._base import PRIMARY_SLIDER_CLASS, Explorer, float_slider, int_slider, store
from . import colour as kit
from ._format import count, percent, usd

STRATEGIES = ("contract", "spot")
#: Okabe-Ito blue and orange (colour-blind safe); the orange darkened (kit.ORANGE_DARK) so that the whisker and
#: the bars' outlines have 3:1 on white (WCAG 2.1 1.4.11).
COLOURS = {"contract": kit.BLUE, "spot": kit.ORANGE_DARK}
N_BINS = 40
TAIL_PERCENTILE = 99.5  # histograms end here; costlier paths are counted in the last bin
#: Above this many simulated path-months the run takes about half a second or more here,
#: so the explorer shows a progress bar fed by the model's ``progress`` callback.
PROGRESS_ABOVE_PATH_PERIODS = 10_000_000
# The sliders' ranges (low, high, step): the contract price, and the spot market's volatility, drift and
# chance of no capacity in a month; the draw (seed) from 0 to 20. The contract's length goes from 0 to n_months.
CONTRACT_USD_PER_HOUR = (0.5, 8.0, 0.01)
VOLATILITY_PER_YEAR = (0.0, 1.5, 0.05)
DRIFT_PER_YEAR = (-1.5, 0.5, 0.01)
P_NO_CAPACITY = (0.0, 0.5, 0.01)
SEEDS = (0, 20)
#: The explorer simulates months: the spot market's periods per year.
MONTHS_PER_YEAR = 12.0
#: The most accelerators a buyer keeps busy: ten million, above the ~4 million H100-equivalents installed
#: worldwide (compute_econ.supply.pricing.INSTALLED_H100_EQUIVALENTS, Epoch AI estimate).
MAX_ACCELERATORS = 10_000_000


@dataclass(frozen=True)
class ContractVsSpotInputs:
    """What :func:`compute_econ.market.simulate_contract_vs_spot` takes here: the caller's contract and spot
    market (the sliders replace their price, length, volatility, drift and chance of no capacity), the
    accelerators kept busy, the horizon in months, the number of paths and the seed. Validated, stored."""

    contract: market.ContractTerms
    spot: market.SpotMarket
    n_accelerators: int
    n_months: int
    n_paths: int
    seed: int

    def __post_init__(self) -> None:
        store(self, "n_paths", bounded_work("n_paths", self.n_paths))
        store(self, "n_months", bounded_work("n_months", self.n_months))
        store(self, "n_accelerators", integer("n_accelerators", self.n_accelerators, 1, MAX_ACCELERATORS))
        store(self, "seed", integer("seed", self.seed, *SEEDS))
        c = instance("contract", self.contract, market.ContractTerms)
        spot = instance("spot", self.spot, market.SpotMarket)
        scalar("contract.usd_per_accelerator_hour", c.usd_per_accelerator_hour, *CONTRACT_USD_PER_HOUR[:2],
               unit="USD/h")
        if not 0 <= c.n_periods <= self.n_months:
            raise ValueError(f"contract.n_periods must be a whole number in [0, {self.n_months}] (the contract-length "
                             f"slider spans the horizon, n_months={self.n_months}), got {c.n_periods!r}")
        scalar("spot.volatility_per_year", spot.volatility_per_year, *VOLATILITY_PER_YEAR[:2])
        scalar("spot.drift_per_year", spot.drift_per_year, *DRIFT_PER_YEAR[:2])
        scalar("spot.p_no_capacity", spot.p_no_capacity, *P_NO_CAPACITY[:2])
        if spot.periods_per_year != MONTHS_PER_YEAR:
            raise ValueError(f"spot.periods_per_year must be {MONTHS_PER_YEAR:g} (the explorer simulates months), "
                             f"got {spot.periods_per_year!r}")


class ContractVsSpotExplorer(Explorer[ContractVsSpotInputs, market.ContractVsSpotResult]):
    """Contract price and length, spot volatility, trend and outages in; cost distributions and shortfall risk out.

    The contract and the spot market are the caller's dataclasses: the controls replace some of
    their fields (:func:`dataclasses.replace`) and the rest, such as the committed share of need
    (``frac_of_demand``), is simulated as given.

    Parameters
    ----------
    n_paths : int
        Simulated paths per update (default :data:`compute_econ.market.DEFAULT_N_PATHS`; keep one
        update under 100 ms). Larger samples show a progress bar while they run.
    n_months : int
        Horizon in months (the contract-length slider goes from 0 to this).
    n_accelerators : int
        Accelerators the buyer keeps busy all month, 1 to 10 million (need = n x hours in a month).
    contract : ContractTerms, optional
        Starting contract; its price must lie in the slider's range and its length in ``[0, n_months]``.
        Default :data:`compute_econ.market.DEFAULT_CONTRACT`, cut to the horizon if it is longer (the
        model buys nothing beyond the horizon either way).
    spot : SpotMarket
        Starting spot market (default :data:`~compute_econ.market.DEFAULT_SPOT`): monthly periods, its
        volatility, drift and chance of no capacity in the sliders' ranges.
    seed : int
        First simulated draw (the "draw" slider, 0 to 20).
    """

    #: The book precomputes the contract's price against the spot market's volatility.
    #: Each control's name for a screen reader (its tooltip): what it sets and in which unit.
    CONTROL_NAMES: ClassVar[Mapping[str, str]] = {
        "volatility": "volatility of the spot price, sigma per year",
        "contract_price": "contract price, in dollars per accelerator-hour",
        "contract_months": "contract length, in months",
        "p_no_capacity": "chance each month that spot capacity is unavailable, in percent",
        "drift": "drift of the spot price, in log units per year",
        "seed": "random draw of the spot price path (a seed)",
    }
    STATIC_CONTROLS: ClassVar[Mapping[str, int]] = {"contract_price": 5, "volatility": 21}

    PARAMETER_CONTROLS = {"seed": "seed"}
    start: ContractVsSpotInputs
    result: market.ContractVsSpotResult

    def __init__(self, n_paths: int = market.DEFAULT_N_PATHS, n_months: int = 48, n_accelerators: int = 1000,
                 contract: market.ContractTerms | None = None,
                 spot: market.SpotMarket = market.DEFAULT_SPOT, seed: int = 0):
        if contract is None:
            months = bounded_work("n_months", n_months)
            contract = replace(market.DEFAULT_CONTRACT, n_periods=min(market.DEFAULT_CONTRACT.n_periods, months))
        start = ContractVsSpotInputs(contract=contract, spot=spot, n_accelerators=n_accelerators, n_months=n_months,
                                     n_paths=n_paths, seed=seed)
        self.progress = ipw.IntProgress(value=0, min=0, max=start.n_paths, description="simulating",
                                        layout=ipw.Layout(width="400px"))
        self._show_progress = start.n_paths * start.n_months > PROGRESS_ABOVE_PATH_PERIODS
        super().__init__(start)

    # -- data, plots, controls ----------------------------------------------------
    def _build(self) -> None:
        c0, s0 = self.start.contract, self.start.spot
        style = {"description_width": "190px"}
        wide = ipw.Layout(width="430px")

        def slider(name: str, value: float, spec: tuple[float, float, float], **kw: Any) -> ipw.FloatSlider:
            return float_slider(name, value, low=spec[0], high=spec[1], step=spec[2], style=style, layout=wide, **kw)

        volatility = slider("spot.volatility_per_year", s0.volatility_per_year, VOLATILITY_PER_YEAR,
                            readout_format=".2f", description="spot volatility (σ per year)")
        volatility.add_class(PRIMARY_SLIDER_CLASS)
        self.controls = {
            "volatility": volatility,
            "contract_price": slider("contract.usd_per_accelerator_hour", c0.usd_per_accelerator_hour,
                                     CONTRACT_USD_PER_HOUR, readout_format="$.2f",
                                     description="contract price ($/accel.-hour)"),
            "contract_months": int_slider("contract.n_periods", c0.n_periods, low=0, high=self.start.n_months,
                                          description="contract length (months)", style=style, layout=wide),
            "p_no_capacity": slider("spot.p_no_capacity", s0.p_no_capacity, P_NO_CAPACITY, readout_format=".0%",
                                    description="no-capacity chance / month"),
            "drift": slider("spot.drift_per_year", s0.drift_per_year, DRIFT_PER_YEAR, readout_format="+.2f",
                            description="spot drift (log / year)"),
            "seed": int_slider("seed", self.start.seed, low=SEEDS[0], high=SEEDS[1], description="draw (random seed)",
                               style=style, layout=wide),
        }

        self.sources = {name: ColumnDataSource(data=dict(left=[], right=[], share=[])) for name in STRATEGIES}
        for name in STRATEGIES:
            self.sources[f"{name}_range"] = ColumnDataSource(data=dict(p5=[], p50=[], p95=[], y=[]))
        self.sources["shortfall"] = ColumnDataSource(data=dict(strategy=list(STRATEGIES), p_any=[0.0, 0.0],
                                                               frac_unmet=[0.0, 0.0],
                                                               color=[COLOURS[k] for k in STRATEGIES]))
        s = self.sources
        hists: list[Any] = []
        for name in STRATEGIES:
            title = ("Total cost over the horizon: long-term contract, then spot" if name == "contract"
                     else "Total cost over the horizon: spot purchases only")
            p = figure(title=title, width=560, height=165, tools="pan,xwheel_zoom,reset,save",
                       toolbar_location="above", y_axis_label="share of paths")
            if hists:
                p.x_range = hists[0].x_range
            quads = p.quad(left="left", right="right", bottom=0, top="share", source=s[name], fill_color=COLOURS[name],
                           fill_alpha=0.75, line_color=COLOURS[name])  # the outline: 3:1 where the fill is lighter
            p.add_tools(HoverTool(renderers=[quads], tooltips=[("cost", "@left{$0.0a} to @right{$0.0a}"),
                                                              ("share of paths", "@share{0.0%}")]))
            p.segment(x0="p5", y0="y", x1="p95", y1="y", source=s[f"{name}_range"], color=COLOURS[name], line_width=3)
            p.scatter("p50", "y", source=s[f"{name}_range"], size=11, color=COLOURS[name], line_color="black")
            p.y_range.start = 0  # type: ignore[attr-defined]  # a DataRange1d, Bokeh's default for a figure
            # "$50M", as the readout writes it (Numeral's "$0a" gives a lower-case "$50m").
            p.xaxis.formatter = CustomJSTickFormatter(code="return '$' + (tick / 1e6).toLocaleString('en-US') + 'M';")
            p.yaxis.formatter = NumeralTickFormatter(format="0%")
            hists.append(p)
        hists[-1].xaxis.axis_label = "total cost (USD; last bin holds the top 0.5 %); bar: 5th-95th percentile, dot: median"

        short = figure(title="Chance of running short", x_range=FactorRange(factors=list(STRATEGIES)),
                       y_range=Range1d(start=0, end=1.05), width=250, height=330, tools="save", toolbar_location="above",
                       y_axis_label="P(at least one month without capacity)")
        short.vbar(x="strategy", top="p_any", width=0.6, color="color", source=s["shortfall"])
        short.add_tools(HoverTool(tooltips=[("P(any shortfall)", "@p_any{0.0%}"),
                                            ("mean share of need unmet", "@frac_unmet{0.0%}")]))
        short.yaxis.formatter = NumeralTickFormatter(format="0%")
        self._figures = (hists, short)

    def model_inputs(self) -> ContractVsSpotInputs:
        c = self.controls
        return replace(
            self.start,
            contract=replace(self.start.contract, usd_per_accelerator_hour=float(c["contract_price"].value),
                             n_periods=int(c["contract_months"].value)),
            spot=replace(self.start.spot, volatility_per_year=float(c["volatility"].value),
                         drift_per_year=float(c["drift"].value), p_no_capacity=float(c["p_no_capacity"].value)),
            seed=int(c["seed"].value),
        )

    # -- the model -----------------------------------------------------------------------
    def _on_progress(self, done: int, total: int) -> None:
        self.progress.max = total
        self.progress.value = done

    def _compute(self, v: ContractVsSpotInputs) -> market.ContractVsSpotResult:
        return market.simulate_contract_vs_spot(
            v.contract, v.spot, v.n_accelerators * market.HOURS_PER_MONTH, n_periods=v.n_months, n_paths=v.n_paths,
            seed=v.seed, progress=self._on_progress if self._show_progress else None,
        )

    # -- the picture ---------------------------------------------------------------------
    def _draw(self, v: ContractVsSpotInputs, r: market.ContractVsSpotResult) -> None:
        contract, spot = v.contract, v.spot
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
            self._show(name, dict(left=edges[:-1], right=edges[1:], share=share))
        for name, out in outcomes.items():
            pct = out.cost_percentiles_usd
            self._show(f"{name}_range", dict(p5=[pct[5]], p50=[pct[50]], p95=[pct[95]], y=[1.08 * tops[name]]))
        self._show("shortfall", dict(
            strategy=list(STRATEGIES), p_any=[outcomes[k].p_any_shortfall for k in STRATEGIES],
            frac_unmet=[outcomes[k].mean_frac_unmet for k in STRATEGIES], color=[COLOURS[k] for k in STRATEGIES],
        ))
        covers = "" if contract.frac_of_demand == 1 else f" for {percent(contract.frac_of_demand)} of the need"
        lines = []
        for name, label in (("contract", f"Contract ({contract.n_periods} months at "
                                         f"${contract.usd_per_accelerator_hour:.2f}/h{covers}, then spot)"),
                            ("spot", "Spot only")):
            o = outcomes[name]
            pct = o.cost_percentiles_usd
            lines.append(
                f'<span style="color:{COLOURS[name]}">■</span> <b>{label}</b>: mean <b>{usd(o.mean_cost_usd)}</b>, '
                f"5th-95th percentile {usd(pct[5])} to {usd(pct[95])} (median {usd(pct[50])}); "
                f"P(any month short) <b>{percent(o.p_any_shortfall)}</b>, need unmet {o.mean_frac_unmet:.1%} on average."
            )
        hours_per_month = v.n_accelerators * market.HOURS_PER_MONTH
        self.readout.value = (
            f"{count(hours_per_month)} accelerator-hours a month for {v.n_months} months, "
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
        parts: list[ipw.Widget] = [ipw.HBox([left, right]), self.readout]
        if self._show_progress:
            parts.append(self.progress)
        parts.append(self._plot(row(column(*hists), short)))
        return ipw.VBox(parts)
