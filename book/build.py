"""Build the static book: execute each lesson in book mode, write its page and deck, the index and ``_static/``.

Steps, each a small function:

1. :func:`ensure_reveal` installs reveal.js from ``book/package-lock.json`` (``npm ci``) when it is missing;
2. :func:`execute_lesson` runs a lesson with nbclient, the kernel in book mode (:data:`widgets.book.ENV`),
   and :func:`check_outputs` refuses an error output or an ipywidget view (which would need a kernel);
3. :func:`render_page` and :func:`render_deck` turn the executed notebook into HTML with nbconvert and the
   templates in ``book/templates`` (math as MathML, :mod:`book.markdown`);
4. :func:`render_index` lists every lesson (:mod:`book.lessons`);
5. :func:`copy_static` puts BokehJS, reveal.js and the CSS in ``_static/``;
6. :func:`size_report` measures every page and deck against :data:`book.PAGE_BUDGET_BYTES` and the whole
   book against :data:`book.BOOK_BUDGET_BYTES`, prints the table and writes ``SIZES.txt``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import nbformat
from jupyter_client import KernelManager
from nbconvert.exporters import HTMLExporter, SlidesExporter

from widgets import book as book_mode
from widgets import static as static_explorers
from widgets._base import page_a11y_js

from . import BOOK_BUDGET_BYTES, PAGE_BUDGET_BYTES
from .lessons import LessonInfo, read_lesson
from .markdown import inline_markdown, markdown_to_html

ROOT = Path(__file__).resolve().parents[1]
LESSONS_DIR = ROOT / "lessons"
HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
NODE_MODULES = HERE / "node_modules"
REVEAL = NODE_MODULES / "reveal.js"

#: Seconds a lesson cell may run (the explorers' precompute takes a few seconds each).
CELL_TIMEOUT_S = 300
#: An ipywidget's view: needs a kernel, so it must not appear in the book.
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
#: Where the book's static files go, relative to the output folder.
STATIC = "_static"
#: reveal.js files copied into ``_static/reveal/`` (source under node_modules/reveal.js -> name in the book).
REVEAL_FILES = {"dist/reveal.js": "reveal.js", "dist/reveal.css": "reveal.css",
                "plugin/notes/notes.js": "notes.js"}
#: The deck's reveal.js configuration: a 1280x720 projector, slides scaled to the window.
REVEAL_CONFIG = {"width": 1280, "height": 720, "margin": 0.04, "minScale": 0.2, "maxScale": 2.0,
                 "center": False, "controls": True, "progress": True, "hash": True, "slideNumber": "c/t",
                 "transition": "none"}


class BookError(RuntimeError):
    """The book cannot be built; the message says which lesson and cell, or what to install."""


@dataclass
class BuildReport:
    """What a build wrote and how long each lesson took."""

    out: Path
    lessons: list[LessonInfo] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    sizes: list[tuple[str, int]] = field(default_factory=list)


# -- reveal.js from npm ----------------------------------------------------------------------------------------

def ensure_reveal() -> Path:
    """reveal.js under ``book/node_modules``, installed with ``npm ci --prefix book`` if missing."""
    if (REVEAL / "dist" / "reveal.js").is_file():
        return REVEAL
    npm = shutil.which("npm")
    if npm is None:
        raise BookError("the book's slides need reveal.js from npm, and npm is not installed: install Node.js and "
                        "npm (Debian/Ubuntu: sudo apt-get install nodejs npm), then run make book again")
    print("installing reveal.js (npm ci --prefix book) ...", flush=True)
    done = subprocess.run([npm, "ci", "--prefix", str(HERE), "--no-audit", "--no-fund"], capture_output=True,
                          text=True)
    if done.returncode != 0 or not (REVEAL / "dist" / "reveal.js").is_file():
        raise BookError(f"npm ci --prefix book failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    return REVEAL


# -- executing a lesson ----------------------------------------------------------------------------------------

def kernel_manager(sockets: Path) -> KernelManager:
    """A kernel that talks over Unix sockets in the folder ``sockets``, as ``make lab``'s do (ipykernel 7 warns
    about unencrypted TCP on every start); Windows, with no Unix sockets for ZeroMQ, keeps TCP.

    The sockets' path is absolute, in a fresh folder: a relative one is resolved by the kernel in the
    lesson's folder and by the client in this one, so they never meet (and stale sockets were left in
    ``lessons/``). ``benchmarks/run.py`` starts its kernels the same way.
    """
    if os.name == "nt":
        return KernelManager(kernel_name="python3", transport="tcp")
    return KernelManager(kernel_name="python3", transport="ipc", ip=str(sockets / "kernel-ipc"))


def execute_lesson(path: Path) -> nbformat.NotebookNode:
    """The lesson at ``path`` executed in book mode (kernel env :data:`widgets.book.ENV` = its repository path)."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    previous = os.environ.get(book_mode.ENV)
    os.environ[book_mode.ENV] = path.resolve().relative_to(ROOT).as_posix()
    try:
        with tempfile.TemporaryDirectory(prefix="ce-book-") as sockets:
            client = NotebookClient(nb, km=kernel_manager(Path(sockets)), timeout=CELL_TIMEOUT_S,
                                    kernel_name="python3", allow_errors=True,
                                    resources={"metadata": {"path": str(path.parent)}})
            client.execute(cleanup_kc=True)  # a kernel manager passed in is not shut down unless asked
    finally:
        if previous is None:
            os.environ.pop(book_mode.ENV, None)
        else:
            os.environ[book_mode.ENV] = previous
    check_outputs(nb, path.name)
    return nb


