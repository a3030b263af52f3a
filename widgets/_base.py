"""What every explorer shares: BokehJS loading, the display hook, the update path and the error path.

An explorer is a small class in Bokeh's example order (data, plot, controls,
callbacks, layout). A subclass of :class:`Explorer` provides five methods (they
are abstract here: a class missing one cannot be instantiated):

* ``_build()`` creates the ipywidgets controls (``self.controls``), starting from
  ``self.start``, the ``ColumnDataSource``s (``self.sources``) and the Bokeh figures;
* ``model_inputs()`` returns the model inputs the controls describe: one frozen
  dataclass derived with :func:`dataclasses.replace` from ``self.start``, the
  inputs built from the caller's arguments (the caller's own model dataclasses
  included), never rebuilt from defaults;
* ``_compute(inputs)`` asks :mod:`compute_econ` for everything the picture needs
  and returns it as the explorer's result record (``result``, typed on each
  explorer); it assigns nothing;
* ``_draw(inputs, result)`` *assigns* the data sources (``self._show(name,
  columns)``, one assignment per source, never an in-place mutation, which Bokeh
  would not send to the browser), the figures' labels, lines and ranges
  (:func:`set_props`) and the readout; it calls no model (parts of a result that
  depend on a few inputs only may be kept with ``self._memo(key, compute)``);
* ``_layout()`` returns the whole explorer as one box.

``update()`` runs them in that order. If ``model_inputs()`` or ``_compute()``
raises a ``ValueError`` (the model refuses the controls' combination), nothing is
drawn: the readout says why in words, ``error`` holds the model's message, and
the plots and ``result`` keep the last picture the model could compute, so the
learner's slider never meets an exception. At construction there is no last
picture, and the refusal goes to the caller like any bad argument.

Every control in ``self.controls`` runs ``update()`` when its value changes, so a
test that sets ``explorer.controls["budget"].value`` runs the same code path as a
learner's drag. ``explorer.set(budget=1e24, fit="hoffmann2022")`` changes several
controls with one update, as ``with explorer.hold_updates():`` does for any block
of changes; a control that moves others (a new market brings its firms) moves
them in ``_follow(name, value)``, inside the same hold. Constructor arguments
that start a control are checked against its range or options with the kit's
validators (:func:`control_value` and the control builders below), so a value
outside a slider is a ``ValueError`` naming the argument, never a silent clamp.

The explorer displays itself (``_repr_mimebundle_``), so leaving it as the last
expression of a cell shows it. Figures are wrapped in
``jupyter_bokeh.BokehModel``, which sends each data change to the browser
over the widget comm; no ``push_notebook`` and no Bokeh server. One update is
one message: ``update()`` holds the document while ``_draw()`` assigns the
sources, then :class:`BatchedBokehModel` sends the changes as a single
``PATCH-DOC`` (``jupyter_bokeh`` alone sends one patch per change, 10-90 comm
messages per update, each patch applied and redrawn by BokehJS on its own),
with only the columns the browser does not have yet.

Two CSS classes are part of the contract with the browser tests: every
explorer's text readout carries ``ce-readout`` and its main slider carries
``ce-primary-slider``.
"""

from __future__ import annotations

import abc
import base64
import contextlib
import gzip
import html
import itertools
import json
import math
import os
import sys
import time
from pathlib import Path
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar, cast

import ipywidgets as ipw
import numpy as np
from bokeh.core.property.validation import validate
from bokeh.core.serialization import BytesRep, NDArrayRep, Ref, Serializer
from bokeh.document import Document
from bokeh.document.events import (ColumnDataChangedEvent, ColumnsPatchedEvent, ColumnsStreamedEvent,
                                   DocumentPatchedEvent, ModelChangedEvent)
from bokeh.document.json import PatchJson
from bokeh.model import Model
from bokeh.models import ColumnDataSource, CustomJSTickFormatter, FixedTicker, LayoutDOM
from bokeh.protocol.messages.patch_doc import patch_doc
from jupyter_bokeh.widgets import BokehModel

from compute_econ._validate import choice, flag, integer, scalar

T = TypeVar("T")

READOUT_CLASS = "ce-readout"
PRIMARY_SLIDER_CLASS = "ce-primary-slider"
EXPLORER_CLASS = "ce-explorer"
#: Widgets that need a kernel (a button that shows the data as tables): the book's static copy leaves them out.
LIVE_ONLY_CLASS = "ce-live-only"
#: Text for screen readers only (a plot's description): kept off the screen, not hidden from assistive technology.
SR_ONLY_CLASS = "ce-sr-only"

#: Visually hidden, still read by screen readers: the style of :data:`SR_ONLY_CLASS`, in :data:`EXPLORER_CSS` and in
#: the book's CSS (widgets.book.BOOK_CSS).
SR_ONLY_CSS = f""".{SR_ONLY_CLASS} {{ position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }}"""

