"""What every explorer shares: BokehJS loading, the display hook, the update path.

An explorer is a small class in Bokeh's example order (data, plot, controls,
callbacks, layout):

* ``_build()`` creates the ``ColumnDataSource``s, the Bokeh figure(s) and the
  ipywidgets controls, and registers the controls in ``self.controls``;
* ``update()`` asks :mod:`compute_econ` for arrays and *assigns* them to the
  data sources (one assignment per source, never an in-place mutation, which
  Bokeh would not send to the browser);
* every control in ``self.controls`` calls ``update()`` when its value
  changes, so a test that sets ``explorer.controls["budget"].value`` runs the
  same code path as a learner's drag.

The explorer displays itself (``_repr_mimebundle_``), so leaving it as the last
expression of a cell shows it. Figures are wrapped in
``jupyter_bokeh.BokehModel``, which sends each data change to the browser
over the widget comm; no ``push_notebook`` and no Bokeh server. One update is
one message: ``update()`` holds the document while ``_compute()`` assigns the
sources, then :class:`BatchedBokehModel` sends all the changes as a single
``PATCH-DOC`` (``jupyter_bokeh`` alone sends one patch per change, 10-90 comm
messages per update, each patch applied and redrawn by BokehJS on its own).

Two CSS classes are part of the contract with the browser tests: every
explorer's text readout carries ``ce-readout`` and its main slider carries
``ce-primary-slider``.
"""

from __future__ import annotations

import contextlib
import math
import time
from typing import Any, Iterator

import ipywidgets as ipw
import numpy as np
from bokeh.models import CustomJSTickFormatter, FixedTicker, LayoutDOM
from bokeh.core.serialization import Serializer
from bokeh.protocol.messages.patch_doc import patch_doc
from jupyter_bokeh.widgets import BokehModel

READOUT_CLASS = "ce-readout"
PRIMARY_SLIDER_CLASS = "ce-primary-slider"
EXPLORER_CLASS = "ce-explorer"

# The page's style for explorers, shipped with each one (a <style> in a hidden HTML widget, so it
# works wherever the explorer is shown: JupyterLab, Notebook 7, a hub, a deck). ipywidgets animates a
# slider handle for 300 ms after every key press or click on the track (noUiSlider's "tap" state);
# each animation frame re-renders the lesson page, which in a long lesson costs 15-20 ms of the
# browser's main thread a frame and delays the plot's own redraw by about 40 ms (make bench). The
# handle jumps instead; dragging was never animated.
EXPLORER_CSS = f"""<style>
.{EXPLORER_CLASS} .widget-slider .noUi-state-tap .noUi-connect,
.{EXPLORER_CLASS} .widget-slider .noUi-state-tap .noUi-origin,
.{EXPLORER_CLASS} .jupyter-widget-slider .noUi-state-tap .noUi-connect,
.{EXPLORER_CLASS} .jupyter-widget-slider .noUi-state-tap .noUi-origin {{ transition: none; }}
</style>"""

# Metadata on the page-setup output below, so the save hook (widgets.saving) drops it with BokehJS.
PAGE_SETUP_METADATA = {"compute_econ": "page-setup"}

# jupyter_bokeh's view sends every change BokehJS makes to a document (a plot laid out again after a
# resize sets its inner width and height) to the kernel over the widget's comm, and does not stop when
# the comm is gone: closing a lesson, or shutting its kernel down, resizes the plots as they leave the
# page and every one threw an uncaught "Cannot send" (jupyter_bokeh 4.1.0, JupyterLab 4). With no
# kernel there is nobody to tell, so that one error is dropped; any other error still surfaces.
# Document._trigger_on_change is BokehJS 3's dispatcher of document changes (bokeh/document/document.ts);
# if a later BokehJS renames it the guard does nothing.
COMM_GUARD_JS = """
(function guard(attempt) {
  const B = window.Bokeh;
  if (!B || !B.require) { if (attempt < 100) setTimeout(() => guard(attempt + 1), 100); return; }
  const proto = B.require("document").Document.prototype;
  if (proto.__ceCommGuard || typeof proto._trigger_on_change !== "function") return;
  const trigger = proto._trigger_on_change;
  proto._trigger_on_change = function (event) {
    try {
      return trigger.call(this, event);
    } catch (err) {
      if (!(err instanceof Error && err.message === "Cannot send")) throw err;
    }
  };
  proto.__ceCommGuard = true;
})(0);
"""