def _cell_label(index: int, cell: nbformat.NotebookNode) -> str:
    first = next((line for line in cell.source.splitlines() if line.strip()), "")
    return f"cell {index} ({first[:70]!r})"


def check_outputs(nb: nbformat.NotebookNode, name: str) -> None:
    """Refuse an executed lesson with an error output, or an output that needs a kernel (an ipywidget view)."""
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                trace = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(output.get("traceback", [])))
                raise BookError(f"{name}, {_cell_label(index, cell)} raised {output.get('ename')}: "
                                f"{output.get('evalue')}\n{trace[-2000:]}")
            if WIDGET_VIEW_MIME in output.get("data", {}):
                raise BookError(f"{name}, {_cell_label(index, cell)} displays an ipywidget, which needs a kernel: "
                                "in book mode (widgets.book) everything it shows must be static HTML")


# -- rendering -------------------------------------------------------------------------------------------------

class _MathML:
    """Markdown cells rendered by :func:`book.markdown.markdown_to_html` (MathML, literal dollars kept)."""

    @jinja2.pass_context
    def markdown2html(self, context, source):
        """The filter nbconvert's templates apply to markdown (the Jinja context gives the cell)."""
        cell = context.get("cell", {})
        path = context.get("resources", {}).get("metadata", {}).get("path", "")
        return markdown_to_html(source, attachments=cell.get("attachments", {}), path=path)


class BookPageExporter(_MathML, HTMLExporter):
    """nbconvert's lab HTML with the book's template (no CDN, no MathJax, no widget manager)."""


class BookDeckExporter(_MathML, SlidesExporter):
    """nbconvert's reveal slides with the book's template (reveal.js and BokehJS from ``_static``)."""


#: The page script that names the static explorers' controls for screen readers (:data:`widgets.static.CONTROLS_JS`).
CONTROLS_SCRIPT = "ce-explorers.js"
#: The live lessons' page script (widgets/a11y.js): the book uses its rule for reading a value aloud.
A11Y_SCRIPT = "ce-a11y.js"


def _scripts() -> list[str]:
    """The scripts every page and deck loads, relative to the output folder, in order: BokehJS, then the kit's."""
    return [f"{STATIC}/{f.name}" for f in book_mode.bokeh_js_files()] + [f"{STATIC}/{A11Y_SCRIPT}", f"{STATIC}/{CONTROLS_SCRIPT}"]


def binder_url(info: LessonInfo) -> str:
    """The live lesson on Binder."""
    return book_mode.BINDER_URL.format(path=f"lessons/{info.path.name}")


def _nav(info: LessonInfo, previous: LessonInfo | None, following: LessonInfo | None, label: str) -> str:
    """The page's navigation bar: index, previous/next lesson, its deck, the live lesson.

    ``label`` names the landmark: a page has the bar at its top and at its end, and a landmark role used more than
    once on a page needs a unique label on each (WAI-ARIA Authoring Practices Guide, "Landmark Regions", general
    principles of landmark design; axe-core rule landmark-unique).
    """
    parts = ['<a href="../index.html">&larr; All lessons</a>']
    if previous is not None:
        parts.append(f'<a rel="prev" href="{previous.stem}.html">Previous: {html.escape(previous.title)}</a>')
    if following is not None:
        parts.append(f'<a rel="next" href="{following.stem}.html">Next: {html.escape(following.title)}</a>')
    parts.append(f'<a href="../decks/{info.stem}.html">Open the slides</a>')
    parts.append(f'<span class="ce-live">Run this lesson live: <a href="{html.escape(binder_url(info))}">on Binder</a>'
                 ' or <code>make lab</code> on your machine</span>')
    return f'<nav class="ce-book-nav" aria-label="{html.escape(label)}">{"".join(parts)}</nav>'