# The page's style for explorers, shipped with each one (a <style> in a hidden HTML widget, so it
# works wherever the explorer is shown: JupyterLab, Notebook 7, a hub, a deck). ipywidgets animates a
# slider handle for 300 ms after every key press or click on the track (noUiSlider's "tap" state);
# each animation frame re-renders the lesson page, which in a long lesson costs 15-20 ms of the
# browser's main thread a frame and delays the plot's own redraw by about 40 ms (make bench). The
# handle jumps instead; dragging was never animated. A control the keyboard reaches shows a focus ring (WCAG 2.4.7;
# ipywidgets' menus had none), dark blue, 7:1 on white (WCAG 1.4.11 asks 3:1). ``ce-sr-only`` is the usual
# visually-hidden pattern: off the screen, still read by a screen reader. On a slide (jupyterlab-slideshow's deck) the
# data-tables button and its tables stay off: the button's row pushed explorer slides 14-22 px past a 1280 × 720
# projector, and the tables are the lesson page's (tests/browser/test_slides.py).
EXPLORER_CSS = f"""<style>
.{EXPLORER_CLASS} .widget-slider .noUi-state-tap .noUi-connect,
.{EXPLORER_CLASS} .widget-slider .noUi-state-tap .noUi-origin,
.{EXPLORER_CLASS} .jupyter-widget-slider .noUi-state-tap .noUi-connect,
.{EXPLORER_CLASS} .jupyter-widget-slider .noUi-state-tap .noUi-origin {{ transition: none; }}
.{EXPLORER_CLASS} :focus-visible {{ outline: 2px solid #1a56a8 !important; outline-offset: 1px; }}
.jp-Deck .{EXPLORER_CLASS} .{LIVE_ONLY_CLASS} {{ display: none; }}
{SR_ONLY_CSS}
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


def page_a11y_js() -> str:
    """The page script that names the kit's controls for assistive technology (``widgets/a11y.js``; it says
    what it does and what it depends on)."""
    return (Path(__file__).with_name("a11y.js")).read_text(encoding="utf-8")


def setup_notebook(force: bool = True) -> None:
    """Load BokehJS into the notebook page from *inline* resources.

    Inline means the JavaScript comes from the installed ``bokeh`` package, not
    from a CDN, so lessons work in a classroom without internet. Call it once at
    the top of a lesson (the first code cell); explorers call it themselves if
    no lesson has done so in this kernel. The cell that calls it must not be a
    ``skip`` slide, or BokehModel views cannot render in slides.
    """
    global _bokeh_loaded
    from . import book

    if book.in_book():  # the book's pages load BokehJS once, from files next to them
        return
    if _bokeh_loaded and not force:
        return
    from bokeh.io import output_notebook
    from bokeh.resources import INLINE

    from IPython.display import Javascript, display

    output_notebook(resources=INLINE, hide_banner=True)
    display(Javascript(COMM_GUARD_JS + page_a11y_js()), metadata=PAGE_SETUP_METADATA)
    _bokeh_loaded = True


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


_SECONDS_TICKS_JS = """
const a = Math.abs(tick), f = (x) => x.toLocaleString("en", {maximumSignificantDigits: 3});
if (a === 0) return "0 s";
if (a < 1e-3) return f(tick * 1e6) + " µs";
if (a < 1) return f(tick * 1e3) + " ms";
if (a < 120) return f(tick) + " s";
if (a < 7200) return f(tick / 60) + " min";
return f(tick / 3600) + " h";
"""


def seconds_ticks() -> CustomJSTickFormatter:
    """Tick labels for durations in seconds: 500 µs, 20 ms, 1 s, 5 min, 2 h (not 1.000e-3), as readouts write them."""
    return CustomJSTickFormatter(code=_SECONDS_TICKS_JS)


# -- the page's side of an update: one patch, only what changed -------------------------------------------

#: Smallest and largest magnitudes a float32 holds at full precision (normal numbers); a float64 column
#: inside them is sent as float32 (see :func:`_compact`).
#: Integers JavaScript holds exactly (Bokeh's serializer writes larger ones as floats, with a warning).
_MAX_SAFE_INT = 2**53 - 1
_FLOAT32_TINY, _FLOAT32_MAX = float(np.finfo(np.float32).tiny), float(np.finfo(np.float32).max)


#: Numeric columns this short go as JSON numbers: a typed array's header, gzip and base64 cost more than
#: writing a few numbers out.
SHORT_COLUMN = 8


def _compact(column: Any) -> Any:
    """A column as it is sent to the browser: float64 arrays as float32 where every value fits, short ones as
    numbers (:data:`SHORT_COLUMN`).

    A float32 keeps 7 significant digits (relative error below 6e-8): on a plot of a few hundred
    pixels, or in a hover label of 3-4 digits, float32 and float64 draw the same picture, in half
    the bytes to encode, send and decode. BokehJS takes float32 arrays as they are (``dtype`` in the
    serialised ndarray). Values outside float32's normal range (above 3.4e38, or nonzero below
    1.2e-38) would become inf or lose digits, so such a column stays float64; NaN and inf stay what
    they are. Lists of arrays (``multi_line``) are converted array by array; anything else is sent
    as it is.
    """
    if isinstance(column, np.ndarray):
        if column.ndim == 1 and column.dtype.kind in "fi" and column.size <= SHORT_COLUMN:
            return column.tolist()
        if column.dtype != np.float64 or column.size == 0:
            return column
        magnitude = np.abs(column)
        largest = float(magnitude.max())  # NaN or inf if any value is: then the general test below
        if largest <= _FLOAT32_MAX:
            smallest = float(magnitude.min())
            if smallest >= _FLOAT32_TINY or (smallest == 0.0 and magnitude[magnitude > 0].min(initial=1.0) >= _FLOAT32_TINY):
                return column.astype(np.float32)
            return column
        magnitude = magnitude[np.isfinite(column)]
        if magnitude.size and (magnitude.max() > _FLOAT32_MAX or magnitude[magnitude > 0].min(initial=1.0)
                               < _FLOAT32_TINY):
            return column
        return column.astype(np.float32)
    if isinstance(column, list) and column and all(isinstance(item, np.ndarray) for item in column):
        return [_compact(item) for item in column]
    return column


def _same_column(a: Any, b: Any) -> bool:
    """True if the browser, holding column ``a``, already shows column ``b`` (same values, same kind)."""
    if a is b:
        return True
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)) or a.shape != b.shape \
                or a.dtype.kind != b.dtype.kind:
            return False
        if a.dtype == b.dtype and a.dtype.kind in "biufc":  # numbers of one type: the same bytes, one comparison in C
            return a.tobytes() == b.tobytes()  # (NaN equals NaN; -0.0 and 0.0 differ, and are sent again)
        return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return False
        try:  # numbers and strings: one comparison in C
            return bool(a == b)
        except ValueError:  # arrays inside (multi_line columns): one by one
            return all(_same_column(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)


class _InlineSerializer(Serializer):
    """Bokeh's serializer for a patch of ``document``: arrays inline as stored (level 0) gzip in base64, and
    references to the browser's models looked up as they are met.

    BokehJS gunzips every inline buffer (``base64_to_buffer`` in bokehjs ``core/util/buffer.ts``),
    so the gzip container must stay; compressing a few hundred numbers (Bokeh's default is level
    2) cost more time than the bytes it saved on a local comm. The buffer's id is not made either:
    it names only buffers sent apart from the message, and these are not. Bokeh's own patch
    (``patch_doc.create``) first maps every model the browser has to its reference (about a hundred
    per explorer, for each patch); here a model is looked up when an event names it: one the browser
    has (in the document and not new, what ``DocumentModelManager.synced_references`` lists) is
    written as its reference, any other in full.
    """

    def __init__(self, document: Document) -> None:
        super().__init__(deferred=False)
        self._models = document.models

    def encode(self, obj: Any) -> Any:
        # Strings (column names, kinds), finite floats and small ints are written as they are: Bokeh's path
        # (a reference lookup, a circularity check, a dozen type tests) ends in the same value.
        kind = type(obj)
        if kind is str or (kind is float and obj - obj == 0.0) or (kind is int and -_MAX_SAFE_INT < obj <= _MAX_SAFE_INT):
            return obj
        return super().encode(obj)

    def get_ref(self, obj: Any) -> Ref | None:
        ref = self._references.get(id(obj))
        if ref is None and isinstance(obj, Model) and self._models.get_by_id(obj.id) is obj \
                and obj not in self._models._new_models:
            ref = self._references[id(obj)] = obj.ref
        return ref

    def has_ref(self, obj: Any) -> bool:
        return self.get_ref(obj) is not None

    def _encode_list(self, obj: list[Any]) -> Any:
        # A column of plain strings, or of finite floats, or of ints JavaScript holds exactly, is written as it
        # is (the JSON Bokeh's item-by-item encoding gives, in one pass); anything else item by item.
        if all(type(item) is str for item in obj) \
                or all(type(item) is float and item - item == 0.0 for item in obj) \
                or all(type(item) is int and -_MAX_SAFE_INT < item <= _MAX_SAFE_INT for item in obj):
            return list(obj)
        return super()._encode_list(obj)

    def _encode_ndarray(self, obj: Any) -> Any:
        # A plain, C-ordered float array (every float column once compacted) as Bokeh writes it, without its
        # checks for dates, masks, 64-bit integers and layouts that such an array cannot have.
        if type(obj) is np.ndarray and obj.dtype in _FLOAT_DTYPES and obj.flags.c_contiguous:
            return NDArrayRep(type="ndarray", array=self._encode_bytes(obj.data), shape=list(obj.shape),
                              dtype=obj.dtype.name, order=sys.byteorder)
        return super()._encode_ndarray(obj)

    def _encode_bytes(self, obj: bytes | memoryview) -> BytesRep:
        data = base64.b64encode(gzip.compress(bytes(obj), compresslevel=0, mtime=1)).decode("ascii")
        return BytesRep(type="bytes", data=data)


_FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))

#: Ids of the patches an explorer sends (unique in the kernel; BokehJS needs only a string).
_patch_ids = itertools.count(1)
_PATCH_ID_PREFIX = f"ce-patch-{os.getpid()}-"
#: Bokeh's ``serialize_json`` for a message without buffers: compact, no NaN (the serializer writes them out).
_PATCH_JSON = json.JSONEncoder(sort_keys=False, allow_nan=False, separators=(",", ":"))


class BatchedBokehModel(BokehModel):
    """``jupyter_bokeh.BokehModel`` that sends many document changes as one patch, and only what changed.

    Inside ``with view.batch():`` the document is held (Bokeh combines repeated changes of one
    property) and the changes are collected; on exit they go to the browser as one ``PATCH-DOC``
    message, which BokehJS applies at once and redraws once. Outside a batch it sends each change
    as it comes, the same way.

    A data source's change carries only the columns whose values differ from what the browser
    holds (the columns it was rendered with, then every column sent since); a source with nothing
    new is left out. BokehJS keeps the columns a ``ColumnDataChanged`` event does not name
    (``Document._apply_json_patch`` in bokehjs ``document/document.ts``). Float columns go as
    float32 where that draws the same picture (:func:`_compact`).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._pending: list[DocumentPatchedEvent] | None = None
        super().__init__(*args, **kwargs)
        # BokehJS sends its own changes back (ranges it computed, plot sizes after a layout): while the
        # kernel is busy the browser queues them and keeps only the latest per property (jupyter_bokeh).
        self.combine_events = True
        self._shown: dict[str, dict[str, Any]] = self._columns_now()
        self.stale_bundle = False
        # Properties the kernel has patched, as (model id, attribute): the kernel decides them.
        self._kernel_set: set[tuple[str, str]] = set()

    def _sync_model(self, model: BokehModel, content: dict[str, Any], buffers: list[Any]) -> None:
        """Apply the browser's change of a property, unless the kernel sets that property.

        jupyter_bokeh sends back what BokehJS changed, and a message the page queued before it applied
        the kernel's latest patch arrives after it: applied, it would put the kernel's model back to
        the old value (a range, a data source), and the next update that returns to that value would
        send nothing, leaving the page with the newer range and older data (found by the axes browser
        test: End then Home on a slider). For a property the kernel has patched, the kernel's value is
        the truth; the page's echo is dropped. Everything else (sizes after a layout, ranges BokehJS
        computes itself, a learner's zoom of a range the kernel never set) is applied as before.
        """
        if content.get("event") == "jsevent":
            ref = content.get("model")
            attr = "data" if content.get("kind") in ("ColumnDataChanged", "ColumnsStreamed", "ColumnsPatched") \
                else content.get("attr")
            if isinstance(ref, dict) and (ref.get("id"), attr) in self._kernel_set:
                return
        super()._sync_model(model, content, buffers)

    def _columns_now(self) -> dict[str, dict[str, Any]]:
        """Every data source's columns as they are now, by the source's id (what a fresh render shows)."""
        doc = self._document
        assert doc is not None
        return {m.id: dict(m.data) for m in doc.models if isinstance(m, ColumnDataSource)}

    def refresh_bundle(self) -> None:
        """Render the document afresh for views created from now on (a second display of the explorer).

        A view starts from ``render_bundle``, the document as it was when this model was made, and then
        applies only the patches sent after it appeared: without this, a later view would miss every
        change sent before it. Views already on the page render again once.
        """
        self.render_bundle = self._model_to_traits(self._model)
        self._shown = self._columns_now()
        self.stale_bundle = False

    def _document_patched(self, event: DocumentPatchedEvent) -> None:
        if event.setter is self:  # the browser's own change, echoed back: not sent again
            if _is_data_change(event):  # it holds data the kernel did not send: send all columns next time
                self._shown.pop(event.model.id, None)  # type: ignore[attr-defined]
            return
        if self._pending is not None:
            self._pending.append(event)
            return
        self._send_patch([event])

    def _only_new_columns(self, event: DocumentPatchedEvent) -> DocumentPatchedEvent | None:
        """``event`` reduced to the data the browser does not have yet; ``None`` if it has it all."""
        if isinstance(event, (ColumnsStreamedEvent, ColumnsPatchedEvent)):
            self._shown.pop(event.model.id, None)  # appended or patched in place: send all next time
            return event
        if not _is_data_change(event):
            return event
        model = event.model  # type: ignore[attr-defined]
        now = dict(model.data)
        before = self._shown.get(model.id)
        self._shown[model.id] = now
        if before is None or not before.keys() <= now.keys():  # unknown to the browser, or a column dropped
            cols = list(now)
        else:
            cols = [k for k, column in now.items() if k not in before or not _same_column(before[k], column)]
        if not cols:
            return None
        assert self._document is not None
        return ColumnDataChangedEvent(self._document, model, "data", data={k: _compact(now[k]) for k in cols},
                                      cols=cols)

    def _send_patch(self, events: list[DocumentPatchedEvent]) -> None:
        # As bokeh.protocol's patch_doc.create, but arrays are written inline (base64) rather
        # than as binary buffers, each of which would cost two more comm messages: a patch is
        # three messages (header, metadata, content) whatever it holds.
        kept = [e for e in (self._only_new_columns(event) for event in events) if e is not None]
        if not kept:
            return
        for e in kept:
            attr = "data" if isinstance(e, (ColumnDataChangedEvent, ColumnsStreamedEvent, ColumnsPatchedEvent)) \
                else getattr(e, "attr", None)
            model = getattr(e, "model", None)
            if model is not None and attr is not None:
                self._kernel_set.add((model.id, attr))
        doc = self._document
        assert doc is not None
        serializer = _InlineSerializer(doc)
        content = cast(PatchJson, {"events": serializer.encode(kept)})
        doc.models.flush_synced(lambda model: not serializer.has_ref(model))
        # The three parts of Bokeh's message (patch_doc(create_header(), {}, content)), written as its
        # header_json, metadata_json and content_json write them, without looking Bokeh's settings up
        # twice a patch (its id style and its pretty printing): the content holds no buffers (written
        # inline above), so the standard encoder with Bokeh's compact separators gives the same JSON.
        header = {"msgid": f"{_PATCH_ID_PREFIX}{next(_patch_ids)}", "msgtype": patch_doc.msgtype}
        for part in (json.dumps(header), "{}", _PATCH_JSON.encode(content)):
            self.send({"msg": "patch", "payload": part})
        self.stale_bundle = True

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        doc = self._document
        assert doc is not None
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