_bokeh_loaded = False


def setup_notebook(force: bool = True) -> None:
    """Load BokehJS into the notebook page from *inline* resources.

    Inline means the JavaScript comes from the installed ``bokeh`` package, not
    from a CDN, so lessons work in a classroom without internet. Call it once at
    the top of a lesson (the first code cell); explorers call it themselves if
    no lesson has done so in this kernel. The cell that calls it must not be a
    ``skip`` slide, or BokehModel views cannot render in slides.
    """
    global _bokeh_loaded
    if _bokeh_loaded and not force:
        return
    from bokeh.io import output_notebook
    from bokeh.resources import INLINE

    from IPython.display import Javascript, display

    output_notebook(resources=INLINE, hide_banner=True)
    display(Javascript(COMM_GUARD_JS), metadata=PAGE_SETUP_METADATA)
    _bokeh_loaded = True


def log_slider(name: str, value: float, *, base: float, low: float, high: float, step: float,
               **kwargs: Any) -> ipw.FloatLogSlider:
    """A ``FloatLogSlider`` whose grid passes through ``value``.

    The browser snaps a slider to ``min + k * step`` and sends the snapped value back to
    the kernel, so a starting value off the grid (70e9 parameters on a 0.05-decade grid
    from 1e8) would silently become another (70.8e9). The grid is shifted to pass through
    ``value``; it still spans about ``base**low`` to ``base**high``.

    Raises
    ------
    ValueError
        If ``value`` is not a number in ``[base**low, base**high]`` (the message names ``name``).
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = math.nan
    if not (math.isfinite(v) and base**low <= v <= base**high):
        raise ValueError(f"{name} must be a number in [{base**low:g}, {base**high:g}], got {value!r}")
    position = math.log(v, base)
    lo = position - math.floor((position - low) / step + 1e-9) * step
    hi = lo + math.floor((high - lo) / step + 1e-9) * step
    return ipw.FloatLogSlider(value=v, base=base, min=lo, max=hi, step=step, **kwargs)


def log_ticks(values: Any) -> list[float]:
    """Tick positions for a log axis that will show ``values`` (BokehJS fits the range to them).

    Bokeh's ``LogTicker`` falls back to evenly spaced ticks on a range of about a decade, which
    crowd at the top ($12, $15, $18, $21) and leave the bottom, where the data sit, unlabelled; these
    are 1-1.2-1.5-2-2.5-3-4-5-6-8 per decade over up to 0.6 decades, 1-2-3-5 up to 1.5, 1-2-5 up
    to 3, 1-3 up to 5, powers of ten beyond: at least two labels where the data sit, at most a dozen.
    Ticks outside the range are not drawn, so the list spans a decade more on each side.
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        return [10.0**k for k in range(-1, 3)]
    lo, hi = math.floor(math.log10(v.min())), math.ceil(math.log10(v.max()))
    span = math.log10(v.max()) - math.log10(v.min())
    mantissas = ((1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8) if span <= 0.6 else (1, 2, 3, 5) if span <= 1.5
                 else (1, 2, 5) if span <= 3 else (1, 3) if span <= 5 else (1,))
    return [m * 10.0**k for k in range(lo - 1, hi + 2) for m in mantissas]


def log_axis(axis: Any, formatter: Any = None) -> FixedTicker:
    """Give a Bokeh log axis the kit's ticker (see :func:`log_ticks`); returns it, to update with the data."""
    ticker = FixedTicker(ticks=log_ticks([]), minor_ticks=[])
    axis.ticker = ticker
    if formatter is not None:
        axis.formatter = formatter
    return ticker


_COUNT_TICKS_JS = """
const a = Math.abs(tick);
for (const [v, s] of [[1e12, "T"], [1e9, "B"], [1e6, "M"], [1e3, "k"]])
  if (a >= v) return (tick / v).toLocaleString("en", {maximumSignificantDigits: 3}) + s;
return tick.toLocaleString("en", {maximumSignificantDigits: 3});
"""


def count_ticks() -> CustomJSTickFormatter:
    """Tick labels for counts: 200k, 1.5M, 20M, 3B (not 2.000e+5), as the kit's readouts write them.

    A new model each call: a Bokeh model belongs to one document, and each explorer has its own.
    """
    return CustomJSTickFormatter(code=_COUNT_TICKS_JS)


