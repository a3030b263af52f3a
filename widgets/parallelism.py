"""ParallelismExplorer: why 16,000 accelerators do not train 16,000 times as fast.

Run in a notebook::

    from widgets import ParallelismExplorer
    ParallelismExplorer()

A dense transformer is trained on H100s with ``n = d x t x p`` accelerators: ``d`` data-parallel
replicas (the main slider) share a fixed global batch, each replica splits every layer over ``t``
accelerators (tensor parallelism) and its layers into ``p`` pipeline stages. The left plot is the
accelerator-time of one step (step time x accelerators) split into compute, tensor-parallel
traffic, the exposed data-parallel all-reduce and the pipeline bubble, against the number of
accelerators: with perfect scaling it would stay flat at the compute; the losses are what grows on
top. The right plot is the efficiency, the share of the ideal speed-up kept, with the ideal (100%)
and the MFU the whole step achieves (MFU of the compute x efficiency). Both curves run from one
replica to the most replicas the model takes: every replica needs at least one micro-batch of the
global batch, and a layout holds at most ``compute_econ.cluster.MAX_ACCELERATORS``. A layout the
model refuses (more replicas than micro-batches, too many accelerators, more pipeline chunks than
layers) keeps the last picture, and the readout says why.

Where the numbers come from: every time is :func:`compute_econ.cluster.step_time` (Narayanan et
al. 2021, arXiv:2104.04473; ring all-reduce, Patarasuk & Yuan 2009; NVLink and NIC bandwidths and
latencies as that module cites them), one vectorised call per curve. The models are the four shapes
of :data:`compute_econ.cluster.TRANSFORMER_SHAPES` (Korthikanti et al. 2022, arXiv:2205.05198,
Table 3) and the dense rows of :mod:`compute_econ.serving`'s architecture table (the Llama models;
Llama 3.1 405B: 126 layers, width 16,384, Llama Team 2024, arXiv:2407.21783, Table 3). The defaults
are Llama 3 405B's pre-training layout on 16,384 H100s (tensor 8, pipeline 16, 2,048 sequences of
8,192 tokens: :data:`compute_econ.cluster.LLAMA3_405B_TABLE4_LAYOUT`, Table 4) with
:class:`~compute_econ.cluster.ParallelLayout`'s defaults for what the paper does not give (micro-batch
1, no interleaving, no overlap of the all-reduce, compute at peak: the bound, 400 Gb/s per accelerator).
When Llama 3.1 405B is chosen, its measured MFU (43% on 8,192 and 41% on 16,384 H100s,
:data:`compute_econ.cluster.LLAMA3_405B_MFU`, Table 4) is marked on the right against the model's
MFU achieved: both are model FLOP/s of the whole step over peak, the same quantity (the efficiency
alone is not: it leaves out the MFU of the compute).
"""

from __future__ import annotations

from typing import ClassVar
from collections.abc import Mapping

from dataclasses import dataclass, fields, replace
from typing import Any

import ipywidgets as ipw
import numpy as np
from bokeh.layouts import row
from bokeh.models import ColumnDataSource, HoverTool, NumeralTickFormatter, Range1d
from bokeh.models.annotations import LegendItem, Span
from bokeh.plotting import figure

from compute_econ import hardware, serving
from compute_econ._records import ArrayRecord
from compute_econ._validate import choice, instance, integer, scalar
from compute_econ.cluster import memory
from compute_econ.cluster import parallelism as par

from ._base import (PRIMARY_SLIDER_CLASS, Explorer, count_ticks, dropdown, float_slider, int_slider, log_axis,
                    log_ticks, option, selection_slider, set_props, store)
from . import colour as kit
from ._format import count, number, percent, seconds