def _is_data_change(event: DocumentPatchedEvent) -> bool:
    """A change of a data source's ``data`` (assigned whole, or some of its columns)."""
    if isinstance(event, ColumnDataChangedEvent):
        return True
    return isinstance(event, ModelChangedEvent) and event.attr == "data" and isinstance(event.model, ColumnDataSource)


def set_props(model: Any, **props: Any) -> None:
    """Set Bokeh properties of ``model`` that differ from their current values.

    Bokeh's setter validates every value it is given, a few tens of microseconds each even when
    nothing changes; reading a property is about fifty times cheaper. An update sets a dozen labels,
    lines and ranges of which a move changes few. The comparison is with the kernel's value: the
    browser's echo of a property the kernel has set is not applied (:meth:`BatchedBokehModel._sync_model`),
    so a learner's zoom of such a range lasts until an update moves the range.
    """
    for name, value in props.items():
        if not _same_column(getattr(model, name), value):
            setattr(model, name, value)


def _in_kernel() -> bool:
    """True inside a running IPython kernel (where display output reaches a page)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with ipykernel
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


# -- controls that take the caller's starting value or refuse it -------------------------------------------

def accessible_name(control: ipw.ValueWidget) -> str:
    """What a screen reader announces for a control: its ``tooltip`` where the kit gives one (a control whose
    description is short, "model", says in full what it sets and in which unit), else its ``description``.

    ipywidgets 8 puts neither on a slider's handle (jupyter-widgets/ipywidgets#2650); the page script of
    :func:`setup_notebook` does, and the book's Bokeh controls take the same name.
    """
    return str(control.tooltip or control.description or "")


def option_values(control: ipw.ValueWidget) -> tuple[Any, ...]:
    """The values a selection control (dropdown, toggle buttons, selection slider) can take."""
    return tuple(control._options_values)  # ipywidgets' own list of the option values, labels stripped


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python number it holds (``np.float64(0.9)`` -> ``0.9``); anything else as it is."""
    return value.item() if isinstance(value, np.generic) else value


