"""The static book (``make book``, package ``book/``): what it builds, that it loads nothing from elsewhere, its
math, its explorers, its budgets, and that it gives no exercise answer away.

The fast tests check the builder's parts on small inputs; the ``slow`` ones read the book built once per session
by tests/_book.py (``test-artifacts/book``). The browser checks are in tests/browser/test_book_in_browser.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest
from bs4 import BeautifulSoup

from book import BOOK_BUDGET_BYTES, PAGE_BUDGET_BYTES, build
from book.lessons import read_lesson
from book.markdown import markdown_to_html

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))
# What book mode shows for an exercise's check (widgets/exercises.py) instead of right/wrong.
BOOK_CHECK_MESSAGE = "check your answer in the live lesson"
# TeX that would show as source if a formula were not converted.
TEX_COMMAND = re.compile(r"\\(?:frac|alpha|beta|gamma|times|approx|cdot|mathrm|text|sum|sqrt|le|ge|propto|infty)\b")


# -- the builder's parts (fast) --------------------------------------------------------------------------------

def test_a_literal_dollar_stays_a_dollar_and_math_becomes_mathml():
    html = markdown_to_html(r"It costs \\$3.49 an hour, $C \approx 6ND$ FLOP, and \\$2 later." "\n\n"
                            r"$$L = E + \frac{A}{N^\alpha}$$")
    assert "$3.49" in html and "$2 later" in html and "\\" not in html, html
    assert html.count("<math") == 2 and 'display="block"' in html and 'display="inline"' in html
    assert "$" not in re.sub(r"\$(3\.49|2 later)", "", html), "a dollar left over from math"
    assert not TEX_COMMAND.search(re.sub(r"<math.*?</math>", "", html, flags=re.S))


def test_every_formula_in_the_lessons_converts():
    count = 0
    for path in LESSONS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                html = markdown_to_html(cell.source)
                count += html.count("<math")
                prose = re.sub(r"<math.*?</math>", "", html, flags=re.S)
                assert not TEX_COMMAND.search(prose), f"{path.name}: TeX left in {cell.source[:60]!r}"
    assert count >= 150, f"only {count} formulas found in the lessons"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_the_index_reads_each_lesson(path):
    from test_lessons import _stated_minutes

    info = read_lesson(path)
    md = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    assert info.title.startswith("Lesson ") and info.minutes == _stated_minutes(md)
    assert len(info.objectives) >= 3 and info.question


def _nb_with_output(output: dict) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# t"), nbformat.v4.new_code_cell("explorer  # shows it")]
    nb.cells[1].outputs = [nbformat.from_dict(output)]
    return nb


def test_the_build_refuses_an_ipywidget_and_names_the_cell():
    nb = _nb_with_output({"output_type": "display_data", "metadata": {},
                          "data": {build.WIDGET_VIEW_MIME: {"model_id": "x"}, "text/plain": "VBox()"}})
    with pytest.raises(build.BookError, match=r"01_x.ipynb, cell 1 \('explorer  # shows it'\) displays an ipywidget"):
        build.check_outputs(nb, "01_x.ipynb")


def test_the_build_refuses_an_error_output_and_names_the_cell():
    nb = _nb_with_output({"output_type": "error", "ename": "ValueError", "evalue": "bad budget",
                          "traceback": ["\x1b[31mValueError\x1b[0m: bad budget"]})
    with pytest.raises(build.BookError, match=r"01_x.ipynb, cell 1 .* raised ValueError: bad budget"):
        build.check_outputs(nb, "01_x.ipynb")


def test_the_budgets_refuse_a_large_page_or_book():
    ok = [("lessons/a.html", 1_000), ("decks/a.html", 1_000), ("index.html", 10), ("total", 2_010)]
    build.check_budgets(ok)
    with pytest.raises(build.BookError, match="decks/a.html"):
        build.check_budgets([("decks/a.html", PAGE_BUDGET_BYTES + 1), ("total", PAGE_BUDGET_BYTES + 1)])
    with pytest.raises(build.BookError, match="over its budget"):
        build.check_budgets([("lessons/a.html", 1_000), ("total", BOOK_BUDGET_BYTES + 1)])


def test_without_npm_the_build_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(build, "REVEAL", tmp_path / "reveal.js")
    monkeypatch.setattr(build.shutil, "which", lambda name: None)
    with pytest.raises(build.BookError, match=r"apt-get install nodejs npm"):
        build.ensure_reveal()


def test_reveal_is_pinned_by_a_lock_file():
    package = json.loads((ROOT / "book" / "package.json").read_text())
    lock = json.loads((ROOT / "book" / "package-lock.json").read_text())
    version = package["dependencies"]["reveal.js"]
    assert re.fullmatch(r"[56]\.\d+\.\d+", version), "pin reveal.js to an exact 5.x or 6.x version"
    assert lock["packages"]["node_modules/reveal.js"]["version"] == version
    assert "node_modules" in (ROOT / ".gitignore").read_text()


# -- the built book (slow) -------------------------------------------------------------------------------------

pages = pytest.mark.slow


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _built_files(book_dir: Path) -> list[Path]:
    return [book_dir / "index.html", *sorted((book_dir / "lessons").glob("*.html")),
            *sorted((book_dir / "decks").glob("*.html"))]


@pages
def test_every_lesson_has_a_page_and_a_deck(book_dir):
    for path in LESSONS:
        page = book_dir / "lessons" / f"{path.stem}.html"
        deck = book_dir / "decks" / f"{path.stem}.html"
        assert page.is_file() and deck.is_file(), path.stem
        title = read_lesson(path).title
        assert _soup(page).find("h1").get_text().startswith(title)
        sections = _soup(deck).select(".reveal .slides > section")
        assert len(sections) >= 5, f"{deck.name}: {len(sections)} slides"
    assert {p.stem for p in (book_dir / "lessons").glob("*.html")} == {p.stem for p in LESSONS}


@pages
def test_the_index_lists_every_lesson_with_its_time_and_objectives(book_dir):
    from test_lessons import _stated_minutes

    soup = _soup(book_dir / "index.html")
    cards = soup.select("article.ce-lesson-card")
    assert [c["id"] for c in cards] == [p.stem for p in LESSONS]
    for card, path in zip(cards, LESSONS, strict=True):
        md = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
        minutes = _stated_minutes(md)
        assert card["data-minutes"] == str(minutes) and f"Estimated time: {minutes} minutes" in card.get_text()
        listed = [li.get_text(" ", strip=True) for li in card.select("ol.ce-objectives > li")]
        block = md.split("**Learning objectives.**", 1)[1].split("\n\n**", 1)[0]
        items = re.findall(r"^\s*\d+\.\s+(.*)$", block, re.M)
        assert len(listed) == len(items) >= 3, path.stem
        for shown, item in zip(listed, items, strict=True):
            first_words = re.sub(r"[*_`]", "", item).split()[:3]
            assert shown.split()[:3] == first_words, (shown, item)
        links = {a["href"] for a in card.find_all("a")}
        assert {f"lessons/{path.stem}.html", f"decks/{path.stem}.html"} <= links
        assert any(h.startswith("https://mybinder.org/") and path.name in h for h in links)
    assert "make lab" in soup.get_text() and "without a kernel" in soup.get_text()


def _is_local(url: str) -> bool:
    """A relative reference into the book (no scheme, no host, not from the disk's root), or inline data."""
    parsed = urlparse(url)
    return parsed.scheme == "data" or (not parsed.scheme and not parsed.netloc and not url.startswith("/"))


def _css_refs(css: str) -> list[str]:
    refs = re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", css)
    refs += re.findall(r"@import\s+['\"]([^'\"]+)['\"]", css)
    return refs


@pages
def test_nothing_is_loaded_from_elsewhere(book_dir):
    """Every script, stylesheet, image, frame and CSS url() is a relative path to a file in the book (or data:);
    the reveal configuration names no URL. Links in prose (<a href>) are not loads and may point anywhere."""
    problems = []
    for path in _built_files(book_dir):
        soup = _soup(path)
        refs = [t.get("src") for t in soup.find_all(["script", "img", "iframe", "embed", "source", "video", "audio"])]
        refs += [t.get("href") for t in soup.find_all("link")]
        refs += [r for style in soup.find_all("style") for r in _css_refs(style.get_text())]
        refs += [r for t in soup.find_all(style=True) for r in _css_refs(t["style"])]
        for ref in filter(None, refs):
            if not _is_local(ref):
                problems.append(f"{path.name}: {ref}")
            elif not ref.startswith("data:") and not (path.parent / ref.split("#")[0]).is_file():
                problems.append(f"{path.name}: {ref} is not in the book")
        for script in soup.find_all("script", src=False):
            if "Reveal.initialize" in script.get_text():
                config = script.get_text().split("Reveal.initialize(", 1)[1]
                problems += [f"{path.name}: reveal config {u}" for u in re.findall(r"https?://[^\"' ]+", config)]
    for css in (book_dir / "_static").rglob("*.css"):
        for ref in _css_refs(css.read_text(encoding="utf-8")):
            if not _is_local(ref) or (not ref.startswith("data:") and not (css.parent / ref).is_file()):
                problems.append(f"{css.relative_to(book_dir)}: {ref}")
    assert not problems, "\n".join(problems)


def _prose(soup: BeautifulSoup) -> str:
    """The page's text outside math, scripts, styles and code."""
    for tag in soup.find_all(["math", "script", "style", "pre", "code"]):
        tag.decompose()
    return soup.get_text(" ")


@pages
@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_no_raw_tex_is_left_and_math_is_mathml(book_dir, path):
    md = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    has_math = bool(re.search(r"(?<![\\$])\$[^$\n]+(?<!\\)\$", md.replace("\\\\$", "")))
    for built in (book_dir / "lessons" / f"{path.stem}.html", book_dir / "decks" / f"{path.stem}.html"):
        soup = _soup(built)
        n_math = len(soup.find_all("math"))
        assert (n_math > 0) == has_math, f"{built.name}: {n_math} <math> elements, lesson has math: {has_math}"
        text = _prose(soup)
        assert not TEX_COMMAND.search(text), f"{built.name}: TeX in the text: {TEX_COMMAND.search(text)}"
        spans = [m for m in re.findall(r"\$[^$\n]{1,80}\$", text) if re.search(r"[\\^_{}]", m)]
        assert "$$" not in text and not spans, f"{built.name}: TeX between dollars: {spans[:3]}"
        assert "\\$" not in text, f"{built.name}: a literal dollar shows its backslash"


@pages
def test_no_output_needs_a_kernel(book_dir):
    for path in _built_files(book_dir):
        text = path.read_text(encoding="utf-8")
        assert build.WIDGET_VIEW_MIME not in text and "widget-state+json" not in text, path.name
        assert "require.js" not in text and "MathJax" not in text and "@jupyter-widgets/html-manager" not in text


@pages
def test_sizes_are_reported_and_under_budget(book_dir):
    table = (book_dir / "SIZES.txt").read_text()
    for path in LESSONS:
        for built in (book_dir / "lessons" / f"{path.stem}.html", book_dir / "decks" / f"{path.stem}.html"):
            assert built.stat().st_size <= PAGE_BUDGET_BYTES, built
            assert built.relative_to(book_dir).as_posix() in table
    total = sum(p.stat().st_size for p in book_dir.rglob("*") if p.is_file())
    assert total <= BOOK_BUDGET_BYTES and "total" in table and "_static/" in table


def _explorer_cells(path: Path) -> int:
    """Code cells that display an explorer: an ``...Explorer(...)`` call whose last line shows a value."""
    count = 0
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code" and re.search(r"\w+Explorer\(", cell.source):
            last = cell.source.strip().splitlines()[-1]
            if not re.match(r"^\s*(\w+\s*=|print\(|#)", last):
                count += 1
    return count


@pages
@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_each_explorer_cell_becomes_a_static_explorer(book_dir, path):
    expected = _explorer_cells(path)
    assert expected >= 1
    for built in (book_dir / "lessons" / f"{path.stem}.html", book_dir / "decks" / f"{path.stem}.html"):
        hosts = _soup(built).select("div.ce-static-explorer-host")
        assert len(hosts) == expected, f"{built.name}: {len(hosts)} static explorers for {expected} explorer cells"
        assert all(int(h["data-positions"]) >= 2 for h in hosts)


def _readable_html(soup: BeautifulSoup) -> str:
    """The page's body as _screen.numbers reads a live lesson's HTML: MathML powers as ``10<sup>23</sup>`` (so
    3.14×10^23 is one number, as ``3.14\\times10^{23}`` is in the live prose), and no attributes (ids such as
    ``cell-23`` are not on screen)."""
    for sup in soup.find_all("msup"):
        base, exponent = (child.get_text("") for child in sup.find_all(recursive=False)[:2])
        sup.replace_with(f"{base}<sup>{exponent}</sup>")
    for math in soup.find_all("math"):
        math.replace_with(math.get_text(""))  # serialised escaped; _screen.numbers unescapes first
    for tag in soup.find_all(True):
        tag.attrs = {}
    return str(soup.body)


@pages
@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_no_exercise_answer_is_in_the_page(book_dir, path):
    """Each exercise's check shows where to check (the live lesson), and no answer is in the page's text (numbers
    read as tests/_screen.py reads them; the explorers' precomputed positions are left out, as the live test
    leaves out their Bokeh documents)."""
    from _screen import numbers, shown

    from widgets.exercises import EXERCISES

    soup = _soup(book_dir / "lessons" / f"{path.stem}.html")
    for host in soup.select("div.ce-static-explorer-host"):
        host.decompose()
    for script in soup.find_all("script"):
        script.decompose()
    code = [c for c in soup.select(".jp-CodeCell") if re.search(r"check\(\s*['\"]", c.select_one(".jp-InputArea").get_text())]
    assert len(code) >= 3
    for cell in code:
        assert BOOK_CHECK_MESSAGE in cell.select_one(".jp-OutputArea").get_text(" "), cell.get_text()[:200]
    on_screen = numbers(_readable_html(soup))
    ids = re.findall(r"check\(\s*['\"]([\w-]+)['\"]", "\n".join(c.get_text() for c in code))
    found = {i: shown(EXERCISES[i].expected(), EXERCISES[i].rtol, on_screen)[:3] for i in ids
             if not EXERCISES[i].choices}
    assert not any(found.values()), f"{path.name}: exercise answers in the page: {found}"


@pages
def test_landmarks_are_named_apart_and_every_page_names_its_controls(book_dir):
    """Two navigation bars on a page carry different names (axe-core landmark-unique, a "moderate" rule the
    browser audit does not fail on), and every page and deck loads the script that names the explorers' controls
    (widgets.static.CONTROLS_JS) after BokehJS, the one it needs."""
    from widgets import static

    from widgets._base import page_a11y_js

    assert (book_dir / "_static" / build.CONTROLS_SCRIPT).read_text(encoding="utf-8") == static.CONTROLS_JS
    assert (book_dir / "_static" / build.A11Y_SCRIPT).read_text(encoding="utf-8") == page_a11y_js()
    for path in _built_files(book_dir):
        soup = _soup(path)
        navs = soup.find_all("nav")
        labels = [nav.get("aria-label") for nav in navs]
        assert all(labels) and len(set(labels)) == len(labels), f"{path.name}: navigation landmarks {labels}"
        if path.name == "index.html":
            continue
        scripts = [Path(t["src"]).name for t in soup.find_all("script", src=True)]
        assert build.CONTROLS_SCRIPT in scripts, f"{path.name} does not load {build.CONTROLS_SCRIPT}"
        assert scripts.index(build.CONTROLS_SCRIPT) > scripts.index("bokeh-widgets.min.js"), path.name
        # ... and the live lessons' script before it, whose rule says a value aloud (window.ceValueText)
        assert scripts.index(build.A11Y_SCRIPT) < scripts.index(build.CONTROLS_SCRIPT), path.name
