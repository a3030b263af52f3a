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

import ipywidgets as ipw
import numpy as np
from bokeh.layouts import row
from bokeh.models import ColumnDataSource, DataRange1d, FactorRange, HoverTool, NumeralTickFormatter, Span
from bokeh.plotting import figure

from compute_econ import costs, hardware, scaling, training

from ._base import PRIMARY_SLIDER_CLASS, Explorer, log_slider
from ._format import count, duration_days, megawatt_hours, number, megawatts, percent, sci, tonnes, usd

CLUSTER_SIZES = 2 ** np.arange(3, 19)  # 8 to 262,144 accelerators
UTILISATION = np.linspace(0.05, 1.0, 96)
COMPONENTS = ("accelerators", "servers & network", "energy", "operations", "rental")
COLOURS = ("#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#8d99ae")
BARS = ("rent", "own: TCO", "own: amortised")  # TCO at the chosen utilisation; amortised as Cottier et al. 2024
#: Default rental price: Lambda's on-demand H100 list price, January 2024 (compute_econ.costs.H100_LAMBDA_2024).
DEFAULT_RENT = costs.H100_LAMBDA_2024
#: Default ownership assumptions: compute_econ.costs.H100_OWNERSHIP (sources and estimates documented there).
DEFAULT_OWN = costs.H100_OWNERSHIP


