"""ClusterMemoryExplorer: what one accelerator must hold to train a model, and whether it fits.

Run in a notebook::

    from widgets import ClusterMemoryExplorer
    ClusterMemoryExplorer()

A transformer of Korthikanti et al.'s Table 3 (or the caller's own :class:`~compute_econ.cluster.TransformerShape`)
is trained on catalogue accelerators with a layout: data-parallel ranks (the main slider), tensor- and
pipeline-parallel sizes, a ZeRO stage, a micro-batch, sequence parallelism and activation recomputation, in mixed
precision with Adam or 8-bit Adam. Each bar is the memory per accelerator by component (weights, gradients,
optimiser states, activations) against the accelerator's memory (the dashed line). The left plot shows the same
layout at every ZeRO stage, the right one at every recomputation choice; the chosen layout is outlined in both, so
what sharding and recomputation save is seen at a glance. The readout says whether the layout fits, which part is
largest, the fewest accelerators the model states need and, when it does not fit, one change of ZeRO stage,
sequence parallelism, recomputation or accelerator that makes it fit, if there is one.

Every number comes from :mod:`compute_econ.cluster.memory`: model states from Rajbhandari et al. 2020 (ZeRO,
arXiv:1910.02054, Section 3.1 and Figure 1), activations from Korthikanti et al. 2022 (arXiv:2205.05198, Table 2
and Equation 5), 8-bit Adam from Dettmers et al. 2021 (arXiv:2110.02861, Section 2.1); accelerator memory from the
catalogue (:mod:`compute_econ.hardware`, vendors' datasheets).

The y axis is linear, so that the stacked parts keep their proportions, from 0 to a little above the taller of the
capacity and the highest bar, but at most :data:`VIEW_CAPACITIES` times the capacity: a bar that runs past it (a
trillion parameters unsharded: terabytes against 80 GB) is cut at the top of the view and marked "▲" with its
total, and the readout says so. Every bar carries its total as a label, so a bar of 1 GB beside a 192 GB line is
still read.
"""

from __future__ import annotations

from typing import ClassVar

from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

import ipywidgets as ipw
import numpy as np
from bokeh.layouts import row
from bokeh.core.properties import value
from bokeh.models import ColumnDataSource, FactorRange, HoverTool, NumeralTickFormatter, Range1d
from bokeh.models.annotations import Legend, LegendItem
from bokeh.plotting import figure

from compute_econ import hardware
from compute_econ._records import ArrayRecord
from compute_econ._validate import choice, instance, integer
from compute_econ.cluster import memory
from compute_econ.cluster.memory import (MIXED_PRECISION_ADAM, MIXED_PRECISION_ADAM_8BIT, RECOMPUTATIONS,
                                         TRANSFORMER_SHAPES, ZERO_STAGES, ModelStateMemory, TrainingLayout,
                                         TrainingMemory, TrainingPrecision, TransformerShape)

from ._base import (PRIMARY_SLIDER_CLASS, Explorer, checkbox, dropdown, int_slider, option, selection_slider,
                    set_props, store)
from . import colour as kit
from ._format import data_bytes, number, percent

