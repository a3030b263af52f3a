"""End to end in a real JupyterLab + system Chromium: run a notebook, move the
primary slider by keyboard, see the readout AND the browser-side Bokeh data change.

Explorer contract (widgets/_base.py): every explorer's readout is an ipywidgets
HTML with CSS class ``ce-readout``; its main slider has ``ce-primary-slider``.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from ce_a11y import LAB_OUTPUTS, axe_audit, blocking, counts, describe, keyboard_walk
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SMOKE = "tests/browser/fixtures/smoke.ipynb"
LESSONS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "lessons").glob("*.ipynb"))
LESSON_PARAMS = [pytest.param(p, id=Path(p).stem) for p in LESSONS] or [
    pytest.param(None, id="no-lessons", marks=pytest.mark.skip(reason="no lessons/*.ipynb yet"))
]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _run_and_nudge(lab, page_guard, rel_path: str) -> dict:
    t0 = time.perf_counter()
    lab.open_notebook(rel_path)
    t_open = time.perf_counter()
    lab.run_all()
    t_run = time.perf_counter()
    errors = lab.error_outputs()
    assert not errors, f"{rel_path}: cell error output(s):\n" + "\n---\n".join(errors)
    seen = lab.nudge_primary_slider()
    t_nudge = time.perf_counter()
    page_guard.assert_clean()
    seen["timings_s"] = {
        "open": round(t_open - t0, 1),
        "run_all": round(t_run - t_open, 1),
        "slider_round_trip": round(t_nudge - t_run, 1),
    }
    print(f"{rel_path}: {seen['timings_s']} readout {seen['readout_before']!r} -> {seen['readout_after']!r}")
    return seen


def test_smoke_fixture_in_browser(lab, page_guard):
    """The harness itself: the fixture notebook follows the contract and must pass."""
    seen = _run_and_nudge(lab, page_guard, SMOKE)
    assert seen["readout_before"] == "max y = 1.00"
    expect(seen["readout"]).to_have_text("max y = 2.50")  # 3 x ArrowRight, step 0.5
    assert seen["fingerprint_before"] != seen["fingerprint_after"]


@pytest.mark.parametrize("lesson", LESSON_PARAMS)
def test_lesson_in_browser(lab, page_guard, lesson):
    """Run the lesson, then move every explorer's main slider in turn, first to last: each one's readout and the
    browser-side Bokeh data change. Then, on the same page (running a lesson is the slow part), its accessibility:
    axe-core finds no serious or critical WCAG 2.1 AA violation in the lesson's text and outputs, and the first
    explorer's controls are all reached, in order, and moved with the keyboard alone (tests/browser/ce_a11y.py)."""
    _run_and_nudge(lab, page_guard, lesson)
    page = lab.page
    sliders = page.locator(".ce-primary-slider").count()
    assert sliders >= 1
    for i in range(1, sliders):
        seen = lab.nudge_primary_slider(index=i)
        assert seen["readout_after"] != seen["readout_before"], f"explorer {i + 1} of {sliders}: readout unchanged"
        assert seen["fingerprint_after"] != seen["fingerprint_before"], f"explorer {i + 1}: Bokeh data unchanged"
    page_guard.assert_clean()

    # Every slider the kernel drew has a name and reads its value as its label writes it (widgets/a11y.js).
    handles = page.evaluate("""() => [...document.querySelectorAll('.jp-OutputArea-output [role="slider"]')]
        .map(h => [h.getAttribute('aria-label'), h.getAttribute('aria-valuetext'), h.getAttribute('aria-valuenow')])""")
    assert handles, "no slider handle in the lesson's outputs"
    for label, valuetext, valuenow in handles:
        assert label and len(label.split()) >= 2, f"a slider handle's accessible name is {label!r}"
        assert valuetext and valuetext != valuenow and any(ch.isalpha() for ch in valuetext), (
            f"slider {label!r} reads its value as {valuetext!r} (the raw position is {valuenow!r})")
    menus = page.evaluate("() => [...document.querySelectorAll('.ce-explorer select')].map(s => s.getAttribute('aria-label'))")
    assert all(m and len(m.split()) >= 3 for m in menus), f"explorer menus' accessible names: {menus}"
    if "01_scaling_laws" in lesson:  # the issue's own example: the value read as the label writes it, with its unit
        budget = page.locator(".ce-primary-slider [role=slider]").first.get_attribute("aria-valuetext")
        assert re.fullmatch(r"budget \d\.\d\d × 10[⁰¹²³⁴⁵⁶⁷⁸⁹]+ FLOP", budget or ""), budget
    readouts = page.evaluate("() => [...document.querySelectorAll('.ce-explorer .ce-readout')].map(e => e.getAttribute('role'))")
    assert readouts and all(r == "status" for r in readouts), f"explorer readouts' roles: {readouts}"

    # Formulas are MathJax 3 with its assistive MathML (JupyterLab's AssistiveMmlHandler), which a screen reader reads.
    math, assistive = page.evaluate("""() => [document.querySelectorAll('.jp-MarkdownOutput mjx-container').length,
        document.querySelectorAll('.jp-MarkdownOutput mjx-container mjx-assistive-mml math').length]""")
    assert math == assistive, f"{lesson}: {math} formulas, {assistive} with assistive MathML"
    assert math > 0 or "07_" in lesson, f"{lesson}: no formula rendered by MathJax"  # the capstone has none

    violations = axe_audit(page, LAB_OUTPUTS)
    (ARTIFACTS / "axe").mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe" / f"lab-{Path(lesson).stem}.json").write_text(json.dumps(violations, indent=1))
    print(f"{lesson}: axe-core violations by impact {counts(violations)}")
    assert not blocking(violations), f"{lesson}: axe-core violations:\n{describe(blocking(violations))}"

    explorer = page.locator(".ce-explorer").first
    explorer.scroll_into_view_if_needed()
    steps = keyboard_walk(page, explorer, settle=lab.wait_idle)
    print(f"{lesson}: keyboard walk " + "; ".join(f"{s['kind']} {s['name']!r} {s['before']}->{s['after']}"
                                                  for s in steps[:-1]))
    moved = [s for s in steps[:-1] if s["before"] != s["after"]]
    still = [s for s in steps[:-1] if s["before"] == s["after"] and s["kind"] not in ("button", "readout", "disabled")]
    assert not still, f"{lesson}: the keyboard did not move {still}"
    assert moved, f"{lesson}: the keyboard moved no control"
    assert all(s["focus_visible"] for s in steps[:-1]), (
        f"{lesson}: focus not visible on {[s['name'] for s in steps[:-1] if not s['focus_visible']]}")
    assert steps[-1]["left_explorer"], f"{lesson}: Tab after the explorer's last control stayed inside it"
    page_guard.assert_clean()