class BatchedBokehModel(BokehModel):
    """``jupyter_bokeh.BokehModel`` that can send many document changes as one patch.

    Inside ``with view.batch():`` the document is held (Bokeh combines repeated changes
    of one property) and the changes are collected; on exit they go to the browser as
    one ``PATCH-DOC`` message, which BokehJS applies at once and redraws once. Outside a
    batch it behaves as ``BokehModel``.
    """

    _pending: list | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # BokehJS sends its own changes back (ranges it computed, plot sizes after a layout): while the
        # kernel is busy the browser queues them and keeps only the latest per property (jupyter_bokeh).
        self.combine_events = True

    def _document_patched(self, event) -> None:
        if event.setter is self:  # the browser's own change, echoed back: not sent again
            return
        if self._pending is not None:
            self._pending.append(event)
            return
        self._send_patch([event])

    def _send_patch(self, events: list) -> None:
        # As bokeh.protocol's patch_doc.create, but arrays are written inline (base64) rather
        # than as binary buffers, each of which would cost two more comm messages: a patch is
        # three messages (header, metadata, content) whatever it holds.
        doc = self._document
        serializer = Serializer(references=doc.models.synced_references, deferred=False)
        content = {"events": serializer.encode(events)}
        doc.models.flush_synced(lambda model: not serializer.has_ref(model))
        msg = patch_doc(patch_doc.create_header(), {}, content)
        for part in (msg.header_json, msg.metadata_json, msg.content_json):
            self.send({"msg": "patch", "payload": part})

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        doc = self._document
        self._pending = []
        doc.hold("combine")
        try:
            yield
        finally:
            try:
                doc.unhold()  # hands the combined changes to _document_patched
            finally:
                events, self._pending = self._pending, None
            if events:
                self._send_patch(events)


def _in_kernel() -> bool:
    """True inside a running IPython kernel (where display output reaches a page)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with ipykernel
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class Explorer:
    """Base class: subclasses implement ``_build`` and ``update``.

    Attributes
    ----------
    controls : dict[str, ipywidgets.ValueWidget]
        Every control, by name. Setting ``.value`` re-runs ``update()``.
    sources : dict[str, bokeh.models.ColumnDataSource]
        Every data source the figures draw from.
    readout : ipywidgets.HTML
        The text summary under the controls (CSS class ``ce-readout``).
    widget : ipywidgets.Box
        The whole explorer as one widget (what is displayed).
    last_update_s : float
        Wall-clock seconds the last ``update()`` took (model, source assignment and the
        serialised patch handed to the comm).
    """

    def __init__(self) -> None:
        self.controls: dict[str, ipw.ValueWidget] = {}
        self.sources: dict[str, Any] = {}
        self.readout = ipw.HTML()
        self.readout.add_class(READOUT_CLASS)
        self.last_update_s = float("nan")
        self._views: list[BatchedBokehModel] = []
        self._build()
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.update()
        self.widget = self._layout()
        self.widget.add_class(EXPLORER_CLASS)
        self.widget.children = (*self.widget.children, ipw.HTML(EXPLORER_CSS, layout=ipw.Layout(display="none")))

    # -- to implement -------------------------------------------------------
    def _build(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _compute(self) -> None:  # pragma: no cover - abstract
        """Recompute from the controls and assign the data sources and readout."""
        raise NotImplementedError

    def _layout(self) -> ipw.Box:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- shared -------------------------------------------------------------
    def update(self) -> None:
        """Recompute everything from the current control values (timed)."""
        t0 = time.perf_counter()
        # The plots' patch goes out first and the readout's text after it, so that the browser has both
        # before it draws the next frame (the readout first made it lay the page out once more).
        with self.readout.hold_sync(), contextlib.ExitStack() as stack:
            for view in self._views:  # one patch per update (see BatchedBokehModel)
                stack.enter_context(view.batch())
            self._compute()
        self.last_update_s = time.perf_counter() - t0

    def _on_change(self, change: dict) -> None:
        self.update()

    def _plot(self, layout: LayoutDOM) -> BatchedBokehModel:
        """Wrap a Bokeh figure or layout as an ipywidget whose updates go out as one patch."""
        view = BatchedBokehModel(layout)
        self._views.append(view)
        return view

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        if _in_kernel():
            setup_notebook(force=False)
        return self.widget._repr_mimebundle_(**kwargs)