#: Data-parallel ranks offered (the main slider): 1 to 4,096 on a log scale, two steps an octave (1, 2, 3, 4, 6, 8, ...).
DATA_PARALLEL: tuple[int, ...] = tuple(sorted({2**k for k in range(13)} | {3 * 2**k for k in range(11)}))
#: Tensor-parallel sizes offered: powers of two from 1 to 64.
TENSOR_PARALLEL: tuple[int, ...] = tuple(2**k for k in range(7))
#: Sequences per micro-batch offered: powers of two from 1 to 64.
MICRO_BATCHES: tuple[int, ...] = tuple(2**k for k in range(7))
#: Training recipes offered (menu key -> the model's constant): bytes per parameter for weights, gradients and
#: optimiser states.
PRECISIONS: Mapping[str, TrainingPrecision] = MappingProxyType({
    "adam": MIXED_PRECISION_ADAM,
    "adam_8bit": MIXED_PRECISION_ADAM_8BIT,
})
#: The bars' x labels: the ZeRO stages (what each shards) and the recomputation choices.
ZERO_LABELS: tuple[str, ...] = ("0: none", "1: optimiser", "2: + gradients", "3: + weights")
RECOMPUTATION_LABELS: tuple[str, ...] = RECOMPUTATIONS
#: Components of a bar, bottom to top: (name in the readout, the model's field, colour, hatch). Okabe-Ito colours,
#: and a hatch as the second cue.
COMPONENTS: tuple[tuple[str, str, str, str], ...] = (
    ("weights", "weights_bytes", "#0072B2", " "),
    ("gradients", "gradients_bytes", "#56B4E9", "/"),
    ("optimiser states", "optimizer_states_bytes", "#E69F00", "."),
    ("activations", "activations_bytes", "#009E73", "x"),
)
CAPACITY_COLOR, CHOSEN_COLOR = "#D55E00", "#000000"
#: Fill opacity of the chosen bar and of the others.
CHOSEN_ALPHA, OTHER_ALPHA = 0.95, 0.4
#: The y axis shows at most this many times the accelerator's memory; a taller bar is cut there and marked.
VIEW_CAPACITIES = 4.0
#: Room above the tallest thing shown (bar or capacity line) for the bars' labels.
HEADROOM = 1.16
GB = 1e9

#: The defaults, chosen so that the layout fits and one notch breaks it: GPT-3 175B (Korthikanti et al. 2022, Table 3)
#: on 1,024 H100s, 32 data-parallel x 8 tensor x 4 pipeline, ZeRO stage 1, selective recomputation, micro-batch 1:
#: 55.3 GB of 80 GB. ZeRO stage 0 (the optimiser states unsharded: 118.9 GB) or a micro-batch of 2 (86.7 GB) does
#: not fit, nor do 2 data-parallel ranks (86.0 GB); without recomputation it still fits, barely (79.5 GB).
DEFAULT_MODEL = "GPT-3 175B"
DEFAULT_ACCELERATOR = "NVIDIA H100 SXM"



@dataclass(frozen=True)
class ClusterMemoryInputs:
    """What the ClusterMemoryExplorer's model calls take (validated, stored): a transformer shape, a training
    precision, a catalogue accelerator and a layout."""

    model: TransformerShape
    precision: TrainingPrecision
    accelerator: str
    layout: TrainingLayout

    def __post_init__(self) -> None:
        store(self, "model", instance("model", self.model, TransformerShape))
        store(self, "precision", instance("precision", self.precision, TrainingPrecision))
        store(self, "accelerator", choice("accelerator", self.accelerator, tuple(hardware.load_accelerators())))
        store(self, "layout", instance("layout", self.layout, TrainingLayout))


@dataclass(frozen=True, eq=False)
class ClusterMemoryResult(ArrayRecord):
    """The chosen layout's memory and every bar's parts, from :mod:`compute_econ.cluster.memory`.

    ``memory`` is :func:`~compute_econ.cluster.training_memory` of the chosen layout. ``states_by_stage`` holds
    :func:`~compute_econ.cluster.model_state_memory` at each ZeRO stage (0-3) over ``n_data_parallel_grid`` (the
    slider's values; the chosen one at ``index``), with the chosen tensor x pipeline size;
    ``activations_by_recomputation`` :func:`~compute_econ.cluster.activation_bytes` for "none", "selective" and
    "full" with the chosen micro-batch, tensor size and sequence parallelism; ``activations_with_sequence_parallel``
    the same with sequence parallelism on (``None`` unless the layout does not fit and it is off with a tensor size
    above 1: a change the readout may suggest). ``min_accelerators`` is
    :func:`~compute_econ.cluster.min_accelerators` and ``model_states_bytes`` the whole model's weights, gradients
    and optimiser states (one copy). ``accelerators`` are the catalogue's, for a larger memory to suggest.
    """

    memory: TrainingMemory
    accelerator: hardware.Accelerator
    n_data_parallel_grid: np.ndarray
    index: int
    states_by_stage: tuple[ModelStateMemory, ...]
    activations_by_recomputation: tuple[float, ...]
    activations_with_sequence_parallel: tuple[float, ...] | None
    min_accelerators: int
    model_states_bytes: float
    accelerators: tuple[hardware.Accelerator, ...]

    def states_at(self, stage: int) -> tuple[float, float, float]:
        """Weights, gradients and optimiser states per accelerator at ``stage`` for the chosen ranks, bytes."""
        s = self.states_by_stage[stage]
        return tuple(float(np.asarray(getattr(s, f))[self.index])  # type: ignore[return-value]
                     for f in ("weights_bytes", "gradients_bytes", "optimizer_states_bytes"))


