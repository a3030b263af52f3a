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

import ipywidgets as ipw
import numpy as np
from bokeh.models import ColumnDataSource, HoverTool, LabelSet, Span
from bokeh.plotting import figure

from compute_econ import hardware

from ._base import PRIMARY_SLIDER_CLASS, Explorer
from ._format import percent, sci

INTENSITY_FLOP_PER_BYTE = np.logspace(-1, 5, 200)
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


class RooflineExplorer(Explorer):
    """Accelerator, precision and operation sizes in; roofline and operations out.

    Parameters
    ----------
    accelerator : str
        A name from the catalogue (``compute_econ.hardware.ACCELERATORS``).
    batch_size : int
        Decode batch size to highlight (1 to 1,024).
    """

    def __init__(self, accelerator: str = "NVIDIA H100 SXM", batch_size: int = 1,
                 matmul_size: int = 4096, context_tokens: int = 8192):
        self._initial = dict(accelerator=accelerator, batch_size=batch_size, matmul_size=matmul_size,
                             context_tokens=context_tokens)
        super().__init__()

    def _build(self) -> None:
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
            y_axis_label="attainable FLOP/s", x_range=(0.1, 1e5), y_range=(1e11, 1e16),
            tools="pan,wheel_zoom,box_zoom,reset,save",
        )
        p.line("intensity", "attainable", source=s["roof"], line_width=3, color="#264653", legend_label="roofline")
        self._ridge = Span(location=1.0, dimension="height", line_dash="dashed", line_color="#8d99ae")
        p.add_layout(self._ridge)
        pts = p.scatter("intensity", "attainable", source=s["ops"], size="size", color="color", alpha=0.9)
        p.add_layout(LabelSet(x="intensity", y="attainable", text="name", source=s["ops"], x_offset="dx",
                              y_offset="dy", text_align="align", text_baseline="baseline", text_font_size="9pt"))
        p.add_tools(HoverTool(renderers=[pts], tooltips=[
            ("operation", "@name"), ("FLOP/byte", "@intensity{0.0}"), ("attainable", "@attainable{0.00e} FLOP/s"),
            ("limited by", "@bound"),
        ]))
        p.legend.location = "bottom_right"
        self._figure = p

        names = list(hardware.load_accelerators())
        style = {"description_width": "initial"}
        acc = ipw.Dropdown(options=names, value=self._initial["accelerator"], description="accelerator", style=style)
        prec = ipw.ToggleButtons(options=[("BF16", "bf16"), ("FP8", "fp8")], value="bf16", description="precision",
                                 style={"button_width": "60px", "description_width": "initial"})
        batch = ipw.IntSlider(value=self._initial["batch_size"], min=1, max=MAX_BATCH, step=1,
                              description="decode batch size", style=style, layout=ipw.Layout(width="420px"))
        batch.add_class(PRIMARY_SLIDER_CLASS)
        mm = ipw.SelectionSlider(options=[2**k for k in range(6, 15)], value=self._initial["matmul_size"],
                                 description="matmul n (n×n×n)", style=style, layout=ipw.Layout(width="420px"))
        ctx = ipw.SelectionSlider(options=[2**k for k in range(9, 18)], value=self._initial["context_tokens"],
                                  description="attention context (tokens)", style=style,
                                  layout=ipw.Layout(width="420px"))
        self.controls = {"accelerator": acc, "precision": prec, "batch_size": batch, "matmul_size": mm,
                         "context_tokens": ctx}

    def _compute(self) -> None:
        c = self.controls
        acc = hardware.get_accelerator(c["accelerator"].value)
        precision = c["precision"].value
        if precision == "fp8" and acc.peak_flop_per_s_fp8 is None:
            note = f" ({acc.name} has no FP8 units: showing BF16)"
            precision = "bf16"
        else:
            note = ""
        peak = hardware.peak_flop_per_s_for(acc, precision)
        bw = acc.memory_bytes_per_s
        bytes_per_element = hardware.bytes_per_element(precision)
        ridge = hardware.ridge_point_flop_per_byte(peak, bw)

        n = int(c["matmul_size"].value)
        batch = int(c["batch_size"].value)
        batches = np.array(sorted(set(DECODE_BATCHES) | {batch}), dtype=float)
        ops_name = [f"matmul {n}³", f"attention, {int(c['context_tokens'].value):,} tokens"] + [
            f"decode, batch {int(b)}" for b in batches
        ]
        ops_ai = np.concatenate([
            [hardware.matmul_intensity(n, n, n, bytes_per_element=bytes_per_element)],
            [hardware.attention_intensity(int(c["context_tokens"].value), HEAD_DIM,
                                          bytes_per_element=bytes_per_element)],
            np.atleast_1d(hardware.decode_intensity(batches, bytes_per_param=bytes_per_element)),
        ])
        attainable = hardware.attainable_flop_per_s(ops_ai, peak, bw)
        compute_bound = hardware.is_compute_bound(ops_ai, peak, bw)
        highlight = [False, False] + [b == batch for b in batches]
        # Labels: the learner's three operations above and left of their points (stacked where they
        # would overlap), the reference decode batches below and right, where the roof leaves room.
        mine = np.array([True, True] + highlight[2:])
        tiers = np.zeros(len(ops_ai), dtype=int)
        tiers[mine] = _label_tiers(ops_ai[mine])
        s = self.sources
        s["roof"].data = dict(intensity=INTENSITY_FLOP_PER_BYTE,
                              attainable=hardware.attainable_flop_per_s(INTENSITY_FLOP_PER_BYTE, peak, bw))
        s["ops"].data = dict(
            name=ops_name, intensity=ops_ai, attainable=attainable,
            bound=["compute" if cb else "memory bandwidth" for cb in compute_bound],
            color=["#e76f51", "#2a9d8f"] + ["#c81d25" if h else "#9c6644" for h in highlight[2:]],
            size=[12, 12] + [15 if h else 9 for h in highlight[2:]],
            dx=np.where(mine, -8, 7), dy=np.where(mine, 6 + 14 * tiers, -5),
            align=np.where(mine, "right", "left"), baseline=np.where(mine, "bottom", "top"),
        )
        self._ridge.location = ridge
        self._figure.y_range.end = peak * Y_HEADROOM
        i = 2 + int(np.flatnonzero(batches == batch)[0])
        self.result = dict(ridge_flop_per_byte=ridge, decode_intensity=ops_ai[i], decode_attainable=attainable[i],
                           decode_compute_bound=bool(compute_bound[i]), peak_flop_per_s=peak)
        self.readout.value = (
            f"<b>{acc.name}</b>, {precision.upper()}{note}: peak {sci(peak)} FLOP/s, memory {bw / 1e12:.2f} TB/s "
            f"→ ridge point <b>{ridge:,.0f} FLOP/byte</b>.<br>"
            f"Decoding at batch <b>{batch}</b>: {ops_ai[i]:,.0f} FLOP/byte → at most "
            f"<b>{percent(attainable[i] / peak)}</b> of peak, limited by "
            f"<b>{'compute' if compute_bound[i] else 'memory bandwidth'}</b>. "
            f"Matmul {n}³: {percent(attainable[0] / peak)} of peak."
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
