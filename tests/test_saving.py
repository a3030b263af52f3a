"""A saved lesson keeps the learner's work and drops what cannot come back (widgets/saving.py)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import nbformat
import pytest

from widgets.saving import RESUME_TEXT, WIDGET_VIEW_MIME, scrub_notebook, scrub_outputs

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def executed_lesson():
    from nbclient import NotebookClient

    path = ROOT / "lessons" / "01_scaling_laws.ipynb"
    nb = nbformat.read(path, as_version=4)
    # as JupyterLab saves it by default: outputs, no widget state
    NotebookClient(nb, timeout=180, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nb.cells[-1]["outputs"] = []  # nothing else changes
    return json.loads(nbformat.writes(nb))


def test_a_run_lesson_shrinks_from_megabytes_to_kilobytes_and_keeps_the_learners_work(executed_lesson):
    nb = copy.deepcopy(executed_lesson)
    before = len(json.dumps(nb))
    counts = scrub_outputs(nb)
    after = len(json.dumps(nb))
    assert before > 5e6 and after < 200e3, (before, after)  # BokehJS is about 8 MB
    # BokehJS and the kit's comm guard (widgets._base); the lesson's two widget views, ScalingExplorer and Predict
    assert counts == {"bokehjs": 2, "explorers": 2}
    text = json.dumps(nb)
    assert "__ceCommGuard" in json.dumps(executed_lesson) and "__ceCommGuard" not in text
    i = text.find("bokehjs_load")
    assert i < 0, text[max(0, i - 300):i + 100]
    j = text.find(WIDGET_VIEW_MIME)
    assert j < 0, text[max(0, j - 400):j + 200]
    assert RESUME_TEXT in json.dumps(nb, ensure_ascii=False)
    # every printed result is still there, unchanged
    printed = lambda n: [o for c in n["cells"] for o in c.get("outputs", []) if o["output_type"] == "stream"]  # noqa: E731
    assert printed(nb) == printed(executed_lesson) and printed(nb)
    assert scrub_outputs(nb) == {"bokehjs": 0, "explorers": 0}  # idempotent


def test_explorer_views_with_saved_widget_state_are_kept():
    view = {"output_type": "display_data", "metadata": {}, "data": {WIDGET_VIEW_MIME: {"model_id": "abc"}}}
    nb = {"cells": [{"cell_type": "code", "outputs": [view]}], "metadata": {
        "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {"abc": {}}}}}}
    assert scrub_outputs(nb) == {"bokehjs": 0, "explorers": 0}
    assert nb["cells"][0]["outputs"] == [view]


def test_the_hook_scrubs_only_notebook_models():
    file_model = {"type": "file", "content": "x"}
    scrub_notebook(model=file_model, path="a.txt", contents_manager=None)
    assert file_model == {"type": "file", "content": "x"}
    scrub_notebook(model=None)


def test_every_server_in_the_environment_loads_the_hook():
    """The kit ships a server extension (enabled by a config file pip installs from the wheel and `make` copies
    into .venv) that registers the hook; a real server started in this environment runs it on save."""
    cfg = json.loads((ROOT / "jupyter-config" / "jupyter_server_config.d" / "compute_econ.json").read_text())
    assert cfg["ServerApp"]["jpserver_extensions"] == {"widgets.saving": True, "widgets.nodelay": True}
    assert '"etc/jupyter/jupyter_server_config.d"' in (ROOT / "pyproject.toml").read_text()

    class Manager:
        hooks: list = []

        def register_pre_save_hook(self, hook):
            self.hooks.append(hook)

    class App:
        contents_manager = Manager()
        log = __import__("logging").getLogger("test")

    from widgets import saving

    assert saving._jupyter_server_extension_points() == [{"module": "widgets.saving"}]
    saving._load_jupyter_server_extension(App())
    assert App.contents_manager.hooks == [scrub_notebook]
