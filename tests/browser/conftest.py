"""Browser-test fixtures: one real JupyterLab and one system Chromium per session.

* ``lab_url``   - starts ``sys.executable -m jupyter lab`` on 127.0.0.1 on a free
  port with the test-only config next to this file (no token, no password, no
  XSRF check, ``window.jupyterapp`` exposed), a temp workspaces dir (no restored
  tabs), a temp user-settings dir (news toast and autosave off, so nothing is
  ever written back into a lesson) and ``BOKEH_RESOURCES=inline``. It waits for
  ``/api/status``, logs to ``test-artifacts/jupyter-lab[gwN].log`` (one per xdist worker) and terminates
  the server on teardown.
* ``browser``   - ``/usr/bin/chromium`` driven by Python Playwright (no browser
  download, ever). Missing Chromium skips, or fails when ``CI=true``.
* ``page``      - a fresh context + page per test. It records console errors,
  uncaught page errors and every request or websocket whose host is not
  127.0.0.1/localhost; ``page_guard.assert_clean()`` fails the test on any of
  them (and teardown re-checks, so a test cannot forget). A full-page
  screenshot goes to ``test-artifacts/<test-name>.png`` after every test,
  passed or failed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from ce_lab import CHROMIUM, CHROMIUM_ARGS, USER_SETTINGS

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

# Console messages of type "error" that are known to be harmless: regexes
# searched in the message text. Empty on purpose: with the settings below
# (news and update checks off) JupyterLab 4.6 + ipywidgets 8.1 + jupyter_bokeh 4.1
# log no console error on the fixture and the lessons. Add an entry only with a
# comment saying what logs it and why it is harmless.
CONSOLE_ALLOW: list[str] = []

def _is_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _safe_name(nodeid_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.\-\[\]]+", "_", nodeid_name)[:180]


# --------------------------------------------------------------------------- server
@pytest.fixture(scope="session")
def lab_url(tmp_path_factory):
    from ce_lab import LabFailed, lab_server

    ARTIFACTS.mkdir(exist_ok=True)
    try:
        with lab_server(tmp_path_factory.mktemp("jupyterlab"), USER_SETTINGS,
                        ARTIFACTS / f"jupyter-lab{os.environ.get('PYTEST_XDIST_WORKER', '')}.log") as url:
            yield url
    except LabFailed as exc:
        pytest.fail(str(exc))


# --------------------------------------------------------------------------- browser
@pytest.fixture(scope="session")
def browser():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        msg = (f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium); "
               "the browser tests never download a Playwright browser")
        if _is_ci():
            pytest.fail(msg + " [CI=true: browser tests must run in CI]")
        pytest.skip(msg)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if _is_ci():
            pytest.fail("playwright is not installed (pip install -e '.[test]')")
        pytest.skip("playwright is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class PageGuard:
    """Collects JavaScript errors and off-host traffic for one page."""

    def __init__(self, page):
        self.page = page
        self.js_errors: list[str] = []
        self.allowed: list[str] = []
        self.offhost: list[str] = []
        self.checked = False
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.js_errors.append(f"pageerror: {exc}"))
        page.on("request", lambda req: self._on_url(req.url))
        page.on("websocket", lambda ws: self._on_url(ws.url))

    def _on_console(self, msg):
        if msg.type != "error":
            return
        text = msg.text
        loc = msg.location or {}
        where = f" ({loc.get('url', '')}:{loc.get('lineNumber', '')})" if loc.get("url") else ""
        if any(re.search(pat, text) for pat in CONSOLE_ALLOW):
            self.allowed.append(text + where)
        else:
            self.js_errors.append(f"console.error: {text}{where}")

    def _on_url(self, url: str):
        parsed = urlparse(url)
        if parsed.scheme in {"data", "blob", "about", "chrome", "chrome-extension"}:
            return
        if parsed.hostname not in LOCAL_HOSTS:
            self.offhost.append(url)

    def problems(self) -> list[str]:
        out = list(self.js_errors)
        out += [f"request off 127.0.0.1: {u}" for u in self.offhost]
        return out

    def assert_clean(self):
        self.checked = True
        probs = self.problems()
        assert not probs, "browser problems:\n  " + "\n  ".join(probs)


@pytest.fixture
def page_guard(browser, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    page = context.new_page()
    guard = PageGuard(page)
    request.node._ce_guard = guard
    try:
        yield guard
        rep = getattr(request.node, "rep_call", None)
        if rep is not None and rep.passed and not guard.checked:
            guard.assert_clean()
    finally:
        context.close()


@pytest.fixture
def page(page_guard):
    return page_guard.page


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.when != "call":
        return
    item.rep_call = rep
    guard = getattr(item, "_ce_guard", None)
    if guard is None:
        return
    # Screenshot after every browser test (pass or fail) so humans can look.
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"{_safe_name(item.name)}.png"
    try:
        guard.page.screenshot(path=str(shot), full_page=True, timeout=15_000)
        rep.sections.append(("browser", f"screenshot: {shot}"))
    except Exception as exc:  # a dead page must not hide the real failure
        rep.sections.append(("browser", f"screenshot failed: {exc}"))
    if guard.allowed:
        rep.sections.append(("browser", "allow-listed console errors:\n" + "\n".join(guard.allowed)))
    if rep.failed and guard.problems():
        rep.sections.append(("browser", "browser problems:\n" + "\n".join(guard.problems())))


# --------------------------------------------------------------------------- helpers
@pytest.fixture
def lab(lab_url, page_guard):
    """A small driver for one notebook in JupyterLab (see ce_lab.LabDriver)."""
    from ce_lab import LabDriver

    driver = LabDriver(lab_url, page_guard.page)
    yield driver
    try:
        driver.shutdown_kernels()
    except Exception:  # the page or server may be gone after a failure; not the test's result
        pass
