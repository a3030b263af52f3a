"""A text equivalent of an explorer's plots: a short description and the data as tables (presentation only).

A Bokeh canvas is a picture a screen reader cannot read. WCAG 2.1 asks for a text alternative
that serves the same purpose (success criterion 1.1.1, *Non-text Content*, level A) and for
information conveyed by presentation to be available as text or in a structure a program can
read (1.3.1, *Info and Relationships*, level A). This module gives both, from the figure itself:

* :func:`describe_figure`: one or two sentences: the title, what is plotted against what (the
  axis labels, "log scale" where an axis is logarithmic) and each visible series by its legend
  label and how it is drawn ("your budget as a red line");
* :func:`figure_tables`: one HTML ``<table>`` per visible series, its columns headed by the axis
  labels (WAI tables tutorial, "Tables with one header": ``<th scope="col">`` and a
  ``<caption>``), long series thinned evenly.

Both read what the figure shows *now* (titles, labels, ``visible`` flags and the data sources
an update assigned), so they follow every update. No economics: the numbers are the data
sources' own, written with :mod:`widgets._format`.

References
----------
W3C, *Web Content Accessibility Guidelines (WCAG) 2.1*, success criteria 1.1.1 and 1.3.1.
W3C WAI, *Tables Tutorial*, "Tables with one header" and "Caption & Summary".
"""

from __future__ import annotations

import colorsys
import functools
import html
import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from bokeh.colors import named
from bokeh.model import Model
from bokeh.models import Axis, CategoricalScale, ColumnDataSource, FactorRange, LayoutDOM, LogScale, Plot, Range, Stack
from bokeh.models.annotations import LabelSet, Legend, LegendItem, Title
from bokeh.models.glyph import Glyph
from bokeh.models.renderers import GlyphRenderer
from bokeh.models.glyphs import (AnnularWedge, Block, Circle, HArea, HAreaStep, HBar, HSpan, HStrip, Line,
                                 MultiLine, MultiPolygons, Patch, Patches, Quad, Rect, Scatter, Segment, Step,
                                 VArea, VAreaStep, VBar, VSpan, VStrip, Wedge)

from ._format import number
from .tables import _NUM, _TABLE, _TEXT

#: Most rows a series' table gets by default (a curve of 201 points shows every 5th, 41 rows): a screen reader
#: user pages through a table row by row; the kit's choice, not a standard's.
MAX_ROWS = 50

# -- reading a figure -----------------------------------------------------------------------------------------

_DEFAULTS: dict[tuple[type, str], Any] = {}


def _prop(model: Any, name: str) -> Any:
    """Bokeh property ``name`` of ``model``, as ``getattr`` gives it, fast.

    A value that was set is read from the model's own store; a default from a per-class cache.
    Bokeh 3 computes a default afresh at each read (its themes, overrides and MRO: about 0.1 ms for a
    renderer's ``visible``), and a description reads a few hundred properties at each update. A
    themed value and a default that is a model or a container are read through ``getattr``.
    """
    values = model._property_values
    if name in values:
        return values[name]
    themed = model.__dict__.get("__themed_values__")  # what ``model.themed_values()`` reads, without its slow lookup
    if themed is not None and name in themed:
        return getattr(model, name)
    key = (type(model), name)
    if key in _DEFAULTS:
        return _DEFAULTS[key]
    value = getattr(model, name)
    if value is None or isinstance(value, (bool, int, float, str)) or (
            isinstance(value, (list, tuple)) and all(isinstance(v, (int, float, str)) for v in value)):
        _DEFAULTS[key] = value  # (only read here, never changed: a shared default list is safe)
    return value


def _panels(fig: Plot, *sides: str) -> list[Any]:
    """The models in the given sides of ``fig`` (``"below"``, ``"center"``...), in order."""
    return [obj for side in sides for obj in _prop(fig, side)]


def _axes(fig: Plot, axis: str) -> list[Axis]:
    """The figure's axes of dimension ``"x"`` (above, below) or ``"y"`` (left, right): Bokeh's ``fig.xaxis``."""
    return [obj for obj in _panels(fig, *(("above", "below") if axis == "x" else ("left", "right")))
            if isinstance(obj, Axis)]


def _legends(fig: Plot) -> list[Legend]:
    """The figure's legends, wherever placed: Bokeh's ``fig.legend``."""
    return [obj for obj in _panels(fig, "above", "below", "left", "right", "center") if isinstance(obj, Legend)]


# -- colours in words ------------------------------------------------------------------------------------------