def option(name: str, value: Any, options: Sequence[T]) -> T:
    """``value`` if it is one of ``options``; else a ``ValueError`` naming ``name`` and listing them.

    As :func:`compute_econ._validate.choice`, but a numpy scalar counts as the number it holds and a
    whole float (``4096.0``) as the whole number, where the options are whole numbers.
    """
    value = _plain(value)
    if isinstance(value, float) and value.is_integer() and options and all(
            isinstance(o, int) and not isinstance(o, bool) for o in options):
        value = int(value)
    return choice(name, value, options)


def control_value(name: str, control: ipw.ValueWidget, value: Any) -> Any:
    """``value`` if ``control`` can take it (inside its range, or one of its options); else a ``ValueError``.

    The message names ``name`` (the caller's parameter), the value and the control's range or
    options, as :mod:`compute_econ._validate` words it; a value outside a slider's range is refused,
    never clamped to its end, and a value that is not an option is refused before ipywidgets would
    raise a bare ``TraitError``.
    """
    if isinstance(control, ipw.FloatLogSlider):
        return scalar(name, value, control.base ** control.min, control.base ** control.max)
    if isinstance(control, ipw.FloatSlider):
        return scalar(name, value, control.min, control.max)
    if isinstance(control, ipw.IntSlider):
        return integer(name, value, control.min, control.max)
    if isinstance(control, ipw.Checkbox):
        return flag(name, value)
    if isinstance(control, (ipw.Dropdown, ipw.ToggleButtons, ipw.SelectionSlider)):
        return option(name, value, option_values(control))
    raise TypeError(f"no rule for the values of a {type(control).__name__} ({name})")


