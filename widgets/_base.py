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
over the widget comm; no ``push_notebook`` and no Bokeh server.

Two CSS classes are part of the contract with the browser tests: every
explorer's text readout carries ``ce-readout`` and its main slider carries
``ce-primary-slider``.
"""

from __future__ import annotations

import math
import time
from typing import Any

import ipywidgets as ipw
from bokeh.models import LayoutDOM
from jupyter_bokeh.widgets import BokehModel

READOUT_CLASS = "ce-readout"
PRIMARY_SLIDER_CLASS = "ce-primary-slider"

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

    output_notebook(resources=INLINE, hide_banner=True)
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
        Wall-clock seconds the last ``update()`` took (model + source assignment).
    """

    def __init__(self) -> None:
        self.controls: dict[str, ipw.ValueWidget] = {}
        self.sources: dict[str, Any] = {}
        self.readout = ipw.HTML()
        self.readout.add_class(READOUT_CLASS)
        self.last_update_s = float("nan")
        self._build()
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.update()
        self.widget = self._layout()

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
        self._compute()
        self.last_update_s = time.perf_counter() - t0

    def _on_change(self, change: dict) -> None:
        self.update()

    @staticmethod
    def _plot(layout: LayoutDOM) -> BokehModel:
        """Wrap a Bokeh figure or layout as an ipywidget."""
        return BokehModel(layout)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        if _in_kernel():
            setup_notebook(force=False)
        return self.widget._repr_mimebundle_(**kwargs)