#: Hue names around the HSL colour wheel, by the hue (degrees) where each ends. The anchors are CSS Color Module
#: Level 4, section 7 (HSL: red 0°, yellow 60°, green 120°, cyan 180°, blue 240°, magenta 300°); the boundaries
#: between words are the kit's estimate of where an English speaker switches names, not a standard.
HUE_WORDS: tuple[tuple[float, str], ...] = (
    (15, "red"), (45, "orange"), (70, "yellow"), (160, "green"), (195, "teal"), (255, "blue"),
    (305, "purple"), (345, "pink"), (360, "red"),
)
#: Below this HSL saturation a colour reads as grey (the kit's estimate: slate greys such as #52606d sit at 0.14).
GREY_SATURATION = 0.2
#: HSL lightness below which a colour reads as black, above which as white, and the bands for "dark"/"light"
#: (the kit's estimates).
BLACK_LIGHTNESS, WHITE_LIGHTNESS = 0.12, 0.93
DARK_LIGHTNESS, LIGHT_LIGHTNESS = 0.33, 0.72


def _rgb(color: Any) -> tuple[float, float, float] | None:
    """``color`` (a CSS name, ``#rgb``/``#rrggbb[aa]``, an ``(r, g, b[, a])`` tuple or a Bokeh colour) as 0-1 floats."""
    if color is None:
        return None
    if hasattr(color, "r") and hasattr(color, "g") and hasattr(color, "b"):
        return color.r / 255, color.g / 255, color.b / 255
    if isinstance(color, (tuple, list)) and len(color) in (3, 4):
        return float(color[0]) / 255, float(color[1]) / 255, float(color[2]) / 255
    if not isinstance(color, str):
        return None
    text = color.strip().lower()
    if text.startswith("#"):
        digits = text[1:]
        if len(digits) in (3, 4):
            digits = "".join(d * 2 for d in digits[:3])
        if len(digits) in (6, 8):
            try:
                return tuple(int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]
            except ValueError:
                return None
        return None
    known = getattr(named, text, None)
    return _rgb(known) if known is not None and hasattr(known, "r") else None


@functools.lru_cache(maxsize=256)
def _colour_word(color: str | tuple[float, ...]) -> str | None:
    return colour_name(color)


def _named(color: Any) -> str | None:
    """:func:`colour_name`, remembered for colours given as strings or tuples (what figures hold)."""
    if isinstance(color, (str, tuple)):
        return _colour_word(color)
    return colour_name(color)


def colour_name(color: Any) -> str | None:
    """A colour in a word or two ("red", "dark grey", "light blue"), or ``None`` if it is not a colour.

    Greys by lightness, other colours by their hue on the HSL wheel (:data:`HUE_WORDS`); dark
    oranges and reds read as brown.
    """
    rgb = _rgb(color)
    if rgb is None:
        return None
    hue, light, sat = colorsys.rgb_to_hls(*rgb)
    if light < BLACK_LIGHTNESS:
        return "black"
    if light > WHITE_LIGHTNESS:
        return "white"
    shade = "dark " if light < DARK_LIGHTNESS else "light " if light > LIGHT_LIGHTNESS else ""
    if sat < GREY_SATURATION:
        return f"{shade}grey"
    degrees = hue * 360
    word = next(w for end, w in HUE_WORDS if degrees < end or end == 360)
    if word in ("orange", "red") and shade == "dark ":
        return "brown"
    return f"{shade}{word}"


# -- what a renderer draws ---------------------------------------------------------------------------------------

#: How each glyph is drawn, in words: (singular, plural). A glyph not listed is an annotation (text), not a series.
_NOUNS: dict[type, tuple[str, str]] = {
    Line: ("line", "lines"), Step: ("step line", "step lines"), MultiLine: ("line", "lines"),
    Scatter: ("point", "points"), Circle: ("dot", "dots"),
    VBar: ("bar", "bars"), HBar: ("bar", "bars"), Quad: ("bar", "bars"), Block: ("bar", "bars"),
    Rect: ("rectangle", "rectangles"),
    VArea: ("shaded area", "shaded areas"), HArea: ("shaded area", "shaded areas"),
    VAreaStep: ("shaded area", "shaded areas"), HAreaStep: ("shaded area", "shaded areas"),
    Patch: ("shaded shape", "shaded shapes"), Patches: ("shaded shape", "shaded shapes"),
    MultiPolygons: ("shaded shape", "shaded shapes"),
    Segment: ("segment", "segments"), HSpan: ("horizontal line", "horizontal lines"),
    VSpan: ("vertical line", "vertical lines"), HStrip: ("horizontal band", "horizontal bands"),
    VStrip: ("vertical band", "vertical bands"), Wedge: ("wedge", "wedges"), AnnularWedge: ("wedge", "wedges"),
}
#: Scatter markers in words (Bokeh's ``MarkerType``); any other marker is a "point".
_MARKERS: dict[str, tuple[str, str]] = {
    "circle": ("dot", "dots"), "dot": ("dot", "dots"), "diamond": ("diamond", "diamonds"),
    "square": ("square", "squares"), "triangle": ("triangle", "triangles"),
    "inverted_triangle": ("triangle", "triangles"), "star": ("star", "stars"), "hex": ("hexagon", "hexagons"),
    "cross": ("cross", "crosses"), "x": ("cross", "crosses"), "plus": ("plus sign", "plus signs"),
}
#: Bokeh's named dash patterns (bokeh/core/property/visual.py, ``DashPattern._dash_patterns``) in words.
_DASHES = {(): "", (6,): "dashed ", (2, 4): "dotted ", (2, 4, 6, 4): "dot-dashed ", (6, 4, 2, 4): "dash-dotted "}
_LINES = (Line, Step, MultiLine, Segment, HSpan, VSpan)
#: Glyphs that draw one thing from all their points (a line, an area), not one thing per point.
_ONE_THING = (Line, Step, Patch, VArea, HArea, VAreaStep, HAreaStep)

