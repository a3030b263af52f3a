"""ConcentrationExplorer: market shares in, HHI and CR4 out, against the US merger-guideline thresholds.

Run in a notebook::

    from widgets.concentration import ConcentrationExplorer
    ConcentrationExplorer()

Choose a market of the AI supply chain (cloud, data-centre GPUs, HBM, foundry,
EUV lithography, and on the other side the largest H100 buyers of 2023 and AI
supercomputers by country; shares from ``compute_econ/data/market_shares.csv``), move
the leader's share (the other firms rescale in proportion), and merge two
firms. A bar chart shows the shares, largest first, with the merging firms
highlighted; a gauge shows HHI before and after the merger against the 2023
Merger Guidelines' 1,800 line. The readout gives HHI, CR4, the change in HHI
(2 s_i s_j x 10,000) and whether the guidelines presume the merger
anticompetitive. Where a source lumps small firms as "others", they are
treated as a fringe of tiny firms, with the upper bound of HHI shown too.
"""

from __future__ import annotations

from typing import ClassVar
from collections.abc import Mapping

import textwrap
from dataclasses import dataclass, replace
from typing import Any

import ipywidgets as ipw
import numpy as np
from bokeh.layouts import row
from bokeh.models import ColumnDataSource, FactorRange, HoverTool, NumeralTickFormatter, Range1d
from bokeh.models.annotations import Label, Span, Title
from bokeh.plotting import figure

from compute_econ import market
from compute_econ.market import MarketShares, MergerAssessment, ShareSplit
from compute_econ._records import ArrayRecord
from compute_econ._validate import choice, instance, scalar

from ._base import PRIMARY_SLIDER_CLASS, Explorer, dropdown, float_slider, set_props, store
from . import colour as kit
from ._format import percent

# Okabe-Ito, colour-blind safe; the bars are outlined in GREY_TEXT (orange and the light grey alone are under WCAG
# 2.1 1.4.11's 3:1) and the merging firms' bars are hatched too (1.4.1: not by colour alone).
COLOUR_FIRM, COLOUR_MERGING, COLOUR_OTHERS = kit.BLUE, kit.ORANGE, kit.GREY_LIGHT
MERGING_HATCH = "/"
GAUGE_ROWS = ("after merger", "before")
NO_MERGER = "(none)"
#: The leader's-share slider (low, high, step): a 0.1-point grid from 5 % to 100 %.
LEAD_SHARE = (0.05, 1.0, 0.001)


#: Long names shortened on the bar axis only (firms keep their full names everywhere else).
SHORT_NAMES = {"United States of America": "USA", "United Kingdom of Great Britain and Northern Ireland": "UK",
               "Korea (Republic of)": "South Korea", "Carnegie Mellon University (CMU)": "CMU"}
MAX_LABEL_CHARS = 18


def _short(name: str) -> str:
    name = SHORT_NAMES.get(name, name)
    return name if len(name) <= MAX_LABEL_CHARS else name[: MAX_LABEL_CHARS - 1] + "…"


def _markets_by_concentration(extra: tuple[market.MarketShares, ...] = ()) -> dict[str, market.MarketShares]:
    """The shipped markets and any extra ones, most concentrated first."""
    markets = market.load_market_shares()
    for ms in extra:
        if not isinstance(ms, market.MarketShares):
            raise ValueError(f"extra_markets must hold MarketShares (e.g. trends.developer_shares()), got {ms!r}")
        markets[ms.market] = ms
    return dict(sorted(markets.items(), key=lambda kv: -kv[1].hhi_bounds()[1]))


def _named_firms(ms: market.MarketShares) -> list[str]:
    return [f for f in ms.firms if f != market.OTHERS]


def _default_merger(ms: market.MarketShares) -> tuple[str, str]:
    """The second and third largest named firms (one firm alone: no merger)."""
    named = _named_firms(ms)
    return (named[1] if len(named) > 1 else named[0], named[2] if len(named) > 2 else NO_MERGER)


def _published_lead_share(ms: market.MarketShares) -> float:
    """The leader's published share on the slider's 0.1-point grid: the browser snaps a slider to its grid and
    sends the value back, so an off-grid start (34.8 % on a 1-point grid) would change the market shown."""
    return round(float(ms.frac_shares[0]), 3)


#: Characters of the italic 8-pt source line that fit under the 500-px share plot, and lines at most.
SOURCE_LINE_CHARS = 84
SOURCE_LINES = 3


def _source_line(ms: market.MarketShares) -> str:
    """The source under the share plot: its first clause (who, what, when) on up to three lines. Cut at 95
    characters on one line it ran off the 500-px plot, and some sources run to 700 characters (the data
    notes hold them whole)."""
    source = ms.source if ms.source.startswith("Data:") else f"Source: {ms.source}"
    return "\n".join(textwrap.wrap(source.split("; ")[0], SOURCE_LINE_CHARS, max_lines=SOURCE_LINES,
                                   placeholder=" …"))


