"""TrainingCostExplorer: from a model's size and data to days, megawatt-hours and dollars.

Run in a notebook::

    from widgets import TrainingCostExplorer
    TrainingCostExplorer(n_params=405e9, n_tokens=15.6e12)

Controls for the run (size, data, accelerator, cluster size, MFU), for renting
(price per accelerator-hour) and for owning (price per accelerator, useful life,
cost of capital, utilisation), and for power (electricity price, PUE). Three
plots: the run's cost three ways, stacked by component; calendar days against
cluster size; and the cost of an owned accelerator-hour against utilisation,
with the rental price as a line and the break-even utilisation marked.
"""

from __future__ import annotations

from typing import ClassVar
from collections.abc import Mapping

from dataclasses import dataclass, replace
from typing import Any

import ipywidgets as ipw
import numpy as np
from bokeh.layouts import row
from bokeh.models import ColumnDataSource, DataRange1d, FactorRange, HoverTool, NumeralTickFormatter, Range1d
from bokeh.models.annotations import Span
from bokeh.plotting import figure

from compute_econ import costs, hardware, scaling, training
from compute_econ._records import ArrayRecord
from compute_econ._validate import choice, instance, scalar

from ._base import (PRIMARY_SLIDER_CLASS, Explorer, dropdown, float_slider, log_slider, option, selection_slider,
                    set_props, store)
from . import colour as kit
from ._format import count, duration_days, megawatt_hours, number, megawatts, percent, sci, tonnes, usd

CLUSTER_SIZES = 2 ** np.arange(3, 19)  # 8 to 262,144 accelerators
UTILISATION = np.linspace(0.05, 1.0, 96)
COMPONENTS = ("accelerators", "servers & network", "energy", "operations", "rental")
#: The kit palette (Okabe & Ito 2008), filled and outlined in GREY_TEXT: the light fills meet WCAG 2.1 1.4.11 by
#: their outline, and energy and operations stay apart under deuteranopia (tests/test_palette.py).
COLOURS = (kit.BLUE, kit.BLUISH_GREEN, kit.YELLOW, kit.ORANGE, kit.GREY_LIGHT)
BARS = ("rent", "own: TCO", "own: amortised")  # TCO at the chosen utilisation; amortised as Cottier et al. 2024
#: Default rental price: Lambda's on-demand H100 list price, January 2024 (compute_econ.costs.H100_LAMBDA_2024).
DEFAULT_RENT = costs.H100_LAMBDA_2024
#: Default ownership assumptions: compute_econ.costs.H100_OWNERSHIP (sources and estimates documented there).
DEFAULT_OWN = costs.H100_OWNERSHIP
#: Where the explorer's Ownership comes from (the controls replace some of DEFAULT_OWN's fields).
OWNERSHIP_SOURCE = "TrainingCostExplorer controls; other fields from compute_econ.costs.H100_OWNERSHIP"
# The sliders' ranges (low, high, step); the explorer refuses a starting value outside them.
N_PARAMS_DECADES = (8, 13)  # 1e8 to 1e13 parameters, 0.05-decade steps
N_TOKENS_DECADES = (9, 15)  # 1e9 to 1e15 tokens
MFU = (0.1, 0.7, 0.01)
RENT_USD_PER_HOUR = (0.5, 15.0, 0.01)
PRICE_USD = (2_000.0, 80_000.0, 500.0)
LIFE_YEARS = (2.0, 8.0, 0.5)
COST_OF_CAPITAL = (0.0, 0.2, 0.005)
UTILISATION_OWNED = (0.1, 1.0, 0.01)
USD_PER_MWH = (20.0, 300.0, 0.1)
PUE = (1.0, 2.0, 0.01)


def chips_with_power() -> tuple[str, ...]:
    """Catalogue chips with a published board power: energy and owning need it (TPUs and Trainium2 have none)."""
    return tuple(name for name, a in hardware.load_accelerators().items() if a.board_watts)


