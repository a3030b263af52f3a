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


DECK_FIT_JS = """() => {
  const outer = document.querySelector('.jp-Deck .jp-WindowedPanel-outer');
  if (!outer) return null;
  const nb = window.jupyterapp.shell.currentWidget.content;
  const visible = nb.widgets.filter(w => w.node.offsetParent && w.node.getBoundingClientRect().height > 0);
  return {index: nb.activeCellIndex, overflow: outer.scrollHeight - outer.clientHeight,
          code_cells: visible.filter(w => w.model.type === 'code').length,
          source: nb.activeCell ? nb.activeCell.model.sharedModel.getSource().slice(0, 50) : ''};
}"""
SCREENS = ((1366, 768), (1280, 720))  # a laptop, and a projector


@pytest.mark.parametrize("rel_path", LESSONS, ids=lambda p: Path(p).stem)
def test_every_slide_fits_a_laptop_and_a_projector(lab, page_guard, rel_path):
    """Present the whole lesson, one step (fragment, subslide or slide) at a time, at 1366 × 768 and at
    1280 × 720: no step may need scrolling, and the title slide shows no code (the set-up cell is a note)."""
    _require_slideshow()
    page = page_guard.page
    lab.open_notebook(rel_path)
    lab.run_all()
    too_tall = []
    for width, height in SCREENS:
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("() => { window.jupyterapp.shell.currentWidget.content.activeCellIndex = 0; }")
        page.evaluate("() => window.jupyterapp.commands.execute('deck:start')")
        page.wait_for_selector(".jp-Deck", timeout=15_000)
        page.wait_for_timeout(800)
        first = page.evaluate(DECK_FIT_JS)
        assert first and first["code_cells"] == 0, f"the title slide shows code: {first}"
        steps, last = 0, None
        while steps < 200:
            page.wait_for_timeout(300)
            seen = page.evaluate(DECK_FIT_JS)
            if seen["overflow"] > 2:
                too_tall.append(f"{width}x{height}, cell {seen['index']} ({seen['source']!r}): {seen['overflow']} px")
            if seen["index"] == last:
                break
            last = seen["index"]
            _next_in_deck(page)
            steps += 1
        assert steps > 10, f"the deck stopped after {steps} steps"
        page.evaluate("() => window.jupyterapp.commands.execute('deck:stop')")
    assert not too_tall, f"{rel_path}: steps taller than the screen:\n  " + "\n  ".join(too_tall)
    page_guard.assert_clean()