@dataclass(frozen=True)
class ConcentrationInputs:
    """What the ConcentrationExplorer's model calls take: a market's published shares, the leader's share
    (the other firms rescale in proportion) and the two firms to merge (``merge_b`` may be ``"(none)"``)."""

    market: MarketShares
    lead_share: float
    merge_a: str
    merge_b: str

    def __post_init__(self) -> None:
        ms = instance("market", self.market, market.MarketShares)
        store(self, "lead_share", scalar("lead_share", self.lead_share, *LEAD_SHARE[:2]))
        named = _named_firms(ms)
        store(self, "merge_a", choice("merge", self.merge_a, tuple(named)))
        store(self, "merge_b", choice("merge", self.merge_b, (NO_MERGER, *named)))


@dataclass(frozen=True, eq=False)
class ConcentrationResult(ArrayRecord):
    """What the ConcentrationExplorer shows, from :mod:`compute_econ.market`.

    ``frac_shares`` are the market's shares with the leader's set; ``split`` their split into
    named firms and the fringe, ranked (:meth:`MarketShares.split`); ``named_firms`` and
    ``named_shares`` the named firms, ``frac_fringe`` the share lumped as "others" (a fringe);
    ``hhi`` and ``hhi_upper`` the HHI with the fringe as tiny firms and as firms the size of the
    smallest named one; ``cr4`` the four-firm ratio; ``level`` the guidelines' word for ``hhi``;
    ``merger`` the assessment of merging firms ``i`` and ``j`` (``None`` without a merger).
    """

    market: MarketShares
    frac_shares: np.ndarray
    split: ShareSplit
    named_firms: tuple[str, ...]
    named_shares: np.ndarray
    has_others: bool
    frac_fringe: float
    hhi: float
    hhi_upper: float
    cr4: float
    level: str
    merger: MergerAssessment | None
    i: int
    j: int | None