def _key(name: str, value: Any, known: Mapping[str, Any], kind: type) -> tuple[str, Any]:
    """The menu key of a constructor's ``value``: a key of ``known``, or the caller's own ``kind`` instance (whose
    name becomes its key; it may not take the name of another one)."""
    if isinstance(value, kind):
        key = value.name  # type: ignore[attr-defined]
        for k, v in known.items():
            if v == value:
                return k, v
        if key in known:
            raise ValueError(f"{name} {key!r} has the name of one the explorer offers, with other numbers; "
                             f"give it another name")
        return key, value
    key = option(name, value, tuple(known))
    return key, known[key]


class ClusterMemoryExplorer(Explorer[ClusterMemoryInputs, ClusterMemoryResult]):
    """Model, precision, accelerator and layout in; memory per accelerator by component, and fits or not, out.

    Parameters
    ----------
    model : str or TransformerShape
        A shape of ``compute_econ.cluster.TRANSFORMER_SHAPES`` (Korthikanti et al. 2022, Table 3: "22B",
        "GPT-3 175B", "MT-NLG 530B", "1T"), or the caller's own ``TransformerShape``, added to the menu.
    precision : str or TrainingPrecision
        "adam" (mixed precision with Adam, 16 bytes per parameter, the ZeRO paper's) or "adam_8bit" (8-bit Adam,
        10), or the caller's own ``TrainingPrecision``, added to the menu.
    accelerator : str
        A catalogue accelerator (``compute_econ.hardware.load_accelerators()``); its memory is the capacity.
    n_data_parallel : int
        Data-parallel ranks, one of :data:`DATA_PARALLEL` (1 to 4,096; the main slider).
    tensor_parallel : int
        Tensor-parallel size, a power of two from 1 to 64.
    pipeline_parallel : int
        Pipeline stages, 1 to the starting model's layers.
    zero_stage : int
        ZeRO stage 0-3 over the data-parallel ranks.
    micro_batch_size : int
        Sequences per micro-batch, a power of two from 1 to 64.
    sequence_parallel : bool
        Sequence parallelism with the tensor parallelism (Korthikanti et al. 2022, Section 4.2.2).
    recomputation : str
        Activation recomputation: "none", "selective" or "full".
    seq_len : int
        Tokens per sequence (no control), 1 to 1e8; default 2,048, Korthikanti et al.'s.
    """

    #: The book precomputes every ZeRO stage.
    #: Each control's name for a screen reader (its tooltip): what it sets and in which unit.
    CONTROL_NAMES: ClassVar[Mapping[str, str]] = {
        "model": "model whose training memory is shown",
        "precision": "number precision of weights and optimiser state",
        "accelerator": "accelerator, which sets the memory per device",
        "n_data_parallel": "data-parallel ranks, a count of model copies",
        "pipeline_parallel": "pipeline stages, a count",
        "zero_stage": "ZeRO stage: what the data-parallel ranks shard (0 none, 3 everything)",
        "tensor_parallel": "tensor-parallel size, accelerators sharing each layer",
        "micro_batch_size": "micro-batch size, in sequences",
        "recomputation": "activation recomputation: which activations are recomputed instead of stored",
        "sequence_parallel": "sequence parallelism alongside the tensor parallelism, on or off",
    }
    STATIC_CONTROLS: ClassVar[Mapping[str, int]] = {"zero_stage": 4, "n_data_parallel": 24}

    PARAMETER_CONTROLS = {"model": "model", "precision": "precision", "accelerator": "accelerator",
                          "n_data_parallel": "n_data_parallel", "tensor_parallel": "tensor_parallel",
                          "pipeline_parallel": "pipeline_parallel", "zero_stage": "zero_stage",
                          "micro_batch_size": "micro_batch_size", "sequence_parallel": "sequence_parallel",
                          "recomputation": "recomputation"}
    start: ClusterMemoryInputs
    result: ClusterMemoryResult

    def __init__(self, model: str | TransformerShape = DEFAULT_MODEL, precision: str | TrainingPrecision = "adam",
                 accelerator: str = DEFAULT_ACCELERATOR, n_data_parallel: int = 32, tensor_parallel: int = 8,
                 pipeline_parallel: int = 4, zero_stage: int = 1, micro_batch_size: int = 1,
                 sequence_parallel: bool = False, recomputation: str = "selective", seq_len: int = 2048):
        model_key, shape = _key("model", model, TRANSFORMER_SHAPES, TransformerShape)
        precision_key, prec = _key("precision", precision, PRECISIONS, TrainingPrecision)
        self._models = dict(TRANSFORMER_SHAPES) | {model_key: shape}
        self._precisions = dict(PRECISIONS) | {precision_key: prec}
        layout = TrainingLayout(
            n_data_parallel=option("n_data_parallel", n_data_parallel, DATA_PARALLEL),
            tensor_parallel=option("tensor_parallel", tensor_parallel, TENSOR_PARALLEL),
            pipeline_parallel=integer("pipeline_parallel", pipeline_parallel, 1, shape.n_layers),
            zero_stage=option("zero_stage", zero_stage, ZERO_STAGES),
            micro_batch_size=option("micro_batch_size", micro_batch_size, MICRO_BATCHES),
            seq_len=seq_len,
            sequence_parallel=sequence_parallel,
            recomputation=option("recomputation", recomputation, RECOMPUTATIONS),
        )
        super().__init__(ClusterMemoryInputs(model=shape, precision=prec, accelerator=accelerator, layout=layout))

    # -- data, plots, controls ----------------------------------------------------
    def _build(self) -> None:
        st, lay = self.start, self.start.layout
        style = {"description_width": "140px"}
        wide = ipw.Layout(width="420px")
        ranks = selection_slider("n_data_parallel", lay.n_data_parallel, list(DATA_PARALLEL),
                                 description="data-parallel ranks", style=style, layout=wide)
        ranks.add_class(PRIMARY_SLIDER_CLASS)
        precision_options = [(f"{p.name.replace('mixed precision (16-bit) with ', '16-bit, ')} "
                              f"({p.bytes_per_param:g} B/param)", k) for k, p in self._precisions.items()]
        self.controls = {
            "model": dropdown("model", st.model.name, list(self._models), description="model", style=style,
                              layout=wide),
            "precision": dropdown("precision", self._key_of(st.precision), precision_options,
                                  description="precision, optimiser", style=style, layout=wide),
            # every catalogue row has a memory (a required column)
            "accelerator": dropdown("accelerator", st.accelerator, list(hardware.load_accelerators()),
                                    description="accelerator", style=style, layout=wide),
            "n_data_parallel": ranks,
            "pipeline_parallel": int_slider("pipeline_parallel", lay.pipeline_parallel, low=1,
                                            high=st.model.n_layers, description="pipeline stages", style=style,
                                            layout=wide),
            # One row per control (a slider or a menu with its label beside it), so the explorer fits a 1280 x 720 slide.
            "zero_stage": selection_slider("zero_stage", lay.zero_stage, list(zip(ZERO_LABELS, ZERO_STAGES, strict=True)),
                                           description="ZeRO stage",
                                           style=style, layout=wide),
            "tensor_parallel": selection_slider("tensor_parallel", lay.tensor_parallel, list(TENSOR_PARALLEL),
                                                description="tensor-parallel size", style=style, layout=wide),
            "micro_batch_size": selection_slider("micro_batch_size", lay.micro_batch_size, list(MICRO_BATCHES),
                                                 description="micro-batch size", style=style, layout=wide),
            "recomputation": dropdown("recomputation", lay.recomputation, list(RECOMPUTATIONS),
                                      description="recomputation", style=style, layout=wide),
            "sequence_parallel": checkbox("sequence_parallel", lay.sequence_parallel,
                                          description="sequence parallel (with the tensor parallelism)",
                                          indent=False, layout=wide),
        }

        # A bar's parts are drawn from 0 to y1 (weights), y1 to y2 (gradients), y2 to y3 (optimiser states) and y3
        # to y4 (activations), in GB, cut at the top of the view; the hover shows each part whole.
        columns = ["x", "y1", "y2", "y3", "y4", "alpha", "line", "style", "label", "weights", "gradients",
                   "optimiser", "activations"]
        self.sources = {
            "zero": ColumnDataSource(data={c: [] for c in columns}),
            "recomputation": ColumnDataSource(data={c: [] for c in columns}),
            "capacity": ColumnDataSource(data=dict(y=[])),
        }
        self._y_range = Range1d(start=0.0, end=100.0)
        self._zero_fig = self._bar_figure("Every ZeRO stage, the rest as chosen", ZERO_LABELS, "ZeRO stage (what it "
                                          "shards over the data-parallel ranks)", self.sources["zero"])
        self._recompute_fig = self._bar_figure("Every recomputation, the rest as chosen", RECOMPUTATION_LABELS,
                                               "activation recomputation", self.sources["recomputation"])
        # One legend under each plot, two rows each, so that the two plots keep the same height: the parts under the
        # left one, the capacity line and the chosen bar's outline under the right one.
        n = len(COMPONENTS)
        self._parts_items = [LegendItem(label=value(name), renderers=[r])
                             for (name, *_), r in zip(COMPONENTS, self._zero_fig.renderers[:n], strict=True)]
        self._capacity_item = LegendItem(label=value("memory of one accelerator"),
                                         renderers=[self._recompute_fig.renderers[n]])
        self._chosen_item = LegendItem(label=value("chosen layout"), renderers=[self._recompute_fig.renderers[n + 1]])
        for fig, items, ncols in ((self._zero_fig, self._parts_items, 2),
                                  (self._recompute_fig, [self._capacity_item, self._chosen_item], 1)):
            fig.add_layout(Legend(items=items, orientation="horizontal", ncols=ncols, label_text_font_size="9pt",
                                  border_line_alpha=0, spacing=2, margin=4), "below")

    def _bar_figure(self, title: str, factors: tuple[str, ...], x_label: str, source: ColumnDataSource) -> Any:
        """A plot of stacked bars, one per factor, with the capacity line and the chosen bar's outline."""
        f = figure(title=title, width=440, height=390, x_range=FactorRange(factors=list(factors)),
                   y_range=self._y_range, x_axis_label=x_label, y_axis_label="GB per accelerator",
                   tools="save", toolbar_location="above")
        renderers: list[Any] = []
        for k, (_name, _field, color, hatch) in enumerate(COMPONENTS):
            renderers.append(f.vbar(x="x", bottom=f"y{k}" if k else 0.0, top=f"y{k + 1}", width=0.7, source=source,
                                    fill_color=color, fill_alpha="alpha", line_color=kit.GREY_TEXT, line_width=1,
                                    hatch_pattern=hatch, hatch_color="white", hatch_alpha=0.45, hatch_scale=8))
        f.hspan(y="y", source=self.sources["capacity"], line_color=CAPACITY_COLOR, line_dash="dashed", line_width=2)
        f.vbar(x="x", bottom=0.0, top="y4", width=0.7, source=source, fill_alpha=0.0, line_color=CHOSEN_COLOR,
               line_width="line")
        f.text(x="x", y="y4", text="label", source=source, text_align="center", text_baseline="bottom",
               text_font_size="9pt", text_font_style="style", y_offset=-2)
        f.add_tools(HoverTool(renderers=renderers, tooltips=[
            ("", "@x"), ("weights", "@weights{0,0.0} GB"), ("gradients", "@gradients{0,0.0} GB"),
            ("optimiser states", "@optimiser{0,0.0} GB"), ("activations", "@activations{0,0.0} GB"),
            ("total", "@label")]))
        f.yaxis.formatter = NumeralTickFormatter(format="0,0")
        f.xgrid.grid_line_color = None
        return f

    def _key_of(self, precision: TrainingPrecision) -> str:
        return next(k for k, p in self._precisions.items() if p == precision)

    def model_inputs(self) -> ClusterMemoryInputs:
        c = self.controls
        layout = replace(self.start.layout, n_data_parallel=int(c["n_data_parallel"].value),
                         tensor_parallel=int(c["tensor_parallel"].value),
                         pipeline_parallel=int(c["pipeline_parallel"].value), zero_stage=int(c["zero_stage"].value),
                         micro_batch_size=int(c["micro_batch_size"].value),
                         sequence_parallel=bool(c["sequence_parallel"].value),
                         recomputation=str(c["recomputation"].value))
        return replace(self.start, model=self._models[c["model"].value],
                       precision=self._precisions[c["precision"].value], accelerator=c["accelerator"].value,
                       layout=layout)

    def _compute(self, inputs: ClusterMemoryInputs) -> ClusterMemoryResult:
        # The bars' model states come from one call per ZeRO stage over every rank the slider offers, and their
        # activations from one call per recomputation; both are kept (``_memo``), so a move of the ranks slider, the
        # main one, costs one call: the chosen layout's training_memory (which also refuses what cannot exist).
        model, prec, lay = inputs.model, inputs.precision, inputs.layout
        acc = hardware.get_accelerator(inputs.accelerator)
        chosen = self._memo(("chosen", inputs), lambda: memory.training_memory(model, lay, prec, acc))
        grid = np.asarray(DATA_PARALLEL, dtype=float)
        n_model_parallel = lay.tensor_parallel * lay.pipeline_parallel
        states = self._memo(("states", model.n_params, prec, n_model_parallel), lambda: tuple(
            memory.model_state_memory(model.n_params, grid, stage, prec, n_model_parallel) for stage in ZERO_STAGES))

        def activations(sequence_parallel: bool) -> tuple[float, ...]:
            return self._memo(("activations", model, lay.seq_len, lay.micro_batch_size, lay.tensor_parallel,
                               sequence_parallel), lambda: tuple(
                float(memory.activation_bytes(model.n_layers, lay.seq_len, lay.micro_batch_size, model.d_model,
                                              model.n_heads, lay.tensor_parallel, sequence_parallel, r))
                for r in RECOMPUTATIONS))

        with_sp = None
        if not chosen.fits and not lay.sequence_parallel and lay.tensor_parallel > 1:
            with_sp = activations(True)
        n_min = self._memo(("min", model.n_params, acc, prec),
                           lambda: int(memory.min_accelerators(model.n_params, acc, prec)))
        whole = self._memo(("whole", model.n_params, prec),
                           lambda: float(memory.model_state_memory(model.n_params, precision=prec).total_bytes))
        return ClusterMemoryResult(
            memory=chosen, accelerator=acc, n_data_parallel_grid=grid, index=DATA_PARALLEL.index(lay.n_data_parallel),
            states_by_stage=states, activations_by_recomputation=activations(lay.sequence_parallel),
            activations_with_sequence_parallel=with_sp, min_accelerators=n_min, model_states_bytes=whole,
            accelerators=tuple(hardware.load_accelerators().values()))

    # -- the picture -------------------------------------------------------------------------------
    @staticmethod
    def _bars(factors: tuple[str, ...], parts: list[list[float]], chosen: int, top: float,
              capacity: float) -> dict[str, Any]:
        """The columns of stacked bars at ``factors`` whose parts are ``parts`` (a row of bytes per bar: weights,
        gradients, optimiser states, activations), cut at ``top`` GB (a bar beyond :data:`VIEW_CAPACITIES` times
        ``capacity`` is marked ▲); bar ``chosen`` is highlighted. Plain lists: four bars of four parts."""
        columns: dict[str, Any] = {"x": list(factors), "y1": [], "y2": [], "y3": [], "y4": [], "label": []}
        limit = VIEW_CAPACITIES * capacity
        for row_ in parts:
            end = 0.0
            for k, part in enumerate(row_, start=1):
                end += part
                columns[f"y{k}"].append(min(end / GB, top))
            columns["label"].append(("▲ " if end > limit else "") + data_bytes(end) + (" ✓" if end <= capacity else " ✗"))
        n = len(parts)
        columns |= {
            "alpha": [CHOSEN_ALPHA if i == chosen else OTHER_ALPHA for i in range(n)],
            "line": [3.0 if i == chosen else 0.0 for i in range(n)],
            "style": ["bold" if i == chosen else "normal" for i in range(n)],
        }
        for k, name in enumerate(("weights", "gradients", "optimiser", "activations")):
            columns[name] = [row_[k] / GB for row_ in parts]
        return columns

    def _draw(self, inputs: ClusterMemoryInputs, r: ClusterMemoryResult) -> None:
        lay, mem = inputs.layout, r.memory
        acts = r.activations_by_recomputation
        chosen_acts = acts[RECOMPUTATIONS.index(lay.recomputation)]
        by_stage = [[*r.states_at(s), chosen_acts] for s in ZERO_STAGES]
        by_recompute = [[*r.states_at(lay.zero_stage), a] for a in acts]
        capacity = mem.capacity_bytes
        tallest = max(sum(parts) for parts in by_stage + by_recompute)
        top = min(tallest, VIEW_CAPACITIES * capacity) / GB
        self._show("zero", self._bars(ZERO_LABELS, by_stage, lay.zero_stage, top, capacity))
        self._show("recomputation", self._bars(RECOMPUTATION_LABELS, by_recompute,
                                               RECOMPUTATIONS.index(lay.recomputation), top, capacity))
        self._show("capacity", dict(y=[capacity / GB]))
        # A legend draws its glyphs with one row's values (its ``index``): the chosen bar's, opaque and outlined.
        for item in self._parts_items:
            set_props(item, index=lay.zero_stage)
        set_props(self._chosen_item, index=RECOMPUTATIONS.index(lay.recomputation))
        set_props(self._y_range, start=0.0, end=HEADROOM * max(top, capacity / GB))
        set_props(self._capacity_item, label=value(f"memory of one {r.accelerator.name} ({data_bytes(capacity)})"))
        self.readout.value = self._readout(inputs, r, tallest)

    def _readout(self, inputs: ClusterMemoryInputs, r: ClusterMemoryResult, tallest: float) -> str:
        lay, mem, acc = inputs.layout, r.memory, r.accelerator
        total, capacity = mem.total_bytes, mem.capacity_bytes
        n = mem.n_accelerators
        verdict = "<b>Fits</b>" if mem.fits else "<b>Does not fit</b>"
        used = mem.frac_memory_used
        share = percent(used) if used < 10 else f"{number(used)} times as much"
        lines = [f"{verdict}: <b>{data_bytes(total)}</b> per accelerator against the {data_bytes(capacity)} of one {acc.name} "
                 f"({share}), on {n:,} accelerator{'s' if n > 1 else ''} "
                 f"({lay.n_data_parallel:,} data × {lay.tensor_parallel} tensor × {lay.pipeline_parallel} pipeline)."]
        parts = {name: float(getattr(mem, field)) for name, field, _, _ in COMPONENTS}
        largest = max(parts, key=lambda k: parts[k])
        lines.append(f"{largest.capitalize()} are the largest part ({data_bytes(parts[largest])}, "
                     f"{percent(parts[largest] / total)}): {self._hint(largest, lay)}.")
        need = (f"Fewest accelerators: <b>{r.min_accelerators:,}</b> {acc.name} hold its {data_bytes(r.model_states_bytes)} "
                f"of weights, gradients and optimiser states, fully sharded with no room for activations.")
        if mem.fits:
            lines.append(need)
        else:
            change = self._one_change(inputs, r)
            lines.append((f"<b>One change that makes it fit:</b> {change}. " if change else
                          f"No single change of ZeRO stage, recomputation, sequence parallelism or accelerator makes "
                          f"it fit: the {largest} dominate. ") + need)
        if tallest > VIEW_CAPACITIES * capacity:
            lines.append(f"Bars marked ▲ run past the view, which shows up to {VIEW_CAPACITIES:g} times the "
                         f"accelerator's memory (the tallest is {data_bytes(tallest)}).")
        return "<br>".join(lines)

    @staticmethod
    def _hint(part: str, lay: TrainingLayout) -> str:
        """What shrinks the largest part, by the model's rules (ZeRO: Rajbhandari et al. 2020, Section 5;
        activations: Korthikanti et al. 2022, Table 2)."""
        d = lay.n_data_parallel
        more = "more tensor or pipeline parallelism"
        if part == "activations":
            if lay.recomputation == "full":
                return ("ZeRO does not shrink them, and full recomputation keeps only each layer's input already: a "
                        "smaller micro-batch does")
            return "ZeRO does not shrink them; recomputation, sequence parallelism or a smaller micro-batch do"
        stage = {"optimiser states": 1, "gradients": 2, "weights": 3}[part]
        if d == 1:
            return (f"ZeRO stage {stage} shards them over the data-parallel ranks, and there is one: more ranks, or "
                    f"{more}, shrink them")
        if lay.zero_stage >= stage:
            return f"already sharded over the {d:,} data-parallel ranks: more ranks, or {more}, shrink them"
        return f"ZeRO stage {stage} shards them over the {d:,} data-parallel ranks, or {more} shrinks them"

    @staticmethod
    def _one_change(inputs: ClusterMemoryInputs, r: ClusterMemoryResult) -> str | None:
        """The first of these single changes whose bar fits, in words; ``None`` if none does: a higher ZeRO stage,
        sequence parallelism, more recomputation, an accelerator with more memory (the smallest that holds it)."""
        lay, capacity = inputs.layout, r.memory.capacity_bytes
        acts = r.activations_by_recomputation
        now = RECOMPUTATIONS.index(lay.recomputation)
        for stage in ZERO_STAGES[lay.zero_stage + 1:]:
            total = sum(r.states_at(stage)) + acts[now]
            if total <= capacity:
                return f"ZeRO stage {stage} ({data_bytes(total)})"
        states = sum(r.states_at(lay.zero_stage))
        if r.activations_with_sequence_parallel is not None:
            total = states + r.activations_with_sequence_parallel[now]
            if total <= capacity:
                return f"sequence parallelism ({data_bytes(total)})"
        for k in range(now + 1, len(RECOMPUTATIONS)):
            total = states + acts[k]
            if total <= capacity:
                return f"{RECOMPUTATIONS[k]} recomputation ({data_bytes(total)})"
        # The explorer counts all of an accelerator's memory (training_memory's frac_memory_usable = 1): it fits where
        # the total is at most the memory.
        larger = sorted((a for a in r.accelerators if a.memory_bytes >= r.memory.total_bytes),
                        key=lambda a: a.memory_bytes)
        if larger:
            return f"the {larger[0].name}, with {data_bytes(larger[0].memory_bytes)}"
        return None

    def _layout(self) -> ipw.Box:
        c = self.controls
        left = ipw.VBox([c["model"], c["precision"], c["accelerator"], c["n_data_parallel"], c["pipeline_parallel"]],
                        layout=ipw.Layout(width="440px"))
        right = ipw.VBox([c["zero_stage"], c["tensor_parallel"], c["micro_batch_size"], c["recomputation"],
                          c["sequence_parallel"]], layout=ipw.Layout(width="440px"))
        return ipw.VBox([ipw.HBox([left, right]), self.readout,
                         self._plot(row(self._zero_fig, self._recompute_fig))])


__all__ = ["ClusterMemoryExplorer", "ClusterMemoryInputs", "ClusterMemoryResult", "DATA_PARALLEL", "PRECISIONS"]
