"""ScalingExplorer: what a compute budget buys, under three published scaling laws.

Run in a notebook::

    from widgets import ScalingExplorer
    ScalingExplorer()

Left plot: isoFLOP curves, the loss a model of N parameters reaches when the
whole budget C is spent on it (D = C / 6N tokens), one curve per decade of
compute, each with its minimum marked; the learner's budget is the thick curve.
Right plot: tokens per parameter at the optimum against compute, with notable
models placed by their actual tokens per parameter: above the line they were
trained on more data than compute-optimal ("over-trained", cheaper to serve),
below it on less ("under-trained").
"""

from __future__ import annotations

import ipywidgets as ipw
import numpy as np
from bokeh.layouts import row
from bokeh.models import ColumnDataSource, DataRange1d, HoverTool, Label, LabelSet, Span
from bokeh.plotting import figure

from compute_econ import hardware, scaling, trends, training

from ._base import PRIMARY_SLIDER_CLASS, Explorer, log_slider
from ._format import count, duration_days, sci

#: Decades of compute drawn as isoFLOP curves (FLOP).
DECADES_FLOP = 10.0 ** np.arange(18, 29)
#: Each isoFLOP curve spans this many decades of N on each side of its optimum.
HALF_WIDTH_DECADES = 1.5
N_POINTS = 64
#: Notable models placed on the plots; rows of compute_econ/data/training_runs.csv.
NOTABLE_MODELS = ("GPT-3 175B", "Chinchilla", "Llama 3.1 405B")
PALETTE = ("#1b9e77", "#d95f02", "#7570b3")
#: The fit the lessons teach (compute_econ.scaling.DEFAULT_FIT), selected at start and drawn for reference.
DEFAULT_FIT_KEY = next(k for k, f in scaling.FITS.items() if f is scaling.DEFAULT_FIT)


