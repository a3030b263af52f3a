"""A lesson run and saved in JupyterLab stays small, and reopened the next day it says what to do.

Found as a learner finds it: Run All, let JupyterLab save, come back after the kernel has gone.
The file must be under 200 KB (it was about 8 MB of inline BokehJS), and the reopened lesson
must show how to bring each explorer back, not "Error displaying widget: model not found".
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
LESSON = ROOT / "lessons" / "02_from_flop_to_dollars.ipynb"


def test_saved_lesson_is_small_and_reopens_with_instructions(lab, page_guard):
    work = ROOT / "test-artifacts" / "saved-lesson"
    work.mkdir(parents=True, exist_ok=True)
    copy = work / LESSON.name
    shutil.copy(LESSON, copy)
    rel = copy.relative_to(ROOT).as_posix()
    page = lab.page
    lab.open_notebook(rel)
    lab.run_all(timeout_ms=240_000)
    page.wait_for_function("() => !!window.Bokeh && Object.keys(window.Bokeh.index || {}).length >= 3",
                           timeout=60_000)
    before = copy.stat().st_mtime
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    deadline = time.monotonic() + 30
    while copy.stat().st_mtime == before and time.monotonic() < deadline:
        time.sleep(0.2)
    size = copy.stat().st_size
    saved = json.loads(copy.read_text(encoding="utf-8"))
    text = json.dumps(saved)
    assert size < 200_000, f"the saved lesson is {size:,} bytes"
    assert "bokehjs_load" not in text and "widget-view+json" not in text
    assert any(o.get("output_type") == "stream" for c in saved["cells"] for o in c.get("outputs", [])), \
        "the printed results of the run were kept"

    # The next day: no kernel, the page reloaded, the lesson opened again.
    lab.shutdown_kernels()
    lab.open_notebook(rel)
    page.wait_for_selector(".ce-resume", timeout=30_000)
    assert page.locator(".ce-resume").count() >= 3  # one note per explorer in lesson 02
    body = page.locator(".jp-Notebook").inner_text()
    assert "Error displaying widget" not in body and "model not found" not in body
    assert "Run this cell" in body
    page_guard.assert_clean()
