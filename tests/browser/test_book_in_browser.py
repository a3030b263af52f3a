"""The static book in a real browser (system Chromium, pages opened from disk, no JupyterLab, no kernel).

Every request whose URL is not ``file:``/``data:``/``blob:`` is blocked and counted; a page passes with none,
with no console error or uncaught page error, and with every static explorer drawn (a ``canvas`` of nonzero
size inside the Bokeh shadow DOM of each ``.ce-static-explorer-host``). In each deck the keys step through
the slides, and the arrow keys on a focused Bokeh slider do not change slide.

Accessibility (WCAG 2.1 AA): axe-core (the PyPI package axe-playwright-python) audits the index, every page
and every deck (its first slide and the slide of its first explorer) in the same loops, with the tags in
``ce_a11y.AXE_TAGS``, and a violation of impact serious or critical anywhere in the page fails (the book is all the
kit's own: templates, CSS, widgets/static.py); the counts by impact are printed (``-s``). A slider's handle
is named and reads its value as its label writes it, with its unit (``aria-valuetext``: "budget 1.00 × 10²⁴ FLOP"), and in a deck the Tab key
reaches an explorer's slider on the current slide and leaves it again.

For the "moving a slider changes the plot and the readout" checks: :func:`readout_text` and
:func:`focus_first_slider` (the first Bokeh slider handle of an explorer, focused, ready for arrow keys),
and :func:`canvas_sizes`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ce_a11y import axe_audit, blocking, counts, describe

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
LESSONS = sorted(p.stem for p in (ROOT / "lessons").glob("*.ipynb"))
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
HOST = ".ce-static-explorer-host"
PAGE_VIEWPORT = {"width": 1366, "height": 850}
DECK_VIEWPORT = {"width": 1280, "height": 720}
# The lesson and deck photographed for the lead (a page at 1366x850, a slide with an explorer at 1280x720).
SHOT_LESSON = "02_from_flop_to_dollars"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


class OfflinePage:
    """A page in a fresh context that may only load from disk: what left (blocked) and what went wrong."""

    def __init__(self, browser, viewport: dict):
        self.context = browser.new_context(viewport=viewport)
        self.context.set_default_timeout(20_000)
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.on("request", self._on_request)
        self.page.on("websocket", lambda ws: self.blocked.append(ws.url))

    def _route(self, route):
        if route.request.url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _on_request(self, request):
        if not request.url.startswith(LOCAL_SCHEMES) and request.url not in self.blocked:
            self.blocked.append(request.url)

    def open(self, path: Path):
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")
        return self.page

    def assert_clean(self):
        urls = sorted(set(self.blocked))
        assert not urls, f"{len(urls)} URL(s) requested off the machine: {urls[:5]}"
        assert not self.errors, "browser errors:\n  " + "\n  ".join(self.errors)

    def close(self):
        self.context.close()


@pytest.fixture
def offline(browser):
    pages: list[OfflinePage] = []

    def make(viewport: dict = PAGE_VIEWPORT) -> OfflinePage:
        pages.append(OfflinePage(browser, viewport))
        return pages[-1]

    yield make
    for p in pages:
        p.close()


# -- helpers (also for the lead's slider checks) ---------------------------------------------------------------

# Every canvas under an element, through every (open) shadow root, with its drawn size.
_CANVASES_JS = """(host) => {
  const out = [];
  const walk = (node) => {
    if (node.tagName === 'CANVAS') { const r = node.getBoundingClientRect(); out.push([r.width, r.height]); }
    if (node.shadowRoot) walk(node.shadowRoot);
    for (const child of node.children || []) walk(child);
  };
  walk(host);
  return out;
}"""


def hosts(page):
    """The static explorers of the page, in order."""
    return page.locator(HOST)


def canvas_sizes(page, index: int) -> list[list[float]]:
    """[width, height] of every canvas drawn inside explorer ``index`` (Bokeh's shadow DOM included)."""
    return hosts(page).nth(index).evaluate(_CANVASES_JS)


def wait_until_drawn(page, index: int, timeout_ms: int = 15_000) -> list[list[float]]:
    """Wait until explorer ``index`` has a canvas of nonzero size; its canvases' sizes."""
    page.wait_for_function(f"""() => {{
      const host = document.querySelectorAll('{HOST}')[{index}];
      return host && ({_CANVASES_JS})(host).some(([w, h]) => w > 0 && h > 0);
    }}""", timeout=timeout_ms)
    return canvas_sizes(page, index)


# The text under an element, through its shadow roots, without the CSS Bokeh puts in them.
_TEXT_JS = """(el) => {
  const parts = [];
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) { parts.push(node.textContent); return; }
    if (node.tagName === 'STYLE' || node.tagName === 'SCRIPT') return;
    if (node.shadowRoot) walk(node.shadowRoot);
    for (const child of node.childNodes || []) walk(child);
  };
  walk(el);
  return parts.join(' ').replace(/\\s+/g, ' ').trim();
}"""


def readout_text(page, index: int) -> str:
    """The readout of explorer ``index`` (the Bokeh Div with the class ``ce-readout``, its text in its shadow
    root), as the learner reads it."""
    return hosts(page).nth(index).locator(".ce-readout").first.evaluate(_TEXT_JS)


def focus_first_slider(page, index: int):
    """Focus the first Bokeh slider handle (``.noUi-handle``) of explorer ``index`` and return its locator:
    ArrowRight/ArrowLeft then move the slider by one precomputed position."""
    handle = hosts(page).nth(index).locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    return handle


# A fingerprint of what explorer ``index`` draws: its canvases' pixels, hashed (the picture itself, not its data).
_PIXELS_JS = """(host) => {
  let h = 0;
  const walk = (node) => {
    if (node.tagName === 'CANVAS') {
      const s = node.toDataURL();
      for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
    }
    if (node.shadowRoot) walk(node.shadowRoot);
    for (const child of node.children || []) walk(child);
  };
  walk(host);
  return h;
}"""


def pixels(page, index: int) -> int:
    """A hash of every canvas explorer ``index`` has drawn: it changes when the picture changes."""
    return hosts(page).nth(index).evaluate(_PIXELS_JS)


def _settle(page) -> None:
    """Two animation frames: BokehJS has drawn what the last key press changed."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def move_first_slider(page, index: int) -> dict:
    """Move the first slider of explorer ``index`` one position (right, or left at the right end), as a learner
    does with the keyboard; the readout and the picture before and after."""
    focus_first_slider(page, index)
    before = {"readout": readout_text(page, index), "pixels": pixels(page, index)}
    page.keyboard.press("ArrowRight")
    _settle(page)
    if readout_text(page, index) == before["readout"]:  # at the right end: one step left instead
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("ArrowLeft")
        _settle(page)
    page.wait_for_timeout(100)
    return {"before": before, "after": {"readout": readout_text(page, index), "pixels": pixels(page, index)}}


def _indices(page) -> dict:
    return page.evaluate("() => Reveal.getIndices()")


def _go_to_host(page, index: int) -> None:
    """Show the slide holding explorer ``index`` (reveal hides the slides far from the current one)."""
    page.evaluate(f"""() => {{
      const host = document.querySelectorAll('{HOST}')[{index}];
      const section = host.closest('section');
      const at = Reveal.getIndices(section);
      Reveal.slide(at.h, at.v, at.f);
    }}""")
    page.wait_for_timeout(300)


# -- accessibility ---------------------------------------------------------------------------------------------

def assert_accessible(page, where: str) -> None:
    """No axe violation of impact serious or critical on the whole page (shadow roots included; the book is all
    the kit's own); prints the counts by impact, and the message names each rule, its count and its first element."""
    violations = axe_audit(page, preload=False)
    print(f"axe {where}: {counts(violations) or 'no violations'}")
    assert not blocking(violations), f"{where}:\n{describe(blocking(violations))}"


# The element that has the keyboard focus, through shadow roots: what it is, whether it is a slider handle,
# which explorer holds it (-1 for none), and whether it is on the deck's current slide (null outside a slide).
_FOCUSED_JS = f"""() => {{
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  if (!el || el === document.body) return null;
  const up = (n) => n.parentNode instanceof ShadowRoot ? n.parentNode.host : n.parentElement;
  let host = null, section = null;
  for (let n = el; n; n = up(n)) {{
    if (!host && n.matches && n.matches('{HOST}')) host = n;
    if (!section && n.tagName === 'SECTION') section = n;
  }}
  const style = getComputedStyle(el);
  return {{tag: el.tagName, cls: String(el.className), handle: el.classList.contains('noUi-handle'),
           host: host ? [...document.querySelectorAll('{HOST}')].indexOf(host) : -1,
           current: section ? section.classList.contains('present') : null,
           outline: [style.outlineStyle, style.outlineWidth]}};
}}"""


def focused(page) -> dict | None:
    """The focused element (see ``_FOCUSED_JS``), or None when nothing has the focus."""
    return page.evaluate(_FOCUSED_JS)


def _visible_outline(info: dict) -> bool:
    """A focus outline at least 2 px wide and drawn (the book's own; the browser's default is 1 px "auto")."""
    style, width = info["outline"]
    return style not in ("none", "hidden") and float(width.removesuffix("px")) >= 2


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def expected_speech(description: str, shown: str) -> str:
    """What a slider should say, worked out here as the issue asks it (not by the page's script): the
    description's words, the value shown with powers of ten as such, then the description's unit
    ("budget (FLOP)" at "1.00e+24": "budget 1.00 × 10²⁴ FLOP"; "rent ($/accel.-hour)" at "$2.50": "rent $2.50 per
    accel.-hour")."""
    m = re.fullmatch(r"(.*?)\s*\(([^()]*)\)", " ".join(description.split()))
    name, unit = (m.group(1), m.group(2)) if m else (" ".join(description.split()), "")
    if shown.startswith("$") and unit.startswith("$/"):
        unit = "per " + unit[2:]
    spoken = re.sub(r"(\d(?:\.\d+)?)e([+-]?)0*(\d+)",
                    lambda g: f"{g[1]} × 10{'⁻' if g[2] == '-' else ''}{g[3].translate(_SUPERSCRIPT)}", shown)
    return " ".join(part for part in (name, spoken, unit) if part)


def slider_speech(handle) -> dict:
    """What a screen reader reads of a Bokeh slider handle (its aria-label and aria-valuetext), the name the kit
    gave its control (``data-ce-name``), and the value a sighted reader sees: the one the slider shows next to its
    title or, for a slider that shows none (the planner's), the explorer's own label beside it."""
    return handle.evaluate(f"""(h) => {{
      const root = h.getRootNode();
      const value = root.querySelector('.bk-slider-value');
      const beside = root.host.nextElementSibling;
      const shown = value ? value.textContent : beside ? ({_TEXT_JS})(beside) : '';
      return {{label: h.getAttribute('aria-label'), text: h.getAttribute('aria-valuetext'),
               name: root.host.getAttribute('data-ce-name'), shown: shown.trim(),
               description: root.host.getAttribute('data-ce-description')}};
    }}""")


#: Tab presses that must take the focus through an explorer: its controls, the static note's link, and per figure
#: the canvas, the Bokeh logo and about six toolbar buttons (01_scaling_laws: 17 stops after the slider).
TAB_STOPS_MOST = 60


def tab_to_first_slider(page, index: int, most: int = 80) -> list[dict]:
    """Press Tab from the top of the page until the first slider handle of explorer ``index`` has the focus; every
    element focused on the way (see :func:`focused`), the slider last. Fails after ``most`` presses."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    stops: list[dict] = []
    for _ in range(most):
        page.keyboard.press("Tab")
        stop = focused(page)
        if stop is None:
            continue
        stops.append(stop)
        if stop["handle"] and stop["host"] == index:
            return stops
    raise AssertionError(f"{most} Tab presses did not reach explorer {index}'s slider: {stops}")


def leaves_the_explorer(page, index: int, key: str, most: int) -> bool:
    """From the focused slider of explorer ``index``, pressing ``key`` (Tab or Shift+Tab) takes the focus out of
    that explorer within ``most`` presses (a focus that is stuck, or goes round inside it, never does)."""
    for _ in range(most):
        page.keyboard.press(key)
        now = focused(page)
        if now is None or now["host"] != index:
            return True
    return False


# -- the tests -------------------------------------------------------------------------------------------------

def test_the_index_loads_nothing_from_elsewhere(book_dir, offline):
    o = offline()
    page = o.open(book_dir / "index.html")
    assert page.locator("article.ce-lesson-card").count() == len(LESSONS)
    for stem in LESSONS:
        assert page.locator(f'a[href="lessons/{stem}.html"]').count() >= 1
    page.screenshot(path=str(ARTIFACTS / "book-index.png"), full_page=True)
    assert_accessible(page, "index.html")
    page.keyboard.press("Tab")  # the first link: the keyboard focus is drawn
    first = focused(page)
    assert first is not None and first["tag"] == "A" and _visible_outline(first), first
    o.assert_clean()


@pytest.mark.parametrize("stem", LESSONS)
def test_a_lesson_page_draws_every_explorer_offline(book_dir, offline, stem):
    o = offline()
    page = o.open(book_dir / "lessons" / f"{stem}.html")
    n = hosts(page).count()
    assert n >= 1, "no static explorer on the page"
    for k in range(n):
        hosts(page).nth(k).scroll_into_view_if_needed()
        sizes = wait_until_drawn(page, k)
        assert any(w > 100 and h > 100 for w, h in sizes), f"explorer {k}: canvases {sizes}"
        assert readout_text(page, k).strip(), f"explorer {k} has an empty readout"
        handle = hosts(page).nth(k).locator(".noUi-handle").first
        before = slider_speech(handle)
        moved = move_first_slider(page, k)
        assert moved["after"]["readout"] != moved["before"]["readout"], f"explorer {k}: the readout did not change"
        assert moved["after"]["pixels"] != moved["before"]["pixels"], f"explorer {k}: the picture did not change"
        after = slider_speech(handle)
        # Named by the live control's name, and read as "<name> <the label shown>", after every move.
        assert after["name"] and after["label"] == after["name"], f"explorer {k}: the slider handle is named {after}"
        assert after["text"] != before["text"] and after["shown"], (before, after)
        assert after["text"] == expected_speech(after["description"], after["shown"]), after
        # Each plot's description is there for a screen reader and takes no room on the screen.
        described = hosts(page).nth(k).locator(".ce-sr-only")
        assert described.count() >= 1, f"explorer {k}: no plot description"
        for d in range(described.count()):
            box = described.nth(d).bounding_box()
            words = described.nth(d).evaluate("e => (e.shadowRoot.querySelector('.bk-clearfix') || e).textContent")
            assert box and box["width"] <= 1 and box["height"] <= 1, f"explorer {k}: a plot description shows, {box}"
            assert words.strip().startswith("Figure:"), f"explorer {k}: plot description {words!r}"
    assert_accessible(page, f"lessons/{stem}.html")
    if stem == SHOT_LESSON:
        page.evaluate("() => window.scrollTo(0, 0)")
        page.screenshot(path=str(ARTIFACTS / f"book-page-{stem}.png"))
        hosts(page).first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"book-page-{stem}-explorer.png"))
    o.assert_clean()


@pytest.mark.parametrize("stem", LESSONS)
def test_a_deck_steps_and_draws_its_explorers_offline(book_dir, offline, stem):
    o = offline(DECK_VIEWPORT)
    page = o.open(book_dir / "decks" / f"{stem}.html")
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    assert _indices(page)["h"] == 0 and _indices(page)["v"] == 0
    assert_accessible(page, f"decks/{stem}.html, first slide")
    seen = [_indices(page)]
    for key in ("ArrowRight", "Space", "ArrowRight"):
        page.keyboard.press(key)
        page.wait_for_timeout(200)
        seen.append(_indices(page))
        assert seen[-1] != seen[-2], f"{key} did not step the deck: {seen}"
    n = hosts(page).count()
    assert n >= 1
    for k in range(n):
        _go_to_host(page, k)
        sizes = wait_until_drawn(page, k)
        assert any(w > 100 and h > 100 for w, h in sizes), f"explorer {k} on its slide: canvases {sizes}"
    # The arrow keys on a focused Bokeh slider move the slider, not the deck.
    _go_to_host(page, 0)
    assert_accessible(page, f"decks/{stem}.html, the slide of its first explorer")
    before, readout = _indices(page), readout_text(page, 0)
    # The keyboard alone: Tab from the top of the page reaches the slider on the slide on show, through nothing on
    # a slide that is not, with a visible focus; an arrow key moves it; Shift+Tab and Tab both leave it (no trap).
    stops = tab_to_first_slider(page, 0)
    assert all(stop["current"] is not False for stop in stops), f"Tab stopped on a slide not on show: {stops}"
    assert _visible_outline(stops[-1]), f"the focused slider handle has no visible outline: {stops[-1]}"
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    assert _indices(page) == before, "an arrow key on a slider also changed slide"
    assert readout_text(page, 0) != readout, "the arrow key did not reach the slider"
    page.keyboard.press("ArrowLeft")
    for key in ("Shift+Tab", "Tab"):
        focus_first_slider(page, 0)
        assert leaves_the_explorer(page, 0, key, most=TAB_STOPS_MOST), f"{key} never leaves explorer 0's slider"
    if stem == SHOT_LESSON:
        page.locator("body").click(position={"x": 5, "y": 5})
        page.screenshot(path=str(ARTIFACTS / f"book-deck-{stem}-explorer.png"))
    o.assert_clean()


@pytest.mark.parametrize("stem", LESSONS)
def test_a_slide_taller_than_the_projector_scrolls(book_dir, offline, stem):
    """At 1280x720 most slides fit; a slide that does not (a tall explorer, a long table) scrolls inside itself,
    so every step stays readable. The count is printed for the record (-s)."""
    o = offline(DECK_VIEWPORT)
    page = o.open(book_dir / "decks" / f"{stem}.html")
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    slides = page.evaluate("""async () => {
      const out = [];
      for (const s of document.querySelectorAll('.reveal .slides > section > section')) {
        const at = Reveal.getIndices(s);
        Reveal.slide(at.h, at.v, 99);
        await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
        out.push({at: [at.h, at.v], over: s.scrollHeight - s.clientHeight, overflow: getComputedStyle(s).overflowY});
      }
      return out;
    }""")
    tall = [s for s in slides if s["over"] > 2]
    print(f"{stem}: {len(tall)} of {len(slides)} slides scroll at 1280x720: {[s['at'] for s in tall]}")
    assert all(s["overflow"] in ("auto", "scroll") for s in tall), f"a tall slide that cannot scroll: {tall}"
    assert len(tall) <= len(slides) // 3, f"{len(tall)} of {len(slides)} slides do not fit 1280x720"
    o.assert_clean()


def test_every_deck_step_is_reachable_with_the_keyboard(book_dir, offline):
    """Space walks the whole deck of one lesson, slide by slide (vertical subslides and fragments included), to
    the last step: nothing is skipped and the walk ends."""
    o = offline(DECK_VIEWPORT)
    page = o.open(book_dir / "decks" / f"{SHOT_LESSON}.html")
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    total = page.evaluate("() => Reveal.getTotalSlides()")
    visited = set()
    for _ in range(4 * total):
        at = _indices(page)
        visited.add((at["h"], at["v"]))
        if page.evaluate("() => Reveal.isLastSlide() && !Reveal.availableFragments().next"):
            break
        page.keyboard.press("Space")
        page.wait_for_timeout(60)
    assert len(visited) == total, f"visited {len(visited)} of {total} slides"
    assert re.fullmatch(r"\d+ / \d+|\d+/\d+", page.locator(".slide-number").inner_text().strip().replace("\u2009", " "))
    o.assert_clean()


def _text(html_text: str) -> str:
    """What a reader reads of an HTML readout, without any whitespace (the browser's text nodes are joined
    with spaces, Python's with none)."""
    import html as html_module

    return re.sub(r"\s+", "", html_module.unescape(re.sub(r"<[^>]+>", "", html_text)))


def test_each_control_position_shows_the_position_the_kit_computed(book_dir, offline, tmp_path):
    """The page combines a menu and a slider into the position whose recorded picture it shows: for several
    (menu, slider) pairs set in the page, the readout is the one the Python walk recorded at that position."""
    import numpy as np

    import widgets
    from widgets import static

    recorded = static.static_explorer(widgets.ScalingExplorer())
    assert list(recorded.grid) == ["fit", "budget"] and recorded.sizes[0] > 1
    readout = next(t for t in recorded.tracks if t.model is recorded.explorer.readout)
    from bokeh.embed import components

    script, div = components(recorded.layout)
    bokeh_js = "".join(f'<script src="{(book_dir / "_static" / f.name).as_uri()}"></script>'
                       for f in widgets.book.bokeh_js_files())
    page_file = tmp_path / "explorer.html"
    page_file.write_text(f"<!doctype html><html><head>{bokeh_js}</head><body>"
                         f'<div class="ce-static-explorer-host">{div}</div>{script}</body></html>')
    o = offline()
    page = o.open(page_file)
    wait_until_drawn(page, 0)
    select = hosts(page).first.locator("select").first
    n_fits, n_budgets = recorded.sizes
    fit_at, budget_at = recorded.start
    for fit, budget in [(fit_at, budget_at), (n_fits - 1, budget_at), (n_fits - 1, budget_at - 3), (0, budget_at - 3),
                        (0, 0), (n_fits - 1, 0)]:
        select.select_option(index=fit)
        handle = focus_first_slider(page, 0)
        at = int(float(handle.get_attribute("aria-valuenow")))
        key = "ArrowRight" if budget > at else "ArrowLeft"
        for _ in range(abs(budget - at)):
            page.keyboard.press(key)
        _settle(page)
        k = int(np.ravel_multi_index((fit, budget), recorded.sizes))
        assert _text(readout_text(page, 0)) == _text(recorded.value_at(readout, k)), recorded.position(k)
    o.assert_clean()
