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
from ce_a11y import keyboard_walk
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


# One step of the deck as the presenter's Space key takes it, then the step's measurements, in one call to the
# page: `deck:down` (the next fragment or subslide); if the active cell has not moved within a few frames, there is
# none, so `deck:forward` (the next slide). Then wait until the deck's height has been steady for four animation
# frames (explorers lay out a frame or two after they are shown; at most a second) and measure.
DECK_STEP_JS = """async (move) => {
  const nb = window.jupyterapp.shell.currentWidget.content;
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  const moved = async (before, frames) => {
    for (let i = 0; i < frames; i++) { await frame(); if (nb.activeCellIndex !== before) return true; }
    return false;
  };
  if (move) {
    const before = nb.activeCellIndex;
    await window.jupyterapp.commands.execute('deck:down');
    if (!(await moved(before, 8))) {
      await window.jupyterapp.commands.execute('deck:forward');
      await moved(before, 15);
    }
  }
  const outer = () => document.querySelector('.jp-Deck .jp-WindowedPanel-outer');
  let last = -1, same = 0;
  for (let i = 0; i < 60 && same < 4; i++) {
    await frame();
    const o = outer();
    const h = o ? o.scrollHeight + ':' + o.clientHeight : 'none';
    same = h === last ? same + 1 : 0;
    last = h;
  }
  const o = outer();
  if (!o) return null;
  const visible = nb.widgets.filter(w => w.node.offsetParent && w.node.getBoundingClientRect().height > 0);
  return {index: nb.activeCellIndex, overflow: o.scrollHeight - o.clientHeight,
          code_cells: visible.filter(w => w.model.type === 'code').length,
          source: nb.activeCell ? nb.activeCell.model.sharedModel.getSource().slice(0, 50) : ''};
}"""
SCREENS = ((1366, 768), (1280, 720))  # a laptop, and a projector


@pytest.mark.parametrize("rel_path", LESSONS, ids=lambda p: Path(p).stem)
def test_lesson_as_a_deck_fits_every_screen_and_its_explorer_is_live(lab, page_guard, rel_path):
    """Each lesson as a deck, presented from the title slide one step (fragment, subslide or slide) at a time, as a
    presenter does, at 1366 × 768 (a laptop) and 1280 × 720 (a projector):

    * the title slide shows no code (the set-up cell is a note);
    * no step needs scrolling;
    * at the laptop size, the first explorer met on the way is live: moving its slider changes its readout and the
      browser-side Bokeh data, and the deck is still presenting afterwards; the keyboard alone reaches and moves
      every one of its controls, Tab leaves it (no focus trap) and the deck stays on its slide."""
    _require_slideshow()
    page = page_guard.page
    lab.open_notebook(rel_path)
    lab.run_all()
    assert not lab.error_outputs()
    too_tall, nudged = [], None
    for width, height in SCREENS:
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("() => { window.jupyterapp.shell.currentWidget.content.activeCellIndex = 0; }")
        page.evaluate("() => window.jupyterapp.commands.execute('deck:start')")
        page.wait_for_selector(".jp-Deck", timeout=15_000)
        first = page.evaluate(DECK_STEP_JS, False)
        assert first and first["code_cells"] == 0, f"the title slide shows code: {first}"
        expect(page.locator(".jp-Deck .jp-MarkdownCell h1").first).to_be_visible()
        steps, last, seen = 0, None, first
        while steps < 200:
            if seen["overflow"] > 2:
                too_tall.append(f"{width}x{height}, cell {seen['index']} ({seen['source']!r}): {seen['overflow']} px")
            if nudged is None and page.locator(".ce-primary-slider").first.is_visible():
                nudged = lab.nudge_primary_slider()
                assert page.locator(".jp-Deck").count() > 0, "moving the slider left the deck"
                # The keyboard alone reaches and moves every control of the explorer on the slide, and neither
                # traps focus nor moves the deck (a menu's arrows, a checkbox's Space stay with the control).
                # (Tab out of the explorer may move the deck on: the next slide holds what the focus went to.)
                def slide() -> int:
                    return page.evaluate("() => window.jupyterapp.shell.currentWidget.content.activeCellIndex")

                at = slide()
                explorer = page.locator(".ce-primary-slider").first.locator("xpath=ancestor::*[contains("
                                                                              "@class, 'ce-explorer')][1]")
                walk = keyboard_walk(page, explorer, settle=lab.wait_idle, probe=slide)
                assert walk[-1]["left_explorer"], f"{rel_path}: focus stayed in the explorer in deck mode"
                assert page.locator(".jp-Deck").count() > 0, "the keyboard walk left the deck"
                moved_deck = [s["name"] for s in walk[:-1] if s["probe"] != at]
                assert not moved_deck, f"{rel_path}: keys on these controls moved the deck: {moved_deck}"
            if seen["index"] == last:
                break
            last = seen["index"]
            seen = page.evaluate(DECK_STEP_JS, True)
            steps += 1
        assert steps > 10, f"the deck stopped after {steps} steps"
        page.evaluate("() => window.jupyterapp.commands.execute('deck:stop')")
    assert nudged is not None, "no explorer came on screen in deck mode"
    assert nudged["readout_after"] != nudged["readout_before"]
    assert nudged["fingerprint_after"] != nudged["fingerprint_before"]
    assert not too_tall, f"{rel_path}: steps taller than the screen:\n  " + "\n  ".join(too_tall)
    page_guard.assert_clean()
