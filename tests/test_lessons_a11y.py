"""The lessons' structure against WCAG 2.1 AA (issue 16): headings, link text, images, tables and math.

Each lesson's markdown cells are rendered to HTML by nbconvert's own markdown parser and renderer
(``MarkdownWithMath``, ``IPythonRenderer``: mistune 3, the parser ``jupyter nbconvert`` uses; literal
dollars protected as the book does, :func:`book.markdown.protect_dollars`), then read with
:mod:`html.parser`. The HTML the kit's Python puts into a lesson (the tables of :mod:`widgets.tables`,
:class:`widgets.Predict`, the feedback of :func:`widgets.check`) is read the same way and takes its place
in the lesson's outline at the cell that shows it. The tables are made by running the lesson's own cell.

Rules, from WCAG 2.1 (W3C Recommendation, 2018; techniques named are W3C's "Techniques for WCAG 2.1"):

* headings: one ``h1`` (the title) first, and no level skipped going down (an ``h2`` then an ``h4``),
  across the whole lesson in cell order (SC 1.3.1 Info and Relationships, SC 2.4.6 Headings and Labels;
  technique H42; the order rule as in the WAI tutorial "Headings", https://www.w3.org/WAI/tutorials/page-structure/headings/);
* link text says where the link goes: no "here", "this", "link", "click", no bare web address as the text,
  and within one lesson one text never names two different addresses (SC 2.4.4 Link Purpose (In Context);
  techniques G91, H30, failure F84 for "click here");
* every image has a text alternative (SC 1.1.1 Non-text Content; H37);
* every table has header cells; the kit's HTML tables mark column headers ``<th scope="col">``, the name
  that starts each row as ``<th scope="row">`` and carry a ``<caption>`` or an ``aria-label``
  (SC 1.3.1; H51, H63, H39);
* math is for mathematics: ``$...$`` only around formulas, never to set words in bold, colour, size or
  space (SC 1.3.1: MathJax reads a formula to a screen reader as math, so text inside it is read as
  symbols).
"""

from __future__ import annotations

import ast
import contextlib
import io
import itertools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

from book.markdown import protect_dollars

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))

# -- reading HTML -----------------------------------------------------------------------------------------------


@dataclass
class Table:
    """One ``<table>``: its caption and aria-label, header cells and the first cell of each body row."""

    caption: str = ""
    aria_label: str = ""
    head: list[tuple[str, str | None]] = field(default_factory=list)  # (text, scope) of each th in <thead>
    n_th: int = 0
    row_starts: list[tuple[str, str | None, str]] = field(default_factory=list)  # (tag, scope, text) in <tbody>


@dataclass
class Page:
    """What one piece of HTML holds: headings, links, images, tables, and the TeX of its math."""

    headings: list[tuple[int, str]] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, href)
    images: list[tuple[str, str | None]] = field(default_factory=list)  # (src, alt)
    tables: list[Table] = field(default_factory=list)
    math: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    """Walks HTML into a :class:`Page`. Heading anchors the renderer adds (``a.anchor-link``, "¶") are not the
    lesson's links, and are skipped."""

    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self._heading: tuple[int, list[str]] | None = None
        self._link: tuple[str, list[str]] | None = None
        self._skip_anchor = 0
        self._table: Table | None = None
        self._section = ""
        self._cell: tuple[str, str | None, list[str]] | None = None
        self._first_in_row = False
        self._caption: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = (int(tag[1]), [])
        elif tag == "a":
            if "anchor-link" in (a.get("class") or "").split():
                self._skip_anchor += 1
            else:
                self._link = (a.get("href") or "", [])
        elif tag == "img":
            alt = a.get("alt")
            self.page.images.append((a.get("src") or "", alt))
            if self._link is not None and alt:
                self._link[1].append(alt)
        elif tag == "table":
            self._table = Table(aria_label=(a.get("aria-label") or "").strip())
        elif self._table is not None:
            if tag in ("thead", "tbody"):
                self._section = tag
            elif tag == "caption":
                self._caption = []
            elif tag == "tr":
                self._first_in_row = True
            elif tag in ("th", "td"):
                self._cell = (tag, a.get("scope"), [])

    def handle_endtag(self, tag: str) -> None:
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.page.headings.append((self._heading[0], _words("".join(self._heading[1]))))
            self._heading = None
        elif tag == "a":
            if self._skip_anchor:
                self._skip_anchor -= 1
            elif self._link is not None:
                self.page.links.append((_words("".join(self._link[1])), self._link[0]))
                self._link = None
        elif self._table is not None:
            if tag == "table":
                self.page.tables.append(self._table)
                self._table = None
            elif tag == "caption" and self._caption is not None:
                self._table.caption = _words("".join(self._caption))
                self._caption = None
            elif tag in ("th", "td") and self._cell is not None:
                kind, scope, text = self._cell
                self._table.n_th += kind == "th"
                if kind == "th" and self._section == "thead":
                    self._table.head.append((_words("".join(text)), scope))
                if self._section == "tbody" and self._first_in_row:
                    self._table.row_starts.append((kind, scope, _words("".join(text))))
                self._first_in_row = False
                self._cell = None

    def handle_data(self, data: str) -> None:
        if self._skip_anchor:
            return
        for part in (self._heading, self._link, self._cell):
            if part is not None:
                part[-1].append(data)
        if self._caption is not None:
            self._caption.append(data)


