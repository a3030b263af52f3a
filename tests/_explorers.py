"""What the explorers' kernel-side tests share: the values to move a control through, the numbers an explorer shows,
and the check that a plot's data lies inside its axes (used by tests/test_widgets_*.py)."""

from __future__ import annotations

from typing import Any

import ipywidgets as ipw
import numpy as np


def control_values(control: ipw.ValueWidget) -> list:
    """Values to set a control to, ends included: six across a slider (log-spaced on a log slider, whole numbers on
    an integer one), both states of a checkbox, every option of a menu, toggle or selection slider."""
    if isinstance(control, ipw.FloatLogSlider):
        return [float(control.base ** e) for e in np.linspace(control.min, control.max, 6)]
    if isinstance(control, ipw.IntSlider):
        return sorted({int(v) for v in np.linspace(control.min, control.max, 6)})
    if isinstance(control, ipw.FloatSlider):
        return [float(v) for v in np.linspace(control.min, control.max, 6)]
    if isinstance(control, ipw.Checkbox):
        return [not control.value, control.value]
    return [o[1] if isinstance(o, tuple) else o for o in control.options]


def ends(control: ipw.FloatLogSlider) -> tuple[float, float]:
    """The lowest and highest value of a log slider."""
    return float(control.base ** control.min), float(control.base ** control.max)


def numeric_columns(explorer: Any) -> dict[str, np.ndarray]:
    """Every numeric column of every data source, by ``source.column``, as floats (what the plots show)."""
    out = {}
    for name, source in explorer.sources.items():
        for col, values in source.data.items():
            arr = np.asarray(list(values))
            if arr.dtype.kind in "fiu":
                out[f"{name}.{col}"] = arr.astype(float)
    return out


def assert_inside(fig: Any, series: list[tuple[str, list[str] | str, Any]], where: str, *,
                  allow_empty: bool = False) -> int:
    """Every value of each ``(x column, y column(s), source)`` lies inside ``fig``'s x and y ranges; returns how many
    points were checked. An empty series fails unless ``allow_empty``."""
    drawn = 0
    for xcol, ycols, source in series:
        x = np.asarray(source.data[xcol], float)
        if x.size == 0:
            assert allow_empty, f"{where}: {fig.title.text!r} has an empty {xcol} column"
            continue
        drawn += x.size
        assert fig.x_range.start <= x.min() and x.max() <= fig.x_range.end, f"{where}: {xcol} outside the x axis"
        for ycol in [ycols] if isinstance(ycols, str) else ycols:
            y = np.asarray(source.data[ycol], float)
            assert fig.y_range.start <= y.min() and y.max() <= fig.y_range.end, f"{where}: {ycol} outside the y axis"
    assert drawn, f"{where}: {fig.title.text!r} is blank"
    return drawn
