"""Driving one notebook in a real JupyterLab page (used by the browser tests).

Selectors and waits follow /work/shared/reference/jupyter-bokeh-binder-notes.md
(section 2.3): wait for the splash to go and the kernel to be idle, run all
through ``window.jupyterapp.commands``, wait for idle again, use the keyboard
on noUiSlider handles, read the plot's data from BokehJS's own documents.
"""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect

KERNEL_IDLE_JS = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle';
}"""

CURRENT_PATH_JS = """(path) => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  return !!w && !!w.context && w.context.path === path;
}"""

# A fingerprint of every ColumnDataSource BokehJS holds in this page: per source,
# the column names, lengths, a plain sum and a position-weighted sum of the
# finite numbers. Sources are deduplicated by model id (one document per
# BokehModel view; Bokeh.index holds the root views).
BOKEH_FINGERPRINT_JS = """() => {
  if (!window.Bokeh || !window.Bokeh.index) return null;
  const seen = new Set();
  const parts = [];
  for (const view of Object.values(window.Bokeh.index)) {
    const doc = view && view.model && view.model.document;
    if (!doc) continue;
    for (const m of doc._all_models.values()) {
      if (m.type !== 'ColumnDataSource' || seen.has(m.id)) continue;
      seen.add(m.id);
      const data = m.data instanceof Map ? Object.fromEntries(m.data) : m.data;
      const cols = [];
      for (const name of Object.keys(data).sort()) {
        const col = data[name];
        let s = 0, w = 0, n = 0, i = 0;
        for (const v of (col || [])) {
          i++;
          if (typeof v === 'number' && Number.isFinite(v)) { s += v; w += v * i; n++; }
          else if (typeof v === 'string') { w += v.length * i; }
        }
        cols.push(`${name}:${i}:${n}:${s.toPrecision(12)}:${w.toPrecision(12)}`);
      }
      parts.push(cols.join(','));
    }
  }
  parts.sort();
  return parts.length ? parts.join(' | ') : null;
}"""

# Cell outputs that show an error: JupyterLab renders both stderr streams and
# error outputs with the stderr MIME type; a traceback can also show up in plain
# rendered text (e.g. printed by a widget's Output).
ERROR_OUTPUT_JS = """() => {
  const out = new Set();
  for (const el of document.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], .jp-RenderedText')) {
    const t = el.innerText || '';
    if (t.includes('Traceback') || /\\b\\w*Error:/.test(t) && el.matches('[data-mime-type="application/vnd.jupyter.stderr"]'))
      out.add(t.slice(0, 3000));
  }
  return [...out];
}"""


class LabDriver:
    def __init__(self, base_url: str, page: Page):
        self.base_url = base_url
        self.page = page

    # -- opening and running ------------------------------------------------
    def open_notebook(self, rel_path: str, timeout_ms: int = 60_000) -> None:
        """Open ``rel_path`` (relative to the server root) and wait for an idle kernel."""
        p = self.page
        # ?reset: start from an empty workspace, not the tabs an earlier test left open
        p.goto(f"{self.base_url}/lab/tree/{rel_path}?reset", wait_until="domcontentloaded")
        p.wait_for_selector("#jupyterlab-splash", state="detached", timeout=timeout_ms)
        p.wait_for_function(CURRENT_PATH_JS, arg=rel_path, timeout=timeout_ms)
        self.wait_idle(timeout_ms)
        # A deck (live slides) left open by an earlier test comes back with the lab's saved state:
        # stop it, so every test starts in the notebook view.
        p.evaluate("""async () => {
          const c = window.jupyterapp.commands;
          if (document.querySelector('.jp-Deck') && c.hasCommand('deck:stop')) await c.execute('deck:stop');
        }""")

    def shutdown_kernels(self) -> None:
        """Stop every kernel session on the server (the next test starts clean)."""
        api = self.page.context.request
        for s in api.get(f"{self.base_url}/api/sessions").json():
            api.delete(f"{self.base_url}/api/sessions/{s['id']}")

    def wait_idle(self, timeout_ms: int = 60_000) -> None:
        self.page.wait_for_function(KERNEL_IDLE_JS, timeout=timeout_ms)

    def run_all(self, timeout_ms: int = 120_000) -> None:
        self.wait_idle()
        # The promise resolves when every cell has been *executed* (JupyterLab
        # awaits the execute replies); the idle wait covers late comm messages.
        self.page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        self.wait_idle(timeout_ms)
        # Run-all cleared and refilled outputs: wait until no cell is still queued ([*]).
        self.page.wait_for_function(
            """() => ![...document.querySelectorAll('.jp-InputArea-prompt')]
                       .some(e => (e.textContent || '').includes('*'))""",
            timeout=timeout_ms,
        )
        self.wait_idle(timeout_ms)

    def error_outputs(self) -> list[str]:
        return self.page.evaluate(ERROR_OUTPUT_JS)

    # -- the explorer contract ---------------------------------------------
    def bokeh_fingerprint(self) -> str | None:
        return self.page.evaluate(BOKEH_FINGERPRINT_JS)

    def _settled_text(self, locator, quiet_s: float = 0.4, timeout_s: float = 20.0) -> str:
        """The locator's text once it has not changed for ``quiet_s`` with the kernel idle."""
        deadline = time.monotonic() + timeout_s
        def text() -> str:  # textContent, like expect(...).to_have_text; innerText is "" off-screen
            return " ".join((locator.text_content() or "").split())

        last, since = text(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.1)
            now = text()
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet_s and self.page.evaluate(KERNEL_IDLE_JS):
                return now
        return last

    def nudge_primary_slider(self, readout_timeout_ms: int = 30_000) -> dict:
        """Move the first ``.ce-primary-slider`` by keyboard and check the round trip.

        Returns what was seen: readout and Bokeh fingerprint before and after.
        Fails (AssertionError / Playwright timeout) if either does not change.
        """
        p = self.page
        slider = p.locator(".ce-primary-slider").first
        expect(slider, "no .ce-primary-slider on the page (explorer contract)").to_be_visible(timeout=30_000)
        slider.scroll_into_view_if_needed()
        # The readout of the same explorer: the .ce-readout inside the same output
        # area as the slider, else the first one on the page.
        scoped = slider.locator(
            "xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' jp-OutputArea-output ')][1]"
        ).locator(".ce-readout")
        readout = scoped.first if scoped.count() else p.locator(".ce-readout").first
        expect(readout, "no .ce-readout on the page (explorer contract)").to_be_visible(timeout=30_000)
        p.wait_for_function(
            "() => !!window.Bokeh && !!window.Bokeh.index && Object.keys(window.Bokeh.index).length > 0",
            timeout=30_000,
        )
        # Wait until the readout shows its first value (update() ran at construction).
        expect(readout).to_have_text(re.compile(r"\S"), timeout=readout_timeout_ms)
        self.wait_idle()
        before_text = self._settled_text(readout)
        before_fp = self.bokeh_fingerprint()
        assert before_fp, "BokehJS holds no ColumnDataSource: the plot did not render"

        handle = slider.locator(".noUi-handle").first
        handle.scroll_into_view_if_needed()
        handle.focus()
        value_before = handle.get_attribute("aria-valuenow")
        key = "ArrowRight"
        for _ in range(3):
            handle.press(key)
        if handle.get_attribute("aria-valuenow") == value_before:  # already at the maximum
            key = "ArrowLeft"
            for _ in range(3):
                handle.press(key)
        assert handle.get_attribute("aria-valuenow") != value_before, "the slider handle did not move"

        expect(readout).not_to_have_text(before_text, timeout=readout_timeout_ms)
        p.wait_for_function(
            f"(before) => ({BOKEH_FINGERPRINT_JS})() !== before", arg=before_fp, timeout=readout_timeout_ms
        )
        self.wait_idle()
        # Leave the explorer in view for the screenshot taken after the test.
        slider.evaluate(
            "e => (e.closest('.jp-OutputArea-output') || e).scrollIntoView({block: 'start'})"
        )
        return {
            "key": key,
            "readout": readout,
            "readout_before": before_text,
            "readout_after": self._settled_text(readout),
            "fingerprint_before": before_fp,
            "fingerprint_after": self.bokeh_fingerprint(),
        }
