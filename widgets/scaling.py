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

from typing import ClassVar
from collections.abc import Mapping

from dataclasses import dataclass, replace

import ipywidgets as ipw
import numpy as np
from bokeh.layouts import row
from bokeh.models import ColumnDataSource, DataRange1d, HoverTool, Range1d
from bokeh.models.annotations import Label, LabelSet, LegendItem, Span
from bokeh.plotting import figure

from compute_econ import hardware, scaling, trends, training
from compute_econ._records import ArrayRecord
from compute_econ._validate import choice, flag, scalar

from ._base import PRIMARY_SLIDER_CLASS, Explorer, checkbox, dropdown, log_slider, set_props, store
from . import colour as kit
from ._format import count, duration_days, sci

#: Decades of compute drawn as isoFLOP curves (FLOP).
DECADES_FLOP = 10.0 ** np.arange(18, 29)
#: Each isoFLOP curve spans this many decades of N on each side of its optimum.
HALF_WIDTH_DECADES = 1.5
N_POINTS = 64
#: Budgets at which the compute-optimal tokens per parameter are drawn (the right-hand line).
FRONTIER_FLOP = np.logspace(18, 28, 41)
#: Notable models placed on the plots; rows of compute_econ/data/training_runs.csv.
NOTABLE_MODELS = ("GPT-3 175B", "Chinchilla", "Llama 3.1 405B")
PALETTE = ("#1b9e77", "#d95f02", "#7570b3")
#: Each notable model's marker, its second cue besides its colour (WCAG 2.1 1.4.1), the same in both plots.
NOTABLE_MARKERS = ("diamond", "square", "triangle")
#: The fit the lessons teach (compute_econ.scaling.DEFAULT_FIT), selected at start and drawn for reference.
DEFAULT_FIT_KEY = next(k for k, f in scaling.FITS.items() if f is scaling.DEFAULT_FIT)
#: The budget slider spans 10^18 to 10^28 FLOP in steps of 0.05 decades.
BUDGET_DECADES = (18, 28)


@dataclass(frozen=True)
class ScalingInputs:
    """What the ScalingExplorer's model calls take: the budget (FLOP, in the slider's 1e18-1e28), the fit (a key
    of ``scaling.FITS``) and whether the notable models are overlaid. Validated and stored as validated."""

    compute_flop: float
    fit: str
    show_models: bool

    def __post_init__(self) -> None:
        store(self, "compute_flop", scalar("compute_flop", self.compute_flop, 10.0 ** BUDGET_DECADES[0],
                                           10.0 ** BUDGET_DECADES[1], unit="FLOP"))
        store(self, "fit", choice("fit", self.fit, tuple(scaling.FITS)))
        store(self, "show_models", flag("show_models", self.show_models))


@dataclass(frozen=True, eq=False)
class ScalingResult(ArrayRecord):
    """Everything the ScalingExplorer draws, from :mod:`compute_econ.scaling` and :mod:`compute_econ.training`.

    ``optimum`` is the compute-optimal model of the learner's budget; ``decades`` the optima of
    :data:`DECADES_FLOP`, with their isoFLOP curves (``isoflop_n_params``, ``isoflop_loss``, one
    row per decade); ``budget_n_params``/``budget_loss`` the learner's curve; ``frontier_*`` the
    optimal tokens per parameter over :data:`FRONTIER_FLOP` under the fit and, where the fit is
    not the default, under the replication (``reference_*``, else ``None``); ``models_*`` the
    notable models at their own N and D under the fit; ``gpu_days`` and ``days_on_10k`` the budget
    on the reference accelerator at the default MFU.
    """

    optimum: scaling.ComputeOptimal
    decades: scaling.ComputeOptimal
    isoflop_n_params: np.ndarray
    isoflop_loss: np.ndarray
    budget_n_params: np.ndarray
    budget_loss: np.ndarray
    frontier_tokens_per_param: np.ndarray
    reference: scaling.ComputeOptimal | None
    reference_tokens_per_param: np.ndarray | None
    models_n_params: np.ndarray
    models_n_tokens: np.ndarray
    models_loss: np.ndarray
    models_compute_flop: np.ndarray
    gpu_days: float
    days_on_10k: float


