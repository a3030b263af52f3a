"""Live slides: present a notebook with jupyterlab-slideshow ("deck" mode) inside
JupyterLab and check the explorer on a slide is live (see tests/browser/SLIDES.md).

A presenter: open the lesson in JupyterLab, Run > Run All Cells, select the first
cell, then click the deck (cards) button in the notebook toolbar, or run the
command "Start Deck" (`deck:start`) from the command palette (Ctrl+Shift+C).
Arrow keys / Space move between slides, Escape stops.

jupyterlab-slideshow 0.3.4 shows a continuation cell only when it has NO
`slide_type` (or null); the nbconvert/RISE spelling "-" makes the cell invisible
in deck mode, so the fixture omits it.
"""

from __future__ import annotations

import os
from importlib import metadata
from pathlib import Path

import pytest
from playwright.sync_api import expect

PIN = "jupyterlab-slideshow==0.3.4"
SMOKE = "tests/browser/fixtures/smoke.ipynb"
ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "lessons").glob("*.ipynb"))

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _require_slideshow():
    try:
        metadata.version("jupyterlab-slideshow")
    except metadata.PackageNotFoundError:
        msg = f"jupyterlab-slideshow is not installed: live slides need `{PIN}` (pulls jupyterlab-fonts)"
        if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
            pytest.fail(msg + " [CI=true]")
        pytest.skip(msg)


def _present_until_explorer(page, max_steps: int = 40) -> None:
    """Start the deck at the title slide and step forward, as a presenter does,
    until the first explorer's slider is on screen."""
    page.evaluate("() => { window.jupyterapp.shell.currentWidget.content.activeCellIndex = 0; }")
    page.evaluate("() => window.jupyterapp.commands.execute('deck:start')")
    page.wait_for_selector(".jp-Deck", timeout=15_000)
    expect(page.locator(".jp-Deck .jp-MarkdownCell h1").first).to_be_visible()
    slider = page.locator(".ce-primary-slider").first
    for _ in range(max_steps):
        if slider.is_visible():
            break
        _next_in_deck(page)
    expect(slider, "the explorer never came on screen in deck mode").to_be_visible(timeout=5_000)


def _next_in_deck(page) -> None:
    """What the presenter's Space key does in jupyterlab-slideshow ("next fragment, subslide, or
    slide"): go down to the next fragment or subslide if there is one, else forward to the next
    slide. (ArrowRight alone jumps slide to slide and skips a slide's subslides.)"""
    active = "() => window.jupyterapp.shell.currentWidget.content.activeCellIndex"
    before = page.evaluate(active)
    page.evaluate("() => window.jupyterapp.commands.execute('deck:down')")
    page.wait_for_timeout(300)
    if page.evaluate(active) == before:
        page.evaluate("() => window.jupyterapp.commands.execute('deck:forward')")
        page.wait_for_timeout(300)


def test_deck_slides_are_live(lab, page_guard):
    _require_slideshow()
    page = page_guard.page
    lab.open_notebook(SMOKE)
    lab.run_all()
    assert not lab.error_outputs()
    has_deck = page.evaluate("() => window.jupyterapp.commands.hasCommand('deck:start')")
    assert has_deck, f"the deck:start command is missing: is the {PIN} labextension enabled?"

    _present_until_explorer(page)
    expect(page.locator(".jp-Deck .ce-readout").first).to_be_visible()

    seen = lab.nudge_primary_slider()
    expect(seen["readout"]).to_have_text("max y = 2.50")
    # Still presenting after the keyboard was used on the slider (arrows did not leave the deck).
    assert page.locator(".jp-Deck").count() > 0
    page_guard.assert_clean()


@pytest.mark.parametrize("rel_path", LESSONS, ids=lambda p: Path(p).stem)
def test_lesson_as_live_slides(lab, page_guard, rel_path):
    """Each lesson as a deck: title slide first, then step forward (as a presenter
    does, one slide or fragment at a time) until the first explorer is on screen,
    and move its slider: readout and browser-side Bokeh data change, still in the deck."""
    _require_slideshow()
    page = page_guard.page
    lab.open_notebook(rel_path)
    lab.run_all()
    assert not lab.error_outputs()
    _present_until_explorer(page)
    seen = lab.nudge_primary_slider()
    assert seen["readout_after"] != seen["readout_before"]
    assert seen["fingerprint_after"] != seen["fingerprint_before"]
    assert page.locator(".jp-Deck").count() > 0, "moving the slider left the deck"
    page_guard.assert_clean()