def _on_grid(value: float, low: float, high: float, step: float) -> tuple[float, float]:
    """A slider's (min, max) near ``(low, high)`` whose grid ``min + k * step`` passes through ``value``.

    The browser snaps a slider to its grid and sends the snapped value back to the kernel, so a
    starting value off the grid (0.425 on a 0.01 grid from 0.1) would silently become another.
    Where ``value`` is on the grid from ``low`` the range is ``(low, high)`` itself.
    """
    lo = value - math.floor((value - low) / step + 1e-9) * step
    lo = low if abs(lo - low) < 1e-9 * step else lo
    hi = lo + math.floor((high - lo) / step + 1e-9) * step
    hi = high if abs(hi - high) < 1e-9 * step else hi
    return lo, hi


def log_slider(name: str, value: Any, *, base: float, low: float, high: float, step: float,
               **kwargs: Any) -> ipw.FloatLogSlider:
    """A ``FloatLogSlider`` from ``base**low`` to ``base**high`` whose grid passes through ``value``.

    The grid (exponents ``min + k * step``) is shifted to pass through ``value``, so 70e9
    parameters on a 0.05-decade grid from 1e8 stay 70e9 (they became 70.8e9); it still spans
    about ``base**low`` to ``base**high``.

    Raises
    ------
    ValueError
        If ``value`` is not one number in ``[base**low, base**high]`` (the message names ``name``).
    """
    v = scalar(name, value, base**low, base**high)
    lo, hi = _on_grid(math.log(v, base), low, high, step)
    return ipw.FloatLogSlider(value=v, base=base, min=lo, max=hi, step=step, **kwargs)


def float_slider(name: str, value: Any, *, low: float, high: float, step: float, **kwargs: Any) -> ipw.FloatSlider:
    """A ``FloatSlider`` over about ``[low, high]`` whose grid passes through ``value`` (see :func:`_on_grid`).

    Raises
    ------
    ValueError
        If ``value`` is not one number in ``[low, high]`` (the message names ``name``).
    """
    v = scalar(name, value, low, high)
    lo, hi = _on_grid(v, low, high, step)
    return ipw.FloatSlider(value=v, min=lo, max=hi, step=step, **kwargs)


def int_slider(name: str, value: Any, *, low: int, high: int, **kwargs: Any) -> ipw.IntSlider:
    """An ``IntSlider`` over ``[low, high]`` in steps of one, starting at ``value`` (a ``ValueError`` naming ``name``
    if it is not a whole number in that range)."""
    return ipw.IntSlider(value=integer(name, value, low, high), min=low, max=high, step=1, **kwargs)


def _checked_option(name: str, value: Any, options: Any) -> Any:
    return option(name, value, tuple(o[1] if isinstance(o, tuple) else o for o in options))