class ScalingExplorer(Explorer[ScalingInputs, ScalingResult]):
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

    #: The book precomputes the fits side by side, as section 3 compares them.
    #: Each control's name for a screen reader (its tooltip): what it sets and in which unit.
    CONTROL_NAMES: ClassVar[Mapping[str, str]] = {
        "budget": "training compute budget, in FLOP",
        "fit": "scaling-law fit used for the loss",
        "show_models": "show notable models on the plots, on or off",
    }
    STATIC_CONTROLS: ClassVar[Mapping[str, int]] = {"fit": 0, "budget": 25}

    PARAMETER_CONTROLS = {"compute_flop": "budget", "fit": "fit", "show_models": "show_models"}
    start: ScalingInputs
    result: ScalingResult

    def __init__(self, compute_flop: float = 5.76e23, fit: str = DEFAULT_FIT_KEY, show_models: bool = True):
        self._unit = np.logspace(-HALF_WIDTH_DECADES, HALF_WIDTH_DECADES, N_POINTS)
        runs = trends.load_training_runs()
        self._models = [runs.row(name) for name in NOTABLE_MODELS]
        self._by_fit: dict[str, tuple] = {}  # what depends on the fit alone, computed once per fit
        self._row_lists: dict[int, tuple[np.ndarray, list[np.ndarray]]] = {}
        super().__init__(ScalingInputs(compute_flop=compute_flop, fit=fit, show_models=show_models))

    # -- data, plot, controls ------------------------------------------------
    def _build(self) -> None:
        st = self.start
        budget = log_slider(
            "compute_flop", st.compute_flop, base=10, low=BUDGET_DECADES[0], high=BUDGET_DECADES[1], step=0.05,
            description="budget (FLOP)", readout_format=".2e", continuous_update=True,
            style={"description_width": "initial"}, layout=ipw.Layout(width="420px"),
        )
        budget.add_class(PRIMARY_SLIDER_CLASS)
        fit = dropdown(
            "fit", st.fit, [(f.name, key) for key, f in scaling.FITS.items()],
            description="scaling law", style={"description_width": "initial"}, layout=ipw.Layout(width="420px"),
        )
        show = checkbox("show_models", st.show_models, description="show notable models", indent=False)
        self.controls = {"budget": budget, "fit": fit, "show_models": show}

        self.sources = {
            "curves": ColumnDataSource(data=dict(xs=[], ys=[], budget=[])),
            "optima": ColumnDataSource(data=dict(n_params=[], loss=[], budget=[])),
            "budget_curve": ColumnDataSource(data=dict(n_params=[], loss=[])),
            "budget_optimum": ColumnDataSource(data=dict(n_params=[], loss=[])),
            "models": ColumnDataSource(
                data=dict(name=[], n_params=[], loss=[], compute_flop=[], tokens_per_param=[], color=[], marker=[])
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
        iso.multi_line("xs", "ys", source=s["curves"], color=kit.GREY, line_width=1)  # #9aa5b1 had 2.5:1 (WCAG 1.4.11)
        iso.scatter("n_params", "loss", source=s["optima"], size=6, color=kit.GREY_TEXT, legend_label="optimum per budget")
        iso.line("n_params", "loss", source=s["budget_curve"], color="#c81d25", line_width=3, legend_label="your budget")
        iso.scatter("n_params", "loss", source=s["budget_optimum"], size=14, marker="star", color="#c81d25")
        model_glyph = iso.scatter(
            "n_params", "loss", source=s["models"], size=10, marker="marker", color="color",
            legend_label="notable models (at their own N, D)",
        )
        iso.add_tools(HoverTool(renderers=[model_glyph], tooltips=[("model", "@name"), ("N", "@n_params{0.0a}")]))
        iso.legend.location = "top_right"
        iso.legend.background_fill_alpha = 0.7

        tpp = figure(
            title="Tokens per parameter: compute-optimal vs what was trained",
            x_axis_type="log", y_axis_type="log",
            x_axis_label="training compute C (FLOP)", y_axis_label="tokens per parameter D/N",
            x_range=Range1d(start=1e17, end=1e30), y_range=DataRange1d(range_padding=0.2),  # room for the labels at the top
            width=470, height=400, tools="pan,wheel_zoom,box_zoom,reset,save",
        )
        tpp.line("compute_flop", "tokens_per_param", source=s["frontier"], color="#52606d", line_width=2,
                 legend_label="compute-optimal (this fit)")
        self._reference_line = tpp.line("compute_flop", "tokens_per_param", source=s["reference"], color="#52606d",
                                        line_width=2, line_dash="dotted", alpha=0.7,
                                        legend_label="the replication (Besiroglu et al. 2024)")
        tpp.scatter("compute_flop", "tokens_per_param", source=s["models"], size=11, marker="marker",
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
        self._reference_legend = [item for item in tpp.legend.items if isinstance(item, LegendItem)
                                  and self._reference_line in item.renderers]

    def model_inputs(self) -> ScalingInputs:
        c = self.controls
        return replace(self.start, compute_flop=float(c["budget"].value), fit=c["fit"].value,
                       show_models=bool(c["show_models"].value))

    # -- the model --------------------------------------------------------------
    def _fit_curves(self, key: str) -> tuple:
        """The optima and isoFLOP curves of every decade and the frontier under one fit (cached: they
        do not move with the budget)."""
        if key not in self._by_fit:
            fit = scaling.FITS[key]
            decades = scaling.compute_optimal(DECADES_FLOP, fit=fit)
            n_grid = np.asarray(decades.n_params)[:, None] * self._unit[None, :]
            loss_grid = np.asarray(scaling.isoflop_curve(DECADES_FLOP[:, None], n_grid, fit=fit))
            frontier = np.asarray(scaling.compute_optimal(FRONTIER_FLOP, fit=fit).tokens_per_param)
            self._by_fit[key] = (decades, n_grid, loss_grid, frontier)
        return self._by_fit[key]

    def _compute(self, inputs: ScalingInputs) -> ScalingResult:
        fit = scaling.FITS[inputs.fit]
        budget = inputs.compute_flop
        # Every decade's optimum and curve in two vectorised calls.
        decades, n_grid, loss_grid, frontier = self._fit_curves(inputs.fit)
        mine = scaling.compute_optimal(budget, fit=fit)
        n_mine = float(mine.n_params) * self._unit
        other = fit is not scaling.DEFAULT_FIT
        n = np.array([m["n_params"] for m in self._models], dtype=float)
        d = np.array([m["n_tokens"] for m in self._models], dtype=float)
        acc = hardware.REFERENCE_ACCELERATOR
        return ScalingResult(
            optimum=mine, decades=decades, isoflop_n_params=n_grid, isoflop_loss=loss_grid,
            budget_n_params=n_mine, budget_loss=np.asarray(scaling.isoflop_curve(budget, n_mine, fit=fit)),
            frontier_tokens_per_param=frontier,
            reference=scaling.compute_optimal(budget) if other else None,
            reference_tokens_per_param=self._fit_curves(DEFAULT_FIT_KEY)[3] if other else None,
            models_n_params=n, models_n_tokens=d, models_loss=np.asarray(fit.loss(n, d)),
            models_compute_flop=np.asarray(scaling.training_flop(n, d)),
            gpu_days=float(training.accelerator_days(budget, acc.peak_flop_per_s, training.DEFAULT_MFU)),
            days_on_10k=float(training.wall_clock_days(budget, acc.peak_flop_per_s, training.DEFAULT_MFU, 10_000)),
        )

    # -- the picture -------------------------------------------------------------
    def _rows(self, grid: np.ndarray) -> list[np.ndarray]:
        """The rows of a (cached) 2-D array as ``multi_line`` takes them: the same list while the array is the
        same, so an unchanged fit's curves are recognised as unchanged at once."""
        cached = self._row_lists.get(id(grid))
        if cached is None or cached[0] is not grid:
            cached = self._row_lists[id(grid)] = (grid, list(grid))
        return cached[1]

    def _draw(self, inputs: ScalingInputs, r: ScalingResult) -> None:
        fit = scaling.FITS[inputs.fit]
        budget = inputs.compute_flop
        mine, ref = r.optimum, r.reference
        s = self.sources
        self._show("curves", dict(xs=self._rows(r.isoflop_n_params), ys=self._rows(r.isoflop_loss),
                                  budget=list(DECADES_FLOP)))
        self._show("optima", dict(n_params=r.decades.n_params, loss=r.decades.loss, budget=DECADES_FLOP))
        self._show("budget_curve", dict(n_params=r.budget_n_params, loss=r.budget_loss))
        self._show("budget_optimum", dict(n_params=[mine.n_params], loss=[mine.loss]))
        self._show("frontier", dict(compute_flop=FRONTIER_FLOP, tokens_per_param=r.frontier_tokens_per_param))
        set_props(self._budget_span, location=budget)
        other = r.reference_tokens_per_param is not None
        self._show("reference", dict(compute_flop=FRONTIER_FLOP, tokens_per_param=r.reference_tokens_per_param) \
            if r.reference_tokens_per_param is not None else dict(compute_flop=[], tokens_per_param=[]))
        set_props(self._reference_line, visible=other)
        for item in self._reference_legend:
            set_props(item, visible=other)

        if inputs.show_models:
            self._show("models", dict(
                name=list(NOTABLE_MODELS), n_params=r.models_n_params, loss=r.models_loss,
                compute_flop=r.models_compute_flop, tokens_per_param=r.models_n_tokens / r.models_n_params,
                color=list(PALETTE), marker=list(NOTABLE_MARKERS),
            ))
        else:
            self._show("models", {k: [] for k in s["models"].data})

        acc = hardware.REFERENCE_ACCELERATOR
        if ref is not None and fit is scaling.HOFFMANN_2022:
            compare = (f"<br>These are Hoffmann et al.'s constants <i>as printed</i>, rounded: the replication, which "
                       f"the lesson uses, recommends <b>{float(ref.tokens_per_param):.0f}</b> tokens/parameter at "
                       f"this budget (section 3 shows why the rounding matters).")
        elif ref is not None:
            compare = (f"<br>For comparison, the replication (Besiroglu et al. 2024) recommends "
                       f"<b>{float(ref.tokens_per_param):.0f}</b> tokens/parameter at this budget.")
        else:
            compare = ""
        self.readout.value = (
            f"<b>Budget {sci(budget)} FLOP</b> under <i>{fit.name}</i>: "
            f"N* = <b>{count(float(mine.n_params))}</b> parameters, D* = <b>{count(float(mine.n_tokens))}</b> tokens "
            f"(<b>{float(mine.tokens_per_param):.1f}</b> tokens/parameter), predicted loss "
            f"<b>{float(mine.loss):.3f}</b> nats/token."
            f"<br>On {acc.name} GPUs at {training.DEFAULT_MFU:.0%} MFU: <b>{r.gpu_days:,.0f} GPU-days</b> "
            f"(≈ {duration_days(r.days_on_10k)} on 10,000 GPUs)." + compare
        )

    # -- layout ---------------------------------------------------------------
    def _layout(self) -> ipw.Box:
        c = self.controls
        return ipw.VBox([
            ipw.HBox([ipw.VBox([c["budget"], c["fit"]]), c["show_models"]]),
            self.readout,
            self._plot(row(*self._figures)),
        ])
