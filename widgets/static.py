"""An explorer without a kernel: a standalone Bokeh document whose controls move precomputed pictures.

:func:`static_explorer` walks an explorer over a grid of one or two of its controls (its
:meth:`~widgets._base.Explorer.static_grid`), running the explorer's own ``update`` at every position,
and records every Bokeh property and every text the update changed (data sources, ranges, ticks,
labels, the readout). The document it builds holds the explorer's own figures, Bokeh widgets in place
of the gridded ipywidgets controls, and one ``CustomJS`` that, when a widget moves, assigns the
recorded values of that position: the picture and the readout change at once, in the browser, with
the numbers the live explorer computes. The controls that are not gridded are shown fixed at their
value, with a line saying so and a link to the live lesson.

What a position stores is the explorer's state itself (not a re-implementation), so the book shows
what the live explorer shows; ``tests/test_static.py`` compares the two position by position.
Values that repeat across positions are stored once (a source that follows one control of two has
as many values as that control has positions), and float columns go as float32 as the live
explorers send them (:func:`widgets._base._compact`).
"""

from __future__ import annotations

import html
import json
import math
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as ipw
import numpy as np
from bokeh.document import Document
from bokeh.document.events import ColumnDataChangedEvent, ColumnsPatchedEvent, ColumnsStreamedEvent, ModelChangedEvent
from bokeh.embed import components
from bokeh.util.warnings import BokehDeprecationWarning
from bokeh.layouts import column, row
from bokeh.model import Model
from bokeh.models import CustomJS, CustomJSTickFormatter, InlineStyleSheet, LayoutDOM
from bokeh.models.widgets import CheckboxGroup, Div, RadioButtonGroup, Select, Slider

from . import book
from ._base import (LIVE_ONLY_CLASS, READOUT_CLASS, SR_ONLY_CLASS, BatchedBokehModel, Explorer, _compact, _same_column,
                    accessible_name)

#: CSS classes of the static explorer's parts (the browser tests find them by these).
STATIC_CLASS = "ce-static-explorer"
STATIC_NOTE_CLASS = "ce-static-note"

#: Most positions a gridded slider gets when the explorer does not say (its own steps, thinned evenly).
DEFAULT_SLIDER_POSITIONS = 25


# -- the grid ------------------------------------------------------------------------------------------------

def slider_positions(control: ipw.ValueWidget, most: int = DEFAULT_SLIDER_POSITIONS) -> list[Any]:
    """Up to ``most`` values of a slider, from its own steps, evenly thinned, always with its current value.

    The grid of a ``FloatSlider``/``IntSlider`` is ``min + k * step``; of a ``FloatLogSlider``,
    ``base ** (min + k * step)``; of a ``SelectionSlider``, its options. The current value is kept
    so the book opens on the picture the lesson opens on.
    """
    if most < 2:
        raise ValueError(f"most must be at least 2 positions, got {most!r}")
    if isinstance(control, ipw.SelectionSlider):
        options = [o[1] if isinstance(o, tuple) else o for o in control.options]
        current = options.index(control.value)
        return [options[i] for i in _thin(len(options), most, current)]
    n = int(math.floor((control.max - control.min) / control.step + 1e-9)) + 1
    if isinstance(control, ipw.FloatLogSlider):
        exps = control.min + control.step * np.arange(n)
        current = int(np.argmin(np.abs(exps - math.log(control.value, control.base))))
        picked = _thin(n, most, current)
        return [control.value if i == current else float(control.base ** exps[i]) for i in picked]
    values = control.min + control.step * np.arange(n)
    current = int(np.argmin(np.abs(values - control.value)))
    picked = _thin(n, most, current)
    if isinstance(control, ipw.IntSlider):
        return [int(values[i]) if i != current else control.value for i in picked]
    return [control.value if i == current else float(np.round(values[i], 12)) for i in picked]


def _thin(n: int, most: int, keep: int) -> list[int]:
    """Indices ``0 .. n-1`` thinned evenly to at most ``most``, with ``keep`` among them."""
    if n <= most:
        return list(range(n))
    picked = set(np.round(np.linspace(0, n - 1, most - 1)).astype(int).tolist())
    picked.add(keep)
    return sorted(picked)