def dropdown(name: str, value: Any, options: Any, **kwargs: Any) -> ipw.Dropdown:
    """An ``ipywidgets.Dropdown`` starting at ``value``: a ``ValueError`` naming ``name`` and listing the
    options if ``value`` is not one (``options``: values, or ``(label, value)`` pairs)."""
    return ipw.Dropdown(options=options, value=_checked_option(name, value, options), **kwargs)


def toggle_buttons(name: str, value: Any, options: Any, **kwargs: Any) -> ipw.ToggleButtons:
    """``ipywidgets.ToggleButtons`` starting at ``value``, checked as :func:`dropdown` checks it."""
    return ipw.ToggleButtons(options=options, value=_checked_option(name, value, options), **kwargs)


def selection_slider(name: str, value: Any, options: Any, **kwargs: Any) -> ipw.SelectionSlider:
    """An ``ipywidgets.SelectionSlider`` starting at ``value``, checked as :func:`dropdown` checks it."""
    return ipw.SelectionSlider(options=options, value=_checked_option(name, value, options), **kwargs)


def checkbox(name: str, value: Any, **kwargs: Any) -> ipw.Checkbox:
    """An ``ipywidgets.Checkbox`` starting at ``value`` (``True`` or ``False``; a ``ValueError`` naming ``name``
    for anything else)."""
    return ipw.Checkbox(value=flag(name, value), **kwargs)


def store(record: Any, name: str, value: Any) -> None:
    """Store a validated value on a frozen dataclass in its ``__post_init__`` (the kit's convention)."""
    object.__setattr__(record, name, value)


def check_frozen_dataclass(name: str, value: Any) -> None:
    """A ``ValueError`` naming ``name`` unless ``value`` is an instance of a frozen dataclass."""
    params = getattr(value, "__dataclass_params__", None)
    if isinstance(value, type) or params is None or not params.frozen:
        raise ValueError(f"{name} must be a frozen dataclass instance (the model inputs), got {value!r}")


# -- the explorer --------------------------------------------------------------------------------------------

#: How many results :meth:`Explorer._memo` keeps (the most recently used).
MEMO_SIZE = 32

InputsT = TypeVar("InputsT")
ResultT = TypeVar("ResultT")