class TrainingCostExplorer(Explorer):
    """A training run's time, energy and cost; renting vs owning.

    Parameters
    ----------
    n_params, n_tokens : float
        Model size and training tokens (the run's FLOP is 6·N·D).
    accelerator : str
        A catalogue name (``compute_econ.hardware.ACCELERATORS``).
    n_accelerators : int
        Cluster size (a power of two from 8 to 262,144 on the slider).
    """

    def __init__(self, n_params: float = 70e9, n_tokens: float = 1.4e12, accelerator: str = "NVIDIA H100 SXM",
                 n_accelerators: int = 4096, mfu: float = training.DEFAULT_MFU):
        self._initial = dict(n_params=n_params, n_tokens=n_tokens, accelerator=accelerator,
                             n_accelerators=n_accelerators, mfu=mfu)
        super().__init__()

    @classmethod
    def from_scaling(cls, explorer, **kwargs) -> "TrainingCostExplorer":
        """Start from the compute-optimal model of a :class:`ScalingExplorer`'s current budget."""
        opt = explorer.result
        return cls(n_params=float(opt.n_params), n_tokens=float(opt.n_tokens), **kwargs)

    # -- data, plots, controls ----------------------------------------------------
    def _build(self) -> None:
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
        bars = figure(title="Cost of this run, three ways", x_range=FactorRange(*BARS), width=330, height=320,
                      tools="save", y_axis_label="USD", toolbar_location="above",
                      y_range=DataRange1d(start=0, range_padding=0.08))
        stack = bars.vbar_stack(list(COMPONENTS), x="bar", width=0.6, source=s["bars"], color=list(COLOURS),
                                legend_label=list(COMPONENTS))
        bars.add_tools(HoverTool(renderers=stack, tooltips=[("", "$name: @$name{$0.0a}")]))
        bars.yaxis.formatter = NumeralTickFormatter(format="$0.0a")
        legend = bars.legend[0]
        legend.orientation, legend.ncols = "horizontal", 2  # below the bars: never over them
        legend.label_text_font_size, legend.spacing, legend.padding, legend.margin = "8pt", 2, 2, 0
        legend.border_line_alpha = 0
        bars.add_layout(legend, "below")

        days = figure(title="Calendar days against cluster size", x_axis_type="log", y_axis_type="log",
                      width=290, height=280, x_axis_label="accelerators", y_axis_label="days",
                      tools="pan,wheel_zoom,reset,save", toolbar_location="above")
        days.line("n", "days", source=s["days"], line_width=2, color="#264653")
        days.scatter("n", "days", source=s["mine"], size=12, color="#c81d25", marker="star")

        own = figure(title="Owned hour vs rental price", width=300, height=280,
                     x_axis_label="utilisation (share of hours busy)", y_axis_label="USD per accelerator-hour",
                     y_axis_type="log", tools="pan,wheel_zoom,reset,save", x_range=(0, 1.02),
                     toolbar_location="above")
        own.line("utilisation", "usd_per_hour", source=s["owned"], line_width=2, color="#264653",
                 legend_label="own")
        self._rent_line = Span(location=1.0, dimension="width", line_color="#8d99ae", line_width=2,
                               line_dash="dashed")
        own.add_layout(self._rent_line)
        own.scatter("utilisation", "usd_per_hour", source=s["break_even"], size=12, color="#c81d25",
                    legend_label="break-even")
        own.legend.location = "top_right"
        self._figures = (bars, days, own)

        style = {"description_width": "140px"}
        wide = ipw.Layout(width="360px")  # three columns fit a 1280-px projector
        # Only chips with a published board power: energy and owning need it (TPUs and Trainium2 have none).
        acc_names = [name for name, a in hardware.load_accelerators().items() if a.board_watts]
        n_params = log_slider("n_params", self._initial["n_params"], base=10, low=8, high=13, step=0.05,
                              description="parameters N", readout_format=".2e", style=style, layout=wide)
        n_params.add_class(PRIMARY_SLIDER_CLASS)
        n_tokens = log_slider("n_tokens", self._initial["n_tokens"], base=10, low=9, high=15, step=0.05,
                              description="training tokens D", readout_format=".2e", style=style, layout=wide)
        accelerator = ipw.Dropdown(options=acc_names, value=self._initial["accelerator"], description="accelerator",
                                   style=style, layout=wide)
        cluster = ipw.SelectionSlider(options=[int(n) for n in CLUSTER_SIZES], value=self._initial["n_accelerators"],
                                      description="cluster (accelerators)", style=style, layout=wide)
        mfu = ipw.FloatSlider(value=self._initial["mfu"], min=0.1, max=0.7, step=0.01, readout_format=".0%",
                              description="MFU", style=style, layout=wide)
        rent = ipw.FloatSlider(value=DEFAULT_RENT.on_demand_usd_per_hour, min=0.5, max=15.0, step=0.01,
                               readout_format="$.2f", description="rent ($/accel.-hour)", style=style, layout=wide)
        price = ipw.FloatSlider(value=DEFAULT_OWN.accelerator_price_usd / 1e3, min=2.0, max=80.0, step=0.5,
                                readout_format=".1f", description="price per accel. ($k)", style=style, layout=wide)
        life = ipw.FloatSlider(value=DEFAULT_OWN.useful_life_years, min=2.0, max=8.0, step=0.5,
                               description="useful life (years)", style=style, layout=wide)
        rate = ipw.FloatSlider(value=DEFAULT_OWN.cost_of_capital, min=0.0, max=0.2, step=0.005, readout_format=".1%",
                               description="cost of capital", style=style, layout=wide)
        util = ipw.FloatSlider(value=0.8, min=0.1, max=1.0, step=0.01, readout_format=".0%",
                               description="utilisation (owned)", style=style, layout=wide)
        elec = ipw.FloatSlider(value=training.DEFAULT_USD_PER_MWH, min=20.0, max=300.0, step=0.1,
                               description="electricity ($/MWh)", style=style, layout=wide)
        pue = ipw.FloatSlider(value=training.DEFAULT_PUE, min=1.0, max=2.0, step=0.01, description="PUE",
                              style=style, layout=wide)
        self.controls = {
            "n_params": n_params, "n_tokens": n_tokens, "accelerator": accelerator, "n_accelerators": cluster,
            "mfu": mfu, "rent_usd_per_hour": rent, "price_kusd": price, "life_years": life,
            "cost_of_capital": rate, "utilisation": util, "usd_per_mwh": elec, "pue": pue,
        }
        # A new accelerator brings its catalogue price, where one is published (the slider keeps
        # the learner's value otherwise); that change then runs update() like any other.
        accelerator.observe(self._on_accelerator, names="value")

    def _on_accelerator(self, change: dict) -> None:
        acc = hardware.get_accelerator(change["new"])
        if acc.price_usd is not None:
            self.controls["price_kusd"].value = acc.price_usd / 1e3

    # -- callback ---------------------------------------------------------------------
    def _compute(self) -> None:
        v = {k: c.value for k, c in self.controls.items()}
        acc = hardware.get_accelerator(v["accelerator"])
        peak = hardware.peak_flop_per_s_for(acc, "bf16")
        flop = scaling.training_flop(v["n_params"], v["n_tokens"])
        n = int(v["n_accelerators"])
        est = training.estimate_training_run(
            training_flop=flop, peak_flop_per_s=peak, board_watts=acc.board_watts, n_accelerators=n,
            mfu=v["mfu"], pue=v["pue"], usd_per_mwh=v["usd_per_mwh"],
        )
        own = costs.Ownership(
            accelerator_price_usd=v["price_kusd"] * 1e3,
            server_and_network_frac=DEFAULT_OWN.server_and_network_frac,
            useful_life_years=v["life_years"], cost_of_capital=v["cost_of_capital"], board_watts=acc.board_watts,
            pue=v["pue"], usd_per_mwh=v["usd_per_mwh"], ops_frac_of_capex_per_year=DEFAULT_OWN.ops_frac_of_capex_per_year,
            source="TrainingCostExplorer controls; other fields from compute_econ.costs.H100_OWNERSHIP",
        )
        hours = est.accelerator_hours
        rent_or_own = costs.rent_or_own(hours, v["rent_usd_per_hour"], own, v["utilisation"])
        rent_usd, tco, be = rent_or_own.rental_usd, rent_or_own.owned, rent_or_own.break_even
        amort = costs.amortised_run_cost_breakdown(hours, own)
        s = self.sources
        s["bars"].data = dict(
            bar=list(BARS),
            **{"accelerators": np.array([0.0, tco.accelerators_usd, amort.accelerators_usd]),
               "servers & network": np.array([0.0, tco.servers_and_network_usd, amort.servers_and_network_usd]),
               "energy": np.array([0.0, tco.energy_usd, amort.energy_usd]),
               "operations": np.array([0.0, tco.ops_usd, amort.ops_usd]),
               "rental": np.array([rent_usd, 0.0, 0.0])},
        )
        s["days"].data = dict(n=CLUSTER_SIZES.astype(float),
                              days=training.wall_clock_days(flop, peak, v["mfu"], CLUSTER_SIZES))
        s["mine"].data = dict(n=[float(n)], days=[est.wall_clock_days])
        s["owned"].data = dict(utilisation=UTILISATION,
                               usd_per_hour=costs.owned_cost_per_accelerator_hour(own, UTILISATION))
        if be.owning_can_win:
            s["break_even"].data = dict(utilisation=[be.utilisation], usd_per_hour=[v["rent_usd_per_hour"]])
            verdict = (f"owning beats renting above <b>{percent(be.utilisation)}</b> utilisation "
                       f"(you assume {percent(v['utilisation'])}: "
                       f"<b>{'own' if rent_or_own.own_is_cheaper else 'rent'}</b>)")
        else:
            s["break_even"].data = dict(utilisation=[], usd_per_hour=[])
            verdict = "at this rental price <b>renting is cheaper even at 100% utilisation</b>"
        self._rent_line.location = v["rent_usd_per_hour"]
        acquisition = costs.hardware_acquisition_cost_usd(n, own)
        tco_total = rent_or_own.owned_usd
        self.result = dict(estimate=est, rent_usd=rent_usd, tco_usd=tco_total, amortised_usd=amort.total_usd,
                           acquisition_usd=acquisition, break_even=be, training_flop=flop)
        self.readout.value = (
            f"<b>{sci(flop)} FLOP</b> ({count(v['n_params'])} parameters × {count(v['n_tokens'])} tokens × 6) "
            f"on {n:,} × {acc.name} at {v['mfu']:.0%} MFU: <b>{duration_days(est.wall_clock_days)}</b>, "
            f"<b>{number(hours) if hours < 100 else f'{hours:,.0f}'}</b> accelerator-hours.<br>"
            f"Power ≈ <b>{megawatts(est.power_mw)}</b> on average, energy <b>{megawatt_hours(est.energy_mwh)}</b> "
            f"(electricity {usd(est.electricity_usd)}, {tonnes(est.t_co2e)} CO₂).<br>"
            f"Cost: rent <b>{usd(rent_usd)}</b> · own (TCO) <b>{usd(tco_total)}</b> · amortised hardware + energy "
            f"<b>{usd(amort.total_usd)}</b> · buying the cluster <b>{usd(acquisition)}</b>. "
            f"Per accelerator-hour, {verdict}."
        )

    def _layout(self) -> ipw.Box:
        c = self.controls
        head = lambda text: ipw.HTML(f"<b>{text}</b>")  # noqa: E731
        run_box = ipw.VBox([head("The run"), c["n_params"], c["n_tokens"], c["accelerator"], c["n_accelerators"],
                            c["mfu"]])
        money_box = ipw.VBox([head("Renting and owning"), c["rent_usd_per_hour"], c["price_kusd"], c["life_years"],
                              c["cost_of_capital"]])
        power_box = ipw.VBox([head("Use and power"), c["utilisation"], c["usd_per_mwh"], c["pue"]])
        # Three columns side by side where they fit (a deck, a wide window); where they do not (JupyterLab
        # at 1366 px with the file browser open leaves about 930 px) the third wraps below instead of
        # squeezing every slider until its value and label are cut off.
        columns = ipw.HBox([run_box, money_box, power_box], layout=ipw.Layout(flex_flow="row wrap"))
        return ipw.VBox([columns, self.readout, self._plot(row(*self._figures))])