def _words(text: str) -> str:
    return " ".join(text.split())


class _MathRecorder(IPythonRenderer):
    """nbconvert's renderer, keeping the TeX of each formula (the renderer writes it back for MathJax)."""

    def __init__(self) -> None:
        super().__init__(escape=False, anchor_link_text="¶")
        self.tex: list[str] = []

    def block_math(self, body: str) -> str:
        self.tex.append(body)
        return super().block_math(body)

    def inline_math(self, body: str) -> str:
        self.tex.append(body)
        return super().inline_math(body)

    def latex_environment(self, name: str, body: str) -> str:
        self.tex.append(body)
        return super().latex_environment(name, body)


def read_html(html: str) -> Page:
    """The headings, links, images and tables of a piece of HTML."""
    page = Page()
    reader = _Reader(page)
    reader.feed(html)
    reader.close()
    return page


def read_markdown(source: str) -> Page:
    """A markdown cell as nbconvert renders it, read as a :class:`Page` (its formulas' TeX in ``math``)."""
    renderer = _MathRecorder()
    html = str(MarkdownWithMath(renderer=renderer).render(protect_dollars(source)))
    page = read_html(html)
    page.math = renderer.tex
    return page


# -- the rules ---------------------------------------------------------------------------------------------------

#: Link text that says nothing of where the link goes (WCAG technique G91; failure F84).
VAGUE_LINK = re.compile(r"(click\b.*|here|this|link|this link|this page|more|read more|learn more|go|page)",
                        re.I)
#: Link text that is a web address or a bare domain (WCAG SC 2.4.4: the address is not the purpose).
ADDRESS = re.compile(r"(https?://|www\.)\S*|[\w-]+(\.[\w-]+)*\.(org|com|net|gov|edu|io|ai|biz|co|uk)(/\S*)?", re.I)
#: TeX that styles text: colour, size, underline, bold or italic text (a bold symbol is ``\\mathbf``).
STYLING_TEX = re.compile(r"\\(color|textcolor|colorbox|large|Large|LARGE|huge|Huge|small|tiny|footnotesize|"
                         r"normalsize|underline|textbf|textit|emph)\b")
TEXT_TEX = re.compile(r"\\(text|textbf|textit|textrm|texttt|textsf|mathrm|mathbf|mathit|mathsf|mathtt|"
                      r"operatorname|boxed|emph|mbox)\s*\{([^{}]*)\}")
SPACE_TEX = re.compile(r"\\(quad|qquad|enspace|space|hspace\s*\{[^{}]*\}|[,;:! ])|~")


def heading_problems(headings: list[tuple[int, str, str]]) -> list[str]:
    """Problems in an outline ``(level, text, where)`` in reading order: not one h1 first, a level skipped
    going down, an empty heading."""
    problems = []
    h1 = [h for h in headings if h[0] == 1]
    if len(h1) != 1:
        problems.append(f"{len(h1)} h1 headings (one, the title): {[(t, w) for _, t, w in h1]}")
    if headings and headings[0][0] != 1:
        problems.append(f"the first heading is h{headings[0][0]}, not the h1 title: {headings[0][1]!r} "
                        f"({headings[0][2]})")
    for (prev, prev_text, _), (level, text, where) in itertools.pairwise(headings):
        if level > prev + 1:
            problems.append(f"h{prev} {prev_text!r} then h{level} {text!r} ({where}): h{prev + 1} skipped")
    problems += [f"an empty h{level} ({where})" for level, text, where in headings if not text]
    return problems