#: The coordinates of each glyph kind: (axis, property, word added to the header when the axis has two).
_ROLES: dict[type, tuple[tuple[str, str, str], ...]] = {
    Line: (("x", "x", ""), ("y", "y", "")), Step: (("x", "x", ""), ("y", "y", "")),
    Scatter: (("x", "x", ""), ("y", "y", "")), Circle: (("x", "x", ""), ("y", "y", "")),
    Rect: (("x", "x", ""), ("y", "y", "")),
    MultiLine: (("x", "xs", ""), ("y", "ys", "")),
    Patches: (("x", "xs", ""), ("y", "ys", "")), Patch: (("x", "x", ""), ("y", "y", "")),
    VBar: (("x", "x", ""), ("y", "bottom", "from"), ("y", "top", "to")),
    HBar: (("y", "y", ""), ("x", "left", "from"), ("x", "right", "to")),
    Block: (("x", "x", ""), ("y", "y", "")),
    Quad: (("x", "left", "from"), ("x", "right", "to"), ("y", "bottom", "from"), ("y", "top", "to")),
    VArea: (("x", "x", ""), ("y", "y1", "from"), ("y", "y2", "to")),
    VAreaStep: (("x", "x", ""), ("y", "y1", "from"), ("y", "y2", "to")),
    HArea: (("y", "y", ""), ("x", "x1", "from"), ("x", "x2", "to")),
    HAreaStep: (("y", "y", ""), ("x", "x1", "from"), ("x", "x2", "to")),
    Segment: (("x", "x0", "from"), ("y", "y0", "from"), ("x", "x1", "to"), ("y", "y1", "to")),
    HSpan: (("y", "y", ""),), VSpan: (("x", "x", ""),),
    HStrip: (("y", "y0", "from"), ("y", "y1", "to")), VStrip: (("x", "x0", "from"), ("x", "x1", "to")),
}
#: Pairs whose values are a stack (``vbar_stack``, ``varea_stack``): the series' own column is the one its end
#: adds to its start.
_STACKED = (("bottom", "top"), ("left", "right"), ("y1", "y2"), ("x1", "x2"))


def _field(spec: Any, data: Any) -> str | None:
    """The column a glyph property reads (``"x"``, or a ``field("x", transform)``), or ``None`` for a fixed value."""
    if isinstance(spec, str):
        return spec if spec in data else None
    name = getattr(spec, "field", None)
    return name if isinstance(name, str) and name in data else None


def _coordinates(glyph: Any, data: Any) -> list[tuple[str, str, str]]:
    """The glyph's columns as (axis, column, suffix); a stacked pair (``vbar_stack``) becomes the series' own
    column, the one its end adds to its start. Coordinates given as fixed values have no column."""
    resolved: list[tuple[str, str | None, str]] = [
        (axis, _field(_prop(glyph, prop), data), suffix) for axis, prop, suffix in _ROLES.get(type(glyph), ())]
    props = [prop for _, prop, _ in _ROLES.get(type(glyph), ())]
    for start, end in _STACKED:
        if start not in props or end not in props:  # (a missing property costs Bokeh a fuzzy search for its name)
            continue
        lo, hi = getattr(_prop(glyph, start), "expr", None), getattr(_prop(glyph, end), "expr", None)
        if isinstance(lo, Stack) and isinstance(hi, Stack):
            own = [f for f in hi.fields if f not in lo.fields and f in data]
            axis = resolved[props.index(end)][0]
            resolved[props.index(start)] = (axis, None, "")
            resolved[props.index(end)] = (axis, own[0] if len(own) == 1 else None, "")
    return [(axis, column, suffix) for axis, column, suffix in resolved if column is not None]


