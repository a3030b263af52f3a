"""End to end in a real JupyterLab + system Chromium: run a notebook, move the
primary slider by keyboard, see the readout AND the browser-side Bokeh data change.

Explorer contract (widgets/_base.py): every explorer's readout is an ipywidgets
HTML with CSS class ``ce-readout``; its main slider has ``ce-primary-slider``.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
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
    browser-side Bokeh data change."""
    _run_and_nudge(lab, page_guard, lesson)
    sliders = lab.page.locator(".ce-primary-slider").count()
    assert sliders >= 1
    for i in range(1, sliders):
        seen = lab.nudge_primary_slider(index=i)
        assert seen["readout_after"] != seen["readout_before"], f"explorer {i + 1} of {sliders}: readout unchanged"
        assert seen["fingerprint_after"] != seen["fingerprint_before"], f"explorer {i + 1}: Bokeh data unchanged"
    page_guard.assert_clean()