def board_watts(acc: hardware.Accelerator) -> float:
    """The chip's published board power, W (the explorer offers only chips that have one)."""
    if acc.board_watts is None:
        raise ValueError(f"accelerator must have a published board power; {acc.name} has none")
    return acc.board_watts


@dataclass(frozen=True)
class TrainingCostInputs:
    """What the TrainingCostExplorer's model calls take, each inside its slider's range (validated, stored).

    ``ownership`` carries the price per accelerator, useful life, cost of capital, PUE and
    electricity price the controls set, the chip's board power, and :data:`DEFAULT_OWN`'s other
    fields; ``utilisation`` is the share of hours an owned accelerator is busy.
    """

    n_params: float
    n_tokens: float
    accelerator: str
    n_accelerators: int
    mfu: float
    rent_usd_per_hour: float
    ownership: costs.Ownership
    utilisation: float

    def __post_init__(self) -> None:
        store(self, "n_params", scalar("n_params", self.n_params, 10.0 ** N_PARAMS_DECADES[0],
                                       10.0 ** N_PARAMS_DECADES[1]))
        store(self, "n_tokens", scalar("n_tokens", self.n_tokens, 10.0 ** N_TOKENS_DECADES[0],
                                       10.0 ** N_TOKENS_DECADES[1]))
        store(self, "accelerator", choice("accelerator", self.accelerator, chips_with_power()))
        store(self, "n_accelerators", option("n_accelerators", self.n_accelerators, tuple(int(k) for k in CLUSTER_SIZES)))
        store(self, "mfu", scalar("mfu", self.mfu, *MFU[:2]))
        store(self, "rent_usd_per_hour", scalar("rent_usd_per_hour", self.rent_usd_per_hour, *RENT_USD_PER_HOUR[:2],
                                                unit="USD/h"))
        own = instance("ownership", self.ownership, costs.Ownership)
        for field, (low, high, _) in (("accelerator_price_usd", PRICE_USD), ("useful_life_years", LIFE_YEARS),
                                      ("cost_of_capital", COST_OF_CAPITAL), ("usd_per_mwh", USD_PER_MWH),
                                      ("pue", PUE)):
            scalar(f"ownership.{field}", getattr(own, field), low, high)
        store(self, "utilisation", scalar("utilisation", self.utilisation, *UTILISATION_OWNED[:2]))


@dataclass(frozen=True, eq=False)
class TrainingCostResult(ArrayRecord):
    """What the TrainingCostExplorer shows, from :mod:`compute_econ.training` and :mod:`compute_econ.costs`.

    ``estimate`` is the run (hours, days, power, energy, electricity, emissions); ``rent_usd``
    its rental cost; ``tco`` the run's hours owned at the chosen utilisation, by component
    (:func:`compute_econ.costs.rent_or_own`), and ``tco_usd`` their total; ``own_is_cheaper``
    the verdict; ``amortised`` the run's share of hardware and energy (Cottier et al. 2024);
    ``acquisition_usd`` buying the cluster; ``break_even`` where owning beats renting;
    ``days`` the calendar days at each of
    :data:`CLUSTER_SIZES`; ``owned_usd_per_hour`` the owned hour at each of :data:`UTILISATION`.
    """

    accelerator: hardware.Accelerator
    training_flop: float
    estimate: training.TrainingRunEstimate
    rent_usd: float
    tco: costs.CostBreakdown
    tco_usd: float
    own_is_cheaper: bool
    amortised: costs.CostBreakdown
    acquisition_usd: float
    break_even: costs.BreakEven
    days: np.ndarray
    owned_usd_per_hour: np.ndarray


