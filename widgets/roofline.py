"""RooflineExplorer: is an operation limited by compute or by memory bandwidth?

Run in a notebook::

    from widgets import RooflineExplorer
    RooflineExplorer()

The roofline of a chosen accelerator on log-log axes: attainable FLOP/s against
arithmetic intensity (FLOP per byte moved from memory). Left of the ridge point
an operation is memory-bound (it waits for bytes), right of it compute-bound.
Typical transformer operations sit on it and move as the learner changes their
sizes: a large matrix multiply, attention over a context, and the decode step
of serving at batch sizes from 1 to 1,024.
"""

from __future__ import annotations

from typing import ClassVar
from collections.abc import Mapping

from dataclasses import dataclass, replace

import ipywidgets as ipw
import numpy as np
from bokeh.models import ColumnDataSource, HoverTool, Range1d
from bokeh.models.annotations import LabelSet, Span
from bokeh.plotting import figure

from compute_econ import hardware
from compute_econ._records import ArrayRecord
from compute_econ._validate import choice, integer

from ._base import (PRIMARY_SLIDER_CLASS, Explorer, dropdown, int_slider, option, selection_slider, set_props, store,
                    toggle_buttons)
from . import colour as kit
from ._format import percent, sci

#: The roofline is drawn over this range of arithmetic intensity (FLOP per byte): the plot's x range.
INTENSITY_RANGE_FLOP_PER_BYTE = (0.1, 1e5)
DECODE_BATCHES = (1, 8, 32, 128, 512)
#: Beyond every ridge point in the catalogue (TPU v6e: 560 FLOP/byte at BF16), so the slider can show
#: where decoding turns compute-bound on every chip.
MAX_BATCH = 1024
HEAD_DIM = 128  # a common head size (Llama 3, GPT-3 use 128)
#: Head-room above the chip's peak, so the labels above the roof stay inside the plot.
Y_HEADROOM = 40.0
#: Width of an operation's label in decades of intensity at the plot's scale (about 120 px a decade,
#: labels up to about 150 px), so labels closer than this are stacked.
LABEL_DECADES = 1.3
PRECISIONS = (("BF16", "bf16"), ("FP8", "fp8"))
MATMUL_SIZES = tuple(2**k for k in range(6, 15))
CONTEXT_TOKENS = tuple(2**k for k in range(9, 18))


def _label_tiers(intensity: np.ndarray) -> np.ndarray:
    """Stack labels that would overlap: tier k sits k lines higher (labels end at their point)."""
    tiers = np.zeros(len(intensity), dtype=int)
    last: dict[int, float] = {}
    for i in np.argsort(intensity):
        x = float(np.log10(intensity[i]))
        t = 0
        while t in last and x - last[t] < LABEL_DECADES:
            t += 1
        tiers[i], last[t] = t, x
    return tiers


@dataclass(frozen=True)
class RooflineInputs:
    """What the RooflineExplorer's model calls take: a catalogue chip, a precision ("bf16" or "fp8"), a decode
    batch (1 to 1,024), a square matmul's size and an attention context (powers of two). Validated, stored."""

    accelerator: str
    precision: str
    batch_size: int
    matmul_size: int
    context_tokens: int

    def __post_init__(self) -> None:
        store(self, "accelerator", choice("accelerator", self.accelerator, tuple(hardware.load_accelerators())))
        store(self, "precision", choice("precision", self.precision, tuple(v for _, v in PRECISIONS)))
        store(self, "batch_size", integer("batch_size", self.batch_size, 1, MAX_BATCH))
        store(self, "matmul_size", option("matmul_size", self.matmul_size, MATMUL_SIZES))
        store(self, "context_tokens", option("context_tokens", self.context_tokens, CONTEXT_TOKENS))


@dataclass(frozen=True, eq=False)
class RooflineResult(ArrayRecord):
    """The roofline and the operations on it, from :mod:`compute_econ.hardware`.

    ``precision`` is the one shown (BF16 where the chip has no FP8 units: ``fp8_unavailable``);
    ``roof_*`` the roof at the intensities where it bends (the ends of the plot and the ridge
    point); ``op_*`` the operations (a matmul, attention, decode at each of ``batches``), in that
    order; ``decode_*`` the learner's decode batch.
    """

    accelerator: hardware.Accelerator
    precision: str
    fp8_unavailable: bool
    peak_flop_per_s: float
    memory_bytes_per_s: float
    ridge_flop_per_byte: float
    roof_intensity: np.ndarray
    roof_attainable: np.ndarray
    batches: np.ndarray
    op_intensity: np.ndarray
    op_attainable: np.ndarray
    op_compute_bound: np.ndarray
    decode_intensity: float
    decode_attainable: float
    decode_compute_bound: bool


