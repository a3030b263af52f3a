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


def sweep_every_control(explorer: Any, assert_axes: Any, *, where: str = "", expected_refusal: Any = None,
                        reset: bool = False, check: Any = None, allow_empty_columns: bool = False,
                        readout_forbids: tuple[str, ...] = ("nan", "inf")) -> None:
    """Move each control of ``explorer`` through :func:`control_values`, the others where they are.

    After every move: the explorer refused nothing (or ``expected_refusal(name, value, explorer)`` accepts the
    refusal and says why it is expected, and the picture is the one before the move); some column has data, and every column is finite (and non-empty unless
    ``allow_empty_columns``); the readout shows none of ``readout_forbids``; ``assert_axes(explorer, where)`` holds,
    and ``check(explorer, where)`` if given. Each control must change the readout or the data at least once. With
    ``reset``, each control goes back to its start before the next is moved.
    """
    start = {name: control.value for name, control in explorer.controls.items()}
    for name, control in explorer.controls.items():
        changed = 0
        for value in control_values(control):
            if control.value == value:
                continue
            before = (explorer.readout.value, numeric_columns(explorer))
            control.value = value
            at = f"{where}{name}={value!r}"
            if explorer.error is not None:
                assert expected_refusal is not None and expected_refusal(name, value, explorer), \
                    f"{at}: refused: {explorer.error}"
                kept = numeric_columns(explorer)  # a refusal keeps the last good picture (DESIGN.md, Widgets)
                assert kept.keys() == before[1].keys() and all(
                    np.array_equal(kept[k], before[1][k]) for k in kept), f"{at}: a refusal changed the picture"
                continue
            cols = numeric_columns(explorer)
            assert any(a.size for a in cols.values()), f"{at}: every source is empty"
            for col, arr in cols.items():
                assert (arr.size or allow_empty_columns) and np.all(np.isfinite(arr)), f"{at}: {col} empty or not finite"
            text = explorer.readout.value.lower()
            assert not [w for w in readout_forbids if w in text], f"{at}: {explorer.readout.value}"
            assert_axes(explorer, at)
            if check is not None:
                check(explorer, at)
            changed += before[0] != explorer.readout.value or before[1].keys() != cols.keys() or any(
                before[1][k].shape != v.shape or not np.allclose(before[1][k], v) for k, v in cols.items())
        assert changed, f"{where}moving {name} changed nothing"
        if reset:
            control.value = start[name]
            assert explorer.error is None, f"{where}{name} back at {start[name]!r}: refused: {explorer.error}"