class TrainingCostExplorer(Explorer[TrainingCostInputs, TrainingCostResult]):
    """A training run's time, energy and cost; renting vs owning.

    Parameters
    ----------
    n_params, n_tokens : float
        Model size (1e8 to 1e13) and training tokens (1e9 to 1e15); the run's FLOP is 6·N·D.
    accelerator : str
        A catalogue name with a published board power (:func:`chips_with_power`); its catalogue
        price, where one is published, starts the price slider.
    n_accelerators : int
        Cluster size, a power of two from 8 to 262,144.
    mfu : float
        Model FLOPs utilisation, 0.1 to 0.7.
    """

    #: The book precomputes every accelerator of the catalogue.
    #: Each control's name for a screen reader (its tooltip): what it sets and in which unit.
    CONTROL_NAMES: ClassVar[Mapping[str, str]] = {
        "n_params": "model parameters N, a count",
        "n_tokens": "training tokens D, a count",
        "accelerator": "accelerator the model is trained on",
        "n_accelerators": "accelerators in the cluster, a count",
        "mfu": "model FLOP utilisation, a share of peak",
        "rent_usd_per_hour": "rent, in dollars per accelerator-hour",
        "accelerator_price_usd": "purchase price per accelerator, in dollars",
        "life_years": "useful life of an owned accelerator, in years",
        "cost_of_capital": "cost of capital, per year",
        "utilisation": "utilisation of owned accelerators, a share of hours",
        "usd_per_mwh": "electricity price, in dollars per megawatt-hour",
        "pue": "power usage effectiveness of the data centre (PUE), total power over IT power",
    }
    STATIC_CONTROLS: ClassVar[Mapping[str, int]] = {"accelerator": 0, "n_params": 25}

    PARAMETER_CONTROLS = {"n_params": "n_params", "n_tokens": "n_tokens", "accelerator": "accelerator",
                          "n_accelerators": "n_accelerators", "mfu": "mfu"}
    start: TrainingCostInputs
    result: TrainingCostResult

    def __init__(self, n_params: float = 70e9, n_tokens: float = 1.4e12, accelerator: str = "NVIDIA H100 SXM",
                 n_accelerators: int = 4096, mfu: float = training.DEFAULT_MFU):
        acc = hardware.get_accelerator(choice("accelerator", accelerator, chips_with_power()))
        ownership = replace(DEFAULT_OWN, accelerator_price_usd=acc.price_usd or DEFAULT_OWN.accelerator_price_usd,
                            board_watts=board_watts(acc), source=OWNERSHIP_SOURCE)
        super().__init__(TrainingCostInputs(
            n_params=n_params, n_tokens=n_tokens, accelerator=accelerator, n_accelerators=n_accelerators, mfu=mfu,
            rent_usd_per_hour=DEFAULT_RENT.on_demand_usd_per_hour, ownership=ownership, utilisation=0.8))

    @classmethod
    def from_scaling(cls, explorer: Any, **kwargs: Any) -> TrainingCostExplorer:
        """Start from the compute-optimal model of a :class:`ScalingExplorer`'s current budget."""
        opt = explorer.result.optimum
        return cls(n_params=float(opt.n_params), n_tokens=float(opt.n_tokens), **kwargs)

    # -- data, plots, controls ----------------------------------------------------
    def _build(self) -> None:
        st, own = self.start, self.start.ownership
        style = {"description_width": "140px"}
        wide = ipw.Layout(width="360px")  # three columns fit a 1280-px projector
        n_params = log_slider("n_params", st.n_params, base=10, low=N_PARAMS_DECADES[0], high=N_PARAMS_DECADES[1],
                              step=0.05, description="parameters N", readout_format=".2e", style=style, layout=wide)
        n_params.add_class(PRIMARY_SLIDER_CLASS)
        n_tokens = log_slider("n_tokens", st.n_tokens, base=10, low=N_TOKENS_DECADES[0], high=N_TOKENS_DECADES[1],
                              step=0.05, description="training tokens D", readout_format=".2e", style=style,
                              layout=wide)
        accelerator = dropdown("accelerator", st.accelerator, list(chips_with_power()), description="accelerator",
                               style=style, layout=wide)
        cluster = selection_slider("n_accelerators", st.n_accelerators, [int(n) for n in CLUSTER_SIZES],
                                   description="cluster (accelerators)", style=style, layout=wide)

        def slider(name: str, value: float, spec: tuple[float, float, float], **kw: Any) -> ipw.FloatSlider:
            return float_slider(name, value, low=spec[0], high=spec[1], step=spec[2], style=style, layout=wide, **kw)

        self.controls = {
            "n_params": n_params, "n_tokens": n_tokens, "accelerator": accelerator, "n_accelerators": cluster,
            "mfu": slider("mfu", st.mfu, MFU, readout_format=".0%", description="MFU"),
            "rent_usd_per_hour": slider("rent_usd_per_hour", st.rent_usd_per_hour, RENT_USD_PER_HOUR,
                                        readout_format="$.2f", description="rent ($/accel.-hour)"),
            "accelerator_price_usd": slider("ownership.accelerator_price_usd", own.accelerator_price_usd, PRICE_USD,
                                            readout_format="$,.0f", description="price per accelerator"),
            "life_years": slider("ownership.useful_life_years", own.useful_life_years, LIFE_YEARS,
                                 description="useful life (years)"),
            "cost_of_capital": slider("ownership.cost_of_capital", own.cost_of_capital, COST_OF_CAPITAL,
                                      readout_format=".1%", description="cost of capital"),
            "utilisation": slider("utilisation", st.utilisation, UTILISATION_OWNED, readout_format=".0%",
                                  description="utilisation (owned)"),
            "usd_per_mwh": slider("ownership.usd_per_mwh", own.usd_per_mwh, USD_PER_MWH,
                                  description="electricity ($/MWh)"),
            "pue": slider("ownership.pue", own.pue, PUE, description="PUE"),
        }

        self.sources = {
            "bars": ColumnDataSource(data=dict(bar=list(BARS), **{c: np.zeros(len(BARS)) for c in COMPONENTS})),
            "days": ColumnDataSource(data=dict(n=[], days=[])),
            "mine": ColumnDataSource(data=dict(n=[], days=[])),
            "owned": ColumnDataSource(data=dict(utilisation=[], usd_per_hour=[])),
            "break_even": ColumnDataSource(data=dict(utilisation=[], usd_per_hour=[])),
        }
        s = self.sources
        # The y range is BokehJS's own (DataRange1d from 0 to the tallest stack): the browser follows every
        # update; a range set from Python was overwritten by the browser and synced back.
        bars = figure(title="Cost of this run, three ways", x_range=FactorRange(factors=list(BARS)), width=330,
                      height=320, tools="save", y_axis_label="USD", toolbar_location="above",
                      y_range=DataRange1d(start=0, range_padding=0.08))
        stack = bars.vbar_stack(list(COMPONENTS), x="bar", width=0.6, source=s["bars"], fill_color=list(COLOURS),
                                line_color=kit.GREY_TEXT, legend_label=list(COMPONENTS))
        bars.add_tools(HoverTool(renderers=list(stack), tooltips=[("", "$name: @$name{$0.0a}")]))
        bars.yaxis.formatter = NumeralTickFormatter(format="$0.0a")
        legend = bars.legend[0]
        legend.orientation, legend.ncols = "horizontal", 2  # below the bars: never over them
        legend.update(label_text_font_size="8pt", spacing=2, padding=2, margin=0, border_line_alpha=0)
        bars.add_layout(legend, "below")

        days = figure(title="Calendar days against cluster size", x_axis_type="log", y_axis_type="log",
                      width=290, height=280, x_axis_label="accelerators", y_axis_label="days",
                      tools="pan,wheel_zoom,reset,save", toolbar_location="above")
        days.line("n", "days", source=s["days"], line_width=2, color="#264653")
        days.scatter("n", "days", source=s["mine"], size=12, color="#c81d25", marker="star")

        own_fig = figure(title="Owned hour vs rental price", width=300, height=280,
                         x_axis_label="utilisation (share of hours busy)", y_axis_label="USD per accelerator-hour",
                         y_axis_type="log", tools="pan,wheel_zoom,reset,save", x_range=Range1d(start=0, end=1.02),
                         toolbar_location="above")
        own_fig.line("utilisation", "usd_per_hour", source=s["owned"], line_width=2, color="#264653",
                     legend_label="own")
        self._rent_line = Span(location=1.0, dimension="width", line_color=kit.GREY, line_width=2,
                               line_dash="dashed")
        own_fig.add_layout(self._rent_line)
        own_fig.scatter("utilisation", "usd_per_hour", source=s["break_even"], size=12, color="#c81d25",
                        legend_label="break-even")
        own_fig.legend.location = "top_right"
        self._figures = (bars, days, own_fig)

    def _follow(self, name: str, value: Any) -> None:
        # A new accelerator brings its catalogue price, where one is published (the slider keeps
        # the learner's value otherwise), in the same update.
        if name == "accelerator":
            acc = hardware.get_accelerator(value)
            if acc.price_usd is not None:
                self.controls["accelerator_price_usd"].value = acc.price_usd

    def model_inputs(self) -> TrainingCostInputs:
        c = self.controls
        acc = hardware.get_accelerator(c["accelerator"].value)
        price, life = float(c["accelerator_price_usd"].value), float(c["life_years"].value)
        rate, pue, usd_per_mwh = float(c["cost_of_capital"].value), float(c["pue"].value), float(c["usd_per_mwh"].value)
        watts = board_watts(acc)
        ownership = self._memo(("ownership", price, life, rate, watts, pue, usd_per_mwh), lambda: replace(
            self.start.ownership, accelerator_price_usd=price, useful_life_years=life, cost_of_capital=rate,
            board_watts=watts, pue=pue, usd_per_mwh=usd_per_mwh))
        return replace(self.start, n_params=float(c["n_params"].value), n_tokens=float(c["n_tokens"].value),
                       accelerator=acc.name, n_accelerators=int(c["n_accelerators"].value), mfu=float(c["mfu"].value),
                       rent_usd_per_hour=float(c["rent_usd_per_hour"].value), ownership=ownership,
                       utilisation=float(c["utilisation"].value))

    # -- the model --------------------------------------------------------------------
    def _compute(self, inputs: TrainingCostInputs) -> TrainingCostResult:
        v, own = inputs, inputs.ownership
        acc = hardware.get_accelerator(v.accelerator)
        peak = hardware.peak_flop_per_s_for(acc, "bf16")
        flop = float(scaling.training_flop(v.n_params, v.n_tokens))
        est = training.estimate_training_run(
            training_flop=flop, peak_flop_per_s=peak, board_watts=own.board_watts, n_accelerators=v.n_accelerators,
            mfu=v.mfu, pue=own.pue, usd_per_mwh=own.usd_per_mwh,
        )
        hours = float(est.accelerator_hours)
        # The whole run rented and owned, and which is cheaper, from one model call (compute_econ.costs).
        rent_or_own = costs.rent_or_own(hours, v.rent_usd_per_hour, own, v.utilisation)
        amort = costs.amortised_run_cost_breakdown(hours, own)
        return TrainingCostResult(
            accelerator=acc, training_flop=flop, estimate=est, rent_usd=float(rent_or_own.rental_usd),
            tco=rent_or_own.owned, tco_usd=float(rent_or_own.owned_usd), amortised=amort,
            own_is_cheaper=bool(rent_or_own.own_is_cheaper),
            acquisition_usd=self._memo(("acquisition", v.n_accelerators, own), lambda: float(
                costs.hardware_acquisition_cost_usd(v.n_accelerators, own))),
            break_even=rent_or_own.break_even,
            days=np.asarray(training.wall_clock_days(flop, peak, v.mfu, CLUSTER_SIZES), dtype=float),
            owned_usd_per_hour=self._memo(("owned", own), lambda: np.asarray(
                costs.owned_cost_per_accelerator_hour(own, UTILISATION), dtype=float)),
        )

    # -- the picture --------------------------------------------------------------------
    def _draw(self, inputs: TrainingCostInputs, r: TrainingCostResult) -> None:
        v, acc, est, tco, amort = inputs, r.accelerator, r.estimate, r.tco, r.amortised
        hours, flop, n = float(est.accelerator_hours), r.training_flop, v.n_accelerators
        self._show("bars", dict(
            bar=list(BARS),
            **{"accelerators": np.array([0.0, tco.accelerators_usd, amort.accelerators_usd]),
               "servers & network": np.array([0.0, tco.servers_and_network_usd, amort.servers_and_network_usd]),
               "energy": np.array([0.0, tco.energy_usd, amort.energy_usd]),
               "operations": np.array([0.0, tco.ops_usd, amort.ops_usd]),
               "rental": np.array([r.rent_usd, 0.0, 0.0])},
        ))
        self._show("days", dict(n=CLUSTER_SIZES.astype(float), days=r.days))
        self._show("mine", dict(n=[float(n)], days=[float(est.wall_clock_days)]))
        self._show("owned", dict(utilisation=UTILISATION, usd_per_hour=r.owned_usd_per_hour))
        be = r.break_even
        if be.owning_can_win:
            self._show("break_even", dict(utilisation=[float(be.utilisation)], usd_per_hour=[v.rent_usd_per_hour]))
            verdict = (f"owning beats renting above <b>{percent(float(be.utilisation))}</b> utilisation "
                       f"(you assume {percent(v.utilisation)}: "
                       f"<b>{'own' if r.own_is_cheaper else 'rent'}</b>)")
        else:
            self._show("break_even", dict(utilisation=[], usd_per_hour=[]))
            verdict = "at this rental price <b>renting is cheaper even at 100% utilisation</b>"
        set_props(self._rent_line, location=v.rent_usd_per_hour)
        self.readout.value = (
            f"<b>{sci(flop)} FLOP</b> ({count(v.n_params)} parameters × {count(v.n_tokens)} tokens × 6) "
            f"on {n:,} × {acc.name} at {v.mfu:.0%} MFU: <b>{duration_days(float(est.wall_clock_days))}</b>, "
            f"<b>{number(hours) if hours < 100 else f'{hours:,.0f}'}</b> accelerator-hours.<br>"
            f"Power ≈ <b>{megawatts(float(est.power_mw))}</b> on average, energy "
            f"<b>{megawatt_hours(float(est.energy_mwh))}</b> "
            f"(electricity {usd(float(est.electricity_usd))}, {tonnes(float(est.t_co2e))} CO₂).<br>"
            f"Cost: rent <b>{usd(r.rent_usd)}</b> · own (TCO) <b>{usd(r.tco_usd)}</b> · amortised hardware + energy "
            f"<b>{usd(float(amort.total_usd))}</b> · buying the cluster <b>{usd(r.acquisition_usd)}</b>. "
            f"Per accelerator-hour, {verdict}."
        )

    def _layout(self) -> ipw.Box:
        c = self.controls
        head = lambda text: ipw.HTML(f"<b>{text}</b>")  # noqa: E731
        run_box = ipw.VBox([head("The run"), c["n_params"], c["n_tokens"], c["accelerator"], c["n_accelerators"],
                            c["mfu"]])
        money_box = ipw.VBox([head("Renting and owning"), c["rent_usd_per_hour"], c["accelerator_price_usd"],
                              c["life_years"], c["cost_of_capital"]])
        power_box = ipw.VBox([head("Use and power"), c["utilisation"], c["usd_per_mwh"], c["pue"]])
        # Three columns side by side where they fit (a deck, a wide window); where they do not (JupyterLab
        # at 1366 px with the file browser open leaves about 930 px) the third wraps below instead of
        # squeezing every slider until its value and label are cut off.
        columns = ipw.HBox([run_box, money_box, power_box], layout=ipw.Layout(flex_flow="row wrap"))
        return ipw.VBox([columns, self.readout, self._plot(row(*self._figures))])
