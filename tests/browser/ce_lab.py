"""Driving one notebook in a real JupyterLab page (used by the browser tests).

Selectors and waits follow /work/shared/reference/jupyter-bokeh-binder-notes.md
(section 2.3): wait for the splash to go and the kernel to be idle, run all
through ``window.jupyterapp.commands``, wait for idle again, use the keyboard
on noUiSlider handles, read the plot's data from BokehJS's own documents.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import shutil
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from collections.abc import Iterator

from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
TEST_CONFIG = Path(__file__).resolve().parent / "jupyter_server_test_config.py"
# The system Chromium, never a downloaded browser.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# User settings written into a temp JUPYTERLAB_SETTINGS_DIR for the test server:
# the kit's own JupyterLab settings (binder/overrides.json, which `make lab` and
# Binder's postBuild install: news toast off, so nothing is fetched from jupyter.org;
# all notebook cells attached, which jupyterlab-slideshow needs), plus, for tests
# only, autosave off so a test run never writes outputs back into a notebook.
_KIT_OVERRIDES = json.loads((ROOT / "binder" / "overrides.json").read_text())
USER_SETTINGS = {
    plugin.replace(":", "/") + ".jupyterlab-settings": values for plugin, values in _KIT_OVERRIDES.items()
}
USER_SETTINGS["@jupyterlab/docmanager-extension/plugin.jupyterlab-settings"] = {"autosave": False}


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


class LabFailed(RuntimeError):
    """The JupyterLab server did not start."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def lab_server(tmp: Path, user_settings: dict[str, dict], log_path: Path) -> Iterator[str]:
    """A JupyterLab for tests and browser benchmarks; yields its URL, stops it on exit.

    ``sys.executable -m jupyter lab`` on 127.0.0.1 on a free port with the test-only
    config (no token, no password, no XSRF check, ``window.jupyterapp`` exposed),
    temp workspaces (no restored tabs), ``user_settings`` ({settings file path:
    values}) in a temp settings dir, and ``BOKEH_RESOURCES=inline``. Waits for
    ``/api/status``; the server's output goes to ``log_path``.
    """
    settings_dir = tmp / "user-settings"
    for rel, value in user_settings.items():
        f = settings_dir / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(value))
    workspaces = tmp / "workspaces"
    workspaces.mkdir(exist_ok=True)
    # Kernels use Unix sockets (test config, as `make lab`), whose paths must stay short: not under tmp.
    runtime = Path(tempfile.mkdtemp(prefix="ce-rt-"))
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser",
        f"--config={TEST_CONFIG}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--ServerApp.root_dir={ROOT}",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        "--ServerApp.disable_check_xsrf=True",
        "--ServerApp.allow_root=True",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.workspaces_dir={workspaces}",
        f"--LabApp.user_settings_dir={settings_dir}",
    ]
    env = dict(
        os.environ,
        BOKEH_RESOURCES="inline",  # kernels inherit it: BokehJS from the package, no CDN
        JUPYTERLAB_SETTINGS_DIR=str(settings_dir),
        JUPYTERLAB_WORKSPACES_DIR=str(workspaces),
        JUPYTER_RUNTIME_DIR=str(runtime),
        PYTHONUNBUFFERED="1",
    )
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 90
            while True:
                if proc.poll() is not None:
                    raise LabFailed(f"jupyter lab exited with {proc.returncode}; see {log_path}")
                try:
                    with urllib.request.urlopen(f"{url}/api/status", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise LabFailed(f"jupyter lab did not answer {url}/api/status in 90 s; see {log_path}")
                time.sleep(0.25)
            yield url
        finally:
            # SIGTERM: the server shuts its kernels down before exiting.
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
            shutil.rmtree(runtime, ignore_errors=True)


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

    def nudge_primary_slider(self, readout_timeout_ms: int = 30_000, index: int = 0) -> dict:
        """Move the ``index``-th ``.ce-primary-slider`` (default the first) by keyboard and check the round trip.

        Returns what was seen: readout and Bokeh fingerprint before and after.
        Fails (AssertionError / Playwright timeout) if either does not change.
        """
        p = self.page
        slider = p.locator(".ce-primary-slider").nth(index)
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
        # Where the handle is: noUiSlider's aria-valuenow (rounded, so a fine step can hide in it) and the
        # widget's own readout of its value.
        def position() -> tuple:
            return handle.get_attribute("aria-valuenow"), slider.locator(".widget-readout").first.text_content()

        value_before = position()
        key = "ArrowRight"
        for _ in range(3):
            handle.press(key)
        if position() == value_before:  # already at the maximum
            key = "ArrowLeft"
            for _ in range(3):
                handle.press(key)
        assert position() != value_before, (
            f"the handle of primary slider {index} ({(slider.text_content() or '').strip()!r}, at {value_before}) "
            "did not move")

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