class Explorer(abc.ABC, Generic[InputsT, ResultT]):
    """Base class of every explorer: a subclass provides ``_build``, ``model_inputs``, ``_compute``,
    ``_draw`` and ``_layout`` (see the module's docstring for what each does).

    Attributes
    ----------
    start : frozen dataclass
        The model inputs the explorer started from, built from the caller's arguments (and the
        caller's own model dataclasses); :meth:`model_inputs` derives from it.
    result : record
        What the model computed for the picture on show (typed by each explorer).
    error : str or None
        Why the model refused the controls' current combination (the plots then show the last
        picture it could compute); ``None`` when the picture matches the controls.
    controls : dict[str, ipywidgets.ValueWidget]
        Every control, by name. Setting ``.value`` runs ``update()``; :meth:`set` sets several
        with one update.
    sources : dict[str, bokeh.models.ColumnDataSource]
        Every data source the figures draw from.
    readout : ipywidgets.HTML
        The text summary under the controls (CSS class ``ce-readout``).
    value_labels : dict[str, ipywidgets.HTML]
        By control name, the text that shows a control's value where the control's own readout is off
        (``readout=False``: the explorer writes the value its own way, "$6.0B"); the book's copy of the slider
        reads that text aloud as its value (:mod:`widgets.static`). Empty by default.
    widget : ipywidgets.Box
        The whole explorer as one widget (what is displayed).
    last_update_s : float
        Wall-clock seconds the last ``update()`` took (model, source assignment and the
        serialised patch handed to the comm).
    PARAMETER_CONTROLS : dict[str, str]
        Constructor parameters that set a control's starting value, parameter -> control name.
        The value is checked against that control's range or options (a ``ValueError`` naming
        the parameter, never a silent clamp); tests/test_explorer_contract.py tries values
        outside them.
    """

    PARAMETER_CONTROLS: ClassVar[Mapping[str, str]] = {}
    #: The controls the book precomputes (:meth:`static_grid`), by name, with the most positions a slider gets
    #: (a menu gets all its options); empty: the main slider alone.
    STATIC_CONTROLS: ClassVar[Mapping[str, int]] = {}
    #: Each control's accessible name, by control: what it sets and in which unit ("training compute budget, in
    #: FLOP"). It becomes the control's ``tooltip`` unless the explorer set one (see :func:`accessible_name`);
    #: tests/test_accessibility.py requires a name of some words for every control of every explorer.
    CONTROL_NAMES: ClassVar[Mapping[str, str]] = {}

    start: InputsT
    result: ResultT
    error: str | None
    controls: dict[str, ipw.ValueWidget]
    sources: dict[str, ColumnDataSource]
    readout: ipw.HTML
    value_labels: dict[str, ipw.HTML]
    widget: ipw.Box
    last_update_s: float

    def __init__(self, start: InputsT) -> None:
        check_frozen_dataclass("start", start)
        self.start = start
        self.controls = {}
        self.sources = {}
        self.readout = ipw.HTML()
        self.readout.add_class(READOUT_CLASS)
        self.value_labels = {}
        self.error = None
        self.last_update_s = math.nan
        self._views: list[BatchedBokehModel] = []
        self._text_widgets()
        self._holds = 0
        self._update_due = False
        self._memos: dict[Hashable, Any] = {}
        self._build()
        unknown = set(self.CONTROL_NAMES) - set(self.controls)
        if unknown:
            raise TypeError(f"{type(self).__name__}.CONTROL_NAMES names no control: {', '.join(sorted(unknown))}")
        for name, text in self.CONTROL_NAMES.items():
            if not self.controls[name].tooltip:
                self.controls[name].tooltip = text
        self._control_names = {id(control): name for name, control in self.controls.items()}
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self._update(refuse=False)  # no last picture to keep: a refusal is the caller's ValueError
        self.widget = self._layout()
        self.widget.add_class(EXPLORER_CLASS)
        self.widget.children = (*self.widget.children, *self._text_equivalent(),
                                ipw.HTML(EXPLORER_CSS + self._names_html(), layout=ipw.Layout(display="none")))

    def _names_html(self) -> str:
        """The controls' accessible names by their visible label, for the page script (``widgets/a11y.js``).

        ipywidgets 8 shows a slider's tooltip on its label, where the script reads it, but drops a menu's when the
        menu has a description (``DropdownView.updateTooltip``): the script finds a menu's name here instead.
        """
        names = {str(c.description): accessible_name(c) for c in self.controls.values()
                 if c.description and c.tooltip}
        return f'<div class="ce-control-names" hidden data-names="{html.escape(json.dumps(names))}"></div>'

    # -- to implement -------------------------------------------------------
    @abc.abstractmethod
    def _build(self) -> None:
        """Create ``self.controls`` (starting from ``self.start``), ``self.sources`` and the figures."""

    @abc.abstractmethod
    def model_inputs(self) -> InputsT:
        """The model inputs the controls describe now: ``dataclasses.replace(self.start, ...)``.

        Raises ``ValueError`` if the model's dataclasses refuse the combination.
        """

    @abc.abstractmethod
    def _compute(self, inputs: InputsT) -> ResultT:
        """Everything the picture needs, from :mod:`compute_econ`; assigns nothing.

        Raises ``ValueError`` if the model refuses ``inputs`` (the message is shown in the readout).
        """

    @abc.abstractmethod
    def _draw(self, inputs: InputsT, result: ResultT) -> None:
        """Assign the data sources, the annotations and the readout from ``result`` (no model calls)."""

    @abc.abstractmethod
    def _layout(self) -> ipw.Box:
        """The explorer as one box: controls, readout and ``self._plot(figures)``."""

    def _text_equivalent(self) -> list[ipw.Widget]:
        """The plots in words (WCAG 2.1 success criterion 1.1.1): a screen-reader-only description of each figure
        (:data:`SR_ONLY_CLASS`, in figure order) and a button that shows their data as tables (kernel only,
        :data:`LIVE_ONLY_CLASS`). Both follow every update the model accepts (see :mod:`widgets.describe`)."""
        from .describe import FigureDescriptions, figures_of

        self._described[:] = [FigureDescriptions(list(figures_of(view._model))) for view in self._views]
        self._descriptions[:] = [ipw.HTML() for d in self._described for _ in d.figures]
        for text in self._descriptions:
            text.add_class(SR_ONLY_CLASS)
        self._describe()
        return [*self._descriptions, self._data_toggle, self._data_tables]

    def _text_widgets(self) -> None:
        """The text equivalent's widgets, empty until the views exist (:meth:`_text_equivalent`)."""
        self._described: list[Any] = []  # widgets.describe.FigureDescriptions, one per view
        self._descriptions: list[ipw.HTML] = []
        self._data_toggle = ipw.ToggleButton(
            value=False, description="Show the data as tables", layout=ipw.Layout(width="auto"),
            tooltip="Show the data of each plot as tables (for a screen reader, or to read exact values)")
        self._data_tables = ipw.HTML()
        for widget in (self._data_toggle, self._data_tables):
            widget.add_class(LIVE_ONLY_CLASS)
        self._data_toggle.observe(lambda change: self._show_tables(), names="value")

    def _describe(self) -> None:
        """Bring the figures' descriptions (and, while shown, their tables) up to the picture on show."""
        texts = [f"Figure: {html.escape(text)}" for described in self._described for text in described.texts()]
        for widget, text in zip(self._descriptions, texts, strict=True):
            if widget.value != text:  # an unchanged text is not assigned: nothing is sent
                widget.value = text
        if self._data_toggle.value:
            self._show_tables()

    def _show_tables(self) -> None:
        """The data tables of every figure while the toggle is on; nothing (and no cost) while it is off."""
        if not self._data_toggle.value:
            self._data_tables.value = ""
            return
        from .describe import figure_tables, figure_title

        self._data_tables.value = "".join(
            f'<div role="group" aria-label="{html.escape("Data of the figure: " + figure_title(fig), quote=True)}">'
            f"{figure_tables(fig, siblings=described.figures)}</div>"
            for described in self._described for fig in described.figures)

    def _follow(self, name: str, value: Any) -> None:
        """Move the controls that follow control ``name`` (now ``value``); by default none do.

        Runs inside :meth:`hold_updates`, so the control and its followers make one update.
        """

    # -- shared -------------------------------------------------------------
    def update(self) -> None:
        """Recompute everything from the current control values (timed).

        If the model refuses the combination, the readout says why and the plots keep their
        last picture (see :attr:`error`). Then the plots' descriptions (and their tables, while shown)
        follow the picture on show: after a refusal, the last one (:meth:`_describe`).
        """
        self._update(refuse=True)
        t0 = time.perf_counter()
        self._describe()  # after _update as a whole: an explorer may draw in two steps (the planner)
        self.last_update_s += time.perf_counter() - t0

    def _update(self, refuse: bool) -> None:
        t0 = time.perf_counter()
        # The plots' patch goes out first and the readout's text after it, so that the browser has both
        # before it draws the next frame (the readout first made it lay the page out once more).
        with self.readout.hold_sync(), contextlib.ExitStack() as stack:
            for view in self._views:  # one patch per update (see BatchedBokehModel)
                stack.enter_context(view.batch())
            try:
                inputs = self.model_inputs()
                result = self._compute(inputs)
            except ValueError as err:
                if not refuse:
                    raise
                self.error = str(err)
                self.readout.value = self._refusal_text(self.error)
            else:
                self.error = None
                self.result = result
                self._draw(inputs, result)
        self.last_update_s = time.perf_counter() - t0

    def _refusal_text(self, message: str) -> str:
        """The readout when the model refuses the controls' combination: its reason, in words."""
        return (f"<b>The model cannot compute this combination.</b> {html.escape(message)}<br>"
                "The plots still show the last combination it could compute; move a control back to continue.")

    @contextlib.contextmanager
    def hold_updates(self) -> Iterator[None]:
        """Inside ``with explorer.hold_updates():`` control changes make no update; one runs at the end.

        Nested holds make one update, at the end of the outermost.
        """
        self._holds += 1
        try:
            yield
        finally:
            self._holds -= 1
            if self._holds == 0 and self._update_due:
                self._update_due = False
                self.update()

    def set(self, **values: Any) -> None:
        """Set several controls, by name, with one update: ``explorer.set(budget=1e24, fit="hoffmann2022")``.

        Values are set in the order given (as a learner would move them; a control that others
        follow, such as a market, first). Each must be inside its control's range or one of its
        options.

        Raises
        ------
        ValueError
            For a name that is not a control (the message lists them), or a value the control
            cannot take (the message names the control and its range or options).
        """
        unknown = [name for name in values if name not in self.controls]
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: not a control of {type(self).__name__}; "
                             f"its controls are {', '.join(self.controls)}")
        with self.hold_updates():
            for name, value in values.items():
                control = self.controls[name]
                control.value = control_value(name, control, value)

    def _on_change(self, change: dict) -> None:
        old, new = change["old"], change["new"]
        if type(old) is float and type(new) is float and math.isfinite(old) and old != new \
                and abs(new - old) <= 1e-12 * abs(old):
            # The page's own rounding of a value it was sent (a log slider computes base ** exponent in JavaScript,
            # 60.0 comes back as 59.99999999999999): no learner moved anything, so nothing follows and nothing is
            # drawn again (the goodput explorer left Daly's optimum when its interval slider was first shown).
            return
        with self.hold_updates():
            self._update_due = True
            self._follow(self._control_names[id(change["owner"])], change["new"])

    def _memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, once per ``key`` while the key is among the last :data:`MEMO_SIZE` used.

        For the parts of a result that depend on some inputs only (an owned accelerator-hour does not
        move with the model's size): a move of another control finds them ready.
        """
        if key in self._memos:
            value = self._memos.pop(key)
        else:
            value = compute()
            if len(self._memos) >= MEMO_SIZE:
                self._memos.pop(next(iter(self._memos)))
        self._memos[key] = value
        return value

    def _show(self, name: str, data: dict[str, Any]) -> None:
        """Assign ``data`` to the data source ``name``, unless it holds those very columns already.

        What ``_draw`` uses to set a source: a source whose columns did not change (the isoFLOP
        curves of a fit while the budget moves) is neither validated by Bokeh again nor compared
        column by column when the patch is made.
        """
        source = self.sources[name]
        current = source.data
        if current.keys() == data.keys() and all(_same_column(current[k], column) for k, column in data.items()):
            return
        # Bokeh's check of a ``ColumnData`` value walks every column's type (about a fifth of the assignment);
        # here the columns are arrays or lists the explorer built, so the check is the cheap one below.
        if not all(type(k) is str and isinstance(column, (np.ndarray, list)) for k, column in data.items()):
            raise TypeError(f"the columns of data source {name!r} must be arrays or lists, by name")
        with validate(False):
            source.data = data

    def _plot(self, layout: LayoutDOM) -> BatchedBokehModel:
        """Wrap a Bokeh figure or layout as an ipywidget whose updates go out as one patch."""
        view = BatchedBokehModel(layout)
        self._views.append(view)
        return view

    def static_grid(self) -> dict[str, list[Any]]:
        """The controls the book precomputes, and their positions (see :mod:`widgets.static`).

        The controls in :attr:`STATIC_CONTROLS` (a slider at up to its number of its own steps, a menu
        at all its options), in that order; by default the main slider (CSS class
        ``ce-primary-slider``) at up to :data:`widgets.static.DEFAULT_SLIDER_POSITIONS` steps. Every
        position is one run of :meth:`update` at build time and one stored picture in the page.
        """
        from .static import option_values, slider_positions

        if self.STATIC_CONTROLS:
            return {name: slider_positions(self.controls[name], most)
                    if isinstance(self.controls[name], (ipw.FloatSlider, ipw.FloatLogSlider, ipw.IntSlider,
                                                        ipw.SelectionSlider))
                    else option_values(self.controls[name]) for name, most in self.STATIC_CONTROLS.items()}
        for name, control in self.controls.items():
            if PRIMARY_SLIDER_CLASS in control._dom_classes:
                return {name: slider_positions(control)}
        raise NotImplementedError(f"{type(self).__name__} has no control with the class {PRIMARY_SLIDER_CLASS}")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        from . import book

        if book.in_book():  # no kernel behind the page: a standalone document with precomputed positions
            from .static import static_html

            return {"text/html": static_html(self), "text/plain": f"<{type(self).__name__}: precomputed for the book>"}
        if _in_kernel():
            setup_notebook(force=False)
        for view in self._views:
            if view.stale_bundle:  # shown before and updated since: a new view must start from now
                view.refresh_bundle()
        return self.widget._repr_mimebundle_(**kwargs)
