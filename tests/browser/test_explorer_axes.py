"""Every explorer's axes follow its data in the page, at every control's extremes.

A fixture notebook builds every explorer of the kit. In a real JupyterLab, each control is moved
through the page as a learner moves it (sliders to their ends with the keyboard's Home and End
keys, every menu to its first and last choice, every toggle and checkbox), and after each move
the test reads BokehJS's own document: every finite value of every visible glyph must lie inside
its plot's x and y ranges (categorical axes excepted), and no plot may be blank. A range set in
Python can be overwritten in the browser and synced back, so only the page is trusted here.

A move is checked once the kernel has answered every request the page sent for it (watched on the
kernel connection, in the page), with one round trip to the page besides the move's own input: on a
2-core CI machine this page draws a frame in about 0.1 s, and every round trip waits for the frame.

Glyphs named "context" (the trend explorer's models published before its fit window) are drawn
outside the view on purpose and are left out.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import widgets

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIXTURE = "tests/browser/fixtures/explorers.ipynb"
#: Every explorer the kit exports: the fixture must show each one (a new explorer is tested here too).
EXPLORERS = sorted(name for name in widgets.__all__ if name.endswith("Explorer") and name != "Explorer")

# The glyph properties that hold x-like and y-like coordinates, by BokehJS glyph type.
RANGES_PROBLEMS_JS = """() => {
  if (!window.Bokeh || !window.Bokeh.index) return null;
  const X = {Scatter: ['x'], Circle: ['x'], Line: ['x'], Step: ['x'], VBar: ['x'], HBar: ['left', 'right'],
             Segment: ['x0', 'x1'], VArea: ['x'], HArea: ['x1', 'x2'], Quad: ['left', 'right'], MultiLine: ['xs'],
             Patch: ['x'], Patches: ['xs'], Rect: ['x'], Text: ['x'], VSpan: ['x'], Block: ['x']};
  const Y = {Scatter: ['y'], Circle: ['y'], Line: ['y'], Step: ['y'], VBar: ['top', 'bottom'], HBar: ['y'],
             Segment: ['y0', 'y1'], VArea: ['y1', 'y2'], HArea: ['y'], Quad: ['top', 'bottom'], MultiLine: ['ys'],
             Patch: ['y'], Patches: ['ys'], Rect: ['y'], Text: ['y'], HSpan: ['y'], Block: ['y']};
  const flat = (a) => { const out = []; const walk = (v) => { if (v == null) return;
    if (typeof v === 'number') out.push(v); else if (typeof v !== 'string' && v[Symbol.iterator]) for (const w of v) walk(w); };
    walk(a); return out; };
  const problems = []; let plots = 0;
  const seen = new Set();
  for (const view of Object.values(window.Bokeh.index)) {
    const doc = view.model && view.model.document;
    if (!doc) continue;
    for (const m of doc._all_models.values()) {
      if (seen.has(m.id) || !m.x_range || !m.y_range || !Array.isArray(m.renderers)) continue;
      seen.add(m.id); plots++;
      const title = (m.title && m.title.text) || m.id;
      let finite = 0;
      for (const r of m.renderers) {
        if (r.type !== 'GlyphRenderer' || !r.visible || r.name === 'context' || !r.data_source) continue;
        const g = r.glyph, d = r.data_source.data instanceof Map ? Object.fromEntries(r.data_source.data) : r.data_source.data;
        for (const [axis, props, range, scale] of [['x', X[g.type] || [], m.x_range, m.x_scale], ['y', Y[g.type] || [], m.y_range, m.y_scale]]) {
          if (range.type === 'FactorRange') continue;
          const lo = Math.min(range.start, range.end), hi = Math.max(range.start, range.end);
          const tol = 1e-9 * Math.max(Math.abs(hi - lo), 1e-300);
          for (const p of props) {
            const spec = g.attributes[p];
            if (!spec) continue;
            let values = [];
            if ('field' in spec) values = flat(d[spec.field]);
            else if ('expr' in spec && spec.expr && typeof spec.expr.v_compute === 'function') values = flat(spec.expr.v_compute(r.data_source));
            else if ('value' in spec && typeof spec.value === 'number') values = [spec.value];
            for (const v of values) {
              if (!Number.isFinite(v)) continue;
              if (scale && scale.type === 'LogScale' && v <= 0) { problems.push(`${title}: ${g.type}.${p}=${v} cannot be drawn on a log axis`); continue; }
              finite++;
              if (v < lo - tol || v > hi + tol) { problems.push(`${title}: ${g.type}.${p}=${v} outside ${axis} range [${lo}, ${hi}]`); break; }
            }
          }
        }
      }
      if (finite === 0 && m.renderers.some(r => r.type === 'GlyphRenderer')) problems.push(`${title}: blank plot`);
    }
  }
  return plots ? problems.slice(0, 8) : null;
}"""


# What a readout must never show (issue 9): e-notation ("6.257e+04 t CO2"), cents on hundreds of
# dollars or more ("$462.87" for a cost estimated to two figures), and a threshold rounded up to
# a false "above 100%" (the break-even was 99.6 %).
READOUT_FAULTS = {
    "e-notation": re.compile(r"\d(?:\.\d+)?[eE][+-]?\d"),
    "false precision in dollars": re.compile(r"\$(?:\d{1,3}(?:,\d{3})+|\d{3,})\.\d\d"),
    "a threshold above 100%": re.compile(r"above\s*(?:<b>)?\s*100\s?%"),
}


def readout_faults(text: str) -> list[str]:
    return [f"{fault}: {m.group(0)!r}" for fault, rx in READOUT_FAULTS.items() for m in [rx.search(text)] if m]


def _wait_ranges(lab, timeout_ms: int = 4_000) -> list[str]:
    """Problems once BokehJS has settled (empty list: every glyph inside its ranges)."""
    lab.wait_idle()
    try:
        lab.page.wait_for_function(f"() => {{ const p = ({RANGES_PROBLEMS_JS})(); return p !== null && p.length === 0; }}",
                                   timeout=timeout_ms)
        return []
    except Exception:  # report what is still wrong
        return lab.page.evaluate(RANGES_PROBLEMS_JS) or ["BokehJS holds no plot"]


# Every request the page sends the kernel (a control's new value, a click), until the kernel has answered it:
# the kernel publishes "idle" with the request as its parent after every output of it (the plots' patch, the
# readout), and JupyterLab handles its messages in order, awaiting each comm message's handlers, so when that
# "idle" has been handled the page holds all the kernel sent for the request. BokehJS's own changes sent
# back to the kernel (ranges it computed, plot sizes: jupyter_bokeh's "jsevent"s) change nothing in the page and
# are not waited for. Installed once on the notebook's kernel connection.
TRACK_REQUESTS_JS = """() => {
  const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  if (window.__ceRequests && window.__ceRequests.kernel === k) return;
  const t = window.__ceRequests = {kernel: k, sent: 0, pending: new Set()};
  k.anyMessage.connect((_, {msg, direction}) => {
    if (direction !== 'send' || msg.channel !== 'shell') return;
    const d = msg.content && msg.content.data;
    if (d && d.content && d.content.event === 'jsevent') return;
    t.sent++;
    t.pending.add(msg.header.msg_id);
  });
  k.iopubMessage.connect((_, msg) => {
    if (msg.header.msg_type === 'status' && msg.content.execution_state === 'idle') t.pending.delete(msg.parent_header.msg_id);
  });
}"""

# The state of explorer ``k``'s controls in the page (slider positions, menu choices, pressed toggle buttons,
# checkboxes), to tell a move that changed a control from one that did not (End on a slider at its maximum).
CONTROLS_JS = """(k) => {
  const area = document.querySelectorAll('.ce-readout')[k].closest('.jp-OutputArea-output');
  return {
    sliders: [...area.querySelectorAll('.noUi-handle')].map(h => h.getAttribute('aria-valuenow')),
    menus: [...area.querySelectorAll('.widget-dropdown select')].map(s => s.selectedIndex),
    toggles: [...area.querySelectorAll('.widget-toggle-button')].map(b => b.classList.contains('mod-active')),
    boxes: [...area.querySelectorAll('.widget-checkbox input[type=checkbox]')].map(b => b.checked),
  };
}"""

# Which of explorer ``k``'s slider handles has the keyboard's focus (-1: none).
FOCUSED_HANDLE_JS = """(k) => {
  const area = document.querySelectorAll('.ce-readout')[k].closest('.jp-OutputArea-output');
  return [...area.querySelectorAll('.noUi-handle')].indexOf(document.activeElement);
}"""

# Explorer ``k`` scrolled into view, and its controls before its first move: their labels (each slider's, each
# menu's options, each toggle button's) and state, the handle that has the focus, how many requests the page sent.
EXPLORER_JS = f"""(k) => {{
  const area = document.querySelectorAll('.ce-readout')[k].closest('.jp-OutputArea-output');
  area.scrollIntoView({{block: 'nearest', inline: 'nearest'}});
  const labels = {{
    sliders: [...area.querySelectorAll('.noUi-handle')].map(h => {{  // the slider widget's label
      let s = h.parentElement;
      while (s && !(s.tagName === 'DIV' && (s.getAttribute('class') || '').includes('widget-slider'))) s = s.parentElement;
      const l = s && s.querySelector('label');
      return l ? (l.textContent || '').trim() : ''; }}),
    menus: [...area.querySelectorAll('.widget-dropdown select')].map(s => [...s.options].map(o => o.textContent)),
    toggles: [...area.querySelectorAll('.widget-toggle-button')].map(b => (b.textContent || '').trim()),
  }};
  return {{labels, controls: ({CONTROLS_JS})(k), focus: ({FOCUSED_HANDLE_JS})(k), sent: window.__ceRequests.sent}};
}}"""

SCROLL_JS = "e => e.scrollIntoView({block: 'nearest', inline: 'nearest'})"
SCROLL_AND_FOCUS_JS = "e => { e.scrollIntoView({block: 'nearest', inline: 'nearest'}); e.focus(); }"

# After a move of explorer ``k``'s controls: wait until the kernel has answered every request the page sent
# (and at least one was sent if the move changed a control), then until every glyph is inside its ranges
# (BokehJS recomputes its data ranges when it next draws), as _wait_ranges does. One round trip a move.
SETTLE_JS = f"""async ({{k, before, sentBefore, idleMs, rangesMs}}) => {{
  const controls = ({CONTROLS_JS});
  const ranges = ({RANGES_PROBLEMS_JS});
  const t = window.__ceRequests;
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  const changed = JSON.stringify(controls(k)) !== JSON.stringify(before);
  let problems = [], start = performance.now();
  while (t.pending.size > 0 || (changed && t.sent === sentBefore)) {{
    if (performance.now() - start > idleMs) {{
      problems = [t.sent === sentBefore ? 'the move changed a control but sent the kernel nothing'
                                        : `the kernel did not answer ${{t.pending.size}} request(s) in ${{idleMs}} ms`];
      break;
    }}
    await frame();
  }}
  if (!problems.length) {{
    start = performance.now();
    while (true) {{
      const p = ranges();
      if (p !== null && p.length === 0) break;
      if (performance.now() - start > rangesMs) {{ problems = p || ['BokehJS holds no plot']; break; }}
      await frame();
    }}
  }}
  return {{problems, readout: document.querySelectorAll('.ce-readout')[k].textContent || '', controls: controls(k),
           focus: ({FOCUSED_HANDLE_JS})(k), sent: t.sent, changed}};
}}"""


# Every control's label, value and menu inside an explorer is whole: not past the explorer's edge,
# not clipped by a box with hidden overflow, not cut short with an ellipsis. (Issue 9: at 1366 px
# with the file browser open, the training-cost explorer's three columns of sliders were squeezed
# until their values read "7.0" for 7.00e+10 and "$" for $3.49.)
CUT_OFF_CONTROLS_JS = """() => {
  const out = [];
  for (const ex of document.querySelectorAll('.ce-explorer')) {
    const box = ex.getBoundingClientRect();
    for (const el of ex.querySelectorAll('.widget-readout, .widget-label, .widget-dropdown select')) {
      const r = el.getBoundingClientRect();
      if (!el.offsetParent || r.width === 0) continue;
      let cut = r.right > box.right + 1 || r.left < box.left - 1;
      for (let a = el.parentElement; a && a !== ex; a = a.parentElement) {
        if (getComputedStyle(a).overflowX === 'visible') continue;
        const ar = a.getBoundingClientRect();
        if (r.right > ar.right + 1 || r.left < ar.left - 1) cut = true;
      }
      if (el.tagName !== 'SELECT' && el.scrollWidth > el.clientWidth + 1) cut = true;
      if (cut) out.push((el.textContent || el.value || el.tagName).trim().slice(0, 40));
    }
  }
  return out;
}"""


# In the tap state (just after a key press or a click on the track) no slider handle is animated:
# each frame of noUiSlider's 300-ms transition re-rendered the lesson (widgets._base.EXPLORER_CSS).
ANIMATED_HANDLES_JS = """() => {
  const out = [];
  for (const base of document.querySelectorAll('.ce-explorer .noUi-target')) {
    base.classList.add('noUi-state-tap');
    const origin = base.querySelector('.noUi-origin');
    const d = origin ? getComputedStyle(origin).transitionDuration : '0s';
    base.classList.remove('noUi-state-tap');
    if (d.split(',').some(x => parseFloat(x) > 0)) out.push(d);
  }
  return out;
}"""


def test_every_explorer_keeps_its_data_inside_its_axes(lab, page_guard):
    page = lab.page
    page.set_viewport_size({"width": 1366, "height": 850})  # a laptop, JupyterLab's file browser open
    fixture = (Path(__file__).resolve().parents[2] / FIXTURE).read_text(encoding="utf-8")
    missing = [name for name in EXPLORERS if f"{name}(" not in fixture]
    assert not missing, f"{FIXTURE} does not show {missing}: add a cell for each"
    lab.open_notebook(FIXTURE)
    lab.run_all(timeout_ms=240_000)
    page.wait_for_function("() => !!window.Bokeh && Object.keys(window.Bokeh.index || {}).length >= 10",
                           timeout=60_000)
    assert page.locator(".jp-SideBar.jp-mod-left .lm-mod-current, #filebrowser:visible").count(), \
        "the file browser should be open, as a learner's JupyterLab opens"
    cut = page.evaluate(CUT_OFF_CONTROLS_JS)
    assert not cut, f"controls cut off at 1366 x 850: {cut}"
    animated = page.evaluate(ANIMATED_HANDLES_JS)
    assert not animated, f"slider handles still animate after a key press: {animated}"
    failures: list[str] = []
    start = _wait_ranges(lab, 30_000)
    if start:
        failures.append(f"at the defaults: {start}")
    readouts = page.locator(".ce-readout")
    n_explorers = readouts.count()
    assert n_explorers == len(EXPLORERS), f"expected the fixture's {len(EXPLORERS)} explorers, found {n_explorers}"
    assert page.evaluate("() => document.querySelectorAll('.ce-readout').length") == n_explorers  # as indexed below
    page.evaluate(TRACK_REQUESTS_JS)
    moves = 0
    for k in range(n_explorers):
        area = readouts.nth(k).locator(
            "xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' jp-OutputArea-output ')][1]")
        name = f"explorer {k + 1}"
        state = page.evaluate(EXPLORER_JS, k)  # scrolled into view; the controls' labels and state
        labels = state["labels"]

        def check(what, name: str = name, k: int = k) -> None:
            """Wait for the move to settle, then check every plot's glyphs and this explorer's readout.

            ``what`` names the move: a string, or a function of the controls' state after it.
            """
            nonlocal moves, state
            moves += 1
            state = page.evaluate(SETTLE_JS, {"k": k, "before": state["controls"], "sentBefore": state["sent"],
                                              "idleMs": 60_000, "rangesMs": 4_000})
            problems = state["problems"] + readout_faults(" ".join(state["readout"].split()))
            what = what(state["controls"]) if callable(what) else what
            print(f"{name}, {what}: {'ok' if not problems else problems}", flush=True)
            if problems:
                failures.append(f"{name}, {what}: {problems}")

        # Slider handles and menus stay the same elements while the explorer lives: found once. Controls are
        # scrolled into view in the page (Playwright's scroll_into_view_if_needed first waits two animation
        # frames for the element to stand still, and a frame of this page takes about 0.1 s to draw).
        handles = area.locator(".noUi-handle").element_handles()
        for i, (h, label) in enumerate(zip(handles, labels["sliders"], strict=True)):
            what = label or f"slider {i}"
            for key in ("End", "Home"):
                if state["focus"] != i:  # as locator.press: focus the handle, then press the key
                    h.evaluate(SCROLL_AND_FOCUS_JS)
                page.keyboard.press(key)
                check(lambda now, what=what, key=key, i=i:
                      f"{what} at {'max' if key == 'End' else 'min'} ({now['sliders'][i]})")
        selects = area.locator(".widget-dropdown select").element_handles()
        for i, (sel, options) in enumerate(zip(selects, labels["menus"], strict=True)):
            for idx in sorted({len(options) - 1, 0}):
                sel.evaluate(SCROLL_JS)
                sel.select_option(index=idx)
                check(f"menu {i} = {options[idx]!r}")
        toggles = area.locator(".widget-toggle-button")  # ToggleButtons may draw their buttons anew
        for i, text in enumerate(labels["toggles"]):
            toggles.nth(i).evaluate(SCROLL_JS)
            toggles.nth(i).click()
            check(f"toggle {text!r}")
        boxes = area.locator(".widget-checkbox input[type=checkbox]")
        for i in range(len(state["controls"]["boxes"])):
            for _ in range(2):
                boxes.nth(i).click()
                check(f"checkbox {i}")
    assert moves >= 60, f"only {moves} control moves were made"
    assert not failures, f"{len(failures)} of {moves} moves left data outside the axes:\n  " + "\n  ".join(failures)
    page_guard.assert_clean()