def _length(renderer: GlyphRenderer) -> int:
    """How many items the renderer draws (rows of its data source); 1 for a glyph drawn from fixed values."""
    data = _source_data(renderer)
    for column in data.values():  # a data source's columns all have its length (Bokeh warns otherwise)
        return len(column)
    return 0 if _ROLES.get(type(_prop(renderer, "glyph"))) and _coordinates(_prop(renderer, "glyph"), data) else 1


def _is_series(renderer: Any) -> bool:
    return isinstance(renderer, GlyphRenderer) and type(_prop(renderer, "glyph")) in _NOUNS


def _drawn(fig: Plot) -> list[tuple[GlyphRenderer, int]]:
    """The figure's series drawn now, with how many items each draws (see :func:`visible_series`)."""
    out = []
    for r in _prop(fig, "renderers"):
        if _is_series(r) and _prop(r, "visible"):
            n = _length(r)
            if n > 0:
                out.append((r, n))
    return out


def visible_series(fig: Plot) -> list[GlyphRenderer]:
    """The figure's data series that are drawn now: visible glyph renderers with something to draw, in drawing
    order (text glyphs, label sets and other annotations are not series)."""
    return [r for r, _ in _drawn(fig)]


def _source_data(renderer: GlyphRenderer) -> Any:
    return _prop(_prop(renderer, "data_source"), "data")


def _colour_of(renderer: GlyphRenderer) -> str:
    """The series' colour in words ("red", "in three colours"), or ``""`` if it cannot be named."""
    glyph = _prop(renderer, "glyph")
    spec = _prop(glyph, "line_color" if isinstance(glyph, _LINES) else "fill_color")
    if spec is None and not isinstance(glyph, _LINES):  # an outline only
        spec = _prop(glyph, "line_color")
    data = _source_data(renderer)
    column = _field(spec, data)
    if column is not None:
        words = {_named(c) for c in data[column]}
        if None in words or not words:
            return ""
        return str(next(iter(words))) if len(words) == 1 else f"in {_count_word(len(words))} colours"
    return _named(getattr(spec, "value", spec)) or ""


def _count_word(n: int) -> str:
    return ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")[n] if n < 10 else str(n)


def drawn_as(renderer: GlyphRenderer, length: int | None = None) -> str:
    """How a series is drawn, in words: "a red line", "dark grey dots", "diamonds in three colours", "bars".

    A line, a step line or a shaded area is one thing however many points it has; markers, bars and
    segments are counted (one, or a plural).
    """
    glyph = _prop(renderer, "glyph")
    singular, plural = _NOUNS[type(glyph)]
    shapes = ""
    if isinstance(glyph, Scatter):
        marker = _prop(glyph, "marker")
        column = _field(marker, _source_data(renderer))
        if column is not None:  # a marker per point (a second cue besides colour): its shapes, in words
            kinds = list(dict.fromkeys(_MARKERS.get(str(m), (singular, plural)) for m in _source_data(renderer)[column]))
            if len(kinds) == 1:
                singular, plural = kinds[0]
            else:
                singular, plural = "marker", "markers"
                shapes = f"{_count_word(len(kinds))} shapes"
        else:
            singular, plural = _MARKERS.get(marker if isinstance(marker, str) else "", (singular, plural))
    one = isinstance(glyph, _ONE_THING) or (not isinstance(glyph, (MultiLine, Patches))
                                            and (_length(renderer) if length is None else length) == 1)
    dash = ""
    if isinstance(glyph, _LINES):
        pattern = _prop(glyph, "line_dash")
        dash = _DASHES.get(tuple(pattern), "dashed ") if isinstance(pattern, (list, tuple)) else ""
    colour = _colour_of(renderer)
    noun = singular if one else plural
    if colour.startswith("in "):  # "diamonds in three colours", "markers in three colours and three shapes"
        words = f"{dash}{noun} {colour}{' and ' + shapes if shapes else ''}"
    else:  # "a red line", "red markers in two shapes"
        words = f"{dash}{colour + ' ' if colour else ''}{noun}{' in ' + shapes if shapes else ''}"
    return f"{'an' if words[0] in 'aeiou' else 'a'} {words}" if one else words


# -- labels ------------------------------------------------------------------------------------------------------

def _legend_labels(fig: Plot) -> dict[str, list[str]]:
    """Each renderer's labels in the figure's legends (by renderer id), from visible legend items only.

    A label that is a column (``legend_field``) gives that column's distinct values, in order.
    """
    labels: dict[str, list[str]] = {}
    for legend in _legends(fig):
        if not _prop(legend, "visible"):
            continue
        for item in _prop(legend, "items"):
            label = _prop(item, "label")
            if not _prop(item, "visible") or label is None:
                continue
            for renderer in _prop(item, "renderers"):
                value = getattr(label, "value", None)
                if isinstance(value, str):
                    texts = [value]
                else:
                    column = getattr(label, "field", None)
                    data = _source_data(renderer) if isinstance(renderer, GlyphRenderer) else {}
                    texts = list(dict.fromkeys(str(v) for v in data[column])) if column in data else []
                labels.setdefault(renderer.id, []).extend(t for t in texts if t)
    return labels


