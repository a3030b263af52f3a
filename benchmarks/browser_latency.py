"""Browser benchmark: how long a learner waits, in the page, from a slider key to new pixels.

Run with ``make bench`` (after the kernel-side table) or ``python benchmarks/browser_latency.py``.
Nothing here asserts a time.

Method (/work/shared/reference/browser-latency.md): a real JupyterLab, started the way the
browser tests start it (the kit's own settings), opens each lesson in the system Chromium at
1366 × 850 and runs it all, as a learner does: an explorer is measured in the page it lives
in, with the lesson's text, tables and other explorers around it (the page's size is part of
every frame's cost). For each explorer in turn its output is scrolled into view and its main
slider's handle (``.ce-primary-slider``) gets ``--moves`` arrow-key presses, turning round
every four keys and at the ends of the range, with the kernel idle and ``--gap-ms`` between
presses. For each press the page stamps, all with ``performance.now()``:

* **input**: the ``keydown`` (a capture-phase listener on ``document``);
* **sent**: the first websocket frame the page sends after it (the widget's new value);
* **document**: the first and last change of the explorer's BokehJS documents
  (``doc.on_change``), i.e. the kernel's patch applied in the page;
* **frame**: the first and the last animation frame whose canvases differ from the
  frame before (a checksum of the explorer's canvases, found through Bokeh's shadow roots).
  The probe marks a canvas when something is drawn on it and asks for an animation frame
  only then, checksumming the marked canvases in that frame: it does not keep the page
  rendering while it waits (a checksum of every canvas in every frame costs 10-30 ms a
  frame in a lesson page and delayed what it measured). The stamp is taken at the start of
  that frame's callback, before the browser composites it;
* **readout**: the first change of the explorer's text readout (``.ce-readout``).

A press is complete once the document has changed and nothing has been drawn or patched
for 400 ms. The table reports, per explorer, the median and p90 of *input → first
changed frame* (what the learner sees first), the median of *input → last changed frame*
(the final picture: no update dropped), and medians of the parts: input → sent (the
widget's front end), sent → document (kernel and message path) and document → frame
(BokehJS's redraw). Targets (issue #9): every explorer's median under 100 ms, the kit's
median (all presses of all explorers) under 60 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from ce_lab import CHROMIUM, CHROMIUM_ARGS, USER_SETTINGS, LabDriver, lab_server  # noqa: E402

LESSONS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "lessons").glob("*.ipynb"))
TARGET_EXPLORER_MS = 100.0
TARGET_KIT_MS = 60.0

# Installs window.__ceLatency: arm(i) starts watching explorer i (the i-th output that holds a
# .ce-primary-slider) and returns; done() resolves with the stamps of the next key press.
PROBE_JS = r"""() => {
  if (window.__ceLatency) return;
  const L = window.__ceLatency = {armed: false};
  const now = () => performance.now();
  document.addEventListener('keydown', () => { if (L.armed && L.t.input == null) L.t.input = now(); }, true);
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (L.armed && L.t.input != null && L.t.sent == null) L.t.sent = now();
    return send.call(this, data);
  };
  // A canvas drawn on is marked dirty; only then does the probe ask for an animation frame, so the
  // instrument does not keep the page rendering (and paying for every frame) while it waits.
  const proto = CanvasRenderingContext2D.prototype;
  for (const m of ['clearRect', 'fillRect', 'strokeRect', 'fill', 'stroke', 'fillText', 'strokeText',
                   'drawImage', 'putImageData']) {
    const f = proto[m];
    proto[m] = function (...a) {
      const c = this.canvas;
      if (L.armed && L.watched && L.watched.has(c) && !c.__ceDirty) { c.__ceDirty = true; L.touch(); }
      return f.apply(this, a);
    };
  }
  const outputs = () => [...document.querySelectorAll('.jp-OutputArea-output')]
      .filter(o => o.querySelector('.ce-primary-slider'));
  const canvases = (root, out = []) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.tagName === 'CANVAS') out.push(el);
      if (el.shadowRoot) canvases(el.shadowRoot, out);
    }
    return out;
  };
  const checksum = (c) => {
    if (!c.width || !c.height) return 0;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let h = 0;
    for (let i = 0; i < d.length; i += 4) h = (h * 31 + d[i] + 3 * d[i + 1] + 7 * d[i + 2] + 11 * d[i + 3]) | 0;
    return h;
  };
  L.count = () => outputs().length;
  L.arm = (index) => {
    const out = outputs()[index];
    const docs = new Set();
    for (const v of Object.values(window.Bokeh.index)) {
      if (v && v.el && out.contains(v.el) && v.model && v.model.document) docs.add(v.model.document);
    }
    const list = canvases(out);
    const last = new Map(list.map(c => [c, checksum(c)]));
    L.watched = new Set(list);
    L.t = {};
    let lastActivity = null, scheduled = false;
    // The first animation frame after a canvas was drawn on: stamp it if the pixels changed.
    const frame = () => {
      scheduled = false;
      const t = now();
      let changed = false;
      for (const c of list) {
        if (!c.__ceDirty) continue;
        c.__ceDirty = false;
        const h = checksum(c);
        if (h !== last.get(c)) { changed = true; last.set(c, h); }
      }
      if (changed && L.t.input != null) {
        if (L.t.frame == null) L.t.frame = t;
        L.t.frameLast = t;
      }
    };
    L.touch = () => { lastActivity = now(); if (!scheduled) { scheduled = true; requestAnimationFrame(frame); } };
    const onDoc = () => { const t = now(); if (L.t.doc == null) L.t.doc = t; L.t.docLast = t; lastActivity = t; };
    for (const d of docs) d.on_change(onDoc, true);
    const readout = out.querySelector('.ce-readout');
    const mo = new MutationObserver(() => { if (L.t.input != null && L.t.readout == null) L.t.readout = now(); });
    if (readout) mo.observe(readout, {subtree: true, childList: true, characterData: true});
    L.armed = true;
    // Complete once the document has changed and nothing was drawn or patched for 400 ms.
    L.done = new Promise((resolve) => {
      const started = now();
      const poll = () => {
        const t = now();
        if ((L.t.doc != null && !scheduled && t - lastActivity > 400) || t - started > 5000) {
          L.armed = false;
          mo.disconnect();
          for (const d of docs) d.remove_on_change(onDoc);
          resolve({...L.t, canvases: list.length, docs: docs.size});
        } else {
          setTimeout(poll, 50);
        }
      };
      setTimeout(poll, 50);
    });
  };
}"""

NAME_JS = """(index) => {
  const outs = [...document.querySelectorAll('.jp-OutputArea-output')]
      .filter(o => o.querySelector('.ce-primary-slider'));
  const cell = outs[index].closest('.jp-CodeCell');
  const src = cell ? cell.querySelector('.jp-InputArea-editor').textContent : '';
  return src;
}"""


def _explorer_name(source: str) -> str:
    """The class built in a fixture cell, e.g. 'scaling = ScalingExplorer()' -> 'ScalingExplorer'."""
    for token in source.replace("(", " ").replace("=", " ").split():
        if token.endswith("Explorer"):
            return token
    return source.strip()[:40]


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def measure(page, lab: LabDriver, index: int, moves: int, gap_ms: float) -> list[dict]:
    """``moves`` key presses on explorer ``index``'s main slider; one dict of stamps per press."""
    slider = page.locator(".ce-primary-slider").nth(index)
    slider.evaluate("e => (e.closest('.jp-OutputArea-output') || e).scrollIntoView({block: 'start'})")
    handle = slider.locator(".noUi-handle").first
    handle.focus()
    page.wait_for_timeout(300)
    out, key, i = [], "ArrowRight", 0

    def at_end(k: str) -> bool:
        now = float(handle.get_attribute("aria-valuenow"))
        end = float(handle.get_attribute("aria-valuemax" if k == "ArrowRight" else "aria-valuemin"))
        return abs(now - end) < 1e-9

    while len(out) < moves:
        if i % 4 == 0 and i:
            key = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
        if at_end(key):
            key = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
        lab.wait_idle()
        page.wait_for_timeout(gap_ms)
        page.evaluate("(i) => window.__ceLatency.arm(i)", index)
        handle.press(key)
        stamps = page.evaluate("() => window.__ceLatency.done")
        if i >= 2:  # the first two presses warm up and are not reported
            out.append(stamps)
        i += 1
    return out