def _built_note() -> str:
    """What a reader of a page should know: it was computed once, when the book was built, and where."""
    return ('<p class="ce-book-built">This page was run once, when the book was built on '
            f"{dt.date.today().isoformat()}: its outputs, and the positions its explorers move between, were "
            "computed then. Where the lesson measures <i>your machine</i>, it measured the machine that built the "
            "book; run the lesson live to measure yours.</p>")


def _resources(info: LessonInfo, **extra) -> dict:
    return {"metadata": {"name": info.stem, "path": str(info.path.parent)},
            "book": {"title": info.title, "stem": info.stem, "scripts": _scripts(), **extra}}


def render_page(nb: nbformat.NotebookNode, info: LessonInfo, previous: LessonInfo | None,
                following: LessonInfo | None) -> str:
    """The lesson's textbook page (``lessons/<stem>.html``)."""
    exporter = BookPageExporter(template_file="page.html.j2", extra_template_paths=[str(TEMPLATES)],
                                exclude_anchor_links=False)
    navs = {"nav": _nav(info, previous, following, "Lessons"),
            "nav_end": _nav(info, previous, following, "Lessons, end of page")}
    body, _ = exporter.from_notebook_node(nb, resources=_resources(info, **navs, note=_built_note()))
    return body


def render_deck(nb: nbformat.NotebookNode, info: LessonInfo) -> str:
    """The lesson's reveal.js deck (``decks/<stem>.html``) from its cells' ``slideshow`` metadata."""
    exporter = BookDeckExporter(template_file="deck.html.j2", extra_template_paths=[str(TEMPLATES)],
                                reveal_url_prefix="../_static/reveal", exclude_anchor_links=True)
    config = json.dumps({**REVEAL_CONFIG, "plugins": ["__NOTES__"]}).replace('"__NOTES__"', "RevealNotes")
    body, _ = exporter.from_notebook_node(nb, resources=_resources(info, reveal_config=config))
    return body


def render_index(lessons: Sequence[LessonInfo]) -> str:
    """``index.html``: the kit, how to use the book, and a card per lesson."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=False)
    cards = [{"stem": i.stem, "title": i.title, "minutes": i.minutes, "binder": html.escape(binder_url(i)),
              "question_html": inline_markdown(i.question),
              "objectives_html": [inline_markdown(o) for o in i.objectives]} for i in lessons]
    return env.get_template("index.html.j2").render(lessons=cards, built=dt.date.today().isoformat())


# -- static files ----------------------------------------------------------------------------------------------

def _lab_css() -> str:
    """JupyterLab's notebook CSS as nbconvert ships it for its lab template (light theme)."""
    from nbconvert.exporters.templateexporter import TemplateExporter

    for base in TemplateExporter().template_paths:
        static = Path(base) / "lab" / "static"
        if (static / "index.css").is_file():
            return (static / "index.css").read_text(encoding="utf-8") + "\n" + (
                static / "theme-light.css").read_text(encoding="utf-8")
    raise BookError("nbconvert's lab template CSS (lab/static/index.css) was not found")


def _theme_css(reveal: Path) -> str:
    """reveal's white theme without its web-font import (the book uses system fonts)."""
    css = (reveal / "dist" / "theme" / "white.css").read_text(encoding="utf-8")
    return re.sub(r"@import url\([^)]*\);\s*", "", css)


def copy_static(out: Path, reveal: Path) -> None:
    """BokehJS, reveal.js and the CSS into ``<out>/_static``."""
    static = out / STATIC
    (static / "reveal").mkdir(parents=True, exist_ok=True)
    for f in book_mode.bokeh_js_files():
        shutil.copyfile(f, static / f.name)
    for source, name in REVEAL_FILES.items():
        shutil.copyfile(reveal / source, static / "reveal" / name)
    shutil.copyfile(reveal / "LICENSE", static / "reveal" / "LICENSE")
    (static / "reveal" / "theme-white.css").write_text(_theme_css(reveal), encoding="utf-8")
    (static / "lab.css").write_text(_lab_css(), encoding="utf-8")
    book_css = book_mode.BOOK_CSS.strip() + "\n" + (TEMPLATES / "book.css").read_text(encoding="utf-8")
    (static / "book.css").write_text(book_css, encoding="utf-8")
    (static / CONTROLS_SCRIPT).write_text(static_explorers.CONTROLS_JS, encoding="utf-8")
    (static / A11Y_SCRIPT).write_text(page_a11y_js(), encoding="utf-8")


# -- sizes -----------------------------------------------------------------------------------------------------

def _mb(n: int) -> str:
    return f"{n / 1e6:8.2f}"