def option_values(control: ipw.ValueWidget) -> list[Any]:
    """Every option of a menu control (``Dropdown``, ``ToggleButtons``, ``RadioButtons``), or ``[False, True]``."""
    if isinstance(control, ipw.Checkbox):
        return [False, True]
    return [o[1] if isinstance(o, tuple) else o for o in control.options]


# -- labels as the live controls write them ------------------------------------------------------------------

_D3_SPEC = re.compile(r"^(?P<currency>\$)?(?P<comma>,)?(?:\.(?P<precision>\d+))?(?P<trim>~)?(?P<kind>[a-z%])?$")


def readout_label(control: ipw.ValueWidget, value: Any) -> str:
    """A control's value as its own readout writes it (its d3 ``readout_format``, or its option's label)."""
    if isinstance(control, (ipw.Dropdown, ipw.ToggleButtons, ipw.RadioButtons, ipw.SelectionSlider)):
        for option in control.options:
            label, v = option if isinstance(option, tuple) else (str(option), option)
            if v == value or v is value:
                return str(label)
        return str(value)
    if isinstance(control, ipw.Checkbox):
        return "on" if value else "off"
    spec = getattr(control, "readout_format", None) or (".3g" if isinstance(control, ipw.FloatLogSlider) else "d")
    match = _D3_SPEC.match(spec)
    if match is None:
        return f"{value:g}" if isinstance(value, float) else str(value)
    kind = match["kind"] or "g"
    if kind == "r":  # d3's rounding to significant digits, written without an exponent
        digits = int(match["precision"] or 3)
        v = float(f"{float(value):.{digits}g}")
        decimals = max(0, digits - 1 - int(math.floor(math.log10(abs(v))))) if v else 0
        return ("$" if match["currency"] else "") + format(v, f"{',' if match['comma'] else ''}.{decimals}f")
    if kind == "s":  # d3's SI prefix: the kit's own number format instead
        from ._format import number

        return number(float(value))
    python_spec = f"{',' if match['comma'] else ''}{'.' + match['precision'] if match['precision'] else ''}{kind}"
    text = format(value if kind != "d" else int(round(value)), python_spec)
    return ("$" if match["currency"] else "") + text


# -- recording ------------------------------------------------------------------------------------------------

@dataclass
class Track:
    """One property that moves: its model, its name, the distinct values, and which one each position shows."""

    model: Any  # a Bokeh model, or an ipywidgets.HTML (its ``value``)
    prop: str
    values: list[Any] = field(default_factory=list)
    index: list[int] = field(default_factory=list)

    def record(self, value: Any) -> None:
        for i, seen in enumerate(self.values):
            if _same_value(seen, value):
                self.index.append(i)
                return
        self.values.append(value)
        self.index.append(len(self.values) - 1)


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_column(a[k], b[k]) for k in a)
    if isinstance(a, Model) or isinstance(b, Model):
        return a is b
    return _same_column(a, b)


