"""What a saved lesson keeps: the learner's work, not 8 MB of BokehJS or explorers that cannot come back.

When JupyterLab saves a notebook that has run ``setup_notebook()``, the output of that cell holds
all of BokehJS twice (about 8 MB), and every explorer's output is a reference to a live widget
that no longer exists once the kernel stops: reopened the next day (or pulled again by
nbgitpuller) the lesson showed "Error displaying widget: model not found" in place of each
explorer. :func:`scrub_notebook` is a Jupyter server *pre-save hook*: before a notebook is
written it drops the BokehJS loader (``setup_notebook()`` loads it again on the next run) and
replaces each explorer view whose widget state is not saved with a short note saying how to
bring it back. Everything else (the learner's answers, printed results, tables) is kept.

The module is a Jupyter server extension that registers the hook next to any other
(``ContentsManager.register_pre_save_hook``). The kit enables it for every Jupyter server in its
environment (``etc/jupyter/jupyter_server_config.d/compute_econ.json``, from ``jupyter-config/``
in the repository: pip installs it from the wheel, ``make`` copies it into ``.venv``); a hub image
built from ``binder/`` gets it the same way.

References
----------
Jupyter Server, ``ContentsManager.register_pre_save_hook`` and server extensions
(``_load_jupyter_server_extension``), jupyter_server 2.
"""

from __future__ import annotations

from typing import Any

BOKEHJS_LOAD_MIME = "application/vnd.bokehjs_load.v0+json"
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"

RESUME_TEXT = ("This explorer (or predict-first box) was live when the notebook was saved. Run this cell (Shift+Enter), or "
               "Run → Run All Cells, to bring it back; run the set-up cell at the top first.")
RESUME_HTML = ('<div class="ce-resume" style="border-left:4px solid #8a9ab0;background:#eef2f7;padding:6px 10px">'
               "<b>Not running: an explorer or predict-first box.</b> " + RESUME_TEXT.split(". ", 1)[1] + "</div>")


def _is_bokehjs_loader(output: dict[str, Any]) -> bool:
    data = output.get("data") or {}
    if BOKEHJS_LOAD_MIME in data:
        return True
    if (output.get("metadata") or {}).get("compute_econ") == "page-setup":  # widgets._base.PAGE_SETUP_METADATA
        return True
    js = data.get("application/javascript")
    text = "".join(js) if isinstance(js, list) else (js or "")
    return "Bokeh" in text[:20_000] and len(text) > 100_000


def scrub_outputs(nb: dict[str, Any]) -> dict[str, int]:
    """Drop BokehJS loaders and replace dead explorer views in the notebook dict ``nb`` (in place).

    Returns
    -------
    dict
        How many outputs were dropped (``"bokehjs"``: BokehJS and the kit's page set-up) and
        replaced (``"explorers"``).
    """
    state = ((nb.get("metadata") or {}).get("widgets") or {}).get(WIDGET_STATE_MIME) or {}
    saved_models = set(state.get("state") or {})
    counts = {"bokehjs": 0, "explorers": 0}
    for cell in nb.get("cells") or []:
        outputs = cell.get("outputs")
        if not outputs:
            continue
        kept = []
        for out in outputs:
            data = out.get("data") or {}
            if _is_bokehjs_loader(out):
                counts["bokehjs"] += 1
                continue
            view = data.get(WIDGET_VIEW_MIME)
            if isinstance(view, dict) and view.get("model_id") not in saved_models:
                counts["explorers"] += 1
                kept.append({"output_type": "display_data", "metadata": {},
                             "data": {"text/html": RESUME_HTML, "text/plain": RESUME_TEXT}})
                continue
            kept.append(out)
        cell["outputs"] = kept
    return counts


def scrub_notebook(model: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """Jupyter server pre-save hook: scrub a notebook model before it is written (see the module docstring)."""
    if model and model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        scrub_outputs(model["content"])


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "widgets.saving"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Register :func:`scrub_notebook` with the server's contents manager (called by Jupyter Server)."""
    serverapp.contents_manager.register_pre_save_hook(scrub_notebook)
    serverapp.log.info("compute-econ: saved notebooks drop BokehJS and explorer views that cannot come back")