def summarise(name: str, presses: list[dict]) -> dict:
    def span(a, b):
        return [p[b] - p[a] for p in presses if p.get(a) is not None and p.get(b) is not None]

    first = span("input", "frame")
    missed = sum(1 for p in presses if p.get("frame") is None)
    return dict(
        name=name, n=len(presses), missed=missed,
        first_frame_ms=first,
        median_ms=_median(first), p90_ms=float(np.percentile(first, 90)) if first else float("nan"),
        last_frame_median_ms=_median(span("input", "frameLast")),
        sent_median_ms=_median(span("input", "sent")),
        kernel_median_ms=_median(span("sent", "doc")),
        doc_spread_median_ms=_median(span("doc", "docLast")),
        redraw_median_ms=_median(span("doc", "frame")),
        readout_median_ms=_median(span("input", "readout")),
    )


def run(moves: int, gap_ms: float, only: str | None = None) -> list[dict]:
    from playwright.sync_api import sync_playwright

    results = []
    with tempfile.TemporaryDirectory() as tmp, \
            lab_server(Path(tmp), USER_SETTINGS, Path(tmp) / "jupyter-lab.log") as url, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1366, "height": 850}).new_page()
        lab = LabDriver(url, page)
        for lesson in LESSONS:
            lab.open_notebook(lesson)
            lab.run_all(timeout_ms=300_000)
            page.wait_for_timeout(1000)
            page.evaluate(PROBE_JS)
            for index in range(page.evaluate("() => window.__ceLatency.count()")):
                name = f"{_explorer_name(page.evaluate(NAME_JS, index))} (lesson {Path(lesson).name[:2]})"
                if only and only not in name:
                    continue
                results.append(summarise(name, measure(page, lab, index, moves, gap_ms)))
                print(f"  measured {name}", file=sys.stderr)
            lab.shutdown_kernels()
        browser.close()
    return results