#: Data-parallel replicas ``d`` (the main slider): powers of two from one replica to 131,072.
REPLICAS = tuple(2**k for k in range(18))
#: Tensor-parallel sizes: inside a node of eight up to 8, across the network beyond.
TENSOR_PARALLEL = (1, 2, 4, 8, 16, 32, 64)
#: Pipeline stages.
PIPELINE_STAGES = (1, 2, 4, 8, 16, 32, 64)
#: Interleaved model chunks per pipeline stage (``v``; 1 = the 1F1B schedule), Narayanan et al. 2021, Section 2.2.2.
VIRTUAL_STAGES = (1, 4)
#: Sequences per micro-batch.
MICRO_BATCHES = (1, 2, 4, 8, 16)
#: Global batch, sequences per step: powers of two from 32 to 65,536 (Llama 3 405B: 2,048; GPT-3: 1,536).
GLOBAL_BATCHES = tuple(2**k for k in range(5, 17))
#: Tokens per sequence: GPT-3's and Korthikanti et al.'s 2,048, Llama 2's 4,096, Llama 3's 8,192 pre-training length.
SEQUENCE_TOKENS = (2048, 4096, 8192)
#: MFU of the compute alone (``frac_peak_flop``): (low, high, step); 1 is the model's default, the bound.
FRAC_PEAK_FLOP = (0.1, 1.0, 0.01)
#: Share of the data-parallel all-reduce hidden behind the backward pass: (low, high, step).
FRAC_OVERLAPPED = (0.0, 1.0, 0.05)
#: Scale-out bandwidth per accelerator, Gb/s: InfiniBand EDR, HDR, NDR and XDR rates per port (one NIC per
#: accelerator; DGX H100: 400 Gb/s, the model's default; Narayanan et al. 2021 ran on 200 Gb/s HDR).
SCALE_OUT_GBIT_PER_S = (100, 200, 400, 800)
#: Points per octave of replicas on the curves (whole numbers of replicas, duplicates dropped).
POINTS_PER_OCTAVE = 4
#: The accelerator axis spans this factor beyond the curve at each end (log axis).
X_PAD = 1.4
#: The model whose measured MFU (Table 4) is marked.
LLAMA3_405B = "Llama 3.1 405B"

#: The stacked parts are opaque, in the kit colours with 3:1 on white (WCAG 2.1 1.4.11), each with its own hatch:
#: tensor traffic grey, as orange has 2.3:1 and the darker orange comes within 4.3 (CIEDE2000) of the bubble's
#: vermillion for deuteranopia (tests/test_palette.py).
_COLORS = {"compute": kit.BLUE, "tensor": kit.GREY, "allreduce": kit.REDDISH_PURPLE, "bubble": kit.VERMILLION,
           "mfu": kit.BLUISH_GREEN, "llama": kit.BLACK}


def _dense_models() -> dict[str, memory.TransformerShape]:
    """The menu: Korthikanti et al.'s four shapes and the dense models of the serving architecture table, smallest
    first (a mixture of experts is left out: ``step_time`` counts ``6N`` FLOP per token for a dense model)."""
    shapes = dict(memory.TRANSFORMER_SHAPES)
    for name, arch in serving.load_model_architectures().items():
        if arch.n_routed_experts == 0 and arch.n_params_active == arch.n_params_total:
            shapes[name] = memory.TransformerShape(name, arch.n_params_total, arch.n_layers, arch.d_model,
                                                   arch.n_heads, source=arch.source)
    return dict(sorted(shapes.items(), key=lambda item: item[1].n_params))


MODELS = _dense_models()


def _model_label(name: str) -> str:
    return f"{name} (Korthikanti et al.)" if name in memory.TRANSFORMER_SHAPES else name


@dataclass(frozen=True)
class ParallelismInputs:
    """What the ParallelismExplorer's model calls take: a model of :data:`MODELS`, the data-parallel size, the rest of
    the layout (a :class:`~compute_econ.cluster.ParallelLayout`), the global batch in sequences and the tokens per
    sequence. Validated and stored."""

    model: str
    data_parallel_size: int
    layout: par.ParallelLayout
    global_batch_size: int
    sequence_tokens: int

    def __post_init__(self) -> None:
        store(self, "model", choice("model", self.model, tuple(MODELS)))
        store(self, "data_parallel_size", integer("data_parallel_size", self.data_parallel_size, 1, REPLICAS[-1]))
        store(self, "layout", instance("layout", self.layout, par.ParallelLayout))
        store(self, "global_batch_size", integer("global_batch_size", self.global_batch_size, 1, GLOBAL_BATCHES[-1]))
        store(self, "sequence_tokens", integer("sequence_tokens", self.sequence_tokens, 1, SEQUENCE_TOKENS[-1]))