def _label_field(fig: Plot, renderer: GlyphRenderer) -> str | None:
    """A column that names each item of the series: its legend's ``field`` label, else the text of a label set on
    its data source (the notable models' names)."""
    data = _source_data(renderer)
    for legend in _legends(fig):
        for item in _prop(legend, "items"):
            column = getattr(_prop(item, "label"), "field", None)
            if isinstance(column, str) and column in data and any(r is renderer for r in _prop(item, "renderers")):
                return column
    source = _prop(renderer, "data_source")
    for annotation in _prop(fig, "center"):
        if isinstance(annotation, LabelSet) and _prop(annotation, "source") is source and _prop(annotation, "visible"):
            column = _field(_prop(annotation, "text"), data)
            if column is not None:
                return column
    return None


def _axis_label(fig: Plot, axis: str, siblings: Sequence[Plot]) -> str:
    """The figure's label for axis ``"x"`` or ``"y"``; if it has none, that of a sibling figure sharing the range
    (stacked histograms label only the bottom one's shared axis). ``""`` if none has one."""
    own_range = _prop(fig, f"{axis}_range")
    for plot in (fig, *siblings):
        if plot is not fig and _prop(plot, f"{axis}_range") is not own_range:
            continue
        for ax in _axes(plot, axis):
            label = _prop(ax, "axis_label")
            if label and _prop(ax, "visible"):
                return str(label)
    return ""


def _is_log(fig: Plot, axis: str) -> bool:
    return isinstance(_prop(fig, f"{axis}_scale"), LogScale)


def _is_categorical(fig: Plot, axis: str) -> bool:
    return isinstance(_prop(fig, f"{axis}_scale"), CategoricalScale) or isinstance(_prop(fig, f"{axis}_range"),
                                                                                    FactorRange)


def _factor(value: Any) -> str:
    return ", ".join(str(v) for v in value) if isinstance(value, (tuple, list)) else str(value)


def _axis_phrase(fig: Plot, axis: str, siblings: Sequence[Plot]) -> str:
    """An axis in words: "parameters N (log scale)", "each ZeRO stage (0, 1, 2, 3)", "four categories"."""
    label = _axis_label(fig, axis, siblings)
    if _is_categorical(fig, axis):
        factors = [_factor(f) for f in _prop(_prop(fig, f"{axis}_range"), "factors")]
        listed = ", ".join(factors)
        shown = f" ({listed})" if len(factors) <= 6 and len(listed) <= 80 else ""
        return f"each {label}{shown}" if label else f"{_count_word(len(factors))} categories{shown}"
    log = " (log scale)" if _is_log(fig, axis) else ""
    return f"{label or 'an unlabelled axis'}{log}"


def figure_title(fig: Plot) -> str:
    """The figure's title text, stripped (``""`` if it has none)."""
    title = _prop(fig, "title")
    text = _prop(title, "text") if title is not None and not isinstance(title, str) else title
    return str(text).strip() if text else ""


def _join(parts: Sequence[str]) -> str:
    if len(parts) <= 2:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _opening(fig: Plot) -> str:
    """The description's start: "<title>. It plots", or "A plot of" for a figure without a title."""
    title = figure_title(fig)
    return f"{title.rstrip('.')}. It plots" if title else "A plot of"


def _axes_words(fig: Plot, siblings: Sequence[Plot]) -> str:
    """What is plotted against what: "loss against parameters N (log scale)", "USD for each of three categories"."""
    x_cat, y_cat = _is_categorical(fig, "x"), _is_categorical(fig, "y")
    if y_cat and not x_cat:
        return f"{_axis_phrase(fig, 'x', siblings)} for {_axis_phrase(fig, 'y', siblings)}"
    if x_cat and not y_cat:
        return f"{_axis_phrase(fig, 'y', siblings)} for {_axis_phrase(fig, 'x', siblings)}"
    return f"{_axis_phrase(fig, 'y', siblings)} against {_axis_phrase(fig, 'x', siblings)}"


def _series_words(fig: Plot) -> str:
    """The visible series, each by its legend label and how it is drawn; unlabelled ones last, after "also"."""
    labels = _legend_labels(fig)
    named_series: dict[str, list[str]] = {}
    unnamed: list[str] = []
    for renderer, length in _drawn(fig):
        drawing = drawn_as(renderer, length)
        label = _join(labels[renderer.id]) if labels.get(renderer.id) else ""
        target = named_series.setdefault(label, []) if label else unnamed
        if drawing not in target:
            target.append(drawing)
    parts = [f"{label} as {_join(drawings)}" for label, drawings in named_series.items()]
    if unnamed:
        parts.append(("also " if parts else "") + _join(unnamed))
    return ": " + "; ".join(parts) if parts else "; nothing is drawn at these settings"