def print_table(results: list[dict], total: str = "kit (all presses)", targets: bool = True) -> dict:
    """Print one row per measured cell and a last row over all their presses; return that row's figures. The
    floor (browser_floor.py) prints its own rows without the kit's targets (``targets=False``)."""
    print("| explorer (key press on the main slider) | n | first frame median ms | p90 ms | final frame median ms "
          "| input→sent | sent→document | document→frame | readout | target (<100 ms) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        ok = r["median_ms"] < TARGET_EXPLORER_MS and not r["missed"]
        print(f"| {r['name']} | {r['n']} | {r['median_ms']:.0f} | {r['p90_ms']:.0f} | {r['last_frame_median_ms']:.0f} "
              f"| {r['sent_median_ms']:.0f} | {r['kernel_median_ms']:.0f} | {r['redraw_median_ms']:.0f} "
              f"| {r['readout_median_ms']:.0f} | {('met' if ok else 'MISSED') if targets else '—'}"
              + (f" ({r['missed']} presses with no new frame)" if r["missed"] else "") + " |")
    every = [v for r in results for v in r["first_frame_ms"]]
    kit = dict(median_ms=_median(every), p90_ms=float(np.percentile(every, 90)) if every else float("nan"),
               n=len(every))
    verdict = (f"{'met' if kit['median_ms'] < TARGET_KIT_MS else 'MISSED'} (<{TARGET_KIT_MS:g} ms)" if targets
               else "—")
    print(f"| **{total}** | {kit['n']} | **{kit['median_ms']:.0f}** | {kit['p90_ms']:.0f} | | | | | | {verdict} |")
    return kit


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--moves", type=int, default=24, help="key presses per explorer (default 24)")
    ap.add_argument("--gap-ms", type=float, default=250, help="pause between presses (default 250 ms)")
    ap.add_argument("--only", help="measure only explorers whose name, e.g. 'ScalingExplorer (lesson 01)', "
                                   "contains this")
    args = ap.parse_args()
    if not os.access(CHROMIUM, os.X_OK):
        print(f"browser benchmark skipped: {CHROMIUM} not found (Debian/Ubuntu: apt-get install chromium)")
        return 0
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nIn the page: key press → new pixels · JupyterLab in Chromium 1366×850 · "
          f"{platform.machine()}, {os.cpu_count()} CPUs, load average {load:.2f} at start\n")
    t0 = time.perf_counter()
    results = run(args.moves, args.gap_ms, args.only)
    kit = print_table(results)
    print(f"\n({time.perf_counter() - t0:.0f} s)")
    results_dir = ROOT / "benchmarks" / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / "browser-latest.json").write_text(json.dumps(dict(explorers=results, kit=kit), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