class ScalingExplorer(Explorer):
    """Compute budget and scaling-law fit in; isoFLOP curves, optimum and cost out.

    Parameters
    ----------
    compute_flop : float
        Initial budget in FLOP (the slider spans 1e18 to 1e28).
    fit : str
        Key of :data:`compute_econ.scaling.FITS` to start with.
    show_models : bool
        Start with the notable models overlaid.
    """

    def __init__(self, compute_flop: float = 5.76e23, fit: str = DEFAULT_FIT_KEY, show_models: bool = True):
        if fit not in scaling.FITS:
            raise ValueError(f"fit must be one of {list(scaling.FITS)}, got {fit!r}")
        self._initial = dict(compute_flop=compute_flop, fit=fit, show_models=show_models)
        self._unit = np.logspace(-HALF_WIDTH_DECADES, HALF_WIDTH_DECADES, N_POINTS)
        runs = trends.load_training_runs()
        self._models = [runs.row(name) for name in NOTABLE_MODELS]
        super().__init__()

    # -- data, plot, controls ------------------------------------------------
    def _build(self) -> None:
        self.sources = {
            "curves": ColumnDataSource(data=dict(xs=[], ys=[], budget=[])),
            "optima": ColumnDataSource(data=dict(n_params=[], loss=[], budget=[])),
            "budget_curve": ColumnDataSource(data=dict(n_params=[], loss=[])),
            "budget_optimum": ColumnDataSource(data=dict(n_params=[], loss=[])),
            "models": ColumnDataSource(
                data=dict(name=[], n_params=[], loss=[], compute_flop=[], tokens_per_param=[], color=[])
            ),
            "frontier": ColumnDataSource(data=dict(compute_flop=[], tokens_per_param=[])),
            "reference": ColumnDataSource(data=dict(compute_flop=[], tokens_per_param=[])),
        }
        s = self.sources

        iso = figure(
            title="IsoFLOP curves: loss for each model size at a fixed budget",
            x_axis_type="log", x_axis_label="parameters N",
            y_axis_label="predicted loss (nats/token)",
            width=470, height=400, tools="pan,wheel_zoom,box_zoom,reset,save",
        )
        iso.multi_line("xs", "ys", source=s["curves"], color="#9aa5b1", line_width=1)
        iso.scatter("n_params", "loss", source=s["optima"], size=6, color="#52606d", legend_label="optimum per budget")
        iso.line("n_params", "loss", source=s["budget_curve"], color="#c81d25", line_width=3, legend_label="your budget")
        iso.scatter("n_params", "loss", source=s["budget_optimum"], size=14, marker="star", color="#c81d25")
        model_glyph = iso.scatter(
            "n_params", "loss", source=s["models"], size=10, marker="diamond", color="color",
            legend_label="notable models (at their own N, D)",
        )
        iso.add_tools(HoverTool(renderers=[model_glyph], tooltips=[("model", "@name"), ("N", "@n_params{0.0a}")]))
        iso.legend.location = "top_right"
        iso.legend.background_fill_alpha = 0.7

        tpp = figure(
            title="Tokens per parameter: compute-optimal vs what was trained",
            x_axis_type="log", y_axis_type="log",
            x_axis_label="training compute C (FLOP)", y_axis_label="tokens per parameter D/N",
            x_range=(1e17, 1e30), y_range=DataRange1d(range_padding=0.2),  # room for the labels at the top
            width=470, height=400, tools="pan,wheel_zoom,box_zoom,reset,save",
        )
        tpp.line("compute_flop", "tokens_per_param", source=s["frontier"], color="#52606d", line_width=2,
                 legend_label="compute-optimal (this fit)")
        self._reference_line = tpp.line("compute_flop", "tokens_per_param", source=s["reference"], color="#52606d",
                                        line_width=2, line_dash="dotted", alpha=0.7,
                                        legend_label="the replication (Besiroglu et al. 2024)")
        tpp.scatter("compute_flop", "tokens_per_param", source=s["models"], size=11, marker="diamond",
                    color="color")
        tpp.add_layout(LabelSet(x="compute_flop", y="tokens_per_param", text="name", source=s["models"],
                                x_offset=8, text_baseline="middle", text_font_size="9pt"))
        self._budget_span = Span(location=1.0, dimension="height", line_color="#c81d25", line_width=2,
                                 line_dash="dashed")
        tpp.add_layout(self._budget_span)
        tpp.add_layout(Label(x=10, y=10, x_units="screen", y_units="screen", text="above the line: over-trained",
                             text_font_size="9pt", text_color="#52606d"))
        tpp.legend.location = "top_left"
        self._figures = (iso, tpp)
        self._model_renderers = [model_glyph]

        budget = log_slider(
            "compute_flop", self._initial["compute_flop"], base=10, low=18, high=28, step=0.05,
            description="budget (FLOP)", readout_format=".2e", continuous_update=True,
            style={"description_width": "initial"}, layout=ipw.Layout(width="420px"),
        )
        budget.add_class(PRIMARY_SLIDER_CLASS)
        fit = ipw.Dropdown(
            options=[(f.name, key) for key, f in scaling.FITS.items()], value=self._initial["fit"],
            description="scaling law", style={"description_width": "initial"}, layout=ipw.Layout(width="420px"),
        )
        show = ipw.Checkbox(value=self._initial["show_models"], description="show notable models", indent=False)
        self.controls = {"budget": budget, "fit": fit, "show_models": show}

    # -- callback -------------------------------------------------------------
    def _compute(self) -> None:
        c = self.controls
        fit = scaling.FITS[c["fit"].value]
        budget = float(c["budget"].value)
        s = self.sources

        # Every decade's optimum and curve in two vectorised calls.
        opt = scaling.compute_optimal(DECADES_FLOP, fit=fit)
        n_grid = np.asarray(opt.n_params)[:, None] * self._unit[None, :]
        loss_grid = scaling.isoflop_curve(DECADES_FLOP[:, None], n_grid, fit=fit)
        s["curves"].data = dict(xs=list(n_grid), ys=list(loss_grid), budget=list(DECADES_FLOP))
        s["optima"].data = dict(n_params=opt.n_params, loss=opt.loss, budget=DECADES_FLOP)

        mine = scaling.compute_optimal(budget, fit=fit)
        n_mine = mine.n_params * self._unit
        s["budget_curve"].data = dict(n_params=n_mine, loss=scaling.isoflop_curve(budget, n_mine, fit=fit))
        s["budget_optimum"].data = dict(n_params=[mine.n_params], loss=[mine.loss])

        frontier_c = np.logspace(18, 28, 41)
        s["frontier"].data = dict(
            compute_flop=frontier_c,
            tokens_per_param=scaling.compute_optimal(frontier_c, fit=fit).tokens_per_param,
        )
        self._budget_span.location = budget
        other = fit is not scaling.DEFAULT_FIT
        ref = scaling.compute_optimal(budget)
        s["reference"].data = dict(compute_flop=frontier_c,
                                   tokens_per_param=scaling.compute_optimal(frontier_c).tokens_per_param) if other \
            else dict(compute_flop=[], tokens_per_param=[])
        self._reference_line.visible = other
        for item in self._figures[1].legend.items:
            if item.label.value.startswith("the replication"):
                item.visible = other

        if c["show_models"].value:
            n = np.array([m["n_params"] for m in self._models])
            d = np.array([m["n_tokens"] for m in self._models])
            s["models"].data = dict(
                name=list(NOTABLE_MODELS), n_params=n, loss=fit.loss(n, d),
                compute_flop=scaling.training_flop(n, d), tokens_per_param=d / n, color=list(PALETTE),
            )
        else:
            s["models"].data = {k: [] for k in s["models"].data}

        acc = hardware.REFERENCE_ACCELERATOR
        gpu_days = training.accelerator_days(budget, acc.peak_flop_per_s, training.DEFAULT_MFU)
        days_on_10k = training.wall_clock_days(budget, acc.peak_flop_per_s, training.DEFAULT_MFU, 10_000)
        if fit is scaling.HOFFMANN_2022:
            compare = (f"<br>These are Hoffmann et al.'s constants <i>as printed</i>, rounded: the replication, which "
                       f"the lesson uses, recommends <b>{ref.tokens_per_param:.0f}</b> tokens/parameter at this budget "
                       f"(section 3 shows why the rounding matters).")
        elif other:
            compare = (f"<br>For comparison, the replication (Besiroglu et al. 2024) recommends "
                       f"<b>{ref.tokens_per_param:.0f}</b> tokens/parameter at this budget.")
        else:
            compare = ""
        self.result = mine
        self.readout.value = (
            f"<b>Budget {sci(budget)} FLOP</b> under <i>{fit.name}</i>: "
            f"N* = <b>{count(mine.n_params)}</b> parameters, D* = <b>{count(mine.n_tokens)}</b> tokens "
            f"(<b>{mine.tokens_per_param:.1f}</b> tokens/parameter), predicted loss <b>{mine.loss:.3f}</b> nats/token."
            f"<br>On {acc.name} GPUs at {training.DEFAULT_MFU:.0%} MFU: <b>{gpu_days:,.0f} GPU-days</b> "
            f"(≈ {duration_days(days_on_10k)} on 10,000 GPUs)." + compare
        )

    # -- layout ---------------------------------------------------------------
    def _layout(self) -> ipw.Box:
        c = self.controls
        return ipw.VBox([
            ipw.HBox([ipw.VBox([c["budget"], c["fit"]]), c["show_models"]]),
            self.readout,
            self._plot(row(*self._figures)),
        ])