class ConcentrationExplorer(Explorer[ConcentrationInputs, ConcentrationResult]):
    """Market, leader's share and a merger in; shares, HHI, CR4 and the guidelines' verdict out.

    Parameters
    ----------
    market_name : str
        A market in ``compute_econ.market.load_market_shares()`` or ``extra_markets`` (default "cloud
        infrastructure").
    merge : (str, str), optional
        Two named firms of that market to merge (default: its second and third largest).
    extra_markets : sequence of MarketShares
        More markets to offer, e.g. who develops frontier models
        (:func:`compute_econ.trends.developer_shares`); each plot names its source.
    """

    #: The book precomputes the leader's share (a market brings its own firms to merge, which the book shows fixed).
    #: Each control's name for a screen reader (its tooltip): what it sets and in which unit.
    CONTROL_NAMES: ClassVar[Mapping[str, str]] = {
        "market": "market whose providers are shown",
        "lead_share": "market share of the largest provider, in percent",
        "merge_a": "first firm of a hypothetical merger",
        "merge_b": "second firm of the merger",
    }
    STATIC_CONTROLS: ClassVar[Mapping[str, int]] = {"lead_share": 25}

    PARAMETER_CONTROLS = {"market_name": "market"}
    start: ConcentrationInputs
    result: ConcentrationResult

    def __init__(self, market_name: str = "cloud infrastructure", merge: tuple[str, str] | None = None,
                 extra_markets: tuple[market.MarketShares, ...] = ()):
        self._markets = _markets_by_concentration(tuple(instance("extra_markets", extra_markets, (tuple, list))))
        ms = self._markets[choice("market_name", market_name, tuple(self._markets))]
        if merge is None:
            merge = _default_merger(ms)
        elif not (isinstance(merge, (tuple, list)) and len(merge) == 2):
            raise ValueError(f"merge must be None or two firms of {ms.market!r}, e.g. {_default_merger(ms)!r}; "
                             f"got {merge!r}")
        super().__init__(ConcentrationInputs(market=ms, lead_share=_published_lead_share(ms), merge_a=merge[0],
                                             merge_b=merge[1]))

    # -- data, plots, controls ----------------------------------------------------
    def _build(self) -> None:
        st = self.start
        ms = st.market
        style = {"description_width": "175px"}
        wide = ipw.Layout(width="420px")
        named = _named_firms(ms)
        lead = float_slider("lead_share", st.lead_share, low=LEAD_SHARE[0], high=LEAD_SHARE[1], step=LEAD_SHARE[2],
                            readout_format=".1%", description=f"leader's share ({ms.firms[0]})", style=style,
                            layout=wide)
        lead.add_class(PRIMARY_SLIDER_CLASS)
        self.controls = {
            "market": dropdown("market_name", ms.market, list(self._markets), description="market", style=style,
                               layout=wide),
            "lead_share": lead,
            "merge_a": dropdown("merge", st.merge_a, named, description="merge firm", style=style, layout=wide),
            "merge_b": dropdown("merge", st.merge_b, [NO_MERGER, *named], description="with", style=style,
                                layout=wide),
        }

        self.sources = {
            "shares": ColumnDataSource(data=dict(firm=[], frac_share=[], color=[], merging=[], hatch=[])),
            "gauge": ColumnDataSource(data=dict(row=list(GAUGE_ROWS), hhi=[0.0, 0.0], hhi_upper=[0.0, 0.0],
                                                color=[COLOUR_MERGING, COLOUR_FIRM], hatch=[MERGING_HATCH, " "])),
        }
        s = self.sources
        self._bars_range = FactorRange()
        self._bars_title = Title(text="Market shares")
        bars = figure(title=self._bars_title, x_range=self._bars_range, width=500, height=380, tools="save",
                      toolbar_location="above", y_axis_label="share of the market", y_range=Range1d(start=0, end=1.05))
        bars.vbar(x="firm", top="frac_share", width=0.7, fill_color="color", line_color=kit.GREY_TEXT, hatch_pattern="hatch",
                  hatch_color=kit.GREY_TEXT, hatch_alpha=0.6, source=s["shares"])
        bars.add_tools(HoverTool(tooltips=[("firm", "@firm"), ("share", "@frac_share{0.0%}")]))
        bars.yaxis.formatter = NumeralTickFormatter(format="0%")
        bars.xaxis.major_label_orientation = 0.8
        self._source_line = Title(text="", text_font_size="8pt", text_font_style="italic", text_color="#555555")
        bars.add_layout(self._source_line, "below")
        self._bars = bars

        self._gauge_range = Range1d(start=0, end=10_500)
        gauge = figure(title="HHI vs the 2023 guidelines", y_range=FactorRange(factors=list(GAUGE_ROWS)),
                       x_range=self._gauge_range, width=320, height=380, tools="save", toolbar_location="above",
                       x_axis_label="HHI (whisker: upper bound)")
        gauge.hbar(y="row", left=0, right="hhi", height=0.5, fill_color="color", line_color=kit.GREY_TEXT,
                   hatch_pattern="hatch", hatch_color=kit.GREY_TEXT, hatch_alpha=0.6, source=s["gauge"])
        gauge.segment(x0="hhi", y0="row", x1="hhi_upper", y1="row", line_width=3, color="black", source=s["gauge"])
        gauge.add_tools(HoverTool(tooltips=[("HHI", "@hhi{0,0}"), ("upper bound", "@hhi_upper{0,0}")]))
        for level, dash, text, y in ((market.HHI_HIGHLY_CONCENTRATED, "solid", "1,800: highly concentrated", 1.85),
                                     (market.HHI_MODERATELY_CONCENTRATED, "dashed", "1,000", 0.08)):
            gauge.add_layout(Span(location=level, dimension="height", line_color="#D55E00", line_width=2,
                                  line_dash=dash))
            gauge.add_layout(Label(x=level, y=y, text=text, x_offset=3, text_font_size="8pt",
                                   text_color=kit.GREY_TEXT))  # vermillion text has 3.9:1, under 1.4.3's 4.5:1
        gauge.xaxis.formatter = NumeralTickFormatter(format="0,0")
        self._figures = (bars, gauge)

    def _follow(self, name: str, value: Any) -> None:
        """A new market brings its firms and its leader's published share (one update follows)."""
        if name != "market":
            return
        ms = self._markets[value]
        named = _named_firms(ms)
        a, b = _default_merger(ms)
        c = self.controls
        c["lead_share"].description = f"leader's share ({ms.firms[0]})"
        c["lead_share"].value = _published_lead_share(ms)
        c["merge_a"].options = named
        c["merge_a"].value = a
        c["merge_b"].options = [NO_MERGER, *named]
        c["merge_b"].value = b

    def model_inputs(self) -> ConcentrationInputs:
        c = self.controls
        ms = self._markets[c["market"].value]
        return replace(self.start, market=ms, lead_share=float(c["lead_share"].value), merge_a=c["merge_a"].value,
                       merge_b=c["merge_b"].value)

    # -- the model -----------------------------------------------------------------------
    def _compute(self, v: ConcentrationInputs) -> ConcentrationResult:
        ms = v.market
        shares = market.set_share(ms.frac_shares, 0, v.lead_share)
        split = ms.split(shares)  # the named firms, the "others" fringe, and the ranking (compute_econ.market)
        has_others, named_firms = split.has_fringe, list(split.named_firms)
        named, fringe = split.named_frac_shares, split.frac_fringe
        merging = v.merge_b != NO_MERGER and v.merge_a != v.merge_b
        i = named_firms.index(v.merge_a)
        j = named_firms.index(v.merge_b) if merging else None
        pre_low, pre_high = market.hhi_fringe_bounds(named, fringe)
        crk = float(market.cr_k(named, 4, frac_fringe=fringe))
        return ConcentrationResult(
            market=ms, frac_shares=shares, split=split, named_firms=tuple(named_firms), named_shares=named,
            has_others=has_others,
            frac_fringe=fringe, hhi=pre_low, hhi_upper=pre_high, cr4=crk, level=str(market.concentration_level(pre_low)),
            merger=market.assess_merger(named, i, j, frac_fringe=fringe) if j is not None else None, i=i, j=j,
        )

    # -- the picture ---------------------------------------------------------------------
    def _draw(self, v: ConcentrationInputs, r: ConcentrationResult) -> None:
        ms, shares, named, fringe, has_others = r.market, r.frac_shares, r.named_shares, r.frac_fringe, r.has_others
        i, j, a = r.i, r.j, r.merger
        order = r.split.order
        firms = list(r.split.ranked_firms)
        values = r.split.ranked_frac_shares
        in_merger = [k in (i, j) and a is not None for k in order] + ([False] if has_others else [])
        colors = [COLOUR_MERGING if m else COLOUR_FIRM for m in in_merger]
        if has_others:
            colors[-1] = COLOUR_OTHERS
        set_props(self._bars_range, factors=firms)
        set_props(self._bars.xaxis, major_label_overrides={f: _short(f) for f in firms if _short(f) != f})
        set_props(self._source_line, text=self._memo(("source line", ms.source), lambda: _source_line(ms)))
        period = "" if ms.period in ms.market else f", {ms.period}"  # not "H100 buyers 2023, 2023"
        set_props(self._bars_title, text=f"{ms.market}{period}{' (estimate)' if ms.is_estimate else ''}")
        self._show("shares", dict(firm=firms, frac_share=values, color=colors,
                                           merging=np.array(in_merger, dtype=float),
                                           hatch=[MERGING_HATCH if m else " " for m in in_merger]))

        pre_low, pre_high = r.hhi, r.hhi_upper
        text = (f"<b>{ms.market}</b> ({ms.period}; {ms.source.removeprefix('Data: ').split(',')[0]}{', estimate' if ms.is_estimate else ''}), "
                f"{ms.firms[0]} at {percent(float(shares[0]))}: HHI <b>{pre_low:,.0f}</b>")
        if pre_high - pre_low >= 0.5:
            text += (f" to {pre_high:,.0f} (lower: the {percent(fringe)} 'others' as many tiny firms; upper: as firms the size "
                     f"of the smallest named one)")
        text += f", <b>{r.level}</b>; CR4 <b>{percent(r.cr4)}</b>."
        if a is not None and j is not None:
            post, post_high = a.hhi_post, a.hhi_post_upper
            if a.presumed_anticompetitive:
                verdict = "<b>presumed to substantially lessen competition</b>"
            elif a.presumed_at_upper:
                verdict = "presumed anticompetitive only if the 'others' are few and large"
            else:
                verdict = "<b>not</b> presumed anticompetitive by the HHI screen"
            text += (f"<br>Merger of {v.merge_a} and {v.merge_b} (orange, hatched bars): ΔHHI = 2 × {named[i]:.1%} × {named[j]:.1%} × "
                     f"10,000 = <b>{a.delta_hhi:,.0f}</b>, HHI after <b>{post:,.0f}</b>, merged share "
                     f"{percent(a.frac_merged_share)}: {verdict} (2023 Merger Guidelines §2.1: ΔHHI > 100 and HHI > 1,800 "
                     f"or share > 30 %).")
        else:
            post, post_high = pre_low, pre_high
            text += "<br>Choose two different firms to merge."
        self._show("gauge", dict(row=list(GAUGE_ROWS), hhi=[post, pre_low], hhi_upper=[post_high, pre_high],
                                          color=[COLOUR_MERGING, COLOUR_FIRM], hatch=[MERGING_HATCH, " "]))
        # Zoom to the bars, always keeping the 1,800 line in view (full scale is 0-10,000).
        set_props(self._gauge_range, end=min(10_500.0, max(2.5 * market.HHI_HIGHLY_CONCENTRATED, 1.15 * post_high)))
        self.readout.value = text

    def _layout(self) -> ipw.Box:
        c = self.controls
        controls = ipw.HBox([ipw.VBox([c["market"], c["lead_share"]]), ipw.VBox([c["merge_a"], c["merge_b"]])])
        return ipw.VBox([controls, self.readout, self._plot(row(*self._figures))])
