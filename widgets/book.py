"""The book: lessons shown without a kernel (``make book``), and what the kit's displays do there.

The book is built by executing each lesson with the environment variable :data:`ENV` set to the
lesson's path (``lessons/02_from_flop_to_dollars.ipynb``). In that mode nothing displays an
ipywidget, which would need a kernel to move:

* :func:`widgets.setup_notebook` shows nothing (the book's pages load BokehJS once, from
  :func:`bokeh_js_files`, copied next to them);
* an explorer shows itself as a standalone Bokeh document whose main controls are Bokeh widgets and
  whose every position was computed at build time by the same code (:mod:`widgets.static`);
* a ``Predict`` box shows its question and where to commit a guess (the live lesson);
* an exercise's ``check`` shows where to check an answer; no answer is in the page.

Nothing here is used when the lessons run live.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

from ._base import SR_ONLY_CSS

#: Set to the lesson's path (relative to the repository) while the book executes it.
ENV = "COMPUTE_ECON_BOOK"

#: The live lesson on Binder (the README's links); ``{path}`` is the lesson's path in the repository.
BINDER_URL = "https://mybinder.org/v2/gh/compute-econ/compute-econ/main?urlpath=lab/tree/{path}"

#: The BokehJS bundles a book page loads, in order (from the installed ``bokeh`` package).
BOKEH_BUNDLES = ("bokeh", "bokeh-widgets")


def lesson() -> str | None:
    """The lesson the book is executing (its path in the repository), or ``None`` when running live."""
    value = os.environ.get(ENV, "").strip()
    return value or None


def in_book() -> bool:
    """True while the book executes a lesson (:data:`ENV` is set)."""
    return lesson() is not None


def live_lesson_html(what: str = "run the live lesson") -> str:
    """A sentence linking to the live lesson: on Binder, or on the learner's machine with the README's commands."""
    path = lesson() or "lessons"
    url = BINDER_URL.format(path=path)
    return (f'To {html.escape(what)}, open <a href="{html.escape(url)}">this lesson on Binder</a> '
            f"or, on your own machine, run <code>make lab</code> (the README's first command).")


def bokeh_js_files() -> list[Path]:
    """The BokehJS files (minified) every book page and deck loads in ``<head>``, in this order.

    They come from the installed ``bokeh`` package, the same BokehJS the live lessons use, so
    the book needs no CDN.
    """
    from bokeh.util.paths import bokehjs_path

    js = Path(bokehjs_path()) / "js"
    files = [js / f"{name}.min.js" for name in BOKEH_BUNDLES]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise FileNotFoundError(f"BokehJS bundles missing from the bokeh package: {', '.join(missing)}")
    return files


#: The kit's styles for what displays differently in the book (static explorers, Predict boxes, exercise boxes), and
#: the screen-reader-only text the static explorers carry over from the live ones (widgets._base.SR_ONLY_CSS).
BOOK_CSS = """
.ce-static-explorer { margin: 0.5em 0 1em; }
.ce-static-note { font-size: 0.9em; color: #444; margin: 0.3em 0; }
.ce-static-predict { background: #eef2f7; border-left: 4px solid #8a9ab0; padding: 6px 10px; margin: 4px 0; }
""" + SR_ONLY_CSS + "\n"

__all__ = ["BINDER_URL", "BOKEH_BUNDLES", "BOOK_CSS", "ENV", "bokeh_js_files", "in_book", "lesson",
           "live_lesson_html"]