class RooflineExplorer(Explorer[RooflineInputs, RooflineResult]):
    """Accelerator, precision and operation sizes in; roofline and operations out.

    Parameters
    ----------
    accelerator : str
        A name from the catalogue (``compute_econ.hardware.ACCELERATORS``).
    batch_size : int
        Decode batch size to highlight (1 to 1,024).
    matmul_size : int
        n of an n×n×n matrix multiply, a power of two from 64 to 16,384.
    context_tokens : int
        Attention context, a power of two from 512 to 131,072 tokens.
    """

    #: The book precomputes every accelerator of the catalogue.
    #: Each control's name for a screen reader (its tooltip): what it sets and in which unit.
    CONTROL_NAMES: ClassVar[Mapping[str, str]] = {
        "accelerator": "accelerator whose roofline is drawn",
        "precision": "number precision of the arithmetic",
        "batch_size": "decode batch size, in sequences",
        "matmul_size": "matrix multiply size n, for an n by n by n product",
        "context_tokens": "attention context, in tokens",
    }
    STATIC_CONTROLS: ClassVar[Mapping[str, int]] = {"accelerator": 0, "batch_size": 25}

    PARAMETER_CONTROLS = {"accelerator": "accelerator", "batch_size": "batch_size", "matmul_size": "matmul_size",
                          "context_tokens": "context_tokens"}
    start: RooflineInputs
    result: RooflineResult

    def __init__(self, accelerator: str = "NVIDIA H100 SXM", batch_size: int = 1,
                 matmul_size: int = 4096, context_tokens: int = 8192):
        super().__init__(RooflineInputs(accelerator=accelerator, precision="bf16", batch_size=batch_size,
                                        matmul_size=matmul_size, context_tokens=context_tokens))

    def _build(self) -> None:
        st = self.start
        style = {"description_width": "initial"}
        acc = dropdown("accelerator", st.accelerator, list(hardware.load_accelerators()), description="accelerator",
                       style=style)
        prec = toggle_buttons("precision", st.precision, list(PRECISIONS), description="precision",
                              style={"button_width": "60px", "description_width": "initial"})
        batch = int_slider("batch_size", st.batch_size, low=1, high=MAX_BATCH, description="decode batch size",
                           style=style, layout=ipw.Layout(width="420px"))
        batch.add_class(PRIMARY_SLIDER_CLASS)
        mm = selection_slider("matmul_size", st.matmul_size, list(MATMUL_SIZES), description="matmul n (n×n×n)",
                              style=style, layout=ipw.Layout(width="420px"))
        ctx = selection_slider("context_tokens", st.context_tokens, list(CONTEXT_TOKENS),
                               description="attention context (tokens)", style=style, layout=ipw.Layout(width="420px"))
        self.controls = {"accelerator": acc, "precision": prec, "batch_size": batch, "matmul_size": mm,
                         "context_tokens": ctx}

        self.sources = {
            "roof": ColumnDataSource(data=dict(intensity=[], attainable=[])),
            "ops": ColumnDataSource(data=dict(name=[], intensity=[], attainable=[], bound=[], color=[], size=[],
                                             dx=[], dy=[], align=[], baseline=[])),
        }
        s = self.sources
        p = figure(
            title="Roofline: attainable FLOP/s against arithmetic intensity",
            x_axis_type="log", y_axis_type="log", width=820, height=430,
            x_axis_label="arithmetic intensity (FLOP per byte from memory)",
            y_axis_label="attainable FLOP/s", x_range=Range1d(start=INTENSITY_RANGE_FLOP_PER_BYTE[0], end=INTENSITY_RANGE_FLOP_PER_BYTE[1]),
            y_range=Range1d(start=1e11, end=1e16), tools="pan,wheel_zoom,box_zoom,reset,save",
        )
        p.line("intensity", "attainable", source=s["roof"], line_width=3, color="#264653", legend_label="roofline")
        self._ridge = Span(location=1.0, dimension="height", line_dash="dashed", line_color=kit.GREY)
        p.add_layout(self._ridge)
        pts = p.scatter("intensity", "attainable", source=s["ops"], size="size", fill_color="color", alpha=0.9,
                        line_color=kit.GREY_TEXT)  # the outline gives the orange point 3:1 (WCAG 2.1 1.4.11)
        p.add_layout(LabelSet(x="intensity", y="attainable", text="name", source=s["ops"], x_offset="dx",
                              y_offset="dy", text_align="align", text_baseline="baseline", text_font_size="9pt"))
        p.add_tools(HoverTool(renderers=[pts], tooltips=[
            ("operation", "@name"), ("FLOP/byte", "@intensity{0.0}"), ("attainable", "@attainable{0.00e} FLOP/s"),
            ("limited by", "@bound"),
        ]))
        p.legend.location = "bottom_right"
        self._figure = p
        self._y_range = p.y_range

    def model_inputs(self) -> RooflineInputs:
        c = self.controls
        return replace(self.start, accelerator=c["accelerator"].value, precision=c["precision"].value,
                       batch_size=int(c["batch_size"].value), matmul_size=int(c["matmul_size"].value),
                       context_tokens=int(c["context_tokens"].value))

    def _compute(self, inputs: RooflineInputs) -> RooflineResult:
        acc = hardware.get_accelerator(inputs.accelerator)
        precision = inputs.precision
        unavailable = precision == "fp8" and acc.peak_flop_per_s_fp8 is None
        if unavailable:
            precision = "bf16"
        peak = hardware.peak_flop_per_s_for(acc, precision)
        bw = acc.memory_bytes_per_s
        bytes_per_element = hardware.bytes_per_element(precision)
        ridge = float(hardware.ridge_point_flop_per_byte(peak, bw))

        n, batch = inputs.matmul_size, inputs.batch_size
        batches = np.array(sorted(set(DECODE_BATCHES) | {batch}), dtype=float)
        ops_ai = np.concatenate([
            np.atleast_1d(hardware.matmul_intensity(n, n, n, bytes_per_element=bytes_per_element)),
            np.atleast_1d(hardware.attention_intensity(inputs.context_tokens, HEAD_DIM,
                                                       bytes_per_element=bytes_per_element)),
            np.atleast_1d(hardware.decode_intensity(batches, bytes_per_param=bytes_per_element)),
        ]).astype(float)
        attainable = np.asarray(hardware.attainable_flop_per_s(ops_ai, peak, bw), dtype=float)
        compute_bound = np.asarray(hardware.is_compute_bound(ops_ai, peak, bw), dtype=bool)
        # The roof is straight on log-log axes but at the ridge: its two ends and the ridge draw it exactly.
        lo, hi = INTENSITY_RANGE_FLOP_PER_BYTE
        roof = np.unique(np.clip([lo, ridge, hi], lo, hi))
        i = 2 + int(np.flatnonzero(batches == batch)[0])
        return RooflineResult(
            accelerator=acc, precision=precision, fp8_unavailable=unavailable, peak_flop_per_s=peak,
            memory_bytes_per_s=bw, ridge_flop_per_byte=ridge, roof_intensity=roof,
            roof_attainable=np.asarray(hardware.attainable_flop_per_s(roof, peak, bw), dtype=float), batches=batches,
            op_intensity=ops_ai, op_attainable=attainable, op_compute_bound=compute_bound,
            decode_intensity=float(ops_ai[i]), decode_attainable=float(attainable[i]),
            decode_compute_bound=bool(compute_bound[i]),
        )

    def _draw(self, inputs: RooflineInputs, r: RooflineResult) -> None:
        n, batch = inputs.matmul_size, inputs.batch_size
        ops_name = [f"matmul {n}³", f"attention, {inputs.context_tokens:,} tokens"] + [
            f"decode, batch {int(b)}" for b in r.batches
        ]
        highlight = [False, False] + [b == batch for b in r.batches]
        # Labels: the learner's three operations above and left of their points (stacked where they
        # would overlap), the reference decode batches below and right, where the roof leaves room.
        mine = np.array([True, True] + highlight[2:])
        tiers = np.zeros(len(r.op_intensity), dtype=int)
        tiers[mine] = _label_tiers(r.op_intensity[mine])
        self._show("roof", dict(intensity=r.roof_intensity, attainable=r.roof_attainable))
        self._show("ops", dict(
            name=ops_name, intensity=r.op_intensity, attainable=r.op_attainable,
            bound=["compute" if cb else "memory bandwidth" for cb in r.op_compute_bound],
            color=[kit.ORANGE, kit.BLUISH_GREEN] + [kit.CHOICE if h else kit.GREY for h in highlight[2:]],
            size=[12, 12] + [15 if h else 9 for h in highlight[2:]],
            dx=np.where(mine, -8, 7), dy=np.where(mine, 6 + 14 * tiers, -5),
            align=np.where(mine, "right", "left"), baseline=np.where(mine, "bottom", "top"),
        ))
        set_props(self._ridge, location=r.ridge_flop_per_byte)
        set_props(self._y_range, end=r.peak_flop_per_s * Y_HEADROOM)
        peak, acc = r.peak_flop_per_s, r.accelerator
        note = f" ({acc.name} has no FP8 units: showing BF16)" if r.fp8_unavailable else ""
        self.readout.value = (
            f"<b>{acc.name}</b>, {r.precision.upper()}{note}: peak {sci(peak)} FLOP/s, memory "
            f"{r.memory_bytes_per_s / 1e12:.2f} TB/s → ridge point <b>{r.ridge_flop_per_byte:,.0f} FLOP/byte</b>.<br>"
            f"Decoding at batch <b>{batch}</b>: {r.decode_intensity:,.0f} FLOP/byte → at most "
            f"<b>{percent(r.decode_attainable / peak)}</b> of peak, limited by "
            f"<b>{'compute' if r.decode_compute_bound else 'memory bandwidth'}</b>. "
            f"Matmul {n}³: {percent(r.op_attainable[0] / peak)} of peak."
        )

    def _layout(self) -> ipw.Box:
        c = self.controls
        return ipw.VBox([
            ipw.HBox([c["accelerator"], c["precision"]]),
            ipw.HBox([c["batch_size"], c["matmul_size"]]),
            c["context_tokens"],
            self.readout,
            self._plot(self._figure),
        ])