def link_problems(links: list[tuple[str, str, str]]) -> list[str]:
    """Problems in the links ``(text, href, where)`` of one lesson: vague text, an address as text, no text,
    one text for two addresses."""
    problems = []
    seen: dict[str, tuple[str, str]] = {}
    for text, href, where in links:
        plain = text.strip(" .,:;()[]*_`'\"").strip()
        if not plain:
            problems.append(f"a link with no text to {href!r} ({where})")
        elif VAGUE_LINK.fullmatch(plain):
            problems.append(f"vague link text {text!r} to {href!r} ({where})")
        elif ADDRESS.fullmatch(plain) or plain == href:
            problems.append(f"a web address as link text {text!r} ({where})")
        key = plain.lower()
        if key in seen and seen[key][0].rstrip("/") != href.rstrip("/"):
            problems.append(f"link text {text!r} goes to {seen[key][0]!r} ({seen[key][1]}) and to {href!r} ({where})")
        seen.setdefault(key, (href, where))
    return problems


def image_problems(images: list[tuple[str, str | None, str]]) -> list[str]:
    """Images ``(src, alt, where)`` without a text alternative."""
    return [f"an image without alt text: {src[:60]!r} ({where})" for src, alt, where in images
            if not (alt or "").strip()]


def table_problems(table: Table, where: str, kit: bool) -> list[str]:
    """A table without header cells; for the kit's HTML tables also: column headers without ``scope="col"``,
    rows not started by a ``<th scope="row">`` and no caption or aria-label."""
    problems = []
    if not table.n_th:
        problems.append(f"a table without header cells ({where})")
    if kit:
        problems += [f"column header {text!r} without scope=\"col\" ({where})" for text, scope in table.head
                     if scope != "col"]
        problems += [f"row {text!r} starts with <{tag}> scope={scope!r}, not <th scope=\"row\"> ({where})"
                     for tag, scope, text in table.row_starts if (tag, scope) != ("th", "row")]
        if not (table.caption or table.aria_label):
            problems.append(f"a table without a caption or aria-label ({where})")
        if not table.row_starts:
            problems.append(f"a table without body rows ({where})")
    return problems


def formatting_math(tex: str) -> bool:
    """Whether ``tex`` is math used only to format text: it styles, sizes or colours, or it holds only words
    set in a text font, spacing or nothing."""
    if STYLING_TEX.search(tex):
        return True
    words = " ".join(m.group(2) for m in TEXT_TEX.finditer(tex))
    rest = SPACE_TEX.sub("", TEXT_TEX.sub("", tex)).strip(" \t\n.,;:")
    if rest:
        return False
    n_words = len(re.findall(r"[A-Za-z]{2,}", re.sub(r"\\.", " ", words)))
    return not re.search(r"[A-Za-z]", words) or n_words >= 2


def math_problems(math: list[tuple[str, str]]) -> list[str]:
    """Formulas ``(tex, where)`` used only to format text."""
    return [f"math used to format text: ${tex}$ ({where})" for tex, where in math if formatting_math(tex)]


# -- a lesson, with the kit's HTML in place ----------------------------------------------------------------------