#: The parts of a description, in order, and what writes each.
_PARTS = ("opening", "axes", "series")


def _part(name: str, fig: Plot, siblings: Sequence[Plot]) -> str:
    if name == "opening":
        return _opening(fig)
    return _axes_words(fig, siblings) if name == "axes" else _series_words(fig)


def _compose(parts: Sequence[str]) -> str:
    opening, axes, series = parts
    return f"{opening} {axes}{series}."


def describe_figure(fig: Plot, siblings: Sequence[Plot] = ()) -> str:
    """One or two plain sentences saying what ``fig`` shows now: its title, what is plotted against what, and
    each visible series by its legend label and how it is drawn.

    ``siblings`` are the other figures shown with it: an axis without a label takes the label of a
    sibling that shares its range. Invisible renderers, empty series and invisible legend items are
    left out, so the text follows an update that hides a series or relabels an axis.
    """
    return _compose([_part(name, fig, siblings) for name in _PARTS])


# -- tables ------------------------------------------------------------------------------------------------------

def _cell(value: Any) -> str:
    """A table cell's text: numbers to 3 significant figures (:func:`widgets._format.number`; non-finite ones as
    a dash), anything else as its text."""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return number(float(value))
    if isinstance(value, np.datetime64):
        return str(np.datetime_as_string(value, unit="D"))
    if value is None:
        return "—"
    return html.escape(_factor(value))


def _thinned(n: int, max_rows: int) -> tuple[range, str]:
    """Row indices ``0 .. n-1`` thinned evenly to at most ``max_rows`` (first and, when the step divides, last
    kept), and a note saying so ("every 5th of 201 points"), ``""`` if none was dropped."""
    if n <= max_rows:
        return range(n), ""
    step = math.ceil((n - 1) / (max_rows - 1)) if max_rows > 1 else n
    return range(0, n, step), f"every {_ordinal(step)} of {n} points"


def _ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def _headers(fig: Plot, columns: list[tuple[str, str, str]], siblings: Sequence[Plot]) -> list[tuple[str, str]]:
    """(column, header) pairs: each header the axis label, with "from"/"to" where an axis has two columns; a
    column used twice (a whisker's shared x) appears once, without a suffix."""
    seen: dict[str, int] = {}
    out: list[tuple[str, str]] = []
    per_axis = {axis: len({c for a, c, _ in columns if a == axis}) for axis in ("x", "y")}
    for axis, column, suffix in columns:
        label = _axis_label(fig, axis, siblings) or ("category" if _is_categorical(fig, axis) else f"{axis} value")
        if column in seen:
            out[seen[column]] = (column, out[seen[column]][1].rsplit(" (", 1)[0] if per_axis[axis] > 1 else
                                 out[seen[column]][1])
            continue
        seen[column] = len(out)
        out.append((column, f"{label} ({suffix})" if suffix and per_axis[axis] > 1 else label))
    return out


def _rows(columns: list[Any], indices: range) -> str:
    return "".join("<tr>" + "".join(f"<td {_NUM if isinstance(c[i], (int, float, np.integer, np.floating)) else _TEXT}>"
                                    f"{_cell(c[i])}</td>" for c in columns) + "</tr>" for i in indices)


