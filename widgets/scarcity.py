"""ScarcityMarketExplorer: the rental price of accelerators under scarcity, and who gets them.

Run in a notebook::

    from widgets.scarcity import ScarcityMarketExplorer
    ScarcityMarketExplorer()

Controls: the accelerators that exist (capacity), a new frontier lab's demand, a new
fab's added capacity, and how the market allocates: by price, or, with the price held
at a cap below the clearing price, by proportional rationing or by priority for
long-term contracts. Two plots: supply and demand (the clearing point, the cap and the
shortage it leaves), and for each buyer type what it asks for against what it gets,
priced-out buyers in grey. All economics is in :mod:`compute_econ.supply.pricing`.
"""

from __future__ import annotations

from typing import ClassVar
from collections.abc import Mapping

from dataclasses import dataclass, replace
from typing import Any

import ipywidgets as ipw
import numpy as np
from bokeh.layouts import row
from bokeh.models import ColumnDataSource, DataRange1d, FactorRange, HoverTool, NumeralTickFormatter
from bokeh.models.annotations import Title
from bokeh.plotting import figure
from bokeh.transform import dodge

from compute_econ._records import ArrayRecord
from compute_econ._validate import choice, instance, scalar
from compute_econ.supply import pricing

from ._base import (PRIMARY_SLIDER_CLASS, Explorer, float_slider, log_axis, log_ticks, set_props, store,
                    toggle_buttons)
from . import colour as kit
from ._format import percent, usd

MODES = (("price clears", "clear"), ("proportional rationing", "proportional"),
         ("contract priority", "contract_priority"))
MODE_LABEL = {mode: label for label, mode in MODES}
JOB_DAYS = 30.0  # an example job of 30 days at full service; ration() then reports waits in days
N_PRICES = 160
MIN_PLOT_USD_PER_HOUR = 1.5  # bottom of the price axis: below the default marginal cost ($1.99)
# Okabe-Ito colours (colour-blind safe).
BLUE, SKY, VERMILION, GREEN, PINK = kit.BLUE, kit.SKY_BLUE, kit.VERMILLION, kit.BLUISH_GREEN, kit.REDDISH_PURPLE
# The priced-out buyers' bars: dark grey for what they get, light grey (outlined) for what they ask.
GREY, LIGHT_GREY = kit.GREY, kit.GREY_LIGHT
PRICED_OUT_HATCH = "x"  # and hatched: not told by colour alone (WCAG 2.1 1.4.1)
# The sliders' ranges (low, high, step): capacity 1-12 M accelerators (the default is Epoch AI's ~4 M), a new
# lab's demand and a new fab's capacity 0-4 M, the price cap $2-10 per accelerator-hour.
CAPACITY_M = (1.0, 12.0, 0.1)
NEW_LAB_M = (0.0, 4.0, 0.1)
NEW_FAB_M = (0.0, 4.0, 0.1)
PRICE_CAP_USD_PER_HOUR = (2.0, 10.0, 0.01)


def _names(names) -> str:
    return ", ".join(names) if names else "nobody"


@dataclass(frozen=True)
class ScarcityInputs:
    """What the ScarcityMarketExplorer's model calls take, in the sliders' units (millions of accelerators).

    ``supply`` is the supply curve whose capacity ``capacity_m`` replaces and a new fab adds to;
    ``buyers`` the buyer types a new lab joins; ``mode`` ``"clear"``, ``"proportional"`` or
    ``"contract_priority"``; ``price_cap_usd_per_hour`` the price held in the rationing modes.
    """

    capacity_m: float
    new_lab_m: float
    new_fab_m: float
    mode: str
    price_cap_usd_per_hour: float
    supply: pricing.SupplyCurve = pricing.DEFAULT_SUPPLY
    buyers: tuple[pricing.BuyerType, ...] = pricing.DEFAULT_BUYERS

    def __post_init__(self) -> None:
        store(self, "capacity_m", scalar("capacity_m", self.capacity_m, *CAPACITY_M[:2], unit="M accelerators"))
        store(self, "new_lab_m", scalar("new_lab_m", self.new_lab_m, *NEW_LAB_M[:2], unit="M accelerators"))
        store(self, "new_fab_m", scalar("new_fab_m", self.new_fab_m, *NEW_FAB_M[:2], unit="M accelerators"))
        store(self, "mode", choice("mode", self.mode, tuple(mode for _, mode in MODES)))
        store(self, "price_cap_usd_per_hour", scalar("price_cap_usd_per_hour", self.price_cap_usd_per_hour,
                                                     *PRICE_CAP_USD_PER_HOUR[:2], unit="USD/h"))
        instance("supply", self.supply, pricing.SupplyCurve)
        buyers: tuple[Any, ...] | list[Any] = instance("buyers", self.buyers, (tuple, list))
        store(self, "buyers", tuple(instance("buyers", b, pricing.BuyerType) for b in buyers))


