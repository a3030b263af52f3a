"""ServingExplorer: what a token costs on one replica, and the throughput-latency frontier.

Run in a notebook::

    from widgets import ServingExplorer
    ServingExplorer()

A model from :mod:`compute_econ.serving`'s architecture table, served on one replica of
catalogue accelerators (tensor parallelism over 1 to 8), at a weight precision, a batch size,
a prompt length and an hourly price. The readout gives the memory the replica holds (does it
fit?), tokens per second per user and per accelerator, the time to first token and dollars
per million input and output tokens. The left plot is the throughput-latency frontier: cost
per million output tokens against tokens per second per user, over every batch that fits,
with the chosen batch marked; the right plot is the memory: weights and KV cache against the
replica's usable memory. Every number comes from :mod:`compute_econ.serving`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import ipywidgets as ipw
import numpy as np
from bokeh.layouts import row
from bokeh.models import ColumnDataSource, HoverTool, Range1d, Span
from bokeh.plotting import figure

from compute_econ import costs, hardware, serving
from compute_econ._records import ArrayRecord
from compute_econ._validate import choice, scalar

from ._base import (PRIMARY_SLIDER_CLASS, Explorer, dropdown, float_slider, log_axis, log_slider, log_ticks, option,
                    selection_slider, set_props, store, toggle_buttons)
from ._format import number, percent, usd

#: Weight precisions offered (``compute_econ.serving.PRECISIONS``); the KV cache stays in BF16.
PRECISIONS = (("BF16", "bf16"), ("FP8", "fp8"), ("INT8", "int8"), ("INT4", "int4"))
#: Accelerators per replica (tensor parallelism within one node of eight).
N_ACCELERATORS = (1, 2, 4, 8)
#: The batch-size slider: powers of two from 1 to 4,096 (a log slider, whole batches).
BATCH_LOG2 = (0, 12)
#: The prompt-length slider: powers of two from 128 to 131,072 tokens.
PROMPT_LOG2 = (7, 17)
#: Output tokens per request: a chat answer of a few hundred tokens up to a long reasoning trace.
OUTPUT_TOKENS = (64, 256, 512, 1024, 4096, 16384)
#: Hourly price per accelerator (USD): from cheap spot capacity to an on-demand list price and beyond.
PRICE_USD_PER_HOUR = (0.5, 10.0, 0.05)
#: Default price: Lambda's on-demand H100 list price, January 2024 (compute_econ.costs.H100_LAMBDA_2024).
DEFAULT_PRICE_USD_PER_HOUR = costs.H100_LAMBDA_2024.on_demand_usd_per_hour
#: Log axes span at least this factor around the data (half a decade each side at most).
LOG_PAD = 1.6
GB = 1e9


def log_range(values: np.ndarray, pad: float = LOG_PAD) -> tuple[float, float]:
    """A log axis's (start, end) holding every positive finite value of ``values``, padded by ``pad``."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    lo, hi = float(v.min()), float(v.max())
    return lo / pad, hi * pad


@dataclass(frozen=True)
class ServingInputs:
    """What the ServingExplorer's model calls take: a model of the architecture table, a catalogue accelerator,
    accelerators per replica, a weight precision, a batch, prompt and output tokens per request and an hourly price.
    Validated and stored."""

    model: str
    accelerator: str
    n_accelerators: int
    precision: str
    batch_size: float
    prompt_tokens: float
    output_tokens: int
    usd_per_accelerator_hour: float

    def __post_init__(self) -> None:
        store(self, "model", choice("model", self.model, tuple(serving.load_model_architectures())))
        store(self, "accelerator", choice("accelerator", self.accelerator, tuple(hardware.load_accelerators())))
        store(self, "n_accelerators", option("n_accelerators", self.n_accelerators, N_ACCELERATORS))
        store(self, "precision", choice("precision", self.precision, tuple(v for _, v in PRECISIONS)))
        store(self, "batch_size", scalar("batch_size", self.batch_size, 2.0 ** BATCH_LOG2[0], 2.0 ** BATCH_LOG2[1]))
        store(self, "prompt_tokens", scalar("prompt_tokens", self.prompt_tokens, 2.0 ** PROMPT_LOG2[0],
                                            2.0 ** PROMPT_LOG2[1]))
        store(self, "output_tokens", option("output_tokens", self.output_tokens, OUTPUT_TOKENS))
        store(self, "usd_per_accelerator_hour", scalar("usd_per_accelerator_hour", self.usd_per_accelerator_hour,
                                                       PRICE_USD_PER_HOUR[0], PRICE_USD_PER_HOUR[1]))


