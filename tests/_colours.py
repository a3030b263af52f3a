"""What colours an explorer's figures draw, as tests/test_palette.py measures them.

:func:`figure_colours` walks the Bokeh models of an explorer's figures (as widgets/static.py walks its
documents): every visible glyph renderer's line, fill and text colours (from the glyph, or from the data
source column the glyph maps them to), the annotations' (Span, HSpan/VSpan, BoxAnnotation, Label,
LabelSet, Legend, Title) and the axes' text. Each use is one :class:`Use`, with what a reader can tell it
by besides its colour (its glyph, marker, dash, legend entry or text label).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bokeh.colors import named
from bokeh.core.property.vectorization import Field
from bokeh.models import (Axis, BoxAnnotation, GlyphRenderer, Label, LabelSet, Legend, Plot, Span,
                          Text, Title)

from widgets import colour as kit

#: Glyphs drawn as lines only: their line colour is what a reader sees.
LINE_GLYPHS = {"Line", "MultiLine", "Segment", "Step", "Ray", "HSpan", "VSpan", "HStrip", "VStrip", "Bezier",
               "Quadratic", "Arc"}
#: An alpha at or below this is a band or context (a shaded range, faded earlier points): left out of the
#: contrast rule (the brief for issue 16), still compared for distinguishability when it has its own meaning.
BAND_ALPHA = 0.35


@dataclass
class Use:
    """One colour one part of a figure draws with."""

    figure: str  # the figure's title
    what: str  # the renderer or annotation, e.g. "Line 'your budget'"
    role: str  # "line" (a line or outline), "fill", or "text"
    colour: str  # '#rrggbb'
    alpha: float
    background: str  # what it is drawn on: the plot area's colour, or the border's for titles and axes
    meaningful: bool = True  # identifies a series (False: an outline, a separator, a hatch)
    large_text: bool = False  # WCAG 2.1 "large scale" text: 18 pt, or 14 pt bold
    cue: tuple = ()  # what else tells the series apart: (kind, marker, dash, width)
    legend: str | None = None
    labelled: bool = False  # a text label sits on the same data (a LabelSet or a Text glyph)
    mapped: bool = False  # the colour comes from a data column
    named: bool = False  # one glyph per factor of a categorical axis, each its own colour: the axis names them
    renderer: Any = field(default=None, repr=False)

    @property
    def shown(self) -> str:
        """The colour as the canvas shows it: composited over the background at its alpha."""
        return kit.to_hex(kit.composite(self.colour, self.alpha, self.background))


def hex_of(value: Any) -> str | None:
    """'#rrggbb' of a Bokeh colour value (a name, '#rgb', '#rrggbb', an (r, g, b[, a]) tuple), None for none."""
    if value is None:
        return None
    if isinstance(value, str):
        if value.startswith("#"):
            return kit.to_hex(kit.to_rgb(value))
        colour = getattr(named, value.lower(), None)
        if colour is None:
            raise ValueError(f"colour: {value!r} is not a colour Bokeh names")
        return colour.to_hex().upper()
    return kit.to_hex(kit.to_rgb(tuple(value)[:3]))


def _spec(model: Any, prop: str) -> tuple[bool, Any]:
    """(is a data column, the column's name or the value) of one property of a Bokeh model."""
    value = getattr(model, prop)
    descriptor = model.lookup(prop)
    try:
        spec = descriptor.property.to_serializable(model, prop, value)
    except AttributeError:  # not a data spec (annotations' plain properties)
        return False, value
    if isinstance(spec, Field):
        return True, spec.field
    return False, getattr(spec, "value", value)


def _values(model: Any, prop: str, source: Any) -> tuple[bool, list[Any]]:
    """(mapped to a column, the distinct values) of a property: the column's values if it maps one."""
    mapped, v = _spec(model, prop)
    if mapped:
        column = list(source.data.get(v, [])) if source is not None else []
        return True, list(dict.fromkeys(column))
    return False, [v]


def _font_large(size: Any, style: Any) -> bool:
    """WCAG 2.1 "large scale" text: at least 18 pt (24 px), or 14 pt (18.67 px) bold."""
    text = str(size or "")
    try:
        px = float(text[:-2]) * (4 / 3 if text.endswith("pt") else 1) if text[-2:] in ("px", "pt") else 0.0
    except ValueError:
        return False
    return px >= 24 or (px >= 18.66 and "bold" in str(style or ""))


def _background(plot: Plot, area: bool) -> str:
    """The colour the plot area (``area``) or its border is painted, over a white page."""
    border = kit.composite(hex_of(plot.border_fill_color) or kit.WHITE, float(plot.border_fill_alpha))
    if not area:
        return kit.to_hex(border)
    fill = hex_of(plot.background_fill_color)
    if fill is None:
        return kit.to_hex(border)
    return kit.to_hex(kit.composite(fill, float(plot.background_fill_alpha), kit.to_hex(border)))


def figures(explorer: Any) -> list[Plot]:
    """Every Bokeh plot the explorer shows, in document order."""
    found: list[Plot] = []
    for view in explorer._views:
        doc = view._document
        found.extend(m for m in doc.models if isinstance(m, Plot) and m not in found)
    return found


def _legend_labels(plot: Plot) -> dict[int, str]:
    labels: dict[int, str] = {}
    for legend in plot.select(type=Legend):
        if not legend.visible:
            continue
        for item in legend.items:
            label = item.label
            # legend_field: one entry per value of a column, so each mapped colour has its entry
            text = f"each {label.field}" if isinstance(label, Field) else getattr(label, "value", label)
            for r in item.renderers:
                labels[id(r)] = str(text)
    return labels


def _labelled_sources(plot: Plot) -> set[int]:
    """Data sources a text label is drawn from (a LabelSet, a Text glyph)."""
    out = {id(a.source) for a in plot.center + plot.renderers if isinstance(a, LabelSet) and a.visible}
    out |= {id(r.data_source) for r in plot.renderers
            if isinstance(r, GlyphRenderer) and r.visible and isinstance(r.glyph, Text)}
    return out


def _glyph_uses(plot: Plot, r: GlyphRenderer, area: str, legends: dict[int, str], labelled: set[int]) -> Iterator[Use]:
    g, source = r.glyph, r.data_source
    kind = type(g).__name__
    title = plot.title.text if plot.title is not None else ""
    legend = legends.get(id(r))
    what = f"{kind} {legend!r}" if legend else f"{kind} (no legend)"
    marker_mapped, markers = _values(g, "marker", source) if hasattr(g, "marker") else (False, [None])
    hatch_mapped, hatches = _values(g, "hatch_pattern", source) if hasattr(g, "hatch_pattern") else (False, [None])
    # a marker or hatch column is a second cue only where it takes more than one value
    marker_varies, hatch_varies = marker_mapped and len(markers) > 1, hatch_mapped and len(hatches) > 1
    dash = tuple(g.line_dash) if hasattr(g, "line_dash") and isinstance(g.line_dash, (list, tuple)) else g.line_dash \
        if hasattr(g, "line_dash") else None
    common = dict(figure=title, background=area, legend=legend, labelled=id(source) in labelled, renderer=r,
                  named=_named_by_axis(plot, g, source))
    if isinstance(g, Text):
        mapped, colours = _values(g, "text_color", source)
        _, alphas = _values(g, "text_alpha", source)
        for c in colours:
            yield Use(what=what, role="text", colour=hex_of(c) or kit.WHITE, alpha=float(alphas[0]), meaningful=False,
                      large_text=_font_large(g.text_font_size, g.text_font_style), mapped=mapped, **common)
        return
    line_mapped, lines = _values(g, "line_color", source) if hasattr(g, "line_color") else (False, [None])
    line_alpha = _values(g, "line_alpha", source)[1] if hasattr(g, "line_alpha") else [0.0]
    width = _values(g, "line_width", source)[1] if hasattr(g, "line_width") else [0.0]
    cue = (kind, "mapped" if marker_varies else next(iter(markers), None), dash, "hatch" if hatch_varies else "")
    if kind in LINE_GLYPHS:
        for c in lines:
            if c is not None:
                yield Use(what=what, role="line", colour=hex_of(c), alpha=_alpha(line_alpha), cue=cue,
                          mapped=line_mapped, **common)
        return
    fill_mapped, fills = _values(g, "fill_color", source) if hasattr(g, "fill_color") else (False, [None])
    fill_alpha = _values(g, "fill_alpha", source)[1] if hasattr(g, "fill_alpha") else [0.0]
    has_fill = any(c is not None for c in fills) and _alpha(fill_alpha) > 0
    for c in fills:
        if c is not None and _alpha(fill_alpha) > 0:
            yield Use(what=what, role="fill", colour=hex_of(c), alpha=_alpha(fill_alpha), cue=cue, mapped=fill_mapped,
                      **common)
    for c in lines:  # an outline: the series' colour only for a hollow glyph
        if c is not None and _alpha(line_alpha) > 0 and max(float(w) for w in width) > 0:
            yield Use(what=what, role="line", colour=hex_of(c), alpha=_alpha(line_alpha), cue=cue,
                      meaningful=not has_fill, mapped=line_mapped, **common)


def _named_by_axis(plot: Plot, g: Any, source: Any) -> bool:
    """One glyph per factor of the plot's categorical axis, each in its own colour (bars named on the axis)."""
    for axis_prop, range_ in (("x", plot.x_range), ("y", plot.y_range)):
        if type(range_).__name__ != "FactorRange" or not hasattr(g, axis_prop):
            continue
        mapped, column = _spec(g, axis_prop)
        colour_mapped, colour_column = _spec(g, "fill_color") if hasattr(g, "fill_color") else (False, None)
        if mapped and colour_mapped and source is not None:
            factors = list(source.data.get(column, []))
            colours = list(source.data.get(colour_column, []))
            return len(set(factors)) == len(factors) and len(set(colours)) == len(colours)
    return False


def _alpha(values: list[Any]) -> float:
    """The most opaque of a property's alphas (a mapped alpha column: the point drawn most strongly)."""
    return max((float(v) for v in values), default=1.0)


def figure_colours(explorer: Any) -> dict[str, list[Use]]:
    """Every colour each of the explorer's figures uses, by figure title (see the module's docstring)."""
    out: dict[str, list[Use]] = {}
    for plot in figures(explorer):
        if not plot.visible:
            continue
        title = plot.title.text if plot.title is not None else ""
        area, border = _background(plot, True), _background(plot, False)
        legends, labelled = _legend_labels(plot), _labelled_sources(plot)
        uses: list[Use] = []
        for r in plot.renderers:
            if isinstance(r, GlyphRenderer) and r.visible:
                uses.extend(_glyph_uses(plot, r, area, legends, labelled))
        for a in plot.center + plot.renderers:
            if not getattr(a, "visible", True):
                continue
            name = type(a).__name__
            if isinstance(a, Span):
                uses.append(Use(title, f"Span at {a.location}", "line", hex_of(a.line_color) or kit.WHITE,
                                float(a.line_alpha), area, cue=("Span", a.dimension, tuple(a.line_dash), ""),
                                renderer=a))
            elif isinstance(a, BoxAnnotation):
                if a.fill_color is not None and a.fill_alpha > 0:
                    uses.append(Use(title, name, "fill", hex_of(a.fill_color), float(a.fill_alpha), area, renderer=a))
            elif isinstance(a, (Label, LabelSet)):
                mapped, colours = (_values(a, "text_color", a.source) if isinstance(a, LabelSet)
                                   else (False, [a.text_color]))
                for c in colours:
                    uses.append(Use(title, name, "text", hex_of(c) or kit.WHITE, float(_spec(a, "text_alpha")[1]),
                                    area, meaningful=False, large_text=_font_large(a.text_font_size, a.text_font_style),
                                    mapped=mapped, renderer=a))
            elif isinstance(a, Legend):
                uses.append(Use(title, "Legend", "text", hex_of(a.label_text_color) or kit.WHITE,
                                float(a.label_text_alpha), area, meaningful=False,
                                large_text=_font_large(a.label_text_font_size, a.label_text_font_style), renderer=a))
        for side in (plot.above, plot.below, plot.left, plot.right):
            for a in side:
                if isinstance(a, Title) and a.visible and a.text:
                    uses.append(_title_use(title, a, border))
                elif isinstance(a, Axis) and a.visible:
                    for part in ("axis_label", "major_label"):
                        if part == "axis_label" and not a.axis_label:
                            continue
                        uses.append(Use(title, f"{type(a).__name__} {part.replace('_', ' ')}", "text",
                                        hex_of(getattr(a, f"{part}_text_color")) or kit.WHITE,
                                        float(getattr(a, f"{part}_text_alpha")), border, meaningful=False,
                                        large_text=_font_large(getattr(a, f"{part}_text_font_size"),
                                                               getattr(a, f"{part}_text_font_style")), renderer=a))
        if plot.title is not None and plot.title.text and plot.title not in plot.above + plot.below:
            uses.append(_title_use(title, plot.title, border))
        out[title] = uses
    return out


def _title_use(title: str, t: Title, border: str) -> Use:
    return Use(title, f"Title {t.text[:30]!r}", "text", hex_of(t.text_color) or kit.WHITE, float(t.text_alpha), border,
               meaningful=False, large_text=_font_large(t.text_font_size, t.text_font_style), renderer=t)


def meaningful_colours(uses: list[Use]) -> list[str]:
    """The colours a figure's reader must tell apart, as shown: each series' colour once.

    A colour that only outlines, separates or hatches is left out, and so is one the same as the
    background. A faint fill (alpha at most :data:`BAND_ALPHA`) of a colour that also draws a line or a
    marker in the figure is that series' band and is left out; a faint fill of its own colour has a
    meaning of its own and is compared as it is shown.
    """
    strong = {u.colour for u in uses if u.meaningful and u.role != "text" and u.alpha > BAND_ALPHA}
    shown: list[str] = []
    for u in uses:
        if not u.meaningful or u.role == "text" or u.alpha <= 0:
            continue
        if u.alpha <= BAND_ALPHA and u.colour in strong:
            continue
        colour = u.colour if u.alpha > BAND_ALPHA else u.shown
        if colour != u.background and colour not in shown:
            shown.append(colour)
    return shown