def series_table(fig: Plot, renderer: GlyphRenderer, max_rows: int = MAX_ROWS, siblings: Sequence[Plot] = ()) -> str:
    """One series of ``fig`` as an HTML table (see :func:`figure_tables`); ``""`` for a series drawn from fixed
    values only."""
    data = _source_data(renderer)
    headers = _headers(fig, _coordinates(_prop(renderer, "glyph"), data), siblings)
    if not headers:
        return ""
    name_column = _label_field(fig, renderer)
    if name_column is not None and name_column not in [c for c, _ in headers]:
        headers.insert(0, (name_column, "label"))
    labels = _legend_labels(fig).get(renderer.id)
    caption = html.escape(_join(labels) if labels else " ".join(filter(None, (figure_title(fig), f"({drawn_as(renderer)})"))))
    head = "<thead><tr>" + "".join(f'<th scope="col" {_TEXT}>{html.escape(h)}</th>' for _, h in headers) \
        + "</tr></thead>"
    if isinstance(_prop(renderer, "glyph"), (MultiLine, Patches)):  # one row group per line
        groups = [[data[c][k] if np.ndim(data[c][k]) else np.full(len(data[headers[-1][0]][k]), data[c][k], object)
                   for c, _ in headers] for k in range(len(data[headers[-1][0]]))]
        notes, bodies = set(), []
        per_line = max(2, max_rows // max(len(groups), 1))  # the table as a whole stays near max_rows rows
        for k, cols in enumerate(groups):
            indices, note = _thinned(len(cols[-1]), per_line)
            notes.add(note)
            bodies.append(f'<tbody><tr><th scope="rowgroup" colspan="{len(cols)}" {_TEXT}>line {k + 1} of '
                          f"{len(groups)}</th></tr>{_rows(cols, indices)}</tbody>")
        note = "; each line: " + ", ".join(sorted(n for n in notes if n)) if any(notes) else ""
        return f"<table {_TABLE}><caption>{caption}{html.escape(note)}</caption>{head}{''.join(bodies)}</table>"
    columns = [data[c] for c, _ in headers]
    indices, note = _thinned(len(columns[0]), max_rows)
    note = f"; {note}" if note else ""
    return f"<table {_TABLE}><caption>{caption}{note}</caption>{head}<tbody>{_rows(columns, indices)}</tbody></table>"


def figure_tables(fig: Plot, max_rows: int = MAX_ROWS, siblings: Sequence[Plot] = ()) -> str:
    """Every visible series of ``fig`` as an HTML ``<table>``: a ``<caption>`` (the series' legend label, else the
    figure's title and how the series is drawn), ``<th scope="col">`` headers from the axis labels, the values
    to 3 significant figures; a series longer than ``max_rows`` thinned evenly (the caption says "every 5th of
    201 points"), a ``multi_line`` as one row group per line, each thinned so.

    Raises
    ------
    ValueError
        If ``max_rows`` is not a whole number of at least 2.
    """
    if isinstance(max_rows, bool) or not isinstance(max_rows, (int, np.integer)) or max_rows < 2:
        raise ValueError(f"max_rows must be a whole number of rows, at least 2; got {max_rows!r}")
    return "".join(series_table(fig, r, int(max_rows), siblings) for r in visible_series(fig))


def figures_of(layout: LayoutDOM) -> Iterator[Plot]:
    """The figures of a Bokeh layout (a figure, a row, a column, a grid or tabs), in the order they are laid out."""
    if isinstance(layout, Plot):
        yield layout
        return
    props = layout.properties()
    for child in getattr(layout, "children") if "children" in props else ():  # noqa: B009 (rows, columns, grids)
        yield from figures_of(child[0] if isinstance(child, tuple) else child)
    for tab in getattr(layout, "tabs") if "tabs" in props else ():  # noqa: B009 (tabs)
        yield from figures_of(tab.child)


# -- kept up to date -------------------------------------------------------------------------------------------

#: The properties a description reads, by model type (a glyph's every property counts: coordinates, colours,
#: dashes, markers); a data source counts by its number of rows, and by its values where they colour or name a
#: series. tests/test_describe.py records every property :func:`describe_figure` reads and checks it is here.
DESCRIBED_PROPERTIES: dict[type, frozenset[str]] = {
    Plot: frozenset({"title", "renderers", "above", "below", "left", "right", "center", "x_range", "y_range",
                     "x_scale", "y_scale"}),
    Title: frozenset({"text"}), Axis: frozenset({"axis_label", "visible"}), Range: frozenset({"factors"}),
    Legend: frozenset({"visible", "items"}), LegendItem: frozenset({"label", "visible", "renderers"}),
    GlyphRenderer: frozenset({"visible", "glyph", "data_source"}), LabelSet: frozenset({"source", "text", "visible"}),
    ColumnDataSource: frozenset({"data"}),
}


def _described_property(model: Any, name: str) -> bool:
    """True if :func:`describe_figure` may read property ``name`` of ``model`` (see :data:`DESCRIBED_PROPERTIES`)."""
    if isinstance(model, Glyph):
        return True
    return any(isinstance(model, kind) and name in names for kind, names in DESCRIBED_PROPERTIES.items())


def _rows_class(source: Any) -> int:
    """0, 1 or 2 for a data source of no rows, one, or more: all a description says of its size."""
    for column in _prop(source, "data").values():
        return min(len(column), 2)
    return 0


def _part_of(model: Any, attr: str | None) -> str | None:
    """The part of a description a change of ``model.attr`` can change (``None``: any part, a figure's layout)."""
    if isinstance(model, Title):
        return "opening"
    if isinstance(model, (Axis, Range)) or (isinstance(model, Plot) and attr in ("x_range", "y_range", "x_scale",
                                                                                  "y_scale")):
        return "axes"
    if isinstance(model, Plot):
        return None
    return "series"


class FigureDescriptions:
    """The descriptions of the figures shown together (one explorer view), kept up to date from their document's
    change events: a figure is described again only after a change to a model its description reads.

    A move of a slider changes data values (not described), ranges and ticks (not described): no
    figure is described again, and :meth:`texts` costs a few microseconds. A new title or axis
    label, a series shown or hidden, a data source that empties or fills, a colour or legend label
    that changes: that figure's description is written afresh.
    """

    def __init__(self, figures: Sequence[Plot]) -> None:
        self.figures = list(figures)
        self._parts = [["", "", ""] for _ in self.figures]
        self._texts = [""] * len(self.figures)
        # Figure -> the parts of its description to write again (all of them at first).
        self._stale: dict[int, set[str]] = {k: set(_PARTS) for k in range(len(self.figures))}
        self._owners: dict[str, set[int]] = {}
        self._rows: dict[str, int] = {}
        # By source: the columns whose values colour a series (True) or name it (False), and what a description
        # says of them (the colours' names, the distinct names) when it was last written.
        self._valued: dict[str, dict[str, bool]] = {}
        self._values: dict[str, tuple[Any, ...]] = {}
        documents = {id(doc): doc for doc in (fig.document for fig in self.figures) if doc is not None}
        for doc in documents.values():
            doc.on_change(self._changed)

    def _track(self, k: int) -> None:
        """Record the models figure ``k``'s description reads, and the sizes of its sources."""
        fig = self.figures[k]
        models: list[Any] = [fig, _prop(fig, "title"), _prop(fig, "x_range"), _prop(fig, "y_range")]
        models += [ax for plot in self.figures for axis in ("x", "y") for ax in _axes(plot, axis)
                   if plot is fig or _prop(plot, f"{axis}_range") is _prop(fig, f"{axis}_range")]
        for legend in _legends(fig):
            models.append(legend)
            models += _prop(legend, "items")
            for item in _prop(legend, "items"):
                column = getattr(_prop(item, "label"), "field", None)
                if column is not None:
                    for r in _prop(item, "renderers"):
                        if isinstance(r, GlyphRenderer):
                            self._valued.setdefault(_prop(r, "data_source").id, {}).setdefault(column, False)
        models += [a for a in _prop(fig, "center") if isinstance(a, LabelSet)]
        for renderer in _prop(fig, "renderers"):
            if isinstance(renderer, GlyphRenderer):
                glyph, source = _prop(renderer, "glyph"), _prop(renderer, "data_source")
                models += [renderer, glyph, source]
                self._rows[source.id] = _rows_class(source)
                colour = (_prop(glyph, "line_color" if isinstance(glyph, _LINES) else "fill_color")
                          if _is_series(renderer) else None)
                column = _field(colour, _prop(source, "data"))
                if column is not None:
                    self._valued.setdefault(source.id, {})[column] = True
                marker = _field(_prop(glyph, "marker"), _prop(source, "data")) if isinstance(glyph, Scatter) else None
                if marker is not None:
                    self._valued.setdefault(source.id, {}).setdefault(marker, False)
        for model in models:
            if model is not None:
                self._owners.setdefault(model.id, set()).add(k)
                if isinstance(model, ColumnDataSource) and model.id in self._valued:
                    self._values[model.id] = self._snapshot(model)

    def _snapshot(self, source: ColumnDataSource) -> tuple[Any, ...]:
        """What a description says of ``source``'s columns that colour a series (the colours' names) or name it (a
        legend's field: the distinct names, in order)."""
        data = _prop(source, "data")
        return tuple((c, frozenset(_named(v) for v in data[c]) if colour else tuple(dict.fromkeys(map(str, data[c]))))
                     if c in data else (c, None) for c, colour in sorted(self._valued[source.id].items()))

    def _changed(self, event: Any) -> None:
        model = getattr(event, "model", None)
        owners = self._owners.get(model.id) if isinstance(model, Model) else None
        if not owners:
            return
        if isinstance(model, ColumnDataSource):
            if _rows_class(model) != self._rows.get(model.id) or (
                    model.id in self._valued and self._snapshot(model) != self._values.get(model.id)):
                self._mark(owners, "series")
            return
        attr = getattr(event, "attr", None)
        if attr is None or _described_property(model, attr):  # (streamed or patched columns: at once)
            self._mark(owners, _part_of(model, attr))

    def _mark(self, figures: set[int], part: str | None) -> None:
        """Mark ``part`` of the figures' descriptions to be written again (``None``: every part)."""
        for k in figures:
            self._stale.setdefault(k, set()).update(_PARTS if part is None else (part,))

    def texts(self) -> list[str]:
        """Each figure's description (:func:`describe_figure`), written again where a change made it stale."""
        if self._stale:
            stale, self._stale = self._stale, {}
            for k, parts in stale.items():
                fig = self.figures[k]
                for name in parts:
                    self._parts[k][_PARTS.index(name)] = _part(name, fig, self.figures)
                self._texts[k] = _compose(self._parts[k])
                if "series" in parts:  # what the figure draws may have changed: the models its words read too
                    self._track(k)
        return list(self._texts)