@dataclass(frozen=True, eq=False)
class ServingResult(ArrayRecord):
    """The chosen operating point, the frontier and the memory, from :mod:`compute_econ.serving`.

    ``estimates`` is :func:`~compute_econ.serving.serving_estimate` and ``memory``
    :func:`~compute_econ.serving.memory_use` at the full context (prompt plus output), both over
    ``batches`` (the batch slider's values), the chosen one at ``index`` (read with :meth:`at`
    and :meth:`memory_at`); ``frontier``
    :func:`~compute_econ.serving.throughput_latency_frontier`, or ``None`` when not even one
    sequence fits beside the weights (``memory.max_batch_size`` is 0).
    """

    architecture: serving.ModelArchitecture
    deployment: serving.Deployment
    batches: np.ndarray
    index: int
    estimates: serving.ServingEstimate
    memory: serving.MemoryUse
    frontier: serving.ServingEstimate | None

    def at(self, field: str) -> float:
        """A field of ``estimates`` at the chosen batch (a number)."""
        return float(np.asarray(getattr(self.estimates, field))[self.index])

    def memory_at(self, field: str) -> float:
        """A field of ``memory`` at the chosen batch (a number)."""
        return float(np.broadcast_to(np.asarray(getattr(self.memory, field)), self.batches.shape)[self.index])


