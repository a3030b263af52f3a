"""Accessibility checks in the browser, shared by the lesson and book tests (issue 16: WCAG 2.1 AA).

* :func:`axe_audit` runs axe-core (the copy inside the PyPI package ``axe-playwright-python``: nothing is
  fetched) on a page, or on the kit's own parts of it, with the WCAG 2.0/2.1 A and AA rules and axe's best
  practices; :func:`blocking` keeps the violations of impact serious or critical, which the tests allow none of.
* :func:`keyboard_walk` reaches every control of one explorer with Tab alone, in the order they appear,
  moves each with the keyboard, checks that focus is visible on each and that Tab leaves the explorer after
  its last control, within 20 more presses (nothing traps focus).
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page

#: axe-core's tags for WCAG 2.0 and 2.1, levels A and AA (what the ADA Title II rule of 2024 requires), and its
#: best practices (headings, landmarks, regions), which the kit holds itself to as well.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = ("serious", "critical")
#: The kit's own parts of a JupyterLab page: cell outputs (explorers, tables, exercises) and the lessons' text.
#: JupyterLab's interface around them is JupyterLab's.
LAB_OUTPUTS = {"include": [[".jp-OutputArea-output"], [".jp-MarkdownOutput"]]}

_AXE = Axe()


def axe_audit(page: Page, context: Any = None, preload: bool = True) -> list[dict]:
    """axe-core's violations on ``page`` (within ``context``, axe's include/exclude selectors): for each rule, its
    id, impact, help text and the failing nodes' targets and summaries.

    ``preload=False`` for a ``file:`` page: axe would fetch the page's stylesheets with XMLHttpRequest, which
    Chromium refuses there (a console error); only the rule css-orientation-lock reads them.
    """
    options: dict[str, Any] = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    if not preload:
        options["preload"] = False
    result = _AXE.run(page, context=context, options=options).response
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [{"target": n["target"], "summary": n.get("failureSummary", "")} for n in v["nodes"]]}
            for v in result["violations"]]


def counts(violations: list[dict]) -> dict[str, int]:
    """Failing nodes by impact: ``{"serious": 14}``."""
    c: collections.Counter = collections.Counter()
    for v in violations:
        c[v["impact"]] += len(v["nodes"])
    return dict(c)


def blocking(violations: list[dict]) -> list[dict]:
    """The violations a test fails on: impact serious or critical."""
    return [v for v in violations if v["impact"] in BLOCKING]


def describe(violations: list[dict]) -> str:
    """The violations, one line a rule with its first failing node, for an assertion message."""
    return "\n".join(f"{v['impact']} {v['id']} ({len(v['nodes'])}x): {v['help']}; first at {v['nodes'][0]['target']}: "
                     f"{v['nodes'][0]['summary'][:300]}" for v in violations)


# What a control is, as the keyboard meets it: a slider handle, a menu, a button, a checkbox (ipywidgets 8's DOM).
_CONTROLS_JS = """ex => [...ex.querySelectorAll('[role="slider"], [contenteditable="true"], select, button, input[type="checkbox"]')]
    .filter(e => e.offsetParent !== null && !e.disabled)"""

# A slider's state is its aria-valuenow (noUiSlider rounds it to a tenth: $3.00 -> $3.01 hides in it) and the
# value text the page writes (widgets/a11y.js).
_STATE_JS = """e => e.matches('[role="slider"]') ? e.getAttribute('aria-valuenow') + ' ' + e.getAttribute('aria-valuetext')
    : e.matches('select') ? e.value
    : e.matches('input') ? String(e.checked)
    : String(e.classList.contains('mod-active')) + e.getAttribute('aria-pressed')"""


def keyboard_walk(page: Page, explorer: Locator, settle: Callable[[], None] = lambda: None,
                  probe: Callable[[], Any] = lambda: None) -> list[dict]:
    """Walk one explorer's controls with the keyboard alone and return what each step saw.

    Focus starts on the explorer's first control (as a learner reaches it from the cell above); then Tab, and
    nothing else, must reach every other control in document order (the order they appear), stopping on nothing
    but the plots' toolbar buttons between them. Each control is
    moved with its own keys (a slider's box for typing its value is reached but not typed in; a slider the
    explorer disabled must say so, aria-disabled, and is not moved): a slider with ArrowRight (ArrowLeft at its maximum), a menu with ArrowDown (ArrowUp
    on its last option), a button or checkbox with Space (a pressed button, whose press changes nothing, is
    skipped: its neighbour was pressed instead). Its state must change, the focused element must show a focus
    outline, and after the last control Tab must leave the explorer within 20 presses. ``settle()`` waits after each move (for the
    kernel to go idle, so a control the move switched off is off before Tab reaches it); ``probe()`` is recorded
    after each move (the deck's slide, say).
    """
    controls = explorer.evaluate_handle(_CONTROLS_JS)
    n = page.evaluate("cs => cs.length", controls)
    assert n >= 1, "the explorer has no control the keyboard can reach"
    page.evaluate("cs => cs[0].focus()", controls)
    steps = []
    inside = explorer.element_handle()
    for i in range(n):
        # Between two controls Tab may stop on a plot's toolbar buttons (inside the explorer, not controls).
        for _ in range(30):
            if page.evaluate("([cs, ex]) => cs.includes(document.activeElement) || !ex.contains(document.activeElement)",
                             [controls, inside]):
                break
            page.keyboard.press("Tab")
        focused_index = page.evaluate("cs => cs.indexOf(document.activeElement)", controls)
        assert focused_index == i, (f"Tab reached control {focused_index} (-1: outside the explorer's controls) "
                                    f"where control {i} of {n} was expected: the tab order skips or reorders a control")
        active = page.evaluate_handle("() => document.activeElement")
        kind = page.evaluate("""e => e.matches('[role="slider"]') ? (e.getAttribute('aria-disabled') === 'true' ? 'disabled'
            : 'slider') : e.isContentEditable ? 'readout' : e.tagName.toLowerCase()""", active)
        outline = page.evaluate("e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth, "
                                "s.boxShadow]; }", active)
        visible_focus = (outline[0] != "none" and outline[1] not in ("0px", "")) or outline[2] not in ("none", "")
        before = page.evaluate(_STATE_JS, active)
        name = page.evaluate("e => e.getAttribute('aria-label') || e.title || e.textContent.trim() || "
                             "(e.labels && e.labels[0] && e.labels[0].textContent) || ''", active)
        if kind == "slider":
            page.keyboard.press("ArrowRight")
            if page.evaluate(_STATE_JS, active) == before:
                page.keyboard.press("ArrowLeft")
        elif kind == "select":
            page.keyboard.press("ArrowDown")
            if page.evaluate(_STATE_JS, active) == before:
                page.keyboard.press("ArrowUp")
        elif kind in ("readout", "disabled"):
            pass  # a slider's typed-value box (its slider was just moved), or a slider the explorer switched off
        elif kind == "button" and page.evaluate("e => e.classList.contains('mod-active')", active):
            pass  # already pressed: pressing it again keeps it pressed (ToggleButtons)
        else:
            page.keyboard.press("Space")
        settle()
        page.wait_for_timeout(100)
        after = page.evaluate(_STATE_JS, active)
        if kind == "button" and after != before and not page.evaluate(
                "e => !!e.closest('.widget-toggle-buttons')", active):
            page.keyboard.press("Space")  # a lone toggle (the data tables) back off: the walk leaves the picture as it was
            settle()
        steps.append({"index": i, "kind": kind, "name": name, "before": before, "after": after,
                      "focus_visible": visible_focus, "probe": probe()})
        page.keyboard.press("Tab")
    # Past the last control Tab may still stop in the explorer (a plot's toolbar buttons), but it must leave.
    outside = "ex => !ex.contains(document.activeElement)"
    extra = 0
    while extra < 20 and not page.evaluate(outside, explorer.element_handle()):
        page.keyboard.press("Tab")
        extra += 1
    left = page.evaluate(outside, explorer.element_handle())
    steps.append({"left_explorer": left, "stops_after_controls": extra})
    return steps
