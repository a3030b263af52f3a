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

from typing import ClassVar
from collections.abc import Mapping

import math
from dataclasses import dataclass, replace

import ipywidgets as ipw
import numpy as np
from bokeh.layouts import row
from bokeh.models import ColumnDataSource, FactorRange, HoverTool, NumeralTickFormatter, Range1d
from bokeh.models.annotations import Span
from bokeh.plotting import figure

from compute_econ import costs, hardware, serving
from compute_econ._records import ArrayRecord
from compute_econ._validate import choice, integer, scalar

from ._base import (PRIMARY_SLIDER_CLASS, Explorer, dropdown, float_slider, int_slider, log_axis, log_slider, log_ticks,
                    seconds_ticks,
                    option, selection_slider, set_props, store, toggle_buttons)
from . import colour as kit
from ._format import count, number, percent, sci, seconds, usd

#: Weight precisions offered (``compute_econ.serving.PRECISIONS``); the KV cache stays in BF16.
PRECISIONS = (("BF16", "bf16"), ("FP8", "fp8"), ("INT8", "int8"), ("INT4", "int4"))
#: Accelerators per replica (tensor parallelism within one node of eight).
N_ACCELERATORS = (1, 2, 4, 8)
#: The batch-size slider: powers of two from 1 to 4,096 (a log slider, whole batches).
BATCH_LOG2 = (0, 12)
#: The prompt-length slider: powers of two from 128 to 65,536 tokens (with the longest output, inside a 128k window).
PROMPT_LOG2 = (7, 16)
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
        Prompt tokens per request, a power of two from 128 to 65,536.
    output_tokens : int
        Output tokens per request, one of :data:`OUTPUT_TOKENS`.
    usd_per_accelerator_hour : float
        Price of one accelerator-hour, USD, 0.5 to 10 (default: Lambda's H100 list price, 2024).
    """

    #: The book precomputes every model.
    #: Each control's name for a screen reader (its tooltip): what it sets and in which unit.
    CONTROL_NAMES: ClassVar[Mapping[str, str]] = {
        "model": "model being served",
        "accelerator": "accelerator the model is served on",
        "n_accelerators": "accelerators per serving replica, a count",
        "batch_size": "decode batch size, in sequences",
        "prompt_tokens": "prompt length, in tokens",
        "output_tokens": "output length, in tokens",
        "precision": "number precision of the weights",
        "usd_per_accelerator_hour": "price of compute, in dollars per accelerator-hour",
    }
    STATIC_CONTROLS: ClassVar[Mapping[str, int]] = {"model": 0, "batch_size": 25}

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
        legend = f.legend[0]  # below the plot: inside, it covered the curve's steep end
        legend.orientation, legend.label_text_font_size, legend.border_line_alpha = "horizontal", "9pt", 0
        f.add_layout(legend, "below")
        self._frontier_fig = f
        self._x_ticker = log_axis(f.xaxis[0])
        self._y_ticker = log_axis(f.yaxis[0])
        m = figure(title="Memory of the replica", width=380, height=380, y_range=FactorRange(factors=["KV cache", "weights"]),
                   x_axis_label="GB", x_range=Range1d(start=0, end=100), tools="save")
        m.hbar(y="part", left="left", right="right", height=0.6, fill_color="color", line_color=kit.GREY_TEXT,
               source=s["memory"])  # the outline gives the light KV-cache bar 3:1 (WCAG 2.1 1.4.11)
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
                                 color=["#c81d25" if fits else kit.GREY]))
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
            f" (decode limited by {bound}). Time to first token: <b>{seconds(r.estimates.time_to_first_token_s)}</b>.<br>"
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




# -- LatencyExplorer ----------------------------------------------------------------------------------------

#: Request-rate slider (requests per second), log: from a small internal tool to a busy public service.
RATE_DECADES = (-1, 2.5)
#: Replicas slider.
MAX_REPLICAS = 256
#: Percentiles of the wait the target applies to.
PERCENTILES = (("p50", 0.5), ("p90", 0.9), ("p95", 0.95), ("p99", 0.99))
#: Wait-target slider, s (log): a tenth of a second to a minute.
TARGET_DECADES = (-1, math.log10(60.0))
#: Service-time slider, s (log): how long a request holds a batch slot (its generation time).
SERVICE_DECADES = (0, math.log10(60.0))
#: Batch slots per replica (requests one replica serves at once).
SLOTS = (8, 16, 32, 64, 128, 256)
#: Waits below this are drawn at it on the knee plot's log axis (the model's answer, 0, has no place on a log scale).
WAIT_FLOOR_S = 1e-3
#: The wait distribution is drawn down to this share of requests (1 in 10,000): the floor of its log axis.
SHARE_FLOOR = 1e-4
#: The wait axis starts this factor below the target or the wait where the needed replicas' curve meets the floor,
#: whichever is shorter, so that the curves' flat starts (the share that waits at all) are in view; it does not
#: move with the replicas, the main slider, unless it must span more than :data:`WAIT_AXIS_SPAN`.
WAIT_AXIS_LEAD = 30.0
#: The wait axis spans at most this factor (six decades).
WAIT_AXIS_SPAN = 1e6
#: Points per decade of the wait-distribution curves (a log grid of waits from the axis's start).
WAIT_POINTS_PER_DECADE = 24
#: Points of the knee curve: a log grid of replicas, plus every replica this close to the replicas the target needs.
N_REPLICA_POINTS = 64
KNEE_NEIGHBOURS = 12
#: The knee plot shows utilisations from 1 - KNEE_SPAN x (1 - the knee's utilisation) to 1, and waits up to
#: KNEE_TOP_FACTOR times the target: the rise past the knee, not hours of waiting no service would allow.
KNEE_SPAN = 4.0
KNEE_TOP_FACTOR = 100.0
#: The defaults put the chosen point near the knee, where the picture teaches: 100 requests/s, each holding one of
#: 16 slots for 20 s, are 2,000 erlangs. At 129 replicas the slots are 96.9% busy (the knee is at 98.2%), one
#: request in ten waits, and the p95 wait is 0.22 s: the 1 s target is met, with one replica to spare. 128 replicas
#: are the fewest that meet it (0.58 s); 127 miss it (1.24 s), 126 miss it by far (3.15 s), 125 cannot keep up at all,
#: and from 130 fewer than 5% wait at all (p95 wait 0). Twice the demand (200 requests/s) needs 253, within the slider.
DEFAULT_RATE_PER_S = 100.0
DEFAULT_REPLICAS = 129
DEFAULT_SLOTS = 16
DEFAULT_SERVICE_TIME_S = 20.0
DEFAULT_TARGET_WAIT_S = 1.0
#: One replica: eight accelerators at :data:`DEFAULT_PRICE_USD_PER_HOUR` each (a node of eight H100s).
DEFAULT_USD_PER_REPLICA_HOUR = 8 * DEFAULT_PRICE_USD_PER_HOUR
CHOSEN_COLOR, NEEDED_COLOR, MEETS_COLOR, MISSES_COLOR = "#264653", "#2a9d8f", "#2a9d8f", "#c81d25"


@dataclass(frozen=True)
class LatencyInputs:
    """What the LatencyExplorer's queueing calls take (validated, stored): demand, replicas, the percentile and
    its wait target, the service time, batch slots per replica, a replica's hourly price and tokens per request."""

    arrival_rate_per_s: float
    replicas: int
    percentile: float
    target_wait_s: float
    service_time_s: float
    slots_per_replica: int
    usd_per_replica_hour: float
    tokens_per_request: float

    def __post_init__(self) -> None:
        store(self, "arrival_rate_per_s", scalar("arrival_rate_per_s", self.arrival_rate_per_s,
                                                 10.0 ** RATE_DECADES[0], 10.0 ** RATE_DECADES[1]))
        store(self, "replicas", integer("replicas", self.replicas, 1, MAX_REPLICAS))
        store(self, "percentile", option("percentile", self.percentile, tuple(v for _, v in PERCENTILES)))
        store(self, "target_wait_s", scalar("target_wait_s", self.target_wait_s, 10.0 ** TARGET_DECADES[0],
                                            10.0 ** TARGET_DECADES[1]))
        store(self, "service_time_s", scalar("service_time_s", self.service_time_s, 10.0 ** SERVICE_DECADES[0],
                                             10.0 ** SERVICE_DECADES[1]))
        store(self, "slots_per_replica", option("slots_per_replica", self.slots_per_replica, SLOTS))
        store(self, "usd_per_replica_hour", scalar("usd_per_replica_hour", self.usd_per_replica_hour, 0.5, 10_000.0))
        store(self, "tokens_per_request", scalar("tokens_per_request", self.tokens_per_request, 1.0, 1e6))


@dataclass(frozen=True, eq=False)
class LatencyResult(ArrayRecord):
    """The wait distribution at the chosen replicas and at the replicas the target needs, the knee, and the plan,
    from :mod:`compute_econ.serving`.

    ``chosen`` is :func:`~compute_econ.serving.mmc_wait` at the chosen replicas; ``plan``
    :func:`~compute_econ.serving.plan_for_demand` (the fewest replicas meeting the target and the cost per token
    there). ``chosen_tail_s`` and ``needed_tail_s`` are the waits that only :data:`SHARE_FLOOR` of requests exceed
    (``mmc_wait``'s percentile wait at ``1 - SHARE_FLOOR``: 0 when fewer wait at all, inf when the queue is
    unstable). ``chosen_waits_s``/``chosen_exceedance`` and ``needed_waits_s``/``needed_exceedance`` are
    :func:`~compute_econ.serving.wait_exceedance` over waits from ``wait_axis_s[0]`` to each curve's tail (empty
    where the curve is out of view: an unstable queue, or fewer than :data:`SHARE_FLOOR` waiting at all);
    ``target_exceedance`` is the share of requests waiting longer than the target at the chosen replicas.
    ``knee_curve`` is ``mmc_wait`` over ``knee_replicas`` (infinite waits where the queue is unstable) and
    ``knee_utilisation`` :func:`~compute_econ.serving.max_utilisation_for_wait_target` at the replicas needed.
    """

    chosen: serving.QueueWait
    plan: serving.DemandPlan
    chosen_tail_s: float
    needed_tail_s: float
    wait_axis_s: tuple[float, float]
    chosen_waits_s: np.ndarray
    chosen_exceedance: np.ndarray
    needed_waits_s: np.ndarray
    needed_exceedance: np.ndarray
    target_exceedance: float
    knee_replicas: np.ndarray
    knee_curve: serving.QueueWait
    knee_utilisation: float


def _busy(share: float) -> str:
    """A utilisation to a tenth of a percent (96.9%, 98.2%: near the knee whole percents all read 97-98%), never a false
    100.0% (then :func:`~widgets._format.percent`'s finer digits)."""
    text = f"{100 * share:.1f}%"
    return percent(share) if text == "100.0%" else text


def _tail_waits(axis: np.ndarray, tail_s: float) -> np.ndarray:
    """The waits of a curve: the axis grid up to ``tail_s`` (where it meets the floor), and ``tail_s`` itself."""
    if not (math.isfinite(tail_s) and tail_s >= axis[0]):
        return np.array([], dtype=float)
    return np.append(axis[axis < tail_s], tail_s)


class LatencyExplorer(Explorer[LatencyInputs, LatencyResult]):
    """Request rate, replicas and a wait target in; the wait distribution, the utilisation, the knee and the cost out.

    Requests arrive at random (Poisson) and each holds one of a replica's batch slots for the
    service time (an M/M/c queue, Erlang C: :mod:`compute_econ.serving.queueing`). The left plot
    is the wait distribution at the chosen replicas: the share of requests waiting longer than
    t, against t (log-log; a share below 1 in 10,000 is not drawn), with the replicas the
    target needs as a thinner curve, the target as a vertical line and the percentile's share
    (1 - p: 1 in 20 for the p95) as a horizontal one: the target is met where the chosen curve
    passes under the crossing of the two. The right plot is the knee: the wait at the
    percentile against utilisation, over replicas, with the chosen point and the utilisation
    beyond which the target fails.

    The defaults (:data:`DEFAULT_RATE_PER_S` and the constants after it) put the chosen point
    near the knee: 100 requests/s on replicas of 16 slots for 20 s each; at 129 replicas the
    slots are 96.9% busy (the knee: 98.2%) and the p95 wait is 0.22 s, meeting the 1 s target;
    two replicas fewer miss it (1.24 s).

    Parameters
    ----------
    arrival_rate_per_s : float
        Requests per second, 0.1 to about 316.
    replicas : int
        Replicas serving, 1 to 256 (the main slider).
    percentile : float
        The percentile of the wait the target applies to: 0.5, 0.9, 0.95 or 0.99.
    target_wait_s : float
        The wait that percentile must stay under, s, 0.1 to 60.
    service_time_s : float
        Mean time a request holds a slot, s, 1 to 60.
    slots_per_replica : int
        Requests a replica serves at once (its batch): 8 to 256.
    usd_per_replica_hour : float
        Hourly price of one replica, USD, 0.5 to 10,000 (default: eight H100s at Lambda's 2024 list price).
    tokens_per_request : float
        Tokens billed per request (input plus output), 1 to 1e6.
    """

    #: The book precomputes demand against the replicas.
    #: Each control's name for a screen reader (its tooltip): what it sets and in which unit.
    CONTROL_NAMES: ClassVar[Mapping[str, str]] = {
        "arrival_rate_per_s": "request arrival rate, in requests per second",
        "replicas": "serving replicas, a count",
        "percentile": "latency percentile the readout reports",
        "target_wait_s": "target wait before a request starts, in seconds",
        "service_time_s": "service time of one request, in seconds",
        "slots_per_replica": "batch slots per replica, requests served at once",
    }
    STATIC_CONTROLS: ClassVar[Mapping[str, int]] = {"arrival_rate_per_s": 9, "replicas": 25}

    PARAMETER_CONTROLS = {"arrival_rate_per_s": "arrival_rate_per_s", "replicas": "replicas",
                          "percentile": "percentile", "target_wait_s": "target_wait_s",
                          "service_time_s": "service_time_s", "slots_per_replica": "slots_per_replica"}
    start: LatencyInputs
    result: LatencyResult

    def __init__(self, arrival_rate_per_s: float = DEFAULT_RATE_PER_S, replicas: int = DEFAULT_REPLICAS,
                 percentile: float = 0.95, target_wait_s: float = DEFAULT_TARGET_WAIT_S,
                 service_time_s: float = DEFAULT_SERVICE_TIME_S, slots_per_replica: int = DEFAULT_SLOTS,
                 usd_per_replica_hour: float = DEFAULT_USD_PER_REPLICA_HOUR, tokens_per_request: float = 1500.0):
        super().__init__(LatencyInputs(
            arrival_rate_per_s=arrival_rate_per_s, replicas=replicas, percentile=percentile,
            target_wait_s=target_wait_s, service_time_s=service_time_s, slots_per_replica=slots_per_replica,
            usd_per_replica_hour=usd_per_replica_hour, tokens_per_request=tokens_per_request))

    def _build(self) -> None:
        st = self.start
        style = {"description_width": "initial"}
        wide = ipw.Layout(width="420px")
        replicas = int_slider("replicas", st.replicas, low=1, high=MAX_REPLICAS, description="replicas", style=style,
                              layout=wide)
        replicas.add_class(PRIMARY_SLIDER_CLASS)
        self.controls = {
            "arrival_rate_per_s": log_slider("arrival_rate_per_s", st.arrival_rate_per_s, base=10,
                                             low=RATE_DECADES[0], high=RATE_DECADES[1], step=0.05,
                                             description="requests per second", readout_format=".3g", style=style,
                                             layout=wide),
            "replicas": replicas,
            "percentile": toggle_buttons("percentile", st.percentile, list(PERCENTILES), description="percentile",
                                         style={"button_width": "45px", "description_width": "initial"}),
            "target_wait_s": log_slider("target_wait_s", st.target_wait_s, base=10, low=TARGET_DECADES[0],
                                        high=TARGET_DECADES[1], step=0.05, description="wait target (s)",
                                        readout_format=".3g", style=style, layout=wide),
            "service_time_s": log_slider("service_time_s", st.service_time_s, base=10, low=SERVICE_DECADES[0],
                                         high=SERVICE_DECADES[1], step=0.05, description="service time (s)",
                                         readout_format=".3g", style=style, layout=wide),
            "slots_per_replica": selection_slider("slots_per_replica", st.slots_per_replica, list(SLOTS),
                                                  description="batch slots per replica", style=style, layout=wide),
        }
        self.sources = {
            "chosen_dist": ColumnDataSource(data=dict(wait=[], share=[])),
            "needed_dist": ColumnDataSource(data=dict(wait=[], share=[])),
            "at_target": ColumnDataSource(data=dict(wait=[], share=[], color=[])),
            "target_line": ColumnDataSource(data=dict(wait=[], share=[])),
            "share_line": ColumnDataSource(data=dict(wait=[], share=[])),
            "knee": ColumnDataSource(data=dict(replicas=[], utilisation=[], wait=[])),
            "chosen": ColumnDataSource(data=dict(replicas=[], utilisation=[], wait=[], color=[])),
        }
        s = self.sources
        tools = "pan,wheel_zoom,box_zoom,reset,save"
        w = figure(title="The wait distribution: who waits longer than t", x_axis_type="log", y_axis_type="log",
                   width=450, height=360, x_axis_label="wait t", y_axis_label="share of requests waiting longer than t",
                   x_range=Range1d(start=0.01, end=10), y_range=Range1d(start=SHARE_FLOOR / 1.5, end=1.5),
                   tools=tools)
        w.line("wait", "share", source=s["target_line"], line_dash="dashed", line_width=1.5, color="#e76f51",
               legend_label="wait target")
        w.line("wait", "share", source=s["share_line"], line_dash="dotted", line_width=2, color=kit.GREY,
               legend_label="1 − percentile")
        w.line("wait", "share", source=s["needed_dist"], line_width=1.5, line_dash="dashdot", color=NEEDED_COLOR,
               legend_label="replicas the target needs")
        chosen_line = w.line("wait", "share", source=s["chosen_dist"], line_width=2.5, color=CHOSEN_COLOR,
                             legend_label="chosen replicas")
        w.scatter("wait", "share", source=s["at_target"], size=11, color="color", legend_label="chosen, at the target")
        w.add_tools(HoverTool(renderers=[chosen_line], tooltips=[("wait", "@wait{0.000} s"),
                                                                 ("share waiting longer", "@share{0.0000%}")]))
        # Top right: every curve has fallen to the floor by the wait axis's end, so the corner holds only the lines.
        set_props(w.legend[0], location="bottom_left", label_text_font_size="8pt", spacing=0, padding=4,
                  background_fill_alpha=0.7)
        self._wx = log_axis(w.xaxis[0], seconds_ticks())
        self._wy = log_axis(w.yaxis[0], NumeralTickFormatter(format="0.[000]%"))  # 0.01%, 0.1%, ... 100%
        set_props(self._wy, ticks=log_ticks([SHARE_FLOOR, 1.0]))
        u = figure(title="The knee: the wait against utilisation", y_axis_type="log", width=450, height=360,
                   x_axis_label="utilisation (share of slot time busy)", y_axis_label="wait at the percentile",
                   x_range=Range1d(start=0, end=1), y_range=Range1d(start=WAIT_FLOOR_S, end=100), tools=tools)
        knee_line = u.line("utilisation", "wait", source=s["knee"], line_width=2, color="#264653")
        u.scatter("utilisation", "wait", source=s["chosen"], size=13, color="color")
        u.add_tools(HoverTool(renderers=[knee_line], tooltips=[("replicas", "@replicas"), ("wait", "@wait{0.000} s"),
                                                               ("utilisation", "@utilisation{0.0%}")]))
        self._knee = Span(location=0.5, dimension="height", line_dash="dashed", line_color="#c81d25")
        self._target_u = Span(location=st.target_wait_s, dimension="width", line_dash="dashed", line_color="#e76f51")
        u.add_layout(self._knee)
        u.add_layout(self._target_u)
        self._uy = log_axis(u.yaxis[0], seconds_ticks())
        self._wait_fig, self._util_fig = w, u

    def model_inputs(self) -> LatencyInputs:
        c = self.controls
        return replace(self.start, arrival_rate_per_s=float(c["arrival_rate_per_s"].value),
                       replicas=int(c["replicas"].value), percentile=float(c["percentile"].value),
                       target_wait_s=float(c["target_wait_s"].value), service_time_s=float(c["service_time_s"].value),
                       slots_per_replica=int(c["slots_per_replica"].value))

    def _compute(self, inputs: LatencyInputs) -> LatencyResult:
        lam, s, slots, p = inputs.arrival_rate_per_s, inputs.service_time_s, inputs.slots_per_replica, inputs.percentile
        target, r = inputs.target_wait_s, inputs.replicas
        tail_p = 1.0 - SHARE_FLOOR
        # What does not move with the replicas, the main slider, is kept.
        plan = self._memo(("plan", lam, s, slots, target, p, inputs.usd_per_replica_hour, inputs.tokens_per_request),
                          lambda: serving.plan_for_demand(lam, s, slots, target, inputs.usd_per_replica_hour,
                                                          inputs.tokens_per_request, p))
        needed = int(np.asarray(plan.replicas))
        needed_tail = self._memo(("needed tail", lam, s, slots, needed), lambda: float(np.asarray(
            serving.mmc_wait(lam, s, needed, tail_p, slots_per_replica=slots).percentile_wait_s)))
        chosen = serving.mmc_wait(lam, s, r, p, slots_per_replica=slots)
        chosen_tail = (float(np.asarray(serving.mmc_wait(lam, s, r, tail_p, slots_per_replica=slots).percentile_wait_s))
                       if chosen.stable else math.inf)

        # The wait axis: the target and each curve down to the floor, with room for the curves' flat starts. Its grid
        # of waits starts at the axis's start and runs as far as the longer tail: the needed replicas' curve is kept
        # while the replicas move.
        top = max(target, *(t for t in (chosen_tail, needed_tail) if math.isfinite(t)))
        bottom = max(min(target, needed_tail if needed_tail > 0 else target) / WAIT_AXIS_LEAD, top / WAIT_AXIS_SPAN)
        n_points = math.floor(math.log10(top / bottom) * WAIT_POINTS_PER_DECADE + 1e-9) + 1
        axis = bottom * 10.0 ** (np.arange(n_points) / WAIT_POINTS_PER_DECADE)
        chosen_waits = _tail_waits(axis, chosen_tail)
        needed_waits = _tail_waits(axis, needed_tail)
        # One call: the curve (no waits where the queue is unstable), then the share waiting longer than the target.
        shares = np.atleast_1d(serving.wait_exceedance(lam, s, r, np.append(chosen_waits, target),
                                                       slots_per_replica=slots))
        chosen_share, at_target = shares[:-1], float(shares[-1])
        needed_share = self._memo(("needed curve", lam, s, slots, needed, bottom, needed_tail), lambda: (
            np.asarray(serving.wait_exceedance(lam, s, needed, needed_waits, slots_per_replica=slots))
            if needed_waits.size else needed_waits))

        grid = self._memo(("knee replicas", needed), lambda: self._knee_replicas(needed))
        knee_curve = self._memo(("knee curve", lam, s, slots, p, needed),
                                lambda: serving.mmc_wait(lam, s, grid, p, slots_per_replica=slots))
        knee = self._memo(("knee", s, target, p, needed, slots), lambda: float(np.asarray(
            serving.max_utilisation_for_wait_target(needed, s, target, p, slots_per_replica=slots))))
        return LatencyResult(chosen=chosen, plan=plan, chosen_tail_s=chosen_tail, needed_tail_s=needed_tail,
                             wait_axis_s=(float(bottom), float(top)), chosen_waits_s=chosen_waits,
                             chosen_exceedance=chosen_share, needed_waits_s=needed_waits,
                             needed_exceedance=needed_share, target_exceedance=at_target, knee_replicas=grid,
                             knee_curve=knee_curve, knee_utilisation=knee)

    @staticmethod
    def _knee_replicas(needed: int) -> np.ndarray:
        """Replicas of the knee curve: a log grid to twice the replicas needed (at least the slider's end), and every
        replica near the replicas needed, where the wait turns."""
        top = max(MAX_REPLICAS, 2 * needed)
        grid = np.concatenate([np.round(np.geomspace(1, top, N_REPLICA_POINTS)),
                               needed + np.arange(-KNEE_NEIGHBOURS, KNEE_NEIGHBOURS + 1)])
        return np.unique(grid[grid >= 1])

    def _draw(self, inputs: LatencyInputs, r: LatencyResult) -> None:
        p, target = inputs.percentile, inputs.target_wait_s
        chosen_stable = bool(r.chosen.stable)
        chosen_wait = float(np.asarray(r.chosen.percentile_wait_s))
        meets = chosen_stable and chosen_wait <= target
        verdict_color = MEETS_COLOR if meets else MISSES_COLOR

        # The wait distribution (left). The curves end where they meet the floor; the lines span the axes.
        self._show("chosen_dist", dict(wait=r.chosen_waits_s, share=r.chosen_exceedance))
        self._show("needed_dist", dict(wait=r.needed_waits_s, share=r.needed_exceedance))
        shown = chosen_stable and r.target_exceedance >= SHARE_FLOOR
        self._show("at_target", dict(wait=[target] if shown else [], share=[r.target_exceedance] if shown else [],
                                     color=[verdict_color] if shown else []))
        x0, x1 = r.wait_axis_s
        self._show("target_line", dict(wait=[target, target], share=[SHARE_FLOOR, 1.0]))
        self._show("share_line", dict(wait=[x0, x1], share=[1.0 - p, 1.0 - p]))
        set_props(self._wait_fig.x_range, start=x0 / 1.25, end=x1 * 1.25)
        set_props(self._wx, ticks=self._memo(("ticks", x0, x1), lambda: log_ticks([x0, x1])))

        # The knee (right): the wait at the percentile over replicas, against utilisation.
        # Shown: utilisations from a few times the knee's distance below full (so the knee is not squeezed against
        # 1) and waits up to KNEE_TOP_FACTOR times the target (beyond, the curve leaves the top: it explodes).
        stable = np.asarray(r.knee_curve.stable)
        wait = np.maximum(np.asarray(r.knee_curve.percentile_wait_s)[stable], WAIT_FLOOR_S)
        util = np.asarray(r.knee_curve.utilisation)[stable]
        chosen_util = float(r.chosen.utilisation) if chosen_stable else 1.0
        u0 = max(0.0, min(1.0 - KNEE_SPAN * (1.0 - r.knee_utilisation), chosen_util - 0.01))
        top = max(KNEE_TOP_FACTOR * target, 2.0 * chosen_wait if chosen_stable else 0.0)
        keep = (util >= u0) & (wait <= top)
        wait, util = wait[keep], util[keep]
        self._show("knee", dict(replicas=r.knee_replicas[stable][keep], utilisation=util, wait=wait))
        set_props(self._util_fig.x_range, start=u0, end=1.0)
        if chosen_stable:
            self._show("chosen", dict(replicas=[float(inputs.replicas)], utilisation=[float(r.chosen.utilisation)],
                                      wait=[max(chosen_wait, WAIT_FLOOR_S)], color=[verdict_color]))
        else:  # no finite wait to mark: the queue grows without bound
            self._show("chosen", dict(replicas=[], utilisation=[], wait=[], color=[]))
        y0, y1 = log_range(np.append(wait, [target, max(chosen_wait if chosen_stable else 0.0, WAIT_FLOOR_S)]))
        set_props(self._util_fig.y_range, start=y0, end=y1)
        set_props(self._uy, ticks=self._memo(("ticks", y0, y1), lambda: log_ticks([y0, y1])))
        set_props(self._target_u, location=target)
        set_props(self._knee, location=r.knee_utilisation)
        self.readout.value = self._readout(inputs, r, meets)

    def _readout(self, inputs: LatencyInputs, r: LatencyResult, meets: bool) -> str:
        p, target = inputs.percentile, inputs.target_wait_s
        pct, one_in = f"p{round(100 * p)}", f"1 in {round(1 / (1 - p)):,}"
        n = inputs.replicas
        with_n = f"With <b>{n}</b> replica{'s' if n > 1 else ''}"
        chosen_wait, waiting = float(np.asarray(r.chosen.percentile_wait_s)), float(np.asarray(r.chosen.prob_wait))
        verdict = "meets" if meets else "<b>misses</b>"
        if not bool(r.chosen.stable):
            chosen_text = (f"{with_n} requests arrive faster than they are served (utilisation "
                           f"{_busy(float(r.chosen.utilisation))}): <b>the queue grows without bound</b>, every "
                           "request waits ever longer, and there is no distribution to draw.")
        elif waiting < SHARE_FLOOR:
            chosen_text = (f"{with_n} the slots are <b>{_busy(float(r.chosen.utilisation))}</b> busy and fewer than "
                           "<b>1 in 10,000</b> requests wait at all, too few to draw on the plot's scale: it meets the "
                           f"target of {seconds(target)}.")
        elif not r.chosen_waits_s.size:
            chosen_text = (f"{with_n} the slots are <b>{_busy(float(r.chosen.utilisation))}</b> busy and "
                           f"<b>{percent(waiting)}</b> of requests wait at all, but fewer than 1 in 10,000 longer than "
                           f"{seconds(r.wait_axis_s[0])}, where the plot begins: it meets the target of "
                           f"{seconds(target)}.")
        else:
            longest = (f"{one_in} waits longer than <b>{seconds(chosen_wait)}</b> (the {pct} wait)" if chosen_wait > 0
                       else f"fewer than {one_in} wait at all ({pct} wait <b>0 s</b>)")
            chosen_text = (f"{with_n} the slots are <b>{_busy(float(r.chosen.utilisation))}</b> busy: "
                           f"<b>{percent(waiting)}</b> of requests wait at all, {percent(r.target_exceedance)} longer "
                           f"than the {seconds(target)} target, and {longest}: it {verdict} the target.")
        plan = r.plan
        needed = int(np.asarray(plan.replicas))
        needed_note = ("" if r.needed_waits_s.size or needed == n else
                       f" (at {needed:,} replicas fewer than 1 in 10,000 wait longer than the axis shows)")
        return (
            f"{number(inputs.arrival_rate_per_s)} requests/s, each holding one of "
            f"{inputs.slots_per_replica} slots per replica for {seconds(inputs.service_time_s)}. {chosen_text}<br>"
            f"The target needs <b>{needed:,} replicas</b>{needed_note} (utilisation "
            f"{_busy(float(np.asarray(plan.utilisation)))}; the knee, beyond which the {pct} wait passes the target, "
            f"is at {_busy(r.knee_utilisation)}). At {usd(inputs.usd_per_replica_hour)} per replica-hour and "
            f"{number(inputs.tokens_per_request)} tokens per request: <b>{usd(float(np.asarray(plan.usd_per_m_tokens)))}"
            f"</b> per million tokens, against {usd(float(np.asarray(plan.usd_per_m_tokens_fully_busy)))} if every "
            "slot were always busy: idle slots are the price of the latency target."
        )

    def _layout(self) -> ipw.Box:
        c = self.controls
        return ipw.VBox([
            ipw.HBox([c["arrival_rate_per_s"], c["replicas"]]),
            ipw.HBox([c["target_wait_s"], c["percentile"]]),
            ipw.HBox([c["service_time_s"], c["slots_per_replica"]]),
            self.readout,
            self._plot(row(self._wait_fig, self._util_fig)),
        ])


# -- LifetimeComputeExplorer --------------------------------------------------------------------------------

#: Training-tokens slider (log): 100 billion to 100 trillion tokens.
TRAINING_TOKENS_DECADES = (11, 14)
#: Lifetime-tokens-served slider (log): a billion to 10^17 tokens.
SERVED_DECADES = (9, 17)
N_LIFETIME_POINTS = 96


@dataclass(frozen=True)
class LifetimeInputs:
    """What the LifetimeComputeExplorer's call takes: a model of the architecture table (its active parameters),
    training tokens and tokens served over the model's life. Validated, stored."""

    model: str
    training_tokens: float
    tokens_served: float

    def __post_init__(self) -> None:
        store(self, "model", choice("model", self.model, tuple(serving.load_model_architectures())))
        store(self, "training_tokens", scalar("training_tokens", self.training_tokens,
                                              10.0 ** TRAINING_TOKENS_DECADES[0], 10.0 ** TRAINING_TOKENS_DECADES[1]))
        store(self, "tokens_served", scalar("tokens_served", self.tokens_served, 10.0 ** SERVED_DECADES[0],
                                            10.0 ** SERVED_DECADES[1]))


@dataclass(frozen=True, eq=False)
class LifetimeResult(ArrayRecord):
    """Training against serving compute over ``tokens_grid`` (``curve``) and at the chosen demand (``chosen``),
    from :func:`compute_econ.serving.lifetime_compute`."""

    architecture: serving.ModelArchitecture
    tokens_grid: np.ndarray
    curve: serving.LifetimeCompute
    chosen: serving.LifetimeCompute


class LifetimeComputeExplorer(Explorer[LifetimeInputs, LifetimeResult]):
    """Model, training tokens and lifetime demand in; training vs cumulative serving compute and the break-even out.

    Parameters
    ----------
    model : str
        A model of ``compute_econ.serving.load_model_architectures()`` (its active parameters count).
    training_tokens : float
        Tokens the model was trained on, 1e11 to 1e14 (default DeepSeek-V3's 14.8 trillion,
        ``compute_econ.serving.DEEPSEEK_V3_TRAINING_TOKENS``).
    tokens_served : float
        Tokens served over the model's life (input plus output), 1e9 to 1e17 (the main slider).
    """

    #: The book precomputes every model.
    #: Each control's name for a screen reader (its tooltip): what it sets and in which unit.
    CONTROL_NAMES: ClassVar[Mapping[str, str]] = {
        "model": "model trained and then served",
        "training_tokens": "tokens the model was trained on, a count",
        "tokens_served": "tokens served over the model's life, a count",
    }
    STATIC_CONTROLS: ClassVar[Mapping[str, int]] = {"model": 0, "tokens_served": 25}

    PARAMETER_CONTROLS = {"model": "model", "training_tokens": "training_tokens", "tokens_served": "tokens_served"}
    start: LifetimeInputs
    result: LifetimeResult

    def __init__(self, model: str = "DeepSeek-V3", training_tokens: float = serving.DEEPSEEK_V3_TRAINING_TOKENS,
                 tokens_served: float = 1e13):
        super().__init__(LifetimeInputs(model=model, training_tokens=training_tokens, tokens_served=tokens_served))

    def _build(self) -> None:
        st = self.start
        style = {"description_width": "initial"}
        wide = ipw.Layout(width="460px")
        served = log_slider("tokens_served", st.tokens_served, base=10, low=SERVED_DECADES[0], high=SERVED_DECADES[1],
                            step=0.05, description="tokens served over its life", readout_format=".2e", style=style,
                            layout=wide)
        served.add_class(PRIMARY_SLIDER_CLASS)
        self.controls = {
            "model": dropdown("model", st.model, list(serving.load_model_architectures()), description="model",
                              style=style),
            "training_tokens": log_slider("training_tokens", st.training_tokens, base=10,
                                          low=TRAINING_TOKENS_DECADES[0], high=TRAINING_TOKENS_DECADES[1], step=0.05,
                                          description="training tokens", readout_format=".2e", style=style,
                                          layout=wide),
            "tokens_served": served,
        }
        self.sources = {
            "curves": ColumnDataSource(data=dict(tokens=[], training=[], serving=[], total=[])),
            "chosen": ColumnDataSource(data=dict(tokens=[], flop=[])),
        }
        s = self.sources
        f = figure(title="Training is paid once; serving grows with every token", x_axis_type="log",
                   y_axis_type="log", width=820, height=400, x_axis_label="tokens served over the model's life",
                   y_axis_label="FLOP", x_range=Range1d(start=1e9, end=1e17), y_range=Range1d(start=1e20, end=1e27),
                   tools="pan,wheel_zoom,box_zoom,reset,save")
        f.line("tokens", "training", source=s["curves"], line_width=2, color="#264653", legend_label="training (6ND)")
        f.line("tokens", "serving", source=s["curves"], line_width=2, color="#e76f51",
               legend_label="serving so far (2N per token)")
        f.line("tokens", "total", source=s["curves"], line_width=2, line_dash="dashed", color=kit.GREY,
               legend_label="total")
        f.scatter("tokens", "flop", source=s["chosen"], size=13, color="#c81d25", legend_label="chosen demand")
        self._breakeven = Span(location=1e13, dimension="height", line_dash="dotted", line_color="#2a9d8f",
                               line_width=2)
        f.add_layout(self._breakeven)
        f.legend.location = "top_left"
        self._x, self._y = log_axis(f.xaxis[0]), log_axis(f.yaxis[0])
        self._figure = f

    def model_inputs(self) -> LifetimeInputs:
        c = self.controls
        return replace(self.start, model=c["model"].value, training_tokens=float(c["training_tokens"].value),
                       tokens_served=float(c["tokens_served"].value))

    def _compute(self, inputs: LifetimeInputs) -> LifetimeResult:
        arch = serving.get_architecture(inputs.model)
        n, d = arch.n_params_active, inputs.training_tokens
        # The curves span the slider's range (the break-even, 3D, is inside it for every training-token count) and
        # are kept: a move of the demand slider, the main one, moves only its point.
        grid = np.logspace(SERVED_DECADES[0], SERVED_DECADES[1], N_LIFETIME_POINTS)
        curve = self._memo(("curve", n, d), lambda: serving.lifetime_compute(n, d, grid))
        return LifetimeResult(architecture=arch, tokens_grid=grid, curve=curve,
                              chosen=serving.lifetime_compute(n, d, inputs.tokens_served))

    def _draw(self, inputs: LifetimeInputs, r: LifetimeResult) -> None:
        c = r.curve
        training = np.full(r.tokens_grid.shape, c.training_flop)
        self._show("curves", dict(tokens=r.tokens_grid, training=training, serving=np.asarray(c.serving_flop),
                                  total=np.asarray(c.total_flop)))
        served_flop = float(np.asarray(r.chosen.serving_flop))
        self._show("chosen", dict(tokens=[inputs.tokens_served], flop=[served_flop]))
        x0, x1 = float(r.tokens_grid[0]), float(r.tokens_grid[-1])
        y0, y1 = log_range(np.concatenate([np.asarray(c.serving_flop), np.asarray(c.total_flop), training]))
        set_props(self._figure.x_range, start=x0, end=x1)
        set_props(self._figure.y_range, start=y0, end=y1)
        set_props(self._x, ticks=log_ticks([x0, x1]))
        set_props(self._y, ticks=log_ticks([y0, y1]))
        set_props(self._breakeven, location=c.breakeven_tokens_served)
        over = bool(r.chosen.serving_exceeds_training)
        self.readout.value = (
            f"<b>{r.architecture.name}</b>: {count(r.architecture.n_params_active)} active parameters, trained on "
            f"{count(inputs.training_tokens)} tokens: training ≈ <b>{sci(c.training_flop)} FLOP</b>. "
            f"Serving {count(inputs.tokens_served)} tokens ≈ <b>{sci(served_flop)} FLOP</b>, "
            f"{percent(float(np.asarray(r.chosen.frac_serving)))} of the lifetime total.<br>"
            f"Serving overtakes training after <b>{count(c.breakeven_tokens_served)} tokens</b> (three times the "
            f"training tokens, whatever the size): at this demand it "
            f"{'<b>has</b>' if over else 'has <b>not</b>'}. Estimates: 6N FLOP per training token, 2N per served token."
        )

    def _layout(self) -> ipw.Box:
        c = self.controls
        return ipw.VBox([ipw.HBox([c["model"], c["training_tokens"]]), c["tokens_served"], self.readout,
                         self._plot(self._figure)])


__all__ = ["ServingExplorer", "ServingInputs", "ServingResult", "LatencyExplorer", "LatencyInputs", "LatencyResult",
           "LifetimeComputeExplorer", "LifetimeInputs", "LifetimeResult"]