@dataclass(frozen=True, eq=False)
class ScarcityResult(ArrayRecord):
    """What the ScarcityMarketExplorer shows, from :mod:`compute_econ.supply.pricing`.

    ``market`` clears with the new lab and fab, ``baseline`` without them, ``change`` compares
    the two; ``rationing`` holds the price at the cap (computed in every mode: the clearing
    mode's readout says what a cap would do); ``curve`` is the supply with the new fab;
    ``prices`` the price axis and ``demand``/``demand_before`` what buyers ask for at each
    price with and without the new lab (accelerators); ``top_usd_per_hour`` the axis's top.
    """

    market: pricing.MarketResult
    baseline: pricing.MarketResult
    change: pricing.PriceChange
    rationing: pricing.RationingResult
    curve: pricing.SupplyCurve
    prices: np.ndarray
    demand: np.ndarray
    demand_before: np.ndarray
    top_usd_per_hour: float


class ScarcityMarketExplorer(Explorer[ScarcityInputs, ScarcityResult]):
    """Capacity, a new lab, a new fab and the allocation rule in; price and who gets what out.

    Parameters
    ----------
    capacity_m : float
        Accelerators that exist to rent, millions of H100-equivalents, 1 to 12 (default: Epoch AI's ~4M estimate).
    new_lab_m : float
        A new frontier lab's demand at the reference price, millions, 0 to 4 (0 = none).
    new_fab_m : float
        Capacity a new fab adds, millions, 0 to 4.
    mode : str
        ``"clear"``, ``"proportional"`` or ``"contract_priority"``.
    price_cap_usd_per_hour : float
        The price held below the clearing price in the rationing modes, USD per accelerator-hour, 2 to 10.
    """

    #: The book precomputes prices against rationing.
    #: Each control's name for a screen reader (its tooltip): what it sets and in which unit.
    CONTROL_NAMES: ClassVar[Mapping[str, str]] = {
        "capacity_m": "accelerator capacity on the market, in millions",
        "new_lab_m": "demand of a new lab, in millions of accelerators",
        "new_fab_m": "capacity a new fab adds, in millions of accelerators",
        "mode": "how scarce capacity is allocated",
        "price_cap_usd_per_hour": "price cap, in dollars per accelerator-hour",
    }
    STATIC_CONTROLS: ClassVar[Mapping[str, int]] = {"mode": 0, "capacity_m": 25}

    PARAMETER_CONTROLS = {"capacity_m": "capacity_m", "new_lab_m": "new_lab_m", "new_fab_m": "new_fab_m",
                          "mode": "mode", "price_cap_usd_per_hour": "price_cap_usd_per_hour"}
    start: ScarcityInputs
    result: ScarcityResult

    def __init__(self, capacity_m: float = pricing.INSTALLED_H100_EQUIVALENTS / 1e6, new_lab_m: float = 0.0,
                 new_fab_m: float = 0.0, mode: str = "clear", price_cap_usd_per_hour: float = 3.0):
        super().__init__(ScarcityInputs(capacity_m=capacity_m, new_lab_m=new_lab_m, new_fab_m=new_fab_m, mode=mode,
                                        price_cap_usd_per_hour=price_cap_usd_per_hour))

    # -- data, plots, controls ----------------------------------------------------
    def _build(self) -> None:
        st = self.start
        style = {"description_width": "170px"}
        wide = ipw.Layout(width="440px")

        def slider(name: str, value: float, spec: tuple[float, float, float], **kw: Any) -> ipw.FloatSlider:
            return float_slider(name, value, low=spec[0], high=spec[1], step=spec[2], style=style, layout=wide, **kw)

        capacity = slider("capacity_m", st.capacity_m, CAPACITY_M, description="capacity (M accelerators)")
        capacity.add_class(PRIMARY_SLIDER_CLASS)
        self.controls = {
            "capacity_m": capacity,
            "new_lab_m": slider("new_lab_m", st.new_lab_m, NEW_LAB_M, description="new lab (M wanted)"),
            "new_fab_m": slider("new_fab_m", st.new_fab_m, NEW_FAB_M, description="new fab (M added)"),
            "mode": toggle_buttons("mode", st.mode, list(MODES), description="allocation",
                                   style={"button_width": "165px", "description_width": "70px"}),
            "price_cap_usd_per_hour": slider("price_cap_usd_per_hour", st.price_cap_usd_per_hour,
                                             PRICE_CAP_USD_PER_HOUR, readout_format="$.2f",
                                             description="price cap ($/accel.-hour)"),
        }

        self.sources = {
            "demand": ColumnDataSource(data=dict(quantity_m=[], usd_per_hour=[])),
            "demand_before": ColumnDataSource(data=dict(quantity_m=[], usd_per_hour=[])),
            "supply": ColumnDataSource(data=dict(quantity_m=[], usd_per_hour=[])),
            "point": ColumnDataSource(data=dict(quantity_m=[], usd_per_hour=[])),
            "cap": ColumnDataSource(data=dict(quantity_m=[], usd_per_hour=[])),
            "shortage": ColumnDataSource(data=dict(quantity_m=[], usd_per_hour=[])),
            "bars": ColumnDataSource(data=dict(name=[], requested_m=[], allocated_m=[], colour=[], asked_colour=[], hatch=[],
                                               frac=[])),
        }
        s = self.sources
        # BokehJS computes the y range from the curves and the outcome (DataRange1d): it follows every update.
        sd = figure(title="Supply and demand for accelerator rental", width=420, height=330, y_axis_type="log",
                    y_range=DataRange1d(range_padding=0.05), x_range=DataRange1d(start=0),
                    x_axis_label="accelerators (millions of H100-equivalents)",
                    y_axis_label="price (USD per accelerator-hour)", tools="pan,wheel_zoom,reset,save",
                    toolbar_location="above")
        sd.line("quantity_m", "usd_per_hour", source=s["demand_before"], color=kit.GREY, line_width=2, line_dash="dashed",
                legend_label="demand without new lab")
        sd.line("quantity_m", "usd_per_hour", source=s["demand"], color=BLUE, line_width=3, legend_label="demand")
        sd.line("quantity_m", "usd_per_hour", source=s["supply"], color=VERMILION, line_width=3,
                legend_label="supply")
        sd.line("quantity_m", "usd_per_hour", source=s["cap"], color=GREEN, line_width=2, line_dash="dotdash",
                legend_label="price cap")
        sd.line("quantity_m", "usd_per_hour", source=s["shortage"], color=PINK, line_width=7,
                legend_label="shortage at the cap")
        pt = sd.scatter("quantity_m", "usd_per_hour", source=s["point"], size=16, marker="star", color="black",
                        legend_label="market outcome")
        sd.add_tools(HoverTool(renderers=[pt], tooltips=[("price", "$@usd_per_hour{0.00}/h"),
                                                         ("rented", "@quantity_m{0.00} M")]))
        self._price_ticks = log_axis(sd.yaxis[0], NumeralTickFormatter(format="$0[.]0"))
        legend = sd.legend[0]
        legend.location = "top_right"
        legend.label_text_font_size = "8pt"
        legend.background_fill_alpha = 0.7
        legend.update(spacing=0, padding=4)

        # Light bar: what a buyer asks for; dark bar: what it gets (grey and hatched: priced out). Said in the title.
        self._bars_title = Title(text="Who gets the compute", text_font_size="12px")  # "Light: asks at $3.49/h,
        # dark: gets at $1.1k/h" fits beside the toolbar
        self._bars_range = FactorRange()
        bars = figure(title=self._bars_title, y_range=self._bars_range, x_range=DataRange1d(start=0), width=420,
                      height=330, x_axis_label="accelerators (millions)", tools="save", toolbar_location="above")
        asked = bars.hbar(y=dodge("name", 0.18, range=self._bars_range), right="requested_m", height=0.34,
                          source=s["bars"], fill_color="asked_colour", line_color=kit.GREY_TEXT,
                          hatch_pattern="hatch", hatch_color=kit.GREY_TEXT, hatch_alpha=0.6)
        got = bars.hbar(y=dodge("name", -0.18, range=self._bars_range), right="allocated_m", height=0.34,
                        source=s["bars"], fill_color="colour", line_color="colour",
                        hatch_pattern="hatch", hatch_color=kit.WHITE, hatch_alpha=0.6)
        bars.add_tools(HoverTool(renderers=[asked, got], tooltips=[
            ("buyer", "@name"), ("asks for", "@requested_m{0.00} M"), ("gets", "@allocated_m{0.00} M"),
            ("share served", "@frac{0%}")]))
        self._figures = (sd, bars)

    def model_inputs(self) -> ScarcityInputs:
        c = self.controls
        return replace(self.start, capacity_m=float(c["capacity_m"].value), new_lab_m=float(c["new_lab_m"].value),
                       new_fab_m=float(c["new_fab_m"].value), mode=c["mode"].value,
                       price_cap_usd_per_hour=float(c["price_cap_usd_per_hour"].value))

    # -- the model -------------------------------------------------------------------------
    def _compute(self, v: ScarcityInputs) -> ScarcityResult:
        today = replace(v.supply, capacity=v.capacity_m * 1e6)
        curve = pricing.add_capacity(today, v.new_fab_m * 1e6)
        buyers = v.buyers
        if v.new_lab_m > 0:
            buyers = buyers + (pricing.new_frontier_lab(v.new_lab_m * 1e6),)
        # Without a new lab or fab the market is the baseline: each is cleared once (by buyers and capacity).
        market = self._clear(buyers, curve)
        baseline = self._clear(v.buyers, today)
        change = pricing.compare_markets(baseline, market)
        mode, cap_price = v.mode, v.price_cap_usd_per_hour
        rule = "proportional" if mode == "clear" else mode
        rationed = pricing.ration(buyers, curve.capacity, cap_price, rule, job_periods=JOB_DAYS)

        top = max(20.0, 2.5 * max(market.usd_per_hour, cap_price))
        prices = np.geomspace(MIN_PLOT_USD_PER_HOUR, top, N_PRICES)
        total = self._memo(("demand", buyers, top), lambda: pricing.demand(buyers, prices)[1])
        total_before = self._memo(("demand", v.buyers, top), lambda: pricing.demand(v.buyers, prices)[1])
        return ScarcityResult(market=market, baseline=baseline, change=change, rationing=rationed, curve=curve,
                              prices=prices, demand=np.asarray(total, dtype=float),
                              demand_before=np.asarray(total_before, dtype=float), top_usd_per_hour=top)

    def _clear(self, buyers: tuple[pricing.BuyerType, ...], curve: pricing.SupplyCurve) -> pricing.MarketResult:
        """The market cleared for these buyers and this capacity and marginal cost (kept: see :meth:`_memo`)."""
        return self._memo(("market", buyers, curve.capacity, curve.marginal_cost_usd_per_hour),
                          lambda: pricing.clear_market(buyers, curve))

    # -- the picture --------------------------------------------------------------------------
    def _draw(self, v: ScarcityInputs, r: ScarcityResult) -> None:
        market, rationed, curve, prices, top = r.market, r.rationing, r.curve, r.prices, r.top_usd_per_hour
        mode, cap_price = v.mode, v.price_cap_usd_per_hour
        mc, K = curve.marginal_cost_usd_per_hour, curve.capacity / 1e6
        s = self.sources
        self._show("demand", dict(quantity_m=r.demand / 1e6, usd_per_hour=prices))
        self._show("demand_before", dict(quantity_m=r.demand_before / 1e6, usd_per_hour=prices))
        self._show("supply", dict(quantity_m=np.array([0.0, K, K]), usd_per_hour=np.array([mc, mc, top])))
        self._show("cap", dict(quantity_m=np.array([0.0, max(K, rationed.total_requested / 1e6) * 1.05]),
                             usd_per_hour=np.array([cap_price, cap_price])))

        if mode == "clear":
            self._show("shortage", dict(quantity_m=[], usd_per_hour=[]))
            self._show("point", dict(quantity_m=[market.total_quantity / 1e6], usd_per_hour=[market.usd_per_hour]))
            requested, allocated, out = market.reference_quantity, market.quantity, market.priced_out
            frac = market.frac_of_reference
            set_props(self._bars_title, text=f"Light: asks at {usd(pricing.REFERENCE_RENTAL.on_demand_usd_per_hour)}/h, "
                                     f"dark: gets at {usd(market.usd_per_hour)}/h")
        else:
            short = rationed.shortage > 0
            self._show("shortage", dict(quantity_m=np.array([K, rationed.total_requested / 1e6]) if short else [],
                                      usd_per_hour=np.array([cap_price, cap_price]) if short else []))
            self._show("point", dict(quantity_m=[rationed.total_allocated / 1e6], usd_per_hour=[cap_price]))
            requested, allocated, out = rationed.requested, rationed.allocated, rationed.priced_out
            frac = rationed.frac_served
            set_props(self._bars_title, text=f"Light: asks; dark: gets at the {usd(cap_price)}/h cap")
        names = list(market.names)
        set_props(self._bars_range, factors=names[::-1])
        set_props(self._price_ticks, ticks=log_ticks(np.concatenate([np.ravel(s[k].data["usd_per_hour"]) for k in
                                                            ("demand", "demand_before", "supply", "cap", "point")])))
        self._show("bars", dict(name=names, requested_m=requested / 1e6, allocated_m=allocated / 1e6,
                              colour=[GREY if o else BLUE for o in out],
                              asked_colour=[LIGHT_GREY if o else SKY for o in out],
                              hatch=[PRICED_OUT_HATCH if o else " " for o in out], frac=frac))
        self.readout.value = self._text(market, r.baseline, r.change, rationed, mode, cap_price, v)

    @staticmethod
    def _text(market: pricing.MarketResult, baseline: pricing.MarketResult, change: pricing.PriceChange,
              rationed: pricing.RationingResult, mode: str, cap_price: float, v: ScarcityInputs) -> str:
        price = market.usd_per_hour
        lines = []
        scarce = "capacity is not scarce: price at marginal cost" if market.at_marginal_cost else "capacity binds"
        lines.append(
            f"Market-clearing price <b>{usd(price)}</b> per accelerator-hour ({scarce}); "
            f"{market.total_quantity / 1e6:.2f} M of {market.capacity / 1e6:.2f} M accelerators rented"
            + (f", {market.unsold_capacity / 1e6:.2f} M unsold" if market.unsold_capacity > 1e-6 * market.capacity
               else "")
            + f"; buyers spend {usd(market.total_spending_usd_per_year)} a year."
        )
        if v.new_lab_m > 0 or v.new_fab_m > 0:
            lines.append(
                f"New lab ({v.new_lab_m:.1f} M) and fab (+{v.new_fab_m:.1f} M) move the price from "
                f"{usd(change.before_usd_per_hour)} to {usd(change.after_usd_per_hour)} "
                f"({change.frac_price_change:+.0%}); newly priced out: <b>{_names(change.newly_priced_out)}</b>"
                + (f"; back in: {_names(change.no_longer_priced_out)}" if change.no_longer_priced_out else "") + "."
            )
        if mode == "clear":
            lines.append(f"Priced out (renting under {pricing.FRAC_PRICED_OUT:.0%} of what it wants at the "
                         f"reference price): <b>{_names(market.priced_out_names)}</b>.")
            if rationed.shortage > 0:
                lines.append(f"A cap at {usd(cap_price)}/h would leave {rationed.shortage / 1e6:.2f} M accelerators of "
                             f"requests unmet: pick a rationing mode to see who waits.")
            else:
                lines.append(f"A cap at {usd(cap_price)}/h is at or above the clearing price: "
                             "nobody would be rationed.")
            return "<br>".join(lines)
        if rationed.shortage <= 0:
            lines.append(f"The {usd(cap_price)}/h cap is at or above the clearing price: every request is met.")
            return "<br>".join(lines)
        lines.append(f"Price held at <b>{usd(cap_price)}</b>, {MODE_LABEL[mode]}: "
                     f"requests {rationed.total_requested / 1e6:.2f} M vs "
                     f"{rationed.capacity / 1e6:.2f} M accelerators, shortage <b>{rationed.shortage / 1e6:.2f} M</b>. "
                     f"Who waits (a {JOB_DAYS:.0f}-day job):")
        # Buyers with the same outcome on one line: the readout stays short enough for a slide.
        groups: dict[str, list[str]] = {}
        for i, name in enumerate(rationed.names):
            if rationed.never_served[i]:
                outcome = "<b>never served</b>"
            elif rationed.requested[i] <= 0:
                outcome = "ask for nothing at this price"
            elif rationed.frac_served[i] >= 1 - 1e-9:
                outcome = "served in full"
            else:
                outcome = (f"{percent(rationed.frac_served[i])} served, <b>{rationed.waiting_periods[i]:,.0f} days</b> "
                           f"late")
            groups.setdefault(outcome, []).append(name)
        parts = [f"{', '.join(names)}: {outcome}" for outcome, names in groups.items()]
        return "<br>".join(lines) + " " + "; ".join(parts) + "."

    def _layout(self) -> ipw.Box:
        c = self.controls
        left = ipw.VBox([c["capacity_m"], c["new_lab_m"], c["new_fab_m"]])
        right = ipw.VBox([c["mode"], c["price_cap_usd_per_hour"]])
        # Side by side where they fit; the allocation buttons wrap below where they do not (at 1366 px with
        # the file browser open the sliders were squeezed until their values were cut off).
        controls = ipw.HBox([left, right], layout=ipw.Layout(flex_flow="row wrap"))
        return ipw.VBox([controls, self.readout, self._plot(row(*self._figures))])