@dataclass(frozen=True, eq=False)
class ParallelismResult(ArrayRecord):
    """The chosen step and the curves, from :func:`compute_econ.cluster.step_time`.

    ``curve`` is the step over ``replicas`` (whole numbers from 1 to ``max_replicas``, the most the
    model takes with this layout and batch: ``limit`` says which rule sets it); ``chosen`` the step at
    the chosen size; ``tensor_link_bytes_per_s`` and ``data_link_bytes_per_s`` the per-direction links
    the tensor- and data-parallel groups run over (:func:`compute_econ.cluster.group_link_bytes_per_s`);
    ``reference`` the model at Llama 3's cluster sizes, when the model, layout and batch are Table 4's
    (else ``None``).
    """

    shape: memory.TransformerShape
    max_replicas: int
    limit: str
    replicas: np.ndarray
    curve: par.StepTime
    chosen: par.StepTime
    tensor_link_bytes_per_s: float
    data_link_bytes_per_s: float
    reference: par.StepTime | None


def _replica_grid(max_replicas: int) -> np.ndarray:
    """Whole numbers of replicas from 1 to ``max_replicas``, :data:`POINTS_PER_OCTAVE` to an octave (every power of
    two among them), and ``max_replicas`` itself."""
    octaves = np.log2(max_replicas)
    grid = np.round(2.0 ** (np.arange(0, np.floor(octaves * POINTS_PER_OCTAVE) + 1) / POINTS_PER_OCTAVE))
    return np.unique(np.append(grid, float(max_replicas)))


def _one(step: par.StepTime, index: int) -> par.StepTime:
    """The step at one point of a curve of :func:`~compute_econ.cluster.step_time` (its numbers, picked out)."""
    picked: dict[str, Any] = {f.name: (value if np.ndim(value) == 0 else float(np.asarray(value)[index]))
                              for f in fields(step) for value in [getattr(step, f.name)]}
    return par.StepTime(**picked)