def _namespace(nb) -> dict:
    """The lesson's imports (its setup cell without ``setup_notebook()``, which loads BokehJS into a page)."""
    ns: dict = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and "setup_notebook()" in cell.source:
            tree = ast.parse(cell.source)
            tree.body = [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
            exec(compile(tree, "setup", "exec"), ns)  # the lesson's own import lines
    return ns


def _run_cell(source: str, ns: dict) -> object:
    """Run a lesson's cell as Jupyter does and return the value of its last expression (printing discarded)."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(tree, "cell", "exec"), ns)  # the lesson's own cell
        return eval(compile(ast.Expression(last.value), "cell", "eval"), ns) if last else None


def table_functions() -> list[str]:
    """The table makers of :mod:`widgets.tables` (its public functions)."""
    import widgets.tables as tables

    return sorted(n for n in dir(tables)
                  if n.endswith("_table") and not n.startswith("_") and callable(getattr(tables, n)))


def predict_html() -> str:
    """The HTML a :class:`widgets.Predict` shows: its question, then the answer after a commit."""
    from widgets import Predict

    p = Predict("How many GPU-hours?", 2.0, unit="hours", explanation="Why it is so.")
    before = "".join(c.value for c in p.widget.children if hasattr(c, "value") and isinstance(c.value, str))
    p.submit(1.0)
    return before + p.result.value


def feedback_html() -> str:
    """The HTML :func:`widgets.check` shows: not answered, wrong (with its hint) and right."""
    from widgets import check
    from widgets.exercises import EXERCISES

    exercise_id = next(k for k, ex in EXERCISES.items() if not ex.choices)
    ex = EXERCISES[exercise_id]
    right = ex.expected()
    return "".join(check(exercise_id, a)._repr_html_() for a in (..., 1e6 * float(right) + 1.0, right))


#: The kit's HTML a code cell shows, by the call that shows it (the tables are added per lesson, from its cells).
KIT_HTML = {r"\bPredict\(": predict_html, r"\bcheck\(": feedback_html}


@dataclass
class Lesson:
    """A lesson read for accessibility: its outline, links, images, tables and formulas, each with where it is."""

    name: str
    headings: list[tuple[int, str, str]] = field(default_factory=list)
    links: list[tuple[str, str, str]] = field(default_factory=list)
    images: list[tuple[str, str | None, str]] = field(default_factory=list)
    tables: list[tuple[Table, str, bool]] = field(default_factory=list)
    math: list[tuple[str, str]] = field(default_factory=list)
    kit_tables: list[str] = field(default_factory=list)  # the widgets.tables functions its cells call

    def add(self, page: Page, where: str, kit: bool) -> None:
        self.headings += [(level, text, where) for level, text in page.headings]
        self.links += [(text, href, where) for text, href in page.links]
        self.images += [(src, alt, where) for src, alt in page.images]
        self.tables += [(t, where, kit) for t in page.tables]
        self.math += [(tex, where) for tex in page.math]


_CACHE: dict[Path, Lesson] = {}


def read_lesson(path: Path) -> Lesson:
    """Every markdown cell of a lesson and the kit's HTML its code cells show, in cell order."""
    if path in _CACHE:
        return _CACHE[path]
    nb = nbformat.read(path, as_version=4)
    lesson = Lesson(path.name)
    ns = None
    makers = table_functions()
    kit_cache: dict[str, str] = {}
    for cell in nb.cells:
        where = f"{path.name}, cell {cell.get('id', '?')}"
        if cell.cell_type == "markdown":
            lesson.add(read_markdown(cell.source), where, kit=False)
        elif cell.cell_type == "code":
            called = [m for m in makers if re.search(rf"\b{m}\(", cell.source)]
            if called:
                ns = _namespace(nb) if ns is None else ns
                lesson.kit_tables += called
                shown = _run_cell(cell.source, ns)
                lesson.add(read_html(shown.data if hasattr(shown, "data") else str(shown)), f"{where} ({called[0]})",
                           kit=True)
            for pattern, make in KIT_HTML.items():
                if re.search(pattern, cell.source):
                    kit_cache.setdefault(pattern, make())
                    lesson.add(read_html(kit_cache[pattern]), f"{where} ({make.__name__})", kit=True)
    _CACHE[path] = lesson
    return lesson


def lesson_problems(lesson: Lesson) -> dict[str, list[str]]:
    """Every problem in a lesson, by rule."""
    return {
        "headings": heading_problems(lesson.headings),
        "links": link_problems(lesson.links),
        "images": image_problems(lesson.images),
        "tables": [p for t, where, kit in lesson.tables for p in table_problems(t, where, kit)],
        "math": math_problems(lesson.math),
    }


# -- the lessons -------------------------------------------------------------------------------------------------


def test_there_are_eight_lessons():
    assert len(LESSONS) == 8, [p.name for p in LESSONS]


@pytest.mark.parametrize("rule", ["headings", "links", "images", "tables", "math"])
@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_meets_wcag_structure(path, rule):
    problems = lesson_problems(read_lesson(path))[rule]
    assert not problems, f"{path.name}: {len(problems)} {rule} problem(s):\n  " + "\n  ".join(problems)


def test_the_lessons_are_read_whole():
    """The reader finds what the lessons hold: a title and sections in each, links in the Sources, formulas, the
    tables (markdown and the kit's) and the kit's HTML; so a rule that passes has had something to check."""
    lessons = [read_lesson(p) for p in LESSONS]
    for lesson in lessons:
        assert lesson.headings[0][0] == 1 and sum(level == 2 for level, _, _ in lesson.headings) >= 4, lesson.name
        assert len(lesson.links) >= 5, lesson.name
    assert sum(len(lesson.math) for lesson in lessons) >= 150
    assert sum(not kit for lesson in lessons for _, _, kit in lesson.tables) >= 3
    assert sorted({m for lesson in lessons for m in lesson.kit_tables}) == table_functions()
    assert sum(kit for lesson in lessons for _, _, kit in lesson.tables) == len(table_functions())


# -- the kit's tables --------------------------------------------------------------------------------------------


def test_every_kit_table_is_shown_by_a_lesson_and_checked():
    """A table maker no lesson calls would escape the lesson tests above: each one is called by a lesson."""
    called = {m for p in LESSONS for m in read_lesson(p).kit_tables}
    assert called == set(table_functions()), f"not shown by any lesson: {set(table_functions()) - called}"


@pytest.mark.parametrize("maker", table_functions())
def test_kit_table_headers_and_caption(maker):
    """Each kit table, made by the lesson cell that shows it: column headers scope="col", one row header
    (scope="row") per row, a caption, and every column headed."""
    lesson = next(read_lesson(p) for p in LESSONS if maker in read_lesson(p).kit_tables)
    table, where, _ = next(t for t in lesson.tables if t[2] and maker in t[1])
    assert not table_problems(table, where, kit=True)
    assert table.caption, f"{maker}: no visible caption"
    assert len(table.head) >= 4 and all(text for text, _ in table.head), table.head
    assert len(table.row_starts) >= 4 and all(text for _, _, text in table.row_starts)


# -- the rules catch what they should (each checked on a small example) ----------------------------------------


def test_the_heading_rule_catches_a_skip_a_second_title_and_a_missing_one():
    def outline(md: str) -> list[tuple[int, str, str]]:
        return [(level, text, "x") for level, text in read_markdown(md).headings]

    assert not heading_problems(outline("# T\n\n## a\n\n### b\n\n## c\n\n### d\n\n#### e"))
    assert any("h3 skipped" in p for p in heading_problems(outline("# T\n\n## a\n\n#### b")))
    assert any("2 h1" in p for p in heading_problems(outline("# T\n\n## a\n\n# U")))
    assert heading_problems(outline("## a\n\n### b"))
    assert any("h2 skipped" in p for p in heading_problems(outline("# T\n\n<h3>raw</h3>")))


def test_the_link_rule_catches_vague_text_addresses_and_one_text_for_two_places():
    def links(md: str) -> list[str]:
        return link_problems([(t, h, "x") for t, h in read_markdown(md).links])

    assert not links("[Chinchilla paper](https://arxiv.org/abs/2203.15556) and "
                     "[Chinchilla paper](https://arxiv.org/abs/2203.15556)")
    for bad in ("[here](https://a.org)", "[click here](https://a.org)", "[this](https://a.org)",
                "[link](https://a.org)", "<https://epoch.ai/data>", "[epoch.ai](https://epoch.ai)",
                "[](https://a.org)", "[data](https://a.org) and [data](https://b.org)"):
        assert links(bad), bad
    assert not links("[![a chart of compute](c.png)](https://a.org)")  # an image's alt names the link


def test_the_image_rule_catches_a_missing_alt():
    def images(md: str) -> list[str]:
        return image_problems([(s, a, "x") for s, a in read_markdown(md).images])

    assert not images("![Training compute of notable models, 2010-2025](c.png)")
    assert images("![](c.png)") and images('<img src="c.png">') and images('<img src="c.png" alt=" ">')


def test_the_table_rule_catches_missing_headers_scopes_and_caption():
    good = ('<table aria-label="runs"><thead><tr><th scope="col">run</th><th scope="col">FLOP</th></tr></thead>'
            '<tbody><tr><th scope="row">GPT-3</th><td>3e23</td></tr></tbody></table>')
    assert not table_problems(read_html(good).tables[0], "x", kit=True)
    for broken in (good.replace(' aria-label="runs"', ""), good.replace('<th scope="col">run', "<th>run"),
                   good.replace('<th scope="row">GPT-3</th>', "<td>GPT-3</td>")):
        assert table_problems(read_html(broken).tables[0], "x", kit=True), broken
    assert not table_problems(read_markdown("| a | b |\n|---|---|\n| 1 | 2 |").tables[0], "x", kit=False)
    assert table_problems(read_html("<table><tr><td>1</td></tr></table>").tables[0], "x", kit=False)


def test_the_math_rule_catches_text_set_as_math_but_not_formulas():
    for tex in (r"\text{training compute}", r"\textbf{Note}", r"\color{red}{x}", r"\quad", r"\Large N",
                r"\mathrm{not\ a\ formula}", ""):
        assert formatting_math(tex), tex
    for tex in (r"C \approx 6ND", r"L(N, D) = E + \frac{A}{N^\alpha}", r"\text{MFU} = 0.4", r"10^{24}",
                r"N_\text{opt}", r"\mathrm{d}x", r"\times", r"\text{FLOP}"):
        assert not formatting_math(tex), tex
    page = read_markdown(r"It costs \\$3 and \\$4, and $C = 6ND$.")
    assert page.math == ["C = 6ND"], page.math  # a literal dollar is not math