def _current(model: Any, prop: str) -> Any:
    value = getattr(model, prop)
    if prop == "data":
        return {k: np.array(v) if isinstance(v, np.ndarray) else list(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return list(value)
    return value


@dataclass
class StaticExplorer:
    """An explorer recorded over its grid: what :func:`static_html` embeds and the tests compare.

    ``grid`` maps each gridded control's name to its positions (in the order the widgets combine:
    position ``k`` is ``numpy.unravel_index(k, sizes)``); ``tracks`` hold every property that moves.
    """

    explorer: Explorer
    grid: dict[str, list[Any]]
    tracks: list[Track]
    start: tuple[int, ...]  # the position the explorer started at
    refused: list[bool]  # by position: the model refused the combination (the readout says why)
    layout: LayoutDOM | None = None

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(len(v) for v in self.grid.values())

    @property
    def n_positions(self) -> int:
        return int(np.prod(self.sizes)) if self.grid else 1

    def position(self, k: int) -> dict[str, Any]:
        """The controls' values at position ``k``."""
        idx = np.unravel_index(k, self.sizes)
        return {name: values[i] for (name, values), i in zip(self.grid.items(), idx, strict=True)}

    def value_at(self, track: Track, k: int) -> Any:
        return track.values[track.index[k]]


def _text_widgets(box: ipw.Widget) -> list[ipw.HTML]:
    """Every ``ipywidgets.HTML`` in the explorer's widget tree (the readout, value labels, headings)."""
    found: list[ipw.HTML] = []
    if isinstance(box, (ipw.HTML, ipw.Label)):
        found.append(box)
    for child in getattr(box, "children", ()):
        found.extend(_text_widgets(child))
    return found


def record(explorer: Explorer, grid: Mapping[str, Sequence[Any]] | None = None) -> StaticExplorer:
    """Walk ``explorer`` over ``grid`` (default: its :meth:`~widgets._base.Explorer.static_grid`) and record
    every property its updates change.

    One walk: Bokeh's change events say which properties move, first at which position; before it,
    every position showed the value the property had before the walk. The explorer is left at its
    starting position.
    """
    table: dict[str, list[Any]] = {name: list(values) for name, values in
                                   (explorer.static_grid() if grid is None else grid).items()}
    for name, values in table.items():
        if name not in explorer.controls:
            raise ValueError(f"grid: {name!r} is not a control of {type(explorer).__name__}; "
                             f"its controls are {', '.join(explorer.controls)}")
        if not values:
            raise ValueError(f"grid: control {name!r} has no positions")
    start_values = {name: explorer.controls[name].value for name in table}
    start = tuple(_index_of(values, start_values[name], name) for name, values in table.items())
    sizes = tuple(len(v) for v in table.values())
    n = int(np.prod(sizes)) if table else 1
    positions = [{name: table[name][int(i)] for name, i in zip(table, np.unravel_index(k, sizes), strict=True)}
                 for k in range(n)]

    docs = [view._document for view in explorer._views]
    texts = _text_widgets(explorer.widget)
    before: dict[int, Any] = {id(widget): widget.value for widget in texts}  # what each showed before the walk
    for doc in docs:
        for model in doc.models:
            with warnings.catch_warnings():  # reading every property reads deprecated aliases too
                warnings.simplefilter("ignore", BokehDeprecationWarning)
                values = model.properties_with_values(include_defaults=True, include_undefined=False)
            before[id(model)] = {prop: _current(model, prop) for prop in values}
    tracks: dict[tuple[int, str], Track] = {}

    def on_change(event: Any) -> None:
        if isinstance(event, (ColumnDataChangedEvent, ColumnsStreamedEvent, ColumnsPatchedEvent)):
            model, prop = event.model, "data"
        elif isinstance(event, ModelChangedEvent):
            model, prop = event.model, event.attr
        else:
            return
        if (id(model), prop) not in tracks:  # first moved now: until now, every position showed what it showed before
            track = tracks[(id(model), prop)] = Track(model, prop)
            for _ in range(k):
                track.record(before[id(model)][prop])

    fixed = {name: control.value for name, control in explorer.controls.items() if name not in table}
    refused: list[bool] = []
    for doc in docs:
        doc.on_change(on_change)
    try:
        for k, position in enumerate(positions):  # one walk: what moves, and its value at every position
            explorer.set(**position)
            moved = [name for name, value in fixed.items() if explorer.controls[name].value != value]
            if moved:  # the book shows them fixed: they must be
                raise ValueError(f"grid: moving {', '.join(table)} of {type(explorer).__name__} moves "
                                 f"{', '.join(moved)} too (a control that follows); grid those as well, or others")
            for widget in texts:
                if widget.value != before[id(widget)] and (id(widget), "value") not in tracks:
                    track = tracks[(id(widget), "value")] = Track(widget, "value")
                    for _ in range(k):
                        track.record(before[id(widget)])
            refused.append(explorer.error is not None)
            for track in tracks.values():
                track.record(_current(track.model, track.prop))
    finally:
        for doc in docs:
            doc.callbacks.remove_on_change(on_change)
    explorer.set(**start_values)
    return StaticExplorer(explorer, table, list(tracks.values()), start, refused)


def _index_of(values: list[Any], value: Any, name: str) -> int:
    for i, v in enumerate(values):
        if v == value or (isinstance(v, float) and isinstance(value, float) and math.isclose(v, value, rel_tol=1e-9)):
            return i
    raise ValueError(f"grid: control {name!r} starts at {value!r}, which is not one of its positions")


# -- the document ---------------------------------------------------------------------------------------------

#: The attributes on a gridded control's element that the page script (:data:`CONTROLS_JS`) reads: the control's
#: accessible name, and for a slider the label of each of its positions (its visible value).
NAME_ATTR = "data-ce-name"
LABELS_ATTR = "data-ce-labels"
#: The control's visible description ("budget (FLOP)"): the page reads a value with its unit from it, as live
#: (``window.ceValueText`` of widgets/a11y.js, which the book loads before the controls script).
DESCRIPTION_ATTR = "data-ce-description"

#: A visible keyboard focus on the book's controls. Bokeh draws each control in a shadow root, which the page's CSS
#: does not reach, so the rule goes in with the control (Bokeh's ``stylesheets``; one sheet shared by all). Bokeh's
#: own focus styles are a 1-px dotted #BBBBBD outline on buttons (1.9:1 on white), none on a menu (.bk-input: a
#: halo) and none on a slider handle but the browser's; WCAG 2.1 SC 2.4.7 (focus visible) and 1.4.11 (non-text contrast, 3:1): #0b5cad on white is 6.7:1
#: (the book's link colour, book/templates/book.css).
#: widgets._base.SR_ONLY_CSS for a Bokeh Div, which sits in its parent layout's shadow root: ``:host`` rules, marked
#: important so they win over the sizes BokehJS's layout writes on the element.
SR_ONLY_HOST_CSS = (":host { position: absolute !important; width: 1px !important; height: 1px !important; "
                    "padding: 0 !important; margin: -1px !important; overflow: hidden !important; "
                    "clip: rect(0 0 0 0) !important; white-space: nowrap !important; border: 0 !important; }")

FOCUS_CSS = """
.noUi-handle:focus-visible, .bk-btn:focus-visible, .bk-input:focus-visible, input:focus-visible, a:focus-visible {
  outline: 2px solid #0b5cad; outline-offset: 2px; }
"""


def _bokeh_control(name: str, control: ipw.ValueWidget, values: list[Any], at: int,
                   focus: InlineStyleSheet, spoken: list[str] | None = None) -> LayoutDOM:
    """The Bokeh widget for a gridded control; ``spoken``: what a slider's positions read aloud, if not its labels."""
    label = str(control.description or name)
    labels = [readout_label(control, v) for v in values]
    width = 300
    # The name a screen reader announces (the live control's tooltip, else its description), for the page script.
    attributes = {NAME_ATTR: accessible_name(control) or label, DESCRIPTION_ATTR: label}
    common: dict[str, Any] = {"name": name, "html_attributes": attributes, "stylesheets": [focus]}
    if isinstance(control, (ipw.Dropdown,)):
        options: list[str | tuple[Any, str]] = [(str(i), text) for i, text in enumerate(labels)]
        return Select(title=label, options=options, value=str(at), width=width, **common)
    if isinstance(control, (ipw.ToggleButtons, ipw.RadioButtons)):
        return RadioButtonGroup(labels=labels, active=at, **common)
    if isinstance(control, ipw.Checkbox):
        return CheckboxGroup(labels=[label], active=[0] if values[at] else [], **common)
    formatter = CustomJSTickFormatter(args={"labels": labels}, code="return labels[Math.round(tick)] ?? ''")
    # The handle's aria-valuetext: the name and the label shown (the slider's, or the explorer's own next to it).
    attributes[LABELS_ATTR] = json.dumps(labels if spoken is None else spoken)
    # A slider whose value the explorer writes in a label of its own (readout off) shows no second value.
    return Slider(title=label, start=0, end=max(len(values) - 1, 1), step=1, value=at, format=formatter,
                  show_value=bool(getattr(control, "readout", True)), width=width,
                  disabled=len(values) < 2, **common)


def _fixed_control(name: str, control: ipw.ValueWidget) -> Div:
    label = html.escape(str(control.description or name))
    if not getattr(control, "readout", True):  # its value is in a label of the explorer's, next to it
        return Div(text=f"{label}:", disable_math=True)
    return Div(text=f"{label}: <b>{html.escape(readout_label(control, control.value))}</b>", disable_math=True)


def _translate(widget: ipw.Widget, controls: dict[int, LayoutDOM],
               texts: dict[int, Div]) -> LayoutDOM | None:
    """The ipywidgets tree as a Bokeh layout: boxes as rows and columns, texts as ``Div``s, views as their roots.

    Left out: what is not displayed, and what needs a kernel (class :data:`~widgets._base.LIVE_ONLY_CLASS`, with
    everything inside it). A text for screen readers only keeps its class
    (:data:`~widgets._base.SR_ONLY_CLASS`, visually hidden by the book's CSS); the readout is a polite live
    region (``role="status"``, WAI-ARIA 1.2 section 5.3.2 "status": implicit ``aria-live="polite"``), so a screen
    reader announces its new text after a move.
    """
    layout = getattr(widget, "layout", None)
    if layout is not None and getattr(layout, "display", None) == "none":
        return None
    if LIVE_ONLY_CLASS in getattr(widget, "_dom_classes", ()):
        return None
    if isinstance(widget, BatchedBokehModel):
        return widget._model
    if id(widget) in controls:
        return controls[id(widget)]
    if isinstance(widget, (ipw.HTML, ipw.Label)):
        # The kit's texts are HTML, never TeX: a readout's "$2.9B ... $6.0B" must not be read as math.
        div = Div(text=widget.value if isinstance(widget, ipw.HTML) else html.escape(widget.value), disable_math=True)
        classes = [c for c in (READOUT_CLASS, SR_ONLY_CLASS) if c in widget._dom_classes]
        if classes:
            div.css_classes = classes
        if SR_ONLY_CLASS in classes:
            # The page's CSS does not reach into the layout's shadow roots: the Div hides itself from the eye (and
            # only the eye) with a sheet of its own, the same rule as the live explorer's (SR_ONLY_CSS).
            div.stylesheets = [InlineStyleSheet(css=SR_ONLY_HOST_CSS)]
        if READOUT_CLASS in classes:
            div.html_attributes = {"role": "status", "aria-live": "polite"}
        texts[id(widget)] = div
        return div
    if isinstance(widget, ipw.Box):
        children = [c for c in (_translate(child, controls, texts) for child in widget.children)
                    if c is not None]
        if not children:
            return None
        return row(*children) if isinstance(widget, ipw.HBox) else column(*children)
    return None


def _value_label_texts(recorded: StaticExplorer, name: str) -> list[str] | None:
    """What the explorer's own value label of control ``name`` (:attr:`~widgets._base.Explorer.value_labels`) shows
    at each of the control's positions, as plain text; ``None`` when the control shows its value itself."""
    explorer = recorded.explorer
    widget = explorer.value_labels.get(name)
    if widget is None or getattr(explorer.controls[name], "readout", True):
        return None
    track = next((t for t in recorded.tracks if t.model is widget), None)
    axis = list(recorded.grid).index(name)
    texts = [widget.value] * len(recorded.grid[name])  # a label that never moved shows what it shows now
    if track is not None:
        for k in range(recorded.n_positions):
            texts[int(np.unravel_index(k, recorded.sizes)[axis])] = recorded.value_at(track, k)
    return [html.unescape(re.sub(r"<[^>]+>", "", text)).strip() for text in texts]


def static_document(recorded: StaticExplorer) -> LayoutDOM:
    """The standalone Bokeh layout of a recorded explorer (its own figures, Bokeh controls, one ``CustomJS``)."""
    explorer = recorded.explorer
    controls: dict[int, LayoutDOM] = {}
    gridded = []
    focus = InlineStyleSheet(css=FOCUS_CSS)  # one per document (a Bokeh model belongs to one document)
    for (name, values), at in zip(recorded.grid.items(), recorded.start, strict=True):
        widget = _bokeh_control(name, explorer.controls[name], values, at, focus, _value_label_texts(recorded, name))
        controls[id(explorer.controls[name])] = widget
        gridded.append(widget)
    fixed = [name for name in explorer.controls if name not in recorded.grid]
    for name in fixed:
        controls[id(explorer.controls[name])] = _fixed_control(name, explorer.controls[name])
    for view in explorer._views:  # the figures leave the explorer's documents (and its views) for the book's
        doc = view._document
        if doc is not None and view._model in doc.roots:
            doc.callbacks.remove_on_change(view)
            doc.remove_root(view._model)
    texts: dict[int, Div] = {}
    body = _translate(explorer.widget, controls, texts)
    assert body is not None
    targets, props, values, index = [], [], [], []
    for track in recorded.tracks:
        if isinstance(track.model, ipw.Widget):
            if id(track.model) not in texts:
                continue  # a hidden text
            target, prop = texts[id(track.model)], "text"
        else:
            target, prop = track.model, track.prop
        targets.append(target)
        props.append(prop)
        values.append([_compact_value(v) for v in track.values])
        index.append(track.index)
    start = int(np.ravel_multi_index(recorded.start, recorded.sizes)) if recorded.grid else 0
    callback = CustomJS(args={"widgets": gridded, "sizes": list(recorded.sizes), "targets": targets,
                              "props": props, "values": values, "index": index, "start": start,
                              "key": gridded[0].id if gridded else body.id}, code=_APPLY_JS)
    for widget in gridded:
        widget.js_on_change("active" if isinstance(widget, (RadioButtonGroup, CheckboxGroup)) else "value", callback)
    if fixed:
        names = ", ".join(html.escape(str(explorer.controls[n].description or n)) for n in fixed)
        note_text = (f"In the book, {names} stay fixed at the values shown. "
                     f"{book.live_lesson_html('move them, or see each plot’s data as tables')}")
    else:  # the live explorer's data tables need a kernel
        note_text = book.live_lesson_html("see each plot’s data as tables")
    moving = ", ".join(html.escape(str(explorer.controls[n].description or n)) for n in recorded.grid)
    head = Div(disable_math=True, text=(f"<i>Precomputed for the book: moving {moving} shows pictures the kit computed for "
                     f"{recorded.n_positions} positions.</i> {note_text}"), css_classes=[STATIC_NOTE_CLASS],
               sizing_mode="stretch_width", stylesheets=[focus])
    layout = column(head, body, css_classes=[STATIC_CLASS], name=type(explorer).__name__)
    recorded.layout = layout
    return layout


def _compact_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items()}
    return value


_APPLY_JS = """
// Which position the widgets now show: k = k * size + index, first widget first (numpy's C order).
let k = 0;
for (let i = 0; i < widgets.length; i++) {
  const w = widgets[i];
  let at;
  if (w.active === undefined) at = Number(w.value);
  else if (Array.isArray(w.active)) at = w.active.length ? 1 : 0;
  else at = w.active;
  k = k * sizes[i] + Math.round(at);
}
// Assign only what differs from the position on show (kept per document): each assignment redraws.
const shown = (window.__ceStatic = window.__ceStatic || {});
const current = shown[key] || (shown[key] = index.map((ix) => ix[start]));
for (let t = 0; t < targets.length; t++) {
  const j = index[t][k];
  if (current[t] === j) continue;
  current[t] = j;
  const v = values[t][j];
  const target = targets[t], prop = props[t];
  if (prop === "data") {
    target.data = v instanceof Map ? Object.fromEntries(v) : {...v};
  } else {
    target[prop] = v;
  }
}
"""


# The page script of the book (one file in its _static/, loaded after BokehJS; book/build.py): names each gridded
# control for screen readers, which Bokeh 3.9 does not. Bokeh draws a control inside the open shadow root of its
# element, the element carrying the html_attributes set in _bokeh_control (NAME_ATTR, LABELS_ATTR). A slider is a
# noUiSlider (bundled in BokehJS) whose handle (.noUi-handle, role="slider") gets aria-valuenow = the position and
# aria-valuetext = that number ("14.00") on every move; the script gives the handle its aria-label and rewrites
# aria-valuetext to the name and the label the slider shows ("budget 5.80e+23"), after every move (a
# MutationObserver on aria-valuenow). A menu (Select) gets the name as its aria-label, a button group role="group"
# and the name. It depends on: html_attributes on the control's element, its open shadow root, and noUiSlider's
# .noUi-handle with aria-valuenow; if a later BokehJS changes them, the browser tests' axe audit and valuetext test
# fail. Bokeh embeds each explorer asynchronously, so the script looks again every 100 ms (up to 60 s) until every
# explorer (.ce-static-explorer-host) has as many named controls as its data-controls says.
_CONTROLS_JS_BODY = """
  "use strict";
  function* elements(node) {  // every element under node, through open shadow roots
    for (const child of node.children || []) {
      yield child;
      if (child.shadowRoot) yield* elements(child.shadowRoot);
      yield* elements(child);
    }
  }
  function nameSlider(el, handle) {
    const name = el.getAttribute(NAME);
    const labels = JSON.parse(el.getAttribute(LABELS));
    handle.setAttribute("aria-label", name);
    const sync = () => {
      const label = labels[Math.round(Number(handle.getAttribute("aria-valuenow")))];
      const text = label === undefined ? name
        : window.ceValueText ? window.ceValueText(el.getAttribute(DESCRIPTION), label) : name + " " + label;
      if (handle.getAttribute("aria-valuetext") !== text) handle.setAttribute("aria-valuetext", text);
    };
    sync();
    new MutationObserver(sync).observe(handle, {attributes: true, attributeFilter: ["aria-valuenow", "aria-valuetext"]});
  }
  function nameControl(el) {  // true once the control el holds is named
    const root = el.shadowRoot;
    if (!root) return false;
    if (el.hasAttribute(LABELS)) {
      const handle = root.querySelector(".noUi-handle");
      if (!handle) return false;
      nameSlider(el, handle);
      return true;
    }
    const select = root.querySelector("select");
    if (select) { select.setAttribute("aria-label", el.getAttribute(NAME)); return true; }
    const group = root.querySelector(".bk-btn-group");
    if (group) {
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", el.getAttribute(NAME));
      return true;
    }
    return root.querySelector("input") !== null;  // a checkbox: its label is its name
  }
  function scan() {  // how many explorers still have a control to name
    let pending = 0;
    for (const host of document.querySelectorAll(HOST)) {
      let named = 0;
      for (const el of elements(host)) {
        if (!el.hasAttribute(NAME)) continue;
        if (!el.__ceNamed && nameControl(el)) el.__ceNamed = true;
        if (el.__ceNamed) named++;
      }
      if (named < Number(host.dataset.controls || 0)) pending++;
    }
    return pending;
  }
  let tries = 0;
  const loop = () => { if (scan() > 0 && ++tries < 600) setTimeout(loop, 100); };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", loop);
  else loop();
"""
CONTROLS_JS = (f"// widgets/static.py: names the static explorers' controls for screen readers.\n"
               f"(function (NAME, LABELS, DESCRIPTION, HOST) {{{_CONTROLS_JS_BODY}}})"
               f"({json.dumps(NAME_ATTR)}, {json.dumps(LABELS_ATTR)}, {json.dumps(DESCRIPTION_ATTR)}, "
               f"{json.dumps('.' + STATIC_CLASS + '-host')});\n")


def static_explorer(explorer: Explorer, grid: Mapping[str, Sequence[Any]] | None = None) -> StaticExplorer:
    """Record ``explorer`` over ``grid`` and build its standalone document (see the module's docstring)."""
    recorded = record(explorer, grid)
    static_document(recorded)
    return recorded


def static_html(explorer: Explorer, grid: Mapping[str, Sequence[Any]] | None = None) -> str:
    """The explorer as HTML for a book page: a ``<div>`` and the ``<script>`` that embeds its document.

    BokehJS must be loaded before it (:func:`widgets.book.bokeh_js_files`, in the page's head).
    """
    recorded = static_explorer(explorer, grid)
    assert recorded.layout is not None
    doc = Document()
    doc.add_root(recorded.layout)
    script, div = components(recorded.layout)
    return (f'<div class="{STATIC_CLASS}-host" data-explorer="{type(explorer).__name__}" '
            f'data-positions="{recorded.n_positions}" data-controls="{len(recorded.grid)}">{div}</div>\n{script}')


__all__ = ["CONTROLS_JS", "DEFAULT_SLIDER_POSITIONS", "DESCRIPTION_ATTR", "FOCUS_CSS", "LABELS_ATTR", "NAME_ATTR", "STATIC_CLASS", "StaticExplorer", "Track", "option_values", "readout_label",
           "record", "slider_positions", "static_document", "static_explorer", "static_html"]
