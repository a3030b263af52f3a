"""The trend explorer's axes follow its data in the page (BokehJS's own ranges, not the kernel's).

Lesson 0 is run in a real JupyterLab; the explorer's menus and its year slider are moved through the UI,
and after each move the x and y ranges BokehJS computed must contain every point, line and band the
explorer fits and projects (grey context points before the fit window may lie outside, by design).
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LESSON = "lessons/00_compute_is_the_new_currency.ipynb"

# For each plot with data ranges: is every finite value of every visible renderer inside them? (Only the
# renderer named "context", models published before the fit window, may lie outside.)
# Returns a list of problems ("" list = all inside); null while BokehJS has not drawn yet.
RANGES_HOLD_JS = """() => {
  if (!window.Bokeh || !window.Bokeh.index) return null;
  const problems = []; let checked = 0;
  for (const view of Object.values(window.Bokeh.index)) {
    const doc = view.model && view.model.document;
    if (!doc) continue;
    for (const m of doc._all_models.values()) {
      if (!m.x_range || !m.y_range || !m.renderers || m.y_range.type !== 'DataRange1d') continue;
      const [x0, x1] = [m.x_range.start, m.x_range.end], [y0, y1] = [m.y_range.start, m.y_range.end];
      for (const r of m.renderers) {
        if (r.name === 'context' || !r.visible || !r.data_source) continue;
        const d = r.data_source.data instanceof Map ? Object.fromEntries(r.data_source.data) : r.data_source.data;
        for (const k of ['value', 'central', 'low', 'high'])
          for (const v of (d[k] || [])) if (Number.isFinite(v) && (v < y0 || v > y1)) problems.push(`${k}=${v} outside y [${y0}, ${y1}]`);
        for (const v of (d['year'] || [])) if (Number.isFinite(v) && (v < x0 || v > x1)) problems.push(`year=${v} outside x [${x0}, ${x1}]`);
        checked++;
      }
    }
  }
  return checked ? problems.slice(0, 5) : null;
}"""


def _ranges_hold(lab) -> None:
    lab.wait_idle()
    lab.page.wait_for_function(f"() => {{ const p = ({RANGES_HOLD_JS})(); return p !== null && p.length === 0; }}",
                               timeout=20_000)


def test_trend_explorer_axes_follow_quantity_domain_and_year(lab, page_guard):
    lab.open_notebook(LESSON)
    lab.run_all()
    page = lab.page
    page.wait_for_function("() => !!window.Bokeh && Object.keys(window.Bokeh.index || {}).length > 0")
    _ranges_hold(lab)
    slider = page.locator(".ce-primary-slider").first
    slider.scroll_into_view_if_needed()
    explorer = slider.locator("xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '), "
                              "' jp-OutputArea-output ')][1]")
    menus = explorer.locator(".widget-dropdown select")  # plot, fit to, domain, published, bands

    def choose(i: int, label: str) -> None:
        menus.nth(i).scroll_into_view_if_needed()
        menus.nth(i).select_option(label=label)
        lab.wait_idle()

    for label in ("amortised cost of the final run", "accelerators used in training", "power drawn by the training cluster"):
        choose(0, label)
        _ranges_hold(lab)
    choose(0, "training compute")
    choose(1, "frontier models only")
    choose(2, "Vision")
    _ranges_hold(lab)
    choose(3, "since 1950")
    _ranges_hold(lab)
    handle = slider.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    for _ in range(10):  # to 2035, the far end of the slider
        handle.press("ArrowRight")
    _ranges_hold(lab)
    page_guard.assert_clean()