class ParallelismExplorer(Explorer[ParallelismInputs, ParallelismResult]):
    """Cluster size, model and layout in; step time by part, efficiency and effective accelerators out.

    Parameters
    ----------
    model : str
        A dense model of :data:`MODELS` (Korthikanti et al.'s shapes, the Llama models).
    data_parallel_size : int
        Data-parallel replicas ``d``, a power of two from 1 to 131,072 (the main slider); the
        accelerators are ``d x t x p``.
    tensor_parallel_size : int
        ``t``: 1 to 64 (powers of two); beyond a node of 8 its all-reduces cross the network.
    pipeline_parallel_size : int
        ``p``: 1 to 64 stages (powers of two).
    n_virtual_stages : int
        Interleaved model chunks per stage ``v``, 1 to 4 (1: no interleaving).
    micro_batch_size : int
        Sequences per micro-batch: 1, 2, 4, 8 or 16.
    global_batch_size : int
        Sequences per step, a power of two from 32 to 65,536 (Llama 3 405B: 2,048).
    sequence_tokens : int
        Tokens per sequence: 2,048, 4,096 or 8,192.
    frac_peak_flop : float
        MFU of the compute alone, 0.1 to 1 (1, the model's default: the bound).
    frac_allreduce_overlapped : float
        Share of the gradient all-reduce hidden behind the backward pass, 0 to 1.
    scale_out_gbit_per_s : int
        Network bandwidth per accelerator, Gb/s: 100, 200, 400 or 800.
    """

    #: The book precomputes every model.
    #: Each control's name for a screen reader (its tooltip): what it sets and in which unit.
    CONTROL_NAMES: ClassVar[Mapping[str, str]] = {
        "data_parallel_size": "data-parallel replicas, a count",
        "model": "model being trained",
        "global_batch_size": "global batch, in sequences",
        "micro_batch_size": "micro-batch, in sequences",
        "sequence_tokens": "sequence length, in tokens",
        "frac_peak_flop": "model FLOP utilisation of the compute, a share of peak",
        "tensor_parallel_size": "tensor-parallel size, accelerators sharing each layer",
        "pipeline_parallel_size": "pipeline stages, a count",
        "n_virtual_stages": "interleaved pipeline chunks per stage, a count",
        "frac_allreduce_overlapped": "share of the all-reduce overlapped with compute, a fraction",
        "scale_out_gbit_per_s": "scale-out network bandwidth, in gigabits per second per accelerator",
    }
    STATIC_CONTROLS: ClassVar[Mapping[str, int]] = {"model": 0, "data_parallel_size": 18}

    PARAMETER_CONTROLS = {name: name for name in (
        "model", "data_parallel_size", "tensor_parallel_size", "pipeline_parallel_size", "n_virtual_stages",
        "micro_batch_size", "global_batch_size", "sequence_tokens", "frac_peak_flop", "frac_allreduce_overlapped",
        "scale_out_gbit_per_s")}
    start: ParallelismInputs
    result: ParallelismResult

    def __init__(self, model: str = LLAMA3_405B, data_parallel_size: int = 128,
                 tensor_parallel_size: int = par.LLAMA3_405B_TABLE4_LAYOUT["tensor_parallel_size"],
                 pipeline_parallel_size: int = par.LLAMA3_405B_TABLE4_LAYOUT["pipeline_parallel_size"],
                 n_virtual_stages: int = 1, micro_batch_size: int = 1,
                 global_batch_size: int = par.LLAMA3_405B_TABLE4_LAYOUT["global_batch_size"],
                 sequence_tokens: int = par.LLAMA3_405B_TABLE4_LAYOUT["sequence_tokens"],
                 frac_peak_flop: float = 1.0, frac_allreduce_overlapped: float = 0.0,
                 scale_out_gbit_per_s: int = 400):
        # Each argument against its control's range or options first, so that a bad one is named as the caller
        # wrote it (not as the layout's field, nor with the layout's wider range).
        gbit = option("scale_out_gbit_per_s", scale_out_gbit_per_s, SCALE_OUT_GBIT_PER_S)
        layout = par.ParallelLayout(
            tensor_parallel_size=option("tensor_parallel_size", tensor_parallel_size, TENSOR_PARALLEL),
            pipeline_parallel_size=option("pipeline_parallel_size", pipeline_parallel_size, PIPELINE_STAGES),
            micro_batch_size=option("micro_batch_size", micro_batch_size, MICRO_BATCHES),
            n_virtual_stages=integer("n_virtual_stages", n_virtual_stages, *VIRTUAL_STAGES),
            frac_peak_flop=scalar("frac_peak_flop", frac_peak_flop, *FRAC_PEAK_FLOP[:2]),
            frac_allreduce_overlapped=scalar("frac_allreduce_overlapped", frac_allreduce_overlapped,
                                             *FRAC_OVERLAPPED[:2]),
            scale_out_bytes_per_s=gbit * 1e9 / 8)
        super().__init__(ParallelismInputs(
            model=choice("model", model, tuple(MODELS)),
            data_parallel_size=option("data_parallel_size", data_parallel_size, REPLICAS), layout=layout,
            global_batch_size=option("global_batch_size", global_batch_size, GLOBAL_BATCHES),
            sequence_tokens=option("sequence_tokens", sequence_tokens, SEQUENCE_TOKENS)))

    # -- controls, sources, figures ----------------------------------------------------------------------------
    def _build(self) -> None:
        st, lay = self.start, self.start.layout
        style = {"description_width": "170px"}
        wide = ipw.Layout(width="420px")
        replicas = selection_slider("data_parallel_size", st.data_parallel_size, [(f"{d:,}", d) for d in REPLICAS],
                                    description="data-parallel replicas", style=style, layout=wide)
        replicas.add_class(PRIMARY_SLIDER_CLASS)
        self.controls = {
            "data_parallel_size": replicas,
            "model": dropdown("model", st.model, [(_model_label(m), m) for m in MODELS], description="model",
                              style=style, layout=wide),
            "global_batch_size": selection_slider("global_batch_size", st.global_batch_size,
                                                  [(f"{b:,}", b) for b in GLOBAL_BATCHES],
                                                  description="global batch (sequences)", style=style, layout=wide),
            # One row per control (sliders and menus with their label beside them): the explorer fits a 1280 x 720 slide.
            "micro_batch_size": selection_slider("micro_batch_size", lay.micro_batch_size, list(MICRO_BATCHES),
                                                 description="micro-batch (sequences)", style=style, layout=wide),
            "sequence_tokens": selection_slider("sequence_tokens", st.sequence_tokens,
                                                [(f"{s:,}", s) for s in SEQUENCE_TOKENS],
                                                description="tokens per sequence", style=style, layout=wide),
            "frac_peak_flop": float_slider("frac_peak_flop", lay.frac_peak_flop, low=FRAC_PEAK_FLOP[0],
                                           high=FRAC_PEAK_FLOP[1], step=FRAC_PEAK_FLOP[2], readout_format=".2f",
                                           description="MFU of the compute", style=style, layout=wide),
            "tensor_parallel_size": selection_slider("tensor_parallel_size", lay.tensor_parallel_size,
                                                     list(TENSOR_PARALLEL), description="tensor-parallel size",
                                                     style=style, layout=wide),
            "pipeline_parallel_size": selection_slider("pipeline_parallel_size", lay.pipeline_parallel_size,
                                                       list(PIPELINE_STAGES), description="pipeline stages",
                                                       style=style, layout=wide),
            "n_virtual_stages": int_slider("n_virtual_stages", lay.n_virtual_stages, low=VIRTUAL_STAGES[0],
                                           high=VIRTUAL_STAGES[1], description="interleaved chunks",
                                           style=style, layout=wide),
            "frac_allreduce_overlapped": float_slider("frac_allreduce_overlapped", lay.frac_allreduce_overlapped,
                                                      low=FRAC_OVERLAPPED[0], high=FRAC_OVERLAPPED[1],
                                                      step=FRAC_OVERLAPPED[2], readout_format=".2f",
                                                      description="all-reduce overlapped", style=style, layout=wide),
            "scale_out_gbit_per_s": selection_slider("scale_out_gbit_per_s",
                                                     round(lay.scale_out_bytes_per_s * 8 / 1e9),
                                                     list(SCALE_OUT_GBIT_PER_S),
                                                     description="network (Gb/s per accel.)", style=style,
                                                     layout=wide),
        }
        self.sources = {
            "curve": ColumnDataSource(data=dict(n=[], compute=[], tensor=[], allreduce=[], total=[], step=[],
                                                efficiency=[], mfu=[])),
            "chosen": ColumnDataSource(data=dict(n=[], total=[], efficiency=[], mfu=[])),
            "ideal": ColumnDataSource(data=dict(n=[], share=[])),
            "llama": ColumnDataSource(data=dict(n=[], mfu=[])),
        }
        s = self.sources
        x_range = Range1d(start=1, end=1e5)  # one range for both plots: the same accelerators
        tools = "pan,wheel_zoom,box_zoom,reset,save"
        f = figure(title="Accelerator-time of one step, by part", x_axis_type="log", width=440, height=355,
                   x_range=x_range, y_range=Range1d(start=0, end=1), x_axis_label="accelerators",
                   y_axis_label="accelerator-seconds per step", tools=tools)
        c = _COLORS
        f.varea("n", y1=0, y2="compute", source=s["curve"], fill_color=c["compute"], fill_alpha=1.0,
                legend_label="compute")
        f.varea("n", y1="compute", y2="tensor", source=s["curve"], fill_color=c["tensor"], fill_alpha=1.0,
                hatch_pattern="/", hatch_color="white", hatch_alpha=0.6, legend_label="tensor-parallel traffic")
        f.varea("n", y1="tensor", y2="allreduce", source=s["curve"], fill_color=c["allreduce"], fill_alpha=1.0,
                hatch_pattern=".", hatch_color="white", hatch_alpha=0.7, legend_label="gradient all-reduce")
        f.varea("n", y1="allreduce", y2="total", source=s["curve"], fill_color=c["bubble"], fill_alpha=1.0,
                hatch_pattern="\\", hatch_color="white", hatch_alpha=0.6, legend_label="pipeline bubble")
        total = f.line("n", "total", source=s["curve"], color="#000000", line_width=1)
        f.scatter("n", "total", source=s["chosen"], size=11, marker="circle", color="#000000")
        f.add_tools(HoverTool(renderers=[total], mode="vline", tooltips=[
            ("accelerators", "@n{0,0}"), ("step", "@step{0.000} s"), ("efficiency", "@efficiency{0%}")]))
        self._x_ticker = log_axis(f.xaxis[0], count_ticks())
        f.yaxis[0].formatter = count_ticks()
        self._chosen_line = Span(location=1.0, dimension="height", line_color="#000000", line_dash="dashed",
                                 line_width=1)
        f.add_layout(self._chosen_line)
        self._step_fig = f

        e = figure(title="Share of the ideal speed-up kept", x_axis_type="log", width=440, height=355,
                   x_range=x_range, y_range=Range1d(start=0, end=1.05), x_axis_label="accelerators",
                   y_axis_label="share", tools=tools)
        e.line("n", "share", source=s["ideal"], color="#000000", line_dash="dotted", line_width=2,
               legend_label="ideal (100%)")
        eff = e.line("n", "efficiency", source=s["curve"], color=c["compute"], line_width=3,
                     legend_label="efficiency")
        e.line("n", "mfu", source=s["curve"], color=c["mfu"], line_width=2, line_dash="dashed",
               legend_label="MFU achieved")
        e.scatter("n", "efficiency", source=s["chosen"], size=11, marker="circle", color=c["compute"])
        e.scatter("n", "mfu", source=s["chosen"], size=10, marker="square", color=c["mfu"])
        # hollow, so that the chosen size's markers show through at 8,192 and 16,384
        self._llama = e.scatter("n", "mfu", source=s["llama"], size=15, marker="diamond", line_color=c["llama"],
                                line_width=2, fill_alpha=0, legend_label="Llama 3 405B, measured MFU")
        e.add_tools(HoverTool(renderers=[eff], mode="vline", tooltips=[
            ("accelerators", "@n{0,0}"), ("efficiency", "@efficiency{0.0%}"), ("MFU achieved", "@mfu{0.0%}")]))
        self._e_ticker = log_axis(e.xaxis[0], count_ticks())
        e.yaxis[0].formatter = NumeralTickFormatter(format="0%")
        self._eff_chosen_line = Span(location=1.0, dimension="height", line_color="#000000", line_dash="dashed",
                                     line_width=1)
        e.add_layout(self._eff_chosen_line)
        self._eff_fig = e
        for fig in (f, e):  # below the plot: inside, the legend covered the curves
            legend = fig.legend[0]
            legend.orientation, legend.label_text_font_size, legend.border_line_alpha = "horizontal", "9pt", 0
            legend.update(ncols=2, padding=2, spacing=2)
            fig.add_layout(legend, "below")
        self._llama_item = next(item for item in e.legend[0].items
                                if isinstance(item, LegendItem) and self._llama in item.renderers)

    # -- the model -----------------------------------------------------------------------------------------------
    def model_inputs(self) -> ParallelismInputs:
        c = self.controls
        layout = replace(self.start.layout, tensor_parallel_size=int(c["tensor_parallel_size"].value),
                         pipeline_parallel_size=int(c["pipeline_parallel_size"].value),
                         micro_batch_size=int(c["micro_batch_size"].value),
                         n_virtual_stages=int(c["n_virtual_stages"].value),
                         frac_peak_flop=float(c["frac_peak_flop"].value),
                         frac_allreduce_overlapped=float(c["frac_allreduce_overlapped"].value),
                         scale_out_bytes_per_s=float(c["scale_out_gbit_per_s"].value) * 1e9 / 8)
        return replace(self.start, model=c["model"].value, data_parallel_size=int(c["data_parallel_size"].value),
                       layout=layout, global_batch_size=int(c["global_batch_size"].value),
                       sequence_tokens=int(c["sequence_tokens"].value))

    def _compute(self, inputs: ParallelismInputs) -> ParallelismResult:
        shape, lay = MODELS[inputs.model], inputs.layout
        B, s = inputs.global_batch_size, inputs.sequence_tokens
        model: dict[str, Any] = dict(n_params=shape.n_params, n_layers=shape.n_layers, d_model=shape.d_model,
                                     global_batch_size=B, sequence_tokens=s)
        t, p, b = lay.tensor_parallel_size, lay.pipeline_parallel_size, lay.micro_batch_size
        d = inputs.data_parallel_size
        # The curves stop at the most replicas the model takes (it refuses more), and are kept: a move of the main
        # slider only picks its size out of them.
        limits = {"batch": B // b, "accelerators": par.MAX_ACCELERATORS // (t * p), "slider": REPLICAS[-1]}
        limit = min(limits, key=lambda k: limits[k])
        key = (inputs.model, lay, B, s)
        replicas = self._memo(("replicas", limits[limit]), lambda: _replica_grid(limits[limit]))
        at = np.flatnonzero(replicas == d)
        if not at.size:  # beyond the curve: the model refuses this size (its reason goes to the readout)
            par.step_time(lay, d, **model)
        curve = self._memo(("curve", *key), lambda: par.step_time(lay, replicas, **model))
        chosen = _one(curve, int(at[0])) if at.size else par.step_time(lay, d, **model)
        reference = None
        table4 = par.LLAMA3_405B_TABLE4_LAYOUT
        if inputs.model == LLAMA3_405B and (t, p, B, s) == (table4["tensor_parallel_size"],
                                                          table4["pipeline_parallel_size"],
                                                          table4["global_batch_size"], table4["sequence_tokens"]):
            sizes = np.array(sorted(par.LLAMA3_405B_MFU)) // (t * p)
            if sizes.max() <= limits[limit]:
                reference = self._memo(("reference", *key), lambda: par.step_time(lay, sizes, **model))
        links = self._memo(("links", lay, t, d), lambda: (
            float(par.group_link_bytes_per_s(lay.accelerator, t, lay.accelerators_per_node, lay.scale_out_bytes_per_s)),
            float(par.group_link_bytes_per_s(lay.accelerator, t * d, lay.accelerators_per_node,
                                             lay.scale_out_bytes_per_s))))
        return ParallelismResult(shape=shape, max_replicas=int(limits[limit]), limit=limit, replicas=replicas,
                                 curve=curve, chosen=chosen, tensor_link_bytes_per_s=links[0],
                                 data_link_bytes_per_s=links[1], reference=reference)

    # -- the picture ---------------------------------------------------------------------------------------------
    def _achieved_mfu(self, lay: par.ParallelLayout, step: par.StepTime) -> np.ndarray:
        return np.asarray(hardware.mfu(step.model_flop_per_s_per_accelerator, lay.accelerator.peak_flop_per_s))

    def _draw(self, inputs: ParallelismInputs, r: ParallelismResult) -> None:
        lay, cv, ch = inputs.layout, r.curve, r.chosen
        self._draw_curves(inputs, r)
        n_chosen = float(ch.n_accelerators)
        total_chosen = float(ch.step_s) * n_chosen
        self._show("chosen", dict(n=[n_chosen], total=[total_chosen], efficiency=[float(ch.efficiency)],
                                  mfu=[float(self._achieved_mfu(lay, ch))]))
        set_props(self._chosen_line, location=n_chosen)
        set_props(self._eff_chosen_line, location=n_chosen)
        n = np.asarray(cv.n_accelerators)
        self.readout.value = self._readout(inputs, r, float(n[-1]))

    def _draw_curves(self, inputs: ParallelismInputs, r: ParallelismResult) -> None:
        """The curves, the Llama 3 points and the ranges: they do not move with the main slider (kept per layout)."""
        lay, cv = inputs.layout, r.curve

        def columns() -> dict[str, np.ndarray]:
            n = np.asarray(cv.n_accelerators, dtype=float)
            # accelerator-seconds per step: each part of the step time, times the accelerators that wait through it
            compute = np.asarray(cv.compute_s) * n
            tensor = compute + np.asarray(cv.tensor_parallel_s) * n
            allreduce = tensor + np.asarray(cv.data_parallel_exposed_s) * n
            return dict(n=n, compute=compute, tensor=tensor, allreduce=allreduce,
                        total=allreduce + np.asarray(cv.bubble_s) * n, step=np.asarray(cv.step_s, dtype=float),
                        efficiency=np.asarray(cv.efficiency, dtype=float), mfu=self._achieved_mfu(lay, cv))

        data = self._memo(("columns", inputs.model, lay, inputs.global_batch_size, inputs.sequence_tokens), columns)
        self._show("curve", data)
        n = data["n"]
        self._show("ideal", dict(n=np.array([n[0], n[-1]]), share=np.ones(2)))
        llama = inputs.model == LLAMA3_405B
        ref_n = np.array(sorted(par.LLAMA3_405B_MFU), dtype=float) if llama else np.array([])
        self._show("llama", dict(n=ref_n, mfu=np.array([par.LLAMA3_405B_MFU[int(k)] for k in ref_n])))
        set_props(self._llama_item, visible=llama)
        held = np.concatenate([n[[0, -1]], ref_n])
        x0, x1 = float(held.min()) / X_PAD, float(held.max()) * X_PAD
        set_props(self._step_fig.x_range, start=x0, end=x1)
        ticks = self._memo(("ticks", x0, x1), lambda: log_ticks([x0, x1]))
        set_props(self._x_ticker, ticks=ticks)
        set_props(self._e_ticker, ticks=ticks)
        set_props(self._step_fig.y_range, start=0.0, end=float(data["total"].max()) * 1.05)

    def _readout(self, inputs: ParallelismInputs, r: ParallelismResult, n_end: float) -> str:
        lay, ch = inputs.layout, r.chosen
        d, t, p, b, v = (inputs.data_parallel_size, lay.tensor_parallel_size, lay.pipeline_parallel_size,
                         lay.micro_batch_size, lay.n_virtual_stages)
        n, eff, step = float(ch.n_accelerators), float(ch.efficiency), float(ch.step_s)
        mfu = float(self._achieved_mfu(lay, ch))
        gbit = f"{lay.scale_out_bytes_per_s * 8 / 1e9:,.0f} Gb/s"
        nvlink = float(par.scale_up_bytes_per_s(lay.accelerator))
        one = n == 1
        head = (f"<b>{n:,.0f} accelerator{'' if one else 's'}</b> ({d:,} replica{'' if d == 1 else 's'} × {t} tensor "
                f"× {p} pipeline) deliver{'s' if one else ''} the work of "
                f"<b>{number(float(ch.effective_accelerators))}</b>: <b>{percent(eff)}</b> of the ideal speed-up, "
                f"<b>{seconds(step)}</b> a step, {count(float(ch.tokens_per_s))} tokens/s, MFU {percent(mfu)}.")
        losses = {"tensor": float(ch.tensor_parallel_s), "allreduce": float(ch.data_parallel_exposed_s),
                  "bubble": float(ch.bubble_s)}
        largest = max(losses, key=lambda k: losses[k])
        m = float(ch.n_micro_batches)
        if losses[largest] <= 0.0:
            why = "Nothing is lost: the compute runs alone."
        elif largest == "bubble":
            why = (f"Largest loss: the <b>pipeline bubble</b> ({seconds(losses['bubble'])}): the "
                   f"{inputs.global_batch_size:,} sequences leave each replica <b>{m:,.0f} micro-batch"
                   f"{'es' if m != 1 else ''}</b> of {b} to fill {p} stages{f' ({v} chunks each)' if v > 1 else ''}, "
                   "fewer as replicas are added.")
        elif largest == "allreduce":
            over = "NVLink" if r.data_link_bytes_per_s >= nvlink else f"the {gbit} network"
            why = (f"Largest loss: the <b>gradient all-reduce</b> ({seconds(losses['allreduce'])} exposed): each "
                   f"replica's gradients cross {over} every step, as slowly however many replicas share the work.")
        else:
            inside = "" if ch.tensor_parallel_crosses_nodes else ", over NVLink inside a node"
            why = (f"Largest loss: <b>tensor-parallel traffic</b> ({seconds(losses['tensor'])}): four all-reduces of "
                   f"the activations per layer and micro-batch{inside}.")
        if bool(ch.tensor_parallel_crosses_nodes):
            why += (f" Tensor parallelism over {t} spans more than a node of {lay.accelerators_per_node}: it crosses "
                    f"the network at {number(r.tensor_link_bytes_per_s / 1e9)} GB/s, not NVLink's "
                    f"{number(nvlink / 1e9)} GB/s.")
        end = {"batch": f"each replica needs a micro-batch of {b}",
               "accelerators": f"the model takes at most {par.MAX_ACCELERATORS:,} accelerators",
               "slider": "the slider's end"}[r.limit]
        tail = f"Curves end at {n_end:,.0f} accelerators ({r.max_replicas:,} replicas): {end}."
        if inputs.model == LLAMA3_405B:
            measured = " and ".join(f"{percent(mfu_k)} on {k:,}" for k, mfu_k in sorted(par.LLAMA3_405B_MFU.items()))
            if r.reference is not None:
                model_mfu = " and ".join(percent(float(x)) for x in self._achieved_mfu(lay, r.reference))
                compare = f"; the model: {model_mfu}"
            else:
                compare = " with tensor 8, pipeline 16, 2,048 sequences of 8,192 tokens"
            tail += f" Diamonds: Llama 3's MFU (Table 4), {measured} H100s{compare}."
        lines = [head, why, tail]
        return "<br>".join(lines)

    def _layout(self) -> ipw.Box:
        c = self.controls
        left = ipw.VBox([c[k] for k in ("data_parallel_size", "model", "global_batch_size", "micro_batch_size",
                                        "sequence_tokens", "frac_peak_flop")])
        right = ipw.VBox([c[k] for k in ("tensor_parallel_size", "pipeline_parallel_size", "n_virtual_stages",
                                         "frac_allreduce_overlapped", "scale_out_gbit_per_s")])
        return ipw.VBox([ipw.HBox([left, right]), self.readout, self._plot(row(self._step_fig, self._eff_fig))])


__all__ = ["ParallelismExplorer", "ParallelismInputs", "ParallelismResult", "MODELS"]