def size_report(out: Path) -> tuple[list[tuple[str, int]], str]:
    """Every page, deck and ``_static/`` with its size, the total last, and the table as text."""
    rows = [(p.relative_to(out).as_posix(), p.stat().st_size) for sub in ("lessons", "decks")
            for p in sorted((out / sub).glob("*.html"))]
    rows.append(("index.html", (out / "index.html").stat().st_size))
    rows.append((f"{STATIC}/", sum(p.stat().st_size for p in (out / STATIC).rglob("*") if p.is_file())))
    rows.append(("total", sum(p.stat().st_size for p in out.rglob("*") if p.is_file())))
    width = max(len(name) for name, _ in rows)
    lines = [f"{'file':<{width}}  {'MB':>8}", "-" * (width + 10)]
    lines += [f"{name:<{width}}  {_mb(n)}" for name, n in rows]
    lines.append(f"budgets: a page or deck {_mb(PAGE_BUDGET_BYTES).strip()} MB, the book "
                 f"{_mb(BOOK_BUDGET_BYTES).strip()} MB (MB = 10^6 bytes)")
    return rows, "\n".join(lines)


def check_budgets(rows: Sequence[tuple[str, int]]) -> None:
    """Refuse a page or deck above :data:`PAGE_BUDGET_BYTES`, or a book above :data:`BOOK_BUDGET_BYTES`."""
    over = [f"{name} ({_mb(n).strip()} MB)" for name, n in rows
            if name.endswith(".html") and name != "index.html" and n > PAGE_BUDGET_BYTES]
    if over:
        raise BookError(f"over the page budget of {_mb(PAGE_BUDGET_BYTES).strip()} MB: {', '.join(over)}")
    total = dict(rows)["total"]
    if total > BOOK_BUDGET_BYTES:
        raise BookError(f"the book is {_mb(total).strip()} MB, over its budget of {_mb(BOOK_BUDGET_BYTES).strip()} MB")


# -- the whole book --------------------------------------------------------------------------------------------

def lesson_paths(only: Sequence[str] | None = None) -> list[Path]:
    """Every ``lessons/*.ipynb`` in order, or those whose stem starts with one of ``only``."""
    paths = sorted(LESSONS_DIR.glob("*.ipynb"))
    if only:
        paths = [p for p in paths if any(p.stem.startswith(o) for o in only)]
        if not paths:
            raise BookError(f"no lesson matches {list(only)}")
    return paths


def build(out: Path, only: Sequence[str] | None = None) -> BuildReport:
    """Build the book into ``out`` (emptied first) and return what was written; raises :class:`BookError`."""
    reveal = ensure_reveal()
    out = out.resolve()
    if out.exists():
        shutil.rmtree(out)
    (out / "lessons").mkdir(parents=True)
    (out / "decks").mkdir()
    report = BuildReport(out=out, lessons=[read_lesson(p) for p in lesson_paths(only)])
    copy_static(out, reveal)
    for k, info in enumerate(report.lessons):
        start = time.perf_counter()
        nb = execute_lesson(info.path)
        previous = report.lessons[k - 1] if k > 0 else None
        following = report.lessons[k + 1] if k + 1 < len(report.lessons) else None
        (out / "lessons" / f"{info.stem}.html").write_text(render_page(nb, info, previous, following), encoding="utf-8")
        (out / "decks" / f"{info.stem}.html").write_text(render_deck(nb, info), encoding="utf-8")
        report.seconds[info.stem] = time.perf_counter() - start
        print(f"  {info.stem:<40} {report.seconds[info.stem]:6.1f} s", flush=True)
    (out / "index.html").write_text(render_index(report.lessons), encoding="utf-8")
    report.sizes, table = size_report(out)
    (out / "SIZES.txt").write_text(table + "\n", encoding="utf-8")
    print(table, flush=True)
    check_budgets(report.sizes)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m book --out _build/book [--only 01 02]``."""
    parser = argparse.ArgumentParser(prog="python -m book", description="Build the static book of the lessons.")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "book", help="output folder (emptied first)")
    parser.add_argument("--only", nargs="*", help="build only the lessons whose file name starts with these")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    print(f"building the book into {args.out} ...", flush=True)
    try:
        report = build(args.out, args.only)
    except BookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"built {len(report.lessons)} lessons in {time.perf_counter() - start:.0f} s; "
          f"open {report.out / 'index.html'}", flush=True)
    return 0


__all__ = ["BOOK_BUDGET_BYTES", "CELL_TIMEOUT_S", "PAGE_BUDGET_BYTES", "REVEAL_CONFIG", "WIDGET_VIEW_MIME", "BookError",
           "BuildReport", "binder_url", "build", "check_budgets", "check_outputs", "copy_static", "ensure_reveal",
           "execute_lesson", "lesson_paths", "main", "render_deck", "render_index", "render_page", "size_report"]