class ServingExplorer(Explorer[ServingInputs, ServingResult]):
    """Model, accelerator, precision, batch, prompt length and price in; memory, speed and $/M tokens out.

    Parameters
    ----------
    model : str
        A model of ``compute_econ.serving.load_model_architectures()``.
    accelerator : str
        A catalogue accelerator (``compute_econ.hardware.load_accelerators()``).
    n_accelerators : int
        Accelerators per replica (tensor parallelism): 1, 2, 4 or 8.
    precision : str
        Weight precision: "bf16", "fp8" (needs FP8 units), "int8" or "int4"; the KV cache is BF16.
    batch_size : float
        Requests decoded together, a power of two from 1 to 4,096.
    prompt_tokens : float
        Prompt tokens per request, a power of two from 128 to 131,072.
    output_tokens : int
        Output tokens per request, one of :data:`OUTPUT_TOKENS`.
    usd_per_accelerator_hour : float
        Price of one accelerator-hour, USD, 0.5 to 10 (default: Lambda's H100 list price, 2024).
    """

    PARAMETER_CONTROLS = {"model": "model", "accelerator": "accelerator", "n_accelerators": "n_accelerators",
                          "precision": "precision", "batch_size": "batch_size", "prompt_tokens": "prompt_tokens",
                          "output_tokens": "output_tokens", "usd_per_accelerator_hour": "usd_per_accelerator_hour"}
    start: ServingInputs
    result: ServingResult

    def __init__(self, model: str = "Llama 3.1 70B", accelerator: str = "NVIDIA H100 SXM", n_accelerators: int = 8,
                 precision: str = "bf16", batch_size: float = 32, prompt_tokens: float = 1024,
                 output_tokens: int = 512, usd_per_accelerator_hour: float = DEFAULT_PRICE_USD_PER_HOUR):
        super().__init__(ServingInputs(model=model, accelerator=accelerator, n_accelerators=n_accelerators,
                                       precision=precision, batch_size=batch_size, prompt_tokens=prompt_tokens,
                                       output_tokens=output_tokens, usd_per_accelerator_hour=usd_per_accelerator_hour))

    def _build(self) -> None:
        st = self.start
        style = {"description_width": "initial"}
        wide = ipw.Layout(width="420px")
        batch = log_slider("batch_size", st.batch_size, base=2, low=BATCH_LOG2[0], high=BATCH_LOG2[1], step=1,
                           description="batch size", readout_format=".0f", style=style, layout=wide)
        batch.add_class(PRIMARY_SLIDER_CLASS)
        self.controls = {
            "model": dropdown("model", st.model, list(serving.load_model_architectures()), description="model",
                              style=style),
            "accelerator": dropdown("accelerator", st.accelerator, list(hardware.load_accelerators()),
                                    description="accelerator", style=style),
            "n_accelerators": toggle_buttons("n_accelerators", st.n_accelerators, list(N_ACCELERATORS),
                                             description="accelerators per replica",
                                             style={"button_width": "40px", "description_width": "initial"}),
            "precision": toggle_buttons("precision", st.precision, list(PRECISIONS), description="weights",
                                        style={"button_width": "55px", "description_width": "initial"}),
            "batch_size": batch,
            "prompt_tokens": log_slider("prompt_tokens", st.prompt_tokens, base=2, low=PROMPT_LOG2[0],
                                        high=PROMPT_LOG2[1], step=1, description="prompt tokens",
                                        readout_format=".0f", style=style, layout=wide),
            "output_tokens": selection_slider("output_tokens", st.output_tokens, list(OUTPUT_TOKENS),
                                              description="output tokens", style=style, layout=wide),
            "usd_per_accelerator_hour": float_slider("usd_per_accelerator_hour", st.usd_per_accelerator_hour,
                                                     low=PRICE_USD_PER_HOUR[0], high=PRICE_USD_PER_HOUR[1],
                                                     step=PRICE_USD_PER_HOUR[2], description="$ per accelerator-hour",
                                                     readout_format=".2f", style=style, layout=wide),
        }
        self.sources = {
            "frontier": ColumnDataSource(data=dict(speed=[], cost=[], batch=[])),
            "point": ColumnDataSource(data=dict(speed=[], cost=[], batch=[], color=[])),
            "memory": ColumnDataSource(data=dict(part=[], left=[], right=[], color=[])),
        }
        s = self.sources
        f = figure(title="Throughput-latency frontier: cheaper tokens or faster ones", x_axis_type="log",
                   y_axis_type="log", width=520, height=380, x_axis_label="output tokens per second per user",
                   y_axis_label="$ per million output tokens", x_range=Range1d(start=1, end=100),
                   y_range=Range1d(start=0.1, end=10), tools="pan,wheel_zoom,box_zoom,reset,save")
        line = f.line("speed", "cost", source=s["frontier"], line_width=2, color="#264653",
                      legend_label="batches that fit (1, 2, 4, ... largest)")
        f.scatter("speed", "cost", source=s["frontier"], size=5, color="#264653")
        f.scatter("speed", "cost", source=s["point"], size=14, color="color", legend_label="chosen batch")
        f.add_tools(HoverTool(renderers=[line], tooltips=[("batch", "@batch{0,0}"), ("tokens/s per user", "@speed{0.0}"),
                                                          ("$/M output", "@cost{0.000}")]))
        f.legend.location = "top_right"
        self._frontier_fig = f
        self._x_ticker = log_axis(f.xaxis[0])
        self._y_ticker = log_axis(f.yaxis[0])
        m = figure(title="Memory of the replica", width=380, height=380, y_range=["KV cache", "weights"],
                   x_axis_label="GB", x_range=Range1d(start=0, end=100), tools="save")
        m.hbar(y="part", left="left", right="right", height=0.6, color="color", source=s["memory"])
        self._capacity = Span(location=1.0, dimension="height", line_color="#c81d25", line_dash="dashed",
                              line_width=2)
        m.add_layout(self._capacity)
        self._memory_fig = m

    def model_inputs(self) -> ServingInputs:
        c = self.controls
        return replace(self.start, model=c["model"].value, accelerator=c["accelerator"].value,
                       n_accelerators=int(c["n_accelerators"].value), precision=c["precision"].value,
                       batch_size=float(c["batch_size"].value), prompt_tokens=float(c["prompt_tokens"].value),
                       output_tokens=int(c["output_tokens"].value),
                       usd_per_accelerator_hour=float(c["usd_per_accelerator_hour"].value))

    def _batches(self, batch_size: float) -> np.ndarray:
        """The batch slider's values (its grid passes through the starting batch), and ``batch_size`` if off it."""
        lo, hi = 2.0 ** BATCH_LOG2[0], 2.0 ** BATCH_LOG2[1]
        start = self.start.batch_size
        k = np.arange(math.ceil(math.log2(lo / start) - 1e-9), math.floor(math.log2(hi / start) + 1e-9) + 1)
        grid = start * 2.0 ** k
        return grid if np.isclose(grid, batch_size, rtol=1e-12, atol=0).any() else np.sort(np.append(grid, batch_size))

    def _compute(self, inputs: ServingInputs) -> ServingResult:
        # Everything but the batch is kept (``_memo``): a move of the batch slider, the main one, only picks
        # its batch out of the estimates over every batch the slider can take.
        arch = serving.get_architecture(inputs.model)
        dep = serving.Deployment(accelerator=hardware.get_accelerator(inputs.accelerator),
                                 n_accelerators=inputs.n_accelerators, weight_precision=inputs.precision)
        price, prompt, out = inputs.usd_per_accelerator_hour, inputs.prompt_tokens, inputs.output_tokens
        batches = self._batches(inputs.batch_size)
        key = (arch.name, dep, prompt, out, price, batches.tobytes())
        curve = self._memo(("estimates", *key),
                           lambda: serving.serving_estimate(arch, dep, batches, prompt, out, price))
        memory = self._memo(("memory", *key), lambda: serving.memory_use(arch, dep, batches, prompt + out))
        frontier = None
        if float(np.min(memory.max_batch_size)) >= 1:
            frontier = self._memo(("frontier", *key[:-1]),
                                  lambda: serving.throughput_latency_frontier(arch, dep, prompt, out, price))
        i = int(np.flatnonzero(np.isclose(batches, inputs.batch_size, rtol=1e-12, atol=0))[0])
        return ServingResult(architecture=arch, deployment=dep, batches=batches, index=i, estimates=curve,
                             memory=memory, frontier=frontier)

    def _draw(self, inputs: ServingInputs, r: ServingResult) -> None:
        mem = r.memory
        fits = bool(np.asarray(r.estimates.fits)[r.index])
        speed, cost = r.at("tokens_per_s_per_user"), r.at("usd_per_m_output")
        if r.frontier is not None:
            fx, fy = np.asarray(r.frontier.tokens_per_s_per_user), np.asarray(r.frontier.usd_per_m_output)
            fb = np.asarray(r.frontier.batch_size)
        else:
            fx = fy = fb = np.array([], dtype=float)
        self._show("frontier", dict(speed=fx, cost=fy, batch=fb))
        self._show("point", dict(speed=[speed], cost=[cost], batch=[inputs.batch_size],
                                 color=["#c81d25" if fits else "#8d99ae"]))
        xs, ys = np.append(fx, speed), np.append(fy, cost)
        x0, x1 = log_range(xs)
        y0, y1 = log_range(ys)
        set_props(self._frontier_fig.x_range, start=x0, end=x1)
        set_props(self._frontier_fig.y_range, start=y0, end=y1)
        set_props(self._x_ticker, ticks=log_ticks([x0, x1]))
        set_props(self._y_ticker, ticks=log_ticks([y0, y1]))

        w, kv = mem.weights_bytes / GB, r.memory_at("kv_cache_bytes") / GB
        cap = mem.capacity_bytes / GB
        self._show("memory", dict(part=["weights", "KV cache"], left=[0.0, w], right=[w, w + kv],
                                  color=["#264653", "#e9c46a" if fits else "#e76f51"]))
        set_props(self._capacity, location=cap)
        set_props(self._memory_fig.x_range, start=0.0, end=1.08 * max(w + kv, cap))

        n = inputs.n_accelerators
        replica = f"{n} × {r.deployment.accelerator.name}" if n > 1 else r.deployment.accelerator.name
        if fits:
            fit_text = f"fits ({percent(r.memory_at('frac_memory_used'))} of usable memory)"
        elif r.memory_at("max_batch_size") >= 1:
            fit_text = (f"<b>does not fit</b>: at most {int(r.memory_at('max_batch_size')):,} "
                        "sequences fit at this context")
        else:
            fit_text = "<b>does not fit</b>: not even one sequence fits beside the weights"
        bound = "memory bandwidth" if bool(np.asarray(r.estimates.memory_bound)[r.index]) else "compute"
        self.readout.value = (
            f"<b>{r.architecture.name}</b> on {replica}, {inputs.precision.upper()} weights: "
            f"{number(w)} GB of weights + {number(kv)} GB of KV cache for {int(inputs.batch_size):,} sequences of "
            f"{int(inputs.prompt_tokens + inputs.output_tokens):,} tokens, against {number(cap)} GB usable: "
            f"{fit_text}.<br>"
            f"Each user gets <b>{number(speed)} tokens/s</b>; the replica makes "
            f"<b>{number(r.at('output_tokens_per_s_per_accelerator'))} output tokens/s per accelerator</b>"
            f" (decode limited by {bound}). Time to first token: <b>{number(r.estimates.time_to_first_token_s)} s</b>.<br>"
            f"At {usd(inputs.usd_per_accelerator_hour)} per accelerator-hour, fully busy: "
            f"<b>{usd(r.at('usd_per_m_input'))}</b> per million input tokens, "
            f"<b>{usd(cost)}</b> per million output tokens "
            f"({number(r.at('output_to_input_cost_ratio'))} times as much). Roofline bounds: estimates."
        )

    def _layout(self) -> ipw.Box:
        c = self.controls
        return ipw.VBox([
            ipw.HBox([c["model"], c["accelerator"]]),
            ipw.HBox([c["n_accelerators"], c["precision"]]),
            ipw.HBox([c["batch_size"], c["prompt_tokens"]]),
            ipw.HBox([c["output_tokens"], c["usd_per_accelerator_hour"]]),
            self.readout,
            self._plot(row(self._frontier_fig, self._memory_fig)),
        ])


__all__ = ["ServingExplorer", "ServingInputs", "ServingResult"]
